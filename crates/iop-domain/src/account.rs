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
    #[error("this password is one of the 10,000 most common passwords; choose another")]
    PasswordCommon,
    #[error("this password is too easy to guess: {why}")]
    PasswordWeak { why: String },
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

/// The 10,000 most common passwords, most common first (from the zxcvbn project's
/// frequency list, MIT licence), one per line.
const COMMON_PASSWORDS: &str = include_str!("../data/common-passwords.txt");

/// Whether `raw`, ignoring case, is on the shipped list of common passwords.
pub fn is_common_password(raw: &str) -> bool {
    let lower = raw.to_lowercase();
    COMMON_PASSWORDS.lines().any(|w| w == lower)
}

/// A password that satisfies the policy. `Debug` never shows it.
#[derive(Clone)]
pub struct Password(String);

impl Password {
    pub const MIN_CHARS: usize = 12;
    /// Bounds the work argon2 does on a request body.
    pub const MAX_CHARS: usize = 256;

    /// The least zxcvbn score accepted ("safely unguessable": about 10^10 guesses).
    pub const MIN_SCORE: u8 = 3;

    /// Checks the policy (ASVS 5.0 V6.2.1, V6.2.11–12): 12 to 256 characters, not one
    /// of the 10,000 most common passwords, and a zxcvbn strength of at least 3 given
    /// `context` (the account's name and email, the organisation's names), so that
    /// "Riverside-Recovery-2026" is refused at Riverside Recovery. The error says why.
    pub fn new(raw: String, context: &[&str]) -> Result<Self, AccountError> {
        let n = raw.chars().count();
        if n < Self::MIN_CHARS {
            return Err(AccountError::PasswordTooShort {
                min: Self::MIN_CHARS,
            });
        }
        if n > Self::MAX_CHARS {
            return Err(AccountError::PasswordTooLong {
                max: Self::MAX_CHARS,
            });
        }
        if is_common_password(&raw) {
            return Err(AccountError::PasswordCommon);
        }
        let words: Vec<&str> = context
            .iter()
            .flat_map(|c| c.split(|ch: char| !ch.is_alphanumeric()))
            .chain(context.iter().copied())
            .filter(|w| w.chars().count() >= 3)
            .collect();
        let estimate = zxcvbn::zxcvbn(&raw, &words);
        if u8::from(estimate.score()) < Self::MIN_SCORE {
            let why = estimate
                .feedback()
                .map(|f| {
                    let mut parts: Vec<String> =
                        f.warning().map(|w| w.to_string()).into_iter().collect();
                    parts.extend(f.suggestions().iter().map(ToString::to_string));
                    parts.join(" ")
                })
                .filter(|w| !w.is_empty())
                .unwrap_or_else(|| "add more words or characters that are not a pattern".into());
            return Err(AccountError::PasswordWeak { why });
        }
        Ok(Self(raw))
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
        assert!(matches!(
            Password::new("quixotic7".into(), &[]),
            Err(AccountError::PasswordTooShort { .. })
        ));
        assert!(matches!(
            Password::new("ééééééééééé".into(), &[]),
            Err(AccountError::PasswordTooShort { .. })
        ));
        assert!(Password::new("otter lamp violet quarry".into(), &[]).is_ok());
    }

    #[test]
    fn a_common_password_is_refused_whatever_its_case() {
        assert!(is_common_password("Password"));
        assert!(COMMON_PASSWORDS.lines().count() >= 10_000);
        let long_common = COMMON_PASSWORDS
            .lines()
            .find(|w| w.chars().count() >= Password::MIN_CHARS)
            .expect("a long common password");
        assert_eq!(
            Password::new(long_common.to_uppercase(), &[]).map(|_| ()),
            Err(AccountError::PasswordCommon)
        );
    }

    #[test]
    fn a_guessable_password_is_refused_with_the_reason_and_context_words_count() {
        let weak = Password::new("aaaaaaaaaaaaaaaa".into(), &[]);
        assert!(
            matches!(&weak, Err(AccountError::PasswordWeak { why }) if !why.is_empty()),
            "{weak:?}"
        );
        // Strong on its own, guessable at the program it names.
        let p = "riverside recovery 2026";
        assert!(Password::new(p.into(), &[]).is_ok());
        assert!(matches!(
            Password::new(p.into(), &["Riverside Recovery", "casey@riverside.example"]),
            Err(AccountError::PasswordWeak { .. })
        ));
    }

    #[test]
    fn password_debug_hides_the_secret() {
        let p = Password::new("otter lamp violet quarry".into(), &[]).map(|p| format!("{p:?}"));
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
