//! Instants as stored: fixed-width UTC text, so the text order is the time order on
//! both backends and an auditor can read a row without converting anything.

use jiff::civil::Date;
use jiff::Timestamp;
use std::fmt;
use std::str::FromStr;

/// An instant as a row holds it. jiff's types cannot take diesel's column traits
/// outside diesel (coherence with diesel's blanket `AsExpression`), so the domain wraps
/// them; the text is `stored` (fixed-width UTC) in the database and in JSON alike.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, utoipa::ToSchema)]
#[cfg_attr(feature = "diesel", derive(diesel::AsExpression, diesel::FromSqlRow))]
#[cfg_attr(feature = "diesel", diesel(sql_type = crate::sql::types::InstantText))]
#[schema(value_type = String, format = DateTime)]
pub struct Instant(pub Timestamp);

/// A calendar day as a row holds it: `YYYY-MM-DD`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, utoipa::ToSchema)]
#[cfg_attr(feature = "diesel", derive(diesel::AsExpression, diesel::FromSqlRow))]
#[cfg_attr(feature = "diesel", diesel(sql_type = crate::sql::types::DayText))]
#[schema(value_type = String, format = Date)]
pub struct Day(pub Date);

impl fmt::Display for Instant {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&stored(self.0))
    }
}

impl FromStr for Instant {
    type Err = jiff::Error;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        s.parse().map(Instant)
    }
}

impl fmt::Display for Day {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

impl FromStr for Day {
    type Err = jiff::Error;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        s.parse().map(Day)
    }
}

/// A time of day as settings hold it: `HH:MM`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, utoipa::ToSchema)]
#[cfg_attr(feature = "diesel", derive(diesel::AsExpression, diesel::FromSqlRow))]
#[cfg_attr(feature = "diesel", diesel(sql_type = diesel::sql_types::Text))]
#[schema(value_type = String, example = "18:00")]
pub struct ClockTime(pub jiff::civil::Time);

impl fmt::Display for ClockTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:02}:{:02}", self.0.hour(), self.0.minute())
    }
}

impl FromStr for ClockTime {
    type Err = jiff::Error;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        s.trim().parse().map(ClockTime)
    }
}

/// An IANA time zone name (`America/Kentucky/Louisville`) that the bundled database knows.
#[derive(Clone, Debug, PartialEq, Eq, Hash, utoipa::ToSchema)]
#[cfg_attr(feature = "diesel", derive(diesel::AsExpression, diesel::FromSqlRow))]
#[cfg_attr(feature = "diesel", diesel(sql_type = diesel::sql_types::Text))]
#[schema(value_type = String, example = "America/New_York")]
pub struct ZoneName(String);

/// Text that names no time zone we know.
#[derive(Debug, PartialEq, Eq, thiserror::Error)]
#[error("{0:?} is not a time zone name like America/New_York")]
pub struct UnknownZone(pub String);

impl ZoneName {
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The zone itself; the name was checked when it was made.
    pub fn tz(&self) -> jiff::tz::TimeZone {
        jiff::tz::TimeZone::get(&self.0).unwrap_or(jiff::tz::TimeZone::UTC)
    }
}

impl fmt::Display for ZoneName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl FromStr for ZoneName {
    type Err = UnknownZone;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let s = s.trim();
        if s.contains('/') && jiff::tz::TimeZone::get(s).is_ok() {
            Ok(ZoneName(s.to_string()))
        } else {
            Err(UnknownZone(s.chars().take(60).collect()))
        }
    }
}

impl Instant {
    /// The UTC day, `YYYY-MM-DD`.
    pub fn utc_day(&self) -> Day {
        Day(self.0.to_zoned(jiff::tz::TimeZone::UTC).date())
    }

    /// The UTC minute, `YYYY-MM-DDTHH:MM`.
    pub fn utc_minute(&self) -> String {
        self.0.strftime("%Y-%m-%dT%H:%M").to_string()
    }
}

impl From<Timestamp> for Instant {
    fn from(ts: Timestamp) -> Self {
        Instant(ts)
    }
}

impl From<Date> for Day {
    fn from(d: Date) -> Self {
        Day(d)
    }
}

macro_rules! text_serde {
    ($($t:ty: $st:ty),*) => {$(
        impl serde::Serialize for $t {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.collect_str(self)
            }
        }

        impl<'de> serde::Deserialize<'de> for $t {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let text = <std::borrow::Cow<'de, str>>::deserialize(d)?;
                text.parse().map_err(serde::de::Error::custom)
            }
        }

        #[cfg(feature = "diesel")]
        crate::sql::text_column!($st; $t);
    )*};
}

text_serde!(Instant: crate::sql::types::InstantText, Day: crate::sql::types::DayText);

crate::display_text!(ClockTime, ZoneName);

/// `2026-11-27T03:26:10.123456Z`: always microseconds, always `Z`.
pub fn stored(ts: Timestamp) -> String {
    ts.strftime("%Y-%m-%dT%H:%M:%S%.6fZ").to_string()
}

pub fn parse_stored(s: &str) -> Option<Timestamp> {
    s.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn stored_form_has_fixed_width() {
        let ts: Timestamp = "2026-03-08T07:00:00Z".parse().unwrap_or_default();
        assert_eq!(stored(ts), "2026-03-08T07:00:00.000000Z");
    }

    proptest! {
        #[test]
        fn text_order_equals_time_order(a in 0i64..4_102_444_800_000_000, b in 0i64..4_102_444_800_000_000) {
            let (ta, tb) = (Timestamp::from_microsecond(a), Timestamp::from_microsecond(b));
            if let (Ok(ta), Ok(tb)) = (ta, tb) {
                prop_assert_eq!(stored(ta).cmp(&stored(tb)), ta.cmp(&tb));
                prop_assert_eq!(parse_stored(&stored(ta)), Some(ta));
            }
        }
    }
}

/// The first and last dates any field accepts: before 1900 or after 2199 a date is a
/// typing slip (`0026-12-02`, `20266-01-01`), never a date of care.
pub const FIRST_DATE: Date = jiff::civil::date(1900, 1, 1);
pub const LAST_DATE: Date = jiff::civil::date(2199, 12, 31);

/// Whether `d` is in the window every date field accepts.
pub fn is_sane_date(d: Date) -> bool {
    (FIRST_DATE..=LAST_DATE).contains(&d)
}

/// Whether `d` is at most `years` after `today` (plans such as closures).
pub fn within_years_ahead(d: Date, today: Date, years: i16) -> bool {
    today
        .checked_add(jiff::Span::new().years(years))
        .is_ok_and(|limit| d <= limit)
}

#[cfg(test)]
mod window_tests {
    use super::*;

    #[test]
    fn dates_before_1900_or_after_2199_are_slips_and_plans_stop_years_ahead() {
        assert!(!is_sane_date(jiff::civil::date(1899, 12, 31)));
        assert!(is_sane_date(jiff::civil::date(1900, 1, 1)));
        assert!(!is_sane_date(jiff::civil::date(2200, 1, 1)));
        let today = jiff::civil::date(2026, 12, 2);
        assert!(within_years_ahead(jiff::civil::date(2031, 12, 2), today, 5));
        assert!(!within_years_ahead(
            jiff::civil::date(2031, 12, 3),
            today,
            5
        ));
    }
}
