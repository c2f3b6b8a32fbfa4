//! Admission, track transfer, graduation and discharge: the episode of care from the
//! first group night to alumni (or to a discharge with its reason).

use crate::admissions::{check_phone, move_status};
use crate::audit::{record, Event};
use crate::calendar::{load_program, session_views, SessionView};
use crate::ctx::Ctx;
use crate::error::{AppError, Result};
use crate::policy::Action;
use crate::App;
use iop_domain::admissions::InquiryStatus;
use iop_domain::calendar::{parse_weekdays, plan, planned_end, Closure, SessionKind, TrackPattern};
use iop_domain::icd10::Icd10;
use iop_domain::ratio::staffing;
use iop_domain::time::stored;
use iop_store::admissions as inq;
use iop_store::calendar as cal;
use iop_store::episodes::{self, EpisodeRow, EpisodeTrackRow, PatientRow};
use iop_store::DbConn;
use jiff::civil::Date;
use rand::Rng;

#[derive(Clone, Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AdmitInput {
    pub legal_first_name: String,
    pub legal_last_name: String,
    pub preferred_name: Option<String>,
    pub date_of_birth: String,
    pub phone: String,
    pub email: Option<String>,
    pub address: Option<String>,
    pub emergency_contact_name: String,
    pub emergency_contact_phone: String,
    pub program_id: String,
    pub track_id: String,
    pub admit_date: String,
    pub primary_counselor_id: String,
    /// ICD-10-CM codes F10–F19, principal first.
    pub diagnoses: Vec<String>,
    /// A clinical director may admit past the ratio, with a reason.
    pub ratio_override_reason: Option<String>,
}

#[derive(Clone, Debug, serde::Serialize)]
pub struct Admitted {
    pub patient_id: String,
    pub episode_id: String,
    pub mrn: String,
    pub planned_end_date: String,
}

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

fn name(v: &str, what: &str) -> Result<String> {
    let v = v.trim();
    if v.is_empty() || v.chars().count() > 60 || v.chars().any(char::is_control) {
        return Err(AppError::Invalid(format!(
            "{what} must have 1 to 60 characters"
        )));
    }
    Ok(v.to_string())
}

fn date(v: &str, what: &str) -> Result<Date> {
    v.trim()
        .parse()
        .map_err(|_| AppError::Invalid(format!("{what} must be a date like 2026-11-27")))
}

/// The sessions from `from` to `to` that one more patient on `track` would push past
/// the ratio: "the Mon/Wed/Thu core group on 2026-12-02 (session …) needs 1 more".
fn ratio_problems(
    c: &mut DbConn,
    program_id: &str,
    track_id: &str,
    from: Date,
    to: Date,
) -> Result<Vec<String>> {
    let max = iop_store::org::programs(c)?
        .iter()
        .find(|p| p.id == program_id)
        .map(|p| p.max_patients_per_facilitator)
        .unwrap_or(6);
    let max = u32::try_from(max).unwrap_or(6);
    let views: Vec<SessionView> = session_views(c, Some(program_id), from, to)?;
    Ok(views
        .iter()
        .filter(|s| s.status == "scheduled")
        .filter(|s| {
            s.kind == SessionKind::Family
                || (s.kind == SessionKind::Core && s.track_id.as_deref() == Some(track_id))
        })
        .filter_map(|s| {
            let more = staffing(
                s.expected_roster + 1,
                u32::try_from(s.facilitators.len()).unwrap_or(0),
                max,
            )
            .more();
            (more > 0).then(|| {
                let group = s
                    .track_name
                    .as_ref()
                    .map(|t| format!("{t} {} group", s.kind))
                    .unwrap_or_else(|| format!("{} group", s.kind));
                format!(
                    "the {group} on {} (session {}) would need {more} more facilitator(s)",
                    s.local_date, s.id
                )
            })
        })
        .collect())
}

fn new_mrn(c: &mut DbConn) -> Result<String> {
    let mut rng = rand::thread_rng();
    for _ in 0..10 {
        let mrn = format!("MRN{:07}", rng.gen_range(0..10_000_000));
        if !episodes::mrn_taken(c, &mrn)? {
            return Ok(mrn);
        }
    }
    Err(AppError::Internal("could not find a free MRN".into()))
}

impl App {
    /// Admits the person behind an inquiry: creates the patient (with a new MRN) and the
    /// episode on a track from the admit date. Refused, naming the sessions, when one
    /// more patient would break the staff ratio, unless a clinical director overrides
    /// with a reason.
    pub fn admit(&self, ctx: &Ctx, inquiry_id: &str, a: AdmitInput) -> Result<Admitted> {
        ctx.require(Action::AdmitPatient)?;
        let first = name(&a.legal_first_name, "the legal first name")?;
        let last = name(&a.legal_last_name, "the legal last name")?;
        let preferred = a
            .preferred_name
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(|s| name(s, "the preferred name"))
            .transpose()?;
        let dob = date(&a.date_of_birth, "the date of birth")?;
        let admit = date(&a.admit_date, "the admit date")?;
        let phone = check_phone(&a.phone)?;
        let ec_name = name(&a.emergency_contact_name, "the emergency contact's name")?;
        let ec_phone = check_phone(&a.emergency_contact_phone)?;
        let email = a
            .email
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(|e| iop_domain::Email::parse(e).map(|e| e.to_string()))
            .transpose()?;
        let address = a
            .address
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(|s| s.chars().take(300).collect::<String>());
        if a.diagnoses.is_empty() {
            return Err(AppError::Invalid(
                "give at least one diagnosis (ICD-10-CM F10–F19)".into(),
            ));
        }
        let dx: Vec<Icd10> = a
            .diagnoses
            .iter()
            .map(|d| Icd10::parse(d).map_err(|e| AppError::Invalid(e.to_string())))
            .collect::<Result<_>>()?;
        let override_reason = a
            .ratio_override_reason
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_string);
        if override_reason.is_some() {
            ctx.require(Action::OverrideRatio)?;
        }
        self.store.write(|c| {
            let mut row = inq::by_id(c, inquiry_id)?.ok_or_else(|| AppError::NotFound(format!("inquiry {inquiry_id}")))?;
            let status: InquiryStatus = row.status.parse().map_err(|_| AppError::Internal("bad inquiry status".into()))?;
            if !matches!(status, InquiryStatus::Screened | InquiryStatus::Scheduled) {
                return Err(AppError::Conflict(format!("only a screened inquiry can be admitted; this one is {}", status.label())));
            }
            let pc = load_program(c, &a.program_id)?;
            let track = pc.tracks.iter().find(|t| t.id == a.track_id).ok_or_else(|| AppError::NotFound(format!("track {} in this program", a.track_id)))?;
            let today = pc.today(ctx.now());
            let earliest = today.checked_sub(jiff::Span::new().days(14)).unwrap_or(today);
            let latest = today.checked_add(jiff::Span::new().days(60)).unwrap_or(today);
            if admit < earliest || admit > latest {
                return Err(AppError::Invalid(format!("the admit date must be between {earliest} and {latest}")));
            }
            let age = (admit - dob).get_days() / 365;
            if !(12..=110).contains(&age) {
                return Err(AppError::Invalid("the date of birth gives an age outside 12 to 110".into()));
            }
            if cal::staff_by_id(c, &a.primary_counselor_id)?.is_none() {
                return Err(AppError::NotFound(format!("staff member {}", a.primary_counselor_id)));
            }
            // Planned end: the minimum length in group nights, counted past closures.
            let nights = parse_weekdays(&track.weekdays).map(|d| d.len()).unwrap_or(3);
            let required = usize::try_from(pc.program.min_weeks).unwrap_or(7) * nights;
            let horizon = admit.checked_add(jiff::Span::new().weeks(i64::from(pc.program.max_weeks) + 8)).unwrap_or(admit);
            let closures: Vec<Closure> = cal::closures_of_site(c, &pc.site.id, &admit.to_string(), &horizon.to_string())?
                .into_iter()
                .filter_map(|r| r.local_date.parse().ok().map(|d| Closure { date: d, reason: r.reason }))
                .collect();
            let patterns: Vec<TrackPattern> = pc.tracks.iter().filter_map(|t| parse_weekdays(&t.weekdays).map(|w| TrackPattern { id: t.id.clone(), weekdays: w })).collect();
            let planned = plan(&pc.tz, &pc.schedule, &patterns, &closures, admit, horizon).map_err(|e| AppError::Invalid(e.to_string()))?;
            let end = planned_end(&planned, &track.id, admit, required).unwrap_or(horizon);
            let problems = ratio_problems(c, &pc.program.id, &track.id, admit, end)?;
            if !problems.is_empty() && override_reason.is_none() {
                return Err(AppError::Conflict(format!(
                    "admitting onto {} would break the 1:{} ratio: {}. Assign facilitators first, or a clinical director may override with a reason.",
                    track.name, pc.program.max_patients_per_facilitator, problems.join("; ")
                )));
            }
            let now = stored(ctx.now());
            let patient_id = uuid::Uuid::now_v7().to_string();
            let mrn = new_mrn(c)?;
            episodes::insert_patient(c, &PatientRow {
                id: patient_id.clone(),
                mrn: mrn.clone(),
                legal_first_name: first.clone(),
                legal_last_name: last.clone(),
                preferred_name: preferred.clone(),
                date_of_birth: dob.to_string(),
                created_at: now.clone(),
                phone: Some(phone.clone()),
                email: email.clone(),
                address: address.clone(),
                emergency_contact_name: Some(ec_name.clone()),
                emergency_contact_phone: Some(ec_phone.clone()),
            })?;
            let episode_id = uuid::Uuid::now_v7().to_string();
            episodes::insert_episode(c, &EpisodeRow {
                id: episode_id.clone(),
                patient_id: patient_id.clone(),
                program_id: pc.program.id.clone(),
                admit_date: admit.to_string(),
                planned_end_date: end.to_string(),
                status: "active".into(),
                ended_on: None,
                created_at: now.clone(),
                inquiry_id: Some(inquiry_id.into()),
                primary_counselor_id: Some(a.primary_counselor_id.clone()),
                level_of_care: "2.1".into(),
                diagnoses: dx.iter().map(|d| d.as_str()).collect::<Vec<_>>().join(","),
                ratio_override_reason: override_reason.clone(),
                end_reason: None,
                end_summary: None,
                extension_reason: None,
            })?;
            episodes::insert_episode_track(c, &EpisodeTrackRow {
                id: uuid::Uuid::now_v7().to_string(),
                episode_id: episode_id.clone(),
                track_id: track.id.clone(),
                from_date: admit.to_string(),
                to_date: None,
            })?;
            row.patient_id = Some(patient_id.clone());
            row.program_id = Some(pc.program.id.clone());
            move_status(c, ctx, &mut row, InquiryStatus::Admitted, None)?;
            let subject = format!("episode:{episode_id}");
            let mut event = Event::ok("patient.admit").subject(&subject).detail(serde_json::json!({
                "track_id": track.id, "admit_date": admit.to_string(), "ratio_override": override_reason.is_some(),
            }));
            event.patient_id = Some(&patient_id);
            record(c, ctx, event)?;
            Ok(Admitted { patient_id: patient_id.clone(), episode_id: episode_id.clone(), mrn: mrn.clone(), planned_end_date: end.to_string() })
        })
    }

    /// Moves an active episode to another track from a date on: rosters before it stay.
    pub fn transfer_track(
        &self,
        ctx: &Ctx,
        episode_id: &str,
        track_id: &str,
        from: Date,
    ) -> Result<()> {
        ctx.require(Action::ManageEpisodes)?;
        self.store.write(|c| {
            let ep = episodes::episode_by_id(c, episode_id)?
                .ok_or_else(|| AppError::NotFound(format!("episode {episode_id}")))?;
            if ep.status != "active" {
                return Err(AppError::Conflict(format!(
                    "episode {episode_id} has ended"
                )));
            }
            let pc = load_program(c, &ep.program_id)?;
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
            let to = from.checked_add(jiff::Span::new().weeks(4)).unwrap_or(from);
            let problems = ratio_problems(c, &ep.program_id, track_id, from, to)?
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
            episodes::close_track(c, &open.id, &from.to_string())?;
            episodes::insert_episode_track(
                c,
                &EpisodeTrackRow {
                    id: uuid::Uuid::now_v7().to_string(),
                    episode_id: episode_id.into(),
                    track_id: track_id.into(),
                    from_date: from.to_string(),
                    to_date: None,
                },
            )?;
            let subject = format!("episode:{episode_id}");
            let mut event = Event::ok("episode.transfer")
                .subject(&subject)
                .detail(serde_json::json!({ "to_track": track_id, "from": from.to_string() }));
            event.patient_id = Some(&ep.patient_id);
            record(c, ctx, event)
        })
    }

    /// Ends an episode with a discharge reason; the patient leaves future rosters.
    pub fn discharge(
        &self,
        ctx: &Ctx,
        episode_id: &str,
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
        let summary = summary.trim();
        if summary.is_empty() || summary.chars().count() > 2000 {
            return Err(AppError::Invalid(
                "write a discharge summary of 1 to 2,000 characters".into(),
            ));
        }
        self.end_episode(ctx, episode_id, "discharged", reason, Some(summary), on)
    }

    /// Graduates an episode: the patient joins the alumni group (never charged). When a
    /// rule is not met or not yet recorded, a clinical director must confirm with a reason.
    pub fn graduate(
        &self,
        ctx: &Ctx,
        episode_id: &str,
        on: Date,
        confirm_reason: Option<&str>,
    ) -> Result<()> {
        ctx.require(Action::ManageEpisodes)?;
        let eligibility = self.eligibility(ctx, episode_id, on)?;
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
        self.end_episode(ctx, episode_id, "graduated", "completed", confirm, on)
    }

    fn end_episode(
        &self,
        ctx: &Ctx,
        episode_id: &str,
        status: &str,
        reason: &str,
        summary: Option<&str>,
        on: Date,
    ) -> Result<()> {
        self.store.write(|c| {
            let ep = episodes::episode_by_id(c, episode_id)?
                .ok_or_else(|| AppError::NotFound(format!("episode {episode_id}")))?;
            let admit: Date = ep
                .admit_date
                .parse()
                .map_err(|_| AppError::Internal("bad admit date".into()))?;
            if on < admit {
                return Err(AppError::Invalid(
                    "an episode cannot end before its admit date".into(),
                ));
            }
            if !episodes::update_episode_end(
                c,
                episode_id,
                status,
                &on.to_string(),
                reason,
                summary,
            )? {
                return Err(AppError::Conflict(format!(
                    "episode {episode_id} has already ended"
                )));
            }
            if let Some(open) = episodes::open_track(c, episode_id)? {
                episodes::close_track(c, &open.id, &on.to_string())?;
            }
            let subject = format!("episode:{episode_id}");
            let action = if status == "graduated" {
                "episode.graduate"
            } else {
                "episode.discharge"
            };
            let mut event = Event::ok(action)
                .subject(&subject)
                .detail(serde_json::json!({ "reason": reason, "on": on.to_string() }));
            event.patient_id = Some(&ep.patient_id);
            record(c, ctx, event)
        })
    }

    /// Graduation eligibility of an episode on a date. Attendance, curriculum and the
    /// relapse prevention plan are reported as not yet recorded until the clinical
    /// record holds them.
    pub fn eligibility(
        &self,
        ctx: &Ctx,
        episode_id: &str,
        on: Date,
    ) -> Result<iop_domain::graduation::Eligibility> {
        ctx.require(Action::ViewCensus)?;
        self.store.read(|c| {
            let ep = episodes::episode_by_id(c, episode_id)?
                .ok_or_else(|| AppError::NotFound(format!("episode {episode_id}")))?;
            let pc = load_program(c, &ep.program_id)?;
            let admit: Date = ep
                .admit_date
                .parse()
                .map_err(|_| AppError::Internal("bad admit date".into()))?;
            let rules = iop_domain::graduation::GraduationRules {
                min_weeks: pc.program.min_weeks,
                max_weeks: pc.program.max_weeks,
                min_attendance_percent: 80,
                topics_required: cal::topics_of(c, &pc.program.id)?
                    .iter()
                    .filter(|t| t.active)
                    .count(),
            };
            let progress = iop_domain::graduation::EpisodeProgress {
                weeks_in_treatment: (on - admit).get_days().max(0) / 7,
                attendance: None,
                topics_covered: None,
                relapse_plan_signed: None,
            };
            Ok(iop_domain::graduation::eligibility(&rules, &progress))
        })
    }
}

impl App {
    /// Extends an active episode past its planned end (at most to twice the program's
    /// maximum length), with a reason: the answer to a clinical review.
    pub fn extend_episode(
        &self,
        ctx: &Ctx,
        episode_id: &str,
        until: Date,
        reason: &str,
    ) -> Result<()> {
        ctx.require(Action::ManageEpisodes)?;
        let reason = reason.trim();
        if reason.is_empty() || reason.chars().count() > 500 {
            return Err(AppError::Invalid(
                "give a reason of 1 to 500 characters for the extension".into(),
            ));
        }
        self.store.write(|c| {
            let ep = episodes::episode_by_id(c, episode_id)?
                .ok_or_else(|| AppError::NotFound(format!("episode {episode_id}")))?;
            let pc = load_program(c, &ep.program_id)?;
            let admit: Date = ep
                .admit_date
                .parse()
                .map_err(|_| AppError::Internal("bad admit date".into()))?;
            let current: Date = ep
                .planned_end_date
                .parse()
                .map_err(|_| AppError::Internal("bad planned end".into()))?;
            let limit = admit
                .checked_add(jiff::Span::new().weeks(2 * i64::from(pc.program.max_weeks)))
                .unwrap_or(admit);
            if until <= current || until > limit {
                return Err(AppError::Invalid(format!(
                    "the new planned end must be after {current} and no later than {limit}"
                )));
            }
            if !episodes::extend_episode(c, episode_id, &until.to_string(), reason)? {
                return Err(AppError::Conflict(format!(
                    "episode {episode_id} has ended"
                )));
            }
            let subject = format!("episode:{episode_id}");
            let mut event = Event::ok("episode.extend")
                .subject(&subject)
                .detail(serde_json::json!({ "until": until.to_string() }));
            event.patient_id = Some(&ep.patient_id);
            record(c, ctx, event)
        })
    }
}

/// At the maximum length (or past an extension's end) the episode needs a clinical
/// review: extend with a reason, graduate or discharge.
pub fn needs_review(
    admit: Date,
    planned_end: Date,
    extended: bool,
    max_weeks: i32,
    today: Date,
) -> bool {
    let max_end = admit
        .checked_add(jiff::Span::new().weeks(i64::from(max_weeks)))
        .unwrap_or(admit);
    let due = if extended {
        planned_end.max(max_end)
    } else {
        max_end
    };
    today >= due
}

#[cfg(test)]
mod tests {
    use super::needs_review;
    use jiff::civil::date;

    #[test]
    fn review_falls_due_at_the_maximum_length_or_at_the_end_of_an_extension() {
        let admit = date(2026, 1, 5);
        let planned = date(2026, 2, 23);
        assert!(!needs_review(admit, planned, false, 9, date(2026, 3, 8)));
        assert!(needs_review(admit, planned, false, 9, date(2026, 3, 9)));
        assert!(
            !needs_review(admit, date(2026, 3, 30), true, 9, date(2026, 3, 9)),
            "extended: not yet"
        );
        assert!(needs_review(
            admit,
            date(2026, 3, 30),
            true,
            9,
            date(2026, 3, 30)
        ));
    }
}
