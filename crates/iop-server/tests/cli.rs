//! The `iop` binary as an operator uses it: exit codes, the demo guard, data-directory
//! permissions, backups, migrations across processes. On SQLite, or PostgreSQL when
//! IOP_TEST_DATABASE_URL is set.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::{text, Iop, ADD_PAT, PAT_PASSWORD};
use std::process::{Command, Stdio};
#[test]
fn version_prints_and_exits_zero() {
    let out = Command::new(env!("CARGO_BIN_EXE_iop"))
        .arg("--version")
        .output()
        .expect("run");
    assert!(out.status.success());
    assert!(text(&out.stdout).starts_with("iop "));
}

#[test]
fn migrate_check_lists_pending_migrations_with_exit_one_and_applies_none() {
    let iop = Iop::new();
    for _ in 0..2 {
        let out = iop.run(&["migrate", "--check"], None);
        assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
        let listed = text(&out.stdout);
        assert!(listed.lines().count() >= 20, "{listed}");
        assert!(listed.contains("foundation"), "{listed}");
        assert!(
            text(&out.stderr).contains("pending"),
            "{}",
            text(&out.stderr)
        );
    }
    assert!(iop.run(&["migrate"], None).status.success());
    let out = iop.run(&["migrate", "--check"], None);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("up to date"));
}

#[test]
fn bad_usage_exits_two() {
    let out = Command::new(env!("CARGO_BIN_EXE_iop"))
        .arg("frobnicate")
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn user_add_reads_the_password_from_stdin_and_refuses_bad_input_with_exit_two() {
    let iop = Iop::new();
    let ok = iop.run(
        &[
            "user",
            "add",
            "pat@clinic.test",
            "--name",
            "Pat",
            "--role",
            "counselor",
        ],
        Some("a long enough password\n"),
    );
    assert!(ok.status.success(), "{}", text(&ok.stderr));
    let short = iop.run(
        &[
            "user",
            "add",
            "sam@clinic.test",
            "--name",
            "Sam",
            "--role",
            "counselor",
        ],
        Some("short\n"),
    );
    assert_eq!(short.status.code(), Some(2));
    assert!(
        text(&short.stderr).contains("at least 12 characters"),
        "{}",
        text(&short.stderr)
    );
    let role = iop.run(
        &[
            "user",
            "add",
            "sam@clinic.test",
            "--name",
            "Sam",
            "--role",
            "root",
        ],
        Some("a long enough password\n"),
    );
    assert_eq!(role.status.code(), Some(2));
    let dup = iop.run(
        &[
            "user",
            "add",
            "PAT@clinic.test",
            "--name",
            "Pat",
            "--role",
            "billing",
        ],
        Some("a long enough password\n"),
    );
    assert_eq!(dup.status.code(), Some(2));
    assert!(text(&dup.stderr).contains("already exists"));
    let list = iop.run(&["user", "list"], None);
    assert_eq!(
        text(&list.stdout).lines().count(),
        1,
        "only the valid account was stored"
    );
}

#[test]
fn token_create_prints_a_token_once_and_revoke_works() {
    let iop = Iop::new();
    iop.run(
        &[
            "user",
            "add",
            "pat@clinic.test",
            "--name",
            "Pat",
            "--role",
            "counselor",
        ],
        Some("a long enough password\n"),
    );
    let out = iop.run(
        &[
            "token",
            "create",
            "--user",
            "pat@clinic.test",
            "--days",
            "7",
        ],
        None,
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stdout).trim().starts_with("iop_"));
    let id = text(&out.stderr)
        .split_whitespace()
        .nth(1)
        .expect("id")
        .to_string();
    assert!(iop.run(&["token", "revoke", &id], None).status.success());
    assert_eq!(
        iop.run(&["token", "revoke", &id], None).status.code(),
        Some(2)
    );
    assert_eq!(
        iop.run(&["token", "create", "--user", "nobody@clinic.test"], None)
            .status
            .code(),
        Some(2)
    );
}
#[test]
fn demo_refuses_a_database_with_other_data_and_changes_nothing() {
    let iop = Iop::new();
    iop.run(ADD_PAT, Some(PAT_PASSWORD));
    let out = iop.run(&["serve", "--demo", "--addr", "127.0.0.1:0"], None);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("not the demo"),
        "{}",
        text(&out.stderr)
    );
    let list = iop.run(&["user", "list"], None);
    assert_eq!(text(&list.stdout).lines().count(), 1);
    assert!(iop.run(&["audit", "verify"], None).status.success());
}

#[test]
fn configuration_file_and_environment_choose_the_data_directory() {
    let iop = Iop::new();
    if iop.db.is_postgres() {
        return;
    }
    let from_file = iop.db.dir.join("from-file");
    std::fs::write(
        iop.db.dir.join("iop.toml"),
        format!("data_dir = {:?}\n", from_file.to_string_lossy()),
    )
    .expect("toml");
    let run = |envs: &[(&str, &str)]| {
        let mut c = Command::new(env!("CARGO_BIN_EXE_iop"));
        c.current_dir(&iop.db.dir)
            .env_remove("IOP_DATA_DIR")
            .env_remove("IOP_DATABASE_URL")
            .args(["migrate"]);
        for (k, v) in envs {
            c.env(k, v);
        }
        c.output().expect("run")
    };
    assert!(run(&[]).status.success());
    assert!(
        from_file.join("iop.sqlite3").exists(),
        "iop.toml's data_dir was used"
    );
    let from_env = iop.db.dir.join("from-env");
    assert!(run(&[("IOP_DATA_DIR", &from_env.to_string_lossy())])
        .status
        .success());
    assert!(
        from_env.join("iop.sqlite3").exists(),
        "IOP_DATA_DIR beats iop.toml"
    );
    std::fs::write(iop.db.dir.join("iop.toml"), "colour = \"red\"\n").expect("toml");
    let bad = run(&[]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(
        text(&bad.stderr).contains("colour"),
        "{}",
        text(&bad.stderr)
    );
}

fn mode(p: &std::path::Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(p).expect("meta").permissions().mode() & 0o777
}

#[test]
fn the_data_directory_database_keys_and_backups_are_private_and_serve_refuses_exposed_ones() {
    let iop = Iop::new();
    if iop.db.is_postgres() {
        return;
    }
    let data = iop.db.dir.join("fresh");
    let run = |args: &[&str], stdin: Option<&str>| iop.run_on(&data, args, stdin);
    let out = run(ADD_PAT, Some(PAT_PASSWORD));
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(mode(&data), 0o700);
    for f in ["iop.sqlite3", "keys.json"] {
        assert_eq!(mode(&data.join(f)), 0o600, "{f}");
    }
    let wal = data.join("iop.sqlite3-wal");
    if wal.exists() {
        assert_eq!(mode(&wal), 0o600);
    }
    let backup = iop.db.dir.join("backup.sqlite3");
    let out = run(&["backup", "--out", &backup.to_string_lossy()], None);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(mode(&backup), 0o600);

    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(
        data.join("iop.sqlite3"),
        std::fs::Permissions::from_mode(0o644),
    )
    .expect("chmod");
    let refused = run(&["serve", "--addr", "127.0.0.1:0"], None);
    assert_eq!(refused.status.code(), Some(2));
    assert!(
        text(&refused.stderr).contains("chmod 600"),
        "{}",
        text(&refused.stderr)
    );
}

#[test]
fn user_add_during_the_first_start_of_serve_succeeds() {
    for _ in 0..3 {
        let iop = Iop::new();
        let db_args = iop.db_args_in(&iop.db.dir.join("new"));
        let mut serve = Command::new(env!("CARGO_BIN_EXE_iop"))
            .current_dir(&iop.db.dir)
            .env("IOP_LOG", "warn")
            .args(&db_args)
            .args(["serve", "--addr", "127.0.0.1:0"])
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn serve");
        let db: Vec<&str> = db_args.iter().map(String::as_str).collect();
        let added = iop.spawn(&db, ADD_PAT, Some(PAT_PASSWORD));
        // Give serve time to finish starting, then stop it; it must not have failed.
        std::thread::sleep(std::time::Duration::from_millis(1500));
        let early_exit = serve.try_wait().expect("poll serve");
        let _ = serve.kill();
        let served = serve.wait_with_output().expect("serve output");
        assert!(added.status.success(), "user add: {}", text(&added.stderr));
        assert!(
            early_exit.is_none(),
            "serve stopped: {}",
            text(&served.stderr)
        );
        let listed = iop.spawn(&db, &["user", "list"], None);
        assert!(text(&listed.stdout).contains("pat@clinic.test"));
        assert!(iop.spawn(&db, &["audit", "verify"], None).status.success());
    }
}

#[test]
fn a_database_migrated_by_a_newer_release_is_refused_unless_its_changes_were_expand_only() {
    let iop = Iop::new();
    assert!(iop.run(&["migrate"], None).status.success());
    iop.sql(&["INSERT INTO __diesel_schema_migrations (version) VALUES ('29991231000001')"]);
    for args in [&["migrate"][..], &["migrate", "--check"], &["user", "list"]] {
        let out = iop.run(args, None);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let err = text(&out.stderr);
        assert!(
            err.contains("does not know: 29991231000001") && err.contains("Nothing was changed"),
            "{err}"
        );
    }
    // The newer release marked it expand-only: an older process may run on.
    iop.sql(&["INSERT INTO expand_only_migrations (version) VALUES ('29991231000001')"]);
    let out = iop.run(&["migrate"], None);
    assert!(out.status.success(), "{}", text(&out.stderr));
}

#[test]
fn a_database_sealed_with_keys_is_not_given_new_ones_when_its_keys_json_is_missing() {
    let iop = Iop::new();
    let added = iop.run(ADD_PAT, Some(PAT_PASSWORD));
    assert!(added.status.success(), "{}", text(&added.stderr));
    let dir = if iop.db.is_postgres() {
        iop.db.dir.join("iop-data")
    } else {
        iop.db.dir.clone()
    };
    let keys = dir.join("keys.json");
    let kept = iop.db.dir.join("keys.json.kept");
    std::fs::rename(&keys, &kept).expect("move the keys away");
    let refused = iop.run(&["user", "list"], None);
    assert_eq!(refused.status.code(), Some(2));
    let err = text(&refused.stderr);
    assert!(
        err.contains("has no keys.json") && err.contains("sealed with the keys k"),
        "{err}"
    );
    assert!(!keys.exists(), "no new keys were made");
    std::fs::rename(&kept, &keys).expect("put the keys back");
    let back = iop.run(&["audit", "verify"], None);
    assert!(back.status.success(), "{}", text(&back.stderr));
}

#[test]
fn mail_test_needs_a_relay_and_says_what_it_answered() {
    let iop = Iop::new();
    let none = iop.run(&["mail", "test", "someone@example.org"], None);
    assert_eq!(none.status.code(), Some(2), "{}", text(&none.stderr));
    assert!(text(&none.stderr).contains("smtp_url is not set"));
    // A relay that is not there: the message is written, the answer is the failure.
    let cfg = iop.db.dir.join("mail.toml");
    std::fs::write(&cfg, "smtp_url = \"smtp://127.0.0.1:9\"\n").expect("config");
    let cfg = cfg.to_string_lossy().into_owned();
    let down = iop.run(
        &["--config", &cfg, "mail", "test", "someone@example.org"],
        None,
    );
    assert_eq!(down.status.code(), Some(1), "{}", text(&down.stderr));
    assert!(
        text(&down.stderr).contains("the relay did not take the message"),
        "{}",
        text(&down.stderr)
    );
    let bad = iop.run(&["--config", &cfg, "mail", "test", "not an address"], None);
    assert_eq!(bad.status.code(), Some(2), "{}", text(&bad.stderr));
}
