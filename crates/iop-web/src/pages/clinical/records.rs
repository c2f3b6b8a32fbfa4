//! Clinical records entered in the page: a new version of the relapse prevention plan
//! (started from the current one), and a drug screen with its panel of substances.

use crate::access::Caller;
use crate::error::PageError;
use crate::extract::{form_id, PageForm};
use crate::pages::clinical::chart::{chart_page_typed, ChartTyped};
use crate::pages::shell::{render_refusable, Shell};
use crate::AppState;
use askama::Template;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use iop_app::clinical::measures::{NewScreen, SubstanceResult, SCREEN_METHODS, SPECIMENS};
use iop_app::clinical::plans::{PlanContent, Support};
use iop_app::AppError;
use iop_domain::ids::PatientId;
use std::collections::HashMap;

/// The plan's list sections: (field, label).
const SECTIONS: &[(&str, &str)] = &[
    ("reasons_for_recovery", "Reasons for recovery"),
    (
        "external_triggers",
        "External triggers (people, places, things)",
    ),
    (
        "internal_triggers",
        "Internal triggers (feelings, thoughts)",
    ),
    ("early_warning_signs", "Early warning signs"),
    ("coping_strategies", "Coping strategies"),
];

#[derive(Template)]
#[template(path = "relapse_plan_edit.html")]
struct PlanEdit {
    shell: Shell,
    patient_id: PatientId,
    sections: &'static [(&'static str, &'static str)],
    /// Field → text (one entry per line), from the current plan or as typed.
    values: HashMap<String, String>,
    error: Option<String>,
}

impl PlanEdit {
    fn value(&self, key: &str) -> &str {
        self.values.get(key).map_or("", String::as_str)
    }
}

fn lines(v: &[String]) -> String {
    v.join("\n")
}

fn values_of(c: &PlanContent) -> HashMap<String, String> {
    let supports = c
        .supports
        .iter()
        .map(|s| format!("{}, {}", s.name, s.phone))
        .collect::<Vec<_>>();
    HashMap::from([
        (
            "reasons_for_recovery".into(),
            lines(&c.reasons_for_recovery),
        ),
        ("external_triggers".into(), lines(&c.external_triggers)),
        ("internal_triggers".into(), lines(&c.internal_triggers)),
        ("early_warning_signs".into(), lines(&c.early_warning_signs)),
        ("coping_strategies".into(), lines(&c.coping_strategies)),
        ("supports".into(), supports.join("\n")),
        ("lapse_plan".into(), c.lapse_plan.clone()),
    ])
}

fn content_of(t: &HashMap<String, String>) -> Result<PlanContent, AppError> {
    let list = |k: &str| -> Vec<String> {
        t.get(k)
            .map(|v| {
                v.lines()
                    .map(str::trim)
                    .filter(|l| !l.is_empty())
                    .map(str::to_string)
                    .collect()
            })
            .unwrap_or_default()
    };
    let supports = list("supports")
        .into_iter()
        .map(|l| match l.rsplit_once(',') {
            Some((name, phone)) => Ok(Support {
                name: name.trim().to_string(),
                phone: phone.trim().to_string(),
            }),
            None => Err(AppError::Invalid(format!(
                "write each support person as \"name, phone\" (not {:?})",
                l.chars().take(40).collect::<String>()
            ))),
        })
        .collect::<Result<_, _>>()?;
    Ok(PlanContent {
        reasons_for_recovery: list("reasons_for_recovery"),
        external_triggers: list("external_triggers"),
        internal_triggers: list("internal_triggers"),
        early_warning_signs: list("early_warning_signs"),
        coping_strategies: list("coping_strategies"),
        supports,
        lapse_plan: t.get("lapse_plan").cloned().unwrap_or_default(),
    })
}

async fn edit_page(
    state: &AppState,
    caller: Caller,
    id: &str,
    typed: Option<HashMap<String, String>>,
    error: Option<String>,
) -> Result<Response, PageError> {
    let patient_id: PatientId = form_id(id, "patient")?;
    let values = match typed {
        Some(t) => t,
        None => {
            state
                .run(caller.ctx.clone(), move |app, ctx| {
                    Ok(app
                        .relapse_plans(ctx, patient_id)?
                        .first()
                        .map(|p| values_of(&p.content))
                        .unwrap_or_default())
                })
                .await?
        }
    };
    let refusal = error.is_some();
    render_refusable(
        &PlanEdit {
            shell: Shell::new(&caller, "/census"),
            patient_id,
            sections: SECTIONS,
            values,
            error,
        },
        refusal,
    )
}

pub async fn edit_plan(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    edit_page(&state, caller, &id, None, None).await
}

pub async fn save_plan(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    PageForm(f): PageForm<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let typed: HashMap<String, String> = f.into_iter().collect();
    let t = typed.clone();
    let pid = id.clone();
    let result = state
        .run(caller.ctx.clone(), move |app, ctx| {
            app.save_relapse_plan(ctx, form_id(&pid, "patient")?, content_of(&t)?)
        })
        .await;
    match result {
        Ok(_) => Ok(Redirect::to(&format!("/patients/{id}?done=relapse_plan")).into_response()),
        Err(e @ AppError::Invalid(_)) => {
            edit_page(&state, caller, &id, Some(typed), Some(e.to_string())).await
        }
        Err(e) => Err(e.into()),
    }
}

/// The substances of the usual panel, offered on the chart's drug screen form.
pub const PANEL: &[&str] = &[
    "alcohol",
    "amphetamines",
    "benzodiazepines",
    "buprenorphine",
    "cannabinoids",
    "cocaine",
    "fentanyl",
    "methadone",
    "methamphetamine",
    "opiates",
    "oxycodone",
];

pub async fn add_screen(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    PageForm(f): PageForm<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let t: HashMap<String, String> = f.into_iter().collect();
    let typed = t.clone();
    let get = |k: &str| t.get(k).cloned().unwrap_or_default();
    let results: Vec<SubstanceResult> = PANEL
        .iter()
        .filter_map(|s| {
            let r = get(&format!("result_{s}"));
            (!r.is_empty()).then(|| SubstanceResult {
                substance: (*s).to_string(),
                result: r,
            })
        })
        .collect();
    let (on, specimen, method) = (get("collected_on"), get("specimen"), get("method"));
    let pid = id.clone();
    let result = state
        .run(caller.ctx.clone(), move |app, ctx| {
            if results.is_empty() {
                return Err(AppError::Invalid(
                    "give the result of at least one substance".into(),
                ));
            }
            let screen = NewScreen {
                collected_on: iop_app::calendar::sessions::parse_date(&on, "the collection date")?,
                specimen,
                method,
                results,
            };
            app.record_screen(ctx, form_id(&pid, "patient")?, screen)
        })
        .await;
    match result {
        Ok(_) => Ok(Redirect::to(&format!("/patients/{id}?done=screen#screens-h")).into_response()),
        Err(e @ AppError::Invalid(_)) => {
            let typed = ChartTyped {
                form: "screen".into(),
                fields: typed,
                confirm_sign: false,
            };
            chart_page_typed(&state, caller, id, Some(e.to_string()), None, None, typed).await
        }
        Err(e) => Err(e.into()),
    }
}

/// What the chart's drug screen form offers.
pub const SPECIMEN_CHOICES: &[&str] = SPECIMENS;
pub const METHOD_CHOICES: &[&str] = SCREEN_METHODS;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_plan_written_one_entry_per_line_reads_back_the_same() {
        let typed = HashMap::from([
            (
                "reasons_for_recovery".to_string(),
                "my kids\n\n keep my job ".to_string(),
            ),
            (
                "supports".to_string(),
                "Dana Reyes, (502) 555-0110".to_string(),
            ),
            (
                "lapse_plan".to_string(),
                "Call Dana, then my counselor.".to_string(),
            ),
        ]);
        let c = content_of(&typed).unwrap_or_default();
        assert_eq!(c.reasons_for_recovery, vec!["my kids", "keep my job"]);
        assert_eq!(c.supports[0].phone, "(502) 555-0110");
        assert_eq!(values_of(&c)["supports"], "Dana Reyes, (502) 555-0110");
        let bad = HashMap::from([("supports".to_string(), "Dana".to_string())]);
        assert!(content_of(&bad).is_err());
    }
}
