-- Billing integrity (issue 14). Each default keeps what rows already say.
-- The rendering clinician's taxonomy (loop 2310B PRV); staff.npi exists already.
ALTER TABLE staff ADD COLUMN taxonomy TEXT;
-- SBR09, the claim filing indicator, is the payer's: CI commercial, BL Blue Cross, HM HMO …
ALTER TABLE payers ADD COLUMN claim_filing_indicator TEXT NOT NULL DEFAULT 'CI';
-- Contracts that want modifier 95 on services delivered by telehealth.
ALTER TABLE contracts ADD COLUMN telehealth_modifier_95 BOOLEAN NOT NULL DEFAULT FALSE;
-- An appointment is an individual session or a conjoint family session (with or
-- without the patient); the note records where a telehealth patient was.
ALTER TABLE appointments ADD COLUMN kind TEXT NOT NULL DEFAULT 'individual';
ALTER TABLE individual_notes ADD COLUMN patient_location TEXT;
-- The clinician who rendered a charge's service, for loop 2310B; and what the payer
-- paid on it and left to the patient, posted line by line from the 835.
ALTER TABLE charges ADD COLUMN rendering_staff_id TEXT REFERENCES staff(id);
ALTER TABLE charges ADD COLUMN paid_cents BIGINT NOT NULL DEFAULT 0;
ALTER TABLE charges ADD COLUMN patient_resp_cents BIGINT NOT NULL DEFAULT 0;
ALTER TABLE adjustments ADD COLUMN charge_id TEXT REFERENCES charges(id);
-- Corrections: a replacement (7) or void (8) names the claim it corrects; the original
-- stays on record.
ALTER TABLE claims ADD COLUMN frequency TEXT NOT NULL DEFAULT 'original';
ALTER TABLE claims ADD COLUMN corrects_claim_id TEXT REFERENCES claims(id);
ALTER TABLE claims ADD COLUMN correction_reason TEXT;
-- A self-pay payment above the balance, kept as a credit on purpose.
ALTER TABLE payments ADD COLUMN as_credit BOOLEAN NOT NULL DEFAULT FALSE;
-- PLB: what the payer took back or added at the provider level (interest, recoupments,
-- forward balances), kept as a ledger of the organisation, not of any patient.
CREATE TABLE provider_ledger (
    id TEXT PRIMARY KEY NOT NULL,
    remittance_id TEXT NOT NULL REFERENCES remittances(id),
    provider_id TEXT NOT NULL,
    fiscal_period_end TEXT NOT NULL,
    reason_code TEXT NOT NULL,
    reference TEXT,
    amount_cents BIGINT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX provider_ledger_remittance ON provider_ledger (remittance_id);
