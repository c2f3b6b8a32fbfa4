//! The program's rules over HTTP on the demo: graduation from the record, planned ends
//! that closures move, the rolling calendar, make-ups and the ratio, and the rules
//! that are settings.

use crate::admissions::{admit_new, today};
use crate::common::{Auth, TestApp};
use axum::http::StatusCode;
use iop_app::{Ctx, RequestMeta};

/// The census entry (episode) of a demo patient by MRN.
pub(crate) async fn episode_of(t: &TestApp, director: &str, mrn: &str) -> serde_json::Value {
    let census = t.get("/api/v1/census", Auth::Bearer(director)).await.json();
    census[0]["patients"]
        .as_array()
        .expect("patients")
        .iter()
        .find(|p| p["mrn"] == mrn)
        .unwrap_or_else(|| panic!("{mrn} in {census}"))
        .clone()
}

async fn eligibility(t: &TestApp, director: &str, mrn: &str) -> serde_json::Value {
    let e = episode_of(t, director, mrn).await;
    let id = e["episode_id"].as_str().expect("episode");
    t.get(
        &format!("/api/v1/episodes/{id}/eligibility"),
        Auth::Bearer(director),
    )
    .await
    .json()
}

fn rule(e: &serde_json::Value, name: &str) -> serde_json::Value {
    e["rules"]
        .as_array()
        .expect("rules")
        .iter()
        .find(|r| r["name"] == name)
        .map(|r| r["result"].clone())
        .unwrap_or_else(|| panic!("{name} in {e}"))
}

pub(crate) async fn set_rules(
    t: &TestApp,
    director: &str,
    change: impl FnOnce(&mut serde_json::Value),
) -> serde_json::Value {
    let programs = t
        .get("/api/v1/programs", Auth::Bearer(director))
        .await
        .json();
    let id = programs[0]["id"].as_str().expect("program").to_string();
    let mut rules = t
        .get(
            &format!("/api/v1/programs/{id}/rules"),
            Auth::Bearer(director),
        )
        .await
        .json();
    change(&mut rules);
    let res = t
        .put_json(
            &format!("/api/v1/programs/{id}/rules"),
            director,
            rules.clone(),
        )
        .await;
    assert_eq!(res.status, StatusCode::NO_CONTENT, "{}", res.body);
    rules
}

#[tokio::test]
async fn the_demo_has_a_patient_eligible_to_graduate_and_one_past_the_maximum_whose_gaps_are_named()
{
    let t = TestApp::new().await;
    let director = t.token("director@demo.test").await;
    let eligible = eligibility(&t, &director, "DEMO-0006").await;
    assert_eq!(eligible["eligible"], true, "{eligible}");
    let review = eligibility(&t, &director, "DEMO-0007").await;
    assert_eq!(
        (review["eligible"].clone(), review["needs_review"].clone()),
        (false.into(), true.into()),
        "{review}"
    );
    assert_eq!(
        rule(&review, "relapse prevention plan signed")["detail"],
        "there is no relapse prevention plan"
    );
    assert_eq!(rule(&review, "minimum length")["status"], "met");
    assert_eq!(
        episode_of(&t, &director, "DEMO-0007").await["needs_review"],
        true
    );
    // The funnel has figures and the supervised counselor's notes wait for co-signature.
    let funnel = t
        .get("/api/v1/funnel", Auth::Bearer(&director))
        .await
        .json();
    assert!(funnel["measured"].as_u64() > Some(0), "{funnel}");
    for status in ["new", "screened", "scheduled", "referred_out"] {
        let n = funnel["by_status"]
            .as_array()
            .expect("statuses")
            .iter()
            .find(|s| s["status"] == status)
            .expect("status")["count"]
            .clone();
        assert_eq!(n, 1, "{status}: {funnel}");
    }
    // Sessions exist to the program's twelve-week horizon.
    let last_week = today()
        .checked_add(jiff::Span::new().weeks(11))
        .expect("date");
    let horizon = today()
        .checked_add(jiff::Span::new().weeks(12))
        .expect("date");
    let far = t
        .get(
            &format!("/api/v1/sessions?from={last_week}&to={horizon}"),
            Auth::Bearer(&director),
        )
        .await
        .json();
    assert!(far.as_array().is_some_and(|a| a.len() >= 3), "{far}");
    let queue = t.get("/api/v1/cosign-queue", Auth::Bearer(&director)).await;
    assert_eq!(queue.status, StatusCode::OK, "{}", queue.body);
    assert!(!queue.json().as_array().expect("queue").is_empty());
}

#[tokio::test]
async fn the_attendance_threshold_and_the_excused_absence_rule_are_the_programs_settings() {
    let t = TestApp::new().await;
    let director = t.token("director@demo.test").await;
    // The patient awaiting review missed one group unexcused and one excused.
    set_rules(&t, &director, |r| r["min_attendance_percent"] = 50.into()).await;
    assert_eq!(
        rule(&eligibility(&t, &director, "DEMO-0007").await, "attendance")["status"],
        "met"
    );
    set_rules(&t, &director, |r| r["min_attendance_percent"] = 100.into()).await;
    let strict = rule(&eligibility(&t, &director, "DEMO-0007").await, "attendance");
    assert_eq!(strict["status"], "not_met", "{strict}");
    let expected = |detail: &serde_json::Value| -> u32 {
        let d = detail.as_str().expect("detail");
        d.split(" of ")
            .nth(1)
            .and_then(|s| s.split(' ').next())
            .and_then(|n| n.parse().ok())
            .expect("n")
    };
    set_rules(&t, &director, |r| {
        r["excused_absences"] = "count_as_absent".into()
    })
    .await;
    let absent = rule(&eligibility(&t, &director, "DEMO-0007").await, "attendance");
    assert!(
        expected(&absent["detail"]) > expected(&strict["detail"]),
        "{absent} vs {strict}"
    );
}

#[tokio::test]
async fn a_closure_moves_the_planned_end_by_a_group_night_and_the_move_is_audited() {
    let t = TestApp::new().await;
    let adm = t.token("admissions@demo.test").await;
    let director = t.token("director@demo.test").await;
    let (track, admitted) = admit_new(&t, &adm, "Closure").await;
    let before: jiff::civil::Date = admitted["planned_end_date"]
        .as_str()
        .expect("end")
        .parse()
        .expect("date");
    // Close the site on the patient's next group night.
    let from = today()
        .checked_add(jiff::Span::new().days(1))
        .expect("date");
    let sessions = t
        .get(
            &format!("/api/v1/sessions?from={from}&to={before}"),
            Auth::Bearer(&director),
        )
        .await
        .json();
    let night = sessions
        .as_array()
        .expect("sessions")
        .iter()
        .find(|s| {
            s["track_id"] == track.as_str() && s["kind"] == "core" && s["status"] == "scheduled"
        })
        .expect("a group night")["local_date"]
        .as_str()
        .expect("date")
        .to_string();
    let sites = t
        .get("/api/v1/programs", Auth::Bearer(&director))
        .await
        .json();
    let site = sites[0]["site_id"].as_str().expect("site").to_string();
    let res = t
        .post_json(
            &format!("/api/v1/sites/{site}/closures"),
            Auth::Bearer(&director),
            serde_json::json!({ "date": night, "reason": "Water main break" }),
        )
        .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.body);
    let after: jiff::civil::Date =
        episode_of(&t, &director, admitted["mrn"].as_str().expect("mrn")).await["planned_end_date"]
            .as_str()
            .expect("end")
            .parse()
            .expect("date");
    assert!(after > before, "{before} → {after}");
    let trail = t
        .get(
            "/api/v1/audit-events?action=episode.planned_end",
            Auth::Bearer(&t.token("admin@demo.test").await),
        )
        .await;
    assert!(trail.body.contains("episode.planned_end"), "{}", trail.body);
}

#[tokio::test]
async fn the_horizon_is_generated_again_after_a_day_passes() {
    let t = TestApp::new().await;
    let director = t.token("director@demo.test").await;
    let last_session = |body: serde_json::Value| {
        body.as_array()
            .expect("sessions")
            .iter()
            .filter_map(|s| s["local_date"].as_str().map(str::to_string))
            .max()
    };
    let far = today()
        .checked_add(jiff::Span::new().weeks(14))
        .expect("date");
    let horizon_before = last_session(
        t.get(
            &format!("/api/v1/sessions?from={}&to={far}", today()),
            Auth::Bearer(&director),
        )
        .await
        .json(),
    );
    let tomorrow = crate::common::now() + jiff::SignedDuration::from_hours(24 * 8);
    let app = t.app.clone();
    let report = tokio::task::spawn_blocking(move || {
        app.roll_calendar(&Ctx::system(RequestMeta::cli(tomorrow)))
    })
    .await
    .expect("join")
    .expect("roll");
    assert!(
        report.ran && report.programs.iter().any(|p| p.2 > 0),
        "{report:?}"
    );
    let horizon_after = last_session(
        t.get(
            &format!("/api/v1/sessions?from={}&to={far}", today()),
            Auth::Bearer(&director),
        )
        .await
        .json(),
    );
    assert!(
        horizon_after > horizon_before,
        "{horizon_before:?} → {horizon_after:?}"
    );
}

#[tokio::test]
async fn a_make_up_that_breaks_one_to_six_is_refused_until_a_director_overrides_with_a_reason() {
    let t = TestApp::new().await;
    let adm = t.token("admissions@demo.test").await;
    let director = t.token("director@demo.test").await;
    // A sixth patient on the one-facilitator Mon/Wed/Thu track fills it to 1:6.
    let (track, _) = admit_new(&t, &adm, "Sixth").await;
    let from = today()
        .checked_add(jiff::Span::new().days(1))
        .expect("date");
    let to = from.checked_add(jiff::Span::new().days(14)).expect("date");
    let sessions = t
        .get(
            &format!("/api/v1/sessions?from={from}&to={to}"),
            Auth::Bearer(&director),
        )
        .await
        .json();
    let session = sessions
        .as_array()
        .expect("sessions")
        .iter()
        .find(|s| {
            s["track_id"] == track.as_str() && s["kind"] == "core" && s["expected_roster"] == 6
        })
        .expect("a full group")
        .clone();
    let sid = session["id"].as_str().expect("id");
    let other = episode_of(&t, &director, "DEMO-0001").await["patient_id"]
        .as_str()
        .expect("patient")
        .to_string();
    let body = serde_json::json!({ "patient_id": other, "reason": "missed Tuesday's group" });
    let refused = t
        .post_json(
            &format!("/api/v1/sessions/{sid}/makeups"),
            Auth::Bearer(&director),
            body.clone(),
        )
        .await;
    assert_eq!(refused.status, StatusCode::CONFLICT, "{}", refused.body);
    assert!(
        refused.body.contains("7 patients with 1 facilitator"),
        "{}",
        refused.body
    );
    let mut with_reason = body;
    with_reason["ratio_override_reason"] = "co-facilitator from the day program joins".into();
    let counselor_token = t.token("counselor@demo.test").await;
    let not_theirs = t
        .post_json(
            &format!("/api/v1/sessions/{sid}/makeups"),
            Auth::Bearer(&counselor_token),
            with_reason.clone(),
        )
        .await;
    assert_ne!(
        not_theirs.status,
        StatusCode::NO_CONTENT,
        "{}",
        not_theirs.body
    );
    let ok = t
        .post_json(
            &format!("/api/v1/sessions/{sid}/makeups"),
            Auth::Bearer(&director),
            with_reason,
        )
        .await;
    assert_eq!(ok.status, StatusCode::NO_CONTENT, "{}", ok.body);
    let after = t
        .get(
            &format!("/api/v1/sessions?from={from}&to={to}"),
            Auth::Bearer(&director),
        )
        .await
        .json();
    let same = after
        .as_array()
        .expect("sessions")
        .iter()
        .find(|s| s["id"] == sid)
        .expect("session")
        .clone();
    assert_eq!(
        (
            same["expected_roster"].clone(),
            same["facilitators_needed"].clone()
        ),
        (7.into(), 1.into()),
        "{same}"
    );
}
