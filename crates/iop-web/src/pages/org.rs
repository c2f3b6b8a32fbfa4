//! Sites, programs and tracks as a page.

use crate::access::Caller;
use crate::error::PageError;
use crate::pages::shell::{render, Shell};
use crate::{blocking, AppState};
use askama::Template;
use axum::extract::State;
use axum::response::Response;
use iop_app::org::ProgramOverview;

#[derive(Template)]
#[template(path = "organisation.html")]
struct OrgPage {
    shell: Shell,
    programs: Vec<ProgramOverview>,
}

pub async fn show(State(state): State<AppState>, caller: Caller) -> Result<Response, PageError> {
    let shell = Shell::new(&caller, "/organisation");
    let app = state.app.clone();
    let programs = blocking(move || app.organisation(&caller.ctx)).await?;
    render(&OrgPage { shell, programs })
}
