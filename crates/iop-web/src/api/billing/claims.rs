//! Money over the API: charges, claims and 837P batches, 835 remittances, payments, statements and receivables.

use crate::access::Caller;
use crate::api::accounts::users::Created;
use crate::api::{query, ApiResult, Problem, QueryResult};
use crate::extract::body_id;
use crate::extract::ApiJson;
use crate::extract::PathId;
use crate::AppState;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use iop_app::calendar::sessions::parse_date;
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};

#[derive(Deserialize, ToSchema, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct Period {
    /// YYYY-MM-DD.
    from: String,
    /// YYYY-MM-DD (at most 366 days after from).
    to: String,
    /// Only this patient.
    patient_id: Option<String>,
}

/// Make or update the charges of every documented service in a period (idempotent).
#[utoipa::path(post, path = "/api/v1/charges/generate", operation_id = "generate_charges", tag = "billing", request_body = Period, security(("bearer" = [])),
    responses((status = 200, description = "ready, pending, unchanged, voided", body = iop_app::billing::charges::GenerateReport), (status = 422, body = Problem)))]
pub async fn generate(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(p): ApiJson<Period>,
) -> ApiResult<Json<iop_app::billing::charges::GenerateReport>> {
    let (from, to) = (parse_date(&p.from, "from")?, parse_date(&p.to, "to")?);
    Ok(Json(
        state
            .run(caller.ctx, move |app, ctx| {
                app.generate_charges(ctx, from, to)
            })
            .await?,
    ))
}

/// Charges in a period, pending ones with their reason.
#[utoipa::path(get, path = "/api/v1/charges", tag = "billing", params(Period), security(("bearer" = [])),
    responses((status = 200, description = "charges", body = Vec<iop_app::billing::charges::Charge>), (status = 400, body = Problem), (status = 422, body = Problem)))]
pub async fn charges(
    State(state): State<AppState>,
    caller: Caller,
    q: QueryResult<Period>,
) -> ApiResult<Json<Vec<iop_app::billing::charges::Charge>>> {
    let p = query(q)?;
    let (from, to) = (parse_date(&p.from, "from")?, parse_date(&p.to, "to")?);
    let patient = p
        .patient_id
        .as_deref()
        .map(|v| body_id(v, "patient_id"))
        .transpose()?;
    Ok(Json(
        state
            .run(caller.ctx, move |app, ctx| {
                app.charges(ctx, from, to, patient)
            })
            .await?,
    ))
}

/// Group ready charges into claims and check every claim not yet sent.
#[utoipa::path(post, path = "/api/v1/claims/build", tag = "billing", security(("bearer" = [])), responses((status = 200, description = "created, ready, held", body = iop_app::billing::claims::ClaimsReport), (status = 403, body = Problem)))]
pub async fn build_claims(
    State(state): State<AppState>,
    caller: Caller,
) -> ApiResult<Json<iop_app::billing::claims::ClaimsReport>> {
    Ok(Json(
        state
            .run(caller.ctx, move |app, ctx| app.build_claims(ctx))
            .await?,
    ))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ClaimsQuery {
    /// held, ready, submitted, paid, partial, denied or void.
    status: Option<String>,
}

/// Claims, newest first; held ones say why.
#[utoipa::path(get, path = "/api/v1/claims", tag = "billing", params(ClaimsQuery), security(("bearer" = [])), responses((status = 200, description = "claims", body = Vec<iop_app::billing::claims::ClaimView>), (status = 400, body = Problem)))]
pub async fn claims(
    State(state): State<AppState>,
    caller: Caller,
    q: QueryResult<ClaimsQuery>,
) -> ApiResult<Json<Vec<iop_app::billing::claims::ClaimView>>> {
    let q = query(q)?;
    let status = q
        .status
        .as_deref()
        .map(|s| crate::extract::body_code(s, "status"))
        .transpose()?;
    Ok(Json(
        state
            .run(caller.ctx, move |app, ctx| app.claims(ctx, status))
            .await?,
    ))
}

/// Write every ready claim into an 837P batch.
#[utoipa::path(post, path = "/api/v1/claim-batches", tag = "billing", security(("bearer" = [])),
    responses((status = 201, body = Created), (status = 204, description = "no claim was ready"), (status = 409, body = Problem)))]
pub async fn create_batch(State(state): State<AppState>, caller: Caller) -> ApiResult<Response> {
    Ok(
        match state
            .run(caller.ctx, move |app, ctx| app.create_claim_batch(ctx))
            .await?
        {
            Some(id) => (StatusCode::CREATED, Json(Created::new(id))).into_response(),
            None => StatusCode::NO_CONTENT.into_response(),
        },
    )
}

/// Claim batches.
#[utoipa::path(get, path = "/api/v1/claim-batches", tag = "billing", security(("bearer" = [])), responses((status = 200, description = "id, control number, claims, total cents, created", body = Vec<iop_app::billing::claims::ClaimBatch>)))]
pub async fn batches(
    State(state): State<AppState>,
    caller: Caller,
) -> ApiResult<Json<Vec<iop_app::billing::claims::ClaimBatch>>> {
    Ok(Json(
        state
            .run(caller.ctx, move |app, ctx| app.claim_batches(ctx))
            .await?,
    ))
}

/// The 837P file of a batch.
#[utoipa::path(get, path = "/api/v1/claim-batches/{id}/837", tag = "billing", params(("id" = String, Path)), security(("bearer" = [])),
    responses((status = 200, content_type = "application/edi-x12", body = String), (status = 404, body = Problem)))]
pub async fn batch_file(
    State(state): State<AppState>,
    caller: Caller,
    PathId(id): PathId<iop_domain::ids::BatchId>,
) -> ApiResult<Response> {
    let file = state
        .run(caller.ctx, move |app, ctx| app.claim_batch_file(ctx, id))
        .await?;
    Ok(crate::pages::billing::queues::x12_download(file))
}

/// Import an 835 remittance: the body is the X12 text (sent as text/plain or
/// application/edi-x12). The same file twice changes nothing.
#[utoipa::path(post, path = "/api/v1/remittances", tag = "billing", request_body(content = String, content_type = "text/plain"), security(("bearer" = [])),
    responses((status = 200, description = "what was posted, with a summary such as \"0 of 1 claims matched\"", body = iop_app::billing::remittances::ImportReport), (status = 413, body = Problem), (status = 422, body = Problem)))]
pub async fn import_835(
    State(state): State<AppState>,
    caller: Caller,
    body: String,
) -> ApiResult<Json<iop_app::billing::remittances::ImportReport>> {
    Ok(Json(
        state
            .run(caller.ctx, move |app, ctx| {
                app.import_remittance(ctx, &body)
            })
            .await?,
    ))
}

/// Remittance items that matched no claim: the work queue.
#[utoipa::path(get, path = "/api/v1/remittances/unmatched", tag = "billing", security(("bearer" = [])), responses((status = 200, description = "unmatched items", body = Vec<iop_app::billing::remittances::UnmatchedRemittance>)))]
pub async fn unmatched(
    State(state): State<AppState>,
    caller: Caller,
) -> ApiResult<Json<Vec<iop_app::billing::remittances::UnmatchedRemittance>>> {
    Ok(Json(
        state
            .run(caller.ctx, move |app, ctx| app.unmatched_remittances(ctx))
            .await?,
    ))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PaymentBody {
    amount_cents: i64,
    /// cash, card or check.
    method: String,
    reference: Option<String>,
    received_on: String,
    /// Confirms that what is over the balance is kept as a credit on the account; without
    /// it a payment above the balance is refused (409).
    #[serde(default)]
    as_credit: bool,
}

/// Record a payment from the patient.
#[utoipa::path(post, path = "/api/v1/patients/{id}/payments", tag = "billing", params(("id" = String, Path)), request_body = PaymentBody, security(("bearer" = [])),
    responses((status = 201, body = Created), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn add_payment(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    ApiJson(b): ApiJson<PaymentBody>,
) -> ApiResult<(StatusCode, Json<Created>)> {
    let on = parse_date(&b.received_on, "received_on")?;
    let pid = state
        .run(caller.ctx, move |app, ctx| {
            app.record_patient_payment(
                ctx,
                crate::extract::form_id(&id, "patient")?,
                iop_domain::Cents(b.amount_cents),
                &b.method,
                b.reference.as_deref(),
                on,
                b.as_credit,
            )
        })
        .await?;
    Ok((StatusCode::CREATED, Json(Created::new(pid))))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct VoidBody {
    /// Why, such as "entered twice" or "check returned unpaid".
    reason: String,
}

/// Void a patient's payment with the reason; it stays on record and the statement shows its reversal.
#[utoipa::path(post, path = "/api/v1/payments/{id}/void", tag = "billing", params(("id" = String, Path)), request_body = VoidBody, security(("bearer" = [])),
    responses((status = 204), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn void_payment(
    State(state): State<AppState>,
    caller: Caller,
    PathId(id): PathId<iop_domain::ids::PaymentId>,
    ApiJson(b): ApiJson<VoidBody>,
) -> ApiResult<StatusCode> {
    state
        .run(caller.ctx, move |app, ctx| {
            app.void_patient_payment(ctx, id, &b.reason)
        })
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct StatementQuery {
    from: String,
    to: String,
}

/// A patient's statement for a period: services, their share after insurance, payments, balance.
#[utoipa::path(get, path = "/api/v1/patients/{id}/statement", tag = "billing", params(("id" = String, Path), StatementQuery), security(("bearer" = [])),
    responses((status = 200, description = "statement", body = iop_app::billing::receivables::Statement), (status = 400, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn statement(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    q: QueryResult<StatementQuery>,
) -> ApiResult<Json<iop_app::billing::receivables::Statement>> {
    let q = query(q)?;
    let (from, to) = (parse_date(&q.from, "from")?, parse_date(&q.to, "to")?);
    Ok(Json(
        state
            .run(caller.ctx, move |app, ctx| {
                app.statement(ctx, crate::extract::form_id(&id, "patient")?, from, to)
            })
            .await?,
    ))
}

/// Aging by payer and self-pay; revenue by month.
#[utoipa::path(get, path = "/api/v1/receivables", tag = "billing", security(("bearer" = [])), responses((status = 200, description = "aging and revenue", body = iop_app::billing::receivables::Receivables), (status = 403, body = Problem)))]
pub async fn receivables(
    State(state): State<AppState>,
    caller: Caller,
) -> ApiResult<Json<iop_app::billing::receivables::Receivables>> {
    Ok(Json(
        state
            .run(caller.ctx, move |app, ctx| app.receivables(ctx))
            .await?,
    ))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ResolveBody {
    /// What was done about it.
    resolution: String,
}

/// Close an unmatched remittance item with what was done about it.
#[utoipa::path(post, path = "/api/v1/remittances/unmatched/{id}/resolve", tag = "billing", params(("id" = String, Path)), request_body = ResolveBody, security(("bearer" = [])),
    responses((status = 204), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn resolve(
    State(state): State<AppState>,
    caller: Caller,
    PathId(id): PathId<iop_domain::ids::UnmatchedId>,
    ApiJson(b): ApiJson<ResolveBody>,
) -> ApiResult<StatusCode> {
    state
        .run(caller.ctx, move |app, ctx| {
            app.resolve_unmatched(ctx, id, &b.resolution)
        })
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MatchBody {
    /// Our claim number (CLM01) the item pays, such as IOP0000012.
    claim_number: String,
}

/// Post an unmatched remittance item to the claim it pays and close the item.
#[utoipa::path(post, path = "/api/v1/remittances/unmatched/{id}/match", tag = "billing", params(("id" = String, Path)), request_body = MatchBody, security(("bearer" = [])),
    responses((status = 204), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn match_unmatched(
    State(state): State<AppState>,
    caller: Caller,
    PathId(id): PathId<iop_domain::ids::UnmatchedId>,
    ApiJson(b): ApiJson<MatchBody>,
) -> ApiResult<StatusCode> {
    state
        .run(caller.ctx, move |app, ctx| {
            app.match_unmatched(ctx, id, &b.claim_number)
        })
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Provider-level adjustments (PLB) from posted remittances, newest first.
#[utoipa::path(get, path = "/api/v1/provider-ledger", tag = "billing", security(("bearer" = [])), responses((status = 200, description = "ledger entries", body = Vec<iop_app::billing::remittances::ProviderLedgerEntry>), (status = 403, body = Problem)))]
pub async fn provider_ledger(
    State(state): State<AppState>,
    caller: Caller,
) -> ApiResult<Json<Vec<iop_app::billing::remittances::ProviderLedgerEntry>>> {
    Ok(Json(
        state
            .run(caller.ctx, move |app, ctx| app.provider_ledger(ctx))
            .await?,
    ))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CorrectBody {
    /// replacement (frequency 7) or void (8).
    kind: String,
    /// Why, such as "wrong units on the 12th" or "billed to the wrong payer".
    reason: String,
}

/// Replace or void a claim the payer has; the correction names it by the payer's claim number (REF*F8) and goes out in the next batch. The original stays on record.
#[utoipa::path(post, path = "/api/v1/claims/{id}/correct", tag = "billing", params(("id" = String, Path)), request_body = CorrectBody, security(("bearer" = [])),
    responses((status = 201, body = Created), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn correct(
    State(state): State<AppState>,
    caller: Caller,
    PathId(id): PathId<iop_domain::ids::ClaimId>,
    ApiJson(b): ApiJson<CorrectBody>,
) -> ApiResult<(StatusCode, Json<Created>)> {
    let kind = crate::extract::body_code(b.kind.trim(), "kind")?;
    let new = state
        .run(caller.ctx, move |app, ctx| {
            app.correct_claim(ctx, id, kind, &b.reason)
        })
        .await?;
    Ok((StatusCode::CREATED, Json(Created::new(new))))
}
