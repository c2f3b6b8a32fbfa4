//! A patient's skilled treatment hours per week in their latest episode, from the
//! record: group and family attendance, kept individual sessions with their notes'
//! minutes, the track's nights and the closures that cancelled some of them.

use crate::calendar::sessions::load_program;
use crate::error::Result;
use iop_domain::calendar::{monday_of, CancelSource, SessionKind, SessionStatus};
use iop_domain::hours::{self, HoursRules, Service, Treated, WeekHours, WeekSchedule};
use iop_domain::ids::PatientId;
use iop_domain::time::Day;
use iop_store::admissions::episodes;
use iop_store::calendar as cal;
use iop_store::clinical::{individual, record as rec};
use iop_store::DbConn;
use jiff::Timestamp;
use std::collections::BTreeMap;

/// The weeks of the patient's latest episode up to today, oldest first; empty before
/// any episode.
pub(crate) fn weeks_of_patient(
    c: &mut DbConn,
    patient: PatientId,
    now: Timestamp,
) -> Result<Vec<WeekHours>> {
    let Some(ep) = episodes::episodes_with_patient_id(c, patient)?
        .into_iter()
        .max_by_key(|e| e.admit_date)
    else {
        return Ok(Vec::new());
    };
    let pc = load_program(c, ep.program_id)?;
    let today = pc.today(now);
    let admit = ep.admit_date.0;
    let last = ep
        .ended_on
        .map_or(today, |e| e.0.yesterday().unwrap_or(e.0))
        .min(today);
    if last < admit {
        return Ok(Vec::new());
    }
    let (first_week, last_week) = (monday_of(admit), monday_of(last));
    let sunday = last_week
        .checked_add(jiff::Span::new().days(6))
        .unwrap_or(last_week);
    let span = crate::calendar::views::span_of(&ep, &episodes::tracks_of_episode(c, ep.id)?);
    // Outside the episode the admission and discharge weeks follow its first and last track.
    let track_on = |d: jiff::civil::Date| {
        span.track_on(d).or_else(|| {
            let edge = if d < admit {
                span.tracks.first()
            } else {
                span.tracks.last()
            };
            edge.map(|(t, _, _)| *t)
        })
    };
    let in_episode = |d: jiff::civil::Date| span.in_treatment_on(d);
    let rules = HoursRules {
        floor_minutes: u32::try_from(pc.program.rules.weekly_floor_minutes).unwrap_or(0),
        break_minutes: u32::try_from(pc.program.rules.break_minutes).unwrap_or(0),
    };
    let mut weeks: BTreeMap<jiff::civil::Date, WeekSchedule> = BTreeMap::new();
    let mut w = first_week;
    while w <= last_week {
        weeks.insert(
            w,
            WeekSchedule {
                monday: w,
                nights_scheduled: 0,
                nights_in_episode: 0,
                closed_minutes: 0,
                nights_pending: 0,
            },
        );
        w = match w.checked_add(jiff::Span::new().weeks(1)) {
            Ok(next) => next,
            Err(_) => break,
        };
    }
    let sessions = cal::sessions_between(c, Some(&[ep.program_id]), Day(first_week), Day(sunday))?;
    let ids: Vec<_> = sessions.iter().map(|s| s.id).collect();
    let taken = rec::sessions_with_attendance(c, &ids)?;
    let mut kinds = std::collections::HashMap::new();
    for s in &sessions {
        kinds.insert(s.id, (s.kind, s.local_date.0));
        let d = s.local_date.0;
        if s.kind != SessionKind::Core || s.track_id.is_none() || s.track_id != track_on(d) {
            continue;
        }
        let Some(week) = weeks.get_mut(&monday_of(d)) else {
            continue;
        };
        week.nights_scheduled += 1;
        if in_episode(d) {
            week.nights_in_episode += 1;
            if s.status != SessionStatus::Cancelled && !taken.contains(&s.id) {
                week.nights_pending += 1;
            }
            if s.status == SessionStatus::Cancelled
                && s.cancel_source == Some(CancelSource::Closure)
            {
                let minutes =
                    u32::try_from(s.starts_at.0.duration_until(s.ends_at.0).as_mins()).unwrap_or(0);
                week.closed_minutes += minutes.saturating_sub(rules.break_minutes);
            }
        }
    }
    let mut treated = Vec::new();
    for (a, _) in rec::attendance_of_patient(c, patient)? {
        let Some(&(kind, d)) = kinds.get(&a.session_id) else {
            continue;
        };
        if !in_episode(d) {
            continue;
        }
        let service = match kind {
            SessionKind::Core => Service::Group,
            SessionKind::Family => Service::Family,
            SessionKind::Alumni => Service::Alumni,
        };
        treated.push(Treated {
            date: d,
            service,
            mark: Some(a.mark),
            minutes: u32::try_from(a.minutes).unwrap_or(0),
        });
    }
    for (note, appt) in individual::notes_of_patient(c, patient)? {
        if appt.status != iop_domain::appointments::AppointmentStatus::Kept {
            continue;
        }
        let d = crate::clock::date_in(&pc.tz, appt.starts_at.0);
        if in_episode(d) {
            treated.push(Treated {
                date: d,
                service: Service::Individual,
                mark: None,
                minutes: u32::try_from(note.minutes).unwrap_or(0),
            });
        }
    }
    let weeks: Vec<WeekSchedule> = weeks.into_values().collect();
    Ok(hours::weekly_hours(rules, &weeks, &treated, today))
}
