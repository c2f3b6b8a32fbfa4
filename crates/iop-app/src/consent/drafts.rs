//! A consent staff draft for the patient to read and sign in the portal: recipients,
//! purpose, information and expiry as staff wrote them, checked against every §2.31
//! element when drafted, and recorded as the patient's consent — their typed name, the
//! moment they sign — when they sign it.

use crate::audit::{record, Event};
use crate::consent::consents::{Checked, NewConsent, NewRecipient};
use crate::ctx::Ctx;
use crate::error::{AppError, Result};
use crate::policy::{Action, PortalAction};
use crate::App;
use iop_domain::consent::{Expiry, InfoKind};
use iop_domain::ids::*;
use iop_domain::time::Instant;
use iop_store::portal::drafts::{self as store, DraftRow};
use iop_store::DbConn;

/// A draft as the patient reads it before signing.
#[derive(Clone, Debug)]
pub struct DraftView {
    pub id: ConsentDraftId,
    /// Who may disclose: the program's site, as the signed consent will say.
    pub discloser: String,
    pub recipients: Vec<String>,
    pub information: Vec<&'static str>,
    pub purpose: String,
    pub expiry: Expiry,
    pub created_at: Instant,
}

fn body_of(row: &DraftRow) -> Result<NewConsent> {
    serde_json::from_str(&row.body).map_err(|e| AppError::Internal(format!("consent draft: {e}")))
}

fn view(c: &mut DbConn, row: &DraftRow) -> Result<DraftView> {
    let n = body_of(row)?;
    let mut recipients = Vec::new();
    for r in &n.recipients {
        recipients.push(match r {
            NewRecipient::Person(id) => iop_store::consent::person(c, *id)?
                .map(|p| format!("{} ({})", p.name, p.relationship))
                .unwrap_or_default(),
            NewRecipient::Payer(id) => iop_store::billing::payer(c, *id)?
                .map(|p| p.name)
                .unwrap_or_default(),
            NewRecipient::Class(class) => class.describe().to_string(),
        });
    }
    let (_, pc) = crate::clinical::individual::patient_program(c, row.patient_id)?;
    Ok(DraftView {
        id: row.id,
        discloser: pc.site.name.clone(),
        recipients,
        information: n
            .information
            .iter()
            .filter_map(|i| InfoKind::parse(i))
            .map(InfoKind::describe)
            .collect(),
        purpose: n.purpose,
        expiry: n.expiry,
        created_at: row.created_at,
    })
}

impl App {
    /// Drafts a consent for the patient to sign in the portal. Refused now (as a signed
    /// one would be) when a §2.31 element is missing.
    pub fn draft_consent(
        &self,
        ctx: &Ctx,
        patient: PatientId,
        n: NewConsent,
    ) -> Result<ConsentDraftId> {
        ctx.require(Action::ManageConsents)?;
        let draft = NewConsent {
            signature: String::new(),
            representative: None,
            patient_signed_too: false,
            signed_on: None,
            ..n
        };
        let as_signed = NewConsent {
            signature: "the patient".into(),
            ..draft.clone()
        };
        let body = serde_json::to_string(&draft).map_err(|e| AppError::Internal(e.to_string()))?;
        self.store.write(|c| {
            self.consent_in(c, ctx, patient, &as_signed, Checked::Only)?;
            let id = ConsentDraftId::new_v7();
            store::insert(
                c,
                &DraftRow {
                    id,
                    patient_id: patient,
                    body: body.clone(),
                    created_by: ctx.actor_ref(),
                    created_at: Instant(ctx.now()),
                    signed_consent_id: None,
                    withdrawn_at: None,
                },
            )?;
            let subject = format!("consent_draft:{id}");
            let mut e = Event::ok("consent.draft").subject(&subject);
            e.patient_id = Some(patient);
            record(c, ctx, e)?;
            Ok(id)
        })
    }

    /// The consents waiting for the signed-in patient's signature.
    pub fn portal_consent_drafts(&self, ctx: &Ctx) -> Result<Vec<DraftView>> {
        let patient = ctx.require_portal(PortalAction::ManageConsents)?.patient_id;
        self.store.read_audited(|c| {
            let rows = store::waiting(c, patient)?;
            let mut out = Vec::new();
            for r in &rows {
                out.push(view(c, r)?);
            }
            let mut e = Event::ok("consent.drafts.read");
            e.patient_id = Some(patient);
            record(c, ctx, e)?;
            Ok(out)
        })
    }

    /// The patient signs a draft with their typed name, now: it becomes their consent.
    pub fn portal_sign_consent(
        &self,
        ctx: &Ctx,
        draft: ConsentDraftId,
        typed: &str,
    ) -> Result<ConsentId> {
        let patient = ctx.require_portal(PortalAction::ManageConsents)?.patient_id;
        let typed = crate::portal::typed_signature(typed)?;
        self.store.write(|c| {
            let row = store::waiting(c, patient)?
                .into_iter()
                .find(|r| r.id == draft)
                .ok_or_else(crate::portal::not_found)?;
            let n = NewConsent {
                signature: typed.clone(),
                ..body_of(&row)?
            };
            let id = self.consent_in(c, ctx, patient, &n, Checked::Record)?;
            if !store::mark_signed(c, draft, id)? {
                return Err(AppError::Conflict("this consent was already signed".into()));
            }
            let subject = format!("consent_draft:{draft}");
            let mut e = Event::ok("consent.sign").subject(&subject);
            e.patient_id = Some(patient);
            record(c, ctx, e)?;
            Ok(id)
        })
    }
}
