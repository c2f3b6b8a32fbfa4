//! The session read model: every view of sessions (week, tonight, staffing, the API,
//! feeds, rosters) is built from `session_views`, and rosters from `episode_spans`.

use crate::error::{AppError, Result};
use iop_domain::calendar::SessionKind;
use iop_domain::calendar::SessionStatus;
use iop_domain::ids::SessionId;
use iop_domain::ids::*;
use iop_domain::ratio::{staffing, Staffing};
use iop_domain::roster::{expected, EpisodeSpan};
use iop_domain::time::Day;
use iop_store::admissions::episodes;
use iop_store::calendar as cal;
use iop_store::org::{self, ProgramRow, SiteRow, TrackRow};
use iop_store::DbConn;
use jiff::civil::Date;
use jiff::tz::TimeZone;
use jiff::Timestamp;
use std::collections::{BTreeMap, HashMap};

/// Everything a view shows of one session.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct SessionView {
    pub id: SessionId,
    pub program_id: ProgramId,
    pub kind: SessionKind,
    pub track_id: Option<TrackId>,
    pub track_name: Option<String>,
    pub local_date: Day,
    /// RFC 3339 with the site's offset.
    pub start: String,
    pub end: String,
    pub time_zone: String,
    pub status: SessionStatus,
    pub cancel_reason: Option<String>,
    pub moved: bool,
    pub sequence: i32,
    pub topic: Option<String>,
    pub facilitators: Vec<FacilitatorRef>,
    pub expected_roster: u32,
    pub facilitators_needed: u32,
    pub staffing: String,
    #[serde(skip)]
    #[schema(value_type = String, format = DateTime)]
    pub starts_at: Timestamp,
    #[serde(skip)]
    #[schema(value_type = String, format = DateTime)]
    pub ends_at: Timestamp,
    #[serde(skip)]
    #[schema(value_type = Option<String>, format = DateTime)]
    pub original_start: Option<Timestamp>,
}

#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct FacilitatorRef {
    pub staff_id: StaffId,
    pub name: String,
}

/// One episode with its track periods as a roster span (who is in treatment, on which
/// track, on a date).
pub(crate) fn span_of(
    ep: &episodes::EpisodeRow,
    periods: &[episodes::EpisodeTrackRow],
) -> EpisodeSpan {
    EpisodeSpan {
        admit: ep.admit_date.0,
        ended: ep.ended_on.map(|d| d.0),
        status: ep.status,
        tracks: periods
            .iter()
            .filter(|p| p.episode_id == ep.id)
            .map(|p| (p.track_id, p.from_date.0, p.to_date.map(|d| d.0)))
            .collect(),
    }
}

pub fn episode_spans(
    c: &mut DbConn,
    program_ids: &[ProgramId],
    window: Option<episodes::Window>,
) -> Result<HashMap<ProgramId, Vec<EpisodeSpan>>> {
    let (eps, periods) = episodes::episodes_with_tracks(c, program_ids, window)?;
    let mut by_episode: HashMap<EpisodeId, Vec<(TrackId, Date, Option<Date>)>> = HashMap::new();
    for p in periods {
        let (a, to) = (p.from_date.0, p.to_date.map(|d| d.0));
        by_episode
            .entry(p.episode_id)
            .or_default()
            .push((p.track_id, a, to));
    }
    let mut out: HashMap<ProgramId, Vec<EpisodeSpan>> = HashMap::new();
    for e in eps {
        let (admit, status) = (e.admit_date.0, e.status);
        out.entry(e.program_id).or_default().push(EpisodeSpan {
            admit,
            ended: e.ended_on.map(|d| d.0),
            status,
            tracks: by_episode.remove(&e.id).unwrap_or_default(),
        });
    }
    Ok(out)
}

/// The sessions of `[from, to]` (all programs, or one) as views, in start order.
pub fn session_views(
    c: &mut DbConn,
    program: Option<ProgramId>,
    from: Date,
    to: Date,
) -> Result<Vec<SessionView>> {
    let programs: Vec<ProgramRow> = org::programs(c)?
        .into_iter()
        .filter(|p| program.is_none_or(|id| p.id == id))
        .collect();
    if let Some(id) = program {
        if programs.is_empty() {
            return Err(AppError::NotFound(format!("program {id}")));
        }
    }
    views_of_programs(c, programs, from, to)
}

/// The sessions of `[from, to]` at one site's programs (all sites when none).
pub fn session_views_at(
    c: &mut DbConn,
    site: Option<SiteId>,
    from: Date,
    to: Date,
) -> Result<Vec<SessionView>> {
    let programs: Vec<ProgramRow> = org::programs(c)?
        .into_iter()
        .filter(|p| site.is_none_or(|id| p.site_id == id))
        .collect();
    views_of_programs(c, programs, from, to)
}

fn views_of_programs(
    c: &mut DbConn,
    programs: Vec<ProgramRow>,
    from: Date,
    to: Date,
) -> Result<Vec<SessionView>> {
    let ids: Vec<_> = programs.iter().map(|p| p.id).collect();
    let rows = cal::sessions_between(c, Some(&ids), Day(from), Day(to))?;
    // Only the episodes these dates can show: cost follows the range, not the history.
    let window = episodes::Window {
        from: Day(from),
        to: Day(to),
        alumni: rows.iter().any(|r| r.kind == SessionKind::Alumni),
    };
    let spans = episode_spans(c, &ids, Some(window))?;
    build_views(c, &programs, rows, &spans)
}

/// The view of one session, its expected roster counted from `spans`: the episodes of its
/// program that its date can show, which the caller has read (a roster reads them once for
/// the count and the names).
pub fn session_view(
    c: &mut DbConn,
    row: cal::SessionRow,
    spans: Vec<EpisodeSpan>,
) -> Result<SessionView> {
    let programs: Vec<ProgramRow> = org::programs(c)?
        .into_iter()
        .filter(|p| p.id == row.program_id)
        .collect();
    let (id, program) = (row.id, row.program_id);
    build_views(c, &programs, vec![row], &HashMap::from([(program, spans)]))?
        .pop()
        .ok_or_else(|| AppError::NotFound(format!("session {id}")))
}

/// Views of `rows` (sessions of `programs`), names and assignments read here; `spans` are
/// each program's episodes over the rows' dates.
fn build_views(
    c: &mut DbConn,
    programs: &[ProgramRow],
    rows: Vec<cal::SessionRow>,
    spans: &HashMap<ProgramId, Vec<EpisodeSpan>>,
) -> Result<Vec<SessionView>> {
    let ids: Vec<_> = programs.iter().map(|p| p.id).collect();
    let sites: HashMap<SiteId, SiteRow> = org::sites(c)?.into_iter().map(|s| (s.id, s)).collect();
    let tracks: HashMap<TrackId, TrackRow> =
        org::all_tracks(c)?.into_iter().map(|t| (t.id, t)).collect();
    let topics: HashMap<TopicId, String> = ids
        .iter()
        .map(|id| cal::topics_of(c, *id))
        .collect::<Result<Vec<_>, _>>()?
        .into_iter()
        .flatten()
        .map(|t| (t.id, t.title))
        .collect();
    let staff: HashMap<StaffId, String> = cal::all_staff(c)?
        .into_iter()
        .map(|s| (s.id, s.display_name))
        .collect();
    let row_ids: Vec<SessionId> = rows.iter().map(|r| r.id).collect();
    let mut assigned: BTreeMap<SessionId, Vec<FacilitatorRef>> = BTreeMap::new();
    for a in cal::current_assignments(c, &row_ids)? {
        let name = staff.get(&a.staff_id).cloned().unwrap_or_default();
        assigned
            .entry(a.session_id)
            .or_default()
            .push(FacilitatorRef {
                staff_id: a.staff_id,
                name,
            });
    }
    let makeups = iop_store::clinical::record::makeup_counts(c, &row_ids)?;
    let program_by_id: HashMap<ProgramId, &ProgramRow> =
        programs.iter().map(|p| (p.id, p)).collect();
    let mut out = Vec::with_capacity(rows.len());
    for r in rows {
        let Some(p) = program_by_id.get(&r.program_id) else {
            continue;
        };
        let tz_name = sites
            .get(&p.site_id)
            .map_or_else(|| "UTC".to_string(), |s| s.time_zone.to_string());
        let tz = sites
            .get(&p.site_id)
            .map_or(TimeZone::UTC, |s| s.time_zone.tz());
        let (s, e) = (r.starts_at.0, r.ends_at.0);
        let kind = r.kind;
        let date: Date = r.local_date.0;
        // Make-ups join the roster, so they count toward the ratio too.
        let exp = expected(
            kind,
            r.track_id,
            date,
            spans.get(&r.program_id).map(Vec::as_slice).unwrap_or(&[]),
        ) + makeups.get(&r.id).copied().unwrap_or(0);
        let facilitators = assigned.remove(&r.id).unwrap_or_default();
        let st = if r.status == SessionStatus::Cancelled {
            Staffing::Ok
        } else {
            staffing(
                exp,
                u32::try_from(facilitators.len()).unwrap_or(u32::MAX),
                u32::try_from(p.max_patients_per_facilitator).unwrap_or(6),
            )
        };
        out.push(SessionView {
            id: r.id,
            program_id: r.program_id,
            kind,
            track_name: r
                .track_id
                .as_ref()
                .and_then(|t| tracks.get(t))
                .map(|t| t.name.clone()),
            track_id: r.track_id,
            local_date: r.local_date,
            start: s
                .to_zoned(tz.clone())
                .strftime("%Y-%m-%dT%H:%M:%S%:z")
                .to_string(),
            end: e
                .to_zoned(tz.clone())
                .strftime("%Y-%m-%dT%H:%M:%S%:z")
                .to_string(),
            time_zone: tz_name,
            status: r.status,
            cancel_reason: r.cancel_reason,
            moved: r.original_starts_at.is_some(),
            sequence: r.sequence,
            topic: r.topic_id.and_then(|t| topics.get(&t).cloned()),
            facilitators,
            expected_roster: exp,
            facilitators_needed: st.more(),
            staffing: st.describe(),
            starts_at: s,
            ends_at: e,
            original_start: r.original_starts_at.map(|t| t.0),
        });
    }
    Ok(out)
}

/// The episodes of a program that `window` can show, as roster spans with their patients.
pub fn episode_spans_by_patient(
    c: &mut DbConn,
    program_id: ProgramId,
    window: episodes::Window,
) -> Result<Vec<(iop_store::admissions::episodes::PatientRow, EpisodeSpan)>> {
    let (eps, periods) = episodes::roster_episodes(c, program_id, window)?;
    let mut periods_of: HashMap<EpisodeId, Vec<episodes::EpisodeTrackRow>> = HashMap::new();
    for p in periods {
        periods_of.entry(p.episode_id).or_default().push(p);
    }
    let mut out = Vec::new();
    for (e, patient) in eps {
        let periods = periods_of.get(&e.id).map(Vec::as_slice).unwrap_or(&[]);
        out.push((patient, span_of(&e, periods)));
    }
    Ok(out)
}

/// A session as staff name it in a message: "the Mon/Wed/Thu core group on Wed, Dec 9 at
/// 6:00 PM", in the site's zone and the organisation's locale; never its id.
pub(crate) fn describe_session(s: &SessionView, locale: iop_domain::display::Locale) -> String {
    let what = match &s.track_name {
        Some(t) => format!("{t} {} group", s.kind),
        None => format!("{} group", s.kind),
    };
    let tz = jiff::tz::TimeZone::get(&s.time_zone).unwrap_or(jiff::tz::TimeZone::UTC);
    let style = iop_domain::display::Style::new(tz, locale, s.starts_at);
    format!(
        "the {what} on {} at {}",
        style.day(s.local_date),
        style.time(s.starts_at)
    )
}
