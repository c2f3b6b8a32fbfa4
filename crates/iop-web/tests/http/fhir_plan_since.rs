//! `_since` in a bulk export sees a plan version signed since, not only one saved since:
//! the signature changes what the CarePlan says.

use crate::clinical::patient_of_last_week;
use crate::common::{Auth, TestApp};
use crate::fhir_export::{export, lines};
use axum::http::StatusCode;
use iop_app::testing::query_text;

#[tokio::test]
async fn a_plan_version_signed_since_comes_back_in_a_since_export() {
    let t = TestApp::new().await;
    let counselor = t.token("counselor@demo.test").await;
    let patient = patient_of_last_week(&t, &counselor).await;
    let target = crate::clinical::today()
        .checked_add(jiff::Span::new().days(20))
        .expect("date")
        .to_string();
    let plan = serde_json::json!({ "problems": [{ "problem": "Drinks after work", "goals": [
        { "goal": "Stop drinking", "objectives": [{ "objective": "Negative breath tests for 3 weeks", "target_date": target }], "interventions": ["Group CBT"] }] }] });
    let saved = t
        .post_json(
            &format!("/api/v1/patients/{patient}/treatment-plans"),
            Auth::Bearer(&counselor),
            plan,
        )
        .await;
    assert_eq!(saved.status, StatusCode::CREATED, "{}", saved.body);
    let version = saved.json()["version"].as_i64().expect("version");
    tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    let since = crate::common::now();
    tokio::time::sleep(std::time::Duration::from_millis(20)).await;

    let query = format!("?_type=CarePlan&_since={since}");
    let (_, before) = export(&t, &counselor, &query).await;
    assert!(
        lines(&t, &counselor, &before)
            .await
            .iter()
            .all(|(k, _)| k != "CarePlan"),
        "nothing changed since: no plan goes"
    );
    let signed = t
        .post_json(
            &format!("/api/v1/patients/{patient}/treatment-plans/{version}/sign"),
            Auth::Bearer(&counselor),
            serde_json::json!({ "patient_signature": "Cameron Brooks" }),
        )
        .await;
    assert_eq!(signed.status, StatusCode::NO_CONTENT, "{}", signed.body);
    let (_, after) = export(&t, &counselor, &query).await;
    let plans = lines(&t, &counselor, &after).await;
    let id = query_text(
        &t.app,
        &format!("SELECT id AS value FROM treatment_plans WHERE patient_id = '{patient}' AND version = {version}"),
    )
    .expect("plan")
    .remove(0);
    let signed_plan = plans
        .iter()
        .find(|(_, v)| v["id"] == id.as_str())
        .expect("the version signed since goes");
    assert!(signed_plan.1["note"]
        .as_array()
        .is_some_and(|n| n.iter().any(|a| a["text"]
            .as_str()
            .is_some_and(|t| t.starts_with("Signed by the patient")))));
}
