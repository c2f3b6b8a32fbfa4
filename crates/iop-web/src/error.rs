//! One table from error to HTTP status, and the two ways to show an error: a
//! `problem+json` body for the API, an HTML page for people. Neither shows internals;
//! both carry the request id so a report can be matched with the log.

use askama::Template;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use iop_app::AppError;

tokio::task_local! {
    /// The current request's id, set by `layers::request_scope` for error bodies.
    pub static REQUEST_ID: String;
}

pub fn current_request_id() -> String {
    REQUEST_ID
        .try_with(Clone::clone)
        .unwrap_or_else(|_| "-".into())
}

/// What went wrong, as the HTTP layer sees it.
#[derive(Debug)]
pub enum WebError {
    App(AppError),
    /// 400: the request itself is malformed (bad JSON, bad form).
    BadRequest(String),
    /// 401 with no further detail.
    SignInRequired,
    /// 403: a state-changing request without the right CSRF token.
    Csrf,
    NotFound,
    MethodNotAllowed,
    PayloadTooLarge,
    UnsupportedMediaType(String),
    /// 422: well-formed, but a value is not acceptable.
    Unprocessable(String),
}

impl From<AppError> for WebError {
    fn from(e: AppError) -> Self {
        WebError::App(e)
    }
}

impl WebError {
    /// The status table. `status_table_is_complete` tests it.
    pub fn status(&self) -> StatusCode {
        match self {
            WebError::App(e) => match e {
                AppError::Invalid(_) => StatusCode::UNPROCESSABLE_ENTITY,
                AppError::Unauthenticated(_) => StatusCode::UNAUTHORIZED,
                AppError::Forbidden(_) | AppError::OutOfScope { .. } => StatusCode::FORBIDDEN,
                AppError::NotFound(_) => StatusCode::NOT_FOUND,
                AppError::Conflict(_) | AppError::Duplicate { .. } => StatusCode::CONFLICT,
                AppError::Throttled { .. } => StatusCode::TOO_MANY_REQUESTS,
                AppError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
            },
            WebError::BadRequest(_) => StatusCode::BAD_REQUEST,
            WebError::SignInRequired => StatusCode::UNAUTHORIZED,
            WebError::Csrf => StatusCode::FORBIDDEN,
            WebError::NotFound => StatusCode::NOT_FOUND,
            WebError::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            WebError::PayloadTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            WebError::UnsupportedMediaType(_) => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            WebError::Unprocessable(_) => StatusCode::UNPROCESSABLE_ENTITY,
        }
    }

    /// The sentence a person reads. Internal errors say nothing of their cause.
    pub fn detail(&self) -> String {
        match self {
            WebError::App(AppError::Internal(_)) => {
                "Something went wrong on our side. Nothing was changed; please try again or report the request id.".into()
            }
            WebError::App(e) => capitalise(&e.to_string()),
            WebError::BadRequest(m) | WebError::Unprocessable(m) | WebError::UnsupportedMediaType(m) => capitalise(m),
            WebError::SignInRequired => "Sign in first: send a valid bearer token or session cookie.".into(),
            WebError::Csrf => "The form was out of date or not sent by this site (missing or wrong CSRF token). Reload the page and try again.".into(),
            WebError::NotFound => "There is nothing at this address.".into(),
            WebError::MethodNotAllowed => "This address does not accept that method.".into(),
            WebError::PayloadTooLarge => "The request body is larger than the 1 MiB limit.".into(),
        }
    }

    /// What the log middleware (`layers::log_requests`) needs to know of this error: the
    /// cause of an internal one, which no response body shows.
    fn for_log(&self) -> ErrorForLog {
        ErrorForLog {
            internal_cause: match self {
                WebError::App(AppError::Internal(cause)) => Some(cause.clone()),
                _ => None,
            },
            refusal: match self {
                WebError::App(AppError::Forbidden(what)) => Some(Refusal {
                    what,
                    patient_id: None,
                }),
                WebError::App(AppError::OutOfScope { what, patient_id }) => Some(Refusal {
                    what,
                    patient_id: *patient_id,
                }),
                _ => None,
            },
        }
    }

    pub fn into_problem(self) -> Response {
        let extra = match &self {
            WebError::App(AppError::Duplicate { field, .. }) => {
                Some(("field", serde_json::Value::from(field.as_str())))
            }
            _ => None,
        };
        let mut res = problem_with(self.status(), &self.detail(), extra);
        self.finish(&mut res);
        res
    }

    /// What every error response carries besides its body: the log's facts, and
    /// `Retry-After` on a 429.
    pub(crate) fn finish(&self, res: &mut Response) {
        res.extensions_mut().insert(self.for_log());
        if let WebError::App(AppError::Throttled { retry_after_secs }) = self {
            if let Ok(v) = HeaderValue::from_str(&retry_after_secs.max(&1).to_string()) {
                res.headers_mut().insert(header::RETRY_AFTER, v);
            }
        }
    }

    pub fn into_page(self) -> Response {
        let mut res = error_page(self.status(), &self.detail());
        self.finish(&mut res);
        res
    }
}

/// Attached to an error response for the log middleware; never sent.
#[derive(Clone, Debug)]
pub struct ErrorForLog {
    pub internal_cause: Option<String>,
    /// A refusal by role or caseload, which the access guard audits.
    pub refusal: Option<Refusal>,
}

#[derive(Clone, Copy, Debug)]
pub struct Refusal {
    pub what: &'static str,
    pub patient_id: Option<iop_domain::PatientId>,
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

/// RFC 9457 problem details.
pub fn problem(status: StatusCode, detail: &str) -> Response {
    problem_with(status, detail, None)
}

/// Problem details with one extension member (`field` of a duplicate value).
fn problem_with(
    status: StatusCode,
    detail: &str,
    extra: Option<(&str, serde_json::Value)>,
) -> Response {
    let mut body = serde_json::json!({
        "type": "about:blank",
        "title": status.canonical_reason().unwrap_or("Error"),
        "status": status.as_u16(),
        "detail": detail,
        "request_id": current_request_id(),
    });
    if let (Some((name, value)), Some(members)) = (extra, body.as_object_mut()) {
        members.insert(name.to_string(), value);
    }
    let mut res = (status, body.to_string()).into_response();
    res.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/problem+json"),
    );
    res
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage<'a> {
    status: u16,
    title: &'a str,
    detail: &'a str,
    request_id: String,
}

pub fn error_page(status: StatusCode, detail: &str) -> Response {
    let page = ErrorPage {
        status: status.as_u16(),
        title: status.canonical_reason().unwrap_or("Error"),
        detail,
        request_id: current_request_id(),
    };
    match page.render() {
        Ok(html) => (status, axum::response::Html(html)).into_response(),
        Err(_) => (status, detail.to_string()).into_response(),
    }
}

/// An error from an API handler: rendered as `problem+json`.
pub struct ApiError(pub WebError);

impl<E: Into<WebError>> From<E> for ApiError {
    fn from(e: E) -> Self {
        ApiError(e.into())
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        self.0.into_problem()
    }
}

/// An error from a page handler: rendered as an HTML page.
pub struct PageError(pub WebError);

impl<E: Into<WebError>> From<E> for PageError {
    fn from(e: E) -> Self {
        PageError(e.into())
    }
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        self.0.into_page()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_table_gives_client_errors_for_input_and_500_only_for_internal() {
        let cases = [
            (WebError::App(AppError::Invalid("x".into())), 422),
            (WebError::App(AppError::Unauthenticated("x".into())), 401),
            (WebError::App(AppError::Forbidden("x")), 403),
            (WebError::App(AppError::NotFound("x".into())), 404),
            (WebError::App(AppError::Conflict("x".into())), 409),
            (
                WebError::App(AppError::Duplicate {
                    table: "users".into(),
                    field: "email".into(),
                }),
                409,
            ),
            (
                WebError::App(AppError::Throttled {
                    retry_after_secs: 1,
                }),
                429,
            ),
            (WebError::App(AppError::Internal("x".into())), 500),
            (WebError::BadRequest("x".into()), 400),
            (WebError::SignInRequired, 401),
            (WebError::Csrf, 403),
            (WebError::NotFound, 404),
            (WebError::MethodNotAllowed, 405),
            (WebError::PayloadTooLarge, 413),
            (WebError::UnsupportedMediaType("x".into()), 415),
            (WebError::Unprocessable("x".into()), 422),
        ];
        for (err, code) in cases {
            assert_eq!(err.status().as_u16(), code, "{err:?}");
        }
    }

    #[test]
    fn internal_errors_never_show_their_cause() {
        let e = WebError::App(AppError::Internal(
            "database: disk I/O error at /secret/path".into(),
        ));
        assert!(!e.detail().contains("/secret/path"));
    }
}
