-- Attendance with minutes, and the group note: one shared narrative, an entry per
-- attendee, signing, and addenda (signed notes are never edited).

CREATE TABLE attendance (
    id TEXT PRIMARY KEY NOT NULL,
    session_id TEXT NOT NULL REFERENCES sessions(id),
    patient_id TEXT NOT NULL REFERENCES patients(id),
    mark TEXT NOT NULL CHECK (mark IN ('present','late','left_early','absent_excused','absent_unexcused')),
    minutes INTEGER NOT NULL,
    recorded_by TEXT NOT NULL,
    recorded_at TEXT NOT NULL,
    UNIQUE (session_id, patient_id)
);
CREATE INDEX attendance_patient ON attendance(patient_id);

CREATE TABLE group_notes (
    id TEXT PRIMARY KEY NOT NULL,
    session_id TEXT NOT NULL UNIQUE REFERENCES sessions(id),
    topic TEXT NOT NULL,
    interventions TEXT NOT NULL,
    group_process TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('draft','signed')),
    author_id TEXT NOT NULL,
    signed_by TEXT,
    signed_at TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

CREATE TABLE note_entries (
    id TEXT PRIMARY KEY NOT NULL,
    note_id TEXT NOT NULL REFERENCES group_notes(id),
    patient_id TEXT NOT NULL REFERENCES patients(id),
    participation TEXT NOT NULL,
    progress TEXT NOT NULL,
    UNIQUE (note_id, patient_id)
);
CREATE INDEX note_entries_patient ON note_entries(patient_id);

CREATE TABLE note_addenda (
    id TEXT PRIMARY KEY NOT NULL,
    note_id TEXT NOT NULL REFERENCES group_notes(id),
    author_id TEXT NOT NULL,
    author_name TEXT NOT NULL,
    text TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX note_addenda_note ON note_addenda(note_id);
