//! Staff pages that keep what was typed when a form is refused, ask once before a record
//! is locked, and show a patient's safety alerts on the chart to every clinician.

use crate::clinical::{patient_of_last_week, today};
use crate::common::{Auth, TestApp};
use axum::http::StatusCode;
use iop_app::testing::query_text;
use iop_app::{Ctx, RequestMeta};

fn count(t: &TestApp, sql: &str) -> String {
    query_text(&t.app, sql)
        .expect("query")
        .into_iter()
        .next()
        .unwrap_or_default()
}

#[tokio::test]
async fn an_individual_note_asks_once_before_signing_and_a_refused_one_keeps_its_text() {
    let t = TestApp::new().await;
    let counselor = t.token("counselor@demo.test").await;
    let patient = patient_of_last_week(&t, &counselor).await;
    let casey = crate::care::my_staff_id(&t, &counselor, "Casey Counselor").await;
    let times = t
        .get(
            &format!("/api/v1/patients/{patient}/appointment-times?staff_id={casey}&minutes=50"),
            Auth::Bearer(&counselor),
        )
        .await
        .json();
    let first = times[0].as_str().expect("a free time").to_string();
    let booked = t
        .post_json(
            "/api/v1/appointments",
            Auth::Bearer(&counselor),
            serde_json::json!({ "patient_id": patient, "staff_id": casey, "starts": first, "minutes": 50 }),
        )
        .await;
    assert_eq!(booked.status, StatusCode::CREATED, "{}", booked.body);
    let appt = booked.json()["id"].as_str().expect("id").to_string();
    // Kept by a clock a month on; today's clock still finds the session to come.
    let later = crate::common::now() + jiff::SignedDuration::from_hours(24 * 30);
    t.app
        .set_appointment_status(
            &Ctx::system(RequestMeta::cli(later)),
            appt.parse().expect("appointment id"),
            "kept",
            None,
        )
        .expect("kept");

    let b = t.login("counselor@demo.test").await;
    let narrative = "Went through the weekend plan step by step.";
    let form = |action: &'static str| {
        vec![
            ("csrf", b.csrf.clone()),
            ("patient_id", patient.clone()),
            ("started", "10:02".to_string()),
            ("ended", "10:55".to_string()),
            ("goal", "Stay sober on weekends".to_string()),
            ("narrative", narrative.to_string()),
            ("plan", "Call the sponsor daily.".to_string()),
            ("action", action.to_string()),
        ]
    };
    let post = |fields: Vec<(&'static str, String)>| {
        let t = &t;
        let b = &b;
        let path = format!("/appointments/{appt}/note");
        async move {
            let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
            t.post_form(&path, Auth::Cookie(b), &fields).await
        }
    };
    let notes = format!("SELECT CAST(COUNT(*) AS TEXT) AS value FROM individual_notes WHERE appointment_id = '{appt}'");

    let ask = post(form("sign")).await;
    assert_eq!(ask.status, StatusCode::OK, "{}", ask.body);
    assert!(ask.body.contains("Sign this note now?"), "{}", ask.body);
    assert!(ask.body.contains(narrative), "the note comes back as typed");
    assert!(ask.body.contains("value=\"sign_confirmed\""));
    assert_eq!(count(&t, &notes), "0", "nothing is saved before the answer");

    // Confirmed, but refused (the session is still to come): the text is kept.
    let refused = post(form("sign_confirmed")).await;
    assert_eq!(
        refused.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        refused.body
    );
    assert!(
        refused.body.contains(narrative),
        "a refused note keeps its text"
    );
    assert!(refused.body.contains("Call the sponsor daily."));
    assert_eq!(count(&t, &notes), "0");
}

#[tokio::test]
async fn a_safety_alert_is_on_the_chart_for_every_clinician_until_acknowledged_then_says_who_did_what(
) {
    let t = TestApp::new().await;
    let counselor = t.token("counselor@demo.test").await;
    let patient = patient_of_last_week(&t, &counselor).await;
    let day = today().to_string();
    let phq9 = t
        .post_json(
            &format!("/api/v1/patients/{patient}/measures"),
            Auth::Bearer(&counselor),
            serde_json::json!({ "instrument": "phq9", "occasion": "biweekly", "taken_on": day, "items": [1, 0, 0, 0, 0, 0, 0, 0, 2] }),
        )
        .await;
    assert_eq!(phq9.status, StatusCode::CREATED, "{}", phq9.body);

    let director = t.login("director@demo.test").await;
    let chart = t
        .get(&format!("/patients/{patient}"), Auth::Cookie(&director))
        .await;
    assert_eq!(chart.status, StatusCode::OK);
    assert!(
        chart.body.contains("PHQ-9 item 9 above 0 on Wed, Dec 2"),
        "the alert's date reads as a day: {}",
        chart.body
    );
    assert!(
        !chart.body.contains(&format!("on {day}")),
        "no stored date in the alert"
    );
    assert!(
        chart
            .body
            .contains("for Casey Counselor and the clinical directors"),
        "one alert, sent to the counselor and the directors, on the director's chart too"
    );

    // The director acknowledges the counselor's alert from the chart (the patient is in
    // the director's caseload), saying what was done.
    let ids = query_text(
        &t.app,
        &format!("SELECT id AS value FROM alerts WHERE patient_id = '{patient}' AND acknowledged_at IS NULL AND for_user_id IS NOT NULL AND detail LIKE '%{day}%'"),
    )
    .expect("alerts");
    let alert = ids.first().expect("the counselor's alert");
    let back = format!("/patients/{patient}");
    let ack = t
        .post_form(
            &format!("/alerts/{alert}/acknowledge"),
            Auth::Cookie(&director),
            &[
                ("csrf", director.csrf.as_str()),
                ("action_taken", "Called the patient; safety plan reviewed."),
                ("back", back.as_str()),
            ],
        )
        .await;
    assert_eq!(ack.status, StatusCode::SEE_OTHER, "{}", ack.body);
    let casey = t.login("counselor@demo.test").await;
    let after = t.get(&back, Auth::Cookie(&casey)).await.body;
    assert!(after.contains("Safety alert, acknowledged"), "{after}");
    assert!(
        after.contains("Acknowledged by Dana Director"),
        "who acknowledged: {after}"
    );
    assert!(after.contains("Called the patient; safety plan reviewed."));
    assert!(
        !after.contains("<section class=\"alert\""),
        "no copy of it is left open on the chart"
    );
    let director_token = t.token("director@demo.test").await;
    for token in [&counselor, &director_token] {
        let open = t.get("/api/v1/alerts", Auth::Bearer(token)).await.json();
        let still = open.as_array().expect("alerts").iter().any(|a| {
            a["patient_id"] == patient.as_str()
                && a["detail"].as_str().is_some_and(|d| d.contains(&day))
        });
        assert!(
            !still,
            "one follow-up answers the alert for everyone it went to: {open}"
        );
    }
}

#[tokio::test]
async fn screening_answers_stay_on_the_inquiry_and_a_refused_new_inquiry_keeps_what_was_typed() {
    let t = TestApp::new().await;
    let b = t.login("admissions@demo.test").await;
    let refused = t
        .post_form(
            "/admissions",
            Auth::Cookie(&b),
            &[
                ("csrf", b.csrf.as_str()),
                ("channel", "referral"),
                ("first_name", "Jordan"),
                ("last_name", "Keeps-Typing"),
                ("phone", "not a phone"),
                ("best_time", "after five"),
            ],
        )
        .await;
    assert_eq!(
        refused.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        refused.body
    );
    for typed in [
        "Keeps-Typing",
        "not a phone",
        "after five",
        "value=\"referral\" selected",
    ] {
        assert!(
            refused.body.contains(typed),
            "the new inquiry keeps {typed:?}"
        );
    }

    let adm = t.token("admissions@demo.test").await;
    let id = t
        .post_json("/api/v1/inquiries", Auth::Bearer(&adm), serde_json::json!({ "channel": "phone", "first_name": "Screened", "phone": "(502) 555-0199" }))
        .await
        .json()["id"]
        .as_str()
        .expect("id")
        .to_string();
    let saved = t
        .post_form(
            &format!("/admissions/{id}/screening"),
            Auth::Cookie(&b),
            &[
                ("csrf", b.csrf.as_str()),
                ("substances", "alcohol, cannabis"),
                ("last_use", "two days ago"),
                ("withdrawal_risk", "low"),
                ("prior_treatment", "yes"),
            ],
        )
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    let page = t
        .get(&format!("/admissions/{id}"), Auth::Cookie(&b))
        .await
        .body;
    assert!(page.contains("value=\"alcohol, cannabis\""), "{page}");
    assert!(page.contains("value=\"two days ago\""));
    assert!(page.contains("name=\"prior_treatment\" value=\"yes\" checked"));
    assert!(!page.contains("name=\"danger_to_self\" value=\"yes\" checked"));
}

#[tokio::test]
async fn a_counselors_signature_on_a_relapse_plan_is_asked_once_in_the_page() {
    let t = TestApp::new().await;
    let counselor = t.token("counselor@demo.test").await;
    let patient = patient_of_last_week(&t, &counselor).await;
    let plan = serde_json::json!({
        "reasons_for_recovery": ["My daughter"], "external_triggers": ["Friday payday"],
        "internal_triggers": ["Loneliness"], "early_warning_signs": ["Skipping meetings"], "coping_strategies": ["Call sponsor"],
        "supports": [{ "name": "Sam (sponsor)", "phone": "(502) 555-0111" }], "lapse_plan": "Tell my counselor the same day."
    });
    let saved = t
        .post_json(
            &format!("/api/v1/patients/{patient}/relapse-plans"),
            Auth::Bearer(&counselor),
            plan,
        )
        .await;
    assert_eq!(saved.status, StatusCode::CREATED, "{}", saved.body);
    let version = saved.json()["version"].to_string();
    let signed = format!(
        "SELECT CAST(COUNT(*) AS TEXT) AS value FROM relapse_plans WHERE patient_id = '{patient}' AND version = {version} AND counselor_signed_at IS NOT NULL"
    );
    let b = t.login("counselor@demo.test").await;
    let path = format!("/patients/{patient}/relapse-plan/sign");
    let ask = t
        .post_form(
            &path,
            Auth::Cookie(&b),
            &[("csrf", b.csrf.as_str()), ("version", version.as_str())],
        )
        .await;
    assert_eq!(ask.status, StatusCode::OK, "{}", ask.body);
    assert!(
        ask.body.contains("Sign the relapse prevention plan?"),
        "{}",
        ask.body
    );
    assert_eq!(
        count(&t, &signed),
        "0",
        "nothing is signed before the answer"
    );
    let yes = t
        .post_form(
            &path,
            Auth::Cookie(&b),
            &[
                ("csrf", b.csrf.as_str()),
                ("version", version.as_str()),
                ("confirmed", "yes"),
            ],
        )
        .await;
    assert_eq!(yes.status, StatusCode::SEE_OTHER, "{}", yes.body);
    assert_eq!(count(&t, &signed), "1");
}
