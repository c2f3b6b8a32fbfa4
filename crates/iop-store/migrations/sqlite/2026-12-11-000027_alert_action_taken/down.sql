DELETE FROM expand_only_migrations WHERE version = '20261211000027';
ALTER TABLE alerts DROP COLUMN action_taken;
