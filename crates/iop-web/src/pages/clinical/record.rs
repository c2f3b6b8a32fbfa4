//! The facilitator's screen: roster, attendance and the group note on one page; the
//! printable relapse prevention plan.

use crate::access::Caller;
use crate::error::PageError;
use crate::extract::PageForm;
use crate::pages::shell::{render, render_refusable, Flash, Shell};
use crate::AppState;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use iop_app::clinical::attendance::MarkInput;
use iop_app::clinical::notes::NoteInput;
use iop_app::clinical::roster::Roster;
use iop_app::clinical::session_form::SessionForm;
use iop_app::AppError;
use iop_domain::hours::Mark;
use iop_domain::ids::{NoteId, PatientId, SessionId};
use iop_domain::notes::NoteStatus;
use serde::Deserialize;
use std::collections::HashMap;
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
    /// What a refused form held, field by field, shown again instead of what is stored.
    typed: Option<HashMap<String, String>>,
    /// The reader may co-sign this note (a clinical director who did not write it).
    can_cosign: bool,
    /// "Save and sign" was pressed: the page asks once before the note is locked.
    confirm_sign: bool,
    fmt: iop_domain::display::Style,
}

impl SessionPage {
    /// A field as typed into a refused form, else as stored.
    fn text(&self, key: &str, stored: &str) -> String {
        match &self.typed {
            Some(t) => t.get(key).cloned().unwrap_or_default(),
            None => stored.to_string(),
        }
    }

    fn field(&self, prefix: &str, pid: &PatientId, stored: &str) -> String {
        self.text(&format!("{prefix}_{pid}"), stored)
    }

    /// A relative's attendance as typed ("present", "absent", "") or as stored.
    fn family(&self, id: &iop_domain::ids::RelatedPersonId, stored: &Option<bool>) -> String {
        let stored = match stored {
            Some(true) => "present",
            Some(false) => "absent",
            None => "",
        };
        self.text(&format!("family_{id}"), stored)
    }

    /// Whether `m` is the patient's mark, as typed or as stored.
    fn marked(&self, pid: &PatientId, m: &Mark, stored: &Option<Mark>) -> bool {
        match &self.typed {
            Some(t) => t.get(&format!("mark_{pid}")).map(String::as_str) == Some(m.into()),
            None => stored.as_ref() == Some(m),
        }
    }
}

pub(crate) async fn session_page(
    state: &AppState,
    caller: Caller,
    id: String,
    error: Option<String>,
    notice: Option<String>,
) -> Result<Response, PageError> {
    session_page_typed(state, caller, id, error, notice, None, false).await
}

async fn session_page_typed(
    state: &AppState,
    caller: Caller,
    id: String,
    error: Option<String>,
    notice: Option<String>,
    typed: Option<HashMap<String, String>>,
    confirm_sign: bool,
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
    let refusal = error.is_some();
    let me = caller.authed.actor.user_id;
    let can_cosign =
        iop_app::policy::allows(caller.authed.actor.role, iop_app::Action::CosignNotes)
            && r.note.as_ref().is_some_and(|n| {
                n.cosign_required
                    && n.cosigned_at.is_none()
                    && n.author_id != iop_domain::ids::ActorRef::User(me)
            });
    let zone = r
        .session
        .time_zone
        .parse::<iop_domain::time::ZoneName>()
        .map(|z| z.tz())
        .unwrap_or(jiff::tz::TimeZone::UTC);
    let fmt = state.app.style_in(&caller.ctx, zone);
    let note_topic = r
        .note
        .as_ref()
        .map(|n| n.topic.clone())
        .or_else(|| r.session.topic.clone())
        .unwrap_or_default();
    render_refusable(
        &SessionPage {
            shell,
            r,
            marks: Mark::iter().collect(),
            signed,
            note_topic,
            candidates,
            error,
            notice,
            typed,
            can_cosign,
            confirm_sign,
            fmt,
        },
        refusal,
    )
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
        } else if d == "marked" {
            "Everyone not yet marked is present and saved. Change anyone late or gone early, then save.".to_string()
        } else if d == "cosigned" {
            "The group note is co-signed.".to_string()
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
    PageForm(mut fields): PageForm<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let all_present = fields
        .iter()
        .any(|(k, v)| k == "action" && v == "all_present");
    if all_present {
        // Everyone not yet marked is present; marks already chosen stay.
        for (k, v) in fields.iter_mut() {
            if k.starts_with("mark_") && v.is_empty() {
                *v = Mark::Present.to_string();
            }
        }
    }
    let typed: HashMap<String, String> = fields.iter().cloned().collect();
    // Signing locks the note: "Save and sign" asks once (the form comes back as typed
    // with a "Sign now" button); `sign_confirmed`, or `confirmed=yes`, is the answer.
    let action = typed.get("action").map_or("", String::as_str);
    let confirmed = action == "sign_confirmed"
        || (action == "sign" && typed.get("confirmed").map(String::as_str) == Some("yes"));
    if action == "sign" && !confirmed {
        return session_page_typed(&state, caller, id, None, None, Some(typed), true).await;
    }
    let sign_now = confirmed;
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
        sign: sign_now,
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
            Some(why) => {
                session_page_typed(&state, caller, id, Some(why), None, Some(typed), false).await
            }
            None => Ok(Redirect::to(&format!(
                "/sessions/{id}?done={}",
                if saved.signed {
                    "signed"
                } else if all_present {
                    "marked"
                } else {
                    "saved"
                }
            ))
            .into_response()),
        },
        Err(e @ (AppError::Invalid(_) | AppError::Conflict(_))) => {
            session_page_typed(
                &state,
                caller,
                id,
                Some(e.to_string()),
                None,
                Some(typed),
                false,
            )
            .await
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
    fmt: iop_domain::display::Style,
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
    let fmt = crate::pages::shell::organisation_style(&state, &caller).await?;
    render(&PlanPage {
        fmt,
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
pub(crate) fn parse_path<T: std::str::FromStr>(raw: &str) -> Result<T, PageError> {
    raw.parse()
        .map_err(|_| PageError(crate::error::WebError::NotFound))
}
