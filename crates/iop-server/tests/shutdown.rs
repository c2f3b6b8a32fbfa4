//! `iop serve` stopped with SIGTERM while clients read patients' measures: the reads in
//! flight are answered, each with its audit row, and the process exits 0.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::http::{director_and_patients, serve_demo, Readers};
use common::Iop;
use std::process::Command;
use std::time::{Duration, Instant};

#[test]
fn sigterm_lets_reads_in_flight_finish_with_their_audit_rows_and_exits_zero() {
    let iop = Iop::new();
    let log = iop.db.dir.join("serve.log");
    let (mut serve, port) = serve_demo(&iop, &[("IOP_LOG", "info")], &log);
    let (token, patients) = director_and_patients(port);
    let readers = Readers::start(port, &token, &patients, "term", 16);
    std::thread::sleep(Duration::from_millis(800));

    let signalled = Instant::now();
    let sent = Command::new("kill")
        .args(["-TERM", &serve.id().to_string()])
        .status()
        .expect("kill -TERM");
    assert!(sent.success());
    let exit = loop {
        if let Some(status) = serve.try_wait().expect("poll") {
            break status;
        }
        assert!(
            signalled.elapsed() < Duration::from_secs(30),
            "serve did not stop"
        );
        std::thread::sleep(Duration::from_millis(20));
    };
    let answered = readers.finish();
    let log_text = std::fs::read_to_string(&log).expect("log");
    assert_eq!(exit.code(), Some(0), "{log_text}");
    let late = answered.iter().filter(|(_, at)| *at > signalled).count();
    assert!(
        late > 0,
        "no read was in flight at the signal ({} answered before)",
        answered.len()
    );

    let ids: Vec<String> = answered.into_iter().map(|(id, _)| id).collect();
    common::assert_chain_whole_and_reads_audited(&iop, "term-", &ids);
}
