//! An export's files follow the asker's role at the moment of download, not only at the
//! kick-off.

use crate::common::{Auth, TestApp};
use crate::fhir_export::export;
use axum::http::StatusCode;

#[tokio::test]
async fn a_role_taken_away_after_the_kick_off_stops_the_download_of_what_it_allowed() {
    let t = TestApp::new().await;
    let director = t.token("director@demo.test").await;
    let (_, manifest) = export(&t, &director, "?_type=Patient,Observation").await;
    let url_of = |kind: &str| {
        let out = manifest["output"].as_array().expect("output");
        let url = out.iter().find(|o| o["type"] == kind).expect(kind)["url"]
            .as_str()
            .expect("url")
            .to_string();
        url[url.find("/fhir/r4/").expect("path")..].to_string()
    };
    let observations = url_of("Observation");
    let ok = t.get(&observations, Auth::Bearer(&director)).await;
    assert_eq!(ok.status, StatusCode::OK, "{}", ok.body);

    // Now billing: demographics still go (claims need them), clinical files do not.
    iop_app::testing::execute_sql(
        &t.app,
        &["UPDATE users SET role = 'billing' WHERE email = 'director@demo.test'"],
    )
    .expect("role changed");
    let refused = t.get(&observations, Auth::Bearer(&director)).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN, "{}", refused.body);
    assert_eq!(refused.json()["resourceType"], "OperationOutcome");
    let patients = t.get(&url_of("Patient"), Auth::Bearer(&director)).await;
    assert_eq!(patients.status, StatusCode::OK, "{}", patients.body);
}
