//! From the first call to admission, graduation or discharge, over HTTP on the demo.
use diesel::RunQueryDsl;

use crate::common::{Auth, TestApp};
use axum::http::StatusCode;

fn today() -> jiff::civil::Date {
    jiff::Timestamp::now()
        .to_zoned(jiff::tz::TimeZone::get("America/Kentucky/Louisville").expect("tz"))
        .date()
}

async fn new_inquiry(t: &TestApp, token: &str, first: &str) -> String {
    let res = t.post_json("/api/v1/inquiries", Auth::Bearer(token), serde_json::json!({ "channel": "phone", "first_name": first, "phone": "(502) 555-0199" })).await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.body);
    res.json()["id"].as_str().expect("id").to_string()
}

async fn screened(t: &TestApp, token: &str, first: &str) -> String {
    let id = new_inquiry(t, token, first).await;
    let res = t
        .post_json(
            &format!("/api/v1/inquiries/{id}/screening"),
            Auth::Bearer(token),
            serde_json::json!({ "substances": ["alcohol"], "withdrawal_risk": "low" }),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    assert_eq!(res.json()["disposition"], "proceed");
    id
}

/// (program id, Mon/Wed/Thu track id, a counselor's staff id)
async fn placement(t: &TestApp, token: &str) -> (String, String, String) {
    let director = t.token("director@demo.test").await;
    let programs = t.get("/api/v1/programs", Auth::Bearer(token)).await.json();
    let track = programs[0]["tracks"]
        .as_array()
        .expect("tracks")
        .iter()
        .find(|t| t["name"] == "Mon/Wed/Thu")
        .expect("track")["id"]
        .as_str()
        .expect("id")
        .to_string();
    let staff = t.get("/api/v1/staff", Auth::Bearer(&director)).await.json();
    (
        programs[0]["id"].as_str().expect("id").to_string(),
        track,
        staff[0]["id"].as_str().expect("id").to_string(),
    )
}

fn admission(program: &str, track: &str, counselor: &str, last: &str) -> serde_json::Value {
    serde_json::json!({
        "legal_first_name": "Test", "legal_last_name": last, "date_of_birth": "1988-04-02", "phone": "(502) 555-0101",
        "emergency_contact_name": "A Friend", "emergency_contact_phone": "(502) 555-0102", "program_id": program, "track_id": track,
        "admit_date": today().to_string(), "primary_counselor_id": counselor, "diagnoses": ["F10.20"]
    })
}

#[tokio::test]
async fn a_seventh_patient_on_a_one_facilitator_track_is_refused_naming_the_sessions_until_a_second_is_assigned(
) {
    let t = TestApp::new().await;
    let adm = t.token("admissions@demo.test").await;
    let (program, track, counselor) = placement(&t, &adm).await;
    // The demo's Mon/Wed/Thu track has five patients and one facilitator: a sixth fits.
    let sixth = screened(&t, &adm, "Six").await;
    let ok = t
        .post_json(
            &format!("/api/v1/inquiries/{sixth}/admit"),
            Auth::Bearer(&adm),
            admission(&program, &track, &counselor, "Sixth"),
        )
        .await;
    assert_eq!(ok.status, StatusCode::CREATED, "{}", ok.body);
    assert!(ok.json()["mrn"]
        .as_str()
        .is_some_and(|m| m.starts_with("MRN")));

    let seventh = screened(&t, &adm, "Seven").await;
    let refused = t
        .post_json(
            &format!("/api/v1/inquiries/{seventh}/admit"),
            Auth::Bearer(&adm),
            admission(&program, &track, &counselor, "Seventh"),
        )
        .await;
    assert_eq!(refused.status, StatusCode::CONFLICT, "{}", refused.body);
    let detail = refused.json()["detail"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    assert!(
        detail.contains("Mon/Wed/Thu core group on")
            && detail.contains("(session ")
            && detail.contains("1 more facilitator"),
        "{detail}"
    );
    let override_by_admissions = {
        let mut a = admission(&program, &track, &counselor, "Seventh");
        a["ratio_override_reason"] = "we are short".into();
        t.post_json(
            &format!("/api/v1/inquiries/{seventh}/admit"),
            Auth::Bearer(&adm),
            a,
        )
        .await
    };
    assert_eq!(
        override_by_admissions.status,
        StatusCode::FORBIDDEN,
        "only a clinical director overrides"
    );

    // A second facilitator on the track's groups, then the same admission succeeds.
    let director = t.token("director@demo.test").await;
    let staff = t.get("/api/v1/staff", Auth::Bearer(&director)).await.json();
    let morgan = staff
        .as_array()
        .expect("array")
        .iter()
        .find(|s| s["display_name"] == "Morgan Lee")
        .expect("morgan")["id"]
        .as_str()
        .expect("id")
        .to_string();
    let to = today()
        .checked_add(jiff::Span::new().weeks(12))
        .expect("date");
    let bulk = t
        .post_json("/api/v1/staffing/bulk", Auth::Bearer(&director), serde_json::json!({ "staff_id": morgan, "program_id": program, "track_id": track, "kind": "core", "from": today().to_string(), "to": to.to_string() }))
        .await;
    assert_eq!(bulk.status, StatusCode::OK, "{}", bulk.body);
    let admitted = t
        .post_json(
            &format!("/api/v1/inquiries/{seventh}/admit"),
            Auth::Bearer(&adm),
            admission(&program, &track, &counselor, "Seventh"),
        )
        .await;
    assert_eq!(admitted.status, StatusCode::CREATED, "{}", admitted.body);

    // Both are on the track's next session roster: 5 + 2.
    let from = today().to_string();
    let sessions = t
        .get(
            &format!("/api/v1/sessions?from={from}&to={to}"),
            Auth::Bearer(&adm),
        )
        .await
        .json();
    let next = sessions
        .as_array()
        .expect("array")
        .iter()
        .find(|s| s["track_id"] == track.as_str() && s["status"] == "scheduled")
        .expect("next session");
    assert_eq!(next["expected_roster"], 7);
}

#[tokio::test]
async fn a_detox_screening_ends_referred_out_with_its_reason_and_creates_no_patient() {
    let t = TestApp::new().await;
    let adm = t.token("admissions@demo.test").await;
    let census_before =
        t.get("/api/v1/census", Auth::Bearer(&adm)).await.json()[0]["active"].clone();
    let id = new_inquiry(&t, &adm, "Detox").await;
    let res = t
        .post_json(
            &format!("/api/v1/inquiries/{id}/screening"),
            Auth::Bearer(&adm),
            serde_json::json!({ "substances": ["alcohol"], "withdrawal_risk": "severe" }),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    assert_eq!(res.json()["disposition"], "refer_to_detox");
    let inquiry = t
        .get(&format!("/api/v1/inquiries/{id}"), Auth::Bearer(&adm))
        .await
        .json();
    assert_eq!(inquiry["status"], "referred_out");
    assert!(
        inquiry["status_reason"]
            .as_str()
            .is_some_and(|r| r.contains("detox")),
        "{inquiry}"
    );
    assert!(inquiry["patient_id"].is_null());
    assert_eq!(
        t.get("/api/v1/census", Auth::Bearer(&adm)).await.json()[0]["active"],
        census_before
    );
    let (program, track, counselor) = placement(&t, &adm).await;
    let admit = t
        .post_json(
            &format!("/api/v1/inquiries/{id}/admit"),
            Auth::Bearer(&adm),
            admission(&program, &track, &counselor, "Detox"),
        )
        .await;
    assert_eq!(
        admit.status,
        StatusCode::CONFLICT,
        "a referred-out inquiry cannot be admitted"
    );
    let funnel = t.get("/api/v1/funnel", Auth::Bearer(&adm)).await.json();
    assert_eq!(funnel["referred_out_by_reason"][0][0], "referred to detox");
}

#[tokio::test]
async fn danger_to_self_brings_up_the_crisis_protocol_with_988() {
    let t = TestApp::new().await;
    let adm = t.token("admissions@demo.test").await;
    let id = new_inquiry(&t, &adm, "Crisis").await;
    let res = t
        .post_json(
            &format!("/api/v1/inquiries/{id}/screening"),
            Auth::Bearer(&adm),
            serde_json::json!({ "withdrawal_risk": "none", "danger_to_self": true }),
        )
        .await;
    assert_eq!(res.json()["disposition"], "crisis_protocol");
    let b = t.login("admissions@demo.test").await;
    let page = t.get(&format!("/admissions/{id}"), Auth::Cookie(&b)).await;
    assert!(
        page.body.contains("Crisis protocol") && page.body.contains("988"),
        "{}",
        page.body
    );
}

#[tokio::test]
async fn bad_admission_input_is_refused_with_reasons_and_stores_nothing() {
    let t = TestApp::new().await;
    let adm = t.token("admissions@demo.test").await;
    let (program, track, counselor) = placement(&t, &adm).await;
    let id = screened(&t, &adm, "Careful").await;
    for (field, value, says) in [
        ("diagnoses", serde_json::json!(["F32.9"]), "F10–F19"),
        ("diagnoses", serde_json::json!([]), "at least one diagnosis"),
        (
            "date_of_birth",
            serde_json::json!("yesterday"),
            "date of birth",
        ),
        ("phone", serde_json::json!("12"), "7 to 15 digits"),
        (
            "admit_date",
            serde_json::json!("2020-01-01"),
            "admit date must be between",
        ),
    ] {
        let mut a = admission(&program, &track, &counselor, "Careful");
        a[field] = value;
        let res = t
            .post_json(
                &format!("/api/v1/inquiries/{id}/admit"),
                Auth::Bearer(&adm),
                a,
            )
            .await;
        assert_eq!(
            res.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{field}: {}",
            res.body
        );
        assert!(res.body.contains(says), "{field}: {}", res.body);
    }
    let inquiry = t
        .get(&format!("/api/v1/inquiries/{id}"), Auth::Bearer(&adm))
        .await
        .json();
    assert_eq!(inquiry["status"], "screened", "nothing changed");
    let billing = t.token("billing@demo.test").await;
    assert_eq!(
        t.get("/api/v1/inquiries", Auth::Bearer(&billing))
            .await
            .status,
        StatusCode::FORBIDDEN
    );
}

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
    assert!(
        eligibility["rules"]
            .as_array()
            .expect("rules")
            .iter()
            .any(|r| r["result"]["status"] == "not_yet_recorded"),
        "{eligibility}"
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
async fn the_public_page_shows_the_program_and_the_call_back_form_reveals_nothing() {
    let t = TestApp::new().await;
    let page = t.get("/programs/evening-iop", Auth::None).await;
    assert_eq!(page.status, StatusCode::OK);
    for fact in [
        "18:00",
        "7 to 9 weeks",
        "alumni group at no cost",
        "commercial insurance and self-pay",
        "(502) 555-0142",
        "never more than 6",
    ] {
        assert!(page.body.contains(fact), "{fact}: {}", page.body);
    }
    assert_eq!(
        t.get("/programs/no-such-program", Auth::None).await.status,
        StatusCode::NOT_FOUND
    );
    let form = [
        ("first_name", "Robin"),
        ("phone", "(502) 555-0177"),
        ("best_time", "evenings"),
        ("may_leave_message", "yes"),
    ];
    let res = t
        .post_form("/programs/evening-iop/callback", Auth::None, &form)
        .await;
    assert_eq!(res.status, StatusCode::OK);
    assert!(
        res.body.contains("We received your request") && !res.body.contains("Robin"),
        "{}",
        res.body
    );
    let adm = t.token("admissions@demo.test").await;
    let found = t
        .get("/api/v1/inquiries?q=Robin", Auth::Bearer(&adm))
        .await
        .json();
    assert_eq!(found.as_array().map(Vec::len), Some(1));
    assert_eq!(found[0]["channel"], "web");

    // A robot fills the hidden field: the same answer, nothing stored.
    let bot = [
        ("first_name", "Bot"),
        ("phone", "(502) 555-0178"),
        ("website", "http://spam.example"),
    ];
    let res = t
        .post_form("/programs/evening-iop/callback", Auth::None, &bot)
        .await;
    assert!(res.body.contains("We received your request"));
    assert_eq!(
        t.get("/api/v1/inquiries?q=Bot", Auth::Bearer(&adm))
            .await
            .json()
            .as_array()
            .map(Vec::len),
        Some(0)
    );

    let bad = t
        .post_form(
            "/programs/evening-iop/callback",
            Auth::None,
            &[("first_name", "X"), ("phone", "call me")],
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    // Rate limit: five requests an hour from one address (one was stored above).
    let mut last = StatusCode::OK;
    for _ in 0..5 {
        last = t
            .post_form("/programs/evening-iop/callback", Auth::None, &form)
            .await
            .status;
    }
    assert_eq!(last, StatusCode::TOO_MANY_REQUESTS);
}

#[tokio::test]
async fn an_episode_at_its_maximum_length_is_flagged_for_review_and_an_extension_clears_it() {
    let t = TestApp::new().await;
    let director = t.token("director@demo.test").await;
    // A demo patient admitted ten weeks ago: past the nine-week maximum.
    let app = t.app.clone();
    let episode = tokio::task::spawn_blocking(move || {
        app.store.write(|c| {
            let program = iop_store::org::programs(c)?.remove(0);
            let (ep, _) = iop_store::episodes::episodes_with_patients(c, &program.id)?.into_iter().find(|(e, _)| e.status == "active").expect("active episode");
            let ten_weeks_ago = (today() - jiff::Span::new().weeks(10)).to_string();
            let two_weeks_ago = (today() - jiff::Span::new().weeks(2)).to_string();
            diesel::sql_query(format!("UPDATE episodes SET admit_date = '{ten_weeks_ago}', planned_end_date = '{two_weeks_ago}' WHERE id = '{}'", ep.id))
                .execute(c)
                .map_err(iop_store::StoreError::from)?;
            Ok::<_, iop_store::StoreError>(ep.id)
        })
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
        app.store.write(|c| {
            diesel::sql_query(format!(
                "UPDATE inquiries SET first_contact_at = '{at}' WHERE id = '{iid}'"
            ))
            .execute(c)
            .map_err(iop_store::StoreError::from)
        })
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
