//! Sample 837P files for an outside validator. With `IOP_X12_OUT=<dir>` set, writes them
//! there; `tests/x12/validate_837.py <dir>` (repo root) then runs pyx12 on each. Without
//! the variable the samples are still built, so a refusal by the writer fails here.

mod common;

use common::*;
use iop_domain::Cents;
use iop_interop::x12::*;
use jiff::civil::date;

fn child() -> Patient {
    Patient {
        relationship: Relationship::Child,
        last: "DOE".into(),
        // Accents are folded to ASCII by the writer; pyx12 crashes on UTF-8.
        first: "Jimmy José".into(),
        address: address("1 ELM ST", "62702"),
        dob: date(2008, 5, 4),
        sex: Sex::Male,
    }
}

/// Patient = subscriber, several claims: two for Jane with one payer, one for John.
fn several_claims() -> Batch {
    let mut b = fixture_batch();
    let mut week2 = fixture_claim();
    week2.claim_id = "PCN0002".into();
    week2.prior_authorization = None;
    week2.lines = vec![
        line("H0015", 250, date(2025, 1, 13), &[1]),
        line("H0015", 250, date(2025, 1, 14), &[1, 2]),
    ];
    let mut john = fixture_claim();
    john.claim_id = "PCN0003".into();
    john.diagnoses = vec!["F11.20".into()];
    john.subscriber.first = "JOHN".into();
    john.subscriber.member_id = "MEMBER002".into();
    john.subscriber.group_number = None;
    john.subscriber.sex = Sex::Male;
    john.lines = vec![line("90853", 120, date(2025, 1, 8), &[1])];
    b.claims.extend([week2, john]);
    b
}

/// A dependant (2000C), beside a claim of the subscriber's own.
fn dependant() -> Batch {
    let mut b = fixture_batch();
    b.interchange_control_number = 2;
    let mut c = fixture_claim();
    c.claim_id = "PCN0010".into();
    c.patient = Some(child());
    c.lines = vec![
        line("H0015", 250, date(2025, 2, 3), &[1]),
        line("90847", 150, date(2025, 2, 4), &[1]),
    ];
    b.claims.push(c);
    b
}

/// Prior authorization, modifiers, a rendering clinician and a replacement claim.
fn authorized_with_modifier() -> Batch {
    let mut b = fixture_batch();
    b.interchange_control_number = 3;
    let c = &mut b.claims[0];
    c.claim_id = "PCN0020".into();
    c.prior_authorization = Some("AUTH-2025-0042".into());
    c.frequency = Frequency::Replacement {
        payer_claim_number: "PAYERCLM001".into(),
    };
    c.rendering_provider = Some(RenderingProvider {
        last: "SMITH".into(),
        first: "ANA".into(),
        npi: "1234567893".into(),
        taxonomy: Some("101YA0400X".into()),
    });
    c.lines[0].modifiers = vec!["HF".into()];
    // The last line falls under a second authorization: it names its own in 2400.
    c.lines[2].prior_authorization = Some("AUTH-2025-0077".into());
    c.lines[1] = Line {
        modifiers: vec!["HQ".into(), "HF".into()],
        charge: Cents(12_050),
        ..line("90853", 0, date(2025, 1, 7), &[1, 2])
    };
    b
}

/// Telehealth: one day from home (POS 10, modifier 95) in an in-person week, and a
/// claim that is telehealth throughout (POS 02).
fn telehealth() -> Batch {
    let mut b = fixture_batch();
    b.interchange_control_number = 4;
    b.claims[0].claim_id = "PCN0030".into();
    b.claims[0].lines[2].place_of_service = Some("10".into());
    b.claims[0].lines[2].modifiers = vec!["95".into()];
    let mut remote = fixture_claim();
    remote.claim_id = "PCN0031".into();
    remote.place_of_service = "02".into();
    remote.prior_authorization = None;
    remote.lines = vec![Line {
        modifiers: vec!["95".into()],
        ..line("90834", 140, date(2025, 1, 10), &[1])
    }];
    b.claims.push(remote);
    b
}

#[test]
fn the_samples_are_written_and_reread_and_saved_when_asked() {
    let samples = [
        ("837p_subscriber_several_claims.x12", several_claims()),
        ("837p_dependant_2000c.x12", dependant()),
        ("837p_prior_auth_modifiers.x12", authorized_with_modifier()),
        ("837p_telehealth_pos10.x12", telehealth()),
    ];
    let out = std::env::var_os("IOP_X12_OUT").map(std::path::PathBuf::from);
    for (name, batch) in samples {
        let text = write_837p(&batch).unwrap_or_else(|e| panic!("{name}: {e}"));
        let tokens = tokenize(&text).unwrap();
        transactions(&tokens).unwrap();
        if let Some(dir) = &out {
            std::fs::create_dir_all(dir).unwrap();
            std::fs::write(dir.join(name), text).unwrap();
        }
    }
}
