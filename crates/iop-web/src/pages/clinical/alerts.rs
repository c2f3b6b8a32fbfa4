//! Acknowledging a safety alert in the page, from the dashboard or the chart, with the
//! action taken.

use crate::access::Caller;
use crate::error::PageError;
use crate::extract::{form_id, PageForm};
use crate::AppState;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

#[derive(Deserialize)]
pub struct AcknowledgeForm {
    action_taken: String,
    back: Option<String>,
}

/// Where a form returns to: the chart it was on, else the dashboard (never another site).
pub(crate) fn back_to(back: Option<&str>) -> &str {
    let local = |b: &str| {
        (b.starts_with("/patients/") || b.starts_with("/sessions/"))
            && b[1..]
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '/' || c == '-')
    };
    match back {
        Some(b) if local(b) => b,
        _ => "/dashboard",
    }
}

pub async fn acknowledge(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    PageForm(f): PageForm<AcknowledgeForm>,
) -> Result<Response, PageError> {
    let text = f.action_taken;
    state
        .run(caller.ctx.clone(), move |app, ctx| {
            app.acknowledge_alert(ctx, form_id(&id, "alert")?, &text)
        })
        .await?;
    let back = back_to(f.back.as_deref());
    Ok(Redirect::to(&format!("{back}?done=acknowledged")).into_response())
}

#[cfg(test)]
mod tests {
    use super::back_to;

    #[test]
    fn a_form_returns_only_to_a_page_of_this_site() {
        assert_eq!(back_to(Some("/patients/01a2-b3")), "/patients/01a2-b3");
        assert_eq!(back_to(Some("https://evil.example/")), "/dashboard");
        assert_eq!(back_to(Some("/patients/x?y=<script>")), "/dashboard");
        assert_eq!(back_to(Some("//evil.example")), "/dashboard");
        assert_eq!(back_to(None), "/dashboard");
    }
}
