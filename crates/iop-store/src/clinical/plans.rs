//! Relapse prevention plans and treatment plans, one row per version.

use crate::db::{DbConn, Result};
use crate::schema::{relapse_plans, treatment_plans};
use diesel::prelude::*;
use iop_domain::ids::*;
use iop_domain::time::{Day, Instant};

#[derive(Debug, Clone, Queryable, Selectable, Insertable, serde::Serialize, utoipa::ToSchema)]
#[diesel(table_name = relapse_plans)]
pub struct PlanRow {
    pub id: RelapsePlanId,
    pub patient_id: PatientId,
    pub version: i32,
    /// JSON of the plan's sections.
    pub content: String,
    pub created_by: ActorRef,
    pub created_at: Instant,
    pub patient_signature: Option<String>,
    pub patient_signed_at: Option<Instant>,
    pub counselor_signed_by: Option<ActorRef>,
    pub counselor_signed_at: Option<Instant>,
}

pub fn versions(conn: &mut DbConn, patient_id: PatientId) -> Result<Vec<PlanRow>> {
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
pub fn sign_patient(conn: &mut DbConn, id: RelapsePlanId, name: &str, at: Instant) -> Result<bool> {
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

pub fn sign_counselor(
    conn: &mut DbConn,
    id: RelapsePlanId,
    by: ActorRef,
    at: Instant,
) -> Result<bool> {
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

#[derive(Debug, Clone, Queryable, Selectable, Insertable, serde::Serialize, utoipa::ToSchema)]
#[diesel(table_name = treatment_plans)]
pub struct TreatmentPlanRow {
    pub id: TreatmentPlanId,
    pub patient_id: PatientId,
    pub version: i32,
    /// JSON of problems, goals, objectives and interventions.
    pub content: String,
    /// The date the plan is next due for review.
    pub review_due: Day,
    pub created_by: ActorRef,
    pub created_at: Instant,
    pub patient_signature: Option<String>,
    pub patient_signed_at: Option<Instant>,
    pub counselor_signed_by: Option<ActorRef>,
    pub counselor_signed_at: Option<Instant>,
}

pub fn treatment_versions(
    conn: &mut DbConn,
    patient_id: PatientId,
) -> Result<Vec<TreatmentPlanRow>> {
    Ok(treatment_plans::table
        .filter(treatment_plans::patient_id.eq(patient_id))
        .order(treatment_plans::version.desc())
        .select(TreatmentPlanRow::as_select())
        .load(conn)?)
}

pub fn insert_treatment(conn: &mut DbConn, row: &TreatmentPlanRow) -> Result<()> {
    diesel::insert_into(treatment_plans::table)
        .values(row)
        .execute(conn)?;
    Ok(())
}

/// Signs a treatment plan version, by the patient (`Some(name)`) or the counselor.
pub fn sign_treatment(
    conn: &mut DbConn,
    id: TreatmentPlanId,
    patient_name: Option<&str>,
    counselor: ActorRef,
    at: Instant,
) -> Result<bool> {
    let target = treatment_plans::table.find(id);
    let n = match patient_name {
        Some(name) => diesel::update(target.filter(treatment_plans::patient_signed_at.is_null()))
            .set((
                treatment_plans::patient_signature.eq(name),
                treatment_plans::patient_signed_at.eq(at),
            ))
            .execute(conn)?,
        None => diesel::update(target.filter(treatment_plans::counselor_signed_at.is_null()))
            .set((
                treatment_plans::counselor_signed_by.eq(counselor),
                treatment_plans::counselor_signed_at.eq(at),
            ))
            .execute(conn)?,
    };
    Ok(n == 1)
}

/// The review date of each listed patient's latest treatment plan version.
pub fn latest_reviews(
    conn: &mut DbConn,
    patient_ids: &[PatientId],
) -> Result<Vec<(PatientId, Day)>> {
    let rows: Vec<(PatientId, i32, Day)> = treatment_plans::table
        .filter(treatment_plans::patient_id.eq_any(patient_ids))
        .order((treatment_plans::patient_id, treatment_plans::version.desc()))
        .select((
            treatment_plans::patient_id,
            treatment_plans::version,
            treatment_plans::review_due,
        ))
        .load(conn)?;
    let mut out: Vec<(PatientId, Day)> = Vec::new();
    for (patient, _, due) in rows {
        if out.last().is_none_or(|(p, _)| *p != patient) {
            out.push((patient, due));
        }
    }
    Ok(out)
}
