//! What is owed and what came in: self-pay statements and patient payments, aging of
//! unpaid claims and patient balances (0–30, 31–60, 61–90, 90+ days), revenue by month.

use crate::audit::{record, Event};
use crate::ctx::Ctx;
use crate::error::{AppError, Result};
use crate::policy::Action;
use crate::App;
use iop_domain::billing::AgingBucket;
use iop_domain::ids::PatientId;
use iop_domain::ids::*;
use iop_domain::time::{Day, Instant};
use iop_domain::Cents;
use iop_store::billing::{self as store, PaymentRow};
use iop_store::{admissions::episodes, DbConn};
use jiff::civil::Date;
use std::collections::BTreeMap;

pub const PAYMENT_METHODS: [&str; 3] = ["cash", "card", "check"];

#[derive(Clone, Debug, serde::Serialize, utoipa::ToSchema)]
pub struct StatementLine {
    pub date: Day,
    pub description: String,
    /// Positive for what is owed, negative for payments.
    pub amount_cents: iop_domain::Cents,
    /// The payment a payment line records (it can be voided while this is set).
    pub payment_id: Option<PaymentId>,
}

/// Where a patient sends money: the billing organisation of their program's site.
#[derive(Clone, Debug, serde::Serialize, utoipa::ToSchema)]
pub struct RemitTo {
    pub name: String,
    pub address_line: String,
    pub city: String,
    pub state: String,
    pub zip: String,
    /// Ten digits.
    pub phone: String,
}

#[derive(Clone, Debug, serde::Serialize, utoipa::ToSchema)]
pub struct Statement {
    pub patient_name: String,
    pub mrn: String,
    pub from: Day,
    pub to: Day,
    pub opening_balance_cents: iop_domain::Cents,
    pub lines: Vec<StatementLine>,
    pub closing_balance_cents: iop_domain::Cents,
    /// None until the site's billing identity is set up.
    pub remit_to: Option<RemitTo>,
}

/// Everything the patient owes or paid, dated, oldest first: self-pay charges, their
/// share after insurance (PR adjustments), and their payments.
fn patient_ledger(c: &mut DbConn, patient_id: PatientId) -> Result<Vec<StatementLine>> {
    let mut out: Vec<StatementLine> = store::self_pay_charges(c, patient_id)?
        .into_iter()
        .map(|ch| {
            let code = ch.code.map(|c| c.to_string()).unwrap_or_default();
            let what = ch.code.map_or(code.clone(), |k| k.describe().to_string());
            StatementLine {
                date: ch.service_date,
                description: format!("{what} ({code}), self-pay"),
                amount_cents: ch.amount_cents,
                payment_id: None,
            }
        })
        .collect();
    // A share is dated by the program's calendar, as the statement's range is.
    let (_, pc) = crate::clinical::individual::patient_program(c, patient_id)?;
    for claim in store::claims_with(c, &[], Some(patient_id))? {
        if claim.patient_resp_cents != Cents(0) {
            out.push(StatementLine {
                date: Day(pc.today(claim.updated_at.0)),
                description: format!(
                    "your share after insurance, services {} to {} (claim {})",
                    claim.period_from, claim.period_to, claim.claim_number
                ),
                amount_cents: claim.patient_resp_cents,
                payment_id: None,
            });
        }
    }
    for p in store::payments_of_patient_with_voided(c, patient_id)?
        .into_iter()
        .filter(|p| p.source == iop_domain::billing::PaymentSource::Patient)
    {
        let credit = if p.as_credit {
            ", kept as a credit"
        } else {
            ""
        };
        out.push(StatementLine {
            date: p.received_on,
            description: format!(
                "payment, {}{}{credit}",
                p.method,
                p.reference
                    .clone()
                    .map(|r| format!(" {r}"))
                    .unwrap_or_default()
            ),
            amount_cents: -p.amount_cents,
            payment_id: p.voided_at.is_none().then_some(p.id),
        });
        // A voided payment stays on the statement with its reversal beside it.
        if let Some(at) = p.voided_at {
            out.push(StatementLine {
                date: Day(pc.today(at.0)),
                description: format!(
                    "payment of {} voided: {}",
                    p.received_on,
                    p.void_reason.unwrap_or_default()
                ),
                amount_cents: p.amount_cents,
                payment_id: None,
            });
        }
    }
    out.sort_by_key(|a| a.date);
    Ok(out)
}

fn remit_to(c: &mut DbConn, patient_id: PatientId) -> Result<Option<RemitTo>> {
    let (_, pc) = crate::clinical::individual::patient_program(c, patient_id)?;
    Ok(store::site_billing_of(c, pc.site.id)?.map(|b| RemitTo {
        name: b.organisation_name,
        address_line: b.address_line,
        city: b.city,
        state: b.state,
        zip: b.zip,
        phone: b.contact_phone,
    }))
}

#[derive(Clone, Debug, Default, serde::Serialize, utoipa::ToSchema)]
pub struct AgingRow {
    /// The payer's name, or "Self-pay".
    pub who: String,
    pub buckets_cents: [iop_domain::Cents; 4],
    pub total_cents: iop_domain::Cents,
}

#[derive(Clone, Debug, serde::Serialize, utoipa::ToSchema)]
pub struct Receivables {
    pub as_of: Day,
    pub aging: Vec<AgingRow>,
    /// (YYYY-MM, cents received from payers and patients)
    pub revenue_by_month: Vec<(String, Cents)>,
}

fn bucket_index(b: AgingBucket) -> usize {
    match b {
        AgingBucket::UpTo30 => 0,
        AgingBucket::From31To60 => 1,
        AgingBucket::From61To90 => 2,
        AgingBucket::Over90 => 3,
    }
}

impl App {
    pub fn statement(
        &self,
        ctx: &Ctx,
        patient: PatientId,
        from: Date,
        to: Date,
    ) -> Result<Statement> {
        let patient_id = patient;
        crate::portal::require_either(
            ctx,
            Action::ViewBilling,
            crate::policy::PortalAction::ViewStatement,
        )?;
        crate::calendar::sessions::check_range(from, to)?;
        self.store.read_audited(|c| {
            crate::scope::require_patient(c, ctx, patient_id)?;
            let p = episodes::patient_by_id(c, patient_id)?
                .ok_or_else(|| AppError::NotFound(format!("patient {patient_id}")))?;
            let ledger = patient_ledger(c, patient_id)?;
            let (from_s, to_s) = (Day(from), Day(to));
            let opening: Cents = ledger
                .iter()
                .filter(|l| l.date < from_s)
                .map(|l| l.amount_cents)
                .sum();
            let lines: Vec<StatementLine> = ledger
                .into_iter()
                .filter(|l| l.date >= from_s && l.date <= to_s)
                .collect();
            let closing = opening + lines.iter().map(|l| l.amount_cents).sum::<Cents>();
            let remit_to = remit_to(c, patient_id)?;
            let mut event = Event::ok("billing.statement.view");
            event.patient_id = Some(patient);
            record(c, ctx, event)?;
            Ok(Statement {
                patient_name: format!("{} {}", p.legal_first_name, p.legal_last_name),
                mrn: p.mrn,
                from: from_s,
                to: to_s,
                opening_balance_cents: opening,
                lines,
                closing_balance_cents: closing,
                remit_to,
            })
        })
    }

    /// Records a payment from the patient (cash, card or check, with a reference). More
    /// than the balance is refused unless `as_credit` says the excess is kept as a
    /// credit on the account on purpose.
    #[allow(clippy::too_many_arguments)]
    pub fn record_patient_payment(
        &self,
        ctx: &Ctx,
        patient: PatientId,
        amount_cents: iop_domain::Cents,
        method: &str,
        reference: Option<&str>,
        received_on: Date,
        as_credit: bool,
    ) -> Result<PaymentId> {
        let patient_id = patient;
        ctx.require(Action::ManageBilling)?;
        if !(Cents(1)..=Cents(10_000_000)).contains(&amount_cents) {
            return Err(AppError::Invalid(
                "the amount must be between $0.01 and $100,000.00".into(),
            ));
        }
        let method: iop_domain::billing::PaymentMethod = method
            .parse()
            .ok()
            .filter(|_| PAYMENT_METHODS.contains(&method))
            .ok_or_else(|| {
                AppError::Invalid(format!(
                    "the method is one of {}",
                    PAYMENT_METHODS.join(", ")
                ))
            })?;
        let reference = crate::input::optional_line(reference, 60, "the reference")?;
        let reference = reference.as_deref();
        self.store.write(|c| {
            episodes::patient_by_id(c, patient_id)?
                .ok_or_else(|| AppError::NotFound(format!("patient {patient_id}")))?;
            let (_, pc) = crate::clinical::individual::patient_program(c, patient_id)?;
            if received_on > pc.today(ctx.now()) {
                return Err(AppError::Invalid(
                    "a payment cannot be received in the future".into(),
                ));
            }
            let balance: Cents = patient_ledger(c, patient_id)?
                .iter()
                .map(|l| l.amount_cents)
                .sum();
            if amount_cents > balance && !as_credit {
                let over = amount_cents - balance.max(Cents(0));
                return Err(AppError::Conflict(format!(
                    "{amount_cents} is more than the balance of {balance}; confirm that the {over} over is kept as a credit on the account, or record {}",
                    balance.max(Cents(0))
                )));
            }
            let id = PaymentId::new_v7();
            store::insert_payment(
                c,
                &PaymentRow {
                    id,
                    patient_id: Some(patient_id),
                    claim_id: None,
                    remittance_id: None,
                    source: iop_domain::billing::PaymentSource::Patient,
                    method,
                    reference: reference.map(str::to_string),
                    amount_cents,
                    received_on: Day(received_on),
                    created_by: ctx.actor_ref(),
                    created_at: Instant(ctx.now()),
                    voided_at: None,
                    void_reason: None,
                    as_credit: as_credit && amount_cents > balance,
                },
            )?;
            let subject = format!("payment:{id}");
            let mut event = Event::ok("billing.payment.record")
                .subject(&subject)
                .detail(serde_json::json!({ "cents": amount_cents, "method": method }));
            event.patient_id = Some(patient);
            record(c, ctx, event)?;
            Ok(id)
        })
    }

    /// Voids a patient's payment (entered twice, a bounced check) with the reason; the
    /// payment stays on record and the statement shows its reversal.
    pub fn void_patient_payment(&self, ctx: &Ctx, id: PaymentId, reason: &str) -> Result<()> {
        ctx.require(Action::ManageBilling)?;
        let reason = crate::input::line(reason, 300, "the reason for voiding")?;
        self.store.write(|c| {
            let p = store::payment(c, id)?
                .filter(|p| p.source == iop_domain::billing::PaymentSource::Patient)
                .ok_or_else(|| AppError::NotFound(format!("patient payment {id}")))?;
            if !store::void_payment(c, id, Instant(ctx.now()), &reason)? {
                return Err(AppError::Conflict(format!(
                    "payment {id} is already voided"
                )));
            }
            let subject = format!("payment:{id}");
            let mut event = Event::ok("billing.payment.void").subject(&subject);
            event.patient_id = p.patient_id;
            record(c, ctx, event)
        })
    }

    /// Aging by payer and self-pay, and money received by month.
    pub fn receivables(&self, ctx: &Ctx) -> Result<Receivables> {
        ctx.require(Action::ViewBilling)?;
        self.store.read_audited(|c| {
            let today = crate::clock::date_in(&crate::clock::organisation_zone(c)?, ctx.now());
            let payers: BTreeMap<PayerId, String> = store::all_payers(c)?
                .into_iter()
                .map(|p| (p.id, p.name))
                .collect();
            let mut rows: BTreeMap<String, AgingRow> = BTreeMap::new();
            let claims = store::claims_with(
                c,
                &[
                    iop_domain::billing::ClaimStatus::Submitted,
                    iop_domain::billing::ClaimStatus::Partial,
                ],
                None,
            )?;
            let ids: Vec<_> = claims.iter().map(|k| k.id).collect();
            let adjustments = store::adjustments_of(c, &ids)?;
            let mut patients: Vec<PatientId> = Vec::new();
            for k in &claims {
                let adjusted: Cents = adjustments
                    .iter()
                    .filter(|a| a.claim_id == k.id)
                    .map(|a| a.amount_cents)
                    .sum();
                let open = k.total_cents - k.paid_cents - adjusted;
                if open <= Cents(0) {
                    continue;
                }
                let since: Date = k.submitted_on.unwrap_or(k.period_to).0;
                let who = payers
                    .get(&k.payer_id)
                    .cloned()
                    .unwrap_or_else(|| k.payer_id.to_string());
                let row = rows.entry(who.clone()).or_insert_with(|| AgingRow {
                    who,
                    ..AgingRow::default()
                });
                row.buckets_cents[bucket_index(AgingBucket::between(since, today))] += open;
                row.total_cents += open;
            }
            for k in store::claims_with(c, &[], None)? {
                if !patients.contains(&k.patient_id) {
                    patients.push(k.patient_id);
                }
            }
            for ch in store::charges_between(
                c,
                Day(jiff::civil::date(1, 1, 1)),
                Day(jiff::civil::date(9999, 12, 31)),
                None,
            )?
            .into_iter()
            .filter(|ch| ch.payer == iop_domain::billing::ChargePayer::SelfPay)
            {
                if !patients.contains(&ch.patient_id) {
                    patients.push(ch.patient_id);
                }
            }
            // A patient's payments settle their oldest amounts first.
            let mut self_pay = AgingRow {
                who: "Self-pay".into(),
                ..AgingRow::default()
            };
            for p in patients {
                let ledger = patient_ledger(c, p)?;
                let mut credit: Cents = -ledger
                    .iter()
                    .filter(|l| l.amount_cents < Cents(0))
                    .map(|l| l.amount_cents)
                    .sum::<Cents>();
                for l in ledger.iter().filter(|l| l.amount_cents > Cents(0)) {
                    let open = (l.amount_cents - credit).max(Cents(0));
                    credit = (credit - l.amount_cents).max(Cents(0));
                    if open > Cents(0) {
                        let d: Date = l.date.0;
                        self_pay.buckets_cents[bucket_index(AgingBucket::between(d, today))] +=
                            open;
                        self_pay.total_cents += open;
                    }
                }
            }
            let mut aging: Vec<AgingRow> = rows.into_values().collect();
            if self_pay.total_cents > Cents(0) {
                aging.push(self_pay);
            }
            let mut months: BTreeMap<String, Cents> = BTreeMap::new();
            for p in store::all_payments(c)? {
                *months
                    .entry(p.received_on.0.strftime("%Y-%m").to_string())
                    .or_default() += p.amount_cents;
            }
            record(c, ctx, Event::ok("billing.receivables.view"))?;
            Ok(Receivables {
                as_of: Day(today),
                aging,
                revenue_by_month: months.into_iter().collect(),
            })
        })
    }
}
