//! The few places where SQLite and PostgreSQL need different SQL, each with its reason.

use crate::db::{DbConn, StoreError};
use diesel::connection::SimpleConnection;
use diesel::prelude::*;

/// Runs `f` in a write transaction.
///
/// SQLite: `BEGIN IMMEDIATE` takes the write lock up front. A deferred transaction that
/// reads and then writes fails with SQLITE_BUSY at once when another writer got there
/// first; an immediate one waits for `busy_timeout` instead.
/// PostgreSQL: an ordinary transaction; row locks and the audit chain lock do the rest.
pub fn write_transaction<T, E: From<StoreError>>(
    conn: &mut DbConn,
    f: impl FnOnce(&mut DbConn) -> Result<T, E>,
) -> Result<T, E> {
    match conn {
        DbConn::Pg(_) => pg_transaction(conn, None, f),
        DbConn::Sqlite(_) => {
            conn.batch_execute("BEGIN IMMEDIATE")
                .map_err(StoreError::from)?;
            match f(conn) {
                Ok(v) => match conn.batch_execute("COMMIT") {
                    Ok(()) => Ok(v),
                    Err(e) => {
                        let _ = conn.batch_execute("ROLLBACK");
                        Err(StoreError::Db(e).into())
                    }
                },
                Err(e) => {
                    // The transaction may already be gone (SQLite rolls back on some errors).
                    let _ = conn.batch_execute("ROLLBACK");
                    Err(e)
                }
            }
        }
    }
}

/// A PostgreSQL transaction that starts with `first` and keeps `f`'s own error.
fn pg_transaction<T, E: From<StoreError>>(
    conn: &mut DbConn,
    first: Option<&str>,
    f: impl FnOnce(&mut DbConn) -> Result<T, E>,
) -> Result<T, E> {
    let mut failure: Option<E> = None;
    let res = conn.transaction(|c| {
        if let Some(sql) = first {
            c.batch_execute(sql)?;
        }
        f(c).map_err(|e| {
            failure = Some(e);
            diesel::result::Error::RollbackTransaction
        })
    });
    res.map_err(|e| failure.unwrap_or_else(|| StoreError::Db(e).into()))
}

/// Runs `f` in a read-only transaction: one snapshot for everything it reads.
///
/// PostgreSQL: `SET TRANSACTION READ ONLY`, so a write slipped into a read use case
/// fails instead of committing without its own audit transaction. SQLite: a deferred
/// transaction, which in WAL mode reads one snapshot and never blocks the writer.
pub fn read_transaction<T, E: From<StoreError>>(
    conn: &mut DbConn,
    f: impl FnOnce(&mut DbConn) -> Result<T, E>,
) -> Result<T, E> {
    match conn {
        DbConn::Pg(_) => pg_transaction(conn, Some("SET TRANSACTION READ ONLY"), f),
        DbConn::Sqlite(_) => {
            conn.batch_execute("BEGIN DEFERRED")
                .map_err(StoreError::from)?;
            let out = f(conn);
            // Nothing was written: ending the snapshot cannot lose anything.
            let _ = conn.batch_execute(if out.is_ok() { "COMMIT" } else { "ROLLBACK" });
            out
        }
    }
}

/// Serialises appends to a hash chain until the transaction ends.
///
/// PostgreSQL: a transaction-scoped advisory lock, so two concurrent transactions
/// cannot both read the same chain head. SQLite: nothing to do, the `BEGIN IMMEDIATE`
/// of [`write_transaction`] already admits one writer at a time.
pub fn lock_chain(conn: &mut DbConn, chain: ChainLock) -> Result<(), StoreError> {
    if let DbConn::Pg(c) = conn {
        c.batch_execute(&format!("SELECT pg_advisory_xact_lock({})", chain as i64))?;
    }
    Ok(())
}

#[derive(Clone, Copy)]
pub enum ChainLock {
    Audit = 7_001,
    Disclosures = 7_002,
}

#[derive(QueryableByName)]
struct Locked {
    #[diesel(sql_type = diesel::sql_types::Bool)]
    locked: bool,
}

/// Takes a lock for a scheduled job until the transaction ends, or answers false when
/// another process holds it: several servers over one PostgreSQL run a job once.
/// SQLite: the write transaction (`BEGIN IMMEDIATE`) already serialises the job.
pub fn try_job_lock(conn: &mut DbConn, key: i64) -> Result<bool, StoreError> {
    match conn {
        DbConn::Pg(_) => Ok(diesel::sql_query(format!(
            "SELECT pg_try_advisory_xact_lock({key}) AS locked"
        ))
        .get_result::<Locked>(conn)?
        .locked),
        DbConn::Sqlite(_) => Ok(true),
    }
}

/// Most ids one `IN (…)` list binds: well under SQLite's 32,766 bound parameters and
/// PostgreSQL's 65,535, with room for the statement's other binds.
const IN_LIST_MAX: usize = 5_000;

/// Rows for `ids`, loaded by `load` one slice of at most [`IN_LIST_MAX`] ids at a time.
pub(crate) fn load_in_chunks<I, R>(
    ids: &[I],
    mut load: impl FnMut(&[I]) -> QueryResult<Vec<R>>,
) -> Result<Vec<R>, StoreError> {
    let mut out = Vec::new();
    for chunk in ids.chunks(IN_LIST_MAX) {
        out.extend(load(chunk)?);
    }
    Ok(out)
}
