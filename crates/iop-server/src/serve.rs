//! `iop serve`: the web server, its nightly calendar run, the metrics listener and the
//! graceful stop.

use crate::commands::{open, spinner, system, CliError, Result};
use crate::config::Config;
use iop_app::demo::DemoOutcome;
use iop_app::App;
use std::future::IntoFuture;
use std::net::SocketAddr;

/// Keeps the calendars generated: once at start, then every night at the site.
async fn roll_calendar_nightly(app: App) {
    loop {
        let run = app.clone();
        let outcome = tokio::task::spawn_blocking(move || run.roll_calendar(&system())).await;
        let label = match &outcome {
            Ok(Ok(r)) if r.ran => "generated",
            Ok(Ok(_)) => "skipped",
            _ => "failed",
        };
        metrics::counter!("iop_calendar_runs_total", "outcome" => label).increment(1);
        match outcome {
            Ok(Ok(r)) if r.ran => {
                let created: usize = r.programs.iter().map(|p| p.2).sum();
                metrics::counter!("iop_calendar_sessions_created_total")
                    .increment(u64::try_from(created).unwrap_or(u64::MAX));
                tracing::info!(
                    programs = r.programs.len(),
                    created,
                    "calendar generated to the horizon"
                );
            }
            Ok(Ok(_)) => tracing::info!("calendar generation left to another process"),
            Ok(Err(e)) => tracing::error!(error = %e, "calendar generation failed"),
            Err(e) => tracing::error!(error = %e, "calendar generation stopped"),
        }
        let now = jiff::Timestamp::now();
        let next = app
            .next_calendar_roll(now)
            .unwrap_or(now + jiff::SignedDuration::from_hours(24));
        let wait = now.duration_until(next).unsigned_abs();
        tokio::time::sleep(wait.max(std::time::Duration::from_secs(60))).await;
    }
}

/// Removes bulk exports' files once kept their time (24 hours), every five minutes.
async fn sweep_exports(app: App) {
    loop {
        tokio::time::sleep(std::time::Duration::from_secs(300)).await;
        let run = app.clone();
        match tokio::task::spawn_blocking(move || run.sweep_exports(false)).await {
            Ok(Ok(())) => {}
            Ok(Err(e)) => tracing::error!(error = %e, "removing expired exports failed"),
            Err(e) => tracing::error!(error = %e, "removing expired exports stopped"),
        }
    }
}

pub(crate) fn serve(cfg: &Config, demo: bool) -> Result<()> {
    let addr: SocketAddr = cfg.addr.parse().map_err(|_| {
        CliError::Usage(format!(
            "--addr {:?} is not an address like 127.0.0.1:8080",
            cfg.addr
        ))
    })?;
    crate::files::refuse_if_exposed(&cfg.data_dir).map_err(CliError::Usage)?;
    let app = open(cfg)?;
    // Only the server runs exports: jobs a stopped server left will not finish, and files
    // kept past their time go (then every few minutes, below).
    app.sweep_exports(true)
        .map_err(|e| CliError::Failed(format!("cannot tidy the exports: {e}")))?;
    let mail = crate::mail::transport(cfg, demo)?;
    app.check_mail_settings()
        .map_err(|e| CliError::Usage(format!("configuration: {e}")))?;
    if demo {
        let pb = spinner("preparing the demo organisation");
        let outcome = app.ensure_demo(&system())?;
        pb.finish_and_clear();
        match outcome {
            DemoOutcome::Seeded => {
                tracing::info!("filled the empty database with the demo organisation")
            }
            DemoOutcome::AlreadyDemo => tracing::info!("serving the existing demo database"),
        }
    }
    let secure_cookies = cfg.secure_cookies.unwrap_or(!addr.ip().is_loopback());
    let metrics_addr = metrics_addr(cfg)?;
    let token = cfg.metrics_token.as_ref().map(|t| t.0.as_str());
    if token.is_some_and(|t| t.trim().len() < 16) {
        return Err(CliError::Usage(
            "metrics_token must be at least 16 characters (openssl rand -hex 32 makes one)".into(),
        ));
    }
    let metrics = if metrics_addr.is_some() || token.is_some() {
        Some(
            iop_web::metrics::Metrics::install(token)
                .map_err(|e| CliError::Failed(format!("cannot start the metrics: {e}")))?,
        )
    } else {
        None
    };
    let state = iop_web::AppState {
        app: app.clone(),
        web: iop_web::WebSettings {
            secure_cookies,
            metrics,
        },
    };
    let grace = std::time::Duration::from_secs(cfg.shutdown_grace_seconds.into());
    // A page's database work runs on a blocking thread and waits for one of the pool's
    // connections; threads beyond a few per connection only wait, and each keeps a malloc
    // arena and a stack (64 connections to `/healthz` took the server from 42 to 108 MB).
    let rt = tokio::runtime::Builder::new_multi_thread()
        .max_blocking_threads(blocking_threads(cfg.max_connections))
        .enable_all()
        .build()
        .map_err(|e| CliError::Failed(format!("cannot start the runtime: {e}")))?;
    rt.block_on(async move {
        let listener = tokio::net::TcpListener::bind(addr)
            .await
            .map_err(|e| CliError::Failed(format!("cannot listen on {addr}: {e}")))?;
        tracing::info!(%addr, "serving; open http://{addr}");
        if let Some(at) = metrics_addr {
            let metrics = tokio::net::TcpListener::bind(at)
                .await
                .map_err(|e| CliError::Failed(format!("cannot listen for metrics on {at}: {e}")))?;
            tracing::info!(%at, "metrics at http://{at}/metrics");
            let router = iop_web::metrics::own_listener_router(state.clone());
            tokio::spawn(async move {
                if let Err(e) = axum::serve(metrics, router).await {
                    tracing::error!(error = %e, "the metrics listener stopped");
                }
            });
        }
        let flushing = app.clone();
        tokio::spawn(crate::mail::run(app.clone(), mail));
        tokio::spawn(sweep_exports(app.clone()));
        tokio::spawn(roll_calendar_nightly(app));
        let router = iop_web::router(state);
        // On SIGTERM or Ctrl-C the listener closes and requests in flight finish (an
        // audited read answers only once its audit row is committed), for at most the
        // grace period.
        let (stopping, mut stopped) = tokio::sync::watch::channel(false);
        let server = axum::serve(
            listener,
            router.into_make_service_with_connect_info::<SocketAddr>(),
        )
        .with_graceful_shutdown(async move {
            shutdown().await;
            let _ = stopping.send(true);
        });
        let deadline = async move {
            if stopped.wait_for(|s| *s).await.is_err() {
                std::future::pending::<()>().await;
            }
            tokio::time::sleep(grace).await;
        };
        tokio::select! {
            served = server.into_future() => served
                .map_err(|e| CliError::Failed(format!("server stopped: {e}")))?,
            () = deadline => tracing::warn!(
                grace_seconds = grace.as_secs(),
                "requests still running at the end of the grace period were cut off"
            ),
        }
        let flushed = tokio::task::spawn_blocking(move || flushing.store.flush_audit()).await;
        match flushed {
            Ok(Ok(())) => tracing::info!("stopped; every audit entry committed"),
            Ok(Err(e)) => {
                tracing::error!(error = %e, "stopped; pending audit entries not committed")
            }
            Err(e) => tracing::error!(error = %e, "stopped; the audit flush did not run"),
        }
        Ok(())
    })
}

/// Blocking threads for `connections` pooled connections: two per connection, so one can
/// wait for its audit row's commit while another uses the connection.
fn blocking_threads(connections: u32) -> usize {
    usize::try_from(connections)
        .unwrap_or(16)
        .saturating_mul(2)
        .max(4)
}

async fn shutdown() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! { _ = ctrl_c => {}, _ = term => {} }
    tracing::info!("shutting down");
}

/// The address of the metrics listener, if one is configured.
fn metrics_addr(cfg: &Config) -> Result<Option<SocketAddr>> {
    match cfg.metrics_addr.as_deref().map(str::trim) {
        None | Some("") => Ok(None),
        Some(a) => a.parse().map(Some).map_err(|_| {
            CliError::Usage(format!(
                "metrics_addr {a:?} is not an address like 127.0.0.1:9464"
            ))
        }),
    }
}
