//! The family group and 42 CFR Part 2 consent over HTTP: who may join, revocation per
//! recipient, releases with the notice, and the accounting of disclosures.

use crate::common::{Auth, TestApp};
use axum::http::StatusCode;
use iop_app::testing::execute_sql;

/// A held family group in the past and a scheduled one ahead (ids and dates).
pub async fn family_sessions(t: &TestApp, token: &str) -> ((String, String), (String, String)) {
    let today = crate::clinical::today();
    let from = today.checked_sub(jiff::Span::new().days(35)).expect("date");
    let to = today.checked_add(jiff::Span::new().days(42)).expect("date");
    let all = t
        .get(
            &format!("/api/v1/sessions?from={from}&to={to}"),
            Auth::Bearer(token),
        )
        .await
        .json();
    let fam: Vec<&serde_json::Value> = all
        .as_array()
        .expect("sessions")
        .iter()
        .filter(|s| s["kind"] == "family")
        .collect();
    let pick = |s: &&serde_json::Value| {
        (
            s["id"].as_str().expect("id").to_string(),
            s["local_date"].as_str().expect("date").to_string(),
        )
    };
    let past = fam
        .iter()
        .rev()
        .find(|s| s["status"] == "held")
        .map(pick)
        .expect("a held family group");
    let ahead = fam
        .iter()
        .find(|s| {
            s["status"] == "scheduled"
                && s["local_date"]
                    .as_str()
                    .is_some_and(|d| d > today.to_string().as_str())
        })
        .map(pick)
        .expect("a family group ahead");
    (past, ahead)
}

async fn relatives(t: &TestApp, token: &str, session: &str) -> Vec<serde_json::Value> {
    let r = t
        .get(
            &format!("/api/v1/sessions/{session}/roster"),
            Auth::Bearer(token),
        )
        .await
        .json();
    r["relatives"].as_array().expect("relatives").clone()
}

fn line<'a>(lines: &'a [serde_json::Value], id: &str) -> &'a serde_json::Value {
    lines
        .iter()
        .find(|l| l["related_person_id"] == id)
        .expect("relative listed")
}

#[tokio::test]
async fn a_relative_joins_the_family_group_only_under_a_consent_and_a_revocation_removes_them_from_future_rosters_only(
) {
    let t = TestApp::new().await;
    // The demo signed these groups' notes, which closes them to their facilitator;
    // the clinical director works with them still.
    let counselor = t.token("director@demo.test").await;
    let ((past, past_date), (ahead, _)) = family_sessions(&t, &counselor).await;
    let roster = t
        .get(
            &format!("/api/v1/sessions/{past}/roster"),
            Auth::Bearer(&counselor),
        )
        .await
        .json();
    let patient = roster["lines"][0]["patient_id"]
        .as_str()
        .expect("patient")
        .to_string();

    let add = |name: &str, rel: &str| {
        let body = serde_json::json!({ "name": name, "relationship": rel });
        let (t, c, p) = (&t, counselor.clone(), patient.clone());
        async move {
            t.post_json(
                &format!("/api/v1/patients/{p}/related-persons"),
                Auth::Bearer(&c),
                body,
            )
            .await
            .json()["id"]
                .as_str()
                .expect("id")
                .to_string()
        }
    };
    let aunt = add("Dana Aunt", "aunt").await;
    let cousin = add("Kim Cousin", "cousin").await;

    // No consent yet: listed with the reason, and refused at the door.
    let ahead_lines = relatives(&t, &counselor, &ahead).await;
    assert_eq!(line(&ahead_lines, &aunt)["allowed"], false);
    assert_eq!(
        line(&ahead_lines, &aunt)["reason"],
        "no signed consent names them"
    );
    let mark = |who: &str| serde_json::json!([{ "related_person_id": who, "present": true }]);
    let refused = t
        .put_json(
            &format!("/api/v1/sessions/{past}/family-attendance"),
            &counselor,
            mark(&aunt),
        )
        .await;
    assert_eq!(refused.status, StatusCode::CONFLICT, "{}", refused.body);
    assert!(
        refused.body.contains("no signed consent names them") && !refused.body.contains("Dana"),
        "{}",
        refused.body
    );

    // A consent signed before that group, naming both.
    let consent = serde_json::json!({
        "information": ["enrollment", "family_participation"],
        "recipients": [{ "kind": "person", "ref_id": aunt }, { "kind": "person", "ref_id": cousin }],
        "purpose": "Family involvement in treatment", "expiry": "end_of_treatment",
        "signature": "signed on paper", "signed_on": past_date,
    });
    let recorded = t
        .post_json(
            &format!("/api/v1/patients/{patient}/consents"),
            Auth::Bearer(&counselor),
            consent,
        )
        .await;
    assert_eq!(recorded.status, StatusCode::CREATED, "{}", recorded.body);
    let ahead_lines = relatives(&t, &counselor, &ahead).await;
    assert_eq!(line(&ahead_lines, &aunt)["allowed"], true);
    assert_eq!(line(&ahead_lines, &cousin)["allowed"], true);
    let ok = t
        .put_json(
            &format!("/api/v1/sessions/{past}/family-attendance"),
            &counselor,
            mark(&aunt),
        )
        .await;
    assert_eq!(ok.status, StatusCode::NO_CONTENT, "{}", ok.body);

    // Revoke for the aunt only: gone from future rosters, still on the past one, and the
    // cousin stays covered.
    let consents = t
        .get(
            &format!("/api/v1/patients/{patient}/consents"),
            Auth::Bearer(&counselor),
        )
        .await
        .json();
    let mine = consents
        .as_array()
        .expect("consents")
        .iter()
        .find(|c| {
            c["recipients"]
                .as_array()
                .is_some_and(|r| r.iter().any(|r| r["ref_id"] == aunt.as_str()))
        })
        .expect("consent")
        .clone();
    let aunt_line = mine["recipients"]
        .as_array()
        .expect("recipients")
        .iter()
        .find(|r| r["ref_id"] == aunt.as_str())
        .expect("aunt")["id"]
        .as_str()
        .expect("id")
        .to_string();
    let revoked = t
        .post_json(
            &format!("/api/v1/consent-recipients/{aunt_line}/revoke"),
            Auth::Bearer(&counselor),
            serde_json::json!({ "note": "in writing, letter of today" }),
        )
        .await;
    assert_eq!(revoked.status, StatusCode::NO_CONTENT, "{}", revoked.body);
    let again = t
        .post_json(
            &format!("/api/v1/consent-recipients/{aunt_line}/revoke"),
            Auth::Bearer(&counselor),
            serde_json::json!({ "note": "again" }),
        )
        .await;
    assert_eq!(again.status, StatusCode::CONFLICT);
    let ahead_lines = relatives(&t, &counselor, &ahead).await;
    assert_eq!(line(&ahead_lines, &aunt)["allowed"], false);
    assert!(line(&ahead_lines, &aunt)["reason"]
        .as_str()
        .is_some_and(|r| r.contains("revoked")));
    assert_eq!(
        line(&ahead_lines, &cousin)["allowed"],
        true,
        "revoking one recipient leaves the others in effect"
    );
    let past_lines = relatives(&t, &counselor, &past).await;
    assert_eq!(
        line(&past_lines, &aunt)["allowed"],
        true,
        "the past roster is judged as the consent stood then"
    );
    assert_eq!(line(&past_lines, &aunt)["present"], true);

    let page = t.login("director@demo.test").await;
    let html = t
        .get(&format!("/sessions/{ahead}"), Auth::Cookie(&page))
        .await
        .body;
    assert!(
        html.contains("Dana Aunt")
            && html.contains("Not on the roster: the patient revoked consent"),
        "the page says why"
    );
}

#[tokio::test]
async fn releases_carry_the_notice_and_every_disclosure_reaches_the_accounting() {
    let t = TestApp::new().await;
    // The demo signed this group's note, which closes it to its facilitator.
    let counselor = t.token("director@demo.test").await;
    let ((past, past_date), _) = family_sessions(&t, &counselor).await;
    let roster = t
        .get(
            &format!("/api/v1/sessions/{past}/roster"),
            Auth::Bearer(&counselor),
        )
        .await
        .json();
    let patient = roster["lines"][0]["patient_id"]
        .as_str()
        .expect("patient")
        .to_string();
    let before = t
        .get(
            &format!("/api/v1/patients/{patient}/disclosures"),
            Auth::Bearer(&counselor),
        )
        .await
        .json()
        .as_array()
        .expect("rows")
        .len();

    let friend = t.post_json(&format!("/api/v1/patients/{patient}/related-persons"), Auth::Bearer(&counselor), serde_json::json!({ "name": "Pat Friend", "relationship": "friend", "phone": "(502) 555-0177" })).await.json()["id"].as_str().expect("id").to_string();
    let consent = serde_json::json!({
        "information": ["enrollment", "family_participation"], "recipients": [{ "kind": "person", "ref_id": friend }],
        "purpose": "Support in recovery", "expiry": crate::clinical::today().checked_add(jiff::Span::new().days(90)).expect("date").to_string(),
        "signature": "Typed Name", "signed_on": past_date,
    });
    assert_eq!(
        t.post_json(
            &format!("/api/v1/patients/{patient}/consents"),
            Auth::Bearer(&counselor),
            consent
        )
        .await
        .status,
        StatusCode::CREATED
    );
    let all = t
        .get(
            &format!("/api/v1/patients/{patient}/consents"),
            Auth::Bearer(&counselor),
        )
        .await
        .json();
    let line_id = all
        .as_array()
        .expect("consents")
        .iter()
        .flat_map(|c| c["recipients"].as_array().cloned().unwrap_or_default())
        .find(|r| r["ref_id"] == friend.as_str())
        .expect("line")["id"]
        .as_str()
        .expect("id")
        .to_string();

    let release = |info: &[&str]| serde_json::json!({ "recipient_id": line_id, "information": info, "purpose": "The patient asked for a letter", "channel": "print" });
    let out = t
        .post_json(
            &format!("/api/v1/patients/{patient}/releases"),
            Auth::Bearer(&counselor),
            release(&["enrollment"]),
        )
        .await;
    assert_eq!(out.status, StatusCode::OK, "{}", out.body);
    let doc = out.json();
    assert!(
        doc["notice"]
            .as_str()
            .is_some_and(|n| n.contains("42 CFR part 2") && n.contains("against the patient")),
        "{doc}"
    );
    assert_eq!(doc["consent"]["recipients"][0]["ref_id"], friend.as_str());
    let not_covered = t
        .post_json(
            &format!("/api/v1/patients/{patient}/releases"),
            Auth::Bearer(&counselor),
            release(&["treatment_progress"]),
        )
        .await;
    assert_eq!(
        not_covered.status,
        StatusCode::CONFLICT,
        "{}",
        not_covered.body
    );
    let marked = t
        .put_json(
            &format!("/api/v1/sessions/{past}/family-attendance"),
            &counselor,
            serde_json::json!([{ "related_person_id": friend, "present": true }]),
        )
        .await;
    assert_eq!(marked.status, StatusCode::NO_CONTENT, "{}", marked.body);
    // Marking the same presence again discloses nothing new.
    t.put_json(
        &format!("/api/v1/sessions/{past}/family-attendance"),
        &counselor,
        serde_json::json!([{ "related_person_id": friend, "present": true }]),
    )
    .await;

    let rows = t
        .get(
            &format!("/api/v1/patients/{patient}/disclosures"),
            Auth::Bearer(&counselor),
        )
        .await
        .json();
    let rows = rows.as_array().expect("rows");
    assert_eq!(rows.len(), before + 2, "{rows:?}");
    assert!(rows.iter().any(|r| r["channel"] == "print"
        && r["recipient_name"] == "Pat Friend"
        && r["consent_version"] == 1));
    assert!(rows
        .iter()
        .any(|r| r["channel"] == "family_group"
            && r["information"] == "enrollment,family_participation"));
    let page = t
        .get(
            &format!("/patients/{patient}/disclosures"),
            Auth::Bearer(&counselor),
        )
        .await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Pat Friend") && page.body.contains("Accounting of disclosures"));
    let billing = t.token("billing@demo.test").await;
    assert_eq!(
        t.get(
            &format!("/api/v1/patients/{patient}/disclosures"),
            Auth::Bearer(&billing)
        )
        .await
        .status,
        StatusCode::FORBIDDEN
    );

    // Edited behind the application's back, the log no longer verifies.
    let app = t.app.clone();
    let pg = t._db.is_postgres();
    let outcome = tokio::task::spawn_blocking(move || {
        let sql: &[&str] = if pg {
            &[
                "ALTER TABLE disclosure_log DISABLE TRIGGER disclosure_log_no_update",
                "UPDATE disclosure_log SET recipient_name = 'Someone Else' WHERE seq = 2",
            ]
        } else {
            &[
                "DROP TRIGGER disclosure_log_no_update",
                "UPDATE disclosure_log SET recipient_name = 'Someone Else' WHERE seq = 2",
            ]
        };
        let intact = app.verify_disclosure_log(|_, _| {}).expect("verify");
        assert!(
            matches!(intact, iop_app::audit::chain::VerifyOutcome::Intact { rows } if rows >= 2),
            "{intact:?}"
        );
        let refused = execute_sql(
            &app,
            &["UPDATE disclosure_log SET purpose = 'x' WHERE seq = 1"],
        );
        assert!(refused.is_err(), "the append-only trigger refuses updates");
        execute_sql(&app, sql).expect("sql");
        app.verify_disclosure_log(|_, _| {}).expect("verify")
    })
    .await
    .expect("join");
    assert!(
        matches!(
            outcome,
            iop_app::audit::chain::VerifyOutcome::Broken { seq: 2, .. }
        ),
        "{outcome:?}"
    );
}

#[tokio::test]
async fn a_consent_missing_an_element_or_mixing_counseling_notes_is_refused() {
    let t = TestApp::new().await;
    // The demo signed these groups' notes, which closes them to their facilitator;
    // the clinical director works with them still.
    let counselor = t.token("director@demo.test").await;
    let ((past, _), _) = family_sessions(&t, &counselor).await;
    let roster = t
        .get(
            &format!("/api/v1/sessions/{past}/roster"),
            Auth::Bearer(&counselor),
        )
        .await
        .json();
    let patient = roster["lines"][0]["patient_id"]
        .as_str()
        .expect("patient")
        .to_string();
    let rel = t
        .post_json(
            &format!("/api/v1/patients/{patient}/related-persons"),
            Auth::Bearer(&counselor),
            serde_json::json!({ "name": "Jo Doe", "relationship": "partner" }),
        )
        .await
        .json()["id"]
        .as_str()
        .expect("id")
        .to_string();
    let base = serde_json::json!({ "information": ["enrollment"], "recipients": [{ "kind": "person", "ref_id": rel }], "purpose": "support", "expiry": "end_of_treatment", "signature": "Jo" });
    let with = |k: &str, v: serde_json::Value| {
        let mut b = base.clone();
        b[k] = v;
        b
    };
    for (body, says) in [
        (with("purpose", serde_json::json!(" ")), "purpose"),
        (with("recipients", serde_json::json!([])), "recipient"),
        (with("information", serde_json::json!([])), "information"),
        (
            with(
                "information",
                serde_json::json!(["enrollment", "counseling_notes"]),
            ),
            "counseling notes",
        ),
        (with("expiry", serde_json::json!("never")), "no expiry"),
        (
            with(
                "recipients",
                serde_json::json!([{ "kind": "class", "class": "treating_providers" }]),
            ),
            "class",
        ),
        (
            with("information", serde_json::json!(["everything"])),
            "unknown kind",
        ),
    ] {
        let res = t
            .post_json(
                &format!("/api/v1/patients/{patient}/consents"),
                Auth::Bearer(&counselor),
                body,
            )
            .await;
        assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", res.body);
        assert!(
            res.body.to_lowercase().contains(says),
            "{says}: {}",
            res.body
        );
    }
    let admissions = t.token("admissions@demo.test").await;
    assert_eq!(
        t.post_json(
            &format!("/api/v1/patients/{patient}/consents"),
            Auth::Bearer(&admissions),
            base
        )
        .await
        .status,
        StatusCode::CREATED,
        "admissions records consents at intake"
    );
}
