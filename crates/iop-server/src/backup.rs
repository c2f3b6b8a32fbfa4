//! `iop backup`: one file holding a manifest (what was backed up, counted from the same
//! snapshot as the copy), the database (SQLite's `VACUUM INTO` copy, or `pg_dump
//! --format=custom`), and `keys.json` only when asked and encrypted. The file is a gzip'd
//! tar, encrypted with age when recipients are given.

use crate::commands::{open_store, spinner, CliError, Result};
use crate::config::Config;
use iop_store::backup::Contents;
use iop_store::Backend;
use serde::{Deserialize, Serialize};
use std::io::Write;
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};
use std::process::Command;

pub const FORMAT: &str = "iop-backup/1";
pub const MANIFEST: &str = "manifest.json";
pub const KEYS: &str = "keys.json";
pub const SQLITE_ENTRY: &str = "database.sqlite3";
pub const POSTGRES_ENTRY: &str = "database.pgdump";

#[derive(Debug, Serialize, Deserialize)]
pub struct Manifest {
    pub format: String,
    /// `sqlite` or `postgres`: a backup restores into the same kind of database.
    pub backend: String,
    pub iop_version: String,
    pub created_at: jiff::Timestamp,
    pub includes_keys: bool,
    pub contents: Contents,
}

pub fn backend_name(b: Backend) -> &'static str {
    match b {
        Backend::Sqlite => "sqlite",
        Backend::Postgres => "postgres",
    }
}

/// "12,345 rows in 58 tables, audit head 812:ab12…": what a backup and its restore
/// both print, so the two can be compared.
pub fn summary(c: &Contents) -> String {
    format!(
        "{} rows in {} tables, audit head {}",
        c.rows(),
        c.tables.len(),
        c.audit_head.as_deref().unwrap_or("(none)")
    )
}

pub fn run(cfg: &Config, out: &Path, encrypt_to: &[String], include_keys: bool) -> Result<()> {
    if include_keys && encrypt_to.is_empty() {
        return Err(CliError::Usage(
            "--include-keys needs --encrypt-to: the keys must never sit in a plain file next to the data they protect"
                .into(),
        ));
    }
    let recipients = encrypt_to
        .iter()
        .map(|r| {
            r.trim().parse::<age::x25519::Recipient>().map_err(|e| {
                CliError::Usage(format!(
                    "--encrypt-to {r:?} is not an age recipient (age1…): {e}"
                ))
            })
        })
        .collect::<Result<Vec<_>>>()?;
    if out.exists() {
        return Err(CliError::Usage(format!(
            "{} already exists; choose a new file",
            out.display()
        )));
    }
    let keys = if include_keys {
        let path = cfg.data_dir.join(crate::files::KEYS_FILE);
        Some(std::fs::read(&path).map_err(|e| {
            CliError::Usage(format!(
                "--include-keys: cannot read {}: {e}",
                path.display()
            ))
        })?)
    } else {
        None
    };
    let sqlite = iop_store::Store::sqlite_path(&cfg.data_dir);
    if cfg.postgres_url().is_none() && !sqlite.exists() {
        return Err(CliError::Usage(format!(
            "there is no database in {} to back up (check --data-dir)",
            cfg.data_dir.display()
        )));
    }
    // Not `open`: a backup copies the database as it is, before any migration.
    let store = open_store(cfg)?;
    let work = work_dir_beside(out, ".iop-backup-")?;
    let pb = spinner("copying the database");
    let (entry, copy, contents) = match store.backend() {
        Backend::Sqlite => {
            let copy = work.path().join(SQLITE_ENTRY);
            store
                .backup_sqlite(&copy)
                .map_err(|e| CliError::Failed(format!("backup failed: {e}")))?;
            // Counted in the copy itself, so the manifest says what the file holds.
            let contents = iop_store::Store::open(&copy.to_string_lossy(), 1)
                .and_then(|s| s.contents())
                .map_err(|e| CliError::Failed(format!("cannot read the copy: {e}")))?;
            (SQLITE_ENTRY, copy, contents)
        }
        Backend::Postgres => {
            let url = cfg.store_url().map_err(CliError::Usage)?;
            let copy = work.path().join(POSTGRES_ENTRY);
            let contents = store.with_exported_snapshot(|snapshot, held| {
                pg_dump(&url, snapshot, &copy)?;
                Ok::<_, CliError>(held.clone())
            })?;
            (POSTGRES_ENTRY, copy, contents)
        }
    };
    let manifest = Manifest {
        format: FORMAT.into(),
        backend: backend_name(store.backend()).into(),
        iop_version: env!("CARGO_PKG_VERSION").into(),
        created_at: jiff::Timestamp::now(),
        includes_keys: keys.is_some(),
        contents,
    };
    pb.set_message("writing the backup file");
    let partial = work.path().join("backup.partial");
    write_file(
        &partial,
        &recipients,
        &manifest,
        keys.as_deref(),
        entry,
        &copy,
    )?;
    // A link, not a rename: a file that appeared at `out` meanwhile is never replaced.
    std::fs::hard_link(&partial, out)
        .map_err(|e| CliError::Failed(format!("cannot write {}: {e}", out.display())))?;
    pb.finish_and_clear();
    let how = match (recipients.len(), keys.is_some()) {
        (0, _) => "not encrypted".to_string(),
        (n, false) => format!("encrypted to {n} age recipient(s)"),
        (n, true) => format!("encrypted to {n} age recipient(s), with keys.json"),
    };
    println!(
        "Backed up {} to {} ({how}).",
        summary(&manifest.contents),
        out.display()
    );
    Ok(())
}

/// A private (0700) work directory next to `file`, on its file system rather than a
/// small, shared /tmp; removed when dropped.
pub fn work_dir_beside(file: &Path, prefix: &str) -> Result<tempfile::TempDir> {
    let dir = match file.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    tempfile::Builder::new()
        .prefix(prefix)
        .tempdir_in(&dir)
        .map_err(|e| CliError::Failed(format!("cannot write in {}: {e}", dir.display())))
}

/// `pg_dump` of the exported snapshot; the password goes through the environment, not
/// the command line other users of the machine can read.
fn pg_dump(url: &str, snapshot: &str, file: &Path) -> Result<()> {
    let (url, password) = without_password(url)?;
    let mut cmd = Command::new("pg_dump");
    cmd.args(["--format=custom", "--no-owner", "--no-privileges"])
        .arg(format!("--snapshot={snapshot}"))
        .arg(format!("--file={}", file.display()))
        .arg(format!("--dbname={url}"));
    if let Some(p) = password {
        cmd.env("PGPASSWORD", p);
    }
    run_tool(&mut cmd, "pg_dump")
}

/// Runs a PostgreSQL client tool, with a clear error when it is not installed.
pub fn run_tool(cmd: &mut Command, tool: &str) -> Result<()> {
    let out = cmd.output().map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => CliError::Failed(format!(
            "{tool} is not on the PATH: install the PostgreSQL client of the server's major version (Debian: apt-get install postgresql-client)"
        )),
        _ => CliError::Failed(format!("cannot run {tool}: {e}")),
    })?;
    if out.status.success() {
        return Ok(());
    }
    Err(CliError::Failed(format!(
        "{tool} failed: {}",
        String::from_utf8_lossy(&out.stderr).trim()
    )))
}

/// The URL without its password, and the password. A URL this cannot read is refused
/// rather than passed on whole: its password would be on a command line.
pub fn without_password(url: &str) -> Result<(String, Option<String>)> {
    let parsed = url::Url::parse(url).map_err(|e| {
        CliError::Usage(format!(
            "the database URL cannot be read ({e}); give one like postgres://user:password@host:5432/db for backups and restores"
        ))
    })?;
    if parsed.query_pairs().any(|(k, _)| k == "password") {
        return Err(CliError::Usage(
            "put the database password before the @ of the URL, not in its query, for backups and restores".into(),
        ));
    }
    Ok(match parsed {
        mut u if u.password().is_some() => {
            let password = u.password().map(|p| {
                percent_encoding::percent_decode_str(p)
                    .decode_utf8_lossy()
                    .into_owned()
            });
            let _ = u.set_password(None);
            (u.to_string(), password)
        }
        u => (u.to_string(), None),
    })
}

fn write_file(
    path: &Path,
    recipients: &[age::x25519::Recipient],
    manifest: &Manifest,
    keys: Option<&[u8]>,
    entry: &str,
    database: &Path,
) -> Result<()> {
    let failed = |e: std::io::Error| CliError::Failed(format!("cannot write the backup: {e}"));
    let file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)
        .map_err(failed)?;
    let sink = std::io::BufWriter::new(file);
    let sink = if recipients.is_empty() {
        write_tar(sink, manifest, keys, entry, database)?
    } else {
        let list = recipients.iter().map(|r| r as &dyn age::Recipient);
        let encryptor = age::Encryptor::with_recipients(list)
            .map_err(|e| CliError::Failed(format!("cannot encrypt: {e}")))?;
        let sealed = encryptor.wrap_output(sink).map_err(failed)?;
        let sealed = write_tar(sealed, manifest, keys, entry, database)?;
        sealed.finish().map_err(failed)?
    };
    let file = sink.into_inner().map_err(|e| failed(e.into_error()))?;
    file.sync_all().map_err(failed)
}

/// A gzip'd tar: the manifest first (a restore reads it before anything else), then the
/// keys (a conflict with the target's keys is found before the database is written).
fn write_tar<W: Write>(
    sink: W,
    manifest: &Manifest,
    keys: Option<&[u8]>,
    entry: &str,
    database: &Path,
) -> Result<W> {
    let failed = |e: std::io::Error| CliError::Failed(format!("cannot write the backup: {e}"));
    let gz = flate2::write::GzEncoder::new(sink, flate2::Compression::fast());
    let mut tar = tar::Builder::new(gz);
    let json = serde_json::to_vec_pretty(manifest)
        .map_err(|e| CliError::Failed(format!("manifest: {e}")))?;
    append_bytes(&mut tar, MANIFEST, &json).map_err(failed)?;
    if let Some(k) = keys {
        append_bytes(&mut tar, KEYS, k).map_err(failed)?;
    }
    tar.append_path_with_name(database, entry).map_err(failed)?;
    tar.into_inner().and_then(|gz| gz.finish()).map_err(failed)
}

fn append_bytes<W: Write>(
    tar: &mut tar::Builder<W>,
    name: &str,
    bytes: &[u8],
) -> std::io::Result<()> {
    let mut header = tar::Header::new_gnu();
    header.set_size(u64::try_from(bytes.len()).unwrap_or(u64::MAX));
    header.set_mode(0o600);
    header.set_cksum();
    tar.append_data(&mut header, name, bytes)
}
