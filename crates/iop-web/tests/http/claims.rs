//! Claims over HTTP: 837P batches, 835 posting and claims held for consent.

use crate::billing::{days, payer_named, payer_of};
use crate::clinical::{past_session, today};
use crate::common::{Auth, TestApp};
use axum::http::StatusCode;

#[tokio::test]
async fn claims_go_out_as_an_837p_and_an_835_posts_once_while_a_corrupt_one_changes_nothing() {
    let t = TestApp::new().await;
    let billing = t.token("billing@demo.test").await;
    let batches = t
        .get("/api/v1/claim-batches", Auth::Bearer(&billing))
        .await
        .json();
    let batch = batches[0]["id"]
        .as_str()
        .expect("the demo sent a batch")
        .to_string();
    let file = t
        .get(
            &format!("/api/v1/claim-batches/{batch}/837"),
            Auth::Bearer(&billing),
        )
        .await;
    assert_eq!(file.status, StatusCode::OK);
    assert!(file.content_type().starts_with("application/edi-x12"));
    let icn = batches[0]["interchange_control_number"]
        .as_i64()
        .expect("number");
    let disposition = file
        .headers
        .get("content-disposition")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    assert!(
        disposition.starts_with(&format!("attachment; filename=\"batch-{icn}-20"))
            && disposition.ends_with(".x12\""),
        "named for its batch and day: {disposition}"
    );
    let tokens = iop_interop::x12::tokenize(&file.body).expect("the 837 tokenizes");
    let sets = iop_interop::x12::transactions(&tokens).expect("envelopes and counts are right");
    assert_eq!(sets.len(), 1);
    assert!(
        file.body.contains("005010X222A1") && file.body.contains("*23*0~"),
        "837P with a 2000C loop (patient insured through a spouse)"
    );
    let counselor = t.token("counselor@demo.test").await;
    assert_eq!(
        t.get(
            &format!("/api/v1/claim-batches/{batch}/837"),
            Auth::Bearer(&counselor)
        )
        .await
        .status,
        StatusCode::FORBIDDEN
    );

    let submitted = t
        .get("/api/v1/claims?status=submitted", Auth::Bearer(&billing))
        .await
        .json();
    let claim = submitted
        .as_array()
        .expect("claims")
        .iter()
        .find(|k| k["total_cents"].as_i64() > Some(0))
        .expect("a submitted claim")
        .clone();
    let number = claim["claim_number"].as_str().expect("number").to_string();
    let charges = t
        .get(
            &format!(
                "/api/v1/charges?from={}&to={}&patient_id={}",
                claim["period_from"].as_str().expect("from"),
                claim["period_to"].as_str().expect("to"),
                claim["patient_id"].as_str().expect("patient")
            ),
            Auth::Bearer(&billing),
        )
        .await
        .json();
    let lines: Vec<iop_app::demo::LineToPay> = charges
        .as_array()
        .expect("charges")
        .iter()
        .filter(|c| c["claim_id"] == claim["id"])
        .map(|c| iop_app::demo::LineToPay {
            code: c["code"].as_str().expect("code").to_string(),
            charge: iop_domain::Cents(c["amount_cents"].as_i64().expect("cents")),
            date: c["service_date"]
                .as_str()
                .and_then(|d| d.parse().ok())
                .expect("date"),
            control: Some(c["id"].as_str().expect("id").replace('-', "")),
        })
        .collect();
    let era = iop_app::demo::remittance_for(
        &[
            iop_app::demo::ClaimToPay {
                claim_number: number.clone(),
                outcome: iop_app::demo::Outcome::Paid,
                lines,
            },
            iop_app::demo::ClaimToPay {
                claim_number: "NOTOURS001".into(),
                outcome: iop_app::demo::Outcome::Paid,
                lines: vec![iop_app::demo::LineToPay {
                    code: "H0015".into(),
                    charge: iop_domain::Cents(10_000),
                    date: iop_domain::time::Day(days(-20)),
                    control: None,
                }],
            },
        ],
        &[],
        days(-1),
    );

    let post = |body: String| {
        let (t, b) = (&t, billing.clone());
        async move {
            let req = axum::http::Request::builder()
                .method("POST")
                .uri("/api/v1/remittances")
                .header("authorization", format!("Bearer {b}"))
                .header("content-type", "application/edi-x12")
                .body(axum::body::Body::from(body))
                .expect("request");
            t.send(req).await
        }
    };
    let claim_now = |n: String| {
        let (t, b) = (&t, billing.clone());
        async move {
            let all = t.get("/api/v1/claims", Auth::Bearer(&b)).await.json();
            all.as_array()
                .expect("claims")
                .iter()
                .find(|k| k["claim_number"] == n.as_str())
                .expect("claim")
                .clone()
        }
    };
    // A corrupt file (a bad amount, and cut short): refused with its line, nothing posted.
    let corrupt = era
        .replace("*1*", "*1*X")
        .chars()
        .take(era.len() - 40)
        .collect::<String>();
    let refused = post(corrupt).await;
    assert_eq!(
        refused.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        refused.body
    );
    assert!(
        refused.body.contains("line") && refused.body.contains("nothing was posted"),
        "{}",
        refused.body
    );
    assert_eq!(claim_now(number.clone()).await["status"], "submitted");

    let first = post(era.clone()).await;
    assert_eq!(first.status, StatusCode::OK, "{}", first.body);
    let r = first.json();
    assert_eq!(
        (
            r["already_imported"].as_bool(),
            r["claims_posted"].as_i64(),
            r["unmatched"].as_i64()
        ),
        (Some(false), Some(1), Some(1)),
        "{r}"
    );
    let paid = claim_now(number.clone()).await;
    assert_eq!(paid["status"], "paid", "{paid}");
    let total = paid["total_cents"].as_i64().expect("total");
    assert!(
        paid["paid_cents"].as_i64().expect("paid") > 0
            && paid["patient_resp_cents"].as_i64().expect("pr") > 0
            && paid["paid_cents"].as_i64() < Some(total)
    );

    let second = post(era).await.json();
    assert_eq!(second["already_imported"], true);
    assert_eq!(
        claim_now(number).await,
        paid,
        "a second import changes nothing"
    );
    let queue = t
        .get("/api/v1/remittances/unmatched", Auth::Bearer(&billing))
        .await
        .json();
    assert_eq!(
        queue.as_array().map(|q| q
            .iter()
            .filter(|u| u["claim_number"] == "NOTOURS001")
            .count()),
        Some(1)
    );
    let item = queue
        .as_array()
        .expect("queue")
        .iter()
        .find(|u| u["claim_number"] == "NOTOURS001")
        .expect("item")["id"]
        .as_str()
        .expect("id")
        .to_string();
    let close = |why: &str| {
        let (t, b, path) = (
            &t,
            billing.clone(),
            format!("/api/v1/remittances/unmatched/{item}/resolve"),
        );
        let body = serde_json::json!({ "resolution": why });
        async move { t.post_json(&path, Auth::Bearer(&b), body).await.status }
    };
    assert_eq!(
        close("payer error; asked for a corrected 835").await,
        StatusCode::NO_CONTENT
    );
    assert_eq!(close("again").await, StatusCode::CONFLICT);
    let queue = t
        .get("/api/v1/remittances/unmatched", Auth::Bearer(&billing))
        .await
        .json();
    assert!(queue
        .as_array()
        .is_some_and(|q| q.iter().all(|u| u["claim_number"] != "NOTOURS001")));

    // The patient's share is on their statement; a payment brings the balance down.
    let patient = paid["patient_id"].as_str().expect("patient");
    let statement = t
        .get(
            &format!(
                "/api/v1/patients/{patient}/statement?from={}&to={}",
                days(-90),
                today()
            ),
            Auth::Bearer(&billing),
        )
        .await
        .json();
    let owed = statement["closing_balance_cents"]
        .as_i64()
        .expect("balance");
    assert!(
        owed >= paid["patient_resp_cents"].as_i64().expect("pr"),
        "{statement}"
    );
    let pay = t.post_json(&format!("/api/v1/patients/{patient}/payments"), Auth::Bearer(&billing), serde_json::json!({ "amount_cents": 1000, "method": "card", "reference": "visa 4242", "received_on": today().to_string() })).await;
    assert_eq!(pay.status, StatusCode::CREATED, "{}", pay.body);
    let statement = t
        .get(
            &format!(
                "/api/v1/patients/{patient}/statement?from={}&to={}",
                days(-90),
                today()
            ),
            Auth::Bearer(&billing),
        )
        .await
        .json();
    assert_eq!(
        statement["closing_balance_cents"].as_i64(),
        Some(owed - 1000)
    );
    let bad = t.post_json(&format!("/api/v1/patients/{patient}/payments"), Auth::Bearer(&billing), serde_json::json!({ "amount_cents": 0, "method": "barter", "received_on": today().to_string() })).await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);

    let ar = t
        .get("/api/v1/receivables", Auth::Bearer(&billing))
        .await
        .json();
    assert!(
        ar["aging"]
            .as_array()
            .expect("aging")
            .iter()
            .any(|r| r["who"] == "Commonwealth Mutual" || r["who"] == "Bluegrass Health Plan"),
        "{ar}"
    );
    assert!(ar["revenue_by_month"]
        .as_array()
        .is_some_and(|m| !m.is_empty()));
    // Each claim sent is a disclosure to the payer, in the patient's accounting.
    let accounting = t
        .get(
            &format!("/api/v1/patients/{patient}/disclosures"),
            Auth::Bearer(&counselor),
        )
        .await
        .json();
    assert!(
        accounting
            .as_array()
            .expect("rows")
            .iter()
            .any(|d| d["channel"] == "claim"),
        "{accounting}"
    );
}

/// A past core session whose roster holds a patient of the per-diem payer whose consent
/// names that payer; the patient revokes it. (session id, date, roster, patient)
pub(crate) async fn per_diem_patient_revoking_the_payer(
    t: &TestApp,
    billing: &str,
    counselor: &str,
) -> (String, String, Vec<String>, String) {
    let s = past_session(t, counselor).await;
    let sid = s["id"].as_str().expect("id").to_string();
    let date = s["local_date"].as_str().expect("date").to_string();
    let roster = t
        .get(
            &format!("/api/v1/sessions/{sid}/roster"),
            Auth::Bearer(counselor),
        )
        .await
        .json();
    let ids: Vec<String> = roster["lines"]
        .as_array()
        .expect("lines")
        .iter()
        .map(|l| l["patient_id"].as_str().expect("id").to_string())
        .collect();
    let per_diem = payer_named(t, billing, "Bluegrass Health Plan").await;
    for p in &ids {
        if payer_of(t, billing, p).await.as_deref() != Some(per_diem.as_str()) {
            continue;
        }
        let consents = t
            .get(
                &format!("/api/v1/patients/{p}/consents"),
                Auth::Bearer(counselor),
            )
            .await
            .json();
        let Some(line) = consents
            .as_array()
            .expect("consents")
            .iter()
            .flat_map(|c| c["recipients"].as_array().cloned().unwrap_or_default())
            .find(|r| r["kind"] == "payer")
        else {
            continue;
        };
        let line = line["id"].as_str().expect("id");
        assert_eq!(
            t.post_json(
                &format!("/api/v1/consent-recipients/{line}/revoke"),
                Auth::Bearer(counselor),
                serde_json::json!({ "note": "in writing" })
            )
            .await
            .status,
            StatusCode::NO_CONTENT
        );
        let p = p.clone();
        return (sid, date, ids, p);
    }
    panic!("no per-diem patient whose consent names the payer");
}

/// Marks everyone present, writes and signs the note, charges the day and builds claims.
pub(crate) async fn document_and_build(
    t: &TestApp,
    billing: &str,
    counselor: &str,
    (sid, date, ids): (&str, &str, &[String]),
) {
    let marks: Vec<serde_json::Value> = ids
        .iter()
        .map(|p| serde_json::json!({ "patient_id": p, "mark": "present" }))
        .collect();
    t.put_json(
        &format!("/api/v1/sessions/{sid}/attendance"),
        counselor,
        serde_json::Value::Array(marks),
    )
    .await;
    let entries: Vec<serde_json::Value> = ids.iter().enumerate().map(|(i, p)| serde_json::json!({ "patient_id": p, "participation": format!("Person {i} spoke about item {i} at length."), "progress": format!("Goal {i}, step {i}.") })).collect();
    t.put_json(&format!("/api/v1/sessions/{sid}/note"), counselor, serde_json::json!({ "topic": "Crisis management", "interventions": "Role play.", "group_process": "Focused.", "entries": entries })).await;
    t.post_json(
        &format!("/api/v1/sessions/{sid}/note/sign"),
        Auth::Bearer(counselor),
        serde_json::json!({ "accept_similar": true }),
    )
    .await;
    t.post_json(
        "/api/v1/charges/generate",
        Auth::Bearer(billing),
        serde_json::json!({ "from": date, "to": date }),
    )
    .await;
    let built = t
        .post_json(
            "/api/v1/claims/build",
            Auth::Bearer(billing),
            serde_json::json!({}),
        )
        .await;
    assert_eq!(built.status, StatusCode::OK, "{}", built.body);
}

#[tokio::test]
async fn a_claim_without_consent_to_disclose_to_the_payer_is_held_with_the_reason() {
    let t = TestApp::new().await;
    let billing = t.token("billing@demo.test").await;
    let counselor = t.token("counselor@demo.test").await;
    let (sid, date, ids, patient) =
        per_diem_patient_revoking_the_payer(&t, &billing, &counselor).await;
    document_and_build(&t, &billing, &counselor, (&sid, &date, &ids)).await;
    let held = t
        .get("/api/v1/claims?status=held", Auth::Bearer(&billing))
        .await
        .json();
    let mine = held
        .as_array()
        .expect("claims")
        .iter()
        .find(|k| k["patient_id"] == patient.as_str())
        .expect("the claim is held")
        .clone();
    assert!(
        mine["problems"]
            .as_str()
            .is_some_and(|p| p
                .contains("no consent to disclose billing information to Bluegrass Health Plan")),
        "{mine}"
    );
    // Billing sees claims, never note text.
    assert!(!held.to_string().contains("Person 0 spoke"));
    assert_eq!(
        t.get(
            &format!("/api/v1/patients/{patient}/chart"),
            Auth::Bearer(&billing)
        )
        .await
        .status,
        StatusCode::FORBIDDEN
    );
}
