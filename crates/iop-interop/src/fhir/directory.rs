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

/// A postal address, as billing keeps it (structured) or a site's one line.
#[derive(Clone, Debug)]
pub enum AddressData<'a> {
    Structured {
        line: &'a str,
        city: &'a str,
        state: &'a str,
        postal_code: &'a str,
    },
    Text(&'a str),
}

fn address(a: &AddressData<'_>) -> Value {
    match a {
        AddressData::Structured {
            line,
            city,
            state,
            postal_code,
        } => json!({
            "use": "work",
            "line": [line], "city": city, "state": state, "postalCode": postal_code, "country": "US"
        }),
        AddressData::Text(text) => json!({ "use": "work", "text": text }),
    }
}

/// A site as the provider organisation that bills for it (and its Location's manager).
#[derive(Clone, Debug)]
pub struct OrganizationData<'a> {
    /// The site's id.
    pub id: &'a str,
    pub name: &'a str,
    /// The billing NPI (public in the NPPES registry; the tax id is not written: it is
    /// billing setup, which not every role may see).
    pub npi: Option<&'a str>,
    pub phone: &'a str,
    pub address: AddressData<'a>,
}

pub fn organization(o: &OrganizationData<'_>) -> Value {
    let mut r = Map::new();
    r.insert("resourceType".into(), "Organization".into());
    r.insert("id".into(), o.id.into());
    r.insert("meta".into(), part2_meta());
    if let Some(npi) = o.npi.filter(|n| !n.trim().is_empty()) {
        r.insert(
            "identifier".into(),
            json!([{ "system": NPI_SYSTEM, "value": npi }]),
        );
    }
    r.insert("active".into(), true.into());
    r.insert(
        "type".into(),
        json!([{ "coding": [{
            "system": "http://terminology.hl7.org/CodeSystem/organization-type",
            "code": "prov",
            "display": "Healthcare Provider"
        }] }]),
    );
    r.insert("name".into(), o.name.into());
    if !o.phone.trim().is_empty() {
        r.insert(
            "telecom".into(),
            json!([{ "system": "phone", "value": o.phone, "use": "work" }]),
        );
    }
    r.insert("address".into(), json!([address(&o.address)]));
    Value::Object(r)
}

/// A site as the place groups and sessions are held.
#[derive(Clone, Debug)]
pub struct LocationData<'a> {
    /// The site's id (its Organization has the same).
    pub id: &'a str,
    pub name: &'a str,
    pub phone: &'a str,
    pub address: &'a str,
}

pub fn location(l: &LocationData<'_>) -> Value {
    let mut r = Map::new();
    r.insert("resourceType".into(), "Location".into());
    r.insert("id".into(), l.id.into());
    r.insert("meta".into(), part2_meta());
    r.insert("status".into(), "active".into());
    r.insert("name".into(), l.name.into());
    r.insert("mode".into(), "instance".into());
    if !l.phone.trim().is_empty() {
        r.insert(
            "telecom".into(),
            json!([{ "system": "phone", "value": l.phone, "use": "work" }]),
        );
    }
    if !l.address.trim().is_empty() {
        r.insert("address".into(), address(&AddressData::Text(l.address)));
    }
    r.insert(
        "managingOrganization".into(),
        super::reference("Organization", l.id),
    );
    Value::Object(r)
}

/// What a member of staff does, and where.
#[derive(Clone, Debug)]
pub struct PractitionerRoleData<'a> {
    /// The staff member's id (their Practitioner has the same).
    pub id: &'a str,
    pub active: bool,
    /// Their account's role as staff see it ("Counselor"), when they have an account.
    pub role: Option<&'a str>,
    /// NUCC provider taxonomy code.
    pub taxonomy: Option<&'a str>,
    /// The sites where they lead groups.
    pub sites: &'a [String],
}

/// The code system of NUCC provider taxonomy codes.
pub const NUCC_SYSTEM: &str = "http://nucc.org/provider-taxonomy";

pub fn practitioner_role(p: &PractitionerRoleData<'_>) -> Value {
    let mut r = Map::new();
    r.insert("resourceType".into(), "PractitionerRole".into());
    r.insert("id".into(), p.id.into());
    r.insert("meta".into(), part2_meta());
    r.insert("active".into(), p.active.into());
    r.insert(
        "practitioner".into(),
        super::reference("Practitioner", p.id),
    );
    // A role at one site belongs to that site's organisation; across sites, the
    // Locations say where.
    if let [only] = p.sites {
        r.insert(
            "organization".into(),
            super::reference("Organization", only),
        );
    }
    if let Some(role) = p.role {
        r.insert("code".into(), json!([{ "text": role }]));
    }
    if let Some(t) = p.taxonomy.filter(|t| !t.trim().is_empty()) {
        r.insert(
            "specialty".into(),
            json!([{ "coding": [{ "system": NUCC_SYSTEM, "code": t }] }]),
        );
    }
    if !p.sites.is_empty() {
        let sites: Vec<Value> = p
            .sites
            .iter()
            .map(|s| super::reference("Location", s))
            .collect();
        r.insert("location".into(), sites.into());
    }
    Value::Object(r)
}

/// A family member or other person close to the patient, as the record names them.
#[derive(Clone, Debug)]
pub struct RelatedPersonData<'a> {
    pub id: &'a str,
    pub patient_id: &'a str,
    pub name: &'a str,
    /// As staff wrote it ("mother", "partner").
    pub relationship: &'a str,
    pub phone: Option<&'a str>,
    pub email: Option<&'a str>,
}

pub fn related_person(p: &RelatedPersonData<'_>) -> Value {
    let mut r = Map::new();
    r.insert("resourceType".into(), "RelatedPerson".into());
    r.insert("id".into(), p.id.into());
    r.insert("meta".into(), part2_meta());
    r.insert("active".into(), true.into());
    r.insert("patient".into(), super::reference("Patient", p.patient_id));
    r.insert("relationship".into(), json!([{ "text": p.relationship }]));
    r.insert("name".into(), json!([{ "text": p.name }]));
    let telecom: Vec<Value> = [("phone", p.phone), ("email", p.email)]
        .into_iter()
        .filter_map(|(system, v)| {
            v.filter(|v| !v.trim().is_empty())
                .map(|v| json!({ "system": system, "value": v }))
        })
        .collect();
    if !telecom.is_empty() {
        r.insert("telecom".into(), telecom.into());
    }
    Value::Object(r)
}
