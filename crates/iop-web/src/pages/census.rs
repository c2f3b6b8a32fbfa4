//! The census page: live census per program and track, and the admissions funnel.

use crate::access::Caller;
use crate::error::PageError;
use crate::pages::shell::{render, Shell};
use crate::AppState;
use askama::Template;
use axum::extract::State;
use axum::response::Response;
use iop_app::admissions::census::{Funnel, ProgramCensus};

#[derive(Template)]
#[template(path = "census.html")]
struct CensusPage {
    shell: Shell,
    programs: Vec<ProgramCensus>,
    funnel: Funnel,
}

pub async fn census(State(state): State<AppState>, caller: Caller) -> Result<Response, PageError> {
    let shell = Shell::new(&caller, "/census");
    let (programs, funnel) = state
        .run(caller.ctx.clone(), move |app, ctx| {
            Ok((app.census(ctx)?, app.funnel(ctx)?))
        })
        .await?;
    render(&CensusPage {
        shell,
        programs,
        funnel,
    })
}
