//! What a claim carries over HTTP: the rendering clinician in loop 2310B (held when they
//! have no NPI), the payer's claim filing indicator, telehealth place and modifier, line
//! control numbers, and the diagnoses of the episode the services fall in. Each 837P
//! written here is saved for pyx12 when `IOP_X12_OUT` names a directory.

use crate::billing::{payer_named, payer_of};
use crate::clinical::past_session;
use crate::common::{Auth, TestApp};
use axum::http::StatusCode;
use iop_app::{Ctx, RequestMeta};

/// Saves an 837P for the validator run of `scripts/test`.
pub(crate) fn keep_for_pyx12(name: &str, x12: &str) {
    if let Ok(dir) = std::env::var("IOP_X12_OUT") {
        std::fs::write(std::path::Path::new(&dir).join(format!("{name}.x12")), x12)
            .expect("write the 837P");
    }
}

/// The segments of an 837P, and the claims in it as (CLM01, its segments).
pub(crate) fn claims_in(x12: &str) -> Vec<(String, Vec<String>)> {
    let mut out: Vec<(String, Vec<String>)> = Vec::new();
    for seg in x12.split('~').map(str::trim).filter(|s| !s.is_empty()) {
        if let Some(rest) = seg.strip_prefix("CLM*") {
            out.push((rest.split('*').next().unwrap_or("").into(), Vec::new()));
        } else if seg.starts_with("HL*") || seg.starts_with("SE*") {
            out.push((String::new(), Vec::new()));
            continue;
        }
        if let Some(last) = out.last_mut() {
            last.1.push(seg.to_string());
        }
    }
    out.retain(|(id, _)| !id.is_empty());
    out
}

async fn post(t: &TestApp, token: &str, path: &str, body: serde_json::Value) -> serde_json::Value {
    let r = t.post_json(path, Auth::Bearer(token), body).await;
    assert!(r.status.is_success(), "{path}: {}", r.body);
    r.json()
}

#[tokio::test]
async fn a_90834_telehealth_line_is_claimed_with_its_clinicians_npi_and_the_episode_of_service_diagnoses(
) {
    let t = TestApp::new().await;
    let director = t.token("director@demo.test").await;
    let billing = t.token("billing@demo.test").await;
    let per_service = payer_named(&t, &billing, "Commonwealth Mutual").await;
    let casey = crate::care::my_staff_id(&t, &director, "Casey Counselor").await;
    let s = past_session(&t, &director).await;
    let roster = t
        .get(
            &format!("/api/v1/sessions/{}/roster", s["id"].as_str().expect("id")),
            Auth::Bearer(&director),
        )
        .await
        .json();
    let mut patient = None;
    for l in roster["lines"].as_array().expect("lines") {
        let p = l["patient_id"].as_str().expect("patient").to_string();
        if payer_of(&t, &billing, &p).await.as_deref() == Some(per_service.as_str()) {
            patient = Some(p);
            break;
        }
    }
    let patient = patient.expect("a per-service patient on the roster");

    // A 48-minute telehealth session with the patient at home.
    let times = t
        .get(
            &format!("/api/v1/patients/{patient}/appointment-times?staff_id={casey}&minutes=50"),
            Auth::Bearer(&director),
        )
        .await
        .json();
    let first = times[0].as_str().expect("a free time").to_string();
    let booked = post(
        &t,
        &director,
        "/api/v1/appointments",
        serde_json::json!({ "patient_id": patient, "staff_id": casey, "starts": first, "minutes": 50, "telehealth_link": "https://video.example.org/r/7" }),
    )
    .await;
    let appt: iop_domain::ids::AppointmentId =
        booked["id"].as_str().expect("id").parse().expect("id");
    let later = Ctx::system(RequestMeta::cli(
        crate::common::now() + jiff::SignedDuration::from_hours(24 * 30),
    ));
    let hh = &first[11..13];
    let app = t.app.clone();
    let input = iop_app::clinical::individual::IndividualNoteInput {
        started: format!("{hh}:02").parse().expect("time"),
        ended: format!("{hh}:50").parse().expect("time"),
        goal: "Stop using".into(),
        narrative: "Reviewed the week.".into(),
        plan: "Call the sponsor daily.".into(),
        patient_location: Some(iop_domain::appointments::PatientLocation::Home),
    };
    tokio::task::spawn_blocking(move || {
        app.set_appointment_status(&later, appt, "kept", None)?;
        app.save_individual_note(&later, appt, input, true)
    })
    .await
    .expect("join")
    .expect("kept and signed after the session");
    let date = &first[..10];

    // The clinician has no NPI yet: the claim is held and says so.
    let cleared = t
        .put_json(
            &format!("/api/v1/staff/{casey}/billing-identity"),
            &director,
            serde_json::json!({ "npi": null, "taxonomy": null }),
        )
        .await;
    assert_eq!(cleared.status, StatusCode::NO_CONTENT, "{}", cleared.body);
    let bad = t
        .put_json(
            &format!("/api/v1/staff/{casey}/billing-identity"),
            &director,
            serde_json::json!({ "npi": "1234567890", "taxonomy": "101YA0400X" }),
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", bad.body);
    post(
        &t,
        &billing,
        "/api/v1/charges/generate",
        serde_json::json!({ "from": date, "to": date }),
    )
    .await;
    let charges = t
        .get(
            &format!("/api/v1/charges?from={date}&to={date}&patient_id={patient}"),
            Auth::Bearer(&billing),
        )
        .await
        .json();
    let line = charges
        .as_array()
        .expect("charges")
        .iter()
        .find(|c| c["source_id"] == booked["id"])
        .expect("the session's charge")
        .clone();
    assert_eq!(
        (
            line["code"].as_str(),
            line["status"].as_str(),
            line["place_of_service"].as_str()
        ),
        (Some("90834"), Some("ready"), Some("10")),
        "{line}"
    );
    assert!(
        line["modifiers"]
            .as_str()
            .unwrap_or_default()
            .contains("95"),
        "{line}"
    );

    // A later episode of the same patient with other diagnoses: the claim must not take them.
    let episode_dx: Vec<String> = iop_app::testing::query_text(
        &t.app,
        &format!("SELECT diagnoses AS value FROM episodes WHERE patient_id = '{patient}' AND status = 'active'"),
    )
    .expect("diagnoses")[0]
        .split(',')
        .map(|d| d.replace('.', ""))
        .collect();
    let later_episode = format!(
        "INSERT INTO episodes (id, patient_id, program_id, admit_date, planned_end_date, status, ended_on, created_at, inquiry_id, primary_counselor_id, level_of_care, diagnoses) \
         SELECT '{}', patient_id, program_id, '2099-01-04', '2099-03-01', 'discharged', '2099-01-05', created_at, NULL, primary_counselor_id, level_of_care, 'F16.20' \
         FROM episodes WHERE patient_id = '{patient}' AND status = 'active'",
        iop_domain::ids::EpisodeId::new_v7()
    );
    iop_app::testing::execute_sql(&t.app, &[&later_episode]).expect("a later episode");

    post(&t, &billing, "/api/v1/claims/build", serde_json::json!({})).await;
    let claim_of_line = |claims: &serde_json::Value, id: &serde_json::Value| {
        claims
            .as_array()
            .expect("claims")
            .iter()
            .find(|k| &k["id"] == id)
            .cloned()
            .expect("claim")
    };
    let claimed = t
        .get(
            &format!("/api/v1/charges?from={date}&to={date}&patient_id={patient}"),
            Auth::Bearer(&billing),
        )
        .await
        .json()
        .as_array()
        .expect("charges")
        .iter()
        .find(|c| c["source_id"] == booked["id"])
        .cloned()
        .expect("charge");
    let claims = t.get("/api/v1/claims", Auth::Bearer(&billing)).await.json();
    let held = claim_of_line(&claims, &claimed["claim_id"]);
    assert_eq!(held["status"], "held", "{held}");
    assert!(
        held["problems"]
            .as_str()
            .unwrap_or_default()
            .contains("no individual NPI"),
        "{held}"
    );

    let restored = t
        .put_json(
            &format!("/api/v1/staff/{casey}/billing-identity"),
            &director,
            serde_json::json!({ "npi": "1234567893", "taxonomy": "101ya0400x" }),
        )
        .await;
    assert_eq!(restored.status, StatusCode::NO_CONTENT, "{}", restored.body);
    post(&t, &billing, "/api/v1/claims/build", serde_json::json!({})).await;
    let claims = t.get("/api/v1/claims", Auth::Bearer(&billing)).await.json();
    let ready = claim_of_line(&claims, &claimed["claim_id"]);
    assert_eq!(ready["status"], "ready", "{ready}");
    let batch = post(&t, &billing, "/api/v1/claim-batches", serde_json::json!({})).await;
    let batch = batch["id"].as_str().expect("a batch").to_string();
    let file = t
        .get(
            &format!("/api/v1/claim-batches/{batch}/837"),
            Auth::Bearer(&billing),
        )
        .await
        .body;
    keep_for_pyx12("http_2310b_telehealth", &file);
    let number = ready["claim_number"].as_str().expect("number");
    let (_, segs) = claims_in(&file)
        .into_iter()
        .find(|(id, _)| id == number)
        .expect("the claim in the batch");
    let has = |prefix: &str| segs.iter().any(|s| s.starts_with(prefix));
    assert!(has("NM1*82*1*Counselor*Casey****XX*1234567893"), "{segs:?}");
    assert!(has("PRV*PE*PXC*101YA0400X"), "{segs:?}");
    assert!(has("SV1*HC:90834:95*"), "{segs:?}");
    let control = claimed["id"].as_str().expect("id").replace('-', "");
    assert!(has(&format!("REF*6R*{control}")), "{segs:?}");
    let hi = segs.iter().find(|s| s.starts_with("HI*")).expect("HI");
    assert!(
        hi.contains(&format!("ABK:{}", episode_dx[0])),
        "{hi} vs {episode_dx:?}"
    );
    assert!(
        !hi.contains("F1620"),
        "the later episode's diagnosis leaked into the claim: {hi}"
    );
}

#[tokio::test]
async fn each_payers_claims_carry_its_claim_filing_indicator() {
    let t = TestApp::new().await;
    let billing = t.token("billing@demo.test").await;
    let batches = t
        .get("/api/v1/claim-batches", Auth::Bearer(&billing))
        .await
        .json();
    let batch = batches[0]["id"].as_str().expect("the demo sent a batch");
    let file = t
        .get(
            &format!("/api/v1/claim-batches/{batch}/837"),
            Auth::Bearer(&billing),
        )
        .await
        .body;
    keep_for_pyx12("http_demo_batch", &file);
    // Each 2000B: SBR then, a few segments on, its payer's NM1*PR.
    let segs: Vec<&str> = file.split('~').map(str::trim).collect();
    let mut seen = std::collections::BTreeSet::new();
    for (i, s) in segs.iter().enumerate() {
        if !s.starts_with("SBR*") {
            continue;
        }
        let sbr09 = s.split('*').nth(9).unwrap_or_default();
        let payer = segs[i..]
            .iter()
            .find(|p| p.starts_with("NM1*PR*"))
            .expect("payer loop");
        let expected = if payer.contains("Bluegrass") {
            "HM"
        } else {
            "CI"
        };
        assert_eq!(sbr09, expected, "{s} / {payer}");
        seen.insert(expected);
    }
    assert_eq!(seen.len(), 2, "both demo payers were billed: {seen:?}");
    // Group nights are authorized four weeks at a time: a month's claim spanning two
    // authorizations names the second on its own lines (REF*G1 after the line's SV1).
    let two = claims_in(&file).into_iter().any(|(_, segs)| {
        let first_line = segs.iter().position(|s| s.starts_with("LX*"));
        first_line.is_some_and(|i| {
            segs[..i].iter().any(|s| s.starts_with("REF*G1*"))
                && segs[i..].iter().any(|s| s.starts_with("REF*G1*"))
        })
    });
    assert!(two, "a demo claim under two authorizations");
}
