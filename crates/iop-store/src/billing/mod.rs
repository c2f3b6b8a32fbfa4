//! Billing rows: the site's billing identity, payers, contracts, coverage,
//! authorizations, charges, claims and batches, remittances, payments, adjustments and
//! the unmatched-remittance queue.

use crate::db::{DbConn, Result};
use crate::schema::{
    adjustments, authorizations, charges, claim_batches, claims, contracts, coverages, payers,
    payments, provider_ledger, remittance_unmatched, remittances, site_billing,
};
use diesel::prelude::*;
use iop_domain::billing::{ChargePayer, ChargeStatus, ClaimStatus};
use iop_domain::ids::*;
use iop_domain::time::{Day, Instant};

pub mod authorization_terms;
pub mod posting;

macro_rules! row {
    ($name:ident, $table:ident { $($field:ident : $ty:ty),* $(,)? }) => {
        #[derive(Debug, Clone, Queryable, Selectable, Insertable, AsChangeset, serde::Serialize, utoipa::ToSchema)]
        #[diesel(table_name = $table, treat_none_as_null = true)]
        pub struct $name { $(pub $field: $ty),* }
    };
}

row!(
    SiteBillingRow,
    site_billing {
        site_id: SiteId,
        organisation_name: String,
        npi: iop_domain::npi::Npi,
        tax_id: String,
        address_line: String,
        city: String,
        state: String,
        zip: String,
        submitter_id: String,
        contact_name: String,
        contact_phone: String,
        receiver_name: String,
        receiver_id: String,
        usage: iop_domain::billing::ClaimUsage,
        updated_at: Instant,
    }
);

row!(
    PayerRow,
    payers {
        id: PayerId,
        name: String,
        payer_id: String,
        address_line: String,
        city: String,
        state: String,
        zip: String,
        created_at: Instant,
        claim_filing_indicator: iop_domain::billing::ClaimFilingIndicator,
    }
);

row!(ContractRow, contracts {
    id: ContractId, program_id: ProgramId, payer_id: Option<PayerId>, claim_form: iop_domain::billing::ClaimForm,
    coding_mode: iop_domain::billing::CodingMode, per_diem_code: iop_domain::billing::Code, minimum_minutes: i32, fees: String,
    place_of_service: iop_domain::billing::PlaceOfService, modifiers: iop_domain::billing::Modifiers, authorization_required: bool,
    effective_from: Day, effective_to: Option<Day>, created_at: Instant, telehealth_modifier_95: bool,
});

row!(CoverageRow, coverages {
    id: CoverageId, patient_id: PatientId, payer_id: PayerId, member_id: String,
    group_number: Option<String>, priority: iop_domain::billing::CoveragePriority, relationship: iop_domain::billing::SubscriberRelationship,
    subscriber_first: String, subscriber_last: String, subscriber_dob: Day,
    subscriber_sex: iop_domain::admissions::Sex, subscriber_address_line: String, subscriber_city: String,
    subscriber_state: String, subscriber_zip: String, effective_from: Day,
    effective_to: Option<Day>, created_at: Instant, voided_at: Option<Instant>,
    void_reason: Option<String>,
});

row!(AuthorizationRow, authorizations {
    id: AuthorizationId, coverage_id: CoverageId, patient_id: PatientId, number: String,
    service_code: iop_domain::billing::Code, units: i32, start_date: Day, end_date: Day,
    next_review_on: Option<Day>, created_at: Instant, voided_at: Option<Instant>,
    void_reason: Option<String>,
});

row!(ClaimRow, claims {
    id: ClaimId, claim_number: String, patient_id: PatientId, coverage_id: CoverageId,
    payer_id: PayerId, period_from: Day, period_to: Day, total_cents: iop_domain::Cents,
    status: iop_domain::billing::ClaimStatus, problems: Option<String>, batch_id: Option<BatchId>,
    payer_claim_number: Option<String>, paid_cents: iop_domain::Cents, patient_resp_cents: iop_domain::Cents,
    created_at: Instant, updated_at: Instant, submitted_on: Option<Day>,
    frequency: iop_domain::billing::ClaimFrequency, corrects_claim_id: Option<ClaimId>, correction_reason: Option<String>,
});

row!(ChargeRow, charges {
    id: ChargeId, patient_id: PatientId, source_kind: iop_domain::billing::ChargeSource, source_id: String,
    service_date: Day, code: Option<iop_domain::billing::Code>, modifiers: iop_domain::billing::Modifiers, units: i32,
    amount_cents: iop_domain::Cents, payer: iop_domain::billing::ChargePayer, coverage_id: Option<CoverageId>,
    contract_id: Option<ContractId>, authorization_id: Option<AuthorizationId>,
    place_of_service: iop_domain::billing::PlaceOfService, status: iop_domain::billing::ChargeStatus, pending_reason: Option<String>,
    claim_id: Option<ClaimId>, created_at: Instant, updated_at: Instant,
    void_reason: Option<String>, rendering_staff_id: Option<StaffId>,
    paid_cents: iop_domain::Cents, patient_resp_cents: iop_domain::Cents,
});

row!(
    BatchRow,
    claim_batches {
        id: BatchId,
        interchange_control_number: i32,
        content: String,
        claim_count: i32,
        total_cents: iop_domain::Cents,
        created_by: ActorRef,
        created_at: Instant,
    }
);

row!(
    RemittanceRow,
    remittances {
        id: RemittanceId,
        content_hash: String,
        trace_number: String,
        payer_name: String,
        paid_cents: iop_domain::Cents,
        payment_date: Day,
        method: iop_domain::billing::PaymentMethod,
        claims_matched: i32,
        claims_unmatched: i32,
        content: String,
        imported_by: ActorRef,
        imported_at: Instant,
    }
);

row!(PaymentRow, payments {
    id: PaymentId, patient_id: Option<PatientId>, claim_id: Option<ClaimId>,
    remittance_id: Option<RemittanceId>, source: iop_domain::billing::PaymentSource, method: iop_domain::billing::PaymentMethod,
    reference: Option<String>, amount_cents: iop_domain::Cents, received_on: Day,
    created_by: ActorRef, created_at: Instant, voided_at: Option<Instant>,
    void_reason: Option<String>, as_credit: bool,
});

row!(AdjustmentRow, adjustments {
    id: AdjustmentId, claim_id: ClaimId, remittance_id: RemittanceId, procedure_code: Option<String>,
    group_code: String, reason_code: String, amount_cents: iop_domain::Cents, created_at: Instant,
    charge_id: Option<ChargeId>,
});

row!(ProviderLedgerRow, provider_ledger {
    id: ProviderLedgerId, remittance_id: RemittanceId, provider_id: String, fiscal_period_end: Day,
    reason_code: String, reference: Option<String>, amount_cents: iop_domain::Cents, created_at: Instant,
});

row!(UnmatchedRow, remittance_unmatched {
    id: UnmatchedId, remittance_id: RemittanceId, claim_number: String, paid_cents: iop_domain::Cents,
    detail: String, resolved_at: Option<Instant>, resolved_by: Option<ActorRef>,
    resolution: Option<String>,
});

macro_rules! insert_fn {
    ($fn:ident, $row:ty, $table:ident) => {
        pub fn $fn(conn: &mut DbConn, row: &$row) -> Result<()> {
            diesel::insert_into($table::table)
                .values(row)
                .execute(conn)?;
            Ok(())
        }
    };
}

insert_fn!(insert_payer, PayerRow, payers);
insert_fn!(insert_contract, ContractRow, contracts);
insert_fn!(insert_coverage, CoverageRow, coverages);
insert_fn!(insert_authorization, AuthorizationRow, authorizations);
insert_fn!(insert_claim, ClaimRow, claims);
insert_fn!(insert_batch, BatchRow, claim_batches);
insert_fn!(insert_remittance, RemittanceRow, remittances);
insert_fn!(insert_payment, PaymentRow, payments);
insert_fn!(insert_provider_ledger, ProviderLedgerRow, provider_ledger);
insert_fn!(insert_unmatched, UnmatchedRow, remittance_unmatched);

pub fn site_billing_of(conn: &mut DbConn, site_id: SiteId) -> Result<Option<SiteBillingRow>> {
    Ok(site_billing::table
        .find(site_id)
        .select(SiteBillingRow::as_select())
        .first(conn)
        .optional()?)
}

pub fn upsert_site_billing(conn: &mut DbConn, row: &SiteBillingRow) -> Result<()> {
    let n = diesel::update(site_billing::table.find(&row.site_id))
        .set(row)
        .execute(conn)?;
    if n == 0 {
        diesel::insert_into(site_billing::table)
            .values(row)
            .execute(conn)?;
    }
    Ok(())
}

pub fn all_payers(conn: &mut DbConn) -> Result<Vec<PayerRow>> {
    Ok(payers::table
        .order(payers::name)
        .select(PayerRow::as_select())
        .load(conn)?)
}

pub fn payer(conn: &mut DbConn, id: PayerId) -> Result<Option<PayerRow>> {
    Ok(payers::table
        .find(id)
        .select(PayerRow::as_select())
        .first(conn)
        .optional()?)
}

pub fn contracts_of(conn: &mut DbConn, program_id: ProgramId) -> Result<Vec<ContractRow>> {
    Ok(contracts::table
        .filter(contracts::program_id.eq(program_id))
        .order(contracts::effective_from.desc())
        .select(ContractRow::as_select())
        .load(conn)?)
}

pub fn all_contracts(conn: &mut DbConn) -> Result<Vec<ContractRow>> {
    Ok(contracts::table
        .order(contracts::effective_from.desc())
        .select(ContractRow::as_select())
        .load(conn)?)
}

/// Coverage not voided, of the listed patients.
pub fn coverages_of(conn: &mut DbConn, patient_ids: &[PatientId]) -> Result<Vec<CoverageRow>> {
    Ok(coverages::table
        .filter(coverages::patient_id.eq_any(patient_ids))
        .filter(coverages::voided_at.is_null())
        .order((coverages::patient_id, coverages::priority))
        .select(CoverageRow::as_select())
        .load(conn)?)
}

pub fn coverage(conn: &mut DbConn, id: CoverageId) -> Result<Option<CoverageRow>> {
    Ok(coverages::table
        .find(id)
        .select(CoverageRow::as_select())
        .first(conn)
        .optional()?)
}

/// Authorizations not voided; of one patient, or of everyone when `patient` is None.
pub fn authorizations_of(
    conn: &mut DbConn,
    patient: Option<PatientId>,
) -> Result<Vec<AuthorizationRow>> {
    let mut q = authorizations::table
        .filter(authorizations::voided_at.is_null())
        .into_boxed();
    if let Some(p) = patient {
        q = q.filter(authorizations::patient_id.eq(p.to_string()));
    }
    Ok(q.order(authorizations::end_date)
        .select(AuthorizationRow::as_select())
        .load(conn)?)
}

/// Units charged against each listed authorization (ready or billed charges).
pub fn units_used(
    conn: &mut DbConn,
    auth_ids: &[AuthorizationId],
) -> Result<Vec<(AuthorizationId, i64)>> {
    use diesel::dsl::sum;
    let rows: Vec<(Option<AuthorizationId>, Option<i64>)> = charges::table
        .filter(charges::authorization_id.eq_any(auth_ids))
        .filter(charges::status.eq_any([ChargeStatus::Ready, ChargeStatus::Billed]))
        .group_by(charges::authorization_id)
        .select((charges::authorization_id, sum(charges::units)))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .filter_map(|(a, n)| Some((a?, n.unwrap_or(0))))
        .collect())
}

/// Every charge of these patients (a charge run reads them once, then matches sources
/// in memory).
pub fn charges_of_patients(conn: &mut DbConn, patient_ids: &[PatientId]) -> Result<Vec<ChargeRow>> {
    crate::dialect::load_in_chunks(patient_ids, |chunk| {
        charges::table
            .filter(charges::patient_id.eq_any(chunk))
            .select(ChargeRow::as_select())
            .load(conn)
    })
}

pub fn update_charge(conn: &mut DbConn, row: &ChargeRow) -> Result<()> {
    diesel::update(charges::table.find(&row.id))
        .set(row)
        .execute(conn)?;
    Ok(())
}

/// Charges with service dates in [from, to], optionally of one patient, oldest first.
pub fn charges_between(
    conn: &mut DbConn,
    from: Day,
    to: Day,
    patient: Option<PatientId>,
) -> Result<Vec<ChargeRow>> {
    let mut q = charges::table
        .filter(charges::service_date.ge(from))
        .filter(charges::service_date.le(to))
        .into_boxed();
    if let Some(p) = patient {
        q = q.filter(charges::patient_id.eq(p.to_string()));
    }
    Ok(q.order((charges::service_date, charges::patient_id))
        .select(ChargeRow::as_select())
        .load(conn)?)
}

/// Insurance charges ready to bill and on no claim yet.
pub fn unclaimed_ready(conn: &mut DbConn) -> Result<Vec<ChargeRow>> {
    Ok(charges::table
        .filter(charges::status.eq(ChargeStatus::Ready))
        .filter(charges::payer.eq(ChargePayer::Insurance))
        .filter(charges::claim_id.is_null())
        .order((charges::patient_id, charges::service_date))
        .select(ChargeRow::as_select())
        .load(conn)?)
}

pub fn charges_of_claim(conn: &mut DbConn, claim_id: ClaimId) -> Result<Vec<ChargeRow>> {
    Ok(charges::table
        .filter(charges::claim_id.eq(claim_id))
        .order(charges::service_date)
        .select(ChargeRow::as_select())
        .load(conn)?)
}

pub fn self_pay_charges(conn: &mut DbConn, patient_id: PatientId) -> Result<Vec<ChargeRow>> {
    Ok(charges::table
        .filter(charges::patient_id.eq(patient_id))
        .filter(charges::payer.eq(ChargePayer::SelfPay))
        .filter(charges::status.eq_any([ChargeStatus::Ready, ChargeStatus::Billed]))
        .order(charges::service_date)
        .select(ChargeRow::as_select())
        .load(conn)?)
}

pub fn claim(conn: &mut DbConn, id: ClaimId) -> Result<Option<ClaimRow>> {
    Ok(claims::table
        .find(id)
        .select(ClaimRow::as_select())
        .first(conn)
        .optional()?)
}

pub fn claim_by_number(conn: &mut DbConn, number: &str) -> Result<Option<ClaimRow>> {
    Ok(claims::table
        .filter(claims::claim_number.eq(number))
        .select(ClaimRow::as_select())
        .first(conn)
        .optional()?)
}

pub fn update_claim(conn: &mut DbConn, row: &ClaimRow) -> Result<()> {
    diesel::update(claims::table.find(&row.id))
        .set(row)
        .execute(conn)?;
    Ok(())
}

/// Claims, newest first; of some statuses, or all.
pub fn claims_with(
    conn: &mut DbConn,
    statuses: &[ClaimStatus],
    patient: Option<PatientId>,
) -> Result<Vec<ClaimRow>> {
    let mut q = claims::table.into_boxed();
    if !statuses.is_empty() {
        q = q.filter(claims::status.eq_any(statuses.to_vec()));
    }
    if let Some(p) = patient {
        q = q.filter(claims::patient_id.eq(p.to_string()));
    }
    Ok(q.order(claims::created_at.desc())
        .select(ClaimRow::as_select())
        .load(conn)?)
}

pub fn claims_count(conn: &mut DbConn) -> Result<i64> {
    Ok(claims::table.count().get_result(conn)?)
}

pub fn batch(conn: &mut DbConn, id: BatchId) -> Result<Option<BatchRow>> {
    Ok(claim_batches::table
        .find(id)
        .select(BatchRow::as_select())
        .first(conn)
        .optional()?)
}

/// One 837P batch as listed: its control number, how many claims and how much.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = claim_batches)]
pub struct BatchSummary {
    pub id: BatchId,
    pub interchange_control_number: i32,
    pub claim_count: i32,
    pub total_cents: iop_domain::Cents,
    pub created_at: Instant,
}

pub fn batches(conn: &mut DbConn) -> Result<Vec<BatchSummary>> {
    Ok(claim_batches::table
        .order(claim_batches::created_at.desc())
        .select(BatchSummary::as_select())
        .load(conn)?)
}

pub fn last_control_number(conn: &mut DbConn) -> Result<i32> {
    use diesel::dsl::max;
    Ok(claim_batches::table
        .select(max(claim_batches::interchange_control_number))
        .first::<Option<i32>>(conn)?
        .unwrap_or(0))
}

/// Payments not voided, of one patient (both the payer's and the patient's own).
pub fn payments_of_patient(conn: &mut DbConn, patient_id: PatientId) -> Result<Vec<PaymentRow>> {
    Ok(payments::table
        .filter(payments::patient_id.eq(patient_id))
        .filter(payments::voided_at.is_null())
        .order(payments::received_on)
        .select(PaymentRow::as_select())
        .load(conn)?)
}

/// A patient's payments, voided ones included (the statement shows their reversal).
pub fn payments_of_patient_with_voided(
    conn: &mut DbConn,
    patient_id: PatientId,
) -> Result<Vec<PaymentRow>> {
    Ok(payments::table
        .filter(payments::patient_id.eq(patient_id))
        .order(payments::received_on)
        .select(PaymentRow::as_select())
        .load(conn)?)
}

pub fn payment(conn: &mut DbConn, id: PaymentId) -> Result<Option<PaymentRow>> {
    Ok(payments::table
        .find(id)
        .select(PaymentRow::as_select())
        .first(conn)
        .optional()?)
}

/// Voids a payment not voided yet; false when it already was.
pub fn void_payment(conn: &mut DbConn, id: PaymentId, at: Instant, reason: &str) -> Result<bool> {
    Ok(diesel::update(
        payments::table
            .find(id)
            .filter(payments::voided_at.is_null()),
    )
    .set((payments::voided_at.eq(at), payments::void_reason.eq(reason)))
    .execute(conn)?
        == 1)
}

pub fn all_payments(conn: &mut DbConn) -> Result<Vec<PaymentRow>> {
    Ok(payments::table
        .filter(payments::voided_at.is_null())
        .select(PaymentRow::as_select())
        .load(conn)?)
}

pub fn adjustments_of(conn: &mut DbConn, claim_ids: &[ClaimId]) -> Result<Vec<AdjustmentRow>> {
    Ok(adjustments::table
        .filter(adjustments::claim_id.eq_any(claim_ids))
        .select(AdjustmentRow::as_select())
        .load(conn)?)
}

/// Every coverage not voided (charge generation reads them once).
/// Coverages not voided that are in force on some day of [from, to], in stored order.
pub fn coverages_in_force(conn: &mut DbConn, from: Day, to: Day) -> Result<Vec<CoverageRow>> {
    Ok(coverages::table
        .filter(coverages::voided_at.is_null())
        .filter(coverages::effective_from.le(to))
        .filter(
            coverages::effective_to
                .is_null()
                .or(coverages::effective_to.ge(from)),
        )
        .select(CoverageRow::as_select())
        .load(conn)?)
}
