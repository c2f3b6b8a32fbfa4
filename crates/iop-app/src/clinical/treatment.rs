//! The treatment plan: problems, goals, measurable objectives with target dates, and
//! interventions. Each change is a new version, due for review 30 days after it was
//! written; the patient signs (typed name, or "signed on paper") and so does the counselor.

use crate::audit::{record, Event};
use crate::clinical::plans::patient_signature;
use crate::ctx::Ctx;
use crate::error::{AppError, Result};
use crate::policy::Action;
use crate::App;
use iop_domain::ids::PatientId;
use iop_domain::ids::*;
use iop_domain::time::{Day, Instant};
use iop_store::admissions::episodes;
use iop_store::clinical::plans::{self as store, TreatmentPlanRow};
use jiff::civil::Date;
use jiff::Span;

/// Days from a plan version to its review.
pub const REVIEW_DAYS: i64 = 30;

#[derive(
    Clone, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize, utoipa::ToSchema,
)]
#[serde(deny_unknown_fields)]
pub struct Objective {
    /// Measurable: what, how much, how it is checked.
    pub objective: String,
    #[schema(value_type = String, format = Date)]
    pub target_date: Date,
}

#[derive(
    Clone, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize, utoipa::ToSchema,
)]
#[serde(deny_unknown_fields)]
pub struct Goal {
    pub goal: String,
    pub objectives: Vec<Objective>,
    pub interventions: Vec<String>,
}

#[derive(
    Clone, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize, utoipa::ToSchema,
)]
#[serde(deny_unknown_fields)]
pub struct Problem {
    pub problem: String,
    pub goals: Vec<Goal>,
}

#[derive(
    Clone, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize, utoipa::ToSchema,
)]
#[serde(deny_unknown_fields)]
pub struct TreatmentPlanContent {
    pub problems: Vec<Problem>,
}

fn line(v: &str, what: &str) -> Result<()> {
    crate::input::line(v, 500, &format!("each {what}")).map(drop)
}

impl TreatmentPlanContent {
    fn check(&self, today: Date) -> Result<()> {
        if self.problems.is_empty() || self.problems.len() > 10 {
            return Err(AppError::Invalid("the plan names 1 to 10 problems".into()));
        }
        for p in &self.problems {
            line(&p.problem, "problem")?;
            if p.goals.is_empty() || p.goals.len() > 10 {
                return Err(AppError::Invalid("each problem has 1 to 10 goals".into()));
            }
            for g in &p.goals {
                line(&g.goal, "goal")?;
                if g.objectives.is_empty() || g.objectives.len() > 10 {
                    return Err(AppError::Invalid(format!(
                        "goal {:?} needs 1 to 10 measurable objectives",
                        g.goal.trim()
                    )));
                }
                if g.interventions.is_empty() || g.interventions.len() > 10 {
                    return Err(AppError::Invalid(format!(
                        "goal {:?} needs 1 to 10 interventions",
                        g.goal.trim()
                    )));
                }
                for o in &g.objectives {
                    line(&o.objective, "objective")?;
                    if o.target_date < today {
                        return Err(AppError::Invalid(format!(
                            "the target date {} of an objective is in the past",
                            o.target_date
                        )));
                    }
                }
                for i in &g.interventions {
                    line(i, "intervention")?;
                }
            }
        }
        Ok(())
    }
}

#[derive(Clone, Debug, serde::Serialize, utoipa::ToSchema)]
pub struct TreatmentPlanVersion {
    pub id: TreatmentPlanId,
    pub version: i32,
    pub content: TreatmentPlanContent,
    pub review_due: Day,
    pub created_at: Instant,
    pub patient_signature: Option<String>,
    pub patient_signed_at: Option<Instant>,
    pub counselor_signed_by: Option<ActorRef>,
    pub counselor_signed_at: Option<Instant>,
}

impl From<TreatmentPlanRow> for TreatmentPlanVersion {
    fn from(r: TreatmentPlanRow) -> Self {
        TreatmentPlanVersion {
            content: serde_json::from_str(&r.content).unwrap_or_default(),
            id: r.id,
            version: r.version,
            review_due: r.review_due,
            created_at: r.created_at,
            patient_signature: r.patient_signature,
            patient_signed_at: r.patient_signed_at,
            counselor_signed_by: r.counselor_signed_by,
            counselor_signed_at: r.counselor_signed_at,
        }
    }
}

impl App {
    /// Saves the plan as a new version, due for review in 30 days.
    pub fn save_treatment_plan(
        &self,
        ctx: &Ctx,
        patient: PatientId,
        content: TreatmentPlanContent,
    ) -> Result<i32> {
        let patient_id = patient;
        ctx.require(Action::RecordAttendance)?;
        let actor = ctx.actor_ref();
        self.store.write(|c| {
            crate::scope::require_patient(c, ctx, patient_id)?;
            let (_, pc) = crate::clinical::individual::patient_program(c, patient_id)?;
            let today = pc.today(ctx.now());
            content.check(today)?;
            let version = store::treatment_versions(c, patient_id)?
                .first()
                .map_or(1, |v| v.version + 1);
            let review_due = today
                .checked_add(Span::new().days(REVIEW_DAYS))
                .map_err(|e| AppError::Internal(e.to_string()))?;
            store::insert_treatment(
                c,
                &TreatmentPlanRow {
                    id: TreatmentPlanId::new_v7(),
                    patient_id,
                    version,
                    content: serde_json::to_string(&content)
                        .map_err(|e| AppError::Internal(e.to_string()))?,
                    review_due: Day(review_due),
                    created_by: actor,
                    created_at: Instant(ctx.now()),
                    patient_signature: None,
                    patient_signed_at: None,
                    counselor_signed_by: None,
                    counselor_signed_at: None,
                },
            )?;
            let mut event = Event::ok("clinical.treatment_plan.save")
                .detail(serde_json::json!({ "version": version }));
            event.patient_id = Some(patient);
            record(c, ctx, event)?;
            Ok(version)
        })
    }

    pub fn treatment_plans(
        &self,
        ctx: &Ctx,
        patient: PatientId,
    ) -> Result<Vec<TreatmentPlanVersion>> {
        let patient_id = patient;
        crate::portal::require_either(
            ctx,
            Action::ReadClinical,
            crate::policy::PortalAction::SignPlans,
        )?;
        self.store.read_audited(|c| {
            crate::scope::require_patient(c, ctx, patient_id)?;
            episodes::patient_by_id(c, patient_id)?
                .ok_or_else(|| AppError::NotFound(format!("patient {patient_id}")))?;
            let rows = store::treatment_versions(c, patient_id)?;
            let mut event = Event::ok("clinical.treatment_plan.view");
            event.patient_id = Some(patient);
            record(c, ctx, event)?;
            Ok(rows.into_iter().map(TreatmentPlanVersion::from).collect())
        })
    }

    /// Signs a version: the patient's typed name (or "signed on paper"), or the counselor.
    pub fn sign_treatment_plan(
        &self,
        ctx: &Ctx,
        patient: PatientId,
        version: i32,
        signature: Option<&str>,
    ) -> Result<()> {
        let patient_id = patient;
        crate::portal::require_either(
            ctx,
            Action::RecordAttendance,
            crate::policy::PortalAction::SignPlans,
        )?;
        let signature = patient_signature(signature)?;
        if ctx.portal_actor().is_some() && signature.is_none() {
            return Err(AppError::Invalid("type your name to sign".into()));
        }
        let actor = ctx.actor_ref();
        self.store.write(|c| {
            crate::scope::require_patient(c, ctx, patient_id)?;
            let v = store::treatment_versions(c, patient_id)?
                .into_iter()
                .find(|v| v.version == version)
                .ok_or_else(|| {
                    AppError::NotFound(format!("version {version} of the treatment plan"))
                })?;
            if !store::sign_treatment(c, v.id, signature, actor, Instant(ctx.now()))? {
                return Err(AppError::Conflict(format!(
                    "version {version} is already signed by them"
                )));
            }
            let by = if signature.is_some() {
                "patient"
            } else {
                "counselor"
            };
            let mut event = Event::ok("clinical.treatment_plan.sign")
                .detail(serde_json::json!({ "version": version, "by": by }));
            event.patient_id = Some(patient);
            record(c, ctx, event)
        })
    }
}
