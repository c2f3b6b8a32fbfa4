//! Self-pay money over HTTP: a payment above the balance needs the credit confirmation,
//! a voided payment leaves the balance as it was, and the statement says where to pay.

use crate::billing::days;
use crate::clinical::today;
use crate::common::{Auth, TestApp};
use axum::http::StatusCode;

async fn balance(t: &TestApp, token: &str, patient: &str) -> (i64, serde_json::Value) {
    let s = t
        .get(
            &format!(
                "/api/v1/patients/{patient}/statement?from={}&to={}",
                days(-90),
                today()
            ),
            Auth::Bearer(token),
        )
        .await
        .json();
    (s["closing_balance_cents"].as_i64().expect("balance"), s)
}

#[tokio::test]
async fn an_overpayment_needs_the_credit_confirmation_and_a_voided_payment_restores_the_balance() {
    let t = TestApp::new().await;
    let billing = t.token("billing@demo.test").await;
    let patient = iop_app::testing::query_text(
        &t.app,
        "SELECT id AS value FROM patients WHERE mrn = 'DEMO-0005'",
    )
    .expect("the self-pay patient")
    .remove(0);
    let (owed, statement) = balance(&t, &billing, &patient).await;
    assert!(
        owed > 0,
        "the self-pay patient owes for attended days: {statement}"
    );
    let remit = &statement["remit_to"];
    assert_eq!(remit["name"], "Riverside Recovery Center", "{statement}");
    assert!(remit["address_line"]
        .as_str()
        .is_some_and(|a| !a.is_empty()));
    assert_eq!(remit["phone"].as_str().map(str::len), Some(10));

    let pay = |cents: i64, credit: bool| {
        let (t, b, p) = (&t, billing.clone(), patient.clone());
        async move {
            t.post_json(
                &format!("/api/v1/patients/{p}/payments"),
                Auth::Bearer(&b),
                serde_json::json!({ "amount_cents": cents, "method": "card", "received_on": today().to_string(), "as_credit": credit }),
            )
            .await
        }
    };
    let over = pay(owed + 5_000, false).await;
    assert_eq!(over.status, StatusCode::CONFLICT, "{}", over.body);
    assert!(over.body.contains("kept as a credit"), "{}", over.body);
    assert_eq!(
        balance(&t, &billing, &patient).await.0,
        owed,
        "a refusal records nothing"
    );

    let part = pay(1_000, false).await;
    assert_eq!(part.status, StatusCode::CREATED, "{}", part.body);
    assert_eq!(balance(&t, &billing, &patient).await.0, owed - 1_000);
    let id = part.json()["id"].as_str().expect("id").to_string();
    let void = |reason: &str| {
        let (t, b, path) = (&t, billing.clone(), format!("/api/v1/payments/{id}/void"));
        let body = serde_json::json!({ "reason": reason });
        async move { t.post_json(&path, Auth::Bearer(&b), body).await.status }
    };
    assert_eq!(void("entered twice").await, StatusCode::NO_CONTENT);
    assert_eq!(void("again").await, StatusCode::CONFLICT);
    let (after, statement) = balance(&t, &billing, &patient).await;
    assert_eq!(after, owed, "{statement}");
    assert!(
        statement["lines"]
            .as_array()
            .expect("lines")
            .iter()
            .any(|l| l["description"]
                .as_str()
                .is_some_and(|d| d.contains("voided: entered twice"))),
        "the payment and its reversal stay on the statement: {statement}"
    );

    let credit = pay(owed + 5_000, true).await;
    assert_eq!(credit.status, StatusCode::CREATED, "{}", credit.body);
    assert_eq!(
        balance(&t, &billing, &patient).await.0,
        -5_000,
        "a credit of $50"
    );
}
