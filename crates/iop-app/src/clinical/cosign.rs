//! Co-signature: notes written by staff under supervision are signed by them and then
//! co-signed by a clinical director. The note stays locked throughout.

use crate::audit::{record, Event};
use crate::ctx::Ctx;
use crate::error::{AppError, Result};
use crate::policy::Action;
use crate::App;
use iop_domain::ids::*;
use iop_domain::ids::{ActorRef, NoteId};
use iop_domain::time::{Day, Instant};
use iop_store::{
    admissions::episodes, calendar as cal, clinical::individual, clinical::record as clinical,
    DbConn,
};

#[derive(Clone, Debug, serde::Serialize, utoipa::ToSchema)]
pub struct AwaitingCosign {
    /// "group" or "individual".
    pub kind: &'static str,
    pub note_id: String,
    pub date: Day,
    pub author_id: ActorRef,
    /// The author's name, as their account has it.
    pub author: String,
    /// The group ("Core group, Mon/Tue/Thu") or, for an individual note, "Individual session".
    pub about: String,
    /// The patient of an individual note ("Name (MRN)"); a group note has a roster.
    pub patient: Option<String>,
    pub signed_at: Option<Instant>,
    /// Where the note is read: the session or the patient's chart.
    pub link: String,
}

/// A note that can wait for a co-signature: a group note or an individual one.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CosignNote {
    Group(NoteId),
    Individual(IndividualNoteId),
}

impl std::fmt::Display for CosignNote {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            CosignNote::Group(id) => id.fmt(f),
            CosignNote::Individual(id) => id.fmt(f),
        }
    }
}

/// Whether the note's author must have it co-signed (their staff profile says so).
pub(crate) fn author_needs_cosign(c: &mut DbConn, ctx: &Ctx) -> Result<bool> {
    match ctx.actor() {
        Some(a) => Ok(cal::staff_by_user(c, a.user_id)?.is_some_and(|s| s.requires_cosign)),
        None => Ok(false),
    }
}

/// Who wrote a note, by name.
pub(crate) fn author_name(c: &mut DbConn, who: ActorRef) -> Result<String> {
    Ok(match who {
        ActorRef::User(id) => iop_store::accounts::users::by_id(c, id)?
            .map_or_else(|| "a former account".into(), |u| u.display_name),
        ActorRef::System => "the system".into(),
    })
}

/// "Core group, Mon/Tue/Thu": a group as staff name it.
pub(crate) fn group_name(c: &mut DbConn, session: SessionId) -> Result<String> {
    let Some(s) = cal::session_by_id(c, session)? else {
        return Ok("A group".into());
    };
    let kind = match s.kind {
        iop_domain::calendar::SessionKind::Core => "Core group",
        iop_domain::calendar::SessionKind::Family => "Family group",
        iop_domain::calendar::SessionKind::Alumni => "Alumni group",
    };
    let track = match s.track_id {
        Some(t) => iop_store::org::tracks_of(c, s.program_id)?
            .into_iter()
            .find(|r| r.id == t)
            .map(|r| format!(", {}", r.name)),
        None => None,
    };
    Ok(format!("{kind}{}", track.unwrap_or_default()))
}

impl App {
    /// Signed notes still waiting for a clinical director's co-signature, oldest first.
    pub fn notes_awaiting_cosign(&self, ctx: &Ctx) -> Result<Vec<AwaitingCosign>> {
        ctx.require(Action::CosignNotes)?;
        self.store.read_audited(|c| {
            let individual_notes = individual::awaiting_cosign(c)?;
            let patients: Vec<_> = individual_notes.iter().map(|(_, a)| a.patient_id).collect();
            let mut out = Vec::new();
            for (n, date) in clinical::notes_awaiting_cosign(c)? {
                out.push(AwaitingCosign {
                    kind: "group",
                    link: format!("/sessions/{}", n.session_id),
                    note_id: n.id.to_string(),
                    date,
                    author: author_name(c, n.author_id)?,
                    about: group_name(c, n.session_id)?,
                    patient: None,
                    author_id: n.author_id,
                    signed_at: n.signed_at,
                });
            }
            for (n, a) in individual_notes {
                let tz = crate::clock::patient_zone(c, a.patient_id)?;
                let patient = episodes::patient_by_id(c, a.patient_id)?
                    .map(|p| format!("{} {} ({})", p.legal_first_name, p.legal_last_name, p.mrn));
                out.push(AwaitingCosign {
                    kind: "individual",
                    link: format!("/patients/{}#individual", a.patient_id),
                    note_id: n.id.to_string(),
                    date: Day(crate::clock::date_in(&tz, a.starts_at.0)),
                    author: author_name(c, n.author_id)?,
                    about: "Individual session".into(),
                    patient,
                    author_id: n.author_id,
                    signed_at: n.signed_at,
                });
            }
            out.sort_by_key(|a| a.date);
            crate::audit::record_list(c, ctx, "cosign.queue.read", patients)?;
            Ok(out)
        })
    }

    /// A clinical director co-signs a signed note that awaits it; never their own.
    pub fn cosign_note(&self, ctx: &Ctx, note: CosignNote) -> Result<()> {
        ctx.require(Action::CosignNotes)?;
        let director = ctx
            .actor()
            .ok_or(AppError::Forbidden("co-sign without an account"))?
            .user_id;
        let at = Instant(ctx.now());
        let own =
            || AppError::Conflict("a note is co-signed by someone other than its author".into());
        let note_id = note.to_string();
        self.store.write(|c| {
            let done = match note {
                CosignNote::Group(id) => {
                    let n = clinical::note_by_id(c, id)?
                        .ok_or_else(|| AppError::NotFound(format!("note {id}")))?;
                    if n.author_id == ActorRef::User(director) {
                        return Err(own());
                    }
                    clinical::cosign(c, id, director, at)?
                }
                CosignNote::Individual(id) => {
                    let n = individual::note_by_id(c, id)?
                        .ok_or_else(|| AppError::NotFound(format!("note {id}")))?;
                    if n.author_id == ActorRef::User(director) {
                        return Err(own());
                    }
                    individual::cosign(c, id, director, at)?
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
