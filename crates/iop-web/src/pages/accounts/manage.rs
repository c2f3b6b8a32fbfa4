//! One staff account in the page: change the role, set a new password, turn the second
//! factor off so the person sets it up again. Each ends the person's sessions.

use crate::access::Caller;
use crate::error::PageError;
use crate::extract::{form_id, PageForm};
use crate::pages::shell::{render_refusable, Shell};
use crate::AppState;
use askama::Template;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use iop_app::accounts::users::UserView;
use iop_app::AppError;
use iop_domain::ids::UserId;
use iop_domain::Role;
use serde::Deserialize;
use strum::IntoEnumIterator;

#[derive(Template)]
#[template(path = "user_manage.html")]
struct ManagePage {
    shell: Shell,
    u: UserView,
    roles: Vec<Role>,
    error: Option<String>,
}

async fn user(state: &AppState, caller: &Caller, id: &str) -> Result<UserView, PageError> {
    let id: UserId = form_id(id, "account")?;
    let users = state
        .run(caller.ctx.clone(), |app, ctx| app.list_users(ctx))
        .await?;
    users
        .into_iter()
        .find(|u| u.id == id)
        .ok_or_else(|| PageError::from(AppError::NotFound(format!("account {id}"))))
}

async fn page(
    state: &AppState,
    caller: Caller,
    id: &str,
    error: Option<String>,
) -> Result<Response, PageError> {
    let u = user(state, &caller, id).await?;
    let refusal = error.is_some();
    render_refusable(
        &ManagePage {
            shell: Shell::new(&caller, "/admin/users"),
            u,
            roles: Role::iter().collect(),
            error,
        },
        refusal,
    )
}

pub async fn show(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    page(&state, caller, &id, None).await
}

#[derive(Deserialize)]
pub struct ChangeForm {
    role: Option<String>,
    password: Option<String>,
}

/// `POST /admin/users/{id}/{change}`: `role`, `password` or `totp-off`.
pub async fn change(
    State(state): State<AppState>,
    caller: Caller,
    Path((id, change)): Path<(String, String)>,
    PageForm(f): PageForm<ChangeForm>,
) -> Result<Response, PageError> {
    let email = user(&state, &caller, &id).await?.email;
    let what = change.clone();
    let result = state
        .run(caller.ctx.clone(), move |app, ctx| match what.as_str() {
            "role" => {
                let role = f
                    .role
                    .as_deref()
                    .unwrap_or_default()
                    .parse::<Role>()
                    .map_err(|_| AppError::Invalid("choose one of the listed roles".into()))?;
                app.set_user_role(ctx, &email, role)
            }
            "password" => app.set_user_password(ctx, &email, f.password.unwrap_or_default()),
            "totp-off" => app.disable_totp(ctx, &email),
            _ => Err(AppError::NotFound(format!("account change {what}"))),
        })
        .await;
    let done = match change.as_str() {
        "role" => "role",
        "password" => "password",
        _ => "totp_off",
    };
    match result {
        Ok(()) => Ok(Redirect::to(&format!("/admin/users?done={done}")).into_response()),
        Err(e @ (AppError::Invalid(_) | AppError::Conflict(_))) => {
            page(&state, caller, &id, Some(e.to_string())).await
        }
        Err(e) => Err(e.into()),
    }
}
