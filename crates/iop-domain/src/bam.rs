//! The Brief Addiction Monitor (VA; Cacciola et al., J Subst Abuse Treat 2013;44(3):
//! 256–263), scored in its Likert version: every scored item becomes 0–4, so the
//! subscales have fixed ranges and published cut-offs (Use 0–12, Risk 0–24,
//! Protective 0–24; clinically significant at Use ≥ 1, Risk ≥ 12, Protective ≤ 12).
//! A sum of raw day counts mixed with 0–4 ratings is not a validated score. There is
//! no total. The raw answers are what is stored; the score is derived from them.

use crate::scoring::ScoringError;
use serde::Serialize;

/// Stored with each BAM measure: rows scored before the Likert version carry another
/// label and are left out of trends, since their subscales are on another scale.
pub const VERSION: &str = "BAM-17 (VA), Likert";

/// How an item is answered.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Answer {
    /// How many of the past 30 days (0–30).
    Days,
    /// Already on the 0–4 scale ("Excellent" 0 … "Poor" 4; "Not at all" 0 … "Extremely" 4).
    Rating,
    /// 0 = no, 1 = yes; yes scores 4.
    YesNo,
}

/// Items 1–17 in order (item 7 stands for 7A–G, the days of each drug; unscored).
pub const ITEMS: [(Answer, &str); 17] = [
    (Answer::Rating, "Physical health"),
    (
        Answer::Days,
        "Nights with trouble falling or staying asleep",
    ),
    (
        Answer::Days,
        "Days felt depressed, anxious, angry or very upset",
    ),
    (Answer::Days, "Days drank any alcohol"),
    (Answer::Days, "Days had at least 5 drinks (4 for women)"),
    (
        Answer::Days,
        "Days used illegal or street drugs or misused prescription medicines",
    ),
    (Answer::Days, "Days used each drug (7A–G)"),
    (
        Answer::Rating,
        "Bothered by cravings or urges to drink or use",
    ),
    (
        Answer::Rating,
        "Confidence in staying completely abstinent the next 30 days",
    ),
    (Answer::Days, "Days attended self-help meetings"),
    (
        Answer::Days,
        "Days in risky situations or with people who raise the risk of using",
    ),
    (Answer::Rating, "Religion or spirituality supports recovery"),
    (
        Answer::Days,
        "Days spent much of the time at work, school or volunteering",
    ),
    (
        Answer::YesNo,
        "Enough income from legal sources for necessities",
    ),
    (
        Answer::Rating,
        "Bothered by arguments or problems with family or friends",
    ),
    (
        Answer::Days,
        "Days in contact with family or friends who support recovery",
    ),
    (
        Answer::Rating,
        "Satisfied with progress toward recovery goals",
    ),
];

pub const BAM_USE: [usize; 3] = [4, 5, 6];
pub const BAM_RISK: [usize; 6] = [1, 2, 3, 8, 11, 15];
pub const BAM_PROTECTIVE: [usize; 6] = [9, 10, 12, 13, 14, 16];

pub const USE_FLAG_AT: u8 = 1;
pub const RISK_FLAG_AT: u8 = 12;
pub const PROTECTIVE_FLAG_AT_OR_BELOW: u8 = 12;

/// A day count binned to the Likert scale: 0, 1–3, 4–8, 9–15, 16–30 → 0–4.
pub fn days_to_likert(days: u8) -> u8 {
    match days {
        0 => 0,
        1..=3 => 1,
        4..=8 => 2,
        9..=15 => 3,
        _ => 4,
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Bam {
    /// Items 4 + 5 + 6, 0–12.
    pub use_score: u8,
    /// Items 1, 2, 3, 8, 11, 15, 0–24.
    pub risk: u8,
    /// Items 9, 10, 12, 13, 14, 16, 0–24.
    pub protective: u8,
    /// Any use (Use ≥ 1).
    pub use_flag: bool,
    /// Risk ≥ 12.
    pub risk_flag: bool,
    /// Protective ≤ 12.
    pub protective_flag: bool,
}

/// Scores the raw answers: 17 (item 7 as one day count) or 23 (items 1–6, 7A–G, 8–17).
pub fn bam(raw: &[u8]) -> Result<Bam, ScoringError> {
    let items: Vec<u8> = match raw.len() {
        17 => raw.to_vec(),
        23 => {
            check_days(&raw[6..13], 7)?;
            let drug_days = raw[6..13].iter().copied().max().unwrap_or(0);
            let mut v = raw[..6].to_vec();
            v.push(drug_days);
            v.extend_from_slice(&raw[13..]);
            v
        }
        got => {
            return Err(ScoringError::ItemCount {
                instrument: "BAM",
                expected: 17,
                got,
            })
        }
    };
    let mut likert = [0u8; 17];
    for (i, ((kind, _), v)) in ITEMS.iter().zip(&items).enumerate() {
        let number = i + 1;
        let (max, scored) = match kind {
            Answer::Days => (30, days_to_likert(*v)),
            Answer::Rating => (4, *v),
            Answer::YesNo => (1, if *v == 1 { 4 } else { 0 }),
        };
        if *v > max {
            return Err(ScoringError::ItemRange {
                instrument: "BAM",
                item: number,
                max,
            });
        }
        likert[i] = scored;
    }
    let sum = |idx: &[usize]| idx.iter().map(|i| likert[i - 1]).sum::<u8>();
    let (use_score, risk, protective) = (sum(&BAM_USE), sum(&BAM_RISK), sum(&BAM_PROTECTIVE));
    Ok(Bam {
        use_score,
        risk,
        protective,
        use_flag: use_score >= USE_FLAG_AT,
        risk_flag: risk >= RISK_FLAG_AT,
        protective_flag: protective <= PROTECTIVE_FLAG_AT_OR_BELOW,
    })
}

/// 7A–G are day counts too; an answer out of range is named by its letter's item (7).
fn check_days(days: &[u8], item: usize) -> Result<(), ScoringError> {
    if days.iter().any(|d| *d > 30) {
        return Err(ScoringError::ItemRange {
            instrument: "BAM",
            item,
            max: 30,
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn none() -> [u8; 17] {
        [0; 17]
    }

    #[test]
    fn day_counts_are_binned_at_every_boundary() {
        for (days, want) in [
            (0, 0),
            (1, 1),
            (3, 1),
            (4, 2),
            (8, 2),
            (9, 3),
            (15, 3),
            (16, 4),
            (30, 4),
        ] {
            assert_eq!(days_to_likert(days), want, "{days} days");
        }
    }

    #[test]
    fn use_is_flagged_from_a_single_day_of_drinking() {
        let r = bam(&none()).unwrap();
        assert_eq!((r.use_score, r.use_flag), (0, false));
        let mut one = none();
        one[3] = 1;
        let r = bam(&one).unwrap();
        assert_eq!((r.use_score, r.use_flag), (1, true));
    }

    #[test]
    fn risk_is_flagged_at_twelve_and_not_at_eleven() {
        // Poor health (4), 16 bad nights (4), 9 upset days (3) = 11.
        let mut a = none();
        (a[0], a[1], a[2]) = (4, 16, 9);
        let r = bam(&a).unwrap();
        assert_eq!((r.risk, r.risk_flag), (11, false));
        a[7] = 1; // slightly bothered by cravings
        let r = bam(&a).unwrap();
        assert_eq!((r.risk, r.risk_flag), (12, true));
    }

    #[test]
    fn protective_is_flagged_at_twelve_or_below_and_not_at_thirteen() {
        // Confident (4), income yes (4), 4 meeting days (2), 2 supportive days (1) = 11.
        let mut a = none();
        (a[8], a[13], a[9], a[15]) = (4, 1, 4, 2);
        let r = bam(&a).unwrap();
        assert_eq!((r.protective, r.protective_flag), (11, true));
        a[11] = 1; // spirituality helps slightly: 12, still flagged
        assert_eq!(bam(&a).unwrap().protective, 12);
        assert!(bam(&a).unwrap().protective_flag);
        a[12] = 1; // one day of work: 13
        let r = bam(&a).unwrap();
        assert_eq!((r.protective, r.protective_flag), (13, false));
    }

    #[test]
    fn a_no_to_income_scores_zero_and_a_yes_four() {
        let mut a = none();
        a[13] = 0;
        assert_eq!(bam(&a).unwrap().protective, 0);
        a[13] = 1;
        assert_eq!(bam(&a).unwrap().protective, 4);
        a[13] = 4;
        assert_eq!(
            bam(&a),
            Err(ScoringError::ItemRange {
                instrument: "BAM",
                item: 14,
                max: 1
            })
        );
    }

    #[test]
    fn items_seven_and_seventeen_count_nowhere() {
        let mut a = none();
        (a[6], a[16]) = (30, 4);
        let r = bam(&a).unwrap();
        assert_eq!((r.use_score, r.risk, r.protective), (0, 0, 0));
        // The long form's 7A–G are read and refused when out of range, never scored.
        let mut long = [0u8; 23];
        long[6..13].copy_from_slice(&[30, 0, 2, 0, 0, 0, 0]);
        assert_eq!(bam(&long).unwrap().use_score, 0);
        long[8] = 31;
        assert!(bam(&long).is_err());
    }

    #[test]
    fn ratings_above_four_and_days_above_thirty_are_refused() {
        let mut a = none();
        a[0] = 5;
        assert!(bam(&a).is_err());
        let mut b = none();
        b[1] = 31;
        assert!(bam(&b).is_err());
        assert!(bam(&[0; 16]).is_err());
    }

    proptest! {
        #[test]
        fn subscales_stay_in_their_ranges(days in proptest::collection::vec(0u8..=30, 17), ratings in proptest::collection::vec(0u8..=4, 17), yes in 0u8..=1) {
            let raw: Vec<u8> = ITEMS.iter().enumerate().map(|(i, (k, _))| match k {
                Answer::Days => days[i],
                Answer::Rating => ratings[i],
                Answer::YesNo => yes,
            }).collect();
            let r = bam(&raw).unwrap();
            prop_assert!(r.use_score <= 12 && r.risk <= 24 && r.protective <= 24);
        }
    }
}
