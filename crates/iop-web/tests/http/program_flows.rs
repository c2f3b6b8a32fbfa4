//! What the program's rules do as the night goes: a check-in over the ratio and two
//! unexcused absences raise alerts, an inquiry's insurance becomes the coverage, an
//! unknown sex holds the claim, and individual sessions appear on the calendars.

use crate::admissions::{admission, placement, today};
use crate::claims::{document_and_build, per_diem_patient_revoking_the_payer};
use crate::clinical::{past_session, patient_of_last_week};
use crate::common::{Auth, TestApp};
use crate::program_rules::episode_of;
use axum::http::StatusCode;

/// The inquiry the demo screened with Bluegrass Health Plan and a member id.
async fn demo_inquiry(t: &TestApp, adm: &str, first: &str) -> String {
    let list = t.get("/api/v1/inquiries", Auth::Bearer(adm)).await.json();
    list.as_array()
        .expect("inquiries")
        .iter()
        .find(|i| i["first_name"] == first)
        .unwrap_or_else(|| panic!("{first} in {list}"))["id"]
        .as_str()
        .expect("id")
        .to_string()
}

#[tokio::test]
async fn the_payer_and_member_id_from_screening_become_the_coverage_at_admission() {
    let t = TestApp::new().await;
    let adm = t.token("admissions@demo.test").await;
    let id = demo_inquiry(&t, &adm, "Sage").await;
    let (program, track, counselor) = placement(&t, &adm).await;
    let mut body = admission(&program, &track, &counselor, "Sage");
    body["address"] = serde_json::json!({ "line": "12 Elm St", "city": "Louisville", "state": "KY", "zip": "40202" });
    let res = t
        .post_json(
            &format!("/api/v1/inquiries/{id}/admit"),
            Auth::Bearer(&adm),
            body,
        )
        .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.body);
    let admitted = res.json();
    assert!(admitted["coverage_id"].is_string(), "{admitted}");
    let billing = t.token("billing@demo.test").await;
    let patient = admitted["patient_id"].as_str().expect("patient");
    let coverage = t
        .get(
            &format!("/api/v1/patients/{patient}/coverage"),
            Auth::Bearer(&billing),
        )
        .await;
    assert_eq!(coverage.status, StatusCode::OK, "{}", coverage.body);
    assert!(
        coverage.body.contains("BGH55501234") && coverage.body.contains("12 Elm St"),
        "{}",
        coverage.body
    );
    // An address missing its ZIP is refused, naming it.
    let other = demo_inquiry(&t, &adm, "Umber").await;
    let mut bad = admission(&program, &track, &counselor, "Umber");
    bad["address"] =
        serde_json::json!({ "line": "1 Oak St", "city": "Louisville", "state": "KY", "zip": "" });
    let refused = t
        .post_json(
            &format!("/api/v1/inquiries/{other}/admit"),
            Auth::Bearer(&adm),
            bad,
        )
        .await;
    assert_eq!(
        refused.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        refused.body
    );
    assert!(
        refused.body.to_lowercase().contains("zip"),
        "{}",
        refused.body
    );
}

#[tokio::test]
async fn a_claim_for_a_patient_whose_sex_is_unknown_is_held_until_it_is_recorded() {
    let t = TestApp::new().await;
    let billing = t.token("billing@demo.test").await;
    let counselor = t.token("counselor@demo.test").await;
    let (sid, date, ids, _) = per_diem_patient_revoking_the_payer(&t, &billing, &counselor).await;
    let unknown = ids[0].clone();
    let app = t.app.clone();
    let who = unknown.clone();
    tokio::task::spawn_blocking(move || {
        iop_app::testing::execute_sql(
            &app,
            &[&format!("UPDATE patients SET sex = 'U' WHERE id = '{who}'")],
        )
    })
    .await
    .expect("join")
    .expect("update");
    document_and_build(&t, &billing, &counselor, (&sid, &date, &ids)).await;
    let held = t
        .get("/api/v1/claims?status=held", Auth::Bearer(&billing))
        .await
        .json();
    let claim = held
        .as_array()
        .expect("claims")
        .iter()
        .find(|k| k["patient_id"] == unknown.as_str())
        .cloned();
    let claim = claim.unwrap_or_else(|| panic!("held: {held}"));
    assert!(
        claim["problems"]
            .as_str()
            .is_some_and(|p| p.contains("sex for claims is unknown")),
        "{claim}"
    );
    let res = t
        .put_json(
            &format!("/api/v1/patients/{unknown}/demographics"),
            &billing,
            serde_json::json!({ "sex": "F" }),
        )
        .await;
    assert_eq!(res.status, StatusCode::NO_CONTENT, "{}", res.body);
    let bad = t
        .put_json(
            &format!("/api/v1/patients/{unknown}/demographics"),
            &billing,
            serde_json::json!({ "sex": "X" }),
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", bad.body);
}

#[tokio::test]
async fn two_unexcused_absences_in_a_row_alert_the_primary_counselor_once() {
    let t = TestApp::new().await;
    let director = t.token("director@demo.test").await;
    let counselor = t.token("counselor@demo.test").await;
    // Last week's groups are open; Casey is the primary counselor of the first track.
    let s = past_session(&t, &counselor).await;
    let roster = t
        .get(
            &format!("/api/v1/sessions/{}/roster", s["id"].as_str().expect("id")),
            Auth::Bearer(&counselor),
        )
        .await
        .json();
    let casey_patient = episode_of(&t, &director, "DEMO-0002").await["patient_id"]
        .as_str()
        .expect("patient")
        .to_string();
    assert!(roster.to_string().contains(&casey_patient), "{roster}");
    let from = iop_domain::calendar::monday_of(today())
        .checked_sub(jiff::Span::new().days(7))
        .expect("date");
    let sessions = t
        .get(
            &format!("/api/v1/sessions?from={from}&to={}", today()),
            Auth::Bearer(&director),
        )
        .await
        .json();
    let two: Vec<String> = sessions
        .as_array()
        .expect("sessions")
        .iter()
        .filter(|x| {
            x["track_name"] == "Mon/Tue/Thu" && x["kind"] == "core" && x["status"] == "held"
        })
        .take(2)
        .map(|x| x["id"].as_str().expect("id").to_string())
        .collect();
    assert_eq!(two.len(), 2, "{sessions}");
    let alerts = |token: &str| {
        let token = token.to_string();
        let t = &t;
        async move {
            t.get("/api/v1/alerts", Auth::Bearer(&token))
                .await
                .json()
                .to_string()
        }
    };
    for sid in &two {
        let res = t
            .put_json(
                &format!("/api/v1/sessions/{sid}/attendance"),
                &counselor,
                serde_json::json!([{ "patient_id": casey_patient, "mark": "absent_unexcused" }]),
            )
            .await;
        assert_eq!(res.status, StatusCode::NO_CONTENT, "{}", res.body);
    }
    let mine = alerts(&counselor).await;
    assert_eq!(mine.matches("two_unexcused_absences").count(), 1, "{mine}");
}

#[tokio::test]
async fn a_check_in_over_the_ratio_is_kept_and_alerts_the_clinical_directors() {
    let t = TestApp::new().await;
    let director = t.token("director@demo.test").await;
    // Last week's Mon/Wed/Thu group: four patients, one facilitator; three make-ups
    // (the last over the ratio, a director's override) and everyone checked in makes seven.
    let from = iop_domain::calendar::monday_of(today())
        .checked_sub(jiff::Span::new().days(7))
        .expect("date");
    let sessions = t
        .get(
            &format!("/api/v1/sessions?from={from}&to={}", today()),
            Auth::Bearer(&director),
        )
        .await
        .json();
    let s = sessions
        .as_array()
        .expect("sessions")
        .iter()
        .find(|x| x["track_name"] == "Mon/Wed/Thu" && x["kind"] == "core" && x["status"] == "held")
        .expect("a group")
        .clone();
    let sid = s["id"].as_str().expect("id");
    let extra = [
        episode_of(&t, &director, "DEMO-0004").await,
        episode_of(&t, &director, "DEMO-0005").await,
        episode_of(&t, &director, "DEMO-0003").await,
    ];
    for e in &extra {
        let body = serde_json::json!({ "patient_id": e["patient_id"], "reason": "missed their own group", "ratio_override_reason": "second facilitator on the way" });
        let res = t
            .post_json(
                &format!("/api/v1/sessions/{sid}/makeups"),
                Auth::Bearer(&director),
                body,
            )
            .await;
        assert_eq!(res.status, StatusCode::NO_CONTENT, "{}", res.body);
    }
    let roster = t
        .get(
            &format!("/api/v1/sessions/{sid}/roster"),
            Auth::Bearer(&director),
        )
        .await
        .json();
    let marks: Vec<serde_json::Value> = roster["lines"]
        .as_array()
        .expect("lines")
        .iter()
        .map(|l| serde_json::json!({ "patient_id": l["patient_id"], "mark": "present" }))
        .collect();
    assert!(marks.len() > 6, "{roster}");
    let res = t
        .put_json(
            &format!("/api/v1/sessions/{sid}/attendance"),
            &director,
            serde_json::Value::Array(marks),
        )
        .await;
    assert_eq!(
        res.status,
        StatusCode::NO_CONTENT,
        "the patients are in the room: {}",
        res.body
    );
    let alerts = t
        .get("/api/v1/alerts", Auth::Bearer(&director))
        .await
        .json()
        .to_string();
    assert_eq!(alerts.matches("ratio_at_check_in").count(), 1, "{alerts}");
}

#[tokio::test]
async fn an_individual_session_is_on_the_counselors_week_and_in_their_feed_without_a_name() {
    let t = TestApp::new().await;
    let counselor = t.token("counselor@demo.test").await;
    let patient = patient_of_last_week(&t, &counselor).await;
    let staff = t
        .get("/api/v1/staff", Auth::Bearer(&counselor))
        .await
        .json();
    let casey = staff
        .as_array()
        .expect("staff")
        .iter()
        .find(|s| s["display_name"] == "Casey Counselor")
        .expect("casey")["id"]
        .clone();
    let times = t
        .get(
            &format!(
                "/api/v1/patients/{patient}/appointment-times?staff_id={}&minutes=50",
                casey.as_str().expect("id")
            ),
            Auth::Bearer(&counselor),
        )
        .await
        .json();
    let first = times[0].as_str().expect("a free time").to_string();
    let booked = t.post_json("/api/v1/appointments", Auth::Bearer(&counselor), serde_json::json!({ "patient_id": patient, "staff_id": casey, "starts": first, "minutes": 50 })).await;
    assert_eq!(booked.status, StatusCode::CREATED, "{}", booked.body);
    let day = &first[..10];
    let b = t.login("counselor@demo.test").await;
    let week = t
        .get(&format!("/calendar?week={day}"), Auth::Cookie(&b))
        .await
        .body;
    assert!(
        week.contains("Individual session") && week.contains(&format!("/patients/{patient}")),
        "{week}"
    );
    let feed = t
        .post_json(
            "/api/v1/calendar-feeds",
            Auth::Bearer(&counselor),
            serde_json::json!({ "staff_id": casey }),
        )
        .await;
    assert_eq!(feed.status, StatusCode::CREATED, "{}", feed.body);
    let path = feed.json()["url_path"].as_str().expect("path").to_string();
    let ical = t.get(&path, Auth::None).await.body;
    let start = first.replace(['-', ':'], "");
    assert!(
        ical.contains(&format!("{start}00")),
        "the appointment at {first}: {ical}"
    );
    assert!(!ical.contains("Individual"), "titles stay neutral");
}
