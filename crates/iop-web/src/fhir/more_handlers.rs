//! Handlers of the plans, the answers to measures and the directory.

use super::read;
use super::search::{search, Found};
use crate::extract::PathId;
use crate::AppState;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use iop_domain::ids::{MeasureId, RelatedPersonId, SiteId, StaffId};

type Params = Query<Vec<(String, String)>>;

/// `GET /fhir/r4/QuestionnaireResponse/{id}` (the measure's id).
pub async fn questionnaire_response(
    State(state): State<AppState>,
    caller: crate::access::Caller,
    PathId(id): PathId<MeasureId>,
) -> Response {
    read(state, caller, move |app, ctx| {
        app.fhir_questionnaire_response(ctx, id)
    })
    .await
}

/// `GET /fhir/r4/QuestionnaireResponse?patient=…`.
pub async fn questionnaire_response_search(
    State(state): State<AppState>,
    caller: crate::access::Caller,
    Query(params): Params,
) -> Response {
    search(
        state,
        caller,
        &params,
        "QuestionnaireResponse",
        |app, ctx, s| {
            app.fhir_questionnaire_responses(ctx, s.patient()?)
                .map(Found::from)
        },
    )
    .await
}

/// `GET /fhir/r4/CarePlan/{id}`.
pub async fn care_plan(
    State(state): State<AppState>,
    caller: crate::access::Caller,
    Path(id): Path<String>,
) -> Response {
    read(state, caller, move |app, ctx| app.fhir_care_plan(ctx, &id)).await
}

/// `GET /fhir/r4/CarePlan?patient=…`.
pub async fn care_plan_search(
    State(state): State<AppState>,
    caller: crate::access::Caller,
    Query(params): Params,
) -> Response {
    search(state, caller, &params, "CarePlan", |app, ctx, s| {
        app.fhir_care_plans(ctx, s.patient()?).map(Found::from)
    })
    .await
}

/// `GET /fhir/r4/Goal/{id}`.
pub async fn goal(
    State(state): State<AppState>,
    caller: crate::access::Caller,
    Path(id): Path<String>,
) -> Response {
    read(state, caller, move |app, ctx| app.fhir_goal(ctx, &id)).await
}

/// `GET /fhir/r4/Goal?patient=…`.
pub async fn goal_search(
    State(state): State<AppState>,
    caller: crate::access::Caller,
    Query(params): Params,
) -> Response {
    search(state, caller, &params, "Goal", |app, ctx, s| {
        app.fhir_goals(ctx, s.patient()?).map(Found::from)
    })
    .await
}

/// `GET /fhir/r4/RelatedPerson/{id}`.
pub async fn related_person(
    State(state): State<AppState>,
    caller: crate::access::Caller,
    PathId(id): PathId<RelatedPersonId>,
) -> Response {
    read(state, caller, move |app, ctx| {
        app.fhir_related_person(ctx, id)
    })
    .await
}

/// `GET /fhir/r4/RelatedPerson?patient=…`.
pub async fn related_person_search(
    State(state): State<AppState>,
    caller: crate::access::Caller,
    Query(params): Params,
) -> Response {
    search(state, caller, &params, "RelatedPerson", |app, ctx, s| {
        app.fhir_related_persons(ctx, s.patient()?).map(Found::from)
    })
    .await
}

/// `GET /fhir/r4/Organization/{id}` (a site's id).
pub async fn organization(
    State(state): State<AppState>,
    caller: crate::access::Caller,
    PathId(id): PathId<SiteId>,
) -> Response {
    read(state, caller, move |app, ctx| {
        app.fhir_organization(ctx, id)
    })
    .await
}

/// `GET /fhir/r4/Location/{id}` (a site's id).
pub async fn location(
    State(state): State<AppState>,
    caller: crate::access::Caller,
    PathId(id): PathId<SiteId>,
) -> Response {
    read(state, caller, move |app, ctx| app.fhir_location(ctx, id)).await
}

/// `GET /fhir/r4/PractitionerRole/{id}` (a staff member's id).
pub async fn practitioner_role(
    State(state): State<AppState>,
    caller: crate::access::Caller,
    PathId(id): PathId<StaffId>,
) -> Response {
    read(state, caller, move |app, ctx| {
        app.fhir_practitioner_role(ctx, id)
    })
    .await
}
