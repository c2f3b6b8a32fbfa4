//! Rolling upgrades: a process must not run on a database that a newer release changed
//! in ways it does not know, unless every such change only added something (an
//! expand-only migration, which records its own version in `expand_only_migrations`).

use crate::db::{DbConn, Result, Store, StoreError, POSTGRES_MIGRATIONS, SQLITE_MIGRATIONS};
use diesel::migration::MigrationSource;
use diesel::prelude::*;
use diesel::sql_types::Text;

/// A migration the database has applied that this build does not know.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownMigration {
    pub version: String,
    pub expand_only: bool,
}

#[derive(QueryableByName)]
struct Version {
    #[diesel(sql_type = Text)]
    version: String,
}

fn versions(c: &mut DbConn, sql: &str) -> Result<Vec<String>> {
    Ok(diesel::sql_query(sql)
        .load::<Version>(c)?
        .into_iter()
        .map(|v| v.version)
        .collect())
}

fn known(c: &DbConn) -> Result<Vec<String>> {
    let names = match c {
        DbConn::Sqlite(_) => {
            MigrationSource::<diesel::sqlite::Sqlite>::migrations(&SQLITE_MIGRATIONS)
                .map(|ms| ms.iter().map(|m| m.name().version().to_string()).collect())
        }
        DbConn::Pg(_) => MigrationSource::<diesel::pg::Pg>::migrations(&POSTGRES_MIGRATIONS)
            .map(|ms| ms.iter().map(|m| m.name().version().to_string()).collect()),
    };
    names.map_err(|e| StoreError::Migration(e.to_string()))
}

impl Store {
    /// The migrations applied to the database that this build does not know, oldest first.
    pub fn unknown_migrations(&self) -> Result<Vec<UnknownMigration>> {
        let mut conn = self.conn()?;
        let tables = crate::backup::table_names(&mut conn)?;
        if !tables.iter().any(|t| t == "__diesel_schema_migrations") {
            return Ok(Vec::new());
        }
        let known = known(&conn)?;
        let applied = versions(
            &mut conn,
            "SELECT version FROM __diesel_schema_migrations ORDER BY version",
        )?;
        let expand_only = if tables.iter().any(|t| t == "expand_only_migrations") {
            versions(&mut conn, "SELECT version FROM expand_only_migrations")?
        } else {
            Vec::new()
        };
        Ok(applied
            .into_iter()
            .filter(|v| !known.contains(v))
            .map(|version| UnknownMigration {
                expand_only: expand_only.contains(&version),
                version,
            })
            .collect())
    }
}
