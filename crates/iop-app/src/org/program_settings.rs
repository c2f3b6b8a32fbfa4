//! Changing a program's calendar: a track's weekdays, the curriculum's topics. Each
//! change regenerates the future (never held sessions, never the past).

use crate::audit::{record, Event};
use crate::calendar::sessions::{load_program, regenerate_future};
use crate::ctx::Ctx;
use crate::error::{AppError, Result};
use crate::policy::Action;
use crate::App;
use iop_domain::calendar::{parse_weekdays, weekday_code};
use iop_domain::curriculum::max_topics;
use iop_domain::ids::*;
use iop_domain::time::Instant;
use iop_store::calendar::{self as cal, TopicRow};
use iop_store::org;

impl App {
    /// Changes the nights a track meets; future sessions follow, held ones stay.
    pub fn set_track_weekdays(&self, ctx: &Ctx, track_id: TrackId, weekdays: &str) -> Result<()> {
        ctx.require(Action::ManageCalendar)?;
        let days = parse_weekdays(weekdays)
            .ok_or_else(|| AppError::Invalid("give weekdays like mon,tue,thu".into()))?;
        if days.len() < 3 {
            return Err(AppError::Invalid(
                "an intensive outpatient track meets at least three nights a week".into(),
            ));
        }
        self.store.write(|c| {
            let track = org::all_tracks(c)?
                .into_iter()
                .find(|t| t.id == track_id)
                .ok_or_else(|| AppError::NotFound(format!("track {track_id}")))?;
            let pc = load_program(c, track.program_id)?;
            if !days.contains(&pc.schedule.family_weekday) {
                return Err(AppError::Invalid(format!(
                    "the family group meets on {}, a night every track must keep",
                    weekday_code(pc.schedule.family_weekday)
                )));
            }
            let days = iop_domain::calendar::Weekdays(days);
            org::set_track_weekdays(c, track_id, &days)?;
            regenerate_future(c, ctx, track.program_id)?;
            let subject = format!("track:{track_id}");
            record(
                c,
                ctx,
                Event::ok("track.set_weekdays")
                    .subject(&subject)
                    .detail(serde_json::json!({ "from": track.weekdays, "to": days })),
            )
        })
    }

    /// Adds a curriculum topic at the end of the rotation.
    pub fn add_topic(&self, ctx: &Ctx, program_id: ProgramId, title: &str) -> Result<TopicId> {
        ctx.require(Action::ManageCalendar)?;
        let title = title.trim();
        if title.is_empty() || title.chars().count() > 120 {
            return Err(AppError::Invalid(
                "give a topic title of 1 to 120 characters".into(),
            ));
        }
        self.store.write(|c| {
            let pc = load_program(c, program_id)?;
            let topics = cal::topics_of(c, program_id)?;
            let fewest = pc.tracks.iter().map(|t| t.weekdays.0.len()).min().unwrap_or(3);
            let limit = max_topics(u32::try_from(pc.program.min_weeks).unwrap_or(7), u32::try_from(fewest).unwrap_or(3));
            if topics.iter().filter(|t| t.active).count() as u32 >= limit {
                return Err(AppError::Invalid(format!(
                    "a program of {} weeks can rotate at most {limit} topics, so that everyone meets every topic",
                    pc.program.min_weeks
                )));
            }
            if topics.iter().any(|t| t.title.eq_ignore_ascii_case(title)) {
                return Err(AppError::Conflict(format!("the program already has the topic {title:?}")));
            }
            let id = TopicId::new_v7();
            let position = topics.iter().map(|t| t.position).max().map_or(0, |p| p + 1);
            cal::insert_topic(c, &TopicRow { id, program_id, position, title: title.into(), active: true, created_at: Instant(ctx.now()) })?;
            regenerate_future(c, ctx, program_id)?;
            let subject = format!("topic:{id}");
            record(c, ctx, Event::ok("topic.add").subject(&subject))?;
            Ok(id)
        })
    }

    pub fn topics(&self, ctx: &Ctx, program_id: ProgramId) -> Result<Vec<Topic>> {
        ctx.require(Action::ViewCalendar)?;
        let rows = self
            .store
            .read(|c| cal::topics_of(c, program_id).map_err(AppError::from))?;
        Ok(rows.into_iter().map(Into::into).collect())
    }
}

crate::view::view!(
/// A curriculum topic of a program, in its rotation order.
Topic from TopicRow {
    id: TopicId,
    program_id: ProgramId,
    position: i32,
    title: String,
    active: bool,
    created_at: Instant,
});
