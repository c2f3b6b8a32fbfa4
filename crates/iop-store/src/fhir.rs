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

/// The programs where a member of staff leads (or led) groups: their PractitionerRole's
/// places.
pub fn programs_of_staff(
    conn: &mut DbConn,
    staff_id: iop_domain::ids::StaffId,
) -> Result<Vec<iop_domain::ids::ProgramId>> {
    use crate::schema::session_facilitators;
    Ok(session_facilitators::table
        .inner_join(sessions::table)
        .filter(session_facilitators::staff_id.eq(staff_id))
        .filter(session_facilitators::unassigned_at.is_null())
        .select(sessions::program_id)
        .distinct()
        .load(conn)?)
}

/// One drug screen.
pub fn screen_by_id(
    conn: &mut DbConn,
    id: iop_domain::ids::DrugScreenId,
) -> Result<Option<crate::clinical::measures::DrugScreenRow>> {
    use crate::schema::drug_screens;
    Ok(drug_screens::table
        .find(id)
        .select(crate::clinical::measures::DrugScreenRow::as_select())
        .first(conn)
        .optional()?)
}

/// The patient a plan version belongs to, whichever plan it is (treatment or relapse
/// prevention: both ids are UUIDs, so the id alone does not say).
pub fn plan_patient(conn: &mut DbConn, id: &str) -> Result<Option<PatientId>> {
    use crate::schema::{relapse_plans, treatment_plans};
    let treatment: Option<PatientId> = treatment_plans::table
        .filter(treatment_plans::id.eq(id))
        .select(treatment_plans::patient_id)
        .first(conn)
        .optional()?;
    if treatment.is_some() {
        return Ok(treatment);
    }
    Ok(relapse_plans::table
        .filter(relapse_plans::id.eq(id))
        .select(relapse_plans::patient_id)
        .first(conn)
        .optional()?)
}

/// One related person.
pub fn related_person(
    conn: &mut DbConn,
    id: iop_domain::ids::RelatedPersonId,
) -> Result<Option<crate::consent::RelatedPersonRow>> {
    use crate::schema::related_persons;
    Ok(related_persons::table
        .find(id)
        .select(crate::consent::RelatedPersonRow::as_select())
        .first(conn)
        .optional()?)
}
