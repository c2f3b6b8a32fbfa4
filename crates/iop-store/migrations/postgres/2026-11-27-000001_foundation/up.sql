-- Foundation: accounts, sessions, API tokens, login throttling, audit trail, the organisation.
-- Instants are fixed-width UTC text (see iop_domain::time), ids are UUID text.

CREATE TABLE meta (
    key TEXT PRIMARY KEY NOT NULL,
    value TEXT NOT NULL
);

CREATE TABLE users (
    id TEXT PRIMARY KEY NOT NULL,
    email TEXT NOT NULL UNIQUE,
    display_name TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('admin','clinical_director','counselor','admissions','billing')),
    password_hash TEXT NOT NULL,
    totp_secret TEXT,
    disabled_at TEXT,
    created_at TEXT NOT NULL
);

CREATE TABLE web_sessions (
    id_hash TEXT PRIMARY KEY NOT NULL,
    user_id TEXT NOT NULL REFERENCES users(id),
    csrf_token TEXT NOT NULL,
    created_at TEXT NOT NULL,
    last_seen_at TEXT NOT NULL,
    ended_at TEXT
);
CREATE INDEX web_sessions_user ON web_sessions(user_id);

CREATE TABLE api_tokens (
    id TEXT PRIMARY KEY NOT NULL,
    user_id TEXT NOT NULL REFERENCES users(id),
    token_hash TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    revoked_at TEXT
);
CREATE INDEX api_tokens_user ON api_tokens(user_id);

CREATE TABLE login_failures (
    id BIGSERIAL PRIMARY KEY,
    throttle_key TEXT NOT NULL,
    at TEXT NOT NULL
);
CREATE INDEX login_failures_key_at ON login_failures(throttle_key, at);

CREATE TABLE audit_log (
    seq BIGSERIAL PRIMARY KEY,
    at TEXT NOT NULL,
    actor_id TEXT,
    actor_role TEXT,
    action TEXT NOT NULL,
    outcome TEXT NOT NULL,
    patient_id TEXT,
    subject TEXT,
    request_id TEXT,
    detail TEXT NOT NULL,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL
);
CREATE INDEX audit_log_actor ON audit_log(actor_id, seq);
CREATE INDEX audit_log_patient ON audit_log(patient_id, seq);
CREATE INDEX audit_log_at ON audit_log(at);

CREATE FUNCTION iop_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% is append-only', TG_TABLE_NAME;
END;
$$;
CREATE TRIGGER audit_log_no_update BEFORE UPDATE OR DELETE ON audit_log
FOR EACH ROW EXECUTE FUNCTION iop_append_only();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
FOR EACH STATEMENT EXECUTE FUNCTION iop_append_only();

CREATE TABLE sites (
    id TEXT PRIMARY KEY NOT NULL,
    name TEXT NOT NULL,
    time_zone TEXT NOT NULL,
    address TEXT NOT NULL,
    admissions_phone TEXT NOT NULL,
    created_at TEXT NOT NULL
);

CREATE TABLE programs (
    id TEXT PRIMARY KEY NOT NULL,
    site_id TEXT NOT NULL REFERENCES sites(id),
    slug TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    level_of_care TEXT NOT NULL,
    session_start TEXT NOT NULL,
    session_minutes INTEGER NOT NULL,
    min_weeks INTEGER NOT NULL,
    max_weeks INTEGER NOT NULL,
    max_patients_per_facilitator INTEGER NOT NULL,
    family_every_weeks INTEGER NOT NULL,
    family_minutes INTEGER NOT NULL,
    alumni_weekday TEXT NOT NULL,
    created_at TEXT NOT NULL
);

CREATE TABLE tracks (
    id TEXT PRIMARY KEY NOT NULL,
    program_id TEXT NOT NULL REFERENCES programs(id),
    name TEXT NOT NULL,
    weekdays TEXT NOT NULL,
    created_at TEXT NOT NULL,
    UNIQUE (program_id, name)
);
