//! Claim corrections over HTTP: a replacement (7) and a void (8) name the payer's claim
//! number in REF*F8, the originals stay on record, and a claim the payer has not
//! numbered yet cannot be corrected.

use crate::billing_claims::{claims_in, keep_for_pyx12};
use crate::common::{Auth, TestApp};
use axum::http::StatusCode;

#[tokio::test]
async fn a_replacement_and_a_void_carry_ref_f8_and_keep_the_originals() {
    let t = TestApp::new().await;
    let billing = t.token("billing@demo.test").await;
    let claims = t.get("/api/v1/claims", Auth::Bearer(&billing)).await.json();
    let find = |status: &str| {
        claims
            .as_array()
            .expect("claims")
            .iter()
            .find(|k| k["status"] == status)
            .cloned()
            .unwrap_or_else(|| panic!("a {status} claim in the demo"))
    };
    let (paid, deductible) = (find("paid"), find("patient_responsibility"));
    let unnumbered = claims
        .as_array()
        .expect("claims")
        .iter()
        .find(|k| k["status"] == "submitted" && k["payer_claim_number"].is_null())
        .cloned()
        .expect("a submitted claim the payer has not answered");
    let correct = |id: &serde_json::Value, kind: &str, reason: &str| {
        let (t, b) = (&t, billing.clone());
        let path = format!("/api/v1/claims/{}/correct", id.as_str().expect("id"));
        let body = serde_json::json!({ "kind": kind, "reason": reason });
        async move { t.post_json(&path, Auth::Bearer(&b), body).await }
    };

    let early = correct(&unnumbered["id"], "replacement", "wrong units").await;
    assert_eq!(early.status, StatusCode::CONFLICT, "{}", early.body);
    assert!(
        early.body.contains("has not given its claim number"),
        "{}",
        early.body
    );
    let bad = correct(&paid["id"], "original", "no").await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", bad.body);

    let replaced = correct(&paid["id"], "replacement", "the diagnosis was corrected").await;
    assert_eq!(replaced.status, StatusCode::CREATED, "{}", replaced.body);
    let voided = correct(&deductible["id"], "void", "billed to the wrong payer").await;
    assert_eq!(voided.status, StatusCode::CREATED, "{}", voided.body);
    let again = correct(&paid["id"], "void", "twice").await;
    assert_eq!(
        again.status,
        StatusCode::CONFLICT,
        "the original is replaced: {}",
        again.body
    );

    let built = t
        .post_json(
            "/api/v1/claims/build",
            Auth::Bearer(&billing),
            serde_json::json!({}),
        )
        .await;
    assert_eq!(built.status, StatusCode::OK, "{}", built.body);
    let now = t.get("/api/v1/claims", Auth::Bearer(&billing)).await.json();
    let by_id = |id: &serde_json::Value| {
        now.as_array()
            .expect("claims")
            .iter()
            .find(|k| &k["id"] == id)
            .cloned()
            .expect("claim")
    };
    assert_eq!(by_id(&paid["id"])["status"], "replaced");
    assert_eq!(by_id(&deductible["id"])["status"], "voided");
    let replacement = by_id(&replaced.json()["id"]);
    let void = by_id(&voided.json()["id"]);
    assert_eq!(replacement["status"], "ready", "{replacement}");
    assert_eq!(void["status"], "ready", "{void}");
    assert_eq!(replacement["corrects_claim_id"], paid["id"]);
    assert_eq!(replacement["total_cents"], paid["total_cents"]);

    let batch = t
        .post_json(
            "/api/v1/claim-batches",
            Auth::Bearer(&billing),
            serde_json::json!({}),
        )
        .await
        .json();
    let file = t
        .get(
            &format!(
                "/api/v1/claim-batches/{}/837",
                batch["id"].as_str().expect("batch")
            ),
            Auth::Bearer(&billing),
        )
        .await
        .body;
    keep_for_pyx12("http_replacement_and_void", &file);
    let in_file = claims_in(&file);
    for (claim, original, frequency) in [(&replacement, &paid, "7"), (&void, &deductible, "8")] {
        let number = claim["claim_number"].as_str().expect("number");
        let (_, segs) = in_file
            .iter()
            .find(|(id, _)| id == number)
            .expect("the correction is in the batch");
        let clm = &segs[0];
        assert!(clm.contains(&format!(":B:{frequency}*")), "{clm}");
        let f8 = format!(
            "REF*F8*{}",
            original["payer_claim_number"]
                .as_str()
                .expect("payer number")
        );
        assert!(segs.contains(&f8), "{segs:?}");
    }
}
