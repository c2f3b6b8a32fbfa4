//! Coverage: a patient's insurance as claims use it. The payer is named by its X12 payer
//! id (a logical reference), since payers are not served as resources yet.

use super::{part2_meta, reference};
use iop_domain::billing::{CoveragePriority, SubscriberRelationship};
use jiff::civil::Date;
use serde_json::{json, Map, Value};

/// What a Coverage resource is written from.
#[derive(Clone, Debug)]
pub struct CoverageData<'a> {
    pub id: &'a str,
    pub patient_id: &'a str,
    pub payer_name: &'a str,
    /// The payer's id in claims (NM109 of the 837P's payer loop).
    pub payer_id: &'a str,
    pub member_id: &'a str,
    pub group_number: Option<&'a str>,
    pub priority: CoveragePriority,
    pub relationship: SubscriberRelationship,
    pub effective_from: Date,
    pub effective_to: Option<Date>,
    /// Voided as entered in error.
    pub voided: bool,
}

/// The subscriber-relationship code (terminology.hl7.org) of the X12 relationship.
fn relationship(r: SubscriberRelationship) -> &'static str {
    match r {
        SubscriberRelationship::Subscriber => "self",
        SubscriberRelationship::Spouse => "spouse",
        SubscriberRelationship::Child => "child",
        // FHIR has no domestic partner; "common" is a common-law spouse, which a
        // life partner need not be.
        SubscriberRelationship::LifePartner
        | SubscriberRelationship::Employee
        | SubscriberRelationship::Other => "other",
    }
}

/// The Coverage as of `today`: active, cancelled once ended, entered-in-error if voided.
pub fn coverage(d: &CoverageData<'_>, today: Date) -> Value {
    let status = if d.voided {
        "entered-in-error"
    } else if d.effective_to.is_some_and(|to| to < today) {
        "cancelled"
    } else {
        "active"
    };
    let mut period = Map::new();
    period.insert("start".into(), d.effective_from.to_string().into());
    if let Some(to) = d.effective_to {
        period.insert("end".into(), to.to_string().into());
    }
    let mut r = Map::new();
    r.insert("resourceType".into(), "Coverage".into());
    r.insert("id".into(), d.id.into());
    r.insert("meta".into(), part2_meta());
    r.insert("status".into(), status.into());
    r.insert("subscriberId".into(), d.member_id.into());
    r.insert("beneficiary".into(), reference("Patient", d.patient_id));
    r.insert(
        "relationship".into(),
        json!({ "coding": [{
            "system": "http://terminology.hl7.org/CodeSystem/subscriber-relationship",
            "code": relationship(d.relationship)
        }] }),
    );
    r.insert("period".into(), Value::Object(period));
    r.insert(
        "payor".into(),
        json!([{
            "identifier": { "system": "urn:iop:x12-payer-id", "value": d.payer_id },
            "display": d.payer_name
        }]),
    );
    if let Some(g) = d.group_number.filter(|g| !g.trim().is_empty()) {
        r.insert(
            "class".into(),
            json!([{
                "type": { "coding": [{ "system": "http://terminology.hl7.org/CodeSystem/coverage-class", "code": "group" }] },
                "value": g
            }]),
        );
    }
    let order = match d.priority {
        CoveragePriority::Primary => 1,
        CoveragePriority::Secondary => 2,
    };
    r.insert("order".into(), order.into());
    Value::Object(r)
}
