-- Individual counseling (appointments and their notes with start and stop times),
-- the treatment plan (versioned, reviewed every 30 days), co-signature of notes by a
-- clinical director for staff who need supervision, and make-up patients on a roster.

CREATE TABLE appointments (
    id TEXT PRIMARY KEY NOT NULL,
    patient_id TEXT NOT NULL REFERENCES patients(id),
    staff_id TEXT NOT NULL REFERENCES staff(id),
    starts_at TEXT NOT NULL,
    planned_minutes INTEGER NOT NULL,
    mode TEXT NOT NULL CHECK (mode IN ('in_person','telehealth')),
    telehealth_link TEXT,
    status TEXT NOT NULL CHECK (status IN ('scheduled','kept','no_show','cancelled','late_cancelled')),
    status_reason TEXT,
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX appointments_patient ON appointments(patient_id, starts_at);
CREATE INDEX appointments_staff ON appointments(staff_id, starts_at);

CREATE TABLE individual_notes (
    id TEXT PRIMARY KEY NOT NULL,
    appointment_id TEXT NOT NULL UNIQUE REFERENCES appointments(id),
    started_at TEXT NOT NULL,
    ended_at TEXT NOT NULL,
    minutes INTEGER NOT NULL,
    goal TEXT NOT NULL,
    narrative TEXT NOT NULL,
    plan TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('draft','signed')),
    author_id TEXT NOT NULL,
    signed_by TEXT,
    signed_at TEXT,
    cosign_required BOOLEAN NOT NULL DEFAULT FALSE,
    cosigned_by TEXT,
    cosigned_at TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

CREATE TABLE treatment_plans (
    id TEXT PRIMARY KEY NOT NULL,
    patient_id TEXT NOT NULL REFERENCES patients(id),
    version INTEGER NOT NULL,
    content TEXT NOT NULL,
    review_due TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL,
    patient_signature TEXT,
    patient_signed_at TEXT,
    counselor_signed_by TEXT,
    counselor_signed_at TEXT,
    UNIQUE (patient_id, version)
);

ALTER TABLE staff ADD COLUMN requires_cosign BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE group_notes ADD COLUMN cosign_required BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE group_notes ADD COLUMN cosigned_by TEXT;
ALTER TABLE group_notes ADD COLUMN cosigned_at TEXT;

CREATE TABLE session_makeups (
    id TEXT PRIMARY KEY NOT NULL,
    session_id TEXT NOT NULL REFERENCES sessions(id),
    patient_id TEXT NOT NULL REFERENCES patients(id),
    reason TEXT NOT NULL,
    added_by TEXT NOT NULL,
    added_at TEXT NOT NULL,
    UNIQUE (session_id, patient_id)
);
CREATE INDEX session_makeups_patient ON session_makeups(patient_id);
