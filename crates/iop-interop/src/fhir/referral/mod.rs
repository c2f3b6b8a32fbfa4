//! A referral sent as a FHIR transaction Bundle (Patient, RelatedPerson, Coverage,
//! Condition): read into what an inquiry holds, or every issue found, each with the
//! FHIRPath of the element at fault. Outside input: nothing here panics, whatever it is
//! sent (the fuzz target `parse_referral` and a property test hold it to that).

use super::outcome::{Issue, IssueType};
use iop_domain::icd10::Icd10;
use jiff::civil::Date;
use serde_json::Value;

/// An example referral (a residential program stepping a patient down), for the docs and
/// the tests.
pub const EXAMPLE_REFERRAL: &str = include_str!("example.json");

/// Longest name, phone or member id a referral may carry (the inquiry's own limits).
const NAME_MAX: usize = 60;
const ID_MAX: usize = 40;
/// Longest phone number as written (digits, spaces and punctuation).
const PHONE_MAX: usize = 30;
/// Longest sender (`meta.source`), the inquiry's referral source.
const SOURCE_MAX: usize = 120;
/// Most entries one referral Bundle may hold.
const ENTRIES_MAX: usize = 50;

/// The person referred (no Patient exists until admission).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReferredPerson {
    pub given: String,
    pub family: Option<String>,
    pub birth_date: Option<Date>,
    pub phone: String,
}

/// A family member or other contact the referral names.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReferredRelative {
    pub name: String,
    /// The relationship as words (the coding's display, its text, or its code).
    pub relationship: Option<String>,
    pub phone: Option<String>,
}

/// The insurance the referral names.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReferredCoverage {
    /// The payer's X12 payer id, when the payor carries an identifier.
    pub payer_id: Option<String>,
    pub payer_name: Option<String>,
    pub member_id: String,
}

/// What a referral Bundle says.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Referral {
    /// Who sent it: `Bundle.meta.source`, when given.
    pub source: Option<String>,
    pub person: ReferredPerson,
    pub relatives: Vec<ReferredRelative>,
    pub coverage: Option<ReferredCoverage>,
    pub diagnoses: Vec<Icd10>,
}

/// Reads a referral Bundle from the bytes of a request body.
pub fn parse_referral_bytes(body: &[u8], today: Date) -> Result<Referral, Vec<Issue>> {
    match serde_json::from_slice::<Value>(body) {
        Ok(v) => parse_referral(&v, today),
        Err(e) => Err(vec![Issue::error(
            IssueType::Structure,
            "Bundle",
            format!("the body is not JSON ({e})"),
        )]),
    }
}

/// Reads a referral Bundle; `today` bounds a birth date. All issues are reported at once.
pub fn parse_referral(bundle: &Value, today: Date) -> Result<Referral, Vec<Issue>> {
    let mut issues = Vec::new();
    let mut bad = |code, at: String, why: String| issues.push(Issue::error(code, at, why));
    if bundle.get("resourceType").and_then(Value::as_str) != Some("Bundle") {
        bad(
            IssueType::Invalid,
            "Bundle".into(),
            "send a Bundle (resourceType \"Bundle\")".into(),
        );
        return Err(issues);
    }
    if bundle.get("type").and_then(Value::as_str) != Some("transaction") {
        bad(
            IssueType::Value,
            "Bundle.type".into(),
            "a referral is a Bundle of type \"transaction\"".into(),
        );
    }
    let source = bounded(
        text_at(bundle, &["meta", "source"]),
        SOURCE_MAX,
        "Bundle.meta.source",
        "the sender (meta.source)",
        &mut bad,
    );
    let entries = match bundle.get("entry").and_then(Value::as_array) {
        Some(e) if !e.is_empty() && e.len() <= ENTRIES_MAX => e,
        _ => {
            bad(
                IssueType::Required,
                "Bundle.entry".into(),
                format!(
                    "a referral holds from 1 to {ENTRIES_MAX} entries, one of them the Patient"
                ),
            );
            return Err(issues);
        }
    };
    let mut person = None;
    let mut patients = 0;
    let (mut relatives, mut coverage, mut diagnoses) = (Vec::new(), None, Vec::new());
    for (i, entry) in entries.iter().enumerate() {
        let at = format!("Bundle.entry[{i}]");
        let method = entry
            .get("request")
            .and_then(|r| r.get("method"))
            .and_then(Value::as_str);
        if method != Some("POST") {
            bad(
                IssueType::Value,
                format!("{at}.request.method"),
                "each entry of a referral is created: request.method \"POST\"".into(),
            );
        }
        let Some(r) = entry.get("resource").filter(|r| r.is_object()) else {
            bad(
                IssueType::Required,
                format!("{at}.resource"),
                "each entry holds a resource".into(),
            );
            continue;
        };
        let at = format!("{at}.resource");
        match r.get("resourceType").and_then(Value::as_str) {
            Some("Patient") => {
                patients += 1;
                person = read_person(r, &at, today, &mut bad);
            }
            Some("RelatedPerson") => relatives.extend(read_relative(r, &at, &mut bad)),
            Some("Coverage") if coverage.is_none() => coverage = read_coverage(r, &at, &mut bad),
            Some("Coverage") => bad(
                IssueType::BusinessRule,
                at,
                "a referral names one coverage; add others at screening".into(),
            ),
            Some("Condition") => diagnoses.extend(read_condition(r, &at, today, &mut bad)),
            other => bad(
                IssueType::NotSupported,
                format!("{at}.resourceType"),
                format!(
                    "{} is not part of a referral (Patient, RelatedPerson, Coverage, Condition)",
                    other.unwrap_or("a resource without resourceType")
                ),
            ),
        }
    }
    if patients != 1 {
        bad(
            IssueType::Required,
            "Bundle.entry".into(),
            format!("a referral holds exactly one Patient ({patients} sent)"),
        );
    }
    match person {
        Some(person) if issues.is_empty() => Ok(Referral {
            source,
            person,
            relatives,
            coverage,
            diagnoses,
        }),
        _ => Err(issues),
    }
}

type Bad<'a> = dyn FnMut(IssueType, String, String) + 'a;

/// A string at a path of object keys, trimmed, when it is a non-empty string.
fn text_at(v: &Value, path: &[&str]) -> Option<String> {
    let mut cur = v;
    for key in path {
        cur = cur.get(key)?;
    }
    cur.as_str()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
}

/// A text no longer than `max` characters without control characters, or an issue.
fn bounded(
    value: Option<String>,
    max: usize,
    at: &str,
    what: &str,
    bad: &mut Bad<'_>,
) -> Option<String> {
    let v = value?;
    // Control and direction-override characters are refused as in every typed field.
    if v.chars().count() > max || iop_domain::text::check(&v).is_err() || v.contains('\n') {
        bad(
            IssueType::Value,
            at.to_string(),
            format!("{what} is at most {max} characters on one line"),
        );
        return None;
    }
    Some(v)
}

/// The first phone number of `telecom`, checked like a phone typed into an inquiry.
fn phone_of(r: &Value, at: &str, bad: &mut Bad<'_>) -> Option<String> {
    let list = r.get("telecom").and_then(Value::as_array)?;
    let (i, t) = list
        .iter()
        .enumerate()
        .find(|(_, t)| t.get("system").and_then(Value::as_str) == Some("phone"))?;
    let raw = text_at(t, &["value"]).unwrap_or_default();
    let raw = if raw.chars().count() > PHONE_MAX {
        String::new()
    } else {
        raw
    };
    let digits = raw.chars().filter(char::is_ascii_digit).count();
    let shaped = raw
        .chars()
        .all(|c| c.is_ascii_digit() || " +-().".contains(c));
    if (7..=15).contains(&digits) && shaped {
        Some(raw)
    } else {
        bad(
            IssueType::Value,
            format!("{at}.telecom[{i}].value"),
            "a phone number has 7 to 15 digits (and only + - ( ) . or spaces besides)".into(),
        );
        None
    }
}

/// The first name's given and family parts, or its text split at the last space.
fn name_of(r: &Value) -> (Option<String>, Option<String>) {
    let Some(n) = r
        .get("name")
        .and_then(Value::as_array)
        .and_then(|a| a.first())
    else {
        return (None, None);
    };
    let given = n
        .get("given")
        .and_then(Value::as_array)
        .and_then(|g| g.first())
        .and_then(Value::as_str)
        .map(str::trim)
        .filter(|g| !g.is_empty())
        .map(str::to_string);
    let family = text_at(n, &["family"]);
    match (given, family, text_at(n, &["text"])) {
        (None, None, Some(text)) => match text.rsplit_once(' ') {
            Some((g, f)) => (Some(g.trim().to_string()), Some(f.trim().to_string())),
            None => (Some(text), None),
        },
        (g, f, _) => (g, f),
    }
}

fn read_person(r: &Value, at: &str, today: Date, bad: &mut Bad<'_>) -> Option<ReferredPerson> {
    let (given, family) = name_of(r);
    let given = bounded(
        given,
        NAME_MAX,
        &format!("{at}.name[0].given"),
        "the given name",
        bad,
    );
    let family = bounded(
        family,
        NAME_MAX,
        &format!("{at}.name[0].family"),
        "the family name",
        bad,
    );
    if given.is_none() {
        bad(
            IssueType::Required,
            format!("{at}.name[0].given"),
            "the person's given name is needed to call them back".into(),
        );
    }
    let phone = phone_of(r, at, bad);
    let sent_phone = r.get("telecom").and_then(Value::as_array).is_some_and(|l| {
        l.iter()
            .any(|t| t.get("system").and_then(Value::as_str) == Some("phone"))
    });
    if !sent_phone {
        bad(
            IssueType::Required,
            format!("{at}.telecom"),
            "a phone number (telecom system \"phone\") is needed to call the person back".into(),
        );
    }
    let birth_date = match r.get("birthDate") {
        None => None,
        Some(v) => match v.as_str().and_then(|s| s.parse::<Date>().ok()) {
            Some(d) if d <= today => Some(d),
            _ => {
                bad(
                    IssueType::Value,
                    format!("{at}.birthDate"),
                    "the birth date is a past day written YYYY-MM-DD".into(),
                );
                None
            }
        },
    };
    Some(ReferredPerson {
        given: given?,
        family,
        birth_date,
        phone: phone?,
    })
}

fn read_relative(r: &Value, at: &str, bad: &mut Bad<'_>) -> Option<ReferredRelative> {
    let (given, family) = name_of(r);
    let whole = [given, family]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(" ");
    let name = bounded(
        Some(whole).filter(|n| !n.is_empty()),
        NAME_MAX * 2,
        &format!("{at}.name[0]"),
        "the name",
        bad,
    );
    if name.is_none() {
        bad(
            IssueType::Required,
            format!("{at}.name"),
            "a related person has a name".into(),
        );
    }
    let rel = r
        .get("relationship")
        .and_then(Value::as_array)
        .and_then(|a| a.first());
    let words = rel.and_then(|c| {
        text_at(c, &["text"]).or_else(|| {
            c.get("coding")?
                .as_array()?
                .first()
                .and_then(|k| text_at(k, &["display"]).or_else(|| text_at(k, &["code"])))
        })
    });
    let relationship = bounded(
        words,
        NAME_MAX,
        &format!("{at}.relationship[0]"),
        "the relationship",
        bad,
    );
    let phone = phone_of(r, at, bad);
    Some(ReferredRelative {
        name: name?,
        relationship,
        phone,
    })
}

fn read_coverage(r: &Value, at: &str, bad: &mut Bad<'_>) -> Option<ReferredCoverage> {
    let member = text_at(r, &["subscriberId"]).or_else(|| {
        r.get("identifier")?
            .as_array()?
            .first()
            .and_then(|i| text_at(i, &["value"]))
    });
    let member_id = bounded(
        member,
        ID_MAX,
        &format!("{at}.subscriberId"),
        "the member id",
        bad,
    );
    if member_id.is_none() {
        bad(
            IssueType::Required,
            format!("{at}.subscriberId"),
            "a coverage names the member id (subscriberId)".into(),
        );
    }
    let payor = r
        .get("payor")
        .and_then(Value::as_array)
        .and_then(|a| a.first());
    let payer_id = bounded(
        payor.and_then(|p| text_at(p, &["identifier", "value"])),
        ID_MAX,
        &format!("{at}.payor[0].identifier.value"),
        "the payer id",
        bad,
    );
    let payer_name = bounded(
        payor.and_then(|p| text_at(p, &["display"])),
        NAME_MAX * 2,
        &format!("{at}.payor[0].display"),
        "the payer's name",
        bad,
    );
    if payer_id.is_none() && payer_name.is_none() {
        bad(
            IssueType::Required,
            format!("{at}.payor"),
            "a coverage names its payer (payor identifier or display)".into(),
        );
    }
    Some(ReferredCoverage {
        payer_id,
        payer_name,
        member_id: member_id?,
    })
}

fn read_condition(r: &Value, at: &str, today: Date, bad: &mut Bad<'_>) -> Option<Icd10> {
    let codings = r
        .get("code")
        .and_then(|c| c.get("coding"))
        .and_then(Value::as_array);
    let found = codings
        .into_iter()
        .flatten()
        .enumerate()
        .find(|(_, c)| c.get("system").and_then(Value::as_str) == Some(super::ICD10CM));
    let Some((i, coding)) = found else {
        bad(
            IssueType::Required,
            format!("{at}.code.coding"),
            format!("a diagnosis is coded in ICD-10-CM ({})", super::ICD10CM),
        );
        return None;
    };
    let raw = text_at(coding, &["code"]).unwrap_or_default();
    match Icd10::billable_on(&raw, today) {
        Ok(code) => Some(code),
        Err(e) => {
            bad(
                IssueType::CodeInvalid,
                format!("{at}.code.coding[{i}].code"),
                e.to_string(),
            );
            None
        }
    }
}

#[cfg(test)]
mod tests;
