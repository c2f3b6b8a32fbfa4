//! Command-line grammar.

use clap::{Args, Parser, Subcommand};
use std::path::PathBuf;

#[derive(Parser, Debug)]
#[command(
    name = "iop",
    version,
    about = "Runs an intensive outpatient program: admissions to alumni."
)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,
    #[command(subcommand)]
    pub command: Command,
}

/// Where the data lives. Flags beat `IOP_*` variables, which beat `iop.toml`, which beats the defaults.
#[derive(Args, Debug, Clone)]
pub struct GlobalArgs {
    /// Configuration file (default: ./iop.toml when it exists).
    #[arg(long, global = true, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Directory of the embedded SQLite database (default ./iop-data).
    #[arg(long, global = true, value_name = "DIR")]
    pub data_dir: Option<PathBuf>,
    /// PostgreSQL URL (postgres://…); without it, SQLite in the data directory is used.
    #[arg(long, global = true, value_name = "URL")]
    pub database_url: Option<String>,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Migrate the database, then serve the web pages and the API.
    Serve {
        /// Address to listen on (default 127.0.0.1:8080).
        #[arg(long)]
        addr: Option<String>,
        /// Fill an empty database with the demo organisation (an existing demo is served as it is).
        #[arg(long)]
        demo: bool,
    },
    /// Apply pending database migrations.
    Migrate {
        /// Only list the pending migrations; exit 1 if there are any (for deploy scripts).
        #[arg(long)]
        check: bool,
    },
    /// Manage staff accounts.
    #[command(subcommand)]
    User(UserCommand),
    /// Manage API tokens.
    #[command(subcommand)]
    Token(TokenCommand),
    /// Check the audit trail.
    #[command(subcommand)]
    Audit(AuditCommand),
    /// Keep the program calendars generated.
    #[command(subcommand)]
    Calendar(CalendarCommand),
    /// Back the database up to one file while the server runs (SQLite's copy, or
    /// pg_dump from the PATH), optionally encrypted with age.
    Backup {
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
        /// Encrypt to this age recipient (age1…); repeat for several.
        #[arg(long, value_name = "RECIPIENT")]
        encrypt_to: Vec<String>,
        /// Put keys.json in the backup too (only with --encrypt-to).
        #[arg(long)]
        include_keys: bool,
    },
    /// Restore a backup into an empty data directory or database, then check it.
    Restore {
        file: PathBuf,
        /// The age identity file that opens an encrypted backup.
        #[arg(long, value_name = "FILE")]
        identity: Option<PathBuf>,
    },
    /// Outgoing email.
    #[command(subcommand)]
    Mail(MailCommand),
    /// Developer tools (not in the help: nothing a clinic runs).
    #[command(subcommand, hide = true)]
    Dev(DevCommand),
}

#[derive(Subcommand, Debug)]
pub enum MailCommand {
    /// Send a test message through `smtp_url` now, and say what the relay answered.
    Test { address: String },
}

#[derive(Subcommand, Debug)]
pub enum DevCommand {
    /// Fill an empty database with synthetic sites and years of history, to measure
    /// what a large organisation costs. Logins: admin@scale.test, director@scale.test,
    /// counselor-001-1@scale.test …, password demo-password.
    Seed {
        #[arg(long, default_value_t = 100)]
        sites: u32,
        #[arg(long, default_value_t = 5)]
        years: u32,
        /// The same seed gives the same history.
        #[arg(long, default_value_t = 1)]
        seed: u64,
    },
    /// Write the reminders due at an instant and send them through `smtp_url`, as the
    /// server's reminder pass would then (end-to-end tests of mail).
    Remind {
        #[arg(long)]
        at: String,
    },
    /// Print the configuration reference table of docs/operations.md.
    ConfigReference,
}

#[derive(Subcommand, Debug)]
pub enum UserCommand {
    /// Add an account. The password is read from standard input or asked for.
    Add {
        email: String,
        #[arg(long)]
        name: String,
        /// admin, clinical_director, counselor, admissions or billing.
        #[arg(long)]
        role: String,
    },
    /// Change an account's role (signs it out everywhere).
    SetRole { email: String, role: String },
    /// Set a new password, read from standard input or asked for.
    SetPassword { email: String },
    /// Disable an account (signs it out everywhere; its records stay).
    Disable { email: String },
    /// Enable a disabled account.
    Enable { email: String },
    /// Turn on the second factor and print the otpauth:// address for an authenticator app.
    TotpEnable { email: String },
    /// Turn off the second factor.
    TotpDisable { email: String },
    /// List accounts.
    List,
}

#[derive(Subcommand, Debug)]
pub enum CalendarCommand {
    /// Generate every program's sessions from today to its planning horizon (what
    /// `serve` does every night; for cron when the server is not left running).
    Generate,
}

#[derive(Subcommand, Debug)]
pub enum TokenCommand {
    /// Create an API token for an account and print it once.
    Create {
        #[arg(long)]
        user: String,
        #[arg(long, default_value = "cli")]
        name: String,
        /// Days until it expires.
        #[arg(long, default_value_t = 30)]
        days: u32,
    },
    /// Revoke a token by its id.
    Revoke { id: iop_domain::ids::TokenId },
}

#[derive(Subcommand, Debug)]
pub enum AuditCommand {
    /// Verify the keyed hash chains: exit 0 when intact, 1 naming the first bad row.
    Verify {
        /// A checkpoint printed earlier by `iop audit checkpoint` (SEQ:SEAL): also
        /// report when the trail was cut off after it.
        #[arg(long, value_name = "CHECKPOINT")]
        against: Option<String>,
    },
    /// Print the head of the audit trail (SEQ:SEAL) to keep somewhere else.
    Checkpoint,
}
