//! The person's own settings: which messages they get, and quiet hours.

use super::{render, run, PortalResult, PortalShell};
use crate::extract::PageForm;
use crate::portal_access::{PortalCaller, PortalError};
use crate::AppState;
use askama::Template;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Redirect};
use iop_app::portal::Preferences;
use iop_app::AppError;
use iop_domain::portal::MailKind;
use iop_domain::time::ClockTime;
use serde::Deserialize;

#[derive(Template)]
#[template(path = "portal/settings.html")]
struct SettingsPage {
    shell: PortalShell,
    prefs: Preferences,
    quiet_from: String,
    quiet_until: String,
    done: Option<&'static str>,
    error: Option<String>,
}

#[derive(Deserialize)]
pub struct DoneQuery {
    done: Option<String>,
}

fn page(
    caller: &PortalCaller,
    prefs: Preferences,
    done: Option<&'static str>,
    error: Option<String>,
    typed: Option<(String, String)>,
) -> SettingsPage {
    let (quiet_from, quiet_until) = typed.unwrap_or_else(|| {
        (
            prefs.quiet_from.map(|t| t.to_string()).unwrap_or_default(),
            prefs.quiet_until.map(|t| t.to_string()).unwrap_or_default(),
        )
    });
    SettingsPage {
        shell: PortalShell::new(caller, "/portal/settings"),
        prefs,
        quiet_from,
        quiet_until,
        done,
        error,
    }
}

pub async fn show(
    State(state): State<AppState>,
    caller: PortalCaller,
    Query(q): Query<DoneQuery>,
) -> PortalResult {
    let prefs = run(&state, &caller, |app, ctx| app.portal_preferences(ctx)).await?;
    let done = q.done.is_some().then_some("Your settings are saved.");
    render(&page(&caller, prefs, done, None, None), false)
}

fn quiet(from: &str, until: &str) -> Result<Option<(ClockTime, ClockTime)>, AppError> {
    match (from.trim(), until.trim()) {
        ("", "") => Ok(None),
        ("", _) | (_, "") => Err(AppError::Invalid(
            "give both ends of the quiet hours, or leave both empty".into(),
        )),
        (a, b) => {
            let parse = |s: &str| {
                s.parse::<ClockTime>()
                    .map_err(|_| AppError::Invalid(format!("{s:?} is not a time like 21:00")))
            };
            Ok(Some((parse(a)?, parse(b)?)))
        }
    }
}

pub async fn save(
    State(state): State<AppState>,
    caller: PortalCaller,
    PageForm(fields): PageForm<Vec<(String, String)>>,
) -> PortalResult {
    let get = |k: &str| {
        fields
            .iter()
            .find(|(key, _)| key == k)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    };
    let wanted: Vec<MailKind> = fields
        .iter()
        .filter(|(k, _)| k == "want")
        .filter_map(|(_, v)| v.parse().ok())
        .collect();
    let (from, until) = (get("quiet_from"), get("quiet_until"));
    let chosen = wanted.clone();
    let result = match quiet(&from, &until) {
        Ok(q) => {
            run(&state, &caller, move |app, ctx| {
                app.set_portal_preferences(ctx, &wanted, q)
            })
            .await
        }
        Err(e) => Err(PortalError(e)),
    };
    match result {
        Ok(()) => Ok(Redirect::to("/portal/settings?done=saved").into_response()),
        Err(PortalError(AppError::Invalid(m))) => {
            let mut prefs = run(&state, &caller, |app, ctx| app.portal_preferences(ctx)).await?;
            for p in &mut prefs.items {
                p.wanted = chosen.contains(&p.kind);
            }
            render(
                &page(&caller, prefs, None, Some(m), Some((from, until))),
                true,
            )
        }
        Err(e) => Err(e),
    }
}
