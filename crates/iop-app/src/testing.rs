//! Support for other crates' integration tests (feature `testing`): an app on a fresh
//! database of the backend under test, and raw SQL for the few tests that must reach
//! under the use cases (moving a record back in time, tampering with a hash chain).
//! Nothing here hands out a store type.

use crate::error::AppError;
use crate::{App, AppSettings};
use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use iop_store::testing::TestDb;
use iop_store::Store;

/// The database behind a test app; dropped with the test (SQLite files removed).
pub struct TestDatabase {
    db: TestDb,
}

impl TestDatabase {
    pub fn is_postgres(&self) -> bool {
        self.db.is_postgres()
    }
}

/// A migrated app on a new database (SQLite, or PostgreSQL when `IOP_TEST_DATABASE_URL`
/// names a server).
pub fn fresh_app(settings: AppSettings) -> Result<(App, TestDatabase), AppError> {
    let db = TestDb::new()?;
    let store = Store::open(&db.url, 4)?;
    store.migrate()?;
    let app = App::new(store, settings).with_group_commit()?;
    Ok((app, TestDatabase { db }))
}

/// Runs statements one by one, each in its own transaction; the first refusal is
/// returned with the database's message.
pub fn execute_sql(app: &App, statements: &[&str]) -> Result<(), String> {
    for sql in statements {
        app.store
            .write(|c| c.batch_execute(sql).map_err(iop_store::StoreError::from))
            .map_err(|e| {
                format!(
                    "{e}: {:?}",
                    std::error::Error::source(&e).map(ToString::to_string)
                )
            })?;
    }
    Ok(())
}

#[derive(QueryableByName)]
struct Text {
    #[diesel(sql_type = diesel::sql_types::Text)]
    value: String,
}

/// The text column named `value` of every row a query returns.
pub fn query_text(app: &App, sql: &str) -> Result<Vec<String>, String> {
    app.store
        .read(|c| {
            diesel::sql_query(sql)
                .load::<Text>(c)
                .map_err(iop_store::StoreError::from)
        })
        .map(|rows| rows.into_iter().map(|r| r.value).collect())
        .map_err(|e| e.to_string())
}
