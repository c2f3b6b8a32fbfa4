//! One episode as its page shows it: whose it is, where it stands, the graduation
//! checklist, and what it can become (graduated, discharged, extended, moved to a track).

use crate::audit::{record, Event};
use crate::ctx::Ctx;
use crate::error::{AppError, Result};
use crate::policy::Action;
use crate::App;
use iop_domain::graduation::Eligibility;
use iop_domain::ids::{EpisodeId, PatientId, TrackId};
use iop_domain::roster::EpisodeStatus;
use iop_domain::time::Day;
use iop_store::{admissions::episodes, org};

#[derive(Clone, Debug)]
pub struct EpisodeOverview {
    pub id: EpisodeId,
    pub patient_id: PatientId,
    /// "Name (MRN)".
    pub patient: String,
    pub program_id: iop_domain::ids::ProgramId,
    pub program: String,
    pub status: EpisodeStatus,
    pub admit_date: Day,
    pub planned_end_date: Day,
    pub ended_on: Option<Day>,
    /// The track the patient is on now, and the program's tracks to move to.
    pub track: Option<TrackId>,
    pub tracks: Vec<(TrackId, String)>,
    /// Today at the program's site: the default date of the forms.
    pub today: Day,
    /// The checklist, for an active episode.
    pub eligibility: Option<Eligibility>,
}

impl App {
    pub fn episode_overview(&self, ctx: &Ctx, episode_id: EpisodeId) -> Result<EpisodeOverview> {
        ctx.require(Action::ViewCensus)?;
        let mut view = self.store.read_audited(|c| {
            let ep = super::episodes::episode_in_scope(c, ctx, episode_id)?;
            let p = episodes::patient_by_id(c, ep.patient_id)?
                .ok_or_else(|| AppError::NotFound(format!("patient {}", ep.patient_id)))?;
            let program = org::program_by_id(c, ep.program_id)?
                .ok_or_else(|| AppError::NotFound(format!("program {}", ep.program_id)))?;
            let tracks = org::tracks_of(c, ep.program_id)?
                .into_iter()
                .map(|t| (t.id, t.name))
                .collect();
            let track = episodes::open_track(c, episode_id)?.map(|t| t.track_id);
            let tz = crate::clock::program_zone(c, ep.program_id)?;
            let subject = format!("episode:{episode_id}");
            let mut event = Event::ok("episode.view").subject(&subject);
            event.patient_id = Some(ep.patient_id);
            record(c, ctx, event)?;
            Ok::<_, AppError>(EpisodeOverview {
                id: ep.id,
                patient_id: ep.patient_id,
                patient: format!("{} ({})", p.shown_name(), p.mrn),
                program_id: ep.program_id,
                program: program.name,
                status: ep.status,
                admit_date: ep.admit_date,
                planned_end_date: ep.planned_end_date,
                ended_on: ep.ended_on,
                track,
                tracks,
                today: Day(crate::clock::date_in(&tz, ctx.now())),
                eligibility: None,
            })
        })?;
        if view.status == EpisodeStatus::Active {
            view.eligibility = Some(self.eligibility(ctx, episode_id)?);
        }
        Ok(view)
    }
}
