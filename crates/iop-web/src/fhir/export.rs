//! Bulk Data kick-off, status, download and cancellation (FHIR Bulk Data Access IG 2.0):
//! `Prefer: respond-async` → 202 with `Content-Location`; the status answers 202 with
//! `X-Progress` while the job runs, then the manifest; files need the same token.

use super::{base_url, fhir_json, outcome};
use crate::error::WebError;
use crate::extract::PathId;
use crate::AppState;
use axum::body::Body;
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use iop_app::fhir::{operation_outcome, ExportRecipient, ExportRequest, IssueSeverity, IssueType};
use iop_app::AppError;
use iop_domain::export::ExportStatus;
use iop_domain::ids::ExportId;
use serde_json::json;

type Params = Query<Vec<(String, String)>>;

/// `GET /fhir/r4/Patient/$export`.
pub async fn patient_export(
    State(state): State<AppState>,
    caller: crate::access::Caller,
    headers: HeaderMap,
    Query(params): Params,
) -> Response {
    kick_off(state, caller, &headers, &params, None).await
}

/// `GET /fhir/r4/Group/{id}/$export`: a program's or a track's patients.
pub async fn group_export(
    State(state): State<AppState>,
    caller: crate::access::Caller,
    headers: HeaderMap,
    Path(group): Path<String>,
    Query(params): Params,
) -> Response {
    kick_off(state, caller, &headers, &params, Some(group)).await
}

/// Reads a kick-off's parameters; an unsupported one is refused (the IG's default
/// handling is strict).
fn request(params: &[(String, String)], group: Option<String>) -> Result<ExportRequest, String> {
    let mut req = ExportRequest {
        group,
        ..ExportRequest::default()
    };
    let mut recipient: Option<String> = None;
    let mut recipient_name: Option<String> = None;
    for (k, v) in params {
        match k.as_str() {
            "_type" => {
                let types = req.types.get_or_insert_with(Vec::new);
                types.extend(
                    v.split(',')
                        .map(str::trim)
                        .filter(|t| !t.is_empty())
                        .map(String::from),
                );
            }
            "_since" => {
                req.since = Some(v.parse::<jiff::Timestamp>().map_err(|_| {
                    format!("_since: {v:?} is not an instant (2026-12-01T00:00:00Z)")
                })?);
            }
            "_outputFormat" => {
                if !matches!(
                    v.as_str(),
                    "application/fhir+ndjson" | "application/ndjson" | "ndjson"
                ) {
                    return Err(format!(
                        "_outputFormat: only application/fhir+ndjson, not {v:?}"
                    ));
                }
            }
            "recipient" => recipient = Some(v.clone()),
            "recipientName" => recipient_name = Some(v.clone()),
            other => return Err(format!("{other} is not supported by this server's $export")),
        }
    }
    if req.types.as_ref().is_some_and(Vec::is_empty) {
        return Err("_type: name at least one resource type (Patient,Encounter,…)".into());
    }
    req.recipient = match recipient.as_deref() {
        None => None,
        Some(r) => Some(match r.split_once('/') {
            Some(("Payer", id)) => ExportRecipient::Payer(
                id.parse().map_err(|_| format!("recipient: {id:?} is not a payer's id"))?,
            ),
            Some(("Class", class)) => ExportRecipient::Class {
                class: class.parse().map_err(|_| {
                    format!("recipient: {class:?} is not a class (treating_providers, payers, program_operations)")
                })?,
                name: recipient_name.clone().ok_or(
                    "recipientName: name who receives the export (the recipient is a class)",
                )?,
            },
            _ => return Err("recipient: Payer/{id} (a payer on file) or Class/{class} with recipientName".into()),
        }),
    };
    Ok(req)
}

async fn kick_off(
    state: AppState,
    caller: crate::access::Caller,
    headers: &HeaderMap,
    params: &[(String, String)],
    group: Option<String>,
) -> Response {
    let asks_async = headers
        .get_all("prefer")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .any(|v| v.split(',').any(|p| p.trim() == "respond-async"));
    if !asks_async {
        return outcome(WebError::BadRequest(
            "an export runs in the background: send Prefer: respond-async".into(),
        ));
    }
    let req = match request(params, group) {
        Ok(r) => r,
        Err(e) => return outcome(WebError::BadRequest(e)),
    };
    let ctx = caller.ctx.clone();
    let id = match state
        .run(ctx.clone(), move |app, ctx| app.start_export(ctx, req))
        .await
    {
        Ok(id) => id,
        Err(AppError::Invalid(e)) => return outcome(WebError::BadRequest(e)),
        Err(e) => return outcome(e.into()),
    };
    let app = state.app.clone();
    // The job runs with the asker's role and caseload; its outcome is in its row.
    tokio::task::spawn_blocking(move || {
        if let Err(e) = app.run_export(&ctx, id) {
            tracing::warn!(export = %id, error = %e, "an export could not run");
        }
    });
    let status_url = format!("{}/$export-status/{id}", base_url(&state));
    let said = format!("Export {id} started; poll {status_url}.");
    let mut res = fhir_json(
        StatusCode::ACCEPTED,
        &operation_outcome(
            IssueSeverity::Information,
            IssueType::Informational,
            &said,
            None,
        ),
    );
    if let Ok(v) = HeaderValue::from_str(&status_url) {
        res.headers_mut().insert(header::CONTENT_LOCATION, v);
    }
    res
}

/// `GET /fhir/r4/$export-status/{id}`.
pub async fn export_status(
    State(state): State<AppState>,
    caller: crate::access::Caller,
    PathId(id): PathId<ExportId>,
) -> Response {
    let row = match state
        .run(caller.ctx.clone(), move |app, ctx| {
            app.sweep_exports(false)?;
            app.export_job(ctx, id)
        })
        .await
    {
        Ok(r) => r,
        Err(e) => return outcome(e.into()),
    };
    match row.status {
        ExportStatus::Queued | ExportStatus::Running => {
            let mut res = StatusCode::ACCEPTED.into_response();
            let progress = format!("{} of {} patients", row.patients_done, row.patients_total);
            if let Ok(v) = HeaderValue::from_str(&progress) {
                res.headers_mut().insert("x-progress", v);
            }
            res.headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from_static("2"));
            res
        }
        ExportStatus::Complete => {
            let base = base_url(&state);
            let files: Vec<(String, u64)> = row
                .output
                .as_deref()
                .and_then(|o| serde_json::from_str(o).ok())
                .unwrap_or_default();
            let output: Vec<serde_json::Value> = files
                .iter()
                .map(|(t, n)| json!({ "type": t, "url": format!("{base}/$export-file/{id}/{t}.ndjson"), "count": n }))
                .collect();
            // The kick-off as it was understood: types, since, recipient.
            let mut q = vec![("_type", row.types.clone())];
            if let Some(since) = row.since {
                q.push(("_since", since.0.to_string()));
            }
            match (row.recipient_kind, row.recipient_ref.as_deref()) {
                (Some(iop_domain::consent::RecipientKind::Payer), Some(r)) => {
                    q.push(("recipient", format!("Payer/{r}")));
                }
                (Some(_), Some(r)) => {
                    q.push(("recipient", format!("Class/{r}")));
                    q.push((
                        "recipientName",
                        row.recipient_name.clone().unwrap_or_default(),
                    ));
                }
                _ => {}
            }
            let query = serde_urlencoded::to_string(&q).unwrap_or_default();
            let request = match row.group_id.as_deref().and_then(|g| g.split_once('/')) {
                Some((_, gid)) => format!("{base}/Group/{gid}/$export?{query}"),
                None => format!("{base}/Patient/$export?{query}"),
            };
            let manifest = json!({
                "transactionTime": row.requested_at.0.to_string(),
                "request": request,
                "requiresAccessToken": true,
                "output": output,
                "error": [],
                "extension": {
                    "expires": row.expires_at.map(|t| t.0.to_string()),
                    "notice": "Every resource is labelled 42 CFR Part 2 (no redisclosure without consent); the 42 CFR 2.32 notice is the DocumentReference file."
                }
            });
            let mut res = (StatusCode::OK, manifest.to_string()).into_response();
            res.headers_mut().insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/json"),
            );
            res
        }
        ExportStatus::Failed => outcome(WebError::App(AppError::Internal(
            row.error.unwrap_or_else(|| "the export failed".into()),
        ))),
        ExportStatus::Cancelled | ExportStatus::Expired => {
            let was = if row.status == ExportStatus::Cancelled {
                "cancelled"
            } else {
                "kept its time"
            };
            outcome(WebError::App(AppError::NotFound(format!(
                "export {id} was {was} and its files removed"
            ))))
        }
    }
}

/// `DELETE /fhir/r4/$export-status/{id}`: cancels the job and removes its files.
pub async fn cancel_export(
    State(state): State<AppState>,
    caller: crate::access::Caller,
    PathId(id): PathId<ExportId>,
) -> Response {
    match state
        .run(caller.ctx.clone(), move |app, ctx| {
            app.cancel_export(ctx, id)
        })
        .await
    {
        Ok(()) => StatusCode::ACCEPTED.into_response(),
        Err(e) => outcome(e.into()),
    }
}

/// `GET /fhir/r4/$export-file/{id}/{type}.ndjson`: streamed from disk, never read whole.
pub async fn export_file(
    State(state): State<AppState>,
    caller: crate::access::Caller,
    Path((id, file)): Path<(String, String)>,
) -> Response {
    let (Ok(id), Some(kind)) = (
        id.parse::<ExportId>(),
        file.strip_suffix(".ndjson").map(String::from),
    ) else {
        return outcome(WebError::NotFound);
    };
    let path = match state
        .run(caller.ctx.clone(), move |app, ctx| {
            app.export_file(ctx, id, &kind)
        })
        .await
    {
        Ok(p) => p,
        Err(e) => return outcome(e.into()),
    };
    let file = match tokio::fs::File::open(&path).await {
        Ok(f) => f,
        Err(_) => return outcome(WebError::NotFound),
    };
    let chunks = futures_util::stream::try_unfold(file, |mut f| async move {
        use tokio::io::AsyncReadExt;
        let mut buf = vec![0u8; 64 * 1024];
        let n = f.read(&mut buf).await?;
        if n == 0 {
            return Ok::<_, std::io::Error>(None);
        }
        buf.truncate(n);
        Ok(Some((axum::body::Bytes::from(buf), f)))
    });
    let mut res = Body::from_stream(chunks).into_response();
    res.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/fhir+ndjson"),
    );
    res
}
