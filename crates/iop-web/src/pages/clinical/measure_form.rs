//! A measure entered item by item, in the instrument's own words and answer options;
//! a refused form comes back with every answer as it was given and the error beside
//! the item it is about.

use crate::access::Caller;
use crate::error::PageError;
use crate::extract::{form_id, PageForm};
use crate::pages::shell::{render_refusable, Shell};
use crate::AppState;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use iop_app::clinical::measures::{NewMeasure, OCCASIONS};
use iop_app::AppError;
use iop_domain::ids::PatientId;
use iop_domain::instruments::{Answers, Form};
use serde::Deserialize;
use std::collections::HashMap;

/// A measure's items with the answers typed so far and the error beside its item; the
/// staff form and the portal's both show it (`measure_items.html`).
pub struct MeasureItems {
    pub form: &'static Form,
    pub typed: HashMap<String, String>,
    /// The item the error is about ("item_9"), or "" for the form as a whole.
    pub error_at: String,
    pub error: Option<String>,
}

impl MeasureItems {
    pub fn new(
        form: &'static Form,
        typed: HashMap<String, String>,
        error: Option<(String, String)>,
    ) -> Self {
        let (error_at, error) = match error {
            Some((at, e)) => (at, Some(e)),
            None => (String::new(), None),
        };
        MeasureItems {
            form,
            typed,
            error_at,
            error,
        }
    }

    pub fn value(&self, key: &str) -> &str {
        self.typed.get(key).map_or("", String::as_str)
    }

    pub fn checked(&self, number: &str, option: &usize) -> bool {
        self.value(&format!("item_{number}")) == option.to_string()
    }

    pub fn is_days(&self, answers: &Answers) -> bool {
        *answers == Answers::Days
    }

    pub fn options(&self, answers: &Answers) -> &'static [&'static str] {
        match answers {
            Answers::Options(o) => o,
            Answers::Days => &[],
        }
    }
}

#[derive(Template)]
#[template(path = "measure_form.html")]
struct MeasurePage {
    shell: Shell,
    patient_id: PatientId,
    patient: String,
    occasions: &'static [&'static str],
    items: MeasureItems,
    fmt: iop_domain::display::Style,
}

#[derive(Deserialize)]
pub struct NewQuery {
    instrument: Option<String>,
}

fn form_of(code: &str) -> Result<&'static Form, PageError> {
    Form::by_code(code).ok_or_else(|| {
        PageError::from(AppError::Invalid(format!(
            "{:?} is not a measure this program records (PHQ-9, GAD-7 or BAM)",
            code.chars().take(20).collect::<String>()
        )))
    })
}

async fn page(
    state: &AppState,
    caller: Caller,
    id: &str,
    form: &'static Form,
    typed: HashMap<String, String>,
    error: Option<(String, String)>,
) -> Result<Response, PageError> {
    let shell = Shell::new(&caller, "/census");
    let patient_id: PatientId = form_id(id, "patient")?;
    let (patient, today, fmt) = state
        .run(caller.ctx.clone(), move |app, ctx| {
            let (label, today) = app.measure_form_patient(ctx, patient_id)?;
            Ok((label, today, app.patient_style(ctx, patient_id)?))
        })
        .await?;
    let mut typed = typed;
    typed
        .entry("taken_on".into())
        .or_insert_with(|| today.to_string());
    let refusal = error.is_some();
    render_refusable(
        &MeasurePage {
            shell,
            patient_id,
            patient,
            occasions: OCCASIONS,
            items: MeasureItems::new(form, typed, error),
            fmt,
        },
        refusal,
    )
}

pub async fn new(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    Query(q): Query<NewQuery>,
) -> Result<Response, PageError> {
    let form = form_of(q.instrument.as_deref().unwrap_or("phq9"))?;
    page(&state, caller, &id, form, HashMap::new(), None).await
}

/// The answers in the order the instrument scores them, or the first item left out or
/// out of range.
pub(crate) fn answers(
    form: &Form,
    typed: &HashMap<String, String>,
) -> Result<Vec<u8>, (String, String)> {
    let mut out = Vec::with_capacity(form.items.len());
    for item in form.items {
        let key = format!("item_{}", item.number);
        let raw = typed.get(&key).map_or("", |v| v.trim());
        let max = match item.answers {
            Answers::Days => 30,
            Answers::Options(o) => o.len().saturating_sub(1),
        };
        let refuse = |why: &str| (key.clone(), format!("Item {}: {why}", item.number));
        if raw.is_empty() {
            return Err(refuse("choose an answer"));
        }
        match raw.parse::<u8>() {
            Ok(v) if usize::from(v) <= max => out.push(v),
            _ if item.answers == Answers::Days => {
                return Err(refuse("write a number of days from 0 to 30"))
            }
            _ => return Err(refuse("choose one of the answers")),
        }
    }
    Ok(out)
}

pub async fn save(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    PageForm(fields): PageForm<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let typed: HashMap<String, String> = fields.into_iter().collect();
    let code = typed.get("instrument").cloned().unwrap_or_default();
    let form = form_of(&code)?;
    let items = match answers(form, &typed) {
        Ok(items) => items,
        Err(e) => return page(&state, caller, &id, form, typed, Some(e)).await,
    };
    let pid = id.clone();
    let (occasion, taken_on) = (
        typed.get("occasion").cloned().unwrap_or_default(),
        typed.get("taken_on").cloned().unwrap_or_default(),
    );
    let result = state
        .run(caller.ctx.clone(), move |app, ctx| {
            let taken_on = iop_app::calendar::sessions::parse_date(&taken_on, "the date")?;
            app.record_measure(
                ctx,
                form_id(&pid, "patient")?,
                NewMeasure {
                    instrument: code,
                    occasion,
                    taken_on,
                    items,
                },
            )
        })
        .await;
    match result {
        // Redirected, so a reload cannot record the measure (and raise its alert) twice.
        Ok(_) => Ok(Redirect::to(&format!(
            "/patients/{id}?done=measure_{}#measures-h",
            form.code
        ))
        .into_response()),
        Err(e @ AppError::Invalid(_)) => {
            page(
                &state,
                caller,
                &id,
                form,
                typed,
                Some((String::new(), e.to_string())),
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}

#[cfg(test)]
mod tests {
    use super::answers;
    use iop_domain::instruments::PHQ9;
    use std::collections::HashMap;

    #[test]
    fn a_missing_or_impossible_answer_names_its_item() {
        let mut typed: HashMap<String, String> = (1..=9)
            .map(|i| (format!("item_{i}"), "1".to_string()))
            .collect();
        assert_eq!(answers(&PHQ9, &typed).map(|v| v.len()), Ok(9));
        typed.insert("item_9".into(), "4".into());
        assert_eq!(
            answers(&PHQ9, &typed).map_err(|e| e.0),
            Err("item_9".into())
        );
        typed.remove("item_3");
        assert_eq!(
            answers(&PHQ9, &typed).map_err(|e| e.0),
            Err("item_3".into())
        );
    }
}
