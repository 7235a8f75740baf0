//! The recrawl schedule: each source is crawled again every `recrawl`, jittered.
//!
//! One loop owns the schedule. It starts crawls when they are due (each as its own task,
//! all sharing the one crawler and therefore one politeness budget per host), records
//! their outcome, applies reloads and shutdowns sent through a [`SchedulerHandle`], and on
//! every turn beats the [`Heartbeat`] and pings systemd's watchdog. Because the pings come
//! from this loop and nowhere else, a loop that hangs stops them and gets restarted.
//!
//! Jitter: a source is next due `recrawl × (1 ± 10 %)` after its last crawl started, and
//! the first crawl of a newly configured source waits a random fraction of a second to a
//! few seconds, so sources configured together drift apart instead of hitting shared
//! hosts in lockstep forever.
//!
//! Revisits: besides its recrawls, each source's watched articles are fetched again as
//! their revisits come due (the store's revisit schedule, counted from each article's
//! first sighting). The loop asks the crawler when a source's next revisit is due — at
//! most every [`REVISIT_POLL`], and at once after each crawl of the source, whose new
//! articles joined the schedule — and runs a revisit crawl of the source when it is;
//! it runs beside the source's recrawl, on the same crawler and politeness budget.
//! The schedule lives in the store, so it survives restarts without anything here.
//!
//! Restarts keep the rhythm: with a [`ScheduleMemory`] (the daemon keeps it in the article
//! store), every crawl's start and end are remembered, and a source whose last crawl
//! completed under the same definition waits for its remembered next crawl instead of
//! being crawled again at start-up. A crawl that a stop interrupted is resumed at once.
//!
//! Several daemons, one schedule: when the memory is shared (daemons on one PostgreSQL
//! database), a source that comes due is first looked up there. If another daemon started
//! a crawl of it since this one last did, and that crawl completed, this daemon adopts its
//! next crawl time instead of crawling; if that crawl is still running, this daemon joins
//! it (a resuming crawl takes part in the other's cycle on the shared frontier). So a
//! source's crawl runs across the cluster, once per `recrawl`, not once per daemon.

use std::collections::BTreeMap;
use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, RwLock};
use std::time::Duration;

use chrono::{DateTime, Utc};
use rand::Rng;
use serde::{Deserialize, Serialize};
use tokio::sync::{mpsc, oneshot, watch};
use tokio::task::JoinSet;
use tokio::time::Instant;

use crate::config::SourceConfig;

use super::notify::Notifier;

/// What the scheduler needs from a crawler: crawl one source once, stopping early when
/// asked. Implemented by an adapter over the fetch crawler; tests use fakes.
pub trait SourceCrawler: Send + Sync + 'static {
    /// `resume` is true for the first crawl of a source after the daemon started (or the
    /// source was added): URLs an interrupted earlier run left pending are taken up
    /// again. Later crawls start a new cycle from the seeds, feeds and sitemaps.
    fn crawl(
        &self,
        source: Arc<SourceConfig>,
        resume: bool,
        stop: StopToken,
    ) -> Pin<Box<dyn Future<Output = CrawlReport> + Send + 'static>>;

    /// Fetches the source's watched articles whose revisit is due, stopping early when
    /// asked (what is left stays due, or pending, for the next run).
    fn revisit(
        &self,
        source: Arc<SourceConfig>,
        stop: StopToken,
    ) -> Pin<Box<dyn Future<Output = CrawlReport> + Send + 'static>>;

    /// When the source's next revisit is due (in the past: due now); `None` when none is
    /// scheduled (or the store could not say, which the implementation logs).
    fn next_revisit(
        &self,
        source: &str,
    ) -> Pin<Box<dyn Future<Output = Option<DateTime<Utc>>> + Send + 'static>>;
}

/// Longest time between two looks at a source's revisit schedule.
pub const REVISIT_POLL: Duration = Duration::from_secs(10);

/// Where the schedule outlives the process: what was last known of each source. Called
/// from the scheduler loop.
#[async_trait::async_trait]
pub trait ScheduleMemory: Send + Sync + 'static {
    /// The remembered state of `source`, if any (and readable).
    async fn recall(&self, source: &str) -> Option<RememberedSource>;
    /// Replaces the remembered state of `remembered.config.name`.
    async fn remember(&self, remembered: &RememberedSource);
}

/// One source's schedule as remembered across restarts.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct RememberedSource {
    /// The definition the schedule belongs to: a changed definition is crawled soon
    /// instead of waiting.
    pub config: SourceConfig,
    pub status: SourceStatus,
    /// The last crawl was stopped (shutdown) before it finished: resume it at start-up.
    pub interrupted: bool,
}

/// The outcome of one crawl of one source.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CrawlReport {
    /// Pages fetched (including 304 Not Modified answers).
    pub pages: u64,
    /// Articles stored new or updated.
    pub articles: u64,
    /// Pages that failed (network, HTTP errors, limits).
    pub errors: u64,
    /// Set when the crawl as a whole failed (e.g. the store refused a write).
    pub failure: Option<String>,
}

/// Tells a running crawl to stop; cheap to clone.
#[derive(Debug, Clone)]
pub struct StopToken(watch::Receiver<bool>);

impl StopToken {
    /// True once a stop was requested.
    pub fn is_stopped(&self) -> bool {
        *self.0.borrow()
    }

    /// Completes when a stop is requested (or the scheduler is gone).
    pub async fn stopped(&mut self) {
        let _ = self.0.wait_for(|stop| *stop).await;
    }

    /// A token that is never stopped, for one-shot use.
    pub fn never() -> StopToken {
        let (tx, rx) = watch::channel(false);
        // Keep the sender alive forever so `stopped()` never completes.
        std::mem::forget(tx);
        StopToken(rx)
    }
}

fn stop_pair() -> (watch::Sender<bool>, StopToken) {
    let (tx, rx) = watch::channel(false);
    (tx, StopToken(rx))
}

/// When the scheduler loop last turned; read by `/healthz`.
#[derive(Debug)]
pub struct Heartbeat {
    epoch: std::time::Instant,
    last_ms: AtomicU64,
}

impl Default for Heartbeat {
    fn default() -> Self {
        Heartbeat {
            epoch: std::time::Instant::now(),
            last_ms: AtomicU64::new(0),
        }
    }
}

impl Heartbeat {
    pub fn beat(&self) {
        let ms = self.epoch.elapsed().as_millis() as u64;
        self.last_ms.store(ms, Ordering::Relaxed);
    }

    /// Time since the last beat.
    pub fn age(&self) -> Duration {
        let now = self.epoch.elapsed().as_millis() as u64;
        Duration::from_millis(now.saturating_sub(self.last_ms.load(Ordering::Relaxed)))
    }
}

/// One source as `/api/sources` and `gleaner status` show it.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct SourceStatus {
    pub name: String,
    /// `crawling`, `scheduled`, or `stopping`.
    pub state: String,
    pub recrawl_seconds: u64,
    pub last_crawl_started: Option<DateTime<Utc>>,
    pub last_crawl_finished: Option<DateTime<Utc>>,
    /// End of the last crawl that did not fail as a whole.
    pub last_success: Option<DateTime<Utc>>,
    pub next_crawl: Option<DateTime<Utc>>,
    /// Crawls completed since the daemon started.
    pub crawls: u64,
    /// Totals since the daemon started.
    pub pages: u64,
    pub articles: u64,
    pub errors: u64,
    /// The last crawl's own figures.
    pub last_pages: u64,
    pub last_articles: u64,
    pub last_errors: u64,
    pub last_failure: Option<String>,
    /// Revisit crawls completed since the daemon started, and the pages they fetched.
    #[serde(default)]
    pub revisit_crawls: u64,
    #[serde(default)]
    pub revisit_pages: u64,
    #[serde(default)]
    pub last_revisit_finished: Option<DateTime<Utc>>,
}

impl SourceStatus {
    fn new(source: &SourceConfig) -> Self {
        SourceStatus {
            name: source.name.to_string(),
            state: "scheduled".to_string(),
            recrawl_seconds: source.recrawl.get().as_secs(),
            ..SourceStatus::default()
        }
    }
}

/// What a reload changed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ReloadSummary {
    pub added: Vec<String>,
    pub removed: Vec<String>,
    pub changed: Vec<String>,
}

/// How shutdown went.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ShutdownSummary {
    /// Crawls that finished within the deadline.
    pub finished: usize,
    /// Crawls abandoned at the deadline.
    pub abandoned: usize,
}

enum Command {
    Reload {
        sources: Vec<SourceConfig>,
        reply: oneshot::Sender<ReloadSummary>,
    },
    Shutdown {
        deadline: Duration,
        reply: oneshot::Sender<ShutdownSummary>,
    },
}

/// State shared between the loop and its readers.
#[derive(Debug, Default)]
struct Shared {
    statuses: RwLock<BTreeMap<String, SourceStatus>>,
    heartbeat: Heartbeat,
}

/// Talks to a running scheduler; cheap to clone.
#[derive(Clone)]
pub struct SchedulerHandle {
    commands: mpsc::Sender<Command>,
    shared: Arc<Shared>,
    /// Heartbeat age beyond which the loop counts as hung; see [`SchedulerHandle::stale_after`].
    stale_after: Duration,
}

#[derive(Debug, thiserror::Error)]
#[error("the scheduler has stopped")]
pub struct SchedulerGone;

impl SchedulerHandle {
    /// Every source's status, by name.
    pub fn statuses(&self) -> Vec<SourceStatus> {
        match self.shared.statuses.read() {
            Ok(s) => s.values().cloned().collect(),
            Err(poisoned) => poisoned.into_inner().values().cloned().collect(),
        }
    }

    pub fn heartbeat_age(&self) -> Duration {
        self.shared.heartbeat.age()
    }

    /// True when the loop turned recently enough.
    pub fn is_alive(&self) -> bool {
        self.heartbeat_age() <= self.stale_after()
    }

    /// A few ticks, at least 10 s: long enough that a busy machine is not called hung.
    pub fn stale_after(&self) -> Duration {
        self.stale_after
    }

    /// Tests call a loop hung sooner than 10 s.
    #[cfg(test)]
    pub(crate) fn with_stale_after(mut self, stale_after: Duration) -> Self {
        self.stale_after = stale_after;
        self
    }

    /// Replaces the set of sources: added ones are scheduled, removed ones stopped,
    /// changed ones crawled again soon with their new definition.
    pub async fn reload(&self, sources: Vec<SourceConfig>) -> Result<ReloadSummary, SchedulerGone> {
        let (reply, answer) = oneshot::channel();
        self.commands
            .send(Command::Reload { sources, reply })
            .await
            .map_err(|_| SchedulerGone)?;
        answer.await.map_err(|_| SchedulerGone)
    }

    /// Stops scheduling, asks running crawls to stop, waits up to `deadline` for them,
    /// abandons the rest, and ends the loop.
    pub async fn shutdown(&self, deadline: Duration) -> Result<ShutdownSummary, SchedulerGone> {
        let (reply, answer) = oneshot::channel();
        self.commands
            .send(Command::Shutdown { deadline, reply })
            .await
            .map_err(|_| SchedulerGone)?;
        answer.await.map_err(|_| SchedulerGone)
    }
}

/// A configured source and its place in the schedule.
struct Slot {
    config: Arc<SourceConfig>,
    /// Distinguishes a source from a later one with the same name (removed, re-added).
    generation: u64,
    next_due: Instant,
    running: Option<watch::Sender<bool>>,
    /// The definition changed during a crawl: crawl again as soon as it ends.
    rerun: bool,
    /// No crawl of this slot has started yet.
    fresh: bool,
    /// The running revisit crawl, if any.
    revisiting: Option<watch::Sender<bool>>,
    /// When to ask for the source's next revisit again.
    revisit_check: Instant,
}

/// Which of a source's runs ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Run {
    Recrawl,
    Revisit,
}

type Finished = (String, u64, Run, CrawlReport);

/// What another daemon sharing the schedule memory did with a source.
enum Elsewhere {
    Nothing,
    /// It started a crawl that has not completed (running, or stopped): join or resume it.
    Running,
    /// It crawled the source since this daemon last did; the next crawl is due at `next`.
    Completed {
        next: DateTime<Utc>,
        status: Box<SourceStatus>,
    },
}

/// The schedule loop; see the module docs.
pub struct Scheduler<C: SourceCrawler> {
    crawler: Arc<C>,
    notifier: Notifier,
    shared: Arc<Shared>,
    commands: mpsc::Receiver<Command>,
    slots: BTreeMap<String, Slot>,
    running: JoinSet<Finished>,
    next_generation: u64,
    tick: Duration,
    /// Longest wait before a new source's first crawl.
    first_crawl_spread: Duration,
    /// The sources given to `new`, scheduled when the loop starts.
    initial_sources: Option<Vec<SourceConfig>>,
    memory: Option<Arc<dyn ScheduleMemory>>,
    /// A shutdown is under way: crawls ending now were interrupted.
    stopping: bool,
}

impl<C: SourceCrawler> Scheduler<C> {
    /// A scheduler for `sources`; run it with [`Scheduler::run`] and steer it through the
    /// handle. The loop turns at least every second, and twice per watchdog interval.
    pub fn new(
        crawler: Arc<C>,
        sources: Vec<SourceConfig>,
        notifier: Notifier,
    ) -> (Self, SchedulerHandle) {
        let tick = match notifier.watchdog_interval() {
            Some(interval) => {
                (interval / 2).clamp(Duration::from_millis(10), Duration::from_secs(1))
            }
            None => Duration::from_secs(1),
        };
        let (tx, rx) = mpsc::channel(8);
        let shared = Arc::new(Shared::default());
        shared.heartbeat.beat();
        // Visible at once (API, STATUS=), although they are scheduled when the loop starts.
        if let Ok(mut statuses) = shared.statuses.write() {
            for source in &sources {
                statuses.insert(source.name.to_string(), SourceStatus::new(source));
            }
        }
        let scheduler = Scheduler {
            crawler,
            notifier,
            shared: shared.clone(),
            commands: rx,
            slots: BTreeMap::new(),
            running: JoinSet::new(),
            next_generation: 0,
            tick,
            first_crawl_spread: Duration::from_secs(2),
            initial_sources: Some(sources),
            memory: None,
            stopping: false,
        };
        let handle = SchedulerHandle {
            commands: tx,
            shared,
            stale_after: (tick * 3).max(Duration::from_secs(10)),
        };
        (scheduler, handle)
    }

    /// Remembers the schedule in `memory`, and starts from what it remembers.
    pub fn with_memory(mut self, memory: Arc<dyn ScheduleMemory>) -> Self {
        self.memory = Some(memory);
        self
    }

    /// Runs until shut down through the handle (or until every handle is dropped, which
    /// is treated as a shutdown with no grace period).
    pub async fn run(mut self) {
        if let Some(sources) = self.initial_sources.take() {
            self.apply_sources(sources).await;
        }
        let mut last_ping = std::time::Instant::now();
        let ping_every = self.notifier.watchdog_interval();
        self.notifier.watchdog();
        loop {
            self.shared.heartbeat.beat();
            if let Some(every) = ping_every {
                if last_ping.elapsed() >= every / 2 {
                    self.notifier.watchdog();
                    last_ping = std::time::Instant::now();
                }
            }
            self.start_due().await;
            self.start_due_revisits().await;

            let wake = self
                .slots
                .values()
                .flat_map(|s| {
                    let recrawl = s.running.is_none().then_some(s.next_due);
                    let revisit = s.revisiting.is_none().then_some(s.revisit_check);
                    recrawl.into_iter().chain(revisit)
                })
                .min()
                .map_or(Instant::now() + self.tick, |due| {
                    due.min(Instant::now() + self.tick)
                });
            tokio::select! {
                _ = tokio::time::sleep_until(wake) => {}
                Some(done) = self.running.join_next(), if !self.running.is_empty() => {
                    match done {
                        Ok((name, generation, run, report)) => self.finish(&name, generation, run, report).await,
                        Err(e) => tracing::error!(error = %e, "a crawl task failed"),
                    }
                }
                command = self.commands.recv() => match command {
                    Some(Command::Reload { sources, reply }) => {
                        let summary = self.apply_sources(sources).await;
                        let _ = reply.send(summary);
                    }
                    Some(Command::Shutdown { deadline, reply }) => {
                        let summary = self.stop_all(deadline).await;
                        let _ = reply.send(summary);
                        return;
                    }
                    None => {
                        self.stop_all(Duration::ZERO).await;
                        return;
                    }
                },
            }
        }
    }

    /// Starts every idle source whose time has come.
    async fn start_due(&mut self) {
        let now = Instant::now();
        let due: Vec<String> = self
            .slots
            .iter()
            .filter(|(_, s)| s.running.is_none() && s.next_due <= now)
            .map(|(name, _)| name.clone())
            .collect();
        for name in due {
            let elsewhere = self.elsewhere(&name).await;
            if let Elsewhere::Completed { next, status } = &elsewhere {
                let wait = (*next - Utc::now()).to_std().unwrap_or(Duration::ZERO);
                if !wait.is_zero() {
                    if let Some(slot) = self.slots.get_mut(&name) {
                        slot.next_due = Instant::now() + wait;
                        slot.fresh = false;
                    }
                    tracing::info!(source = %name, next_crawl = %next, "crawled by another daemon sharing the store; its next crawl adopted");
                    self.update_status(&name, |s| {
                        s.last_crawl_started = status.last_crawl_started;
                        s.last_crawl_finished = status.last_crawl_finished;
                        s.last_success = status.last_success;
                        s.last_pages = status.last_pages;
                        s.last_articles = status.last_articles;
                        s.last_errors = status.last_errors;
                        s.last_failure = status.last_failure.clone();
                        s.next_crawl = Some(*next);
                    });
                    continue;
                }
            }
            let Some(slot) = self.slots.get_mut(&name) else {
                continue;
            };
            let (stop_tx, stop) = stop_pair();
            slot.running = Some(stop_tx);
            slot.rerun = false;
            let generation = slot.generation;
            let config = slot.config.clone();
            let recrawl = config.recrawl.get();
            slot.next_due = now + jittered(recrawl);
            let next_due = slot.next_due;
            let fresh = std::mem::replace(&mut slot.fresh, false);
            // Joining another daemon's running crawl: resume its cycle, not a new one.
            let resume = fresh || matches!(elsewhere, Elsewhere::Running);
            tracing::info!(source = %name, resume, joins = matches!(elsewhere, Elsewhere::Running), "crawl started");
            self.update_status(&name, |s| {
                s.state = "crawling".to_string();
                s.last_crawl_started = Some(Utc::now());
                s.next_crawl = Some(wall_clock_at(next_due));
            });
            self.remember(&name, false).await;
            let crawl = self.crawler.crawl(config, resume, stop);
            self.running
                .spawn(async move { (name, generation, Run::Recrawl, crawl.await) });
        }
    }

    /// Starts a revisit crawl of every source whose next revisit is due and that runs
    /// none; asks the crawler about sources whose check time has come.
    async fn start_due_revisits(&mut self) {
        let now = Instant::now();
        let check: Vec<String> = self
            .slots
            .iter()
            .filter(|(_, s)| s.revisiting.is_none() && s.revisit_check <= now)
            .map(|(name, _)| name.clone())
            .collect();
        for name in check {
            let due = self.crawler.next_revisit(&name).await;
            let Some(slot) = self.slots.get_mut(&name) else {
                continue;
            };
            let wait = due.map(|at| (at - Utc::now()).to_std().unwrap_or(Duration::ZERO));
            match wait {
                Some(wait) if wait.is_zero() => {
                    let (stop_tx, stop) = stop_pair();
                    slot.revisiting = Some(stop_tx);
                    let generation = slot.generation;
                    let revisit = self.crawler.revisit(slot.config.clone(), stop);
                    tracing::debug!(source = %name, "revisits due: revisit crawl started");
                    self.running
                        .spawn(async move { (name, generation, Run::Revisit, revisit.await) });
                }
                Some(wait) => slot.revisit_check = now + wait.min(REVISIT_POLL),
                None => slot.revisit_check = now + REVISIT_POLL,
            }
        }
    }

    /// What another daemon sharing the schedule memory did with `name` since this one
    /// last started a crawl of it.
    async fn elsewhere(&self, name: &str) -> Elsewhere {
        let (Some(memory), Some(slot)) = (&self.memory, self.slots.get(name)) else {
            return Elsewhere::Nothing;
        };
        let Some(remembered) = memory.recall(name).await else {
            return Elsewhere::Nothing;
        };
        let own = {
            let statuses = match self.shared.statuses.read() {
                Ok(s) => s,
                Err(poisoned) => poisoned.into_inner(),
            };
            statuses.get(name).and_then(|s| s.last_crawl_started)
        };
        let theirs = remembered.status.last_crawl_started;
        let newer = match (theirs, own) {
            (Some(theirs), Some(own)) => theirs > own,
            (Some(_), None) => true,
            (None, _) => false,
        };
        if !newer || !same_definition(&remembered.config, &slot.config) {
            return Elsewhere::Nothing;
        }
        let status = remembered.status;
        let completed = match (status.last_crawl_started, status.last_crawl_finished) {
            (Some(started), Some(finished)) => finished >= started && !remembered.interrupted,
            _ => false,
        };
        if !completed {
            return Elsewhere::Running;
        }
        let started = status.last_crawl_started.unwrap_or_else(Utc::now);
        let latest = started
            + chrono::Duration::from_std(slot.config.recrawl.get())
                .unwrap_or(chrono::Duration::MAX);
        let next = status.next_crawl.map_or(latest, |n| n.min(latest));
        Elsewhere::Completed {
            next,
            status: Box::new(status),
        }
    }

    /// Records a finished crawl and schedules the next one.
    async fn finish(&mut self, name: &str, generation: u64, run: Run, report: CrawlReport) {
        let Some(slot) = self
            .slots
            .get_mut(name)
            .filter(|s| s.generation == generation)
        else {
            tracing::info!(source = %name, pages = report.pages, "crawl of a removed source ended");
            return;
        };
        // The crawl's new articles, or the revisits' next rungs, joined the schedule.
        slot.revisit_check = Instant::now();
        if run == Run::Revisit {
            slot.revisiting = None;
            match &report.failure {
                Some(failure) => tracing::warn!(
                    source = %name, pages = report.pages, errors = report.errors,
                    failure = %failure, "revisit crawl failed"
                ),
                None => tracing::info!(
                    source = %name, pages = report.pages, errors = report.errors,
                    "revisit crawl finished"
                ),
            }
            self.update_status(name, |s| {
                s.revisit_crawls += 1;
                s.revisit_pages += report.pages;
                s.last_revisit_finished = Some(Utc::now());
            });
            return;
        }
        slot.running = None;
        if slot.rerun {
            slot.next_due = Instant::now();
        }
        let next_due = slot.next_due;
        match &report.failure {
            Some(failure) => tracing::warn!(
                source = %name, pages = report.pages, articles = report.articles,
                errors = report.errors, failure = %failure, "crawl failed"
            ),
            None => tracing::info!(
                source = %name, pages = report.pages, articles = report.articles,
                errors = report.errors, "crawl finished"
            ),
        }
        self.update_status(name, |s| {
            let now = Utc::now();
            s.state = "scheduled".to_string();
            s.last_crawl_finished = Some(now);
            if report.failure.is_none() {
                s.last_success = Some(now);
            }
            s.next_crawl = Some(wall_clock_at(next_due));
            s.crawls += 1;
            s.pages += report.pages;
            s.articles += report.articles;
            s.errors += report.errors;
            s.last_pages = report.pages;
            s.last_articles = report.articles;
            s.last_errors = report.errors;
            s.last_failure = report.failure.clone();
        });
        self.remember(name, self.stopping).await;
    }

    /// Stores the source's current status and definition in the schedule memory.
    async fn remember(&self, name: &str, interrupted: bool) {
        let (Some(memory), Some(slot)) = (&self.memory, self.slots.get(name)) else {
            return;
        };
        let status = {
            let statuses = match self.shared.statuses.read() {
                Ok(s) => s,
                Err(poisoned) => poisoned.into_inner(),
            };
            statuses.get(name).cloned()
        };
        if let Some(status) = status {
            memory
                .remember(&RememberedSource {
                    config: (*slot.config).clone(),
                    status,
                    interrupted,
                })
                .await;
        }
    }

    /// When a newly configured source is first due, and its status, from what the schedule
    /// memory holds: the remembered next crawl if the last one completed under this same
    /// definition (no later than one `recrawl` after it started), else soon.
    async fn first_schedule(&self, config: &SourceConfig) -> (Instant, SourceStatus) {
        let soon = Instant::now() + self.first_delay();
        let mut status = SourceStatus::new(config);
        let remembered = match &self.memory {
            Some(memory) => memory.recall(config.name.as_str()).await,
            None => None,
        };
        let Some(remembered) = remembered else {
            return (soon, status);
        };
        let old = remembered.status;
        status.last_crawl_started = old.last_crawl_started;
        status.last_crawl_finished = old.last_crawl_finished;
        status.last_success = old.last_success;
        status.last_pages = old.last_pages;
        status.last_articles = old.last_articles;
        status.last_errors = old.last_errors;
        status.last_failure = old.last_failure;
        let completed = match (old.last_crawl_started, old.last_crawl_finished) {
            (Some(started), Some(finished)) => finished >= started && !remembered.interrupted,
            _ => false,
        };
        let same = same_definition(
            &remembered.config,
            &SourceConfig {
                recrawl: remembered.config.recrawl,
                ..config.clone()
            },
        );
        let remembered_due = match (old.next_crawl, old.last_crawl_started) {
            (Some(next), Some(started)) if completed && same => {
                let latest = started
                    + chrono::Duration::from_std(config.recrawl.get())
                        .unwrap_or(chrono::Duration::MAX);
                Some(next.min(latest))
            }
            _ => None,
        };
        let due = match remembered_due {
            Some(at) => {
                let wait = (at - Utc::now()).to_std().unwrap_or(Duration::ZERO);
                soon.max(Instant::now() + wait)
            }
            None => soon,
        };
        tracing::info!(
            source = %config.name,
            resumes = !completed,
            next_crawl = %wall_clock_at(due),
            "schedule restored"
        );
        (due, status)
    }

    /// Makes `sources` the configured set; see [`SchedulerHandle::reload`].
    async fn apply_sources(&mut self, sources: Vec<SourceConfig>) -> ReloadSummary {
        let mut summary = ReloadSummary::default();
        let mut incoming: BTreeMap<String, SourceConfig> = sources
            .into_iter()
            .map(|s| (s.name.to_string(), s))
            .collect();

        let names: Vec<String> = self.slots.keys().cloned().collect();
        for name in names {
            match incoming.remove(&name) {
                None => {
                    if let Some(slot) = self.slots.remove(&name) {
                        for stop in slot.running.iter().chain(&slot.revisiting) {
                            let _ = stop.send(true);
                        }
                    }
                    self.remove_status(&name);
                    tracing::info!(source = %name, "source removed");
                    summary.removed.push(name);
                }
                Some(new) => {
                    let first_delay = self.first_delay();
                    let Some(slot) = self.slots.get_mut(&name) else {
                        continue;
                    };
                    if same_definition(&slot.config, &new) {
                        continue;
                    }
                    let only_interval = same_definition(
                        &slot.config,
                        &SourceConfig {
                            recrawl: slot.config.recrawl,
                            ..new.clone()
                        },
                    );
                    let recrawl = new.recrawl.get();
                    slot.config = Arc::new(new);
                    if only_interval {
                        // Keep the rhythm; only the period changes.
                        if slot.running.is_none() {
                            slot.next_due = slot.next_due.min(Instant::now() + jittered(recrawl));
                        }
                    } else if slot.running.is_some() {
                        slot.rerun = true;
                    } else {
                        slot.next_due = Instant::now() + first_delay;
                    }
                    let next_due = slot.next_due;
                    let running = slot.running.is_some();
                    self.update_status(&name, |s| {
                        s.recrawl_seconds = recrawl.as_secs();
                        if !running {
                            s.next_crawl = Some(wall_clock_at(next_due));
                        }
                    });
                    tracing::info!(source = %name, "source changed");
                    summary.changed.push(name);
                }
            }
        }

        for (name, config) in incoming {
            let (next_due, mut status) = self.first_schedule(&config).await;
            status.next_crawl = Some(wall_clock_at(next_due));
            self.set_status(&name, status);
            self.slots.insert(
                name.clone(),
                Slot {
                    config: Arc::new(config),
                    generation: self.next_generation,
                    next_due,
                    running: None,
                    rerun: false,
                    fresh: true,
                    revisiting: None,
                    revisit_check: Instant::now(),
                },
            );
            self.next_generation += 1;
            tracing::info!(source = %name, "source added");
            summary.added.push(name);
        }
        summary
    }

    /// Asks every crawl to stop and waits for them up to `deadline`.
    async fn stop_all(&mut self, deadline: Duration) -> ShutdownSummary {
        self.stopping = true;
        for (name, slot) in &self.slots {
            if let Some(stop) = &slot.running {
                let _ = stop.send(true);
                tracing::info!(source = %name, "stopping crawl");
            }
            if let Some(stop) = &slot.revisiting {
                let _ = stop.send(true);
                tracing::info!(source = %name, "stopping revisits");
            }
        }
        let names: Vec<String> = self.slots.keys().cloned().collect();
        for name in &names {
            self.update_status(name, |s| {
                s.state = "stopping".to_string();
                s.next_crawl = None;
            });
        }
        let mut summary = ShutdownSummary::default();
        let give_up = Instant::now() + deadline;
        while !self.running.is_empty() {
            self.shared.heartbeat.beat();
            self.notifier.watchdog();
            let next = tokio::time::timeout_at(
                give_up.min(Instant::now() + self.tick),
                self.running.join_next(),
            )
            .await;
            match next {
                Ok(Some(Ok((name, generation, run, report)))) => {
                    summary.finished += 1;
                    self.finish(&name, generation, run, report).await;
                }
                Ok(Some(Err(e))) => {
                    summary.finished += 1;
                    tracing::error!(error = %e, "a crawl task failed");
                }
                Ok(None) => break,
                Err(_) if Instant::now() < give_up => continue,
                Err(_) => {
                    summary.abandoned = self.running.len();
                    tracing::warn!(
                        crawls = summary.abandoned,
                        deadline_ms = deadline.as_millis() as u64,
                        "abandoning crawls still running at the shutdown deadline"
                    );
                    self.running.shutdown().await;
                    break;
                }
            }
        }
        summary
    }

    fn first_delay(&self) -> Duration {
        if self.first_crawl_spread.is_zero() {
            return Duration::ZERO;
        }
        rand::rng().random_range(Duration::ZERO..self.first_crawl_spread)
    }

    fn update_status(&self, name: &str, f: impl FnOnce(&mut SourceStatus)) {
        let mut statuses = match self.shared.statuses.write() {
            Ok(s) => s,
            Err(poisoned) => poisoned.into_inner(),
        };
        if let Some(status) = statuses.get_mut(name) {
            f(status);
        }
    }

    fn set_status(&self, name: &str, status: SourceStatus) {
        let mut statuses = match self.shared.statuses.write() {
            Ok(s) => s,
            Err(poisoned) => poisoned.into_inner(),
        };
        statuses.insert(name.to_string(), status);
    }

    fn remove_status(&self, name: &str) {
        let mut statuses = match self.shared.statuses.write() {
            Ok(s) => s,
            Err(poisoned) => poisoned.into_inner(),
        };
        statuses.remove(name);
    }
}

/// `period × (1 ± 10 %)`, never zero.
fn jittered(period: Duration) -> Duration {
    let factor: f64 = rand::rng().random_range(0.9..=1.1);
    period.mul_f64(factor).max(Duration::from_millis(1))
}

/// The wall-clock time of a future monotonic instant, for display.
fn wall_clock_at(instant: Instant) -> DateTime<Utc> {
    let ahead = instant.saturating_duration_since(Instant::now());
    Utc::now() + chrono::Duration::from_std(ahead).unwrap_or(chrono::Duration::zero())
}

/// Two source definitions are the same when they serialise the same (regexes compare by
/// their text).
fn same_definition(a: &SourceConfig, b: &SourceConfig) -> bool {
    match (serde_json::to_value(a), serde_json::to_value(b)) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Mutex;

    /// Records every crawl; each takes `work` unless stopped, or ignores stops if `stubborn`.
    /// With `hang`, starting a crawl blocks the calling thread (the scheduler loop) that long.
    struct FakeCrawler {
        crawls: Mutex<Vec<(String, std::time::Instant)>>,
        work: Duration,
        stubborn: bool,
        hang: Option<Duration>,
        /// Shares its schedule with other daemons: a crawl may resume (join) any time.
        cluster: bool,
        /// Revisit crawls started, by source; and when each source's next one is due.
        revisits: Mutex<Vec<String>>,
        revisit_due: Mutex<BTreeMap<String, DateTime<Utc>>>,
    }

    impl FakeCrawler {
        fn new(work: Duration, stubborn: bool) -> Arc<Self> {
            Arc::new(FakeCrawler {
                crawls: Mutex::new(Vec::new()),
                work,
                stubborn,
                hang: None,
                cluster: false,
                revisits: Mutex::new(Vec::new()),
                revisit_due: Mutex::new(BTreeMap::new()),
            })
        }
        fn count(&self, name: &str) -> usize {
            self.crawls
                .lock()
                .expect("lock")
                .iter()
                .filter(|(n, _)| n == name)
                .count()
        }
    }

    impl SourceCrawler for FakeCrawler {
        fn crawl(
            &self,
            source: Arc<SourceConfig>,
            resume: bool,
            mut stop: StopToken,
        ) -> Pin<Box<dyn Future<Output = CrawlReport> + Send + 'static>> {
            let first = self.count(source.name.as_str()) == 0;
            if !self.cluster {
                assert_eq!(resume, first, "only the first crawl resumes");
            }
            self.crawls
                .lock()
                .expect("lock")
                .push((source.name.to_string(), std::time::Instant::now()));
            if let Some(hang) = self.hang {
                std::thread::sleep(hang);
            }
            let work = self.work;
            let stubborn = self.stubborn;
            Box::pin(async move {
                if stubborn {
                    tokio::time::sleep(work).await;
                } else {
                    tokio::select! {
                        _ = tokio::time::sleep(work) => {}
                        _ = stop.stopped() => {}
                    }
                }
                CrawlReport {
                    pages: 3,
                    articles: 2,
                    errors: 1,
                    failure: None,
                }
            })
        }

        fn revisit(
            &self,
            source: Arc<SourceConfig>,
            _stop: StopToken,
        ) -> Pin<Box<dyn Future<Output = CrawlReport> + Send + 'static>> {
            self.revisits
                .lock()
                .expect("lock")
                .push(source.name.to_string());
            // Done: nothing more is due.
            self.revisit_due
                .lock()
                .expect("lock")
                .remove(source.name.as_str());
            Box::pin(async { CrawlReport::default() })
        }

        fn next_revisit(
            &self,
            source: &str,
        ) -> Pin<Box<dyn Future<Output = Option<DateTime<Utc>>> + Send + 'static>> {
            let due = self.revisit_due.lock().expect("lock").get(source).copied();
            Box::pin(async move { due })
        }
    }

    fn source(name: &str, recrawl: &str) -> SourceConfig {
        let mut s = SourceConfig::from_seeds(
            name.parse().expect("name"),
            vec![format!("http://{name}.test/").parse().expect("url")],
        );
        // Real time: the fast source's 150 ms is below what a config file may say.
        s.recrawl = crate::config::Interval::unchecked(
            humantime::parse_duration(recrawl).expect("duration"),
        );
        s
    }

    fn start(
        crawler: Arc<FakeCrawler>,
        sources: Vec<SourceConfig>,
    ) -> (SchedulerHandle, tokio::task::JoinHandle<()>) {
        start_with_memory(crawler, sources, None)
    }

    fn start_with_memory(
        crawler: Arc<FakeCrawler>,
        sources: Vec<SourceConfig>,
        memory: Option<Arc<MapMemory>>,
    ) -> (SchedulerHandle, tokio::task::JoinHandle<()>) {
        let (mut scheduler, handle) = Scheduler::new(crawler, sources, Notifier::disabled());
        scheduler.first_crawl_spread = Duration::from_millis(20);
        if let Some(memory) = memory {
            scheduler = scheduler.with_memory(memory);
        }
        (handle, tokio::spawn(scheduler.run()))
    }

    /// A schedule memory in a map, surviving the schedulers of one test.
    #[derive(Default)]
    struct MapMemory(Mutex<BTreeMap<String, RememberedSource>>);

    impl MapMemory {
        fn get(&self, name: &str) -> Option<RememberedSource> {
            self.0.lock().expect("lock").get(name).cloned()
        }
    }

    #[async_trait::async_trait]
    impl ScheduleMemory for MapMemory {
        async fn recall(&self, source: &str) -> Option<RememberedSource> {
            self.get(source)
        }
        async fn remember(&self, remembered: &RememberedSource) {
            self.0
                .lock()
                .expect("lock")
                .insert(remembered.config.name.to_string(), remembered.clone());
        }
    }

    fn finished_once(memory: &MapMemory, name: &str) -> bool {
        memory.get(name).is_some_and(|r| {
            r.status.last_crawl_finished.is_some() && r.status.state == "scheduled"
        })
    }

    #[tokio::test]
    async fn a_restart_keeps_the_rhythm_of_completed_crawls() {
        let memory = Arc::new(MapMemory::default());
        let crawler = FakeCrawler::new(Duration::from_millis(5), false);
        let sources = vec![source("kept", "1h"), source("edited", "1h")];
        let (handle, task) = start_with_memory(crawler.clone(), sources, Some(memory.clone()));
        wait_until("both sources crawled and remembered", || {
            finished_once(&memory, "kept") && finished_once(&memory, "edited")
        })
        .await;
        stop(handle, task).await;
        let first_finish = memory
            .get("kept")
            .and_then(|r| r.status.last_crawl_finished);

        // Restart: "kept" unchanged waits its hour; "edited" has a new seed and is crawled.
        let mut edited = source("edited", "1h");
        edited
            .seeds
            .push("http://edited.test/more".parse().expect("url"));
        let crawler = FakeCrawler::new(Duration::from_millis(5), false);
        let (handle, task) = start_with_memory(
            crawler.clone(),
            vec![source("kept", "1h"), edited],
            Some(memory.clone()),
        );
        wait_until("the edited source crawled", || crawler.count("edited") == 1).await;
        tokio::time::sleep(Duration::from_millis(300)).await;
        assert_eq!(
            crawler.count("kept"),
            0,
            "an unchanged source waits for its turn"
        );
        let kept = handle
            .statuses()
            .into_iter()
            .find(|s| s.name == "kept")
            .expect("kept status");
        assert_eq!(kept.last_crawl_finished, first_finish, "status restored");
        let next = kept.next_crawl.expect("next crawl");
        assert!(
            next > Utc::now() + chrono::Duration::minutes(50),
            "next crawl about an hour after the last one: {next}"
        );
        stop(handle, task).await;

        // A shorter recrawl than the time already waited: due at once.
        let crawler = FakeCrawler::new(Duration::from_millis(5), false);
        let (handle, task) =
            start_with_memory(crawler.clone(), vec![source("kept", "1s")], Some(memory));
        wait_until("the now overdue source crawled", || {
            crawler.count("kept") == 1
        })
        .await;
        stop(handle, task).await;
    }

    /// A shared memory another daemon writes to after this one read it at start-up: the
    /// first recall finds nothing.
    struct LateMemory {
        inner: MapMemory,
        recalls: std::sync::atomic::AtomicUsize,
    }

    #[async_trait::async_trait]
    impl ScheduleMemory for LateMemory {
        async fn recall(&self, source: &str) -> Option<RememberedSource> {
            if self.recalls.fetch_add(1, Ordering::SeqCst) == 0 {
                return None;
            }
            self.inner.get(source)
        }
        async fn remember(&self, remembered: &RememberedSource) {
            self.inner.remember(remembered).await
        }
    }

    #[tokio::test]
    async fn a_source_another_daemon_just_crawled_waits_for_the_next_crawl_it_set() {
        let config = source("shared", "1h");
        let mut status = SourceStatus::new(&config);
        let started = Utc::now();
        status.last_crawl_started = Some(started);
        status.last_crawl_finished = Some(started + chrono::Duration::milliseconds(10));
        status.last_articles = 7;
        let next = started + chrono::Duration::minutes(58);
        status.next_crawl = Some(next);
        let memory = Arc::new(LateMemory {
            inner: MapMemory::default(),
            recalls: Default::default(),
        });
        memory
            .inner
            .remember(&RememberedSource {
                config: config.clone(),
                status,
                interrupted: false,
            })
            .await;
        let crawler = FakeCrawler::new(Duration::from_millis(5), false);
        let (mut scheduler, handle) =
            Scheduler::new(crawler.clone(), vec![config.clone()], Notifier::disabled());
        scheduler.first_crawl_spread = Duration::from_millis(20);
        scheduler = scheduler.with_memory(memory.clone());
        let task = tokio::spawn(scheduler.run());
        tokio::time::sleep(Duration::from_millis(400)).await;
        assert!(
            memory.recalls.load(Ordering::SeqCst) >= 2,
            "looked up when due"
        );
        assert_eq!(
            crawler.count("shared"),
            0,
            "crawled once per cluster, not again here"
        );
        let shown = handle
            .statuses()
            .into_iter()
            .find(|s| s.name == "shared")
            .expect("status");
        assert_eq!(shown.next_crawl, Some(next));
        assert_eq!(shown.last_articles, 7);
        stop(handle, task).await;
    }

    #[tokio::test]
    async fn a_crawl_interrupted_by_shutdown_is_resumed_at_restart() {
        let memory = Arc::new(MapMemory::default());
        let crawler = FakeCrawler::new(Duration::from_secs(30), false);
        let (handle, task) = start_with_memory(
            crawler.clone(),
            vec![source("long", "1h")],
            Some(memory.clone()),
        );
        wait_until("the crawl started", || crawler.count("long") == 1).await;
        stop(handle, task).await;
        assert!(memory.get("long").is_some_and(|r| r.interrupted));

        let crawler = FakeCrawler::new(Duration::from_millis(5), false);
        let (handle, task) =
            start_with_memory(crawler.clone(), vec![source("long", "1h")], Some(memory));
        wait_until("the interrupted crawl resumed", || {
            crawler.count("long") == 1
        })
        .await;
        stop(handle, task).await;
    }

    /// Shuts the scheduler down (1 s grace) and waits for its loop to end.
    async fn stop(handle: SchedulerHandle, task: tokio::task::JoinHandle<()>) {
        handle
            .shutdown(Duration::from_secs(1))
            .await
            .expect("shutdown");
        task.await.expect("loop");
    }

    async fn wait_until(what: &str, mut f: impl FnMut() -> bool) {
        let give_up = Instant::now() + Duration::from_secs(10);
        while !f() {
            assert!(Instant::now() < give_up, "timed out waiting for {what}");
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    }

    #[tokio::test]
    async fn due_revisits_run_beside_the_recrawls_and_not_before_they_are_due() {
        let crawler = FakeCrawler::new(Duration::from_millis(5), false);
        let now = Utc::now();
        crawler.revisit_due.lock().expect("lock").extend([
            ("due".to_string(), now - chrono::Duration::seconds(1)),
            (
                "later".to_string(),
                now + chrono::Duration::milliseconds(400),
            ),
            ("far".to_string(), now + chrono::Duration::hours(1)),
        ]);
        let (handle, task) = start(
            crawler.clone(),
            vec![
                source("due", "1h"),
                source("later", "1h"),
                source("far", "1h"),
            ],
        );
        let revisited = |name: &str| {
            crawler
                .revisits
                .lock()
                .expect("lock")
                .iter()
                .filter(|n| *n == name)
                .count()
        };
        wait_until("the due source revisited", || revisited("due") == 1).await;
        assert_eq!(revisited("later"), 0, "not due yet");
        wait_until("the later source revisited when due", || {
            revisited("later") == 1
        })
        .await;
        assert!(
            Utc::now() >= now + chrono::Duration::milliseconds(400),
            "revisited before it was due"
        );
        assert_eq!(revisited("far"), 0);
        assert_eq!(revisited("due"), 1, "nothing more was due");
        // Revisits do not stand in for recrawls, nor hold them back.
        wait_until("each source crawled once", || {
            ["due", "later", "far"]
                .iter()
                .all(|n| crawler.count(n) == 1)
        })
        .await;
        stop(handle, task).await;
    }

    #[tokio::test]
    async fn sources_are_recrawled_on_their_own_schedule() {
        let crawler = FakeCrawler::new(Duration::from_millis(5), false);
        let (handle, task) = start(
            crawler.clone(),
            vec![source("fast", "150ms"), source("slow", "1h")],
        );
        wait_until("three crawls of the fast source", || {
            crawler.count("fast") >= 3
        })
        .await;
        assert_eq!(crawler.count("slow"), 1, "slow source crawled once only");

        let fast: Vec<std::time::Instant> = crawler
            .crawls
            .lock()
            .expect("lock")
            .iter()
            .filter(|(n, _)| n == "fast")
            .map(|(_, t)| *t)
            .collect();
        for pair in fast.windows(2) {
            let gap = pair[1] - pair[0];
            // 150 ms ± 10 % jitter, plus scheduling slack.
            assert!(
                gap >= Duration::from_millis(130),
                "recrawl too early: {gap:?}"
            );
        }

        let statuses = handle.statuses();
        let slow = statuses
            .iter()
            .find(|s| s.name == "slow")
            .expect("slow status");
        assert_eq!(slow.crawls, 1);
        assert_eq!((slow.pages, slow.articles, slow.errors), (3, 2, 1));
        assert!(slow.last_success.is_some());
        let next = slow.next_crawl.expect("next crawl known");
        let ahead = next - Utc::now();
        assert!(
            ahead > chrono::Duration::minutes(50),
            "next crawl {ahead:?} ahead"
        );
        assert!(handle.is_alive());

        handle
            .shutdown(Duration::from_secs(1))
            .await
            .expect("shutdown");
        task.await.expect("loop ends");
    }

    #[tokio::test]
    async fn reload_adds_removes_and_changes_sources() {
        let crawler = FakeCrawler::new(Duration::from_millis(5), false);
        let (handle, task) = start(crawler.clone(), vec![source("a", "1h"), source("b", "1h")]);
        wait_until("first crawls", || {
            crawler.count("a") == 1 && crawler.count("b") == 1
        })
        .await;
        wait_until("crawls finished", || {
            handle.statuses().iter().all(|s| s.crawls == 1)
        })
        .await;

        let mut changed_b = source("b", "1h");
        changed_b
            .seeds
            .push("http://b.test/more".parse().expect("url"));
        let summary = handle
            .reload(vec![changed_b, source("c", "1h")])
            .await
            .expect("reload");
        assert_eq!(summary.added, vec!["c".to_string()]);
        assert_eq!(summary.removed, vec!["a".to_string()]);
        assert_eq!(summary.changed, vec!["b".to_string()]);

        wait_until("new source crawled", || crawler.count("c") == 1).await;
        wait_until("changed source crawled again", || crawler.count("b") == 2).await;
        let names: Vec<String> = handle.statuses().into_iter().map(|s| s.name).collect();
        assert_eq!(names, vec!["b".to_string(), "c".to_string()]);

        // Same definition again: nothing to do.
        let mut again_b = source("b", "1h");
        again_b
            .seeds
            .push("http://b.test/more".parse().expect("url"));
        let summary = handle
            .reload(vec![again_b, source("c", "1h")])
            .await
            .expect("reload");
        assert_eq!(summary, ReloadSummary::default());

        handle
            .shutdown(Duration::from_secs(1))
            .await
            .expect("shutdown");
        task.await.expect("loop ends");
        assert_eq!(crawler.count("a"), 1, "removed source not crawled again");
    }

    #[tokio::test]
    async fn shutdown_lets_cooperative_crawls_finish_and_abandons_stuck_ones() {
        let cooperative = FakeCrawler::new(Duration::from_secs(3600), false);
        let (handle, task) = start(cooperative.clone(), vec![source("a", "1h")]);
        wait_until("crawl running", || cooperative.count("a") == 1).await;
        let summary = handle
            .shutdown(Duration::from_secs(5))
            .await
            .expect("shutdown");
        assert_eq!(
            summary,
            ShutdownSummary {
                finished: 1,
                abandoned: 0
            }
        );
        task.await.expect("loop ends");

        let stubborn = FakeCrawler::new(Duration::from_secs(3600), true);
        let (handle, task) = start(stubborn.clone(), vec![source("a", "1h")]);
        wait_until("crawl running", || stubborn.count("a") == 1).await;
        let began = Instant::now();
        let summary = handle
            .shutdown(Duration::from_millis(300))
            .await
            .expect("shutdown");
        assert_eq!(
            summary,
            ShutdownSummary {
                finished: 0,
                abandoned: 1
            }
        );
        assert!(
            began.elapsed() < Duration::from_secs(3),
            "deadline not kept"
        );
        task.await.expect("loop ends");
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_hung_loop_stops_its_heartbeat() {
        let crawler = Arc::new(FakeCrawler {
            crawls: Mutex::new(Vec::new()),
            work: Duration::from_millis(5),
            stubborn: false,
            hang: Some(Duration::from_millis(800)),
            cluster: false,
            revisits: Mutex::new(Vec::new()),
            revisit_due: Mutex::new(BTreeMap::new()),
        });
        let (mut scheduler, handle) = Scheduler::new(
            crawler.clone(),
            vec![source("a", "1h")],
            Notifier::disabled(),
        );
        scheduler.first_crawl_spread = Duration::from_millis(1);
        let handle = handle.with_stale_after(Duration::from_millis(200));
        let task = tokio::spawn(scheduler.run());
        wait_until("the crawl that hangs the loop", || crawler.count("a") == 1).await;
        tokio::time::sleep(Duration::from_millis(400)).await;
        // The watchdog ping and this heartbeat come from the same loop turn, so a loop
        // stuck like this also stops pinging systemd.
        assert!(
            !handle.is_alive(),
            "heartbeat age {:?}",
            handle.heartbeat_age()
        );
        wait_until("the loop to recover", || handle.is_alive()).await;
        handle
            .shutdown(Duration::from_secs(1))
            .await
            .expect("shutdown");
        task.await.expect("loop ends");
    }

    #[test]
    fn configured_sources_are_listed_before_the_loop_runs() {
        let crawler = FakeCrawler::new(Duration::from_millis(5), false);
        let (_scheduler, handle) = Scheduler::new(
            crawler,
            vec![source("a", "1h"), source("b", "1h")],
            Notifier::disabled(),
        );
        let names: Vec<String> = handle.statuses().into_iter().map(|s| s.name).collect();
        assert_eq!(names, vec!["a".to_string(), "b".to_string()]);
    }

    #[test]
    fn jitter_stays_within_ten_percent() {
        for _ in 0..200 {
            let d = jittered(Duration::from_secs(100));
            assert!(
                d >= Duration::from_secs(90) && d <= Duration::from_secs(110),
                "{d:?}"
            );
        }
    }

    #[test]
    fn heartbeat_ages() {
        let h = Heartbeat::default();
        h.beat();
        assert!(h.age() < Duration::from_secs(1));
    }
}
