//! Appointments beside the groups on staff calendars: individual sessions (the
//! counselor's own, or everyone's for a clinical director) and booked intakes (for
//! admissions). Times are local to the program's site; reading them is audited.

use crate::ctx::Ctx;
use crate::error::Result;
use crate::policy::{allows, Action};
use crate::App;
use iop_domain::ids::{PatientId, StaffId};
use iop_domain::time::{Day, Instant};
use iop_store::admissions::{episodes, inquiries};
use iop_store::calendar as cal;
use iop_store::clinical::individual;
use jiff::civil::Date;
use jiff::Timestamp;

#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum AppointmentKind {
    Individual,
    Intake,
}

impl AppointmentKind {
    pub fn label(self) -> &'static str {
        match self {
            AppointmentKind::Individual => "Individual session",
            AppointmentKind::Intake => "Intake",
        }
    }
}

#[derive(Clone, Debug, serde::Serialize, utoipa::ToSchema)]
pub struct CalendarAppointment {
    pub kind: AppointmentKind,
    /// Local date and start time at the site ("18:30").
    pub date: Day,
    pub start: String,
    #[schema(value_type = String)]
    pub starts_at: Timestamp,
    #[schema(value_type = String)]
    pub ends_at: Timestamp,
    /// The patient's chart or the inquiry.
    pub link: String,
    /// The patient's or caller's shown name.
    pub who: String,
    pub staff_id: Option<StaffId>,
}

impl App {
    /// Appointments with local dates in `[from, to]`: for a counselor their own
    /// individual sessions, for a clinical director everyone's, and booked intakes for
    /// whoever handles inquiries.
    pub fn calendar_appointments(
        &self,
        ctx: &Ctx,
        from: Date,
        to: Date,
    ) -> Result<Vec<CalendarAppointment>> {
        ctx.require(Action::ViewCalendar)?;
        let role = ctx.actor().map(|a| a.role);
        let clinical = role.is_some_and(|r| allows(r, Action::ReadClinical));
        let intakes = role.is_some_and(|r| allows(r, Action::ManageInquiries));
        let everyone = role.is_some_and(|r| allows(r, Action::OverrideRatio));
        self.store.read_audited(|c| {
            let tz = crate::clock::organisation_zone(c)?;
            let start = |d: Date| -> Result<Instant> {
                Ok(Instant(
                    d.to_zoned(tz.clone())
                        .map_err(|e| crate::AppError::Internal(e.to_string()))?
                        .timestamp(),
                ))
            };
            let (lo, hi) = (start(from)?, start(to.tomorrow().unwrap_or(to))?);
            let mut out = Vec::new();
            let mut seen: Vec<PatientId> = Vec::new();
            if clinical {
                let mine = match ctx.actor() {
                    Some(a) if !everyone => cal::staff_by_user(c, a.user_id)?.map(|s| s.id),
                    _ => None,
                };
                if everyone || mine.is_some() {
                    for a in individual::appointments_of_staff(c, mine, lo, hi)? {
                        let ptz = crate::clock::patient_zone(c, a.patient_id)?;
                        let local = a.starts_at.0.to_zoned(ptz);
                        let name = episodes::patient_by_id(c, a.patient_id)?
                            .map(|p| p.shown_name())
                            .unwrap_or_default();
                        seen.push(a.patient_id);
                        out.push(CalendarAppointment {
                            kind: AppointmentKind::Individual,
                            date: Day(local.date()),
                            start: local.strftime("%H:%M").to_string(),
                            starts_at: a.starts_at.0,
                            ends_at: a.starts_at.0
                                + jiff::SignedDuration::from_mins(i64::from(a.planned_minutes)),
                            link: format!("/patients/{}", a.patient_id),
                            who: name,
                            staff_id: Some(a.staff_id),
                        });
                    }
                }
            }
            if intakes {
                for i in inquiries::intakes_between(c, lo, hi)? {
                    let Some(at) = i.intake_at else { continue };
                    let itz = match i.program_id {
                        Some(p) => crate::clock::program_zone(c, p)?,
                        None => tz.clone(),
                    };
                    let local = at.0.to_zoned(itz);
                    out.push(CalendarAppointment {
                        kind: AppointmentKind::Intake,
                        date: Day(local.date()),
                        start: local.strftime("%H:%M").to_string(),
                        starts_at: at.0,
                        ends_at: at.0 + jiff::SignedDuration::from_mins(60),
                        link: format!("/admissions/{}", i.id),
                        who: i.first_name.clone(),
                        staff_id: None,
                    });
                }
            }
            out.sort_by_key(|a| a.starts_at);
            if !seen.is_empty() {
                crate::audit::record_list(c, ctx, "calendar.appointments.read", seen)?;
            }
            Ok(out)
        })
    }
}
