//! The demo's portal accounts: two patients and one relative (password
//! `demo-password`), with a questionnaire due and a plan waiting for a signature.

use crate::accounts::auth::hash_password;
use crate::clinical::plans::{PlanContent, Support};
use crate::ctx::Ctx;
use crate::error::{AppError, Result};
use crate::App;
use iop_domain::ids::*;
use iop_domain::portal::PortalRole;
use iop_domain::time::Instant;
use iop_store::admissions::episodes;
use iop_store::portal::accounts::{self as store, PortalAccountRow};
use jiff::civil::Date;

/// The demo's portal sign-ins (README).
pub const DEMO_PATIENT: &str = "patient@demo.test";
pub const DEMO_PATIENT_2: &str = "patient2@demo.test";
pub const DEMO_FAMILY: &str = "family@demo.test";

impl App {
    pub(crate) fn seed_demo_portal(
        &self,
        ctx: &Ctx,
        program_id: ProgramId,
        today: Date,
    ) -> Result<()> {
        let hash = hash_password(super::DEMO_PASSWORD)?;
        let casey = self.store.read(|c| -> Result<_> {
            let u = iop_store::accounts::users::by_email(c, "counselor@demo.test")?
                .ok_or_else(|| AppError::Internal("no demo counselor".into()))?;
            Ok(iop_store::calendar::staff_by_user(c, u.id)?.map(|s| s.id))
        })?;
        let active = self
            .store
            .read(|c| -> Result<_> { Ok(episodes::active_with_patients(c, &[program_id])?) })?;
        let now = ctx.now();
        // (patient, a relative a consent in force names, a questionnaire is due)
        let mut candidates = Vec::new();
        for (e, p) in &active {
            if e.admit_date.0 > today {
                continue;
            }
            let (relative, due) = self.store.read(|c| -> Result<_> {
                let gate = crate::consent::disclosures::PatientGate::load(c, p.id, now)?;
                let relative = iop_store::consent::persons_of(c, &[p.id])?
                    .into_iter()
                    .find(|r| crate::portal::access::names_for_family_group(&gate, r.id))
                    .map(|r| r.id);
                Ok((
                    relative,
                    !crate::portal::forms::due_forms(c, p.id, today)?.is_empty(),
                ))
            })?;
            candidates.push((p.id, relative, due, e.primary_counselor_id == casey));
        }
        // Casey's patient first (her dashboard shows their alerts), with a relative and
        // a questionnaire due.
        candidates.sort_by_key(|(_, rel, due, mine)| (!mine, rel.is_none(), !due));
        let Some(&(first, relative, _, _)) = candidates.first() else {
            return Ok(());
        };
        // Another counselor's patient: Casey's others are left for staff to invite.
        let second = candidates
            .iter()
            .filter(|c| c.0 != first)
            .min_by_key(|c| c.3)
            .map(|c| c.0);
        let inviter = self.store.read(|c| -> Result<_> {
            Ok(iop_store::accounts::users::by_email(c, "director@demo.test")?.map(|u| u.id))
        })?;
        let inviter = inviter.ok_or_else(|| AppError::Internal("no demo director".into()))?;
        let mut accounts = vec![(DEMO_PATIENT, first, None)];
        if let Some(r) = relative {
            accounts.push((DEMO_FAMILY, first, Some(r)));
        }
        if let Some(p) = second {
            accounts.push((DEMO_PATIENT_2, p, None));
        }
        self.store.write(|c| -> Result<_> {
            for (email, patient, related) in &accounts {
                store::insert(
                    c,
                    &PortalAccountRow {
                        id: UserId::new_v7(),
                        email: (*email).into(),
                        role: if related.is_some() {
                            PortalRole::Family
                        } else {
                            PortalRole::Patient
                        },
                        patient_id: *patient,
                        related_person_id: *related,
                        password_hash: Some(hash.clone()),
                        totp_secret: None,
                        totp_last_step: None,
                        disabled_at: None,
                        quiet_from: None,
                        quiet_until: None,
                        bounced_at: None,
                        feed_token_hash: None,
                        invited_by: inviter,
                        created_at: Instant(now),
                    },
                )?;
            }
            Ok(())
        })?;
        // A reviewed relapse prevention plan waits for the first patient's signature.
        self.save_relapse_plan(
            ctx,
            first,
            PlanContent {
                reasons_for_recovery: vec!["My daughter".into(), "My health".into()],
                external_triggers: vec!["Friday nights out".into()],
                internal_triggers: vec!["Stress at work".into()],
                early_warning_signs: vec!["Skipping dinner".into(), "Not answering calls".into()],
                coping_strategies: vec!["Call my sister".into(), "Go for a run".into()],
                supports: vec![Support {
                    name: "Sister".into(),
                    phone: "(502) 555-0177".into(),
                }],
                lapse_plan:
                    "Tell my counselor the next day and come to group. In crisis call or text 988."
                        .into(),
            },
        )?;
        Ok(())
    }
}
