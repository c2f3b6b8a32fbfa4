-- The time step of the last TOTP code accepted: a code is good once only (ASVS V6.5.1).
ALTER TABLE users ADD COLUMN totp_last_step BIGINT;
