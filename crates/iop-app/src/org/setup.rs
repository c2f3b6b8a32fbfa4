//! Setting up the organisation: sites, programs with their settings, tracks. Changes
//! that move sessions regenerate the future; held sessions and the past stay.

use crate::audit::{record, Event};
use crate::calendar::sessions::{load_program, regenerate_future};
use crate::ctx::Ctx;
use crate::error::{AppError, Result};
use crate::policy::Action;
use crate::App;
use iop_domain::calendar::Weekdays;
use iop_domain::calendar::{monday_of, parse_weekdays, weekday_code};
use iop_domain::curriculum::SEED_TOPICS;
use iop_domain::ids::*;
use iop_domain::program::{validate, ProgramSettings};
use iop_domain::time::{Day, Instant};
use iop_store::calendar::{self as cal, TopicRow};
use iop_store::org::{self, ProgramRow, SiteRow, TrackRow};

/// A site as a person gives it.
#[derive(Clone, Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SiteInput {
    pub name: String,
    /// IANA name, such as America/Chicago.
    pub time_zone: String,
    pub address: String,
    pub admissions_phone: String,
}

/// The site's zone, once `check_site` has accepted its name.
fn zone_of(s: &SiteInput) -> Result<iop_domain::time::ZoneName> {
    s.time_zone
        .parse()
        .map_err(|e: iop_domain::time::UnknownZone| AppError::Invalid(e.to_string()))
}

fn check_site(s: &SiteInput) -> Result<()> {
    let mut errors = Vec::new();
    if let Err(e) = crate::input::line(&s.name, 120, "the site name") {
        errors.push(e.to_string());
    }
    if s.time_zone.parse::<iop_domain::time::ZoneName>().is_err() {
        errors.push(format!(
            "{:?} is not an IANA time zone such as America/Chicago",
            s.time_zone
        ));
    }
    if let Err(e) = crate::input::optional_line(Some(&s.address), 300, "the address") {
        errors.push(e.to_string());
    }
    let digits = s
        .admissions_phone
        .chars()
        .filter(char::is_ascii_digit)
        .count();
    if !(7..=15).contains(&digits) {
        errors.push("the admissions phone must have 7 to 15 digits".into());
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(AppError::Invalid(errors.join("; ")))
    }
}

fn settings_error(errors: Vec<String>) -> AppError {
    AppError::Invalid(errors.join("; "))
}

impl App {
    pub fn add_site(&self, ctx: &Ctx, s: SiteInput) -> Result<SiteId> {
        ctx.require(Action::ManageCalendar)?;
        check_site(&s)?;
        let zone = zone_of(&s)?;
        let id = SiteId::new_v7();
        self.store.write(|c| {
            org::insert_site(
                c,
                &SiteRow {
                    id,
                    name: s.name.trim().into(),
                    time_zone: zone.clone(),
                    address: s.address.trim().into(),
                    admissions_phone: s.admissions_phone.trim().into(),
                    created_at: Instant(ctx.now()),
                },
            )?;
            let subject = format!("site:{id}");
            record(c, ctx, Event::ok("site.add").subject(&subject))
        })?;
        Ok(id)
    }

    /// Changes a site; a new time zone moves its programs' future sessions to the same
    /// local hours there.
    pub fn update_site(&self, ctx: &Ctx, site_id: SiteId, s: SiteInput) -> Result<()> {
        ctx.require(Action::ManageCalendar)?;
        check_site(&s)?;
        let zone = zone_of(&s)?;
        self.store.write(|c| {
            let row = SiteRow {
                id: site_id,
                name: s.name.trim().into(),
                time_zone: zone.clone(),
                address: s.address.trim().into(),
                admissions_phone: s.admissions_phone.trim().into(),
                created_at: Instant(ctx.now()),
            };
            if !org::update_site(c, &row)? {
                return Err(AppError::NotFound(format!("site {site_id}")));
            }
            for p in org::programs(c)?
                .into_iter()
                .filter(|p| p.site_id == site_id)
            {
                regenerate_future(c, ctx, p.id)?;
            }
            let subject = format!("site:{site_id}");
            record(c, ctx, Event::ok("site.update").subject(&subject))
        })
    }

    /// A new program at a site with the given settings, the two seed tracks and the six
    /// seed topics; its sessions are generated for the planning horizon.
    pub fn add_program(
        &self,
        ctx: &Ctx,
        site_id: SiteId,
        slug: &str,
        s: ProgramSettings,
    ) -> Result<ProgramId> {
        ctx.require(Action::ManageCalendar)?;
        let slug = slug.trim().to_lowercase();
        if slug.is_empty()
            || slug.len() > 60
            || !slug
                .chars()
                .all(|ch| ch.is_ascii_alphanumeric() || ch == '-')
        {
            return Err(AppError::Invalid(
                "the web address name must be 1 to 60 letters, digits or hyphens".into(),
            ));
        }
        use jiff::civil::Weekday::{Monday, Thursday, Tuesday, Wednesday};
        let seed_tracks = [
            ("Mon/Tue/Thu", Weekdays(vec![Monday, Tuesday, Thursday])),
            ("Mon/Wed/Thu", Weekdays(vec![Monday, Wednesday, Thursday])),
        ];
        let days: Vec<Weekdays> = seed_tracks.iter().map(|(_, d)| d.clone()).collect();
        let v = validate(&s, &days).map_err(settings_error)?;
        let id = ProgramId::new_v7();
        self.store.write(|c| {
            let site = org::sites(c)?
                .into_iter()
                .find(|x| x.id == site_id)
                .ok_or_else(|| AppError::NotFound(format!("site {site_id}")))?;
            if org::programs(c)?.iter().any(|p| p.slug == slug) {
                return Err(AppError::Conflict(format!(
                    "another program already uses the web address name {slug}"
                )));
            }
            let tz = site.time_zone.tz();
            let today = ctx.now().to_zoned(tz).date();
            let now = Instant(ctx.now());
            org::insert_program(
                c,
                &ProgramRow {
                    id,
                    site_id,
                    slug: slug.clone(),
                    name: v.name.clone(),
                    level_of_care: iop_domain::admissions::LevelOfCare::IntensiveOutpatient,
                    session_start: v.session_start,
                    session_minutes: s.session_minutes,
                    min_weeks: s.min_weeks,
                    max_weeks: s.max_weeks,
                    max_patients_per_facilitator: s.max_patients_per_facilitator,
                    family_every_weeks: s.family_every_weeks,
                    family_minutes: s.family_minutes,
                    alumni_weekday: iop_domain::calendar::WeekdayCode(v.alumni_weekday),
                    created_at: now,
                    family_weekday: iop_domain::calendar::WeekdayCode(v.family_weekday),
                    family_anchor: Day(monday_of(today)),
                    alumni_minutes: s.alumni_minutes,
                    horizon_weeks: s.horizon_weeks,
                    minors_need_parent_consent: false,
                    age_of_majority: iop_domain::consent::DEFAULT_AGE_OF_MAJORITY,
                    privacy_notice_version: iop_domain::consent::DEFAULT_PRIVACY_NOTICE_VERSION
                        .into(),
                    rules: iop_store::org::ProgramRules::default(),
                },
            )?;
            for (name, days) in seed_tracks {
                org::insert_track(
                    c,
                    &TrackRow {
                        id: TrackId::new_v7(),
                        program_id: id,
                        name: name.into(),
                        weekdays: days,
                        created_at: now,
                    },
                )?;
            }
            for (i, title) in SEED_TOPICS.iter().enumerate() {
                cal::insert_topic(
                    c,
                    &TopicRow {
                        id: TopicId::new_v7(),
                        program_id: id,
                        position: i32::try_from(i).unwrap_or(0),
                        title: (*title).into(),
                        active: true,
                        created_at: now,
                    },
                )?;
            }
            regenerate_future(c, ctx, id)?;
            let subject = format!("program:{id}");
            record(c, ctx, Event::ok("program.add").subject(&subject))
        })?;
        Ok(id)
    }

    /// Replaces a program's settings; the future follows.
    pub fn update_program(
        &self,
        ctx: &Ctx,
        program_id: ProgramId,
        s: ProgramSettings,
    ) -> Result<()> {
        ctx.require(Action::ManageCalendar)?;
        self.store.write(|c| {
            let pc = load_program(c, program_id)?;
            let days: Vec<Weekdays> = pc.tracks.iter().map(|t| t.weekdays.clone()).collect();
            let v = validate(&s, &days).map_err(settings_error)?;
            let mut row = pc.program.clone();
            row.name = v.name;
            row.session_start = v.session_start;
            row.session_minutes = s.session_minutes;
            row.min_weeks = s.min_weeks;
            row.max_weeks = s.max_weeks;
            row.max_patients_per_facilitator = s.max_patients_per_facilitator;
            row.family_every_weeks = s.family_every_weeks;
            row.family_minutes = s.family_minutes;
            row.family_weekday = iop_domain::calendar::WeekdayCode(v.family_weekday);
            row.alumni_weekday = iop_domain::calendar::WeekdayCode(v.alumni_weekday);
            row.alumni_minutes = s.alumni_minutes;
            row.horizon_weeks = s.horizon_weeks;
            org::update_program(c, &row)?;
            regenerate_future(c, ctx, program_id)?;
            let subject = format!("program:{program_id}");
            record(c, ctx, Event::ok("program.update").subject(&subject))
        })
    }

    /// A new track (a set of weeknights) in a program; it must meet on the family night.
    pub fn add_track(
        &self,
        ctx: &Ctx,
        program_id: ProgramId,
        name: &str,
        weekdays: &str,
    ) -> Result<TrackId> {
        ctx.require(Action::ManageCalendar)?;
        let name = crate::input::line(name, 60, "the track name")?;
        let name = name.as_str();
        let days = parse_weekdays(weekdays)
            .ok_or_else(|| AppError::Invalid("give weekdays like mon,tue,thu".into()))?;
        if days.len() < 3 {
            return Err(AppError::Invalid(
                "an intensive outpatient track meets at least three nights a week".into(),
            ));
        }
        let id = TrackId::new_v7();
        self.store.write(|c| {
            let pc = load_program(c, program_id)?;
            if pc.program.family_every_weeks > 0 && !days.contains(&pc.schedule.family_weekday) {
                return Err(AppError::Invalid(format!(
                    "the family group meets on {}, so every track must meet that night",
                    weekday_code(pc.schedule.family_weekday)
                )));
            }
            if pc.tracks.iter().any(|t| t.name.eq_ignore_ascii_case(name)) {
                return Err(AppError::Conflict(format!(
                    "the program already has a track named {name}"
                )));
            }
            org::insert_track(
                c,
                &TrackRow {
                    id,
                    program_id,
                    name: name.into(),
                    weekdays: iop_domain::calendar::Weekdays(days),
                    created_at: Instant(ctx.now()),
                },
            )?;
            regenerate_future(c, ctx, program_id)?;
            let subject = format!("track:{id}");
            record(c, ctx, Event::ok("track.add").subject(&subject))
        })?;
        Ok(id)
    }
}
