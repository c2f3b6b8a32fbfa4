-- The family program and 42 CFR Part 2 consent: related persons, consents (versioned,
-- revocable per recipient), family-group attendance, and the append-only, hash-chained
-- disclosure log behind the patient's accounting of disclosures.

-- A minor who consented to their own treatment: only they may consent to disclosure.
ALTER TABLE patients ADD COLUMN minor_self_consent BOOLEAN NOT NULL DEFAULT FALSE;

CREATE TABLE related_persons (
    id TEXT PRIMARY KEY NOT NULL,
    patient_id TEXT NOT NULL REFERENCES patients(id),
    name TEXT NOT NULL,
    relationship TEXT NOT NULL,
    phone TEXT,
    email TEXT,
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX related_persons_patient ON related_persons(patient_id);

CREATE TABLE consents (
    id TEXT PRIMARY KEY NOT NULL,
    patient_id TEXT NOT NULL REFERENCES patients(id),
    series_id TEXT NOT NULL,
    version INTEGER NOT NULL,
    discloser TEXT NOT NULL,
    information TEXT NOT NULL,
    purpose TEXT NOT NULL,
    tpo BOOLEAN NOT NULL,
    expiry_kind TEXT NOT NULL CHECK (expiry_kind IN ('date','end_of_treatment','never')),
    expiry_date TEXT,
    signer_kind TEXT NOT NULL CHECK (signer_kind IN ('patient','representative')),
    signature TEXT NOT NULL,
    signer_name TEXT,
    signer_authority TEXT,
    signed_at TEXT NOT NULL,
    recorded_by TEXT NOT NULL,
    recorded_at TEXT NOT NULL,
    superseded_at TEXT,
    UNIQUE (series_id, version)
);
CREATE INDEX consents_patient ON consents(patient_id);

CREATE TABLE consent_recipients (
    id TEXT PRIMARY KEY NOT NULL,
    consent_id TEXT NOT NULL REFERENCES consents(id),
    kind TEXT NOT NULL CHECK (kind IN ('person','payer','class')),
    ref_id TEXT,
    name TEXT NOT NULL,
    revoked_at TEXT,
    revoked_by TEXT,
    revocation_note TEXT
);
CREATE INDEX consent_recipients_consent ON consent_recipients(consent_id);

CREATE TABLE family_attendance (
    id TEXT PRIMARY KEY NOT NULL,
    session_id TEXT NOT NULL REFERENCES sessions(id),
    related_person_id TEXT NOT NULL REFERENCES related_persons(id),
    patient_id TEXT NOT NULL REFERENCES patients(id),
    present BOOLEAN NOT NULL,
    consent_id TEXT NOT NULL REFERENCES consents(id),
    recorded_by TEXT NOT NULL,
    recorded_at TEXT NOT NULL,
    UNIQUE (session_id, related_person_id)
);

CREATE TABLE disclosure_log (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    at TEXT NOT NULL,
    patient_id TEXT NOT NULL,
    recipient_kind TEXT NOT NULL,
    recipient_ref TEXT,
    recipient_name TEXT NOT NULL,
    information TEXT NOT NULL,
    purpose TEXT NOT NULL,
    channel TEXT NOT NULL,
    consent_id TEXT NOT NULL,
    consent_version INTEGER NOT NULL,
    notice_version TEXT NOT NULL,
    actor_id TEXT,
    subject TEXT,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL
);
CREATE INDEX disclosure_log_patient ON disclosure_log(patient_id, seq);

CREATE TRIGGER disclosure_log_no_update BEFORE UPDATE ON disclosure_log
BEGIN SELECT RAISE(ABORT, 'disclosure_log is append-only'); END;
CREATE TRIGGER disclosure_log_no_delete BEFORE DELETE ON disclosure_log
BEGIN SELECT RAISE(ABORT, 'disclosure_log is append-only'); END;
