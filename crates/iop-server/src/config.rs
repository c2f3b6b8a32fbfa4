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

/// A secret setting whose `Debug` never shows it.
#[derive(Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(transparent)]
pub struct Secret(pub String);

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***")
    }
}

/// The settings; what each one does is in [`SETTINGS`], which the configuration
/// reference in docs/operations.md is generated from.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    pub addr: String,
    pub data_dir: PathBuf,
    pub database_url: Option<DatabaseUrl>,
    pub idle_timeout_minutes: u32,
    pub api_token_ttl_hours: u32,
    pub session_lifetime_hours: u32,
    pub secure_cookies: Option<bool>,
    pub max_connections: u32,
    pub shutdown_grace_seconds: u32,
    pub metrics_addr: Option<String>,
    pub metrics_token: Option<Secret>,
    pub locale: String,
    pub smtp_url: Option<Secret>,
    pub mail_from_address: String,
    pub mail_from_name: String,
    pub public_url: Option<String>,
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
            metrics_addr: None,
            metrics_token: None,
            locale: "en-US".into(),
            smtp_url: None,
            mail_from_address: "no-reply@localhost.localdomain".into(),
            mail_from_name: iop_domain::portal::DEFAULT_SENDER_NAME.into(),
            public_url: None,
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

/// A setting of `iop.toml`, also read from `IOP_` and its name in capitals.
pub struct Setting {
    pub key: &'static str,
    pub about: &'static str,
}

pub const SETTINGS: &[Setting] = &[
    Setting { key: "addr", about: "Address `serve` listens on (`--addr`)." },
    Setting { key: "data_dir", about: "Directory of the SQLite database and of `keys.json` (also with PostgreSQL); mode 0700 (`--data-dir`)." },
    Setting { key: "database_url", about: "PostgreSQL URL (`postgres://…`); without it, SQLite in `data_dir` (`--database-url`)." },
    Setting { key: "idle_timeout_minutes", about: "Minutes without a request before a web session ends." },
    Setting { key: "api_token_ttl_hours", about: "Hours a token from `POST /api/v1/auth/token` lasts." },
    Setting { key: "session_lifetime_hours", about: "Hours after sign-in a web session ends, however busy." },
    Setting { key: "secure_cookies", about: "Force the `Secure` cookie flag on or off; by default on unless `addr` is loopback." },
    Setting { key: "max_connections", about: "Database connections in the pool." },
    Setting { key: "shutdown_grace_seconds", about: "Seconds `serve` lets requests in flight finish after SIGTERM or Ctrl-C." },
    Setting { key: "metrics_addr", about: "Address of a second listener that serves only `/metrics` (Prometheus text); off when unset. Bind it to loopback or a private network." },
    Setting { key: "metrics_token", about: "Bearer token that opens `/metrics` on the main listener; without it `/metrics` there is not found." },
    Setting { key: "locale", about: "How pages write dates and times: `en-US` (\"Wed, Dec 2\", \"6:00 PM\") or `en-GB` (\"Wed 2 Dec\", \"18:00\"). Each site's zone, and the organisation's zone for pages that span sites, are set on the Programs page." },
    Setting { key: "smtp_url", about: "Mail relay for invitations and reminders: `smtp://host:25` (plain, a local relay), `smtp://user:pass@host:587?tls=required` (STARTTLS) or `smtps://user:pass@host` (TLS). Unset: mail waits in the outbox (with `--demo`, it goes to the log)." },
    Setting { key: "mail_from_address", about: "The sender address of every message." },
    Setting { key: "mail_from_name", about: "The sender's display name; refused if it names the organisation or reveals treatment (42 CFR 2.13)." },
    Setting { key: "public_url", about: "The address people reach this server at, for links in email (`https://portal.example.org`); by default `http://` and `addr`." },
];

/// Variables read from the environment only (not settings of `iop.toml`).
pub const ENVIRONMENT_ONLY: &[(&str, &str, &str)] = &[
    (
        "IOP_LOG",
        "info",
        "Log filter, as `RUST_LOG` (`warn`, `info,iop_store=debug`).",
    ),
    (
        "IOP_LOG_FORMAT",
        "text",
        "`json`: one JSON object per log line, for log shippers.",
    ),
];

/// The configuration reference of docs/operations.md, generated from [`SETTINGS`] and
/// the defaults so that it cannot drift from what the code reads.
pub fn reference_markdown() -> String {
    let defaults = serde_json::to_value(Config::default()).unwrap_or_default();
    let mut out = String::from(
        "| Setting (`iop.toml`) | Environment | Default | What it does |\n|---|---|---|---|\n",
    );
    for s in SETTINGS {
        let default = match defaults.get(s.key) {
            None | Some(serde_json::Value::Null) => "(none)".to_string(),
            Some(v) => format!("`{v}`"),
        };
        out.push_str(&format!(
            "| `{}` | `IOP_{}` | {default} | {} |\n",
            s.key,
            s.key.to_uppercase(),
            s.about
        ));
    }
    for (var, default, about) in ENVIRONMENT_ONLY {
        out.push_str(&format!("| — | `{var}` | `{default}` | {about} |\n"));
    }
    out
}

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
        let keys: Vec<&str> = SETTINGS.iter().map(|s| s.key).collect();
        fig = fig.merge(Env::prefixed("IOP_").only(&keys));
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
        cfg.display_locale()?;
        cfg.mail_settings()?;
        Ok(cfg)
    }

    pub fn display_locale(&self) -> Result<iop_domain::display::Locale, String> {
        self.locale
            .parse()
            .map_err(|e| format!("configuration: locale: {e}"))
    }

    /// Who mail comes from and where its links lead; a display name that would reveal
    /// treatment is refused here, before anything is sent.
    pub fn mail_settings(&self) -> Result<iop_app::mail::MailSettings, String> {
        for (key, value) in [
            ("mail_from_name", &self.mail_from_name),
            ("mail_from_address", &self.mail_from_address),
        ] {
            if let Some(word) = iop_domain::portal::revealing_word(value, &[]) {
                return Err(format!(
                    "configuration: {key} must not say {word:?}: a sender alone can tell who is in treatment"
                ));
            }
        }
        iop_domain::Email::parse(&self.mail_from_address)
            .map_err(|e| format!("configuration: mail_from_address: {e}"))?;
        let public_url = match &self.public_url {
            Some(u) if !u.trim().is_empty() => {
                let parsed = url::Url::parse(u.trim())
                    .map_err(|e| format!("configuration: public_url: {e}"))?;
                if !matches!(parsed.scheme(), "http" | "https") {
                    return Err(
                        "configuration: public_url must start with https:// (or http://)".into(),
                    );
                }
                let url = u.trim().trim_end_matches('/').to_string();
                if let Some(word) = iop_domain::portal::revealing_word(&url, &[]) {
                    return Err(format!(
                        "configuration: public_url must not say {word:?}: it starts every link in every email"
                    ));
                }
                url
            }
            _ => format!("http://{}", self.addr),
        };
        Ok(iop_app::mail::MailSettings {
            sender_name: self.mail_from_name.clone(),
            sender_address: self.mail_from_address.clone(),
            public_url,
        })
    }

    /// The PostgreSQL URL, when one is given (an empty one means SQLite).
    pub fn postgres_url(&self) -> Option<&str> {
        self.database_url
            .as_ref()
            .map(|u| u.0.as_str())
            .filter(|u| !u.trim().is_empty())
    }

    /// The URL the store opens: PostgreSQL when given, else the SQLite file in `data_dir`.
    pub fn store_url(&self) -> Result<String, String> {
        match self.postgres_url() {
            Some(u) => Ok(u.to_string()),
            None => {
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
        let t = Secret("scrape-me".into());
        assert_eq!(format!("{t:?}"), "***");
    }

    #[test]
    fn mail_settings_that_would_reveal_treatment_are_refused() {
        let with = |f: fn(&mut Config)| {
            let mut c = Config::default();
            f(&mut c);
            c.mail_settings()
        };
        assert!(with(|_| {}).is_ok());
        assert!(with(|c| c.mail_from_name = "Harbor Recovery".into()).is_err());
        assert!(with(|c| c.mail_from_address = "rehab@example.org".into()).is_err());
        assert!(with(|c| c.public_url = Some("https://sober-living.example.org".into())).is_err());
        assert!(with(|c| c.public_url = Some("ftp://portal.example.org".into())).is_err());
        let ok = with(|c| c.public_url = Some("https://portal.example.org/".into()));
        assert_eq!(
            ok.map(|m| m.public_url).as_deref(),
            Ok("https://portal.example.org")
        );
    }

    #[test]
    fn every_field_of_the_configuration_is_described_once_in_settings() {
        let value = serde_json::to_value(Config::default()).unwrap_or_default();
        let mut fields: Vec<&str> = value
            .as_object()
            .map(|o| o.keys().map(String::as_str).collect())
            .unwrap_or_default();
        let mut described: Vec<&str> = SETTINGS.iter().map(|s| s.key).collect();
        fields.sort_unstable();
        described.sort_unstable();
        assert_eq!(fields, described);
    }

    #[test]
    fn the_configuration_reference_in_the_operations_guide_is_the_generated_one() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../docs/operations.md");
        let doc = std::fs::read_to_string(path).unwrap_or_default();
        let (start, end) = (
            "<!-- config-reference:start -->\n",
            "<!-- config-reference:end -->",
        );
        let block = doc
            .split_once(start)
            .and_then(|(_, rest)| rest.split_once(end))
            .map(|(block, _)| block);
        assert_eq!(
            block,
            Some(reference_markdown().as_str()),
            "docs/operations.md is out of date; `iop dev config-reference` prints the table"
        );
    }
}
