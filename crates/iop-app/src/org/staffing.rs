//! Staff profiles, facilitator assignments and the 1:6 ratio.

use crate::audit::{record, Event};
use crate::calendar::sessions::{check_range, session_views, SessionView};
use crate::ctx::Ctx;
use crate::error::{AppError, Result};
use crate::policy::Action;
use crate::App;
use iop_domain::calendar::SessionStatus;
use iop_domain::ids::SessionId;
use iop_domain::ids::*;
use iop_domain::npi::Npi;
use iop_domain::ratio::staffing;
use iop_domain::time::{Day, Instant};
use iop_store::calendar::{self as cal, AssignmentRow, StaffRow};
use iop_store::DbConn;
use jiff::civil::Date;

pub const CREDENTIALS: &[&str] = &[
    "LCSW", "LMSW", "LADC", "CADC", "LPC", "LMHC", "LMFT", "PsyD", "PhD", "MD", "RN", "CPRS",
];

pub struct NewStaff {
    pub display_name: String,
    pub credentials: Vec<String>,
    pub npi: Option<String>,
    /// The provider taxonomy code claims name the clinician with.
    pub taxonomy: Option<String>,
    pub user_email: Option<String>,
    pub requires_cosign: bool,
}

#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct StaffView {
    pub id: StaffId,
    pub display_name: String,
    pub credentials: Vec<String>,
    pub npi: Option<iop_domain::npi::Npi>,
    pub taxonomy: Option<String>,
    pub user_id: Option<UserId>,
    pub active: bool,
    pub requires_cosign: bool,
}

impl From<StaffRow> for StaffView {
    fn from(r: StaffRow) -> Self {
        StaffView {
            id: r.id,
            display_name: r.display_name,
            credentials: r.credentials.0.iter().map(ToString::to_string).collect(),
            npi: r.npi,
            taxonomy: r.taxonomy,
            user_id: r.user_id,
            active: r.active,
            requires_cosign: r.requires_cosign,
        }
    }
}

/// Which sessions a bulk assignment covers.
pub struct BulkAssign {
    pub staff_id: StaffId,
    pub program_id: ProgramId,
    pub track_id: Option<TrackId>,
    pub kind: iop_domain::calendar::SessionKind,
    pub from: Date,
    pub to: Date,
}

/// A clinician's individual NPI (Luhn-checked with the 80840 prefix) and taxonomy
/// code, each optional; blank means none.
fn billing_identity(
    npi: Option<&str>,
    taxonomy: Option<&str>,
) -> Result<(Option<Npi>, Option<String>)> {
    let npi = match npi.map(str::trim).filter(|s| !s.is_empty()) {
        Some(raw) => Some(Npi::parse(raw).map_err(|e| AppError::Invalid(e.to_string()))?),
        None => None,
    };
    let taxonomy = match taxonomy.map(str::trim).filter(|s| !s.is_empty()) {
        Some(raw) => {
            Some(iop_domain::npi::taxonomy(raw).map_err(|e| AppError::Invalid(e.to_string()))?)
        }
        None => None,
    };
    Ok((npi, taxonomy))
}

impl App {
    /// Sets the NPI and taxonomy claims name a clinician with (loop 2310B).
    pub fn set_staff_billing_identity(
        &self,
        ctx: &Ctx,
        staff_id: StaffId,
        npi: Option<&str>,
        taxonomy: Option<&str>,
    ) -> Result<StaffView> {
        ctx.require(Action::ManageStaffing)?;
        let (npi, taxonomy) = billing_identity(npi, taxonomy)?;
        self.store.write(|c| {
            let mut row = cal::staff_by_id(c, staff_id)?
                .ok_or_else(|| AppError::NotFound(format!("staff member {staff_id}")))?;
            row.npi = npi.clone();
            row.taxonomy = taxonomy.clone();
            cal::set_staff_billing_identity(c, staff_id, npi.as_ref(), taxonomy.as_deref())?;
            let subject = format!("staff:{staff_id}");
            record(
                c,
                ctx,
                Event::ok("staff.billing_identity").subject(&subject),
            )?;
            Ok(row.into())
        })
    }
}

/// A staff profile as its edit form sends it.
pub struct StaffProfile {
    pub credentials: Vec<String>,
    pub npi: Option<String>,
    pub taxonomy: Option<String>,
    /// Their notes need a clinical director's co-signature.
    pub requires_cosign: bool,
    /// Still works here (an inactive profile is offered for no new group).
    pub active: bool,
}

fn credentials_of(list: &[String]) -> Result<iop_domain::account::Credentials> {
    list.iter()
        .filter(|c| !c.trim().is_empty())
        .map(|cred| {
            cred.parse().map_err(|_| {
                AppError::Invalid(format!(
                    "unknown credential {cred:?}; use one of {}",
                    CREDENTIALS.join(", ")
                ))
            })
        })
        .collect::<Result<Vec<_>>>()
        .map(iop_domain::account::Credentials)
}

impl App {
    /// Changes a profile's credentials, billing identity, supervision and status.
    pub fn update_staff_profile(
        &self,
        ctx: &Ctx,
        staff_id: StaffId,
        p: StaffProfile,
    ) -> Result<()> {
        ctx.require(Action::ManageStaffing)?;
        let credentials = credentials_of(&p.credentials)?;
        let (npi, taxonomy) = billing_identity(p.npi.as_deref(), p.taxonomy.as_deref())?;
        self.store.write(|c| {
            if !cal::set_staff_profile(c, staff_id, &credentials, p.requires_cosign, p.active)? {
                return Err(AppError::NotFound(format!("staff member {staff_id}")));
            }
            cal::set_staff_billing_identity(c, staff_id, npi.as_ref(), taxonomy.as_deref())?;
            let subject = format!("staff:{staff_id}");
            record(
                c,
                ctx,
                Event::ok("staff.profile")
                    .subject(&subject)
                    .detail(serde_json::json!({
                        "requires_cosign": p.requires_cosign,
                        "active": p.active,
                    })),
            )
        })
    }
}

pub fn insert_staff_row(c: &mut DbConn, ctx: &Ctx, new: NewStaff) -> Result<StaffId> {
    let name = crate::input::line(&new.display_name, 120, "the name")?;
    let credentials = credentials_of(&new.credentials)?;
    let (npi, taxonomy) = billing_identity(new.npi.as_deref(), new.taxonomy.as_deref())?;
    let user_id = match new
        .user_email
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        Some(email) => {
            let u = iop_store::accounts::users::by_email(c, &email.to_lowercase())?
                .ok_or_else(|| AppError::NotFound(format!("an account with the email {email}")))?;
            if cal::staff_by_user(c, u.id)?.is_some() {
                return Err(AppError::Conflict(format!(
                    "the account {email} already has a staff profile"
                )));
            }
            Some(u.id)
        }
        None => None,
    };
    let id = StaffId::new_v7();
    cal::insert_staff(
        c,
        &StaffRow {
            id,
            user_id,
            display_name: name,
            credentials,
            npi,
            active: true,
            created_at: Instant(ctx.now()),
            requires_cosign: new.requires_cosign,
            taxonomy,
        },
    )?;
    let subject = format!("staff:{id}");
    record(c, ctx, Event::ok("staff.add").subject(&subject))?;
    Ok(id)
}

fn assign_in(c: &mut DbConn, ctx: &Ctx, session_id: SessionId, staff_id: StaffId) -> Result<bool> {
    let s = cal::session_by_id(c, session_id)?
        .ok_or_else(|| AppError::NotFound(format!("session {session_id}")))?;
    if s.status == SessionStatus::Cancelled {
        return Ok(false);
    }
    if cal::current_assignments(c, &[session_id])?
        .iter()
        .any(|a| a.staff_id == staff_id)
    {
        return Ok(false);
    }
    cal::insert_assignment(
        c,
        &AssignmentRow {
            id: AssignmentId::new_v7(),
            session_id,
            staff_id,
            assigned_at: Instant(ctx.now()),
            unassigned_at: None,
            unassigned_reason: None,
        },
    )?;
    let subject = format!("session:{session_id}");
    record(
        c,
        ctx,
        Event::ok("staffing.assign")
            .subject(&subject)
            .detail(serde_json::json!({ "staff_id": staff_id })),
    )?;
    Ok(true)
}

fn require_staff(c: &mut DbConn, staff_id: StaffId) -> Result<StaffRow> {
    let s = cal::staff_by_id(c, staff_id)?
        .ok_or_else(|| AppError::NotFound(format!("staff member {staff_id}")))?;
    if !s.active {
        return Err(AppError::Conflict(format!(
            "staff member {staff_id} is inactive"
        )));
    }
    Ok(s)
}

impl App {
    pub fn add_staff(&self, ctx: &Ctx, new: NewStaff) -> Result<StaffId> {
        ctx.require(Action::ManageStaffing)?;
        self.store.write(|c| insert_staff_row(c, ctx, new))
    }

    pub fn staff(&self, ctx: &Ctx) -> Result<Vec<StaffView>> {
        ctx.require(Action::ViewStaffing)?;
        Ok(self
            .store
            .read(|c| cal::all_staff(c).map_err(AppError::from))?
            .into_iter()
            .map(StaffView::from)
            .collect())
    }

    pub fn assign_facilitator(
        &self,
        ctx: &Ctx,
        session_id: SessionId,
        staff_id: StaffId,
    ) -> Result<bool> {
        ctx.require(Action::ManageStaffing)?;
        self.store.write(|c| {
            require_staff(c, staff_id)?;
            assign_in(c, ctx, session_id, staff_id)
        })
    }

    /// "Facilitates the Mon/Tue/Thu core groups from date to date": returns how many
    /// sessions got the facilitator.
    pub fn assign_bulk(&self, ctx: &Ctx, b: BulkAssign) -> Result<usize> {
        ctx.require(Action::ManageStaffing)?;
        check_range(b.from, b.to)?;
        self.store.write(|c| {
            require_staff(c, b.staff_id)?;
            let sessions = cal::sessions_between(
                c,
                Some(std::slice::from_ref(&b.program_id)),
                Day(b.from),
                Day(b.to),
            )?;
            let mut n = 0;
            for s in sessions
                .iter()
                .filter(|s| s.kind == b.kind && (b.track_id.is_none() || s.track_id == b.track_id))
            {
                if assign_in(c, ctx, s.id, b.staff_id)? {
                    n += 1;
                }
            }
            Ok(n)
        })
    }

    /// Takes a facilitator off a session. Refused, naming the session, when the session
    /// would then break the ratio — unless a replacement takes their place.
    pub fn unassign_facilitator(
        &self,
        ctx: &Ctx,
        session_id: SessionId,
        staff_id: StaffId,
        replacement: Option<StaffId>,
    ) -> Result<()> {
        ctx.require(Action::ManageStaffing)?;
        self.store.write(|c| {
            let row = cal::session_by_id(c, session_id)?.ok_or_else(|| AppError::NotFound(format!("session {session_id}")))?;
            let date: Date = row.local_date.0;
            let view = session_views(c, Some(row.program_id), date, date)?
                .into_iter()
                .find(|v| v.id == session_id)
                .ok_or_else(|| AppError::NotFound(format!("session {session_id}")))?;
            if !view.facilitators.iter().any(|f| f.staff_id == staff_id) {
                return Err(AppError::NotFound(format!("staff member {staff_id} on session {session_id}")));
            }
            if let Some(r) = replacement {
                if r == staff_id {
                    return Err(AppError::Invalid("the replacement must be someone else".into()));
                }
                require_staff(c, r)?;
            }
            let remaining = view.facilitators.len() - 1 + usize::from(replacement.is_some_and(|r| !view.facilitators.iter().any(|f| f.staff_id == r)));
            let max = iop_store::org::programs(c)?.iter().find(|p| p.id == row.program_id).map(|p| p.max_patients_per_facilitator).unwrap_or(6);
            let after = staffing(view.expected_roster, u32::try_from(remaining).unwrap_or(0), u32::try_from(max).unwrap_or(6));
            if row.status == SessionStatus::Scheduled && after.more() > 0 {
                return Err(AppError::Conflict(format!(
                    "{} expects {} patients and would need {} more facilitator(s) at 1:{max}; name a replacement to unassign",
                    crate::calendar::views::describe_session(&view, self.settings.locale),
                    view.expected_roster,
                    after.more()
                )));
            }
            if let Some(r) = replacement {
                assign_in(c, ctx, session_id, r)?;
            }
            cal::unassign(c, session_id, staff_id, Instant(ctx.now()), "unassigned")?;
            let subject = format!("session:{session_id}");
            record(c, ctx, Event::ok("staffing.unassign").subject(&subject).detail(serde_json::json!({ "staff_id": staff_id, "replacement": replacement })))
        })
    }

    /// Every session of the range with roster, facilitators and how many more it needs.
    /// Sessions of `[from, to]` with their staffing, at one site or all of them.
    pub fn staffing_view(
        &self,
        ctx: &Ctx,
        from: Date,
        to: Date,
        site: Option<SiteId>,
    ) -> Result<Vec<SessionView>> {
        ctx.require(Action::ViewStaffing)?;
        check_range(from, to)?;
        self.store.read(|c| {
            if let Some(id) = site {
                iop_store::org::site_by_id(c, id)?
                    .ok_or_else(|| AppError::NotFound(format!("site {id}")))?;
            }
            crate::calendar::views::session_views_at(c, site, from, to)
        })
    }

    /// The staff profile of the signed-in account, if any.
    pub fn my_staff_id(&self, ctx: &Ctx) -> Result<Option<StaffId>> {
        let Some(a) = ctx.actor() else {
            return Ok(None);
        };
        let uid = a.user_id;
        Ok(self
            .store
            .read(|c| cal::staff_by_user(c, uid).map_err(AppError::from))?
            .map(|s| s.id))
    }

    /// A staff member's sessions on one local date (the "tonight" view).
    pub fn sessions_of_staff_on(
        &self,
        ctx: &Ctx,
        staff_id: StaffId,
        date: Date,
    ) -> Result<Vec<SessionView>> {
        ctx.require(Action::ViewCalendar)?;
        self.store.read(|c| {
            Ok(session_views(c, None, date, date)?
                .into_iter()
                .filter(|s| s.facilitators.iter().any(|f| f.staff_id == staff_id))
                .collect())
        })
    }

    /// The next group the staff member leads after `date`, within four weeks.
    pub fn next_session_of_staff(
        &self,
        ctx: &Ctx,
        staff_id: StaffId,
        date: Date,
    ) -> Result<Option<SessionView>> {
        ctx.require(Action::ViewCalendar)?;
        let (Ok(from), Ok(to)) = (
            date.tomorrow(),
            date.checked_add(jiff::Span::new().days(28)),
        ) else {
            return Ok(None);
        };
        self.store.read(|c| {
            Ok(session_views(c, None, from, to)?.into_iter().find(|s| {
                s.status != iop_domain::calendar::SessionStatus::Cancelled
                    && s.facilitators.iter().any(|f| f.staff_id == staff_id)
            }))
        })
    }
}

impl App {
    /// Counselors who can be a new patient's primary counselor (for the admission form).
    pub fn staff_for_admission(&self, ctx: &Ctx) -> Result<Vec<StaffView>> {
        ctx.require(Action::AdmitPatient)
            .or_else(|_| ctx.require(Action::ManageInquiries))?;
        Ok(self
            .store
            .read(|c| cal::all_staff(c).map_err(AppError::from))?
            .into_iter()
            .filter(|s| s.active)
            .map(StaffView::from)
            .collect())
    }
}
