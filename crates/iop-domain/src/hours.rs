//! Skilled treatment hours per week against the program's floor (ASAM level 2.1: 9 or
//! more hours a week for adults), and the absence alert. A week is Monday–Sunday at the
//! site. Group, family and individual minutes count, less the program's break in each
//! group; alumni groups are not treatment and never count.

use jiff::civil::Date;

/// The default floor: ASAM level 2.1, at least 9 hours a week for adults.
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

/// Where treatment minutes come from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Service {
    Group,
    Family,
    Individual,
    /// Not skilled treatment: never counted.
    Alumni,
}

/// One service a patient received (or was marked absent from), on its local date.
#[derive(Clone, Debug)]
pub struct Treated {
    pub date: Date,
    pub service: Service,
    /// The facilitator's mark for a group; `None` for an individual session.
    pub mark: Option<Mark>,
    pub minutes: u32,
}

#[derive(Clone, Copy, Debug)]
pub struct HoursRules {
    pub floor_minutes: u32,
    /// Break minutes inside each group or family session.
    pub break_minutes: u32,
}

/// One week of an episode's schedule.
#[derive(Clone, Debug)]
pub struct WeekSchedule {
    pub monday: Date,
    /// The patient's core group nights that week (cancelled ones included).
    pub nights_scheduled: u32,
    /// Of those, the nights inside the episode (from admission, before it ended).
    pub nights_in_episode: u32,
    /// Treatment minutes of those in-episode nights that a closure cancelled.
    pub closed_minutes: u32,
    /// In-episode nights whose attendance nobody has taken yet: the week is not
    /// judged until it is documented.
    pub nights_pending: u32,
}

#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
pub struct WeekHours {
    #[schema(value_type = String)]
    pub week_of: Date,
    pub minutes: u32,
    /// The week's floor: pro rata in the admission and discharge weeks, less closures.
    pub floor: u32,
    /// A finished, documented week below its floor.
    pub under_floor: bool,
    /// Attendance is not taken yet for some of the week's nights.
    pub pending: bool,
}

/// The minutes a service adds to its week.
pub fn credited(t: &Treated, break_minutes: u32) -> u32 {
    match t.service {
        Service::Alumni => 0,
        Service::Individual => t.minutes,
        Service::Group | Service::Family => match t.mark {
            Some(m) if !m.is_absent() => t.minutes.saturating_sub(break_minutes),
            _ => 0,
        },
    }
}

/// The floor of one week: the whole floor for a full week inside the episode, pro rata
/// to the in-episode nights in the admission and discharge weeks, less closed nights.
pub fn week_floor(floor_minutes: u32, w: &WeekSchedule) -> u32 {
    if w.nights_scheduled == 0 {
        return 0;
    }
    let share = u64::from(floor_minutes) * u64::from(w.nights_in_episode.min(w.nights_scheduled))
        / u64::from(w.nights_scheduled);
    u32::try_from(share)
        .unwrap_or(u32::MAX)
        .saturating_sub(w.closed_minutes)
}

/// Each week's credited minutes against its floor; a week is judged once `today` is past
/// its Sunday and its attendance is taken.
pub fn weekly_hours(
    rules: HoursRules,
    weeks: &[WeekSchedule],
    treated: &[Treated],
    today: Date,
) -> Vec<WeekHours> {
    let this_monday = crate::calendar::monday_of(today);
    weeks
        .iter()
        .map(|w| {
            let minutes = treated
                .iter()
                .filter(|t| crate::calendar::monday_of(t.date) == w.monday)
                .map(|t| credited(t, rules.break_minutes))
                .sum();
            let floor = week_floor(rules.floor_minutes, w);
            let pending = w.nights_pending > 0;
            WeekHours {
                week_of: w.monday,
                minutes,
                floor,
                under_floor: w.monday < this_monday && !pending && minutes < floor,
                pending,
            }
        })
        .collect()
}

/// The two latest marks of the patient's groups are both unexcused absences.
pub fn two_unexcused_in_a_row(marks: &[(Date, Mark)]) -> bool {
    let mut sorted: Vec<&(Date, Mark)> = marks.iter().collect();
    sorted.sort_by_key(|(d, _)| *d);
    sorted
        .windows(2)
        .any(|w| w[0].1 == Mark::AbsentUnexcused && w[1].1 == Mark::AbsentUnexcused)
}

#[cfg(test)]
#[path = "hours_tests.rs"]
mod tests;
