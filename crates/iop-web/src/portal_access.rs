//! The portal's door: a patient's or relative's session cookie (its own, scoped to
//! `/portal`, never a staff session), the portal policy row, CSRF on every change, and
//! one answer for anything the caller may not see — the same 404 page whether the id
//! belongs to someone else or to no one, each refusal audited.

use crate::access::{cookie, cookie_name, request_meta, CSRF_FIELD, CSRF_HEADER, MAX_BODY};
use crate::{blocking, AppState};
use askama::Template;
use axum::body::{to_bytes, Body};
use axum::extract::{FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{header, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{Html, IntoResponse, Redirect, Response};
use iop_app::ctx::PortalActor;
use iop_app::policy::{portal_allows, PortalAction};
use iop_app::{AppError, Ctx};

pub const PORTAL_COOKIE: &str = "iop_portal";
pub const PORTAL_PATH: &str = "/portal";

/// The signed-in patient or relative, put in the request by [`portal_guard`].
#[derive(Clone, Debug)]
pub struct PortalAuthed {
    pub actor: PortalActor,
    pub cookie_value: String,
    pub csrf_token: String,
}

#[derive(Template)]
#[template(path = "portal/message.html")]
pub struct MessagePage {
    pub title: &'static str,
    pub message: std::borrow::Cow<'static, str>,
    pub link: Option<(&'static str, &'static str)>,
}

/// The page for anything a portal caller may not see. It carries no request id, so
/// the body is the same byte for byte whatever was asked for.
pub fn not_found_page() -> Response {
    message(
        StatusCode::NOT_FOUND,
        MessagePage {
            title: "Page not found",
            message: "There is no page here for your account.".into(),
            link: Some(("/portal", "Back to your page")),
        },
    )
}

pub fn message(status: StatusCode, page: MessagePage) -> Response {
    let html = page.render().unwrap_or_else(|_| page.message.to_string());
    let mut res = (status, Html(html)).into_response();
    res.headers_mut().insert(
        header::CACHE_CONTROL,
        header::HeaderValue::from_static("no-store"),
    );
    res
}

fn ended_page(state: &AppState) -> Response {
    let mut res = message(
        StatusCode::FORBIDDEN,
        MessagePage {
            title: "Access has ended",
            message: iop_app::portal::ACCESS_ENDED.into(),
            link: None,
        },
    );
    let clear =
        crate::pages::accounts::login::cookie_header(state, PORTAL_COOKIE, "", PORTAL_PATH, true);
    if let Ok(v) = clear.parse() {
        res.headers_mut().append(header::SET_COOKIE, v);
    }
    res
}

fn changes_state(method: &Method) -> bool {
    !matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS)
}

/// The CSRF token sent with a change, and the body given back; Err with the answer
/// when the body is over the limit.
async fn submitted_csrf(parts: &Parts, body: Body) -> Result<Option<(String, Body)>, Response> {
    if let Some(h) = parts.headers.get(CSRF_HEADER).and_then(|v| v.to_str().ok()) {
        return Ok(Some((h.to_string(), body)));
    }
    let Ok(bytes) = to_bytes(body, MAX_BODY).await else {
        return Err(message(
            StatusCode::PAYLOAD_TOO_LARGE,
            MessagePage {
                title: "Too much to send",
                message:
                    "What you sent is larger than a form can be. Shorten it and send it again."
                        .into(),
                link: Some(("/portal", "Back to your page")),
            },
        ));
    };
    Ok(form_field(&bytes).map(|t| (t, Body::from(bytes))))
}

fn form_field(bytes: &[u8]) -> Option<String> {
    serde_urlencoded::from_bytes::<Vec<(String, String)>>(bytes)
        .ok()?
        .into_iter()
        .find(|(k, _)| k == CSRF_FIELD)
        .map(|(_, v)| v)
}

/// See the module comment.
pub async fn portal_guard(
    state: &AppState,
    action: PortalAction,
    req: Request,
    next: Next,
) -> Response {
    let (mut parts, body) = req.into_parts();
    let meta = request_meta(&parts);
    let name = cookie_name(PORTAL_COOKIE, PORTAL_PATH, state.web.secure_cookies);
    let Some(value) = cookie(&parts, &name).map(str::to_string) else {
        return to_login(&parts);
    };
    let (app, v, m) = (state.app.clone(), value.clone(), meta.clone());
    let info = match blocking(move || app.portal_session(&m, &v)).await {
        Ok(Some(info)) => info,
        Ok(None) => return to_login(&parts),
        Err(AppError::Conflict(msg)) if msg == iop_app::portal::ACCESS_ENDED => {
            return ended_page(state)
        }
        Err(e) => return PortalError(e).into_response(),
    };
    let ctx = Ctx::portal(info.actor.clone(), meta);
    let path = parts.uri.path().to_string();
    if !portal_allows(info.actor.role, action) {
        audit_refusal(state, ctx, path).await;
        return not_found_page();
    }
    let body = if changes_state(&parts.method) {
        match submitted_csrf(&parts, body).await {
            Err(too_large) => return too_large,
            Ok(Some((token, body)))
                if iop_app::accounts::secret::constant_time_eq(&info.csrf_token, &token) =>
            {
                body
            }
            _ => {
                return message(
                    StatusCode::FORBIDDEN,
                    MessagePage {
                        title: "Form expired",
                        message:
                            "This form has expired. Go back, reload the page and send it again."
                                .into(),
                        link: Some(("/portal", "Back to your page")),
                    },
                )
            }
        }
    } else {
        body
    };
    parts.extensions.insert(PortalAuthed {
        actor: info.actor,
        cookie_value: value,
        csrf_token: info.csrf_token,
    });
    let res = next.run(Request::from_parts(parts, body)).await;
    if res.status() == StatusCode::NOT_FOUND {
        audit_refusal(state, ctx, path).await;
    }
    res
}

async fn audit_refusal(state: &AppState, ctx: Ctx, path: String) {
    let app = state.app.clone();
    if let Err(e) = blocking(move || app.record_portal_refusal(&ctx, &path)).await {
        tracing::error!(error = ?e, "portal refusal not audited");
    }
}

fn to_login(parts: &Parts) -> Response {
    if parts.method != Method::GET {
        return Redirect::to("/portal/login").into_response();
    }
    let next = parts
        .uri
        .path_and_query()
        .map(|p| p.as_str())
        .unwrap_or("/portal");
    let q = serde_urlencoded::to_string([("next", next)]).unwrap_or_default();
    Redirect::to(&format!("/portal/login?{q}")).into_response()
}

/// The caller of a portal route, as a use-case context.
pub struct PortalCaller {
    pub ctx: Ctx,
    pub authed: PortalAuthed,
}

impl<S: Send + Sync> FromRequestParts<S> for PortalCaller {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        let authed = parts
            .extensions
            .get::<PortalAuthed>()
            .cloned()
            .ok_or_else(|| Redirect::to("/portal/login").into_response())?;
        let ctx = Ctx::portal(authed.actor.clone(), request_meta(parts));
        Ok(PortalCaller { ctx, authed })
    }
}

/// A portal page's error: anything not visible to the caller is the one 404 page; a
/// refused input is the caller's to fix; the rest as any page.
pub struct PortalError(pub AppError);

impl From<AppError> for PortalError {
    fn from(e: AppError) -> Self {
        PortalError(e)
    }
}

impl IntoResponse for PortalError {
    fn into_response(self) -> Response {
        let status = match &self.0 {
            AppError::Invalid(_) => StatusCode::UNPROCESSABLE_ENTITY,
            AppError::Conflict(_) | AppError::Duplicate { .. } => StatusCode::CONFLICT,
            AppError::Throttled { .. } => StatusCode::TOO_MANY_REQUESTS,
            AppError::Unauthenticated(_) => StatusCode::UNAUTHORIZED,
            AppError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
            _ => StatusCode::NOT_FOUND,
        };
        let (title, text): (&'static str, std::borrow::Cow<'static, str>) = match self.0 {
            AppError::NotFound(_) | AppError::OutOfScope { .. } | AppError::Forbidden(_) => {
                return not_found_page()
            }
            AppError::Invalid(m) | AppError::Conflict(m) => ("That did not work", m.into()),
            AppError::Throttled { .. } => (
                "Please wait",
                "Too many tries. Wait a few minutes, then try again.".into(),
            ),
            AppError::Unauthenticated(_) => ("Please sign in", "Sign in again to go on.".into()),
            e @ AppError::Duplicate { .. } => ("That did not work", e.to_string().into()),
            AppError::Internal(cause) => {
                tracing::error!(request_id = %crate::error::current_request_id(), %cause, "portal page failed");
                (
                    "Something went wrong",
                    "Something went wrong on our side. Please try again later.".into(),
                )
            }
        };
        // The portal's own page: no staff menu, no product name, no link to staff pages.
        message(
            status,
            MessagePage {
                title,
                message: text,
                link: Some(("/portal", "Back to your page")),
            },
        )
    }
}
