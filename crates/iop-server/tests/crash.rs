//! `iop serve` killed with SIGKILL while 64 clients read patients' measures: every
//! answer a client received has its audit row after the restart, and the reads were
//! committed in groups.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::http::{http, json_strings, serve_demo};
use common::Iop;
use std::collections::BTreeSet;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const READERS: usize = 64;

#[test]
fn every_read_answered_before_a_kill_9_has_its_audit_row_and_reads_commit_in_groups() {
    let iop = Iop::new();
    let log = iop.db.dir.join("serve.log");
    let (mut serve, port) = serve_demo(
        &iop,
        &[("IOP_LOG", "warn,iop_store::audit_writer=debug")],
        &log,
    );

    let creds = r#"{"email":"director@demo.test","password":"demo-password"}"#;
    let json = [("Content-Type", "application/json")];
    let (status, body) = http(port, "POST", "/api/v1/auth/token", &json, creds).expect("token");
    assert_eq!(status, 201, "{body}");
    let token = format!("Bearer {}", json_strings(&body, "token")[0]);
    let (_, census) = http(
        port,
        "GET",
        "/api/v1/census",
        &[("Authorization", &token)],
        "",
    )
    .expect("census");
    let patients: Vec<String> = json_strings(&census, "patient_id");
    assert!(patients.len() >= 4, "{census}");

    let stop = Arc::new(AtomicBool::new(false));
    let received = Arc::new(Mutex::new(Vec::<String>::new()));
    let readers: Vec<_> = (0..READERS)
        .map(|r| {
            let (stop, received, token) = (stop.clone(), received.clone(), token.clone());
            let patient = patients[r % patients.len()].clone();
            std::thread::spawn(move || {
                let path = format!("/api/v1/patients/{patient}/measures");
                for n in 0.. {
                    if stop.load(Ordering::Relaxed) {
                        break;
                    }
                    let id = format!("crash-{r}-{n}");
                    let headers = [
                        ("Authorization", token.as_str()),
                        ("x-request-id", id.as_str()),
                    ];
                    match http(port, "GET", &path, &headers, "") {
                        Some((200, _)) => received.lock().expect("lock").push(id),
                        Some((status, body)) => panic!("{status}: {body}"),
                        None => break,
                    }
                }
            })
        })
        .collect();
    // A moment that varies from run to run, once the readers are in full flow.
    let jitter = u64::from(std::process::id() % 7) * 100
        + u64::from(Instant::now().elapsed().subsec_nanos() % 500);
    std::thread::sleep(Duration::from_millis(1_500 + jitter));
    serve.kill().expect("SIGKILL");
    serve.wait().expect("reap");
    stop.store(true, Ordering::Relaxed);
    for r in readers {
        r.join().expect("reader");
    }
    let received: BTreeSet<String> = received.lock().expect("lock").iter().cloned().collect();
    assert!(
        received.len() > 100,
        "only {} reads answered",
        received.len()
    );

    // Starting again (here `audit verify`) recovers the database and finds the chain whole.
    let verified = iop.run(&["audit", "verify"], None);
    assert!(
        verified.status.success(),
        "{}",
        String::from_utf8_lossy(&verified.stderr)
    );

    let store = iop_store::Store::open(&iop.db.url, 1).expect("open");
    let logged: BTreeSet<String> = store
        .read(|c| iop_store::audit::request_ids_of(c, "clinical.measures.view", "crash-"))
        .expect("audit rows")
        .into_iter()
        .collect();
    let missing: Vec<&String> = received.difference(&logged).collect();
    assert!(
        missing.is_empty(),
        "{} answered reads have no audit row, e.g. {:?}",
        missing.len(),
        missing.first()
    );

    let commits = std::fs::read_to_string(&log)
        .expect("log")
        .lines()
        .filter(|l| l.contains("audit batch committed"))
        .count();
    eprintln!("{commits} audit commits for {} reads", logged.len());
    // One transaction per read would make these equal; grouped, each commit carries
    // several reads (about four here on SQLite, more where commits are slower).
    assert!(
        commits * 2 <= logged.len(),
        "{commits} audit commits for {} reads: not grouped",
        logged.len()
    );
}
