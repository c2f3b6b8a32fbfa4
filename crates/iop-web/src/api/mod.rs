//! The JSON API under `/api/v1`. Every handler carries a `#[utoipa::path]`, and
//! `openapi::ApiDoc` lists them; a test checks the document against the registry.

pub mod admissions;
pub mod audit;
pub mod auth;
pub mod calendar;
pub mod care;
pub mod clinical;
pub mod me;
pub mod openapi;
pub mod org;
pub mod org_admin;
pub mod staffing;
pub mod users;

use crate::error::ApiError;

pub type ApiResult<T> = Result<T, ApiError>;

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
}
