//! The treatment plan and the relapse prevention plan as CarePlan and Goal, one CarePlan
//! per saved version (a version's content is never changed, only signed, so the goals'
//! ids, by place, are stable). Same checks as the other FHIR use cases.

use super::audited;
use crate::clinical::plans::PlanContent;
use crate::clinical::treatment::TreatmentPlanContent;
use crate::ctx::Ctx;
use crate::error::{AppError, Result};
use crate::policy::Action;
use crate::App;
use iop_domain::ids::PatientId;
use iop_domain::roster::EpisodeStatus;
use iop_interop::fhir::{goal_id, ActivityData, CarePlanData, GoalData, PlanKind, PlanStatus};
use iop_store::clinical::plans as store;
use iop_store::DbConn;
use jiff::tz::TimeZone;
use jiff::Timestamp;
use serde_json::Value;

/// A plan version's CarePlan and Goals, with the moment it was saved.
pub(super) struct PlanResources {
    pub saved: Timestamp,
    /// The last change: saved or signed.
    pub changed: Timestamp,
    pub kind: PlanKind,
    /// The newest version of its plan.
    pub current: bool,
    pub care_plan: Value,
    pub goals: Vec<Value>,
}

impl App {
    /// `GET /fhir/r4/CarePlan/{id}`: a version of either plan.
    pub fn fhir_care_plan(&self, ctx: &Ctx, id: &str) -> Result<Value> {
        self.plan_read(ctx, id, "CarePlan", |p| {
            (p.care_plan["id"] == id).then(|| p.care_plan.clone())
        })
    }

    /// `GET /fhir/r4/Goal/{id}`: a goal of a plan version (`{plan id}-{n}`).
    pub fn fhir_goal(&self, ctx: &Ctx, id: &str) -> Result<Value> {
        let plan = iop_interop::fhir::split_goal_id(id).map_or("", |(p, _)| p);
        self.plan_read(ctx, plan, "Goal", |p| {
            p.goals.iter().find(|g| g["id"] == id).cloned()
        })
        .map_err(|e| match e {
            AppError::NotFound(_) => AppError::NotFound(format!("goal {id}")),
            other => other,
        })
    }

    fn plan_read(
        &self,
        ctx: &Ctx,
        plan: &str,
        kind: &str,
        pick: impl Fn(&PlanResources) -> Option<Value>,
    ) -> Result<Value> {
        ctx.require(Action::ReadClinical)?;
        let not_found = || AppError::NotFound(format!("{} {plan}", kind.to_lowercase()));
        if plan.len() != 36 {
            return Err(not_found());
        }
        self.store.read_audited(|c| {
            let patient = iop_store::fhir::plan_patient(c, plan)?.ok_or_else(not_found)?;
            crate::scope::require_patient(c, ctx, patient)?;
            let found = plan_resources(c, patient)?
                .iter()
                .find_map(&pick)
                .ok_or_else(not_found)?;
            let subject = format!("{kind}/{}", found["id"].as_str().unwrap_or(plan));
            audited(c, ctx, "fhir.read", &subject, patient, None)?;
            Ok(found)
        })
    }

    /// `GET /fhir/r4/CarePlan?patient=…`: every version of both plans, oldest first.
    pub fn fhir_care_plans(&self, ctx: &Ctx, patient: PatientId) -> Result<Vec<Value>> {
        self.plan_search(ctx, patient, "CarePlan", |p| vec![p.care_plan])
    }

    /// `GET /fhir/r4/Goal?patient=…`: the goals of every plan version, oldest first.
    pub fn fhir_goals(&self, ctx: &Ctx, patient: PatientId) -> Result<Vec<Value>> {
        self.plan_search(ctx, patient, "Goal", |p| p.goals)
    }

    fn plan_search(
        &self,
        ctx: &Ctx,
        patient: PatientId,
        kind: &str,
        take: impl Fn(PlanResources) -> Vec<Value>,
    ) -> Result<Vec<Value>> {
        ctx.require(Action::ReadClinical)?;
        self.store.read_audited(|c| {
            crate::scope::require_patient(c, ctx, patient)?;
            let found: Vec<Value> = plan_resources(c, patient)?
                .into_iter()
                .flat_map(&take)
                .collect();
            let subject = format!("{kind}?patient={patient}");
            audited(c, ctx, "fhir.search", &subject, patient, Some(found.len()))?;
            Ok(found)
        })
    }
}

/// Every version of the patient's two plans, oldest first.
pub(super) fn plan_resources(c: &mut DbConn, patient: PatientId) -> Result<Vec<PlanResources>> {
    let zone = crate::clock::patient_zone(c, patient)?;
    let episodes = iop_store::admissions::episodes::episodes_with_patient_id(c, patient)?;
    let spans: Vec<(bool, Option<jiff::civil::Date>)> = episodes
        .iter()
        .map(|e| (e.status == EpisodeStatus::Active, e.ended_on.map(|d| d.0)))
        .collect();
    let patient_text = patient.to_string();
    let mut out = Vec::new();
    // Stored newest first: the first is current, each replaces the one after it.
    let treatment = store::treatment_versions(c, patient)?;
    for (i, row) in treatment.iter().enumerate() {
        let content: TreatmentPlanContent = serde_json::from_str(&row.content).unwrap_or_default();
        let (id, prev) = (
            row.id.to_string(),
            treatment.get(i + 1).map(|p| p.id.to_string()),
        );
        let mut data = base(
            &id,
            &patient_text,
            PlanKind::Treatment,
            row.version,
            row.created_at.0,
            &zone,
        );
        data.status = PlanStatus::of(i, data.written_on, &spans);
        data.replaces = prev.as_deref();
        let mut n = 0;
        for problem in &content.problems {
            for g in &problem.goals {
                n += 1;
                let goal = goal_id(&id, n);
                data.activities
                    .extend(g.interventions.iter().map(|i| ActivityData {
                        description: i.clone(),
                        goals: vec![goal.clone()],
                    }));
                data.goals.push(GoalData {
                    id: goal,
                    description: g.goal.clone(),
                    targets: g
                        .objectives
                        .iter()
                        .map(|o| (o.objective.clone(), o.target_date))
                        .collect(),
                    notes: vec![format!("Problem: {}", problem.problem)],
                });
            }
        }
        data.notes
            .push(format!("Due for review on {}", row.review_due.0));
        data.notes.extend(signatures(
            row.patient_signed_at,
            row.counselor_signed_at,
            &zone,
        ));
        let changed = last_change(
            row.created_at,
            row.patient_signed_at,
            row.counselor_signed_at,
        );
        out.push(finish(row.created_at.0, changed, &data));
    }
    let relapse = store::versions(c, patient)?;
    for (i, row) in relapse.iter().enumerate() {
        let content: PlanContent = serde_json::from_str(&row.content).unwrap_or_default();
        let (id, prev) = (
            row.id.to_string(),
            relapse.get(i + 1).map(|p| p.id.to_string()),
        );
        let mut data = base(
            &id,
            &patient_text,
            PlanKind::RelapsePrevention,
            row.version,
            row.created_at.0,
            &zone,
        );
        data.status = PlanStatus::of(i, data.written_on, &spans);
        data.replaces = prev.as_deref();
        let goal = goal_id(&id, 1);
        data.goals.push(GoalData {
            id: goal.clone(),
            description: "Prevent relapse and keep up recovery".into(),
            targets: Vec::new(),
            notes: listed("Reason for recovery", &content.reasons_for_recovery),
        });
        let mut activities: Vec<String> = listed("Coping strategy", &content.coping_strategies);
        if !content.lapse_plan.trim().is_empty() {
            activities.push(format!(
                "After a lapse or in an emergency: {} In a crisis, call or text 988.",
                content.lapse_plan.trim()
            ));
        }
        data.activities = activities
            .into_iter()
            .map(|description| ActivityData {
                description,
                goals: vec![goal.clone()],
            })
            .collect();
        data.notes = [
            listed("External trigger", &content.external_triggers),
            listed("Internal trigger", &content.internal_triggers),
            listed("Early warning sign", &content.early_warning_signs),
            content
                .supports
                .iter()
                .map(|s| format!("Support person: {}, {}", s.name, s.phone))
                .collect(),
            signatures(row.patient_signed_at, row.counselor_signed_at, &zone),
        ]
        .concat();
        let changed = last_change(
            row.created_at,
            row.patient_signed_at,
            row.counselor_signed_at,
        );
        out.push(finish(row.created_at.0, changed, &data));
    }
    out.sort_by_key(|p| p.saved);
    Ok(out)
}

fn base<'a>(
    id: &'a str,
    patient: &'a str,
    kind: PlanKind,
    version: i32,
    saved: Timestamp,
    zone: &TimeZone,
) -> CarePlanData<'a> {
    CarePlanData {
        id,
        patient_id: patient,
        kind,
        version,
        status: PlanStatus::Active,
        created: saved,
        written_on: crate::clock::date_in(zone, saved),
        replaces: None,
        goals: Vec::new(),
        activities: Vec::new(),
        notes: Vec::new(),
    }
}

fn listed(what: &str, entries: &[String]) -> Vec<String> {
    entries
        .iter()
        .filter(|e| !e.trim().is_empty())
        .map(|e| format!("{what}: {}", e.trim()))
        .collect()
}

fn signatures(
    patient: Option<iop_domain::time::Instant>,
    counselor: Option<iop_domain::time::Instant>,
    zone: &TimeZone,
) -> Vec<String> {
    [("patient", patient), ("counselor", counselor)]
        .into_iter()
        .filter_map(|(who, at)| {
            at.map(|at| {
                format!(
                    "Signed by the {who} on {}",
                    crate::clock::date_in(zone, at.0)
                )
            })
        })
        .collect()
}

fn last_change(
    saved: iop_domain::time::Instant,
    patient: Option<iop_domain::time::Instant>,
    counselor: Option<iop_domain::time::Instant>,
) -> Timestamp {
    [Some(saved), patient, counselor]
        .into_iter()
        .flatten()
        .map(|i| i.0)
        .max()
        .unwrap_or(saved.0)
}

fn finish(saved: Timestamp, changed: Timestamp, data: &CarePlanData<'_>) -> PlanResources {
    PlanResources {
        saved,
        changed,
        kind: data.kind,
        current: data.status != PlanStatus::Revoked,
        care_plan: iop_interop::fhir::care_plan(data),
        goals: data
            .goals
            .iter()
            .map(|g| iop_interop::fhir::goal(data, g))
            .collect(),
    }
}
