//! Privacy and security over HTTP: caseload, audited refusals and lists, least privilege.

use crate::common::{Auth, TestApp};
use crate::supervision::solo_counselor;
use axum::http::StatusCode;
use iop_app::clinical::notes::NoteInput;
use iop_app::testing::query_text;
use iop_app::{AppError, Ctx, RequestMeta};
use iop_domain::ids::SessionId;

async fn audit(t: &TestApp, query: &str) -> Vec<serde_json::Value> {
    let admin = t.token("admin@demo.test").await;
    let res = t
        .get(
            &format!("/api/v1/audit-events?{query}"),
            Auth::Bearer(&admin),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    res.json().as_array().expect("rows").clone()
}

fn census_patients(census: &serde_json::Value) -> Vec<String> {
    census
        .as_array()
        .expect("programs")
        .iter()
        .flat_map(|p| p["patients"].as_array().cloned().unwrap_or_default())
        .map(|e| e["patient_id"].as_str().expect("id").to_string())
        .collect()
}

#[tokio::test]
async fn an_unassigned_counselors_discharge_is_refused_and_audited_as_denied() {
    let t = TestApp::new().await;
    let director = t.token("director@demo.test").await;
    let (solo, _) = solo_counselor(&t, &director).await;
    let census = t
        .get("/api/v1/census", Auth::Bearer(&director))
        .await
        .json();
    let patient = &census[0]["patients"][0];
    let episode = patient["episode_id"].as_str().expect("episode");
    let patient_id = patient["patient_id"].as_str().expect("patient");
    let today = crate::common::now_zoned().date().to_string();
    let path = format!("/api/v1/episodes/{episode}/discharge");
    for _ in 0..3 {
        let res = t
            .post_json(
                &path,
                Auth::Bearer(&solo),
                serde_json::json!({ "reason": "administrative", "summary": "x", "on": today }),
            )
            .await;
        assert_eq!(res.status, StatusCode::FORBIDDEN, "{}", res.body);
    }
    let denied = audit(&t, "action=access.denied").await;
    let row = denied
        .iter()
        .find(|r| r["subject"] == path.as_str())
        .expect("the refusal is in the trail");
    assert_eq!(row["outcome"], "denied");
    assert_eq!(row["patient_id"], patient_id);
    assert_eq!(
        denied
            .iter()
            .filter(|r| r["subject"] == path.as_str())
            .count(),
        3
    );

    // A refusal by role is audited too.
    let billing = t.token("billing@demo.test").await;
    let chart = format!("/api/v1/patients/{patient_id}/chart");
    assert_eq!(
        t.get(&chart, Auth::Bearer(&billing)).await.status,
        StatusCode::FORBIDDEN
    );
    assert!(audit(&t, "action=access.denied")
        .await
        .iter()
        .any(|r| r["subject"] == chart.as_str()));

    // Three refusals in a day put the account on the admin's dashboard.
    let admin = t.login("admin@demo.test").await;
    let page = t.get("/dashboard", Auth::Cookie(&admin)).await.body;
    assert!(
        page.contains("Refused access in the last 24 hours")
            && page.contains("Sol Solo</a>: refused 3 times"),
        "{page}"
    );
}

#[tokio::test]
async fn the_admin_runs_the_organisation_but_reads_no_837_claim_or_statement() {
    let t = TestApp::new().await;
    let billing = t.token("billing@demo.test").await;
    let admin = t.token("admin@demo.test").await;
    let batches = t
        .get("/api/v1/claim-batches", Auth::Bearer(&billing))
        .await
        .json();
    let batch = batches[0]["id"].as_str().expect("the demo sent a batch");
    let file = format!("/api/v1/claim-batches/{batch}/837");
    assert_eq!(
        t.get(&file, Auth::Bearer(&billing)).await.status,
        StatusCode::OK
    );
    for path in [
        file.as_str(),
        "/api/v1/claims",
        "/api/v1/charges",
        "/api/v1/receivables",
    ] {
        assert_eq!(
            t.get(path, Auth::Bearer(&admin)).await.status,
            StatusCode::FORBIDDEN,
            "{path}"
        );
    }
    let b = t.login("admin@demo.test").await;
    assert_eq!(
        t.get(&format!("/billing/batches/{batch}/837"), Auth::Cookie(&b))
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        t.get("/api/v1/payers", Auth::Bearer(&admin)).await.status,
        StatusCode::OK,
        "payers and contracts carry no patient data"
    );
}

#[tokio::test]
async fn a_counselors_census_lists_only_their_caseload_and_the_read_is_audited() {
    let t = TestApp::new().await;
    let director = t.token("director@demo.test").await;
    let (solo, staff_id) = solo_counselor(&t, &director).await;
    let all = census_patients(
        &t.get("/api/v1/census", Auth::Bearer(&director))
            .await
            .json(),
    );
    assert!(all.len() > 3);
    assert!(
        census_patients(&t.get("/api/v1/census", Auth::Bearer(&solo)).await.json()).is_empty(),
        "no caseload yet: no patients"
    );

    // An individual session puts one patient on their caseload, and only that one.
    let patient = &all[0];
    let times = t
        .get(
            &format!("/api/v1/patients/{patient}/appointment-times?staff_id={staff_id}&minutes=50"),
            Auth::Bearer(&director),
        )
        .await
        .json();
    let first = times[0].as_str().expect("a free time");
    let booked = t
        .post_json(
            "/api/v1/appointments",
            Auth::Bearer(&director),
            serde_json::json!({ "patient_id": patient, "staff_id": staff_id, "starts": first, "minutes": 50 }),
        )
        .await;
    assert_eq!(booked.status, StatusCode::CREATED, "{}", booked.body);
    assert_eq!(
        census_patients(&t.get("/api/v1/census", Auth::Bearer(&solo)).await.json()),
        vec![patient.clone()]
    );
    let reads = audit(&t, "action=census.read").await;
    assert!(
        reads
            .iter()
            .any(|r| r["detail"].to_string().contains(patient.as_str())),
        "{reads:?}"
    );
}

/// Runs a use case as the holder of `token` at the instant `now` (the clock is a parameter).
async fn at<T: Send + 'static>(
    t: &TestApp,
    token: &str,
    now: jiff::Timestamp,
    f: impl FnOnce(&iop_app::App, &Ctx) -> Result<T, iop_app::AppError> + Send + 'static,
) -> Result<T, iop_app::AppError> {
    let (app, token) = (t.app.clone(), token.to_string());
    tokio::task::spawn_blocking(move || {
        let actor = app
            .token_actor(&RequestMeta::cli(crate::common::now()), &token)?
            .expect("a valid token");
        f(&app, &Ctx::staff(actor, RequestMeta::cli(now)))
    })
    .await
    .expect("join")
}

#[tokio::test]
async fn a_family_group_facilitator_sees_the_session_only_in_its_window_and_never_the_chart() {
    let t = TestApp::new().await;
    let director = t.token("director@demo.test").await;
    let (solo, staff_id) = solo_counselor(&t, &director).await;
    let (_, (ahead, _)) = crate::family::family_sessions(&t, &director).await;
    let res = t
        .post_json(
            &format!("/api/v1/sessions/{ahead}/facilitators"),
            Auth::Bearer(&director),
            serde_json::json!({ "staff_id": staff_id }),
        )
        .await;
    assert_eq!(res.status, StatusCode::NO_CONTENT, "{}", res.body);
    let sql = format!("SELECT starts_at AS value FROM sessions WHERE id = '{ahead}'");
    let starts: jiff::Timestamp = query_text(&t.app, &sql).expect("start")[0]
        .parse()
        .expect("instant");
    let sid: SessionId = ahead.parse::<uuid::Uuid>().expect("id").into();
    let hours = |h: i64| starts + jiff::SignedDuration::from_hours(h);
    let roster = |now| at(&t, &solo, now, move |app, ctx| app.roster(ctx, sid));

    assert!(
        matches!(roster(hours(-25)).await, Err(AppError::OutOfScope { .. })),
        "more than 24 hours before it starts"
    );
    let open = roster(hours(-23)).await.expect("open 23 hours before");
    let patient = open.lines[0].patient_id;
    assert!(
        matches!(
            at(&t, &solo, hours(-23), move |app, ctx| app
                .chart(ctx, patient, None))
            .await,
            Err(AppError::OutOfScope { .. })
        ),
        "a family group opens no chart"
    );
    assert_eq!(
        t.get(
            &format!("/api/v1/patients/{patient}/chart"),
            Auth::Bearer(&solo)
        )
        .await
        .status,
        StatusCode::FORBIDDEN
    );
    roster(hours(4))
        .await
        .expect("open after the group, until the note is signed");

    let note = NoteInput {
        topic: "Healthy relationships".into(),
        interventions: "Family systems psychoeducation.".into(),
        group_process: "Open.".into(),
        entries: Vec::new(),
    };
    at(&t, &director, hours(4), move |app, ctx| {
        app.save_group_note(ctx, sid, note)?;
        app.sign_group_note(ctx, sid, false)
    })
    .await
    .expect("the director signs the note");
    assert!(
        matches!(roster(hours(5)).await, Err(AppError::OutOfScope { .. })),
        "closed once its note is signed"
    );
}
