//! The request log an operator ships: one JSON line per request with the route template,
//! never the path's ids, a query string or a patient's name; and the metrics that count it.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::http::{free_port, http, json_strings, serve_demo};
use common::Iop;
use std::time::{Duration, Instant};

#[test]
fn a_chart_read_leaves_one_json_log_line_with_its_route_template_and_no_patient_name() {
    let iop = Iop::new();
    let log = iop.db.dir.join("serve.log");
    let metrics_port = free_port();
    let metrics_addr = format!("127.0.0.1:{metrics_port}");
    let env = [
        ("IOP_LOG", "info"),
        ("IOP_LOG_FORMAT", "json"),
        ("IOP_METRICS_ADDR", metrics_addr.as_str()),
        ("IOP_METRICS_TOKEN", "scrape-token-for-the-test"),
    ];
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
    let scrape = metrics_of(metrics_port, &[]);
    let on_main = http(port, "GET", "/metrics", &[], "").expect("metrics on main");
    assert_eq!(on_main.0, 401, "never anonymous on the main listener");
    let bearer = ("Authorization", "Bearer scrape-token-for-the-test");
    let (main_status, _) = http(port, "GET", "/metrics", &[bearer], "").expect("metrics");
    serve.kill().expect("kill");
    serve.wait().expect("reap");
    assert_eq!(main_status, 200, "the configured token opens /metrics");

    let (samples, text) = scrape;
    let charts: f64 = samples
        .iter()
        .filter(|s| {
            s.name == "iop_http_requests_total"
                && s.label("route") == Some("/api/v1/patients/{id}/chart")
                && s.label("method") == Some("GET")
                && s.label("status") == Some("200")
        })
        .map(|s| s.value)
        .sum();
    assert_eq!(charts, 1.0, "/metrics counts the chart read once:\n{text}");
    assert!(samples
        .iter()
        .any(|s| s.name == "iop_http_request_duration_seconds_count"
            && s.label("route") == Some("/api/v1/patients/{id}/chart")
            && s.value == 1.0));
    assert!(samples.iter().any(|s| s.name == "iop_db_pool_connections"));
    assert!(text.contains("# TYPE iop_http_requests_total counter"));

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

/// One sample line of the Prometheus text format.
struct Sample {
    name: String,
    labels: Vec<(String, String)>,
    value: f64,
}

impl Sample {
    fn label(&self, key: &str) -> Option<&str> {
        self.labels
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }
}

/// `/metrics` read as the Prometheus text format (0.0.4): `# HELP`/`# TYPE` comments
/// and `name{label="value",…} value` lines, each of which must parse.
fn metrics_of(port: u16, headers: &[(&str, &str)]) -> (Vec<Sample>, String) {
    let (status, body) = http(port, "GET", "/metrics", headers, "").expect("metrics");
    assert_eq!(status, 200, "{body}");
    let samples = body
        .lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .map(|l| parse_sample(l).unwrap_or_else(|| panic!("not a sample line: {l}")))
        .collect();
    (samples, body)
}

fn parse_sample(line: &str) -> Option<Sample> {
    let name_end = line.find(['{', ' '])?;
    let name = &line[..name_end];
    let valid_name = !name.is_empty()
        && !name.starts_with(|c: char| c.is_ascii_digit())
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == ':');
    if !valid_name {
        return None;
    }
    let mut rest = &line[name_end..];
    let mut labels = Vec::new();
    if let Some(inner) = rest.strip_prefix('{') {
        rest = inner;
        while !rest.starts_with('}') {
            let (key, after) = rest.split_once("=\"")?;
            let mut value = String::new();
            let mut chars = after.char_indices();
            let end = loop {
                match chars.next()? {
                    (_, '\\') => value.push(chars.next()?.1),
                    (i, '"') => break i,
                    (_, c) => value.push(c),
                }
            };
            labels.push((key.to_string(), value));
            rest = &after[end + 1..];
            rest = rest.strip_prefix(',').unwrap_or(rest);
        }
        rest = &rest[1..];
    }
    let value = rest.trim().split(' ').next()?.parse().ok()?;
    Some(Sample {
        name: name.to_string(),
        labels,
        value,
    })
}
