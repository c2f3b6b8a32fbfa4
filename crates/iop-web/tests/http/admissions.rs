//! From the first call to admission, graduation or discharge, over HTTP on the demo.

use crate::common::{Auth, TestApp};
use axum::http::StatusCode;

pub(crate) fn today() -> jiff::civil::Date {
    crate::common::now()
        .to_zoned(jiff::tz::TimeZone::get("America/Kentucky/Louisville").expect("tz"))
        .date()
}

async fn new_inquiry(t: &TestApp, token: &str, first: &str) -> String {
    let res = t.post_json("/api/v1/inquiries", Auth::Bearer(token), serde_json::json!({ "channel": "phone", "first_name": first, "phone": "(502) 555-0199" })).await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.body);
    res.json()["id"].as_str().expect("id").to_string()
}

pub(crate) async fn screened(t: &TestApp, token: &str, first: &str) -> String {
    let id = new_inquiry(t, token, first).await;
    let res = t
        .post_json(
            &format!("/api/v1/inquiries/{id}/screening"),
            Auth::Bearer(token),
            serde_json::json!({ "substances": ["alcohol"], "withdrawal_risk": "low" }),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    assert_eq!(res.json()["disposition"], "proceed");
    id
}

/// (program id, Mon/Wed/Thu track id, a counselor's staff id)
pub(crate) async fn placement(t: &TestApp, token: &str) -> (String, String, String) {
    let director = t.token("director@demo.test").await;
    let programs = t.get("/api/v1/programs", Auth::Bearer(token)).await.json();
    let track = programs[0]["tracks"]
        .as_array()
        .expect("tracks")
        .iter()
        .find(|t| t["name"] == "Mon/Wed/Thu")
        .expect("track")["id"]
        .as_str()
        .expect("id")
        .to_string();
    let staff = t.get("/api/v1/staff", Auth::Bearer(&director)).await.json();
    (
        programs[0]["id"].as_str().expect("id").to_string(),
        track,
        staff[0]["id"].as_str().expect("id").to_string(),
    )
}

/// Screens and admits a new patient onto the Mon/Wed/Thu track today: (track id, the
/// admission's answer).
pub(crate) async fn admit_new(t: &TestApp, adm: &str, last: &str) -> (String, serde_json::Value) {
    let (program, track, counselor) = placement(t, adm).await;
    let id = screened(t, adm, last).await;
    let res = t
        .post_json(
            &format!("/api/v1/inquiries/{id}/admit"),
            Auth::Bearer(adm),
            admission(&program, &track, &counselor, last),
        )
        .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.body);
    (track, res.json())
}

pub(crate) fn admission(
    program: &str,
    track: &str,
    counselor: &str,
    last: &str,
) -> serde_json::Value {
    serde_json::json!({
        "legal_first_name": "Test", "legal_last_name": last, "date_of_birth": "1988-04-02", "phone": "(502) 555-0101",
        "emergency_contact_name": "A Friend", "emergency_contact_phone": "(502) 555-0102", "program_id": program, "track_id": track,
        "admit_date": today().to_string(), "primary_counselor_id": counselor, "diagnoses": ["F10.20"], "sex": "F"
    })
}

#[tokio::test]
async fn a_seventh_patient_on_a_one_facilitator_track_is_refused_naming_the_sessions_until_a_second_is_assigned(
) {
    let t = TestApp::new().await;
    let adm = t.token("admissions@demo.test").await;
    let (program, track, counselor) = placement(&t, &adm).await;
    // The demo's Mon/Wed/Thu track has five patients and one facilitator: a sixth fits.
    let sixth = screened(&t, &adm, "Six").await;
    let ok = t
        .post_json(
            &format!("/api/v1/inquiries/{sixth}/admit"),
            Auth::Bearer(&adm),
            admission(&program, &track, &counselor, "Sixth"),
        )
        .await;
    assert_eq!(ok.status, StatusCode::CREATED, "{}", ok.body);
    assert!(ok.json()["mrn"]
        .as_str()
        .is_some_and(|m| m.starts_with("MRN")));

    let seventh = screened(&t, &adm, "Seven").await;
    let refused = t
        .post_json(
            &format!("/api/v1/inquiries/{seventh}/admit"),
            Auth::Bearer(&adm),
            admission(&program, &track, &counselor, "Seventh"),
        )
        .await;
    assert_eq!(refused.status, StatusCode::CONFLICT, "{}", refused.body);
    let detail = refused.json()["detail"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    assert!(
        detail.contains("Mon/Wed/Thu core group on")
            && detail.contains(" at 6:00 PM")
            && !detail.contains("(session ")
            && detail.contains("1 more facilitator"),
        "{detail}"
    );
    let override_by_admissions = {
        let mut a = admission(&program, &track, &counselor, "Seventh");
        a["ratio_override_reason"] = "we are short".into();
        t.post_json(
            &format!("/api/v1/inquiries/{seventh}/admit"),
            Auth::Bearer(&adm),
            a,
        )
        .await
    };
    assert_eq!(
        override_by_admissions.status,
        StatusCode::FORBIDDEN,
        "only a clinical director overrides"
    );

    // A second facilitator on the track's groups, then the same admission succeeds.
    let director = t.token("director@demo.test").await;
    let staff = t.get("/api/v1/staff", Auth::Bearer(&director)).await.json();
    let morgan = staff
        .as_array()
        .expect("array")
        .iter()
        .find(|s| s["display_name"] == "Morgan Lee")
        .expect("morgan")["id"]
        .as_str()
        .expect("id")
        .to_string();
    let to = today()
        .checked_add(jiff::Span::new().weeks(12))
        .expect("date");
    let bulk = t
        .post_json("/api/v1/staffing/bulk", Auth::Bearer(&director), serde_json::json!({ "staff_id": morgan, "program_id": program, "track_id": track, "kind": "core", "from": today().to_string(), "to": to.to_string() }))
        .await;
    assert_eq!(bulk.status, StatusCode::OK, "{}", bulk.body);
    let admitted = t
        .post_json(
            &format!("/api/v1/inquiries/{seventh}/admit"),
            Auth::Bearer(&adm),
            admission(&program, &track, &counselor, "Seventh"),
        )
        .await;
    assert_eq!(admitted.status, StatusCode::CREATED, "{}", admitted.body);

    // Both are on the track's next session roster: 5 + 2.
    let from = today().to_string();
    let sessions = t
        .get(
            &format!("/api/v1/sessions?from={from}&to={to}"),
            Auth::Bearer(&adm),
        )
        .await
        .json();
    let next = sessions
        .as_array()
        .expect("array")
        .iter()
        .find(|s| s["track_id"] == track.as_str() && s["status"] == "scheduled")
        .expect("next session");
    assert_eq!(next["expected_roster"], 7);
}

#[tokio::test]
async fn a_detox_screening_ends_referred_out_with_its_reason_and_creates_no_patient() {
    let t = TestApp::new().await;
    let adm = t.token("admissions@demo.test").await;
    let census_before =
        t.get("/api/v1/census", Auth::Bearer(&adm)).await.json()[0]["active"].clone();
    let id = new_inquiry(&t, &adm, "Detox").await;
    let res = t
        .post_json(
            &format!("/api/v1/inquiries/{id}/screening"),
            Auth::Bearer(&adm),
            serde_json::json!({ "substances": ["alcohol"], "withdrawal_risk": "severe" }),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    assert_eq!(res.json()["disposition"], "refer_to_detox");
    let inquiry = t
        .get(&format!("/api/v1/inquiries/{id}"), Auth::Bearer(&adm))
        .await
        .json();
    assert_eq!(inquiry["status"], "referred_out");
    assert!(
        inquiry["status_reason"]
            .as_str()
            .is_some_and(|r| r.contains("detox")),
        "{inquiry}"
    );
    assert!(inquiry["patient_id"].is_null());
    assert_eq!(
        t.get("/api/v1/census", Auth::Bearer(&adm)).await.json()[0]["active"],
        census_before
    );
    let (program, track, counselor) = placement(&t, &adm).await;
    let admit = t
        .post_json(
            &format!("/api/v1/inquiries/{id}/admit"),
            Auth::Bearer(&adm),
            admission(&program, &track, &counselor, "Detox"),
        )
        .await;
    assert_eq!(
        admit.status,
        StatusCode::CONFLICT,
        "a referred-out inquiry cannot be admitted"
    );
    let funnel = t.get("/api/v1/funnel", Auth::Bearer(&adm)).await.json();
    assert_eq!(funnel["referred_out_by_reason"][0][0], "referred to detox");
}

#[tokio::test]
async fn danger_to_self_brings_up_the_crisis_protocol_with_988() {
    let t = TestApp::new().await;
    let adm = t.token("admissions@demo.test").await;
    let id = new_inquiry(&t, &adm, "Crisis").await;
    let res = t
        .post_json(
            &format!("/api/v1/inquiries/{id}/screening"),
            Auth::Bearer(&adm),
            serde_json::json!({ "withdrawal_risk": "none", "danger_to_self": true }),
        )
        .await;
    assert_eq!(res.json()["disposition"], "crisis_protocol");
    let b = t.login("admissions@demo.test").await;
    let page = t.get(&format!("/admissions/{id}"), Auth::Cookie(&b)).await;
    assert!(
        page.body.contains("Crisis protocol") && page.body.contains("988"),
        "{}",
        page.body
    );
}

#[tokio::test]
async fn bad_admission_input_is_refused_with_reasons_and_stores_nothing() {
    let t = TestApp::new().await;
    let adm = t.token("admissions@demo.test").await;
    let (program, track, counselor) = placement(&t, &adm).await;
    let id = screened(&t, &adm, "Careful").await;
    for (field, value, says) in [
        ("diagnoses", serde_json::json!(["F32.9"]), "F10–F19"),
        ("diagnoses", serde_json::json!([]), "at least one diagnosis"),
        (
            "date_of_birth",
            serde_json::json!("yesterday"),
            "date of birth",
        ),
        ("phone", serde_json::json!("12"), "7 to 15 digits"),
        (
            "admit_date",
            serde_json::json!("2020-01-01"),
            "admit date must be between",
        ),
    ] {
        let mut a = admission(&program, &track, &counselor, "Careful");
        a[field] = value;
        let res = t
            .post_json(
                &format!("/api/v1/inquiries/{id}/admit"),
                Auth::Bearer(&adm),
                a,
            )
            .await;
        assert_eq!(
            res.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{field}: {}",
            res.body
        );
        assert!(res.body.contains(says), "{field}: {}", res.body);
    }
    let inquiry = t
        .get(&format!("/api/v1/inquiries/{id}"), Auth::Bearer(&adm))
        .await
        .json();
    assert_eq!(inquiry["status"], "screened", "nothing changed");
    let billing = t.token("billing@demo.test").await;
    assert_eq!(
        t.get("/api/v1/inquiries", Auth::Bearer(&billing))
            .await
            .status,
        StatusCode::FORBIDDEN
    );
}

#[tokio::test]
async fn the_front_page_lists_the_programs_for_visitors_and_sends_staff_to_their_dashboard() {
    let t = TestApp::new().await;
    let home = t.get("/", Auth::None).await;
    assert_eq!(home.status, StatusCode::OK);
    assert!(
        home.body.contains("href=\"/programs/evening-iop\"")
            && home.body.contains("Evening Intensive Outpatient Program")
            && home.body.contains("Riverside Recovery Center"),
        "{}",
        home.body
    );
    assert!(home.body.contains("rel=\"icon\""));
    let icon = t.get("/favicon.ico", Auth::None).await;
    assert_eq!(icon.status, StatusCode::OK);
    assert_eq!(icon.content_type(), "image/svg+xml");
    let staff = t.login("counselor@demo.test").await;
    let signed_in = t.get("/", Auth::Cookie(&staff)).await;
    assert_eq!(signed_in.status, StatusCode::SEE_OTHER);
    assert_eq!(
        signed_in
            .headers
            .get("location")
            .and_then(|v| v.to_str().ok()),
        Some("/dashboard")
    );
}

#[tokio::test]
async fn the_public_page_shows_the_program_and_the_call_back_form_reveals_nothing() {
    let t = TestApp::new().await;
    let page = t.get("/programs/evening-iop", Auth::None).await;
    assert_eq!(page.status, StatusCode::OK);
    for fact in [
        "6:00 PM",
        "7 to 9 weeks",
        "alumni group at no cost",
        "commercial insurance and self-pay",
        "(502) 555-0142",
        "never more than 6",
    ] {
        assert!(page.body.contains(fact), "{fact}: {}", page.body);
    }
    assert_eq!(
        t.get("/programs/no-such-program", Auth::None).await.status,
        StatusCode::NOT_FOUND
    );
    let form = [
        ("first_name", "Robin"),
        ("phone", "(502) 555-0177"),
        ("best_time", "evenings"),
        ("may_leave_message", "yes"),
    ];
    let res = t
        .post_form("/programs/evening-iop/callback", Auth::None, &form)
        .await;
    assert_eq!(res.status, StatusCode::OK);
    assert!(
        res.body.contains("We received your request") && !res.body.contains("Robin"),
        "{}",
        res.body
    );
    let adm = t.token("admissions@demo.test").await;
    let found = t
        .get("/api/v1/inquiries?q=Robin", Auth::Bearer(&adm))
        .await
        .json();
    assert_eq!(found.as_array().map(Vec::len), Some(1));
    assert_eq!(found[0]["channel"], "web");

    // A robot fills the hidden field: the same answer, nothing stored.
    let bot = [
        ("first_name", "Bot"),
        ("phone", "(502) 555-0178"),
        ("website", "http://spam.example"),
    ];
    let res = t
        .post_form("/programs/evening-iop/callback", Auth::None, &bot)
        .await;
    assert!(res.body.contains("We received your request"));
    assert_eq!(
        t.get("/api/v1/inquiries?q=Bot", Auth::Bearer(&adm))
            .await
            .json()
            .as_array()
            .map(Vec::len),
        Some(0)
    );

    let bad = t
        .post_form(
            "/programs/evening-iop/callback",
            Auth::None,
            &[("first_name", "X"), ("phone", "call me")],
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    // Rate limit: five requests an hour from one address (one was stored above).
    let mut last = StatusCode::OK;
    for _ in 0..5 {
        last = t
            .post_form("/programs/evening-iop/callback", Auth::None, &form)
            .await
            .status;
    }
    assert_eq!(last, StatusCode::TOO_MANY_REQUESTS);
}

#[tokio::test]
async fn a_refused_admission_form_comes_back_with_everything_typed() {
    let t = TestApp::new().await;
    let adm = t.token("admissions@demo.test").await;
    let (program, track, counselor) = placement(&t, &adm).await;
    let id = screened(&t, &adm, "Typed").await;
    let b = t.login("admissions@demo.test").await;
    let placement = format!("{program}/{track}");
    let today = today().to_string();
    let form = [
        ("csrf", b.csrf.as_str()),
        ("legal_first_name", "Robin"),
        ("legal_last_name", "Typed"),
        ("preferred_name", "Rob"),
        ("date_of_birth", "1990-05-06"),
        ("phone", "(502) 555-0101"),
        ("emergency_contact_name", "Sam Typed-Contact"),
        ("emergency_contact_phone", "(502) 555-0102"),
        ("placement", placement.as_str()),
        ("admit_date", today.as_str()),
        ("primary_counselor_id", counselor.as_str()),
        ("diagnoses", "Z99.89"),
    ];
    let res = t
        .post_form(&format!("/admissions/{id}/admit"), Auth::Cookie(&b), &form)
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", res.body);
    for typed in [
        "Sam Typed-Contact",
        "1990-05-06",
        "Rob",
        "Z99.89",
        "(502) 555-0102",
    ] {
        assert!(res.body.contains(typed), "the form keeps {typed:?}");
    }
}
