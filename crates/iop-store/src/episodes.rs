//! Patients and episodes of care, as far as the calendar needs them: who is expected
//! at which session.

use crate::db::{DbConn, Result};
use crate::schema::{episode_tracks, episodes, patients};
use diesel::prelude::*;

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = patients)]
pub struct PatientRow {
    pub id: String,
    pub mrn: String,
    pub legal_first_name: String,
    pub legal_last_name: String,
    pub preferred_name: Option<String>,
    pub date_of_birth: String,
    pub created_at: String,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub address: Option<String>,
    pub emergency_contact_name: Option<String>,
    pub emergency_contact_phone: Option<String>,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = episodes)]
pub struct EpisodeRow {
    pub id: String,
    pub patient_id: String,
    pub program_id: String,
    pub admit_date: String,
    pub planned_end_date: String,
    pub status: String,
    pub ended_on: Option<String>,
    pub created_at: String,
    pub inquiry_id: Option<String>,
    pub primary_counselor_id: Option<String>,
    pub level_of_care: String,
    /// Comma-separated ICD-10-CM codes, principal first.
    pub diagnoses: String,
    pub ratio_override_reason: Option<String>,
    pub end_reason: Option<String>,
    pub end_summary: Option<String>,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = episode_tracks)]
pub struct EpisodeTrackRow {
    pub id: String,
    pub episode_id: String,
    pub track_id: String,
    pub from_date: String,
    pub to_date: Option<String>,
}

pub fn insert_patient(conn: &mut DbConn, row: &PatientRow) -> Result<()> {
    diesel::insert_into(patients::table)
        .values(row)
        .execute(conn)?;
    Ok(())
}

pub fn insert_episode(conn: &mut DbConn, row: &EpisodeRow) -> Result<()> {
    diesel::insert_into(episodes::table)
        .values(row)
        .execute(conn)?;
    Ok(())
}

pub fn insert_episode_track(conn: &mut DbConn, row: &EpisodeTrackRow) -> Result<()> {
    diesel::insert_into(episode_tracks::table)
        .values(row)
        .execute(conn)?;
    Ok(())
}

/// Episodes of the given programs with their track periods: everything a roster count needs.
pub fn episodes_with_tracks(
    conn: &mut DbConn,
    program_ids: &[String],
) -> Result<(Vec<EpisodeRow>, Vec<EpisodeTrackRow>)> {
    let eps: Vec<EpisodeRow> = episodes::table
        .filter(episodes::program_id.eq_any(program_ids.to_vec()))
        .select(EpisodeRow::as_select())
        .load(conn)?;
    let tracks: Vec<EpisodeTrackRow> = episode_tracks::table
        .inner_join(episodes::table)
        .filter(episodes::program_id.eq_any(program_ids.to_vec()))
        .select(EpisodeTrackRow::as_select())
        .load(conn)?;
    Ok((eps, tracks))
}
