//! `iop audit verify` after tampering: edited, deleted and forged rows, and a trail cut
//! off after a checkpoint. On SQLite, or PostgreSQL when IOP_TEST_DATABASE_URL is set.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::{text, Iop, PAT_PASSWORD};
use diesel::RunQueryDsl;

#[test]
fn audit_verify_passes_then_names_the_row_edited_with_sql() {
    let iop = Iop::new();
    for who in ["a", "b", "c"] {
        let email = format!("{who}@clinic.test");
        let out = iop.run(
            &["user", "add", &email, "--name", who, "--role", "billing"],
            Some("a long enough password\n"),
        );
        assert!(out.status.success());
    }
    let ok = iop.run(&["audit", "verify"], None);
    assert!(ok.status.success(), "{}", text(&ok.stderr));
    assert!(
        text(&ok.stdout).contains("3 entries verified"),
        "{}",
        text(&ok.stdout)
    );

    // The application's own guard: the trigger refuses an UPDATE.
    let store = iop_store::Store::open(&iop.db.url, 1).expect("open");
    let blocked = diesel::sql_query("UPDATE audit_log SET action = 'user.nothing' WHERE seq = 2")
        .execute(&mut *store.conn().expect("conn"));
    assert!(
        blocked.is_err(),
        "the append-only trigger must refuse updates"
    );

    // Behind the application's back: drop the guard, then edit row 2.
    drop_audit_guard(&iop);
    iop.sql(&["UPDATE audit_log SET detail = '{\"role\":\"admin\"}' WHERE seq = 2"]);
    let bad = iop.run(&["audit", "verify"], None);
    assert_eq!(bad.status.code(), Some(1));
    let err = text(&bad.stderr);
    assert!(err.contains("seq=2") && err.contains("edited"), "{err}");
}

#[test]
fn audit_verify_notices_a_deleted_row() {
    let iop = Iop::new();
    add_users(&iop, &["a", "b", "c"]);
    drop_audit_guard(&iop);
    iop.sql(&["DELETE FROM audit_log WHERE seq = 2"]);
    let bad = iop.run(&["audit", "verify"], None);
    assert_eq!(bad.status.code(), Some(1));
    assert!(text(&bad.stderr).contains("seq=3"), "{}", text(&bad.stderr));
}

/// Drops the append-only guard of the audit trail, as someone with the database can.
fn drop_audit_guard(iop: &Iop) {
    if iop.db.is_postgres() {
        iop.sql(&["ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_update"]);
    } else {
        iop.sql(&[
            "DROP TRIGGER audit_log_no_update",
            "DROP TRIGGER audit_log_no_delete",
        ]);
    }
}

fn add_users(iop: &Iop, names: &[&str]) {
    for who in names {
        let email = format!("{who}@clinic.test");
        let out = iop.run(
            &["user", "add", &email, "--name", who, "--role", "billing"],
            Some(PAT_PASSWORD),
        );
        assert!(out.status.success(), "{}", text(&out.stderr));
    }
}

#[test]
fn audit_verify_catches_a_row_rewritten_with_every_later_hash_recomputed() {
    let iop = Iop::new();
    add_users(&iop, &["a", "b", "c", "d"]);
    drop_audit_guard(&iop);
    // Rewrite entry 2 and recompute its hash and every later one, as a forger would.
    let store = iop_store::Store::open(&iop.db.url, 1).expect("open");
    let mut conn = store.conn().expect("conn");
    let rows = iop_store::audit::chunk_after(&mut conn, 0, 100).expect("rows");
    let mut prev = rows[0].hash.clone();
    for r in &rows[1..] {
        let mut r = r.clone();
        if r.seq == 2 {
            r.detail = "{\"role\":\"admin\"}".into();
        }
        let hash = iop_domain::audit::chain_hash(&prev, &r.fields());
        diesel::sql_query(format!(
            "UPDATE audit_log SET detail = '{}', prev_hash = '{prev}', hash = '{hash}' WHERE seq = {}",
            r.detail, r.seq
        ))
        .execute(&mut *conn)
        .expect("rewrite");
        prev = hash;
    }
    drop(conn);
    let bad = iop.run(&["audit", "verify"], None);
    assert_eq!(bad.status.code(), Some(1));
    let err = text(&bad.stderr);
    assert!(err.contains("seq=2") && err.contains("seal"), "{err}");
}

#[test]
fn audit_verify_against_a_checkpoint_catches_the_trail_cut_off_after_it() {
    let iop = Iop::new();
    add_users(&iop, &["a", "b"]);
    let cp = iop.run(&["audit", "checkpoint"], None);
    assert!(cp.status.success(), "{}", text(&cp.stderr));
    let checkpoint = text(&cp.stdout).trim().to_string();
    let seq: i64 = checkpoint
        .split(':')
        .next()
        .expect("seq")
        .parse()
        .expect("number");
    add_users(&iop, &["c", "d"]);
    assert!(iop
        .run(&["audit", "verify", "--against", &checkpoint], None)
        .status
        .success());

    drop_audit_guard(&iop);
    iop.sql(&[&format!("DELETE FROM audit_log WHERE seq >= {seq}")]);
    // A shorter chain is still a chain: only the checkpoint kept elsewhere tells.
    assert!(iop.run(&["audit", "verify"], None).status.success());
    let cut = iop.run(&["audit", "verify", "--against", &checkpoint], None);
    assert_eq!(cut.status.code(), Some(1));
    assert!(
        text(&cut.stderr).contains("cut off"),
        "{}",
        text(&cut.stderr)
    );
    let garbled = iop.run(&["audit", "verify", "--against", "12:xyz"], None);
    assert_eq!(garbled.status.code(), Some(2));
}
