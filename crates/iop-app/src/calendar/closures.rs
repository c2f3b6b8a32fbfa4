//! Closures: a site is closed on a date; its sessions that day are cancelled with the
//! reason, and reinstated if the closure is voided.

use crate::audit::{record, Event};
use crate::calendar::sessions::generate_in;
use crate::ctx::Ctx;
use crate::error::{AppError, Result};
use crate::policy::Action;
use crate::App;
use iop_domain::ids::*;
use iop_domain::time::{Day, Instant};
use iop_store::calendar::{self as cal, ClosureRow};
use iop_store::{org, DbConn};
use jiff::civil::Date;

fn regenerate_site_day(c: &mut DbConn, ctx: &Ctx, site_id: SiteId, date: Date) -> Result<()> {
    for p in org::programs(c)?
        .into_iter()
        .filter(|p| p.site_id == site_id)
    {
        generate_in(c, ctx.now(), p.id, date, date)?;
    }
    Ok(())
}

/// How far ahead a closure may be planned.
pub const MAX_YEARS_AHEAD: i16 = 5;

impl App {
    pub fn closures(
        &self,
        ctx: &Ctx,
        site_id: SiteId,
        from: Date,
        to: Date,
    ) -> Result<Vec<Closure>> {
        ctx.require(Action::ViewCalendar)?;
        let rows = self.store.read(|c| {
            cal::closures_of_site(c, site_id, Day(from), Day(to)).map_err(AppError::from)
        })?;
        Ok(rows.into_iter().map(Into::into).collect())
    }

    pub fn add_closure(
        &self,
        ctx: &Ctx,
        site_id: SiteId,
        date: Date,
        reason: &str,
    ) -> Result<ClosureId> {
        ctx.require(Action::ManageCalendar)?;
        let today = self
            .store
            .read(|c| crate::clock::site_zone(c, site_id))
            .map(|tz| crate::clock::date_in(&tz, ctx.now()))?;
        if !iop_domain::time::is_sane_date(date)
            || !iop_domain::time::within_years_ahead(date, today, MAX_YEARS_AHEAD)
        {
            return Err(AppError::Invalid(format!(
                "a closure is planned at most {MAX_YEARS_AHEAD} years ahead; {date} is not"
            )));
        }
        let reason = crate::input::line(reason, 200, "the reason")?;
        let reason = reason.as_str();
        self.store.write(|c| {
            if !org::sites(c)?.iter().any(|s| s.id == site_id) {
                return Err(AppError::NotFound(format!("site {site_id}")));
            }
            let d = Day(date);
            if !cal::closures_of_site(c, site_id, d, d)?.is_empty() {
                return Err(AppError::Conflict(format!(
                    "the site is already closed on {d}"
                )));
            }
            let id = ClosureId::new_v7();
            let row = ClosureRow {
                id,
                site_id,
                local_date: d,
                reason: reason.into(),
                created_at: Instant(ctx.now()),
                voided_at: None,
                void_reason: None,
            };
            cal::insert_closure(c, &row)?;
            regenerate_site_day(c, ctx, site_id, date)?;
            crate::admissions::eligibility::recompute_planned_ends(c, ctx, site_id)?;
            let subject = format!("closure:{id}");
            record(
                c,
                ctx,
                Event::ok("closure.add")
                    .subject(&subject)
                    .detail(serde_json::json!({ "site_id": site_id, "date": date.to_string() })),
            )?;
            Ok(id)
        })
    }

    /// Adds the US federal holidays of `year` that the site has not closed for already.
    pub fn add_federal_holidays(&self, ctx: &Ctx, site_id: SiteId, year: i16) -> Result<usize> {
        ctx.require(Action::ManageCalendar)?;
        if !(2000..=2100).contains(&year) {
            return Err(AppError::Invalid(
                "the year must be between 2000 and 2100".into(),
            ));
        }
        let mut added = 0;
        for (date, name) in iop_domain::holidays::us_federal(year) {
            match self.add_closure(ctx, site_id, date, name) {
                Ok(_) => added += 1,
                Err(AppError::Conflict(_)) => {}
                Err(e) => return Err(e),
            }
        }
        Ok(added)
    }

    pub fn void_closure(&self, ctx: &Ctx, closure_id: ClosureId, reason: &str) -> Result<()> {
        ctx.require(Action::ManageCalendar)?;
        let reason = reason.trim();
        if reason.is_empty() {
            return Err(AppError::Invalid("say why the closure is withdrawn".into()));
        }
        self.store.write(|c| {
            let row = cal::closure_by_id(c, closure_id)?
                .ok_or_else(|| AppError::NotFound(format!("closure {closure_id}")))?;
            if !cal::void_closure(c, closure_id, Instant(ctx.now()), reason)? {
                return Err(AppError::Conflict(format!(
                    "closure {closure_id} was already withdrawn"
                )));
            }
            let date: Date = row.local_date.0;
            regenerate_site_day(c, ctx, row.site_id, date)?;
            crate::admissions::eligibility::recompute_planned_ends(c, ctx, row.site_id)?;
            let subject = format!("closure:{closure_id}");
            record(c, ctx, Event::ok("closure.void").subject(&subject))
        })
    }
}

crate::view::view!(
/// A day a site is closed, with the reason.
Closure from ClosureRow {
    id: ClosureId,
    site_id: SiteId,
    local_date: Day,
    reason: String,
    created_at: Instant,
    voided_at: Option<Instant>,
    void_reason: Option<String>,
});
