//! The first page after signing in.

use crate::access::Caller;
use crate::error::PageError;
use crate::pages::shell::{render, Shell};
use crate::{blocking, AppState};
use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use iop_app::org::ProgramOverview;

#[derive(Template)]
#[template(path = "dashboard.html")]
struct DashboardPage {
    shell: Shell,
    programs: Vec<ProgramOverview>,
    alerts: Vec<iop_app::iop_store::measures::AlertRow>,
}

pub async fn home() -> Response {
    Redirect::to("/dashboard").into_response()
}

pub async fn show(State(state): State<AppState>, caller: Caller) -> Result<Response, PageError> {
    let shell = Shell::new(&caller, "/dashboard");
    let app = state.app.clone();
    let clinical = iop_app::policy::allows(caller.authed.actor.role, iop_app::Action::ReadClinical);
    let (programs, alerts) = blocking(move || {
        let alerts = if clinical {
            app.my_alerts(&caller.ctx)?
        } else {
            Vec::new()
        };
        Ok((app.organisation(&caller.ctx)?, alerts))
    })
    .await?;
    render(&DashboardPage {
        shell,
        programs,
        alerts,
    })
}
