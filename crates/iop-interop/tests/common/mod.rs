//! Batches shared by the X12 tests: the one behind the 837P fixture and variations on it.
#![allow(dead_code)]

use iop_domain::Cents;
use iop_interop::x12::*;
use jiff::civil::{date, Date};

pub const FIXTURE_837: &str = include_str!("../fixtures/837p_three_h0015_days.x12");
pub const FIXTURE_835: &str = include_str!("../fixtures/835_pays_three_lines.x12");

pub fn address(line: &str, zip: &str) -> Address {
    Address {
        line: line.into(),
        city: "SPRINGFIELD".into(),
        state: "IL".into(),
        zip: zip.into(),
    }
}

pub fn line(code: &str, dollars: i64, day: Date, pointers: &[u8]) -> Line {
    Line {
        procedure_code: code.into(),
        modifiers: vec![],
        charge: Cents(dollars * 100),
        units: 1,
        date: day,
        diagnosis_pointers: pointers.to_vec(),
        place_of_service: None,
        prior_authorization: None,
        line_control: Some(format!("{code}{}", day.strftime("%Y%m%d"))),
    }
}

pub fn jane() -> Subscriber {
    Subscriber {
        last: "DOE".into(),
        first: "JANE".into(),
        member_id: "MEMBER001".into(),
        group_number: Some("GRP12345".into()),
        address: address("1 ELM ST", "627020000"),
        dob: date(1980, 1, 1),
        sex: Sex::Female,
    }
}

pub fn payer() -> Payer {
    Payer {
        name: "EXAMPLE PAYER".into(),
        payer_id: "PAYER01".into(),
        filing_indicator: "CI".into(),
    }
}

/// The claim of `837p_three_h0015_days.x12`: three H0015 days, the first also pointing
/// at the secondary diagnosis.
pub fn fixture_claim() -> Claim {
    Claim {
        claim_id: "PCN0001".into(),
        place_of_service: "57".into(),
        frequency: Frequency::Original,
        prior_authorization: Some("AUTH123".into()),
        diagnoses: vec!["F10.20".into(), "F32.9".into()],
        subscriber: jane(),
        patient: None,
        payer: payer(),
        rendering_provider: None,
        lines: vec![
            line("H0015", 250, date(2025, 1, 6), &[1, 2]),
            line("H0015", 250, date(2025, 1, 7), &[1]),
            line("H0015", 250, date(2025, 1, 9), &[1]),
        ],
    }
}

pub fn fixture_batch() -> Batch {
    Batch {
        interchange_control_number: 1,
        group_control_number: 1,
        transaction_control_number: 1,
        created: date(2025, 1, 6).at(12, 0, 0, 0),
        usage: Usage::Test,
        submitter: Submitter {
            name: "EXAMPLE IOP CLINIC".into(),
            id: "SUBMITTERID".into(),
            contact_name: "BILLING OFFICE".into(),
            phone: "555-555-0100".into(),
        },
        receiver: Receiver {
            name: "EXAMPLE PAYER".into(),
            id: "RECEIVERID".into(),
        },
        billing_provider: BillingProvider {
            name: "EXAMPLE IOP CLINIC".into(),
            npi: "1234567893".into(),
            tax_id: "12-3456789".into(),
            address: address("100 MAIN ST", "62701-0000"),
        },
        claims: vec![fixture_claim()],
    }
}

/// The segments of an X12 text as strings, terminators and line breaks removed.
pub fn segments(x12: &str) -> Vec<String> {
    x12.split('~')
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .collect()
}
