//! The roster of a session: who is expected (track, family group or alumni, plus
//! make-ups), their marks and note entries, and the relatives at a family group.

use crate::audit::{record, Event};
use crate::calendar::sessions::{load_program, session_view, SessionView};
use crate::ctx::Ctx;
use crate::error::{AppError, Result};
use crate::policy::Action;
use crate::App;
use iop_domain::calendar::SessionKind;
use iop_domain::hours::Mark;
use iop_domain::ids::{PatientId, SessionId};
use iop_domain::notes::near_identical_pairs;
use iop_domain::roster::EpisodeStatus;
use iop_store::admissions::episodes::{self, PatientRow};
use iop_store::calendar as cal;
use iop_store::clinical::record::{self as store};
use iop_store::DbConn;
use jiff::civil::Date;

#[derive(Clone, Debug, serde::Serialize, utoipa::ToSchema)]
pub struct RosterLine {
    pub patient_id: PatientId,
    pub mrn: String,
    pub name: String,
    pub mark: Option<Mark>,
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
    pub note: Option<crate::clinical::notes::GroupNote>,
    pub addenda: Vec<crate::clinical::notes::Addendum>,
    /// Pairs of patients whose entries read as copies (by patient id).
    pub similar_entries: Vec<(PatientId, PatientId)>,
    /// Family group only: the patients' relatives, and whether a consent lets them attend.
    pub relatives: Vec<crate::consent::family::FamilyLine>,
    /// Core groups: patients of the program in treatment that day who are not on the
    /// roster, as (id, "name (MRN)"); read with the roster, shown only to those who mark
    /// attendance.
    #[serde(skip)]
    makeup_pool: Vec<(PatientId, String)>,
}

impl Roster {
    /// Who could join this session as a make-up (see `makeup_pool`).
    pub fn makeup_candidates(&self) -> &[(PatientId, String)] {
        &self.makeup_pool
    }
}

/// The session with the patients it expects, by name: its track's patients (core), every
/// patient in treatment (family), graduates (alumni); and for a core group the program's
/// other patients in treatment that day (who could make it up). The program's episodes of
/// that date are read once, for the view's expected count and for the names.
fn session_and_patients(
    c: &mut DbConn,
    id: SessionId,
) -> Result<(SessionView, Vec<PatientRow>, Vec<PatientRow>)> {
    let row =
        cal::session_by_id(c, id)?.ok_or_else(|| AppError::NotFound(format!("session {id}")))?;
    let window = iop_store::admissions::episodes::Window {
        from: row.local_date,
        to: row.local_date,
        alumni: row.kind == SessionKind::Alumni,
    };
    let spans = crate::calendar::sessions::episode_spans_by_patient(c, row.program_id, window)?;
    let s = session_view(c, row, spans.iter().map(|(_, span)| span.clone()).collect())?;
    let date: Date = s.local_date.0;
    let mut out = Vec::new();
    let mut others = Vec::new();
    for (patient, span) in spans {
        let expected = match s.kind {
            SessionKind::Core => span.in_treatment_on(date) && span.track_on(date) == s.track_id,
            SessionKind::Family => span.in_treatment_on(date),
            SessionKind::Alumni => span.status == EpisodeStatus::Graduated && span.alumnus_on(date),
        };
        if expected {
            out.push(patient);
        } else if s.kind == SessionKind::Core && span.in_treatment_on(date) {
            others.push(patient);
        }
    }
    out.sort_by(|a, b| {
        (&a.legal_last_name, &a.legal_first_name).cmp(&(&b.legal_last_name, &b.legal_first_name))
    });
    out.dedup_by(|a, b| a.id == b.id);
    Ok((s, out, others))
}

fn session_minutes(c: &mut DbConn, s: &SessionView) -> Result<i32> {
    let pc = load_program(c, s.program_id)?;
    Ok(match s.kind {
        SessionKind::Family => pc.program.family_minutes,
        SessionKind::Alumni => pc.program.alumni_minutes,
        SessionKind::Core => pc.program.session_minutes,
    })
}

pub(crate) fn load_roster(c: &mut DbConn, session_id: SessionId) -> Result<Roster> {
    let (s, expected, others) = session_and_patients(c, session_id)?;
    let minutes = session_minutes(c, &s)?;
    let mut patients: Vec<(PatientId, PatientRow, bool)> = Vec::new();
    for p in expected {
        patients.push((p.id, p, false));
    }
    for m in store::makeups_of_session(c, session_id)? {
        if !patients.iter().any(|(id, _, _)| *id == m.patient_id) {
            if let Some(p) = episodes::patient_by_id(c, m.patient_id)? {
                patients.push((m.patient_id, p, true));
            }
        }
    }
    let marks = store::attendance_of_session(c, session_id)?;
    let note = store::note_of_session(c, session_id)?;
    let (entries, addenda) = match &note {
        Some(n) => (store::entries(c, n.id)?, store::addenda(c, n.id)?),
        None => (Vec::new(), Vec::new()),
    };
    let lines: Vec<RosterLine> = patients
        .into_iter()
        .map(|(id, p, makeup)| {
            let m = marks.iter().find(|m| m.patient_id == id);
            let e = entries.iter().find(|e| e.patient_id == id);
            RosterLine {
                name: p.shown_name(),
                mrn: p.mrn,
                mark: m.map(|m| m.mark),
                minutes: m.map(|m| m.minutes),
                participation: e.map(|e| e.participation.clone()).unwrap_or_default(),
                progress: e.map(|e| e.progress.clone()).unwrap_or_default(),
                makeup,
                patient_id: id,
            }
        })
        .collect();
    let texts: Vec<String> = entries
        .iter()
        .map(|e| format!("{} {}", e.participation, e.progress))
        .collect();
    let similar_entries = near_identical_pairs(&texts)
        .into_iter()
        .filter_map(|(i, j)| Some((entries.get(i)?.patient_id, entries.get(j)?.patient_id)))
        .collect();
    let mut makeup_pool: Vec<(PatientId, String)> = others
        .into_iter()
        .filter(|p| !lines.iter().any(|l| l.patient_id == p.id))
        .map(|p| (p.id, format!("{} ({})", p.shown_name(), p.mrn)))
        .collect();
    makeup_pool.sort_by(|a, b| a.1.cmp(&b.1));
    makeup_pool.dedup_by(|a, b| a.0 == b.0);
    let mut roster = Roster {
        session: s,
        session_minutes: minutes,
        lines,
        note: note.map(Into::into),
        addenda: addenda.into_iter().map(Into::into).collect(),
        similar_entries,
        relatives: Vec::new(),
        makeup_pool,
    };
    roster.relatives = crate::consent::family::family_lines(c, &roster)?;
    Ok(roster)
}

impl App {
    /// The roster of one session with attendance and the note; reading it is audited.
    pub fn roster(&self, ctx: &Ctx, session_id: SessionId) -> Result<Roster> {
        ctx.require(Action::ReadClinical)?;
        self.store.read_audited(|c| {
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
}
