//! Supervision over HTTP: co-signature, reminders and outcomes, a counselor's scope, the facilitator's dashboard.

use crate::clinical::{past_session, today};
use crate::common::{Auth, TestApp};
use axum::http::StatusCode;

#[tokio::test]
async fn notes_of_supervised_staff_wait_for_a_directors_co_signature() {
    let t = TestApp::new().await;
    let admin = t.token("admin@demo.test").await;
    let director = t.token("director@demo.test").await;
    let created = t
        .post_json(
            "/api/v1/users",
            Auth::Bearer(&admin),
            serde_json::json!({ "email": "intern@demo.test", "display_name": "Ivy Intern", "role": "counselor", "password": "intern-password-1" }),
        )
        .await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.body);
    let staff = t
        .post_json(
            "/api/v1/staff",
            Auth::Bearer(&director),
            serde_json::json!({ "display_name": "Ivy Intern", "credentials": ["CPRS"], "user_email": "intern@demo.test", "requires_cosign": true }),
        )
        .await;
    assert_eq!(staff.status, StatusCode::CREATED, "{}", staff.body);
    let intern = t.token_with("intern@demo.test", "intern-password-1").await;

    let s = past_session(&t, &intern).await;
    let sid = s["id"].as_str().expect("id");
    // Counselors work with the groups they facilitate: the director puts the intern on it.
    let intern_staff = staff.json()["id"].as_str().expect("staff id").to_string();
    let assigned = t
        .post_json(
            &format!("/api/v1/sessions/{sid}/facilitators"),
            Auth::Bearer(&director),
            serde_json::json!({ "staff_id": intern_staff }),
        )
        .await;
    assert_eq!(assigned.status, StatusCode::NO_CONTENT, "{}", assigned.body);
    let roster = t
        .get(
            &format!("/api/v1/sessions/{sid}/roster"),
            Auth::Bearer(&intern),
        )
        .await
        .json();
    let first = roster["lines"][0]["patient_id"]
        .as_str()
        .expect("patient")
        .to_string();
    let marked = t
        .put_json(
            &format!("/api/v1/sessions/{sid}/attendance"),
            &intern,
            serde_json::json!([{ "patient_id": first, "mark": "present" }]),
        )
        .await;
    assert_eq!(marked.status, StatusCode::NO_CONTENT, "{}", marked.body);
    let saved = t
        .put_json(
            &format!("/api/v1/sessions/{sid}/note"),
            &intern,
            serde_json::json!({ "topic": "Problem solving", "interventions": "Skills practice.", "group_process": "Engaged.", "entries": [{ "patient_id": first, "participation": "Took part in the role play.", "progress": "Goal 1: progressing." }] }),
        )
        .await;
    let note_id = saved.json()["id"].as_str().expect("note").to_string();
    let signed = t
        .post_json(
            &format!("/api/v1/sessions/{sid}/note/sign"),
            Auth::Bearer(&intern),
            serde_json::json!({}),
        )
        .await;
    assert_eq!(signed.status, StatusCode::NO_CONTENT, "{}", signed.body);

    assert_eq!(
        t.get("/api/v1/cosign-queue", Auth::Bearer(&intern))
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    let queue = t
        .get("/api/v1/cosign-queue", Auth::Bearer(&director))
        .await
        .json();
    assert!(
        queue
            .as_array()
            .expect("queue")
            .iter()
            .any(|n| n["note_id"] == note_id.as_str()),
        "{queue}"
    );
    let chart = t
        .get(
            &format!("/api/v1/patients/{first}/chart"),
            Auth::Bearer(&director),
        )
        .await
        .json();
    let n = chart["notes"]
        .as_array()
        .expect("notes")
        .iter()
        .find(|n| n["note_id"] == note_id.as_str())
        .expect("note")
        .clone();
    assert_eq!(
        (n["cosign_required"].clone(), n["cosigned_at"].clone()),
        (serde_json::json!(true), serde_json::Value::Null)
    );

    let path = format!("/api/v1/notes/{note_id}/cosign");
    let ok = t
        .post_json(
            &path,
            Auth::Bearer(&director),
            serde_json::json!({ "kind": "group" }),
        )
        .await;
    assert_eq!(ok.status, StatusCode::NO_CONTENT, "{}", ok.body);
    let twice = t
        .post_json(
            &path,
            Auth::Bearer(&director),
            serde_json::json!({ "kind": "group" }),
        )
        .await;
    assert_eq!(twice.status, StatusCode::CONFLICT, "{}", twice.body);
    let queue = t
        .get("/api/v1/cosign-queue", Auth::Bearer(&director))
        .await
        .json();
    assert!(!queue
        .as_array()
        .expect("queue")
        .iter()
        .any(|n| n["note_id"] == note_id.as_str()));
    // A counselor who needs no supervision signs without a co-signature.
    let counselor = t.token("counselor@demo.test").await;
    let chart = t
        .get(
            &format!("/api/v1/patients/{first}/chart"),
            Auth::Bearer(&counselor),
        )
        .await
        .json();
    assert!(chart["notes"]
        .as_array()
        .expect("notes")
        .iter()
        .filter(|n| n["note_id"] != note_id.as_str())
        .all(|n| n["cosign_required"] == false));
}

#[tokio::test]
async fn reminders_show_measures_due_and_the_outcome_report_compares_intake_with_latest_by_track() {
    let t = TestApp::new().await;
    let director = t.token("director@demo.test").await;
    let due = t
        .get("/api/v1/clinical-reminders", Auth::Bearer(&director))
        .await
        .json();
    let items = due.as_array().expect("reminders");
    assert!(
        items.iter().any(|d| d["what"] == "PHQ-9, GAD-7 and BAM"),
        "the demo leaves one round overdue: {due}"
    );
    assert!(items.iter().all(|d| d["due"]
        .as_str()
        .is_some_and(|x| x <= today().to_string().as_str())));

    let report = t
        .get("/api/v1/reports/outcomes", Auth::Bearer(&director))
        .await
        .json();
    let phq = report
        .as_array()
        .expect("report")
        .iter()
        .find(|i| i["instrument"] == "phq9")
        .expect("phq9")
        .clone();
    let tracks = phq["by_track"].as_array().expect("tracks");
    assert_eq!(tracks.len(), 2, "{phq}");
    for g in tracks {
        assert!(
            g["mean_latest"].as_f64() < g["mean_intake"].as_f64(),
            "the demo's series improve: {g}"
        );
    }
    let counselor = t.token("counselor@demo.test").await;
    assert_eq!(
        t.get("/api/v1/reports/outcomes", Auth::Bearer(&counselor))
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    let page = t.get("/reports/outcomes", Auth::Bearer(&director)).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Mon/Wed/Thu") && page.body.contains("PHQ-9 total"));
}

/// A counselor with an account and a staff profile but no patients and no groups yet:
/// their token and staff id.
pub async fn solo_counselor(t: &TestApp, director: &str) -> (String, String) {
    let admin = t.token("admin@demo.test").await;
    t.post_json(
        "/api/v1/users",
        Auth::Bearer(&admin),
        serde_json::json!({ "email": "solo@demo.test", "display_name": "Sol Solo", "role": "counselor", "password": "solo-password-12" }),
    )
    .await;
    let staff = t
        .post_json(
            "/api/v1/staff",
            Auth::Bearer(director),
            serde_json::json!({ "display_name": "Sol Solo", "credentials": ["LCSW"], "user_email": "solo@demo.test" }),
        )
        .await;
    let staff_id = staff.json()["id"].as_str().expect("staff id").to_string();
    (
        t.token_with("solo@demo.test", "solo-password-12").await,
        staff_id,
    )
}

#[tokio::test]
async fn a_counselor_works_only_with_their_own_patients_and_groups() {
    let t = TestApp::new().await;
    let director = t.token("director@demo.test").await;
    let (solo, staff_id) = solo_counselor(&t, &director).await;
    let s = past_session(&t, &director).await;
    let sid = s["id"].as_str().expect("id");
    let roster = t
        .get(
            &format!("/api/v1/sessions/{sid}/roster"),
            Auth::Bearer(&director),
        )
        .await
        .json();
    let on_roster = roster["lines"][0]["patient_id"]
        .as_str()
        .expect("patient")
        .to_string();
    let census = t
        .get("/api/v1/census", Auth::Bearer(&director))
        .await
        .json();
    let elsewhere = census[0]["patients"]
        .as_array()
        .expect("patients")
        .iter()
        .find(|p| p["track_id"] != s["track_id"])
        .expect("a patient of the other track")["patient_id"]
        .as_str()
        .expect("id")
        .to_string();

    let get = |path: String| {
        let (t, tok) = (&t, solo.clone());
        async move { t.get(&path, Auth::Bearer(&tok)).await.status }
    };
    assert_eq!(
        get(format!("/api/v1/sessions/{sid}/roster")).await,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        get(format!("/api/v1/patients/{on_roster}/chart")).await,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        get(format!("/api/v1/patients/{on_roster}/measures")).await,
        StatusCode::FORBIDDEN
    );

    let assigned = t
        .post_json(
            &format!("/api/v1/sessions/{sid}/facilitators"),
            Auth::Bearer(&director),
            serde_json::json!({ "staff_id": staff_id }),
        )
        .await;
    assert_eq!(assigned.status, StatusCode::NO_CONTENT, "{}", assigned.body);
    assert_eq!(
        get(format!("/api/v1/sessions/{sid}/roster")).await,
        StatusCode::OK
    );
    assert_eq!(
        get(format!("/api/v1/patients/{on_roster}/chart")).await,
        StatusCode::OK,
        "a patient of a group they facilitate"
    );
    assert_eq!(
        get(format!("/api/v1/patients/{elsewhere}/chart")).await,
        StatusCode::FORBIDDEN,
        "a patient of another track, not theirs"
    );
    assert_eq!(
        t.get(
            &format!("/api/v1/patients/{elsewhere}/chart"),
            Auth::Bearer(&director)
        )
        .await
        .status,
        StatusCode::OK,
        "directors see everyone"
    );
}

#[tokio::test]
async fn the_facilitators_dashboard_lists_groups_whose_note_is_not_signed() {
    let t = TestApp::new().await;
    let counselor = t.token("counselor@demo.test").await;
    // Last week's groups are left undocumented by the demo.
    let s = past_session(&t, &counselor).await;
    let sid = s["id"].as_str().expect("id");
    let b = t.login("counselor@demo.test").await;
    let page = t.get("/dashboard", Auth::Cookie(&b)).await.body;
    assert!(
        page.contains("Notes to write") && page.contains(&format!("/sessions/{sid}")),
        "{page}"
    );
    let billing = t.login("billing@demo.test").await;
    assert!(!t
        .get("/dashboard", Auth::Cookie(&billing))
        .await
        .body
        .contains("Notes to write"));
}

#[tokio::test]
async fn a_counselor_changes_no_episode_outside_their_caseload() {
    let t = TestApp::new().await;
    let director = t.token("director@demo.test").await;
    let (solo, _) = solo_counselor(&t, &director).await;
    let census = t
        .get("/api/v1/census", Auth::Bearer(&director))
        .await
        .json();
    let patient = &census[0]["patients"][0];
    let episode = patient["episode_id"].as_str().expect("episode").to_string();
    let track = patient["track_id"].as_str().expect("track").to_string();
    let today = crate::common::now_zoned().date().to_string();
    let later = crate::common::now_zoned()
        .date()
        .checked_add(jiff::Span::new().days(90))
        .expect("date")
        .to_string();
    for (action, body) in [
        (
            "discharge",
            serde_json::json!({ "reason": "administrative", "summary": "x", "on": today }),
        ),
        (
            "extend",
            serde_json::json!({ "until": later, "reason": "clinical review" }),
        ),
        (
            "transfer",
            serde_json::json!({ "track_id": track, "from": today }),
        ),
        ("graduate", serde_json::json!({ "on": today })),
    ] {
        let res = t
            .post_json(
                &format!("/api/v1/episodes/{episode}/{action}"),
                Auth::Bearer(&solo),
                body,
            )
            .await;
        assert_eq!(res.status, StatusCode::FORBIDDEN, "{action}: {}", res.body);
    }
    assert_eq!(
        t.get(
            &format!("/api/v1/episodes/{episode}/eligibility"),
            Auth::Bearer(&solo)
        )
        .await
        .status,
        StatusCode::FORBIDDEN
    );
    let still = t
        .get("/api/v1/census", Auth::Bearer(&director))
        .await
        .json();
    assert_eq!(
        still[0]["patients"][0]["episode_id"], census[0]["patients"][0]["episode_id"],
        "the episode is unchanged and still active"
    );
    assert_eq!(
        t.get(
            &format!("/api/v1/episodes/{episode}/eligibility"),
            Auth::Bearer(&director)
        )
        .await
        .status,
        StatusCode::OK
    );
}
