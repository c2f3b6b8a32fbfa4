//! Both backends must carry the same migrations under the same names.

use std::collections::BTreeSet;
use std::path::Path;

fn names(dir: &str) -> BTreeSet<String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("migrations")
        .join(dir);
    std::fs::read_dir(&root)
        .map(|rd| {
            rd.filter_map(|e| e.ok())
                .filter(|e| e.path().is_dir())
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default()
}

#[test]
fn sqlite_and_postgres_migration_trees_have_the_same_names() {
    let (sqlite, pg) = (names("sqlite"), names("postgres"));
    assert!(!sqlite.is_empty(), "no SQLite migrations found");
    let only_sqlite: Vec<_> = sqlite.difference(&pg).collect();
    let only_pg: Vec<_> = pg.difference(&sqlite).collect();
    assert!(
        only_sqlite.is_empty() && only_pg.is_empty(),
        "only in sqlite: {only_sqlite:?}; only in postgres: {only_pg:?}"
    );
}

#[test]
fn every_migration_has_up_and_down_on_both_backends() {
    for dir in ["sqlite", "postgres"] {
        for name in names(dir) {
            for file in ["up.sql", "down.sql"] {
                let p = Path::new(env!("CARGO_MANIFEST_DIR"))
                    .join("migrations")
                    .join(dir)
                    .join(&name)
                    .join(file);
                assert!(p.is_file(), "missing {}", p.display());
            }
        }
    }
}

#[test]
fn migrations_apply_on_a_fresh_database_and_are_idempotent() {
    let db = iop_store::testing::TestDb::new().unwrap_or_else(|e| panic!("test db: {e}"));
    let store = iop_store::Store::open(&db.url, 2).unwrap_or_else(|e| panic!("open: {e}"));
    let first = store.migrate().unwrap_or_else(|e| panic!("migrate: {e}"));
    assert!(!first.is_empty());
    let second = store
        .migrate()
        .unwrap_or_else(|e| panic!("migrate again: {e}"));
    assert!(second.is_empty(), "second run applied {second:?}");
}
