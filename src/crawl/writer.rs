//! The store writer: the one task of the process that commits crawl outcomes, a batch at
//! a time, for every crawl running on the crawler.
//!
//! Fetch tasks send each URL's outcome (its article, validators, discovered URLs and the
//! claim it completes) into a bounded channel; the writer takes what is there — up to
//! [`WriterLimits::batch`] outcomes, waiting at most [`WriterLimits::linger`] for a batch
//! to fill — and commits it as one atomic, durable write, whichever crawls the outcomes
//! belong to. While one batch commits, the next gathers, so commits group themselves under
//! load. The channel's bound is the back-pressure: when the store is slower than the
//! fetchers, their sends wait, so fetched-but-uncommitted pages never exceed the bound
//! plus one batch, however many crawls run (the daemon runs one per source).
//!
//! Each crawl has a [`Ledger`] the writer reports into: what it committed, what the
//! frontier added, the counts of its tally, and the first error.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::sync::{Notify, mpsc};

use super::stats::{Event, Tally};
use crate::fetch::budget::BodyShare;
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
            // Each outcome carries its raw page until the batch commits. Batches of 48
            // rather than 128 took 10 MiB off the bench web's peak at the same pages per
            // second (same binary, alternated: 238/246/241 -> 232/231/227 MiB); the
            // commits, one flush each, stay a few dozen a second.
            batch: 48,
            // One batch gathers here while the one before commits; more would only hold
            // pages that the store is not ready for.
            queue: 48,
            linger: Duration::from_millis(20),
        }
    }
}

/// What the writer has done for one crawl.
#[derive(Debug)]
pub struct Ledger {
    tally: Tally,
    committed: AtomicUsize,
    added: AtomicU64,
    error: Mutex<Option<StoreError>>,
    changed: Notify,
}

impl Ledger {
    pub fn new(tally: Tally) -> Arc<Ledger> {
        Arc::new(Ledger {
            tally,
            committed: AtomicUsize::new(0),
            added: AtomicU64::new(0),
            error: Mutex::new(None),
            changed: Notify::new(),
        })
    }

    /// Outcomes of the crawl committed so far.
    pub fn committed(&self) -> usize {
        self.committed.load(Ordering::Acquire)
    }

    /// URLs the crawl's commits added to its frontier so far.
    pub fn added(&self) -> u64 {
        self.added.load(Ordering::Relaxed)
    }

    /// The first commit error of the crawl, taken.
    pub fn take_error(&self) -> Option<StoreError> {
        self.error.lock().unwrap_or_else(|p| p.into_inner()).take()
    }

    /// Completes when the writer has reported something new for this crawl (or had, since
    /// the last call).
    pub async fn changed(&self) {
        self.changed.notified().await;
    }
}

/// One outcome on its way to the store, with the crawl it reports to.
struct Item {
    outcome: CrawlOutcome,
    ledger: Arc<Ledger>,
    /// The body budget's share for the raw page the outcome carries, given back once the
    /// batch is committed.
    share: Option<BodyShare>,
}

/// Where fetch tasks send outcomes; clone it freely.
#[derive(Clone)]
pub struct Writer {
    tx: mpsc::Sender<Item>,
}

impl Writer {
    /// Starts the writer on the current runtime. It ends when every [`Writer`] is dropped
    /// and what was sent is committed.
    pub fn start(sink: Arc<dyn ArticleSink>, limits: WriterLimits) -> Writer {
        let (tx, rx) = mpsc::channel(limits.queue.max(1));
        tokio::spawn(run(sink, limits, rx));
        Writer { tx }
    }

    /// Hands an outcome to the writer, waiting while its queue is full; `share` (the body
    /// budget's, for the raw page it carries) is held until the outcome is committed. Fails
    /// only when the writer is gone.
    pub async fn send(
        &self,
        outcome: CrawlOutcome,
        ledger: &Arc<Ledger>,
        share: Option<BodyShare>,
    ) -> Result<(), String> {
        self.tx
            .send(Item {
                outcome,
                ledger: Arc::clone(ledger),
                share,
            })
            .await
            .map_err(|_| "the store writer stopped".to_string())
    }
}

async fn run(sink: Arc<dyn ArticleSink>, limits: WriterLimits, mut rx: mpsc::Receiver<Item>) {
    let max = limits.batch.max(1);
    while let Some(first) = rx.recv().await {
        let mut batch = Vec::with_capacity(max);
        batch.push(first);
        let deadline = tokio::time::Instant::now() + limits.linger;
        while batch.len() < max {
            // Take what is queued now; wait for more only until the linger is over.
            match rx.try_recv() {
                Ok(item) => batch.push(item),
                Err(mpsc::error::TryRecvError::Disconnected) => break,
                Err(mpsc::error::TryRecvError::Empty) => {
                    match tokio::time::timeout_at(deadline, rx.recv()).await {
                        Ok(Some(item)) => batch.push(item),
                        Ok(None) | Err(_) => break,
                    }
                }
            }
        }
        let mut outcomes = Vec::with_capacity(batch.len());
        let mut ledgers = Vec::with_capacity(batch.len());
        let mut shares = Vec::new();
        for item in batch {
            outcomes.push(item.outcome);
            ledgers.push(item.ledger);
            shares.extend(item.share);
        }
        let size = outcomes.len();
        let committed = sink.commit(outcomes).await;
        // The raw pages are written (or the batch failed): their room goes back.
        drop(shares);
        match committed {
            Ok(committed) => {
                for (c, ledger) in committed.iter().zip(&ledgers) {
                    let tally = &ledger.tally;
                    ledger
                        .added
                        .fetch_add(u64::from(c.frontier.added), Ordering::Relaxed);
                    tally.events(
                        Event::Skipped("host_pending_cap"),
                        u64::from(c.frontier.dropped),
                    );
                    match c.article {
                        Some(PutOutcome::New { .. }) => tally.event(Event::Stored),
                        Some(PutOutcome::Updated { .. }) => tally.event(Event::Updated),
                        Some(PutOutcome::Unchanged { .. }) => tally.event(Event::Unchanged),
                        Some(PutOutcome::Duplicate { .. }) => tally.event(Event::Duplicate),
                        None => {}
                    }
                    for &kind in &c.changes {
                        tally.event(Event::Changed(kind));
                    }
                }
            }
            Err(error) => {
                tracing::error!(%error, outcomes = size, "committing a crawl batch failed");
                let message = error.to_string();
                let mut error = Some(error);
                for ledger in &ledgers {
                    let mut slot = ledger.error.lock().unwrap_or_else(|p| p.into_inner());
                    if slot.is_none() {
                        *slot = Some(error.take().unwrap_or_else(|| {
                            StoreError::InvalidInput(format!("a batch commit failed: {message}"))
                        }));
                    }
                }
            }
        }
        // Each crawl learns once per batch what became of its outcomes.
        let mut per_crawl: HashMap<*const Ledger, (Arc<Ledger>, usize)> = HashMap::new();
        for ledger in ledgers {
            per_crawl
                .entry(Arc::as_ptr(&ledger))
                .or_insert_with(|| (Arc::clone(&ledger), 0))
                .1 += 1;
        }
        for (ledger, n) in per_crawl.into_values() {
            ledger.committed.fetch_add(n, Ordering::Release);
            ledger.changed.notify_one();
        }
    }
}
