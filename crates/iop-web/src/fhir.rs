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

/// A resource type, its interactions, and its search parameters (name, type).
pub type Capability = (
    &'static str,
    &'static [&'static str],
    &'static [(&'static str, &'static str)],
);

/// What this server supports, as the CapabilityStatement says.
pub const CAPABILITIES: &[Capability] = &[
    ("Patient", &["read"], &[]),
    (
        "Coverage",
        &["read", "search-type"],
        &[("patient", "reference"), ("_count", "number")],
    ),
    (
        "Observation",
        &["read", "search-type"],
        &[
            ("patient", "reference"),
            ("code", "token"),
            ("date", "date"),
            ("_count", "number"),
        ],
    ),
];

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
        .map(|(kind, interactions, params)| {
            let mut r = json!({
                "type": kind,
                "interaction": interactions.iter().map(|i| json!({ "code": i })).collect::<Vec<_>>(),
                "readHistory": false,
                "updateCreate": false
            });
            // FHIR JSON has no empty arrays: a type without searches lists none.
            if let (false, Some(obj)) = (params.is_empty(), r.as_object_mut()) {
                obj.insert(
                    "searchParam".into(),
                    params.iter().map(|(name, kind)| json!({ "name": name, "type": kind })).collect(),
                );
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
    read(state, caller, move |app, ctx| app.fhir_patient(ctx, id)).await
}

/// `GET /fhir/r4/Observation/{id}`.
pub async fn observation(
    State(state): State<AppState>,
    caller: crate::access::Caller,
    PathId(id): PathId<iop_domain::ids::MeasureId>,
) -> Response {
    read(state, caller, move |app, ctx| app.fhir_observation(ctx, id)).await
}

/// Most resources one page of a search holds, and how many when `_count` is not sent.
const MAX_COUNT: usize = 200;
const DEFAULT_COUNT: usize = 50;

/// `GET /fhir/r4/Observation?patient=…`: a searchset Bundle, paged by `_count` with a
/// `next` link (`_offset`).
pub async fn observation_search(
    State(state): State<AppState>,
    caller: crate::access::Caller,
    axum::extract::Query(params): axum::extract::Query<Vec<(String, String)>>,
) -> Response {
    search(state, caller, &params, "Observation", |app, ctx, s| {
        app.fhir_observations(ctx, s.patient, s.code.as_deref(), &s.dates)
    })
    .await
}

/// `GET /fhir/r4/Coverage/{id}`.
pub async fn coverage(
    State(state): State<AppState>,
    caller: crate::access::Caller,
    PathId(id): PathId<iop_domain::ids::CoverageId>,
) -> Response {
    read(state, caller, move |app, ctx| app.fhir_coverage(ctx, id)).await
}

/// `GET /fhir/r4/Coverage?patient=…`.
pub async fn coverage_search(
    State(state): State<AppState>,
    caller: crate::access::Caller,
    axum::extract::Query(params): axum::extract::Query<Vec<(String, String)>>,
) -> Response {
    search(state, caller, &params, "Coverage", |app, ctx, s| {
        app.fhir_coverages(ctx, s.patient)
    })
    .await
}

/// Runs a patient-scoped search and answers one page of it as a searchset Bundle.
async fn search(
    state: AppState,
    caller: crate::access::Caller,
    params: &[(String, String)],
    kind: &'static str,
    f: impl FnOnce(&iop_app::App, &iop_app::Ctx, &Search) -> Result<Vec<serde_json::Value>, AppError>
        + Send
        + 'static,
) -> Response {
    let base = base_url(&state);
    let search = match Search::parse(kind, params) {
        Ok(s) => std::sync::Arc::new(s),
        Err(e) => return outcome(WebError::BadRequest(e)),
    };
    let s = search.clone();
    let found = match state
        .run(caller.ctx.clone(), move |app, ctx| f(app, ctx, &s))
        .await
    {
        Ok(f) => f,
        Err(e) => return outcome(e.into()),
    };
    let total = found.len();
    let page: Vec<serde_json::Value> = found
        .into_iter()
        .skip(search.offset)
        .take(search.count)
        .collect();
    let url = |offset: usize| search.url(&base, kind, offset);
    let next = search
        .offset
        .checked_add(search.count)
        .filter(|&n| n < total)
        .map(url);
    let self_url = url(search.offset);
    let body = iop_app::fhir::searchset(
        &iop_app::fhir::SearchPage {
            base: &base,
            self_url: &self_url,
            next_url: next.as_deref(),
            total,
        },
        page,
    );
    fhir_json(StatusCode::OK, &body)
}

/// The base URL of links and `fullUrl`s: the configured `public_url` (never a Host header
/// a client sent, which a `next` link carrying the token would then follow).
fn base_url(state: &AppState) -> String {
    let public = state.app.settings.mail.public_url.trim_end_matches('/');
    format!("{public}{BASE}")
}

/// A patient-scoped search as sent: the patient, a token, dates, and the page.
struct Search {
    patient: PatientId,
    code: Option<String>,
    dates: Vec<iop_app::fhir::DateParam>,
    count: usize,
    offset: usize,
}

impl Search {
    /// The parameters `kind` takes (as `CAPABILITIES` lists them); others are ignored,
    /// as FHIR asks of a lenient server, and left out of the links.
    fn parse(kind: &str, params: &[(String, String)]) -> Result<Search, String> {
        let takes = |name: &str| {
            name == "_offset"
                || CAPABILITIES.iter().any(|(k, _, ps)| {
                    *k == kind
                        && ps
                            .iter()
                            .any(|(p, _)| *p == name || (name == "subject" && *p == "patient"))
                })
        };
        let mut patient = None;
        let (mut code, mut dates, mut count, mut offset) = (None, Vec::new(), DEFAULT_COUNT, 0);
        for (k, v) in params.iter().filter(|(k, _)| takes(k)) {
            match k.as_str() {
                "patient" | "subject" => {
                    let id = v.trim_start_matches("Patient/");
                    patient = Some(id.parse::<PatientId>().map_err(|_| {
                        format!("patient: {v:?} is not a patient's id (Patient/{{id}} or {{id}})")
                    })?);
                }
                "code" => code = Some(v.clone()),
                "date" => dates.push(iop_app::fhir::DateParam::parse(v).ok_or_else(|| {
                    format!("date: {v:?} is not a day with an optional prefix (ge2026-11-01)")
                })?),
                "_count" => {
                    count = v
                        .parse::<usize>()
                        .ok()
                        .filter(|n| (1..=MAX_COUNT).contains(n))
                        .ok_or_else(|| format!("_count: give a number from 1 to {MAX_COUNT}"))?;
                }
                "_offset" => {
                    offset = v
                        .parse::<usize>()
                        .map_err(|_| "_offset: give a whole number".to_string())?;
                }
                // Unknown parameters are ignored, as FHIR asks of a lenient server.
                _ => {}
            }
        }
        let patient = patient.ok_or("search with patient=Patient/{id}: results are per patient")?;
        Ok(Search {
            patient,
            code,
            dates,
            count,
            offset,
        })
    }

    /// This search's URL at another page.
    fn url(&self, base: &str, kind: &str, offset: usize) -> String {
        let mut q: Vec<(String, String)> =
            vec![("patient".into(), format!("Patient/{}", self.patient))];
        if let Some(c) = &self.code {
            q.push(("code".into(), c.clone()));
        }
        for d in &self.dates {
            q.push(("date".into(), d.to_string()));
        }
        q.push(("_count".into(), self.count.to_string()));
        if offset > 0 {
            q.push(("_offset".into(), offset.to_string()));
        }
        let query = serde_urlencoded::to_string(&q).unwrap_or_default();
        format!("{base}/{kind}?{query}")
    }
}

/// Runs a read and answers the resource, or an OperationOutcome.
async fn read(
    state: AppState,
    caller: crate::access::Caller,
    f: impl FnOnce(&iop_app::App, &iop_app::Ctx) -> Result<serde_json::Value, AppError> + Send + 'static,
) -> Response {
    match state.run(caller.ctx.clone(), f).await {
        Ok(r) => fhir_json(StatusCode::OK, &r),
        Err(e) => outcome(e.into()),
    }
}
