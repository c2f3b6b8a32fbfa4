-- The program's rules as settings (each default is the value that was written in the
-- code before): graduation's attendance threshold and excused-absence rule, the weekly
-- hours floor and the break inside each group, the hours individual sessions are
-- offered, and the per-diem minimum when no contract sets one.
ALTER TABLE programs ADD COLUMN min_attendance_percent INTEGER NOT NULL DEFAULT 80;
ALTER TABLE programs ADD COLUMN excused_absences TEXT NOT NULL DEFAULT 'leave_denominator';
ALTER TABLE programs ADD COLUMN weekly_floor_minutes INTEGER NOT NULL DEFAULT 540;
ALTER TABLE programs ADD COLUMN break_minutes INTEGER NOT NULL DEFAULT 0;
ALTER TABLE programs ADD COLUMN individual_weekdays TEXT NOT NULL DEFAULT 'mon,tue,wed,thu,fri';
ALTER TABLE programs ADD COLUMN individual_first_start TEXT NOT NULL DEFAULT '09:00';
ALTER TABLE programs ADD COLUMN individual_last_start TEXT NOT NULL DEFAULT '16:00';
ALTER TABLE programs ADD COLUMN per_diem_minimum_minutes INTEGER NOT NULL DEFAULT 180;
-- The payer chosen at screening, so admission can start the patient's coverage.
ALTER TABLE inquiries ADD COLUMN payer_id TEXT REFERENCES payers(id);
