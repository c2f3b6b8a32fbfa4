//! FHIR Patient search, EpisodeOfCare, Condition, Encounter (with `_include`) and
//! Practitioner: the caseload bounds every search, and references resolve.

use crate::common::{Auth, TestApp};
use crate::supervision::solo_counselor;
use axum::http::StatusCode;
use iop_app::testing::query_text;
use serde_json::Value;

fn one(t: &TestApp, sql: &str) -> String {
    query_text(&t.app, sql)
        .expect("query")
        .into_iter()
        .next()
        .expect("a row")
}

fn ids_of(b: &Value, kind: &str) -> Vec<String> {
    b["entry"]
        .as_array()
        .cloned()
        .unwrap_or_default()
        .iter()
        .filter(|e| e["resource"]["resourceType"] == kind)
        .map(|e| e["resource"]["id"].as_str().unwrap_or_default().to_string())
        .collect()
}

#[tokio::test]
async fn a_counselors_patient_search_never_returns_another_caseloads_patient() {
    let t = TestApp::new().await;
    let counselor = t.token("counselor@demo.test").await;
    let director = t.token("director@demo.test").await;
    let patient = crate::clinical::patient_of_last_week(&t, &counselor).await;
    let last = one(
        &t,
        &format!("SELECT legal_last_name AS value FROM patients WHERE id = '{patient}'"),
    );
    let mrn = one(
        &t,
        &format!("SELECT mrn AS value FROM patients WHERE id = '{patient}'"),
    );
    let born = one(
        &t,
        &format!("SELECT date_of_birth AS value FROM patients WHERE id = '{patient}'"),
    );
    let search = |token: String, q: String| {
        let t = &t;
        async move {
            let res = t
                .get(&format!("/fhir/r4/Patient?{q}"), Auth::Bearer(&token))
                .await;
            assert_eq!(res.status, StatusCode::OK, "{}", res.body);
            ids_of(&res.json(), "Patient")
        }
    };
    // Lower case, the start of the name: found, by the director and the counselor.
    let start: String = last.to_lowercase().chars().take(3).collect();
    assert!(search(director.clone(), format!("name={start}"))
        .await
        .contains(&patient));
    assert!(search(counselor.clone(), format!("name={start}"))
        .await
        .contains(&patient));
    assert_eq!(
        search(counselor.clone(), format!("identifier=urn:iop:mrn|{mrn}")).await,
        vec![patient.clone()]
    );
    assert_eq!(
        search(
            counselor.clone(),
            format!("identifier={mrn}&birthdate={born}")
        )
        .await,
        vec![patient.clone()]
    );
    assert!(search(
        counselor.clone(),
        format!("identifier={mrn}&birthdate=gt{born}")
    )
    .await
    .is_empty());
    assert!(
        search(counselor.clone(), format!("identifier=urn:other|{mrn}"))
            .await
            .is_empty()
    );

    // Everything a counselor's search answers is in their caseload; a counselor with
    // no caseload finds no one, by name or by MRN.
    let (mut everyone, mut theirs) = (Vec::new(), Vec::new());
    for letter in 'a'..='z' {
        everyone.extend(search(director.clone(), format!("name={letter}")).await);
        theirs.extend(search(counselor.clone(), format!("name={letter}")).await);
    }
    everyone.sort();
    everyone.dedup();
    theirs.sort();
    theirs.dedup();
    for p in &theirs {
        let read = t
            .get(&format!("/fhir/r4/Patient/{p}"), Auth::Bearer(&counselor))
            .await;
        assert_eq!(read.status, StatusCode::OK, "{p} is outside the caseload");
    }
    assert!(
        theirs.len() < everyone.len(),
        "{} of {}",
        theirs.len(),
        everyone.len()
    );
    let (solo, _) = solo_counselor(&t, &director).await;
    assert!(search(solo.clone(), format!("name={start}"))
        .await
        .is_empty());
    assert!(search(solo, format!("identifier={mrn}")).await.is_empty());

    // Each patient answered is audited, without what was typed.
    let rows = query_text(
        &t.app,
        &format!("SELECT subject AS value FROM audit_log WHERE action = 'fhir.search' AND patient_id = '{patient}'"),
    )
    .expect("audit");
    assert!(rows.iter().any(|s| s == "Patient?identifier"), "{rows:?}");
    assert!(
        rows.iter()
            .all(|s| !s.contains(&mrn) && !s.contains(&start)),
        "{rows:?}"
    );

    // A search with nothing to search by is a bad request.
    for q in ["", "birthdate=1990-01-01", "name=%20-"] {
        let res = t
            .get(&format!("/fhir/r4/Patient?{q}"), Auth::Bearer(&counselor))
            .await;
        assert_eq!(res.status, StatusCode::BAD_REQUEST, "{q}: {}", res.body);
        assert_eq!(res.json()["resourceType"], "OperationOutcome");
    }
}

#[tokio::test]
async fn encounters_episodes_and_conditions_follow_the_record_and_their_references_resolve() {
    let t = TestApp::new().await;
    let counselor = t.token("counselor@demo.test").await;
    let billing = t.token("billing@demo.test").await;
    let patient = crate::clinical::patient_of_last_week(&t, &counselor).await;
    let get = |token: String, path: String| {
        let t = &t;
        async move {
            let res = t.get(&path, Auth::Bearer(&token)).await;
            assert_eq!(res.status, StatusCode::OK, "{path}: {}", res.body);
            res.json()
        }
    };

    // Encounters of the sessions attended, and the patient in the same Bundle.
    let b = get(
        counselor.clone(),
        format!("/fhir/r4/Encounter?patient=Patient/{patient}&_include=Encounter:patient"),
    )
    .await;
    let encounters = ids_of(&b, "Encounter");
    assert!(!encounters.is_empty(), "{b}");
    assert_eq!(ids_of(&b, "Patient"), vec![patient.clone()]);
    let included = b["entry"]
        .as_array()
        .expect("entries")
        .last()
        .expect("last")
        .clone();
    assert_eq!(included["search"]["mode"], "include");
    let e = get(
        counselor.clone(),
        format!("/fhir/r4/Encounter/{}", encounters[0]),
    )
    .await;
    assert_eq!(e["status"], "finished");
    assert_eq!(e["subject"]["reference"], format!("Patient/{patient}"));
    assert!(e["length"]["value"].as_i64().is_some_and(|m| m > 0), "{e}");
    let performer = e["participant"][0]["individual"]["reference"]
        .as_str()
        .expect("a performer")
        .to_string();
    let practitioner = get(billing.clone(), format!("/fhir/r4/{performer}")).await;
    assert_eq!(practitioner["resourceType"], "Practitioner");
    let episode_ref = e["episodeOfCare"][0]["reference"]
        .as_str()
        .expect("episode")
        .to_string();
    let tomorrow = crate::clinical::today()
        .checked_add(jiff::Span::new().days(1))
        .expect("date");
    let none = get(
        counselor.clone(),
        format!(
            "/fhir/r4/Encounter?patient={patient}&date=ge{tomorrow}&_include=Encounter:patient"
        ),
    )
    .await;
    assert_eq!(none["total"], 0, "nothing attended tomorrow: {none}");
    assert!(
        none.get("entry").is_none(),
        "no include without a match: {none}"
    );

    // The episode the encounter belongs to, found by status, with its diagnoses.
    let episodes = get(
        counselor.clone(),
        format!("/fhir/r4/EpisodeOfCare?patient={patient}&status=active"),
    )
    .await;
    let active = ids_of(&episodes, "EpisodeOfCare");
    assert!(
        active.iter().any(|id| episode_ref.ends_with(id.as_str())),
        "{episodes}"
    );
    let finished = get(
        counselor.clone(),
        format!("/fhir/r4/EpisodeOfCare?patient={patient}&status=finished"),
    )
    .await;
    assert!(ids_of(&finished, "EpisodeOfCare")
        .iter()
        .all(|id| !active.contains(id)));
    let ep = get(counselor.clone(), format!("/fhir/r4/{episode_ref}")).await;
    assert_eq!(ep["status"], "active");
    let condition_ref = ep["diagnosis"][0]["condition"]["reference"]
        .as_str()
        .expect("a diagnosis")
        .to_string();
    // Billing reads diagnoses (claims carry them), not episodes or encounters.
    let c = get(billing.clone(), format!("/fhir/r4/{condition_ref}")).await;
    assert_eq!(c["subject"]["reference"], format!("Patient/{patient}"));
    assert_eq!(
        c["code"]["coding"][0]["system"],
        "http://hl7.org/fhir/sid/icd-10-cm"
    );
    let conditions = get(
        billing.clone(),
        format!("/fhir/r4/Condition?patient={patient}"),
    )
    .await;
    assert!(ids_of(&conditions, "Condition")
        .iter()
        .any(|id| condition_ref.ends_with(id.as_str())));
    for path in [
        format!("/fhir/r4/{episode_ref}"),
        format!("/fhir/r4/Encounter?patient={patient}"),
    ] {
        let res = t.get(&path, Auth::Bearer(&billing)).await;
        assert_eq!(res.status, StatusCode::FORBIDDEN, "{path}");
        assert_eq!(res.json()["resourceType"], "OperationOutcome");
    }

    // A counselor without the patient is refused each of them.
    let director = t.token("director@demo.test").await;
    let (solo, _) = solo_counselor(&t, &director).await;
    for path in [
        format!("/fhir/r4/Encounter/{}", encounters[0]),
        format!("/fhir/r4/{episode_ref}"),
        format!("/fhir/r4/{condition_ref}"),
        format!("/fhir/r4/Condition?patient={patient}"),
    ] {
        let res = t.get(&path, Auth::Bearer(&solo)).await;
        assert_eq!(res.status, StatusCode::FORBIDDEN, "{path}: {}", res.body);
    }
    for path in [
        "/fhir/r4/Encounter/nope",
        "/fhir/r4/Condition/nope",
        "/fhir/r4/Encounter?patient=x",
    ] {
        let res = t.get(path, Auth::Bearer(&counselor)).await;
        assert!(res.status.is_client_error(), "{path}");
        assert_eq!(res.json()["resourceType"], "OperationOutcome");
    }
}

#[tokio::test]
async fn consents_read_with_their_provisions_and_a_revocation_is_a_deny_provision() {
    let t = TestApp::new().await;
    let director = t.token("director@demo.test").await;
    let line = query_text(
        &t.app,
        "SELECT r.id || ' ' || c.patient_id || ' ' || c.id AS value FROM consent_recipients r JOIN consents c ON c.id = r.consent_id WHERE r.revoked_at IS NULL AND c.superseded_at IS NULL ORDER BY c.id LIMIT 1",
    )
    .expect("consents")
    .remove(0);
    let parts: Vec<&str> = line.split(' ').collect();
    let (recipient, patient, consent) = (parts[0], parts[1], parts[2]);
    let browser = t.login("director@demo.test").await;
    let res = t
        .post_form(
            &format!("/consent-recipients/{recipient}/revoke"),
            Auth::Cookie(&browser),
            &[
                ("patient_id", patient),
                ("note", "by telephone, confirmed in writing"),
            ],
        )
        .await;
    assert!(
        res.status.is_redirection() || res.status.is_success(),
        "{}",
        res.body
    );

    let b = t
        .get(
            &format!("/fhir/r4/Consent?patient={patient}"),
            Auth::Bearer(&director),
        )
        .await;
    assert_eq!(b.status, StatusCode::OK, "{}", b.body);
    assert!(ids_of(&b.json(), "Consent").contains(&consent.to_string()));
    let k = t
        .get(
            &format!("/fhir/r4/Consent/{consent}"),
            Auth::Bearer(&director),
        )
        .await
        .json();
    assert_eq!(k["patient"]["reference"], format!("Patient/{patient}"));
    assert_eq!(k["provision"]["type"], "permit");
    assert!(k["provision"]["code"]
        .as_array()
        .is_some_and(|d| !d.is_empty()));
    let deny = &k["provision"]["provision"][0];
    assert_eq!(deny["type"], "deny", "{k}");
    assert!(deny["period"]["start"].as_str().is_some());
    assert_eq!(k["meta"]["security"].as_array().map(Vec::len), Some(3));
    // Billing does not keep consents; a counselor without the patient is refused.
    let billing = t.token("billing@demo.test").await;
    let res = t
        .get(
            &format!("/fhir/r4/Consent/{consent}"),
            Auth::Bearer(&billing),
        )
        .await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);
    let (solo, _) = solo_counselor(&t, &director).await;
    let res = t
        .get(
            &format!("/fhir/r4/Consent?patient={patient}"),
            Auth::Bearer(&solo),
        )
        .await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);
}
