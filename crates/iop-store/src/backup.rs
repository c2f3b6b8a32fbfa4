//! What a backup records and a restore checks: each table with its rows, the migrations
//! applied and the audit head, read from one snapshot on either backend.

use crate::db::{DbConn, Result, Store, StoreError};
use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Text};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Contents {
    /// Rows in each table, by table name.
    pub tables: BTreeMap<String, i64>,
    /// The migrations applied, oldest first.
    pub migrations: Vec<String>,
    /// The newest audit entry as `SEQ:SEAL` (what `iop audit checkpoint` prints).
    pub audit_head: Option<String>,
}

impl Contents {
    pub fn rows(&self) -> i64 {
        self.tables.values().sum()
    }
}

#[derive(QueryableByName)]
struct Name {
    #[diesel(sql_type = Text)]
    name: String,
}

#[derive(QueryableByName)]
struct Count {
    #[diesel(sql_type = BigInt)]
    n: i64,
}

pub(crate) fn table_names(c: &mut DbConn) -> Result<Vec<String>> {
    let sql = match c {
        DbConn::Sqlite(_) => {
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name"
        }
        DbConn::Pg(_) => {
            "SELECT tablename AS name FROM pg_tables WHERE schemaname = current_schema() ORDER BY tablename"
        }
    };
    Ok(diesel::sql_query(sql)
        .load::<Name>(c)?
        .into_iter()
        .map(|n| n.name)
        .collect())
}

/// The tables, their rows, the migrations and the audit head, as `c` sees them.
pub fn contents(c: &mut DbConn) -> Result<Contents> {
    let mut tables = BTreeMap::new();
    for name in table_names(c)? {
        // The name comes from the catalog; quoted as an identifier all the same.
        let sql = format!(
            "SELECT count(*) AS n FROM \"{}\"",
            name.replace('"', "\"\"")
        );
        let n = diesel::sql_query(sql).get_result::<Count>(c)?.n;
        tables.insert(name, n);
    }
    let migrations = if tables.contains_key("__diesel_schema_migrations") {
        diesel::sql_query("SELECT version AS name FROM __diesel_schema_migrations ORDER BY version")
            .load::<Name>(c)?
            .into_iter()
            .map(|n| n.name)
            .collect()
    } else {
        Vec::new()
    };
    let audit_head = if tables.contains_key("audit_log") {
        crate::audit::head(c)?.map(|h| format!("{}:{}", h.seq, h.mac.unwrap_or_default()))
    } else {
        None
    };
    Ok(Contents {
        tables,
        migrations,
        audit_head,
    })
}

/// Problems SQLite's own checks find (`integrity_check`, `foreign_key_check`); empty
/// when the file is sound. PostgreSQL checks its pages itself: nothing to ask there.
pub fn integrity_problems(c: &mut DbConn) -> Result<Vec<String>> {
    let DbConn::Sqlite(_) = c else {
        return Ok(Vec::new());
    };
    let mut problems: Vec<String> = diesel::sql_query("PRAGMA integrity_check")
        .load::<IntegrityLine>(c)?
        .into_iter()
        .map(|l| l.integrity_check)
        .filter(|l| l != "ok")
        .collect();
    let broken =
        diesel::sql_query("PRAGMA foreign_key_check").load::<crate::db::ForeignKeyProblem>(c)?;
    if let Some(first) = broken.first() {
        problems.push(format!(
            "{} broken references, the first in table {}",
            broken.len(),
            first.table
        ));
    }
    Ok(problems)
}

#[derive(QueryableByName)]
struct IntegrityLine {
    #[diesel(sql_type = Text)]
    integrity_check: String,
}

/// Whether the database holds any table (a restore goes only into an empty one).
pub fn has_tables(c: &mut DbConn) -> Result<bool> {
    Ok(!table_names(c)?.is_empty())
}

impl Store {
    /// PostgreSQL: runs `f` with the name of an exported snapshot and what that snapshot
    /// holds, keeping the snapshot open until `f` returns, so that `pg_dump --snapshot`
    /// dumps exactly what was counted.
    pub fn with_exported_snapshot<T, E: From<StoreError>>(
        &self,
        f: impl FnOnce(&str, &Contents) -> std::result::Result<T, E>,
    ) -> std::result::Result<T, E> {
        let mut conn = self.conn()?;
        // Idle while pg_dump runs: a server-wide idle-in-transaction timeout must not end it.
        conn.batch_execute(
            "BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY; SET LOCAL idle_in_transaction_session_timeout = 0",
        )
        .map_err(StoreError::from)?;
        let inside = (|| {
            let name = diesel::sql_query("SELECT pg_export_snapshot() AS name")
                .get_result::<Name>(&mut *conn)
                .map_err(StoreError::from)?
                .name;
            let held = contents(&mut conn)?;
            f(&name, &held)
        })();
        // Read-only: ending it either way changes nothing.
        let ended = conn.batch_execute(if inside.is_ok() { "COMMIT" } else { "ROLLBACK" });
        let value = inside?;
        ended.map_err(StoreError::from)?;
        Ok(value)
    }

    /// What the database holds now (one snapshot on PostgreSQL; SQLite reads under its
    /// own lock for each statement, so call it when nothing writes).
    pub fn contents(&self) -> Result<Contents> {
        let mut conn = self.conn()?;
        let begin = match &*conn {
            DbConn::Pg(_) => "BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY",
            DbConn::Sqlite(_) => "BEGIN",
        };
        conn.batch_execute(begin)?;
        let held = contents(&mut conn);
        conn.batch_execute("COMMIT")?;
        held
    }

    pub fn integrity_problems(&self) -> Result<Vec<String>> {
        integrity_problems(&mut *self.conn()?)
    }

    pub fn has_tables(&self) -> Result<bool> {
        has_tables(&mut *self.conn()?)
    }
}
