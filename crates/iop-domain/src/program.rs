//! A program's settings and the rules they must satisfy.

use crate::calendar::{parse_weekday, weekday_code, Weekdays};
use jiff::civil::{Time, Weekday};

/// The settings as a person gives them (text where a form has text).
#[derive(Clone, Debug, PartialEq, Eq, serde::Deserialize, serde::Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ProgramSettings {
    pub name: String,
    /// Local start of group sessions, `HH:MM`.
    pub session_start: String,
    pub session_minutes: i32,
    pub min_weeks: i32,
    pub max_weeks: i32,
    pub max_patients_per_facilitator: i32,
    /// 0 for no family group.
    pub family_every_weeks: i32,
    pub family_minutes: i32,
    pub family_weekday: String,
    pub alumni_weekday: String,
    pub alumni_minutes: i32,
    /// How far ahead sessions are generated.
    pub horizon_weeks: i32,
}

impl ProgramSettings {
    /// The defaults of DESIGN.md §2.
    pub fn defaults(name: &str) -> Self {
        Self {
            name: name.into(),
            session_start: "18:00".into(),
            session_minutes: 180,
            min_weeks: 7,
            max_weeks: 9,
            max_patients_per_facilitator: 6,
            family_every_weeks: 2,
            family_minutes: 180,
            family_weekday: "thu".into(),
            alumni_weekday: "wed".into(),
            alumni_minutes: 90,
            horizon_weeks: 12,
        }
    }
}

/// Validated settings, in the form they are stored.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ValidSettings {
    pub name: String,
    pub session_start: crate::time::ClockTime,
    pub family_weekday: Weekday,
    pub alumni_weekday: Weekday,
}

fn range(v: i32, lo: i32, hi: i32, what: &str, errors: &mut Vec<String>) {
    if !(lo..=hi).contains(&v) {
        errors.push(format!("{what} must be between {lo} and {hi}"));
    }
}

/// Checks the settings against each other and against the tracks' weekday lists
/// (`mon,tue,thu`). Every problem is reported, not only the first.
pub fn validate(
    s: &ProgramSettings,
    track_weekdays: &[Weekdays],
) -> Result<ValidSettings, Vec<String>> {
    let mut errors = Vec::new();
    let name = s.name.trim();
    if name.is_empty() || name.chars().count() > 120 {
        errors.push("the name must have 1 to 120 characters".into());
    }
    let start = s
        .session_start
        .trim()
        .parse::<Time>()
        .ok()
        .filter(|t| t.second() == 0);
    if start.is_none() {
        errors.push("the start must be a time like 18:00".into());
    }
    range(
        s.session_minutes,
        30,
        480,
        "the session length in minutes",
        &mut errors,
    );
    range(
        s.min_weeks,
        1,
        52,
        "the minimum length in weeks",
        &mut errors,
    );
    range(
        s.max_weeks,
        1,
        52,
        "the maximum length in weeks",
        &mut errors,
    );
    if s.min_weeks > s.max_weeks {
        errors.push("the minimum length cannot be longer than the maximum".into());
    }
    range(
        s.max_patients_per_facilitator,
        1,
        30,
        "patients per facilitator",
        &mut errors,
    );
    range(
        s.family_every_weeks,
        0,
        8,
        "the family group interval in weeks (0 for none)",
        &mut errors,
    );
    range(
        s.family_minutes,
        30,
        480,
        "the family group length in minutes",
        &mut errors,
    );
    range(
        s.alumni_minutes,
        30,
        480,
        "the alumni group length in minutes",
        &mut errors,
    );
    range(
        s.horizon_weeks,
        1,
        52,
        "the planning horizon in weeks",
        &mut errors,
    );
    let family = parse_weekday(s.family_weekday.trim());
    let alumni = parse_weekday(s.alumni_weekday.trim());
    if family.is_none() {
        errors.push("the family night must be a weekday like thu".into());
    }
    if alumni.is_none() {
        errors.push("the alumni night must be a weekday like wed".into());
    }
    if let Some(f) = family {
        for t in track_weekdays {
            if !t.0.contains(&f) {
                errors.push(format!(
                    "the family night ({}) must be a night every track meets; a track meets on {t}",
                    weekday_code(f)
                ));
                break;
            }
        }
    }
    match (start, family, alumni) {
        (Some(start), Some(family_weekday), Some(alumni_weekday)) if errors.is_empty() => {
            Ok(ValidSettings {
                name: name.to_string(),
                session_start: crate::time::ClockTime(start),
                family_weekday,
                alumni_weekday,
            })
        }
        _ => Err(errors),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn seed_tracks() -> [Weekdays; 2] {
        ["mon,tue,thu", "mon,wed,thu"].map(|d| d.parse().unwrap())
    }

    #[test]
    fn the_defaults_are_valid_with_both_seed_tracks() {
        let v = validate(&ProgramSettings::defaults("Evening IOP"), &seed_tracks());
        assert_eq!(
            v.map(|v| v.session_start.to_string()),
            Ok("18:00".to_string())
        );
    }

    #[test]
    fn every_problem_is_reported() {
        let mut s = ProgramSettings::defaults("");
        s.session_start = "6pm".into();
        s.min_weeks = 10;
        s.max_weeks = 9;
        s.max_patients_per_facilitator = 0;
        let errors = validate(&s, &[]).err().unwrap_or_default();
        assert_eq!(errors.len(), 4, "{errors:?}");
    }

    #[test]
    fn the_family_night_must_be_shared_by_every_track() {
        let mut s = ProgramSettings::defaults("X");
        s.family_weekday = "tue".into();
        let errors = validate(&s, &seed_tracks()).err().unwrap_or_default();
        assert!(
            errors.iter().any(|e| e.contains("every track")),
            "{errors:?}"
        );
    }
}
