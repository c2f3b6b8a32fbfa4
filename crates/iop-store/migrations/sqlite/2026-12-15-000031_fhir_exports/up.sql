-- FHIR bulk exports: who asked for what, for whom, and how far the job has come. The
-- NDJSON files live in the exports directory while the job is complete and unexpired.
CREATE TABLE fhir_exports (
    id TEXT PRIMARY KEY NOT NULL,
    requested_by TEXT NOT NULL REFERENCES users(id),
    requested_at TEXT NOT NULL,
    group_id TEXT,
    types TEXT NOT NULL,
    since TEXT,
    recipient_kind TEXT,
    recipient_ref TEXT,
    recipient_name TEXT,
    status TEXT NOT NULL,
    patients_total INTEGER NOT NULL DEFAULT 0,
    patients_done INTEGER NOT NULL DEFAULT 0,
    patients_left_out INTEGER NOT NULL DEFAULT 0,
    output TEXT,
    report TEXT,
    error TEXT,
    finished_at TEXT,
    expires_at TEXT
);
CREATE INDEX fhir_exports_requested ON fhir_exports(requested_at);
INSERT INTO expand_only_migrations (version) VALUES ('20261215000031');
