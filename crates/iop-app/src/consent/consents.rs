//! Related persons and 42 CFR Part 2 consents: recording (versioned) and revoking per
//! recipient. Disclosing goes through `consent::disclosures::disclose`.

use super::disclosures::{domain_consents, patient_facts};
pub use super::overview::{ConsentOverview, ConsentView, NoticeGiven};
use crate::audit::{record, Event};
use crate::ctx::Ctx;
use crate::error::{AppError, Result};
use crate::input::line;
use crate::policy::Action;
use crate::App;
use iop_domain::consent::{self as gate, Expiry, InfoKind, RecipientClass};
use iop_domain::consent::{ExpiryKind, RecipientKind, SignerKind};
use iop_domain::ids::PatientId;
use iop_domain::ids::*;
use iop_domain::time::{Day, Instant};
use iop_store::admissions::episodes;
use iop_store::consent::{self as store, ConsentRow, RecipientRow, RelatedPersonRow};
use jiff::civil::Date;

pub struct NewRelated {
    pub name: String,
    pub relationship: String,
    pub phone: Option<String>,
    pub email: Option<String>,
}

/// An expiry as a form or request gives it: a date (YYYY-MM-DD), `end_of_treatment`,
/// or `never` (TPO consents only); parsed at the edge.
pub fn parse_expiry(raw: &str) -> Result<Expiry> {
    match raw.trim() {
        "end_of_treatment" => Ok(Expiry::EndOfTreatment),
        "never" => Ok(Expiry::Never),
        d => crate::calendar::sessions::parse_date(
            d,
            "the expiry (a date, end_of_treatment or never)",
        )
        .map(Expiry::On),
    }
}

/// Who a new consent names: a related person or a payer (named from their record), or
/// (on a TPO consent) a class of recipients.
#[derive(Clone, serde::Serialize, serde::Deserialize)]
pub enum NewRecipient {
    Person(RelatedPersonId),
    Payer(PayerId),
    Class(RecipientClass),
}

/// Whether `consent_in` records the consent or only checks it (a draft).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Checked {
    Record,
    Only,
}

#[derive(Clone, serde::Serialize, serde::Deserialize)]
pub struct NewConsent {
    /// The consent this new version replaces, if any.
    pub replaces: Option<ConsentId>,
    pub information: Vec<String>,
    pub recipients: Vec<NewRecipient>,
    pub purpose: String,
    pub tpo: bool,
    /// A date, the end of treatment, or never (TPO only).
    pub expiry: Expiry,
    /// The patient's typed name, or "signed on paper".
    pub signature: String,
    /// Set when a representative signs: their name and authority.
    pub representative: Option<(String, String)>,
    /// With a representative: the patient signed too (a minor with a parent, §2.14(b)).
    pub patient_signed_too: bool,
    /// The date on the signed form; today when left out.
    pub signed_on: Option<Date>,
}

impl App {
    pub fn add_related_person(
        &self,
        ctx: &Ctx,
        patient: PatientId,
        n: NewRelated,
    ) -> Result<RelatedPersonId> {
        let patient_id = patient;
        ctx.require(Action::ManageConsents)?;
        let name = line(&n.name, 120, "the name")?;
        let relationship = line(&n.relationship, 60, "the relationship")?;
        let phone = n
            .phone
            .filter(|p| !p.trim().is_empty())
            .map(|p| crate::admissions::inquiries::check_phone(&p))
            .transpose()?;
        let email = n
            .email
            .map(|e| e.trim().to_string())
            .filter(|e| !e.is_empty());
        if email
            .as_deref()
            .is_some_and(|e| !e.contains('@') || e.len() > 200)
        {
            return Err(AppError::Invalid(
                "the email address does not look right".into(),
            ));
        }
        self.store.write(|c| {
            crate::scope::require_patient(c, ctx, patient_id)?;
            episodes::patient_by_id(c, patient_id)?
                .ok_or_else(|| AppError::NotFound(format!("patient {patient_id}")))?;
            let id = RelatedPersonId::new_v7();
            store::insert_person(
                c,
                &RelatedPersonRow {
                    id,
                    patient_id,
                    name,
                    relationship,
                    phone,
                    email,
                    created_by: ctx.actor_ref(),
                    created_at: Instant(ctx.now()),
                },
            )?;
            let subject = format!("related_person:{id}");
            let mut event = Event::ok("consent.related_person.add").subject(&subject);
            event.patient_id = Some(patient);
            record(c, ctx, event)?;
            Ok(id)
        })
    }

    pub fn related_persons(&self, ctx: &Ctx, patient: PatientId) -> Result<Vec<RelatedPerson>> {
        let patient_id = patient;
        ctx.require(Action::ManageConsents)?;
        let rows: Vec<RelatedPersonRow> = self.store.read_audited::<_, AppError>(|c| {
            crate::scope::require_patient(c, ctx, patient_id)?;
            let rows = store::persons_of(c, &[patient_id])?;
            let mut event = Event::ok("consent.related_person.view");
            event.patient_id = Some(patient);
            record(c, ctx, event)?;
            Ok(rows)
        })?;
        Ok(rows.into_iter().map(Into::into).collect())
    }

    /// Records a signed consent (or a new version of one, which replaces the old from
    /// the moment it is signed). Refused unless every §2.31 element is there.
    pub fn record_consent(
        &self,
        ctx: &Ctx,
        patient: PatientId,
        n: NewConsent,
    ) -> Result<ConsentId> {
        ctx.require(Action::ManageConsents)?;
        self.store
            .write(|c| self.consent_in(c, ctx, patient, &n, Checked::Record))
    }

    /// Builds the consent `n` for `patient` as of now, checks every §2.31 element, and
    /// records it (`Checked::Record`) or only answers whether it would be valid
    /// (`Checked::Only`), in the caller's transaction.
    pub(crate) fn consent_in(
        &self,
        c: &mut iop_store::DbConn,
        ctx: &Ctx,
        patient: PatientId,
        n: &NewConsent,
        mode: Checked,
    ) -> Result<ConsentId> {
        let patient_id = patient;
        let mut information = Vec::new();
        for i in &n.information {
            let k = InfoKind::parse(i).ok_or_else(|| {
                AppError::Invalid(format!(
                    "unknown kind of information {i:?}; use {}",
                    InfoKind::ALL.map(InfoKind::as_str).join(", ")
                ))
            })?;
            if !information.contains(&k) {
                information.push(k);
            }
        }
        let purpose = line(&n.purpose, 300, "the purpose")?;
        let signature = line(
            &n.signature,
            120,
            "the signature (typed name, or \"signed on paper\")",
        )?;
        let representative = match &n.representative {
            Some((name, authority)) => Some((
                line(name, 120, "the representative's name")?,
                line(authority, 120, "the representative's authority")?,
            )),
            None => None,
        };
        let actor = ctx.actor_ref();
        {
            crate::scope::require_patient(c, ctx, patient_id)?;
            let (today, _, minor) = patient_facts(c, patient_id, ctx.now())?;
            let (_, pc) = crate::clinical::individual::patient_program(c, patient_id)?;
            let signed_on = n.signed_on.unwrap_or(today);
            if signed_on > today {
                return Err(AppError::Invalid(
                    "the date signed cannot be in the future".into(),
                ));
            }
            let signed_at = if signed_on == today {
                ctx.now()
            } else {
                signed_on
                    .to_zoned(pc.tz.clone())
                    .map_err(|e| AppError::Internal(e.to_string()))?
                    .timestamp()
            };
            let expiry = n.expiry.clone();
            let id = ConsentId::new_v7();
            let mut recipients = Vec::new();
            for r in &n.recipients {
                let (kind, ref_id, name) = match r {
                    NewRecipient::Person(pid) => {
                        let p = store::person(c, *pid)?
                            .filter(|p| p.patient_id == patient_id)
                            .ok_or_else(|| {
                                AppError::NotFound(format!("related person {pid} of this patient"))
                            })?;
                        (RecipientKind::Person, Some(p.id.to_string()), p.name)
                    }
                    NewRecipient::Payer(pid) => {
                        // Named as the payer is on file, so the consent and the claim agree.
                        let payer = iop_store::billing::payer(c, *pid)?
                            .ok_or_else(|| AppError::NotFound(format!("payer {pid}")))?;
                        (RecipientKind::Payer, Some(payer.id.to_string()), payer.name)
                    }
                    NewRecipient::Class(class) => (
                        RecipientKind::Class,
                        Some(class.to_string()),
                        class.describe().to_string(),
                    ),
                };
                recipients.push(RecipientRow {
                    id: RecipientId::new_v7(),
                    consent_id: id,
                    kind,
                    ref_id,
                    name,
                    revoked_at: None,
                    revoked_by: None,
                    revocation_note: None,
                });
            }
            let (series_id, version) = match n.replaces {
                Some(old) => {
                    let o = store::consent(c, old)?
                        .filter(|o| o.patient_id == patient_id)
                        .ok_or_else(|| {
                            AppError::NotFound(format!("consent {old} of this patient"))
                        })?;
                    if !store::supersede(c, old, Instant(signed_at))? {
                        return Err(AppError::Conflict(format!(
                            "consent {old} was already replaced by a newer version"
                        )));
                    }
                    (o.series_id, o.version + 1)
                }
                None => (ConsentSeriesId(id.0), 1),
            };
            let row = ConsentRow {
                id,
                patient_id,
                series_id,
                version,
                discloser: pc.site.name.clone(),
                information: iop_domain::consent::InfoKinds(information.clone()),
                purpose,
                tpo: n.tpo,
                expiry_kind: match expiry {
                    Expiry::On(_) => ExpiryKind::Date,
                    Expiry::EndOfTreatment => ExpiryKind::EndOfTreatment,
                    Expiry::Never => ExpiryKind::Never,
                },
                expiry_date: match expiry {
                    Expiry::On(d) => Some(Day(d)),
                    _ => None,
                },
                signer_kind: if representative.is_some() {
                    SignerKind::Representative
                } else {
                    SignerKind::Patient
                },
                signature,
                signer_name: representative.as_ref().map(|r| r.0.clone()),
                signer_authority: representative.as_ref().map(|r| r.1.clone()),
                signed_at: Instant(signed_at),
                recorded_by: actor,
                recorded_at: Instant(ctx.now()),
                superseded_at: None,
                patient_signed: representative.is_none() || n.patient_signed_too,
            };
            let check = domain_consents(&[(row.clone(), recipients.clone())]);
            let parsed = check
                .first()
                .ok_or_else(|| AppError::Internal("consent did not read back".into()))?;
            gate::validate(parsed, signed_on, minor)
                .map_err(|e| AppError::Invalid(e.to_string()))?;
            if mode == Checked::Only {
                return Ok(id);
            }
            store::insert_consent(c, &row, &recipients)?;
            let subject = format!("consent:{id}");
            let mut event = Event::ok("consent.record")
                .subject(&subject)
                .detail(serde_json::json!({ "version": version, "recipients": recipients.len() }));
            event.patient_id = Some(patient_id);
            record(c, ctx, event)?;
            Ok(id)
        }
    }

    /// Revokes a consent for one recipient, effective at once for new disclosures; the
    /// rest of the consent stays in effect.
    pub fn revoke_consent(&self, ctx: &Ctx, recipient_id: RecipientId, note: &str) -> Result<()> {
        crate::portal::require_either(
            ctx,
            Action::ManageConsents,
            crate::policy::PortalAction::ManageConsents,
        )?;
        let note = line(
            note,
            300,
            "how the patient revoked (for example \"in writing, letter of 2026-11-20\")",
        )?;
        let actor = ctx.actor_ref();
        self.store.write(|c| {
            let r = store::recipient(c, recipient_id)?
                .ok_or_else(|| AppError::NotFound(format!("consent recipient {recipient_id}")))?;
            let consent = store::consent(c, r.consent_id)?
                .ok_or_else(|| AppError::Internal("recipient without consent".into()))?;
            crate::scope::require_patient(c, ctx, consent.patient_id)?;
            if !store::revoke(c, recipient_id, Instant(ctx.now()), actor, &note)? {
                return Err(AppError::Conflict(format!(
                    "consent recipient {recipient_id} is already revoked"
                )));
            }
            let subject = format!("consent:{}", consent.id);
            let mut event = Event::ok("consent.revoke")
                .subject(&subject)
                .detail(serde_json::json!({ "recipient": recipient_id }));
            event.patient_id = Some(consent.patient_id);
            record(c, ctx, event)
        })
    }

    /// Marks a patient as a minor who consented to their own treatment (only they may
    /// then consent to disclosure), or clears it.
    pub fn set_minor_self_consent(&self, ctx: &Ctx, patient: PatientId, value: bool) -> Result<()> {
        let patient_id = patient;
        ctx.require(Action::ManageConsents)?;
        self.store.write(|c| {
            crate::scope::require_patient(c, ctx, patient_id)?;
            let p = episodes::patient_by_id(c, patient_id)?
                .ok_or_else(|| AppError::NotFound(format!("patient {patient_id}")))?;
            if value {
                let dob: Date = p.date_of_birth.0;
                let (today, _, _) = patient_facts(c, patient_id, ctx.now())?;
                let adult = dob
                    .checked_add(jiff::Span::new().years(18))
                    .map_err(|e| AppError::Internal(e.to_string()))?;
                if today >= adult {
                    return Err(AppError::Invalid(
                        "the patient is 18 or older, so is not a minor".into(),
                    ));
                }
            }
            episodes::set_minor_self_consent(c, patient_id, value)?;
            let mut event = Event::ok("consent.minor_self_consent")
                .detail(serde_json::json!({ "value": value }));
            event.patient_id = Some(patient);
            record(c, ctx, event)
        })
    }
}

crate::view::view!(
/// A relative or other person in the patient's life.
RelatedPerson from RelatedPersonRow {
    id: RelatedPersonId,
    patient_id: PatientId,
    name: String,
    relationship: String,
    phone: Option<String>,
    email: Option<String>,
    created_by: ActorRef,
    created_at: Instant,
});

crate::view::view!(
/// One version of a Part 2 consent as recorded.
ConsentRecord from ConsentRow {
    id: ConsentId,
    patient_id: PatientId,
    series_id: ConsentSeriesId,
    version: i32,
    discloser: String,
    information: iop_domain::consent::InfoKinds,
    purpose: String,
    tpo: bool,
    expiry_kind: iop_domain::consent::ExpiryKind,
    expiry_date: Option<Day>,
    signer_kind: iop_domain::consent::SignerKind,
    signature: String,
    signer_name: Option<String>,
    signer_authority: Option<String>,
    signed_at: Instant,
    recorded_by: ActorRef,
    recorded_at: Instant,
    superseded_at: Option<Instant>,
    patient_signed: bool,
});

crate::view::view!(
/// A recipient a consent names, and its revocation if any.
ConsentRecipient from RecipientRow {
    id: RecipientId,
    consent_id: ConsentId,
    kind: iop_domain::consent::RecipientKind,
    ref_id: Option<String>,
    name: String,
    revoked_at: Option<Instant>,
    revoked_by: Option<ActorRef>,
    revocation_note: Option<String>,
});
