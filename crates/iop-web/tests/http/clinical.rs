//! Attendance, the group note and the chart over HTTP on the demo.

use crate::common::{Auth, TestApp};
use axum::http::StatusCode;

pub fn today() -> jiff::civil::Date {
    crate::common::now()
        .to_zoned(jiff::tz::TimeZone::get("America/Kentucky/Louisville").expect("tz"))
        .date()
}

/// A session's roster as the API gives it.
pub async fn roster_of(t: &TestApp, token: &str, sid: &str) -> serde_json::Value {
    t.get(
        &format!("/api/v1/sessions/{sid}/roster"),
        Auth::Bearer(token),
    )
    .await
    .json()
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
    // The late arrival's minutes count in their week; the week is judged against its
    // floor only once every night of it is documented (the demo leaves last week open).
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
            .any(|w| w["pending"] == true && w["under_floor"] == false && w["minutes"] == 150),
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
async fn staff_marking_the_same_unmarked_patient_at_once_all_succeed_and_leave_one_mark() {
    let t = TestApp::new().await;
    let counselor = t.token("counselor@demo.test").await;
    let s = past_session(&t, &counselor).await;
    let sid = s["id"].as_str().expect("id");
    let roster = roster_of(&t, &counselor, sid).await;
    let line = roster["lines"]
        .as_array()
        .expect("lines")
        .iter()
        .find(|l| l["mark"].is_null())
        .expect("an unmarked patient, so every request races to write the first mark")
        .clone();
    let patient = line["patient_id"].as_str().expect("id");
    let path = format!("/api/v1/sessions/{sid}/attendance");
    let put = |mark: &'static str| {
        t.put_json(
            &path,
            &counselor,
            serde_json::json!([{ "patient_id": patient, "mark": mark }]),
        )
    };
    let answers = tokio::join!(
        put("present"),
        put("absent_excused"),
        put("present"),
        put("absent_excused"),
        put("present"),
        put("absent_excused"),
    );
    for res in [
        answers.0, answers.1, answers.2, answers.3, answers.4, answers.5,
    ] {
        assert_eq!(res.status, StatusCode::NO_CONTENT, "{}", res.body);
    }
    let roster = roster_of(&t, &counselor, sid).await;
    let lines: Vec<&serde_json::Value> = roster["lines"]
        .as_array()
        .expect("lines")
        .iter()
        .filter(|l| l["patient_id"] == patient)
        .collect();
    assert_eq!(lines.len(), 1, "{roster}");
    assert!(
        lines[0]["mark"] == "present" || lines[0]["mark"] == "absent_excused",
        "{roster}"
    );
}
