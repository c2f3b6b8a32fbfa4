-- The outcome report reads one instrument's scores over a period. With the score columns
-- in the index it reads no table row: fetching each row through the index cost 1.3 s at
-- 100 sites × 5 years.
DROP INDEX measures_instrument_date;
CREATE INDEX measures_outcome ON measures(instrument, taken_on, patient_id, occasion, total, instrument_version);
-- The admissions funnel reads the inquiries first contacted in a period, then the
-- episodes they became.
CREATE INDEX inquiries_first_contact ON inquiries(first_contact_at);
CREATE INDEX episodes_inquiry ON episodes(inquiry_id);
