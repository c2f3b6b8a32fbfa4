//! The `iop` binary. Exit codes: 0 ok, 1 failure, 2 bad usage or input.

mod backup;
mod cli;
mod commands;
mod config;
mod files;
mod mail;
mod restore;
mod seed;
mod serve;

use clap::Parser;
use std::process::ExitCode;

fn main() -> ExitCode {
    return_large_buffers_to_the_system();
    let cli = cli::Cli::parse();
    init_logging();
    match commands::run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(e.exit_code())
        }
    }
}

/// glibc raises its mmap threshold each time a large block is freed, so after the first
/// password hash every later 19 MiB work area is carved from a thread's heap and kept
/// there: 19 MiB more for each thread that ever hashed (idle RSS with the demo 68 MB, and
/// more after sign-ins). A fixed threshold sends every block over 128 KiB back to the
/// system when it is freed (idle 49 MB).
#[cfg(all(target_os = "linux", target_env = "gnu"))]
#[allow(unsafe_code)]
fn return_large_buffers_to_the_system() {
    // SAFETY: mallopt only sets allocator policy; it runs first in main, before any
    // other thread exists, and its arguments are a valid option and value.
    unsafe {
        libc::mallopt(libc::M_MMAP_THRESHOLD, 128 * 1024);
    }
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
fn return_large_buffers_to_the_system() {}

/// Logs go to stderr (the journal, a file, a log shipper): one JSON object per line with
/// `IOP_LOG_FORMAT=json`, otherwise text, coloured only when stderr is a terminal so no
/// escape codes reach files. `IOP_LOG` filters as `RUST_LOG` does (default `info`).
fn init_logging() {
    use std::io::IsTerminal;
    let filter = tracing_subscriber::EnvFilter::try_from_env("IOP_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    if std::env::var("IOP_LOG_FORMAT").is_ok_and(|f| f.eq_ignore_ascii_case("json")) {
        builder
            .json()
            .flatten_event(true)
            .with_current_span(false)
            .with_span_list(false)
            .init();
    } else {
        builder.with_ansi(std::io::stderr().is_terminal()).init();
    }
}
