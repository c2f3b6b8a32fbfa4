//! The JSON API under `/api/v1`. Every handler carries a `#[utoipa::path]`, and
//! `openapi::ApiDoc` lists them; a test checks the document against the registry.

pub mod accounts;
pub mod admissions;
pub mod audit;
pub mod billing;
pub mod calendar;
pub mod clinical;
pub mod consent;
pub mod openapi;
pub mod org;

use crate::error::ApiError;

pub type ApiResult<T> = Result<T, ApiError>;

/// A query string as the handler received it: read with [`query`].
pub(crate) type QueryResult<T> =
    Result<axum::extract::Query<T>, axum::extract::rejection::QueryRejection>;

/// The query's values, or a 400 saying why they could not be read.
pub(crate) fn query<T>(q: QueryResult<T>) -> Result<T, crate::error::WebError> {
    q.map(|axum::extract::Query(v)| v).map_err(|e| {
        crate::error::WebError::BadRequest(format!(
            "the query could not be read: {}",
            e.body_text()
        ))
    })
}

/// The error body of every failed API call (RFC 9457).
#[derive(utoipa::ToSchema)]
#[allow(dead_code)]
pub struct Problem {
    #[schema(example = "about:blank")]
    r#type: String,
    title: String,
    status: u16,
    detail: String,
    request_id: String,
    /// The field whose value must be unique and is taken (409 only).
    field: Option<String>,
}
