//! The audit trail over the API.

use super::{query, ApiResult, Problem, QueryResult};
use crate::access::Caller;
use crate::AppState;
use axum::extract::State;
use axum::Json;
use iop_app::audit::search::AuditQuery;
use iop_domain::time::Instant;
use serde::Serialize;
use utoipa::ToSchema;

#[derive(Serialize, ToSchema)]
pub struct AuditEvent {
    seq: i64,
    at: Instant,
    actor_id: Option<iop_domain::ids::UserId>,
    actor_role: Option<iop_domain::audit::ActorRole>,
    action: String,
    outcome: iop_domain::audit::Outcome,
    patient_id: Option<iop_domain::ids::PatientId>,
    subject: Option<String>,
    request_id: Option<String>,
    detail: serde_json::Value,
    hash: String,
}

/// Audit entries, newest first, 100 a page (pass `before` = the last `seq` for the next).
#[utoipa::path(get, path = "/api/v1/audit-events", operation_id = "list_audit_events", tag = "audit", security(("bearer" = [])),
    params(("user" = Option<String>, Query, description = "email or id of the account"),
        ("patient" = Option<String>, Query), ("action" = Option<String>, Query, description = "action or prefix"),
        ("from" = Option<String>, Query, description = "first day, YYYY-MM-DD"),
        ("until" = Option<String>, Query, description = "last day, YYYY-MM-DD"),
        ("before" = Option<i64>, Query)),
    responses((status = 200, body = [AuditEvent]), (status = 400, body = Problem), (status = 403, body = Problem), (status = 422, body = Problem)))]
pub async fn list(
    State(state): State<AppState>,
    caller: Caller,
    q: QueryResult<AuditQuery>,
) -> ApiResult<Json<Vec<AuditEvent>>> {
    let q = query(q)?;
    let rows = state
        .run(caller.ctx, move |app, ctx| {
            app.audit_search(ctx, &q.typed()?, crate::pages::audit::PAGE_SIZE)
        })
        .await?;
    Ok(Json(
        rows.into_iter()
            .map(|r| AuditEvent {
                seq: r.seq,
                at: r.at,
                actor_id: r.actor_id,
                actor_role: r.actor_role,
                action: r.action,
                outcome: r.outcome,
                patient_id: r.patient_id,
                subject: r.subject,
                request_id: r.request_id,
                detail: serde_json::from_str(&r.detail).unwrap_or(serde_json::Value::Null),
                hash: r.hash,
            })
            .collect(),
    ))
}
