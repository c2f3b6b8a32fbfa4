//! The public program page and its confidential call-back form. No sign-in, nothing
//! clinical asked, and the confirmation reveals nothing.

use crate::access::{MaybeCaller, Meta};
use crate::error::{PageError, WebError};
use crate::extract::PageForm;
use crate::pages::shell::render;
use crate::{blocking, AppState};
use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use iop_app::admissions::inquiries::CallbackRequest;
use iop_app::org::read::ProgramOverview;
use iop_app::AppError;
use serde::Deserialize;

#[derive(Template)]
#[template(path = "public_program.html")]
struct ProgramPage {
    p: ProgramOverview,
    nights: Vec<String>,
    error: Option<String>,
    /// The groups' start as the organisation writes times ("6:00 PM").
    start: String,
    /// What a refused call-back request held (first name, phone, best time, message).
    typed: (String, String, String, bool),
}

fn start_of(state: &AppState, p: &ProgramOverview) -> String {
    // A wall-clock setting: only the locale matters, not the zone or today.
    iop_domain::display::Style::new(
        p.site.time_zone.tz(),
        state.app.settings.locale,
        jiff::Timestamp::UNIX_EPOCH,
    )
    .clock(p.program.session_start)
}

#[derive(Template)]
#[template(path = "public_home.html")]
struct HomePage {
    programs: Vec<ProgramOverview>,
}

#[derive(Template)]
#[template(path = "public_thanks.html")]
struct ThanksPage {
    phone: String,
}

fn nights(p: &ProgramOverview) -> Vec<String> {
    p.tracks
        .iter()
        .map(|t| {
            let text = t.weekdays.to_string();
            let days: Vec<String> = text
                .split(',')
                .map(|d| {
                    let mut c = d.chars();
                    c.next()
                        .map(|f| f.to_uppercase().chain(c).collect())
                        .unwrap_or_default()
                })
                .collect();
            days.join(", ")
        })
        .collect()
}

async fn load(state: &AppState, slug: String) -> Result<ProgramOverview, PageError> {
    let app = state.app.clone();
    Ok(blocking(move || app.public_program(&slug)).await?)
}

/// `/`: signed-in staff go to their dashboard; anyone else sees the programs, each
/// linking to its page with the confidential line.
pub async fn home(
    State(state): State<AppState>,
    MaybeCaller(caller): MaybeCaller,
) -> Result<Response, PageError> {
    if caller.is_some() {
        return Ok(Redirect::to("/dashboard").into_response());
    }
    let app = state.app.clone();
    let programs = blocking(move || app.public_programs()).await?;
    render(&HomePage { programs })
}

pub async fn show(
    State(state): State<AppState>,
    Path(slug): Path<String>,
) -> Result<Response, PageError> {
    let p = load(&state, slug).await?;
    let nights = nights(&p);
    render(&ProgramPage {
        start: start_of(&state, &p),
        p,
        nights,
        error: None,
        typed: Default::default(),
    })
}

#[derive(Deserialize)]
pub struct CallbackForm {
    #[serde(default)]
    first_name: String,
    #[serde(default)]
    phone: String,
    #[serde(default)]
    best_time: String,
    may_leave_message: Option<String>,
    #[serde(default)]
    website: String,
}

pub async fn callback(
    State(state): State<AppState>,
    Meta(meta): Meta,
    Path(slug): Path<String>,
    PageForm(f): PageForm<CallbackForm>,
) -> Result<Response, PageError> {
    let app = state.app.clone();
    let s = slug.clone();
    let typed = (
        f.first_name.clone(),
        f.phone.clone(),
        f.best_time.clone(),
        f.may_leave_message.is_some(),
    );
    let req = CallbackRequest {
        first_name: f.first_name,
        phone: f.phone,
        best_time: f.best_time,
        may_leave_message: f.may_leave_message.is_some(),
        website: f.website,
    };
    match blocking(move || app.request_callback(&meta, &s, req)).await {
        Ok(()) => {
            let p = load(&state, slug).await?;
            render(&ThanksPage {
                phone: p.site.admissions_phone,
            })
        }
        Err(e @ AppError::Invalid(_)) => {
            let p = load(&state, slug).await?;
            let nights = nights(&p);
            let mut res = render(&ProgramPage {
                start: start_of(&state, &p),
                p,
                nights,
                error: Some(e.to_string()),
                typed,
            })?;
            *res.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
            Ok(res)
        }
        Err(e @ AppError::Throttled { .. }) => Err(PageError(WebError::App(e))),
        Err(e) => Err(e.into()),
    }
}
