//! The FHIR R4 interface's use cases: each checks the caller's role and caseload, writes
//! its audit row in the read's transaction, and answers the resource as
//! `iop_interop::fhir` writes it (with the Part 2 labels).

use crate::audit::{record, Event};
use crate::ctx::Ctx;
use crate::error::{AppError, Result};
use crate::policy::Action;
use crate::App;
use iop_domain::ids::{MeasureId, PatientId};
pub use iop_interop::fhir::search::DateParam;
pub use iop_interop::fhir::{
    operation_outcome, searchset, IssueSeverity, IssueType, SearchPage, FHIR_VERSION, MEDIA_TYPE,
};
use iop_interop::fhir::{PatientData, ScoreObservation};
use iop_store::clinical::measures::{self as measures, MeasureRow};

/// The identifier system of this installation's medical record numbers.
pub const MRN_SYSTEM: &str = "urn:iop:mrn";

impl App {
    /// `GET /fhir/r4/Patient/{id}`: demographics of a patient in the caller's caseload.
    pub fn fhir_patient(&self, ctx: &Ctx, id: PatientId) -> Result<serde_json::Value> {
        ctx.require(Action::FhirReadPatient)?;
        self.store.read_audited(|c| {
            crate::scope::require_patient(c, ctx, id)?;
            let p = iop_store::admissions::episodes::patient_by_id(c, id)?
                .ok_or_else(|| AppError::NotFound(format!("patient {id}")))?;
            let id_text = id.to_string();
            let resource = iop_interop::fhir::patient(&PatientData {
                id: &id_text,
                mrn_system: MRN_SYSTEM,
                mrn: &p.mrn,
                family: &p.legal_last_name,
                given: &p.legal_first_name,
                preferred: p.preferred_name.as_deref(),
                birth_date: p.date_of_birth.0,
                sex: p.sex,
                phone: p.phone.as_deref(),
                email: p.email.as_deref(),
                line: p.address_line.as_deref(),
                city: p.city.as_deref(),
                state: p.state.as_deref(),
                postal_code: p.zip.as_deref(),
            });
            let subject = format!("Patient/{id}");
            let mut event = Event::ok("fhir.read").subject(&subject);
            event.patient_id = Some(id);
            record(c, ctx, event)?;
            Ok(resource)
        })
    }

    /// `GET /fhir/r4/Observation/{id}`: a PHQ-9 or GAD-7 total score.
    pub fn fhir_observation(&self, ctx: &Ctx, id: MeasureId) -> Result<serde_json::Value> {
        ctx.require(Action::ReadClinical)?;
        self.store.read_audited(|c| {
            let m = measures::measure_by_id(c, id)?
                .ok_or_else(|| AppError::NotFound(format!("observation {id}")))?;
            crate::scope::require_patient(c, ctx, m.patient_id)?;
            let resource = observation(&m).ok_or_else(|| {
                AppError::NotFound(format!(
                    "observation {id} (a BAM is not offered over FHIR yet)"
                ))
            })?;
            let subject = format!("Observation/{id}");
            let mut event = Event::ok("fhir.read").subject(&subject);
            event.patient_id = Some(m.patient_id);
            record(c, ctx, event)?;
            Ok(resource)
        })
    }

    /// `GET /fhir/r4/Observation?patient=…[&code=…][&date=…]`: a patient's total scores,
    /// oldest first, filtered by LOINC code and dates.
    pub fn fhir_observations(
        &self,
        ctx: &Ctx,
        patient: PatientId,
        code: Option<&str>,
        dates: &[DateParam],
    ) -> Result<Vec<serde_json::Value>> {
        ctx.require(Action::ReadClinical)?;
        self.store.read_audited(|c| {
            crate::scope::require_patient(c, ctx, patient)?;
            let found: Vec<serde_json::Value> = measures::measures_of(c, patient)?
                .iter()
                .filter(|m| dates.iter().all(|d| d.matches(m.taken_on.0)))
                .filter(|m| {
                    let loinc = iop_interop::fhir::loinc_total(m.instrument);
                    match (code, loinc) {
                        (_, None) => false,
                        (None, Some(_)) => true,
                        (Some(raw), Some((c, _))) => {
                            iop_interop::fhir::search::token_matches(raw, "http://loinc.org", c)
                        }
                    }
                })
                .filter_map(observation)
                .collect();
            let subject = format!("Observation?patient={patient}");
            let mut event = Event::ok("fhir.search")
                .subject(&subject)
                .detail(serde_json::json!({ "matches": found.len() }));
            event.patient_id = Some(patient);
            record(c, ctx, event)?;
            Ok(found)
        })
    }
}

/// The Observation of a measure with a LOINC-coded total.
fn observation(m: &MeasureRow) -> Option<serde_json::Value> {
    let (id, patient) = (m.id.to_string(), m.patient_id.to_string());
    iop_interop::fhir::score_observation(&ScoreObservation {
        id: &id,
        patient_id: &patient,
        instrument: m.instrument,
        total: m.total?,
        taken_on: m.taken_on.0,
    })
}
