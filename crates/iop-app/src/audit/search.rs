//! Listing the audit trail with filters, for the audit page and the API.

use crate::ctx::Ctx;
use crate::error::{AppError, Result};
use crate::policy::Action;
use crate::App;
use iop_domain::audit::{ActorRole, Outcome};
use iop_domain::time::Instant;
use iop_domain::{PatientId, UserId};
use iop_store::audit::{AuditFilter, AuditRow};
use jiff::civil::Date;

/// The audit filters as a person gives them (a form or query string). Empty means any.
#[derive(Debug, Clone, Default, serde::Deserialize, serde::Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AuditQuery {
    /// An account's email or id.
    pub user: Option<String>,
    /// A patient's id.
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

/// Who an audit search asks about: an account by its email (looked up) or its id.
#[derive(Debug, Clone)]
pub enum AccountRef {
    Email(iop_domain::Email),
    Id(UserId),
}

/// The audit filters, typed: what `AuditQuery` says once the edge has read it.
#[derive(Debug, Clone, Default)]
pub struct AuditSearch {
    pub actor: Option<AccountRef>,
    pub patient: Option<PatientId>,
    pub action_prefix: Option<String>,
    /// First and last day (UTC), inclusive.
    pub from: Option<Date>,
    pub until: Option<Date>,
    pub before: Option<i64>,
}

impl AuditQuery {
    /// Reads the filters as typed, at the edge; a refusal names the filter.
    pub fn typed(&self) -> Result<AuditSearch> {
        let day = |v: &Option<String>, field: &str| -> Result<Option<Date>> {
            non_empty(v)
                .map(|s| crate::calendar::sessions::parse_date(s, field))
                .transpose()
        };
        let actor = match non_empty(&self.user) {
            Some(u) if u.contains('@') => Some(AccountRef::Email(iop_domain::Email::parse(u)?)),
            Some(u) => Some(AccountRef::Id(u.parse().map_err(|_| {
                AppError::Invalid("the account is an email or an account id".into())
            })?)),
            None => None,
        };
        let patient = non_empty(&self.patient)
            .map(|p| {
                p.parse()
                    .map_err(|_| AppError::Invalid("the patient is a patient id".into()))
            })
            .transpose()?;
        Ok(AuditSearch {
            actor,
            patient,
            action_prefix: non_empty(&self.action).map(str::to_string),
            from: day(&self.from, "from")?,
            until: day(&self.until, "until")?,
            before: self.before,
        })
    }
}

/// Midnight of a date at the organisation's site: "from 3 December" means that night too.
fn day_start(d: Date, tz: &jiff::tz::TimeZone) -> Result<jiff::Timestamp> {
    d.to_zoned(tz.clone())
        .map(|z| z.timestamp())
        .map_err(|_| AppError::Invalid(format!("{d} is out of range")))
}

impl App {
    pub fn audit_search(&self, ctx: &Ctx, q: &AuditSearch, limit: i64) -> Result<Vec<AuditEntry>> {
        ctx.require(Action::ViewAuditLog)?;
        let mut filter = AuditFilter {
            before_seq: q.before,
            patient_id: q.patient,
            action_prefix: q.action_prefix.clone(),
            ..AuditFilter::default()
        };
        filter.actor_id = match &q.actor {
            Some(AccountRef::Email(email)) => Some(match self.user_id_for_email(email.as_str()) {
                Ok(id) => id,
                // An unknown email matches nothing rather than everything.
                Err(AppError::NotFound(_)) => UserId(uuid::Uuid::nil()),
                Err(e) => return Err(e),
            }),
            Some(AccountRef::Id(id)) => Some(*id),
            None => None,
        };
        let tz = self.store.read(crate::clock::organisation_zone)?;
        if let Some(from) = q.from {
            filter.from = Some(Instant(day_start(from, &tz)?));
        }
        if let Some(until) = q.until {
            let next = until
                .tomorrow()
                .map_err(|_| AppError::Invalid("until is out of range".into()))?;
            let end = day_start(next, &tz)?;
            filter.until = Some(Instant(end));
        }
        self.audit_events(ctx, &filter, limit)
    }

    /// The names behind the accounts and patients of listed entries, for the page: an
    /// auditor reads "Casey Counselor" and "Parker Quinn (DEMO-0004)", not ids. Naming
    /// patients is a read of their records, so it is audited like one.
    pub fn audit_names(&self, ctx: &Ctx, rows: &[AuditEntry]) -> Result<AuditNames> {
        ctx.require(Action::ViewAuditLog)?;
        let users: std::collections::BTreeSet<UserId> =
            rows.iter().filter_map(|r| r.actor_id).collect();
        let patients: std::collections::BTreeSet<PatientId> =
            rows.iter().filter_map(|r| r.patient_id).collect();
        self.store.read_audited(|c| {
            let mut names = AuditNames::default();
            for u in users {
                if let Some(row) = iop_store::accounts::users::by_id(c, u)? {
                    names.users.insert(u, row.display_name);
                } else if let Some(row) = iop_store::portal::accounts::by_id(c, u)? {
                    let who = row.role.label();
                    names
                        .users
                        .insert(u, format!("{who} in the portal ({})", row.email));
                }
            }
            for p in &patients {
                if let Some(row) = iop_store::admissions::episodes::patient_by_id(c, *p)? {
                    let shown = row.shown_name();
                    names.patients.insert(*p, format!("{shown} ({})", row.mrn));
                }
            }
            crate::audit::record_list(c, ctx, "audit.patients.named", patients)?;
            Ok(names)
        })
    }
}

/// Account and patient names of a page of audit entries.
#[derive(Default)]
pub struct AuditNames {
    pub users: std::collections::HashMap<UserId, String>,
    pub patients: std::collections::HashMap<PatientId, String>,
}

impl AuditNames {
    pub fn user(&self, id: &UserId) -> &str {
        self.users
            .get(id)
            .map_or("a removed account", String::as_str)
    }

    pub fn patient(&self, id: &PatientId) -> &str {
        self.patients
            .get(id)
            .map_or("a patient not on file", String::as_str)
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
