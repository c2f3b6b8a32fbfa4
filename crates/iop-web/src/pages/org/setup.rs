//! Sites, programs and tracks as a page; administrators and clinical directors edit
//! them here (every change regenerates the future calendar).

use crate::access::Caller;
use crate::error::PageError;
use crate::extract::PageForm;
use crate::extract::PathId;
use crate::pages::shell::{render_refusable, Flash, Shell};
use crate::AppState;
use askama::Template;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use iop_app::org::read::ProgramOverview;
use iop_app::org::setup::SiteInput;
use iop_app::policy::allows;
use iop_app::{Action, AppError};
use iop_domain::program::ProgramSettings;
use serde::Deserialize;

#[derive(Template)]
#[template(path = "organisation.html")]
struct OrgPage {
    fmt: iop_domain::display::Style,
    shell: Shell,
    programs: Vec<ProgramOverview>,
    sites: Vec<(iop_domain::ids::SiteId, String)>,
    can_manage: bool,
    error: Option<String>,
    notice: Option<&'static str>,
    /// The organisation's zone as set (empty: the first site's).
    org_zone: String,
    /// A refused new site's (`site_…`) or program's (`program_…`) form as sent.
    typed: std::collections::HashMap<String, String>,
    /// Each program's curriculum topics, in rotation order.
    topics: std::collections::HashMap<
        iop_domain::ids::ProgramId,
        Vec<iop_app::org::program_settings::Topic>,
    >,
}

impl OrgPage {
    fn typed(&self, key: &str) -> &str {
        self.typed.get(key).map_or("", String::as_str)
    }

    fn topics_of(
        &self,
        p: &iop_domain::ids::ProgramId,
    ) -> &[iop_app::org::program_settings::Topic] {
        self.topics.get(p).map_or(&[], Vec::as_slice)
    }
}

async fn page(
    state: &AppState,
    caller: Caller,
    error: Option<String>,
    notice: Option<&'static str>,
) -> Result<Response, PageError> {
    page_typed(state, caller, error, notice, Default::default()).await
}

async fn page_typed(
    state: &AppState,
    caller: Caller,
    error: Option<String>,
    notice: Option<&'static str>,
    typed: std::collections::HashMap<String, String>,
) -> Result<Response, PageError> {
    let shell = Shell::new(&caller, "/organisation");
    let can_manage = allows(caller.authed.actor.role, Action::ManageCalendar);
    let sees_topics = allows(caller.authed.actor.role, Action::ViewCalendar);
    let (programs, sites, org_zone, topics) = state
        .run(caller.ctx.clone(), move |app, ctx| {
            let programs = app.organisation(ctx)?;
            let mut topics = std::collections::HashMap::new();
            if sees_topics {
                for p in &programs {
                    topics.insert(p.program.id, app.topics(ctx, p.program.id)?);
                }
            }
            Ok((
                programs,
                app.sites(ctx)?,
                app.organisation_zone_setting(ctx)?.unwrap_or_default(),
                topics,
            ))
        })
        .await?;
    let sites = sites.into_iter().map(|s| (s.id, s.name)).collect();
    let refused = error.is_some();
    let fmt = crate::pages::shell::organisation_style(state, &caller).await?;
    render_refusable(
        &OrgPage {
            fmt,
            shell,
            programs,
            sites,
            can_manage,
            error,
            notice,
            org_zone,
            typed,
            topics,
        },
        refused,
    )
}

pub async fn show(
    State(state): State<AppState>,
    caller: Caller,
    Query(f): Query<Flash>,
) -> Result<Response, PageError> {
    let notice = f
        .done
        .map(|_| "Saved. Future sessions follow the change; held sessions stay as they were.");
    page(&state, caller, None, notice).await
}

/// Runs a change and answers as every form here does: back to the page, or the page
/// again with the reason.
async fn change(
    state: AppState,
    caller: Caller,
    f: impl FnOnce(iop_app::App, iop_app::Ctx) -> Result<(), AppError> + Send + 'static,
) -> Result<Response, PageError> {
    change_typed(state, caller, Default::default(), f).await
}

/// As `change`, showing the refused form again as `typed`.
async fn change_typed(
    state: AppState,
    caller: Caller,
    typed: std::collections::HashMap<String, String>,
    f: impl FnOnce(iop_app::App, iop_app::Ctx) -> Result<(), AppError> + Send + 'static,
) -> Result<Response, PageError> {
    match state
        .run(caller.ctx.clone(), move |app, ctx| {
            f(app.clone(), ctx.clone())
        })
        .await
    {
        Ok(()) => Ok(Redirect::to("/organisation?done=1").into_response()),
        Err(e @ (AppError::Invalid(_) | AppError::Conflict(_) | AppError::NotFound(_))) => {
            page_typed(&state, caller, Some(e.to_string()), None, typed).await
        }
        Err(e) => Err(e.into()),
    }
}

/// A form as sent, its keys prefixed to tell the page's forms apart.
fn typed_as<T: serde::Serialize>(
    prefix: &str,
    form: &T,
) -> std::collections::HashMap<String, String> {
    crate::extract::as_typed(form)
        .into_iter()
        .map(|(k, v)| (format!("{prefix}_{k}"), v))
        .collect()
}

#[derive(Deserialize)]
pub struct ZoneForm {
    time_zone: String,
}

/// `POST /organisation/time-zone`: the zone of pages that span sites.
pub async fn set_zone(
    State(state): State<AppState>,
    caller: Caller,
    PageForm(f): PageForm<ZoneForm>,
) -> Result<Response, PageError> {
    change(state, caller, move |app, ctx| {
        app.set_organisation_zone(&ctx, &f.time_zone)
    })
    .await
}

#[derive(Deserialize, serde::Serialize)]
pub struct SiteForm {
    name: String,
    time_zone: String,
    address: String,
    admissions_phone: String,
}

impl From<SiteForm> for SiteInput {
    fn from(f: SiteForm) -> Self {
        SiteInput {
            name: f.name,
            time_zone: f.time_zone,
            address: f.address,
            admissions_phone: f.admissions_phone,
        }
    }
}

pub async fn add_site(
    State(state): State<AppState>,
    caller: Caller,
    PageForm(f): PageForm<SiteForm>,
) -> Result<Response, PageError> {
    let typed = typed_as("site", &f);
    change_typed(state, caller, typed, move |app, ctx| {
        app.add_site(&ctx, f.into()).map(|_| ())
    })
    .await
}

pub async fn update_site(
    State(state): State<AppState>,
    caller: Caller,
    PathId(id): PathId<iop_domain::ids::SiteId>,
    PageForm(f): PageForm<SiteForm>,
) -> Result<Response, PageError> {
    change(state, caller, move |app, ctx| {
        app.update_site(&ctx, id, f.into())
    })
    .await
}

#[derive(Deserialize)]
pub struct SettingsForm {
    name: String,
    session_start: String,
    session_minutes: String,
    min_weeks: String,
    max_weeks: String,
    max_patients_per_facilitator: String,
    family_every_weeks: String,
    family_minutes: String,
    family_weekday: String,
    alumni_weekday: String,
    alumni_minutes: String,
    horizon_weeks: String,
}

fn number(v: &str, what: &str) -> Result<i32, AppError> {
    v.trim()
        .parse()
        .map_err(|_| AppError::Invalid(format!("{what} must be a whole number")))
}

impl SettingsForm {
    fn settings(self) -> Result<ProgramSettings, AppError> {
        Ok(ProgramSettings {
            session_minutes: number(&self.session_minutes, "the session length")?,
            min_weeks: number(&self.min_weeks, "the minimum length")?,
            max_weeks: number(&self.max_weeks, "the maximum length")?,
            max_patients_per_facilitator: number(
                &self.max_patients_per_facilitator,
                "patients per facilitator",
            )?,
            family_every_weeks: number(&self.family_every_weeks, "the family group interval")?,
            family_minutes: number(&self.family_minutes, "the family group length")?,
            alumni_minutes: number(&self.alumni_minutes, "the alumni group length")?,
            horizon_weeks: number(&self.horizon_weeks, "the planning horizon")?,
            name: self.name,
            session_start: self.session_start,
            family_weekday: self.family_weekday,
            alumni_weekday: self.alumni_weekday,
        })
    }
}

pub async fn update_program(
    State(state): State<AppState>,
    caller: Caller,
    PathId(id): PathId<iop_domain::ids::ProgramId>,
    PageForm(f): PageForm<SettingsForm>,
) -> Result<Response, PageError> {
    change(state, caller, move |app, ctx| {
        app.update_program(&ctx, id, f.settings()?)
    })
    .await
}

#[derive(Deserialize)]
pub struct PrivacyForm {
    #[serde(default)]
    minors_need_parent_consent: String,
    age_of_majority: String,
    privacy_notice_version: String,
}

pub async fn update_privacy(
    State(state): State<AppState>,
    caller: Caller,
    PathId(id): PathId<iop_domain::ids::ProgramId>,
    PageForm(f): PageForm<PrivacyForm>,
) -> Result<Response, PageError> {
    change(state, caller, move |app, ctx| {
        let s = iop_app::consent::notices::PrivacySettings {
            minors_need_parent_consent: !f.minors_need_parent_consent.is_empty(),
            age_of_majority: number(&f.age_of_majority, "the age of majority")?,
            privacy_notice_version: f.privacy_notice_version,
        };
        app.set_privacy_settings(&ctx, id, s)
    })
    .await
}

#[derive(Deserialize, serde::Serialize)]
pub struct NewProgramForm {
    site_id: String,
    slug: String,
    name: String,
}

pub async fn add_program(
    State(state): State<AppState>,
    caller: Caller,
    PageForm(f): PageForm<NewProgramForm>,
) -> Result<Response, PageError> {
    let typed = typed_as("program", &f);
    change_typed(state, caller, typed, move |app, ctx| {
        app.add_program(
            &ctx,
            crate::extract::form_id(&f.site_id, "site")?,
            &f.slug,
            ProgramSettings::defaults(&f.name),
        )
        .map(|_| ())
    })
    .await
}

#[derive(Deserialize)]
pub struct TrackForm {
    #[serde(default)]
    name: String,
    weekdays: String,
}

pub async fn add_track(
    State(state): State<AppState>,
    caller: Caller,
    PathId(id): PathId<iop_domain::ids::ProgramId>,
    PageForm(f): PageForm<TrackForm>,
) -> Result<Response, PageError> {
    change(state, caller, move |app, ctx| {
        app.add_track(&ctx, id, &f.name, &f.weekdays).map(|_| ())
    })
    .await
}

pub async fn set_track(
    State(state): State<AppState>,
    caller: Caller,
    PathId(id): PathId<iop_domain::ids::TrackId>,
    PageForm(f): PageForm<TrackForm>,
) -> Result<Response, PageError> {
    change(state, caller, move |app, ctx| {
        app.set_track_weekdays(&ctx, id, &f.weekdays)
    })
    .await
}

#[derive(Deserialize)]
pub struct TopicForm {
    title: String,
}

/// `POST /organisation/programs/{id}/topics`: a curriculum topic at the end of the rotation.
pub async fn add_topic(
    State(state): State<AppState>,
    caller: Caller,
    PathId(id): PathId<iop_domain::ids::ProgramId>,
    PageForm(f): PageForm<TopicForm>,
) -> Result<Response, PageError> {
    change(state, caller, move |app, ctx| {
        app.add_topic(&ctx, id, &f.title).map(|_| ())
    })
    .await
}
