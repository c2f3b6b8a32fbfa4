//! Validated account values: an `Email` is normalised, a `Password` meets the policy.

use std::fmt;
use thiserror::Error;

#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Email(String);

#[derive(Debug, Error, PartialEq, Eq)]
pub enum AccountError {
    #[error("enter an email address such as name@example.org")]
    BadEmail,
    #[error("the password must have at least {min} characters")]
    PasswordTooShort { min: usize },
    #[error("the password must have at most {max} characters")]
    PasswordTooLong { max: usize },
}

impl Email {
    /// Trims and lower-cases, and checks the one shape every address has: text@domain.tld.
    pub fn parse(raw: &str) -> Result<Self, AccountError> {
        let s = raw.trim().to_lowercase();
        let ok = s.len() <= 254
            && !s.chars().any(|c| c.is_whitespace() || c.is_control())
            && match s.split_once('@') {
                Some((local, domain)) => {
                    !local.is_empty()
                        && !domain.contains('@')
                        && domain.contains('.')
                        && !domain.starts_with('.')
                        && !domain.ends_with('.')
                }
                None => false,
            };
        if ok {
            Ok(Self(s))
        } else {
            Err(AccountError::BadEmail)
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Email {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for Email {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Email({})", self.0)
    }
}

/// A password that satisfies the policy. `Debug` never shows it.
#[derive(Clone)]
pub struct Password(String);

impl Password {
    pub const MIN_CHARS: usize = 12;
    /// Bounds the work argon2 does on a request body.
    pub const MAX_CHARS: usize = 256;

    pub fn new(raw: String) -> Result<Self, AccountError> {
        let n = raw.chars().count();
        if n < Self::MIN_CHARS {
            Err(AccountError::PasswordTooShort {
                min: Self::MIN_CHARS,
            })
        } else if n > Self::MAX_CHARS {
            Err(AccountError::PasswordTooLong {
                max: Self::MAX_CHARS,
            })
        } else {
            Ok(Self(raw))
        }
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Password {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Password(***)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn email_is_trimmed_and_lowercased() {
        assert_eq!(
            Email::parse("  Counselor@Demo.Test ").map(|e| e.0),
            Ok("counselor@demo.test".into())
        );
    }

    #[test]
    fn malformed_emails_are_refused() {
        for bad in [
            "",
            "a",
            "a@b",
            "@demo.test",
            "a@@demo.test",
            "a b@demo.test",
            "a@.test",
            "a@demo.",
        ] {
            assert_eq!(Email::parse(bad), Err(AccountError::BadEmail), "{bad:?}");
        }
    }

    #[test]
    fn password_needs_twelve_characters_counted_as_characters_not_bytes() {
        assert!(Password::new("elevenchars".into()).is_err());
        assert!(Password::new("twelve chars".into()).is_ok());
        assert!(Password::new("ééééééééééé".into()).is_err());
    }

    #[test]
    fn password_debug_hides_the_secret() {
        let p = Password::new("demo-password".into()).map(|p| format!("{p:?}"));
        assert_eq!(p.as_deref(), Ok("Password(***)"));
    }

    proptest! {
        #[test]
        fn email_parse_never_panics_and_accepts_its_own_output(s in ".{0,80}") {
            if let Ok(e) = Email::parse(&s) {
                prop_assert_eq!(Email::parse(e.as_str()), Ok(e.clone()));
            }
        }
    }
}

crate::code_enum! {
    /// A professional credential a staff member may hold, as it is written.
    pub enum Credential {
        #[serde(rename = "LCSW")]
        #[strum(serialize = "LCSW")]
        Lcsw,
        #[serde(rename = "LMSW")]
        #[strum(serialize = "LMSW")]
        Lmsw,
        #[serde(rename = "LADC")]
        #[strum(serialize = "LADC")]
        Ladc,
        #[serde(rename = "CADC")]
        #[strum(serialize = "CADC")]
        Cadc,
        #[serde(rename = "LPC")]
        #[strum(serialize = "LPC")]
        Lpc,
        #[serde(rename = "LMHC")]
        #[strum(serialize = "LMHC")]
        Lmhc,
        #[serde(rename = "LMFT")]
        #[strum(serialize = "LMFT")]
        Lmft,
        #[serde(rename = "PsyD")]
        #[strum(serialize = "PsyD")]
        PsyD,
        #[serde(rename = "PhD")]
        #[strum(serialize = "PhD")]
        PhD,
        #[serde(rename = "MD")]
        #[strum(serialize = "MD")]
        Md,
        #[serde(rename = "RN")]
        #[strum(serialize = "RN")]
        Rn,
        #[serde(rename = "CPRS")]
        #[strum(serialize = "CPRS")]
        Cprs,
    }
}

/// A staff member's credentials, stored joined by commas.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, utoipa::ToSchema)]
#[cfg_attr(feature = "diesel", derive(diesel::AsExpression, diesel::FromSqlRow))]
#[cfg_attr(feature = "diesel", diesel(sql_type = diesel::sql_types::Text))]
#[schema(value_type = String, example = "LCSW,LADC")]
pub struct Credentials(pub Vec<Credential>);

impl fmt::Display for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let codes: Vec<&str> = self.0.iter().map(|c| c.into()).collect();
        f.write_str(&codes.join(","))
    }
}

impl std::str::FromStr for Credentials {
    type Err = strum::ParseError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        s.split(',')
            .map(str::trim)
            .filter(|c| !c.is_empty())
            .map(str::parse)
            .collect::<Result<_, _>>()
            .map(Credentials)
    }
}

crate::display_text!(Credentials);
