//! Group commit of the audit rows of reads.
//!
//! A read of patient data is answered only once its audit row is on disk. Made one
//! write transaction per read, every page would wait for its own fsync behind the one
//! SQLite writer. Instead [`Store::read_audited`] runs the reads in a read transaction,
//! keeps the audit entries they append aside, and hands them to one writer thread. The
//! writer takes whatever has queued since its previous commit (commits start at most
//! every [`COMMIT_EVERY`]), appends it to the chain in one transaction (one fsync), and
//! only then releases the waiting requests. The hash chain stays one ordered sequence: the writer appends through
//! [`crate::audit::append`] like every other transaction, under the same chain lock.

use crate::audit::append;
use crate::db::{Result, Store, StoreError};
use iop_domain::audit::{ActorRole, AuditFields, Outcome};
use iop_domain::time::Instant;
use iop_domain::{PatientId, UserId};
use std::cell::RefCell;
use std::sync::{mpsc, Arc};

/// Most entries one commit takes (a few hundred rows make one short transaction).
const MAX_BATCH: usize = 1_000;

/// Least time between the starts of two commits. The first read after a quiet spell
/// commits at once; under load, what arrives in the meantime shares the next commit,
/// so the writer does at most a few hundred transactions a second however many reads
/// there are, and a read waits at most this long plus one commit.
const COMMIT_EVERY: std::time::Duration = std::time::Duration::from_millis(2);

/// An audit entry kept until the writer commits it.
#[derive(Clone, Debug)]
pub struct OwnedEntry {
    at: Instant,
    actor_id: Option<UserId>,
    actor_role: Option<ActorRole>,
    action: String,
    outcome: Outcome,
    patient_id: Option<PatientId>,
    subject: Option<String>,
    request_id: Option<String>,
    detail: String,
}

impl OwnedEntry {
    fn of(f: &AuditFields<'_>) -> Self {
        Self {
            at: f.at,
            actor_id: f.actor_id,
            actor_role: f.actor_role,
            action: f.action.to_string(),
            outcome: f.outcome,
            patient_id: f.patient_id,
            subject: f.subject.map(str::to_string),
            request_id: f.request_id.map(str::to_string),
            detail: f.detail.to_string(),
        }
    }

    fn fields(&self) -> AuditFields<'_> {
        AuditFields {
            at: self.at,
            actor_id: self.actor_id,
            actor_role: self.actor_role,
            action: &self.action,
            outcome: self.outcome,
            patient_id: self.patient_id,
            subject: self.subject.as_deref(),
            request_id: self.request_id.as_deref(),
            detail: &self.detail,
        }
    }
}

thread_local! {
    /// Entries appended on this thread inside [`Store::read_audited`], waiting for the writer.
    static DEFERRED: RefCell<Option<Vec<OwnedEntry>>> = const { RefCell::new(None) };
}

/// Keeps `entries` aside when this thread is inside an audited read; false otherwise.
pub(crate) fn defer(entries: &[AuditFields<'_>]) -> bool {
    DEFERRED.with(|d| match &mut *d.borrow_mut() {
        Some(kept) => {
            kept.extend(entries.iter().map(OwnedEntry::of));
            true
        }
        None => false,
    })
}

/// Puts back what this thread deferred before, even if the use case panics: a pooled
/// thread left deferring would silently hold back the audit rows of its next writes.
struct Restore(Option<Option<Vec<OwnedEntry>>>);

impl Drop for Restore {
    fn drop(&mut self) {
        if let Some(before) = self.0.take() {
            DEFERRED.with(|d| d.replace(before));
        }
    }
}

/// Runs `f` with this thread's appends kept aside; gives back what `f` appended.
pub(crate) fn deferring<T>(f: impl FnOnce() -> T) -> (T, Vec<OwnedEntry>) {
    let mut restore = Restore(Some(DEFERRED.with(|d| d.replace(Some(Vec::new())))));
    let out = f();
    let before = restore.0.take().unwrap_or_default();
    let kept = DEFERRED.with(|d| d.replace(before)).unwrap_or_default();
    (out, kept)
}

struct Job {
    entries: Vec<OwnedEntry>,
    done: mpsc::SyncSender<Result<(), String>>,
}

/// The handle requests send their entries through; the thread ends when it is dropped.
pub struct GroupWriter {
    jobs: mpsc::Sender<Job>,
}

impl GroupWriter {
    /// Starts the writer thread over `store` (its own connections from the same pool).
    pub(crate) fn start(store: Store) -> Result<Self> {
        let (jobs, rx) = mpsc::channel::<Job>();
        std::thread::Builder::new()
            .name("audit-writer".into())
            .spawn(move || run(&store, &rx))
            .map_err(|e| StoreError::AuditWriter(e.to_string()))?;
        Ok(Self { jobs })
    }

    /// Hands `entries` to the writer and waits until they are committed.
    pub(crate) fn commit(&self, entries: Vec<OwnedEntry>) -> Result<()> {
        let (done, wait) = mpsc::sync_channel(1);
        self.jobs
            .send(Job { entries, done })
            .map_err(|_| StoreError::AuditWriter("the audit writer has stopped".into()))?;
        match wait.recv() {
            Ok(Ok(())) => Ok(()),
            Ok(Err(e)) => Err(StoreError::AuditWriter(e)),
            Err(_) => Err(StoreError::AuditWriter(
                "the audit writer stopped before committing".into(),
            )),
        }
    }
}

fn run(store: &Store, rx: &mpsc::Receiver<Job>) {
    let mut last_commit: Option<std::time::Instant> = None;
    while let Ok(first) = rx.recv() {
        if let Some(wait) = last_commit.and_then(|t| COMMIT_EVERY.checked_sub(t.elapsed())) {
            std::thread::sleep(wait);
        }
        last_commit = Some(std::time::Instant::now());
        let mut jobs = vec![first];
        let mut count = jobs[0].entries.len();
        while count < MAX_BATCH {
            match rx.try_recv() {
                Ok(job) => {
                    count += job.entries.len();
                    jobs.push(job);
                }
                Err(_) => break,
            }
        }
        let fields: Vec<AuditFields<'_>> = jobs
            .iter()
            .flat_map(|j| j.entries.iter().map(OwnedEntry::fields))
            .collect();
        // A batch of flush markers alone has nothing to write.
        let outcome = if fields.is_empty() {
            Ok(())
        } else {
            store
                .write(|c| append(c, &fields))
                .map_err(|e| e.to_string())
        };
        if outcome.is_ok() {
            metrics::counter!("iop_audit_batches_total").increment(1);
            #[allow(clippy::cast_precision_loss)] // a batch holds far fewer than 2^52 rows
            metrics::histogram!("iop_audit_batch_entries").record(fields.len() as f64);
            tracing::debug!(entries = fields.len(), "audit batch committed");
        } else {
            metrics::counter!("iop_audit_batch_failures_total").increment(1);
            tracing::error!(entries = fields.len(), "audit batch failed");
        }
        drop(fields);
        for job in jobs {
            // A request that gave up waiting has nobody to tell.
            let _ = job.done.send(outcome.clone());
        }
    }
}

/// Commits `entries` through `writer`, or in a transaction of their own without one.
pub(crate) fn commit(
    store: &Store,
    writer: Option<&Arc<GroupWriter>>,
    entries: Vec<OwnedEntry>,
) -> Result<()> {
    if entries.is_empty() {
        return Ok(());
    }
    match writer {
        Some(w) => w.commit(entries),
        None => store.write(|c| {
            let fields: Vec<AuditFields<'_>> = entries.iter().map(OwnedEntry::fields).collect();
            append(c, &fields)
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panicking_read_leaves_the_thread_writing_its_audit_rows_again() {
        let panicked = std::panic::catch_unwind(|| {
            deferring(|| -> () { std::panic::panic_any("use case failed") })
        });
        assert!(panicked.is_err());
        let fields = AuditFields {
            at: Instant(jiff::Timestamp::UNIX_EPOCH),
            actor_id: None,
            actor_role: None,
            action: "test",
            outcome: Outcome::Ok,
            patient_id: None,
            subject: None,
            request_id: None,
            detail: "{}",
        };
        assert!(
            !defer(&[fields]),
            "appends after the panic must not be held back"
        );
    }
}
