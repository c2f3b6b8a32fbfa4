//! The export job itself: patients a chunk at a time (each chunk one transaction with its
//! audit rows, and for an outside recipient its disclosures), each resource written as
//! one NDJSON line as it is made, so memory stays flat whatever the size of the record.

use super::export::{group_of, recipient_of, GroupOf, KEEP_FILES};
use super::export_lines::Referenced;
use crate::consent::disclosures::{disclose, recipient_parts, Outgoing, PatientGate};
use crate::ctx::Ctx;
use crate::error::{AppError, Result};
use crate::App;
use iop_domain::consent::{DisclosureChannel, InfoKind, Recipient};
use iop_domain::export::ExportStatus;
use iop_domain::ids::{ExportId, PatientId};
use iop_domain::time::Instant;
use iop_store::exports::{self as store, ExportRow};
use iop_store::DbConn;
use serde_json::Value;
use std::collections::BTreeMap;
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::Path;

/// Patients per transaction: small enough not to hold a snapshot (or SQLite's write
/// turn, for a disclosure) for long, large enough to keep round trips few.
const CHUNK: usize = 50;

/// The kind of information a resource type is, for the disclosure gate. The Patient
/// goes with whatever else is disclosed; counseling notes are never exported.
fn info_kind(resource_type: &str) -> Option<InfoKind> {
    match resource_type {
        "EpisodeOfCare" | "Encounter" => Some(InfoKind::Enrollment),
        "Observation" | "QuestionnaireResponse" | "CarePlan" | "Goal" => {
            Some(InfoKind::TreatmentProgress)
        }
        "Condition" | "Coverage" => Some(InfoKind::Billing),
        _ => None,
    }
}

/// One NDJSON file per resource type, opened when its first line is written.
pub(super) struct Files<'a> {
    dir: &'a Path,
    open: BTreeMap<&'static str, (BufWriter<File>, u64)>,
}

impl Files<'_> {
    pub(super) fn write(&mut self, kind: &'static str, resource: &Value) -> Result<()> {
        let io = |e: std::io::Error| AppError::Internal(format!("writing the export: {e}"));
        if !self.open.contains_key(kind) {
            let file = File::create(self.dir.join(format!("{kind}.ndjson"))).map_err(io)?;
            self.open.insert(kind, (BufWriter::new(file), 0));
        }
        if let Some((w, n)) = self.open.get_mut(kind) {
            serde_json::to_writer(&mut *w, resource)
                .map_err(|e| AppError::Internal(e.to_string()))?;
            w.write_all(b"\n").map_err(io)?;
            *n += 1;
        }
        Ok(())
    }

    fn finish(self) -> Result<Vec<(String, u64)>> {
        let mut out = Vec::new();
        for (kind, (mut w, n)) in self.open {
            w.flush()
                .map_err(|e| AppError::Internal(format!("writing the export: {e}")))?;
            out.push((kind.to_string(), n));
        }
        Ok(out)
    }
}

impl App {
    /// Runs a queued export with the asker's context (role, caseload). Its outcome is in
    /// the job's row: complete with its files, failed with the reason, or cancelled.
    pub fn run_export(&self, ctx: &Ctx, id: ExportId) -> Result<()> {
        let moved = self
            .store
            .write(|c| store::move_status(c, id, &[ExportStatus::Queued], ExportStatus::Running))?;
        if !moved {
            return Ok(());
        }
        // Whatever ends this run early (an error below, a panic), the job does not stay
        // "running" for its asker to poll forever.
        let guard = FailIfDropped { app: self, id };
        let row = self.export_job(ctx, id)?;
        let dir = self.export_dir(id);
        let outcome = create_private_dir(&dir).and_then(|()| self.write_export(ctx, &row, &dir));
        let now = Instant(self.settings.clock.now());
        let mut done = row.clone();
        done.finished_at = Some(now);
        match outcome {
            Ok(Some((output, report, patients, left_out))) => {
                done.status = ExportStatus::Complete;
                done.output = serde_json::to_string(&output).ok();
                done.report = serde_json::to_string(&report).ok();
                done.patients_done = patients;
                done.patients_left_out = left_out;
                done.expires_at = now.0.checked_add(KEEP_FILES).ok().map(Instant);
            }
            Ok(None) => {
                self.remove_export_files(id);
                std::mem::forget(guard);
                return Ok(());
            }
            Err(e) => {
                // Ids only: the error text goes to the asker and the log.
                tracing::warn!(export = %id, error = %e, "an export failed");
                done.status = ExportStatus::Failed;
                done.error = Some(e.to_string());
                self.remove_export_files(id);
            }
        }
        if !self.store.write(|c| store::finish(c, &done))? {
            // Cancelled while it ran: its files go.
            self.remove_export_files(id);
        }
        std::mem::forget(guard);
        Ok(())
    }

    /// Writes the files; None when the job was cancelled meanwhile. Answers the files,
    /// the staff report of patients left out (id, reason), and the counts.
    #[allow(clippy::type_complexity)]
    fn write_export(
        &self,
        ctx: &Ctx,
        row: &ExportRow,
        dir: &Path,
    ) -> Result<Option<(Vec<(String, u64)>, Vec<(PatientId, String)>, i32, i32)>> {
        let types: Vec<&'static str> = super::export::EXPORT_TYPES
            .iter()
            .map(|(t, _)| *t)
            .filter(|t| row.types.split(',').any(|x| x == *t))
            .collect();
        let recipient = recipient_of(row);
        let patients = self.store.read(|c| -> Result<Vec<PatientId>> {
            let mut ids = match row.group_id.as_deref().and_then(group_of) {
                None => iop_store::fhir::all_patient_ids(c)?,
                Some(GroupOf::Program(p)) => iop_store::fhir::patient_ids_of_program(c, p)?,
                Some(GroupOf::Track(t)) => iop_store::fhir::patient_ids_of_track(c, t)?,
            };
            let caseload = crate::scope::caseload(c, ctx)?;
            ids.retain(|p| caseload.contains(*p));
            Ok(ids)
        })?;
        let total = i32::try_from(patients.len()).unwrap_or(i32::MAX);
        let mut files = Files {
            dir,
            open: BTreeMap::new(),
        };
        let (mut report, mut refs, mut done) = (Vec::new(), Referenced::default(), 0i32);
        for chunk in patients.chunks(CHUNK) {
            let status = self
                .store
                .read(|c| store::by_id(c, row.id))?
                .map(|r| r.status);
            if status != Some(ExportStatus::Running) {
                return Ok(None);
            }
            // Each chunk asks the gate, and records, at its own moment: a consent revoked
            // while the export runs holds for every patient after it.
            let mut at = ctx.clone();
            at.meta.now = self.settings.clock.now();
            let ctx = &at;
            let mut one_chunk = |c: &mut DbConn| -> Result<()> {
                for &p in chunk {
                    let granted = match &recipient {
                        None => None,
                        Some((r, _)) => match granted_kinds(c, ctx, p, r, &types)? {
                            Ok(kinds) => Some(kinds),
                            Err(why) => {
                                // The reason is for staff: the audit log and the report.
                                let subject = format!("export:{}", row.id);
                                let mut event = crate::audit::Event::ok("fhir.export")
                                    .outcome(iop_domain::audit::Outcome::Denied)
                                    .subject(&subject)
                                    .detail(serde_json::json!({ "left_out": why }));
                                event.patient_id = Some(p);
                                crate::audit::record(c, ctx, event)?;
                                report.push((p, why));
                                continue;
                            }
                        },
                    };
                    let ctx_since = row.since.map(|s| s.0);
                    let written = super::export_lines::patient_lines(
                        c,
                        ctx,
                        p,
                        &types,
                        ctx_since,
                        granted.as_deref(),
                        &mut files,
                        &mut refs,
                    )?;
                    let wrote = written.any;
                    // The accounting names the kinds that went, not all that were asked.
                    let kinds: Vec<InfoKind> = written.kinds.into_iter().collect();
                    if let (Some(_), Some((r, name)), false) =
                        (&granted, &recipient, kinds.is_empty())
                    {
                        let subject = format!("fhir-export:{}", row.id);
                        disclose(
                            c,
                            ctx,
                            &Outgoing {
                                patient_id: p,
                                recipient: r,
                                recipient_name: name,
                                kinds: &kinds,
                                purpose: "records requested by the recipient (FHIR bulk export)",
                                channel: DisclosureChannel::Export,
                                subject: Some(&subject),
                                as_of: None,
                            },
                        )?;
                    }
                    let subject = format!("export:{}", row.id);
                    let mut event = crate::audit::Event::ok("fhir.export")
                        .subject(&subject)
                        .detail(serde_json::json!({ "written": wrote, "recipient": recipient.as_ref().map(|(r, _)| recipient_parts(r).0) }));
                    event.patient_id = Some(p);
                    crate::audit::record(c, ctx, event)?;
                }
                Ok(())
            };
            if recipient.is_some() {
                self.store.write(&mut one_chunk)?;
            } else {
                self.store.read_audited(&mut one_chunk)?;
            }
            done += i32::try_from(chunk.len()).unwrap_or(0);
            let left_out = i32::try_from(report.len()).unwrap_or(i32::MAX);
            self.store
                .write(|c| store::set_progress(c, row.id, total, done, left_out))?;
        }
        self.store
            .read(|c| super::export_lines::directory_lines(c, &types, &refs, &mut files))?;
        // The §2.32 notice goes with every export, as a file of its own.
        let notice = iop_interop::fhir::notice_document(
            &format!("{}-notice", row.id),
            iop_domain::consent::NOTICE,
            iop_domain::consent::NOTICE_VERSION,
            self.settings.clock.now(),
        );
        files.write("DocumentReference", &notice)?;
        let output = files.finish()?;
        let report: Vec<(PatientId, String)> = report;
        let left_out = i32::try_from(report.len()).unwrap_or(i32::MAX);
        Ok(Some((output, report, done - left_out, left_out)))
    }
}

/// The kinds the gate lets go to the recipient for this patient, among those the asked
/// types carry; the refusal's words when it lets none go.
fn granted_kinds(
    c: &mut DbConn,
    ctx: &Ctx,
    patient: PatientId,
    recipient: &Recipient,
    types: &[&str],
) -> Result<std::result::Result<Vec<InfoKind>, String>> {
    let gate = PatientGate::load(c, patient, ctx.now())?;
    let mut kinds: Vec<InfoKind> = Vec::new();
    let mut refusals = Vec::new();
    for kind in types.iter().filter_map(|t| info_kind(t)) {
        if kinds.contains(&kind) {
            continue;
        }
        match gate.ask(recipient, kind) {
            Ok(_) => kinds.push(kind),
            Err(why) => refusals.push(format!("{}: {why}", kind.describe())),
        }
    }
    if kinds.is_empty() {
        let why = if refusals.is_empty() {
            "nothing asked for is disclosed to an outside party".to_string()
        } else {
            refusals.join("; ")
        };
        return Ok(Err(why));
    }
    Ok(Ok(kinds))
}

/// Marks a running job failed when dropped before the run disarms it (`forget`).
struct FailIfDropped<'a> {
    app: &'a App,
    id: ExportId,
}

impl Drop for FailIfDropped<'_> {
    fn drop(&mut self) {
        let id = self.id;
        let failed = self.app.store.write(|c| -> Result<()> {
            if store::move_status(c, id, &[ExportStatus::Running], ExportStatus::Failed)? {
                store::set_error(c, id, "the export stopped before it finished")?;
            }
            Ok(())
        });
        if let Err(e) = failed {
            tracing::warn!(export = %id, error = %e, "could not mark a stopped export failed");
        }
        self.app.remove_export_files(id);
    }
}

/// The job's directory, readable by the service's account alone.
fn create_private_dir(dir: &Path) -> Result<()> {
    let io =
        |e: std::io::Error| AppError::Internal(format!("cannot create the export directory: {e}"));
    std::fs::create_dir_all(dir).map_err(io)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        if let Some(parent) = dir.parent() {
            std::fs::set_permissions(parent, std::fs::Permissions::from_mode(0o700)).map_err(io)?;
        }
        std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700)).map_err(io)?;
    }
    Ok(())
}
