//! Admission: the patient (with a new MRN) and the episode of care on a track, after the
//! staff-ratio check. What happens to the episode afterwards is in `episodes.rs`.

use crate::admissions::inquiries::{check_phone, move_status};
use crate::audit::{record, Event};
use crate::calendar::sessions::{load_program, session_views, SessionView};
use crate::ctx::Ctx;
use crate::error::{AppError, Result};
use crate::policy::Action;
use crate::App;
use iop_domain::admissions::InquiryStatus;
use iop_domain::calendar::SessionKind;
use iop_domain::calendar::SessionStatus;
use iop_domain::icd10::Icd10;
use iop_domain::ids::*;
use iop_domain::ratio::staffing;
use iop_domain::roster::EpisodeStatus;
use iop_domain::time::{Day, Instant};
use iop_store::admissions::episodes::{self, EpisodeRow, EpisodeTrackRow, PatientRow};
use iop_store::admissions::inquiries as inq;
use iop_store::calendar as cal;
use iop_store::DbConn;
use jiff::civil::Date;
use rand::Rng;

#[derive(Clone, Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AdmitInput {
    pub legal_first_name: String,
    pub legal_last_name: String,
    pub preferred_name: Option<String>,
    pub date_of_birth: Date,
    pub phone: String,
    pub email: Option<String>,
    /// Street, city, state and ZIP, as claims and statements need them.
    pub address: Option<crate::billing::setup::AddressInput>,
    /// Administrative sex as claims carry it; unknown is allowed and held before billing.
    pub sex: iop_domain::admissions::Sex,
    pub emergency_contact_name: String,
    pub emergency_contact_phone: String,
    pub program_id: ProgramId,
    pub track_id: TrackId,
    pub admit_date: Date,
    pub primary_counselor_id: StaffId,
    /// ICD-10-CM codes F10–F19, principal first.
    pub diagnoses: Vec<String>,
    /// A clinical director may admit past the ratio, with a reason.
    pub ratio_override_reason: Option<String>,
    /// The patient was given the notice of privacy practices now (§2.22); left out
    /// when they cannot take it in yet, and recorded later from the chart.
    pub privacy_notice_given: bool,
}

#[derive(Clone, Debug, serde::Serialize, utoipa::ToSchema)]
pub struct Admitted {
    pub patient_id: iop_domain::ids::PatientId,
    pub episode_id: EpisodeId,
    pub mrn: String,
    pub planned_end_date: Day,
    /// The primary coverage made from the inquiry's payer and member id, if any.
    pub coverage_id: Option<iop_domain::ids::CoverageId>,
}

fn name(v: &str, what: &str) -> Result<String> {
    crate::input::line(v, 60, what)
}

/// The sessions from `from` to `to` that one more patient on `track` would push past
/// the ratio: "the Mon/Wed/Thu core group on 2026-12-02 (session …) needs 1 more".
pub(crate) fn ratio_problems(
    c: &mut DbConn,
    program_id: ProgramId,
    track_id: TrackId,
    from: Date,
    to: Date,
    locale: iop_domain::display::Locale,
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
        .filter(|s| s.status == SessionStatus::Scheduled)
        .filter(|s| {
            s.kind == SessionKind::Family
                || (s.kind == SessionKind::Core && s.track_id == Some(track_id))
        })
        .filter_map(|s| {
            let more = staffing(
                s.expected_roster + 1,
                u32::try_from(s.facilitators.len()).unwrap_or(0),
                max,
            )
            .more();
            (more > 0).then(|| {
                format!(
                    "{} would need {more} more facilitator(s)",
                    crate::calendar::views::describe_session(s, locale)
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
    pub fn admit(&self, ctx: &Ctx, inquiry_id: InquiryId, a: AdmitInput) -> Result<Admitted> {
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
        let (dob, admit) = (a.date_of_birth, a.admit_date);
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
        let parts = a.address.as_ref().map(|ad| ad.check()).transpose()?;
        let address = parts
            .as_ref()
            .map(|(line, city, st, zip)| format!("{line}, {city}, {st} {zip}"));
        if a.diagnoses.is_empty() {
            return Err(AppError::Invalid(
                "give at least one diagnosis (ICD-10-CM F10–F19)".into(),
            ));
        }
        // Checked against the code set in force on the admit date: that is the first
        // date of service the diagnoses will be billed for.
        let dx: Vec<Icd10> = iop_domain::icd10::diagnoses_on(&a.diagnoses, admit)
            .map_err(|e| AppError::Invalid(e.to_string()))?;
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
            let status = row.status;
            if !matches!(status, InquiryStatus::Screened | InquiryStatus::Scheduled) {
                return Err(AppError::Conflict(format!("only a screened inquiry can be admitted; this one is {}", status.label())));
            }
            let pc = load_program(c, a.program_id)?;
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
            if cal::staff_by_id(c, a.primary_counselor_id)?.is_none() {
                return Err(AppError::NotFound(format!("staff member {}", a.primary_counselor_id)));
            }
            // Planned end: the minimum length in group nights, counted past closures.
            let end = crate::admissions::eligibility::planned_end_of(c, &pc, track.id, admit)?;
            crate::calendar::rolling::ensure_generated(c, ctx.now(), pc.program.id, end)?;
            let problems = ratio_problems(c, pc.program.id, track.id, admit, end, self.settings.locale)?;
            if !problems.is_empty() && override_reason.is_none() {
                return Err(AppError::Conflict(format!(
                    "admitting onto {} would break the 1:{} ratio: {}. Assign facilitators first, or a clinical director may override with a reason.",
                    track.name, pc.program.max_patients_per_facilitator, problems.join("; ")
                )));
            }
            let now = Instant(ctx.now());
            let patient_id = iop_domain::ids::PatientId::new_v7();
            let mrn = new_mrn(c)?;
            episodes::insert_patient(c, &PatientRow {
                id: patient_id,
                mrn: mrn.clone(),
                legal_first_name: first.clone(),
                legal_last_name: last.clone(),
                preferred_name: preferred.clone(),
                date_of_birth: Day(dob),
                created_at: now,
                phone: Some(phone.clone()),
                email: email.clone(),
                address: address.clone(),
                emergency_contact_name: Some(ec_name.clone()),
                emergency_contact_phone: Some(ec_phone.clone()),
                minor_self_consent: false,
                sex: a.sex,
                address_line: parts.as_ref().map(|p| p.0.clone()),
                city: parts.as_ref().map(|p| p.1.clone()),
                state: parts.as_ref().map(|p| p.2.clone()),
                zip: parts.as_ref().map(|p| p.3.clone()),
                search_text: String::new(),
            })?;
            let episode_id = EpisodeId::new_v7();
            episodes::insert_episode(c, &EpisodeRow {
                id: episode_id,
                patient_id,
                program_id: pc.program.id,
                admit_date: Day(admit),
                planned_end_date: Day(end),
                status: EpisodeStatus::Active,
                ended_on: None,
                created_at: now,
                inquiry_id: Some(inquiry_id),
                primary_counselor_id: Some(a.primary_counselor_id),
                level_of_care: pc.program.level_of_care,
                diagnoses: iop_domain::icd10::Diagnoses(dx.clone()),
                ratio_override_reason: override_reason.clone(),
                end_reason: None,
                end_summary: None,
                extension_reason: None,
            })?;
            episodes::insert_episode_track(c, &EpisodeTrackRow {
                id: EpisodeTrackId::new_v7(),
                episode_id,
                track_id: track.id,
                from_date: Day(admit),
                to_date: None,
            })?;
            if a.privacy_notice_given {
                crate::consent::notices::give_notice(c, ctx, patient_id, Some(episode_id), &pc.program.privacy_notice_version)?;
            }
            let patient_row = episodes::patient_by_id(c, patient_id)?
                .ok_or_else(|| AppError::Internal("the patient just written is gone".into()))?;
            let coverage_id = super::carry_forward::coverage_from_inquiry(c, ctx, &row, &patient_row, admit)?;
            row.patient_id = Some(patient_id);
            row.program_id = Some(pc.program.id);
            move_status(c, ctx, &mut row, InquiryStatus::Admitted, None)?;
            let subject = format!("episode:{episode_id}");
            let mut event = Event::ok("patient.admit").subject(&subject).detail(serde_json::json!({
                "track_id": track.id, "admit_date": admit.to_string(), "ratio_override": override_reason.is_some(),
            }));
            let patient = patient_id;
            event.patient_id = Some(patient);
            record(c, ctx, event)?;
            Ok(Admitted { patient_id, episode_id, mrn: mrn.clone(), planned_end_date: Day(end), coverage_id })
        })
    }
}
