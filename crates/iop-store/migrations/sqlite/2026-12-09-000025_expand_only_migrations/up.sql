-- Migrations that only add (tables, nullable columns, indexes): a process of the release
-- before them may keep running on the database they changed, in a rolling upgrade. An
-- expand-only migration ends by inserting its own version here; `serve` refuses any other
-- migration it does not know.
CREATE TABLE expand_only_migrations (
    version TEXT PRIMARY KEY NOT NULL
);
INSERT INTO expand_only_migrations (version) VALUES ('20261209000025');
