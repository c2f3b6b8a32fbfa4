//! The live census (per program and track) and the admissions funnel.

use crate::ctx::Ctx;
use crate::error::{AppError, Result};
use crate::policy::Action;
use crate::App;
use iop_domain::admissions::InquiryStatus;
use iop_domain::ids::*;
use iop_domain::metrics::{days_to_first_session, percentile};
use iop_domain::time::{Day, Instant};
use iop_store::{admissions::episodes, admissions::inquiries as inq, org};
use jiff::civil::Date;
use std::collections::{BTreeMap, HashMap};
use strum::IntoEnumIterator;

#[derive(Clone, Debug, serde::Serialize, utoipa::ToSchema)]
pub struct TrackCensus {
    pub track_id: TrackId,
    pub track_name: String,
    pub active: usize,
    pub starting_soon: usize,
}

/// One patient in treatment, for clinical staff.
#[derive(Clone, Debug, serde::Serialize, utoipa::ToSchema)]
pub struct CensusEntry {
    pub episode_id: EpisodeId,
    pub patient_id: iop_domain::ids::PatientId,
    pub mrn: String,
    pub name: String,
    pub track_id: Option<TrackId>,
    pub admit_date: Day,
    pub planned_end_date: Day,
    pub weeks: i64,
    /// At the maximum length without graduating: extend with a reason, graduate or discharge.
    pub needs_review: bool,
}

#[derive(Clone, Debug, serde::Serialize, utoipa::ToSchema)]
pub struct ProgramCensus {
    pub program_id: ProgramId,
    pub program_name: String,
    pub active: usize,
    pub starting_soon: usize,
    /// Graduates still expected at the alumni group (the last 26 weeks' graduates).
    pub alumni: usize,
    pub tracks: Vec<TrackCensus>,
    /// Only for roles that work with episodes.
    pub patients: Option<Vec<CensusEntry>>,
}

#[derive(Clone, Debug, serde::Serialize, utoipa::ToSchema)]
pub struct StatusCount {
    pub status: InquiryStatus,
    pub label: &'static str,
    pub count: usize,
}

#[derive(Clone, Debug, serde::Serialize, utoipa::ToSchema)]
pub struct Funnel {
    /// The period's first day: inquiries first contacted on or after it.
    pub since: Day,
    pub inquiries: usize,
    pub by_status: Vec<StatusCount>,
    pub referred_out_by_reason: Vec<(String, usize)>,
    pub not_admitted_by_reason: Vec<(String, usize)>,
    /// Days from first contact to the first session attended.
    pub days_to_first_session_median: Option<i32>,
    pub days_to_first_session_p90: Option<i32>,
    pub measured: usize,
}

/// The funnel's default period: a quarter of inquiries, not the line's whole history.
pub const FUNNEL_DEFAULT_DAYS: i64 = 90;

fn reason_head(r: &Option<String>) -> String {
    let r = r.as_deref().unwrap_or("no reason given");
    r.split(':').next().unwrap_or(r).trim().to_string()
}

impl App {
    /// The live census of one site's programs, or of every site.
    pub fn census(&self, ctx: &Ctx, site: Option<SiteId>) -> Result<Vec<ProgramCensus>> {
        ctx.require(Action::ViewCensus)?;
        let clinical = ctx.require(Action::ManageEpisodes).is_ok();
        // A list that shows patients is audited: its row commits with the group writer.
        self.store.read_audited(|c| {
            let caseload = crate::scope::caseload(c, ctx)?;
            if let Some(id) = site {
                org::site_by_id(c, id)?.ok_or_else(|| AppError::NotFound(format!("site {id}")))?;
            }
            let programs: Vec<_> = org::programs(c)?
                .into_iter()
                .filter(|p| site.is_none_or(|s| p.site_id == s))
                .collect();
            let ids: Vec<_> = programs.iter().map(|p| p.id).collect();
            // Three queries for every program together, not a few per patient; only the
            // episodes today can show (in treatment, starting, recent graduates), so the
            // cost follows the census, not the years of history. A day either side covers
            // every site's zone.
            let utc_today = ctx.now().to_zoned(jiff::tz::TimeZone::UTC).date();
            let shift = |n: i64| {
                Day(utc_today
                    .checked_add(jiff::Span::new().days(n))
                    .unwrap_or(utc_today))
            };
            let window = episodes::Window {
                from: shift(-1),
                to: shift(3660),
                alumni: true,
            };
            let mut spans = crate::calendar::sessions::episode_spans(c, &ids, Some(window))?;
            let mut patients: HashMap<_, Vec<_>> = HashMap::new();
            let mut open: HashMap<_, TrackId> = HashMap::new();
            if clinical {
                for (ep, pt) in episodes::active_with_patients(c, &ids)? {
                    patients.entry(ep.program_id).or_default().push((ep, pt));
                }
                open = episodes::open_tracks(c, &ids)?.into_iter().collect();
            }
            let sites: HashMap<_, iop_store::org::SiteRow> =
                org::sites(c)?.into_iter().map(|s| (s.id, s)).collect();
            let all_tracks = org::all_tracks(c)?;
            let mut out = Vec::new();
            for p in programs {
                let tz = sites
                    .get(&p.site_id)
                    .map(|s| s.time_zone.tz())
                    .unwrap_or(jiff::tz::TimeZone::UTC);
                let today = ctx.now().to_zoned(tz).date();
                let program_tracks: Vec<&iop_store::org::TrackRow> =
                    all_tracks.iter().filter(|t| t.program_id == p.id).collect();
                let spans = spans.remove(&p.id).unwrap_or_default();
                let active = spans.iter().filter(|e| e.in_treatment_on(today)).count();
                let soon = spans
                    .iter()
                    .filter(|e| {
                        e.status == iop_domain::roster::EpisodeStatus::Active && e.admit > today
                    })
                    .count();
                let alumni = spans.iter().filter(|e| e.alumnus_on(today)).count();
                let tracks = program_tracks
                    .iter()
                    .map(|t| TrackCensus {
                        track_id: t.id,
                        track_name: t.name.clone(),
                        active: spans
                            .iter()
                            .filter(|e| e.in_treatment_on(today) && e.track_on(today) == Some(t.id))
                            .count(),
                        starting_soon: spans
                            .iter()
                            .filter(|e| {
                                e.status == iop_domain::roster::EpisodeStatus::Active
                                    && e.admit > today
                                    && e.track_on(e.admit) == Some(t.id)
                            })
                            .count(),
                    })
                    .collect();
                let list = clinical.then(|| {
                    patients
                        .remove(&p.id)
                        .unwrap_or_default()
                        .into_iter()
                        .filter(|(_, pt)| caseload.contains(pt.id))
                        .map(|(ep, pt)| {
                            let admit: Date = ep.admit_date.0;
                            let planned: Date = ep.planned_end_date.0;
                            let name = pt.shown_name();
                            CensusEntry {
                                needs_review: iop_domain::graduation::review_due(
                                    admit,
                                    planned,
                                    ep.extension_reason.is_some(),
                                    p.max_weeks,
                                    today,
                                ),
                                track_id: open.get(&ep.id).cloned(),
                                episode_id: ep.id,
                                patient_id: pt.id,
                                mrn: pt.mrn,
                                name,
                                admit_date: ep.admit_date,
                                planned_end_date: ep.planned_end_date,
                                weeks: i64::from((today - admit).get_days().max(0) / 7),
                            }
                        })
                        .collect()
                });
                out.push(ProgramCensus {
                    program_id: p.id,
                    program_name: p.name.clone(),
                    active,
                    starting_soon: soon,
                    alumni,
                    tracks,
                    patients: list,
                });
            }
            if clinical {
                let shown = out
                    .iter()
                    .flat_map(|p| p.patients.iter().flatten().map(|e| e.patient_id));
                crate::audit::record_list(c, ctx, "census.read", shown)?;
            }
            Ok::<_, AppError>(out)
        })
    }

    /// Inquiries first contacted on or after `since` (default: [`FUNNEL_DEFAULT_DAYS`]
    /// before the organisation's today), and the admissions that came from them.
    pub fn funnel(&self, ctx: &Ctx, since: Option<Day>) -> Result<Funnel> {
        ctx.require(Action::ViewCensus)?;
        self.store.read(|c| {
            let org_tz = crate::clock::organisation_zone(c)?;
            let since = match since {
                Some(d) => d,
                None => crate::clock::organisation_days_ago(c, ctx.now(), FUNNEL_DEFAULT_DAYS)?,
            };
            let from = since
                .0
                .to_zoned(org_tz)
                .map_err(|e| AppError::Internal(e.to_string()))?
                .timestamp();
            let rows = inq::contacted_since(c, Instant(from))?;
            let by_status = InquiryStatus::iter()
                .map(|s| StatusCount {
                    status: s,
                    label: s.label(),
                    count: rows.iter().filter(|r| r.status == s).count(),
                })
                .collect();
            let mut referred: BTreeMap<String, usize> = BTreeMap::new();
            let mut not_admitted: BTreeMap<String, usize> = BTreeMap::new();
            for r in &rows {
                if r.status == InquiryStatus::ReferredOut {
                    *referred.entry(reason_head(&r.status_reason)).or_default() += 1;
                } else if r.status == InquiryStatus::NotAdmitted {
                    *not_admitted
                        .entry(reason_head(&r.status_reason))
                        .or_default() += 1;
                }
            }
            // Days from first contact (at the admitting program's site) to the first
            // session the patient attended, for the period's inquiries only.
            let by_id: HashMap<_, _> = rows.iter().map(|r| (r.id, r)).collect();
            let ids: Vec<InquiryId> = by_id.keys().copied().collect();
            let mut zones: HashMap<ProgramId, jiff::tz::TimeZone> = HashMap::new();
            let mut cases: Vec<(Date, Option<Date>)> = Vec::new();
            for (inquiry, patient, admit, program) in episodes::admitted_from_inquiries(c, &ids)? {
                let Some(row) = by_id.get(&inquiry) else {
                    continue;
                };
                let tz = match zones.get(&program) {
                    Some(tz) => tz.clone(),
                    None => {
                        let tz = crate::clock::program_zone(c, program)?;
                        zones.insert(program, tz.clone());
                        tz
                    }
                };
                let contact = row.first_contact_at.0.to_zoned(tz).date();
                let first =
                    iop_store::clinical::record::first_attended_on_or_after(c, patient, admit)?
                        .map(|d| d.0);
                cases.push((contact, first));
            }
            let days = days_to_first_session(&cases);
            Ok::<_, AppError>(Funnel {
                since,
                inquiries: rows.len(),
                by_status,
                referred_out_by_reason: referred.into_iter().collect(),
                not_admitted_by_reason: not_admitted.into_iter().collect(),
                days_to_first_session_median: percentile(&days, 50),
                days_to_first_session_p90: percentile(&days, 90),
                measured: days.len(),
            })
        })
    }
}
