//! One site's years of history, built in memory from its generated calendar: about 480
//! admissions a year spread over four tracks; most graduate after 7 to 9 weeks, some
//! leave early; a mark at every held group of their episode, a signed note for each
//! group, PHQ-9 and GAD-7 at intake, week four and discharge; a third of graduates at
//! the weekly alumni group for a few months, and one alumnus who has come to it since
//! graduating years ago (the long chart, with weekly measures); facilitators
//! enough for the 1:6 ratio; and the audit entries the use cases would have written.

use super::words::*;
use crate::error::{AppError, Result};
use iop_domain::admissions::{DischargeReason, LevelOfCare, Sex};
use iop_domain::audit::{ActorRole, AuditFields, Outcome};
use iop_domain::calendar::{SessionKind, SessionStatus};
use iop_domain::curriculum::SEED_TOPICS;
use iop_domain::hours::Mark;
use iop_domain::ids::*;
use iop_domain::notes::NoteStatus;
use iop_domain::roster::EpisodeStatus;
use iop_domain::scoring::{gad7, phq9, Instrument, Occasion};
use iop_domain::time::{Day, Instant};
use iop_domain::Role;
use iop_store::admissions::episodes::{EpisodeRow, EpisodeTrackRow, PatientRow};
use iop_store::calendar::{AssignmentRow, SessionRow};
use iop_store::clinical::measures::MeasureRow;
use iop_store::clinical::record::{AttendanceRow, GroupNoteRow, NoteEntryRow};
use iop_store::org::ProgramRow;
use jiff::civil::{Date, Weekday};
use jiff::{SignedDuration, Span};
use rand::rngs::StdRng;
use rand::Rng;
use std::collections::HashMap;

const ADMISSIONS_PER_YEAR: i64 = 480;
/// Every seeded track meets three nights a week.
const NIGHTS_PER_WEEK: usize = 3;

pub(super) struct SiteInput<'a> {
    pub site_no: u32,
    pub program: &'a ProgramRow,
    pub tz: &'a jiff::tz::TimeZone,
    pub tracks: &'a [TrackId],
    /// Staff with their accounts; track `t` is led by staff `2t` and `2t + 1`.
    pub staff: &'a [(StaffId, UserId)],
    pub sessions: &'a [SessionRow],
    pub from: Date,
    pub today: Date,
}

/// An audit entry as the use case would have written it.
pub(super) struct Entry {
    at: Instant,
    actor: UserId,
    action: &'static str,
    patient: Option<PatientId>,
    subject: Option<String>,
    detail: String,
}

impl Entry {
    pub(super) fn fields(&self) -> AuditFields<'_> {
        AuditFields {
            at: self.at,
            actor_id: Some(self.actor),
            actor_role: Some(ActorRole::Staff(Role::Counselor)),
            action: self.action,
            outcome: Outcome::Ok,
            patient_id: self.patient,
            subject: self.subject.as_deref(),
            request_id: None,
            detail: &self.detail,
        }
    }
}

#[derive(Default)]
pub(super) struct History {
    pub patients: Vec<PatientRow>,
    pub episodes: Vec<EpisodeRow>,
    pub episode_tracks: Vec<EpisodeTrackRow>,
    pub assignments: Vec<AssignmentRow>,
    pub attendance: Vec<AttendanceRow>,
    pub notes: Vec<GroupNoteRow>,
    pub entries: Vec<NoteEntryRow>,
    pub measures: Vec<MeasureRow>,
    pub audit: Vec<Entry>,
}

fn internal(e: impl std::fmt::Display) -> AppError {
    AppError::Internal(e.to_string())
}

fn plus_days(d: Date, n: i64) -> Result<Date> {
    d.checked_add(Span::new().days(n)).map_err(internal)
}

fn plus_mins(i: Instant, n: i64) -> Result<Instant> {
    i.0.checked_add(SignedDuration::from_mins(n))
        .map(Instant)
        .map_err(internal)
}

struct Builder<'a> {
    input: &'a SiteInput<'a>,
    h: History,
}

impl Builder<'_> {
    fn local(&self, d: Date, hour: i8) -> Result<Instant> {
        let z = d
            .to_datetime(jiff::civil::time(hour, 0, 0, 0))
            .to_zoned(self.input.tz.clone())
            .map_err(internal)?;
        Ok(Instant(z.timestamp()))
    }

    fn audit(
        &mut self,
        at: Instant,
        actor: UserId,
        action: &'static str,
        patient: Option<PatientId>,
        subject: Option<String>,
        detail: String,
    ) {
        self.h.audit.push(Entry {
            at,
            actor,
            action,
            patient,
            subject,
            detail,
        });
    }

    /// PHQ-9 and GAD-7 on `day`, milder as treatment goes on (`progress` 0 to 2).
    fn measures(
        &mut self,
        rng: &mut StdRng,
        patient: PatientId,
        day: Date,
        occasion: Occasion,
        progress: u8,
        by: UserId,
    ) -> Result<()> {
        let at = self.local(day, 17)?;
        for instrument in [Instrument::Phq9, Instrument::Gad7] {
            let n = if instrument == Instrument::Phq9 { 9 } else { 7 };
            let items: Vec<u8> = (0..n)
                .map(|i| {
                    let high = 3u8.saturating_sub(progress);
                    // Item 9 of the PHQ-9 (self-harm) stays 0: alerts are not seeded.
                    if instrument == Instrument::Phq9 && i == 8 {
                        0
                    } else {
                        rng.gen_range(0..=high)
                    }
                })
                .collect();
            let (version, total, band) = match instrument {
                Instrument::Phq9 => {
                    let s = phq9(&items).map_err(internal)?;
                    ("PHQ-9", s.total, s.band)
                }
                _ => {
                    let s = gad7(&items).map_err(internal)?;
                    ("GAD-7", s.total, s.band)
                }
            };
            let id = MeasureId::new_v7();
            self.h.measures.push(MeasureRow {
                id,
                patient_id: patient,
                instrument,
                instrument_version: version.into(),
                occasion,
                taken_on: Day(day),
                items: serde_json::to_string(&items).map_err(internal)?,
                total: Some(i32::from(total)),
                band: Some(band.into()),
                subscales: None,
                recorded_by: ActorRef::User(by),
                recorded_at: at,
            });
            self.audit(
                at,
                by,
                "clinical.measure",
                Some(patient),
                Some(format!("measure:{id}")),
                "{}".into(),
            );
        }
        Ok(())
    }

    fn patient(&mut self, rng: &mut StdRng, k: i64, admitted: Instant) -> Result<PatientId> {
        let id = PatientId::new_v7();
        let dob = jiff::civil::Date::new(
            rng.gen_range(1960..=2004),
            rng.gen_range(1..=12),
            rng.gen_range(1..=28),
        )
        .map_err(internal)?;
        self.h.patients.push(PatientRow {
            id,
            mrn: format!("S{:03}-{:06}", self.input.site_no + 1, k + 1),
            legal_first_name: FIRST[rng.gen_range(0..FIRST.len())].into(),
            legal_last_name: LAST[rng.gen_range(0..LAST.len())].into(),
            preferred_name: None,
            date_of_birth: Day(dob),
            created_at: admitted,
            phone: Some(format!(
                "(555) {:03}-{:04}",
                rng.gen_range(200..999),
                k % 10_000
            )),
            email: None,
            address: None,
            emergency_contact_name: None,
            emergency_contact_phone: None,
            minor_self_consent: false,
            sex: if rng.gen_bool(0.5) {
                Sex::Female
            } else {
                Sex::Male
            },
            address_line: None,
            city: None,
            state: None,
            zip: None,
            search_text: String::new(),
        });
        Ok(id)
    }
}

/// Who attended (or is expected at) each session, by index into the site's sessions.
struct Rosters {
    marked: Vec<Vec<(PatientId, Mark)>>,
    expected: Vec<usize>,
}

pub(super) fn build(input: &SiteInput<'_>, rng: &mut StdRng) -> Result<History> {
    let s = input.sessions;
    let mut by_track: HashMap<TrackId, Vec<usize>> = HashMap::new();
    let mut alumni = Vec::new();
    for (i, row) in s.iter().enumerate() {
        match (row.status, row.kind, row.track_id) {
            (SessionStatus::Cancelled, _, _) => {}
            (_, SessionKind::Core, Some(t)) => by_track.entry(t).or_default().push(i),
            (_, SessionKind::Alumni, _) => alumni.push(i),
            _ => {}
        }
    }
    for list in by_track.values_mut() {
        list.sort_by_key(|&i| s[i].starts_at);
    }
    alumni.sort_by_key(|&i| s[i].starts_at);
    let mut b = Builder {
        input,
        h: History::default(),
    };
    let mut r = Rosters {
        marked: vec![Vec::new(); s.len()],
        expected: vec![0; s.len()],
    };
    let min_weeks = usize::try_from(input.program.min_weeks).map_err(internal)?;
    let max_weeks = usize::try_from(input.program.max_weeks).map_err(internal)?;
    let (min_n, max_n) = (min_weeks * NIGHTS_PER_WEEK, max_weeks * NIGHTS_PER_WEEK);
    let span = i64::from((input.today - input.from).get_days());
    let total = span * ADMISSIONS_PER_YEAR / 365;
    let mut alumnus: Option<(PatientId, Date, UserId)> = None;
    for k in 0..total {
        let mut admit = plus_days(input.from, k * span / total.max(1) + rng.gen_range(0..3))?;
        match admit.weekday() {
            Weekday::Saturday => admit = plus_days(admit, 2)?,
            Weekday::Sunday => admit = plus_days(admit, 1)?,
            _ => {}
        }
        let ti = rng.gen_range(0..input.tracks.len());
        let track = input.tracks[ti];
        let Some(list) = by_track.get(&track) else {
            continue;
        };
        let first = list.partition_point(|&i| s[i].local_date.0 < admit);
        if admit >= input.today || first >= list.len() {
            continue;
        }
        let planned_end = match list.get(first + min_n - 1) {
            Some(&i) => s[i].local_date.0,
            None => plus_days(admit, 7 * i64::from(input.program.min_weeks))?,
        };
        let (count, reason) = match rng.gen_range(0..100) {
            0..=67 => (rng.gen_range(min_n..=max_n), DischargeReason::Completed),
            68..=89 => (rng.gen_range(2..min_n), DischargeReason::Ama),
            90..=94 => (rng.gen_range(3..12), DischargeReason::Administrative),
            _ => (rng.gen_range(2..10), DischargeReason::TransferHigherLoc),
        };
        let last = (first + count - 1).min(list.len() - 1);
        let end = s[list[last]].local_date.0;
        let active = end >= input.today;
        let (counselor, user) = input.staff[(ti * 2 + usize::from(k % 2 == 1)) % input.staff.len()];
        let admitted = b.local(admit, 10)?;
        let patient = b.patient(rng, k, admitted)?;
        let episode = EpisodeId::new_v7();
        let status = match (active, reason) {
            (true, _) => EpisodeStatus::Active,
            (false, DischargeReason::Completed) => EpisodeStatus::Graduated,
            (false, _) => EpisodeStatus::Discharged,
        };
        b.h.episodes.push(EpisodeRow {
            id: episode,
            patient_id: patient,
            program_id: input.program.id,
            admit_date: Day(admit),
            planned_end_date: Day(planned_end),
            status,
            ended_on: (!active).then_some(Day(end)),
            created_at: admitted,
            inquiry_id: None,
            primary_counselor_id: Some(counselor),
            level_of_care: LevelOfCare::IntensiveOutpatient,
            diagnoses: DIAGNOSES[rng.gen_range(0..DIAGNOSES.len())]
                .parse()
                .map_err(internal)?,
            ratio_override_reason: None,
            end_reason: (!active).then_some(reason),
            end_summary: None,
            extension_reason: None,
        });
        b.h.episode_tracks.push(EpisodeTrackRow {
            id: EpisodeTrackId::new_v7(),
            episode_id: episode,
            track_id: track,
            from_date: Day(admit),
            to_date: (!active).then_some(Day(end)),
        });
        b.audit(
            admitted,
            user,
            "patient.admit",
            Some(patient),
            Some(format!("episode:{episode}")),
            "{}".into(),
        );
        for &si in &list[first..=last] {
            if s[si].status == SessionStatus::Held {
                r.marked[si].push((patient, random_mark(rng)));
            } else {
                r.expected[si] += 1;
            }
        }
        b.measures(rng, patient, admit, Occasion::Intake, 0, user)?;
        if let Some(&mid) = list.get(first + 11).filter(|_| first + 11 <= last) {
            if s[mid].local_date.0 < input.today {
                b.measures(
                    rng,
                    patient,
                    s[mid].local_date.0,
                    Occasion::Biweekly,
                    1,
                    user,
                )?;
            }
        }
        if !active {
            b.measures(rng, patient, end, Occasion::Discharge, 2, user)?;
            if alumnus.is_none() && reason == DischargeReason::Completed {
                alumnus = Some((patient, end, user));
            } else if reason == DischargeReason::Completed && rng.gen_bool(0.3) {
                // Some graduates keep coming to the alumni group for a few months.
                let until = plus_days(end, 7 * rng.gen_range(4..=26))?;
                for &si in alumni.iter().filter(|&&i| {
                    let d = s[i].local_date.0;
                    d > end && d <= until
                }) {
                    if s[si].status == SessionStatus::Held {
                        let mark = if rng.gen_bool(0.85) {
                            Mark::Present
                        } else {
                            Mark::AbsentUnexcused
                        };
                        r.marked[si].push((patient, mark));
                    } else {
                        r.expected[si] += 1;
                    }
                }
            }
        }
    }
    if let Some((patient, graduated, user)) = alumnus {
        for &si in alumni.iter().filter(|&&i| s[i].local_date.0 > graduated) {
            if s[si].status == SessionStatus::Held {
                r.marked[si].push((patient, Mark::Present));
                b.measures(rng, patient, s[si].local_date.0, Occasion::Other, 2, user)?;
            } else {
                r.expected[si] += 1;
            }
        }
    }
    sessions(&mut b, &r, rng)?;
    b.h.audit.sort_by_key(|e| e.at);
    Ok(b.h)
}

/// Facilitators for every session with patients, and for held ones the marks, the
/// signed note and its entries.
fn sessions(b: &mut Builder<'_>, r: &Rosters, rng: &mut StdRng) -> Result<()> {
    let input = b.input;
    let per = usize::try_from(input.program.max_patients_per_facilitator)
        .map_err(internal)?
        .max(1);
    for (si, sess) in input.sessions.iter().enumerate() {
        let marked = &r.marked[si];
        let n = marked.len() + r.expected[si];
        if n == 0 {
            continue;
        }
        let lead = sess
            .track_id
            .and_then(|t| input.tracks.iter().position(|x| *x == t))
            .map_or(0, |t| t * 2);
        let needed = n.div_ceil(per).min(input.staff.len());
        let assigned_at = plus_mins(sess.starts_at, -7 * 24 * 60)?;
        for j in 0..needed {
            b.h.assignments.push(AssignmentRow {
                id: AssignmentId::new_v7(),
                session_id: sess.id,
                staff_id: input.staff[(lead + j) % input.staff.len()].0,
                assigned_at,
                unassigned_at: None,
                unassigned_reason: None,
            });
        }
        if marked.is_empty() {
            continue;
        }
        let recorder = input.staff[lead % input.staff.len()].1;
        let full = i32::try_from((sess.ends_at.0 - sess.starts_at.0).get_minutes()).unwrap_or(0);
        let subject = format!("session:{}", sess.id);
        for &(patient, mark) in marked {
            let minutes = minutes_for(mark, full);
            b.h.attendance.push(AttendanceRow {
                id: AttendanceId::new_v7(),
                session_id: sess.id,
                patient_id: patient,
                mark,
                minutes,
                recorded_by: ActorRef::User(recorder),
                recorded_at: sess.ends_at,
            });
            let detail = serde_json::json!({ "mark": mark, "minutes": minutes }).to_string();
            b.audit(
                sess.ends_at,
                recorder,
                "clinical.attendance",
                Some(patient),
                Some(subject.clone()),
                detail,
            );
        }
        let note = NoteId::new_v7();
        let signed = plus_mins(sess.ends_at, 60)?;
        let pick = |rng: &mut StdRng, n: usize| rng.gen_range(0..n);
        b.h.notes.push(GroupNoteRow {
            id: note,
            session_id: sess.id,
            topic: SEED_TOPICS[si % SEED_TOPICS.len()].into(),
            interventions: INTERVENTIONS[pick(rng, INTERVENTIONS.len())].into(),
            group_process: PROCESS[pick(rng, PROCESS.len())].into(),
            status: NoteStatus::Signed,
            author_id: ActorRef::User(recorder),
            signed_by: Some(ActorRef::User(recorder)),
            signed_at: Some(signed),
            created_at: plus_mins(sess.ends_at, 20)?,
            updated_at: signed,
            cosign_required: false,
            cosigned_by: None,
            cosigned_at: None,
        });
        for &(patient, _) in marked.iter().filter(|(_, m)| !m.is_absent()) {
            b.h.entries.push(NoteEntryRow {
                id: NoteEntryId::new_v7(),
                note_id: note,
                patient_id: patient,
                participation: PARTICIPATION[pick(rng, PARTICIPATION.len())].into(),
                progress: PROGRESS[pick(rng, PROGRESS.len())].into(),
            });
        }
        b.audit(
            signed,
            recorder,
            "clinical.note.sign",
            None,
            Some(format!("note:{note}")),
            r#"{"similar_accepted":false}"#.into(),
        );
    }
    Ok(())
}
