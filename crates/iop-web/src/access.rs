//! Who is calling, and may they use this route. Every route in the registry declares
//! an [`Access`]; [`guard`] resolves the caller (session cookie or bearer token),
//! refuses what the policy table refuses, and enforces CSRF on state-changing
//! requests made with a cookie. Use cases check the policy again inside.

use crate::error::{current_request_id, WebError};
use crate::{blocking, AppState};
use axum::body::{to_bytes, Body};
use axum::extract::{ConnectInfo, FromRequestParts, Request, State};
use axum::http::request::Parts;
use axum::http::{header, Method};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use iop_app::clock::Clock;
use iop_app::policy::allows;
use iop_app::{Action, Actor, Ctx, RequestMeta};
use std::net::SocketAddr;

pub const SESSION_COOKIE: &str = "iop_session";

/// The name a cookie goes by. With `Secure`, `__Host-` for a cookie of the whole site
/// (the browser then takes it only from this host, over TLS, for path `/`) and
/// `__Secure-` for one of a narrower path (ASVS V3.3.1, V3.3.3); browsers refuse
/// prefixed names without `Secure`, so plain HTTP on loopback keeps the bare name.
pub fn cookie_name(base: &str, path: &str, secure: bool) -> String {
    match (secure, path) {
        (false, _) => base.to_string(),
        (true, "/") => format!("__Host-{base}"),
        (true, _) => format!("__Secure-{base}"),
    }
}
pub const CSRF_FIELD: &str = "csrf";
pub const CSRF_HEADER: &str = "x-csrf-token";
/// Largest body the guard buffers to read a form's CSRF field (same as the body limit).
pub const MAX_BODY: usize = 1024 * 1024;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Access {
    /// Anyone, signed in or not (sign-in page, health check, static files).
    Public,
    /// A signed-in staff member whose role the policy allows this action.
    Staff(Action),
    /// A patient or relative signed in to the portal whose role the portal policy
    /// allows this (see `portal_access`).
    Portal(iop_app::policy::PortalAction),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Surface {
    Page,
    Api,
    /// The FHIR R4 interface: bearer tokens, errors as OperationOutcome.
    Fhir,
}

#[derive(Clone, Debug)]
pub enum Via {
    Cookie {
        cookie_value: String,
        csrf_token: String,
    },
    Bearer,
}

/// The signed-in caller, put in the request by [`guard`].
#[derive(Clone, Debug)]
pub struct Authed {
    pub actor: Actor,
    pub via: Via,
}

pub fn request_meta(parts: &Parts) -> RequestMeta {
    let request_id = parts
        .headers
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("-")
        .to_string();
    let ip = parts
        .extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map(|ci| ci.0.ip().to_string());
    RequestMeta {
        request_id,
        now: parts
            .extensions
            .get::<Clock>()
            .map_or_else(jiff::Timestamp::now, Clock::now),
        ip,
    }
}

pub fn cookie<'a>(parts: &'a Parts, name: &str) -> Option<&'a str> {
    parts
        .headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
}

fn bearer(parts: &Parts) -> Option<&str> {
    bearer_token(&parts.headers)
}

/// The token of an `Authorization: Bearer …` header.
pub fn bearer_token(headers: &axum::http::HeaderMap) -> Option<&str> {
    let v = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = v.split_once(' ')?;
    scheme.eq_ignore_ascii_case("bearer").then(|| token.trim())
}

async fn resolve(state: &AppState, parts: &Parts) -> Result<Option<Authed>, WebError> {
    let meta = request_meta(parts);
    if let Some(token) = bearer(parts) {
        let (app, token) = (state.app.clone(), token.to_string());
        let actor = blocking(move || app.token_actor(&meta, &token)).await?;
        // A bad token is an error even on public routes: the caller meant to sign in.
        return actor
            .map(|actor| {
                Some(Authed {
                    actor,
                    via: Via::Bearer,
                })
            })
            .ok_or(WebError::SignInRequired);
    }
    let name = cookie_name(SESSION_COOKIE, "/", state.web.secure_cookies);
    if let Some(value) = cookie(parts, &name) {
        let (app, v) = (state.app.clone(), value.to_string());
        let info = blocking(move || app.session(&meta, &v)).await?;
        return Ok(info.map(|s| Authed {
            actor: s.actor,
            via: Via::Cookie {
                cookie_value: value.to_string(),
                csrf_token: s.csrf_token,
            },
        }));
    }
    Ok(None)
}

fn refuse(surface: Surface, err: WebError) -> Response {
    match surface {
        Surface::Api => err.into_problem(),
        Surface::Page => err.into_page(),
        Surface::Fhir => crate::fhir::outcome(err),
    }
}

fn changes_state(method: &Method) -> bool {
    !matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS)
}

/// Reads the CSRF field of a urlencoded body and gives the body back intact.
async fn form_csrf(body: Body) -> Result<(Option<String>, Body), WebError> {
    let bytes = to_bytes(body, MAX_BODY)
        .await
        .map_err(|_| WebError::PayloadTooLarge)?;
    let token = form_urlencoded_field(&bytes, CSRF_FIELD);
    Ok((token, Body::from(bytes)))
}

fn form_urlencoded_field(bytes: &[u8], name: &str) -> Option<String> {
    serde_urlencoded::from_bytes::<Vec<(String, String)>>(bytes)
        .ok()?
        .into_iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v)
}

/// The door of every route. See the module comment. The signed-in account's id goes on
/// the response for the request log.
pub async fn guard(
    State((state, access, surface)): State<(AppState, Access, Surface)>,
    req: Request,
    next: Next,
) -> Response {
    if let Access::Portal(action) = access {
        return crate::portal_access::portal_guard(&state, action, req, next).await;
    }
    let (parts, body) = req.into_parts();
    let authed = match resolve(&state, &parts).await {
        Ok(a) => a,
        Err(e) => return refuse(surface, e),
    };
    let account = authed.as_ref().map(|a| a.actor.user_id);
    let mut res = admit(&state, access, surface, parts, body, authed, next).await;
    if let Some(id) = account {
        res.extensions_mut()
            .insert(crate::layers::AccountForLog(id));
    }
    res
}

async fn admit(
    state: &AppState,
    access: Access,
    surface: Surface,
    mut parts: Parts,
    body: Body,
    authed: Option<Authed>,
    next: Next,
) -> Response {
    let body = match (&access, &authed) {
        (Access::Public | Access::Portal(_), _) => body,
        (Access::Staff(_), None) => {
            return match surface {
                Surface::Api => WebError::SignInRequired.into_problem(),
                Surface::Fhir => crate::fhir::outcome(WebError::SignInRequired),
                Surface::Page if parts.method == Method::GET => {
                    let next_path = parts
                        .uri
                        .path_and_query()
                        .map(|p| p.as_str())
                        .unwrap_or("/");
                    let q = serde_urlencoded::to_string([("next", next_path)]).unwrap_or_default();
                    Redirect::to(&format!("/login?{q}")).into_response()
                }
                Surface::Page => Redirect::to("/login").into_response(),
            };
        }
        (Access::Staff(action), Some(a)) => {
            if !allows(a.actor.role, *action) {
                let res = refuse(
                    surface,
                    WebError::App(iop_app::AppError::Forbidden(action.describe())),
                );
                return audit_refusal(state, &parts, a, res).await;
            }
            match (&a.via, changes_state(&parts.method)) {
                (Via::Cookie { csrf_token, .. }, true) => {
                    let submitted =
                        match parts.headers.get(CSRF_HEADER).and_then(|v| v.to_str().ok()) {
                            Some(h) => (Some(h.to_string()), body),
                            None => match form_csrf(body).await {
                                Ok(x) => x,
                                Err(e) => return refuse(surface, e),
                            },
                        };
                    let ok = submitted.0.as_deref().is_some_and(|s| {
                        iop_app::accounts::secret::constant_time_eq(csrf_token, s)
                    });
                    if !ok {
                        return refuse(surface, WebError::Csrf);
                    }
                    submitted.1
                }
                _ => body,
            }
        }
    };
    let Some(a) = authed else {
        return next.run(Request::from_parts(parts, body)).await;
    };
    parts.extensions.insert(a.clone());
    let res = next.run(Request::from_parts(parts.clone(), body)).await;
    audit_refusal(state, &parts, &a, res).await
}

/// A refusal by role or caseload is audited before it is answered (in its own
/// transaction: the refused use case rolled its own back). If the audit row cannot be
/// written the caller still gets a refusal, never the data.
async fn audit_refusal(state: &AppState, parts: &Parts, a: &Authed, res: Response) -> Response {
    let Some(refusal) = res
        .extensions()
        .get::<crate::error::ErrorForLog>()
        .and_then(|e| e.refusal)
    else {
        return res;
    };
    let ctx = Ctx::staff(a.actor.clone(), request_meta(parts));
    let (app, path) = (state.app.clone(), parts.uri.path().to_string());
    let written =
        blocking(move || app.record_refusal(&ctx, refusal.what, refusal.patient_id, &path)).await;
    if let Err(e) = written {
        tracing::error!(request_id = %current_request_id(), error = ?e, "refusal not audited");
    }
    res
}

/// The caller of a staff route, as a use-case context.
pub struct Caller {
    pub ctx: Ctx,
    pub authed: Authed,
}

impl<S: Send + Sync> FromRequestParts<S> for Caller {
    type Rejection = WebError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        let authed = parts
            .extensions
            .get::<Authed>()
            .cloned()
            .ok_or(WebError::SignInRequired)?;
        let ctx = Ctx::staff(authed.actor.clone(), request_meta(parts));
        Ok(Caller { ctx, authed })
    }
}

/// The caller if signed in (public routes), else `None`.
pub struct MaybeCaller(pub Option<Caller>);

impl<S: Send + Sync> FromRequestParts<S> for MaybeCaller {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, s: &S) -> Result<Self, Self::Rejection> {
        Ok(MaybeCaller(Caller::from_request_parts(parts, s).await.ok()))
    }
}

impl IntoResponse for WebError {
    fn into_response(self) -> Response {
        self.into_problem()
    }
}

/// Request facts for public routes (sign-in), without a caller.
pub struct Meta(pub RequestMeta);

impl<S: Send + Sync> FromRequestParts<S> for Meta {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(Meta(request_meta(parts)))
    }
}
