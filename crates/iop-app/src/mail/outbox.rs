//! Writing a message to the outbox, in the caller's transaction.

use crate::error::{AppError, Result};
use crate::App;
use iop_domain::ids::{MailId, UserId};
use iop_domain::portal::{revealing_word, MailKind, MailStatus};
use iop_domain::time::Instant;
use iop_store::portal::outbox::{self as store, MailRow};
use iop_store::DbConn;
use jiff::Timestamp;

/// A message to write: where it goes and which portal page it points to.
pub struct Outgoing<'a> {
    pub kind: MailKind,
    pub to: &'a str,
    pub account: Option<UserId>,
    /// The path of the link ("/portal/welcome/…"), joined to the public address when sent.
    pub path: &'a str,
    /// One message per event (a reminder of one night to one account).
    pub dedupe_key: Option<String>,
    /// Not before this moment (quiet hours).
    pub not_before: Timestamp,
}

impl App {
    /// Writes `m` to the outbox in the open transaction; None when a message with the
    /// same dedupe key was already written. The link is sealed: it may carry a one-time
    /// token that the database must not hold in the clear.
    pub(crate) fn enqueue_mail(
        &self,
        c: &mut DbConn,
        m: Outgoing<'_>,
        now: Timestamp,
    ) -> Result<Option<MailId>> {
        if let Some(word) = revealing_word(m.path, &[]) {
            return Err(AppError::Internal(format!(
                "a mail link would reveal {word:?}"
            )));
        }
        let row = MailRow {
            id: MailId::new_v7(),
            kind: m.kind,
            to_address: m.to.to_string(),
            account_id: m.account,
            link_sealed: Some(self.settings.keys.seal(m.path)?),
            status: MailStatus::Pending,
            attempts: 0,
            next_attempt_at: Instant(m.not_before.max(now)),
            last_error: None,
            dedupe_key: m.dedupe_key,
            created_at: Instant(now),
            sent_at: None,
        };
        Ok(store::enqueue(c, &row)?.then_some(row.id))
    }
}
