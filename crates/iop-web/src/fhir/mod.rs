//! The FHIR R4 interface at `/fhir/r4`: bearer tokens with the JSON API's policy and
//! caseload, `application/fhir+json` bodies, every refusal an OperationOutcome. What it
//! supports is `CAPABILITIES`, which the CapabilityStatement lists and the route test
//! compares with the route registry.

use crate::error::WebError;

use crate::AppState;

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use iop_app::fhir::{operation_outcome, IssueSeverity, IssueType, FHIR_VERSION, MEDIA_TYPE};
use iop_app::AppError;

use serde_json::json;

/// Where the interface lives.
pub const BASE: &str = "/fhir/r4";

mod export;
mod handlers;
mod more_handlers;
mod search;

pub use export::{cancel_export, export_file, export_status, group_export, patient_export};
pub use handlers::*;
pub use more_handlers::*;

/// A resource type, its interactions, its search parameters (name, type) and the
/// `_include`s its searches take.
#[derive(Clone, Copy, Debug)]
pub struct Capability {
    pub kind: &'static str,
    pub interactions: &'static [&'static str],
    pub params: &'static [(&'static str, &'static str)],
    pub includes: &'static [&'static str],
    /// Operations on the type (`export`: the Bulk Data `$export`).
    pub operations: &'static [&'static str],
}

const READ: &[&str] = &["read"];
const READ_SEARCH: &[&str] = &["read", "search-type"];
const PER_PATIENT: &[(&str, &str)] = &[("patient", "reference"), ("_count", "number")];

/// Whole-system interactions: a referral posted as a transaction Bundle.
pub const SYSTEM_INTERACTIONS: &[&str] = &["transaction"];

/// What this server supports, as the CapabilityStatement says.
pub const CAPABILITIES: &[Capability] = &[
    Capability {
        kind: "Patient",
        interactions: READ_SEARCH,
        params: &[
            ("identifier", "token"),
            ("name", "string"),
            ("birthdate", "date"),
            ("_count", "number"),
        ],
        includes: &[],
        operations: &["export"],
    },
    Capability {
        kind: "Group",
        interactions: &[],
        params: &[],
        includes: &[],
        operations: &["export"],
    },
    Capability {
        kind: "Practitioner",
        interactions: READ,
        params: &[],
        includes: &[],
        operations: &[],
    },
    Capability {
        kind: "PractitionerRole",
        interactions: READ,
        params: &[],
        includes: &[],
        operations: &[],
    },
    Capability {
        kind: "Organization",
        interactions: READ,
        params: &[],
        includes: &[],
        operations: &[],
    },
    Capability {
        kind: "Location",
        interactions: READ,
        params: &[],
        includes: &[],
        operations: &[],
    },
    Capability {
        kind: "RelatedPerson",
        interactions: READ_SEARCH,
        params: PER_PATIENT,
        includes: &[],
        operations: &[],
    },
    Capability {
        kind: "EpisodeOfCare",
        interactions: READ_SEARCH,
        params: &[
            ("patient", "reference"),
            ("status", "token"),
            ("_count", "number"),
        ],
        includes: &[],
        operations: &[],
    },
    Capability {
        kind: "Condition",
        interactions: READ_SEARCH,
        params: PER_PATIENT,
        includes: &[],
        operations: &[],
    },
    Capability {
        kind: "Encounter",
        interactions: READ_SEARCH,
        params: &[
            ("patient", "reference"),
            ("date", "date"),
            ("_count", "number"),
        ],
        includes: &["Encounter:patient"],
        operations: &[],
    },
    Capability {
        kind: "Consent",
        interactions: READ_SEARCH,
        params: PER_PATIENT,
        includes: &[],
        operations: &[],
    },
    Capability {
        kind: "Coverage",
        interactions: READ_SEARCH,
        params: PER_PATIENT,
        includes: &[],
        operations: &[],
    },
    Capability {
        kind: "Observation",
        interactions: READ_SEARCH,
        params: &[
            ("patient", "reference"),
            ("code", "token"),
            ("date", "date"),
            ("_count", "number"),
        ],
        includes: &[],
        operations: &[],
    },
    Capability {
        kind: "QuestionnaireResponse",
        interactions: READ_SEARCH,
        params: PER_PATIENT,
        includes: &[],
        operations: &[],
    },
    Capability {
        kind: "CarePlan",
        interactions: READ_SEARCH,
        params: PER_PATIENT,
        includes: &[],
        operations: &[],
    },
    Capability {
        kind: "Goal",
        interactions: READ_SEARCH,
        params: PER_PATIENT,
        includes: &[],
        operations: &[],
    },
];

/// When `CAPABILITIES` last changed (CapabilityStatement.date).
const CAPABILITIES_DATE: &str = "2026-12-05";

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
        .map(|cap| {
            let mut r = json!({
                "type": cap.kind,
                "interaction": cap.interactions.iter().map(|i| json!({ "code": i })).collect::<Vec<_>>(),
                "readHistory": false,
                "updateCreate": false
            });
            // FHIR JSON has no empty arrays: a type without searches lists none.
            if let Some(obj) = r.as_object_mut() {
                if cap.interactions.is_empty() {
                    obj.remove("interaction");
                }
                if !cap.operations.is_empty() {
                    obj.insert(
                        "operation".into(),
                        cap.operations.iter().map(|name| json!({
                            "name": name,
                            "definition": format!("http://hl7.org/fhir/uv/bulkdata/OperationDefinition/{}-{name}", cap.kind.to_lowercase())
                        })).collect(),
                    );
                }
                if !cap.includes.is_empty() {
                    obj.insert("searchInclude".into(), json!(cap.includes));
                }
                if !cap.params.is_empty() {
                    obj.insert(
                        "searchParam".into(),
                        cap.params.iter().map(|(name, kind)| json!({ "name": name, "type": kind })).collect(),
                    );
                }
            }
            r
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
            "resource": resources,
            "interaction": SYSTEM_INTERACTIONS.iter().map(|code| json!({
                "code": code,
                "documentation": "A referral: a transaction Bundle of one Patient and any RelatedPerson, Coverage (one) and Condition (ICD-10-CM) entries, each request.method POST. It creates an inquiry ready for screening (no Patient exists until admission): 201 with the inquiry's address in Location, or 422 with every issue and nothing stored."
            })).collect::<Vec<_>>()
        }]
    });
    fhir_json(StatusCode::OK, &body)
}

/// Runs a read and answers the resource, or an OperationOutcome.
pub(crate) async fn read(
    state: AppState,
    caller: crate::access::Caller,
    f: impl FnOnce(&iop_app::App, &iop_app::Ctx) -> Result<serde_json::Value, AppError> + Send + 'static,
) -> Response {
    match state.run(caller.ctx.clone(), f).await {
        Ok(r) => fhir_json(StatusCode::OK, &r),
        Err(e) => outcome(e.into()),
    }
}

/// The base URL of links and `fullUrl`s: the configured `public_url` (never a Host header
/// a client sent, which a `next` link carrying the token would then follow).
pub(crate) fn base_url(state: &AppState) -> String {
    let public = state.app.settings.mail.public_base();
    format!("{public}{BASE}")
}
