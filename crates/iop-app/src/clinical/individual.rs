//! Individual counseling on top of group: appointments that avoid the patient's group
//! nights and the counselor's sessions, their statuses, and a note with start and stop
//! times (billing needs the face-to-face minutes).

use crate::audit::{record, Event};
use crate::ctx::Ctx;
use crate::error::{AppError, Result};
use crate::input::{line, lines};
use crate::policy::Action;
use crate::App;
use iop_domain::appointments::{face_to_face_minutes, free_starts, AppointmentStatus};
use iop_domain::ids::PatientId;
use iop_domain::ids::*;
use iop_domain::roster::EpisodeStatus;
use iop_domain::time::{Day, Instant};
use iop_store::calendar as cal;
use iop_store::clinical::individual::{self as store, AppointmentRow, IndividualNoteRow};
use iop_store::DbConn;
use jiff::civil::{DateTime, Time};
use jiff::{SignedDuration, Span, Timestamp};

pub struct NewAppointment {
    pub patient_id: PatientId,
    pub staff_id: StaffId,
    /// Local date and time at the patient's site, like 2026-12-01T14:00.
    pub starts: DateTime,
    pub minutes: i32,
    pub telehealth_link: Option<String>,
    /// Individual psychotherapy, or a conjoint family session with or without the patient.
    pub kind: iop_domain::appointments::AppointmentKind,
}

pub struct IndividualNoteInput {
    /// Local times of day, like 14:02 and 14:55, on the appointment's date.
    pub started: Time,
    pub ended: Time,
    pub goal: String,
    pub narrative: String,
    pub plan: String,
    /// Where a patient seen by telehealth was; required to sign a telehealth note.
    pub patient_location: Option<iop_domain::appointments::PatientLocation>,
}

#[derive(Clone, Debug, serde::Serialize, utoipa::ToSchema)]
pub struct Appointment {
    #[serde(flatten)]
    pub row: AppointmentRecord,
    /// The start at the site, like 2026-12-01 14:00.
    pub local_start: String,
    /// The day of the start at the site.
    pub local_date: Day,
    /// The start time has passed (it can be marked kept or no-show).
    pub started: bool,
    pub note: Option<IndividualNote>,
}

impl Appointment {
    /// Kept, and its note not yet signed: the note can still be written.
    pub fn note_open(&self) -> bool {
        self.row.status == iop_domain::appointments::AppointmentStatus::Kept
            && self
                .note
                .as_ref()
                .is_none_or(|n| n.status != iop_domain::notes::NoteStatus::Signed)
    }
}

use super::appointment_times::{busy, local};
pub(crate) use super::appointment_times::{local_date, local_start, patient_program};

fn check_minutes(minutes: i32) -> Result<()> {
    if !(15..=180).contains(&minutes) {
        return Err(AppError::Invalid(
            "an individual session lasts 15 to 180 minutes".into(),
        ));
    }
    Ok(())
}

fn check_link(link: Option<&str>) -> Result<Option<String>> {
    match link.map(str::trim).filter(|l| !l.is_empty()) {
        None => Ok(None),
        Some(l)
            if l.starts_with("https://") && l.len() <= 500 && !l.contains(char::is_whitespace) =>
        {
            Ok(Some(l.to_string()))
        }
        Some(_) => Err(AppError::Invalid(
            "the telehealth link must be an https:// address without spaces".into(),
        )),
    }
}

fn appointment(c: &mut DbConn, id: AppointmentId) -> Result<AppointmentRow> {
    store::appointment(c, id)?.ok_or_else(|| AppError::NotFound(format!("appointment {id}")))
}

impl App {
    /// Free start times for an individual session in the next `days` days: on the hour
    /// within the program's individual-session days and hours (weekdays 9:00 to 16:00 by
    /// default) at the site, not on a closure, clashing neither with
    /// the patient's group nights nor with the counselor's sessions and appointments.
    pub fn propose_appointment_times(
        &self,
        ctx: &Ctx,
        patient: PatientId,
        staff_id: StaffId,
        minutes: i32,
        days: i64,
    ) -> Result<Vec<String>> {
        let patient_id = patient;
        ctx.require(Action::RecordAttendance)?;
        check_minutes(minutes)?;
        let days = days.clamp(1, 28);
        self.store.read(|c| {
            crate::scope::require_patient(c, ctx, patient_id)?;
            cal::staff_by_id(c, staff_id)?
                .ok_or_else(|| AppError::NotFound(format!("staff member {staff_id}")))?;
            let (_, pc) = patient_program(c, patient_id)?;
            let from = pc
                .today(ctx.now())
                .tomorrow()
                .map_err(|e| AppError::Internal(e.to_string()))?;
            let to = from
                .checked_add(Span::new().days(days - 1))
                .map_err(|e| AppError::Internal(e.to_string()))?;
            let closed: Vec<Day> = cal::closures_of_site(c, pc.site.id, Day(from), Day(to))?
                .into_iter()
                .map(|c| c.local_date)
                .collect();
            let rules = &pc.program.rules;
            let (first, last) = (
                rules.individual_first_start.0,
                rules.individual_last_start.0,
            );
            let mut candidates = Vec::new();
            let mut d = from;
            while d <= to {
                if rules.individual_weekdays.0.contains(&d.weekday()) && !closed.contains(&Day(d)) {
                    let mut at = first;
                    while at <= last {
                        candidates.push(local(&pc, d.to_datetime(at))?);
                        at = match at.checked_add(jiff::SignedDuration::from_hours(1)) {
                            Ok(next) if next > at => next,
                            _ => break,
                        };
                    }
                }
                d = d
                    .tomorrow()
                    .map_err(|e| AppError::Internal(e.to_string()))?;
            }
            let busy = busy(c, &pc, patient_id, staff_id, from, to)?;
            Ok(free_starts(&candidates, i64::from(minutes), &busy, 12)
                .into_iter()
                .map(|t| {
                    t.to_zoned(pc.tz.clone())
                        .datetime()
                        .strftime("%Y-%m-%dT%H:%M")
                        .to_string()
                })
                .collect())
        })
    }

    /// Books an individual session; refused when it clashes with the patient's group
    /// nights or the counselor's sessions or appointments (the reply says with what).
    pub fn schedule_appointment(&self, ctx: &Ctx, new: NewAppointment) -> Result<AppointmentId> {
        ctx.require(Action::RecordAttendance)?;
        check_minutes(new.minutes)?;
        let link = check_link(new.telehealth_link.as_deref())?;
        let starts: DateTime = new.starts;
        let actor = ctx.actor_ref();
        self.store.write(|c| {
            crate::scope::require_patient(c, ctx, new.patient_id)?;
            cal::staff_by_id(c, new.staff_id)?
                .ok_or_else(|| AppError::NotFound(format!("staff member {}", new.staff_id)))?;
            let (ep, pc) = patient_program(c, new.patient_id)?;
            if ep.status != EpisodeStatus::Active {
                return Err(AppError::Conflict(format!(
                    "patient {} is not in treatment (episode {})",
                    new.patient_id, ep.status
                )));
            }
            let start = local(&pc, starts)?;
            if start < ctx.now() {
                return Err(AppError::Invalid("an appointment is booked for a time still to come".into()));
            }
            let end = start + SignedDuration::from_mins(i64::from(new.minutes));
            let clash = busy(c, &pc, new.patient_id, new.staff_id, starts.date(), starts.date())?
                .into_iter()
                .find(|b| b.overlaps(start, end));
            if let Some(b) = clash {
                let show = |t: Timestamp| t.to_zoned(pc.tz.clone()).strftime("%H:%M").to_string();
                return Err(AppError::Conflict(format!(
                    "that time clashes with a group night or another appointment from {} to {} on {}; ask for free times",
                    show(b.start),
                    show(b.end),
                    starts.date()
                )));
            }
            let now = Instant(ctx.now());
            let row = AppointmentRow {
                id: AppointmentId::new_v7(),
                patient_id: new.patient_id,
                staff_id: new.staff_id,
                starts_at: Instant(start),
                planned_minutes: new.minutes,
                mode: if link.is_some() { iop_domain::appointments::AppointmentMode::Telehealth } else { iop_domain::appointments::AppointmentMode::InPerson },
                telehealth_link: link,
                status: AppointmentStatus::Scheduled,
                status_reason: None,
                created_by: actor,
                created_at: now,
                updated_at: now,
                kind: new.kind,
            };
            store::insert_appointment(c, &row)?;
            let subject = format!("appointment:{}", row.id);
            let mut event = Event::ok("clinical.appointment.schedule").subject(&subject);
            event.patient_id = Some(new.patient_id);
            record(c, ctx, event)?;
            Ok(row.id)
        })
    }

    /// Marks an appointment kept, no-show, cancelled or late-cancelled (with a reason).
    pub fn set_appointment_status(
        &self,
        ctx: &Ctx,
        id: AppointmentId,
        status: &str,
        reason: Option<&str>,
    ) -> Result<()> {
        ctx.require(Action::RecordAttendance)?;
        let to = AppointmentStatus::parse(status).ok_or_else(|| {
            AppError::Invalid(format!(
                "unknown status {status:?}; use kept, no_show, cancelled or late_cancelled"
            ))
        })?;
        let reason = reason.map(str::trim).filter(|r| !r.is_empty());
        if to.needs_reason() && reason.is_none() {
            return Err(AppError::Invalid(
                "say why the appointment was cancelled".into(),
            ));
        }
        if reason.is_some_and(|r| r.chars().count() > 500) {
            return Err(AppError::Invalid(
                "the reason has at most 500 characters".into(),
            ));
        }
        self.store.write(|c| {
            let mut row = appointment(c, id)?;
            crate::scope::require_patient(c, ctx, row.patient_id)?;
            let from = row.status;
            let starts = row.starts_at.0;
            if let Some(why) = from.refuse_change(to, starts, ctx.now()) {
                return Err(AppError::Conflict(why));
            }
            row.status = to;
            row.status_reason = reason.map(str::to_string);
            row.updated_at = Instant(ctx.now());
            store::update_appointment(c, &row)?;
            let subject = format!("appointment:{id}");
            let mut event = Event::ok("clinical.appointment.status")
                .subject(&subject)
                .detail(serde_json::json!({ "status": to.as_str() }));
            event.patient_id = Some(row.patient_id);
            record(c, ctx, event)
        })
    }

    /// A patient's appointments with their notes; reading them is audited.
    pub fn appointments(&self, ctx: &Ctx, patient: PatientId) -> Result<Vec<Appointment>> {
        let patient_id = patient;
        ctx.require(Action::ReadClinical)?;
        self.store.read_audited(|c| {
            crate::scope::require_patient(c, ctx, patient_id)?;
            let rows = store::appointments_of_patient(c, patient_id)?;
            let mut out = Vec::with_capacity(rows.len());
            let tz = match rows.is_empty() {
                true => jiff::tz::TimeZone::UTC,
                false => patient_program(c, patient_id)?.1.tz,
            };
            for row in rows {
                let note = store::note_of_appointment(c, row.id)?;
                out.push(Appointment {
                    local_start: local_start(&row, &tz),
                    local_date: local_date(&row, &tz),
                    started: row.starts_at.0 <= ctx.now(),
                    row: row.into(),
                    note: note.map(Into::into),
                });
            }
            let mut event = Event::ok("clinical.appointment.view");
            event.patient_id = Some(patient);
            record(c, ctx, event)?;
            Ok(out)
        })
    }

    /// Writes (or rewrites, while a draft) the note of a kept appointment, and signs it
    /// when `sign` is set. A signed note never changes; the author's supervision status
    /// decides whether it then awaits a clinical director's co-signature.
    pub fn save_individual_note(
        &self,
        ctx: &Ctx,
        appointment_id: AppointmentId,
        n: IndividualNoteInput,
        sign: bool,
    ) -> Result<()> {
        ctx.require(Action::RecordAttendance)?;
        let goal = line(&n.goal, 300, "the treatment-plan goal worked on")?;
        let narrative = lines(&n.narrative, 6000, "what happened in the session")?;
        let plan = lines(&n.plan, 2000, "the plan until the next session")?;
        let (started, ended) = (n.started, n.ended);
        let actor = ctx.actor_ref();
        self.store.write(|c| {
            let appt = appointment(c, appointment_id)?;
            crate::scope::require_patient(c, ctx, appt.patient_id)?;
            if appt.status != iop_domain::appointments::AppointmentStatus::Kept {
                return Err(AppError::Conflict(
                    "a note is written for a kept appointment; mark it kept first".into(),
                ));
            }
            let (_, pc) = patient_program(c, appt.patient_id)?;
            let day = appt.starts_at.0.to_zoned(pc.tz.clone()).date();
            let (start, stop) = (
                local(&pc, day.to_datetime(started))?,
                local(&pc, day.to_datetime(ended))?,
            );
            let minutes = face_to_face_minutes(start, stop).ok_or_else(|| {
                AppError::Invalid(
                    "the stop time must come after the start time, within the day".into(),
                )
            })?;
            let existing = store::note_of_appointment(c, appointment_id)?;
            if existing
                .as_ref()
                .is_some_and(|e| e.status == iop_domain::notes::NoteStatus::Signed)
            {
                return Err(AppError::Conflict(
                    "the note is signed and cannot change; add an addendum".into(),
                ));
            }
            let telehealth = appt.mode == iop_domain::appointments::AppointmentMode::Telehealth;
            if sign && telehealth && n.patient_location.is_none() {
                return Err(AppError::Invalid(
                    "say where the patient was during the telehealth session (at home or elsewhere); the claim's place of service depends on it".into(),
                ));
            }
            if sign && ctx.now() < stop {
                return Err(AppError::Invalid(format!(
                    "the note is signed once the session is over; its stop time is {}",
                    stop.to_zoned(pc.tz.clone()).strftime("%-I:%M %p")
                )));
            }
            let now = Instant(ctx.now());
            let cosign_required = match ctx.actor() {
                Some(a) if sign => {
                    cal::staff_by_user(c, a.user_id)?.is_some_and(|s| s.requires_cosign)
                }
                _ => false,
            };
            let mut row = IndividualNoteRow {
                id: IndividualNoteId::new_v7(),
                appointment_id,
                started_at: Instant(start),
                ended_at: Instant(stop),
                minutes,
                goal,
                narrative,
                plan,
                status: if sign {
                    iop_domain::notes::NoteStatus::Signed
                } else {
                    iop_domain::notes::NoteStatus::Draft
                },
                author_id: actor,
                signed_by: sign.then_some(actor),
                signed_at: sign.then_some(now),
                cosign_required,
                cosigned_by: None,
                cosigned_at: None,
                created_at: now,
                updated_at: now,
                patient_location: if telehealth { n.patient_location } else { None },
            };
            match existing {
                Some(existing) => {
                    row.id = existing.id;
                    row.created_at = existing.created_at;
                    row.author_id = existing.author_id;
                    if !store::update_draft(c, &row)? {
                        return Err(AppError::Conflict("the note was signed meanwhile".into()));
                    }
                }
                None => store::insert_note(c, &row)?,
            }
            let subject = format!("individual_note:{}", row.id);
            let mut event = Event::ok(if sign {
                "clinical.individual_note.sign"
            } else {
                "clinical.individual_note.save"
            })
            .subject(&subject)
            .detail(serde_json::json!({ "minutes": minutes }));
            event.patient_id = Some(appt.patient_id);
            record(c, ctx, event)
        })
    }
}

crate::view::view!(
/// An individual session as booked.
AppointmentRecord from AppointmentRow {
    id: AppointmentId,
    patient_id: PatientId,
    staff_id: StaffId,
    starts_at: Instant,
    planned_minutes: i32,
    mode: iop_domain::appointments::AppointmentMode,
    telehealth_link: Option<String>,
    status: iop_domain::appointments::AppointmentStatus,
    status_reason: Option<String>,
    created_by: ActorRef,
    created_at: Instant,
    updated_at: Instant,
    kind: iop_domain::appointments::AppointmentKind,
});

crate::view::view!(
/// The note of an individual session, with face-to-face minutes.
IndividualNote from IndividualNoteRow {
    id: IndividualNoteId,
    appointment_id: AppointmentId,
    started_at: Instant,
    ended_at: Instant,
    minutes: i32,
    goal: String,
    narrative: String,
    plan: String,
    status: iop_domain::notes::NoteStatus,
    author_id: ActorRef,
    signed_by: Option<ActorRef>,
    signed_at: Option<Instant>,
    cosign_required: bool,
    cosigned_by: Option<UserId>,
    cosigned_at: Option<Instant>,
    created_at: Instant,
    updated_at: Instant,
    patient_location: Option<iop_domain::appointments::PatientLocation>,
});
