//! A portal account's own settings: a second factor set up from the page, and resets
//! that cannot flood a mailbox.

use crate::common::{cookie_value, hidden_field, now, now_secs, TestApp};
use crate::portal_common::PATIENT;
use axum::http::StatusCode;
use iop_app::testing::query_text;

fn html_unescape(s: &str) -> String {
    s.replace("&#x2f;", "/")
        .replace("&#x3d;", "=")
        .replace("&amp;", "&")
        .replace("&#61;", "=")
}

#[tokio::test]
async fn a_patient_turns_on_a_second_factor_and_then_signing_in_needs_its_code() {
    let t = TestApp::new().await;
    let p = t.portal_login(PATIENT).await;
    let seed = t
        .portal_post(&p, "/portal/settings/second-factor", &[("step", "begin")])
        .await;
    assert_eq!(seed.status, StatusCode::OK);
    let secret = hidden_field(&seed.body, "secret").expect("the key on the page");
    let url = seed
        .body
        .split("href=\"")
        .find(|s| s.starts_with("otpauth"))
        .expect("otpauth link");
    let url = html_unescape(&url[..url.find('"').expect("end")]);
    assert!(
        !url.to_lowercase().contains("iop") && !url.to_lowercase().contains("recovery"),
        "{url}"
    );
    let totp = totp_rs::TOTP::from_url(&url).expect("otpauth url");
    let wrong = t
        .portal_post(
            &p,
            "/portal/settings/second-factor",
            &[
                ("step", "confirm"),
                ("secret", &secret),
                ("code", "000000"),
                ("password", "demo-password"),
            ],
        )
        .await;
    if totp.generate(now_secs()) != "000000" {
        assert_eq!(wrong.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            wrong.body.contains(&secret),
            "the same key is offered again"
        );
    }
    let code = totp.generate(now_secs());
    let confirm = |password: &'static str| {
        let (t, p, secret, code) = (&t, &p, secret.clone(), code.clone());
        async move {
            t.portal_post(
                p,
                "/portal/settings/second-factor",
                &[
                    ("step", "confirm"),
                    ("secret", &secret),
                    ("code", &code),
                    ("password", password),
                ],
            )
            .await
        }
    };
    let stolen = confirm("not the password").await;
    assert_eq!(
        stolen.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "a session alone cannot enrol an app"
    );
    let on = confirm("demo-password").await;
    assert_eq!(on.status, StatusCode::SEE_OTHER, "{}", on.body);
    assert_eq!(
        t.portal_get(&p, "/portal").await.status,
        StatusCode::SEE_OTHER,
        "signed out everywhere"
    );
    let without = t
        .portal_try_login(PATIENT, "demo-password")
        .await
        .expect_err("a code is needed");
    assert_eq!(without.status, StatusCode::UNAUTHORIZED);
    let _ = now();
}

async fn ask_reset(t: &TestApp, email: &str) -> StatusCode {
    let form = t.get("/portal/reset", crate::common::Auth::None).await;
    let pre = cookie_value(&form.set_cookies(), "iop_portal_form").expect("cookie");
    let csrf = hidden_field(&form.body, "csrf").expect("csrf");
    let req = axum::http::Request::builder()
        .method("POST")
        .uri("/portal/reset")
        .header("content-type", "application/x-www-form-urlencoded")
        .header("cookie", format!("iop_portal_form={pre}"))
        .body(axum::body::Body::from(
            serde_urlencoded::to_string([("email", email), ("csrf", &csrf)]).expect("form"),
        ))
        .expect("req");
    t.send(req).await.status
}

#[tokio::test]
async fn reset_requests_answer_alike_for_any_address_and_send_at_most_three_links_an_hour() {
    let t = TestApp::new().await;
    for _ in 0..5 {
        assert_eq!(ask_reset(&t, PATIENT).await, StatusCode::OK);
    }
    assert_eq!(ask_reset(&t, "nobody@example.org").await, StatusCode::OK);
    let sent = query_text(
        &t.app,
        "SELECT id AS value FROM mail_outbox WHERE kind = 'password_reset'",
    )
    .expect("rows");
    assert_eq!(sent.len(), 3);
}

#[tokio::test]
async fn a_patients_calendar_link_lists_their_visits_as_appointment_only_and_stops_when_asked() {
    let t = TestApp::new().await;
    let p = t.portal_login(PATIENT).await;
    let made = t
        .portal_post(&p, "/portal/settings/calendar", &[("step", "make")])
        .await;
    assert_eq!(made.status, StatusCode::OK);
    let start = made
        .body
        .find("/portal/calendar/")
        .expect("the link shown once");
    let path = &made.body[start..start + made.body[start..].find(".ics").expect("ics") + 4];
    let feed = t.get(path, crate::common::Auth::None).await;
    assert_eq!(feed.status, StatusCode::OK);
    assert!(feed.content_type().starts_with("text/calendar"));
    let summaries: Vec<&str> = feed
        .body
        .lines()
        .filter(|l| l.starts_with("SUMMARY"))
        .collect();
    assert!(summaries.len() >= 3, "{}", feed.body);
    assert!(summaries.iter().all(|l| *l == "SUMMARY:Appointment"));
    let names = query_text(&t.app, "SELECT legal_last_name AS value FROM patients").expect("names");
    for word in
        names
            .iter()
            .map(String::as_str)
            .chain(["Riverside", "LOCATION", "DESCRIPTION", "iop"])
    {
        assert!(!feed.body.contains(word), "the feed says {word}");
    }
    assert_eq!(
        t.get(
            "/portal/calendar/not-a-token.ics",
            crate::common::Auth::None
        )
        .await
        .status,
        StatusCode::NOT_FOUND
    );
    let stop = t
        .portal_post(&p, "/portal/settings/calendar", &[("step", "stop")])
        .await;
    assert_eq!(stop.status, StatusCode::SEE_OTHER);
    assert_eq!(
        t.get(path, crate::common::Auth::None).await.status,
        StatusCode::NOT_FOUND
    );
}
