DROP INDEX episodes_patient;
