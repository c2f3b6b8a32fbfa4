//! Billing's work: the queues (pending charges with their reasons, held claims, authorizations to review, unmatched remittances) and the actions that move money (generate charges, build claims, send a batch, import an 835), with receivables.

use crate::access::Caller;
use crate::error::PageError;
use crate::extract::PageForm;
use crate::extract::PathId;
use crate::pages::refusal;
use crate::pages::shell::{render, Shell};
use crate::{blocking, AppState};
use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use iop_app::billing::charges::Charge;
use iop_app::billing::claims::ClaimView;
use iop_app::billing::coverage::AuthorizationView;
use iop_app::billing::receivables::Receivables;
use iop_app::billing::remittances::UnmatchedRemittance;
use iop_app::calendar::sessions::parse_date;
use iop_app::AppError;
use iop_domain::Cents;

/// Dollars for a page.
pub fn money(cents: &Cents) -> String {
    cents.to_string()
}

#[derive(Template)]
#[template(path = "billing.html")]
struct BillingPage {
    shell: Shell,
    pending: Vec<Charge>,
    held: Vec<ClaimView>,
    recent: Vec<ClaimView>,
    auths: Vec<AuthorizationView>,
    unmatched: Vec<UnmatchedRemittance>,
    ledger: Vec<iop_app::billing::remittances::ProviderLedgerEntry>,
    batches: Vec<iop_app::billing::claims::ClaimBatch>,
    ar: Receivables,
    from: String,
    to: String,
    names: std::collections::HashMap<iop_domain::ids::PatientId, String>,
    notice: Option<String>,
    error: Option<String>,
    fmt: iop_domain::display::Style,
}

impl BillingPage {
    fn who(&self, patient_id: &iop_domain::ids::PatientId) -> &str {
        self.names.get(patient_id).map_or("", String::as_str)
    }

    /// The payer has it: a replacement or void may follow.
    fn correctable(&self, k: &ClaimView) -> bool {
        k.status.with_payer()
    }
}

#[derive(serde::Deserialize)]
pub struct Flash {
    done: Option<String>,
    matched: Option<u32>,
    of: Option<u32>,
}

pub(crate) async fn page(
    state: &AppState,
    caller: Caller,
    notice: Option<String>,
    error: Option<String>,
) -> Result<Response, PageError> {
    let shell = Shell::new(&caller, "/billing");
    let app = state.app.clone();
    let ctx = caller.ctx.clone();
    let (today, fmt) = state
        .run(caller.ctx.clone(), |app, ctx| {
            Ok((app.organisation_today(ctx)?, app.organisation_style(ctx)?))
        })
        .await?;
    let from = today
        .checked_sub(jiff::Span::new().days(60))
        .map_err(|e| AppError::Internal(e.to_string()))?;
    let (pending, held, recent, auths, (unmatched, ledger), batches, ar, names) =
        blocking(move || {
            let mut pending = app.charges(&ctx, from, today, None)?;
            pending.retain(|c| c.status == iop_domain::billing::ChargeStatus::Pending);
            let held = app.claims(&ctx, Some(iop_domain::billing::ClaimStatus::Held))?;
            let mut recent = app.claims(&ctx, None)?;
            recent.retain(|k| k.status != iop_domain::billing::ClaimStatus::Held);
            recent.truncate(30);
            let auths = app.authorization_queue(&ctx)?;
            let ids: Vec<iop_domain::ids::PatientId> = pending
                .iter()
                .map(|c| c.patient_id)
                .chain(held.iter().chain(recent.iter()).map(|k| k.patient_id))
                .chain(auths.iter().map(|a| a.row.patient_id))
                .collect();
            let names = app.patient_labels(&ctx, &ids)?;
            Ok((
                pending,
                held,
                recent,
                auths,
                (app.unmatched_remittances(&ctx)?, app.provider_ledger(&ctx)?),
                app.claim_batches(&ctx)?,
                app.receivables(&ctx)?,
                names,
            ))
        })
        .await?;
    let code = if error.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    let mut res = render(&BillingPage {
        shell,
        pending,
        held,
        recent,
        auths,
        unmatched,
        ledger,
        batches,
        ar,
        from: from.to_string(),
        to: today.to_string(),
        names,
        notice,
        error,
        fmt,
    })?;
    *res.status_mut() = code;
    Ok(res)
}

pub async fn show(
    State(state): State<AppState>,
    caller: Caller,
    Query(f): Query<Flash>,
) -> Result<Response, PageError> {
    let notice = f.done.map(|d| match d.as_str() {
        "charges" => "Charges are up to date.".to_string(),
        "claims" => "Claims are built and checked.".to_string(),
        "batch" => "The batch is written; download its 837P below.".to_string(),
        "nobatch" => "No claim was ready to send.".to_string(),
        "835" => match (f.matched, f.of) {
            (Some(0), Some(of)) => format!("0 of {of} claims matched: nothing was posted to a claim. Match each item below by hand."),
            (Some(m), Some(of)) if m < of => format!("{m} of {of} claims matched and posted; the rest wait below to be matched by hand."),
            (Some(m), Some(_)) => format!("The remittance is posted: all {m} claims matched."),
            _ => "The remittance is posted.".to_string(),
        },
        "matched" => "The item is posted to the claim and closed.".to_string(),
        "corrected" => "The correction is made; build and check claims, then write the batch.".to_string(),
        "835again" => "That remittance was imported before; nothing changed.".to_string(),
        "resolved" => "The item is closed.".to_string(),
        "authorization" => "The authorization's new terms are recorded.".to_string(),
        _ => "Done.".to_string(),
    });
    page(&state, caller, notice, None).await
}

async fn after(
    state: &AppState,
    caller: Caller,
    r: Result<&str, AppError>,
) -> Result<Response, PageError> {
    match r {
        Ok(done) => Ok(Redirect::to(&format!("/billing?done={done}")).into_response()),
        Err(e) if refusal(&e) => page(state, caller, None, Some(e.to_string())).await,
        Err(e) => Err(e.into()),
    }
}

#[derive(serde::Deserialize)]
pub struct PeriodForm {
    from: String,
    to: String,
}

pub async fn generate(
    State(state): State<AppState>,
    caller: Caller,
    PageForm(f): PageForm<PeriodForm>,
) -> Result<Response, PageError> {
    let r = state
        .run(caller.ctx.clone(), move |app, ctx| {
            let (from, to) = (parse_date(&f.from, "from")?, parse_date(&f.to, "to")?);
            app.generate_charges(ctx, from, to).map(|_| "charges")
        })
        .await;
    after(&state, caller, r).await
}

pub async fn build(
    State(state): State<AppState>,
    caller: Caller,
    PageForm(_): PageForm<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let r = state
        .run(caller.ctx.clone(), move |app, ctx| {
            app.build_claims(ctx).map(|_| "claims")
        })
        .await;
    after(&state, caller, r).await
}

pub async fn batch(
    State(state): State<AppState>,
    caller: Caller,
    PageForm(_): PageForm<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let r = state
        .run(caller.ctx.clone(), move |app, ctx| {
            app.create_claim_batch(ctx)
                .map(|b| if b.is_some() { "batch" } else { "nobatch" })
        })
        .await;
    after(&state, caller, r).await
}

#[derive(serde::Deserialize)]
pub struct RemitForm {
    content: String,
}

pub async fn import(
    State(state): State<AppState>,
    caller: Caller,
    PageForm(f): PageForm<RemitForm>,
) -> Result<Response, PageError> {
    let r = state
        .run(caller.ctx.clone(), move |app, ctx| {
            app.import_remittance(ctx, &f.content)
        })
        .await;
    match r {
        Ok(r) if r.already_imported => Ok(Redirect::to("/billing?done=835again").into_response()),
        Ok(r) => Ok(Redirect::to(&format!(
            "/billing?done=835&matched={}&of={}",
            r.claims_posted,
            r.claims_posted + r.unmatched
        ))
        .into_response()),
        Err(e) => after(&state, caller, Err(e)).await,
    }
}

#[derive(serde::Deserialize)]
pub struct CorrectForm {
    kind: String,
    reason: String,
    confirmed: Option<String>,
}

pub async fn correct(
    State(state): State<AppState>,
    caller: Caller,
    PathId(id): PathId<iop_domain::ids::ClaimId>,
    PageForm(f): PageForm<CorrectForm>,
) -> Result<Response, PageError> {
    // A correction goes to the payer and cannot be called back: asked once, and only
    // for one that can be made (a malformed one is refused at once, with its reason).
    let well_formed = matches!(
        f.kind.parse(),
        Ok(iop_domain::billing::ClaimFrequency::Replacement
            | iop_domain::billing::ClaimFrequency::Void)
    ) && (1..=300).contains(&f.reason.trim().chars().count());
    if f.confirmed.as_deref() != Some("yes") && well_formed {
        let (title, message, button) = if f.kind == "void" {
            (
                "Void this claim?",
                "A void goes to the payer in the next batch; the payer takes back what it paid on the claim.",
                "Void the claim",
            )
        } else {
            (
                "Replace this claim?",
                "A replacement goes to the payer in the next batch, built from the services as they stand now, and takes the place of the claim.",
                "Replace the claim",
            )
        };
        return render(&crate::pages::shell::Confirm {
            shell: Shell::new(&caller, "/billing"),
            title: title.into(),
            message: format!("{message} Reason: \"{}\".", f.reason.trim()),
            action: format!("/billing/claims/{id}/correct"),
            fields: vec![
                ("kind".into(), f.kind.clone()),
                ("reason".into(), f.reason.clone()),
            ],
            button: button.into(),
            cancel: "/billing".into(),
        });
    }
    let r = state
        .run(caller.ctx.clone(), move |app, ctx| {
            let kind = f
                .kind
                .parse()
                .map_err(|_| AppError::Invalid("choose a replacement or a void".into()))?;
            app.correct_claim(ctx, id, kind, &f.reason)
                .map(|_| "corrected")
        })
        .await;
    after(&state, caller, r).await
}

#[derive(serde::Deserialize)]
pub struct MatchForm {
    claim_number: String,
}

pub async fn match_item(
    State(state): State<AppState>,
    caller: Caller,
    PathId(id): PathId<iop_domain::ids::UnmatchedId>,
    PageForm(f): PageForm<MatchForm>,
) -> Result<Response, PageError> {
    let r = state
        .run(caller.ctx.clone(), move |app, ctx| {
            app.match_unmatched(ctx, id, &f.claim_number)
                .map(|_| "matched")
        })
        .await;
    after(&state, caller, r).await
}

#[derive(serde::Deserialize)]
pub struct ResolveForm {
    resolution: String,
}

pub async fn resolve(
    State(state): State<AppState>,
    caller: Caller,
    PathId(id): PathId<iop_domain::ids::UnmatchedId>,
    PageForm(f): PageForm<ResolveForm>,
) -> Result<Response, PageError> {
    let r = state
        .run(caller.ctx.clone(), move |app, ctx| {
            app.resolve_unmatched(ctx, id, &f.resolution)
                .map(|_| "resolved")
        })
        .await;
    after(&state, caller, r).await
}

/// A sample 835 for the submitted claims (test mode only), as a download.
pub async fn sample_835(
    State(state): State<AppState>,
    caller: Caller,
) -> Result<Response, PageError> {
    let r = state
        .run(caller.ctx.clone(), move |app, ctx| {
            app.sample_remittance(ctx)
        })
        .await;
    match r {
        Ok(file) => Ok((
            [
                (
                    axum::http::header::CONTENT_TYPE,
                    "text/plain; charset=utf-8",
                ),
                (
                    axum::http::header::CONTENT_DISPOSITION,
                    "attachment; filename=\"sample-835.x12\"",
                ),
            ],
            file,
        )
            .into_response()),
        Err(e) => after(&state, caller, Err(e)).await,
    }
}

pub async fn batch_file(
    State(state): State<AppState>,
    caller: Caller,
    PathId(id): PathId<iop_domain::ids::BatchId>,
) -> Result<Response, PageError> {
    let file = state
        .run(caller.ctx, move |app, ctx| app.claim_batch_file(ctx, id))
        .await?;
    Ok(crate::pages::billing::queues::x12_download(file))
}

/// The 837P as a download named for its batch and day.
pub fn x12_download(file: iop_app::billing::claims::BatchFile) -> Response {
    let disposition = format!("attachment; filename=\"{}\"", file.name);
    (
        [
            (
                axum::http::header::CONTENT_TYPE,
                "application/edi-x12".to_string(),
            ),
            (axum::http::header::CONTENT_DISPOSITION, disposition),
        ],
        file.content,
    )
        .into_response()
}
