//! After the first call: screening (and its disposition), insurance capture and the intake
//! appointment, each a move of the inquiry's status.

use super::inquiries::{move_status, text};
use crate::audit::{record, Event};
use crate::ctx::Ctx;
use crate::error::{AppError, Result};
use crate::policy::Action;
use crate::App;
use iop_domain::admissions::InsuranceStatus;
use iop_domain::admissions::{disposition, Disposition, InquiryStatus, Screening};
use iop_domain::ids::*;
use iop_domain::time::Instant;
use iop_store::admissions::inquiries::{self as store};
use jiff::Timestamp;

impl App {
    /// Records screening answers; the disposition decides what happens: proceed
    /// (screened), refer to detox or follow the crisis protocol (both close the inquiry
    /// as referred out, with the reason). No patient is created either way.
    pub fn record_screening(&self, ctx: &Ctx, id: InquiryId, s: Screening) -> Result<Disposition> {
        if s.substances.len() > 12 {
            return Err(AppError::Invalid("list at most 12 substances".into()));
        }
        for x in &s.substances {
            crate::input::optional_line(Some(x), 60, "each substance")?;
        }
        crate::input::optional_line(s.last_use.as_deref(), 60, "the last use")?;
        let d = disposition(&s);
        self.with_open_inquiry(ctx, id, |c, row, from| {
            if !matches!(
                from,
                InquiryStatus::New | InquiryStatus::Contacted | InquiryStatus::Screened
            ) {
                return Err(AppError::Conflict(format!(
                    "an inquiry that is {} is past screening",
                    from.label()
                )));
            }
            row.screening =
                Some(serde_json::to_string(&s).map_err(|e| AppError::Internal(e.to_string()))?);
            let (to, reason, code) = match &d {
                Disposition::Proceed => (InquiryStatus::Screened, None, "proceed"),
                Disposition::ReferToDetox { reason } => (
                    InquiryStatus::ReferredOut,
                    Some(format!("referred to detox: {reason}")),
                    "refer_to_detox",
                ),
                Disposition::CrisisProtocol { reason } => (
                    InquiryStatus::ReferredOut,
                    Some(format!("crisis protocol: {reason}")),
                    "crisis_protocol",
                ),
            };
            row.disposition = Some(code.into());
            if from == to {
                row.updated_at = Instant(ctx.now());
                store::update(c, row)?;
                let subject = format!("inquiry:{}", row.id);
                record(c, ctx, Event::ok("inquiry.screening").subject(&subject))?;
            } else {
                move_status(c, ctx, row, to, reason.as_deref())?;
            }
            Ok(d.clone())
        })
    }

    pub fn capture_insurance(
        &self,
        ctx: &Ctx,
        id: InquiryId,
        payer: Option<&str>,
        member_id: Option<&str>,
        status: InsuranceStatus,
    ) -> Result<()> {
        let payer = text(payer, 120, "the payer")?;
        let member = text(member_id, 40, "the member id")?;
        if !matches!(
            status,
            InsuranceStatus::SelfPay | InsuranceStatus::NotCaptured
        ) && (payer.is_none() || member.is_none())
        {
            return Err(AppError::Invalid(
                "give the payer and the member id, or mark the person self-pay".into(),
            ));
        }
        self.with_open_inquiry(ctx, id, |c, row, _| {
            // A payer the program bills (by name or X12 payer id) lets admission start
            // the coverage; any other name is kept as the caller gave it.
            row.payer_id = match payer.as_deref() {
                Some(named) => iop_store::billing::all_payers(c)?
                    .into_iter()
                    .find(|p| p.name.eq_ignore_ascii_case(named) || p.payer_id == named)
                    .map(|p| p.id),
                None => None,
            };
            row.insurance_payer = payer;
            row.insurance_member_id = member;
            row.insurance_status = status;
            row.updated_at = Instant(ctx.now());
            store::update(c, row)?;
            let subject = format!("inquiry:{}", row.id);
            record(
                c,
                ctx,
                Event::ok("inquiry.insurance")
                    .subject(&subject)
                    .detail(serde_json::json!({ "status": status })),
            )
        })
    }

    /// Books the intake appointment (local date and time at the program's site).
    /// Books the intake at a wall-clock time of the site the inquiry is for (the
    /// organisation's first site while no program is chosen).
    pub fn schedule_intake_local(
        &self,
        ctx: &Ctx,
        id: InquiryId,
        at: jiff::civil::DateTime,
    ) -> Result<()> {
        ctx.require(Action::ManageInquiries)?;
        let tz = self.store.read(|c| {
            let program = store::by_id(c, id)?.and_then(|row| row.program_id);
            match program {
                Some(p) => crate::clock::program_zone(c, p),
                None => crate::clock::organisation_zone(c),
            }
        })?;
        let at = at
            .to_zoned(tz)
            .map_err(|_| AppError::Invalid("that local time does not exist".into()))?;
        self.schedule_intake(ctx, id, at.timestamp())
    }

    pub fn schedule_intake(&self, ctx: &Ctx, id: InquiryId, at: Timestamp) -> Result<()> {
        if at
            < ctx
                .now()
                .checked_sub(jiff::SignedDuration::from_hours(1))
                .unwrap_or(at)
        {
            return Err(AppError::Invalid("the intake cannot be in the past".into()));
        }
        self.with_open_inquiry(ctx, id, |c, row, from| {
            if !matches!(from, InquiryStatus::Screened | InquiryStatus::Scheduled) {
                return Err(AppError::Conflict(
                    "screen the person before scheduling the intake".into(),
                ));
            }
            row.intake_at = Some(Instant(at));
            if from == InquiryStatus::Scheduled {
                row.updated_at = Instant(ctx.now());
                store::update(c, row)?;
                let subject = format!("inquiry:{}", row.id);
                record(c, ctx, Event::ok("inquiry.intake").subject(&subject))
            } else {
                move_status(c, ctx, row, InquiryStatus::Scheduled, None)
            }
        })
    }
}
