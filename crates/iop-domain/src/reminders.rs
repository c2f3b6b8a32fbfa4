//! When clinical paperwork falls due: measures at intake and every two weeks, the
//! treatment plan within a week of admission and then every 30 days.

use jiff::civil::Date;
use jiff::Span;

/// Days between routine measures.
pub const MEASURE_EVERY_DAYS: i64 = 14;
/// Days after admission by which the first treatment plan is written.
pub const FIRST_PLAN_WITHIN_DAYS: i64 = 7;

fn plus(d: Date, days: i64) -> Date {
    d.checked_add(Span::new().days(days)).unwrap_or(Date::MAX)
}

/// The date the next measure is due: the admission date when none was taken since,
/// else two weeks after the last one.
pub fn measure_due(admitted: Date, last_taken: Option<Date>) -> Date {
    match last_taken {
        Some(last) if last >= admitted => plus(last, MEASURE_EVERY_DAYS),
        _ => admitted,
    }
}

/// The date the treatment plan is due: within a week of admission when there is none,
/// else its review date.
pub fn plan_due(admitted: Date, review_due: Option<Date>) -> Date {
    review_due.unwrap_or_else(|| plus(admitted, FIRST_PLAN_WITHIN_DAYS))
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    #[test]
    fn a_measure_is_due_at_intake_then_fourteen_days_after_the_last() {
        let admit = date(2026, 11, 2);
        assert_eq!(measure_due(admit, None), admit);
        assert_eq!(
            measure_due(admit, Some(date(2026, 11, 3))),
            date(2026, 11, 17)
        );
        // A measure from an earlier episode does not count for this one.
        assert_eq!(measure_due(admit, Some(date(2026, 6, 1))), admit);
    }

    #[test]
    fn the_first_plan_is_due_a_week_after_admission_then_at_each_review() {
        let admit = date(2026, 11, 2);
        assert_eq!(plan_due(admit, None), date(2026, 11, 9));
        assert_eq!(plan_due(admit, Some(date(2026, 12, 2))), date(2026, 12, 2));
    }
}
