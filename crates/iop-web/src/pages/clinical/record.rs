//! The facilitator's screen: roster, attendance and the group note on one page; and the
//! patient's chart.

use crate::access::Caller;
use crate::error::PageError;
use crate::extract::PageForm;
use crate::pages::shell::{render, Shell};
use crate::{blocking, AppState};
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use iop_app::clinical::attendance::MarkInput;
use iop_app::clinical::chart::Chart;
use iop_app::clinical::notes::NoteInput;
use iop_app::clinical::roster::Roster;
use iop_app::clinical::session_form::SessionForm;
use iop_app::AppError;
use iop_domain::hours::Mark;
use iop_domain::ids::{NoteId, PatientId, SessionId};
use iop_domain::notes::NoteStatus;
use serde::Deserialize;
use strum::IntoEnumIterator;

#[derive(Template)]
#[template(path = "session.html")]
struct SessionPage {
    shell: Shell,
    r: Roster,
    marks: Vec<Mark>,
    signed: bool,
    /// The draft's topic, or the session's curriculum topic for a new note.
    note_topic: String,
    /// Patients who could join as a make-up (id, name); empty once signed.
    candidates: Vec<(PatientId, String)>,
    error: Option<String>,
    notice: Option<String>,
}

#[derive(Deserialize)]
pub struct Flash {
    done: Option<String>,
}

/// The chart's query: a flash after a saved form, and which page of the record.
#[derive(Deserialize)]
pub struct ChartQuery {
    done: Option<String>,
    before: Option<String>,
}

pub(crate) async fn session_page(
    state: &AppState,
    caller: Caller,
    id: String,
    error: Option<String>,
    notice: Option<String>,
) -> Result<Response, PageError> {
    let shell = Shell::new(&caller, "/tonight");
    let id: SessionId = parse_path(&id)?;
    let writer =
        iop_app::policy::allows(caller.authed.actor.role, iop_app::Action::RecordAttendance);
    let r = state
        .run(caller.ctx.clone(), move |app, ctx| app.roster(ctx, id))
        .await?;
    let open = r
        .note
        .as_ref()
        .is_none_or(|n| n.status != NoteStatus::Signed);
    let candidates = if writer && open {
        r.makeup_candidates().to_vec()
    } else {
        Vec::new()
    };
    let signed = r
        .note
        .as_ref()
        .is_some_and(|n| n.status == NoteStatus::Signed);
    let code = if error.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    let note_topic = r
        .note
        .as_ref()
        .map(|n| n.topic.clone())
        .or_else(|| r.session.topic.clone())
        .unwrap_or_default();
    let mut res = render(&SessionPage {
        shell,
        r,
        marks: Mark::iter().collect(),
        signed,
        note_topic,
        candidates,
        error,
        notice,
    })?;
    *res.status_mut() = code;
    Ok(res)
}

pub async fn show(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    Query(f): Query<Flash>,
) -> Result<Response, PageError> {
    let notice = f.done.map(|d| {
        if d == "signed" {
            "The group note is signed.".to_string()
        } else if d == "makeup" {
            "The make-up patient is on the roster.".to_string()
        } else {
            "Saved.".to_string()
        }
    });
    session_page(&state, caller, id, None, notice).await
}

/// One form for the whole night: marks and minutes, the shared narrative and each
/// attendee's entry; the button says save or sign.
pub async fn save(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    PageForm(fields): PageForm<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let get = |k: &str| {
        fields
            .iter()
            .find(|(n, _)| n == k)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    };
    let mut marks = Vec::new();
    let mut entries = Vec::new();
    for (k, v) in &fields {
        if let Some(pid) = k.strip_prefix("mark_") {
            if v.is_empty() {
                continue;
            }
            let minutes = get(&format!("minutes_{pid}"));
            let minutes = match minutes.trim() {
                "" => None,
                m => Some(m.parse::<i32>().map_err(|_| {
                    PageError::from(AppError::Invalid("minutes must be a whole number".into()))
                })?),
            };
            let patient_id: PatientId = crate::extract::body_id(pid, "patient")?;
            let mark: Mark = v.parse().map_err(|_| {
                PageError::from(AppError::Invalid(format!("unknown attendance mark {v:?}")))
            })?;
            marks.push(MarkInput {
                patient_id,
                mark,
                minutes,
            });
            entries.push((
                patient_id,
                get(&format!("participation_{pid}")),
                get(&format!("progress_{pid}")),
            ));
        }
    }
    let family: Vec<(iop_domain::ids::RelatedPersonId, bool)> = fields
        .iter()
        .filter_map(|(k, v)| Some((k.strip_prefix("family_")?, v.as_str())))
        .filter(|(_, v)| !v.is_empty())
        .map(|(id, v)| Ok((crate::extract::body_id(id, "family")?, v == "present")))
        .collect::<Result<_, crate::error::WebError>>()?;
    let note = NoteInput {
        topic: get("topic"),
        interventions: get("interventions"),
        group_process: get("group_process"),
        entries,
    };
    let form = SessionForm {
        marks,
        family,
        note,
        sign: get("action") == "sign",
        accept_similar: !get("accept_similar").is_empty(),
    };
    let sid: SessionId = parse_path(&id)?;
    let result = state
        .run(caller.ctx.clone(), move |app, ctx| {
            app.save_session(ctx, sid, form)
        })
        .await;
    match result {
        Ok(saved) => match saved.sign_refused {
            Some(why) => session_page(&state, caller, id, Some(why), None).await,
            None => Ok(Redirect::to(&format!(
                "/sessions/{id}?done={}",
                if saved.signed { "signed" } else { "saved" }
            ))
            .into_response()),
        },
        Err(e @ (AppError::Invalid(_) | AppError::Conflict(_))) => {
            session_page(&state, caller, id, Some(e.to_string()), None).await
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Deserialize)]
pub struct AddendumForm {
    session_id: String,
    text: String,
}

pub async fn addendum(
    State(state): State<AppState>,
    caller: Caller,
    Path(note): Path<String>,
    PageForm(f): PageForm<AddendumForm>,
) -> Result<Response, PageError> {
    let sid = f.session_id.clone();
    let note: NoteId = parse_path(&note)?;
    match state
        .run(caller.ctx.clone(), move |app, ctx| {
            app.add_addendum(ctx, note, &f.text)
        })
        .await
    {
        Ok(()) => Ok(Redirect::to(&format!("/sessions/{sid}?done=addendum")).into_response()),
        Err(e @ (AppError::Invalid(_) | AppError::Conflict(_))) => {
            session_page(&state, caller, sid, Some(e.to_string()), None).await
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Template)]
#[template(path = "chart.html")]
struct ChartPage {
    shell: Shell,
    c: Chart,
    measures: Vec<iop_app::clinical::measures::Measure>,
    screens: Vec<(
        iop_app::clinical::measures::DrugScreen,
        Vec<iop_app::clinical::measures::SubstanceResult>,
    )>,
    instruments: &'static [(&'static str, &'static str, usize)],
    occasions: &'static [&'static str],
    today: String,
    /// The signed-in clinician's staff profile, and free times for an individual session with them.
    writer: bool,
    notice: Option<String>,
    my_staff: Option<iop_domain::ids::StaffId>,
    proposals: Vec<String>,
    staff: Vec<iop_app::org::staffing::StaffView>,
    error: Option<String>,
}

pub(crate) async fn chart_page(
    state: &AppState,
    caller: Caller,
    id: String,
    error: Option<String>,
    notice: Option<String>,
    before: Option<iop_domain::time::Day>,
) -> Result<Response, PageError> {
    let shell = Shell::new(&caller, "/census");
    let app = state.app.clone();
    let ctx = caller.ctx.clone();
    let writer =
        iop_app::policy::allows(caller.authed.actor.role, iop_app::Action::RecordAttendance);
    let patient: PatientId = parse_path(&id)?;
    let (c, my_staff, proposals, staff) = blocking(move || {
        let c = app.chart(&ctx, patient, before)?;
        if !writer {
            return Ok((c, None, Vec::new(), Vec::new()));
        }
        let me = app.my_staff_id(&ctx)?;
        let proposals = match &me {
            Some(s) if c.treatment_active => app.propose_appointment_times(
                &ctx,
                crate::extract::form_id(&id, "patient")?,
                *s,
                50,
                14,
            )?,
            _ => Vec::new(),
        };
        Ok((c, me, proposals, app.staff(&ctx)?))
    })
    .await?;
    let measures = c.measures.clone();
    let screens = c
        .drug_screens
        .iter()
        .cloned()
        .map(|s| {
            let results = serde_json::from_str(&s.results).unwrap_or_default();
            (s, results)
        })
        .collect();
    let today = c.today.to_string();
    let code = if error.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    let page = ChartPage {
        shell,
        c,
        measures,
        screens,
        instruments: iop_app::clinical::measures::INSTRUMENTS,
        occasions: iop_app::clinical::measures::OCCASIONS,
        today,
        writer,
        notice,
        my_staff,
        proposals,
        staff,
        error,
    };
    let mut res = render(&page)?;
    *res.status_mut() = code;
    Ok(res)
}

pub async fn chart(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    Query(f): Query<ChartQuery>,
) -> Result<Response, PageError> {
    let notice = f.done.map(|_| "Saved.".to_string());
    let before = f
        .before
        .as_deref()
        .filter(|b| !b.is_empty())
        .map(|b| iop_app::calendar::sessions::parse_date(b, "before").map(iop_domain::time::Day))
        .transpose()
        .map_err(PageError::from)?;
    chart_page(&state, caller, id, None, notice, before).await
}

#[derive(Deserialize)]
pub struct MeasureForm {
    instrument: String,
    occasion: String,
    taken_on: String,
    items: String,
}

pub async fn add_measure(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    PageForm(f): PageForm<MeasureForm>,
) -> Result<Response, PageError> {
    let pid = id.clone();
    let result = state
        .run(caller.ctx.clone(), move |app, ctx| {
            let taken_on = iop_app::calendar::sessions::parse_date(&f.taken_on, "the date")?;
            let items = f
                .items
                .split([',', ' '])
                .filter(|s| !s.trim().is_empty())
                .map(|s| {
                    s.trim().parse::<u8>().map_err(|_| {
                        AppError::Invalid(format!("item value {s:?} is not a whole number"))
                    })
                })
                .collect::<Result<Vec<u8>, _>>()?;
            app.record_measure(
                ctx,
                crate::extract::form_id(&pid, "patient")?,
                iop_app::clinical::measures::NewMeasure {
                    instrument: f.instrument,
                    occasion: f.occasion,
                    taken_on,
                    items,
                },
            )
        })
        .await;
    match result {
        Ok(_) => Ok(Redirect::to(&format!("/patients/{id}")).into_response()),
        Err(e @ (AppError::Invalid(_) | AppError::NotFound(_))) => {
            chart_page(&state, caller, id, Some(e.to_string()), None, None).await
        }
        Err(e) => Err(e.into()),
    }
}

/// The trend of PHQ-9, GAD-7 and BAM use scores as an SVG image.
pub async fn trend_svg(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let rows = state
        .run(caller.ctx.clone(), move |app, ctx| {
            app.measures(ctx, crate::extract::form_id(&id, "patient")?)
        })
        .await?;
    let first: Option<jiff::civil::Date> = rows.iter().map(|m| m.taken_on.0).min();
    let day = |m: &iop_app::clinical::measures::Measure| -> Option<i32> {
        let d: jiff::civil::Date = m.taken_on.0;
        Some((d - first?).get_days())
    };
    let mut series = Vec::new();
    for (code, label, max) in [
        (iop_domain::scoring::Instrument::Phq9, "PHQ-9", 27),
        (iop_domain::scoring::Instrument::Gad7, "GAD-7", 21),
    ] {
        let points: Vec<(i32, i32)> = rows
            .iter()
            .filter(|m| m.instrument == code)
            .filter_map(|m| Some((day(m)?, m.total?)))
            .collect();
        if !points.is_empty() {
            series.push(crate::pages::clinical::trend::Series { label, max, points });
        }
    }
    let bam_use: Vec<(i32, i32)> = rows
        .iter()
        .filter(|m| m.instrument == iop_domain::scoring::Instrument::Bam)
        .filter(|m| m.instrument_version == iop_domain::bam::VERSION)
        .filter_map(|m| {
            let v: serde_json::Value = serde_json::from_str(m.subscales.as_deref()?).ok()?;
            Some((day(m)?, i32::try_from(v["use_score"].as_i64()?).ok()?))
        })
        .collect();
    if !bam_use.is_empty() {
        series.push(crate::pages::clinical::trend::Series {
            label: "BAM use (0–12)",
            max: 12,
            points: bam_use,
        });
    }
    let days = rows.iter().filter_map(day).max().unwrap_or(1);
    for s in &mut series {
        s.points = crate::pages::clinical::trend::aggregate(std::mem::take(&mut s.points), days);
    }
    let svg = crate::pages::clinical::trend::svg(&series, days)
        .map_err(|e| PageError::from(AppError::Internal(format!("chart: {e}"))))?;
    Ok(([(axum::http::header::CONTENT_TYPE, "image/svg+xml")], svg).into_response())
}

#[derive(Template)]
#[template(path = "relapse_plan.html")]
struct PlanPage {
    name: String,
    mrn: String,
    plan: Option<iop_app::clinical::plans::PlanVersion>,
}

/// The latest relapse prevention plan on one printable page.
pub async fn plan_print(
    State(state): State<AppState>,
    caller: Caller,
    crate::extract::PathId(patient): crate::extract::PathId<PatientId>,
) -> Result<Response, PageError> {
    let (chart, plans) = state
        .run(caller.ctx.clone(), move |app, ctx| {
            Ok((
                app.chart(ctx, patient, None)?,
                app.relapse_plans(ctx, patient)?,
            ))
        })
        .await?;
    render(&PlanPage {
        name: chart.name,
        mrn: chart.mrn,
        plan: plans.into_iter().next(),
    })
}

/// BAM subscales as a person reads them ("use 3, risk 10, protective 14").
pub fn subscales(json: &Option<String>) -> String {
    json.as_deref()
        .and_then(|j| serde_json::from_str::<serde_json::Value>(j).ok())
        .map(|v| {
            format!(
                "use {}, risk {}, protective {}",
                v["use_score"], v["risk"], v["protective"]
            )
        })
        .unwrap_or_default()
}

/// The id in a page's path; text that is no id is a page not found.
fn parse_path<T: std::str::FromStr>(raw: &str) -> Result<T, PageError> {
    raw.parse()
        .map_err(|_| PageError(crate::error::WebError::NotFound))
}
