//! Finding a patient the way staff type: any case, with or without accents ("Zoë Núñez"
//! is found by "zoe nunez"), by name, MRN, date of birth or phone. The folding is done
//! here, once, into a stored search text, so that SQLite and PostgreSQL match alike.

use unicode_normalization::char::is_combining_mark;
use unicode_normalization::UnicodeNormalization;

/// Lower case, accents removed, every run of other characters one space: "Núñez-O'Brien"
/// → "nunez o brien".
pub fn fold(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut gap = false;
    for c in text.nfkd().filter(|c| !is_combining_mark(*c)) {
        if c.is_alphanumeric() {
            if gap && !out.is_empty() {
                out.push(' ');
            }
            gap = false;
            out.extend(c.to_lowercase());
        } else {
            gap = true;
        }
    }
    out
}

/// The stored search text of a patient: names, MRN, the phone's digits and the date of
/// birth as `yyyy mm dd`.
pub fn patient_text(
    first: &str,
    last: &str,
    preferred: Option<&str>,
    mrn: &str,
    phone: Option<&str>,
    date_of_birth: jiff::civil::Date,
) -> String {
    let digits: String = phone
        .unwrap_or("")
        .chars()
        .filter(char::is_ascii_digit)
        .collect();
    let dob = date_of_birth.strftime("%Y %m %d");
    fold(&format!(
        "{first} {last} {} {mrn} {digits} {dob}",
        preferred.unwrap_or("")
    ))
}

/// How one word of a query must match the search text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Term {
    /// The start of a word ("nun" finds "nunez").
    WordStart(String),
    /// Anywhere: three or more digits, part of a phone number, an MRN or a year.
    Digits(String),
}

/// The terms of a query, at most eight; none for a query with nothing to search by.
pub fn terms(query: &str) -> Vec<Term> {
    fold(query)
        .split(' ')
        .filter(|w| !w.is_empty())
        .take(8)
        .map(|w| {
            if w.len() >= 3 && w.chars().all(|c| c.is_ascii_digit()) {
                Term::Digits(w.to_string())
            } else {
                Term::WordStart(w.to_string())
            }
        })
        .collect()
}

/// Whether `text` (a stored search text) matches every term: what the SQL filter does.
pub fn matches(text: &str, terms: &[Term]) -> bool {
    let spaced = format!(" {text}");
    terms.iter().all(|t| match t {
        Term::WordStart(w) => spaced.contains(&format!(" {w}")),
        Term::Digits(d) => text.contains(d.as_str()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn dob() -> jiff::civil::Date {
        jiff::civil::date(1990, 5, 14)
    }

    #[test]
    fn accents_case_and_punctuation_fold_away() {
        assert_eq!(fold("Zoë NÚÑEZ-O'Brien"), "zoe nunez o brien");
        assert_eq!(fold("  ß Ångström "), "ß angstrom");
    }

    #[test]
    fn a_patient_is_found_by_name_start_mrn_date_of_birth_or_phone_digits() {
        let text = patient_text(
            "Zoë",
            "Núñez",
            Some("Zo"),
            "MRN-000123",
            Some("(502) 555-0142"),
            dob(),
        );
        for q in [
            "zoe nunez",
            "NUÑ",
            "núñez zoë",
            "mrn 000123",
            "1990-05-14",
            "05/14/1990",
            "555-0142",
            "5025550142",
        ] {
            assert!(matches(&text, &terms(q)), "{q} finds {text}");
        }
        for q in ["unez", "zoe smith", "1991-05-14", "555-0143"] {
            assert!(!matches(&text, &terms(q)), "{q} does not find {text}");
        }
        assert!(terms(" -- ").is_empty());
    }

    proptest! {
        #[test]
        fn folding_is_idempotent(s in "\\PC{0,40}") {
            let once = fold(&s);
            prop_assert_eq!(fold(&once), once.clone());
            prop_assert!(!once.starts_with(' ') && !once.ends_with(' ') && !once.contains("  "));
        }

        // Names as typed in the Latin script (without ß, whose capital is "SS").
        #[test]
        fn folding_ignores_case(s in "[A-Za-zÀ-ÖØ-Þà-öø-ÿ0-9 '.,-]{0,40}") {
            prop_assert_eq!(fold(&s.to_uppercase()), fold(&s.to_lowercase()));
        }

        #[test]
        fn every_word_of_a_name_finds_the_patient(first in "[A-Za-zÀ-ÿ]{1,12}", last in "[A-Za-zÀ-ÿ]{1,12}") {
            let text = patient_text(&first, &last, None, "MRN-1", None, dob());
            let query = format!("{last} {first}");
            prop_assert!(matches(&text, &terms(&query)));
        }
    }
}
