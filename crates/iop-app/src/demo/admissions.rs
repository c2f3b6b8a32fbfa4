//! The demo's admissions line: inquiries at each stage, written through the same use
//! cases the coordinator uses: one new, one screened with insurance (admitting it
//! starts the coverage), one referred to withdrawal management, one with an intake
//! booked for tomorrow afternoon.

use super::clinical::{days, internal};
use crate::accounts::auth::actor_of;
use crate::admissions::inquiries::NewInquiry;
use crate::ctx::{Ctx, RequestMeta};
use crate::error::Result;
use crate::App;
use iop_domain::admissions::{InquiryChannel, InsuranceStatus, Screening, WithdrawalRisk};
use iop_domain::ids::ProgramId;
use iop_store::accounts::users;
use jiff::civil::Date;

fn screening(risk: WithdrawalRisk) -> Screening {
    Screening {
        substances: vec!["alcohol".into()],
        last_use: Some("two days ago".into()),
        withdrawal_risk: risk,
        complicated_withdrawal_history: false,
        danger_to_self: false,
        danger_to_others: false,
        prior_treatment: true,
        stepping_down: false,
    }
}

impl App {
    pub(super) fn seed_demo_inquiries(
        &self,
        system: &Ctx,
        program: ProgramId,
        today: Date,
    ) -> Result<()> {
        let coordinator = self.store.read(|c| -> Result<_> {
            let u = users::by_email(c, "admissions@demo.test")?
                .ok_or_else(|| internal("no demo coordinator"))?;
            actor_of(&u)
        })?;
        let ctx = Ctx::staff(coordinator, RequestMeta::cli(system.now()));
        let new = |first: &str, i: u8, channel| NewInquiry {
            channel,
            referral_source: (channel == InquiryChannel::Referral)
                .then(|| "Emergency department".into()),
            first_name: first.into(),
            last_name: None,
            phone: format!("(502) 555-03{i:02}"),
            best_time: Some("after 5 PM".into()),
            may_leave_message: i.is_multiple_of(2),
            program_id: Some(program),
        };
        self.create_inquiry(&ctx, new("Rowan", 1, InquiryChannel::Phone))?;
        let screened = self.create_inquiry(&ctx, new("Sage", 2, InquiryChannel::Web))?;
        self.record_screening(&ctx, screened, screening(WithdrawalRisk::Low))?;
        self.capture_insurance(
            &ctx,
            screened,
            Some("Bluegrass Health Plan"),
            Some("BGH55501234"),
            InsuranceStatus::Verified,
        )?;
        let detox = self.create_inquiry(&ctx, new("Tatum", 3, InquiryChannel::Referral))?;
        self.record_screening(&ctx, detox, screening(WithdrawalRisk::Severe))?;
        let booked = self.create_inquiry(&ctx, new("Umber", 4, InquiryChannel::Phone))?;
        self.record_screening(&ctx, booked, screening(WithdrawalRisk::None))?;
        let at = days(today, 1).to_datetime(jiff::civil::time(15, 0, 0, 0));
        self.schedule_intake_local(&ctx, booked, at)?;
        Ok(())
    }
}
