//! Relapse prevention plans, one row per version.

use crate::db::{DbConn, Result};
use crate::schema::relapse_plans;
use diesel::prelude::*;

#[derive(Debug, Clone, Queryable, Selectable, Insertable, serde::Serialize)]
#[diesel(table_name = relapse_plans)]
pub struct PlanRow {
    pub id: String,
    pub patient_id: String,
    pub version: i32,
    /// JSON of the plan's sections.
    pub content: String,
    pub created_by: String,
    pub created_at: String,
    pub patient_signature: Option<String>,
    pub patient_signed_at: Option<String>,
    pub counselor_signed_by: Option<String>,
    pub counselor_signed_at: Option<String>,
}

pub fn versions(conn: &mut DbConn, patient_id: &str) -> Result<Vec<PlanRow>> {
    Ok(relapse_plans::table
        .filter(relapse_plans::patient_id.eq(patient_id))
        .order(relapse_plans::version.desc())
        .select(PlanRow::as_select())
        .load(conn)?)
}

pub fn insert(conn: &mut DbConn, row: &PlanRow) -> Result<()> {
    diesel::insert_into(relapse_plans::table)
        .values(row)
        .execute(conn)?;
    Ok(())
}

/// Adds the patient's signature to a version not yet signed by them.
pub fn sign_patient(conn: &mut DbConn, id: &str, name: &str, at: &str) -> Result<bool> {
    Ok(diesel::update(
        relapse_plans::table
            .find(id)
            .filter(relapse_plans::patient_signed_at.is_null()),
    )
    .set((
        relapse_plans::patient_signature.eq(name),
        relapse_plans::patient_signed_at.eq(at),
    ))
    .execute(conn)?
        == 1)
}

pub fn sign_counselor(conn: &mut DbConn, id: &str, by: &str, at: &str) -> Result<bool> {
    Ok(diesel::update(
        relapse_plans::table
            .find(id)
            .filter(relapse_plans::counselor_signed_at.is_null()),
    )
    .set((
        relapse_plans::counselor_signed_by.eq(by),
        relapse_plans::counselor_signed_at.eq(at),
    ))
    .execute(conn)?
        == 1)
}
