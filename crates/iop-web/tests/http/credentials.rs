//! Credentials beyond the password check: the second factor (once-only codes, sealed
//! seeds), API tokens revoked by account changes, and password strength.

use crate::common::{Auth, TestApp, PASSWORD};
use axum::http::StatusCode;
use iop_app::{Ctx, RequestMeta};

/// Turns on the second factor for `email`, as the operator does, and returns its generator.
async fn second_factor_for(t: &TestApp, email: &'static str) -> totp_rs::TOTP {
    let app = t.app.clone();
    let url = tokio::task::spawn_blocking(move || {
        app.enable_totp(&Ctx::system(RequestMeta::cli(crate::common::now())), email)
    })
    .await
    .expect("join")
    .expect("enable");
    totp_rs::TOTP::from_url(&url).expect("otpauth url")
}

#[tokio::test]
async fn an_account_with_a_second_factor_needs_the_current_code() {
    let t = TestApp::new().await;
    let totp = second_factor_for(&t, "counselor@demo.test").await;
    let no_code = t
        .try_login("counselor@demo.test", "demo-password", "")
        .await
        .expect_err("refused");
    assert_eq!(no_code.status, StatusCode::UNAUTHORIZED);
    let wrong = t
        .try_login("counselor@demo.test", "demo-password", "000000")
        .await;
    if wrong.is_ok() {
        // One in a million: the wrong code happened to be right.
        assert_eq!(totp.generate(crate::common::now_secs()), "000000");
    }
    let code = totp.generate(crate::common::now_secs());
    assert!(t
        .try_login("counselor@demo.test", "demo-password", &code)
        .await
        .is_ok());
}

#[tokio::test]
async fn a_second_factor_code_is_accepted_once_only() {
    let t = TestApp::new().await;
    let totp = second_factor_for(&t, "counselor@demo.test").await;
    let now = u64::try_from(crate::common::now().as_second()).expect("time");
    let code = totp.generate(now);
    assert!(t
        .try_login("counselor@demo.test", PASSWORD, &code)
        .await
        .is_ok());
    let replay = t
        .try_login("counselor@demo.test", PASSWORD, &code)
        .await
        .expect_err("the same code again");
    assert_eq!(replay.status, StatusCode::UNAUTHORIZED);
    // The previous window's code is no good either once a later one was spent.
    let previous = totp.generate(now - 30);
    if previous != code {
        let old = t
            .try_login("counselor@demo.test", PASSWORD, &previous)
            .await
            .expect_err("an older code");
        assert_eq!(old.status, StatusCode::UNAUTHORIZED);
    }
}

/// A change an administrator makes to an account.
type AccountChange = Box<dyn FnOnce(&iop_app::App) -> Result<(), iop_app::AppError> + Send>;

#[tokio::test]
async fn api_tokens_stop_working_when_the_password_second_factor_or_role_changes() {
    let t = TestApp::new().await;
    let system = || Ctx::system(RequestMeta::cli(crate::common::now()));
    let changes: Vec<(&str, AccountChange)> = vec![
        (
            "password",
            Box::new(move |app: &iop_app::App| {
                app.set_user_password(
                    &system(),
                    "billing@demo.test",
                    "a brand new passphrase 42".into(),
                )
            }),
        ),
        (
            "second factor",
            Box::new(move |app: &iop_app::App| {
                app.enable_totp(&system(), "admissions@demo.test")
                    .map(|_| ())
            }),
        ),
        (
            "role",
            Box::new(move |app: &iop_app::App| {
                app.set_user_role(
                    &system(),
                    "counselor@demo.test",
                    iop_domain::Role::ClinicalDirector,
                )
            }),
        ),
    ];
    for ((what, change), email) in changes.into_iter().zip([
        "billing@demo.test",
        "admissions@demo.test",
        "counselor@demo.test",
    ]) {
        let token = t.token(email).await;
        assert_eq!(
            t.get("/api/v1/me", Auth::Bearer(&token)).await.status,
            StatusCode::OK
        );
        let app = t.app.clone();
        tokio::task::spawn_blocking(move || change(&app))
            .await
            .expect("join")
            .expect("change");
        assert_eq!(
            t.get("/api/v1/me", Auth::Bearer(&token)).await.status,
            StatusCode::UNAUTHORIZED,
            "after a {what} change"
        );
    }
}

#[tokio::test]
async fn the_totp_secret_column_holds_no_base32_secret() {
    let t = TestApp::new().await;
    let totp = second_factor_for(&t, "counselor@demo.test").await;
    let seed = totp.get_secret_base32();
    let stored = iop_app::testing::query_text(
        &t.app,
        "SELECT totp_secret AS value FROM users WHERE totp_secret IS NOT NULL",
    )
    .expect("query");
    assert_eq!(stored.len(), 1);
    assert!(
        stored[0].starts_with("sealed1:") && !stored[0].contains(&seed),
        "{}",
        stored[0]
    );
    // A seed left in plain text by an older version is sealed at start-up.
    iop_app::testing::execute_sql(
        &t.app,
        &[&format!(
            "UPDATE users SET totp_secret = '{seed}' WHERE email = 'billing@demo.test'"
        )],
    )
    .expect("plant a plain seed");
    let app = t.app.clone();
    let sealed = tokio::task::spawn_blocking(move || {
        app.seal_plain_totp_secrets(&Ctx::system(RequestMeta::cli(crate::common::now())))
    })
    .await
    .expect("join")
    .expect("seal");
    assert_eq!(sealed, 1);
    let all = iop_app::testing::query_text(
        &t.app,
        "SELECT totp_secret AS value FROM users WHERE totp_secret IS NOT NULL",
    )
    .expect("query");
    assert!(all
        .iter()
        .all(|s| s.starts_with("sealed1:") && !s.contains(&seed)));
    let code = totp.generate(crate::common::now_secs());
    assert!(t
        .try_login("counselor@demo.test", PASSWORD, &code)
        .await
        .is_ok());
}

#[tokio::test]
async fn a_common_or_guessable_password_is_refused_saying_why() {
    let t = TestApp::new().await;
    let admin = t.token("admin@demo.test").await;
    let add = |password: &str| {
        let body = serde_json::json!({ "email": "new@demo.test", "display_name": "Nora Newhire", "role": "counselor", "password": password });
        let (t, admin) = (&t, admin.clone());
        async move {
            t.post_json("/api/v1/users", Auth::Bearer(&admin), body)
                .await
        }
    };
    let common = add("1qaz2wsx3edc").await;
    assert_eq!(
        common.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        common.body
    );
    assert!(
        common.body.contains("most common passwords"),
        "{}",
        common.body
    );
    let own_name = add("nora newhire nora").await;
    assert_eq!(
        own_name.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        own_name.body
    );
    assert!(
        own_name.body.contains("too easy to guess"),
        "{}",
        own_name.body
    );
    assert_eq!(
        add("otter lamp violet quarry").await.status,
        StatusCode::CREATED
    );
}

#[tokio::test]
async fn a_person_changes_their_own_password_given_the_current_one_and_is_signed_out_everywhere() {
    let t = TestApp::new().await;
    let email = "counselor@demo.test";
    let token = t.token(email).await;
    let browser = t.login(email).await;
    let change = |current: &str, new: &str| {
        let body = serde_json::json!({ "current_password": current, "new_password": new });
        let (t, token) = (&t, token.clone());
        async move { t.put_json("/api/v1/me/password", &token, body).await }
    };
    let new = "copper kettle under the porch light";
    let wrong = change("not my password at all", new).await;
    assert_eq!(wrong.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        wrong.body.contains("current password is not right"),
        "{}",
        wrong.body
    );
    let weak = change(PASSWORD, "password1234").await;
    assert_eq!(
        weak.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        weak.body
    );

    let page = t.get("/account", Auth::Cookie(&browser)).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.body.contains("Change your password")
            && page.body.contains("autocomplete=\"new-password\"")
    );
    let typo = t
        .post_form(
            "/account/password",
            Auth::Cookie(&browser),
            &[
                ("current_password", PASSWORD),
                ("new_password", new),
                ("new_password_again", "copper kettle"),
            ],
        )
        .await;
    assert_eq!(typo.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(typo.body.contains("two new passwords differ"));

    assert_eq!(change(PASSWORD, new).await.status, StatusCode::NO_CONTENT);
    assert_eq!(
        t.get("/api/v1/me", Auth::Bearer(&token)).await.status,
        StatusCode::UNAUTHORIZED,
        "the token ends with the change"
    );
    assert_eq!(
        t.get("/dashboard", Auth::Cookie(&browser)).await.status,
        StatusCode::SEE_OTHER,
        "and so does every web session"
    );
    let fresh = t.token_with(email, new).await;
    assert_eq!(
        t.get("/api/v1/me", Auth::Bearer(&fresh)).await.status,
        StatusCode::OK
    );
}
