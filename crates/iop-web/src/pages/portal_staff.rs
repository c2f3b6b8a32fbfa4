//! Staff side of the portal: inviting a patient or relative (on the patient's portal
//! access page) and the admin's view of outgoing mail, failed messages first.

use crate::access::Caller;
use crate::error::PageError;
use crate::extract::{form_id, PageForm};
use crate::pages::shell::{render, render_refusable, Shell};
use crate::AppState;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use iop_app::mail::MailQueue;
use iop_app::portal::{Invite, PortalAccess, PortalAccountView};
use iop_app::AppError;
use iop_domain::ids::PatientId;
use serde::Deserialize;

#[derive(Template)]
#[template(path = "portal_access.html")]
struct AccessPage {
    shell: Shell,
    patient_id: PatientId,
    access: PortalAccess,
    done: Option<&'static str>,
    error: Option<String>,
    typed: Option<String>,
}

impl AccessPage {
    fn who(&self, a: &PortalAccountView) -> String {
        match a.related_person_id {
            None => "The patient".into(),
            Some(id) => self
                .access
                .relatives
                .iter()
                .find(|r| r.id == id)
                .map(|r| format!("{} ({})", r.name, r.relationship))
                .unwrap_or_else(|| "A relative".into()),
        }
    }

    fn typed_or<'a>(&'a self, fallback: Option<&'a str>) -> &'a str {
        self.typed.as_deref().or(fallback).unwrap_or("")
    }
}

#[derive(Deserialize)]
pub struct DoneQuery {
    done: Option<String>,
}

async fn page(
    state: &AppState,
    caller: Caller,
    id: &str,
    done: Option<&'static str>,
    error: Option<(String, String)>,
) -> Result<Response, PageError> {
    let patient_id: PatientId = form_id(id, "patient")?;
    let shell = Shell::new(&caller, "/patients");
    let access = state
        .run(caller.ctx.clone(), move |app, ctx| {
            app.portal_access(ctx, patient_id)
        })
        .await?;
    let refused = error.is_some();
    let (error, typed) = match error {
        Some((e, t)) => (Some(e), Some(t)),
        None => (None, None),
    };
    render_refusable(
        &AccessPage {
            shell,
            patient_id,
            access,
            done,
            error,
            typed,
        },
        refused,
    )
}

pub async fn show(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    Query(q): Query<DoneQuery>,
) -> Result<Response, PageError> {
    let done = match q.done.as_deref() {
        Some("disabled") => Some("The account is disabled: its sessions and links ended."),
        Some(_) => Some("The invitation is on its way. The link works for 72 hours."),
        None => None,
    };
    page(&state, caller, &id, done, None).await
}

#[derive(Deserialize)]
pub struct InviteForm {
    email: String,
    #[serde(default)]
    related_person: String,
}

pub async fn invite(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    PageForm(f): PageForm<InviteForm>,
) -> Result<Response, PageError> {
    let pid = id.clone();
    let email = f.email.clone();
    let result = state
        .run(caller.ctx.clone(), move |app, ctx| {
            let related_person = match f.related_person.trim() {
                "" => None,
                raw => Some(form_id(raw, "relative")?),
            };
            app.invite_to_portal(
                ctx,
                Invite {
                    patient: form_id(&pid, "patient")?,
                    related_person,
                    email: f.email,
                },
            )
        })
        .await;
    match result {
        Ok(_) => Ok(Redirect::to(&format!("/patients/{id}/portal?done=invited")).into_response()),
        Err(e @ (AppError::Invalid(_) | AppError::Conflict(_) | AppError::Duplicate { .. })) => {
            page(&state, caller, &id, None, Some((e.to_string(), email))).await
        }
        Err(e) => Err(e.into()),
    }
}

pub async fn disable(
    State(state): State<AppState>,
    caller: Caller,
    Path((id, account)): Path<(String, String)>,
) -> Result<Response, PageError> {
    let pid = id.clone();
    state
        .run(caller.ctx.clone(), move |app, ctx| {
            app.disable_portal_account(
                ctx,
                form_id(&pid, "patient")?,
                form_id(&account, "portal account")?,
            )
        })
        .await?;
    Ok(Redirect::to(&format!("/patients/{id}/portal?done=disabled")).into_response())
}

#[derive(Template)]
#[template(path = "mail_queue.html")]
struct MailPage {
    shell: Shell,
    q: MailQueue,
    fmt: iop_domain::display::Style,
    done: Option<&'static str>,
}

pub async fn mail(
    State(state): State<AppState>,
    caller: Caller,
    Query(q): Query<DoneQuery>,
) -> Result<Response, PageError> {
    let fmt = crate::pages::shell::organisation_style(&state, &caller).await?;
    let shell = Shell::new(&caller, "/admin/mail");
    let queue = state
        .run(caller.ctx.clone(), |app, ctx| app.mail_queue(ctx))
        .await?;
    render(&MailPage {
        shell,
        q: queue,
        fmt,
        done: q
            .done
            .is_some()
            .then_some("The message is back in the queue."),
    })
}

pub async fn retry(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    state
        .run(caller.ctx.clone(), move |app, ctx| {
            app.retry_mail(ctx, form_id(&id, "message")?)
        })
        .await?;
    Ok(Redirect::to("/admin/mail?done=retry").into_response())
}
