-- A keyed seal (HMAC with a key outside the database) on each row of the chains.
ALTER TABLE audit_log ADD COLUMN key_id TEXT;
ALTER TABLE audit_log ADD COLUMN mac TEXT;
ALTER TABLE disclosure_log ADD COLUMN key_id TEXT;
ALTER TABLE disclosure_log ADD COLUMN mac TEXT;
