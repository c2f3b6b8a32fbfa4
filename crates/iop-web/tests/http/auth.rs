//! Signing in and out, throttling, idle logoff, the second factor and API tokens.

use crate::common::{Auth, TestApp, PASSWORD};
use axum::body::Body;
use axum::http::{Request, StatusCode};
use iop_app::{AppSettings, RequestMeta};
use std::net::SocketAddr;

#[tokio::test]
async fn counselor_signs_in_sees_the_dashboard_and_signs_out() {
    let t = TestApp::new().await;
    let b = t.login("counselor@demo.test").await;
    let dash = t.get("/dashboard", Auth::Cookie(&b)).await;
    assert_eq!(dash.status, StatusCode::OK);
    assert!(
        dash.body.contains("Casey Counselor")
            && dash.body.contains("Evening Intensive Outpatient Program")
    );
    // A counselor's navigation offers neither the audit log nor staff accounts.
    assert!(!dash.body.contains("/admin/audit") && !dash.body.contains("/admin/users"));
    let out = t
        .post_form("/logout", Auth::Cookie(&b), &[("csrf", &b.csrf)])
        .await;
    assert_eq!(out.status, StatusCode::SEE_OTHER);
    assert_eq!(
        t.get("/dashboard", Auth::Cookie(&b)).await.status,
        StatusCode::SEE_OTHER
    );
}

/// Signs in as the counselor through the form, sending back its CSRF cookie by name.
async fn sign_in_with_the_form(t: &TestApp, csrf_cookie: &str) -> crate::common::Response {
    let form = t.get("/login", Auth::None).await;
    let pre = crate::common::cookie_value(&form.set_cookies(), csrf_cookie).expect("pre cookie");
    let csrf = crate::common::hidden_field(&form.body, "csrf").expect("csrf");
    let req = Request::builder()
        .method("POST")
        .uri("/login")
        .header("content-type", "application/x-www-form-urlencoded")
        .header("cookie", format!("{csrf_cookie}={pre}"))
        .body(Body::from(format!(
            "email=counselor%40demo.test&password=demo-password&csrf={csrf}"
        )))
        .expect("req");
    t.send(req).await
}

#[tokio::test]
async fn session_cookie_is_httponly_samesite_strict_and_not_secure_on_loopback() {
    let t = TestApp::new().await;
    let res = sign_in_with_the_form(&t, "iop_login_csrf").await;
    let session = res
        .set_cookies()
        .into_iter()
        .find(|c| c.starts_with("iop_session="))
        .expect("cookie");
    assert!(
        session.contains("HttpOnly") && session.contains("SameSite=Strict"),
        "{session}"
    );
    assert!(
        !session.contains("Secure"),
        "loopback without TLS must not set Secure: {session}"
    );
}

#[tokio::test]
async fn a_wrong_email_and_a_wrong_password_get_the_same_answer() {
    let t = TestApp::new().await;
    let wrong_pw = t
        .try_login("counselor@demo.test", "not the password", "")
        .await
        .expect_err("refused");
    let wrong_email = t
        .try_login("nobody@demo.test", "demo-password", "")
        .await
        .expect_err("refused");
    assert_eq!(wrong_pw.status, StatusCode::UNAUTHORIZED);
    assert_eq!(wrong_pw.status, wrong_email.status);
    let msg = |body: &str| {
        crate::common::hidden_field(body, "csrf")
            .map(|c| body.replace(&c, ""))
            .unwrap_or_default()
    };
    assert_eq!(
        msg(&wrong_pw.body).replace("counselor@demo.test", "E"),
        msg(&wrong_email.body).replace("nobody@demo.test", "E")
    );
    let api_pw = t
        .post_json(
            "/api/v1/auth/token",
            Auth::None,
            serde_json::json!({ "email": "counselor@demo.test", "password": "nope nope nope" }),
        )
        .await;
    let api_email = t
        .post_json(
            "/api/v1/auth/token",
            Auth::None,
            serde_json::json!({ "email": "ghost@demo.test", "password": "nope nope nope" }),
        )
        .await;
    assert_eq!(api_pw.status, StatusCode::UNAUTHORIZED);
    assert_eq!(api_pw.json()["detail"], api_email.json()["detail"]);
}

/// `POST /api/v1/auth/token` from the address `ip`.
async fn token_from(
    t: &TestApp,
    email: &str,
    password: &str,
    ip: [u8; 4],
) -> crate::common::Response {
    let mut req = Request::builder()
        .method("POST")
        .uri("/api/v1/auth/token")
        .header("content-type", "application/json")
        .body(Body::from(
            serde_json::json!({ "email": email, "password": password }).to_string(),
        ))
        .expect("req");
    req.extensions_mut()
        .insert(axum::extract::ConnectInfo(SocketAddr::from((ip, 5555))));
    t.send(req).await
}

#[tokio::test]
async fn failed_sign_ins_back_off_exponentially_per_account_with_retry_after() {
    let t = TestApp::new().await;
    // Each guess from its own address, so only the account's own count grows.
    for n in 0..4u8 {
        let res = token_from(&t, "counselor@demo.test", "wrong password!", [192, 0, 2, n]).await;
        assert_eq!(res.status, StatusCode::UNAUTHORIZED, "guess {n}");
    }
    let waiting = token_from(&t, "counselor@demo.test", PASSWORD, [192, 0, 2, 9]).await;
    assert_eq!(waiting.status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(
        waiting
            .headers
            .get("retry-after")
            .and_then(|v| v.to_str().ok()),
        Some("1")
    );
    assert!(waiting.json()["detail"]
        .as_str()
        .is_some_and(|d| d.contains("1 second")));
    // Another account is unaffected: no one can lock a colleague out by guessing.
    assert_eq!(
        token_from(&t, "director@demo.test", PASSWORD, [192, 0, 2, 10])
            .await
            .status,
        StatusCode::CREATED
    );

    // Two seconds on, the right password gets in and the count starts again.
    let app = t.app.clone();
    let later = crate::common::now() + jiff::SignedDuration::from_secs(2);
    tokio::task::spawn_blocking(move || {
        let meta = RequestMeta {
            request_id: "test".into(),
            now: later,
            ip: Some("192.0.2.11".into()),
        };
        let creds = iop_app::accounts::auth::Credentials {
            email: "counselor@demo.test".into(),
            password: PASSWORD.into(),
            totp_code: None,
        };
        app.login(&meta, &creds)
    })
    .await
    .expect("join")
    .expect("signed in after the wait");
    assert_eq!(
        token_from(&t, "counselor@demo.test", PASSWORD, [192, 0, 2, 12])
            .await
            .status,
        StatusCode::CREATED
    );
}

#[tokio::test]
async fn failed_sign_ins_from_one_address_back_off_for_every_account() {
    let t = TestApp::new().await;
    for n in 0..4 {
        let res = token_from(
            &t,
            &format!("guess{n}@demo.test"),
            "guessing wrong",
            [10, 9, 8, 7],
        )
        .await;
        assert_eq!(res.status, StatusCode::UNAUTHORIZED);
    }
    let res = token_from(&t, "billing@demo.test", PASSWORD, [10, 9, 8, 7]).await;
    assert_eq!(res.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(res.headers.contains_key("retry-after"));
}

#[tokio::test]
async fn an_idle_session_is_signed_out_after_the_configured_minutes() {
    let t = TestApp::with_settings(AppSettings {
        idle_timeout: jiff::SignedDuration::from_mins(15),
        ..AppSettings::default()
    })
    .await;
    let b = t.login("counselor@demo.test").await;
    let app = t.app.clone();
    let cookie = b.cookie.clone();
    let (at_14, at_30) = tokio::task::spawn_blocking(move || {
        let now = crate::common::now();
        let meta = |mins| RequestMeta {
            request_id: "t".into(),
            now: now + jiff::SignedDuration::from_mins(mins),
            ip: None,
        };
        let at_14 = app.session(&meta(14), &cookie).expect("lookup").is_some();
        let at_30 = app.session(&meta(30), &cookie).expect("lookup").is_some();
        (at_14, at_30)
    })
    .await
    .expect("join");
    assert!(
        at_14,
        "14 minutes after the last request the session is still open"
    );
    assert!(!at_30, "16 minutes idle ends the session");
    // Ended for good, also at the real current time.
    assert_eq!(
        t.get("/dashboard", Auth::Cookie(&b)).await.status,
        StatusCode::SEE_OTHER
    );
}

#[tokio::test]
async fn a_busy_session_ends_at_its_lifetime_and_the_logout_says_why() {
    let t = TestApp::with_settings(AppSettings {
        idle_timeout: jiff::SignedDuration::from_mins(15),
        session_lifetime: jiff::SignedDuration::from_hours(1),
        ..AppSettings::default()
    })
    .await;
    let b = t.login("counselor@demo.test").await;
    let app = t.app.clone();
    let cookie = b.cookie.clone();
    // A request every ten minutes keeps the session from idling, not from ending.
    let open: Vec<bool> = tokio::task::spawn_blocking(move || {
        let now = crate::common::now();
        (1..=7)
            .map(|i| {
                let meta = RequestMeta {
                    request_id: "t".into(),
                    now: now + jiff::SignedDuration::from_mins(10 * i - 5),
                    ip: None,
                };
                app.session(&meta, &cookie).expect("lookup").is_some()
            })
            .collect()
    })
    .await
    .expect("join");
    assert_eq!(
        open,
        [true, true, true, true, true, true, false],
        "open at 55 minutes, ended at 65"
    );
    let admin = t.token("admin@demo.test").await;
    let events = t
        .get(
            "/api/v1/audit-events?action=auth.logout",
            Auth::Bearer(&admin),
        )
        .await
        .json();
    assert!(
        events.to_string().contains("session_lifetime"),
        "the logout is audited with its reason: {events}"
    );
}

#[tokio::test]
async fn api_token_from_credentials_works_as_a_bearer_token() {
    let t = TestApp::new().await;
    let res = t
        .post_json(
            "/api/v1/auth/token",
            Auth::None,
            serde_json::json!({ "email": "billing@demo.test", "password": "demo-password" }),
        )
        .await;
    assert_eq!(res.status, StatusCode::CREATED);
    let j = res.json();
    let token = j["token"].as_str().expect("token");
    assert!(j["expires_at"].as_str().is_some_and(|e| e.ends_with('Z')));
    let me = t.get("/api/v1/me", Auth::Bearer(token)).await;
    assert_eq!(me.status, StatusCode::OK);
    assert_eq!(me.json()["role"], "billing");
}

#[tokio::test]
async fn a_disabled_account_cannot_sign_in_and_its_sessions_end() {
    let t = TestApp::new().await;
    let b = t.login("billing@demo.test").await;
    let admin = t.login("admin@demo.test").await;
    let form = [
        ("csrf", admin.csrf.as_str()),
        ("email", "billing@demo.test"),
        ("disabled", "true"),
    ];
    let asked = t
        .post_form("/admin/users/status", Auth::Cookie(&admin), &form)
        .await;
    assert_eq!(asked.status, StatusCode::OK);
    assert!(
        asked.body.contains("Disable this account?"),
        "disabling asks once"
    );
    assert_eq!(
        t.get("/dashboard", Auth::Cookie(&b)).await.status,
        StatusCode::OK,
        "nothing happens before the answer"
    );
    let mut confirmed = form.to_vec();
    confirmed.push(("confirmed", "yes"));
    let res = t
        .post_form("/admin/users/status", Auth::Cookie(&admin), &confirmed)
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    assert_eq!(
        t.get("/dashboard", Auth::Cookie(&b)).await.status,
        StatusCode::SEE_OTHER
    );
    assert!(t
        .try_login("billing@demo.test", "demo-password", "")
        .await
        .is_err());
}

#[tokio::test]
async fn behind_tls_the_session_cookie_is_secure_and_host_prefixed_and_only_that_name_signs_in() {
    let t = TestApp::with_secure_cookies().await;
    let res = sign_in_with_the_form(&t, "__Secure-iop_login_csrf").await;
    let session = res
        .set_cookies()
        .into_iter()
        .find(|c| c.starts_with("__Host-iop_session="))
        .expect("a __Host- cookie");
    assert!(
        session.contains("; Secure") && session.contains("Path=/;") && !session.contains("Domain"),
        "{session}"
    );
    let value = crate::common::cookie_value(&[session], "__Host-iop_session").expect("value");
    let with = |name: &str| {
        Request::builder()
            .uri("/dashboard")
            .header("cookie", format!("{name}={value}"))
            .body(Body::empty())
            .expect("req")
    };
    assert_eq!(
        t.send(with("__Host-iop_session")).await.status,
        StatusCode::OK
    );
    assert_eq!(
        t.send(with("iop_session")).await.status,
        StatusCode::SEE_OTHER,
        "the bare name, which any subdomain could set, is not read"
    );
}

#[tokio::test]
async fn pages_carry_the_security_headers() {
    let t = TestApp::new().await;
    let res = t.get("/login", Auth::None).await;
    let h = |n: &str| {
        res.headers
            .get(n)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_string()
    };
    assert!(h("content-security-policy").contains("frame-ancestors 'none'"));
    assert_eq!(h("x-content-type-options"), "nosniff");
    assert_eq!(h("referrer-policy"), "no-referrer");
    assert_eq!(h("cache-control"), "no-store");
    assert!(!h("x-request-id").is_empty());
}

#[tokio::test]
async fn a_request_id_from_outside_is_kept_only_when_it_looks_like_one() {
    let t = TestApp::new().await;
    let with_id = |id: &str| {
        Request::builder()
            .uri("/login")
            .header("x-request-id", id)
            .body(Body::empty())
            .expect("request")
    };
    let echoed = |res: &crate::common::Response| {
        res.headers
            .get("x-request-id")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_string()
    };
    let proxy_id = "4f1c2a9e0b7d4c3a8e6f5d2b1a0c9e8d";
    assert_eq!(echoed(&t.send(with_id(proxy_id)).await), proxy_id);
    for odd in [
        "x".repeat(65),
        "Jane Doe's chart".to_string(),
        "a\"b".to_string(),
    ] {
        let answered = echoed(&t.send(with_id(&odd)).await);
        assert_ne!(answered, odd);
        assert_eq!(answered.len(), 36, "an id made here instead: {answered}");
    }
}

/// Signs in with the form, asking to go to `next`: the status and `Location` answered.
async fn sign_in_going_to(t: &TestApp, next: &str) -> (StatusCode, String) {
    let form = t.get("/login", Auth::None).await;
    let pre = crate::common::cookie_value(&form.set_cookies(), "iop_login_csrf").expect("cookie");
    let csrf = crate::common::hidden_field(&form.body, "csrf").expect("csrf");
    let body = serde_urlencoded::to_string([
        ("email", "counselor@demo.test"),
        ("password", crate::common::PASSWORD),
        ("csrf", &csrf),
        ("next", next),
    ])
    .expect("form");
    let req = Request::builder()
        .method("POST")
        .uri("/login")
        .header("content-type", "application/x-www-form-urlencoded")
        .header("cookie", format!("iop_login_csrf={pre}"))
        .body(Body::from(body))
        .expect("request");
    let res = t.send(req).await;
    let to = res
        .headers
        .get("location")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string();
    (res.status, to)
}

#[tokio::test]
async fn after_sign_in_only_a_path_of_this_site_is_followed() {
    let t = TestApp::new().await;
    for bad in [
        "/\t/example.com",
        "//example.com",
        "/\\example.com",
        "/x\r\nSet-Cookie: a=b",
    ] {
        assert_eq!(
            sign_in_going_to(&t, bad).await,
            (StatusCode::SEE_OTHER, "/dashboard".to_string()),
            "{bad:?}"
        );
    }
    assert_eq!(
        sign_in_going_to(&t, "/calendar?week=2026-12-07").await,
        (
            StatusCode::SEE_OTHER,
            "/calendar?week=2026-12-07".to_string()
        )
    );
}

#[tokio::test]
async fn the_login_form_only_sends_people_to_paths_of_this_site() {
    let t = TestApp::new().await;
    let form = t.get("/login?next=https://evil.example/", Auth::None).await;
    assert!(
        form.body.contains("name=\"next\" value=\"/dashboard\""),
        "{}",
        form.body
    );
}
