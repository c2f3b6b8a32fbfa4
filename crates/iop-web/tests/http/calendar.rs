//! The program calendar over HTTP on the demo: sessions, staffing at 1:6, closures,
//! one-off changes and calendar feeds.

use crate::common::{Auth, TestApp};
use axum::body::Body;
use axum::http::{Method, Request, StatusCode};

pub(crate) fn range() -> (String, String) {
    let today = crate::common::now()
        .to_zoned(jiff::tz::TimeZone::get("America/Kentucky/Louisville").expect("tz"))
        .date();
    let to = today.checked_add(jiff::Span::new().days(13)).expect("date");
    (today.to_string(), to.to_string())
}

async fn delete(t: &TestApp, path: &str, token: &str) -> crate::common::Response {
    t.send(
        Auth::Bearer(token)
            .apply(Request::builder().method(Method::DELETE).uri(path))
            .body(Body::empty())
            .expect("req"),
    )
    .await
}

#[tokio::test]
async fn seven_patients_and_one_facilitator_show_needs_one_more_in_the_api_and_the_page() {
    let t = TestApp::new().await;
    let director = t.token("director@demo.test").await;
    let res = t.get("/api/v1/staffing", Auth::Bearer(&director)).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    let rows = res.json();
    let short: Vec<&serde_json::Value> = rows
        .as_array()
        .expect("array")
        .iter()
        .filter(|s| s["facilitators_needed"].as_u64() > Some(0))
        .collect();
    assert_eq!(
        short.len(),
        1,
        "the demo has one short-staffed session: {rows}"
    );
    assert_eq!(short[0]["expected_roster"], 7);
    assert_eq!(short[0]["facilitators"].as_array().map(Vec::len), Some(1));
    assert_eq!(short[0]["staffing"], "needs 1 more");

    let b = t.login("director@demo.test").await;
    let page = t.get("/staffing", Auth::Cookie(&b)).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.body.contains("needs 1 more")
            && page.body.contains("1 session(s) need more facilitators"),
        "{}",
        page.body
    );
}

#[tokio::test]
async fn sessions_api_gives_local_times_with_offsets_and_the_thanksgiving_closure() {
    let t = TestApp::new().await;
    let token = t.token("counselor@demo.test").await;
    let year = crate::common::now()
        .to_zoned(jiff::tz::TimeZone::UTC)
        .year();
    let thanksgiving = iop_domain::holidays::us_federal(year)
        .into_iter()
        .find(|(_, n)| *n == "Thanksgiving Day")
        .expect("holiday")
        .0;
    let (from, to) = range();
    let res = t
        .get(
            &format!("/api/v1/sessions?from={from}&to={to}"),
            Auth::Bearer(&token),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    let rows = res.json();
    let rows = rows.as_array().expect("array");
    assert!(!rows.is_empty());
    for s in rows {
        let start = s["start"].as_str().expect("start");
        let ts: jiff::Timestamp = start.parse().expect("RFC 3339");
        let local =
            ts.to_zoned(jiff::tz::TimeZone::get("America/Kentucky/Louisville").expect("tz"));
        assert_eq!(
            local.date().to_string(),
            s["local_date"].as_str().expect("date")
        );
        assert_eq!((local.hour(), local.minute()), (18, 0), "{s}");
    }
    // Thanksgiving's sessions (this year's, wherever the range is) are cancelled with the reason.
    let day = thanksgiving.to_string();
    let res = t
        .get(
            &format!("/api/v1/sessions?from={day}&to={day}"),
            Auth::Bearer(&token),
        )
        .await;
    let on_day = res.json();
    if let Some(list) = on_day.as_array().filter(|l| !l.is_empty()) {
        assert!(
            list.iter()
                .all(|s| s["status"] == "cancelled" && s["cancel_reason"] == "Thanksgiving Day"),
            "{on_day}"
        );
    }
}

#[tokio::test]
async fn generation_is_idempotent_and_a_closure_cancels_then_its_void_reinstates() {
    let t = TestApp::new().await;
    let admin = t.token("admin@demo.test").await;
    let programs = t.get("/api/v1/programs", Auth::Bearer(&admin)).await.json();
    let program = programs[0]["id"].as_str().expect("program").to_string();
    let site = programs[0]["site_id"].as_str().expect("site").to_string();
    let first = t
        .post_json(
            &format!("/api/v1/programs/{program}/generate"),
            Auth::Bearer(&admin),
            serde_json::json!({}),
        )
        .await;
    assert_eq!(first.status, StatusCode::OK, "{}", first.body);
    let again = t
        .post_json(
            &format!("/api/v1/programs/{program}/generate"),
            Auth::Bearer(&admin),
            serde_json::json!({}),
        )
        .await
        .json();
    assert_eq!(
        again,
        serde_json::json!({ "created": 0, "updated": 0, "cancelled": 0 }),
        "a second run changes nothing"
    );

    // Close on the next Monday (every track meets then).
    let (from, _) = range();
    let from: jiff::civil::Date = from.parse().expect("date");
    let mut monday = from.tomorrow().expect("date");
    while monday.weekday() != jiff::civil::Weekday::Monday {
        monday = monday.tomorrow().expect("date");
    }
    let day = monday.to_string();
    let before = t
        .get(
            &format!("/api/v1/sessions?from={day}&to={day}"),
            Auth::Bearer(&admin),
        )
        .await
        .json();
    let n = before.as_array().map(Vec::len).unwrap_or(0);
    let added = t
        .post_json(
            &format!("/api/v1/sites/{site}/closures"),
            Auth::Bearer(&admin),
            serde_json::json!({ "date": day, "reason": "Water main break" }),
        )
        .await;
    assert_eq!(added.status, StatusCode::CREATED, "{}", added.body);
    let closed = t
        .get(
            &format!("/api/v1/sessions?from={day}&to={day}"),
            Auth::Bearer(&admin),
        )
        .await
        .json();
    let closed = closed.as_array().expect("array");
    assert_eq!(closed.len(), n, "sessions are cancelled, not removed");
    assert!(closed
        .iter()
        .all(|s| s["status"] == "cancelled" && s["cancel_reason"] == "Water main break"));
    let dup = t
        .post_json(
            &format!("/api/v1/sites/{site}/closures"),
            Auth::Bearer(&admin),
            serde_json::json!({ "date": day, "reason": "again" }),
        )
        .await;
    assert_eq!(dup.status, StatusCode::CONFLICT);

    let id = added.json()["id"].as_str().expect("id").to_string();
    let void = t
        .post_json(
            &format!("/api/v1/closures/{id}/void"),
            Auth::Bearer(&admin),
            serde_json::json!({ "reason": "repaired" }),
        )
        .await;
    assert_eq!(void.status, StatusCode::NO_CONTENT, "{}", void.body);
    let open = t
        .get(
            &format!("/api/v1/sessions?from={day}&to={day}"),
            Auth::Bearer(&admin),
        )
        .await
        .json();
    assert!(
        open.as_array()
            .expect("array")
            .iter()
            .all(|s| s["status"] == "scheduled"),
        "{open}"
    );
}

#[tokio::test]
async fn unassigning_the_facilitator_a_session_needs_is_refused_naming_it_unless_replaced() {
    let t = TestApp::new().await;
    let director = t.token("director@demo.test").await;
    let rows = t
        .get("/api/v1/staffing", Auth::Bearer(&director))
        .await
        .json();
    let ok = rows
        .as_array()
        .expect("array")
        .iter()
        .find(|s| {
            s["expected_roster"].as_u64() == Some(5)
                && s["facilitators"].as_array().map(Vec::len) == Some(1)
        })
        .expect("a five-patient session with one facilitator");
    let sid = ok["id"].as_str().expect("id");
    let staff = ok["facilitators"][0]["staff_id"].as_str().expect("staff");
    let refused = delete(
        &t,
        &format!("/api/v1/sessions/{sid}/facilitators/{staff}"),
        &director,
    )
    .await;
    assert_eq!(refused.status, StatusCode::CONFLICT, "{}", refused.body);
    let detail = refused.json()["detail"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    assert!(
        detail.contains("group on") && detail.contains(" at ") && detail.contains("replacement"),
        "the refusal names the session by its day and time: {detail}"
    );

    let all_staff = t.get("/api/v1/staff", Auth::Bearer(&director)).await.json();
    let other = all_staff
        .as_array()
        .expect("array")
        .iter()
        .map(|s| s["id"].as_str().expect("id"))
        .find(|id| *id != staff)
        .expect("other");
    let replaced = delete(
        &t,
        &format!("/api/v1/sessions/{sid}/facilitators/{staff}?replacement={other}"),
        &director,
    )
    .await;
    assert_eq!(replaced.status, StatusCode::NO_CONTENT, "{}", replaced.body);
    let after = t
        .get("/api/v1/staffing", Auth::Bearer(&director))
        .await
        .json();
    let s = after
        .as_array()
        .expect("array")
        .iter()
        .find(|s| s["id"] == sid)
        .expect("session");
    assert_eq!(s["facilitators"][0]["staff_id"], other);
}

#[tokio::test]
async fn a_calendar_feed_serves_neutral_icalendar_until_it_is_revoked() {
    let t = TestApp::new().await;
    let counselor = t.token("counselor@demo.test").await;
    let staff = t
        .get("/api/v1/staff", Auth::Bearer(&counselor))
        .await
        .json();
    let mine = staff
        .as_array()
        .expect("array")
        .iter()
        .find(|s| s["display_name"] == "Casey Counselor")
        .expect("casey")["id"]
        .as_str()
        .expect("id")
        .to_string();
    let other = staff
        .as_array()
        .expect("array")
        .iter()
        .find(|s| s["display_name"] != "Casey Counselor")
        .expect("other")["id"]
        .as_str()
        .expect("id")
        .to_string();
    let refused = t
        .post_json(
            "/api/v1/calendar-feeds",
            Auth::Bearer(&counselor),
            serde_json::json!({ "staff_id": other }),
        )
        .await;
    assert_eq!(
        refused.status,
        StatusCode::FORBIDDEN,
        "a counselor feeds only their own sessions"
    );
    let created = t
        .post_json(
            "/api/v1/calendar-feeds",
            Auth::Bearer(&counselor),
            serde_json::json!({ "staff_id": mine }),
        )
        .await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.body);
    let path = created.json()["url_path"]
        .as_str()
        .expect("path")
        .to_string();
    let feed = t.get(&path, Auth::None).await;
    assert_eq!(feed.status, StatusCode::OK, "{}", feed.body);
    assert!(feed.content_type().starts_with("text/calendar"));
    assert!(feed.body.contains("BEGIN:VTIMEZONE") && feed.body.contains("SUMMARY:Appointment"));
    for name in ["Avery", "Stone", "Casey", "Problem solving"] {
        assert!(
            !feed.body.contains(name),
            "the feed must not name anyone or anything: {name}"
        );
    }
    let id = created.json()["id"].as_str().expect("id").to_string();
    assert_eq!(
        delete(&t, &format!("/api/v1/calendar-feeds/{id}"), &counselor)
            .await
            .status,
        StatusCode::NO_CONTENT
    );
    assert_eq!(t.get(&path, Auth::None).await.status, StatusCode::NOT_FOUND);
    assert_eq!(
        t.get("/calendar/not-a-token.ics", Auth::None).await.status,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn the_week_and_tonight_pages_render_for_a_counselor() {
    let t = TestApp::new().await;
    let b = t.login("counselor@demo.test").await;
    let week = t.get("/calendar", Auth::Cookie(&b)).await;
    assert_eq!(week.status, StatusCode::OK);
    assert!(
        week.body.contains("Mon/Tue/Thu") && week.body.contains("6:00 PM"),
        "{}",
        week.body
    );
    let tonight = t.get("/tonight", Auth::Cookie(&b)).await;
    assert_eq!(tonight.status, StatusCode::OK);
    let bad = t.get("/calendar?week=someday", Auth::Cookie(&b)).await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
}

#[tokio::test]
async fn bad_calendar_input_is_refused_with_reasons() {
    let t = TestApp::new().await;
    let admin = t.token("admin@demo.test").await;
    assert_eq!(
        t.get(
            "/api/v1/sessions?from=2026-01-01&to=2028-01-01",
            Auth::Bearer(&admin)
        )
        .await
        .status,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    assert_eq!(
        t.get(
            "/api/v1/sessions?from=2026-02-01&to=2026-01-01",
            Auth::Bearer(&admin)
        )
        .await
        .status,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    assert_eq!(
        t.get(
            "/api/v1/sessions?from=soon&to=2026-01-01",
            Auth::Bearer(&admin)
        )
        .await
        .status,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    assert_eq!(
        t.get("/api/v1/sessions", Auth::Bearer(&admin)).await.status,
        StatusCode::BAD_REQUEST
    );
    let staff = t
        .post_json(
            "/api/v1/staff",
            Auth::Bearer(&admin),
            serde_json::json!({ "display_name": "X", "npi": "1234567890" }),
        )
        .await;
    assert_eq!(staff.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(staff.body.contains("check digit"), "{}", staff.body);
    let ok = t.post_json("/api/v1/staff", Auth::Bearer(&admin), serde_json::json!({ "display_name": "Sam Park", "credentials": ["LCSW"], "npi": "1234567893" })).await;
    assert_eq!(ok.status, StatusCode::CREATED, "{}", ok.body);
}

#[tokio::test]
async fn a_program_can_add_topics_up_to_what_its_minimum_length_can_rotate() {
    let t = TestApp::new().await;
    let admin = t.token("admin@demo.test").await;
    let program = t.get("/api/v1/programs", Auth::Bearer(&admin)).await.json()[0]["id"]
        .as_str()
        .expect("id")
        .to_string();
    let added = t
        .post_json(
            &format!("/api/v1/programs/{program}/topics"),
            Auth::Bearer(&admin),
            serde_json::json!({ "title": "Managing cravings" }),
        )
        .await;
    assert_eq!(added.status, StatusCode::CREATED, "{}", added.body);
    let topics = t
        .get(
            &format!("/api/v1/programs/{program}/topics"),
            Auth::Bearer(&admin),
        )
        .await
        .json();
    assert_eq!(topics.as_array().map(Vec::len), Some(7));
    let mut last = StatusCode::CREATED;
    for i in 0..20 {
        last = t
            .post_json(
                &format!("/api/v1/programs/{program}/topics"),
                Auth::Bearer(&admin),
                serde_json::json!({ "title": format!("Extra {i}") }),
            )
            .await
            .status;
        if last != StatusCode::CREATED {
            break;
        }
    }
    assert_eq!(
        last,
        StatusCode::UNPROCESSABLE_ENTITY,
        "the rotation has a limit"
    );
}
