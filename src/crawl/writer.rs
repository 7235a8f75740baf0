//! The store writer: the one task that commits a crawl's outcomes, a batch at a time.
//!
//! Fetch tasks send each URL's outcome (its article, validators, discovered URLs and the
//! claim it completes) into a bounded channel; the writer takes what is there — up to
//! [`WriterLimits::batch`] outcomes, waiting at most [`WriterLimits::linger`] for a batch
//! to fill — and commits it as one atomic, durable write. While one batch commits, the
//! next gathers, so commits group themselves under load. The channel's bound is the
//! back-pressure: when the store is slower than the fetchers, their sends wait, and so
//! the number of fetched-but-uncommitted pages never exceeds the bound plus one batch.

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::mpsc;

use super::stats::{Event, Tally};
use crate::store::{ArticleSink, CrawlOutcome, PutOutcome, StoreError};

/// How the writer batches.
#[derive(Debug, Clone, Copy)]
pub struct WriterLimits {
    /// Most outcomes in one commit.
    pub batch: usize,
    /// Outcomes that may wait in the channel for the writer.
    pub queue: usize,
    /// How long a batch may wait to fill before it is committed anyway.
    pub linger: Duration,
}

impl Default for WriterLimits {
    fn default() -> Self {
        WriterLimits {
            batch: 128,
            queue: 256,
            linger: Duration::from_millis(20),
        }
    }
}

/// What one commit did, for the crawl loop.
#[derive(Debug)]
pub struct Commit {
    /// Outcomes committed (or lost to the error).
    pub outcomes: usize,
    /// URLs added to the frontier.
    pub added: u64,
    pub error: Option<StoreError>,
}

/// The sending side, one per fetch task.
pub type Outcomes = mpsc::Sender<CrawlOutcome>;

/// Starts the writer: returns where to send outcomes and where commits are reported. The
/// writer ends when every sender is dropped and the last batch is committed, or after the
/// first failed commit (the store is then in no state to take more).
pub fn start(
    sink: Arc<dyn ArticleSink>,
    tally: Tally,
    limits: WriterLimits,
) -> (Outcomes, mpsc::UnboundedReceiver<Commit>) {
    let (tx, rx) = mpsc::channel(limits.queue.max(1));
    let (reports, commits) = mpsc::unbounded_channel();
    tokio::spawn(run(sink, tally, limits, rx, reports));
    (tx, commits)
}

async fn run(
    sink: Arc<dyn ArticleSink>,
    tally: Tally,
    limits: WriterLimits,
    mut rx: mpsc::Receiver<CrawlOutcome>,
    reports: mpsc::UnboundedSender<Commit>,
) {
    let max = limits.batch.max(1);
    while let Some(first) = rx.recv().await {
        let mut batch = Vec::with_capacity(max);
        batch.push(first);
        let deadline = tokio::time::Instant::now() + limits.linger;
        while batch.len() < max {
            // Take what is queued now; wait for more only until the linger is over.
            match rx.try_recv() {
                Ok(outcome) => batch.push(outcome),
                Err(mpsc::error::TryRecvError::Disconnected) => break,
                Err(mpsc::error::TryRecvError::Empty) => {
                    match tokio::time::timeout_at(deadline, rx.recv()).await {
                        Ok(Some(outcome)) => batch.push(outcome),
                        Ok(None) | Err(_) => break,
                    }
                }
            }
        }
        let outcomes = batch.len();
        match sink.commit(batch).await {
            Ok(committed) => {
                let mut added = 0;
                for c in &committed {
                    added += u64::from(c.frontier.added);
                    if c.frontier.dropped > 0 {
                        tally.events(
                            Event::Skipped("host_pending_cap"),
                            u64::from(c.frontier.dropped),
                        );
                    }
                    match c.article {
                        Some(PutOutcome::New { .. }) => tally.event(Event::Stored),
                        Some(PutOutcome::Updated { .. }) => tally.event(Event::Updated),
                        Some(PutOutcome::Unchanged { .. }) => tally.event(Event::Unchanged),
                        Some(PutOutcome::Duplicate { .. }) => tally.event(Event::Duplicate),
                        None => {}
                    }
                }
                let _ = reports.send(Commit {
                    outcomes,
                    added,
                    error: None,
                });
            }
            Err(error) => {
                tracing::error!(%error, outcomes, "committing a crawl batch failed");
                let _ = reports.send(Commit {
                    outcomes,
                    added: 0,
                    error: Some(error),
                });
                return;
            }
        }
    }
}
