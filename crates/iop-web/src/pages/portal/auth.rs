//! Signing in to the portal, the invitation link, and resetting a password by email.
//! The sign-in and reset-request forms carry a double-submit token (no session yet);
//! the set-password forms are protected by the one-time link itself.

use crate::access::{cookie, Meta};
use crate::extract::PageForm;
use crate::pages::accounts::login::{cookie_header, safe_next};
use crate::portal_access::{
    message, MessagePage, PortalCaller, PortalError, PORTAL_COOKIE, PORTAL_PATH,
};
use crate::{blocking, AppState};
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::header::SET_COOKIE;
use axum::http::request::Parts;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use iop_app::accounts::secret::{constant_time_eq, random_token};
use iop_app::portal::NewPortalSession;
use iop_app::AppError;
use iop_domain::portal::MailKind;
use serde::Deserialize;

use super::{render, PortalResult};

const FORM_COOKIE: &str = "iop_portal_form";

#[derive(Template)]
#[template(path = "portal/login.html")]
struct LoginPage {
    csrf: String,
    email: String,
    next: String,
    error: Option<String>,
    notice: Option<&'static str>,
}

#[derive(Template)]
#[template(path = "portal/set_password.html")]
struct SetPasswordPage {
    heading: &'static str,
    action: String,
    error: Option<String>,
    csrf: String,
}

#[derive(Template)]
#[template(path = "portal/reset_request.html")]
struct ResetRequestPage {
    csrf: String,
    sent: bool,
}

/// The double-submit value of the portal's public forms.
pub struct FormCookie(Option<String>);

impl axum::extract::FromRequestParts<AppState> for FormCookie {
    type Rejection = std::convert::Infallible;

    /// Only the name the server sets: behind TLS the `__Secure-` one, which a sibling
    /// host or a plain-HTTP page cannot plant.
    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let name = crate::access::cookie_name(FORM_COOKIE, PORTAL_PATH, state.web.secure_cookies);
        Ok(FormCookie(cookie(parts, &name).map(str::to_string)))
    }
}

fn form_ok(cookie: &Option<String>, submitted: &str) -> bool {
    cookie
        .as_deref()
        .is_some_and(|t| constant_time_eq(t, submitted))
}

fn with_form_cookie(state: &AppState, mut res: Response, value: &str) -> Response {
    let set = cookie_header(state, FORM_COOKIE, value, PORTAL_PATH, false);
    if let Ok(v) = set.parse() {
        res.headers_mut().append(SET_COOKIE, v);
    }
    res
}

fn portal_next(next: Option<&str>) -> String {
    let n = safe_next(next);
    if n.starts_with("/portal") {
        n
    } else {
        "/portal".into()
    }
}

fn signed_in(state: &AppState, s: &NewPortalSession, to: &str) -> Response {
    let mut res = Redirect::to(to).into_response();
    let set = cookie_header(state, PORTAL_COOKIE, &s.cookie_value, PORTAL_PATH, false);
    if let Ok(v) = set.parse() {
        res.headers_mut().append(SET_COOKIE, v);
    }
    res
}

fn login_page(state: &AppState, status: StatusCode, page: LoginPage) -> PortalResult {
    let csrf = page.csrf.clone();
    let mut res = render(&page, false)?;
    *res.status_mut() = status;
    Ok(with_form_cookie(state, res, &csrf))
}

#[derive(Deserialize)]
pub struct LoginQuery {
    next: Option<String>,
    signed_out: Option<String>,
    factor_on: Option<String>,
}

pub async fn login_form(
    State(state): State<AppState>,
    Query(q): Query<LoginQuery>,
) -> PortalResult {
    login_page(
        &state,
        StatusCode::OK,
        LoginPage {
            csrf: random_token(),
            email: String::new(),
            next: portal_next(q.next.as_deref()),
            error: None,
            notice: if q.factor_on.is_some() {
                Some("The second factor is on. Sign in again with a code from your app.")
            } else {
                q.signed_out.is_some().then_some("You are signed out.")
            },
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

pub async fn login_submit(
    State(state): State<AppState>,
    Meta(meta): Meta,
    FormCookie(token): FormCookie,
    PageForm(f): PageForm<LoginForm>,
) -> PortalResult {
    let next = portal_next(f.next.as_deref());
    if !token
        .as_deref()
        .is_some_and(|t| constant_time_eq(t, &f.csrf))
    {
        return Ok(expired_form());
    }
    let (app, email, password) = (state.app.clone(), f.email.clone(), f.password);
    let code = Some(f.code).filter(|c| !c.trim().is_empty());
    let result =
        blocking(move || app.portal_login(&meta, &email, &password, code.as_deref())).await;
    match result {
        Ok(s) => Ok(signed_in(&state, &s, &next)),
        Err(
            e @ (AppError::Unauthenticated(_) | AppError::Throttled { .. } | AppError::Conflict(_)),
        ) => {
            let (status, text) = match e {
                AppError::Throttled { .. } => (
                    StatusCode::TOO_MANY_REQUESTS,
                    "Too many failed attempts. Wait 15 minutes, then try again.".to_string(),
                ),
                AppError::Conflict(m) => (StatusCode::FORBIDDEN, m),
                _ => (
                    StatusCode::UNAUTHORIZED,
                    iop_app::accounts::auth::BAD_CREDENTIALS.to_string(),
                ),
            };
            let page = LoginPage {
                csrf: random_token(),
                email: f.email,
                next,
                error: Some(text),
                notice: None,
            };
            login_page(&state, status, page)
        }
        Err(e) => Err(PortalError(e)),
    }
}

fn expired_form() -> Response {
    message(
        StatusCode::FORBIDDEN,
        MessagePage {
            title: "Form expired",
            message: "This form has expired. Go back, reload the page and send it again.".into(),
            link: Some(("/portal/login", "Back to sign in")),
        },
    )
}

pub async fn logout(State(state): State<AppState>, caller: PortalCaller) -> PortalResult {
    let (app, ctx, v) = (
        state.app.clone(),
        caller.ctx.clone(),
        caller.authed.cookie_value.clone(),
    );
    blocking(move || app.portal_logout(&ctx, &v)).await?;
    let mut res = Redirect::to("/portal/login?signed_out=1").into_response();
    let clear = cookie_header(&state, PORTAL_COOKIE, "", PORTAL_PATH, true);
    if let Ok(v) = clear.parse() {
        res.headers_mut().append(SET_COOKIE, v);
    }
    Ok(res)
}

fn link_gone() -> Response {
    message(
        StatusCode::GONE,
        MessagePage {
            title: "This link no longer works",
            message: "The link has expired or was already used. Ask for a new one.".into(),
            link: Some(("/portal/reset", "Get a new link")),
        },
    )
}

fn purpose_of(kind: &str) -> (MailKind, &'static str, &'static str) {
    match kind {
        "reset" => (MailKind::PasswordReset, "reset", "Choose a new password"),
        _ => (MailKind::Invitation, "welcome", "Choose your password"),
    }
}

async fn set_password_form(
    state: AppState,
    meta: iop_app::RequestMeta,
    kind: &str,
    token: String,
) -> PortalResult {
    let (purpose, slug, heading) = purpose_of(kind);
    let app = state.app.clone();
    let t = token.clone();
    if !blocking(move || app.portal_link_usable(&meta, &t, purpose)).await? {
        return Ok(link_gone());
    }
    let csrf = random_token();
    let res = render(
        &SetPasswordPage {
            heading,
            action: format!("/portal/{slug}/{token}"),
            error: None,
            csrf: csrf.clone(),
        },
        false,
    )?;
    Ok(with_form_cookie(&state, res, &csrf))
}

pub async fn welcome_form(
    State(state): State<AppState>,
    Meta(meta): Meta,
    Path(token): Path<String>,
) -> PortalResult {
    set_password_form(state, meta, "welcome", token).await
}

pub async fn reset_form(
    State(state): State<AppState>,
    Meta(meta): Meta,
    Path(token): Path<String>,
) -> PortalResult {
    set_password_form(state, meta, "reset", token).await
}

#[derive(Deserialize)]
pub struct PasswordForm {
    password: String,
    #[serde(default)]
    csrf: String,
}

async fn set_password(
    state: AppState,
    meta: iop_app::RequestMeta,
    kind: &str,
    token: String,
    form: (Option<String>, PasswordForm),
) -> PortalResult {
    // The link is the secret, and the form's own token keeps another site from posting
    // its own link's password here (signing the victim in to the other account).
    let (cookie, PasswordForm { password, csrf }) = form;
    if !form_ok(&cookie, &csrf) {
        return Ok(expired_form());
    }
    let (purpose, slug, heading) = purpose_of(kind);
    let app = state.app.clone();
    let t = token.clone();
    match blocking(move || app.portal_set_password(&meta, &t, purpose, password)).await {
        Ok(Some(s)) => Ok(signed_in(&state, &s, "/portal?done=password")),
        Ok(None) => Ok(Redirect::to("/portal/login").into_response()),
        Err(AppError::Invalid(m)) if m.contains("expired") => Ok(link_gone()),
        Err(AppError::Conflict(m)) if m == iop_app::portal::ACCESS_ENDED => Ok(message(
            StatusCode::FORBIDDEN,
            MessagePage {
                title: "Access has ended",
                message: m.into(),
                link: None,
            },
        )),
        Err(AppError::Invalid(m)) => {
            let csrf = random_token();
            let res = render(
                &SetPasswordPage {
                    heading,
                    action: format!("/portal/{slug}/{token}"),
                    error: Some(m),
                    csrf: csrf.clone(),
                },
                true,
            )?;
            Ok(with_form_cookie(&state, res, &csrf))
        }
        Err(e) => Err(PortalError(e)),
    }
}

pub async fn welcome_submit(
    State(state): State<AppState>,
    Meta(meta): Meta,
    Path(token): Path<String>,
    FormCookie(cookie): FormCookie,
    PageForm(f): PageForm<PasswordForm>,
) -> PortalResult {
    set_password(state, meta, "welcome", token, (cookie, f)).await
}

pub async fn reset_submit(
    State(state): State<AppState>,
    Meta(meta): Meta,
    Path(token): Path<String>,
    FormCookie(cookie): FormCookie,
    PageForm(f): PageForm<PasswordForm>,
) -> PortalResult {
    set_password(state, meta, "reset", token, (cookie, f)).await
}

pub async fn reset_request_form(State(state): State<AppState>) -> PortalResult {
    let csrf = random_token();
    let res = render(
        &ResetRequestPage {
            csrf: csrf.clone(),
            sent: false,
        },
        false,
    )?;
    Ok(with_form_cookie(&state, res, &csrf))
}

#[derive(Deserialize)]
pub struct ResetRequest {
    email: String,
    csrf: String,
}

pub async fn reset_request(
    State(state): State<AppState>,
    Meta(meta): Meta,
    FormCookie(token): FormCookie,
    PageForm(f): PageForm<ResetRequest>,
) -> PortalResult {
    if !token
        .as_deref()
        .is_some_and(|t| constant_time_eq(t, &f.csrf))
    {
        return Ok(expired_form());
    }
    let app = state.app.clone();
    blocking(move || app.portal_request_reset(&meta, &f.email)).await?;
    let csrf = random_token();
    let res = render(
        &ResetRequestPage {
            csrf: csrf.clone(),
            sent: true,
        },
        false,
    )?;
    Ok(with_form_cookie(&state, res, &csrf))
}
