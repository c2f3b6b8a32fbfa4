//! Times as the people at the site read them in messages: "6:00 PM".

use jiff::Timestamp;

/// `at` on the wall clock of the named zone, like "6:00 PM".
pub(crate) fn wall_time(zone: &str, at: Timestamp) -> String {
    let tz = jiff::tz::TimeZone::get(zone).unwrap_or(jiff::tz::TimeZone::UTC);
    at.to_zoned(tz).strftime("%-I:%M %p").to_string()
}
