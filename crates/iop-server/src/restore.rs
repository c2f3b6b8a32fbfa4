//! `iop restore FILE`: a backup of `iop backup` into an empty data directory or an empty
//! PostgreSQL database, then the checks: SQLite's integrity checks, every table's rows
//! and the audit head against the manifest, and the audit trail's seals.

use crate::backup::{self, Manifest, KEYS, MANIFEST, POSTGRES_ENTRY, SQLITE_ENTRY};
use crate::commands::{open_store, spinner, CliError, Result};
use crate::config::Config;
use iop_store::Store;
use std::io::{BufRead, BufReader, Read};
use std::os::unix::fs::OpenOptionsExt;
use std::path::Path;
use std::process::Command;

pub fn run(cfg: &Config, file: &Path, identity: Option<&Path>) -> Result<()> {
    let postgres = cfg.postgres_url().is_some();
    refuse_unless_empty(cfg, postgres)?;
    let input = std::fs::File::open(file)
        .map_err(|e| CliError::Usage(format!("cannot open {}: {e}", file.display())))?;
    let mut input = BufReader::new(input);
    let plain: Box<dyn Read> = if is_age(&mut input)? {
        let Some(identity) = identity else {
            return Err(CliError::Usage(format!(
                "{} is encrypted: give the age identity file with --identity",
                file.display()
            )));
        };
        decrypt(input, identity)?
    } else {
        Box::new(input)
    };
    let mut archive = tar::Archive::new(flate2::read::GzDecoder::new(plain));
    let not_backup = |e: std::io::Error| {
        CliError::Usage(format!(
            "{} is not a backup of iop backup: {e}",
            file.display()
        ))
    };
    let mut entries = archive.entries().map_err(not_backup)?;
    let manifest: Manifest = match entries.next() {
        Some(Ok(e)) if e.path().is_ok_and(|p| p == Path::new(MANIFEST)) => {
            serde_json::from_reader(e).map_err(|e| {
                CliError::Usage(format!("{}: unreadable manifest: {e}", file.display()))
            })?
        }
        Some(Err(e)) => return Err(not_backup(e)),
        _ => return Err(not_backup(std::io::Error::other("no manifest first"))),
    };
    if manifest.format != backup::FORMAT {
        return Err(CliError::Usage(format!(
            "{} is a backup of format {:?}; this iop reads {:?}",
            file.display(),
            manifest.format,
            backup::FORMAT
        )));
    }
    let target = if postgres { "postgres" } else { "sqlite" };
    if manifest.backend != target {
        return Err(CliError::Usage(format!(
            "{} is a {} backup; restore it with {} (the target here is {target})",
            file.display(),
            manifest.backend,
            if manifest.backend == "postgres" {
                "--database-url postgres://…"
            } else {
                "--data-dir DIR and no database URL"
            }
        )));
    }
    let pb = spinner("restoring");
    let mut database = false;
    for entry in entries {
        let mut entry = entry.map_err(not_backup)?;
        let name = entry
            .path()
            .map_err(not_backup)?
            .to_string_lossy()
            .into_owned();
        match name.as_str() {
            KEYS => restore_keys(cfg, &mut entry)?,
            SQLITE_ENTRY if !postgres => {
                restore_sqlite(cfg, &mut entry)?;
                database = true;
            }
            POSTGRES_ENTRY if postgres => {
                restore_postgres(cfg, file, &mut entry)?;
                database = true;
            }
            other => {
                return Err(not_backup(std::io::Error::other(format!(
                    "unexpected entry {other}"
                ))))
            }
        }
    }
    pb.finish_and_clear();
    if !database {
        return Err(not_backup(std::io::Error::other("no database in it")));
    }
    check(cfg, &manifest)
}

/// Exit 2, changing nothing, unless the target holds no database.
fn refuse_unless_empty(cfg: &Config, postgres: bool) -> Result<()> {
    if postgres {
        if open_store(cfg)?
            .has_tables()
            .map_err(|e| CliError::Failed(e.to_string()))?
        {
            return Err(CliError::Usage(
                "the PostgreSQL database already holds tables; restore goes only into an empty database (createdb a new one)".into(),
            ));
        }
        return Ok(());
    }
    let db = Store::sqlite_path(&cfg.data_dir);
    let companions = ["sqlite3-wal", "sqlite3-shm", "sqlite3-journal"];
    if db.exists() || companions.iter().any(|c| db.with_extension(c).exists()) {
        return Err(CliError::Usage(format!(
            "{} already holds a database; restore goes only into an empty data directory",
            cfg.data_dir.display()
        )));
    }
    Ok(())
}

fn is_age(input: &mut BufReader<std::fs::File>) -> Result<bool> {
    let head = input
        .fill_buf()
        .map_err(|e| CliError::Usage(format!("cannot read the backup: {e}")))?;
    Ok(head.starts_with(b"age-encryption.org/v1"))
}

fn decrypt(input: BufReader<std::fs::File>, identity: &Path) -> Result<Box<dyn Read>> {
    let identities = age::IdentityFile::from_file(identity.to_string_lossy().into_owned())
        .and_then(|f| f.into_identities().map_err(std::io::Error::other))
        .map_err(|e| {
            CliError::Usage(format!(
                "cannot read the identity file {}: {e}",
                identity.display()
            ))
        })?;
    let decryptor = age::Decryptor::new_buffered(input)
        .map_err(|e| CliError::Usage(format!("not a readable age file: {e}")))?;
    let reader = decryptor
        .decrypt(identities.iter().map(|i| i.as_ref() as &dyn age::Identity))
        .map_err(|e| {
            CliError::Usage(format!(
                "the identities in {} cannot open this backup: {e}",
                identity.display()
            ))
        })?;
    Ok(Box::new(reader))
}

/// The backup's keys.json, unless the data directory holds other keys.
fn restore_keys(cfg: &Config, entry: &mut impl Read) -> Result<()> {
    let mut keys = Vec::new();
    entry
        .read_to_end(&mut keys)
        .map_err(|e| CliError::Usage(format!("cannot read keys.json from the backup: {e}")))?;
    crate::files::private_dir(&cfg.data_dir).map_err(CliError::Failed)?;
    let path = cfg.data_dir.join(crate::files::KEYS_FILE);
    match std::fs::read(&path) {
        Ok(existing) if existing == keys => Ok(()),
        Ok(_) => Err(CliError::Usage(format!(
            "{} holds other keys than the backup's; move it away or restore without them",
            path.display()
        ))),
        Err(_) => write_private(&path, &mut keys.as_slice()),
    }
}

fn write_private(path: &Path, from: &mut impl Read) -> Result<()> {
    let failed =
        |e: std::io::Error| CliError::Failed(format!("cannot write {}: {e}", path.display()));
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)
        .map_err(failed)?;
    std::io::copy(from, &mut f).map_err(failed)?;
    f.sync_all().map_err(failed)
}

/// Written beside the final name and renamed, so a cut-off restore leaves no database
/// that looks whole.
fn restore_sqlite(cfg: &Config, entry: &mut impl Read) -> Result<()> {
    crate::files::private_dir(&cfg.data_dir).map_err(CliError::Failed)?;
    let db = Store::sqlite_path(&cfg.data_dir);
    let partial = db.with_extension("sqlite3.restoring");
    let _ = std::fs::remove_file(&partial);
    write_private(&partial, entry)?;
    // A link fails where a database appeared meanwhile (a server started): never replaced.
    let linked = std::fs::hard_link(&partial, &db);
    let _ = std::fs::remove_file(&partial);
    linked.map_err(|e| CliError::Usage(format!("cannot put the database at {}: {e}", db.display())))
}

/// `pg_restore` in one transaction: all of the dump or nothing.
fn restore_postgres(cfg: &Config, file: &Path, entry: &mut impl Read) -> Result<()> {
    let work = backup::work_dir_beside(file, ".iop-restore-")?;
    let dump = work.path().join(POSTGRES_ENTRY);
    write_private(&dump, entry)?;
    let url = cfg.store_url().map_err(CliError::Usage)?;
    let (url, password) = backup::without_password(&url)?;
    let mut cmd = Command::new("pg_restore");
    cmd.args([
        "--no-owner",
        "--no-privileges",
        "--exit-on-error",
        "--single-transaction",
    ])
    .arg(format!("--dbname={url}"))
    .arg(&dump);
    if let Some(p) = password {
        cmd.env("PGPASSWORD", p);
    }
    backup::run_tool(&mut cmd, "pg_restore")
}

/// What was restored against what the manifest says was backed up; the audit trail's
/// seals with the keys in the data directory. Exit 1 on any difference.
fn check(cfg: &Config, manifest: &Manifest) -> Result<()> {
    let store = open_store(cfg)?;
    let failed = |e: iop_store::StoreError| CliError::Failed(e.to_string());
    let problems = store.integrity_problems().map_err(failed)?;
    if !problems.is_empty() {
        return Err(CliError::Failed(format!(
            "restored, but the integrity check failed: {}",
            problems.join("; ")
        )));
    }
    let restored = store.contents().map_err(failed)?;
    println!("Restored {}.", backup::summary(&restored));
    if restored != manifest.contents {
        let differ: Vec<&str> = manifest
            .contents
            .tables
            .iter()
            .filter(|(t, n)| restored.tables.get(*t) != Some(n))
            .map(|(t, _)| t.as_str())
            .collect();
        return Err(CliError::Failed(format!(
            "restored, but it differs from the backup's manifest ({}); tables that differ: {}",
            backup::summary(&manifest.contents),
            if differ.is_empty() {
                "none (the migrations or the audit head differ)".into()
            } else {
                differ.join(", ")
            }
        )));
    }
    println!("Integrity check: ok; every table holds the rows the backup recorded.");
    let Some(keys) = crate::files::existing_keys(&cfg.data_dir).map_err(CliError::Failed)? else {
        return Err(CliError::Failed(format!(
            "restored, but the audit trail is not verified: no keys.json in {}. Put the keys kept for this database there, then run `iop audit verify`",
            cfg.data_dir.display()
        )));
    };
    let settings = iop_app::AppSettings {
        keys,
        ..iop_app::AppSettings::default()
    };
    crate::commands::verify(&iop_app::App::new(store, settings), None)
}
