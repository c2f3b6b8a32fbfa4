-- Admissions: inquiries with screening, insurance and intake; the patient's contact
-- details; what an admission records on the episode.

CREATE TABLE inquiries (
    id TEXT PRIMARY KEY NOT NULL,
    channel TEXT NOT NULL CHECK (channel IN ('phone','web','referral')),
    referral_source TEXT,
    first_name TEXT NOT NULL,
    last_name TEXT,
    phone TEXT NOT NULL,
    best_time TEXT,
    may_leave_message BOOLEAN NOT NULL DEFAULT FALSE,
    program_id TEXT REFERENCES programs(id),
    status TEXT NOT NULL,
    status_reason TEXT,
    screening TEXT,
    disposition TEXT,
    insurance_payer TEXT,
    insurance_member_id TEXT,
    insurance_status TEXT NOT NULL DEFAULT 'not_captured',
    intake_at TEXT,
    patient_id TEXT REFERENCES patients(id),
    first_contact_at TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX inquiries_status ON inquiries(status, created_at);

CREATE TABLE inquiry_events (
    id TEXT PRIMARY KEY NOT NULL,
    inquiry_id TEXT NOT NULL REFERENCES inquiries(id),
    at TEXT NOT NULL,
    actor_id TEXT,
    from_status TEXT,
    to_status TEXT NOT NULL,
    reason TEXT
);
CREATE INDEX inquiry_events_inquiry ON inquiry_events(inquiry_id, at);

ALTER TABLE patients ADD COLUMN phone TEXT;
ALTER TABLE patients ADD COLUMN email TEXT;
ALTER TABLE patients ADD COLUMN address TEXT;
ALTER TABLE patients ADD COLUMN emergency_contact_name TEXT;
ALTER TABLE patients ADD COLUMN emergency_contact_phone TEXT;

ALTER TABLE episodes ADD COLUMN inquiry_id TEXT;
ALTER TABLE episodes ADD COLUMN primary_counselor_id TEXT;
ALTER TABLE episodes ADD COLUMN level_of_care TEXT NOT NULL DEFAULT '2.1';
ALTER TABLE episodes ADD COLUMN diagnoses TEXT NOT NULL DEFAULT '';
ALTER TABLE episodes ADD COLUMN ratio_override_reason TEXT;
ALTER TABLE episodes ADD COLUMN end_reason TEXT;
ALTER TABLE episodes ADD COLUMN end_summary TEXT;
