//! Graduation eligibility from the record, and the planned end that closures move.
//! Both count group nights the same way: the track's core groups and the family
//! groups, cancelled ones not counting (`iop_domain::calendar::planned_end`).

use crate::audit::{record, Event};
use crate::calendar::sessions::{load_program, ProgramCal};
use crate::ctx::Ctx;
use crate::error::{AppError, Result};
use crate::policy::Action;
use crate::App;
use iop_domain::calendar::{plan, planned_end, Closure, SessionKind, SessionStatus, TrackPattern};
use iop_domain::graduation::{
    self, EpisodeProgress, ExpectedSession, GraduationRules, PlanSignatures,
};
use iop_domain::hours::Mark;
use iop_domain::ids::*;
use iop_domain::roster::EpisodeStatus;
use iop_domain::time::Day;
use iop_store::admissions::episodes::{self, EpisodeRow};
use iop_store::calendar::{self as cal, SessionRow};
use iop_store::clinical::{plans, record as rec};
use iop_store::DbConn;
use jiff::civil::Date;
use jiff::Timestamp;
use std::collections::HashMap;

/// Group nights an episode on `track` needs: the minimum weeks times the track's nights.
pub(crate) fn nights_required(pc: &ProgramCal, track: TrackId) -> u32 {
    let nights = pc
        .tracks
        .iter()
        .find(|t| t.id == track)
        .map_or(3, |t| t.weekdays.0.len());
    u32::try_from(usize::try_from(pc.program.min_weeks).unwrap_or(7) * nights).unwrap_or(u32::MAX)
}

/// The date the required nights are reached from `admit`, past the site's closures.
pub(crate) fn planned_end_of(
    c: &mut DbConn,
    pc: &ProgramCal,
    track: TrackId,
    admit: Date,
) -> Result<Date> {
    let horizon = admit
        .checked_add(jiff::Span::new().weeks(i64::from(pc.program.max_weeks) + 8))
        .unwrap_or(admit);
    let closures: Vec<Closure> = cal::closures_of_site(c, pc.site.id, Day(admit), Day(horizon))?
        .into_iter()
        .map(|r| Closure {
            date: r.local_date.0,
            reason: r.reason,
        })
        .collect();
    let patterns: Vec<TrackPattern> = pc
        .tracks
        .iter()
        .map(|t| TrackPattern {
            id: t.id,
            weekdays: t.weekdays.0.clone(),
        })
        .collect();
    let planned = plan(&pc.tz, &pc.schedule, &patterns, &closures, admit, horizon)
        .map_err(|e| AppError::Invalid(e.to_string()))?;
    let required = usize::try_from(nights_required(pc, track)).unwrap_or(usize::MAX);
    Ok(planned_end(&planned, track, admit, required).unwrap_or(horizon))
}

/// The sessions the episode's patient was expected at that ended by `now`: the core
/// groups of their track on each date, family groups, and make-ups they were added to.
pub(crate) fn expected_sessions(
    c: &mut DbConn,
    ep: &EpisodeRow,
    today: Date,
    now: Timestamp,
) -> Result<Vec<ExpectedSession>> {
    let span = crate::calendar::views::span_of(ep, &episodes::tracks_of_episode(c, ep.id)?);
    let last = ep.ended_on.unwrap_or(Day(today));
    let sessions = cal::sessions_between(c, Some(&[ep.program_id]), ep.admit_date, last)?;
    let marks: HashMap<SessionId, Mark> = rec::attendance_of_patient(c, ep.patient_id)?
        .into_iter()
        .map(|(a, _)| (a.session_id, a.mark))
        .collect();
    let ids: Vec<SessionId> = sessions.iter().map(|s| s.id).collect();
    let taken = rec::sessions_with_attendance(c, &ids)?;
    let makeups = rec::makeups_of_patient(c, ep.patient_id)?;
    let mut out = Vec::new();
    for s in sessions
        .into_iter()
        .filter(|s: &SessionRow| s.status != SessionStatus::Cancelled && s.ends_at.0 <= now)
    {
        let d = s.local_date.0;
        if !span.in_treatment_on(d) {
            continue;
        }
        let group_night = match s.kind {
            SessionKind::Family => true,
            SessionKind::Core => s.track_id.is_some() && s.track_id == span.track_on(d),
            SessionKind::Alumni => false,
        };
        if !group_night && !makeups.contains(&s.id) {
            continue;
        }
        out.push(ExpectedSession {
            date: d,
            group_night,
            topic: s.topic_id,
            mark: marks.get(&s.id).copied(),
            attendance_taken: taken.contains(&s.id),
        });
    }
    Ok(out)
}

fn plan_signatures(c: &mut DbConn, patient: PatientId) -> Result<PlanSignatures> {
    Ok(match plans::versions(c, patient)?.into_iter().next() {
        None => PlanSignatures::NoPlan,
        Some(p) => PlanSignatures::Signed {
            patient: p.patient_signed_at.is_some(),
            counselor: p.counselor_signed_at.is_some(),
        },
    })
}

/// Eligibility of an episode judged at `now` (its site's date).
pub(crate) fn eligibility_at(
    c: &mut DbConn,
    ep: &EpisodeRow,
    now: Timestamp,
) -> Result<graduation::Eligibility> {
    let pc = load_program(c, ep.program_id)?;
    let today = pc.today(now);
    let track = episodes::tracks_of_episode(c, ep.id)?
        .into_iter()
        .max_by_key(|p| p.from_date)
        .map(|p| p.track_id);
    let rules = GraduationRules {
        nights_required: track.map_or(0, |t| nights_required(&pc, t)),
        min_attendance_percent: u32::try_from(pc.program.rules.min_attendance_percent)
            .unwrap_or(80),
        excused: pc.program.rules.excused_absences,
        topics_required: cal::topics_of(c, pc.program.id)?
            .into_iter()
            .filter(|t| t.active)
            .map(|t| t.id)
            .collect(),
    };
    let progress = EpisodeProgress {
        sessions: expected_sessions(c, ep, today, now)?,
        planned_end: ep.planned_end_date.0,
        plan: plan_signatures(c, ep.patient_id)?,
        review_due: graduation::review_due(
            ep.admit_date.0,
            ep.planned_end_date.0,
            ep.extension_reason.is_some(),
            pc.program.max_weeks,
            today,
        ),
    };
    Ok(graduation::eligibility(&rules, &progress))
}

/// Moves the planned end of every active, unextended episode of the site's programs to
/// where the closures now put it; each change is audited. An extension is a clinician's
/// date and stays.
pub(crate) fn recompute_planned_ends(c: &mut DbConn, ctx: &Ctx, site: SiteId) -> Result<usize> {
    let programs: Vec<ProgramId> = iop_store::org::programs(c)?
        .into_iter()
        .filter(|p| p.site_id == site)
        .map(|p| p.id)
        .collect();
    let mut moved = 0;
    for program in programs {
        let pc = load_program(c, program)?;
        let (eps, periods) = episodes::episodes_with_tracks(c, &[program], None)?;
        for ep in eps
            .into_iter()
            .filter(|e| e.status == EpisodeStatus::Active && e.extension_reason.is_none())
        {
            let Some(first) = periods
                .iter()
                .filter(|p| p.episode_id == ep.id)
                .min_by_key(|p| p.from_date)
            else {
                continue;
            };
            let end = planned_end_of(c, &pc, first.track_id, ep.admit_date.0)?;
            if end == ep.planned_end_date.0 {
                continue;
            }
            episodes::set_planned_end(c, ep.id, Day(end))?;
            let subject = format!("episode:{}", ep.id);
            let mut event = Event::ok("episode.planned_end")
                .subject(&subject)
                .detail(serde_json::json!({ "from": ep.planned_end_date.to_string(), "to": end.to_string(), "why": "closures" }));
            event.patient_id = Some(ep.patient_id);
            record(c, ctx, event)?;
            moved += 1;
        }
    }
    Ok(moved)
}

impl App {
    /// Graduation eligibility of an episode today at its site, rule by rule.
    pub fn eligibility(&self, ctx: &Ctx, episode_id: EpisodeId) -> Result<graduation::Eligibility> {
        ctx.require(Action::ViewCensus)?;
        self.store.read_audited(|c| {
            let ep = super::episodes::episode_in_scope(c, ctx, episode_id)?;
            let e = eligibility_at(c, &ep, ctx.now())?;
            let subject = format!("episode:{episode_id}");
            let mut event = Event::ok("episode.eligibility.view").subject(&subject);
            event.patient_id = Some(ep.patient_id);
            record(c, ctx, event)?;
            Ok(e)
        })
    }
}
