use super::*;
use jiff::civil::date;
use proptest::prelude::*;

fn topic(n: u128) -> TopicId {
    TopicId(uuid::Uuid::from_u128(n))
}

fn rules() -> GraduationRules {
    GraduationRules {
        nights_required: 6,
        min_attendance_percent: 80,
        excused: ExcusedAbsences::LeaveDenominator,
        topics_required: (1..=3).map(topic).collect(),
    }
}

/// Six group nights, all attended, topics 1–3 twice over.
fn nights(marks: &[Option<Mark>]) -> Vec<ExpectedSession> {
    marks
        .iter()
        .enumerate()
        .map(|(i, m)| ExpectedSession {
            date: date(2026, 3, 2)
                .checked_add(jiff::Span::new().days(i as i64))
                .unwrap(),
            group_night: true,
            topic: Some(topic(i as u128 % 3 + 1)),
            mark: *m,
            attendance_taken: true,
        })
        .collect()
}

fn all_met() -> EpisodeProgress {
    EpisodeProgress {
        sessions: nights(&[Some(Mark::Present); 6]),
        planned_end: date(2026, 3, 7),
        plan: PlanSignatures::Signed {
            patient: true,
            counselor: true,
        },
        review_due: false,
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
    let e = eligibility(&rules(), &all_met());
    assert!(e.eligible, "{e:?}");
}

#[test]
fn length_counts_group_nights_and_not_make_ups() {
    let mut p = all_met();
    p.sessions[5].group_night = false; // a make-up in another track's group
    match result(&p, "minimum length") {
        RuleResult::NotMet { detail } => {
            assert_eq!(detail, "5 of 6 group nights; the planned end is 2026-03-07")
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn attendance_at_exactly_the_threshold_is_met_and_below_it_is_named() {
    let mut marks = [Some(Mark::Present); 10];
    marks[0] = Some(Mark::AbsentUnexcused);
    marks[1] = Some(Mark::AbsentUnexcused);
    let p = EpisodeProgress {
        sessions: nights(&marks),
        ..all_met()
    };
    assert_eq!(result(&p, "attendance"), RuleResult::Met);
    marks[2] = None;
    let p = EpisodeProgress {
        sessions: nights(&marks),
        ..all_met()
    };
    assert_eq!(
        result(&p, "attendance"),
        RuleResult::NotMet {
            detail: "attended 7 of 10 sessions (1 not marked); 80% needed".into()
        }
    );
}

#[test]
fn a_session_whose_attendance_is_not_taken_yet_is_left_out() {
    let mut s = nights(&[Some(Mark::Present), None, None]);
    s[2].attendance_taken = false;
    assert_eq!(
        attendance_share(&s, ExcusedAbsences::LeaveDenominator),
        (1, 2, 1)
    );
}

#[test]
fn the_threshold_is_the_programs_setting() {
    let mut marks = [Some(Mark::Present); 10];
    marks[0] = Some(Mark::AbsentUnexcused);
    marks[1] = Some(Mark::AbsentUnexcused);
    let p = EpisodeProgress {
        sessions: nights(&marks),
        ..all_met()
    };
    let strict = GraduationRules {
        min_attendance_percent: 90,
        ..rules()
    };
    assert!(!eligibility(&strict, &p).eligible);
    assert!(eligibility(&rules(), &p).eligible);
}

#[test]
fn excused_absences_count_as_the_program_says() {
    let s = nights(&[
        Some(Mark::Present),
        Some(Mark::AbsentExcused),
        Some(Mark::LeftEarly),
        Some(Mark::AbsentUnexcused),
    ]);
    assert_eq!(
        attendance_share(&s, ExcusedAbsences::LeaveDenominator),
        (2, 3, 0)
    );
    assert_eq!(
        attendance_share(&s, ExcusedAbsences::CountAsAttended),
        (3, 4, 0)
    );
    assert_eq!(
        attendance_share(&s, ExcusedAbsences::CountAsAbsent),
        (2, 4, 0)
    );
}

#[test]
fn a_topic_counts_only_when_attended() {
    let mut marks = [Some(Mark::Present); 6];
    marks[2] = Some(Mark::AbsentExcused); // topic 3
    marks[5] = Some(Mark::AbsentUnexcused); // topic 3 again
    let p = EpisodeProgress {
        sessions: nights(&marks),
        ..all_met()
    };
    assert_eq!(
        result(&p, "curriculum complete"),
        RuleResult::NotMet {
            detail: "2 of 3 curriculum topics attended".into()
        }
    );
}

#[test]
fn the_plan_needs_both_signatures_and_says_whose_is_missing() {
    for (plan, detail) in [
        (
            PlanSignatures::NoPlan,
            "there is no relapse prevention plan",
        ),
        (
            PlanSignatures::Signed {
                patient: false,
                counselor: true,
            },
            "the patient has not signed the relapse prevention plan",
        ),
        (
            PlanSignatures::Signed {
                patient: true,
                counselor: false,
            },
            "the counselor has not signed the relapse prevention plan",
        ),
    ] {
        let p = EpisodeProgress { plan, ..all_met() };
        assert_eq!(
            result(&p, "relapse prevention plan signed"),
            RuleResult::NotMet {
                detail: detail.into()
            }
        );
    }
}

#[test]
fn nothing_expected_yet_is_not_yet_recorded_never_met() {
    let p = EpisodeProgress {
        sessions: Vec::new(),
        ..all_met()
    };
    assert_eq!(result(&p, "attendance"), RuleResult::NotYetRecorded);
    assert!(!eligibility(&rules(), &p).eligible);
}

#[test]
fn review_falls_due_at_the_maximum_length_or_at_the_end_of_an_extension() {
    let admit = date(2026, 1, 5);
    let planned = date(2026, 2, 23);
    assert!(!review_due(admit, planned, false, 9, date(2026, 3, 8)));
    assert!(review_due(admit, planned, false, 9, date(2026, 3, 9)));
    assert!(!review_due(
        admit,
        date(2026, 3, 30),
        true,
        9,
        date(2026, 3, 9)
    ));
    assert!(review_due(
        admit,
        date(2026, 3, 30),
        true,
        9,
        date(2026, 3, 30)
    ));
}

#[test]
fn an_eligible_episode_never_needs_review() {
    let p = EpisodeProgress {
        review_due: true,
        ..all_met()
    };
    assert!(!eligibility(&rules(), &p).needs_review);
    let p = EpisodeProgress {
        review_due: true,
        plan: PlanSignatures::NoPlan,
        ..all_met()
    };
    assert!(eligibility(&rules(), &p).needs_review);
}

proptest! {
    #[test]
    fn attended_never_exceeds_expected(marks in proptest::collection::vec(proptest::option::of(0u8..5), 0..40), rule in 0u8..3) {
        let to_mark = |m: u8| [Mark::Present, Mark::Late, Mark::LeftEarly, Mark::AbsentExcused, Mark::AbsentUnexcused][m as usize];
        let s = nights(&marks.iter().map(|m| m.map(to_mark)).collect::<Vec<_>>());
        let excused = [ExcusedAbsences::CountAsAttended, ExcusedAbsences::LeaveDenominator, ExcusedAbsences::CountAsAbsent][rule as usize];
        let (a, e, u) = attendance_share(&s, excused);
        prop_assert!(a <= e && u <= e && e as usize <= s.len());
    }
}
