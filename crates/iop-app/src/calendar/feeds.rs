//! Calendar feeds behind unguessable, revocable tokens: a staff member's sessions, or a
//! track's groups. Feeds carry no names and neutral titles.

use crate::accounts::secret::{random_token, token_hash};
use crate::audit::{record, record_as, Event};
use crate::calendar::sessions::{load_program, session_views, SessionView};
use crate::ctx::{Ctx, RequestMeta};
use crate::error::{AppError, Result};
use crate::policy::Action;
use crate::App;
use iop_domain::calendar::SessionKind;
use iop_domain::calendar::SessionStatus;
use iop_domain::ids::*;
use iop_domain::time::Instant;
use iop_interop::ical::{self, FeedEvent, Series};
use iop_store::calendar::{self as cal, FeedRow};
use iop_store::org;
use jiff::civil::Date;
use jiff::Span;

pub enum FeedTarget {
    Staff(StaffId),
    Track(TrackId),
}

pub struct NewFeed {
    pub id: FeedId,
    /// The path to give to a calendar app, shown once.
    pub path: String,
}

#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct FeedView {
    pub id: FeedId,
    pub staff_id: Option<StaffId>,
    pub track_id: Option<TrackId>,
    pub created_at: Instant,
    pub revoked: bool,
}

/// How far back and ahead a feed reaches.
const BACK_WEEKS: i64 = 5;
const AHEAD_WEEKS: i64 = 13;

fn event_of(s: &SessionView) -> FeedEvent {
    FeedEvent {
        session_id: s.id.to_string(),
        series: match (&s.kind, &s.track_id) {
            (SessionKind::Core, Some(t)) => format!("core-{t}"),
            (k, _) => format!("{k}-{}", s.program_id),
        },
        start: s.starts_at,
        end: s.ends_at,
        original_start: s.original_start,
        cancelled: s.status == SessionStatus::Cancelled,
        sequence: s.sequence,
    }
}

impl App {
    pub fn create_feed(&self, ctx: &Ctx, target: FeedTarget) -> Result<NewFeed> {
        ctx.require(Action::ManageCalendarFeeds)?;
        let manager = ctx.require(Action::ManageCalendar).is_ok();
        let token = random_token();
        let id = FeedId::new_v7();
        self.store.write(|c| {
            let (staff_id, track_id) = match &target {
                FeedTarget::Staff(s) => {
                    let row = cal::staff_by_id(c, *s)?
                        .ok_or_else(|| AppError::NotFound(format!("staff member {s}")))?;
                    let own = ctx.actor().is_some_and(|a| row.user_id == Some(a.user_id));
                    if !own && !manager {
                        return Err(AppError::Forbidden(
                            "create a calendar feed for another staff member",
                        ));
                    }
                    (Some(*s), None)
                }
                FeedTarget::Track(t) => {
                    if !manager {
                        return Err(AppError::Forbidden("create a track's calendar feed"));
                    }
                    if !org::all_tracks(c)?.iter().any(|x| x.id == *t) {
                        return Err(AppError::NotFound(format!("track {t}")));
                    }
                    (None, Some(*t))
                }
            };
            cal::insert_feed(
                c,
                &FeedRow {
                    id,
                    token_hash: token_hash(&token),
                    staff_id,
                    track_id,
                    created_at: Instant(ctx.now()),
                    revoked_at: None,
                },
            )?;
            let subject = format!("feed:{id}");
            record(c, ctx, Event::ok("feed.create").subject(&subject))
        })?;
        Ok(NewFeed {
            id,
            path: format!("/calendar/{token}.ics"),
        })
    }

    pub fn feeds(&self, ctx: &Ctx) -> Result<Vec<FeedView>> {
        ctx.require(Action::ManageCalendarFeeds)?;
        let manager = ctx.require(Action::ManageCalendar).is_ok();
        let mine = self.my_staff_id(ctx)?;
        let rows = self.store.read(|c| cal::feeds(c).map_err(AppError::from))?;
        Ok(rows
            .into_iter()
            .filter(|f| manager || (f.staff_id.is_some() && f.staff_id == mine))
            .map(|f| FeedView {
                id: f.id,
                staff_id: f.staff_id,
                track_id: f.track_id,
                created_at: f.created_at,
                revoked: f.revoked_at.is_some(),
            })
            .collect())
    }

    pub fn revoke_feed(&self, ctx: &Ctx, feed_id: FeedId) -> Result<()> {
        ctx.require(Action::ManageCalendarFeeds)?;
        let visible = self.feeds(ctx)?.into_iter().any(|f| f.id == feed_id);
        if !visible {
            return Err(AppError::NotFound(format!("feed {feed_id}")));
        }
        self.store.write(|c| {
            if !cal::revoke_feed(c, feed_id, Instant(ctx.now()))? {
                return Err(AppError::Conflict(format!(
                    "feed {feed_id} was already revoked"
                )));
            }
            let subject = format!("feed:{feed_id}");
            record(c, ctx, Event::ok("feed.revoke").subject(&subject))
        })
    }

    /// The iCalendar text behind a feed token, or `None` for an unknown or revoked token.
    pub fn render_feed(
        &self,
        meta: &RequestMeta,
        token: &str,
        domain: &str,
    ) -> Result<Option<String>> {
        let Some(feed) = self
            .store
            .read(|c| cal::feed_by_hash(c, &token_hash(token)).map_err(AppError::from))?
        else {
            return Ok(None);
        };
        if feed.revoked_at.is_some() {
            return Ok(None);
        }
        let text = self.store.read(|c| {
            let programs = org::programs(c)?;
            let tracks = org::all_tracks(c)?;
            let (program_id, name) = match (&feed.staff_id, &feed.track_id) {
                (_, Some(t)) => {
                    let track = tracks
                        .iter()
                        .find(|x| &x.id == t)
                        .ok_or_else(|| AppError::NotFound("track".into()))?;
                    (track.program_id, "Group schedule".to_string())
                }
                _ => (
                    programs
                        .first()
                        .map(|p| p.id)
                        .ok_or_else(|| AppError::NotFound("a program".into()))?,
                    "Work schedule".to_string(),
                ),
            };
            let pc = load_program(c, program_id)?;
            let today = pc.today(meta.now);
            let from = today
                .checked_sub(Span::new().weeks(BACK_WEEKS))
                .unwrap_or(today);
            let to: Date = today
                .checked_add(Span::new().weeks(AHEAD_WEEKS))
                .unwrap_or(today);
            let tzid = pc.site.time_zone.to_string();
            match (&feed.staff_id, &feed.track_id) {
                (Some(staff_id), _) => {
                    let mut events: Vec<FeedEvent> = session_views(c, None, from, to)?
                        .iter()
                        .filter(|s| s.facilitators.iter().any(|f| &f.staff_id == staff_id))
                        .map(event_of)
                        .collect();
                    // Individual sessions too, as neutral as the groups: a time, no name.
                    let window = |d: Date| {
                        d.to_zoned(pc.tz.clone())
                            .map(|z| iop_domain::time::Instant(z.timestamp()))
                    };
                    if let (Ok(lo), Ok(hi)) = (window(from), window(to)) {
                        for a in iop_store::clinical::individual::appointments_of_staff(
                            c,
                            Some(*staff_id),
                            lo,
                            hi,
                        )? {
                            events.push(FeedEvent {
                                session_id: a.id.to_string(),
                                series: format!("individual-{}", a.id),
                                start: a.starts_at.0,
                                end: a.starts_at.0
                                    + jiff::SignedDuration::from_mins(i64::from(a.planned_minutes)),
                                original_start: None,
                                cancelled: false,
                                sequence: 0,
                            });
                        }
                    }
                    events.sort_by_key(|e| e.start);
                    Ok::<_, AppError>(ical::single_events(
                        &name, &tzid, &pc.tz, &events, meta.now, domain,
                    ))
                }
                (None, Some(track_id)) => {
                    let views = session_views(c, Some(program_id), from, to)?;
                    let track = tracks
                        .iter()
                        .find(|x| &x.id == track_id)
                        .ok_or_else(|| AppError::NotFound("track".into()))?;
                    let core = Series {
                        uid: format!("core-{track_id}"),
                        byday: track.weekdays.0.clone(),
                        interval_weeks: 1,
                        events: views
                            .iter()
                            .filter(|s| {
                                s.kind == SessionKind::Core && s.track_id.as_ref() == Some(track_id)
                            })
                            .map(event_of)
                            .collect(),
                    };
                    let family = Series {
                        uid: format!("family-{program_id}"),
                        byday: vec![pc.schedule.family_weekday],
                        interval_weeks: pc.schedule.family_every_weeks,
                        events: views
                            .iter()
                            .filter(|s| s.kind == SessionKind::Family)
                            .map(event_of)
                            .collect(),
                    };
                    Ok(ical::recurring(
                        &name,
                        &tzid,
                        &pc.tz,
                        &[core, family],
                        meta.now,
                        domain,
                    ))
                }
                (None, None) => Err(AppError::Internal("feed without a target".into())),
            }
        })?;
        self.store.read_audited(|c| {
            let subject = format!("feed:{}", feed.id);
            record_as(
                c,
                meta,
                None,
                None,
                Event::ok("feed.read").subject(&subject),
            )
        })?;
        Ok(Some(text))
    }
}
