//! The audit trail records sign-ins and account changes, and administrators can read it.

use crate::common::{Auth, TestApp};
use axum::http::StatusCode;
use iop_app::audit::chain::VerifyOutcome;

#[tokio::test]
async fn sign_ins_failures_and_account_changes_are_in_the_audit_log_and_the_chain_verifies() {
    let t = TestApp::new().await;
    let _ = t
        .try_login("counselor@demo.test", "wrong password!", "")
        .await;
    t.login("counselor@demo.test").await;
    let admin = t.token("admin@demo.test").await;
    let add = serde_json::json!({ "email": "new@demo.test", "display_name": "New Counselor", "role": "counselor", "password": "a long enough password" });
    assert_eq!(
        t.post_json("/api/v1/users", Auth::Bearer(&admin), add)
            .await
            .status,
        StatusCode::CREATED
    );

    let res = t
        .get(
            "/api/v1/audit-events?action=auth.login",
            Auth::Bearer(&admin),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK);
    let rows = res.json();
    let outcomes: Vec<&str> = rows
        .as_array()
        .expect("array")
        .iter()
        .filter_map(|r| r["outcome"].as_str())
        .collect();
    assert!(
        outcomes.contains(&"ok") && outcomes.contains(&"denied"),
        "{outcomes:?}"
    );
    assert!(rows
        .as_array()
        .expect("array")
        .iter()
        .all(|r| r["action"] == "auth.login"));

    let adds = t
        .get(
            "/api/v1/audit-events?action=user.add&user=admin%40demo.test",
            Auth::Bearer(&admin),
        )
        .await
        .json();
    assert_eq!(adds.as_array().map(Vec::len), Some(1), "{adds}");
    // No names or emails in the trail: ids only.
    assert!(
        !adds.to_string().contains("New Counselor") && !adds.to_string().contains("new@demo.test")
    );

    let app = t.app.clone();
    let outcome = tokio::task::spawn_blocking(move || app.verify_audit_chain(|_, _| {}))
        .await
        .expect("join")
        .expect("verify");
    assert!(
        matches!(outcome, VerifyOutcome::Intact { rows } if rows >= 5),
        "{outcome:?}"
    );
}

#[tokio::test]
async fn the_audit_page_filters_by_action_and_is_closed_to_counselors() {
    let t = TestApp::new().await;
    let admin = t.login("admin@demo.test").await;
    let page = t
        .get("/admin/audit?action=auth.", Auth::Cookie(&admin))
        .await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("auth login") && !page.body.contains("demo seed"));
    let counselor = t.login("counselor@demo.test").await;
    assert_eq!(
        t.get("/admin/audit", Auth::Cookie(&counselor)).await.status,
        StatusCode::FORBIDDEN
    );
}

#[tokio::test]
async fn an_admin_adds_an_account_in_the_page_and_it_can_sign_in() {
    let t = TestApp::new().await;
    let admin = t.login("admin@demo.test").await;
    let fields = [
        ("csrf", admin.csrf.as_str()),
        ("email", "Pat@Demo.Test"),
        ("display_name", "Pat Counselor"),
        ("role", "counselor"),
        ("password", "twelve chars!"),
    ];
    let res = t
        .post_form("/admin/users", Auth::Cookie(&admin), &fields)
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let short = [
        ("csrf", admin.csrf.as_str()),
        ("email", "x@demo.test"),
        ("display_name", "X"),
        ("role", "counselor"),
        ("password", "short"),
    ];
    let refused = t
        .post_form("/admin/users", Auth::Cookie(&admin), &short)
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.body.contains("at least 12 characters"));
    let b = t.try_login("pat@demo.test", "twelve chars!", "").await;
    assert!(b.is_ok());
}
