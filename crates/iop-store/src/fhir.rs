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
