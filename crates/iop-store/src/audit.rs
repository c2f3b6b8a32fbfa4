//! The append-only, hash-chained audit log.

use crate::db::{DbConn, Result};
use crate::dialect::{lock_chain, ChainLock};
use crate::schema::audit_log;
use diesel::prelude::*;
use iop_domain::audit::{chain_hash, chain_mac, ActorRole, AuditFields, Outcome, GENESIS};
use iop_domain::time::Instant;
use iop_domain::{PatientId, UserId};

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = audit_log)]
pub struct AuditRow {
    pub seq: i64,
    pub at: Instant,
    pub actor_id: Option<UserId>,
    pub actor_role: Option<ActorRole>,
    pub action: String,
    pub outcome: Outcome,
    pub patient_id: Option<PatientId>,
    pub subject: Option<String>,
    pub request_id: Option<String>,
    pub detail: String,
    pub prev_hash: String,
    pub hash: String,
    pub key_id: Option<String>,
    pub mac: Option<String>,
}

/// The key that seals chain rows, with the id recorded beside each seal.
#[derive(Clone)]
pub struct ChainKey {
    pub id: String,
    pub key: [u8; 32],
}

thread_local! {
    /// The key of the store whose transaction runs on this thread (set by `Store::read`
    /// and `Store::write` around their closure), so every append in it is sealed.
    static CHAIN_KEY: std::cell::RefCell<Option<ChainKey>> = const { std::cell::RefCell::new(None) };
}

/// Runs `f` with `key` as the sealing key of this thread's appends.
pub(crate) fn with_chain_key<T>(key: Option<&ChainKey>, f: impl FnOnce() -> T) -> T {
    let before = CHAIN_KEY.with(|k| k.replace(key.cloned()));
    let out = f();
    CHAIN_KEY.with(|k| k.replace(before));
    out
}

/// (key id, seal) of a chain hash under the key in scope, if any.
pub(crate) fn seal(hash: &str) -> (Option<String>, Option<String>) {
    CHAIN_KEY.with(|k| match &*k.borrow() {
        Some(k) => (Some(k.id.clone()), Some(chain_mac(&k.key, hash))),
        None => (None, None),
    })
}

impl AuditRow {
    pub fn fields(&self) -> AuditFields<'_> {
        AuditFields {
            at: self.at,
            actor_id: self.actor_id,
            actor_role: self.actor_role,
            action: &self.action,
            outcome: self.outcome,
            patient_id: self.patient_id,
            subject: self.subject.as_deref(),
            request_id: self.request_id.as_deref(),
            detail: &self.detail,
        }
    }
}

/// Appends entries to the chain inside the caller's write transaction, so the entries
/// commit with the change they describe or not at all. Inside
/// [`crate::Store::read_audited`] they are kept for the group writer instead.
pub fn append(conn: &mut DbConn, entries: &[AuditFields<'_>]) -> Result<()> {
    if entries.is_empty() || crate::audit_writer::defer(entries) {
        return Ok(());
    }
    lock_chain(conn, ChainLock::Audit)?;
    let mut prev: String = audit_log::table
        .order(audit_log::seq.desc())
        .select(audit_log::hash)
        .first(conn)
        .optional()?
        .unwrap_or_else(|| GENESIS.to_string());
    let mut rows = Vec::with_capacity(entries.len());
    for f in entries {
        let hash = chain_hash(&prev, f);
        let (key_id, mac) = seal(&hash);
        rows.push((
            audit_log::at.eq(f.at),
            audit_log::actor_id.eq(f.actor_id),
            audit_log::actor_role.eq(f.actor_role),
            audit_log::action.eq(f.action),
            audit_log::outcome.eq(f.outcome),
            audit_log::patient_id.eq(f.patient_id),
            audit_log::subject.eq(f.subject),
            audit_log::request_id.eq(f.request_id),
            audit_log::detail.eq(f.detail),
            audit_log::prev_hash.eq(prev),
            audit_log::hash.eq(hash.clone()),
            audit_log::key_id.eq(key_id),
            audit_log::mac.eq(mac),
        ));
        prev = hash;
    }
    // Many rows per statement (a group commit carries hundreds); 13 parameters a row
    // stays far below both backends' limits at this size.
    // diesel's multi-row insert is per backend, not over the two-backend connection.
    for chunk in rows.chunks(500) {
        let insert = diesel::insert_into(audit_log::table).values(chunk.to_vec());
        match conn {
            DbConn::Sqlite(c) => insert.execute(c)?,
            DbConn::Pg(c) => insert.execute(c)?,
        };
    }
    Ok(())
}

/// Rows in chain order after `after_seq`, `limit` at a time (for verification).
pub fn chunk_after(conn: &mut DbConn, after_seq: i64, limit: i64) -> Result<Vec<AuditRow>> {
    Ok(audit_log::table
        .filter(audit_log::seq.gt(after_seq))
        .order(audit_log::seq.asc())
        .limit(limit)
        .select(AuditRow::as_select())
        .load(conn)?)
}

/// The newest row (the head of the chain).
pub fn head(conn: &mut DbConn) -> Result<Option<AuditRow>> {
    Ok(audit_log::table
        .order(audit_log::seq.desc())
        .select(AuditRow::as_select())
        .first(conn)
        .optional()?)
}

/// The row numbered `seq`, if it is still there.
pub fn by_seq(conn: &mut DbConn, seq: i64) -> Result<Option<AuditRow>> {
    Ok(audit_log::table
        .find(seq)
        .select(AuditRow::as_select())
        .first(conn)
        .optional()?)
}

pub fn count(conn: &mut DbConn) -> Result<i64> {
    Ok(audit_log::table.count().get_result(conn)?)
}

#[derive(Debug, Default, Clone)]
pub struct AuditFilter {
    pub actor_id: Option<UserId>,
    pub patient_id: Option<PatientId>,
    pub action_prefix: Option<String>,
    /// Stored-form instants, inclusive lower bound and exclusive upper bound.
    pub from: Option<Instant>,
    pub until: Option<Instant>,
    /// Only rows with `seq` below this (the next page of a newest-first list).
    pub before_seq: Option<i64>,
}

/// Newest first.
pub fn search(conn: &mut DbConn, f: &AuditFilter, limit: i64) -> Result<Vec<AuditRow>> {
    let mut q = audit_log::table.into_boxed();
    if let Some(v) = &f.actor_id {
        q = q.filter(audit_log::actor_id.eq(*v));
    }
    if let Some(v) = &f.patient_id {
        q = q.filter(audit_log::patient_id.eq(*v));
    }
    if let Some(v) = &f.action_prefix {
        let escaped = v
            .replace('\\', "\\\\")
            .replace('%', "\\%")
            .replace('_', "\\_");
        q = q.filter(audit_log::action.like(format!("{escaped}%")).escape('\\'));
    }
    if let Some(v) = &f.from {
        q = q.filter(audit_log::at.ge(*v));
    }
    if let Some(v) = &f.until {
        q = q.filter(audit_log::at.lt(*v));
    }
    if let Some(v) = f.before_seq {
        q = q.filter(audit_log::seq.lt(v));
    }
    Ok(q.order(audit_log::seq.desc())
        .limit(limit)
        .select(AuditRow::as_select())
        .load(conn)?)
}

/// Each account with at least `min` rows of `action` at or after `from`, with its count:
/// counted in the database over the `(action, at)` index, so the cost follows those rows,
/// not the whole day's log.
pub fn counts_by_actor(
    conn: &mut DbConn,
    action: &str,
    from: Instant,
    min: i64,
) -> Result<Vec<(UserId, i64)>> {
    use diesel::dsl::count_star;
    Ok(audit_log::table
        .filter(audit_log::action.eq(action))
        .filter(audit_log::at.ge(from))
        .filter(audit_log::actor_id.is_not_null())
        .group_by(audit_log::actor_id)
        .having(count_star().ge(min))
        .select((audit_log::actor_id.assume_not_null(), count_star()))
        .load(conn)?)
}

/// Request ids of the rows of `action` whose request id starts with `prefix` (tests and
/// drills: which answered requests left a row).
pub fn request_ids_of(conn: &mut DbConn, action: &str, prefix: &str) -> Result<Vec<String>> {
    let ids: Vec<Option<String>> = audit_log::table
        .filter(audit_log::action.eq(action))
        .filter(audit_log::request_id.like(format!("{prefix}%")))
        .select(audit_log::request_id)
        .load(conn)?;
    Ok(ids.into_iter().flatten().collect())
}

/// The patients whose `action` rows (a chart opened) `actor` left most recently, newest
/// first, among the actor's last `scan` such rows: read backwards over the
/// `(actor_id, action, seq)` index, so other rows of a busy account cost nothing.
pub fn recent_patients_of(
    conn: &mut DbConn,
    actor: UserId,
    action: &str,
    scan: i64,
) -> Result<Vec<PatientId>> {
    let rows: Vec<Option<PatientId>> = audit_log::table
        .filter(audit_log::actor_id.eq(actor))
        .filter(audit_log::action.eq(action))
        .filter(audit_log::outcome.eq(Outcome::Ok))
        .order(audit_log::seq.desc())
        .limit(scan)
        .select(audit_log::patient_id)
        .load(conn)?;
    let mut out: Vec<PatientId> = Vec::new();
    for p in rows.into_iter().flatten() {
        if !out.contains(&p) {
            out.push(p);
        }
    }
    Ok(out)
}
