//! Use cases. Each one opens one transaction, checks the policy, reads and writes
//! through `iop-store`, appends its audit entry in the same transaction, and commits.
//! HTML pages, the JSON API and the CLI all call these, never the store directly.

pub mod accounts;
pub mod admissions;
pub mod audit;
pub mod billing;
pub mod calendar;
pub mod clinical;
pub mod clock;
pub mod consent;
pub mod ctx;
pub mod demo;
pub mod error;
pub mod fhir;
mod input;
pub mod keys;
pub mod mail;
pub mod org;
pub mod policy;
pub mod portal;
mod scope;
#[cfg(feature = "testing")]
pub mod testing;
mod view;

pub use ctx::{Actor, Ctx, Principal, RequestMeta};
pub use error::AppError;

pub use iop_store::{Backend, Store};
pub use policy::Action;

use jiff::SignedDuration;

/// Settings the use cases need; the server fills them from its configuration.
#[derive(Clone, Debug)]
pub struct AppSettings {
    /// A web session ends after this long without a request.
    pub idle_timeout: SignedDuration,
    /// A web session ends this long after sign-in, however busy.
    pub session_lifetime: SignedDuration,
    /// Lifetime of a token from `POST /api/v1/auth/token`.
    pub api_token_ttl: SignedDuration,
    /// The keys outside the database (see `keys`).
    pub keys: keys::Keys,
    /// The clock requests read "now" from (the system's, except in tests).
    pub clock: clock::Clock,
    /// How pages write dates and times (`locale`, default en-US).
    pub locale: iop_domain::display::Locale,
    /// Who mail comes from and where its links lead.
    pub mail: mail::MailSettings,
    /// Where bulk exports write their NDJSON files (the server: `exports` in the data
    /// directory), each job in a directory of its own.
    pub exports_dir: std::path::PathBuf,
}

impl Default for AppSettings {
    /// Defaults with a fresh set of keys (tests; the server reads its keys.json).
    fn default() -> Self {
        Self {
            idle_timeout: SignedDuration::from_mins(15),
            session_lifetime: SignedDuration::from_hours(12),
            api_token_ttl: SignedDuration::from_hours(12),
            keys: keys::Keys::generate(jiff::Zoned::now().date()),
            clock: clock::Clock::SYSTEM,
            locale: iop_domain::display::Locale::EnUs,
            mail: mail::MailSettings::default(),
            // Tests: one directory per process, under the system's temporary directory.
            exports_dir: std::env::temp_dir().join(format!("iop-exports-{}", std::process::id())),
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
        let store = store.with_chain_key(settings.keys.chain_key());
        Self { store, settings }
    }

    /// Commits the audit rows of reads in groups (one transaction for the reads of many
    /// concurrent requests) instead of one transaction each.
    pub fn with_group_commit(mut self) -> error::Result<Self> {
        self.store = self.store.with_group_commit()?;
        Ok(self)
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
