//! Observation: an instrument's scores and each substance's drug-screen result.
//!
//! A PHQ-9 or GAD-7 is one Observation: the total (LOINC 44261-6, 70274-6) as its value
//! and each item's answer as a component coded with the item's LOINC code, valued with
//! the LOINC answer code (whose place, 0–3, is the item's score). The BAM
//! has no total and no LOINC code: its three subscales are components under this
//! server's code system (`MEASURE_SYSTEM`). A drug screen is one Observation per
//! substance tested, valued Positive or Negative (SNOMED CT).

use super::codes;
use super::{part2_meta, reference};
use iop_domain::bam;
use iop_domain::instruments::{Form, GAD7, PHQ9};
use iop_domain::scoring::{Instrument, ScreenMethod, ScreenResult, Specimen};
use jiff::civil::Date;
use serde_json::{json, Map, Value};

/// This server's codes for what LOINC does not code (the BAM and its subscales).
pub const MEASURE_SYSTEM: &str = "urn:iop:fhir:CodeSystem:measure";
const LOINC: &str = "http://loinc.org";
const SNOMED: &str = "http://snomed.info/sct";

/// The LOINC answer (LL358-3) of a PHQ/GAD frequency item scored `value`.
pub(super) fn frequency_answer(value: u8) -> Option<(&'static str, &'static str)> {
    codes::FREQUENCY_ANSWERS.get(usize::from(value)).copied()
}

/// A measure as recorded: the raw answers, and the total where the instrument has one.
#[derive(Clone, Debug)]
pub struct MeasureData<'a> {
    pub id: &'a str,
    pub patient_id: &'a str,
    pub instrument: Instrument,
    /// The scoring version stored with the measure (`bam::VERSION` for a scorable BAM).
    pub version: &'a str,
    pub items: &'a [u8],
    pub total: Option<i32>,
    pub taken_on: Date,
}

/// The LOINC code and display of an instrument's total score; the BAM has none.
pub fn loinc_total(instrument: Instrument) -> Option<(&'static str, &'static str)> {
    match instrument {
        Instrument::Phq9 => Some(codes::LOINC_TOTALS[0]),
        Instrument::Gad7 => Some(codes::LOINC_TOTALS[1]),
        Instrument::Bam => None,
    }
}

/// The form an instrument's answers are given on and the LOINC codes of its items.
pub(super) fn form_of(instrument: Instrument) -> (&'static Form, &'static [&'static str]) {
    match instrument {
        Instrument::Phq9 => (&PHQ9, codes::PHQ9_ITEMS),
        Instrument::Gad7 => (&GAD7, codes::GAD7_ITEMS),
        Instrument::Bam => (&iop_domain::instruments::BAM, &[]),
    }
}

fn survey() -> Value {
    json!([{ "coding": [{
        "system": "http://terminology.hl7.org/CodeSystem/observation-category",
        "code": "survey",
        "display": "Survey"
    }] }])
}

fn base(id: &str, patient_id: &str, category: Value, code: Value, on: Date) -> Map<String, Value> {
    let mut r = Map::new();
    r.insert("resourceType".into(), "Observation".into());
    r.insert("id".into(), id.into());
    r.insert("meta".into(), part2_meta());
    r.insert("status".into(), "final".into());
    r.insert("category".into(), category);
    r.insert("code".into(), code);
    r.insert("subject".into(), reference("Patient", patient_id));
    r.insert("effectiveDateTime".into(), on.to_string().into());
    r
}

/// The Observation of a measure; `None` for a measure with nothing to report (a BAM
/// scored under an older version, whose subscales are on another scale).
pub fn measure_observation(m: &MeasureData<'_>) -> Option<Value> {
    match loinc_total(m.instrument) {
        Some((code, display)) => {
            let code = json!({ "coding": [{ "system": LOINC, "code": code, "display": display }] });
            let mut r = base(m.id, m.patient_id, survey(), code, m.taken_on);
            r.insert("valueInteger".into(), m.total?.into());
            let (form, loinc) = form_of(m.instrument);
            if m.items.len() == loinc.len() {
                let components: Vec<Value> = m
                    .items
                    .iter()
                    .zip(loinc.iter().zip(form.items))
                    .map(|(v, (code, item))| {
                        let code = json!({ "coding": [{ "system": LOINC, "code": code }], "text": item.text });
                        // The answer from LOINC list LL358-3; a value off the list stays a number.
                        match frequency_answer(*v) {
                            Some((la, label)) => json!({
                                "code": code,
                                "valueCodeableConcept": {
                                    "coding": [{ "system": LOINC, "code": la, "display": label }],
                                    "text": label
                                }
                            }),
                            None => json!({ "code": code, "valueInteger": v }),
                        }
                    })
                    .collect();
                r.insert("component".into(), components.into());
            }
            Some(Value::Object(r))
        }
        None if m.version == bam::VERSION => {
            let s = bam::bam(m.items).ok()?;
            let code = json!({
                "coding": [{ "system": MEASURE_SYSTEM, "code": "bam", "display": codes::BAM_CODES[0].1 }],
                "text": "Brief Addiction Monitor (BAM)"
            });
            let mut r = base(m.id, m.patient_id, survey(), code, m.taken_on);
            let values = [s.use_score, s.risk, s.protective];
            let components: Vec<Value> = codes::BAM_CODES[1..]
                .iter()
                .zip(values)
                .map(|((code, display), v)| {
                    json!({
                        "code": { "coding": [{ "system": MEASURE_SYSTEM, "code": code, "display": display }] },
                        "valueInteger": v
                    })
                })
                .collect();
            r.insert("component".into(), components.into());
            Some(Value::Object(r))
        }
        None => None,
    }
}

/// One substance's result on a drug screen.
#[derive(Clone, Debug)]
pub struct ScreenData<'a> {
    /// `{screen id}-{n}`: the screen and the result's place on it (from 1).
    pub id: &'a str,
    pub patient_id: &'a str,
    pub collected_on: Date,
    pub specimen: Specimen,
    pub method: ScreenMethod,
    pub substance: &'a str,
    pub result: ScreenResult,
}

/// The id of the `n`th result (from 1) of a screen.
pub fn screen_result_id(screen_id: &str, n: usize) -> String {
    format!("{screen_id}-{n}")
}

/// The screen and the result's place of an Observation id, when it is a screen result's.
pub fn split_screen_result_id(id: &str) -> Option<(&str, usize)> {
    super::split_place_id(id)
}

fn specimen_label(s: Specimen) -> &'static str {
    match s {
        Specimen::Urine => "urine",
        Specimen::OralFluid => "oral fluid",
        Specimen::Breath => "breath",
        Specimen::Blood => "blood",
        Specimen::Hair => "hair",
    }
}

/// The Observation of one substance's screen result. An invalid specimen has no value:
/// it says why (data-absent-reason `error`).
pub fn screen_observation(s: &ScreenData<'_>) -> Value {
    let category = json!([{ "coding": [{
        "system": "http://terminology.hl7.org/CodeSystem/observation-category",
        "code": "laboratory",
        "display": "Laboratory"
    }] }]);
    let code =
        json!({ "text": format!("{} ({} drug screen)", s.substance, specimen_label(s.specimen)) });
    let mut r = base(s.id, s.patient_id, category, code, s.collected_on);
    let method = match s.method {
        ScreenMethod::PointOfCare => "Point-of-care test, read on site",
        ScreenMethod::Lab => "Laboratory test",
    };
    r.insert("method".into(), json!({ "text": method }));
    let coded = |(code, display): (&str, &str)| json!({ "coding": [{ "system": SNOMED, "code": code, "display": display }], "text": display });
    match s.result {
        ScreenResult::Positive => {
            r.insert(
                "valueCodeableConcept".into(),
                coded(codes::SCREEN_RESULTS[0]),
            );
        }
        ScreenResult::Negative => {
            r.insert(
                "valueCodeableConcept".into(),
                coded(codes::SCREEN_RESULTS[1]),
            );
        }
        ScreenResult::Invalid => {
            r.insert(
                "dataAbsentReason".into(),
                json!({
                    "coding": [{ "system": "http://terminology.hl7.org/CodeSystem/data-absent-reason", "code": "error", "display": "Error" }],
                    "text": "The specimen was invalid"
                }),
            );
        }
    }
    Value::Object(r)
}
