//! What a referral sent over FHIR adds to its inquiry: birth date, diagnoses, contacts.

use crate::db::{DbConn, Result};
use crate::schema::{inquiry_referral_contacts, inquiry_referrals};
use diesel::prelude::*;
use iop_domain::icd10::Diagnoses;
use iop_domain::ids::{InquiryId, UserId};
use iop_domain::time::{Day, Instant};

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = inquiry_referrals)]
pub struct ReferralRow {
    pub inquiry_id: InquiryId,
    pub received_at: Instant,
    /// The staff account whose token posted it (an integration account, often).
    pub received_by: UserId,
    pub date_of_birth: Option<Day>,
    /// The sender's ICD-10-CM codes, principal first (checked again at admission).
    pub diagnoses: Diagnoses,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = inquiry_referral_contacts)]
pub struct ReferralContactRow {
    pub inquiry_id: InquiryId,
    /// Order in the Bundle, from 0.
    pub position: i32,
    pub name: String,
    pub relationship: Option<String>,
    pub phone: Option<String>,
}

pub fn insert(c: &mut DbConn, row: &ReferralRow, contacts: &[ReferralContactRow]) -> Result<()> {
    diesel::insert_into(inquiry_referrals::table)
        .values(row)
        .execute(c)?;
    // One statement each: the multi-backend connection has no batch insert.
    for contact in contacts {
        diesel::insert_into(inquiry_referral_contacts::table)
            .values(contact)
            .execute(c)?;
    }
    Ok(())
}

/// The referral of an inquiry, with its contacts in the order sent.
pub fn of_inquiry(
    c: &mut DbConn,
    id: InquiryId,
) -> Result<Option<(ReferralRow, Vec<ReferralContactRow>)>> {
    let Some(row) = inquiry_referrals::table
        .find(id)
        .select(ReferralRow::as_select())
        .first(c)
        .optional()?
    else {
        return Ok(None);
    };
    let contacts = inquiry_referral_contacts::table
        .filter(inquiry_referral_contacts::inquiry_id.eq(id))
        .order(inquiry_referral_contacts::position.asc())
        .select(ReferralContactRow::as_select())
        .load(c)?;
    Ok(Some((row, contacts)))
}
