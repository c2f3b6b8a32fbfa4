//! Patient search: any case, accents optional, alike on SQLite and PostgreSQL; by MRN,
//! date of birth or phone; within the caller's caseload; audited without the query.

use crate::admissions::admit_new;
use crate::common::{Auth, TestApp};
use axum::http::StatusCode;

fn ids(hits: &serde_json::Value) -> Vec<String> {
    hits.as_array()
        .map(|a| {
            a.iter()
                .filter_map(|h| h["patient_id"].as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

async fn find(t: &TestApp, token: &str, q: &str) -> serde_json::Value {
    let res = search(t, token, serde_json::json!({ "q": q })).await;
    assert_eq!(res.status, StatusCode::OK, "{q}: {}", res.body);
    res.json()
}

async fn search(t: &TestApp, token: &str, body: serde_json::Value) -> crate::common::Response {
    t.post_json("/api/v1/patients/search", Auth::Bearer(token), body)
        .await
}

#[tokio::test]
async fn staff_find_a_patient_by_name_without_accents_mrn_birth_date_or_phone_in_their_caseload() {
    let t = TestApp::new().await;
    let adm = t.token("admissions@demo.test").await;
    let (_, admitted) = admit_new(&t, &adm, "Núñez-Ortiz").await;
    let patient = admitted["patient_id"].as_str().expect("id").to_string();
    let mrn = admitted["mrn"].as_str().expect("mrn").to_string();
    let director = t.token("director@demo.test").await;
    for q in [
        "nunez",
        "NÚÑEZ test",
        "test ortiz",
        "Nunez-Ortiz",
        mrn.as_str(),
        "1988-04-02",
        "04/02/1988",
        "555-0101",
    ] {
        let hits = find(&t, &director, q).await;
        assert!(
            ids(&hits).contains(&patient),
            "{q} finds the patient: {hits}"
        );
    }
    let hit = find(&t, &director, "nunez").await[0].clone();
    assert_eq!(hit["name"], "Test Núñez-Ortiz");
    assert_eq!(hit["date_of_birth"], "1988-04-02");
    for q in ["unez", "nunez smith", "1988-04-03"] {
        assert!(
            !ids(&find(&t, &director, q).await).contains(&patient),
            "{q}"
        );
    }

    // A counselor with no caseload finds nobody, not even by the exact MRN.
    let riley = t.token("riley@demo.test").await;
    let census = t.get("/api/v1/census", Auth::Bearer(&riley)).await.json();
    if census.to_string().contains(&patient) {
        panic!("riley unexpectedly has the new patient in caseload");
    }
    assert!(!ids(&find(&t, &riley, &mrn).await).contains(&patient));

    let billing = t.token("billing@demo.test").await;
    let nunez = serde_json::json!({ "q": "nunez" });
    let refused = search(&t, &billing, nunez).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    let empty = search(&t, &director, serde_json::json!({ "q": "--" })).await;
    assert_eq!(
        empty.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        empty.body
    );
    let missing = search(&t, &director, serde_json::json!({})).await;
    assert!(missing.status.is_client_error(), "{}", missing.body);

    // The search is audited with the patients it showed, never with what was typed.
    let admin = t.token("admin@demo.test").await;
    let rows = t
        .get(
            "/api/v1/audit-events?action=patient.search",
            Auth::Bearer(&admin),
        )
        .await
        .json();
    let text = rows.to_string();
    assert!(text.contains(&patient), "{text}");
    assert!(
        !text.to_lowercase().contains("nunez") && !text.contains("Núñez"),
        "{text}"
    );
}

#[tokio::test]
async fn the_search_page_lists_matches_and_keeps_a_refused_query() {
    let t = TestApp::new().await;
    let adm = t.token("admissions@demo.test").await;
    let (_, admitted) = admit_new(&t, &adm, "Zoë").await;
    let patient = admitted["patient_id"].as_str().expect("id").to_string();
    let director = t.login("director@demo.test").await;
    let form = t.get("/patients", Auth::Cookie(&director)).await;
    assert!(
        form.body.contains("method=\"post\""),
        "the query never goes in the URL"
    );
    let ask = |q: &'static str| {
        let (t, director) = (&t, &director);
        async move {
            t.post_form(
                "/patients",
                Auth::Cookie(director),
                &[("csrf", director.csrf.as_str()), ("q", q)],
            )
            .await
        }
    };
    let page = ask("ZOE").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.body.contains(&format!("href=\"/patients/{patient}\""))
            && page.body.contains("Test Zoë")
            && page.body.contains("Apr 2, 1988"),
        "{}",
        page.body
    );
    let refused = ask("**").await;
    assert_eq!(refused.status, StatusCode::OK);
    assert!(refused.body.contains("value=\"**\"") && refused.body.contains("role=\"alert\""));
}

#[tokio::test]
async fn the_dashboard_lists_the_charts_one_opened_last_newest_first() {
    let t = TestApp::new().await;
    let token = t.token("director@demo.test").await;
    let census = t.get("/api/v1/census", Auth::Bearer(&token)).await.json();
    let in_treatment: Vec<(String, String)> = census[0]["patients"]
        .as_array()
        .expect("patients")
        .iter()
        .take(2)
        .map(|p| {
            (
                p["patient_id"].as_str().expect("id").to_string(),
                p["name"].as_str().expect("name").to_string(),
            )
        })
        .collect();
    let [(first, first_name), (second, second_name)] = &in_treatment[..] else {
        panic!("two patients in treatment");
    };
    let director = t.login("director@demo.test").await;
    let before = t.get("/dashboard", Auth::Cookie(&director)).await;
    assert!(!before.body.contains("Patients you opened recently"));
    for id in [first, second, first, second] {
        let chart = t
            .get(&format!("/patients/{id}"), Auth::Cookie(&director))
            .await;
        assert_eq!(chart.status, StatusCode::OK);
    }
    let page = t.get("/dashboard", Auth::Cookie(&director)).await.body;
    let list = page
        .split("Patients you opened recently")
        .nth(1)
        .expect("the recent list")
        .split("</section>")
        .next()
        .unwrap_or("")
        .to_string();
    let at = |id: &str| list.find(&format!("/patients/{id}\"")).expect("listed");
    assert!(at(second) < at(first), "newest first: {list}");
    assert_eq!(
        list.matches(&format!("/patients/{first}\"")).count(),
        1,
        "each once"
    );
    assert!(list.contains(first_name.as_str()) && list.contains(second_name.as_str()));
}
