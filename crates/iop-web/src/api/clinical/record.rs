//! Attendance, group notes and the chart over the API.

use crate::access::Caller;
use crate::api::{ApiResult, Problem};
use crate::extract::{body_code, body_id, ApiJson, PathId};
use crate::AppState;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use iop_app::clinical::attendance::MarkInput;
use iop_app::clinical::notes::NoteInput;
use iop_domain::ids::{NoteId, PatientId, SessionId};
use serde::Deserialize;
use utoipa::ToSchema;

/// A session's roster with attendance, the note and its addenda.
#[utoipa::path(get, path = "/api/v1/sessions/{id}/roster", tag = "clinical", params(("id" = String, Path)), security(("bearer" = [])),
    responses((status = 200, description = "session, lines, note, addenda, similar_entries", body = iop_app::clinical::roster::Roster), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn roster(
    State(state): State<AppState>,
    caller: Caller,
    PathId(id): PathId<SessionId>,
) -> ApiResult<Json<iop_app::clinical::roster::Roster>> {
    let r = state
        .run(caller.ctx, move |app, ctx| app.roster(ctx, id))
        .await?;
    Ok(Json(r))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MarkRequest {
    patient_id: String,
    /// present, late, left_early, absent_excused or absent_unexcused.
    mark: String,
    /// Minutes attended (defaults to the whole session; 0 when absent).
    minutes: Option<i32>,
}

/// Record attendance for some or all of a session's patients.
#[utoipa::path(put, path = "/api/v1/sessions/{id}/attendance", tag = "clinical", params(("id" = String, Path)), request_body = Vec<MarkRequest>,
    security(("bearer" = [])), responses((status = 204), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn attendance(
    State(state): State<AppState>,
    caller: Caller,
    PathId(id): PathId<SessionId>,
    ApiJson(r): ApiJson<Vec<MarkRequest>>,
) -> ApiResult<StatusCode> {
    let mut marks = Vec::new();
    for m in r {
        marks.push(MarkInput {
            patient_id: body_id(&m.patient_id, "patient_id")?,
            mark: body_code(&m.mark, "attendance mark")?,
            minutes: m.minutes,
        });
    }
    state
        .run(caller.ctx, move |app, ctx| {
            app.record_attendance(ctx, id, marks)
        })
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EntryRequest {
    patient_id: String,
    participation: String,
    progress: String,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NoteRequest {
    topic: String,
    interventions: String,
    group_process: String,
    entries: Vec<EntryRequest>,
}

/// Save the draft group note (409 once it is signed).
#[utoipa::path(put, path = "/api/v1/sessions/{id}/note", tag = "clinical", params(("id" = String, Path)), request_body = NoteRequest,
    security(("bearer" = [])), responses((status = 200, body = crate::api::accounts::users::Created), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn save_note(
    State(state): State<AppState>,
    caller: Caller,
    PathId(id): PathId<SessionId>,
    ApiJson(r): ApiJson<NoteRequest>,
) -> ApiResult<Json<crate::api::accounts::users::Created>> {
    let n = NoteInput {
        topic: r.topic,
        interventions: r.interventions,
        group_process: r.group_process,
        entries: r
            .entries
            .into_iter()
            .map(|e| {
                Ok((
                    body_id(&e.patient_id, "patient_id")?,
                    e.participation,
                    e.progress,
                ))
            })
            .collect::<Result<_, crate::error::WebError>>()?,
    };
    let note = state
        .run(caller.ctx, move |app, ctx| app.save_group_note(ctx, id, n))
        .await?;
    Ok(Json(crate::api::accounts::users::Created::new(note)))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SignRequest {
    /// Sign even though some entries read as copies of each other.
    #[serde(default)]
    accept_similar: bool,
}

/// Sign the group note: it is locked from then on.
#[utoipa::path(post, path = "/api/v1/sessions/{id}/note/sign", tag = "clinical", params(("id" = String, Path)), request_body = SignRequest,
    security(("bearer" = [])), responses((status = 204), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn sign(
    State(state): State<AppState>,
    caller: Caller,
    PathId(id): PathId<SessionId>,
    ApiJson(r): ApiJson<SignRequest>,
) -> ApiResult<StatusCode> {
    state
        .run(caller.ctx, move |app, ctx| {
            app.sign_group_note(ctx, id, r.accept_similar)
        })
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AddendumRequest {
    text: String,
}

/// Add an addendum to a signed note.
#[utoipa::path(post, path = "/api/v1/notes/{id}/addenda", tag = "clinical", params(("id" = String, Path)), request_body = AddendumRequest,
    security(("bearer" = [])), responses((status = 204), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn addendum(
    State(state): State<AppState>,
    caller: Caller,
    PathId(id): PathId<NoteId>,
    ApiJson(r): ApiJson<AddendumRequest>,
) -> ApiResult<StatusCode> {
    state
        .run(caller.ctx, move |app, ctx| {
            app.add_addendum(ctx, id, &r.text)
        })
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ChartQuery {
    /// An older page: the 90 days before this local date, YYYY-MM-DD (the chart's
    /// `older_before` and `newer_before` name the next ones). Without it, the latest page:
    /// the current episode and the 90 days before today.
    before: Option<String>,
}

/// One page of a patient's chart: weekly hours, attendance, signed group notes, measures
/// and a timeline of the page's dates.
#[utoipa::path(get, path = "/api/v1/patients/{id}/chart", tag = "clinical", params(("id" = String, Path), ChartQuery), security(("bearer" = [])),
    responses((status = 200, description = "the chart", body = iop_app::clinical::chart::Chart), (status = 400, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn chart(
    State(state): State<AppState>,
    caller: Caller,
    PathId(id): PathId<PatientId>,
    q: crate::api::QueryResult<ChartQuery>,
) -> ApiResult<Json<iop_app::clinical::chart::Chart>> {
    let q = crate::api::query(q)?;
    let before = q
        .before
        .as_deref()
        .map(|b| iop_app::calendar::sessions::parse_date(b, "before").map(iop_domain::time::Day))
        .transpose()?;
    let c = state
        .run(caller.ctx, move |app, ctx| app.chart(ctx, id, before))
        .await?;
    Ok(Json(c))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MeasureRequest {
    /// phq9, gad7 or bam.
    instrument: String,
    /// intake, biweekly, discharge or other.
    occasion: String,
    taken_on: String,
    /// Item values in order (9 for PHQ-9, 7 for GAD-7, 17 for the BAM).
    items: Vec<u8>,
}

/// Record a measure; it is scored, and a PHQ-9 with item 9 above 0 raises a safety alert.
#[utoipa::path(post, path = "/api/v1/patients/{id}/measures", tag = "clinical", params(("id" = String, Path)), request_body = MeasureRequest,
    security(("bearer" = [])), responses((status = 201, body = crate::api::accounts::users::Created), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn add_measure(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    ApiJson(r): ApiJson<MeasureRequest>,
) -> ApiResult<(StatusCode, Json<crate::api::accounts::users::Created>)> {
    let taken_on = iop_app::calendar::sessions::parse_date(&r.taken_on, "taken_on")?;
    let m = iop_app::clinical::measures::NewMeasure {
        instrument: r.instrument,
        occasion: r.occasion,
        taken_on,
        items: r.items,
    };
    let mid = state
        .run(caller.ctx, move |app, ctx| {
            app.record_measure(ctx, crate::extract::form_id(&id, "patient")?, m)
        })
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(crate::api::accounts::users::Created::new(mid)),
    ))
}

/// A patient's measures with their scores, oldest first.
#[utoipa::path(get, path = "/api/v1/patients/{id}/measures", tag = "clinical", params(("id" = String, Path)), security(("bearer" = [])),
    responses((status = 200, description = "the measures", body = Vec<iop_app::clinical::measures::Measure>), (status = 403, body = Problem)))]
pub async fn measures(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> ApiResult<Json<Vec<iop_app::clinical::measures::Measure>>> {
    let m = state
        .run(caller.ctx, move |app, ctx| {
            app.measures(ctx, crate::extract::form_id(&id, "patient")?)
        })
        .await?;
    Ok(Json(m))
}

/// Open clinical alerts for the signed-in clinician.
#[utoipa::path(get, path = "/api/v1/alerts", tag = "clinical", security(("bearer" = [])),
    responses((status = 200, description = "open alerts", body = Vec<iop_app::clinical::measures::SafetyAlert>), (status = 403, body = Problem)))]
pub async fn alerts(
    State(state): State<AppState>,
    caller: Caller,
) -> ApiResult<Json<Vec<iop_app::clinical::measures::SafetyAlert>>> {
    let a = state
        .run(caller.ctx, move |app, ctx| app.my_alerts(ctx))
        .await?;
    Ok(Json(a))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AcknowledgeRequest {
    /// What was done about it: "called the patient; safety plan reviewed; no intent".
    action_taken: String,
}

/// Acknowledge an alert with the action taken (it leaves the list; the alert keeps who,
/// when and what was done).
#[utoipa::path(post, path = "/api/v1/alerts/{id}/acknowledge", tag = "clinical", params(("id" = String, Path)), security(("bearer" = [])),
    request_body = AcknowledgeRequest,
    responses((status = 204), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn acknowledge(
    State(state): State<AppState>,
    caller: Caller,
    PathId(id): PathId<iop_domain::ids::AlertId>,
    ApiJson(body): ApiJson<AcknowledgeRequest>,
) -> ApiResult<StatusCode> {
    state
        .run(caller.ctx, move |app, ctx| {
            app.acknowledge_alert(ctx, id, &body.action_taken)
        })
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SubstanceRequest {
    substance: String,
    /// negative, positive or invalid.
    result: String,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ScreenRequest {
    collected_on: String,
    /// urine, oral_fluid, breath, blood or hair.
    specimen: String,
    /// point_of_care or lab.
    method: String,
    results: Vec<SubstanceRequest>,
}

/// Record a drug screen with a result per substance.
#[utoipa::path(post, path = "/api/v1/patients/{id}/drug-screens", tag = "clinical", params(("id" = String, Path)), request_body = ScreenRequest,
    security(("bearer" = [])), responses((status = 201, body = crate::api::accounts::users::Created), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn add_screen(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    ApiJson(r): ApiJson<ScreenRequest>,
) -> ApiResult<(StatusCode, Json<crate::api::accounts::users::Created>)> {
    let s = iop_app::clinical::measures::NewScreen {
        collected_on: iop_app::calendar::sessions::parse_date(&r.collected_on, "collected_on")?,
        specimen: r.specimen,
        method: r.method,
        results: r
            .results
            .into_iter()
            .map(|x| iop_app::clinical::measures::SubstanceResult {
                substance: x.substance,
                result: x.result,
            })
            .collect(),
    };
    let sid = state
        .run(caller.ctx, move |app, ctx| {
            app.record_screen(ctx, crate::extract::form_id(&id, "patient")?, s)
        })
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(crate::api::accounts::users::Created::new(sid)),
    ))
}

/// A patient's drug screens, newest first.
#[utoipa::path(get, path = "/api/v1/patients/{id}/drug-screens", tag = "clinical", params(("id" = String, Path)), security(("bearer" = [])),
    responses((status = 200, description = "the screens", body = Vec<iop_app::clinical::measures::DrugScreen>), (status = 403, body = Problem)))]
pub async fn screens(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> ApiResult<Json<Vec<iop_app::clinical::measures::DrugScreen>>> {
    let rows = state
        .run(caller.ctx, move |app, ctx| {
            app.screens(ctx, crate::extract::form_id(&id, "patient")?)
        })
        .await?;
    Ok(Json(rows))
}

/// The relapse prevention plan's versions, newest first.
#[utoipa::path(get, path = "/api/v1/patients/{id}/relapse-plans", tag = "clinical", params(("id" = String, Path)), security(("bearer" = [])),
    responses((status = 200, description = "versions", body = Vec<iop_app::clinical::plans::PlanVersion>), (status = 403, body = Problem)))]
pub async fn plans(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> ApiResult<Json<Vec<iop_app::clinical::plans::PlanVersion>>> {
    let v = state
        .run(caller.ctx, move |app, ctx| {
            app.relapse_plans(ctx, crate::extract::form_id(&id, "patient")?)
        })
        .await?;
    Ok(Json(v))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SupportRequest {
    name: String,
    phone: String,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PlanRequest {
    reasons_for_recovery: Vec<String>,
    external_triggers: Vec<String>,
    internal_triggers: Vec<String>,
    early_warning_signs: Vec<String>,
    coping_strategies: Vec<String>,
    supports: Vec<SupportRequest>,
    lapse_plan: String,
}

#[derive(serde::Serialize, ToSchema)]
pub struct PlanSaved {
    version: i32,
}

/// Save the relapse prevention plan as a new version.
#[utoipa::path(post, path = "/api/v1/patients/{id}/relapse-plans", tag = "clinical", params(("id" = String, Path)), request_body = PlanRequest,
    security(("bearer" = [])), responses((status = 201, body = PlanSaved), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn save_plan(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    ApiJson(r): ApiJson<PlanRequest>,
) -> ApiResult<(StatusCode, Json<PlanSaved>)> {
    let content = iop_app::clinical::plans::PlanContent {
        reasons_for_recovery: r.reasons_for_recovery,
        external_triggers: r.external_triggers,
        internal_triggers: r.internal_triggers,
        early_warning_signs: r.early_warning_signs,
        coping_strategies: r.coping_strategies,
        supports: r
            .supports
            .into_iter()
            .map(|s| iop_app::clinical::plans::Support {
                name: s.name,
                phone: s.phone,
            })
            .collect(),
        lapse_plan: r.lapse_plan,
    };
    let version = state
        .run(caller.ctx, move |app, ctx| {
            app.save_relapse_plan(ctx, crate::extract::form_id(&id, "patient")?, content)
        })
        .await?;
    Ok((StatusCode::CREATED, Json(PlanSaved { version })))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PlanSignRequest {
    /// The patient's typed name (or "signed on paper"); leave out for the counselor's signature.
    pub(crate) patient_signature: Option<String>,
}

/// Sign a version of the plan (patient or counselor).
#[utoipa::path(post, path = "/api/v1/patients/{id}/relapse-plans/{version}/sign", tag = "clinical",
    params(("id" = String, Path), ("version" = i32, Path)), request_body = PlanSignRequest, security(("bearer" = [])),
    responses((status = 204), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn sign_plan(
    State(state): State<AppState>,
    caller: Caller,
    Path((id, version)): Path<(String, i32)>,
    ApiJson(r): ApiJson<PlanSignRequest>,
) -> ApiResult<StatusCode> {
    state
        .run(caller.ctx, move |app, ctx| {
            app.sign_relapse_plan(
                ctx,
                crate::extract::form_id(&id, "patient")?,
                version,
                r.patient_signature.as_deref(),
            )
        })
        .await?;
    Ok(StatusCode::NO_CONTENT)
}
