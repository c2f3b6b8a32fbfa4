//! Individual counseling: appointments and their notes.

use crate::db::{DbConn, Result};
use crate::schema::{appointments, individual_notes};
use diesel::prelude::*;
use iop_domain::appointments::AppointmentStatus;
use iop_domain::ids::*;
use iop_domain::notes::NoteStatus;
use iop_domain::time::Instant;

#[derive(
    Debug, Clone, Queryable, Selectable, Insertable, AsChangeset, serde::Serialize, utoipa::ToSchema,
)]
#[diesel(table_name = appointments, treat_none_as_null = true)]
pub struct AppointmentRow {
    pub id: AppointmentId,
    pub patient_id: PatientId,
    pub staff_id: StaffId,
    /// Stored UTC instant.
    pub starts_at: Instant,
    pub planned_minutes: i32,
    pub mode: iop_domain::appointments::AppointmentMode,
    pub telehealth_link: Option<String>,
    pub status: iop_domain::appointments::AppointmentStatus,
    pub status_reason: Option<String>,
    pub created_by: ActorRef,
    pub created_at: Instant,
    pub updated_at: Instant,
    pub kind: iop_domain::appointments::AppointmentKind,
}

#[derive(
    Debug, Clone, Queryable, Selectable, Insertable, AsChangeset, serde::Serialize, utoipa::ToSchema,
)]
#[diesel(table_name = individual_notes, treat_none_as_null = true)]
pub struct IndividualNoteRow {
    pub id: IndividualNoteId,
    pub appointment_id: AppointmentId,
    /// Face-to-face start and stop, stored UTC instants (billing needs the minutes).
    pub started_at: Instant,
    pub ended_at: Instant,
    pub minutes: i32,
    /// The treatment-plan goal the session worked on.
    pub goal: String,
    pub narrative: String,
    pub plan: String,
    pub status: iop_domain::notes::NoteStatus,
    pub author_id: ActorRef,
    pub signed_by: Option<ActorRef>,
    pub signed_at: Option<Instant>,
    pub cosign_required: bool,
    pub cosigned_by: Option<UserId>,
    pub cosigned_at: Option<Instant>,
    pub created_at: Instant,
    pub updated_at: Instant,
    /// Where a patient seen by telehealth was (None in person).
    pub patient_location: Option<iop_domain::appointments::PatientLocation>,
}

pub fn insert_appointment(conn: &mut DbConn, row: &AppointmentRow) -> Result<()> {
    diesel::insert_into(appointments::table)
        .values(row)
        .execute(conn)?;
    Ok(())
}

pub fn appointment(conn: &mut DbConn, id: AppointmentId) -> Result<Option<AppointmentRow>> {
    Ok(appointments::table
        .find(id)
        .select(AppointmentRow::as_select())
        .first(conn)
        .optional()?)
}

pub fn update_appointment(conn: &mut DbConn, row: &AppointmentRow) -> Result<()> {
    diesel::update(appointments::table.find(&row.id))
        .set(row)
        .execute(conn)?;
    Ok(())
}

/// A patient's appointments, newest first.
pub fn appointments_of_patient(
    conn: &mut DbConn,
    patient_id: PatientId,
) -> Result<Vec<AppointmentRow>> {
    Ok(appointments::table
        .filter(appointments::patient_id.eq(patient_id))
        .order(appointments::starts_at.desc())
        .select(AppointmentRow::as_select())
        .load(conn)?)
}

/// Appointments still on the books (scheduled or kept) starting in [from, to), for the
/// patient or the counselor: what a new appointment must not clash with.
pub fn booked_between(
    conn: &mut DbConn,
    patient_id: PatientId,
    staff_id: StaffId,
    from: Instant,
    to: Instant,
) -> Result<Vec<AppointmentRow>> {
    Ok(appointments::table
        .filter(
            appointments::patient_id
                .eq(patient_id)
                .or(appointments::staff_id.eq(staff_id)),
        )
        .filter(
            appointments::status.eq_any([AppointmentStatus::Scheduled, AppointmentStatus::Kept]),
        )
        .filter(appointments::starts_at.ge(from))
        .filter(appointments::starts_at.lt(to))
        .select(AppointmentRow::as_select())
        .load(conn)?)
}

pub fn note_of_appointment(
    conn: &mut DbConn,
    appointment_id: AppointmentId,
) -> Result<Option<IndividualNoteRow>> {
    Ok(individual_notes::table
        .filter(individual_notes::appointment_id.eq(appointment_id))
        .select(IndividualNoteRow::as_select())
        .first(conn)
        .optional()?)
}

pub fn insert_note(conn: &mut DbConn, row: &IndividualNoteRow) -> Result<()> {
    diesel::insert_into(individual_notes::table)
        .values(row)
        .execute(conn)?;
    Ok(())
}

/// Updates a draft (signing included); a signed note is never changed (the filter).
pub fn update_draft(conn: &mut DbConn, row: &IndividualNoteRow) -> Result<bool> {
    Ok(diesel::update(
        individual_notes::table
            .find(&row.id)
            .filter(individual_notes::status.eq(NoteStatus::Draft)),
    )
    .set(row)
    .execute(conn)?
        == 1)
}

pub fn note_by_id(conn: &mut DbConn, id: IndividualNoteId) -> Result<Option<IndividualNoteRow>> {
    Ok(individual_notes::table
        .find(id)
        .select(IndividualNoteRow::as_select())
        .first(conn)
        .optional()?)
}

pub fn cosign(
    conn: &mut DbConn,
    note_id: IndividualNoteId,
    by: UserId,
    at: Instant,
) -> Result<bool> {
    Ok(diesel::update(
        individual_notes::table
            .find(note_id)
            .filter(individual_notes::status.eq(NoteStatus::Signed))
            .filter(individual_notes::cosign_required.eq(true))
            .filter(individual_notes::cosigned_at.is_null()),
    )
    .set((
        individual_notes::cosigned_by.eq(by),
        individual_notes::cosigned_at.eq(at),
    ))
    .execute(conn)?
        == 1)
}

/// Signed individual notes awaiting a co-signature, with their appointment.
pub fn awaiting_cosign(conn: &mut DbConn) -> Result<Vec<(IndividualNoteRow, AppointmentRow)>> {
    Ok(individual_notes::table
        .inner_join(appointments::table)
        .filter(individual_notes::cosign_required.eq(true))
        .filter(individual_notes::cosigned_at.is_null())
        .order(appointments::starts_at.asc())
        .select((IndividualNoteRow::as_select(), AppointmentRow::as_select()))
        .load(conn)?)
}

/// A patient's individual notes with their appointments, newest first.
pub fn notes_of_patient(
    conn: &mut DbConn,
    patient_id: PatientId,
) -> Result<Vec<(IndividualNoteRow, AppointmentRow)>> {
    Ok(individual_notes::table
        .inner_join(appointments::table)
        .filter(appointments::patient_id.eq(patient_id))
        .order(appointments::starts_at.desc())
        .select((IndividualNoteRow::as_select(), AppointmentRow::as_select()))
        .load(conn)?)
}

/// Kept appointments starting in [from, to) (stored instants), with their notes.
pub fn kept_between(
    conn: &mut DbConn,
    from: Instant,
    to: Instant,
) -> Result<Vec<(AppointmentRow, Option<IndividualNoteRow>)>> {
    Ok(appointments::table
        .left_join(individual_notes::table)
        .filter(appointments::status.eq(AppointmentStatus::Kept))
        .filter(appointments::starts_at.ge(from))
        .filter(appointments::starts_at.lt(to))
        .select((
            AppointmentRow::as_select(),
            Option::<IndividualNoteRow>::as_select(),
        ))
        .load(conn)?)
}

/// A counselor's appointments on the books (scheduled or kept) starting in [from, to).
pub fn appointments_of_staff(
    conn: &mut DbConn,
    staff_id: Option<StaffId>,
    from: Instant,
    to: Instant,
) -> Result<Vec<AppointmentRow>> {
    let mut q = appointments::table
        .filter(
            appointments::status.eq_any([AppointmentStatus::Scheduled, AppointmentStatus::Kept]),
        )
        .filter(appointments::starts_at.ge(from))
        .filter(appointments::starts_at.lt(to))
        .into_boxed();
    if let Some(s) = staff_id {
        q = q.filter(appointments::staff_id.eq(s));
    }
    Ok(q.order(appointments::starts_at.asc())
        .select(AppointmentRow::as_select())
        .load(conn)?)
}
