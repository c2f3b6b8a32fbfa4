//! "Today" and "now" are the site's: sites in Los Angeles and on Kiritimati (UTC+14)
//! beside the demo's Louisville, with the clock as a parameter.

use crate::common::{Auth, TestApp};
use axum::http::StatusCode;
use iop_app::{Ctx, RequestMeta};

/// A program at a new site in `zone`, by the API.
async fn program_in(
    t: &TestApp,
    admin: &str,
    name: &str,
    zone: &str,
) -> iop_domain::ids::ProgramId {
    let site = t
        .post_json("/api/v1/sites", Auth::Bearer(admin), serde_json::json!({ "name": name, "time_zone": zone, "address": "1 Main St", "admissions_phone": "(212) 555-0100" }))
        .await;
    assert_eq!(site.status, StatusCode::CREATED, "{}", site.body);
    let settings = serde_json::json!({
        "name": format!("{name} Evening IOP"), "session_start": "18:00", "session_minutes": 180,
        "min_weeks": 7, "max_weeks": 9, "max_patients_per_facilitator": 6, "family_every_weeks": 2,
        "family_minutes": 180, "family_weekday": "thu", "alumni_weekday": "wed", "alumni_minutes": 90, "horizon_weeks": 12
    });
    let program = t
        .post_json("/api/v1/programs", Auth::Bearer(admin), serde_json::json!({ "site_id": site.json()["id"], "slug": name.to_lowercase(), "settings": settings }))
        .await;
    assert_eq!(program.status, StatusCode::CREATED, "{}", program.body);
    program.json()["id"]
        .as_str()
        .expect("id")
        .parse()
        .expect("program id")
}

fn at(ts: &str) -> Ctx {
    Ctx::system(RequestMeta::cli(ts.parse().expect("instant")))
}

#[tokio::test]
async fn today_is_the_date_at_each_site_in_los_angeles_louisville_and_kiritimati() {
    let t = TestApp::new().await;
    let admin = t.token("admin@demo.test").await;
    let la = program_in(&t, &admin, "Pasadena", "America/Los_Angeles").await;
    let kiri = program_in(&t, &admin, "Kiritimati", "Pacific/Kiritimati").await;
    let programs = t.get("/api/v1/programs", Auth::Bearer(&admin)).await.json();
    let louisville: iop_domain::ids::ProgramId = programs
        .as_array()
        .expect("programs")
        .iter()
        .find(|p| p["slug"] == "evening-iop")
        .expect("demo program")["id"]
        .as_str()
        .expect("id")
        .parse()
        .expect("id");
    let app = t.app.clone();
    let days = tokio::task::spawn_blocking(move || {
        let mut out = Vec::new();
        // 23:30 in Los Angeles on the 2nd is already the 3rd elsewhere; 11:30 UTC on the
        // 3rd is the 4th on Kiritimati.
        for ts in ["2026-12-03T07:30:00Z", "2026-12-03T11:30:00Z"] {
            for p in [la, louisville, kiri] {
                out.push(app.program_today(&at(ts), p).expect("today").to_string());
            }
        }
        out
    })
    .await
    .expect("join");
    assert_eq!(
        days,
        [
            "2026-12-02",
            "2026-12-03",
            "2026-12-03",
            "2026-12-03",
            "2026-12-03",
            "2026-12-04"
        ]
    );
}

#[tokio::test]
async fn an_intake_booked_for_three_in_the_afternoon_in_los_angeles_is_three_in_los_angeles() {
    let t = TestApp::new().await;
    let admin = t.token("admin@demo.test").await;
    let la = program_in(&t, &admin, "Pasadena", "America/Los_Angeles").await;
    let adm = t.token("admissions@demo.test").await;
    let created = t
        .post_json("/api/v1/inquiries", Auth::Bearer(&adm), serde_json::json!({ "channel": "phone", "first_name": "Lee", "phone": "(626) 555-0100", "program_id": la.to_string() }))
        .await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.body);
    let id: iop_domain::ids::InquiryId = created.json()["id"]
        .as_str()
        .expect("id")
        .parse()
        .expect("id");
    let screening = serde_json::json!({ "substances": ["alcohol"], "withdrawal_risk": "low", "complicated_withdrawal_history": false, "danger_to_self": false, "danger_to_others": false, "prior_treatment": false, "stepping_down": false });
    let res = t
        .post_json(
            &format!("/api/v1/inquiries/{id}/screening"),
            Auth::Bearer(&adm),
            screening,
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    let app = t.app.clone();
    let tomorrow = crate::common::now()
        .to_zoned(jiff::tz::TimeZone::get("America/Los_Angeles").expect("zone"))
        .date()
        .tomorrow()
        .expect("date");
    let local = tomorrow.to_datetime(jiff::civil::time(15, 0, 0, 0));
    tokio::task::spawn_blocking(move || {
        app.schedule_intake_local(
            &Ctx::system(RequestMeta::cli(crate::common::now())),
            id,
            local,
        )
    })
    .await
    .expect("join")
    .expect("booked");
    let inquiry = t
        .get(&format!("/api/v1/inquiries/{id}"), Auth::Bearer(&adm))
        .await
        .json();
    let stored: jiff::Timestamp = inquiry["intake_at"]
        .as_str()
        .or_else(|| inquiry["row"]["intake_at"].as_str())
        .expect("intake_at")
        .parse()
        .expect("instant");
    let in_la = stored.to_zoned(jiff::tz::TimeZone::get("America/Los_Angeles").expect("zone"));
    assert_eq!(
        (in_la.date(), in_la.hour(), in_la.minute()),
        (tomorrow, 15, 0),
        "{inquiry}"
    );
}

#[tokio::test]
async fn the_measure_forms_default_date_at_eight_in_the_evening_in_louisville_is_that_days_date() {
    let t = TestApp::new().await;
    let director = t.token("director@demo.test").await;
    let census = t
        .get("/api/v1/census", Auth::Bearer(&director))
        .await
        .json();
    let patient: iop_domain::ids::PatientId = census[0]["patients"][0]["patient_id"]
        .as_str()
        .expect("patient")
        .parse()
        .expect("id");
    let app = t.app.clone();
    // 20:00 EST on 3 December is 01:00 UTC on the 4th.
    let chart =
        tokio::task::spawn_blocking(move || app.chart(&at("2026-12-04T01:00:00Z"), patient, None))
            .await
            .expect("join")
            .expect("chart");
    assert_eq!(chart.today.to_string(), "2026-12-03");
}
