//! Writing, listing and verifying the audit trail.

use crate::ctx::{Ctx, RequestMeta};
use crate::error::{AppError, Result};
use crate::policy::Action;
use crate::App;
use iop_domain::audit::{chain_hash, AuditFields, GENESIS};
use iop_domain::time::stored;
use iop_store::audit::{self as store_audit, AuditFilter, AuditRow};
use iop_store::DbConn;

/// One thing that happened, as the trail keeps it: ids and an action, no personal text.
pub struct Event<'a> {
    pub action: &'a str,
    pub outcome: &'a str,
    pub patient_id: Option<&'a str>,
    pub subject: Option<&'a str>,
    /// Small JSON object of ids and codes.
    pub detail: serde_json::Value,
}

impl<'a> Event<'a> {
    pub fn ok(action: &'a str) -> Self {
        Self {
            action,
            outcome: "ok",
            patient_id: None,
            subject: None,
            detail: serde_json::json!({}),
        }
    }

    pub fn subject(mut self, s: &'a str) -> Self {
        self.subject = Some(s);
        self
    }

    pub fn outcome(mut self, o: &'a str) -> Self {
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
    let actor_id = ctx.actor_id_string();
    record_as(
        conn,
        &ctx.meta,
        actor_id.as_deref(),
        Some(ctx.actor_role_str()),
        event,
    )
}

/// Appends `event` for an actor known only by id (sign-in, before there is a `Ctx`).
pub fn record_as(
    conn: &mut DbConn,
    meta: &RequestMeta,
    actor_id: Option<&str>,
    actor_role: Option<&str>,
    event: Event<'_>,
) -> Result<()> {
    let at = stored(meta.now);
    let detail = event.detail.to_string();
    let fields = AuditFields {
        at: &at,
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

#[derive(Debug, PartialEq, Eq)]
pub enum VerifyOutcome {
    Intact {
        rows: u64,
    },
    Broken {
        rows_checked: u64,
        seq: i64,
        reason: &'static str,
    },
}

/// One stored row of a hash chain, as the verifier sees it.
pub(crate) struct Link {
    pub seq: i64,
    pub prev_hash: String,
    pub hash: String,
    /// The hash recomputed from the row's fields and its stored `prev_hash`.
    pub recomputed: String,
}

/// Walks a hash chain from its first row, `next(after_seq)` giving the rows after a
/// sequence number in order. `progress` gets (rows checked, total).
pub(crate) fn walk_chain(
    total: u64,
    mut next: impl FnMut(i64) -> Result<Vec<Link>>,
    mut progress: impl FnMut(u64, u64),
) -> Result<VerifyOutcome> {
    let mut expected_prev = GENESIS.to_string();
    let (mut last_seq, mut checked) = (0i64, 0u64);
    loop {
        let rows = next(last_seq)?;
        if rows.is_empty() {
            return Ok(VerifyOutcome::Intact { rows: checked });
        }
        for row in &rows {
            let reason = if row.prev_hash != expected_prev {
                Some("its prev_hash does not match the row before it (a row was removed, inserted or reordered)")
            } else if row.recomputed != row.hash {
                Some("its contents do not match its hash (the row was edited)")
            } else {
                None
            };
            if let Some(reason) = reason {
                return Ok(VerifyOutcome::Broken {
                    rows_checked: checked,
                    seq: row.seq,
                    reason,
                });
            }
            expected_prev.clone_from(&row.hash);
            last_seq = row.seq;
            checked += 1;
        }
        progress(checked, total.max(checked));
    }
}

impl App {
    /// Walks the whole audit chain from the first row. `progress` gets (rows checked, total).
    pub fn verify_audit_chain(&self, progress: impl FnMut(u64, u64)) -> Result<VerifyOutcome> {
        const CHUNK: i64 = 5_000;
        let total = self
            .store
            .read(|c| store_audit::count(c).map_err(AppError::from))? as u64;
        walk_chain(
            total,
            |after| {
                let rows = self
                    .store
                    .read(|c| store_audit::chunk_after(c, after, CHUNK).map_err(AppError::from))?;
                Ok(rows
                    .into_iter()
                    .map(|r| Link {
                        seq: r.seq,
                        recomputed: chain_hash(&r.prev_hash, &r.fields()),
                        prev_hash: r.prev_hash,
                        hash: r.hash,
                    })
                    .collect())
            },
            progress,
        )
    }

    /// The admin's audit page and API: newest first, filtered.
    pub fn audit_events(
        &self,
        ctx: &Ctx,
        filter: &AuditFilter,
        limit: i64,
    ) -> Result<Vec<AuditRow>> {
        ctx.require(Action::ViewAuditLog)?;
        let limit = limit.clamp(1, 500);
        self.store.write(|c| {
            let rows = store_audit::search(c, filter, limit)?;
            let detail = serde_json::json!({ "rows": rows.len() });
            record(c, ctx, Event::ok("audit.view").detail(detail))?;
            Ok(rows)
        })
    }
}

/// The audit filters as a person gives them (a form or query string). Empty means any.
#[derive(Debug, Clone, Default, serde::Deserialize, serde::Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AuditQuery {
    /// An account's email or id.
    pub user: Option<String>,
    pub patient: Option<String>,
    /// An action or its prefix, such as `auth.` or `user.add`.
    pub action: Option<String>,
    /// First day, `YYYY-MM-DD` (UTC).
    pub from: Option<String>,
    /// Last day, `YYYY-MM-DD` (UTC), inclusive.
    pub until: Option<String>,
    /// Show entries older than this sequence number (the next page).
    pub before: Option<i64>,
}

fn non_empty(v: &Option<String>) -> Option<&str> {
    v.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

fn day_start(s: &str, field: &str) -> Result<jiff::Timestamp> {
    let date: jiff::civil::Date = s
        .parse()
        .map_err(|_| AppError::Invalid(format!("{field} must be a date like 2026-11-27")))?;
    date.to_zoned(jiff::tz::TimeZone::UTC)
        .map(|z| z.timestamp())
        .map_err(|_| AppError::Invalid(format!("{field} is out of range")))
}

impl App {
    pub fn audit_search(&self, ctx: &Ctx, q: &AuditQuery, limit: i64) -> Result<Vec<AuditRow>> {
        ctx.require(Action::ViewAuditLog)?;
        let mut filter = AuditFilter {
            before_seq: q.before,
            ..AuditFilter::default()
        };
        if let Some(user) = non_empty(&q.user) {
            filter.actor_id = Some(if user.contains('@') {
                match self.user_id_for_email(user) {
                    Ok(id) => id.to_string(),
                    // An unknown email matches nothing rather than everything.
                    Err(AppError::NotFound(_)) => "-".into(),
                    Err(e) => return Err(e),
                }
            } else {
                user.to_string()
            });
        }
        filter.patient_id = non_empty(&q.patient).map(str::to_string);
        filter.action_prefix = non_empty(&q.action).map(str::to_string);
        if let Some(from) = non_empty(&q.from) {
            filter.from = Some(stored(day_start(from, "from")?));
        }
        if let Some(until) = non_empty(&q.until) {
            let end = day_start(until, "until")?
                .checked_add(jiff::SignedDuration::from_hours(24))
                .map_err(|_| AppError::Invalid("until is out of range".into()))?;
            filter.until = Some(stored(end));
        }
        self.audit_events(ctx, &filter, limit)
    }
}
