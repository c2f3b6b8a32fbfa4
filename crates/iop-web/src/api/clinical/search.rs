//! Patient search over the API. The query travels in the body, never in the URL: a name
//! in a URL ends up in proxy logs and browser history.

use crate::access::Caller;
use crate::api::{ApiResult, Problem};
use crate::extract::ApiJson;
use crate::AppState;
use axum::extract::State;
use axum::Json;
use iop_app::admissions::search::PatientHit;
use serde::Deserialize;
use utoipa::ToSchema;

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PatientSearch {
    /// A name or the start of one (any case, accents optional), an MRN, a date of birth
    /// (1990-05-14 or 05/14/1990) or part of a phone number.
    q: String,
}

/// Find patients in the caller's caseload (at most 50, by last name).
#[utoipa::path(post, path = "/api/v1/patients/search", operation_id = "search_patients", tag = "clinical", request_body = PatientSearch, security(("bearer" = [])),
    responses((status = 200, body = Vec<PatientHit>), (status = 400, body = Problem), (status = 403, body = Problem), (status = 413, body = Problem), (status = 415, body = Problem), (status = 422, body = Problem)))]
pub async fn search(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(body): ApiJson<PatientSearch>,
) -> ApiResult<Json<Vec<PatientHit>>> {
    let hits = state
        .run(caller.ctx, move |app, ctx| {
            app.search_patients(ctx, &body.q)
        })
        .await?;
    Ok(Json(hits))
}
