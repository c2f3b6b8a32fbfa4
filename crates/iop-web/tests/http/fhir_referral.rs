//! A referral posted as a FHIR transaction Bundle becomes an inquiry ready for screening;
//! a Bundle with one invalid resource stores nothing and answers 422 with its location.

use crate::common::{Auth, TestApp};
use axum::body::Body;
use axum::http::{header, Method, Request, StatusCode};
use iop_app::testing::query_text;
use serde_json::Value;

async fn post_bundle(
    t: &TestApp,
    token: &str,
    media: &str,
    body: String,
) -> crate::common::Response {
    let req = Auth::Bearer(token)
        .apply(
            Request::builder()
                .method(Method::POST)
                .uri("/fhir/r4")
                .header(header::CONTENT_TYPE, media),
        )
        .body(Body::from(body))
        .expect("request");
    t.send(req).await
}

fn example() -> Value {
    serde_json::from_str(iop_app::fhir::EXAMPLE_REFERRAL).expect("example")
}

fn count(t: &TestApp, table: &str) -> usize {
    query_text(
        &t.app,
        &format!("SELECT CAST(COUNT(*) AS TEXT) AS value FROM {table}"),
    )
    .expect("count")[0]
        .parse()
        .expect("number")
}

#[tokio::test]
async fn a_referral_bundle_creates_an_inquiry_ready_for_screening() {
    let t = TestApp::new().await;
    let admissions = t.token("admissions@demo.test").await;
    let res = post_bundle(
        &t,
        &admissions,
        "application/fhir+json",
        example().to_string(),
    )
    .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.body);
    let o = res.json();
    assert_eq!(o["resourceType"], "OperationOutcome");
    assert_eq!(o["issue"][0]["severity"], "information");
    let location = res.headers[header::LOCATION]
        .to_str()
        .expect("location")
        .to_string();
    let path = &location[location.find("/api/v1/inquiries/").expect("an inquiry")..];
    let id = path.trim_start_matches("/api/v1/inquiries/").to_string();

    let inquiry = t.get(path, Auth::Bearer(&admissions)).await;
    assert_eq!(inquiry.status, StatusCode::OK, "{}", inquiry.body);
    let v = inquiry.json();
    assert_eq!(v["first_name"], "Jordan", "{v}");
    assert_eq!(v["last_name"], "Rivera");
    assert_eq!(v["channel"], "referral");
    assert_eq!(v["status"], "new");
    assert_eq!(v["referral_source"], "https://residential.example.org/fhir");
    assert_eq!(v["insurance_member_id"], "XJH123456789");
    assert_eq!(v["insurance_status"], "unverified");

    // What the inquiry has no field for is kept with it for screening and admission.
    let kept = query_text(
        &t.app,
        &format!("SELECT date_of_birth || ' ' || diagnoses AS value FROM inquiry_referrals WHERE inquiry_id = '{id}'"),
    )
    .expect("referral");
    assert_eq!(kept, vec!["1991-04-12 F10.20".to_string()]);
    let contacts = query_text(
        &t.app,
        &format!("SELECT name || ', ' || relationship AS value FROM inquiry_referral_contacts WHERE inquiry_id = '{id}'"),
    )
    .expect("contacts");
    assert_eq!(contacts, vec!["Sam Rivera, sister".to_string()]);
    let audit = query_text(
        &t.app,
        &format!("SELECT detail AS value FROM audit_log WHERE subject = 'inquiry:{id}' AND action = 'inquiry.create'"),
    )
    .expect("audit");
    assert_eq!(audit.len(), 1, "one creation, audited");
    assert!(audit[0].contains("\"via\":\"fhir\""), "{audit:?}");
    // Admissions sees it on the inquiry's page, in words.
    let browser = t.login("admissions@demo.test").await;
    let page = t
        .get(&format!("/admissions/{id}"), Auth::Cookie(&browser))
        .await;
    assert_eq!(page.status, StatusCode::OK);
    for shown in [
        "From the referral",
        "Sam Rivera, sister",
        "(F10.20)",
        "1991",
    ] {
        assert!(page.body.contains(shown), "{shown} not on the page");
    }
    assert!(
        !page.body.contains("1991-04-12"),
        "the day is written as words"
    );
    // No patient exists until admission.
    assert!(query_text(&t.app, "SELECT id AS value FROM patients WHERE legal_first_name = 'Jordan' AND legal_last_name = 'Rivera'")
        .expect("patients")
        .is_empty());
}

#[tokio::test]
async fn a_bundle_with_one_invalid_resource_creates_nothing_and_says_where() {
    let t = TestApp::new().await;
    let admissions = t.token("admissions@demo.test").await;
    let before = (
        count(&t, "inquiries"),
        count(&t, "inquiry_referrals"),
        count(&t, "audit_log"),
    );
    let mut b = example();
    b["entry"][3]["resource"]["code"]["coding"][0]["code"] = "F99.999".into();
    let res = post_bundle(&t, &admissions, "application/fhir+json", b.to_string()).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", res.body);
    let o = res.json();
    assert_eq!(o["resourceType"], "OperationOutcome");
    assert_eq!(o["issue"].as_array().map(Vec::len), Some(1), "{o}");
    assert_eq!(o["issue"][0]["severity"], "error");
    assert_eq!(
        o["issue"][0]["expression"][0],
        "Bundle.entry[3].resource.code.coding[0].code"
    );
    assert!(o["issue"][0]["diagnostics"]
        .as_str()
        .is_some_and(|d| d.contains("ICD-10-CM")));
    let after = (
        count(&t, "inquiries"),
        count(&t, "inquiry_referrals"),
        count(&t, "audit_log"),
    );
    assert_eq!(before, after, "nothing stored");

    // Not JSON, the wrong media type, a role that does not take inquiries: refused.
    let res = post_bundle(
        &t,
        &admissions,
        "application/fhir+json",
        "{\"resourceType\":".into(),
    )
    .await;
    assert_eq!(res.status, StatusCode::BAD_REQUEST);
    assert_eq!(res.json()["issue"][0]["expression"][0], "Bundle");
    // A name with a direction override is refused where it stands, like a typed one.
    let mut b = example();
    b["entry"][1]["resource"]["name"][0]["family"] = "Riv\u{202e}era".into();
    let res = post_bundle(&t, &admissions, "application/fhir+json", b.to_string()).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", res.body);
    assert_eq!(
        res.json()["issue"][0]["expression"][0],
        "Bundle.entry[1].resource.name[0]"
    );
    let res = post_bundle(&t, &admissions, "text/plain", example().to_string()).await;
    assert_eq!(res.status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    assert_eq!(res.json()["resourceType"], "OperationOutcome");
    let counselor = t.token("counselor@demo.test").await;
    let res = post_bundle(
        &t,
        &counselor,
        "application/fhir+json",
        example().to_string(),
    )
    .await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);
    assert_eq!(res.json()["issue"][0]["code"], "forbidden");
    assert_eq!(count(&t, "inquiries"), before.0);
}
