//! A new version of a consent recorded in the page replaces the one it names.

use crate::common::{Auth, TestApp};
use axum::http::StatusCode;

#[tokio::test]
async fn a_consent_recorded_in_the_page_as_a_new_version_replaces_the_old_one() {
    let t = TestApp::new().await;
    let director = t.token("director@demo.test").await;
    let (patient, _) = t.first_census_patient().await;
    let person = t
        .post_json(
            &format!("/api/v1/patients/{patient}/related-persons"),
            Auth::Bearer(&director),
            serde_json::json!({ "name": "Dana Versions", "relationship": "sister" }),
        )
        .await;
    assert_eq!(person.status, StatusCode::CREATED, "{}", person.body);
    let person = person.json()["id"].as_str().expect("id").to_string();
    let b = t.login("director@demo.test").await;
    let path = format!("/patients/{patient}/consents");
    let form = |replaces: &str, purpose: &str| {
        vec![
            ("csrf".to_string(), b.csrf.clone()),
            ("replaces".to_string(), replaces.to_string()),
            ("recipient".to_string(), person.clone()),
            ("information".to_string(), "enrollment".to_string()),
            ("purpose".to_string(), purpose.to_string()),
            ("expiry_kind".to_string(), "end_of_treatment".to_string()),
            ("signature".to_string(), "signed on paper".to_string()),
        ]
    };
    let post = |fields: Vec<(String, String)>| {
        let t = &t;
        let b = &b;
        let path = path.clone();
        async move {
            let refs: Vec<(&str, &str)> = fields
                .iter()
                .map(|(k, v)| (k.as_str(), v.as_str()))
                .collect();
            t.post_form(&path, Auth::Cookie(b), &refs).await
        }
    };
    let first = post(form("", "family involvement")).await;
    assert!(first.status.is_redirection(), "{}", first.body);
    let listed = t
        .get(
            &format!("/api/v1/patients/{patient}/consents"),
            Auth::Bearer(&director),
        )
        .await
        .json();
    let old = listed
        .as_array()
        .expect("consents")
        .iter()
        .find(|c| c["purpose"] == "family involvement")
        .expect("the first consent")["id"]
        .as_str()
        .expect("id")
        .to_string();
    let second = post(form(&old, "family involvement, weekly updates")).await;
    assert!(second.status.is_redirection(), "{}", second.body);
    let listed = t
        .get(
            &format!("/api/v1/patients/{patient}/consents"),
            Auth::Bearer(&director),
        )
        .await
        .json();
    let by_purpose = |p: &str| {
        listed
            .as_array()
            .expect("consents")
            .iter()
            .find(|c| c["purpose"] == p)
            .cloned()
            .expect("consent")
    };
    assert!(
        !by_purpose("family involvement")["superseded_at"].is_null(),
        "the old version is replaced"
    );
    assert_eq!(
        by_purpose("family involvement, weekly updates")["version"],
        2
    );
}
