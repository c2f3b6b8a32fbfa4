//! The plain input of the 837P writer: what a clinic knows about a batch of professional
//! claims, with no X12 in it. `write_837p` checks it and lays it out in loops.

use iop_domain::Cents;
use jiff::civil::{Date, DateTime};

/// One interchange holding one 837P transaction set.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Batch {
    /// ISA13, 1 to 999,999,999: the receiver uses it to spot a file sent twice.
    pub interchange_control_number: u32,
    /// GS06.
    pub group_control_number: u32,
    /// ST02 (written with at least four digits) and BHT03.
    pub transaction_control_number: u32,
    pub created: DateTime,
    pub usage: Usage,
    pub submitter: Submitter,
    pub receiver: Receiver,
    pub billing_provider: BillingProvider,
    pub claims: Vec<Claim>,
}

/// ISA15: payers route test files away from adjudication.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Usage {
    Test,
    Production,
}

impl Usage {
    pub fn as_str(self) -> &'static str {
        match self {
            Usage::Test => "T",
            Usage::Production => "P",
        }
    }
}

/// Loop 1000A, and the ISA06/GS02 sender.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Submitter {
    pub name: String,
    /// The id the receiver assigned (ETIN); also the ISA06 sender id, so at most 15.
    pub id: String,
    pub contact_name: String,
    /// Ten digits; spaces, dashes, dots and parentheses are ignored.
    pub phone: String,
}

/// Loop 1000B, and the ISA08/GS03 receiver (usually a clearinghouse).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Receiver {
    pub name: String,
    pub id: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Address {
    pub line: String,
    pub city: String,
    /// Two-letter state code.
    pub state: String,
    /// Five or nine digits (the billing provider needs nine); a dash is ignored.
    pub zip: String,
}

/// Loop 2010AA: the organisation paid for the claims.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BillingProvider {
    pub name: String,
    pub npi: String,
    /// Employer identification number, nine digits; a dash is ignored.
    pub tax_id: String,
    pub address: Address,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Sex {
    Female,
    Male,
    Unknown,
}

impl Sex {
    pub fn as_str(self) -> &'static str {
        match self {
            Sex::Female => "F",
            Sex::Male => "M",
            Sex::Unknown => "U",
        }
    }
}

/// CLM05-3. A replacement or void names the claim it changes by the payer's number.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Frequency {
    Original,
    Replacement { payer_claim_number: String },
    Void { payer_claim_number: String },
}

impl Frequency {
    pub fn as_str(&self) -> &'static str {
        match self {
            Frequency::Original => "1",
            Frequency::Replacement { .. } => "7",
            Frequency::Void { .. } => "8",
        }
    }
}

/// Loop 2010BA: the insured person.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Subscriber {
    pub last: String,
    /// May be empty for a person with one name.
    pub first: String,
    pub member_id: String,
    pub group_number: Option<String>,
    pub address: Address,
    pub dob: Date,
    pub sex: Sex,
}

/// PAT01: how the patient is related to the subscriber.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Relationship {
    Spouse,
    Child,
    Employee,
    LifePartner,
    Unknown,
    Other,
}

impl Relationship {
    pub fn as_str(self) -> &'static str {
        match self {
            Relationship::Spouse => "01",
            Relationship::Child => "19",
            Relationship::Employee => "20",
            Relationship::Unknown => "21",
            Relationship::LifePartner => "53",
            Relationship::Other => "G8",
        }
    }
}

/// Loop 2000C/2010CA: a patient who is not the subscriber.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Patient {
    pub relationship: Relationship,
    pub last: String,
    pub first: String,
    pub address: Address,
    pub dob: Date,
    pub sex: Sex,
}

/// Loop 2010BB.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Payer {
    pub name: String,
    pub payer_id: String,
    /// SBR09, the claim filing indicator from the payer's record: CI, BL, HM, 12 …
    pub filing_indicator: String,
}

/// Loop 2310B: the clinician, when not the billing organisation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RenderingProvider {
    pub last: String,
    pub first: String,
    pub npi: String,
    /// PRV03, the clinician's provider taxonomy code (NUCC), such as 101YA0400X.
    pub taxonomy: Option<String>,
}

/// Loop 2300.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Claim {
    /// CLM01, the clinic's claim number (at most 20): the 835 returns it as CLP01.
    pub claim_id: String,
    /// Two digits, such as 57 (SUD facility), 11 (office), 02 or 10 (telehealth).
    pub place_of_service: String,
    pub frequency: Frequency,
    pub prior_authorization: Option<String>,
    /// ICD-10-CM codes, with or without the dot; the first is the principal.
    pub diagnoses: Vec<String>,
    pub subscriber: Subscriber,
    /// None when the patient is the subscriber.
    pub patient: Option<Patient>,
    pub payer: Payer,
    pub rendering_provider: Option<RenderingProvider>,
    pub lines: Vec<Line>,
}

/// Loop 2400: one service on one day.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Line {
    /// CPT or HCPCS, such as H0015 or 90853.
    pub procedure_code: String,
    /// Up to four two-character modifiers, such as 95 or GT for telehealth.
    pub modifiers: Vec<String>,
    pub charge: Cents,
    pub units: u32,
    pub date: Date,
    /// 1-based positions in the claim's `diagnoses`, one to four.
    pub diagnosis_pointers: Vec<u8>,
    /// SV105, written only when it differs from the claim's (a telehealth day in an
    /// otherwise in-person week).
    pub place_of_service: Option<String>,
    /// REF*G1 in loop 2400: this line's prior authorization when it differs from the
    /// claim's (lines under different authorizations).
    pub prior_authorization: Option<String>,
    /// REF*6R, the line item control number the 835 returns under SVC, so a payment is
    /// posted to its line.
    pub line_control: Option<String>,
}
