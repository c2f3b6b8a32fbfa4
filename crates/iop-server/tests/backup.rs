//! Backups that restore: the demo backed up, restored into an empty database of the same
//! backend (SQLite, or PostgreSQL with IOP_TEST_DATABASE_URL), plain and age-encrypted,
//! with the same rows and audit head; a target that is not empty is refused untouched.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use age::secrecy::ExposeSecret;
use common::http::serve_demo;
use common::Iop;
use std::process::Output;

fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

/// The figures after "Backed up " / "Restored ": rows, tables and the audit head.
fn figures<'a>(out: &'a str, lead: &str) -> &'a str {
    let line = out
        .lines()
        .find_map(|l| l.strip_prefix(lead))
        .unwrap_or_else(|| panic!("no {lead:?} line in:\n{out}"));
    line.split(" to ")
        .next()
        .unwrap_or(line)
        .trim_end_matches('.')
}

/// Where `iop` keeps keys.json for the test's database run with `db_args_in(dir)`: the
/// SQLite data directory, or (PostgreSQL) the default data directory in the working one.
fn keys_dir(iop: &Iop, dir: &std::path::Path) -> std::path::PathBuf {
    if iop.db.is_postgres() {
        iop.db.dir.join("iop-data")
    } else {
        dir.to_path_buf()
    }
}

/// The demo, served once and stopped, in the test's database.
fn demo() -> Iop {
    let iop = Iop::new();
    let (mut serve, _) = serve_demo(&iop, &[("IOP_LOG", "warn")], &iop.db.dir.join("serve.log"));
    serve.kill().expect("kill");
    serve.wait().expect("reap");
    iop
}

#[test]
fn the_demo_backed_up_plain_and_encrypted_restores_with_the_same_rows_and_audit_head() {
    let source = demo();
    let identity = age::x25519::Identity::generate();
    let identity_file = source.db.dir.join("backup-identity.txt");
    std::fs::write(&identity_file, identity.to_string().expose_secret()).expect("identity");
    let recipient = identity.to_public().to_string();

    for encrypted in [false, true] {
        let file = source.db.dir.join(format!("demo-{encrypted}.iopbak"));
        let file_arg = file.to_string_lossy().into_owned();
        let mut args = vec!["backup", "--out", file_arg.as_str()];
        if encrypted {
            args.extend(["--encrypt-to", recipient.as_str(), "--include-keys"]);
        }
        let backed = source.run(&args, None);
        assert!(backed.status.success(), "{}", text(&backed));
        let backed_text = text(&backed);
        let backed_up = figures(&backed_text, "Backed up ");
        let head = std::fs::read(&file).expect("backup file");
        assert_eq!(head.starts_with(b"age-encryption.org/v1"), encrypted);

        let target = Iop::new();
        let dir = target.db.dir.join("restored");
        let target_args = target.db_args_in(&dir);
        let target_args: Vec<&str> = target_args.iter().map(String::as_str).collect();
        if !encrypted {
            // Keys are kept apart from plain backups: the operator puts them in place.
            let (from, to) = (keys_dir(&source, &source.db.dir), keys_dir(&target, &dir));
            std::fs::create_dir_all(&to).expect("dir");
            std::fs::copy(from.join("keys.json"), to.join("keys.json")).expect("keys");
        }
        let mut restore = vec!["restore", file_arg.as_str()];
        let identity_arg = identity_file.to_string_lossy().into_owned();
        if encrypted {
            let without = target.spawn(&target_args, &restore, None);
            assert_eq!(without.status.code(), Some(2), "{}", text(&without));
            assert!(text(&without).contains("--identity"), "{}", text(&without));
            restore.extend(["--identity", identity_arg.as_str()]);
        }
        let restored = target.spawn(&target_args, &restore, None);
        let out = text(&restored);
        assert!(restored.status.success(), "{out}");
        assert_eq!(figures(&out, "Restored "), backed_up, "{out}");
        assert!(out.contains("The audit trail is intact"), "{out}");
        assert!(out.contains("The disclosure log is intact"), "{out}");

        // A second restore into the now full target: refused, nothing changed.
        let sqlite = dir.join("iop.sqlite3");
        let before = std::fs::read(&sqlite).ok();
        let verified = target.spawn(&target_args, &["audit", "verify"], None);
        assert!(verified.status.success(), "{}", text(&verified));
        let again = target.spawn(&target_args, &restore, None);
        assert_eq!(again.status.code(), Some(2), "{}", text(&again));
        assert!(
            text(&again).contains("restore goes only into an empty"),
            "{}",
            text(&again)
        );
        assert_eq!(std::fs::read(&sqlite).ok(), before);
        let still = target.spawn(&target_args, &["audit", "verify"], None);
        assert_eq!(
            text(&still),
            text(&verified),
            "the refused restore changed nothing"
        );
    }
}

#[test]
fn keys_are_never_put_in_a_plain_backup_and_a_wrong_identity_opens_nothing() {
    let source = Iop::new();
    let file = source.db.dir.join("b.iopbak");
    let file_arg = file.to_string_lossy().into_owned();
    let plain_keys = source.run(&["backup", "--out", &file_arg, "--include-keys"], None);
    assert_eq!(plain_keys.status.code(), Some(2), "{}", text(&plain_keys));
    assert!(!file.exists());
    let bad_recipient = source.run(&["backup", "--out", &file_arg, "--encrypt-to", "bob"], None);
    assert_eq!(
        bad_recipient.status.code(),
        Some(2),
        "{}",
        text(&bad_recipient)
    );

    let recipient = age::x25519::Identity::generate().to_public().to_string();
    if !source.db.is_postgres() {
        let nothing = source.run(&["backup", "--out", &file_arg], None);
        assert_eq!(nothing.status.code(), Some(2), "{}", text(&nothing));
        assert!(text(&nothing).contains("no database"), "{}", text(&nothing));
    }
    assert!(source.run(&["migrate"], None).status.success());
    let ok = source.run(
        &["backup", "--out", &file_arg, "--encrypt-to", &recipient],
        None,
    );
    assert!(ok.status.success(), "{}", text(&ok));
    let stranger = source.db.dir.join("stranger.txt");
    let other = age::x25519::Identity::generate();
    std::fs::write(&stranger, other.to_string().expose_secret()).expect("identity");
    let target = Iop::new();
    let dir = target.db.dir.join("restored");
    let args = target.db_args_in(&dir);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let wrong = target.spawn(
        &args,
        &[
            "restore",
            &file_arg,
            "--identity",
            &stranger.to_string_lossy(),
        ],
        None,
    );
    assert_eq!(wrong.status.code(), Some(2), "{}", text(&wrong));
    assert!(!dir.join("iop.sqlite3").exists());
}
