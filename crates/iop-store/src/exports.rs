//! FHIR bulk export jobs: the request, the progress, the outcome.

use crate::db::{DbConn, Result};
use crate::schema::fhir_exports;
use diesel::prelude::*;
use iop_domain::consent::RecipientKind;
use iop_domain::export::ExportStatus;
use iop_domain::ids::{ExportId, UserId};
use iop_domain::time::Instant;

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = fhir_exports)]
pub struct ExportRow {
    pub id: ExportId,
    pub requested_by: UserId,
    pub requested_at: Instant,
    /// `program/{id}` or `track/{id}` for a Group export; None for every patient.
    pub group_id: Option<String>,
    /// Comma-separated FHIR resource types, as asked (`_type`) or all the role may read.
    pub types: String,
    pub since: Option<Instant>,
    /// An outside recipient: the export is a disclosure through the gate.
    pub recipient_kind: Option<RecipientKind>,
    pub recipient_ref: Option<String>,
    pub recipient_name: Option<String>,
    pub status: ExportStatus,
    pub patients_total: i32,
    pub patients_done: i32,
    pub patients_left_out: i32,
    /// JSON: the files written, `[{"type": …, "count": …}]`.
    pub output: Option<String>,
    /// JSON: patients left out and why (staff only; never in the recipient's files).
    pub report: Option<String>,
    pub error: Option<String>,
    pub finished_at: Option<Instant>,
    pub expires_at: Option<Instant>,
}

pub fn insert(c: &mut DbConn, row: &ExportRow) -> Result<()> {
    diesel::insert_into(fhir_exports::table)
        .values(row)
        .execute(c)?;
    Ok(())
}

pub fn by_id(c: &mut DbConn, id: ExportId) -> Result<Option<ExportRow>> {
    Ok(fhir_exports::table
        .find(id)
        .select(ExportRow::as_select())
        .first(c)
        .optional()?)
}

/// The newest jobs first.
pub fn recent(c: &mut DbConn, limit: i64) -> Result<Vec<ExportRow>> {
    Ok(fhir_exports::table
        .order(fhir_exports::requested_at.desc())
        .limit(limit)
        .select(ExportRow::as_select())
        .load(c)?)
}

/// Moves a job from one status to another; false when it was not in `from` (another
/// writer moved it first, a cancellation say).
pub fn move_status(
    c: &mut DbConn,
    id: ExportId,
    from: &[ExportStatus],
    to: ExportStatus,
) -> Result<bool> {
    Ok(diesel::update(
        fhir_exports::table
            .find(id)
            .filter(fhir_exports::status.eq_any(from.to_vec())),
    )
    .set(fhir_exports::status.eq(to))
    .execute(c)?
        == 1)
}

pub fn set_progress(
    c: &mut DbConn,
    id: ExportId,
    total: i32,
    done: i32,
    left_out: i32,
) -> Result<()> {
    diesel::update(fhir_exports::table.find(id))
        .set((
            fhir_exports::patients_total.eq(total),
            fhir_exports::patients_done.eq(done),
            fhir_exports::patients_left_out.eq(left_out),
        ))
        .execute(c)?;
    Ok(())
}

/// The end of a running job (complete or failed), unless it was cancelled meanwhile.
pub fn finish(c: &mut DbConn, row: &ExportRow) -> Result<bool> {
    Ok(diesel::update(
        fhir_exports::table
            .find(row.id)
            .filter(fhir_exports::status.eq(ExportStatus::Running)),
    )
    .set((
        fhir_exports::status.eq(row.status),
        fhir_exports::output.eq(&row.output),
        fhir_exports::report.eq(&row.report),
        fhir_exports::error.eq(&row.error),
        fhir_exports::finished_at.eq(row.finished_at),
        fhir_exports::expires_at.eq(row.expires_at),
        fhir_exports::patients_done.eq(row.patients_done),
        fhir_exports::patients_left_out.eq(row.patients_left_out),
    ))
    .execute(c)?
        == 1)
}

/// Complete jobs whose files are due for removal at `now`.
pub fn due_for_removal(c: &mut DbConn, now: Instant) -> Result<Vec<ExportId>> {
    Ok(fhir_exports::table
        .filter(fhir_exports::status.eq(ExportStatus::Complete))
        .filter(fhir_exports::expires_at.le(now))
        .select(fhir_exports::id)
        .load(c)?)
}

/// Jobs a stopped server left queued or running: they will not finish.
pub fn unfinished(c: &mut DbConn) -> Result<Vec<ExportId>> {
    Ok(fhir_exports::table
        .filter(fhir_exports::status.eq_any(vec![ExportStatus::Queued, ExportStatus::Running]))
        .select(fhir_exports::id)
        .load(c)?)
}

pub fn set_error(c: &mut DbConn, id: ExportId, error: &str) -> Result<()> {
    diesel::update(fhir_exports::table.find(id))
        .set(fhir_exports::error.eq(error))
        .execute(c)?;
    Ok(())
}

/// How many of an account's jobs are queued or running.
pub fn unfinished_of(c: &mut DbConn, user: UserId) -> Result<i64> {
    Ok(fhir_exports::table
        .filter(fhir_exports::requested_by.eq(user))
        .filter(fhir_exports::status.eq_any(vec![ExportStatus::Queued, ExportStatus::Running]))
        .count()
        .get_result(c)?)
}
