//! Bad input gets a clear 4xx problem (or page), never a panic or a 500.

use crate::common::{Auth, TestApp};
use axum::body::Body;
use axum::http::{header, Method, Request, StatusCode};
use iop_app::{Ctx, RequestMeta};

fn assert_problem(res: &crate::common::Response, status: StatusCode) {
    assert_eq!(res.status, status, "{}", res.body);
    assert!(
        res.content_type().starts_with("application/problem+json"),
        "content type {}",
        res.content_type()
    );
    let j = res.json();
    assert_eq!(j["status"], status.as_u16());
    assert!(
        j["detail"].as_str().is_some_and(|d| d.len() > 10),
        "detail should say what is wrong: {}",
        res.body
    );
    assert!(
        j["request_id"].as_str().is_some_and(|r| r != "-"),
        "request id missing: {}",
        res.body
    );
}

#[tokio::test]
async fn malformed_json_is_400() {
    let t = TestApp::new().await;
    let req = Request::builder()
        .method(Method::POST)
        .uri("/api/v1/auth/token")
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from("{\"email\": "))
        .expect("req");
    assert_problem(&t.send(req).await, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn wrong_types_and_unknown_fields_are_422() {
    let t = TestApp::new().await;
    let wrong_type = t
        .post_json(
            "/api/v1/auth/token",
            Auth::None,
            serde_json::json!({ "email": 5, "password": [] }),
        )
        .await;
    assert_problem(&wrong_type, StatusCode::UNPROCESSABLE_ENTITY);
    let unknown = t
        .post_json(
            "/api/v1/auth/token",
            Auth::None,
            serde_json::json!({ "email": "a@b.c", "password": "x", "admin": true }),
        )
        .await;
    assert_problem(&unknown, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        unknown.body.contains("admin"),
        "the message should name the unknown field: {}",
        unknown.body
    );
}

#[tokio::test]
async fn missing_json_content_type_is_415() {
    let t = TestApp::new().await;
    let req = Request::builder()
        .method(Method::POST)
        .uri("/api/v1/auth/token")
        .body(Body::from("{}"))
        .expect("req");
    assert_problem(&t.send(req).await, StatusCode::UNSUPPORTED_MEDIA_TYPE);
}

#[tokio::test]
async fn bodies_over_one_mebibyte_are_413() {
    let t = TestApp::new().await;
    let big = format!(
        "{{\"email\":\"{}\",\"password\":\"x\"}}",
        "a".repeat(1024 * 1024 + 10)
    );
    let req = Request::builder()
        .method(Method::POST)
        .uri("/api/v1/auth/token")
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(big))
        .expect("req");
    assert_problem(&t.send(req).await, StatusCode::PAYLOAD_TOO_LARGE);
}

#[tokio::test]
async fn bad_values_in_a_well_formed_request_are_422_with_the_reason() {
    let t = TestApp::new().await;
    let admin = t.token("admin@demo.test").await;
    let short = serde_json::json!({ "email": "new@demo.test", "display_name": "New", "role": "counselor", "password": "short" });
    let res = t
        .post_json("/api/v1/users", Auth::Bearer(&admin), short)
        .await;
    assert_problem(&res, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.body.contains("12 characters"), "{}", res.body);
    let role = serde_json::json!({ "email": "new@demo.test", "display_name": "New", "role": "root", "password": "long enough password" });
    assert_problem(
        &t.post_json("/api/v1/users", Auth::Bearer(&admin), role)
            .await,
        StatusCode::UNPROCESSABLE_ENTITY,
    );
}

#[tokio::test]
async fn a_duplicate_staff_email_is_409_naming_the_field() {
    let t = TestApp::new().await;
    let admin = t.token("admin@demo.test").await;
    let dup = serde_json::json!({ "email": "counselor@demo.test", "display_name": "Dup", "role": "counselor", "password": "long enough password" });
    let res = t
        .post_json("/api/v1/users", Auth::Bearer(&admin), dup)
        .await;
    assert_problem(&res, StatusCode::CONFLICT);
    assert_eq!(res.json()["field"], "email", "{}", res.body);
    assert!(res.body.contains("email"), "{}", res.body);
}

#[tokio::test]
async fn state_changes_with_a_cookie_need_the_csrf_token() {
    let t = TestApp::new().await;
    let b = t.login("counselor@demo.test").await;
    let missing = t.post_form("/logout", Auth::CookieNoCsrf(&b), &[]).await;
    assert_eq!(missing.status, StatusCode::FORBIDDEN);
    assert!(missing.body.contains("CSRF"), "{}", missing.body);
    let forged = t
        .post_form(
            "/logout",
            Auth::CookieNoCsrf(&b),
            &[("csrf", "forged-token")],
        )
        .await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);
    // Refused requests changed nothing: the session still works.
    assert_eq!(
        t.get("/dashboard", Auth::Cookie(&b)).await.status,
        StatusCode::OK
    );
    let ok = t
        .post_form("/logout", Auth::CookieNoCsrf(&b), &[("csrf", &b.csrf)])
        .await;
    assert_eq!(ok.status, StatusCode::SEE_OTHER);

    let admin = t.login("admin@demo.test").await;
    let api = t
        .post_json("/api/v1/users", Auth::CookieNoCsrf(&admin), serde_json::json!({ "email": "x@demo.test", "display_name": "X", "role": "billing", "password": "long enough password" }))
        .await;
    assert_problem(&api, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn the_login_form_needs_its_csrf_token() {
    let t = TestApp::new().await;
    let res = t
        .post_form(
            "/login",
            Auth::None,
            &[
                ("email", "counselor@demo.test"),
                ("password", "demo-password"),
                ("csrf", "x"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);
    assert!(res.content_type().starts_with("text/html"));
    assert!(res
        .set_cookies()
        .iter()
        .all(|c| !c.starts_with("iop_session=")));
}

#[tokio::test]
async fn expired_revoked_and_unknown_tokens_are_401() {
    let t = TestApp::new().await;
    let app = t.app.clone();
    let expired = tokio::task::spawn_blocking(move || {
        let past = crate::common::now() - jiff::SignedDuration::from_hours(48);
        let ctx = Ctx::system(RequestMeta::cli(past));
        let uid = app.user_id_for_email("counselor@demo.test").expect("user");
        app.create_token_for(&ctx, uid, "old", jiff::SignedDuration::from_hours(24))
            .expect("token")
            .token
    })
    .await
    .expect("join");
    assert_problem(
        &t.get("/api/v1/me", Auth::Bearer(&expired)).await,
        StatusCode::UNAUTHORIZED,
    );
    assert_problem(
        &t.get("/api/v1/me", Auth::Bearer("iop_not-a-real-token"))
            .await,
        StatusCode::UNAUTHORIZED,
    );

    let tok = t.token("counselor@demo.test").await;
    let id = t
        .post_json(
            "/api/v1/auth/token",
            Auth::None,
            serde_json::json!({ "email": "counselor@demo.test", "password": "demo-password" }),
        )
        .await
        .json()["id"]
        .as_str()
        .expect("id")
        .to_string();
    let del = Request::builder()
        .method(Method::DELETE)
        .uri(format!("/api/v1/auth/token/{id}"));
    let res = t
        .send(
            Auth::Bearer(&tok)
                .apply(del)
                .body(Body::empty())
                .expect("req"),
        )
        .await;
    assert_eq!(res.status, StatusCode::NO_CONTENT, "{}", res.body);
    let again = Request::builder()
        .method(Method::DELETE)
        .uri(format!("/api/v1/auth/token/{id}"));
    assert_problem(
        &t.send(
            Auth::Bearer(&tok)
                .apply(again)
                .body(Body::empty())
                .expect("req"),
        )
        .await,
        StatusCode::CONFLICT,
    );
}

#[tokio::test]
async fn unknown_addresses_and_methods_get_proper_error_bodies() {
    let t = TestApp::new().await;
    assert_problem(
        &t.get("/api/v1/nothing-here", Auth::None).await,
        StatusCode::NOT_FOUND,
    );
    let page = t.get("/nothing-here", Auth::None).await;
    assert_eq!(page.status, StatusCode::NOT_FOUND);
    assert!(page.content_type().starts_with("text/html") && page.body.contains("Request id"));
    let req = Request::builder()
        .method(Method::PUT)
        .uri("/api/v1/me")
        .body(Body::empty())
        .expect("req");
    assert_problem(&t.send(req).await, StatusCode::METHOD_NOT_ALLOWED);
}

#[tokio::test]
async fn bad_audit_filters_are_refused_with_the_reason() {
    let t = TestApp::new().await;
    let admin = t.token("admin@demo.test").await;
    let res = t
        .get("/api/v1/audit-events?from=yesterday", Auth::Bearer(&admin))
        .await;
    assert_problem(&res, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.body.contains("2026-11-27"), "{}", res.body);
    assert_problem(
        &t.get("/api/v1/audit-events?before=abc", Auth::Bearer(&admin))
            .await,
        StatusCode::BAD_REQUEST,
    );
    assert_problem(
        &t.get("/api/v1/audit-events?colour=red", Auth::Bearer(&admin))
            .await,
        StatusCode::BAD_REQUEST,
    );
}

#[tokio::test]
async fn direction_overrides_control_characters_and_dates_out_of_window_are_422_saying_so() {
    let t = TestApp::new().await;
    let admin = t.token("admin@demo.test").await;
    let director = t.token("director@demo.test").await;
    let staff = |name: &str| serde_json::json!({ "display_name": name, "credentials": ["LCSW"] });
    for (name, says) in [
        ("Ana \u{202E}zeleznoG", "reverses the direction"),
        ("Ana\u{2066} Lopez", "reverses the direction"),
        ("Ana\u{7} Lopez", "control character"),
    ] {
        let res = t
            .post_json("/api/v1/staff", Auth::Bearer(&director), staff(name))
            .await;
        assert_eq!(
            res.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{name:?}: {}",
            res.body
        );
        let detail = res.json()["detail"].as_str().unwrap_or("").to_string();
        assert!(
            detail.contains(says) && detail.contains("display_name"),
            "{detail}"
        );
    }
    let ok = t
        .post_json(
            "/api/v1/staff",
            Auth::Bearer(&director),
            staff("José Ñúñez"),
        )
        .await;
    assert_eq!(ok.status, StatusCode::CREATED, "{}", ok.body);

    let programs = t.get("/api/v1/programs", Auth::Bearer(&admin)).await.json();
    let site = programs[0]["site_id"].as_str().expect("site").to_string();
    let far = (crate::common::now_zoned().date() + jiff::Span::new().years(6)).to_string();
    for date in ["1850-01-01", far.as_str()] {
        let res = t
            .post_json(
                &format!("/api/v1/sites/{site}/closures"),
                Auth::Bearer(&admin),
                serde_json::json!({ "date": date, "reason": "Far away" }),
            )
            .await;
        assert_eq!(
            res.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{date}: {}",
            res.body
        );
    }
}

#[tokio::test]
async fn a_line_break_is_refused_in_a_one_line_field_and_kept_in_a_note() {
    let t = TestApp::new().await;
    let counselor = t.token("counselor@demo.test").await;
    let admissions = t.token("admissions@demo.test").await;
    let res = t
        .post_json(
            "/api/v1/inquiries",
            Auth::Bearer(&admissions),
            serde_json::json!({ "channel": "phone", "first_name": "Ana\nLopez", "phone": "(502) 555-0199" }),
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", res.body);
    let detail = res.json()["detail"].as_str().unwrap_or("").to_string();
    assert!(
        detail
            .to_lowercase()
            .contains("the first name must be on one line"),
        "{detail}"
    );

    let s = crate::clinical::past_session(&t, &counselor).await;
    let sid = s["id"].as_str().expect("id");
    let res = t
        .put_json(
            &format!("/api/v1/sessions/{sid}/note"),
            &counselor,
            serde_json::json!({ "topic": "Relapse triggers", "interventions": "Role play.\n\tThen a check-in round.", "group_process": "Focused.", "entries": [] }),
        )
        .await;
    assert!(res.status.is_success(), "{}", res.body);
    let res = t
        .put_json(
            &format!("/api/v1/sessions/{sid}/note"),
            &counselor,
            serde_json::json!({ "topic": "Relapse\ntriggers", "interventions": "", "group_process": "", "entries": [] }),
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", res.body);
    assert!(
        res.body
            .to_lowercase()
            .contains("the topic must be on one line"),
        "{}",
        res.body
    );

    let admin = t.token("admin@demo.test").await;
    let programs = t.get("/api/v1/programs", Auth::Bearer(&admin)).await.json();
    let site = programs[0]["site_id"].as_str().expect("site").to_string();
    let soon = (crate::common::now_zoned().date() + jiff::Span::new().days(20)).to_string();
    let res = t
        .post_json(
            &format!("/api/v1/sites/{site}/closures"),
            Auth::Bearer(&admin),
            serde_json::json!({ "date": soon, "reason": "Snow\nday" }),
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", res.body);
    assert!(
        res.body
            .to_lowercase()
            .contains("the reason must be on one line"),
        "{}",
        res.body
    );
}

#[tokio::test]
async fn markup_typed_into_a_name_is_shown_as_text_never_run() {
    let t = TestApp::new().await;
    let director = t.token("director@demo.test").await;
    let census = t
        .get("/api/v1/census", Auth::Bearer(&director))
        .await
        .json();
    let patient = census[0]["patients"][0]["patient_id"]
        .as_str()
        .expect("patient")
        .to_string();
    let res = t
        .post_json(
            &format!("/api/v1/patients/{patient}/related-persons"),
            Auth::Bearer(&director),
            serde_json::json!({ "name": "<script>alert(1)</script> \"Mom\"", "relationship": "mother" }),
        )
        .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.body);
    let page = t.login("director@demo.test").await;
    let html = t
        .get(
            &format!("/patients/{patient}/consents"),
            Auth::Cookie(&page),
        )
        .await
        .body;
    assert!(!html.contains("<script>alert(1)"), "markup is escaped");
    assert!(
        html.contains("&#60;script&#62;alert(1)&#60;/script&#62; &#34;Mom&#34;"),
        "{html}"
    );
}
