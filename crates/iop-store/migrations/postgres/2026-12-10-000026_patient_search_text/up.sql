-- What patient search matches: names, MRN, phone digits and date of birth, folded to
-- lower case without accents by iop (the same on both backends); filled for existing
-- patients when the server starts. Not expand-only: a process of the release before
-- would add patients without it, and search would miss them.
ALTER TABLE patients ADD COLUMN search_text TEXT NOT NULL DEFAULT '';
