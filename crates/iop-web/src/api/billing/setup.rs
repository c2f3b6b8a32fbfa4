//! Billing setup over the API: the site's billing identity, payers, contracts, coverage and authorizations.

use crate::access::Caller;
use crate::api::accounts::users::Created;
use crate::api::{ApiResult, Problem};
use crate::extract::body_code;
use crate::extract::body_id;
use crate::extract::ApiJson;
use crate::extract::PathId;
use crate::AppState;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use iop_app::billing::coverage::{NewAuthorization, NewCoverage};
use iop_app::billing::setup::{AddressInput, NewContract, NewPayer, SiteBillingInput};
use iop_app::calendar::sessions::parse_date;
use serde::Deserialize;
use std::collections::BTreeMap;
use utoipa::ToSchema;

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
    PathId(id): PathId<iop_domain::ids::SiteId>,
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
            app.set_site_billing(ctx, id, input)
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
    /// SBR09, the claim filing indicator: CI (commercial, the default), BL, HM, 12 (PPO), 13, 14 (EPO), 15, FI or 11.
    claim_filing_indicator: Option<String>,
}

/// Payers.
#[utoipa::path(get, path = "/api/v1/payers", tag = "billing", security(("bearer" = [])), responses((status = 200, description = "payers", body = Vec<iop_app::billing::setup::Payer>), (status = 403, body = Problem)))]
pub async fn payers(
    State(state): State<AppState>,
    caller: Caller,
) -> ApiResult<Json<Vec<iop_app::billing::setup::Payer>>> {
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
        claim_filing_indicator: match b.claim_filing_indicator.as_deref() {
            None | Some("") => iop_domain::billing::ClaimFilingIndicator::Commercial,
            Some(raw) => body_code(raw.trim(), "claim_filing_indicator")?,
        },
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
    /// Add modifier 95 to services delivered by telehealth.
    #[serde(default)]
    telehealth_modifier_95: bool,
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
#[utoipa::path(get, path = "/api/v1/contracts", tag = "billing", security(("bearer" = [])), responses((status = 200, description = "contracts", body = Vec<iop_app::billing::setup::Contract>), (status = 403, body = Problem)))]
pub async fn contracts(
    State(state): State<AppState>,
    caller: Caller,
) -> ApiResult<Json<Vec<iop_app::billing::setup::Contract>>> {
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
        program_id: body_id(&b.program_id, "program_id")?,
        payer_id: b
            .payer_id
            .as_deref()
            .map(|v| body_id(v, "payer_id"))
            .transpose()?,
        coding_mode: body_code(&b.coding_mode, "coding_mode")?,
        per_diem_code: b.per_diem_code,
        minimum_minutes: b.minimum_minutes,
        fees: b.fees,
        place_of_service: b.place_of_service,
        modifiers: b.modifiers,
        authorization_required: b.authorization_required,
        telehealth_modifier_95: b.telehealth_modifier_95,
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
    responses((status = 200, description = "coverage", body = Vec<iop_app::billing::coverage::Coverage>), (status = 403, body = Problem)))]
pub async fn coverage(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> ApiResult<Json<Vec<iop_app::billing::coverage::Coverage>>> {
    Ok(Json(
        state
            .run(caller.ctx, move |app, ctx| {
                app.coverages(ctx, crate::extract::form_id(&id, "patient")?)
            })
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
        payer_id: body_id(&b.payer_id, "payer_id")?,
        member_id: b.member_id,
        group_number: b.group_number,
        priority: body_code(&b.priority, "priority")?,
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
        .run(caller.ctx, move |app, ctx| {
            app.add_coverage(ctx, crate::extract::form_id(&id, "patient")?, n)
        })
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
        coverage_id: body_id(&b.coverage_id, "coverage_id")?,
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

/// Record the patient's sex for claims (F, M or U) and their address in parts, when intake missed them.
#[utoipa::path(put, path = "/api/v1/patients/{id}/demographics", tag = "billing", params(("id" = String, Path)), request_body = iop_app::admissions::carry_forward::Demographics, security(("bearer" = [])),
    responses((status = 204), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn demographics(
    State(state): State<AppState>,
    caller: Caller,
    PathId(id): PathId<iop_domain::ids::PatientId>,
    ApiJson(d): ApiJson<iop_app::admissions::carry_forward::Demographics>,
) -> ApiResult<StatusCode> {
    state
        .run(caller.ctx, move |app, ctx| app.set_demographics(ctx, id, d))
        .await?;
    Ok(StatusCode::NO_CONTENT)
}
