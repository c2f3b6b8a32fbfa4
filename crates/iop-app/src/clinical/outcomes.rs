//! The program outcome report: intake against latest score, by track, for PHQ-9,
//! GAD-7 and the BAM use subscale. Aggregates only: no patient is named.

use crate::audit::{record, Event};
use crate::ctx::Ctx;
use crate::error::Result;
use crate::policy::Action;
use crate::App;
use iop_domain::ids::*;
use iop_domain::outcomes::{intake_vs_latest, GroupOutcome, Observation};
use iop_domain::time::Day;
use iop_store::{admissions::episodes, clinical::measures, org};
use std::collections::HashMap;

#[derive(Clone, Debug, serde::Serialize, utoipa::ToSchema)]
pub struct InstrumentOutcome {
    pub instrument: &'static str,
    pub label: &'static str,
    pub by_track: Vec<GroupOutcome>,
}

/// The default period: patients admitted in the last year.
pub const DEFAULT_DAYS: i64 = 365;

const REPORTED: [(&str, &str); 3] = [
    ("phq9", "PHQ-9 total"),
    ("gad7", "GAD-7 total"),
    ("bam", "BAM use (items 4–6, 0–12)"),
];

fn score(instrument: &str, m: &measures::Score) -> Option<i32> {
    let (_, _, _, total, version, subscales) = m;
    if instrument == "bam" {
        if version != iop_domain::bam::VERSION {
            return None;
        }
        let v: serde_json::Value = serde_json::from_str(subscales.as_deref()?).ok()?;
        return i32::try_from(v.get("use_score")?.as_i64()?).ok();
    }
    *total
}

impl App {
    /// Each patient's first track decides their group: the report asks whether the
    /// treatment they started in works.
    ///
    /// Patients admitted on or after `since` (default: 365 days before the organisation's
    /// today), with their measures from then on.
    pub fn outcome_report(&self, ctx: &Ctx, since: Option<Day>) -> Result<Vec<InstrumentOutcome>> {
        ctx.require(Action::ViewOutcomes)?;
        self.store.read_audited(|c| {
            let since = match since {
                Some(d) => d,
                None => crate::clock::organisation_days_ago(c, ctx.now(), DEFAULT_DAYS)?,
            };
            let programs = org::programs(c)?;
            let first_site = programs.first().map(|p| p.site_id);
            let several_sites = programs.iter().any(|p| Some(p.site_id) != first_site);
            let sites: HashMap<SiteId, String> =
                org::sites(c)?.into_iter().map(|s| (s.id, s.name)).collect();
            let site_of: HashMap<ProgramId, SiteId> =
                programs.iter().map(|p| (p.id, p.site_id)).collect();
            // Track names repeat from site to site: with several, the site names the group.
            let track_names: HashMap<TrackId, String> = org::all_tracks(c)?
                .into_iter()
                .map(|t| {
                    let site = site_of.get(&t.program_id).and_then(|s| sites.get(s));
                    let name = match site {
                        Some(site) if several_sites => format!("{site} · {}", t.name),
                        _ => t.name,
                    };
                    (t.id, name)
                })
                .collect();
            let program_ids: Vec<_> = programs.iter().map(|p| p.id).collect();
            let mut group_of: HashMap<PatientId, &str> = HashMap::new();
            for (patient, track, _) in episodes::track_periods_of_programs(c, &program_ids, since)?
            {
                if let Some(name) = track_names.get(&track) {
                    group_of.entry(patient).or_insert(name);
                }
            }
            let mut out = Vec::new();
            for (instrument, label) in REPORTED {
                let rows =
                    measures::scores_of_instrument(c, instrument, since, instrument == "bam")?;
                let obs: Vec<Observation> = rows
                    .iter()
                    .filter_map(|m| {
                        Some(Observation {
                            group: group_of.get(&m.0)?,
                            patient: m.0,
                            taken_on: m.1 .0,
                            score: score(instrument, m)?,
                            intake: m.2 == iop_domain::scoring::Occasion::Intake,
                        })
                    })
                    .collect();
                out.push(InstrumentOutcome {
                    instrument,
                    label,
                    by_track: intake_vs_latest(&obs),
                });
            }
            record(
                c,
                ctx,
                Event::ok("report.outcomes.view")
                    .detail(serde_json::json!({ "since": since.to_string() })),
            )?;
            Ok(out)
        })
    }
}
