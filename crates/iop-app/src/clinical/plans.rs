//! The relapse prevention plan: structured, versioned, signed by the patient (typed name,
//! or recorded as signed on paper) and by the counselor. A version that anyone signed is
//! never changed; a change is a new version.

use crate::audit::{record, Event};
use crate::ctx::Ctx;
use crate::error::{AppError, Result};
use crate::policy::Action;
use crate::App;
use iop_domain::ids::PatientId;
use iop_domain::ids::*;
use iop_domain::time::Instant;
use iop_store::admissions::episodes;
use iop_store::clinical::plans::{self as store, PlanRow};

#[derive(
    Clone, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize, utoipa::ToSchema,
)]
#[serde(deny_unknown_fields)]
pub struct Support {
    pub name: String,
    pub phone: String,
}

/// The sections of a relapse prevention plan.
#[derive(
    Clone, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize, utoipa::ToSchema,
)]
#[serde(deny_unknown_fields)]
pub struct PlanContent {
    pub reasons_for_recovery: Vec<String>,
    pub external_triggers: Vec<String>,
    pub internal_triggers: Vec<String>,
    pub early_warning_signs: Vec<String>,
    pub coping_strategies: Vec<String>,
    pub supports: Vec<Support>,
    /// What to do after a lapse, and in an emergency (988 is always printed with it).
    pub lapse_plan: String,
}

impl PlanContent {
    fn check(&self) -> Result<()> {
        let lists = [
            ("reasons for recovery", &self.reasons_for_recovery),
            ("external triggers", &self.external_triggers),
            ("internal triggers", &self.internal_triggers),
            ("early warning signs", &self.early_warning_signs),
            ("coping strategies", &self.coping_strategies),
        ];
        for (what, list) in lists {
            if list.iter().all(|s| s.trim().is_empty()) {
                return Err(AppError::Invalid(format!(
                    "the plan needs at least one entry under {what}"
                )));
            }
            if list.len() > 20 {
                return Err(AppError::Invalid(format!("{what}: at most 20 entries")));
            }
            for entry in list.iter().filter(|s| !s.trim().is_empty()) {
                crate::input::line(entry, 300, &format!("each entry under {what}"))?;
            }
        }
        if self.supports.is_empty() || self.supports.len() > 10 {
            return Err(AppError::Invalid(
                "name 1 to 10 support people with their phone numbers".into(),
            ));
        }
        for s in &self.supports {
            crate::input::line(&s.name, 80, "each support person's name")?;
            crate::admissions::inquiries::check_phone(&s.phone)?;
        }
        crate::input::lines(&self.lapse_plan, 2000, "the lapse and emergency plan")?;
        Ok(())
    }
}

#[derive(Clone, Debug, serde::Serialize, utoipa::ToSchema)]
pub struct PlanVersion {
    pub id: RelapsePlanId,
    pub version: i32,
    pub content: PlanContent,
    pub created_at: Instant,
    pub patient_signature: Option<String>,
    pub patient_signed_at: Option<Instant>,
    pub counselor_signed_by: Option<ActorRef>,
    pub counselor_signed_at: Option<Instant>,
}

impl From<PlanRow> for PlanVersion {
    fn from(r: PlanRow) -> Self {
        PlanVersion {
            content: serde_json::from_str(&r.content).unwrap_or_default(),
            id: r.id,
            version: r.version,
            created_at: r.created_at,
            patient_signature: r.patient_signature,
            patient_signed_at: r.patient_signed_at,
            counselor_signed_by: r.counselor_signed_by,
            counselor_signed_at: r.counselor_signed_at,
        }
    }
}

/// The patient's signature on a plan: their typed name, or "signed on paper"; `None`
/// means the counselor signs.
pub fn patient_signature(typed: Option<&str>) -> Result<Option<&str>> {
    match typed.map(str::trim) {
        Some(name) if name.is_empty() || name.chars().count() > 120 => Err(AppError::Invalid(
            "type the patient's name as their signature (or \"signed on paper\")".into(),
        )),
        other => Ok(other),
    }
}

impl App {
    /// Saves the plan as a new version.
    pub fn save_relapse_plan(
        &self,
        ctx: &Ctx,
        patient: PatientId,
        content: PlanContent,
    ) -> Result<i32> {
        let patient_id = patient;
        ctx.require(Action::RecordAttendance)?;
        content.check()?;
        let actor = ctx.actor_ref();
        self.store.write(|c| {
            crate::scope::require_patient(c, ctx, patient_id)?;
            episodes::patient_by_id(c, patient_id)?
                .ok_or_else(|| AppError::NotFound(format!("patient {patient_id}")))?;
            let version = store::versions(c, patient_id)?
                .first()
                .map_or(1, |v| v.version + 1);
            store::insert(
                c,
                &PlanRow {
                    id: RelapsePlanId::new_v7(),
                    patient_id,
                    version,
                    content: serde_json::to_string(&content)
                        .map_err(|e| AppError::Internal(e.to_string()))?,
                    created_by: actor,
                    created_at: Instant(ctx.now()),
                    patient_signature: None,
                    patient_signed_at: None,
                    counselor_signed_by: None,
                    counselor_signed_at: None,
                },
            )?;
            let mut event = Event::ok("clinical.relapse_plan.save")
                .detail(serde_json::json!({ "version": version }));
            event.patient_id = Some(patient);
            record(c, ctx, event)?;
            Ok(version)
        })
    }

    pub fn relapse_plans(&self, ctx: &Ctx, patient: PatientId) -> Result<Vec<PlanVersion>> {
        let patient_id = patient;
        crate::portal::require_either(
            ctx,
            Action::ReadClinical,
            crate::policy::PortalAction::SignPlans,
        )?;
        self.store.read_audited(|c| {
            crate::scope::require_patient(c, ctx, patient_id)?;
            let rows = store::versions(c, patient_id)?;
            let mut event = Event::ok("clinical.relapse_plan.view");
            event.patient_id = Some(patient);
            record(c, ctx, event)?;
            Ok(rows.into_iter().map(PlanVersion::from).collect())
        })
    }

    /// Signs a version: the patient's typed name (or "signed on paper"), or the counselor.
    pub fn sign_relapse_plan(
        &self,
        ctx: &Ctx,
        patient: PatientId,
        version: i32,
        patient_signature: Option<&str>,
    ) -> Result<()> {
        let patient_id = patient;
        crate::portal::require_either(
            ctx,
            Action::RecordAttendance,
            crate::policy::PortalAction::SignPlans,
        )?;
        let patient_signature = self::patient_signature(patient_signature)?;
        if ctx.portal_actor().is_some() && patient_signature.is_none() {
            return Err(AppError::Invalid("type your name to sign".into()));
        }
        let actor = ctx.actor_ref();
        self.store.write(|c| {
            crate::scope::require_patient(c, ctx, patient_id)?;
            let v = store::versions(c, patient_id)?
                .into_iter()
                .find(|v| v.version == version)
                .ok_or_else(|| {
                    AppError::NotFound(format!("version {version} of the relapse prevention plan"))
                })?;
            let at = Instant(ctx.now());
            let signed = match patient_signature {
                Some(name) => store::sign_patient(c, v.id, name, at)?,
                None => store::sign_counselor(c, v.id, actor, at)?,
            };
            if !signed {
                return Err(AppError::Conflict(format!(
                    "version {version} is already signed by them"
                )));
            }
            let who = if patient_signature.is_some() {
                "patient"
            } else {
                "counselor"
            };
            let mut event = Event::ok("clinical.relapse_plan.sign")
                .detail(serde_json::json!({ "version": version, "by": who }));
            event.patient_id = Some(patient);
            record(c, ctx, event)
        })
    }
}
