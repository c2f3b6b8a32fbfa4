//! Admissions over the API: inquiries, screening, insurance, intake, admission; episodes
//! (transfer, graduate, discharge); census and funnel.

use super::{query, ApiResult, Problem, QueryResult};
use crate::access::Caller;
use crate::error::WebError;
use crate::extract::body_code;
use crate::extract::body_id;
use crate::extract::ApiJson;
use crate::extract::PathId;
use crate::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use iop_app::admissions::admit::AdmitInput;
use iop_app::admissions::inquiries::NewInquiry;
use iop_app::calendar::sessions::{parse_date, parse_optional_day};
use iop_domain::admissions::{InquiryStatus, Screening, WithdrawalRisk};
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewInquiryRequest {
    /// phone, web or referral.
    channel: String,
    referral_source: Option<String>,
    first_name: String,
    last_name: Option<String>,
    phone: String,
    best_time: Option<String>,
    #[serde(default)]
    may_leave_message: bool,
    program_id: Option<String>,
}

/// Record a new inquiry (a call, a web request, a referral).
#[utoipa::path(post, path = "/api/v1/inquiries", tag = "admissions", request_body = NewInquiryRequest, security(("bearer" = [])),
    responses((status = 201, body = crate::api::accounts::users::Created), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn create(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(r): ApiJson<NewInquiryRequest>,
) -> ApiResult<(StatusCode, Json<crate::api::accounts::users::Created>)> {
    let n = NewInquiry {
        channel: body_code(&r.channel, "channel")?,
        referral_source: r.referral_source,
        first_name: r.first_name,
        last_name: r.last_name,
        phone: r.phone,
        best_time: r.best_time,
        may_leave_message: r.may_leave_message,
        program_id: r
            .program_id
            .as_deref()
            .map(|v| body_id(v, "program_id"))
            .transpose()?,
    };
    let id = state
        .run(caller.ctx, move |app, ctx| app.create_inquiry(ctx, n))
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(crate::api::accounts::users::Created::new(id)),
    ))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct SearchQuery {
    status: Option<String>,
    /// Part of a name or phone number.
    q: Option<String>,
}

/// Search inquiries (never charts).
#[utoipa::path(get, path = "/api/v1/inquiries", tag = "admissions", params(SearchQuery), security(("bearer" = [])),
    responses((status = 200, body = Vec<iop_app::admissions::inquiries::InquiryRowView>), (status = 400, body = Problem), (status = 403, body = Problem)))]
pub async fn search(
    State(state): State<AppState>,
    caller: Caller,
    q: QueryResult<SearchQuery>,
) -> ApiResult<Json<Vec<iop_app::admissions::inquiries::InquiryRowView>>> {
    let q = query(q)?;
    let status = match q.status.as_deref().filter(|s| !s.is_empty()) {
        Some(s) => Some(
            s.parse::<InquiryStatus>()
                .map_err(|_| WebError::Unprocessable(format!("unknown status {s:?}")))?,
        ),
        None => None,
    };
    let rows = state
        .run(caller.ctx, move |app, ctx| {
            app.search_inquiries(ctx, status, q.q.as_deref())
        })
        .await?;
    Ok(Json(rows))
}

/// One inquiry with its status history.
#[utoipa::path(get, path = "/api/v1/inquiries/{id}", tag = "admissions", params(("id" = String, Path)), security(("bearer" = [])),
    responses((status = 200, body = iop_app::admissions::inquiries::InquiryView), (status = 404, body = Problem)))]
pub async fn show(
    State(state): State<AppState>,
    caller: Caller,
    PathId(id): PathId<iop_domain::ids::InquiryId>,
) -> ApiResult<Json<iop_app::admissions::inquiries::InquiryView>> {
    let v = state
        .run(caller.ctx, move |app, ctx| app.inquiry(ctx, id))
        .await?;
    Ok(Json(v))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StatusRequest {
    /// contacted, screened, scheduled, referred_out or not_admitted.
    status: String,
    /// Required when closing (referred out, not admitted).
    reason: Option<String>,
}

/// Move an inquiry (every move is kept with its time and author).
#[utoipa::path(post, path = "/api/v1/inquiries/{id}/status", operation_id = "set_inquiry_status", tag = "admissions", params(("id" = String, Path)), request_body = StatusRequest,
    security(("bearer" = [])), responses((status = 204), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn set_status(
    State(state): State<AppState>,
    caller: Caller,
    PathId(id): PathId<iop_domain::ids::InquiryId>,
    ApiJson(r): ApiJson<StatusRequest>,
) -> ApiResult<StatusCode> {
    let to: InquiryStatus = r
        .status
        .parse()
        .map_err(|_| WebError::Unprocessable(format!("unknown status {:?}", r.status)))?;
    state
        .run(caller.ctx, move |app, ctx| {
            app.set_inquiry_status(ctx, id, to, r.reason.as_deref())
        })
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ScreeningRequest {
    #[serde(default)]
    substances: Vec<String>,
    last_use: Option<String>,
    /// none, low, moderate or severe.
    withdrawal_risk: String,
    #[serde(default)]
    complicated_withdrawal_history: bool,
    #[serde(default)]
    danger_to_self: bool,
    #[serde(default)]
    danger_to_others: bool,
    #[serde(default)]
    prior_treatment: bool,
    #[serde(default)]
    stepping_down: bool,
}

impl ScreeningRequest {
    pub fn into_domain(self) -> Result<Screening, WebError> {
        let risk: WithdrawalRisk = self.withdrawal_risk.parse().map_err(|_| {
            WebError::Unprocessable("withdrawal_risk must be none, low, moderate or severe".into())
        })?;
        Ok(Screening {
            substances: self
                .substances
                .into_iter()
                .map(|s| s.trim().to_string())
                .filter(|s| !s.is_empty())
                .collect(),
            last_use: self.last_use.filter(|s| !s.trim().is_empty()),
            withdrawal_risk: risk,
            complicated_withdrawal_history: self.complicated_withdrawal_history,
            danger_to_self: self.danger_to_self,
            danger_to_others: self.danger_to_others,
            prior_treatment: self.prior_treatment,
            stepping_down: self.stepping_down,
        })
    }
}

/// Record screening; the answer says what to do next (proceed, refer to detox, crisis protocol with 988).
#[utoipa::path(post, path = "/api/v1/inquiries/{id}/screening", tag = "admissions", params(("id" = String, Path)), request_body = ScreeningRequest,
    security(("bearer" = [])), responses((status = 200, description = "the disposition", body = iop_domain::admissions::Disposition), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn screening(
    State(state): State<AppState>,
    caller: Caller,
    PathId(id): PathId<iop_domain::ids::InquiryId>,
    ApiJson(r): ApiJson<ScreeningRequest>,
) -> ApiResult<Json<iop_domain::admissions::Disposition>> {
    let s = r.into_domain()?;
    let d = state
        .run(caller.ctx, move |app, ctx| app.record_screening(ctx, id, s))
        .await?;
    Ok(Json(d))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct InsuranceRequest {
    payer: Option<String>,
    member_id: Option<String>,
    /// not_captured, unverified, verified, not_covered or self_pay.
    status: String,
}

/// Capture insurance and its verification status.
#[utoipa::path(put, path = "/api/v1/inquiries/{id}/insurance", tag = "admissions", params(("id" = String, Path)), request_body = InsuranceRequest,
    security(("bearer" = [])), responses((status = 204), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn insurance(
    State(state): State<AppState>,
    caller: Caller,
    PathId(id): PathId<iop_domain::ids::InquiryId>,
    ApiJson(r): ApiJson<InsuranceRequest>,
) -> ApiResult<StatusCode> {
    let status = crate::extract::body_code(&r.status, "status")?;
    state
        .run(caller.ctx, move |app, ctx| {
            app.capture_insurance(ctx, id, r.payer.as_deref(), r.member_id.as_deref(), status)
        })
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct IntakeRequest {
    /// RFC 3339 instant, such as 2026-12-01T15:00:00-05:00.
    at: String,
}

/// Book the intake appointment.
#[utoipa::path(post, path = "/api/v1/inquiries/{id}/intake", tag = "admissions", params(("id" = String, Path)), request_body = IntakeRequest,
    security(("bearer" = [])), responses((status = 204), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn intake(
    State(state): State<AppState>,
    caller: Caller,
    PathId(id): PathId<iop_domain::ids::InquiryId>,
    ApiJson(r): ApiJson<IntakeRequest>,
) -> ApiResult<StatusCode> {
    let at: jiff::Timestamp = r.at.parse().map_err(|_| {
        WebError::Unprocessable("at must be an instant like 2026-12-01T15:00:00-05:00".into())
    })?;
    state
        .run(caller.ctx, move |app, ctx| app.schedule_intake(ctx, id, at))
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AdmitRequest {
    legal_first_name: String,
    legal_last_name: String,
    preferred_name: Option<String>,
    date_of_birth: String,
    phone: String,
    email: Option<String>,
    /// Street, city, state (two letters) and ZIP, as claims and statements print them.
    address: Option<iop_app::billing::setup::AddressInput>,
    /// Administrative sex as claims carry it: F, M or U (unknown; claims are held until it is known).
    #[serde(default)]
    #[schema(value_type = Option<String>, example = "F")]
    sex: Option<iop_domain::admissions::Sex>,
    emergency_contact_name: String,
    emergency_contact_phone: String,
    program_id: String,
    track_id: String,
    admit_date: String,
    primary_counselor_id: String,
    /// ICD-10-CM F10–F19, principal first.
    diagnoses: Vec<String>,
    /// Clinical directors only: admit past the staff ratio, with a reason.
    ratio_override_reason: Option<String>,
    /// The patient was given the program's notice of privacy practices now (42 CFR
    /// §2.22); leave out when they cannot take it in yet, and record it later.
    #[serde(default)]
    privacy_notice_given: bool,
}

/// Admit: creates the patient and the episode. Refused (409, naming the sessions) when the ratio would break.
#[utoipa::path(post, path = "/api/v1/inquiries/{id}/admit", tag = "admissions", params(("id" = String, Path)), request_body = AdmitRequest,
    security(("bearer" = [])), responses((status = 201, description = "patient_id, episode_id, mrn, planned_end_date", body = iop_app::admissions::admit::Admitted), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn admit(
    State(state): State<AppState>,
    caller: Caller,
    PathId(id): PathId<iop_domain::ids::InquiryId>,
    ApiJson(r): ApiJson<AdmitRequest>,
) -> ApiResult<(StatusCode, Json<iop_app::admissions::admit::Admitted>)> {
    let a = AdmitInput {
        legal_first_name: r.legal_first_name,
        legal_last_name: r.legal_last_name,
        preferred_name: r.preferred_name,
        date_of_birth: parse_date(&r.date_of_birth, "the date of birth")?,
        phone: r.phone,
        email: r.email,
        address: r.address,
        sex: r.sex.unwrap_or(iop_domain::admissions::Sex::Unknown),
        emergency_contact_name: r.emergency_contact_name,
        emergency_contact_phone: r.emergency_contact_phone,
        program_id: body_id(&r.program_id, "program_id")?,
        track_id: body_id(&r.track_id, "track_id")?,
        admit_date: parse_date(&r.admit_date, "the admit date")?,
        primary_counselor_id: body_id(&r.primary_counselor_id, "primary_counselor_id")?,
        diagnoses: r.diagnoses,
        ratio_override_reason: r.ratio_override_reason,
        privacy_notice_given: r.privacy_notice_given,
    };
    let done = state
        .run(caller.ctx, move |app, ctx| app.admit(ctx, id, a))
        .await?;
    Ok((StatusCode::CREATED, Json(done)))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TransferRequest {
    track_id: String,
    /// First date on the new track (today or later).
    from: String,
}

/// Move a patient to another track from a date on; earlier rosters stay as they were.
#[utoipa::path(post, path = "/api/v1/episodes/{id}/transfer", tag = "admissions", params(("id" = String, Path)), request_body = TransferRequest,
    security(("bearer" = [])), responses((status = 204), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn transfer(
    State(state): State<AppState>,
    caller: Caller,
    PathId(id): PathId<iop_domain::ids::EpisodeId>,
    ApiJson(r): ApiJson<TransferRequest>,
) -> ApiResult<StatusCode> {
    let from = parse_date(&r.from, "from")?;
    let track = body_id(&r.track_id, "track_id")?;
    state
        .run(caller.ctx, move |app, ctx| {
            app.transfer_track(ctx, id, track, from)
        })
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DischargeRequest {
    /// completed, ama, administrative, transfer_higher_loc, transfer_other, incarcerated, death, other.
    reason: String,
    summary: String,
    on: String,
}

/// Discharge with a reason and a summary; future sessions drop the patient.
#[utoipa::path(post, path = "/api/v1/episodes/{id}/discharge", tag = "admissions", params(("id" = String, Path)), request_body = DischargeRequest,
    security(("bearer" = [])), responses((status = 204), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn discharge(
    State(state): State<AppState>,
    caller: Caller,
    PathId(id): PathId<iop_domain::ids::EpisodeId>,
    ApiJson(r): ApiJson<DischargeRequest>,
) -> ApiResult<StatusCode> {
    let on = parse_date(&r.on, "on")?;
    state
        .run(caller.ctx, move |app, ctx| {
            app.discharge(ctx, id, &r.reason, &r.summary, on)
        })
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct GraduateRequest {
    on: String,
    /// Needed when a rule is not met or not yet recorded (clinical directors only).
    confirm_reason: Option<String>,
}

/// Graduate: the patient joins the free alumni group.
#[utoipa::path(post, path = "/api/v1/episodes/{id}/graduate", tag = "admissions", params(("id" = String, Path)), request_body = GraduateRequest,
    security(("bearer" = [])), responses((status = 204), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem)))]
pub async fn graduate(
    State(state): State<AppState>,
    caller: Caller,
    PathId(id): PathId<iop_domain::ids::EpisodeId>,
    ApiJson(r): ApiJson<GraduateRequest>,
) -> ApiResult<StatusCode> {
    let on = parse_date(&r.on, "on")?;
    state
        .run(caller.ctx, move |app, ctx| {
            app.graduate(ctx, id, on, r.confirm_reason.as_deref())
        })
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ExtendRequest {
    /// The new planned end date.
    until: String,
    reason: String,
}

/// Extend an episode past its planned end, with a reason (the answer to a clinical review).
#[utoipa::path(post, path = "/api/v1/episodes/{id}/extend", tag = "admissions", params(("id" = String, Path)), request_body = ExtendRequest,
    security(("bearer" = [])), responses((status = 204), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn extend(
    State(state): State<AppState>,
    caller: Caller,
    PathId(id): PathId<iop_domain::ids::EpisodeId>,
    ApiJson(r): ApiJson<ExtendRequest>,
) -> ApiResult<StatusCode> {
    let until = parse_date(&r.until, "until")?;
    state
        .run(caller.ctx, move |app, ctx| {
            app.extend_episode(ctx, id, until, &r.reason)
        })
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Graduation eligibility today at the program's site, rule by rule: minimum length in
/// group nights, attendance share, curriculum topics attended, relapse prevention plan
/// signed by patient and counselor; each rule not met says what is missing.
#[utoipa::path(get, path = "/api/v1/episodes/{id}/eligibility", tag = "admissions", params(("id" = String, Path)), security(("bearer" = [])),
    responses((status = 200, description = "eligible, needs_review and each rule", body = iop_domain::graduation::Eligibility), (status = 404, body = Problem)))]
pub async fn eligibility(
    State(state): State<AppState>,
    caller: Caller,
    PathId(id): PathId<iop_domain::ids::EpisodeId>,
) -> ApiResult<Json<iop_domain::graduation::Eligibility>> {
    let e = state
        .run(caller.ctx, move |app, ctx| app.eligibility(ctx, id))
        .await?;
    Ok(Json(e))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct CensusQuery {
    /// Only this site's programs (default: every site).
    site: Option<String>,
}

/// Live census per program and track (active, starting soon, alumni).
#[utoipa::path(get, path = "/api/v1/census", tag = "admissions", params(CensusQuery), security(("bearer" = [])),
    responses((status = 200, description = "one entry per program", body = Vec<iop_app::admissions::census::ProgramCensus>), (status = 400, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn census(
    State(state): State<AppState>,
    caller: Caller,
    q: QueryResult<CensusQuery>,
) -> ApiResult<Json<Vec<iop_app::admissions::census::ProgramCensus>>> {
    let q = query(q)?;
    let site = q
        .site
        .as_deref()
        .map(|v| crate::extract::body_id(v, "site"))
        .transpose()?;
    let v = state
        .run(caller.ctx, move |app, ctx| app.census(ctx, site))
        .await?;
    Ok(Json(v))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct FunnelQuery {
    /// Inquiries first contacted on or after this date in the organisation's zone,
    /// YYYY-MM-DD (default: the last 90 days).
    since: Option<String>,
}

/// The admissions funnel, referrals out by reason, and days from first contact to first group.
#[utoipa::path(get, path = "/api/v1/funnel", tag = "admissions", params(FunnelQuery), security(("bearer" = [])),
    responses((status = 200, description = "counts and days", body = iop_app::admissions::census::Funnel), (status = 400, body = Problem), (status = 403, body = Problem), (status = 422, body = Problem)))]
pub async fn funnel(
    State(state): State<AppState>,
    caller: Caller,
    q: QueryResult<FunnelQuery>,
) -> ApiResult<Json<iop_app::admissions::census::Funnel>> {
    let q = query(q)?;
    let since = parse_optional_day(q.since.as_deref(), "since")?;
    let v = state
        .run(caller.ctx, move |app, ctx| app.funnel(ctx, since))
        .await?;
    Ok(Json(v))
}
