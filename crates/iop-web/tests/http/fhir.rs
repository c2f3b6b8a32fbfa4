//! The FHIR R4 interface: labelled resources, the JSON API's policy and caseload,
//! OperationOutcome refusals, and a CapabilityStatement that matches the routes.

use crate::common::{Auth, TestApp};
use crate::supervision::solo_counselor;
use axum::http::{Method, StatusCode};
use iop_app::testing::query_text;
use iop_web::access::Surface;
use iop_web::routes::registry;

fn assert_outcome(res: &crate::common::Response, status: StatusCode, code: &str) {
    assert_eq!(res.status, status, "{}", res.body);
    assert!(
        res.content_type().starts_with("application/fhir+json"),
        "{}",
        res.content_type()
    );
    let v = res.json();
    assert_eq!(v["resourceType"], "OperationOutcome", "{v}");
    assert_eq!(v["issue"][0]["code"], code, "{v}");
    assert!(v["issue"][0]["diagnostics"]
        .as_str()
        .is_some_and(|d| !d.is_empty()));
}

#[tokio::test]
async fn the_capability_statement_lists_exactly_the_fhir_routes() {
    let t = TestApp::new().await;
    let res = t.get("/fhir/r4/metadata", Auth::None).await;
    assert_eq!(res.status, StatusCode::OK);
    assert!(res.content_type().starts_with("application/fhir+json"));
    let cs = res.json();
    assert_eq!(cs["resourceType"], "CapabilityStatement");
    assert_eq!(cs["fhirVersion"], "4.0.1");
    let mut stated: Vec<(String, String)> = cs["rest"][0]["resource"]
        .as_array()
        .expect("resources")
        .iter()
        .flat_map(|r| {
            let kind = r["type"].as_str().expect("type").to_string();
            let interactions = r["interaction"].as_array().cloned().unwrap_or_default();
            let operations = r["operation"].as_array().cloned().unwrap_or_default();
            interactions
                .iter()
                .map(|i| (kind.clone(), i["code"].as_str().expect("code").to_string()))
                .chain(operations.iter().map(|o| {
                    (
                        kind.clone(),
                        format!("${}", o["name"].as_str().expect("name")),
                    )
                }))
                .collect::<Vec<_>>()
        })
        .collect();
    for i in cs["rest"][0]["interaction"]
        .as_array()
        .expect("system interactions")
    {
        stated.push(("system".into(), i["code"].as_str().expect("code").into()));
    }
    let mut routed: Vec<(String, String)> = registry()
        .into_iter()
        // The status and file addresses serve the $export operation (Bulk Data).
        .filter(|r| {
            r.surface == Surface::Fhir
                && r.path != "/fhir/r4/metadata"
                && !r.path.starts_with("/fhir/r4/$export-")
        })
        .map(|r| {
            if (&r.method, r.path) == (&Method::POST, "/fhir/r4") {
                return ("system".to_string(), "transaction".to_string());
            }
            let parts: Vec<&str> = r.path.trim_start_matches("/fhir/r4/").split('/').collect();
            let interaction = match (&r.method, parts.as_slice()) {
                (&Method::GET, [_, "{id}"]) => "read",
                (&Method::GET, [_]) => "search-type",
                (&Method::GET, [_, "$export"] | [_, "{id}", "$export"]) => "$export",
                other => panic!("a FHIR route the test does not know: {other:?}"),
            };
            (parts[0].to_string(), interaction.to_string())
        })
        .collect();
    stated.sort();
    routed.sort();
    assert_eq!(
        stated, routed,
        "the CapabilityStatement says what the routes do"
    );
}

#[tokio::test]
async fn a_patient_read_carries_the_part2_labels_is_audited_and_follows_role_and_caseload() {
    let t = TestApp::new().await;
    let counselor = t.token("counselor@demo.test").await;
    let patient = crate::clinical::patient_of_last_week(&t, &counselor).await;
    let path = format!("/fhir/r4/Patient/{patient}");

    let res = t.get(&path, Auth::Bearer(&counselor)).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    assert!(res.content_type().starts_with("application/fhir+json"));
    let p = res.json();
    assert_eq!(p["resourceType"], "Patient");
    assert_eq!(p["id"], patient.as_str());
    let labels: Vec<(String, String)> = p["meta"]["security"]
        .as_array()
        .expect("labels")
        .iter()
        .map(|c| {
            (
                c["system"].as_str().unwrap_or_default().to_string(),
                c["code"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect();
    for (system, code) in [
        (
            "http://terminology.hl7.org/CodeSystem/v3-Confidentiality",
            "R",
        ),
        (
            "http://terminology.hl7.org/CodeSystem/v3-ActCode",
            "42CFRPart2",
        ),
        (
            "http://terminology.hl7.org/CodeSystem/v3-ActCode",
            "NORDSCLCD",
        ),
    ] {
        assert!(
            labels.contains(&(system.into(), code.into())),
            "{code} missing: {labels:?}"
        );
    }
    let reads = query_text(
        &t.app,
        &format!("SELECT action AS value FROM audit_log WHERE action = 'fhir.read' AND patient_id = '{patient}' AND subject = 'Patient/{patient}'"),
    )
    .expect("audit");
    assert_eq!(reads.len(), 1, "the read wrote its audit row");

    // Billing reads demographics (claims need them); admissions may not.
    let billing = t.token("billing@demo.test").await;
    assert_eq!(
        t.get(&path, Auth::Bearer(&billing)).await.status,
        StatusCode::OK
    );
    let admissions = t.token("admissions@demo.test").await;
    assert_outcome(
        &t.get(&path, Auth::Bearer(&admissions)).await,
        StatusCode::FORBIDDEN,
        "forbidden",
    );

    // A counselor with no caseload is refused, and the refusal is audited.
    let director = t.token("director@demo.test").await;
    let (solo, _) = solo_counselor(&t, &director).await;
    assert_outcome(
        &t.get(&path, Auth::Bearer(&solo)).await,
        StatusCode::FORBIDDEN,
        "forbidden",
    );
    let refusals = query_text(
        &t.app,
        &format!("SELECT action AS value FROM audit_log WHERE patient_id = '{patient}' AND outcome = 'denied'"),
    )
    .expect("audit");
    assert!(!refusals.is_empty(), "the refusal is in the audit log");

    assert_outcome(
        &t.get(&path, Auth::None).await,
        StatusCode::UNAUTHORIZED,
        "login",
    );
    assert_outcome(
        &t.get("/fhir/r4/Patient/not-an-id", Auth::Bearer(&counselor))
            .await,
        StatusCode::NOT_FOUND,
        "not-found",
    );
    assert_outcome(
        &t.get(
            "/fhir/r4/Patient/01a24290-9d84-70ed-99a8-000000000000",
            Auth::Bearer(&counselor),
        )
        .await,
        StatusCode::NOT_FOUND,
        "not-found",
    );
    assert_outcome(
        &t.get("/fhir/r4/Flag/1", Auth::Bearer(&counselor)).await,
        StatusCode::NOT_FOUND,
        "not-found",
    );
}

#[tokio::test]
async fn observations_are_searched_per_patient_paged_and_refused_to_billing() {
    let t = TestApp::new().await;
    let counselor = t.token("counselor@demo.test").await;
    let patient = crate::clinical::patient_of_last_week(&t, &counselor).await;
    let day = crate::clinical::today();
    for (instrument, items, on) in [
        (
            "phq9",
            serde_json::json!([1, 1, 1, 1, 0, 0, 0, 0, 0]),
            day.checked_sub(jiff::Span::new().days(14)).expect("date"),
        ),
        ("phq9", serde_json::json!([2, 1, 1, 1, 0, 0, 0, 0, 0]), day),
        ("gad7", serde_json::json!([1, 1, 1, 0, 0, 0, 0]), day),
    ] {
        let res = t
            .post_json(
                &format!("/api/v1/patients/{patient}/measures"),
                Auth::Bearer(&counselor),
                serde_json::json!({ "instrument": instrument, "occasion": "biweekly", "taken_on": on.to_string(), "items": items }),
            )
            .await;
        assert_eq!(res.status, StatusCode::CREATED, "{}", res.body);
    }
    let search = |q: String| {
        let (t, token) = (&t, counselor.clone());
        async move {
            t.get(&format!("/fhir/r4/Observation?{q}"), Auth::Bearer(&token))
                .await
        }
    };
    let all = search(format!("patient=Patient/{patient}")).await;
    assert_eq!(all.status, StatusCode::OK, "{}", all.body);
    let b = all.json();
    assert_eq!(
        (b["resourceType"].as_str(), b["type"].as_str()),
        (Some("Bundle"), Some("searchset"))
    );
    let codes = |b: &serde_json::Value| -> Vec<String> {
        b["entry"]
            .as_array()
            .cloned()
            .unwrap_or_default()
            .iter()
            .map(|e| {
                e["resource"]["code"]["coding"][0]["code"]
                    .as_str()
                    .unwrap_or_default()
                    .to_string()
            })
            .collect()
    };
    let found = codes(&b);
    assert!(
        found.iter().filter(|c| *c == "44261-6").count() >= 2
            && found.contains(&"70274-6".to_string()),
        "{found:?}"
    );
    for e in b["entry"].as_array().expect("entries") {
        assert_eq!(
            e["resource"]["meta"]["security"].as_array().map(Vec::len),
            Some(3)
        );
        assert_eq!(
            e["resource"]["subject"]["reference"],
            format!("Patient/{patient}")
        );
    }

    let gad = search(format!("patient={patient}&code=http://loinc.org|70274-6"))
        .await
        .json();
    assert!(codes(&gad).iter().all(|c| c == "70274-6") && !codes(&gad).is_empty());
    let today_only = search(format!("patient={patient}&code=44261-6&date=ge{day}"))
        .await
        .json();
    assert_eq!(today_only["total"], 1, "{today_only}");

    // One at a time: a next link, which answers the rest.
    let first = search(format!("patient={patient}&_count=1")).await.json();
    let total = first["total"].as_u64().expect("total");
    assert!(total >= 3);
    assert_eq!(first["entry"].as_array().map(Vec::len), Some(1));
    let next = first["link"]
        .as_array()
        .expect("links")
        .iter()
        .find(|l| l["relation"] == "next")
        .expect("a next page")["url"]
        .as_str()
        .expect("url")
        .to_string();
    let path = &next[next.find("/fhir/r4/").expect("path")..];
    let second = t.get(path, Auth::Bearer(&counselor)).await.json();
    assert_ne!(second["entry"][0]["fullUrl"], first["entry"][0]["fullUrl"]);

    let id = b["entry"][0]["resource"]["id"]
        .as_str()
        .expect("id")
        .to_string();
    let one = t
        .get(
            &format!("/fhir/r4/Observation/{id}"),
            Auth::Bearer(&counselor),
        )
        .await;
    assert_eq!(one.status, StatusCode::OK, "{}", one.body);
    assert_eq!(one.json()["id"], id.as_str());

    // Billing reads demographics and coverage, not measures: 403 as an OperationOutcome.
    let billing = t.token("billing@demo.test").await;
    assert_outcome(
        &t.get(
            &format!("/fhir/r4/Observation?patient={patient}"),
            Auth::Bearer(&billing),
        )
        .await,
        StatusCode::FORBIDDEN,
        "forbidden",
    );
    assert_outcome(
        &t.get(
            &format!("/fhir/r4/Observation/{id}"),
            Auth::Bearer(&billing),
        )
        .await,
        StatusCode::FORBIDDEN,
        "forbidden",
    );
    // A counselor without this patient is refused the search too.
    let director = t.token("director@demo.test").await;
    let (solo, _) = solo_counselor(&t, &director).await;
    assert_outcome(
        &t.get(
            &format!("/fhir/r4/Observation?patient={patient}"),
            Auth::Bearer(&solo),
        )
        .await,
        StatusCode::FORBIDDEN,
        "forbidden",
    );
    // A list of codes is any of them; a page past the end holds no `entry` (FHIR JSON has
    // no empty arrays) and a huge offset is no failure; parameters a type does not take
    // are ignored and left out of its links.
    let either = search(format!("patient={patient}&code=44261-6,70274-6"))
        .await
        .json();
    // The patient's screens and BAMs carry no LOINC total: only the totals match.
    let totals = found
        .iter()
        .filter(|c| *c == "44261-6" || *c == "70274-6")
        .count();
    assert_eq!(either["total"], totals, "{either}");
    let past = search(format!(
        "patient={patient}&_offset=18446744073709551615&whatever=1"
    ))
    .await;
    assert_eq!(past.status, StatusCode::OK, "{}", past.body);
    let past = past.json();
    assert!(past.get("entry").is_none(), "{past}");
    assert!(
        past["link"].as_array().is_some_and(|l| l.len() == 1),
        "no next page: {past}"
    );
    let self_url = past["link"][0]["url"].as_str().expect("self");
    assert!(
        !self_url.contains("whatever") && self_url.starts_with("http"),
        "{self_url}"
    );
    let coverage = t
        .get(
            &format!("/fhir/r4/Coverage?patient={patient}&date=2026-12"),
            Auth::Bearer(&billing),
        )
        .await;
    assert_eq!(
        coverage.status,
        StatusCode::OK,
        "Coverage takes no date: {}",
        coverage.body
    );

    // A search says what is wrong with it.
    assert_outcome(
        &search("code=44261-6".into()).await,
        StatusCode::BAD_REQUEST,
        "invalid",
    );
    assert_outcome(
        &search(format!("patient={patient}&date=2026-12")).await,
        StatusCode::BAD_REQUEST,
        "invalid",
    );
    assert_outcome(
        &search(format!("patient={patient}&_count=0")).await,
        StatusCode::BAD_REQUEST,
        "invalid",
    );
}

#[tokio::test]
async fn billing_reads_a_patients_coverage_and_a_counselor_may_not() {
    let t = TestApp::new().await;
    let patient = query_text(&t.app, "SELECT patient_id AS value FROM coverages WHERE voided_at IS NULL ORDER BY created_at LIMIT 1")
        .expect("query")
        .into_iter()
        .next()
        .expect("the demo has a coverage");
    let billing = t.token("billing@demo.test").await;
    let res = t
        .get(
            &format!("/fhir/r4/Coverage?patient=Patient/{patient}"),
            Auth::Bearer(&billing),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    let b = res.json();
    let first = &b["entry"][0]["resource"];
    assert_eq!(first["resourceType"], "Coverage", "{b}");
    assert_eq!(
        first["beneficiary"]["reference"],
        format!("Patient/{patient}")
    );
    assert!(first["payor"][0]["display"]
        .as_str()
        .is_some_and(|n| !n.is_empty()));
    assert_eq!(first["meta"]["security"].as_array().map(Vec::len), Some(3));
    let id = first["id"].as_str().expect("id");
    let one = t
        .get(&format!("/fhir/r4/Coverage/{id}"), Auth::Bearer(&billing))
        .await;
    assert_eq!(one.status, StatusCode::OK, "{}", one.body);
    assert_eq!(one.json()["subscriberId"], first["subscriberId"]);
    // Billing also reads the demographics a claim needs.
    assert_eq!(
        t.get(
            &format!("/fhir/r4/Patient/{patient}"),
            Auth::Bearer(&billing)
        )
        .await
        .status,
        StatusCode::OK
    );

    let counselor = t.token("counselor@demo.test").await;
    assert_outcome(
        &t.get(&format!("/fhir/r4/Coverage/{id}"), Auth::Bearer(&counselor))
            .await,
        StatusCode::FORBIDDEN,
        "forbidden",
    );
}
