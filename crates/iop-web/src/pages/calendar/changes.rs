//! Changing the calendar from the week page: cancel or move one session; and a staff
//! member's own calendar feed (the address is shown once, then only its existence).

use crate::access::Caller;
use crate::error::PageError;
use crate::extract::{form_id, PageForm};
use crate::pages::shell::{render, Shell};
use crate::AppState;
use askama::Template;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Redirect, Response};
use iop_app::calendar::feeds::FeedTarget;
use iop_app::calendar::sessions::parse_date;
use iop_app::AppError;
use iop_domain::ids::SessionId;
use serde::Deserialize;

#[derive(Deserialize)]
pub struct SessionChange {
    /// The week the page showed, to return to.
    week: Option<String>,
    reason: Option<String>,
    date: Option<String>,
    start: Option<String>,
}

fn back(week: Option<&str>, done: &str) -> String {
    let week: String = week
        .unwrap_or_default()
        .chars()
        .filter(|c| c.is_ascii_digit() || *c == '-')
        .take(10)
        .collect();
    format!("/calendar?week={week}&done={done}")
}

/// `POST /calendar/sessions/{id}/{change}`: `cancel` (with a reason) or `move`.
pub async fn change(
    State(state): State<AppState>,
    caller: Caller,
    Path((id, change)): Path<(String, String)>,
    PageForm(f): PageForm<SessionChange>,
) -> Result<Response, PageError> {
    let session: SessionId = form_id(&id, "session")?;
    let what = change.clone();
    let (reason, date, start) = (f.reason, f.date, f.start);
    state
        .run(caller.ctx.clone(), move |app, ctx| match what.as_str() {
            "cancel" => app.cancel_session(ctx, session, reason.as_deref().unwrap_or_default()),
            "move" => {
                let day = parse_date(date.as_deref().unwrap_or_default(), "the new date")?;
                let at = start
                    .as_deref()
                    .unwrap_or_default()
                    .parse::<iop_domain::time::ClockTime>()
                    .map_err(|_| AppError::Invalid("the new start is a time like 18:00".into()))?;
                app.move_session(ctx, session, day, at.0)
            }
            _ => Err(AppError::NotFound(format!("session change {what}"))),
        })
        .await?;
    let done = if change == "cancel" {
        "cancelled"
    } else {
        "moved"
    };
    Ok(Redirect::to(&back(f.week.as_deref(), done)).into_response())
}

#[derive(Template)]
#[template(path = "feed_created.html")]
struct FeedCreated {
    shell: Shell,
    url: String,
}

/// `POST /calendar/feeds`: a feed of the signed-in staff member's own groups.
pub async fn create_feed(
    State(state): State<AppState>,
    caller: Caller,
    headers: HeaderMap,
    PageForm(_): PageForm<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let feed = state
        .run(caller.ctx.clone(), |app, ctx| {
            let me = app.my_staff_id(ctx)?.ok_or_else(|| {
                AppError::Conflict(
                    "your account has no staff profile, so there are no groups of yours to follow"
                        .into(),
                )
            })?;
            app.create_feed(ctx, FeedTarget::Staff(me))
        })
        .await?;
    // The address a calendar app subscribes to: this server as the browser reached it.
    let host = headers
        .get(axum::http::header::HOST)
        .and_then(|h| h.to_str().ok())
        .filter(|h| {
            h.chars()
                .all(|c| c.is_ascii_alphanumeric() || ".-:[]".contains(c))
        })
        .unwrap_or("localhost");
    let scheme =
        if host.starts_with("127.") || host.starts_with("localhost") || host.starts_with("[::1]") {
            "http"
        } else {
            "https"
        };
    render(&FeedCreated {
        shell: Shell::new(&caller, "/calendar"),
        url: format!("{scheme}://{host}{}", feed.path),
    })
}

/// `POST /calendar/feeds/{id}/revoke`.
pub async fn revoke_feed(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    PageForm(_): PageForm<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let feed = form_id(&id, "feed")?;
    state
        .run(caller.ctx.clone(), move |app, ctx| {
            app.revoke_feed(ctx, feed)
        })
        .await?;
    Ok(Redirect::to("/calendar?done=feed_revoked").into_response())
}
