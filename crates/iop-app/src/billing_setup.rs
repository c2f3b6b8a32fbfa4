//! Who pays and on what terms: the site's billing identity, payers, contracts (claim
//! form, coding mode, fee schedule, place of service, modifiers, authorization), each
//! patient's coverage, and authorizations with their review queue.

use crate::audit::{record, Event};
use crate::charges::code_of;
use crate::ctx::Ctx;
use crate::error::{AppError, Result};
use crate::policy::Action;
use crate::App;
use iop_domain::npi::Npi;
use iop_domain::time::stored;
use iop_store::billing::{
    self as store, AuthorizationRow, ContractRow, CoverageRow, PayerRow, SiteBillingRow,
};
use iop_store::{episodes, org, DbConn};
use jiff::civil::Date;
use std::collections::BTreeMap;

/// Places of service a contract may name (two digits; see DOMAIN.md).
pub const PLACES: [&str; 6] = ["57", "11", "02", "10", "58", "53"];
pub const RELATIONSHIPS: [&str; 6] = [
    "self",
    "spouse",
    "child",
    "life_partner",
    "employee",
    "other",
];

fn text(v: &str, max: usize, what: &str) -> Result<String> {
    let v = v.trim();
    if v.is_empty() || v.chars().count() > max || v.contains(['~', '*', ':', '^']) {
        return Err(AppError::Invalid(format!(
            "{what} needs 1 to {max} characters, without ~ * : ^"
        )));
    }
    Ok(v.to_string())
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

pub struct AddressInput {
    pub line: String,
    pub city: String,
    pub state: String,
    pub zip: String,
}

impl AddressInput {
    fn check(&self) -> Result<(String, String, String, String)> {
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
}

pub struct NewContract {
    pub program_id: String,
    /// None: the self-pay rate card.
    pub payer_id: Option<String>,
    pub coding_mode: String,
    pub per_diem_code: String,
    pub minimum_minutes: i32,
    /// Code → cents per unit.
    pub fees: BTreeMap<String, i64>,
    pub place_of_service: String,
    pub modifiers: Vec<String>,
    pub authorization_required: bool,
    pub effective_from: Date,
    pub effective_to: Option<Date>,
}

pub struct NewCoverage {
    pub payer_id: String,
    pub member_id: String,
    pub group_number: Option<String>,
    pub priority: String,
    pub relationship: String,
    /// The subscriber when not the patient.
    pub subscriber_first: Option<String>,
    pub subscriber_last: Option<String>,
    pub subscriber_dob: Option<Date>,
    pub subscriber_sex: Option<String>,
    pub address: AddressInput,
    pub effective_from: Date,
    pub effective_to: Option<Date>,
}

pub struct NewAuthorization {
    pub coverage_id: String,
    pub number: String,
    pub service_code: String,
    pub units: i32,
    pub start_date: Date,
    pub end_date: Date,
    pub next_review_on: Option<Date>,
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

#[derive(Clone, Debug, serde::Serialize, utoipa::ToSchema)]
pub struct AuthorizationView {
    #[serde(flatten)]
    pub row: AuthorizationRow,
    pub units_used: i64,
    pub units_left: i64,
    /// Three units or fewer left, or five days or fewer to the end.
    pub needs_attention: bool,
    pub reason: Option<String>,
}

fn authorization_views(
    c: &mut DbConn,
    rows: Vec<AuthorizationRow>,
    today: Date,
) -> Result<Vec<AuthorizationView>> {
    let ids: Vec<String> = rows.iter().map(|a| a.id.clone()).collect();
    let used: BTreeMap<String, i64> = store::units_used(c, &ids)?.into_iter().collect();
    Ok(rows
        .into_iter()
        .map(|row| {
            let used = used.get(&row.id).copied().unwrap_or(0);
            let left = i64::from(row.units) - used;
            let end: Date = row.end_date.parse().unwrap_or(today);
            let days_left = (end - today).get_days();
            let mut why = Vec::new();
            if left <= 3 {
                why.push(format!("{left} unit(s) left"));
            }
            if days_left <= 5 {
                why.push(if days_left < 0 {
                    format!("ended {}", row.end_date)
                } else {
                    format!("ends in {days_left} day(s)")
                });
            }
            if days_left >= 0
                && row
                    .next_review_on
                    .as_deref()
                    .is_some_and(|d| d <= today.to_string().as_str())
            {
                why.push("concurrent review is due".into());
            }
            AuthorizationView {
                units_used: used,
                units_left: left,
                needs_attention: !why.is_empty(),
                reason: (!why.is_empty()).then(|| why.join(", ")),
                row,
            }
        })
        .collect())
}

impl App {
    pub fn set_site_billing(&self, ctx: &Ctx, site_id: &str, b: SiteBillingInput) -> Result<()> {
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
            site_id: site_id.into(),
            organisation_name: text(&b.organisation_name, 60, "the organisation name")?,
            npi: npi.as_str().into(),
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
            usage: if b.production { "P" } else { "T" }.into(),
            updated_at: stored(ctx.now()),
        };
        self.store.write(|c| {
            org::site_by_id(c, site_id)?
                .ok_or_else(|| AppError::NotFound(format!("site {site_id}")))?;
            store::upsert_site_billing(c, &row)?;
            let subject = format!("site:{site_id}");
            record(c, ctx, Event::ok("billing.site.set").subject(&subject))
        })
    }

    pub fn add_payer(&self, ctx: &Ctx, p: NewPayer) -> Result<String> {
        ctx.require(Action::ManageBillingSetup)?;
        let (line, city, st, z) = p.address.check()?;
        let row = PayerRow {
            id: uuid::Uuid::now_v7().to_string(),
            name: text(&p.name, 60, "the payer's name")?,
            payer_id: text(&p.payer_id, 80, "the payer id")?,
            address_line: line,
            city,
            state: st,
            zip: z,
            created_at: stored(ctx.now()),
        };
        self.store.write(|c| {
            store::insert_payer(c, &row)?;
            let subject = format!("payer:{}", row.id);
            record(c, ctx, Event::ok("billing.payer.add").subject(&subject))?;
            Ok(row.id.clone())
        })
    }

    pub fn payers(&self, ctx: &Ctx) -> Result<Vec<PayerRow>> {
        ctx.require(Action::ViewBilling)?;
        self.store.read(|c| Ok(store::all_payers(c)?))
    }

    /// The payers to choose from when recording coverage (admissions does it at intake).
    pub fn payer_choices(&self, ctx: &Ctx) -> Result<Vec<PayerRow>> {
        ctx.require(Action::ManageCoverage)?;
        self.store.read(|c| Ok(store::all_payers(c)?))
    }

    pub fn add_contract(&self, ctx: &Ctx, k: NewContract) -> Result<String> {
        ctx.require(Action::ManageBillingSetup)?;
        if !matches!(k.coding_mode.as_str(), "per_diem" | "per_service") {
            return Err(AppError::Invalid(
                "the coding mode is per_diem or per_service".into(),
            ));
        }
        if !matches!(k.per_diem_code.as_str(), "H0015" | "S9480") {
            return Err(AppError::Invalid(
                "the per-diem code is H0015 or S9480".into(),
            ));
        }
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
        if k.modifiers.len() > 4
            || k.modifiers
                .iter()
                .any(|m| m.len() != 2 || !m.bytes().all(|b| b.is_ascii_alphanumeric()))
        {
            return Err(AppError::Invalid(
                "at most four modifiers of two letters or digits".into(),
            ));
        }
        if k.effective_to.is_some_and(|t| t < k.effective_from) {
            return Err(AppError::Invalid(
                "the contract ends before it starts".into(),
            ));
        }
        self.store.write(|c| {
            org::program_by_id(c, &k.program_id)?
                .ok_or_else(|| AppError::NotFound(format!("program {}", k.program_id)))?;
            if let Some(p) = &k.payer_id {
                store::payer(c, p)?.ok_or_else(|| AppError::NotFound(format!("payer {p}")))?;
            }
            let row = ContractRow {
                id: uuid::Uuid::now_v7().to_string(),
                program_id: k.program_id.clone(),
                payer_id: k.payer_id.clone(),
                claim_form: if k.payer_id.is_some() { "837P" } else { "none" }.into(),
                coding_mode: k.coding_mode.clone(),
                per_diem_code: k.per_diem_code.clone(),
                minimum_minutes: k.minimum_minutes,
                fees: serde_json::to_string(&k.fees)
                    .map_err(|e| AppError::Internal(e.to_string()))?,
                place_of_service: k.place_of_service.clone(),
                modifiers: k.modifiers.join(","),
                authorization_required: k.authorization_required && k.payer_id.is_some(),
                effective_from: k.effective_from.to_string(),
                effective_to: k.effective_to.map(|d| d.to_string()),
                created_at: stored(ctx.now()),
            };
            store::insert_contract(c, &row)?;
            let subject = format!("contract:{}", row.id);
            record(c, ctx, Event::ok("billing.contract.add").subject(&subject))?;
            Ok(row.id)
        })
    }

    pub fn contracts(&self, ctx: &Ctx) -> Result<Vec<ContractRow>> {
        ctx.require(Action::ViewBilling)?;
        self.store.read(|c| Ok(store::all_contracts(c)?))
    }

    pub fn add_coverage(&self, ctx: &Ctx, patient_id: &str, n: NewCoverage) -> Result<String> {
        ctx.require(Action::ManageCoverage)?;
        if !RELATIONSHIPS.contains(&n.relationship.as_str()) {
            return Err(AppError::Invalid(format!(
                "the relationship to the subscriber is one of {}",
                RELATIONSHIPS.join(", ")
            )));
        }
        if !matches!(n.priority.as_str(), "primary" | "secondary") {
            return Err(AppError::Invalid(
                "the priority is primary or secondary".into(),
            ));
        }
        let (line, city, st, z) = n.address.check()?;
        let member_id = text(&n.member_id, 80, "the member id")?;
        let group = n
            .group_number
            .as_deref()
            .map(str::trim)
            .filter(|g| !g.is_empty())
            .map(|g| text(g, 50, "the group number"))
            .transpose()?;
        if n.effective_to.is_some_and(|t| t < n.effective_from) {
            return Err(AppError::Invalid(
                "the coverage ends before it starts".into(),
            ));
        }
        self.store.write(|c| {
            let p = episodes::patient_by_id(c, patient_id)?
                .ok_or_else(|| AppError::NotFound(format!("patient {patient_id}")))?;
            store::payer(c, &n.payer_id)?
                .ok_or_else(|| AppError::NotFound(format!("payer {}", n.payer_id)))?;
            let is_self = n.relationship == "self";
            let need = |v: &Option<String>, what: &str| -> Result<String> {
                if is_self {
                    return Ok(String::new());
                }
                text(v.as_deref().unwrap_or(""), 60, what)
            };
            let row = CoverageRow {
                id: uuid::Uuid::now_v7().to_string(),
                patient_id: patient_id.into(),
                payer_id: n.payer_id.clone(),
                member_id: member_id.clone(),
                group_number: group.clone(),
                priority: n.priority.clone(),
                relationship: n.relationship.clone(),
                subscriber_first: if is_self {
                    p.legal_first_name.clone()
                } else {
                    need(&n.subscriber_first, "the subscriber's first name")?
                },
                subscriber_last: if is_self {
                    p.legal_last_name.clone()
                } else {
                    need(&n.subscriber_last, "the subscriber's last name")?
                },
                subscriber_dob: match (is_self, n.subscriber_dob) {
                    (true, _) => p.date_of_birth.clone(),
                    (false, Some(d)) => d.to_string(),
                    (false, None) => {
                        return Err(AppError::Invalid(
                            "give the subscriber's date of birth".into(),
                        ))
                    }
                },
                subscriber_sex: match n.subscriber_sex.as_deref() {
                    Some(s @ ("F" | "M" | "U")) => s.into(),
                    None if is_self => p.sex.clone(),
                    _ => {
                        return Err(AppError::Invalid(
                            "the subscriber's sex is F, M or U".into(),
                        ))
                    }
                },
                subscriber_address_line: line.clone(),
                subscriber_city: city.clone(),
                subscriber_state: st.clone(),
                subscriber_zip: z.clone(),
                effective_from: n.effective_from.to_string(),
                effective_to: n.effective_to.map(|d| d.to_string()),
                created_at: stored(ctx.now()),
                voided_at: None,
                void_reason: None,
            };
            store::insert_coverage(c, &row)?;
            if is_self || p.address_line.is_none() {
                episodes::set_patient_address(c, patient_id, &line, &city, &st, &z)?;
            }
            let subject = format!("coverage:{}", row.id);
            let mut event = Event::ok("billing.coverage.add").subject(&subject);
            event.patient_id = Some(patient_id);
            record(c, ctx, event)?;
            Ok(row.id)
        })
    }

    pub fn coverages(&self, ctx: &Ctx, patient_id: &str) -> Result<Vec<CoverageRow>> {
        ctx.require(Action::ManageCoverage)?;
        self.store.write(|c| {
            let rows = store::coverages_of(c, &[patient_id.to_string()])?;
            let mut event = Event::ok("billing.coverage.view");
            event.patient_id = Some(patient_id);
            record(c, ctx, event)?;
            Ok(rows)
        })
    }

    pub fn add_authorization(&self, ctx: &Ctx, a: NewAuthorization) -> Result<String> {
        ctx.require(Action::ManageBilling)?;
        if code_of(&a.service_code).is_none() {
            return Err(AppError::Invalid(format!(
                "unknown service code {:?}",
                a.service_code
            )));
        }
        if !(1..=1000).contains(&a.units) {
            return Err(AppError::Invalid(
                "an authorization grants 1 to 1,000 units".into(),
            ));
        }
        if a.end_date < a.start_date {
            return Err(AppError::Invalid(
                "the authorization ends before it starts".into(),
            ));
        }
        let number = text(&a.number, 50, "the authorization number")?;
        self.store.write(|c| {
            let cov = store::coverage(c, &a.coverage_id)?
                .ok_or_else(|| AppError::NotFound(format!("coverage {}", a.coverage_id)))?;
            let row = AuthorizationRow {
                id: uuid::Uuid::now_v7().to_string(),
                coverage_id: cov.id.clone(),
                patient_id: cov.patient_id.clone(),
                number,
                service_code: a.service_code.clone(),
                units: a.units,
                start_date: a.start_date.to_string(),
                end_date: a.end_date.to_string(),
                next_review_on: a.next_review_on.map(|d| d.to_string()),
                created_at: stored(ctx.now()),
                voided_at: None,
                void_reason: None,
            };
            store::insert_authorization(c, &row)?;
            let subject = format!("authorization:{}", row.id);
            let mut event = Event::ok("billing.authorization.add").subject(&subject);
            event.patient_id = Some(&cov.patient_id);
            record(c, ctx, event)?;
            Ok(row.id)
        })
    }

    /// Every authorization with units used and left; those that need a call first.
    pub fn authorization_queue(&self, ctx: &Ctx) -> Result<Vec<AuthorizationView>> {
        ctx.require(Action::ViewBilling)?;
        let today = ctx.now().to_zoned(jiff::tz::TimeZone::UTC).date();
        self.store.read(|c| {
            let rows = store::authorizations_of(c, None)?;
            let mut v = authorization_views(c, rows, today)?;
            v.sort_by_key(|a| (!a.needs_attention, a.row.end_date.clone()));
            Ok(v)
        })
    }

    /// "Name (MRN)" of each listed patient, for billing's work lists.
    pub fn patient_labels(
        &self,
        ctx: &Ctx,
        ids: &[String],
    ) -> Result<std::collections::HashMap<String, String>> {
        ctx.require(Action::ViewBilling)?;
        self.store.read(|c| {
            let mut out = std::collections::HashMap::new();
            for id in ids {
                if out.contains_key(id) {
                    continue;
                }
                if let Some(p) = episodes::patient_by_id(c, id)? {
                    out.insert(
                        id.clone(),
                        format!("{} {} ({})", p.legal_first_name, p.legal_last_name, p.mrn),
                    );
                }
            }
            Ok(out)
        })
    }
}
