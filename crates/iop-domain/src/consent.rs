//! 42 CFR Part 2 consent and the one disclosure gate.
//!
//! Every path that lets information about a patient leave the program (a relative in
//! the family group, a print or export for an outside party, a claim to a payer) asks
//! [`may_disclose`], with the consents as they stood at that moment. The gate is pure:
//! the caller loads the consents; the answer is either the consent that allows the
//! disclosure or the reason it is refused.

use jiff::civil::Date;
use jiff::Timestamp;
use std::fmt;

/// What may be disclosed. SUD counseling notes need a consent of their own (§2.31(b)).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum InfoKind {
    /// That the person is a patient here, and their attendance.
    Enrollment,
    /// What they share and how they take part in the family group.
    FamilyParticipation,
    /// Progress in treatment: plan goals, measures, drug screen results.
    TreatmentProgress,
    /// Diagnoses, services and charges, as on a claim.
    Billing,
    /// A counselor's separate SUD counseling notes.
    CounselingNotes,
}

impl InfoKind {
    pub const ALL: [InfoKind; 5] = [
        Self::Enrollment,
        Self::FamilyParticipation,
        Self::TreatmentProgress,
        Self::Billing,
        Self::CounselingNotes,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Enrollment => "enrollment",
            Self::FamilyParticipation => "family_participation",
            Self::TreatmentProgress => "treatment_progress",
            Self::Billing => "billing",
            Self::CounselingNotes => "counseling_notes",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }

    /// The specific description printed on the consent form.
    pub fn describe(self) -> &'static str {
        match self {
            Self::Enrollment => "that I am a patient in this program, and my attendance",
            Self::FamilyParticipation => {
                "what I share and how I take part in the family group sessions"
            }
            Self::TreatmentProgress => {
                "my progress in treatment: treatment plan goals, questionnaire scores and drug screen results"
            }
            Self::Billing => {
                "my diagnoses, the services I received, their dates and charges, as needed for payment"
            }
            Self::CounselingNotes => "my counselor's SUD counseling notes",
        }
    }
}

/// Who receives. On a consent: a related person or a payer by id, or a class of
/// recipients (§2.31(a)(4)(i): "my treating providers, health plans, third-party payers,
/// and people helping to operate this program"), which only a TPO consent may use.
/// Asked of the gate: the party that actually receives, named, so the accounting of
/// disclosures always says who received the record.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Recipient {
    Person(crate::ids::RelatedPersonId),
    Payer(crate::ids::PayerId),
    Class(RecipientClass),
    /// An outside party of a class (a hospital that treats the patient, a billing
    /// service), named when a record is released to it; never a line of a consent.
    Outside {
        class: RecipientClass,
        name: String,
    },
}

impl Recipient {
    /// The class this actual recipient belongs to: a payer is a health plan or
    /// third-party payer; a relative belongs to none.
    pub fn class(&self) -> Option<RecipientClass> {
        match self {
            Self::Person(_) => None,
            Self::Payer(_) => Some(RecipientClass::Payers),
            Self::Class(k) | Self::Outside { class: k, .. } => Some(*k),
        }
    }

    /// Whether a consent's recipient line names `who`: the same person or payer, or
    /// (on a TPO consent only) the class `who` belongs to.
    fn names(&self, who: &Recipient, tpo: bool) -> bool {
        match self {
            Self::Class(k) => tpo && !matches!(who, Self::Class(_)) && who.class() == Some(*k),
            Self::Outside { .. } => false,
            line => line == who,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConsentRecipient {
    pub recipient: Recipient,
    /// As printed on the consent: the person's or payer's name, or the class.
    pub name: String,
    /// Revoked for this recipient only; the rest of the consent stays in effect.
    pub revoked_at: Option<Timestamp>,
}

#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Expiry {
    On(Date),
    EndOfTreatment,
    /// Allowed for a TPO consent only.
    Never,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Signer {
    Patient,
    /// A parent, guardian or other authorized representative.
    Representative {
        name: String,
        authority: String,
    },
    /// A minor and their parent or guardian, both (§2.14(b)(1)).
    PatientAndRepresentative {
        name: String,
        authority: String,
    },
}

impl Signer {
    pub fn patient_signed(&self) -> bool {
        !matches!(self, Self::Representative { .. })
    }

    /// The representative who signed, with their authority.
    pub fn representative(&self) -> Option<(&str, &str)> {
        match self {
            Self::Patient => None,
            Self::Representative { name, authority }
            | Self::PatientAndRepresentative { name, authority } => Some((name, authority)),
        }
    }
}

/// Who must sign a consent to disclosure for a minor (§2.14), from the law of the
/// program's state and how the minor came into treatment.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MinorRule {
    /// The minor had the capacity under state law to obtain treatment alone: only the
    /// minor may consent to disclosure, to their parents too (§2.14(a)).
    MinorAlone,
    /// State law required a parent's or guardian's consent to the minor's treatment:
    /// a consent signed while the patient is a minor needs both signatures (§2.14(b)(1)).
    MinorAndParent {
        /// The moment the patient comes of age in the program's state.
        adult_at: Timestamp,
    },
}

/// One version of a signed consent.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Consent {
    pub id: crate::ids::ConsentId,
    pub version: i32,
    pub patient_id: crate::ids::PatientId,
    /// Who may disclose (the program, by name).
    pub discloser: String,
    pub information: Vec<InfoKind>,
    pub recipients: Vec<ConsentRecipient>,
    pub purpose: String,
    /// The single consent for treatment, payment and health-care operations.
    pub tpo: bool,
    pub expiry: Expiry,
    pub signer: Signer,
    pub signed_at: Timestamp,
    /// When a later version replaced this one.
    pub superseded_at: Option<Timestamp>,
}

/// What the gate is asked.
#[derive(Clone, Debug)]
pub struct Request<'a> {
    pub recipient: &'a Recipient,
    pub kind: InfoKind,
    pub at: Timestamp,
    /// The program's local date at `at` (expiry dates are local dates).
    pub on: Date,
    /// The day the patient's treatment ended, if it has.
    pub treatment_ended_on: Option<Date>,
    /// The §2.14 signing rule when the patient is or was a minor in treatment.
    pub minor: Option<MinorRule>,
}

/// Why a disclosure is refused, most specific first.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Refusal {
    /// No consent names this recipient.
    NoConsent,
    /// A consent names them but was signed later than the moment asked about.
    NotYetSigned,
    /// Replaced by a newer version that does not name them or cover this.
    Superseded,
    /// Counseling notes are disclosed only under a consent for them alone.
    NotSeparate,
    /// The consent names them but not this kind of information.
    NotCovered(InfoKind),
    /// Only a minor who consented to their own treatment can consent for them.
    SignedByRepresentative,
    /// Signed while the patient was a minor, by only one of the minor and a parent.
    NeedsMinorAndParent,
    Expired(Date),
    EndedWithTreatment(Date),
    Revoked(Timestamp),
}

impl fmt::Display for Refusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::NoConsent => write!(f, "no signed consent names them"),
            Self::NotYetSigned => write!(f, "the consent naming them was not yet signed then"),
            Self::Superseded => write!(f, "the consent naming them was replaced by a version that does not"),
            Self::NotSeparate => write!(f, "counseling notes need a consent of their own"),
            Self::NotCovered(k) => write!(f, "the consent naming them does not cover {}", k.describe()),
            Self::SignedByRepresentative => write!(
                f,
                "the patient consented to their own treatment as a minor, so only the patient can consent to disclosure"
            ),
            Self::NeedsMinorAndParent => write!(
                f,
                "the consent was signed while the patient was a minor and state law needs both the minor's and a parent's or guardian's signature"
            ),
            Self::Expired(d) => write!(f, "the consent naming them expired on {d}"),
            Self::EndedWithTreatment(d) => {
                write!(f, "the consent naming them ended with treatment on {d}")
            }
            Self::Revoked(t) => write!(f, "the patient revoked consent for them on {}", t.strftime("%Y-%m-%d")),
        }
    }
}

/// The consent and version a disclosure is made under.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Grant {
    pub consent_id: crate::ids::ConsentId,
    pub version: i32,
}

fn judge(c: &Consent, r: &Request<'_>) -> Result<(), Refusal> {
    let revoked = |x: &&ConsentRecipient| x.revoked_at.is_some_and(|t| t <= r.at);
    let lines: Vec<&ConsentRecipient> = c
        .recipients
        .iter()
        .filter(|x| x.recipient.names(r.recipient, c.tpo))
        .collect();
    // Revoked for them by name, they receive nothing under this consent, whatever
    // class line would otherwise cover them; else any line still in force will do.
    let named = lines
        .iter()
        .find(|x| x.recipient == *r.recipient && revoked(x))
        .or_else(|| lines.iter().min_by_key(|x| revoked(x)));
    let Some(named) = named else {
        return Err(Refusal::NoConsent);
    };
    if c.signed_at > r.at {
        return Err(Refusal::NotYetSigned);
    }
    if c.superseded_at.is_some_and(|s| s <= r.at) {
        return Err(Refusal::Superseded);
    }
    if r.kind == InfoKind::CounselingNotes && c.information != [InfoKind::CounselingNotes] {
        return Err(Refusal::NotSeparate);
    }
    if !c.information.contains(&r.kind) {
        return Err(Refusal::NotCovered(r.kind));
    }
    match r.minor {
        Some(MinorRule::MinorAlone) if !c.signer.patient_signed() => {
            return Err(Refusal::SignedByRepresentative)
        }
        Some(MinorRule::MinorAndParent { adult_at })
            if c.signed_at < adult_at
                && !matches!(c.signer, Signer::PatientAndRepresentative { .. }) =>
        {
            return Err(Refusal::NeedsMinorAndParent)
        }
        _ => {}
    }
    match c.expiry {
        Expiry::On(d) if r.on > d => return Err(Refusal::Expired(d)),
        Expiry::EndOfTreatment => {
            if let Some(end) = r.treatment_ended_on.filter(|end| r.on > *end) {
                return Err(Refusal::EndedWithTreatment(end));
            }
        }
        _ => {}
    }
    if let Some(t) = named.revoked_at.filter(|t| *t <= r.at) {
        return Err(Refusal::Revoked(t));
    }
    Ok(())
}

/// The disclosure gate: the first consent that allows `r`, or the most specific
/// reason none does.
pub fn may_disclose(consents: &[Consent], r: &Request<'_>) -> Result<Grant, Refusal> {
    let mut best = Refusal::NoConsent;
    for c in consents {
        match judge(c, r) {
            Ok(()) => {
                return Ok(Grant {
                    consent_id: c.id,
                    version: c.version,
                })
            }
            Err(why) => best = best.max(why),
        }
    }
    Err(best)
}

/// A consent that lacks one of the §2.31(a) elements, or mixes what must be separate.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Invalid {
    NoDiscloser,
    NoInformation,
    NoRecipients,
    NoPurpose,
    /// Counseling notes share the consent with other information.
    CounselingNotesNotSeparate,
    /// A class of recipients ("my treating providers") is for a TPO consent only.
    ClassOutsideTpo,
    /// "No expiry" is for a TPO consent only.
    NeverOutsideTpo,
    ExpiresBeforeSigned,
    NoRepresentativeName,
    /// A minor who consented to their own treatment signs their consents themselves.
    MinorMustSign,
    /// State law needs the minor's and a parent's or guardian's signature.
    NeedsMinorAndParent,
    RecipientWithoutName,
}

impl fmt::Display for Invalid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::NoDiscloser => "say who may disclose",
            Self::NoInformation => "describe the information that may be disclosed",
            Self::NoRecipients => "name at least one recipient",
            Self::NoPurpose => "state the purpose of the disclosure",
            Self::CounselingNotesNotSeparate => {
                "SUD counseling notes need a consent of their own, covering nothing else"
            }
            Self::ClassOutsideTpo => {
                "recipients named by class are allowed only on a consent for treatment, payment and health-care operations"
            }
            Self::NeverOutsideTpo => {
                "only a consent for treatment, payment and health-care operations may have no expiry"
            }
            Self::ExpiresBeforeSigned => "the expiry date is before the date signed",
            Self::NoRepresentativeName => "name the representative who signs and their authority",
            Self::MinorMustSign => {
                "the patient consented to their own treatment as a minor, so they must sign this consent themselves"
            }
            Self::NeedsMinorAndParent => {
                "the patient is a minor and state law needs both the minor's and a parent's or guardian's signature"
            }
            Self::RecipientWithoutName => "every recipient needs a name",
        })
    }
}

/// Checks the §2.31(a) elements a record can hold: patient and date signed are the
/// record's own; the right to revoke is printed on every consent. `minor` is the §2.14
/// rule for the patient at the moment of signing.
pub fn validate(c: &Consent, signed_on: Date, minor: Option<MinorRule>) -> Result<(), Invalid> {
    if c.discloser.trim().is_empty() {
        return Err(Invalid::NoDiscloser);
    }
    if c.information.is_empty() {
        return Err(Invalid::NoInformation);
    }
    if c.information.contains(&InfoKind::CounselingNotes) && c.information.len() > 1 {
        return Err(Invalid::CounselingNotesNotSeparate);
    }
    if c.recipients.is_empty() {
        return Err(Invalid::NoRecipients);
    }
    if c.recipients.iter().any(|r| r.name.trim().is_empty()) {
        return Err(Invalid::RecipientWithoutName);
    }
    if !c.tpo
        && c.recipients
            .iter()
            .any(|r| matches!(r.recipient, Recipient::Class(_)))
    {
        return Err(Invalid::ClassOutsideTpo);
    }
    if c.purpose.trim().is_empty() {
        return Err(Invalid::NoPurpose);
    }
    match c.expiry {
        Expiry::Never if !c.tpo => return Err(Invalid::NeverOutsideTpo),
        Expiry::On(d) if d < signed_on => return Err(Invalid::ExpiresBeforeSigned),
        _ => {}
    }
    if let Some((name, authority)) = c.signer.representative() {
        if name.trim().is_empty() || authority.trim().is_empty() {
            return Err(Invalid::NoRepresentativeName);
        }
    }
    match minor {
        Some(MinorRule::MinorAlone) if !c.signer.patient_signed() => Err(Invalid::MinorMustSign),
        Some(MinorRule::MinorAndParent { adult_at })
            if c.signed_at < adult_at
                && !matches!(c.signer, Signer::PatientAndRepresentative { .. }) =>
        {
            Err(Invalid::NeedsMinorAndParent)
        }
        _ => Ok(()),
    }
}

pub use crate::consent_codes::*;
pub use crate::consent_notice::*;

#[cfg(test)]
#[path = "consent_tests.rs"]
mod tests;

#[cfg(test)]
#[path = "consent_2024_tests.rs"]
mod tests_2024;
