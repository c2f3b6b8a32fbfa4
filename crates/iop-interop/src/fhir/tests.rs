use super::*;
use iop_domain::admissions::Sex;
use iop_domain::scoring::Instrument;
use jiff::civil::date;

fn demo_patient() -> PatientData<'static> {
    PatientData {
        id: "01a2",
        mrn_system: "urn:example:mrn",
        mrn: "DEMO-0001",
        family: "Quinn",
        given: "Parker",
        preferred: Some("Park"),
        birth_date: date(1990, 5, 6),
        sex: Sex::Unknown,
        phone: Some("(502) 555-0101"),
        email: None,
        line: Some("1 Main St"),
        city: Some("Louisville"),
        state: Some("KY"),
        postal_code: Some("40202"),
    }
}

/// Every coding of `v` whose system is `system`, as codes.
pub(super) fn codes_of(v: &Value, system: &str) -> Vec<String> {
    let mut out = Vec::new();
    match v {
        Value::Object(m) => {
            if m.get("system").and_then(Value::as_str) == Some(system) {
                if let Some(c) = m.get("code").and_then(Value::as_str) {
                    out.push(c.to_string());
                }
            }
            for x in m.values() {
                out.extend(codes_of(x, system));
            }
        }
        Value::Array(a) => a.iter().for_each(|x| out.extend(codes_of(x, system))),
        _ => {}
    }
    out
}

pub(super) fn has_part2_labels(v: &Value) {
    let labels = &v["meta"]["security"];
    assert!(
        codes_of(labels, CONFIDENTIALITY).contains(&"R".to_string()),
        "{v}"
    );
    let act = codes_of(labels, ACT_CODE);
    for code in ["42CFRPart2", "NORDSCLCD"] {
        assert!(act.contains(&code.to_string()), "{code} missing: {v}");
    }
}

#[test]
fn a_patient_carries_the_part2_labels_the_mrn_and_both_names() {
    let p = patient(&demo_patient());
    has_part2_labels(&p);
    assert_eq!(p["resourceType"], "Patient");
    assert_eq!(p["identifier"][0]["value"], "DEMO-0001");
    assert_eq!(p["name"][0]["family"], "Quinn");
    assert_eq!(p["name"][1]["use"], "usual");
    assert_eq!(p["birthDate"], "1990-05-06");
    assert_eq!(p["address"][0]["postalCode"], "40202");
    assert!(p
        .get("telecom")
        .is_some_and(|t| t.as_array().is_some_and(|a| a.len() == 1)));
}

#[test]
fn every_sex_maps_to_an_administrative_gender_code() {
    for sex in [Sex::Male, Sex::Female, Sex::Unknown] {
        let p = patient(&PatientData {
            sex,
            ..demo_patient()
        });
        let g = p["gender"].as_str().unwrap_or_default();
        assert!(codes::ADMINISTRATIVE_GENDER.contains(&g), "{g}");
    }
}

#[test]
fn phq9_and_gad7_totals_are_loinc_coded_surveys_and_a_bam_of_an_older_scale_is_not_reported() {
    for (instrument, loinc) in [(Instrument::Phq9, "44261-6"), (Instrument::Gad7, "70274-6")] {
        let o = measure_observation(&MeasureData {
            id: "m1",
            patient_id: "01a2",
            instrument,
            version: "PHQ-9",
            items: &[],
            total: Some(12),
            taken_on: date(2026, 12, 2),
        });
        let Some(o) = o else {
            panic!("{instrument:?} has a total");
        };
        has_part2_labels(&o);
        assert_eq!(
            codes_of(&o["code"], "http://loinc.org"),
            vec![loinc.to_string()]
        );
        assert!(codes::OBSERVATION_STATUS.contains(&o["status"].as_str().unwrap_or_default()));
        for c in codes_of(
            &o["category"],
            "http://terminology.hl7.org/CodeSystem/observation-category",
        ) {
            assert!(codes::OBSERVATION_CATEGORY.contains(&c.as_str()), "{c}");
        }
        assert_eq!(o["subject"]["reference"], "Patient/01a2");
        assert_eq!(o["valueInteger"], 12);
    }
    let old_bam = MeasureData {
        id: "m2",
        patient_id: "01a2",
        instrument: Instrument::Bam,
        version: "BAM (raw day counts)",
        items: &[0; 17],
        total: None,
        taken_on: date(2026, 12, 2),
    };
    assert!(measure_observation(&old_bam).is_none());
}

#[test]
fn the_security_labels_use_codes_of_their_code_systems() {
    let labels = security_labels();
    for c in codes_of(&labels, CONFIDENTIALITY) {
        assert!(codes::CONFIDENTIALITY.contains(&c.as_str()), "{c}");
    }
    for c in codes_of(&labels, ACT_CODE) {
        assert!(codes::ACT_CODE_LABELS.contains(&c.as_str()), "{c}");
    }
}

#[test]
fn every_outcome_issue_code_and_severity_is_in_its_value_set_and_the_location_travels() {
    for t in IssueType::ALL {
        assert!(codes::ISSUE_TYPE.contains(&t.code()), "{:?}", t);
    }
    for s in [
        IssueSeverity::Fatal,
        IssueSeverity::Error,
        IssueSeverity::Warning,
        IssueSeverity::Information,
    ] {
        assert!(codes::ISSUE_SEVERITY.contains(&s.code()));
    }
    let o = operation_outcome(
        IssueSeverity::Error,
        IssueType::Value,
        "the birth date is not a date",
        Some("Bundle.entry[0].resource.birthDate"),
    );
    assert_eq!(
        o["issue"][0]["expression"][0],
        "Bundle.entry[0].resource.birthDate"
    );
    assert_eq!(o["issue"][0]["code"], "value");
}

#[test]
fn a_searchset_links_its_next_page_and_labels_itself() {
    let o = measure_observation(&MeasureData {
        id: "m1",
        patient_id: "p1",
        instrument: Instrument::Phq9,
        version: "PHQ-9",
        items: &[],
        total: Some(3),
        taken_on: date(2026, 12, 2),
    })
    .into_iter()
    .collect();
    let b = searchset(
        &SearchPage {
            base: "https://x/fhir/r4",
            self_url: "https://x/fhir/r4/Observation?patient=p1&_count=1",
            next_url: Some("https://x/fhir/r4/Observation?patient=p1&_count=1&_offset=1"),
            total: 2,
        },
        o,
        vec![patient(&demo_patient())],
    );
    has_part2_labels(&b);
    assert_eq!(b["type"], "searchset");
    assert_eq!(b["total"], 2);
    assert_eq!(b["link"][1]["relation"], "next");
    assert_eq!(b["entry"][0]["fullUrl"], "https://x/fhir/r4/Observation/m1");
    assert_eq!(b["entry"][0]["search"]["mode"], "match");
    assert_eq!(b["entry"][1]["search"]["mode"], "include");
    assert_eq!(b["entry"][1]["fullUrl"], "https://x/fhir/r4/Patient/01a2");
}

#[test]
fn a_coverage_names_its_payer_and_member_with_status_and_relationship_codes_of_their_sets() {
    use iop_domain::billing::{CoveragePriority, SubscriberRelationship};
    let data = |relationship, effective_to, voided| CoverageData {
        id: "c1",
        patient_id: "p1",
        payer_name: "Acme Health",
        payer_id: "ACME1",
        member_id: "M123",
        group_number: Some("G9"),
        priority: CoveragePriority::Primary,
        relationship,
        effective_from: date(2026, 1, 1),
        effective_to,
        voided,
    };
    let today = date(2026, 12, 2);
    let c = coverage(
        &data(SubscriberRelationship::Subscriber, None, false),
        today,
    );
    has_part2_labels(&c);
    assert_eq!(
        (c["status"].as_str(), c["subscriberId"].as_str()),
        (Some("active"), Some("M123"))
    );
    assert_eq!(c["beneficiary"]["reference"], "Patient/p1");
    assert_eq!(c["payor"][0]["identifier"]["value"], "ACME1");
    assert_eq!(c["class"][0]["value"], "G9");
    let ended = coverage(
        &data(
            SubscriberRelationship::Spouse,
            Some(date(2026, 6, 30)),
            false,
        ),
        today,
    );
    assert_eq!(ended["status"], "cancelled");
    let voided = coverage(&data(SubscriberRelationship::Child, None, true), today);
    assert_eq!(voided["status"], "entered-in-error");
    for r in [
        SubscriberRelationship::Subscriber,
        SubscriberRelationship::Spouse,
        SubscriberRelationship::Child,
        SubscriberRelationship::LifePartner,
        SubscriberRelationship::Employee,
        SubscriberRelationship::Other,
    ] {
        let c = coverage(&data(r, None, false), today);
        for code in codes_of(
            &c["relationship"],
            "http://terminology.hl7.org/CodeSystem/subscriber-relationship",
        ) {
            assert!(
                codes::SUBSCRIBER_RELATIONSHIP.contains(&code.as_str()),
                "{code}"
            );
        }
        assert!(codes::COVERAGE_STATUS.contains(&c["status"].as_str().unwrap_or_default()));
    }
}

#[test]
fn a_search_that_matched_nothing_has_no_entry_array() {
    let b = searchset(
        &SearchPage {
            base: "https://x/fhir/r4",
            self_url: "https://x/fhir/r4/Coverage?patient=p1",
            next_url: None,
            total: 0,
        },
        Vec::new(),
        Vec::new(),
    );
    assert!(b.get("entry").is_none(), "{b}");
    assert_eq!(b["total"], 0);
}

fn demo_diagnoses() -> Vec<iop_domain::icd10::Icd10> {
    ["F10.20", "F41.1"]
        .iter()
        .filter_map(|c| iop_domain::icd10::Icd10::parse(c).ok())
        .collect()
}

fn demo_episode(dx: &[iop_domain::icd10::Icd10]) -> EpisodeData<'_> {
    EpisodeData {
        id: "01a24290-9d84-70ed-99a8-c10c5b976bee",
        patient_id: "p1",
        status: iop_domain::roster::EpisodeStatus::Discharged,
        admitted: date(2026, 10, 5),
        ended: Some(date(2026, 11, 20)),
        end_reason: Some((
            "transfer_higher_loc",
            "Transferred to a higher level of care",
        )),
        diagnoses: dx,
        care_manager: Some("s1"),
        site: Some("site1"),
    }
}

#[test]
fn an_episode_lists_its_diagnoses_as_ranked_conditions_with_codes_of_their_sets() {
    use iop_domain::roster::EpisodeStatus;
    let dx = demo_diagnoses();
    assert_eq!(dx.len(), 2);
    for status in [
        EpisodeStatus::Active,
        EpisodeStatus::Graduated,
        EpisodeStatus::Discharged,
    ] {
        let e = episode_of_care(&EpisodeData {
            status,
            ..demo_episode(&dx)
        });
        has_part2_labels(&e);
        let s = e["status"].as_str().unwrap_or_default();
        assert!(codes::EPISODE_STATUS.contains(&s), "{s}");
        for c in codes_of(
            &e,
            "http://terminology.hl7.org/CodeSystem/episodeofcare-type",
        ) {
            assert!(codes::EPISODE_TYPE.contains(&c.as_str()));
        }
        for c in codes_of(&e, "http://terminology.hl7.org/CodeSystem/diagnosis-role") {
            assert!(codes::DIAGNOSIS_ROLE.contains(&c.as_str()));
        }
        assert_eq!(e["diagnosis"][1]["rank"], 2);
        let id = e["diagnosis"][0]["condition"]["reference"]
            .as_str()
            .unwrap_or_default()
            .trim_start_matches("Condition/")
            .to_string();
        assert_eq!(
            split_condition_id(&id),
            Some(("01a24290-9d84-70ed-99a8-c10c5b976bee", "F10.20"))
        );
        let c = condition(&demo_episode(&dx), &dx[0]);
        has_part2_labels(&c);
        assert_eq!(c["id"], id);
        assert_eq!(codes_of(&c, ICD10CM), vec!["F10.20".to_string()]);
        for (system, set) in [
            ("condition-clinical", codes::CONDITION_CLINICAL),
            ("condition-ver-status", codes::CONDITION_VERIFICATION),
            ("condition-category", codes::CONDITION_CATEGORY),
        ] {
            let url = format!("http://terminology.hl7.org/CodeSystem/{system}");
            for code in codes_of(&c, &url) {
                assert!(set.contains(&code.as_str()), "{system} {code}");
            }
        }
    }
    let ended = episode_of_care(&demo_episode(&dx));
    assert_eq!(ended["period"]["end"], "2026-11-20");
    assert_eq!(
        ended["extension"][0]["valueCodeableConcept"]["text"],
        "Transferred to a higher level of care"
    );
    // A condition of an episode that ended claims no clinical status.
    assert!(condition(&demo_episode(&dx), &dx[0])
        .get("clinicalStatus")
        .is_none());
    assert_eq!(split_condition_id("short-F10.20"), None);
}

#[test]
fn an_encounter_has_class_period_minutes_and_performers_with_codes_of_their_sets() {
    let staff = vec!["s1".to_string(), "s2".to_string()];
    for telehealth in [false, true] {
        let e = encounter(&EncounterData {
            id: "a1",
            patient_id: "p1",
            kind: EncounterKind::Group,
            telehealth,
            start: "2026-12-01T23:00:00Z".parse().unwrap_or_default(),
            end: "2026-12-02T02:00:00Z".parse().unwrap_or_default(),
            minutes: 165,
            performers: &staff,
            episode_id: Some("e1"),
        });
        has_part2_labels(&e);
        assert!(codes::ENCOUNTER_STATUS.contains(&e["status"].as_str().unwrap_or_default()));
        assert!(codes::ENCOUNTER_CLASS.contains(&e["class"]["code"].as_str().unwrap_or_default()));
        for c in codes_of(
            &e,
            "http://terminology.hl7.org/CodeSystem/v3-ParticipationType",
        ) {
            assert!(codes::PARTICIPATION_TYPE.contains(&c.as_str()), "{c}");
        }
        assert_eq!(e["length"]["value"], 165);
        assert_eq!(
            e["participant"][1]["individual"]["reference"],
            "Practitioner/s2"
        );
        assert_eq!(e["period"]["start"], "2026-12-01T23:00:00Z");
    }
}

#[test]
fn a_practitioner_has_the_npi_and_no_empty_elements() {
    let p = practitioner(&PractitionerData {
        id: "s1",
        name: "Casey Counselor",
        credentials: "",
        npi: Some("1234567893"),
        active: true,
    });
    has_part2_labels(&p);
    assert_eq!(
        codes_of(&p, NPI_SYSTEM).len(),
        0,
        "an identifier has a value, not a code"
    );
    assert_eq!(p["identifier"][0]["value"], "1234567893");
    assert!(p.get("qualification").is_none());
}

#[test]
fn a_consent_permits_its_recipients_kinds_and_purpose_and_denies_each_revocation() {
    let recipients = [
        ConsentActor {
            name: "Example Health Plan",
            revoked_at: None,
        },
        ConsentActor {
            name: "Sam Rivera",
            revoked_at: "2026-11-20T15:00:00Z".parse().ok(),
        },
    ];
    let k = consent(&ConsentData {
        id: "k1",
        patient_id: "p1",
        active: true,
        signed_at: "2026-10-05T14:00:00Z".parse().unwrap_or_default(),
        discloser: "Riverside IOP",
        information: &[iop_domain::consent::InfoKind::Billing],
        tpo: true,
        expires_on: Some(date(2027, 10, 5)),
        recipients: &recipients,
        representative: None,
    });
    has_part2_labels(&k);
    assert!(codes::CONSENT_STATUS.contains(&k["status"].as_str().unwrap_or_default()));
    for c in codes_of(&k, "http://terminology.hl7.org/CodeSystem/consentscope") {
        assert!(codes::CONSENT_SCOPE.contains(&c.as_str()));
    }
    for c in codes_of(&k, "http://terminology.hl7.org/CodeSystem/v3-ActReason") {
        assert!(codes::PURPOSE_OF_USE.contains(&c.as_str()));
    }
    let p = &k["provision"];
    assert!(codes::CONSENT_PROVISION_TYPE.contains(&p["type"].as_str().unwrap_or_default()));
    assert_eq!(p["actor"].as_array().map(Vec::len), Some(2));
    assert_eq!(p["code"][0]["coding"][0]["code"], "billing");
    assert_eq!(p["period"]["end"], "2027-10-05");
    assert_eq!(p["provision"][0]["type"], "deny");
    assert_eq!(
        p["provision"][0]["actor"][0]["reference"]["display"],
        "Sam Rivera"
    );
    assert_eq!(p["provision"][0]["period"]["start"], "2026-11-20T15:00:00Z");
    assert!(
        k.get("policy").is_some(),
        "ppc-1: a policy or a policy rule"
    );
}
