//! What a day or a service may be billed as under a payer contract, and why not when it
//! may not; and the aging buckets of unpaid claims. The coding mode is per contract:
//! payers differ on per-diem (H0015/S9480) against per-service (90853, 9083x) billing.

pub use crate::billing_codes::*;
use crate::calendar::SessionKind;
use jiff::civil::Date;

crate::code_enum! {
    /// How a contract wants the program billed.
    pub enum CodingMode {
        /// One unit per attended program day.
        PerDiem,
        /// Each group, family or individual session on its own.
        PerService,
    }
}

impl CodingMode {
    pub fn as_str(self) -> &'static str {
        self.into()
    }

    pub fn describe(self) -> &'static str {
        match self {
            CodingMode::PerDiem => "one unit per attended program day",
            CodingMode::PerService => "each session billed on its own",
        }
    }
}

/// The procedure codes these rules produce (HCPCS and CPT), stored and sent as the code.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, strum::EnumIter)]
#[cfg_attr(feature = "diesel", derive(diesel::AsExpression, diesel::FromSqlRow))]
#[cfg_attr(feature = "diesel", diesel(sql_type = diesel::sql_types::Text))]
pub enum Code {
    H0015,
    S9480,
    Cpt90853,
    Cpt90847,
    Cpt90846,
    Cpt90849,
    Cpt90832,
    Cpt90834,
    Cpt90837,
}

impl Code {
    pub fn as_str(self) -> &'static str {
        match self {
            Code::H0015 => "H0015",
            Code::S9480 => "S9480",
            Code::Cpt90853 => "90853",
            Code::Cpt90847 => "90847",
            Code::Cpt90846 => "90846",
            Code::Cpt90849 => "90849",
            Code::Cpt90832 => "90832",
            Code::Cpt90834 => "90834",
            Code::Cpt90837 => "90837",
        }
    }

    pub fn describe(self) -> &'static str {
        match self {
            Code::H0015 => "alcohol/drug intensive outpatient, per day",
            Code::S9480 => "psychiatric intensive outpatient, per day",
            Code::Cpt90853 => "group psychotherapy",
            Code::Cpt90847 => "family psychotherapy with the patient present",
            Code::Cpt90846 => "family psychotherapy without the patient",
            Code::Cpt90849 => "multiple-family group psychotherapy",
            Code::Cpt90832 => "individual psychotherapy, 30 minutes",
            Code::Cpt90834 => "individual psychotherapy, 45 minutes",
            Code::Cpt90837 => "individual psychotherapy, 60 minutes",
        }
    }
}

impl std::fmt::Display for Code {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A code this program does not bill.
#[derive(Debug, PartialEq, Eq, thiserror::Error)]
#[error("{0:?} is not a code this program bills")]
pub struct UnknownCode(pub String);

impl std::str::FromStr for Code {
    type Err = UnknownCode;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        use strum::IntoEnumIterator;
        Code::iter()
            .find(|c| c.as_str() == s.trim())
            .ok_or_else(|| UnknownCode(s.chars().take(12).collect()))
    }
}

impl serde::Serialize for Code {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl utoipa::PartialSchema for Code {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        use strum::IntoEnumIterator;
        utoipa::openapi::ObjectBuilder::new()
            .schema_type(utoipa::openapi::schema::Type::String)
            .enum_values(Some(Code::iter().map(|c| c.as_str())))
            .description(Some("a HCPCS or CPT code"))
            .into()
    }
}

impl utoipa::ToSchema for Code {}

#[cfg(feature = "diesel")]
crate::sql::text_column!(Code);

/// A per-diem contract: its code and the minutes a day must reach (often 180).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PerDiemContract {
    pub code: Code,
    pub minimum_minutes: u32,
}

/// How far the documentation of a service has got. Ordered: a day of several sessions
/// is only as far along as its least documented one.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Documentation {
    Unsigned,
    /// Signed by a clinician whose notes a clinical director must co-sign, not yet co-signed.
    AwaitingCosign,
    Complete,
}

impl Documentation {
    pub fn of(signed: bool, cosign_required: bool, cosigned: bool) -> Self {
        match (signed, cosign_required && !cosigned) {
            (false, _) => Documentation::Unsigned,
            (true, true) => Documentation::AwaitingCosign,
            (true, false) => Documentation::Complete,
        }
    }
}

/// Which note documents a service.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NoteOf {
    Group,
    Session,
}

impl NoteOf {
    fn noun(self) -> &'static str {
        match self {
            NoteOf::Group => "the group note",
            NoteOf::Session => "the session note",
        }
    }
}

/// Why a charge waits: something a person can still put right.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Hold {
    ShortOfMinimum { attended: u32, required: u32 },
    Unsigned(NoteOf),
    AwaitingCosign(NoteOf),
}

impl Hold {
    pub fn as_str(self) -> &'static str {
        match self {
            Hold::ShortOfMinimum { .. } => "short_of_minimum",
            Hold::Unsigned(NoteOf::Group) => "group_note_unsigned",
            Hold::Unsigned(NoteOf::Session) => "session_note_unsigned",
            Hold::AwaitingCosign(_) => "awaiting_cosign",
        }
    }

    pub fn describe(self) -> String {
        match self {
            Hold::ShortOfMinimum { attended, required } => {
                format!("attended {attended} of the {required} minutes the contract requires")
            }
            Hold::Unsigned(note) => format!("{} is not signed yet", note.noun()),
            Hold::AwaitingCosign(note) => format!(
                "{} awaits the clinical director's co-signature",
                note.noun()
            ),
        }
    }

    /// The hold a note in this state puts on its charge, if any.
    pub fn of_note(note: NoteOf, doc: Documentation) -> Option<Hold> {
        match doc {
            Documentation::Unsigned => Some(Hold::Unsigned(note)),
            Documentation::AwaitingCosign => Some(Hold::AwaitingCosign(note)),
            Documentation::Complete => None,
        }
    }
}

/// Why something is never billed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NotBillable {
    /// Alumni groups are free aftercare, whatever the contract.
    Alumni,
    /// Individual psychotherapy needs 16 face-to-face minutes for the shortest code.
    TooShort { minutes: u32 },
    /// A conjoint family session needs 26 minutes (more than half of 50).
    FamilyTooShort { minutes: u32 },
    /// The multi-family group is billed per family: none of this patient's came.
    NoRelativePresent,
}

impl NotBillable {
    pub fn as_str(self) -> &'static str {
        match self {
            NotBillable::Alumni => "alumni",
            NotBillable::TooShort { .. } => "too_short",
            NotBillable::FamilyTooShort { .. } => "family_too_short",
            NotBillable::NoRelativePresent => "no_relative_present",
        }
    }

    pub fn describe(self) -> String {
        match self {
            NotBillable::Alumni => "alumni sessions are not billed".into(),
            NotBillable::TooShort { minutes } => format!(
                "{minutes} face-to-face minutes; individual psychotherapy needs at least 16"
            ),
            NotBillable::FamilyTooShort { minutes } => {
                format!("{minutes} face-to-face minutes; family psychotherapy needs at least 26")
            }
            NotBillable::NoRelativePresent => {
                "none of the patient's relatives attended the family group".into()
            }
        }
    }
}

/// The outcome for one day or service.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Decision {
    Charge {
        code: Code,
        units: u32,
    },
    /// Billable once every hold is cleared (never empty).
    Pending(Vec<Hold>),
    NotBillable(NotBillable),
    /// The patient was absent: nothing to bill and nothing to explain.
    Nothing,
}

fn charge_or_hold(code: Code, holds: Vec<Hold>) -> Decision {
    if holds.is_empty() {
        Decision::Charge { code, units: 1 }
    } else {
        Decision::Pending(holds)
    }
}

/// The minutes of one attended group session a payer counts: time in session, the
/// program's scheduled break excluded.
pub fn minutes_in_session(attended: u32, break_minutes: u32) -> u32 {
    attended.saturating_sub(break_minutes)
}

/// A program day under a per-diem contract: the core group or, on a family night, the
/// family group in its place. `attended_minutes` is None when absent and otherwise counts
/// time in session only (see [`minutes_in_session`]), as payers audit it.
pub fn per_diem_day(
    kind: SessionKind,
    attended_minutes: Option<u32>,
    doc: Documentation,
    contract: &PerDiemContract,
) -> Decision {
    if kind == SessionKind::Alumni {
        return Decision::NotBillable(NotBillable::Alumni);
    }
    let Some(attended) = attended_minutes else {
        return Decision::Nothing;
    };
    let mut holds = Vec::new();
    if attended < contract.minimum_minutes {
        holds.push(Hold::ShortOfMinimum {
            attended,
            required: contract.minimum_minutes,
        });
    }
    holds.extend(Hold::of_note(NoteOf::Group, doc));
    charge_or_hold(contract.code, holds)
}

/// A service under a per-service contract.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Service {
    CoreGroup,
    /// The every-other-week group of several families: 90849 for each patient with at
    /// least one relative present under consent, whether or not the patient came.
    MultiFamilyGroup {
        relatives_present: u32,
    },
    /// A conjoint session with one family: 90847 with the patient, 90846 without.
    Conjoint {
        patient_present: bool,
        face_to_face_minutes: u32,
    },
    Alumni,
    Individual {
        face_to_face_minutes: u32,
    },
}

/// The time-based individual code: 16–37 minutes 90832, 38–52 90834, 53 and up 90837.
pub fn individual_code(face_to_face_minutes: u32) -> Option<Code> {
    match face_to_face_minutes {
        0..=15 => None,
        16..=37 => Some(Code::Cpt90832),
        38..=52 => Some(Code::Cpt90834),
        _ => Some(Code::Cpt90837),
    }
}

/// `held` is false when the session did not take place for this patient (absent; for
/// the multi-family group, when neither the patient nor a relative came).
pub fn per_service(service: Service, held: bool, doc: Documentation) -> Decision {
    if service == Service::Alumni {
        return Decision::NotBillable(NotBillable::Alumni);
    }
    if !held {
        return Decision::Nothing;
    }
    let (code, note) = match service {
        Service::CoreGroup | Service::Alumni => (Code::Cpt90853, NoteOf::Group),
        Service::MultiFamilyGroup { relatives_present } => {
            if relatives_present == 0 {
                return Decision::NotBillable(NotBillable::NoRelativePresent);
            }
            (Code::Cpt90849, NoteOf::Group)
        }
        Service::Conjoint {
            patient_present,
            face_to_face_minutes: m,
        } => {
            if m < 26 {
                return Decision::NotBillable(NotBillable::FamilyTooShort { minutes: m });
            }
            let code = if patient_present {
                Code::Cpt90847
            } else {
                Code::Cpt90846
            };
            (code, NoteOf::Session)
        }
        Service::Individual {
            face_to_face_minutes: m,
        } => match individual_code(m) {
            Some(code) => (code, NoteOf::Session),
            None => return Decision::NotBillable(NotBillable::TooShort { minutes: m }),
        },
    };
    charge_or_hold(code, Hold::of_note(note, doc).into_iter().collect())
}

/// What a payer said about a claim in an 835, in the terms its standing needs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Adjudication {
    /// CLP02 4: denied (the payer could not find the patient).
    pub denied: bool,
    /// CLP02 22: the payer takes back an earlier payment.
    pub reversal: bool,
    pub total: crate::Cents,
    /// Paid on the claim so far, this remittance included.
    pub paid: crate::Cents,
    /// PR adjustments of this remittance: the patient's share.
    pub patient_share: crate::Cents,
    /// Every adjustment of this remittance (CO, PR, OA, PI).
    pub adjusted: crate::Cents,
    /// Paid by this remittance.
    pub paid_now: crate::Cents,
}

/// A claim's standing after a remittance. A claim paid nothing because all of it went
/// to the deductible (PR 1) is processed: the balance is the patient's, not "partial".
pub fn standing_after(a: Adjudication) -> ClaimStatus {
    let zero = crate::Cents(0);
    if a.denied {
        return ClaimStatus::Denied;
    }
    if a.reversal {
        return ClaimStatus::Submitted;
    }
    let settled = a.paid + a.adjusted >= a.total;
    match (settled, a.paid_now > zero, a.patient_share > zero) {
        (true, true, _) => ClaimStatus::Paid,
        (true, false, true) => ClaimStatus::PatientResponsibility,
        (true, false, false) if a.paid > zero => ClaimStatus::Paid,
        (true, false, false) => ClaimStatus::Denied,
        (false, _, _) => ClaimStatus::Partial,
    }
}

/// Accounts-receivable aging: how long a claim has waited for payment.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum AgingBucket {
    UpTo30,
    From31To60,
    From61To90,
    Over90,
}

impl AgingBucket {
    /// A negative age (billed "in the future", a clock or entry error) counts as current.
    pub fn for_age(days: i64) -> Self {
        match days {
            ..=30 => AgingBucket::UpTo30,
            31..=60 => AgingBucket::From31To60,
            61..=90 => AgingBucket::From61To90,
            _ => AgingBucket::Over90,
        }
    }

    pub fn between(billed: Date, today: Date) -> Self {
        Self::for_age(i64::from((today - billed).get_days()))
    }

    pub fn as_str(self) -> &'static str {
        match self {
            AgingBucket::UpTo30 => "0-30",
            AgingBucket::From31To60 => "31-60",
            AgingBucket::From61To90 => "61-90",
            AgingBucket::Over90 => "90+",
        }
    }

    pub fn describe(self) -> &'static str {
        match self {
            AgingBucket::UpTo30 => "0–30 days",
            AgingBucket::From31To60 => "31–60 days",
            AgingBucket::From61To90 => "61–90 days",
            AgingBucket::Over90 => "over 90 days",
        }
    }
}

#[cfg(test)]
#[path = "billing_tests.rs"]
mod tests;
