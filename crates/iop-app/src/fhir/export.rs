//! Bulk export (FHIR Bulk Data Access IG): a job asked for with a staff token, run in the
//! background with the asker's role and caseload, written as NDJSON files per resource
//! type, polled for, downloaded, and removed after `KEEP_FILES`. An export for an outside
//! recipient is a disclosure: each patient goes through the gate (`export_run.rs`).

use crate::audit::{record, Event};
use crate::ctx::Ctx;
use crate::error::{AppError, Result};
use crate::policy::Action;
use crate::App;
use iop_domain::consent::{Recipient, RecipientClass};
use iop_domain::export::ExportStatus;
use iop_domain::ids::{ExportId, PayerId, ProgramId, TrackId};
use iop_domain::time::Instant;
use iop_store::exports::{self as store, ExportRow};
use jiff::{SignedDuration, Timestamp};
use std::path::PathBuf;

/// The resource types an export writes, in the order written, with the action a role
/// needs to read each.
pub const EXPORT_TYPES: &[(&str, Action)] = &[
    ("Patient", Action::FhirReadPatient),
    ("EpisodeOfCare", Action::ReadClinical),
    ("Condition", Action::FhirReadPatient),
    ("Encounter", Action::ReadClinical),
    ("Observation", Action::ReadClinical),
    ("QuestionnaireResponse", Action::ReadClinical),
    ("CarePlan", Action::ReadClinical),
    ("Goal", Action::ReadClinical),
    ("Coverage", Action::ManageCoverage),
    ("Consent", Action::ManageConsents),
    ("RelatedPerson", Action::ManageConsents),
    ("Practitioner", Action::ViewOrganisation),
    ("PractitionerRole", Action::ViewOrganisation),
    ("Organization", Action::ViewOrganisation),
    ("Location", Action::ViewOrganisation),
];

/// The directory's types: written for the staff and sites the patients' resources name,
/// never an export by themselves.
pub const DIRECTORY_TYPES: &[&str] = &[
    "Practitioner",
    "PractitionerRole",
    "Organization",
    "Location",
];

/// How long an export's files are kept after it completes.
pub const KEEP_FILES: SignedDuration = SignedDuration::from_hours(24);

/// An outside party an export is meant for.
#[derive(Clone, Debug)]
pub enum ExportRecipient {
    /// A payer on file (`recipient=Payer/{id}`).
    Payer(PayerId),
    /// A named party of a class consents name (`recipient=Class/treating_providers`
    /// with `recipientName=`).
    Class { class: RecipientClass, name: String },
}

/// What a kick-off asks for.
#[derive(Clone, Debug, Default)]
pub struct ExportRequest {
    /// `Group/{id}`: a program's or a track's id.
    pub group: Option<String>,
    /// `_type`, when sent.
    pub types: Option<Vec<String>>,
    /// `_since`.
    pub since: Option<Timestamp>,
    pub recipient: Option<ExportRecipient>,
}

/// Whose patients a Group export covers.
#[derive(Clone, Copy, Debug)]
pub(super) enum GroupOf {
    Program(ProgramId),
    Track(TrackId),
}

pub(super) fn group_of(raw: &str) -> Option<GroupOf> {
    let (kind, id) = raw.split_once('/')?;
    match kind {
        "program" => id.parse().ok().map(GroupOf::Program),
        "track" => id.parse().ok().map(GroupOf::Track),
        _ => None,
    }
}

/// The gate's recipient of a stored job, and the name the log gives it.
pub(super) fn recipient_of(row: &ExportRow) -> Option<(Recipient, String)> {
    let name = row.recipient_name.clone().unwrap_or_default();
    match (row.recipient_kind?, row.recipient_ref.as_deref()?) {
        (iop_domain::consent::RecipientKind::Payer, id) => {
            Some((Recipient::Payer(id.parse().ok()?), name))
        }
        (iop_domain::consent::RecipientKind::Outside, class) => Some((
            Recipient::Outside {
                class: class.parse().ok()?,
                name: name.clone(),
            },
            name,
        )),
        _ => None,
    }
}

impl App {
    /// `GET /fhir/r4/Patient/$export` or `Group/{id}/$export`: records the job (queued)
    /// and answers its id; the caller then runs `run_export` in the background.
    pub fn start_export(&self, ctx: &Ctx, req: ExportRequest) -> Result<ExportId> {
        let actor = ctx
            .actor()
            .ok_or_else(|| AppError::Unauthenticated("sign in to export".into()))?
            .clone();
        let types: Vec<&'static str> = match &req.types {
            Some(asked) => {
                let mut types = Vec::new();
                for t in asked {
                    let (name, action) =
                        EXPORT_TYPES.iter().find(|(n, _)| n == t).ok_or_else(|| {
                            AppError::Invalid(format!("_type: {t} is not exported by this server"))
                        })?;
                    ctx.require(*action)?;
                    if !types.contains(name) {
                        types.push(*name);
                    }
                }
                types
            }
            None => EXPORT_TYPES
                .iter()
                .filter(|(_, a)| crate::policy::allows(actor.role, *a))
                .map(|(n, _)| *n)
                .collect(),
        };
        // The directory alone is no patient export.
        if types.iter().all(|t| DIRECTORY_TYPES.contains(t)) {
            return Err(AppError::Forbidden("export any patient's records"));
        }
        let (recipient_kind, recipient_ref, recipient_name) = match &req.recipient {
            None => (None, None, None),
            Some(r) => {
                ctx.require(Action::DiscloseRecords)?;
                match r {
                    ExportRecipient::Payer(id) => {
                        let mut c = self.store.conn()?;
                        let payer = iop_store::billing::all_payers(&mut c)?
                            .into_iter()
                            .find(|p| p.id == *id)
                            .ok_or_else(|| AppError::NotFound(format!("payer {id}")))?;
                        let kind = iop_domain::consent::RecipientKind::Payer;
                        (Some(kind), Some(id.to_string()), Some(payer.name))
                    }
                    ExportRecipient::Class { class, name } => {
                        let name = crate::input::line(
                            name,
                            120,
                            "recipientName (who receives the export)",
                        )?;
                        let kind = iop_domain::consent::RecipientKind::Outside;
                        (Some(kind), Some(class.to_string()), Some(name))
                    }
                }
            }
        };
        let id = ExportId::new_v7();
        self.store.write(|c| {
            // One export at a time per account: a whole-record job is heavy (Bulk Data
            // lets a server answer 429 to a client that asks for more).
            if store::unfinished_of(c, actor.user_id)? > 0 {
                return Err(AppError::Throttled {
                    retry_after_secs: 30,
                });
            }
            let group_id = match &req.group {
                None => None,
                Some(raw) => Some(resolve_group(c, raw)?),
            };
            let row = ExportRow {
                id,
                requested_by: actor.user_id,
                requested_at: Instant(ctx.now()),
                group_id,
                types: types.join(","),
                since: req.since.map(Instant),
                recipient_kind,
                recipient_ref,
                recipient_name,
                status: ExportStatus::Queued,
                patients_total: 0,
                patients_done: 0,
                patients_left_out: 0,
                output: None,
                report: None,
                error: None,
                finished_at: None,
                expires_at: None,
            };
            store::insert(c, &row)?;
            let subject = format!("export:{id}");
            record(
                c,
                ctx,
                Event::ok("fhir.export.start")
                    .subject(&subject)
                    .detail(serde_json::json!({
                        "types": row.types,
                        "group": row.group_id,
                        "since": row.since,
                        "recipient": row.recipient_kind,
                    })),
            )?;
            Ok(id)
        })
    }

    /// A job, for the one who asked for it (no one else sees another's export).
    pub fn export_job(&self, ctx: &Ctx, id: ExportId) -> Result<ExportRow> {
        let mut c = self.store.conn()?;
        let row = store::by_id(&mut c, id)?
            .filter(|r| ctx.account_id() == Some(r.requested_by))
            .ok_or_else(|| AppError::NotFound(format!("export {id}")))?;
        Ok(row)
    }

    /// The file of one resource type of a complete export, to stream to the asker. The
    /// download is audited.
    pub fn export_file(&self, ctx: &Ctx, id: ExportId, kind: &str) -> Result<PathBuf> {
        let row = self.export_job(ctx, id)?;
        // The role is asked again at download: one taken away since the kick-off holds
        // (for a disclosure, the right to release records too).
        if let Some((_, action)) = EXPORT_TYPES.iter().find(|(t, _)| *t == kind) {
            ctx.require(*action)?;
        }
        if row.recipient_kind.is_some() {
            ctx.require(Action::DiscloseRecords)?;
        }
        let listed = row.output.as_deref().is_some_and(|o| {
            serde_json::from_str::<Vec<(String, u64)>>(o)
                .is_ok_and(|files| files.iter().any(|(t, _)| t == kind))
        });
        let now = Instant(self.settings.clock.now());
        let kept = row.expires_at.is_some_and(|e| now < e);
        if row.status != ExportStatus::Complete || !listed || !kept {
            return Err(AppError::NotFound(format!("file {kind} of export {id}")));
        }
        let path = self.export_dir(id).join(format!("{kind}.ndjson"));
        self.store.write(|c| {
            let subject = format!("export:{id}/{kind}");
            record(c, ctx, Event::ok("fhir.export.download").subject(&subject))
        })?;
        Ok(path)
    }

    /// `DELETE` of a job: stops it (at its next chunk) and removes its files.
    pub fn cancel_export(&self, ctx: &Ctx, id: ExportId) -> Result<()> {
        let row = self.export_job(ctx, id)?;
        // Nothing to stop or remove: answered alike, and no cancellation is recorded.
        if matches!(
            row.status,
            ExportStatus::Cancelled | ExportStatus::Expired | ExportStatus::Failed
        ) {
            return Ok(());
        }
        self.store.write(|c| {
            let from = [
                ExportStatus::Queued,
                ExportStatus::Running,
                ExportStatus::Complete,
            ];
            store::move_status(c, id, &from, ExportStatus::Cancelled)?;
            let subject = format!("export:{id}");
            record(c, ctx, Event::ok("fhir.export.cancel").subject(&subject))
        })?;
        self.remove_export_files(id);
        Ok(())
    }

    /// Removes the files of exports kept past `KEEP_FILES`, and marks jobs a stopped
    /// server left unfinished as failed. Run at start-up and when a job is asked about.
    pub fn sweep_exports(&self, at_start: bool) -> Result<()> {
        let now = Instant(self.settings.clock.now());
        let (due, stale) = self.store.read(|c| -> Result<_> {
            let stale = if at_start {
                store::unfinished(c)?
            } else {
                Vec::new()
            };
            Ok((store::due_for_removal(c, now)?, stale))
        })?;
        for id in due {
            self.store.write(|c| {
                store::move_status(c, id, &[ExportStatus::Complete], ExportStatus::Expired)
            })?;
            self.remove_export_files(id);
        }
        for id in stale {
            self.store.write(|c| -> Result<()> {
                let from = [ExportStatus::Queued, ExportStatus::Running];
                if store::move_status(c, id, &from, ExportStatus::Failed)? {
                    store::set_error(c, id, "the server stopped before the export finished")?;
                }
                Ok(())
            })?;
            self.remove_export_files(id);
        }
        Ok(())
    }

    /// The latest exports with their progress, for the admin page (counts, no names
    /// of patients).
    pub fn recent_exports(&self, ctx: &Ctx) -> Result<Vec<ExportSummary>> {
        ctx.require(Action::ViewAuditLog)?;
        self.store.read(|c| {
            let users = iop_store::accounts::users::list(c)?;
            Ok(store::recent(c, 30)?
                .iter()
                .map(|r| summary(ctx, r, &users))
                .collect())
        })
    }

    /// The asker's report of an export: its files and the patients left out with the
    /// gate's reason (never in the recipient's files). Reading the names is audited.
    pub fn export_report(&self, ctx: &Ctx, id: ExportId) -> Result<ExportReport> {
        let row = self.export_job(ctx, id)?;
        self.store.read_audited(|c| {
            let users = iop_store::accounts::users::list(c)?;
            let reasons: Vec<(iop_domain::ids::PatientId, String)> = row
                .report
                .as_deref()
                .and_then(|r| serde_json::from_str(r).ok())
                .unwrap_or_default();
            let ids: Vec<_> = reasons.iter().map(|(p, _)| *p).collect();
            let names = iop_store::admissions::episodes::patients_by_ids(c, &ids)?;
            let left_out = reasons
                .into_iter()
                .map(|(patient_id, reason)| LeftOut {
                    patient_id,
                    name: names
                        .iter()
                        .find(|p| p.id == patient_id)
                        .map(|p| p.shown_name())
                        .unwrap_or_default(),
                    reason,
                })
                .collect::<Vec<_>>();
            let subject = format!("export:{id}");
            for l in &left_out {
                let mut event = Event::ok("fhir.export.report").subject(&subject);
                event.patient_id = Some(l.patient_id);
                record(c, ctx, event)?;
            }
            Ok(ExportReport {
                summary: summary(ctx, &row, &users),
                files: row
                    .output
                    .as_deref()
                    .and_then(|o| serde_json::from_str(o).ok())
                    .unwrap_or_default(),
                left_out,
            })
        })
    }

    pub(super) fn export_dir(&self, id: ExportId) -> PathBuf {
        self.settings.exports_dir.join(id.to_string())
    }

    pub(super) fn remove_export_files(&self, id: ExportId) {
        let dir = self.export_dir(id);
        if let Err(e) = std::fs::remove_dir_all(&dir) {
            if e.kind() != std::io::ErrorKind::NotFound {
                tracing::warn!(export = %id, error = %e, "could not remove an export's files");
            }
        }
    }
}

/// One export as the admin page lists it.
#[derive(Clone, Debug)]
pub struct ExportSummary {
    pub id: ExportId,
    pub requested_at: Instant,
    pub requested_by: String,
    /// Whether the reader asked for it (only they see its report).
    pub mine: bool,
    pub types: String,
    pub group: Option<String>,
    pub recipient: Option<String>,
    pub status: ExportStatus,
    pub patients_total: i32,
    pub patients_done: i32,
    pub patients_left_out: i32,
    pub expires_at: Option<Instant>,
    pub error: Option<String>,
}

/// A patient an outside export left out, and why.
#[derive(Clone, Debug)]
pub struct LeftOut {
    pub patient_id: iop_domain::ids::PatientId,
    pub name: String,
    pub reason: String,
}

/// The asker's report of one export.
#[derive(Clone, Debug)]
pub struct ExportReport {
    pub summary: ExportSummary,
    pub files: Vec<(String, u64)>,
    pub left_out: Vec<LeftOut>,
}

fn summary(
    ctx: &Ctx,
    r: &ExportRow,
    users: &[iop_store::accounts::users::UserRow],
) -> ExportSummary {
    ExportSummary {
        id: r.id,
        requested_at: r.requested_at,
        requested_by: users
            .iter()
            .find(|u| u.id == r.requested_by)
            .map(|u| u.display_name.clone())
            .unwrap_or_default(),
        mine: ctx.account_id() == Some(r.requested_by),
        types: r.types.replace(',', ", "),
        group: r.group_id.as_ref().map(|g| {
            if g.starts_with("track/") {
                "a track".to_string()
            } else {
                "a program".to_string()
            }
        }),
        recipient: r.recipient_name.clone(),
        status: r.status,
        patients_total: r.patients_total,
        patients_done: r.patients_done,
        patients_left_out: r.patients_left_out,
        expires_at: r.expires_at,
        error: r.error.clone(),
    }
}

/// `Group/{id}`: a program's or a track's id, stored as `program/{id}` or `track/{id}`.
fn resolve_group(c: &mut iop_store::DbConn, raw: &str) -> Result<String> {
    let not_found = || AppError::NotFound(format!("group {raw} (a program's or a track's id)"));
    if let Ok(p) = raw.parse::<ProgramId>() {
        if iop_store::org::program_by_id(c, p)?.is_some() {
            return Ok(format!("program/{p}"));
        }
    }
    if let Ok(t) = raw.parse::<TrackId>() {
        if iop_store::org::all_tracks(c)?.iter().any(|x| x.id == t) {
            return Ok(format!("track/{t}"));
        }
    }
    Err(not_found())
}
