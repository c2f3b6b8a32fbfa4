//! Each Part 2 consent as a FHIR Consent, for the roles that keep consents (clinical
//! director, counselor in caseload, admissions), audited like every FHIR read.

use super::audited;
use crate::ctx::Ctx;
use crate::error::{AppError, Result};
use crate::policy::Action;
use crate::App;
use iop_domain::consent::ExpiryKind;
use iop_domain::ids::{ConsentId, PatientId};
use iop_interop::fhir::{ConsentActor, ConsentData};
use iop_store::consent::{ConsentRow, RecipientRow};
use iop_store::DbConn;
use serde_json::Value;

impl App {
    /// `GET /fhir/r4/Consent/{id}`.
    pub fn fhir_consent(&self, ctx: &Ctx, id: ConsentId) -> Result<Value> {
        ctx.require(Action::ManageConsents)?;
        self.store.read_audited(|c| {
            let row = iop_store::consent::consent(c, id)?
                .ok_or_else(|| AppError::NotFound(format!("consent {id}")))?;
            crate::scope::require_patient(c, ctx, row.patient_id)?;
            let found = consents_of(c, ctx, row.patient_id)?
                .into_iter()
                .find(|(k, _, _)| k.id == id)
                .map(|(_, _, r)| r)
                .ok_or_else(|| AppError::NotFound(format!("consent {id}")))?;
            audited(
                c,
                ctx,
                "fhir.read",
                &format!("Consent/{id}"),
                row.patient_id,
                None,
            )?;
            Ok(found)
        })
    }

    /// `GET /fhir/r4/Consent?patient=…`: every version of every consent, newest first.
    pub fn fhir_consents(&self, ctx: &Ctx, patient: PatientId) -> Result<Vec<Value>> {
        ctx.require(Action::ManageConsents)?;
        self.store.read_audited(|c| {
            crate::scope::require_patient(c, ctx, patient)?;
            let found: Vec<Value> = consents_of(c, ctx, patient)?
                .into_iter()
                .map(|(_, _, r)| r)
                .collect();
            let subject = format!("Consent?patient={patient}");
            audited(c, ctx, "fhir.search", &subject, patient, Some(found.len()))?;
            Ok(found)
        })
    }
}

/// The patient's consents as resources, with the rows they came from and when they last
/// changed (recorded, superseded, or a line revoked).
pub(super) fn consents_of(
    c: &mut DbConn,
    ctx: &Ctx,
    patient: PatientId,
) -> Result<Vec<(ConsentRow, jiff::Timestamp, Value)>> {
    let today = crate::clock::date_in(&crate::clock::patient_zone(c, patient)?, ctx.now());
    let eps = iop_store::admissions::episodes::episodes_with_patient_id(c, patient)?;
    let treatment_ended = !eps.is_empty() && eps.iter().all(|e| e.ended_on.is_some());
    Ok(iop_store::consent::consents_of(c, &[patient])?
        .into_iter()
        .map(|(k, lines)| {
            let r = resource(&k, &lines, today, treatment_ended);
            let changed = lines
                .iter()
                .filter_map(|l| l.revoked_at.map(|t| t.0))
                .chain(k.superseded_at.map(|t| t.0))
                .fold(k.recorded_at.0, std::cmp::max);
            (k, changed, r)
        })
        .collect())
}

fn resource(
    k: &ConsentRow,
    lines: &[RecipientRow],
    today: jiff::civil::Date,
    treatment_ended: bool,
) -> Value {
    let in_force = match k.expiry_kind {
        ExpiryKind::Date => k.expiry_date.is_none_or(|d| today <= d.0),
        ExpiryKind::EndOfTreatment => !treatment_ended,
        ExpiryKind::Never => true,
    };
    let active =
        k.superseded_at.is_none() && in_force && lines.iter().any(|l| l.revoked_at.is_none());
    let actors: Vec<ConsentActor<'_>> = lines
        .iter()
        .map(|l| ConsentActor {
            name: &l.name,
            revoked_at: l.revoked_at.map(|t| t.0),
        })
        .collect();
    let (id, patient) = (k.id.to_string(), k.patient_id.to_string());
    iop_interop::fhir::consent(&ConsentData {
        id: &id,
        patient_id: &patient,
        active,
        signed_at: k.signed_at.0,
        discloser: &k.discloser,
        information: &k.information.0,
        tpo: k.tpo,
        expires_on: match k.expiry_kind {
            ExpiryKind::Date => k.expiry_date.map(|d| d.0),
            _ => None,
        },
        recipients: &actors,
        representative: k.signer_name.as_deref(),
    })
}
