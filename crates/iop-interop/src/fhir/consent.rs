//! Consent: a patient's Part 2 consent to disclose (42 CFR §2.31) with its provisions —
//! who may receive, what kinds of information, for what purpose, until when — and each
//! revocation as a nested `deny` provision from the moment it was made.

use super::{part2_meta, reference};
use iop_domain::consent::InfoKind;
use jiff::civil::Date;
use jiff::Timestamp;
use serde_json::{json, Map, Value};

/// The code system of the kinds of information a consent lists (`iop_domain::consent`).
pub const INFORMATION_KIND_SYSTEM: &str = "urn:iop:fhir:CodeSystem:information-kind";
/// The regulation every consent here is given under.
pub const PART2_POLICY: &str =
    "https://www.ecfr.gov/current/title-42/chapter-I/subchapter-A/part-2";

/// One recipient line of a consent.
#[derive(Clone, Debug)]
pub struct ConsentActor<'a> {
    pub name: &'a str,
    /// When the patient revoked this line, if they did.
    pub revoked_at: Option<Timestamp>,
}

/// What a Consent resource is written from.
#[derive(Clone, Debug)]
pub struct ConsentData<'a> {
    pub id: &'a str,
    pub patient_id: &'a str,
    /// Still in force: not superseded, not expired, some line not revoked.
    pub active: bool,
    pub signed_at: Timestamp,
    /// The program that may disclose (§2.31(a)(2)).
    pub discloser: &'a str,
    pub information: &'a [InfoKind],
    /// For treatment, payment and health care operations (the 2024 rule's single TPO
    /// consent).
    pub tpo: bool,
    /// The last day it holds, when it ends on a date.
    pub expires_on: Option<Date>,
    pub recipients: &'a [ConsentActor<'a>],
    /// The representative who signed, when one did.
    pub representative: Option<&'a str>,
}

fn recipient_actor(name: &str) -> Value {
    json!({
        "role": { "coding": [{
            "system": "http://terminology.hl7.org/CodeSystem/v3-ParticipationType",
            "code": "IRCP",
            "display": "information recipient"
        }] },
        "reference": { "display": name }
    })
}

pub fn consent(k: &ConsentData<'_>) -> Value {
    let mut provision = Map::new();
    provision.insert("type".into(), "permit".into());
    let mut period = Map::new();
    period.insert("start".into(), k.signed_at.to_string().into());
    if let Some(end) = k.expires_on {
        period.insert("end".into(), end.to_string().into());
    }
    provision.insert("period".into(), Value::Object(period));
    if !k.recipients.is_empty() {
        provision.insert(
            "actor".into(),
            k.recipients
                .iter()
                .map(|r| recipient_actor(r.name))
                .collect(),
        );
    }
    if k.tpo {
        provision.insert(
            "purpose".into(),
            json!([
                { "system": "http://terminology.hl7.org/CodeSystem/v3-ActReason", "code": "TREAT", "display": "treatment" },
                { "system": "http://terminology.hl7.org/CodeSystem/v3-ActReason", "code": "HPAYMT", "display": "healthcare payment" },
                { "system": "http://terminology.hl7.org/CodeSystem/v3-ActReason", "code": "HOPERAT", "display": "healthcare operations" }
            ]),
        );
    }
    if !k.information.is_empty() {
        // R4's provision.code: the kinds of information the rule is about.
        provision.insert(
            "code".into(),
            k.information
                .iter()
                .map(|i| json!({ "coding": [{ "system": INFORMATION_KIND_SYSTEM, "code": i.as_str(), "display": i.describe() }] }))
                .collect(),
        );
    }
    let revoked: Vec<Value> = k
        .recipients
        .iter()
        .filter_map(|r| {
            let at = r.revoked_at?;
            Some(json!({
                "type": "deny",
                "period": { "start": at.to_string() },
                "actor": [recipient_actor(r.name)]
            }))
        })
        .collect();
    if !revoked.is_empty() {
        provision.insert("provision".into(), Value::Array(revoked));
    }
    let mut performer = vec![reference("Patient", k.patient_id)];
    if let Some(rep) = k.representative.filter(|r| !r.trim().is_empty()) {
        performer.push(json!({ "display": rep }));
    }
    json!({
        "resourceType": "Consent",
        "id": k.id,
        "meta": part2_meta(),
        "status": if k.active { "active" } else { "inactive" },
        "scope": { "coding": [{
            "system": "http://terminology.hl7.org/CodeSystem/consentscope",
            "code": "patient-privacy",
            "display": "Privacy Consent"
        }] },
        "category": [
            { "coding": [{ "system": "http://loinc.org", "code": "59284-0", "display": "Patient Consent" }] },
            { "coding": [{ "system": super::ACT_CODE, "code": "IDSCL", "display": "information disclosure" }] }
        ],
        "patient": reference("Patient", k.patient_id),
        "dateTime": k.signed_at.to_string(),
        "performer": performer,
        "organization": [{ "display": k.discloser }],
        "policy": [{ "authority": "https://www.ecfr.gov", "uri": PART2_POLICY }],
        "provision": Value::Object(provision)
    })
}
