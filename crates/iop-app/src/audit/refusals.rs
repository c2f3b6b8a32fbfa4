//! Refused access leaves a trace: each refusal by role or caseload is an audit row with
//! outcome `denied`, written in a transaction of its own (the refused use case's own
//! transaction was rolled back), and repeated refusals show on the admin dashboard.

use crate::audit::{record, Event};
use crate::ctx::Ctx;
use crate::error::Result;
use crate::policy::Action;
use crate::App;
use iop_domain::audit::Outcome;
use iop_domain::time::Instant;
use iop_domain::{PatientId, UserId};
use iop_store::audit as store;

/// The audit action of a refusal.
pub const DENIED: &str = "access.denied";

/// How many refusals in a day make an account worth a look.
pub const REPEATED: usize = 3;

/// An account refused `count` times in the last 24 hours.
#[derive(Clone, Debug, serde::Serialize, utoipa::ToSchema)]
pub struct RepeatedRefusals {
    pub user_id: UserId,
    /// The account's display name, for the administrator.
    pub name: String,
    pub count: usize,
}

impl App {
    /// Records that the caller was refused `what` at `path` (a path of ids, no query).
    pub fn record_refusal(
        &self,
        ctx: &Ctx,
        what: &str,
        patient_id: Option<PatientId>,
        path: &str,
    ) -> Result<()> {
        self.store.write(|c| {
            let mut event = Event::ok(DENIED)
                .outcome(Outcome::Denied)
                .subject(path)
                .detail(serde_json::json!({ "refused": what }));
            event.patient_id = patient_id;
            record(c, ctx, event)
        })
    }

    /// Accounts refused at least [`REPEATED`] times in the 24 hours before now, most first.
    pub fn repeated_refusals(&self, ctx: &Ctx) -> Result<Vec<RepeatedRefusals>> {
        ctx.require(Action::ViewAuditLog)?;
        let since = ctx
            .now()
            .checked_sub(jiff::SignedDuration::from_hours(24))
            .unwrap_or(ctx.now());
        self.store.read(|c| {
            let min = i64::try_from(REPEATED).unwrap_or(i64::MAX);
            let mut out = Vec::new();
            for (user_id, count) in store::counts_by_actor(c, DENIED, Instant(since), min)? {
                let name = iop_store::accounts::users::by_id(c, user_id)?
                    .map_or_else(|| user_id.to_string(), |u| u.display_name);
                out.push(RepeatedRefusals {
                    user_id,
                    name,
                    count: usize::try_from(count).unwrap_or(usize::MAX),
                });
            }
            out.sort_by_key(|r| std::cmp::Reverse(r.count));
            Ok(out)
        })
    }
}
