//! One patient's resources in an export, written as they are made. `_since` keeps what
//! changed at or after the moment: a row's recording (or voiding, or ending) time; the
//! Patient goes whenever anything of theirs goes, or when they were added since.

use super::export_run::Files;
use crate::ctx::Ctx;
use crate::error::Result;
use iop_domain::consent::InfoKind;
use iop_domain::ids::{PatientId, SiteId, StaffId};
use iop_interop::fhir::PlanKind;
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

/// The staff and sites the written resources name, for the directory's files.
#[derive(Default)]
pub(super) struct Referenced {
    pub staff: BTreeSet<StaffId>,
    pub sites: BTreeSet<SiteId>,
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
    refs: &mut Referenced,
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
            let r = super::records::episode_resource(c, e)?;
            let site = r["managingOrganization"]["reference"].as_str();
            refs.sites
                .extend(site.and_then(|s| s.strip_prefix("Organization/")?.parse::<SiteId>().ok()));
            files.write("EpisodeOfCare", &r)?;
            refs.staff.extend(e.primary_counselor_id);
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
                performers(&r, &mut refs.staff);
                files.write("Encounter", &r)?;
                wrote = true;
            }
        }
        for a in iop_store::clinical::individual::appointments_of_patient(c, patient)? {
            if !fresh(a.updated_at.0) {
                continue;
            }
            if let Some(r) = super::records::appointment_encounter(c, &a, &eps)? {
                performers(&r, &mut refs.staff);
                files.write("Encounter", &r)?;
                wrote = true;
            }
        }
    }
    let progress = allowed(granted, InfoKind::TreatmentProgress);
    // An outside party gets what its consent names as treatment progress ("treatment
    // plan goals, questionnaire scores and drug screen results", iop_domain::consent):
    // scores without item answers, the current treatment plan's goals without the plan
    // around them; never the answers, the relapse prevention plan or old versions.
    let outside = granted.is_some();
    if progress && (wants("Observation") || wants("QuestionnaireResponse")) {
        for m in iop_store::clinical::measures::measures_of(c, patient)? {
            if !fresh(m.recorded_at.0) {
                continue;
            }
            let observation = wants("Observation")
                .then(|| super::measures::measure_observation(&m))
                .flatten()
                .map(|r| {
                    if outside {
                        super::measures::scores_only(r)
                    } else {
                        r
                    }
                });
            let answers = (wants("QuestionnaireResponse") && !outside)
                .then(|| super::measures::questionnaire_response(&m))
                .flatten();
            for (kind, r) in [
                ("Observation", observation),
                ("QuestionnaireResponse", answers),
            ] {
                if let Some(r) = r {
                    files.write(kind, &r)?;
                    wrote = true;
                }
            }
        }
    }
    if progress && wants("Observation") {
        for s in iop_store::clinical::measures::screens_of(c, patient)? {
            if fresh(s.recorded_at.0) {
                for r in super::measures::screen_observations(&s) {
                    files.write("Observation", &r)?;
                    wrote = true;
                }
            }
        }
    }
    // A new version (or a signature) changes what the versions say: when anything in
    // the plans changed, every version goes.
    if progress && (wants("CarePlan") || wants("Goal")) {
        let plans = super::plans::plan_resources(c, patient)?;
        let changed = plans.iter().any(|p| fresh(p.changed))
            || (since.is_some() && eps.iter().any(episode_fresh));
        for p in plans.into_iter().filter(|_| changed) {
            if outside {
                if p.kind == PlanKind::Treatment && p.current && wants("Goal") {
                    for mut g in p.goals {
                        // The problem statement is more than the goal.
                        if let Some(obj) = g.as_object_mut() {
                            obj.remove("note");
                        }
                        files.write("Goal", &g)?;
                        wrote = true;
                    }
                }
                continue;
            }
            if wants("CarePlan") {
                files.write("CarePlan", &p.care_plan)?;
            }
            if wants("Goal") {
                for g in &p.goals {
                    files.write("Goal", g)?;
                }
            }
            wrote = true;
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
    // Like consents, the people close to the patient go only in the program's own
    // exports: each is named on the patient's consents, not on what a recipient asked for.
    if wants("RelatedPerson") && granted.is_none() {
        for row in iop_store::consent::persons_of(c, &[patient])? {
            if fresh(row.created_at.0) {
                files.write("RelatedPerson", &super::directory::related_person(&row))?;
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

/// The directory's files: the staff and sites the patients' resources named.
pub(super) fn directory_lines(
    c: &mut DbConn,
    types: &[&'static str],
    refs: &Referenced,
    files: &mut Files<'_>,
) -> Result<()> {
    let wants = |t: &str| types.contains(&t);
    let mut sites = refs.sites.clone();
    for &s in &refs.staff {
        if wants("Practitioner") {
            files.write("Practitioner", &super::records::practitioner(c, s)?)?;
        }
        if wants("PractitionerRole") {
            if let Some(r) = super::directory::practitioner_role(c, s)? {
                // The sites a role names are written too, so its references resolve.
                for l in r["location"].as_array().into_iter().flatten() {
                    let site = l["reference"]
                        .as_str()
                        .and_then(|r| r.strip_prefix("Location/"));
                    sites.extend(site.and_then(|s| s.parse::<SiteId>().ok()));
                }
                files.write("PractitionerRole", &r)?;
            }
        }
    }
    for &site in &sites {
        if wants("Organization") {
            if let Some(r) = super::directory::organization(c, site)? {
                files.write("Organization", &r)?;
            }
        }
        if wants("Location") {
            if let Some(r) = super::directory::location(c, site)? {
                files.write("Location", &r)?;
            }
        }
    }
    Ok(())
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
