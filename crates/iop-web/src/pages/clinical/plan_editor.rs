//! The treatment plan written in the page: any number of problems, each with any
//! number of goals, as rows of (problem, goal, objectives, interventions); rows that
//! name the same problem are one problem with several goals. Without JavaScript, "Add
//! another goal" sends the form back with one more empty row and nothing lost.

use crate::access::Caller;
use crate::error::PageError;
use crate::extract::{form_id, PageForm};
use crate::pages::clinical::care::to_chart;
use crate::pages::shell::{render_refusable, Shell};
use crate::AppState;
use askama::Template;
use axum::extract::{Path, State};
use axum::response::Response;
use iop_app::clinical::treatment::{Goal, Objective, Problem, TreatmentPlanContent};
use iop_app::AppError;
use iop_domain::ids::PatientId;
use std::collections::HashMap;

/// One row of the form.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Row {
    pub problem: String,
    pub goal: String,
    /// One per line: "… by YYYY-MM-DD".
    pub objectives: String,
    /// One per line.
    pub interventions: String,
}

impl Row {
    fn is_blank(&self) -> bool {
        [
            &self.problem,
            &self.goal,
            &self.objectives,
            &self.interventions,
        ]
        .iter()
        .all(|v| v.trim().is_empty())
    }
}

#[derive(Template)]
#[template(path = "treatment_plan_edit.html")]
struct PlanEdit {
    shell: Shell,
    patient_id: PatientId,
    rows: Vec<Row>,
    error: Option<String>,
}

fn rows_of(c: &TreatmentPlanContent) -> Vec<Row> {
    c.problems
        .iter()
        .flat_map(|p| {
            p.goals.iter().map(|g| Row {
                problem: p.problem.clone(),
                goal: g.goal.clone(),
                objectives: g
                    .objectives
                    .iter()
                    .map(|o| format!("{} by {}", o.objective, o.target_date))
                    .collect::<Vec<_>>()
                    .join("\n"),
                interventions: g.interventions.join("\n"),
            })
        })
        .collect()
}

fn rows_typed(t: &HashMap<String, String>) -> Vec<Row> {
    let get = |k: String| t.get(&k).cloned().unwrap_or_default();
    let n = t
        .keys()
        .filter(|k| k.starts_with("problem_"))
        .count()
        .min(50);
    (0..n)
        .map(|i| Row {
            problem: get(format!("problem_{i}")),
            goal: get(format!("goal_{i}")),
            objectives: get(format!("objectives_{i}")),
            interventions: get(format!("interventions_{i}")),
        })
        .collect()
}

fn objectives(text: &str) -> Result<Vec<Objective>, AppError> {
    text.lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            let (what, date) = l.rsplit_once(" by ").ok_or_else(|| {
                AppError::Invalid(format!(
                    "write each objective as \"… by YYYY-MM-DD\" (line {:?})",
                    l.trim()
                ))
            })?;
            Ok(Objective {
                objective: what.trim().to_string(),
                target_date: iop_app::calendar::sessions::parse_date(
                    date,
                    "an objective's target date",
                )?,
            })
        })
        .collect()
}

/// The plan the rows describe; rows naming the same problem share it, in order.
fn content_of(rows: &[Row]) -> Result<TreatmentPlanContent, AppError> {
    let mut problems: Vec<Problem> = Vec::new();
    for r in rows.iter().filter(|r| !r.is_blank()) {
        let goal = Goal {
            goal: r.goal.trim().to_string(),
            objectives: objectives(&r.objectives)?,
            interventions: r
                .interventions
                .lines()
                .map(str::trim)
                .filter(|l| !l.is_empty())
                .map(str::to_string)
                .collect(),
        };
        let name = r.problem.trim();
        match problems
            .iter_mut()
            .find(|p| p.problem.eq_ignore_ascii_case(name))
        {
            Some(p) => p.goals.push(goal),
            None => problems.push(Problem {
                problem: name.to_string(),
                goals: vec![goal],
            }),
        }
    }
    Ok(TreatmentPlanContent { problems })
}

async fn page(
    state: &AppState,
    caller: Caller,
    id: &str,
    rows: Option<Vec<Row>>,
    error: Option<String>,
) -> Result<Response, PageError> {
    let patient_id: PatientId = form_id(id, "patient")?;
    let mut rows = match rows {
        Some(r) => r,
        None => {
            state
                .run(caller.ctx.clone(), move |app, ctx| {
                    Ok(app
                        .treatment_plans(ctx, patient_id)?
                        .first()
                        .map(|p| rows_of(&p.content))
                        .unwrap_or_default())
                })
                .await?
        }
    };
    if rows.last().is_none_or(|r| !r.is_blank()) {
        rows.push(Row::default());
    }
    let refusal = error.is_some();
    render_refusable(
        &PlanEdit {
            shell: Shell::new(&caller, "/census"),
            patient_id,
            rows,
            error,
        },
        refusal,
    )
}

pub async fn edit(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    page(&state, caller, &id, None, None).await
}

/// `POST /patients/{id}/treatment-plan`: save, or "more" for another empty row.
pub async fn save(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    PageForm(f): PageForm<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let more = f.iter().any(|(k, v)| k == "action" && v == "more");
    let typed: HashMap<String, String> = f.into_iter().collect();
    let rows = rows_typed(&typed);
    if more {
        let mut rows = rows;
        rows.push(Row::default());
        return page(&state, caller, &id, Some(rows), None).await;
    }
    let content = match content_of(&rows) {
        Ok(c) => c,
        Err(e) => return page(&state, caller, &id, Some(rows), Some(e.to_string())).await,
    };
    let pid = id.clone();
    let r = state
        .run(caller.ctx.clone(), move |app, ctx| {
            app.save_treatment_plan(ctx, form_id(&pid, "patient")?, content)
                .map(|_| ())
        })
        .await;
    match r {
        Err(e @ AppError::Invalid(_)) => {
            page(&state, caller, &id, Some(rows), Some(e.to_string())).await
        }
        r => to_chart(&state, caller, id, "treatment-plan", "plan", r).await,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(problem: &str, goal: &str) -> Row {
        Row {
            problem: problem.into(),
            goal: goal.into(),
            objectives: "Attends 9 hours a week by 2027-01-31".into(),
            interventions: "Group therapy\nIndividual counseling".into(),
        }
    }

    #[test]
    fn rows_naming_the_same_problem_become_one_problem_with_several_goals() {
        let rows = [
            row("Alcohol use", "Stay sober"),
            row("Sleep", "Sleep 7 hours"),
            row("alcohol use", "Rebuild routine"),
            Row::default(),
        ];
        let c = content_of(&rows).unwrap_or_default();
        assert_eq!(c.problems.len(), 2);
        assert_eq!(c.problems[0].goals.len(), 2);
        assert_eq!(c.problems[0].goals[0].interventions.len(), 2);
        assert_eq!(rows_of(&c).len(), 3, "and read back as three rows");
    }

    #[test]
    fn an_objective_without_a_date_is_refused_naming_its_line() {
        let mut r = row("Sleep", "Sleep 7 hours");
        r.objectives = "sleep better".into();
        assert!(content_of(&[r]).is_err());
    }
}
