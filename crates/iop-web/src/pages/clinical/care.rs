//! Forms of the chart and the session page beyond the group note: individual sessions,
//! the treatment plan, make-ups and co-signature; and the outcome report.

use crate::access::Caller;
use crate::error::PageError;
use crate::extract::form_id;
use crate::extract::PageForm;
use crate::extract::PathId;
use crate::pages::clinical::chart::{chart_page_typed, ChartTyped};
use crate::pages::refusal;
use crate::pages::shell::{render, Shell};
use crate::AppState;
use askama::Template;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use iop_app::clinical::cosign::CosignNote;
use iop_app::clinical::individual::{IndividualNoteInput, NewAppointment};
use iop_app::clinical::outcomes::InstrumentOutcome;
use iop_app::AppError;
use serde::Deserialize;

/// Back to the chart on success; the chart again with the reason on a refusal.
pub(crate) async fn to_chart(
    state: &AppState,
    caller: Caller,
    patient: String,
    anchor: &str,
    done: &str,
    r: Result<(), AppError>,
) -> Result<Response, PageError> {
    to_chart_typed(
        state,
        caller,
        patient,
        anchor,
        done,
        r,
        ChartTyped::default(),
    )
    .await
}

/// As `to_chart`, with the refused form shown again as it was sent.
async fn to_chart_typed(
    state: &AppState,
    caller: Caller,
    patient: String,
    anchor: &str,
    done: &str,
    r: Result<(), AppError>,
    typed: ChartTyped,
) -> Result<Response, PageError> {
    match r {
        Ok(()) => {
            Ok(Redirect::to(&format!("/patients/{patient}?done={done}#{anchor}")).into_response())
        }
        Err(e) if refusal(&e) => {
            chart_page_typed(
                state,
                caller,
                patient,
                Some(e.to_string()),
                None,
                None,
                typed,
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Deserialize, serde::Serialize)]
pub struct BookForm {
    staff_id: String,
    starts: String,
    minutes: String,
    #[serde(default)]
    telehealth_link: String,
    #[serde(default)]
    kind: String,
}

pub async fn book(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    PageForm(f): PageForm<BookForm>,
) -> Result<Response, PageError> {
    let pid = id.clone();
    let typed = ChartTyped {
        form: "book".into(),
        fields: crate::extract::as_typed(&f),
        confirm_sign: false,
    };
    let r = state
        .run(caller.ctx.clone(), move |app, ctx| {
            let minutes = f
                .minutes
                .trim()
                .parse()
                .map_err(|_| AppError::Invalid("minutes must be a whole number".into()))?;
            let link = Some(f.telehealth_link).filter(|l| !l.trim().is_empty());
            app.schedule_appointment(
                ctx,
                NewAppointment {
                    patient_id: form_id(&pid, "patient")?,
                    staff_id: form_id(&f.staff_id, "staff_id")?,
                    starts: crate::extract::text_datetime(&f.starts, "start")?,
                    minutes,
                    telehealth_link: link,
                    kind: match f.kind.trim() {
                        "" => iop_domain::appointments::AppointmentKind::Individual,
                        k => k.parse().map_err(|_| {
                            AppError::Invalid(format!("unknown kind of appointment {k:?}"))
                        })?,
                    },
                },
            )
            .map(|_| ())
        })
        .await;
    to_chart_typed(&state, caller, id, "individual", "booked", r, typed).await
}

#[derive(Deserialize)]
pub struct StatusForm {
    patient_id: String,
    status: String,
    #[serde(default)]
    reason: String,
}

pub async fn set_status(
    State(state): State<AppState>,
    caller: Caller,
    PathId(id): PathId<iop_domain::ids::AppointmentId>,
    PageForm(f): PageForm<StatusForm>,
) -> Result<Response, PageError> {
    let reason = Some(f.reason).filter(|r| !r.trim().is_empty());
    let r = state
        .run(caller.ctx.clone(), move |app, ctx| {
            app.set_appointment_status(ctx, id, &f.status, reason.as_deref())
        })
        .await;
    to_chart(&state, caller, f.patient_id, "individual", "outcome", r).await
}

#[derive(Deserialize, serde::Serialize)]
pub struct NoteForm {
    patient_id: String,
    started: String,
    ended: String,
    goal: String,
    narrative: String,
    plan: String,
    #[serde(default)]
    patient_location: String,
    #[serde(default)]
    action: String,
}

pub async fn note(
    State(state): State<AppState>,
    caller: Caller,
    PathId(id): PathId<iop_domain::ids::AppointmentId>,
    PageForm(f): PageForm<NoteForm>,
) -> Result<Response, PageError> {
    let mut typed = ChartTyped {
        form: format!("note:{id}"),
        fields: crate::extract::as_typed(&f),
        confirm_sign: false,
    };
    // Signing locks the note: "Save and sign" shows the note again, as typed, with a
    // "Sign now" button; nothing is saved until that answer.
    if f.action == "sign" {
        typed.confirm_sign = true;
        return chart_page_typed(&state, caller, f.patient_id, None, None, None, typed).await;
    }
    let sign = f.action == "sign_confirmed";
    let (started, ended) = (f.started, f.ended);
    let (goal, narrative, plan) = (f.goal, f.narrative, f.plan);
    let location = f.patient_location;
    let r = state
        .run(caller.ctx.clone(), move |app, ctx| {
            let n = IndividualNoteInput {
                started: crate::extract::text_time(&started, "start")?,
                ended: crate::extract::text_time(&ended, "stop")?,
                goal,
                narrative,
                plan,
                patient_location: match location.trim() {
                    "" => None,
                    l => Some(
                        l.parse()
                            .map_err(|_| AppError::Invalid(format!("unknown place {l:?}")))?,
                    ),
                },
            };
            app.save_individual_note(ctx, id, n, sign)
        })
        .await;
    to_chart_typed(&state, caller, f.patient_id, "individual", "note", r, typed).await
}

#[derive(Deserialize)]
pub struct SignForm {
    version: i32,
    #[serde(default)]
    patient_signature: String,
    confirmed: Option<String>,
}

impl SignForm {
    /// A counselor's signature locks the plan's version: asked once, on a page of its own
    /// (`plan` names it, `path` is its address under the patient). `None` once confirmed,
    /// or when the form records the patient's typed name.
    fn ask_before_signing(
        &self,
        caller: &Caller,
        patient: iop_domain::ids::PatientId,
        plan: &str,
        path: &str,
    ) -> Option<Result<Response, PageError>> {
        if !self.patient_signature.is_empty() || self.confirmed.as_deref() == Some("yes") {
            return None;
        }
        Some(render(&crate::pages::shell::Confirm {
            shell: Shell::new(caller, "/census"),
            title: format!("Sign the {plan}?"),
            message: format!(
                "Your signature goes on version {} as it stands; a change after this is a new version.",
                self.version
            ),
            action: format!("/patients/{patient}/{path}/sign"),
            fields: vec![("version".into(), self.version.to_string())],
            button: format!("Sign the {plan}"),
            cancel: format!("/patients/{patient}#{path}"),
        }))
    }
}

pub async fn sign_plan(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    PageForm(f): PageForm<SignForm>,
) -> Result<Response, PageError> {
    let patient: iop_domain::ids::PatientId = form_id(&id, "patient")?;
    if let Some(ask) = f.ask_before_signing(&caller, patient, "treatment plan", "treatment-plan") {
        return ask;
    }
    let typed = Some(f.patient_signature).filter(|s| !s.is_empty());
    let r = state
        .run(caller.ctx.clone(), move |app, ctx| {
            app.sign_treatment_plan(ctx, patient, f.version, typed.as_deref())
        })
        .await;
    to_chart(&state, caller, id, "treatment-plan", "plan_signed", r).await
}

#[derive(Deserialize)]
pub struct MakeupForm {
    patient_id: String,
    reason: String,
    #[serde(default)]
    ratio_override_reason: Option<String>,
}

pub async fn add_makeup(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    PageForm(f): PageForm<MakeupForm>,
) -> Result<Response, PageError> {
    let (Ok(sid), Ok(patient)) = (id.parse(), f.patient_id.parse()) else {
        return Err(PageError(crate::error::WebError::NotFound));
    };
    match state
        .run(caller.ctx.clone(), move |app, ctx| {
            let why = f
                .ratio_override_reason
                .as_deref()
                .filter(|s| !s.trim().is_empty());
            app.add_makeup(ctx, sid, patient, &f.reason, why)
        })
        .await
    {
        Ok(()) => Ok(Redirect::to(&format!("/sessions/{id}?done=makeup")).into_response()),
        Err(e) if refusal(&e) => {
            crate::pages::clinical::record::session_page(
                &state,
                caller,
                id,
                Some(e.to_string()),
                None,
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Deserialize)]
pub struct CosignForm {
    kind: String,
    /// The page the button was on (the note's own page or the dashboard).
    back: Option<String>,
}

pub async fn cosign(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    PageForm(f): PageForm<CosignForm>,
) -> Result<Response, PageError> {
    state
        .run(caller.ctx.clone(), move |app, ctx| {
            // An id that is no note's names nothing, as for a note that does not exist.
            let note = match f.kind.as_str() {
                "group" => CosignNote::Group(form_id(&id, "note")?),
                "individual" => CosignNote::Individual(form_id(&id, "note")?),
                _ => {
                    return Err(AppError::Invalid(
                        "the kind of note is \"group\" or \"individual\"".into(),
                    ))
                }
            };
            app.cosign_note(ctx, note)
        })
        .await?;
    let back = crate::pages::clinical::alerts::back_to(f.back.as_deref());
    Ok(Redirect::to(&format!("{back}?done=cosigned")).into_response())
}

#[derive(Template)]
#[template(path = "outcomes.html")]
struct OutcomesPage {
    shell: Shell,
    report: Vec<InstrumentOutcome>,
    since: iop_domain::time::Day,
    fmt: iop_domain::display::Style,
}

#[derive(Deserialize)]
pub struct OutcomesQuery {
    since: Option<String>,
}

pub async fn outcomes(
    State(state): State<AppState>,
    caller: Caller,
    axum::extract::Query(q): axum::extract::Query<OutcomesQuery>,
) -> Result<Response, PageError> {
    let shell = Shell::new(&caller, "/reports/outcomes");
    let since = iop_app::calendar::sessions::parse_optional_day(q.since.as_deref(), "since")
        .map_err(PageError::from)?;
    let (report, since, fmt) = state
        .run(caller.ctx, move |app, ctx| {
            let since = match since {
                Some(d) => d,
                None => iop_domain::time::Day(
                    app.organisation_today(ctx)?
                        .checked_sub(
                            jiff::Span::new().days(iop_app::clinical::outcomes::DEFAULT_DAYS),
                        )
                        .map_err(|e| AppError::Internal(e.to_string()))?,
                ),
            };
            Ok((
                app.outcome_report(ctx, Some(since))?,
                since,
                app.organisation_style(ctx)?,
            ))
        })
        .await?;
    render(&OutcomesPage {
        shell,
        report,
        since,
        fmt,
    })
}

/// Signing a relapse prevention plan version from the chart: the patient's typed name,
/// or the counselor's own signature (asked once, as it locks the version).
pub async fn sign_relapse_plan(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    PageForm(f): PageForm<SignForm>,
) -> Result<Response, PageError> {
    let patient: iop_domain::ids::PatientId = form_id(&id, "patient")?;
    if let Some(ask) =
        f.ask_before_signing(&caller, patient, "relapse prevention plan", "relapse-plan")
    {
        return ask;
    }
    let typed = Some(f.patient_signature).filter(|s| !s.is_empty());
    let r = state
        .run(caller.ctx.clone(), move |app, ctx| {
            app.sign_relapse_plan(ctx, patient, f.version, typed.as_deref())
        })
        .await;
    to_chart(&state, caller, id, "relapse-plan", "relapse_plan_signed", r).await
}
