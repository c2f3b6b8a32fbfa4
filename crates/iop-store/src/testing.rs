//! Fresh databases for tests: a SQLite file in a temporary directory, or, when
//! `IOP_TEST_DATABASE_URL` names a PostgreSQL server, a new database on it.

use crate::db::{Result, StoreError};
use diesel::connection::SimpleConnection;
use diesel::{Connection, PgConnection};
use std::path::PathBuf;

pub const TEST_DATABASE_URL_VAR: &str = "IOP_TEST_DATABASE_URL";

/// A database that exists for one test. SQLite files are removed with the directory;
/// PostgreSQL test databases are left for the CI machine to discard.
pub struct TestDb {
    pub url: String,
    pub dir: PathBuf,
    _tmp: Option<TempDirGuard>,
}

struct TempDirGuard(PathBuf);

impl Drop for TempDirGuard {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

pub fn backend_name() -> &'static str {
    if std::env::var(TEST_DATABASE_URL_VAR).is_ok_and(|v| !v.is_empty()) {
        "postgres"
    } else {
        "sqlite"
    }
}

impl TestDb {
    pub fn new() -> Result<Self> {
        let id = uuid::Uuid::new_v4().simple().to_string();
        let dir = std::env::temp_dir().join(format!("iop-test-{id}"));
        // Private, as `iop serve` expects of a data directory.
        std::os::unix::fs::DirBuilderExt::mode(std::fs::DirBuilder::new().recursive(true), 0o700)
            .create(&dir)
            .map_err(|e| StoreError::Migration(format!("temp dir: {e}")))?;
        let guard = TempDirGuard(dir.clone());
        match std::env::var(TEST_DATABASE_URL_VAR) {
            Ok(admin_url) if !admin_url.is_empty() => {
                let name = format!("iop_test_{id}");
                let mut admin = PgConnection::establish(&admin_url).map_err(|e| {
                    StoreError::Migration(format!("connect to {TEST_DATABASE_URL_VAR}: {e}"))
                })?;
                admin.batch_execute(&format!("CREATE DATABASE {name}"))?;
                let base = admin_url
                    .rsplit_once('/')
                    .map(|(b, _)| b)
                    .unwrap_or(&admin_url);
                Ok(Self {
                    url: format!("{base}/{name}"),
                    dir,
                    _tmp: Some(guard),
                })
            }
            _ => Ok(Self {
                url: dir.join("iop.sqlite3").to_string_lossy().into_owned(),
                dir,
                _tmp: Some(guard),
            }),
        }
    }

    pub fn is_postgres(&self) -> bool {
        self.url.starts_with("postgres")
    }
}
