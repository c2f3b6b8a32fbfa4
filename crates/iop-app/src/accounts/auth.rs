//! Signing in and out, sessions, API tokens and the second factor.

use crate::accounts::secret::{constant_time_eq, random_token, token_hash};
use crate::audit::{record, record_as, Event};
use crate::ctx::{Actor, Ctx, RequestMeta};
use crate::error::{AppError, Result};
use crate::policy::Action;
use crate::App;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use iop_domain::audit::{ActorRole, Outcome};
use iop_domain::security::{retry_at, session_end, SessionEnd, FAILURE_WINDOW};
use iop_domain::time::Instant;
use iop_domain::{Email, Role, TokenId, UserId};
use iop_store::accounts::sessions::{self, WebSessionRow};
use iop_store::accounts::tokens::{self, TokenRow};
use iop_store::accounts::users::UserRow;
use jiff::{SignedDuration, Timestamp};

/// The one answer for a wrong email, a wrong password, a wrong code or a disabled
/// account, so the form cannot be used to find out who has an account.
pub const BAD_CREDENTIALS: &str = "The email, password or code is not right.";

/// How often a session's last-seen time is written: idle logoff needs minutes, not
/// milliseconds, and a write per page view would be wasted.
const TOUCH_EVERY: SignedDuration = SignedDuration::from_secs(30);

pub fn hash_password(password: &str) -> Result<String> {
    let salt = SaltString::generate(&mut rand::rngs::OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| AppError::Internal(format!("argon2: {e}")))
}

pub(crate) fn verify_password(password: &str, stored_hash: &str) -> bool {
    PasswordHash::new(stored_hash)
        .map(|h| {
            Argon2::default()
                .verify_password(password.as_bytes(), &h)
                .is_ok()
        })
        .unwrap_or(false)
}

/// Spends the same argon2 work as a real check, so an unknown email takes as long as a known one.
pub(crate) fn burn_password_check(password: &str) {
    static DUMMY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    let dummy =
        DUMMY.get_or_init(|| hash_password("dummy password for timing").unwrap_or_default());
    let _ = verify_password(password, dummy);
}

pub fn actor_of(row: &UserRow) -> Result<Actor> {
    Ok(Actor {
        user_id: row.id,
        role: row.role,
        email: row.email.clone(),
        display_name: row.display_name.clone(),
    })
}

pub struct Credentials {
    pub email: String,
    pub password: String,
    pub totp_code: Option<String>,
}

/// A new web session: the cookie value (given to the browser once) and its CSRF token.
pub struct NewSession {
    pub cookie_value: String,
    pub csrf_token: String,
    pub actor: Actor,
}

pub struct IssuedToken {
    pub id: TokenId,
    pub token: String,
    pub expires_at: Timestamp,
}

/// The session behind a cookie, once checked.
pub struct SessionInfo {
    pub actor: Actor,
    pub csrf_token: String,
}

/// The time step of `code` if it is the code of the current or the previous 30-second
/// step (one step of clock drift), else `None`.
pub(crate) fn totp_step(secret_b32: &str, code: &str, now: Timestamp) -> Option<i64> {
    let secret = totp_rs::Secret::Encoded(secret_b32.to_string())
        .to_bytes()
        .ok()?;
    let totp = totp_rs::TOTP::new(
        totp_rs::Algorithm::SHA1,
        6,
        0,
        30,
        secret,
        None,
        "iop".into(),
    )
    .ok()?;
    let step_now = now.as_second().div_euclid(30);
    [step_now, step_now - 1].into_iter().find(|step| {
        let at = u64::try_from(step * 30).unwrap_or(0);
        totp_rs::TOTP::check(&totp, code.trim(), at)
    })
}

/// The throttle keys of a sign-in: the address signed in to, and the caller's network
/// address (shared by staff and portal sign-ins, so one address cannot try both).
pub(crate) fn throttle_keys(account_key: &str, meta: &RequestMeta) -> Vec<String> {
    std::iter::once(account_key.to_string())
        .chain(meta.ip.as_ref().map(|ip| format!("ip:{ip}")))
        .collect()
}

impl App {
    /// Throttle first: a locked account or address gets no password check at all. The
    /// refusal is audited under `action`.
    pub(crate) fn refuse_if_locked(
        &self,
        meta: &RequestMeta,
        keys: &[String],
        action: &str,
    ) -> Result<()> {
        let since = Instant(meta.now.checked_sub(FAILURE_WINDOW).unwrap_or(meta.now));
        let lock = self.store.read(|c| {
            let mut until: Option<Timestamp> = None;
            for key in keys {
                let times: Vec<Timestamp> = sessions::failures_since(c, key, since)?
                    .iter()
                    .map(|s| s.0)
                    .collect();
                until = until.max(retry_at(&times, meta.now));
            }
            Ok::<_, AppError>(until)
        })?;
        let Some(until) = lock else { return Ok(()) };
        self.store.write(|c| {
            record_as(
                c,
                meta,
                None,
                None,
                Event::ok(action).outcome(Outcome::Throttled),
            )
        })?;
        Err(AppError::throttled_until(until, meta.now))
    }

    /// Checks credentials with throttling. Every outcome is audited.
    fn check_credentials(&self, meta: &RequestMeta, creds: &Credentials) -> Result<UserRow> {
        let email_key = format!("email:{}", creds.email.trim().to_lowercase());
        let keys = throttle_keys(&email_key, meta);
        self.refuse_if_locked(meta, &keys, "auth.login")?;

        let user = match Email::parse(&creds.email) {
            Ok(email) => self.store.read(|c| {
                iop_store::accounts::users::by_email(c, email.as_str()).map_err(AppError::from)
            })?,
            Err(_) => None,
        };
        // (password right, the TOTP step to spend if the account has a second factor)
        let checked = match &user {
            Some(u) => {
                let pw_ok = verify_password(&creds.password, &u.password_hash);
                let step = match &u.totp_secret {
                    None => Some(None),
                    Some(sealed) => {
                        let secret = self.settings.keys.open(sealed)?;
                        creds
                            .totp_code
                            .as_deref()
                            .and_then(|code| totp_step(&secret, code, meta.now))
                            .map(Some)
                    }
                };
                step.filter(|_| pw_ok && u.disabled_at.is_none())
            }
            None => {
                burn_password_check(&creds.password);
                None
            }
        };
        let actor_id = user.as_ref().map(|u| u.id);
        let actor_role = user.as_ref().map(|u| ActorRole::Staff(u.role));
        // A code is good once: spending its step fails if it (or a later one) was used.
        let ok = match (checked, actor_id) {
            (Some(step), Some(id)) => self.store.write(|c| {
                let fresh = match step {
                    Some(step) => iop_store::accounts::users::spend_totp_step(c, id, step)?,
                    None => true,
                };
                if fresh {
                    sessions::clear_failures(c, &email_key)?;
                }
                Ok::<_, AppError>(fresh)
            })?,
            _ => false,
        };
        if !ok {
            self.store.write(|c| {
                let at = Instant(meta.now);
                for key in &keys {
                    sessions::record_failure(c, key, at)?;
                }
                record_as(
                    c,
                    meta,
                    actor_id,
                    actor_role,
                    Event::ok("auth.login").outcome(Outcome::Denied),
                )
            })?;
            return Err(AppError::Unauthenticated(BAD_CREDENTIALS.into()));
        }
        user.ok_or_else(|| AppError::Unauthenticated(BAD_CREDENTIALS.into()))
    }

    /// Signs in to the web pages.
    pub fn login(&self, meta: &RequestMeta, creds: &Credentials) -> Result<NewSession> {
        let user = self.check_credentials(meta, creds)?;
        let actor = actor_of(&user)?;
        let cookie_value = random_token();
        let csrf_token = random_token();
        let now = Instant(meta.now);
        let row = WebSessionRow {
            id_hash: token_hash(&cookie_value),
            user_id: user.id,
            csrf_token: csrf_token.clone(),
            created_at: now,
            last_seen_at: now,
            ended_at: None,
        };
        self.store.write(|c| {
            sessions::insert(c, &row)?;
            record_as(
                c,
                meta,
                Some(user.id),
                Some(ActorRole::Staff(user.role)),
                Event::ok("auth.login"),
            )
        })?;
        Ok(NewSession {
            cookie_value,
            csrf_token,
            actor,
        })
    }

    /// The session behind a cookie value, or `None` when it is unknown, ended, idle too
    /// long, past its lifetime or its account is disabled. Such a session is ended here
    /// (automatic logoff).
    pub fn session(&self, meta: &RequestMeta, cookie_value: &str) -> Result<Option<SessionInfo>> {
        let id_hash = token_hash(cookie_value);
        let Some((sess, user)) = self
            .store
            .read(|c| sessions::open_with_user(c, &id_hash).map_err(AppError::from))?
        else {
            return Ok(None);
        };
        let last_seen = sess.last_seen_at.0;
        let over = session_end(
            sess.created_at.0,
            last_seen,
            meta.now,
            self.settings.idle_timeout,
            self.settings.session_lifetime,
        );
        if user.disabled_at.is_some() || over.is_some() {
            self.store.write(|c| {
                if sessions::end(c, &id_hash, Instant(meta.now))? {
                    let why = match (user.disabled_at, over) {
                        (Some(_), _) => "account_disabled",
                        (None, Some(SessionEnd::Lifetime)) => "session_lifetime",
                        (None, _) => "idle_timeout",
                    };
                    record_as(
                        c,
                        meta,
                        Some(user.id),
                        Some(ActorRole::Staff(user.role)),
                        Event::ok("auth.logout").detail(serde_json::json!({ "reason": why })),
                    )?;
                }
                Ok::<_, AppError>(())
            })?;
            return Ok(None);
        }
        if meta.now.duration_since(last_seen) > TOUCH_EVERY {
            self.store.write(|c| {
                sessions::touch(c, &id_hash, Instant(meta.now)).map_err(AppError::from)
            })?;
        }
        Ok(Some(SessionInfo {
            actor: actor_of(&user)?,
            csrf_token: sess.csrf_token,
        }))
    }

    pub fn logout(&self, ctx: &Ctx, cookie_value: &str) -> Result<()> {
        let id_hash = token_hash(cookie_value);
        self.store.write(|c| {
            if sessions::end(c, &id_hash, Instant(ctx.now()))? {
                record(
                    c,
                    ctx,
                    Event::ok("auth.logout").detail(serde_json::json!({ "reason": "user" })),
                )?;
            }
            Ok(())
        })
    }

    /// `POST /api/v1/auth/token`: a bearer token for the API.
    pub fn issue_api_token(&self, meta: &RequestMeta, creds: &Credentials) -> Result<IssuedToken> {
        let user = self.check_credentials(meta, creds)?;
        let ctx = Ctx::staff(actor_of(&user)?, meta.clone());
        self.create_token_for(&ctx, user.id, "api sign-in", self.settings.api_token_ttl)
    }

    /// Creates a token for `user_id` (the caller's own, or anyone's from the CLI).
    pub fn create_token_for(
        &self,
        ctx: &Ctx,
        user_id: UserId,
        name: &str,
        ttl: SignedDuration,
    ) -> Result<IssuedToken> {
        ctx.require(Action::ManageOwnTokens)?;
        if ctx.actor().is_some_and(|a| a.user_id != user_id) {
            return Err(AppError::Forbidden("create tokens for another account"));
        }
        if ttl <= SignedDuration::ZERO || ttl > SignedDuration::from_hours(24 * 366) {
            return Err(AppError::Invalid(
                "a token must last between one minute and 366 days".into(),
            ));
        }
        let name = name.trim();
        if name.is_empty() || name.chars().count() > 100 {
            return Err(AppError::Invalid(
                "give the token a name of 1 to 100 characters".into(),
            ));
        }
        let token = format!("iop_{}", random_token());
        let id = TokenId::new_v7();
        let expires_at = ctx
            .now()
            .checked_add(ttl)
            .map_err(|e| AppError::Invalid(e.to_string()))?;
        let row = TokenRow {
            id,
            user_id,
            token_hash: token_hash(&token),
            name: name.to_string(),
            created_at: Instant(ctx.now()),
            expires_at: Instant(expires_at),
            revoked_at: None,
        };
        self.store.write(|c| {
            if iop_store::accounts::users::by_id(c, user_id)?.is_none() {
                return Err(AppError::NotFound(format!("user {user_id}")));
            }
            tokens::insert(c, &row)?;
            let subject = format!("token:{id}");
            record(
                c,
                ctx,
                Event::ok("token.create")
                    .subject(&subject)
                    .detail(serde_json::json!({ "user_id": user_id })),
            )
        })?;
        Ok(IssuedToken {
            id,
            token,
            expires_at,
        })
    }

    /// The account behind a bearer token, or `None` when unknown, revoked, expired or disabled.
    pub fn token_actor(&self, meta: &RequestMeta, token: &str) -> Result<Option<Actor>> {
        let found = self
            .store
            .read(|c| tokens::by_hash_with_user(c, &token_hash(token)).map_err(AppError::from))?;
        let Some((tok, user)) = found else {
            return Ok(None);
        };
        let expired = tok.expires_at.0 <= meta.now;
        if tok.revoked_at.is_some() || expired || user.disabled_at.is_some() {
            return Ok(None);
        }
        actor_of(&user).map(Some)
    }

    /// Revokes a token: the owner may revoke their own, an admin (or the CLI) any.
    pub fn revoke_token(&self, ctx: &Ctx, token_id: TokenId) -> Result<()> {
        ctx.require(Action::ManageOwnTokens)?;
        self.store.write(|c| {
            let tok = tokens::by_id(c, token_id)?
                .ok_or_else(|| AppError::NotFound(format!("token {token_id}")))?;
            if let Some(a) = ctx.actor() {
                if a.user_id != tok.user_id && a.role != Role::Admin {
                    return Err(AppError::NotFound(format!("token {token_id}")));
                }
            }
            if !tokens::revoke(c, token_id, Instant(ctx.now()))? {
                return Err(AppError::Conflict(format!(
                    "token {token_id} was already revoked"
                )));
            }
            let subject = format!("token:{token_id}");
            record(c, ctx, Event::ok("token.revoke").subject(&subject))
        })
    }

    /// Checks a form's CSRF token against the session's.
    pub fn csrf_ok(session: &SessionInfo, submitted: &str) -> bool {
        constant_time_eq(&session.csrf_token, submitted)
    }

    pub fn user_id_for_email(&self, email: &str) -> Result<UserId> {
        let email = Email::parse(email)?;
        let row = self
            .store
            .read(|c| {
                iop_store::accounts::users::by_email(c, email.as_str()).map_err(AppError::from)
            })?
            .ok_or_else(|| AppError::NotFound(format!("an account with the email {email}")))?;
        Ok(row.id)
    }
}
