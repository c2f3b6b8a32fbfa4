//! Co-signature: notes written by staff under supervision are signed by them and then
//! co-signed by a clinical director. The note stays locked throughout.

use crate::audit::{record, Event};
use crate::ctx::Ctx;
use crate::error::{AppError, Result};
use crate::policy::Action;
use crate::App;
use iop_domain::ids::{ActorRef, NoteId};
use iop_domain::time::{Day, Instant};
use iop_store::{calendar as cal, clinical::individual, clinical::record as clinical, DbConn};

#[derive(Clone, Debug, serde::Serialize, utoipa::ToSchema)]
pub struct AwaitingCosign {
    /// "group" or "individual".
    pub kind: &'static str,
    pub note_id: String,
    pub date: Day,
    pub author_id: String,
    pub signed_at: Option<Instant>,
    /// Where the note is read: the session or the patient's chart.
    pub link: String,
}

/// Whether the note's author must have it co-signed (their staff profile says so).
pub(crate) fn author_needs_cosign(c: &mut DbConn, ctx: &Ctx) -> Result<bool> {
    match ctx.actor() {
        Some(a) => {
            Ok(cal::staff_by_user(c, &a.user_id.to_string())?.is_some_and(|s| s.requires_cosign))
        }
        None => Ok(false),
    }
}

impl App {
    /// Signed notes still waiting for a clinical director's co-signature, oldest first.
    pub fn notes_awaiting_cosign(&self, ctx: &Ctx) -> Result<Vec<AwaitingCosign>> {
        ctx.require(Action::CosignNotes)?;
        self.store.read(|c| {
            let mut out: Vec<AwaitingCosign> = clinical::notes_awaiting_cosign(c)?
                .into_iter()
                .map(|(n, date)| AwaitingCosign {
                    kind: "group",
                    link: format!("/sessions/{}", n.session_id),
                    note_id: n.id.to_string(),
                    date,
                    author_id: n.author_id.to_string(),
                    signed_at: n.signed_at,
                })
                .collect();
            out.extend(
                individual::awaiting_cosign(c)?
                    .into_iter()
                    .map(|(n, a)| AwaitingCosign {
                        kind: "individual",
                        link: format!("/patients/{}", a.patient_id),
                        note_id: n.id,
                        date: Day(a.starts_at.0.to_zoned(jiff::tz::TimeZone::UTC).date()),
                        author_id: n.author_id,
                        signed_at: n.signed_at,
                    }),
            );
            out.sort_by_key(|a| a.date);
            Ok(out)
        })
    }

    /// A clinical director co-signs a signed note that awaits it.
    pub fn cosign_note(&self, ctx: &Ctx, kind: &str, note_id: &str) -> Result<()> {
        ctx.require(Action::CosignNotes)?;
        let actor = ctx.actor_id_string().unwrap_or_else(|| "system".into());
        let at = Instant(ctx.now());
        self.store.write(|c| {
            let done = match kind {
                "group" => {
                    // Individual notes are not typed in the store yet, so the id
                    // arrives as text for both kinds; one that is no id is no note.
                    let id: NoteId = note_id
                        .parse()
                        .map_err(|_| AppError::NotFound(format!("note {note_id}")))?;
                    let n = clinical::note_by_id(c, id)?
                        .ok_or_else(|| AppError::NotFound(format!("note {note_id}")))?;
                    let director = ctx
                        .actor()
                        .ok_or(AppError::Forbidden("co-sign without an account"))?
                        .user_id;
                    if n.author_id == ActorRef::User(director) {
                        return Err(AppError::Conflict("a note is co-signed by someone other than its author".into()));
                    }
                    clinical::cosign(c, id, director, at)?
                }
                "individual" => individual::cosign(c, note_id, &actor, at)?,
                _ => {
                    return Err(AppError::Invalid(
                        "the kind of note is \"group\" or \"individual\"".into(),
                    ))
                }
            };
            if !done {
                return Err(AppError::Conflict(format!(
                    "note {note_id} is not waiting for a co-signature (not found, not signed, not needing one, or already co-signed)"
                )));
            }
            let subject = format!("note:{note_id}");
            record(c, ctx, Event::ok("clinical.note.cosign").subject(&subject))
        })
    }
}
