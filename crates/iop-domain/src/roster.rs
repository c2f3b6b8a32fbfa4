//! Who is expected at a session: patients in an active episode on its track (core),
//! every active patient of the program (family), graduates of the last
//! [`ALUMNI_EXPECTED_WEEKS`] weeks (alumni).

use crate::calendar::SessionKind;
use jiff::civil::Date;

crate::code_enum! {
        /// Where an episode of care stands.
        pub enum EpisodeStatus {
            Active,
            Graduated,
            Discharged,
        }
}

impl EpisodeStatus {
    pub fn parse(s: &str) -> Option<Self> {
        s.parse().ok()
    }
}

/// One episode as far as rosters go.
#[derive(Clone, Debug)]
pub struct EpisodeSpan {
    pub admit: Date,
    /// The day the episode ended (graduation or discharge); not in treatment from then on.
    pub ended: Option<Date>,
    pub status: EpisodeStatus,
    /// (track id, first day, day it stopped) — a transfer closes one period and opens the next.
    pub tracks: Vec<(crate::ids::TrackId, Date, Option<Date>)>,
}

impl EpisodeSpan {
    pub fn in_treatment_on(&self, d: Date) -> bool {
        self.admit <= d && self.ended.is_none_or(|e| d < e)
    }

    pub fn track_on(&self, d: Date) -> Option<crate::ids::TrackId> {
        self.tracks
            .iter()
            .find(|(_, from, to)| *from <= d && to.is_none_or(|t| d < t))
            .map(|(t, _, _)| *t)
    }

    /// Expected at the alumni group on `d`: graduated in the [`ALUMNI_EXPECTED_WEEKS`]
    /// weeks before. Anyone who graduated may still come and is marked when they do;
    /// planning staff for every graduate of five years would ask for hundreds.
    pub fn alumnus_on(&self, d: Date) -> bool {
        self.status == EpisodeStatus::Graduated
            && self
                .ended
                .is_some_and(|e| e <= d && d < alumni_expected_until(e))
    }
}

/// How long after graduating a patient counts as expected at the alumni group.
pub const ALUMNI_EXPECTED_WEEKS: i64 = 26;

/// The first day a graduate of `ended` is no longer expected at the alumni group.
pub fn alumni_expected_until(ended: Date) -> Date {
    ended
        .checked_add(jiff::Span::new().weeks(ALUMNI_EXPECTED_WEEKS))
        .unwrap_or(Date::MAX)
}

/// The earliest graduation day still expected at an alumni group on `d`.
pub fn alumni_graduated_since(d: Date) -> Date {
    d.checked_sub(jiff::Span::new().weeks(ALUMNI_EXPECTED_WEEKS))
        .unwrap_or(Date::MIN)
}

pub fn expected(
    kind: SessionKind,
    track: Option<crate::ids::TrackId>,
    date: Date,
    episodes: &[EpisodeSpan],
) -> u32 {
    let n = episodes
        .iter()
        .filter(|e| match kind {
            SessionKind::Core => {
                e.in_treatment_on(date) && track.is_some() && e.track_on(date) == track
            }
            SessionKind::Family => e.in_treatment_on(date),
            SessionKind::Alumni => e.alumnus_on(date),
        })
        .count();
    u32::try_from(n).unwrap_or(u32::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    fn ep(
        admit: Date,
        ended: Option<Date>,
        status: EpisodeStatus,
        tracks: Vec<(&str, Date, Option<Date>)>,
    ) -> EpisodeSpan {
        EpisodeSpan {
            admit,
            ended,
            status,
            tracks: tracks.into_iter().map(|(t, a, b)| (tid(t), a, b)).collect(),
        }
    }

    /// A track id from a short name, so the tests read as before.
    fn tid(name: &str) -> crate::ids::TrackId {
        crate::ids::TrackId(uuid::Uuid::from_u128(u128::from(name.as_bytes()[0])))
    }

    #[test]
    fn rolling_admission_and_transfer_change_only_dates_from_their_day() {
        let e = ep(
            date(2026, 3, 2),
            None,
            EpisodeStatus::Active,
            vec![
                ("a", date(2026, 3, 2), Some(date(2026, 3, 16))),
                ("b", date(2026, 3, 16), None),
            ],
        );
        let eps = [e];
        assert_eq!(
            expected(SessionKind::Core, Some(tid("a")), date(2026, 3, 1), &eps),
            0,
            "before admission"
        );
        assert_eq!(
            expected(SessionKind::Core, Some(tid("a")), date(2026, 3, 2), &eps),
            1
        );
        assert_eq!(
            expected(SessionKind::Core, Some(tid("a")), date(2026, 3, 16), &eps),
            0,
            "transferred away"
        );
        assert_eq!(
            expected(SessionKind::Core, Some(tid("b")), date(2026, 3, 16), &eps),
            1
        );
        assert_eq!(
            expected(SessionKind::Family, None, date(2026, 3, 19), &eps),
            1
        );
    }

    #[test]
    fn graduates_are_expected_at_the_alumni_group_for_twenty_six_weeks() {
        let g = ep(
            date(2026, 1, 5),
            Some(date(2026, 3, 2)),
            EpisodeStatus::Graduated,
            vec![("a", date(2026, 1, 5), Some(date(2026, 3, 2)))],
        );
        let last = date(2026, 8, 30);
        assert_eq!(alumni_expected_until(date(2026, 3, 2)), date(2026, 8, 31));
        assert!(g.alumnus_on(last));
        assert!(!g.alumnus_on(date(2026, 8, 31)));
        assert_eq!(alumni_graduated_since(last), date(2026, 3, 1));
        assert_eq!(
            expected(SessionKind::Alumni, None, date(2027, 1, 6), &[g]),
            0
        );
    }

    #[test]
    fn graduates_are_alumni_from_their_graduation_day_and_discharged_patients_are_not() {
        let g = ep(
            date(2026, 1, 5),
            Some(date(2026, 3, 2)),
            EpisodeStatus::Graduated,
            vec![("a", date(2026, 1, 5), Some(date(2026, 3, 2)))],
        );
        let d = ep(
            date(2026, 1, 5),
            Some(date(2026, 2, 2)),
            EpisodeStatus::Discharged,
            vec![("a", date(2026, 1, 5), Some(date(2026, 2, 2)))],
        );
        let eps = [g, d];
        assert_eq!(
            expected(SessionKind::Alumni, None, date(2026, 3, 1), &eps),
            0
        );
        assert_eq!(
            expected(SessionKind::Alumni, None, date(2026, 3, 4), &eps),
            1
        );
        assert_eq!(
            expected(SessionKind::Core, Some(tid("a")), date(2026, 2, 9), &eps),
            1,
            "only the one still in treatment"
        );
    }
}
