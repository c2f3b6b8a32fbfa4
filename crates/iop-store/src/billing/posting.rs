//! 835 remittances as stored: the files posted (by content hash) and the items that
//! matched no claim, the work queue until resolved; the claims and lines an 835 names.

use super::{ChargeRow, ClaimRow, RemittanceRow, UnmatchedRow};
use crate::db::{DbConn, Result};
use crate::schema::{charges, claims, remittance_unmatched, remittances};
use diesel::prelude::*;
use iop_domain::ids::*;
use iop_domain::time::Instant;

pub fn remittance_by_hash(conn: &mut DbConn, hash: &str) -> Result<Option<RemittanceRow>> {
    Ok(remittances::table
        .filter(remittances::content_hash.eq(hash))
        .select(RemittanceRow::as_select())
        .first(conn)
        .optional()?)
}

pub fn remittance_by_id(conn: &mut DbConn, id: RemittanceId) -> Result<Option<RemittanceRow>> {
    Ok(remittances::table
        .find(id)
        .select(RemittanceRow::as_select())
        .first(conn)
        .optional()?)
}

pub fn provider_ledger(conn: &mut DbConn) -> Result<Vec<super::ProviderLedgerRow>> {
    Ok(crate::schema::provider_ledger::table
        .order(crate::schema::provider_ledger::created_at.desc())
        .select(super::ProviderLedgerRow::as_select())
        .load(conn)?)
}

pub fn remittances_list(conn: &mut DbConn) -> Result<Vec<RemittanceRow>> {
    Ok(remittances::table
        .order(remittances::imported_at.desc())
        .select(RemittanceRow::as_select())
        .load(conn)?)
}

pub fn open_unmatched(conn: &mut DbConn) -> Result<Vec<UnmatchedRow>> {
    Ok(remittance_unmatched::table
        .filter(remittance_unmatched::resolved_at.is_null())
        .select(UnmatchedRow::as_select())
        .load(conn)?)
}

pub fn set_remittance_counts(
    conn: &mut DbConn,
    id: RemittanceId,
    matched: i32,
    unmatched: i32,
) -> Result<()> {
    diesel::update(remittances::table.find(id))
        .set((
            remittances::claims_matched.eq(matched),
            remittances::claims_unmatched.eq(unmatched),
        ))
        .execute(conn)?;
    Ok(())
}

/// Closes a work-queue item with what was done; false when it was already closed.
pub fn resolve_unmatched(
    conn: &mut DbConn,
    id: UnmatchedId,
    by: ActorRef,
    at: Instant,
    resolution: &str,
) -> Result<bool> {
    Ok(diesel::update(
        remittance_unmatched::table
            .find(id)
            .filter(remittance_unmatched::resolved_at.is_null()),
    )
    .set((
        remittance_unmatched::resolved_at.eq(at),
        remittance_unmatched::resolved_by.eq(by),
        remittance_unmatched::resolution.eq(resolution),
    ))
    .execute(conn)?
        == 1)
}

/// The claims with these numbers (an 835 names them).
pub fn claims_by_numbers(conn: &mut DbConn, numbers: &[String]) -> Result<Vec<ClaimRow>> {
    crate::dialect::load_in_chunks(numbers, |chunk| {
        claims::table
            .filter(claims::claim_number.eq_any(chunk))
            .select(ClaimRow::as_select())
            .load(conn)
    })
}

/// The charges on these claims.
pub fn charges_of_claims(conn: &mut DbConn, claim_ids: &[ClaimId]) -> Result<Vec<ChargeRow>> {
    crate::dialect::load_in_chunks(claim_ids, |chunk| {
        charges::table
            .filter(charges::claim_id.eq_any(chunk))
            .select(ChargeRow::as_select())
            .load(conn)
    })
}
