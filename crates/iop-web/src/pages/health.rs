//! Liveness and readiness, and the answer for unknown addresses.

use crate::error::WebError;
use crate::{blocking, AppState};
use axum::extract::State;
use axum::http::{StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::Json;

/// 200 when the database answers, 503 when it does not.
pub async fn healthz(State(state): State<AppState>) -> Response {
    let app = state.app.clone();
    let db = blocking(move || app.ping()).await;
    match db {
        Ok(()) => Json(serde_json::json!({ "status": "ok", "database": "ok" })).into_response(),
        Err(_) => (
            StatusCode::SERVICE_UNAVAILABLE,
            Json(serde_json::json!({ "status": "unavailable", "database": "unreachable" })),
        )
            .into_response(),
    }
}

pub async fn not_found(uri: Uri) -> Response {
    if uri.path().starts_with("/fhir/") {
        crate::fhir::outcome(WebError::NotFound)
    } else if uri.path().starts_with("/api/") {
        WebError::NotFound.into_problem()
    } else {
        WebError::NotFound.into_page()
    }
}
