//! Billing setup in the page: payers and contracts with their fee schedules; and a
//! patient's authorizations on their coverage page. A refused form keeps its input.

use crate::access::Caller;
use crate::error::PageError;
use crate::extract::{form_id, PageForm};
use crate::pages::billing::patient::cents;
use crate::pages::shell::{render_refusable, Flash, Shell};
use crate::AppState;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use iop_app::billing::coverage::NewAuthorization;
use iop_app::billing::setup::{AddressInput, Contract, NewContract, NewPayer, Payer};
use iop_app::calendar::sessions::{parse_date, parse_optional_day};
use iop_app::AppError;
use iop_domain::billing::CodingMode;
use iop_domain::billing_codes::ClaimFilingIndicator;
use std::collections::{BTreeMap, HashMap};
use strum::IntoEnumIterator;

#[derive(Template)]
#[template(path = "billing_setup.html")]
struct SetupPage {
    shell: Shell,
    payers: Vec<Payer>,
    contracts: Vec<Contract>,
    programs: Vec<(String, String)>,
    indicators: Vec<ClaimFilingIndicator>,
    can_manage: bool,
    refused: String,
    typed: HashMap<String, String>,
    error: Option<String>,
    notice: Option<&'static str>,
    fmt: iop_domain::display::Style,
}

impl SetupPage {
    fn value(&self, form: &str, key: &str, default: &str) -> String {
        if self.refused == form {
            self.typed.get(key).cloned().unwrap_or_default()
        } else {
            default.to_string()
        }
    }

    fn payer_name(&self, id: &Option<iop_domain::ids::PayerId>) -> String {
        match id {
            None => "Self-pay rate card".into(),
            Some(id) => self
                .payers
                .iter()
                .find(|p| p.id == *id)
                .map_or_else(|| "a payer".into(), |p| p.name.clone()),
        }
    }

    fn program_name(&self, id: &iop_domain::ids::ProgramId) -> String {
        let id = id.to_string();
        self.programs
            .iter()
            .find(|(p, _)| *p == id)
            .map_or_else(String::new, |(_, n)| n.clone())
    }

    /// The fee schedule as "H0015 $150.00; S9480 $210.00".
    fn fees(&self, json: &str) -> String {
        let fees: BTreeMap<String, i64> = serde_json::from_str(json).unwrap_or_default();
        fees.iter()
            .map(|(code, c)| format!("{code} ${}.{:02}", c / 100, c % 100))
            .collect::<Vec<_>>()
            .join("; ")
    }
}

async fn page(
    state: &AppState,
    caller: Caller,
    refused: (&str, HashMap<String, String>, Option<String>),
    notice: Option<&'static str>,
) -> Result<Response, PageError> {
    let shell = Shell::new(&caller, "/billing");
    let can_manage = iop_app::policy::allows(
        caller.authed.actor.role,
        iop_app::Action::ManageBillingSetup,
    );
    let (payers, contracts, programs, fmt) = state
        .run(caller.ctx.clone(), |app, ctx| {
            let programs = app
                .organisation(ctx)?
                .into_iter()
                .map(|p| (p.program.id.to_string(), p.program.name))
                .collect();
            Ok((
                app.payers(ctx)?,
                app.contracts(ctx)?,
                programs,
                app.organisation_style(ctx)?,
            ))
        })
        .await?;
    let (form, typed, error) = refused;
    let refusal = error.is_some();
    render_refusable(
        &SetupPage {
            shell,
            payers,
            contracts,
            programs,
            indicators: ClaimFilingIndicator::iter().collect(),
            can_manage,
            refused: form.to_string(),
            typed,
            error,
            notice,
            fmt,
        },
        refusal,
    )
}

pub async fn show(
    State(state): State<AppState>,
    caller: Caller,
    Query(f): Query<Flash>,
) -> Result<Response, PageError> {
    let notice = match f.done.as_deref() {
        Some("payer") => Some("The payer is added."),
        Some("contract") => Some("The contract is added; new charges are priced by it."),
        _ => None,
    };
    page(&state, caller, ("", HashMap::new(), None), notice).await
}

fn fields(f: Vec<(String, String)>) -> HashMap<String, String> {
    f.into_iter().collect()
}

fn get(t: &HashMap<String, String>, k: &str) -> String {
    t.get(k).cloned().unwrap_or_default()
}

/// An optional date field: blank is none.
fn optional_date(
    t: &HashMap<String, String>,
    k: &str,
    what: &str,
) -> Result<Option<jiff::civil::Date>, AppError> {
    Ok(parse_optional_day(t.get(k).map(String::as_str), what)?.map(|d| d.0))
}

/// An authorization's units, a whole number.
fn units(t: &HashMap<String, String>) -> Result<i32, AppError> {
    get(t, "units")
        .trim()
        .parse()
        .map_err(|_| AppError::Invalid("the units are a whole number".into()))
}

pub async fn add_payer(
    State(state): State<AppState>,
    caller: Caller,
    PageForm(f): PageForm<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let typed = fields(f);
    let t = typed.clone();
    let result = state
        .run(caller.ctx.clone(), move |app, ctx| {
            let indicator = get(&t, "claim_filing_indicator")
                .parse()
                .map_err(|_| AppError::Invalid("choose the kind of plan".into()))?;
            app.add_payer(
                ctx,
                NewPayer {
                    name: get(&t, "name"),
                    payer_id: get(&t, "payer_id"),
                    address: AddressInput {
                        line: get(&t, "line"),
                        city: get(&t, "city"),
                        state: get(&t, "state"),
                        zip: get(&t, "zip"),
                    },
                    claim_filing_indicator: indicator,
                },
            )
        })
        .await;
    match result {
        Ok(_) => Ok(Redirect::to("/billing/setup?done=payer").into_response()),
        Err(e @ (AppError::Invalid(_) | AppError::Conflict(_))) => {
            page(&state, caller, ("payer", typed, Some(e.to_string())), None).await
        }
        Err(e) => Err(e.into()),
    }
}

/// "H0015 = 150.00" lines (or "H0015 150") to codes and cents.
fn fee_lines(text: &str) -> Result<BTreeMap<String, i64>, AppError> {
    let mut fees = BTreeMap::new();
    for line in text.lines().map(str::trim).filter(|l| !l.is_empty()) {
        let (code, amount) = line
            .split_once(['=', ' ', '\t'])
            .map(|(c, a)| (c.trim(), a.trim().trim_start_matches('=').trim()))
            .ok_or_else(|| {
                AppError::Invalid(format!(
                    "each fee is a code and an amount, like \"H0015 = 150.00\" (not {:?})",
                    line.chars().take(40).collect::<String>()
                ))
            })?;
        fees.insert(code.to_uppercase(), cents(amount)?);
    }
    Ok(fees)
}

pub async fn add_contract(
    State(state): State<AppState>,
    caller: Caller,
    PageForm(f): PageForm<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let typed = fields(f);
    let t = typed.clone();
    let result = state
        .run(caller.ctx.clone(), move |app, ctx| {
            let payer = get(&t, "payer_id");
            let minutes = get(&t, "minimum_minutes");
            app.add_contract(
                ctx,
                NewContract {
                    program_id: form_id(&get(&t, "program_id"), "program")?,
                    payer_id: (!payer.is_empty())
                        .then(|| form_id(&payer, "payer"))
                        .transpose()?,
                    coding_mode: get(&t, "coding_mode")
                        .parse::<CodingMode>()
                        .map_err(|_| AppError::Invalid("choose per diem or per service".into()))?,
                    per_diem_code: get(&t, "per_diem_code"),
                    minimum_minutes: minutes.trim().parse().map_err(|_| {
                        AppError::Invalid("the minimum minutes are a whole number".into())
                    })?,
                    fees: fee_lines(&get(&t, "fees"))?,
                    place_of_service: get(&t, "place_of_service"),
                    modifiers: get(&t, "modifiers")
                        .split([',', ' '])
                        .filter(|m| !m.is_empty())
                        .map(str::to_string)
                        .collect(),
                    authorization_required: t.contains_key("authorization_required"),
                    telehealth_modifier_95: t.contains_key("telehealth_modifier_95"),
                    effective_from: parse_date(&get(&t, "effective_from"), "the first day")?,
                    effective_to: optional_date(&t, "effective_to", "the last day")?,
                },
            )
        })
        .await;
    match result {
        Ok(_) => Ok(Redirect::to("/billing/setup?done=contract").into_response()),
        Err(e @ (AppError::Invalid(_) | AppError::Conflict(_) | AppError::NotFound(_))) => {
            page(
                &state,
                caller,
                ("contract", typed, Some(e.to_string())),
                None,
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}

/// `POST /patients/{id}/authorizations` from the coverage page.
pub async fn add_authorization(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    PageForm(f): PageForm<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let t = fields(f);
    let typed = t.clone();
    let result = state
        .run(caller.ctx.clone(), move |app, ctx| {
            app.add_authorization(
                ctx,
                NewAuthorization {
                    coverage_id: form_id(&get(&t, "coverage_id"), "coverage")?,
                    number: get(&t, "number"),
                    service_code: get(&t, "service_code"),
                    units: units(&t)?,
                    start_date: parse_date(&get(&t, "start_date"), "the first day")?,
                    end_date: parse_date(&get(&t, "end_date"), "the last day")?,
                    next_review_on: optional_date(&t, "next_review_on", "the review date")?,
                },
            )
        })
        .await;
    match result {
        Ok(_) => Ok(
            Redirect::to(&format!("/patients/{id}/coverage?done=authorization")).into_response(),
        ),
        Err(e @ (AppError::Invalid(_) | AppError::Conflict(_) | AppError::NotFound(_))) => {
            crate::pages::billing::patient::coverage_page_typed(
                &state,
                caller,
                id,
                e.to_string(),
                typed,
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}

/// `POST /billing/authorizations/{id}`: the payer's answer to a review.
pub async fn change_authorization(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    PageForm(f): PageForm<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let t = fields(f);
    let result = state
        .run(caller.ctx.clone(), move |app, ctx| {
            app.change_authorization(
                ctx,
                form_id(&id, "authorization")?,
                units(&t)?,
                parse_date(&get(&t, "end_date"), "the last day")?,
                optional_date(&t, "next_review_on", "the review date")?,
            )
        })
        .await;
    match result {
        Ok(()) => Ok(Redirect::to("/billing?done=authorization").into_response()),
        Err(e @ (AppError::Invalid(_) | AppError::Conflict(_))) => {
            crate::pages::billing::queues::page(&state, caller, None, Some(e.to_string())).await
        }
        Err(e) => Err(e.into()),
    }
}

#[cfg(test)]
mod tests {
    use super::fee_lines;

    #[test]
    fn fee_lines_read_a_code_and_dollars_per_line() {
        let fees = fee_lines("h0015 = 150.00\n\nS9480 210").unwrap_or_default();
        assert_eq!(fees.get("H0015"), Some(&15000));
        assert_eq!(fees.get("S9480"), Some(&21000));
        assert!(fee_lines("H0015").is_err());
        assert!(fee_lines("H0015 = lots").is_err());
    }
}
