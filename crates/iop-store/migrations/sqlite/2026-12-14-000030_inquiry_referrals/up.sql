-- What a referral sent over FHIR says beyond the inquiry's own fields (the person's
-- birth date, the sender's diagnoses, the contacts it names), kept for screening and
-- admission. One per inquiry; contacts in the order sent.
CREATE TABLE inquiry_referrals (
    inquiry_id TEXT PRIMARY KEY NOT NULL REFERENCES inquiries(id),
    received_at TEXT NOT NULL,
    received_by TEXT NOT NULL,
    date_of_birth TEXT,
    diagnoses TEXT NOT NULL
);

CREATE TABLE inquiry_referral_contacts (
    inquiry_id TEXT NOT NULL REFERENCES inquiry_referrals(inquiry_id),
    position INTEGER NOT NULL,
    name TEXT NOT NULL,
    relationship TEXT,
    phone TEXT,
    PRIMARY KEY (inquiry_id, position)
);
INSERT INTO expand_only_migrations (version) VALUES ('20261214000030');
