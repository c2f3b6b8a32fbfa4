//! Staff accounts over the API.

use crate::access::Caller;
use crate::api::{ApiResult, Problem};
use crate::error::WebError;
use crate::extract::ApiJson;
use crate::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use iop_app::accounts::users::NewUser;
use iop_domain::time::Instant;
use iop_domain::Role;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

#[derive(Serialize, ToSchema)]
pub struct User {
    id: iop_domain::ids::UserId,
    email: String,
    display_name: String,
    #[schema(example = "counselor")]
    role: String,
    disabled: bool,
    totp_enabled: bool,
    created_at: Instant,
}

/// All staff accounts.
#[utoipa::path(get, path = "/api/v1/users", operation_id = "list_users", tag = "users", security(("bearer" = [])),
    responses((status = 200, body = [User]), (status = 401, body = Problem), (status = 403, body = Problem)))]
pub async fn list(State(state): State<AppState>, caller: Caller) -> ApiResult<Json<Vec<User>>> {
    let users = state
        .run(caller.ctx, move |app, ctx| app.list_users(ctx))
        .await?;
    Ok(Json(
        users
            .into_iter()
            .map(|u| User {
                id: u.id,
                email: u.email,
                display_name: u.display_name,
                role: u.role.to_string(),
                disabled: u.disabled,
                totp_enabled: u.totp_enabled,
                created_at: u.created_at,
            })
            .collect(),
    ))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewUserRequest {
    email: String,
    display_name: String,
    /// admin, clinical_director, counselor, admissions or billing.
    role: String,
    /// At least 12 characters.
    password: String,
}

#[derive(Serialize, ToSchema)]
pub struct Created {
    id: String,
}

impl Created {
    pub fn new(id: impl ToString) -> Self {
        Created { id: id.to_string() }
    }
}

/// Add a staff account.
#[utoipa::path(post, path = "/api/v1/users", operation_id = "add_user", tag = "users", request_body = NewUserRequest, security(("bearer" = [])),
    responses((status = 201, body = Created), (status = 400, body = Problem), (status = 403, body = Problem),
        (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn add(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(req): ApiJson<NewUserRequest>,
) -> ApiResult<(StatusCode, Json<Created>)> {
    let role: Role = req.role.parse().map_err(|_| {
        WebError::Unprocessable(
            "role must be one of admin, clinical_director, counselor, admissions, billing".into(),
        )
    })?;
    let new = NewUser {
        email: req.email,
        display_name: req.display_name,
        role,
        password: req.password,
    };
    let id = state
        .run(caller.ctx, move |app, ctx| app.add_user(ctx, new))
        .await?;
    Ok((StatusCode::CREATED, Json(Created { id: id.to_string() })))
}
