-- Billing: the site's billing identity, payers and contracts (coding mode, fee
-- schedule, place of service, authorization), coverage, authorizations, charges made
-- from documentation, claims in 837P batches, 835 remittances with payments and
-- adjustments, an unmatched-remittance work queue, and patient payments.
-- Money is integer cents. Nothing here is deleted: charges and payments are voided.

ALTER TABLE patients ADD COLUMN sex TEXT NOT NULL DEFAULT 'U';
ALTER TABLE patients ADD COLUMN address_line TEXT;
ALTER TABLE patients ADD COLUMN city TEXT;
ALTER TABLE patients ADD COLUMN state TEXT;
ALTER TABLE patients ADD COLUMN zip TEXT;

CREATE TABLE site_billing (
    site_id TEXT PRIMARY KEY NOT NULL REFERENCES sites(id),
    organisation_name TEXT NOT NULL,
    npi TEXT NOT NULL,
    tax_id TEXT NOT NULL,
    address_line TEXT NOT NULL,
    city TEXT NOT NULL,
    state TEXT NOT NULL,
    zip TEXT NOT NULL,
    submitter_id TEXT NOT NULL,
    contact_name TEXT NOT NULL,
    contact_phone TEXT NOT NULL,
    receiver_name TEXT NOT NULL,
    receiver_id TEXT NOT NULL,
    usage TEXT NOT NULL CHECK (usage IN ('T','P')),
    updated_at TEXT NOT NULL
);

CREATE TABLE payers (
    id TEXT PRIMARY KEY NOT NULL,
    name TEXT NOT NULL,
    payer_id TEXT NOT NULL,
    address_line TEXT NOT NULL,
    city TEXT NOT NULL,
    state TEXT NOT NULL,
    zip TEXT NOT NULL,
    created_at TEXT NOT NULL
);

CREATE TABLE contracts (
    id TEXT PRIMARY KEY NOT NULL,
    program_id TEXT NOT NULL REFERENCES programs(id),
    payer_id TEXT REFERENCES payers(id),
    claim_form TEXT NOT NULL CHECK (claim_form IN ('837P','837I','none')),
    coding_mode TEXT NOT NULL CHECK (coding_mode IN ('per_diem','per_service')),
    per_diem_code TEXT NOT NULL,
    minimum_minutes INTEGER NOT NULL,
    fees TEXT NOT NULL,
    place_of_service TEXT NOT NULL,
    modifiers TEXT NOT NULL,
    authorization_required BOOLEAN NOT NULL,
    effective_from TEXT NOT NULL,
    effective_to TEXT,
    created_at TEXT NOT NULL
);
CREATE INDEX contracts_program ON contracts(program_id);

CREATE TABLE coverages (
    id TEXT PRIMARY KEY NOT NULL,
    patient_id TEXT NOT NULL REFERENCES patients(id),
    payer_id TEXT NOT NULL REFERENCES payers(id),
    member_id TEXT NOT NULL,
    group_number TEXT,
    priority TEXT NOT NULL CHECK (priority IN ('primary','secondary')),
    relationship TEXT NOT NULL,
    subscriber_first TEXT NOT NULL,
    subscriber_last TEXT NOT NULL,
    subscriber_dob TEXT NOT NULL,
    subscriber_sex TEXT NOT NULL,
    subscriber_address_line TEXT NOT NULL,
    subscriber_city TEXT NOT NULL,
    subscriber_state TEXT NOT NULL,
    subscriber_zip TEXT NOT NULL,
    effective_from TEXT NOT NULL,
    effective_to TEXT,
    created_at TEXT NOT NULL,
    voided_at TEXT,
    void_reason TEXT
);
CREATE INDEX coverages_patient ON coverages(patient_id);

CREATE TABLE authorizations (
    id TEXT PRIMARY KEY NOT NULL,
    coverage_id TEXT NOT NULL REFERENCES coverages(id),
    patient_id TEXT NOT NULL REFERENCES patients(id),
    number TEXT NOT NULL,
    service_code TEXT NOT NULL,
    units INTEGER NOT NULL,
    start_date TEXT NOT NULL,
    end_date TEXT NOT NULL,
    next_review_on TEXT,
    created_at TEXT NOT NULL,
    voided_at TEXT,
    void_reason TEXT
);
CREATE INDEX authorizations_patient ON authorizations(patient_id);

CREATE TABLE claims (
    id TEXT PRIMARY KEY NOT NULL,
    claim_number TEXT NOT NULL UNIQUE,
    patient_id TEXT NOT NULL REFERENCES patients(id),
    coverage_id TEXT NOT NULL REFERENCES coverages(id),
    payer_id TEXT NOT NULL REFERENCES payers(id),
    period_from TEXT NOT NULL,
    period_to TEXT NOT NULL,
    total_cents BIGINT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('held','ready','submitted','paid','partial','denied','void')),
    problems TEXT,
    batch_id TEXT,
    payer_claim_number TEXT,
    paid_cents BIGINT NOT NULL DEFAULT 0,
    patient_resp_cents BIGINT NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    submitted_on TEXT
);
CREATE INDEX claims_status ON claims(status);
CREATE INDEX claims_patient ON claims(patient_id);

CREATE TABLE charges (
    id TEXT PRIMARY KEY NOT NULL,
    patient_id TEXT NOT NULL REFERENCES patients(id),
    source_kind TEXT NOT NULL CHECK (source_kind IN ('day','session','appointment')),
    source_id TEXT NOT NULL,
    service_date TEXT NOT NULL,
    code TEXT,
    modifiers TEXT NOT NULL,
    units INTEGER NOT NULL,
    amount_cents BIGINT NOT NULL,
    payer TEXT NOT NULL CHECK (payer IN ('insurance','self_pay')),
    coverage_id TEXT REFERENCES coverages(id),
    contract_id TEXT REFERENCES contracts(id),
    authorization_id TEXT REFERENCES authorizations(id),
    place_of_service TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('pending','ready','billed','void')),
    pending_reason TEXT,
    claim_id TEXT REFERENCES claims(id),
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    void_reason TEXT,
    UNIQUE (patient_id, source_kind, source_id)
);
CREATE INDEX charges_status ON charges(status, service_date);
CREATE INDEX charges_claim ON charges(claim_id);

CREATE TABLE claim_batches (
    id TEXT PRIMARY KEY NOT NULL,
    interchange_control_number INTEGER NOT NULL UNIQUE,
    content TEXT NOT NULL,
    claim_count INTEGER NOT NULL,
    total_cents BIGINT NOT NULL,
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL
);

CREATE TABLE remittances (
    id TEXT PRIMARY KEY NOT NULL,
    content_hash TEXT NOT NULL UNIQUE,
    trace_number TEXT NOT NULL,
    payer_name TEXT NOT NULL,
    paid_cents BIGINT NOT NULL,
    payment_date TEXT NOT NULL,
    method TEXT NOT NULL,
    claims_matched INTEGER NOT NULL,
    claims_unmatched INTEGER NOT NULL,
    content TEXT NOT NULL,
    imported_by TEXT NOT NULL,
    imported_at TEXT NOT NULL
);

CREATE TABLE payments (
    id TEXT PRIMARY KEY NOT NULL,
    patient_id TEXT REFERENCES patients(id),
    claim_id TEXT REFERENCES claims(id),
    remittance_id TEXT REFERENCES remittances(id),
    source TEXT NOT NULL CHECK (source IN ('payer','patient')),
    method TEXT NOT NULL,
    reference TEXT,
    amount_cents BIGINT NOT NULL,
    received_on TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL,
    voided_at TEXT,
    void_reason TEXT
);
CREATE INDEX payments_patient ON payments(patient_id);
CREATE INDEX payments_claim ON payments(claim_id);

CREATE TABLE adjustments (
    id TEXT PRIMARY KEY NOT NULL,
    claim_id TEXT NOT NULL REFERENCES claims(id),
    remittance_id TEXT NOT NULL REFERENCES remittances(id),
    procedure_code TEXT,
    group_code TEXT NOT NULL,
    reason_code TEXT NOT NULL,
    amount_cents BIGINT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX adjustments_claim ON adjustments(claim_id);

CREATE TABLE remittance_unmatched (
    id TEXT PRIMARY KEY NOT NULL,
    remittance_id TEXT NOT NULL REFERENCES remittances(id),
    claim_number TEXT NOT NULL,
    paid_cents BIGINT NOT NULL,
    detail TEXT NOT NULL,
    resolved_at TEXT,
    resolved_by TEXT,
    resolution TEXT
);
