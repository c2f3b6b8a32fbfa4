//! The FHIR R4 interface's use cases: each checks the caller's role and caseload, writes
//! its audit row in the read's transaction, and answers the resource as
//! `iop_interop::fhir` writes it (with the Part 2 labels).

use crate::audit::{record, Event};
use crate::ctx::Ctx;
use crate::error::{AppError, Result};
use crate::policy::Action;
use crate::App;
use iop_domain::ids::{CoverageId, PatientId};
pub use iop_interop::fhir::search::DateParam;
use iop_interop::fhir::CoverageData;
pub use iop_interop::fhir::{
    operation_outcome, outcome_of, searchset, Issue, IssueSeverity, IssueType, SearchPage,
    EXAMPLE_REFERRAL, FHIR_VERSION, MEDIA_TYPE,
};
use iop_store::billing::CoverageRow;
use iop_store::DbConn;
pub use patients::PatientSearch;

mod consents;
mod directory;
mod export;
mod export_lines;
mod export_run;
mod measures;
mod patients;
mod plans;
mod records;
mod referral;

pub use export::{
    ExportRecipient, ExportReport, ExportRequest, ExportSummary, LeftOut, EXPORT_TYPES, KEEP_FILES,
};

/// The identifier system of this installation's medical record numbers.
pub const MRN_SYSTEM: &str = "urn:iop:mrn";

impl App {
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
