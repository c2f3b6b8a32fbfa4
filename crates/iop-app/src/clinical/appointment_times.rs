//! When the people of an individual session are already busy, and times at the site:
//! the clash check and free-time proposals read these.

use crate::calendar::sessions::{
    episode_spans_by_patient, load_program, session_views, ProgramCal,
};
use crate::error::{AppError, Result};
use iop_domain::appointments::Busy;
use iop_domain::calendar::SessionKind;
use iop_domain::calendar::SessionStatus;
use iop_domain::ids::PatientId;
use iop_domain::ids::*;
use iop_domain::time::{Day, Instant};
use iop_store::admissions::episodes::{self, EpisodeRow};
use iop_store::calendar as cal;
use iop_store::clinical::individual::{self as store, AppointmentRow};
use iop_store::DbConn;
use jiff::civil::{Date, DateTime};
use jiff::{SignedDuration, Timestamp};

/// The episode a patient is in (the latest by admission) and its program's calendar.
pub(crate) fn patient_program(
    c: &mut DbConn,
    patient_id: PatientId,
) -> Result<(EpisodeRow, ProgramCal)> {
    let ep = episodes::episodes_with_patient_id(c, patient_id)?
        .into_iter()
        .max_by(|a, b| a.admit_date.cmp(&b.admit_date))
        .ok_or_else(|| AppError::NotFound(format!("patient {patient_id}")))?;
    let pc = load_program(c, ep.program_id)?;
    Ok((ep, pc))
}

pub(crate) fn local_start(a: &AppointmentRow, tz: &jiff::tz::TimeZone) -> String {
    a.starts_at
        .0
        .to_zoned(tz.clone())
        .strftime("%Y-%m-%d %H:%M")
        .to_string()
}

pub(crate) fn local_date(a: &AppointmentRow, tz: &jiff::tz::TimeZone) -> Day {
    Day(a.starts_at.0.to_zoned(tz.clone()).date())
}

pub(crate) fn span_of(a: &AppointmentRow) -> Option<Busy> {
    let start = a.starts_at.0;
    Some(Busy {
        start,
        end: start + SignedDuration::from_mins(i64::from(a.planned_minutes)),
    })
}

/// Everything the patient or the counselor already has between two dates: the patient's
/// group nights (their track's core groups and the family group), the counselor's
/// sessions, and both people's appointments.
pub(crate) fn busy(
    c: &mut DbConn,
    pc: &ProgramCal,
    patient_id: PatientId,
    staff_id: StaffId,
    from: Date,
    to: Date,
) -> Result<Vec<Busy>> {
    let window = iop_store::admissions::episodes::Window {
        from: Day(from),
        to: Day(to),
        alumni: false,
    };
    let span = episode_spans_by_patient(c, pc.program.id, window)?
        .into_iter()
        .find(|(p, _)| p.id == patient_id)
        .map(|(_, s)| s);
    let mut out = Vec::new();
    for s in session_views(c, Some(pc.program.id), from, to)? {
        if s.status == SessionStatus::Cancelled {
            continue;
        }
        let date = s.local_date.0;
        let theirs = span.as_ref().is_some_and(|sp| match s.kind {
            SessionKind::Core => sp.in_treatment_on(date) && sp.track_on(date) == s.track_id,
            SessionKind::Family => sp.in_treatment_on(date),
            SessionKind::Alumni => false,
        });
        if theirs {
            out.push(Busy {
                start: s.starts_at,
                end: s.ends_at,
            });
        }
    }
    for s in cal::sessions_of_staff(c, staff_id, Day(from), Day(to))? {
        if s.status != SessionStatus::Cancelled {
            out.push(Busy {
                start: s.starts_at.0,
                end: s.ends_at.0,
            });
        }
    }
    let wide_from = Instant(day_start(pc, from)?);
    let wide_to = Instant(day_start(pc, to.tomorrow().unwrap_or(to))?);
    out.extend(
        store::booked_between(c, patient_id, staff_id, wide_from, wide_to)?
            .iter()
            .filter_map(span_of),
    );
    Ok(out)
}

pub(crate) fn day_start(pc: &ProgramCal, d: Date) -> Result<Timestamp> {
    Ok(d.to_zoned(pc.tz.clone())
        .map_err(|e| AppError::Internal(e.to_string()))?
        .timestamp())
}

pub(crate) fn local(pc: &ProgramCal, dt: DateTime) -> Result<Timestamp> {
    Ok(dt
        .to_zoned(pc.tz.clone())
        .map_err(|_| AppError::Invalid("that local time does not exist at the site".into()))?
        .timestamp())
}
