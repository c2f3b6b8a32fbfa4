//! Body extractors whose rejections are clear 4xx answers instead of axum's plain text.

use crate::error::{ApiError, PageError, WebError};
use axum::extract::rejection::{FormRejection, JsonRejection};
use axum::extract::{FromRequest, Request};
use axum::http::StatusCode;
use serde::de::DeserializeOwned;

/// A JSON body. Malformed JSON is 400, a wrong type or unknown field 422, a wrong
/// content type 415, an oversized body 413, each as `problem+json`.
pub struct ApiJson<T>(pub T);

fn json_error(r: JsonRejection) -> WebError {
    match r {
        JsonRejection::MissingJsonContentType(_) => WebError::UnsupportedMediaType(
            "send the body as JSON with Content-Type: application/json".into(),
        ),
        JsonRejection::JsonSyntaxError(e) => {
            WebError::BadRequest(format!("the body is not valid JSON: {}", e.body_text()))
        }
        JsonRejection::JsonDataError(e) => {
            WebError::Unprocessable(format!("the JSON does not fit: {}", e.body_text()))
        }
        JsonRejection::BytesRejection(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => {
            WebError::PayloadTooLarge
        }
        other => WebError::BadRequest(other.body_text()),
    }
}

/// The body's bytes, given back as a request, once every text in it has passed
/// `iop_domain::text::check` (so no field anywhere takes a direction override or a
/// control character); `texts` lists (field, value) of the body.
async fn screened(
    req: Request,
    texts: impl FnOnce(&[u8]) -> Vec<(String, String)>,
) -> Result<Request, WebError> {
    let (parts, body) = req.into_parts();
    let bytes = axum::body::to_bytes(body, crate::access::MAX_BODY)
        .await
        .map_err(|_| WebError::PayloadTooLarge)?;
    for (field, value) in texts(&bytes) {
        if let Err(bad) = iop_domain::text::check(&value) {
            return Err(WebError::Unprocessable(format!("`{field}` {bad}")));
        }
    }
    Ok(Request::from_parts(parts, axum::body::Body::from(bytes)))
}

/// Every string in a JSON document, with the path of its field (`entries[2].progress`).
fn json_texts(bytes: &[u8]) -> Vec<(String, String)> {
    fn walk(v: &serde_json::Value, path: String, out: &mut Vec<(String, String)>) {
        match v {
            serde_json::Value::String(s) => out.push((path, s.clone())),
            serde_json::Value::Array(items) => {
                for (i, item) in items.iter().enumerate() {
                    walk(item, format!("{path}[{i}]"), out);
                }
            }
            serde_json::Value::Object(map) => {
                for (k, item) in map {
                    out.push((path.clone(), k.clone()));
                    let p = if path.is_empty() {
                        k.clone()
                    } else {
                        format!("{path}.{k}")
                    };
                    walk(item, p, out);
                }
            }
            _ => {}
        }
    }
    let mut out = Vec::new();
    // Not JSON at all: the JSON extractor says so with its own message.
    if let Ok(v) = serde_json::from_slice::<serde_json::Value>(bytes) {
        walk(&v, String::new(), &mut out);
    }
    out
}

fn form_texts(bytes: &[u8]) -> Vec<(String, String)> {
    serde_urlencoded::from_bytes::<Vec<(String, String)>>(bytes).unwrap_or_default()
}

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for ApiJson<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let req = screened(req, json_texts).await.map_err(ApiError)?;
        match axum::Json::<T>::from_request(req, state).await {
            Ok(axum::Json(v)) => Ok(ApiJson(v)),
            Err(r) => Err(ApiError(json_error(r))),
        }
    }
}

/// A urlencoded form from a page.
pub struct PageForm<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for PageForm<T> {
    type Rejection = PageError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let req = screened(req, form_texts).await.map_err(PageError)?;
        match axum::Form::<T>::from_request(req, state).await {
            Ok(axum::Form(v)) => Ok(PageForm(v)),
            Err(FormRejection::BytesRejection(e))
                if e.status() == StatusCode::PAYLOAD_TOO_LARGE =>
            {
                Err(PageError(WebError::PayloadTooLarge))
            }
            Err(r) => Err(PageError(WebError::BadRequest(format!(
                "the form could not be read: {}",
                r.body_text()
            )))),
        }
    }
}

/// The one id in a route's path (`/sessions/{id}/…`), parsed into its type at the edge.
/// Text that is no id names nothing here: 404, as for an id that does not exist.
pub struct PathId<T>(pub T);

impl<T: std::str::FromStr + Send, S: Send + Sync> axum::extract::FromRequestParts<S> for PathId<T> {
    type Rejection = axum::response::Response;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        state: &S,
    ) -> Result<Self, Self::Rejection> {
        let path = parts.uri.path();
        let (is_api, is_fhir) = (path.starts_with("/api/"), path.starts_with("/fhir/"));
        let not_found = || {
            if is_fhir {
                crate::fhir::outcome(WebError::NotFound)
            } else if is_api {
                WebError::NotFound.into_problem()
            } else {
                WebError::NotFound.into_page()
            }
        };
        let Ok(axum::extract::Path(raw)) =
            axum::extract::Path::<String>::from_request_parts(parts, state).await
        else {
            return Err(not_found());
        };
        raw.parse().map(PathId).map_err(|_| not_found())
    }
}

/// An id inside a request body or form, parsed at the edge; 422 naming the field.
pub fn body_id<T: std::str::FromStr>(raw: &str, field: &str) -> Result<T, WebError> {
    raw.trim()
        .parse()
        .map_err(|_| WebError::Unprocessable(format!("{field} {raw:?} is not a valid id")))
}

/// A code from a closed set inside a request body or form; 422 naming the field.
pub fn body_code<T: std::str::FromStr>(raw: &str, field: &str) -> Result<T, WebError> {
    raw.parse()
        .map_err(|_| WebError::Unprocessable(format!("unknown {field} {raw:?}")))
}

/// A time of day typed in a form or request (`14:05`); a refusal naming the field.
pub fn text_time(raw: &str, what: &str) -> Result<jiff::civil::Time, iop_app::AppError> {
    raw.trim()
        .parse()
        .map_err(|_| iop_app::AppError::Invalid(format!("the {what} time must look like 14:05")))
}

/// A local date and time typed in a form or request (`2026-12-01T14:00`).
pub fn text_datetime(raw: &str, what: &str) -> Result<jiff::civil::DateTime, iop_app::AppError> {
    raw.trim().parse().map_err(|_| {
        iop_app::AppError::Invalid(format!(
            "the {what} must be a local date and time like 2026-12-01T14:00"
        ))
    })
}

/// A code from a closed set in a page form, inside a use-case closure: a refusal the
/// page shows beside the form it keeps.
pub fn form_code<T: std::str::FromStr>(raw: &str, what: &str) -> Result<T, iop_app::AppError> {
    raw.trim()
        .parse()
        .map_err(|_| iop_app::AppError::Invalid(format!("choose a {what} from the list")))
}

/// An id named in a page form, inside a use-case closure: text that is no id names
/// nothing (404, as for an id that does not exist).
pub fn form_id<T: std::str::FromStr>(raw: &str, what: &str) -> Result<T, iop_app::AppError> {
    raw.trim()
        .parse()
        .map_err(|_| iop_app::AppError::NotFound(format!("{what} {raw:?}")))
}

/// A form's fields as it was sent, to show it again when it is refused (text fields
/// and ticked boxes; an unticked box is absent).
pub fn as_typed<T: serde::Serialize>(form: &T) -> std::collections::HashMap<String, String> {
    serde_json::to_value(form)
        .ok()
        .and_then(|v| v.as_object().cloned())
        .unwrap_or_default()
        .into_iter()
        .filter_map(|(k, v)| v.as_str().map(|s| (k, s.to_string())))
        .collect()
}
