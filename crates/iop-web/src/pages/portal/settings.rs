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
            let (secret, code) = (f.secret.clone(), f.code);
            let s = secret.clone();
            match run(&state, &caller, move |app, ctx| {
                app.portal_second_factor_on(ctx, &s, &code)
            })
            .await
            {
                Ok(()) => Ok(Redirect::to("/portal/settings?done=factor_on").into_response()),
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
