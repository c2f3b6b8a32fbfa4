-- A clinician extends an episode past the program's maximum length, with a reason.
ALTER TABLE episodes ADD COLUMN extension_reason TEXT;
