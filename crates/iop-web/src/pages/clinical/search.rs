//! `/patients`: find a patient in one's caseload. The query is posted, never put in the
//! URL (a name in a URL ends up in proxy logs and browser history); a refused query keeps
//! what was typed.

use crate::access::Caller;
use crate::error::PageError;
use crate::extract::PageForm;
use crate::pages::shell::{render, Shell};
use crate::AppState;
use askama::Template;
use axum::extract::State;
use axum::response::Response;
use iop_app::admissions::search::{PatientHit, SEARCH_LIMIT};
use iop_app::AppError;
use serde::Deserialize;

#[derive(Deserialize)]
pub struct SearchForm {
    #[serde(default)]
    q: String,
}

#[derive(Template)]
#[template(path = "patient_search.html")]
struct SearchPage {
    fmt: iop_domain::display::Style,
    shell: Shell,
    q: String,
    hits: Option<Vec<PatientHit>>,
    error: Option<String>,
    limit: usize,
}

pub async fn show(State(state): State<AppState>, caller: Caller) -> Result<Response, PageError> {
    answer(state, caller, String::new()).await
}

pub async fn search(
    State(state): State<AppState>,
    caller: Caller,
    PageForm(f): PageForm<SearchForm>,
) -> Result<Response, PageError> {
    answer(state, caller, f.q.trim().to_string()).await
}

async fn answer(state: AppState, caller: Caller, q: String) -> Result<Response, PageError> {
    let shell = Shell::new(&caller, "/patients");
    let fmt = crate::pages::shell::organisation_style(&state, &caller).await?;
    let (hits, error) = if q.is_empty() {
        (None, None)
    } else {
        let query = q.clone();
        match state
            .run(caller.ctx, move |app, ctx| app.search_patients(ctx, &query))
            .await
        {
            Ok(h) => (Some(h), None),
            Err(AppError::Invalid(m)) => (None, Some(m)),
            Err(e) => return Err(e.into()),
        }
    };
    render(&SearchPage {
        fmt,
        shell,
        q,
        hits,
        error,
        limit: usize::try_from(SEARCH_LIMIT).unwrap_or(50),
    })
}
