//! Measures item by item, drug screens, plans and the directory: labels, references and
//! every code against its value set.

use super::tests::{codes_of, has_part2_labels};
use super::*;
use iop_domain::scoring::{Instrument, ScreenMethod, ScreenResult, Specimen};
use jiff::civil::date;
use proptest::prelude::*;

const LOINC: &str = "http://loinc.org";

fn measure(
    instrument: Instrument,
    version: &'static str,
    items: &'static [u8],
) -> MeasureData<'static> {
    MeasureData {
        id: "01a24290-9d84-70ed-99a8-c10c5b976bef",
        patient_id: "p1",
        instrument,
        version,
        items,
        total: Some(items.iter().map(|v| i32::from(*v)).sum()),
        taken_on: date(2026, 12, 2),
    }
}

const BAM_23: &[u8] = &[
    2, 3, 5, 0, 0, 2, 0, 0, 2, 0, 0, 0, 0, 1, 3, 8, 2, 1, 20, 1, 1, 25, 1,
];

#[test]
fn each_phq9_answer_is_a_component_under_its_items_loinc_code() {
    let m = measure(Instrument::Phq9, "PHQ-9", &[0, 1, 2, 3, 0, 1, 2, 3, 1]);
    let Some(o) = measure_observation(&m) else {
        panic!("a PHQ-9 is reported");
    };
    let components = o["component"].as_array().cloned().unwrap_or_default();
    assert_eq!(components.len(), 9);
    assert_eq!(components[8]["code"]["coding"][0]["code"], "44260-8");
    let answer = |i: usize| components[i]["valueCodeableConcept"]["coding"][0]["code"].clone();
    assert_eq!(answer(8), "LA6569-3", "item 9 answered 1: several days");
    assert_eq!(answer(3), "LA6571-9", "item 4 answered 3: nearly every day");
    assert_eq!(answer(0), "LA6568-5");
    for c in codes_of(&o["component"], LOINC) {
        let known = codes::PHQ9_ITEMS.contains(&c.as_str())
            || codes::FREQUENCY_ANSWERS.iter().any(|(k, _)| *k == c);
        assert!(known, "{c}");
    }
    assert_eq!(o["valueInteger"], 13);
}

#[test]
fn a_bam_reports_its_three_likert_subscales_as_scored() {
    let m = measure(Instrument::Bam, iop_domain::bam::VERSION, BAM_23);
    let Some(o) = measure_observation(&m) else {
        panic!("a BAM of the current version is reported");
    };
    has_part2_labels(&o);
    let scored = iop_domain::bam::bam(BAM_23).ok();
    let by_code = |code: &str| {
        o["component"]
            .as_array()
            .into_iter()
            .flatten()
            .find(|c| c["code"]["coding"][0]["code"] == code)
            .map(|c| c["valueInteger"].clone())
    };
    assert_eq!(
        by_code("bam-use"),
        scored.as_ref().map(|s| s.use_score.into())
    );
    assert_eq!(by_code("bam-risk"), scored.as_ref().map(|s| s.risk.into()));
    assert_eq!(
        by_code("bam-protective"),
        scored.as_ref().map(|s| s.protective.into())
    );
    assert!(o.get("valueInteger").is_none(), "the BAM has no total");
    for c in codes_of(&o, MEASURE_SYSTEM) {
        assert!(codes::BAM_CODES.iter().any(|(k, _)| *k == c), "{c}");
    }
}

#[test]
fn a_questionnaire_response_gives_every_answer_in_the_forms_words() {
    let phq = measure(Instrument::Phq9, "PHQ-9", &[0, 1, 2, 3, 0, 1, 2, 3, 1]);
    let Some(r) = questionnaire_response(&phq) else {
        panic!("a PHQ-9 has a response");
    };
    has_part2_labels(&r);
    assert!(
        codes::QUESTIONNAIRE_RESPONSE_STATUS.contains(&r["status"].as_str().unwrap_or_default())
    );
    assert_eq!(r["item"].as_array().map(Vec::len), Some(9));
    assert_eq!(r["item"][3]["linkId"], "4");
    assert_eq!(r["item"][3]["answer"][0]["valueCoding"]["code"], "LA6571-9");
    assert_eq!(
        r["item"][3]["answer"][0]["valueCoding"]["display"],
        "Nearly every day"
    );
    for c in codes_of(&r, LOINC) {
        assert!(codes::FREQUENCY_ANSWERS.iter().any(|(k, _)| *k == c), "{c}");
    }
    let bam = measure(Instrument::Bam, iop_domain::bam::VERSION, BAM_23);
    let Some(r) = questionnaire_response(&bam) else {
        panic!("a BAM has a response");
    };
    assert_eq!(r["item"].as_array().map(Vec::len), Some(23));
    assert_eq!(r["item"][0]["answer"][0]["valueCoding"]["display"], "Good");
    assert_eq!(
        r["item"][0]["answer"][0]["valueCoding"]["system"],
        BAM_ANSWER_SYSTEM
    );
    assert_eq!(r["item"][17]["linkId"], "12");
    // A BAM with item 7 as one count still answers 17 items, linked by number.
    let short = measure(
        Instrument::Bam,
        iop_domain::bam::VERSION,
        &[2, 3, 5, 0, 0, 2, 2, 1, 3, 8, 2, 1, 20, 1, 1, 25, 1],
    );
    let r = questionnaire_response(&short);
    assert_eq!(
        r.as_ref().and_then(|r| r["item"].as_array().map(Vec::len)),
        Some(17)
    );
    // Answers that fit no form give no response rather than a wrong one.
    assert!(questionnaire_response(&measure(Instrument::Gad7, "GAD-7", &[1, 2])).is_none());
}

#[test]
fn each_screen_result_is_coded_and_an_invalid_specimen_says_why_it_has_no_value() {
    for (result, want) in [
        (ScreenResult::Positive, Some("10828004")),
        (ScreenResult::Negative, Some("260385009")),
        (ScreenResult::Invalid, None),
    ] {
        let id = screen_result_id("01a24290-9d84-70ed-99a8-c10c5b976bf9", 2);
        let o = screen_observation(&ScreenData {
            id: &id,
            patient_id: "p1",
            collected_on: date(2026, 12, 1),
            specimen: Specimen::OralFluid,
            method: ScreenMethod::Lab,
            substance: "fentanyl",
            result,
        });
        has_part2_labels(&o);
        let snomed = codes_of(&o["valueCodeableConcept"], "http://snomed.info/sct");
        assert_eq!(snomed.first().map(String::as_str), want);
        for c in codes_of(
            &o,
            "http://terminology.hl7.org/CodeSystem/data-absent-reason",
        ) {
            assert!(codes::DATA_ABSENT_REASON.contains(&c.as_str()));
        }
        assert_eq!(o.get("dataAbsentReason").is_some(), want.is_none());
        assert_eq!(
            split_screen_result_id(&id),
            Some(("01a24290-9d84-70ed-99a8-c10c5b976bf9", 2))
        );
    }
    assert_eq!(
        split_screen_result_id("01a24290-9d84-70ed-99a8-c10c5b976bf9-0"),
        None
    );
    assert_eq!(
        split_screen_result_id("01a24290-9d84-70ed-99a8-c10c5b976bf9"),
        None
    );
}

fn plan(status: PlanStatus) -> CarePlanData<'static> {
    let goal_id = goal_id("01a24290-9d84-70ed-99a8-c10c5b976bfa", 1);
    CarePlanData {
        id: "01a24290-9d84-70ed-99a8-c10c5b976bfa",
        patient_id: "p1",
        kind: PlanKind::Treatment,
        version: 2,
        status,
        created: jiff::Timestamp::from_second(1_796_000_000).unwrap_or_default(),
        written_on: date(2026, 11, 30),
        replaces: Some("01a24290-9d84-70ed-99a8-c10c5b976bfb"),
        goals: vec![GoalData {
            id: goal_id.clone(),
            description: "Stay sober at work events".into(),
            targets: vec![("Names three refusal lines".into(), date(2026, 12, 20))],
            notes: vec!["Problem: drinking with co-workers".into()],
        }],
        activities: vec![ActivityData {
            description: "Role-play refusals in group".into(),
            goals: vec![goal_id],
        }],
        notes: vec!["Due for review on 2026-12-30".into()],
    }
}

#[test]
fn a_plan_version_links_its_goals_and_the_version_it_replaces_with_valid_statuses() {
    for status in [
        PlanStatus::Active,
        PlanStatus::Completed,
        PlanStatus::Revoked,
    ] {
        let p = plan(status);
        let cp = care_plan(&p);
        has_part2_labels(&cp);
        assert!(codes::CARE_PLAN_STATUS.contains(&cp["status"].as_str().unwrap_or_default()));
        assert!(codes::CARE_PLAN_INTENT.contains(&cp["intent"].as_str().unwrap_or_default()));
        let detail = &cp["activity"][0]["detail"];
        assert!(codes::CARE_PLAN_ACTIVITY_STATUS
            .contains(&detail["status"].as_str().unwrap_or_default()));
        assert_eq!(
            detail["goal"][0]["reference"],
            format!("Goal/{}", p.goals[0].id)
        );
        assert_eq!(
            cp["goal"][0]["reference"],
            format!("Goal/{}", p.goals[0].id)
        );
        assert_eq!(
            cp["replaces"][0]["reference"],
            "CarePlan/01a24290-9d84-70ed-99a8-c10c5b976bfb"
        );
        let g = goal(&p, &p.goals[0]);
        has_part2_labels(&g);
        assert!(codes::GOAL_STATUS.contains(&g["lifecycleStatus"].as_str().unwrap_or_default()));
        assert_eq!(g["target"][0]["dueDate"], "2026-12-20");
        assert_eq!(g["startDate"], "2026-11-30");
        assert_eq!(split_goal_id(&p.goals[0].id), Some((p.id, 1)));
    }
    assert_eq!(care_plan(&plan(PlanStatus::Revoked))["status"], "revoked");
}

#[test]
fn the_directory_resources_are_labelled_and_point_at_each_other() {
    let site = "01a24290-9d84-70ed-99a8-c10c5b976bfc";
    let o = organization(&OrganizationData {
        id: site,
        name: "Riverside Recovery",
        npi: Some("1234567893"),
        phone: "(502) 555-0100",
        address: AddressData::Structured {
            line: "1 Main St",
            city: "Louisville",
            state: "KY",
            postal_code: "40202",
        },
    });
    let l = location(&LocationData {
        id: site,
        name: "Riverside",
        phone: "",
        address: "1 Main St",
    });
    let sites = vec![site.to_string()];
    let role = practitioner_role(&PractitionerRoleData {
        id: "s1",
        active: true,
        role: Some("Counselor"),
        taxonomy: Some("101YA0400X"),
        sites: &sites,
    });
    let person = related_person(&RelatedPersonData {
        id: "r1",
        patient_id: "p1",
        name: "Pat Quinn",
        relationship: "mother",
        phone: Some("(502) 555-0102"),
        email: None,
    });
    for r in [&o, &l, &role, &person] {
        has_part2_labels(r);
    }
    assert!(codes::ORGANIZATION_TYPE.contains(
        &o["type"][0]["coding"][0]["code"]
            .as_str()
            .unwrap_or_default()
    ));
    assert!(codes::LOCATION_STATUS.contains(&l["status"].as_str().unwrap_or_default()));
    assert!(codes::LOCATION_MODE.contains(&l["mode"].as_str().unwrap_or_default()));
    assert_eq!(
        l["managingOrganization"]["reference"],
        format!("Organization/{site}")
    );
    assert_eq!(role["practitioner"]["reference"], "Practitioner/s1");
    assert_eq!(role["location"][0]["reference"], format!("Location/{site}"));
    assert_eq!(
        role["organization"]["reference"],
        format!("Organization/{site}")
    );
    assert_eq!(person["patient"]["reference"], "Patient/p1");
    for r in [&o, &person] {
        for t in r["telecom"].as_array().into_iter().flatten() {
            assert!(codes::CONTACT_POINT_SYSTEM.contains(&t["system"].as_str().unwrap_or_default()));
        }
    }
    for a in o["address"]
        .as_array()
        .into_iter()
        .flatten()
        .chain([&l["address"]])
    {
        assert!(codes::ADDRESS_USE.contains(&a["use"].as_str().unwrap_or_default()));
    }
    let two = vec![site.to_string(), "other".to_string()];
    let across = practitioner_role(&PractitionerRoleData {
        sites: &two,
        role: None,
        taxonomy: None,
        active: false,
        id: "s1",
    });
    assert!(
        across.get("organization").is_none(),
        "no single employer across sites"
    );
}

proptest! {
    #[test]
    fn any_stored_answers_map_without_panicking(
        items in proptest::collection::vec(0u8..=40, 0..30),
        which in 0usize..3,
    ) {
        let instrument = [Instrument::Phq9, Instrument::Gad7, Instrument::Bam][which];
        let m = MeasureData {
            id: "m", patient_id: "p", instrument, version: iop_domain::bam::VERSION,
            items: &items, total: Some(1), taken_on: date(2026, 1, 1),
        };
        let _ = measure_observation(&m);
        if let Some(r) = questionnaire_response(&m) {
            prop_assert_eq!(r["item"].as_array().map(Vec::len), Some(items.len()));
        }
    }
}

#[test]
fn only_the_newest_version_is_in_force_and_only_while_the_episode_it_was_written_in_runs() {
    let written = date(2026, 11, 2);
    let running = [(true, None)];
    assert_eq!(PlanStatus::of(0, written, &running), PlanStatus::Active);
    assert_eq!(PlanStatus::of(1, written, &running), PlanStatus::Revoked);
    // Discharged since: the plan is completed, not in force.
    let ended = [(false, Some(date(2026, 11, 20)))];
    assert_eq!(PlanStatus::of(0, written, &ended), PlanStatus::Completed);
    // Readmitted after that episode ended: its last plan is not the new episode's.
    let readmitted = [(false, Some(date(2026, 11, 20))), (true, None)];
    assert_eq!(
        PlanStatus::of(0, written, &readmitted),
        PlanStatus::Completed
    );
    // Written in the new episode (after the old one ended): in force.
    assert_eq!(
        PlanStatus::of(0, date(2026, 11, 25), &readmitted),
        PlanStatus::Active
    );
    // Written for an admission that starts later: in force once it runs.
    assert_eq!(
        PlanStatus::of(0, date(2026, 10, 1), &[(true, None)]),
        PlanStatus::Active
    );
    assert_eq!(PlanStatus::of(0, written, &[]), PlanStatus::Completed);
}
