//! The demo organisation behind `iop serve --demo`.

mod admissions;
mod billing;
mod calendar;
mod clinical;
mod family;
mod groups;
pub mod portal;
pub mod remit;
pub mod scale;

use crate::accounts::auth::hash_password;
use crate::audit::{record, Event};
use crate::ctx::Ctx;
use crate::error::{AppError, Result};
use crate::App;
use iop_domain::time::{Day, Instant};
use iop_domain::{ProgramId, Role, SiteId, TrackId, UserId};
use iop_store::accounts::users::{self, UserRow};
use iop_store::meta;
use iop_store::org::{self, ProgramRow, SiteRow, TrackRow};

/// An 835 as a payer would send it for demo claims (the demo and the tests post it).
pub use crate::demo::remit::{remittance_for, ClaimToPay, LineToPay, Outcome, ProviderAdjustment};

pub const DEMO_PASSWORD: &str = "demo-password";
pub const DEMO_TZ: &str = "America/Kentucky/Louisville";
const DEMO_MARK: &str = "demo_organisation";
/// Internal marker: the database already holds the demo.
const ALREADY: &str = "already the demo";

pub const DEMO_ACCOUNTS: &[(&str, &str, Role)] = &[
    ("admin@demo.test", "Avery Admin", Role::Admin),
    (
        "director@demo.test",
        "Dana Director",
        Role::ClinicalDirector,
    ),
    ("counselor@demo.test", "Casey Counselor", Role::Counselor),
    ("morgan@demo.test", "Morgan Lee", Role::Counselor),
    ("jordan@demo.test", "Jordan Reyes", Role::Counselor),
    ("riley@demo.test", "Riley Chen", Role::Counselor),
    ("admissions@demo.test", "Alex Admissions", Role::Admissions),
    ("billing@demo.test", "Blair Billing", Role::Billing),
];

/// The program every demo site runs: the defaults of the program this software was
/// built for (evening groups 6–9 PM, 7 to 9 weeks, 1:6, family every other week).
pub(crate) fn evening_program(
    site_id: SiteId,
    slug: &str,
    family_anchor: jiff::civil::Date,
    now: Instant,
) -> ProgramRow {
    ProgramRow {
        id: ProgramId::new_v7(),
        site_id,
        slug: slug.into(),
        name: "Evening Intensive Outpatient Program".into(),
        level_of_care: iop_domain::admissions::LevelOfCare::IntensiveOutpatient,
        session_start: iop_domain::time::ClockTime(jiff::civil::time(18, 0, 0, 0)),
        session_minutes: 180,
        min_weeks: 7,
        max_weeks: 9,
        max_patients_per_facilitator: 6,
        family_every_weeks: 2,
        family_minutes: 180,
        alumni_weekday: iop_domain::calendar::WeekdayCode(jiff::civil::Weekday::Wednesday),
        created_at: now,
        family_weekday: iop_domain::calendar::WeekdayCode(jiff::civil::Weekday::Thursday),
        family_anchor: Day(iop_domain::calendar::monday_of(family_anchor)),
        alumni_minutes: 90,
        horizon_weeks: 12,
        minors_need_parent_consent: false,
        age_of_majority: iop_domain::consent::DEFAULT_AGE_OF_MAJORITY,
        privacy_notice_version: iop_domain::consent::DEFAULT_PRIVACY_NOTICE_VERSION.into(),
        rules: iop_store::org::ProgramRules::default(),
    }
}

/// What `--demo` found and did.
#[derive(Debug, PartialEq, Eq)]
pub enum DemoOutcome {
    Seeded,
    AlreadyDemo,
}

impl App {
    /// Fills an empty database with the demo organisation; leaves a demo database as it
    /// is; refuses (changing nothing) when the database holds anything else.
    pub fn ensure_demo(&self, ctx: &Ctx) -> Result<DemoOutcome> {
        let password_hash = hash_password(DEMO_PASSWORD)?;
        let outcome = self.store.write(|c| {
            if meta::get(c, DEMO_MARK)?.is_some() {
                return Err(AppError::Conflict(ALREADY.into()));
            }
            if users::count(c)? > 0 || !org::sites(c)?.is_empty() {
                return Err(AppError::Conflict(
                    "this database already holds data that is not the demo; --demo only fills an empty database. \
                     Use another --data-dir (or --database-url) for the demo."
                        .into(),
                ));
            }
            let now = Instant(ctx.now());
            let today = ctx.now().to_zoned(jiff::tz::TimeZone::get(DEMO_TZ).map_err(|e| AppError::Internal(e.to_string()))?).date();
            for (email, name, role) in DEMO_ACCOUNTS {
                users::insert(
                    c,
                    &UserRow {
                        id: UserId::new_v7(),
                        email: (*email).into(),
                        display_name: (*name).into(),
                        role: *role,
                        password_hash: password_hash.clone(),
                        totp_secret: None,
                        disabled_at: None,
                        created_at: now,
                        totp_last_step: None,
                    },
                )?;
            }
            let site = SiteRow {
                id: SiteId::new_v7(),
                name: "Riverside Recovery Center".into(),
                time_zone: DEMO_TZ.parse().map_err(|e: iop_domain::time::UnknownZone| AppError::Internal(e.to_string()))?,
                address: "100 River Road, Louisville, KY 40202".into(),
                admissions_phone: "(502) 555-0142".into(),
                created_at: now,
            };
            org::insert_site(c, &site)?;
            let program = evening_program(site.id, "evening-iop", today, now);
            org::insert_program(c, &program)?;
            let mut track_ids = Vec::new();
            for (name, days) in [("Mon/Tue/Thu", "mon,tue,thu"), ("Mon/Wed/Thu", "mon,wed,thu")] {
                let id = TrackId::new_v7();
                org::insert_track(
                    c,
                    &TrackRow { id, program_id: program.id, name: name.into(), weekdays: days.parse().map_err(|e: iop_domain::calendar::NotWeekdays| AppError::Internal(e.to_string()))?, created_at: now },
                )?;
                track_ids.push(id);
            }
            crate::demo::calendar::seed(c, ctx, site.id, program.id, &track_ids, today)?;
            meta::set(c, DEMO_MARK, &now.to_string())?;
            record(c, ctx, Event::ok("demo.seed"))?;
            Ok((program.id, today))
        });
        let (program_id, today) = match outcome {
            Ok(v) => v,
            Err(AppError::Conflict(m)) if m == ALREADY => return Ok(DemoOutcome::AlreadyDemo),
            Err(e) => return Err(e),
        };
        self.seed_demo_clinical(ctx, program_id, today)?;
        self.seed_demo_portal(ctx, program_id, today)?;
        Ok(DemoOutcome::Seeded)
    }
}
