//! Views whose cost must follow what they show, not the years behind them: the chart
//! in pages, the staffing view one site at a time, the outcome report over a period.

use crate::clinical::{patient_of_last_week, today};
use crate::common::{Auth, TestApp};
use axum::http::StatusCode;

fn days(d: jiff::civil::Date, n: i64) -> jiff::civil::Date {
    d.checked_add(jiff::Span::new().days(n)).expect("date")
}

#[tokio::test]
async fn the_chart_shows_one_page_of_dates_and_links_the_older_and_newer_pages() {
    let t = TestApp::new().await;
    let director = t.token("director@demo.test").await;
    let patient = patient_of_last_week(&t, &director).await;
    let latest = t
        .get(
            &format!("/api/v1/patients/{patient}/chart"),
            Auth::Bearer(&director),
        )
        .await
        .json();
    assert!(latest["shown_before"].is_null(), "{latest}");
    let marks = latest["attendance"].as_array().expect("marks").len();
    assert!(marks > 0);

    // An older page holds only its 90 days; its newer link leads back toward today.
    let before = days(today(), -14);
    let page = t
        .get(
            &format!("/api/v1/patients/{patient}/chart?before={before}"),
            Auth::Bearer(&director),
        )
        .await
        .json();
    assert_eq!(page["shown_before"], before.to_string());
    assert_eq!(page["shown_from"], days(before, -90).to_string());
    let dates: Vec<&str> = page["attendance"]
        .as_array()
        .expect("marks")
        .iter()
        .map(|m| m[0].as_str().expect("date"))
        .collect();
    assert!(
        !dates.is_empty() && dates.len() < marks,
        "{dates:?} of {marks}"
    );
    assert!(dates.iter().all(|d| *d < before.to_string().as_str()));
    assert!(
        page["newer_before"].is_null(),
        "the next page is the latest"
    );
    let deeper = days(today(), -200);
    let old = t
        .get(
            &format!("/api/v1/patients/{patient}/chart?before={deeper}"),
            Auth::Bearer(&director),
        )
        .await
        .json();
    assert_eq!(old["attendance"].as_array().map(Vec::len), Some(0));
    assert_eq!(old["newer_before"], days(deeper, 90).to_string());

    let browser = t.login("director@demo.test").await;
    let html = t
        .get(
            &format!("/patients/{patient}?before={before}"),
            Auth::Cookie(&browser),
        )
        .await;
    assert_eq!(html.status, StatusCode::OK);
    assert!(html.body.contains("Newer records"), "{}", html.body);

    let bad = t
        .get(
            &format!("/api/v1/patients/{patient}/chart?before=soon"),
            Auth::Bearer(&director),
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", bad.body);
    assert!(bad.body.contains("Before must be a date"), "{}", bad.body);
}

#[tokio::test]
async fn the_staffing_view_and_census_show_one_site_when_asked_and_refuse_an_unknown_one() {
    let t = TestApp::new().await;
    let director = t.token("director@demo.test").await;
    let all = t
        .get("/api/v1/staffing", Auth::Bearer(&director))
        .await
        .json();
    let sites =
        iop_app::testing::query_text(&t.app, "SELECT id AS value FROM sites").expect("sites");
    let site = sites.first().expect("the demo site");
    let one = t
        .get(
            &format!("/api/v1/staffing?site={site}"),
            Auth::Bearer(&director),
        )
        .await
        .json();
    assert_eq!(one, all, "the demo has one site");
    let unknown = t
        .get(
            "/api/v1/staffing?site=01900000-0000-7000-8000-000000000000",
            Auth::Bearer(&director),
        )
        .await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND, "{}", unknown.body);

    // The census the same way.
    let census = t
        .get("/api/v1/census", Auth::Bearer(&director))
        .await
        .json();
    let at_site = t
        .get(
            &format!("/api/v1/census?site={site}"),
            Auth::Bearer(&director),
        )
        .await
        .json();
    assert_eq!(at_site, census);
    let nowhere = t
        .get(
            "/api/v1/census?site=01900000-0000-7000-8000-000000000000",
            Auth::Bearer(&director),
        )
        .await;
    assert_eq!(nowhere.status, StatusCode::NOT_FOUND, "{}", nowhere.body);
}

#[tokio::test]
async fn the_outcome_report_covers_patients_admitted_since_a_date() {
    let t = TestApp::new().await;
    let director = t.token("director@demo.test").await;
    let tomorrow = days(today(), 1);
    let none = t
        .get(
            &format!("/api/v1/reports/outcomes?since={tomorrow}"),
            Auth::Bearer(&director),
        )
        .await
        .json();
    for i in none.as_array().expect("instruments") {
        assert_eq!(i["by_track"].as_array().map(Vec::len), Some(0), "{none}");
    }
    let bad = t
        .get(
            "/api/v1/reports/outcomes?since=lately",
            Auth::Bearer(&director),
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", bad.body);
    let browser = t.login("director@demo.test").await;
    let page = t.get("/reports/outcomes", Auth::Cookie(&browser)).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Admitted since"), "{}", page.body);
}
