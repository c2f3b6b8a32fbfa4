//! Patient: who the record is about, with the MRN as identifier.

use super::part2_meta;
use iop_domain::admissions::Sex;
use jiff::civil::Date;
use serde_json::{json, Map, Value};

/// What a Patient resource is written from.
#[derive(Clone, Debug)]
pub struct PatientData<'a> {
    pub id: &'a str,
    /// The identifier system of this organisation's MRNs (a URI the organisation owns).
    pub mrn_system: &'a str,
    pub mrn: &'a str,
    pub family: &'a str,
    pub given: &'a str,
    /// The name the patient goes by, when it differs.
    pub preferred: Option<&'a str>,
    pub birth_date: Date,
    pub sex: Sex,
    pub phone: Option<&'a str>,
    pub email: Option<&'a str>,
    pub line: Option<&'a str>,
    pub city: Option<&'a str>,
    pub state: Option<&'a str>,
    pub postal_code: Option<&'a str>,
}

/// FHIR administrative gender of the sex claims carry (M, F, U).
fn gender(sex: Sex) -> &'static str {
    match sex {
        Sex::Male => "male",
        Sex::Female => "female",
        Sex::Unknown => "unknown",
    }
}

pub fn patient(p: &PatientData<'_>) -> Value {
    let mut names = vec![json!({ "use": "official", "family": p.family, "given": [p.given] })];
    if let Some(n) = p
        .preferred
        .filter(|n| !n.trim().is_empty() && *n != p.given)
    {
        names.push(json!({ "use": "usual", "given": [n] }));
    }
    let mut telecom = Vec::new();
    if let Some(phone) = p.phone.filter(|v| !v.trim().is_empty()) {
        telecom.push(json!({ "system": "phone", "value": phone }));
    }
    if let Some(email) = p.email.filter(|v| !v.trim().is_empty()) {
        telecom.push(json!({ "system": "email", "value": email }));
    }
    let mut r = Map::new();
    r.insert("resourceType".into(), "Patient".into());
    r.insert("id".into(), p.id.into());
    r.insert("meta".into(), part2_meta());
    r.insert(
        "identifier".into(),
        json!([{
            "use": "usual",
            "type": { "coding": [{ "system": "http://terminology.hl7.org/CodeSystem/v2-0203", "code": "MR" }] },
            "system": p.mrn_system,
            "value": p.mrn
        }]),
    );
    r.insert("name".into(), Value::Array(names));
    if !telecom.is_empty() {
        r.insert("telecom".into(), Value::Array(telecom));
    }
    r.insert("gender".into(), gender(p.sex).into());
    r.insert("birthDate".into(), p.birth_date.to_string().into());
    if let Some(line) = p.line.filter(|v| !v.trim().is_empty()) {
        let mut a = Map::new();
        a.insert("line".into(), json!([line]));
        for (key, value) in [
            ("city", p.city),
            ("state", p.state),
            ("postalCode", p.postal_code),
        ] {
            if let Some(v) = value.filter(|v| !v.trim().is_empty()) {
                a.insert(key.into(), v.into());
            }
        }
        r.insert("address".into(), json!([Value::Object(a)]));
    }
    Value::Object(r)
}
