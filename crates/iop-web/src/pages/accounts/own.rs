//! The signed-in person's own account: changing their password.

use crate::access::Caller;
use crate::access::SESSION_COOKIE;
use crate::error::PageError;
use crate::extract::PageForm;
use crate::pages::accounts::login::cookie_header;
use crate::pages::shell::{render, Shell};
use crate::AppState;
use askama::Template;
use axum::extract::State;
use axum::http::header::SET_COOKIE;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use iop_app::AppError;
use serde::Deserialize;

#[derive(Template)]
#[template(path = "account.html")]
struct AccountPage {
    shell: Shell,
    email: String,
    error: Option<String>,
}

fn page(caller: &Caller, error: Option<String>) -> Result<Response, PageError> {
    let code = if error.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    let mut res = render(&AccountPage {
        shell: Shell::new(caller, "/account"),
        email: caller.authed.actor.email.clone(),
        error,
    })?;
    *res.status_mut() = code;
    Ok(res)
}

pub async fn show(caller: Caller) -> Result<Response, PageError> {
    page(&caller, None)
}

#[derive(Deserialize)]
pub struct PasswordForm {
    current_password: String,
    new_password: String,
    new_password_again: String,
}

pub async fn change_password(
    State(state): State<AppState>,
    caller: Caller,
    PageForm(f): PageForm<PasswordForm>,
) -> Result<Response, PageError> {
    if f.new_password != f.new_password_again {
        return page(
            &caller,
            Some("the two new passwords differ; type the same one twice".into()),
        );
    }
    let r = state
        .run(caller.ctx.clone(), move |app, ctx| {
            app.change_own_password(ctx, &f.current_password, f.new_password)
        })
        .await;
    match r {
        Ok(()) => {
            let mut res = Redirect::to("/login?password_changed=1").into_response();
            if let Ok(v) = cookie_header(&state, SESSION_COOKIE, "", "/", true).parse() {
                res.headers_mut().append(SET_COOKIE, v);
            }
            Ok(res)
        }
        Err(e @ (AppError::Invalid(_) | AppError::Throttled { .. })) => {
            page(&caller, Some(e.to_string()))
        }
        Err(e) => Err(e.into()),
    }
}
