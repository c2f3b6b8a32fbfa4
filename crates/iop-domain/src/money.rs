//! Money in integer cents: no floating point ever touches a balance.

use serde::{Deserialize, Serialize};
use std::fmt;

#[derive(
    Clone,
    Copy,
    Debug,
    Default,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Serialize,
    Deserialize,
    utoipa::ToSchema,
)]
#[serde(transparent)]
pub struct Cents(pub i64);

impl Cents {
    pub fn checked_add(self, other: Cents) -> Option<Cents> {
        self.0.checked_add(other.0).map(Cents)
    }
}

impl fmt::Display for Cents {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sign = if self.0 < 0 { "-" } else { "" };
        let abs = self.0.unsigned_abs();
        write!(f, "{sign}${}.{:02}", abs / 100, abs % 100)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cents_display_as_dollars_including_negatives_and_extremes() {
        assert_eq!(Cents(0).to_string(), "$0.00");
        assert_eq!(Cents(12345).to_string(), "$123.45");
        assert_eq!(Cents(-5).to_string(), "-$0.05");
        assert_eq!(Cents(i64::MIN).to_string(), "-$92233720368547758.08");
    }

    #[test]
    fn addition_reports_overflow_instead_of_wrapping() {
        assert_eq!(Cents(i64::MAX).checked_add(Cents(1)), None);
        assert_eq!(Cents(1).checked_add(Cents(2)), Some(Cents(3)));
    }
}
