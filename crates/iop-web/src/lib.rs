//! HTTP: the route registry, authentication and policy at the door, HTML pages
//! (askama) and the JSON API (utoipa). Handlers parse input, build the caller's
//! context and call one use case in `iop-app`.

pub mod access;
pub mod api;
pub mod error;
pub mod extract;
pub mod fhir;
pub mod layers;
pub mod metrics;
pub mod pages;
pub mod portal_access;
pub mod routes;

use iop_app::App;

/// Settings of the HTTP layer.
#[derive(Clone, Debug)]
pub struct WebSettings {
    /// Mark cookies `Secure`. Off only when serving plain HTTP on loopback.
    pub secure_cookies: bool,
    /// The process's metrics, when the server records them.
    pub metrics: Option<metrics::Metrics>,
}

#[derive(Clone)]
pub struct AppState {
    pub app: App,
    pub web: WebSettings,
}

pub use routes::router;

impl AppState {
    /// Runs one use case for a request: with the caller's context, off the async worker
    /// threads (diesel is synchronous); its error maps to a response by `?`.
    pub async fn run<T: Send + 'static>(
        &self,
        ctx: iop_app::Ctx,
        f: impl FnOnce(&App, &iop_app::Ctx) -> Result<T, iop_app::AppError> + Send + 'static,
    ) -> Result<T, iop_app::AppError> {
        let app = self.app.clone();
        blocking(move || f(&app, &ctx)).await
    }
}

/// Runs a blocking use case (diesel is synchronous) off the async worker threads.
pub async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> Result<T, iop_app::AppError> + Send + 'static,
) -> Result<T, iop_app::AppError> {
    tokio::task::spawn_blocking(f)
        .await
        .map_err(|e| iop_app::AppError::Internal(format!("blocking task failed: {e}")))?
}
