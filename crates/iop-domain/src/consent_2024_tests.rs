//! The gate under the 2024 rule: recipients named by class on a TPO consent, the
//! statements consents and disclosures carry, and the minor-and-parent signatures.

use super::tests::*;
use super::*;
use proptest::prelude::*;

fn tpo_consent(classes: &[RecipientClass]) -> Consent {
    let mut c = consent(&[], &[InfoKind::Billing, InfoKind::TreatmentProgress]);
    c.tpo = true;
    c.expiry = Expiry::Never;
    c.purpose = TPO_PURPOSE.into();
    c.recipients = classes
        .iter()
        .map(|k| ConsentRecipient {
            recipient: Recipient::Class(*k),
            name: k.describe().into(),
            revoked_at: None,
        })
        .collect();
    c
}

#[test]
fn a_tpo_consent_naming_payers_by_class_lets_billing_go_to_any_payer_but_not_to_a_relative() {
    let c = [tpo_consent(&[RecipientClass::Payers])];
    assert!(may_disclose(&c, &ask(&payer("aetna"), InfoKind::Billing, 5)).is_ok());
    assert!(may_disclose(&c, &ask(&payer("cigna"), InfoKind::Billing, 5)).is_ok());
    assert_eq!(
        may_disclose(&c, &ask(&person("mom"), InfoKind::Billing, 5)),
        Err(Refusal::NoConsent)
    );
    let hospital = Recipient::Outside {
        class: RecipientClass::TreatingProviders,
        name: "Mercy Hospital".into(),
    };
    assert_eq!(
        may_disclose(&c, &ask(&hospital, InfoKind::Billing, 5)),
        Err(Refusal::NoConsent),
        "the payers class does not cover a treating provider"
    );
    assert_eq!(
        may_disclose(&c, &ask(&payer("aetna"), InfoKind::CounselingNotes, 5)),
        Err(Refusal::NotSeparate),
        "counseling notes never go under a TPO class"
    );
}

#[test]
fn a_class_line_outside_a_tpo_consent_names_no_one() {
    let mut c = tpo_consent(&[RecipientClass::Payers]);
    c.tpo = false;
    assert_eq!(validate(&c, d(1), None), Err(Invalid::ClassOutsideTpo));
    assert_eq!(
        may_disclose(&[c], &ask(&payer("aetna"), InfoKind::Billing, 5)),
        Err(Refusal::NoConsent)
    );
}

#[test]
fn a_tpo_consent_to_payers_or_classes_carries_the_hipaa_redisclosure_statement() {
    assert!(needs_redisclosure_statement(&tpo_consent(&[
        RecipientClass::TreatingProviders
    ])));
    let mut to_payer = consent(&[], &[InfoKind::Billing]);
    to_payer.tpo = true;
    to_payer.recipients = vec![ConsentRecipient {
        recipient: payer("aetna"),
        name: "Aetna".into(),
        revoked_at: None,
    }];
    assert!(needs_redisclosure_statement(&to_payer));
    to_payer.tpo = false;
    assert!(
        !needs_redisclosure_statement(&to_payer),
        "not a TPO consent"
    );
    assert!(
        !needs_redisclosure_statement(&consent(&["mom"], &FAMILY)),
        "a relative is no covered entity"
    );
    assert!(HIPAA_REDISCLOSURE.contains("except for uses and disclosures for civil, criminal"));
}

#[test]
fn the_notice_is_statement_1_of_section_2_32_word_for_word() {
    assert!(NOTICE.starts_with(
        "This record which has been disclosed to you is protected by Federal confidentiality rules (42 CFR part 2)."
    ));
    assert!(NOTICE.contains("except as provided at 42 CFR 2.12(c)(5) or as authorized by a court in accordance with 42 CFR 2.64 or 2.65."));
    assert!(NOTICE.ends_with("to further use or redisclose the record (see 42 CFR 2.31)."));
    assert_eq!(
        NOTICE.matches("\n(i").count(),
        3,
        "items (i) to (iii), each on its line"
    );
    assert!(
        !NOTICE.contains("  "),
        "no doubled spaces from line continuations"
    );
}

#[test]
fn under_parental_consent_law_a_consent_signed_as_a_minor_needs_both_signatures() {
    let adult_at = t(30);
    let rule = Some(MinorRule::MinorAndParent { adult_at });
    let mut c = consent(&["mom"], &FAMILY);
    let mom = person("mom");
    let mut r = ask(&mom, InfoKind::Enrollment, 5);
    r.minor = rule;
    assert_eq!(
        may_disclose(std::slice::from_ref(&c), &r),
        Err(Refusal::NeedsMinorAndParent)
    );
    assert_eq!(validate(&c, d(1), rule), Err(Invalid::NeedsMinorAndParent));
    c.signer = Signer::Representative {
        name: "Pat Parent".into(),
        authority: "parent".into(),
    };
    assert_eq!(
        may_disclose(std::slice::from_ref(&c), &r),
        Err(Refusal::NeedsMinorAndParent)
    );
    c.signer = Signer::PatientAndRepresentative {
        name: "Pat Parent".into(),
        authority: "parent".into(),
    };
    assert!(may_disclose(std::slice::from_ref(&c), &r).is_ok());
    assert_eq!(validate(&c, d(1), rule), Ok(()));
    let mut adult = consent(&["mom"], &FAMILY);
    adult.signed_at = t(31);
    let mut later = ask(&mom, InfoKind::Enrollment, 40);
    later.minor = rule;
    assert!(
        may_disclose(&[adult], &later).is_ok(),
        "signed after coming of age, the patient signs alone"
    );
}

proptest! {
    /// A class line grants only to members of its class, and only on a TPO consent;
    /// a relative is never reached through a class.
    #[test]
    fn a_class_line_grants_only_its_class_and_only_on_a_tpo_consent(
        c in arb_consent(),
        who in 0u8..9,
        k in kind(),
        day in 0i64..100,
    ) {
        let recipient = receiver(who);
        if may_disclose(std::slice::from_ref(&c), &ask(&recipient, k, day)).is_ok() {
            let direct = c.recipients.iter().any(|x| x.recipient == recipient);
            if !direct {
                prop_assert!(c.tpo);
                prop_assert!(!matches!(recipient, Recipient::Person(_)));
                let class = recipient.class().unwrap();
                prop_assert!(c.recipients.iter().any(|x| x.recipient == Recipient::Class(class)));
            }
        }
    }

    /// Under parental-consent law a grant under a consent signed before the patient
    /// came of age always has both signatures; with both, the rule never refuses.
    #[test]
    fn under_the_minor_and_parent_rule_grants_need_both_signatures_while_a_minor(
        c in arb_consent(),
        who in 0u8..9,
        k in kind(),
        day in 0i64..100,
        adult in 0i64..60,
    ) {
        let recipient = receiver(who);
        let mut r = ask(&recipient, k, day);
        r.minor = Some(MinorRule::MinorAndParent { adult_at: t(adult) });
        let ruled = may_disclose(std::slice::from_ref(&c), &r);
        let both = matches!(c.signer, Signer::PatientAndRepresentative { .. });
        if ruled.is_ok() && c.signed_at < t(adult) {
            prop_assert!(both);
        }
        if both || c.signed_at >= t(adult) {
            r.minor = None;
            prop_assert_eq!(ruled, may_disclose(std::slice::from_ref(&c), &r));
        }
    }
}
