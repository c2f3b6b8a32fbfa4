//! The notice of privacy practices every patient is given at admission (42 CFR §2.22),
//! recorded with its time and version; and the program's Part 2 settings: the state's
//! rule for minors (§2.14) and the notice's current version.

use crate::audit::{record, Event};
use crate::ctx::Ctx;
use crate::error::{AppError, Result};
use crate::policy::Action;
use crate::App;
use iop_domain::ids::*;
use iop_domain::time::Instant;
use iop_store::notices::{self as store, PrivacyNoticeRow};
use iop_store::DbConn;

/// Records that the patient was given the program's current notice, now.
pub(crate) fn give_notice(
    c: &mut DbConn,
    ctx: &Ctx,
    patient_id: PatientId,
    episode_id: Option<EpisodeId>,
    version: &str,
) -> Result<PrivacyNoticeId> {
    let id = PrivacyNoticeId::new_v7();
    let now = Instant(ctx.now());
    store::insert(
        c,
        &PrivacyNoticeRow {
            id,
            patient_id,
            episode_id,
            version: version.to_string(),
            given_at: now,
            given_by: ctx.actor_ref(),
            recorded_at: now,
        },
    )?;
    let subject = format!("privacy_notice:{id}");
    let mut event = Event::ok("privacy_notice.give")
        .subject(&subject)
        .detail(serde_json::json!({ "version": version }));
    event.patient_id = Some(patient_id);
    record(c, ctx, event)?;
    Ok(id)
}

/// A program's Part 2 settings.
#[derive(Clone, Debug, serde::Deserialize, serde::Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PrivacySettings {
    /// The program's state requires a parent's or guardian's consent to a minor's
    /// substance use disorder treatment, so a minor's consents to disclosure need both
    /// the minor's and the parent's signature (§2.14(b)).
    pub minors_need_parent_consent: bool,
    /// The age at which a patient comes of age in the program's state (18 to 21).
    pub age_of_majority: i32,
    /// The version of the program's notice of privacy practices now given to patients.
    pub privacy_notice_version: String,
}

impl App {
    /// Records that a patient was given the notice of privacy practices, for a patient
    /// who could not take it in at admission (§2.22(a): as soon as they can).
    pub fn give_privacy_notice(&self, ctx: &Ctx, patient: PatientId) -> Result<PrivacyNoticeId> {
        ctx.require(Action::ManageConsents)?;
        self.store.write(|c| {
            crate::scope::require_patient(c, ctx, patient)?;
            let (ep, pc) = crate::clinical::individual::patient_program(c, patient)?;
            give_notice(
                c,
                ctx,
                patient,
                Some(ep.id),
                &pc.program.privacy_notice_version,
            )
        })
    }

    /// Sets a program's Part 2 settings; consents are judged by them from then on.
    pub fn set_privacy_settings(
        &self,
        ctx: &Ctx,
        program_id: ProgramId,
        s: PrivacySettings,
    ) -> Result<()> {
        ctx.require(Action::ManageProgramPrivacy)?;
        if !(18..=21).contains(&s.age_of_majority) {
            return Err(AppError::Invalid(
                "the age of majority must be between 18 and 21".into(),
            ));
        }
        let version = crate::input::line(
            &s.privacy_notice_version,
            40,
            "the notice of privacy practices' version",
        )?;
        self.store.write(|c| {
            if !store::set_program_privacy(
                c,
                program_id,
                s.minors_need_parent_consent,
                s.age_of_majority,
                &version,
            )? {
                return Err(AppError::NotFound(format!("program {program_id}")));
            }
            let subject = format!("program:{program_id}");
            record(
                c,
                ctx,
                Event::ok("program.privacy.update").subject(&subject),
            )
        })
    }
}
