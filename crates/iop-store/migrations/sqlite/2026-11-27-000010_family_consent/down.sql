DROP TABLE disclosure_log;
DROP TABLE family_attendance;
DROP TABLE consent_recipients;
DROP TABLE consents;
DROP TABLE related_persons;
ALTER TABLE patients DROP COLUMN minor_self_consent;
