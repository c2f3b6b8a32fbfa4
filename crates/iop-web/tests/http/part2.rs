//! 42 CFR Part 2 as the 2024 rule writes it, over HTTP: recipients named by class on a
//! TPO consent, the accounting naming who actually received, the statements consents and
//! disclosures carry, the minor-and-parent signatures, and the notice of privacy
//! practices given at admission.

use crate::admissions::{admission, placement, screened};
use crate::claims::{document_and_build, per_diem_patient_revoking_the_payer};
use crate::common::{Auth, TestApp};
use axum::http::StatusCode;

fn tpo_consent(classes: &[&str], information: &[&str]) -> serde_json::Value {
    let recipients: Vec<serde_json::Value> = classes
        .iter()
        .map(|c| serde_json::json!({ "kind": "class", "class": c }))
        .collect();
    serde_json::json!({
        "information": information, "recipients": recipients,
        "purpose": "for treatment, payment, and health care operations", "tpo": true,
        "expiry": "never", "signature": "signed on paper"
    })
}

/// Records a TPO consent for the patient: (its id, the consent as the API shows it).
pub(crate) async fn record_tpo(
    t: &TestApp,
    token: &str,
    patient: &str,
    classes: &[&str],
    information: &[&str],
) -> (String, serde_json::Value) {
    let res = t
        .post_json(
            &format!("/api/v1/patients/{patient}/consents"),
            Auth::Bearer(token),
            tpo_consent(classes, information),
        )
        .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.body);
    let consent = res.json()["id"].as_str().expect("id").to_string();
    let views = t
        .get(
            &format!("/api/v1/patients/{patient}/consents"),
            Auth::Bearer(token),
        )
        .await
        .json();
    let view = views
        .as_array()
        .expect("consents")
        .iter()
        .find(|c| c["id"] == consent.as_str())
        .expect("the new consent")
        .clone();
    (consent, view)
}

/// Screens and admits a new patient as the clinical director (past the ratio, so the
/// demo's full tracks do not matter), with `extra` fields in the admission: the patient id.
async fn admit(
    t: &TestApp,
    director: &str,
    (program, track, staff): (&str, &str, &str),
    last: &str,
    extra: serde_json::Value,
) -> String {
    let inquiry = screened(t, director, last).await;
    let mut body = admission(program, track, staff, last);
    body["ratio_override_reason"] = "a test admission".into();
    for (k, v) in extra.as_object().expect("object") {
        body[k] = v.clone();
    }
    let res = t
        .post_json(
            &format!("/api/v1/inquiries/{inquiry}/admit"),
            Auth::Bearer(director),
            body,
        )
        .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.body);
    res.json()["patient_id"].as_str().expect("id").to_string()
}

async fn disclosures(t: &TestApp, token: &str, patient: &str) -> Vec<serde_json::Value> {
    let res = t
        .get(
            &format!("/api/v1/patients/{patient}/disclosures"),
            Auth::Bearer(token),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    res.json().as_array().expect("rows").clone()
}

#[tokio::test]
async fn a_tpo_class_consent_lets_a_claim_go_to_the_patients_payer_and_the_accounting_names_the_payer(
) {
    let t = TestApp::new().await;
    let billing = t.token("billing@demo.test").await;
    let counselor = t.token("counselor@demo.test").await;
    let (sid, date, ids, patient) =
        per_diem_patient_revoking_the_payer(&t, &billing, &counselor).await;
    // The patient signs the single TPO consent, naming payers as a class.
    let (consent, view) = record_tpo(
        &t,
        &counselor,
        &patient,
        &["treating_providers", "payers"],
        &["billing"],
    )
    .await;
    assert!(
        view["redisclosure_statement"]
            .as_str()
            .is_some_and(|s| s.contains(
                "redisclosed in accordance with the permissions contained in the HIPAA regulations"
            )),
        "a TPO consent to covered entities carries the §2.31(a)(4)(iii) statement: {view}"
    );

    document_and_build(&t, &billing, &counselor, (&sid, &date, &ids)).await;
    let held = t
        .get("/api/v1/claims?status=held", Auth::Bearer(&billing))
        .await
        .json();
    assert!(
        !held
            .as_array()
            .expect("claims")
            .iter()
            .any(|k| k["patient_id"] == patient.as_str()),
        "the class consent covers the payer: {held}"
    );
    let batch = t
        .post_json(
            "/api/v1/claim-batches",
            Auth::Bearer(&billing),
            serde_json::json!({}),
        )
        .await;
    assert!(batch.status.is_success(), "{}", batch.body);

    let rows = disclosures(&t, &counselor, &patient).await;
    let claim = rows
        .iter()
        .find(|r| r["channel"] == "claim" && r["consent_id"] == consent.as_str())
        .unwrap_or_else(|| panic!("a claim disclosed under the class consent: {rows:?}"));
    assert_eq!(claim["recipient_kind"], "payer");
    assert_eq!(claim["recipient_name"], "Bluegrass Health Plan");
    assert_eq!(claim["notice_version"], "2.32(a)(1)-2024");
}

#[tokio::test]
async fn a_release_to_a_treating_provider_under_a_class_needs_and_logs_the_recipients_name() {
    let t = TestApp::new().await;
    let counselor = t.token("counselor@demo.test").await;
    let census = t
        .get("/api/v1/census", Auth::Bearer(&counselor))
        .await
        .json();
    let patient = census[0]["patients"][0]["patient_id"]
        .as_str()
        .unwrap_or_else(|| panic!("a patient on the caseload: {census}"))
        .to_string();
    let (consent, view) = record_tpo(
        &t,
        &counselor,
        &patient,
        &["treating_providers"],
        &["treatment_progress"],
    )
    .await;
    let line = view["recipients"][0]["id"]
        .as_str()
        .expect("line")
        .to_string();
    let release = |name: Option<&str>| {
        let mut body = serde_json::json!({ "recipient_id": line, "information": ["treatment_progress"], "purpose": "treatment: step-up to residential care", "channel": "print" });
        if let Some(n) = name {
            body["recipient_name"] = n.into();
        }
        let (t, c, p) = (&t, counselor.clone(), patient.clone());
        async move {
            t.post_json(
                &format!("/api/v1/patients/{p}/releases"),
                Auth::Bearer(&c),
                body,
            )
            .await
        }
    };
    let unnamed = release(None).await;
    assert_eq!(unnamed.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(unnamed.body.contains("who receives"), "{}", unnamed.body);

    let done = release(Some("Mercy Hospital, emergency department")).await;
    assert_eq!(done.status, StatusCode::OK, "{}", done.body);
    let doc = done.json();
    assert_eq!(
        doc["recipient_name"],
        "Mercy Hospital, emergency department"
    );
    assert!(doc["notice"]
        .as_str()
        .is_some_and(|n| n.starts_with("This record which has been disclosed to you is protected by Federal confidentiality rules (42 CFR part 2).")));
    let rows = disclosures(&t, &counselor, &patient).await;
    let out = rows
        .iter()
        .find(|r| r["consent_id"] == consent.as_str())
        .expect("logged");
    assert_eq!(
        (&out["recipient_kind"], &out["recipient_name"]),
        (
            &serde_json::json!("outside"),
            &serde_json::json!("Mercy Hospital, emergency department")
        )
    );
}

#[tokio::test]
async fn where_the_state_requires_a_parents_consent_a_minors_consent_needs_both_signatures() {
    let t = TestApp::new().await;
    let director = t.token("director@demo.test").await;
    let admin = t.token("admin@demo.test").await;
    let (program, track, staff) = placement(&t, &director).await;
    let settings = serde_json::json!({ "minors_need_parent_consent": true, "age_of_majority": 18, "privacy_notice_version": "2026-03 rev. B" });
    let res = t
        .put_json(
            &format!("/api/v1/programs/{program}/privacy"),
            &admin,
            settings,
        )
        .await;
    assert_eq!(res.status, StatusCode::NO_CONTENT, "{}", res.body);

    // A 16-year-old is admitted and given the notice of privacy practices.
    let sixteen = crate::admissions::today()
        .checked_sub(jiff::Span::new().years(16))
        .expect("date");
    let patient = admit(
        &t,
        &director,
        (&program, &track, &staff),
        "Minor",
        serde_json::json!({ "date_of_birth": sixteen.to_string(), "privacy_notice_given": true }),
    )
    .await;
    let relative = t
        .post_json(
            &format!("/api/v1/patients/{patient}/related-persons"),
            Auth::Bearer(&director),
            serde_json::json!({ "name": "Pat Parent", "relationship": "mother" }),
        )
        .await
        .json()["id"]
        .as_str()
        .expect("id")
        .to_string();
    let consent = |extra: serde_json::Value| {
        let mut b = serde_json::json!({ "information": ["enrollment"], "recipients": [{ "kind": "person", "ref_id": relative }], "purpose": "family involvement", "expiry": "end_of_treatment", "signature": "Minor Test" });
        for (k, v) in extra.as_object().expect("object") {
            b[k] = v.clone();
        }
        let (t, d, p) = (&t, director.clone(), patient.clone());
        async move {
            t.post_json(
                &format!("/api/v1/patients/{p}/consents"),
                Auth::Bearer(&d),
                b,
            )
            .await
        }
    };
    for (extra, who) in [
        (serde_json::json!({}), "the minor alone"),
        (
            serde_json::json!({ "representative_name": "Pat Parent", "representative_authority": "parent" }),
            "the parent alone",
        ),
    ] {
        let res = consent(extra).await;
        assert_eq!(
            res.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{who}: {}",
            res.body
        );
        assert!(
            res.body.contains("both the minor's and a parent's"),
            "{who}: {}",
            res.body
        );
    }
    let both = consent(serde_json::json!({ "representative_name": "Pat Parent", "representative_authority": "parent", "patient_signed_too": true })).await;
    assert_eq!(both.status, StatusCode::CREATED, "{}", both.body);

    let page = t.login("director@demo.test").await;
    let html = t
        .get(
            &format!("/patients/{patient}/consents"),
            Auth::Cookie(&page),
        )
        .await;
    assert!(
        html.body.contains("version 2026-03 rev. B"),
        "the notice given at admission, with its version"
    );
    assert!(
        html.body.contains("by the patient and Pat Parent (parent)"),
        "both signatures shown"
    );
}

#[tokio::test]
async fn a_notice_not_given_at_admission_is_shown_as_missing_until_recorded() {
    let t = TestApp::new().await;
    let director = t.token("director@demo.test").await;
    let (program, track, staff) = placement(&t, &director).await;
    let patient = admit(
        &t,
        &director,
        (&program, &track, &staff),
        "Later",
        serde_json::json!({}),
    )
    .await;
    let page = t.login("director@demo.test").await;
    let consents = format!("/patients/{patient}/consents");
    let html = t.get(&consents, Auth::Cookie(&page)).await;
    assert!(
        html.body.contains("Not yet given"),
        "no notice recorded yet"
    );
    let res = t
        .post_json(
            &format!("/api/v1/patients/{patient}/privacy-notices"),
            Auth::Bearer(&director),
            serde_json::json!({}),
        )
        .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.body);
    let html = t.get(&consents, Auth::Cookie(&page)).await;
    assert!(!html.body.contains("Not yet given") && html.body.contains("Given "));
    // The version is the notice's date, written as the page writes days.
    assert!(html.body.contains("version Mon, Feb 16"), "{}", html.body);
}
