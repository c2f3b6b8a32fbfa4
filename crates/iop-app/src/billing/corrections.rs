//! Claim corrections: a replacement (frequency 7) or a void (8) of a claim the payer
//! already has, naming it by the payer's claim number (REF*F8, from CLP07 of its 835).
//! The correction is a new claim over the same lines; the original stays on record,
//! marked replaced or voided.

use crate::audit::{record, Event};
use crate::ctx::Ctx;
use crate::error::{AppError, Result};
use crate::policy::Action;
use crate::App;
use iop_domain::billing::{ClaimFrequency, ClaimStatus};
use iop_domain::ids::*;
use iop_domain::time::Instant;
use iop_domain::Cents;
use iop_store::billing::{self as store, ChargeRow, ClaimRow};
use iop_store::DbConn;

/// The claim whose charges are a claim's service lines: itself, or for a correction the
/// original claim it corrects (followed back through corrections of corrections).
pub(crate) fn original_of(c: &mut DbConn, claim: &ClaimRow) -> Result<ClaimId> {
    let mut id = claim.id;
    let mut next = claim.corrects_claim_id;
    // A chain longer than this is a data error, not a real history of corrections.
    for _ in 0..20 {
        let Some(original) = next else { break };
        id = original;
        next = store::claim(c, original)?.and_then(|k| k.corrects_claim_id);
    }
    Ok(id)
}

/// The service lines of a claim (see [`original_of`]).
pub(crate) fn lines_of(c: &mut DbConn, claim: &ClaimRow) -> Result<Vec<ChargeRow>> {
    let id = original_of(c, claim)?;
    Ok(store::charges_of_claim(c, id)?)
}

impl App {
    /// Makes the replacement or void of a sent claim; it is checked and goes out in the
    /// next batch like any claim.
    pub fn correct_claim(
        &self,
        ctx: &Ctx,
        claim_id: ClaimId,
        kind: ClaimFrequency,
        reason: &str,
    ) -> Result<ClaimId> {
        ctx.require(Action::ManageBilling)?;
        if kind == ClaimFrequency::Original {
            return Err(AppError::Invalid(
                "a correction is a replacement or a void".into(),
            ));
        }
        let reason = crate::input::line(reason, 300, "the reason for the correction")?;
        self.store.write(|c| {
            let mut original = store::claim(c, claim_id)?
                .ok_or_else(|| AppError::NotFound(format!("claim {claim_id}")))?;
            if !original.status.with_payer() {
                return Err(AppError::Conflict(format!(
                    "claim {} is {}; only a claim the payer has can be replaced or voided",
                    original.claim_number, original.status
                )));
            }
            if original.payer_claim_number.as_deref().is_none_or(str::is_empty) {
                return Err(AppError::Conflict(format!(
                    "claim {} cannot be replaced or voided yet: the payer has not given its claim number (it comes with the payer's 835)",
                    original.claim_number
                )));
            }
            let lines = lines_of(c, &original)?;
            let total: Cents = lines.iter().map(|l| l.amount_cents).sum();
            let now = Instant(ctx.now());
            let n = store::claims_count(c)? + 1;
            let correction = ClaimRow {
                id: ClaimId::new_v7(),
                claim_number: format!("IOP{n:07}"),
                patient_id: original.patient_id,
                coverage_id: original.coverage_id,
                payer_id: original.payer_id,
                period_from: original.period_from,
                period_to: original.period_to,
                total_cents: total,
                status: ClaimStatus::Held,
                problems: Some("not checked yet: build and check claims".into()),
                batch_id: None,
                payer_claim_number: None,
                paid_cents: Cents(0),
                patient_resp_cents: Cents(0),
                created_at: now,
                updated_at: now,
                submitted_on: None,
                frequency: kind,
                corrects_claim_id: Some(original.id),
                correction_reason: Some(reason.clone()),
            };
            store::insert_claim(c, &correction)?;
            original.status = if kind == ClaimFrequency::Void {
                ClaimStatus::Voided
            } else {
                ClaimStatus::Replaced
            };
            original.updated_at = now;
            store::update_claim(c, &original)?;
            let subject = format!("claim:{}", correction.id);
            let mut event = Event::ok("billing.claim.correct")
                .subject(&subject)
                .detail(serde_json::json!({ "corrects": original.id, "frequency": kind }));
            event.patient_id = Some(original.patient_id);
            record(c, ctx, event)?;
            Ok(correction.id)
        })
    }
}
