//! The patient's chart page, with its safety alerts, and the measure form on it.

use crate::access::Caller;
use crate::error::PageError;
use crate::pages::clinical::record::parse_path;
use crate::pages::shell::{render_refusable, Shell};
use crate::{blocking, AppState};
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use iop_app::clinical::chart::Chart;
use iop_domain::ids::PatientId;
use serde::Deserialize;
use std::collections::HashMap;

/// The chart's query: a flash after a saved form, and which page of the record.
#[derive(Deserialize)]
pub struct ChartQuery {
    done: Option<String>,
    before: Option<String>,
}

#[derive(Template)]
#[template(path = "chart.html")]
struct ChartPage {
    shell: Shell,
    /// Dates and times at the patient's program's site.
    fmt: iop_domain::display::Style,
    /// Open safety alerts about this patient addressed to the reader.
    alerts: Vec<iop_app::clinical::measures::SafetyAlert>,
    c: Chart,
    measures: Vec<iop_app::clinical::measures::Measure>,
    screens: Vec<(
        iop_app::clinical::measures::DrugScreen,
        Vec<iop_app::clinical::measures::SubstanceResult>,
    )>,
    today: String,
    /// The signed-in clinician's staff profile, and free times for an individual session with them.
    writer: bool,
    notice: Option<String>,
    my_staff: Option<iop_domain::ids::StaffId>,
    proposals: Vec<String>,
    staff: Vec<iop_app::org::staffing::StaffView>,
    error: Option<String>,
    /// A refused drug screen's form as it was sent (empty otherwise).
    screen_typed: HashMap<String, String>,
}

impl ChartPage {
    /// A drug screen field as chosen in a refused form, else `default`.
    fn screen(&self, key: &str, default: &str) -> String {
        self.screen_typed
            .get(key)
            .cloned()
            .unwrap_or_else(|| default.to_string())
    }
}

pub(crate) async fn chart_page(
    state: &AppState,
    caller: Caller,
    id: String,
    error: Option<String>,
    notice: Option<String>,
    before: Option<iop_domain::time::Day>,
) -> Result<Response, PageError> {
    chart_page_with_screen(state, caller, id, error, notice, before, HashMap::new()).await
}

/// The chart after a refused drug screen, its form open with what was chosen.
pub(crate) async fn chart_page_with_screen(
    state: &AppState,
    caller: Caller,
    id: String,
    error: Option<String>,
    notice: Option<String>,
    before: Option<iop_domain::time::Day>,
    screen_typed: HashMap<String, String>,
) -> Result<Response, PageError> {
    let shell = Shell::new(&caller, "/census");
    let app = state.app.clone();
    let ctx = caller.ctx.clone();
    let writer =
        iop_app::policy::allows(caller.authed.actor.role, iop_app::Action::RecordAttendance);
    let patient: PatientId = parse_path(&id)?;
    let (c, my_staff, proposals, staff, fmt, alerts) = blocking(move || {
        let c = app.chart(&ctx, patient, before)?;
        let fmt = app.patient_style(&ctx, patient)?;
        let alerts: Vec<_> = app
            .my_alerts(&ctx)?
            .into_iter()
            .filter(|a| a.patient_id == patient)
            .collect();
        if !writer {
            return Ok((c, None, Vec::new(), Vec::new(), fmt, alerts));
        }
        let me = app.my_staff_id(&ctx)?;
        let proposals = match &me {
            Some(s) if c.treatment_active => app.propose_appointment_times(
                &ctx,
                crate::extract::form_id(&id, "patient")?,
                *s,
                50,
                14,
            )?,
            _ => Vec::new(),
        };
        Ok((c, me, proposals, app.staff(&ctx)?, fmt, alerts))
    })
    .await?;
    let measures = c.measures.clone();
    let screens = c
        .drug_screens
        .iter()
        .cloned()
        .map(|s| {
            let results = serde_json::from_str(&s.results).unwrap_or_default();
            (s, results)
        })
        .collect();
    let today = c.today.to_string();
    let refusal = error.is_some();
    let page = ChartPage {
        shell,
        fmt,
        alerts,
        c,
        measures,
        screens,
        today,
        writer,
        notice,
        my_staff,
        proposals,
        staff,
        error,
        screen_typed,
    };
    render_refusable(&page, refusal)
}

pub async fn chart(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    Query(f): Query<ChartQuery>,
) -> Result<Response, PageError> {
    let notice = f.done.map(|d| {
        match d.as_str() {
            "booked" => "The individual session is booked.",
            "outcome" => "The appointment's outcome is recorded.",
            "note" => "The session note is saved.",
            "plan" => "The new version of the treatment plan is saved.",
            "plan_signed" => "The signature is recorded on the treatment plan.",
            "relapse_plan" => "The new version of the relapse prevention plan is saved.",
            "screen" => "The drug screen is recorded.",
            "measure_phq9" => "The PHQ-9 is recorded; its score is in the measures below.",
            "measure_gad7" => "The GAD-7 is recorded; its score is in the measures below.",
            "measure_bam" => "The BAM is recorded; its scores are in the measures below.",
            _ => "Saved.",
        }
        .to_string()
    });
    let before = f
        .before
        .as_deref()
        .filter(|b| !b.is_empty())
        .map(|b| iop_app::calendar::sessions::parse_date(b, "before").map(iop_domain::time::Day))
        .transpose()
        .map_err(PageError::from)?;
    chart_page(&state, caller, id, None, notice, before).await
}
