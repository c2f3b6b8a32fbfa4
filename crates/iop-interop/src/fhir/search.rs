//! Search parameters as FHIR writes them: dates with prefixes, tokens with systems.

use jiff::civil::Date;

/// The comparison of a date search parameter (FHIR R4 search, "prefixes").
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DatePrefix {
    Eq,
    Ne,
    Gt,
    Lt,
    Ge,
    Le,
}

/// `date=ge2026-11-01`: a day and how a resource's day must compare with it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DateParam {
    pub prefix: DatePrefix,
    pub day: Date,
}

impl DateParam {
    /// Parses `[prefix]YYYY-MM-DD`; `None` for anything else (a time, a partial date).
    pub fn parse(raw: &str) -> Option<DateParam> {
        let raw = raw.trim();
        let (prefix, rest) = match raw.get(..2) {
            Some("eq") => (DatePrefix::Eq, &raw[2..]),
            Some("ne") => (DatePrefix::Ne, &raw[2..]),
            Some("gt") => (DatePrefix::Gt, &raw[2..]),
            Some("lt") => (DatePrefix::Lt, &raw[2..]),
            Some("ge") => (DatePrefix::Ge, &raw[2..]),
            Some("le") => (DatePrefix::Le, &raw[2..]),
            _ => (DatePrefix::Eq, raw),
        };
        if rest.len() != 10 {
            return None;
        }
        let day = rest.parse::<Date>().ok()?;
        Some(DateParam { prefix, day })
    }

    pub fn matches(&self, day: Date) -> bool {
        match self.prefix {
            DatePrefix::Eq => day == self.day,
            DatePrefix::Ne => day != self.day,
            DatePrefix::Gt => day > self.day,
            DatePrefix::Lt => day < self.day,
            DatePrefix::Ge => day >= self.day,
            DatePrefix::Le => day <= self.day,
        }
    }
}

impl std::fmt::Display for DateParam {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let prefix = match self.prefix {
            DatePrefix::Eq => "eq",
            DatePrefix::Ne => "ne",
            DatePrefix::Gt => "gt",
            DatePrefix::Lt => "lt",
            DatePrefix::Ge => "ge",
            DatePrefix::Le => "le",
        };
        write!(f, "{prefix}{}", self.day)
    }
}

/// Whether a token search value (`system|code`, `|code`, or `code`) names `system#code`.
pub fn token_matches(raw: &str, system: &str, code: &str) -> bool {
    match raw.split_once('|') {
        Some(("", c)) | Some((_, c)) if c != code => false,
        Some((s, _)) => s.is_empty() || s == system,
        None => raw == code,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    #[test]
    fn date_parameters_take_the_six_prefixes_and_refuse_partial_dates_and_times() {
        let ge = DateParam::parse("ge2026-11-01");
        assert_eq!(
            ge,
            Some(DateParam {
                prefix: DatePrefix::Ge,
                day: date(2026, 11, 1)
            })
        );
        assert!(ge.is_some_and(|p| p.matches(date(2026, 11, 1)) && !p.matches(date(2026, 10, 31))));
        assert!(DateParam::parse("2026-12-02").is_some_and(|p| p.matches(date(2026, 12, 2))));
        assert_eq!(ge.map(|p| p.to_string()).as_deref(), Some("ge2026-11-01"));
        assert!(DateParam::parse("lt2026-12-02").is_some_and(|p| !p.matches(date(2026, 12, 2))));
        for bad in [
            "2026-12",
            "2026-12-02T10:00:00Z",
            "xx2026-12-02",
            "ge",
            "",
            "2026-13-01",
        ] {
            assert_eq!(DateParam::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn a_token_matches_with_or_without_its_system() {
        let loinc = "http://loinc.org";
        assert!(token_matches("44261-6", loinc, "44261-6"));
        assert!(token_matches("http://loinc.org|44261-6", loinc, "44261-6"));
        assert!(token_matches("|44261-6", loinc, "44261-6"));
        assert!(!token_matches(
            "http://snomed.info/sct|44261-6",
            loinc,
            "44261-6"
        ));
        assert!(!token_matches("70274-6", loinc, "44261-6"));
    }
}
