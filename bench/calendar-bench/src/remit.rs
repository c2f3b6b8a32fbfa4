//! Posting an 835 of 10,000 claim payments. The claims are made straight in the store
//! from the charge run's charges (one claim per charge, the rest as second lines of the
//! first claims), the 835 by the demo's builder (line control numbers, CAS, balanced),
//! then one import is timed: parse, match each claim, payments, adjustments, charges.

use iop_app::demo::remit::{remittance_for, ClaimToPay, LineToPay, Outcome};
use iop_app::{App, Ctx, RequestMeta, Store};
use iop_domain::admissions::Sex;
use iop_domain::billing::{
    ChargePayer, ChargeStatus, ClaimFilingIndicator, ClaimFrequency, ClaimStatus, CoveragePriority,
    SubscriberRelationship,
};
use iop_domain::ids::{ClaimId, CoverageId, PatientId, PayerId};
use iop_domain::time::{Day, Instant as At};
use iop_domain::Cents;
use iop_store::billing::{self as store, ClaimRow, CoverageRow, PayerRow};
use std::collections::HashMap;
use std::time::Instant;

type Res<T> = Result<T, Box<dyn std::error::Error>>;

const CLAIMS: usize = 10_000;

fn coverage(patient: PatientId, payer: PayerId, from: Day, now: At) -> CoverageRow {
    CoverageRow {
        id: CoverageId::new_v7(),
        patient_id: patient,
        payer_id: payer,
        member_id: format!("M{}", &patient.to_string()[..8]),
        group_number: None,
        priority: CoveragePriority::Primary,
        relationship: SubscriberRelationship::Subscriber,
        subscriber_first: "PAT".into(),
        subscriber_last: "BENCH".into(),
        subscriber_dob: Day(jiff::civil::date(1980, 1, 1)),
        subscriber_sex: Sex::Unknown,
        subscriber_address_line: "100 River Road".into(),
        subscriber_city: "Louisville".into(),
        subscriber_state: "KY".into(),
        subscriber_zip: "402021234".into(),
        effective_from: from,
        effective_to: None,
        created_at: now,
        voided_at: None,
        void_reason: None,
    }
}

/// Submitted claims over the charges of `[from, to]`, as the 835 would pay them.
fn submitted_claims(store: &Store, from: Day, to: Day) -> Res<Vec<ClaimToPay>> {
    let now = At(jiff::Timestamp::now());
    store.write(|c| -> Res<Vec<ClaimToPay>> {
        let charges = store::charges_between(c, from, to, None)?;
        if charges.len() < CLAIMS {
            return Err(format!("{} charges; the bench needs {CLAIMS}", charges.len()).into());
        }
        let payer = PayerRow {
            id: PayerId::new_v7(),
            name: "BLUEGRASS HEALTH PLAN".into(),
            payer_id: "60054".into(),
            address_line: "1 Payer Way".into(),
            city: "Louisville".into(),
            state: "KY".into(),
            zip: "402020000".into(),
            created_at: now,
            claim_filing_indicator: ClaimFilingIndicator::Commercial,
        };
        store::insert_payer(c, &payer)?;
        let mut coverages: HashMap<PatientId, CoverageId> = HashMap::new();
        let mut claims: Vec<(ClaimRow, Vec<LineToPay>)> = Vec::with_capacity(CLAIMS);
        for (i, mut ch) in charges.into_iter().enumerate() {
            let cov = match coverages.get(&ch.patient_id) {
                Some(id) => *id,
                None => {
                    let row = coverage(ch.patient_id, payer.id, from, now);
                    store::insert_coverage(c, &row)?;
                    coverages.insert(ch.patient_id, row.id);
                    row.id
                }
            };
            if i < CLAIMS {
                claims.push((
                    ClaimRow {
                        id: ClaimId::new_v7(),
                        claim_number: format!("B{i:07}"),
                        patient_id: ch.patient_id,
                        coverage_id: cov,
                        payer_id: payer.id,
                        period_from: ch.service_date,
                        period_to: ch.service_date,
                        total_cents: Cents(0),
                        status: ClaimStatus::Submitted,
                        problems: None,
                        batch_id: None,
                        payer_claim_number: None,
                        paid_cents: Cents(0),
                        patient_resp_cents: Cents(0),
                        created_at: now,
                        updated_at: now,
                        submitted_on: Some(to),
                        frequency: ClaimFrequency::Original,
                        corrects_claim_id: None,
                        correction_reason: None,
                    },
                    Vec::new(),
                ));
            }
            let (claim, lines) = &mut claims[i % CLAIMS];
            claim.total_cents += ch.amount_cents;
            ch.claim_id = Some(claim.id);
            ch.coverage_id = Some(cov);
            ch.payer = ChargePayer::Insurance;
            ch.status = ChargeStatus::Billed;
            lines.push(LineToPay {
                code: ch.code.map(|k| k.to_string()).unwrap_or_default(),
                charge: ch.amount_cents,
                date: ch.service_date,
                control: Some(ch.id.to_string().replace('-', "")),
            });
            // Claims first: a charge names its claim.
            if i >= CLAIMS {
                store::update_charge(c, &ch)?;
            } else {
                store::insert_claim(c, claim)?;
                store::update_charge(c, &ch)?;
            }
        }
        for (claim, _) in &claims {
            store::update_claim(c, claim)?;
        }
        Ok(claims
            .into_iter()
            .enumerate()
            .map(|(i, (claim, lines))| ClaimToPay {
                claim_number: claim.claim_number,
                outcome: if i % 10 == 0 {
                    Outcome::Deductible
                } else {
                    Outcome::Paid
                },
                lines,
            })
            .collect())
    })
}

pub fn run(app: &App, store: &Store, from: Day, to: Day) -> Res<()> {
    let claims = submitted_claims(store, from, to)?;
    let file = remittance_for(&claims, &[], to.0);
    let ctx = Ctx::system(RequestMeta::cli(jiff::Timestamp::now()));
    store.refresh_statistics()?;
    let t = Instant::now();
    let report = app
        .import_remittance(&ctx, &file)
        .map_err(|e| format!("{e:?}"))?;
    let took = t.elapsed();
    if report.claims_posted as usize != CLAIMS || report.unmatched != 0 {
        return Err(format!(
            "posted {}, unmatched {}",
            report.claims_posted, report.unmatched
        )
        .into());
    }
    let t = Instant::now();
    let again = app
        .import_remittance(&ctx, &file)
        .map_err(|e| format!("{e:?}"))?;
    println!(
        "835 of {CLAIMS} claim payments ({:.1} MB, {} service lines): parsed and posted in {took:.2?}; the same file again (no change: {}) {:.2?}",
        file.len() as f64 / 1e6,
        claims.iter().map(|k| k.lines.len()).sum::<usize>(),
        again.already_imported,
        t.elapsed()
    );
    Ok(())
}
