//! Reminders: the day before a group night (opt-in), 24 hours before an appointment,
//! and a note when a questionnaire or a document waits. Each is written once (a dedupe
//! key per event and account) and held past the person's quiet hours.

use crate::audit::{record, Event};
use crate::ctx::{Ctx, RequestMeta};
use crate::error::{AppError, Result};
use crate::mail::Outgoing;
use crate::portal::prefs::{quiet_hours, wants};
use crate::App;
use iop_domain::appointments::AppointmentStatus;
use iop_domain::calendar::SessionStatus;
use iop_domain::portal::{MailKind, QuietHours};
use iop_store::portal::accounts::{self as accounts, PortalAccountRow};
use iop_store::DbConn;
use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp};

/// The local hour from which the day-before reminder of a group goes out.
const GROUP_REMINDER_HOUR: i8 = 10;

/// The first moment at or after `at` outside quiet hours, in the patient's zone.
fn after_quiet(q: Option<QuietHours>, tz: &TimeZone, at: Timestamp) -> Timestamp {
    let Some(q) = q else { return at };
    let local = at.to_zoned(tz.clone()).datetime();
    let next = q.next_allowed(local);
    next.to_zoned(tz.clone())
        .map(|z| z.timestamp())
        .unwrap_or(at)
}

struct Planned {
    kind: MailKind,
    key: String,
    path: &'static str,
    not_before: Timestamp,
}

fn plan_for(c: &mut DbConn, a: &PortalAccountRow, now: Timestamp) -> Result<Vec<Planned>> {
    let tz = crate::clock::patient_zone(c, a.patient_id)?;
    let quiet = quiet_hours(a);
    let prefs = wants(c, a.id)?;
    let wanted = |k: MailKind| prefs.iter().any(|(kind, w)| *kind == k && *w);
    let today = now.to_zoned(tz.clone()).date();
    let mut out = Vec::new();
    if wanted(MailKind::GroupReminder) {
        if let Ok(tomorrow) = today.tomorrow() {
            let (sessions, _) =
                crate::portal::schedule::sessions_of_patient(c, a.patient_id, tomorrow, tomorrow)?;
            let from = today
                .at(GROUP_REMINDER_HOUR, 0, 0, 0)
                .to_zoned(tz.clone())
                .map(|z| z.timestamp())
                .unwrap_or(now);
            for s in sessions
                .iter()
                .filter(|s| s.status != SessionStatus::Cancelled)
            {
                out.push(Planned {
                    kind: MailKind::GroupReminder,
                    key: format!("group:{}:{}", s.id, a.id),
                    path: "/portal",
                    not_before: after_quiet(quiet, &tz, from.max(now)),
                });
            }
        }
    }
    if wanted(MailKind::AppointmentReminder) {
        let day = SignedDuration::from_hours(24);
        for ap in iop_store::clinical::individual::appointments_of_patient(c, a.patient_id)? {
            let starts = ap.starts_at.0;
            if ap.status != AppointmentStatus::Scheduled || starts <= now {
                continue;
            }
            let from = starts.checked_sub(day).unwrap_or(starts);
            if from > now {
                continue;
            }
            // Held for quiet hours only while it still arrives an hour before.
            let held = after_quiet(quiet, &tz, now);
            let not_before = if held
                < starts
                    .checked_sub(SignedDuration::from_hours(1))
                    .unwrap_or(starts)
            {
                held
            } else {
                now
            };
            out.push(Planned {
                kind: MailKind::AppointmentReminder,
                key: format!("appointment:{}:{}", ap.id, a.id),
                path: "/portal",
                not_before,
            });
        }
    }
    if wanted(MailKind::FormWaiting) {
        let due = crate::portal::forms::due_forms(c, a.patient_id, today)?;
        if let Some(latest) = due.iter().map(|f| f.due_on).max() {
            out.push(Planned {
                kind: MailKind::FormWaiting,
                key: format!("forms:{}:{latest}", a.id),
                path: "/portal/forms",
                not_before: after_quiet(quiet, &tz, now),
            });
        }
    }
    if wanted(MailKind::SignatureWaiting) {
        let waiting = crate::portal::records::unsigned_plans(c, a.patient_id)?;
        for id in waiting {
            out.push(Planned {
                kind: MailKind::SignatureWaiting,
                key: format!("sign:{id}:{}", a.id),
                path: "/portal/plans",
                not_before: after_quiet(quiet, &tz, now),
            });
        }
        for d in iop_store::portal::drafts::waiting(c, a.patient_id)? {
            out.push(Planned {
                kind: MailKind::SignatureWaiting,
                key: format!("sign:{}:{}", d.id, a.id),
                path: "/portal/consents",
                not_before: after_quiet(quiet, &tz, now),
            });
        }
    }
    Ok(out)
}

impl App {
    /// Writes the reminders due at `now` for every reachable patient account; returns
    /// how many new messages were written. Safe to run as often as wanted.
    pub fn queue_reminders(&self, now: Timestamp) -> Result<usize> {
        let ctx = Ctx::system(RequestMeta::cli(now));
        let accounts = self
            .store
            .read(|c| Ok::<_, AppError>(accounts::reachable_patients(c)?))?;
        let mut written = 0;
        for a in accounts {
            let n = self.store.write(|c| {
                let mut n = 0;
                for p in plan_for(c, &a, now)? {
                    let id = self.enqueue_mail(
                        c,
                        Outgoing {
                            kind: p.kind,
                            to: &a.email,
                            account: Some(a.id),
                            path: p.path,
                            dedupe_key: Some(p.key),
                            not_before: p.not_before,
                        },
                        now,
                    )?;
                    if let Some(id) = id {
                        n += 1;
                        let subject = format!("mail:{id}");
                        let mut e = Event::ok("mail.reminder.queued")
                            .subject(&subject)
                            .detail(serde_json::json!({ "kind": p.kind }));
                        e.patient_id = Some(a.patient_id);
                        record(c, &ctx, e)?;
                    }
                }
                Ok::<_, AppError>(n)
            })?;
            written += n;
        }
        Ok(written)
    }
}
