//! What each subcommand does. Everything goes through the use cases in `iop-app`
//! as the system principal, so the CLI is audited like the web.

use crate::cli::{
    AuditCommand, CalendarCommand, Cli, Command, DevCommand, TokenCommand, UserCommand,
};
use crate::config::Config;
use iop_app::accounts::users::NewUser;
use iop_app::audit::chain::VerifyOutcome;
use iop_app::audit::checkpoint::Checkpoint;
use iop_app::{App, AppError, AppSettings, Ctx, RequestMeta, Store};
use iop_domain::Role;
use std::fmt;
use std::io::{BufRead, IsTerminal};

#[derive(Debug)]
pub enum CliError {
    /// Exit 2: the command or its input was wrong; nothing was changed.
    Usage(String),
    /// Exit 1: the command was right but failed.
    Failed(String),
}

impl CliError {
    pub fn exit_code(&self) -> u8 {
        match self {
            CliError::Usage(_) => 2,
            CliError::Failed(_) => 1,
        }
    }
}

impl fmt::Display for CliError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CliError::Usage(m) | CliError::Failed(m) => f.write_str(m),
        }
    }
}

impl From<iop_store::StoreError> for CliError {
    fn from(e: iop_store::StoreError) -> Self {
        CliError::Failed(e.to_string())
    }
}

impl From<AppError> for CliError {
    fn from(e: AppError) -> Self {
        match e {
            AppError::Internal(cause) => CliError::Failed(cause),
            other => CliError::Usage(other.to_string()),
        }
    }
}

pub(crate) type Result<T> = std::result::Result<T, CliError>;

pub(crate) fn spinner(msg: &str) -> indicatif::ProgressBar {
    let pb = if std::io::stderr().is_terminal() {
        indicatif::ProgressBar::new_spinner()
    } else {
        indicatif::ProgressBar::hidden()
    };
    pb.set_message(msg.to_string());
    pb.enable_steady_tick(std::time::Duration::from_millis(120));
    pb
}

/// The configured database, as it is: nothing migrated.
pub(crate) fn open_store(cfg: &Config) -> Result<Store> {
    let url = cfg.store_url().map_err(CliError::Usage)?;
    Store::open(&url, cfg.max_connections).map_err(|e| match e {
        iop_store::StoreError::BadUrl => CliError::Usage(e.to_string()),
        other => CliError::Failed(format!("cannot open the database: {other}")),
    })
}

pub(crate) fn open(cfg: &Config) -> Result<App> {
    let store = open_store(cfg)?;
    refuse_newer_schema(&store)?;
    let pb = spinner("migrating the database");
    let applied = store
        .migrate()
        .map_err(|e| CliError::Failed(e.to_string()))?;
    pb.finish_and_clear();
    for m in applied {
        tracing::info!(migration = %m, "applied migration");
    }
    let settings = AppSettings {
        idle_timeout: jiff::SignedDuration::from_mins(i64::from(cfg.idle_timeout_minutes)),
        session_lifetime: jiff::SignedDuration::from_hours(i64::from(cfg.session_lifetime_hours)),
        api_token_ttl: jiff::SignedDuration::from_hours(i64::from(cfg.api_token_ttl_hours)),
        // After the migrations: the audit head is read with today's columns.
        keys: keys_for(cfg, &store)?,
        clock: iop_app::clock::Clock::SYSTEM,
        locale: cfg.display_locale().map_err(CliError::Usage)?,
        mail: cfg.mail_settings().map_err(CliError::Usage)?,
        exports_dir: cfg.data_dir.join("exports"),
    };
    let app = App::new(store, settings).with_group_commit()?;
    if app.seal_audit_head(&system())? {
        tracing::info!("sealed the audit trail's head with the keys in keys.json");
    }
    let filled = app.fill_patient_search_text()?;
    if filled > 0 {
        tracing::info!(
            filled,
            "filled the search text of patients stored before it existed"
        );
    }
    let sealed = app.seal_plain_totp_secrets(&system())?;
    if sealed > 0 {
        tracing::info!(sealed, "sealed second-factor seeds stored in plain text");
    }
    Ok(app)
}

/// The data directory's keys, made on first use, but never beside a database whose audit
/// trail was sealed with other keys: new keys there would seal rows that no one can verify
/// together with the old ones (a lost keys.json, or a second host without its copy).
fn keys_for(cfg: &Config, store: &Store) -> Result<iop_app::keys::Keys> {
    if let Some(keys) = crate::files::existing_keys(&cfg.data_dir).map_err(CliError::Failed)? {
        return Ok(keys);
    }
    let sealed_with = store
        .read(iop_store::audit::head)?
        .and_then(|head| head.key_id);
    match sealed_with {
        Some(id) if std::env::var("IOP_ACCEPT_NEW_KEYS").as_deref() != Ok("1") => {
            Err(CliError::Usage(format!(
                "{} has no keys.json, but this database's audit trail is sealed with the keys {id}: put that \
                 keys.json back (docs/operations.md, Key files). Only if it is lost for good, run once with \
                 IOP_ACCEPT_NEW_KEYS=1 to start new keys.",
                cfg.data_dir.display()
            )))
        }
        _ => crate::files::keys(&cfg.data_dir).map_err(CliError::Failed),
    }
}

/// Exit 2 on a database that a newer release migrated in ways this one does not know:
/// it would misread or damage what that release wrote. Expand-only migrations (they only
/// add) are let through, so an older process keeps serving during a rolling upgrade.
fn refuse_newer_schema(store: &Store) -> Result<()> {
    let unknown = store.unknown_migrations()?;
    let (tolerated, blocking): (Vec<_>, Vec<_>) = unknown.into_iter().partition(|m| m.expand_only);
    if !blocking.is_empty() {
        let versions: Vec<&str> = blocking.iter().map(|m| m.version.as_str()).collect();
        return Err(CliError::Usage(format!(
            "the database carries migrations this iop ({}) does not know: {}. A newer release upgraded it; run that release or a later one (see docs/operations.md, Upgrades). Nothing was changed.",
            env!("CARGO_PKG_VERSION"),
            versions.join(", ")
        )));
    }
    for m in tolerated {
        tracing::warn!(migration = %m.version, "running on a database migrated by a newer release (expand-only)");
    }
    Ok(())
}

pub(crate) fn system() -> Ctx {
    Ctx::system(RequestMeta::cli(jiff::Timestamp::now()))
}

/// A password from standard input (one line) or, on a terminal, asked twice without echo.
fn read_password() -> Result<String> {
    if std::io::stdin().is_terminal() {
        let a = rpassword::prompt_password("Password (at least 12 characters): ")
            .map_err(|e| CliError::Failed(format!("cannot read the password: {e}")))?;
        let b = rpassword::prompt_password("Again: ")
            .map_err(|e| CliError::Failed(format!("cannot read the password: {e}")))?;
        if a != b {
            return Err(CliError::Usage("the two passwords differ".into()));
        }
        Ok(a)
    } else {
        let mut line = String::new();
        std::io::stdin()
            .lock()
            .read_line(&mut line)
            .map_err(|e| CliError::Failed(format!("cannot read the password: {e}")))?;
        Ok(line.trim_end_matches(['\r', '\n']).to_string())
    }
}

fn parse_role(s: &str) -> Result<Role> {
    s.parse().map_err(|_| {
        CliError::Usage(format!(
            "unknown role {s:?}: use admin, clinical_director, counselor, admissions or billing"
        ))
    })
}

pub fn run(cli: Cli) -> Result<()> {
    let addr_flag = match &cli.command {
        Command::Serve { addr, .. } => addr.clone(),
        _ => None,
    };
    let cfg = Config::load(&cli.global, addr_flag).map_err(CliError::Usage)?;
    match cli.command {
        Command::Serve { demo, .. } => crate::serve::serve(&cfg, demo),
        Command::Migrate { check: true } => {
            let store = open_store(&cfg)?;
            refuse_newer_schema(&store)?;
            let pending = store
                .pending_migrations()
                .map_err(|e| CliError::Failed(e.to_string()))?;
            if pending.is_empty() {
                println!("The database is up to date.");
                return Ok(());
            }
            for name in &pending {
                println!("{name}");
            }
            Err(CliError::Failed(format!(
                "{} migration(s) pending: `iop migrate` applies them",
                pending.len()
            )))
        }
        Command::Migrate { check: false } => {
            open(&cfg)?;
            println!("The database is up to date.");
            Ok(())
        }
        Command::User(cmd) => user(&open(&cfg)?, cmd),
        Command::Token(cmd) => token(&open(&cfg)?, cmd),
        Command::Audit(AuditCommand::Verify { against }) => {
            let against = against.map(|a| a.parse::<Checkpoint>()).transpose()?;
            verify(&open(&cfg)?, against.as_ref())
        }
        Command::Audit(AuditCommand::Checkpoint) => {
            let cp = open(&cfg)?.audit_checkpoint(&system())?;
            eprintln!("Keep this checkpoint away from the server; `iop audit verify --against` checks it:");
            println!("{cp}");
            Ok(())
        }
        Command::Backup {
            out,
            encrypt_to,
            include_keys,
        } => crate::backup::run(&cfg, &out, &encrypt_to, include_keys),
        Command::Restore { file, identity } => {
            crate::restore::run(&cfg, &file, identity.as_deref())
        }
        Command::Mail(crate::cli::MailCommand::Test { address }) => {
            crate::mail::test(&cfg, &address)
        }
        Command::Dev(DevCommand::Seed { sites, years, seed }) => {
            crate::seed::run(&open(&cfg)?, sites, years, seed)
        }
        Command::Dev(DevCommand::Remind { at }) => crate::mail::remind_at(&cfg, &at),
        Command::Dev(DevCommand::ConfigReference) => {
            print!("{}", crate::config::reference_markdown());
            Ok(())
        }
        Command::Calendar(CalendarCommand::Generate) => {
            let report = open(&cfg)?.roll_calendar(&system())?;
            if !report.ran {
                println!("another process is generating the calendar; nothing done");
            }
            for (program, through, created) in report.programs {
                println!("program {program}: generated through {through}, {created} new sessions");
            }
            Ok(())
        }
    }
}

fn user(app: &App, cmd: UserCommand) -> Result<()> {
    let ctx = system();
    match cmd {
        UserCommand::Add { email, name, role } => {
            let role = parse_role(&role)?;
            let password = read_password()?;
            let id = app.add_user(
                &ctx,
                NewUser {
                    email: email.clone(),
                    display_name: name,
                    role,
                    password,
                },
            )?;
            println!("Added {email} ({role}) with id {id}.");
        }
        UserCommand::SetRole { email, role } => {
            let role = parse_role(&role)?;
            app.set_user_role(&ctx, &email, role)?;
            println!("{email} is now {role}; their sessions were ended.");
        }
        UserCommand::SetPassword { email } => {
            let password = read_password()?;
            app.set_user_password(&ctx, &email, password)?;
            println!("The password of {email} was changed; their sessions were ended.");
        }
        UserCommand::Disable { email } => {
            app.set_user_disabled(&ctx, &email, true)?;
            println!("{email} is disabled.");
        }
        UserCommand::Enable { email } => {
            app.set_user_disabled(&ctx, &email, false)?;
            println!("{email} is enabled.");
        }
        UserCommand::TotpEnable { email } => {
            let url = app.enable_totp(&ctx, &email)?;
            println!("Add this to the authenticator app of {email} (shown once):\n{url}");
        }
        UserCommand::TotpDisable { email } => {
            app.disable_totp(&ctx, &email)?;
            println!("The second factor of {email} is off.");
        }
        UserCommand::List => {
            for u in app.list_users(&ctx)? {
                let state = if u.disabled { "disabled" } else { "active" };
                println!("{}\t{}\t{}\t{}", u.email, u.role, state, u.display_name);
            }
        }
    }
    Ok(())
}

fn token(app: &App, cmd: TokenCommand) -> Result<()> {
    let ctx = system();
    match cmd {
        TokenCommand::Create { user, name, days } => {
            if days == 0 || days > 366 {
                return Err(CliError::Usage("--days must be between 1 and 366".into()));
            }
            let user_id = app.user_id_for_email(&user)?;
            let ttl = jiff::SignedDuration::from_hours(24 * i64::from(days));
            let t = app.create_token_for(&ctx, user_id, &name, ttl)?;
            eprintln!(
                "Token {} for {user}, expires {} (UTC). It is shown only now:",
                t.id, t.expires_at
            );
            println!("{}", t.token);
        }
        TokenCommand::Revoke { id } => {
            app.revoke_token(&ctx, id)?;
            println!("Token {id} is revoked.");
        }
    }
    Ok(())
}

pub(crate) fn verify(app: &App, against: Option<&Checkpoint>) -> Result<()> {
    let pb = if std::io::stderr().is_terminal() {
        indicatif::ProgressBar::new(0)
    } else {
        indicatif::ProgressBar::hidden()
    };
    let outcome = app.verify_audit_chain(|done, total| {
        pb.set_length(total);
        pb.set_position(done);
    })?;
    pb.finish_and_clear();
    let audit = match outcome {
        VerifyOutcome::Intact { rows } => rows,
        VerifyOutcome::Broken { rows_checked, seq, reason } => {
            return Err(CliError::Failed(format!(
                "the audit trail is broken at entry seq={seq}: {reason}. {rows_checked} entries before it verified."
            )))
        }
    };
    if let Some(cp) = against {
        if let Some(reason) = app.check_audit_checkpoint(cp)? {
            return Err(CliError::Failed(format!(
                "the audit trail is broken: {reason}."
            )));
        }
    }
    println!("The audit trail is intact: {audit} entries verified.");
    match app.verify_disclosure_log(|_, _| {})? {
        VerifyOutcome::Intact { rows } => {
            println!("The disclosure log is intact: {rows} entries verified.");
            Ok(())
        }
        VerifyOutcome::Broken { rows_checked, seq, reason } => Err(CliError::Failed(format!(
            "the disclosure log is broken at entry seq={seq}: {reason}. {rows_checked} entries before it verified."
        ))),
    }
}
