//! The demo's billing: the site's billing identity, two commercial payers (one per-diem,
//! one per-service with authorizations), a self-pay rate card, coverage for most patients
//! (one insured through a spouse, one self-pay), TPO consents naming the payers, claims
//! for the documented weeks in one 837P batch, and one remittance posted.

use crate::accounts::auth::actor_of;
use crate::billing::coverage::{NewAuthorization, NewCoverage};
use crate::billing::setup::{AddressInput, NewContract, NewPayer, SiteBillingInput};
use crate::consent::consents::{NewConsent, NewRecipient};
use crate::ctx::{Ctx, RequestMeta};
use crate::demo::remit::{claim_to_pay, remittance_for, Outcome, ProviderAdjustment};
use crate::error::{AppError, Result};
use crate::App;
use iop_domain::consent::{Expiry, RecipientClass};
use iop_domain::ids::*;
use iop_store::billing as store;
use iop_store::{accounts::users, admissions::episodes, org};
use jiff::civil::Date;
use jiff::Span;
use std::collections::BTreeMap;
use strum::IntoEnumIterator;

fn days(d: Date, n: i64) -> Date {
    d.checked_add(Span::new().days(n)).unwrap_or(d)
}

fn address(line: &str, city: &str, zip: &str) -> AddressInput {
    AddressInput {
        line: line.into(),
        city: city.into(),
        state: "KY".into(),
        zip: zip.into(),
    }
}

impl App {
    pub(crate) fn seed_demo_billing(
        &self,
        counselor: &Ctx,
        program_id: ProgramId,
        today: Date,
    ) -> Result<()> {
        let billing = self.store.read(|c| -> Result<_> {
            let u = users::by_email(c, "billing@demo.test")?
                .ok_or_else(|| AppError::Internal("no demo billing user".into()))?;
            actor_of(&u)
        })?;
        let ctx = Ctx::staff(billing, RequestMeta::cli(counselor.now()));
        let site_id = self.store.read(|c| -> Result<_> {
            let p = org::program_by_id(c, program_id)?
                .ok_or_else(|| AppError::Internal("no demo program".into()))?;
            Ok(p.site_id)
        })?;
        self.set_site_billing(
            &ctx,
            site_id,
            SiteBillingInput {
                organisation_name: "Riverside Recovery Center".into(),
                npi: "1543219871".into(),
                tax_id: "61-1234567".into(),
                address: address("100 River Road", "Louisville", "40202-1234"),
                submitter_id: "RIVERSIDE01".into(),
                contact_name: "Blair Billing".into(),
                contact_phone: "(502) 555-0142".into(),
                receiver_name: "Bluegrass Clearinghouse".into(),
                receiver_id: "BGCH".into(),
                production: false,
            },
        )?;
        let year_ago = days(today, -365);
        let bghp = self.add_payer(
            &ctx,
            NewPayer {
                name: "Bluegrass Health Plan".into(),
                payer_id: "60054".into(),
                address: address("1 Payer Way", "Louisville", "40202"),
                claim_filing_indicator: iop_domain::billing::ClaimFilingIndicator::Hmo,
            },
        )?;
        let cmut = self.add_payer(
            &ctx,
            NewPayer {
                name: "Commonwealth Mutual".into(),
                payer_id: "87726".into(),
                address: address("500 Insurance Ave", "Lexington", "40507"),
                claim_filing_indicator: iop_domain::billing::ClaimFilingIndicator::Commercial,
            },
        )?;
        let fees = |pairs: &[(&str, i64)]| {
            pairs
                .iter()
                .map(|(k, v)| ((*k).to_string(), *v))
                .collect::<BTreeMap<_, _>>()
        };
        let contract = |payer: Option<PayerId>,
                        mode: iop_domain::billing::CodingMode,
                        f: BTreeMap<String, i64>,
                        auth: bool| NewContract {
            program_id,
            payer_id: payer,
            coding_mode: mode,
            per_diem_code: "H0015".into(),
            minimum_minutes: 180,
            fees: f,
            place_of_service: "57".into(),
            modifiers: Vec::new(),
            authorization_required: auth,
            effective_from: year_ago,
            effective_to: None,
            telehealth_modifier_95: payer.is_some(),
        };
        self.add_contract(
            &ctx,
            contract(
                Some(bghp),
                iop_domain::billing::CodingMode::PerDiem,
                fees(&[("H0015", 45_000)]),
                false,
            ),
        )?;
        self.add_contract(
            &ctx,
            contract(
                Some(cmut),
                iop_domain::billing::CodingMode::PerService,
                fees(&[
                    ("90853", 12_000),
                    ("90849", 9_500),
                    ("90847", 15_000),
                    ("90846", 14_000),
                    ("90832", 9_000),
                    ("90834", 12_000),
                    ("90837", 16_000),
                ]),
                true,
            ),
        )?;
        self.add_contract(
            &ctx,
            contract(
                None,
                iop_domain::billing::CodingMode::PerDiem,
                fees(&[("H0015", 25_000)]),
                false,
            ),
        )?;

        let patients = self
            .store
            .read(|c| -> Result<_> { Ok(episodes::episodes_with_patients(c, program_id)?) })?;
        for (i, (e, p)) in patients.iter().enumerate() {
            if p.mrn == "DEMO-0005" {
                continue; // The self-pay patient.
            }
            let admitted: Date = e.admit_date.0;
            let (payer, _payer_name) = if i % 2 == 0 {
                (&bghp, "Bluegrass Health Plan")
            } else {
                (&cmut, "Commonwealth Mutual")
            };
            // Insured through a spouse: the claim carries the 2000C patient loop.
            let spouse = p.mrn == "DEMO-0004";
            let cov = self.add_coverage(
                &ctx,
                p.id,
                NewCoverage {
                    payer_id: *payer,
                    member_id: format!("M{:08}", 10_000 + i),
                    group_number: Some("GRP100".into()),
                    priority: iop_domain::billing::CoveragePriority::Primary,
                    relationship: if spouse { "spouse" } else { "self" }.into(),
                    subscriber_first: spouse.then(|| "Jordan".to_string()),
                    subscriber_last: spouse.then(|| p.legal_last_name.clone()),
                    subscriber_dob: spouse.then(|| days(today, -365 * 40)),
                    subscriber_sex: spouse.then(|| "U".to_string()),
                    address: address(&format!("{} Elm Street", 10 + i), "Louisville", "40203"),
                    effective_from: year_ago,
                    effective_to: None,
                },
            )?;
            if payer == &cmut {
                // Group nights are authorized four weeks at a time (so a month's claim
                // can name two authorizations, each on its own lines); the family group,
                // 90849, and individual sessions for the whole stay.
                let auths = [
                    ("90853", 12, 0, 27),
                    ("90853", 12, 28, 63),
                    ("90849", 5, 0, 63),
                    ("90832", 8, 0, 63),
                    ("90834", 8, 0, 63),
                    ("90837", 8, 0, 63),
                ];
                for (k, (code, units, from, to)) in auths.into_iter().enumerate() {
                    self.add_authorization(
                        &ctx,
                        NewAuthorization {
                            coverage_id: cov,
                            number: format!("AUTH-{:04}-{k}", 500 + i),
                            service_code: code.into(),
                            units,
                            start_date: days(admitted, from),
                            end_date: days(admitted, to),
                            next_review_on: Some(days(admitted, to - 6)),
                        },
                    )?;
                }
            }
            self.record_consent(
                counselor,
                p.id,
                // Half name their payer; half sign the single TPO consent that names
                // its recipients by class, as the 2024 rule allows.
                NewConsent {
                    replaces: None,
                    information: vec!["billing".into()],
                    recipients: if i % 2 == 0 {
                        vec![NewRecipient::Payer(*payer)]
                    } else {
                        RecipientClass::iter().map(NewRecipient::Class).collect()
                    },
                    purpose: iop_domain::consent::TPO_PURPOSE.into(),
                    tpo: true,
                    expiry: Expiry::Never,
                    signature: "signed on paper".into(),
                    representative: None,
                    patient_signed_too: false,
                    signed_on: Some(admitted.min(today)),
                },
            )?;
        }
        // Claims for the documented weeks, one batch, and the first claim paid.
        let until = days(iop_domain::calendar::monday_of(today), -8);
        self.generate_charges(&ctx, days(today, -60), until)?;
        self.build_claims(&ctx)?;
        if self.create_claim_batch(&ctx)?.is_some() {
            // The first claim of the per-diem payer paid, the next one all to the
            // deductible, and a little interest on top (PLB L6) for the provider ledger.
            let (claims, first) = self.store.read(|c| -> Result<_> {
                let submitted: Vec<_> =
                    store::claims_with(c, &[iop_domain::billing::ClaimStatus::Submitted], None)?
                        .into_iter()
                        .filter(|k| k.payer_id == bghp)
                        .take(2)
                        .collect();
                let mut out = Vec::new();
                for (k, claim) in submitted.iter().enumerate() {
                    let outcome = if k == 0 {
                        Outcome::Paid
                    } else {
                        Outcome::Deductible
                    };
                    out.push(claim_to_pay(c, claim, outcome)?);
                }
                Ok((out, submitted.first().map(|k| k.claim_number.clone())))
            })?;
            if let Some(first) = first {
                let interest = ProviderAdjustment {
                    reason: "L6",
                    reference: first,
                    amount: iop_domain::Cents(-215),
                };
                self.import_remittance(
                    &ctx,
                    &remittance_for(&claims, &[interest], days(today, -3)),
                )?;
            }
        }
        Ok(())
    }
}
