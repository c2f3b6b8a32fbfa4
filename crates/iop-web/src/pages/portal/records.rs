//! The patient's plans (read, print, sign), consents (read, withdraw a recipient), the
//! accounting of disclosures and the statement.

use super::{render, run, PortalResult, PortalShell};
use crate::extract::PageForm;
use crate::portal_access::{PortalCaller, PortalError};
use crate::AppState;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect};
use iop_app::consent::drafts::DraftView;
use iop_app::portal::records::{PlanKind, PortalPlan};
use iop_app::portal::{PortalConsent, PortalDisclosure, PortalStatement};
use iop_app::AppError;
use iop_domain::consent::Expiry;
use iop_domain::display::Style;
use serde::Deserialize;

fn not_found() -> PortalError {
    PortalError(AppError::NotFound("page".into()))
}

fn uuid_of(raw: &str) -> Result<uuid::Uuid, PortalError> {
    raw.parse().map_err(|_| not_found())
}

#[derive(Template)]
#[template(path = "portal/plans.html")]
struct PlansPage {
    shell: PortalShell,
    plans: Vec<PortalPlan>,
    fmt: Style,
}

#[derive(Template)]
#[template(path = "portal/plan.html")]
struct PlanPage {
    shell: PortalShell,
    plan: PortalPlan,
    fmt: Style,
    done: Option<&'static str>,
    error: Option<String>,
    typed: String,
}

#[derive(Template)]
#[template(path = "portal/consents.html")]
struct ConsentsPage {
    shell: PortalShell,
    drafts: Vec<DraftView>,
    consents: Vec<PortalConsent>,
    fmt: Style,
    done: Option<&'static str>,
    /// The draft a refused signature is about, its message, and what was typed.
    error_at: String,
    error: Option<String>,
    typed: String,
}

impl ConsentsPage {
    fn expiry(&self, e: &Expiry) -> String {
        match e {
            Expiry::On(d) => self.fmt.day(*d),
            Expiry::EndOfTreatment => "the end of my treatment".into(),
            Expiry::Never => "I withdraw it".into(),
        }
    }
}

#[derive(Template)]
#[template(path = "portal/disclosures.html")]
struct DisclosuresPage {
    shell: PortalShell,
    rows: Vec<PortalDisclosure>,
    fmt: Style,
}

impl DisclosuresPage {
    fn described(&self, d: &PortalDisclosure) -> String {
        d.information
            .0
            .iter()
            .map(|k| k.describe())
            .collect::<Vec<_>>()
            .join("; ")
    }
}

#[derive(Template)]
#[template(path = "portal/statement.html")]
struct StatementPage {
    shell: PortalShell,
    s: PortalStatement,
    fmt: Style,
}

impl StatementPage {
    fn money(&self, c: &iop_domain::Cents) -> String {
        c.to_string()
    }
}

async fn style(state: &AppState, caller: &PortalCaller) -> Result<Style, PortalError> {
    let patient = caller.authed.actor.patient_id;
    run(state, caller, move |app, ctx| {
        app.patient_style(ctx, patient)
    })
    .await
}

#[derive(Deserialize)]
pub struct DoneQuery {
    done: Option<String>,
}

pub async fn plans(State(state): State<AppState>, caller: PortalCaller) -> PortalResult {
    let plans = run(&state, &caller, |app, ctx| app.portal_plans(ctx)).await?;
    render(
        &PlansPage {
            fmt: style(&state, &caller).await?,
            shell: PortalShell::new(&caller, "/portal/plans"),
            plans,
        },
        false,
    )
}

fn kind_of(raw: &str) -> Result<PlanKind, PortalError> {
    PlanKind::parse(raw).ok_or_else(not_found)
}

pub async fn plan(
    State(state): State<AppState>,
    caller: PortalCaller,
    Path((kind, id)): Path<(String, String)>,
    Query(q): Query<DoneQuery>,
) -> PortalResult {
    let (kind, id) = (kind_of(&kind)?, uuid_of(&id)?);
    let plan = run(&state, &caller, move |app, ctx| {
        app.portal_plan(ctx, kind, id)
    })
    .await?;
    render(
        &PlanPage {
            fmt: style(&state, &caller).await?,
            shell: PortalShell::new(&caller, "/portal/plans"),
            plan,
            done: q.done.is_some().then_some("Signed. Thank you."),
            error: None,
            typed: String::new(),
        },
        false,
    )
}

#[derive(Deserialize)]
pub struct SignForm {
    #[serde(default)]
    signature: String,
}

pub async fn sign(
    State(state): State<AppState>,
    caller: PortalCaller,
    Path((kind, id)): Path<(String, String)>,
    PageForm(f): PageForm<SignForm>,
) -> PortalResult {
    let (kind, id) = (kind_of(&kind)?, uuid_of(&id)?);
    let typed = f.signature.clone();
    let result = run(&state, &caller, move |app, ctx| {
        app.portal_sign_plan(ctx, kind, id, &f.signature)
    })
    .await;
    match result {
        Ok(()) => Ok(
            Redirect::to(&format!("/portal/plans/{}/{id}?done=signed", kind.slug()))
                .into_response(),
        ),
        Err(PortalError(e @ (AppError::Invalid(_) | AppError::Conflict(_)))) => {
            let plan = run(&state, &caller, move |app, ctx| {
                app.portal_plan(ctx, kind, id)
            })
            .await?;
            render(
                &PlanPage {
                    fmt: style(&state, &caller).await?,
                    shell: PortalShell::new(&caller, "/portal/plans"),
                    plan,
                    done: None,
                    error: Some(e.to_string()),
                    typed,
                },
                true,
            )
        }
        Err(e) => Err(e),
    }
}

async fn consents_page(
    state: &AppState,
    caller: &PortalCaller,
    done: Option<&'static str>,
    refused: Option<(String, String, String)>,
) -> PortalResult {
    let consents = run(state, caller, |app, ctx| app.portal_consents(ctx)).await?;
    let drafts = run(state, caller, |app, ctx| app.portal_consent_drafts(ctx)).await?;
    let is_refusal = refused.is_some();
    let (error_at, error, typed) = match refused {
        Some((at, e, t)) => (at, Some(e), t),
        None => (String::new(), None, String::new()),
    };
    render(
        &ConsentsPage {
            fmt: style(state, caller).await?,
            shell: PortalShell::new(caller, "/portal/consents"),
            drafts,
            consents,
            done,
            error_at,
            error,
            typed,
        },
        is_refusal,
    )
}

pub async fn consents(
    State(state): State<AppState>,
    caller: PortalCaller,
    Query(q): Query<DoneQuery>,
) -> PortalResult {
    let done = match q.done.as_deref() {
        Some("signed") => Some("Signed. A copy is below; you can withdraw it here at any time."),
        Some(_) => Some("Withdrawn. Nothing more will be shared with them from now on."),
        None => None,
    };
    consents_page(&state, &caller, done, None).await
}

pub async fn sign_consent(
    State(state): State<AppState>,
    caller: PortalCaller,
    Path(id): Path<String>,
    PageForm(f): PageForm<SignForm>,
) -> PortalResult {
    let draft = iop_domain::ids::ConsentDraftId(uuid_of(&id)?);
    let typed = f.signature.clone();
    let result = run(&state, &caller, move |app, ctx| {
        app.portal_sign_consent(ctx, draft, &f.signature)
    })
    .await;
    match result {
        Ok(_) => Ok(Redirect::to("/portal/consents?done=signed").into_response()),
        Err(PortalError(e @ AppError::Invalid(_))) => {
            consents_page(
                &state,
                &caller,
                None,
                Some((draft.to_string(), e.to_string(), typed)),
            )
            .await
        }
        Err(e) => Err(e),
    }
}

#[derive(Template)]
#[template(path = "portal/confirm.html")]
struct ConfirmPage {
    shell: PortalShell,
    question: String,
    explain: &'static str,
    action: String,
    yes: &'static str,
    back: &'static str,
}

#[derive(Deserialize)]
pub struct Confirmed {
    #[serde(default)]
    confirmed: String,
}

/// Withdrawing asks once, on a page of its own (no script needed), naming who.
pub async fn withdraw(
    State(state): State<AppState>,
    caller: PortalCaller,
    Path((consent, recipient)): Path<(String, String)>,
    PageForm(f): PageForm<Confirmed>,
) -> PortalResult {
    let consent_id = iop_domain::ids::ConsentId(uuid_of(&consent)?);
    let recipient_id = iop_domain::ids::RecipientId(uuid_of(&recipient)?);
    if f.confirmed != "yes" {
        let consents = run(&state, &caller, |app, ctx| app.portal_consents(ctx)).await?;
        let name = consents
            .iter()
            .filter(|c| c.row.id == consent_id)
            .flat_map(|c| c.recipients.iter())
            .find(|r| r.id == recipient_id)
            .map(|r| r.name.clone())
            .ok_or_else(not_found)?;
        return render(
            &ConfirmPage {
                shell: PortalShell::new(&caller, "/portal/consents"),
                question: format!("Withdraw your permission for {name}?"),
                explain: "From now on nothing more is shared with them under it. What was already shared cannot be called back. You can sign a new permission later.",
                action: format!("/portal/consents/{consent}/recipients/{recipient}/withdraw"),
                yes: "Yes, withdraw it",
                back: "/portal/consents",
            },
            false,
        );
    }
    run(&state, &caller, move |app, ctx| {
        app.portal_revoke(ctx, consent_id, recipient_id)
    })
    .await?;
    Ok(Redirect::to("/portal/consents?done=withdrawn").into_response())
}

pub async fn disclosures(State(state): State<AppState>, caller: PortalCaller) -> PortalResult {
    let rows = run(&state, &caller, |app, ctx| app.portal_disclosures(ctx)).await?;
    render(
        &DisclosuresPage {
            fmt: style(&state, &caller).await?,
            shell: PortalShell::new(&caller, "/portal/consents"),
            rows,
        },
        false,
    )
}

pub async fn statement(State(state): State<AppState>, caller: PortalCaller) -> PortalResult {
    let s = run(&state, &caller, |app, ctx| app.portal_statement(ctx)).await?;
    render(
        &StatementPage {
            fmt: style(&state, &caller).await?,
            shell: PortalShell::new(&caller, "/portal/statement"),
            s,
        },
        false,
    )
}
