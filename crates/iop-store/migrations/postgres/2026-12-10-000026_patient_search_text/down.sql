DELETE FROM expand_only_migrations WHERE version = '20261210000026';
ALTER TABLE patients DROP COLUMN search_text;
