#![allow(clippy::unwrap_used, clippy::expect_used)]
//! A unique-constraint violation is reported with its table and field on both backends,
//! so the use case can answer 409 naming the field (never the value: it may be personal).

use iop_store::accounts::users::{self, UserRow};
use iop_store::testing::TestDb;
use iop_store::Store;

fn user(id: &str) -> UserRow {
    UserRow {
        id: id.parse().unwrap(),
        email: "same@clinic.test".into(),
        display_name: "Staff".into(),
        role: iop_domain::Role::Counselor,
        password_hash: "x".into(),
        totp_secret: None,
        disabled_at: None,
        created_at: "2026-12-02T00:00:00Z".parse().unwrap(),
        totp_last_step: None,
    }
}

#[test]
fn a_second_account_with_the_same_email_names_users_email() {
    let db = TestDb::new().expect("test database");
    let store = Store::open(&db.url, 2).expect("open");
    store.migrate().expect("migrate");
    store
        .write(|c| users::insert(c, &user("01900000-0000-7000-8000-000000000001")))
        .expect("first insert");
    let err = store
        .write(|c| users::insert(c, &user("01900000-0000-7000-8000-000000000002")))
        .expect_err("the email is taken");
    assert_eq!(
        err.unique_violation(),
        Some(("users".to_string(), "email".to_string())),
        "{err}"
    );
}
