//! Small key/value facts about the database itself (for example, that it holds the demo).

use crate::db::{DbConn, Result};
use crate::schema::meta;
use diesel::prelude::*;

pub fn get(conn: &mut DbConn, key: &str) -> Result<Option<String>> {
    Ok(meta::table
        .find(key)
        .select(meta::value)
        .first(conn)
        .optional()?)
}

pub fn set(conn: &mut DbConn, key: &str, value: &str) -> Result<()> {
    let updated = diesel::update(meta::table.find(key))
        .set(meta::value.eq(value))
        .execute(conn)?;
    if updated == 0 {
        diesel::insert_into(meta::table)
            .values((meta::key.eq(key), meta::value.eq(value)))
            .execute(conn)?;
    }
    Ok(())
}
