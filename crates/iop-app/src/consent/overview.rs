//! A patient's consents as the consent page and the API show them: each version with
//! its recipients, whether it is in force, the statements it must carry; and the
//! notices of privacy practices the patient was given.

use super::consents::{ConsentRecipient, ConsentRecord, RelatedPerson};
use super::disclosures::{domain_consents, patient_facts};
use crate::audit::{record, Event};
use crate::ctx::Ctx;
use crate::error::{AppError, Result};
use crate::policy::Action;
use crate::App;
use iop_domain::consent::{self as gate, Expiry};
use iop_domain::ids::PatientId;
use iop_domain::time::{Day, Instant};
use iop_store::admissions::episodes;
use iop_store::consent::{self as store, ConsentRow, RecipientRow};

#[derive(Clone, Debug, serde::Serialize, utoipa::ToSchema)]
pub struct ConsentView {
    #[serde(flatten)]
    pub row: ConsentRecord,
    pub recipients: Vec<ConsentRecipient>,
    /// The specific description of each kind of information, as printed.
    pub described: Vec<&'static str>,
    pub in_force: bool,
    /// Printed on the consent when a recipient is a covered entity or business
    /// associate receiving for treatment, payment or operations (§2.31(a)(4)(iii)).
    pub redisclosure_statement: Option<&'static str>,
}

impl ConsentView {
    pub(crate) fn new(
        row: ConsentRow,
        recipients: Vec<RecipientRow>,
        parsed: Option<&gate::Consent>,
        in_force: bool,
    ) -> Self {
        ConsentView {
            described: row.information.0.iter().map(|k| k.describe()).collect(),
            redisclosure_statement: parsed
                .filter(|d| gate::needs_redisclosure_statement(d))
                .map(|_| gate::HIPAA_REDISCLOSURE),
            row: row.into(),
            recipients: recipients.into_iter().map(Into::into).collect(),
            in_force,
        }
    }
}

#[derive(Clone, Debug, serde::Serialize, utoipa::ToSchema)]
pub struct ConsentOverview {
    pub name: String,
    pub mrn: String,
    pub date_of_birth: Day,
    pub minor_self_consent: bool,
    pub relatives: Vec<RelatedPerson>,
    pub consents: Vec<ConsentView>,
    /// Each time the patient was given the notice of privacy practices, latest first.
    pub privacy_notices: Vec<NoticeGiven>,
    /// The version of the notice the program gives now.
    pub current_notice_version: String,
    /// Consents drafted for the patient to sign in the portal, not yet signed.
    pub drafts_waiting: usize,
}

/// A notice of privacy practices given to the patient (§2.22).
#[derive(Clone, Debug, serde::Serialize, utoipa::ToSchema)]
pub struct NoticeGiven {
    pub version: String,
    pub given_at: Instant,
    /// When, in the program's time zone ("December 2, 2026, 6:10 PM").
    pub given_local: String,
}

impl App {
    pub fn consents(&self, ctx: &Ctx, patient: PatientId) -> Result<Vec<ConsentView>> {
        Ok(self.consent_overview(ctx, patient)?.consents)
    }

    /// The patient's relatives and consents, with who the patient is (the consent page).
    pub fn consent_overview(&self, ctx: &Ctx, patient: PatientId) -> Result<ConsentOverview> {
        let patient_id = patient;
        crate::portal::require_either(
            ctx,
            Action::ManageConsents,
            crate::policy::PortalAction::ManageConsents,
        )?;
        self.store.read_audited(|c| {
            crate::scope::require_patient(c, ctx, patient_id)?;
            let p = episodes::patient_by_id(c, patient_id)?
                .ok_or_else(|| AppError::NotFound(format!("patient {patient_id}")))?;
            let (today, ended, _) = patient_facts(c, patient_id, ctx.now())?;
            let rows = store::consents_of(c, &[patient_id])?;
            let domain = domain_consents(&rows);
            let consents = rows
                .into_iter()
                .map(|(row, recipients)| {
                    let d = domain.iter().find(|d| d.id == row.id);
                    let in_force = d.is_some_and(|d| {
                        d.superseded_at.is_none()
                            && match d.expiry {
                                Expiry::On(e) => today <= e,
                                Expiry::EndOfTreatment => ended.is_none_or(|end| today <= end),
                                Expiry::Never => true,
                            }
                    });
                    ConsentView::new(row, recipients, d, in_force)
                })
                .collect();
            let relatives = store::persons_of(c, &[patient_id])?;
            let (_, pc) = crate::clinical::individual::patient_program(c, patient_id)?;
            let privacy_notices = iop_store::notices::of_patient(c, patient_id)?
                .into_iter()
                .map(|n| NoticeGiven {
                    given_local: n
                        .given_at
                        .0
                        .to_zoned(pc.tz.clone())
                        .strftime("%B %-d, %Y, %-I:%M %p")
                        .to_string(),
                    version: n.version,
                    given_at: n.given_at,
                })
                .collect();
            let mut event = Event::ok("consent.view");
            event.patient_id = Some(patient);
            record(c, ctx, event)?;
            Ok(ConsentOverview {
                name: p.shown_name(),
                mrn: p.mrn,
                date_of_birth: p.date_of_birth,
                minor_self_consent: p.minor_self_consent,
                relatives: relatives.into_iter().map(Into::into).collect(),
                consents,
                privacy_notices,
                current_notice_version: pc.program.privacy_notice_version,
                drafts_waiting: iop_store::portal::drafts::waiting(c, patient_id)?.len(),
            })
        })
    }
}
