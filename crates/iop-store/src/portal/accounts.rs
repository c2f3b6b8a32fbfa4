//! Portal accounts, their sessions, one-time links and mail preferences.

use crate::db::{DbConn, Result};
use crate::schema::{portal_accounts, portal_mail_preferences, portal_sessions, portal_tokens};
use diesel::prelude::*;
use iop_domain::ids::{PatientId, RelatedPersonId, UserId};
use iop_domain::portal::{MailKind, PortalRole};
use iop_domain::time::{ClockTime, Instant};

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = portal_accounts)]
pub struct PortalAccountRow {
    pub id: UserId,
    pub email: String,
    pub role: PortalRole,
    pub patient_id: PatientId,
    pub related_person_id: Option<RelatedPersonId>,
    /// None until the invitation is accepted.
    pub password_hash: Option<String>,
    pub totp_secret: Option<String>,
    pub totp_last_step: Option<i64>,
    pub disabled_at: Option<Instant>,
    /// Quiet hours in the patient's site's time.
    pub quiet_from: Option<ClockTime>,
    pub quiet_until: Option<ClockTime>,
    pub bounced_at: Option<Instant>,
    /// The hash of the token of the person's calendar link, while they keep one.
    pub feed_token_hash: Option<String>,
    pub invited_by: UserId,
    pub created_at: Instant,
}

pub fn insert(c: &mut DbConn, row: &PortalAccountRow) -> Result<()> {
    diesel::insert_into(portal_accounts::table)
        .values(row)
        .execute(c)?;
    Ok(())
}

pub fn by_email(c: &mut DbConn, email: &str) -> Result<Option<PortalAccountRow>> {
    Ok(portal_accounts::table
        .filter(portal_accounts::email.eq(email))
        .select(PortalAccountRow::as_select())
        .first(c)
        .optional()?)
}

pub fn by_id(c: &mut DbConn, id: UserId) -> Result<Option<PortalAccountRow>> {
    Ok(portal_accounts::table
        .find(id)
        .select(PortalAccountRow::as_select())
        .first(c)
        .optional()?)
}

/// Every portal account of a patient and of their relatives.
pub fn of_patient(c: &mut DbConn, patient: PatientId) -> Result<Vec<PortalAccountRow>> {
    Ok(portal_accounts::table
        .filter(portal_accounts::patient_id.eq(patient))
        .order(portal_accounts::created_at)
        .select(PortalAccountRow::as_select())
        .load(c)?)
}

/// Patient accounts that may get mail (accepted, not disabled, address not bounced).
pub fn reachable_patients(c: &mut DbConn) -> Result<Vec<PortalAccountRow>> {
    Ok(portal_accounts::table
        .filter(portal_accounts::role.eq(PortalRole::Patient))
        .filter(portal_accounts::password_hash.is_not_null())
        .filter(portal_accounts::disabled_at.is_null())
        .filter(portal_accounts::bounced_at.is_null())
        .select(PortalAccountRow::as_select())
        .load(c)?)
}

pub fn set_password(c: &mut DbConn, id: UserId, hash: &str) -> Result<()> {
    diesel::update(portal_accounts::table.find(id))
        .set(portal_accounts::password_hash.eq(hash))
        .execute(c)?;
    Ok(())
}

pub fn set_disabled(c: &mut DbConn, id: UserId, at: Option<Instant>) -> Result<()> {
    diesel::update(portal_accounts::table.find(id))
        .set(portal_accounts::disabled_at.eq(at))
        .execute(c)?;
    Ok(())
}

pub fn set_quiet_hours(
    c: &mut DbConn,
    id: UserId,
    from: Option<ClockTime>,
    until: Option<ClockTime>,
) -> Result<()> {
    diesel::update(portal_accounts::table.find(id))
        .set((
            portal_accounts::quiet_from.eq(from),
            portal_accounts::quiet_until.eq(until),
        ))
        .execute(c)?;
    Ok(())
}

/// Makes an account new again for a fresh invitation (a corrected address, or after it
/// was disabled): no password, second factor or calendar link; enabled.
pub fn reset_for_invitation(c: &mut DbConn, id: UserId, email: &str) -> Result<()> {
    diesel::update(portal_accounts::table.find(id))
        .set((
            portal_accounts::email.eq(email),
            portal_accounts::password_hash.eq(None::<String>),
            portal_accounts::totp_secret.eq(None::<String>),
            portal_accounts::totp_last_step.eq(None::<i64>),
            portal_accounts::disabled_at.eq(None::<Instant>),
            portal_accounts::feed_token_hash.eq(None::<String>),
        ))
        .execute(c)?;
    Ok(())
}

/// The account of this patient (`person` None) or of this relative of theirs.
pub fn of_person(
    c: &mut DbConn,
    patient: PatientId,
    person: Option<RelatedPersonId>,
) -> Result<Option<PortalAccountRow>> {
    let q = portal_accounts::table
        .filter(portal_accounts::patient_id.eq(patient))
        .into_boxed();
    let q = match person {
        Some(p) => q.filter(portal_accounts::related_person_id.eq(p)),
        None => q.filter(portal_accounts::related_person_id.is_null()),
    };
    Ok(q.select(PortalAccountRow::as_select())
        .first(c)
        .optional()?)
}

/// Spends every unused one-time link of an account (a new one was sent, a password
/// was set, or the account was disabled).
pub fn void_tokens(c: &mut DbConn, account: UserId, at: Instant) -> Result<usize> {
    Ok(diesel::update(
        portal_tokens::table
            .filter(portal_tokens::account_id.eq(account))
            .filter(portal_tokens::used_at.is_null()),
    )
    .set(portal_tokens::used_at.eq(at))
    .execute(c)?)
}

/// Sets (or with None, stops) the account's calendar link.
pub fn set_feed(c: &mut DbConn, id: UserId, token_hash: Option<&str>) -> Result<()> {
    diesel::update(portal_accounts::table.find(id))
        .set(portal_accounts::feed_token_hash.eq(token_hash))
        .execute(c)?;
    Ok(())
}

/// The account whose calendar link has this token hash.
pub fn by_feed(c: &mut DbConn, token_hash: &str) -> Result<Option<PortalAccountRow>> {
    Ok(portal_accounts::table
        .filter(portal_accounts::feed_token_hash.eq(token_hash))
        .select(PortalAccountRow::as_select())
        .first(c)
        .optional()?)
}

/// Marks the address as refused by the receiving server (None clears it).
pub fn set_bounced(c: &mut DbConn, email: &str, at: Option<Instant>) -> Result<usize> {
    Ok(
        diesel::update(portal_accounts::table.filter(portal_accounts::email.eq(email)))
            .set(portal_accounts::bounced_at.eq(at))
            .execute(c)?,
    )
}

/// Spends a TOTP step: false when it (or a later one) was already used.
pub fn spend_totp_step(c: &mut DbConn, id: UserId, step: i64) -> Result<bool> {
    let n = diesel::update(
        portal_accounts::table.find(id).filter(
            portal_accounts::totp_last_step
                .is_null()
                .or(portal_accounts::totp_last_step.lt(step)),
        ),
    )
    .set(portal_accounts::totp_last_step.eq(step))
    .execute(c)?;
    Ok(n == 1)
}

pub fn set_totp(c: &mut DbConn, id: UserId, sealed: Option<&str>) -> Result<()> {
    diesel::update(portal_accounts::table.find(id))
        .set((
            portal_accounts::totp_secret.eq(sealed),
            portal_accounts::totp_last_step.eq(None::<i64>),
        ))
        .execute(c)?;
    Ok(())
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = portal_sessions)]
pub struct PortalSessionRow {
    pub id_hash: String,
    pub account_id: UserId,
    pub csrf_token: String,
    pub created_at: Instant,
    pub last_seen_at: Instant,
    pub ended_at: Option<Instant>,
}

pub fn insert_session(c: &mut DbConn, row: &PortalSessionRow) -> Result<()> {
    diesel::insert_into(portal_sessions::table)
        .values(row)
        .execute(c)?;
    Ok(())
}

/// The open session with this id hash and its account, in one query.
pub fn open_session(
    c: &mut DbConn,
    id_hash: &str,
) -> Result<Option<(PortalSessionRow, PortalAccountRow)>> {
    Ok(portal_sessions::table
        .inner_join(portal_accounts::table)
        .filter(portal_sessions::id_hash.eq(id_hash))
        .filter(portal_sessions::ended_at.is_null())
        .select((PortalSessionRow::as_select(), PortalAccountRow::as_select()))
        .first(c)
        .optional()?)
}

pub fn touch_session(c: &mut DbConn, id_hash: &str, at: Instant) -> Result<()> {
    diesel::update(portal_sessions::table.find(id_hash))
        .set(portal_sessions::last_seen_at.eq(at))
        .execute(c)?;
    Ok(())
}

pub fn end_session(c: &mut DbConn, id_hash: &str, at: Instant) -> Result<bool> {
    Ok(diesel::update(
        portal_sessions::table
            .find(id_hash)
            .filter(portal_sessions::ended_at.is_null()),
    )
    .set(portal_sessions::ended_at.eq(at))
    .execute(c)?
        == 1)
}

pub fn end_sessions_of(c: &mut DbConn, account: UserId, at: Instant) -> Result<usize> {
    Ok(diesel::update(
        portal_sessions::table
            .filter(portal_sessions::account_id.eq(account))
            .filter(portal_sessions::ended_at.is_null()),
    )
    .set(portal_sessions::ended_at.eq(at))
    .execute(c)?)
}

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = portal_tokens)]
pub struct PortalTokenRow {
    pub token_hash: String,
    pub account_id: UserId,
    pub purpose: MailKind,
    pub expires_at: Instant,
    pub used_at: Option<Instant>,
    pub created_at: Instant,
}

pub fn insert_token(c: &mut DbConn, row: &PortalTokenRow) -> Result<()> {
    diesel::insert_into(portal_tokens::table)
        .values(row)
        .execute(c)?;
    Ok(())
}

/// Spends a one-time link of `purpose`: its account when the link is known, unused and
/// unexpired at `now`, else None. Spent in the caller's transaction.
pub fn spend_token(
    c: &mut DbConn,
    token_hash: &str,
    purpose: MailKind,
    now: Instant,
) -> Result<Option<UserId>> {
    let row: Option<PortalTokenRow> = portal_tokens::table
        .find(token_hash)
        .filter(portal_tokens::purpose.eq(purpose))
        .filter(portal_tokens::used_at.is_null())
        .filter(portal_tokens::expires_at.gt(now))
        .select(PortalTokenRow::as_select())
        .first(c)
        .optional()?;
    let Some(row) = row else { return Ok(None) };
    let n = diesel::update(
        portal_tokens::table
            .find(token_hash)
            .filter(portal_tokens::used_at.is_null()),
    )
    .set(portal_tokens::used_at.eq(now))
    .execute(c)?;
    Ok((n == 1).then_some(row.account_id))
}

/// The account a one-time link belongs to, used or not.
pub fn token_owner(c: &mut DbConn, token_hash: &str) -> Result<Option<UserId>> {
    Ok(portal_tokens::table
        .find(token_hash)
        .select(portal_tokens::account_id)
        .first(c)
        .optional()?)
}

/// Whether a one-time link of `purpose` is still good (for showing its form).
pub fn token_usable(
    c: &mut DbConn,
    token_hash: &str,
    purpose: MailKind,
    now: Instant,
) -> Result<bool> {
    let n: i64 = portal_tokens::table
        .find(token_hash)
        .filter(portal_tokens::purpose.eq(purpose))
        .filter(portal_tokens::used_at.is_null())
        .filter(portal_tokens::expires_at.gt(now))
        .count()
        .get_result(c)?;
    Ok(n == 1)
}

/// The kinds this account said yes or no to.
pub fn preferences(c: &mut DbConn, account: UserId) -> Result<Vec<(MailKind, bool)>> {
    Ok(portal_mail_preferences::table
        .filter(portal_mail_preferences::account_id.eq(account))
        .select((
            portal_mail_preferences::kind,
            portal_mail_preferences::wanted,
        ))
        .load(c)?)
}

pub fn set_preference(
    c: &mut DbConn,
    account: UserId,
    kind: MailKind,
    wanted: bool,
    at: Instant,
) -> Result<()> {
    diesel::delete(
        portal_mail_preferences::table
            .filter(portal_mail_preferences::account_id.eq(account))
            .filter(portal_mail_preferences::kind.eq(kind)),
    )
    .execute(c)?;
    diesel::insert_into(portal_mail_preferences::table)
        .values((
            portal_mail_preferences::account_id.eq(account),
            portal_mail_preferences::kind.eq(kind),
            portal_mail_preferences::wanted.eq(wanted),
            portal_mail_preferences::updated_at.eq(at),
        ))
        .execute(c)?;
    Ok(())
}
