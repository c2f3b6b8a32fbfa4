//! 835 posting: a remittance is parsed whole before anything is written, then posted in
//! one transaction (payments, CAS adjustments, claim statuses, patient responsibility);
//! claims it names that we never sent go to a work queue. The same file twice is a no-op.

use crate::audit::{record, Event};
use crate::ctx::Ctx;
use crate::error::{AppError, Result};
use crate::policy::Action;
use crate::App;
use iop_domain::billing::ClaimStatus as Standing;
use iop_domain::ids::*;
use iop_domain::time::{Day, Instant};
use iop_domain::Cents;
use iop_interop::x12::{parse_835, AdjustmentGroup, ClaimPayment, ClaimStatus};
use iop_store::billing::posting as remit_store;
use iop_store::billing::{self as store, AdjustmentRow, PaymentRow, RemittanceRow, UnmatchedRow};
use iop_store::DbConn;
use sha2::{Digest, Sha256};

#[derive(Clone, Debug, serde::Serialize, utoipa::ToSchema)]
pub struct ImportReport {
    pub remittance_id: RemittanceId,
    /// The same file was imported before: nothing changed.
    pub already_imported: bool,
    pub claims_posted: u32,
    pub unmatched: u32,
    pub paid_cents: iop_domain::Cents,
}

/// The 835's payment method (BPR04) as the ledger keeps it.
fn method_of(m: iop_interop::x12::remit::PaymentMethod) -> iop_domain::billing::PaymentMethod {
    use iop_domain::billing::PaymentMethod as Ledger;
    use iop_interop::x12::remit::PaymentMethod as Bpr;
    match m {
        Bpr::Ach => Ledger::Ach,
        Bpr::Bop => Ledger::Bop,
        Bpr::Check => Ledger::Check,
        Bpr::Wire => Ledger::Wire,
        Bpr::NonPayment => Ledger::NonPayment,
    }
}

#[allow(clippy::too_many_arguments)]
fn post_claim(
    c: &mut DbConn,
    now: Instant,
    actor: ActorRef,
    remittance_id: RemittanceId,
    date: Day,
    method: iop_domain::billing::PaymentMethod,
    cp: &ClaimPayment,
) -> Result<bool> {
    let Some(mut claim) = store::claim_by_number(c, &cp.claim_id)? else {
        return Ok(false);
    };
    store::insert_payment(
        c,
        &PaymentRow {
            id: PaymentId::new_v7(),
            patient_id: Some(claim.patient_id),
            claim_id: Some(claim.id),
            remittance_id: Some(remittance_id),
            source: iop_domain::billing::PaymentSource::Payer,
            method,
            reference: Some(cp.payer_claim_number.clone()),
            amount_cents: cp.paid,
            received_on: date,
            created_by: actor,
            created_at: now,
            voided_at: None,
            void_reason: None,
            as_credit: false,
        },
    )?;
    let mut patient_share = Cents(0);
    let mut adjusted = Cents(0);
    let all = cp
        .adjustments
        .iter()
        .map(|a| (None, a))
        .chain(cp.services.iter().flat_map(|s| {
            s.adjustments
                .iter()
                .map(move |a| (Some(s.procedure_code.clone()), a))
        }));
    for (code, a) in all {
        if a.group == AdjustmentGroup::Patient {
            patient_share += a.amount;
        }
        adjusted += a.amount;
        store::insert_adjustment(
            c,
            &AdjustmentRow {
                id: AdjustmentId::new_v7(),
                claim_id: claim.id,
                remittance_id,
                procedure_code: code,
                group_code: a.group.as_str().into(),
                reason_code: a.reason.clone(),
                amount_cents: a.amount,
                created_at: now,
                charge_id: None,
            },
        )?;
    }
    claim.paid_cents += cp.paid;
    claim.patient_resp_cents += patient_share;
    claim.payer_claim_number = Some(cp.payer_claim_number.clone());
    claim.status = match cp.status {
        ClaimStatus::Denied => Standing::Denied,
        ClaimStatus::Reversal => Standing::Submitted,
        _ if claim.paid_cents + adjusted >= claim.total_cents && cp.paid.0 > 0 => Standing::Paid,
        _ if cp.paid.0 == 0 && patient_share == Cents(0) => Standing::Denied,
        _ => Standing::Partial,
    };
    claim.updated_at = now;
    store::update_claim(c, &claim)?;
    Ok(true)
}

impl App {
    /// Imports an 835: refused whole (with the line and segment) when malformed, a no-op
    /// when the same file came before, else posted in one transaction.
    pub fn import_remittance(&self, ctx: &Ctx, content: &str) -> Result<ImportReport> {
        ctx.require(Action::ManageBilling)?;
        let hash = hex::encode(Sha256::digest(content.as_bytes()));
        let remit = parse_835(content).map_err(|e| {
            AppError::Invalid(format!(
                "the 835 could not be read at line {}, segment {}: {}; nothing was posted",
                e.line, e.segment, e.message
            ))
        })?;
        let actor = ctx.actor_ref();
        self.store.write(|c| {
            if let Some(r) = remit_store::remittance_by_hash(c, &hash)? {
                return Ok(ImportReport {
                    remittance_id: r.id,
                    already_imported: true,
                    claims_posted: 0,
                    unmatched: 0,
                    paid_cents: Cents(0),
                });
            }
            let now = Instant(ctx.now());
            let id = RemittanceId::new_v7();
            let first = remit
                .payments
                .first()
                .ok_or_else(|| AppError::Invalid("the 835 holds no payment".into()))?;
            let paid: Cents = remit.payments.iter().map(|p| p.total_paid).sum();
            store::insert_remittance(
                c,
                &RemittanceRow {
                    id,
                    content_hash: hash.clone(),
                    trace_number: first.trace_number.clone(),
                    payer_name: first.payer_name.clone(),
                    paid_cents: paid,
                    payment_date: Day(first.date),
                    method: method_of(first.method),
                    claims_matched: 0,
                    claims_unmatched: 0,
                    content: content.into(),
                    imported_by: actor,
                    imported_at: now,
                },
            )?;
            let (mut posted, mut unmatched) = (0u32, 0u32);
            for p in &remit.payments {
                for cp in &p.claims {
                    if post_claim(c, now, actor, id, Day(p.date), method_of(p.method), cp)? {
                        posted += 1;
                    } else {
                        unmatched += 1;
                        store::insert_unmatched(
                            c,
                            &UnmatchedRow {
                                id: UnmatchedId::new_v7(),
                                remittance_id: id,
                                claim_number: cp.claim_id.clone(),
                                paid_cents: cp.paid,
                                detail: format!(
                                    "status {}, charge {}, paid {}, payer claim {}",
                                    cp.status.as_str(),
                                    cp.charge,
                                    cp.paid,
                                    cp.payer_claim_number
                                ),
                                resolved_at: None,
                                resolved_by: None,
                                resolution: None,
                            },
                        )?;
                    }
                }
            }
            remit_store::set_remittance_counts(
                c,
                id,
                i32::try_from(posted).unwrap_or(i32::MAX),
                i32::try_from(unmatched).unwrap_or(i32::MAX),
            )?;
            let subject = format!("remittance:{id}");
            record(
                c,
                ctx,
                Event::ok("billing.remittance.import")
                    .subject(&subject)
                    .detail(serde_json::json!({ "posted": posted, "unmatched": unmatched })),
            )?;
            Ok(ImportReport {
                remittance_id: id,
                already_imported: false,
                claims_posted: posted,
                unmatched,
                paid_cents: paid,
            })
        })
    }

    /// Remittance items that matched no claim we sent: billing's work queue.
    pub fn unmatched_remittances(&self, ctx: &Ctx) -> Result<Vec<UnmatchedRemittance>> {
        ctx.require(Action::ViewBilling)?;
        let rows: Vec<UnmatchedRow> = self
            .store
            .read::<_, AppError>(|c| Ok(remit_store::open_unmatched(c)?))?;
        Ok(rows.into_iter().map(Into::into).collect())
    }

    /// Closes an unmatched remittance item with what billing did about it (for example
    /// "payer error, asked for a corrected 835" or "posted by hand to claim IOP0000012").
    pub fn resolve_unmatched(&self, ctx: &Ctx, id: UnmatchedId, resolution: &str) -> Result<()> {
        ctx.require(Action::ManageBilling)?;
        let resolution = crate::input::line(resolution, 300, "what was done about it")?;
        let resolution = resolution.as_str();
        let actor = ctx.actor_ref();
        self.store.write(|c| {
            if !remit_store::resolve_unmatched(c, id, actor, Instant(ctx.now()), resolution)? {
                return Err(AppError::Conflict(format!(
                    "work-queue item {id} is not open (unknown or already resolved)"
                )));
            }
            let subject = format!("remittance_unmatched:{id}");
            record(
                c,
                ctx,
                Event::ok("billing.remittance.resolve").subject(&subject),
            )
        })
    }
}

crate::view::view!(
/// A remittance item that matched no claim, until it is resolved.
UnmatchedRemittance from UnmatchedRow {
    id: UnmatchedId,
    remittance_id: RemittanceId,
    claim_number: String,
    paid_cents: iop_domain::Cents,
    detail: String,
    resolved_at: Option<Instant>,
    resolved_by: Option<ActorRef>,
    resolution: Option<String>,
});
