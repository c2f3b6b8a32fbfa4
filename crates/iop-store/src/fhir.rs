//! What the FHIR interface reads beyond the chart's own queries: the sessions a patient
//! took part in, with their times, for Encounters.

use crate::calendar::SessionRow;
use crate::clinical::record::AttendanceRow;
use crate::db::{DbConn, Result};
use crate::schema::{attendance, sessions};
use diesel::prelude::*;
use iop_domain::ids::{AttendanceId, PatientId};

/// A patient's marks with their sessions, oldest first; absences included (the caller
/// keeps the sessions the patient attended).
pub fn marks_with_sessions(
    conn: &mut DbConn,
    patient_id: PatientId,
) -> Result<Vec<(AttendanceRow, SessionRow)>> {
    Ok(attendance::table
        .inner_join(sessions::table)
        .filter(attendance::patient_id.eq(patient_id))
        .order((sessions::starts_at.asc(), sessions::id.asc()))
        .select((AttendanceRow::as_select(), SessionRow::as_select()))
        .load(conn)?)
}

/// One mark with its session.
pub fn mark_with_session(
    conn: &mut DbConn,
    id: AttendanceId,
) -> Result<Option<(AttendanceRow, SessionRow)>> {
    Ok(attendance::table
        .inner_join(sessions::table)
        .filter(attendance::id.eq(id))
        .select((AttendanceRow::as_select(), SessionRow::as_select()))
        .first(conn)
        .optional()?)
}

/// Every patient's id, in id order (a bulk export walks them a chunk at a time).
pub fn all_patient_ids(conn: &mut DbConn) -> Result<Vec<PatientId>> {
    Ok(crate::schema::patients::table
        .select(crate::schema::patients::id)
        .order(crate::schema::patients::id.asc())
        .load(conn)?)
}

/// Everyone who had an episode in a program, in id order.
pub fn patient_ids_of_program(
    conn: &mut DbConn,
    program: iop_domain::ids::ProgramId,
) -> Result<Vec<PatientId>> {
    use crate::schema::episodes;
    Ok(episodes::table
        .filter(episodes::program_id.eq(program))
        .select(episodes::patient_id)
        .distinct()
        .order(episodes::patient_id.asc())
        .load(conn)?)
}

/// Everyone who was on a track during an episode, in id order.
pub fn patient_ids_of_track(
    conn: &mut DbConn,
    track: iop_domain::ids::TrackId,
) -> Result<Vec<PatientId>> {
    use crate::schema::{episode_tracks, episodes};
    Ok(episode_tracks::table
        .inner_join(episodes::table)
        .filter(episode_tracks::track_id.eq(track))
        .select(episodes::patient_id)
        .distinct()
        .order(episodes::patient_id.asc())
        .load(conn)?)
}
