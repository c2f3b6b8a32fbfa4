//! Setting up sites, programs and tracks, through the API and the page.

use crate::common::{Auth, TestApp};
use axum::http::StatusCode;

fn settings(start: &str) -> serde_json::Value {
    serde_json::json!({
        "name": "Evening Intensive Outpatient Program", "session_start": start, "session_minutes": 180,
        "min_weeks": 7, "max_weeks": 9, "max_patients_per_facilitator": 6, "family_every_weeks": 2,
        "family_minutes": 180, "family_weekday": "thu", "alumni_weekday": "wed", "alumni_minutes": 90, "horizon_weeks": 12
    })
}

#[tokio::test]
async fn a_new_site_and_program_get_their_calendar_and_bad_settings_are_explained() {
    let t = TestApp::new().await;
    let admin = t.token("admin@demo.test").await;
    let bad = t
        .post_json("/api/v1/sites", Auth::Bearer(&admin), serde_json::json!({ "name": "East", "time_zone": "Eastern", "address": "1 Main St", "admissions_phone": "555" }))
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        bad.body.contains("IANA time zone") && bad.body.contains("7 to 15 digits"),
        "every problem is named: {}",
        bad.body
    );
    let site = t
        .post_json("/api/v1/sites", Auth::Bearer(&admin), serde_json::json!({ "name": "East", "time_zone": "America/New_York", "address": "1 Main St", "admissions_phone": "(212) 555-0100" }))
        .await;
    assert_eq!(site.status, StatusCode::CREATED, "{}", site.body);
    let site_id = site.json()["id"].as_str().expect("id").to_string();
    let mut s = settings("17:00");
    s["min_weeks"] = 10.into();
    let refused = t
        .post_json(
            "/api/v1/programs",
            Auth::Bearer(&admin),
            serde_json::json!({ "site_id": site_id, "slug": "east", "settings": s }),
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        refused.body.contains("minimum length cannot be longer"),
        "{}",
        refused.body
    );
    let created = t.post_json("/api/v1/programs", Auth::Bearer(&admin), serde_json::json!({ "site_id": site_id, "slug": "east", "settings": settings("17:00") })).await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.body);
    let program = created.json()["id"].as_str().expect("id").to_string();
    let dup = t.post_json("/api/v1/programs", Auth::Bearer(&admin), serde_json::json!({ "site_id": site_id, "slug": "east", "settings": settings("17:00") })).await;
    assert_eq!(dup.status, StatusCode::CONFLICT);

    let today = crate::common::now()
        .to_zoned(jiff::tz::TimeZone::get("America/New_York").expect("tz"))
        .date();
    let to = today.checked_add(jiff::Span::new().days(13)).expect("date");
    let rows = t
        .get(
            &format!("/api/v1/sessions?from={today}&to={to}&program={program}"),
            Auth::Bearer(&admin),
        )
        .await
        .json();
    let rows = rows.as_array().expect("array");
    assert!(
        rows.len() >= 6,
        "two weeks of sessions were generated: {}",
        rows.len()
    );
    assert!(
        rows.iter().all(|s| s["start"]
            .as_str()
            .is_some_and(|x| x.contains("T17:00:00-0"))),
        "local 17:00 in New York"
    );

    let track = t
        .post_json(
            &format!("/api/v1/programs/{program}/tracks"),
            Auth::Bearer(&admin),
            serde_json::json!({ "name": "Tue/Thu/Sat", "weekdays": "tue,thu,sat" }),
        )
        .await;
    assert_eq!(track.status, StatusCode::CREATED, "{}", track.body);
    let no_family = t
        .post_json(
            &format!("/api/v1/programs/{program}/tracks"),
            Auth::Bearer(&admin),
            serde_json::json!({ "name": "Early", "weekdays": "mon,tue,wed" }),
        )
        .await;
    assert_eq!(
        no_family.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "a track must meet on the family night"
    );
}

#[tokio::test]
async fn changing_the_start_time_moves_future_sessions_and_keeps_held_ones() {
    let t = TestApp::new().await;
    let admin = t.token("admin@demo.test").await;
    let program = t.get("/api/v1/programs", Auth::Bearer(&admin)).await.json()[0]["id"]
        .as_str()
        .expect("id")
        .to_string();
    let tz = jiff::tz::TimeZone::get("America/Kentucky/Louisville").expect("tz");
    let today = crate::common::now().to_zoned(tz).date();
    let past = today.checked_sub(jiff::Span::new().days(20)).expect("date");
    let yesterday = today.checked_sub(jiff::Span::new().days(1)).expect("date");
    let future_from = today.checked_add(jiff::Span::new().days(1)).expect("date");
    let future_to = today.checked_add(jiff::Span::new().days(20)).expect("date");
    let before = t
        .get(
            &format!("/api/v1/sessions?from={past}&to={yesterday}"),
            Auth::Bearer(&admin),
        )
        .await
        .body;
    let res = t
        .put_json(
            &format!("/api/v1/programs/{program}"),
            &admin,
            settings("17:30"),
        )
        .await;
    assert_eq!(res.status, StatusCode::NO_CONTENT, "{}", res.body);
    assert_eq!(
        t.get(
            &format!("/api/v1/sessions?from={past}&to={yesterday}"),
            Auth::Bearer(&admin)
        )
        .await
        .body,
        before,
        "held sessions stay"
    );
    let future = t
        .get(
            &format!("/api/v1/sessions?from={future_from}&to={future_to}"),
            Auth::Bearer(&admin),
        )
        .await
        .json();
    let open: Vec<&serde_json::Value> = future
        .as_array()
        .expect("array")
        .iter()
        .filter(|s| s["status"] == "scheduled")
        .collect();
    assert!(!open.is_empty());
    assert!(
        open.iter()
            .all(|s| s["start"].as_str().is_some_and(|x| x.contains("T17:30:00"))),
        "{open:?}"
    );
    let mut bad = settings("18:00");
    bad["family_weekday"] = "tue".into();
    let refused = t
        .put_json(&format!("/api/v1/programs/{program}"), &admin, bad)
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.body.contains("every track"), "{}", refused.body);
}

#[tokio::test]
async fn a_director_edits_settings_in_the_page_and_a_counselor_only_reads_them() {
    let t = TestApp::new().await;
    let b = t.login("director@demo.test").await;
    let page = t.get("/organisation", Auth::Cookie(&b)).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Save settings"));
    let admin = t.token("admin@demo.test").await;
    let program = t.get("/api/v1/programs", Auth::Bearer(&admin)).await.json()[0]["id"]
        .as_str()
        .expect("id")
        .to_string();
    let base = settings("18:00");
    let mut fields: Vec<(&str, String)> = vec![("csrf", b.csrf.clone())];
    for (k, v) in base.as_object().expect("object") {
        fields.push((
            k.as_str(),
            v.as_str()
                .map(str::to_string)
                .unwrap_or_else(|| v.to_string()),
        ));
    }
    let replace = |fields: &mut Vec<(&str, String)>, key: &str, value: &str| {
        if let Some(f) = fields.iter_mut().find(|(k, _)| *k == key) {
            f.1 = value.to_string();
        }
    };
    replace(&mut fields, "max_patients_per_facilitator", "eight");
    let borrowed: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let bad = t
        .post_form(
            &format!("/organisation/programs/{program}"),
            Auth::Cookie(&b),
            &borrowed,
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        bad.body
            .contains("patients per facilitator must be a whole number"),
        "{}",
        bad.body
    );
    replace(&mut fields, "max_patients_per_facilitator", "8");
    let borrowed: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let ok = t
        .post_form(
            &format!("/organisation/programs/{program}"),
            Auth::Cookie(&b),
            &borrowed,
        )
        .await;
    assert_eq!(ok.status, StatusCode::SEE_OTHER, "{}", ok.body);
    let after = t.get("/api/v1/programs", Auth::Bearer(&admin)).await.json();
    assert_eq!(after[0]["max_patients_per_facilitator"], 8);
    let counselor = t.login("counselor@demo.test").await;
    let read = t.get("/organisation", Auth::Cookie(&counselor)).await;
    assert_eq!(read.status, StatusCode::OK);
    assert!(!read.body.contains("Save settings"));
}

#[tokio::test]
async fn the_organisations_time_zone_is_set_in_the_page_and_a_made_up_one_is_refused() {
    let t = TestApp::new().await;
    let admin = t.login("admin@demo.test").await;
    let bad = t
        .post_form(
            "/organisation/time-zone",
            Auth::Cookie(&admin),
            &[("csrf", &admin.csrf), ("time_zone", "Mars/Olympus_Mons")],
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", bad.body);
    let ok = t
        .post_form(
            "/organisation/time-zone",
            Auth::Cookie(&admin),
            &[("csrf", &admin.csrf), ("time_zone", "America/Los_Angeles")],
        )
        .await;
    assert_eq!(ok.status, StatusCode::SEE_OTHER, "{}", ok.body);
    let page = t.get("/organisation", Auth::Cookie(&admin)).await;
    assert!(
        page.body.contains("show times in America/Los_Angeles"),
        "{}",
        page.body
    );
}
