//! Graduation eligibility as a pure function. A rule whose data does not exist yet is
//! reported as "not yet recorded", never as met.

use serde::Serialize;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum RuleResult {
    Met,
    NotMet { detail: String },
    NotYetRecorded,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Rule {
    pub name: &'static str,
    pub result: RuleResult,
}

/// The program's graduation rules.
#[derive(Clone, Debug)]
pub struct GraduationRules {
    pub min_weeks: i32,
    pub max_weeks: i32,
    /// Share of scheduled sessions attended, in percent.
    pub min_attendance_percent: u32,
    pub topics_required: usize,
}

/// What is known about one episode.
#[derive(Clone, Debug, Default)]
pub struct EpisodeProgress {
    pub weeks_in_treatment: i32,
    /// (attended, expected) sessions; `None` until attendance is recorded.
    pub attendance: Option<(u32, u32)>,
    /// Topics covered; `None` until attendance is recorded.
    pub topics_covered: Option<usize>,
    /// `None` until relapse prevention plans exist for the program.
    pub relapse_plan_signed: Option<bool>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Eligibility {
    pub eligible: bool,
    /// At the maximum length without eligibility: a clinician must extend or discharge.
    pub needs_review: bool,
    pub rules: Vec<Rule>,
}

pub fn eligibility(r: &GraduationRules, p: &EpisodeProgress) -> Eligibility {
    let weeks = if p.weeks_in_treatment >= r.min_weeks {
        RuleResult::Met
    } else {
        RuleResult::NotMet {
            detail: format!("{} of {} weeks", p.weeks_in_treatment, r.min_weeks),
        }
    };
    let attendance = match p.attendance {
        None | Some((_, 0)) => RuleResult::NotYetRecorded,
        Some((a, e))
            if u64::from(a) * 100 >= u64::from(r.min_attendance_percent) * u64::from(e) =>
        {
            RuleResult::Met
        }
        Some((a, e)) => RuleResult::NotMet {
            detail: format!(
                "attended {a} of {e} sessions; {}% needed",
                r.min_attendance_percent
            ),
        },
    };
    let topics = match p.topics_covered {
        None => RuleResult::NotYetRecorded,
        Some(n) if n >= r.topics_required => RuleResult::Met,
        Some(n) => RuleResult::NotMet {
            detail: format!("{n} of {} curriculum topics", r.topics_required),
        },
    };
    let plan = match p.relapse_plan_signed {
        None => RuleResult::NotYetRecorded,
        Some(true) => RuleResult::Met,
        Some(false) => RuleResult::NotMet {
            detail: "the relapse prevention plan is not signed".into(),
        },
    };
    let rules = vec![
        Rule {
            name: "minimum weeks",
            result: weeks,
        },
        Rule {
            name: "attendance",
            result: attendance,
        },
        Rule {
            name: "curriculum complete",
            result: topics,
        },
        Rule {
            name: "relapse prevention plan signed",
            result: plan,
        },
    ];
    let eligible = rules.iter().all(|r| r.result == RuleResult::Met);
    Eligibility {
        eligible,
        needs_review: !eligible && p.weeks_in_treatment >= r.max_weeks,
        rules,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rules() -> GraduationRules {
        GraduationRules {
            min_weeks: 7,
            max_weeks: 9,
            min_attendance_percent: 80,
            topics_required: 6,
        }
    }

    fn all_met() -> EpisodeProgress {
        EpisodeProgress {
            weeks_in_treatment: 7,
            attendance: Some((17, 20)),
            topics_covered: Some(6),
            relapse_plan_signed: Some(true),
        }
    }

    fn result(p: &EpisodeProgress, name: &str) -> RuleResult {
        eligibility(&rules(), p)
            .rules
            .into_iter()
            .find(|r| r.name == name)
            .map(|r| r.result)
            .unwrap_or(RuleResult::NotYetRecorded)
    }

    #[test]
    fn everything_met_is_eligible() {
        assert!(eligibility(&rules(), &all_met()).eligible);
    }

    #[test]
    fn minimum_weeks_rule() {
        let p = EpisodeProgress {
            weeks_in_treatment: 6,
            ..all_met()
        };
        assert!(matches!(
            result(&p, "minimum weeks"),
            RuleResult::NotMet { .. }
        ));
        assert!(!eligibility(&rules(), &p).eligible);
    }

    #[test]
    fn attendance_rule_counts_exactly_eighty_percent_as_met() {
        assert_eq!(
            result(
                &EpisodeProgress {
                    attendance: Some((16, 20)),
                    ..all_met()
                },
                "attendance"
            ),
            RuleResult::Met
        );
        assert!(matches!(
            result(
                &EpisodeProgress {
                    attendance: Some((15, 20)),
                    ..all_met()
                },
                "attendance"
            ),
            RuleResult::NotMet { .. }
        ));
        assert_eq!(
            result(
                &EpisodeProgress {
                    attendance: None,
                    ..all_met()
                },
                "attendance"
            ),
            RuleResult::NotYetRecorded
        );
    }

    #[test]
    fn curriculum_rule() {
        assert!(matches!(
            result(
                &EpisodeProgress {
                    topics_covered: Some(5),
                    ..all_met()
                },
                "curriculum complete"
            ),
            RuleResult::NotMet { .. }
        ));
        assert_eq!(
            result(
                &EpisodeProgress {
                    topics_covered: None,
                    ..all_met()
                },
                "curriculum complete"
            ),
            RuleResult::NotYetRecorded
        );
    }

    #[test]
    fn relapse_plan_rule_and_unrecorded_data_never_count_as_met() {
        assert!(matches!(
            result(
                &EpisodeProgress {
                    relapse_plan_signed: Some(false),
                    ..all_met()
                },
                "relapse prevention plan signed"
            ),
            RuleResult::NotMet { .. }
        ));
        let p = EpisodeProgress {
            relapse_plan_signed: None,
            ..all_met()
        };
        assert!(!eligibility(&rules(), &p).eligible);
    }

    #[test]
    fn at_the_maximum_without_eligibility_the_episode_needs_review() {
        let p = EpisodeProgress {
            weeks_in_treatment: 9,
            topics_covered: Some(4),
            ..all_met()
        };
        assert!(eligibility(&rules(), &p).needs_review);
        assert!(
            !eligibility(
                &rules(),
                &EpisodeProgress {
                    weeks_in_treatment: 9,
                    ..all_met()
                }
            )
            .needs_review
        );
    }
}
