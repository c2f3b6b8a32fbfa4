//! Appending to the audit trail: one entry per use case, in its transaction.

use crate::ctx::{Ctx, RequestMeta};
use crate::error::Result;
use iop_domain::audit::{ActorRole, AuditFields, Outcome};
use iop_domain::time::Instant;
use iop_domain::{PatientId, UserId};
use iop_store::audit::{self as store_audit};
use iop_store::DbConn;

/// One thing that happened, as the trail keeps it: ids and an action, no personal text.
pub struct Event<'a> {
    pub action: &'a str,
    pub outcome: Outcome,
    pub patient_id: Option<PatientId>,
    pub subject: Option<&'a str>,
    /// Small JSON object of ids and codes.
    pub detail: serde_json::Value,
}

impl<'a> Event<'a> {
    pub fn ok(action: &'a str) -> Self {
        Self {
            action,
            outcome: Outcome::Ok,
            patient_id: None,
            subject: None,
            detail: serde_json::json!({}),
        }
    }

    pub fn subject(mut self, s: &'a str) -> Self {
        self.subject = Some(s);
        self
    }

    pub fn outcome(mut self, o: Outcome) -> Self {
        self.outcome = o;
        self
    }

    pub fn detail(mut self, d: serde_json::Value) -> Self {
        self.detail = d;
        self
    }
}

/// Appends `event` for the caller of `ctx` in the open transaction.
pub fn record(conn: &mut DbConn, ctx: &Ctx, event: Event<'_>) -> Result<()> {
    record_as(
        conn,
        &ctx.meta,
        ctx.account_id(),
        Some(ctx.actor_role()),
        event,
    )
}

/// Appends `event` for an actor known only by id (sign-in, before there is a `Ctx`).
pub fn record_as(
    conn: &mut DbConn,
    meta: &RequestMeta,
    actor_id: Option<UserId>,
    actor_role: Option<ActorRole>,
    event: Event<'_>,
) -> Result<()> {
    let at = Instant(meta.now);
    let detail = event.detail.to_string();
    let fields = AuditFields {
        at,
        actor_id,
        actor_role,
        action: event.action,
        outcome: event.outcome,
        patient_id: event.patient_id,
        subject: event.subject,
        request_id: Some(&meta.request_id),
        detail: &detail,
    };
    Ok(store_audit::append(conn, &[fields])?)
}

/// Most patient ids one list's audit row names; a longer list records its count.
const LIST_IDS: usize = 500;

/// Appends the audit row of a list that shows patients (census, alerts, reminders,
/// queues): how many, and which by id.
pub fn record_list(
    conn: &mut DbConn,
    ctx: &Ctx,
    action: &str,
    patients: impl IntoIterator<Item = PatientId>,
) -> Result<()> {
    let ids: std::collections::BTreeSet<PatientId> = patients.into_iter().collect();
    let shown: Vec<String> = ids.iter().take(LIST_IDS).map(|p| p.to_string()).collect();
    let event = Event::ok(action).detail(serde_json::json!({
        "patients_shown": ids.len(),
        "patient_ids": shown,
    }));
    record(conn, ctx, event)
}
