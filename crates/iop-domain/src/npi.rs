//! National Provider Identifier: ten digits whose last is a Luhn check digit computed
//! over the prefix 80840 and the first nine.

use serde::{Deserialize, Serialize};
use std::fmt;

#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[cfg_attr(feature = "diesel", derive(diesel::AsExpression, diesel::FromSqlRow))]
#[cfg_attr(feature = "diesel", diesel(sql_type = diesel::sql_types::Text))]
#[serde(try_from = "String", into = "String")]
#[schema(value_type = String)]
pub struct Npi(String);

#[derive(Debug, PartialEq, Eq, thiserror::Error)]
pub enum NpiError {
    #[error("an NPI has exactly 10 digits")]
    Shape,
    #[error("the NPI's check digit is wrong (Luhn over 80840 and the first nine digits)")]
    CheckDigit,
}

fn luhn_check_digit(digits: impl DoubleEndedIterator<Item = u32>) -> u32 {
    // Doubling starts at the rightmost digit of the payload (the check digit goes right of it).
    let sum: u32 = digits
        .rev()
        .enumerate()
        .map(|(i, d)| {
            if i % 2 == 0 {
                let x = d * 2;
                if x > 9 {
                    x - 9
                } else {
                    x
                }
            } else {
                d
            }
        })
        .sum();
    (10 - sum % 10) % 10
}

impl Npi {
    pub fn parse(raw: &str) -> Result<Self, NpiError> {
        let s = raw.trim();
        if s.len() != 10 || !s.bytes().all(|b| b.is_ascii_digit()) {
            return Err(NpiError::Shape);
        }
        let digits: Vec<u32> = s.bytes().map(|b| u32::from(b - b'0')).collect();
        let payload = [8, 0, 8, 4, 0]
            .into_iter()
            .chain(digits.iter().take(9).copied());
        let expected = luhn_check_digit(payload.collect::<Vec<_>>().into_iter());
        if digits.last() != Some(&expected) {
            return Err(NpiError::CheckDigit);
        }
        Ok(Npi(s.to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for Npi {
    type Error = NpiError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Npi::parse(&s)
    }
}

impl From<Npi> for String {
    fn from(n: Npi) -> String {
        n.0
    }
}

impl std::str::FromStr for Npi {
    type Err = NpiError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Npi::parse(s)
    }
}

#[cfg(feature = "diesel")]
crate::sql::text_column!(Npi);

impl fmt::Display for Npi {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A provider taxonomy code (NUCC): ten characters, three digits, six letters or digits
/// and a final X, such as 101YA0400X (addiction counselor). Loop 2310B PRV03.
pub fn taxonomy(raw: &str) -> Result<String, TaxonomyError> {
    let s = raw.trim().to_ascii_uppercase();
    let b = s.as_bytes();
    let shaped = b.len() == 10
        && b[..3].iter().all(u8::is_ascii_digit)
        && b[3..9].iter().all(u8::is_ascii_alphanumeric)
        && b[9] == b'X';
    if shaped {
        Ok(s)
    } else {
        Err(TaxonomyError)
    }
}

#[derive(Debug, PartialEq, Eq, thiserror::Error)]
#[error("a taxonomy code has ten characters ending in X, such as 101YA0400X")]
pub struct TaxonomyError;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn taxonomy_codes_are_ten_characters_ending_in_x() {
        assert_eq!(taxonomy(" 101ya0400x "), Ok("101YA0400X".into()));
        assert_eq!(taxonomy("1041C0700X"), Ok("1041C0700X".into()));
        assert_eq!(taxonomy("101YA0400"), Err(TaxonomyError));
        assert_eq!(taxonomy("A01YA0400X"), Err(TaxonomyError));
    }
    use proptest::prelude::*;

    #[test]
    fn the_cms_example_npi_is_valid() {
        // CMS's worked example: 123456789 with check digit 3.
        assert_eq!(
            Npi::parse("1234567893").map(|n| n.to_string()),
            Ok("1234567893".into())
        );
    }

    #[test]
    fn wrong_check_digits_and_shapes_are_refused() {
        assert_eq!(Npi::parse("1234567890"), Err(NpiError::CheckDigit));
        assert_eq!(Npi::parse("123456789"), Err(NpiError::Shape));
        assert_eq!(Npi::parse("12345678a3"), Err(NpiError::Shape));
    }

    proptest! {
        #[test]
        fn exactly_one_check_digit_fits_every_nine_digit_payload(payload in 0u64..1_000_000_000) {
            let base = format!("{payload:09}");
            let valid: Vec<u32> = (0..10).filter(|d| Npi::parse(&format!("{base}{d}")).is_ok()).collect();
            prop_assert_eq!(valid.len(), 1);
        }
    }
}
