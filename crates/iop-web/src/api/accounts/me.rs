//! Who the caller is.

use crate::access::Caller;
use crate::api::{ApiResult, Problem};
use axum::Json;
use serde::Serialize;
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
