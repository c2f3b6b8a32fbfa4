//! The 837P writer against the fixture, its refusals, and its layout of loops.

mod common;

use common::*;
use iop_domain::Cents;
use iop_interop::x12::*;
use jiff::civil::date;
use proptest::prelude::*;

fn ids(x12: &str) -> Vec<String> {
    segments(x12)
        .iter()
        .map(|s| s.split('*').next().unwrap_or("").to_string())
        .collect()
}

#[test]
fn the_fixture_claim_is_reproduced_segment_for_segment() {
    // The fixture predates line item control numbers.
    let mut b = fixture_batch();
    for l in &mut b.claims[0].lines {
        l.line_control = None;
    }
    let written = write_837p(&b).unwrap();
    // BHT03 is the writer's own reference (the control number); the fixture has BATCH0001.
    let mask = |s: &String| {
        if s.starts_with("BHT*") {
            s.replace("BATCH0001", "0001")
        } else {
            s.clone()
        }
    };
    let expected: Vec<String> = segments(FIXTURE_837).iter().map(mask).collect();
    assert_eq!(segments(&written), expected);
}

#[test]
fn the_output_has_one_segment_per_line_and_rereads_with_right_counts() {
    let written = write_837p(&fixture_batch()).unwrap();
    assert!(written.lines().all(|l| l.ends_with('~')));
    let tokens = tokenize(&written).unwrap();
    let sets = transactions(&tokens).unwrap();
    assert_eq!(sets.len(), 1);
    assert_eq!(sets[0].set_id, "837");
}

#[test]
fn a_patient_who_is_not_the_subscriber_gets_a_2000c_loop() {
    let mut b = fixture_batch();
    b.claims[0].patient = Some(Patient {
        relationship: Relationship::Child,
        last: "DOE".into(),
        first: "JIMMY".into(),
        address: address("1 ELM ST", "62702"),
        dob: date(2008, 5, 4),
        sex: Sex::Male,
    });
    let written = write_837p(&b).unwrap();
    let segs = segments(&written);
    assert!(segs.contains(&"HL*2*1*22*1".to_string()), "{written}");
    assert!(
        segs.contains(&"SBR*P**GRP12345******CI".to_string()),
        "{written}"
    );
    assert!(segs.contains(&"HL*3*2*23*0".to_string()), "{written}");
    let at = |p: &str| segs.iter().position(|s| s.starts_with(p)).unwrap();
    assert!(at("PAT*19") < at("NM1*QC*1*DOE*JIMMY") && at("NM1*QC") < at("CLM*"));
    assert!(
        at("NM1*PR") < at("HL*3"),
        "the payer belongs to the subscriber's loop"
    );
}

#[test]
fn claims_are_grouped_under_one_subscriber_loop_per_subscriber_and_payer() {
    let mut b = fixture_batch();
    let mut second = fixture_claim();
    second.claim_id = "PCN0002".into();
    let mut other_payer = fixture_claim();
    other_payer.claim_id = "PCN0003".into();
    other_payer.payer.payer_id = "PAYER02".into();
    b.claims.extend([second, other_payer]);
    let written = write_837p(&b).unwrap();
    let hls: Vec<String> = segments(&written)
        .into_iter()
        .filter(|s| s.starts_with("HL*"))
        .collect();
    assert_eq!(hls, ["HL*1**20*1", "HL*2*1*22*0", "HL*3*1*22*0"]);
    let order: Vec<String> = ids(&written)
        .into_iter()
        .filter(|i| i == "HL" || i == "CLM")
        .collect();
    assert_eq!(order, ["HL", "HL", "CLM", "CLM", "HL", "CLM"]);
}

#[test]
fn a_replacement_names_the_payers_claim_and_the_total_is_the_sum_of_lines() {
    let mut b = fixture_batch();
    b.claims[0].frequency = Frequency::Replacement {
        payer_claim_number: "PAYERCLM001".into(),
    };
    b.claims[0].lines[1].charge = Cents(12_345);
    b.claims[0].lines[2].modifiers = vec!["95".into(), "hf".into()];
    b.claims[0].lines[2].place_of_service = Some("10".into());
    b.claims[0].rendering_provider = Some(RenderingProvider {
        last: "SMITH".into(),
        first: "ANA".into(),
        npi: "1234567893".into(),
        taxonomy: Some("101YA0400X".into()),
    });
    b.claims[0].lines[1].prior_authorization = Some("AUTH456".into());
    let segs = segments(&write_837p(&b).unwrap());
    for expected in [
        "CLM*PCN0001*623.45***57:B:7*Y*A*Y*Y",
        "REF*G1*AUTH123",
        "REF*F8*PAYERCLM001",
        "SV1*HC:H0015:95:HF*250*UN*1*10**1",
        "SV1*HC:H0015*123.45*UN*1***1",
        "NM1*82*1*SMITH*ANA****XX*1234567893",
        "PRV*PE*PXC*101YA0400X",
        "REF*G1*AUTH456",
        "REF*6R*H001520250107",
        "SBR*P*18*GRP12345******CI",
    ] {
        assert!(
            segs.contains(&expected.to_string()),
            "{expected} in {segs:?}"
        );
    }
}

#[test]
fn separators_are_stripped_from_names_and_refused_in_identifiers() {
    let mut b = fixture_batch();
    b.claims[0].subscriber.last = "O*BRIEN~".into();
    b.claims[0].subscriber.address.line = "1 ELM ST: APT^2".into();
    let segs = segments(&write_837p(&b).unwrap());
    assert!(segs.contains(&"NM1*IL*1*O BRIEN*JANE****MI*MEMBER001".to_string()));
    assert!(segs.contains(&"N3*1 ELM ST APT 2".to_string()));
    b.claims[0].subscriber.member_id = "MEM*001".into();
    let e = write_837p(&b).unwrap_err();
    assert_eq!(e.problem, Problem::SeparatorInId);
    assert_eq!(e.at, "claims[0] (PCN0001).subscriber.member_id");
}

fn changed(change: impl FnOnce(&mut Batch)) -> Batch {
    let mut b = fixture_batch();
    change(&mut b);
    b
}

#[test]
fn invalid_claims_are_refused_with_the_field_and_a_reason() {
    let e = write_837p(&changed(|b| b.claims[0].lines.clear())).unwrap_err();
    assert_eq!(
        (e.at.as_str(), &e.problem),
        ("claims[0] (PCN0001).lines", &Problem::NoLines)
    );
    let e = write_837p(&changed(|b| {
        let l = b.claims[0].lines[0].clone();
        b.claims[0].lines = vec![l; 51];
    }))
    .unwrap_err();
    assert_eq!(e.problem, Problem::TooManyLines(51));
    let e = write_837p(&changed(|b| {
        b.claims[0].diagnoses = vec!["F10.20".into(); 13]
    }))
    .unwrap_err();
    assert_eq!(e.problem, Problem::TooManyDiagnoses(13));
    let e = write_837p(&changed(|b| {
        b.claims[0].lines[1].diagnosis_pointers = vec![3]
    }))
    .unwrap_err();
    assert_eq!(e.at, "claims[0] (PCN0001).lines[1].diagnosis_pointers");
    assert_eq!(
        e.problem,
        Problem::PointerOutOfRange {
            pointer: 3,
            diagnoses: 2
        }
    );
    let e = write_837p(&changed(|b| b.claims[0].lines[2].charge = Cents(-1))).unwrap_err();
    assert_eq!(e.problem, Problem::NegativeCharge);
    let e = write_837p(&changed(|b| b.billing_provider.name = " ~ ".into())).unwrap_err();
    assert_eq!(
        (e.at.as_str(), &e.problem),
        ("batch.billing_provider.name", &Problem::Empty)
    );
    let e = write_837p(&changed(|b| b.billing_provider.npi = "1234567890".into())).unwrap_err();
    assert!(matches!(e.problem, Problem::BadNpi(_)), "{e}");
    assert!(e.to_string().contains("check digit"), "{e}");
    let e = write_837p(&changed(|b| b.claims[0].claim_id = "X".repeat(21))).unwrap_err();
    assert_eq!(e.problem, Problem::TooLong { max: 20 });
    let e = write_837p(&changed(|b| b.claims.clear())).unwrap_err();
    assert_eq!(e.problem, Problem::NoClaims);
    let e = write_837p(&changed(|b| b.claims[0].diagnoses.clear())).unwrap_err();
    assert_eq!(e.problem, Problem::NoDiagnoses);
    let e = write_837p(&changed(|b| {
        b.claims[0].lines[0].diagnosis_pointers = vec![1, 2, 1, 2, 1]
    }))
    .unwrap_err();
    assert_eq!(e.problem, Problem::PointerCount(5));
    let e = write_837p(&changed(|b| {
        b.billing_provider.address.zip = "62701".into()
    }))
    .unwrap_err();
    assert_eq!(e.at, "batch.billing_provider.address.zip");
    let e = write_837p(&changed(|b| {
        b.claims[0].lines[0].procedure_code = "H15".into()
    }))
    .unwrap_err();
    assert!(e.to_string().contains("H0015"), "{e}");
}

fn name() -> impl Strategy<Value = String> {
    // Mostly letters, sometimes a separator the writer must strip.
    "[A-Z][A-Za-z~*:^' -]{0,20}"
}

fn claim_strategy() -> impl Strategy<Value = Claim> {
    let lines = prop::collection::vec(
        (
            prop::sample::select(vec!["H0015", "90853", "90847", "90834"]),
            0i64..5_000_000,
            1u32..5,
            0u16..400,
            prop::collection::vec(1u8..=12, 1..=4),
            prop::option::of(prop::sample::select(vec!["02", "10", "11", "57"])),
        ),
        1..=50,
    );
    (
        "[A-Z0-9]{1,20}",
        prop::collection::vec("[A-Z][0-9]{2}[0-9A-Z]{0,4}", 1..=12),
        name(),
        name(),
        prop::option::of(name()),
        lines,
    )
        .prop_map(|(id, diagnoses, last, first, dependant, lines)| {
            let n = diagnoses.len() as u8;
            let mut c = fixture_claim();
            c.claim_id = id;
            c.diagnoses = diagnoses;
            c.subscriber.last = format!("X{last}");
            c.subscriber.first = first;
            c.patient = dependant.map(|last| Patient {
                relationship: Relationship::Spouse,
                last: format!("Y{last}"),
                first: String::new(),
                address: address("2 OAK ST", "62702"),
                dob: date(1990, 2, 3),
                sex: Sex::Unknown,
            });
            c.lines = lines
                .into_iter()
                .map(|(code, charge, units, day, pointers, pos)| {
                    let mut p: Vec<u8> = pointers.into_iter().map(|p| (p - 1) % n + 1).collect();
                    p.sort_unstable();
                    p.dedup();
                    Line {
                        procedure_code: code.into(),
                        modifiers: vec![],
                        charge: Cents(charge),
                        units,
                        date: date(2025, 1, 1) + jiff::Span::new().days(i64::from(day)),
                        diagnosis_pointers: p,
                        place_of_service: pos.map(String::from),
                        prior_authorization: (day % 3 == 0).then(|| format!("AUTH{day}")),
                        line_control: Some(format!("L{code}X{day}")),
                    }
                })
                .collect();
            c
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn written_batches_reread_with_right_counts_claims_and_totals(claims in prop::collection::vec(claim_strategy(), 1..4)) {
        // Distinct claim ids, so each CLM can be matched to its claim.
        let claims: Vec<Claim> = claims
            .into_iter()
            .enumerate()
            .map(|(i, mut c)| {
                c.claim_id = format!("{i}{}", c.claim_id.get(..19).unwrap_or(&c.claim_id));
                c
            })
            .collect();
        let mut b = fixture_batch();
        b.claims = claims.clone();
        let written = write_837p(&b).unwrap();
        let tokens = tokenize(&written).unwrap();
        let sets = transactions(&tokens).unwrap();
        prop_assert_eq!(sets.len(), 1);
        let clms: Vec<_> = sets[0].segments.iter().filter(|s| s.id() == "CLM").collect();
        prop_assert_eq!(clms.len(), claims.len());
        let lx = sets[0].segments.iter().filter(|s| s.id() == "LX").count();
        prop_assert_eq!(lx, claims.iter().map(|c| c.lines.len()).sum::<usize>());
        for clm in clms {
            let c = claims.iter().find(|c| c.claim_id == clm.element(1)).unwrap();
            let total: i64 = c.lines.iter().map(|l| l.charge.0).sum();
            prop_assert_eq!(amount::parse_amount(clm.element(2)), Ok(Cents(total)));
        }
        for s in &tokens.segments {
            prop_assert!(!s.element(s.len()).is_empty() || s.is_empty(), "trailing separator in {:?}", s);
        }
    }
}
