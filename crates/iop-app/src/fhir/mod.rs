//! The FHIR R4 interface's use cases: each checks the caller's role and caseload, writes
//! its audit row in the read's transaction, and answers the resource as
//! `iop_interop::fhir` writes it (with the Part 2 labels).

use crate::audit::{record, Event};
use crate::ctx::Ctx;
use crate::error::{AppError, Result};
use crate::policy::Action;
use crate::App;
use iop_domain::ids::{CoverageId, MeasureId, PatientId};
pub use iop_interop::fhir::search::DateParam;
pub use iop_interop::fhir::{
    operation_outcome, outcome_of, searchset, Issue, IssueSeverity, IssueType, SearchPage,
    EXAMPLE_REFERRAL, FHIR_VERSION, MEDIA_TYPE,
};
use iop_interop::fhir::{CoverageData, ScoreObservation};
use iop_store::billing::CoverageRow;
use iop_store::clinical::measures::{self as measures, MeasureRow};
use iop_store::DbConn;
pub use patients::PatientSearch;

mod consents;
mod export;
mod export_lines;
mod export_run;
mod patients;
mod records;
mod referral;

pub use export::{
    ExportRecipient, ExportReport, ExportRequest, ExportSummary, LeftOut, EXPORT_TYPES, KEEP_FILES,
};

/// The identifier system of this installation's medical record numbers.
pub const MRN_SYSTEM: &str = "urn:iop:mrn";

impl App {
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
            audited(
                c,
                ctx,
                "fhir.read",
                &format!("Observation/{id}"),
                m.patient_id,
                None,
            )?;
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
                        // A comma-separated list is any of its codes (FHIR search, "OR").
                        (Some(raw), Some((c, _))) => raw.split(',').any(|one| {
                            iop_interop::fhir::search::token_matches(one, "http://loinc.org", c)
                        }),
                    }
                })
                .filter_map(observation)
                .collect();
            let subject = format!("Observation?patient={patient}");
            audited(c, ctx, "fhir.search", &subject, patient, Some(found.len()))?;
            Ok(found)
        })
    }

    /// `GET /fhir/r4/Coverage/{id}`: a coverage, for the roles that keep coverages.
    pub fn fhir_coverage(&self, ctx: &Ctx, id: CoverageId) -> Result<serde_json::Value> {
        ctx.require(Action::ManageCoverage)?;
        self.store.read_audited(|c| {
            let row = iop_store::billing::coverage(c, id)?
                .ok_or_else(|| AppError::NotFound(format!("coverage {id}")))?;
            crate::scope::require_patient(c, ctx, row.patient_id)?;
            let resource = coverage_resource(c, ctx, &row)?;
            audited(
                c,
                ctx,
                "fhir.read",
                &format!("Coverage/{id}"),
                row.patient_id,
                None,
            )?;
            Ok(resource)
        })
    }

    /// `GET /fhir/r4/Coverage?patient=…`: every coverage on file for the patient.
    pub fn fhir_coverages(&self, ctx: &Ctx, patient: PatientId) -> Result<Vec<serde_json::Value>> {
        ctx.require(Action::ManageCoverage)?;
        self.store.read_audited(|c| {
            crate::scope::require_patient(c, ctx, patient)?;
            let mut found = Vec::new();
            for row in iop_store::billing::coverages_of(c, &[patient])? {
                found.push(coverage_resource(c, ctx, &row)?);
            }
            let subject = format!("Coverage?patient={patient}");
            audited(c, ctx, "fhir.search", &subject, patient, Some(found.len()))?;
            Ok(found)
        })
    }
}

/// The Observation of a measure with a LOINC-coded total.
pub(super) fn observation(m: &MeasureRow) -> Option<serde_json::Value> {
    let (id, patient) = (m.id.to_string(), m.patient_id.to_string());
    iop_interop::fhir::score_observation(&ScoreObservation {
        id: &id,
        patient_id: &patient,
        instrument: m.instrument,
        total: m.total?,
        taken_on: m.taken_on.0,
    })
}

/// The Coverage of a row, as of today where the patient is treated.
pub(super) fn coverage_resource(
    c: &mut DbConn,
    ctx: &Ctx,
    row: &CoverageRow,
) -> Result<serde_json::Value> {
    let payer = iop_store::billing::all_payers(c)?
        .into_iter()
        .find(|p| p.id == row.payer_id)
        .ok_or_else(|| AppError::Internal(format!("coverage {} names no payer", row.id)))?;
    let today = crate::clock::date_in(&crate::clock::patient_zone(c, row.patient_id)?, ctx.now());
    let (id, patient) = (row.id.to_string(), row.patient_id.to_string());
    Ok(iop_interop::fhir::coverage(
        &CoverageData {
            id: &id,
            patient_id: &patient,
            payer_name: &payer.name,
            payer_id: &payer.payer_id,
            member_id: &row.member_id,
            group_number: row.group_number.as_deref(),
            priority: row.priority,
            relationship: row.relationship,
            effective_from: row.effective_from.0,
            effective_to: row.effective_to.map(|d| d.0),
            voided: row.voided_at.is_some(),
        },
        today,
    ))
}

/// The audit row of a FHIR read (`matches` None) or search, about one patient.
fn audited(
    c: &mut DbConn,
    ctx: &Ctx,
    action: &'static str,
    subject: &str,
    patient: PatientId,
    matches: Option<usize>,
) -> Result<()> {
    let mut event = Event::ok(action).subject(subject);
    if let Some(n) = matches {
        event = event.detail(serde_json::json!({ "matches": n }));
    }
    event.patient_id = Some(patient);
    record(c, ctx, event)
}
