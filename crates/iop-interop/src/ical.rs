//! iCalendar (RFC 5545) feeds. Titles are neutral ("Appointment"), events private,
//! and every TZID has its VTIMEZONE, built from the time zone database's transitions.

use jiff::civil::DateTime;
use jiff::tz::{Offset, TimeZone};
use jiff::Timestamp;
use std::fmt::Write as _;

/// One session as a feed shows it.
#[derive(Clone, Debug)]
pub struct FeedEvent {
    pub session_id: String,
    /// Core track or family/alumni group: sessions of one series share it.
    pub series: String,
    pub start: Timestamp,
    pub end: Timestamp,
    /// Where the session was before a one-off move.
    pub original_start: Option<Timestamp>,
    pub cancelled: bool,
    pub sequence: i32,
}

/// A weekly series: its sessions and the rule they follow.
#[derive(Clone, Debug)]
pub struct Series {
    pub uid: String,
    pub byday: Vec<jiff::civil::Weekday>,
    pub interval_weeks: i32,
    pub events: Vec<FeedEvent>,
}

pub const SUMMARY: &str = "Appointment";

fn escape(s: &str) -> String {
    s.replace('\\', "\\\\")
        .replace(';', "\\;")
        .replace(',', "\\,")
        .replace('\n', "\\n")
}

/// Folds at 75 octets without splitting a UTF-8 character; CRLF line ends.
fn push_line(out: &mut String, line: &str) {
    let mut width = 0;
    for ch in line.chars() {
        let n = ch.len_utf8();
        if width + n > 75 {
            out.push_str("\r\n ");
            width = 1;
        }
        out.push(ch);
        width += n;
    }
    out.push_str("\r\n");
}

fn local(ts: Timestamp, tz: &TimeZone) -> DateTime {
    ts.to_zoned(tz.clone()).datetime()
}

fn fmt_local(dt: DateTime) -> String {
    dt.strftime("%Y%m%dT%H%M%S").to_string()
}

fn fmt_utc(ts: Timestamp) -> String {
    ts.strftime("%Y%m%dT%H%M%SZ").to_string()
}

fn fmt_offset(o: Offset) -> String {
    let secs = o.seconds();
    let sign = if secs < 0 { '-' } else { '+' };
    let a = secs.unsigned_abs();
    format!("{sign}{:02}{:02}", a / 3600, (a % 3600) / 60)
}

fn weekday_code(w: jiff::civil::Weekday) -> &'static str {
    use jiff::civil::Weekday::*;
    match w {
        Monday => "MO",
        Tuesday => "TU",
        Wednesday => "WE",
        Thursday => "TH",
        Friday => "FR",
        Saturday => "SA",
        Sunday => "SU",
    }
}

/// VTIMEZONE for `tz` covering `[from, to]`: one observance per transition in the range,
/// plus the one in force at its start.
fn vtimezone(out: &mut String, tzid: &str, tz: &TimeZone, from: Timestamp, to: Timestamp) {
    push_line(out, "BEGIN:VTIMEZONE");
    push_line(out, &format!("TZID:{tzid}"));
    let mut transitions: Vec<_> = tz.preceding(from).take(1).collect();
    transitions.extend(tz.following(from).take_while(|t| t.timestamp() <= to));
    if transitions.is_empty() {
        let o = tz.to_offset(from);
        push_line(out, "BEGIN:STANDARD");
        push_line(out, "DTSTART:19700101T000000");
        push_line(out, &format!("TZOFFSETFROM:{}", fmt_offset(o)));
        push_line(out, &format!("TZOFFSETTO:{}", fmt_offset(o)));
        push_line(out, "END:STANDARD");
    }
    for t in transitions {
        let before = tz.to_offset(
            t.timestamp()
                .checked_sub(jiff::SignedDuration::from_secs(1))
                .unwrap_or(t.timestamp()),
        );
        let kind = if t.dst().is_dst() {
            "DAYLIGHT"
        } else {
            "STANDARD"
        };
        let wall = before.to_datetime(t.timestamp());
        push_line(out, &format!("BEGIN:{kind}"));
        push_line(out, &format!("DTSTART:{}", fmt_local(wall)));
        push_line(out, &format!("TZOFFSETFROM:{}", fmt_offset(before)));
        push_line(out, &format!("TZOFFSETTO:{}", fmt_offset(t.offset())));
        if !t.abbreviation().is_empty() {
            push_line(out, &format!("TZNAME:{}", escape(t.abbreviation())));
        }
        push_line(out, &format!("END:{kind}"));
    }
    push_line(out, "END:VTIMEZONE");
}

fn event_common(
    out: &mut String,
    uid: &str,
    stamp: Timestamp,
    tzid: &str,
    tz: &TimeZone,
    e: &FeedEvent,
) {
    push_line(out, "BEGIN:VEVENT");
    push_line(out, &format!("UID:{}", escape(uid)));
    push_line(out, &format!("DTSTAMP:{}", fmt_utc(stamp)));
    push_line(
        out,
        &format!("DTSTART;TZID={tzid}:{}", fmt_local(local(e.start, tz))),
    );
    push_line(
        out,
        &format!("DTEND;TZID={tzid}:{}", fmt_local(local(e.end, tz))),
    );
    push_line(out, &format!("SUMMARY:{SUMMARY}"));
    push_line(out, "CLASS:PRIVATE");
    push_line(out, &format!("SEQUENCE:{}", e.sequence.max(0)));
}

struct Header<'a> {
    name: &'a str,
    tzid: &'a str,
    tz: &'a TimeZone,
    from: Timestamp,
    to: Timestamp,
}

fn begin(out: &mut String, h: &Header<'_>) {
    push_line(out, "BEGIN:VCALENDAR");
    push_line(out, "VERSION:2.0");
    // Neutral: a patient's calendar app shows this, and the product's name says what it is for.
    push_line(out, "PRODID:-//Schedule//Calendar feed//EN");
    push_line(out, "CALSCALE:GREGORIAN");
    push_line(out, "METHOD:PUBLISH");
    push_line(out, &format!("X-WR-CALNAME:{}", escape(h.name)));
    vtimezone(out, h.tzid, h.tz, h.from, h.to);
}

/// A feed of single events (a staff member's sessions): one VEVENT per session, its UID
/// the session's, cancelled ones marked `STATUS:CANCELLED`, moves raising `SEQUENCE`.
pub fn single_events(
    name: &str,
    tzid: &str,
    tz: &TimeZone,
    events: &[FeedEvent],
    stamp: Timestamp,
    domain: &str,
) -> String {
    let (from, to) = span(events, stamp);
    let mut out = String::new();
    begin(
        &mut out,
        &Header {
            name,
            tzid,
            tz,
            from,
            to,
        },
    );
    for e in events {
        event_common(
            &mut out,
            &format!("{}@{domain}", e.session_id),
            stamp,
            tzid,
            tz,
            e,
        );
        push_line(
            &mut out,
            if e.cancelled {
                "STATUS:CANCELLED"
            } else {
                "STATUS:CONFIRMED"
            },
        );
        push_line(&mut out, "END:VEVENT");
    }
    push_line(&mut out, "END:VCALENDAR");
    out
}

fn span(events: &[FeedEvent], stamp: Timestamp) -> (Timestamp, Timestamp) {
    let from = events
        .iter()
        .map(|e| e.original_start.unwrap_or(e.start).min(e.start))
        .min()
        .unwrap_or(stamp);
    let to = events.iter().map(|e| e.end).max().unwrap_or(stamp);
    (from, to)
}

/// A feed of weekly series (a track's calendar): one recurring VEVENT per series with
/// EXDATEs for nights without a session (family nights, closures, cancellations) and an
/// override VEVENT with RECURRENCE-ID and a higher SEQUENCE for each moved session.
pub fn recurring(
    name: &str,
    tzid: &str,
    tz: &TimeZone,
    series: &[Series],
    stamp: Timestamp,
    domain: &str,
) -> String {
    let all: Vec<FeedEvent> = series
        .iter()
        .flat_map(|s| s.events.iter().cloned())
        .collect();
    let (from, to) = span(&all, stamp);
    let mut out = String::new();
    begin(
        &mut out,
        &Header {
            name,
            tzid,
            tz,
            from,
            to,
        },
    );
    for s in series {
        let mut events = s.events.clone();
        events.sort_by_key(|e| e.original_start.unwrap_or(e.start));
        let (Some(first), Some(last)) = (events.first(), events.last()) else {
            continue;
        };
        let uid = format!("{}@{domain}", s.uid);
        let first_start = local(first.original_start.unwrap_or(first.start), tz);
        let start_time = first_start.time();
        let duration = first.end.duration_since(first.start);
        let until = last.original_start.unwrap_or(last.start);
        // Every occurrence the rule yields, and which of them hold a session that happens.
        let held: std::collections::BTreeSet<jiff::civil::Date> = events
            .iter()
            .filter(|e| !e.cancelled)
            .map(|e| local(e.original_start.unwrap_or(e.start), tz).date())
            .collect();
        let mut exdates = Vec::new();
        let mut d = first_start.date();
        let last_date = local(until, tz).date();
        let anchor_week = iop_domain::calendar::monday_of(first_start.date());
        while d <= last_date {
            let week = (iop_domain::calendar::monday_of(d) - anchor_week).get_days() / 7;
            if s.byday.contains(&d.weekday())
                && week % s.interval_weeks.max(1) == 0
                && !held.contains(&d)
            {
                exdates.push(fmt_local(d.to_datetime(start_time)));
            }
            d = match d.tomorrow() {
                Ok(n) => n,
                Err(_) => break,
            };
        }
        let master = FeedEvent {
            start: first.original_start.unwrap_or(first.start),
            end: first
                .original_start
                .unwrap_or(first.start)
                .checked_add(duration)
                .unwrap_or(first.end),
            sequence: 0,
            ..first.clone()
        };
        event_common(&mut out, &uid, stamp, tzid, tz, &master);
        let byday: Vec<&str> = s.byday.iter().map(|w| weekday_code(*w)).collect();
        let mut rule = format!("RRULE:FREQ=WEEKLY;BYDAY={}", byday.join(","));
        if s.interval_weeks > 1 {
            let _ = write!(rule, ";INTERVAL={}", s.interval_weeks);
        }
        let _ = write!(rule, ";UNTIL={}", fmt_utc(until));
        push_line(&mut out, &rule);
        for chunk in exdates.chunks(10) {
            push_line(&mut out, &format!("EXDATE;TZID={tzid}:{}", chunk.join(",")));
        }
        push_line(&mut out, "STATUS:CONFIRMED");
        push_line(&mut out, "END:VEVENT");
        for e in events
            .iter()
            .filter(|e| e.original_start.is_some() && !e.cancelled)
        {
            let Some(orig) = e.original_start else {
                continue;
            };
            event_common(&mut out, &uid, stamp, tzid, tz, e);
            push_line(
                &mut out,
                &format!("RECURRENCE-ID;TZID={tzid}:{}", fmt_local(local(orig, tz))),
            );
            push_line(&mut out, "STATUS:CONFIRMED");
            push_line(&mut out, "END:VEVENT");
        }
    }
    push_line(&mut out, "END:VCALENDAR");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_lines_are_folded_at_75_octets_with_crlf() {
        let mut out = String::new();
        push_line(&mut out, &"x".repeat(200));
        for line in out.split("\r\n").filter(|l| !l.is_empty()) {
            assert!(line.len() <= 75, "{} octets", line.len());
        }
        assert_eq!(out.replace("\r\n ", "").trim_end(), "x".repeat(200));
    }

    #[test]
    fn text_values_are_escaped() {
        assert_eq!(escape("a,b;c\\d\ne"), "a\\,b\\;c\\\\d\\ne");
    }

    #[test]
    fn the_new_york_vtimezone_has_both_changes_of_2026() {
        let tz = TimeZone::get("America/New_York").unwrap();
        let mut out = String::new();
        let from: Timestamp = "2026-01-01T00:00:00Z".parse().unwrap();
        let to: Timestamp = "2026-12-31T00:00:00Z".parse().unwrap();
        vtimezone(&mut out, "America/New_York", &tz, from, to);
        assert!(out.contains("BEGIN:DAYLIGHT\r\nDTSTART:20260308T020000\r\nTZOFFSETFROM:-0500\r\nTZOFFSETTO:-0400"), "{out}");
        assert!(out.contains("BEGIN:STANDARD\r\nDTSTART:20261101T020000\r\nTZOFFSETFROM:-0400\r\nTZOFFSETTO:-0500"), "{out}");
    }
}
