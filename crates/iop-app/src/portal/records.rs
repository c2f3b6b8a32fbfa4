//! What the patient reads and signs of their own record: their plans, their consents
//! (and withdrawing a recipient), who their records went to, and their statement. Each
//! reuses the staff use case, which the portal's policy row and the patient scope admit.

use crate::clinical::plans::PlanContent;
use crate::clinical::treatment::TreatmentPlanContent;
use crate::consent::overview::ConsentView;
use crate::ctx::Ctx;
use crate::error::Result;
use crate::policy::PortalAction;
use crate::App;
use iop_domain::ids::*;
use iop_domain::time::Instant;
use iop_store::DbConn;
use uuid::Uuid;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PlanKind {
    Relapse,
    Treatment,
}

impl PlanKind {
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "relapse" => Some(PlanKind::Relapse),
            "treatment" => Some(PlanKind::Treatment),
            _ => None,
        }
    }

    pub fn slug(self) -> &'static str {
        match self {
            PlanKind::Relapse => "relapse",
            PlanKind::Treatment => "treatment",
        }
    }

    pub fn title(self) -> &'static str {
        match self {
            PlanKind::Relapse => "My relapse prevention plan",
            PlanKind::Treatment => "My treatment plan",
        }
    }
}

/// The latest version of one of the patient's plans.
#[derive(Clone, Debug)]
pub struct PortalPlan {
    pub kind: PlanKind,
    pub id: Uuid,
    pub version: i32,
    pub created_at: Instant,
    pub relapse: Option<PlanContent>,
    pub treatment: Option<TreatmentPlanContent>,
    pub signed_at: Option<Instant>,
    pub signature: Option<String>,
}

pub type PortalConsent = ConsentView;
pub type PortalDisclosure = crate::consent::disclosures::DisclosureListed;
pub type PortalStatement = crate::billing::receivables::Statement;

/// The current plan versions (relapse prevention, treatment) still waiting for the
/// patient's signature: counted on their page, reminded of by email.
pub(crate) fn unsigned_plans(c: &mut DbConn, patient: PatientId) -> Result<Vec<Uuid>> {
    use iop_store::clinical::plans as store;
    let mut out = Vec::new();
    if let Some(v) = store::versions(c, patient)?.first() {
        if v.patient_signed_at.is_none() {
            out.push(v.id.0);
        }
    }
    if let Some(v) = store::treatment_versions(c, patient)?.first() {
        if v.patient_signed_at.is_none() {
            out.push(v.id.0);
        }
    }
    Ok(out)
}

impl App {
    /// The current version of each of the patient's plans.
    pub fn portal_plans(&self, ctx: &Ctx) -> Result<Vec<PortalPlan>> {
        let me = ctx.require_portal(PortalAction::SignPlans)?;
        let patient = me.patient_id;
        let mut out = Vec::new();
        if let Some(v) = self.relapse_plans(ctx, patient)?.into_iter().next() {
            out.push(PortalPlan {
                kind: PlanKind::Relapse,
                id: v.id.0,
                version: v.version,
                created_at: v.created_at,
                relapse: Some(v.content),
                treatment: None,
                signed_at: v.patient_signed_at,
                signature: v.patient_signature,
            });
        }
        if let Some(v) = self.treatment_plans(ctx, patient)?.into_iter().next() {
            out.push(PortalPlan {
                kind: PlanKind::Treatment,
                id: v.id.0,
                version: v.version,
                created_at: v.created_at,
                relapse: None,
                treatment: Some(v.content),
                signed_at: v.patient_signed_at,
                signature: v.patient_signature,
            });
        }
        Ok(out)
    }

    /// One plan version of the patient's own, by id; any other id is not found.
    pub fn portal_plan(&self, ctx: &Ctx, kind: PlanKind, id: Uuid) -> Result<PortalPlan> {
        self.portal_plans(ctx)?
            .into_iter()
            .find(|p| p.kind == kind && p.id == id)
            .ok_or_else(super::not_found)
    }

    /// Signs the current version of a plan with the typed name.
    pub fn portal_sign_plan(&self, ctx: &Ctx, kind: PlanKind, id: Uuid, typed: &str) -> Result<()> {
        let typed = &super::typed_signature(typed)?;
        let plan = self.portal_plan(ctx, kind, id)?;
        let patient = ctx.require_portal(PortalAction::SignPlans)?.patient_id;
        match kind {
            PlanKind::Relapse => self.sign_relapse_plan(ctx, patient, plan.version, Some(typed)),
            PlanKind::Treatment => {
                self.sign_treatment_plan(ctx, patient, plan.version, Some(typed))
            }
        }
    }

    pub fn portal_consents(&self, ctx: &Ctx) -> Result<Vec<PortalConsent>> {
        let patient = ctx.require_portal(PortalAction::ManageConsents)?.patient_id;
        Ok(self.consent_overview(ctx, patient)?.consents)
    }

    /// Withdraws one recipient of one of the patient's consents, effective at once.
    pub fn portal_revoke(
        &self,
        ctx: &Ctx,
        consent: ConsentId,
        recipient: RecipientId,
    ) -> Result<()> {
        let consents = self.portal_consents(ctx)?;
        let named = consents
            .iter()
            .filter(|c| c.row.id == consent)
            .flat_map(|c| c.recipients.iter())
            .find(|r| r.id == recipient)
            .ok_or_else(super::not_found)?;
        if named.revoked_at.is_some() {
            return Err(crate::error::AppError::Conflict(
                "You already withdrew this one.".into(),
            ));
        }
        self.revoke_consent(ctx, recipient, "withdrawn by the patient in the portal")
    }

    pub fn portal_disclosures(&self, ctx: &Ctx) -> Result<Vec<PortalDisclosure>> {
        let patient = ctx.require_portal(PortalAction::ManageConsents)?.patient_id;
        self.accounting_of_disclosures(ctx, patient)
    }

    /// The statement of the last twelve months.
    pub fn portal_statement(&self, ctx: &Ctx) -> Result<PortalStatement> {
        let patient = ctx.require_portal(PortalAction::ViewStatement)?.patient_id;
        let today = self.patient_today(ctx, patient)?;
        let from = today
            .checked_sub(jiff::Span::new().years(1))
            .unwrap_or(today);
        self.statement(ctx, patient, from, today)
    }
}
