//! QuestionnaireResponse: a measure's answers item by item, in the instrument's own
//! wording, linked by the number printed on the form. PHQ-9 and GAD-7 answers carry their
//! LOINC answer codes; the BAM's options are coded by their score (`BAM_ANSWER_SYSTEM`),
//! with the printed label; day counts are integers.

use super::observation::{form_of, MeasureData};
use super::{part2_meta, reference};
use iop_domain::bam;
use iop_domain::instruments::{Answers, Item};
use iop_domain::scoring::Instrument;
use serde_json::{json, Value};

/// The canonical URL a response names as its questionnaire: the form as printed
/// (`iop_domain::instruments`); the Questionnaire resources themselves are not served.
pub fn questionnaire_url(instrument: Instrument) -> String {
    format!("urn:iop:fhir:Questionnaire:{instrument}")
}

/// This server's codes of the BAM's answer options: the option's score.
pub const BAM_ANSWER_SYSTEM: &str = "urn:iop:fhir:CodeSystem:bam-answer";

fn answer(instrument: Instrument, item: &Item, value: u8) -> Value {
    match (item.answers, instrument) {
        (Answers::Options(_), Instrument::Phq9 | Instrument::Gad7) => {
            match super::observation::frequency_answer(value) {
                Some((code, label)) => json!({ "valueCoding": {
                    "system": "http://loinc.org", "code": code, "display": label
                } }),
                None => json!({ "valueInteger": value }),
            }
        }
        (Answers::Options(labels), Instrument::Bam) => match labels.get(usize::from(value)) {
            Some(label) => json!({ "valueCoding": {
                "system": BAM_ANSWER_SYSTEM, "code": value.to_string(), "display": label
            } }),
            None => json!({ "valueInteger": value }),
        },
        (Answers::Days, _) => json!({ "valueInteger": value }),
    }
}

/// The response to a measure's questionnaire; `None` when the answers do not fit the form
/// (never for what the program records).
pub fn questionnaire_response(m: &MeasureData<'_>) -> Option<Value> {
    let (form, _) = form_of(m.instrument);
    let items: Vec<Value> = if m.items.len() == form.items.len() {
        m.items
            .iter()
            .zip(form.items)
            .map(|(v, item)| {
                json!({
                    "linkId": item.number,
                    "text": item.text,
                    "answer": [answer(m.instrument, item, *v)]
                })
            })
            .collect()
    } else if m.instrument == Instrument::Bam && m.items.len() == bam::ITEMS.len() {
        // A BAM recorded with item 7 as one count (the drugs not itemised).
        m.items
            .iter()
            .zip(bam::ITEMS.iter())
            .enumerate()
            .map(|(i, (v, (_, summary)))| {
                let number = (i + 1).to_string();
                let printed = form.items.iter().find(|it| it.number == number);
                let (text, value) = match printed {
                    Some(item) => (item.text, answer(m.instrument, item, *v)),
                    None => (*summary, json!({ "valueInteger": v })),
                };
                json!({ "linkId": number, "text": text, "answer": [value] })
            })
            .collect()
    } else {
        return None;
    };
    Some(json!({
        "resourceType": "QuestionnaireResponse",
        "id": m.id,
        "meta": part2_meta(),
        "questionnaire": questionnaire_url(m.instrument),
        "status": "completed",
        "subject": reference("Patient", m.patient_id),
        "authored": m.taken_on.to_string(),
        "item": items
    }))
}
