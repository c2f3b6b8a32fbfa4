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
    let dx: Vec<_> = ["F10.20", "F41.1"]
        .iter()
        .filter_map(|c| iop_domain::icd10::Icd10::parse(c).ok())
        .collect();
    let episode = fhir::EpisodeData {
        id: "01a24290-9d84-70ed-99a8-c10c5b976bf0",
        patient_id: with_address.id,
        status: iop_domain::roster::EpisodeStatus::Discharged,
        admitted: date(2026, 10, 5),
        ended: Some(date(2026, 11, 20)),
        end_reason: Some(("ama", "Left against advice")),
        diagnoses: &dx,
        care_manager: Some("01a24290-9d84-70ed-99a8-c10c5b976bf1"),
    };
    out.push(fhir::episode_of_care(&episode));
    out.extend(dx.iter().map(|d| fhir::condition(&episode, d)));
    let staff = vec!["01a24290-9d84-70ed-99a8-c10c5b976bf1".to_string()];
    for (kind, telehealth) in [
        (fhir::EncounterKind::Group, false),
        (fhir::EncounterKind::Individual, true),
    ] {
        out.push(fhir::encounter(&fhir::EncounterData {
            id: "01a24290-9d84-70ed-99a8-c10c5b976bf2",
            patient_id: with_address.id,
            kind,
            telehealth,
            start: jiff::Timestamp::from_second(1_796_000_000).unwrap_or_default(),
            end: jiff::Timestamp::from_second(1_796_010_800).unwrap_or_default(),
            minutes: 180,
            performers: &staff,
            episode_id: Some(episode.id),
        }));
    }
    out.push(fhir::practitioner(&fhir::PractitionerData {
        id: &staff[0],
        name: "Casey Counselor",
        credentials: "LCADC",
        npi: Some("1234567893"),
        active: true,
    }));
    out.push(fhir::operation_outcome(
        IssueSeverity::Error,
        IssueType::Value,
        "the birth date is not a date",
        Some("Bundle.entry[0].resource.birthDate"),
    ));
    // The example referral is what a sender posts: it must be valid FHIR itself.
    out.extend(serde_json::from_str::<serde_json::Value>(
        fhir::EXAMPLE_REFERRAL,
    ));
    for r in out {
        println!("{r}");
    }
}
