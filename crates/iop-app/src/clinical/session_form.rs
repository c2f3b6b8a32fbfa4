//! The facilitator's session form as one use case: attendance, the relatives at a
//! family group, the draft note and, if asked, its signature, in one transaction with
//! one audit entry.

use crate::audit::{record, Event};
use crate::clinical::attendance::{attendance_in, MarkInput};
use crate::clinical::notes::{save_note_in, sign_in, NoteInput};
use crate::consent::family::family_attendance_in;
use crate::ctx::Ctx;
use crate::error::{AppError, Result};
use crate::policy::Action;
use crate::App;
use iop_domain::ids::*;
use iop_domain::ids::{NoteId, SessionId};

/// Everything the session page sends in one save.
pub struct SessionForm {
    pub marks: Vec<MarkInput>,
    /// (related person id, present) for a family group.
    pub family: Vec<(RelatedPersonId, bool)>,
    pub note: NoteInput,
    /// Sign the note after saving it.
    pub sign: bool,
    /// Sign even though some entries read as copies of each other.
    pub accept_similar: bool,
}

/// What a save did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionSaved {
    pub note_id: NoteId,
    pub signed: bool,
    /// Why the note was saved as a draft but not signed: the attendance and the draft
    /// stand, so the facilitator fixes what is said and signs again.
    pub sign_refused: Option<String>,
}

impl App {
    /// Saves the whole form. A refusal of the attendance, the relatives or the draft
    /// changes nothing; a refused signature leaves the saved draft and says why.
    pub fn save_session(
        &self,
        ctx: &Ctx,
        session_id: SessionId,
        form: SessionForm,
    ) -> Result<SessionSaved> {
        ctx.require(Action::RecordAttendance)?;
        let note = form.note.checked()?;
        self.store.write(|c| {
            crate::scope::require_session(c, ctx, session_id)?;
            let marks = attendance_in(c, ctx, session_id, &form.marks)?;
            let family = if form.family.is_empty() {
                Vec::new()
            } else {
                family_attendance_in(c, ctx, session_id, &form.family)?
            };
            let (note_id, entries) = save_note_in(c, ctx, session_id, &note)?;
            let (signed, sign_refused, similar_accepted) = if form.sign {
                match sign_in(c, ctx, session_id, form.accept_similar) {
                    Ok(s) => (true, None, s.similar_accepted),
                    Err(e @ (AppError::Invalid(_) | AppError::Conflict(_))) => {
                        (false, Some(e.to_string()), false)
                    }
                    Err(e) => return Err(e),
                }
            } else {
                (false, None, false)
            };
            let subject = format!("session:{session_id}");
            let detail = serde_json::json!({
                "attendance": marks
                    .iter()
                    .map(|m| serde_json::json!({ "patient": m.patient_id, "mark": m.mark, "minutes": m.minutes }))
                    .collect::<Vec<_>>(),
                "family": family
                    .iter()
                    .map(|f| serde_json::json!({ "related_person": f.related_person_id, "patient": f.patient_id, "present": f.present }))
                    .collect::<Vec<_>>(),
                "note": note_id,
                "entries": entries,
                "signed": signed,
                "sign_refused": sign_refused.is_some(),
                "similar_accepted": similar_accepted,
            });
            record(c, ctx, Event::ok("clinical.session.save").subject(&subject).detail(detail))?;
            Ok(SessionSaved { note_id, signed, sign_refused })
        })
    }
}
