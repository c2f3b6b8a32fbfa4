-- Claims gain the standings a remittance and a correction give them: processed to the
-- patient's responsibility (all to the deductible), replaced, voided.
ALTER TABLE claims DROP CONSTRAINT claims_status_check;
ALTER TABLE claims ADD CONSTRAINT claims_status_check
    CHECK (status IN ('held','ready','submitted','paid','partial','patient_responsibility','denied','replaced','voided','void'));
