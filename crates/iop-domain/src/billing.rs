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

/// Why a charge waits: something a person can still put right.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Hold {
    ShortOfMinimum { attended: u32, required: u32 },
    GroupNoteUnsigned,
    SessionNoteUnsigned,
}

impl Hold {
    pub fn as_str(self) -> &'static str {
        match self {
            Hold::ShortOfMinimum { .. } => "short_of_minimum",
            Hold::GroupNoteUnsigned => "group_note_unsigned",
            Hold::SessionNoteUnsigned => "session_note_unsigned",
        }
    }

    pub fn describe(self) -> String {
        match self {
            Hold::ShortOfMinimum { attended, required } => {
                format!("attended {attended} of the {required} minutes the contract requires")
            }
            Hold::GroupNoteUnsigned => "the group note is not signed yet".into(),
            Hold::SessionNoteUnsigned => "the session note is not signed yet".into(),
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
}

impl NotBillable {
    pub fn as_str(self) -> &'static str {
        match self {
            NotBillable::Alumni => "alumni",
            NotBillable::TooShort { .. } => "too_short",
        }
    }

    pub fn describe(self) -> String {
        match self {
            NotBillable::Alumni => "alumni sessions are not billed".into(),
            NotBillable::TooShort { minutes } => format!(
                "{minutes} face-to-face minutes; individual psychotherapy needs at least 16"
            ),
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

/// A program day under a per-diem contract. `attended_minutes` is None when absent; it
/// counts time in session only, breaks excluded, as payers audit it.
pub fn per_diem_day(
    kind: SessionKind,
    attended_minutes: Option<u32>,
    note_signed: bool,
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
    if !note_signed {
        holds.push(Hold::GroupNoteUnsigned);
    }
    charge_or_hold(contract.code, holds)
}

/// A service under a per-service contract.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Service {
    CoreGroup,
    Family { patient_present: bool },
    Alumni,
    Individual { face_to_face_minutes: u32 },
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

/// `held` is false when the session did not take place for this patient (absent).
pub fn per_service(service: Service, held: bool, note_signed: bool) -> Decision {
    if service == Service::Alumni {
        return Decision::NotBillable(NotBillable::Alumni);
    }
    if !held {
        return Decision::Nothing;
    }
    let (code, unsigned) = match service {
        Service::CoreGroup | Service::Alumni => (Code::Cpt90853, Hold::GroupNoteUnsigned),
        Service::Family {
            patient_present: true,
        } => (Code::Cpt90847, Hold::GroupNoteUnsigned),
        Service::Family {
            patient_present: false,
        } => (Code::Cpt90846, Hold::GroupNoteUnsigned),
        Service::Individual {
            face_to_face_minutes: m,
        } => match individual_code(m) {
            Some(code) => (code, Hold::SessionNoteUnsigned),
            None => return Decision::NotBillable(NotBillable::TooShort { minutes: m }),
        },
    };
    charge_or_hold(code, if note_signed { vec![] } else { vec![unsigned] })
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
mod tests {
    use super::*;
    use jiff::civil::date;
    use proptest::prelude::*;

    const H0015_180: PerDiemContract = PerDiemContract {
        code: Code::H0015,
        minimum_minutes: 180,
    };

    #[test]
    fn a_full_signed_day_is_one_unit_of_the_contract_code() {
        assert_eq!(
            per_diem_day(SessionKind::Core, Some(180), true, &H0015_180),
            Decision::Charge {
                code: Code::H0015,
                units: 1
            }
        );
    }

    #[test]
    fn a_short_or_unsigned_day_waits_and_says_why() {
        let d = per_diem_day(SessionKind::Core, Some(150), false, &H0015_180);
        let Decision::Pending(holds) = d else {
            panic!("{d:?}")
        };
        let why: Vec<String> = holds.iter().map(|h| h.describe()).collect();
        assert_eq!(
            why,
            [
                "attended 150 of the 180 minutes the contract requires",
                "the group note is not signed yet"
            ]
        );
    }

    #[test]
    fn absence_is_nothing_and_alumni_is_never_a_charge() {
        assert_eq!(
            per_diem_day(SessionKind::Core, None, true, &H0015_180),
            Decision::Nothing
        );
        assert_eq!(
            per_diem_day(SessionKind::Alumni, Some(180), true, &H0015_180),
            Decision::NotBillable(NotBillable::Alumni)
        );
        assert_eq!(
            per_service(Service::Alumni, true, true),
            Decision::NotBillable(NotBillable::Alumni)
        );
        assert_eq!(
            per_service(Service::CoreGroup, false, true),
            Decision::Nothing
        );
    }

    #[test]
    fn sessions_map_to_their_codes() {
        let code = |s| match per_service(s, true, true) {
            Decision::Charge { code, units: 1 } => Some(code),
            _ => None,
        };
        assert_eq!(code(Service::CoreGroup), Some(Code::Cpt90853));
        assert_eq!(
            code(Service::Family {
                patient_present: true
            }),
            Some(Code::Cpt90847)
        );
        assert_eq!(
            code(Service::Family {
                patient_present: false
            }),
            Some(Code::Cpt90846)
        );
    }

    #[test]
    fn individual_psychotherapy_is_coded_by_face_to_face_minutes() {
        let cases = [
            (15, None),
            (16, Some(Code::Cpt90832)),
            (37, Some(Code::Cpt90832)),
            (38, Some(Code::Cpt90834)),
            (52, Some(Code::Cpt90834)),
            (53, Some(Code::Cpt90837)),
            (90, Some(Code::Cpt90837)),
        ];
        for (minutes, code) in cases {
            assert_eq!(individual_code(minutes), code, "{minutes}");
        }
        let short = per_service(
            Service::Individual {
                face_to_face_minutes: 12,
            },
            true,
            false,
        );
        assert_eq!(
            short,
            Decision::NotBillable(NotBillable::TooShort { minutes: 12 })
        );
        let unsigned = per_service(
            Service::Individual {
                face_to_face_minutes: 45,
            },
            true,
            false,
        );
        assert_eq!(unsigned, Decision::Pending(vec![Hold::SessionNoteUnsigned]));
    }

    #[test]
    fn claims_age_into_thirty_day_buckets() {
        let cases = [
            (-3, "0-30"),
            (0, "0-30"),
            (30, "0-30"),
            (31, "31-60"),
            (60, "31-60"),
            (61, "61-90"),
            (90, "61-90"),
            (91, "90+"),
        ];
        for (days, bucket) in cases {
            assert_eq!(AgingBucket::for_age(days).as_str(), bucket, "{days}");
        }
        assert_eq!(
            AgingBucket::between(date(2026, 1, 1), date(2026, 3, 2)),
            AgingBucket::From31To60
        );
    }

    proptest! {
        #[test]
        fn a_per_diem_day_charges_exactly_when_minutes_and_signature_are_there(
            minutes in prop::option::of(0u32..600),
            signed: bool,
            minimum in 60u32..400,
            kind in prop::sample::select(vec![SessionKind::Core, SessionKind::Family, SessionKind::Alumni]),
        ) {
            let contract = PerDiemContract { code: Code::S9480, minimum_minutes: minimum };
            let d = per_diem_day(kind, minutes, signed, &contract);
            let billable = kind != SessionKind::Alumni && minutes.is_some_and(|m| m >= minimum) && signed;
            prop_assert_eq!(
                matches!(d, Decision::Charge { code: Code::S9480, units: 1 }),
                billable
            );
            if let Decision::Pending(holds) = &d {
                prop_assert!(!holds.is_empty());
                prop_assert!(holds.iter().all(|h| !h.describe().is_empty()));
            }
        }

        #[test]
        fn longer_sessions_never_get_a_shorter_code(a in 0u32..200, b in 0u32..200) {
            let (short, long) = (a.min(b), a.max(b));
            let rank = |m| individual_code(m).map(|c| c.as_str().to_string());
            prop_assert!(rank(short) <= rank(long));
        }

        #[test]
        fn older_claims_never_land_in_a_younger_bucket(a in -1000i64..1000, b in -1000i64..1000) {
            prop_assert!(AgingBucket::for_age(a.min(b)) <= AgingBucket::for_age(a.max(b)));
        }
    }
}
