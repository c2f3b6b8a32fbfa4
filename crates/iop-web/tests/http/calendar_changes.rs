//! Changing the calendar over HTTP and in the pages: tracks, topics, closures, staffing, programs side by side.

use crate::calendar::range;
use crate::common::{Auth, TestApp};
use axum::http::StatusCode;

#[tokio::test]
async fn two_programs_generate_family_and_alumni_groups_without_colliding() {
    let t = TestApp::new().await;
    let admin = t.token("admin@demo.test").await;
    let site = t
        .post_json(
            "/api/v1/sites",
            Auth::Bearer(&admin),
            serde_json::json!({ "name": "North", "time_zone": "America/Chicago", "address": "1 Main St, Springfield", "admissions_phone": "(555) 010-2000" }),
        )
        .await;
    assert_eq!(site.status, StatusCode::CREATED, "{}", site.body);
    let settings = serde_json::json!({
        "name": "North IOP", "session_start": "17:30", "session_minutes": 180,
        "min_weeks": 7, "max_weeks": 9, "max_patients_per_facilitator": 6,
        "family_every_weeks": 2, "family_minutes": 180, "family_weekday": "thu",
        "alumni_weekday": "wed", "alumni_minutes": 90, "horizon_weeks": 12,
    });
    let program = t
        .post_json(
            "/api/v1/programs",
            Auth::Bearer(&admin),
            serde_json::json!({ "site_id": site.json()["id"], "slug": "north", "settings": settings }),
        )
        .await;
    assert_eq!(program.status, StatusCode::CREATED, "{}", program.body);
    let second = program.json()["id"].as_str().expect("id").to_string();
    // A new program comes with its two tracks.
    let res = t
        .post_json(
            &format!("/api/v1/programs/{second}/generate"),
            Auth::Bearer(&admin),
            serde_json::json!({}),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    // Creating the program generated its calendar already; generating again is idempotent.
    let (from, to) = range();
    let all = t
        .get(
            &format!("/api/v1/sessions?from={from}&to={to}"),
            Auth::Bearer(&admin),
        )
        .await
        .json();
    let alumni: std::collections::BTreeSet<&str> = all
        .as_array()
        .expect("array")
        .iter()
        .filter(|s| s["kind"] == "alumni")
        .filter_map(|s| s["program_id"].as_str())
        .collect();
    assert_eq!(alumni.len(), 2, "both programs have their own alumni group");
}

#[tokio::test]
async fn changing_a_tracks_nights_moves_future_sessions_only_and_keeps_the_family_night() {
    let t = TestApp::new().await;
    let admin = t.token("admin@demo.test").await;
    let programs = t.get("/api/v1/programs", Auth::Bearer(&admin)).await.json();
    let track = programs[0]["tracks"][0]["id"]
        .as_str()
        .expect("track")
        .to_string();
    let bad = t
        .put_json(
            &format!("/api/v1/tracks/{track}"),
            &admin,
            serde_json::json!({ "weekdays": "mon,tue,wed" }),
        )
        .await;
    assert_eq!(
        bad.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "dropping the family night is refused: {}",
        bad.body
    );
    let today = crate::common::now()
        .to_zoned(jiff::tz::TimeZone::get("America/Kentucky/Louisville").expect("tz"))
        .date();
    let past_from = today.checked_sub(jiff::Span::new().days(30)).expect("date");
    let past_to = today.checked_sub(jiff::Span::new().days(1)).expect("date");
    let history = |v: serde_json::Value| -> Vec<(String, String)> {
        v.as_array()
            .expect("array")
            .iter()
            .map(|s| {
                (
                    s["id"].as_str().unwrap_or("").to_string(),
                    s["status"].as_str().unwrap_or("").to_string(),
                )
            })
            .collect()
    };
    let before = history(
        t.get(
            &format!("/api/v1/sessions?from={past_from}&to={past_to}"),
            Auth::Bearer(&admin),
        )
        .await
        .json(),
    );
    let ok = t
        .put_json(
            &format!("/api/v1/tracks/{track}"),
            &admin,
            serde_json::json!({ "weekdays": "mon,thu,fri" }),
        )
        .await;
    assert_eq!(ok.status, StatusCode::NO_CONTENT, "{}", ok.body);
    let after = history(
        t.get(
            &format!("/api/v1/sessions?from={past_from}&to={past_to}"),
            Auth::Bearer(&admin),
        )
        .await
        .json(),
    );
    assert_eq!(before, after, "history never changes");
    let (from, to) = range();
    let future = t
        .get(
            &format!("/api/v1/sessions?from={from}&to={to}"),
            Auth::Bearer(&admin),
        )
        .await
        .json();
    let on_track: Vec<&serde_json::Value> = future
        .as_array()
        .expect("array")
        .iter()
        .filter(|s| s["track_id"] == track.as_str())
        .collect();
    for s in &on_track {
        let d: jiff::civil::Date = s["local_date"]
            .as_str()
            .expect("date")
            .parse()
            .expect("date");
        if d.weekday() == jiff::civil::Weekday::Tuesday && d > today {
            assert_eq!(
                s["status"], "cancelled",
                "a future Tuesday leaves the calendar as cancelled: {s}"
            );
        }
    }
    assert!(on_track.iter().any(|s| s["local_date"]
        .as_str()
        .and_then(|d| d.parse::<jiff::civil::Date>().ok())
        .is_some_and(|d| d.weekday() == jiff::civil::Weekday::Friday)));
}

#[tokio::test]
async fn a_director_closes_a_day_in_the_page_and_bad_dates_are_explained() {
    let t = TestApp::new().await;
    let b = t.login("director@demo.test").await;
    let page = t.get("/closures", Auth::Cookie(&b)).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.body.contains("Thanksgiving Day") || page.body.contains("Christmas Day"),
        "{}",
        page.body
    );
    let site = crate::common::hidden_field(&page.body, "site_id").expect("site id");
    let bad = t
        .post_form(
            "/closures",
            Auth::Cookie(&b),
            &[
                ("csrf", &b.csrf),
                ("site_id", &site),
                ("date", "next friday"),
                ("reason", "Storm"),
            ],
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.body.contains("must be a date like"), "{}", bad.body);
    let day = crate::common::now()
        .to_zoned(jiff::tz::TimeZone::UTC)
        .date()
        .checked_add(jiff::Span::new().days(40))
        .expect("date")
        .to_string();
    let ok = t
        .post_form(
            "/closures",
            Auth::Cookie(&b),
            &[
                ("csrf", &b.csrf),
                ("site_id", &site),
                ("date", &day),
                ("reason", "Staff retreat"),
            ],
        )
        .await;
    assert_eq!(ok.status, StatusCode::SEE_OTHER, "{}", ok.body);
    let after = t.get("/closures", Auth::Cookie(&b)).await;
    assert!(after.body.contains("Staff retreat"));
    let counselor = t.login("counselor@demo.test").await;
    let view = t.get("/closures", Auth::Cookie(&counselor)).await;
    assert_eq!(view.status, StatusCode::OK);
    assert!(
        !view.body.contains("Close this day"),
        "counselors see closures but cannot add them"
    );
}

#[tokio::test]
async fn a_director_staffs_the_short_session_and_assigns_in_bulk_from_the_pages() {
    let t = TestApp::new().await;
    let b = t.login("director@demo.test").await;
    let director = t.token("director@demo.test").await;
    let short = t
        .get("/api/v1/staffing", Auth::Bearer(&director))
        .await
        .json();
    let short = short
        .as_array()
        .expect("array")
        .iter()
        .find(|s| s["facilitators_needed"] == 1 && s["kind"] == "core")
        .expect("short session")
        .clone();
    let sid = short["id"].as_str().expect("id");
    let only = short["facilitators"][0]["staff_id"]
        .as_str()
        .expect("staff");
    // Removing the one facilitator without a replacement is refused on the page, naming the session.
    let refused = t
        .post_form(
            "/staffing/unassign",
            Auth::Cookie(&b),
            &[
                ("csrf", &b.csrf),
                ("session_id", sid),
                ("staff_id", only),
                ("replacement", ""),
            ],
        )
        .await;
    assert_eq!(refused.status, StatusCode::CONFLICT);
    let alert = refused
        .body
        .split("role=\"alert\">")
        .nth(1)
        .and_then(|a| a.split("</p>").next())
        .unwrap_or_default();
    assert!(
        alert.contains("core group on") && !alert.contains(sid),
        "the refusal names the session by day and time, not by id: {alert}"
    );
    let staff = t.get("/api/v1/staff", Auth::Bearer(&director)).await.json();
    let other = staff
        .as_array()
        .expect("array")
        .iter()
        .map(|s| s["id"].as_str().expect("id"))
        .find(|id| *id != only)
        .expect("other");
    let added = t
        .post_form(
            "/staffing/assign",
            Auth::Cookie(&b),
            &[("csrf", &b.csrf), ("session_id", sid), ("staff_id", other)],
        )
        .await;
    assert_eq!(added.status, StatusCode::SEE_OTHER, "{}", added.body);
    let page = t.get("/staffing", Auth::Cookie(&b)).await;
    assert!(
        page.body.contains("Every session meets the ratio"),
        "{}",
        page.body
    );

    let programs = t
        .get("/api/v1/programs", Auth::Bearer(&director))
        .await
        .json();
    let group = format!(
        "{}/{}",
        programs[0]["id"].as_str().expect("p"),
        programs[0]["tracks"][1]["id"].as_str().expect("t")
    );
    let (from, to) = range();
    let sam = t
        .post_json(
            "/api/v1/staff",
            Auth::Bearer(&director),
            serde_json::json!({ "display_name": "Sam Park", "credentials": ["CADC"] }),
        )
        .await
        .json();
    let sam = sam["id"].as_str().expect("id").to_string();
    let bulk = t
        .post_form(
            "/staff/bulk",
            Auth::Cookie(&b),
            &[
                ("csrf", &b.csrf),
                ("staff_id", &sam),
                ("group", &group),
                ("kind", "core"),
                ("from", &from),
                ("to", &to),
            ],
        )
        .await;
    assert_eq!(bulk.status, StatusCode::SEE_OTHER, "{}", bulk.body);
    let loc = bulk
        .headers
        .get("location")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string();
    assert!(
        loc.starts_with("/staff?assigned=") && loc != "/staff?assigned=0",
        "{loc}"
    );
    let bad = t
        .post_form(
            "/staff",
            Auth::Cookie(&b),
            &[
                ("csrf", &b.csrf),
                ("display_name", "Pat"),
                ("npi", "1234567890"),
            ],
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.body.contains("check digit"));
}

#[tokio::test]
async fn a_director_changes_one_sessions_topic_and_withdraws_a_closure_in_the_pages() {
    let t = TestApp::new().await;
    let b = t.login("director@demo.test").await;
    let director = t.token("director@demo.test").await;
    let (from, to) = range();
    let sessions = t
        .get(
            &format!("/api/v1/sessions?from={from}&to={to}"),
            Auth::Bearer(&director),
        )
        .await
        .json();
    let s = sessions
        .as_array()
        .expect("array")
        .iter()
        .find(|s| s["kind"] == "core" && s["status"] == "scheduled")
        .expect("core session")
        .clone();
    let program = s["program_id"].as_str().expect("program");
    let topics = t
        .get(
            &format!("/api/v1/programs/{program}/topics"),
            Auth::Bearer(&director),
        )
        .await
        .json();
    let other = topics
        .as_array()
        .expect("array")
        .iter()
        .find(|x| x["title"] != s["topic"])
        .expect("topic")
        .clone();
    let res = t
        .post_form(
            "/calendar/topic",
            Auth::Cookie(&b),
            &[
                ("csrf", &b.csrf),
                ("session_id", s["id"].as_str().expect("id")),
                ("topic_id", other["id"].as_str().expect("id")),
                ("week", &from),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let day = s["local_date"].as_str().expect("date");
    let after = t
        .get(
            &format!("/api/v1/sessions?from={day}&to={day}"),
            Auth::Bearer(&director),
        )
        .await
        .json();
    let changed = after
        .as_array()
        .expect("array")
        .iter()
        .find(|x| x["id"] == s["id"])
        .expect("session")
        .clone();
    assert_eq!(changed["topic"], other["title"]);
    // A regeneration keeps the one-off choice.
    t.post_json(
        &format!("/api/v1/programs/{program}/generate"),
        Auth::Bearer(&director),
        serde_json::json!({}),
    )
    .await;
    let again = t
        .get(
            &format!("/api/v1/sessions?from={day}&to={day}"),
            Auth::Bearer(&director),
        )
        .await
        .json();
    assert_eq!(
        again
            .as_array()
            .expect("array")
            .iter()
            .find(|x| x["id"] == s["id"])
            .expect("session")["topic"],
        other["title"]
    );

    let page = t.get("/closures", Auth::Cookie(&b)).await;
    let closure = crate::common::hidden_field(&page.body, "closure_id").expect("a closure");
    let res = t
        .post_form(
            "/closures/void",
            Auth::Cookie(&b),
            &[
                ("csrf", &b.csrf),
                ("closure_id", &closure),
                ("reason", "opened after all"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let after = t.get("/closures", Auth::Cookie(&b)).await;
    assert!(!after.body.contains(&closure));
}

#[tokio::test]
async fn a_director_changes_a_staff_profile_in_the_page_and_a_bad_npi_is_refused() {
    let t = TestApp::new().await;
    let b = t.login("director@demo.test").await;
    let director = t.token("director@demo.test").await;
    let staff = t.get("/api/v1/staff", Auth::Bearer(&director)).await.json();
    let id = staff[0]["id"].as_str().expect("id").to_string();
    let path = format!("/staff/{id}");
    let bad = t
        .post_form(
            &path,
            Auth::Cookie(&b),
            &[
                ("csrf", &b.csrf),
                ("credential", "LCSW"),
                ("npi", "123"),
                ("active", "1"),
            ],
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", bad.body);
    let ok = t
        .post_form(
            &path,
            Auth::Cookie(&b),
            &[
                ("csrf", &b.csrf),
                ("credential", "LCSW"),
                ("credential", "LADC"),
                ("requires_cosign", "1"),
                ("active", "1"),
            ],
        )
        .await;
    assert_eq!(ok.status, StatusCode::SEE_OTHER, "{}", ok.body);
    let after = t.get("/api/v1/staff", Auth::Bearer(&director)).await.json();
    let me = after
        .as_array()
        .expect("array")
        .iter()
        .find(|s| s["id"] == id.as_str())
        .expect("profile");
    assert_eq!(me["credentials"], serde_json::json!(["LCSW", "LADC"]));
    assert_eq!(me["requires_cosign"], true);
}
