//! Prints one of each FHIR resource this crate writes, one JSON object per line, for
//! `tests/fhir/check_fhir.py` to validate with fhir.resources (R4B models).

use iop_domain::admissions::Sex;
use iop_domain::scoring::Instrument;
use iop_interop::fhir::{self, IssueSeverity, IssueType, PatientData, ScoreObservation};
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
    for instrument in [Instrument::Phq9, Instrument::Gad7] {
        out.extend(fhir::score_observation(&ScoreObservation {
            id: "01a24290-9d84-70ed-99a8-c10c5b976bef",
            patient_id: with_address.id,
            instrument,
            total: 14,
            taken_on: date(2026, 12, 2),
        }));
    }
    out.push(fhir::operation_outcome(
        IssueSeverity::Error,
        IssueType::Value,
        "the birth date is not a date",
        Some("Bundle.entry[0].resource.birthDate"),
    ));
    for r in out {
        println!("{r}");
    }
}
