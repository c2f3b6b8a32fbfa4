//! The program calendar: which sessions a program holds on which local dates, at which
//! instants. Pure: the time zone, tracks, closures and the date range are parameters.
//!
//! - Core groups meet on each track's weekdays at the program's start time.
//! - The family group meets every `family_every_weeks` weeks on a night all tracks share,
//!   at the same hour. On that night it takes the place of the core groups: patients of
//!   every track come to one group with their families, and their week still has its hours.
//! - The alumni group meets weekly on its own night.
//! - A closure cancels every session on its date; the session is kept, with the reason.

use jiff::civil::{Date, DateTime, Time, Weekday};
use jiff::tz::TimeZone;
use jiff::{Timestamp, Zoned};
use std::collections::BTreeMap;

crate::code_enum! {
        pub enum SessionKind {
            Core,
            Family,
            Alumni,
        }
}

crate::code_enum! {
        /// Where a session stands: scheduled until it has been held (attendance taken), or
        /// cancelled (a closure, a one-off cancellation, a change of the plan); never deleted.
        pub enum SessionStatus {
            Scheduled,
            Held,
            Cancelled,
        }
}

/// The weekly shape of a program (per-program settings).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProgramSchedule {
    pub start: Time,
    pub minutes: i32,
    pub family_every_weeks: i32,
    pub family_minutes: i32,
    pub family_weekday: Weekday,
    /// A Monday of a week with a family group; every `family_every_weeks`-th week after it has one too.
    pub family_anchor: Date,
    pub alumni_weekday: Weekday,
    pub alumni_minutes: i32,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TrackPattern {
    pub id: crate::ids::TrackId,
    pub weekdays: Vec<Weekday>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Closure {
    pub date: Date,
    pub reason: String,
}

/// One session as the calendar says it should be.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PlannedSession {
    /// Stable identity across regenerations: kind, track (or program) and local date.
    pub key: String,
    pub kind: SessionKind,
    pub track_id: Option<crate::ids::TrackId>,
    pub date: Date,
    pub start: Timestamp,
    pub end: Timestamp,
    /// `Some(reason)` when a closure falls on the date.
    pub cancelled: Option<String>,
}

#[derive(Debug, PartialEq, Eq, thiserror::Error)]
pub enum CalendarError {
    #[error("the local time {0} does not exist or cannot be placed in the time zone")]
    Unplaceable(DateTime),
    #[error("the date range is too long (at most {max} days)")]
    RangeTooLong { max: i32 },
}

/// Local start and end of a session as instants; end is the local clock time
/// `start + minutes`, so 18:00–21:00 holds on both sides of a DST change.
pub fn place(
    tz: &TimeZone,
    date: Date,
    start: Time,
    minutes: i32,
) -> Result<(Zoned, Zoned), CalendarError> {
    let local_start = date.to_datetime(start);
    let local_end = local_start
        .checked_add(jiff::Span::new().minutes(i64::from(minutes)))
        .map_err(|_| CalendarError::Unplaceable(local_start))?;
    let s = tz
        .to_zoned(local_start)
        .map_err(|_| CalendarError::Unplaceable(local_start))?;
    let e = tz
        .to_zoned(local_end)
        .map_err(|_| CalendarError::Unplaceable(local_end))?;
    Ok((s, e))
}

/// The Monday of the week that holds `d`.
pub fn monday_of(d: Date) -> Date {
    let back = i64::from(d.weekday().to_monday_zero_offset());
    d.checked_sub(jiff::Span::new().days(back)).unwrap_or(d)
}

/// Whether the week of `d` has a family group.
pub fn is_family_week(s: &ProgramSchedule, d: Date) -> bool {
    if s.family_every_weeks <= 0 {
        return false;
    }
    let days = (monday_of(d) - monday_of(s.family_anchor)).get_days();
    let weeks = days.div_euclid(7);
    weeks.rem_euclid(s.family_every_weeks) == 0
}

pub const MAX_RANGE_DAYS: i32 = 3 * 366;

/// Every session of the program from `from` to `to`, both inclusive, in date order.
pub fn plan(
    tz: &TimeZone,
    s: &ProgramSchedule,
    tracks: &[TrackPattern],
    closures: &[Closure],
    from: Date,
    to: Date,
) -> Result<Vec<PlannedSession>, CalendarError> {
    if (to - from).get_days() > MAX_RANGE_DAYS {
        return Err(CalendarError::RangeTooLong {
            max: MAX_RANGE_DAYS,
        });
    }
    let closed: BTreeMap<Date, &str> = closures
        .iter()
        .map(|c| (c.date, c.reason.as_str()))
        .collect();
    let mut out = Vec::new();
    let mut d = from;
    while d <= to {
        let wd = d.weekday();
        let family_night = wd == s.family_weekday && is_family_week(s, d);
        let cancelled = closed.get(&d).map(|r| r.to_string());
        let mut push = |kind: SessionKind,
                        track: Option<crate::ids::TrackId>,
                        minutes: i32|
         -> Result<(), CalendarError> {
            let (start, end) = place(tz, d, s.start, minutes)?;
            let owner = track.map_or_else(|| "program".to_string(), |t| t.to_string());
            out.push(PlannedSession {
                key: format!("{kind}:{owner}:{d}"),
                kind,
                track_id: track,
                date: d,
                start: start.timestamp(),
                end: end.timestamp(),
                cancelled: cancelled.clone(),
            });
            Ok(())
        };
        if family_night {
            push(SessionKind::Family, None, s.family_minutes)?;
        } else {
            for t in tracks.iter().filter(|t| t.weekdays.contains(&wd)) {
                push(SessionKind::Core, Some(t.id), s.minutes)?;
            }
        }
        if wd == s.alumni_weekday {
            push(SessionKind::Alumni, None, s.alumni_minutes)?;
        }
        d = match d.tomorrow() {
            Ok(n) => n,
            Err(_) => break,
        };
    }
    Ok(out)
}

/// The date by which someone admitted on `admit` to `track` has had `required` group
/// nights (the track's core groups and the family groups), cancelled sessions not
/// counting: closures push the planned end out.
pub fn planned_end(
    plan: &[PlannedSession],
    track: crate::ids::TrackId,
    admit: Date,
    required: usize,
) -> Option<Date> {
    plan.iter()
        .filter(|p| p.date >= admit && p.cancelled.is_none())
        .filter(|p| {
            p.kind == SessionKind::Family
                || (p.kind == SessionKind::Core && p.track_id == Some(track))
        })
        .nth(required.checked_sub(1)?)
        .map(|p| p.date)
}

/// Weekdays as stored and shown: `mon,tue,thu`.
pub fn parse_weekdays(s: &str) -> Option<Vec<Weekday>> {
    let mut v = Vec::new();
    for part in s.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        let wd = parse_weekday(part)?;
        if !v.contains(&wd) {
            v.push(wd);
        }
    }
    v.sort_by_key(|w| w.to_monday_zero_offset());
    (!v.is_empty()).then_some(v)
}

pub fn parse_weekday(s: &str) -> Option<Weekday> {
    Some(match s.to_ascii_lowercase().get(..3)? {
        "mon" => Weekday::Monday,
        "tue" => Weekday::Tuesday,
        "wed" => Weekday::Wednesday,
        "thu" => Weekday::Thursday,
        "fri" => Weekday::Friday,
        "sat" => Weekday::Saturday,
        "sun" => Weekday::Sunday,
        _ => return None,
    })
}

pub fn weekday_code(w: Weekday) -> &'static str {
    match w {
        Weekday::Monday => "mon",
        Weekday::Tuesday => "tue",
        Weekday::Wednesday => "wed",
        Weekday::Thursday => "thu",
        Weekday::Friday => "fri",
        Weekday::Saturday => "sat",
        Weekday::Sunday => "sun",
    }
}

pub fn format_weekdays(days: &[Weekday]) -> String {
    days.iter()
        .map(|d| weekday_code(*d))
        .collect::<Vec<_>>()
        .join(",")
}

/// Nights every track meets on: where a family group can fall.
pub fn shared_weekdays(tracks: &[TrackPattern]) -> Vec<Weekday> {
    let Some(first) = tracks.first() else {
        return Vec::new();
    };
    first
        .weekdays
        .iter()
        .copied()
        .filter(|w| tracks.iter().all(|t| t.weekdays.contains(w)))
        .collect()
}

#[cfg(test)]
#[path = "calendar_tests.rs"]
mod tests;

crate::code_enum! {
        /// What cancelled a session: a closure, a person, or a change of the track's days.
        pub enum CancelSource {
            Closure,
            Manual,
            Schedule,
        }
}

/// A day of the week as settings hold it: `mon` … `sun`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, utoipa::ToSchema)]
#[cfg_attr(feature = "diesel", derive(diesel::AsExpression, diesel::FromSqlRow))]
#[cfg_attr(feature = "diesel", diesel(sql_type = diesel::sql_types::Text))]
#[schema(value_type = String, example = "thu")]
pub struct WeekdayCode(pub Weekday);

/// The days a track meets, in week order: `mon,tue,thu`.
#[derive(Clone, Debug, PartialEq, Eq, Hash, utoipa::ToSchema)]
#[cfg_attr(feature = "diesel", derive(diesel::AsExpression, diesel::FromSqlRow))]
#[cfg_attr(feature = "diesel", diesel(sql_type = diesel::sql_types::Text))]
#[schema(value_type = String, example = "mon,tue,thu")]
pub struct Weekdays(pub Vec<Weekday>);

/// Text that names no day of the week (or no days).
#[derive(Debug, PartialEq, Eq, thiserror::Error)]
#[error("{0:?} is not a day of the week like mon or a list like mon,wed,thu")]
pub struct NotWeekdays(pub String);

impl std::fmt::Display for WeekdayCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(weekday_code(self.0))
    }
}

impl std::str::FromStr for WeekdayCode {
    type Err = NotWeekdays;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        parse_weekday(s.trim())
            .map(WeekdayCode)
            .ok_or_else(|| NotWeekdays(s.chars().take(20).collect()))
    }
}

impl std::fmt::Display for Weekdays {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&format_weekdays(&self.0))
    }
}

impl std::str::FromStr for Weekdays {
    type Err = NotWeekdays;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        parse_weekdays(s)
            .map(Weekdays)
            .ok_or_else(|| NotWeekdays(s.chars().take(40).collect()))
    }
}

crate::display_text!(WeekdayCode, Weekdays);
