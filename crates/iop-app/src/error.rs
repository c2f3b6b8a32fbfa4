//! The use-case error. Its `Display` is safe to show a person: ids only, never names,
//! diagnoses or note text. The web layer maps each variant to one HTTP status.

use iop_store::StoreError;

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// 400/422: the input does not make sense; the text says what to change.
    #[error("{0}")]
    Invalid(String),
    /// 401: no valid credentials (also for a wrong email or password, alike).
    #[error("{0}")]
    Unauthenticated(String),
    /// 403: signed in, but the role may not do this.
    #[error("your role may not {0}")]
    Forbidden(&'static str),
    /// 403: the role may do this, but not for this patient or group (outside the
    /// caller's caseload). Carries the ids the audit row of the refusal records.
    #[error("you may not {what}")]
    OutOfScope {
        what: &'static str,
        patient_id: Option<iop_domain::PatientId>,
    },
    /// 404
    #[error("{0} was not found")]
    NotFound(String),
    /// 409: the request conflicts with what is stored (duplicate, signed record, …).
    #[error("{0}")]
    Conflict(String),
    /// 409: a value that must be unique is taken; `field` names it for the client.
    #[error("a record with this {field} already exists (field `{field}`)")]
    Duplicate { table: String, field: String },
    /// 429: too many failed attempts from this account or address; `Retry-After`.
    #[error("too many failed attempts; try again in {}", wait_text(*retry_after_secs))]
    Throttled { retry_after_secs: i64 },
    /// 500: a fault of ours; the text is for the log only.
    #[error("internal error")]
    Internal(String),
}

impl AppError {
    /// Refused until `until`: the wait in whole seconds, rounded up, so a client that
    /// waits this long gets in.
    pub fn throttled_until(until: jiff::Timestamp, now: jiff::Timestamp) -> Self {
        let wait = until.duration_since(now);
        AppError::Throttled {
            retry_after_secs: wait.as_secs() + i64::from(wait.subsec_nanos() > 0),
        }
    }
}

impl From<StoreError> for AppError {
    /// A unique-constraint violation is the caller's conflict, named by its field; any
    /// other store error is ours.
    fn from(e: StoreError) -> Self {
        match e.unique_violation() {
            Some((table, field)) => AppError::Duplicate { table, field },
            None => AppError::Internal(e.to_string()),
        }
    }
}

impl From<iop_domain::account::AccountError> for AppError {
    fn from(e: iop_domain::account::AccountError) -> Self {
        AppError::Invalid(e.to_string())
    }
}

/// "1 second", "40 seconds", "3 minutes", "1 hour".
fn wait_text(secs: i64) -> String {
    let plural = |n: i64, unit: &str| format!("{n} {unit}{}", if n == 1 { "" } else { "s" });
    match secs {
        s if s >= 3600 => plural((s + 3599) / 3600, "hour"),
        s if s >= 120 => plural((s + 59) / 60, "minute"),
        s => plural(s.max(1), "second"),
    }
}

pub type Result<T, E = AppError> = std::result::Result<T, E>;
