//! Listing the audit trail with filters, for the audit page and the API.

use crate::ctx::Ctx;
use crate::error::{AppError, Result};
use crate::policy::Action;
use crate::App;
use iop_domain::audit::{ActorRole, Outcome};
use iop_domain::time::Instant;
use iop_domain::{PatientId, UserId};
use iop_store::audit::{AuditFilter, AuditRow};

/// The audit filters as a person gives them (a form or query string). Empty means any.
#[derive(Debug, Clone, Default, serde::Deserialize, serde::Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AuditQuery {
    /// An account's email or id.
    pub user: Option<String>,
    pub patient: Option<PatientId>,
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
    pub fn audit_search(&self, ctx: &Ctx, q: &AuditQuery, limit: i64) -> Result<Vec<AuditEntry>> {
        ctx.require(Action::ViewAuditLog)?;
        let mut filter = AuditFilter {
            before_seq: q.before,
            ..AuditFilter::default()
        };
        if let Some(user) = non_empty(&q.user) {
            filter.actor_id = Some(if user.contains('@') {
                match self.user_id_for_email(user) {
                    Ok(id) => id,
                    // An unknown email matches nothing rather than everything.
                    Err(AppError::NotFound(_)) => UserId(uuid::Uuid::nil()),
                    Err(e) => return Err(e),
                }
            } else {
                user.parse().unwrap_or(UserId(uuid::Uuid::nil()))
            });
        }
        filter.patient_id = q.patient;
        filter.action_prefix = non_empty(&q.action).map(str::to_string);
        if let Some(from) = non_empty(&q.from) {
            filter.from = Some(Instant(day_start(from, "from")?));
        }
        if let Some(until) = non_empty(&q.until) {
            let end = day_start(until, "until")?
                .checked_add(jiff::SignedDuration::from_hours(24))
                .map_err(|_| AppError::Invalid("until is out of range".into()))?;
            filter.until = Some(Instant(end));
        }
        self.audit_events(ctx, &filter, limit)
    }
}

crate::view::view!(
/// One entry of the audit trail as listed.
AuditEntry from AuditRow {
    seq: i64,
    at: Instant,
    actor_id: Option<UserId>,
    actor_role: Option<ActorRole>,
    action: String,
    outcome: Outcome,
    patient_id: Option<PatientId>,
    subject: Option<String>,
    request_id: Option<String>,
    detail: String,
    prev_hash: String,
    hash: String,
});
