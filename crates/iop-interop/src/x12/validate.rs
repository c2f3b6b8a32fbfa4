//! Field checks for the 837P writer: each turns one input value into the text that goes
//! in an element, or says what is wrong with it.

use super::error::Problem;
use iop_domain::npi::Npi;
use jiff::civil::Date;

/// The separators the writer uses; no element may contain them.
const SEPARATORS: [char; 4] = ['~', '*', ':', '^'];

/// Latin letters with accents as their plain ASCII letters; anything else non-ASCII is
/// None. Payers (and pyx12, which crashes on UTF-8) take only ASCII, and "Nunez" still
/// matches the member file where "N ez" would not.
fn ascii_fold(c: char) -> Option<&'static str> {
    const TABLE: [(&str, &str); 14] = [
        ("ÀÁÂÃÄÅĀĂĄ", "A"),
        ("àáâãäåāăą", "a"),
        ("ÇĆČ", "C"),
        ("çćč", "c"),
        ("ÈÉÊËĒĘĚ", "E"),
        ("èéêëēęě", "e"),
        ("ÌÍÎÏĪ", "I"),
        ("ìíîïī", "i"),
        ("ÑŃŇ", "N"),
        ("ñńň", "n"),
        ("ÒÓÔÕÖØŌŐ", "O"),
        ("òóôõöøōő", "o"),
        ("ÙÚÛÜŪŮŰ", "U"),
        ("ùúûüūůű", "u"),
    ];
    match c {
        'ß' => Some("ss"),
        'Æ' => Some("AE"),
        'æ' => Some("ae"),
        'Ý' | 'Ÿ' => Some("Y"),
        'ý' | 'ÿ' => Some("y"),
        'Š' => Some("S"),
        'š' => Some("s"),
        'Ž' => Some("Z"),
        'ž' => Some("z"),
        'Ł' => Some("L"),
        'ł' => Some("l"),
        _ => TABLE
            .iter()
            .find(|(from, _)| from.contains(c))
            .map(|(_, to)| *to),
    }
}

/// Free text (names, addresses): accents are folded to ASCII, separators, control and
/// other non-ASCII characters become spaces, runs of spaces collapse, and text past
/// `max` is cut, since payers match on the start of a name and a long street line is
/// still deliverable.
pub fn text(raw: &str, max: usize) -> Result<String, Problem> {
    let mut cleaned = String::with_capacity(raw.len());
    for c in raw.chars() {
        if SEPARATORS.contains(&c) || c.is_control() {
            cleaned.push(' ');
        } else if c.is_ascii() {
            cleaned.push(c);
        } else {
            cleaned.push_str(ascii_fold(c).unwrap_or(" "));
        }
    }
    let words: Vec<&str> = cleaned.split_whitespace().collect();
    let joined: String = words.join(" ").chars().take(max).collect();
    let joined = joined.trim_end().to_string();
    if joined.is_empty() {
        return Err(Problem::Empty);
    }
    Ok(joined)
}

/// Like `text`, but empty is allowed (a first name, say).
pub fn optional_text(raw: &str, max: usize) -> Result<String, Problem> {
    match text(raw, max) {
        Err(Problem::Empty) => Ok(String::new()),
        other => other,
    }
}

/// An identifier is refused rather than cleaned: a changed member id names someone else.
pub fn id(raw: &str, max: usize) -> Result<String, Problem> {
    let s = raw.trim();
    if s.is_empty() {
        return Err(Problem::Empty);
    }
    if s.chars().any(|c| SEPARATORS.contains(&c) || c.is_control()) {
        return Err(Problem::SeparatorInId);
    }
    if !s.is_ascii() {
        return Err(Problem::Shape {
            expected: "ASCII letters, digits and punctuation",
        });
    }
    if s.chars().count() > max {
        return Err(Problem::TooLong { max });
    }
    Ok(s.to_string())
}

/// Digits with the usual punctuation removed, of one of the allowed lengths.
pub fn digits(raw: &str, lengths: &[usize], expected: &'static str) -> Result<String, Problem> {
    let s: String = raw
        .chars()
        .filter(|c| !matches!(c, ' ' | '-' | '(' | ')' | '.'))
        .collect();
    if s.is_empty() {
        return Err(Problem::Empty);
    }
    if !s.chars().all(|c| c.is_ascii_digit()) || !lengths.contains(&s.len()) {
        return Err(Problem::Shape { expected });
    }
    Ok(s)
}

pub fn npi(raw: &str) -> Result<String, Problem> {
    Npi::parse(raw)
        .map(|n| n.as_str().to_string())
        .map_err(|e| Problem::BadNpi(e.to_string()))
}

/// PRV03: a NUCC taxonomy code, ten characters ending in X.
pub fn taxonomy(raw: &str) -> Result<String, Problem> {
    iop_domain::npi::taxonomy(raw).map_err(|_| Problem::Shape {
        expected: "a taxonomy code of ten characters ending in X, such as 101YA0400X",
    })
}

/// SBR09: a claim filing indicator of one or two letters or digits (CI, BL, HM, 12 …).
pub fn filing_indicator(raw: &str) -> Result<String, Problem> {
    shaped(
        raw,
        |s| (1..=2).contains(&s.len()) && alnum(s),
        "a claim filing indicator such as CI, BL or HM",
    )
}

fn shaped(raw: &str, ok: impl Fn(&str) -> bool, expected: &'static str) -> Result<String, Problem> {
    let s = raw.trim().to_ascii_uppercase();
    if s.is_empty() {
        return Err(Problem::Empty);
    }
    if !ok(&s) {
        return Err(Problem::Shape { expected });
    }
    Ok(s)
}

fn alnum(s: &str) -> bool {
    s.chars().all(|c| c.is_ascii_alphanumeric())
}

/// ICD-10-CM without its dot, as claims carry it: F10.20 becomes F1020.
pub fn diagnosis(raw: &str) -> Result<String, Problem> {
    shaped(
        &raw.replace('.', ""),
        |s| {
            (3..=7).contains(&s.len())
                && s.starts_with(|c: char| c.is_ascii_uppercase())
                && s.chars().nth(1).is_some_and(|c| c.is_ascii_digit())
                && alnum(s)
        },
        "an ICD-10-CM code such as F10.20",
    )
}

pub fn procedure(raw: &str) -> Result<String, Problem> {
    shaped(
        raw,
        |s| s.len() == 5 && alnum(s),
        "a five-character CPT or HCPCS code such as H0015",
    )
}

pub fn modifier(raw: &str) -> Result<String, Problem> {
    shaped(
        raw,
        |s| s.len() == 2 && alnum(s),
        "a two-character modifier such as 95",
    )
}

pub fn place_of_service(raw: &str) -> Result<String, Problem> {
    shaped(
        raw,
        |s| s.len() == 2 && s.chars().all(|c| c.is_ascii_digit()),
        "a two-digit place of service such as 57",
    )
}

pub fn state(raw: &str) -> Result<String, Problem> {
    shaped(
        raw,
        |s| s.len() == 2 && s.chars().all(|c| c.is_ascii_uppercase()),
        "a two-letter state code",
    )
}

/// CCYYMMDD; years before 1800 are typing errors, not patients.
pub fn date(d: Date) -> Result<String, Problem> {
    if d.year() < 1800 {
        return Err(Problem::Shape {
            expected: "a date after 1800",
        });
    }
    Ok(format!("{:04}{:02}{:02}", d.year(), d.month(), d.day()))
}

/// Control numbers: positive and at most nine digits.
pub fn control(n: u32) -> Result<u32, Problem> {
    if n == 0 || n > 999_999_999 {
        return Err(Problem::Shape {
            expected: "a control number from 1 to 999999999",
        });
    }
    Ok(n)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn free_text_loses_separators_and_extra_spaces() {
        assert_eq!(text(" O*Brien~ ^ Jr: \n", 60), Ok("O Brien Jr".into()));
        assert_eq!(text("abcdef", 3), Ok("abc".into()));
        assert_eq!(text("ab cd", 3), Ok("ab".into()));
        assert_eq!(text("*~", 10), Err(Problem::Empty));
        assert_eq!(optional_text("", 10), Ok(String::new()));
    }

    #[test]
    fn accents_fold_to_ascii_and_other_scripts_are_dropped() {
        assert_eq!(text("Núñez-Søren José", 60), Ok("Nunez-Soren Jose".into()));
        assert_eq!(text("Straße 5", 60), Ok("Strasse 5".into()));
        assert_eq!(text("李 Li", 60), Ok("Li".into()));
        assert_eq!(text("李", 60), Err(Problem::Empty));
        assert!(id("MÉM1", 20).is_err());
    }

    #[test]
    fn identifiers_with_separators_are_refused_not_cleaned() {
        assert_eq!(id("AB*12", 20), Err(Problem::SeparatorInId));
        assert_eq!(id(" AB12 ", 20), Ok("AB12".into()));
        assert_eq!(
            id("x".repeat(21).as_str(), 20),
            Err(Problem::TooLong { max: 20 })
        );
        assert_eq!(id("  ", 20), Err(Problem::Empty));
    }

    #[test]
    fn codes_are_upper_cased_and_shaped() {
        assert_eq!(diagnosis("f10.20"), Ok("F1020".into()));
        assert_eq!(diagnosis("F329"), Ok("F329".into()));
        assert!(diagnosis("10.20").is_err());
        assert!(diagnosis("F1").is_err());
        assert_eq!(procedure("h0015"), Ok("H0015".into()));
        assert!(procedure("H001").is_err());
        assert!(modifier("GTX").is_err());
        assert!(place_of_service("5").is_err());
        assert_eq!(digits("12-3456789", &[9], "an EIN"), Ok("123456789".into()));
        assert!(digits("12345", &[9], "an EIN").is_err());
    }

    #[test]
    fn npis_need_their_check_digit() {
        assert_eq!(npi("1234567893"), Ok("1234567893".into()));
        assert!(matches!(npi("1234567890"), Err(Problem::BadNpi(_))));
    }
}
