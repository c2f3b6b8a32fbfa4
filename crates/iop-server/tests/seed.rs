//! `iop dev seed`, the scale database: what it writes must look like a program's own
//! records (a chain that verifies, nothing dated after now, the 1:6 ratio kept, notes
//! only for groups that met) and it must never touch a database that holds data. On
//! SQLite, or PostgreSQL when IOP_TEST_DATABASE_URL is set.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::{text, Iop, ADD_PAT, PAT_PASSWORD};
use diesel::sql_types::BigInt;
use diesel::{QueryableByName, RunQueryDsl};

#[derive(QueryableByName)]
struct Count {
    #[diesel(sql_type = BigInt)]
    n: i64,
}

fn count(iop: &Iop, sql: &str) -> i64 {
    let store = iop_store::Store::open(&iop.db.url, 1).expect("open");
    let mut conn = store.conn().expect("conn");
    diesel::sql_query(sql)
        .get_result::<Count>(&mut *conn)
        .unwrap_or_else(|e| panic!("{sql}: {e}"))
        .n
}

#[test]
fn dev_seed_writes_a_year_of_history_that_verifies_and_keeps_the_rules() {
    let iop = Iop::new();
    let out = iop.run(&["dev", "seed", "--sites", "1", "--years", "1"], None);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        text(&out.stdout).starts_with("Seeded 1 sites"),
        "{}",
        text(&out.stdout)
    );
    let verify = iop.run(&["audit", "verify"], None);
    assert!(verify.status.success(), "{}", text(&verify.stdout));

    let episodes = count(&iop, "SELECT COUNT(*) AS n FROM episodes");
    assert!(
        (400..=560).contains(&episodes),
        "{episodes} episodes in a year"
    );
    let marks = count(&iop, "SELECT COUNT(*) AS n FROM attendance");
    assert!(
        marks > 15 * episodes,
        "{marks} marks for {episodes} episodes"
    );
    // One audit row per mark, as the attendance use case writes them.
    let audited = count(
        &iop,
        "SELECT COUNT(*) AS n FROM audit_log WHERE action = 'clinical.attendance'",
    );
    assert_eq!(audited, marks);
    // Marks and notes only for groups that met, before today.
    let early = count(
        &iop,
        "SELECT COUNT(*) AS n FROM attendance a JOIN sessions s ON s.id = a.session_id \
         WHERE s.status <> 'held'",
    );
    assert_eq!(early, 0, "marks on sessions that have not been held");
    let unheld_notes = count(
        &iop,
        "SELECT COUNT(*) AS n FROM group_notes g JOIN sessions s ON s.id = g.session_id \
         WHERE s.status <> 'held' OR g.status <> 'signed'",
    );
    assert_eq!(unheld_notes, 0);
    // At most six patients per facilitator in every group with marks.
    let over_ratio = count(
        &iop,
        "SELECT COUNT(*) AS n FROM (SELECT a.session_id FROM attendance a \
         GROUP BY a.session_id HAVING COUNT(*) > 6 * (SELECT COUNT(*) FROM \
         session_facilitators f WHERE f.session_id = a.session_id)) x",
    );
    assert_eq!(over_ratio, 0, "groups over the 1:6 ratio");
    // Every episode that ended has a reason; active ones have none.
    let inconsistent = count(
        &iop,
        "SELECT COUNT(*) AS n FROM episodes WHERE (status = 'active') <> (ended_on IS NULL) \
         OR (ended_on IS NULL) <> (end_reason IS NULL)",
    );
    assert_eq!(inconsistent, 0);
    // The long-standing alumnus: weekly alumni groups since graduating.
    let longest = count(
        &iop,
        "SELECT MAX(c) AS n FROM (SELECT COUNT(*) AS c FROM attendance GROUP BY patient_id) x",
    );
    assert!(longest > 30, "longest attendance history {longest}");
}

#[test]
fn dev_seed_refuses_a_database_that_holds_data_and_changes_nothing() {
    let iop = Iop::new();
    let add = iop.run(ADD_PAT, Some(PAT_PASSWORD));
    assert!(add.status.success(), "{}", text(&add.stderr));
    let out = iop.run(&["dev", "seed", "--sites", "1", "--years", "1"], None);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
    assert!(
        text(&out.stderr).contains("only fills an empty"),
        "{}",
        text(&out.stderr)
    );
    assert_eq!(count(&iop, "SELECT COUNT(*) AS n FROM users"), 1);
    assert_eq!(count(&iop, "SELECT COUNT(*) AS n FROM sites"), 0);
}

#[test]
fn dev_seed_rejects_sizes_out_of_range_with_exit_two_and_stays_out_of_the_help() {
    let iop = Iop::new();
    for args in [["--sites", "0"], ["--years", "11"]] {
        let out = iop.run(&["dev", "seed", args[0], args[1]], None);
        assert_eq!(
            out.status.code(),
            Some(2),
            "{args:?}: {}",
            text(&out.stderr)
        );
    }
    assert_eq!(count(&iop, "SELECT COUNT(*) AS n FROM users"), 0);
    let help = iop.run(&["--help"], None);
    assert!(
        !text(&help.stdout).contains("dev "),
        "{}",
        text(&help.stdout)
    );
}
