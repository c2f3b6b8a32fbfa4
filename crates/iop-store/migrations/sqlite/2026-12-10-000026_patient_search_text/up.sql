-- What patient search matches: names, MRN, phone digits and date of birth, folded to
-- lower case without accents by iop (the same on both backends); filled for existing
-- patients when the server starts. Adds only: an older release keeps running.
ALTER TABLE patients ADD COLUMN search_text TEXT NOT NULL DEFAULT '';
INSERT INTO expand_only_migrations (version) VALUES ('20261210000026');
