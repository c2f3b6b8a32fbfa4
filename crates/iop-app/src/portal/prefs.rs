//! Which messages a person wants, and their quiet hours.

use crate::audit::{record, Event};
use crate::ctx::Ctx;
use crate::error::{AppError, Result};
use crate::policy::PortalAction;
use crate::App;
use iop_domain::ids::UserId;
use iop_domain::portal::{MailKind, QuietHours};
use iop_domain::time::{ClockTime, Instant};
use iop_store::portal::accounts as store;
use iop_store::DbConn;

#[derive(Clone, Debug)]
pub struct MailPreference {
    pub kind: MailKind,
    pub wanted: bool,
}

#[derive(Clone, Debug)]
pub struct Preferences {
    pub email: String,
    pub items: Vec<MailPreference>,
    pub quiet_from: Option<ClockTime>,
    pub quiet_until: Option<ClockTime>,
    pub bounced: bool,
    pub has_second_factor: bool,
    /// A calendar link is on.
    pub has_feed: bool,
}

/// Each optional kind with the person's choice, or its default (group-night reminders
/// are opt-in, the others opt-out).
pub(crate) fn wants(c: &mut DbConn, account: UserId) -> Result<Vec<(MailKind, bool)>> {
    let set = store::preferences(c, account)?;
    Ok(MailKind::OPTIONAL
        .iter()
        .map(|k| {
            let chosen = set.iter().find(|(kind, _)| kind == k).map(|(_, w)| *w);
            (*k, chosen.unwrap_or(!k.opt_in()))
        })
        .collect())
}

/// The quiet hours of an account, when both ends are set.
pub(crate) fn quiet_hours(a: &store::PortalAccountRow) -> Option<QuietHours> {
    match (a.quiet_from, a.quiet_until) {
        (Some(from), Some(until)) if from != until => Some(QuietHours {
            from: from.0,
            until: until.0,
        }),
        _ => None,
    }
}

impl App {
    pub fn portal_preferences(&self, ctx: &Ctx) -> Result<Preferences> {
        let me = ctx.require_portal(PortalAction::ManageAccount)?;
        let id = me.account_id;
        self.store.read_audited(|c| {
            let a = store::by_id(c, id)?.ok_or_else(super::not_found)?;
            let items = wants(c, id)?
                .into_iter()
                .map(|(kind, wanted)| MailPreference { kind, wanted })
                .collect();
            record(c, ctx, Event::ok("portal.preferences.read"))?;
            Ok(Preferences {
                email: a.email.clone(),
                items,
                quiet_from: a.quiet_from,
                quiet_until: a.quiet_until,
                bounced: a.bounced_at.is_some(),
                has_second_factor: a.totp_secret.is_some(),
                has_feed: a.feed_token_hash.is_some(),
            })
        })
    }

    /// Saves the person's choices: the kinds they want (others off) and quiet hours
    /// (both or neither). A new choice also clears a bounce mark: they say the address
    /// works again.
    pub fn set_portal_preferences(
        &self,
        ctx: &Ctx,
        wanted: &[MailKind],
        quiet: Option<(ClockTime, ClockTime)>,
    ) -> Result<()> {
        let me = ctx.require_portal(PortalAction::ManageAccount)?;
        let id = me.account_id;
        if quiet.is_some_and(|(a, b)| a == b) {
            return Err(AppError::Invalid(
                "quiet hours need different start and end times".into(),
            ));
        }
        let now = Instant(ctx.now());
        self.store.write(|c| {
            for kind in MailKind::OPTIONAL {
                store::set_preference(c, id, kind, wanted.contains(&kind), now)?;
            }
            store::set_quiet_hours(c, id, quiet.map(|q| q.0), quiet.map(|q| q.1))?;
            if let Some(a) = store::by_id(c, id)? {
                store::set_bounced(c, &a.email, None)?;
            }
            let kinds: Vec<&str> = wanted.iter().map(|k| k.as_str()).collect();
            record(
                c,
                ctx,
                Event::ok("portal.preferences.set")
                    .detail(serde_json::json!({ "wanted": kinds, "quiet_hours": quiet.is_some() })),
            )
        })
    }
}

/// A second factor being turned on: the seed to put in an authenticator app.
#[derive(Clone, Debug)]
pub struct NewSecondFactor {
    pub secret: String,
    pub otpauth_url: String,
}

impl App {
    /// A fresh seed for the person's authenticator app; nothing is stored until a code
    /// from it is confirmed.
    pub fn portal_second_factor_seed(&self, ctx: &Ctx) -> Result<NewSecondFactor> {
        let me = ctx.require_portal(PortalAction::ManageAccount)?;
        let email = self
            .store
            .read(|c| Ok::<_, AppError>(store::by_id(c, me.account_id)?))?
            .map(|a| a.email)
            .ok_or_else(super::not_found)?;
        let secret = totp_rs::Secret::generate_secret();
        let encoded = secret.to_encoded().to_string();
        let bytes = secret
            .to_bytes()
            .map_err(|e| AppError::Internal(format!("totp: {e}")))?;
        // The issuer an authenticator app shows: neutral, like every message.
        let totp = totp_rs::TOTP::new(
            totp_rs::Algorithm::SHA1,
            6,
            1,
            30,
            bytes,
            Some(iop_domain::portal::DEFAULT_SENDER_NAME.into()),
            email,
        )
        .map_err(|e| AppError::Internal(format!("totp: {e}")))?;
        Ok(NewSecondFactor {
            secret: encoded,
            otpauth_url: totp.get_url(),
        })
    }

    /// The account's own password, asked before a change of how it signs in; wrong
    /// answers are throttled as sign-ins are.
    fn check_own_password(&self, ctx: &Ctx, password: &str) -> Result<()> {
        let me = ctx.require_portal(PortalAction::ManageAccount)?;
        let id = me.account_id;
        let key = format!("portal-password:{id}");
        self.refuse_if_locked(
            &ctx.meta,
            std::slice::from_ref(&key),
            "portal.password.check",
        )?;
        let account = self
            .store
            .read(|c| Ok::<_, AppError>(store::by_id(c, id)?))?
            .ok_or_else(super::not_found)?;
        let ok = account
            .password_hash
            .as_deref()
            .is_some_and(|h| crate::accounts::auth::verify_password(password, h));
        if !ok {
            self.store.write(|c| {
                iop_store::accounts::sessions::record_failure(c, &key, Instant(ctx.now()))?;
                record(
                    c,
                    ctx,
                    Event::ok("portal.password.check").outcome(iop_domain::audit::Outcome::Denied),
                )
            })?;
            return Err(AppError::Invalid("that password is not right".into()));
        }
        Ok(())
    }

    /// Turns the second factor on once a code from the app matches the seed, with the
    /// account's password; every session ends (sign in again, with a code).
    pub fn portal_second_factor_on(
        &self,
        ctx: &Ctx,
        secret: &str,
        code: &str,
        password: &str,
    ) -> Result<()> {
        self.check_own_password(ctx, password)?;
        let me = ctx.require_portal(PortalAction::ManageAccount)?;
        let id = me.account_id;
        let Some(step) = crate::accounts::auth::totp_step(secret, code, ctx.now()) else {
            return Err(AppError::Invalid(
                "that code does not match; type the six digits the app shows now".into(),
            ));
        };
        let sealed = self.settings.keys.seal(secret)?;
        self.store.write(|c| {
            store::set_totp(c, id, Some(&sealed))?;
            store::spend_totp_step(c, id, step)?;
            store::end_sessions_of(c, id, Instant(ctx.now()))?;
            record(c, ctx, Event::ok("portal.second_factor.on"))
        })
    }

    /// Turns the second factor off, with the account's password.
    pub fn portal_second_factor_off(&self, ctx: &Ctx, password: &str) -> Result<()> {
        self.check_own_password(ctx, password)?;
        let id = ctx.require_portal(PortalAction::ManageAccount)?.account_id;
        self.store.write(|c| {
            store::set_totp(c, id, None)?;
            record(c, ctx, Event::ok("portal.second_factor.off"))
        })
    }
}
