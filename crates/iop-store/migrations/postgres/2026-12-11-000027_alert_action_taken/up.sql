-- What the clinician did about a safety alert, written when they acknowledge it.
ALTER TABLE alerts ADD COLUMN action_taken TEXT;
INSERT INTO expand_only_migrations (version) VALUES ('20261211000027');
