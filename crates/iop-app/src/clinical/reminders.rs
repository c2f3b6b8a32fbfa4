//! What is due on the clinician's desk: measures (intake, then every two weeks) and
//! treatment plans (within a week of admission, then every 30 days). Counselors see
//! their own patients; clinical directors see everyone.

use crate::calendar::sessions::load_program;
use crate::ctx::Ctx;
use crate::error::Result;
use crate::policy::Action;
use crate::App;
use iop_domain::calendar::SessionKind;
use iop_domain::calendar::SessionStatus;
use iop_domain::ids::*;
use iop_domain::ids::{PatientId, SessionId};
use iop_domain::reminders::{measure_due, plan_due};

/// A note the signed-in clinician still owes: where to write it, for which day.
#[derive(Clone, Debug, serde::Serialize)]
pub struct NoteToWrite {
    pub link: String,
    pub date: Day,
    pub what: &'static str,
}
use iop_domain::time::Day;
use iop_domain::Role;
use iop_store::{admissions::episodes, calendar as cal, clinical::measures, clinical::plans, org};
use jiff::civil::Date;
use std::collections::HashMap;

#[derive(Clone, Debug, serde::Serialize, utoipa::ToSchema)]
pub struct Due {
    pub patient_id: PatientId,
    pub mrn: String,
    pub name: String,
    /// "PHQ-9, GAD-7 and BAM" or "treatment plan" or "treatment plan review".
    pub what: &'static str,
    pub due: Day,
}

impl App {
    /// Paperwork due today or overdue, soonest first.
    pub fn clinical_reminders(&self, ctx: &Ctx) -> Result<Vec<Due>> {
        ctx.require(Action::ReadClinical)?;
        self.store.read_audited(|c| {
            let own_staff = match ctx.actor() {
                Some(a) if a.role == Role::Counselor => {
                    // A counselor without a staff profile has no caseload: an id no one has.
                    cal::staff_by_user(c, a.user_id)?
                        .map(|s| s.id)
                        .or(Some(StaffId(uuid::Uuid::nil())))
                }
                _ => None,
            };
            let program_ids: Vec<_> = org::programs(c)?.into_iter().map(|p| p.id).collect();
            // "Today" is the program's own date at its site.
            let mut today_of: HashMap<ProgramId, Date> = HashMap::new();
            for id in &program_ids {
                today_of.insert(*id, load_program(c, *id)?.today(ctx.now()));
            }
            let active: Vec<_> = episodes::active_with_patients(c, &program_ids)?
                .into_iter()
                .filter(|(e, _)| {
                    own_staff
                        .as_ref()
                        .is_none_or(|s| e.primary_counselor_id.as_ref() == Some(s))
                })
                .collect();
            let ids: Vec<PatientId> = active.iter().map(|(_, p)| p.id).collect();
            let last_phq: HashMap<PatientId, Option<Day>> =
                measures::latest_taken(c, "phq9", &ids)?
                    .into_iter()
                    .collect();
            let reviews: HashMap<PatientId, Day> =
                plans::latest_reviews(c, &ids)?.into_iter().collect();
            let mut out = Vec::new();
            for (e, p) in active {
                let (admitted, Some(&today)) = (e.admit_date.0, today_of.get(&e.program_id)) else {
                    continue;
                };
                let key = p.id;
                let last = last_phq.get(&key).cloned().flatten().map(|d| d.0);
                let review = reviews.get(&key).map(|d| d.0);
                let name = p.shown_name();
                let m = measure_due(admitted, last);
                if m <= today {
                    out.push(Due {
                        patient_id: p.id,
                        mrn: p.mrn.clone(),
                        name: name.clone(),
                        what: "PHQ-9, GAD-7 and BAM",
                        due: Day(m),
                    });
                }
                let t = plan_due(admitted, review);
                if t <= today {
                    let what = if review.is_some() {
                        "treatment plan review"
                    } else {
                        "treatment plan"
                    };
                    out.push(Due {
                        patient_id: p.id,
                        mrn: p.mrn,
                        name,
                        what,
                        due: Day(t),
                    });
                }
            }
            out.sort_by_key(|a| a.due);
            crate::audit::record_list(c, ctx, "reminders.read", out.iter().map(|d| d.patient_id))?;
            Ok(out)
        })
    }

    /// Groups the signed-in clinician facilitated and individual sessions they held in
    /// the last 14 days whose note is not signed yet (charges wait for them), oldest
    /// first.
    pub fn notes_to_write(&self, ctx: &Ctx) -> Result<Vec<NoteToWrite>> {
        ctx.require(Action::RecordAttendance)?;
        let Some(a) = ctx.actor() else {
            return Ok(Vec::new());
        };
        let uid = a.user_id;
        self.store.read(|c| {
            let Some(staff) = cal::staff_by_user(c, uid)? else {
                return Ok(Vec::new());
            };
            let today = crate::clock::date_in(&crate::clock::organisation_zone(c)?, ctx.now());
            let from = today
                .checked_sub(jiff::Span::new().days(14))
                .map_err(|e| crate::error::AppError::Internal(e.to_string()))?;
            let mine: Vec<_> = cal::sessions_of_staff(c, staff.id, Day(from), Day(today))?
                .into_iter()
                .filter(|s| s.status != SessionStatus::Cancelled && s.kind != SessionKind::Alumni)
                .filter(|s| s.ends_at.0 <= ctx.now())
                .collect();
            let ids: Vec<SessionId> = mine.iter().map(|s| s.id).collect();
            let signed = iop_store::clinical::record::signed_sessions(c, &ids)?;
            let mut due: Vec<NoteToWrite> = mine
                .into_iter()
                .filter(|s| !signed.contains(&s.id))
                .map(|s| NoteToWrite {
                    link: format!("/sessions/{}", s.id),
                    date: s.local_date,
                    what: if s.kind == SessionKind::Family {
                        "family group"
                    } else {
                        "core group"
                    },
                })
                .collect();
            let tz = crate::clock::organisation_zone(c)?;
            let lo = Day(from)
                .0
                .to_zoned(tz)
                .map_err(|e| crate::error::AppError::Internal(e.to_string()))?;
            let held = iop_store::clinical::individual::appointments_of_staff(
                c,
                Some(staff.id),
                iop_domain::time::Instant(lo.timestamp()),
                iop_domain::time::Instant(ctx.now()),
            )?;
            for a in held {
                let signed = iop_store::clinical::individual::note_of_appointment(c, a.id)?
                    .is_some_and(|n| n.signed_at.is_some());
                if signed {
                    continue;
                }
                let tz = crate::clock::patient_zone(c, a.patient_id)?;
                due.push(NoteToWrite {
                    link: format!("/patients/{}#individual", a.patient_id),
                    date: Day(crate::clock::date_in(&tz, a.starts_at.0)),
                    what: "individual session",
                });
            }
            due.sort_by_key(|n| n.date);
            Ok(due)
        })
    }
}
