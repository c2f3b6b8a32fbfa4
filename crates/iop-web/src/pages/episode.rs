//! An episode in the page: the graduation checklist, and graduate, discharge, extend or
//! move to another track, from the census and the chart. A refused form keeps its input.

use crate::access::Caller;
use crate::error::PageError;
use crate::extract::{form_id, PageForm};
use crate::pages::shell::{render_refusable, Flash, Shell};
use crate::AppState;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use iop_app::admissions::episode_view::EpisodeOverview;
use iop_app::admissions::episodes::DISCHARGE_REASONS;
use iop_app::calendar::sessions::parse_date;
use iop_app::AppError;
use iop_domain::graduation::RuleResult;
use iop_domain::ids::EpisodeId;
use std::collections::HashMap;

#[derive(Template)]
#[template(path = "episode.html")]
struct EpisodePage {
    shell: Shell,
    e: EpisodeOverview,
    reasons: &'static [(&'static str, &'static str)],
    /// Which form was refused ("graduate", "discharge" …) and what it held.
    refused: String,
    typed: HashMap<String, String>,
    error: Option<String>,
    notice: Option<&'static str>,
    /// A clinical director may confirm a graduation the checklist does not support.
    can_confirm: bool,
    /// The reader may graduate, discharge, extend or move (others see the checklist).
    can_manage: bool,
    fmt: iop_domain::display::Style,
}

impl EpisodePage {
    /// A field of the refused form as typed, else `default`.
    fn value(&self, form: &str, key: &str, default: &str) -> String {
        if self.refused == form {
            self.typed.get(key).cloned().unwrap_or_default()
        } else {
            default.to_string()
        }
    }

    fn met(&self, r: &RuleResult) -> bool {
        *r == RuleResult::Met
    }

    fn detail(&self, r: &RuleResult) -> String {
        match r {
            RuleResult::Met => "met".into(),
            RuleResult::NotMet { detail } => format!("not met: {detail}"),
            RuleResult::NotYetRecorded => "not yet recorded".into(),
        }
    }
}

async fn page(
    state: &AppState,
    caller: Caller,
    id: &str,
    refused: (&str, HashMap<String, String>, Option<String>),
    notice: Option<&'static str>,
) -> Result<Response, PageError> {
    let shell = Shell::new(&caller, "/census");
    let episode: EpisodeId = form_id(id, "episode")?;
    let can_confirm =
        iop_app::policy::allows(caller.authed.actor.role, iop_app::Action::OverrideRatio);
    let can_manage =
        iop_app::policy::allows(caller.authed.actor.role, iop_app::Action::ManageEpisodes);
    let (e, fmt) = state
        .run(caller.ctx.clone(), move |app, ctx| {
            let e = app.episode_overview(ctx, episode)?;
            let fmt = app.program_style(ctx, e.program_id)?;
            Ok((e, fmt))
        })
        .await?;
    let (form, typed, error) = refused;
    let refusal = error.is_some();
    render_refusable(
        &EpisodePage {
            shell,
            e,
            reasons: DISCHARGE_REASONS,
            refused: form.to_string(),
            typed,
            error,
            notice,
            can_confirm,
            can_manage,
            fmt,
        },
        refusal,
    )
}

pub async fn show(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    Query(f): Query<Flash>,
) -> Result<Response, PageError> {
    let notice = match f.done.as_deref() {
        Some("graduated") => Some("Graduated. The patient may join the alumni group."),
        Some("discharged") => Some("Discharged. The patient leaves future rosters."),
        Some("extended") => Some("The planned end is moved."),
        Some("transferred") => Some("The patient is on the new track from the date given."),
        _ => None,
    };
    page(&state, caller, &id, ("", HashMap::new(), None), notice).await
}

/// `POST /episodes/{id}/{action}`: one handler for the four forms of the page.
pub async fn act(
    State(state): State<AppState>,
    caller: Caller,
    Path((id, action)): Path<(String, String)>,
    PageForm(fields): PageForm<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let typed: HashMap<String, String> = fields.into_iter().collect();
    let get = |k: &str| typed.get(k).cloned().unwrap_or_default();
    let episode: EpisodeId = form_id(&id, "episode")?;
    let (on, reason, summary, track) = (get("on"), get("reason"), get("summary"), get("track"));
    let form = action.clone();
    let result = state
        .run(caller.ctx.clone(), move |app, ctx| match form.as_str() {
            "graduate" => app.graduate(
                ctx,
                episode,
                parse_date(&on, "the graduation date")?,
                Some(reason.as_str()).filter(|r| !r.trim().is_empty()),
            ),
            "discharge" => app.discharge(
                ctx,
                episode,
                &reason,
                &summary,
                parse_date(&on, "the discharge date")?,
            ),
            "extend" => app.extend_episode(ctx, episode, parse_date(&on, "the new end")?, &reason),
            "transfer" => app.transfer_track(
                ctx,
                episode,
                form_id(&track, "track")?,
                parse_date(&on, "the first day on the new track")?,
            ),
            _ => Err(AppError::NotFound(format!("episode action {form}"))),
        })
        .await;
    let done = match action.as_str() {
        "graduate" => "graduated",
        "discharge" => "discharged",
        "extend" => "extended",
        _ => "transferred",
    };
    match result {
        Ok(()) => Ok(Redirect::to(&format!("/episodes/{id}?done={done}")).into_response()),
        Err(e @ (AppError::Invalid(_) | AppError::Conflict(_))) => {
            page(
                &state,
                caller,
                &id,
                (&action, typed, Some(e.to_string())),
                None,
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}
