//! "Today" where the work happens. The evening group runs past midnight UTC in every US
//! zone, so a business date is never the UTC date: it is the date at the program's site,
//! and for lists that span every site, at the organisation's first site.

use iop_domain::display::Style;
use iop_domain::ids::{PatientId, ProgramId, SiteId};
use iop_domain::time::Day;
use iop_store::{admissions::episodes, org, DbConn};
use jiff::{civil::Date, tz::TimeZone, SignedDuration, Timestamp};

use crate::{error::Result, App, Ctx};

/// Where a request's "now" comes from: the system clock, or the system clock moved by a
/// fixed amount so that tests of a dated record run on the same day whatever the date
/// of the run (the demo's history is dated from "today").
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Clock {
    offset: SignedDuration,
}

impl Clock {
    pub const SYSTEM: Clock = Clock {
        offset: SignedDuration::ZERO,
    };

    /// A clock that reads `start` now and runs on from there at the system's pace.
    pub fn starting_at(start: Timestamp) -> Clock {
        Clock {
            offset: start.duration_since(Timestamp::now()),
        }
    }

    pub fn now(&self) -> Timestamp {
        Timestamp::now()
            .checked_add(self.offset)
            .unwrap_or_else(|_| Timestamp::now())
    }
}

/// The zone of a program's site.
pub fn program_zone(c: &mut DbConn, program: ProgramId) -> Result<TimeZone> {
    let Some(p) = org::program_by_id(c, program)? else {
        return organisation_zone(c);
    };
    site_zone(c, p.site_id)
}

pub fn site_zone(c: &mut DbConn, site: SiteId) -> Result<TimeZone> {
    match org::site_by_id(c, site)? {
        Some(s) => Ok(s.time_zone.tz()),
        None => organisation_zone(c),
    }
}

/// The organisation's zone, for dates and pages that belong to no one site (the billing
/// queues, the audit log): its own setting, else the zone of the first site by name.
pub fn organisation_zone(c: &mut DbConn) -> Result<TimeZone> {
    if let Some(z) = iop_store::meta::get(c, ORGANISATION_ZONE)?
        .and_then(|z| z.parse::<iop_domain::time::ZoneName>().ok())
    {
        return Ok(z.tz());
    }
    Ok(org::sites(c)?
        .first()
        .map_or(TimeZone::UTC, |s| s.time_zone.tz()))
}

/// The `meta` key of the organisation's zone setting.
pub const ORGANISATION_ZONE: &str = "organisation_time_zone";

/// The zone of the program of the patient's latest episode (the one treating them now).
pub fn patient_zone(c: &mut DbConn, patient: PatientId) -> Result<TimeZone> {
    let latest = episodes::episodes_with_patient_id(c, patient)?
        .into_iter()
        .max_by_key(|e| e.admit_date);
    match latest {
        Some(e) => program_zone(c, e.program_id),
        None => organisation_zone(c),
    }
}

/// The organisation's today less `days`: where a report's default period starts.
pub fn organisation_days_ago(c: &mut DbConn, now: Timestamp, days: i64) -> Result<Day> {
    let today = date_in(&organisation_zone(c)?, now);
    Ok(Day(today
        .checked_sub(jiff::Span::new().days(days))
        .unwrap_or(today)))
}

pub fn date_in(tz: &TimeZone, at: Timestamp) -> Date {
    at.to_zoned(tz.clone()).date()
}

/// Midnight UTC at the start of a date: a bound to widen by a day when the zone that
/// decides a row's local date is only known row by row.
pub fn utc_start(d: Date) -> Result<Timestamp> {
    d.to_zoned(TimeZone::UTC)
        .map(|z| z.timestamp())
        .map_err(|e| crate::error::AppError::Internal(e.to_string()))
}

impl App {
    /// Today at the program's site, by the request's clock.
    pub fn program_today(&self, ctx: &Ctx, program: ProgramId) -> Result<Date> {
        let tz = self.store.read(|c| program_zone(c, program))?;
        Ok(date_in(&tz, ctx.now()))
    }

    /// Today where the patient is treated.
    pub fn patient_today(&self, ctx: &Ctx, patient: PatientId) -> Result<Date> {
        let tz = self.store.read(|c| patient_zone(c, patient))?;
        Ok(date_in(&tz, ctx.now()))
    }

    /// How a page about one site writes its dates and times.
    pub fn site_style(&self, ctx: &Ctx, site: SiteId) -> Result<Style> {
        let tz = self.store.read(|c| site_zone(c, site))?;
        Ok(self.style_in(ctx, tz))
    }

    pub fn program_style(&self, ctx: &Ctx, program: ProgramId) -> Result<Style> {
        let tz = self.store.read(|c| program_zone(c, program))?;
        Ok(self.style_in(ctx, tz))
    }

    /// A chart's style: the zone of the program treating the patient.
    pub fn patient_style(&self, ctx: &Ctx, patient: PatientId) -> Result<Style> {
        let tz = self.store.read(|c| patient_zone(c, patient))?;
        Ok(self.style_in(ctx, tz))
    }

    /// Pages that span sites: the organisation's zone setting, else its first site's.
    pub fn organisation_style(&self, ctx: &Ctx) -> Result<Style> {
        let tz = self.store.read(organisation_zone)?;
        Ok(self.style_in(ctx, tz))
    }

    /// The organisation's zone as set, if it is (an administrator's choice).
    pub fn organisation_zone_setting(&self, ctx: &Ctx) -> Result<Option<String>> {
        ctx.require(crate::policy::Action::ViewOrganisation)?;
        self.store
            .read(|c| iop_store::meta::get(c, ORGANISATION_ZONE).map_err(Into::into))
    }

    /// Sets the zone of pages that span sites (empty: the first site's).
    pub fn set_organisation_zone(&self, ctx: &Ctx, zone: &str) -> Result<()> {
        ctx.require(crate::policy::Action::ManageCalendar)?;
        let zone = zone.trim();
        let value = if zone.is_empty() {
            String::new()
        } else {
            zone.parse::<iop_domain::time::ZoneName>()
                .map_err(|e| crate::error::AppError::Invalid(e.to_string()))?
                .to_string()
        };
        self.store.write(|c| {
            iop_store::meta::set(c, ORGANISATION_ZONE, &value)?;
            crate::audit::record(
                c,
                ctx,
                crate::audit::Event::ok("organisation.time_zone")
                    .detail(serde_json::json!({ "to": value })),
            )
        })
    }

    pub fn style_in(&self, ctx: &Ctx, tz: TimeZone) -> Style {
        Style::new(tz, self.settings.locale, ctx.now())
    }

    /// Today at the organisation's first site, for lists across every site.
    pub fn organisation_today(&self, ctx: &Ctx) -> Result<Date> {
        let tz = self.store.read(organisation_zone)?;
        Ok(date_in(&tz, ctx.now()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_clock_started_at_an_instant_reads_it_and_runs_on_at_the_system_pace() {
        let start: Timestamp = "2026-12-02T15:00:00Z".parse().unwrap_or_default();
        let clock = Clock::starting_at(start);
        let first = clock.now();
        assert!(first.duration_since(start).abs() < SignedDuration::from_secs(5));
        std::thread::sleep(std::time::Duration::from_millis(20));
        assert!(clock.now() > first);
        assert!(
            Clock::SYSTEM.now().duration_since(Timestamp::now()).abs()
                < SignedDuration::from_secs(5)
        );
    }
}
