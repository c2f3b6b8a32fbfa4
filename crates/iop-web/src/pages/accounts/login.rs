//! Signing in and out of the pages.
//!
//! Before there is a session, the sign-in form is protected by a double-submit token:
//! a random value in a `SameSite=Strict` cookie that the form must repeat.

use crate::access::{cookie, Caller, MaybeCaller, Meta, Via, SESSION_COOKIE};
use crate::error::{PageError, WebError};
use crate::extract::PageForm;
use crate::pages::shell::render;
use crate::{blocking, AppState};
use askama::Template;
use axum::extract::{Query, State};
use axum::http::header::SET_COOKIE;
use axum::http::request::Parts;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use iop_app::accounts::auth::Credentials;
use iop_app::accounts::secret::{constant_time_eq, random_token};
use iop_app::AppError;
use serde::Deserialize;

const LOGIN_CSRF_COOKIE: &str = "iop_login_csrf";

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage {
    csrf: String,
    email: String,
    next: String,
    error: Option<String>,
    notice: Option<&'static str>,
}

#[derive(Deserialize)]
pub struct LoginQuery {
    next: Option<String>,
    signed_out: Option<String>,
    password_changed: Option<String>,
}

/// Only same-site paths, so the form cannot be used to send someone elsewhere.
/// Where to go after signing in: a path of this site, or the dashboard. Browsers drop
/// tabs and newlines inside a URL and read `\\` as `/` (so `/\t/evil.example` is
/// `//evil.example`, another host): any control character or backslash is refused, and
/// what is left must resolve, as a relative URL, to this site. The answer is the
/// resolved path, percent-encoded, so it is always a valid `Location`.
pub(crate) fn safe_next(next: Option<&str>) -> String {
    const HOME: &str = "/dashboard";
    let Some(n) = next else {
        return HOME.into();
    };
    if !n.starts_with('/') || n.chars().any(|c| c.is_control() || c == '\\') {
        return HOME.into();
    }
    let Ok(base) = url::Url::parse("http://iop.invalid/") else {
        return HOME.into();
    };
    match base.join(n) {
        Ok(u) if u.origin() == base.origin() => u[url::Position::BeforePath..].to_string(),
        _ => HOME.into(),
    }
}

#[cfg(test)]
mod tests {
    use super::safe_next;

    #[test]
    fn only_paths_of_this_site_are_followed_after_sign_in() {
        for bad in [
            "https://evil.example/",
            "//evil.example",
            "/\\evil.example",
            "/\t/example.com",
            "/\n/example.com",
            "/x\r\nSet-Cookie: a=b",
            "\t/x",
            "evil.example",
            "javascript:alert(1)",
        ] {
            assert_eq!(safe_next(Some(bad)), "/dashboard", "{bad:?}");
        }
        assert_eq!(safe_next(None), "/dashboard");
        assert_eq!(
            safe_next(Some("/patients/1?tab=notes")),
            "/patients/1?tab=notes"
        );
        assert_eq!(safe_next(Some("/a b")), "/a%20b");
    }
}

pub(crate) fn cookie_header(
    state: &AppState,
    name: &str,
    value: &str,
    path: &str,
    clear: bool,
) -> String {
    let secure = if state.web.secure_cookies {
        "; Secure"
    } else {
        ""
    };
    let age = if clear { "; Max-Age=0" } else { "" };
    let name = crate::access::cookie_name(name, path, state.web.secure_cookies);
    format!("{name}={value}; Path={path}; HttpOnly; SameSite=Strict{secure}{age}")
}

fn login_page(
    state: &AppState,
    status: StatusCode,
    page: LoginPage,
) -> Result<Response, PageError> {
    let set = cookie_header(state, LOGIN_CSRF_COOKIE, &page.csrf, "/login", false);
    let mut res = render(&page)?;
    *res.status_mut() = status;
    if let Ok(v) = set.parse() {
        res.headers_mut().append(SET_COOKIE, v);
    }
    Ok(res)
}

pub async fn form(
    State(state): State<AppState>,
    MaybeCaller(caller): MaybeCaller,
    Query(q): Query<LoginQuery>,
) -> Result<Response, PageError> {
    let next = safe_next(q.next.as_deref());
    if caller.is_some() {
        return Ok(Redirect::to(&next).into_response());
    }
    let notice = if q.password_changed.is_some() {
        Some(
            "Your password is changed and you are signed out everywhere. Sign in with the new one.",
        )
    } else {
        q.signed_out.is_some().then_some("You are signed out.")
    };
    login_page(
        &state,
        StatusCode::OK,
        LoginPage {
            csrf: random_token(),
            email: String::new(),
            next,
            error: None,
            notice,
        },
    )
}

#[derive(Deserialize)]
pub struct LoginForm {
    email: String,
    password: String,
    #[serde(default)]
    code: String,
    csrf: String,
    next: Option<String>,
}

pub async fn submit(
    State(state): State<AppState>,
    Meta(meta): Meta,
    parts: LoginCookies,
    PageForm(f): PageForm<LoginForm>,
) -> Result<Response, PageError> {
    let next = safe_next(f.next.as_deref());
    if !parts
        .login_csrf
        .as_deref()
        .is_some_and(|c| constant_time_eq(c, &f.csrf))
    {
        return Err(PageError(WebError::Csrf));
    }
    let creds = Credentials {
        email: f.email.clone(),
        password: f.password,
        totp_code: Some(f.code).filter(|c| !c.trim().is_empty()),
    };
    let app = state.app.clone();
    match blocking(move || app.login(&meta, &creds)).await {
        Ok(session) => {
            let mut res = Redirect::to(&next).into_response();
            let set = cookie_header(&state, SESSION_COOKIE, &session.cookie_value, "/", false);
            let clear = cookie_header(&state, LOGIN_CSRF_COOKIE, "", "/login", true);
            for c in [set, clear] {
                if let Ok(v) = c.parse() {
                    res.headers_mut().append(SET_COOKIE, v);
                }
            }
            Ok(res)
        }
        Err(e @ (AppError::Unauthenticated(_) | AppError::Throttled { .. })) => {
            let status = WebError::App(e).status();
            let message = match status {
                StatusCode::TOO_MANY_REQUESTS => {
                    "Too many failed attempts. Wait 15 minutes, then try again."
                }
                _ => iop_app::accounts::auth::BAD_CREDENTIALS,
            };
            let page = LoginPage {
                csrf: random_token(),
                email: f.email,
                next,
                error: Some(message.into()),
                notice: None,
            };
            login_page(&state, status, page)
        }
        Err(e) => Err(e.into()),
    }
}

/// The sign-in form's double-submit cookie.
pub struct LoginCookies {
    login_csrf: Option<String>,
}

impl<S: Send + Sync> axum::extract::FromRequestParts<S> for LoginCookies {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(LoginCookies {
            // The extractor does not see the settings: either name, the prefixed first.
            login_csrf: cookie(parts, &format!("__Secure-{LOGIN_CSRF_COOKIE}"))
                .or_else(|| cookie(parts, LOGIN_CSRF_COOKIE))
                .map(str::to_string),
        })
    }
}

pub async fn logout(State(state): State<AppState>, caller: Caller) -> Result<Response, PageError> {
    if let Via::Cookie { cookie_value, .. } = caller.authed.via.clone() {
        let app = state.app.clone();
        let ctx = caller.ctx;
        blocking(move || app.logout(&ctx, &cookie_value)).await?;
    }
    let mut res = Redirect::to("/login?signed_out=1").into_response();
    if let Ok(v) = cookie_header(&state, SESSION_COOKIE, "", "/", true).parse() {
        res.headers_mut().append(SET_COOKIE, v);
    }
    Ok(res)
}
