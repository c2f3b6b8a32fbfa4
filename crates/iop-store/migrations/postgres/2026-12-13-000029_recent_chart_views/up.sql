-- The dashboard's recent patients: one's own latest chart views, read through an index
-- instead of scanning one's whole recent audit trail.
CREATE INDEX audit_log_actor_action ON audit_log(actor_id, action, seq);
INSERT INTO expand_only_migrations (version) VALUES ('20261213000029');
