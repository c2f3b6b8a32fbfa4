//! The patient and family portal's pages, phone first (390 px is the design width).
//! Every page takes its patient from the signed-in account (`PortalCaller`); see
//! `portal_access` for the door.

pub mod auth;
pub mod forms;
pub mod home;
pub mod records;
pub mod settings;

use crate::pages::shell::NavItem;
use crate::portal_access::{PortalCaller, PortalError};
use askama::Template;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use iop_app::policy::{portal_allows, PortalAction};

pub struct PortalShell {
    pub nav: Vec<NavItem>,
    pub csrf: String,
}

const NAV: &[(&str, &str, PortalAction)] = &[
    ("/portal", "My page", PortalAction::ViewSchedule),
    (
        "/portal/forms",
        "Questionnaires",
        PortalAction::AnswerQuestionnaires,
    ),
    ("/portal/plans", "My plans", PortalAction::SignPlans),
    ("/portal/consents", "Sharing", PortalAction::ManageConsents),
    (
        "/portal/statement",
        "Statement",
        PortalAction::ViewStatement,
    ),
    ("/portal/settings", "Settings", PortalAction::ManageAccount),
];

impl PortalShell {
    pub fn new(caller: &PortalCaller, current: &str) -> Self {
        let role = caller.authed.actor.role;
        PortalShell {
            nav: NAV
                .iter()
                .filter(|(_, _, a)| portal_allows(role, *a))
                .map(|(href, label, _)| NavItem {
                    href,
                    label,
                    current: *href == current,
                })
                .collect(),
            csrf: caller.authed.csrf_token.clone(),
        }
    }
}

pub type PortalResult = Result<Response, PortalError>;

/// Renders a portal page; `refused` answers 422 (the form came back with its input).
pub fn render(t: &impl Template, refused: bool) -> PortalResult {
    let html = t
        .render()
        .map_err(|e| PortalError(iop_app::AppError::Internal(format!("template: {e}"))))?;
    let status = if refused {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    Ok((status, Html(html)).into_response())
}

/// Runs a portal use case off the async threads.
pub async fn run<T: Send + 'static>(
    state: &crate::AppState,
    caller: &PortalCaller,
    f: impl FnOnce(&iop_app::App, &iop_app::Ctx) -> iop_app::error::Result<T> + Send + 'static,
) -> Result<T, PortalError> {
    let (app, ctx) = (state.app.clone(), caller.ctx.clone());
    crate::blocking(move || f(&app, &ctx))
        .await
        .map_err(PortalError)
}
