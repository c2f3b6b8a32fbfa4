//! United States federal holidays (5 U.S.C. 6103) for a year, as a clinic would close:
//! on the observed day (Saturday holidays on Friday, Sunday holidays on Monday).

use jiff::civil::{Date, Weekday};

fn nth(year: i16, month: i8, weekday: Weekday, n: i8) -> Option<Date> {
    Date::new(year, month, 1)
        .ok()?
        .nth_weekday_of_month(n, weekday)
        .ok()
}

fn observed(d: Date) -> Date {
    let shift = match d.weekday() {
        Weekday::Saturday => -1,
        Weekday::Sunday => 1,
        _ => 0,
    };
    d.checked_add(jiff::Span::new().days(shift)).unwrap_or(d)
}

/// (observed date, name) for every federal holiday of `year`, in date order.
pub fn us_federal(year: i16) -> Vec<(Date, &'static str)> {
    let fixed =
        |m: i8, d: i8, name: &'static str| Date::new(year, m, d).ok().map(|x| (observed(x), name));
    let mut v: Vec<(Date, &'static str)> = [
        fixed(1, 1, "New Year's Day"),
        nth(year, 1, Weekday::Monday, 3).map(|d| (d, "Birthday of Martin Luther King, Jr.")),
        nth(year, 2, Weekday::Monday, 3).map(|d| (d, "Washington's Birthday")),
        nth(year, 5, Weekday::Monday, -1).map(|d| (d, "Memorial Day")),
        fixed(6, 19, "Juneteenth National Independence Day"),
        fixed(7, 4, "Independence Day"),
        nth(year, 9, Weekday::Monday, 1).map(|d| (d, "Labor Day")),
        nth(year, 10, Weekday::Monday, 2).map(|d| (d, "Columbus Day")),
        fixed(11, 11, "Veterans Day"),
        nth(year, 11, Weekday::Thursday, 4).map(|d| (d, "Thanksgiving Day")),
        fixed(12, 25, "Christmas Day"),
    ]
    .into_iter()
    .flatten()
    .collect();
    v.sort();
    v
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    #[test]
    fn federal_holidays_of_2026_fall_on_their_observed_days() {
        let h = us_federal(2026);
        assert_eq!(h.len(), 11);
        assert!(h.contains(&(date(2026, 11, 26), "Thanksgiving Day")));
        assert!(h.contains(&(date(2026, 1, 19), "Birthday of Martin Luther King, Jr.")));
        assert!(h.contains(&(date(2026, 5, 25), "Memorial Day")));
        // July 4, 2026 is a Saturday: observed Friday July 3.
        assert!(h.contains(&(date(2026, 7, 3), "Independence Day")));
    }

    #[test]
    fn a_sunday_holiday_is_observed_on_monday() {
        // Christmas 2022 was a Sunday.
        assert!(us_federal(2022).contains(&(date(2022, 12, 26), "Christmas Day")));
    }
}
