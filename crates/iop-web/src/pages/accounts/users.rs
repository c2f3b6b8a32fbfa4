//! Staff accounts: list, add, disable and enable.

use crate::access::Caller;
use crate::error::{PageError, WebError};
use crate::extract::PageForm;
use crate::pages::shell::{render, Confirm, Flash, Shell};
use crate::AppState;
use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use iop_app::accounts::users::{NewUser, UserView};
use iop_app::policy::allows;
use iop_app::{Action, AppError};
use iop_domain::Role;
use serde::Deserialize;
use strum::IntoEnumIterator;

#[derive(Template)]
#[template(path = "users.html")]
struct UsersPage {
    shell: Shell,
    users: Vec<UserView>,
    can_manage: bool,
    roles: Vec<(&'static str, &'static str)>,
    error: Option<String>,
    notice: Option<String>,
    form_email: String,
    form_name: String,
}

async fn page(
    state: &AppState,
    caller: Caller,
    error: Option<String>,
    notice: Option<String>,
    form: (String, String),
) -> Result<Response, PageError> {
    let shell = Shell::new(&caller, "/admin/users");
    let can_manage = allows(caller.authed.actor.role, Action::ManageUsers);
    let users = state
        .run(caller.ctx, move |app, ctx| app.list_users(ctx))
        .await?;
    let roles = Role::iter().map(|r| (r.as_str(), r.label())).collect();
    let status = if error.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    let mut res = render(&UsersPage {
        shell,
        users,
        can_manage,
        roles,
        error,
        notice,
        form_email: form.0,
        form_name: form.1,
    })?;
    *res.status_mut() = status;
    Ok(res)
}

pub async fn list(
    State(state): State<AppState>,
    caller: Caller,
    Query(f): Query<Flash>,
) -> Result<Response, PageError> {
    let notice = match f.done.as_deref() {
        Some("added") => Some("The account was added.".to_string()),
        Some("status") => Some("The account was updated.".to_string()),
        Some("role") => Some("The role is changed; the person is signed out everywhere.".to_string()),
        Some("password") => Some("The password is set; the person is signed out everywhere.".to_string()),
        Some("totp_off") => Some("The second factor is off; the person signs in with their password and sets it up again.".to_string()),
        _ => None,
    };
    page(&state, caller, None, notice, Default::default()).await
}

#[derive(Deserialize)]
pub struct AddForm {
    email: String,
    display_name: String,
    role: String,
    password: String,
}

pub async fn add(
    State(state): State<AppState>,
    caller: Caller,
    PageForm(f): PageForm<AddForm>,
) -> Result<Response, PageError> {
    let Ok(role) = f.role.parse::<Role>() else {
        return Err(PageError(WebError::Unprocessable(
            "choose one of the listed roles".into(),
        )));
    };
    let new = NewUser {
        email: f.email.clone(),
        display_name: f.display_name.clone(),
        role,
        password: f.password,
    };
    match state
        .run(caller.ctx.clone(), move |app, ctx| app.add_user(ctx, new))
        .await
    {
        Ok(_) => Ok(Redirect::to("/admin/users?done=added").into_response()),
        Err(e @ (AppError::Invalid(_) | AppError::Conflict(_))) => {
            page(
                &state,
                caller,
                Some(e.to_string()),
                None,
                (f.email, f.display_name),
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Deserialize)]
pub struct StatusForm {
    email: String,
    disabled: bool,
    confirmed: Option<String>,
}

pub async fn set_status(
    State(state): State<AppState>,
    caller: Caller,
    PageForm(f): PageForm<StatusForm>,
) -> Result<Response, PageError> {
    if f.disabled && f.confirmed.as_deref() != Some("yes") {
        // Disabling signs the person out everywhere: asked once, on a page of its own.
        return render(&Confirm {
            shell: Shell::new(&caller, "/admin/users"),
            title: "Disable this account?".into(),
            message: format!(
                "{} will be signed out everywhere and cannot sign in until the account is enabled again. Their records stay as they are.",
                f.email
            ),
            action: "/admin/users/status".into(),
            fields: vec![
                ("email".into(), f.email.clone()),
                ("disabled".into(), "true".into()),
            ],
            button: "Disable the account".into(),
            cancel: "/admin/users".into(),
        });
    }
    match state
        .run(caller.ctx.clone(), move |app, ctx| {
            app.set_user_disabled(ctx, &f.email, f.disabled)
        })
        .await
    {
        Ok(()) => Ok(Redirect::to("/admin/users?done=status").into_response()),
        Err(e @ AppError::Conflict(_)) => {
            page(
                &state,
                caller,
                Some(e.to_string()),
                None,
                Default::default(),
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}
