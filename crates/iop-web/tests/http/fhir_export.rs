//! FHIR bulk export: asynchronous kick-off, polling, NDJSON files per type (labelled, with
//! the §2.32 notice), the asker's caseload, cancellation; an export for an outside
//! recipient passes each patient through the disclosure gate.

use crate::common::{Auth, TestApp};
use axum::body::Body;
use axum::http::{header, Method, Request, StatusCode};
use iop_app::testing::query_text;
use serde_json::Value;

async fn kick_off(t: &TestApp, token: &str, query: &str) -> crate::common::Response {
    let req = Auth::Bearer(token)
        .apply(
            Request::builder()
                .method(Method::GET)
                .uri(format!("/fhir/r4/Patient/$export{query}"))
                .header("prefer", "respond-async")
                .header(header::ACCEPT, "application/fhir+json"),
        )
        .body(Body::empty())
        .expect("request");
    t.send(req).await
}

fn path_of(url: &str) -> String {
    url[url.find("/fhir/r4/").expect("a FHIR address")..].to_string()
}

/// Kicks off, polls until the manifest, and answers it.
pub(crate) async fn export(t: &TestApp, token: &str, query: &str) -> (String, Value) {
    let res = kick_off(t, token, query).await;
    assert_eq!(res.status, StatusCode::ACCEPTED, "{}", res.body);
    let status = path_of(
        res.headers[header::CONTENT_LOCATION]
            .to_str()
            .expect("location"),
    );
    for _ in 0..300 {
        let res = t.get(&status, Auth::Bearer(token)).await;
        match res.status {
            StatusCode::ACCEPTED => {
                assert!(res.headers.contains_key("x-progress"));
                tokio::time::sleep(std::time::Duration::from_millis(50)).await;
            }
            StatusCode::OK => return (status, res.json()),
            other => panic!("{other}: {}", res.body),
        }
    }
    panic!("the export did not finish");
}

/// Every line of every file of a manifest, by type.
pub(crate) async fn lines(t: &TestApp, token: &str, manifest: &Value) -> Vec<(String, Value)> {
    let mut all = Vec::new();
    for out in manifest["output"].as_array().expect("output") {
        let res = t
            .get(
                &path_of(out["url"].as_str().expect("url")),
                Auth::Bearer(token),
            )
            .await;
        assert_eq!(res.status, StatusCode::OK, "{}", res.body);
        assert!(res.content_type().starts_with("application/fhir+ndjson"));
        let kind = out["type"].as_str().expect("type").to_string();
        let found: Vec<Value> = res
            .body
            .lines()
            .map(|l| serde_json::from_str(l).expect("a JSON line"))
            .collect();
        assert_eq!(
            found.len() as u64,
            out["count"].as_u64().expect("count"),
            "{kind}"
        );
        all.extend(found.into_iter().map(|v| (kind.clone(), v)));
    }
    all
}

fn references(v: &Value) -> Vec<String> {
    match v {
        Value::Object(m) => {
            let own = m.get("reference").and_then(Value::as_str).map(String::from);
            own.into_iter()
                .chain(m.values().flat_map(references))
                .collect()
        }
        Value::Array(a) => a.iter().flat_map(references).collect(),
        _ => Vec::new(),
    }
}

fn labelled(v: &Value) -> bool {
    let codes: Vec<&str> = v["meta"]["security"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|c| c["code"].as_str())
        .collect();
    codes.contains(&"R") && codes.contains(&"42CFRPart2") && codes.contains(&"NORDSCLCD")
}

#[tokio::test]
async fn a_bulk_export_writes_labelled_ndjson_per_type_within_the_askers_caseload() {
    let t = TestApp::new().await;
    let director = t.token("director@demo.test").await;
    let res = t
        .get("/fhir/r4/Patient/$export", Auth::Bearer(&director))
        .await;
    assert_eq!(
        res.status,
        StatusCode::BAD_REQUEST,
        "Prefer: respond-async is required"
    );
    assert_eq!(res.json()["resourceType"], "OperationOutcome");
    assert_eq!(
        kick_off(&t, &director, "?_typeFilter=x").await.status,
        StatusCode::BAD_REQUEST
    );
    assert_eq!(
        kick_off(&t, &director, "?_type=Flag").await.status,
        StatusCode::BAD_REQUEST
    );

    let (status, manifest) = export(&t, &director, "").await;
    assert_eq!(manifest["requiresAccessToken"], true);
    let all = lines(&t, &director, &manifest).await;
    let kinds: std::collections::BTreeSet<&str> = all.iter().map(|(k, _)| k.as_str()).collect();
    for kind in [
        "Patient",
        "EpisodeOfCare",
        "Condition",
        "Encounter",
        "Observation",
        "QuestionnaireResponse",
        "CarePlan",
        "Goal",
        "Consent",
        "RelatedPerson",
        "Practitioner",
        "PractitionerRole",
        "Organization",
        "Location",
        "DocumentReference",
    ] {
        assert!(kinds.contains(kind), "{kind} missing: {kinds:?}");
    }
    // Every reference inside the export resolves to a resource in it.
    let present: std::collections::BTreeSet<String> = all
        .iter()
        .map(|(k, v)| format!("{k}/{}", v["id"].as_str().unwrap_or_default()))
        .collect();
    for (kind, v) in &all {
        for r in references(v) {
            assert!(
                present.contains(&r),
                "{kind} {} names {r}, not exported",
                v["id"]
            );
        }
    }
    assert!(
        !kinds.contains("Coverage"),
        "a clinical director does not keep coverages"
    );
    for (kind, v) in &all {
        assert_eq!(v["resourceType"], kind.as_str());
        assert!(labelled(v), "{kind} {} is not labelled", v["id"]);
    }
    let notice = all
        .iter()
        .find(|(k, _)| k == "DocumentReference")
        .expect("the notice");
    assert!(notice.1["description"]
        .as_str()
        .is_some_and(|d| d.contains("42 CFR")));
    let patients = all.iter().filter(|(k, _)| k == "Patient").count();
    let stored = query_text(&t.app, "SELECT id AS value FROM patients")
        .expect("patients")
        .len();
    assert_eq!(patients, stored, "the director exports everyone");
    let audited = query_text(
        &t.app,
        "SELECT patient_id AS value FROM audit_log WHERE action = 'fhir.export'",
    )
    .expect("audit");
    assert_eq!(audited.len(), stored, "one audit row per patient exported");

    // A counselor exports their caseload only; billing only what claims need.
    let counselor = t.token("counselor@demo.test").await;
    let (_, theirs) = export(&t, &counselor, "?_type=Patient").await;
    let theirs = lines(&t, &counselor, &theirs).await;
    let n = theirs.iter().filter(|(k, _)| k == "Patient").count();
    assert!(n > 0 && n < stored, "{n} of {stored}");
    assert_eq!(
        kick_off(
            &t,
            &t.token("billing@demo.test").await,
            "?_type=Observation"
        )
        .await
        .status,
        StatusCode::FORBIDDEN
    );

    // The job and its files are the asker's alone; a file needs the token.
    assert_eq!(
        t.get(&status, Auth::Bearer(&counselor)).await.status,
        StatusCode::NOT_FOUND
    );
    let file = path_of(manifest["output"][0]["url"].as_str().expect("url"));
    assert_eq!(
        t.get(&file, Auth::None).await.status,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        t.get(&file, Auth::Bearer(&counselor)).await.status,
        StatusCode::NOT_FOUND
    );

    // Cancelling removes the files, from disk too.
    let job = status.rsplit('/').next().expect("id").to_string();
    let on_disk = std::env::temp_dir()
        .join(format!("iop-exports-{}", std::process::id()))
        .join(&job);
    assert!(
        on_disk.join("Patient.ndjson").exists(),
        "{}",
        on_disk.display()
    );
    let req = Auth::Bearer(&director)
        .apply(Request::builder().method(Method::DELETE).uri(&status))
        .body(Body::empty())
        .expect("request");
    assert_eq!(t.send(req).await.status, StatusCode::ACCEPTED);
    assert_eq!(
        t.get(&status, Auth::Bearer(&director)).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        t.get(&file, Auth::Bearer(&director)).await.status,
        StatusCode::NOT_FOUND
    );
    assert!(!on_disk.exists(), "the files are gone");
    assert_eq!(
        kick_off(&t, &director, "?_type=").await.status,
        StatusCode::BAD_REQUEST
    );

    // A program as a Group: its patients only, and _since keeps what changed since.
    let program = query_text(
        &t.app,
        "SELECT id AS value FROM programs ORDER BY created_at LIMIT 1",
    )
    .expect("program")
    .remove(0);
    let req = Auth::Bearer(&director)
        .apply(
            Request::builder()
                .uri(format!("/fhir/r4/Group/{program}/$export?_type=Patient"))
                .header("prefer", "respond-async"),
        )
        .body(Body::empty())
        .expect("request");
    let res = t.send(req).await;
    assert_eq!(res.status, StatusCode::ACCEPTED, "{}", res.body);
    let group_status = path_of(
        res.headers[header::CONTENT_LOCATION]
            .to_str()
            .expect("location"),
    );
    let mut manifest = Value::Null;
    for _ in 0..300 {
        let res = t.get(&group_status, Auth::Bearer(&director)).await;
        if res.status == StatusCode::OK {
            manifest = res.json();
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert!(manifest["request"]
        .as_str()
        .is_some_and(|r| r.contains(&format!("Group/{program}"))));
    let group = lines(&t, &director, &manifest).await;
    let in_program = query_text(
        &t.app,
        &format!(
            "SELECT DISTINCT patient_id AS value FROM episodes WHERE program_id = '{program}'"
        ),
    )
    .expect("episodes");
    let exported: Vec<String> = group
        .iter()
        .filter(|(k, _)| k == "Patient")
        .filter_map(|(_, v)| v["id"].as_str().map(String::from))
        .collect();
    assert_eq!(exported.len(), in_program.len());
    assert!(exported.iter().all(|p| in_program.contains(p)));
    let (_, later) = export(
        &t,
        &director,
        "?_type=Observation&_since=2999-01-01T00:00:00Z",
    )
    .await;
    assert!(
        lines(&t, &director, &later)
            .await
            .iter()
            .all(|(k, _)| k != "Observation"),
        "nothing recorded after 2999"
    );
}

#[tokio::test]
async fn an_outside_export_leaves_out_a_revoked_consent_and_logs_a_disclosure_for_the_others() {
    let t = TestApp::new().await;
    let director = t.token("director@demo.test").await;
    // Two patients whose consents name the same payer; one revokes it.
    let lines_of_payer = query_text(
        &t.app,
        "SELECT r.ref_id || ' ' || r.id || ' ' || c.patient_id AS value FROM consent_recipients r JOIN consents c ON c.id = r.consent_id WHERE r.kind = 'payer' AND r.revoked_at IS NULL ORDER BY r.ref_id, c.patient_id",
    )
    .expect("consents");
    let rows: Vec<Vec<String>> = lines_of_payer
        .iter()
        .map(|l| l.split(' ').map(String::from).collect())
        .collect();
    let pair = rows
        .windows(2)
        .find(|w| w[0][0] == w[1][0])
        .expect("two patients whose consents name one payer");
    let (payer, revoked_line, revoked, kept) = (&pair[0][0], &pair[0][1], &pair[0][2], &pair[1][2]);
    let browser = t.login("director@demo.test").await;
    let res = t
        .post_form(
            &format!("/consent-recipients/{revoked_line}/revoke"),
            Auth::Cookie(&browser),
            &[
                ("patient_id", revoked.as_str()),
                ("note", "asked in writing"),
            ],
        )
        .await;
    assert!(
        res.status.is_redirection() || res.status.is_success(),
        "{}",
        res.body
    );

    let query = format!(
        "?_type=Patient,Condition,EpisodeOfCare,CarePlan,Goal,QuestionnaireResponse,RelatedPerson,Consent&recipient=Payer/{payer}"
    );
    let (status, manifest) = export(&t, &director, &query).await;
    let id = status.rsplit('/').next().expect("id").to_string();
    let all = lines(&t, &director, &manifest).await;
    let ids: Vec<&str> = all
        .iter()
        .filter(|(k, _)| k == "Patient")
        .filter_map(|(_, v)| v["id"].as_str())
        .collect();
    assert!(
        ids.contains(&kept.as_str()),
        "the patient whose consent stands is exported"
    );
    // The demo's consents to payers cover billing: diagnoses go, attendance does not.
    assert!(all.iter().any(|(k, _)| k == "Condition"));
    assert!(
        !all.iter().any(|(k, _)| k == "EpisodeOfCare"),
        "no consent covers enrollment"
    );
    for kind in ["CarePlan", "Goal", "QuestionnaireResponse"] {
        assert!(
            !all.iter().any(|(k, _)| k == kind),
            "no consent to a payer covers treatment progress ({kind})"
        );
    }
    for kind in ["RelatedPerson", "Consent"] {
        assert!(
            !all.iter().any(|(k, _)| k == kind),
            "{kind} never goes to an outside party"
        );
    }
    assert!(
        !ids.contains(&revoked.as_str()),
        "the revoked consent leaves the patient out"
    );
    for (kind, v) in &all {
        assert!(labelled(v), "{kind} is not labelled");
        assert!(
            !v.to_string().contains(revoked.as_str()),
            "the left-out patient is not named in the files"
        );
    }
    // The disclosure log (the accounting) lists the export for each patient sent, and the
    // left-out patient's reason is in the audit log, not in the files.
    let logged = query_text(
        &t.app,
        &format!(
            "SELECT patient_id AS value FROM disclosure_log WHERE subject = 'fhir-export:{id}'"
        ),
    )
    .expect("log");
    assert!(
        logged.contains(kept) && !logged.contains(revoked),
        "{logged:?}"
    );
    assert_eq!(logged.len(), ids.len());
    let browser_page = t
        .get(
            &format!("/patients/{kept}/disclosures"),
            Auth::Cookie(&browser),
        )
        .await;
    assert_eq!(browser_page.status, StatusCode::OK);
    assert!(
        browser_page.body.contains("xport"),
        "the accounting lists the export"
    );
    let refused = query_text(
        &t.app,
        &format!("SELECT detail AS value FROM audit_log WHERE action = 'fhir.export' AND outcome = 'denied' AND patient_id = '{revoked}'"),
    )
    .expect("audit");
    assert_eq!(refused.len(), 1, "{refused:?}");

    // The asker's report names who was left out and why; the admin page shows progress.
    let report = t
        .get(&format!("/exports/{id}"), Auth::Cookie(&browser))
        .await;
    assert_eq!(report.status, StatusCode::OK, "{}", report.body);
    let name = query_text(
        &t.app,
        &format!("SELECT legal_last_name AS value FROM patients WHERE id = '{revoked}'"),
    )
    .expect("name")
    .remove(0);
    let left_out = &report.body[report
        .body
        .find("id=\"left-out\"")
        .expect("the left-out list")..];
    assert!(
        left_out.contains(&name) && left_out.contains(revoked.as_str()),
        "the report names them"
    );
    let admin = t.get("/admin/exports", Auth::Cookie(&browser)).await;
    assert_eq!(admin.status, StatusCode::OK);
    assert!(
        admin.body.contains("left out") && admin.body.contains("<progress"),
        "{}",
        admin.body
    );
    assert!(
        !admin.body.contains(&name),
        "the admin page names no patient"
    );

    // An outside export is a disclosure: billing may not send one.
    let billing = t.token("billing@demo.test").await;
    let to_payer = format!("?_type=Patient,Condition&recipient=Payer/{payer}");
    assert_eq!(
        kick_off(&t, &billing, &to_payer).await.status,
        StatusCode::FORBIDDEN
    );
    // One export at a time per account: with one of billing's still queued, 429.
    let user = query_text(
        &t.app,
        "SELECT id AS value FROM users WHERE email = 'billing@demo.test'",
    )
    .expect("user")
    .remove(0);
    iop_app::testing::execute_sql(&t.app, &[&format!(
        "INSERT INTO fhir_exports (id, requested_by, requested_at, types, status) VALUES ('01a24290-9d84-70ed-99a8-c10c5b976b00', '{user}', '2026-12-04T20:00:00Z', 'Patient', 'queued')"
    )])
    .expect("a queued job");
    let res = kick_off(&t, &billing, "?_type=Patient,Condition").await;
    assert_eq!(res.status, StatusCode::TOO_MANY_REQUESTS, "{}", res.body);
    assert!(res.headers.contains_key(header::RETRY_AFTER));
}
