ALTER TABLE audit_log DROP COLUMN key_id;
ALTER TABLE audit_log DROP COLUMN mac;
ALTER TABLE disclosure_log DROP COLUMN key_id;
ALTER TABLE disclosure_log DROP COLUMN mac;
