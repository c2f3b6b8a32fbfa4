//! The patient and family portal over HTTP: another patient's ids, questionnaires and
//! the safety alert, a relative's access ending with the consent.

use crate::common::{now, Auth, TestApp};
use crate::portal_common::{links, FAMILY, PATIENT, PATIENT_2};
use axum::http::StatusCode;
use iop_app::consent::consents::{NewConsent, NewRecipient};
use iop_app::testing::query_text;
use iop_app::{Ctx, RequestMeta};
use iop_domain::consent::{Expiry, RecipientClass};
use iop_web::access::Access;
use iop_web::routes::registry;

fn one(t: &TestApp, sql: &str) -> String {
    query_text(&t.app, sql)
        .expect("query")
        .into_iter()
        .next()
        .unwrap_or_else(|| panic!("no row for {sql}"))
}

fn patient_of(t: &TestApp, email: &str) -> String {
    one(
        t,
        &format!("SELECT patient_id AS value FROM portal_accounts WHERE email = '{email}'"),
    )
}

/// A TPO consent naming the classes of recipients, as staff would draft it.
pub fn tpo_draft() -> NewConsent {
    NewConsent {
        replaces: None,
        information: vec!["billing".into()],
        recipients: vec![NewRecipient::Class(RecipientClass::Payers)],
        purpose: iop_domain::consent::TPO_PURPOSE.into(),
        tpo: true,
        expiry: Expiry::Never,
        signature: String::new(),
        representative: None,
        patient_signed_too: false,
        signed_on: None,
    }
}

fn unknown() -> String {
    uuid::Uuid::now_v7().to_string()
}

/// The concrete paths of a portal route: one with patient B's ids, one with ids that
/// exist nowhere. A new portal route with ids must be added here, or the test fails.
fn cases(t: &TestApp, path: &str, b: &str) -> Vec<(String, String)> {
    match path {
        "/portal/plans/{kind}/{id}" | "/portal/plans/{kind}/{id}/sign" => {
            let mut out = Vec::new();
            for (kind, table) in [
                ("relapse", "relapse_plans"),
                ("treatment", "treatment_plans"),
            ] {
                for id in query_text(
                    &t.app,
                    &format!("SELECT id AS value FROM {table} WHERE patient_id = '{b}'"),
                )
                .expect("ids")
                {
                    let with = |id: &str| path.replace("{kind}", kind).replace("{id}", id);
                    out.push((with(&id), with(&unknown())));
                }
            }
            out
        }
        "/portal/consents/{id}/recipients/{recipient}/withdraw" => {
            let rows = query_text(
                &t.app,
                &format!(
                    "SELECT c.id || ' ' || r.id AS value FROM consents c JOIN consent_recipients r ON r.consent_id = c.id WHERE c.patient_id = '{b}'"
                ),
            )
            .expect("consents");
            rows.iter()
                .filter_map(|r| r.split_once(' '))
                .map(|(c, r)| {
                    let with = |c: &str, r: &str| path.replace("{id}", c).replace("{recipient}", r);
                    (with(c, r), with(&unknown(), &unknown()))
                })
                .collect()
        }
        "/portal/consent-drafts/{id}/sign" => query_text(
            &t.app,
            &format!("SELECT id AS value FROM consent_drafts WHERE patient_id = '{b}'"),
        )
        .expect("drafts")
        .iter()
        .map(|id| (path.replace("{id}", id), path.replace("{id}", &unknown())))
        .collect(),
        // The questionnaire's name, not an id: there is nothing of B's to put there.
        "/portal/forms/{instrument}" => Vec::new(),
        // Secret tokens, not ids: an unknown one is not found (portal_account tests).
        "/portal/welcome/{token}" | "/portal/reset/{token}" | "/portal/calendar/{file}" => {
            Vec::new()
        }
        other => panic!("the portal route {other} takes ids: add them to this test"),
    }
}

#[tokio::test]
async fn every_portal_route_answers_another_patients_ids_as_ids_that_do_not_exist_and_audits_each()
{
    let t = TestApp::new().await;
    let a = t.portal_login(PATIENT).await;
    let b = patient_of(&t, PATIENT_2);
    assert_ne!(b, patient_of(&t, PATIENT));
    // B has a consent waiting for their signature, so its route has an id of theirs.
    t.app
        .draft_consent(
            &Ctx::system(RequestMeta::cli(now())),
            b.parse().expect("id"),
            tpo_draft(),
        )
        .expect("draft");
    let before = t.audit_count("portal.refused");
    let mut walked = 0;
    let mut requests = 0;
    for route in registry() {
        if !route.path.starts_with("/portal") || !route.path.contains('{') {
            continue;
        }
        let is_portal = matches!(route.access, Access::Portal(_));
        for (theirs, nobodys) in cases(&t, route.path, &b) {
            assert!(
                is_portal,
                "{} holds ids but is not a portal route",
                route.path
            );
            let ask = |p: String| {
                let (t, a, m) = (&t, &a, route.method.clone());
                async move {
                    if m == axum::http::Method::GET {
                        t.portal_get(a, &p).await
                    } else {
                        t.portal_post(a, &p, &[("signature", "A Person")]).await
                    }
                }
            };
            let x = ask(theirs.clone()).await;
            let y = ask(nobodys.clone()).await;
            assert_eq!(
                x.status,
                StatusCode::NOT_FOUND,
                "{} {theirs}: {}",
                route.method,
                x.body
            );
            assert_eq!(
                y.status,
                StatusCode::NOT_FOUND,
                "{} {nobodys}",
                route.method
            );
            assert_eq!(
                x.body, y.body,
                "{} answers B's id differently from an unknown one",
                route.path
            );
            requests += 2;
            walked += 1;
        }
    }
    assert!(walked >= 4, "only {walked} route and id pairs were walked");
    assert_eq!(
        t.audit_count("portal.refused") - before,
        requests,
        "every refusal is audited"
    );
    // Nothing of B's changed: no plan signed in their name, no recipient withdrawn.
    let revoked = one(&t, &format!("SELECT CAST(COUNT(*) AS TEXT) AS value FROM consent_recipients r JOIN consents c ON c.id = r.consent_id WHERE c.patient_id = '{b}' AND r.revocation_note LIKE '%portal%'"));
    assert_eq!(revoked, "0");
    let signed = one(&t, &format!("SELECT CAST(COUNT(*) AS TEXT) AS value FROM treatment_plans WHERE patient_id = '{b}' AND patient_signature = 'A Person'"));
    assert_eq!(signed, "0");
}

#[tokio::test]
async fn a_phq9_with_item_9_answered_in_the_portal_shows_988_and_raises_the_counselors_alert() {
    let t = TestApp::new().await;
    let p = t.portal_login(PATIENT).await;
    let home = t.portal_get(&p, "/portal").await;
    assert!(
        home.body.contains("/portal/forms/phq9"),
        "the PHQ-9 is due: {}",
        home.body
    );
    let form = t.portal_get(&p, "/portal/forms/phq9").await;
    assert!(form
        .body
        .contains("Little interest or pleasure in doing things"));
    // A form sent with an item left out comes back with the answers given.
    let partial: Vec<(String, String)> =
        (1..=8).map(|i| (format!("item_{i}"), "1".into())).collect();
    let fields: Vec<(&str, &str)> = partial
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let refused = t.portal_post(&p, "/portal/forms/phq9", &fields).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.body.contains("Item 9: choose an answer"));
    assert!(refused
        .body
        .contains(r#"name="item_1" value="1" required checked"#));
    let mut all = partial.clone();
    all.push(("item_9".into(), "1".into()));
    let fields: Vec<(&str, &str)> = all.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let done = t.portal_post(&p, "/portal/forms/phq9", &fields).await;
    assert_eq!(done.status, StatusCode::OK, "{}", done.body);
    assert!(done.body.contains("tel:988"), "{}", done.body);
    let patient = patient_of(&t, PATIENT);
    let director = t.token("director@demo.test").await;
    let alerts = t.get("/api/v1/alerts", Auth::Bearer(&director)).await;
    assert!(
        alerts.body.contains(&patient) && alerts.body.contains("phq9_item9"),
        "{}",
        alerts.body
    );
    let counselor = t.login("counselor@demo.test").await;
    let dash = t.get("/dashboard", Auth::Cookie(&counselor)).await;
    assert!(
        dash.body.contains("PHQ-9 item 9"),
        "the counselor's dashboard shows it"
    );
    // Answered: it is no longer waiting, and asking for it again is not found.
    let again = t.portal_get(&p, "/portal/forms/phq9").await;
    assert_eq!(again.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn a_relative_sees_family_group_dates_until_the_patient_withdraws_and_then_is_refused() {
    let t = TestApp::new().await;
    let f = t.portal_login(FAMILY).await;
    let home = t.portal_get(&f, "/portal").await;
    assert_eq!(home.status, StatusCode::OK);
    assert!(home.body.contains("Family group dates"));
    assert!(
        home.body.contains("6:00 PM"),
        "times in the site's zone: {}",
        home.body
    );
    // Nothing but the family view: the patient's own pages are not there for them.
    for path in [
        "/portal/forms",
        "/portal/plans",
        "/portal/consents",
        "/portal/statement",
    ] {
        assert_eq!(
            t.portal_get(&f, path).await.status,
            StatusCode::NOT_FOUND,
            "{path}"
        );
    }
    let p = t.portal_login(PATIENT).await;
    // Their sign-in was a disclosure, listed for the patient.
    let relative = one(&t, &format!("SELECT r.name AS value FROM related_persons r JOIN portal_accounts a ON a.related_person_id = r.id WHERE a.email = '{FAMILY}'"));
    let listed = t.portal_get(&p, "/portal/disclosures").await;
    assert!(listed.body.contains(&relative), "{}", listed.body);
    let person = one(
        &t,
        &format!("SELECT related_person_id AS value FROM portal_accounts WHERE email = '{FAMILY}'"),
    );
    let page = t.portal_get(&p, "/portal/consents").await;
    let withdraw: Vec<String> = links(&page.body, "/portal/consents/")
        .into_iter()
        .filter(|l| l.ends_with("/withdraw"))
        .collect();
    let recipient_of_relative = one(&t, &format!("SELECT id AS value FROM consent_recipients WHERE ref_id = '{person}' AND revoked_at IS NULL"));
    let link = withdraw
        .iter()
        .find(|l| l.contains(&recipient_of_relative))
        .expect("a withdraw button for the relative");
    // It asks once first, naming them, and changes nothing until confirmed.
    let asked = t.portal_post(&p, link, &[]).await;
    assert_eq!(asked.status, StatusCode::OK);
    assert!(asked
        .body
        .contains(&format!("Withdraw your permission for {relative}?")));
    assert_eq!(t.portal_get(&f, "/portal").await.status, StatusCode::OK);
    let res = t.portal_post(&p, link, &[("confirmed", "yes")]).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let refused = t.portal_get(&f, "/portal").await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    assert!(refused.body.contains("no longer has access"));
    assert!(
        !refused.body.contains(&relative) && !refused.body.to_lowercase().contains("treatment")
    );
    let again = t
        .portal_try_login(FAMILY, "demo-password")
        .await
        .expect_err("refused");
    assert_eq!(again.status, StatusCode::FORBIDDEN);
    let _ = now();
}

#[tokio::test]
async fn a_patient_signs_their_plan_with_their_typed_name_and_cannot_sign_as_the_counselor() {
    let t = TestApp::new().await;
    let p = t.portal_login(PATIENT).await;
    let plans = t.portal_get(&p, "/portal/plans").await;
    let waiting = links(&plans.body, "/portal/plans/relapse/");
    let link = waiting.first().expect("the relapse plan to sign");
    let blank = t
        .portal_post(&p, &format!("{link}/sign"), &[("signature", " ")])
        .await;
    assert_eq!(blank.status, StatusCode::UNPROCESSABLE_ENTITY);
    let signed = t
        .portal_post(&p, &format!("{link}/sign"), &[("signature", "Drew Person")])
        .await;
    assert_eq!(signed.status, StatusCode::SEE_OTHER, "{}", signed.body);
    let page = t.portal_get(&p, link).await;
    assert!(page.body.contains("Signed by you (Drew Person)"));
}

#[tokio::test]
async fn a_portal_session_opens_no_staff_page_and_a_staff_session_no_portal_page() {
    let t = TestApp::new().await;
    let p = t.portal_login(PATIENT).await;
    let staff = t
        .send(
            axum::http::Request::builder()
                .uri("/dashboard")
                .header("cookie", format!("iop_session={}", p.cookie))
                .body(axum::body::Body::empty())
                .expect("req"),
        )
        .await;
    assert_eq!(
        staff.status,
        StatusCode::SEE_OTHER,
        "the portal cookie is not a staff session"
    );
    let counselor = t.login("counselor@demo.test").await;
    let portal = t
        .send(
            axum::http::Request::builder()
                .uri("/portal")
                .header("cookie", format!("iop_portal={}", counselor.cookie))
                .body(axum::body::Body::empty())
                .expect("req"),
        )
        .await;
    assert_eq!(portal.status, StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn a_consent_staff_drafted_is_signed_by_the_patient_in_the_portal_with_their_typed_name_and_time(
) {
    let t = TestApp::new().await;
    let patient = patient_of(&t, PATIENT);
    let director = t.login("director@demo.test").await;
    let res = t
        .post_form(
            &format!("/patients/{patient}/consents"),
            Auth::Cookie(&director),
            &[
                ("csrf", &director.csrf),
                ("class", "payers"),
                ("information", "billing"),
                ("purpose", iop_domain::consent::TPO_PURPOSE),
                ("tpo", "yes"),
                ("expiry_kind", "never"),
                ("draft", "yes"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let p = t.portal_login(PATIENT).await;
    assert!(t
        .portal_get(&p, "/portal")
        .await
        .body
        .contains("A permission to share your records"));
    let page = t.portal_get(&p, "/portal/consents").await;
    assert!(
        page.body.contains("Waiting for your signature")
            && page.body.contains("health plans and third-party payers"),
        "{}",
        page.body
    );
    let sign = links(&page.body, "/portal/consent-drafts/").remove(0);
    let refused = t
        .portal_post(&p, &sign, &[("signature", "signed on paper")])
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    let before = one(
        &t,
        &format!(
            "SELECT CAST(COUNT(*) AS TEXT) AS value FROM consents WHERE patient_id = '{patient}'"
        ),
    );
    let ok = t
        .portal_post(&p, &sign, &[("signature", "Drew Patel")])
        .await;
    assert_eq!(ok.status, StatusCode::SEE_OTHER, "{}", ok.body);
    let after = one(
        &t,
        &format!(
            "SELECT CAST(COUNT(*) AS TEXT) AS value FROM consents WHERE patient_id = '{patient}'"
        ),
    );
    assert_eq!(
        after.parse::<i32>().expect("n"),
        before.parse::<i32>().expect("n") + 1
    );
    let signed = one(&t, &format!("SELECT signature || '|' || signed_at AS value FROM consents WHERE patient_id = '{patient}' ORDER BY recorded_at DESC LIMIT 1"));
    assert!(signed.starts_with("Drew Patel|"), "{signed}");
    let again = t
        .portal_post(&p, &sign, &[("signature", "Drew Patel")])
        .await;
    assert_eq!(again.status, StatusCode::NOT_FOUND, "signed once");
}
