//! The episode after admission over HTTP: discharge, graduation, extension and the funnel.

use crate::admissions::{admission, placement, screened, today};
use crate::common::{Auth, TestApp};
use axum::http::StatusCode;
use iop_app::testing::{execute_sql, query_text};

#[tokio::test]
async fn discharge_drops_the_patient_from_future_rosters_and_graduation_needs_confirmation() {
    let t = TestApp::new().await;
    let adm = t.token("admissions@demo.test").await;
    let (program, track, counselor) = placement(&t, &adm).await;
    let id = screened(&t, &adm, "Leaving").await;
    let admitted = t
        .post_json(
            &format!("/api/v1/inquiries/{id}/admit"),
            Auth::Bearer(&adm),
            admission(&program, &track, &counselor, "Leaving"),
        )
        .await
        .json();
    let episode = admitted["episode_id"]
        .as_str()
        .expect("episode")
        .to_string();
    let director = t.token("director@demo.test").await;
    let eligibility = t
        .get(
            &format!("/api/v1/episodes/{episode}/eligibility"),
            Auth::Bearer(&director),
        )
        .await
        .json();
    assert_eq!(eligibility["eligible"], false);
    let rule = |name: &str| {
        eligibility["rules"]
            .as_array()
            .expect("rules")
            .iter()
            .find(|r| r["name"] == name)
            .map(|r| r["result"].clone())
            .expect("rule")
    };
    assert_eq!(rule("minimum length")["status"], "not_met", "{eligibility}");
    assert_eq!(
        rule("relapse prevention plan signed")["detail"],
        "there is no relapse prevention plan"
    );
    let counselor_token = t.token("counselor@demo.test").await;
    let refused = t
        .post_json(
            &format!("/api/v1/episodes/{episode}/graduate"),
            Auth::Bearer(&counselor_token),
            serde_json::json!({ "on": today().to_string() }),
        )
        .await;
    assert_eq!(refused.status, StatusCode::CONFLICT, "{}", refused.body);

    let bad = t
        .post_json(
            &format!("/api/v1/episodes/{episode}/discharge"),
            Auth::Bearer(&director),
            serde_json::json!({ "reason": "bored", "summary": "x", "on": today().to_string() }),
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    let tomorrow = today()
        .checked_add(jiff::Span::new().days(1))
        .expect("date");
    let done = t
        .post_json(&format!("/api/v1/episodes/{episode}/discharge"), Auth::Bearer(&director), serde_json::json!({ "reason": "ama", "summary": "Left the program after two sessions.", "on": tomorrow.to_string() }))
        .await;
    assert_eq!(done.status, StatusCode::NO_CONTENT, "{}", done.body);
    let to = today()
        .checked_add(jiff::Span::new().weeks(3))
        .expect("date");
    let sessions = t
        .get(
            &format!("/api/v1/sessions?from={tomorrow}&to={to}"),
            Auth::Bearer(&director),
        )
        .await
        .json();
    let mwt: Vec<&serde_json::Value> = sessions
        .as_array()
        .expect("array")
        .iter()
        .filter(|s| s["track_id"] == track.as_str() && s["status"] == "scheduled")
        .collect();
    assert!(
        mwt.iter().all(|s| s["expected_roster"] == 5),
        "back to the demo's five: {mwt:?}"
    );
    let again = t
        .post_json(
            &format!("/api/v1/episodes/{episode}/discharge"),
            Auth::Bearer(&director),
            serde_json::json!({ "reason": "ama", "summary": "again", "on": tomorrow.to_string() }),
        )
        .await;
    assert_eq!(again.status, StatusCode::CONFLICT);
}

#[tokio::test]
async fn an_episode_at_its_maximum_length_is_flagged_for_review_and_an_extension_clears_it() {
    let t = TestApp::new().await;
    let director = t.token("director@demo.test").await;
    // A demo patient admitted ten weeks ago: past the nine-week maximum.
    let app = t.app.clone();
    let episode = tokio::task::spawn_blocking(move || {
        let ids = query_text(
            &app,
            "SELECT e.id AS value FROM episodes e JOIN programs p ON p.id = e.program_id \
             WHERE e.status = 'active' ORDER BY p.created_at, e.admit_date, e.id",
        )?;
        let ep = ids.into_iter().next().ok_or("no active episode")?;
        let ten_weeks_ago = (today() - jiff::Span::new().weeks(10)).to_string();
        let two_weeks_ago = (today() - jiff::Span::new().weeks(2)).to_string();
        execute_sql(&app, &[&format!("UPDATE episodes SET admit_date = '{ten_weeks_ago}', planned_end_date = '{two_weeks_ago}' WHERE id = '{ep}'")])?;
        Ok::<_, String>(ep)
    })
    .await
    .expect("join")
    .expect("episode");
    let census = t
        .get("/api/v1/census", Auth::Bearer(&director))
        .await
        .json();
    let entry = census[0]["patients"]
        .as_array()
        .expect("patients")
        .iter()
        .find(|e| e["episode_id"] == episode.as_str())
        .expect("entry")
        .clone();
    assert_eq!(entry["needs_review"], true, "{entry}");
    let short = t
        .post_json(
            &format!("/api/v1/episodes/{episode}/extend"),
            Auth::Bearer(&director),
            serde_json::json!({ "until": today().to_string(), "reason": "" }),
        )
        .await;
    assert_eq!(short.status, StatusCode::UNPROCESSABLE_ENTITY);
    let until = today()
        .checked_add(jiff::Span::new().weeks(2))
        .expect("date");
    let ok = t.post_json(&format!("/api/v1/episodes/{episode}/extend"), Auth::Bearer(&director), serde_json::json!({ "until": until.to_string(), "reason": "Needs two more weeks to finish the relapse prevention plan." })).await;
    assert_eq!(ok.status, StatusCode::NO_CONTENT, "{}", ok.body);
    let census = t
        .get("/api/v1/census", Auth::Bearer(&director))
        .await
        .json();
    let entry = census[0]["patients"]
        .as_array()
        .expect("patients")
        .iter()
        .find(|e| e["episode_id"] == episode.as_str())
        .expect("entry")
        .clone();
    assert_eq!(entry["needs_review"], false, "{entry}");
    assert_eq!(entry["planned_end_date"], until.to_string());
    let b = t.login("admissions@demo.test").await;
    let page = t.get("/census", Auth::Cookie(&b)).await;
    assert!(
        !page.body.contains("Patients in treatment"),
        "admissions sees counts, not the patient list"
    );
}

#[tokio::test]
async fn days_from_first_contact_to_the_first_attended_session_reach_the_funnel() {
    let t = TestApp::new().await;
    let adm = t.token("admissions@demo.test").await;
    let (program, track, counselor) = placement(&t, &adm).await;
    let id = screened(&t, &adm, "Timing").await;
    let mut a = admission(&program, &track, &counselor, "Timing");
    let admit = today()
        .checked_sub(jiff::Span::new().days(10))
        .expect("date");
    a["admit_date"] = admit.to_string().into();
    let admitted = t
        .post_json(
            &format!("/api/v1/inquiries/{id}/admit"),
            Auth::Bearer(&adm),
            a,
        )
        .await;
    assert_eq!(admitted.status, StatusCode::CREATED, "{}", admitted.body);
    let patient = admitted.json()["patient_id"]
        .as_str()
        .expect("patient")
        .to_string();
    // The first call came two days before the admission.
    let contact = admit.checked_sub(jiff::Span::new().days(2)).expect("date");
    let app = t.app.clone();
    let (iid, at) = (id.clone(), format!("{contact}T15:00:00.000000Z"));
    tokio::task::spawn_blocking(move || {
        execute_sql(
            &app,
            &[
                // Only this admission is measured: the demo's own cases are unlinked.
                &format!("UPDATE episodes SET inquiry_id = NULL WHERE inquiry_id <> '{iid}'"),
                &format!("UPDATE inquiries SET first_contact_at = '{at}' WHERE id = '{iid}'"),
            ],
        )
    })
    .await
    .expect("join")
    .expect("update");
    // The clinical director takes attendance: counselors only document their own groups.
    let counselor_token = t.token("director@demo.test").await;
    let sessions = t
        .get(
            &format!("/api/v1/sessions?from={admit}&to={}", today()),
            Auth::Bearer(&counselor_token),
        )
        .await
        .json();
    let attended: Vec<&serde_json::Value> = sessions
        .as_array()
        .expect("array")
        .iter()
        .filter(|s| {
            s["track_id"] == track.as_str() && s["kind"] == "core" && s["status"] != "cancelled"
        })
        .take(2)
        .collect();
    assert_eq!(attended.len(), 2);
    // Absent at the first group, present at the second.
    for (s, mark) in attended.iter().zip(["absent_unexcused", "present"]) {
        let res = t
            .put_json(
                &format!(
                    "/api/v1/sessions/{}/attendance",
                    s["id"].as_str().expect("id")
                ),
                &counselor_token,
                serde_json::json!([{ "patient_id": patient, "mark": mark }]),
            )
            .await;
        assert_eq!(res.status, StatusCode::NO_CONTENT, "{}", res.body);
    }
    let second: jiff::civil::Date = attended[1]["local_date"]
        .as_str()
        .expect("date")
        .parse()
        .expect("date");
    let funnel = t.get("/api/v1/funnel", Auth::Bearer(&adm)).await.json();
    assert_eq!(funnel["measured"], 1, "{funnel}");
    assert_eq!(
        funnel["days_to_first_session_median"],
        (second - contact).get_days(),
        "{funnel}"
    );
}

#[tokio::test]
async fn the_funnel_counts_only_the_inquiries_first_contacted_in_its_period() {
    let t = TestApp::new().await;
    let adm = t.token("admissions@demo.test").await;
    let id = screened(&t, &adm, "Earlier").await;
    // First contact 120 days ago: outside the default 90 days, inside a wider period.
    let contact = today()
        .checked_sub(jiff::Span::new().days(120))
        .expect("date");
    let wider = contact
        .checked_sub(jiff::Span::new().days(1))
        .expect("date");
    let wide = format!("/api/v1/funnel?since={wider}");
    let before = t.get("/api/v1/funnel", Auth::Bearer(&adm)).await.json();
    let before_wide = t.get(&wide, Auth::Bearer(&adm)).await.json();
    let app = t.app.clone();
    let sql = format!(
        "UPDATE inquiries SET first_contact_at = '{contact}T15:00:00.000000Z' WHERE id = '{id}'"
    );
    tokio::task::spawn_blocking(move || execute_sql(&app, &[&sql]))
        .await
        .expect("join")
        .expect("update");
    let default = t.get("/api/v1/funnel", Auth::Bearer(&adm)).await.json();
    assert_eq!(
        default["inquiries"].as_u64(),
        before["inquiries"].as_u64().map(|n| n - 1),
        "{default}"
    );
    let since: jiff::civil::Date = default["since"]
        .as_str()
        .expect("since")
        .parse()
        .expect("day");
    let days = (today() - since).get_days();
    assert!((89..=91).contains(&days), "default period {days} days");
    let all = t.get(&wide, Auth::Bearer(&adm)).await.json();
    assert_eq!(all["inquiries"], before_wide["inquiries"], "{all}");
    let bad = t
        .get("/api/v1/funnel?since=last-spring", Auth::Bearer(&adm))
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", bad.body);
}

#[tokio::test]
async fn the_episode_page_offers_its_actions_only_to_who_may_take_them() {
    let t = TestApp::new().await;
    let (_, episode) = t.first_census_patient().await;
    let path = format!("/episodes/{episode}");
    let as_director = t.login("director@demo.test").await;
    let page = t.get(&path, Auth::Cookie(&as_director)).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.body.contains("Graduation checklist") && page.body.contains(">Discharge</button>")
    );
    let as_admissions = t.login("admissions@demo.test").await;
    let page = t.get(&path, Auth::Cookie(&as_admissions)).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.body.contains("Graduation checklist") && !page.body.contains(">Discharge</button>"),
        "admissions reads the checklist but is offered no action it may not take"
    );
}
