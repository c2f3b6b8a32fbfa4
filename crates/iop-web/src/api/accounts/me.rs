//! Who the caller is.

use crate::access::Caller;
use crate::api::{ApiResult, Problem};
use crate::extract::ApiJson;
use crate::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

#[derive(Serialize, ToSchema)]
pub struct Me {
    id: String,
    email: String,
    display_name: String,
    role: String,
}

/// The signed-in account.
#[utoipa::path(get, path = "/api/v1/me", tag = "auth", security(("bearer" = [])),
    responses((status = 200, body = Me), (status = 401, body = Problem)))]
pub async fn me(caller: Caller) -> ApiResult<Json<Me>> {
    let a = caller.authed.actor;
    Ok(Json(Me {
        id: a.user_id.to_string(),
        email: a.email,
        display_name: a.display_name,
        role: a.role.to_string(),
    }))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PasswordChange {
    current_password: String,
    /// At least 12 characters, not common, not guessable from the account's names.
    new_password: String,
}

/// Change the caller's own password. Every session and token of the account ends, this one too.
#[utoipa::path(put, path = "/api/v1/me/password", tag = "auth", request_body = PasswordChange, security(("bearer" = [])),
    responses((status = 204), (status = 401, body = Problem), (status = 422, body = Problem), (status = 429, body = Problem)))]
pub async fn change_password(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(r): ApiJson<PasswordChange>,
) -> ApiResult<StatusCode> {
    state
        .run(caller.ctx, move |app, ctx| {
            app.change_own_password(ctx, &r.current_password, r.new_password)
        })
        .await?;
    Ok(StatusCode::NO_CONTENT)
}
