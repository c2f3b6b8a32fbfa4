//! Verifying the hash chain of the audit trail (and of the disclosure log).

use super::{record, Event};
use crate::ctx::Ctx;
use crate::error::{AppError, Result};
use crate::policy::Action;
use crate::App;
use iop_domain::audit::{chain_hash, GENESIS};
use iop_store::audit::{self as store_audit, AuditFilter};

#[derive(Debug, PartialEq, Eq)]
pub enum VerifyOutcome {
    Intact {
        rows: u64,
    },
    Broken {
        rows_checked: u64,
        seq: i64,
        reason: &'static str,
    },
}

/// One stored row of a hash chain, as the verifier sees it.
pub(crate) struct Link {
    pub seq: i64,
    pub prev_hash: String,
    pub hash: String,
    /// The hash recomputed from the row's fields and its stored `prev_hash`.
    pub recomputed: String,
    pub seal: Seal,
}

/// What a row's keyed seal says.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Seal {
    /// Written before the keys existed.
    None,
    Good,
    /// Not the seal of its hash under our key.
    Bad,
    /// Sealed under keys other than the ones in use.
    OtherKeys,
}

/// Walks a hash chain from its first row, `next(after_seq)` giving the rows after a
/// sequence number in order. `progress` gets (rows checked, total).
pub(crate) fn walk_chain(
    total: u64,
    mut next: impl FnMut(i64) -> Result<Vec<Link>>,
    mut progress: impl FnMut(u64, u64),
) -> Result<VerifyOutcome> {
    let mut expected_prev = GENESIS.to_string();
    let (mut last_seq, mut checked) = (0i64, 0u64);
    let mut sealed_before = false;
    loop {
        let rows = next(last_seq)?;
        if rows.is_empty() {
            return Ok(VerifyOutcome::Intact { rows: checked });
        }
        for row in &rows {
            let reason = if row.prev_hash != expected_prev {
                Some("its prev_hash does not match the row before it (a row was removed, inserted or reordered)")
            } else if row.recomputed != row.hash {
                Some("its contents do not match its hash (the row was edited)")
            } else if row.seal == Seal::Bad {
                Some("its seal does not match (the row was rewritten and the hashes after it recomputed, without the key)")
            } else if row.seal == Seal::OtherKeys {
                Some("it was sealed with other keys than this keys.json (restore the keys.json that belongs with this database)")
            } else if row.seal == Seal::None && sealed_before {
                Some("it has no seal although rows before it have (it was written behind the application's back)")
            } else {
                None
            };
            if let Some(reason) = reason {
                return Ok(VerifyOutcome::Broken {
                    rows_checked: checked,
                    seq: row.seq,
                    reason,
                });
            }
            sealed_before |= row.seal == Seal::Good;
            expected_prev.clone_from(&row.hash);
            last_seq = row.seq;
            checked += 1;
        }
        progress(checked, total.max(checked));
    }
}

impl App {
    /// Walks the whole audit chain from the first row. `progress` gets (rows checked, total).
    pub fn verify_audit_chain(&self, progress: impl FnMut(u64, u64)) -> Result<VerifyOutcome> {
        const CHUNK: i64 = 5_000;
        let total = self
            .store
            .read(|c| store_audit::count(c).map_err(AppError::from))? as u64;
        walk_chain(
            total,
            |after| {
                let rows = self
                    .store
                    .read(|c| store_audit::chunk_after(c, after, CHUNK).map_err(AppError::from))?;
                Ok(rows
                    .into_iter()
                    .map(|r| Link {
                        seq: r.seq,
                        recomputed: chain_hash(&r.prev_hash, &r.fields()),
                        seal: self.settings.keys.check_seal(&r.hash, &r.key_id, &r.mac),
                        prev_hash: r.prev_hash,
                        hash: r.hash,
                    })
                    .collect())
            },
            progress,
        )
    }

    /// The admin's audit page and API: newest first, filtered.
    pub fn audit_events(
        &self,
        ctx: &Ctx,
        filter: &AuditFilter,
        limit: i64,
    ) -> Result<Vec<crate::audit::search::AuditEntry>> {
        ctx.require(Action::ViewAuditLog)?;
        let limit = limit.clamp(1, 500);
        let rows = self.store.read_audited(|c| {
            let rows = store_audit::search(c, filter, limit)?;
            let detail = serde_json::json!({ "rows": rows.len() });
            record(c, ctx, Event::ok("audit.view").detail(detail))?;
            Ok::<_, AppError>(rows)
        })?;
        Ok(rows.into_iter().map(Into::into).collect())
    }
}
