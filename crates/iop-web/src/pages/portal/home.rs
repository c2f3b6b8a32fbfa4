//! The portal's first page.

use super::{render, run, PortalResult, PortalShell};
use crate::portal_access::PortalCaller;
use crate::AppState;
use askama::Template;
use axum::extract::{Query, State};
use iop_app::portal::PortalHome;
use iop_domain::portal::PortalRole;
use serde::Deserialize;

#[derive(Template)]
#[template(path = "portal/home.html")]
struct HomePage {
    shell: PortalShell,
    home: PortalHome,
    done: Option<&'static str>,
}

impl HomePage {
    fn hours(&self) -> String {
        let m = self.home.minutes_this_week;
        match (m / 60, m % 60) {
            (0, 0) => "none yet".into(),
            (h, 0) => format!("{h} hour{}", if h == 1 { "" } else { "s" }),
            (h, m) => format!("{h} h {m} min"),
        }
    }
}

#[derive(Deserialize)]
pub struct HomeQuery {
    done: Option<String>,
}

pub async fn show(
    State(state): State<AppState>,
    caller: PortalCaller,
    Query(q): Query<HomeQuery>,
) -> PortalResult {
    let home = run(&state, &caller, |app, ctx| app.portal_home(ctx)).await?;
    let done = match q.done.as_deref() {
        Some("password") => Some("Your password is saved."),
        Some("signed_in") => Some("You are signed in."),
        _ => None,
    };
    render(
        &HomePage {
            shell: PortalShell::new(&caller, "/portal"),
            home,
            done,
        },
        false,
    )
}
