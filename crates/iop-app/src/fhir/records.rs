//! The episode, its diagnoses and the sessions attended, as EpisodeOfCare, Condition and
//! Encounter; staff as Practitioner. Same checks as the other FHIR use cases: role,
//! caseload, and an audit row in the read's transaction.

use super::audited;
use crate::ctx::Ctx;
use crate::error::{AppError, Result};
use crate::policy::Action;
use crate::App;
use iop_domain::appointments::{AppointmentKind, AppointmentMode, AppointmentStatus};
use iop_domain::calendar::SessionKind;
use iop_domain::ids::{AppointmentId, AttendanceId, EpisodeId, PatientId, StaffId};
use iop_interop::fhir::search::DateParam;
use iop_interop::fhir::{EncounterData, EncounterKind, EpisodeData};
use iop_store::admissions::episodes::{self, EpisodeRow};
use iop_store::calendar::SessionRow;
use iop_store::clinical::individual::{self, AppointmentRow};
use iop_store::clinical::record::AttendanceRow;
use iop_store::DbConn;
use serde_json::Value;

impl App {
    /// `GET /fhir/r4/EpisodeOfCare/{id}`.
    pub fn fhir_episode(&self, ctx: &Ctx, id: EpisodeId) -> Result<Value> {
        ctx.require(Action::ReadClinical)?;
        self.store.read_audited(|c| {
            let e = episodes::episode_by_id(c, id)?
                .ok_or_else(|| AppError::NotFound(format!("episode of care {id}")))?;
            crate::scope::require_patient(c, ctx, e.patient_id)?;
            let subject = format!("EpisodeOfCare/{id}");
            audited(c, ctx, "fhir.read", &subject, e.patient_id, None)?;
            episode_resource(c, &e)
        })
    }

    /// `GET /fhir/r4/EpisodeOfCare?patient=…[&status=…]`: the patient's episodes, oldest
    /// first; `status` is a FHIR episode status (`active`, `finished`), commas for "or".
    pub fn fhir_episodes(
        &self,
        ctx: &Ctx,
        patient: PatientId,
        status: Option<&str>,
    ) -> Result<Vec<Value>> {
        ctx.require(Action::ReadClinical)?;
        self.store.read_audited(|c| {
            crate::scope::require_patient(c, ctx, patient)?;
            let mut found: Vec<Value> = Vec::new();
            for e in episodes_oldest_first(c, patient)? {
                let code = iop_interop::fhir::episode_status_code(e.status);
                if status.is_none_or(|s| s.split(',').any(|one| one.trim() == code)) {
                    found.push(episode_resource(c, &e)?);
                }
            }
            let subject = format!("EpisodeOfCare?patient={patient}");
            audited(c, ctx, "fhir.search", &subject, patient, Some(found.len()))?;
            Ok(found)
        })
    }

    /// `GET /fhir/r4/Condition/{id}`: one diagnosis of an episode (billing reads them
    /// too: claims carry them).
    pub fn fhir_condition(&self, ctx: &Ctx, id: &str) -> Result<Value> {
        ctx.require(Action::FhirReadPatient)?;
        let not_found = || AppError::NotFound(format!("condition {id}"));
        let (episode, code) = iop_interop::fhir::split_condition_id(id).ok_or_else(not_found)?;
        let episode: EpisodeId = episode.parse().map_err(|_| not_found())?;
        self.store.read_audited(|c| {
            let e = episodes::episode_by_id(c, episode)?.ok_or_else(not_found)?;
            crate::scope::require_patient(c, ctx, e.patient_id)?;
            let dx = e.diagnoses.0.iter().find(|d| d.as_str() == code);
            let resource = dx
                .map(|d| iop_interop::fhir::condition(&episode_data(&e, &ids(&e)), d))
                .ok_or_else(not_found)?;
            audited(
                c,
                ctx,
                "fhir.read",
                &format!("Condition/{id}"),
                e.patient_id,
                None,
            )?;
            Ok(resource)
        })
    }

    /// `GET /fhir/r4/Condition?patient=…`: every episode's diagnoses, oldest episode first.
    pub fn fhir_conditions(&self, ctx: &Ctx, patient: PatientId) -> Result<Vec<Value>> {
        ctx.require(Action::FhirReadPatient)?;
        self.store.read_audited(|c| {
            crate::scope::require_patient(c, ctx, patient)?;
            let found: Vec<Value> = episodes_oldest_first(c, patient)?
                .iter()
                .flat_map(conditions_of)
                .collect();
            let subject = format!("Condition?patient={patient}");
            audited(c, ctx, "fhir.search", &subject, patient, Some(found.len()))?;
            Ok(found)
        })
    }

    /// `GET /fhir/r4/Encounter/{id}`: an attended session (its id is the attendance
    /// mark's) or a kept individual or family appointment (the appointment's).
    pub fn fhir_encounter(&self, ctx: &Ctx, id: &str) -> Result<Value> {
        ctx.require(Action::ReadClinical)?;
        let not_found = || AppError::NotFound(format!("encounter {id}"));
        self.store.read_audited(|c| {
            let found = match id.parse::<AttendanceId>() {
                Ok(a) => iop_store::fhir::mark_with_session(c, a)?,
                Err(_) => None,
            };
            let (patient, resource) = match found {
                Some((mark, session)) => {
                    crate::scope::require_patient(c, ctx, mark.patient_id)?;
                    let eps = episodes::episodes_with_patient_id(c, mark.patient_id)?;
                    let r = group_encounter(c, &mark, &session, &eps)?.ok_or_else(not_found)?;
                    (mark.patient_id, r)
                }
                None => {
                    let appt_id: AppointmentId = id.parse().map_err(|_| not_found())?;
                    let a = individual::appointment(c, appt_id)?.ok_or_else(not_found)?;
                    crate::scope::require_patient(c, ctx, a.patient_id)?;
                    let eps = episodes::episodes_with_patient_id(c, a.patient_id)?;
                    let r = appointment_encounter(c, &a, &eps)?.ok_or_else(not_found)?;
                    (a.patient_id, r)
                }
            };
            audited(
                c,
                ctx,
                "fhir.read",
                &format!("Encounter/{id}"),
                patient,
                None,
            )?;
            Ok(resource)
        })
    }

    /// `GET /fhir/r4/Encounter?patient=…[&date=…]`: the sessions the patient attended,
    /// oldest first; `date` compares the day the session began, in the patient's zone.
    pub fn fhir_encounters(
        &self,
        ctx: &Ctx,
        patient: PatientId,
        dates: &[DateParam],
    ) -> Result<Vec<Value>> {
        ctx.require(Action::ReadClinical)?;
        self.store.read_audited(|c| {
            crate::scope::require_patient(c, ctx, patient)?;
            let zone = crate::clock::patient_zone(c, patient)?;
            let eps = episodes::episodes_with_patient_id(c, patient)?;
            let mut dated: Vec<(jiff::Timestamp, Value)> = Vec::new();
            let on = |at: jiff::Timestamp| crate::clock::date_in(&zone, at);
            for (mark, session) in iop_store::fhir::marks_with_sessions(c, patient)? {
                if dates.iter().all(|d| d.matches(on(session.starts_at.0))) {
                    if let Some(r) = group_encounter(c, &mark, &session, &eps)? {
                        dated.push((session.starts_at.0, r));
                    }
                }
            }
            for a in individual::appointments_of_patient(c, patient)? {
                if dates.iter().all(|d| d.matches(on(a.starts_at.0))) {
                    if let Some(r) = appointment_encounter(c, &a, &eps)? {
                        dated.push((a.starts_at.0, r));
                    }
                }
            }
            dated.sort_by_key(|(at, _)| *at);
            let found: Vec<Value> = dated.into_iter().map(|(_, r)| r).collect();
            let subject = format!("Encounter?patient={patient}");
            audited(c, ctx, "fhir.search", &subject, patient, Some(found.len()))?;
            Ok(found)
        })
    }

    /// `GET /fhir/r4/Practitioner/{id}`: a member of staff (name, credentials, NPI), for
    /// every staff role (the organisation's directory).
    pub fn fhir_practitioner(&self, ctx: &Ctx, id: StaffId) -> Result<Value> {
        ctx.require(Action::ViewOrganisation)?;
        let mut c = self.store.conn()?;
        practitioner(&mut c, id)
    }
}

pub(super) fn practitioner(c: &mut DbConn, id: StaffId) -> Result<Value> {
    let s = iop_store::calendar::staff_by_id(c, id)?
        .ok_or_else(|| AppError::NotFound(format!("practitioner {id}")))?;
    let (id_text, credentials) = (id.to_string(), s.credentials.to_string().replace(',', ", "));
    Ok(iop_interop::fhir::practitioner(
        &iop_interop::fhir::PractitionerData {
            id: &id_text,
            name: &s.display_name,
            credentials: &credentials,
            npi: s.npi.as_ref().map(|n| n.as_str()),
            active: s.active,
        },
    ))
}

fn episodes_oldest_first(c: &mut DbConn, patient: PatientId) -> Result<Vec<EpisodeRow>> {
    let mut eps = episodes::episodes_with_patient_id(c, patient)?;
    eps.sort_by_key(|e| (e.admit_date, e.created_at));
    Ok(eps)
}

/// The ids an episode's resources name, as text.
struct EpisodeIds {
    id: String,
    patient: String,
    counselor: Option<String>,
    site: Option<String>,
}

fn ids(e: &EpisodeRow) -> EpisodeIds {
    EpisodeIds {
        id: e.id.to_string(),
        patient: e.patient_id.to_string(),
        counselor: e.primary_counselor_id.map(|s| s.to_string()),
        site: None,
    }
}

fn episode_data<'a>(e: &'a EpisodeRow, ids: &'a EpisodeIds) -> EpisodeData<'a> {
    EpisodeData {
        id: &ids.id,
        patient_id: &ids.patient,
        status: e.status,
        admitted: e.admit_date.0,
        ended: e.ended_on.map(|d| d.0),
        end_reason: e.end_reason.map(|r| (r.into(), r.label())),
        diagnoses: &e.diagnoses.0,
        care_manager: ids.counselor.as_deref(),
        site: ids.site.as_deref(),
    }
}

/// The EpisodeOfCare of an episode, managed by its program's site.
pub(super) fn episode_resource(c: &mut DbConn, e: &EpisodeRow) -> Result<Value> {
    let site = iop_store::org::programs(c)?
        .iter()
        .find(|p| p.id == e.program_id)
        .map(|p| p.site_id.to_string());
    let text = EpisodeIds { site, ..ids(e) };
    Ok(iop_interop::fhir::episode_of_care(&episode_data(e, &text)))
}

/// The Conditions of an episode's diagnoses, principal first.
pub(super) fn conditions_of(e: &EpisodeRow) -> Vec<Value> {
    let text = ids(e);
    let data = episode_data(e, &text);
    e.diagnoses
        .0
        .iter()
        .map(|d| iop_interop::fhir::condition(&data, d))
        .collect()
}

/// The episode a day fell in (the latest one admitted by then).
fn episode_on(eps: &[EpisodeRow], day: jiff::civil::Date) -> Option<String> {
    eps.iter()
        .filter(|e| e.admit_date.0 <= day && e.ended_on.is_none_or(|end| day <= end.0))
        .max_by_key(|e| e.admit_date)
        .map(|e| e.id.to_string())
}

/// The Encounter of a mark: None for an absence (nothing took place with the patient).
pub(super) fn group_encounter(
    c: &mut DbConn,
    mark: &AttendanceRow,
    session: &SessionRow,
    eps: &[EpisodeRow],
) -> Result<Option<Value>> {
    if mark.mark.is_absent() {
        return Ok(None);
    }
    let performers: Vec<String> = iop_store::calendar::current_assignments(c, &[session.id])?
        .iter()
        .map(|a| a.staff_id.to_string())
        .collect();
    let (id, patient) = (mark.id.to_string(), mark.patient_id.to_string());
    let episode = episode_on(eps, session.local_date.0);
    Ok(Some(iop_interop::fhir::encounter(&EncounterData {
        id: &id,
        patient_id: &patient,
        kind: match session.kind {
            SessionKind::Core => EncounterKind::Group,
            SessionKind::Family => EncounterKind::FamilyGroup,
            SessionKind::Alumni => EncounterKind::AlumniGroup,
        },
        telehealth: false,
        start: session.starts_at.0,
        end: session.ends_at.0,
        minutes: mark.minutes,
        performers: &performers,
        episode_id: episode.as_deref(),
    })))
}

/// The Encounter of an appointment: None unless it was kept. The note, when written,
/// gives the face-to-face times.
pub(super) fn appointment_encounter(
    c: &mut DbConn,
    a: &AppointmentRow,
    eps: &[EpisodeRow],
) -> Result<Option<Value>> {
    if a.status != AppointmentStatus::Kept {
        return Ok(None);
    }
    let note = individual::note_of_appointment(c, a.id)?;
    let (start, end, minutes) = match &note {
        Some(n) => (n.started_at.0, n.ended_at.0, n.minutes),
        None => {
            let planned = jiff::SignedDuration::from_mins(i64::from(a.planned_minutes));
            let end = a.starts_at.0.checked_add(planned).unwrap_or(a.starts_at.0);
            (a.starts_at.0, end, a.planned_minutes)
        }
    };
    let zone = crate::clock::patient_zone(c, a.patient_id)?;
    let episode = episode_on(eps, crate::clock::date_in(&zone, start));
    let (id, patient) = (a.id.to_string(), a.patient_id.to_string());
    Ok(Some(iop_interop::fhir::encounter(&EncounterData {
        id: &id,
        patient_id: &patient,
        kind: match a.kind {
            AppointmentKind::Individual => EncounterKind::Individual,
            AppointmentKind::Family => EncounterKind::Family,
            AppointmentKind::FamilyWithoutPatient => EncounterKind::FamilyWithoutPatient,
        },
        telehealth: a.mode == AppointmentMode::Telehealth,
        start,
        end,
        minutes,
        performers: &[a.staff_id.to_string()],
        episode_id: episode.as_deref(),
    })))
}
