//! Billing integrity over HTTP: charges wait for every signature the documentation
//! needs, minutes are real, and the multi-family group is billed per family.

use crate::billing::{days, payer_named, payer_of};
use crate::clinical::past_session;
use crate::common::{Auth, TestApp};
use axum::http::StatusCode;

/// The charges of one patient on one date.
async fn charges_on(
    t: &TestApp,
    billing: &str,
    patient: &str,
    date: &str,
) -> Vec<serde_json::Value> {
    t.get(
        &format!("/api/v1/charges?from={date}&to={date}&patient_id={patient}"),
        Auth::Bearer(billing),
    )
    .await
    .json()
    .as_array()
    .cloned()
    .unwrap_or_default()
}

async fn generate(t: &TestApp, billing: &str, from: &str, to: &str) {
    let r = t
        .post_json(
            "/api/v1/charges/generate",
            Auth::Bearer(billing),
            serde_json::json!({ "from": from, "to": to }),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
}

/// A clinical director whose own notes need a co-signature (a director in training).
async fn supervised_director(t: &TestApp) -> String {
    let admin = t.token("admin@demo.test").await;
    let created = t
        .post_json(
            "/api/v1/users",
            Auth::Bearer(&admin),
            serde_json::json!({ "email": "dale@demo.test", "display_name": "Dale Day", "role": "clinical_director", "password": "dale-password-12" }),
        )
        .await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.body);
    let staff = t
        .post_json(
            "/api/v1/staff",
            Auth::Bearer(&admin),
            serde_json::json!({ "display_name": "Dale Day", "credentials": ["LMSW"], "user_email": "dale@demo.test", "requires_cosign": true, "npi": "1987654328", "taxonomy": "1041C0700X" }),
        )
        .await;
    assert_eq!(staff.status, StatusCode::CREATED, "{}", staff.body);
    t.token_with("dale@demo.test", "dale-password-12").await
}

#[tokio::test]
async fn a_note_awaiting_co_signature_holds_its_charge_until_another_director_co_signs_it() {
    let t = TestApp::new().await;
    let billing = t.token("billing@demo.test").await;
    let director = t.token("director@demo.test").await;
    let dale = supervised_director(&t).await;
    let s = past_session(&t, &dale).await;
    let (sid, date) = (
        s["id"].as_str().expect("id").to_string(),
        s["local_date"].as_str().expect("date").to_string(),
    );
    let roster = t
        .get(
            &format!("/api/v1/sessions/{sid}/roster"),
            Auth::Bearer(&dale),
        )
        .await
        .json();
    let first = roster["lines"][0]["patient_id"]
        .as_str()
        .expect("patient")
        .to_string();

    // Late or left early without the minutes is refused: no silent whole session.
    for mark in ["late", "left_early"] {
        let r = t
            .put_json(
                &format!("/api/v1/sessions/{sid}/attendance"),
                &dale,
                serde_json::json!([{ "patient_id": first, "mark": mark }]),
            )
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
        assert!(r.body.contains("how many minutes"), "{}", r.body);
    }
    let whole = t
        .put_json(
            &format!("/api/v1/sessions/{sid}/attendance"),
            &dale,
            serde_json::json!([{ "patient_id": first, "mark": "late", "minutes": 180 }]),
        )
        .await;
    assert_eq!(
        whole.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        whole.body
    );

    let marked = t
        .put_json(
            &format!("/api/v1/sessions/{sid}/attendance"),
            &dale,
            serde_json::json!([{ "patient_id": first, "mark": "present" }]),
        )
        .await;
    assert_eq!(marked.status, StatusCode::NO_CONTENT, "{}", marked.body);
    let saved = t
        .put_json(
            &format!("/api/v1/sessions/{sid}/note"),
            &dale,
            serde_json::json!({ "topic": "Problem solving", "interventions": "Skills practice.", "group_process": "Engaged.", "entries": [{ "patient_id": first, "participation": "Took part in the role play.", "progress": "Goal 1: progressing." }] }),
        )
        .await;
    assert_eq!(saved.status, StatusCode::OK, "{}", saved.body);
    let note_id = saved.json()["id"].as_str().expect("note").to_string();
    let signed = t
        .post_json(
            &format!("/api/v1/sessions/{sid}/note/sign"),
            Auth::Bearer(&dale),
            serde_json::json!({}),
        )
        .await;
    assert_eq!(signed.status, StatusCode::NO_CONTENT, "{}", signed.body);

    generate(&t, &billing, &date, &date).await;
    let pending = charges_on(&t, &billing, &first, &date).await;
    assert_eq!(pending.len(), 1, "{pending:?}");
    assert_eq!(pending[0]["status"], "pending");
    let why = pending[0]["pending_reason"].as_str().expect("reason");
    assert!(
        why.contains("awaits the clinical director's co-signature"),
        "{why}"
    );

    // Its author cannot co-sign it, even as a clinical director.
    let cosign = format!("/api/v1/notes/{note_id}/cosign");
    let own = t
        .post_json(
            &cosign,
            Auth::Bearer(&dale),
            serde_json::json!({ "kind": "group" }),
        )
        .await;
    assert_eq!(own.status, StatusCode::CONFLICT, "{}", own.body);
    generate(&t, &billing, &date, &date).await;
    assert_eq!(
        charges_on(&t, &billing, &first, &date).await[0]["status"],
        "pending"
    );

    let ok = t
        .post_json(
            &cosign,
            Auth::Bearer(&director),
            serde_json::json!({ "kind": "group" }),
        )
        .await;
    assert_eq!(ok.status, StatusCode::NO_CONTENT, "{}", ok.body);
    generate(&t, &billing, &date, &date).await;
    let released = charges_on(&t, &billing, &first, &date).await;
    let reason = released[0]["pending_reason"].as_str().unwrap_or_default();
    assert!(
        !reason.contains("co-signature") && !reason.contains("not signed"),
        "{released:?}"
    );
}

#[tokio::test]
async fn a_multi_family_group_bills_90849_once_per_family_present_and_never_90847() {
    let t = TestApp::new().await;
    let billing = t.token("billing@demo.test").await;
    let director = t.token("director@demo.test").await;
    let per_service = payer_named(&t, &billing, "Commonwealth Mutual").await;
    let (from, to) = (days(-70).to_string(), days(-1).to_string());
    generate(&t, &billing, &from, &to).await;
    let sessions = t
        .get(
            &format!("/api/v1/sessions?from={from}&to={to}"),
            Auth::Bearer(&director),
        )
        .await
        .json();
    let family: Vec<(String, String)> = sessions
        .as_array()
        .expect("sessions")
        .iter()
        .filter(|s| s["kind"] == "family" && s["status"] == "held")
        .map(|s| {
            (
                s["id"].as_str().expect("id").to_string(),
                s["local_date"].as_str().expect("date").to_string(),
            )
        })
        .collect();
    assert!(!family.is_empty(), "the demo holds family groups");
    let (mut with_family, mut without_family) = (0, 0);
    for (sid, date) in &family {
        let roster = t
            .get(
                &format!("/api/v1/sessions/{sid}/roster"),
                Auth::Bearer(&director),
            )
            .await
            .json();
        let came: std::collections::BTreeSet<String> = roster["relatives"]
            .as_array()
            .expect("relatives")
            .iter()
            .filter(|r| r["present"] == true)
            .map(|r| r["patient_id"].as_str().expect("patient").to_string())
            .collect();
        for line in roster["lines"].as_array().expect("lines") {
            let patient = line["patient_id"].as_str().expect("patient");
            if payer_of(&t, &billing, patient).await.as_deref() != Some(per_service.as_str()) {
                continue;
            }
            let of_session: Vec<serde_json::Value> = charges_on(&t, &billing, patient, date)
                .await
                .into_iter()
                .filter(|c| c["source_id"] == sid.as_str())
                .collect();
            assert!(
                of_session
                    .iter()
                    .all(|c| c["code"] != "90847" && c["code"] != "90853"),
                "{of_session:?}"
            );
            if came.contains(patient) {
                with_family += 1;
                assert_eq!(of_session.len(), 1, "one unit per family: {of_session:?}");
                assert_eq!(of_session[0]["code"], "90849", "{of_session:?}");
                assert_eq!(of_session[0]["units"], 1);
            } else {
                without_family += 1;
                assert!(of_session.is_empty(), "no relative came: {of_session:?}");
            }
        }
    }
    assert!(
        with_family > 0,
        "a per-service patient whose relatives came"
    );
    assert!(
        without_family > 0,
        "a per-service patient whose relatives did not come"
    );
}

#[tokio::test]
async fn admission_takes_co_occurring_diagnoses_but_refuses_a_code_not_valid_on_the_admit_date() {
    use crate::admissions::{admission, placement, screened};
    let t = TestApp::new().await;
    let adm = t.token("admissions@demo.test").await;
    let (program, track, counselor) = placement(&t, &adm).await;
    let admit = |dx: serde_json::Value, last: &'static str| {
        let (t, adm, program, track, counselor) = (
            &t,
            adm.clone(),
            program.clone(),
            track.clone(),
            counselor.clone(),
        );
        async move {
            let id = screened(t, &adm, last).await;
            let mut body = admission(&program, &track, &counselor, last);
            body["diagnoses"] = dx;
            t.post_json(
                &format!("/api/v1/inquiries/{id}/admit"),
                Auth::Bearer(&adm),
                body,
            )
            .await
        }
    };
    // G35 (multiple sclerosis) left the code set on 1 October 2025 for G35A–G35D.
    let retired = admit(serde_json::json!(["F10.20", "G35"]), "Retired").await;
    assert_eq!(
        retired.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        retired.body
    );
    assert!(
        retired
            .body
            .contains("G35 is not a billable ICD-10-CM code"),
        "{}",
        retired.body
    );
    let depression_first = admit(serde_json::json!(["F32.A", "F10.20"]), "Order").await;
    assert_eq!(
        depression_first.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        depression_first.body
    );
    assert!(
        depression_first.body.contains("substance use disorder"),
        "{}",
        depression_first.body
    );
    let ok = admit(
        serde_json::json!(["F10.20", "F32.A", "F41.1", "F43.10"]),
        "Cooccur",
    )
    .await;
    assert_eq!(ok.status, StatusCode::CREATED, "{}", ok.body);
}
