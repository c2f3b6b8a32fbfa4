//! `iop serve` killed with SIGKILL while 64 clients read patients' measures: every
//! answer a client received has its audit row after the restart, and the reads were
//! committed in groups.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::http::{director_and_patients, serve_demo, Readers};
use common::Iop;
use std::collections::BTreeSet;
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

    let (token, patients) = director_and_patients(port);
    let readers = Readers::start(port, &token, &patients, "crash", READERS);
    // A moment that varies from run to run, once the readers are in full flow.
    let jitter = u64::from(std::process::id() % 7) * 100
        + u64::from(Instant::now().elapsed().subsec_nanos() % 500);
    std::thread::sleep(Duration::from_millis(1_500 + jitter));
    serve.kill().expect("SIGKILL");
    serve.wait().expect("reap");
    let received: BTreeSet<String> = readers.finish().into_iter().map(|(id, _)| id).collect();
    assert!(
        received.len() > 100,
        "only {} reads answered",
        received.len()
    );

    // Starting again (here `audit verify`) recovers the database and finds the chain whole.
    let received: Vec<String> = received.into_iter().collect();
    let logged = common::assert_chain_whole_and_reads_audited(&iop, "crash-", &received);

    let commits = std::fs::read_to_string(&log)
        .expect("log")
        .lines()
        .filter(|l| l.contains("audit batch committed"))
        .count();
    eprintln!("{commits} audit commits for {} reads", logged);
    // One transaction per read would make these equal; grouped, each commit carries
    // several reads (about four here on SQLite, more where commits are slower).
    assert!(
        commits * 2 <= logged,
        "{commits} audit commits for {} reads: not grouped",
        logged
    );
}
