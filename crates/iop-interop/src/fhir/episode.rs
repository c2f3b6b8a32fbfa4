//! EpisodeOfCare (one episode of treatment in the program) and Condition (each of the
//! episode's ICD-10-CM diagnoses, principal first).

use super::{part2_meta, reference};
use iop_domain::icd10::Icd10;
use iop_domain::roster::EpisodeStatus;
use jiff::civil::Date;
use serde_json::{json, Map, Value};

/// The code system of ICD-10-CM in FHIR (codes with their dot).
pub const ICD10CM: &str = "http://hl7.org/fhir/sid/icd-10-cm";
/// The extension that carries why an episode ended (R4's EpisodeOfCare has no element
/// for it; Encounter's dischargeDisposition is about one stay).
pub const DISCHARGE_REASON_EXTENSION: &str = "urn:iop:fhir:StructureDefinition:discharge-reason";
/// The code system of this software's discharge reasons (`iop_domain::admissions`).
pub const DISCHARGE_REASON_SYSTEM: &str = "urn:iop:fhir:CodeSystem:discharge-reason";

/// What an EpisodeOfCare is written from.
#[derive(Clone, Debug)]
pub struct EpisodeData<'a> {
    pub id: &'a str,
    pub patient_id: &'a str,
    pub status: EpisodeStatus,
    pub admitted: Date,
    pub ended: Option<Date>,
    /// Why it ended: the stored code and its words.
    pub end_reason: Option<(&'a str, &'a str)>,
    pub diagnoses: &'a [Icd10],
    /// The primary counselor's staff id (a Practitioner).
    pub care_manager: Option<&'a str>,
    /// The site of the episode's program (an Organization).
    pub site: Option<&'a str>,
}

/// The id of the Condition of one of an episode's diagnoses: stable while the episode
/// keeps the diagnosis (FHIR ids allow letters, digits, `-` and `.`).
pub fn condition_id(episode_id: &str, code: &Icd10) -> String {
    format!("{episode_id}-{}", code.as_str())
}

/// The episode and the code of a Condition id, when it is one.
pub fn split_condition_id(id: &str) -> Option<(&str, &str)> {
    super::split_child_id(id)
}

/// `active` while the episode runs; `finished` after a graduation or discharge.
pub fn episode_status_code(status: EpisodeStatus) -> &'static str {
    match status {
        EpisodeStatus::Active => "active",
        EpisodeStatus::Graduated | EpisodeStatus::Discharged => "finished",
    }
}

pub fn episode_of_care(e: &EpisodeData<'_>) -> Value {
    let mut r = Map::new();
    r.insert("resourceType".into(), "EpisodeOfCare".into());
    r.insert("id".into(), e.id.into());
    r.insert("meta".into(), part2_meta());
    if let Some((code, label)) = e.end_reason {
        r.insert(
            "extension".into(),
            json!([{
                "url": DISCHARGE_REASON_EXTENSION,
                "valueCodeableConcept": {
                    "coding": [{ "system": DISCHARGE_REASON_SYSTEM, "code": code, "display": label }],
                    "text": label
                }
            }]),
        );
    }
    r.insert("status".into(), episode_status_code(e.status).into());
    r.insert(
        "type".into(),
        json!([{
            "coding": [{
                "system": "http://terminology.hl7.org/CodeSystem/episodeofcare-type",
                "code": "da",
                "display": "Drug and alcohol rehab"
            }],
            "text": "Intensive outpatient program (ASAM level 2.1)"
        }]),
    );
    if !e.diagnoses.is_empty() {
        let diagnoses: Vec<Value> = e
            .diagnoses
            .iter()
            .enumerate()
            .map(|(i, d)| {
                json!({
                    "condition": reference("Condition", &condition_id(e.id, d)),
                    "role": { "coding": [{
                        "system": "http://terminology.hl7.org/CodeSystem/diagnosis-role",
                        "code": "AD",
                        "display": "Admission diagnosis"
                    }] },
                    "rank": i + 1
                })
            })
            .collect();
        r.insert("diagnosis".into(), Value::Array(diagnoses));
    }
    r.insert("patient".into(), reference("Patient", e.patient_id));
    let mut period = Map::new();
    period.insert("start".into(), e.admitted.to_string().into());
    if let Some(end) = e.ended {
        period.insert("end".into(), end.to_string().into());
    }
    r.insert("period".into(), Value::Object(period));
    if let Some(site) = e.site {
        r.insert(
            "managingOrganization".into(),
            reference("Organization", site),
        );
    }
    if let Some(staff) = e.care_manager {
        r.insert("careManager".into(), reference("Practitioner", staff));
    }
    Value::Object(r)
}

/// The Condition of one diagnosis of an episode: an encounter diagnosis recorded at
/// admission, active while the episode runs (after it, whether it is in remission is a
/// clinician's finding this record does not hold, so no clinical status is claimed).
pub fn condition(e: &EpisodeData<'_>, code: &Icd10) -> Value {
    let mut r = Map::new();
    r.insert("resourceType".into(), "Condition".into());
    r.insert("id".into(), condition_id(e.id, code).into());
    r.insert("meta".into(), part2_meta());
    if e.status == EpisodeStatus::Active {
        r.insert(
            "clinicalStatus".into(),
            json!({ "coding": [{
                "system": "http://terminology.hl7.org/CodeSystem/condition-clinical",
                "code": "active"
            }] }),
        );
    }
    r.insert(
        "verificationStatus".into(),
        json!({ "coding": [{
            "system": "http://terminology.hl7.org/CodeSystem/condition-ver-status",
            "code": "confirmed"
        }] }),
    );
    r.insert(
        "category".into(),
        json!([{ "coding": [{
            "system": "http://terminology.hl7.org/CodeSystem/condition-category",
            "code": "encounter-diagnosis",
            "display": "Encounter Diagnosis"
        }] }]),
    );
    // FHIR has no empty strings: a code outside the loaded code set goes without words.
    let words = Some(code.description()).filter(|d| !d.is_empty());
    let coding = match words {
        Some(d) => json!({ "system": ICD10CM, "code": code.as_str(), "display": d }),
        None => json!({ "system": ICD10CM, "code": code.as_str() }),
    };
    let mut concept = json!({ "coding": [coding] });
    if let (Some(d), Some(obj)) = (words, concept.as_object_mut()) {
        obj.insert("text".into(), d.into());
    }
    r.insert("code".into(), concept);
    r.insert("subject".into(), reference("Patient", e.patient_id));
    r.insert("recordedDate".into(), e.admitted.to_string().into());
    Value::Object(r)
}
