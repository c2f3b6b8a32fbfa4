//! The facts a counselor's caseload is made of (the rule itself is `iop_app::scope`).

use crate::admissions::episodes::EpisodeTrackRow;
use crate::db::{DbConn, Result};
use crate::schema::{
    appointments, attendance, episode_tracks, episodes, session_facilitators, session_makeups,
    sessions,
};
use diesel::prelude::*;
use iop_domain::calendar::SessionKind;
use iop_domain::ids::*;
use iop_domain::time::{Day, Instant};

/// Patients whose episode names `staff` as primary counselor.
pub fn primary_patients(conn: &mut DbConn, staff: StaffId) -> Result<Vec<PatientId>> {
    Ok(episodes::table
        .filter(episodes::primary_counselor_id.eq(staff))
        .select(episodes::patient_id)
        .load(conn)?)
}

/// Patients `staff` has an individual appointment with, whatever became of it.
pub fn individual_patients(conn: &mut DbConn, staff: StaffId) -> Result<Vec<PatientId>> {
    Ok(appointments::table
        .filter(appointments::staff_id.eq(staff))
        .select(appointments::patient_id)
        .load(conn)?)
}

/// A group `staff` is assigned to that had started by `now`: (id, track, day).
pub fn groups_facilitated(
    conn: &mut DbConn,
    staff: StaffId,
    now: Instant,
) -> Result<Vec<(SessionId, Option<TrackId>, Day)>> {
    Ok(sessions::table
        .inner_join(session_facilitators::table)
        .filter(session_facilitators::staff_id.eq(staff))
        .filter(session_facilitators::unassigned_at.is_null())
        .filter(sessions::kind.eq(SessionKind::Core))
        .filter(sessions::starts_at.le(now))
        .select((sessions::id, sessions::track_id, sessions::local_date))
        .load(conn)?)
}

/// Patients marked in, or made up into, any of `sessions`.
pub fn marked_or_made_up(conn: &mut DbConn, ids: &[SessionId]) -> Result<Vec<PatientId>> {
    let mut out = crate::dialect::load_in_chunks(ids, |chunk| {
        attendance::table
            .filter(attendance::session_id.eq_any(chunk))
            .select(attendance::patient_id)
            .load::<PatientId>(conn)
    })?;
    out.extend(crate::dialect::load_in_chunks(ids, |chunk| {
        session_makeups::table
            .filter(session_makeups::session_id.eq_any(chunk))
            .select(session_makeups::patient_id)
            .load::<PatientId>(conn)
    })?);
    Ok(out)
}

/// Track periods on `tracks`, with the patient and the episode's first and last day
/// (its end, or its planned end while it runs).
pub fn periods_on_tracks(
    conn: &mut DbConn,
    tracks: &[TrackId],
) -> Result<Vec<(EpisodeTrackRow, PatientId, Day, Day)>> {
    let rows: Vec<(EpisodeTrackRow, PatientId, Day, Option<Day>, Day)> = episode_tracks::table
        .inner_join(episodes::table)
        .filter(episode_tracks::track_id.eq_any(tracks.to_vec()))
        .select((
            EpisodeTrackRow::as_select(),
            episodes::patient_id,
            episodes::admit_date,
            episodes::ended_on,
            episodes::planned_end_date,
        ))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(p, pt, admit, ended, planned)| (p, pt, admit, ended.unwrap_or(planned)))
        .collect())
}
