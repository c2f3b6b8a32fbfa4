//! Server-side web sessions and the login-failure record used for throttling.

use crate::accounts::users::UserRow;
use crate::db::{DbConn, Result};
use crate::schema::{login_failures, users, web_sessions};
use diesel::prelude::*;
use iop_domain::time::Instant;
use iop_domain::UserId;

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = web_sessions)]
pub struct WebSessionRow {
    pub id_hash: String,
    pub user_id: UserId,
    pub csrf_token: String,
    pub created_at: Instant,
    pub last_seen_at: Instant,
    pub ended_at: Option<Instant>,
}

pub fn insert(conn: &mut DbConn, row: &WebSessionRow) -> Result<()> {
    diesel::insert_into(web_sessions::table)
        .values(row)
        .execute(conn)?;
    Ok(())
}

/// The open session with this id hash and its user, in one query.
pub fn open_with_user(
    conn: &mut DbConn,
    id_hash: &str,
) -> Result<Option<(WebSessionRow, UserRow)>> {
    Ok(web_sessions::table
        .inner_join(users::table)
        .filter(web_sessions::id_hash.eq(id_hash))
        .filter(web_sessions::ended_at.is_null())
        .select((WebSessionRow::as_select(), UserRow::as_select()))
        .first(conn)
        .optional()?)
}

pub fn touch(conn: &mut DbConn, id_hash: &str, at: Instant) -> Result<()> {
    diesel::update(web_sessions::table.find(id_hash))
        .set(web_sessions::last_seen_at.eq(at))
        .execute(conn)?;
    Ok(())
}

pub fn end(conn: &mut DbConn, id_hash: &str, at: Instant) -> Result<bool> {
    Ok(diesel::update(
        web_sessions::table
            .find(id_hash)
            .filter(web_sessions::ended_at.is_null()),
    )
    .set(web_sessions::ended_at.eq(at))
    .execute(conn)?
        == 1)
}

/// Ends every open session of a user (disabled account, role change).
pub fn end_all_for_user(conn: &mut DbConn, user_id: UserId, at: Instant) -> Result<usize> {
    Ok(diesel::update(
        web_sessions::table
            .filter(web_sessions::user_id.eq(user_id))
            .filter(web_sessions::ended_at.is_null()),
    )
    .set(web_sessions::ended_at.eq(at))
    .execute(conn)?)
}

pub fn record_failure(conn: &mut DbConn, key: &str, at: Instant) -> Result<()> {
    diesel::insert_into(login_failures::table)
        .values((
            login_failures::throttle_key.eq(key),
            login_failures::at.eq(at),
        ))
        .execute(conn)?;
    Ok(())
}

/// Failure instants for `key` at or after `since` (stored text form).
pub fn failures_since(conn: &mut DbConn, key: &str, since: Instant) -> Result<Vec<Instant>> {
    Ok(login_failures::table
        .filter(login_failures::throttle_key.eq(key))
        .filter(login_failures::at.ge(since))
        .select(login_failures::at)
        .load(conn)?)
}

/// Forgets the failures of `key` (an account, after it signs in).
pub fn clear_failures(conn: &mut DbConn, key: &str) -> Result<()> {
    diesel::delete(login_failures::table.filter(login_failures::throttle_key.eq(key)))
        .execute(conn)?;
    Ok(())
}
