//! Individual counseling, treatment plans, make-ups, co-signature, reminders, the chart
//! timeline and the outcome report, over HTTP on the demo.

use crate::clinical::{past_session, patient_of_last_week, today};
use crate::common::{Auth, TestApp};
use axum::http::StatusCode;
use iop_app::{Ctx, RequestMeta};

pub(crate) async fn my_staff_id(t: &TestApp, token: &str, name: &str) -> String {
    let staff = t.get("/api/v1/staff", Auth::Bearer(token)).await.json();
    staff
        .as_array()
        .expect("staff")
        .iter()
        .find(|s| s["display_name"] == name)
        .expect("staff member")["id"]
        .as_str()
        .expect("id")
        .to_string()
}

#[tokio::test]
async fn individual_sessions_avoid_group_nights_and_their_note_records_face_to_face_minutes() {
    let t = TestApp::new().await;
    let counselor = t.token("counselor@demo.test").await;
    let patient = patient_of_last_week(&t, &counselor).await;
    let casey = my_staff_id(&t, &counselor, "Casey Counselor").await;

    // Next Monday's group night (every track meets on Mondays) is refused, naming the clash.
    let monday = iop_domain::calendar::monday_of(today())
        .checked_add(jiff::Span::new().days(7))
        .expect("date");
    let clash = t
        .post_json(
            "/api/v1/appointments",
            Auth::Bearer(&counselor),
            serde_json::json!({ "patient_id": patient, "staff_id": casey, "starts": format!("{monday}T18:30"), "minutes": 50 }),
        )
        .await;
    assert_eq!(clash.status, StatusCode::CONFLICT, "{}", clash.body);
    assert!(clash.body.contains("18:00 to 21:00"), "{}", clash.body);

    let times = t
        .get(
            &format!("/api/v1/patients/{patient}/appointment-times?staff_id={casey}&minutes=50"),
            Auth::Bearer(&counselor),
        )
        .await;
    assert_eq!(times.status, StatusCode::OK, "{}", times.body);
    let first = times.json()[0].as_str().expect("a free time").to_string();
    let hour: u32 = first[11..13].parse().expect("hour");
    assert!((9..=16).contains(&hour), "{first}");

    let booked = t
        .post_json(
            "/api/v1/appointments",
            Auth::Bearer(&counselor),
            serde_json::json!({ "patient_id": patient, "staff_id": casey, "starts": first, "minutes": 50, "telehealth_link": "https://video.example.org/r/1" }),
        )
        .await;
    assert_eq!(booked.status, StatusCode::CREATED, "{}", booked.body);
    let appt = booked.json()["id"].as_str().expect("id").to_string();
    // The same slot is now taken for this counselor.
    let again = t
        .post_json(
            "/api/v1/appointments",
            Auth::Bearer(&counselor),
            serde_json::json!({ "patient_id": patient, "staff_id": casey, "starts": first, "minutes": 50 }),
        )
        .await;
    assert_eq!(again.status, StatusCode::CONFLICT, "{}", again.body);

    let status = |s: &str, r: Option<&str>| serde_json::json!({ "status": s, "reason": r });
    let early = t
        .post_json(
            &format!("/api/v1/appointments/{appt}/status"),
            Auth::Bearer(&counselor),
            status("kept", None),
        )
        .await;
    assert_eq!(
        early.status,
        StatusCode::CONFLICT,
        "kept only once started: {}",
        early.body
    );
    let no_reason = t
        .post_json(
            &format!("/api/v1/appointments/{appt}/status"),
            Auth::Bearer(&counselor),
            status("cancelled", None),
        )
        .await;
    assert_eq!(
        no_reason.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        no_reason.body
    );
    let note = serde_json::json!({ "started": "10:02", "ended": "10:55", "goal": "Stop using", "narrative": "Reviewed cravings.", "plan": "Call sponsor daily.", "sign": true });
    let too_soon = t
        .put_json(
            &format!("/api/v1/appointments/{appt}/note"),
            &counselor,
            note.clone(),
        )
        .await;
    assert_eq!(too_soon.status, StatusCode::CONFLICT, "{}", too_soon.body);

    // The appointment's time comes: the counselor marks it kept.
    let later = crate::common::now() + jiff::SignedDuration::from_hours(24 * 30);
    t.app
        .set_appointment_status(
            &Ctx::system(RequestMeta::cli(later)),
            appt.parse().expect("appointment id"),
            "kept",
            None,
        )
        .expect("kept");
    let reversed = t
        .put_json(
            &format!("/api/v1/appointments/{appt}/note"),
            &counselor,
            serde_json::json!({ "started": "10:55", "ended": "10:02", "goal": "g", "narrative": "n", "plan": "p" }),
        )
        .await;
    assert_eq!(
        reversed.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        reversed.body
    );
    let hh = &first[11..13];
    let signed = t
        .put_json(
            &format!("/api/v1/appointments/{appt}/note"),
            &counselor,
            serde_json::json!({ "started": format!("{hh}:02"), "ended": format!("{hh}:55"), "goal": "Stop using", "narrative": "Reviewed cravings.", "plan": "Call sponsor daily.", "patient_location": "home", "sign": true }),
        )
        .await;
    // Not before the recorded stop: the session is still to come by today's clock.
    assert_eq!(
        signed.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        signed.body
    );
    assert!(
        signed.body.contains("once the session is over"),
        "{}",
        signed.body
    );
    let time = |s: String| s.parse::<jiff::civil::Time>().expect("time");
    let input = iop_app::clinical::individual::IndividualNoteInput {
        started: time(format!("{hh}:02")),
        ended: time(format!("{hh}:55")),
        goal: "Stop using".into(),
        narrative: "Reviewed cravings.".into(),
        plan: "Call sponsor daily.".into(),
        patient_location: Some(iop_domain::appointments::PatientLocation::Home),
    };
    let director = t.app.clone();
    let at_later = Ctx::system(RequestMeta::cli(later));
    let appt_id: iop_domain::ids::AppointmentId = appt.parse().expect("appointment id");
    tokio::task::spawn_blocking(move || {
        director.save_individual_note(&at_later, appt_id, input, true)
    })
    .await
    .expect("join")
    .expect("signed after the stop time");
    let locked = t
        .put_json(
            &format!("/api/v1/appointments/{appt}/note"),
            &counselor,
            note,
        )
        .await;
    assert_eq!(
        locked.status,
        StatusCode::CONFLICT,
        "a signed note never changes: {}",
        locked.body
    );

    let list = t
        .get(
            &format!("/api/v1/patients/{patient}/appointments"),
            Auth::Bearer(&counselor),
        )
        .await
        .json();
    let mine = list
        .as_array()
        .expect("list")
        .iter()
        .find(|a| a["id"] == appt.as_str())
        .expect("booked")
        .clone();
    assert_eq!(mine["status"], "kept");
    assert_eq!(mine["mode"], "telehealth");
    assert_eq!(mine["note"]["minutes"], 53, "{mine}");

    let chart = t
        .get(
            &format!("/api/v1/patients/{patient}/chart"),
            Auth::Bearer(&counselor),
        )
        .await
        .json();
    let kinds: Vec<&str> = chart["timeline"]
        .as_array()
        .expect("timeline")
        .iter()
        .filter_map(|i| i["kind"].as_str())
        .collect();
    for kind in [
        "individual",
        "session",
        "group_note",
        "measure",
        "treatment_plan",
    ] {
        assert!(kinds.contains(&kind), "timeline lacks {kind}: {kinds:?}");
    }
    let dates: Vec<&str> = chart["timeline"]
        .as_array()
        .expect("timeline")
        .iter()
        .filter_map(|i| i["date"].as_str())
        .collect();
    assert!(
        dates.windows(2).all(|w| w[0] >= w[1]),
        "timeline is newest first"
    );

    for who in ["billing@demo.test", "admissions@demo.test"] {
        let tok = t.token(who).await;
        for path in [
            format!("/api/v1/patients/{patient}/appointments"),
            format!("/api/v1/patients/{patient}/treatment-plans"),
        ] {
            assert_eq!(
                t.get(&path, Auth::Bearer(&tok)).await.status,
                StatusCode::FORBIDDEN,
                "{who} {path}"
            );
        }
    }
}

#[tokio::test]
async fn a_treatment_plan_is_versioned_signed_once_by_each_and_due_for_review_in_30_days() {
    let t = TestApp::new().await;
    let counselor = t.token("counselor@demo.test").await;
    let patient = patient_of_last_week(&t, &counselor).await;
    let target = today()
        .checked_add(jiff::Span::new().days(20))
        .expect("date")
        .to_string();
    let plan = serde_json::json!({ "problems": [
        { "problem": "Alcohol use harms work", "goals": [
            { "goal": "Stop drinking", "objectives": [{ "objective": "Negative breath tests at every group for 3 weeks", "target_date": target }], "interventions": ["Group CBT", "Weekly individual session"] }] },
        { "problem": "Isolation", "goals": [
            { "goal": "Build support", "objectives": [{ "objective": "Calls a support person 3 times a week", "target_date": target }], "interventions": ["Family group"] }] }
    ]});
    let saved = t
        .post_json(
            &format!("/api/v1/patients/{patient}/treatment-plans"),
            Auth::Bearer(&counselor),
            plan,
        )
        .await;
    assert_eq!(saved.status, StatusCode::CREATED, "{}", saved.body);
    let v = saved.json()["version"].as_i64().expect("version");
    assert!(v >= 2, "the demo wrote version 1: {v}");

    let past = serde_json::json!({ "problems": [{ "problem": "p", "goals": [{ "goal": "g", "objectives": [{ "objective": "o", "target_date": "2020-01-01" }], "interventions": ["i"] }] }] });
    let refused = t
        .post_json(
            &format!("/api/v1/patients/{patient}/treatment-plans"),
            Auth::Bearer(&counselor),
            past,
        )
        .await;
    assert_eq!(
        refused.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        refused.body
    );
    let no_goal = serde_json::json!({ "problems": [{ "problem": "p", "goals": [] }] });
    let refused = t
        .post_json(
            &format!("/api/v1/patients/{patient}/treatment-plans"),
            Auth::Bearer(&counselor),
            no_goal,
        )
        .await;
    assert_eq!(
        refused.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        refused.body
    );

    let sign = |body: serde_json::Value| {
        let path = format!("/api/v1/patients/{patient}/treatment-plans/{v}/sign");
        let tok = counselor.clone();
        let t = &t;
        async move { t.post_json(&path, Auth::Bearer(&tok), body).await }
    };
    assert_eq!(
        sign(serde_json::json!({ "patient_signature": "  " }))
            .await
            .status,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    assert_eq!(
        sign(serde_json::json!({ "patient_signature": "Cameron Brooks" }))
            .await
            .status,
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        sign(serde_json::json!({ "patient_signature": "Cameron Brooks" }))
            .await
            .status,
        StatusCode::CONFLICT
    );
    assert_eq!(
        sign(serde_json::json!({})).await.status,
        StatusCode::NO_CONTENT
    );

    let plans = t
        .get(
            &format!("/api/v1/patients/{patient}/treatment-plans"),
            Auth::Bearer(&counselor),
        )
        .await
        .json();
    let latest = &plans[0];
    assert_eq!(latest["version"], v);
    assert_eq!(latest["patient_signature"], "Cameron Brooks");
    assert!(latest["counselor_signed_at"].is_string());
    let due = today()
        .checked_add(jiff::Span::new().days(30))
        .expect("date")
        .to_string();
    assert_eq!(latest["review_due"], due.as_str());
    assert_eq!(
        latest["content"]["problems"]
            .as_array()
            .expect("problems")
            .len(),
        2
    );
}

#[tokio::test]
async fn a_patient_from_the_other_track_joins_as_a_make_up_and_can_be_marked_present() {
    let t = TestApp::new().await;
    let counselor = t.token("counselor@demo.test").await;
    let s = past_session(&t, &counselor).await;
    let sid = s["id"].as_str().expect("id");
    let roster = t
        .get(
            &format!("/api/v1/sessions/{sid}/roster"),
            Auth::Bearer(&counselor),
        )
        .await
        .json();
    let on_roster: Vec<&str> = roster["lines"]
        .as_array()
        .expect("lines")
        .iter()
        .filter_map(|l| l["patient_id"].as_str())
        .collect();
    let census = t
        .get("/api/v1/census", Auth::Bearer(&counselor))
        .await
        .json();
    let other = census[0]["patients"]
        .as_array()
        .expect("patients")
        .iter()
        .find(|p| {
            p["track_id"] != s["track_id"]
                && p["admit_date"]
                    .as_str()
                    .is_some_and(|d| d <= s["local_date"].as_str().unwrap_or(""))
                && !on_roster.contains(&p["patient_id"].as_str().unwrap_or(""))
        })
        .expect("a patient of the other track admitted by then")["patient_id"]
        .as_str()
        .expect("id")
        .to_string();
    // The session page offers the other track's patient as a make-up, and never a
    // patient already on the roster.
    let cookie = t.login("counselor@demo.test").await;
    let option = |id: &str| format!("<option value=\"{id}\">");
    let page = t
        .get(&format!("/sessions/{sid}"), Auth::Cookie(&cookie))
        .await;
    assert!(page.body.contains(&option(&other)), "offered as a make-up");
    assert!(on_roster.iter().all(|id| !page.body.contains(&option(id))));
    let path = format!("/api/v1/sessions/{sid}/makeups");
    let body = serde_json::json!({ "patient_id": other, "reason": "missed Wednesday's group" });
    let added = t
        .post_json(&path, Auth::Bearer(&counselor), body.clone())
        .await;
    assert_eq!(added.status, StatusCode::NO_CONTENT, "{}", added.body);
    assert_eq!(
        t.post_json(&path, Auth::Bearer(&counselor), body)
            .await
            .status,
        StatusCode::CONFLICT
    );
    let no_reason = t
        .post_json(
            &path,
            Auth::Bearer(&counselor),
            serde_json::json!({ "patient_id": other, "reason": "" }),
        )
        .await;
    assert_eq!(no_reason.status, StatusCode::UNPROCESSABLE_ENTITY);

    let roster = t
        .get(
            &format!("/api/v1/sessions/{sid}/roster"),
            Auth::Bearer(&counselor),
        )
        .await
        .json();
    let line = roster["lines"]
        .as_array()
        .expect("lines")
        .iter()
        .find(|l| l["patient_id"] == other.as_str())
        .expect("on the roster")
        .clone();
    assert_eq!(line["makeup"], true);
    let page = t
        .get(&format!("/sessions/{sid}"), Auth::Cookie(&cookie))
        .await;
    assert!(
        !page.body.contains(&option(&other)),
        "on the roster now, not offered"
    );
    let marked = t
        .put_json(
            &format!("/api/v1/sessions/{sid}/attendance"),
            &counselor,
            serde_json::json!([{ "patient_id": other, "mark": "present" }]),
        )
        .await;
    assert_eq!(marked.status, StatusCode::NO_CONTENT, "{}", marked.body);
    let chart = t
        .get(
            &format!("/api/v1/patients/{other}/chart"),
            Auth::Bearer(&counselor),
        )
        .await
        .json();
    assert!(
        chart["attendance"]
            .as_array()
            .expect("attendance")
            .iter()
            .any(|a| a[0] == s["local_date"]),
        "{chart}"
    );
}
