//! What an 835 remittance says, in plain types: payments, claims, service lines and the
//! adjustments that explain every cent between charge and payment.

use iop_domain::Cents;
use jiff::civil::Date;

/// A whole 835 file: one payment per transaction set (ST..SE).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Remittance {
    pub payments: Vec<Payment>,
}

/// One transaction set: one payment (or notice of none) from one payer to one payee.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Payment {
    /// BPR02.
    pub total_paid: Cents,
    /// BPR04.
    pub method: PaymentMethod,
    /// BPR16: when the money moves (or the check is dated).
    pub date: Date,
    /// TRN02: the EFT trace or check number, to match the bank deposit.
    pub trace_number: String,
    /// TRN03: the payer's identifier (a 1 and its EIN, usually).
    pub payer_id: String,
    pub payer_name: String,
    pub payee_name: String,
    /// N1*PE N104 when N103 is XX.
    pub payee_npi: Option<String>,
    pub claims: Vec<ClaimPayment>,
    /// PLB: amounts taken from (positive) or added to (negative) this payment that belong
    /// to no claim, such as a recovered overpayment.
    pub provider_adjustments: Vec<ProviderAdjustment>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PaymentMethod {
    /// Automated clearing house (EFT).
    Ach,
    /// Financial institution option.
    Bop,
    Check,
    /// Federal Reserve wire.
    Wire,
    /// No payment: the file only reports adjudication.
    NonPayment,
}

impl PaymentMethod {
    pub fn from_code(code: &str) -> Option<Self> {
        Some(match code {
            "ACH" => PaymentMethod::Ach,
            "BOP" => PaymentMethod::Bop,
            "CHK" => PaymentMethod::Check,
            "FWT" => PaymentMethod::Wire,
            "NON" => PaymentMethod::NonPayment,
            _ => return None,
        })
    }

    pub fn as_str(self) -> &'static str {
        match self {
            PaymentMethod::Ach => "ACH",
            PaymentMethod::Bop => "BOP",
            PaymentMethod::Check => "CHK",
            PaymentMethod::Wire => "FWT",
            PaymentMethod::NonPayment => "NON",
        }
    }
}

/// CLP02. "Denied" only means the patient was not found: a processed claim paying $0
/// is still 1, 2 or 3, with adjustments saying why.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ClaimStatus {
    Primary,
    Secondary,
    Tertiary,
    Denied,
    PrimaryForwarded,
    SecondaryForwarded,
    TertiaryForwarded,
    Reversal,
    NotOurClaimForwarded,
    Predetermination,
}

impl ClaimStatus {
    pub fn from_code(code: &str) -> Option<Self> {
        use ClaimStatus::*;
        Some(match code {
            "1" => Primary,
            "2" => Secondary,
            "3" => Tertiary,
            "4" => Denied,
            "19" => PrimaryForwarded,
            "20" => SecondaryForwarded,
            "21" => TertiaryForwarded,
            "22" => Reversal,
            "23" => NotOurClaimForwarded,
            "25" => Predetermination,
            _ => return None,
        })
    }

    pub fn as_str(self) -> &'static str {
        use ClaimStatus::*;
        match self {
            Primary => "1",
            Secondary => "2",
            Tertiary => "3",
            Denied => "4",
            PrimaryForwarded => "19",
            SecondaryForwarded => "20",
            TertiaryForwarded => "21",
            Reversal => "22",
            NotOurClaimForwarded => "23",
            Predetermination => "25",
        }
    }
}

/// Loop 2100.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ClaimPayment {
    /// CLP01: the CLM01 the clinic sent.
    pub claim_id: String,
    pub status: ClaimStatus,
    pub charge: Cents,
    pub paid: Cents,
    /// CLP05, when the payer states it.
    pub patient_responsibility: Option<Cents>,
    /// CLP07: the number to quote on a replacement or void (REF*F8).
    pub payer_claim_number: String,
    /// CAS at claim level (not tied to one line).
    pub adjustments: Vec<Adjustment>,
    pub services: Vec<ServicePayment>,
}

/// Loop 2110.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ServicePayment {
    /// SVC01-2, such as H0015.
    pub procedure_code: String,
    pub modifiers: Vec<String>,
    pub charge: Cents,
    pub paid: Cents,
    /// SVC05; the guide says one when absent.
    pub units: u32,
    /// DTM*472 (or the start of DTM*150), else the claim's DTM*232.
    pub service_date: Option<Date>,
    pub adjustments: Vec<Adjustment>,
    /// REF*6R: the line item control number our 837 sent, naming the line paid.
    pub line_control: Option<String>,
}

/// One CAS reason: who bears the amount and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Adjustment {
    pub group: AdjustmentGroup,
    /// Claim adjustment reason code (CARC), such as 2 (coinsurance) or 45 (over the fee).
    pub reason: String,
    pub amount: Cents,
    pub quantity: Option<u32>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AdjustmentGroup {
    /// Contractual obligation: written off, never billed to the patient.
    Contractual,
    /// Patient responsibility: becomes the patient's balance.
    Patient,
    Other,
    PayerInitiated,
    Correction,
}

impl AdjustmentGroup {
    pub fn from_code(code: &str) -> Option<Self> {
        use AdjustmentGroup::*;
        Some(match code {
            "CO" => Contractual,
            "PR" => Patient,
            "OA" => Other,
            "PI" => PayerInitiated,
            "CR" => Correction,
            _ => return None,
        })
    }

    pub fn as_str(self) -> &'static str {
        use AdjustmentGroup::*;
        match self {
            Contractual => "CO",
            Patient => "PR",
            Other => "OA",
            PayerInitiated => "PI",
            Correction => "CR",
        }
    }
}

/// One PLB reason and amount.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProviderAdjustment {
    /// PLB01: the provider (NPI or tax id) the payer adjusts.
    pub provider_id: String,
    pub fiscal_period_end: Date,
    /// PLB03-1, such as WO (overpayment recovery) or L6 (interest).
    pub reason: String,
    /// PLB03-2: usually the claim the money comes from.
    pub reference: Option<String>,
    pub amount: Cents,
}
