//! The codes consents and disclosures are stored with.

use crate::consent::InfoKind;

crate::code_enum! {
        /// What a consent's recipient line names (a related person, a payer, or a
        /// class), or whom a disclosure went to (also an outside party of a class).
        pub enum RecipientKind {
            Person,
            Payer,
            Class,
            Outside,
        }
}

crate::code_enum! {
        /// The classes of recipients a TPO consent may name (§2.31(a)(4)(i)).
        pub enum RecipientClass {
            /// Providers who treat the patient (hospitals, physicians, other programs).
            TreatingProviders,
            /// Health plans and third-party payers.
            Payers,
            /// Those who help the program operate: billing services, auditors, IT.
            ProgramOperations,
        }
}

impl RecipientClass {
    /// As printed on the consent.
    pub fn describe(self) -> &'static str {
        match self {
            Self::TreatingProviders => "my treating providers",
            Self::Payers => "health plans and third-party payers",
            Self::ProgramOperations => "people helping to operate this program",
        }
    }
}

crate::code_enum! {
        /// How a disclosure left the program.
        pub enum DisclosureChannel {
            FamilyGroup,
            Print,
            Export,
            Claim,
            /// A relative's portal account, from the moment they sign in.
            Portal,
        }
}

crate::code_enum! {
        /// How a consent's expiry is stored: a date, the end of treatment, or never.
        pub enum ExpiryKind {
            Date,
            EndOfTreatment,
            Never,
        }
}

crate::code_enum! {
        /// Who signed a consent.
        pub enum SignerKind {
            Patient,
            Representative,
        }
}

/// The kinds of information a consent or a disclosure covers, stored as codes joined by
/// commas.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, utoipa::ToSchema)]
#[cfg_attr(feature = "diesel", derive(diesel::AsExpression, diesel::FromSqlRow))]
#[cfg_attr(feature = "diesel", diesel(sql_type = diesel::sql_types::Text))]
#[schema(value_type = String, example = "enrollment,family_participation")]
pub struct InfoKinds(pub Vec<InfoKind>);

/// A code that names no kind of information.
#[derive(Debug, PartialEq, Eq, thiserror::Error)]
#[error("{0:?} is not a kind of information a consent names")]
pub struct UnknownInfoKind(pub String);

impl std::fmt::Display for InfoKinds {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let codes: Vec<&str> = self.0.iter().map(|k| k.as_str()).collect();
        f.write_str(&codes.join(","))
    }
}

impl std::str::FromStr for InfoKinds {
    type Err = UnknownInfoKind;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        s.split(',')
            .map(str::trim)
            .filter(|c| !c.is_empty())
            .map(|c| {
                InfoKind::parse(c).ok_or_else(|| UnknownInfoKind(c.chars().take(30).collect()))
            })
            .collect::<Result<_, _>>()
            .map(InfoKinds)
    }
}

crate::display_text!(InfoKinds);
