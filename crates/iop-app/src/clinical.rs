//! The facilitator's night: the roster of a session, attendance with minutes, and the
//! group note (one shared narrative, an entry per attendee, signing, addenda). Signed
//! notes are never edited.

use crate::audit::{record, Event};
use crate::calendar::{load_program, session_views, SessionView};
use crate::ctx::Ctx;
use crate::error::{AppError, Result};
use crate::policy::Action;
use crate::App;
use iop_domain::calendar::SessionKind;
use iop_domain::notes::near_identical_pairs;
use iop_domain::roster::EpisodeStatus;
use iop_domain::time::stored;
use iop_store::calendar as cal;
use iop_store::clinical::{self as store, AddendumRow, AttendanceRow, GroupNoteRow, NoteEntryRow};
use iop_store::episodes::{self, PatientRow};
use iop_store::DbConn;
use jiff::civil::Date;

pub const MARKS: &[(&str, &str)] = &[
    ("present", "Present"),
    ("late", "Late"),
    ("left_early", "Left early"),
    ("absent_excused", "Absent, excused"),
    ("absent_unexcused", "Absent, unexcused"),
];

fn is_absent(mark: &str) -> bool {
    mark.starts_with("absent")
}

#[derive(Clone, Debug, serde::Serialize, utoipa::ToSchema)]
pub struct RosterLine {
    pub patient_id: String,
    pub mrn: String,
    pub name: String,
    pub mark: Option<String>,
    pub minutes: Option<i32>,
    pub participation: String,
    pub progress: String,
    /// Not on this session's track: added to make up a missed group.
    pub makeup: bool,
}

#[derive(Clone, Debug, serde::Serialize, utoipa::ToSchema)]
pub struct Roster {
    pub session: SessionView,
    pub session_minutes: i32,
    pub lines: Vec<RosterLine>,
    pub note: Option<GroupNoteRow>,
    pub addenda: Vec<AddendumRow>,
    /// Pairs of patients whose entries read as copies (by patient id).
    pub similar_entries: Vec<(String, String)>,
    /// Family group only: the patients' relatives, and whether a consent lets them attend.
    pub relatives: Vec<crate::family::FamilyLine>,
}

pub struct Mark {
    pub patient_id: String,
    pub mark: String,
    pub minutes: Option<i32>,
}

pub struct NoteInput {
    pub topic: String,
    pub interventions: String,
    pub group_process: String,
    /// (patient id, participation, progress toward a treatment-plan goal)
    pub entries: Vec<(String, String, String)>,
}

/// The patients a session expects, with names: its track's patients (core), every
/// patient in treatment (family), graduates (alumni).
fn expected_patients(c: &mut DbConn, s: &SessionView) -> Result<Vec<PatientRow>> {
    let date: Date = s
        .local_date
        .parse()
        .map_err(|_| AppError::Internal("bad session date".into()))?;
    let spans = crate::calendar::episode_spans_by_patient(c, &s.program_id)?;
    let mut out = Vec::new();
    for (patient, span) in spans {
        let expected = match s.kind {
            SessionKind::Core => {
                span.in_treatment_on(date) && span.track_on(date) == s.track_id.as_deref()
            }
            SessionKind::Family => span.in_treatment_on(date),
            SessionKind::Alumni => span.status == EpisodeStatus::Graduated && span.alumnus_on(date),
        };
        if expected {
            out.push(patient);
        }
    }
    out.sort_by(|a, b| {
        (&a.legal_last_name, &a.legal_first_name).cmp(&(&b.legal_last_name, &b.legal_first_name))
    });
    out.dedup_by(|a, b| a.id == b.id);
    Ok(out)
}

fn session(c: &mut DbConn, id: &str) -> Result<SessionView> {
    let row =
        cal::session_by_id(c, id)?.ok_or_else(|| AppError::NotFound(format!("session {id}")))?;
    let date: Date = row
        .local_date
        .parse()
        .map_err(|_| AppError::Internal("bad session date".into()))?;
    session_views(c, Some(&row.program_id), date, date)?
        .into_iter()
        .find(|v| v.id == id)
        .ok_or_else(|| AppError::NotFound(format!("session {id}")))
}

fn session_minutes(c: &mut DbConn, s: &SessionView) -> Result<i32> {
    let pc = load_program(c, &s.program_id)?;
    Ok(match s.kind {
        SessionKind::Family => pc.program.family_minutes,
        SessionKind::Alumni => pc.program.alumni_minutes,
        SessionKind::Core => pc.program.session_minutes,
    })
}

pub(crate) fn load_roster(c: &mut DbConn, session_id: &str) -> Result<Roster> {
    let s = session(c, session_id)?;
    let minutes = session_minutes(c, &s)?;
    let mut patients: Vec<(PatientRow, bool)> = expected_patients(c, &s)?
        .into_iter()
        .map(|p| (p, false))
        .collect();
    for m in store::makeups_of_session(c, session_id)? {
        if !patients.iter().any(|(p, _)| p.id == m.patient_id) {
            if let Some(p) = episodes::patient_by_id(c, &m.patient_id)? {
                patients.push((p, true));
            }
        }
    }
    let marks = store::attendance_of_session(c, session_id)?;
    let note = store::note_of_session(c, session_id)?;
    let (entries, addenda) = match &note {
        Some(n) => (store::entries(c, &n.id)?, store::addenda(c, &n.id)?),
        None => (Vec::new(), Vec::new()),
    };
    let lines: Vec<RosterLine> = patients
        .into_iter()
        .map(|(p, makeup)| {
            let m = marks.iter().find(|m| m.patient_id == p.id);
            let e = entries.iter().find(|e| e.patient_id == p.id);
            RosterLine {
                name: p.shown_name(),
                mrn: p.mrn,
                mark: m.map(|m| m.mark.clone()),
                minutes: m.map(|m| m.minutes),
                participation: e.map(|e| e.participation.clone()).unwrap_or_default(),
                progress: e.map(|e| e.progress.clone()).unwrap_or_default(),
                makeup,
                patient_id: p.id,
            }
        })
        .collect();
    let texts: Vec<String> = entries
        .iter()
        .map(|e| format!("{} {}", e.participation, e.progress))
        .collect();
    let similar_entries = near_identical_pairs(&texts)
        .into_iter()
        .filter_map(|(i, j)| {
            Some((
                entries.get(i)?.patient_id.clone(),
                entries.get(j)?.patient_id.clone(),
            ))
        })
        .collect();
    let mut roster = Roster {
        session: s,
        session_minutes: minutes,
        lines,
        note,
        addenda,
        similar_entries,
        relatives: Vec::new(),
    };
    roster.relatives = crate::family::family_lines(c, &roster)?;
    Ok(roster)
}

fn text(v: &str, max: usize, what: &str) -> Result<String> {
    let v = v.trim();
    if v.chars().count() > max {
        return Err(AppError::Invalid(format!(
            "{what} must have at most {max} characters"
        )));
    }
    Ok(v.to_string())
}

/// One patient's mark as stored by [`attendance_in`].
pub(crate) struct MarkDone {
    pub patient_id: String,
    pub mark: String,
    pub minutes: i32,
}

/// Checks and stores attendance in the caller's transaction (scope already checked);
/// the caller writes the audit entry. A scheduled session becomes held.
pub(crate) fn attendance_in(
    c: &mut DbConn,
    ctx: &Ctx,
    session_id: &str,
    marks: &[Mark],
) -> Result<Vec<MarkDone>> {
    let actor = ctx.actor_id_string().unwrap_or_else(|| "system".into());
    let roster = load_roster(c, session_id)?;
    if roster.session.status == "cancelled" {
        return Err(AppError::Conflict(format!(
            "session {session_id} is cancelled"
        )));
    }
    let date: Date = roster
        .session
        .local_date
        .parse()
        .map_err(|_| AppError::Internal("bad date".into()))?;
    let today = load_program(c, &roster.session.program_id)?.today(ctx.now());
    if date > today {
        return Err(AppError::Invalid(
            "attendance is taken on the day of the session or later".into(),
        ));
    }
    if roster.note.as_ref().is_some_and(|n| n.status == "signed") {
        return Err(AppError::Conflict("the group note is signed; attendance that it documents cannot change (add an addendum)".into()));
    }
    let mut done = Vec::new();
    for m in marks {
        if !MARKS.iter().any(|(code, _)| *code == m.mark) {
            return Err(AppError::Invalid(format!(
                "unknown attendance mark {:?}",
                m.mark
            )));
        }
        if !roster.lines.iter().any(|l| l.patient_id == m.patient_id) {
            return Err(AppError::Invalid(format!(
                "patient {} is not on this session's roster",
                m.patient_id
            )));
        }
        let minutes = if is_absent(&m.mark) {
            0
        } else {
            m.minutes.unwrap_or(roster.session_minutes)
        };
        if !(0..=roster.session_minutes).contains(&minutes) {
            return Err(AppError::Invalid(format!(
                "minutes attended must be between 0 and {}",
                roster.session_minutes
            )));
        }
        store::upsert_attendance(
            c,
            &AttendanceRow {
                id: uuid::Uuid::now_v7().to_string(),
                session_id: session_id.into(),
                patient_id: m.patient_id.clone(),
                mark: m.mark.clone(),
                minutes,
                recorded_by: actor.clone(),
                recorded_at: stored(ctx.now()),
            },
        )?;
        done.push(MarkDone {
            patient_id: m.patient_id.clone(),
            mark: m.mark.clone(),
            minutes,
        });
    }
    if let Some(mut row) = cal::session_by_id(c, session_id)? {
        if row.status == "scheduled" {
            row.status = "held".into();
            row.updated_at = stored(ctx.now());
            cal::update_session(c, &row)?;
        }
    }
    Ok(done)
}

impl NoteInput {
    /// The note with its texts trimmed and their lengths checked.
    pub(crate) fn checked(self) -> Result<NoteInput> {
        Ok(NoteInput {
            topic: text(&self.topic, 200, "the topic")?,
            interventions: text(&self.interventions, 4000, "the interventions")?,
            group_process: text(&self.group_process, 4000, "the group process")?,
            entries: self.entries,
        })
    }
}

/// Saves the draft in the caller's transaction: (note id, entries written).
pub(crate) fn save_note_in(
    c: &mut DbConn,
    ctx: &Ctx,
    session_id: &str,
    n: &NoteInput,
) -> Result<(String, usize)> {
    let actor = ctx.actor_id_string().unwrap_or_else(|| "system".into());
    let roster = load_roster(c, session_id)?;
    let attending: Vec<&RosterLine> = roster
        .lines
        .iter()
        .filter(|l| l.mark.as_deref().is_some_and(|m| !is_absent(m)))
        .collect();
    let now = stored(ctx.now());
    let note = match roster.note {
        Some(n) if n.status == "signed" => {
            return Err(AppError::Conflict(
                "the group note is signed and cannot change; add an addendum".into(),
            ));
        }
        Some(mut existing) => {
            existing.topic = n.topic.clone();
            existing.interventions = n.interventions.clone();
            existing.group_process = n.group_process.clone();
            existing.updated_at = now.clone();
            if !store::update_draft(c, &existing)? {
                return Err(AppError::Conflict(
                    "the group note was signed meanwhile".into(),
                ));
            }
            existing
        }
        None => {
            let row = GroupNoteRow {
                id: uuid::Uuid::now_v7().to_string(),
                session_id: session_id.into(),
                topic: n.topic.clone(),
                interventions: n.interventions.clone(),
                group_process: n.group_process.clone(),
                status: "draft".into(),
                author_id: actor,
                signed_by: None,
                signed_at: None,
                created_at: now.clone(),
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
        if !attending.iter().any(|l| &l.patient_id == patient) {
            return Err(AppError::Invalid(format!(
                "patient {patient} was not marked as attending, so gets no entry"
            )));
        }
        rows.push(NoteEntryRow {
            id: uuid::Uuid::now_v7().to_string(),
            note_id: note.id.clone(),
            patient_id: patient.clone(),
            participation: text(participation, 2000, "participation")?,
            progress: text(progress, 2000, "progress")?,
        });
    }
    store::replace_entries(c, &note.id, &rows)?;
    Ok((note.id, rows.len()))
}

pub(crate) struct Signed {
    pub note_id: String,
    pub similar_accepted: bool,
}

/// Signs the note in the caller's transaction; every refusal comes before any write.
pub(crate) fn sign_in(
    c: &mut DbConn,
    ctx: &Ctx,
    session_id: &str,
    accept_similar: bool,
) -> Result<Signed> {
    let actor = ctx.actor_id_string().unwrap_or_else(|| "system".into());
    let roster = load_roster(c, session_id)?;
    let note = roster
        .note
        .clone()
        .ok_or_else(|| AppError::Conflict("write the group note before signing it".into()))?;
    if note.status == "signed" {
        return Err(AppError::Conflict(
            "the group note is already signed".into(),
        ));
    }
    if note.topic.is_empty() || note.interventions.is_empty() || note.group_process.is_empty() {
        return Err(AppError::Invalid(
            "the shared narrative needs a topic, the interventions and the group process".into(),
        ));
    }
    let missing: Vec<&str> = roster
        .lines
        .iter()
        .filter(|l| l.mark.as_deref().is_some_and(|m| !is_absent(m)) && l.participation.is_empty())
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
    let cosign = crate::cosign::author_needs_cosign(c, ctx)?;
    if !store::sign(c, &note.id, &actor, &stored(ctx.now()), cosign)? {
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
    /// The roster of one session with attendance and the note; reading it is audited.
    pub fn roster(&self, ctx: &Ctx, session_id: &str) -> Result<Roster> {
        ctx.require(Action::ReadClinical)?;
        self.store.write(|c| {
            crate::scope::require_session(c, ctx, session_id)?;
            let r = load_roster(c, session_id)?;
            let subject = format!("session:{session_id}");
            record(
                c,
                ctx,
                Event::ok("clinical.roster.view")
                    .subject(&subject)
                    .detail(serde_json::json!({ "patients": r.lines.len() })),
            )?;
            Ok(r)
        })
    }

    /// Records attendance; every expected patient not given stays as they were.
    pub fn record_attendance(&self, ctx: &Ctx, session_id: &str, marks: Vec<Mark>) -> Result<()> {
        ctx.require(Action::RecordAttendance)?;
        self.store.write(|c| {
            crate::scope::require_session(c, ctx, session_id)?;
            let subject = format!("session:{session_id}");
            for m in attendance_in(c, ctx, session_id, &marks)? {
                let mut event = Event::ok("clinical.attendance")
                    .subject(&subject)
                    .detail(serde_json::json!({ "mark": m.mark, "minutes": m.minutes }));
                event.patient_id = Some(&m.patient_id);
                record(c, ctx, event)?;
            }
            Ok(())
        })
    }

    /// Saves the draft note. Entries go only to patients marked as attending.
    pub fn save_group_note(&self, ctx: &Ctx, session_id: &str, n: NoteInput) -> Result<String> {
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
    pub fn sign_group_note(&self, ctx: &Ctx, session_id: &str, accept_similar: bool) -> Result<()> {
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
    pub fn add_addendum(&self, ctx: &Ctx, note_id: &str, body: &str) -> Result<()> {
        ctx.require(Action::RecordAttendance)?;
        let body = text(body, 4000, "the addendum")?;
        if body.is_empty() {
            return Err(AppError::Invalid("write the addendum".into()));
        }
        let actor = ctx
            .actor()
            .ok_or(AppError::Forbidden("add an addendum without an account"))?
            .clone();
        self.store.write(|c| {
            let note = store::note_by_id(c, note_id)?
                .ok_or_else(|| AppError::NotFound(format!("note {note_id}")))?;
            crate::scope::require_session(c, ctx, &note.session_id)?;
            if note.status != "signed" {
                return Err(AppError::Conflict("a draft is edited, not amended".into()));
            }
            store::insert_addendum(
                c,
                &AddendumRow {
                    id: uuid::Uuid::now_v7().to_string(),
                    note_id: note_id.into(),
                    author_id: actor.user_id.to_string(),
                    author_name: actor.display_name.clone(),
                    text: body,
                    created_at: stored(ctx.now()),
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

impl App {
    /// Adds a patient in treatment to a core session that is not on their track, to make
    /// up a missed group. They then appear on the roster for attendance and the note.
    pub fn add_makeup(
        &self,
        ctx: &Ctx,
        session_id: &str,
        patient_id: &str,
        reason: &str,
    ) -> Result<()> {
        ctx.require(Action::RecordAttendance)?;
        let reason = text(reason, 300, "the reason")?;
        if reason.is_empty() {
            return Err(AppError::Invalid(
                "say which missed group this makes up".into(),
            ));
        }
        let actor = ctx.actor_id_string().unwrap_or_else(|| "system".into());
        self.store.write(|c| {
            crate::scope::require_session(c, ctx, session_id)?;
            let roster = load_roster(c, session_id)?;
            if roster.session.kind != SessionKind::Core || roster.session.status == "cancelled" {
                return Err(AppError::Conflict(
                    "make-ups join a core group that is not cancelled".into(),
                ));
            }
            if roster.note.as_ref().is_some_and(|n| n.status == "signed") {
                return Err(AppError::Conflict(
                    "the group note is signed; the roster it documents cannot change".into(),
                ));
            }
            if roster.lines.iter().any(|l| l.patient_id == patient_id) {
                return Err(AppError::Conflict(format!(
                    "patient {patient_id} is already on this session's roster"
                )));
            }
            let date: Date = roster
                .session
                .local_date
                .parse()
                .map_err(|_| AppError::Internal("bad date".into()))?;
            let in_treatment =
                crate::calendar::episode_spans_by_patient(c, &roster.session.program_id)?
                    .into_iter()
                    .any(|(p, span)| p.id == patient_id && span.in_treatment_on(date));
            if !in_treatment {
                return Err(AppError::Conflict(format!(
                    "patient {patient_id} is not in treatment in this program on {date}"
                )));
            }
            store::insert_makeup(
                c,
                &store::MakeupRow {
                    id: uuid::Uuid::now_v7().to_string(),
                    session_id: session_id.into(),
                    patient_id: patient_id.into(),
                    reason,
                    added_by: actor,
                    added_at: stored(ctx.now()),
                },
            )?;
            let subject = format!("session:{session_id}");
            let mut event = Event::ok("clinical.roster.makeup").subject(&subject);
            event.patient_id = Some(patient_id);
            record(c, ctx, event)
        })
    }
}

impl App {
    /// Patients in treatment on the session's date who are not on its roster: those who
    /// could join it as a make-up, as (patient id, name).
    pub fn makeup_candidates(&self, ctx: &Ctx, session_id: &str) -> Result<Vec<(String, String)>> {
        ctx.require(Action::RecordAttendance)?;
        self.store.read(|c| {
            crate::scope::require_session(c, ctx, session_id)?;
            let roster = load_roster(c, session_id)?;
            if roster.session.kind != SessionKind::Core {
                return Ok(Vec::new());
            }
            let date: Date = roster
                .session
                .local_date
                .parse()
                .map_err(|_| AppError::Internal("bad date".into()))?;
            let mut out: Vec<(String, String)> =
                crate::calendar::episode_spans_by_patient(c, &roster.session.program_id)?
                    .into_iter()
                    .filter(|(p, span)| {
                        span.in_treatment_on(date)
                            && !roster.lines.iter().any(|l| l.patient_id == p.id)
                    })
                    .map(|(p, _)| {
                        let label = format!("{} ({})", p.shown_name(), p.mrn);
                        (p.id, label)
                    })
                    .collect();
            out.sort_by(|a, b| a.1.cmp(&b.1));
            out.dedup_by(|a, b| a.0 == b.0);
            Ok(out)
        })
    }
}
