//! The mail sender task of `serve`, and `iop mail test`.

use crate::commands::{open, system, CliError, Result};
use crate::config::Config;
use iop_app::mail::transport::{Log, Smtp};
use iop_app::mail::Transport;
use iop_app::App;
use std::sync::Arc;
use std::time::Duration;

/// How often the outbox is read, and how often reminders are looked for.
const SEND_EVERY: Duration = Duration::from_secs(5);
const REMIND_EVERY: Duration = Duration::from_secs(300);

/// The transport `serve` sends with: the configured relay, the log for the demo, or
/// none (mail waits in the outbox until a relay is configured).
pub(crate) fn transport(cfg: &Config, demo: bool) -> Result<Option<Arc<dyn Transport>>> {
    match cfg
        .smtp_url
        .as_ref()
        .map(|s| s.0.trim())
        .filter(|s| !s.is_empty())
    {
        Some(url) => Ok(Some(Arc::new(
            Smtp::from_url(url).map_err(CliError::Usage)?,
        ))),
        None if demo => Ok(Some(Arc::new(Log))),
        None => Ok(None),
    }
}

/// Empties the outbox every few seconds and writes reminders every few minutes, each
/// pass on a blocking thread. A pass that fails is logged and tried again.
pub(crate) async fn run(app: App, transport: Option<Arc<dyn Transport>>) {
    let Some(transport) = transport else {
        tracing::warn!("smtp_url is not set: email waits in the outbox until it is");
        return;
    };
    let mut since_reminders = REMIND_EVERY;
    loop {
        if since_reminders >= REMIND_EVERY {
            since_reminders = Duration::ZERO;
            let a = app.clone();
            match tokio::task::spawn_blocking(move || a.queue_reminders(jiff::Timestamp::now()))
                .await
            {
                Ok(Ok(n)) if n > 0 => {
                    tracing::info!(written = n, "reminders written to the outbox")
                }
                Ok(Ok(_)) => {}
                Ok(Err(e)) => tracing::error!(error = %e, "reminders not written"),
                Err(e) => tracing::error!(error = %e, "the reminder pass stopped"),
            }
        }
        let (a, t) = (app.clone(), transport.clone());
        match tokio::task::spawn_blocking(move || {
            a.send_due_mail(t.as_ref(), jiff::Timestamp::now())
        })
        .await
        {
            Ok(Ok(r)) if r.sent + r.retried + r.failed > 0 => {
                tracing::info!(
                    sent = r.sent,
                    retried = r.retried,
                    failed = r.failed,
                    "outbox pass"
                )
            }
            Ok(Ok(_)) => {}
            Ok(Err(e)) => tracing::error!(error = %e, "the outbox pass failed"),
            Err(e) => tracing::error!(error = %e, "the outbox pass stopped"),
        }
        tokio::time::sleep(SEND_EVERY).await;
        since_reminders += SEND_EVERY;
    }
}

/// `iop mail test ADDRESS`: writes a test message and sends what is due through the
/// configured relay at once, saying what the relay answered.
pub(crate) fn test(cfg: &Config, address: &str) -> Result<()> {
    let Some(transport) = transport(cfg, false)? else {
        return Err(CliError::Usage(
            "smtp_url is not set: put the relay in iop.toml or IOP_SMTP_URL first".into(),
        ));
    };
    let app = open(cfg)?;
    let id = app
        .queue_test_mail(&system(), address)
        .map_err(|e| match e {
            iop_app::AppError::Invalid(m) => CliError::Usage(m),
            other => CliError::Failed(other.to_string()),
        })?;
    app.send_due_mail(transport.as_ref(), jiff::Timestamp::now())?;
    let queue = app.mail_queue(&system())?;
    let find = |list: &[iop_app::mail::MailView]| list.iter().find(|m| m.id == id).cloned();
    if find(&queue.sent).is_some() {
        println!("sent a test message to {address}");
        return Ok(());
    }
    let why = find(&queue.pending)
        .or_else(|| find(&queue.failed))
        .and_then(|m| m.last_error)
        .unwrap_or_else(|| "no answer".into());
    Err(CliError::Failed(format!(
        "the relay did not take the message: {why}"
    )))
}

/// `iop dev remind --at T`: the reminder pass and the outbox pass as of `T`.
pub(crate) fn remind_at(cfg: &Config, at: &str) -> Result<()> {
    let at: jiff::Timestamp = at.parse().map_err(|e| {
        CliError::Usage(format!(
            "--at {at:?} is not an instant like 2026-12-07T15:30:00Z: {e}"
        ))
    })?;
    let Some(transport) = transport(cfg, false)? else {
        return Err(CliError::Usage("smtp_url is not set".into()));
    };
    let app = open(cfg)?;
    let written = app.queue_reminders(at)?;
    let r = app.send_due_mail(transport.as_ref(), at)?;
    println!(
        "reminders written: {written}; sent: {}, to retry: {}, failed: {}",
        r.sent, r.retried, r.failed
    );
    Ok(())
}
