//! Synthetic 835 remittances for the demo and the tests: what a payer would send back
//! for claims we submitted, line by line with the REF*6R line control numbers, with
//! contractual and patient adjustments, a claim paid entirely to the deductible, and
//! provider-level adjustments (PLB). Balanced as the guide requires.

use iop_domain::time::Day;
use iop_domain::Cents;
use iop_interop::x12::amount::format_amount;
use jiff::civil::Date;

/// One service line to pay: procedure code, charge, date and the line control number
/// our 837 sent (None to leave REF*6R out, as some payers do).
#[derive(Clone, Debug)]
pub struct LineToPay {
    pub code: String,
    pub charge: Cents,
    pub date: Day,
    pub control: Option<String>,
}

/// How the payer treats a claim.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// 80 % paid, 10 % contractual (CO-45), 10 % coinsurance (PR-2).
    Paid,
    /// Nothing paid: all of it applied to the deductible (PR-1).
    Deductible,
}

#[derive(Clone, Debug)]
pub struct ClaimToPay {
    pub claim_number: String,
    pub outcome: Outcome,
    pub lines: Vec<LineToPay>,
}

/// A provider-level adjustment: PLB03 reason (L6 interest, WO recoupment …), the
/// reference, and the amount (negative adds to the payment, positive takes from it).
#[derive(Clone, Debug)]
pub struct ProviderAdjustment {
    pub reason: &'static str,
    pub reference: String,
    pub amount: Cents,
}

fn split(cents: i64, outcome: Outcome) -> (i64, i64, i64) {
    match outcome {
        Outcome::Paid => (
            cents * 8 / 10,
            cents / 10,
            cents - cents * 8 / 10 - cents / 10,
        ),
        Outcome::Deductible => (0, cents, 0),
    }
}

/// The 835 of one payment on `paid_on` for these claims, less the provider adjustments.
pub fn remittance_for(claims: &[ClaimToPay], plb: &[ProviderAdjustment], paid_on: Date) -> String {
    let d = paid_on.strftime("%Y%m%d").to_string();
    let mut body: Vec<String> = Vec::new();
    let mut total_paid = 0i64;
    for (i, k) in claims.iter().enumerate() {
        let charge: i64 = k.lines.iter().map(|l| l.charge.0).sum();
        let paid: i64 = k.lines.iter().map(|l| split(l.charge.0, k.outcome).0).sum();
        let pr: i64 = k.lines.iter().map(|l| split(l.charge.0, k.outcome).1).sum();
        total_paid += paid;
        body.push(format!("LX*{}", i + 1));
        body.push(format!(
            "CLP*{}*1*{}*{}*{}*12*PAYER{:06}",
            k.claim_number,
            format_amount(Cents(charge)),
            format_amount(Cents(paid)),
            format_amount(Cents(pr)),
            i + 1
        ));
        for l in &k.lines {
            let (p, r, co) = split(l.charge.0, k.outcome);
            body.push(format!(
                "SVC*HC:{}*{}*{}**1",
                l.code,
                format_amount(l.charge),
                format_amount(Cents(p))
            ));
            body.push(format!("DTM*472*{}", l.date.0.strftime("%Y%m%d")));
            match k.outcome {
                Outcome::Paid => {
                    body.push(format!("CAS*CO*45*{}", format_amount(Cents(co))));
                    body.push(format!("CAS*PR*2*{}", format_amount(Cents(r))));
                }
                Outcome::Deductible => body.push(format!("CAS*PR*1*{}", format_amount(Cents(r)))),
            }
            if let Some(n) = &l.control {
                body.push(format!("REF*6R*{n}"));
            }
        }
    }
    for a in plb {
        total_paid -= a.amount.0;
        body.push(format!(
            "PLB*1543219871*{}1231*{}:{}*{}",
            paid_on.year(),
            a.reason,
            a.reference,
            format_amount(a.amount)
        ));
    }
    let mut st = vec![
        "ST*835*0001".to_string(),
        format!(
            "BPR*I*{}*C*ACH*CCP*01*999999999*DA*123456*1234567890**01*888888888*DA*654321*{d}",
            format_amount(Cents(total_paid))
        ),
        "TRN*1*EFT0001*1234567890".into(),
        format!("DTM*405*{d}"),
        "N1*PR*BLUEGRASS HEALTH PLAN".into(),
        "N3*1 PAYER WAY".into(),
        "N4*LOUISVILLE*KY*402020000".into(),
        "PER*BL*EDI SUPPORT*TE*5025550199".into(),
        "N1*PE*RIVERSIDE RECOVERY CENTER*XX*1543219871".into(),
        "REF*TJ*611234567".into(),
    ];
    st.extend(body);
    let count = st.len() + 1;
    st.push(format!("SE*{count}*0001"));
    let isa = format!("ISA*00*          *00*          *ZZ*60054          *ZZ*RIVERSIDE01    *{}*0900*^*00501*000000007*0*T*:", paid_on.strftime("%y%m%d"));
    let mut all = vec![
        isa,
        format!("GS*HP*60054*RIVERSIDE01*{d}*0900*7*X*005010X221A1"),
    ];
    all.extend(st);
    all.push("GE*1*7".into());
    all.push("IEA*1*000000007".into());
    all.join("~\n") + "~\n"
}

/// A submitted claim as an 835 would pay it, with its lines' control numbers.
pub(crate) fn claim_to_pay(
    c: &mut iop_store::DbConn,
    claim: &iop_store::billing::ClaimRow,
    outcome: Outcome,
) -> crate::error::Result<ClaimToPay> {
    let lines = crate::billing::corrections::lines_of(c, claim)?
        .into_iter()
        .map(|l| LineToPay {
            code: l.code.map(|c| c.to_string()).unwrap_or_default(),
            charge: l.amount_cents,
            date: l.service_date,
            control: Some(l.id.to_string().replace('-', "")),
        })
        .collect();
    Ok(ClaimToPay {
        claim_number: claim.claim_number.clone(),
        outcome,
        lines,
    })
}

impl crate::App {
    /// An 835 paying every submitted claim of one payer, for practising the posting step.
    /// Offered only while the organisation bills in test mode (ISA15 T): in production
    /// money comes from payers, never from a generated file.
    pub fn sample_remittance(&self, ctx: &crate::Ctx) -> crate::error::Result<String> {
        use crate::error::AppError;
        use iop_domain::billing::{ClaimStatus, ClaimUsage};
        ctx.require(crate::policy::Action::ManageBilling)?;
        self.store.read(|c| {
            let production = iop_store::org::sites(c)?.into_iter().any(|s| {
                iop_store::billing::site_billing_of(c, s.id)
                    .ok()
                    .flatten()
                    .is_some_and(|b| b.usage == ClaimUsage::Production)
            });
            if production {
                return Err(AppError::Conflict(
                    "a sample remittance is only offered while claims go out in test mode".into(),
                ));
            }
            let submitted = iop_store::billing::claims_with(c, &[ClaimStatus::Submitted], None)?;
            let Some(payer) = submitted.first().map(|k| k.payer_id) else {
                return Err(AppError::Conflict(
                    "no submitted claim waits for payment".into(),
                ));
            };
            let mut claims = Vec::new();
            for k in submitted.iter().filter(|k| k.payer_id == payer) {
                claims.push(claim_to_pay(c, k, Outcome::Paid)?);
            }
            let today = crate::clock::date_in(&crate::clock::organisation_zone(c)?, ctx.now());
            Ok(remittance_for(&claims, &[], today))
        })
    }
}
