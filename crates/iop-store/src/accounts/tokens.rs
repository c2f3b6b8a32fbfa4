//! API bearer tokens, stored as SHA-256 hashes only.

use crate::accounts::users::UserRow;
use crate::db::{DbConn, Result};
use crate::schema::{api_tokens, users};
use diesel::prelude::*;
use iop_domain::time::Instant;
use iop_domain::{TokenId, UserId};

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = api_tokens)]
pub struct TokenRow {
    pub id: TokenId,
    pub user_id: UserId,
    pub token_hash: String,
    pub name: String,
    pub created_at: Instant,
    pub expires_at: Instant,
    pub revoked_at: Option<Instant>,
}

pub fn insert(conn: &mut DbConn, row: &TokenRow) -> Result<()> {
    diesel::insert_into(api_tokens::table)
        .values(row)
        .execute(conn)?;
    Ok(())
}

pub fn by_hash_with_user(conn: &mut DbConn, hash: &str) -> Result<Option<(TokenRow, UserRow)>> {
    Ok(api_tokens::table
        .inner_join(users::table)
        .filter(api_tokens::token_hash.eq(hash))
        .select((TokenRow::as_select(), UserRow::as_select()))
        .first(conn)
        .optional()?)
}

pub fn by_id(conn: &mut DbConn, id: TokenId) -> Result<Option<TokenRow>> {
    Ok(api_tokens::table
        .find(id)
        .select(TokenRow::as_select())
        .first(conn)
        .optional()?)
}

pub fn for_user(conn: &mut DbConn, user_id: UserId) -> Result<Vec<TokenRow>> {
    Ok(api_tokens::table
        .filter(api_tokens::user_id.eq(user_id))
        .order(api_tokens::created_at.desc())
        .select(TokenRow::as_select())
        .load(conn)?)
}

pub fn revoke(conn: &mut DbConn, id: TokenId, at: Instant) -> Result<bool> {
    Ok(diesel::update(
        api_tokens::table
            .find(id)
            .filter(api_tokens::revoked_at.is_null()),
    )
    .set(api_tokens::revoked_at.eq(at))
    .execute(conn)?
        == 1)
}

/// Revokes every live token of a user (password, second factor or role changed).
pub fn revoke_all_for_user(conn: &mut DbConn, user_id: UserId, at: Instant) -> Result<usize> {
    Ok(diesel::update(
        api_tokens::table
            .filter(api_tokens::user_id.eq(user_id))
            .filter(api_tokens::revoked_at.is_null()),
    )
    .set(api_tokens::revoked_at.eq(at))
    .execute(conn)?)
}
