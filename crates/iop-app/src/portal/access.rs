//! Signing in to the portal, its sessions, and the relative's consent check on every
//! request.

use crate::accounts::auth::{burn_password_check, totp_step, verify_password, BAD_CREDENTIALS};
use crate::accounts::secret::{random_token, token_hash};
use crate::audit::{record, record_as, Event};
use crate::consent::disclosures::{disclose, Outgoing, PatientGate};
use crate::ctx::{Ctx, PortalActor, RequestMeta};
use crate::error::{AppError, Result};
use crate::App;
use iop_domain::audit::{ActorRole, Outcome};
use iop_domain::consent::{DisclosureChannel, InfoKind, Recipient};
use iop_domain::portal::PortalRole;
use iop_domain::security::session_end;
use iop_domain::time::Instant;
use iop_domain::Email;
use iop_store::accounts::sessions as throttle;
use iop_store::portal::accounts::{self as store, PortalAccountRow, PortalSessionRow};
use iop_store::DbConn;

/// What a relative sees when the consent behind their account is no longer in force:
/// no clinical detail, not even whose consent it was.
pub const ACCESS_ENDED: &str =
    "This account no longer has access. The permission that allowed it has ended or was withdrawn.";

pub struct NewPortalSession {
    pub cookie_value: String,
    pub csrf_token: String,
    pub role: PortalRole,
}

pub struct PortalSessionInfo {
    pub actor: PortalActor,
    pub csrf_token: String,
}

pub(crate) fn actor_of(a: &PortalAccountRow) -> PortalActor {
    PortalActor {
        account_id: a.id,
        role: a.role,
        patient_id: a.patient_id,
        related_person_id: a.related_person_id,
    }
}

/// What a relative's account may see, from the patient's consents now: the family
/// group (enrollment and what is shared there).
pub(crate) const FAMILY_KINDS: [InfoKind; 2] = crate::consent::family::FAMILY_KINDS;

/// Whether the consent naming a relative is in force now (a patient's account always is).
pub(crate) fn in_force(c: &mut DbConn, a: &PortalAccountRow, now: jiff::Timestamp) -> Result<bool> {
    let Some(person) = a.related_person_id else {
        return Ok(true);
    };
    let gate = PatientGate::load(c, a.patient_id, now)?;
    Ok(names_for_family_group(&gate, person))
}

/// Whether the patient's consents (as the gate holds them) let this relative into the
/// family group: the one test behind a relative's account, its invitation and the demo.
pub(crate) fn names_for_family_group(
    gate: &PatientGate,
    person: iop_domain::ids::RelatedPersonId,
) -> bool {
    FAMILY_KINDS
        .iter()
        .all(|k| gate.ask(&Recipient::Person(person), *k).is_ok())
}

fn audit_as(
    c: &mut DbConn,
    meta: &RequestMeta,
    a: &PortalAccountRow,
    event: Event<'_>,
) -> Result<()> {
    let mut event = event;
    event.patient_id = Some(a.patient_id);
    record_as(c, meta, Some(a.id), Some(ActorRole::Portal(a.role)), event)
}

impl App {
    /// Signs a patient or relative in, throttled like staff sign-in (per address and
    /// per network address). A relative whose consent is not in force is refused with
    /// [`ACCESS_ENDED`]; their sign-in is a disclosure (the family group's existence),
    /// logged under the consent.
    pub fn portal_login(
        &self,
        meta: &RequestMeta,
        email: &str,
        password: &str,
        totp_code: Option<&str>,
    ) -> Result<NewPortalSession> {
        let email_key = format!("portal:{}", email.trim().to_lowercase());
        let keys = crate::accounts::auth::throttle_keys(&email_key, meta);
        self.refuse_if_locked(meta, &keys, "portal.login")?;
        let account = match Email::parse(email) {
            Ok(e) => self
                .store
                .read(|c| Ok::<_, AppError>(store::by_email(c, e.as_str())?))?,
            Err(_) => None,
        };
        let step = match &account {
            Some(a) => {
                let pw_ok = a
                    .password_hash
                    .as_deref()
                    .is_some_and(|h| verify_password(password, h));
                let step = match &a.totp_secret {
                    None => Some(None),
                    Some(sealed) => {
                        let secret = self.settings.keys.open(sealed)?;
                        totp_code
                            .and_then(|code| totp_step(&secret, code, meta.now))
                            .map(Some)
                    }
                };
                step.filter(|_| pw_ok && a.disabled_at.is_none())
            }
            None => {
                burn_password_check(password);
                None
            }
        };
        let ok = match (step, &account) {
            (Some(step), Some(a)) => self.store.write(|c| {
                let fresh = match step {
                    Some(s) => store::spend_totp_step(c, a.id, s)?,
                    None => true,
                };
                if fresh {
                    throttle::clear_failures(c, &email_key)?;
                }
                Ok::<_, AppError>(fresh)
            })?,
            _ => false,
        };
        let Some(account) = account.filter(|_| ok) else {
            self.store.write(|c| {
                for key in &keys {
                    throttle::record_failure(c, key, Instant(meta.now))?;
                }
                record_as(
                    c,
                    meta,
                    None,
                    None,
                    Event::ok("portal.login").outcome(Outcome::Denied),
                )
            })?;
            return Err(AppError::Unauthenticated(BAD_CREDENTIALS.into()));
        };
        self.start_portal_session(meta, &account)
    }

    /// Opens a session for an account whose credentials were just proven.
    pub(crate) fn start_portal_session(
        &self,
        meta: &RequestMeta,
        account: &PortalAccountRow,
    ) -> Result<NewPortalSession> {
        let (cookie_value, csrf_token) = (random_token(), random_token());
        if account.disabled_at.is_some() {
            return Err(AppError::Unauthenticated(BAD_CREDENTIALS.into()));
        }
        if !self.store.read(|c| in_force(c, account, meta.now))? {
            // Its own transaction: the refusal is kept although nothing else happens.
            self.store.write(|c| {
                audit_as(
                    c,
                    meta,
                    account,
                    Event::ok("portal.login").outcome(Outcome::Denied),
                )
            })?;
            return Err(AppError::Conflict(ACCESS_ENDED.into()));
        }
        self.store.write(|c| {
            let now = Instant(meta.now);
            store::insert_session(
                c,
                &PortalSessionRow {
                    id_hash: token_hash(&cookie_value),
                    account_id: account.id,
                    csrf_token: csrf_token.clone(),
                    created_at: now,
                    last_seen_at: now,
                    ended_at: None,
                },
            )?;
            audit_as(c, meta, account, Event::ok("portal.login"))?;
            if let Some(person) = account.related_person_id {
                let ctx = Ctx::portal(actor_of(account), meta.clone());
                let name = iop_store::consent::person(c, person)?
                    .map(|p| p.name)
                    .unwrap_or_default();
                disclose(
                    c,
                    &ctx,
                    &Outgoing {
                        patient_id: account.patient_id,
                        recipient: &Recipient::Person(person),
                        recipient_name: &name,
                        kinds: &FAMILY_KINDS,
                        purpose: "family participation in treatment",
                        channel: DisclosureChannel::Portal,
                        subject: None,
                        as_of: None,
                    },
                )?;
            }
            Ok::<_, AppError>(())
        })?;
        Ok(NewPortalSession {
            cookie_value,
            csrf_token,
            role: account.role,
        })
    }

    /// The portal session behind a cookie, or None when unknown, ended, idle or past its
    /// lifetime (ended here). A relative whose consent ended gets [`ACCESS_ENDED`] and
    /// the session ends at once.
    pub fn portal_session(
        &self,
        meta: &RequestMeta,
        cookie_value: &str,
    ) -> Result<Option<PortalSessionInfo>> {
        let id_hash = token_hash(cookie_value);
        let Some((sess, account)) = self
            .store
            .read(|c| Ok::<_, AppError>(store::open_session(c, &id_hash)?))?
        else {
            return Ok(None);
        };
        let over = session_end(
            sess.created_at.0,
            sess.last_seen_at.0,
            meta.now,
            self.settings.idle_timeout,
            self.settings.session_lifetime,
        );
        let allowed = self.store.read(|c| in_force(c, &account, meta.now))?;
        if account.disabled_at.is_some() || over.is_some() || !allowed {
            self.store.write(|c| {
                if !allowed {
                    // The calendar link ends with the consent too, and does not come
                    // back if a new one is signed later.
                    store::set_feed(c, account.id, None)?;
                }
                if store::end_session(c, &id_hash, Instant(meta.now))? {
                    let why = if allowed {
                        "ended"
                    } else {
                        "consent_not_in_force"
                    };
                    audit_as(
                        c,
                        meta,
                        &account,
                        Event::ok("portal.logout").detail(serde_json::json!({ "reason": why })),
                    )?;
                }
                Ok::<_, AppError>(())
            })?;
            if !allowed {
                return Err(AppError::Conflict(ACCESS_ENDED.into()));
            }
            return Ok(None);
        }
        if meta.now.duration_since(sess.last_seen_at.0) > jiff::SignedDuration::from_secs(30) {
            self.store.write(|c| {
                Ok::<_, AppError>(store::touch_session(c, &id_hash, Instant(meta.now))?)
            })?;
        }
        Ok(Some(PortalSessionInfo {
            actor: actor_of(&account),
            csrf_token: sess.csrf_token,
        }))
    }

    pub fn portal_logout(&self, ctx: &Ctx, cookie_value: &str) -> Result<()> {
        let id_hash = token_hash(cookie_value);
        self.store.write(|c| {
            if store::end_session(c, &id_hash, Instant(ctx.now()))? {
                record(c, ctx, Event::ok("portal.logout"))?;
            }
            Ok(())
        })
    }

    /// A portal route refused (another patient's id, a staff-only thing): audited with
    /// the caller's own patient, never the one asked about.
    pub fn record_portal_refusal(&self, ctx: &Ctx, path: &str) -> Result<()> {
        let Some(p) = ctx.portal_actor() else {
            return Ok(());
        };
        let patient = p.patient_id;
        self.store.write(|c| {
            let mut e = Event::ok("portal.refused")
                .outcome(Outcome::Denied)
                .detail(serde_json::json!({ "path": path }));
            e.patient_id = Some(patient);
            record(c, ctx, e)
        })
    }
}
