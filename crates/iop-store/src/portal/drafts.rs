//! Consents drafted by staff for the patient to sign in the portal.

use crate::db::{DbConn, Result};
use crate::schema::consent_drafts;
use diesel::prelude::*;
use iop_domain::ids::{ActorRef, ConsentDraftId, ConsentId, PatientId};
use iop_domain::time::Instant;

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = consent_drafts)]
pub struct DraftRow {
    pub id: ConsentDraftId,
    pub patient_id: PatientId,
    /// JSON of what the consent would say (`iop_app::consent::consents::NewConsent`).
    pub body: String,
    pub created_by: ActorRef,
    pub created_at: Instant,
    pub signed_consent_id: Option<ConsentId>,
    pub withdrawn_at: Option<Instant>,
}

pub fn insert(c: &mut DbConn, row: &DraftRow) -> Result<()> {
    diesel::insert_into(consent_drafts::table)
        .values(row)
        .execute(c)?;
    Ok(())
}

/// The patient's drafts still waiting for their signature, oldest first.
pub fn waiting(c: &mut DbConn, patient: PatientId) -> Result<Vec<DraftRow>> {
    Ok(consent_drafts::table
        .filter(consent_drafts::patient_id.eq(patient))
        .filter(consent_drafts::signed_consent_id.is_null())
        .filter(consent_drafts::withdrawn_at.is_null())
        .order(consent_drafts::created_at)
        .select(DraftRow::as_select())
        .load(c)?)
}

/// Marks a waiting draft signed as `consent`; false when it was not waiting.
pub fn mark_signed(c: &mut DbConn, id: ConsentDraftId, consent: ConsentId) -> Result<bool> {
    Ok(diesel::update(
        consent_drafts::table
            .find(id)
            .filter(consent_drafts::signed_consent_id.is_null())
            .filter(consent_drafts::withdrawn_at.is_null()),
    )
    .set(consent_drafts::signed_consent_id.eq(consent))
    .execute(c)?
        == 1)
}
