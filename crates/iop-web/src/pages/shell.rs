//! What every signed-in page shares: who is signed in, the navigation their role
//! may use, and the CSRF token for the sign-out form.

use crate::access::{Caller, Via};
use crate::error::{PageError, WebError};
use askama::Template;
use axum::response::{Html, IntoResponse, Response};
use iop_app::policy::allows;
use iop_app::Action;

pub struct NavItem {
    pub href: &'static str,
    pub label: &'static str,
    pub current: bool,
}

pub struct Shell {
    pub user_name: String,
    pub role_label: &'static str,
    pub nav: Vec<NavItem>,
    pub csrf: String,
}

const NAV: &[(&str, &str, Action)] = &[
    ("/dashboard", "Dashboard", Action::ViewDashboard),
    ("/tonight", "Tonight", Action::ViewCalendar),
    ("/admissions", "Admissions", Action::ManageInquiries),
    ("/census", "Census", Action::ViewCensus),
    ("/patients", "Patients", Action::ReadClinical),
    ("/billing", "Billing", Action::ViewBilling),
    ("/calendar", "Calendar", Action::ViewCalendar),
    ("/staffing", "Staffing", Action::ViewStaffing),
    ("/staff", "Staff", Action::ViewStaffing),
    ("/closures", "Closures", Action::ViewCalendar),
    ("/reports/outcomes", "Outcomes", Action::ViewOutcomes),
    ("/organisation", "Programs", Action::ViewOrganisation),
    ("/admin/users", "Staff accounts", Action::ViewUsers),
    ("/admin/audit", "Audit log", Action::ViewAuditLog),
    ("/admin/mail", "Outgoing email", Action::ViewMailQueue),
    ("/admin/exports", "Exports", Action::ViewAuditLog),
];

impl Shell {
    pub fn new(caller: &Caller, current: &str) -> Self {
        let actor = &caller.authed.actor;
        let csrf = match &caller.authed.via {
            Via::Cookie { csrf_token, .. } => csrf_token.clone(),
            Via::Bearer => String::new(),
        };
        let nav = NAV
            .iter()
            .filter(|(_, _, action)| allows(actor.role, *action))
            .map(|(href, label, _)| NavItem {
                href,
                label,
                current: *href == current,
            })
            .collect();
        Shell {
            user_name: actor.display_name.clone(),
            role_label: actor.role.label(),
            nav,
            csrf,
        }
    }
}

pub fn render(t: &impl Template) -> Result<Response, PageError> {
    t.render()
        .map(|html| Html(html).into_response())
        .map_err(|e| {
            PageError(WebError::App(iop_app::AppError::Internal(format!(
                "template: {e}"
            ))))
        })
}

/// How a page that spans sites writes dates and times (the organisation's zone and locale).
pub async fn organisation_style(
    state: &crate::AppState,
    caller: &Caller,
) -> Result<iop_domain::display::Style, PageError> {
    Ok(state
        .run(caller.ctx.clone(), |app, ctx| app.organisation_style(ctx))
        .await?)
}

/// A page that may carry a refusal: 422 when it does, so that a client (and a test)
/// knows nothing was saved, with the form shown again as it was sent.
pub fn render_refusable(t: &impl Template, refused: bool) -> Result<Response, PageError> {
    let mut res = render(t)?;
    if refused {
        *res.status_mut() = axum::http::StatusCode::UNPROCESSABLE_ENTITY;
    }
    Ok(res)
}

/// `?done=…`: what the page confirms after a saved form redirected to it.
#[derive(serde::Deserialize)]
pub struct Flash {
    pub done: Option<String>,
}

/// The one question a destructive or money action asks before it is done, as a page of
/// its own so that it works without JavaScript: the form is sent again with
/// `confirmed=yes`.
#[derive(Template)]
#[template(path = "confirm.html")]
pub struct Confirm {
    pub shell: Shell,
    pub title: String,
    pub message: String,
    pub action: String,
    /// The fields of the original form, sent again.
    pub fields: Vec<(String, String)>,
    pub button: String,
    pub cancel: String,
}

/// Whether a form carries the answer of its confirmation page.
pub fn confirmed(fields: &[(String, String)]) -> bool {
    fields.iter().any(|(k, v)| k == "confirmed" && v == "yes")
}
