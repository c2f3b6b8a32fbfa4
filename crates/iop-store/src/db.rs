//! The connection pool, migrations and the per-connection SQLite settings.

use crate::dialect;
use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use diesel::r2d2::{ConnectionManager, CustomizeConnection, Pool, PooledConnection};
use diesel::{PgConnection, SqliteConnection};
use diesel_migrations::{embed_migrations, EmbeddedMigrations, MigrationHarness};
use std::path::Path;
use std::time::Duration;

pub(crate) const SQLITE_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/sqlite");
pub(crate) const POSTGRES_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/postgres");

/// One connection type for both backends (diesel's `MultiConnection`): the query code
/// is written once and runs on either.
#[derive(diesel::MultiConnection)]
pub enum DbConn {
    Sqlite(SqliteConnection),
    Pg(PgConnection),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("database: {0}")]
    Db(#[from] diesel::result::Error),
    #[error("connection pool: {0}")]
    Pool(#[from] diesel::r2d2::PoolError),
    #[error("migration: {0}")]
    Migration(String),
    #[error("audit writer: {0}")]
    AuditWriter(String),
    #[error("the database stayed busy with other writes for {} s", WRITE_WAIT.as_secs())]
    WriteTimeout,
    #[error("unsupported database URL (use a file path, sqlite://PATH or postgres://…)")]
    BadUrl,
}

impl StoreError {
    /// The table and column of a unique-constraint violation, from either backend's
    /// report: SQLite says `UNIQUE constraint failed: users.email`, PostgreSQL gives the
    /// table and `Key (email)=(…)` (the value itself is never kept: it may be personal).
    pub fn unique_violation(&self) -> Option<(String, String)> {
        let StoreError::Db(diesel::result::Error::DatabaseError(
            diesel::result::DatabaseErrorKind::UniqueViolation,
            info,
        )) = self
        else {
            return None;
        };
        if let Some(cols) = info.message().strip_prefix("UNIQUE constraint failed: ") {
            let (table, columns): (Vec<_>, Vec<_>) =
                cols.split(", ").filter_map(|c| c.split_once('.')).unzip();
            let table = table.first().map(|t| t.to_string()).unwrap_or_default();
            return Some((table, columns.join(", ")));
        }
        let table = info.table_name().unwrap_or_default().to_string();
        let field = info
            .details()
            .and_then(|d| d.strip_prefix("Key ("))
            .and_then(|d| d.split_once(")=("))
            .map(|(cols, _)| cols.to_string())
            .or_else(|| info.column_name().map(str::to_string))
            .or_else(|| info.constraint_name().map(str::to_string))
            .unwrap_or_default();
        Some((table, field))
    }

    pub fn is_unique_violation(&self) -> bool {
        matches!(
            self,
            StoreError::Db(diesel::result::Error::DatabaseError(
                diesel::result::DatabaseErrorKind::UniqueViolation,
                _
            ))
        )
    }
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// SQLite settings applied to every pooled connection (DESIGN.md, Storage): WAL so
/// readers never wait for the writer, `synchronous=FULL` so an acknowledged write
/// survives power loss, foreign keys enforced, and a busy timeout instead of errors.
#[derive(Debug)]
struct SqlitePragmas;

impl CustomizeConnection<DbConn, diesel::r2d2::Error> for SqlitePragmas {
    fn on_acquire(&self, conn: &mut DbConn) -> std::result::Result<(), diesel::r2d2::Error> {
        if let DbConn::Sqlite(c) = conn {
            c.batch_execute(
                "PRAGMA busy_timeout = 10000; PRAGMA journal_mode = WAL; \
                 PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON;",
            )
            .map_err(diesel::r2d2::Error::QueryError)?;
        }
        Ok(())
    }
}

/// With `IOP_LOG=iop_store::sql=trace`, each statement's SQL (never its bound values,
/// which may be personal) goes to the log as it starts: how a developer counts the
/// queries of a page.
fn sql_trace() -> Option<Box<dyn diesel::connection::Instrumentation>> {
    use diesel::connection::InstrumentationEvent;
    if !tracing::enabled!(target: "iop_store::sql", tracing::Level::TRACE) {
        return None;
    }
    Some(Box::new(|event: InstrumentationEvent<'_>| {
        if let InstrumentationEvent::StartQuery { query, .. } = event {
            let text = query.to_string();
            let sql = text.split(" -- binds:").next().unwrap_or_default();
            tracing::trace!(target: "iop_store::sql", "{sql}");
        }
    }))
}

#[derive(Clone)]
pub struct Store {
    pool: Pool<ConnectionManager<DbConn>>,
    backend: Backend,
    /// Seals the chains' rows appended through this store.
    chain_key: Option<crate::audit::ChainKey>,
    /// Commits the audit rows of reads in groups (see `audit_writer`).
    audit_writer: Option<std::sync::Arc<crate::audit_writer::GroupWriter>>,
    /// Sites, programs, tracks and staff, shared by the clones (see `org_cache`).
    org: std::sync::Arc<crate::org_cache::OrgCache>,
    /// SQLite takes one writer at a time, and its busy handler retries a waiting
    /// writer after sleeps of up to 100 ms: under 16 concurrent writers that made p99
    /// over a second. This process's writers wait here instead, each woken as the
    /// previous one commits (other processes still meet the busy timeout).
    sqlite_writer: std::sync::Arc<parking_lot::Mutex<()>>,
}

/// How long a write waits for its turn: the same as SQLite's `busy_timeout`.
const WRITE_WAIT: Duration = Duration::from_secs(10);

/// The PostgreSQL advisory lock key migrations hold ("iop" and a version, as a number).
const MIGRATION_LOCK: i64 = 0x696f_7000_0001;

/// A row of `PRAGMA foreign_key_check`: a reference to a row that does not exist.
#[derive(diesel::QueryableByName)]
pub(crate) struct ForeignKeyProblem {
    #[diesel(sql_type = diesel::sql_types::Text)]
    pub(crate) table: String,
}

/// A migration's failure, carried out of the locking transaction.
struct MigrationFailed(String);

impl From<diesel::result::Error> for MigrationFailed {
    fn from(e: diesel::result::Error) -> Self {
        MigrationFailed(e.to_string())
    }
}

impl Store {
    /// `url` is `postgres://…`/`postgresql://…`, or a SQLite file path (optionally `sqlite://`).
    pub fn open(url: &str, max_connections: u32) -> Result<Self> {
        let (backend, conn_url) =
            if url.starts_with("postgres://") || url.starts_with("postgresql://") {
                (Backend::Postgres, url.to_string())
            } else if let Some(path) = url.strip_prefix("sqlite://") {
                (Backend::Sqlite, path.to_string())
            } else if url.contains("://") {
                return Err(StoreError::BadUrl);
            } else {
                (Backend::Sqlite, url.to_string())
            };
        // Only fails if another thread panicked while setting it; tracing then stays off.
        let _ = diesel::connection::set_default_instrumentation(sql_trace);
        let manager = ConnectionManager::<DbConn>::new(conn_url);
        let pool = Pool::builder()
            .max_size(max_connections)
            .connection_timeout(Duration::from_secs(10))
            // A `SELECT 1` before every checkout would double the queries of a page;
            // broken connections are noticed when they fail and are not returned.
            .test_on_check_out(false)
            .connection_customizer(Box::new(SqlitePragmas))
            .build(manager)?;
        Ok(Self {
            pool,
            backend,
            chain_key: None,
            audit_writer: None,
            org: Default::default(),
            sqlite_writer: Default::default(),
        })
    }

    /// The SQLite file of a data directory.
    pub fn sqlite_path(data_dir: &Path) -> std::path::PathBuf {
        data_dir.join("iop.sqlite3")
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// After a bulk load, PostgreSQL's planner statistics are refreshed at once instead
    /// of whenever autovacuum gets to it (measured right after a 100-site seed, while
    /// autovacuum was still analyzing, the longest chart took 127 ms; minutes later 10 ms).
    /// SQLite keeps no statistics here: its plans come from the indexes alone.
    pub fn refresh_statistics(&self) -> Result<()> {
        if self.backend == Backend::Postgres {
            self.conn()?.batch_execute("ANALYZE")?;
        }
        Ok(())
    }

    pub fn conn(&self) -> Result<PooledConnection<ConnectionManager<DbConn>>> {
        let asked = std::time::Instant::now();
        let conn = self.pool.get();
        metrics::histogram!("iop_db_pool_wait_seconds").record(asked.elapsed().as_secs_f64());
        Ok(conn?)
    }

    /// Connections open in the pool and how many of them are idle.
    pub fn pool_state(&self) -> (u32, u32) {
        let s = self.pool.state();
        (s.connections, s.idle_connections)
    }

    /// Applies pending migrations under a lock held across processes (SQLite `BEGIN
    /// EXCLUSIVE`, a PostgreSQL advisory lock), so `iop user add` run while `iop serve`
    /// starts on a new database waits for the other's migrations instead of failing
    /// half-way or with "database is locked". Each migration runs in a savepoint.
    pub fn migrate(&self) -> Result<Vec<String>> {
        let mut conn = self.conn()?;
        let applied = match &mut *conn {
            DbConn::Sqlite(c) => {
                // A table rebuild (the only way SQLite changes a CHECK) drops a parent
                // table; foreign keys are off for it, which PRAGMA can only do outside a
                // transaction, and every reference is checked before the commit.
                c.batch_execute("PRAGMA foreign_keys = OFF")?;
                let applied = c.exclusive_transaction(|c| {
                    let applied: Vec<String> = c
                        .run_pending_migrations(SQLITE_MIGRATIONS)
                        .map(|v| v.iter().map(ToString::to_string).collect())
                        .map_err(|e| MigrationFailed(e.to_string()))?;
                    // Only after a change: the check reads every table (10 s at 100
                    // sites × 5 years), and nothing else runs with foreign keys off.
                    let broken = if applied.is_empty() {
                        Vec::new()
                    } else {
                        diesel::sql_query("PRAGMA foreign_key_check")
                            .load::<ForeignKeyProblem>(c)?
                    };
                    if let Some(p) = broken.first() {
                        return Err(MigrationFailed(format!(
                            "{} broken references after the migrations, the first in table {}",
                            broken.len(),
                            p.table
                        )));
                    }
                    Ok(applied)
                });
                c.batch_execute("PRAGMA foreign_keys = ON")?;
                applied
            }
            DbConn::Pg(c) => c.transaction(|c| {
                diesel::sql_query(format!("SELECT pg_advisory_xact_lock({MIGRATION_LOCK})"))
                    .execute(c)?;
                c.run_pending_migrations(POSTGRES_MIGRATIONS)
                    .map(|v| v.iter().map(ToString::to_string).collect())
                    .map_err(|e| MigrationFailed(e.to_string()))
            }),
        };
        applied.map_err(|e| StoreError::Migration(e.0))
    }

    /// The names of the migrations this build knows that the database has not applied,
    /// oldest first. Changes nothing but diesel's bookkeeping table, created if missing.
    pub fn pending_migrations(&self) -> Result<Vec<String>> {
        let mut conn = self.conn()?;
        let pending = match &mut *conn {
            DbConn::Sqlite(c) => c
                .pending_migrations(SQLITE_MIGRATIONS)
                .map(|v| v.iter().map(|m| m.name().to_string()).collect()),
            DbConn::Pg(c) => c
                .pending_migrations(POSTGRES_MIGRATIONS)
                .map(|v| v.iter().map(|m| m.name().to_string()).collect()),
        };
        pending.map_err(|e| StoreError::Migration(e.to_string()))
    }

    /// Runs `f` without a write transaction (each statement is its own snapshot).
    pub fn read<T, E: From<StoreError>>(
        &self,
        f: impl FnOnce(&mut DbConn) -> Result<T, E>,
    ) -> Result<T, E> {
        let mut conn = self.conn()?;
        crate::org_cache::with_cache(&self.org, true, || {
            crate::audit::with_chain_key(self.chain_key.as_ref(), || f(&mut conn))
        })
    }

    /// The key that seals chain rows appended through this store from now on.
    pub fn with_chain_key(mut self, key: crate::audit::ChainKey) -> Self {
        self.chain_key = Some(key);
        self
    }

    /// Starts the thread that commits the audit rows of [`Store::read_audited`] in
    /// groups; without it each audited read commits its rows alone. Call after
    /// [`Store::with_chain_key`]: the writer seals with the key the store has then.
    pub fn with_group_commit(mut self) -> Result<Self> {
        let writer = crate::audit_writer::GroupWriter::start(Store {
            audit_writer: None,
            ..self.clone()
        })?;
        self.audit_writer = Some(std::sync::Arc::new(writer));
        Ok(self)
    }

    /// Returns once every audit entry handed to the group writer before the call is
    /// committed (the writer takes jobs in order): the last step of a graceful stop.
    pub fn flush_audit(&self) -> Result<()> {
        match &self.audit_writer {
            Some(w) => w.commit(Vec::new()),
            None => Ok(()),
        }
    }

    /// Runs `f` in a read-only transaction (one snapshot for the whole page) and answers
    /// only once the audit entries `f` appended are committed: handed to the group
    /// writer after the connection is back in the pool, so a request waiting for the
    /// disk holds no connection.
    pub fn read_audited<T, E: From<StoreError>>(
        &self,
        f: impl FnOnce(&mut DbConn) -> Result<T, E>,
    ) -> Result<T, E> {
        let (value, entries) = {
            let mut conn = self.conn()?;
            crate::org_cache::with_cache(&self.org, true, || {
                crate::audit_writer::deferring(|| dialect::read_transaction(&mut conn, f))
            })
        };
        let value = value?;
        crate::audit_writer::commit(self, self.audit_writer.as_ref(), entries)?;
        Ok(value)
    }

    /// Runs `f` in one write transaction: everything it did commits together or not at all.
    pub fn write<T, E: From<StoreError>>(
        &self,
        f: impl FnOnce(&mut DbConn) -> Result<T, E>,
    ) -> Result<T, E> {
        let _turn = match self.backend {
            Backend::Sqlite => Some(
                self.sqlite_writer
                    .try_lock_for(WRITE_WAIT)
                    .ok_or(StoreError::WriteTimeout)?,
            ),
            Backend::Postgres => None,
        };
        let mut conn = self.conn()?;
        crate::org_cache::with_cache(&self.org, false, || {
            crate::audit::with_chain_key(self.chain_key.as_ref(), || {
                dialect::write_transaction(&mut conn, f)
            })
        })
    }

    /// Copies the SQLite database into `out` while it is in use (`VACUUM INTO`).
    pub fn backup_sqlite(&self, out: &Path) -> Result<()> {
        let mut conn = self.conn()?;
        let path = out.to_string_lossy().replace('\'', "''");
        diesel::sql_query(format!("VACUUM INTO '{path}'")).execute(&mut *conn)?;
        Ok(())
    }
}
