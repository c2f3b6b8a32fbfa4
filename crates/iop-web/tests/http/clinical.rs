//! Attendance, the group note and the chart over HTTP on the demo.

use crate::common::{Auth, TestApp};
use axum::http::StatusCode;

pub fn today() -> jiff::civil::Date {
    jiff::Timestamp::now()
        .to_zoned(jiff::tz::TimeZone::get("America/Kentucky/Louisville").expect("tz"))
        .date()
}

/// The latest core session of the seven-patient Mon/Tue/Thu track in an earlier week
/// (a week's hours are judged once the week is over).
pub async fn past_session(t: &TestApp, token: &str) -> serde_json::Value {
    let to = iop_domain::calendar::monday_of(today())
        .checked_sub(jiff::Span::new().days(1))
        .expect("date");
    let from = to.checked_sub(jiff::Span::new().days(14)).expect("date");
    let sessions = t
        .get(
            &format!("/api/v1/sessions?from={from}&to={to}"),
            Auth::Bearer(token),
        )
        .await
        .json();
    sessions
        .as_array()
        .expect("array")
        .iter()
        .rev()
        .find(|s| s["kind"] == "core" && s["track_name"] == "Mon/Tue/Thu" && s["status"] == "held")
        .expect("a past session")
        .clone()
}

/// A patient on the roster of `past_session`.
pub async fn patient_of_last_week(t: &TestApp, token: &str) -> String {
    let s = past_session(t, token).await;
    let roster = t
        .get(
            &format!("/api/v1/sessions/{}/roster", s["id"].as_str().expect("id")),
            Auth::Bearer(token),
        )
        .await
        .json();
    roster["lines"][0]["patient_id"]
        .as_str()
        .expect("patient")
        .to_string()
}

fn entry(i: usize) -> (String, String) {
    let p = [
        "Opened the check-in and named a craving at work.",
        "Listened closely; offered feedback to a peer about boundaries.",
        "Practiced urge surfing and rated the craving before and after.",
        "Shared the family conflict that preceded last use; identified anger as a trigger.",
        "Arrived late, participated in role play about refusing a drink.",
        "Quiet; when asked, described sleep trouble and agreed to track it.",
        "Led the review of the coping card.",
    ];
    let g = [
        "Goal 1: names two triggers (met).",
        "Goal 2: uses one coping skill a day (progressing).",
        "Goal 1: rates cravings daily (started).",
        "Goal 3: calls sponsor twice a week (not yet).",
        "Goal 2: practices refusal skills (progressing).",
        "Goal 1: sleep diary (started).",
        "Goal 2: coping card in use (met).",
    ];
    (p[i % p.len()].to_string(), g[i % g.len()].to_string())
}

#[tokio::test]
async fn attendance_and_a_signed_group_note_reach_every_attendees_chart_and_stay_locked() {
    let t = TestApp::new().await;
    let counselor = t.token("counselor@demo.test").await;
    let s = past_session(&t, &counselor).await;
    let sid = s["id"].as_str().expect("id");
    let roster = t
        .get(
            &format!("/api/v1/sessions/{sid}/roster"),
            Auth::Bearer(&counselor),
        )
        .await
        .json();
    let lines = roster["lines"].as_array().expect("lines").clone();
    assert!(lines.len() >= 3, "{roster}");
    let ids: Vec<String> = lines
        .iter()
        .map(|l| l["patient_id"].as_str().expect("id").to_string())
        .collect();
    let (n, absent) = (ids.len() - 1, ids.len() - 1);
    // All but one attend (one for 150 of 180 minutes); the last is absent.
    let mut marks: Vec<serde_json::Value> = ids
        .iter()
        .take(n)
        .map(|p| serde_json::json!({ "patient_id": p, "mark": "present" }))
        .collect();
    marks[1] = serde_json::json!({ "patient_id": ids[1], "mark": "late", "minutes": 150 });
    marks.push(serde_json::json!({ "patient_id": ids[absent], "mark": "absent_unexcused" }));
    let res = t
        .put_json(
            &format!("/api/v1/sessions/{sid}/attendance"),
            &counselor,
            serde_json::Value::Array(marks),
        )
        .await;
    assert_eq!(res.status, StatusCode::NO_CONTENT, "{}", res.body);

    let entries: Vec<serde_json::Value> = ids
        .iter()
        .take(n)
        .enumerate()
        .map(|(i, p)| {
            let (a, b) = entry(i);
            serde_json::json!({ "patient_id": p, "participation": a, "progress": b })
        })
        .collect();
    let mut with_absent = entries.clone();
    with_absent.push(
        serde_json::json!({ "patient_id": ids[absent], "participation": "x", "progress": "y" }),
    );
    let note = |e: Vec<serde_json::Value>| serde_json::json!({ "topic": "Identifying relapse triggers", "interventions": "Psychoeducation on triggers; urge-surfing practice.", "group_process": "Cohesive; two members challenged each other kindly.", "entries": e });
    let refused = t
        .put_json(
            &format!("/api/v1/sessions/{sid}/note"),
            &counselor,
            note(with_absent),
        )
        .await;
    assert_eq!(
        refused.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "absent patients get no entry: {}",
        refused.body
    );
    let saved = t
        .put_json(
            &format!("/api/v1/sessions/{sid}/note"),
            &counselor,
            note(entries.clone()),
        )
        .await;
    assert_eq!(saved.status, StatusCode::OK, "{}", saved.body);
    let note_id = saved.json()["id"].as_str().expect("note").to_string();
    let signed = t
        .post_json(
            &format!("/api/v1/sessions/{sid}/note/sign"),
            Auth::Bearer(&counselor),
            serde_json::json!({}),
        )
        .await;
    assert_eq!(signed.status, StatusCode::NO_CONTENT, "{}", signed.body);

    // Locked: no edit, no attendance change, no second signature.
    assert_eq!(
        t.put_json(
            &format!("/api/v1/sessions/{sid}/note"),
            &counselor,
            note(entries)
        )
        .await
        .status,
        StatusCode::CONFLICT
    );
    let change = serde_json::json!([{ "patient_id": ids[0], "mark": "absent_excused" }]);
    assert_eq!(
        t.put_json(
            &format!("/api/v1/sessions/{sid}/attendance"),
            &counselor,
            change
        )
        .await
        .status,
        StatusCode::CONFLICT
    );
    assert_eq!(
        t.post_json(
            &format!("/api/v1/sessions/{sid}/note/sign"),
            Auth::Bearer(&counselor),
            serde_json::json!({})
        )
        .await
        .status,
        StatusCode::CONFLICT
    );

    let add = t
        .post_json(
            &format!("/api/v1/notes/{note_id}/addenda"),
            Auth::Bearer(&counselor),
            serde_json::json!({ "text": "Correction: the role play was about refusing a ride." }),
        )
        .await;
    assert_eq!(add.status, StatusCode::NO_CONTENT, "{}", add.body);

    for (i, p) in ids.iter().take(n).enumerate() {
        let chart = t
            .get(
                &format!("/api/v1/patients/{p}/chart"),
                Auth::Bearer(&counselor),
            )
            .await
            .json();
        // The demo's earlier weeks are documented too: pick this session's note.
        let notes: Vec<&serde_json::Value> = chart["notes"]
            .as_array()
            .expect("notes")
            .iter()
            .filter(|n| n["note_id"] == note_id.as_str())
            .collect();
        assert_eq!(notes.len(), 1, "{chart}");
        assert_eq!(
            notes[0]["participation"],
            entry(i).0,
            "each chart shows its own entry"
        );
        assert_eq!(
            notes[0]["interventions"],
            "Psychoeducation on triggers; urge-surfing practice."
        );
        assert_eq!(notes[0]["addenda"][0]["author_name"], "Casey Counselor");
    }
    let absent = t
        .get(
            &format!("/api/v1/patients/{}/chart", ids[absent]),
            Auth::Bearer(&counselor),
        )
        .await
        .json();
    assert_eq!(absent["notes"].as_array().map(Vec::len), Some(0));
    // One group in a past week is under the 9-hour floor: flagged.
    let late = t
        .get(
            &format!("/api/v1/patients/{}/chart", ids[1]),
            Auth::Bearer(&counselor),
        )
        .await
        .json();
    assert!(
        late["weeks"]
            .as_array()
            .expect("weeks")
            .iter()
            .any(|w| w["under_floor"] == true && w["minutes"] == 150),
        "{late}"
    );
}

#[tokio::test]
async fn billing_and_admissions_never_read_rosters_notes_or_charts() {
    let t = TestApp::new().await;
    let counselor = t.token("counselor@demo.test").await;
    let s = past_session(&t, &counselor).await;
    let sid = s["id"].as_str().expect("id");
    let roster = t
        .get(
            &format!("/api/v1/sessions/{sid}/roster"),
            Auth::Bearer(&counselor),
        )
        .await
        .json();
    let patient = roster["lines"][0]["patient_id"]
        .as_str()
        .expect("patient")
        .to_string();
    for who in ["billing@demo.test", "admissions@demo.test"] {
        let token = t.token(who).await;
        assert_eq!(
            t.get(
                &format!("/api/v1/sessions/{sid}/roster"),
                Auth::Bearer(&token)
            )
            .await
            .status,
            StatusCode::FORBIDDEN,
            "{who}"
        );
        assert_eq!(
            t.get(
                &format!("/api/v1/patients/{patient}/chart"),
                Auth::Bearer(&token)
            )
            .await
            .status,
            StatusCode::FORBIDDEN,
            "{who}"
        );
        let b = t.login(who).await;
        assert_eq!(
            t.get(&format!("/patients/{patient}"), Auth::Cookie(&b))
                .await
                .status,
            StatusCode::FORBIDDEN,
            "{who}"
        );
    }
}

#[tokio::test]
async fn near_identical_entries_are_flagged_before_signing() {
    let t = TestApp::new().await;
    let counselor = t.token("counselor@demo.test").await;
    let s = past_session(&t, &counselor).await;
    let sid = s["id"].as_str().expect("id");
    let roster = t
        .get(
            &format!("/api/v1/sessions/{sid}/roster"),
            Auth::Bearer(&counselor),
        )
        .await
        .json();
    let ids: Vec<String> = roster["lines"]
        .as_array()
        .expect("lines")
        .iter()
        .take(2)
        .map(|l| l["patient_id"].as_str().expect("id").to_string())
        .collect();
    let marks = serde_json::json!([{ "patient_id": ids[0], "mark": "present" }, { "patient_id": ids[1], "mark": "present" }]);
    t.put_json(
        &format!("/api/v1/sessions/{sid}/attendance"),
        &counselor,
        marks,
    )
    .await;
    let same = "Participated actively and shared about triggers.";
    let note = serde_json::json!({ "topic": "Triggers", "interventions": "Psychoeducation.", "group_process": "Engaged.", "entries": [
        { "patient_id": ids[0], "participation": same, "progress": "Goal 1 progressing." },
        { "patient_id": ids[1], "participation": same, "progress": "Goal 1 progressing." } ] });
    assert_eq!(
        t.put_json(&format!("/api/v1/sessions/{sid}/note"), &counselor, note)
            .await
            .status,
        StatusCode::OK
    );
    let refused = t
        .post_json(
            &format!("/api/v1/sessions/{sid}/note/sign"),
            Auth::Bearer(&counselor),
            serde_json::json!({}),
        )
        .await;
    assert_eq!(refused.status, StatusCode::CONFLICT);
    assert!(refused.body.contains("copies"), "{}", refused.body);
    let ok = t
        .post_json(
            &format!("/api/v1/sessions/{sid}/note/sign"),
            Auth::Bearer(&counselor),
            serde_json::json!({ "accept_similar": true }),
        )
        .await;
    assert_eq!(ok.status, StatusCode::NO_CONTENT);
}

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
            serde_json::json!({})
        )
        .await
        .status,
        StatusCode::NO_CONTENT
    );
    assert_eq!(open(director.clone()).await.len(), before_director);

    assert_eq!(
        open(counselor.clone()).await.len(),
        before + 1,
        "the counselor's own alert stays until they acknowledge it"
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
