//! Prints one of each FHIR resource this crate writes, one JSON object per line, for
//! `tests/fhir/check_fhir.py` to validate with fhir.resources (R4B models).

use iop_domain::admissions::Sex;
use iop_domain::scoring::Instrument;
use iop_interop::fhir::{self, IssueSeverity, IssueType, MeasureData, PatientData};
use jiff::civil::date;

fn main() {
    let with_address = PatientData {
        id: "01a24290-9d84-70ed-99a8-c10c5b976bee",
        mrn_system: "urn:iop:example:mrn",
        mrn: "DEMO-0001",
        family: "Quinn",
        given: "Parker",
        preferred: Some("Park"),
        birth_date: date(1990, 5, 6),
        sex: Sex::Female,
        phone: Some("(502) 555-0101"),
        email: Some("parker@example.org"),
        line: Some("1 Main St"),
        city: Some("Louisville"),
        state: Some("KY"),
        postal_code: Some("40202"),
    };
    let bare = PatientData {
        preferred: None,
        phone: None,
        email: None,
        line: None,
        sex: Sex::Unknown,
        ..with_address.clone()
    };
    let mut out = vec![fhir::patient(&with_address), fhir::patient(&bare)];
    let bam_items = [
        2, 3, 5, 0, 0, 2, 0, 0, 2, 0, 0, 0, 0, 1, 3, 8, 2, 1, 20, 1, 1, 25, 1,
    ];
    for (instrument, version, items, total) in [
        (
            Instrument::Phq9,
            "PHQ-9",
            &[1, 2, 3, 1, 2, 3, 1, 1, 0][..],
            Some(14),
        ),
        (
            Instrument::Gad7,
            "GAD-7",
            &[1, 2, 3, 1, 2, 3, 1][..],
            Some(13),
        ),
        (
            Instrument::Bam,
            iop_domain::bam::VERSION,
            &bam_items[..],
            None,
        ),
    ] {
        let m = MeasureData {
            id: "01a24290-9d84-70ed-99a8-c10c5b976bef",
            patient_id: with_address.id,
            instrument,
            version,
            items,
            total,
            taken_on: date(2026, 12, 2),
        };
        out.extend(fhir::measure_observation(&m));
        out.extend(fhir::questionnaire_response(&m));
    }
    for (n, result) in [
        iop_domain::scoring::ScreenResult::Positive,
        iop_domain::scoring::ScreenResult::Negative,
        iop_domain::scoring::ScreenResult::Invalid,
    ]
    .into_iter()
    .enumerate()
    {
        let id = fhir::screen_result_id("01a24290-9d84-70ed-99a8-c10c5b976bf9", n + 1);
        out.push(fhir::screen_observation(&fhir::ScreenData {
            id: &id,
            patient_id: with_address.id,
            collected_on: date(2026, 12, 1),
            specimen: iop_domain::scoring::Specimen::Urine,
            method: iop_domain::scoring::ScreenMethod::PointOfCare,
            substance: "cocaine",
            result,
        }));
    }
    let dx: Vec<_> = ["F10.20", "F41.1"]
        .iter()
        .filter_map(|c| iop_domain::icd10::Icd10::parse(c).ok())
        .collect();
    let episode = fhir::EpisodeData {
        id: "01a24290-9d84-70ed-99a8-c10c5b976bf0",
        patient_id: with_address.id,
        status: iop_domain::roster::EpisodeStatus::Discharged,
        admitted: date(2026, 10, 5),
        ended: Some(date(2026, 11, 20)),
        end_reason: Some(("ama", "Left against advice")),
        diagnoses: &dx,
        care_manager: Some("01a24290-9d84-70ed-99a8-c10c5b976bf1"),
        site: None,
    };
    out.push(fhir::episode_of_care(&episode));
    out.extend(dx.iter().map(|d| fhir::condition(&episode, d)));
    let staff = vec!["01a24290-9d84-70ed-99a8-c10c5b976bf1".to_string()];
    for (kind, telehealth) in [
        (fhir::EncounterKind::Group, false),
        (fhir::EncounterKind::Individual, true),
    ] {
        out.push(fhir::encounter(&fhir::EncounterData {
            id: "01a24290-9d84-70ed-99a8-c10c5b976bf2",
            patient_id: with_address.id,
            kind,
            telehealth,
            start: jiff::Timestamp::from_second(1_796_000_000).unwrap_or_default(),
            end: jiff::Timestamp::from_second(1_796_010_800).unwrap_or_default(),
            minutes: 180,
            performers: &staff,
            episode_id: Some(episode.id),
        }));
    }
    out.push(fhir::practitioner(&fhir::PractitionerData {
        id: &staff[0],
        name: "Casey Counselor",
        credentials: "LCADC",
        npi: Some("1234567893"),
        active: true,
    }));
    let site = "01a24290-9d84-70ed-99a8-c10c5b976bfc";
    out.push(fhir::organization(&fhir::OrganizationData {
        id: site,
        name: "Riverside Recovery",
        npi: Some("1234567893"),
        phone: "(502) 555-0100",
        address: fhir::AddressData::Structured {
            line: "1 Main St",
            city: "Louisville",
            state: "KY",
            postal_code: "40202",
        },
    }));
    out.push(fhir::location(&fhir::LocationData {
        id: site,
        name: "Riverside",
        phone: "(502) 555-0100",
        address: "1 Main St, Louisville, KY 40202",
    }));
    let sites = vec![site.to_string()];
    out.push(fhir::practitioner_role(&fhir::PractitionerRoleData {
        id: &staff[0],
        active: true,
        role: Some("Counselor"),
        taxonomy: Some("101YA0400X"),
        sites: &sites,
    }));
    out.push(fhir::related_person(&fhir::RelatedPersonData {
        id: "01a24290-9d84-70ed-99a8-c10c5b976bfd",
        patient_id: with_address.id,
        name: "Pat Quinn",
        relationship: "mother",
        phone: Some("(502) 555-0102"),
        email: Some("pat@example.org"),
    }));
    let plan_id = "01a24290-9d84-70ed-99a8-c10c5b976bfa";
    let goal = fhir::goal_id(plan_id, 1);
    let plan = fhir::CarePlanData {
        id: plan_id,
        patient_id: with_address.id,
        kind: fhir::PlanKind::Treatment,
        version: 2,
        status: fhir::PlanStatus::Active,
        created: jiff::Timestamp::from_second(1_796_000_000).unwrap_or_default(),
        written_on: date(2026, 11, 30),
        replaces: Some("01a24290-9d84-70ed-99a8-c10c5b976bfb"),
        goals: vec![fhir::GoalData {
            id: goal.clone(),
            description: "Stay sober at work events".into(),
            targets: vec![("Names three refusal lines".into(), date(2026, 12, 20))],
            notes: vec!["Problem: drinking with co-workers".into()],
        }],
        activities: vec![fhir::ActivityData {
            description: "Role-play refusals in group".into(),
            goals: vec![goal],
        }],
        notes: vec!["Due for review on 2026-12-30".into()],
    };
    out.push(fhir::care_plan(&plan));
    out.push(fhir::goal(&plan, &plan.goals[0]));
    out.push(fhir::operation_outcome(
        IssueSeverity::Error,
        IssueType::Value,
        "the birth date is not a date",
        Some("Bundle.entry[0].resource.birthDate"),
    ));
    // The example referral is what a sender posts: it must be valid FHIR itself.
    out.extend(serde_json::from_str::<serde_json::Value>(
        fhir::EXAMPLE_REFERRAL,
    ));
    for r in out {
        println!("{r}");
    }
}
