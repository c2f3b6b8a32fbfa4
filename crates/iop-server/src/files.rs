//! The data directory and what is in it (database, write-ahead log, keys, backups) are
//! for the service's own account: the directory 0700, the files 0600. `serve` refuses
//! to start when any of them is open to other users of the machine, saying how to fix it.

use iop_app::keys::Keys;
use std::io::Write;
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};

pub const KEYS_FILE: &str = "keys.json";

/// Creates `dir` (and missing parents) as 0700 if it does not exist.
pub fn private_dir(dir: &Path) -> Result<(), String> {
    if dir.is_dir() {
        return Ok(());
    }
    std::fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(dir)
        .map_err(|e| format!("cannot create the data directory {}: {e}", dir.display()))
}

/// Creates `path` empty as 0600 if it does not exist, so that what is later written to it
/// (SQLite gives its -wal and -shm files the database file's mode) is never readable by
/// others, not even for a moment. True if it was created here.
pub fn private_file(path: &Path) -> Result<bool, String> {
    match std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)
    {
        Ok(_) => Ok(true),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(false),
        Err(e) => Err(format!("cannot create {}: {e}", path.display())),
    }
}

/// The keys in `dir/keys.json`, made (0600) on first use. Two processes starting at
/// once agree: only one can create the file, the other reads what it wrote.
pub fn keys(dir: &Path) -> Result<Keys, String> {
    private_dir(dir)?;
    let path = dir.join(KEYS_FILE);
    let new = Keys::generate(jiff::Zoned::now().date());
    let json = new.to_json().map_err(|e| e.to_string())?;
    match std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(&path)
    {
        Ok(mut f) => {
            f.write_all(json.as_bytes())
                .and_then(|()| f.sync_all())
                .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
            tracing::info!(key_id = %new.id, "created {}; back it up apart from the database", path.display());
            Ok(new)
        }
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => read_keys(&path),
        Err(e) => Err(format!("cannot create {}: {e}", path.display())),
    }
}

/// The keys of `dir/keys.json` if it exists; never makes new ones (a restore must not
/// pair a database with keys it was not sealed with).
pub fn existing_keys(dir: &Path) -> Result<Option<Keys>, String> {
    let path = dir.join(KEYS_FILE);
    if path.exists() {
        read_keys(&path).map(Some)
    } else {
        Ok(None)
    }
}

fn read_keys(path: &Path) -> Result<Keys, String> {
    // The other process may be writing it this very moment.
    for _ in 0..50 {
        let text = std::fs::read_to_string(path)
            .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        if !text.trim().is_empty() {
            return Keys::from_json(&text).map_err(|e| format!("{}: {e}", path.display()));
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    Err(format!("{} is empty", path.display()))
}

/// The files of `dir` that must be private: the directory itself, the SQLite database
/// and its companions, and the keys.
fn guarded(dir: &Path) -> Vec<PathBuf> {
    let db = iop_store::Store::sqlite_path(dir);
    let mut out = vec![dir.to_path_buf(), dir.join(KEYS_FILE)];
    for suffix in ["", "-wal", "-shm", "-journal"] {
        let mut p = db.clone().into_os_string();
        p.push(suffix);
        out.push(PathBuf::from(p));
    }
    out
}

/// Refuses (with the fix) when the data directory or a file in it is open to the
/// machine's other users.
pub fn refuse_if_exposed(dir: &Path) -> Result<(), String> {
    let exposed: Vec<String> = guarded(dir)
        .into_iter()
        .filter(|p| std::fs::metadata(p).is_ok_and(|m| m.permissions().mode() & 0o077 != 0))
        .map(|p| p.display().to_string())
        .collect();
    if exposed.is_empty() {
        return Ok(());
    }
    let d = dir.display();
    Err(format!(
        "other users of this machine can read {}; the health records there are for the \
         service's account alone. Fix: chmod 700 {d} && chmod 600 {d}/*",
        exposed.join(", ")
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mode(p: &Path) -> u32 {
        std::fs::metadata(p).expect("meta").permissions().mode() & 0o777
    }

    #[test]
    fn the_data_directory_and_its_files_are_made_private_and_exposure_is_refused() {
        let tmp = tempfile::tempdir().expect("tmp");
        let dir = tmp.path().join("data");
        let k = keys(&dir).expect("keys");
        assert_eq!(mode(&dir), 0o700);
        assert_eq!(mode(&dir.join(KEYS_FILE)), 0o600);
        assert_eq!(
            keys(&dir).expect("again").id,
            k.id,
            "the same keys next time"
        );
        let db = iop_store::Store::sqlite_path(&dir);
        assert!(private_file(&db).expect("db"));
        assert_eq!(mode(&db), 0o600);
        assert_eq!(refuse_if_exposed(&dir), Ok(()));
        std::fs::set_permissions(&db, std::fs::Permissions::from_mode(0o644)).expect("chmod");
        let refused = refuse_if_exposed(&dir).expect_err("refused");
        assert!(
            refused.contains("chmod 600") && refused.contains("iop.sqlite3"),
            "{refused}"
        );
    }
}
