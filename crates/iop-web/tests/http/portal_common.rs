//! Signing in to the portal as a browser would, for the portal tests.

use crate::common::{cookie_value, hidden_field, Response, TestApp};
use axum::body::Body;
use axum::http::{header, Method, Request, StatusCode};
use iop_app::testing::query_text;

pub const PATIENT: &str = "patient@demo.test";
pub const PATIENT_2: &str = "patient2@demo.test";
pub const FAMILY: &str = "family@demo.test";

#[derive(Clone, Debug)]
pub struct Portal {
    pub cookie: String,
    pub csrf: String,
}

impl TestApp {
    pub async fn portal_try_login(&self, email: &str, password: &str) -> Result<Portal, Response> {
        let form = self.send(get("/portal/login", None)).await;
        let pre = cookie_value(&form.set_cookies(), "iop_portal_form").expect("form cookie");
        let csrf = hidden_field(&form.body, "csrf").expect("csrf field");
        let body = serde_urlencoded::to_string([
            ("email", email),
            ("password", password),
            ("csrf", &csrf),
            ("next", "/portal"),
        ])
        .expect("form");
        let req = Request::builder()
            .method(Method::POST)
            .uri("/portal/login")
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header(header::COOKIE, format!("iop_portal_form={pre}"))
            .body(Body::from(body))
            .expect("request");
        let res = self.send(req).await;
        if res.status != StatusCode::SEE_OTHER {
            return Err(res);
        }
        let cookie = cookie_value(&res.set_cookies(), "iop_portal").expect("portal cookie");
        let mut p = Portal {
            cookie,
            csrf: String::new(),
        };
        let home = self.portal_get(&p, "/portal").await;
        p.csrf = hidden_field(&home.body, "csrf").expect("csrf on the portal page");
        Ok(p)
    }

    pub async fn portal_login(&self, email: &str) -> Portal {
        self.portal_try_login(email, "demo-password")
            .await
            .expect("portal sign-in")
    }

    pub async fn portal_get(&self, p: &Portal, path: &str) -> Response {
        self.send(get(path, Some(p))).await
    }

    pub async fn portal_post(&self, p: &Portal, path: &str, fields: &[(&str, &str)]) -> Response {
        let mut fields: Vec<(&str, &str)> = fields.to_vec();
        fields.push(("csrf", &p.csrf));
        let req = Request::builder()
            .method(Method::POST)
            .uri(path)
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header(header::COOKIE, format!("iop_portal={}", p.cookie))
            .body(Body::from(
                serde_urlencoded::to_string(&fields).expect("form"),
            ))
            .expect("request");
        self.send(req).await
    }

    /// Opens a set-password link's form and sends it, as a browser would.
    pub async fn set_portal_password(&self, path: &str, password: &str) -> Response {
        let form = self.send(get(path, None)).await;
        let Some(pre) = cookie_value(&form.set_cookies(), "iop_portal_form") else {
            return form;
        };
        let csrf = hidden_field(&form.body, "csrf").expect("csrf field");
        let req = Request::builder()
            .method(Method::POST)
            .uri(path)
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header(header::COOKIE, format!("iop_portal_form={pre}"))
            .body(Body::from(
                serde_urlencoded::to_string([("password", password), ("csrf", &csrf)])
                    .expect("form"),
            ))
            .expect("request");
        self.send(req).await
    }

    /// How many audit rows have this action.
    pub fn audit_count(&self, action: &str) -> usize {
        query_text(
            &self.app,
            &format!(
                "SELECT CAST(COUNT(*) AS TEXT) AS value FROM audit_log WHERE action = '{action}'"
            ),
        )
        .expect("count")
        .first()
        .and_then(|v| v.parse().ok())
        .unwrap_or(0)
    }
}

fn get(path: &str, p: Option<&Portal>) -> Request<Body> {
    let mut b = Request::builder().method(Method::GET).uri(path);
    if let Some(p) = p {
        b = b.header(header::COOKIE, format!("iop_portal={}", p.cookie));
    }
    b.body(Body::empty()).expect("request")
}

/// Every `href` or form `action` in a page that starts with `prefix`.
pub fn links(html: &str, prefix: &str) -> Vec<String> {
    let mut out = Vec::new();
    for attr in ["href=\"", "action=\""] {
        let mut rest = html;
        while let Some(i) = rest.find(attr) {
            let tail = &rest[i + attr.len()..];
            let end = tail.find('"').unwrap_or(0);
            let v = &tail[..end];
            if v.starts_with(prefix) {
                out.push(v.to_string());
            }
            rest = &tail[end..];
        }
    }
    out
}
