-- Outcome measures (PHQ-9, GAD-7, BAM) with their scores, and clinical alerts such as
-- the PHQ-9 item-9 safety follow-up.

CREATE TABLE measures (
    id TEXT PRIMARY KEY NOT NULL,
    patient_id TEXT NOT NULL REFERENCES patients(id),
    instrument TEXT NOT NULL CHECK (instrument IN ('phq9','gad7','bam')),
    instrument_version TEXT NOT NULL,
    occasion TEXT NOT NULL CHECK (occasion IN ('intake','biweekly','discharge','other')),
    taken_on TEXT NOT NULL,
    items TEXT NOT NULL,
    total INTEGER,
    band TEXT,
    subscales TEXT,
    recorded_by TEXT NOT NULL,
    recorded_at TEXT NOT NULL
);
CREATE INDEX measures_patient ON measures(patient_id, taken_on);

CREATE TABLE alerts (
    id TEXT PRIMARY KEY NOT NULL,
    kind TEXT NOT NULL,
    patient_id TEXT NOT NULL REFERENCES patients(id),
    for_user_id TEXT,
    for_role TEXT,
    detail TEXT NOT NULL,
    created_at TEXT NOT NULL,
    acknowledged_at TEXT,
    acknowledged_by TEXT
);
CREATE INDEX alerts_open ON alerts(acknowledged_at, created_at);
