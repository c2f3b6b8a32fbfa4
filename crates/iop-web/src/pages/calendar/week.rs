//! Calendar pages: a program's week, a facilitator's night, the staffing view; and the
//! iCalendar feed behind a token.

use crate::access::{Caller, Meta};
use crate::error::{PageError, WebError};
use crate::pages::shell::{render, Shell};
use crate::{blocking, AppState};
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use iop_app::calendar::sessions::{parse_date, SessionView};
use iop_domain::ids::SiteId;
use jiff::civil::Date;
use jiff::Span;
use serde::Deserialize;

pub struct Day {
    pub date: Date,
    pub label: String,
    pub sessions: Vec<SessionView>,
    pub appointments: Vec<iop_app::calendar::appointments::CalendarAppointment>,
}

#[derive(Template)]
#[template(path = "calendar_week.html")]
struct WeekPage {
    shell: Shell,
    days: Vec<Day>,
    tracks: Vec<(iop_domain::ids::TrackId, String)>,
    track: String,
    week_of: String,
    prev: String,
    next: String,
    /// (program id, topic id, title) for the topic menus of managers; empty for others.
    topics: Vec<(iop_domain::ids::ProgramId, iop_domain::ids::TopicId, String)>,
    /// Clinicians get a link to each session's roster and note.
    clinical: bool,
    today: Date,
    fmt: iop_domain::display::Style,
    /// Managers cancel and move sessions from the page.
    manager: bool,
    /// The reader's own calendar feeds (live ones), when they may have one.
    feeds: Option<Vec<iop_app::calendar::feeds::FeedView>>,
    notice: Option<&'static str>,
}

#[derive(Deserialize)]
pub struct WeekQuery {
    week: Option<String>,
    track: Option<String>,
    done: Option<String>,
}

/// Today at the organisation's site: the week and the nights these pages open on.
async fn today(state: &AppState, caller: &Caller) -> Result<Date, PageError> {
    Ok(state
        .run(caller.ctx.clone(), |app, ctx| app.organisation_today(ctx))
        .await?)
}

pub async fn week(
    State(state): State<AppState>,
    caller: Caller,
    Query(q): Query<WeekQuery>,
) -> Result<Response, PageError> {
    let shell = Shell::new(&caller, "/calendar");
    let caller_role = caller.authed.actor.role;
    let today = today(&state, &caller).await?;
    let day = match q.week.as_deref().filter(|s| !s.is_empty()) {
        Some(w) => parse_date(w, "week")?,
        None => today,
    };
    let monday = iop_domain::calendar::monday_of(day);
    let sunday = monday
        .checked_add(Span::new().days(6))
        .map_err(|_| WebError::Unprocessable("week is out of range".into()))?;
    let manager =
        iop_app::policy::allows(caller.authed.actor.role, iop_app::Action::ManageCalendar);
    let feeds_allowed = iop_app::policy::allows(
        caller.authed.actor.role,
        iop_app::Action::ManageCalendarFeeds,
    );
    let (sessions, org, topics, appointments, fmt, feeds) = state
        .run(caller.ctx.clone(), move |app, ctx| {
            let org = app.organisation(ctx)?;
            let mut topics = Vec::new();
            if manager {
                for p in &org {
                    topics.extend(
                        app.topics(ctx, p.program.id)?
                            .into_iter()
                            .filter(|t| t.active)
                            .map(|t| (p.program.id, t.id, t.title)),
                    );
                }
            }
            Ok((
                app.sessions(ctx, monday, sunday, None)?,
                org,
                topics,
                app.calendar_appointments(ctx, monday, sunday)?,
                app.organisation_style(ctx)?,
                if feeds_allowed {
                    let mine = app.my_staff_id(ctx)?;
                    Some(
                        app.feeds(ctx)?
                            .into_iter()
                            .filter(|f| !f.revoked && f.staff_id.is_some() && f.staff_id == mine)
                            .collect(),
                    )
                } else {
                    None
                },
            ))
        })
        .await?;
    let track = q.track.unwrap_or_default();
    let tracks: Vec<(iop_domain::ids::TrackId, String)> = org
        .iter()
        .flat_map(|p| p.tracks.iter().map(|t| (t.id, t.name.clone())))
        .collect();
    let mut days = Vec::new();
    let mut d = monday;
    while d <= sunday {
        let ds = iop_domain::time::Day(d);
        let list: Vec<SessionView> = sessions
            .iter()
            .filter(|s| s.local_date == ds)
            .filter(|s| {
                track.is_empty()
                    || s.track_id.is_none()
                    || s.track_id.is_some_and(|t| t.to_string() == track)
            })
            .cloned()
            .collect();
        days.push(Day {
            date: d,
            label: fmt.day(d),
            sessions: list,
            appointments: appointments
                .iter()
                .filter(|a| a.date == ds)
                .cloned()
                .collect(),
        });
        d = d
            .tomorrow()
            .map_err(|_| WebError::Unprocessable("week is out of range".into()))?;
    }
    let shift = |n: i64| {
        monday
            .checked_add(Span::new().days(n))
            .map(|x| x.to_string())
            .unwrap_or_default()
    };
    let clinical = iop_app::policy::allows(caller_role, iop_app::Action::ReadClinical);
    let notice = match q.done.as_deref() {
        Some("cancelled") => {
            Some("The session is cancelled; its patients and facilitators see it so.")
        }
        Some("moved") => Some("The session is moved; the calendar keeps where it was."),
        Some("feed_revoked") => {
            Some("The feed is stopped; calendar apps following it get nothing more.")
        }
        _ => None,
    };
    render(&WeekPage {
        today,
        fmt,
        manager,
        feeds,
        notice,
        clinical,
        shell,
        days,
        tracks,
        track,
        week_of: monday.to_string(),
        prev: shift(-7),
        next: shift(7),
        topics,
    })
}

#[derive(Deserialize)]
pub struct TopicForm {
    session_id: String,
    topic_id: String,
    #[serde(default)]
    week: String,
}

/// Changes the topic of one core session from the week page.
pub async fn set_topic(
    State(state): State<AppState>,
    caller: Caller,
    crate::extract::PageForm(f): crate::extract::PageForm<TopicForm>,
) -> Result<Response, PageError> {
    let week = f.week.clone();
    state
        .run(caller.ctx.clone(), move |app, ctx| {
            app.set_session_topic(
                ctx,
                crate::extract::form_id(&f.session_id, "session")?,
                crate::extract::form_id(&f.topic_id, "topic")?,
            )
        })
        .await?;
    let q = serde_urlencoded::to_string([("week", week.as_str())]).unwrap_or_default();
    Ok(axum::response::Redirect::to(&format!("/calendar?{q}")).into_response())
}

#[derive(Template)]
#[template(path = "tonight.html")]
struct TonightPage {
    shell: Shell,
    date: String,
    has_profile: bool,
    sessions: Vec<SessionView>,
    appointments: Vec<iop_app::calendar::appointments::CalendarAppointment>,
    /// The next group the reader leads, when there is none tonight.
    next: Option<SessionView>,
    fmt: iop_domain::display::Style,
}

pub async fn tonight(State(state): State<AppState>, caller: Caller) -> Result<Response, PageError> {
    let shell = Shell::new(&caller, "/tonight");
    let date = today(&state, &caller).await?;
    let (has_profile, sessions, appointments, next, fmt) = state
        .run(caller.ctx.clone(), move |app, ctx| {
            let fmt = app.organisation_style(ctx)?;
            match app.my_staff_id(ctx)? {
                Some(id) => {
                    let mine: Vec<_> = app
                        .calendar_appointments(ctx, date, date)?
                        .into_iter()
                        .filter(|a| a.staff_id.is_none_or(|s| s == id))
                        .collect();
                    let tonight = app.sessions_of_staff_on(ctx, id, date)?;
                    let next = if tonight.is_empty() {
                        app.next_session_of_staff(ctx, id, date)?
                    } else {
                        None
                    };
                    Ok((true, tonight, mine, next, fmt))
                }
                None => Ok((false, Vec::new(), Vec::new(), None, fmt)),
            }
        })
        .await?;
    render(&TonightPage {
        shell,
        date: fmt.day(date),
        has_profile,
        sessions,
        appointments,
        next,
        fmt,
    })
}

#[derive(Template)]
#[template(path = "staffing.html")]
struct StaffingPage {
    shell: Shell,
    from: String,
    to: String,
    sessions: Vec<SessionView>,
    short: usize,
    staff: Vec<iop_app::org::staffing::StaffView>,
    can_manage: bool,
    error: Option<String>,
    /// With several sites the view shows one: (id, name, shown).
    sites: Vec<(String, String, bool)>,
    fmt: iop_domain::display::Style,
}

pub async fn staffing(
    State(state): State<AppState>,
    caller: Caller,
    Query(q): Query<crate::pages::sites::SiteQuery>,
) -> Result<Response, PageError> {
    let site = q.site()?;
    staffing_page(&state, caller, None, site).await
}

/// The staffing view; `error` is a refused change to show above it.
pub async fn staffing_page(
    state: &AppState,
    caller: Caller,
    error: Option<String>,
    site: Option<SiteId>,
) -> Result<Response, PageError> {
    let shell = Shell::new(&caller, "/staffing");
    let can_manage =
        iop_app::policy::allows(caller.authed.actor.role, iop_app::Action::ManageStaffing);
    let from = today(state, &caller).await?;
    let to = from
        .checked_add(Span::new().days(13))
        .map_err(|_| WebError::Unprocessable("date out of range".into()))?;
    let (sessions, staff, picker) = state
        .run(caller.ctx.clone(), move |app, ctx| {
            let sites = app.site_choices(ctx, iop_app::Action::ViewStaffing)?;
            let picker = crate::pages::sites::pick(sites, site);
            Ok((
                app.staffing_view(ctx, from, to, picker.shown)?,
                app.staff(ctx)?,
                picker,
            ))
        })
        .await?;
    let sessions: Vec<SessionView> = sessions
        .into_iter()
        .filter(|s| s.status != iop_domain::calendar::SessionStatus::Cancelled)
        .collect();
    let short = sessions
        .iter()
        .filter(|s| s.facilitators_needed > 0)
        .count();
    let status = if error.is_some() {
        axum::http::StatusCode::CONFLICT
    } else {
        axum::http::StatusCode::OK
    };
    let fmt = crate::pages::shell::organisation_style(state, &caller).await?;
    let mut res = render(&StaffingPage {
        shell,
        from: fmt.day(from),
        to: fmt.day(to),
        fmt,
        sessions,
        short,
        staff,
        can_manage,
        error,
        sites: picker.options,
    })?;
    *res.status_mut() = status;
    Ok(res)
}

/// `GET /calendar/{token}.ics`: no sign-in; the token is the credential.
pub async fn feed(
    State(state): State<AppState>,
    Meta(meta): Meta,
    Path(file): Path<String>,
) -> Response {
    let Some(token) = file
        .strip_suffix(".ics")
        .filter(|t| !t.is_empty() && t.len() <= 64)
    else {
        return WebError::NotFound.into_problem();
    };
    let app = state.app.clone();
    let token = token.to_string();
    match blocking(move || app.render_feed(&meta, &token, "iop.local")).await {
        Ok(Some(text)) => (
            [(header::CONTENT_TYPE, "text/calendar; charset=utf-8")],
            text,
        )
            .into_response(),
        Ok(None) => WebError::NotFound.into_problem(),
        Err(e) => WebError::App(e).into_problem(),
    }
}
