//! `iop dev seed`: a database with many sites and years of history, to measure what a
//! large organisation costs (issue: performance at five years and a hundred sites).
//!
//! Each site is written in its own transaction: its organisation rows, a calendar from
//! the real generator, then its history in multi-row inserts (see [`history`]). Rows are
//! synthetic and deterministic for a given `seed`; the audit chain is built by the same
//! code as every other write, so `iop audit verify` passes on the result.

mod history;
mod org;
mod words;

use crate::accounts::auth::hash_password;
use crate::audit::{record, Event};
use crate::ctx::Ctx;
use crate::error::{AppError, Result};
use crate::App;
use iop_domain::time::Instant;
use iop_domain::{Role, UserId};
use iop_store::accounts::users::{self, UserRow};
use iop_store::{bulk, meta};
use rand::SeedableRng;

/// Marks a database filled by the scale seed.
const SCALE_MARK: &str = "scale_seed";

/// Organisation-wide accounts of a seeded database (password [`super::DEMO_PASSWORD`]).
pub const SCALE_ACCOUNTS: &[(&str, &str, Role)] = &[
    ("admin@scale.test", "Avery Admin", Role::Admin),
    (
        "director@scale.test",
        "Dana Director",
        Role::ClinicalDirector,
    ),
    ("billing@scale.test", "Blair Billing", Role::Billing),
];

#[derive(Debug, Clone, Copy)]
pub struct ScaleOptions {
    pub sites: u32,
    pub years: u32,
    /// The same seed gives the same history (ids aside).
    pub seed: u64,
}

impl ScaleOptions {
    pub const MAX_SITES: u32 = 1_000;
    pub const MAX_YEARS: u32 = 10;
}

/// Rows written, for the command's summary.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct ScaleReport {
    pub sites: u64,
    pub patients: u64,
    pub episodes: u64,
    pub sessions: u64,
    pub attendance: u64,
    pub notes: u64,
    pub note_entries: u64,
    pub measures: u64,
    pub audit_entries: u64,
}

impl ScaleReport {
    fn add(&mut self, o: &ScaleReport) {
        self.sites += o.sites;
        self.patients += o.patients;
        self.episodes += o.episodes;
        self.sessions += o.sessions;
        self.attendance += o.attendance;
        self.notes += o.notes;
        self.note_entries += o.note_entries;
        self.measures += o.measures;
        self.audit_entries += o.audit_entries;
    }
}

impl App {
    /// Fills an empty database with `opts.sites` sites and `opts.years` years of history
    /// ending today; `done` is told after each site. Refuses, changing nothing, when the
    /// database holds anything.
    pub fn seed_scale(
        &self,
        ctx: &Ctx,
        opts: ScaleOptions,
        mut done: impl FnMut(u32),
    ) -> Result<ScaleReport> {
        if !(1..=ScaleOptions::MAX_SITES).contains(&opts.sites) {
            return Err(AppError::Invalid(format!(
                "--sites must be between 1 and {}",
                ScaleOptions::MAX_SITES
            )));
        }
        if !(1..=ScaleOptions::MAX_YEARS).contains(&opts.years) {
            return Err(AppError::Invalid(format!(
                "--years must be between 1 and {}",
                ScaleOptions::MAX_YEARS
            )));
        }
        let password_hash = hash_password(super::DEMO_PASSWORD)?;
        self.store.write(|c| {
            if users::count(c)? > 0 || !iop_store::org::sites(c)?.is_empty() {
                return Err(AppError::Conflict(
                    "this database already holds data; the scale seed only fills an empty one \
                     (use another --data-dir or --database-url)"
                        .into(),
                ));
            }
            let now = Instant(ctx.now());
            let accounts: Vec<UserRow> = SCALE_ACCOUNTS
                .iter()
                .map(|(email, name, role)| UserRow {
                    id: UserId::new_v7(),
                    email: (*email).into(),
                    display_name: (*name).into(),
                    role: *role,
                    password_hash: password_hash.clone(),
                    totp_secret: None,
                    disabled_at: None,
                    created_at: now,
                    totp_last_step: None,
                })
                .collect();
            bulk::insert_users(c, &accounts)?;
            meta::set(
                c,
                SCALE_MARK,
                &format!("{} sites, {} years", opts.sites, opts.years),
            )?;
            record(c, ctx, Event::ok("demo.seed.scale"))
        })?;
        let mut report = ScaleReport::default();
        for n in 0..opts.sites {
            let mut rng = rand::rngs::StdRng::seed_from_u64(opts.seed ^ u64::from(n));
            let site = self
                .store
                .write(|c| org::seed_site(c, ctx, n, opts.years, &password_hash, &mut rng))?;
            report.add(&site);
            done(n + 1);
        }
        self.store.refresh_statistics()?;
        Ok(report)
    }
}
