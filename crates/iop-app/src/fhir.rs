//! The FHIR R4 interface's use cases: each checks the caller's role and caseload, writes
//! its audit row in the read's transaction, and answers the resource as
//! `iop_interop::fhir` writes it (with the Part 2 labels).

use crate::audit::{record, Event};
use crate::ctx::Ctx;
use crate::error::{AppError, Result};
use crate::policy::Action;
use crate::App;
use iop_domain::ids::PatientId;
use iop_interop::fhir::PatientData;
pub use iop_interop::fhir::{
    operation_outcome, IssueSeverity, IssueType, FHIR_VERSION, MEDIA_TYPE,
};

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
}
