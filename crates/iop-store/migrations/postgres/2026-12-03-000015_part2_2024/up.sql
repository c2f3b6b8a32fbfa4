-- 42 CFR Part 2 as amended in 2024: a consent signed by a minor and a parent or
-- guardian both (§2.14(b)); the program's state rule for minors and its notice of
-- privacy practices (§2.22); the notice given to each patient, with time and version.
ALTER TABLE consents ADD COLUMN patient_signed BOOLEAN NOT NULL DEFAULT FALSE;
UPDATE consents SET patient_signed = (signer_kind = 'patient');
ALTER TABLE programs ADD COLUMN minors_need_parent_consent BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE programs ADD COLUMN age_of_majority INTEGER NOT NULL DEFAULT 18;
ALTER TABLE programs ADD COLUMN privacy_notice_version TEXT NOT NULL DEFAULT '2026-02-16';
CREATE TABLE privacy_notices (
    id TEXT PRIMARY KEY NOT NULL,
    patient_id TEXT NOT NULL REFERENCES patients(id),
    episode_id TEXT REFERENCES episodes(id),
    version TEXT NOT NULL,
    given_at TEXT NOT NULL,
    given_by TEXT NOT NULL,
    recorded_at TEXT NOT NULL
);
CREATE INDEX privacy_notices_patient ON privacy_notices(patient_id);
