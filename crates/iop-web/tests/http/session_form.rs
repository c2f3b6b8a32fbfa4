//! The facilitator's session form is one use case: one transaction, one audit entry.

use crate::clinical::{past_session, roster_of};
use crate::common::{Auth, TestApp};
use axum::http::StatusCode;

/// The actions of the audit entries after sequence number `after`, oldest first,
/// leaving out the reads of the audit log itself.
async fn actions_since(t: &TestApp, admin: &str, after: i64) -> (i64, Vec<String>) {
    let rows = t
        .get("/api/v1/audit-events", Auth::Bearer(admin))
        .await
        .json();
    let rows = rows.as_array().cloned().unwrap_or_default();
    let last = rows
        .iter()
        .filter_map(|r| r["seq"].as_i64())
        .max()
        .unwrap_or(after);
    let mut actions: Vec<(i64, String)> = rows
        .iter()
        .filter(|r| r["seq"].as_i64().is_some_and(|s| s > after))
        .filter_map(|r| Some((r["seq"].as_i64()?, r["action"].as_str()?.to_string())))
        .filter(|(_, a)| !a.starts_with("audit."))
        .collect();
    actions.sort();
    (last, actions.into_iter().map(|(_, a)| a).collect())
}

/// Last week's session (its note still a draft) and its roster.
async fn past_roster(t: &TestApp, token: &str) -> (String, serde_json::Value) {
    let s = past_session(t, token).await;
    let sid = s["id"].as_str().expect("id").to_string();
    (sid.clone(), roster_of(t, token, &sid).await)
}

#[tokio::test]
async fn saving_and_signing_the_session_form_writes_one_audit_entry() {
    let t = TestApp::new().await;
    let admin = t.token("admin@demo.test").await;
    let counselor = t.token("counselor@demo.test").await;
    let browser = t.login("counselor@demo.test").await;
    let (sid, roster) = past_roster(&t, &counselor).await;
    let ids: Vec<String> = roster["lines"]
        .as_array()
        .expect("lines")
        .iter()
        .map(|l| l["patient_id"].as_str().expect("id").to_string())
        .collect();
    let mut fields: Vec<(String, String)> = vec![
        ("topic".into(), "Healthy relationships".into()),
        (
            "interventions".into(),
            "Role play of setting a boundary.".into(),
        ),
        (
            "group_process".into(),
            "Engaged; members gave each other feedback.".into(),
        ),
        ("action".into(), "sign".into()),
        // The answer to the page's "Sign this note now?".
        ("confirmed".into(), "yes".into()),
        // The entries below are alike on purpose; the signer confirms them.
        ("accept_similar".into(), "1".into()),
    ];
    for (i, p) in ids.iter().enumerate() {
        fields.push((format!("mark_{p}"), "present".into()));
        fields.push((format!("minutes_{p}"), String::new()));
        fields.push((
            format!("participation_{p}"),
            format!("Member {i} named a boundary of their own, number {i}."),
        ));
        fields.push((
            format!("progress_{p}"),
            format!("Goal {i}: practised saying no ({i} times)."),
        ));
    }
    let (seq, _) = actions_since(&t, &admin, 0).await;
    let form: Vec<(&str, &str)> = fields
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let res = t
        .post_form(&format!("/sessions/{sid}"), Auth::Cookie(&browser), &form)
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let (_, added) = actions_since(&t, &admin, seq).await;
    assert_eq!(added, ["clinical.session.save"], "one entry for the save");
    let after = roster_of(&t, &counselor, &sid).await;
    assert_eq!(after["note"]["status"], "signed", "{after}");
    assert!(after["lines"]
        .as_array()
        .expect("lines")
        .iter()
        .all(|l| l["mark"] == "present"));
}

#[tokio::test]
async fn a_refused_signature_keeps_the_saved_draft_and_says_why() {
    let t = TestApp::new().await;
    let counselor = t.token("counselor@demo.test").await;
    let browser = t.login("counselor@demo.test").await;
    let (sid, roster) = past_roster(&t, &counselor).await;
    let first = roster["lines"][0]["patient_id"]
        .as_str()
        .expect("id")
        .to_string();
    // One attendee, no entry: the signature is refused, the attendance and draft stand.
    let mark = format!("mark_{first}");
    let form = [
        ("topic", "Problem solving"),
        ("interventions", "Steps of a problem-solving plan."),
        ("group_process", "Focused."),
        (mark.as_str(), "present"),
        ("action", "sign"),
        ("confirmed", "yes"),
    ];
    // "Save and sign" asks once, saving nothing until the answer.
    let asked = t
        .post_form(
            &format!("/sessions/{sid}"),
            Auth::Cookie(&browser),
            &form[..5],
        )
        .await;
    assert_eq!(asked.status, StatusCode::OK);
    assert!(
        asked.body.contains("Sign this note now?")
            && asked.body.contains("Steps of a problem-solving plan.")
    );
    assert!(
        roster_of(&t, &counselor, &sid).await["note"].is_null(),
        "nothing saved before the answer"
    );
    let res = t
        .post_form(&format!("/sessions/{sid}"), Auth::Cookie(&browser), &form)
        .await;
    assert!(
        res.body.contains("every attendee needs an entry"),
        "{}",
        res.body
    );
    let after = roster_of(&t, &counselor, &sid).await;
    assert_eq!(after["note"]["status"], "draft", "{after}");
    assert_eq!(after["note"]["topic"], "Problem solving");
    assert_eq!(after["lines"][0]["mark"], "present");
}

/// Nothing is documented before it happened: before the group starts no mark is taken,
/// before it ends the note is not signed (the clock is the request's).
#[tokio::test]
async fn a_group_is_not_marked_before_it_starts_nor_its_note_signed_before_it_ends() {
    use iop_app::clinical::attendance::MarkInput;
    use iop_app::clinical::notes::NoteInput;
    use iop_app::{Ctx, RequestMeta};
    let t = TestApp::new().await;
    let counselor = t.token("counselor@demo.test").await;
    let s = past_session(&t, &counselor).await;
    let sid: iop_domain::ids::SessionId = s["id"].as_str().expect("id").parse().expect("id");
    let start: jiff::Timestamp =
        jiff::Zoned::strptime("%Y-%m-%dT%H:%M:%S%:z", s["start"].as_str().expect("start"))
            .map(|z| z.timestamp())
            .or_else(|_| {
                s["start"]
                    .as_str()
                    .expect("start")
                    .parse::<jiff::Timestamp>()
            })
            .expect("start");
    let roster = t
        .get(
            &format!("/api/v1/sessions/{sid}/roster"),
            Auth::Bearer(&counselor),
        )
        .await
        .json();
    let patient: iop_domain::ids::PatientId = roster["lines"][0]["patient_id"]
        .as_str()
        .expect("patient")
        .parse()
        .expect("id");
    let at = move |offset_mins: i64| {
        Ctx::system(RequestMeta::cli(
            start + jiff::SignedDuration::from_mins(offset_mins),
        ))
    };
    let app = t.app.clone();
    let outcome = tokio::task::spawn_blocking(move || {
        let mark = || {
            vec![MarkInput {
                patient_id: patient,
                mark: iop_domain::hours::Mark::Present,
                minutes: None,
            }]
        };
        let early = app.record_attendance(&at(-30), sid, mark());
        let during = app.record_attendance(&at(60), sid, mark());
        let note = NoteInput {
            topic: "Problem solving".into(),
            interventions: "Skills practice.".into(),
            group_process: "Engaged.".into(),
            entries: vec![(
                patient,
                "Spoke about the week's plan.".into(),
                "Goal 1: on track.".into(),
            )],
        };
        app.save_group_note(&at(90), sid, note).expect("draft");
        let sign_during = app.sign_group_note(&at(120), sid, true);
        let sign_after = app.sign_group_note(&at(181), sid, true);
        (early, during, sign_during, sign_after)
    })
    .await
    .expect("join");
    match outcome.0 {
        Err(iop_app::AppError::Invalid(m)) => {
            assert!(m.contains("once the group has started, at 6:00 PM"), "{m}")
        }
        other => panic!("{other:?}"),
    }
    assert!(outcome.1.is_ok(), "{:?}", outcome.1);
    match outcome.2 {
        Err(iop_app::AppError::Invalid(m)) => {
            assert!(m.contains("after the group ends, at 9:00 PM"), "{m}")
        }
        other => panic!("{other:?}"),
    }
    assert!(outcome.3.is_ok(), "{:?}", outcome.3);
}
