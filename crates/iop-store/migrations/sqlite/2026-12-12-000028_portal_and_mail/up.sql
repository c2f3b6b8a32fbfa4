-- Portal accounts of patients and their relatives, apart from staff accounts so that
-- no staff route can ever take one. The password is set from the invitation link.
CREATE TABLE portal_accounts (
    id TEXT PRIMARY KEY NOT NULL,
    email TEXT NOT NULL UNIQUE,
    role TEXT NOT NULL CHECK (role IN ('patient','family')),
    patient_id TEXT NOT NULL REFERENCES patients(id),
    related_person_id TEXT REFERENCES related_persons(id),
    password_hash TEXT,
    totp_secret TEXT,
    totp_last_step BIGINT,
    disabled_at TEXT,
    quiet_from TEXT,
    quiet_until TEXT,
    bounced_at TEXT,
    feed_token_hash TEXT UNIQUE,
    invited_by TEXT NOT NULL,
    created_at TEXT NOT NULL,
    CHECK ((role = 'family') = (related_person_id IS NOT NULL))
);
CREATE INDEX portal_accounts_patient ON portal_accounts(patient_id);

CREATE TABLE portal_sessions (
    id_hash TEXT PRIMARY KEY NOT NULL,
    account_id TEXT NOT NULL REFERENCES portal_accounts(id),
    csrf_token TEXT NOT NULL,
    created_at TEXT NOT NULL,
    last_seen_at TEXT NOT NULL,
    ended_at TEXT
);

-- One-time links (invitation, password reset): only their hash is kept.
CREATE TABLE portal_tokens (
    token_hash TEXT PRIMARY KEY NOT NULL,
    account_id TEXT NOT NULL REFERENCES portal_accounts(id),
    purpose TEXT NOT NULL CHECK (purpose IN ('invitation','password_reset')),
    expires_at TEXT NOT NULL,
    used_at TEXT,
    created_at TEXT NOT NULL
);
CREATE INDEX portal_tokens_account ON portal_tokens(account_id);

CREATE TABLE portal_mail_preferences (
    account_id TEXT NOT NULL REFERENCES portal_accounts(id),
    kind TEXT NOT NULL,
    wanted BOOLEAN NOT NULL,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (account_id, kind)
);

-- The transactional outbox: written in the transaction of the event that sends it,
-- emptied by the sender task. The link (which may carry a one-time token) is sealed
-- with the application key and dropped once the message is sent.
CREATE TABLE mail_outbox (
    id TEXT PRIMARY KEY NOT NULL,
    kind TEXT NOT NULL,
    to_address TEXT NOT NULL,
    account_id TEXT REFERENCES portal_accounts(id),
    link_sealed TEXT,
    status TEXT NOT NULL CHECK (status IN ('pending','sent','failed')),
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TEXT NOT NULL,
    last_error TEXT,
    dedupe_key TEXT UNIQUE,
    created_at TEXT NOT NULL,
    sent_at TEXT
);
CREATE INDEX mail_outbox_due ON mail_outbox(status, next_attempt_at);
-- A consent staff wrote for the patient to sign in the portal: what it would say, as
-- JSON; it becomes a consent (and is marked signed) when they sign it.
CREATE TABLE consent_drafts (
    id TEXT PRIMARY KEY NOT NULL,
    patient_id TEXT NOT NULL REFERENCES patients(id),
    body TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL,
    signed_consent_id TEXT REFERENCES consents(id),
    withdrawn_at TEXT
);
CREATE INDEX consent_drafts_patient ON consent_drafts(patient_id);
INSERT INTO expand_only_migrations (version) VALUES ('20261212000028');
