//! The program calendar over the API: sessions, staffing, one-off changes, closures.

use super::{query, ApiResult, Problem, QueryResult};
use crate::access::Caller;
use crate::error::WebError;
use crate::extract::{ApiJson, PathId};
use crate::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use iop_app::calendar::sessions::{parse_date, GenerateReport, SessionView};
use iop_domain::time::Day;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

#[derive(Serialize, ToSchema)]
pub struct Facilitator {
    staff_id: iop_domain::ids::StaffId,
    name: String,
}

#[derive(Serialize, ToSchema)]
pub struct Session {
    id: iop_domain::ids::SessionId,
    program_id: iop_domain::ids::ProgramId,
    /// core, family or alumni.
    kind: String,
    track_id: Option<iop_domain::ids::TrackId>,
    track_name: Option<String>,
    local_date: Day,
    /// RFC 3339 with the site's UTC offset.
    start: String,
    end: String,
    time_zone: String,
    /// scheduled, held or cancelled.
    status: iop_domain::calendar::SessionStatus,
    cancel_reason: Option<String>,
    moved: bool,
    topic: Option<String>,
    facilitators: Vec<Facilitator>,
    expected_roster: u32,
    /// How many more facilitators the session needs for the program's ratio.
    facilitators_needed: u32,
    /// "ok" or "needs N more".
    staffing: String,
}

impl From<SessionView> for Session {
    fn from(s: SessionView) -> Self {
        Session {
            id: s.id,
            program_id: s.program_id,
            kind: s.kind.to_string(),
            track_id: s.track_id,
            track_name: s.track_name,
            local_date: s.local_date,
            start: s.start,
            end: s.end,
            time_zone: s.time_zone,
            status: s.status,
            cancel_reason: s.cancel_reason,
            moved: s.moved,
            topic: s.topic,
            facilitators: s
                .facilitators
                .into_iter()
                .map(|f| Facilitator {
                    staff_id: f.staff_id,
                    name: f.name,
                })
                .collect(),
            expected_roster: s.expected_roster,
            facilitators_needed: s.facilitators_needed,
            staffing: s.staffing,
        }
    }
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct RangeQuery {
    /// First local date, YYYY-MM-DD.
    from: String,
    /// Last local date, YYYY-MM-DD (at most 366 days after `from`).
    to: String,
    /// Only this program.
    program: Option<String>,
}

/// Sessions with local dates in a range.
#[utoipa::path(get, path = "/api/v1/sessions", tag = "calendar", params(RangeQuery), security(("bearer" = [])),
    responses((status = 200, body = [Session]), (status = 400, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn sessions(
    State(state): State<AppState>,
    caller: Caller,
    q: QueryResult<RangeQuery>,
) -> ApiResult<Json<Vec<Session>>> {
    let q = query(q)?;
    let (from, to) = (parse_date(&q.from, "from")?, parse_date(&q.to, "to")?);
    let program = q
        .program
        .as_deref()
        .map(|v| crate::extract::body_id(v, "program"))
        .transpose()?;
    let v = state
        .run(caller.ctx, move |app, ctx| {
            app.sessions(ctx, from, to, program)
        })
        .await?;
    Ok(Json(v.into_iter().map(Session::from).collect()))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct StaffingQuery {
    /// First local date (default today, UTC).
    from: Option<String>,
    /// Last local date (default 13 days after `from`).
    to: Option<String>,
    /// Only this site's programs (default: every site).
    site: Option<String>,
}

/// Every session of the range with its expected roster, facilitators and how many more it needs.
#[utoipa::path(get, path = "/api/v1/staffing", tag = "calendar", params(StaffingQuery), security(("bearer" = [])),
    responses((status = 200, body = [Session]), (status = 400, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn staffing(
    State(state): State<AppState>,
    caller: Caller,
    q: QueryResult<StaffingQuery>,
) -> ApiResult<Json<Vec<Session>>> {
    let q = query(q)?;
    let from = match q.from.as_deref() {
        Some(f) => parse_date(f, "from")?,
        None => {
            state
                .run(caller.ctx.clone(), |app, ctx| app.organisation_today(ctx))
                .await?
        }
    };
    let to = match q.to.as_deref() {
        Some(t) => parse_date(t, "to")?,
        None => from
            .checked_add(jiff::Span::new().days(13))
            .map_err(|_| WebError::Unprocessable("from is out of range".into()))?,
    };
    let site = q
        .site
        .as_deref()
        .map(|v| crate::extract::body_id(v, "site"))
        .transpose()?;
    let v = state
        .run(caller.ctx, move |app, ctx| {
            app.staffing_view(ctx, from, to, site)
        })
        .await?;
    Ok(Json(v.into_iter().map(Session::from).collect()))
}

#[derive(Deserialize, ToSchema, Default)]
#[serde(deny_unknown_fields)]
pub struct GenerateRequest {
    from: Option<String>,
    to: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct GenerateResult {
    created: usize,
    updated: usize,
    cancelled: usize,
}

impl From<GenerateReport> for GenerateResult {
    fn from(r: GenerateReport) -> Self {
        GenerateResult {
            created: r.created,
            updated: r.updated,
            cancelled: r.cancelled,
        }
    }
}

/// Generate (or bring up to date) a program's sessions; running it again changes nothing.
#[utoipa::path(post, path = "/api/v1/programs/{id}/generate", operation_id = "generate_sessions", tag = "calendar", params(("id" = String, Path)),
    request_body = GenerateRequest, security(("bearer" = [])),
    responses((status = 200, body = GenerateResult), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn generate(
    State(state): State<AppState>,
    caller: Caller,
    PathId(id): PathId<iop_domain::ids::ProgramId>,
    ApiJson(req): ApiJson<GenerateRequest>,
) -> ApiResult<Json<GenerateResult>> {
    let from = req
        .from
        .as_deref()
        .map(|f| parse_date(f, "from"))
        .transpose()?;
    let to = req.to.as_deref().map(|t| parse_date(t, "to")).transpose()?;
    let r = state
        .run(caller.ctx, move |app, ctx| {
            app.generate_sessions(ctx, id, from, to)
        })
        .await?;
    Ok(Json(r.into()))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CancelRequest {
    reason: String,
}

/// Cancel one session (it stays, with the reason).
#[utoipa::path(post, path = "/api/v1/sessions/{id}/cancel", tag = "calendar", params(("id" = String, Path)), request_body = CancelRequest,
    security(("bearer" = [])), responses((status = 204), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn cancel(
    State(state): State<AppState>,
    caller: Caller,
    PathId(id): PathId<iop_domain::ids::SessionId>,
    ApiJson(req): ApiJson<CancelRequest>,
) -> ApiResult<StatusCode> {
    state
        .run(caller.ctx, move |app, ctx| {
            app.cancel_session(ctx, id, &req.reason)
        })
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MoveRequest {
    /// New local date, YYYY-MM-DD.
    date: String,
    /// New local start, HH:MM.
    start: String,
}

/// Move one session to another date or time.
#[utoipa::path(post, path = "/api/v1/sessions/{id}/move", tag = "calendar", params(("id" = String, Path)), request_body = MoveRequest,
    security(("bearer" = [])), responses((status = 204), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn move_session(
    State(state): State<AppState>,
    caller: Caller,
    PathId(id): PathId<iop_domain::ids::SessionId>,
    ApiJson(req): ApiJson<MoveRequest>,
) -> ApiResult<StatusCode> {
    let date = parse_date(&req.date, "date")?;
    let start: jiff::civil::Time = req
        .start
        .parse()
        .map_err(|_| WebError::Unprocessable("start must be a time like 18:00".into()))?;
    state
        .run(caller.ctx, move |app, ctx| {
            app.move_session(ctx, id, date, start)
        })
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TopicRequest {
    topic_id: String,
}

/// Change the curriculum topic of one core session.
#[utoipa::path(put, path = "/api/v1/sessions/{id}/topic", tag = "calendar", params(("id" = String, Path)), request_body = TopicRequest,
    security(("bearer" = [])), responses((status = 204), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn set_topic(
    State(state): State<AppState>,
    caller: Caller,
    PathId(id): PathId<iop_domain::ids::SessionId>,
    ApiJson(req): ApiJson<TopicRequest>,
) -> ApiResult<StatusCode> {
    let topic = crate::extract::body_id(&req.topic_id, "topic_id")?;
    state
        .run(caller.ctx, move |app, ctx| {
            app.set_session_topic(ctx, id, topic)
        })
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ClosureRequest {
    date: String,
    reason: String,
}

#[derive(Serialize, ToSchema)]
pub struct Closure {
    id: iop_domain::ids::ClosureId,
    site_id: iop_domain::ids::SiteId,
    date: iop_domain::time::Day,
    reason: String,
}

/// Close a site on a date: its sessions that day are cancelled with the reason.
#[utoipa::path(post, path = "/api/v1/sites/{id}/closures", tag = "calendar", params(("id" = String, Path)), request_body = ClosureRequest,
    security(("bearer" = [])), responses((status = 201, body = crate::api::accounts::users::Created), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn add_closure(
    State(state): State<AppState>,
    caller: Caller,
    PathId(site): PathId<iop_domain::ids::SiteId>,
    ApiJson(req): ApiJson<ClosureRequest>,
) -> ApiResult<(StatusCode, Json<crate::api::accounts::users::Created>)> {
    let date = parse_date(&req.date, "date")?;
    let id = state
        .run(caller.ctx, move |app, ctx| {
            app.add_closure(ctx, site, date, &req.reason)
        })
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(crate::api::accounts::users::Created::new(id)),
    ))
}

/// A site's closures in a date range.
#[utoipa::path(get, path = "/api/v1/sites/{id}/closures", tag = "calendar", params(("id" = String, Path), RangeQuery), security(("bearer" = [])),
    responses((status = 200, body = [Closure]), (status = 400, body = Problem), (status = 422, body = Problem)))]
pub async fn closures(
    State(state): State<AppState>,
    caller: Caller,
    PathId(site): PathId<iop_domain::ids::SiteId>,
    q: QueryResult<RangeQuery>,
) -> ApiResult<Json<Vec<Closure>>> {
    let q = query(q)?;
    let (from, to) = (parse_date(&q.from, "from")?, parse_date(&q.to, "to")?);
    let rows = state
        .run(caller.ctx, move |app, ctx| {
            app.closures(ctx, site, from, to)
        })
        .await?;
    Ok(Json(
        rows.into_iter()
            .map(|r| Closure {
                id: r.id,
                site_id: r.site_id,
                date: r.local_date,
                reason: r.reason,
            })
            .collect(),
    ))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct HolidaysRequest {
    year: i16,
}

#[derive(Serialize, ToSchema)]
pub struct Added {
    added: usize,
}

/// Close a site on every US federal holiday of a year (those not closed already).
#[utoipa::path(post, path = "/api/v1/sites/{id}/closures/federal-holidays", tag = "calendar", params(("id" = String, Path)),
    request_body = HolidaysRequest, security(("bearer" = [])), responses((status = 200, body = Added), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn federal_holidays(
    State(state): State<AppState>,
    caller: Caller,
    PathId(site): PathId<iop_domain::ids::SiteId>,
    ApiJson(req): ApiJson<HolidaysRequest>,
) -> ApiResult<Json<Added>> {
    let added = state
        .run(caller.ctx, move |app, ctx| {
            app.add_federal_holidays(ctx, site, req.year)
        })
        .await?;
    Ok(Json(Added { added }))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct VoidRequest {
    reason: String,
}

/// Withdraw a closure (with a reason): its sessions are reinstated.
#[utoipa::path(post, path = "/api/v1/closures/{id}/void", tag = "calendar", params(("id" = String, Path)), request_body = VoidRequest,
    security(("bearer" = [])), responses((status = 204), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn void_closure(
    State(state): State<AppState>,
    caller: Caller,
    PathId(id): PathId<iop_domain::ids::ClosureId>,
    ApiJson(req): ApiJson<VoidRequest>,
) -> ApiResult<StatusCode> {
    state
        .run(caller.ctx, move |app, ctx| {
            app.void_closure(ctx, id, &req.reason)
        })
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TrackRequest {
    /// Nights as `mon,tue,thu`; must keep the family group's night.
    weekdays: String,
}

/// Change the nights a track meets: future sessions follow, held sessions stay.
#[utoipa::path(put, path = "/api/v1/tracks/{id}", tag = "calendar", params(("id" = String, Path)), request_body = TrackRequest,
    security(("bearer" = [])), responses((status = 204), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn set_track(
    State(state): State<AppState>,
    caller: Caller,
    PathId(id): PathId<iop_domain::ids::TrackId>,
    ApiJson(r): ApiJson<TrackRequest>,
) -> ApiResult<StatusCode> {
    state
        .run(caller.ctx, move |app, ctx| {
            app.set_track_weekdays(ctx, id, &r.weekdays)
        })
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Serialize, ToSchema)]
pub struct Topic {
    id: iop_domain::ids::TopicId,
    position: i32,
    title: String,
    active: bool,
}

/// A program's curriculum topics in rotation order.
#[utoipa::path(get, path = "/api/v1/programs/{id}/topics", tag = "calendar", params(("id" = String, Path)), security(("bearer" = [])),
    responses((status = 200, body = [Topic]), (status = 404, body = Problem)))]
pub async fn topics(
    State(state): State<AppState>,
    caller: Caller,
    PathId(id): PathId<iop_domain::ids::ProgramId>,
) -> ApiResult<Json<Vec<Topic>>> {
    let rows = state
        .run(caller.ctx, move |app, ctx| app.topics(ctx, id))
        .await?;
    Ok(Json(
        rows.into_iter()
            .map(|t| Topic {
                id: t.id,
                position: t.position,
                title: t.title,
                active: t.active,
            })
            .collect(),
    ))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TopicAddRequest {
    title: String,
}

/// Add a curriculum topic; future core sessions take it into the rotation.
#[utoipa::path(post, path = "/api/v1/programs/{id}/topics", tag = "calendar", params(("id" = String, Path)), request_body = TopicAddRequest,
    security(("bearer" = [])), responses((status = 201, body = crate::api::accounts::users::Created), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn add_topic(
    State(state): State<AppState>,
    caller: Caller,
    PathId(id): PathId<iop_domain::ids::ProgramId>,
    ApiJson(r): ApiJson<TopicAddRequest>,
) -> ApiResult<(StatusCode, Json<crate::api::accounts::users::Created>)> {
    let tid = state
        .run(caller.ctx, move |app, ctx| app.add_topic(ctx, id, &r.title))
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(crate::api::accounts::users::Created::new(tid)),
    ))
}
