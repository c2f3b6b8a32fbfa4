//! The test harness: a demo database, the router, and helpers to sign in.

use axum::body::Body;
use axum::http::{header, HeaderMap, Method, Request, StatusCode};
use axum::Router;
use http_body_util::BodyExt;
use iop_app::clock::Clock;
use iop_app::testing::{fresh_app, TestDatabase};
use iop_app::{App, AppSettings, Ctx, RequestMeta};
use iop_web::{AppState, WebSettings};
use std::net::SocketAddr;
use std::sync::OnceLock;
use tower::ServiceExt;

/// Where every test's clock starts: a Wednesday, 10:00 AM at the demo site. The demo's
/// history is dated from "today" (admissions days ago, federal holiday closures, this
/// week's groups), so a fixed start makes each run see the same record whatever the
/// date of the run.
const TEST_START: &str = "2026-12-02T15:00:00Z";

/// The test process's clock, shared by the app under test and the test's own dates.
pub fn clock() -> Clock {
    static CLOCK: OnceLock<Clock> = OnceLock::new();
    *CLOCK.get_or_init(|| Clock::starting_at(TEST_START.parse().expect("start instant")))
}

pub fn now() -> jiff::Timestamp {
    clock().now()
}

/// `now` in the machine's zone, where a test wants a plain "today".
pub fn now_zoned() -> jiff::Zoned {
    now().to_zoned(jiff::tz::TimeZone::system())
}

/// Seconds since the epoch by the test clock, for second-factor codes.
pub fn now_secs() -> u64 {
    u64::try_from(now().as_second()).expect("time after 1970")
}

pub struct TestApp {
    pub router: Router,
    pub app: App,
    pub _db: TestDatabase,
}

#[derive(Debug)]
pub struct Response {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: String,
}

impl Response {
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).unwrap_or(serde_json::Value::Null)
    }

    pub fn content_type(&self) -> &str {
        self.headers
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
    }

    pub fn set_cookies(&self) -> Vec<String> {
        self.headers
            .get_all(header::SET_COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .map(str::to_string)
            .collect()
    }
}

/// A signed-in browser: its session cookie and the page's CSRF token.
#[derive(Clone, Debug)]
pub struct Browser {
    pub cookie: String,
    pub csrf: String,
}

pub const PASSWORD: &str = "demo-password";

pub fn cookie_value(set_cookies: &[String], name: &str) -> Option<String> {
    set_cookies
        .iter()
        .filter_map(|c| c.split(';').next())
        .filter_map(|kv| kv.split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_string())
}

pub fn hidden_field(html: &str, name: &str) -> Option<String> {
    let marker = format!("name=\"{name}\" value=\"");
    let start = html.find(&marker)? + marker.len();
    let end = html[start..].find('"')? + start;
    Some(html[start..end].to_string())
}

impl TestApp {
    pub async fn new() -> Self {
        Self::with_settings(AppSettings::default()).await
    }

    pub async fn with_settings(settings: AppSettings) -> Self {
        Self::build(settings, false).await
    }

    /// As served behind TLS: cookies are `Secure` and carry the `__Host-` prefix.
    pub async fn with_secure_cookies() -> Self {
        Self::build(AppSettings::default(), true).await
    }

    async fn build(settings: AppSettings, secure_cookies: bool) -> Self {
        let settings = AppSettings {
            clock: clock(),
            ..settings
        };
        let (app, db) = fresh_app(settings).expect("test database");
        let seed = app.clone();
        tokio::task::spawn_blocking(move || {
            seed.ensure_demo(&Ctx::system(RequestMeta::cli(now())))
        })
        .await
        .expect("join")
        .expect("demo");
        let router = iop_web::router(AppState {
            app: app.clone(),
            web: WebSettings {
                secure_cookies,
                metrics: None,
            },
        });
        TestApp {
            router,
            app,
            _db: db,
        }
    }

    pub async fn send(&self, req: Request<Body>) -> Response {
        let mut req = req;
        if req
            .extensions()
            .get::<axum::extract::ConnectInfo<SocketAddr>>()
            .is_none()
        {
            req.extensions_mut()
                .insert(axum::extract::ConnectInfo(SocketAddr::from((
                    [127, 0, 0, 1],
                    40000,
                ))));
        }
        let res = self
            .router
            .clone()
            .oneshot(req)
            .await
            .expect("router is infallible");
        let status = res.status();
        let headers = res.headers().clone();
        let bytes = res
            .into_body()
            .collect()
            .await
            .map(|b| b.to_bytes())
            .unwrap_or_default();
        Response {
            status,
            headers,
            body: String::from_utf8_lossy(&bytes).into_owned(),
        }
    }

    pub async fn get(&self, path: &str, auth: Auth<'_>) -> Response {
        self.send(
            auth.apply(Request::builder().method(Method::GET).uri(path))
                .body(Body::empty())
                .expect("request"),
        )
        .await
    }

    pub async fn post_json(&self, path: &str, auth: Auth<'_>, body: serde_json::Value) -> Response {
        let req = auth
            .apply(
                Request::builder()
                    .method(Method::POST)
                    .uri(path)
                    .header(header::CONTENT_TYPE, "application/json"),
            )
            .body(Body::from(body.to_string()))
            .expect("request");
        self.send(req).await
    }

    pub async fn put_json(&self, path: &str, token: &str, body: serde_json::Value) -> Response {
        let req = Auth::Bearer(token)
            .apply(
                Request::builder()
                    .method(Method::PUT)
                    .uri(path)
                    .header(header::CONTENT_TYPE, "application/json"),
            )
            .body(Body::from(body.to_string()))
            .expect("request");
        self.send(req).await
    }

    pub async fn post_form(&self, path: &str, auth: Auth<'_>, fields: &[(&str, &str)]) -> Response {
        let body = serde_urlencoded::to_string(fields).expect("form");
        let req = auth
            .apply(
                Request::builder()
                    .method(Method::POST)
                    .uri(path)
                    .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded"),
            )
            .body(Body::from(body))
            .expect("request");
        self.send(req).await
    }

    /// Signs in through the login form, as a browser would.
    pub async fn login(&self, email: &str) -> Browser {
        self.try_login(email, PASSWORD, "")
            .await
            .expect("login succeeds")
    }

    pub async fn try_login(
        &self,
        email: &str,
        password: &str,
        code: &str,
    ) -> Result<Browser, Response> {
        let form = self.get("/login", Auth::None).await;
        let pre = cookie_value(&form.set_cookies(), "iop_login_csrf").expect("login csrf cookie");
        let csrf = hidden_field(&form.body, "csrf").expect("csrf field");
        let req = Request::builder()
            .method(Method::POST)
            .uri("/login")
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header(header::COOKIE, format!("iop_login_csrf={pre}"))
            .body(Body::from(
                serde_urlencoded::to_string([
                    ("email", email),
                    ("password", password),
                    ("code", code),
                    ("csrf", &csrf),
                    ("next", "/dashboard"),
                ])
                .expect("form"),
            ))
            .expect("request");
        let res = self.send(req).await;
        if res.status != StatusCode::SEE_OTHER {
            return Err(res);
        }
        let cookie = cookie_value(&res.set_cookies(), "iop_session").expect("session cookie");
        let dash = self
            .get(
                "/dashboard",
                Auth::Cookie(&Browser {
                    cookie: cookie.clone(),
                    csrf: String::new(),
                }),
            )
            .await;
        let csrf = hidden_field(&dash.body, "csrf").expect("csrf on dashboard");
        Ok(Browser { cookie, csrf })
    }

    pub async fn token(&self, email: &str) -> String {
        self.token_with(email, PASSWORD).await
    }

    pub async fn token_with(&self, email: &str, password: &str) -> String {
        let res = self
            .post_json(
                "/api/v1/auth/token",
                Auth::None,
                serde_json::json!({ "email": email, "password": password }),
            )
            .await;
        assert_eq!(res.status, StatusCode::CREATED, "{}", res.body);
        res.json()["token"].as_str().expect("token").to_string()
    }
}

#[derive(Clone, Copy)]
pub enum Auth<'a> {
    None,
    Bearer(&'a str),
    /// Session cookie, with the CSRF header on state-changing requests.
    Cookie(&'a Browser),
    /// Session cookie without any CSRF token.
    CookieNoCsrf(&'a Browser),
}

impl Auth<'_> {
    pub fn apply(self, b: axum::http::request::Builder) -> axum::http::request::Builder {
        match self {
            Auth::None => b,
            Auth::Bearer(t) => b.header(header::AUTHORIZATION, format!("Bearer {t}")),
            Auth::Cookie(br) => b
                .header(header::COOKIE, format!("iop_session={}", br.cookie))
                .header("x-csrf-token", br.csrf.clone()),
            Auth::CookieNoCsrf(br) => {
                b.header(header::COOKIE, format!("iop_session={}", br.cookie))
            }
        }
    }
}

pub fn email_of(role: iop_domain::Role) -> &'static str {
    iop_app::demo::DEMO_ACCOUNTS
        .iter()
        .find(|(_, _, r)| *r == role)
        .map(|(e, _, _)| *e)
        .expect("demo account per role")
}

impl TestApp {
    /// The first patient of the director's census: (patient id, episode id).
    pub async fn first_census_patient(&self) -> (String, String) {
        let director = self.token("director@demo.test").await;
        let census = self
            .get("/api/v1/census", Auth::Bearer(&director))
            .await
            .json();
        let first = &census[0]["patients"][0];
        (
            first["patient_id"].as_str().expect("patient").to_string(),
            first["episode_id"].as_str().expect("episode").to_string(),
        )
    }
}
