//! Staff accounts.

use crate::db::{DbConn, Result};
use crate::schema::users;
use diesel::prelude::*;
use iop_domain::time::Instant;
use iop_domain::{Role, UserId};

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = users)]
pub struct UserRow {
    pub id: UserId,
    pub email: String,
    pub display_name: String,
    pub role: Role,
    pub password_hash: String,
    pub totp_secret: Option<String>,
    pub disabled_at: Option<Instant>,
    pub created_at: Instant,
    /// The TOTP time step of the last code accepted.
    pub totp_last_step: Option<i64>,
}

pub fn insert(conn: &mut DbConn, row: &UserRow) -> Result<()> {
    diesel::insert_into(users::table)
        .values(row)
        .execute(conn)?;
    Ok(())
}

pub fn by_email(conn: &mut DbConn, email: &str) -> Result<Option<UserRow>> {
    Ok(users::table
        .filter(users::email.eq(email))
        .select(UserRow::as_select())
        .first(conn)
        .optional()?)
}

pub fn by_id(conn: &mut DbConn, id: UserId) -> Result<Option<UserRow>> {
    Ok(users::table
        .find(id)
        .select(UserRow::as_select())
        .first(conn)
        .optional()?)
}

pub fn list(conn: &mut DbConn) -> Result<Vec<UserRow>> {
    Ok(users::table
        .order(users::email.asc())
        .select(UserRow::as_select())
        .load(conn)?)
}

pub fn count(conn: &mut DbConn) -> Result<i64> {
    Ok(users::table.count().get_result(conn)?)
}

pub fn set_role(conn: &mut DbConn, id: UserId, role: Role) -> Result<bool> {
    Ok(diesel::update(users::table.find(id))
        .set(users::role.eq(role))
        .execute(conn)?
        == 1)
}

pub fn set_disabled(conn: &mut DbConn, id: UserId, at: Option<Instant>) -> Result<bool> {
    Ok(diesel::update(users::table.find(id))
        .set(users::disabled_at.eq(at))
        .execute(conn)?
        == 1)
}

pub fn set_password_hash(conn: &mut DbConn, id: UserId, hash: &str) -> Result<bool> {
    Ok(diesel::update(users::table.find(id))
        .set(users::password_hash.eq(hash))
        .execute(conn)?
        == 1)
}

pub fn set_totp_secret(conn: &mut DbConn, id: UserId, secret: Option<&str>) -> Result<bool> {
    Ok(diesel::update(users::table.find(id))
        .set(users::totp_secret.eq(secret))
        .execute(conn)?
        == 1)
}

/// Spends a TOTP time step: true only if it is later than every step spent before, so a
/// code is accepted once, even by two sign-ins racing each other.
pub fn spend_totp_step(conn: &mut DbConn, id: UserId, step: i64) -> Result<bool> {
    Ok(diesel::update(
        users::table.filter(users::id.eq(id)).filter(
            users::totp_last_step
                .is_null()
                .or(users::totp_last_step.lt(step)),
        ),
    )
    .set(users::totp_last_step.eq(step))
    .execute(conn)?
        == 1)
}
