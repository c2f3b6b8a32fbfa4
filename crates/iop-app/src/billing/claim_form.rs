//! One claim as the 837P carries it: the patient and subscriber (with the address
//! and sex the payer matches against the card), the lines, and the problems that hold
//! the claim back instead.

use crate::error::{AppError, Result};
use iop_domain::icd10::Icd10;
use iop_interop::x12::{
    Address, Claim, Frequency, Line, Patient, Payer, Relationship, Sex, Subscriber,
};
use iop_store::billing::{self as store, ChargeRow, ClaimRow, CoverageRow, PayerRow};
use iop_store::{admissions::episodes, DbConn};

fn sex(s: iop_domain::admissions::Sex) -> Sex {
    use iop_domain::admissions::Sex as Stored;
    match s {
        Stored::Female => Sex::Female,
        Stored::Male => Sex::Male,
        Stored::Unknown => Sex::Unknown,
    }
}

fn relationship(r: iop_domain::billing::SubscriberRelationship) -> Relationship {
    use iop_domain::billing::SubscriberRelationship as Stored;
    match r {
        Stored::Spouse => Relationship::Spouse,
        Stored::Child => Relationship::Child,
        Stored::LifePartner => Relationship::LifePartner,
        Stored::Employee => Relationship::Employee,
        Stored::Subscriber | Stored::Other => Relationship::Other,
    }
}

/// The claim as the 837P writer takes it, from what is stored.
pub(super) fn claim_for(
    c: &mut DbConn,
    claim: &ClaimRow,
    lines: &[ChargeRow],
    cov: &CoverageRow,
    payer: &PayerRow,
) -> Result<std::result::Result<Claim, String>> {
    let p = episodes::patient_by_id(c, claim.patient_id)?
        .ok_or_else(|| AppError::NotFound(format!("patient {}", claim.patient_id)))?;
    let ep = episodes::episodes_with_patient_id(c, claim.patient_id)?
        .into_iter()
        .max_by(|a, b| a.admit_date.cmp(&b.admit_date));
    let mut problems: Vec<String> = Vec::new();
    let diagnoses: Vec<String> = ep
        .as_ref()
        .map(|e| e.diagnoses.0.iter().map(Icd10::undotted).collect())
        .unwrap_or_default();
    if diagnoses.is_empty() {
        problems.push("the episode has no diagnosis".into());
    }
    if cov.member_id.trim().is_empty() {
        problems.push("the coverage has no member id".into());
    }
    if p.sex == iop_domain::admissions::Sex::Unknown {
        // X12 allows U in DMG03, but payers deny claims whose sex does not match the
        // card; ask at intake rather than learn it from a denial.
        problems.push(
            "the patient's sex for claims is unknown; record it (F or M) from the insurance card"
                .into(),
        );
    }
    let patient_address = match (&p.address_line, &p.city, &p.state, &p.zip) {
        (Some(l), Some(ci), Some(s), Some(z)) => Some(Address {
            line: l.clone(),
            city: ci.clone(),
            state: s.clone(),
            zip: z.clone(),
        }),
        _ => None,
    };
    let subscriber_address = Address {
        line: cov.subscriber_address_line.clone(),
        city: cov.subscriber_city.clone(),
        state: cov.subscriber_state.clone(),
        zip: cov.subscriber_zip.clone(),
    };
    let patient = if cov.relationship == iop_domain::billing::SubscriberRelationship::Subscriber {
        None
    } else {
        Some(Patient {
            relationship: relationship(cov.relationship),
            last: p.legal_last_name.clone(),
            first: p.legal_first_name.clone(),
            address: patient_address
                .clone()
                .unwrap_or_else(|| subscriber_address.clone()),
            dob: p.date_of_birth.0,
            sex: sex(p.sex),
        })
    };
    let (first, last, dob, subscriber_sex) =
        if cov.relationship == iop_domain::billing::SubscriberRelationship::Subscriber {
            (
                p.legal_first_name.clone(),
                p.legal_last_name.clone(),
                p.date_of_birth,
                p.sex,
            )
        } else {
            (
                cov.subscriber_first.clone(),
                cov.subscriber_last.clone(),
                cov.subscriber_dob,
                cov.subscriber_sex,
            )
        };
    let auth = lines.iter().find_map(|l| l.authorization_id);
    let prior_authorization = match auth {
        Some(id) => store::authorizations_of(c, Some(claim.patient_id))?
            .into_iter()
            .find(|a| a.id == id)
            .map(|a| a.number),
        None => None,
    };
    let claim_pos = lines
        .first()
        .map_or("57".to_string(), |l| l.place_of_service.to_string());
    let mut out_lines = Vec::new();
    for l in lines {
        out_lines.push(Line {
            procedure_code: l.code.map(|c| c.to_string()).unwrap_or_default(),
            modifiers: l.modifiers.codes().to_vec(),
            charge: l.amount_cents,
            units: u32::try_from(l.units).unwrap_or(0),
            date: l.service_date.0,
            diagnosis_pointers: (1..=u8::try_from(diagnoses.len().min(4)).unwrap_or(1)).collect(),
            place_of_service: (l.place_of_service.as_str() != claim_pos)
                .then(|| l.place_of_service.to_string()),
        });
    }
    if !problems.is_empty() {
        return Ok(Err(problems.join("; ")));
    }
    Ok(Ok(Claim {
        claim_id: claim.claim_number.clone(),
        place_of_service: claim_pos,
        frequency: Frequency::Original,
        prior_authorization,
        diagnoses,
        subscriber: Subscriber {
            last,
            first,
            member_id: cov.member_id.clone(),
            group_number: cov.group_number.clone(),
            address: if cov.relationship == iop_domain::billing::SubscriberRelationship::Subscriber
            {
                patient_address.unwrap_or(subscriber_address)
            } else {
                subscriber_address
            },
            dob: dob.0,
            sex: sex(subscriber_sex),
        },
        patient,
        payer: Payer {
            name: payer.name.clone(),
            payer_id: payer.payer_id.clone(),
        },
        rendering_provider: None,
        lines: out_lines,
    }))
}
