//! `iop dev seed`: the scale database, with a progress bar and a summary.

use crate::commands::{system, CliError};
use iop_app::demo::scale::ScaleOptions;
use iop_app::App;
use std::io::IsTerminal;
use std::time::Instant;

pub fn run(app: &App, sites: u32, years: u32, seed: u64) -> Result<(), CliError> {
    let bar = if std::io::stderr().is_terminal() {
        indicatif::ProgressBar::new(u64::from(sites))
    } else {
        indicatif::ProgressBar::hidden()
    };
    bar.set_style(
        indicatif::ProgressStyle::with_template(
            "{bar:40} {pos}/{len} sites, {elapsed} (about {eta} left)",
        )
        .map_err(|e| CliError::Failed(e.to_string()))?,
    );
    let started = Instant::now();
    let report = app.seed_scale(&system(), ScaleOptions { sites, years, seed }, |done| {
        bar.set_position(u64::from(done))
    })?;
    bar.finish_and_clear();
    println!(
        "Seeded {} sites × {years} years in {:.0} s: {} patients, {} episodes, {} sessions, \
         {} attendance marks, {} signed notes ({} entries), {} measures, {} audit rows.",
        report.sites,
        started.elapsed().as_secs_f64(),
        report.patients,
        report.episodes,
        report.sessions,
        report.attendance,
        report.notes,
        report.note_entries,
        report.measures,
        report.audit_entries,
    );
    Ok(())
}
