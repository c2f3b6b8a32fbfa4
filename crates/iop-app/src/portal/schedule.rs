//! The portal's first page: what is next for the patient (groups, appointments, family
//! group dates, this week's hours) or, for a relative, the family group dates and their
//! own attendance there — nothing else.

use crate::audit::{record, Event};
use crate::ctx::Ctx;
use crate::error::Result;
use crate::policy::PortalAction;
use crate::portal::forms::{due_forms, DueForm};
use crate::App;
use iop_domain::appointments::{AppointmentMode, AppointmentStatus};
use iop_domain::calendar::{SessionKind, SessionStatus};
use iop_domain::display::Style;
use iop_domain::ids::*;
use iop_domain::portal::PortalRole;
use iop_domain::roster::EpisodeStatus;
use iop_domain::time::Day;
use iop_store::admissions::episodes;
use iop_store::calendar::{self as cal, SessionRow};
use iop_store::DbConn;
use jiff::civil::Date;
use jiff::{Span, Timestamp};

/// Days ahead the schedule shows.
const AHEAD_DAYS: i64 = 14;
/// Days ahead for family group dates (a family group falls every other week).
const FAMILY_AHEAD_DAYS: i64 = 56;

#[derive(Clone, Debug)]
pub struct ScheduleItem {
    /// "Group", "Family group", "Alumni group", "Appointment".
    pub what: &'static str,
    pub starts_at: Timestamp,
    pub ends_at: Timestamp,
    /// The site's address, or "Video (link below)".
    pub place: String,
    pub telehealth_link: Option<String>,
    pub cancelled: bool,
}

#[derive(Clone, Debug)]
pub struct FamilyLine {
    pub starts_at: Timestamp,
    /// For past groups: whether the relative was marked present.
    pub attended: Option<bool>,
}

#[derive(Clone, Debug)]
pub struct PortalHome {
    pub role: PortalRole,
    pub style: Style,
    /// The first part of the patient's preferred name (their own page only).
    pub greeting_name: Option<String>,
    pub next_group: Option<ScheduleItem>,
    pub upcoming: Vec<ScheduleItem>,
    pub family_dates: Vec<ScheduleItem>,
    /// Past family groups and the relative's attendance (relatives only).
    pub family_attended: Vec<FamilyLine>,
    pub minutes_this_week: i64,
    pub forms_due: Vec<DueForm>,
    /// Plans waiting for the patient's signature.
    pub to_sign: usize,
    /// Consents staff drafted for the patient to sign.
    pub consents_to_sign: usize,
}

fn plus_days(d: Date, n: i64) -> Date {
    d.checked_add(Span::new().days(n)).unwrap_or(d)
}

fn item(s: &SessionRow, place: &str) -> ScheduleItem {
    ScheduleItem {
        what: match s.kind {
            SessionKind::Core => "Group",
            SessionKind::Family => "Family group",
            SessionKind::Alumni => "Alumni group",
        },
        starts_at: s.starts_at.0,
        ends_at: s.ends_at.0,
        place: place.to_string(),
        telehealth_link: None,
        cancelled: s.status == SessionStatus::Cancelled,
    }
}

/// The patient's sessions from `from` through `to`: their track's core groups while in
/// treatment, alumni groups after graduating, and the program's family groups.
pub(crate) fn sessions_of_patient(
    c: &mut DbConn,
    patient: PatientId,
    from: Date,
    to: Date,
) -> Result<(Vec<SessionRow>, String)> {
    let eps = episodes::episodes_with_patient_id(c, patient)?;
    let Some(ep) = eps.iter().max_by_key(|e| e.admit_date) else {
        return Ok((Vec::new(), String::new()));
    };
    let place = iop_store::org::program_by_id(c, ep.program_id)?
        .map(|p| iop_store::org::site_by_id(c, p.site_id))
        .transpose()?
        .flatten()
        .map(|s| s.address)
        .unwrap_or_default();
    let periods = episodes::tracks_of_episode(c, ep.id)?;
    let all = cal::sessions_between(c, Some(&[ep.program_id]), Day(from), Day(to))?;
    let active = ep.status == EpisodeStatus::Active;
    let ended = ep.ended_on.map(|d| d.0);
    let mine = all
        .into_iter()
        .filter(|s| {
            let day = s.local_date.0;
            match s.kind {
                SessionKind::Core => {
                    active
                        && periods.iter().any(|p| {
                            Some(p.track_id) == s.track_id
                                && p.from_date.0 <= day
                                && p.to_date.is_none_or(|t| day < t.0)
                        })
                }
                SessionKind::Family => active && ep.admit_date.0 <= day,
                SessionKind::Alumni => {
                    ep.status == EpisodeStatus::Graduated && ended.is_some_and(|e| e < day)
                }
            }
        })
        .collect();
    Ok((mine, place))
}

impl App {
    /// The portal's first page for the signed-in patient or relative.
    pub fn portal_home(&self, ctx: &Ctx) -> Result<PortalHome> {
        let me = ctx.require_portal(PortalAction::ViewSchedule)?.clone();
        let style = self.patient_style(ctx, me.patient_id)?;
        let today = ctx.now().to_zoned(style.tz.clone()).date();
        let now = ctx.now();
        self.store.read_audited(|c| {
            let horizon = plus_days(today, FAMILY_AHEAD_DAYS);
            let (sessions, place) = sessions_of_patient(c, me.patient_id, today, horizon)?;
            let upcoming_sessions: Vec<&SessionRow> =
                sessions.iter().filter(|s| s.ends_at.0 > now).collect();
            let family_dates: Vec<ScheduleItem> = upcoming_sessions
                .iter()
                .filter(|s| s.kind == SessionKind::Family)
                .map(|s| item(s, &place))
                .collect();
            let mut home = PortalHome {
                role: me.role,
                style: style.clone(),
                greeting_name: None,
                next_group: None,
                upcoming: Vec::new(),
                family_dates,
                family_attended: Vec::new(),
                minutes_this_week: 0,
                forms_due: Vec::new(),
                to_sign: 0,
                consents_to_sign: 0,
            };
            if let Some(person) = me.related_person_id {
                home.family_attended = family_attendance(c, me.patient_id, person, today)?;
                let mut e =
                    Event::ok("portal.home.read").detail(serde_json::json!({ "role": "family" }));
                e.patient_id = Some(me.patient_id);
                record(c, ctx, e)?;
                return Ok(home);
            }
            let week_end = plus_days(today, AHEAD_DAYS);
            home.next_group = upcoming_sessions
                .iter()
                .find(|s| s.kind != SessionKind::Family && s.status != SessionStatus::Cancelled)
                .map(|s| item(s, &place));
            let mut upcoming: Vec<ScheduleItem> = upcoming_sessions
                .iter()
                .filter(|s| s.local_date.0 <= week_end)
                .map(|s| item(s, &place))
                .collect();
            for a in iop_store::clinical::individual::appointments_of_patient(c, me.patient_id)? {
                let ends = a
                    .starts_at
                    .0
                    .checked_add(jiff::SignedDuration::from_mins(i64::from(
                        a.planned_minutes,
                    )))
                    .unwrap_or(a.starts_at.0);
                if ends <= now || a.status != AppointmentStatus::Scheduled {
                    continue;
                }
                let video = a.mode == AppointmentMode::Telehealth;
                upcoming.push(ScheduleItem {
                    what: "Appointment",
                    starts_at: a.starts_at.0,
                    ends_at: ends,
                    place: if video {
                        "Video call".into()
                    } else {
                        place.clone()
                    },
                    telehealth_link: a.telehealth_link.filter(|_| video),
                    cancelled: false,
                });
            }
            upcoming.sort_by_key(|i| i.starts_at);
            home.upcoming = upcoming;
            let monday = today
                .checked_sub(Span::new().days(i64::from(today.weekday().to_monday_zero_offset())))
                .unwrap_or(today);
            home.minutes_this_week = iop_store::clinical::record::attendance_of_patient_in(
                c,
                me.patient_id,
                Day(monday),
                Some(Day(plus_days(monday, 7))),
            )?
            .iter()
            .map(|(a, _)| i64::from(a.minutes))
            .sum();
            let patient = episodes::patient_by_id(c, me.patient_id)?;
            home.greeting_name = patient.map(|p| {
                p.preferred_name
                    .clone()
                    .filter(|n| !n.trim().is_empty())
                    .unwrap_or(p.legal_first_name.clone())
            });
            home.forms_due = due_forms(c, me.patient_id, today)?;
            home.to_sign = crate::portal::records::unsigned_plans(c, me.patient_id)?.len();
            home.consents_to_sign = iop_store::portal::drafts::waiting(c, me.patient_id)?.len();
            let mut e = Event::ok("portal.home.read");
            e.patient_id = Some(me.patient_id);
            record(c, ctx, e)?;
            Ok(home)
        })
    }
}

/// The family groups of the last eight weeks and whether this relative was there.
fn family_attendance(
    c: &mut DbConn,
    patient: PatientId,
    person: RelatedPersonId,
    today: Date,
) -> Result<Vec<FamilyLine>> {
    let from = today
        .checked_sub(Span::new().days(FAMILY_AHEAD_DAYS))
        .unwrap_or(today);
    let (sessions, _) = sessions_of_patient(c, patient, from, today)?;
    let mut out = Vec::new();
    for s in sessions.iter().filter(|s| s.kind == SessionKind::Family) {
        if s.status == SessionStatus::Cancelled {
            continue;
        }
        let marks = iop_store::consent::family_attendance_of(c, s.id)?;
        out.push(FamilyLine {
            starts_at: s.starts_at.0,
            attended: marks
                .iter()
                .find(|m| m.related_person_id == person)
                .map(|m| m.present),
        });
    }
    Ok(out)
}
