//! The crawl engine: one [`Crawler`] per process, any number of crawls on it at once.
//!
//! A crawl is a scheduler loop over a [`Frontier`]: it picks a task whose host may be
//! contacted now ([`Politeness`]), runs it as its own tokio task (one HTTP exchange), and
//! folds the report back in: discovered URLs go through normalisation and scope into the
//! frontier, retries and redirect hops go back to the head of their host's queue, finished
//! URLs are marked done in the store. Parsing and extraction run on the blocking pool so
//! the scheduler and the sockets are never starved by CPU work.
//!
//! robots.txt is checked before every request, redirect hops included; an origin whose
//! robots.txt is not yet known gets it fetched first (as a request of its own, through the
//! same politeness budget). Robots-blocked URLs are settled without any request.

use std::collections::BTreeMap;
use std::future::Future;
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

use chrono::Utc;
use reqwest::header;
use sha2::{Digest, Sha256};
use tokio::task::JoinSet;
use url::Url;

use super::content::{self, ContentKind, RobotsDirectives};
use super::discovery;
use super::extraction::{self, Extracted};
use super::frontier::{Filter, Frontier, Next, Task};
use super::http::{ACCEPT_PAGES, BodyLimit, FetchError, HttpClient, Request, Response};
use super::normalize;
use super::politeness::{self, HostSlot, Outcome, Politeness};
use super::robots::{RobotsCache, RobotsExchange};
use super::scope::{self, MAX_COUNTER_CHAIN, OutOfScope, Scope};
use super::seeds::{self, SeedLog, SeedOutcome, SeedReport};
use super::stats::{CountersSnapshot, CrawlStats, Event, Tally};
use crate::config::{CrawlerConfig, HttpUrl, Pattern, SourceConfig};
use crate::store::{
    DiscoveredVia, FrontierEntry, NewArticle, Provenance, PutOutcome, RawPage, Store, StoreError,
    Validators,
};

/// Version recorded in every article's provenance.
pub const CRAWLER_VERSION: &str = env!("CARGO_PKG_VERSION");

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

/// How a crawl treats URLs left pending by an earlier, interrupted run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StartMode {
    /// Resume them when there are any; otherwise start a new cycle from the seeds.
    ResumeOrNew,
    /// Forget them and start a new cycle from the seeds.
    NewCycle,
}

/// One crawl: what to start from and how far to go.
#[derive(Debug, Clone)]
pub struct CrawlJob {
    /// Crawl key and provenance `source`: a config source name, or the seed's host.
    pub source: String,
    pub seeds: Vec<Url>,
    pub feeds: Vec<Url>,
    pub sitemaps: Vec<Url>,
    pub allow: Vec<Pattern>,
    pub deny: Vec<Pattern>,
    pub max_depth: u32,
    /// Page requests (redirect hops and retries included) this run may make.
    pub max_pages: u64,
    pub min_delay: Duration,
    /// Preferred language for multilingual pages.
    pub lang: Option<String>,
    pub start: StartMode,
}

impl CrawlJob {
    /// A job for a configured source.
    pub fn from_source(source: &SourceConfig, crawler: &CrawlerConfig) -> Self {
        let urls = |v: &[HttpUrl]| v.iter().map(|u| u.as_url().clone()).collect();
        CrawlJob {
            source: source.name.as_str().to_string(),
            seeds: urls(&source.seeds),
            feeds: urls(&source.feeds),
            sitemaps: urls(&source.sitemaps),
            allow: source.allow.clone(),
            deny: source.deny.clone(),
            max_depth: source.max_depth(crawler),
            max_pages: source.max_pages(crawler),
            min_delay: source.min_delay(crawler),
            lang: source.lang.clone(),
            start: StartMode::ResumeOrNew,
        }
    }

    /// A job for `gleaner crawl --seed URL`: the source is named after the first seed's host.
    pub fn from_seeds(seeds: Vec<Url>, crawler: &CrawlerConfig) -> Self {
        let source = seeds
            .first()
            .and_then(|u| u.host_str())
            .unwrap_or("seeds")
            .to_string();
        CrawlJob {
            source,
            seeds,
            feeds: Vec::new(),
            sitemaps: Vec::new(),
            allow: Vec::new(),
            deny: Vec::new(),
            max_depth: crawler.max_depth,
            max_pages: crawler.max_pages,
            min_delay: crawler.min_delay.get(),
            lang: None,
            start: StartMode::ResumeOrNew,
        }
    }
}

/// Why a crawl ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum StopReason {
    /// Nothing left to fetch (paused hosts aside).
    Finished,
    /// `max_pages` reached; the rest stays pending.
    MaxPages,
    /// Stopped from outside; the rest stays pending for the next run.
    Cancelled,
}

/// What one crawl did.
#[derive(Debug, Clone, serde::Serialize)]
pub struct CrawlSummary {
    pub source: String,
    pub stop: StopReason,
    /// URLs taken over from an interrupted earlier run.
    pub resumed: usize,
    /// URLs still pending in the store when the crawl ended.
    pub pending: u64,
    pub counters: CountersSnapshot,
    pub elapsed: Duration,
    /// Every start URL of the job (seeds, feeds, sitemaps) and what became of it.
    pub seeds: Vec<SeedReport>,
}

impl CrawlSummary {
    /// The crawl had seeds and reached none of them: it did nothing
    /// ([`seeds::reached_no_seed`]).
    pub fn reached_no_seed(&self) -> bool {
        seeds::reached_no_seed(&self.seeds)
    }
}

/// A crawl's state as seen by a progress display.
#[derive(Debug, Clone)]
pub struct Progress {
    pub counters: CountersSnapshot,
    pub queued: usize,
    pub in_flight: usize,
    /// Hosts with queued work that politeness is holding back right now.
    pub hosts_waiting: Vec<String>,
    pub elapsed: Duration,
}

/// The process's crawler: HTTP client, robots.txt cache, politeness and statistics shared
/// by every crawl started on it.
pub struct Crawler {
    config: CrawlerConfig,
    http: HttpClient,
    robots: RobotsCache,
    politeness: Arc<Politeness>,
    store: Arc<dyn Store>,
    stats: Arc<CrawlStats>,
}

/// Everything a crawl's tasks share.
struct CrawlContext {
    crawler: Arc<Crawler>,
    job: CrawlJob,
    scope: Scope,
    tally: Tally,
    seeds: SeedLog,
}

/// A URL found while processing a task.
struct Found {
    raw: String,
    base: Url,
    depth: u32,
    via: DiscoveredVia,
    from: String,
    /// Counter-chain of the page it was found on (links only).
    parent_chain: Option<u32>,
}

/// What a task reports back to the scheduler.
struct Report {
    task: Task,
    found: Vec<Found>,
    next: After,
}

/// What happens to the task's URL afterwards.
enum After {
    /// Finished (fetched, skipped or given up): mark done.
    Done,
    /// Try again later from the head of the host's queue.
    Requeue,
    /// Follow a redirect to this (normalised, in-scope) URL.
    Redirect(Url),
}

impl Crawler {
    pub fn new(config: &CrawlerConfig, store: Arc<dyn Store>) -> Result<Arc<Self>, CrawlError> {
        Ok(Arc::new(Crawler {
            config: config.clone(),
            http: HttpClient::new(config)?,
            robots: RobotsCache::new(config.robots_cache_ttl.get()),
            politeness: Politeness::new(config),
            store,
            stats: CrawlStats::new(),
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
    /// completes. In-flight requests are abandoned on stop; their URLs stay pending.
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
        let scope = Scope::new(
            job.seeds.iter().chain(&job.feeds).chain(&job.sitemaps),
            job.allow.clone(),
            job.deny.clone(),
            job.max_depth,
        );
        let tally = Tally::new(Arc::clone(&self.stats), &job.source);
        let ctx = Arc::new(CrawlContext {
            crawler: Arc::clone(self),
            scope,
            tally,
            job,
            seeds: SeedLog::default(),
        });
        let mut frontier = Frontier::new(Arc::clone(&self.store), &ctx.job.source);
        let resumed = self.start_frontier(&ctx, &mut frontier)?;

        tokio::pin!(stop);
        let mut tasks: JoinSet<Result<Report, CrawlError>> = JoinSet::new();
        let mut requests: u64 = 0;
        let mut stop_reason = StopReason::Finished;
        let mut last_progress = Instant::now();
        let mut budget_logged = false;

        loop {
            // Dispatch everything that is ready now.
            let mut wait_until = None;
            let mut idle = false;
            while requests < ctx.job.max_pages {
                if frontier.needs_reload() {
                    frontier.load_pending()?;
                }
                let next = frontier.next(&self.politeness, ctx.job.min_delay, |task| {
                    self.settle_filter(task)
                });
                match next {
                    Next::Ready(task, slot) => {
                        if self.needs_robots(&task.url) {
                            tasks.spawn(fetch_robots(Arc::clone(&ctx), task, slot));
                        } else {
                            requests += 1;
                            tasks.spawn(fetch_page(Arc::clone(&ctx), task, slot));
                        }
                    }
                    Next::Settled(task) => {
                        ctx.tally.event(Event::RobotsBlocked);
                        tracing::debug!(url = %task.url, "disallowed by robots.txt");
                        if is_seed(&task) {
                            let robots = self.robots.cached(&task.url);
                            let outcome = SeedOutcome::of_robots(robots.as_ref().map(|e| &e.rules));
                            ctx.seeds.record(&task.entry.url, outcome);
                        }
                        self.settle_redirect_chain(&mut frontier, &task)?;
                        frontier.done(&task.entry.url)?;
                    }
                    Next::Wait(t) => {
                        wait_until = t;
                        break;
                    }
                    Next::Empty => {
                        idle = true;
                        break;
                    }
                }
            }
            if requests >= ctx.job.max_pages && !budget_logged {
                budget_logged = true;
                tracing::info!(source = %ctx.job.source, max_pages = ctx.job.max_pages, "max_pages reached: finishing in-flight requests");
            }
            if tasks.is_empty() && (idle || requests >= ctx.job.max_pages) {
                if requests >= ctx.job.max_pages && frontier.queued() > 0 {
                    stop_reason = StopReason::MaxPages;
                }
                break;
            }
            if last_progress.elapsed() >= PROGRESS_INTERVAL {
                last_progress = Instant::now();
                on_progress(&self.progress(&ctx, &frontier, tasks.len(), started));
            }

            // Wait for a task to finish, a host to become ready, a progress tick or stop.
            let tick = wait_until
                .map(|t: Instant| t.saturating_duration_since(Instant::now()))
                .unwrap_or(PROGRESS_INTERVAL)
                .min(PROGRESS_INTERVAL);
            tokio::select! {
                biased;
                () = &mut stop => {
                    stop_reason = StopReason::Cancelled;
                    tracing::info!(source = %ctx.job.source, in_flight = tasks.len(), "crawl stopped: abandoning in-flight requests, their URLs stay pending");
                    tasks.abort_all();
                    while tasks.join_next().await.is_some() {}
                    break;
                }
                Some(joined) = tasks.join_next(), if !tasks.is_empty() => {
                    let report = joined.map_err(|e| CrawlError::Task(e.to_string()))??;
                    self.apply(&ctx, &mut frontier, report)?;
                }
                () = tokio::time::sleep(tick) => {}
            }
        }
        on_progress(&self.progress(&ctx, &frontier, 0, started));
        let store = Arc::clone(&self.store);
        let source = ctx.job.source.clone();
        let pending = tokio::task::spawn_blocking(move || {
            store.flush()?;
            store.frontier_pending_count(&source)
        })
        .await
        .map_err(|e| CrawlError::Task(e.to_string()))??;
        let summary = CrawlSummary {
            source: ctx.job.source.clone(),
            stop: stop_reason,
            resumed,
            pending,
            counters: ctx.tally.run(),
            elapsed: started.elapsed(),
            seeds: ctx.seeds.report(
                ctx.job
                    .seeds
                    .iter()
                    .chain(&ctx.job.feeds)
                    .chain(&ctx.job.sitemaps),
            ),
        };
        if frontier.paused_tasks() > 0 {
            tracing::warn!(source = %summary.source, urls = frontier.paused_tasks(), "URLs of paused hosts left pending");
        }
        Ok(summary)
    }

    /// Resumes pending URLs or starts a new cycle from the job's start URLs.
    fn start_frontier(
        &self,
        ctx: &CrawlContext,
        frontier: &mut Frontier,
    ) -> Result<usize, CrawlError> {
        if ctx.job.start == StartMode::ResumeOrNew {
            let resumed = frontier.load_pending()?;
            if resumed > 0 {
                tracing::info!(source = %ctx.job.source, urls = resumed, "resuming an interrupted crawl");
                return Ok(resumed);
            }
        }
        frontier.new_cycle()?;
        let starts = ctx
            .job
            .seeds
            .iter()
            .chain(&ctx.job.feeds)
            .chain(&ctx.job.sitemaps);
        for url in starts {
            let url = match normalize::normalize(url.clone()) {
                Ok(u) => u,
                Err(e) => {
                    tracing::warn!(%url, error = %e, "start URL cannot be crawled");
                    continue;
                }
            };
            let entry = FrontierEntry {
                url: url.to_string(),
                depth: 0,
                discovered_from: None,
                discovered_via: DiscoveredVia::Seed,
                source: ctx.job.source.clone(),
            };
            frontier.add(entry, url, 0)?;
        }
        Ok(0)
    }

    fn needs_robots(&self, url: &Url) -> bool {
        self.config.respect_robots && self.robots.cached(url).is_none()
    }

    /// Settles a task without a request when robots.txt (already known) forbids it.
    fn settle_filter(&self, task: &Task) -> Filter {
        if !self.config.respect_robots {
            return Filter::Fetch;
        }
        match self.robots.cached(&task.url) {
            Some(entry) if !entry.rules.allows(&task.url) => Filter::Settle,
            _ => Filter::Fetch,
        }
    }

    /// Marks the hops of a redirect chain done along with its end.
    fn settle_redirect_chain(
        &self,
        frontier: &mut Frontier,
        task: &Task,
    ) -> Result<(), StoreError> {
        if task.url.as_str() != task.entry.url {
            frontier.done(task.url.as_str())?;
        }
        Ok(())
    }

    fn progress(
        &self,
        ctx: &CrawlContext,
        frontier: &Frontier,
        in_flight: usize,
        started: Instant,
    ) -> Progress {
        Progress {
            counters: ctx.tally.run(),
            queued: frontier.queued(),
            in_flight,
            hosts_waiting: self.politeness.hosts_waiting(frontier.hosts()),
            elapsed: started.elapsed(),
        }
    }

    /// Folds a task's report into the frontier.
    fn apply(
        &self,
        ctx: &CrawlContext,
        frontier: &mut Frontier,
        report: Report,
    ) -> Result<(), CrawlError> {
        let Report { task, found, next } = report;
        for f in found {
            self.add_found(ctx, frontier, f)?;
        }
        match next {
            After::Done => {
                self.settle_redirect_chain(frontier, &task)?;
                frontier.done(&task.entry.url)?;
            }
            After::Requeue => frontier.requeue(task),
            After::Redirect(target) => {
                let mut next = task.clone();
                next.hops.push(task.url.to_string());
                next.url = target.clone();
                next.attempt = 0;
                // The target joins the frontier so the cycle knows it (and a resumed crawl
                // fetches it); a target the cycle already knows is not fetched again.
                let entry = FrontierEntry {
                    url: target.to_string(),
                    depth: task.entry.depth,
                    discovered_from: Some(task.url.to_string()),
                    discovered_via: DiscoveredVia::Redirect,
                    source: ctx.job.source.clone(),
                };
                let is_new = self.store.frontier_push(&entry)?;
                if task.url.as_str() != task.entry.url {
                    frontier.done(task.url.as_str())?;
                }
                if !is_new {
                    tracing::debug!(from = %task.url, to = %target, "redirect to a URL this crawl already knows");
                    ctx.tally.event(Event::Skipped("redirect_known"));
                    frontier.done(&task.entry.url)?;
                } else {
                    // The chain continues with its provenance, under the politeness of the
                    // target's host (the same one or another).
                    frontier.done(&task.entry.url)?;
                    frontier.requeue(next);
                }
            }
        }
        Ok(())
    }

    fn add_found(
        &self,
        ctx: &CrawlContext,
        frontier: &mut Frontier,
        found: Found,
    ) -> Result<(), CrawlError> {
        let url = match normalize::resolve(&found.base, &found.raw) {
            Ok(u) => u,
            Err(e) => {
                tracing::trace!(href = %found.raw, error = %e, "link skipped");
                return Ok(());
            }
        };
        if let Err(reason) = ctx.scope.check(&url, found.depth) {
            if matches!(reason, OutOfScope::Trap(_) | OutOfScope::TooLong) {
                tracing::debug!(%url, %reason, "URL refused");
                ctx.tally.event(Event::Skipped(reason.kind()));
            }
            return Ok(());
        }
        let chain = match (found.parent_chain, Url::parse(&found.from)) {
            (Some(parent_chain), Ok(parent)) => scope::counter_chain(&parent, parent_chain, &url),
            _ => 0,
        };
        if chain > MAX_COUNTER_CHAIN {
            tracing::debug!(%url, chain, "crawler trap: ever-increasing counter");
            ctx.tally.event(Event::Skipped("trap"));
            return Ok(());
        }
        let entry = FrontierEntry {
            url: url.to_string(),
            depth: found.depth,
            discovered_from: Some(found.from),
            discovered_via: found.via,
            source: ctx.job.source.clone(),
        };
        frontier.add(entry, url, chain)?;
        Ok(())
    }
}

/// Fetches the robots.txt of a task's origin, then puts the task back.
async fn fetch_robots(
    ctx: Arc<CrawlContext>,
    task: Task,
    slot: HostSlot,
) -> Result<Report, CrawlError> {
    let crawler = &ctx.crawler;
    let host = slot.host().to_string();
    let delay = crawler.politeness.delay(&host, ctx.job.min_delay);
    let tally = ctx.tally.clone();
    let entry = crawler
        .robots
        .get(
            &crawler.http,
            &task.url,
            delay,
            |url, exchange: &RobotsExchange| match exchange {
                Ok(r) => tally.response(r.status, r.body.len(), r.elapsed, false),
                Err(e) => {
                    tracing::debug!(%url, error = %e, "robots.txt fetch failed");
                    tally.event(Event::Error(e.kind()));
                }
            },
        )
        .await;
    drop(slot);
    crawler
        .politeness
        .set_crawl_delay(&host, entry.rules.crawl_delay());
    let mut found = Vec::new();
    if let Ok(robots_url) = task.url.join("/robots.txt") {
        for sitemap in entry.rules.sitemaps() {
            found.push(Found {
                raw: sitemap.clone(),
                base: robots_url.clone(),
                depth: 0,
                via: DiscoveredVia::Sitemap,
                from: robots_url.to_string(),
                parent_chain: None,
            });
        }
    }
    Ok(Report {
        task,
        found,
        next: After::Requeue,
    })
}

/// Fetches one page (or feed, or sitemap) and processes it.
async fn fetch_page(
    ctx: Arc<CrawlContext>,
    task: Task,
    slot: HostSlot,
) -> Result<Report, CrawlError> {
    let crawler = Arc::clone(&ctx.crawler);
    let host = slot.host().to_string();
    let validators = {
        let store = Arc::clone(&crawler.store);
        let url = task.url.to_string();
        tokio::task::spawn_blocking(move || store.validators(&url))
            .await
            .map_err(|e| CrawlError::Task(e.to_string()))??
    };
    let exchange = crawler
        .http
        .get(Request {
            url: &task.url,
            validators: validators.as_ref(),
            limit: BodyLimit::Abandon(crawler.config.max_body_bytes),
            accept: ACCEPT_PAGES,
        })
        .await;
    let fetched_at = Utc::now();
    drop(slot);
    if is_seed(&task) {
        let answer = exchange.as_ref().map(|r| r.status);
        ctx.seeds
            .record(&task.entry.url, SeedOutcome::of_answer(answer));
    }
    let response = match exchange {
        Ok(r) => r,
        Err(error) => return Ok(failed(&ctx, task, &host, error)),
    };
    ctx.tally
        .response(response.status, response.body.len(), response.elapsed, true);
    match response.status {
        301 | 302 | 303 | 307 | 308 => {
            crawler.politeness.record(&host, Outcome::Success);
            Ok(redirect(&ctx, task, &response))
        }
        304 => {
            crawler.politeness.record(&host, Outcome::Success);
            ctx.tally.event(Event::NotModified);
            let store = Arc::clone(&crawler.store);
            let url = task.url.to_string();
            tokio::task::spawn_blocking(move || store.record_not_modified(&url, fetched_at))
                .await
                .map_err(|e| CrawlError::Task(e.to_string()))??;
            Ok(done(task))
        }
        429 | 503 => {
            let retry_after = response
                .header(header::RETRY_AFTER)
                .and_then(|v| politeness::parse_retry_after(v, SystemTime::now()));
            if let Some(wait) = retry_after {
                tracing::info!(url = %task.url, ?wait, status = response.status, "server asked to retry later");
            }
            let tripped = crawler
                .politeness
                .record(&host, Outcome::Throttled(retry_after));
            Ok(retry_or_give_up(
                &ctx,
                task,
                tripped,
                status_kind(response.status),
            ))
        }
        500..=599 => {
            let tripped = crawler.politeness.record(&host, Outcome::Failure);
            Ok(retry_or_give_up(&ctx, task, tripped, "http_5xx"))
        }
        200..=299 => {
            crawler.politeness.record(&host, Outcome::Success);
            process(ctx, task, response, fetched_at).await
        }
        status => {
            crawler.politeness.record(&host, Outcome::Success);
            tracing::debug!(url = %task.url, status, "page not fetched");
            ctx.tally.event(Event::Error(status_kind(status)));
            Ok(done(task))
        }
    }
}

/// A start URL of the job, or a redirect hop or retry on its behalf (they keep its entry).
fn is_seed(task: &Task) -> bool {
    task.entry.discovered_via == DiscoveredVia::Seed
}

fn status_kind(status: u16) -> &'static str {
    match status {
        404 => "http_404",
        410 => "http_410",
        403 => "http_403",
        429 => "http_429",
        503 => "http_503",
        400..=499 => "http_4xx",
        500..=599 => "http_5xx",
        _ => "http_other",
    }
}

fn done(task: Task) -> Report {
    Report {
        task,
        found: Vec::new(),
        next: After::Done,
    }
}

fn failed(ctx: &CrawlContext, task: Task, host: &str, error: FetchError) -> Report {
    match &error {
        FetchError::TooLarge { limit } => {
            tracing::warn!(url = %task.url, limit, "body over max_body_bytes: abandoned");
            ctx.tally.event(Event::Skipped("too_large"));
            return done(task);
        }
        FetchError::AddressRefused(reason) => {
            tracing::warn!(url = %task.url, %reason, "address guard refused the request");
            ctx.tally.event(Event::Error(error.kind()));
            return done(task);
        }
        _ => {}
    }
    if error.is_transient() {
        tracing::info!(url = %task.url, %error, attempt = task.attempt + 1, "fetch failed");
        let tripped = ctx.crawler.politeness.record(host, Outcome::Failure);
        return retry_or_give_up(ctx, task, tripped, error.kind());
    }
    tracing::info!(url = %task.url, %error, "fetch failed");
    ctx.tally.event(Event::Error(error.kind()));
    done(task)
}

fn retry_or_give_up(
    ctx: &CrawlContext,
    mut task: Task,
    breaker_tripped: bool,
    kind: &'static str,
) -> Report {
    if task.attempt < ctx.crawler.config.max_retries && !breaker_tripped {
        task.attempt += 1;
        return Report {
            task,
            found: Vec::new(),
            next: After::Requeue,
        };
    }
    if breaker_tripped {
        // The URL stays pending: the host is paused and will be tried in a later run.
        return Report {
            task,
            found: Vec::new(),
            next: After::Requeue,
        };
    }
    tracing::info!(url = %task.url, attempts = task.attempt + 1, kind, "giving up on URL");
    ctx.tally.event(Event::Error(kind));
    done(task)
}

fn redirect(ctx: &CrawlContext, task: Task, response: &Response) -> Report {
    let target = match response.redirect_target() {
        Some(Ok(t)) => t,
        other => {
            let e = match other {
                Some(Err(e)) => e,
                _ => FetchError::BadRedirect("no target".into()),
            };
            tracing::info!(url = %task.url, error = %e, "redirect not followed");
            ctx.tally.event(Event::Error(e.kind()));
            return done(task);
        }
    };
    let target = match normalize::normalize(target) {
        Ok(t) => t,
        Err(e) => {
            tracing::info!(url = %task.url, error = %e, "redirect target cannot be crawled");
            ctx.tally.event(Event::Error("bad_redirect"));
            return done(task);
        }
    };
    let max = ctx.crawler.config.max_redirects;
    if target == task.url
        || task.hops.iter().any(|h| h == target.as_str())
        || task.entry.url == target.as_str()
    {
        let e = FetchError::RedirectLoop(target.to_string());
        tracing::warn!(url = %task.entry.url, error = %e, "redirect loop");
        ctx.tally.event(Event::Error(e.kind()));
        return done(task);
    }
    if task.hops.len() as u32 + 1 > max {
        let e = FetchError::TooManyRedirects(max);
        tracing::warn!(url = %task.entry.url, error = %e, "redirect chain too long");
        ctx.tally.event(Event::Error(e.kind()));
        return done(task);
    }
    if let Err(reason) = ctx.scope.check_location(&target) {
        tracing::info!(from = %task.url, to = %target, %reason, "redirect leaves the crawl's scope");
        ctx.tally.event(Event::Skipped("redirect_out_of_scope"));
        return done(task);
    }
    Report {
        task,
        found: Vec::new(),
        next: After::Redirect(target),
    }
}

/// Processes a 2xx response: discovery always, extraction and storage for HTML articles.
async fn process(
    ctx: Arc<CrawlContext>,
    task: Task,
    response: Response,
    fetched_at: chrono::DateTime<Utc>,
) -> Result<Report, CrawlError> {
    let kind = content::classify(response.media_type().as_deref(), &response.body);
    let max_body = ctx.crawler.config.max_body_bytes;
    let lang = ctx.job.lang.clone();
    let response = Arc::new(response);
    let page_url = task.url.clone();
    let worker_response = Arc::clone(&response);
    let analysed = tokio::task::spawn_blocking(move || {
        analyse(
            &worker_response,
            &page_url,
            kind,
            max_body,
            lang,
            fetched_at,
        )
    })
    .await
    .map_err(|e| CrawlError::Task(e.to_string()))?;

    let from = task.url.to_string();
    let depth = task.entry.depth;
    let mut found = Vec::new();
    let mut push = |raw: String, base: &Url, depth: u32, via: DiscoveredVia, chain: Option<u32>| {
        found.push(Found {
            raw,
            base: base.clone(),
            depth,
            via,
            from: from.clone(),
            parent_chain: chain,
        });
    };
    let mut article = None;
    match analysed {
        Analysed::Html {
            links,
            feeds,
            base,
            directives,
            charset,
            extracted,
        } => {
            let directives = directives.merge(content::x_robots_tag(&response.headers));
            if !directives.nofollow {
                for link in links {
                    push(
                        link,
                        &base,
                        depth + 1,
                        DiscoveredVia::Link,
                        Some(task.counter_chain),
                    );
                }
            }
            for feed in feeds {
                push(feed, &base, depth, DiscoveredVia::Link, None);
            }
            match extracted {
                _ if directives.noindex => {
                    tracing::debug!(url = %task.url, "noindex: not stored");
                    ctx.tally.event(Event::Skipped("noindex"));
                }
                Extracted::Article(a) => article = Some((a, charset)),
                Extracted::NotArticle(reason) => {
                    tracing::debug!(url = %task.url, %reason, "not an article");
                    ctx.tally.event(Event::NotArticle);
                }
            }
        }
        Analysed::Feed(Ok(links)) => {
            for link in links {
                push(link, &task.url, depth, DiscoveredVia::Feed, None);
            }
        }
        Analysed::Sitemap(Ok(urls)) => {
            for page in urls.pages {
                push(page, &task.url, depth, DiscoveredVia::Sitemap, None);
            }
            for sitemap in urls.sitemaps {
                push(sitemap, &task.url, depth, DiscoveredVia::Sitemap, None);
            }
        }
        Analysed::Feed(Err(reason)) | Analysed::Sitemap(Err(reason)) => {
            tracing::info!(url = %task.url, %reason, "unreadable feed or sitemap");
            ctx.tally.event(Event::Error("unreadable_listing"));
        }
        Analysed::Other(media_type) => {
            tracing::debug!(url = %task.url, %media_type, "not HTML: skipped");
            ctx.tally.event(Event::Skipped("content_type"));
        }
    }

    let validators = Validators {
        etag: response.header(header::ETAG).map(str::to_string),
        last_modified: response.header(header::LAST_MODIFIED).map(str::to_string),
    };
    let store = Arc::clone(&ctx.crawler.store);
    match article {
        Some((article, charset)) => {
            let provenance = Provenance {
                url: task.entry.url.clone(),
                final_url: task.url.to_string(),
                source: ctx.job.source.clone(),
                discovered_from: task.entry.discovered_from.clone(),
                discovered_via: task.entry.discovered_via,
                fetched_at,
                http_status: response.status,
                content_type: response.media_type(),
                charset: Some(charset.to_string()),
                etag: validators.etag.clone(),
                last_modified: validators.last_modified.clone(),
                raw_sha256: hex::encode(Sha256::digest(&response.body)),
                extractor_version: extraction::EXTRACTOR_VERSION.to_string(),
                crawler_version: CRAWLER_VERSION.to_string(),
            };
            let raw = RawPage {
                headers: response
                    .headers
                    .iter()
                    .map(|(k, v)| {
                        (
                            k.as_str().to_string(),
                            String::from_utf8_lossy(v.as_bytes()).into_owned(),
                        )
                    })
                    .collect(),
                body: response.body.clone(),
            };
            let new = NewArticle {
                provenance,
                article: *article,
                raw: Some(raw),
            };
            let outcome = tokio::task::spawn_blocking(move || store.put_article(new))
                .await
                .map_err(|e| CrawlError::Task(e.to_string()))??;
            let event = match outcome {
                PutOutcome::New { .. } => Event::Stored,
                PutOutcome::Updated { .. } => Event::Updated,
                PutOutcome::Unchanged { .. } => Event::Unchanged,
                PutOutcome::Duplicate { .. } => Event::Duplicate,
            };
            tracing::debug!(url = %task.url, ?outcome, "article");
            ctx.tally.event(event);
        }
        None if !validators.is_empty() => {
            let url = task.url.to_string();
            tokio::task::spawn_blocking(move || store.set_validators(&url, &validators))
                .await
                .map_err(|e| CrawlError::Task(e.to_string()))??;
        }
        None => {}
    }
    Ok(Report {
        task,
        found,
        next: After::Done,
    })
}

/// The CPU part of processing a response, run on the blocking pool.
enum Analysed {
    Html {
        links: Vec<String>,
        feeds: Vec<String>,
        base: Url,
        directives: RobotsDirectives,
        charset: &'static str,
        extracted: Extracted,
    },
    Feed(Result<Vec<String>, String>),
    Sitemap(Result<discovery::SitemapUrls, String>),
    Other(String),
}

fn analyse(
    response: &Response,
    url: &Url,
    kind: ContentKind,
    max_body: u64,
    lang: Option<String>,
    fetched_at: chrono::DateTime<Utc>,
) -> Analysed {
    match kind {
        ContentKind::Html => {
            // One parse serves discovery and extraction: the extractor's decoding (so links
            // and the article agree on the charset, including pages whose declared charset
            // lies), its nesting cap (html5ever is quadratic in depth) and its choice of
            // language on qTranslate pages.
            let options =
                extraction::options(url, response.header(header::CONTENT_TYPE), lang, fetched_at);
            let page = crate::extract::ParsedPage::parse(&response.body, &options);
            let charset = page.encoding();
            let tree = page.dom();
            let links = discovery::page_links(&tree, url);
            let extracted = extraction::extract_page(&tree, &options);
            Analysed::Html {
                base: links.base.clone().unwrap_or_else(|| url.clone()),
                links: links.links,
                feeds: links.feeds,
                directives: links.robots,
                charset,
                extracted,
            }
        }
        ContentKind::Feed => Analysed::Feed(discovery::feed_links(&response.body)),
        ContentKind::Sitemap => {
            Analysed::Sitemap(discovery::sitemap_urls(&response.body, max_body))
        }
        ContentKind::Other(media_type) => Analysed::Other(media_type),
    }
}

/// Error counts of a summary, largest first, for display.
pub fn by_count(map: &BTreeMap<String, u64>) -> Vec<(String, u64)> {
    let mut v: Vec<(String, u64)> = map.iter().map(|(k, v)| (k.clone(), *v)).collect();
    v.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    v
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::{MemoryStore, StoreOptions};

    fn is_send<T: Send>(_: &T) {}

    /// The daemon spawns crawls as tasks: the future must be `Send`.
    #[tokio::test]
    async fn crawl_future_is_send() {
        let store: Arc<dyn Store> =
            Arc::new(MemoryStore::new(StoreOptions::default()).expect("store"));
        let config = CrawlerConfig::default();
        let crawler = Crawler::new(&config, store).expect("crawler");
        // Loopback with the address guard on: nothing could leave the machine anyway.
        let seeds = vec![Url::parse("http://127.0.0.1:9/").expect("url")];
        let future = crawler.crawl(CrawlJob::from_seeds(seeds, &config), async {});
        is_send(&future);
        // Stopped before it starts: ends at once, nothing fetched, the seed stays pending.
        let summary = future.await.expect("crawl");
        assert_eq!(summary.stop, StopReason::Cancelled);
        assert_eq!(summary.counters.pages_fetched, 0);
        assert_eq!(summary.pending, 1);
    }

    #[test]
    fn jobs_from_sources_and_seeds() {
        let config: crate::config::Config = toml::from_str(
            "[crawler]\nmax_depth = 4\n[[source]]\nname = \"ngo\"\nseeds = [\"https://ngo.example/news/\"]\nfeeds = [\"https://ngo.example/rss\"]\nmax_pages = 50\nmin_delay = \"5s\"\nlang = \"ru\"\n",
        )
        .expect("config");
        let job = CrawlJob::from_source(&config.sources[0], &config.crawler);
        assert_eq!(job.source, "ngo");
        assert_eq!((job.max_depth, job.max_pages), (4, 50));
        assert_eq!(job.min_delay, Duration::from_secs(5));
        assert_eq!(job.feeds.len(), 1);
        assert_eq!(job.lang.as_deref(), Some("ru"));
        let job = CrawlJob::from_seeds(
            vec![Url::parse("https://www.news.example/a").expect("url")],
            &config.crawler,
        );
        assert_eq!(job.source, "www.news.example");
    }
}
