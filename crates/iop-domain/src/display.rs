//! How pages write times and dates for people: in one zone (the site's, or the
//! organisation's for pages that span sites) and one locale, never as stored text.
//! Every page formats through a `Style`, so a program in Los Angeles reads "6:00 PM"
//! whatever zone the server or the first site is in.

use crate::time::{ClockTime, Day, Instant};
use jiff::civil::{Date, Time};
use jiff::tz::TimeZone;
use jiff::Timestamp;
use std::fmt;
use std::str::FromStr;

/// The conventions an organisation writes dates and times in.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Locale {
    /// "Wed, Dec 2", "6:00 PM".
    #[default]
    EnUs,
    /// "Wed 2 Dec", "18:00".
    EnGb,
}

#[derive(Debug, PartialEq, Eq, thiserror::Error)]
#[error("{0:?} is not a locale this version writes; use en-US or en-GB")]
pub struct UnknownLocale(pub String);

impl FromStr for Locale {
    type Err = UnknownLocale;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().replace('_', "-").as_str() {
            "en-us" | "en" => Ok(Locale::EnUs),
            "en-gb" => Ok(Locale::EnGb),
            _ => Err(UnknownLocale(s.chars().take(20).collect())),
        }
    }
}

impl fmt::Display for Locale {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Locale::EnUs => "en-US",
            Locale::EnGb => "en-GB",
        })
    }
}

/// A date, whichever way a row or a rule holds it.
pub trait CivilDate {
    fn civil(&self) -> Date;
}
impl CivilDate for Date {
    fn civil(&self) -> Date {
        *self
    }
}
impl CivilDate for Day {
    fn civil(&self) -> Date {
        self.0
    }
}
impl<T: CivilDate> CivilDate for &T {
    fn civil(&self) -> Date {
        (*self).civil()
    }
}

/// An instant, whichever way a row or a rule holds it.
pub trait AnInstant {
    fn timestamp(&self) -> Timestamp;
}
impl AnInstant for Timestamp {
    fn timestamp(&self) -> Timestamp {
        *self
    }
}
impl AnInstant for Instant {
    fn timestamp(&self) -> Timestamp {
        self.0
    }
}
impl<T: AnInstant> AnInstant for &T {
    fn timestamp(&self) -> Timestamp {
        (*self).timestamp()
    }
}

/// A time of day, whichever way a setting holds it.
pub trait TimeOfDay {
    fn time_of_day(&self) -> Time;
}
impl TimeOfDay for Time {
    fn time_of_day(&self) -> Time {
        *self
    }
}
impl TimeOfDay for ClockTime {
    fn time_of_day(&self) -> Time {
        self.0
    }
}
impl<T: TimeOfDay> TimeOfDay for &T {
    fn time_of_day(&self) -> Time {
        (*self).time_of_day()
    }
}

/// A zone, a locale and the current year (a date in it is written without its year).
#[derive(Clone, Debug)]
pub struct Style {
    pub tz: TimeZone,
    pub locale: Locale,
    this_year: i16,
}

impl Style {
    pub fn new(tz: TimeZone, locale: Locale, now: Timestamp) -> Self {
        let this_year = now.to_zoned(tz.clone()).year();
        Style {
            tz,
            locale,
            this_year,
        }
    }

    /// "6:00 PM" (en-US) or "18:00" (en-GB).
    pub fn clock(&self, t: impl TimeOfDay) -> String {
        let t = t.time_of_day();
        match self.locale {
            Locale::EnUs => t.strftime("%-I:%M %p").to_string(),
            Locale::EnGb => t.strftime("%H:%M").to_string(),
        }
    }

    /// The time of day an instant has in this style's zone.
    pub fn time(&self, at: impl AnInstant) -> String {
        self.clock(at.timestamp().to_zoned(self.tz.clone()).time())
    }

    /// "Wed, Dec 2" this year, "Wed, Dec 2, 2027" in another.
    pub fn day(&self, d: impl CivilDate) -> String {
        let d = d.civil();
        let same = d.year() == self.this_year;
        match (self.locale, same) {
            (Locale::EnUs, true) => d.strftime("%a, %b %-d").to_string(),
            (Locale::EnUs, false) => d.strftime("%a, %b %-d, %Y").to_string(),
            (Locale::EnGb, true) => d.strftime("%a %-d %b").to_string(),
            (Locale::EnGb, false) => d.strftime("%a %-d %b %Y").to_string(),
        }
    }

    /// A date that is not about a weekday (a birth date, a period's ends): "Apr 13, 1973".
    pub fn date(&self, d: impl CivilDate) -> String {
        let d = d.civil();
        match self.locale {
            Locale::EnUs => d.strftime("%b %-d, %Y").to_string(),
            Locale::EnGb => d.strftime("%-d %b %Y").to_string(),
        }
    }

    /// The time of day of an instant at another site (a list of several sites' groups).
    pub fn time_at_site(&self, at: impl AnInstant, zone: &str) -> String {
        let tz = jiff::tz::TimeZone::get(zone).unwrap_or_else(|_| self.tz.clone());
        self.clock(at.timestamp().to_zoned(tz).time())
    }

    /// A wall-clock time already at its site ("18:30", as a calendar row holds it).
    pub fn wall_clock(&self, hhmm: &str) -> String {
        match hhmm.parse::<ClockTime>() {
            Ok(t) => self.clock(t),
            Err(_) => hhmm.to_string(),
        }
    }

    /// The local date of an instant, as `day` writes it.
    pub fn day_of(&self, at: impl AnInstant) -> String {
        self.day(at.timestamp().to_zoned(self.tz.clone()).date())
    }

    /// "Wed, Dec 2, 6:00 PM".
    pub fn at(&self, at: impl AnInstant) -> String {
        format!("{}, {}", self.day_of(&at), self.time(&at))
    }

    /// An hour and minute range: "6:00 – 9:00 PM" reads as "6:00 PM – 9:00 PM" here,
    /// which is unambiguous across noon.
    pub fn span(&self, from: impl AnInstant, to: impl AnInstant) -> String {
        format!("{} – {}", self.time(from), self.time(to))
    }

    /// A wall-clock time at the site written as `YYYY-MM-DDTHH:MM` (a form's value):
    /// "Sat, Dec 5, 3:00 PM"; text that is not one is shown as it is.
    pub fn local(&self, wall: &str) -> String {
        match wall.parse::<jiff::civil::DateTime>() {
            Ok(dt) => format!("{}, {}", self.day(dt.date()), self.clock(dt.time())),
            Err(_) => wall.to_string(),
        }
    }

    /// A stored code as words: `referred_out` → "referred out", `auth.login` → "auth login".
    pub fn words(&self, code: impl fmt::Display) -> String {
        code.to_string().replace(['_', '.'], " ")
    }

    /// Text that may hold ids (an audit subject, a request id) with each UUID cut to its
    /// last eight digits: enough to tell entries apart and to find them in the API's full text.
    pub fn refs(&self, text: &str) -> String {
        let b = text.as_bytes();
        let mut out = String::with_capacity(text.len());
        let mut i = 0;
        while i < b.len() {
            if b.len() - i >= 36 && is_uuid(&b[i..i + 36]) {
                out.push('…');
                out.push_str(&text[i + 28..i + 36]);
                i += 36;
            } else {
                let ch = text[i..].chars().next().unwrap_or(' ');
                out.push(ch);
                i += ch.len_utf8();
            }
        }
        out
    }

    /// Prose a use case wrote (an alert, a refusal) with each ISO date in it
    /// (`2026-12-02`) written as `day` writes it; the rest is left as it is.
    pub fn text(&self, text: &str) -> String {
        let b = text.as_bytes();
        let mut out = String::with_capacity(text.len());
        let mut i = 0;
        while i < b.len() {
            let date = (b.len() - i >= 10 && is_iso_date(&b[i..i + 10]))
                .then(|| text[i..i + 10].parse::<Date>().ok())
                .flatten();
            let boundary = |j: usize| b.get(j).is_none_or(|c| !c.is_ascii_alphanumeric());
            match date {
                Some(d) if (i == 0 || boundary(i - 1)) && boundary(i + 10) => {
                    out.push_str(&self.day(d));
                    i += 10;
                }
                _ => {
                    let ch = text[i..].chars().next().unwrap_or(' ');
                    out.push(ch);
                    i += ch.len_utf8();
                }
            }
        }
        out
    }

    /// An optional date, or a dash.
    pub fn maybe_day(&self, d: Option<impl CivilDate>) -> String {
        d.map_or_else(|| "–".to_string(), |d| self.day(d))
    }

    /// An optional instant, or a dash.
    pub fn maybe_at(&self, at: Option<impl AnInstant>) -> String {
        at.map_or_else(|| "–".to_string(), |a| self.at(a))
    }
}

fn is_iso_date(b: &[u8]) -> bool {
    b.iter().enumerate().all(|(i, c)| match i {
        4 | 7 => *c == b'-',
        _ => c.is_ascii_digit(),
    })
}

fn is_uuid(b: &[u8]) -> bool {
    b.iter().enumerate().all(|(i, c)| match i {
        8 | 13 | 18 | 23 => *c == b'-',
        _ => c.is_ascii_hexdigit(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    fn style(zone: &str, locale: Locale) -> Style {
        let now: Timestamp = "2026-12-02T15:00:00Z".parse().unwrap_or_default();
        Style::new(TimeZone::get(zone).unwrap_or(TimeZone::UTC), locale, now)
    }

    #[test]
    fn a_los_angeles_evening_group_reads_six_pm_in_us_english() {
        let s = style("America/Los_Angeles", Locale::EnUs);
        let start: Timestamp = "2026-12-03T02:00:00Z".parse().unwrap_or_default();
        assert_eq!(s.time(start), "6:00 PM");
        assert_eq!(s.at(start), "Wed, Dec 2, 6:00 PM");
    }

    #[test]
    fn british_english_writes_the_day_first_and_a_24_hour_clock() {
        let s = style("Europe/London", Locale::EnGb);
        let start: Timestamp = "2026-12-02T18:00:00Z".parse().unwrap_or_default();
        assert_eq!(s.at(start), "Wed 2 Dec, 18:00");
        assert_eq!(s.date(date(1973, 4, 13)), "13 Apr 1973");
    }

    #[test]
    fn iso_dates_in_prose_are_written_the_locales_way_and_nothing_else_changes() {
        let s = style("America/New_York", Locale::EnUs);
        assert_eq!(
            s.text("PHQ-9 item 9 above 0 on 2026-12-02; again: 2027-01-04"),
            "PHQ-9 item 9 above 0 on Wed, Dec 2; again: Mon, Jan 4, 2027"
        );
        // Not a date, part of a longer number, or an impossible day: left alone.
        assert_eq!(
            s.text("claim 12026-12-02 and 2026-13-40"),
            "claim 12026-12-02 and 2026-13-40"
        );
        assert_eq!(s.text("naïve 2026-12"), "naïve 2026-12");
        let gb = style("Europe/London", Locale::EnGb);
        assert_eq!(gb.text("(2026-12-02)"), "(Wed 2 Dec)");
    }

    proptest::proptest! {
        #[test]
        fn any_prose_is_rewritten_without_a_panic_and_dateless_prose_is_unchanged(t in "\\PC{0,40}[0-9-]{0,12}\\PC{0,10}") {
            let s = style("UTC", Locale::EnUs);
            let out = s.text(&t);
            if !t.contains('-') {
                proptest::prop_assert_eq!(out, t);
            }
        }
    }

    #[test]
    fn a_date_in_another_year_carries_its_year() {
        let s = style("America/New_York", Locale::EnUs);
        assert_eq!(s.day(Day(date(2027, 1, 4))), "Mon, Jan 4, 2027");
        assert_eq!(s.day(date(2026, 12, 25)), "Fri, Dec 25");
        assert_eq!(s.date(date(1973, 4, 13)), "Apr 13, 1973");
    }

    #[test]
    fn the_same_instant_is_a_different_local_day_across_the_date_line_of_the_zone() {
        let at: Timestamp = "2026-12-03T03:30:00Z".parse().unwrap_or_default();
        assert_eq!(
            style("America/Los_Angeles", Locale::EnUs).day_of(at),
            "Wed, Dec 2"
        );
        assert_eq!(
            style("America/New_York", Locale::EnUs).day_of(at),
            "Wed, Dec 2"
        );
        assert_eq!(
            style("Europe/London", Locale::EnUs).day_of(at),
            "Thu, Dec 3"
        );
    }

    #[test]
    fn noon_and_midnight_are_twelve_in_us_english() {
        let s = style("UTC", Locale::EnUs);
        assert_eq!(s.clock(jiff::civil::time(12, 0, 0, 0)), "12:00 PM");
        assert_eq!(s.clock(jiff::civil::time(0, 5, 0, 0)), "12:05 AM");
    }

    #[test]
    fn a_form_value_and_a_code_read_as_words() {
        let s = style("America/New_York", Locale::EnUs);
        assert_eq!(s.local("2026-12-05T15:00"), "Sat, Dec 5, 3:00 PM");
        assert_eq!(s.words("late_cancelled"), "late cancelled");
        assert_eq!(s.wall_clock("18:30"), "6:30 PM");
    }

    #[test]
    fn ids_in_text_are_cut_to_their_last_eight_digits() {
        let s = style("UTC", Locale::EnUs);
        assert_eq!(
            s.refs("note:01a24134-b3f8-730e-a983-d3170dc3a959"),
            "note:…0dc3a959"
        );
        assert_eq!(s.refs("plain – text"), "plain – text");
    }

    #[test]
    fn locales_parse_from_their_tags_and_refuse_others() {
        assert_eq!("en-US".parse(), Ok(Locale::EnUs));
        assert_eq!("en_GB".parse(), Ok(Locale::EnGb));
        assert!("fr-FR".parse::<Locale>().is_err());
    }
}
