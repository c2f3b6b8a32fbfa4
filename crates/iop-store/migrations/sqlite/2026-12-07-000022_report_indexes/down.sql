DROP INDEX episodes_inquiry;
DROP INDEX inquiries_first_contact;
DROP INDEX measures_outcome;
CREATE INDEX measures_instrument_date ON measures(instrument, taken_on);
