//! Individual counseling, treatment plans, make-ups, co-signature, reminders and the
//! outcome report over the API.

use crate::access::Caller;
use crate::api::accounts::users::Created;
use crate::api::{query, ApiResult, Problem, QueryResult};
use crate::error::WebError;
use crate::extract::body_id;
use crate::extract::{ApiJson, PathId};
use crate::AppState;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use iop_app::calendar::sessions::{parse_date, parse_optional_day};
use iop_app::clinical::cosign::CosignNote;
use iop_app::clinical::individual::{IndividualNoteInput, NewAppointment};
use iop_app::clinical::treatment::{Goal, Objective, Problem as PlanProblem, TreatmentPlanContent};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

/// A patient's individual appointments with their notes.
#[utoipa::path(get, path = "/api/v1/patients/{id}/appointments", tag = "individual", params(("id" = String, Path)), security(("bearer" = [])),
    responses((status = 200, description = "appointments, newest first, each with its note", body = Vec<iop_app::clinical::individual::Appointment>), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn appointments(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> ApiResult<Json<Vec<iop_app::clinical::individual::Appointment>>> {
    Ok(Json(
        state
            .run(caller.ctx, move |app, ctx| {
                app.appointments(ctx, crate::extract::form_id(&id, "patient")?)
            })
            .await?,
    ))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct TimesQuery {
    /// The counselor's staff id.
    staff_id: String,
    /// Length of the session (15 to 180 minutes).
    minutes: Option<i32>,
    /// How many days ahead to look (1 to 28; default 14).
    days: Option<i64>,
}

/// Free start times that clash with neither the patient's group nights nor the counselor's sessions.
#[utoipa::path(get, path = "/api/v1/patients/{id}/appointment-times", tag = "individual", params(("id" = String, Path), TimesQuery), security(("bearer" = [])),
    responses((status = 200, body = [String], description = "local start times like 2026-12-01T14:00"), (status = 400, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn times(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    q: QueryResult<TimesQuery>,
) -> ApiResult<Json<Vec<String>>> {
    let q = query(q)?;
    let staff = crate::extract::body_id(&q.staff_id, "staff_id")?;
    let v = state
        .run(caller.ctx, move |app, ctx| {
            app.propose_appointment_times(
                ctx,
                crate::extract::form_id(&id, "patient")?,
                staff,
                q.minutes.unwrap_or(50),
                q.days.unwrap_or(14),
            )
        })
        .await?;
    Ok(Json(v))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AppointmentRequest {
    patient_id: String,
    staff_id: String,
    /// Local date and time at the site, like 2026-12-01T14:00.
    starts: String,
    minutes: i32,
    /// An https:// link makes it a telehealth appointment.
    telehealth_link: Option<String>,
    /// individual (the default), family (conjoint, with the patient) or family_without_patient.
    kind: Option<String>,
}

/// Book an individual session (409 naming the clash when it overlaps a group night or another appointment).
#[utoipa::path(post, path = "/api/v1/appointments", tag = "individual", request_body = AppointmentRequest, security(("bearer" = [])),
    responses((status = 201, body = Created), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn book(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(r): ApiJson<AppointmentRequest>,
) -> ApiResult<(StatusCode, Json<Created>)> {
    let new = NewAppointment {
        patient_id: body_id(&r.patient_id, "patient_id")?,
        staff_id: body_id(&r.staff_id, "staff_id")?,
        starts: crate::extract::text_datetime(&r.starts, "start")?,
        minutes: r.minutes,
        telehealth_link: r.telehealth_link,
        kind: match r.kind.as_deref() {
            None | Some("") => iop_domain::appointments::AppointmentKind::Individual,
            Some(raw) => crate::extract::body_code(raw, "kind")?,
        },
    };
    let id = state
        .run(caller.ctx, move |app, ctx| {
            app.schedule_appointment(ctx, new)
        })
        .await?;
    Ok((StatusCode::CREATED, Json(Created::new(id))))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StatusRequest {
    /// kept, no_show, cancelled or late_cancelled.
    status: String,
    /// Required for cancellations.
    reason: Option<String>,
}

/// Mark an appointment kept, no-show, cancelled or late-cancelled.
#[utoipa::path(post, path = "/api/v1/appointments/{id}/status", operation_id = "set_appointment_status", tag = "individual", params(("id" = String, Path)), request_body = StatusRequest, security(("bearer" = [])),
    responses((status = 204), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn set_status(
    State(state): State<AppState>,
    caller: Caller,
    PathId(id): PathId<iop_domain::ids::AppointmentId>,
    ApiJson(r): ApiJson<StatusRequest>,
) -> ApiResult<StatusCode> {
    state
        .run(caller.ctx, move |app, ctx| {
            app.set_appointment_status(ctx, id, &r.status, r.reason.as_deref())
        })
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct IndividualNoteRequest {
    /// Face-to-face start, local time like 14:02.
    started: String,
    /// Face-to-face stop, local time like 14:55.
    ended: String,
    /// The treatment-plan goal worked on.
    goal: String,
    narrative: String,
    plan: String,
    /// For a telehealth session, where the patient was: home or elsewhere (required to sign).
    patient_location: Option<String>,
    /// Sign it now: it cannot change afterwards.
    #[serde(default)]
    sign: bool,
}

/// Write (and optionally sign) the note of a kept appointment.
#[utoipa::path(put, path = "/api/v1/appointments/{id}/note", tag = "individual", params(("id" = String, Path)), request_body = IndividualNoteRequest, security(("bearer" = [])),
    responses((status = 204), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn note(
    State(state): State<AppState>,
    caller: Caller,
    PathId(id): PathId<iop_domain::ids::AppointmentId>,
    ApiJson(r): ApiJson<IndividualNoteRequest>,
) -> ApiResult<StatusCode> {
    let n = IndividualNoteInput {
        started: crate::extract::text_time(&r.started, "start")?,
        ended: crate::extract::text_time(&r.ended, "stop")?,
        goal: r.goal,
        narrative: r.narrative,
        plan: r.plan,
        patient_location: match r.patient_location.as_deref() {
            None | Some("") => None,
            Some(raw) => Some(crate::extract::body_code(raw, "patient_location")?),
        },
    };
    state
        .run(caller.ctx, move |app, ctx| {
            app.save_individual_note(ctx, id, n, r.sign)
        })
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ObjectiveRequest {
    /// Measurable: what, how much, how it is checked.
    objective: String,
    /// YYYY-MM-DD.
    target_date: String,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct GoalRequest {
    goal: String,
    objectives: Vec<ObjectiveRequest>,
    interventions: Vec<String>,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ProblemRequest {
    problem: String,
    goals: Vec<GoalRequest>,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TreatmentPlanRequest {
    problems: Vec<ProblemRequest>,
}

impl TreatmentPlanRequest {
    fn into_content(self) -> Result<TreatmentPlanContent, iop_app::AppError> {
        let mut problems = Vec::new();
        for p in self.problems {
            let mut goals = Vec::new();
            for g in p.goals {
                let objectives = g
                    .objectives
                    .into_iter()
                    .map(|o| {
                        Ok(Objective {
                            objective: o.objective,
                            target_date: parse_date(&o.target_date, "target_date")?,
                        })
                    })
                    .collect::<Result<Vec<_>, iop_app::AppError>>()?;
                goals.push(Goal {
                    goal: g.goal,
                    objectives,
                    interventions: g.interventions,
                });
            }
            problems.push(PlanProblem {
                problem: p.problem,
                goals,
            });
        }
        Ok(TreatmentPlanContent { problems })
    }
}

#[derive(Serialize, ToSchema)]
pub struct Version {
    version: i32,
}

/// The treatment plan's versions, newest first.
#[utoipa::path(get, path = "/api/v1/patients/{id}/treatment-plans", tag = "clinical", params(("id" = String, Path)), security(("bearer" = [])),
    responses((status = 200, description = "versions with problems, goals, objectives, interventions, review date and signatures", body = Vec<iop_app::clinical::treatment::TreatmentPlanVersion>), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn treatment_plans(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> ApiResult<Json<Vec<iop_app::clinical::treatment::TreatmentPlanVersion>>> {
    Ok(Json(
        state
            .run(caller.ctx, move |app, ctx| {
                app.treatment_plans(ctx, crate::extract::form_id(&id, "patient")?)
            })
            .await?,
    ))
}

/// Save a new version of the treatment plan (review due in 30 days).
#[utoipa::path(post, path = "/api/v1/patients/{id}/treatment-plans", tag = "clinical", params(("id" = String, Path)), request_body = TreatmentPlanRequest, security(("bearer" = [])),
    responses((status = 201, body = Version), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn save_treatment_plan(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    ApiJson(r): ApiJson<TreatmentPlanRequest>,
) -> ApiResult<(StatusCode, Json<Version>)> {
    let content = r.into_content()?;
    let version = state
        .run(caller.ctx, move |app, ctx| {
            app.save_treatment_plan(ctx, crate::extract::form_id(&id, "patient")?, content)
        })
        .await?;
    Ok((StatusCode::CREATED, Json(Version { version })))
}

/// Sign a version of the treatment plan (the patient's typed name, or the counselor when left out).
#[utoipa::path(post, path = "/api/v1/patients/{id}/treatment-plans/{version}/sign", tag = "clinical",
    params(("id" = String, Path), ("version" = i32, Path)), request_body = crate::api::clinical::record::PlanSignRequest, security(("bearer" = [])),
    responses((status = 204), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn sign_treatment_plan(
    State(state): State<AppState>,
    caller: Caller,
    Path((id, version)): Path<(String, i32)>,
    ApiJson(r): ApiJson<crate::api::clinical::record::PlanSignRequest>,
) -> ApiResult<StatusCode> {
    state
        .run(caller.ctx, move |app, ctx| {
            app.sign_treatment_plan(
                ctx,
                crate::extract::form_id(&id, "patient")?,
                version,
                r.patient_signature.as_deref(),
            )
        })
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MakeupRequest {
    patient_id: String,
    /// Which missed group this makes up.
    reason: String,
    /// A clinical director's reason to add the make-up although it breaks the ratio.
    #[serde(default)]
    ratio_override_reason: Option<String>,
}

/// Add a patient from another track to a core session to make up a missed group; refused (409) when it would break the staff-to-patient ratio, unless a clinical director gives a reason to override.
#[utoipa::path(post, path = "/api/v1/sessions/{id}/makeups", tag = "clinical", params(("id" = String, Path)), request_body = MakeupRequest, security(("bearer" = [])),
    responses((status = 204), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn add_makeup(
    State(state): State<AppState>,
    caller: Caller,
    PathId(id): PathId<iop_domain::ids::SessionId>,
    ApiJson(r): ApiJson<MakeupRequest>,
) -> ApiResult<StatusCode> {
    let patient = crate::extract::body_id(&r.patient_id, "patient_id")?;
    state
        .run(caller.ctx, move |app, ctx| {
            app.add_makeup(
                ctx,
                id,
                patient,
                &r.reason,
                r.ratio_override_reason.as_deref(),
            )
        })
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Signed notes waiting for a clinical director's co-signature.
#[utoipa::path(get, path = "/api/v1/cosign-queue", tag = "clinical", security(("bearer" = [])),
    responses((status = 200, description = "kind, note_id, date, author_id, signed_at, link", body = Vec<iop_app::clinical::cosign::AwaitingCosign>), (status = 403, body = Problem)))]
pub async fn cosign_queue(
    State(state): State<AppState>,
    caller: Caller,
) -> ApiResult<Json<Vec<iop_app::clinical::cosign::AwaitingCosign>>> {
    Ok(Json(
        state
            .run(caller.ctx, move |app, ctx| app.notes_awaiting_cosign(ctx))
            .await?,
    ))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CosignRequest {
    /// group or individual.
    kind: String,
}

/// Co-sign a signed note (clinical directors).
#[utoipa::path(post, path = "/api/v1/notes/{id}/cosign", tag = "clinical", params(("id" = String, Path)), request_body = CosignRequest, security(("bearer" = [])),
    responses((status = 204), (status = 403, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn cosign(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    ApiJson(r): ApiJson<CosignRequest>,
) -> ApiResult<StatusCode> {
    // An id that is no note's names nothing: 404, as for a note that does not exist.
    let note = match r.kind.as_str() {
        "group" => id.parse().map(CosignNote::Group),
        "individual" => id.parse().map(CosignNote::Individual),
        _ => {
            return Err(WebError::Unprocessable(
                "the kind of note is \"group\" or \"individual\"".into(),
            )
            .into())
        }
    }
    .map_err(|_| WebError::NotFound)?;
    state
        .run(caller.ctx, move |app, ctx| app.cosign_note(ctx, note))
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Measures and treatment plans due today or overdue (a counselor's own patients; everyone for directors).
#[utoipa::path(get, path = "/api/v1/clinical-reminders", tag = "clinical", security(("bearer" = [])),
    responses((status = 200, description = "patient_id, mrn, name, what, due", body = Vec<iop_app::clinical::reminders::Due>), (status = 403, body = Problem)))]
pub async fn reminders(
    State(state): State<AppState>,
    caller: Caller,
) -> ApiResult<Json<Vec<iop_app::clinical::reminders::Due>>> {
    Ok(Json(
        state
            .run(caller.ctx, move |app, ctx| app.clinical_reminders(ctx))
            .await?,
    ))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct OutcomesQuery {
    /// Patients admitted on or after this local date, YYYY-MM-DD (default: the last 365 days).
    since: Option<String>,
}

/// The program outcome report: intake against latest score by track (aggregates only).
#[utoipa::path(get, path = "/api/v1/reports/outcomes", tag = "reports", params(OutcomesQuery), security(("bearer" = [])),
    responses((status = 200, description = "per instrument, per track: patients, mean_intake, mean_latest, improved", body = Vec<iop_app::clinical::outcomes::InstrumentOutcome>), (status = 400, body = Problem), (status = 403, body = Problem), (status = 422, body = Problem)))]
pub async fn outcomes(
    State(state): State<AppState>,
    caller: Caller,
    q: QueryResult<OutcomesQuery>,
) -> ApiResult<Json<Vec<iop_app::clinical::outcomes::InstrumentOutcome>>> {
    let q = query(q)?;
    let since = parse_optional_day(q.since.as_deref(), "since")?;
    Ok(Json(
        state
            .run(caller.ctx, move |app, ctx| app.outcome_report(ctx, since))
            .await?,
    ))
}
