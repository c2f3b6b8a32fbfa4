//! Sessions, closures, topics, staff, facilitator assignments and calendar feeds.

use crate::db::{DbConn, Result};
use crate::schema::{calendar_feeds, closures, session_facilitators, sessions, staff, topics};
use diesel::prelude::*;
use iop_domain::calendar::{SessionKind, SessionStatus};
use iop_domain::ids::SessionId;
use iop_domain::ids::*;
use iop_domain::time::{Day, Instant};

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = closures)]
pub struct ClosureRow {
    pub id: ClosureId,
    pub site_id: SiteId,
    pub local_date: Day,
    pub reason: String,
    pub created_at: Instant,
    pub voided_at: Option<Instant>,
    pub void_reason: Option<String>,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = topics)]
pub struct TopicRow {
    pub id: TopicId,
    pub program_id: ProgramId,
    pub position: i32,
    pub title: String,
    pub active: bool,
    pub created_at: Instant,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = sessions, treat_none_as_null = true)]
pub struct SessionRow {
    pub id: SessionId,
    pub program_id: ProgramId,
    pub track_id: Option<TrackId>,
    pub kind: SessionKind,
    pub gen_key: String,
    pub local_date: Day,
    pub starts_at: Instant,
    pub ends_at: Instant,
    pub status: SessionStatus,
    pub cancel_source: Option<iop_domain::calendar::CancelSource>,
    pub cancel_reason: Option<String>,
    pub topic_id: Option<TopicId>,
    pub topic_locked: bool,
    pub original_starts_at: Option<Instant>,
    pub sequence: i32,
    pub created_at: Instant,
    pub updated_at: Instant,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = staff)]
pub struct StaffRow {
    pub id: StaffId,
    pub user_id: Option<UserId>,
    pub display_name: String,
    pub credentials: iop_domain::account::Credentials,
    pub npi: Option<iop_domain::npi::Npi>,
    pub active: bool,
    pub created_at: Instant,
    /// Their notes need a clinical director's co-signature (staff under supervision).
    pub requires_cosign: bool,
    /// Their provider taxonomy code (loop 2310B PRV03), such as 101YA0400X.
    pub taxonomy: Option<String>,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = session_facilitators)]
pub struct AssignmentRow {
    pub id: AssignmentId,
    pub session_id: SessionId,
    pub staff_id: StaffId,
    pub assigned_at: Instant,
    pub unassigned_at: Option<Instant>,
    pub unassigned_reason: Option<String>,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = calendar_feeds)]
pub struct FeedRow {
    pub id: FeedId,
    pub token_hash: String,
    pub staff_id: Option<StaffId>,
    pub track_id: Option<TrackId>,
    pub created_at: Instant,
    pub revoked_at: Option<Instant>,
}

pub fn insert_closure(conn: &mut DbConn, row: &ClosureRow) -> Result<()> {
    diesel::insert_into(closures::table)
        .values(row)
        .execute(conn)?;
    Ok(())
}

/// Closures of a site in force (not voided), optionally in a date range.
pub fn closures_of_site(
    conn: &mut DbConn,
    site_id: SiteId,
    from: Day,
    to: Day,
) -> Result<Vec<ClosureRow>> {
    Ok(closures::table
        .filter(closures::site_id.eq(site_id))
        .filter(closures::voided_at.is_null())
        .filter(closures::local_date.ge(from))
        .filter(closures::local_date.le(to))
        .order(closures::local_date.asc())
        .select(ClosureRow::as_select())
        .load(conn)?)
}

pub fn closure_by_id(conn: &mut DbConn, id: ClosureId) -> Result<Option<ClosureRow>> {
    Ok(closures::table
        .find(id)
        .select(ClosureRow::as_select())
        .first(conn)
        .optional()?)
}

pub fn void_closure(conn: &mut DbConn, id: ClosureId, at: Instant, reason: &str) -> Result<bool> {
    Ok(diesel::update(
        closures::table
            .find(id)
            .filter(closures::voided_at.is_null()),
    )
    .set((closures::voided_at.eq(at), closures::void_reason.eq(reason)))
    .execute(conn)?
        == 1)
}

pub fn insert_topic(conn: &mut DbConn, row: &TopicRow) -> Result<()> {
    diesel::insert_into(topics::table)
        .values(row)
        .execute(conn)?;
    Ok(())
}

pub fn topics_of(conn: &mut DbConn, program_id: ProgramId) -> Result<Vec<TopicRow>> {
    Ok(topics::table
        .filter(topics::program_id.eq(program_id))
        .order(topics::position.asc())
        .select(TopicRow::as_select())
        .load(conn)?)
}

pub fn update_session(conn: &mut DbConn, row: &SessionRow) -> Result<()> {
    diesel::update(sessions::table.find(&row.id))
        .set(row)
        .execute(conn)?;
    Ok(())
}

pub fn session_by_id(conn: &mut DbConn, id: SessionId) -> Result<Option<SessionRow>> {
    Ok(sessions::table
        .find(id)
        .select(SessionRow::as_select())
        .first(conn)
        .optional()?)
}

/// Sessions of the given programs (all when `None`) with local dates in `[from, to]`.
pub fn sessions_between(
    conn: &mut DbConn,
    program_ids: Option<&[ProgramId]>,
    from: Day,
    to: Day,
) -> Result<Vec<SessionRow>> {
    let mut q = sessions::table
        .filter(sessions::local_date.ge(from))
        .filter(sessions::local_date.le(to))
        .into_boxed();
    if let Some(ids) = program_ids {
        q = q.filter(sessions::program_id.eq_any(ids.to_vec()));
    }
    Ok(q.order((sessions::starts_at.asc(), sessions::kind.asc()))
        .select(SessionRow::as_select())
        .load(conn)?)
}

/// Held core sessions of a track before a date: where the curriculum rotation stands.
pub fn count_core_held_or_scheduled_before(
    conn: &mut DbConn,
    track_id: TrackId,
    before: Day,
) -> Result<i64> {
    Ok(sessions::table
        .filter(sessions::track_id.eq(track_id))
        .filter(sessions::kind.eq(SessionKind::Core))
        .filter(sessions::status.ne(SessionStatus::Cancelled))
        .filter(sessions::local_date.lt(before))
        .count()
        .get_result(conn)?)
}

pub fn insert_staff(conn: &mut DbConn, row: &StaffRow) -> Result<()> {
    diesel::insert_into(staff::table)
        .values(row)
        .execute(conn)?;
    Ok(())
}

pub fn all_staff(conn: &mut DbConn) -> Result<Vec<StaffRow>> {
    match crate::org_cache::snapshot(conn)? {
        Some(org) => Ok(org.staff.clone()),
        None => load_staff(conn),
    }
}

pub(crate) fn load_staff(conn: &mut DbConn) -> Result<Vec<StaffRow>> {
    Ok(staff::table
        .order(staff::display_name.asc())
        .select(StaffRow::as_select())
        .load(conn)?)
}

pub fn staff_by_id(conn: &mut DbConn, id: StaffId) -> Result<Option<StaffRow>> {
    if let Some(org) = crate::org_cache::snapshot(conn)? {
        return Ok(org.staff.iter().find(|s| s.id == id).cloned());
    }
    Ok(staff::table
        .find(id)
        .select(StaffRow::as_select())
        .first(conn)
        .optional()?)
}

pub fn set_staff_billing_identity(
    conn: &mut DbConn,
    id: StaffId,
    npi: Option<&iop_domain::npi::Npi>,
    taxonomy: Option<&str>,
) -> Result<()> {
    diesel::update(staff::table.find(id))
        .set((staff::npi.eq(npi), staff::taxonomy.eq(taxonomy)))
        .execute(conn)?;
    Ok(())
}

/// Credentials, supervision and whether the person still works here.
pub fn set_staff_profile(
    conn: &mut DbConn,
    id: StaffId,
    credentials: &iop_domain::account::Credentials,
    requires_cosign: bool,
    active: bool,
) -> Result<bool> {
    Ok(diesel::update(staff::table.find(id))
        .set((
            staff::credentials.eq(credentials),
            staff::requires_cosign.eq(requires_cosign),
            staff::active.eq(active),
        ))
        .execute(conn)?
        == 1)
}

pub fn staff_by_user(conn: &mut DbConn, user_id: UserId) -> Result<Option<StaffRow>> {
    if let Some(org) = crate::org_cache::snapshot(conn)? {
        return Ok(org
            .staff
            .iter()
            .find(|s| s.user_id == Some(user_id))
            .cloned());
    }
    Ok(staff::table
        .filter(staff::user_id.eq(user_id))
        .select(StaffRow::as_select())
        .first(conn)
        .optional()?)
}

pub fn insert_assignment(conn: &mut DbConn, row: &AssignmentRow) -> Result<()> {
    diesel::insert_into(session_facilitators::table)
        .values(row)
        .execute(conn)?;
    Ok(())
}

/// Current (not unassigned) assignments of the given sessions.
pub fn current_assignments(
    conn: &mut DbConn,
    session_ids: &[SessionId],
) -> Result<Vec<AssignmentRow>> {
    crate::dialect::load_in_chunks(session_ids, |chunk| {
        session_facilitators::table
            .filter(session_facilitators::session_id.eq_any(chunk))
            .filter(session_facilitators::unassigned_at.is_null())
            .select(AssignmentRow::as_select())
            .load(conn)
    })
}

/// Current assignments of one staff member with session dates in `[from, to]`.
pub fn sessions_of_staff(
    conn: &mut DbConn,
    staff_id: StaffId,
    from: Day,
    to: Day,
) -> Result<Vec<SessionRow>> {
    Ok(sessions::table
        .inner_join(session_facilitators::table)
        .filter(session_facilitators::staff_id.eq(staff_id))
        .filter(session_facilitators::unassigned_at.is_null())
        .filter(sessions::local_date.ge(from))
        .filter(sessions::local_date.le(to))
        .order(sessions::starts_at.asc())
        .select(SessionRow::as_select())
        .load(conn)?)
}

pub fn unassign(
    conn: &mut DbConn,
    session_id: SessionId,
    staff_id: StaffId,
    at: Instant,
    reason: &str,
) -> Result<bool> {
    Ok(diesel::update(
        session_facilitators::table
            .filter(session_facilitators::session_id.eq(session_id))
            .filter(session_facilitators::staff_id.eq(staff_id))
            .filter(session_facilitators::unassigned_at.is_null()),
    )
    .set((
        session_facilitators::unassigned_at.eq(at),
        session_facilitators::unassigned_reason.eq(reason),
    ))
    .execute(conn)?
        > 0)
}

pub fn insert_feed(conn: &mut DbConn, row: &FeedRow) -> Result<()> {
    diesel::insert_into(calendar_feeds::table)
        .values(row)
        .execute(conn)?;
    Ok(())
}

pub fn feed_by_hash(conn: &mut DbConn, hash: &str) -> Result<Option<FeedRow>> {
    Ok(calendar_feeds::table
        .filter(calendar_feeds::token_hash.eq(hash))
        .select(FeedRow::as_select())
        .first(conn)
        .optional()?)
}

pub fn feeds(conn: &mut DbConn) -> Result<Vec<FeedRow>> {
    Ok(calendar_feeds::table
        .order(calendar_feeds::created_at.desc())
        .select(FeedRow::as_select())
        .load(conn)?)
}

pub fn revoke_feed(conn: &mut DbConn, id: FeedId, at: Instant) -> Result<bool> {
    Ok(diesel::update(
        calendar_feeds::table
            .find(id)
            .filter(calendar_feeds::revoked_at.is_null()),
    )
    .set(calendar_feeds::revoked_at.eq(at))
    .execute(conn)?
        == 1)
}
