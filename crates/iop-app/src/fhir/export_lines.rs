//! One patient's resources in an export, written as they are made. `_since` keeps what
//! changed at or after the moment: a row's recording (or voiding, or ending) time; the
//! Patient goes whenever anything of theirs goes, or when they were added since.

use super::export_run::Files;
use crate::ctx::Ctx;
use crate::error::Result;
use iop_domain::appointments::AppointmentKind;
use iop_domain::calendar::SessionKind;
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

/// What a patient's lines held: anything at all, and the kinds of information a
/// recipient's disclosure carried (the accounting lists those, not what was asked).
#[derive(Default)]
pub(super) struct Written {
    pub any: bool,
    pub kinds: BTreeSet<InfoKind>,
}

impl Written {
    fn put(
        &mut self,
        files: &mut Files<'_>,
        kind: &'static str,
        info: Option<InfoKind>,
        r: &Value,
    ) -> Result<()> {
        self.kinds.extend(info);
        self.any = true;
        files.write(kind, r)
    }
}

/// Writes the patient's resources of `types`.
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
) -> Result<Written> {
    let fresh = |at: Timestamp| since.is_none_or(|s| at >= s);
    let wants = |t: &str| types.contains(&t);
    // An outside party gets only what its consent names; see each kind below.
    let outside = granted.is_some();
    let mut out = Written::default();
    let eps = episodes::episodes_with_patient_id(c, patient)?;
    let episode_fresh = |e: &episodes::EpisodeRow| {
        fresh(e.created_at.0)
            || e.ended_on.is_some_and(|d| {
                since.is_none_or(|s| d.0 >= s.to_zoned(jiff::tz::TimeZone::UTC).date())
            })
    };
    let enrollment = Some(InfoKind::Enrollment);
    if wants("EpisodeOfCare") && allowed(granted, InfoKind::Enrollment) {
        for e in eps.iter().filter(|e| episode_fresh(e)) {
            let mut r = super::records::episode_resource(c, e)?;
            if let (true, Some(obj)) = (outside, r.as_object_mut()) {
                // Enrollment is dates and status: the reason it ended is more, and the
                // diagnoses' references carry their codes (billing information).
                obj.remove("extension");
                if !allowed(granted, InfoKind::Billing) {
                    obj.remove("diagnosis");
                }
            }
            let site = r["managingOrganization"]["reference"].as_str();
            refs.sites
                .extend(site.and_then(|s| s.strip_prefix("Organization/")?.parse::<SiteId>().ok()));
            refs.staff.extend(e.primary_counselor_id);
            out.put(files, "EpisodeOfCare", enrollment, &r)?;
        }
    }
    if wants("Condition") && allowed(granted, InfoKind::Billing) {
        for e in eps.iter().filter(|e| episode_fresh(e)) {
            for r in super::records::conditions_of(e) {
                out.put(files, "Condition", Some(InfoKind::Billing), &r)?;
            }
        }
    }
    if wants("Encounter") && allowed(granted, InfoKind::Enrollment) {
        // Family sessions are family participation, which no export carries outside.
        for (mark, session) in iop_store::fhir::marks_with_sessions(c, patient)? {
            if !fresh(mark.recorded_at.0) || (outside && session.kind == SessionKind::Family) {
                continue;
            }
            if let Some(r) = super::records::group_encounter(c, &mark, &session, &eps)? {
                performers(&r, &mut refs.staff);
                out.put(files, "Encounter", enrollment, &r)?;
            }
        }
        for a in iop_store::clinical::individual::appointments_of_patient(c, patient)? {
            if !fresh(a.updated_at.0) || (outside && a.kind != AppointmentKind::Individual) {
                continue;
            }
            if let Some(r) = super::records::appointment_encounter(c, &a, &eps)? {
                performers(&r, &mut refs.staff);
                out.put(files, "Encounter", enrollment, &r)?;
            }
        }
    }
    // Treatment progress as the consent form words it ("treatment plan goals,
    // questionnaire scores and drug screen results", iop_domain::consent): outside, the
    // scores without item answers and the current treatment plan's goals without the
    // plan around them; never the answers, the relapse prevention plan or old versions.
    let progress = allowed(granted, InfoKind::TreatmentProgress);
    let treatment = Some(InfoKind::TreatmentProgress);
    if progress && (wants("Observation") || wants("QuestionnaireResponse")) {
        for m in iop_store::clinical::measures::measures_of(c, patient)? {
            if !fresh(m.recorded_at.0) {
                continue;
            }
            if wants("Observation") {
                if let Some(r) = super::measures::measure_observation(&m) {
                    let r = if outside {
                        super::measures::scores_only(r)
                    } else {
                        r
                    };
                    out.put(files, "Observation", treatment, &r)?;
                }
            }
            if wants("QuestionnaireResponse") && !outside {
                if let Some(r) = super::measures::questionnaire_response(&m) {
                    out.put(files, "QuestionnaireResponse", treatment, &r)?;
                }
            }
        }
    }
    if progress && wants("Observation") {
        for s in iop_store::clinical::measures::screens_of(c, patient)? {
            if fresh(s.recorded_at.0) {
                for r in super::measures::screen_observations(&s) {
                    out.put(files, "Observation", treatment, &r)?;
                }
            }
        }
    }
    // A new version (or a signature) changes what the versions say: when anything in
    // the plans changed, every version goes (outside: when the treatment plan changed,
    // its current goals).
    if progress && (wants("CarePlan") || wants("Goal")) {
        let mut plans = super::plans::plan_resources(c, patient)?;
        if outside {
            plans.retain(|p| p.kind == PlanKind::Treatment && p.current);
        }
        let changed = plans.iter().any(|p| fresh(p.changed))
            || (since.is_some() && eps.iter().any(episode_fresh));
        for p in plans.into_iter().filter(|_| changed) {
            if wants("CarePlan") && !outside {
                out.put(files, "CarePlan", treatment, &p.care_plan)?;
            }
            for mut g in p.goals.into_iter().filter(|_| wants("Goal")) {
                if let (true, Some(obj)) = (outside, g.as_object_mut()) {
                    obj.remove("note"); // the problem statement is more than the goal
                }
                out.put(files, "Goal", treatment, &g)?;
            }
        }
    }
    if wants("Coverage") && allowed(granted, InfoKind::Billing) {
        for row in iop_store::billing::coverages_of(c, &[patient])? {
            if fresh(row.created_at.0) || row.voided_at.is_some_and(|v| fresh(v.0)) {
                let r = super::coverage_resource(c, ctx, &row)?;
                out.put(files, "Coverage", Some(InfoKind::Billing), &r)?;
            }
        }
    }
    // Consents and the people close to the patient (each named on the consents) go in
    // the program's own exports only: a recipient gets what its consent allows, not the
    // patient's other consents.
    if wants("Consent") && !outside {
        for (_, changed, r) in super::consents::consents_of(c, ctx, patient)? {
            if fresh(changed) {
                out.put(files, "Consent", None, &r)?;
            }
        }
    }
    if wants("RelatedPerson") && !outside {
        for row in iop_store::consent::persons_of(c, &[patient])? {
            if fresh(row.created_at.0) {
                out.put(
                    files,
                    "RelatedPerson",
                    None,
                    &super::directory::related_person(&row),
                )?;
            }
        }
    }
    // The Patient goes with whatever else goes (and, in the program's own export, when
    // added since): never alone to an outside party.
    if wants("Patient") {
        if let Some(p) = episodes::patient_by_id(c, patient)? {
            if out.any || (!outside && fresh(p.created_at.0)) {
                out.put(
                    files,
                    "Patient",
                    None,
                    &super::patients::patient_resource(&p),
                )?;
            }
        }
    }
    Ok(out)
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
