//! The census page: live census per program and track, and the admissions funnel.

use crate::access::Caller;
use crate::error::PageError;
use crate::pages::shell::{render, Shell};
use crate::AppState;
use askama::Template;
use axum::extract::{Query, State};
use axum::response::Response;
use iop_app::admissions::census::{Funnel, ProgramCensus};
use iop_domain::ids::SiteId;
use serde::Deserialize;

#[derive(Template)]
#[template(path = "census.html")]
struct CensusPage {
    shell: Shell,
    programs: Vec<ProgramCensus>,
    funnel: Funnel,
    /// With several sites the census shows one: (id, name, shown).
    sites: Vec<(String, String, bool)>,
}

#[derive(Deserialize)]
pub struct CensusSite {
    site: Option<String>,
}

pub async fn census(
    State(state): State<AppState>,
    caller: Caller,
    Query(q): Query<CensusSite>,
) -> Result<Response, PageError> {
    let shell = Shell::new(&caller, "/census");
    let site: Option<SiteId> = q
        .site
        .as_deref()
        .filter(|s| !s.is_empty())
        .map(|s| crate::extract::form_id(s, "site"))
        .transpose()?;
    // A hundred sites' patients are thousands of rows: one site at a time, the first by
    // name unless one is chosen.
    let (programs, funnel, sites, shown) = state
        .run(caller.ctx.clone(), move |app, ctx| {
            let sites = app.site_choices(ctx, iop_app::Action::ViewCensus)?;
            let shown = site.or_else(|| sites.first().map(|s| s.0).filter(|_| sites.len() > 1));
            Ok((app.census(ctx, shown)?, app.funnel(ctx)?, sites, shown))
        })
        .await?;
    let sites = if sites.len() > 1 {
        sites
            .into_iter()
            .map(|(id, name)| (id.to_string(), name, Some(id) == shown))
            .collect()
    } else {
        Vec::new()
    };
    render(&CensusPage {
        shell,
        programs,
        funnel,
        sites,
    })
}
