//! Admissions pages: the inquiry list and search, one inquiry with every step
//! (contact, screening, insurance, intake, admission or closing).

use crate::access::Caller;
use crate::error::{PageError, WebError};
use crate::extract::form_id;
use crate::extract::PageForm;
use crate::extract::PathId;
use crate::pages::shell::{render_refusable, Flash, Shell};
use crate::{blocking, AppState};
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use iop_app::admissions::inquiries::{InquiryRowView, InquiryView, NewInquiry};
use iop_app::org::read::ProgramOverview;
use iop_app::org::staffing::StaffView;
use iop_app::policy::allows;
use iop_app::{Action, AppError};
use iop_domain::admissions::{InquiryStatus, WithdrawalRisk};
use serde::Deserialize;
use std::collections::HashMap;
use strum::IntoEnumIterator;

#[derive(Template)]
#[template(path = "admissions.html")]
struct ListPage {
    shell: Shell,
    rows: Vec<InquiryRowView>,
    statuses: Vec<(String, &'static str)>,
    status: String,
    q: String,
    error: Option<String>,
    /// (id, name) of every program, for the new inquiry's program.
    programs: Vec<(String, String)>,
    fmt: iop_domain::display::Style,
    /// The new inquiry's form as sent, when it was refused (empty otherwise).
    typed: HashMap<String, String>,
}

impl ListPage {
    fn typed(&self, key: &str) -> &str {
        self.typed.get(key).map_or("", String::as_str)
    }
}

#[derive(Deserialize)]
pub struct ListQuery {
    status: Option<String>,
    q: Option<String>,
}

async fn list_page(
    state: &AppState,
    caller: Caller,
    status: String,
    q: String,
    error: Option<String>,
    typed: HashMap<String, String>,
) -> Result<Response, PageError> {
    let shell = Shell::new(&caller, "/admissions");
    let parsed = match status.as_str() {
        "" => None,
        s => Some(
            s.parse::<InquiryStatus>()
                .map_err(|_| WebError::Unprocessable(format!("unknown status {s:?}")))?,
        ),
    };
    let query = q.clone();
    let (rows, programs) = state
        .run(caller.ctx.clone(), move |app, ctx| {
            let programs = app
                .organisation(ctx)?
                .into_iter()
                .map(|p| (p.program.id.to_string(), p.program.name))
                .collect::<Vec<_>>();
            Ok((app.search_inquiries(ctx, parsed, Some(&query))?, programs))
        })
        .await?;
    let statuses = InquiryStatus::iter()
        .map(|s| (s.to_string(), s.label()))
        .collect();
    let refused = error.is_some();
    let fmt = crate::pages::shell::organisation_style(state, &caller).await?;
    render_refusable(
        &ListPage {
            fmt,
            shell,
            rows,
            statuses,
            status,
            q,
            error,
            programs,
            typed,
        },
        refused,
    )
}

pub async fn list(
    State(state): State<AppState>,
    caller: Caller,
    Query(q): Query<ListQuery>,
) -> Result<Response, PageError> {
    list_page(
        &state,
        caller,
        q.status.unwrap_or_default(),
        q.q.unwrap_or_default(),
        None,
        HashMap::new(),
    )
    .await
}

#[derive(Deserialize, serde::Serialize)]
pub struct NewForm {
    channel: String,
    #[serde(default)]
    referral_source: String,
    first_name: String,
    #[serde(default)]
    last_name: String,
    phone: String,
    #[serde(default)]
    best_time: String,
    may_leave_message: Option<String>,
    #[serde(default)]
    program_id: String,
}

pub(super) fn opt(s: String) -> Option<String> {
    Some(s).filter(|s| !s.trim().is_empty())
}

pub async fn create(
    State(state): State<AppState>,
    caller: Caller,
    PageForm(f): PageForm<NewForm>,
) -> Result<Response, PageError> {
    let typed = crate::extract::as_typed(&f);
    let channel = crate::extract::form_code(&f.channel, "channel");
    let n = NewInquiry {
        channel: iop_domain::admissions::InquiryChannel::Phone,
        referral_source: opt(f.referral_source),
        first_name: f.first_name,
        last_name: opt(f.last_name),
        phone: f.phone,
        best_time: opt(f.best_time),
        may_leave_message: f.may_leave_message.is_some(),
        program_id: f.program_id.trim().parse().ok(),
    };
    match state
        .run(caller.ctx.clone(), move |app, ctx| {
            app.create_inquiry(
                ctx,
                NewInquiry {
                    channel: channel?,
                    ..n
                },
            )
        })
        .await
    {
        Ok(id) => Ok(Redirect::to(&format!("/admissions/{id}")).into_response()),
        Err(e @ (AppError::Invalid(_) | AppError::NotFound(_))) => {
            list_page(
                &state,
                caller,
                String::new(),
                String::new(),
                Some(e.to_string()),
                typed,
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Template)]
#[template(path = "inquiry.html")]
struct InquiryPage {
    shell: Shell,
    i: InquiryView,
    programs: Vec<ProgramOverview>,
    staff: Vec<StaffView>,
    risks: Vec<String>,
    insurance_statuses: Vec<iop_domain::admissions::InsuranceStatus>,
    can_admit: bool,
    can_override: bool,
    crisis: bool,
    today: String,
    error: Option<String>,
    notice: Option<String>,
    fmt: iop_domain::display::Style,
    /// The form that was refused, as it was sent.
    typed: Option<Typed>,
}

/// Which of the inquiry page's forms was refused.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum TypedForm {
    Admit,
    Screening,
}

/// A refused form of the inquiry page, as it was sent.
pub(super) struct Typed {
    pub form: TypedForm,
    pub fields: HashMap<String, String>,
}

impl InquiryPage {
    fn typed_in(&self, form: TypedForm) -> Option<&HashMap<String, String>> {
        self.typed
            .as_ref()
            .filter(|t| t.form == form)
            .map(|t| &t.fields)
    }

    /// A field of the admission form: as typed when refused, else `default`.
    fn typed(&self, key: &str, default: &str) -> String {
        match self.typed_in(TypedForm::Admit) {
            Some(t) => t.get(key).cloned().unwrap_or_default(),
            None => default.to_string(),
        }
    }

    /// A screening answer: as typed when refused, else as recorded, else empty.
    fn screen(&self, key: &str) -> String {
        if let Some(t) = self.typed_in(TypedForm::Screening) {
            return t.get(key).cloned().unwrap_or_default();
        }
        let Some(s) = &self.i.row.screening else {
            return String::new();
        };
        let yes = |b: bool| if b { "yes" } else { "" }.to_string();
        match key {
            "substances" => s.substances.join(", "),
            "last_use" => s.last_use.clone().unwrap_or_default(),
            "withdrawal_risk" => s.withdrawal_risk.to_string(),
            "complicated_withdrawal_history" => yes(s.complicated_withdrawal_history),
            "danger_to_self" => yes(s.danger_to_self),
            "danger_to_others" => yes(s.danger_to_others),
            "prior_treatment" => yes(s.prior_treatment),
            "stepping_down" => yes(s.stepping_down),
            _ => String::new(),
        }
    }
}

async fn inquiry_page(
    state: &AppState,
    caller: Caller,
    id: String,
    error: Option<String>,
    notice: Option<String>,
) -> Result<Response, PageError> {
    inquiry_page_typed(state, caller, id, error, notice, None).await
}

/// The inquiry page; after a refused admission, its form as it was sent.
pub(super) async fn inquiry_page_typed(
    state: &AppState,
    caller: Caller,
    id: String,
    error: Option<String>,
    notice: Option<String>,
    typed: Option<Typed>,
) -> Result<Response, PageError> {
    let shell = Shell::new(&caller, "/admissions");
    let role = caller.authed.actor.role;
    let app = state.app.clone();
    let ctx = caller.ctx.clone();
    let (i, programs, staff, today, fmt) = blocking(move || {
        let i = app.inquiry(&ctx, form_id(&id, "inquiry")?)?;
        let today = match i.row.program_id {
            Some(p) => app.program_today(&ctx, p)?,
            None => app.organisation_today(&ctx)?,
        };
        Ok((
            i,
            app.organisation(&ctx)?,
            app.staff_for_admission(&ctx)?,
            today.to_string(),
            app.organisation_style(&ctx)?,
        ))
    })
    .await?;
    let crisis = i.row.disposition.as_deref() == Some("crisis_protocol");
    let refused = error.is_some();
    let page = InquiryPage {
        shell,
        i,
        programs,
        staff,
        risks: WithdrawalRisk::iter().map(|r| r.to_string()).collect(),
        insurance_statuses: iop_domain::admissions::InsuranceStatus::iter().collect(),
        can_admit: allows(role, Action::AdmitPatient),
        can_override: allows(role, Action::OverrideRatio),
        crisis,
        today,
        error,
        notice,
        fmt,
        typed,
    };
    render_refusable(&page, refused)
}

pub async fn show(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    Query(f): Query<Flash>,
) -> Result<Response, PageError> {
    let notice = f.done.map(|d| match d.as_str() {
        "admitted" => {
            "Admitted. The patient is on the track's sessions from the admit date.".to_string()
        }
        _ => "Saved.".to_string(),
    });
    inquiry_page(&state, caller, id, None, notice).await
}

/// Runs a step and answers: back to the inquiry, or the inquiry again with the reason.
pub(super) async fn step(
    state: AppState,
    caller: Caller,
    id: iop_domain::ids::InquiryId,
    done: &str,
    f: impl FnOnce(iop_app::App, iop_app::Ctx, iop_domain::ids::InquiryId) -> Result<(), AppError>
        + Send
        + 'static,
) -> Result<Response, PageError> {
    step_typed(state, caller, id, done, None, f).await
}

/// A step whose refusal shows its form again as `typed`.
pub(super) async fn step_typed(
    state: AppState,
    caller: Caller,
    id: iop_domain::ids::InquiryId,
    done: &str,
    typed: Option<Typed>,
    f: impl FnOnce(iop_app::App, iop_app::Ctx, iop_domain::ids::InquiryId) -> Result<(), AppError>
        + Send
        + 'static,
) -> Result<Response, PageError> {
    match state
        .run(caller.ctx.clone(), move |app, ctx| {
            f(app.clone(), ctx.clone(), id)
        })
        .await
    {
        Ok(()) => Ok(Redirect::to(&format!("/admissions/{id}?done={done}")).into_response()),
        Err(e @ (AppError::Invalid(_) | AppError::Conflict(_) | AppError::NotFound(_))) => {
            inquiry_page_typed(
                &state,
                caller,
                id.to_string(),
                Some(e.to_string()),
                None,
                typed,
            )
            .await
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Deserialize)]
pub struct StatusForm {
    status: String,
    #[serde(default)]
    reason: String,
}

pub async fn set_status(
    State(state): State<AppState>,
    caller: Caller,
    PathId(id): PathId<iop_domain::ids::InquiryId>,
    PageForm(f): PageForm<StatusForm>,
) -> Result<Response, PageError> {
    step(state, caller, id, "saved", move |app, ctx, id| {
        let to: InquiryStatus = f
            .status
            .parse()
            .map_err(|_| AppError::Invalid(format!("unknown status {:?}", f.status)))?;
        app.set_inquiry_status(&ctx, id, to, opt(f.reason).as_deref())
    })
    .await
}

#[derive(Deserialize)]
pub struct InsuranceForm {
    #[serde(default)]
    payer: String,
    #[serde(default)]
    member_id: String,
    status: String,
}

pub async fn insurance(
    State(state): State<AppState>,
    caller: Caller,
    PathId(id): PathId<iop_domain::ids::InquiryId>,
    PageForm(f): PageForm<InsuranceForm>,
) -> Result<Response, PageError> {
    step(state, caller, id, "saved", move |app, ctx, id| {
        app.capture_insurance(
            &ctx,
            id,
            opt(f.payer).as_deref(),
            opt(f.member_id).as_deref(),
            crate::extract::form_code(&f.status, "verification status")?,
        )
    })
    .await
}

#[derive(Deserialize)]
pub struct IntakeForm {
    date: String,
    time: String,
}

pub async fn intake(
    State(state): State<AppState>,
    caller: Caller,
    PathId(id): PathId<iop_domain::ids::InquiryId>,
    PageForm(f): PageForm<IntakeForm>,
) -> Result<Response, PageError> {
    step(state, caller, id, "saved", move |app, ctx, id| {
        let date: jiff::civil::Date = f
            .date
            .trim()
            .parse()
            .map_err(|_| AppError::Invalid("the intake date must be like 2026-12-01".into()))?;
        let time: jiff::civil::Time = f
            .time
            .trim()
            .parse()
            .map_err(|_| AppError::Invalid("the intake time must be like 15:00".into()))?;
        app.schedule_intake_local(&ctx, id, date.to_datetime(time))
    })
    .await
}
