//! Encounter: a group, family or individual session the patient attended, with its
//! class, period, minutes and the staff who led it.

use super::{part2_meta, reference};
use jiff::Timestamp;
use serde_json::{json, Map, Value};

/// What kind of session an Encounter was.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EncounterKind {
    /// A core group night of the program.
    Group,
    /// The family group (patient and family members).
    FamilyGroup,
    /// An alumni group after graduation.
    AlumniGroup,
    /// Individual counseling.
    Individual,
    /// Family counseling with the patient.
    Family,
    /// Family counseling without the patient present.
    FamilyWithoutPatient,
}

impl EncounterKind {
    /// How the session is named (Encounter.type.text).
    pub fn label(self) -> &'static str {
        match self {
            Self::Group => "Group therapy (intensive outpatient)",
            Self::FamilyGroup => "Family group",
            Self::AlumniGroup => "Alumni group",
            Self::Individual => "Individual counseling",
            Self::Family => "Family counseling with the patient",
            Self::FamilyWithoutPatient => "Family counseling without the patient",
        }
    }
}

/// What an Encounter is written from.
#[derive(Clone, Debug)]
pub struct EncounterData<'a> {
    pub id: &'a str,
    pub patient_id: &'a str,
    pub kind: EncounterKind,
    /// Held by video (class VR) rather than in person (class AMB).
    pub telehealth: bool,
    pub start: Timestamp,
    pub end: Timestamp,
    /// The minutes the patient took part (a late arrival counts fewer than the session).
    pub minutes: i32,
    /// The staff who led it (Practitioner ids), the first as primary performer.
    pub performers: &'a [String],
    /// The episode of care it belonged to, when it fell in one.
    pub episode_id: Option<&'a str>,
}

/// The v3-ActCode encounter class of a session.
pub fn encounter_class(telehealth: bool) -> (&'static str, &'static str) {
    if telehealth {
        ("VR", "virtual")
    } else {
        ("AMB", "ambulatory")
    }
}

pub fn encounter(e: &EncounterData<'_>) -> Value {
    let (class, class_display) = encounter_class(e.telehealth);
    let mut r = Map::new();
    r.insert("resourceType".into(), "Encounter".into());
    r.insert("id".into(), e.id.into());
    r.insert("meta".into(), part2_meta());
    // Only sessions that took place with the patient become Encounters.
    r.insert("status".into(), "finished".into());
    r.insert(
        "class".into(),
        json!({ "system": super::ACT_CODE, "code": class, "display": class_display }),
    );
    r.insert("type".into(), json!([{ "text": e.kind.label() }]));
    r.insert("subject".into(), reference("Patient", e.patient_id));
    if let Some(episode) = e.episode_id {
        r.insert(
            "episodeOfCare".into(),
            json!([reference("EpisodeOfCare", episode)]),
        );
    }
    let participants: Vec<Value> = e
        .performers
        .iter()
        .enumerate()
        .map(|(i, staff)| {
            let (code, display) = if i == 0 {
                ("PPRF", "primary performer")
            } else {
                ("SPRF", "secondary performer")
            };
            json!({
                "type": [{ "coding": [{
                    "system": "http://terminology.hl7.org/CodeSystem/v3-ParticipationType",
                    "code": code,
                    "display": display
                }] }],
                "individual": reference("Practitioner", staff)
            })
        })
        .collect();
    if !participants.is_empty() {
        r.insert("participant".into(), Value::Array(participants));
    }
    r.insert(
        "period".into(),
        json!({ "start": e.start.to_string(), "end": e.end.to_string() }),
    );
    r.insert(
        "length".into(),
        json!({
            "value": e.minutes.max(0),
            "unit": "min",
            "system": "http://unitsofmeasure.org",
            "code": "min"
        }),
    );
    Value::Object(r)
}
