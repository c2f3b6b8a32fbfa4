//! One patient's resources in an export, written as they are made. `_since` keeps what
//! changed at or after the moment: a row's recording (or voiding, or ending) time; the
//! Patient goes whenever anything of theirs goes, or when they were added since.

use super::export_run::Files;
use crate::ctx::Ctx;
use crate::error::Result;
use iop_domain::consent::InfoKind;
use iop_domain::ids::{PatientId, StaffId};
use iop_store::admissions::episodes;
use iop_store::DbConn;
use jiff::Timestamp;
use serde_json::Value;
use std::collections::BTreeSet;

/// Whether `kind` may go: always for staff's own export; for a recipient, when the
/// gate granted its kind of information.
fn allowed(granted: Option<&[InfoKind]>, kind: InfoKind) -> bool {
    granted.is_none_or(|g| g.contains(&kind))
}

/// Writes the patient's resources of `types`; whether anything was written.
#[allow(clippy::too_many_arguments)]
pub(super) fn patient_lines(
    c: &mut DbConn,
    ctx: &Ctx,
    patient: PatientId,
    types: &[&'static str],
    since: Option<Timestamp>,
    granted: Option<&[InfoKind]>,
    files: &mut Files<'_>,
    staff: &mut BTreeSet<StaffId>,
) -> Result<bool> {
    let fresh = |at: Timestamp| since.is_none_or(|s| at >= s);
    let wants = |t: &str| types.contains(&t);
    let mut wrote = false;
    let eps = episodes::episodes_with_patient_id(c, patient)?;
    let episode_fresh = |e: &episodes::EpisodeRow| {
        fresh(e.created_at.0)
            || e.ended_on.is_some_and(|d| {
                since.is_none_or(|s| d.0 >= s.to_zoned(jiff::tz::TimeZone::UTC).date())
            })
    };
    if wants("EpisodeOfCare") && allowed(granted, InfoKind::Enrollment) {
        for e in eps.iter().filter(|e| episode_fresh(e)) {
            files.write("EpisodeOfCare", &super::records::episode_resource(e))?;
            staff.extend(e.primary_counselor_id);
            wrote = true;
        }
    }
    if wants("Condition") && allowed(granted, InfoKind::Billing) {
        for e in eps.iter().filter(|e| episode_fresh(e)) {
            for r in super::records::conditions_of(e) {
                files.write("Condition", &r)?;
                wrote = true;
            }
        }
    }
    if wants("Encounter") && allowed(granted, InfoKind::Enrollment) {
        for (mark, session) in iop_store::fhir::marks_with_sessions(c, patient)? {
            if !fresh(mark.recorded_at.0) {
                continue;
            }
            if let Some(r) = super::records::group_encounter(c, &mark, &session, &eps)? {
                performers(&r, staff);
                files.write("Encounter", &r)?;
                wrote = true;
            }
        }
        for a in iop_store::clinical::individual::appointments_of_patient(c, patient)? {
            if !fresh(a.updated_at.0) {
                continue;
            }
            if let Some(r) = super::records::appointment_encounter(c, &a, &eps)? {
                performers(&r, staff);
                files.write("Encounter", &r)?;
                wrote = true;
            }
        }
    }
    if wants("Observation") && allowed(granted, InfoKind::TreatmentProgress) {
        for m in iop_store::clinical::measures::measures_of(c, patient)? {
            if let (true, Some(r)) = (fresh(m.recorded_at.0), super::observation(&m)) {
                files.write("Observation", &r)?;
                wrote = true;
            }
        }
    }
    if wants("Coverage") && allowed(granted, InfoKind::Billing) {
        for row in iop_store::billing::coverages_of(c, &[patient])? {
            if fresh(row.created_at.0) || row.voided_at.is_some_and(|v| fresh(v.0)) {
                files.write("Coverage", &super::coverage_resource(c, ctx, &row)?)?;
                wrote = true;
            }
        }
    }
    // Consents go in the program's own exports; an outside party gets the files its
    // consent allows, not the patient's other consents.
    if wants("Consent") && granted.is_none() {
        for (_, changed, r) in super::consents::consents_of(c, ctx, patient)? {
            if fresh(changed) {
                files.write("Consent", &r)?;
                wrote = true;
            }
        }
    }
    if wants("Patient") {
        if let Some(p) = episodes::patient_by_id(c, patient)? {
            if wrote || fresh(p.created_at.0) {
                files.write("Patient", &super::patients::patient_resource(&p))?;
                wrote = true;
            }
        }
    }
    Ok(wrote)
}

/// The staff an Encounter names, for the Practitioner file.
fn performers(encounter: &Value, staff: &mut BTreeSet<StaffId>) {
    for p in encounter["participant"].as_array().into_iter().flatten() {
        if let Some(id) = p["individual"]["reference"]
            .as_str()
            .and_then(|r| r.strip_prefix("Practitioner/"))
            .and_then(|id| id.parse().ok())
        {
            staff.insert(id);
        }
    }
}
