//! Staff profiles, facilitator assignments and calendar feeds over the API.

use crate::access::Caller;
use crate::api::{query, ApiResult, Problem, QueryResult};
use crate::error::WebError;
use crate::extract::body_id;
use crate::extract::{ApiJson, PathId};
use crate::AppState;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use iop_app::calendar::feeds::FeedTarget;
use iop_app::calendar::sessions::parse_date;
use iop_app::org::staffing::{BulkAssign, NewStaff};
use iop_domain::time::Instant;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

#[derive(Serialize, ToSchema)]
pub struct Staff {
    id: iop_domain::ids::StaffId,
    display_name: String,
    credentials: Vec<String>,
    npi: Option<iop_domain::npi::Npi>,
    /// Provider taxonomy code (NUCC), such as 101YA0400X.
    taxonomy: Option<String>,
    user_id: Option<iop_domain::ids::UserId>,
    active: bool,
    requires_cosign: bool,
}

/// Staff profiles.
#[utoipa::path(get, path = "/api/v1/staff", operation_id = "list_staff", tag = "staffing", security(("bearer" = [])), responses((status = 200, body = [Staff]), (status = 403, body = Problem)))]
pub async fn list(State(state): State<AppState>, caller: Caller) -> ApiResult<Json<Vec<Staff>>> {
    let v = state
        .run(caller.ctx, move |app, ctx| app.staff(ctx))
        .await?;
    Ok(Json(
        v.into_iter()
            .map(|s| Staff {
                id: s.id,
                display_name: s.display_name,
                credentials: s.credentials,
                npi: s.npi,
                taxonomy: s.taxonomy,
                user_id: s.user_id,
                active: s.active,
                requires_cosign: s.requires_cosign,
            })
            .collect(),
    ))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewStaffRequest {
    display_name: String,
    /// Such as LCSW, LADC, CADC, LPC.
    #[serde(default)]
    credentials: Vec<String>,
    /// Ten digits with a valid check digit.
    npi: Option<String>,
    /// Provider taxonomy code (NUCC), such as 101YA0400X.
    taxonomy: Option<String>,
    /// The staff member's sign-in account, if they have one.
    user_email: Option<String>,
    /// Their notes need a clinical director's co-signature (staff under supervision).
    #[serde(default)]
    requires_cosign: bool,
}

/// Add a staff profile.
#[utoipa::path(post, path = "/api/v1/staff", operation_id = "add_staff", tag = "staffing", request_body = NewStaffRequest, security(("bearer" = [])),
    responses((status = 201, body = crate::api::accounts::users::Created), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn add(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(r): ApiJson<NewStaffRequest>,
) -> ApiResult<(StatusCode, Json<crate::api::accounts::users::Created>)> {
    let new = NewStaff {
        display_name: r.display_name,
        credentials: r.credentials,
        npi: r.npi,
        taxonomy: r.taxonomy,
        user_email: r.user_email,
        requires_cosign: r.requires_cosign,
    };
    let id = state
        .run(caller.ctx, move |app, ctx| app.add_staff(ctx, new))
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(crate::api::accounts::users::Created::new(id)),
    ))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BillingIdentityRequest {
    /// The clinician's individual NPI (ten digits, valid check digit); null or blank for none.
    npi: Option<String>,
    /// Provider taxonomy code (NUCC), such as 101YA0400X; null or blank for none.
    taxonomy: Option<String>,
}

/// Set the NPI and taxonomy claims name a clinician with (loop 2310B).
#[utoipa::path(put, path = "/api/v1/staff/{id}/billing-identity", tag = "staffing", params(("id" = String, Path)), request_body = BillingIdentityRequest,
    security(("bearer" = [])), responses((status = 204), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn set_billing_identity(
    State(state): State<AppState>,
    caller: Caller,
    PathId(id): PathId<iop_domain::ids::StaffId>,
    ApiJson(r): ApiJson<BillingIdentityRequest>,
) -> ApiResult<StatusCode> {
    state
        .run(caller.ctx, move |app, ctx| {
            app.set_staff_billing_identity(ctx, id, r.npi.as_deref(), r.taxonomy.as_deref())
        })
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AssignRequest {
    staff_id: String,
}

/// Put a facilitator on a session.
#[utoipa::path(post, path = "/api/v1/sessions/{id}/facilitators", tag = "staffing", params(("id" = String, Path)), request_body = AssignRequest,
    security(("bearer" = [])), responses((status = 204), (status = 404, body = Problem), (status = 409, body = Problem)))]
pub async fn assign(
    State(state): State<AppState>,
    caller: Caller,
    PathId(id): PathId<iop_domain::ids::SessionId>,
    ApiJson(r): ApiJson<AssignRequest>,
) -> ApiResult<StatusCode> {
    let staff = crate::extract::body_id(&r.staff_id, "staff_id")?;
    state
        .run(caller.ctx, move |app, ctx| {
            app.assign_facilitator(ctx, id, staff)
        })
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct UnassignQuery {
    /// Who takes the facilitator's place (needed when the ratio would break).
    replacement: Option<String>,
}

/// Take a facilitator off a session; refused, naming the session, if the ratio would break.
#[utoipa::path(delete, path = "/api/v1/sessions/{id}/facilitators/{staff_id}", tag = "staffing",
    params(("id" = String, Path), ("staff_id" = String, Path), UnassignQuery), security(("bearer" = [])),
    responses((status = 204), (status = 404, body = Problem), (status = 409, body = Problem)))]
pub async fn unassign(
    State(state): State<AppState>,
    caller: Caller,
    Path((id, staff_id)): Path<(String, String)>,
    q: QueryResult<UnassignQuery>,
) -> ApiResult<StatusCode> {
    let Ok(session) = id.parse::<iop_domain::ids::SessionId>() else {
        return Err(crate::error::WebError::NotFound.into());
    };
    let Ok(staff_id) = staff_id.parse::<iop_domain::ids::StaffId>() else {
        return Err(crate::error::WebError::NotFound.into());
    };
    let q = query(q)?;
    let replacement = q
        .replacement
        .as_deref()
        .map(|v| crate::extract::body_id(v, "replacement"))
        .transpose()?;
    state
        .run(caller.ctx, move |app, ctx| {
            app.unassign_facilitator(ctx, session, staff_id, replacement)
        })
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BulkRequest {
    staff_id: String,
    program_id: String,
    /// Only this track's sessions (core groups).
    track_id: Option<String>,
    /// core, family or alumni.
    kind: String,
    from: String,
    to: String,
}

#[derive(Serialize, ToSchema)]
pub struct Assigned {
    assigned: usize,
}

/// "Facilitates the Mon/Tue/Thu core groups from date to date."
#[utoipa::path(post, path = "/api/v1/staffing/bulk", tag = "staffing", request_body = BulkRequest, security(("bearer" = [])),
    responses((status = 200, body = Assigned), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn bulk(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(r): ApiJson<BulkRequest>,
) -> ApiResult<Json<Assigned>> {
    let kind = r
        .kind
        .parse()
        .map_err(|_| WebError::Unprocessable("kind must be core, family or alumni".into()))?;
    let b = BulkAssign {
        staff_id: body_id(&r.staff_id, "staff_id")?,
        program_id: body_id(&r.program_id, "program_id")?,
        track_id: r
            .track_id
            .as_deref()
            .map(|v| body_id(v, "track_id"))
            .transpose()?,
        kind,
        from: parse_date(&r.from, "from")?,
        to: parse_date(&r.to, "to")?,
    };
    let assigned = state
        .run(caller.ctx, move |app, ctx| app.assign_bulk(ctx, b))
        .await?;
    Ok(Json(Assigned { assigned }))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FeedRequest {
    /// A staff member's sessions…
    staff_id: Option<String>,
    /// …or a track's groups (give one of the two).
    track_id: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct FeedCreated {
    id: iop_domain::ids::FeedId,
    /// Subscribe to this path; it is shown once.
    url_path: String,
}

/// Create a calendar feed (an unguessable, revocable URL).
#[utoipa::path(post, path = "/api/v1/calendar-feeds", tag = "staffing", request_body = FeedRequest, security(("bearer" = [])),
    responses((status = 201, body = FeedCreated), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn create_feed(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(r): ApiJson<FeedRequest>,
) -> ApiResult<(StatusCode, Json<FeedCreated>)> {
    let target = match (r.staff_id, r.track_id) {
        (Some(s), None) => FeedTarget::Staff(crate::extract::body_id(&s, "staff_id")?),
        (None, Some(t)) => FeedTarget::Track(crate::extract::body_id(&t, "track_id")?),
        _ => {
            return Err(
                WebError::Unprocessable("give exactly one of staff_id or track_id".into()).into(),
            )
        }
    };
    let f = state
        .run(caller.ctx, move |app, ctx| app.create_feed(ctx, target))
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(FeedCreated {
            id: f.id,
            url_path: f.path,
        }),
    ))
}

#[derive(Serialize, ToSchema)]
pub struct Feed {
    id: iop_domain::ids::FeedId,
    staff_id: Option<iop_domain::ids::StaffId>,
    track_id: Option<iop_domain::ids::TrackId>,
    created_at: Instant,
    revoked: bool,
}

/// Calendar feeds you may manage.
#[utoipa::path(get, path = "/api/v1/calendar-feeds", tag = "staffing", security(("bearer" = [])), responses((status = 200, body = [Feed])))]
pub async fn feeds(State(state): State<AppState>, caller: Caller) -> ApiResult<Json<Vec<Feed>>> {
    let v = state
        .run(caller.ctx, move |app, ctx| app.feeds(ctx))
        .await?;
    Ok(Json(
        v.into_iter()
            .map(|f| Feed {
                id: f.id,
                staff_id: f.staff_id,
                track_id: f.track_id,
                created_at: f.created_at,
                revoked: f.revoked,
            })
            .collect(),
    ))
}

/// Revoke a calendar feed: its URL stops working at once.
#[utoipa::path(delete, path = "/api/v1/calendar-feeds/{id}", tag = "staffing", params(("id" = String, Path)), security(("bearer" = [])),
    responses((status = 204), (status = 404, body = Problem), (status = 409, body = Problem)))]
pub async fn revoke_feed(
    State(state): State<AppState>,
    caller: Caller,
    PathId(id): PathId<iop_domain::ids::FeedId>,
) -> ApiResult<StatusCode> {
    state
        .run(caller.ctx, move |app, ctx| app.revoke_feed(ctx, id))
        .await?;
    Ok(StatusCode::NO_CONTENT)
}
