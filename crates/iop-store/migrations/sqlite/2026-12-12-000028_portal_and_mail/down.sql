DELETE FROM expand_only_migrations WHERE version = '20261212000028';
DROP TABLE consent_drafts;
DROP TABLE mail_outbox;
DROP TABLE portal_mail_preferences;
DROP TABLE portal_tokens;
DROP TABLE portal_sessions;
DROP TABLE portal_accounts;
