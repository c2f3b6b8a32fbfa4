//! The 835 reader: the fixture's numbers, located errors for broken files, and no panic
//! on any input.

mod common;

use common::FIXTURE_835;
use iop_domain::Cents;
use iop_interop::x12::*;
use jiff::civil::date;
use proptest::prelude::*;

/// The fixture with one segment (found by its text) replaced.
fn with(old: &str, new: &str) -> String {
    assert!(FIXTURE_835.contains(old), "{old}");
    FIXTURE_835.replacen(old, new, 1)
}

/// Where and why a text is refused; `Ok` comes back as segment 0 so the test's
/// comparison fails and shows it.
fn error_of(text: &str) -> (usize, usize, String) {
    match parse_835(text) {
        Err(e) => (e.segment, e.line, e.message),
        Ok(r) => (0, 0, format!("read without error: {r:?}")),
    }
}

#[test]
fn the_fixture_pays_three_h0015_days_of_one_claim() {
    let r = parse_835(FIXTURE_835).unwrap();
    assert_eq!(r.payments.len(), 1);
    let p = &r.payments[0];
    assert_eq!(p.total_paid, Cents(60_000));
    assert_eq!(p.method, PaymentMethod::Ach);
    assert_eq!(p.date, date(2025, 1, 20));
    assert_eq!(
        (p.trace_number.as_str(), p.payer_id.as_str()),
        ("EFT0001", "1234567890")
    );
    assert_eq!(p.payer_name, "EXAMPLE PAYER");
    assert_eq!(p.payee_name, "EXAMPLE IOP CLINIC");
    assert_eq!(p.payee_npi.as_deref(), Some("1234567893"));
    assert!(p.provider_adjustments.is_empty());
    let c = &p.claims[0];
    assert_eq!(c.claim_id, "PCN0001");
    assert_eq!(c.status, ClaimStatus::Primary);
    assert_eq!((c.charge, c.paid), (Cents(75_000), Cents(60_000)));
    assert_eq!(c.patient_responsibility, Some(Cents(15_000)));
    assert_eq!(c.payer_claim_number, "PAYERCLM001");
    assert!(c.adjustments.is_empty());
    let days: Vec<_> = c.services.iter().map(|s| s.service_date).collect();
    assert_eq!(
        days,
        [
            Some(date(2025, 1, 6)),
            Some(date(2025, 1, 7)),
            Some(date(2025, 1, 9))
        ]
    );
    for s in &c.services {
        assert_eq!((s.procedure_code.as_str(), s.units), ("H0015", 1));
        assert!(s.modifiers.is_empty());
        assert_eq!((s.charge, s.paid), (Cents(25_000), Cents(20_000)));
        assert_eq!(
            s.adjustments,
            [Adjustment {
                group: AdjustmentGroup::Patient,
                reason: "2".into(),
                amount: Cents(5_000),
                quantity: None,
            }]
        );
    }
}

#[test]
fn bad_amounts_are_located_by_segment_and_line() {
    let (seg, line, msg) = error_of(&with("CAS*PR*2*50~\nSVC", "CAS*PR*2*5O~\nSVC"));
    assert_eq!((seg, line), (18, 18), "{msg}");
    let (seg, line, msg) = error_of(&with("SVC*HC:H0015*250*", "SVC*HC:H0015*250.001*"));
    assert_eq!((seg, line), (16, 16));
    assert!(msg.contains("more than two decimals"), "{msg}");
}

#[test]
fn lines_are_counted_apart_from_segments() {
    // All on one line: every segment is on line 1.
    let flat = with("CAS*PR*2*50~\nSVC", "CAS*PR*2*x~\nSVC").replace('\n', "");
    let (seg, line, _) = error_of(&flat);
    assert_eq!((seg, line), (18, 1));
    // CRLF and a blank line after each terminator: segment 18 starts on line 35.
    let loose = with("CAS*PR*2*50~\nSVC", "CAS*PR*2*x~\nSVC").replace('\n', "\r\n\r\n");
    let (seg, line, _) = error_of(&loose);
    assert_eq!((seg, line), (18, 35));
}

#[test]
fn a_claim_without_its_required_fields_is_refused() {
    let (seg, line, msg) = error_of(&with("*150*12*PAYERCLM001~", "*150*12~"));
    assert_eq!((seg, line), (14, 14));
    assert!(msg.contains("CLP07"), "{msg}");
    let (seg, _, msg) = error_of(&with("CLP*PCN0001*1*750*600", "CLP*PCN0001*1**600"));
    assert_eq!(seg, 14);
    assert!(msg.contains("CLP03"), "{msg}");
    let (seg, _, msg) = error_of(&with("CLP*PCN0001*1*", "CLP*PCN0001*9*"));
    assert_eq!(seg, 14);
    assert!(msg.contains("status"), "{msg}");
}

#[test]
fn an_unbalanced_line_is_reported_at_its_svc() {
    let (seg, line, msg) = error_of(&with("CAS*PR*2*50~", "CAS*PR*2*40~"));
    assert_eq!((seg, line), (16, 16));
    assert!(msg.contains("does not balance"), "{msg}");
}

#[test]
fn a_claim_whose_lines_do_not_add_up_is_reported_at_its_clp() {
    let (seg, _, msg) = error_of(&with("*750*600*150*", "*760*600*150*"));
    assert_eq!(seg, 14);
    assert!(msg.contains("PCN0001"), "{msg}");
}

#[test]
fn a_payment_total_that_differs_from_the_claims_is_reported_at_bpr() {
    let (seg, line, msg) = error_of(&with("BPR*I*600*", "BPR*I*650*"));
    assert_eq!((seg, line), (4, 4));
    assert!(msg.contains("BPR02"), "{msg}");
}

#[test]
fn provider_adjustments_explain_a_smaller_payment() {
    let text = with("BPR*I*600*", "BPR*I*550*").replace(
        "SE*23*0001",
        "PLB*1234567893*20251231*WO:PCN0000*50~\nSE*24*0001",
    );
    let r = parse_835(&text).unwrap();
    let plb = &r.payments[0].provider_adjustments;
    assert_eq!(plb.len(), 1);
    assert_eq!(
        (plb[0].reason.as_str(), plb[0].reference.as_deref()),
        ("WO", Some("PCN0000"))
    );
    assert_eq!(plb[0].amount, Cents(5_000));
    assert_eq!(plb[0].fiscal_period_end, date(2025, 12, 31));
}

#[test]
fn several_transaction_sets_give_several_payments() {
    let start = FIXTURE_835.find("ST*835").unwrap();
    let end = FIXTURE_835.find("GE*").unwrap();
    let set = &FIXTURE_835[start..end];
    let second = set.replace("0001~", "0002~").replace("EFT0001", "EFT0002");
    let text = FIXTURE_835
        .replacen(set, &format!("{set}{second}"), 1)
        .replace("GE*1*2", "GE*2*2");
    let r = parse_835(&text).unwrap();
    let traces: Vec<_> = r.payments.iter().map(|p| p.trace_number.as_str()).collect();
    assert_eq!(traces, ["EFT0001", "EFT0002"]);
}

#[test]
fn claim_level_adjustments_triplets_and_the_claim_date_are_read() {
    let text = with("CAS*PR*2*50~\nSVC", "CAS*CO*45*30*1*253*20~\nSVC")
        .replace(
            "NM1*QC*1*DOE*JANE****MI*MEMBER001~",
            "NM1*QC*1*DOE*JANE****MI*MEMBER001~\nDTM*232*20250105~",
        )
        .replacen("DTM*472*20250106~\n", "", 1);
    let r = parse_835(&text).unwrap();
    let s = &r.payments[0].claims[0].services[0];
    assert_eq!(s.service_date, Some(date(2025, 1, 5)));
    let reasons: Vec<_> = s
        .adjustments
        .iter()
        .map(|a| (a.group, a.reason.as_str(), a.amount, a.quantity))
        .collect();
    assert_eq!(
        reasons,
        [
            (AdjustmentGroup::Contractual, "45", Cents(3_000), Some(1)),
            (AdjustmentGroup::Contractual, "253", Cents(2_000), None)
        ]
    );
    let denied = with(
        "SVC*HC:H0015*250*200**1~\nDTM*472*20250106~\nCAS*PR*2*50~\n",
        "",
    )
    .replace("*750*600*150*", "*750*400*350*")
    .replace("BPR*I*600*", "BPR*I*400*")
    .replace(
        "NM1*QC*1*DOE*JANE****MI*MEMBER001~",
        "CAS*PR*1*250~\nNM1*QC*1*DOE*JANE****MI*MEMBER001~",
    )
    .replace("SE*23", "SE*21");
    let r = parse_835(&denied).unwrap();
    assert_eq!(r.payments[0].claims[0].adjustments[0].amount, Cents(25_000));
}

#[test]
fn truncated_files_and_unknown_separators_are_errors() {
    let cut = &FIXTURE_835[..FIXTURE_835.find("SE*23").unwrap()];
    let (seg, line, msg) = error_of(cut);
    assert_eq!((seg, line), (25, 25));
    assert!(msg.contains("SE"), "{msg}");
    let (seg, line, _) = error_of(&FIXTURE_835[..FIXTURE_835.find("*200**1").unwrap()]);
    assert_eq!((seg, line), (16, 16));
    let (seg, line, msg) = error_of(&FIXTURE_835.replacen("ISA*", "ISAA", 1));
    assert_eq!((seg, line), (1, 1));
    assert!(msg.contains("element separator"), "{msg}");
    let (seg, _, msg) = error_of(&FIXTURE_835.replacen("*:~", "*A~", 1));
    assert_eq!(seg, 1, "{msg}");
    let (seg, _, _) = error_of(&FIXTURE_835.replace("ST*835", "ST*837"));
    assert_eq!(seg, 3);
}

proptest! {
    #[test]
    fn any_text_is_read_or_refused_without_panic(s in "\\PC{0,300}") {
        let _ = parse_835(&s);
        let _ = parse_835(&format!("{}{s}", &FIXTURE_835[..106]));
    }

    #[test]
    fn byte_mutations_of_the_fixture_are_read_or_refused_with_a_location(
        edits in prop::collection::vec((0usize..800, any::<u8>(), 0u8..3), 1..8)
    ) {
        let mut bytes = FIXTURE_835.as_bytes().to_vec();
        for (at, byte, op) in edits {
            let at = at % (bytes.len() + 1);
            match op {
                0 if at < bytes.len() => bytes[at] = byte,
                1 => bytes.insert(at, byte),
                _ if at < bytes.len() => { bytes.remove(at); }
                _ => {}
            }
        }
        let text = String::from_utf8_lossy(&bytes);
        if let Err(e) = parse_835(&text) {
            prop_assert!(e.segment >= 1 && e.line >= 1 && e.line <= text.lines().count() + 1, "{e:?}");
        }
    }

    #[test]
    fn every_truncation_of_the_fixture_is_refused(len in 0usize..745) {
        let text = &FIXTURE_835[..len.min(FIXTURE_835.trim_end().len() - 1)];
        let e = parse_835(text).unwrap_err();
        prop_assert!(e.segment >= 1 && e.line >= 1);
    }
}

#[test]
fn a_4010_remittance_is_refused_naming_its_version() {
    let old = with("*005010X221A1~", "*004010X091A1~");
    let (segment, _, message) = error_of(&old);
    assert!(segment > 0, "{message}");
    assert!(message.contains("004010X091A1"), "{message}");
}

#[test]
fn a_line_names_the_line_item_control_number_it_pays() {
    let text = with(
        "SVC*HC:H0015*250*200**1~",
        "SVC*HC:H0015*250*200**1~REF*6R*0193ab00cd~",
    );
    let text = text.replacen("SE*23*", "SE*24*", 1);
    let r = parse_835(&text).unwrap();
    let lines = &r.payments[0].claims[0].services;
    assert_eq!(lines[0].line_control.as_deref(), Some("0193ab00cd"));
    assert_eq!(lines[1].line_control, None);
}
