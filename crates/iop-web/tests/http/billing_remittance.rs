//! 835 posting over HTTP: line by line through the REF*6R control numbers, a claim paid
//! to the deductible left to the patient, provider-level adjustments on their own
//! ledger, and files that do not balance, are of another version or match nothing.

use crate::common::{Auth, TestApp};
use axum::http::StatusCode;
use iop_app::{Ctx, RequestMeta};

async fn post_835(t: &TestApp, token: &str, body: String) -> crate::common::Response {
    let req = axum::http::Request::builder()
        .method("POST")
        .uri("/api/v1/remittances")
        .header("authorization", format!("Bearer {token}"))
        .header("content-type", "application/edi-x12")
        .body(axum::body::Body::from(body))
        .expect("request");
    t.send(req).await
}

/// An 835 paying the submitted claims of one payer (the demo bills in test mode).
async fn sample_835(t: &TestApp) -> String {
    let app = t.app.clone();
    tokio::task::spawn_blocking(move || {
        app.sample_remittance(&Ctx::system(RequestMeta::cli(crate::common::now())))
    })
    .await
    .expect("join")
    .expect("a sample 835 while the demo bills in test mode")
}

async fn claims(t: &TestApp, token: &str) -> Vec<serde_json::Value> {
    t.get("/api/v1/claims", Auth::Bearer(token))
        .await
        .json()
        .as_array()
        .cloned()
        .unwrap_or_default()
}

async fn lines_of(t: &TestApp, token: &str, claim: &serde_json::Value) -> Vec<serde_json::Value> {
    t.get(
        &format!(
            "/api/v1/charges?from={}&to={}&patient_id={}",
            claim["period_from"].as_str().expect("from"),
            claim["period_to"].as_str().expect("to"),
            claim["patient_id"].as_str().expect("patient")
        ),
        Auth::Bearer(token),
    )
    .await
    .json()
    .as_array()
    .expect("charges")
    .iter()
    .filter(|c| c["claim_id"] == claim["id"])
    .cloned()
    .collect()
}

#[tokio::test]
async fn the_demo_835_posts_each_line_a_deductible_claim_to_the_patient_and_interest_to_the_provider_ledger(
) {
    let t = TestApp::new().await;
    let billing = t.token("billing@demo.test").await;
    let all = claims(&t, &billing).await;
    let paid = all
        .iter()
        .find(|k| k["status"] == "paid")
        .expect("a paid claim");
    for line in lines_of(&t, &billing, paid).await {
        let charge = line["amount_cents"].as_i64().expect("amount");
        assert_eq!(line["paid_cents"].as_i64(), Some(charge * 8 / 10), "{line}");
        assert_eq!(
            line["patient_resp_cents"].as_i64(),
            Some(charge / 10),
            "{line}"
        );
    }
    let deductible = all
        .iter()
        .find(|k| k["status"] == "patient_responsibility")
        .expect("a claim paid to the deductible");
    assert_eq!(deductible["paid_cents"], 0);
    assert_eq!(deductible["patient_resp_cents"], deductible["total_cents"]);
    let ledger = t
        .get("/api/v1/provider-ledger", Auth::Bearer(&billing))
        .await
        .json();
    let interest = &ledger[0];
    assert_eq!(
        (
            interest["reason_code"].as_str(),
            interest["amount_cents"].as_i64()
        ),
        (Some("L6"), Some(-215)),
        "{ledger}"
    );
    assert_eq!(interest["reference"], paid["claim_number"]);
}

#[tokio::test]
async fn an_835_that_does_not_balance_is_of_4010_or_matches_nothing_posts_nothing_and_says_so() {
    let t = TestApp::new().await;
    let billing = t.token("billing@demo.test").await;
    let era = sample_835(&t).await;
    let before = claims(&t, &billing).await;

    let bpr = era
        .split('~')
        .map(str::trim)
        .find(|s| s.starts_with("BPR*"))
        .expect("BPR")
        .to_string();
    let mut parts: Vec<&str> = bpr.split('*').collect();
    parts[2] = "1.00";
    let unbalanced = post_835(&t, &billing, era.replacen(&bpr, &parts.join("*"), 1)).await;
    assert_eq!(
        unbalanced.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        unbalanced.body
    );
    assert!(
        unbalanced.body.contains("BPR02 pays $1.00")
            && unbalanced.body.contains("nothing was posted"),
        "{}",
        unbalanced.body
    );
    let old = post_835(&t, &billing, era.replace("005010X221A1", "004010X091A1")).await;
    assert_eq!(old.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", old.body);
    assert!(old.body.contains("004010X091A1"), "{}", old.body);
    assert_eq!(
        claims(&t, &billing).await,
        before,
        "refused files change nothing"
    );

    // The payer misquotes our claim numbers: nothing matches, and the answer says so.
    let misquoted = era.replace("CLP*IOP", "CLP*XOP");
    let report = post_835(&t, &billing, misquoted).await;
    assert_eq!(report.status, StatusCode::OK, "{}", report.body);
    let report = report.json();
    let n = report["unmatched"].as_i64().expect("unmatched");
    assert!(n >= 1);
    assert_eq!(report["claims_posted"], 0);
    assert_eq!(
        report["summary"].as_str(),
        Some(
            format!(
                "0 of {n} claims matched; {n} wait{} in the unmatched queue to be matched by hand",
                if n == 1 { "s" } else { "" }
            )
            .as_str()
        )
    );
    // Billing matches one by hand to the claim it pays.
    let queue = t
        .get("/api/v1/remittances/unmatched", Auth::Bearer(&billing))
        .await
        .json();
    let item = queue
        .as_array()
        .expect("queue")
        .iter()
        .find(|u| {
            u["claim_number"]
                .as_str()
                .is_some_and(|c| c.starts_with("XOP"))
        })
        .expect("an item")
        .clone();
    let ours = item["claim_number"]
        .as_str()
        .expect("number")
        .replacen("XOP", "IOP", 1);
    let path = format!(
        "/api/v1/remittances/unmatched/{}/match",
        item["id"].as_str().expect("id")
    );
    let nobody = t
        .post_json(
            &path,
            Auth::Bearer(&billing),
            serde_json::json!({ "claim_number": "IOP9999999" }),
        )
        .await;
    assert_eq!(nobody.status, StatusCode::NOT_FOUND, "{}", nobody.body);
    let matched = t
        .post_json(
            &path,
            Auth::Bearer(&billing),
            serde_json::json!({ "claim_number": ours }),
        )
        .await;
    assert_eq!(matched.status, StatusCode::NO_CONTENT, "{}", matched.body);
    let claim = claims(&t, &billing)
        .await
        .into_iter()
        .find(|k| k["claim_number"] == ours.as_str())
        .expect("the claim");
    assert_eq!(claim["status"], "paid", "{claim}");
    let again = t
        .post_json(
            &path,
            Auth::Bearer(&billing),
            serde_json::json!({ "claim_number": ours }),
        )
        .await;
    assert_eq!(again.status, StatusCode::CONFLICT, "{}", again.body);
}

#[tokio::test]
async fn a_line_the_payer_recoded_is_still_posted_to_its_charge_by_its_control_number() {
    let t = TestApp::new().await;
    let billing = t.token("billing@demo.test").await;
    let era = sample_835(&t).await;
    let svc = era
        .split('~')
        .map(str::trim)
        .find(|s| s.starts_with("SVC*HC:"))
        .expect("a line")
        .to_string();
    let code = svc["SVC*HC:".len()..]
        .split(['*', ':'])
        .next()
        .expect("code")
        .to_string();
    let recoded = svc.replacen(&format!("HC:{code}"), "HC:S9480", 1);
    let claim_number = era
        .split('~')
        .map(str::trim)
        .find(|s| s.starts_with("CLP*"))
        .and_then(|s| s.split('*').nth(1))
        .expect("claim")
        .to_string();
    let r = post_835(&t, &billing, era.replacen(&svc, &recoded, 1)).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let claim = claims(&t, &billing)
        .await
        .into_iter()
        .find(|k| k["claim_number"] == claim_number.as_str())
        .expect("claim");
    let lines = lines_of(&t, &billing, &claim).await;
    assert!(
        lines.iter().all(|l| l["paid_cents"].as_i64() > Some(0)),
        "every line, the recoded one too, is paid: {lines:?}"
    );
}

#[tokio::test]
async fn a_claim_paid_in_two_loops_of_one_835_keeps_both_payments_on_the_claim_and_its_lines() {
    use iop_app::demo::remit::{remittance_for, ClaimToPay, LineToPay, Outcome};
    let t = TestApp::new().await;
    let billing = t.token("billing@demo.test").await;
    let claim = claims(&t, &billing)
        .await
        .into_iter()
        .find(|k| k["status"] == "submitted")
        .expect("a submitted claim");
    let lines = lines_of(&t, &billing, &claim).await;
    let pay = ClaimToPay {
        claim_number: claim["claim_number"].as_str().expect("number").into(),
        outcome: Outcome::Paid,
        lines: lines
            .iter()
            .map(|l| LineToPay {
                code: l["code"].as_str().expect("code").into(),
                charge: iop_domain::Cents(l["amount_cents"].as_i64().expect("amount")),
                date: l["service_date"]
                    .as_str()
                    .expect("date")
                    .parse()
                    .expect("day"),
                control: Some(l["id"].as_str().expect("id").replace('-', "")),
            })
            .collect(),
    };
    // The payer split its payment in two claim loops (two CLPs for one claim).
    let era = remittance_for(&[pay.clone(), pay], &[], crate::common::now_zoned().date());
    let r = post_835(&t, &billing, era).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.json()["claims_posted"], 2, "{}", r.body);
    let after = claims(&t, &billing)
        .await
        .into_iter()
        .find(|k| k["id"] == claim["id"])
        .expect("claim");
    let mut expected = 0;
    for line in lines_of(&t, &billing, &after).await {
        let charge = line["amount_cents"].as_i64().expect("amount");
        assert_eq!(
            line["paid_cents"].as_i64(),
            Some(2 * (charge * 8 / 10)),
            "{line}"
        );
        expected += 2 * (charge * 8 / 10);
    }
    assert_eq!(after["paid_cents"].as_i64(), Some(expected), "{after}");
}
