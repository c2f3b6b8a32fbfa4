//! CarePlan and Goal: the treatment plan (problems, goals with measurable objectives,
//! interventions) and the relapse prevention plan, one CarePlan per saved version. The
//! current version is `active` (or `completed` once the patient's episode ended); an
//! earlier one is `revoked` and the version after it `replaces` it. Goals follow their
//! plan: `active`, or `completed` once no longer pursued as written.

use super::{part2_meta, reference};
use jiff::civil::Date;
use jiff::Timestamp;
use serde_json::{json, Map, Value};

/// Which plan a CarePlan is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PlanKind {
    Treatment,
    RelapsePrevention,
}

impl PlanKind {
    pub fn label(self) -> &'static str {
        match self {
            Self::Treatment => "Treatment plan",
            Self::RelapsePrevention => "Relapse prevention plan",
        }
    }
}

/// Where a plan version stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PlanStatus {
    /// The patient's current version, in an episode that runs.
    Active,
    /// The last version of an episode that ended.
    Completed,
    /// Replaced by a later version.
    Revoked,
}

impl PlanStatus {
    /// The status of a plan version: `newest_first` its place among the plan's versions
    /// (0 = the newest), `written_on` its day, `episodes` the patient's episodes (whether
    /// running, the day each ended). The newest is in force while the episode it was
    /// written in runs: one is running and none ended since it was written (after a
    /// readmission, the last episode's plan is not the current one).
    pub fn of(
        newest_first: usize,
        written_on: Date,
        episodes: &[(bool, Option<Date>)],
    ) -> PlanStatus {
        let running = episodes.iter().any(|(running, _)| *running);
        let ended_since = episodes
            .iter()
            .any(|(_, ended)| ended.is_some_and(|end| end >= written_on));
        match (newest_first, running && !ended_since) {
            (0, true) => Self::Active,
            (0, false) => Self::Completed,
            _ => Self::Revoked,
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            Self::Active => "active",
            Self::Completed => "completed",
            Self::Revoked => "revoked",
        }
    }

    fn goal_status(self) -> &'static str {
        match self {
            Self::Active => "active",
            Self::Completed | Self::Revoked => "completed",
        }
    }

    fn activity_status(self) -> &'static str {
        match self {
            Self::Active => "in-progress",
            Self::Completed => "completed",
            Self::Revoked => "stopped",
        }
    }
}

/// One goal of a plan, with its measurable objectives (text, target date).
#[derive(Clone, Debug)]
pub struct GoalData {
    /// `{plan id}-{n}`: the plan version and the goal's place in it (from 1).
    pub id: String,
    pub description: String,
    pub targets: Vec<(String, Date)>,
    pub notes: Vec<String>,
}

/// What the plan does toward its goals.
#[derive(Clone, Debug)]
pub struct ActivityData {
    pub description: String,
    /// Ids of the goals it serves.
    pub goals: Vec<String>,
}

/// A plan version, ready to be written.
#[derive(Clone, Debug)]
pub struct CarePlanData<'a> {
    pub id: &'a str,
    pub patient_id: &'a str,
    pub kind: PlanKind,
    pub version: i32,
    pub status: PlanStatus,
    pub created: Timestamp,
    /// The day it was written, where the patient is treated.
    pub written_on: Date,
    /// The version this one took the place of.
    pub replaces: Option<&'a str>,
    pub goals: Vec<GoalData>,
    pub activities: Vec<ActivityData>,
    pub notes: Vec<String>,
}

/// The id of a plan's `n`th goal (from 1).
pub fn goal_id(plan_id: &str, n: usize) -> String {
    format!("{plan_id}-{n}")
}

/// The plan and the goal's place of a Goal id.
pub fn split_goal_id(id: &str) -> Option<(&str, usize)> {
    super::split_place_id(id)
}

fn annotations(notes: &[String]) -> Value {
    notes.iter().map(|t| json!({ "text": t })).collect()
}

pub fn care_plan(p: &CarePlanData<'_>) -> Value {
    let mut r = Map::new();
    r.insert("resourceType".into(), "CarePlan".into());
    r.insert("id".into(), p.id.into());
    r.insert("meta".into(), part2_meta());
    if let Some(prev) = p.replaces {
        r.insert("replaces".into(), json!([reference("CarePlan", prev)]));
    }
    r.insert("status".into(), p.status.code().into());
    r.insert("intent".into(), "plan".into());
    r.insert("category".into(), json!([{ "text": p.kind.label() }]));
    r.insert(
        "title".into(),
        format!("{}, version {}", p.kind.label(), p.version).into(),
    );
    r.insert("subject".into(), reference("Patient", p.patient_id));
    r.insert("created".into(), p.created.to_string().into());
    if !p.goals.is_empty() {
        let goals: Vec<Value> = p.goals.iter().map(|g| reference("Goal", &g.id)).collect();
        r.insert("goal".into(), goals.into());
    }
    if !p.activities.is_empty() {
        let activities: Vec<Value> = p
            .activities
            .iter()
            .map(|a| {
                let mut detail = Map::new();
                detail.insert("status".into(), p.status.activity_status().into());
                detail.insert("description".into(), a.description.clone().into());
                if !a.goals.is_empty() {
                    let goals: Vec<Value> = a.goals.iter().map(|g| reference("Goal", g)).collect();
                    detail.insert("goal".into(), goals.into());
                }
                json!({ "detail": detail })
            })
            .collect();
        r.insert("activity".into(), activities.into());
    }
    if !p.notes.is_empty() {
        r.insert("note".into(), annotations(&p.notes));
    }
    Value::Object(r)
}

/// A Goal of a plan version.
pub fn goal(p: &CarePlanData<'_>, g: &GoalData) -> Value {
    let mut r = Map::new();
    r.insert("resourceType".into(), "Goal".into());
    r.insert("id".into(), g.id.clone().into());
    r.insert("meta".into(), part2_meta());
    r.insert("lifecycleStatus".into(), p.status.goal_status().into());
    r.insert("category".into(), json!([{ "text": p.kind.label() }]));
    r.insert("description".into(), json!({ "text": g.description }));
    r.insert("subject".into(), reference("Patient", p.patient_id));
    r.insert("startDate".into(), p.written_on.to_string().into());
    if !g.targets.is_empty() {
        let targets: Vec<Value> = g
            .targets
            .iter()
            .map(|(what, due)| json!({ "measure": { "text": what }, "dueDate": due.to_string() }))
            .collect();
        r.insert("target".into(), targets.into());
    }
    if !g.notes.is_empty() {
        r.insert("note".into(), annotations(&g.notes));
    }
    Value::Object(r)
}
