//! The patient and family portal. A portal caller's patient comes from their account,
//! never from the request: every use case here reads `ctx.require_portal`, and an id in
//! a URL that is not the caller's own answers exactly as an id that does not exist.

pub(crate) mod access;
mod calendar;
pub(crate) mod forms;
pub(crate) mod invite;
pub(crate) mod prefs;
pub mod records;
pub(crate) mod schedule;

pub use access::{NewPortalSession, PortalSessionInfo, ACCESS_ENDED};
pub use forms::{DueForm, FormAnswer};
pub use invite::{Invite, PortalAccess, PortalAccountView, RelativeAccess};
pub use prefs::{MailPreference, NewSecondFactor, Preferences};
pub use records::{PortalConsent, PortalDisclosure, PortalPlan, PortalStatement};
pub use schedule::{FamilyLine, PortalHome, ScheduleItem};

use crate::error::AppError;

/// The check of a use case that staff and the patient share: staff by the policy table,
/// a portal account by the portal's (and the use case then scopes to their patient).
pub(crate) fn require_either(
    ctx: &crate::ctx::Ctx,
    staff: crate::policy::Action,
    portal: crate::policy::PortalAction,
) -> crate::error::Result<()> {
    match ctx.portal_actor() {
        Some(_) => ctx.require_portal(portal).map(|_| ()),
        None => ctx.require(staff),
    }
}

/// The patient's signature in the portal: their own typed name (not "signed on paper",
/// which only staff record from a paper form).
pub(crate) fn typed_signature(typed: &str) -> crate::error::Result<String> {
    let t = typed.trim();
    if t.is_empty() || t.chars().count() > 120 || t.eq_ignore_ascii_case("signed on paper") {
        return Err(AppError::Invalid("type your full name to sign".into()));
    }
    Ok(t.to_string())
}

/// The one answer to an id the caller may not see: the same as for one that does not
/// exist, so a guessed id tells nothing.
pub(crate) fn not_found() -> AppError {
    AppError::NotFound("that page".into())
}
