use super::*;
use jiff::civil::date;
use jiff::SignedDuration;
use proptest::prelude::*;

pub(super) fn t(day: i64) -> Timestamp {
    // Day 0 is 2026-11-01 at noon UTC.
    Timestamp::from_second(1_793_534_400).unwrap() + SignedDuration::from_hours(24 * day)
}

pub(super) fn d(day: i64) -> Date {
    date(2026, 11, 1)
        .checked_add(jiff::Span::new().days(day))
        .unwrap()
}

/// A stable id from a short name, so the tests read with names.
pub(super) fn id_of(name: &str) -> uuid::Uuid {
    uuid::Uuid::from_u128(name.bytes().fold(0u128, |a, b| {
        a.wrapping_mul(131).wrapping_add(u128::from(b))
    }))
}

pub(super) fn person(id: &str) -> Recipient {
    Recipient::Person(crate::ids::RelatedPersonId(id_of(id)))
}

pub(super) fn consent(recipients: &[&str], info: &[InfoKind]) -> Consent {
    Consent {
        id: crate::ids::ConsentId(id_of("c1")),
        version: 1,
        patient_id: crate::ids::PatientId(id_of("p")),
        discloser: "Riverside Recovery Center".into(),
        information: info.to_vec(),
        recipients: recipients
            .iter()
            .map(|r| ConsentRecipient {
                recipient: person(r),
                name: format!("name of {r}"),
                revoked_at: None,
            })
            .collect(),
        purpose: "Family involvement in treatment".into(),
        tpo: false,
        expiry: Expiry::On(d(60)),
        signer: Signer::Patient,
        signed_at: t(1),
        superseded_at: None,
    }
}

pub(super) fn ask(recipient: &Recipient, kind: InfoKind, day: i64) -> Request<'_> {
    Request {
        recipient,
        kind,
        at: t(day),
        on: d(day),
        treatment_ended_on: None,
        minor: None,
    }
}

pub(super) const FAMILY: [InfoKind; 2] = [InfoKind::Enrollment, InfoKind::FamilyParticipation];

#[test]
fn a_named_relative_is_allowed_while_the_consent_is_in_force() {
    let c = [consent(&["mom"], &FAMILY)];
    let g = may_disclose(&c, &ask(&person("mom"), InfoKind::FamilyParticipation, 5));
    assert_eq!(
        g,
        Ok(Grant {
            consent_id: crate::ids::ConsentId(id_of("c1")),
            version: 1
        })
    );
    assert_eq!(
        may_disclose(&c, &ask(&person("uncle"), InfoKind::Enrollment, 5)),
        Err(Refusal::NoConsent)
    );
}

#[test]
fn nothing_is_disclosed_before_signing_or_after_expiry() {
    let c = [consent(&["mom"], &FAMILY)];
    let mom = person("mom");
    let mut before = ask(&mom, InfoKind::Enrollment, 0);
    before.at = t(1) - SignedDuration::from_secs(1);
    assert_eq!(may_disclose(&c, &before), Err(Refusal::NotYetSigned));
    assert!(
        may_disclose(&c, &ask(&mom, InfoKind::Enrollment, 60)).is_ok(),
        "the expiry day itself is included"
    );
    assert_eq!(
        may_disclose(&c, &ask(&mom, InfoKind::Enrollment, 61)),
        Err(Refusal::Expired(d(60)))
    );
}

#[test]
fn revoking_one_recipient_leaves_the_others_in_force_and_is_not_retroactive() {
    let mut c = consent(&["mom", "sister"], &FAMILY);
    c.recipients[0].revoked_at = Some(t(10));
    let c = [c];
    let (mom, sister) = (person("mom"), person("sister"));
    assert!(
        may_disclose(&c, &ask(&mom, InfoKind::Enrollment, 9)).is_ok(),
        "before the revocation"
    );
    assert_eq!(
        may_disclose(&c, &ask(&mom, InfoKind::Enrollment, 10)),
        Err(Refusal::Revoked(t(10)))
    );
    assert!(may_disclose(&c, &ask(&sister, InfoKind::Enrollment, 20)).is_ok());
}

#[test]
fn scope_is_what_the_consent_lists_and_counseling_notes_need_their_own_consent() {
    let mom = person("mom");
    let c = [consent(&["mom"], &FAMILY)];
    assert_eq!(
        may_disclose(&c, &ask(&mom, InfoKind::TreatmentProgress, 5)),
        Err(Refusal::NotCovered(InfoKind::TreatmentProgress))
    );
    let mixed = [consent(
        &["mom"],
        &[InfoKind::Enrollment, InfoKind::CounselingNotes],
    )];
    assert_eq!(
        may_disclose(&mixed, &ask(&mom, InfoKind::CounselingNotes, 5)),
        Err(Refusal::NotSeparate)
    );
    let own = [consent(&["mom"], &[InfoKind::CounselingNotes])];
    assert!(may_disclose(&own, &ask(&mom, InfoKind::CounselingNotes, 5)).is_ok());
}

#[test]
fn end_of_treatment_expiry_stops_disclosure_the_day_after_treatment_ends() {
    let mut c = consent(&["mom"], &FAMILY);
    c.expiry = Expiry::EndOfTreatment;
    let c = [c];
    let mom = person("mom");
    let mut r = ask(&mom, InfoKind::Enrollment, 30);
    r.treatment_ended_on = Some(d(30));
    assert!(may_disclose(&c, &r).is_ok());
    let mut r = ask(&mom, InfoKind::Enrollment, 31);
    r.treatment_ended_on = Some(d(30));
    assert_eq!(
        may_disclose(&c, &r),
        Err(Refusal::EndedWithTreatment(d(30)))
    );
}

#[test]
fn a_minor_who_consented_to_treatment_alone_can_consent_to_disclosure() {
    let mut c = consent(&["mom"], &FAMILY);
    c.signer = Signer::Representative {
        name: "Pat Parent".into(),
        authority: "parent".into(),
    };
    let c = [c];
    let mom = person("mom");
    let mut r = ask(&mom, InfoKind::Enrollment, 5);
    assert!(
        may_disclose(&c, &r).is_ok(),
        "a parent's consent works for an adult-consented treatment"
    );
    r.minor = Some(MinorRule::MinorAlone);
    assert_eq!(may_disclose(&c, &r), Err(Refusal::SignedByRepresentative));
}

#[test]
fn a_superseded_version_stops_at_the_new_versions_signature() {
    let mut old = consent(&["mom", "dad"], &FAMILY);
    old.superseded_at = Some(t(20));
    let mut new = consent(&["mom"], &FAMILY);
    new.id = crate::ids::ConsentId(id_of("c2"));
    new.version = 2;
    new.signed_at = t(20);
    let c = [old, new];
    let dad = person("dad");
    assert!(may_disclose(&c, &ask(&dad, InfoKind::Enrollment, 19)).is_ok());
    assert_eq!(
        may_disclose(&c, &ask(&dad, InfoKind::Enrollment, 21)),
        Err(Refusal::Superseded)
    );
    let g = may_disclose(&c, &ask(&person("mom"), InfoKind::Enrollment, 21));
    assert_eq!(g.map(|g| g.version), Ok(2));
}

#[test]
fn validation_asks_for_every_element_a_record_holds() {
    let ok = consent(&["mom"], &FAMILY);
    assert_eq!(validate(&ok, d(1), None), Ok(()));
    let mut c = ok.clone();
    c.discloser = " ".into();
    assert_eq!(validate(&c, d(1), None), Err(Invalid::NoDiscloser));
    let mut c = ok.clone();
    c.information.clear();
    assert_eq!(validate(&c, d(1), None), Err(Invalid::NoInformation));
    let mut c = ok.clone();
    c.recipients.clear();
    assert_eq!(validate(&c, d(1), None), Err(Invalid::NoRecipients));
    let mut c = ok.clone();
    c.purpose.clear();
    assert_eq!(validate(&c, d(1), None), Err(Invalid::NoPurpose));
    let mut c = ok.clone();
    c.information.push(InfoKind::CounselingNotes);
    assert_eq!(
        validate(&c, d(1), None),
        Err(Invalid::CounselingNotesNotSeparate)
    );
    let mut c = ok.clone();
    c.expiry = Expiry::Never;
    assert_eq!(validate(&c, d(1), None), Err(Invalid::NeverOutsideTpo));
    c.tpo = true;
    assert_eq!(validate(&c, d(1), None), Ok(()));
    let mut c = ok.clone();
    c.recipients[0].recipient = Recipient::Class(RecipientClass::TreatingProviders);
    assert_eq!(validate(&c, d(1), None), Err(Invalid::ClassOutsideTpo));
    let mut c = ok.clone();
    c.expiry = Expiry::On(d(0));
    assert_eq!(validate(&c, d(1), None), Err(Invalid::ExpiresBeforeSigned));
    let mut c = ok;
    c.signer = Signer::Representative {
        name: "".into(),
        authority: "guardian".into(),
    };
    assert_eq!(validate(&c, d(1), None), Err(Invalid::NoRepresentativeName));
}

#[test]
fn every_refusal_reads_as_a_sentence_without_patient_details() {
    for r in [
        Refusal::NoConsent,
        Refusal::NotYetSigned,
        Refusal::Superseded,
        Refusal::NotSeparate,
        Refusal::NotCovered(InfoKind::Billing),
        Refusal::SignedByRepresentative,
        Refusal::NeedsMinorAndParent,
        Refusal::Expired(d(3)),
        Refusal::EndedWithTreatment(d(3)),
        Refusal::Revoked(t(3)),
    ] {
        let s = r.to_string();
        assert!(s.len() > 10 && !s.contains("name of"), "{s}");
    }
}

pub(super) fn kind() -> impl Strategy<Value = InfoKind> {
    prop::sample::select(InfoKind::ALL.to_vec())
}

prop_compose! {
    pub(super) fn arb_consent()(
        recipients in prop::collection::btree_set(0u8..8, 1..4),
        revoked in prop::collection::vec(prop::option::of(0i64..80), 4),
        info in prop::collection::btree_set(kind(), 1..4),
        signed in 0i64..40,
        expiry in prop_oneof![ (0i64..90).prop_map(Some), Just(None) ],
        superseded in prop::option::of(0i64..90),
        signer in 0u8..3,
        tpo in any::<bool>(),
    ) -> Consent {
        let mut c = consent(&[], &info.into_iter().collect::<Vec<_>>());
        c.tpo = tpo;
        c.recipients = recipients.into_iter().map(|r| ConsentRecipient {
            recipient: line(r),
            name: format!("r{r}"),
            revoked_at: revoked[usize::from(r) % 4].map(t),
        }).collect();
        c.signed_at = t(signed);
        c.expiry = expiry.map_or(Expiry::EndOfTreatment, |e| Expiry::On(d(e)));
        c.superseded_at = superseded.map(t);
        let (name, authority) = ("Rep".to_string(), "guardian".to_string());
        c.signer = match signer {
            0 => Signer::Patient,
            1 => Signer::Representative { name, authority },
            _ => Signer::PatientAndRepresentative { name, authority },
        };
        c
    }
}

/// Recipient lines 0–3 are relatives, 4 a payer, 5–7 the three classes.
pub(super) fn line(n: u8) -> Recipient {
    match n {
        0..=3 => person(&format!("r{n}")),
        4 => payer("p4"),
        _ => Recipient::Class(class(n)),
    }
}

pub(super) fn class(n: u8) -> RecipientClass {
    [
        RecipientClass::TreatingProviders,
        RecipientClass::Payers,
        RecipientClass::ProgramOperations,
    ][usize::from(n % 3)]
}

/// Who asks, 0–3 relatives, 4–5 payers, 6–8 an outside party of each class.
pub(super) fn receiver(n: u8) -> Recipient {
    match n {
        0..=3 => person(&format!("r{n}")),
        4 | 5 => payer(&format!("p{n}")),
        _ => Recipient::Outside {
            class: class(n),
            name: "Mercy Hospital".into(),
        },
    }
}

proptest! {
    /// Whatever the consents, a grant names a consent that, at that moment, was signed,
    /// not superseded, not expired, names the recipient unrevoked and covers the kind.
    #[test]
    fn every_grant_is_backed_by_a_consent_in_force_at_that_moment(
        consents in prop::collection::vec(arb_consent(), 0..4),
        who in 0u8..9,
        k in kind(),
        day in 0i64..100,
        ended in prop::option::of(0i64..100),
        minor in any::<bool>(),
    ) {
        let consents: Vec<Consent> = consents.into_iter().enumerate().map(|(i, mut c)| { c.id = crate::ids::ConsentId(id_of(&format!("c{i}"))); c }).collect();
        let recipient = receiver(who);
        let mut r = ask(&recipient, k, day);
        r.treatment_ended_on = ended.map(d);
        r.minor = minor.then_some(MinorRule::MinorAlone);
        if let Ok(g) = may_disclose(&consents, &r) {
            let c = consents.iter().find(|c| c.id == g.consent_id).unwrap();
            let named = c.recipients.iter().find(|x| {
                x.recipient == recipient || (c.tpo && Some(&x.recipient) == recipient.class().map(Recipient::Class).as_ref())
            });
            prop_assert!(named.is_some(), "granted to a recipient no line names");
            let named = c.recipients.iter().filter(|x| named.is_some_and(|n| n.recipient == x.recipient) || x.recipient == recipient).find(|x| x.revoked_at.is_none_or(|v| v > r.at)).unwrap();
            prop_assert!(c.signed_at <= r.at);
            prop_assert!(c.superseded_at.is_none_or(|s| s > r.at));
            prop_assert!(named.revoked_at.is_none_or(|v| v > r.at));
            prop_assert!(c.information.contains(&k));
            if let Expiry::On(e) = c.expiry { prop_assert!(r.on <= e); }
            if let (Expiry::EndOfTreatment, Some(end)) = (&c.expiry, ended) { prop_assert!(day <= end); }
            if k == InfoKind::CounselingNotes { prop_assert_eq!(c.information.len(), 1); }
            if minor { prop_assert!(c.signer.patient_signed()); }
        }
    }

    /// Revoking one recipient line never changes the answer for anyone that line does
    /// not name (a class line names every member of its class).
    #[test]
    fn revoking_for_one_recipient_changes_nothing_for_the_others(
        c in arb_consent(),
        target in 0usize..3,
        at_revoke in 0i64..80,
        day in 0i64..100,
        k in kind(),
    ) {
        let mut revoked = c.clone();
        let Some(victim) = revoked.recipients.get_mut(target % c.recipients.len()) else { return Ok(()); };
        victim.revoked_at = Some(t(at_revoke));
        let victim = victim.recipient.clone();
        let others = (0..9).map(receiver).filter(|x| *x != victim && !victim.names(x, c.tpo));
        for other in others {
            let r = ask(&other, k, day);
            prop_assert_eq!(may_disclose(std::slice::from_ref(&c), &r), may_disclose(std::slice::from_ref(&revoked), &r));
        }
    }

    /// A revocation is never retroactive and always effective from its moment on.
    #[test]
    fn a_revocation_only_affects_disclosures_from_its_moment_on(
        c in arb_consent(),
        at_revoke in 0i64..80,
        day in 0i64..100,
        k in kind(),
    ) {
        let mut never = c.clone();
        never.recipients[0].revoked_at = None;
        let mut revoked = never.clone();
        revoked.recipients[0].revoked_at = Some(t(at_revoke));
        let who = c.recipients[0].recipient.clone();
        let r = ask(&who, k, day);
        let after = may_disclose(std::slice::from_ref(&revoked), &r);
        if day < at_revoke {
            prop_assert_eq!(may_disclose(std::slice::from_ref(&never), &r), after);
        } else {
            prop_assert!(after.is_err());
        }
    }
}

pub(super) fn payer(id: &str) -> Recipient {
    Recipient::Payer(crate::ids::PayerId(id_of(id)))
}
