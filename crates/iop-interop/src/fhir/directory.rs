//! Practitioner: a member of staff, named as performer or care manager.

use super::part2_meta;
use serde_json::{json, Map, Value};

/// The identifier system of National Provider Identifiers.
pub const NPI_SYSTEM: &str = "http://hl7.org/fhir/sid/us-npi";

/// What a Practitioner is written from.
#[derive(Clone, Debug)]
pub struct PractitionerData<'a> {
    pub id: &'a str,
    pub name: &'a str,
    /// Credentials as written after the name (LCADC, LCSW …).
    pub credentials: &'a str,
    pub npi: Option<&'a str>,
    pub active: bool,
}

/// A Practitioner. It is labelled like every resource this server answers: who treats a
/// patient is itself part of what a Part 2 disclosure reveals.
pub fn practitioner(p: &PractitionerData<'_>) -> Value {
    let mut r = Map::new();
    r.insert("resourceType".into(), "Practitioner".into());
    r.insert("id".into(), p.id.into());
    r.insert("meta".into(), part2_meta());
    if let Some(npi) = p.npi.filter(|n| !n.trim().is_empty()) {
        r.insert(
            "identifier".into(),
            json!([{ "system": NPI_SYSTEM, "value": npi }]),
        );
    }
    r.insert("active".into(), p.active.into());
    r.insert("name".into(), json!([{ "text": p.name }]));
    if !p.credentials.trim().is_empty() {
        r.insert(
            "qualification".into(),
            json!([{ "code": { "text": p.credentials } }]),
        );
    }
    Value::Object(r)
}
