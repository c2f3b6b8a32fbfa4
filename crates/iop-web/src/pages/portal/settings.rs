//! The person's own settings: which messages they get, and quiet hours.

use super::{render, run, PortalResult, PortalShell};
use crate::extract::PageForm;
use crate::portal_access::{PortalCaller, PortalError};
use crate::AppState;
use askama::Template;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Redirect};
use iop_app::portal::{NewSecondFactor, Preferences};
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
    seed: Option<NewSecondFactor>,
    factor_error: Option<String>,
    /// A calendar link just made, shown once.
    feed_link: Option<String>,
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
        seed: None,
        factor_error: None,
        feed_link: None,
    }
}

pub async fn show(
    State(state): State<AppState>,
    caller: PortalCaller,
    Query(q): Query<DoneQuery>,
) -> PortalResult {
    let prefs = run(&state, &caller, |app, ctx| app.portal_preferences(ctx)).await?;
    let done = match q.done.as_deref() {
        Some("factor_on") => Some("The second factor is on."),
        Some("factor_off") => Some("The second factor is off."),
        Some("feed_off") => Some("The calendar link is stopped."),
        Some(_) => Some("Your settings are saved."),
        None => None,
    };
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

#[derive(Deserialize)]
pub struct FactorForm {
    step: String,
    #[serde(default)]
    secret: String,
    #[serde(default)]
    code: String,
    #[serde(default)]
    password: String,
}

/// Setting the second factor up (a seed, then a code that proves the app has it), or
/// turning it off with the password.
pub async fn second_factor(
    State(state): State<AppState>,
    caller: PortalCaller,
    PageForm(f): PageForm<FactorForm>,
) -> PortalResult {
    let prefs = run(&state, &caller, |app, ctx| app.portal_preferences(ctx)).await?;
    let mut p = page(&caller, prefs, None, None, None);
    match f.step.as_str() {
        "begin" => {
            p.seed = Some(
                run(&state, &caller, |app, ctx| {
                    app.portal_second_factor_seed(ctx)
                })
                .await?,
            );
            render(&p, false)
        }
        "confirm" => {
            let (secret, code, password) = (f.secret.clone(), f.code, f.password);
            let s = secret.clone();
            match run(&state, &caller, move |app, ctx| {
                app.portal_second_factor_on(ctx, &s, &code, &password)
            })
            .await
            {
                // Every session ended: the next sign-in proves the code works.
                Ok(()) => Ok(Redirect::to("/portal/login?factor_on=1").into_response()),
                Err(PortalError(AppError::Invalid(m))) => {
                    let seed = run(&state, &caller, |app, ctx| {
                        app.portal_second_factor_seed(ctx)
                    })
                    .await?;
                    // The same key again, so the app the person already set up still works.
                    p.seed = Some(NewSecondFactor {
                        otpauth_url: seed.otpauth_url.replace(&seed.secret, &secret),
                        secret,
                    });
                    p.factor_error = Some(m);
                    render(&p, true)
                }
                Err(e) => Err(e),
            }
        }
        "off" => {
            let password = f.password;
            match run(&state, &caller, move |app, ctx| {
                app.portal_second_factor_off(ctx, &password)
            })
            .await
            {
                Ok(()) => Ok(Redirect::to("/portal/settings?done=factor_off").into_response()),
                Err(PortalError(AppError::Invalid(m))) => {
                    p.factor_error = Some(m);
                    render(&p, true)
                }
                Err(e) => Err(e),
            }
        }
        _ => Err(PortalError(AppError::Invalid("unknown step".into()))),
    }
}

#[derive(Deserialize)]
pub struct CalendarForm {
    step: String,
}

/// Makes a calendar link (shown once) or stops it.
pub async fn calendar(
    State(state): State<AppState>,
    caller: PortalCaller,
    PageForm(f): PageForm<CalendarForm>,
) -> PortalResult {
    if f.step == "stop" {
        run(&state, &caller, |app, ctx| app.portal_stop_feed(ctx)).await?;
        return Ok(Redirect::to("/portal/settings?done=feed_off").into_response());
    }
    let path = run(&state, &caller, |app, ctx| app.portal_make_feed(ctx)).await?;
    let prefs = run(&state, &caller, |app, ctx| app.portal_preferences(ctx)).await?;
    let mut p = page(&caller, prefs, None, None, None);
    p.feed_link = Some(format!("{}{path}", state.app.settings.mail.public_base()));
    render(&p, false)
}

/// The calendar behind a link (no session: a phone's calendar fetches it).
pub async fn feed(
    State(state): State<AppState>,
    crate::access::Meta(meta): crate::access::Meta,
    axum::extract::Path(file): axum::extract::Path<String>,
) -> axum::response::Response {
    let Some(token) = file
        .strip_suffix(".ics")
        .filter(|t| !t.is_empty() && t.len() <= 64)
    else {
        return crate::portal_access::not_found_page();
    };
    let (app, token) = (state.app.clone(), token.to_string());
    match crate::blocking(move || app.render_portal_feed(&meta, &token, "calendar.invalid")).await {
        Ok(Some(text)) => (
            [(
                axum::http::header::CONTENT_TYPE,
                "text/calendar; charset=utf-8",
            )],
            text,
        )
            .into_response(),
        Ok(None) => crate::portal_access::not_found_page(),
        Err(e) => PortalError(e).into_response(),
    }
}
