//! Bearer tokens for the API.

use crate::access::{Caller, Meta};
use crate::api::{ApiResult, Problem};
use crate::extract::ApiJson;
use crate::extract::PathId;
use crate::{blocking, AppState};
use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use iop_app::accounts::auth::Credentials;
use iop_domain::time::Instant;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TokenRequest {
    #[schema(example = "counselor@demo.test")]
    email: String,
    password: String,
    /// The six-digit code, for accounts with a second factor.
    totp_code: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct TokenResponse {
    id: String,
    /// Send as `Authorization: Bearer <token>`. Shown once.
    token: String,
    expires_at: Instant,
}

/// Exchange email and password for a bearer token.
#[utoipa::path(post, path = "/api/v1/auth/token", tag = "auth", request_body = TokenRequest,
    responses((status = 201, body = TokenResponse), (status = 401, body = Problem), (status = 422, body = Problem), (status = 429, body = Problem)))]
pub async fn create_token(
    State(state): State<AppState>,
    Meta(meta): Meta,
    ApiJson(req): ApiJson<TokenRequest>,
) -> ApiResult<(StatusCode, Json<TokenResponse>)> {
    let creds = Credentials {
        email: req.email,
        password: req.password,
        totp_code: req.totp_code,
    };
    let app = state.app.clone();
    let issued = blocking(move || app.issue_api_token(&meta, &creds)).await?;
    Ok((
        StatusCode::CREATED,
        Json(TokenResponse {
            id: issued.id.to_string(),
            token: issued.token,
            expires_at: iop_domain::time::Instant(issued.expires_at),
        }),
    ))
}

/// Revoke a token (your own; an administrator may revoke any).
#[utoipa::path(delete, path = "/api/v1/auth/token/{id}", tag = "auth", params(("id" = String, Path)),
    security(("bearer" = [])),
    responses((status = 204), (status = 404, body = Problem), (status = 409, body = Problem)))]
pub async fn revoke_token(
    State(state): State<AppState>,
    caller: Caller,
    PathId(id): PathId<iop_domain::ids::TokenId>,
) -> ApiResult<StatusCode> {
    state
        .run(caller.ctx, move |app, ctx| app.revoke_token(ctx, id))
        .await?;
    Ok(StatusCode::NO_CONTENT)
}
