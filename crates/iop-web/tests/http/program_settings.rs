//! The program's rules that are settings, each changing what it governs: individual
//! session hours, the weekly floor and break, validation and who may change them, the
//! level of care of new episodes.

use crate::admissions::admit_new;
use crate::common::{Auth, TestApp};
use crate::program_rules::{episode_of, set_rules};
use axum::http::StatusCode;

#[tokio::test]
async fn individual_session_hours_weekly_floor_and_break_are_the_programs_settings() {
    let t = TestApp::new().await;
    let director = t.token("director@demo.test").await;
    let patient = episode_of(&t, &director, "DEMO-0006").await["patient_id"]
        .as_str()
        .expect("patient")
        .to_string();
    let staff = t.get("/api/v1/staff", Auth::Bearer(&director)).await.json();
    let staff_id = staff[0]["id"].as_str().expect("staff").to_string();
    let times_url = format!(
        "/api/v1/patients/{patient}/appointment-times?staff_id={staff_id}&minutes=45&days=14"
    );
    let weekday_offers = t.get(&times_url, Auth::Bearer(&director)).await.json();
    assert!(
        weekday_offers.as_array().is_some_and(|a| !a.is_empty()),
        "{weekday_offers}"
    );
    set_rules(&t, &director, |r| {
        r["individual_weekdays"] = "sat".into();
        r["individual_first_start"] = "10:00".into();
        r["individual_last_start"] = "11:00".into();
    })
    .await;
    let saturday = t.get(&times_url, Auth::Bearer(&director)).await.json();
    for at in saturday.as_array().expect("times") {
        let dt: jiff::civil::DateTime = at.as_str().expect("time").parse().expect("local time");
        assert_eq!(dt.weekday(), jiff::civil::Weekday::Saturday, "{saturday}");
        assert!((10..=11).contains(&dt.hour()), "{saturday}");
    }
    let chart_url = format!("/api/v1/patients/{patient}/chart");
    let weeks = t.get(&chart_url, Auth::Bearer(&director)).await.json()["weeks"].clone();
    let max_floor = |w: &serde_json::Value| {
        w.as_array()
            .expect("weeks")
            .iter()
            .filter_map(|w| w["floor"].as_u64())
            .max()
    };
    assert_eq!(max_floor(&weeks), Some(540), "{weeks}");
    assert!(
        weeks
            .as_array()
            .expect("weeks")
            .iter()
            .all(|w| w["under_floor"] == false),
        "every group attended: {weeks}"
    );
    set_rules(&t, &director, |r| r["weekly_floor_minutes"] = 600.into()).await;
    assert_eq!(
        max_floor(&t.get(&chart_url, Auth::Bearer(&director)).await.json()["weeks"]),
        Some(600)
    );
    set_rules(&t, &director, |r| {
        r["weekly_floor_minutes"] = 540.into();
        r["break_minutes"] = 15.into();
    })
    .await;
    let with_break = t.get(&chart_url, Auth::Bearer(&director)).await.json()["weeks"].clone();
    assert!(
        with_break
            .as_array()
            .expect("weeks")
            .iter()
            .any(|w| w["under_floor"] == true),
        "three groups less breaks: {with_break}"
    );
}

#[tokio::test]
async fn bad_program_rules_are_refused_and_only_directors_change_them() {
    let t = TestApp::new().await;
    let director = t.token("director@demo.test").await;
    let programs = t
        .get("/api/v1/programs", Auth::Bearer(&director))
        .await
        .json();
    let id = programs[0]["id"].as_str().expect("program").to_string();
    let mut rules = t
        .get(
            &format!("/api/v1/programs/{id}/rules"),
            Auth::Bearer(&director),
        )
        .await
        .json();
    assert_eq!(
        (
            rules["level_of_care"].clone(),
            rules["weekly_floor_minutes"].clone()
        ),
        ("2.1".into(), 540.into())
    );
    rules["min_attendance_percent"] = 120.into();
    let bad = t
        .put_json(
            &format!("/api/v1/programs/{id}/rules"),
            &director,
            rules.clone(),
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", bad.body);
    assert!(bad.body.contains("between 50 and 100"), "{}", bad.body);
    rules["min_attendance_percent"] = 80.into();
    let counselor = t.token("counselor@demo.test").await;
    let refused = t
        .put_json(&format!("/api/v1/programs/{id}/rules"), &counselor, rules)
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN, "{}", refused.body);
}

#[tokio::test]
async fn a_new_episode_takes_the_programs_level_of_care() {
    let t = TestApp::new().await;
    let adm = t.token("admissions@demo.test").await;
    let director = t.token("director@demo.test").await;
    set_rules(&t, &director, |r| r["level_of_care"] = "2.5".into()).await;
    let (_, admitted) = admit_new(&t, &adm, "Partial").await;
    let episode = admitted["episode_id"]
        .as_str()
        .expect("episode")
        .to_string();
    let app = t.app.clone();
    let level = tokio::task::spawn_blocking(move || {
        iop_app::testing::query_text(
            &app,
            &format!("SELECT level_of_care AS value FROM episodes WHERE id = '{episode}'"),
        )
    })
    .await
    .expect("join")
    .expect("query");
    assert_eq!(level, vec!["2.5".to_string()]);
}

#[tokio::test]
async fn without_a_contract_a_per_diem_day_needs_the_programs_minimum_minutes() {
    let t = TestApp::new().await;
    let counselor = t.token("counselor@demo.test").await;
    let billing = t.token("billing@demo.test").await;
    let director = t.token("director@demo.test").await;
    // The self-pay patient's rate card ended long ago: no contract covers the day.
    let app = t.app.clone();
    tokio::task::spawn_blocking(move || {
        iop_app::testing::execute_sql(
            &app,
            &["UPDATE contracts SET effective_to = '2000-01-31' WHERE payer_id IS NULL"],
        )
    })
    .await
    .expect("join")
    .expect("update");
    let patient = episode_of(&t, &director, "DEMO-0005").await["patient_id"]
        .as_str()
        .expect("patient")
        .to_string();
    let s = crate::clinical::past_session(&t, &counselor).await;
    let (sid, date) = (
        s["id"].as_str().expect("id"),
        s["local_date"].as_str().expect("date"),
    );
    let marks = serde_json::json!([{ "patient_id": patient, "mark": "late", "minutes": 150 }]);
    assert_eq!(
        t.put_json(
            &format!("/api/v1/sessions/{sid}/attendance"),
            &counselor,
            marks
        )
        .await
        .status,
        StatusCode::NO_CONTENT
    );
    let short = charge_of(&t, &billing, date, &patient).await;
    assert!(
        short["pending_reason"]
            .as_str()
            .is_some_and(|r| r.contains("attended 150 of the 180 minutes")),
        "{short}"
    );
    set_rules(&t, &director, |r| {
        r["per_diem_minimum_minutes"] = 150.into()
    })
    .await;
    let enough = charge_of(&t, &billing, date, &patient).await;
    assert!(
        !enough["pending_reason"]
            .as_str()
            .is_some_and(|r| r.contains("minutes")),
        "{enough}"
    );
}

/// Generates the day's charges and answers the patient's charge of that day.
async fn charge_of(t: &TestApp, billing: &str, date: &str, patient: &str) -> serde_json::Value {
    let gen = serde_json::json!({ "from": date, "to": date });
    let res = t
        .post_json("/api/v1/charges/generate", Auth::Bearer(billing), gen)
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    let url = format!("/api/v1/charges?from={date}&to={date}&patient_id={patient}");
    t.get(&url, Auth::Bearer(billing)).await.json()[0].clone()
}
