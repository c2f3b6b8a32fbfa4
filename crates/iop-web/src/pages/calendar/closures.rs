//! Closures as a page: the coming year's closures of each site, a form to add one, and
//! one click for the US federal holidays of a year.

use crate::access::Caller;
use crate::error::PageError;
use crate::extract::form_id;
use crate::extract::PageForm;
use crate::pages::shell::{render_refusable, Flash, Shell};
use crate::AppState;
use askama::Template;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use iop_app::calendar::sessions::parse_date;
use iop_app::policy::allows;
use iop_app::{Action, AppError};
use serde::Deserialize;

pub struct SiteClosures {
    pub id: iop_domain::ids::SiteId,
    pub name: String,
    pub closures: Vec<iop_app::calendar::closures::Closure>,
}

#[derive(Template)]
#[template(path = "closures.html")]
struct ClosuresPage {
    shell: Shell,
    sites: Vec<SiteClosures>,
    can_manage: bool,
    year: i16,
    error: Option<String>,
    notice: Option<String>,
    fmt: iop_domain::display::Style,
    /// A refused closure's form as sent (its site's form shows it again).
    typed: std::collections::HashMap<String, String>,
}

impl ClosuresPage {
    /// A field of the refused closure form of `site`, else empty.
    fn typed(&self, site: &iop_domain::ids::SiteId, key: &str) -> &str {
        match self.typed.get("site_id") {
            Some(s) if *s == site.to_string() => self.typed.get(key).map_or("", String::as_str),
            _ => "",
        }
    }
}

async fn page(
    state: &AppState,
    caller: Caller,
    error: Option<String>,
    notice: Option<String>,
) -> Result<Response, PageError> {
    page_typed(state, caller, error, notice, Default::default()).await
}

async fn page_typed(
    state: &AppState,
    caller: Caller,
    error: Option<String>,
    notice: Option<String>,
    typed: std::collections::HashMap<String, String>,
) -> Result<Response, PageError> {
    let shell = Shell::new(&caller, "/closures");
    let can_manage = allows(caller.authed.actor.role, Action::ManageCalendar);
    let today = state
        .run(caller.ctx.clone(), |app, ctx| app.organisation_today(ctx))
        .await?;
    let until = today
        .checked_add(jiff::Span::new().days(366))
        .unwrap_or(today);
    let sites = state
        .run(caller.ctx.clone(), move |app, ctx| {
            let mut out: Vec<SiteClosures> = Vec::new();
            for p in app.organisation(ctx)? {
                if out.iter().any(|s| s.id == p.site.id) {
                    continue;
                }
                let closures = app.closures(ctx, p.site.id, today, until)?;
                out.push(SiteClosures {
                    id: p.site.id,
                    name: p.site.name,
                    closures,
                });
            }
            Ok(out)
        })
        .await?;
    let refused = error.is_some();
    let fmt = crate::pages::shell::organisation_style(state, &caller).await?;
    render_refusable(
        &ClosuresPage {
            fmt,
            shell,
            sites,
            can_manage,
            year: today.year(),
            error,
            notice,
            typed,
        },
        refused,
    )
}

pub async fn list(
    State(state): State<AppState>,
    caller: Caller,
    Query(f): Query<Flash>,
) -> Result<Response, PageError> {
    let notice = f.done.map(|d| match d.as_str() {
        "added" => {
            "The closure was added; that day's sessions are cancelled with its reason.".to_string()
        }
        _ => "Federal holidays were added.".to_string(),
    });
    page(&state, caller, None, notice).await
}

#[derive(Deserialize, serde::Serialize)]
pub struct AddForm {
    site_id: String,
    date: String,
    reason: String,
}

pub async fn add(
    State(state): State<AppState>,
    caller: Caller,
    PageForm(f): PageForm<AddForm>,
) -> Result<Response, PageError> {
    let typed = crate::extract::as_typed(&f);
    let result = state
        .run(caller.ctx.clone(), move |app, ctx| {
            let date = parse_date(&f.date, "the date")?;
            app.add_closure(ctx, form_id(&f.site_id, "site")?, date, &f.reason)
        })
        .await;
    match result {
        Ok(_) => Ok(Redirect::to("/closures?done=added").into_response()),
        Err(e @ (AppError::Invalid(_) | AppError::Conflict(_))) => {
            page_typed(&state, caller, Some(e.to_string()), None, typed).await
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Deserialize)]
pub struct VoidForm {
    closure_id: String,
    #[serde(default)]
    reason: String,
}

/// Withdraws a closure: that day's sessions are reinstated.
pub async fn void(
    State(state): State<AppState>,
    caller: Caller,
    PageForm(f): PageForm<VoidForm>,
) -> Result<Response, PageError> {
    match state
        .run(caller.ctx.clone(), move |app, ctx| {
            app.void_closure(ctx, form_id(&f.closure_id, "closure")?, &f.reason)
        })
        .await
    {
        Ok(()) => Ok(Redirect::to("/closures?done=void").into_response()),
        Err(e @ (AppError::Invalid(_) | AppError::Conflict(_) | AppError::NotFound(_))) => {
            page(&state, caller, Some(e.to_string()), None).await
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Deserialize)]
pub struct HolidayForm {
    site_id: String,
    year: String,
}

pub async fn federal(
    State(state): State<AppState>,
    caller: Caller,
    PageForm(f): PageForm<HolidayForm>,
) -> Result<Response, PageError> {
    let result = state
        .run(caller.ctx.clone(), move |app, ctx| {
            let year: i16 = f
                .year
                .trim()
                .parse()
                .map_err(|_| AppError::Invalid("the year must be a number like 2027".into()))?;
            app.add_federal_holidays(ctx, form_id(&f.site_id, "site")?, year)
        })
        .await;
    match result {
        Ok(_) => Ok(Redirect::to("/closures?done=holidays").into_response()),
        Err(e @ AppError::Invalid(_)) => page(&state, caller, Some(e.to_string()), None).await,
        Err(e) => Err(e.into()),
    }
}
