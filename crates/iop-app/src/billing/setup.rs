//! Who pays and on what terms: the site's billing identity, payers, contracts (claim
//! form, coding mode, fee schedule, place of service, modifiers, authorization), each
//! patient's coverage, and authorizations with their review queue.

use crate::audit::{record, Event};
use crate::billing::charges::code_of;
use crate::ctx::Ctx;
use crate::error::{AppError, Result};
use crate::policy::Action;
use crate::App;
use iop_domain::ids::*;
use iop_domain::npi::Npi;
use iop_domain::time::{Day, Instant};
use iop_store::billing::{self as store, ContractRow, PayerRow, SiteBillingRow};
use iop_store::{admissions::episodes, org};
use jiff::civil::Date;
use std::collections::BTreeMap;

/// Places of service a contract may name (two digits; see DOMAIN.md).
pub const PLACES: [&str; 6] = ["57", "11", "02", "10", "58", "53"];
pub(crate) fn text(v: &str, max: usize, what: &str) -> Result<String> {
    let v = crate::input::line(v, max, what)?;
    // The X12 separators of our envelopes.
    if v.contains(['~', '*', ':', '^']) {
        return Err(AppError::Invalid(format!("{what} cannot contain ~ * : ^")));
    }
    Ok(v)
}

fn state(v: &str) -> Result<String> {
    let v = v.trim().to_ascii_uppercase();
    if v.len() != 2 || !v.bytes().all(|b| b.is_ascii_uppercase()) {
        return Err(AppError::Invalid(
            "the state is a two-letter code such as KY".into(),
        ));
    }
    Ok(v)
}

fn zip(v: &str) -> Result<String> {
    let digits: String = v.chars().filter(|c| *c != '-').collect();
    if !(digits.len() == 5 || digits.len() == 9) || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(AppError::Invalid("the ZIP code has 5 or 9 digits".into()));
    }
    Ok(digits)
}

/// A US postal address in the parts X12 and statements print.
#[derive(Clone, Debug, serde::Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AddressInput {
    pub line: String,
    pub city: String,
    pub state: String,
    pub zip: String,
}

impl AddressInput {
    pub(crate) fn check(&self) -> Result<(String, String, String, String)> {
        Ok((
            text(&self.line, 55, "the address")?,
            text(&self.city, 30, "the city")?,
            state(&self.state)?,
            zip(&self.zip)?,
        ))
    }
}

pub struct NewPayer {
    pub name: String,
    pub payer_id: String,
    pub address: AddressInput,
    /// SBR09 on this payer's claims.
    pub claim_filing_indicator: iop_domain::billing::ClaimFilingIndicator,
}

pub struct NewContract {
    pub program_id: ProgramId,
    /// None: the self-pay rate card.
    pub payer_id: Option<PayerId>,
    pub coding_mode: iop_domain::billing::CodingMode,
    pub per_diem_code: String,
    pub minimum_minutes: i32,
    /// Code → cents per unit.
    pub fees: BTreeMap<String, i64>,
    pub place_of_service: String,
    pub modifiers: Vec<String>,
    pub authorization_required: bool,
    pub effective_from: Date,
    pub effective_to: Option<Date>,
    /// Add modifier 95 to services delivered by telehealth.
    pub telehealth_modifier_95: bool,
}

pub struct SiteBillingInput {
    pub organisation_name: String,
    pub npi: String,
    pub tax_id: String,
    pub address: AddressInput,
    pub submitter_id: String,
    pub contact_name: String,
    pub contact_phone: String,
    pub receiver_name: String,
    pub receiver_id: String,
    pub production: bool,
}

impl App {
    pub fn set_site_billing(&self, ctx: &Ctx, site_id: SiteId, b: SiteBillingInput) -> Result<()> {
        ctx.require(Action::ManageBillingSetup)?;
        let npi = Npi::parse(&b.npi)
            .map_err(|e| AppError::Invalid(format!("the NPI is not valid: {e}")))?;
        let tax: String = b.tax_id.chars().filter(|c| *c != '-').collect();
        if tax.len() != 9 || !tax.bytes().all(|d| d.is_ascii_digit()) {
            return Err(AppError::Invalid("the tax id (EIN) has nine digits".into()));
        }
        let (line, city, st, z) = b.address.check()?;
        if z.len() != 9 {
            return Err(AppError::Invalid(
                "the billing provider's ZIP code needs all nine digits".into(),
            ));
        }
        let phone: String = b
            .contact_phone
            .chars()
            .filter(char::is_ascii_digit)
            .collect();
        if phone.len() != 10 {
            return Err(AppError::Invalid("the contact phone has ten digits".into()));
        }
        let row = SiteBillingRow {
            site_id,
            organisation_name: text(&b.organisation_name, 60, "the organisation name")?,
            npi,
            tax_id: tax,
            address_line: line,
            city,
            state: st,
            zip: z,
            submitter_id: text(&b.submitter_id, 15, "the submitter id")?,
            contact_name: text(&b.contact_name, 60, "the contact name")?,
            contact_phone: phone,
            receiver_name: text(&b.receiver_name, 60, "the receiver name")?,
            receiver_id: text(&b.receiver_id, 15, "the receiver id")?,
            usage: if b.production {
                iop_domain::billing::ClaimUsage::Production
            } else {
                iop_domain::billing::ClaimUsage::Test
            },
            updated_at: Instant(ctx.now()),
        };
        self.store.write(|c| {
            org::site_by_id(c, site_id)?
                .ok_or_else(|| AppError::NotFound(format!("site {site_id}")))?;
            store::upsert_site_billing(c, &row)?;
            let subject = format!("site:{site_id}");
            record(c, ctx, Event::ok("billing.site.set").subject(&subject))
        })
    }

    pub fn add_payer(&self, ctx: &Ctx, p: NewPayer) -> Result<PayerId> {
        ctx.require(Action::ManageBillingSetup)?;
        let (line, city, st, z) = p.address.check()?;
        let row = PayerRow {
            id: PayerId::new_v7(),
            name: text(&p.name, 60, "the payer's name")?,
            payer_id: text(&p.payer_id, 80, "the payer id")?,
            address_line: line,
            city,
            state: st,
            zip: z,
            created_at: Instant(ctx.now()),
            claim_filing_indicator: p.claim_filing_indicator,
        };
        self.store.write(|c| {
            store::insert_payer(c, &row)?;
            let subject = format!("payer:{}", row.id);
            record(c, ctx, Event::ok("billing.payer.add").subject(&subject))?;
            Ok(row.id)
        })
    }

    pub fn payers(&self, ctx: &Ctx) -> Result<Vec<Payer>> {
        ctx.require(Action::ViewBillingSetup)?;
        let rows: Vec<PayerRow> = self
            .store
            .read::<_, AppError>(|c| Ok(store::all_payers(c)?))?;
        Ok(rows.into_iter().map(Into::into).collect())
    }

    /// The payers to choose from when recording coverage (admissions does it at intake).
    pub fn payer_choices(&self, ctx: &Ctx) -> Result<Vec<Payer>> {
        ctx.require(Action::ManageCoverage)?;
        let rows: Vec<PayerRow> = self
            .store
            .read::<_, AppError>(|c| Ok(store::all_payers(c)?))?;
        Ok(rows.into_iter().map(Into::into).collect())
    }

    pub fn add_contract(&self, ctx: &Ctx, k: NewContract) -> Result<ContractId> {
        ctx.require(Action::ManageBillingSetup)?;
        let per_diem_code = k
            .per_diem_code
            .parse::<iop_domain::billing::Code>()
            .ok()
            .filter(|c| {
                matches!(
                    c,
                    iop_domain::billing::Code::H0015 | iop_domain::billing::Code::S9480
                )
            })
            .ok_or_else(|| AppError::Invalid("the per-diem code is H0015 or S9480".into()))?;
        if !(30..=600).contains(&k.minimum_minutes) {
            return Err(AppError::Invalid(
                "the minimum minutes of a billable day are 30 to 600".into(),
            ));
        }
        for (code, cents) in &k.fees {
            if code_of(code).is_none() {
                return Err(AppError::Invalid(format!(
                    "the fee schedule names an unknown code {code:?}"
                )));
            }
            if !(0..=10_000_000).contains(cents) {
                return Err(AppError::Invalid(format!(
                    "the fee for {code} must be between $0 and $100,000"
                )));
            }
        }
        if !PLACES.contains(&k.place_of_service.as_str()) {
            return Err(AppError::Invalid(format!(
                "the place of service is one of {}",
                PLACES.join(", ")
            )));
        }
        let place_of_service: iop_domain::billing::PlaceOfService = k
            .place_of_service
            .parse()
            .map_err(|e: iop_domain::billing::BadBillingCode| AppError::Invalid(e.to_string()))?;
        let modifiers: iop_domain::billing::Modifiers = k
            .modifiers
            .join(",")
            .parse()
            .map_err(|e: iop_domain::billing::BadBillingCode| AppError::Invalid(e.to_string()))?;
        if k.effective_to.is_some_and(|t| t < k.effective_from) {
            return Err(AppError::Invalid(
                "the contract ends before it starts".into(),
            ));
        }
        self.store.write(|c| {
            org::program_by_id(c, k.program_id)?
                .ok_or_else(|| AppError::NotFound(format!("program {}", k.program_id)))?;
            if let Some(p) = &k.payer_id {
                store::payer(c, *p)?.ok_or_else(|| AppError::NotFound(format!("payer {p}")))?;
            }
            let row = ContractRow {
                id: ContractId::new_v7(),
                program_id: k.program_id,
                payer_id: k.payer_id,
                claim_form: if k.payer_id.is_some() {
                    iop_domain::billing::ClaimForm::Professional837
                } else {
                    iop_domain::billing::ClaimForm::NoClaim
                },
                coding_mode: k.coding_mode,
                per_diem_code,
                minimum_minutes: k.minimum_minutes,
                fees: serde_json::to_string(&k.fees)
                    .map_err(|e| AppError::Internal(e.to_string()))?,
                place_of_service,
                modifiers,
                authorization_required: k.authorization_required && k.payer_id.is_some(),
                effective_from: Day(k.effective_from),
                effective_to: k.effective_to.map(Day),
                created_at: Instant(ctx.now()),
                telehealth_modifier_95: k.telehealth_modifier_95,
            };
            store::insert_contract(c, &row)?;
            let subject = format!("contract:{}", row.id);
            record(c, ctx, Event::ok("billing.contract.add").subject(&subject))?;
            Ok(row.id)
        })
    }

    pub fn contracts(&self, ctx: &Ctx) -> Result<Vec<Contract>> {
        ctx.require(Action::ViewBillingSetup)?;
        let rows: Vec<ContractRow> = self
            .store
            .read::<_, AppError>(|c| Ok(store::all_contracts(c)?))?;
        Ok(rows.into_iter().map(Into::into).collect())
    }

    /// "Name (MRN)" of each listed patient, for billing's work lists.
    pub fn patient_labels(
        &self,
        ctx: &Ctx,
        ids: &[PatientId],
    ) -> Result<std::collections::HashMap<PatientId, String>> {
        ctx.require(Action::ViewBilling)?;
        self.store.read(|c| {
            let mut out = std::collections::HashMap::new();
            for id in ids {
                if out.contains_key(id) {
                    continue;
                }
                if let Some(p) = episodes::patient_by_id(c, *id)? {
                    out.insert(
                        *id,
                        format!("{} {} ({})", p.legal_first_name, p.legal_last_name, p.mrn),
                    );
                }
            }
            Ok(out)
        })
    }
}

crate::view::view!(
/// A payer as billing staff see it: name, payer id and claims address.
Payer from PayerRow {
    id: PayerId,
    name: String,
    payer_id: String,
    address_line: String,
    city: String,
    state: String,
    zip: String,
    created_at: Instant,
});

crate::view::view!(
/// A payer contract or the self-pay rate card: how services are coded and priced.
Contract from ContractRow {
    id: ContractId,
    program_id: ProgramId,
    payer_id: Option<PayerId>,
    claim_form: iop_domain::billing::ClaimForm,
    coding_mode: iop_domain::billing::CodingMode,
    per_diem_code: iop_domain::billing::Code,
    minimum_minutes: i32,
    fees: String,
    place_of_service: iop_domain::billing::PlaceOfService,
    modifiers: iop_domain::billing::Modifiers,
    authorization_required: bool,
    effective_from: Day,
    effective_to: Option<Day>,
    created_at: Instant,
});
