//! Patient search over the API.

use crate::access::Caller;
use crate::api::{query, ApiResult, Problem, QueryResult};
use crate::AppState;
use axum::extract::State;
use axum::Json;
use iop_app::admissions::search::PatientHit;
use serde::Deserialize;
use utoipa::IntoParams;

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct PatientQuery {
    /// A name or the start of one (any case, accents optional), an MRN, a date of birth
    /// (1990-05-14 or 05/14/1990) or part of a phone number.
    q: String,
}

/// Find patients in the caller's caseload (at most 50, by last name).
#[utoipa::path(get, path = "/api/v1/patients", operation_id = "search_patients", tag = "clinical", params(PatientQuery), security(("bearer" = [])),
    responses((status = 200, body = Vec<PatientHit>), (status = 400, body = Problem), (status = 403, body = Problem), (status = 422, body = Problem)))]
pub async fn search(
    State(state): State<AppState>,
    caller: Caller,
    q: QueryResult<PatientQuery>,
) -> ApiResult<Json<Vec<PatientHit>>> {
    let q = query(q)?;
    let hits = state
        .run(caller.ctx, move |app, ctx| app.search_patients(ctx, &q.q))
        .await?;
    Ok(Json(hits))
}
