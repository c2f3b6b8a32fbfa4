//! Questionnaires in the portal: the instrument's own words, one item at a time on a
//! phone; a refused form comes back with every answer kept.

use super::{render, run, PortalResult, PortalShell};
use crate::extract::PageForm;
use crate::pages::clinical::measure_form::{answers, MeasureItems};
use crate::portal_access::{PortalCaller, PortalError};
use crate::AppState;
use askama::Template;
use axum::extract::{Path, State};
use iop_app::portal::DueForm;
use iop_domain::instruments::Form;
use iop_domain::scoring::Instrument;
use std::collections::HashMap;

#[derive(Template)]
#[template(path = "portal/forms.html")]
struct FormsPage {
    shell: PortalShell,
    forms: Vec<DueForm>,
}

#[derive(Template)]
#[template(path = "portal/form.html")]
struct FormPage {
    shell: PortalShell,
    title: &'static str,
    items: MeasureItems,
}

#[derive(Template)]
#[template(path = "portal/form_done.html")]
struct DonePage {
    shell: PortalShell,
    safety: bool,
}

pub async fn list(State(state): State<AppState>, caller: PortalCaller) -> PortalResult {
    let forms = run(&state, &caller, |app, ctx| app.portal_forms_due(ctx)).await?;
    render(
        &FormsPage {
            shell: PortalShell::new(&caller, "/portal/forms"),
            forms,
        },
        false,
    )
}

/// The form of a questionnaire that is due; any other answers as not found.
async fn due_form(
    state: &AppState,
    caller: &PortalCaller,
    code: &str,
) -> Result<(&'static Form, &'static str), PortalError> {
    let instrument: Instrument = code
        .parse()
        .map_err(|_| PortalError(iop_app::AppError::NotFound("form".into())))?;
    let due = run(state, caller, |app, ctx| app.portal_forms_due(ctx)).await?;
    let due = due
        .into_iter()
        .find(|f| f.instrument == instrument)
        .ok_or_else(|| PortalError(iop_app::AppError::NotFound("form".into())))?;
    let form = Form::by_code(code)
        .ok_or_else(|| PortalError(iop_app::AppError::NotFound("form".into())))?;
    Ok((form, due.title))
}

pub async fn show(
    State(state): State<AppState>,
    caller: PortalCaller,
    Path(code): Path<String>,
) -> PortalResult {
    let (form, title) = due_form(&state, &caller, &code).await?;
    render(
        &FormPage {
            shell: PortalShell::new(&caller, "/portal/forms"),
            title,
            items: MeasureItems::new(form, HashMap::new(), None),
        },
        false,
    )
}

pub async fn answer(
    State(state): State<AppState>,
    caller: PortalCaller,
    Path(code): Path<String>,
    PageForm(fields): PageForm<Vec<(String, String)>>,
) -> PortalResult {
    let (form, title) = due_form(&state, &caller, &code).await?;
    let typed: HashMap<String, String> = fields.into_iter().collect();
    let refused = |typed, error: (String, String)| FormPage {
        shell: PortalShell::new(&caller, "/portal/forms"),
        title,
        items: MeasureItems::new(form, typed, Some(error)),
    };
    let items = match answers(form, &typed) {
        Ok(items) => items,
        Err(e) => return render(&refused(typed, e), true),
    };
    let instrument: Instrument = code
        .parse()
        .map_err(|_| PortalError(iop_app::AppError::NotFound("form".into())))?;
    let done = run(&state, &caller, move |app, ctx| {
        app.portal_answer_form(ctx, instrument, items)
    })
    .await;
    match done {
        Ok(a) => render(
            &DonePage {
                shell: PortalShell::new(&caller, "/portal/forms"),
                safety: a.safety,
            },
            false,
        ),
        Err(PortalError(iop_app::AppError::Invalid(m))) => {
            render(&refused(typed, (String::new(), m)), true)
        }
        Err(e) => Err(e),
    }
}
