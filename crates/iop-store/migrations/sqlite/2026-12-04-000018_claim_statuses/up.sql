-- Claims gain the standings a remittance and a correction give them: processed to the
-- patient's responsibility (all to the deductible), replaced, voided.
-- SQLite changes a CHECK only by rebuilding the table (www.sqlite.org/lang_altertable.html,
-- "making other kinds of table schema changes"); migrations run with foreign keys off
-- and are checked with PRAGMA foreign_key_check before they commit.
CREATE TABLE claims_rebuilt (
    id TEXT PRIMARY KEY NOT NULL,
    claim_number TEXT NOT NULL UNIQUE,
    patient_id TEXT NOT NULL REFERENCES patients(id),
    coverage_id TEXT NOT NULL REFERENCES coverages(id),
    payer_id TEXT NOT NULL REFERENCES payers(id),
    period_from TEXT NOT NULL,
    period_to TEXT NOT NULL,
    total_cents BIGINT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('held','ready','submitted','paid','partial','patient_responsibility','denied','replaced','voided','void')),
    problems TEXT,
    batch_id TEXT,
    payer_claim_number TEXT,
    paid_cents BIGINT NOT NULL DEFAULT 0,
    patient_resp_cents BIGINT NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    submitted_on TEXT,
    frequency TEXT NOT NULL DEFAULT 'original',
    corrects_claim_id TEXT REFERENCES claims(id),
    correction_reason TEXT
);
INSERT INTO claims_rebuilt (id, claim_number, patient_id, coverage_id, payer_id, period_from, period_to,
    total_cents, status, problems, batch_id, payer_claim_number, paid_cents, patient_resp_cents,
    created_at, updated_at, submitted_on, frequency, corrects_claim_id, correction_reason)
SELECT id, claim_number, patient_id, coverage_id, payer_id, period_from, period_to,
    total_cents, status, problems, batch_id, payer_claim_number, paid_cents, patient_resp_cents,
    created_at, updated_at, submitted_on, frequency, corrects_claim_id, correction_reason
FROM claims;
DROP TABLE claims;
ALTER TABLE claims_rebuilt RENAME TO claims;
CREATE INDEX claims_status ON claims(status);
CREATE INDEX claims_patient ON claims(patient_id);
