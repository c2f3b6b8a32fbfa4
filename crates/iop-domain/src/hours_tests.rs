use super::*;
use jiff::civil::date;
use proptest::prelude::*;

const RULES: HoursRules = HoursRules {
    floor_minutes: WEEKLY_FLOOR_MINUTES,
    break_minutes: 0,
};

fn group(d: Date, mark: Mark, minutes: u32) -> Treated {
    Treated {
        date: d,
        service: Service::Group,
        mark: Some(mark),
        minutes,
    }
}

fn full_week(monday: Date) -> WeekSchedule {
    WeekSchedule {
        monday,
        nights_scheduled: 3,
        nights_in_episode: 3,
        closed_minutes: 0,
        nights_pending: 0,
    }
}

const LATER: Date = date(2026, 4, 1);

#[test]
fn three_full_groups_meet_the_floor_and_one_late_arrival_does_not() {
    let w = [full_week(date(2026, 3, 2))];
    let full = [
        group(date(2026, 3, 2), Mark::Present, 180),
        group(date(2026, 3, 3), Mark::Present, 180),
        group(date(2026, 3, 5), Mark::Present, 180),
    ];
    assert!(!weekly_hours(RULES, &w, &full, LATER)[0].under_floor);
    let mut late = full.clone();
    late[1] = group(date(2026, 3, 3), Mark::Late, 150);
    let h = &weekly_hours(RULES, &w, &late, LATER)[0];
    assert_eq!((h.minutes, h.floor, h.under_floor), (510, 540, true));
}

#[test]
fn an_individual_session_counts_and_an_alumni_group_does_not() {
    let w = [full_week(date(2026, 3, 2))];
    let mut t = vec![
        group(date(2026, 3, 2), Mark::Present, 180),
        group(date(2026, 3, 3), Mark::Present, 180),
        group(date(2026, 3, 5), Mark::Late, 150),
    ];
    t.push(Treated {
        date: date(2026, 3, 6),
        service: Service::Alumni,
        mark: Some(Mark::Present),
        minutes: 90,
    });
    assert!(weekly_hours(RULES, &w, &t, LATER)[0].under_floor);
    t.push(Treated {
        date: date(2026, 3, 4),
        service: Service::Individual,
        mark: None,
        minutes: 45,
    });
    let h = &weekly_hours(RULES, &w, &t, LATER)[0];
    assert_eq!((h.minutes, h.under_floor), (555, false));
}

#[test]
fn the_admission_week_is_judged_pro_rata_and_a_closure_lowers_the_floor() {
    // Admitted on Thursday: one of three nights inside the episode.
    let admission = WeekSchedule {
        nights_in_episode: 1,
        ..full_week(date(2026, 3, 2))
    };
    let t = [group(date(2026, 3, 5), Mark::Present, 180)];
    let h = &weekly_hours(RULES, &[admission], &t, LATER)[0];
    assert_eq!((h.floor, h.under_floor), (180, false));
    let closed = WeekSchedule {
        closed_minutes: 180,
        ..full_week(date(2026, 3, 9))
    };
    let t = [
        group(date(2026, 3, 9), Mark::Present, 180),
        group(date(2026, 3, 12), Mark::Present, 180),
    ];
    let h = &weekly_hours(RULES, &[closed], &t, LATER)[0];
    assert_eq!((h.floor, h.under_floor), (360, false));
}

#[test]
fn break_minutes_come_off_each_group_and_the_floor_is_a_setting() {
    let w = [full_week(date(2026, 3, 2))];
    let t = [
        group(date(2026, 3, 2), Mark::Present, 180),
        group(date(2026, 3, 3), Mark::Present, 180),
        group(date(2026, 3, 5), Mark::Present, 180),
    ];
    let with_break = HoursRules {
        break_minutes: 15,
        ..RULES
    };
    assert!(weekly_hours(with_break, &w, &t, LATER)[0].under_floor);
    let lower = HoursRules {
        floor_minutes: 495,
        ..with_break
    };
    assert!(!weekly_hours(lower, &w, &t, LATER)[0].under_floor);
}

#[test]
fn a_week_whose_attendance_is_not_taken_is_not_judged() {
    let w = [WeekSchedule {
        nights_pending: 1,
        ..full_week(date(2026, 3, 2))
    }];
    let h = &weekly_hours(RULES, &w, &[], LATER)[0];
    assert!(h.pending && !h.under_floor);
}

#[test]
fn the_current_week_is_not_judged_yet() {
    let w = [full_week(date(2026, 3, 2))];
    assert!(!weekly_hours(RULES, &w, &[], date(2026, 3, 8))[0].under_floor);
    assert!(weekly_hours(RULES, &w, &[], date(2026, 3, 9))[0].under_floor);
}

#[test]
fn only_two_unexcused_absences_in_a_row_raise_the_alert() {
    let m = |d, mark| (date(2026, 3, d), mark);
    assert!(two_unexcused_in_a_row(&[
        m(2, Mark::Present),
        m(3, Mark::AbsentUnexcused),
        m(5, Mark::AbsentUnexcused)
    ]));
    assert!(!two_unexcused_in_a_row(&[
        m(3, Mark::AbsentExcused),
        m(5, Mark::AbsentUnexcused)
    ]));
    assert!(!two_unexcused_in_a_row(&[
        m(2, Mark::AbsentUnexcused),
        m(3, Mark::Present),
        m(5, Mark::AbsentUnexcused)
    ]));
}

proptest! {
    #[test]
    fn a_weeks_floor_never_exceeds_the_programs(floor in 0u32..2000, scheduled in 0u32..7, inside in 0u32..7, closed in 0u32..1000) {
        let w = WeekSchedule { monday: date(2026, 3, 2), nights_scheduled: scheduled, nights_in_episode: inside, closed_minutes: closed, nights_pending: 0 };
        prop_assert!(week_floor(floor, &w) <= floor);
    }
}
