//! The crawl engine: a frontier in, committed articles out, in bounded memory.
//!
//! One [`Crawler`] per process (HTTP client, robots.txt cache, politeness and statistics,
//! shared by every crawl on it, so two sources on one site share its budget). A crawl is
//! a loop that claims URLs from the store's [`Frontier`] through the politeness gate (a
//! URL is handed out only when its host may be contacted now), runs each claim as a task
//! (`exchange`: the request, then one parse on the blocking pool that yields the article
//! and the links — `analyse`), and hands every outcome to one store writer (`writer`)
//! that commits them in batches — articles, validators, discovered URLs and completed
//! claims in one atomic write. A URL is done only when its outcome is durable; a crawl
//! killed at any moment resumes with what was not.
//!
//! Memory is bounded whichever stage is slower: at most `concurrency` claims plus two per
//! parsing thread are worked on at once ([`decide::claims_in_hand`]), the writer's queue is
//! bounded, and the frontier keeps its pending URLs on disk. Decisions (status, retries,
//! redirects, discovery) are plain functions in `decide` and `discover`.

mod analyse;
pub mod decide;
pub mod discover;
mod exchange;
pub mod job;
mod parsers;
pub mod seeds;
pub mod stats;
pub mod writer;

use std::collections::{BTreeMap, HashMap};
use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use tokio::sync::{OnceCell, OwnedSemaphorePermit, Semaphore};
use tokio::task::JoinSet;
use url::Url;

pub use analyse::CRAWLER_VERSION;
pub use job::{CrawlJob, CrawlSummary, Progress, StopReason};

use exchange::TaskEnd;
use stats::{CrawlStats, Tally};
use writer::{Ledger, Writer, WriterLimits};

use crate::config::CrawlerConfig;
use crate::fetch::budget::BodyBudget;
use crate::fetch::http::{FetchError, HttpClient};
use crate::fetch::normalize;
use crate::fetch::politeness::{Claim as Gate, HostSlot, Politeness};
use crate::fetch::robots::RobotsCache;
use crate::fetch::scope::Scope;
use crate::store::{
    ArticleSink, CrawlOutcome, DiscoveredVia, Frontier, FrontierEntry, FrontierLimits, GateAnswer,
    HostGate, HostPace, PageMemory, PageResult, RevisitSchedule, StoreError,
};

/// Most due revisits a revisit crawl adds to its frontier at once; it adds more as it
/// runs out, so a large due backlog is worked through in bounded memory.
const REVISIT_BATCH: usize = 1000;

/// How often a crawl reports progress to its observer.
const PROGRESS_INTERVAL: Duration = Duration::from_millis(250);

/// Why a crawl could not run (individual page failures are counted, not returned).
#[derive(Debug, thiserror::Error)]
pub enum CrawlError {
    #[error("store: {0}")]
    Store(#[from] StoreError),
    #[error("HTTP client: {0}")]
    Http(#[from] FetchError),
    #[error("a crawl task failed: {0}")]
    Task(String),
}

/// The store roles a crawl uses.
#[derive(Clone)]
pub struct CrawlStore {
    pub frontier: Arc<dyn Frontier>,
    pub pages: Arc<dyn PageMemory>,
    pub sink: Arc<dyn ArticleSink>,
    /// Where revisit crawls take their due revisits from.
    pub revisits: Arc<dyn RevisitSchedule>,
}

impl From<&crate::store::Backend> for CrawlStore {
    fn from(b: &crate::store::Backend) -> Self {
        CrawlStore {
            frontier: Arc::clone(&b.frontier),
            pages: Arc::clone(&b.pages),
            sink: Arc::clone(&b.sink),
            revisits: Arc::clone(&b.revisits),
        }
    }
}

/// The process's crawler: HTTP client, robots.txt cache, politeness and statistics shared
/// by every crawl started on it.
pub struct Crawler {
    config: CrawlerConfig,
    http: HttpClient,
    robots: RobotsCache,
    politeness: Arc<Politeness>,
    frontier: Arc<dyn Frontier>,
    pages: Arc<dyn PageMemory>,
    sink: Arc<dyn ArticleSink>,
    revisits: Arc<dyn RevisitSchedule>,
    stats: Arc<CrawlStats>,
    writer_limits: WriterLimits,
    /// The process's one store writer, started with the first crawl.
    writer: OnceCell<Writer>,
    /// Pages parsed at once, over every crawl: one per core.
    cpu: Arc<Semaphore>,
    /// Where pages are parsed: one thread per core.
    parsers: Arc<parsers::Parsers>,
    /// Claims being worked on (fetching, parsing, or waiting for the writer), over every
    /// crawl: what bounds the pages held in memory ([`decide::claims_in_hand`]).
    in_hand: Arc<Semaphore>,
    /// Bytes of fetched pages held in memory, over every crawl: a body until it is parsed,
    /// its packed raw page until the writer has stored it (`crawler.body_budget_bytes`).
    bodies: BodyBudget,
}

/// Everything a crawl's tasks share.
pub(crate) struct CrawlContext {
    crawler: Arc<Crawler>,
    job: CrawlJob,
    /// The frontier the crawl works on ([`CrawlJob::crawl_key`]).
    crawl: String,
    scope: Scope,
    tally: Tally,
    /// What became of the start URLs.
    seeds: seeds::SeedLog,
    writer: Writer,
    /// What the writer committed for this crawl.
    ledger: Arc<Ledger>,
    /// Page requests made (redirect hops and retries included).
    requests: AtomicU64,
    /// A task let its host go before its CPU work: the host's next URL can be claimed
    /// now, not when the task ends.
    host_freed: tokio::sync::Notify,
}

impl CrawlContext {
    /// What robots.txt, if already known, says about `url`.
    fn robots_allows(&self, url: &Url) -> Option<bool> {
        if !self.crawler.config.respect_robots {
            return Some(true);
        }
        self.crawler
            .robots
            .cached(url)
            .map(|entry| entry.rules.allows(url))
    }
}

/// The crawl's politeness as the frontier asks it; keeps the slots it grants.
struct PolitenessGate<'a> {
    politeness: &'a Arc<Politeness>,
    min_delay: Duration,
    slots: HashMap<String, HostSlot>,
    /// Hosts answered "paused" (circuit breaker open) in this call.
    paused: usize,
    /// Hosts answered anything else but ready.
    waiting: usize,
}

impl HostGate for PolitenessGate<'_> {
    fn try_host(&mut self, host: &str) -> GateAnswer {
        let now = tokio::time::Instant::now();
        match self.politeness.try_claim(host, self.min_delay) {
            Gate::Ready(slot) => {
                self.slots.insert(host.to_string(), slot);
                GateAnswer::Ready {
                    spacing: self.politeness.delay(host, self.min_delay),
                }
            }
            Gate::WaitUntil(t) => {
                self.waiting += 1;
                GateAnswer::Wait(t.saturating_duration_since(now))
            }
            Gate::Busy => {
                self.waiting += 1;
                GateAnswer::Busy
            }
            Gate::Paused(until) => {
                self.paused += 1;
                GateAnswer::Wait(until.saturating_duration_since(now))
            }
        }
    }

    /// What a shared frontier writes on the host's row when this process hands it on:
    /// the next start its limiter allows, holds (Retry-After, backoff, the breaker's
    /// pause), Crawl-delay and failures, so the next process keeps them.
    fn pace(&mut self, host: &str) -> Option<HostPace> {
        let now = tokio::time::Instant::now();
        let pacing = self.politeness.pacing(host)?;
        let held = [pacing.held_until, pacing.paused_until]
            .into_iter()
            .flatten()
            .max()
            .map(|until| until.saturating_duration_since(now));
        Some(HostPace {
            wait: pacing.next_allowed.saturating_duration_since(now),
            held,
            crawl_delay: pacing.crawl_delay,
            failures: pacing.consecutive_failures,
        })
    }
}

impl Crawler {
    pub fn new(config: &CrawlerConfig, store: CrawlStore) -> Result<Arc<Self>, CrawlError> {
        let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
        Ok(Arc::new(Crawler {
            config: config.clone(),
            http: HttpClient::new(config)?,
            robots: RobotsCache::new(config.robots_cache_ttl.get()),
            politeness: Politeness::new(config),
            frontier: store.frontier,
            pages: store.pages,
            sink: store.sink,
            revisits: store.revisits,
            stats: CrawlStats::new(),
            writer_limits: WriterLimits::default(),
            writer: OnceCell::new(),
            cpu: Arc::new(Semaphore::new(cores)),
            parsers: Arc::new(parsers::Parsers::start(cores)),
            in_hand: Arc::new(Semaphore::new(decide::claims_in_hand(
                config.concurrency.get(),
                cores,
            ))),
            bodies: BodyBudget::new(config.body_budget_bytes),
        }))
    }

    /// Process-wide counters (for metrics).
    pub fn stats(&self) -> Arc<CrawlStats> {
        Arc::clone(&self.stats)
    }

    pub fn politeness(&self) -> &Arc<Politeness> {
        &self.politeness
    }

    /// Runs a crawl until its frontier is exhausted, `max_pages` is reached or `stop`
    /// completes. In-flight requests are abandoned on stop; their URLs stay pending, and
    /// what was already fetched is committed.
    pub async fn crawl(
        self: &Arc<Self>,
        job: CrawlJob,
        stop: impl Future<Output = ()> + Send,
    ) -> Result<CrawlSummary, CrawlError> {
        self.crawl_with_progress(job, stop, |_| {}).await
    }

    /// [`Crawler::crawl`], calling `on_progress` a few times a second.
    pub async fn crawl_with_progress(
        self: &Arc<Self>,
        job: CrawlJob,
        stop: impl Future<Output = ()> + Send,
        mut on_progress: impl FnMut(&Progress) + Send,
    ) -> Result<CrawlSummary, CrawlError> {
        let started = Instant::now();
        let key = job.crawl_key();
        let limits = FrontierLimits {
            max_pending_per_host: self.config.max_pending_per_host,
        };
        let opened = self.frontier.open_crawl(&key, job.start, limits).await?;
        let result = self
            .run(job, opened.resumed, started, stop, &mut on_progress)
            .await;
        // Claims still out lapse: their URLs stay pending for the next run.
        let closed = self.frontier.close_crawl(&key).await;
        let summary = result?;
        closed?;
        Ok(summary)
    }

    async fn run(
        self: &Arc<Self>,
        job: CrawlJob,
        resumed: u64,
        started: Instant,
        stop: impl Future<Output = ()> + Send,
        on_progress: &mut (impl FnMut(&Progress) + Send),
    ) -> Result<CrawlSummary, CrawlError> {
        let scope = Scope::new(
            job.start_urls(),
            job.allow.clone(),
            job.deny.clone(),
            job.max_depth,
        );
        let tally = Tally::new(Arc::clone(&self.stats), &job.source);
        let key = job.crawl_key();
        // Revisits this run added to its frontier.
        let mut enqueued = 0;
        if job.revisits {
            // The revisits due now (an interrupted run's pending ones resume too).
            enqueued += self.enqueue_revisits(&job, &key).await?;
        } else if resumed > 0 {
            tracing::info!(source = %job.source, urls = resumed, "resuming an interrupted crawl");
        } else {
            // A new cycle: its start URLs are the first entries of the frontier.
            let mut entries = Vec::new();
            for url in job.start_urls() {
                match normalize::normalize(url.clone()) {
                    Ok(u) => {
                        entries.push(FrontierEntry {
                            host: normalize::host_key(&u),
                            url: u.to_string(),
                            depth: 0,
                            discovered_from: None,
                            discovered_via: DiscoveredVia::Seed,
                            counter_chain: 0,
                        });
                    }
                    Err(e) => tracing::warn!(%url, error = %e, "start URL cannot be crawled"),
                }
            }
            self.sink
                .commit(vec![CrawlOutcome {
                    crawl: key.clone(),
                    claim: None,
                    visited: Vec::new(),
                    result: PageResult::Nothing,
                    discovered: entries,
                }])
                .await?;
        }
        let writer = self
            .writer
            .get_or_init(|| async { Writer::start(Arc::clone(&self.sink), self.writer_limits) })
            .await
            .clone();
        let ledger = Ledger::new(tally.clone());
        let ctx = Arc::new(CrawlContext {
            crawler: Arc::clone(self),
            scope,
            tally,
            seeds: seeds::SeedLog::default(),
            writer,
            ledger: Arc::clone(&ledger),
            requests: AtomicU64::new(0),
            host_freed: tokio::sync::Notify::new(),
            job,
            crawl: key.clone(),
        });
        let source = key;
        let mut tasks: JoinSet<Result<TaskEnd, CrawlError>> = JoinSet::new();
        // Claims of each running task, to give back if the crawl stops.
        let mut attempts: HashMap<String, u32> = HashMap::new();
        // Outcomes handed to the writer, and committed: the writer may report a commit
        // before the loop has seen the task that sent it end, so these are two counts.
        let mut handed: usize = 0;
        let mut stop_reason = StopReason::Finished;
        let mut last_progress = Instant::now();
        let mut budget_logged = false;
        let mut exhausted = false;
        let mut only_paused = false;
        let mut completed: u64 = 0;
        tokio::pin!(stop);
        let mut failure: Option<CrawlError> = None;
        // Room won while waiting for it, used by the next turn.
        let mut spare: Option<OwnedSemaphorePermit> = None;

        loop {
            let requests = ctx.requests.load(Ordering::Relaxed);
            let budget_left = ctx.job.max_pages.saturating_sub(requests);
            let mut wake: Option<Duration> = None;
            // Room is taken before the frontier is asked, so every claim it hands out has
            // its place: claims are never released for want of room, and what the frontier
            // says of itself (exhausted or not) is about the claims this crawl holds.
            let mut room: Vec<OwnedSemaphorePermit> = spare.take().into_iter().collect();
            let room_wanted = usize::try_from(budget_left).unwrap_or(usize::MAX);
            while room.len() < room_wanted {
                match Arc::clone(&self.in_hand).try_acquire_owned() {
                    Ok(permit) => room.push(permit),
                    Err(_) => break,
                }
            }
            let starved = room.is_empty() && budget_left > 0;
            if !room.is_empty() {
                let want = room.len();
                let mut gate = PolitenessGate {
                    politeness: &self.politeness,
                    min_delay: ctx.job.min_delay,
                    slots: HashMap::new(),
                    paused: 0,
                    waiting: 0,
                };
                let claims = self.frontier.claim(&source, want, &mut gate).await?;
                exhausted = claims.exhausted;
                only_paused = claims.claims.is_empty() && gate.paused > 0 && gate.waiting == 0;
                wake = claims.wait;
                for claim in claims.claims {
                    let Some(slot) = gate.slots.remove(&claim.ticket.host) else {
                        // Cannot happen: a URL is handed out only after its host's Ready.
                        tracing::error!(host = %claim.ticket.host, "claim without a politeness slot");
                        self.frontier.release(&source, vec![claim]).await?;
                        continue;
                    };
                    let Some(permit) = room.pop() else {
                        // Cannot happen: the frontier hands out at most `want` claims.
                        tracing::error!(host = %claim.ticket.host, "more claims than room asked for");
                        drop(slot);
                        self.frontier.release(&source, vec![claim]).await?;
                        exhausted = false;
                        continue;
                    };
                    let attempt = attempts.get(&claim.entry.url).copied().unwrap_or(0);
                    tasks.spawn(exchange::run(
                        Arc::clone(&ctx),
                        claim,
                        slot,
                        permit,
                        attempt,
                    ));
                }
            } else if budget_left > 0 {
                // Every claim in hand is taken (by this crawl or others): nothing was asked
                // of the frontier, so what it said before the commits since is stale and
                // must not end the crawl.
                exhausted = false;
                only_paused = false;
            } else if !budget_logged {
                budget_logged = true;
                tracing::info!(source = %source, max_pages = ctx.job.max_pages, "max_pages reached: finishing in-flight requests");
            }
            // Room not used by a claim goes back before this crawl waits.
            drop(room);

            let committed = ledger.committed();
            let uncommitted = handed.saturating_sub(committed);
            let idle = tasks.is_empty() && committed >= handed;
            if idle && exhausted && budget_left > 0 && ctx.job.revisits {
                // Revisits that came due while this ran: take them on now.
                let added = self.enqueue_revisits(&ctx.job, &source).await?;
                if added > 0 {
                    enqueued += added;
                    exhausted = false;
                    continue;
                }
            }
            if idle && (exhausted || only_paused || budget_left == 0) {
                if budget_left == 0 && !exhausted {
                    stop_reason = StopReason::MaxPages;
                }
                if only_paused && !exhausted {
                    tracing::warn!(source = %source, "only hosts paused by their circuit breaker are left: their URLs stay pending for the next run");
                }
                break;
            }
            if last_progress.elapsed() >= PROGRESS_INTERVAL {
                last_progress = Instant::now();
                on_progress(&Progress {
                    counters: ctx.tally.run(),
                    queued: (resumed + enqueued + ledger.added()).saturating_sub(completed),
                    in_flight: tasks.len(),
                    uncommitted,
                    hosts_waiting: Vec::new(),
                    elapsed: started.elapsed(),
                });
            }
            let tick = wake.unwrap_or(PROGRESS_INTERVAL).min(PROGRESS_INTERVAL);
            tokio::select! {
                biased;
                () = &mut stop => {
                    stop_reason = StopReason::Cancelled;
                    tracing::info!(source = %source, in_flight = tasks.len(), "crawl stopped: abandoning in-flight requests, their URLs stay pending");
                    tasks.abort_all();
                    while tasks.join_next().await.is_some() {}
                    break;
                }
                () = ctx.host_freed.notified() => {}
                () = ledger.changed() => {
                    if let Some(error) = ledger.take_error() {
                        failure = Some(error.into());
                        tasks.abort_all();
                        break;
                    }
                }
                Some(joined) = tasks.join_next(), if !tasks.is_empty() => {
                    let end = match joined {
                        Ok(end) => end,
                        Err(e) if e.is_cancelled() => continue,
                        Err(e) => Err(CrawlError::Task(e.to_string())),
                    };
                    match end {
                        Ok(TaskEnd::Done { url }) => {
                            handed += 1;
                            completed += 1;
                            attempts.remove(&url);
                        }
                        Ok(TaskEnd::Retry(claim)) => {
                            *attempts.entry(claim.entry.url.clone()).or_default() += 1;
                            self.frontier.release(&source, vec![claim]).await?;
                        }
                        Ok(TaskEnd::KeepPending(claim)) => {
                            attempts.remove(&claim.entry.url);
                            self.frontier.release(&source, vec![claim]).await?;
                        }
                        Err(e) => {
                            failure = Some(e);
                            tasks.abort_all();
                            break;
                        }
                    }
                }
                // Every claim in hand is taken: wait in line for room (the semaphore is
                // fair), rather than polling for it against the other crawls.
                Ok(permit) = Arc::clone(&self.in_hand).acquire_owned(), if starved => {
                    spare = Some(permit);
                }
                () = tokio::time::sleep(tick) => {}
            }
        }
        // Wait for what was handed to the writer to be committed (aborted tasks handed
        // nothing more; a parse still running on the blocking pool ends in a failed send
        // or a handed outcome, which this waits for too).
        let tally = ctx.tally.clone();
        let tally_source = ctx.job.source.clone();
        let seeds = if ctx.job.revisits {
            Vec::new()
        } else {
            ctx.seeds.report(ctx.job.start_urls())
        };
        drop(ctx);
        while ledger.committed() < handed {
            ledger.changed().await;
        }
        if let Some(error) = ledger.take_error() {
            failure.get_or_insert(error.into());
        }
        if let Some(error) = failure {
            return Err(error);
        }
        let pending = self.frontier.pending(&source).await?;
        let summary = CrawlSummary {
            source: tally_source,
            stop: stop_reason,
            resumed,
            pending,
            counters: tally.run(),
            elapsed: started.elapsed(),
            seeds,
        };
        on_progress(&Progress {
            counters: summary.counters.clone(),
            queued: pending,
            in_flight: 0,
            uncommitted: 0,
            hosts_waiting: Vec::new(),
            elapsed: summary.elapsed,
        });
        Ok(summary)
    }
}

impl Crawler {
    /// Adds the due revisits of the job's source to its revisit frontier `key`; how many.
    async fn enqueue_revisits(&self, job: &CrawlJob, key: &str) -> Result<u64, CrawlError> {
        let max = usize::try_from(job.max_pages)
            .unwrap_or(usize::MAX)
            .min(REVISIT_BATCH);
        let added = self.revisits.enqueue_due(&job.source, key, max).await?;
        if added > 0 {
            tracing::info!(source = %job.source, revisits = added, "revisits due");
        }
        Ok(added)
    }
}

/// Error counts of a summary, largest first, for display.
pub fn by_count(map: &BTreeMap<String, u64>) -> Vec<(String, u64)> {
    let mut v: Vec<(String, u64)> = map.iter().map(|(k, v)| (k.clone(), *v)).collect();
    v.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    v
}
