//! The `iop` binary run as an operator runs it, on a test database (SQLite, or
//! PostgreSQL when IOP_TEST_DATABASE_URL is set).
#![allow(dead_code)]

pub mod http;

use diesel::RunQueryDsl;
use iop_store::testing::TestDb;
use std::io::Write;
use std::process::{Command, Output, Stdio};

pub struct Iop {
    pub db: TestDb,
}

impl Iop {
    pub fn new() -> Self {
        Iop {
            db: TestDb::new().expect("test db"),
        }
    }

    pub fn run(&self, args: &[&str], stdin: Option<&str>) -> Output {
        if self.db.is_postgres() {
            self.spawn(&["--database-url", &self.db.url], args, stdin)
        } else {
            self.run_on(&self.db.dir, args, stdin)
        }
    }

    /// The arguments that name the test's database: its PostgreSQL URL, or `dir` as the
    /// SQLite data directory.
    pub fn db_args_in(&self, dir: &std::path::Path) -> Vec<String> {
        if self.db.is_postgres() {
            vec!["--database-url".into(), self.db.url.clone()]
        } else {
            vec!["--data-dir".into(), dir.to_string_lossy().into_owned()]
        }
    }

    /// Runs with `dir` as the SQLite data directory.
    pub fn run_on(&self, dir: &std::path::Path, args: &[&str], stdin: Option<&str>) -> Output {
        self.spawn(&["--data-dir", &dir.to_string_lossy()], args, stdin)
    }

    pub fn spawn(&self, db_args: &[&str], args: &[&str], stdin: Option<&str>) -> Output {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_iop"));
        // Run where no iop.toml lies around, with only the test's database.
        cmd.current_dir(&self.db.dir)
            .env_remove("IOP_DATABASE_URL")
            .env_remove("IOP_DATA_DIR")
            .env("IOP_LOG", "warn")
            .args(db_args)
            .args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let mut child = cmd.spawn().expect("spawn iop");
        if let Some(input) = stdin {
            child
                .stdin
                .take()
                .expect("stdin")
                .write_all(input.as_bytes())
                .expect("write stdin");
        }
        drop(child.stdin.take());
        child.wait_with_output().expect("wait")
    }

    pub fn sql(&self, statements: &[&str]) {
        let store = iop_store::Store::open(&self.db.url, 1).expect("open");
        let mut conn = store.conn().expect("conn");
        for s in statements {
            diesel::sql_query(*s)
                .execute(&mut *conn)
                .unwrap_or_else(|e| panic!("{s}: {e}"));
        }
    }
}

/// `iop user add` of an administrator, and the password it reads.
pub const ADD_PAT: &[&str] = &[
    "user",
    "add",
    "pat@clinic.test",
    "--name",
    "Pat",
    "--role",
    "admin",
];
pub const PAT_PASSWORD: &str = "otter lamp violet quarry\n";

pub fn text(o: &[u8]) -> String {
    String::from_utf8_lossy(o).into_owned()
}

/// `iop audit verify` passes on the test's database (starting again also recovers it), and
/// every id in `answered` (request ids beginning with `prefix`) has its measures-read row.
/// Returns how many such rows there are.
pub fn assert_chain_whole_and_reads_audited(iop: &Iop, prefix: &str, answered: &[String]) -> usize {
    let verified = iop.run(&["audit", "verify"], None);
    assert!(verified.status.success(), "{}", text(&verified.stderr));
    let store = iop_store::Store::open(&iop.db.url, 1).expect("open");
    let logged: std::collections::BTreeSet<String> = store
        .read(|c| iop_store::audit::request_ids_of(c, "clinical.measures.view", prefix))
        .expect("audit rows")
        .into_iter()
        .collect();
    let missing: Vec<&String> = answered.iter().filter(|id| !logged.contains(*id)).collect();
    assert!(
        missing.is_empty(),
        "{} answered reads have no audit row, e.g. {:?}",
        missing.len(),
        missing.first()
    );
    logged.len()
}
