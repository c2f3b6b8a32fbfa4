//! Changing an authorization after the payer's review: more units, a later end, the
//! next review date. The row holds the terms in force; the audit entry keeps the earlier
//! ones.

use super::AuthorizationRow;
use crate::db::{DbConn, Result};
use crate::schema::authorizations;
use diesel::prelude::*;
use iop_domain::ids::AuthorizationId;
use iop_domain::time::Day;

pub fn authorization_by_id(
    conn: &mut DbConn,
    id: AuthorizationId,
) -> Result<Option<AuthorizationRow>> {
    Ok(authorizations::table
        .find(id)
        .filter(authorizations::voided_at.is_null())
        .select(AuthorizationRow::as_select())
        .first(conn)
        .optional()?)
}

pub fn set_terms(
    conn: &mut DbConn,
    id: AuthorizationId,
    units: i32,
    end_date: Day,
    next_review_on: Option<Day>,
) -> Result<bool> {
    Ok(diesel::update(authorizations::table.find(id))
        .set((
            authorizations::units.eq(units),
            authorizations::end_date.eq(end_date),
            authorizations::next_review_on.eq(next_review_on),
        ))
        .execute(conn)?
        == 1)
}
