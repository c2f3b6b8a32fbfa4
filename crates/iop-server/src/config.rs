//! Configuration: defaults, then `iop.toml`, then `IOP_*` variables, then flags.

use crate::cli::GlobalArgs;
use figment::providers::{Env, Format, Serialized, Toml};
use figment::Figment;
use serde::{Deserialize, Serialize};
use std::fmt;
use std::path::PathBuf;

/// A database URL whose `Debug`/`Display` hide the password.
#[derive(Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(transparent)]
pub struct DatabaseUrl(pub String);

impl fmt::Debug for DatabaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&redact(&self.0))
    }
}

impl fmt::Display for DatabaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&redact(&self.0))
    }
}

/// `postgres://user:secret@host/db` → `postgres://user:***@host/db`.
pub fn redact(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_string();
    };
    let Some((creds, host)) = rest.rsplit_once('@') else {
        return url.to_string();
    };
    match creds.split_once(':') {
        Some((user, _)) => format!("{scheme}://{user}:***@{host}"),
        None => url.to_string(),
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    pub addr: String,
    pub data_dir: PathBuf,
    pub database_url: Option<DatabaseUrl>,
    /// Minutes without a request before a web session ends.
    pub idle_timeout_minutes: u32,
    /// Hours a token from `POST /api/v1/auth/token` lasts.
    pub api_token_ttl_hours: u32,
    /// Hours after sign-in a web session ends, however busy.
    pub session_lifetime_hours: u32,
    /// Force the `Secure` cookie flag on or off; by default on unless the address is loopback.
    pub secure_cookies: Option<bool>,
    pub max_connections: u32,
    /// Seconds `serve` lets requests in flight finish after SIGTERM or Ctrl-C.
    pub shutdown_grace_seconds: u32,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            addr: "127.0.0.1:8080".into(),
            data_dir: PathBuf::from("iop-data"),
            database_url: None,
            idle_timeout_minutes: 15,
            api_token_ttl_hours: 12,
            session_lifetime_hours: 12,
            secure_cookies: None,
            max_connections: 16,
            shutdown_grace_seconds: 30,
        }
    }
}

#[derive(Serialize)]
struct Overrides {
    #[serde(skip_serializing_if = "Option::is_none")]
    data_dir: Option<PathBuf>,
    #[serde(skip_serializing_if = "Option::is_none")]
    database_url: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    addr: Option<String>,
}

const KEYS: [&str; 9] = [
    "addr",
    "data_dir",
    "database_url",
    "idle_timeout_minutes",
    "api_token_ttl_hours",
    "session_lifetime_hours",
    "secure_cookies",
    "max_connections",
    "shutdown_grace_seconds",
];

impl Config {
    pub fn load(global: &GlobalArgs, addr: Option<String>) -> Result<Self, String> {
        let mut fig = Figment::from(Serialized::defaults(Config::default()));
        match &global.config {
            Some(path) if !path.exists() => {
                return Err(format!(
                    "the configuration file {} does not exist",
                    path.display()
                ))
            }
            Some(path) => fig = fig.merge(Toml::file(path)),
            None => fig = fig.merge(Toml::file("iop.toml")),
        }
        // Only our own keys: other IOP_* variables (IOP_LOG, test settings) are not config.
        fig = fig.merge(Env::prefixed("IOP_").only(&KEYS));
        fig = fig.merge(Serialized::defaults(Overrides {
            data_dir: global.data_dir.clone(),
            database_url: global.database_url.clone(),
            addr,
        }));
        let cfg: Config = fig.extract().map_err(|e| format!("configuration: {e}"))?;
        if cfg.idle_timeout_minutes == 0
            || cfg.api_token_ttl_hours == 0
            || cfg.session_lifetime_hours == 0
            || cfg.max_connections == 0
        {
            return Err("configuration: idle_timeout_minutes, api_token_ttl_hours, session_lifetime_hours and max_connections must be above 0".into());
        }
        Ok(cfg)
    }

    /// The URL the store opens: PostgreSQL when given, else the SQLite file in `data_dir`.
    pub fn store_url(&self) -> Result<String, String> {
        match &self.database_url {
            Some(u) if !u.0.trim().is_empty() => Ok(u.0.clone()),
            _ => {
                crate::files::private_dir(&self.data_dir)?;
                let db = iop_store::Store::sqlite_path(&self.data_dir);
                crate::files::private_file(&db)?;
                Ok(db.to_string_lossy().into_owned())
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn database_password_never_shows_in_debug_or_display() {
        let u = DatabaseUrl("postgres://iop:s3cret@db.example/iop".into());
        assert_eq!(format!("{u:?}"), "postgres://iop:***@db.example/iop");
        assert!(!u.to_string().contains("s3cret"));
        assert_eq!(redact("postgres://iop@db/iop"), "postgres://iop@db/iop");
    }
}
