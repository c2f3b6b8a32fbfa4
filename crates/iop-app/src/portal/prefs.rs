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
