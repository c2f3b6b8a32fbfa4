//! The program outcome report: each patient's score at intake against their latest
//! score, summarised by group (a track). Lower is better for every instrument reported
//! (PHQ-9, GAD-7, BAM use).

use jiff::civil::Date;
use std::collections::BTreeMap;

#[derive(Clone, Debug)]
pub struct Observation<'a> {
    pub group: &'a str,
    pub patient: crate::ids::PatientId,
    pub taken_on: Date,
    pub score: i32,
    /// Recorded as the intake administration.
    pub intake: bool,
}

#[derive(Clone, Debug, PartialEq, serde::Serialize, utoipa::ToSchema)]
pub struct GroupOutcome {
    pub group: String,
    /// Patients with an intake score and a later one.
    pub patients: u32,
    pub mean_intake: f64,
    pub mean_latest: f64,
    /// Patients whose latest score is lower than at intake.
    pub improved: u32,
}

/// Per group, the mean intake and latest score of patients measured at least twice.
/// A patient's intake is their earliest administration marked intake (else their
/// earliest); their latest is the last one dated after it.
pub fn intake_vs_latest(obs: &[Observation]) -> Vec<GroupOutcome> {
    let mut by_patient: BTreeMap<(&str, crate::ids::PatientId), Vec<&Observation>> =
        BTreeMap::new();
    for o in obs {
        by_patient.entry((o.group, o.patient)).or_default().push(o);
    }
    let mut groups: BTreeMap<&str, (u32, i64, i64, u32)> = BTreeMap::new();
    for ((group, _), mut list) in by_patient {
        list.sort_by_key(|o| o.taken_on);
        let Some(first) = list.iter().find(|o| o.intake).or(list.first()).copied() else {
            continue;
        };
        let Some(last) = list.iter().rev().find(|o| o.taken_on > first.taken_on) else {
            continue;
        };
        let g = groups.entry(group).or_default();
        g.0 += 1;
        g.1 += i64::from(first.score);
        g.2 += i64::from(last.score);
        g.3 += u32::from(last.score < first.score);
    }
    groups
        .into_iter()
        .map(|(group, (n, a, b, improved))| GroupOutcome {
            group: group.to_string(),
            patients: n,
            mean_intake: a as f64 / f64::from(n),
            mean_latest: b as f64 / f64::from(n),
            improved,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn d(day: i8) -> Date {
        Date::new(2026, 10, day).unwrap()
    }

    fn o<'a>(
        group: &'a str,
        patient: &'a str,
        day: i8,
        score: i32,
        intake: bool,
    ) -> Observation<'a> {
        Observation {
            group,
            patient: crate::ids::PatientId(uuid::Uuid::from_u128(
                patient.bytes().fold(0u128, |a, b| {
                    a.wrapping_mul(131).wrapping_add(u128::from(b))
                }),
            )),
            taken_on: d(day),
            score,
            intake,
        }
    }

    #[test]
    fn intake_is_compared_with_the_latest_and_single_scores_are_left_out() {
        let obs = [
            o("A", "p1", 1, 20, true),
            o("A", "p1", 15, 12, false),
            o("A", "p1", 29, 8, false),
            o("A", "p2", 3, 10, true),
            o("A", "p2", 17, 14, false),
            o("A", "p3", 5, 18, true),
            o("B", "p4", 2, 9, false),
            o("B", "p4", 16, 5, false),
        ];
        let r = intake_vs_latest(&obs);
        assert_eq!(r.len(), 2);
        assert_eq!(r[0].group, "A");
        assert_eq!(r[0].patients, 2);
        assert_eq!(r[0].mean_intake, 15.0);
        assert_eq!(r[0].mean_latest, 11.0);
        assert_eq!(r[0].improved, 1);
        assert_eq!(
            (r[1].patients, r[1].mean_intake, r[1].mean_latest),
            (1, 9.0, 5.0)
        );
    }

    #[test]
    fn a_score_marked_intake_wins_over_an_earlier_unmarked_one() {
        let obs = [
            o("A", "p", 1, 3, false),
            o("A", "p", 5, 20, true),
            o("A", "p", 9, 10, false),
        ];
        let r = intake_vs_latest(&obs);
        assert_eq!(
            (r[0].mean_intake, r[0].mean_latest, r[0].improved),
            (20.0, 10.0, 1)
        );
    }

    proptest! {
        #[test]
        fn means_stay_within_the_scores_and_counts_within_the_patients(
            rows in proptest::collection::vec((0usize..3, 0usize..6, 1i8..28, 0i32..28, any::<bool>()), 0..40)
        ) {
            let groups = ["A", "B", "C"];
            let patients = ["p0", "p1", "p2", "p3", "p4", "p5"];
            let obs: Vec<Observation> = rows.iter().map(|(g, p, day, s, i)| o(groups[*g], patients[*p], *day, *s, *i)).collect();
            for g in intake_vs_latest(&obs) {
                prop_assert!(g.patients >= 1 && g.patients <= 6);
                prop_assert!(g.improved <= g.patients);
                prop_assert!((0.0..=27.0).contains(&g.mean_intake));
                prop_assert!((0.0..=27.0).contains(&g.mean_latest));
            }
        }
    }
}
