//! Checkpoints of the audit trail: the head's sequence number and seal, printed for the
//! operator to keep somewhere else (a ticket, a notebook, another machine). The keyed
//! chain catches a rewritten row; only a checkpoint kept outside catches the newest rows
//! being cut off, since a shorter chain is still a valid chain.

use super::{record, Event};
use crate::ctx::Ctx;
use crate::error::{AppError, Result};
use crate::policy::Action;
use crate::App;
use iop_store::audit as store;

/// `SEQ:SEAL`, as `iop audit checkpoint` prints it and `verify --against` reads it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Checkpoint {
    pub seq: i64,
    pub mac: String,
}

impl std::fmt::Display for Checkpoint {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}", self.seq, self.mac)
    }
}

impl std::str::FromStr for Checkpoint {
    type Err = AppError;

    fn from_str(s: &str) -> Result<Self> {
        let bad = || {
            AppError::Invalid(format!(
                "{s:?} is not a checkpoint; give it as `iop audit checkpoint` printed it: SEQ:SEAL"
            ))
        };
        let (seq, mac) = s.trim().split_once(':').ok_or_else(bad)?;
        let seq: i64 = seq.parse().map_err(|_| bad())?;
        let hex_ok = mac.len() == 64 && mac.bytes().all(|b| b.is_ascii_hexdigit());
        if seq < 1 || !hex_ok {
            return Err(bad());
        }
        Ok(Checkpoint {
            seq,
            mac: mac.to_ascii_lowercase(),
        })
    }
}

impl App {
    /// Seals the head of a trail written before the keys existed by appending one sealed entry: its seal covers, through the hashes, every row
    /// before it. Run at start-up; true if it appended.
    pub fn seal_audit_head(&self, ctx: &Ctx) -> Result<bool> {
        self.store.write(|c| {
            let Some(head) = store::head(c)? else {
                return Ok(false);
            };
            // A head sealed under other keys is left alone: verify says so, and the
            // operator restores the keys.json that belongs with this database.
            if head.key_id.is_some() {
                return Ok(false);
            }
            let detail =
                serde_json::json!({ "key_id": self.settings.keys.id, "sealed_through": head.seq });
            record(c, ctx, Event::ok("audit.seal").detail(detail))?;
            Ok(true)
        })
    }

    /// The head of the audit trail as a checkpoint (and an entry saying one was taken).
    pub fn audit_checkpoint(&self, ctx: &Ctx) -> Result<Checkpoint> {
        ctx.require(Action::ViewAuditLog)?;
        self.store.write(|c| {
            record(c, ctx, Event::ok("audit.checkpoint"))?;
            let head = store::head(c)?
                .ok_or_else(|| AppError::Internal("no head after an append".into()))?;
            let mac = head
                .mac
                .ok_or_else(|| AppError::Internal("the newest audit entry has no seal".into()))?;
            Ok(Checkpoint { seq: head.seq, mac })
        })
    }

    /// Whether the trail still holds the checkpoint's entry unchanged; the reason if not.
    pub fn check_audit_checkpoint(&self, cp: &Checkpoint) -> Result<Option<String>> {
        let row = self
            .store
            .read(|c| store::by_seq(c, cp.seq).map_err(AppError::from))?;
        Ok(match row {
            None => Some(format!(
                "the entry seq={} of the checkpoint is gone: the trail was cut off after it was taken",
                cp.seq
            )),
            Some(r) if r.mac.as_deref() != Some(cp.mac.as_str()) => Some(format!(
                "the entry seq={} is not the one the checkpoint recorded",
                cp.seq
            )),
            Some(_) => None,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_checkpoint_reads_back_what_it_prints_and_refuses_anything_else() {
        let cp = Checkpoint {
            seq: 42,
            mac: "a".repeat(64),
        };
        assert_eq!(cp.to_string().parse::<Checkpoint>().ok(), Some(cp));
        let zero = format!("0:{}", "a".repeat(64));
        let not_hex = format!("5:{}", "g".repeat(64));
        for bad in ["", "42", "x:aa", zero.as_str(), not_hex.as_str()] {
            assert!(bad.parse::<Checkpoint>().is_err(), "{bad:?}");
        }
    }
}
