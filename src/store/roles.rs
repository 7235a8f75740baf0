//! The roles callers play against storage, one trait each.
//!
//! The crawl engine needs a [`Frontier`] to take work from, [`PageMemory`] for conditional
//! GETs and an [`ArticleSink`] to commit what it found; consumers need an
//! [`ArticleReader`] and the [`ConsumerQueue`]; the daemon's scheduler needs
//! [`ScheduleMemory`]. Each backend (the embedded sled store, the in-memory store, the
//! daemon's HTTP API for consumers, PostgreSQL for a cluster) implements the roles it
//! serves completely: no method answers "unavailable".
//!
//! The traits are async because a backend may be remote; the embedded backends run their
//! blocking work (sled's writes and fsyncs) on tokio's blocking pool. Time comes from the
//! [`Clock`](super::clock::Clock) a store was built with, never from an argument, so that
//! lease and schedule behaviour is testable with a manual clock.

use std::time::Duration;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::error::Result;
use super::queue::{AckOutcome, Delivery, StoreStats};
use super::record::{
    ArticleId, ArticleRecord, FrontierEntry, NewArticle, PutOutcome, RawPage, RemovalEvidence,
    Validators,
};
use super::watch::WatchPolicy;
use crate::extract::article::Article;

/// How a crawl treats URLs left pending by an earlier, interrupted run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CrawlStart {
    /// Resume them when there are any; otherwise start a new cycle.
    Resume,
    /// Forget them (and every URL the cycle knew) and start a new cycle.
    NewCycle,
}

/// Bounds a crawl's frontier keeps.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FrontierLimits {
    /// Pending URLs one host may have; more are dropped and counted, so that a site that
    /// generates links forever (a calendar, a trap) cannot fill the disk.
    pub max_pending_per_host: u64,
}

impl Default for FrontierLimits {
    fn default() -> Self {
        FrontierLimits {
            max_pending_per_host: 100_000,
        }
    }
}

/// What [`Frontier::open_crawl`] found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct OpenedCrawl {
    /// URLs pending from an earlier run (0 when a new cycle started).
    pub resumed: u64,
}

/// The answer of a [`HostGate`] for one host.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GateAnswer {
    /// A request may go to the host now; the gate has taken the host's politeness slot.
    /// `spacing` is the host's delay, which a shared frontier records so that other
    /// nodes keep it too.
    Ready { spacing: Duration },
    /// Not before this much time from now.
    Wait(Duration),
    /// The host (or the process) has as many requests in flight as it may.
    Busy,
}

/// What a process knows of a host's politeness: what a frontier shared by several
/// processes records when it hands the host on, so that the next process keeps it too.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct HostPace {
    /// How long from now before this process would start another request to the host:
    /// its spacing (counted from the end of the last exchange), any Retry-After or backoff
    /// hold and a circuit breaker's pause, together.
    pub wait: Duration,
    /// How long a Retry-After, a backoff or a circuit breaker holds the host from now.
    pub held: Option<Duration>,
    /// The host's robots.txt Crawl-delay, when known.
    pub crawl_delay: Option<Duration>,
    /// Consecutive failed exchanges with the host.
    pub failures: u32,
}

/// The crawler's politeness, as the frontier asks it: "may a request go to this host now?"
///
/// A frontier calls it for hosts that have pending URLs and hands out a URL of a host only
/// after a `Ready`; each `Ready` is one request.
pub trait HostGate {
    fn try_host(&mut self, host: &str) -> GateAnswer;

    /// This process's pacing of `host`, if it knows any; a frontier shared with other
    /// processes asks before handing the host on (the embedded frontier never does).
    fn pace(&mut self, _host: &str) -> Option<HostPace> {
        None
    }
}

/// Identifies a claimed URL to the backend that handed it out: the host's queue and a
/// position in it (a row, for a database); opaque to callers.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Ticket {
    pub host: String,
    pub id: u64,
}

/// A URL handed out by [`Frontier::claim`]: fetch it, then complete it in a commit
/// ([`CrawlOutcome::claim`]) or give it back with [`Frontier::release`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Claim {
    pub entry: FrontierEntry,
    pub ticket: Ticket,
    /// Validators from the last time this URL was fetched, for a conditional GET.
    pub validators: Option<Validators>,
}

/// What one [`Frontier::claim`] call found.
#[derive(Debug, Clone, Default)]
pub struct Claims {
    pub claims: Vec<Claim>,
    /// When nothing more could be handed out: the soonest a waiting host is ready.
    pub wait: Option<Duration>,
    /// Every pending URL of the crawl is out in claims (or none is left): more will only
    /// come from commits that add URLs or releases that give claims back. A frontier
    /// shared by several processes says so only when nothing is pending at all: URLs
    /// claimed by another live process may still add more, or come back when it dies.
    pub exhausted: bool,
}

/// The frontier of the crawls: per-host queues of URLs, in the order seeds, feeds and
/// sitemaps first, then breadth-first by depth; a seen-set so that a cycle fetches a URL
/// once; a cap on the pending URLs of one host.
///
/// URLs are added and completed by [`ArticleSink::commit`], in the same atomic write as
/// the articles they produced, so a URL is done exactly when its outcome is durable.
#[async_trait]
pub trait Frontier: Send + Sync {
    /// Prepares the crawl `crawl` for claims. `Resume` keeps its pending URLs (and starts
    /// a new cycle when there are none); `NewCycle` forgets every URL it knew, pending or
    /// done. Claims of an earlier opening lapse.
    async fn open_crawl(
        &self,
        crawl: &str,
        start: CrawlStart,
        limits: FrontierLimits,
    ) -> Result<OpenedCrawl>;
    /// Hands out up to `max` pending URLs whose hosts the gate lets go now, visiting hosts
    /// in turn so that no host starves the others.
    async fn claim(
        &self,
        crawl: &str,
        max: usize,
        gate: &mut (dyn HostGate + Send),
    ) -> Result<Claims>;
    /// Gives claimed URLs back unfinished (a retry later, a stopped crawl): they are
    /// pending again, at the head of their host's queue.
    async fn release(&self, crawl: &str, claims: Vec<Claim>) -> Result<()>;
    /// The crawl stops for now: its claims lapse (their URLs stay pending for the next
    /// run) and the memory it held is freed.
    async fn close_crawl(&self, crawl: &str) -> Result<()>;
    /// URLs of the crawl not yet completed, claimed ones included.
    async fn pending(&self, crawl: &str) -> Result<u64>;
}

/// Conditional-GET validators of pages.
#[async_trait]
pub trait PageMemory: Send + Sync {
    /// Validators last seen for `url` (from a stored article or a page that was not one).
    async fn validators(&self, url: &str) -> Result<Option<Validators>>;
}

/// What became of one page the crawl handled, committed with the others of its batch.
#[derive(Debug, Clone)]
pub enum PageResult {
    /// An article: stored, updated, seen unchanged or recognised as a duplicate.
    Article(Box<NewArticle>),
    /// `304 Not Modified` at this time: the article the URL produced was seen again.
    NotModified { url: String, at: DateTime<Utc> },
    /// A page that is not an article (a section, a feed): remember its validators.
    Validators { url: String, validators: Validators },
    /// A revisit of a watched article: judged against it, recorded, and its next revisit
    /// scheduled (see [`RevisitSchedule`]).
    Revisit(Box<RevisitResult>),
    /// Nothing to store (an error, a page skipped, robots.txt said no).
    Nothing,
}

/// One URL's outcome: what the page gave, which URLs it added, and which claim it ends.
#[derive(Debug, Clone)]
pub struct CrawlOutcome {
    /// The crawl (source) the URLs belong to.
    pub crawl: String,
    /// The claim this outcome completes (none for the start URLs of a cycle).
    pub claim: Option<Ticket>,
    /// URLs reached on the way that the cycle must not fetch again (redirect hops).
    pub visited: Vec<String>,
    pub result: PageResult,
    /// URLs found on the page, to be added to the crawl's frontier.
    pub discovered: Vec<FrontierEntry>,
}

/// What the frontier did with the URLs of one outcome.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct FrontierAdds {
    /// New to the cycle: pending now.
    pub added: u32,
    /// Already known to the cycle (pending or done).
    pub known: u32,
    /// Dropped because their host already had `max_pending_per_host` pending URLs.
    pub dropped: u32,
}

/// What one [`CrawlOutcome`] became once committed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Committed {
    /// For an article: what the store made of it.
    pub article: Option<PutOutcome>,
    pub frontier: FrontierAdds,
    /// Changes the outcome logged (an edit, a removal, a restoration), in order.
    pub changes: Vec<ChangeKind>,
}

/// Where the crawl's results go: articles, validators and frontier changes, a batch at a
/// time, each batch one atomic and durable write.
#[async_trait]
pub trait ArticleSink: Send + Sync {
    /// Commits a batch: every outcome's article, validators, discovered URLs and completed
    /// claim, all or nothing, durable when this returns. One result per outcome, in order;
    /// later outcomes see earlier ones (a reprint in the same batch is a duplicate).
    async fn commit(&self, batch: Vec<CrawlOutcome>) -> Result<Vec<Committed>>;

    /// Whether the sink keeps the raw pages handed to it (`store.keep_raw`): a crawl packs
    /// none for a sink that would drop them.
    fn keeps_raw_pages(&self) -> bool;

    /// The current extractor produced `article` from the stored raw page of `id`: changed
    /// text becomes a new version; changed metadata updates the record in place; either is
    /// queued again. `None` when no such article exists.
    async fn apply_reextraction(
        &self,
        id: ArticleId,
        article: Article,
        extractor_version: &str,
    ) -> Result<Option<PutOutcome>>;
}

/// Reading the corpus: records in store order and the raw pages kept with them.
#[async_trait]
pub trait ArticleReader: Send + Sync {
    async fn article(&self, id: ArticleId) -> Result<Option<ArticleRecord>>;
    /// Records with `seq > after_seq`, in store order, optionally of one source, at most
    /// `limit`. Continue from the last record's `seq`.
    async fn articles_since(
        &self,
        after_seq: u64,
        source: Option<&str>,
        limit: usize,
    ) -> Result<Vec<ArticleRecord>>;
    /// The raw response kept for an article (with `store.keep_raw`).
    async fn raw_page(&self, id: ArticleId) -> Result<Option<RawPage>>;
}

/// The consumer queue: at-least-once delivery with leases.
#[async_trait]
pub trait ConsumerQueue: Send + Sync {
    /// Leases up to `max` waiting articles, oldest first, for `lease`.
    async fn pop(&self, max: usize, lease: Duration) -> Result<Vec<Delivery>>;
    /// Acknowledges deliveries by token; one outcome per token, in order. Durable when it
    /// returns. Unknown and lapsed tokens change nothing.
    async fn ack(&self, tokens: &[String]) -> Result<Vec<AckOutcome>>;
    async fn stats(&self) -> Result<StoreStats>;
}

/// What the daemon's scheduler keeps about each source across restarts, opaque to the
/// store.
#[async_trait]
pub trait ScheduleMemory: Send + Sync {
    async fn recall(&self, source: &str) -> Result<Option<Vec<u8>>>;
    /// Replaces what is kept about `source`; durable with the next commit or flush.
    async fn remember(&self, source: &str, state: &[u8]) -> Result<()>;
}

// ---------------------------------------------------------------------------------------
// Watching stored articles: versions, the change log and the revisit schedule.

/// One version of an article's text: the current one, or one a later fetch replaced.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ArticleVersion {
    pub version: u32,
    pub fetched_at: DateTime<Utc>,
    pub title: Option<String>,
    /// `None` only for a version replaced before this gleaner kept versions: its hash is
    /// all that is known of it.
    pub text: Option<String>,
    pub text_sha256: String,
    pub final_url: Option<String>,
    pub http_status: Option<u16>,
    pub etag: Option<String>,
    pub last_modified: Option<String>,
    pub raw_sha256: Option<String>,
    pub extractor_version: Option<String>,
    /// Revisits that found this version unchanged (the same text, or `304 Not Modified`),
    /// oldest first.
    #[serde(default)]
    pub revisits: Vec<RevisitCheck>,
}

/// A revisit that found the article as it was.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct RevisitCheck {
    pub at: DateTime<Utc>,
    /// 200 (same text) or 304.
    pub status: u16,
}

/// What happened to a stored article, as the change log records it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ChangeKind {
    /// Its text changed: a new version.
    Edited,
    /// A revisit found it gone.
    Removed,
    /// A removed article was found again.
    Restored,
}

impl ChangeKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ChangeKind::Edited => "edited",
            ChangeKind::Removed => "removed",
            ChangeKind::Restored => "restored",
        }
    }
}

/// One entry of the change log, in the order the changes were committed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Change {
    /// Position in the log; continue a read from the last one seen.
    pub seq: u64,
    pub id: ArticleId,
    /// The article's URL (its final URL when the change was seen).
    pub url: String,
    pub source: String,
    pub kind: ChangeKind,
    /// When the fetch that showed the change was made.
    pub at: DateTime<Utc>,
    /// The article's version after the change.
    pub version: u32,
    /// For a removal: the answer that showed it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub evidence: Option<RemovalEvidence>,
}

/// A revisit of a watched article, as the crawler saw it: committed as
/// [`PageResult::Revisit`], judged by [`watch::verdict`](super::watch::verdict) against
/// the stored article.
#[derive(Debug, Clone)]
pub struct RevisitResult {
    /// The source whose schedule the revisit belongs to.
    pub source: String,
    /// The article's URL the revisit was handed out for (its frontier entry's
    /// `discovered_from`; a redirect to another host keeps it).
    pub watched_url: String,
    /// When the answer came.
    pub at: DateTime<Utc>,
    pub answer: RevisitAnswer,
}

/// What the revisit's request gave.
#[derive(Debug, Clone)]
pub enum RevisitAnswer {
    /// A 2xx: the article on the page (`None`: the page holds none, or is not HTML).
    Page {
        status: u16,
        final_url: String,
        article: Option<Box<NewArticle>>,
        validators: Validators,
    },
    /// `304 Not Modified` to the conditional GET.
    NotModified { final_url: String },
    /// Any other final status, redirects followed.
    Status { status: u16, final_url: String },
    /// No answer worth judging: network failures or server errors after the retries.
    Failed { kind: String },
    /// Not fetched: robots.txt forbids it, or the crawl's scope or limits stop it.
    Unchecked { reason: String },
}

/// Every version of an article, and the raw page of each.
#[async_trait]
pub trait VersionHistory: Send + Sync {
    /// The article's versions, oldest first, the current one last; `None` when there is no
    /// such article.
    async fn versions(&self, id: ArticleId) -> Result<Option<Vec<ArticleVersion>>>;
    /// The raw response of one version (the current one too), kept with `store.keep_raw`.
    async fn version_raw(&self, id: ArticleId, version: u32) -> Result<Option<RawPage>>;
}

/// The log of edits, removals and restorations.
#[async_trait]
pub trait ChangeLog: Send + Sync {
    /// Changes with `seq > after_seq`, oldest first, optionally of one source, at most
    /// `limit`. Continue from the last change's `seq`.
    async fn changes_since(
        &self,
        after_seq: u64,
        source: Option<&str>,
        limit: usize,
    ) -> Result<Vec<Change>>;
}

/// The revisit schedule: when each watched article is fetched again (see `store::watch`).
///
/// An article is placed on it in the commit that stores it; a revisit is handed to a
/// crawl by [`RevisitSchedule::enqueue_due`] and comes back as a
/// [`PageResult::Revisit`] outcome, whose commit records the verdict and schedules the
/// next rung, all in one atomic write each.
#[async_trait]
pub trait RevisitSchedule: Send + Sync {
    /// The ladders that articles stored or revisited from now on are scheduled by.
    /// Revisits already scheduled keep their time; one of a source no longer watched is
    /// dropped when it comes due.
    async fn set_policy(&self, policy: WatchPolicy) -> Result<()>;
    /// Adds up to `max` revisits of `source` that are due to the frontier of `crawl`
    /// (opened by the caller), as [`DiscoveredVia::Revisit`] entries whose
    /// `discovered_from` is the article's URL. In the same atomic write they leave the due
    /// list, so a revisit is handed out once. Returns how many were added.
    ///
    /// [`DiscoveredVia::Revisit`]: super::record::DiscoveredVia::Revisit
    async fn enqueue_due(&self, source: &str, crawl: &str, max: usize) -> Result<u64>;
    /// When the next revisit of `source` is due (in the past when one is due now); `None`
    /// when none is scheduled.
    async fn next_due(&self, source: &str) -> Result<Option<DateTime<Utc>>>;
    /// Revisits of `source` due now and not yet handed to a crawl, counted up to `cap`.
    async fn count_due(&self, source: &str, cap: u64) -> Result<u64>;
}
