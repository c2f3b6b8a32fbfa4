//! Observation: an instrument's total score (PHQ-9, GAD-7), coded in LOINC.

use super::{part2_meta, reference};
use iop_domain::scoring::Instrument;
use jiff::civil::Date;
use serde_json::{json, Value};

/// A total score as measured on a day.
#[derive(Clone, Debug)]
pub struct ScoreObservation<'a> {
    pub id: &'a str,
    pub patient_id: &'a str,
    pub instrument: Instrument,
    pub total: i32,
    pub taken_on: Date,
}

/// The LOINC code and display of an instrument's total score; the BAM has none (its
/// three subscales are written as components when it is mapped).
pub fn loinc_total(instrument: Instrument) -> Option<(&'static str, &'static str)> {
    match instrument {
        Instrument::Phq9 => Some(super::codes::LOINC_TOTALS[0]),
        Instrument::Gad7 => Some(super::codes::LOINC_TOTALS[1]),
        Instrument::Bam => None,
    }
}

/// The Observation of a total score; `None` for an instrument without a LOINC total.
pub fn score_observation(o: &ScoreObservation<'_>) -> Option<Value> {
    let (code, display) = loinc_total(o.instrument)?;
    Some(json!({
        "resourceType": "Observation",
        "id": o.id,
        "meta": part2_meta(),
        "status": "final",
        "category": [{ "coding": [{
            "system": "http://terminology.hl7.org/CodeSystem/observation-category",
            "code": "survey",
            "display": "Survey"
        }] }],
        "code": { "coding": [{ "system": "http://loinc.org", "code": code, "display": display }] },
        "subject": reference("Patient", o.patient_id),
        "effectiveDateTime": o.taken_on.to_string(),
        "valueInteger": o.total
    }))
}
