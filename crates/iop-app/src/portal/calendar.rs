//! The patient's own schedule as a calendar link for their phone: behind an unguessable
//! token they can stop at any time, every event titled "Appointment" with no place,
//! name or kind of group, so a calendar seen over a shoulder reveals nothing.

use crate::accounts::secret::{random_token, token_hash};
use crate::audit::{record, record_as, Event};
use crate::ctx::{Ctx, RequestMeta};
use crate::error::{AppError, Result};
use crate::policy::PortalAction;
use crate::App;
use iop_domain::appointments::AppointmentStatus;
use iop_domain::audit::ActorRole;
use iop_domain::calendar::SessionStatus;
use iop_interop::ical::{self, FeedEvent};
use iop_store::portal::accounts as store;
use jiff::{SignedDuration, Span};

const BACK_DAYS: i64 = 14;
const AHEAD_DAYS: i64 = 91;

impl App {
    /// Makes a new calendar link for the signed-in patient (a previous one stops
    /// working); the path is shown once.
    pub fn portal_make_feed(&self, ctx: &Ctx) -> Result<String> {
        let me = ctx.require_portal(PortalAction::ViewSchedule)?;
        let id = me.account_id;
        let token = random_token();
        let hash = token_hash(&token);
        self.store.write(|c| {
            store::set_feed(c, id, Some(&hash))?;
            record(c, ctx, Event::ok("portal.feed.create"))
        })?;
        Ok(format!("/portal/calendar/{token}.ics"))
    }

    pub fn portal_stop_feed(&self, ctx: &Ctx) -> Result<()> {
        let me = ctx.require_portal(PortalAction::ViewSchedule)?;
        let id = me.account_id;
        self.store.write(|c| {
            store::set_feed(c, id, None)?;
            record(c, ctx, Event::ok("portal.feed.stop"))
        })
    }

    /// The calendar behind a link, or None for a token no account holds. A relative's
    /// link stops with the consent, as their sign-in does. Each fetch is audited.
    pub fn render_portal_feed(
        &self,
        meta: &RequestMeta,
        token: &str,
        domain: &str,
    ) -> Result<Option<String>> {
        let hash = token_hash(token);
        let Some(a) = self
            .store
            .read(|c| Ok::<_, AppError>(store::by_feed(c, &hash)?))?
        else {
            return Ok(None);
        };
        let allowed = self
            .store
            .read(|c| super::access::in_force(c, &a, meta.now))?;
        if a.disabled_at.is_some() || !allowed {
            self.store.write(|c| {
                if !allowed {
                    store::set_feed(c, a.id, None)?;
                }
                let mut e =
                    Event::ok("portal.feed.read").outcome(iop_domain::audit::Outcome::Denied);
                e.patient_id = Some(a.patient_id);
                record_as(c, meta, Some(a.id), Some(ActorRole::Portal(a.role)), e)
            })?;
            return Ok(None);
        }
        let tz = self
            .store
            .read(|c| crate::clock::patient_zone(c, a.patient_id))?;
        let today = meta.now.to_zoned(tz.clone()).date();
        let from = today
            .checked_sub(Span::new().days(BACK_DAYS))
            .unwrap_or(today);
        let to = today
            .checked_add(Span::new().days(AHEAD_DAYS))
            .unwrap_or(today);
        let family_only = a.related_person_id.is_some();
        let text = self.store.read_audited(|c| {
            let (sessions, _) = super::schedule::sessions_of_patient(c, a.patient_id, from, to)?;
            let mut events: Vec<FeedEvent> = sessions
                .iter()
                .filter(|s| !family_only || s.kind == iop_domain::calendar::SessionKind::Family)
                .map(|s| FeedEvent {
                    session_id: s.id.to_string(),
                    series: format!("visit-{}", s.id),
                    start: s.starts_at.0,
                    end: s.ends_at.0,
                    original_start: s.original_starts_at.map(|i| i.0),
                    cancelled: s.status == SessionStatus::Cancelled,
                    sequence: s.sequence,
                })
                .collect();
            if !family_only {
                for ap in iop_store::clinical::individual::appointments_of_patient(c, a.patient_id)?
                {
                    let start = ap.starts_at.0;
                    if start.to_zoned(tz.clone()).date() < from
                        || ap.status == AppointmentStatus::Cancelled
                    {
                        continue;
                    }
                    events.push(FeedEvent {
                        session_id: ap.id.to_string(),
                        series: format!("visit-{}", ap.id),
                        start,
                        end: start + SignedDuration::from_mins(i64::from(ap.planned_minutes)),
                        original_start: None,
                        cancelled: false,
                        sequence: 0,
                    });
                }
            }
            events.sort_by_key(|e| e.start);
            let mut e = Event::ok("portal.feed.read");
            e.patient_id = Some(a.patient_id);
            record_as(c, meta, Some(a.id), Some(ActorRole::Portal(a.role)), e)?;
            Ok::<_, AppError>(ical::single_events(
                "Schedule",
                tz.iana_name().unwrap_or("UTC"),
                &tz,
                &events,
                meta.now,
                domain,
            ))
        })?;
        Ok(Some(text))
    }
}
