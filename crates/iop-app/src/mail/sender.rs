//! Emptying the outbox: each due message is composed, sent, and marked sent; a failure
//! waits longer each time and is given up after the last try, to be seen and retried
//! by the admin. A message refused for good marks the address as bouncing.

use crate::audit::{record, Event};
use crate::ctx::{Ctx, RequestMeta};
use crate::error::{AppError, Result};
use crate::mail::transport::{Envelope, SendError, Transport};
use crate::policy::Action;
use crate::App;
use iop_domain::ids::MailId;
use iop_domain::portal::{compose, retry_after, MailKind, MailStatus};
use iop_domain::time::Instant;
use iop_store::portal::outbox::{self as store, MailRow};
use jiff::Timestamp;

/// Messages taken per pass.
const BATCH: i64 = 50;

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct SendReport {
    pub sent: usize,
    pub retried: usize,
    pub failed: usize,
}

/// A message as the admin's page shows it: no body (it holds a link), the address only.
#[derive(Clone, Debug)]
pub struct MailView {
    pub id: MailId,
    pub kind: MailKind,
    pub to: String,
    pub status: MailStatus,
    pub attempts: i32,
    pub next_attempt_at: Instant,
    pub last_error: Option<String>,
    pub created_at: Instant,
}

impl From<MailRow> for MailView {
    fn from(r: MailRow) -> Self {
        MailView {
            id: r.id,
            kind: r.kind,
            to: r.to_address,
            status: r.status,
            attempts: r.attempts,
            next_attempt_at: r.next_attempt_at,
            last_error: r.last_error,
            created_at: r.created_at,
        }
    }
}

#[derive(Clone, Debug, Default)]
pub struct MailQueue {
    pub failed: Vec<MailView>,
    pub pending: Vec<MailView>,
    pub sent: Vec<MailView>,
}

impl App {
    /// Sends what is due at `now` through `transport`. Each outcome is written (and
    /// audited) before the next message is taken, so a restart resends nothing sent and
    /// loses nothing pending.
    pub fn send_due_mail(&self, transport: &dyn Transport, now: Timestamp) -> Result<SendReport> {
        let due = self
            .store
            .read(|c| Ok::<_, AppError>(store::due(c, Instant(now), BATCH)?))?;
        let mail = &self.settings.mail;
        let mut report = SendReport::default();
        let ctx = Ctx::system(RequestMeta::cli(now));
        for m in due {
            let path = match m.link_sealed.as_deref().map(|s| self.settings.keys.open(s)) {
                Some(Ok(p)) => Ok(p),
                Some(Err(_)) => Err(SendError::Permanent(
                    "the link cannot be opened with this key".into(),
                )),
                None => Ok("/portal".to_string()),
            };
            let outcome = path.and_then(|p| {
                let link = format!("{}{}", mail.public_base(), p);
                let message = compose(m.kind, &link, &mail.sender_name);
                transport.send(&Envelope {
                    from_name: &mail.sender_name,
                    from_address: &mail.sender_address,
                    to: &m.to_address,
                    message: &message,
                })
            });
            let subject = format!("mail:{}", m.id);
            self.store.write(|c| {
                let (action, detail) = match &outcome {
                    Ok(()) => {
                        store::mark_sent(c, m.id, Instant(now))?;
                        report.sent += 1;
                        ("mail.sent", serde_json::json!({ "kind": m.kind }))
                    }
                    Err(SendError::Temporary(e)) => {
                        let attempts = u32::try_from(m.attempts).unwrap_or(0) + 1;
                        let next = retry_after(attempts)
                            .and_then(|d| now.checked_add(d).ok())
                            .map(Instant);
                        store::mark_attempt_failed(c, m.id, e, next)?;
                        if next.is_some() {
                            report.retried += 1;
                        } else {
                            report.failed += 1;
                        }
                        ("mail.attempt_failed", serde_json::json!({ "kind": m.kind, "attempts": attempts, "given_up": next.is_none() }))
                    }
                    Err(SendError::Permanent(e)) => {
                        store::mark_attempt_failed(c, m.id, e, None)?;
                        iop_store::portal::accounts::set_bounced(c, &m.to_address, Some(Instant(now)))?;
                        report.failed += 1;
                        ("mail.bounced", serde_json::json!({ "kind": m.kind }))
                    }
                };
                record(c, &ctx, Event::ok(action).subject(&subject).detail(detail))
            })?;
            if outcome.is_err() {
                tracing::warn!(mail_id = %m.id, "a message could not be sent");
            }
        }
        Ok(report)
    }

    /// The outbox as the admin sees it: what failed for good, what waits, what went.
    pub fn mail_queue(&self, ctx: &Ctx) -> Result<MailQueue> {
        ctx.require(Action::ViewMailQueue)?;
        self.store.read_audited(|c| {
            let q = MailQueue {
                failed: store::with_status(c, MailStatus::Failed, 100)?
                    .into_iter()
                    .map(Into::into)
                    .collect(),
                pending: store::with_status(c, MailStatus::Pending, 100)?
                    .into_iter()
                    .map(Into::into)
                    .collect(),
                sent: store::with_status(c, MailStatus::Sent, 20)?
                    .into_iter()
                    .map(Into::into)
                    .collect(),
            };
            record(c, ctx, Event::ok("mail.queue.read"))?;
            Ok(q)
        })
    }

    /// Puts a failed message back in the queue, to go at the next pass.
    pub fn retry_mail(&self, ctx: &Ctx, id: MailId) -> Result<()> {
        ctx.require(Action::ViewMailQueue)?;
        self.store.write(|c| {
            if !store::retry(c, id, Instant(ctx.now()))? {
                return Err(AppError::NotFound(format!("a failed message {id}")));
            }
            let subject = format!("mail:{id}");
            record(c, ctx, Event::ok("mail.retry").subject(&subject))
        })
    }

    /// `iop mail test ADDRESS`: writes a test message to the outbox.
    pub fn queue_test_mail(&self, ctx: &Ctx, to: &str) -> Result<MailId> {
        ctx.require(Action::ViewMailQueue)?;
        let to = iop_domain::Email::parse(to)?;
        let now = ctx.now();
        self.store.write(|c| {
            let id = self
                .enqueue_mail(
                    c,
                    crate::mail::Outgoing {
                        kind: MailKind::Test,
                        to: to.as_str(),
                        account: None,
                        path: "/portal",
                        dedupe_key: None,
                        not_before: now,
                    },
                    now,
                )?
                .ok_or_else(|| AppError::Internal("the test message was not written".into()))?;
            record(c, ctx, Event::ok("mail.test"))?;
            Ok(id)
        })
    }
}
