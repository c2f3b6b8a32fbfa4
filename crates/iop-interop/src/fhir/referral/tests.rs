use super::*;
use jiff::civil::date;
use proptest::prelude::*;

fn example() -> Value {
    serde_json::from_str(EXAMPLE_REFERRAL).unwrap_or_default()
}

#[test]
fn the_example_referral_reads_into_person_relative_coverage_and_diagnosis() {
    let r = parse_referral(&example(), date(2026, 12, 4)).expect("valid");
    assert_eq!(r.person.given, "Jordan");
    assert_eq!(r.person.family.as_deref(), Some("Rivera"));
    assert_eq!(r.person.birth_date, Some(date(1991, 4, 12)));
    assert_eq!(r.person.phone, "(502) 555-0142");
    assert_eq!(r.relatives.len(), 1);
    assert_eq!(r.relatives[0].relationship.as_deref(), Some("sister"));
    let c = r.coverage.expect("coverage");
    assert_eq!(
        (c.payer_id.as_deref(), c.member_id.as_str()),
        (Some("87726"), "XJH123456789")
    );
    assert_eq!(
        r.diagnoses.iter().map(|d| d.as_str()).collect::<Vec<_>>(),
        vec!["F10.20"]
    );
    assert_eq!(
        r.source.as_deref(),
        Some("https://residential.example.org/fhir")
    );
}

#[test]
fn one_invalid_resource_is_named_by_its_location_and_nothing_is_read() {
    let mut b = example();
    b["entry"][3]["resource"]["code"]["coding"][0]["code"] = "ZZZ.99".into();
    b["entry"][0]["resource"]["birthDate"] = "2030-01-01".into();
    let issues = parse_referral(&b, date(2026, 12, 4)).expect_err("invalid");
    let at: Vec<_> = issues.iter().filter_map(|i| i.expression.clone()).collect();
    assert_eq!(
        at,
        vec![
            "Bundle.entry[0].resource.birthDate".to_string(),
            "Bundle.entry[3].resource.code.coding[0].code".to_string()
        ]
    );
    assert!(issues.iter().all(|i| !i.diagnostics.is_empty()));
    assert_eq!(issues[1].code, IssueType::CodeInvalid);
}

#[test]
fn a_referral_needs_a_transaction_one_patient_a_phone_and_known_resources() {
    let today = date(2026, 12, 4);
    let issue_at = |b: &Value| -> Vec<String> {
        parse_referral(b, today)
            .expect_err("invalid")
            .iter()
            .filter_map(|i| i.expression.clone())
            .collect()
    };
    let mut b = example();
    b["type"] = "collection".into();
    assert_eq!(issue_at(&b), vec!["Bundle.type"]);
    let mut b = example();
    b["entry"][0]["resource"]["telecom"] =
        serde_json::json!([{ "system": "email", "value": "a@b.c" }]);
    assert_eq!(issue_at(&b), vec!["Bundle.entry[0].resource.telecom"]);
    let mut b = example();
    b["entry"][1]["resource"]["resourceType"] = "Observation".into();
    assert_eq!(issue_at(&b), vec!["Bundle.entry[1].resource.resourceType"]);
    let mut b = example();
    b["entry"][0]["resource"]["resourceType"] = "RelatedPerson".into();
    assert!(issue_at(&b).contains(&"Bundle.entry".to_string()));
    let mut b = example();
    b["entry"][2]["request"]["method"] = "DELETE".into();
    assert_eq!(issue_at(&b), vec!["Bundle.entry[2].request.method"]);
    assert_eq!(
        issue_at(&serde_json::json!({ "resourceType": "Patient" })),
        vec!["Bundle"]
    );
    assert_eq!(
        issue_at(&serde_json::json!({ "resourceType": "Bundle", "type": "transaction" })),
        vec!["Bundle.entry"]
    );
}

/// Any JSON value, a few levels deep, with the keys a referral uses among others.
fn any_json() -> impl Strategy<Value = Value> {
    let key = prop_oneof![
        Just("resourceType".to_string()),
        Just("entry".to_string()),
        Just("resource".to_string()),
        Just("name".to_string()),
        Just("telecom".to_string()),
        Just("code".to_string()),
        Just("coding".to_string()),
        "[a-z]{1,8}",
    ];
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        prop_oneof![
            Just("Bundle".to_string()),
            Just("Patient".to_string()),
            Just("phone".to_string()),
            Just(super::super::ICD10CM.to_string()),
            ".{0,12}",
        ]
        .prop_map(Value::from),
    ];
    leaf.prop_recursive(4, 48, 6, move |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::from),
            prop::collection::btree_map(key.clone(), inner, 0..6)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

proptest! {
    #[test]
    fn no_json_makes_the_reader_panic(v in any_json()) {
        let _ = parse_referral(&v, date(2026, 12, 4));
    }

    #[test]
    fn no_change_to_one_element_of_a_valid_referral_makes_it_panic(
        entry in 0usize..4, key in "[a-zA-Z]{1,12}", value in any_json()
    ) {
        let mut b = example();
        b["entry"][entry]["resource"][key.as_str()] = value;
        let _ = parse_referral(&b, date(2026, 12, 4));
    }
}
