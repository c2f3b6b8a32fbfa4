//! The audit log page for administrators, with filters.

use crate::access::Caller;
use crate::error::{PageError, WebError};
use crate::pages::shell::{render, Shell};
use crate::AppState;
use askama::Template;
use axum::extract::{Query, State};
use axum::response::Response;
use iop_app::audit::search::AuditQuery;

#[derive(Template)]
#[template(path = "audit.html")]
struct AuditPage {
    shell: Shell,
    q: AuditQuery,
    rows: Vec<iop_app::audit::search::AuditEntry>,
    next_before: Option<i64>,
    names: iop_app::audit::search::AuditNames,
    fmt: iop_domain::display::Style,
}

pub const PAGE_SIZE: i64 = 100;

pub async fn list(
    State(state): State<AppState>,
    caller: Caller,
    q: Result<Query<AuditQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<Response, PageError> {
    let Query(q) = q.map_err(|e| {
        PageError(WebError::BadRequest(format!(
            "the filter could not be read: {}",
            e.body_text()
        )))
    })?;
    let shell = Shell::new(&caller, "/admin/audit");
    let query = q.clone();
    let (rows, names, fmt) = state
        .run(caller.ctx, move |app, ctx| {
            let rows = app.audit_search(ctx, &query.typed()?, PAGE_SIZE)?;
            let names = app.audit_names(ctx, &rows)?;
            Ok((rows, names, app.organisation_style(ctx)?))
        })
        .await?;
    let next_before = (rows.len() as i64 == PAGE_SIZE)
        .then(|| rows.last().map(|r| r.seq))
        .flatten();
    render(&AuditPage {
        shell,
        q,
        rows,
        next_before,
        names,
        fmt,
    })
}
