-- The relapse prevention plan: each change is a new version; a version is signed by the
-- patient and by the counselor and is never edited after.

CREATE TABLE relapse_plans (
    id TEXT PRIMARY KEY NOT NULL,
    patient_id TEXT NOT NULL REFERENCES patients(id),
    version INTEGER NOT NULL,
    content TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL,
    patient_signature TEXT,
    patient_signed_at TEXT,
    counselor_signed_by TEXT,
    counselor_signed_at TEXT,
    UNIQUE (patient_id, version)
);
