//! Attended hours per week against the level 2.1 floor, and the alerts that follow.

use jiff::civil::Date;

/// ASAM level 2.1: at least 9 hours a week for adults.
pub const WEEKLY_FLOOR_MINUTES: u32 = 9 * 60;

crate::code_enum! {
        /// A patient's attendance at one session, as recorded by the facilitator.
        pub enum Mark {
            Present,
            Late,
            LeftEarly,
            AbsentExcused,
            AbsentUnexcused,
        }
}

impl Mark {
    pub fn is_absent(self) -> bool {
        matches!(self, Mark::AbsentExcused | Mark::AbsentUnexcused)
    }

    /// The code as stored and sent (`absent_excused`).
    pub fn code(self) -> &'static str {
        self.into()
    }

    /// What a person reads.
    pub fn label(self) -> &'static str {
        match self {
            Mark::Present => "Present",
            Mark::Late => "Late",
            Mark::LeftEarly => "Left early",
            Mark::AbsentExcused => "Absent, excused",
            Mark::AbsentUnexcused => "Absent, unexcused",
        }
    }
}

/// One recorded session for one patient.
#[derive(Clone, Debug)]
pub struct Attended {
    pub date: Date,
    pub mark: Mark,
    pub minutes: u32,
}

/// (week's Monday, minutes attended) for every week in the records, in order.
pub fn weekly_minutes(records: &[Attended]) -> Vec<(Date, u32)> {
    let mut by_week: std::collections::BTreeMap<Date, u32> = std::collections::BTreeMap::new();
    for r in records {
        let m = if r.mark.is_absent() { 0 } else { r.minutes };
        *by_week
            .entry(crate::calendar::monday_of(r.date))
            .or_default() += m;
    }
    by_week.into_iter().collect()
}

/// Weeks (their Mondays) under the floor, among complete weeks.
pub fn weeks_under_floor(records: &[Attended], floor_minutes: u32) -> Vec<Date> {
    weekly_minutes(records)
        .into_iter()
        .filter(|(_, m)| *m < floor_minutes)
        .map(|(w, _)| w)
        .collect()
}

/// Two absences in a row (excused or not), by session date.
pub fn two_absences_in_a_row(records: &[Attended]) -> bool {
    let mut sorted: Vec<&Attended> = records.iter().collect();
    sorted.sort_by_key(|r| r.date);
    sorted
        .windows(2)
        .any(|w| w[0].mark.is_absent() && w[1].mark.is_absent())
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    fn rec(d: Date, mark: Mark, minutes: u32) -> Attended {
        Attended {
            date: d,
            mark,
            minutes,
        }
    }

    #[test]
    fn a_week_of_three_full_groups_meets_the_floor_and_one_late_arrival_does_not() {
        let full = [
            rec(date(2026, 3, 2), Mark::Present, 180),
            rec(date(2026, 3, 3), Mark::Present, 180),
            rec(date(2026, 3, 5), Mark::Present, 180),
        ];
        assert!(weeks_under_floor(&full, WEEKLY_FLOOR_MINUTES).is_empty());
        let late = [
            rec(date(2026, 3, 2), Mark::Present, 180),
            rec(date(2026, 3, 3), Mark::Late, 150),
            rec(date(2026, 3, 5), Mark::Present, 180),
        ];
        assert_eq!(
            weeks_under_floor(&late, WEEKLY_FLOOR_MINUTES),
            vec![date(2026, 3, 2)]
        );
    }

    #[test]
    fn absences_count_no_minutes_and_two_in_a_row_raise_the_alert() {
        let r = [
            rec(date(2026, 3, 2), Mark::Present, 180),
            rec(date(2026, 3, 3), Mark::AbsentExcused, 180),
            rec(date(2026, 3, 5), Mark::AbsentUnexcused, 0),
        ];
        assert_eq!(weekly_minutes(&r), vec![(date(2026, 3, 2), 180)]);
        assert!(two_absences_in_a_row(&r));
        let apart = [
            rec(date(2026, 3, 2), Mark::AbsentExcused, 0),
            rec(date(2026, 3, 3), Mark::Present, 180),
            rec(date(2026, 3, 5), Mark::AbsentUnexcused, 0),
        ];
        assert!(!two_absences_in_a_row(&apart));
    }
}
