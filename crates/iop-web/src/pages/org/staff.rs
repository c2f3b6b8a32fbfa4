//! Staff profiles and facilitator assignment as pages: add a profile, assign someone to
//! a run of sessions ("facilitates the Mon/Tue/Thu core groups from date to date"), and
//! assign or remove one facilitator on one session from the staffing view.

use crate::access::Caller;
use crate::error::PageError;
use crate::extract::form_id;
use crate::extract::PageForm;
use crate::pages::refusal;
use crate::pages::shell::{render_refusable, Shell};
use crate::AppState;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use iop_app::calendar::sessions::parse_date;
use iop_app::org::read::ProgramOverview;
use iop_app::org::staffing::{BulkAssign, NewStaff, StaffProfile, StaffView, CREDENTIALS};
use iop_app::policy::allows;
use iop_app::{Action, AppError};
use serde::Deserialize;

#[derive(Template)]
#[template(path = "staff.html")]
struct StaffPage {
    shell: Shell,
    staff: Vec<StaffView>,
    programs: Vec<ProgramOverview>,
    credentials: &'static [&'static str],
    can_manage: bool,
    error: Option<String>,
    notice: Option<String>,
    /// The new profile's form as sent, when it was refused (empty otherwise).
    typed: std::collections::HashMap<String, String>,
}

impl StaffPage {
    fn typed(&self, key: &str) -> &str {
        self.typed.get(key).map_or("", String::as_str)
    }
}

#[derive(Deserialize)]
pub struct Flash {
    assigned: Option<usize>,
    added: Option<String>,
    changed: Option<String>,
}

async fn page(
    state: &AppState,
    caller: Caller,
    error: Option<String>,
    notice: Option<String>,
) -> Result<Response, PageError> {
    page_typed(state, caller, error, notice, Default::default()).await
}

async fn page_typed(
    state: &AppState,
    caller: Caller,
    error: Option<String>,
    notice: Option<String>,
    typed: std::collections::HashMap<String, String>,
) -> Result<Response, PageError> {
    let shell = Shell::new(&caller, "/staff");
    let can_manage = allows(caller.authed.actor.role, Action::ManageStaffing);
    let (staff, programs) = state
        .run(caller.ctx.clone(), move |app, ctx| {
            Ok((app.staff(ctx)?, app.organisation(ctx)?))
        })
        .await?;
    let refused = error.is_some();
    render_refusable(
        &StaffPage {
            shell,
            staff,
            programs,
            credentials: CREDENTIALS,
            can_manage,
            error,
            notice,
            typed,
        },
        refused,
    )
}

pub async fn list(
    State(state): State<AppState>,
    caller: Caller,
    Query(f): Query<Flash>,
) -> Result<Response, PageError> {
    let notice = match (f.assigned, f.added, f.changed) {
        (Some(n), _, _) => Some(format!("Assigned to {n} session(s).")),
        (_, Some(_), _) => Some("The staff profile was added.".to_string()),
        (_, _, Some(_)) => Some("The staff profile was changed.".to_string()),
        _ => None,
    };
    page(&state, caller, None, notice).await
}

#[derive(Deserialize, serde::Serialize)]
pub struct AddForm {
    display_name: String,
    #[serde(default)]
    credential: String,
    #[serde(default)]
    npi: String,
    #[serde(default)]
    taxonomy: String,
    #[serde(default)]
    user_email: String,
    /// A checkbox: present when ticked.
    requires_cosign: Option<String>,
}

pub async fn add(
    State(state): State<AppState>,
    caller: Caller,
    PageForm(f): PageForm<AddForm>,
) -> Result<Response, PageError> {
    let typed = crate::extract::as_typed(&f);
    let new = NewStaff {
        display_name: f.display_name,
        credentials: Some(f.credential)
            .filter(|c| !c.is_empty())
            .into_iter()
            .collect(),
        npi: Some(f.npi).filter(|n| !n.trim().is_empty()),
        taxonomy: Some(f.taxonomy).filter(|n| !n.trim().is_empty()),
        user_email: Some(f.user_email).filter(|e| !e.trim().is_empty()),
        requires_cosign: f.requires_cosign.is_some(),
    };
    match state
        .run(caller.ctx.clone(), move |app, ctx| app.add_staff(ctx, new))
        .await
    {
        Ok(_) => Ok(Redirect::to("/staff?added=1").into_response()),
        Err(e) if refusal(&e) => page_typed(&state, caller, Some(e.to_string()), None, typed).await,
        Err(e) => Err(e.into()),
    }
}

/// `POST /staff/{id}`: the profile's edit form (credentials are every ticked box).
pub async fn update(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    PageForm(f): PageForm<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let get = |k: &str| {
        f.iter()
            .find(|(n, _)| n == k)
            .map(|(_, v)| v.trim().to_string())
            .filter(|v| !v.is_empty())
    };
    let profile = StaffProfile {
        credentials: f
            .iter()
            .filter(|(k, _)| k == "credential")
            .map(|(_, v)| v.clone())
            .collect(),
        npi: get("npi"),
        taxonomy: get("taxonomy"),
        requires_cosign: get("requires_cosign").is_some(),
        active: get("active").is_some(),
    };
    let result = state
        .run(caller.ctx.clone(), move |app, ctx| {
            app.update_staff_profile(ctx, form_id(&id, "staff")?, profile)
        })
        .await;
    match result {
        Ok(()) => Ok(Redirect::to("/staff?changed=1").into_response()),
        Err(e) if refusal(&e) => page(&state, caller, Some(e.to_string()), None).await,
        Err(e) => Err(e.into()),
    }
}

#[derive(Deserialize)]
pub struct BulkForm {
    staff_id: String,
    /// `program_id` or `program_id/track_id`.
    group: String,
    kind: String,
    from: String,
    to: String,
}

pub async fn bulk(
    State(state): State<AppState>,
    caller: Caller,
    PageForm(f): PageForm<BulkForm>,
) -> Result<Response, PageError> {
    let result = state
        .run(caller.ctx.clone(), move |app, ctx| {
            let (program_id, track_id) = match f.group.split_once('/') {
                Some((p, t)) => (form_id(p, "program")?, Some(form_id(t, "track")?)),
                None => (form_id(&f.group, "program")?, None),
            };
            let kind = f
                .kind
                .parse()
                .map_err(|_| AppError::Invalid("choose core, family or alumni groups".into()))?;
            let from = parse_date(&f.from, "the first date")?;
            let to = parse_date(&f.to, "the last date")?;
            app.assign_bulk(
                ctx,
                BulkAssign {
                    staff_id: form_id(&f.staff_id, "staff_id")?,
                    program_id,
                    track_id,
                    kind,
                    from,
                    to,
                },
            )
        })
        .await;
    match result {
        Ok(n) => Ok(Redirect::to(&format!("/staff?assigned={n}")).into_response()),
        Err(e) if refusal(&e) => page(&state, caller, Some(e.to_string()), None).await,
        Err(e) => Err(e.into()),
    }
}

#[derive(Deserialize)]
pub struct OneForm {
    session_id: String,
    staff_id: String,
    #[serde(default)]
    replacement: String,
}

pub async fn assign_one(
    State(state): State<AppState>,
    caller: Caller,
    PageForm(f): PageForm<OneForm>,
) -> Result<Response, PageError> {
    match state
        .run(caller.ctx.clone(), move |app, ctx| {
            app.assign_facilitator(
                ctx,
                crate::extract::form_id(&f.session_id, "session")?,
                form_id(&f.staff_id, "staff member")?,
            )
        })
        .await
    {
        Ok(_) => Ok(Redirect::to("/staffing?done=assigned").into_response()),
        Err(e) if refusal(&e) => {
            crate::pages::calendar::week::staffing_page(&state, caller, Some(e.to_string()), None)
                .await
        }
        Err(e) => Err(e.into()),
    }
}

pub async fn unassign_one(
    State(state): State<AppState>,
    caller: Caller,
    PageForm(f): PageForm<OneForm>,
) -> Result<Response, PageError> {
    let replacement = Some(f.replacement).filter(|r| !r.is_empty());
    match state
        .run(caller.ctx.clone(), move |app, ctx| {
            app.unassign_facilitator(
                ctx,
                crate::extract::form_id(&f.session_id, "session")?,
                form_id(&f.staff_id, "staff member")?,
                replacement
                    .as_deref()
                    .map(|r| form_id(r, "staff member"))
                    .transpose()?,
            )
        })
        .await
    {
        Ok(()) => Ok(Redirect::to("/staffing?done=unassigned").into_response()),
        Err(e) if refusal(&e) => {
            crate::pages::calendar::week::staffing_page(&state, caller, Some(e.to_string()), None)
                .await
        }
        Err(e) => Err(e.into()),
    }
}
