//! The FHIR R4 interface at `/fhir/r4`: bearer tokens with the JSON API's policy and
//! caseload, `application/fhir+json` bodies, every refusal an OperationOutcome. What it
//! supports is `CAPABILITIES`, which the CapabilityStatement lists and the route test
//! compares with the route registry.

use crate::error::WebError;
use crate::extract::PathId;
use crate::AppState;
use axum::extract::State;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use iop_app::fhir::{operation_outcome, IssueSeverity, IssueType, FHIR_VERSION, MEDIA_TYPE};
use iop_app::AppError;
use iop_domain::ids::PatientId;
use serde_json::json;

/// Where the interface lives.
pub const BASE: &str = "/fhir/r4";

/// (resource type, interactions) this server supports, as the CapabilityStatement says.
pub const CAPABILITIES: &[(&str, &[&str])] = &[("Patient", &["read"])];

/// When `CAPABILITIES` last changed (CapabilityStatement.date).
const CAPABILITIES_DATE: &str = "2026-12-04";

/// A FHIR JSON body.
pub fn fhir_json(status: StatusCode, body: &serde_json::Value) -> Response {
    let mut res = (status, body.to_string()).into_response();
    res.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/fhir+json; charset=utf-8"),
    );
    res
}

/// An error as an OperationOutcome, with the status of the JSON API's table.
pub fn outcome(err: WebError) -> Response {
    let status = err.status();
    let code = match &err {
        WebError::SignInRequired | WebError::App(AppError::Unauthenticated(_)) => IssueType::Login,
        WebError::Csrf | WebError::App(AppError::Forbidden(_) | AppError::OutOfScope { .. }) => {
            IssueType::Forbidden
        }
        WebError::NotFound | WebError::App(AppError::NotFound(_)) => IssueType::NotFound,
        WebError::MethodNotAllowed | WebError::UnsupportedMediaType(_) => IssueType::NotSupported,
        WebError::App(AppError::Conflict(_) | AppError::Duplicate { .. }) => IssueType::Conflict,
        WebError::App(AppError::Throttled { .. }) => IssueType::Throttled,
        WebError::App(AppError::Internal(_)) => IssueType::Exception,
        WebError::App(AppError::Invalid(_))
        | WebError::BadRequest(_)
        | WebError::Unprocessable(_)
        | WebError::PayloadTooLarge => IssueType::Invalid,
    };
    let severity = if status.is_server_error() {
        IssueSeverity::Fatal
    } else {
        IssueSeverity::Error
    };
    let body = operation_outcome(severity, code, &err.detail(), None);
    let mut res = fhir_json(status, &body);
    err.finish(&mut res);
    res
}

/// A fallback error body (no route, wrong method) on a FHIR address.
pub fn outcome_for_status(status: StatusCode, detail: &str) -> Response {
    let code = match status {
        StatusCode::NOT_FOUND => IssueType::NotFound,
        StatusCode::METHOD_NOT_ALLOWED => IssueType::NotSupported,
        s if s.is_server_error() => IssueType::Exception,
        _ => IssueType::Invalid,
    };
    fhir_json(
        status,
        &operation_outcome(IssueSeverity::Error, code, detail, None),
    )
}

/// `GET /fhir/r4/metadata`: what this server supports, and nothing more.
pub async fn metadata() -> Response {
    let resources: Vec<serde_json::Value> = CAPABILITIES
        .iter()
        .map(|(kind, interactions)| {
            json!({
                "type": kind,
                "interaction": interactions.iter().map(|i| json!({ "code": i })).collect::<Vec<_>>(),
                "readHistory": false,
                "updateCreate": false
            })
        })
        .collect();
    let body = json!({
        "resourceType": "CapabilityStatement",
        "status": "active",
        "date": CAPABILITIES_DATE,
        "kind": "instance",
        "software": { "name": "iop", "version": env!("CARGO_PKG_VERSION") },
        "implementation": { "description": "iop: an intensive outpatient program's record (42 CFR Part 2)" },
        "fhirVersion": FHIR_VERSION,
        "format": [MEDIA_TYPE, "json"],
        "rest": [{
            "mode": "server",
            "security": {
                "description": "Bearer tokens of staff accounts (POST /api/v1/auth/token), with the role's policy and caseload of the JSON API. Every resource carries the 42 CFR Part 2 security labels; redisclosure is prohibited without consent (42 CFR 2.32)."
            },
            "resource": resources
        }]
    });
    fhir_json(StatusCode::OK, &body)
}

/// `GET /fhir/r4/Patient/{id}`.
pub async fn patient(
    State(state): State<AppState>,
    caller: crate::access::Caller,
    PathId(id): PathId<PatientId>,
) -> Response {
    match state
        .run(caller.ctx.clone(), move |app, ctx| {
            app.fhir_patient(ctx, id)
        })
        .await
    {
        Ok(r) => fhir_json(StatusCode::OK, &r),
        Err(e) => outcome(e.into()),
    }
}
