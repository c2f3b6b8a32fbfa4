//! Attendance and group notes.

use crate::db::{DbConn, Result};
use crate::schema::{
    attendance, group_notes, note_addenda, note_entries, session_makeups, sessions,
};
use diesel::prelude::*;
use iop_domain::hours::Mark;
use iop_domain::ids::*;
use iop_domain::ids::{
    ActorRef, AddendumId, AttendanceId, MakeupId, NoteEntryId, NoteId, PatientId, SessionId, UserId,
};
use iop_domain::notes::NoteStatus;
use iop_domain::time::{Day, Instant};

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = attendance)]
pub struct AttendanceRow {
    pub id: AttendanceId,
    pub session_id: SessionId,
    pub patient_id: PatientId,
    pub mark: Mark,
    pub minutes: i32,
    pub recorded_by: ActorRef,
    pub recorded_at: Instant,
}

#[derive(
    Debug, Clone, Queryable, Selectable, Insertable, AsChangeset, serde::Serialize, utoipa::ToSchema,
)]
#[diesel(table_name = group_notes, treat_none_as_null = true)]
pub struct GroupNoteRow {
    pub id: NoteId,
    pub session_id: SessionId,
    pub topic: String,
    pub interventions: String,
    pub group_process: String,
    pub status: NoteStatus,
    pub author_id: ActorRef,
    pub signed_by: Option<ActorRef>,
    pub signed_at: Option<Instant>,
    pub created_at: Instant,
    pub updated_at: Instant,
    pub cosign_required: bool,
    pub cosigned_by: Option<UserId>,
    pub cosigned_at: Option<Instant>,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = note_entries)]
pub struct NoteEntryRow {
    pub id: NoteEntryId,
    pub note_id: NoteId,
    pub patient_id: PatientId,
    pub participation: String,
    pub progress: String,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable, serde::Serialize, utoipa::ToSchema)]
#[diesel(table_name = note_addenda)]
pub struct AddendumRow {
    pub id: AddendumId,
    pub note_id: NoteId,
    pub author_id: UserId,
    pub author_name: String,
    pub text: String,
    pub created_at: Instant,
}

pub fn attendance_of_session(
    conn: &mut DbConn,
    session_id: SessionId,
) -> Result<Vec<AttendanceRow>> {
    Ok(attendance::table
        .filter(attendance::session_id.eq(session_id))
        .select(AttendanceRow::as_select())
        .load(conn)?)
}

/// Replaces one patient's mark for a session (the audit trail keeps what it was). One
/// statement on the `(session_id, patient_id)` key: an update-then-insert let two staff
/// marking the same patient at once on PostgreSQL both insert, and one got a conflict.
pub fn upsert_attendance(conn: &mut DbConn, row: &AttendanceRow) -> Result<()> {
    let upsert = diesel::insert_into(attendance::table)
        .values(row)
        .on_conflict((attendance::session_id, attendance::patient_id))
        .do_update()
        .set((
            attendance::mark.eq(&row.mark),
            attendance::minutes.eq(row.minutes),
            attendance::recorded_by.eq(&row.recorded_by),
            attendance::recorded_at.eq(&row.recorded_at),
        ));
    match conn {
        DbConn::Sqlite(c) => upsert.execute(c)?,
        DbConn::Pg(c) => upsert.execute(c)?,
    };
    Ok(())
}

/// A patient's attendance with each session's local date, oldest first.
pub fn attendance_of_patient(
    conn: &mut DbConn,
    patient_id: PatientId,
) -> Result<Vec<(AttendanceRow, Day)>> {
    Ok(attendance::table
        .inner_join(sessions::table)
        .filter(attendance::patient_id.eq(patient_id))
        .order(sessions::local_date.asc())
        .select((AttendanceRow::as_select(), sessions::local_date))
        .load(conn)?)
}

/// A patient's marks on sessions dated `from` up to (not including) `to`, oldest first.
pub fn attendance_of_patient_in(
    conn: &mut DbConn,
    patient_id: PatientId,
    from: Day,
    to: Option<Day>,
) -> Result<Vec<(AttendanceRow, Day)>> {
    let mut q = attendance::table
        .inner_join(sessions::table)
        .filter(attendance::patient_id.eq(patient_id))
        .filter(sessions::local_date.ge(from))
        .into_boxed();
    if let Some(to) = to {
        q = q.filter(sessions::local_date.lt(to));
    }
    Ok(q.order(sessions::local_date.asc())
        .select((AttendanceRow::as_select(), sessions::local_date))
        .load(conn)?)
}

/// A patient's latest `n` marks, newest first.
pub fn latest_marks(conn: &mut DbConn, patient_id: PatientId, n: i64) -> Result<Vec<(Mark, Day)>> {
    Ok(attendance::table
        .inner_join(sessions::table)
        .filter(attendance::patient_id.eq(patient_id))
        .order(sessions::starts_at.desc())
        .limit(n)
        .select((attendance::mark, sessions::local_date))
        .load(conn)?)
}

/// The date of a patient's first group mark.
pub fn first_marked_day(conn: &mut DbConn, patient_id: PatientId) -> Result<Option<Day>> {
    Ok(attendance::table
        .inner_join(sessions::table)
        .filter(attendance::patient_id.eq(patient_id))
        .order(sessions::local_date.asc())
        .select(sessions::local_date)
        .first(conn)
        .optional()?)
}

pub fn note_of_session(conn: &mut DbConn, session_id: SessionId) -> Result<Option<GroupNoteRow>> {
    Ok(group_notes::table
        .filter(group_notes::session_id.eq(session_id))
        .select(GroupNoteRow::as_select())
        .first(conn)
        .optional()?)
}

pub fn note_by_id(conn: &mut DbConn, id: NoteId) -> Result<Option<GroupNoteRow>> {
    Ok(group_notes::table
        .find(id)
        .select(GroupNoteRow::as_select())
        .first(conn)
        .optional()?)
}

pub fn insert_note(conn: &mut DbConn, row: &GroupNoteRow) -> Result<()> {
    diesel::insert_into(group_notes::table)
        .values(row)
        .execute(conn)?;
    Ok(())
}

/// Updates a draft; a signed note is never changed (the filter makes sure).
pub fn update_draft(conn: &mut DbConn, row: &GroupNoteRow) -> Result<bool> {
    Ok(diesel::update(
        group_notes::table
            .find(&row.id)
            .filter(group_notes::status.eq(NoteStatus::Draft)),
    )
    .set(row)
    .execute(conn)?
        == 1)
}

pub fn entries(conn: &mut DbConn, note_id: NoteId) -> Result<Vec<NoteEntryRow>> {
    Ok(note_entries::table
        .filter(note_entries::note_id.eq(note_id))
        .select(NoteEntryRow::as_select())
        .load(conn)?)
}

/// Replaces a draft's entries.
pub fn replace_entries(conn: &mut DbConn, note_id: NoteId, rows: &[NoteEntryRow]) -> Result<()> {
    diesel::delete(note_entries::table.filter(note_entries::note_id.eq(note_id))).execute(conn)?;
    for r in rows {
        diesel::insert_into(note_entries::table)
            .values(r)
            .execute(conn)?;
    }
    Ok(())
}

pub fn sign(
    conn: &mut DbConn,
    note_id: NoteId,
    by: ActorRef,
    at: Instant,
    cosign_required: bool,
) -> Result<bool> {
    Ok(diesel::update(
        group_notes::table
            .find(note_id)
            .filter(group_notes::status.eq(NoteStatus::Draft)),
    )
    .set((
        group_notes::status.eq(NoteStatus::Signed),
        group_notes::signed_by.eq(by),
        group_notes::signed_at.eq(at),
        group_notes::updated_at.eq(at),
        group_notes::cosign_required.eq(cosign_required),
    ))
    .execute(conn)?
        == 1)
}

pub fn insert_addendum(conn: &mut DbConn, row: &AddendumRow) -> Result<()> {
    diesel::insert_into(note_addenda::table)
        .values(row)
        .execute(conn)?;
    Ok(())
}

pub fn addenda(conn: &mut DbConn, note_id: NoteId) -> Result<Vec<AddendumRow>> {
    Ok(note_addenda::table
        .filter(note_addenda::note_id.eq(note_id))
        .order(note_addenda::created_at.asc())
        .select(AddendumRow::as_select())
        .load(conn)?)
}

/// The addenda of several notes, oldest first.
pub fn addenda_of_notes(conn: &mut DbConn, note_ids: &[NoteId]) -> Result<Vec<AddendumRow>> {
    crate::dialect::load_in_chunks(note_ids, |chunk| {
        note_addenda::table
            .filter(note_addenda::note_id.eq_any(chunk))
            .order(note_addenda::created_at.asc())
            .select(AddendumRow::as_select())
            .load(conn)
    })
}

/// Signed notes with this patient's entry on sessions dated `from` up to (not
/// including) `to`, with the session's local date, newest first.
pub fn signed_notes_of_patient_in(
    conn: &mut DbConn,
    patient_id: PatientId,
    from: Day,
    to: Option<Day>,
) -> Result<Vec<(GroupNoteRow, NoteEntryRow, Day)>> {
    let mut q = group_notes::table
        .inner_join(note_entries::table)
        .inner_join(sessions::table)
        .filter(note_entries::patient_id.eq(patient_id))
        .filter(group_notes::status.eq(NoteStatus::Signed))
        .filter(sessions::local_date.ge(from))
        .into_boxed();
    if let Some(to) = to {
        q = q.filter(sessions::local_date.lt(to));
    }
    Ok(q.order(sessions::local_date.desc())
        .select((
            GroupNoteRow::as_select(),
            NoteEntryRow::as_select(),
            sessions::local_date,
        ))
        .load(conn)?)
}

/// Signed notes with this patient's entry, with the session's local date, newest first.
pub fn signed_notes_of_patient(
    conn: &mut DbConn,
    patient_id: PatientId,
) -> Result<Vec<(GroupNoteRow, NoteEntryRow, Day)>> {
    Ok(group_notes::table
        .inner_join(note_entries::table)
        .inner_join(sessions::table)
        .filter(note_entries::patient_id.eq(patient_id))
        .filter(group_notes::status.eq(NoteStatus::Signed))
        .order(sessions::local_date.desc())
        .select((
            GroupNoteRow::as_select(),
            NoteEntryRow::as_select(),
            sessions::local_date,
        ))
        .load(conn)?)
}

/// The first session a patient attended (present, late or left early) on or after a date.
pub fn first_attended_on_or_after(
    conn: &mut DbConn,
    patient_id: PatientId,
    from: Day,
) -> Result<Option<Day>> {
    Ok(attendance::table
        .inner_join(sessions::table)
        .filter(attendance::patient_id.eq(patient_id))
        .filter(attendance::mark.ne_all([Mark::AbsentExcused, Mark::AbsentUnexcused]))
        .filter(sessions::local_date.ge(from))
        .select(sessions::local_date)
        .order(sessions::local_date.asc())
        .first(conn)
        .optional()?)
}

/// Adds a clinical director's co-signature to a signed note that awaits one.
pub fn cosign(conn: &mut DbConn, note_id: NoteId, by: UserId, at: Instant) -> Result<bool> {
    Ok(diesel::update(
        group_notes::table
            .find(note_id)
            .filter(group_notes::status.eq(NoteStatus::Signed))
            .filter(group_notes::cosign_required.eq(true))
            .filter(group_notes::cosigned_at.is_null()),
    )
    .set((
        group_notes::cosigned_by.eq(by),
        group_notes::cosigned_at.eq(at),
    ))
    .execute(conn)?
        == 1)
}

/// Signed group notes still waiting for a co-signature, with the session date, oldest first.
pub fn notes_awaiting_cosign(conn: &mut DbConn) -> Result<Vec<(GroupNoteRow, Day)>> {
    Ok(group_notes::table
        .inner_join(sessions::table)
        .filter(group_notes::cosign_required.eq(true))
        .filter(group_notes::cosigned_at.is_null())
        .order(sessions::local_date.asc())
        .select((GroupNoteRow::as_select(), sessions::local_date))
        .load(conn)?)
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable, serde::Serialize, utoipa::ToSchema)]
#[diesel(table_name = session_makeups)]
pub struct MakeupRow {
    pub id: MakeupId,
    pub session_id: SessionId,
    pub patient_id: PatientId,
    pub reason: String,
    pub added_by: ActorRef,
    pub added_at: Instant,
}

pub fn makeups_of_session(conn: &mut DbConn, session_id: SessionId) -> Result<Vec<MakeupRow>> {
    Ok(session_makeups::table
        .filter(session_makeups::session_id.eq(session_id))
        .select(MakeupRow::as_select())
        .load(conn)?)
}

/// Adds a make-up patient; false when they were already on this session as a make-up.
pub fn insert_makeup(conn: &mut DbConn, row: &MakeupRow) -> Result<bool> {
    let exists = session_makeups::table
        .filter(session_makeups::session_id.eq(&row.session_id))
        .filter(session_makeups::patient_id.eq(&row.patient_id))
        .count()
        .get_result::<i64>(conn)?
        > 0;
    if exists {
        return Ok(false);
    }
    diesel::insert_into(session_makeups::table)
        .values(row)
        .execute(conn)?;
    Ok(true)
}

/// Attendance at a program's sessions with local dates in [from, to], with the session.
pub fn attendance_between(
    conn: &mut DbConn,
    program_id: ProgramId,
    from: Day,
    to: Day,
) -> Result<Vec<(AttendanceRow, crate::calendar::SessionRow)>> {
    Ok(attendance::table
        .inner_join(sessions::table)
        .filter(sessions::program_id.eq(program_id))
        .filter(sessions::local_date.ge(from))
        .filter(sessions::local_date.le(to))
        .order((sessions::local_date, attendance::patient_id))
        .select((
            AttendanceRow::as_select(),
            crate::calendar::SessionRow::as_select(),
        ))
        .load(conn)?)
}

/// The sessions among `ids` whose group note is signed.
/// The group notes of these sessions (billing reads their signatures).
pub fn notes_of_sessions(conn: &mut DbConn, ids: &[SessionId]) -> Result<Vec<GroupNoteRow>> {
    Ok(group_notes::table
        .filter(group_notes::session_id.eq_any(ids))
        .select(GroupNoteRow::as_select())
        .load(conn)?)
}

pub fn signed_sessions(conn: &mut DbConn, ids: &[SessionId]) -> Result<Vec<SessionId>> {
    Ok(group_notes::table
        .filter(group_notes::session_id.eq_any(ids))
        .filter(group_notes::status.eq(NoteStatus::Signed))
        .select(group_notes::session_id)
        .load(conn)?)
}

/// The sessions a patient was added to as a make-up.
pub fn makeups_of_patient(
    conn: &mut DbConn,
    patient_id: PatientId,
) -> Result<std::collections::HashSet<SessionId>> {
    Ok(session_makeups::table
        .filter(session_makeups::patient_id.eq(patient_id))
        .select(session_makeups::session_id)
        .load::<SessionId>(conn)?
        .into_iter()
        .collect())
}

/// How many make-ups each session has.
pub fn makeup_counts(
    conn: &mut DbConn,
    session_ids: &[SessionId],
) -> Result<std::collections::HashMap<SessionId, u32>> {
    let rows = crate::dialect::load_in_chunks(session_ids, |chunk| {
        session_makeups::table
            .filter(session_makeups::session_id.eq_any(chunk))
            .select(session_makeups::session_id)
            .load::<SessionId>(conn)
    })?;
    let mut out = std::collections::HashMap::new();
    for s in rows {
        *out.entry(s).or_insert(0) += 1;
    }
    Ok(out)
}

/// Of these sessions, those where attendance was taken for anyone.
pub fn sessions_with_attendance(
    conn: &mut DbConn,
    session_ids: &[SessionId],
) -> Result<std::collections::HashSet<SessionId>> {
    let rows = crate::dialect::load_in_chunks(session_ids, |chunk| {
        attendance::table
            .filter(attendance::session_id.eq_any(chunk))
            .select(attendance::session_id)
            .distinct()
            .load::<SessionId>(conn)
    })?;
    Ok(rows.into_iter().collect())
}
