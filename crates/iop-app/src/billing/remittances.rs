//! 835 posting: a remittance is parsed whole before anything is written, then posted in
//! one transaction (payments, CAS adjustments, claim statuses, patient responsibility);
//! claims it names that we never sent go to a work queue. The same file twice is a no-op.

use super::posting::{Posting, Source};
use crate::audit::{record, Event};
use crate::ctx::Ctx;
use crate::error::{AppError, Result};
use crate::policy::Action;
use crate::App;
use iop_domain::ids::*;
use iop_domain::time::{Day, Instant};
use iop_domain::Cents;
use iop_interop::x12::{parse_835, ClaimPayment};
use iop_store::billing::posting as remit_store;
use iop_store::billing::{self as store, ProviderLedgerRow, RemittanceRow, UnmatchedRow};
use sha2::{Digest, Sha256};

#[derive(Clone, Debug, serde::Serialize, utoipa::ToSchema)]
pub struct ImportReport {
    pub remittance_id: RemittanceId,
    /// The same file was imported before: nothing changed.
    pub already_imported: bool,
    pub claims_posted: u32,
    pub unmatched: u32,
    pub paid_cents: iop_domain::Cents,
    /// Provider-level adjustments (PLB) put on the provider ledger.
    pub provider_adjustments: u32,
    /// What happened, for a person: "2 of 3 claims matched; 1 waits in the unmatched queue".
    pub summary: String,
}

fn summary(posted: u32, unmatched: u32) -> String {
    let of = posted + unmatched;
    match unmatched {
        0 => format!("{posted} of {of} claims matched and posted"),
        n => format!(
            "{posted} of {of} claims matched; {n} wait{} in the unmatched queue to be matched by hand",
            if n == 1 { "s" } else { "" }
        ),
    }
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
                    provider_adjustments: 0,
                    summary: "imported before; nothing changed".into(),
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
            let numbers: Vec<String> = remit
                .payments
                .iter()
                .flat_map(|p| p.claims.iter().map(|cp| cp.claim_id.clone()))
                .collect();
            let mut posting = Posting::load(c, &numbers)?;
            let (mut posted, mut unmatched, mut ledger) = (0u32, 0u32, 0u32);
            for p in &remit.payments {
                let src = Source {
                    now,
                    actor,
                    remittance_id: id,
                    date: Day(p.date),
                    method: method_of(p.method),
                };
                for a in &p.provider_adjustments {
                    store::insert_provider_ledger(
                        c,
                        &ProviderLedgerRow {
                            id: ProviderLedgerId::new_v7(),
                            remittance_id: id,
                            provider_id: a.provider_id.clone(),
                            fiscal_period_end: Day(a.fiscal_period_end),
                            reason_code: a.reason.clone(),
                            reference: a.reference.clone(),
                            amount_cents: a.amount,
                            created_at: now,
                        },
                    )?;
                    ledger += 1;
                }
                for cp in &p.claims {
                    if posting.post(&src, cp) {
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
            posting.write(c)?;
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
                    .detail(serde_json::json!({ "posted": posted, "unmatched": unmatched, "provider_adjustments": ledger })),
            )?;
            Ok(ImportReport {
                remittance_id: id,
                already_imported: false,
                claims_posted: posted,
                unmatched,
                paid_cents: paid,
                provider_adjustments: ledger,
                summary: summary(posted, unmatched),
            })
        })
    }

    /// What payers adjusted at the provider level (PLB), newest first: interest paid,
    /// overpayments recovered, balances forwarded.
    pub fn provider_ledger(&self, ctx: &Ctx) -> Result<Vec<ProviderLedgerEntry>> {
        ctx.require(Action::ViewBilling)?;
        let rows = self
            .store
            .read::<_, AppError>(|c| Ok(remit_store::provider_ledger(c)?))?;
        Ok(rows.into_iter().map(Into::into).collect())
    }

    /// Remittance items that matched no claim we sent: billing's work queue.
    pub fn unmatched_remittances(&self, ctx: &Ctx) -> Result<Vec<UnmatchedRemittance>> {
        ctx.require(Action::ViewBilling)?;
        let rows: Vec<UnmatchedRow> = self
            .store
            .read::<_, AppError>(|c| Ok(remit_store::open_unmatched(c)?))?;
        Ok(rows.into_iter().map(Into::into).collect())
    }

    /// Posts an unmatched remittance item to the claim billing found for it (a payer
    /// that misquoted our claim number), then closes the item saying so.
    pub fn match_unmatched(&self, ctx: &Ctx, id: UnmatchedId, claim_number: &str) -> Result<()> {
        ctx.require(Action::ManageBilling)?;
        let number = crate::input::line(claim_number, 20, "the claim number")?;
        let actor = ctx.actor_ref();
        self.store.write(|c| {
            let item = remit_store::open_unmatched(c)?
                .into_iter()
                .find(|u| u.id == id)
                .ok_or_else(|| {
                    AppError::Conflict(format!(
                        "work-queue item {id} is not open (unknown or already resolved)"
                    ))
                })?;
            let mut posting = Posting::load(c, std::slice::from_ref(&number))?;
            let remittance =
                remit_store::remittance_by_id(c, item.remittance_id)?.ok_or_else(|| {
                    AppError::Internal("unmatched item without its remittance".into())
                })?;
            let parsed = parse_835(&remittance.content).map_err(|e| {
                AppError::Internal(format!("a stored 835 no longer reads: {}", e.message))
            })?;
            let (payment, cp): (_, &ClaimPayment) = parsed
                .payments
                .iter()
                .flat_map(|p| p.claims.iter().map(move |cp| (p, cp)))
                .find(|(_, cp)| cp.claim_id == item.claim_number && cp.paid == item.paid_cents)
                .ok_or_else(|| AppError::Internal("the item is not in its remittance".into()))?;
            let now = Instant(ctx.now());
            let src = Source {
                now,
                actor,
                remittance_id: remittance.id,
                date: Day(payment.date),
                method: method_of(payment.method),
            };
            // The payer misquoted the number: the item posts as the claim billing named.
            let mut cp = cp.clone();
            cp.claim_id.clone_from(&number);
            if !posting.post(&src, &cp) {
                return Err(AppError::NotFound(format!("claim {number}")));
            }
            posting.write(c)?;
            let resolution = format!("posted by hand to claim {number}");
            remit_store::resolve_unmatched(c, id, actor, now, &resolution)?;
            let subject = format!("remittance_unmatched:{id}");
            record(
                c,
                ctx,
                Event::ok("billing.remittance.match").subject(&subject),
            )
        })
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
/// A provider-level adjustment from an 835 (PLB): a negative amount was added to the
/// payment (interest), a positive one taken from it (a recoupment).
ProviderLedgerEntry from ProviderLedgerRow {
    id: ProviderLedgerId,
    remittance_id: RemittanceId,
    provider_id: String,
    fiscal_period_end: Day,
    reason_code: String,
    reference: Option<String>,
    amount_cents: iop_domain::Cents,
    created_at: Instant,
});

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
