//! The request log an operator ships: one JSON line per request with the route template,
//! never the path's ids, a query string or a patient's name.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::http::{http, json_strings, serve_demo};
use common::Iop;
use std::time::{Duration, Instant};

#[test]
fn a_chart_read_leaves_one_json_log_line_with_its_route_template_and_no_patient_name() {
    let iop = Iop::new();
    let log = iop.db.dir.join("serve.log");
    let env = [("IOP_LOG", "info"), ("IOP_LOG_FORMAT", "json")];
    let (mut serve, port) = serve_demo(&iop, &env, &log);
    let creds = r#"{"email":"director@demo.test","password":"demo-password"}"#;
    let json = [("Content-Type", "application/json")];
    let (_, body) = http(port, "POST", "/api/v1/auth/token", &json, creds).expect("token");
    let token = format!("Bearer {}", json_strings(&body, "token")[0]);
    let auth = ("Authorization", token.as_str());
    let (_, census) = http(port, "GET", "/api/v1/census", &[auth], "").expect("census");
    let (patient, name) = (
        json_strings(&census, "patient_id")[0].clone(),
        json_strings(&census, "name")[0].clone(),
    );
    let path = format!("/api/v1/patients/{patient}/chart?before=2099-01-01");
    let request_id = ("x-request-id", "log-test-chart-1");
    let (status, _) = http(port, "GET", &path, &[auth, request_id], "").expect("chart");
    assert_eq!(status, 200);

    // The line is written when the response is; give the writer a moment.
    let mut lines = Vec::new();
    let started = Instant::now();
    while lines.is_empty() && started.elapsed() < Duration::from_secs(10) {
        let text = std::fs::read_to_string(&log).expect("log");
        lines = text
            .lines()
            .filter(|l| l.contains("log-test-chart-1"))
            .map(|l| serde_json::from_str::<serde_json::Value>(l).expect("each line is JSON"))
            .collect();
        std::thread::sleep(Duration::from_millis(50));
    }
    serve.kill().expect("kill");
    serve.wait().expect("reap");

    assert_eq!(lines.len(), 1, "one line per request: {lines:?}");
    let line = &lines[0];
    assert_eq!(line["level"], "INFO", "{line}");
    assert_eq!(line["method"], "GET", "{line}");
    assert_eq!(line["route"], "/api/v1/patients/{id}/chart", "{line}");
    assert_eq!(line["status"], 200, "{line}");
    assert_eq!(line["request_id"], "log-test-chart-1", "{line}");
    assert!(
        line["latency_ms"].as_f64().is_some_and(|ms| ms >= 0.0),
        "{line}"
    );
    assert!(
        line["account"].as_str().is_some_and(|a| a.len() == 36),
        "{line}"
    );
    let text = std::fs::read_to_string(&log).expect("log");
    assert!(!text.contains(&name), "a patient's name reached the log");
    assert!(
        !line.to_string().contains(&patient),
        "the path's id is in the line: {line}"
    );
    assert!(
        !text.contains("before=2099"),
        "a query string reached the log"
    );
    assert!(!text.contains('\u{1b}'), "colour codes in a log file");
}
