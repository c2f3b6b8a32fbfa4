//! The program outcome report: intake against latest score, by track, for PHQ-9,
//! GAD-7 and the BAM use subscale. Aggregates only: no patient is named.

use crate::audit::{record, Event};
use crate::ctx::Ctx;
use crate::error::Result;
use crate::policy::Action;
use crate::App;
use iop_domain::ids::*;
use iop_domain::outcomes::{intake_vs_latest, GroupOutcome, Observation};
use iop_store::{admissions::episodes, clinical::measures, org};
use std::collections::HashMap;

#[derive(Clone, Debug, serde::Serialize, utoipa::ToSchema)]
pub struct InstrumentOutcome {
    pub instrument: &'static str,
    pub label: &'static str,
    pub by_track: Vec<GroupOutcome>,
}

const REPORTED: [(&str, &str); 3] = [
    ("phq9", "PHQ-9 total"),
    ("gad7", "GAD-7 total"),
    ("bam", "BAM use (items 4–6, 0–12)"),
];

fn score(m: &measures::MeasureRow) -> Option<i32> {
    if m.instrument == iop_domain::scoring::Instrument::Bam {
        if m.instrument_version != iop_domain::bam::VERSION {
            return None;
        }
        let v: serde_json::Value = serde_json::from_str(m.subscales.as_deref()?).ok()?;
        return i32::try_from(v.get("use_score")?.as_i64()?).ok();
    }
    m.total
}

impl App {
    /// Each patient's first track decides their group: the report asks whether the
    /// treatment they started in works.
    pub fn outcome_report(&self, ctx: &Ctx) -> Result<Vec<InstrumentOutcome>> {
        ctx.require(Action::ViewOutcomes)?;
        self.store.read_audited(|c| {
            let track_names: HashMap<TrackId, String> = org::all_tracks(c)?
                .into_iter()
                .map(|t| (t.id, t.name))
                .collect();
            let program_ids: Vec<_> = org::programs(c)?.into_iter().map(|p| p.id).collect();
            let (eps, periods) = episodes::episodes_with_tracks(c, &program_ids, None)?;
            let mut group_of: HashMap<PatientId, String> = HashMap::new();
            for e in &eps {
                let first = periods
                    .iter()
                    .filter(|p| p.episode_id == e.id)
                    .min_by(|a, b| a.from_date.cmp(&b.from_date));
                if let Some(name) = first.and_then(|p| track_names.get(&p.track_id)) {
                    group_of.entry(e.patient_id).or_insert_with(|| name.clone());
                }
            }
            let mut out = Vec::new();
            for (instrument, label) in REPORTED {
                let rows = measures::measures_of_instrument(c, instrument)?;
                let obs: Vec<Observation> = rows
                    .iter()
                    .filter_map(|m| {
                        Some(Observation {
                            group: group_of.get(&m.patient_id)?,
                            patient: m.patient_id,
                            taken_on: m.taken_on.0,
                            score: score(m)?,
                            intake: m.occasion == iop_domain::scoring::Occasion::Intake,
                        })
                    })
                    .collect();
                out.push(InstrumentOutcome {
                    instrument,
                    label,
                    by_track: intake_vs_latest(&obs),
                });
            }
            record(c, ctx, Event::ok("report.outcomes.view"))?;
            Ok(out)
        })
    }
}
