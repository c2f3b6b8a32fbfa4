//! Reading the organisation: sites, their programs and the programs' tracks.

use crate::ctx::Ctx;
use crate::error::{AppError, Result};
use crate::policy::Action;
use crate::App;
use iop_store::org::{self, ProgramRow, SiteRow, TrackRow};

#[derive(Debug, Clone)]
pub struct ProgramOverview {
    pub site: SiteRow,
    pub program: ProgramRow,
    pub tracks: Vec<TrackRow>,
}

impl App {
    pub fn organisation(&self, ctx: &Ctx) -> Result<Vec<ProgramOverview>> {
        ctx.require(Action::ViewOrganisation)?;
        self.store.read(|c| {
            let sites = org::sites(c)?;
            let mut out = Vec::new();
            for program in org::programs(c)? {
                let Some(site) = sites.iter().find(|s| s.id == program.site_id).cloned() else {
                    continue;
                };
                let tracks = org::tracks_of(c, &program.id)?;
                out.push(ProgramOverview {
                    site,
                    program,
                    tracks,
                });
            }
            Ok::<_, AppError>(out)
        })
    }
}

impl App {
    pub fn sites(&self, ctx: &Ctx) -> Result<Vec<SiteRow>> {
        ctx.require(Action::ViewOrganisation)?;
        self.store.read(|c| org::sites(c).map_err(AppError::from))
    }
}

impl App {
    /// A program as its public page shows it: settings and tracks, nothing about anyone.
    pub fn public_program(&self, slug: &str) -> Result<ProgramOverview> {
        self.store.read(|c| {
            let program = org::programs(c)?
                .into_iter()
                .find(|p| p.slug == slug)
                .ok_or_else(|| AppError::NotFound("that program".into()))?;
            let site = org::sites(c)?
                .into_iter()
                .find(|s| s.id == program.site_id)
                .ok_or_else(|| AppError::NotFound("that program".into()))?;
            let tracks = org::tracks_of(c, &program.id)?;
            Ok(ProgramOverview {
                site,
                program,
                tracks,
            })
        })
    }
}
