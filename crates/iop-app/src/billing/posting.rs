//! Posting one 835 claim payment to one of our claims: the payment, each service line's
//! payment and adjustments on the charge it pays (found by the REF*6R line control
//! number our 837 sent, else by code and date), and the claim's standing.

use crate::error::Result;
use iop_domain::billing::{standing_after, Adjudication};
use iop_domain::ids::*;
use iop_domain::time::{Day, Instant};
use iop_domain::Cents;
use iop_interop::x12::{AdjustmentGroup, ClaimPayment, ClaimStatus};
use iop_store::billing::{self as store, AdjustmentRow, ChargeRow, ClaimRow, PaymentRow};
use iop_store::DbConn;

/// Where the money came from, shared by every claim of one remittance.
pub(super) struct Source {
    pub now: Instant,
    pub actor: ActorRef,
    pub remittance_id: RemittanceId,
    pub date: Day,
    pub method: iop_domain::billing::PaymentMethod,
}

/// The charge an 835 service line pays: by its line control number, else the first
/// charge of the claim with the same code and date not already matched.
fn line_of<'a>(
    charges: &'a [ChargeRow],
    taken: &[ChargeId],
    control: Option<&str>,
    code: &str,
    date: Option<jiff::civil::Date>,
) -> Option<&'a ChargeRow> {
    if let Some(n) = control {
        if let Some(ch) = charges
            .iter()
            .find(|ch| super::claim_form::line_control(ch.id) == n)
        {
            return Some(ch);
        }
    }
    charges.iter().find(|ch| {
        !taken.contains(&ch.id)
            && ch.code.is_some_and(|c| c.as_str() == code)
            && date.is_none_or(|d| ch.service_date.0 == d)
    })
}

pub(super) fn post_claim(
    c: &mut DbConn,
    src: &Source,
    cp: &ClaimPayment,
    mut claim: ClaimRow,
) -> Result<()> {
    store::insert_payment(
        c,
        &PaymentRow {
            id: PaymentId::new_v7(),
            patient_id: Some(claim.patient_id),
            claim_id: Some(claim.id),
            remittance_id: Some(src.remittance_id),
            source: iop_domain::billing::PaymentSource::Payer,
            method: src.method,
            reference: Some(cp.payer_claim_number.clone()),
            amount_cents: cp.paid,
            received_on: src.date,
            created_by: src.actor,
            created_at: src.now,
            voided_at: None,
            void_reason: None,
            as_credit: false,
        },
    )?;
    let mut charges = super::corrections::lines_of(c, &claim)?;
    let mut taken: Vec<ChargeId> = Vec::new();
    let mut patient_share = Cents(0);
    let mut adjusted = Cents(0);
    let adjustment = |c: &mut DbConn,
                      charge: Option<&ChargeRow>,
                      code: Option<String>,
                      a: &iop_interop::x12::Adjustment| {
        store::insert_adjustment(
            c,
            &AdjustmentRow {
                id: AdjustmentId::new_v7(),
                claim_id: claim.id,
                remittance_id: src.remittance_id,
                procedure_code: code,
                group_code: a.group.as_str().into(),
                reason_code: a.reason.clone(),
                amount_cents: a.amount,
                created_at: src.now,
                charge_id: charge.map(|ch| ch.id),
            },
        )
    };
    for a in &cp.adjustments {
        if a.group == AdjustmentGroup::Patient {
            patient_share += a.amount;
        }
        adjusted += a.amount;
        adjustment(c, None, None, a)?;
    }
    for svc in &cp.services {
        let found = line_of(
            &charges,
            &taken,
            svc.line_control.as_deref(),
            &svc.procedure_code,
            svc.service_date,
        )
        .cloned();
        let mut line_patient = Cents(0);
        for a in &svc.adjustments {
            if a.group == AdjustmentGroup::Patient {
                line_patient += a.amount;
            }
            adjusted += a.amount;
            adjustment(c, found.as_ref(), Some(svc.procedure_code.clone()), a)?;
        }
        patient_share += line_patient;
        if let Some(mut ch) = found {
            taken.push(ch.id);
            ch.paid_cents += svc.paid;
            ch.patient_resp_cents += line_patient;
            ch.updated_at = src.now;
            store::update_charge(c, &ch)?;
            if let Some(slot) = charges.iter_mut().find(|x| x.id == ch.id) {
                *slot = ch;
            }
        }
    }
    claim.paid_cents += cp.paid;
    claim.patient_resp_cents += patient_share;
    claim.payer_claim_number = Some(cp.payer_claim_number.clone());
    claim.status = standing_after(Adjudication {
        denied: cp.status == ClaimStatus::Denied,
        reversal: cp.status == ClaimStatus::Reversal,
        total: claim.total_cents,
        paid: claim.paid_cents,
        patient_share,
        adjusted,
        paid_now: cp.paid,
    });
    claim.updated_at = src.now;
    store::update_claim(c, &claim)?;
    Ok(())
}
