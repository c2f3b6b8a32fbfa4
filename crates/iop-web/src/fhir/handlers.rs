//! One handler per FHIR interaction: parse, run the use case, answer FHIR JSON.

use super::search::{search, Found};
use super::{fhir_json, outcome, read};
use crate::error::WebError;
use crate::extract::PathId;
use crate::AppState;
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::Response;
use iop_app::fhir::PatientSearch;
use iop_app::fhir::{operation_outcome, outcome_of, IssueSeverity, IssueType};
use iop_domain::ids::{ConsentId, CoverageId, EpisodeId, PatientId, StaffId};

type Params = Query<Vec<(String, String)>>;

/// `GET /fhir/r4/Patient/{id}`.
pub async fn patient(
    State(state): State<AppState>,
    caller: crate::access::Caller,
    PathId(id): PathId<PatientId>,
) -> Response {
    read(state, caller, move |app, ctx| app.fhir_patient(ctx, id)).await
}

/// `GET /fhir/r4/Patient?identifier=…&name=…&birthdate=…`.
pub async fn patient_search(
    State(state): State<AppState>,
    caller: crate::access::Caller,
    Query(params): Params,
) -> Response {
    search(state, caller, &params, "Patient", |app, ctx, s| {
        let q = PatientSearch {
            identifier: s.identifier.as_deref(),
            name: s.name.as_deref(),
            birthdate: &s.dates,
        };
        app.fhir_patients(ctx, &q).map(Found::from)
    })
    .await
}

/// `GET /fhir/r4/Practitioner/{id}`.
pub async fn practitioner(
    State(state): State<AppState>,
    caller: crate::access::Caller,
    PathId(id): PathId<StaffId>,
) -> Response {
    read(state, caller, move |app, ctx| {
        app.fhir_practitioner(ctx, id)
    })
    .await
}

/// `GET /fhir/r4/EpisodeOfCare/{id}`.
pub async fn episode_of_care(
    State(state): State<AppState>,
    caller: crate::access::Caller,
    PathId(id): PathId<EpisodeId>,
) -> Response {
    read(state, caller, move |app, ctx| app.fhir_episode(ctx, id)).await
}

/// `GET /fhir/r4/EpisodeOfCare?patient=…&status=…`.
pub async fn episode_of_care_search(
    State(state): State<AppState>,
    caller: crate::access::Caller,
    Query(params): Params,
) -> Response {
    search(state, caller, &params, "EpisodeOfCare", |app, ctx, s| {
        let status = s.token.as_ref().map(|(_, v)| v.as_str());
        app.fhir_episodes(ctx, s.patient()?, status)
            .map(Found::from)
    })
    .await
}

/// `GET /fhir/r4/Condition/{id}` (an episode's id, `-`, the ICD-10-CM code).
pub async fn condition(
    State(state): State<AppState>,
    caller: crate::access::Caller,
    Path(id): Path<String>,
) -> Response {
    read(state, caller, move |app, ctx| app.fhir_condition(ctx, &id)).await
}

/// `GET /fhir/r4/Condition?patient=…`.
pub async fn condition_search(
    State(state): State<AppState>,
    caller: crate::access::Caller,
    Query(params): Params,
) -> Response {
    search(state, caller, &params, "Condition", |app, ctx, s| {
        app.fhir_conditions(ctx, s.patient()?).map(Found::from)
    })
    .await
}

/// `GET /fhir/r4/Encounter/{id}`.
pub async fn encounter(
    State(state): State<AppState>,
    caller: crate::access::Caller,
    Path(id): Path<String>,
) -> Response {
    read(state, caller, move |app, ctx| app.fhir_encounter(ctx, &id)).await
}

/// `GET /fhir/r4/Encounter?patient=…&date=…[&_include=Encounter:patient]`: with the
/// include, the patient comes in the same Bundle (one round trip instead of two).
pub async fn encounter_search(
    State(state): State<AppState>,
    caller: crate::access::Caller,
    Query(params): Params,
) -> Response {
    search(state, caller, &params, "Encounter", |app, ctx, s| {
        let patient = s.patient()?;
        let matches = app.fhir_encounters(ctx, patient, &s.dates)?;
        let included = if s.includes.is_empty() || matches.is_empty() {
            Vec::new()
        } else {
            vec![app.fhir_patient(ctx, patient)?]
        };
        Ok(Found { matches, included })
    })
    .await
}

/// `GET /fhir/r4/Observation/{id}` (a measure's id, or a screen's and the place of
/// one substance's result).
pub async fn observation(
    State(state): State<AppState>,
    caller: crate::access::Caller,
    Path(id): Path<String>,
) -> Response {
    read(state, caller, move |app, ctx| {
        app.fhir_observation(ctx, &id)
    })
    .await
}

/// `GET /fhir/r4/Observation?patient=…&code=…&date=…`.
pub async fn observation_search(
    State(state): State<AppState>,
    caller: crate::access::Caller,
    Query(params): Params,
) -> Response {
    search(state, caller, &params, "Observation", |app, ctx, s| {
        let code = s.token.as_ref().map(|(_, v)| v.as_str());
        app.fhir_observations(ctx, s.patient()?, code, &s.dates)
            .map(Found::from)
    })
    .await
}

/// `GET /fhir/r4/Consent/{id}`.
pub async fn consent(
    State(state): State<AppState>,
    caller: crate::access::Caller,
    PathId(id): PathId<ConsentId>,
) -> Response {
    read(state, caller, move |app, ctx| app.fhir_consent(ctx, id)).await
}

/// `GET /fhir/r4/Consent?patient=…`.
pub async fn consent_search(
    State(state): State<AppState>,
    caller: crate::access::Caller,
    Query(params): Params,
) -> Response {
    search(state, caller, &params, "Consent", |app, ctx, s| {
        app.fhir_consents(ctx, s.patient()?).map(Found::from)
    })
    .await
}

/// `GET /fhir/r4/Coverage/{id}`.
pub async fn coverage(
    State(state): State<AppState>,
    caller: crate::access::Caller,
    PathId(id): PathId<CoverageId>,
) -> Response {
    read(state, caller, move |app, ctx| app.fhir_coverage(ctx, id)).await
}

/// `GET /fhir/r4/Coverage?patient=…`.
pub async fn coverage_search(
    State(state): State<AppState>,
    caller: crate::access::Caller,
    Query(params): Params,
) -> Response {
    search(state, caller, &params, "Coverage", |app, ctx, s| {
        app.fhir_coverages(ctx, s.patient()?).map(Found::from)
    })
    .await
}

/// `POST /fhir/r4`: a referral as a transaction Bundle. 201 with the new inquiry's
/// address (`Location`) and an OperationOutcome saying so; 422 with every issue found,
/// each with the element's FHIRPath, and nothing stored.
pub async fn transaction(
    State(state): State<AppState>,
    caller: crate::access::Caller,
    headers: axum::http::HeaderMap,
    body: axum::body::Bytes,
) -> Response {
    let mime = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .map(str::trim)
        .unwrap_or_default();
    if !matches!(mime, "application/fhir+json" | "application/json") {
        return outcome(WebError::UnsupportedMediaType(
            "send the Bundle as application/fhir+json".into(),
        ));
    }
    let public = state.app.settings.mail.public_base().to_string();
    let body = body.to_vec();
    let run = state.run(caller.ctx.clone(), move |app, ctx| {
        app.import_referral(ctx, &body)
    });
    match run.await {
        Ok(Ok(id)) => {
            let location = format!("{public}/api/v1/inquiries/{id}");
            let said =
                format!("Referral received: inquiry {id} is ready for screening ({location}).");
            let body = operation_outcome(
                IssueSeverity::Information,
                IssueType::Informational,
                &said,
                None,
            );
            let mut res = fhir_json(StatusCode::CREATED, &body);
            if let Ok(v) = HeaderValue::from_str(&location) {
                res.headers_mut().insert(header::LOCATION, v);
            }
            res
        }
        // A body that is not JSON is a bad request; a Bundle with faults is unprocessable.
        Ok(Err(issues)) if issues.iter().any(|i| i.code == IssueType::Structure) => {
            fhir_json(StatusCode::BAD_REQUEST, &outcome_of(&issues))
        }
        Ok(Err(issues)) => fhir_json(StatusCode::UNPROCESSABLE_ENTITY, &outcome_of(&issues)),
        Err(e) => outcome(e.into()),
    }
}
