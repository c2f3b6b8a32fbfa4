//! The group note: one shared narrative and an entry per attendee, signing (which
//! locks it) and addenda. Signed notes are never edited.

use super::roster::{load_roster, RosterLine};
use crate::audit::{record, Event};
use crate::ctx::Ctx;
use crate::error::{AppError, Result};
use crate::input::{draft_line, draft_lines, lines};
use crate::policy::Action;
use crate::App;
use iop_domain::ids::{ActorRef, AddendumId, NoteEntryId, NoteId, PatientId, SessionId, UserId};
use iop_domain::notes::NoteStatus;
use iop_domain::time::Instant;
use iop_store::clinical::record::{self as store, AddendumRow, GroupNoteRow, NoteEntryRow};
use iop_store::DbConn;

pub struct NoteInput {
    pub topic: String,
    pub interventions: String,
    pub group_process: String,
    /// (patient id, participation, progress toward a treatment-plan goal)
    pub entries: Vec<(PatientId, String, String)>,
}

impl NoteInput {
    /// The note with its texts trimmed and their lengths checked.
    pub(crate) fn checked(self) -> Result<NoteInput> {
        Ok(NoteInput {
            topic: draft_line(&self.topic, 200, "the topic")?,
            interventions: draft_lines(&self.interventions, 4000, "the interventions")?,
            group_process: draft_lines(&self.group_process, 4000, "the group process")?,
            entries: self.entries,
        })
    }
}

/// Saves the draft in the caller's transaction: (note id, entries written).
pub(crate) fn save_note_in(
    c: &mut DbConn,
    ctx: &Ctx,
    session_id: SessionId,
    n: &NoteInput,
) -> Result<(NoteId, usize)> {
    let actor = ctx.actor_ref();
    let roster = load_roster(c, session_id)?;
    let attending: Vec<&RosterLine> = roster
        .lines
        .iter()
        .filter(|l| l.mark.is_some_and(|m| !m.is_absent()))
        .collect();
    let now = Instant(ctx.now());
    // The stored row, not the roster's view: a draft is updated as stored.
    let note = match store::note_of_session(c, session_id)? {
        Some(n) if n.status == NoteStatus::Signed => {
            return Err(AppError::Conflict(
                "the group note is signed and cannot change; add an addendum".into(),
            ));
        }
        Some(mut existing) => {
            existing.topic = n.topic.clone();
            existing.interventions = n.interventions.clone();
            existing.group_process = n.group_process.clone();
            existing.updated_at = now;
            if !store::update_draft(c, &existing)? {
                return Err(AppError::Conflict(
                    "the group note was signed meanwhile".into(),
                ));
            }
            existing
        }
        None => {
            let row = GroupNoteRow {
                id: NoteId::new_v7(),
                session_id,
                topic: n.topic.clone(),
                interventions: n.interventions.clone(),
                group_process: n.group_process.clone(),
                status: NoteStatus::Draft,
                author_id: actor,
                signed_by: None,
                signed_at: None,
                created_at: now,
                updated_at: now,
                cosign_required: false,
                cosigned_by: None,
                cosigned_at: None,
            };
            store::insert_note(c, &row)?;
            row
        }
    };
    let mut rows = Vec::new();
    for (patient, participation, progress) in &n.entries {
        if participation.trim().is_empty() && progress.trim().is_empty() {
            continue;
        }
        if !attending.iter().any(|l| l.patient_id == *patient) {
            return Err(AppError::Invalid(format!(
                "patient {patient} was not marked as attending, so gets no entry"
            )));
        }
        rows.push(NoteEntryRow {
            id: NoteEntryId::new_v7(),
            note_id: note.id,
            patient_id: *patient,
            participation: draft_lines(participation, 2000, "participation")?,
            progress: draft_lines(progress, 2000, "progress")?,
        });
    }
    store::replace_entries(c, note.id, &rows)?;
    Ok((note.id, rows.len()))
}

pub(crate) struct Signed {
    pub note_id: NoteId,
    pub similar_accepted: bool,
}

/// Signs the note in the caller's transaction; every refusal comes before any write.
pub(crate) fn sign_in(
    c: &mut DbConn,
    ctx: &Ctx,
    session_id: SessionId,
    accept_similar: bool,
) -> Result<Signed> {
    let actor = ctx.actor_ref();
    let roster = load_roster(c, session_id)?;
    let note = roster
        .note
        .clone()
        .ok_or_else(|| AppError::Conflict("write the group note before signing it".into()))?;
    if note.status == NoteStatus::Signed {
        return Err(AppError::Conflict(
            "the group note is already signed".into(),
        ));
    }
    if ctx.now() < roster.session.ends_at {
        return Err(AppError::Invalid(format!(
            "a group note is signed after the group ends, at {}",
            super::when::wall_time(&roster.session.time_zone, roster.session.ends_at)
        )));
    }
    if note.topic.is_empty() || note.interventions.is_empty() || note.group_process.is_empty() {
        return Err(AppError::Invalid(
            "the shared narrative needs a topic, the interventions and the group process".into(),
        ));
    }
    let missing: Vec<&str> = roster
        .lines
        .iter()
        .filter(|l| l.mark.is_some_and(|m| !m.is_absent()) && l.participation.is_empty())
        .map(|l| l.mrn.as_str())
        .collect();
    if !missing.is_empty() {
        return Err(AppError::Invalid(format!(
            "every attendee needs an entry; missing for {}",
            missing.join(", ")
        )));
    }
    if !roster.similar_entries.is_empty() && !accept_similar {
        return Err(AppError::Conflict(format!(
            "{} pair(s) of entries read as copies of each other; make each entry about the person, or confirm that they are right",
            roster.similar_entries.len()
        )));
    }
    let cosign = crate::clinical::cosign::author_needs_cosign(c, ctx)?;
    if !store::sign(c, note.id, actor, Instant(ctx.now()), cosign)? {
        return Err(AppError::Conflict(
            "the group note is already signed".into(),
        ));
    }
    Ok(Signed {
        note_id: note.id,
        similar_accepted: accept_similar && !roster.similar_entries.is_empty(),
    })
}

impl App {
    /// Saves the draft note. Entries go only to patients marked as attending.
    pub fn save_group_note(
        &self,
        ctx: &Ctx,
        session_id: SessionId,
        n: NoteInput,
    ) -> Result<NoteId> {
        ctx.require(Action::RecordAttendance)?;
        let n = n.checked()?;
        self.store.write(|c| {
            crate::scope::require_session(c, ctx, session_id)?;
            let (note_id, entries) = save_note_in(c, ctx, session_id, &n)?;
            let subject = format!("note:{note_id}");
            record(
                c,
                ctx,
                Event::ok("clinical.note.save")
                    .subject(&subject)
                    .detail(serde_json::json!({ "entries": entries })),
            )?;
            Ok(note_id)
        })
    }

    /// Signs the note: it is locked from then on. Refused while an attendee has no entry,
    /// and, unless `accept_similar`, while entries read as copies of each other.
    pub fn sign_group_note(
        &self,
        ctx: &Ctx,
        session_id: SessionId,
        accept_similar: bool,
    ) -> Result<()> {
        ctx.require(Action::RecordAttendance)?;
        self.store.write(|c| {
            crate::scope::require_session(c, ctx, session_id)?;
            let signed = sign_in(c, ctx, session_id, accept_similar)?;
            let subject = format!("note:{}", signed.note_id);
            record(
                c,
                ctx,
                Event::ok("clinical.note.sign")
                    .subject(&subject)
                    .detail(serde_json::json!({ "similar_accepted": signed.similar_accepted })),
            )
        })
    }

    /// A correction or late entry on a signed note: shown with its author and time.
    pub fn add_addendum(&self, ctx: &Ctx, note_id: NoteId, body: &str) -> Result<()> {
        ctx.require(Action::RecordAttendance)?;
        let body = lines(body, 4000, "the addendum")?;
        let actor = ctx
            .actor()
            .ok_or(AppError::Forbidden("add an addendum without an account"))?
            .clone();
        self.store.write(|c| {
            let note = store::note_by_id(c, note_id)?
                .ok_or_else(|| AppError::NotFound(format!("note {note_id}")))?;
            crate::scope::require_session(c, ctx, note.session_id)?;
            if note.status != NoteStatus::Signed {
                return Err(AppError::Conflict("a draft is edited, not amended".into()));
            }
            store::insert_addendum(
                c,
                &AddendumRow {
                    id: AddendumId::new_v7(),
                    note_id,
                    author_id: actor.user_id,
                    author_name: actor.display_name.clone(),
                    text: body,
                    created_at: Instant(ctx.now()),
                },
            )?;
            let subject = format!("note:{note_id}");
            record(
                c,
                ctx,
                Event::ok("clinical.note.addendum").subject(&subject),
            )
        })
    }
}

crate::view::view!(
/// A group note: the shared narrative, where it stands, who signed and co-signed it.
GroupNote from GroupNoteRow {
    id: NoteId,
    session_id: SessionId,
    topic: String,
    interventions: String,
    group_process: String,
    status: NoteStatus,
    author_id: ActorRef,
    signed_by: Option<ActorRef>,
    signed_at: Option<Instant>,
    created_at: Instant,
    updated_at: Instant,
    cosign_required: bool,
    cosigned_by: Option<UserId>,
    cosigned_at: Option<Instant>,
});

crate::view::view!(
/// An addendum to a signed note, with its author and time.
Addendum from AddendumRow {
    id: AddendumId,
    note_id: NoteId,
    author_id: UserId,
    author_name: String,
    text: String,
    created_at: Instant,
});
