//! ICD-10-CM diagnoses of substance use (F10–F19), checked against the list shipped in
//! `data/icd10_f10_f19.tsv`.

use std::fmt;

const LIST: &str = include_str!("../data/icd10_f10_f19.tsv");

#[derive(Clone, Debug, PartialEq, Eq, Hash, serde::Serialize, utoipa::ToSchema)]
#[serde(into = "String")]
pub struct Icd10(String);

#[derive(Debug, PartialEq, Eq, thiserror::Error)]
pub enum Icd10Error {
    #[error("{0:?} is not written like an ICD-10-CM code (such as F10.20)")]
    Shape(String),
    #[error("{0} is not a substance use diagnosis this program accepts (ICD-10-CM F10–F19)")]
    NotListed(String),
}

/// (code, description) of every accepted code.
pub fn all() -> impl Iterator<Item = (&'static str, &'static str)> {
    LIST.lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .filter_map(|l| l.split_once('\t'))
}

impl Icd10 {
    /// Accepts `F10.20`, `f10.20` or `F1020`.
    pub fn parse(raw: &str) -> Result<Self, Icd10Error> {
        let s = raw.trim().to_ascii_uppercase().replace('.', "");
        let shaped = s.len() >= 3
            && s.len() <= 7
            && s.chars().next().is_some_and(|c| c.is_ascii_uppercase())
            && s.chars().skip(1).take(2).all(|c| c.is_ascii_digit())
            && s.chars().skip(3).all(|c| c.is_ascii_alphanumeric());
        if !shaped {
            return Err(Icd10Error::Shape(raw.trim().chars().take(20).collect()));
        }
        let dotted = if s.len() > 3 {
            format!("{}.{}", &s[..3], &s[3..])
        } else {
            s.clone()
        };
        if all().any(|(c, _)| c == dotted) {
            Ok(Icd10(dotted))
        } else {
            Err(Icd10Error::NotListed(dotted))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The form claims use: no dot.
    pub fn undotted(&self) -> String {
        self.0.replace('.', "")
    }

    pub fn description(&self) -> &'static str {
        all()
            .find(|(c, _)| *c == self.0)
            .map(|(_, d)| d)
            .unwrap_or("")
    }
}

impl From<Icd10> for String {
    fn from(c: Icd10) -> String {
        c.0
    }
}

impl fmt::Display for Icd10 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn listed_codes_parse_in_any_common_writing() {
        for raw in ["F10.20", "f10.20", "F1020", " F10.20 "] {
            assert_eq!(
                Icd10::parse(raw).map(|c| c.to_string()),
                Ok("F10.20".into()),
                "{raw}"
            );
        }
        assert_eq!(
            Icd10::parse("F11.23").map(|c| c.undotted()),
            Ok("F1123".into())
        );
        assert_eq!(
            Icd10::parse("F17.210").map(|c| c.description()),
            Ok("Nicotine dependence, cigarettes, uncomplicated")
        );
    }

    #[test]
    fn other_chapters_and_malformed_codes_are_refused() {
        assert_eq!(
            Icd10::parse("F32.9"),
            Err(Icd10Error::NotListed("F32.9".into()))
        );
        assert!(matches!(Icd10::parse("10.20"), Err(Icd10Error::Shape(_))));
        assert!(matches!(Icd10::parse(""), Err(Icd10Error::Shape(_))));
    }

    #[test]
    fn every_listed_code_is_in_f10_to_f19() {
        let n = all()
            .inspect(|(c, _)| assert!(("F10".."F20").contains(&&c[..3]), "{c}"))
            .count();
        assert!(n > 100);
    }

    proptest! {
        #[test]
        fn parsing_never_panics(s in ".{0,12}") {
            let _ = Icd10::parse(&s);
        }
    }
}

/// An episode's diagnoses in order, stored as the codes joined by commas.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
#[cfg_attr(feature = "diesel", derive(diesel::AsExpression, diesel::FromSqlRow))]
#[cfg_attr(feature = "diesel", diesel(sql_type = diesel::sql_types::Text))]
#[serde(transparent)]
#[schema(value_type = Vec<String>)]
pub struct Diagnoses(pub Vec<Icd10>);

impl fmt::Display for Diagnoses {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let codes: Vec<&str> = self.0.iter().map(Icd10::as_str).collect();
        f.write_str(&codes.join(","))
    }
}

impl std::str::FromStr for Diagnoses {
    type Err = Icd10Error;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        s.split(',')
            .filter(|c| !c.trim().is_empty())
            .map(Icd10::parse)
            .collect::<Result<_, _>>()
            .map(Diagnoses)
    }
}

#[cfg(feature = "diesel")]
crate::sql::text_column!(Diagnoses);
