//! Attendance: a mark and the minutes attended for each patient on the roster, and
//! make-ups from other tracks. Attendance a signed note documents never changes.

use super::roster::load_roster;
use crate::audit::{record, Event};
use crate::calendar::sessions::load_program;
use crate::ctx::Ctx;
use crate::error::{AppError, Result};
use crate::input::line;
use crate::policy::Action;
use crate::App;
use iop_domain::calendar::SessionKind;
use iop_domain::calendar::SessionStatus;
use iop_domain::hours::Mark;
use iop_domain::ids::{AttendanceId, MakeupId, PatientId, SessionId};
use iop_domain::notes::NoteStatus;
use iop_domain::time::Instant;
use iop_store::calendar as cal;
use iop_store::clinical::record::{self as store, AttendanceRow};
use iop_store::DbConn;
use jiff::civil::Date;

/// One patient's mark as the facilitator gives it.
pub struct MarkInput {
    pub patient_id: PatientId,
    pub mark: Mark,
    /// Minutes attended; the whole session when not given, 0 when absent.
    pub minutes: Option<i32>,
}

/// One patient's mark as stored by [`attendance_in`].
pub(crate) struct MarkDone {
    pub patient_id: PatientId,
    pub mark: Mark,
    pub minutes: i32,
}

/// Checks and stores attendance in the caller's transaction (scope already checked);
/// the caller writes the audit entry. A scheduled session becomes held.
pub(crate) fn attendance_in(
    c: &mut DbConn,
    ctx: &Ctx,
    session_id: SessionId,
    marks: &[MarkInput],
) -> Result<Vec<MarkDone>> {
    let actor = ctx.actor_ref();
    let roster = load_roster(c, session_id)?;
    if roster.session.status == SessionStatus::Cancelled {
        return Err(AppError::Conflict(format!(
            "session {session_id} is cancelled"
        )));
    }
    // Nothing is documented before it happened: a mark needs the group to have begun.
    if ctx.now() < roster.session.starts_at {
        return Err(AppError::Invalid(format!(
            "attendance is taken once the group has started, at {}",
            super::when::wall_time(&roster.session.time_zone, roster.session.starts_at)
        )));
    }
    if roster
        .note
        .as_ref()
        .is_some_and(|n| n.status == NoteStatus::Signed)
    {
        return Err(AppError::Conflict("the group note is signed; attendance that it documents cannot change (add an addendum)".into()));
    }
    let mut done = Vec::new();
    for m in marks {
        if !roster.lines.iter().any(|l| l.patient_id == m.patient_id) {
            return Err(AppError::Invalid(format!(
                "patient {} is not on this session's roster",
                m.patient_id
            )));
        }
        let full = roster.session_minutes;
        let minutes = match (m.mark, m.minutes) {
            (mark, _) if mark.is_absent() => 0,
            (Mark::Present, given) => given.unwrap_or(full),
            // Late and left early are billed and counted by the minutes really attended:
            // never guess them as the whole session.
            (_, None) => {
                return Err(AppError::Invalid(format!(
                    "say how many minutes patient {} attended: marked {}, fewer than the session's {full}",
                    m.patient_id,
                    m.mark.label().to_lowercase()
                )))
            }
            (_, Some(given)) if given >= full => {
                return Err(AppError::Invalid(format!(
                    "a patient marked {} attended fewer than the session's {full} minutes; {given} is not",
                    m.mark.label().to_lowercase()
                )))
            }
            (_, Some(given)) => given,
        };
        if !(0..=full).contains(&minutes) {
            return Err(AppError::Invalid(format!(
                "minutes attended must be between 0 and {full}"
            )));
        }
        store::upsert_attendance(
            c,
            &AttendanceRow {
                id: AttendanceId::new_v7(),
                session_id,
                patient_id: m.patient_id,
                mark: m.mark,
                minutes,
                recorded_by: actor,
                recorded_at: Instant(ctx.now()),
            },
        )?;
        done.push(MarkDone {
            patient_id: m.patient_id,
            mark: m.mark,
            minutes,
        });
    }
    check_in_alerts(c, ctx, &roster, &done)?;
    if let Some(mut row) = cal::session_by_id(c, session_id)? {
        if row.status == SessionStatus::Scheduled {
            row.status = SessionStatus::Held;
            row.updated_at = Instant(ctx.now());
            cal::update_session(c, &row)?;
        }
    }
    Ok(done)
}

/// A check-in that puts the room over the ratio is kept (the patient is there) and
/// tells the clinical directors, once, when the count first goes over; a second
/// unexcused absence in a row tells the patient's primary counselor.
fn check_in_alerts(
    c: &mut DbConn,
    ctx: &Ctx,
    roster: &super::roster::Roster,
    done: &[MarkDone],
) -> Result<()> {
    use crate::clinical::alerts::{raise, Addressees};
    use iop_domain::scoring::AlertKind;
    let present = |m: Option<Mark>| m.is_some_and(|m| !m.is_absent());
    let before = roster.lines.iter().filter(|l| present(l.mark)).count();
    let after = roster
        .lines
        .iter()
        .filter(
            |l| match done.iter().find(|d| d.patient_id == l.patient_id) {
                Some(d) => !d.mark.is_absent(),
                None => present(l.mark),
            },
        )
        .count();
    let max = load_program(c, roster.session.program_id)?
        .program
        .max_patients_per_facilitator;
    let limit = usize::try_from(max).unwrap_or(6) * roster.session.facilitators.len();
    let newly_present = done.iter().rev().find(|d| !d.mark.is_absent());
    if let (true, Some(last)) = (before <= limit && after > limit, newly_present) {
        // Named as the staff know the group; the session's id is in the audit row.
        let group = match (roster.session.kind, &roster.session.track_name) {
            (SessionKind::Family, _) => "the family group".to_string(),
            (_, Some(track)) => format!("the {track} group"),
            (_, None) => "the group".to_string(),
        };
        let detail = format!(
            "{group} on {}: {after} patients checked in with {} facilitator(s), over 1:{max}",
            roster.session.local_date,
            roster.session.facilitators.len()
        );
        raise(
            c,
            ctx,
            last.patient_id,
            AlertKind::RatioAtCheckIn,
            &detail,
            Addressees {
                directors: true,
                primary_counselor: false,
            },
        )?;
    }
    for d in done.iter().filter(|d| d.mark == Mark::AbsentUnexcused) {
        let marks: Vec<(Date, Mark)> = store::attendance_of_patient(c, d.patient_id)?
            .into_iter()
            .map(|(a, day)| (day.0, a.mark))
            .collect();
        let latest_two: Vec<&(Date, Mark)> = {
            let mut m: Vec<&(Date, Mark)> = marks.iter().collect();
            m.sort_by_key(|(day, _)| *day);
            m.into_iter().rev().take(2).collect()
        };
        let this_one_is_latest = latest_two
            .first()
            .is_some_and(|(day, _)| *day == roster.session.local_date.0);
        if this_one_is_latest
            && iop_domain::hours::two_unexcused_in_a_row(
                &latest_two.into_iter().copied().collect::<Vec<_>>(),
            )
        {
            let detail = format!(
                "two unexcused absences in a row, the latest on {}: reach out",
                roster.session.local_date
            );
            raise(
                c,
                ctx,
                d.patient_id,
                AlertKind::TwoUnexcusedAbsences,
                &detail,
                Addressees {
                    directors: false,
                    primary_counselor: true,
                },
            )?;
        }
    }
    Ok(())
}

impl App {
    /// Records attendance; every expected patient not given stays as they were.
    pub fn record_attendance(
        &self,
        ctx: &Ctx,
        session_id: SessionId,
        marks: Vec<MarkInput>,
    ) -> Result<()> {
        ctx.require(Action::RecordAttendance)?;
        self.store.write(|c| {
            crate::scope::require_session(c, ctx, session_id)?;
            let subject = format!("session:{session_id}");
            for m in attendance_in(c, ctx, session_id, &marks)? {
                let mut event = Event::ok("clinical.attendance")
                    .subject(&subject)
                    .detail(serde_json::json!({ "mark": m.mark, "minutes": m.minutes }));
                let patient = m.patient_id;
                event.patient_id = Some(patient);
                record(c, ctx, event)?;
            }
            Ok(())
        })
    }
}

impl App {
    /// Adds a patient in treatment to a core session that is not on their track, to make
    /// up a missed group. They then appear on the roster for attendance and the note.
    /// Refused when it would break the staff-to-patient ratio unless a clinical
    /// director overrides with a reason (audited).
    pub fn add_makeup(
        &self,
        ctx: &Ctx,
        session_id: SessionId,
        patient_id: PatientId,
        reason: &str,
        ratio_override_reason: Option<&str>,
    ) -> Result<()> {
        ctx.require(Action::RecordAttendance)?;
        let reason = line(reason, 300, "the reason (which missed group this makes up)")?;
        let ratio_override = ratio_override_reason
            .map(|r| line(r, 300, "the reason for overriding the ratio"))
            .transpose()?;
        if ratio_override.is_some() {
            ctx.require(Action::OverrideRatio)?;
        }
        let actor = ctx.actor_ref();
        self.store.write(|c| {
            crate::scope::require_session(c, ctx, session_id)?;
            let roster = load_roster(c, session_id)?;
            if roster.session.kind != SessionKind::Core
                || roster.session.status == SessionStatus::Cancelled
            {
                return Err(AppError::Conflict(
                    "make-ups join a core group that is not cancelled".into(),
                ));
            }
            if roster
                .note
                .as_ref()
                .is_some_and(|n| n.status == NoteStatus::Signed)
            {
                return Err(AppError::Conflict(
                    "the group note is signed; the roster it documents cannot change".into(),
                ));
            }
            if roster.lines.iter().any(|l| l.patient_id == patient_id) {
                return Err(AppError::Conflict(format!(
                    "patient {patient_id} is already on this session's roster"
                )));
            }
            let date: Date = roster.session.local_date.0;
            let in_treatment =
                crate::calendar::sessions::episode_spans_by_patient(c, roster.session.program_id, on_day(date))?
                    .into_iter()
                    .any(|(p, span)| p.id == patient_id && span.in_treatment_on(date));
            if !in_treatment {
                return Err(AppError::Conflict(format!(
                    "this patient is not in treatment in this program on {date}"
                )));
            }
            let max = load_program(c, roster.session.program_id)?.program.max_patients_per_facilitator;
            let max = u32::try_from(max).unwrap_or(6);
            let facilitators = u32::try_from(roster.session.facilitators.len()).unwrap_or(0);
            let patients = u32::try_from(roster.lines.len()).unwrap_or(u32::MAX) + 1;
            let more = iop_domain::ratio::staffing(patients, facilitators, max).more();
            if more > 0 && ratio_override.is_none() {
                return Err(AppError::Conflict(format!(
                    "adding a make-up would put {patients} patients with {facilitators} facilitator(s), over 1:{max}; assign {more} more facilitator(s), or a clinical director may override with a reason"
                )));
            }
            store::insert_makeup(
                c,
                &store::MakeupRow {
                    id: MakeupId::new_v7(),
                    session_id,
                    patient_id,
                    reason,
                    added_by: actor,
                    added_at: Instant(ctx.now()),
                },
            )?;
            let subject = format!("session:{session_id}");
            let mut event = Event::ok("clinical.roster.makeup").subject(&subject);
            if let Some(why) = ratio_override.filter(|_| more > 0) {
                event = event.detail(serde_json::json!({ "ratio_override": why }));
            }
            let patient = patient_id;
            event.patient_id = Some(patient);
            record(c, ctx, event)
        })
    }
}

/// The episodes that can be in treatment on `date`.
fn on_day(date: Date) -> iop_store::admissions::episodes::Window {
    iop_store::admissions::episodes::Window {
        from: iop_domain::time::Day(date),
        to: iop_domain::time::Day(date),
        alumni: false,
    }
}
