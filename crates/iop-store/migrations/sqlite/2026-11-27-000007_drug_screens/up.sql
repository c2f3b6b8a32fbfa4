-- Drug screens: collection, specimen, point-of-care or lab, a result per substance.

CREATE TABLE drug_screens (
    id TEXT PRIMARY KEY NOT NULL,
    patient_id TEXT NOT NULL REFERENCES patients(id),
    collected_on TEXT NOT NULL,
    specimen TEXT NOT NULL CHECK (specimen IN ('urine','oral_fluid','breath','blood','hair')),
    method TEXT NOT NULL CHECK (method IN ('point_of_care','lab')),
    results TEXT NOT NULL,
    any_positive BOOLEAN NOT NULL,
    recorded_by TEXT NOT NULL,
    recorded_at TEXT NOT NULL
);
CREATE INDEX drug_screens_patient ON drug_screens(patient_id, collected_on);
