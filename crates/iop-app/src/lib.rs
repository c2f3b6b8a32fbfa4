//! Use cases. Each one opens one transaction, checks the policy, reads and writes
//! through `iop-store`, appends its audit entry in the same transaction, and commits.
//! HTML pages, the JSON API and the CLI all call these, never the store directly.

pub mod admissions;
pub mod admit;
pub mod audit;
pub mod auth;
pub mod billing_setup;
pub mod calendar;
pub mod census;
pub mod charges;
pub mod chart;
pub mod claims;
pub mod clinical;
pub mod closures;
pub mod consents;
pub mod cosign;
pub mod ctx;
pub mod demo;
mod demo_billing;
mod demo_calendar;
mod demo_clinical;
mod demo_family;
pub mod episodes;
pub mod error;
pub mod family;
pub mod feeds;
pub mod individual;
pub mod measures;
pub mod org;
pub mod org_admin;
pub mod outcomes;
pub mod plans;
pub mod policy;
pub mod program_settings;
pub mod receivables;
pub mod release;
pub mod reminders;
pub mod remit;
mod scope;
pub mod secret;
pub mod session_form;
pub mod sessions_view;
pub mod staffing;
pub mod treatment;
pub mod users;

pub use ctx::{Actor, Ctx, Principal, RequestMeta};
pub use error::AppError;
pub use iop_store;
pub use iop_store::{Backend, Store};
pub use policy::Action;

use jiff::SignedDuration;

/// Settings the use cases need; the server fills them from its configuration.
#[derive(Clone, Debug)]
pub struct AppSettings {
    /// A web session ends after this long without a request.
    pub idle_timeout: SignedDuration,
    /// Lifetime of a token from `POST /api/v1/auth/token`.
    pub api_token_ttl: SignedDuration,
}

impl Default for AppSettings {
    fn default() -> Self {
        Self {
            idle_timeout: SignedDuration::from_mins(15),
            api_token_ttl: SignedDuration::from_hours(12),
        }
    }
}

#[derive(Clone)]
pub struct App {
    pub store: Store,
    pub settings: AppSettings,
}

impl App {
    pub fn new(store: Store, settings: AppSettings) -> Self {
        Self { store, settings }
    }

    /// Readiness: the database answers a query.
    pub fn ping(&self) -> error::Result<()> {
        self.store.read(|c| {
            iop_store::meta::get(c, "schema")
                .map(|_| ())
                .map_err(AppError::from)
        })
    }
}
