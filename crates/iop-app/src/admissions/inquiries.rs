//! Inquiries: the confidential line and the web call-back form, screening, insurance
//! capture, intake scheduling, and closing an inquiry as referred out or not admitted.
//! Admission itself is in `admit.rs`.

use crate::audit::{record, record_as, Event};
use crate::ctx::{Ctx, RequestMeta};
use crate::error::{AppError, Result};
use crate::policy::Action;
use crate::App;
use iop_domain::admissions::{InquiryChannel, InsuranceStatus};
use iop_domain::admissions::{InquiryStatus, Screening};
use iop_domain::ids::*;
use iop_domain::time::{Day, Instant};
use iop_store::admissions::inquiries::{self as store, InquiryEventRow, InquiryRow};
use iop_store::{accounts::sessions, org, DbConn};
use jiff::Timestamp;

#[derive(Clone, Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewInquiry {
    /// phone, web or referral.
    pub channel: InquiryChannel,
    pub referral_source: Option<String>,
    pub first_name: String,
    pub last_name: Option<String>,
    pub phone: String,
    pub best_time: Option<String>,
    #[serde(default)]
    pub may_leave_message: bool,
    pub program_id: Option<ProgramId>,
}

/// The public call-back form: nothing clinical.
#[derive(Clone, Debug, serde::Deserialize)]
pub struct CallbackRequest {
    pub first_name: String,
    pub phone: String,
    #[serde(default)]
    pub best_time: String,
    #[serde(default)]
    pub may_leave_message: bool,
    /// A field people never see; anything in it means a robot filled the form.
    #[serde(default)]
    pub website: String,
}

pub const CALLBACKS_PER_HOUR: usize = 5;

pub(crate) fn text(v: Option<&str>, max: usize, what: &str) -> Result<Option<String>> {
    crate::input::optional_line(v, max, what)
}

pub fn check_phone(raw: &str) -> Result<String> {
    let p = raw.trim();
    let digits = p.chars().filter(char::is_ascii_digit).count();
    if !(7..=15).contains(&digits)
        || p.chars()
            .any(|c| !(c.is_ascii_digit() || " +-().".contains(c)))
    {
        return Err(AppError::Invalid(
            "give a phone number of 7 to 15 digits".into(),
        ));
    }
    Ok(p.to_string())
}

/// Moves an inquiry and keeps the move in its history and the audit trail.
pub(crate) fn move_status(
    c: &mut DbConn,
    ctx: &Ctx,
    row: &mut InquiryRow,
    to: InquiryStatus,
    reason: Option<&str>,
) -> Result<()> {
    let from = row.status;
    row.status = to;
    row.status_reason = reason.map(str::to_string);
    row.updated_at = Instant(ctx.now());
    store::update(c, row)?;
    store::insert_event(
        c,
        &InquiryEventRow {
            id: InquiryEventId::new_v7(),
            inquiry_id: row.id,
            at: Instant(ctx.now()),
            actor_id: ctx.actor().map(|a| a.user_id),
            from_status: Some(from),
            to_status: to,
            reason: reason.map(str::to_string),
        },
    )?;
    let subject = format!("inquiry:{}", row.id);
    record(
        c,
        ctx,
        Event::ok("inquiry.status")
            .subject(&subject)
            .detail(serde_json::json!({ "from": from, "to": to.to_string() })),
    )
}

pub(crate) fn new_row(
    now: Timestamp,
    channel: InquiryChannel,
    first_name: String,
    phone: String,
) -> InquiryRow {
    let at = Instant(now);
    InquiryRow {
        id: InquiryId::new_v7(),
        channel,
        referral_source: None,
        first_name,
        last_name: None,
        phone,
        best_time: None,
        may_leave_message: false,
        program_id: None,
        status: InquiryStatus::New,
        status_reason: None,
        screening: None,
        disposition: None,
        insurance_payer: None,
        insurance_member_id: None,
        insurance_status: iop_domain::admissions::InsuranceStatus::NotCaptured,
        intake_at: None,
        patient_id: None,
        first_contact_at: at,
        created_at: at,
        updated_at: at,
        payer_id: None,
    }
}

pub(crate) fn first_event(c: &mut DbConn, row: &InquiryRow, actor: Option<UserId>) -> Result<()> {
    store::insert_event(
        c,
        &InquiryEventRow {
            id: InquiryEventId::new_v7(),
            inquiry_id: row.id,
            at: row.created_at,
            actor_id: actor,
            from_status: None,
            to_status: row.status,
            reason: None,
        },
    )?;
    Ok(())
}

/// An inquiry as a page or the API shows it.
#[derive(Clone, Debug, serde::Serialize, utoipa::ToSchema)]
pub struct InquiryView {
    #[serde(flatten)]
    pub row: InquiryRowView,
    pub history: Vec<EventView>,
    /// What a referral sent over FHIR said beyond the fields above.
    pub referral: Option<ReferralView>,
}

/// A referral's birth date, diagnoses and contacts, for screening and admission.
#[derive(Clone, Debug, serde::Serialize, utoipa::ToSchema)]
pub struct ReferralView {
    pub received_at: Instant,
    pub date_of_birth: Option<Day>,
    /// ICD-10-CM codes with their words, principal first.
    pub diagnoses: Vec<(String, String)>,
    pub contacts: Vec<ReferralContactView>,
}

#[derive(Clone, Debug, serde::Serialize, utoipa::ToSchema)]
pub struct ReferralContactView {
    pub name: String,
    pub relationship: Option<String>,
    pub phone: Option<String>,
}

#[derive(Clone, Debug, serde::Serialize, utoipa::ToSchema)]
pub struct InquiryRowView {
    pub id: InquiryId,
    pub channel: InquiryChannel,
    pub referral_source: Option<String>,
    pub first_name: String,
    pub last_name: Option<String>,
    pub phone: String,
    pub best_time: Option<String>,
    pub may_leave_message: bool,
    pub program_id: Option<ProgramId>,
    pub status: InquiryStatus,
    pub status_label: &'static str,
    pub status_reason: Option<String>,
    pub screening: Option<Screening>,
    pub disposition: Option<String>,
    pub insurance_payer: Option<String>,
    pub insurance_member_id: Option<String>,
    pub insurance_status: InsuranceStatus,
    pub intake_at: Option<Instant>,
    pub patient_id: Option<PatientId>,
    pub first_contact_at: Instant,
}

#[derive(Clone, Debug, serde::Serialize, utoipa::ToSchema)]
pub struct EventView {
    pub at: Instant,
    pub actor_id: Option<UserId>,
    pub from_status: Option<InquiryStatus>,
    pub to_status: InquiryStatus,
    pub reason: Option<String>,
}

impl From<&InquiryRow> for InquiryRowView {
    fn from(r: &InquiryRow) -> Self {
        let status = r.status;
        InquiryRowView {
            id: r.id,
            channel: r.channel,
            referral_source: r.referral_source.clone(),
            first_name: r.first_name.clone(),
            last_name: r.last_name.clone(),
            phone: r.phone.clone(),
            best_time: r.best_time.clone(),
            may_leave_message: r.may_leave_message,
            program_id: r.program_id,
            status,
            status_label: status.label(),
            status_reason: r.status_reason.clone(),
            screening: r
                .screening
                .as_deref()
                .and_then(|s| serde_json::from_str(s).ok()),
            disposition: r.disposition.clone(),
            insurance_payer: r.insurance_payer.clone(),
            insurance_member_id: r.insurance_member_id.clone(),
            insurance_status: r.insurance_status,
            intake_at: r.intake_at,
            patient_id: r.patient_id,
            first_contact_at: r.first_contact_at,
        }
    }
}

impl App {
    /// The public call-back form. Rate-limited per address; a filled honeypot is
    /// accepted silently and stored nowhere. The answer never says more than "received".
    pub fn request_callback(
        &self,
        meta: &RequestMeta,
        program_slug: &str,
        req: CallbackRequest,
    ) -> Result<()> {
        let first = text(Some(&req.first_name), 60, "the first name")?
            .ok_or_else(|| AppError::Invalid("give a first name".into()))?;
        let phone = check_phone(&req.phone)?;
        let best = text(Some(&req.best_time), 60, "the best time")?;
        if !req.website.trim().is_empty() {
            return Ok(());
        }
        let key = format!("callback:{}", meta.ip.as_deref().unwrap_or("unknown"));
        let since = Instant(
            meta.now
                .checked_sub(jiff::SignedDuration::from_hours(1))
                .unwrap_or(meta.now),
        );
        self.store.write(|c| {
            let program = org::programs(c)?
                .into_iter()
                .find(|p| p.slug == program_slug)
                .ok_or_else(|| AppError::NotFound("that program".into()))?;
            if sessions::failures_since(c, &key, since)?.len() >= CALLBACKS_PER_HOUR {
                return Err(AppError::Throttled {
                    retry_after_secs: 3600,
                });
            }
            sessions::record_failure(c, &key, Instant(meta.now))?;
            let mut row = new_row(meta.now, InquiryChannel::Web, first, phone);
            row.best_time = best;
            row.may_leave_message = req.may_leave_message;
            row.program_id = Some(program.id);
            store::insert(c, &row)?;
            first_event(c, &row, None)?;
            let subject = format!("inquiry:{}", row.id);
            record_as(
                c,
                meta,
                None,
                Some(iop_domain::audit::ActorRole::Public),
                Event::ok("inquiry.create")
                    .subject(&subject)
                    .detail(serde_json::json!({ "channel": "web" })),
            )
        })
    }

    pub fn create_inquiry(&self, ctx: &Ctx, n: NewInquiry) -> Result<InquiryId> {
        ctx.require(Action::ManageInquiries)?;
        let first = text(Some(&n.first_name), 60, "the first name")?
            .ok_or_else(|| AppError::Invalid("give a first name".into()))?;
        let mut row = new_row(ctx.now(), n.channel, first, check_phone(&n.phone)?);
        row.last_name = text(n.last_name.as_deref(), 60, "the last name")?;
        row.referral_source = text(n.referral_source.as_deref(), 120, "the referral source")?;
        if n.channel == InquiryChannel::Referral && row.referral_source.is_none() {
            return Err(AppError::Invalid("say who referred the person".into()));
        }
        row.best_time = text(n.best_time.as_deref(), 60, "the best time")?;
        row.may_leave_message = n.may_leave_message;
        self.store.write(|c| {
            if let Some(p) = n.program_id {
                if !org::programs(c)?.iter().any(|x| x.id == p) {
                    return Err(AppError::NotFound(format!("program {p}")));
                }
                row.program_id = Some(p);
            }
            store::insert(c, &row)?;
            first_event(c, &row, ctx.actor().map(|a| a.user_id))?;
            let subject = format!("inquiry:{}", row.id);
            record(
                c,
                ctx,
                Event::ok("inquiry.create")
                    .subject(&subject)
                    .detail(serde_json::json!({ "channel": n.channel })),
            )?;
            Ok(row.id)
        })
    }

    /// Inquiries only: this search never finds charts, so it cannot confirm that anyone
    /// is or was a patient.
    pub fn search_inquiries(
        &self,
        ctx: &Ctx,
        status: Option<InquiryStatus>,
        q: Option<&str>,
    ) -> Result<Vec<InquiryRowView>> {
        ctx.require(Action::ManageInquiries)?;
        let q = q
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(|s| s.chars().take(60).collect::<String>());
        self.store.read_audited(|c| {
            let rows = store::search(c, status, q.as_deref(), 200)?;
            record(
                c,
                ctx,
                Event::ok("inquiry.search").detail(serde_json::json!({ "results": rows.len() })),
            )?;
            Ok(rows.iter().map(InquiryRowView::from).collect())
        })
    }

    pub fn inquiry(&self, ctx: &Ctx, id: InquiryId) -> Result<InquiryView> {
        ctx.require(Action::ManageInquiries)?;
        self.store.read_audited(|c| {
            let row =
                store::by_id(c, id)?.ok_or_else(|| AppError::NotFound(format!("inquiry {id}")))?;
            let history = store::events(c, id)?
                .into_iter()
                .map(|e| EventView {
                    at: e.at,
                    actor_id: e.actor_id,
                    from_status: e.from_status,
                    to_status: e.to_status,
                    reason: e.reason,
                })
                .collect();
            let referral =
                iop_store::admissions::referrals::of_inquiry(c, id)?.map(|(r, contacts)| {
                    ReferralView {
                        received_at: r.received_at,
                        date_of_birth: r.date_of_birth,
                        diagnoses: r
                            .diagnoses
                            .0
                            .iter()
                            .map(|d| (d.as_str().to_string(), d.description().to_string()))
                            .collect(),
                        contacts: contacts
                            .into_iter()
                            .map(|k| ReferralContactView {
                                name: k.name,
                                relationship: k.relationship,
                                phone: k.phone,
                            })
                            .collect(),
                    }
                });
            let subject = format!("inquiry:{id}");
            record(c, ctx, Event::ok("inquiry.view").subject(&subject))?;
            Ok(InquiryView {
                row: InquiryRowView::from(&row),
                history,
                referral,
            })
        })
    }

    pub(crate) fn with_open_inquiry<T>(
        &self,
        ctx: &Ctx,
        id: InquiryId,
        f: impl FnOnce(&mut DbConn, &mut InquiryRow, InquiryStatus) -> Result<T>,
    ) -> Result<T> {
        ctx.require(Action::ManageInquiries)?;
        self.store.write(|c| {
            let mut row =
                store::by_id(c, id)?.ok_or_else(|| AppError::NotFound(format!("inquiry {id}")))?;
            let status = row.status;
            if status.is_closed() {
                return Err(AppError::Conflict(format!(
                    "inquiry {id} is closed ({})",
                    status.label()
                )));
            }
            f(c, &mut row, status)
        })
    }

    /// A manual move (contacted, referred out, not admitted). Closing needs a reason.
    pub fn set_inquiry_status(
        &self,
        ctx: &Ctx,
        id: InquiryId,
        to: InquiryStatus,
        reason: Option<&str>,
    ) -> Result<()> {
        let reason = text(reason, 300, "the reason")?;
        self.with_open_inquiry(ctx, id, |c, row, from| {
            if !from.may_move_to(to) {
                return Err(AppError::Conflict(format!(
                    "an inquiry that is {} cannot become {}",
                    from.label(),
                    to.label()
                )));
            }
            if matches!(to, InquiryStatus::ReferredOut | InquiryStatus::NotAdmitted)
                && reason.is_none()
            {
                return Err(AppError::Invalid(format!(
                    "say why the inquiry is closed as {}",
                    to.label().to_lowercase()
                )));
            }
            move_status(c, ctx, row, to, reason.as_deref())
        })
    }
}
