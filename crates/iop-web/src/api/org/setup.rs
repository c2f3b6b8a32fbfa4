//! Setting up sites, programs and tracks over the API.

use crate::access::Caller;
use crate::api::{ApiResult, Problem};
use crate::extract::ApiJson;
use crate::extract::PathId;
use crate::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use iop_app::org::setup::SiteInput;
use iop_domain::program::ProgramSettings;
use serde::Deserialize;
use utoipa::ToSchema;

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SiteRequest {
    name: String,
    /// IANA time zone, such as America/Chicago.
    time_zone: String,
    address: String,
    admissions_phone: String,
}

impl From<SiteRequest> for SiteInput {
    fn from(r: SiteRequest) -> Self {
        SiteInput {
            name: r.name,
            time_zone: r.time_zone,
            address: r.address,
            admissions_phone: r.admissions_phone,
        }
    }
}

/// Add a site.
#[utoipa::path(post, path = "/api/v1/sites", tag = "programs", request_body = SiteRequest, security(("bearer" = [])),
    responses((status = 201, body = crate::api::accounts::users::Created), (status = 422, body = Problem)))]
pub async fn add_site(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(r): ApiJson<SiteRequest>,
) -> ApiResult<(StatusCode, Json<crate::api::accounts::users::Created>)> {
    let id = state
        .run(caller.ctx, move |app, ctx| app.add_site(ctx, r.into()))
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(crate::api::accounts::users::Created::new(id)),
    ))
}

/// Change a site; a new time zone keeps future sessions at the same local hours.
#[utoipa::path(put, path = "/api/v1/sites/{id}", tag = "programs", params(("id" = String, Path)), request_body = SiteRequest,
    security(("bearer" = [])), responses((status = 204), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn update_site(
    State(state): State<AppState>,
    caller: Caller,
    PathId(id): PathId<iop_domain::ids::SiteId>,
    ApiJson(r): ApiJson<SiteRequest>,
) -> ApiResult<StatusCode> {
    state
        .run(caller.ctx, move |app, ctx| {
            app.update_site(ctx, id, r.into())
        })
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// A program's settings (every number is the program's own).
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Settings {
    name: String,
    #[schema(example = "18:00")]
    session_start: String,
    #[schema(example = 180)]
    session_minutes: i32,
    #[schema(example = 7)]
    min_weeks: i32,
    #[schema(example = 9)]
    max_weeks: i32,
    #[schema(example = 6)]
    max_patients_per_facilitator: i32,
    /// 0 for no family group.
    #[schema(example = 2)]
    family_every_weeks: i32,
    #[schema(example = 180)]
    family_minutes: i32,
    #[schema(example = "thu")]
    family_weekday: String,
    #[schema(example = "wed")]
    alumni_weekday: String,
    #[schema(example = 90)]
    alumni_minutes: i32,
    #[schema(example = 12)]
    horizon_weeks: i32,
}

impl From<Settings> for ProgramSettings {
    fn from(s: Settings) -> Self {
        ProgramSettings {
            name: s.name,
            session_start: s.session_start,
            session_minutes: s.session_minutes,
            min_weeks: s.min_weeks,
            max_weeks: s.max_weeks,
            max_patients_per_facilitator: s.max_patients_per_facilitator,
            family_every_weeks: s.family_every_weeks,
            family_minutes: s.family_minutes,
            family_weekday: s.family_weekday,
            alumni_weekday: s.alumni_weekday,
            alumni_minutes: s.alumni_minutes,
            horizon_weeks: s.horizon_weeks,
        }
    }
}

/// Set a program's 42 CFR Part 2 settings: the state's rule for minors' consents and the notice of privacy practices' version.
#[utoipa::path(put, path = "/api/v1/programs/{id}/privacy", tag = "organisation", params(("id" = String, Path)), request_body = iop_app::consent::notices::PrivacySettings, security(("bearer" = [])),
    responses((status = 204), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn update_privacy(
    State(state): State<AppState>,
    caller: Caller,
    PathId(id): PathId<iop_domain::ids::ProgramId>,
    ApiJson(s): ApiJson<iop_app::consent::notices::PrivacySettings>,
) -> ApiResult<StatusCode> {
    state
        .run(caller.ctx, move |app, ctx| {
            app.set_privacy_settings(ctx, id, s)
        })
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// A program's rules: level of care, graduation threshold and excused absences, weekly hours floor and group break, individual-session hours, per-diem minimum.
#[utoipa::path(get, path = "/api/v1/programs/{id}/rules", tag = "organisation", params(("id" = String, Path)), security(("bearer" = [])),
    responses((status = 200, body = iop_app::org::program_rules::RulesInput), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn rules(
    State(state): State<AppState>,
    caller: Caller,
    PathId(id): PathId<iop_domain::ids::ProgramId>,
) -> ApiResult<Json<iop_app::org::program_rules::RulesInput>> {
    let r = state
        .run(caller.ctx, move |app, ctx| app.program_rules(ctx, id))
        .await?;
    Ok(Json(r))
}

/// Change a program's rules; they apply from now on.
#[utoipa::path(put, path = "/api/v1/programs/{id}/rules", tag = "organisation", params(("id" = String, Path)), request_body = iop_app::org::program_rules::RulesInput, security(("bearer" = [])),
    responses((status = 204), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn update_rules(
    State(state): State<AppState>,
    caller: Caller,
    PathId(id): PathId<iop_domain::ids::ProgramId>,
    ApiJson(r): ApiJson<iop_app::org::program_rules::RulesInput>,
) -> ApiResult<StatusCode> {
    state
        .run(caller.ctx, move |app, ctx| {
            app.set_program_rules(ctx, id, r)
        })
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewProgram {
    site_id: String,
    /// Used in the public page's address: letters, digits, hyphens.
    slug: String,
    settings: Settings,
}

/// Add a program at a site, with the two seed tracks and the six seed topics.
#[utoipa::path(post, path = "/api/v1/programs", tag = "programs", request_body = NewProgram, security(("bearer" = [])),
    responses((status = 201, body = crate::api::accounts::users::Created), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn add_program(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(r): ApiJson<NewProgram>,
) -> ApiResult<(StatusCode, Json<crate::api::accounts::users::Created>)> {
    let site = crate::extract::body_id(&r.site_id, "site_id")?;
    let id = state
        .run(caller.ctx, move |app, ctx| {
            app.add_program(ctx, site, &r.slug, r.settings.into())
        })
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(crate::api::accounts::users::Created::new(id)),
    ))
}

/// Replace a program's settings; future sessions follow, held sessions stay.
#[utoipa::path(put, path = "/api/v1/programs/{id}", tag = "programs", params(("id" = String, Path)), request_body = Settings,
    security(("bearer" = [])), responses((status = 204), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn update_program(
    State(state): State<AppState>,
    caller: Caller,
    PathId(id): PathId<iop_domain::ids::ProgramId>,
    ApiJson(r): ApiJson<Settings>,
) -> ApiResult<StatusCode> {
    state
        .run(caller.ctx, move |app, ctx| {
            app.update_program(ctx, id, r.into())
        })
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewTrack {
    name: String,
    /// Nights as `mon,wed,thu`; must include the family night.
    weekdays: String,
}

/// Add a track to a program.
#[utoipa::path(post, path = "/api/v1/programs/{id}/tracks", tag = "programs", params(("id" = String, Path)), request_body = NewTrack,
    security(("bearer" = [])), responses((status = 201, body = crate::api::accounts::users::Created), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn add_track(
    State(state): State<AppState>,
    caller: Caller,
    PathId(id): PathId<iop_domain::ids::ProgramId>,
    ApiJson(r): ApiJson<NewTrack>,
) -> ApiResult<(StatusCode, Json<crate::api::accounts::users::Created>)> {
    let tid = state
        .run(caller.ctx, move |app, ctx| {
            app.add_track(ctx, id, &r.name, &r.weekdays)
        })
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(crate::api::accounts::users::Created::new(tid)),
    ))
}
