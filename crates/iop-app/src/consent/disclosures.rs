//! The one way out: the disclosure gate asked for every kind of information, then the
//! disclosure logged (hash-chained) under its consent; the accounting of disclosures.

use crate::audit::chain::{walk_chain, Link, VerifyOutcome};
use crate::audit::{record, Event};
use crate::ctx::Ctx;
use crate::error::{AppError, Result};
use crate::policy::Action;
use crate::App;
use iop_domain::consent::{
    self as gate, Consent, ConsentRecipient, Expiry, Grant, InfoKind, MinorRule, Recipient, Signer,
    NOTICE_VERSION,
};
use iop_domain::consent::{DisclosureChannel, ExpiryKind, RecipientKind};
use iop_domain::ids::PatientId;
use iop_domain::ids::*;
use iop_domain::time::Instant;
use iop_store::consent::DisclosureRow;
use iop_store::consent::{self as store, ConsentRow, Disclosure, RecipientRow};
use iop_store::{admissions::episodes, DbConn};
use jiff::civil::Date;
use jiff::Timestamp;

/// The patient's consents as the gate reads them.
pub(crate) fn domain_consents(rows: &[(ConsentRow, Vec<RecipientRow>)]) -> Vec<Consent> {
    rows.iter()
        .map(|(c, rs)| Consent {
            id: c.id,
            version: c.version,
            patient_id: c.patient_id,
            discloser: c.discloser.clone(),
            information: c.information.0.clone(),
            recipients: rs
                .iter()
                .filter_map(|r| {
                    Some(ConsentRecipient {
                        recipient: recipient_of(r.kind, r.ref_id.as_deref())?,
                        name: r.name.clone(),
                        revoked_at: r.revoked_at.map(|t| t.0),
                    })
                })
                .collect(),
            purpose: c.purpose.clone(),
            tpo: c.tpo,
            expiry: match (c.expiry_kind, c.expiry_date) {
                (ExpiryKind::Date, Some(d)) => Expiry::On(d.0),
                (ExpiryKind::Never, _) => Expiry::Never,
                _ => Expiry::EndOfTreatment,
            },
            signer: match (&c.signer_name, &c.signer_authority) {
                (Some(n), Some(a))
                    if c.signer_kind == iop_domain::consent::SignerKind::Representative =>
                {
                    let (name, authority) = (n.clone(), a.clone());
                    if c.patient_signed {
                        Signer::PatientAndRepresentative { name, authority }
                    } else {
                        Signer::Representative { name, authority }
                    }
                }
                _ => Signer::Patient,
            },
            signed_at: c.signed_at.0,
            superseded_at: c.superseded_at.map(|t| t.0),
        })
        .collect()
}

/// A consent's recipient line as the gate reads it: the stored reference is the related
/// person's or payer's id, or the class's code. A line whose reference does not read
/// (a class described only in words) names no one the gate can match.
pub(crate) fn recipient_of(kind: RecipientKind, ref_id: Option<&str>) -> Option<Recipient> {
    let id = ref_id?;
    match kind {
        RecipientKind::Person => id.parse().ok().map(Recipient::Person),
        RecipientKind::Payer => id.parse().ok().map(Recipient::Payer),
        RecipientKind::Class => id.parse().ok().map(Recipient::Class),
        RecipientKind::Outside => None,
    }
}

/// How a recipient is stored: its kind and the id or class code it refers to.
pub(crate) fn recipient_parts(r: &Recipient) -> (RecipientKind, Option<String>) {
    match r {
        Recipient::Person(id) => (RecipientKind::Person, Some(id.to_string())),
        Recipient::Payer(id) => (RecipientKind::Payer, Some(id.to_string())),
        Recipient::Class(k) => (RecipientKind::Class, Some(k.to_string())),
        Recipient::Outside { class, .. } => (RecipientKind::Outside, Some(class.to_string())),
    }
}

/// The facts about the patient the gate needs at a moment: their program's local date,
/// the day their treatment ended (if it has), and the §2.14 rule for a minor.
pub(crate) fn patient_facts(
    c: &mut DbConn,
    patient_id: PatientId,
    at: Timestamp,
) -> Result<(Date, Option<Date>, Option<MinorRule>)> {
    let p = episodes::patient_by_id(c, patient_id)?
        .ok_or_else(|| AppError::NotFound(format!("patient {patient_id}")))?;
    let (ep, pc) = crate::clinical::individual::patient_program(c, patient_id)?;
    let ended = ep.ended_on.map(|d| d.0);
    Ok((pc.today(at), ended, minor_rule(&p, &pc)?))
}

/// The §2.14 rule for a patient: a minor who consented to their own treatment signs
/// alone; where the program's state requires a parent's consent to treatment, consents
/// signed before the patient comes of age need both signatures.
pub(crate) fn minor_rule(
    p: &iop_store::admissions::episodes::PatientRow,
    pc: &crate::calendar::sessions::ProgramCal,
) -> Result<Option<MinorRule>> {
    if p.minor_self_consent {
        return Ok(Some(MinorRule::MinorAlone));
    }
    if !pc.program.minors_need_parent_consent {
        return Ok(None);
    }
    let years = i16::try_from(pc.program.age_of_majority).unwrap_or(18);
    let adult_at = p
        .date_of_birth
        .0
        .checked_add(jiff::Span::new().years(years))
        .and_then(|d| d.to_zoned(pc.tz.clone()))
        .map_err(|e| AppError::Internal(e.to_string()))?
        .timestamp();
    Ok(Some(MinorRule::MinorAndParent { adult_at }))
}

/// One patient's consents and the facts the gate needs at a moment, read once for all
/// the questions asked about that patient (several kinds, several recipients).
pub(crate) struct PatientGate {
    consents: Vec<Consent>,
    at: Timestamp,
    on: Date,
    treatment_ended_on: Option<Date>,
    minor: Option<MinorRule>,
}

impl PatientGate {
    pub(crate) fn load(c: &mut DbConn, patient_id: PatientId, at: Timestamp) -> Result<Self> {
        let (on, treatment_ended_on, minor) = patient_facts(c, patient_id, at)?;
        let consents = domain_consents(&store::consents_of(c, &[patient_id])?);
        Ok(PatientGate {
            consents,
            at,
            on,
            treatment_ended_on,
            minor,
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
                minor: self.minor,
            },
        )
    }
}

/// Asks the gate one question about one patient.
pub(crate) fn ask_gate(
    c: &mut DbConn,
    patient_id: PatientId,
    recipient: &Recipient,
    kind: InfoKind,
    at: Timestamp,
) -> Result<std::result::Result<Grant, gate::Refusal>> {
    Ok(PatientGate::load(c, patient_id, at)?.ask(recipient, kind))
}

/// What one disclosure carries, for the gate and the log.
pub(crate) struct Outgoing<'a> {
    pub patient_id: PatientId,
    pub recipient: &'a Recipient,
    pub recipient_name: &'a str,
    pub kinds: &'a [InfoKind],
    pub purpose: &'a str,
    pub channel: DisclosureChannel,
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
    let _information: Vec<&str> = o.kinds.iter().map(|k| k.as_str()).collect();
    let at = Instant(ctx.now());
    let actor = ctx.account_id();
    store::append_disclosure(
        c,
        &Disclosure {
            at,
            patient_id: o.patient_id,
            recipient_kind: kind,
            recipient_ref: ref_id.as_deref(),
            recipient_name: o.recipient_name,
            information: &iop_domain::consent::InfoKinds(o.kinds.to_vec()),
            purpose: o.purpose,
            channel: o.channel,
            consent_id: grant.consent_id,
            consent_version: grant.version,
            notice_version: NOTICE_VERSION,
            actor_id: actor,
            subject: o.subject,
        },
    )?;
    let mut event = Event::ok("disclosure.made")
        .detail(serde_json::json!({ "channel": o.channel, "consent": grant.consent_id, "version": grant.version }));
    event.patient_id = Some(o.patient_id);
    record(c, ctx, event)?;
    Ok(grant)
}

impl App {
    /// The patient's accounting of disclosures under consent for the last three years.
    pub fn accounting_of_disclosures(
        &self,
        ctx: &Ctx,
        patient: PatientId,
    ) -> Result<Vec<DisclosureListed>> {
        let patient_id = patient;
        crate::portal::require_either(
            ctx,
            Action::ManageConsents,
            crate::policy::PortalAction::ManageConsents,
        )?;
        let from = ctx
            .now()
            .checked_sub(jiff::SignedDuration::from_hours(24 * (3 * 365 + 1)))
            .map_err(|e| AppError::Internal(e.to_string()))?;
        let rows: Vec<store::DisclosureRow> = self.store.read_audited::<_, AppError>(|c| {
            crate::scope::require_patient(c, ctx, patient_id)?;
            episodes::patient_by_id(c, patient_id)?
                .ok_or_else(|| AppError::NotFound(format!("patient {patient_id}")))?;
            let rows = store::disclosures_of(c, patient_id, Instant(from))?;
            let mut event = Event::ok("disclosure.accounting.view");
            event.patient_id = Some(patient);
            record(c, ctx, event)?;
            Ok(rows)
        })?;
        Ok(rows.into_iter().map(Into::into).collect())
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
                        seal: self.settings.keys.check_seal(&r.hash, &r.key_id, &r.mac),
                    })
                    .collect())
            },
            progress,
        )
    }
}

crate::view::view!(
/// One disclosure as the accounting lists it.
DisclosureListed from DisclosureRow {
    seq: i64,
    at: Instant,
    patient_id: PatientId,
    recipient_kind: iop_domain::consent::RecipientKind,
    recipient_ref: Option<String>,
    recipient_name: String,
    information: iop_domain::consent::InfoKinds,
    purpose: String,
    channel: iop_domain::consent::DisclosureChannel,
    consent_id: ConsentId,
    consent_version: i32,
    notice_version: String,
    actor_id: Option<UserId>,
    subject: Option<String>,
    prev_hash: String,
    hash: String,
});
