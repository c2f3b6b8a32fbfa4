//! The program calendar: generating sessions, closures, one-off changes, and the
//! session list every view (week, tonight, staffing, API, feeds) is built from.

use crate::audit::{record, Event};
use crate::ctx::Ctx;
use crate::error::{AppError, Result};
use crate::policy::Action;
use crate::App;
use iop_domain::calendar::CancelSource;
use iop_domain::calendar::{plan, Closure, ProgramSchedule, TrackPattern};
use iop_domain::calendar::{SessionKind, SessionStatus};
use iop_domain::curriculum::{rotate, Slot};
use iop_domain::ids::SessionId;
use iop_domain::ids::*;
use iop_domain::time::{Day, Instant};
use iop_store::calendar::{self as cal, SessionRow};
use iop_store::org::{self, ProgramRow, SiteRow, TrackRow};
use iop_store::DbConn;
use jiff::civil::{Date, Time};
use jiff::tz::TimeZone;
use jiff::Timestamp;
use std::collections::HashMap;

pub use crate::calendar::views::{
    episode_spans, episode_spans_by_patient, session_view, session_views, FacilitatorRef,
    SessionView,
};

/// A program with everything its calendar depends on.
pub struct ProgramCal {
    pub program: ProgramRow,
    pub site: SiteRow,
    pub tz: TimeZone,
    pub tracks: Vec<TrackRow>,
    pub schedule: ProgramSchedule,
}

pub fn parse_date(s: &str, field: &str) -> Result<Date> {
    let d: Date = s
        .trim()
        .parse()
        .map_err(|_| AppError::Invalid(format!("{field} must be a date like 2026-11-27")))?;
    if !iop_domain::time::is_sane_date(d) {
        return Err(AppError::Invalid(format!(
            "{field} must be a date between 1900 and 2199; {d} looks like a typing slip"
        )));
    }
    Ok(d)
}

/// An optional date from a query (absent or empty: none).
pub fn parse_optional_day(s: Option<&str>, field: &str) -> Result<Option<Day>> {
    s.filter(|d| !d.trim().is_empty())
        .map(|d| parse_date(d, field).map(Day))
        .transpose()
}

pub fn load_program(c: &mut DbConn, program_id: ProgramId) -> Result<ProgramCal> {
    let program = org::program_by_id(c, program_id)?
        .ok_or_else(|| AppError::NotFound(format!("program {program_id}")))?;
    let site = org::site_by_id(c, program.site_id)?
        .ok_or_else(|| AppError::Internal(format!("program {program_id} has no site")))?;
    let tz = site.time_zone.tz();
    let tracks = org::tracks_of(c, program_id)?;
    let start: Time = program.session_start.0;
    let schedule = ProgramSchedule {
        start,
        minutes: program.session_minutes,
        family_every_weeks: program.family_every_weeks,
        family_minutes: program.family_minutes,
        family_weekday: program.family_weekday.0,
        family_anchor: program.family_anchor.0,
        alumni_weekday: program.alumni_weekday.0,
        alumni_minutes: program.alumni_minutes,
    };
    Ok(ProgramCal {
        program,
        site,
        tz,
        tracks,
        schedule,
    })
}

impl ProgramCal {
    pub fn today(&self, now: Timestamp) -> Date {
        now.to_zoned(self.tz.clone()).date()
    }

    fn patterns(&self) -> Vec<TrackPattern> {
        self.tracks
            .iter()
            .map(|t| TrackPattern {
                id: t.id,
                weekdays: t.weekdays.0.clone(),
            })
            .collect()
    }
}

#[derive(Debug, Default, Clone, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
pub struct GenerateReport {
    pub created: usize,
    pub updated: usize,
    pub cancelled: usize,
}

fn is_open(s: &SessionRow) -> bool {
    s.status == SessionStatus::Scheduled
}

/// Brings stored sessions of `[from, to]` in line with the program's calendar. Idempotent.
/// Held sessions and one-off moves are history and are never touched; sessions before
/// `today` are never changed either.
pub fn generate_in(
    c: &mut DbConn,
    now: Timestamp,
    program_id: ProgramId,
    from: Date,
    to: Date,
) -> Result<GenerateReport> {
    let pc = load_program(c, program_id)?;
    let today = pc.today(now);
    let (f, t) = (Day(from), Day(to));
    let closures: Vec<Closure> = cal::closures_of_site(c, pc.site.id, f, t)?
        .into_iter()
        .map(|r| Closure {
            date: r.local_date.0,
            reason: r.reason,
        })
        .collect();
    let planned = plan(&pc.tz, &pc.schedule, &pc.patterns(), &closures, from, to)
        .map_err(|e| AppError::Invalid(e.to_string()))?;
    let existing: HashMap<String, SessionRow> =
        cal::sessions_between(c, Some(std::slice::from_ref(&pc.program.id)), f, t)?
            .into_iter()
            .map(|s| (s.gen_key.clone(), s))
            .collect();
    let at = Instant(now);
    let mut report = GenerateReport::default();
    let mut seen = std::collections::HashSet::new();
    // New sessions get their topics in memory and go in together: one statement, not one
    // per session and another per topic (each a network round trip on PostgreSQL).
    let mut new_rows: Vec<SessionRow> = Vec::new();
    for p in &planned {
        // Family and alumni keys name no track: the program id makes them unique across programs.
        let key = format!("{}/{}", pc.program.id, p.key);
        seen.insert(key.clone());
        let (starts, ends) = (Instant(p.start), Instant(p.end));
        match existing.get(&key) {
            None => {
                let (status, source) = match &p.cancelled {
                    Some(_) => (SessionStatus::Cancelled, Some(CancelSource::Closure)),
                    None => (SessionStatus::Scheduled, None),
                };
                new_rows.push(SessionRow {
                    id: iop_domain::SessionId::new_v7(),
                    program_id: pc.program.id,
                    track_id: p.track_id,
                    kind: p.kind,
                    gen_key: key.clone(),
                    local_date: Day(p.date),
                    starts_at: starts,
                    ends_at: ends,
                    status,
                    cancel_source: source,
                    cancel_reason: p.cancelled.clone(),
                    topic_id: None,
                    topic_locked: false,
                    original_starts_at: None,
                    sequence: 0,
                    created_at: at,
                    updated_at: at,
                });
                report.created += 1;
            }
            Some(s)
                if p.date < today
                    || s.status == SessionStatus::Held
                    || s.original_starts_at.is_some() => {}
            Some(s) => {
                let mut row = s.clone();
                match &p.cancelled {
                    Some(reason) if is_open(s) => {
                        row.status = SessionStatus::Cancelled;
                        row.cancel_source = Some(iop_domain::calendar::CancelSource::Closure);
                        row.cancel_reason = Some(reason.clone());
                    }
                    None if s.status == SessionStatus::Cancelled
                        && s.cancel_source != Some(CancelSource::Manual) =>
                    {
                        row.status = SessionStatus::Scheduled;
                        row.cancel_source = None;
                        row.cancel_reason = None;
                    }
                    _ => {}
                }
                row.starts_at = starts;
                row.ends_at = ends;
                if row.status != s.status
                    || row.starts_at != s.starts_at
                    || row.ends_at != s.ends_at
                {
                    row.sequence += 1;
                    row.updated_at = at;
                    cal::update_session(c, &row)?;
                    report.updated += 1;
                }
            }
        }
    }
    // Sessions the calendar no longer has (a track's pattern changed): cancelled, not deleted.
    for s in existing.values() {
        let date: Date = s.local_date.0;
        if !seen.contains(&s.gen_key)
            && date >= today
            && is_open(s)
            && s.original_starts_at.is_none()
        {
            let mut row = s.clone();
            row.status = SessionStatus::Cancelled;
            row.cancel_source = Some(iop_domain::calendar::CancelSource::Schedule);
            row.cancel_reason = Some("no longer on the track's schedule".into());
            row.sequence += 1;
            row.updated_at = at;
            cal::update_session(c, &row)?;
            report.cancelled += 1;
        }
    }
    assign_topics(c, &pc, from, to, today, &mut new_rows)?;
    iop_store::bulk::insert_sessions(c, &new_rows)?;
    Ok(report)
}

/// Regenerates a program from today to its planning horizon, after a change of settings.
pub fn regenerate_future(c: &mut DbConn, ctx: &Ctx, program_id: ProgramId) -> Result<()> {
    let pc = load_program(c, program_id)?;
    let today = pc.today(ctx.now());
    let to = today
        .checked_add(jiff::Span::new().weeks(i64::from(pc.program.horizon_weeks)))
        .unwrap_or(today);
    generate_in(c, ctx.now(), program_id, today, to)?;
    Ok(())
}

/// Rotates the curriculum over each track's core sessions from `from`, continuing the
/// rotation from the sessions before it; one-off topic choices and held sessions stay.
/// `new_rows` (not yet stored) get their topics in place; stored sessions are updated.
fn assign_topics(
    c: &mut DbConn,
    pc: &ProgramCal,
    from: Date,
    to: Date,
    today: Date,
    new_rows: &mut [SessionRow],
) -> Result<()> {
    let topics: Vec<_> = cal::topics_of(c, pc.program.id)?
        .into_iter()
        .filter(|t| t.active)
        .collect();
    if topics.is_empty() {
        return Ok(());
    }
    let mut stored = cal::sessions_between(
        c,
        Some(std::slice::from_ref(&pc.program.id)),
        Day(from),
        Day(to),
    )?;
    for track in &pc.tracks {
        // (stored?, index) of the track's core sessions, in date order.
        let mut core: Vec<(bool, usize)> = stored
            .iter()
            .enumerate()
            .filter(|(_, s)| s.kind == SessionKind::Core && s.track_id == Some(track.id))
            .map(|(i, _)| (true, i))
            .chain(
                new_rows
                    .iter()
                    .enumerate()
                    .filter(|(_, s)| s.kind == SessionKind::Core && s.track_id == Some(track.id))
                    .map(|(i, _)| (false, i)),
            )
            .collect();
        let row = |(is_stored, i): (bool, usize)| -> &SessionRow {
            if is_stored {
                &stored[i]
            } else {
                &new_rows[i]
            }
        };
        core.sort_by_key(|k| row(*k).local_date);
        let before = cal::count_core_held_or_scheduled_before(c, track.id, Day(from))?;
        let slots: Vec<Slot> = core
            .iter()
            .map(|k| {
                let s = row(*k);
                Slot {
                    date: s.local_date.0,
                    cancelled: s.status == SessionStatus::Cancelled,
                }
            })
            .collect();
        let picks = rotate(&slots, topics.len(), u64::try_from(before).unwrap_or(0));
        for ((is_stored, i), pick) in core.into_iter().zip(picks) {
            let want = pick.and_then(|i| topics.get(i)).map(|t| t.id);
            let s = if is_stored {
                &mut stored[i]
            } else {
                &mut new_rows[i]
            };
            let date: Date = s.local_date.0;
            // The past keeps its topics; a past session that never had one (just created) gets one.
            if s.topic_locked
                || s.status == SessionStatus::Held
                || (date < today && s.topic_id.is_some())
                || s.topic_id == want
            {
                continue;
            }
            s.topic_id = want;
            if is_stored {
                cal::update_session(c, s)?;
            }
        }
    }
    Ok(())
}

/// A date range from a person: at most a year, `from` not after `to`.
pub fn check_range(from: Date, to: Date) -> Result<()> {
    if to < from {
        return Err(AppError::Invalid("the range ends before it starts".into()));
    }
    if (to - from).get_days() > 366 {
        return Err(AppError::Invalid(
            "ask for at most 366 days at a time".into(),
        ));
    }
    Ok(())
}

impl App {
    pub fn generate_sessions(
        &self,
        ctx: &Ctx,
        program_id: ProgramId,
        from: Option<Date>,
        to: Option<Date>,
    ) -> Result<GenerateReport> {
        ctx.require(Action::ManageCalendar)?;
        self.store.write(|c| {
            let pc = load_program(c, program_id)?;
            let today = pc.today(ctx.now());
            let from = from.unwrap_or(today);
            let to = to.unwrap_or_else(|| today.checked_add(jiff::Span::new().weeks(i64::from(pc.program.horizon_weeks))).unwrap_or(today));
            check_range(from, to)?;
            let report = generate_in(c, ctx.now(), program_id, from, to)?;
            let subject = format!("program:{program_id}");
            record(c, ctx, Event::ok("calendar.generate").subject(&subject).detail(serde_json::json!({
                "from": from.to_string(), "to": to.to_string(), "created": report.created, "updated": report.updated, "cancelled": report.cancelled
            })))?;
            Ok(report)
        })
    }

    pub fn sessions(
        &self,
        ctx: &Ctx,
        from: Date,
        to: Date,
        program: Option<ProgramId>,
    ) -> Result<Vec<SessionView>> {
        ctx.require(Action::ViewCalendar)?;
        check_range(from, to)?;
        self.store.read(|c| session_views(c, program, from, to))
    }

    /// Cancels one session, keeping it (and its history) with the reason.
    pub fn cancel_session(&self, ctx: &Ctx, session_id: SessionId, reason: &str) -> Result<()> {
        ctx.require(Action::ManageCalendar)?;
        let reason = crate::input::line(reason, 200, "the reason")?;
        let reason = reason.as_str();
        self.store.write(|c| {
            let mut s = cal::session_by_id(c, session_id)?
                .ok_or_else(|| AppError::NotFound(format!("session {session_id}")))?;
            if s.status != SessionStatus::Scheduled {
                return Err(AppError::Conflict(format!(
                    "session {session_id} is {} and cannot be cancelled",
                    s.status
                )));
            }
            s.status = SessionStatus::Cancelled;
            s.cancel_source = Some(iop_domain::calendar::CancelSource::Manual);
            s.cancel_reason = Some(reason.into());
            s.sequence += 1;
            s.updated_at = Instant(ctx.now());
            cal::update_session(c, &s)?;
            let subject = format!("session:{session_id}");
            record(c, ctx, Event::ok("session.cancel").subject(&subject))
        })
    }

    /// Moves one session to another date or start time; the calendar remembers where it was.
    pub fn move_session(
        &self,
        ctx: &Ctx,
        session_id: SessionId,
        date: Date,
        start: Time,
    ) -> Result<()> {
        ctx.require(Action::ManageCalendar)?;
        self.store.write(|c| {
            let mut s = cal::session_by_id(c, session_id)?
                .ok_or_else(|| AppError::NotFound(format!("session {session_id}")))?;
            if s.status != SessionStatus::Scheduled {
                return Err(AppError::Conflict(format!(
                    "session {session_id} is {} and cannot be moved",
                    s.status
                )));
            }
            let pc = load_program(c, s.program_id)?;
            let minutes = match s.kind {
                SessionKind::Family => pc.program.family_minutes,
                SessionKind::Alumni => pc.program.alumni_minutes,
                SessionKind::Core => pc.program.session_minutes,
            };
            let (a, b) = iop_domain::calendar::place(&pc.tz, date, start, minutes)
                .map_err(|e| AppError::Invalid(e.to_string()))?;
            if s.original_starts_at.is_none() {
                s.original_starts_at = Some(s.starts_at);
            }
            s.local_date = Day(date);
            s.starts_at = Instant(a.timestamp());
            s.ends_at = Instant(b.timestamp());
            s.sequence += 1;
            s.updated_at = Instant(ctx.now());
            cal::update_session(c, &s)?;
            let subject = format!("session:{session_id}");
            record(
                c,
                ctx,
                Event::ok("session.move").subject(&subject).detail(
                    serde_json::json!({ "date": date.to_string(), "start": start.to_string() }),
                ),
            )
        })
    }

    /// Changes the topic of one session; later generations keep the choice.
    pub fn set_session_topic(
        &self,
        ctx: &Ctx,
        session_id: SessionId,
        topic_id: TopicId,
    ) -> Result<()> {
        ctx.require(Action::ManageCalendar)?;
        self.store.write(|c| {
            let mut s = cal::session_by_id(c, session_id)?
                .ok_or_else(|| AppError::NotFound(format!("session {session_id}")))?;
            if s.kind != SessionKind::Core {
                return Err(AppError::Invalid(
                    "only core groups follow the curriculum".into(),
                ));
            }
            if !cal::topics_of(c, s.program_id)?
                .iter()
                .any(|t| t.id == topic_id && t.active)
            {
                return Err(AppError::Invalid(format!(
                    "topic {topic_id} is not a topic of this program"
                )));
            }
            s.topic_id = Some(topic_id);
            s.topic_locked = true;
            s.updated_at = Instant(ctx.now());
            cal::update_session(c, &s)?;
            let subject = format!("session:{session_id}");
            record(
                c,
                ctx,
                Event::ok("session.set_topic")
                    .subject(&subject)
                    .detail(serde_json::json!({ "topic_id": topic_id })),
            )
        })
    }
}
