//! The admissions funnel: inquiry statuses and how screening answers decide the next step.

use serde::{Deserialize, Serialize};

crate::code_enum! {
        pub enum InquiryStatus {
            New,
            Contacted,
            Screened,
            Scheduled,
            Admitted,
            ReferredOut,
            NotAdmitted,
        }
}

impl InquiryStatus {
    pub fn is_closed(self) -> bool {
        matches!(self, Self::Admitted | Self::ReferredOut | Self::NotAdmitted)
    }

    /// Which moves a person may make by hand. Admission happens only through admitting.
    pub fn may_move_to(self, to: InquiryStatus) -> bool {
        use InquiryStatus::*;
        match (self, to) {
            (a, b) if a.is_closed() || a == b => false,
            (_, Admitted) => false,
            (_, ReferredOut | NotAdmitted) => true,
            (New, Contacted) => true,
            (New | Contacted, Screened) => true,
            (Screened, Scheduled) => true,
            _ => false,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::New => "New",
            Self::Contacted => "Contacted",
            Self::Screened => "Screened",
            Self::Scheduled => "Intake scheduled",
            Self::Admitted => "Admitted",
            Self::ReferredOut => "Referred out",
            Self::NotAdmitted => "Not admitted",
        }
    }
}

crate::code_enum! {
        pub enum WithdrawalRisk {
            None,
            Low,
            Moderate,
            Severe,
        }
}

/// What a screener recorded.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Screening {
    pub substances: Vec<String>,
    pub last_use: Option<String>,
    pub withdrawal_risk: WithdrawalRisk,
    /// Seizures or delirium tremens in past withdrawals.
    pub complicated_withdrawal_history: bool,
    pub danger_to_self: bool,
    pub danger_to_others: bool,
    pub prior_treatment: bool,
    pub stepping_down: bool,
}

/// What screening says to do next.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(tag = "disposition", rename_all = "snake_case")]
pub enum Disposition {
    /// Safe for an intensive outpatient program: schedule the intake.
    Proceed,
    /// Refer to medically supervised withdrawal management first; the reason says why.
    ReferToDetox { reason: String },
    /// Follow the crisis protocol now: call or text 988, or 911 for immediate danger.
    CrisisProtocol { reason: String },
}

pub const CRISIS_LINE: &str = "988";

pub fn disposition(s: &Screening) -> Disposition {
    if s.danger_to_self || s.danger_to_others {
        let who = match (s.danger_to_self, s.danger_to_others) {
            (true, true) => "to self and others",
            (true, false) => "to self",
            _ => "to others",
        };
        return Disposition::CrisisProtocol {
            reason: format!("danger {who} reported: follow the crisis protocol (988 Suicide & Crisis Lifeline; 911 if in immediate danger)"),
        };
    }
    if s.withdrawal_risk == WithdrawalRisk::Severe {
        return Disposition::ReferToDetox {
            reason: "severe withdrawal risk needs medically supervised withdrawal management"
                .into(),
        };
    }
    if s.withdrawal_risk == WithdrawalRisk::Moderate && s.complicated_withdrawal_history {
        return Disposition::ReferToDetox {
            reason: "moderate withdrawal risk with seizures or delirium in past withdrawals needs medical withdrawal management".into(),
        };
    }
    Disposition::Proceed
}

#[cfg(test)]
mod tests {
    use super::*;
    use strum::IntoEnumIterator;

    fn base() -> Screening {
        Screening {
            substances: vec!["alcohol".into()],
            last_use: Some("2 days ago".into()),
            withdrawal_risk: WithdrawalRisk::Low,
            complicated_withdrawal_history: false,
            danger_to_self: false,
            danger_to_others: false,
            prior_treatment: false,
            stepping_down: false,
        }
    }

    #[test]
    fn low_risk_proceeds_to_intake() {
        assert_eq!(disposition(&base()), Disposition::Proceed);
    }

    #[test]
    fn severe_withdrawal_risk_is_referred_to_detox_with_the_reason() {
        let s = Screening {
            withdrawal_risk: WithdrawalRisk::Severe,
            ..base()
        };
        assert!(
            matches!(disposition(&s), Disposition::ReferToDetox { reason } if reason.contains("withdrawal"))
        );
        let m = Screening {
            withdrawal_risk: WithdrawalRisk::Moderate,
            complicated_withdrawal_history: true,
            ..base()
        };
        assert!(matches!(disposition(&m), Disposition::ReferToDetox { .. }));
        let m2 = Screening {
            withdrawal_risk: WithdrawalRisk::Moderate,
            ..base()
        };
        assert_eq!(disposition(&m2), Disposition::Proceed);
    }

    #[test]
    fn danger_goes_to_the_crisis_protocol_before_anything_else() {
        let s = Screening {
            danger_to_self: true,
            withdrawal_risk: WithdrawalRisk::Severe,
            ..base()
        };
        assert!(
            matches!(disposition(&s), Disposition::CrisisProtocol { reason } if reason.contains("988"))
        );
    }

    #[test]
    fn closed_inquiries_never_move_and_admission_is_not_a_manual_move() {
        for from in InquiryStatus::iter() {
            assert!(!from.may_move_to(InquiryStatus::Admitted));
            if from.is_closed() {
                assert!(InquiryStatus::iter().all(|to| !from.may_move_to(to)));
            }
        }
        assert!(InquiryStatus::New.may_move_to(InquiryStatus::Contacted));
        assert!(InquiryStatus::Screened.may_move_to(InquiryStatus::Scheduled));
        assert!(!InquiryStatus::New.may_move_to(InquiryStatus::Scheduled));
    }
}

crate::code_enum! {
        /// How an inquiry reached the program.
        pub enum InquiryChannel {
            Phone,
            Web,
            Referral,
        }
}

crate::code_enum! {
        /// What is known of an inquirer's insurance.
        pub enum InsuranceStatus {
            NotCaptured,
            Unverified,
            Verified,
            NotCovered,
            SelfPay,
        }
}

crate::code_enum! {
        /// Why an episode ended. A graduation is `Completed`.
        pub enum DischargeReason {
            Completed,
            /// Left against advice.
            Ama,
            Administrative,
            TransferHigherLoc,
            TransferOther,
            Incarcerated,
            Death,
            Other,
        }
}

impl DischargeReason {
    /// How the reason is named to a person.
    pub fn label(self) -> &'static str {
        match self {
            Self::Completed => "Completed treatment",
            Self::Ama => "Left against advice",
            Self::Administrative => "Administrative discharge",
            Self::TransferHigherLoc => "Transferred to a higher level of care",
            Self::TransferOther => "Transferred to other treatment",
            Self::Incarcerated => "Incarcerated",
            Self::Death => "Death",
            Self::Other => "Other",
        }
    }
}

crate::code_enum! {
    /// Sex as claims carry it (X12 DMG03): male, female or unknown.
    pub enum Sex {
        #[serde(rename = "M")]
        #[strum(serialize = "M")]
        Male,
        #[serde(rename = "F")]
        #[strum(serialize = "F")]
        Female,
        #[serde(rename = "U")]
        #[strum(serialize = "U")]
        Unknown,
    }
}

crate::code_enum! {
    /// An ASAM level of care, stored as its number. This program is 2.1.
    pub enum LevelOfCare {
        #[serde(rename = "1")]
        #[strum(serialize = "1")]
        Outpatient,
        #[serde(rename = "2.1")]
        #[strum(serialize = "2.1")]
        IntensiveOutpatient,
        #[serde(rename = "2.5")]
        #[strum(serialize = "2.5")]
        PartialHospitalization,
    }
}
