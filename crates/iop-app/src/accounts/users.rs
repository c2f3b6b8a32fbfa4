//! Staff accounts: add, change role, disable, enable, second factor.

use crate::accounts::auth::hash_password;
use crate::audit::{record, Event};
use crate::ctx::Ctx;
use crate::error::{AppError, Result};
use crate::policy::Action;
use crate::App;
use iop_domain::time::Instant;
use iop_domain::{Email, Password, Role, UserId};
use iop_store::accounts::sessions;
use iop_store::accounts::users::{self, UserRow};

pub struct NewUser {
    pub email: String,
    pub display_name: String,
    pub role: Role,
    pub password: String,
}

/// What pages and the API show of an account: never the hash or the TOTP secret.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct UserView {
    pub id: UserId,
    pub email: String,
    pub display_name: String,
    pub role: Role,
    pub disabled: bool,
    pub totp_enabled: bool,
    pub created_at: Instant,
}

impl From<&UserRow> for UserView {
    fn from(r: &UserRow) -> Self {
        Self {
            id: r.id,
            email: r.email.clone(),
            display_name: r.display_name.clone(),
            role: r.role,
            disabled: r.disabled_at.is_some(),
            totp_enabled: r.totp_secret.is_some(),
            created_at: r.created_at,
        }
    }
}

fn clean_name(raw: &str) -> Result<String> {
    crate::input::line(raw, 120, "the display name")
}

impl App {
    pub fn add_user(&self, ctx: &Ctx, new: NewUser) -> Result<UserId> {
        ctx.require(Action::ManageUsers)?;
        let email = Email::parse(&new.email)?;
        let display_name = clean_name(&new.display_name)?;
        let password = self.checked_password(new.password, &email, &display_name)?;
        let id = UserId::new_v7();
        let row = UserRow {
            id,
            email: email.as_str().to_string(),
            display_name,
            role: new.role,
            password_hash: hash_password(password.expose())?,
            totp_secret: None,
            disabled_at: None,
            created_at: Instant(ctx.now()),
            totp_last_step: None,
        };
        self.store.write(|c| {
            if users::by_email(c, email.as_str())?.is_some() {
                return Err(AppError::Duplicate {
                    table: "users".into(),
                    field: "email".into(),
                });
            }
            users::insert(c, &row)?;
            let subject = format!("user:{id}");
            record(
                c,
                ctx,
                Event::ok("user.add")
                    .subject(&subject)
                    .detail(serde_json::json!({ "role": new.role.as_str() })),
            )
        })?;
        Ok(id)
    }

    /// Ends every web session and revokes every API token of the account: a change to
    /// how it signs in, or to what it may do, takes effect now, not at the next sign-in.
    pub(crate) fn sign_out_everywhere(
        c: &mut iop_store::DbConn,
        user: UserId,
        at: Instant,
    ) -> Result<()> {
        sessions::end_all_for_user(c, user, at)?;
        iop_store::accounts::tokens::revoke_all_for_user(c, user, at)?;
        Ok(())
    }

    /// The password, if it passes the policy given the words an attacker would try first:
    /// the account's name and email and the organisation's site and program names.
    pub(crate) fn checked_password(
        &self,
        raw: String,
        email: &Email,
        name: &str,
    ) -> Result<Password> {
        let org: Vec<String> = self.store.read(|c| {
            let mut names: Vec<String> = iop_store::org::sites(c)?
                .into_iter()
                .map(|s| s.name)
                .collect();
            names.extend(iop_store::org::programs(c)?.into_iter().map(|p| p.name));
            Ok::<_, AppError>(names)
        })?;
        let mut context: Vec<&str> = vec![email.as_str(), name];
        context.extend(org.iter().map(String::as_str));
        Ok(Password::new(raw, &context)?)
    }

    fn find_user(c: &mut iop_store::DbConn, email: &Email) -> Result<UserRow> {
        users::by_email(c, email.as_str())?
            .ok_or_else(|| AppError::NotFound(format!("an account with the email {email}")))
    }

    pub fn set_user_role(&self, ctx: &Ctx, email: &str, role: Role) -> Result<()> {
        ctx.require(Action::ManageUsers)?;
        let email = Email::parse(email)?;
        self.store.write(|c| {
            let user = Self::find_user(c, &email)?;
            users::set_role(c, user.id, role)?;
            Self::sign_out_everywhere(c, user.id, Instant(ctx.now()))?;
            let subject = format!("user:{}", user.id);
            record(
                c,
                ctx,
                Event::ok("user.set_role")
                    .subject(&subject)
                    .detail(serde_json::json!({ "from": user.role, "to": role.as_str() })),
            )
        })
    }

    pub fn set_user_disabled(&self, ctx: &Ctx, email: &str, disabled: bool) -> Result<()> {
        ctx.require(Action::ManageUsers)?;
        let email = Email::parse(email)?;
        self.store.write(|c| {
            let user = Self::find_user(c, &email)?;
            if ctx.actor().is_some_and(|a| a.user_id == user.id) && disabled {
                return Err(AppError::Conflict(
                    "you cannot disable your own account".into(),
                ));
            }
            let at = Instant(ctx.now());
            users::set_disabled(c, user.id, disabled.then_some(at))?;
            if disabled {
                Self::sign_out_everywhere(c, user.id, at)?;
            }
            let subject = format!("user:{}", user.id);
            let action = if disabled {
                "user.disable"
            } else {
                "user.enable"
            };
            record(c, ctx, Event::ok(action).subject(&subject))
        })
    }

    pub fn set_user_password(&self, ctx: &Ctx, email: &str, password: String) -> Result<()> {
        ctx.require(Action::ManageUsers)?;
        let email = Email::parse(email)?;
        let name = self
            .store
            .read(|c| Self::find_user(c, &email))?
            .display_name;
        let password = self.checked_password(password, &email, &name)?;
        let hash = hash_password(password.expose())?;
        self.store.write(|c| {
            let user = Self::find_user(c, &email)?;
            users::set_password_hash(c, user.id, &hash)?;
            Self::sign_out_everywhere(c, user.id, Instant(ctx.now()))?;
            let subject = format!("user:{}", user.id);
            record(c, ctx, Event::ok("user.set_password").subject(&subject))
        })
    }

    /// Turns on the second factor and returns the `otpauth://` URI to put in an
    /// authenticator app. Shown once; only the account holder should see it.
    pub fn enable_totp(&self, ctx: &Ctx, email: &str) -> Result<String> {
        ctx.require(Action::ManageUsers)?;
        let email = Email::parse(email)?;
        let secret = totp_rs::Secret::generate_secret();
        let encoded = secret.to_encoded().to_string();
        let bytes = secret
            .to_bytes()
            .map_err(|e| AppError::Internal(format!("totp: {e}")))?;
        let totp = totp_rs::TOTP::new(
            totp_rs::Algorithm::SHA1,
            6,
            1,
            30,
            bytes,
            Some("iop".into()),
            email.to_string(),
        )
        .map_err(|e| AppError::Internal(format!("totp: {e}")))?;
        // Stored sealed with the secrets key, never as the base32 seed itself.
        let sealed = self.settings.keys.seal(&encoded)?;
        self.store.write(|c| {
            let user = Self::find_user(c, &email)?;
            users::set_totp_secret(c, user.id, Some(&sealed))?;
            Self::sign_out_everywhere(c, user.id, Instant(ctx.now()))?;
            let subject = format!("user:{}", user.id);
            record(c, ctx, Event::ok("user.totp_enable").subject(&subject))
        })?;
        Ok(totp.get_url())
    }

    pub fn disable_totp(&self, ctx: &Ctx, email: &str) -> Result<()> {
        ctx.require(Action::ManageUsers)?;
        let email = Email::parse(email)?;
        self.store.write(|c| {
            let user = Self::find_user(c, &email)?;
            users::set_totp_secret(c, user.id, None)?;
            Self::sign_out_everywhere(c, user.id, Instant(ctx.now()))?;
            let subject = format!("user:{}", user.id);
            record(c, ctx, Event::ok("user.totp_disable").subject(&subject))
        })
    }

    /// Seals TOTP seeds stored in plain text by versions before the keys file, once, at
    /// start-up: afterwards the column holds no seed anyone could use. Returns how many.
    pub fn seal_plain_totp_secrets(&self, ctx: &Ctx) -> Result<usize> {
        self.store.write(|c| {
            let mut sealed = 0;
            for u in users::list(c)? {
                if let Some(plain) = u.totp_secret.filter(|s| !crate::keys::Keys::is_sealed(s)) {
                    let s = self.settings.keys.seal(&plain)?;
                    users::set_totp_secret(c, u.id, Some(&s))?;
                    sealed += 1;
                }
            }
            if sealed > 0 {
                record(
                    c,
                    ctx,
                    Event::ok("user.totp_seal").detail(serde_json::json!({ "sealed": sealed })),
                )?;
            }
            Ok(sealed)
        })
    }

    pub fn list_users(&self, ctx: &Ctx) -> Result<Vec<UserView>> {
        ctx.require(Action::ViewUsers)?;
        let rows = self
            .store
            .read(|c| users::list(c).map_err(AppError::from))?;
        Ok(rows.iter().map(UserView::from).collect())
    }
}
