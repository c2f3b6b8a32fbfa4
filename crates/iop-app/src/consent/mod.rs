//! 42 CFR Part 2: related persons, consents, the family group, releases and disclosures.

pub mod consents;
pub mod disclosures;
pub mod drafts;
pub mod family;
pub mod notices;
pub mod overview;
pub mod release;
