//! One claim as the 837P carries it: the patient and subscriber (with the address
//! and sex the payer matches against the card), the lines, and the problems that hold
//! the claim back instead.

use crate::error::{AppError, Result};
use iop_domain::icd10::Icd10;
use iop_interop::x12::{
    Address, Claim, Frequency, Line, Patient, Payer, Relationship, RenderingProvider, Sex,
    Subscriber,
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

/// REF*6R: the charge's id without dashes (32 characters, under the guide's 50), which
/// the 835 returns so each payment posts to its line.
pub(super) fn line_control(id: iop_domain::ids::ChargeId) -> String {
    id.to_string().replace('-', "")
}

/// Whether a service date falls in an episode (from admission to its end, if ended).
pub(super) fn covers(
    e: &iop_store::admissions::episodes::EpisodeRow,
    d: iop_domain::time::Day,
) -> bool {
    e.admit_date <= d && e.ended_on.is_none_or(|end| d <= end)
}

/// The episode whose dates cover every line: its diagnoses are the claim's.
fn episode_of_service(
    c: &mut DbConn,
    patient: iop_domain::ids::PatientId,
    lines: &[ChargeRow],
) -> Result<Option<iop_store::admissions::episodes::EpisodeRow>> {
    Ok(episodes::episodes_with_patient_id(c, patient)?
        .into_iter()
        .filter(|e| lines.iter().all(|l| covers(e, l.service_date)))
        .max_by_key(|e| e.admit_date))
}

/// Codes a clinician renders in person, which payers match to the clinician's own NPI
/// (loop 2310B): psychotherapy, family and group psychotherapy. Per-diem program days
/// are the facility's.
pub(super) fn is_professional(code: iop_domain::billing::Code) -> bool {
    use iop_domain::billing::Code;
    !matches!(code, Code::H0015 | Code::S9480)
}

/// Loop 2310B from the lines' clinician (claims are built one clinician per claim for
/// professional codes); a clinician without an NPI or taxonomy holds the claim.
fn rendering(
    c: &mut DbConn,
    lines: &[ChargeRow],
    problems: &mut Vec<String>,
) -> Result<Option<RenderingProvider>> {
    let professional: Vec<&ChargeRow> = lines
        .iter()
        .filter(|l| l.code.is_some_and(is_professional))
        .collect();
    let Some(first) = professional.first() else {
        return Ok(None);
    };
    let Some(staff_id) = first.rendering_staff_id else {
        problems
            .push("the service has no rendering clinician on record (an unsigned note?)".into());
        return Ok(None);
    };
    if professional
        .iter()
        .any(|l| l.rendering_staff_id != Some(staff_id))
    {
        problems.push("the lines have different rendering clinicians; rebuild the claims".into());
    }
    let staff = iop_store::calendar::staff_by_id(c, staff_id)?
        .ok_or_else(|| AppError::Internal(format!("staff {staff_id}")))?;
    let (Some(npi), Some(taxonomy)) = (staff.npi, staff.taxonomy) else {
        problems.push(format!(
            "the rendering clinician (staff {staff_id}) has no individual NPI and taxonomy code on their profile"
        ));
        return Ok(None);
    };
    let mut words = staff.display_name.split_whitespace();
    let first_name = words.next().unwrap_or_default().to_string();
    let last: Vec<&str> = words.collect();
    let (first, last) = if last.is_empty() {
        (String::new(), first_name)
    } else {
        (first_name, last.join(" "))
    };
    Ok(Some(RenderingProvider {
        last,
        first,
        npi: npi.to_string(),
        taxonomy: Some(taxonomy),
    }))
}

/// CLM05-3 and REF*F8: an original, or the correction of a claim the payer numbered.
fn frequency(c: &mut DbConn, claim: &ClaimRow) -> Result<Frequency> {
    use iop_domain::billing::ClaimFrequency as F;
    let original = match claim.corrects_claim_id {
        Some(id) => store::claim(c, id)?,
        None => None,
    };
    let number = original
        .and_then(|o| o.payer_claim_number)
        .unwrap_or_default();
    Ok(match claim.frequency {
        F::Original => Frequency::Original,
        F::Replacement => Frequency::Replacement {
            payer_claim_number: number,
        },
        F::Void => Frequency::Void {
            payer_claim_number: number,
        },
    })
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
    let mut problems: Vec<String> = Vec::new();
    let ep = episode_of_service(c, claim.patient_id, lines)?;
    let diagnoses: Vec<Icd10> = ep.map(|e| e.diagnoses.0).unwrap_or_default();
    if diagnoses.is_empty() {
        problems.push("no episode with a diagnosis covers the service dates".into());
    }
    // Each code must be billable in the code set in force on each date of service.
    let mut dates: Vec<_> = lines.iter().map(|l| l.service_date.0).collect();
    dates.dedup();
    for d in &diagnoses {
        if let Some(e) = dates.iter().find_map(|day| d.check_on(*day).err()) {
            problems.push(e.to_string());
        }
    }
    let diagnoses: Vec<String> = diagnoses.iter().map(Icd10::undotted).collect();
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
    let numbers: std::collections::HashMap<_, _> =
        store::authorizations_of(c, Some(claim.patient_id))?
            .into_iter()
            .map(|a| (a.id, a.number))
            .collect();
    let auth_of = |l: &ChargeRow| l.authorization_id.and_then(|id| numbers.get(&id).cloned());
    // The claim names the first line's authorization; a line under another names its own.
    let prior_authorization = lines.iter().find_map(auth_of);
    let rendering_provider = rendering(c, lines, &mut problems)?;
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
            prior_authorization: auth_of(l).filter(|a| Some(a) != prior_authorization.as_ref()),
            line_control: Some(line_control(l.id)),
        });
    }
    if !problems.is_empty() {
        return Ok(Err(problems.join("; ")));
    }
    Ok(Ok(Claim {
        claim_id: claim.claim_number.clone(),
        place_of_service: claim_pos,
        frequency: frequency(c, claim)?,
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
            filing_indicator: payer.claim_filing_indicator.to_string(),
        },
        rendering_provider,
        lines: out_lines,
    }))
}
