-- Program calendar: settings, closures, curriculum, sessions, staff and facilitators,
-- calendar feeds; and the patients and episodes that make a session's expected roster.

ALTER TABLE programs ADD COLUMN family_weekday TEXT NOT NULL DEFAULT 'thu';
ALTER TABLE programs ADD COLUMN family_anchor TEXT NOT NULL DEFAULT '2026-01-05';
ALTER TABLE programs ADD COLUMN alumni_minutes INTEGER NOT NULL DEFAULT 90;
ALTER TABLE programs ADD COLUMN horizon_weeks INTEGER NOT NULL DEFAULT 12;

CREATE TABLE closures (
    id TEXT PRIMARY KEY NOT NULL,
    site_id TEXT NOT NULL REFERENCES sites(id),
    local_date TEXT NOT NULL,
    reason TEXT NOT NULL,
    created_at TEXT NOT NULL,
    voided_at TEXT,
    void_reason TEXT
);
CREATE INDEX closures_site_date ON closures(site_id, local_date);

CREATE TABLE topics (
    id TEXT PRIMARY KEY NOT NULL,
    program_id TEXT NOT NULL REFERENCES programs(id),
    position INTEGER NOT NULL,
    title TEXT NOT NULL,
    active BOOLEAN NOT NULL DEFAULT TRUE,
    created_at TEXT NOT NULL
);
CREATE INDEX topics_program ON topics(program_id, position);

CREATE TABLE sessions (
    id TEXT PRIMARY KEY NOT NULL,
    program_id TEXT NOT NULL REFERENCES programs(id),
    track_id TEXT REFERENCES tracks(id),
    kind TEXT NOT NULL CHECK (kind IN ('core','family','alumni')),
    gen_key TEXT NOT NULL UNIQUE,
    local_date TEXT NOT NULL,
    starts_at TEXT NOT NULL,
    ends_at TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('scheduled','held','cancelled')),
    cancel_source TEXT,
    cancel_reason TEXT,
    topic_id TEXT REFERENCES topics(id),
    topic_locked BOOLEAN NOT NULL DEFAULT FALSE,
    original_starts_at TEXT,
    sequence INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX sessions_program_date ON sessions(program_id, local_date);
CREATE INDEX sessions_date ON sessions(local_date);

CREATE TABLE staff (
    id TEXT PRIMARY KEY NOT NULL,
    user_id TEXT UNIQUE REFERENCES users(id),
    display_name TEXT NOT NULL,
    credentials TEXT NOT NULL,
    npi TEXT,
    active BOOLEAN NOT NULL DEFAULT TRUE,
    created_at TEXT NOT NULL
);

CREATE TABLE session_facilitators (
    id TEXT PRIMARY KEY NOT NULL,
    session_id TEXT NOT NULL REFERENCES sessions(id),
    staff_id TEXT NOT NULL REFERENCES staff(id),
    assigned_at TEXT NOT NULL,
    unassigned_at TEXT,
    unassigned_reason TEXT
);
CREATE INDEX session_facilitators_session ON session_facilitators(session_id);
CREATE INDEX session_facilitators_staff ON session_facilitators(staff_id);

CREATE TABLE calendar_feeds (
    id TEXT PRIMARY KEY NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    staff_id TEXT REFERENCES staff(id),
    track_id TEXT REFERENCES tracks(id),
    created_at TEXT NOT NULL,
    revoked_at TEXT,
    CHECK ((staff_id IS NULL) <> (track_id IS NULL))
);

CREATE TABLE patients (
    id TEXT PRIMARY KEY NOT NULL,
    mrn TEXT NOT NULL UNIQUE,
    legal_first_name TEXT NOT NULL,
    legal_last_name TEXT NOT NULL,
    preferred_name TEXT,
    date_of_birth TEXT NOT NULL,
    created_at TEXT NOT NULL
);

CREATE TABLE episodes (
    id TEXT PRIMARY KEY NOT NULL,
    patient_id TEXT NOT NULL REFERENCES patients(id),
    program_id TEXT NOT NULL REFERENCES programs(id),
    admit_date TEXT NOT NULL,
    planned_end_date TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('active','graduated','discharged')),
    ended_on TEXT,
    created_at TEXT NOT NULL
);
CREATE INDEX episodes_program ON episodes(program_id, status);

CREATE TABLE episode_tracks (
    id TEXT PRIMARY KEY NOT NULL,
    episode_id TEXT NOT NULL REFERENCES episodes(id),
    track_id TEXT NOT NULL REFERENCES tracks(id),
    from_date TEXT NOT NULL,
    to_date TEXT
);
CREATE INDEX episode_tracks_episode ON episode_tracks(episode_id);
CREATE INDEX episode_tracks_track ON episode_tracks(track_id);
