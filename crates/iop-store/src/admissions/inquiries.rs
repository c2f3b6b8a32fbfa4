//! Inquiries and their status history.

use crate::db::{DbConn, Result};
use crate::schema::{inquiries, inquiry_events};
use diesel::prelude::*;
use iop_domain::ids::*;
use iop_domain::time::Instant;

#[derive(Debug, Clone, Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = inquiries, treat_none_as_null = true)]
pub struct InquiryRow {
    pub id: InquiryId,
    pub channel: iop_domain::admissions::InquiryChannel,
    pub referral_source: Option<String>,
    pub first_name: String,
    pub last_name: Option<String>,
    pub phone: String,
    pub best_time: Option<String>,
    pub may_leave_message: bool,
    pub program_id: Option<ProgramId>,
    pub status: iop_domain::admissions::InquiryStatus,
    pub status_reason: Option<String>,
    /// JSON of `iop_domain::admissions::Screening`.
    pub screening: Option<String>,
    pub disposition: Option<String>,
    pub insurance_payer: Option<String>,
    pub insurance_member_id: Option<String>,
    pub insurance_status: iop_domain::admissions::InsuranceStatus,
    pub intake_at: Option<Instant>,
    pub patient_id: Option<PatientId>,
    pub first_contact_at: Instant,
    pub created_at: Instant,
    pub updated_at: Instant,
    /// The payer chosen at screening; admission starts the coverage from it.
    pub payer_id: Option<PayerId>,
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = inquiry_events)]
pub struct InquiryEventRow {
    pub id: InquiryEventId,
    pub inquiry_id: InquiryId,
    pub at: Instant,
    pub actor_id: Option<UserId>,
    pub from_status: Option<iop_domain::admissions::InquiryStatus>,
    pub to_status: iop_domain::admissions::InquiryStatus,
    pub reason: Option<String>,
}

pub fn insert(conn: &mut DbConn, row: &InquiryRow) -> Result<()> {
    diesel::insert_into(inquiries::table)
        .values(row)
        .execute(conn)?;
    Ok(())
}

pub fn update(conn: &mut DbConn, row: &InquiryRow) -> Result<()> {
    diesel::update(inquiries::table.find(&row.id))
        .set(row)
        .execute(conn)?;
    Ok(())
}

pub fn by_id(conn: &mut DbConn, id: InquiryId) -> Result<Option<InquiryRow>> {
    Ok(inquiries::table
        .find(id)
        .select(InquiryRow::as_select())
        .first(conn)
        .optional()?)
}

/// Newest first; `status` filters, `q` matches a name or phone number part.
pub fn search(
    conn: &mut DbConn,
    status: Option<iop_domain::admissions::InquiryStatus>,
    q: Option<&str>,
    limit: i64,
) -> Result<Vec<InquiryRow>> {
    let mut query = inquiries::table.into_boxed();
    if let Some(s) = status {
        query = query.filter(inquiries::status.eq(s));
    }
    if let Some(q) = q {
        let like = format!(
            "%{}%",
            q.replace('\\', "\\\\")
                .replace('%', "\\%")
                .replace('_', "\\_")
        );
        query = query.filter(
            inquiries::first_name
                .like(like.clone())
                .escape('\\')
                .or(inquiries::last_name.like(like.clone()).escape('\\'))
                .or(inquiries::phone.like(like).escape('\\')),
        );
    }
    Ok(query
        .order(inquiries::created_at.desc())
        .limit(limit)
        .select(InquiryRow::as_select())
        .load(conn)?)
}

/// Inquiries first contacted at or after `from`.
pub fn contacted_since(conn: &mut DbConn, from: Instant) -> Result<Vec<InquiryRow>> {
    Ok(inquiries::table
        .filter(inquiries::first_contact_at.ge(from))
        .select(InquiryRow::as_select())
        .load(conn)?)
}

pub fn insert_event(conn: &mut DbConn, row: &InquiryEventRow) -> Result<()> {
    diesel::insert_into(inquiry_events::table)
        .values(row)
        .execute(conn)?;
    Ok(())
}

pub fn events(conn: &mut DbConn, inquiry_id: InquiryId) -> Result<Vec<InquiryEventRow>> {
    Ok(inquiry_events::table
        .filter(inquiry_events::inquiry_id.eq(inquiry_id))
        .order(inquiry_events::at.asc())
        .select(InquiryEventRow::as_select())
        .load(conn)?)
}

/// Inquiries with an intake booked in [from, to), soonest first.
pub fn intakes_between(conn: &mut DbConn, from: Instant, to: Instant) -> Result<Vec<InquiryRow>> {
    Ok(inquiries::table
        .filter(inquiries::status.eq(iop_domain::admissions::InquiryStatus::Scheduled))
        .filter(inquiries::intake_at.ge(from))
        .filter(inquiries::intake_at.lt(to))
        .order(inquiries::intake_at.asc())
        .select(InquiryRow::as_select())
        .load(conn)?)
}
