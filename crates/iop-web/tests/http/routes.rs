//! Every registered route, for every role, answers as the policy table says.

use crate::common::{email_of, Auth, TestApp};
use axum::body::Body;
use axum::http::{Method, Request, StatusCode};
use iop_app::policy::{allows, has_entry};
use iop_domain::Role;
use iop_web::access::{Access, Surface};
use iop_web::routes::registry;
use strum::IntoEnumIterator;

fn concrete(path: &str) -> String {
    path.replace("{id}", "00000000-0000-7000-8000-000000000000")
        .replace("{staff_id}", "00000000-0000-7000-8000-000000000001")
        .replace("{version}", "1")
}

#[tokio::test]
async fn every_route_answers_every_role_as_the_policy_table_says() {
    let t = TestApp::new().await;
    let mut tokens = Vec::new();
    let mut browsers = Vec::new();
    for role in Role::iter() {
        tokens.push((role, t.token(email_of(role)).await));
        browsers.push((role, t.login(email_of(role)).await));
    }
    let mut checked = 0;
    // Signing out ends the session the later page checks use, so it goes last.
    let mut routes = registry();
    routes.sort_by_key(|r| r.path == "/logout");
    for route in routes {
        let Access::Staff(action) = route.access else {
            continue;
        };
        assert!(
            has_entry(action),
            "route {} {} uses {action:?}, which has no row in the policy table",
            route.method,
            route.path
        );
        for role in Role::iter() {
            let auth = match route.surface {
                Surface::Api | Surface::Fhir => {
                    Auth::Bearer(&tokens.iter().find(|(r, _)| *r == role).expect("token").1)
                }
                Surface::Page => Auth::Cookie(
                    &browsers
                        .iter()
                        .find(|(r, _)| *r == role)
                        .expect("browser")
                        .1,
                ),
            };
            let req = auth
                .apply(
                    Request::builder()
                        .method(route.method.clone())
                        .uri(concrete(route.path)),
                )
                .body(Body::empty())
                .expect("req");
            let res = t.send(req).await;
            if allows(role, action) {
                assert!(
                    res.status != StatusCode::FORBIDDEN
                        && res.status != StatusCode::UNAUTHORIZED
                        && !res.status.is_server_error(),
                    "{role} should reach {} {} but got {}: {}",
                    route.method,
                    route.path,
                    res.status,
                    res.body
                );
            } else {
                assert_eq!(
                    res.status,
                    StatusCode::FORBIDDEN,
                    "{role} must be refused {} {}: {}",
                    route.method,
                    route.path,
                    res.body
                );
            }
            checked += 1;
        }
    }
    assert!(
        checked >= 5 * 10,
        "only {checked} route × role pairs were checked"
    );
}

#[tokio::test]
async fn staff_routes_refuse_anonymous_callers() {
    let t = TestApp::new().await;
    for route in registry() {
        let Access::Staff(_) = route.access else {
            continue;
        };
        let req = Request::builder()
            .method(route.method.clone())
            .uri(concrete(route.path))
            .body(Body::empty())
            .expect("req");
        let res = t.send(req).await;
        match (route.surface, &route.method) {
            (Surface::Api | Surface::Fhir, _) => assert_eq!(
                res.status,
                StatusCode::UNAUTHORIZED,
                "{} {}",
                route.method,
                route.path
            ),
            (Surface::Page, &Method::GET) => {
                assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", route.path);
                let loc = res
                    .headers
                    .get("location")
                    .and_then(|v| v.to_str().ok())
                    .unwrap_or("");
                assert!(
                    loc.starts_with("/login"),
                    "{} redirects to {loc}",
                    route.path
                );
            }
            (Surface::Page, _) => assert_eq!(
                res.status,
                StatusCode::SEE_OTHER,
                "{} {}",
                route.method,
                route.path
            ),
        }
    }
}

#[tokio::test]
async fn openapi_document_lists_exactly_the_api_routes() {
    let t = TestApp::new().await;
    let res = t.get("/api/openapi.json", Auth::None).await;
    assert_eq!(res.status, StatusCode::OK);
    let doc = res.json();
    assert!(
        doc["openapi"].as_str().unwrap_or("").starts_with("3.1"),
        "not OpenAPI 3.1: {}",
        doc["openapi"]
    );
    let mut documented = Vec::new();
    for (path, item) in doc["paths"].as_object().expect("paths") {
        for method in item.as_object().expect("item").keys() {
            documented.push(format!("{} {path}", method.to_uppercase()));
        }
    }
    let mut registered: Vec<String> = registry()
        .iter()
        .filter(|r| r.path.starts_with("/api/v1/"))
        .map(|r| format!("{} {}", r.method, r.path))
        .collect();
    documented.sort();
    registered.sort();
    assert_eq!(documented, registered);
}
