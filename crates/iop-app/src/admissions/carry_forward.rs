//! What the inquiry learned, carried into the record at admission: the payer and
//! member id chosen at screening become the patient's primary coverage (self as the
//! subscriber, from the admit date), with the address captured in parts at admission.

use crate::audit::{record, Event};
use crate::ctx::Ctx;
use crate::error::Result;
use iop_domain::billing::{CoveragePriority, SubscriberRelationship};
use iop_domain::ids::CoverageId;
use iop_domain::time::{Day, Instant};
use iop_store::admissions::episodes::PatientRow;
use iop_store::admissions::inquiries::InquiryRow;
use iop_store::billing::{self as billing, CoverageRow};
use iop_store::DbConn;
use jiff::civil::Date;

/// The coverage the inquiry's payer and member id give, when both and the address
/// (the subscriber's, since the patient is the subscriber) are known.
pub(crate) fn coverage_from_inquiry(
    c: &mut DbConn,
    ctx: &Ctx,
    inquiry: &InquiryRow,
    p: &PatientRow,
    from: Date,
) -> Result<Option<CoverageId>> {
    let (Some(payer), Some(member)) = (inquiry.payer_id, inquiry.insurance_member_id.as_deref())
    else {
        return Ok(None);
    };
    let (Some(line), Some(city), Some(state), Some(zip)) =
        (&p.address_line, &p.city, &p.state, &p.zip)
    else {
        return Ok(None);
    };
    if member.trim().is_empty() || billing::payer(c, payer)?.is_none() {
        return Ok(None);
    }
    let row = CoverageRow {
        id: CoverageId::new_v7(),
        patient_id: p.id,
        payer_id: payer,
        member_id: member.trim().to_string(),
        group_number: None,
        priority: CoveragePriority::Primary,
        relationship: SubscriberRelationship::Subscriber,
        subscriber_first: p.legal_first_name.clone(),
        subscriber_last: p.legal_last_name.clone(),
        subscriber_dob: p.date_of_birth,
        subscriber_sex: p.sex,
        subscriber_address_line: line.clone(),
        subscriber_city: city.clone(),
        subscriber_state: state.clone(),
        subscriber_zip: zip.clone(),
        effective_from: Day(from),
        effective_to: None,
        created_at: Instant(ctx.now()),
        voided_at: None,
        void_reason: None,
    };
    billing::insert_coverage(c, &row)?;
    let subject = format!("coverage:{}", row.id);
    let mut event = Event::ok("billing.coverage.add").subject(&subject).detail(
        serde_json::json!({ "from_inquiry": inquiry.id, "verification": inquiry.insurance_status }),
    );
    event.patient_id = Some(p.id);
    record(c, ctx, event)?;
    Ok(Some(row.id))
}

/// What billing needs about the patient that intake may have missed.
#[derive(Clone, Debug, serde::Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Demographics {
    /// F, M or U.
    #[schema(value_type = Option<String>, example = "F")]
    pub sex: Option<iop_domain::admissions::Sex>,
    pub address: Option<crate::billing::setup::AddressInput>,
}

impl crate::App {
    /// Records the patient's sex for claims and their address in parts.
    pub fn set_demographics(
        &self,
        ctx: &Ctx,
        patient: iop_domain::ids::PatientId,
        d: Demographics,
    ) -> Result<()> {
        ctx.require(crate::policy::Action::ManageCoverage)?;
        let parts = d.address.as_ref().map(|a| a.check()).transpose()?;
        self.store.write(|c| {
            crate::scope::require_patient(c, ctx, patient)?;
            iop_store::admissions::episodes::patient_by_id(c, patient)?
                .ok_or_else(|| crate::AppError::NotFound(format!("patient {patient}")))?;
            if let Some(sex) = d.sex {
                iop_store::admissions::episodes::set_patient_sex(c, patient, sex)?;
            }
            if let Some((line, city, st, zip)) = &parts {
                iop_store::admissions::episodes::set_patient_address(
                    c, patient, line, city, st, zip,
                )?;
            }
            let mut event = Event::ok("patient.demographics")
                .detail(serde_json::json!({ "sex": d.sex.is_some(), "address": parts.is_some() }));
            event.patient_id = Some(patient);
            record(c, ctx, event)
        })
    }
}
