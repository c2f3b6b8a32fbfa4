//! A patient's money: coverage, the printable statement and payments.

use crate::access::Caller;
use crate::error::PageError;
use crate::extract::form_id;
use crate::extract::PageForm;
use crate::pages::refusal;
use crate::pages::shell::{render, Shell};
use crate::{blocking, AppState};
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use iop_app::billing::coverage::Coverage;
use iop_app::billing::coverage::NewCoverage;
use iop_app::billing::receivables::{Statement, PAYMENT_METHODS};
use iop_app::billing::setup::AddressInput;
use iop_app::billing::setup::Payer;
use iop_app::calendar::sessions::parse_date;
use iop_app::AppError;

#[derive(Template)]
#[template(path = "statement.html")]
struct StatementPage {
    fmt: iop_domain::display::Style,
    s: Statement,
    patient_id: String,
    csrf: String,
    methods: [&'static str; 3],
    today: String,
    can_record: bool,
    error: Option<String>,
    /// What was typed in a refused payment form, shown again.
    typed: Option<PaymentForm>,
    /// The refusal was a payment above the balance: offer the credit confirmation.
    offer_credit: bool,
    notice: Option<&'static str>,
}

#[derive(serde::Deserialize)]
pub struct StatementQuery {
    from: Option<String>,
    to: Option<String>,
    done: Option<String>,
}

async fn statement_page(
    state: &AppState,
    caller: Caller,
    id: String,
    q: StatementQuery,
    error: Option<String>,
    typed: Option<PaymentForm>,
) -> Result<Response, PageError> {
    let notice = match q.done.as_deref() {
        Some("payment") => Some("The payment is recorded."),
        Some("void") => Some("The payment is void; it stays on the statement with the reason."),
        _ => None,
    };
    let csrf = Shell::new(&caller, "/billing").csrf;
    let offer_credit = error
        .as_deref()
        .is_some_and(|e| e.contains("kept as a credit"));
    let can_record =
        iop_app::policy::allows(caller.authed.actor.role, iop_app::Action::ManageBilling);
    let app = state.app.clone();
    let ctx = caller.ctx.clone();
    let pid = id.clone();
    let (s, today) = blocking(move || {
        let patient = crate::extract::form_id(&pid, "patient")?;
        let today = app.patient_today(&ctx, patient)?;
        let to =
            q.to.as_deref()
                .map(|d| parse_date(d, "to"))
                .transpose()?
                .unwrap_or(today);
        let from = match q.from.as_deref() {
            Some(d) => parse_date(d, "from")?,
            None => to
                .checked_sub(jiff::Span::new().days(90))
                .map_err(|e| AppError::Internal(e.to_string()))?,
        };
        Ok((app.statement(&ctx, patient, from, to)?, today))
    })
    .await?;
    let code = if error.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    let fmt = crate::pages::shell::organisation_style(state, &caller).await?;
    let mut res = render(&StatementPage {
        fmt,
        s,
        patient_id: id,
        csrf,
        methods: PAYMENT_METHODS,
        today: today.to_string(),
        can_record,
        error,
        typed,
        offer_credit,
        notice,
    })?;
    *res.status_mut() = code;
    Ok(res)
}

pub async fn statement(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    Query(q): Query<StatementQuery>,
) -> Result<Response, PageError> {
    statement_page(&state, caller, id, q, None, None).await
}

#[derive(serde::Deserialize, Clone, Default)]
pub struct PaymentForm {
    amount: String,
    method: String,
    #[serde(default)]
    reference: String,
    received_on: String,
    /// A checkbox: keep what is over the balance as a credit.
    as_credit: Option<String>,
}

impl PaymentForm {
    fn amount(&self) -> &str {
        &self.amount
    }
    fn method(&self) -> &str {
        &self.method
    }
    fn reference(&self) -> &str {
        &self.reference
    }
    fn received_on(&self) -> &str {
        &self.received_on
    }
}

/// Ten digits as a US number: (502) 555-0142.
pub fn phone(digits: &str) -> String {
    if digits.len() == 10 && digits.bytes().all(|b| b.is_ascii_digit()) {
        format!("({}) {}-{}", &digits[..3], &digits[3..6], &digits[6..])
    } else {
        digits.to_string()
    }
}

/// "12.50" or "12" dollars to cents, refusing anything else.
pub(crate) fn cents(s: &str) -> Result<i64, AppError> {
    let s = s.trim().trim_start_matches('$');
    let (whole, frac) = s.split_once('.').unwrap_or((s, ""));
    let bad = || AppError::Invalid("the amount is in dollars, like 25 or 25.50".into());
    if whole.is_empty()
        || frac.len() > 2
        || !whole.bytes().all(|b| b.is_ascii_digit())
        || !frac.bytes().all(|b| b.is_ascii_digit())
        || whole.len() > 9
    {
        return Err(bad());
    }
    let w: i64 = whole.parse().map_err(|_| bad())?;
    let f: i64 = if frac.is_empty() {
        0
    } else {
        format!("{frac:0<2}").parse().map_err(|_| bad())?
    };
    Ok(w * 100 + f)
}

pub async fn payment(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    PageForm(f): PageForm<PaymentForm>,
) -> Result<Response, PageError> {
    let pid = id.clone();
    let typed = f.clone();
    let r = state
        .run(caller.ctx.clone(), move |app, ctx| {
            let amount = cents(&f.amount)?;
            let on = parse_date(&f.received_on, "the date received")?;
            app.record_patient_payment(
                ctx,
                crate::extract::form_id(&pid, "patient")?,
                iop_domain::Cents(amount),
                &f.method,
                Some(&f.reference),
                on,
                f.as_credit.is_some(),
            )
        })
        .await;
    match r {
        Ok(_) => {
            Ok(Redirect::to(&format!("/patients/{id}/statement?done=payment")).into_response())
        }
        Err(e) if refusal(&e) => {
            statement_page(
                &state,
                caller,
                id,
                StatementQuery {
                    from: None,
                    to: None,
                    done: None,
                },
                Some(e.to_string()),
                Some(typed),
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(serde::Deserialize)]
pub struct VoidForm {
    patient_id: String,
    reason: String,
    confirmed: Option<String>,
}

pub async fn void_payment(
    State(state): State<AppState>,
    caller: Caller,
    crate::extract::PathId(payment): crate::extract::PathId<iop_domain::ids::PaymentId>,
    PageForm(f): PageForm<VoidForm>,
) -> Result<Response, PageError> {
    if f.confirmed.as_deref() != Some("yes") && !f.reason.trim().is_empty() {
        // Money leaves the ledger: asked once, on a page of its own.
        return render(&crate::pages::shell::Confirm {
            shell: Shell::new(&caller, "/billing"),
            title: "Void this payment?".into(),
            message: format!(
                "The payment stays on the statement marked void with the reason \"{}\", and the balance goes back up by its amount.",
                f.reason.trim()
            ),
            action: format!("/payments/{payment}/void"),
            fields: vec![
                ("patient_id".into(), f.patient_id.clone()),
                ("reason".into(), f.reason.clone()),
            ],
            button: "Void the payment".into(),
            cancel: format!("/patients/{}/statement", f.patient_id),
        });
    }
    let r = state
        .run(caller.ctx.clone(), move |app, ctx| {
            app.void_patient_payment(ctx, payment, &f.reason)
        })
        .await;
    match r {
        Ok(()) => Ok(
            Redirect::to(&format!("/patients/{}/statement?done=void", f.patient_id))
                .into_response(),
        ),
        Err(e) if refusal(&e) => {
            let q = StatementQuery {
                from: None,
                to: None,
                done: None,
            };
            statement_page(&state, caller, f.patient_id, q, Some(e.to_string()), None).await
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Template)]
#[template(path = "coverage.html")]
struct CoveragePage {
    fmt: iop_domain::display::Style,
    shell: Shell,
    patient_id: String,
    coverages: Vec<Coverage>,
    payers: Vec<Payer>,
    error: Option<String>,
    notice: Option<&'static str>,
    /// Billing staff record authorizations against a coverage here.
    can_authorize: bool,
    /// The refused form (an authorization or a coverage) as it was sent.
    typed: std::collections::HashMap<String, String>,
}

impl CoveragePage {
    /// A field of the refused form as it was sent, else `default`.
    fn field(&self, key: &str, default: &str) -> String {
        self.typed
            .get(key)
            .cloned()
            .unwrap_or_else(|| default.to_string())
    }
}

/// The coverage page after a refused authorization, with what was typed.
pub(crate) async fn coverage_page_typed(
    state: &AppState,
    caller: Caller,
    id: String,
    error: String,
    typed: std::collections::HashMap<String, String>,
) -> Result<Response, PageError> {
    coverage_page_with(state, caller, id, Some(error), None, typed).await
}

async fn coverage_page_with(
    state: &AppState,
    caller: Caller,
    id: String,
    error: Option<String>,
    notice: Option<&'static str>,
    typed: std::collections::HashMap<String, String>,
) -> Result<Response, PageError> {
    let can_authorize =
        iop_app::policy::allows(caller.authed.actor.role, iop_app::Action::ManageBilling);
    let shell = Shell::new(&caller, "/census");
    let pid = id.clone();
    let (coverages, payers) = state
        .run(caller.ctx.clone(), move |app, ctx| {
            Ok((
                app.coverages(ctx, crate::extract::form_id(&pid, "patient")?)?,
                app.payer_choices(ctx)?,
            ))
        })
        .await?;
    let fmt = crate::pages::shell::organisation_style(state, &caller).await?;
    let refusal = error.is_some();
    crate::pages::shell::render_refusable(
        &CoveragePage {
            fmt,
            shell,
            patient_id: id,
            coverages,
            payers,
            error,
            notice,
            can_authorize,
            typed,
        },
        refusal,
    )
}

pub async fn coverage(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    axum::extract::Query(f): axum::extract::Query<crate::pages::shell::Flash>,
) -> Result<Response, PageError> {
    let notice = match f.done.as_deref() {
        Some("authorization") => Some("The authorization is recorded."),
        _ => None,
    };
    coverage_page_with(&state, caller, id, None, notice, Default::default()).await
}

#[derive(serde::Deserialize, serde::Serialize)]
pub struct CoverageForm {
    payer_id: String,
    member_id: String,
    #[serde(default)]
    group_number: String,
    relationship: String,
    #[serde(default)]
    subscriber_first: String,
    #[serde(default)]
    subscriber_last: String,
    #[serde(default)]
    subscriber_dob: String,
    #[serde(default)]
    subscriber_sex: String,
    line: String,
    city: String,
    state: String,
    zip: String,
    effective_from: String,
}

pub async fn add_coverage(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    PageForm(f): PageForm<CoverageForm>,
) -> Result<Response, PageError> {
    let pid = id.clone();
    let typed = crate::extract::as_typed(&f);
    let some = |s: String| Some(s).filter(|v| !v.trim().is_empty());
    let r = state
        .run(caller.ctx.clone(), move |app, ctx| {
            let n = NewCoverage {
                payer_id: form_id(&f.payer_id, "payer_id")?,
                member_id: f.member_id,
                group_number: some(f.group_number),
                priority: iop_domain::billing::CoveragePriority::Primary,
                relationship: f.relationship,
                subscriber_first: some(f.subscriber_first),
                subscriber_last: some(f.subscriber_last),
                subscriber_dob: some(f.subscriber_dob)
                    .map(|d| parse_date(&d, "the subscriber's date of birth"))
                    .transpose()?,
                subscriber_sex: some(f.subscriber_sex),
                address: AddressInput {
                    line: f.line,
                    city: f.city,
                    state: f.state,
                    zip: f.zip,
                },
                effective_from: parse_date(&f.effective_from, "the start of coverage")?,
                effective_to: None,
            };
            app.add_coverage(ctx, crate::extract::form_id(&pid, "patient")?, n)
        })
        .await;
    match r {
        Ok(_) => Ok(Redirect::to(&format!("/patients/{id}/coverage")).into_response()),
        Err(e) if refusal(&e) => {
            coverage_page_typed(&state, caller, id, e.to_string(), typed).await
        }
        Err(e) => Err(e.into()),
    }
}

#[cfg(test)]
mod tests {
    use super::cents;

    #[test]
    fn dollar_amounts_become_cents_and_nonsense_is_refused() {
        assert_eq!(cents("25").ok(), Some(2500));
        assert_eq!(cents("$25.5").ok(), Some(2550));
        assert_eq!(cents("0.07").ok(), Some(7));
        for bad in ["", "-5", "1.234", "abc", "1e3", "9999999999"] {
            assert!(cents(bad).is_err(), "{bad}");
        }
    }
}
