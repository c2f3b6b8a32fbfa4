//! The mail outbox: rows written with the event that sends them, taken by the sender.

use crate::db::{DbConn, Result};
use crate::schema::mail_outbox;
use diesel::prelude::*;
use iop_domain::ids::{MailId, UserId};
use iop_domain::portal::{MailKind, MailStatus};
use iop_domain::time::Instant;

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = mail_outbox)]
pub struct MailRow {
    pub id: MailId,
    pub kind: MailKind,
    pub to_address: String,
    pub account_id: Option<UserId>,
    /// The portal link, sealed with the application key; dropped once sent.
    pub link_sealed: Option<String>,
    pub status: MailStatus,
    pub attempts: i32,
    pub next_attempt_at: Instant,
    /// What the receiving server or the connection said (no message content).
    pub last_error: Option<String>,
    /// One message per event: a second reminder of the same night is not written.
    pub dedupe_key: Option<String>,
    pub created_at: Instant,
    pub sent_at: Option<Instant>,
}

/// Writes a message unless one with the same dedupe key exists; true when written.
pub fn enqueue(c: &mut DbConn, row: &MailRow) -> Result<bool> {
    let insert = diesel::insert_into(mail_outbox::table)
        .values(row)
        .on_conflict(mail_outbox::dedupe_key)
        .do_nothing();
    let n = match c {
        DbConn::Sqlite(c) => insert.execute(c)?,
        DbConn::Pg(c) => insert.execute(c)?,
    };
    Ok(n == 1)
}

/// Pending messages due at `now`, oldest first.
pub fn due(c: &mut DbConn, now: Instant, limit: i64) -> Result<Vec<MailRow>> {
    Ok(mail_outbox::table
        .filter(mail_outbox::status.eq(MailStatus::Pending))
        .filter(mail_outbox::next_attempt_at.le(now))
        .order((mail_outbox::next_attempt_at, mail_outbox::id))
        .limit(limit)
        .select(MailRow::as_select())
        .load(c)?)
}

pub fn mark_sent(c: &mut DbConn, id: MailId, at: Instant) -> Result<()> {
    diesel::update(mail_outbox::table.find(id))
        .set((
            mail_outbox::status.eq(MailStatus::Sent),
            mail_outbox::sent_at.eq(at),
            mail_outbox::link_sealed.eq(None::<String>),
            mail_outbox::attempts.eq(mail_outbox::attempts + 1),
            mail_outbox::last_error.eq(None::<String>),
        ))
        .execute(c)?;
    Ok(())
}

/// Records a failed attempt: pending again at `retry_at`, or failed for good when None.
pub fn mark_attempt_failed(
    c: &mut DbConn,
    id: MailId,
    error: &str,
    retry_at: Option<Instant>,
) -> Result<()> {
    let status = if retry_at.is_some() {
        MailStatus::Pending
    } else {
        MailStatus::Failed
    };
    let q = diesel::update(mail_outbox::table.find(id));
    match retry_at {
        Some(at) => q
            .set((
                mail_outbox::status.eq(status),
                mail_outbox::attempts.eq(mail_outbox::attempts + 1),
                mail_outbox::last_error.eq(error),
                mail_outbox::next_attempt_at.eq(at),
            ))
            .execute(c)?,
        None => q
            .set((
                mail_outbox::status.eq(status),
                mail_outbox::attempts.eq(mail_outbox::attempts + 1),
                mail_outbox::last_error.eq(error),
            ))
            .execute(c)?,
    };
    Ok(())
}

/// Puts a failed message back in the queue (the admin fixed the mail server).
pub fn retry(c: &mut DbConn, id: MailId, now: Instant) -> Result<bool> {
    Ok(diesel::update(
        mail_outbox::table
            .find(id)
            .filter(mail_outbox::status.eq(MailStatus::Failed)),
    )
    .set((
        mail_outbox::status.eq(MailStatus::Pending),
        mail_outbox::attempts.eq(0),
        mail_outbox::next_attempt_at.eq(now),
    ))
    .execute(c)?
        == 1)
}

/// The newest messages of a status, for the admin's page.
pub fn with_status(c: &mut DbConn, status: MailStatus, limit: i64) -> Result<Vec<MailRow>> {
    Ok(mail_outbox::table
        .filter(mail_outbox::status.eq(status))
        .order(mail_outbox::created_at.desc())
        .limit(limit)
        .select(MailRow::as_select())
        .load(c)?)
}

/// Messages of one account, newest first (tests and the account's history).
pub fn of_account(c: &mut DbConn, account: UserId) -> Result<Vec<MailRow>> {
    Ok(mail_outbox::table
        .filter(mail_outbox::account_id.eq(account))
        .order(mail_outbox::created_at.desc())
        .select(MailRow::as_select())
        .load(c)?)
}
