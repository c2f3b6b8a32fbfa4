DELETE FROM expand_only_migrations WHERE version = '20261213000029';
DROP INDEX audit_log_actor_action;
