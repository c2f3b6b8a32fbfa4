//! The curriculum: topics rotated across a track's core sessions, so that anyone who
//! joins in any week meets every topic within the program's minimum length.

use jiff::civil::Date;

/// The six seed topics, in rotation order.
pub const SEED_TOPICS: [&str; 6] = [
    "Problem solving",
    "Crisis management",
    "Identifying relapse triggers",
    "Functioning independently in the community",
    "The relapse prevention plan",
    "Healthy relationships",
];

/// A core session that needs a topic: its date and whether it will be held.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Slot {
    pub date: Date,
    pub cancelled: bool,
}

/// Topic index (into the program's topic list) for each slot, in the slots' order.
///
/// Topics go round in order over the sessions that are held; a cancelled session takes
/// no topic, so a closure delays a topic instead of skipping it. `before` is the number
/// of held core sessions of the track before the first slot, so a regeneration that
/// starts later continues the same rotation.
pub fn rotate(slots: &[Slot], topics: usize, before: u64) -> Vec<Option<usize>> {
    if topics == 0 {
        return vec![None; slots.len()];
    }
    let mut n = before;
    slots
        .iter()
        .map(|s| {
            if s.cancelled {
                None
            } else {
                let i = (n % topics as u64) as usize;
                n += 1;
                Some(i)
            }
        })
        .collect()
}

/// How many topics a program may have: every one must come round within the minimum
/// length on the track with the fewest nights (less one week of slack for closures and
/// family nights).
pub fn max_topics(min_weeks: u32, fewest_nights_per_week: u32) -> u32 {
    min_weeks.saturating_sub(1) * fewest_nights_per_week.saturating_sub(1)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calendar::{
        parse_weekdays, plan, Closure, ProgramSchedule, SessionKind, TrackPattern,
    };
    use jiff::civil::{date, Time, Weekday};
    use jiff::tz::TimeZone;
    use proptest::prelude::*;
    use std::collections::BTreeSet;

    #[test]
    fn cancelled_sessions_take_no_topic_and_delay_the_rotation() {
        let d = date(2026, 1, 5);
        let slots: Vec<Slot> = (0..8)
            .map(|i| Slot {
                date: d,
                cancelled: i == 2,
            })
            .collect();
        assert_eq!(
            rotate(&slots, 6, 0),
            vec![
                Some(0),
                Some(1),
                None,
                Some(2),
                Some(3),
                Some(4),
                Some(5),
                Some(0)
            ]
        );
        assert_eq!(
            rotate(&slots[3..], 6, 2)[0],
            Some(2),
            "a later start continues the rotation"
        );
    }

    #[test]
    fn six_topics_fit_in_seven_weeks_of_three_nights() {
        assert!(max_topics(7, 3) >= 6);
    }

    proptest! {
        /// Whatever week someone joins, on either track, with closures here and there,
        /// every topic comes round before the minimum length of 7 weeks is over.
        #[test]
        fn anyone_joining_in_any_week_meets_every_topic_within_seven_weeks(
            join_week in 0i64..40,
            track in 0usize..2,
            closed in proptest::collection::vec(0i64..330, 0..8),
        ) {
            let tz = TimeZone::get("America/New_York").unwrap();
            let s = ProgramSchedule {
                start: Time::constant(18, 0, 0, 0), minutes: 180, family_every_weeks: 2, family_minutes: 180,
                family_weekday: Weekday::Thursday, family_anchor: date(2026, 1, 5),
                alumni_weekday: Weekday::Wednesday, alumni_minutes: 90,
            };
            let tracks = [
                TrackPattern { id: crate::ids::TrackId(uuid::Uuid::from_u128(1)), weekdays: parse_weekdays("mon,tue,thu").unwrap() },
                TrackPattern { id: crate::ids::TrackId(uuid::Uuid::from_u128(2)), weekdays: parse_weekdays("mon,wed,thu").unwrap() },
            ];
            let start = date(2026, 1, 5);
            let closures: Vec<Closure> = closed.iter().map(|d| Closure {
                date: start.checked_add(jiff::Span::new().days(*d)).unwrap(), reason: "closed".into() }).collect();
            let sessions = plan(&tz, &s, &tracks, &closures, start, date(2026, 12, 31)).unwrap();
            let core: Vec<_> = sessions.iter().filter(|p| p.kind == SessionKind::Core && p.track_id == Some(tracks[track].id)).collect();
            let slots: Vec<Slot> = core.iter().map(|p| Slot { date: p.date, cancelled: p.cancelled.is_some() }).collect();
            let topics = rotate(&slots, SEED_TOPICS.len(), 0);
            let join = start.checked_add(jiff::Span::new().weeks(join_week)).unwrap();
            let end = join.checked_add(jiff::Span::new().weeks(7)).unwrap();
            let met: BTreeSet<usize> = slots.iter().zip(&topics)
                .filter(|(slot, _)| slot.date >= join && slot.date < end)
                .filter_map(|(_, t)| *t)
                .collect();
            prop_assert_eq!(met.len(), SEED_TOPICS.len(), "joined {}, met {:?}", join, met);
        }
    }
}
