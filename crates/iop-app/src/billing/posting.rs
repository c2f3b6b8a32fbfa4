//! Posting one 835 claim payment to one of our claims: the payment, each service line's
//! payment and adjustments on the charge it pays (found by the REF*6R line control
//! number our 837 sent, else by code and date), and the claim's standing.

use crate::error::Result;
use iop_domain::billing::{standing_after, Adjudication};
use iop_domain::ids::*;
use iop_domain::time::{Day, Instant};
use iop_domain::Cents;
use iop_interop::x12::{AdjustmentGroup, ClaimPayment, ClaimStatus};
use iop_store::billing::{posting as remit_store, AdjustmentRow, ChargeRow, ClaimRow, PaymentRow};
use iop_store::DbConn;
use std::collections::{HashMap, HashSet};

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

/// The claims a remittance names and their lines, read in a few statements, posted to in
/// memory in the file's order (a reversal and its re-adjudication of one claim in one
/// file post one after the other), then written together.
pub(super) struct Posting {
    claims: HashMap<String, ClaimRow>,
    /// Lines by the claim that owns the charges (a correction's are its original's).
    lines: HashMap<ClaimId, Vec<ChargeRow>>,
    owner: HashMap<ClaimId, ClaimId>,
    payments: Vec<PaymentRow>,
    adjustments: Vec<AdjustmentRow>,
    posted_claims: HashSet<String>,
    posted_lines: HashSet<ChargeId>,
}

impl Posting {
    pub fn load(c: &mut DbConn, numbers: &[String]) -> Result<Self> {
        let claims: HashMap<String, ClaimRow> = remit_store::claims_by_numbers(c, numbers)?
            .into_iter()
            .map(|k| (k.claim_number.clone(), k))
            .collect();
        let mut owner = HashMap::new();
        for k in claims.values() {
            let root = match k.corrects_claim_id {
                None => k.id,
                Some(_) => super::corrections::original_of(c, k)?,
            };
            owner.insert(k.id, root);
        }
        let mut roots: Vec<ClaimId> = owner.values().copied().collect();
        roots.sort_unstable();
        roots.dedup();
        let mut lines: HashMap<ClaimId, Vec<ChargeRow>> = HashMap::new();
        for ch in remit_store::charges_of_claims(c, &roots)? {
            if let Some(k) = ch.claim_id {
                lines.entry(k).or_default().push(ch);
            }
        }
        Ok(Self {
            claims,
            lines,
            owner,
            payments: Vec::new(),
            adjustments: Vec::new(),
            posted_claims: HashSet::new(),
            posted_lines: HashSet::new(),
        })
    }

    /// Posts one claim payment; false when we never sent the claim it names.
    pub fn post(&mut self, src: &Source, cp: &ClaimPayment) -> bool {
        let Some(claim) = self.claims.get_mut(&cp.claim_id) else {
            return false;
        };
        let root = self.owner.get(&claim.id).copied().unwrap_or(claim.id);
        let charges = self.lines.entry(root).or_default();
        post_claim(
            src,
            cp,
            claim,
            charges,
            &mut self.payments,
            &mut self.adjustments,
            &mut self.posted_lines,
        );
        self.posted_claims.insert(cp.claim_id.clone());
        true
    }

    pub fn write(self, c: &mut DbConn) -> Result<()> {
        iop_store::bulk::insert_payments(c, &self.payments)?;
        iop_store::bulk::insert_adjustments(c, &self.adjustments)?;
        let charges: Vec<ChargeRow> = self
            .lines
            .into_values()
            .flatten()
            .filter(|ch| self.posted_lines.contains(&ch.id))
            .collect();
        iop_store::bulk::update_charges_paid(c, &charges)?;
        let claims: Vec<ClaimRow> = self
            .claims
            .into_values()
            .filter(|k| self.posted_claims.contains(&k.claim_number))
            .collect();
        iop_store::bulk::update_claims_posted(c, &claims)?;
        Ok(())
    }
}

fn post_claim(
    src: &Source,
    cp: &ClaimPayment,
    claim: &mut ClaimRow,
    charges: &mut [ChargeRow],
    payments: &mut Vec<PaymentRow>,
    adjustments: &mut Vec<AdjustmentRow>,
    posted_lines: &mut HashSet<ChargeId>,
) {
    payments.push(PaymentRow {
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
    });
    let mut taken: Vec<ChargeId> = Vec::new();
    let mut patient_share = Cents(0);
    let mut adjusted = Cents(0);
    let claim_id = claim.id;
    let mut adjustment =
        |charge: Option<ChargeId>, code: Option<String>, a: &iop_interop::x12::Adjustment| {
            adjustments.push(AdjustmentRow {
                id: AdjustmentId::new_v7(),
                claim_id,
                remittance_id: src.remittance_id,
                procedure_code: code,
                group_code: a.group.as_str().into(),
                reason_code: a.reason.clone(),
                amount_cents: a.amount,
                created_at: src.now,
                charge_id: charge,
            })
        };
    for a in &cp.adjustments {
        if a.group == AdjustmentGroup::Patient {
            patient_share += a.amount;
        }
        adjusted += a.amount;
        adjustment(None, None, a);
    }
    for svc in &cp.services {
        let found = line_of(
            charges,
            &taken,
            svc.line_control.as_deref(),
            &svc.procedure_code,
            svc.service_date,
        )
        .map(|ch| ch.id);
        let mut line_patient = Cents(0);
        for a in &svc.adjustments {
            if a.group == AdjustmentGroup::Patient {
                line_patient += a.amount;
            }
            adjusted += a.amount;
            adjustment(found, Some(svc.procedure_code.clone()), a);
        }
        patient_share += line_patient;
        if let Some(ch) = found.and_then(|id| charges.iter_mut().find(|x| x.id == id)) {
            taken.push(ch.id);
            posted_lines.insert(ch.id);
            ch.paid_cents += svc.paid;
            ch.patient_resp_cents += line_patient;
            ch.updated_at = src.now;
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
}
