//! Staff invite a patient or a relative; the invitation link sets the password; a
//! forgotten password is reset by email.

use crate::accounts::secret::{random_token, token_hash};
use crate::audit::{record, record_as, Event};
use crate::ctx::{Ctx, RequestMeta};
use crate::error::{AppError, Result};
use crate::mail::Outgoing;
use crate::policy::Action;
use crate::portal::access::{in_force, NewPortalSession};
use crate::App;
use iop_domain::audit::ActorRole;
use iop_domain::ids::{PatientId, RelatedPersonId, UserId};
use iop_domain::portal::{MailKind, PortalRole, INVITATION_VALID, RESET_VALID};
use iop_domain::time::Instant;
use iop_domain::Email;
use iop_store::portal::accounts::{self as store, PortalAccountRow, PortalTokenRow};
use iop_store::DbConn;

pub struct Invite {
    pub patient: PatientId,
    /// A relative's account when set; the patient's own otherwise.
    pub related_person: Option<RelatedPersonId>,
    pub email: String,
}

/// A portal account as staff see it on the chart.
#[derive(Clone, Debug, serde::Serialize, utoipa::ToSchema)]
pub struct PortalAccountView {
    pub id: UserId,
    pub role: PortalRole,
    pub email: String,
    pub related_person_id: Option<RelatedPersonId>,
    /// The invitation was accepted (a password is set).
    pub active: bool,
    pub disabled: bool,
    pub bounced: bool,
    /// The patient's choices, shown to staff so they know what is sent (not changeable).
    pub wants: Vec<(MailKind, bool)>,
}

/// Reset links sent to one address in an hour, at most.
const RESETS_PER_HOUR: usize = 3;

/// A relative as the invitation form lists them.
#[derive(Clone, Debug)]
pub struct RelativeAccess {
    pub id: RelatedPersonId,
    pub name: String,
    pub relationship: String,
    pub email: Option<String>,
    /// A consent in force names them for the family group.
    pub may_have_account: bool,
}

#[derive(Clone, Debug)]
pub struct PortalAccess {
    pub patient_label: String,
    pub patient_email: Option<String>,
    pub accounts: Vec<PortalAccountView>,
    pub relatives: Vec<RelativeAccess>,
}

fn one_time_link(
    c: &mut DbConn,
    account: UserId,
    purpose: MailKind,
    valid: jiff::SignedDuration,
    now: jiff::Timestamp,
) -> Result<String> {
    let token = random_token();
    store::insert_token(
        c,
        &PortalTokenRow {
            token_hash: token_hash(&token),
            account_id: account,
            purpose,
            expires_at: Instant(now.checked_add(valid).unwrap_or(now)),
            used_at: None,
            created_at: Instant(now),
        },
    )?;
    Ok(token)
}

impl App {
    /// Invites a patient (or one of their relatives) to the portal: the account, a
    /// one-time link valid 72 hours (stored hashed) and the email, in one transaction.
    /// A relative is invited only while a consent in force names them. Inviting again
    /// before the link is used sends a fresh link.
    pub fn invite_to_portal(&self, ctx: &Ctx, inv: Invite) -> Result<UserId> {
        ctx.require(Action::InviteToPortal)?;
        let email = Email::parse(&inv.email)?;
        let now = ctx.now();
        self.store.write(|c| {
            crate::scope::require_patient(c, ctx, inv.patient)?;
            if let Some(person) = inv.related_person {
                let p = iop_store::consent::person(c, person)?
                    .filter(|p| p.patient_id == inv.patient)
                    .ok_or_else(|| AppError::NotFound(format!("relative {person}")))?;
                let _ = p;
            }
            let role = match inv.related_person {
                Some(_) => PortalRole::Family,
                None => PortalRole::Patient,
            };
            // One account per person: inviting again (a corrected address, a lost link, a
            // disabled account) starts that account over and voids its earlier links.
            let taken = store::by_email(c, email.as_str())?;
            let existing = store::of_person(c, inv.patient, inv.related_person)?;
            if taken.as_ref().is_some_and(|t| existing.as_ref().is_none_or(|e| e.id != t.id)) {
                // Said the same whoever holds it: the form must not tell who else is here.
                return Err(AppError::Conflict(
                    "that email address cannot be used for this account; ask the person for another".into(),
                ));
            }
            let account = match existing {
                Some(a) if a.password_hash.is_some() && a.disabled_at.is_none() => {
                    return Err(AppError::Conflict(
                        "this person already has an active account; disable it first to invite them again".into(),
                    ))
                }
                Some(a) => {
                    store::void_tokens(c, a.id, Instant(now))?;
                    store::end_sessions_of(c, a.id, Instant(now))?;
                    store::reset_for_invitation(c, a.id, email.as_str())?;
                    store::by_id(c, a.id)?.ok_or_else(|| AppError::Internal("account".into()))?
                }
                None => {
                    let row = PortalAccountRow {
                        id: UserId::new_v7(),
                        email: email.as_str().to_string(),
                        role,
                        patient_id: inv.patient,
                        related_person_id: inv.related_person,
                        password_hash: None,
                        totp_secret: None,
                        totp_last_step: None,
                        disabled_at: None,
                        quiet_from: None,
                        quiet_until: None,
                        bounced_at: None,
                        feed_token_hash: None,
                        invited_by: ctx
                            .account_id()
                            .ok_or_else(|| AppError::Internal("no inviter".into()))?,
                        created_at: Instant(now),
                    };
                    store::insert(c, &row)?;
                    row
                }
            };
            if !in_force(c, &account, now)? {
                return Err(AppError::Invalid(
                    "no consent in force names this relative for the family group; record one first".into(),
                ));
            }
            let token = one_time_link(c, account.id, MailKind::Invitation, INVITATION_VALID, now)?;
            let path = format!("/portal/welcome/{token}");
            self.enqueue_mail(
                c,
                Outgoing {
                    kind: MailKind::Invitation,
                    to: &account.email,
                    account: Some(account.id),
                    path: &path,
                    dedupe_key: None,
                    not_before: now,
                },
                now,
            )?;
            let subject = format!("portal_account:{}", account.id);
            let mut e = Event::ok("portal.invite")
                .subject(&subject)
                .detail(serde_json::json!({ "role": role }));
            e.patient_id = Some(inv.patient);
            record(c, ctx, e)?;
            Ok(account.id)
        })
    }

    /// The patient's portal access, for the staff page: their accounts and those of
    /// their relatives, with each relative and whether a consent in force names them.
    pub fn portal_access(&self, ctx: &Ctx, patient: PatientId) -> Result<PortalAccess> {
        ctx.require(Action::InviteToPortal)?;
        let now = ctx.now();
        self.store.read_audited(|c| {
            crate::scope::require_patient(c, ctx, patient)?;
            let p = iop_store::admissions::episodes::patient_by_id(c, patient)?
                .ok_or_else(|| AppError::NotFound(format!("patient {patient}")))?;
            let mut accounts = Vec::new();
            for a in store::of_patient(c, patient)? {
                accounts.push(PortalAccountView {
                    wants: crate::portal::prefs::wants(c, a.id)?,
                    id: a.id,
                    role: a.role,
                    email: a.email,
                    related_person_id: a.related_person_id,
                    active: a.password_hash.is_some(),
                    disabled: a.disabled_at.is_some(),
                    bounced: a.bounced_at.is_some(),
                });
            }
            let gate = crate::consent::disclosures::PatientGate::load(c, patient, now)?;
            let relatives = iop_store::consent::persons_of(c, &[patient])?
                .into_iter()
                .map(|r| RelativeAccess {
                    may_have_account: crate::portal::access::names_for_family_group(&gate, r.id),
                    id: r.id,
                    name: r.name,
                    relationship: r.relationship,
                    email: r.email,
                })
                .collect();
            let mut e = Event::ok("portal.access.read");
            e.patient_id = Some(patient);
            record(c, ctx, e)?;
            Ok(PortalAccess {
                patient_label: format!("{} ({})", p.shown_name(), p.mrn),
                patient_email: p.email,
                accounts,
                relatives,
            })
        })
    }

    /// Whether a one-time link still works (to show its form or say it expired).
    pub fn portal_link_usable(
        &self,
        meta: &RequestMeta,
        token: &str,
        purpose: MailKind,
    ) -> Result<bool> {
        let hash = token_hash(token);
        self.store
            .read(|c| Ok::<_, AppError>(store::token_usable(c, &hash, purpose, Instant(meta.now))?))
    }

    /// Sets the password from an invitation or reset link (used once) and signs the
    /// person in, unless the account has a second factor (then they sign in with it).
    /// The password follows the staff rules.
    pub fn portal_set_password(
        &self,
        meta: &RequestMeta,
        token: &str,
        purpose: MailKind,
        password: String,
    ) -> Result<Option<NewPortalSession>> {
        let hash = token_hash(token);
        let now = meta.now;
        let expired = || {
            AppError::Invalid("this link has expired or was already used; ask for a new one".into())
        };
        // The strength check reads the organisation's names, so it runs before the write.
        let owner = self.store.read(|c| {
            if !store::token_usable(c, &hash, purpose, Instant(now))? {
                return Ok(None);
            }
            let id = store::token_owner(c, &hash)?;
            Ok::<_, AppError>(match id {
                Some(id) => store::by_id(c, id)?,
                None => None,
            })
        })?;
        let owner = owner.ok_or_else(expired)?;
        let email = Email::parse(&owner.email)?;
        let checked = self.checked_password(password, &email, "")?;
        let pw_hash = crate::accounts::auth::hash_password(checked.expose())?;
        let owner = self.store.write(|c| {
            let id = store::spend_token(c, &hash, purpose, Instant(now))?.ok_or_else(expired)?;
            let owner = store::by_id(c, id)?
                .filter(|a| a.disabled_at.is_none())
                .ok_or_else(expired)?;
            // Every other link of the account stops with this one.
            store::void_tokens(c, id, Instant(now))?;
            store::set_password(c, id, &pw_hash)?;
            store::end_sessions_of(c, id, Instant(now))?;
            let action = match purpose {
                MailKind::Invitation => "portal.invitation.accept",
                _ => "portal.password.reset",
            };
            let mut e = Event::ok(action);
            e.patient_id = Some(owner.patient_id);
            record_as(c, meta, Some(id), Some(ActorRole::Portal(owner.role)), e)?;
            Ok::<_, AppError>(owner)
        })?;
        if owner.totp_secret.is_some() {
            return Ok(None);
        }
        self.start_portal_session(meta, &owner).map(Some)
    }

    /// Sends a reset link to a portal account with this address. The answer is the same
    /// whether or not one exists, so the form tells no one who has an account.
    pub fn portal_request_reset(&self, meta: &RequestMeta, email: &str) -> Result<()> {
        let Ok(email) = Email::parse(email) else {
            return Ok(());
        };
        let now = meta.now;
        let key = format!("portal-reset:{}", email.as_str());
        self.store.write(|c| {
            // A few links an hour per address: the form cannot flood a mailbox.
            let hour_ago = Instant(
                now.checked_sub(jiff::SignedDuration::from_hours(1))
                    .unwrap_or(now),
            );
            let recent = iop_store::accounts::sessions::failures_since(c, &key, hour_ago)?.len();
            iop_store::accounts::sessions::record_failure(c, &key, Instant(now))?;
            if recent >= RESETS_PER_HOUR {
                return record_as(
                    c,
                    meta,
                    None,
                    None,
                    Event::ok("portal.reset.request")
                        .outcome(iop_domain::audit::Outcome::Throttled),
                );
            }
            let Some(a) = store::by_email(c, email.as_str())? else {
                return record_as(c, meta, None, None, Event::ok("portal.reset.request"));
            };
            if a.password_hash.is_none() || a.disabled_at.is_some() {
                return record_as(c, meta, None, None, Event::ok("portal.reset.request"));
            }
            let token = one_time_link(c, a.id, MailKind::PasswordReset, RESET_VALID, now)?;
            let path = format!("/portal/reset/{token}");
            self.enqueue_mail(
                c,
                Outgoing {
                    kind: MailKind::PasswordReset,
                    to: &a.email,
                    account: Some(a.id),
                    path: &path,
                    dedupe_key: None,
                    not_before: now,
                },
                now,
            )?;
            let mut e = Event::ok("portal.reset.request");
            e.patient_id = Some(a.patient_id);
            record_as(c, meta, Some(a.id), Some(ActorRole::Portal(a.role)), e)
        })
    }
}

impl App {
    /// Disables a portal account at once: its sessions end, its links and calendar link
    /// stop. Inviting the person again starts the account over.
    pub fn disable_portal_account(
        &self,
        ctx: &Ctx,
        patient: PatientId,
        account: UserId,
    ) -> Result<()> {
        ctx.require(Action::InviteToPortal)?;
        let now = Instant(ctx.now());
        self.store.write(|c| {
            crate::scope::require_patient(c, ctx, patient)?;
            let a = store::by_id(c, account)?
                .filter(|a| a.patient_id == patient)
                .ok_or_else(|| AppError::NotFound(format!("portal account {account}")))?;
            store::set_disabled(c, a.id, Some(now))?;
            store::end_sessions_of(c, a.id, now)?;
            store::void_tokens(c, a.id, now)?;
            store::set_feed(c, a.id, None)?;
            let subject = format!("portal_account:{}", a.id);
            let mut e = Event::ok("portal.account.disable").subject(&subject);
            e.patient_id = Some(patient);
            record(c, ctx, e)
        })
    }
}
