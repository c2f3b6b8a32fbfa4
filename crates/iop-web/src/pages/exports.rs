//! Bulk exports on the admin page (progress, counts only) and the asker's report of one
//! export (its files, and the patients an outside export left out, with the reason).

use crate::access::Caller;
use crate::error::PageError;
use crate::extract::PathId;
use crate::pages::shell::{render, Shell};
use crate::AppState;
use askama::Template;
use axum::extract::State;
use axum::response::Response;
use iop_app::fhir::{ExportReport, ExportSummary};
use iop_domain::ids::ExportId;

#[derive(Template)]
#[template(path = "exports.html")]
struct ExportsPage {
    shell: Shell,
    fmt: iop_domain::display::Style,
    exports: Vec<ExportSummary>,
    report: Option<ExportReport>,
}

/// `GET /admin/exports`.
pub async fn list(State(state): State<AppState>, caller: Caller) -> Result<Response, PageError> {
    let fmt = crate::pages::shell::organisation_style(&state, &caller).await?;
    let shell = Shell::new(&caller, "/admin/exports");
    let exports = state
        .run(caller.ctx.clone(), |app, ctx| app.recent_exports(ctx))
        .await?;
    render(&ExportsPage {
        shell,
        fmt,
        exports,
        report: None,
    })
}

/// `GET /exports/{id}`: the asker's report.
pub async fn show(
    State(state): State<AppState>,
    caller: Caller,
    PathId(id): PathId<ExportId>,
) -> Result<Response, PageError> {
    let fmt = crate::pages::shell::organisation_style(&state, &caller).await?;
    let shell = Shell::new(&caller, "/admin/exports");
    let report = state
        .run(caller.ctx.clone(), move |app, ctx| {
            app.export_report(ctx, id)
        })
        .await?;
    render(&ExportsPage {
        shell,
        fmt,
        exports: Vec::new(),
        report: Some(report),
    })
}
