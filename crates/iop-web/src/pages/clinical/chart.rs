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
    /// The patient's open safety alerts, and those acknowledged lately.
    alerts: Vec<iop_app::clinical::alerts::ChartAlert>,
    c: Chart,
    measures: Vec<iop_app::clinical::measures::Measure>,
    screens: Vec<(
        iop_app::clinical::measures::DrugScreen,
        Vec<iop_app::clinical::measures::SubstanceResult>,
    )>,
    today: String,
    /// The signed-in clinician's staff profile, and free times for an individual session with them.
    writer: bool,
    /// Whether the reader may co-sign (a supervising clinician).
    cosigner: bool,
    notice: Option<String>,
    my_staff: Option<iop_domain::ids::StaffId>,
    proposals: Vec<String>,
    staff: Vec<iop_app::org::staffing::StaffView>,
    error: Option<String>,
    /// A refused form of the chart (a drug screen, a booking, an individual note), as sent.
    typed: ChartTyped,
}

/// A form of the chart that was refused or must be confirmed, as it was sent: `screen`,
/// `book`, or `note:<appointment id>`.
#[derive(Default)]
pub(crate) struct ChartTyped {
    pub form: String,
    pub fields: HashMap<String, String>,
    /// "Save and sign" on an individual note asks once before the note is locked.
    pub confirm_sign: bool,
}

impl ChartPage {
    /// A field of the refused form `form` as it was sent, else `default`.
    fn field(&self, form: &str, key: &str, default: &str) -> String {
        if self.typed.form == form {
            self.typed.fields.get(key).cloned().unwrap_or_default()
        } else {
            default.to_string()
        }
    }

    /// The counselor a booking is with: as chosen in a refused booking, else the reader.
    fn booking_staff(&self) -> String {
        let me = self.my_staff.map(|s| s.to_string()).unwrap_or_default();
        self.field("book", "staff_id", &me)
    }

    fn refused(&self, form: &str) -> bool {
        self.typed.form == form
    }

    /// A drug screen field as chosen in a refused form, else `default`.
    fn screen(&self, key: &str, default: &str) -> String {
        match self.typed.fields.get(key) {
            Some(v) if self.refused("screen") => v.clone(),
            _ => default.to_string(),
        }
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
    chart_page_typed(
        state,
        caller,
        id,
        error,
        notice,
        before,
        ChartTyped::default(),
    )
    .await
}

/// The chart after a refused form, that form open with what was typed or chosen.
pub(crate) async fn chart_page_typed(
    state: &AppState,
    caller: Caller,
    id: String,
    error: Option<String>,
    notice: Option<String>,
    before: Option<iop_domain::time::Day>,
    typed: ChartTyped,
) -> Result<Response, PageError> {
    let shell = Shell::new(&caller, "/census");
    let app = state.app.clone();
    let ctx = caller.ctx.clone();
    let writer =
        iop_app::policy::allows(caller.authed.actor.role, iop_app::Action::RecordAttendance);
    let cosigner = iop_app::policy::allows(caller.authed.actor.role, iop_app::Action::CosignNotes);
    let patient: PatientId = parse_path(&id)?;
    let (c, my_staff, proposals, staff, fmt, alerts) = blocking(move || {
        let c = app.chart(&ctx, patient, before)?;
        let fmt = app.patient_style(&ctx, patient)?;
        let alerts = app.patient_alerts(&ctx, patient)?;
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
        cosigner,
        notice,
        my_staff,
        proposals,
        staff,
        error,
        typed,
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
            "relapse_plan_signed" => "The signature is recorded on the relapse prevention plan.",
            "relapse_plan" => "The new version of the relapse prevention plan is saved.",
            "screen" => "The drug screen is recorded.",
            "cosigned" => "The note is co-signed.",
            "acknowledged" => "The safety alert is acknowledged, with what was done.",
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
