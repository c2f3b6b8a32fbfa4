use super::*;
use jiff::civil::date;
use proptest::prelude::*;

const H0015_180: PerDiemContract = PerDiemContract {
    code: Code::H0015,
    minimum_minutes: 180,
};

#[test]
fn a_full_signed_day_is_one_unit_of_the_contract_code() {
    assert_eq!(
        per_diem_day(
            SessionKind::Core,
            Some(180),
            Documentation::Complete,
            &H0015_180
        ),
        Decision::Charge {
            code: Code::H0015,
            units: 1
        }
    );
}

#[test]
fn a_short_or_unsigned_day_waits_and_says_why() {
    let d = per_diem_day(
        SessionKind::Core,
        Some(150),
        Documentation::Unsigned,
        &H0015_180,
    );
    let Decision::Pending(holds) = d else {
        panic!("{d:?}")
    };
    let why: Vec<String> = holds.iter().map(|h| h.describe()).collect();
    assert_eq!(
        why,
        [
            "attended 150 of the 180 minutes the contract requires",
            "the group note is not signed yet"
        ]
    );
}

#[test]
fn absence_is_nothing_and_alumni_is_never_a_charge() {
    assert_eq!(
        per_diem_day(SessionKind::Core, None, Documentation::Complete, &H0015_180),
        Decision::Nothing
    );
    assert_eq!(
        per_diem_day(
            SessionKind::Alumni,
            Some(180),
            Documentation::Complete,
            &H0015_180
        ),
        Decision::NotBillable(NotBillable::Alumni)
    );
    assert_eq!(
        per_service(Service::Alumni, true, Documentation::Complete),
        Decision::NotBillable(NotBillable::Alumni)
    );
    assert_eq!(
        per_service(Service::CoreGroup, false, Documentation::Complete),
        Decision::Nothing
    );
}

#[test]
fn sessions_map_to_their_codes() {
    let code = |s| match per_service(s, true, Documentation::Complete) {
        Decision::Charge { code, units: 1 } => Some(code),
        _ => None,
    };
    assert_eq!(code(Service::CoreGroup), Some(Code::Cpt90853));
    assert_eq!(
        code(Service::Conjoint {
            patient_present: true,
            face_to_face_minutes: 50
        }),
        Some(Code::Cpt90847)
    );
    assert_eq!(
        code(Service::Conjoint {
            patient_present: false,
            face_to_face_minutes: 50
        }),
        Some(Code::Cpt90846)
    );
}

#[test]
fn a_multi_family_group_is_90849_per_family_present_and_never_90847() {
    let with = |n| {
        per_service(
            Service::MultiFamilyGroup {
                relatives_present: n,
            },
            true,
            Documentation::Complete,
        )
    };
    assert_eq!(
        with(2),
        Decision::Charge {
            code: Code::Cpt90849,
            units: 1
        }
    );
    assert_eq!(
        with(1),
        Decision::Charge {
            code: Code::Cpt90849,
            units: 1
        }
    );
    assert_eq!(
        with(0),
        Decision::NotBillable(NotBillable::NoRelativePresent)
    );
    let short = per_service(
        Service::Conjoint {
            patient_present: true,
            face_to_face_minutes: 25,
        },
        true,
        Documentation::Complete,
    );
    assert_eq!(
        short,
        Decision::NotBillable(NotBillable::FamilyTooShort { minutes: 25 })
    );
}

#[test]
fn a_note_awaiting_co_signature_holds_the_charge_and_says_so() {
    let d = per_service(Service::CoreGroup, true, Documentation::AwaitingCosign);
    let Decision::Pending(holds) = d else {
        panic!("{d:?}")
    };
    assert_eq!(
        holds[0].describe(),
        "the group note awaits the clinical director's co-signature"
    );
    let day = per_diem_day(
        SessionKind::Family,
        Some(180),
        Documentation::AwaitingCosign,
        &H0015_180,
    );
    assert_eq!(
        day,
        Decision::Pending(vec![Hold::AwaitingCosign(NoteOf::Group)])
    );
    assert_eq!(
        Documentation::of(true, true, false),
        Documentation::AwaitingCosign
    );
    assert_eq!(Documentation::of(true, true, true), Documentation::Complete);
    assert_eq!(
        Documentation::of(true, false, false),
        Documentation::Complete
    );
    assert_eq!(
        Documentation::of(false, false, false),
        Documentation::Unsigned
    );
    // A day is as documented as its least documented session.
    assert_eq!(
        Documentation::Complete
            .min(Documentation::AwaitingCosign)
            .min(Documentation::Unsigned),
        Documentation::Unsigned
    );
}

#[test]
fn breaks_do_not_count_toward_the_per_diem_minimum() {
    assert_eq!(minutes_in_session(180, 15), 165);
    assert_eq!(minutes_in_session(10, 15), 0);
    let d = per_diem_day(
        SessionKind::Core,
        Some(minutes_in_session(180, 15)),
        Documentation::Complete,
        &H0015_180,
    );
    assert_eq!(
        d,
        Decision::Pending(vec![Hold::ShortOfMinimum {
            attended: 165,
            required: 180
        }])
    );
}

#[test]
fn individual_psychotherapy_is_coded_by_face_to_face_minutes() {
    let cases = [
        (15, None),
        (16, Some(Code::Cpt90832)),
        (37, Some(Code::Cpt90832)),
        (38, Some(Code::Cpt90834)),
        (52, Some(Code::Cpt90834)),
        (53, Some(Code::Cpt90837)),
        (90, Some(Code::Cpt90837)),
    ];
    for (minutes, code) in cases {
        assert_eq!(individual_code(minutes), code, "{minutes}");
    }
    let short = per_service(
        Service::Individual {
            face_to_face_minutes: 12,
        },
        true,
        Documentation::Unsigned,
    );
    assert_eq!(
        short,
        Decision::NotBillable(NotBillable::TooShort { minutes: 12 })
    );
    let unsigned = per_service(
        Service::Individual {
            face_to_face_minutes: 45,
        },
        true,
        Documentation::Unsigned,
    );
    assert_eq!(
        unsigned,
        Decision::Pending(vec![Hold::Unsigned(NoteOf::Session)])
    );
}

#[test]
fn claims_age_into_thirty_day_buckets() {
    let cases = [
        (-3, "0-30"),
        (0, "0-30"),
        (30, "0-30"),
        (31, "31-60"),
        (60, "31-60"),
        (61, "61-90"),
        (90, "61-90"),
        (91, "90+"),
    ];
    for (days, bucket) in cases {
        assert_eq!(AgingBucket::for_age(days).as_str(), bucket, "{days}");
    }
    assert_eq!(
        AgingBucket::between(date(2026, 1, 1), date(2026, 3, 2)),
        AgingBucket::From31To60
    );
}

proptest! {
    #[test]
    fn a_per_diem_day_charges_exactly_when_minutes_and_signature_are_there(
        minutes in prop::option::of(0u32..600),
        doc in prop::sample::select(vec![Documentation::Unsigned, Documentation::AwaitingCosign, Documentation::Complete]),
        minimum in 60u32..400,
        kind in prop::sample::select(vec![SessionKind::Core, SessionKind::Family, SessionKind::Alumni]),
    ) {
        let contract = PerDiemContract { code: Code::S9480, minimum_minutes: minimum };
        let d = per_diem_day(kind, minutes, doc, &contract);
        let billable = kind != SessionKind::Alumni && minutes.is_some_and(|m| m >= minimum) && doc == Documentation::Complete;
        prop_assert_eq!(
            matches!(d, Decision::Charge { code: Code::S9480, units: 1 }),
            billable
        );
        if let Decision::Pending(holds) = &d {
            prop_assert!(!holds.is_empty());
            prop_assert!(holds.iter().all(|h| !h.describe().is_empty()));
        }
    }

    #[test]
    fn longer_sessions_never_get_a_shorter_code(a in 0u32..200, b in 0u32..200) {
        let (short, long) = (a.min(b), a.max(b));
        let rank = |m| individual_code(m).map(|c| c.as_str().to_string());
        prop_assert!(rank(short) <= rank(long));
    }

    #[test]
    fn older_claims_never_land_in_a_younger_bucket(a in -1000i64..1000, b in -1000i64..1000) {
        prop_assert!(AgingBucket::for_age(a.min(b)) <= AgingBucket::for_age(a.max(b)));
    }
}

#[test]
fn a_claim_paid_entirely_to_the_deductible_is_the_patients_not_partial() {
    let c = crate::Cents;
    let base = Adjudication {
        denied: false,
        reversal: false,
        total: c(45_000),
        paid: c(0),
        patient_share: c(45_000),
        adjusted: c(45_000),
        paid_now: c(0),
    };
    assert_eq!(standing_after(base), ClaimStatus::PatientResponsibility);
    let paid = Adjudication {
        paid: c(36_000),
        paid_now: c(36_000),
        patient_share: c(4_500),
        adjusted: c(9_000),
        ..base
    };
    assert_eq!(standing_after(paid), ClaimStatus::Paid);
    let short = Adjudication {
        paid: c(10_000),
        paid_now: c(10_000),
        patient_share: c(0),
        adjusted: c(0),
        ..base
    };
    assert_eq!(standing_after(short), ClaimStatus::Partial);
    let all_contractual = Adjudication {
        patient_share: c(0),
        ..base
    };
    assert_eq!(standing_after(all_contractual), ClaimStatus::Denied);
    assert_eq!(
        standing_after(Adjudication {
            denied: true,
            ..paid
        }),
        ClaimStatus::Denied
    );
    assert_eq!(
        standing_after(Adjudication {
            reversal: true,
            ..paid
        }),
        ClaimStatus::Submitted
    );
}
