//! The article store: articles with provenance, versions and dedup, a consumer queue with
//! leases, the crawler's persistent frontier, raw pages and exports.
//!
//! Everything outside this module talks to storage through the [`Store`] trait, so a
//! distributed backend can be added later without touching crawl logic. Two backends
//! exist today, sharing every rule through [`engine::KvStore`]:
//!
//! - [`SledStore`] — the on-disk database (sled). One process per database: opening one
//!   that another gleaner holds fails with [`StoreError::Locked`]; while the daemon runs,
//!   other commands reach its data through the daemon's HTTP API.
//! - [`MemoryStore`] — the same behaviour in memory, for tests and as a reference.
//!
//! The trait is synchronous because sled is. Async callers should run the calls that
//! flush — [`Store::put_article`], [`Store::put_articles`],
//! [`Store::put_article_batches`], [`Store::ack`],
//! [`Store::apply_reextraction`], [`Store::flush`] — in `tokio::task::spawn_blocking`;
//! the others are short and may be called directly.

mod catalog;
pub mod codec;
pub mod dedup;
pub mod engine;
mod error;
pub mod export;
mod frontier;
mod idhash;
pub mod keys;
pub mod kv;
mod lock;
pub mod memory;
mod migrate;
mod parallel;
mod queue;
pub mod record;
mod records;
pub mod reextract;
mod sled_store;
pub mod warc;

use std::time::Duration;

use chrono::{DateTime, Utc};

pub use error::{Result, StoreError};
pub use frontier::PendingPage;
pub use memory::MemoryStore;
pub use queue::{AckOutcome, Delivery, DeliveryLease, StoreStats};
pub use record::{
    AlsoSeen, ArticleId, ArticleRecord, DiscoveredVia, FrontierEntry, NewArticle, PreviousVersion,
    Provenance, PutOutcome, RawPage, Simhash, Validators,
};
pub use sled_store::{SledKv, SledStore};

use crate::config::StoreConfig;
use crate::extract::article::Article;

/// The behaviour-changing settings of a store (from `[store]` in the config).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoreOptions {
    /// Keep raw response bodies passed with articles (`store.keep_raw`).
    pub keep_raw: bool,
    /// Simhash Hamming distance up to which two texts are near duplicates
    /// (`store.near_duplicate_distance`).
    pub near_duplicate_distance: u32,
    /// Queue duplicates for delivery too (`store.queue_duplicates`).
    pub queue_duplicates: bool,
}

impl Default for StoreOptions {
    fn default() -> Self {
        StoreOptions::from(&StoreConfig::default())
    }
}

impl From<&StoreConfig> for StoreOptions {
    fn from(c: &StoreConfig) -> Self {
        StoreOptions {
            keep_raw: c.keep_raw,
            near_duplicate_distance: c.near_duplicate_distance.min(64),
            queue_duplicates: c.queue_duplicates,
        }
    }
}

/// What the crawler, the daemon and the CLI need from storage.
///
/// Object-safe (`Arc<dyn Store>`), `Send + Sync`; every method is safe to call from many
/// threads at once. Methods that take `now` use it instead of the clock so that lease
/// behaviour is testable; pass `Utc::now()`.
pub trait Store: Send + Sync {
    // --- frontier (per crawl key = source name) ---

    /// Adds a URL to the source's current cycle. Returns `false`, changing nothing, when the
    /// cycle already knows the URL (pending or done).
    fn frontier_push(&self, entry: &FrontierEntry) -> Result<bool>;
    /// The source's URLs not yet marked done, in the order they were pushed: what an
    /// interrupted crawl resumes with. A page of at most `limit`, after position `after`
    /// (0: from the start); continue from the page's `next`. Paged so that a frontier of
    /// millions of URLs never has to fit in memory at once.
    fn frontier_pending(&self, source: &str, after: u64, limit: usize) -> Result<PendingPage>;
    /// How many of the source's URLs are pending (a scan, without decoding them).
    fn frontier_pending_count(&self, source: &str) -> Result<u64>;
    /// Marks a URL fetched (or given up) in the current cycle. A URL that was never pushed
    /// (a redirect target) becomes known-and-done.
    fn frontier_done(&self, source: &str, url: &str) -> Result<()>;
    /// Starts a new cycle for the source: forgets every known and pending URL of it.
    fn frontier_new_cycle(&self, source: &str) -> Result<()>;

    // --- pages ---

    /// Conditional-GET validators last seen for `url` (from a stored article or
    /// [`Store::set_validators`]).
    fn validators(&self, url: &str) -> Result<Option<Validators>>;
    /// Remembers validators for a page that is not an article (a seed, a section page, a
    /// feed), so the next cycle can ask for it conditionally.
    fn set_validators(&self, url: &str, validators: &Validators) -> Result<()>;
    /// A `304 Not Modified` for `url` at `seen_at`: moves `last_seen` of the article that
    /// URL produced. Returns its id, or `None` when the URL produced no article.
    fn record_not_modified(&self, url: &str, seen_at: DateTime<Utc>) -> Result<Option<ArticleId>>;

    // --- articles ---

    /// Stores an article and returns what happened. Durable when it returns: the article
    /// survives a crash or power loss from then on.
    fn put_article(&self, article: NewArticle) -> Result<PutOutcome>;
    /// [`Store::put_article`] for many articles, in order, with one flush: the batch is
    /// durable when it returns. The batch is one atomic write: invalid input, a storage
    /// error or a crash stores all of it or none of it. Later articles see earlier ones
    /// (a reprint in the same batch is a duplicate of its original).
    fn put_articles(&self, batch: Vec<NewArticle>) -> Result<Vec<PutOutcome>>;
    /// [`Store::put_articles`] for a stream of batches, the way to load many articles: each
    /// batch is prepared (fingerprinted) while the one before it is still being written,
    /// which calling `put_articles` batch after batch cannot do. `stored` gets each batch's
    /// outcomes, in order, once that batch is durable — not before. Each batch is atomic as
    /// in `put_articles`; an error (an invalid article, a storage error) stops the stream:
    /// the batches already passed to `stored` stay stored, the failing one and those after
    /// it are not stored.
    fn put_article_batches(
        &self,
        batches: &mut dyn Iterator<Item = Vec<NewArticle>>,
        stored: &mut dyn FnMut(Vec<PutOutcome>),
    ) -> Result<()> {
        for batch in batches {
            stored(self.put_articles(batch)?);
        }
        Ok(())
    }
    fn get_article(&self, id: ArticleId) -> Result<Option<ArticleRecord>>;
    /// Records with `seq > after_seq`, in store order, optionally of one source, at most
    /// `limit`. Continue from the last record's `seq`.
    fn articles_since(
        &self,
        after_seq: u64,
        source: Option<&str>,
        limit: usize,
    ) -> Result<Vec<ArticleRecord>>;
    /// The raw response kept for an article (with `store.keep_raw`).
    fn raw_page(&self, id: ArticleId) -> Result<Option<RawPage>>;
    /// The current extractor produced `article` from the stored raw page of `id`: changed
    /// text becomes a new version; changed metadata updates the record in place; either is
    /// queued again. `None` when no such article exists.
    fn apply_reextraction(
        &self,
        id: ArticleId,
        article: Article,
        extractor_version: &str,
    ) -> Result<Option<PutOutcome>>;

    // --- queue ---

    /// Leases up to `max` waiting articles, oldest first, for `lease`.
    fn pop(&self, max: usize, lease: Duration, now: DateTime<Utc>) -> Result<Vec<Delivery>>;
    /// Acknowledges deliveries by token; one outcome per token, in order. Durable when it
    /// returns. Unknown and lapsed tokens change nothing.
    fn ack(&self, tokens: &[String], now: DateTime<Utc>) -> Result<Vec<AckOutcome>>;
    fn stats(&self, now: DateTime<Utc>) -> Result<StoreStats>;

    /// Makes every earlier write durable.
    fn flush(&self) -> Result<()>;

    // --- daemon state ---

    /// What the daemon stored about a source's crawls (its schedule), opaque to the store;
    /// `None` when nothing was stored.
    fn source_state(&self, source: &str) -> Result<Option<Vec<u8>>>;
    /// Replaces what the daemon keeps about a source. Not flushed on its own: it becomes
    /// durable with the next flush (sled also flushes by itself twice a second).
    fn set_source_state(&self, source: &str, state: &[u8]) -> Result<()>;
}
