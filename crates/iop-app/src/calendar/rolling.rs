//! The rolling calendar: every program keeps its sessions generated from today to its
//! planning horizon. `serve` runs it at start and every night; `iop calendar generate`
//! runs it from cron. Idempotent, so a second run (or a second process) changes nothing.

use crate::audit::{record, Event};
use crate::calendar::sessions::{generate_in, load_program};
use crate::ctx::Ctx;
use crate::error::{AppError, Result};
use crate::policy::Action;
use crate::App;
use iop_domain::ids::ProgramId;
use iop_store::org;
use jiff::{civil::Time, tz::TimeZone, Timestamp};

/// The advisory lock of the nightly run (any constant shared by every process).
const CALENDAR_JOB_LOCK: i64 = 0x696f_7063_616c;

/// When the nightly run happens at the organisation's site: after the evening groups,
/// before anyone opens the next day's calendar.
pub const NIGHTLY_AT: Time = Time::constant(2, 30, 0, 0);

#[derive(Debug, Default, PartialEq, Eq)]
pub struct RollReport {
    /// False when another process held the lock and did the work.
    pub ran: bool,
    /// (program, last date generated, sessions created).
    pub programs: Vec<(ProgramId, jiff::civil::Date, usize)>,
}

impl App {
    /// Generates every program from today (at its site) to its horizon.
    pub fn roll_calendar(&self, ctx: &Ctx) -> Result<RollReport> {
        ctx.require(Action::ManageCalendar)?;
        let programs = self.store.read(|c| Ok::<_, AppError>(org::programs(c)?))?;
        let mut report = RollReport::default();
        // One transaction per program: one for them all held the writer for seconds at a
        // hundred programs, and every other write waited (or timed out) behind it. The
        // lock keeps two processes off the same program at once; each run is idempotent.
        for p in programs {
            let done = self.store.write(|c| {
                if !iop_store::dialect::try_job_lock(c, CALENDAR_JOB_LOCK)? {
                    return Ok(None);
                }
                let pc = load_program(c, p.id)?;
                let today = pc.today(ctx.now());
                let to = today
                    .checked_add(jiff::Span::new().weeks(i64::from(pc.program.horizon_weeks)))
                    .unwrap_or(today);
                let done = generate_in(c, ctx.now(), p.id, today, to)?;
                Ok::<_, AppError>(Some((p.id, to, done.created)))
            })?;
            if let Some(line) = done {
                report.ran = true;
                report.programs.push(line);
            }
        }
        if report.ran {
            let created: usize = report.programs.iter().map(|p| p.2).sum();
            self.store.write(|c| {
                record(
                    c,
                    ctx,
                    Event::ok("calendar.roll").detail(serde_json::json!({
                        "programs": report.programs.len(), "created": created
                    })),
                )
            })?;
        }
        Ok(report)
    }

    /// The next nightly run after `now`, at [`NIGHTLY_AT`] in the organisation's zone.
    pub fn next_calendar_roll(&self, now: Timestamp) -> Result<Timestamp> {
        let tz: TimeZone = self.store.read(crate::clock::organisation_zone)?;
        Ok(next_at(now, &tz, NIGHTLY_AT))
    }
}

/// Makes sure the program's sessions exist through `to` before a check reads them (an
/// admission's ratio to its planned end may reach past the horizon).
pub(crate) fn ensure_generated(
    c: &mut iop_store::DbConn,
    now: Timestamp,
    program: ProgramId,
    to: jiff::civil::Date,
) -> Result<()> {
    let today = load_program(c, program)?.today(now);
    if to >= today {
        generate_in(c, now, program, today, to)?;
    }
    Ok(())
}

/// The first instant after `now` that reads `at` on the wall clock of `tz` (a time a
/// DST change skips is taken as the instant after the gap).
pub fn next_at(now: Timestamp, tz: &TimeZone, at: Time) -> Timestamp {
    let local = now.to_zoned(tz.clone());
    for days in 0..3 {
        let Ok(date) = local.date().checked_add(jiff::Span::new().days(days)) else {
            break;
        };
        if let Ok(z) = date.to_datetime(at).to_zoned(tz.clone()) {
            if z.timestamp() > now {
                return z.timestamp();
            }
        }
    }
    now + jiff::SignedDuration::from_hours(24)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_nightly_run_is_at_half_past_two_at_the_site_the_next_time_it_comes() {
        let tz = TimeZone::get("America/Los_Angeles").unwrap();
        let evening: Timestamp = "2026-12-03T05:00:00Z".parse().unwrap(); // 21:00 Pacific
        assert_eq!(
            next_at(evening, &tz, NIGHTLY_AT).to_string(),
            "2026-12-03T10:30:00Z"
        );
        let after: Timestamp = "2026-12-03T10:30:00Z".parse().unwrap();
        assert_eq!(
            next_at(after, &tz, NIGHTLY_AT).to_string(),
            "2026-12-04T10:30:00Z"
        );
    }
}
