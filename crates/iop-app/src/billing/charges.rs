//! Charges follow from documentation, never from memory: a day or a session becomes a
//! charge only when it was attended and its note is signed, under the contract of the
//! patient's coverage that day (or the self-pay rate card). A charge that cannot be made
//! yet is kept as pending with the reason; alumni sessions never become charges.
//! Generation is idempotent: running it again changes only what changed.

use super::found::{self, Found};
use crate::audit::{record, Event};
use crate::ctx::Ctx;
use crate::error::{AppError, Result};
use crate::policy::Action;
use crate::App;
use iop_domain::appointments::PatientLocation;
use iop_domain::billing::{ChargePayer, ChargeStatus, Code, Decision};
use iop_domain::ids::*;
use iop_domain::time::{Day, Instant};
use iop_domain::Cents;
use iop_store::billing::{self as store, AuthorizationRow, ChargeRow, ContractRow, CoverageRow};
use iop_store::{org, DbConn};
use jiff::civil::Date;
use std::collections::HashMap;

pub fn code_of(s: &str) -> Option<Code> {
    s.parse().ok()
}

/// The contract's fee for one unit of a code, from its JSON fee schedule.
pub fn fee(contract: &ContractRow, code: Code) -> Option<Cents> {
    let fees: HashMap<String, i64> = serde_json::from_str(&contract.fees).ok()?;
    fees.get(code.as_str()).copied().map(Cents)
}

fn in_range(from: Day, to: Option<Day>, d: Day) -> bool {
    from <= d && to.is_none_or(|t| d <= t)
}

/// The coverages a charge run may bill, by patient: who pays is looked up for every
/// service, and scanning every coverage of the organisation for each made a run's cost
/// grow with patients × services.
#[derive(Default)]
pub(crate) struct Coverages(HashMap<PatientId, Vec<CoverageRow>>);

impl Coverages {
    /// The coverages in force on some day of [from, to].
    pub(crate) fn in_force(c: &mut DbConn, from: Date, to: Date) -> Result<Self> {
        let mut by_patient: HashMap<PatientId, Vec<CoverageRow>> = HashMap::new();
        for row in store::coverages_in_force(c, Day(from), Day(to))? {
            by_patient.entry(row.patient_id).or_default().push(row);
        }
        Ok(Self(by_patient))
    }

    fn of(&self, patient: PatientId) -> &[CoverageRow] {
        self.0.get(&patient).map_or(&[], Vec::as_slice)
    }
}

/// Who pays for a patient's service on a day: the primary coverage in force with a
/// contract for this program, or the program's self-pay rate card.
pub(crate) fn payer_for<'a>(
    coverages: &'a Coverages,
    contracts: &'a [ContractRow],
    patient: PatientId,
    day: Day,
) -> Option<(Option<&'a CoverageRow>, &'a ContractRow)> {
    let coverage = coverages.of(patient).iter().find(|c| {
        c.priority == iop_domain::billing::CoveragePriority::Primary
            && in_range(c.effective_from, c.effective_to, day)
    });
    if let Some(cov) = coverage {
        let contract = contracts.iter().find(|k| {
            k.payer_id == Some(cov.payer_id) && in_range(k.effective_from, k.effective_to, day)
        });
        return contract.map(|k| (Some(cov), k));
    }
    contracts
        .iter()
        .find(|k| k.payer_id.is_none() && in_range(k.effective_from, k.effective_to, day))
        .map(|k| (None, k))
}

#[derive(Clone, Debug, Default, serde::Serialize, utoipa::ToSchema)]
pub struct GenerateReport {
    pub ready: u32,
    pub pending: u32,
    pub unchanged: u32,
    pub voided: u32,
}

/// CMS place-of-service codes: a non-residential SUD treatment facility, and
/// telehealth with the patient at home (10) or elsewhere (02).
const FACILITY: &str = "57";
const TELEHEALTH_AT_HOME: &str = "10";
const TELEHEALTH_ELSEWHERE: &str = "02";

fn bad_code(e: iop_domain::billing::BadBillingCode) -> AppError {
    AppError::Internal(e.to_string())
}

/// The charge `f` should be now, when it differs from `existing` (the charge already
/// made from the same source): `None` when nothing is to be written.
fn upsert(
    now: Instant,
    f: &Found,
    existing: Option<ChargeRow>,
    payer: Option<(Option<&CoverageRow>, &ContractRow)>,
    auths: &[AuthorizationRow],
    used: &mut HashMap<AuthorizationId, i64>,
    report: &mut GenerateReport,
) -> Result<Option<ChargeRow>> {
    if existing
        .as_ref()
        .is_some_and(|e| e.status == ChargeStatus::Billed || e.status == ChargeStatus::Void)
    {
        report.unchanged += 1;
        return Ok(None);
    }
    let (code, units, mut reason) = match &f.decision {
        Decision::Nothing | Decision::NotBillable(_) => {
            if let Some(mut e) = existing.filter(|e| e.status != ChargeStatus::Void) {
                e.status = ChargeStatus::Void;
                e.void_reason = Some("no longer billable: the documentation changed".into());
                e.updated_at = now;
                report.voided += 1;
                return Ok(Some(e));
            }
            return Ok(None);
        }
        Decision::Charge { code, units } => (Some(*code), *units, None),
        Decision::Pending(holds) => (
            None,
            0,
            Some(
                holds
                    .iter()
                    .map(|h| h.describe())
                    .collect::<Vec<_>>()
                    .join("; "),
            ),
        ),
    };
    let (coverage, contract) = match payer {
        Some((cov, k)) => (cov, Some(k)),
        None => {
            // Keep what else holds the day (short minutes by the program's minimum, an
            // unsigned note) so the biller sees everything to fix at once.
            let none = "no coverage in force and no self-pay rate card for this program";
            reason = Some(match reason {
                Some(r) => format!("{r}; {none}"),
                None => none.into(),
            });
            (None, None)
        }
    };
    let mut amount = Cents(0);
    let mut auth_id = None;
    if let (Some(code), Some(k), None) = (code, contract, &reason) {
        match fee(k, code) {
            Some(cents) => amount = cents * i64::from(units),
            None => reason = Some(format!("the contract has no fee for {}", code.as_str())),
        }
        if reason.is_none() && k.authorization_required {
            let mine = existing.as_ref().and_then(|e| e.authorization_id);
            let auth = auths.iter().find(|a| {
                Some(a.coverage_id) == coverage.map(|c| c.id)
                    && a.service_code == code
                    && a.start_date <= f.date
                    && f.date <= a.end_date
                    && (mine == Some(a.id)
                        || used.get(&a.id).copied().unwrap_or(0) + i64::from(units)
                            <= i64::from(a.units))
            });
            match auth {
                Some(a) => {
                    if mine != Some(a.id) {
                        *used.entry(a.id).or_default() += i64::from(units);
                    }
                    auth_id = Some(a.id);
                }
                None => {
                    reason = Some(format!(
                        "no authorization with units left covers {} on {}",
                        code.as_str(),
                        f.date
                    ))
                }
            }
        }
    }
    let place = match (f.telehealth, contract) {
        (Some(PatientLocation::Home), _) => TELEHEALTH_AT_HOME.parse().map_err(bad_code)?,
        (Some(PatientLocation::Elsewhere), _) => TELEHEALTH_ELSEWHERE.parse().map_err(bad_code)?,
        (None, Some(k)) => k.place_of_service.clone(),
        (None, None) => FACILITY.parse().map_err(bad_code)?,
    };
    let mut modifiers = contract.map(|k| k.modifiers.clone()).unwrap_or_default();
    if f.telehealth.is_some() && contract.is_some_and(|k| k.telehealth_modifier_95) {
        modifiers = modifiers.with("95").map_err(bad_code)?;
    }
    let row = ChargeRow {
        id: existing.as_ref().map_or_else(ChargeId::new_v7, |e| e.id),
        patient_id: f.patient,
        source_kind: f.kind,
        source_id: f.source.clone(),
        service_date: f.date,
        code,
        modifiers,
        units: i32::try_from(units).unwrap_or(0),
        amount_cents: if reason.is_none() { amount } else { Cents(0) },
        payer: if coverage.is_some() {
            ChargePayer::Insurance
        } else {
            ChargePayer::SelfPay
        },
        coverage_id: coverage.map(|c| c.id),
        contract_id: contract.map(|k| k.id),
        authorization_id: if reason.is_none() { auth_id } else { None },
        place_of_service: place,
        status: if reason.is_none() {
            ChargeStatus::Ready
        } else {
            ChargeStatus::Pending
        },
        pending_reason: reason,
        // A charge already on a claim not sent yet stays on it; building claims re-checks
        // the claim against its lines as they now are.
        claim_id: existing.as_ref().and_then(|e| e.claim_id),
        created_at: existing.as_ref().map_or(now, |e| e.created_at),
        updated_at: now,
        void_reason: None,
        rendering_staff_id: f.rendering,
        paid_cents: Cents(0),
        patient_resp_cents: Cents(0),
    };
    let same = existing.as_ref().is_some_and(|e| {
        (
            &e.status,
            &e.code,
            e.amount_cents,
            &e.pending_reason,
            &e.coverage_id,
            &e.authorization_id,
            (&e.rendering_staff_id, &e.place_of_service, &e.modifiers),
        ) == (
            &row.status,
            &row.code,
            row.amount_cents,
            &row.pending_reason,
            &row.coverage_id,
            &row.authorization_id,
            (
                &row.rendering_staff_id,
                &row.place_of_service,
                &row.modifiers,
            ),
        )
    });
    if same {
        report.unchanged += 1;
        return Ok(None);
    }
    count(&row, report);
    Ok(Some(row))
}

type SourceKey = (PatientId, iop_domain::billing::ChargeSource, String);

/// The charges a run may touch, read once per patient: stored ones are updated as they
/// change, new ones go in together at the end (one statement per few thousand rows,
/// not a lookup and an insert per charge).
#[derive(Default)]
struct Run {
    /// The charge of each source, and whether it is stored yet.
    known: HashMap<SourceKey, (ChargeRow, bool)>,
    read: std::collections::HashSet<PatientId>,
}

impl Run {
    fn read_patients<'a>(
        &mut self,
        c: &mut DbConn,
        found: impl Iterator<Item = &'a Found>,
    ) -> Result<()> {
        let mut ids: Vec<PatientId> = found
            .map(|f| f.patient)
            .filter(|p| !self.read.contains(p))
            .collect();
        ids.sort_unstable();
        ids.dedup();
        for row in store::charges_of_patients(c, &ids)? {
            let key = (row.patient_id, row.source_kind, row.source_id.clone());
            self.known.entry(key).or_insert((row, true));
        }
        self.read.extend(ids);
        Ok(())
    }

    fn existing(&self, f: &Found) -> Option<ChargeRow> {
        self.known
            .get(&(f.patient, f.kind, f.source.clone()))
            .map(|(row, _)| row.clone())
    }

    fn write(&mut self, c: &mut DbConn, row: ChargeRow) -> Result<()> {
        let key = (row.patient_id, row.source_kind, row.source_id.clone());
        let stored = self.known.get(&key).is_some_and(|(_, stored)| *stored);
        if stored {
            store::update_charge(c, &row)?;
        }
        self.known.insert(key, (row, stored));
        Ok(())
    }

    fn insert_new(self, c: &mut DbConn) -> Result<()> {
        let new: Vec<ChargeRow> = self
            .known
            .into_values()
            .filter(|(_, stored)| !stored)
            .map(|(row, _)| row)
            .collect();
        iop_store::bulk::insert_charges(c, &new)?;
        Ok(())
    }
}

fn count(row: &ChargeRow, report: &mut GenerateReport) {
    if row.status == ChargeStatus::Ready {
        report.ready += 1;
    } else {
        report.pending += 1;
    }
}

impl App {
    /// Makes or updates the charges of every documented service between two dates.
    pub fn generate_charges(&self, ctx: &Ctx, from: Date, to: Date) -> Result<GenerateReport> {
        ctx.require(Action::ManageBilling)?;
        crate::calendar::sessions::check_range(from, to)?;
        self.store.write(|c| {
            let now = Instant(ctx.now());
            let mut report = GenerateReport::default();
            let coverages = Coverages::in_force(c, from, to)?;
            let auths = store::authorizations_of(c, None)?;
            let ids: Vec<_> = auths.iter().map(|a| a.id).collect();
            let mut used: HashMap<AuthorizationId, i64> = store::units_used(c, &ids)?.into_iter().collect();
            let mut run = Run::default();
            for program in org::programs(c)? {
                let contracts = store::contracts_of(c, program.id)?;
                let found = found::in_program(c, program.id, &contracts, &coverages, from, to)?;
                run.read_patients(c, found.iter())?;
                for f in found {
                    let payer = payer_for(&coverages, &contracts, f.patient, f.date);
                    let existing = run.existing(&f);
                    if let Some(row) = upsert(now, &f, existing, payer, &auths, &mut used, &mut report)? {
                        run.write(c, row)?;
                    }
                }
            }
            let appointments = found::in_appointments(c, &coverages, from, to)?;
            run.read_patients(c, appointments.iter().map(|(f, _)| f))?;
            for (f, program) in appointments {
                let contracts = store::contracts_of(c, program)?;
                let payer = payer_for(&coverages, &contracts, f.patient, f.date);
                let existing = run.existing(&f);
                if let Some(row) = upsert(now, &f, existing, payer, &auths, &mut used, &mut report)? {
                    run.write(c, row)?;
                }
            }
            run.insert_new(c)?;
            record(c, ctx, Event::ok("billing.charges.generate").detail(serde_json::json!({ "from": from.to_string(), "to": to.to_string(), "ready": report.ready, "pending": report.pending, "voided": report.voided })))?;
            Ok(report)
        })
    }

    /// Charges with service dates in a range (billing's work list).
    pub fn charges(
        &self,
        ctx: &Ctx,
        from: Date,
        to: Date,
        patient: Option<PatientId>,
    ) -> Result<Vec<Charge>> {
        ctx.require(Action::ViewBilling)?;
        crate::calendar::sessions::check_range(from, to)?;
        let rows: Vec<ChargeRow> = self.store.read_audited::<_, AppError>(|c| {
            let rows = store::charges_between(c, Day(from), Day(to), patient)?;
            let mut event =
                Event::ok("billing.charges.view").detail(serde_json::json!({ "rows": rows.len() }));
            event.patient_id = patient;
            record(c, ctx, event)?;
            Ok(rows)
        })?;
        Ok(rows.into_iter().map(Into::into).collect())
    }
}

crate::view::view!(
/// A charge for a documented service, or why it is pending.
Charge from ChargeRow {
    id: ChargeId,
    patient_id: PatientId,
    source_kind: iop_domain::billing::ChargeSource,
    source_id: String,
    service_date: Day,
    code: Option<iop_domain::billing::Code>,
    modifiers: iop_domain::billing::Modifiers,
    units: i32,
    amount_cents: iop_domain::Cents,
    payer: iop_domain::billing::ChargePayer,
    coverage_id: Option<CoverageId>,
    contract_id: Option<ContractId>,
    authorization_id: Option<AuthorizationId>,
    place_of_service: iop_domain::billing::PlaceOfService,
    status: iop_domain::billing::ChargeStatus,
    pending_reason: Option<String>,
    claim_id: Option<ClaimId>,
    created_at: Instant,
    updated_at: Instant,
    void_reason: Option<String>,
    rendering_staff_id: Option<StaffId>,
    paid_cents: iop_domain::Cents,
    patient_resp_cents: iop_domain::Cents,
});
