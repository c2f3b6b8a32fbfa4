//! Billing over HTTP on the demo: charges from documentation (with the reason a charge
//! waits), alumni never charged, claims checked before they go out, the 837P file, 835
//! posting (twice is a no-op, corrupt changes nothing), statements and receivables.

use crate::clinical::{past_session, today};
use crate::common::{Auth, TestApp};
use axum::http::StatusCode;

pub(crate) fn days(n: i64) -> jiff::civil::Date {
    today()
        .checked_add(jiff::Span::new().days(n))
        .expect("date")
}

/// The payer id (our row id) of the patient's primary coverage, if any.
pub(crate) async fn payer_of(t: &TestApp, billing: &str, patient: &str) -> Option<String> {
    let cov = t
        .get(
            &format!("/api/v1/patients/{patient}/coverage"),
            Auth::Bearer(billing),
        )
        .await
        .json();
    cov.as_array()?
        .first()
        .map(|c| c["payer_id"].as_str().unwrap_or_default().to_string())
}

pub(crate) async fn payer_named(t: &TestApp, billing: &str, name: &str) -> String {
    let payers = t.get("/api/v1/payers", Auth::Bearer(billing)).await.json();
    payers
        .as_array()
        .expect("payers")
        .iter()
        .find(|p| p["name"] == name)
        .expect("payer")["id"]
        .as_str()
        .expect("id")
        .to_string()
}

#[tokio::test]
async fn a_patient_present_150_of_180_minutes_gets_no_per_diem_charge_and_the_pending_charge_says_why(
) {
    let t = TestApp::new().await;
    let counselor = t.token("counselor@demo.test").await;
    let billing = t.token("billing@demo.test").await;
    let per_diem = payer_named(&t, &billing, "Bluegrass Health Plan").await;
    let s = past_session(&t, &counselor).await;
    let (sid, date) = (
        s["id"].as_str().expect("id").to_string(),
        s["local_date"].as_str().expect("date").to_string(),
    );
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
        .map(|l| l["patient_id"].as_str().expect("id").to_string())
        .collect();
    let mut late = None;
    let mut full = None;
    for p in &ids {
        if payer_of(&t, &billing, p).await.as_deref() == Some(per_diem.as_str()) {
            if late.is_none() {
                late = Some(p.clone());
            } else if full.is_none() {
                full = Some(p.clone());
            }
        }
    }
    let (late, full) = (
        late.expect("a per-diem patient"),
        full.expect("a second per-diem patient"),
    );
    let marks: Vec<serde_json::Value> = ids
        .iter()
        .map(|p| {
            if *p == late {
                serde_json::json!({ "patient_id": p, "mark": "late", "minutes": 150 })
            } else {
                serde_json::json!({ "patient_id": p, "mark": "present" })
            }
        })
        .collect();
    assert_eq!(
        t.put_json(
            &format!("/api/v1/sessions/{sid}/attendance"),
            &counselor,
            serde_json::Value::Array(marks)
        )
        .await
        .status,
        StatusCode::NO_CONTENT
    );

    let generate = |from: String, to: String| {
        let (t, b) = (&t, billing.clone());
        async move {
            t.post_json(
                "/api/v1/charges/generate",
                Auth::Bearer(&b),
                serde_json::json!({ "from": from, "to": to }),
            )
            .await
        }
    };
    let charges_of = |p: String| {
        let (t, b, d) = (&t, billing.clone(), date.clone());
        async move {
            let all = t
                .get(
                    &format!("/api/v1/charges?from={d}&to={d}&patient_id={p}"),
                    Auth::Bearer(&b),
                )
                .await
                .json();
            all.as_array().cloned().unwrap_or_default()
        }
    };
    // Before the note is signed, both days wait; the short one says both reasons.
    assert_eq!(
        generate(date.clone(), date.clone()).await.status,
        StatusCode::OK
    );
    let before = charges_of(late.clone()).await;
    assert_eq!(before.len(), 1, "{before:?}");
    assert_eq!(before[0]["status"], "pending");
    let reason = before[0]["pending_reason"].as_str().expect("reason");
    assert!(
        reason.contains("attended 150 of the 180 minutes the contract requires")
            && reason.contains("not signed"),
        "{reason}"
    );

    let entries: Vec<serde_json::Value> = ids
        .iter()
        .enumerate()
        .map(|(i, p)| serde_json::json!({ "patient_id": p, "participation": format!("Participant {i} described their own week in detail, item {i}."), "progress": format!("Goal {i}: a distinct step number {i}.") }))
        .collect();
    let note = serde_json::json!({ "topic": "Problem solving", "interventions": "Skills practice.", "group_process": "Engaged.", "entries": entries });
    assert_eq!(
        t.put_json(&format!("/api/v1/sessions/{sid}/note"), &counselor, note)
            .await
            .status,
        StatusCode::OK
    );
    let signed = t
        .post_json(
            &format!("/api/v1/sessions/{sid}/note/sign"),
            Auth::Bearer(&counselor),
            serde_json::json!({ "accept_similar": true }),
        )
        .await;
    assert_eq!(signed.status, StatusCode::NO_CONTENT, "{}", signed.body);

    let report = generate(date.clone(), date.clone()).await.json();
    let after = charges_of(late.clone()).await;
    assert_eq!(after.len(), 1);
    assert_eq!(after[0]["status"], "pending");
    assert_eq!(
        after[0]["pending_reason"],
        "attended 150 of the 180 minutes the contract requires"
    );
    assert_eq!(after[0]["amount_cents"], 0);
    let ok = charges_of(full.clone()).await;
    assert_eq!(
        (
            ok[0]["status"].as_str(),
            ok[0]["code"].as_str(),
            ok[0]["units"].as_i64(),
            ok[0]["amount_cents"].as_i64()
        ),
        (Some("ready"), Some("H0015"), Some(1), Some(45_000))
    );

    // Idempotent: the same period again changes nothing.
    let again = generate(date.clone(), date.clone()).await.json();
    assert_eq!(
        (again["ready"].as_i64(), again["pending"].as_i64()),
        (Some(0), Some(0)),
        "first {report}, then {again}"
    );
    assert_eq!(charges_of(full).await.len(), 1);
}

#[tokio::test]
async fn alumni_sessions_never_produce_charges() {
    let t = TestApp::new().await;
    // Riley Chen leads the alumni group and has no account: the director documents it.
    let counselor = t.token("director@demo.test").await;
    let billing = t.token("billing@demo.test").await;
    let sessions = t
        .get(
            &format!("/api/v1/sessions?from={}&to={}", days(-30), days(-1)),
            Auth::Bearer(&counselor),
        )
        .await
        .json();
    let alumni = sessions
        .as_array()
        .expect("sessions")
        .iter()
        .rev()
        .find(|s| s["kind"] == "alumni" && s["status"] != "cancelled")
        .expect("an alumni group")
        .clone();
    let sid = alumni["id"].as_str().expect("id");
    let roster = t
        .get(
            &format!("/api/v1/sessions/{sid}/roster"),
            Auth::Bearer(&counselor),
        )
        .await
        .json();
    let lines = roster["lines"].as_array().expect("lines").clone();
    assert!(!lines.is_empty(), "the demo has alumni");
    let marks: Vec<serde_json::Value> = lines
        .iter()
        .map(|l| serde_json::json!({ "patient_id": l["patient_id"], "mark": "present" }))
        .collect();
    assert_eq!(
        t.put_json(
            &format!("/api/v1/sessions/{sid}/attendance"),
            &counselor,
            serde_json::Value::Array(marks)
        )
        .await
        .status,
        StatusCode::NO_CONTENT
    );
    let entries: Vec<serde_json::Value> = lines.iter().enumerate().map(|(i, l)| serde_json::json!({ "patient_id": l["patient_id"], "participation": format!("Alumnus {i} shared news of week {i}."), "progress": format!("Sober for {} months.", i + 3) })).collect();
    t.put_json(&format!("/api/v1/sessions/{sid}/note"), &counselor, serde_json::json!({ "topic": "Alumni", "interventions": "Peer support.", "group_process": "Warm.", "entries": entries })).await;
    assert_eq!(
        t.post_json(
            &format!("/api/v1/sessions/{sid}/note/sign"),
            Auth::Bearer(&counselor),
            serde_json::json!({ "accept_similar": true })
        )
        .await
        .status,
        StatusCode::NO_CONTENT
    );

    let date = alumni["local_date"].as_str().expect("date");
    assert_eq!(
        t.post_json(
            "/api/v1/charges/generate",
            Auth::Bearer(&billing),
            serde_json::json!({ "from": date, "to": date })
        )
        .await
        .status,
        StatusCode::OK
    );
    for l in &lines {
        let p = l["patient_id"].as_str().expect("id");
        let charges = t
            .get(
                &format!("/api/v1/charges?from={date}&to={date}&patient_id={p}"),
                Auth::Bearer(&billing),
            )
            .await
            .json();
        assert_eq!(
            charges.as_array().map(Vec::len),
            Some(0),
            "alumni group on {date}: {charges}"
        );
    }
}
