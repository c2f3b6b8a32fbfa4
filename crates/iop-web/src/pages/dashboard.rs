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
}

pub async fn home() -> Response {
    Redirect::to("/dashboard").into_response()
}

pub async fn show(State(state): State<AppState>, caller: Caller) -> Result<Response, PageError> {
    let shell = Shell::new(&caller, "/dashboard");
    let app = state.app.clone();
    let programs = blocking(move || app.organisation(&caller.ctx)).await?;
    render(&DashboardPage { shell, programs })
}
