//! Reading the organisation: sites, their programs and the programs' tracks.

use crate::ctx::Ctx;
use crate::error::{AppError, Result};
use crate::policy::Action;
use crate::App;
use iop_domain::ids::*;
use iop_domain::time::{Day, Instant};
use iop_store::org::{self, ProgramRow, SiteRow, TrackRow};

#[derive(Debug, Clone)]
pub struct ProgramOverview {
    pub site: Site,
    pub program: Program,
    pub tracks: Vec<Track>,
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
                let tracks = org::tracks_of(c, program.id)?;
                out.push(ProgramOverview {
                    site: site.into(),
                    program: program.into(),
                    tracks: tracks.into_iter().map(Into::into).collect(),
                });
            }
            Ok::<_, AppError>(out)
        })
    }
}

impl App {
    /// The sites a per-site view (census, staffing) can show, by name: (id, name), for
    /// a caller allowed that view.
    pub fn site_choices(&self, ctx: &Ctx, view: Action) -> Result<Vec<(SiteId, String)>> {
        ctx.require(view)?;
        let rows = self.store.read(|c| org::sites(c).map_err(AppError::from))?;
        Ok(rows.into_iter().map(|s| (s.id, s.name)).collect())
    }

    pub fn sites(&self, ctx: &Ctx) -> Result<Vec<Site>> {
        ctx.require(Action::ViewOrganisation)?;
        let rows = self.store.read(|c| org::sites(c).map_err(AppError::from))?;
        Ok(rows.into_iter().map(Into::into).collect())
    }
}

impl App {
    /// Every program as the public front page lists it, by site then program name.
    pub fn public_programs(&self) -> Result<Vec<ProgramOverview>> {
        self.store.read(|c| {
            let sites = org::sites(c)?;
            let mut out = Vec::new();
            for program in org::programs(c)? {
                let Some(site) = sites.iter().find(|s| s.id == program.site_id) else {
                    continue;
                };
                let tracks = org::tracks_of(c, program.id)?;
                out.push(ProgramOverview {
                    site: site.clone().into(),
                    program: program.into(),
                    tracks: tracks.into_iter().map(Into::into).collect(),
                });
            }
            out.sort_by(|a, b| {
                (&a.site.name, &a.program.name).cmp(&(&b.site.name, &b.program.name))
            });
            Ok(out)
        })
    }

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
            let tracks = org::tracks_of(c, program.id)?;
            Ok(ProgramOverview {
                site: site.into(),
                program: program.into(),
                tracks: tracks.into_iter().map(Into::into).collect(),
            })
        })
    }
}

crate::view::view!(
/// A site: where a program meets, in its time zone.
Site from SiteRow {
    id: SiteId,
    name: String,
    time_zone: iop_domain::time::ZoneName,
    address: String,
    admissions_phone: String,
    created_at: Instant,
});

crate::view::view!(
/// A program and its settings.
Program from ProgramRow {
    id: ProgramId,
    site_id: SiteId,
    slug: String,
    name: String,
    level_of_care: iop_domain::admissions::LevelOfCare,
    session_start: iop_domain::time::ClockTime,
    session_minutes: i32,
    min_weeks: i32,
    max_weeks: i32,
    max_patients_per_facilitator: i32,
    family_every_weeks: i32,
    family_minutes: i32,
    alumni_weekday: iop_domain::calendar::WeekdayCode,
    created_at: Instant,
    family_weekday: iop_domain::calendar::WeekdayCode,
    family_anchor: Day,
    alumni_minutes: i32,
    horizon_weeks: i32,
    minors_need_parent_consent: bool,
    age_of_majority: i32,
    privacy_notice_version: String,
});

crate::view::view!(
/// A track: the nights its patients come.
Track from TrackRow {
    id: TrackId,
    program_id: ProgramId,
    name: String,
    weekdays: iop_domain::calendar::Weekdays,
    created_at: Instant,
});
