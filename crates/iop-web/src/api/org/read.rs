//! Programs and their tracks over the API.

use crate::access::Caller;
use crate::api::{ApiResult, Problem};
use crate::AppState;
use axum::extract::State;
use axum::Json;
use serde::Serialize;
use utoipa::ToSchema;

#[derive(Serialize, ToSchema)]
pub struct Track {
    id: iop_domain::ids::TrackId,
    name: String,
    /// Weekdays as `mon,tue,thu`.
    weekdays: iop_domain::calendar::Weekdays,
}

#[derive(Serialize, ToSchema)]
pub struct Program {
    id: iop_domain::ids::ProgramId,
    slug: String,
    name: String,
    site_id: iop_domain::ids::SiteId,
    site_name: String,
    time_zone: iop_domain::time::ZoneName,
    level_of_care: iop_domain::admissions::LevelOfCare,
    session_start: iop_domain::time::ClockTime,
    session_minutes: i32,
    min_weeks: i32,
    max_weeks: i32,
    max_patients_per_facilitator: i32,
    family_every_weeks: i32,
    family_minutes: i32,
    family_weekday: iop_domain::calendar::WeekdayCode,
    alumni_weekday: iop_domain::calendar::WeekdayCode,
    alumni_minutes: i32,
    horizon_weeks: i32,
    tracks: Vec<Track>,
}

/// Every program with its site and tracks.
#[utoipa::path(get, path = "/api/v1/programs", tag = "programs", security(("bearer" = [])),
    responses((status = 200, body = [Program]), (status = 401, body = Problem)))]
pub async fn programs(
    State(state): State<AppState>,
    caller: Caller,
) -> ApiResult<Json<Vec<Program>>> {
    let all = state
        .run(caller.ctx, move |app, ctx| app.organisation(ctx))
        .await?;
    Ok(Json(
        all.into_iter()
            .map(|o| Program {
                id: o.program.id,
                slug: o.program.slug,
                name: o.program.name,
                site_id: o.site.id,
                site_name: o.site.name,
                time_zone: o.site.time_zone,
                level_of_care: o.program.level_of_care,
                session_start: o.program.session_start,
                session_minutes: o.program.session_minutes,
                min_weeks: o.program.min_weeks,
                max_weeks: o.program.max_weeks,
                max_patients_per_facilitator: o.program.max_patients_per_facilitator,
                family_every_weeks: o.program.family_every_weeks,
                family_minutes: o.program.family_minutes,
                family_weekday: o.program.family_weekday,
                alumni_weekday: o.program.alumni_weekday,
                alumni_minutes: o.program.alumni_minutes,
                horizon_weeks: o.program.horizon_weeks,
                tracks: o
                    .tracks
                    .into_iter()
                    .map(|t| Track {
                        id: t.id,
                        name: t.name,
                        weekdays: t.weekdays,
                    })
                    .collect(),
            })
            .collect(),
    ))
}
