//! Email from the portal: invitations that set a password, resets, reminders, words that
//! reveal nothing, retries, the admin's failed list, and an outbox that survives a restart.

use crate::common::{now, Auth, TestApp};
use crate::portal_common::PATIENT;
use axum::http::StatusCode;
use iop_app::mail::transport::Capture;
use iop_app::mail::SendError;
use iop_app::testing::query_text;
use iop_app::App;
use iop_domain::portal::{revealing_word, Composed, MAX_ATTEMPTS};

fn rows(t: &TestApp, sql: &str) -> Vec<String> {
    query_text(&t.app, sql).expect("query")
}

fn link_in(m: &Composed) -> String {
    m.body
        .lines()
        .find(|l| l.starts_with("http"))
        .expect("a link")
        .to_string()
}

fn path_of(link: &str) -> String {
    let u = url::Url::parse(link).expect("url");
    u.path().to_string()
}

/// Words that would tell a reader of the mailbox about treatment here: the list, the
/// organisation's site and program names, the patient's diagnoses, and every person's
/// name the demo holds (patients, relatives, staff).
fn forbidden(t: &TestApp) -> Vec<String> {
    let mut words: Vec<String> = Vec::new();
    for sql in [
        "SELECT name AS value FROM sites",
        "SELECT name AS value FROM programs",
        "SELECT legal_first_name AS value FROM patients",
        "SELECT legal_last_name AS value FROM patients",
        "SELECT name AS value FROM related_persons",
        "SELECT display_name AS value FROM users",
        "SELECT diagnoses AS value FROM episodes",
    ] {
        for v in rows(t, sql) {
            // Diagnoses are stored as a list of codes: each code on its own.
            for part in v.split([',', '"', '[', ']']) {
                if part.trim().len() > 2 {
                    words.push(part.trim().to_string());
                }
            }
        }
    }
    words
}

fn assert_neutral(t: &TestApp, to: &str, from: &str, m: &Composed) {
    let words = forbidden(t);
    let also: Vec<&str> = words.iter().map(String::as_str).collect();
    for (what, text) in [
        ("subject", &m.subject),
        ("body", &m.body),
        ("sender name", &from.to_string()),
        ("link path", &path_of(&link_in(m))),
    ] {
        assert_eq!(
            revealing_word(text, &also),
            None,
            "the {what} of a message to {to} reveals: {text}"
        );
    }
}

async fn director_invites(t: &TestApp, patient: &str, email: &str, relative: &str) {
    let director = t.login("director@demo.test").await;
    let res = t
        .post_form(
            &format!("/patients/{patient}/portal"),
            Auth::Cookie(&director),
            &[
                ("email", email),
                ("related_person", relative),
                ("csrf", &director.csrf),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
}

fn an_active_patient_without_account(t: &TestApp) -> String {
    rows(t, "SELECT p.id AS value FROM patients p JOIN episodes e ON e.patient_id = p.id WHERE e.status = 'active' AND p.id NOT IN (SELECT patient_id FROM portal_accounts) ORDER BY p.mrn")
        .into_iter()
        .next()
        .expect("an active patient")
}

#[tokio::test]
async fn an_invitation_arrives_its_link_sets_a_password_once_and_every_message_is_neutral() {
    let t = TestApp::new().await;
    let patient = an_active_patient_without_account(&t);
    director_invites(&t, &patient, "new.person@example.org", "").await;
    // Only the hash of the link is stored, and the outbox keeps the link sealed.
    let stored = rows(
        &t,
        "SELECT COALESCE(link_sealed, '') AS value FROM mail_outbox WHERE kind = 'invitation'",
    );
    assert!(stored.iter().all(|s| !s.contains("/portal/welcome/")));
    let capture = Capture::default();
    let report = t.app.send_due_mail(&capture, now()).expect("send");
    assert!(report.sent >= 1);
    let sent = capture.messages();
    let (to, from, m) = sent
        .iter()
        .find(|(to, _, _)| to == "new.person@example.org")
        .expect("invitation");
    assert_neutral(&t, to, from, m);
    let path = path_of(&link_in(m));
    assert!(path.starts_with("/portal/welcome/"));
    // The link works for 72 hours, not a minute longer.
    let token = path.trim_start_matches("/portal/welcome/");
    let at = |h: i64| {
        iop_app::RequestMeta::cli(
            now()
                .checked_add(jiff::SignedDuration::from_hours(h))
                .expect("later"),
        )
    };
    let kind = iop_domain::portal::MailKind::Invitation;
    assert!(t
        .app
        .portal_link_usable(&at(71), token, kind)
        .expect("check"));
    assert!(!t
        .app
        .portal_link_usable(&at(73), token, kind)
        .expect("check"));
    let form = t.get(&path, Auth::None).await;
    assert_eq!(form.status, StatusCode::OK);
    // Another site cannot post a password to the link (no form token from this one).
    let forged = t
        .post_form(
            &path,
            Auth::None,
            &[("password", "copper kettle lantern meadow")],
        )
        .await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);
    let weak = t.set_portal_password(&path, "short").await;
    assert_eq!(weak.status, StatusCode::UNPROCESSABLE_ENTITY);
    let set = t
        .set_portal_password(&path, "copper kettle lantern meadow")
        .await;
    assert_eq!(set.status, StatusCode::SEE_OTHER, "{}", set.body);
    assert!(set
        .set_cookies()
        .iter()
        .any(|c| c.starts_with("iop_portal=")));
    let p = t
        .portal_try_login("new.person@example.org", "copper kettle lantern meadow")
        .await
        .expect("signs in");
    assert_eq!(t.portal_get(&p, "/portal").await.status, StatusCode::OK);
    let used = t.get(&path, Auth::None).await;
    assert_eq!(used.status, StatusCode::GONE, "a link works once");

    // A reset and the reminders read as neutrally.
    let form = t.get("/portal/reset", Auth::None).await;
    let pre = crate::common::cookie_value(&form.set_cookies(), "iop_portal_form").expect("cookie");
    let csrf = crate::common::hidden_field(&form.body, "csrf").expect("csrf");
    let req = axum::http::Request::builder()
        .method("POST")
        .uri("/portal/reset")
        .header("content-type", "application/x-www-form-urlencoded")
        .header("cookie", format!("iop_portal_form={pre}"))
        .body(axum::body::Body::from(
            serde_urlencoded::to_string([("email", PATIENT), ("csrf", &csrf)]).expect("form"),
        ))
        .expect("req");
    assert_eq!(t.send(req).await.status, StatusCode::OK);
    let opted = t.portal_login(PATIENT).await;
    let saved = t
        .portal_post(
            &opted,
            "/portal/settings",
            &[
                ("want", "group_reminder"),
                ("want", "appointment_reminder"),
                ("want", "form_waiting"),
                ("want", "signature_waiting"),
            ],
        )
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER);
    t.app.queue_reminders(now()).expect("reminders");
    let capture = Capture::default();
    t.app
        .send_due_mail(
            &capture,
            now()
                .checked_add(jiff::SignedDuration::from_hours(20))
                .expect("later"),
        )
        .expect("send");
    let kinds: Vec<String> = capture
        .messages()
        .iter()
        .map(|(_, _, m)| m.subject.clone())
        .collect();
    assert!(kinds.iter().any(|s| s == "Password reset"), "{kinds:?}");
    assert!(
        kinds.iter().any(|s| s == "Reminder for tomorrow"),
        "a group reminder the day before: {kinds:?}"
    );
    for (to, from, m) in capture.messages() {
        assert_neutral(&t, &to, &from, &m);
    }
}

#[tokio::test]
async fn a_group_reminder_is_written_once_the_day_before_and_waits_for_quiet_hours() {
    let t = TestApp::new().await;
    let p = t.portal_login(PATIENT).await;
    let res = t
        .portal_post(
            &p,
            "/portal/settings",
            &[
                ("want", "group_reminder"),
                ("quiet_from", "09:00"),
                ("quiet_until", "23:00"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    // Wednesday 10:00 at the site: Thursday has a group.
    assert!(t.app.queue_reminders(now()).expect("queue") >= 1);
    assert_eq!(
        t.app.queue_reminders(now()).expect("again"),
        0,
        "written once"
    );
    let held = rows(
        &t,
        "SELECT next_attempt_at AS value FROM mail_outbox WHERE kind = 'group_reminder'",
    );
    let at: jiff::Timestamp = held[0].parse().expect("instant");
    let local = at.to_zoned(jiff::tz::TimeZone::get("America/Kentucky/Louisville").expect("zone"));
    assert_eq!(
        (local.hour(), local.minute()),
        (23, 0),
        "held until the quiet hours end"
    );
    let capture = Capture::default();
    t.app.send_due_mail(&capture, now()).expect("send");
    assert!(capture
        .messages()
        .iter()
        .all(|(_, _, m)| m.subject != "Reminder for tomorrow"));
    t.app.send_due_mail(&capture, at).expect("send");
    assert!(capture
        .messages()
        .iter()
        .any(|(_, _, m)| m.subject == "Reminder for tomorrow"));
}

#[tokio::test]
async fn a_message_that_fails_is_retried_then_shown_failed_to_the_admin_and_survives_a_restart() {
    let t = TestApp::new().await;
    let patient = an_active_patient_without_account(&t);
    director_invites(&t, &patient, "retry.me@example.org", "").await;
    let capture = Capture::default();
    capture.set_failure(Some(SendError::Temporary("421 try later".into())));
    let mut at = now();
    for _ in 0..MAX_ATTEMPTS {
        t.app.send_due_mail(&capture, at).expect("pass");
        at = at
            .checked_add(jiff::SignedDuration::from_hours(5))
            .expect("later");
    }
    let status = rows(&t, "SELECT status || ' ' || CAST(attempts AS TEXT) AS value FROM mail_outbox WHERE to_address = 'retry.me@example.org'");
    assert_eq!(status, [format!("failed {MAX_ATTEMPTS}")]);
    let admin = t.login("admin@demo.test").await;
    let page = t.get("/admin/mail", Auth::Cookie(&admin)).await;
    assert!(
        page.body.contains("retry.me@example.org") && page.body.contains("421 try later"),
        "{}",
        page.body
    );
    let id = rows(
        &t,
        "SELECT id AS value FROM mail_outbox WHERE to_address = 'retry.me@example.org'",
    )
    .remove(0);
    let res = t
        .post_form(
            &format!("/admin/mail/{id}/retry"),
            Auth::Cookie(&admin),
            &[("csrf", &admin.csrf)],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    // A new process over the same database finds the message waiting and sends it.
    let restarted = App::new(t.app.store.clone(), t.app.settings.clone());
    let ok = Capture::default();
    restarted.send_due_mail(&ok, at).expect("pass");
    assert!(ok
        .messages()
        .iter()
        .any(|(to, _, _)| to == "retry.me@example.org"));
    // A counselor cannot open the admin's list.
    let counselor = t.login("counselor@demo.test").await;
    assert_eq!(
        t.get("/admin/mail", Auth::Cookie(&counselor)).await.status,
        StatusCode::FORBIDDEN
    );
}

#[tokio::test]
async fn an_address_the_server_refuses_for_good_is_marked_bouncing_for_staff() {
    let t = TestApp::new().await;
    let patient = an_active_patient_without_account(&t);
    director_invites(&t, &patient, "gone@example.org", "").await;
    let capture = Capture::default();
    capture.set_failure(Some(SendError::Permanent("550 no such mailbox".into())));
    t.app.send_due_mail(&capture, now()).expect("pass");
    let director = t.login("director@demo.test").await;
    let page = t
        .get(
            &format!("/patients/{patient}/portal"),
            Auth::Cookie(&director),
        )
        .await;
    assert!(page.body.contains("email bounces"), "{}", page.body);
}

#[tokio::test]
async fn inviting_again_voids_the_first_link_and_a_disabled_account_is_shut_at_once() {
    let t = TestApp::new().await;
    let patient = an_active_patient_without_account(&t);
    director_invites(&t, &patient, "typo@example.org", "").await;
    let first = Capture::default();
    t.app.send_due_mail(&first, now()).expect("send");
    let typo_link = path_of(&link_in(
        &first
            .messages()
            .iter()
            .find(|(to, _, _)| to == "typo@example.org")
            .expect("mail")
            .2,
    ));
    director_invites(&t, &patient, "right@example.org", "").await;
    let second = Capture::default();
    t.app.send_due_mail(&second, now()).expect("send");
    let link = path_of(&link_in(
        &second
            .messages()
            .iter()
            .find(|(to, _, _)| to == "right@example.org")
            .expect("mail")
            .2,
    ));
    assert_eq!(
        t.get(&typo_link, Auth::None).await.status,
        StatusCode::GONE,
        "the mistyped address's link is dead"
    );
    let set = t
        .set_portal_password(&link, "copper kettle lantern meadow")
        .await;
    assert_eq!(set.status, StatusCode::SEE_OTHER);
    let p = t
        .portal_try_login("right@example.org", "copper kettle lantern meadow")
        .await
        .expect("signs in");
    // An active account is not started over by accident.
    let director = t.login("director@demo.test").await;
    let again = t
        .post_form(
            &format!("/patients/{patient}/portal"),
            Auth::Cookie(&director),
            &[
                ("email", "other@example.org"),
                ("related_person", ""),
                ("csrf", &director.csrf),
            ],
        )
        .await;
    assert_eq!(
        again.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "the form comes back"
    );
    assert!(again.body.contains("already has an active account"));
    let account = rows(
        &t,
        "SELECT id AS value FROM portal_accounts WHERE email = 'right@example.org'",
    )
    .remove(0);
    let off = t
        .post_form(
            &format!("/patients/{patient}/portal/{account}/disable"),
            Auth::Cookie(&director),
            &[("csrf", &director.csrf)],
        )
        .await;
    assert_eq!(off.status, StatusCode::SEE_OTHER, "{}", off.body);
    assert_eq!(
        t.portal_get(&p, "/portal").await.status,
        StatusCode::SEE_OTHER,
        "its session ended"
    );
    assert!(t
        .portal_try_login("right@example.org", "copper kettle lantern meadow")
        .await
        .is_err());
    // An address another account holds is refused without saying whose it is.
    let taken = t
        .post_form(
            &format!("/patients/{patient}/portal"),
            Auth::Cookie(&director),
            &[
                ("email", PATIENT),
                ("related_person", ""),
                ("csrf", &director.csrf),
            ],
        )
        .await;
    assert_eq!(taken.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(taken.body.contains("cannot be used for this account"));
}

#[tokio::test]
async fn an_appointment_within_a_day_brings_one_neutral_reminder() {
    let t = TestApp::new().await;
    let counselor = t.token("counselor@demo.test").await;
    let patient = rows(
        &t,
        &format!("SELECT patient_id AS value FROM portal_accounts WHERE email = '{PATIENT}'"),
    )
    .remove(0);
    let casey = crate::care::my_staff_id(&t, &counselor, "Casey Counselor").await;
    let times = t
        .get(
            &format!("/api/v1/patients/{patient}/appointment-times?staff_id={casey}&minutes=50"),
            Auth::Bearer(&counselor),
        )
        .await;
    let first = times.json()[0].as_str().expect("a free time").to_string();
    let booked = t
        .post_json(
            "/api/v1/appointments",
            Auth::Bearer(&counselor),
            serde_json::json!({ "patient_id": patient, "staff_id": casey, "starts": first, "minutes": 50 }),
        )
        .await;
    assert_eq!(booked.status, StatusCode::CREATED, "{}", booked.body);
    // The free time is the site's wall clock ("2026-12-02T11:00").
    let zone = jiff::tz::TimeZone::get("America/Kentucky/Louisville").expect("zone");
    let starts = first
        .parse::<jiff::civil::DateTime>()
        .expect("local time")
        .to_zoned(zone)
        .expect("zoned")
        .timestamp();
    // A day before it starts (or now, when that is sooner): one reminder, written once.
    let at = starts
        .checked_sub(jiff::SignedDuration::from_hours(23))
        .expect("earlier")
        .max(now());
    t.app.queue_reminders(at).expect("queue");
    t.app.queue_reminders(at).expect("again");
    let capture = Capture::default();
    t.app.send_due_mail(&capture, at).expect("send");
    let reminders: Vec<_> = capture
        .messages()
        .into_iter()
        .filter(|(_, _, m)| m.subject == "Appointment reminder")
        .collect();
    assert_eq!(reminders.len(), 1, "{:?}", capture.messages());
    let (to, from, m) = &reminders[0];
    assert_eq!(to, PATIENT);
    assert_neutral(&t, to, from, m);
}
