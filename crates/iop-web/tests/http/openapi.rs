//! The OpenAPI document is one a client generator accepts: parameters declared where
//! they are, unique operation ids, a schema for every body, errors as problem+json.

use crate::common::{Auth, TestApp};
use axum::http::StatusCode;

async fn document() -> serde_json::Value {
    let t = TestApp::new().await;
    let res = t.get("/api/openapi.json", Auth::None).await;
    assert_eq!(res.status, StatusCode::OK);
    res.json()
}

fn operations(doc: &serde_json::Value) -> Vec<(String, String, serde_json::Value)> {
    let mut ops = Vec::new();
    for (path, item) in doc["paths"].as_object().expect("paths") {
        for (method, op) in item.as_object().expect("path item") {
            ops.push((method.to_uppercase(), path.clone(), op.clone()));
        }
    }
    ops
}

#[tokio::test]
async fn path_parameters_are_the_ones_in_the_path_and_query_parameters_are_in_the_query() {
    let doc = document().await;
    for (method, path, op) in operations(&doc) {
        let mut in_path: Vec<String> = Vec::new();
        for p in op["parameters"].as_array().cloned().unwrap_or_default() {
            let name = p["name"].as_str().unwrap_or_default().to_string();
            match p["in"].as_str() {
                Some("path") => in_path.push(name),
                Some("query") | Some("header") => {
                    assert!(
                        !path.contains(&format!("{{{name}}}")),
                        "{method} {path}: {name} is in the path"
                    )
                }
                other => panic!("{method} {path}: parameter {name} in {other:?}"),
            }
        }
        let mut template: Vec<String> = path
            .split('{')
            .skip(1)
            .filter_map(|s| s.split_once('}').map(|(n, _)| n.to_string()))
            .collect();
        in_path.sort();
        template.sort();
        assert_eq!(in_path, template, "{method} {path}: path parameters");
    }
}

#[tokio::test]
async fn operation_ids_are_unique() {
    let doc = document().await;
    let mut ids: Vec<String> = operations(&doc)
        .iter()
        .map(|(m, p, op)| {
            op["operationId"]
                .as_str()
                .unwrap_or_else(|| panic!("{m} {p} has no operationId"))
                .to_string()
        })
        .collect();
    let n = ids.len();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), n, "duplicate operation ids");
}

#[tokio::test]
async fn every_body_has_a_schema_and_every_error_is_problem_json() {
    let doc = document().await;
    for (method, path, op) in operations(&doc) {
        let responses = op["responses"].as_object().expect("responses");
        assert!(
            responses.contains_key("default"),
            "{method} {path}: no default problem response"
        );
        for (status, r) in responses {
            let content = r["content"].as_object();
            if status.starts_with('2') {
                if status == "204" {
                    assert!(content.is_none(), "{method} {path}: 204 with a body");
                    continue;
                }
                let content = content
                    .unwrap_or_else(|| panic!("{method} {path} {status}: no body documented"));
                for (media, c) in content {
                    if media.starts_with("application/json") {
                        assert!(
                            c.get("schema").is_some(),
                            "{method} {path} {status}: no schema"
                        );
                    }
                }
            } else {
                let media: Vec<&String> = content.map(|c| c.keys().collect()).unwrap_or_default();
                assert_eq!(
                    media,
                    ["application/problem+json"],
                    "{method} {path} {status}"
                );
            }
        }
    }
}

#[tokio::test]
async fn claim_batches_are_objects_with_named_fields() {
    let doc = document().await;
    let schema = &doc["paths"]["/api/v1/claim-batches"]["get"]["responses"]["200"]["content"]
        ["application/json"]["schema"];
    assert_eq!(schema["type"], "array", "{schema}");
    assert_eq!(
        schema["items"]["$ref"], "#/components/schemas/ClaimBatch",
        "{schema}"
    );
    let batch = &doc["components"]["schemas"]["ClaimBatch"]["properties"];
    for field in [
        "id",
        "interchange_control_number",
        "claim_count",
        "total_cents",
        "created_at",
    ] {
        assert!(
            batch.get(field).is_some(),
            "ClaimBatch has no {field}: {batch}"
        );
    }
}
