//! What a staff member does with their own account: change their password.

use super::auth::{hash_password, verify_password};
use crate::audit::{record, Event};
use crate::ctx::Ctx;
use crate::error::{AppError, Result};
use crate::policy::Action;
use crate::App;
use iop_domain::account::Email;
use iop_domain::audit::Outcome;
use iop_domain::security::{retry_at, FAILURE_WINDOW};
use iop_domain::time::Instant;
use iop_store::accounts::{sessions, users};

impl App {
    /// Changes the caller's own password, given the current one (ASVS V6.2.3), with
    /// the same strength rules as every password. Every session and API token of the
    /// account ends, this one too, so a stolen session does not outlive the change.
    pub fn change_own_password(&self, ctx: &Ctx, current: &str, new: String) -> Result<()> {
        ctx.require(Action::ViewDashboard)?;
        let me = ctx
            .actor()
            .ok_or(AppError::Forbidden("change a password without an account"))?
            .user_id;
        let user = self
            .store
            .read(|c| users::by_id(c, me).map_err(AppError::from))?
            .ok_or_else(|| AppError::NotFound("your account".into()))?;
        // Wrong current passwords count with failed sign-ins, so a borrowed session
        // cannot guess at it faster than the sign-in form allows.
        let key = format!("email:{}", user.email.to_lowercase());
        let since = Instant(ctx.now().checked_sub(FAILURE_WINDOW).unwrap_or(ctx.now()));
        let failures: Vec<jiff::Timestamp> = self.store.read(|c| {
            Ok::<_, AppError>(
                sessions::failures_since(c, &key, since)?
                    .iter()
                    .map(|t| t.0)
                    .collect(),
            )
        })?;
        if let Some(until) = retry_at(&failures, ctx.now()) {
            return Err(AppError::throttled_until(until, ctx.now()));
        }
        if !verify_password(current, &user.password_hash) {
            self.store.write(|c| {
                sessions::record_failure(c, &key, Instant(ctx.now()))?;
                let subject = format!("user:{me}");
                record(
                    c,
                    ctx,
                    Event::ok("user.change_password")
                        .outcome(Outcome::Denied)
                        .subject(&subject),
                )
            })?;
            return Err(AppError::Invalid(
                "the current password is not right".into(),
            ));
        }
        let email = Email::parse(&user.email)?;
        let password = self.checked_password(new, &email, &user.display_name)?;
        if password.expose() == current {
            return Err(AppError::Invalid(
                "the new password is the same as the current one".into(),
            ));
        }
        let hash = hash_password(password.expose())?;
        self.store.write(|c| {
            users::set_password_hash(c, me, &hash)?;
            Self::sign_out_everywhere(c, me, Instant(ctx.now()))?;
            let subject = format!("user:{me}");
            record(c, ctx, Event::ok("user.change_password").subject(&subject))
        })
    }
}
