DROP TABLE note_addenda;
DROP TABLE note_entries;
DROP TABLE group_notes;
DROP TABLE attendance;
