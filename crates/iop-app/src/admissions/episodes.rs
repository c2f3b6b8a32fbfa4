//! The episode after admission: track transfers, graduation (with eligibility),
//! discharge with its reason, extension past the planned end, and the review flag.

use crate::admissions::admit::ratio_problems;
use crate::audit::{record, Event};
use crate::calendar::sessions::load_program;
use crate::ctx::Ctx;
use crate::error::{AppError, Result};
use crate::policy::Action;
use crate::App;
use iop_domain::ids::*;
use iop_domain::roster::EpisodeStatus;
use iop_domain::time::Day;
use iop_store::admissions::episodes::{self, EpisodeRow, EpisodeTrackRow};
use iop_store::DbConn;
use jiff::civil::Date;

pub const DISCHARGE_REASONS: &[(&str, &str)] = &[
    ("completed", "Completed treatment"),
    ("ama", "Left against advice"),
    ("administrative", "Administrative discharge"),
    (
        "transfer_higher_loc",
        "Transferred to a higher level of care",
    ),
    ("transfer_other", "Transferred to other treatment"),
    ("incarcerated", "Incarcerated"),
    ("death", "Death"),
    ("other", "Other"),
];

impl App {
    /// Moves an active episode to another track from a date on: rosters before it stay.
    pub fn transfer_track(
        &self,
        ctx: &Ctx,
        episode_id: EpisodeId,
        track_id: TrackId,
        from: Date,
    ) -> Result<()> {
        ctx.require(Action::ManageEpisodes)?;
        self.store.write(|c| {
            let ep = episode_in_scope(c, ctx, episode_id)?;
            if ep.status != EpisodeStatus::Active {
                return Err(AppError::Conflict(format!(
                    "episode {episode_id} has ended"
                )));
            }
            let pc = load_program(c, ep.program_id)?;
            if from < pc.today(ctx.now()) {
                return Err(AppError::Invalid(
                    "a transfer starts today or later; history does not change".into(),
                ));
            }
            let track =
                pc.tracks.iter().find(|t| t.id == track_id).ok_or_else(|| {
                    AppError::NotFound(format!("track {track_id} in this program"))
                })?;
            let open = episodes::open_track(c, episode_id)?
                .ok_or_else(|| AppError::Internal("episode without a track".into()))?;
            if open.track_id == track_id {
                return Err(AppError::Conflict(
                    "the patient is already on that track".into(),
                ));
            }
            // To the planned end, as at admission, on sessions that exist by then.
            let to = ep.planned_end_date.0.max(from);
            crate::calendar::rolling::ensure_generated(c, ctx.now(), ep.program_id, to)?;
            let problems =
                ratio_problems(c, ep.program_id, track_id, from, to, self.settings.locale)?
                    .into_iter()
                    .filter(|p| !p.contains(" family group "))
                    .collect::<Vec<_>>();
            if !problems.is_empty() {
                return Err(AppError::Conflict(format!(
                    "moving onto {} would break the ratio: {}",
                    track.name,
                    problems.join("; ")
                )));
            }
            episodes::close_track(c, open.id, Day(from))?;
            episodes::insert_episode_track(
                c,
                &EpisodeTrackRow {
                    id: EpisodeTrackId::new_v7(),
                    episode_id,
                    track_id,
                    from_date: Day(from),
                    to_date: None,
                },
            )?;
            let subject = format!("episode:{episode_id}");
            let mut event = Event::ok("episode.transfer")
                .subject(&subject)
                .detail(serde_json::json!({ "to_track": track_id, "from": from.to_string() }));
            let patient = ep.patient_id;
            event.patient_id = Some(patient);
            record(c, ctx, event)
        })
    }

    /// Ends an episode with a discharge reason; the patient leaves future rosters.
    pub fn discharge(
        &self,
        ctx: &Ctx,
        episode_id: EpisodeId,
        reason: &str,
        summary: &str,
        on: Date,
    ) -> Result<()> {
        ctx.require(Action::ManageEpisodes)?;
        if !DISCHARGE_REASONS.iter().any(|(code, _)| *code == reason) {
            let codes: Vec<&str> = DISCHARGE_REASONS.iter().map(|(c, _)| *c).collect();
            return Err(AppError::Invalid(format!(
                "the discharge reason must be one of {}",
                codes.join(", ")
            )));
        }
        let summary = crate::input::lines(summary, 2000, "the discharge summary")?;
        let summary = summary.as_str();
        self.end_episode(
            ctx,
            episode_id,
            EpisodeStatus::Discharged,
            reason,
            Some(summary),
            on,
        )
    }

    /// Graduates an episode: the patient joins the alumni group (never charged). When a
    /// rule is not met or not yet recorded, a clinical director must confirm with a reason.
    pub fn graduate(
        &self,
        ctx: &Ctx,
        episode_id: EpisodeId,
        on: Date,
        confirm_reason: Option<&str>,
    ) -> Result<()> {
        ctx.require(Action::ManageEpisodes)?;
        let eligibility = self.eligibility(ctx, episode_id)?;
        let confirm = confirm_reason.map(str::trim).filter(|s| !s.is_empty());
        if !eligibility.eligible {
            if confirm.is_none() {
                let open: Vec<String> = eligibility
                    .rules
                    .iter()
                    .filter(|r| r.result != iop_domain::graduation::RuleResult::Met)
                    .map(|r| r.name.to_string())
                    .collect();
                return Err(AppError::Conflict(format!("not eligible yet ({}); a clinical director may confirm graduation with a reason", open.join(", "))));
            }
            ctx.require(Action::OverrideRatio)?;
        }
        self.end_episode(
            ctx,
            episode_id,
            EpisodeStatus::Graduated,
            "completed",
            confirm,
            on,
        )
    }

    fn end_episode(
        &self,
        ctx: &Ctx,
        episode_id: EpisodeId,
        status: EpisodeStatus,
        reason: &str,
        summary: Option<&str>,
        on: Date,
    ) -> Result<()> {
        self.store.write(|c| {
            let ep = episode_in_scope(c, ctx, episode_id)?;
            let admit: Date = ep.admit_date.0;
            if on < admit {
                return Err(AppError::Invalid(
                    "an episode cannot end before its admit date".into(),
                ));
            }
            if !episodes::update_episode_end(c, episode_id, status, Day(on), reason, summary)? {
                return Err(AppError::Conflict(format!(
                    "episode {episode_id} has already ended"
                )));
            }
            if let Some(open) = episodes::open_track(c, episode_id)? {
                episodes::close_track(c, open.id, Day(on))?;
            }
            let subject = format!("episode:{episode_id}");
            let action = if status == EpisodeStatus::Graduated {
                "episode.graduate"
            } else {
                "episode.discharge"
            };
            let mut event = Event::ok(action)
                .subject(&subject)
                .detail(serde_json::json!({ "reason": reason, "on": on.to_string() }));
            let patient = ep.patient_id;
            event.patient_id = Some(patient);
            record(c, ctx, event)
        })
    }
}

impl App {
    /// Extends an active episode past its planned end (at most to twice the program's
    /// maximum length), with a reason: the answer to a clinical review.
    pub fn extend_episode(
        &self,
        ctx: &Ctx,
        episode_id: EpisodeId,
        until: Date,
        reason: &str,
    ) -> Result<()> {
        ctx.require(Action::ManageEpisodes)?;
        let reason = crate::input::line(reason, 500, "the reason for the extension")?;
        let reason = reason.as_str();
        self.store.write(|c| {
            let ep = episode_in_scope(c, ctx, episode_id)?;
            let pc = load_program(c, ep.program_id)?;
            let admit: Date = ep.admit_date.0;
            let current: Date = ep.planned_end_date.0;
            let limit = admit
                .checked_add(jiff::Span::new().weeks(2 * i64::from(pc.program.max_weeks)))
                .unwrap_or(admit);
            if until <= current || until > limit {
                return Err(AppError::Invalid(format!(
                    "the new planned end must be after {current} and no later than {limit}"
                )));
            }
            if !episodes::extend_episode(c, episode_id, Day(until), reason)? {
                return Err(AppError::Conflict(format!(
                    "episode {episode_id} has ended"
                )));
            }
            let subject = format!("episode:{episode_id}");
            let mut event = Event::ok("episode.extend")
                .subject(&subject)
                .detail(serde_json::json!({ "until": until.to_string() }));
            let patient = ep.patient_id;
            event.patient_id = Some(patient);
            record(c, ctx, event)
        })
    }
}

/// The episode, if the caller may work with its patient (a counselor: their caseload
/// and groups); a patient outside it is refused as `scope::require_patient` refuses.
pub(crate) fn episode_in_scope(
    c: &mut DbConn,
    ctx: &Ctx,
    episode_id: EpisodeId,
) -> Result<EpisodeRow> {
    let ep = episodes::episode_by_id(c, episode_id)?
        .ok_or_else(|| AppError::NotFound(format!("episode {episode_id}")))?;
    crate::scope::require_patient(c, ctx, ep.patient_id)?;
    Ok(ep)
}
