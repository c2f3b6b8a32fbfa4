//! Graduation eligibility as a pure function of the record: length in group nights
//! (the rule that sets the planned end, so closures push both alike), attendance of
//! the sessions the patient was expected at, curriculum topics covered by attending,
//! and the relapse prevention plan signed by patient and counselor.

use crate::hours::Mark;
use crate::ids::TopicId;
use jiff::civil::Date;
use serde::Serialize;
use std::collections::BTreeSet;

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

crate::code_enum! {
    /// How an excused absence counts toward the attendance share.
    pub enum ExcusedAbsences {
        /// As if attended.
        CountAsAttended,
        /// Left out of both attended and expected (the default).
        LeaveDenominator,
        /// As a missed session.
        CountAsAbsent,
    }
}

/// The program's graduation rules.
#[derive(Clone, Debug)]
pub struct GraduationRules {
    /// Group nights (the track's core groups and family groups) an episode needs.
    pub nights_required: u32,
    /// Share of expected sessions attended, in percent.
    pub min_attendance_percent: u32,
    pub excused: ExcusedAbsences,
    /// The program's active curriculum topics.
    pub topics_required: BTreeSet<TopicId>,
}

/// One session the patient was expected at that has ended.
#[derive(Clone, Debug)]
pub struct ExpectedSession {
    pub date: Date,
    /// A core group of their track or a family group; a make-up does not lengthen treatment.
    pub group_night: bool,
    pub topic: Option<TopicId>,
    /// The patient's mark; `None` when they were not marked.
    pub mark: Option<Mark>,
    /// Attendance was taken for someone at this session. A session nobody has marked
    /// yet is pending (left out); one where others were marked but not this patient
    /// counts as missed.
    pub attendance_taken: bool,
}

/// The relapse prevention plan's latest version, as far as signatures go.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PlanSignatures {
    NoPlan,
    Signed { patient: bool, counselor: bool },
}

/// What the record holds for one episode.
#[derive(Clone, Debug)]
pub struct EpisodeProgress {
    pub sessions: Vec<ExpectedSession>,
    /// The date the required nights are reached (closures pushed out).
    pub planned_end: Date,
    pub plan: PlanSignatures,
    /// At the maximum length, or past an extension's end.
    pub review_due: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Eligibility {
    pub eligible: bool,
    /// At the maximum length without eligibility: a clinician must extend or discharge.
    pub needs_review: bool,
    pub rules: Vec<Rule>,
}

/// (attended, expected, not marked) under the program's rule for excused absences: a
/// patient left unmarked where attendance was taken counts as missed; sessions whose
/// attendance is not taken yet are left out.
pub fn attendance_share(sessions: &[ExpectedSession], excused: ExcusedAbsences) -> (u32, u32, u32) {
    let (mut attended, mut expected, mut unmarked) = (0u32, 0u32, 0u32);
    for s in sessions {
        match s.mark {
            Some(Mark::AbsentExcused) => match excused {
                ExcusedAbsences::CountAsAttended => {
                    attended += 1;
                    expected += 1;
                }
                ExcusedAbsences::LeaveDenominator => {}
                ExcusedAbsences::CountAsAbsent => expected += 1,
            },
            Some(Mark::AbsentUnexcused) => expected += 1,
            Some(_) => {
                attended += 1;
                expected += 1;
            }
            None if s.attendance_taken => {
                unmarked += 1;
                expected += 1;
            }
            None => {}
        }
    }
    (attended, expected, unmarked)
}

/// Topics of the sessions attended (not absent).
pub fn topics_covered(sessions: &[ExpectedSession]) -> BTreeSet<TopicId> {
    sessions
        .iter()
        .filter(|s| s.mark.is_some_and(|m| !m.is_absent()))
        .filter_map(|s| s.topic)
        .collect()
}

/// Whether review falls due: at the program's maximum length from admission, or at
/// the end of an extension when one was granted past it.
pub fn review_due(
    admit: Date,
    planned_end: Date,
    extended: bool,
    max_weeks: i32,
    today: Date,
) -> bool {
    let max_end = admit
        .checked_add(jiff::Span::new().weeks(i64::from(max_weeks)))
        .unwrap_or(admit);
    let due = if extended {
        planned_end.max(max_end)
    } else {
        max_end
    };
    today >= due
}

pub fn eligibility(r: &GraduationRules, p: &EpisodeProgress) -> Eligibility {
    let nights =
        u32::try_from(p.sessions.iter().filter(|s| s.group_night).count()).unwrap_or(u32::MAX);
    let length = if nights >= r.nights_required {
        RuleResult::Met
    } else {
        RuleResult::NotMet {
            detail: format!(
                "{nights} of {} group nights; the planned end is {}",
                r.nights_required, p.planned_end
            ),
        }
    };
    let attendance = match attendance_share(&p.sessions, r.excused) {
        (_, 0, _) => RuleResult::NotYetRecorded,
        (a, e, _) if u64::from(a) * 100 >= u64::from(r.min_attendance_percent) * u64::from(e) => {
            RuleResult::Met
        }
        (a, e, unmarked) => RuleResult::NotMet {
            detail: format!(
                "attended {a} of {e} sessions{}; {}% needed",
                if unmarked > 0 {
                    format!(" ({unmarked} not marked)")
                } else {
                    String::new()
                },
                r.min_attendance_percent
            ),
        },
    };
    let covered = topics_covered(&p.sessions);
    let missing = r.topics_required.difference(&covered).count();
    let topics = if missing == 0 {
        RuleResult::Met
    } else {
        RuleResult::NotMet {
            detail: format!(
                "{} of {} curriculum topics attended",
                r.topics_required.len() - missing,
                r.topics_required.len()
            ),
        }
    };
    let plan = match p.plan {
        PlanSignatures::NoPlan => RuleResult::NotMet {
            detail: "there is no relapse prevention plan".into(),
        },
        PlanSignatures::Signed {
            patient: true,
            counselor: true,
        } => RuleResult::Met,
        PlanSignatures::Signed { patient, counselor } => RuleResult::NotMet {
            detail: match (patient, counselor) {
                (false, false) => {
                    "the relapse prevention plan is signed by neither patient nor counselor"
                }
                (false, _) => "the patient has not signed the relapse prevention plan",
                _ => "the counselor has not signed the relapse prevention plan",
            }
            .into(),
        },
    };
    let rules = vec![
        Rule {
            name: "minimum length",
            result: length,
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
        needs_review: !eligible && p.review_due,
        rules,
    }
}

#[cfg(test)]
#[path = "graduation_tests.rs"]
mod tests;
