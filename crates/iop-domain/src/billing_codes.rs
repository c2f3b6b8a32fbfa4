//! The closed sets and codes billing stores: claim and charge statuses, who pays, how,
//! and the claim codes checked on input. Re-exported from `billing`.

crate::code_enum! {
        /// Where a claim stands, from building it to the payer's answer.
        pub enum ClaimStatus {
            /// Built, but something the payer needs is missing (see its problems).
            Held,
            Ready,
            Submitted,
            Partial,
            Paid,
            /// Processed, nothing paid: all of it is the patient's (a deductible).
            PatientResponsibility,
            Denied,
            /// A replacement claim (frequency 7) took its place; kept on record.
            Replaced,
            /// A void claim (frequency 8) withdrew it; kept on record.
            Voided,
        }
}

impl ClaimStatus {
    /// The payer has the claim (sent, answered or not): only such a claim can be
    /// replaced or voided.
    pub fn with_payer(self) -> bool {
        matches!(
            self,
            ClaimStatus::Submitted
                | ClaimStatus::Partial
                | ClaimStatus::Paid
                | ClaimStatus::PatientResponsibility
                | ClaimStatus::Denied
        )
    }
}

crate::code_enum! {
    /// CLM05-3: an original claim, or a correction of one the payer already has.
    pub enum ClaimFrequency {
        Original,
        Replacement,
        Void,
    }
}

crate::code_enum! {
    /// SBR09, the claim filing indicator: what kind of plan the payer runs (X12 code
    /// list 1032), taken from the payer's record.
    pub enum ClaimFilingIndicator {
        #[serde(rename = "CI")]
        #[strum(serialize = "CI")]
        Commercial,
        #[serde(rename = "BL")]
        #[strum(serialize = "BL")]
        BlueCrossBlueShield,
        #[serde(rename = "HM")]
        #[strum(serialize = "HM")]
        Hmo,
        #[serde(rename = "12")]
        #[strum(serialize = "12")]
        Ppo,
        #[serde(rename = "13")]
        #[strum(serialize = "13")]
        PointOfService,
        #[serde(rename = "14")]
        #[strum(serialize = "14")]
        Epo,
        #[serde(rename = "15")]
        #[strum(serialize = "15")]
        Indemnity,
        #[serde(rename = "FI")]
        #[strum(serialize = "FI")]
        FederalEmployees,
        #[serde(rename = "11")]
        #[strum(serialize = "11")]
        OtherNonFederal,
    }
}

impl ClaimFilingIndicator {
    pub fn label(self) -> &'static str {
        match self {
            ClaimFilingIndicator::Commercial => "Commercial insurance",
            ClaimFilingIndicator::BlueCrossBlueShield => "Blue Cross Blue Shield",
            ClaimFilingIndicator::Hmo => "HMO",
            ClaimFilingIndicator::Ppo => "PPO",
            ClaimFilingIndicator::PointOfService => "Point of service plan",
            ClaimFilingIndicator::Epo => "EPO",
            ClaimFilingIndicator::Indemnity => "Indemnity insurance",
            ClaimFilingIndicator::FederalEmployees => "Federal Employees Program",
            ClaimFilingIndicator::OtherNonFederal => "Other non-federal program",
        }
    }
}

crate::code_enum! {
        /// Where a charge stands.
        pub enum ChargeStatus {
            /// Waiting for something (a signature, a contract, an authorization): not billed.
            Pending,
            Ready,
            Billed,
            /// No longer billable; kept with the reason.
            Void,
        }
}

crate::code_enum! {
        /// Who a charge is billed to.
        pub enum ChargePayer {
            Insurance,
            SelfPay,
        }
}

crate::code_enum! {
        /// What a charge was made from.
        pub enum ChargeSource {
            /// A group session (per-service contracts).
            Session,
            /// A day of group minutes (per-diem contracts).
            Day,
            /// An individual appointment.
            Appointment,
        }
}

crate::code_enum! {
        /// Who a payment came from.
        pub enum PaymentSource {
            Payer,
            Patient,
        }
}

crate::code_enum! {
        /// A coverage's place in the order of payers.
        pub enum CoveragePriority {
            Primary,
            Secondary,
        }
}

crate::code_enum! {
    /// The patient's relationship to the coverage's subscriber.
    pub enum SubscriberRelationship {
        /// The patient is the subscriber.
        #[serde(rename = "self")]
        #[strum(serialize = "self")]
        Subscriber,
        Spouse,
        Child,
        LifePartner,
        Employee,
        Other,
    }
}

crate::code_enum! {
    /// Whether claims go to the payer's test or production system (X12 ISA15).
    pub enum ClaimUsage {
        #[serde(rename = "T")]
        #[strum(serialize = "T")]
        Test,
        #[serde(rename = "P")]
        #[strum(serialize = "P")]
        Production,
    }
}

crate::code_enum! {
    /// How a contract is billed: an 837P claim to the payer, or no claim (self-pay).
    pub enum ClaimForm {
        #[serde(rename = "837P")]
        #[strum(serialize = "837P")]
        Professional837,
        #[serde(rename = "none")]
        #[strum(serialize = "none")]
        NoClaim,
    }
}

/// A place-of-service code (CMS POS, two digits: 57 non-residential SUD facility,
/// 10 telehealth at home).
#[derive(Clone, Debug, PartialEq, Eq, Hash, utoipa::ToSchema)]
#[cfg_attr(feature = "diesel", derive(diesel::AsExpression, diesel::FromSqlRow))]
#[cfg_attr(feature = "diesel", diesel(sql_type = diesel::sql_types::Text))]
#[schema(value_type = String, example = "57")]
pub struct PlaceOfService(String);

/// Up to four two-character procedure modifiers, stored joined by commas.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, utoipa::ToSchema)]
#[cfg_attr(feature = "diesel", derive(diesel::AsExpression, diesel::FromSqlRow))]
#[cfg_attr(feature = "diesel", diesel(sql_type = diesel::sql_types::Text))]
#[schema(value_type = String, example = "HQ")]
pub struct Modifiers(Vec<String>);

/// A billing code that is not written as its kind of code is.
#[derive(Debug, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct BadBillingCode(pub String);

impl PlaceOfService {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for PlaceOfService {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::str::FromStr for PlaceOfService {
    type Err = BadBillingCode;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let s = s.trim();
        if s.len() == 2 && s.bytes().all(|b| b.is_ascii_digit()) {
            Ok(PlaceOfService(s.to_string()))
        } else {
            Err(BadBillingCode(
                "a place of service is two digits, such as 57".into(),
            ))
        }
    }
}

impl Modifiers {
    pub fn codes(&self) -> &[String] {
        &self.0
    }

    /// These modifiers and one more (once: a modifier already there is not repeated).
    pub fn with(&self, modifier: &str) -> Result<Modifiers, BadBillingCode> {
        if self.0.iter().any(|m| m.eq_ignore_ascii_case(modifier)) {
            return Ok(self.clone());
        }
        format!("{},{modifier}", self).parse()
    }
}

impl std::fmt::Display for Modifiers {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0.join(","))
    }
}

impl std::str::FromStr for Modifiers {
    type Err = BadBillingCode;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let codes: Vec<String> = s
            .split(',')
            .map(str::trim)
            .filter(|m| !m.is_empty())
            .map(str::to_ascii_uppercase)
            .collect();
        if codes.len() > 4
            || codes
                .iter()
                .any(|m| m.len() != 2 || !m.bytes().all(|b| b.is_ascii_alphanumeric()))
        {
            return Err(BadBillingCode(
                "at most four modifiers of two letters or digits".into(),
            ));
        }
        Ok(Modifiers(codes))
    }
}

crate::display_text!(PlaceOfService, Modifiers);

crate::code_enum! {
    /// How money arrived: at the front desk, or as the 835 reports the payer's payment.
    pub enum PaymentMethod {
        Cash,
        Card,
        Check,
        /// Automated clearing house (EFT).
        Ach,
        /// Financial institution option.
        Bop,
        /// Federal Reserve wire.
        Wire,
        /// No money moved: the 835 only reports adjudication.
        NonPayment,
    }
}

/// What a provider-level adjustment's reason code (835 PLB03-1, 005010X221A1) means, in
/// words for the billing page; an unknown code is shown as itself.
pub fn plb_reason_label(code: &str) -> std::borrow::Cow<'static, str> {
    let label = match code.trim() {
        "50" => "Late charge",
        "51" => "Interest penalty charge",
        "72" => "Authorized return",
        "90" => "Early payment allowance",
        "AH" => "Origination fee",
        "AM" => "Applied to borrower's account",
        "AP" => "Acceleration of benefits",
        "B2" => "Rebate",
        "B3" => "Recovery allowance",
        "BD" => "Bad debt adjustment",
        "BN" => "Bonus",
        "C5" => "Temporary allowance",
        "CR" => "Capitation interest",
        "CS" => "Adjustment",
        "CT" => "Capitation payment",
        "CV" => "Capital passthrough",
        "E3" => "Withholding",
        "FB" => "Forwarding balance",
        "FC" => "Fund allocation",
        "IP" => "Incentive premium payment",
        "IR" => "IRS withholding",
        "IS" => "Interim settlement",
        "J1" => "Nonreimbursable",
        "L3" => "Penalty",
        "L6" => "Interest owed",
        "LE" => "Levy",
        "LS" => "Lump sum",
        "OB" => "Offset for affiliated providers",
        "PI" => "Periodic interim payment",
        "PL" => "Payment final",
        "RA" => "Retroactivity adjustment",
        "TL" => "Third-party liability",
        "WO" => "Overpayment recovery",
        "WU" => "Unspecified recovery",
        other => return std::borrow::Cow::Owned(format!("Code {other}")),
    };
    std::borrow::Cow::Borrowed(label)
}

#[cfg(test)]
mod plb_tests {
    use super::plb_reason_label;

    #[test]
    fn provider_level_adjustment_codes_read_as_words_and_unknown_ones_as_their_code() {
        assert_eq!(plb_reason_label("L6"), "Interest owed");
        assert_eq!(plb_reason_label("WO"), "Overpayment recovery");
        assert_eq!(plb_reason_label("ZZ"), "Code ZZ");
    }
}
