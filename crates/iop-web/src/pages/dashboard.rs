//! The first page after signing in.

use crate::access::Caller;
use crate::error::PageError;
use crate::pages::shell::{render, Shell};
use crate::{blocking, AppState};
use askama::Template;
use axum::extract::{Query, State};
use axum::response::Response;
use iop_app::org::read::ProgramOverview;

#[derive(Template)]
#[template(path = "dashboard.html")]
struct DashboardPage {
    shell: Shell,
    programs: Vec<ProgramOverview>,
    alerts: Vec<iop_app::clinical::measures::SafetyAlert>,
    due: Vec<iop_app::clinical::reminders::Due>,
    /// (session id, date, kind) of groups the clinician led whose note is unsigned.
    notes_due: Vec<iop_app::clinical::reminders::NoteToWrite>,
    /// Patient id → "Name (MRN)" for the alerts.
    alert_names: std::collections::HashMap<iop_domain::ids::PatientId, String>,
    cosign: Vec<iop_app::clinical::cosign::AwaitingCosign>,
    refusals: Vec<iop_app::audit::refusals::RepeatedRefusals>,
    recent: Vec<iop_app::admissions::search::PatientHit>,
    /// Dates and times in the organisation's zone.
    fmt: iop_domain::display::Style,
    /// Whether the reader co-signs notes (the queue, even empty, is theirs).
    cosigner: bool,
    notice: Option<&'static str>,
}

#[derive(serde::Deserialize)]
pub struct DashboardQuery {
    done: Option<String>,
}

pub async fn show(
    State(state): State<AppState>,
    caller: Caller,
    Query(q): Query<DashboardQuery>,
) -> Result<Response, PageError> {
    let notice = match q.done.as_deref() {
        Some("cosigned") => Some("The note is co-signed."),
        Some("acknowledged") => Some("The alert is acknowledged, with the action taken."),
        _ => None,
    };
    let shell = Shell::new(&caller, "/dashboard");
    let app = state.app.clone();
    let role = caller.authed.actor.role;
    let clinical = iop_app::policy::allows(role, iop_app::Action::ReadClinical);
    let cosigner = iop_app::policy::allows(role, iop_app::Action::CosignNotes);
    let writer = iop_app::policy::allows(role, iop_app::Action::RecordAttendance);
    let auditor = iop_app::policy::allows(role, iop_app::Action::ViewAuditLog);
    let (programs, alerts, due, cosign, alert_names, notes_due, refusals, recent, fmt) =
        blocking(move || {
            let (alerts, due, recent) = if clinical {
                (
                    app.my_alerts(&caller.ctx)?,
                    app.clinical_reminders(&caller.ctx)?,
                    app.recent_patients(&caller.ctx)?,
                )
            } else {
                (Vec::new(), Vec::new(), Vec::new())
            };
            let cosign = if cosigner {
                app.notes_awaiting_cosign(&caller.ctx)?
            } else {
                Vec::new()
            };
            let names = if clinical {
                app.alert_patients(&caller.ctx, &alerts)?
            } else {
                Default::default()
            };
            let notes_due = if writer {
                app.notes_to_write(&caller.ctx)?
            } else {
                Vec::new()
            };
            let refusals = if auditor {
                app.repeated_refusals(&caller.ctx)?
            } else {
                Vec::new()
            };
            Ok((
                app.organisation(&caller.ctx)?,
                alerts,
                due,
                cosign,
                names,
                notes_due,
                refusals,
                recent,
                app.organisation_style(&caller.ctx)?,
            ))
        })
        .await?;
    render(&DashboardPage {
        shell,
        programs,
        alerts,
        due,
        alert_names,
        notes_due,
        cosign,
        refusals,
        recent,
        fmt,
        cosigner,
        notice,
    })
}

impl DashboardPage {
    fn who(&self, patient_id: &iop_domain::ids::PatientId) -> &str {
        self.alert_names
            .get(patient_id)
            .map_or("a patient", String::as_str)
    }
}
