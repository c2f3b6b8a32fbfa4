use super::*;
use jiff::civil::date;
use proptest::prelude::*;

fn ny() -> TimeZone {
    TimeZone::get("America/New_York").unwrap()
}

fn schedule() -> ProgramSchedule {
    ProgramSchedule {
        start: Time::constant(18, 0, 0, 0),
        minutes: 180,
        family_every_weeks: 2,
        family_minutes: 180,
        family_weekday: Weekday::Thursday,
        family_anchor: date(2026, 1, 5),
        alumni_weekday: Weekday::Wednesday,
        alumni_minutes: 90,
    }
}

const MTT: crate::ids::TrackId = crate::ids::TrackId(uuid::Uuid::from_u128(1));
const MWT: crate::ids::TrackId = crate::ids::TrackId(uuid::Uuid::from_u128(2));

fn tracks() -> Vec<TrackPattern> {
    vec![
        TrackPattern {
            id: MTT,
            weekdays: parse_weekdays("mon,tue,thu").unwrap(),
        },
        TrackPattern {
            id: MWT,
            weekdays: parse_weekdays("mon,wed,thu").unwrap(),
        },
    ]
}

fn local(ts: Timestamp) -> DateTime {
    ts.to_zoned(ny()).datetime()
}

#[test]
fn both_tracks_meet_on_their_weekdays_from_18_to_21_local_across_both_dst_changes() {
    // 2026-03-08 and 2026-11-01 are the DST changes in New York.
    for (from, to) in [
        (date(2026, 3, 1), date(2026, 3, 14)),
        (date(2026, 10, 25), date(2026, 11, 7)),
    ] {
        let plan = plan(&ny(), &schedule(), &tracks(), &[], from, to).unwrap();
        let core: Vec<_> = plan
            .iter()
            .filter(|p| p.kind == SessionKind::Core)
            .collect();
        assert!(!core.is_empty());
        for p in &core {
            let t = tracks()
                .into_iter()
                .find(|t| Some(&t.id) == p.track_id.as_ref())
                .unwrap();
            assert!(t.weekdays.contains(&p.date.weekday()), "{p:?}");
            assert_eq!(
                local(p.start),
                p.date.to_datetime(Time::constant(18, 0, 0, 0)),
                "{p:?}"
            );
            assert_eq!(
                local(p.end),
                p.date.to_datetime(Time::constant(21, 0, 0, 0)),
                "{p:?}"
            );
        }
        // Sessions on both sides of the change: the UTC hour moves, the local hour does not.
        let offsets: std::collections::BTreeSet<_> = core
            .iter()
            .map(|p| p.start.to_zoned(ny()).offset())
            .collect();
        assert_eq!(
            offsets.len(),
            2,
            "expected sessions in both standard and daylight time"
        );
    }
}

#[test]
fn a_session_three_hours_long_is_three_hours_even_on_the_dst_sunday_itself() {
    let s = ProgramSchedule {
        start: Time::constant(0, 30, 0, 0),
        ..schedule()
    };
    let (a, b) = place(&ny(), date(2026, 3, 8), s.start, 180).unwrap();
    assert_eq!(a.datetime(), date(2026, 3, 8).at(0, 30, 0, 0));
    assert_eq!(b.datetime(), date(2026, 3, 8).at(3, 30, 0, 0));
    // The clock skipped an hour: two hours of real time between 00:30 and 03:30.
    assert_eq!(b.timestamp().duration_since(a.timestamp()).as_hours(), 2);
}

#[test]
fn family_group_every_other_week_replaces_that_nights_core_groups() {
    let plan = plan(
        &ny(),
        &schedule(),
        &tracks(),
        &[],
        date(2026, 1, 5),
        date(2026, 2, 28),
    )
    .unwrap();
    let family: Vec<Date> = plan
        .iter()
        .filter(|p| p.kind == SessionKind::Family)
        .map(|p| p.date)
        .collect();
    assert_eq!(
        family,
        vec![
            date(2026, 1, 8),
            date(2026, 1, 22),
            date(2026, 2, 5),
            date(2026, 2, 19)
        ]
    );
    for d in &family {
        assert!(
            !plan
                .iter()
                .any(|p| p.date == *d && p.kind == SessionKind::Core),
            "core group on family night {d}"
        );
        let p = plan
            .iter()
            .find(|p| p.date == *d && p.kind == SessionKind::Family)
            .unwrap();
        assert_eq!(local(p.start).time(), Time::constant(18, 0, 0, 0));
    }
    // Off weeks keep their Thursday core groups for both tracks.
    assert_eq!(
        plan.iter()
            .filter(|p| p.date == date(2026, 1, 15) && p.kind == SessionKind::Core)
            .count(),
        2
    );
}

#[test]
fn alumni_group_meets_weekly_on_its_night() {
    let plan = plan(
        &ny(),
        &schedule(),
        &tracks(),
        &[],
        date(2026, 1, 1),
        date(2026, 3, 31),
    )
    .unwrap();
    let alumni: Vec<Date> = plan
        .iter()
        .filter(|p| p.kind == SessionKind::Alumni)
        .map(|p| p.date)
        .collect();
    assert_eq!(alumni.len(), 12, "{alumni:?}");
    assert!(alumni.iter().all(|d| d.weekday() == Weekday::Wednesday));
    assert!(alumni.windows(2).all(|w| (w[1] - w[0]).get_days() == 7));
}

#[test]
fn sessions_on_a_closure_are_cancelled_with_its_reason_never_missing() {
    let thanksgiving = Closure {
        date: date(2026, 11, 26),
        reason: "Thanksgiving Day".into(),
    };
    let with = plan(
        &ny(),
        &schedule(),
        &tracks(),
        std::slice::from_ref(&thanksgiving),
        date(2026, 11, 23),
        date(2026, 11, 29),
    )
    .unwrap();
    let without = plan(
        &ny(),
        &schedule(),
        &tracks(),
        &[],
        date(2026, 11, 23),
        date(2026, 11, 29),
    )
    .unwrap();
    assert_eq!(
        with.len(),
        without.len(),
        "a closure cancels sessions, it does not drop them"
    );
    let on_day: Vec<_> = with
        .iter()
        .filter(|p| p.date == thanksgiving.date)
        .collect();
    assert!(!on_day.is_empty());
    assert!(on_day
        .iter()
        .all(|p| p.cancelled.as_deref() == Some("Thanksgiving Day")));
    assert!(with
        .iter()
        .filter(|p| p.date != thanksgiving.date)
        .all(|p| p.cancelled.is_none()));
}

#[test]
fn keys_are_stable_and_unique() {
    let a = plan(
        &ny(),
        &schedule(),
        &tracks(),
        &[],
        date(2026, 1, 1),
        date(2026, 12, 31),
    )
    .unwrap();
    let b = plan(
        &ny(),
        &schedule(),
        &tracks(),
        &[],
        date(2026, 6, 1),
        date(2026, 6, 30),
    )
    .unwrap();
    let keys: std::collections::BTreeSet<_> = a.iter().map(|p| p.key.clone()).collect();
    assert_eq!(keys.len(), a.len());
    assert!(
        b.iter().all(|p| keys.contains(&p.key)),
        "a shorter regeneration yields the same keys"
    );
}

#[test]
fn weekday_lists_parse_dedupe_and_sort() {
    assert_eq!(
        parse_weekdays("thu, mon,Tue,mon").map(|v| format_weekdays(&v)),
        Some("mon,tue,thu".into())
    );
    assert_eq!(parse_weekdays(""), None);
    assert_eq!(parse_weekdays("mon,funday"), None);
    assert_eq!(
        shared_weekdays(&tracks()),
        vec![Weekday::Monday, Weekday::Thursday]
    );
}

proptest! {
    #[test]
    fn every_planned_session_is_at_the_local_start_time_on_any_day(days in 0i64..2000, zone in 0usize..4) {
        let zones = ["America/New_York", "America/Kentucky/Louisville", "America/Phoenix", "Pacific/Auckland"];
        let tz = TimeZone::get(zones[zone]).unwrap();
        let from = date(2024, 1, 1).checked_add(jiff::Span::new().days(days)).unwrap();
        let to = from.checked_add(jiff::Span::new().days(13)).unwrap();
        for p in plan(&tz, &schedule(), &tracks(), &[], from, to).unwrap() {
            let z = p.start.to_zoned(tz.clone());
            prop_assert_eq!(z.date(), p.date);
            prop_assert_eq!(z.time(), Time::constant(18, 0, 0, 0));
            prop_assert!(p.end > p.start);
        }
    }
}

#[test]
fn a_closure_pushes_the_planned_end_out_by_one_group_night() {
    let admit = date(2026, 11, 2);
    let horizon = date(2027, 3, 1);
    let open = plan(&ny(), &schedule(), &tracks(), &[], admit, horizon).unwrap();
    let end = planned_end(&open, MTT, admit, 21).unwrap();
    let closed = plan(
        &ny(),
        &schedule(),
        &tracks(),
        &[Closure {
            date: date(2026, 11, 26),
            reason: "Thanksgiving Day".into(),
        }],
        admit,
        horizon,
    )
    .unwrap();
    let later = planned_end(&closed, MTT, admit, 21).unwrap();
    assert!(later > end, "{end} -> {later}");
    assert_eq!(
        planned_end(&open, MTT, admit, 1),
        Some(admit),
        "the admit day's own group counts"
    );
    assert_eq!(planned_end(&open, MTT, admit, 0), None);
}
