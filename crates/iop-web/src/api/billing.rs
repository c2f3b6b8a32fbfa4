//! Billing over the API: setup (site billing identity, payers, contracts), coverage and
//! authorizations, charges, claims and 837P batches, 835 import, statements, payments
//! and receivables. Billing never sees note text: nothing here returns it.

use super::users::Created;
use super::{query, ApiResult, Problem, QueryResult};
use crate::access::Caller;
use crate::extract::ApiJson;
use crate::AppState;
use axum::extract::{Path, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use iop_app::billing::coverage::{NewAuthorization, NewCoverage};
use iop_app::billing::setup::{AddressInput, NewContract, NewPayer, SiteBillingInput};
use iop_app::calendar::sessions::parse_date;
use serde::Deserialize;
use std::collections::BTreeMap;
use utoipa::{IntoParams, ToSchema};

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AddressBody {
    line: String,
    city: String,
    /// Two letters, such as KY.
    state: String,
    /// Five or nine digits.
    zip: String,
}

impl From<AddressBody> for AddressInput {
    fn from(a: AddressBody) -> Self {
        AddressInput {
            line: a.line,
            city: a.city,
            state: a.state,
            zip: a.zip,
        }
    }
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SiteBillingBody {
    organisation_name: String,
    /// Ten digits with a valid check digit.
    npi: String,
    /// Nine digits (EIN).
    tax_id: String,
    /// With the nine-digit ZIP code.
    address: AddressBody,
    /// The id the clearinghouse gave the program (ETIN).
    submitter_id: String,
    contact_name: String,
    contact_phone: String,
    receiver_name: String,
    receiver_id: String,
    /// Production files (false: test files).
    #[serde(default)]
    production: bool,
}

/// Set a site's billing identity and clearinghouse.
#[utoipa::path(put, path = "/api/v1/sites/{id}/billing", tag = "billing", params(("id" = String, Path)), request_body = SiteBillingBody, security(("bearer" = [])),
    responses((status = 204), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn site_billing(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    ApiJson(b): ApiJson<SiteBillingBody>,
) -> ApiResult<StatusCode> {
    let input = SiteBillingInput {
        organisation_name: b.organisation_name,
        npi: b.npi,
        tax_id: b.tax_id,
        address: b.address.into(),
        submitter_id: b.submitter_id,
        contact_name: b.contact_name,
        contact_phone: b.contact_phone,
        receiver_name: b.receiver_name,
        receiver_id: b.receiver_id,
        production: b.production,
    };
    state
        .run(caller.ctx, move |app, ctx| {
            app.set_site_billing(ctx, &id, input)
        })
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PayerBody {
    name: String,
    /// The payer id the clearinghouse routes on.
    payer_id: String,
    address: AddressBody,
}

/// Payers.
#[utoipa::path(get, path = "/api/v1/payers", tag = "billing", security(("bearer" = [])), responses((status = 200, description = "payers", body = Vec<iop_app::iop_store::billing::PayerRow>), (status = 403, body = Problem)))]
pub async fn payers(
    State(state): State<AppState>,
    caller: Caller,
) -> ApiResult<Json<Vec<iop_app::iop_store::billing::PayerRow>>> {
    Ok(Json(
        state
            .run(caller.ctx, move |app, ctx| app.payers(ctx))
            .await?,
    ))
}

/// Add a payer.
#[utoipa::path(post, path = "/api/v1/payers", tag = "billing", request_body = PayerBody, security(("bearer" = [])),
    responses((status = 201, body = Created), (status = 422, body = Problem)))]
pub async fn add_payer(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(b): ApiJson<PayerBody>,
) -> ApiResult<(StatusCode, Json<Created>)> {
    let p = NewPayer {
        name: b.name,
        payer_id: b.payer_id,
        address: b.address.into(),
    };
    let id = state
        .run(caller.ctx, move |app, ctx| app.add_payer(ctx, p))
        .await?;
    Ok((StatusCode::CREATED, Json(Created::new(id))))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ContractBody {
    program_id: String,
    /// Leave out for the program's self-pay rate card.
    payer_id: Option<String>,
    /// per_diem or per_service.
    coding_mode: String,
    /// H0015 or S9480.
    #[serde(default = "h0015")]
    per_diem_code: String,
    /// Minutes a day must reach to bill the per diem.
    #[serde(default = "one_eighty")]
    minimum_minutes: i32,
    /// Code → cents per unit, such as {"H0015": 45000}.
    fees: BTreeMap<String, i64>,
    /// 57 by default.
    #[serde(default = "fifty_seven")]
    place_of_service: String,
    #[serde(default)]
    modifiers: Vec<String>,
    #[serde(default)]
    authorization_required: bool,
    effective_from: String,
    effective_to: Option<String>,
}

fn h0015() -> String {
    "H0015".into()
}
fn one_eighty() -> i32 {
    180
}
fn fifty_seven() -> String {
    "57".into()
}

/// Contracts and the self-pay rate card.
#[utoipa::path(get, path = "/api/v1/contracts", tag = "billing", security(("bearer" = [])), responses((status = 200, description = "contracts", body = Vec<iop_app::iop_store::billing::ContractRow>), (status = 403, body = Problem)))]
pub async fn contracts(
    State(state): State<AppState>,
    caller: Caller,
) -> ApiResult<Json<Vec<iop_app::iop_store::billing::ContractRow>>> {
    Ok(Json(
        state
            .run(caller.ctx, move |app, ctx| app.contracts(ctx))
            .await?,
    ))
}

/// Add a payer contract (or a self-pay rate card).
#[utoipa::path(post, path = "/api/v1/contracts", tag = "billing", request_body = ContractBody, security(("bearer" = [])),
    responses((status = 201, body = Created), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn add_contract(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(b): ApiJson<ContractBody>,
) -> ApiResult<(StatusCode, Json<Created>)> {
    let k = NewContract {
        program_id: b.program_id,
        payer_id: b.payer_id,
        coding_mode: b.coding_mode,
        per_diem_code: b.per_diem_code,
        minimum_minutes: b.minimum_minutes,
        fees: b.fees,
        place_of_service: b.place_of_service,
        modifiers: b.modifiers,
        authorization_required: b.authorization_required,
        effective_from: parse_date(&b.effective_from, "effective_from")?,
        effective_to: b
            .effective_to
            .as_deref()
            .map(|d| parse_date(d, "effective_to"))
            .transpose()?,
    };
    let id = state
        .run(caller.ctx, move |app, ctx| app.add_contract(ctx, k))
        .await?;
    Ok((StatusCode::CREATED, Json(Created::new(id))))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CoverageBody {
    payer_id: String,
    member_id: String,
    group_number: Option<String>,
    /// primary or secondary.
    #[serde(default = "primary")]
    priority: String,
    /// The patient's relationship to the subscriber: self, spouse, child, life_partner, employee, other.
    relationship: String,
    subscriber_first: Option<String>,
    subscriber_last: Option<String>,
    subscriber_dob: Option<String>,
    /// F, M or U.
    subscriber_sex: Option<String>,
    /// The subscriber's address.
    address: AddressBody,
    effective_from: String,
    effective_to: Option<String>,
}

fn primary() -> String {
    "primary".into()
}

/// A patient's coverage.
#[utoipa::path(get, path = "/api/v1/patients/{id}/coverage", tag = "billing", params(("id" = String, Path)), security(("bearer" = [])),
    responses((status = 200, description = "coverage", body = Vec<iop_app::iop_store::billing::CoverageRow>), (status = 403, body = Problem)))]
pub async fn coverage(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> ApiResult<Json<Vec<iop_app::iop_store::billing::CoverageRow>>> {
    Ok(Json(
        state
            .run(caller.ctx, move |app, ctx| app.coverages(ctx, &id))
            .await?,
    ))
}

/// Add coverage for a patient.
#[utoipa::path(post, path = "/api/v1/patients/{id}/coverage", tag = "billing", params(("id" = String, Path)), request_body = CoverageBody, security(("bearer" = [])),
    responses((status = 201, body = Created), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn add_coverage(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    ApiJson(b): ApiJson<CoverageBody>,
) -> ApiResult<(StatusCode, Json<Created>)> {
    let n = NewCoverage {
        payer_id: b.payer_id,
        member_id: b.member_id,
        group_number: b.group_number,
        priority: b.priority,
        relationship: b.relationship,
        subscriber_first: b.subscriber_first,
        subscriber_last: b.subscriber_last,
        subscriber_dob: b
            .subscriber_dob
            .as_deref()
            .map(|d| parse_date(d, "subscriber_dob"))
            .transpose()?,
        subscriber_sex: b.subscriber_sex,
        address: b.address.into(),
        effective_from: parse_date(&b.effective_from, "effective_from")?,
        effective_to: b
            .effective_to
            .as_deref()
            .map(|d| parse_date(d, "effective_to"))
            .transpose()?,
    };
    let id = state
        .run(caller.ctx, move |app, ctx| app.add_coverage(ctx, &id, n))
        .await?;
    Ok((StatusCode::CREATED, Json(Created::new(id))))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AuthorizationBody {
    coverage_id: String,
    number: String,
    service_code: String,
    units: i32,
    start_date: String,
    end_date: String,
    next_review_on: Option<String>,
}

/// Record an authorization from utilization review.
#[utoipa::path(post, path = "/api/v1/authorizations", tag = "billing", request_body = AuthorizationBody, security(("bearer" = [])),
    responses((status = 201, body = Created), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn add_authorization(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(b): ApiJson<AuthorizationBody>,
) -> ApiResult<(StatusCode, Json<Created>)> {
    let a = NewAuthorization {
        coverage_id: b.coverage_id,
        number: b.number,
        service_code: b.service_code,
        units: b.units,
        start_date: parse_date(&b.start_date, "start_date")?,
        end_date: parse_date(&b.end_date, "end_date")?,
        next_review_on: b
            .next_review_on
            .as_deref()
            .map(|d| parse_date(d, "next_review_on"))
            .transpose()?,
    };
    let id = state
        .run(caller.ctx, move |app, ctx| app.add_authorization(ctx, a))
        .await?;
    Ok((StatusCode::CREATED, Json(Created::new(id))))
}

/// The review queue: authorizations with units used and left, those needing attention first.
#[utoipa::path(get, path = "/api/v1/authorizations", tag = "billing", security(("bearer" = [])), responses((status = 200, description = "authorizations", body = Vec<iop_app::billing::coverage::AuthorizationView>), (status = 403, body = Problem)))]
pub async fn authorizations(
    State(state): State<AppState>,
    caller: Caller,
) -> ApiResult<Json<Vec<iop_app::billing::coverage::AuthorizationView>>> {
    Ok(Json(
        state
            .run(caller.ctx, move |app, ctx| app.authorization_queue(ctx))
            .await?,
    ))
}

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
    responses((status = 200, description = "charges", body = Vec<iop_app::iop_store::billing::ChargeRow>), (status = 400, body = Problem), (status = 422, body = Problem)))]
pub async fn charges(
    State(state): State<AppState>,
    caller: Caller,
    q: QueryResult<Period>,
) -> ApiResult<Json<Vec<iop_app::iop_store::billing::ChargeRow>>> {
    let p = query(q)?;
    let (from, to) = (parse_date(&p.from, "from")?, parse_date(&p.to, "to")?);
    Ok(Json(
        state
            .run(caller.ctx, move |app, ctx| {
                app.charges(ctx, from, to, p.patient_id.as_deref())
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
#[utoipa::path(get, path = "/api/v1/claims", tag = "billing", params(ClaimsQuery), security(("bearer" = [])), responses((status = 200, description = "claims", body = Vec<iop_app::iop_store::billing::ClaimRow>), (status = 400, body = Problem)))]
pub async fn claims(
    State(state): State<AppState>,
    caller: Caller,
    q: QueryResult<ClaimsQuery>,
) -> ApiResult<Json<Vec<iop_app::iop_store::billing::ClaimRow>>> {
    let q = query(q)?;
    Ok(Json(
        state
            .run(caller.ctx, move |app, ctx| {
                app.claims(ctx, q.status.as_deref())
            })
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
    Path(id): Path<String>,
) -> ApiResult<Response> {
    let file = state
        .run(caller.ctx, move |app, ctx| app.claim_batch_file(ctx, &id))
        .await?;
    Ok(([(header::CONTENT_TYPE, "application/edi-x12")], file).into_response())
}

/// Import an 835 remittance: the body is the X12 text (sent as text/plain or
/// application/edi-x12). The same file twice changes nothing.
#[utoipa::path(post, path = "/api/v1/remittances", tag = "billing", request_body(content = String, content_type = "text/plain"), security(("bearer" = [])),
    responses((status = 200, description = "remittance_id, already_imported, claims_posted, unmatched", body = iop_app::billing::remittances::ImportReport), (status = 413, body = Problem), (status = 422, body = Problem)))]
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
#[utoipa::path(get, path = "/api/v1/remittances/unmatched", tag = "billing", security(("bearer" = [])), responses((status = 200, description = "unmatched items", body = Vec<iop_app::iop_store::billing::UnmatchedRow>)))]
pub async fn unmatched(
    State(state): State<AppState>,
    caller: Caller,
) -> ApiResult<Json<Vec<iop_app::iop_store::billing::UnmatchedRow>>> {
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
}

/// Record a payment from the patient.
#[utoipa::path(post, path = "/api/v1/patients/{id}/payments", tag = "billing", params(("id" = String, Path)), request_body = PaymentBody, security(("bearer" = [])),
    responses((status = 201, body = Created), (status = 404, body = Problem), (status = 422, body = Problem)))]
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
                &id,
                b.amount_cents,
                &b.method,
                b.reference.as_deref(),
                on,
            )
        })
        .await?;
    Ok((StatusCode::CREATED, Json(Created::new(pid))))
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
                app.statement(ctx, &id, from, to)
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
    Path(id): Path<String>,
    ApiJson(b): ApiJson<ResolveBody>,
) -> ApiResult<StatusCode> {
    state
        .run(caller.ctx, move |app, ctx| {
            app.resolve_unmatched(ctx, &id, &b.resolution)
        })
        .await?;
    Ok(StatusCode::NO_CONTENT)
}
