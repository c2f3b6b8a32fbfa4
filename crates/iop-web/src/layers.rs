//! Middleware around every route: request scope (id for error bodies), the request log,
//! security headers, and a last safety net that turns bare error responses into proper
//! ones.

use crate::error::{current_request_id, error_page, problem, ErrorForLog, REQUEST_ID};
use axum::extract::{MatchedPath, Request};
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::Response;

pub const CSP: &str =
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; \
form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'";

/// Makes the request id available to error rendering in this request's task.
pub async fn request_scope(req: Request, next: Next) -> Response {
    let id = req
        .headers()
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("-")
        .to_string();
    REQUEST_ID.scope(id, next.run(req)).await
}

/// The signed-in account of a request, put on its response by the access guard for the
/// request log.
#[derive(Clone, Copy, Debug)]
pub struct AccountForLog(pub iop_domain::UserId);

/// One log line per request, written here and nowhere else: method, route template
/// (`/api/v1/patients/{id}/chart`: never the path's ids or the query string, which can
/// carry personal data), status, latency, request id and the account's id. An internal
/// error's cause goes on its request's line, at `error`; handlers only build responses.
pub async fn log_requests(req: Request, next: Next) -> Response {
    let started = std::time::Instant::now();
    let method = req.method().clone();
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map(|p| p.as_str().to_owned());
    let res = next.run(req).await;
    // Microseconds are as fine as a latency in a log needs to be.
    let latency_ms = (started.elapsed().as_secs_f64() * 1e6).round() / 1e3;
    let status = res.status().as_u16();
    let request_id = current_request_id();
    let route = route.as_deref().unwrap_or("(no route)");
    // Methods from a fixed set: any other token a client sends would be a new series
    // kept for the life of the process.
    let method_label = match method.as_str() {
        m @ ("GET" | "HEAD" | "POST" | "PUT" | "PATCH" | "DELETE" | "OPTIONS") => m,
        _ => "other",
    };
    let labels = [
        ("method", method_label.to_owned()),
        ("route", route.to_owned()),
    ];
    metrics::histogram!(crate::metrics::REQUEST_SECONDS, &labels)
        .record(started.elapsed().as_secs_f64());
    let [m, r] = labels;
    metrics::counter!(
        crate::metrics::REQUESTS,
        &[m, r, ("status", status.to_string())]
    )
    .increment(1);
    let account = res
        .extensions()
        .get::<AccountForLog>()
        .map_or_else(|| "-".to_string(), |a| a.0.to_string());
    let cause = res
        .extensions()
        .get::<ErrorForLog>()
        .and_then(|e| e.internal_cause.as_deref());
    match cause {
        Some(cause) => {
            tracing::error!(%method, route, status, latency_ms, %request_id, account, cause, "request failed")
        }
        None if res.status().is_server_error() => {
            tracing::error!(%method, route, status, latency_ms, %request_id, account, "request failed")
        }
        None => tracing::info!(%method, route, status, latency_ms, %request_id, account, "request"),
    }
    res
}

/// A request id from outside (the proxy's) is kept only if it looks like one: at most 64
/// letters, digits and `-_.:`. It goes into every log line and audit row of the request,
/// so anything else is replaced by an id made here.
pub async fn drop_odd_request_ids(mut req: Request, next: Next) -> Response {
    let odd = req
        .headers()
        .get_all("x-request-id")
        .iter()
        .any(|v| !is_plain_id(v.as_bytes()));
    if odd {
        req.headers_mut().remove("x-request-id");
    }
    next.run(req).await
}

fn is_plain_id(id: &[u8]) -> bool {
    !id.is_empty()
        && id.len() <= 64
        && id
            .iter()
            .all(|c| c.is_ascii_alphanumeric() || b"-_.:".contains(c))
}

pub async fn security_headers(req: Request, next: Next) -> Response {
    let mut res = next.run(req).await;
    let h = res.headers_mut();
    h.insert("content-security-policy", HeaderValue::from_static(CSP));
    h.insert(
        "x-content-type-options",
        HeaderValue::from_static("nosniff"),
    );
    h.insert("x-frame-options", HeaderValue::from_static("DENY"));
    h.insert("referrer-policy", HeaderValue::from_static("no-referrer"));
    h.insert(
        "cross-origin-opener-policy",
        HeaderValue::from_static("same-origin"),
    );
    h.insert(
        "permissions-policy",
        HeaderValue::from_static("camera=(), microphone=(), geolocation=()"),
    );
    // Pages hold health information: no shared or back-button caching of them.
    if !h.contains_key(header::CACHE_CONTROL) {
        h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    res
}

/// Error responses that some layer produced without a proper body (405 from the
/// router, 413 from the body limit, …) get one: `problem+json` under `/api`, a page
/// elsewhere.
pub async fn error_bodies(req: Request, next: Next) -> Response {
    let is_api = req.uri().path().starts_with("/api/");
    let is_fhir = req.uri().path().starts_with("/fhir/");
    let res = next.run(req).await;
    let status = res.status();
    if !(status.is_client_error() || status.is_server_error()) {
        return res;
    }
    let ct = res
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    if ct.starts_with("application/problem+json")
        || ct.starts_with("text/html")
        || ct.starts_with("application/fhir+json")
    {
        return res;
    }
    let detail = match status {
        StatusCode::METHOD_NOT_ALLOWED => "This address does not accept that method.",
        StatusCode::PAYLOAD_TOO_LARGE => "The request body is larger than the 1 MiB limit.",
        StatusCode::NOT_FOUND => "There is nothing at this address.",
        s if s.is_server_error() => {
            "Something went wrong on our side. Please try again or report the request id."
        }
        _ => "The request could not be handled.",
    };
    let mut fixed = if is_fhir {
        crate::fhir::outcome_for_status(status, detail)
    } else if is_api {
        problem(status, detail)
    } else {
        error_page(status, detail)
    };
    for name in ["allow", "retry-after", "www-authenticate"] {
        if let Some(v) = res.headers().get(name) {
            fixed.headers_mut().insert(name, v.clone());
        }
    }
    fixed
}
