//! The census page: live census per program and track, and the admissions funnel.

use crate::access::Caller;
use crate::error::PageError;
use crate::pages::shell::{render, Shell};
use crate::pages::sites::{pick, SiteQuery};
use crate::AppState;
use askama::Template;
use axum::extract::{Query, State};
use axum::response::Response;
use iop_app::admissions::census::{Funnel, ProgramCensus};

#[derive(Template)]
#[template(path = "census.html")]
struct CensusPage {
    shell: Shell,
    programs: Vec<ProgramCensus>,
    funnel: Funnel,
    /// With several sites the census shows one: (id, name, shown).
    sites: Vec<(String, String, bool)>,
    fmt: iop_domain::display::Style,
}

pub async fn census(
    State(state): State<AppState>,
    caller: Caller,
    Query(q): Query<SiteQuery>,
) -> Result<Response, PageError> {
    let shell = Shell::new(&caller, "/census");
    let site = q.site()?;
    let (programs, funnel, picker, fmt) = state
        .run(caller.ctx.clone(), move |app, ctx| {
            let picker = pick(app.site_choices(ctx, iop_app::Action::ViewCensus)?, site);
            Ok((
                app.census(ctx, picker.shown)?,
                app.funnel(ctx, None)?,
                picker,
                app.organisation_style(ctx)?,
            ))
        })
        .await?;
    render(&CensusPage {
        shell,
        programs,
        funnel,
        sites: picker.options,
        fmt,
    })
}
