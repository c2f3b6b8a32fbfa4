DROP TABLE session_makeups;
ALTER TABLE group_notes DROP COLUMN cosigned_at;
ALTER TABLE group_notes DROP COLUMN cosigned_by;
ALTER TABLE group_notes DROP COLUMN cosign_required;
ALTER TABLE staff DROP COLUMN requires_cosign;
DROP TABLE treatment_plans;
DROP TABLE individual_notes;
DROP TABLE appointments;
