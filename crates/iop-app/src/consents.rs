//! Related persons and 42 CFR Part 2 consents: recording (versioned), revoking per
//! recipient, and the one place that asks the disclosure gate and writes the
//! disclosure log. Every disclosure path calls [`disclose`].

use crate::audit::{record, walk_chain, Event, Link, VerifyOutcome};
use crate::ctx::Ctx;
use crate::error::{AppError, Result};
use crate::policy::Action;
use crate::App;
use iop_domain::consent::{
    self as gate, Consent, ConsentRecipient, Expiry, Grant, InfoKind, Recipient, Signer,
    NOTICE_VERSION,
};
use iop_domain::time::{parse_stored, stored};
use iop_store::consents::{self as store, ConsentRow, Disclosure, RecipientRow, RelatedPersonRow};
use iop_store::{episodes, DbConn};
use jiff::civil::Date;
use jiff::Timestamp;

pub struct NewRelated {
    pub name: String,
    pub relationship: String,
    pub phone: Option<String>,
    pub email: Option<String>,
}

pub struct NewRecipient {
    /// person, payer or class.
    pub kind: String,
    /// The related person's or payer's id (none for a class).
    pub ref_id: Option<String>,
    /// For a class: its description. Persons are named from their record.
    pub name: Option<String>,
}

pub struct NewConsent {
    /// The consent this new version replaces, if any.
    pub replaces: Option<String>,
    pub information: Vec<String>,
    pub recipients: Vec<NewRecipient>,
    pub purpose: String,
    pub tpo: bool,
    /// A date (YYYY-MM-DD), "end_of_treatment", or "never" (TPO only).
    pub expiry: String,
    /// The patient's typed name, or "signed on paper".
    pub signature: String,
    /// Set when a representative signs: their name and authority.
    pub representative: Option<(String, String)>,
    /// The date on the signed form; today when left out.
    pub signed_on: Option<Date>,
}

#[derive(Clone, Debug, serde::Serialize, utoipa::ToSchema)]
pub struct ConsentView {
    #[serde(flatten)]
    pub row: ConsentRow,
    pub recipients: Vec<RecipientRow>,
    /// The specific description of each kind of information, as printed.
    pub described: Vec<&'static str>,
    pub in_force: bool,
}

#[derive(Clone, Debug, serde::Serialize, utoipa::ToSchema)]
pub struct ConsentOverview {
    pub name: String,
    pub mrn: String,
    pub date_of_birth: String,
    pub minor_self_consent: bool,
    pub relatives: Vec<RelatedPersonRow>,
    pub consents: Vec<ConsentView>,
}

/// The patient's consents as the gate reads them.
fn domain_consents(rows: &[(ConsentRow, Vec<RecipientRow>)]) -> Vec<Consent> {
    rows.iter()
        .filter_map(|(c, rs)| {
            Some(Consent {
                id: c.id.clone(),
                version: c.version,
                patient_id: c.patient_id.clone(),
                discloser: c.discloser.clone(),
                information: c
                    .information
                    .split(',')
                    .filter_map(InfoKind::parse)
                    .collect(),
                recipients: rs
                    .iter()
                    .map(|r| ConsentRecipient {
                        recipient: recipient_of(&r.kind, r.ref_id.as_deref(), &r.name),
                        name: r.name.clone(),
                        revoked_at: r.revoked_at.as_deref().and_then(parse_stored),
                    })
                    .collect(),
                purpose: c.purpose.clone(),
                tpo: c.tpo,
                expiry: match (c.expiry_kind.as_str(), c.expiry_date.as_deref()) {
                    ("date", Some(d)) => Expiry::On(d.parse().ok()?),
                    ("never", _) => Expiry::Never,
                    _ => Expiry::EndOfTreatment,
                },
                signer: match (&c.signer_name, &c.signer_authority) {
                    (Some(n), Some(a)) if c.signer_kind == "representative" => {
                        Signer::Representative {
                            name: n.clone(),
                            authority: a.clone(),
                        }
                    }
                    _ => Signer::Patient,
                },
                signed_at: parse_stored(&c.signed_at)?,
                superseded_at: c.superseded_at.as_deref().and_then(parse_stored),
            })
        })
        .collect()
}

fn recipient_of(kind: &str, ref_id: Option<&str>, name: &str) -> Recipient {
    match (kind, ref_id) {
        ("person", Some(id)) => Recipient::Person(id.into()),
        ("payer", Some(id)) => Recipient::Payer(id.into()),
        _ => Recipient::Class(name.into()),
    }
}

fn recipient_parts(r: &Recipient) -> (&'static str, Option<&str>) {
    match r {
        Recipient::Person(id) => ("person", Some(id)),
        Recipient::Payer(id) => ("payer", Some(id)),
        Recipient::Class(_) => ("class", None),
    }
}

/// The facts about the patient the gate needs at a moment: their program's local date,
/// the day their treatment ended (if it has), and the minor-self-consent flag.
fn patient_facts(
    c: &mut DbConn,
    patient_id: &str,
    at: Timestamp,
) -> Result<(Date, Option<Date>, bool)> {
    let p = episodes::patient_by_id(c, patient_id)?
        .ok_or_else(|| AppError::NotFound(format!("patient {patient_id}")))?;
    let (ep, pc) = crate::individual::patient_program(c, patient_id)?;
    let ended = ep.ended_on.as_deref().and_then(|d| d.parse().ok());
    Ok((pc.today(at), ended, p.minor_self_consent))
}

/// One patient's consents and the facts the gate needs at a moment, read once for all
/// the questions asked about that patient (several kinds, several recipients).
pub(crate) struct PatientGate {
    consents: Vec<Consent>,
    at: Timestamp,
    on: Date,
    treatment_ended_on: Option<Date>,
    minor_self_consented: bool,
}

impl PatientGate {
    pub(crate) fn load(c: &mut DbConn, patient_id: &str, at: Timestamp) -> Result<Self> {
        let (on, treatment_ended_on, minor_self_consented) = patient_facts(c, patient_id, at)?;
        let consents = domain_consents(&store::consents_of(c, &[patient_id.to_string()])?);
        Ok(PatientGate {
            consents,
            at,
            on,
            treatment_ended_on,
            minor_self_consented,
        })
    }

    /// Whether `kind` may go to `recipient`, from the consents as they stood at `at`.
    pub(crate) fn ask(
        &self,
        recipient: &Recipient,
        kind: InfoKind,
    ) -> std::result::Result<Grant, gate::Refusal> {
        gate::may_disclose(
            &self.consents,
            &gate::Request {
                recipient,
                kind,
                at: self.at,
                on: self.on,
                treatment_ended_on: self.treatment_ended_on,
                minor_self_consented: self.minor_self_consented,
            },
        )
    }
}

/// Asks the gate one question about one patient.
pub(crate) fn ask_gate(
    c: &mut DbConn,
    patient_id: &str,
    recipient: &Recipient,
    kind: InfoKind,
    at: Timestamp,
) -> Result<std::result::Result<Grant, gate::Refusal>> {
    Ok(PatientGate::load(c, patient_id, at)?.ask(recipient, kind))
}

/// What one disclosure carries, for the gate and the log.
pub(crate) struct Outgoing<'a> {
    pub patient_id: &'a str,
    pub recipient: &'a Recipient,
    pub recipient_name: &'a str,
    pub kinds: &'a [InfoKind],
    pub purpose: &'a str,
    /// family_group, print, export or claim.
    pub channel: &'a str,
    pub subject: Option<&'a str>,
    /// The moment the information went out (a family group's start); now when absent.
    pub as_of: Option<Timestamp>,
}

/// The one disclosure path: every kind must pass the gate now; then the disclosure is
/// logged (hash-chained) with the consent and the §2.32 notice it goes out under.
pub(crate) fn disclose(c: &mut DbConn, ctx: &Ctx, o: &Outgoing<'_>) -> Result<Grant> {
    let gate = PatientGate::load(c, o.patient_id, o.as_of.unwrap_or(ctx.now()))?;
    let mut grant = None;
    for kind in o.kinds {
        match gate.ask(o.recipient, *kind) {
            Ok(g) => grant = grant.or(Some(g)),
            Err(why) => {
                return Err(AppError::Conflict(format!(
                    "{} may not be disclosed to this recipient: {why}",
                    kind.describe()
                )))
            }
        }
    }
    let grant = grant.ok_or_else(|| AppError::Invalid("say what is disclosed".into()))?;
    let (kind, ref_id) = recipient_parts(o.recipient);
    let information: Vec<&str> = o.kinds.iter().map(|k| k.as_str()).collect();
    let at = stored(ctx.now());
    let actor = ctx.actor_id_string();
    store::append_disclosure(
        c,
        &Disclosure {
            at: &at,
            patient_id: o.patient_id,
            recipient_kind: kind,
            recipient_ref: ref_id,
            recipient_name: o.recipient_name,
            information: &information.join(","),
            purpose: o.purpose,
            channel: o.channel,
            consent_id: &grant.consent_id,
            consent_version: grant.version,
            notice_version: NOTICE_VERSION,
            actor_id: actor.as_deref(),
            subject: o.subject,
        },
    )?;
    let mut event = Event::ok("disclosure.made")
        .detail(serde_json::json!({ "channel": o.channel, "consent": grant.consent_id, "version": grant.version }));
    event.patient_id = Some(o.patient_id);
    record(c, ctx, event)?;
    Ok(grant)
}

fn text(v: &str, max: usize, what: &str) -> Result<String> {
    let v = v.trim();
    if v.is_empty() || v.chars().count() > max || v.chars().any(char::is_control) {
        return Err(AppError::Invalid(format!(
            "{what} needs 1 to {max} characters"
        )));
    }
    Ok(v.to_string())
}

impl App {
    pub fn add_related_person(&self, ctx: &Ctx, patient_id: &str, n: NewRelated) -> Result<String> {
        ctx.require(Action::ManageConsents)?;
        let name = text(&n.name, 120, "the name")?;
        let relationship = text(&n.relationship, 60, "the relationship")?;
        let phone = n
            .phone
            .filter(|p| !p.trim().is_empty())
            .map(|p| crate::admissions::check_phone(&p))
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
            let id = uuid::Uuid::now_v7().to_string();
            store::insert_person(
                c,
                &RelatedPersonRow {
                    id: id.clone(),
                    patient_id: patient_id.into(),
                    name,
                    relationship,
                    phone,
                    email,
                    created_by: ctx.actor_id_string().unwrap_or_else(|| "system".into()),
                    created_at: stored(ctx.now()),
                },
            )?;
            let subject = format!("related_person:{id}");
            let mut event = Event::ok("consent.related_person.add").subject(&subject);
            event.patient_id = Some(patient_id);
            record(c, ctx, event)?;
            Ok(id)
        })
    }

    pub fn related_persons(&self, ctx: &Ctx, patient_id: &str) -> Result<Vec<RelatedPersonRow>> {
        ctx.require(Action::ManageConsents)?;
        self.store.write(|c| {
            crate::scope::require_patient(c, ctx, patient_id)?;
            let rows = store::persons_of(c, &[patient_id.to_string()])?;
            let mut event = Event::ok("consent.related_person.view");
            event.patient_id = Some(patient_id);
            record(c, ctx, event)?;
            Ok(rows)
        })
    }

    /// Records a signed consent (or a new version of one, which replaces the old from
    /// the moment it is signed). Refused unless every §2.31 element is there.
    pub fn record_consent(&self, ctx: &Ctx, patient_id: &str, n: NewConsent) -> Result<String> {
        ctx.require(Action::ManageConsents)?;
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
        let purpose = text(&n.purpose, 300, "the purpose")?;
        let signature = text(
            &n.signature,
            120,
            "the signature (typed name, or \"signed on paper\")",
        )?;
        let representative = match &n.representative {
            Some((name, authority)) => Some((
                text(name, 120, "the representative's name")?,
                text(authority, 120, "the representative's authority")?,
            )),
            None => None,
        };
        let actor = ctx.actor_id_string().unwrap_or_else(|| "system".into());
        self.store.write(|c| {
            crate::scope::require_patient(c, ctx, patient_id)?;
            let (today, _, _) = patient_facts(c, patient_id, ctx.now())?;
            let (_, pc) = crate::individual::patient_program(c, patient_id)?;
            let signed_on = n.signed_on.unwrap_or(today);
            if signed_on > today {
                return Err(AppError::Invalid("the date signed cannot be in the future".into()));
            }
            let signed_at = if signed_on == today {
                ctx.now()
            } else {
                signed_on.to_zoned(pc.tz.clone()).map_err(|e| AppError::Internal(e.to_string()))?.timestamp()
            };
            let expiry = match n.expiry.trim() {
                "end_of_treatment" => Expiry::EndOfTreatment,
                "never" => Expiry::Never,
                d => Expiry::On(crate::calendar::parse_date(d, "the expiry (a date, end_of_treatment or never)")?),
            };
            let id = uuid::Uuid::now_v7().to_string();
            let mut recipients = Vec::new();
            for r in &n.recipients {
                let (kind, ref_id, name) = match (r.kind.as_str(), r.ref_id.as_deref()) {
                    ("person", Some(pid)) => {
                        let p = store::person(c, pid)?
                            .filter(|p| p.patient_id == patient_id)
                            .ok_or_else(|| AppError::NotFound(format!("related person {pid} of this patient")))?;
                        ("person", Some(p.id), p.name)
                    }
                    ("payer", Some(pid)) => {
                        // Named as the payer is on file, so the consent and the claim agree.
                        let payer = iop_store::billing::payer(c, pid)?
                            .ok_or_else(|| AppError::NotFound(format!("payer {pid}")))?;
                        ("payer", Some(payer.id), payer.name)
                    }
                    ("class", _) => ("class", None, text(r.name.as_deref().unwrap_or(""), 200, "the class of recipients")?),
                    _ => {
                        return Err(AppError::Invalid(
                            "each recipient is a person or a payer (with its id) or a class (with its description)".into(),
                        ))
                    }
                };
                recipients.push(RecipientRow {
                    id: uuid::Uuid::now_v7().to_string(),
                    consent_id: id.clone(),
                    kind: kind.into(),
                    ref_id,
                    name,
                    revoked_at: None,
                    revoked_by: None,
                    revocation_note: None,
                });
            }
            let (series_id, version) = match &n.replaces {
                Some(old) => {
                    let o = store::consent(c, old)?
                        .filter(|o| o.patient_id == patient_id)
                        .ok_or_else(|| AppError::NotFound(format!("consent {old} of this patient")))?;
                    if !store::supersede(c, old, &stored(signed_at))? {
                        return Err(AppError::Conflict(format!("consent {old} was already replaced by a newer version")));
                    }
                    (o.series_id, o.version + 1)
                }
                None => (id.clone(), 1),
            };
            let row = ConsentRow {
                id: id.clone(),
                patient_id: patient_id.into(),
                series_id,
                version,
                discloser: pc.site.name.clone(),
                information: information.iter().map(|k| k.as_str()).collect::<Vec<_>>().join(","),
                purpose,
                tpo: n.tpo,
                expiry_kind: match expiry {
                    Expiry::On(_) => "date",
                    Expiry::EndOfTreatment => "end_of_treatment",
                    Expiry::Never => "never",
                }
                .into(),
                expiry_date: match expiry {
                    Expiry::On(d) => Some(d.to_string()),
                    _ => None,
                },
                signer_kind: if representative.is_some() { "representative" } else { "patient" }.into(),
                signature,
                signer_name: representative.as_ref().map(|r| r.0.clone()),
                signer_authority: representative.as_ref().map(|r| r.1.clone()),
                signed_at: stored(signed_at),
                recorded_by: actor.clone(),
                recorded_at: stored(ctx.now()),
                superseded_at: None,
            };
            let check = domain_consents(&[(row.clone(), recipients.clone())]);
            let parsed = check.first().ok_or_else(|| AppError::Internal("consent did not read back".into()))?;
            gate::validate(parsed, signed_on).map_err(|e| AppError::Invalid(e.to_string()))?;
            store::insert_consent(c, &row, &recipients)?;
            let subject = format!("consent:{id}");
            let mut event = Event::ok("consent.record")
                .subject(&subject)
                .detail(serde_json::json!({ "version": version, "recipients": recipients.len() }));
            event.patient_id = Some(patient_id);
            record(c, ctx, event)?;
            Ok(id)
        })
    }

    /// Revokes a consent for one recipient, effective at once for new disclosures; the
    /// rest of the consent stays in effect.
    pub fn revoke_consent(&self, ctx: &Ctx, recipient_id: &str, note: &str) -> Result<()> {
        ctx.require(Action::ManageConsents)?;
        let note = text(
            note,
            300,
            "how the patient revoked (for example \"in writing, letter of 2026-11-20\")",
        )?;
        let actor = ctx.actor_id_string().unwrap_or_else(|| "system".into());
        self.store.write(|c| {
            let r = store::recipient(c, recipient_id)?
                .ok_or_else(|| AppError::NotFound(format!("consent recipient {recipient_id}")))?;
            let consent = store::consent(c, &r.consent_id)?
                .ok_or_else(|| AppError::Internal("recipient without consent".into()))?;
            crate::scope::require_patient(c, ctx, &consent.patient_id)?;
            if !store::revoke(c, recipient_id, &stored(ctx.now()), &actor, &note)? {
                return Err(AppError::Conflict(format!(
                    "consent recipient {recipient_id} is already revoked"
                )));
            }
            let subject = format!("consent:{}", consent.id);
            let mut event = Event::ok("consent.revoke")
                .subject(&subject)
                .detail(serde_json::json!({ "recipient": recipient_id }));
            event.patient_id = Some(&consent.patient_id);
            record(c, ctx, event)
        })
    }

    pub fn consents(&self, ctx: &Ctx, patient_id: &str) -> Result<Vec<ConsentView>> {
        Ok(self.consent_overview(ctx, patient_id)?.consents)
    }

    /// The patient's relatives and consents, with who the patient is (the consent page).
    pub fn consent_overview(&self, ctx: &Ctx, patient_id: &str) -> Result<ConsentOverview> {
        ctx.require(Action::ManageConsents)?;
        self.store.write(|c| {
            crate::scope::require_patient(c, ctx, patient_id)?;
            let p = episodes::patient_by_id(c, patient_id)?
                .ok_or_else(|| AppError::NotFound(format!("patient {patient_id}")))?;
            let (today, ended, _) = patient_facts(c, patient_id, ctx.now())?;
            let rows = store::consents_of(c, &[patient_id.to_string()])?;
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
                    ConsentView {
                        described: d
                            .map(|d| d.information.iter().map(|k| k.describe()).collect())
                            .unwrap_or_default(),
                        row,
                        recipients,
                        in_force,
                    }
                })
                .collect();
            let relatives = store::persons_of(c, &[patient_id.to_string()])?;
            let mut event = Event::ok("consent.view");
            event.patient_id = Some(patient_id);
            record(c, ctx, event)?;
            Ok(ConsentOverview {
                name: p.shown_name(),
                mrn: p.mrn,
                date_of_birth: p.date_of_birth,
                minor_self_consent: p.minor_self_consent,
                relatives,
                consents,
            })
        })
    }

    /// Marks a patient as a minor who consented to their own treatment (only they may
    /// then consent to disclosure), or clears it.
    pub fn set_minor_self_consent(&self, ctx: &Ctx, patient_id: &str, value: bool) -> Result<()> {
        ctx.require(Action::ManageConsents)?;
        self.store.write(|c| {
            crate::scope::require_patient(c, ctx, patient_id)?;
            let p = episodes::patient_by_id(c, patient_id)?
                .ok_or_else(|| AppError::NotFound(format!("patient {patient_id}")))?;
            if value {
                let dob: Date = p
                    .date_of_birth
                    .parse()
                    .map_err(|_| AppError::Internal("bad date of birth".into()))?;
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
            event.patient_id = Some(patient_id);
            record(c, ctx, event)
        })
    }

    /// The patient's accounting of disclosures under consent for the last three years.
    pub fn accounting_of_disclosures(
        &self,
        ctx: &Ctx,
        patient_id: &str,
    ) -> Result<Vec<store::DisclosureRow>> {
        ctx.require(Action::ManageConsents)?;
        let from = ctx
            .now()
            .checked_sub(jiff::SignedDuration::from_hours(24 * (3 * 365 + 1)))
            .map_err(|e| AppError::Internal(e.to_string()))?;
        self.store.write(|c| {
            crate::scope::require_patient(c, ctx, patient_id)?;
            episodes::patient_by_id(c, patient_id)?
                .ok_or_else(|| AppError::NotFound(format!("patient {patient_id}")))?;
            let rows = store::disclosures_of(c, patient_id, &stored(from))?;
            let mut event = Event::ok("disclosure.accounting.view");
            event.patient_id = Some(patient_id);
            record(c, ctx, event)?;
            Ok(rows)
        })
    }

    /// Walks the disclosure log's hash chain from its first row.
    pub fn verify_disclosure_log(&self, progress: impl FnMut(u64, u64)) -> Result<VerifyOutcome> {
        walk_chain(
            0,
            |after| {
                let rows = self
                    .store
                    .read(|c| store::disclosures_after(c, after, 5_000).map_err(AppError::from))?;
                Ok(rows
                    .into_iter()
                    .map(|r| Link {
                        seq: r.seq,
                        recomputed: store::disclosure_hash(&r.prev_hash, &r.fields()),
                        prev_hash: r.prev_hash.clone(),
                        hash: r.hash.clone(),
                    })
                    .collect())
            },
            progress,
        )
    }
}
