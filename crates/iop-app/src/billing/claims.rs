//! Claims: ready insurance charges grouped per patient, coverage and month; the checks
//! a claim passes before it can go out (NPI, ICD-10, member id, authorization, consent
//! to disclose to the payer, and the 837P layout itself); 837P batches, each claim in
//! them a logged disclosure.

use super::claim_form::claim_for;
use crate::audit::{record, Event};
use crate::consent::disclosures::{ask_gate, disclose, Outgoing};
use crate::ctx::Ctx;
use crate::error::{AppError, Result};
use crate::policy::Action;
use crate::App;
use iop_domain::consent::{InfoKind, Recipient};
use iop_domain::ids::*;
use iop_domain::time::{Day, Instant};
use iop_domain::Cents;
use iop_interop::x12::{self, Address, Batch, BillingProvider, Claim, Receiver, Submitter, Usage};
use iop_store::billing::{self as store, BatchRow, ChargeRow, ClaimRow, SiteBillingRow};
use iop_store::DbConn;
use std::collections::BTreeMap;

/// Lines per claim: the 837P allows 50.
const MAX_LINES: usize = 50;

/// `now` is read at the billing site: the interchange date is the sender's date.
fn batch_header(b: &SiteBillingRow, icn: u32, now: jiff::Zoned, claims: Vec<Claim>) -> Batch {
    Batch {
        interchange_control_number: icn,
        group_control_number: icn,
        transaction_control_number: icn,
        created: now.datetime(),
        usage: if b.usage == iop_domain::billing::ClaimUsage::Production {
            Usage::Production
        } else {
            Usage::Test
        },
        submitter: Submitter {
            name: b.organisation_name.clone(),
            id: b.submitter_id.clone(),
            contact_name: b.contact_name.clone(),
            phone: b.contact_phone.clone(),
        },
        receiver: Receiver {
            name: b.receiver_name.clone(),
            id: b.receiver_id.clone(),
        },
        billing_provider: BillingProvider {
            name: b.organisation_name.clone(),
            npi: b.npi.to_string(),
            tax_id: b.tax_id.clone(),
            address: Address {
                line: b.address_line.clone(),
                city: b.city.clone(),
                state: b.state.clone(),
                zip: b.zip.clone(),
            },
        },
        claims,
    }
}

/// The site billing the patient's program, and its billing identity.
fn billing_of(c: &mut DbConn, patient_id: PatientId) -> Result<Option<SiteBillingRow>> {
    let (_, pc) = crate::clinical::individual::patient_program(c, patient_id)?;
    Ok(store::site_billing_of(c, pc.site.id)?)
}

/// A claim not sent yet follows its documentation: a line no longer billable (void) or
/// no longer under the claim's coverage leaves it, and its total is the sum of the rest.
fn refresh_lines(c: &mut DbConn, claim: &ClaimRow, now: Instant) -> Result<Cents> {
    let mut total = Cents(0);
    for mut l in store::charges_of_claim(c, claim.id)? {
        // Void, or now under another coverage (or self-pay): it is not this claim's.
        if l.status == iop_domain::billing::ChargeStatus::Void
            || l.coverage_id != Some(claim.coverage_id)
        {
            l.claim_id = None;
            l.updated_at = now;
            store::update_charge(c, &l)?;
        } else {
            total += l.amount_cents;
        }
    }
    Ok(total)
}

/// Runs every check on one claim; the problems, or None when it can go out.
fn check(c: &mut DbConn, ctx: &Ctx, claim: &ClaimRow) -> Result<Option<String>> {
    let lines = super::corrections::lines_of(c, claim)?;
    let cov = store::coverage(c, claim.coverage_id)?
        .ok_or_else(|| AppError::Internal("claim without coverage".into()))?;
    let payer = store::payer(c, claim.payer_id)?
        .ok_or_else(|| AppError::Internal("claim without payer".into()))?;
    let mut problems = Vec::new();
    if lines.is_empty() {
        return Ok(Some(
            "no billable line is left on this claim; it will not be sent".into(),
        ));
    }
    for l in &lines {
        let sendable = matches!(
            l.status,
            iop_domain::billing::ChargeStatus::Ready | iop_domain::billing::ChargeStatus::Billed
        );
        if !sendable {
            problems.push(format!(
                "the {} line is {}: {}",
                l.service_date,
                l.status,
                l.pending_reason
                    .as_deref()
                    .unwrap_or("its documentation changed")
            ));
        }
    }
    let Some(site) = billing_of(c, claim.patient_id)? else {
        return Ok(Some(
            "the site has no billing identity (NPI, tax id, clearinghouse) yet".into(),
        ));
    };
    if let Err(why) = ask_gate(
        c,
        claim.patient_id,
        &Recipient::Payer(payer.id),
        InfoKind::Billing,
        ctx.now(),
    )? {
        problems.push(format!(
            "no consent to disclose billing information to {}: {why}",
            payer.name
        ));
    }
    match claim_for(c, claim, &lines, &cov, &payer)? {
        Err(p) => problems.push(p),
        Ok(one) => {
            if let Err(e) = x12::write_837p(&batch_header(
                &site,
                1,
                ctx.now()
                    .to_zoned(crate::clock::site_zone(c, site.site_id)?),
                vec![one],
            )) {
                problems.push(format!("the 837P cannot be written: {e}"));
            }
        }
    }
    Ok((!problems.is_empty()).then(|| problems.join("; ")))
}

/// What one claim holds: a patient's lines under one coverage, in one month, in one
/// episode (its diagnoses are the claim's), and for professional codes one rendering
/// clinician (loop 2310B names one).
type ClaimKey = (
    PatientId,
    CoverageId,
    (i16, i8),
    Option<EpisodeId>,
    Option<StaffId>,
);

fn claim_groups(
    c: &mut DbConn,
    ready: Vec<ChargeRow>,
) -> Result<BTreeMap<ClaimKey, Vec<ChargeRow>>> {
    let mut episodes: std::collections::HashMap<
        PatientId,
        Vec<iop_store::admissions::episodes::EpisodeRow>,
    > = Default::default();
    let mut groups: BTreeMap<ClaimKey, Vec<ChargeRow>> = BTreeMap::new();
    for ch in ready {
        let Some(cov) = ch.coverage_id else { continue };
        if let std::collections::hash_map::Entry::Vacant(e) = episodes.entry(ch.patient_id) {
            e.insert(iop_store::admissions::episodes::episodes_with_patient_id(
                c,
                ch.patient_id,
            )?);
        }
        let d = ch.service_date;
        let episode = episodes
            .get(&ch.patient_id)
            .and_then(|all| {
                all.iter()
                    .filter(|e| super::claim_form::covers(e, d))
                    .max_by_key(|e| e.admit_date)
            })
            .map(|e| e.id);
        let rendering = ch
            .code
            .filter(|code| super::claim_form::is_professional(*code))
            .and(ch.rendering_staff_id);
        let month = (d.0.year(), d.0.month());
        groups
            .entry((ch.patient_id, cov, month, episode, rendering))
            .or_default()
            .push(ch);
    }
    Ok(groups)
}

#[derive(Clone, Debug, Default, serde::Serialize, utoipa::ToSchema)]
pub struct ClaimsReport {
    pub created: u32,
    pub ready: u32,
    pub held: u32,
}

/// An 837P file as it is downloaded: `batch-<interchange number>-<date>.x12`.
pub struct BatchFile {
    pub name: String,
    pub content: String,
}

impl App {
    /// Groups ready insurance charges into claims (per patient, coverage and month, 50
    /// lines at most) and checks every claim not yet sent, old ones included.
    pub fn build_claims(&self, ctx: &Ctx) -> Result<ClaimsReport> {
        ctx.require(Action::ManageBilling)?;
        self.store.write(|c| {
            let now = Instant(ctx.now());
            let mut report = ClaimsReport::default();
            let mut n = store::claims_count(c)?;
            let ready = store::unclaimed_ready(c)?;
            for ((patient, coverage, ..), charges) in claim_groups(c, ready)? {
                let cov = store::coverage(c, coverage)?.ok_or_else(|| AppError::Internal("charge without coverage".into()))?;
                for chunk in charges.chunks(MAX_LINES) {
                    let (Some(first), Some(last)) = (chunk.first(), chunk.last()) else { continue };
                    n += 1;
                    let total: Cents = chunk.iter().map(|l| l.amount_cents).sum();
                    let claim = ClaimRow {
                        id: ClaimId::new_v7(),
                        claim_number: format!("IOP{n:07}"),
                        patient_id: patient,
                        coverage_id: coverage,
                        payer_id: cov.payer_id,
                        period_from: first.service_date,
                        period_to: last.service_date,
                        total_cents: total,
                        status: iop_domain::billing::ClaimStatus::Held,
                        problems: None,
                        batch_id: None,
                        payer_claim_number: None,
                        paid_cents: Cents(0),
                        patient_resp_cents: Cents(0),
                        created_at: now,
                        updated_at: now,
                        submitted_on: None,
                        frequency: iop_domain::billing::ClaimFrequency::Original,
                        corrects_claim_id: None,
                        correction_reason: None,
                    };
                    store::insert_claim(c, &claim)?;
                    for l in chunk {
                        let mut l = l.clone();
                        l.claim_id = Some(claim.id);
                        l.updated_at = now;
                        store::update_charge(c, &l)?;
                    }
                    report.created += 1;
                }
            }
            for mut claim in store::claims_with(c, &[iop_domain::billing::ClaimStatus::Held, iop_domain::billing::ClaimStatus::Ready], None)? {
                if claim.corrects_claim_id.is_none() {
                    claim.total_cents = refresh_lines(c, &claim, now)?;
                }
                let problems = check(c, ctx, &claim)?;
                claim.status = if problems.is_some() { iop_domain::billing::ClaimStatus::Held } else { iop_domain::billing::ClaimStatus::Ready };
                claim.problems = problems;
                claim.updated_at = now;
                store::update_claim(c, &claim)?;
                if claim.status == iop_domain::billing::ClaimStatus::Ready {
                    report.ready += 1;
                } else {
                    report.held += 1;
                }
            }
            record(c, ctx, Event::ok("billing.claims.build").detail(serde_json::json!({ "created": report.created, "ready": report.ready, "held": report.held })))?;
            Ok(report)
        })
    }

    pub fn claims(
        &self,
        ctx: &Ctx,
        status: Option<iop_domain::billing::ClaimStatus>,
    ) -> Result<Vec<ClaimView>> {
        ctx.require(Action::ViewBilling)?;
        let statuses: Vec<_> = status.into_iter().collect();
        let rows: Vec<ClaimRow> = self.store.read_audited::<_, AppError>(|c| {
            let rows = store::claims_with(c, &statuses, None)?;
            record(
                c,
                ctx,
                Event::ok("billing.claims.view").detail(serde_json::json!({ "rows": rows.len() })),
            )?;
            Ok(rows)
        })?;
        Ok(rows.into_iter().map(Into::into).collect())
    }

    /// Writes every ready claim of one site into one 837P batch; each claim is logged as
    /// a disclosure to its payer under the patient's consent.
    pub fn create_claim_batch(&self, ctx: &Ctx) -> Result<Option<BatchId>> {
        ctx.require(Action::ManageBilling)?;
        let actor = ctx.actor_ref();
        self.store.write(|c| {
            let ready = store::claims_with(c, &[iop_domain::billing::ClaimStatus::Ready], None)?;
            let Some(first) = ready.first() else {
                return Ok(None);
            };
            let site = billing_of(c, first.patient_id)?
                .ok_or_else(|| AppError::Conflict("the site has no billing identity yet".into()))?;
            let icn = u32::try_from(store::last_control_number(c)? + 1)
                .map_err(|e| AppError::Internal(e.to_string()))?;
            let mut claims = Vec::new();
            let mut sent = Vec::new();
            for claim in ready {
                if billing_of(c, claim.patient_id)?.is_none_or(|b| b.site_id != site.site_id) {
                    continue; // Another site's claims go in that site's batch.
                }
                if check(c, ctx, &claim)?.is_some() {
                    continue; // Something changed since it was checked: it waits.
                }
                let lines = super::corrections::lines_of(c, &claim)?;
                let cov = store::coverage(c, claim.coverage_id)?
                    .ok_or_else(|| AppError::Internal("claim without coverage".into()))?;
                let payer = store::payer(c, claim.payer_id)?
                    .ok_or_else(|| AppError::Internal("claim without payer".into()))?;
                if let Ok(one) = claim_for(c, &claim, &lines, &cov, &payer)? {
                    claims.push(one);
                    sent.push((claim, lines, payer));
                }
            }
            if claims.is_empty() {
                return Ok(None);
            }
            let site_now = ctx
                .now()
                .to_zoned(crate::clock::site_zone(c, site.site_id)?);
            let today = site_now.date();
            let content = x12::write_837p(&batch_header(&site, icn, site_now, claims))
                .map_err(|e| AppError::Conflict(format!("the batch cannot be written: {e}")))?;
            let batch_id = BatchId::new_v7();
            let total: Cents = sent.iter().map(|(k, _, _)| k.total_cents).sum();
            store::insert_batch(
                c,
                &BatchRow {
                    id: batch_id,
                    interchange_control_number: i32::try_from(icn).unwrap_or(i32::MAX),
                    content,
                    claim_count: i32::try_from(sent.len()).unwrap_or(i32::MAX),
                    total_cents: total,
                    created_by: actor,
                    created_at: Instant(ctx.now()),
                },
            )?;
            for (mut claim, lines, payer) in sent {
                claim.status = iop_domain::billing::ClaimStatus::Submitted;
                claim.batch_id = Some(batch_id);
                claim.submitted_on = Some(Day(today));
                claim.updated_at = Instant(ctx.now());
                store::update_claim(c, &claim)?;
                for mut l in lines {
                    l.status = iop_domain::billing::ChargeStatus::Billed;
                    store::update_charge(c, &l)?;
                }
                let subject = format!("claim:{}", claim.id);
                disclose(
                    c,
                    ctx,
                    &Outgoing {
                        patient_id: claim.patient_id,
                        recipient: &Recipient::Payer(payer.id),
                        recipient_name: &payer.name,
                        kinds: &[InfoKind::Billing],
                        purpose: "payment (claim)",
                        channel: iop_domain::consent::DisclosureChannel::Claim,
                        subject: Some(&subject),
                        as_of: None,
                    },
                )?;
            }
            let subject = format!("claim_batch:{batch_id}");
            record(c, ctx, Event::ok("billing.batch.create").subject(&subject))?;
            Ok(Some(batch_id))
        })
    }

    /// The 837P file of a batch.
    pub fn claim_batch_file(&self, ctx: &Ctx, id: BatchId) -> Result<BatchFile> {
        ctx.require(Action::ViewBilling)?;
        self.store.write(|c| {
            let b = store::batch(c, id)?
                .ok_or_else(|| AppError::NotFound(format!("claim batch {id}")))?;
            let subject = format!("claim_batch:{id}");
            record(
                c,
                ctx,
                Event::ok("billing.batch.download").subject(&subject),
            )?;
            let day = crate::clock::date_in(&crate::clock::organisation_zone(c)?, b.created_at.0);
            Ok(BatchFile {
                name: format!("batch-{}-{day}.x12", b.interchange_control_number),
                content: b.content,
            })
        })
    }

    pub fn claim_batches(&self, ctx: &Ctx) -> Result<Vec<ClaimBatch>> {
        ctx.require(Action::ViewBilling)?;
        let rows = self.store.read(|c| Ok::<_, AppError>(store::batches(c)?))?;
        Ok(rows
            .into_iter()
            .map(|b| ClaimBatch {
                id: b.id,
                interchange_control_number: b.interchange_control_number,
                claim_count: b.claim_count,
                total_cents: b.total_cents,
                created_at: b.created_at,
            })
            .collect())
    }
}

/// An 837P batch as listed: its interchange control number, claims and total.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct ClaimBatch {
    pub id: BatchId,
    /// ISA13 of the interchange.
    pub interchange_control_number: i32,
    pub claim_count: i32,
    pub total_cents: iop_domain::Cents,
    pub created_at: Instant,
}

crate::view::view!(
/// A claim: its patient, payer, period, amounts and where it stands.
ClaimView from ClaimRow {
    id: ClaimId,
    claim_number: String,
    patient_id: PatientId,
    coverage_id: CoverageId,
    payer_id: PayerId,
    period_from: Day,
    period_to: Day,
    total_cents: iop_domain::Cents,
    status: iop_domain::billing::ClaimStatus,
    problems: Option<String>,
    batch_id: Option<BatchId>,
    payer_claim_number: Option<String>,
    paid_cents: iop_domain::Cents,
    patient_resp_cents: iop_domain::Cents,
    created_at: Instant,
    updated_at: Instant,
    submitted_on: Option<Day>,
    frequency: iop_domain::billing::ClaimFrequency,
    corrects_claim_id: Option<ClaimId>,
    correction_reason: Option<String>,
});
