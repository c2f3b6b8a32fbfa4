//! Release of records to an outside party (a print or an export): only what a consent
//! naming the recipient covers at this moment, logged as a disclosure, and always with
//! the §2.32 notice and a copy of the consent.

use crate::consent::consents::ConsentView;
use crate::consent::disclosures::{disclose, Outgoing};
use crate::ctx::Ctx;
use crate::error::{AppError, Result};
use crate::policy::Action;
use crate::App;
use iop_domain::consent::{InfoKind, Recipient, NOTICE, NOTICE_VERSION};
use iop_domain::ids::PatientId;
use iop_domain::ids::*;
use iop_domain::time::{Day, Instant};
use iop_store::consent as store;
use iop_store::{
    admissions::episodes, clinical::measures, clinical::plans, clinical::record as clinical, DbConn,
};

pub struct ReleaseRequest {
    /// A recipient line of one of the patient's consents.
    pub recipient_id: RecipientId,
    /// Who receives, when the line names a class ("my treating providers"): the
    /// accounting of disclosures names the actual recipient.
    pub recipient_name: Option<String>,
    pub information: Vec<String>,
    pub purpose: String,
    /// print or export.
    pub channel: iop_domain::consent::DisclosureChannel,
}

#[derive(Clone, Debug, serde::Serialize, utoipa::ToSchema)]
pub struct Section {
    pub heading: &'static str,
    pub lines: Vec<String>,
}

#[derive(Clone, Debug, serde::Serialize, utoipa::ToSchema)]
pub struct ReleasedDocument {
    pub patient_name: String,
    pub date_of_birth: Day,
    pub recipient_name: String,
    pub purpose: String,
    pub released_at: Instant,
    pub sections: Vec<Section>,
    pub notice: &'static str,
    pub notice_version: &'static str,
    /// The consent the release was made under (its copy goes with the document).
    pub consent: ConsentView,
}

/// One section of the released document, its dates written as the organisation writes
/// them (`style`), since the document is read by people outside the program.
fn section(
    c: &mut DbConn,
    patient: PatientId,
    kind: InfoKind,
    style: &iop_domain::display::Style,
) -> Result<Section> {
    let patient_id = patient;
    Ok(match kind {
        InfoKind::Enrollment => {
            let eps = episodes::episodes_with_patient_id(c, patient_id)?;
            let att = clinical::attendance_of_patient(c, patient)?;
            let attended = att.iter().filter(|(a, _)| !a.mark.is_absent()).count();
            let mut lines: Vec<String> = eps
                .iter()
                .map(|e| match &e.ended_on {
                    Some(end) => format!(
                        "In the program from {} to {} ({}).",
                        style.date(e.admit_date),
                        style.date(end),
                        style.words(e.status)
                    ),
                    None => format!(
                        "In the program since {} ({}).",
                        style.date(e.admit_date),
                        style.words(e.status)
                    ),
                })
                .collect();
            lines.push(format!(
                "Attended {attended} of {} recorded group sessions.",
                att.len()
            ));
            Section {
                heading: "Enrollment and attendance",
                lines,
            }
        }
        InfoKind::TreatmentProgress => {
            let mut lines = Vec::new();
            if let Some(p) = plans::treatment_versions(c, patient_id)?.into_iter().next() {
                let content: crate::clinical::treatment::TreatmentPlanContent =
                    serde_json::from_str(&p.content).unwrap_or_default();
                for pr in content.problems {
                    for g in pr.goals {
                        lines.push(format!("Goal: {}", g.goal));
                    }
                }
            }
            for m in measures::measures_of(c, patient_id)?
                .iter()
                .rev()
                .filter(|m| m.total.is_some())
                .take(4)
            {
                lines.push(format!(
                    "{} on {}: {} ({})",
                    m.instrument_version,
                    style.date(m.taken_on),
                    m.total.unwrap_or_default(),
                    m.band.as_deref().unwrap_or("")
                ));
            }
            for s in measures::screens_of(c, patient_id)?.iter().take(5) {
                lines.push(format!(
                    "Drug screen on {}: {}",
                    style.date(s.collected_on),
                    if s.any_positive {
                        "positive"
                    } else {
                        "negative"
                    }
                ));
            }
            Section {
                heading: "Progress in treatment",
                lines,
            }
        }
        InfoKind::Billing => {
            let eps = episodes::episodes_with_patient_id(c, patient_id)?;
            let lines = eps
                .iter()
                .map(|e| {
                    format!(
                        "Diagnoses (ICD-10-CM): {}",
                        e.diagnoses.to_string().replace(',', ", ")
                    )
                })
                .collect();
            Section {
                heading: "Diagnoses for payment",
                lines,
            }
        }
        InfoKind::FamilyParticipation | InfoKind::CounselingNotes => {
            return Err(AppError::Invalid(format!(
                "{} is not released in print or export",
                kind.describe()
            )))
        }
    })
}

impl App {
    /// Prints or exports records for a recipient named on a consent, if the consents as
    /// they stand now allow every kind asked for.
    pub fn release_records(
        &self,
        ctx: &Ctx,
        patient: PatientId,
        r: ReleaseRequest,
    ) -> Result<ReleasedDocument> {
        let patient_id = patient;
        ctx.require(Action::DiscloseRecords)?;
        if !matches!(
            r.channel,
            iop_domain::consent::DisclosureChannel::Print
                | iop_domain::consent::DisclosureChannel::Export
        ) {
            return Err(AppError::Invalid("the channel is print or export".into()));
        }
        let mut kinds = Vec::new();
        for i in &r.information {
            let k = InfoKind::parse(i)
                .ok_or_else(|| AppError::Invalid(format!("unknown kind of information {i:?}")))?;
            if !kinds.contains(&k) {
                kinds.push(k);
            }
        }
        if kinds.is_empty() {
            return Err(AppError::Invalid("say what is released".into()));
        }
        let purpose = crate::input::line(&r.purpose, 300, "the purpose of the release")?;
        self.store.write(|c| {
            crate::scope::require_patient(c, ctx, patient_id)?;
            let p = episodes::patient_by_id(c, patient_id)?
                .ok_or_else(|| AppError::NotFound(format!("patient {patient_id}")))?;
            let line = store::recipient(c, r.recipient_id)?.ok_or_else(|| {
                AppError::NotFound(format!("consent recipient {}", r.recipient_id))
            })?;
            let of_patient =
                store::consent(c, line.consent_id)?.is_some_and(|k| k.patient_id == patient_id);
            if !of_patient {
                return Err(AppError::NotFound(format!(
                    "consent recipient {} of this patient",
                    r.recipient_id
                )));
            }
            let Some(named) =
                crate::consent::disclosures::recipient_of(line.kind, line.ref_id.as_deref())
            else {
                return Err(AppError::Conflict(
                    "this consent describes its recipient only in words the program cannot match; record a new version naming the class or the recipient".into(),
                ));
            };
            let (recipient, recipient_name) = match named {
                Recipient::Class(class) => {
                    let name = crate::input::line(
                        r.recipient_name.as_deref().unwrap_or(""),
                        120,
                        "the name of who receives the records (the consent names a class)",
                    )?;
                    (Recipient::Outside { class, name: name.clone() }, name)
                }
                other => (other, line.name.clone()),
            };
            let style = iop_domain::display::Style::new(
                crate::clock::patient_zone(c, patient)?,
                self.settings.locale,
                ctx.now(),
            );
            let sections = kinds
                .iter()
                .map(|k| section(c, patient, *k, &style))
                .collect::<Result<Vec<_>>>()?;
            let subject = format!("release:{}", r.channel);
            let grant = disclose(
                c,
                ctx,
                &Outgoing {
                    patient_id,
                    recipient: &recipient,
                    recipient_name: &recipient_name,
                    kinds: &kinds,
                    purpose: &purpose,
                    channel: r.channel,
                    subject: Some(&subject),
                    as_of: None,
                },
            )?;
            let (row, recipients) = store::consents_of(c, &[patient_id])?
                .into_iter()
                .find(|(k, _)| k.id == grant.consent_id)
                .ok_or_else(|| AppError::Internal("granting consent vanished".into()))?;
            let parsed = crate::consent::disclosures::domain_consents(&[(row.clone(), recipients.clone())]);
            Ok(ReleasedDocument {
                patient_name: p.shown_name(),
                date_of_birth: p.date_of_birth,
                recipient_name,
                purpose,
                released_at: Instant(ctx.now()),
                sections,
                notice: NOTICE,
                notice_version: NOTICE_VERSION,
                consent: ConsentView::new(row, recipients, parsed.first(), true),
            })
        })
    }
}
