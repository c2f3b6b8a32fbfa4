//! Individual counseling appointments: statuses, clashes and free times.

use jiff::{SignedDuration, Timestamp};

crate::code_enum! {
    pub enum AppointmentStatus {
        Scheduled,
        Kept,
        NoShow,
        Cancelled,
        LateCancelled,
    }
}

impl AppointmentStatus {
    pub const ALL: [AppointmentStatus; 5] = [
        Self::Scheduled,
        Self::Kept,
        Self::NoShow,
        Self::Cancelled,
        Self::LateCancelled,
    ];

    pub fn as_str(self) -> &'static str {
        self.into()
    }

    pub fn parse(s: &str) -> Option<Self> {
        s.parse().ok()
    }

    /// Whether a reason must be given (cancellations, so the chart says why).
    pub fn needs_reason(self) -> bool {
        matches!(self, Self::Cancelled | Self::LateCancelled)
    }

    /// Why an appointment cannot move from `self` to `to` at `now`, if it cannot.
    /// Only a scheduled appointment changes status; kept and no-show are facts that
    /// exist only once the start time has passed.
    pub fn refuse_change(self, to: Self, starts: Timestamp, now: Timestamp) -> Option<String> {
        if self != Self::Scheduled {
            return Some(format!(
                "the appointment is already {}; its status no longer changes",
                self.as_str().replace('_', " ")
            ));
        }
        if to == Self::Scheduled {
            return Some("the appointment is already scheduled".into());
        }
        if matches!(to, Self::Kept | Self::NoShow) && now < starts {
            return Some(format!(
                "an appointment is marked {} only once it has started",
                to.as_str().replace('_', " ")
            ));
        }
        None
    }
}

/// A busy period, `[start, end)`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Busy {
    pub start: Timestamp,
    pub end: Timestamp,
}

impl Busy {
    pub fn overlaps(&self, start: Timestamp, end: Timestamp) -> bool {
        self.start < end && start < self.end
    }
}

/// The first `limit` candidate starts where `minutes` fit without touching a busy period,
/// in the order given.
pub fn free_starts(
    candidates: &[Timestamp],
    minutes: i64,
    busy: &[Busy],
    limit: usize,
) -> Vec<Timestamp> {
    candidates
        .iter()
        .copied()
        .filter(|s| {
            let end = *s + SignedDuration::from_mins(minutes);
            !busy.iter().any(|b| b.overlaps(*s, end))
        })
        .take(limit)
        .collect()
}

/// Face-to-face minutes between start and stop; `None` when stop is not after start or
/// the span is longer than a working day (a typo such as a wrong AM/PM).
pub fn face_to_face_minutes(start: Timestamp, stop: Timestamp) -> Option<i32> {
    let mins = stop.duration_since(start).as_mins();
    if mins <= 0 || mins > 8 * 60 {
        return None;
    }
    i32::try_from(mins).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn at(mins: i64) -> Timestamp {
        Timestamp::UNIX_EPOCH + SignedDuration::from_mins(mins)
    }

    #[test]
    fn a_scheduled_appointment_is_kept_only_after_it_starts_and_final_states_stay() {
        use AppointmentStatus::*;
        let start = at(600);
        assert!(Scheduled.refuse_change(Kept, start, at(599)).is_some());
        assert!(Scheduled.refuse_change(Kept, start, at(600)).is_none());
        assert!(Scheduled.refuse_change(NoShow, start, at(599)).is_some());
        assert!(Scheduled.refuse_change(Cancelled, start, at(0)).is_none());
        assert!(Scheduled
            .refuse_change(LateCancelled, start, at(0))
            .is_none());
        for done in [Kept, NoShow, Cancelled, LateCancelled] {
            for to in AppointmentStatus::ALL {
                assert!(done.refuse_change(to, start, at(9999)).is_some());
            }
        }
        assert!(Cancelled.needs_reason() && LateCancelled.needs_reason() && !NoShow.needs_reason());
    }

    #[test]
    fn status_names_round_trip() {
        for s in AppointmentStatus::ALL {
            assert_eq!(AppointmentStatus::parse(s.as_str()), Some(s));
        }
        assert_eq!(AppointmentStatus::parse("done"), None);
    }

    #[test]
    fn a_slot_touching_a_group_night_end_to_end_is_free_but_one_overlapping_is_not() {
        let group = Busy {
            start: at(18 * 60),
            end: at(21 * 60),
        };
        let c = [at(17 * 60), at(17 * 60 + 30), at(21 * 60)];
        assert_eq!(
            free_starts(&c, 60, &[group], 10),
            vec![at(17 * 60), at(21 * 60)]
        );
    }

    #[test]
    fn face_to_face_minutes_refuse_reversed_and_absurd_spans() {
        assert_eq!(face_to_face_minutes(at(0), at(53)), Some(53));
        assert_eq!(face_to_face_minutes(at(10), at(10)), None);
        assert_eq!(face_to_face_minutes(at(10), at(0)), None);
        assert_eq!(face_to_face_minutes(at(0), at(9 * 60)), None);
    }

    proptest! {
        #[test]
        fn no_proposed_start_overlaps_any_busy_period(
            busy in proptest::collection::vec((0i64..2000, 1i64..300), 0..12),
            minutes in 15i64..120,
        ) {
            let busy: Vec<Busy> = busy.into_iter().map(|(s, len)| Busy { start: at(s), end: at(s + len) }).collect();
            let candidates: Vec<Timestamp> = (0..40).map(|i| at(i * 60)).collect();
            for s in free_starts(&candidates, minutes, &busy, 100) {
                let end = s + SignedDuration::from_mins(minutes);
                prop_assert!(busy.iter().all(|b| !b.overlaps(s, end)));
            }
        }
    }
}

crate::code_enum! {
    /// What an appointment is: psychotherapy with the patient alone, or a conjoint
    /// session with one family, with the patient (90847) or without (90846).
    pub enum AppointmentKind {
        Individual,
        Family,
        FamilyWithoutPatient,
    }
}

impl AppointmentKind {
    pub fn label(self) -> &'static str {
        match self {
            AppointmentKind::Individual => "Individual session",
            AppointmentKind::Family => "Family session with the patient",
            AppointmentKind::FamilyWithoutPatient => "Family session without the patient",
        }
    }
}

crate::code_enum! {
    /// Where a patient seen by telehealth was: at home (place of service 10) or
    /// somewhere else (02).
    pub enum PatientLocation {
        Home,
        Elsewhere,
    }
}

crate::code_enum! {
        /// Where an individual session happens.
        pub enum AppointmentMode {
            InPerson,
            Telehealth,
        }
}
