ALTER TABLE episodes DROP COLUMN extension_reason;
