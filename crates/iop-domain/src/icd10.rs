//! ICD-10-CM diagnosis codes. A code read back from the record is checked for its shape
//! only; a code entered, or put on a claim, must be billable in the code set in force on
//! the date it is for (see [`crate::icd10_code_set`]). An IOP's first diagnosis is the
//! substance use disorder it treats (F10–F19); co-occurring codes from any chapter follow.

use crate::icd10_code_set::{fiscal_year, in_force};
use jiff::civil::Date;
use std::fmt;

#[derive(Clone, Debug, PartialEq, Eq, Hash, serde::Serialize, utoipa::ToSchema)]
#[serde(into = "String")]
pub struct Icd10(String);

#[derive(Debug, PartialEq, Eq, thiserror::Error)]
pub enum Icd10Error {
    #[error("{0:?} is not written like an ICD-10-CM code (such as F10.20)")]
    Shape(String),
    #[error("{code} is not a billable ICD-10-CM code on {date} (checked against the FY{fiscal_year} code set); a category needs its full code, such as F10.20")]
    NotBillable {
        code: String,
        date: Date,
        /// The code set it was checked against.
        fiscal_year: i16,
    },
    #[error("the first diagnosis is the substance use disorder the program treats (ICD-10-CM F10–F19); {0} is not one")]
    PrimaryNotSud(String),
}

impl Icd10 {
    /// Accepts `F10.20`, `f10.20` or `F1020`; checks the shape only.
    pub fn parse(raw: &str) -> Result<Self, Icd10Error> {
        let s = raw.trim().to_ascii_uppercase().replace('.', "");
        let shaped = s.len() >= 3
            && s.len() <= 7
            && s.chars().next().is_some_and(|c| c.is_ascii_uppercase())
            && s.chars().nth(1).is_some_and(|c| c.is_ascii_digit())
            && s.chars().skip(2).all(|c| c.is_ascii_alphanumeric());
        if !shaped {
            return Err(Icd10Error::Shape(raw.trim().chars().take(20).collect()));
        }
        let dotted = if s.len() > 3 {
            format!("{}.{}", &s[..3], &s[3..])
        } else {
            s.clone()
        };
        Ok(Icd10(dotted))
    }

    /// A code billable on `date` in the code set in force that day.
    pub fn billable_on(raw: &str, date: Date) -> Result<Self, Icd10Error> {
        let code = Icd10::parse(raw)?;
        code.check_on(date)?;
        Ok(code)
    }

    /// Whether this code is billable on `date`.
    pub fn check_on(&self, date: Date) -> Result<(), Icd10Error> {
        let set = in_force(date);
        if set
            .as_ref()
            .is_some_and(|f| f.set.describe(&self.undotted()).is_some())
        {
            return Ok(());
        }
        Err(Icd10Error::NotBillable {
            code: self.0.clone(),
            date,
            fiscal_year: set.map_or(fiscal_year(date), |f| f.set.fiscal_year),
        })
    }

    /// A substance use disorder: mental and behavioural disorders due to psychoactive
    /// substance use, F10–F19.
    pub fn is_substance_use(&self) -> bool {
        self.0.len() >= 3 && ("F10".."F20").contains(&&self.0[..3])
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The form claims use: no dot.
    pub fn undotted(&self) -> String {
        self.0.replace('.', "")
    }

    /// Its title in the newest code set ("" when that set no longer has it).
    pub fn description(&self) -> &'static str {
        crate::icd10_code_set::newest()
            .and_then(|s| s.describe(&self.undotted()))
            .unwrap_or("")
    }
}

/// An episode's diagnoses as entered on `date`: each billable that day, the first a
/// substance use disorder.
pub fn diagnoses_on(raw: &[String], date: Date) -> Result<Vec<Icd10>, Icd10Error> {
    let codes: Vec<Icd10> = raw
        .iter()
        .filter(|r| !r.trim().is_empty())
        .map(|r| Icd10::billable_on(r, date))
        .collect::<Result<_, _>>()?;
    match codes.first() {
        Some(first) if !first.is_substance_use() => {
            Err(Icd10Error::PrimaryNotSud(first.to_string()))
        }
        _ => Ok(codes),
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
    use jiff::civil::date;
    use proptest::prelude::*;

    #[test]
    fn codes_parse_in_any_common_writing() {
        for raw in ["F10.20", "f10.20", "F1020", " F10.20 "] {
            assert_eq!(
                Icd10::parse(raw).map(|c| c.to_string()),
                Ok("F10.20".into()),
                "{raw}"
            );
        }
        assert_eq!(
            Icd10::parse("F32.A").map(|c| c.undotted()),
            Ok("F32A".into())
        );
        assert_eq!(
            Icd10::parse("F17.210").map(|c| c.description()),
            Ok("Nicotine dependence, cigarettes, uncomplicated")
        );
        assert!(matches!(Icd10::parse("10.20"), Err(Icd10Error::Shape(_))));
        assert!(matches!(Icd10::parse(""), Err(Icd10Error::Shape(_))));
    }

    #[test]
    fn co_occurring_codes_of_any_chapter_follow_a_primary_substance_use_disorder() {
        let on = date(2026, 3, 2);
        let dx: Vec<String> = ["F10.20", "F32.A", "F41.1", "F43.10", "Z59.01"]
            .map(String::from)
            .to_vec();
        assert_eq!(diagnoses_on(&dx, on).map(|d| d.len()), Ok(5));
        let depression_first: Vec<String> = vec!["F32.9".into(), "F10.20".into()];
        assert_eq!(
            diagnoses_on(&depression_first, on),
            Err(Icd10Error::PrimaryNotSud("F32.9".into()))
        );
    }

    #[test]
    fn a_code_not_valid_on_the_date_of_service_is_refused() {
        // G35 (multiple sclerosis) was split into G35A–G35D on 1 October 2025.
        assert!(Icd10::billable_on("G35", date(2025, 9, 30)).is_ok());
        assert_eq!(
            Icd10::billable_on("G35", date(2025, 10, 1)),
            Err(Icd10Error::NotBillable {
                code: "G35".into(),
                date: date(2025, 10, 1),
                fiscal_year: 2026
            })
        );
        // A category is never billable; its full code is.
        assert!(Icd10::billable_on("F10.2", date(2026, 3, 2)).is_err());
        assert!(Icd10::billable_on("F99.9", date(2026, 3, 2)).is_err());
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
