//! FHIR item answers (Observation components, QuestionnaireResponse), BAM subscales,
//! drug-screen results per substance, treatment and relapse prevention plans as CarePlan
//! and Goal, the directory (Organization, Location, PractitionerRole) and RelatedPerson:
//! each read resolves what it names, and the roles and caseload hold.

use crate::clinical::patient_of_last_week;
use crate::common::{Auth, TestApp};
use axum::http::StatusCode;
use iop_app::testing::query_text;
use serde_json::Value;

fn rows(t: &TestApp, sql: &str) -> Vec<String> {
    query_text(&t.app, sql).expect("query")
}

async fn fhir(t: &TestApp, token: &str, path: &str) -> Value {
    let res = t
        .get(&format!("/fhir/r4/{path}"), Auth::Bearer(token))
        .await;
    assert_eq!(res.status, StatusCode::OK, "{path}: {}", res.body);
    res.json()
}

fn matches(bundle: &Value) -> Vec<Value> {
    bundle["entry"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|e| e["resource"].clone())
        .collect()
}

/// Records today's PHQ-9 with these answers.
async fn phq9(t: &TestApp, token: &str, patient: &str, items: [u8; 9]) {
    let day = crate::clinical::today().to_string();
    let res = t
        .post_json(
            &format!("/api/v1/patients/{patient}/measures"),
            Auth::Bearer(token),
            serde_json::json!({ "instrument": "phq9", "occasion": "biweekly", "taken_on": day, "items": items }),
        )
        .await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.body);
}

/// Saves the treatment plan as two new versions; the target date of its objectives.
async fn two_plan_versions(
    t: &TestApp,
    token: &str,
    patient: &str,
    plan: impl Fn(&str) -> Value,
) -> String {
    let target = crate::clinical::today()
        .checked_add(jiff::Span::new().days(20))
        .expect("date")
        .to_string();
    for _ in 0..2 {
        let res = t
            .post_json(
                &format!("/api/v1/patients/{patient}/treatment-plans"),
                Auth::Bearer(token),
                plan(&target),
            )
            .await;
        assert_eq!(res.status, StatusCode::CREATED, "{}", res.body);
    }
    target
}

#[tokio::test]
async fn a_measures_items_and_answers_and_each_screen_substance_come_back_as_fhir() {
    let t = TestApp::new().await;
    let counselor = t.token("counselor@demo.test").await;
    let patient = patient_of_last_week(&t, &counselor).await;
    phq9(&t, &counselor, &patient, [2, 2, 2, 2, 2, 1, 1, 1, 0]).await;
    let measure = rows(&t, &format!("SELECT id AS value FROM measures WHERE patient_id = '{patient}' AND instrument = 'phq9' ORDER BY recorded_at DESC"))
        .remove(0);
    let o = fhir(&t, &counselor, &format!("Observation/{measure}")).await;
    assert_eq!(o["valueInteger"], 13);
    let components = o["component"].as_array().cloned().unwrap_or_default();
    assert_eq!(components.len(), 9, "one component per item");
    assert_eq!(components[0]["code"]["coding"][0]["code"], "44250-9");
    assert_eq!(
        components[0]["valueCodeableConcept"]["coding"][0]["code"], "LA6570-1",
        "answered 2: more than half the days"
    );
    let qr = fhir(&t, &counselor, &format!("QuestionnaireResponse/{measure}")).await;
    assert_eq!(qr["subject"]["reference"], format!("Patient/{patient}"));
    assert_eq!(
        qr["item"][0]["answer"][0]["valueCoding"]["display"],
        "More than half the days"
    );
    assert_eq!(
        qr["item"][8]["answer"][0]["valueCoding"]["code"],
        "LA6568-5"
    );
    let found = matches(
        &fhir(
            &t,
            &counselor,
            &format!("QuestionnaireResponse?patient={patient}"),
        )
        .await,
    );
    assert!(found.iter().any(|r| r["id"] == measure.as_str()));

    // The demo's screens: one Observation per substance, readable by its id; a code
    // search (LOINC totals) leaves them out.
    let director = t.token("director@demo.test").await;
    let screen = rows(
        &t,
        "SELECT patient_id || ' ' || id || ' ' || results AS value FROM drug_screens",
    )
    .into_iter()
    .next()
    .expect("the demo has drug screens");
    let mut parts = screen.splitn(3, ' ');
    let (owner, screen_id, results) = (
        parts.next().unwrap_or_default(),
        parts.next().unwrap_or_default(),
        parts.next().unwrap_or_default(),
    );
    let substances: Vec<Value> = serde_json::from_str(results).expect("results");
    let all = matches(&fhir(&t, &director, &format!("Observation?patient={owner}")).await);
    let of_screen: Vec<&Value> = all
        .iter()
        .filter(|r| r["id"].as_str().is_some_and(|id| id.starts_with(screen_id)))
        .collect();
    assert_eq!(of_screen.len(), substances.len(), "one per substance");
    let first = fhir(&t, &director, &format!("Observation/{screen_id}-1")).await;
    assert_eq!(&first, of_screen[0]);
    assert!(first["code"]["text"]
        .as_str()
        .is_some_and(|s| s.contains(substances[0]["substance"].as_str().unwrap_or("?"))));
    let missing = t
        .get(
            &format!("/fhir/r4/Observation/{screen_id}-99"),
            Auth::Bearer(&director),
        )
        .await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    let coded = matches(
        &fhir(
            &t,
            &director,
            &format!("Observation?patient={owner}&code=44261-6,70274-6"),
        )
        .await,
    );
    let totals = rows(&t, &format!("SELECT id AS value FROM measures WHERE patient_id = '{owner}' AND instrument IN ('phq9', 'gad7')"));
    assert_eq!(coded.len(), totals.len(), "every total, and nothing else");
    assert!(coded
        .iter()
        .all(|r| !r["id"].as_str().unwrap_or_default().starts_with(screen_id)));

    // A BAM: its three subscales, as the program scored them.
    let bam = rows(&t, "SELECT patient_id || ' ' || id || ' ' || subscales AS value FROM measures WHERE instrument = 'bam' AND subscales IS NOT NULL")
        .into_iter()
        .next()
        .expect("the demo has a BAM");
    let mut parts = bam.splitn(3, ' ');
    let (_, bam_id, stored) = (
        parts.next(),
        parts.next().unwrap_or_default(),
        parts.next().unwrap_or_default(),
    );
    let stored: Value = serde_json::from_str(stored).expect("subscales");
    let o = fhir(&t, &director, &format!("Observation/{bam_id}")).await;
    let value = |code: &str| {
        o["component"]
            .as_array()
            .into_iter()
            .flatten()
            .find(|c| c["code"]["coding"][0]["code"] == code)
            .map(|c| c["valueInteger"].clone())
    };
    assert_eq!(value("bam-use"), Some(stored["use_score"].clone()), "{o}");
    assert_eq!(value("bam-risk"), Some(stored["risk"].clone()));
    assert_eq!(value("bam-protective"), Some(stored["protective"].clone()));

    // Billing reads none of it.
    let billing = t.token("billing@demo.test").await;
    for path in [
        format!("QuestionnaireResponse/{measure}"),
        format!("Observation/{screen_id}-1"),
    ] {
        let res = t
            .get(&format!("/fhir/r4/{path}"), Auth::Bearer(&billing))
            .await;
        assert_eq!(res.status, StatusCode::FORBIDDEN, "{path}");
        assert_eq!(res.json()["resourceType"], "OperationOutcome");
    }
}

#[tokio::test]
async fn plan_versions_are_care_plans_whose_goals_resolve_and_each_replaces_the_last() {
    let t = TestApp::new().await;
    let counselor = t.token("counselor@demo.test").await;
    let patient = patient_of_last_week(&t, &counselor).await;
    let target = two_plan_versions(&t, &counselor, &patient, |target| {
        serde_json::json!({ "problems": [
            { "problem": "Alcohol use harms work", "goals": [
                { "goal": "Stop drinking", "objectives": [{ "objective": "Negative breath tests for 3 weeks", "target_date": target }], "interventions": ["Group CBT", "Weekly individual session"] },
                { "goal": "Sleep without alcohol", "objectives": [{ "objective": "Sleep diary 5 nights a week", "target_date": target }], "interventions": ["Sleep hygiene module"] }] }
        ]})
    })
    .await;
    let plans = matches(
        &fhir(
            &t,
            &counselor,
            &format!("CarePlan?patient=Patient/{patient}"),
        )
        .await,
    );
    let treatment: Vec<&Value> = plans
        .iter()
        .filter(|p| p["category"][0]["text"] == "Treatment plan")
        .collect();
    assert!(treatment.len() >= 2, "every version");
    let (newest, before) = (
        treatment[treatment.len() - 1],
        treatment[treatment.len() - 2],
    );
    assert_eq!(newest["status"], "active");
    assert_eq!(before["status"], "revoked");
    assert_eq!(
        newest["replaces"][0]["reference"],
        format!("CarePlan/{}", before["id"].as_str().unwrap_or_default())
    );
    let goals = newest["goal"].as_array().cloned().unwrap_or_default();
    assert_eq!(goals.len(), 2);
    for g in &goals {
        let path = g["reference"].as_str().expect("reference");
        let goal = fhir(&t, &counselor, path).await;
        assert_eq!(goal["lifecycleStatus"], "active");
        assert_eq!(goal["target"][0]["dueDate"], target.as_str());
        assert_eq!(goal["subject"]["reference"], format!("Patient/{patient}"));
    }
    assert_eq!(
        newest["activity"].as_array().map(Vec::len),
        Some(3),
        "one per intervention"
    );
    let read = fhir(
        &t,
        &counselor,
        &format!("CarePlan/{}", newest["id"].as_str().unwrap_or_default()),
    )
    .await;
    assert_eq!(&read, newest);
    let old_goal = fhir(
        &t,
        &counselor,
        &format!("Goal/{}-1", before["id"].as_str().unwrap_or_default()),
    )
    .await;
    assert_eq!(
        old_goal["lifecycleStatus"], "completed",
        "a replaced version's goals are no longer pursued as written"
    );
    let goal_search = matches(&fhir(&t, &counselor, &format!("Goal?patient={patient}")).await);
    assert!(goal_search.iter().any(|g| g["id"]
        == goals[0]["reference"]
            .as_str()
            .unwrap_or_default()
            .trim_start_matches("Goal/")));

    // The demo's relapse prevention plans come back too, with their coping strategies.
    let director = t.token("director@demo.test").await;
    let owner = rows(&t, "SELECT patient_id AS value FROM relapse_plans")
        .into_iter()
        .next()
        .expect("a relapse plan");
    let plans = matches(&fhir(&t, &director, &format!("CarePlan?patient={owner}")).await);
    let relapse = plans
        .iter()
        .find(|p| p["category"][0]["text"] == "Relapse prevention plan")
        .expect("relapse plan");
    assert!(relapse["activity"]
        .as_array()
        .is_some_and(|a| !a.is_empty()));

    // Outside the caseload, and for billing, nothing.
    let (solo, _) = crate::supervision::solo_counselor(&t, &director).await;
    let id = newest["id"].as_str().unwrap_or_default();
    for (token, path) in [
        (&solo, format!("CarePlan/{id}")),
        (&solo, format!("Goal/{id}-1")),
        (
            &t.token("billing@demo.test").await,
            format!("CarePlan/{id}"),
        ),
    ] {
        let res = t
            .get(&format!("/fhir/r4/{path}"), Auth::Bearer(token))
            .await;
        assert_eq!(res.status, StatusCode::FORBIDDEN, "{path}: {}", res.body);
    }
    let res = t
        .get("/fhir/r4/Goal/not-a-goal", Auth::Bearer(&counselor))
        .await;
    assert_eq!(res.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn the_episode_names_its_sites_organization_and_the_directory_and_family_resolve() {
    let t = TestApp::new().await;
    let counselor = t.token("counselor@demo.test").await;
    let patient = patient_of_last_week(&t, &counselor).await;
    let episodes =
        matches(&fhir(&t, &counselor, &format!("EpisodeOfCare?patient={patient}")).await);
    let org = episodes[0]["managingOrganization"]["reference"]
        .as_str()
        .expect("an organization")
        .to_string();
    let billing = t.token("billing@demo.test").await;
    let o = fhir(&t, &billing, &org).await;
    assert_eq!(o["resourceType"], "Organization");
    assert!(o["identifier"].as_array().is_some_and(|ids| ids
        .iter()
        .any(|i| i["system"] == "http://hl7.org/fhir/sid/us-npi")));
    let site = org.trim_start_matches("Organization/");
    let l = fhir(&t, &counselor, &format!("Location/{site}")).await;
    assert_eq!(l["managingOrganization"]["reference"], org.as_str());
    let staff = episodes[0]["careManager"]["reference"]
        .as_str()
        .expect("a counselor")
        .trim_start_matches("Practitioner/")
        .to_string();
    let role = fhir(&t, &counselor, &format!("PractitionerRole/{staff}")).await;
    assert_eq!(
        role["practitioner"]["reference"],
        format!("Practitioner/{staff}")
    );
    assert_eq!(role["code"][0]["text"], "Counselor");
    assert!(role["location"].as_array().is_some_and(|l| l
        .iter()
        .any(|r| r["reference"] == format!("Location/{site}"))));

    // The people close to the patient: for the roles that keep consents.
    let director = t.token("director@demo.test").await;
    let owner = rows(&t, "SELECT patient_id AS value FROM related_persons")
        .into_iter()
        .next()
        .expect("a related person");
    let people = matches(&fhir(&t, &director, &format!("RelatedPerson?patient={owner}")).await);
    assert!(!people.is_empty());
    let one = fhir(
        &t,
        &director,
        &format!(
            "RelatedPerson/{}",
            people[0]["id"].as_str().unwrap_or_default()
        ),
    )
    .await;
    assert_eq!(one["patient"]["reference"], format!("Patient/{owner}"));
    let res = t
        .get(
            &format!("/fhir/r4/RelatedPerson?patient={owner}"),
            Auth::Bearer(&billing),
        )
        .await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);
    let audited = rows(&t, &format!("SELECT subject AS value FROM audit_log WHERE action = 'fhir.read' AND subject LIKE 'RelatedPerson/%' AND patient_id = '{owner}'"));
    assert_eq!(audited.len(), 1, "the read is audited, by id");
    for path in [
        "Organization/not-a-site",
        "Location/01a24290-9d84-70ed-99a8-c10c5b976bfc",
    ] {
        let res = t
            .get(&format!("/fhir/r4/{path}"), Auth::Bearer(&counselor))
            .await;
        assert!(
            matches!(res.status, StatusCode::NOT_FOUND | StatusCode::BAD_REQUEST),
            "{path}: {}",
            res.status
        );
    }
}

#[tokio::test]
async fn an_outside_export_of_treatment_progress_sends_scores_and_the_current_goals_only() {
    let t = TestApp::new().await;
    let counselor = t.token("counselor@demo.test").await;
    let patient = patient_of_last_week(&t, &counselor).await;
    crate::part2::record_tpo(
        &t,
        &counselor,
        &patient,
        &["treating_providers"],
        &["treatment_progress"],
    )
    .await;
    let person = t
        .post_json(
            &format!("/api/v1/patients/{patient}/related-persons"),
            Auth::Bearer(&counselor),
            serde_json::json!({ "name": "Dana Kept", "relationship": "sister", "phone": "(502) 555-0199" }),
        )
        .await;
    assert_eq!(person.status, StatusCode::CREATED, "{}", person.body);
    phq9(&t, &counselor, &patient, [1; 9]).await;
    two_plan_versions(&t, &counselor, &patient, |target| {
        serde_json::json!({ "problems": [{ "problem": "Drinks after work", "goals": [
            { "goal": "Stop drinking", "objectives": [{ "objective": "Negative breath tests for 3 weeks", "target_date": target }], "interventions": ["Group CBT"] }] }] })
    })
    .await;
    let newest = rows(&t, &format!("SELECT id AS value FROM treatment_plans WHERE patient_id = '{patient}' ORDER BY version DESC")).remove(0);

    let query = "?_type=Patient,Observation,QuestionnaireResponse,CarePlan,Goal,RelatedPerson&recipient=Class/treating_providers&recipientName=Riverside%20Hospital";
    let (_, manifest) = crate::fhir_export::export(&t, &counselor, query).await;
    let all = crate::fhir_export::lines(&t, &counselor, &manifest).await;
    let about = |v: &Value| {
        let s = v.to_string();
        s.contains(&format!("Patient/{patient}")) || v["id"] == patient.as_str()
    };
    let theirs: Vec<&(String, Value)> = all.iter().filter(|(_, v)| about(v)).collect();
    assert!(
        theirs.iter().any(|(k, _)| k == "Patient"),
        "the consenting patient is exported"
    );
    let observations: Vec<&Value> = theirs
        .iter()
        .filter(|(k, _)| k == "Observation")
        .map(|(_, v)| v)
        .collect();
    let phq = observations
        .iter()
        .find(|o| o["code"]["coding"][0]["code"] == "44261-6" && o["valueInteger"] == 9)
        .expect("today's PHQ-9 total goes");
    assert!(
        phq.get("component").is_none(),
        "without its item answers: {phq}"
    );
    for o in &observations {
        if o["code"]["coding"][0]["system"] == "http://loinc.org" {
            assert!(
                o.get("component").is_none(),
                "a total goes without its item answers: {o}"
            );
        }
    }
    let goals: Vec<&Value> = theirs
        .iter()
        .filter(|(k, _)| k == "Goal")
        .map(|(_, v)| v)
        .collect();
    assert!(!goals.is_empty(), "the current plan's goals go");
    for g in &goals {
        assert!(
            g["id"].as_str().is_some_and(|id| id.starts_with(&newest)),
            "only the newest version: {g}"
        );
        assert!(g.get("note").is_none(), "the problem statement stays home");
    }
    for kind in ["QuestionnaireResponse", "CarePlan", "RelatedPerson"] {
        assert!(
            !all.iter().any(|(k, _)| k == kind),
            "no {kind} goes to an outside party"
        );
    }
    assert!(!all.iter().any(|(_, v)| v.to_string().contains("Dana Kept")));
}
