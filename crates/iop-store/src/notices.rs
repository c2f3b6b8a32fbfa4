//! The notice of privacy practices (42 CFR §2.22) given to each patient.

use crate::db::{DbConn, Result};
use crate::schema::{privacy_notices, programs};
use diesel::prelude::*;
use iop_domain::ids::*;
use iop_domain::time::Instant;

#[derive(Debug, Clone, Queryable, Selectable, Insertable, serde::Serialize, utoipa::ToSchema)]
#[diesel(table_name = privacy_notices)]
pub struct PrivacyNoticeRow {
    pub id: PrivacyNoticeId,
    pub patient_id: PatientId,
    pub episode_id: Option<EpisodeId>,
    /// The program's notice version the patient was given.
    pub version: String,
    pub given_at: Instant,
    pub given_by: ActorRef,
    pub recorded_at: Instant,
}

pub fn insert(conn: &mut DbConn, row: &PrivacyNoticeRow) -> Result<()> {
    diesel::insert_into(privacy_notices::table)
        .values(row)
        .execute(conn)?;
    Ok(())
}

/// The notices given to a patient, latest first.
pub fn of_patient(conn: &mut DbConn, patient_id: PatientId) -> Result<Vec<PrivacyNoticeRow>> {
    Ok(privacy_notices::table
        .filter(privacy_notices::patient_id.eq(patient_id))
        .order(privacy_notices::given_at.desc())
        .select(PrivacyNoticeRow::as_select())
        .load(conn)?)
}

/// Sets a program's Part 2 settings: the state's rule for minors and the notice version.
pub fn set_program_privacy(
    conn: &mut DbConn,
    program_id: ProgramId,
    minors_need_parent_consent: bool,
    age_of_majority: i32,
    privacy_notice_version: &str,
) -> Result<bool> {
    Ok(diesel::update(programs::table.find(program_id))
        .set((
            programs::minors_need_parent_consent.eq(minors_need_parent_consent),
            programs::age_of_majority.eq(age_of_majority),
            programs::privacy_notice_version.eq(privacy_notice_version),
        ))
        .execute(conn)?
        == 1)
}
