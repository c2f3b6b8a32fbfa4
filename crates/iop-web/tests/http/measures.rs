//! Measures, drug screens and the relapse prevention plan over HTTP.

use crate::clinical::{patient_of_last_week, today};
use crate::common::{Auth, TestApp};
use axum::http::StatusCode;

#[tokio::test]
async fn phq9_item_nine_alerts_the_primary_counselor_and_the_director_and_measures_chart_as_svg() {
    let t = TestApp::new().await;
    let counselor = t.token("counselor@demo.test").await;
    let director = t.token("director@demo.test").await;
    // A Mon/Tue/Thu patient: Casey Counselor is the primary counselor.
    let patient = patient_of_last_week(&t, &counselor).await;
    let day = today().to_string();
    let bad = t.post_json(&format!("/api/v1/patients/{patient}/measures"), Auth::Bearer(&counselor), serde_json::json!({ "instrument": "phq9", "occasion": "biweekly", "taken_on": day, "items": [0, 0, 4, 0, 0, 0, 0, 0, 0] })).await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.body.contains("Item 3 of PHQ-9"), "{}", bad.body);
    let intake = today()
        .checked_sub(jiff::Span::new().days(14))
        .expect("date")
        .to_string();
    // The demo holds one open alert already; count from there.
    let open = |token: String| {
        let t = &t;
        async move {
            let v = t.get("/api/v1/alerts", Auth::Bearer(&token)).await.json();
            v.as_array().cloned().unwrap_or_default()
        }
    };
    let before = open(counselor.clone()).await.len();
    let before_director = open(director.clone()).await.len();
    let first = t.post_json(&format!("/api/v1/patients/{patient}/measures"), Auth::Bearer(&counselor), serde_json::json!({ "instrument": "phq9", "occasion": "intake", "taken_on": intake, "items": [2, 2, 2, 2, 2, 1, 1, 1, 0] })).await;
    assert_eq!(first.status, StatusCode::CREATED, "{}", first.body);
    assert_eq!(open(counselor.clone()).await.len(), before, "item 9 was 0");
    let second = t.post_json(&format!("/api/v1/patients/{patient}/measures"), Auth::Bearer(&counselor), serde_json::json!({ "instrument": "phq9", "occasion": "biweekly", "taken_on": day, "items": [1, 0, 0, 0, 0, 0, 0, 0, 1] })).await;
    assert_eq!(second.status, StatusCode::CREATED);
    let new_alert = |alerts: &[serde_json::Value]| {
        alerts
            .iter()
            .find(|a| {
                a["patient_id"] == patient.as_str()
                    && a["detail"].as_str().is_some_and(|d| d.contains(&day))
            })
            .cloned()
    };
    for (token, n) in [(&counselor, before), (&director, before_director)] {
        let alerts = open(token.clone()).await;
        assert_eq!(alerts.len(), n + 1, "{alerts:?}");
        assert!(new_alert(&alerts).is_some(), "{alerts:?}");
    }
    let b = t.login("director@demo.test").await;
    assert!(t
        .get("/dashboard", Auth::Cookie(&b))
        .await
        .body
        .contains("Safety alerts"));
    let id = new_alert(&open(director.clone()).await).expect("alert")["id"]
        .as_str()
        .expect("id")
        .to_string();
    assert_eq!(
        t.post_json(
            &format!("/api/v1/alerts/{id}/acknowledge"),
            Auth::Bearer(&director),
            serde_json::json!({ "action_taken": "  " })
        )
        .await
        .status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "an acknowledgement says what was done"
    );
    assert_eq!(
        t.post_json(
            &format!("/api/v1/alerts/{id}/acknowledge"),
            Auth::Bearer(&director),
            serde_json::json!({ "action_taken": "Called the patient; safety plan reviewed." })
        )
        .await
        .status,
        StatusCode::NO_CONTENT
    );
    assert_eq!(open(director.clone()).await.len(), before_director);

    assert_eq!(
        open(counselor.clone()).await.len(),
        before,
        "one follow-up answers the alert for the counselor too (the chart says who did what)"
    );

    let measures = t
        .get(
            &format!("/api/v1/patients/{patient}/measures"),
            Auth::Bearer(&counselor),
        )
        .await
        .json();
    let mine = measures
        .as_array()
        .expect("measures")
        .iter()
        .find(|m| m["taken_on"] == intake.as_str() && m["instrument"] == "phq9" && m["total"] == 13)
        .expect("the intake PHQ-9 recorded above");
    assert_eq!(mine["band"], "moderate");
    let svg = t
        .get(
            &format!("/patients/{patient}/measures.svg"),
            Auth::Cookie(&b),
        )
        .await;
    assert_eq!(svg.status, StatusCode::OK);
    assert!(
        svg.content_type().starts_with("image/svg+xml")
            && svg.body.contains("<polyline")
            && svg.body.contains("PHQ-9")
    );
    let billing = t.token("billing@demo.test").await;
    assert_eq!(
        t.get(
            &format!("/api/v1/patients/{patient}/measures"),
            Auth::Bearer(&billing)
        )
        .await
        .status,
        StatusCode::FORBIDDEN
    );
}

#[tokio::test]
async fn drug_screens_are_recorded_per_substance_and_positives_show_on_the_chart() {
    let t = TestApp::new().await;
    let counselor = t.token("counselor@demo.test").await;
    // A Mon/Tue/Thu patient: Casey Counselor is the primary counselor.
    let patient = patient_of_last_week(&t, &counselor).await;
    let day = today().to_string();
    let bad = t
        .post_json(&format!("/api/v1/patients/{patient}/drug-screens"), Auth::Bearer(&counselor), serde_json::json!({ "collected_on": day, "specimen": "saliva", "method": "lab", "results": [{ "substance": "THC", "result": "positive" }] }))
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.body.contains("specimen"), "{}", bad.body);
    let ok = t
        .post_json(&format!("/api/v1/patients/{patient}/drug-screens"), Auth::Bearer(&counselor), serde_json::json!({ "collected_on": day, "specimen": "urine", "method": "point_of_care", "results": [
            { "substance": "THC", "result": "positive" }, { "substance": "Opiates", "result": "negative" } ] }))
        .await;
    assert_eq!(ok.status, StatusCode::CREATED, "{}", ok.body);
    let list = t
        .get(
            &format!("/api/v1/patients/{patient}/drug-screens"),
            Auth::Bearer(&counselor),
        )
        .await
        .json();
    assert_eq!(list[0]["any_positive"], true);
    let b = t.login("counselor@demo.test").await;
    let chart = t
        .get(&format!("/patients/{patient}"), Auth::Cookie(&b))
        .await;
    assert!(
        chart.body.contains("THC: positive") && chart.body.contains("Opiates: negative"),
        "{}",
        chart.body
    );
    let billing = t.token("billing@demo.test").await;
    assert_eq!(
        t.get(
            &format!("/api/v1/patients/{patient}/drug-screens"),
            Auth::Bearer(&billing)
        )
        .await
        .status,
        StatusCode::FORBIDDEN
    );
}

#[tokio::test]
async fn the_relapse_prevention_plan_is_versioned_signed_and_printable_with_988() {
    let t = TestApp::new().await;
    let counselor = t.token("counselor@demo.test").await;
    // A Mon/Tue/Thu patient: Casey Counselor is the primary counselor.
    let patient = patient_of_last_week(&t, &counselor).await;
    let mut plan = serde_json::json!({
        "reasons_for_recovery": ["Be there for my daughter"], "external_triggers": ["Friday payday", "The bar on 4th"],
        "internal_triggers": ["Loneliness"], "early_warning_signs": ["Skipping meetings"], "coping_strategies": ["Call sponsor", "Walk the dog"],
        "supports": [{ "name": "Sam (sponsor)", "phone": "(502) 555-0111" }], "lapse_plan": "Tell my counselor the same day; go to a meeting."
    });
    plan["supports"][0]["phone"] = "call me".into();
    let bad = t
        .post_json(
            &format!("/api/v1/patients/{patient}/relapse-plans"),
            Auth::Bearer(&counselor),
            plan.clone(),
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    plan["supports"][0]["phone"] = "(502) 555-0111".into();
    let v1 = t
        .post_json(
            &format!("/api/v1/patients/{patient}/relapse-plans"),
            Auth::Bearer(&counselor),
            plan.clone(),
        )
        .await;
    assert_eq!(v1.status, StatusCode::CREATED, "{}", v1.body);
    assert_eq!(v1.json()["version"], 1);
    let sign_path = format!("/api/v1/patients/{patient}/relapse-plans/1/sign");
    let by_patient = t
        .post_json(
            &sign_path,
            Auth::Bearer(&counselor),
            serde_json::json!({ "patient_signature": "Avery Stone" }),
        )
        .await;
    assert_eq!(
        by_patient.status,
        StatusCode::NO_CONTENT,
        "{}",
        by_patient.body
    );
    assert_eq!(
        t.post_json(&sign_path, Auth::Bearer(&counselor), serde_json::json!({}))
            .await
            .status,
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        t.post_json(
            &sign_path,
            Auth::Bearer(&counselor),
            serde_json::json!({ "patient_signature": "again" })
        )
        .await
        .status,
        StatusCode::CONFLICT
    );
    plan["coping_strategies"] =
        serde_json::json!(["Call sponsor", "Walk the dog", "Go to the Tuesday meeting"]);
    let v2 = t
        .post_json(
            &format!("/api/v1/patients/{patient}/relapse-plans"),
            Auth::Bearer(&counselor),
            plan,
        )
        .await
        .json();
    assert_eq!(
        v2["version"], 2,
        "a change is a new version; the signed one stays"
    );
    let versions = t
        .get(
            &format!("/api/v1/patients/{patient}/relapse-plans"),
            Auth::Bearer(&counselor),
        )
        .await
        .json();
    assert_eq!(versions[1]["patient_signature"], "Avery Stone");
    let b = t.login("counselor@demo.test").await;
    let print = t
        .get(
            &format!("/patients/{patient}/relapse-plan"),
            Auth::Cookie(&b),
        )
        .await;
    assert_eq!(print.status, StatusCode::OK);
    assert!(
        print.body.contains("988")
            && print.body.contains("Go to the Tuesday meeting")
            && print.body.contains("Version 2"),
        "{}",
        print.body
    );
    let billing = t.token("billing@demo.test").await;
    assert_eq!(
        t.get(
            &format!("/api/v1/patients/{patient}/relapse-plans"),
            Auth::Bearer(&billing)
        )
        .await
        .status,
        StatusCode::FORBIDDEN
    );
}

#[tokio::test]
async fn a_repeat_positive_item_nine_while_the_alert_is_open_adds_to_it_instead_of_raising_another()
{
    let t = TestApp::new().await;
    let counselor = t.token("counselor@demo.test").await;
    let patient = patient_of_last_week(&t, &counselor).await;
    let alerts_about = |token: String| {
        let (t, patient) = (&t, patient.clone());
        async move {
            let v = t.get("/api/v1/alerts", Auth::Bearer(&token)).await.json();
            v.as_array()
                .cloned()
                .unwrap_or_default()
                .into_iter()
                .filter(|a| a["patient_id"] == patient.as_str() && a["kind"] == "phq9_item9")
                .collect::<Vec<_>>()
        }
    };
    let before = alerts_about(counselor.clone()).await.len();
    let days_ago = |n: i64| {
        today()
            .checked_sub(jiff::Span::new().days(n))
            .expect("date")
            .to_string()
    };
    for taken_on in [days_ago(7), days_ago(0)] {
        let res = t.post_json(&format!("/api/v1/patients/{patient}/measures"), Auth::Bearer(&counselor), serde_json::json!({ "instrument": "phq9", "occasion": "biweekly", "taken_on": taken_on, "items": [1, 1, 0, 0, 0, 0, 0, 0, 2] })).await;
        assert_eq!(res.status, StatusCode::CREATED, "{}", res.body);
    }
    let open = alerts_about(counselor.clone()).await;
    assert_eq!(open.len(), before.max(1), "one open alert: {open:?}");
    let detail = open[0]["detail"].as_str().unwrap_or("");
    assert!(
        detail.contains(&days_ago(7)) && detail.contains(&days_ago(0)) && detail.contains("again"),
        "{detail}"
    );
}

#[tokio::test]
async fn a_measure_saved_in_the_page_redirects_so_a_reload_cannot_record_it_twice() {
    let t = TestApp::new().await;
    let (patient, _) = t.first_census_patient().await;
    let b = t.login("counselor@demo.test").await;
    let today = crate::admissions::today().to_string();
    let mut form: Vec<(String, String)> = vec![
        ("csrf".into(), b.csrf.clone()),
        ("instrument".into(), "gad7".into()),
        ("occasion".into(), "biweekly".into()),
        ("taken_on".into(), today),
    ];
    for i in 1..=7 {
        form.push((format!("item_{i}"), "1".into()));
    }
    let refs: Vec<(&str, &str)> = form.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let res = t
        .post_form(
            &format!("/patients/{patient}/measures"),
            Auth::Cookie(&b),
            &refs,
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
}
