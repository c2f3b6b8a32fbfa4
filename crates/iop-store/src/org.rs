//! Sites, programs and tracks: the organisation a clinic runs.

use crate::db::{DbConn, Result};
use crate::org_cache;
use crate::schema::{programs, sites, tracks};
use diesel::prelude::*;
use iop_domain::ids::*;
use iop_domain::time::{Day, Instant};

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = sites)]
pub struct SiteRow {
    pub id: SiteId,
    pub name: String,
    pub time_zone: iop_domain::time::ZoneName,
    pub address: String,
    pub admissions_phone: String,
    pub created_at: Instant,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = programs)]
pub struct ProgramRow {
    pub id: ProgramId,
    pub site_id: SiteId,
    pub slug: String,
    pub name: String,
    pub level_of_care: iop_domain::admissions::LevelOfCare,
    pub session_start: iop_domain::time::ClockTime,
    pub session_minutes: i32,
    pub min_weeks: i32,
    pub max_weeks: i32,
    pub max_patients_per_facilitator: i32,
    pub family_every_weeks: i32,
    pub family_minutes: i32,
    pub alumni_weekday: iop_domain::calendar::WeekdayCode,
    pub created_at: Instant,
    pub family_weekday: iop_domain::calendar::WeekdayCode,
    pub family_anchor: Day,
    pub alumni_minutes: i32,
    pub horizon_weeks: i32,
    /// The state requires a parent's consent to a minor's SUD treatment (§2.14(b)).
    pub minors_need_parent_consent: bool,
    pub age_of_majority: i32,
    /// The program's current notice of privacy practices (§2.22), by its version.
    pub privacy_notice_version: String,
    #[diesel(embed)]
    pub rules: ProgramRules,
}

/// The program's clinical and billing rules that are settings, with the values a
/// level 2.1 program starts from.
#[derive(Debug, Clone, Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = programs)]
pub struct ProgramRules {
    /// Graduation: share of expected sessions attended, in percent.
    pub min_attendance_percent: i32,
    pub excused_absences: iop_domain::graduation::ExcusedAbsences,
    /// Skilled treatment minutes a week (ASAM 2.1: 540).
    pub weekly_floor_minutes: i32,
    /// Break inside each group or family session, not treatment time.
    pub break_minutes: i32,
    /// When individual sessions are offered: days, first and last start.
    pub individual_weekdays: iop_domain::calendar::Weekdays,
    pub individual_first_start: iop_domain::time::ClockTime,
    pub individual_last_start: iop_domain::time::ClockTime,
    /// A per-diem day needs this many minutes when no contract says otherwise.
    pub per_diem_minimum_minutes: i32,
}

impl Default for ProgramRules {
    fn default() -> Self {
        use jiff::civil::Weekday::*;
        Self {
            min_attendance_percent: 80,
            excused_absences: iop_domain::graduation::ExcusedAbsences::LeaveDenominator,
            weekly_floor_minutes: 540,
            break_minutes: 0,
            individual_weekdays: iop_domain::calendar::Weekdays(vec![
                Monday, Tuesday, Wednesday, Thursday, Friday,
            ]),
            individual_first_start: iop_domain::time::ClockTime(jiff::civil::time(9, 0, 0, 0)),
            individual_last_start: iop_domain::time::ClockTime(jiff::civil::time(16, 0, 0, 0)),
            per_diem_minimum_minutes: 180,
        }
    }
}

/// Changes a program's rules.
pub fn update_rules(conn: &mut DbConn, id: ProgramId, rules: &ProgramRules) -> Result<bool> {
    Ok(diesel::update(programs::table.find(id))
        .set(rules)
        .execute(conn)?
        == 1)
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = tracks)]
pub struct TrackRow {
    pub id: TrackId,
    pub program_id: ProgramId,
    pub name: String,
    pub weekdays: iop_domain::calendar::Weekdays,
    pub created_at: Instant,
}

pub fn insert_site(conn: &mut DbConn, row: &SiteRow) -> Result<()> {
    diesel::insert_into(sites::table)
        .values(row)
        .execute(conn)?;
    Ok(())
}

pub fn insert_program(conn: &mut DbConn, row: &ProgramRow) -> Result<()> {
    diesel::insert_into(programs::table)
        .values(row)
        .execute(conn)?;
    Ok(())
}

pub fn insert_track(conn: &mut DbConn, row: &TrackRow) -> Result<()> {
    diesel::insert_into(tracks::table)
        .values(row)
        .execute(conn)?;
    Ok(())
}

pub fn sites(conn: &mut DbConn) -> Result<Vec<SiteRow>> {
    match org_cache::snapshot(conn)? {
        Some(org) => Ok(org.sites.clone()),
        None => load_sites(conn),
    }
}

pub(crate) fn load_sites(conn: &mut DbConn) -> Result<Vec<SiteRow>> {
    Ok(sites::table
        .order(sites::name.asc())
        .select(SiteRow::as_select())
        .load(conn)?)
}

pub fn programs(conn: &mut DbConn) -> Result<Vec<ProgramRow>> {
    match org_cache::snapshot(conn)? {
        Some(org) => Ok(org.programs.clone()),
        None => load_programs(conn),
    }
}

pub(crate) fn load_programs(conn: &mut DbConn) -> Result<Vec<ProgramRow>> {
    Ok(programs::table
        .order(programs::name.asc())
        .select(ProgramRow::as_select())
        .load(conn)?)
}

pub fn tracks_of(conn: &mut DbConn, program_id: ProgramId) -> Result<Vec<TrackRow>> {
    if let Some(org) = org_cache::snapshot(conn)? {
        let of_program = org.tracks.iter().filter(|t| t.program_id == program_id);
        return Ok(of_program.cloned().collect());
    }
    Ok(tracks::table
        .filter(tracks::program_id.eq(program_id))
        .order(tracks::name.asc())
        .select(TrackRow::as_select())
        .load(conn)?)
}

/// Every track of every program, in one query.
pub fn all_tracks(conn: &mut DbConn) -> Result<Vec<TrackRow>> {
    match org_cache::snapshot(conn)? {
        Some(org) => Ok(org.tracks.clone()),
        None => load_tracks(conn),
    }
}

pub(crate) fn load_tracks(conn: &mut DbConn) -> Result<Vec<TrackRow>> {
    Ok(tracks::table
        .order((tracks::program_id.asc(), tracks::name.asc()))
        .select(TrackRow::as_select())
        .load(conn)?)
}

pub fn set_track_weekdays(
    conn: &mut DbConn,
    id: TrackId,
    weekdays: &iop_domain::calendar::Weekdays,
) -> Result<bool> {
    Ok(diesel::update(tracks::table.find(id))
        .set(tracks::weekdays.eq(weekdays))
        .execute(conn)?
        == 1)
}

pub fn update_site(conn: &mut DbConn, row: &SiteRow) -> Result<bool> {
    Ok(diesel::update(sites::table.find(&row.id))
        .set((
            sites::name.eq(&row.name),
            sites::time_zone.eq(&row.time_zone),
            sites::address.eq(&row.address),
            sites::admissions_phone.eq(&row.admissions_phone),
        ))
        .execute(conn)?
        == 1)
}

pub fn update_program(conn: &mut DbConn, row: &ProgramRow) -> Result<bool> {
    Ok(diesel::update(programs::table.find(&row.id))
        .set((
            programs::name.eq(&row.name),
            programs::session_start.eq(&row.session_start),
            programs::session_minutes.eq(row.session_minutes),
            programs::min_weeks.eq(row.min_weeks),
            programs::max_weeks.eq(row.max_weeks),
            programs::max_patients_per_facilitator.eq(row.max_patients_per_facilitator),
            programs::family_every_weeks.eq(row.family_every_weeks),
            programs::family_minutes.eq(row.family_minutes),
            programs::family_weekday.eq(&row.family_weekday),
            programs::alumni_weekday.eq(&row.alumni_weekday),
            programs::alumni_minutes.eq(row.alumni_minutes),
            programs::horizon_weeks.eq(row.horizon_weeks),
        ))
        .execute(conn)?
        == 1)
}

pub fn program_by_id(conn: &mut DbConn, id: ProgramId) -> Result<Option<ProgramRow>> {
    if let Some(org) = org_cache::snapshot(conn)? {
        return Ok(org.programs.iter().find(|p| p.id == id).cloned());
    }
    Ok(programs::table
        .find(id)
        .select(ProgramRow::as_select())
        .first(conn)
        .optional()?)
}

pub fn site_by_id(conn: &mut DbConn, id: SiteId) -> Result<Option<SiteRow>> {
    if let Some(org) = org_cache::snapshot(conn)? {
        return Ok(org.sites.iter().find(|s| s.id == id).cloned());
    }
    Ok(sites::table
        .find(id)
        .select(SiteRow::as_select())
        .first(conn)
        .optional()?)
}

pub fn set_level_of_care(
    conn: &mut DbConn,
    id: ProgramId,
    level: iop_domain::admissions::LevelOfCare,
) -> Result<()> {
    diesel::update(programs::table.find(id))
        .set(programs::level_of_care.eq(level))
        .execute(conn)?;
    Ok(())
}
