//! Prometheus metrics at `/metrics`: what the request layer, the connection pool, the
//! audit writer and the calendar record. Never anonymous on the main listener: behind a
//! reverse proxy on the same machine every request comes from loopback, so an address
//! check would let anyone in; it takes a bearer token there, or a listener of its own.

use crate::access::bearer_token;
use crate::AppState;
use axum::extract::{Request, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use metrics_exporter_prometheus::{BuildError, Matcher, PrometheusBuilder, PrometheusHandle};
use sha2::{Digest, Sha256};

pub const REQUESTS: &str = "iop_http_requests_total";
pub const REQUEST_SECONDS: &str = "iop_http_request_duration_seconds";

/// Latency buckets from a cached page (1 ms) to a request that needs looking at.
const SECONDS: [f64; 13] = [
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
];
const BATCH_ENTRIES: [f64; 10] = [1.0, 2.0, 4.0, 8.0, 16.0, 32.0, 64.0, 128.0, 256.0, 512.0];

/// Where `/metrics` is read, and with what.
#[derive(Clone)]
pub struct Metrics {
    handle: PrometheusHandle,
    /// SHA-256 of the bearer token the main listener asks for; `None`: not served there.
    token_digest: Option<[u8; 32]>,
}

impl std::fmt::Debug for Metrics {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Metrics")
            .field("on_main_listener", &self.token_digest.is_some())
            .finish_non_exhaustive()
    }
}

impl Metrics {
    /// Installs the process's metrics recorder (once per process).
    pub fn install(main_listener_token: Option<&str>) -> Result<Metrics, BuildError> {
        let handle = PrometheusBuilder::new()
            .set_buckets(&SECONDS)?
            .set_buckets_for_metric(
                Matcher::Full("iop_audit_batch_entries".into()),
                &BATCH_ENTRIES,
            )?
            .install_recorder()?;
        describe();
        Ok(Metrics {
            handle,
            token_digest: main_listener_token.map(digest),
        })
    }

    /// The text a scraper reads, with the pool's gauges read now.
    pub fn render(&self, state: &AppState) -> String {
        let (open, idle) = state.app.store.pool_state();
        metrics::gauge!("iop_db_pool_connections").set(f64::from(open));
        metrics::gauge!("iop_db_pool_idle_connections").set(f64::from(idle));
        self.handle.run_upkeep();
        self.handle.render()
    }
}

fn digest(token: &str) -> [u8; 32] {
    Sha256::digest(token.as_bytes()).into()
}

fn describe() {
    use metrics::{describe_counter, describe_gauge, describe_histogram, Unit};
    describe_counter!(
        REQUESTS,
        "Requests answered, by method, route template and status."
    );
    describe_histogram!(REQUEST_SECONDS, Unit::Seconds, "Time to answer a request.");
    describe_gauge!("iop_db_pool_connections", "Database connections open.");
    describe_gauge!(
        "iop_db_pool_idle_connections",
        "Open database connections not in use."
    );
    describe_histogram!(
        "iop_db_pool_wait_seconds",
        Unit::Seconds,
        "Time a request waited for a database connection."
    );
    describe_counter!("iop_audit_batches_total", "Group commits of audit rows.");
    describe_counter!(
        "iop_audit_batch_failures_total",
        "Group commits of audit rows that failed."
    );
    describe_histogram!("iop_audit_batch_entries", "Audit rows per group commit.");
    describe_counter!(
        "iop_calendar_runs_total",
        "Calendar generation runs, by outcome."
    );
    describe_counter!(
        "iop_calendar_sessions_created_total",
        "Sessions the calendar generation created."
    );
}

fn text(body: String) -> Response {
    (
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("text/plain; version=0.0.4; charset=utf-8"),
        )],
        body,
    )
        .into_response()
}

/// `/metrics` on the main listener: only with the configured bearer token, and as an
/// unknown page when none is configured.
pub async fn on_main_listener(State(state): State<AppState>, req: Request) -> Response {
    let Some(metrics) = state.web.metrics.as_ref() else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let Some(expected) = metrics.token_digest else {
        return StatusCode::NOT_FOUND.into_response();
    };
    // Digests compared, so the time taken says nothing about the token's characters.
    match bearer_token(req.headers()) {
        Some(token) if digest(token) == expected => text(metrics.render(&state)),
        _ => (
            StatusCode::UNAUTHORIZED,
            [(header::WWW_AUTHENTICATE, "Bearer")],
            "/metrics needs the bearer token set as metrics_token\n",
        )
            .into_response(),
    }
}

/// `/metrics` on the listener of `metrics_addr`: that address is the protection.
pub async fn on_own_listener(State(state): State<AppState>) -> Response {
    match state.web.metrics.as_ref() {
        Some(m) => text(m.render(&state)),
        None => StatusCode::NOT_FOUND.into_response(),
    }
}

/// The router of the metrics listener: `/metrics` and nothing else.
pub fn own_listener_router(state: AppState) -> axum::Router {
    axum::Router::new()
        .route("/metrics", axum::routing::get(on_own_listener))
        .with_state(state)
}
