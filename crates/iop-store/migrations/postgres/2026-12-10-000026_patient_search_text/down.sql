ALTER TABLE patients DROP COLUMN search_text;
