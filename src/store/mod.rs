//! The article store: articles with provenance, versions and dedup, a consumer queue with
//! leases, the crawls' frontiers, raw pages and exports.
//!
//! Callers talk to storage through the role they play (see [`roles`]): the crawl engine
//! through a [`Frontier`], [`PageMemory`] and an [`ArticleSink`]; consumers through an
//! [`ArticleReader`], the [`ConsumerQueue`], the [`VersionHistory`] and the [`ChangeLog`];
//! the daemon's scheduler through [`ScheduleMemory`] and the [`RevisitSchedule`]. A [`Backend`] bundles one store's roles. The embedded backends
//! share every rule through [`engine::KvStore`]:
//!
//! - [`SledStore`] — the on-disk database (sled). One process per database: opening one
//!   that another gleaner holds fails with [`StoreError::Locked`]; while the daemon runs,
//!   other commands reach its data through the daemon's HTTP API.
//! - [`MemoryStore`] — the same behaviour in memory, for tests and as a reference.
//!
//! [`KvStore`](engine::KvStore)'s own API is synchronous, because sled is; [`Embedded`]
//! runs it on tokio's blocking pool in the async roles.

pub(crate) mod blobs;
mod catalog;
pub mod clock;
pub mod codec;
pub mod dedup;
pub mod dump;
pub mod embedded;
pub mod engine;
mod error;
pub mod export;
pub(crate) mod frontier;
mod history;
mod idhash;
pub mod keys;
pub mod kv;
pub mod location;
mod lock;
pub mod memory;
mod migrate;
mod pages;
mod parallel;
pub mod postgres;
mod queue;
pub mod record;
mod records;
pub mod reextract;
mod revisits;
pub mod roles;
pub(crate) mod rules;
mod sled_store;
pub mod warc;
pub mod watch;

use std::sync::Arc;

pub use clock::{Clock, ManualClock, SystemClock};
pub use embedded::Embedded;
pub use error::{Result, StoreError};
pub use frontier::host::LANES as FRONTIER_LANES;
pub use location::{OpenStore, StoreLocation};
pub use memory::MemoryStore;
pub use queue::{AckOutcome, Delivery, DeliveryLease, StoreStats};
pub use record::{
    AlsoSeen, ArticleId, ArticleRecord, DiscoveredVia, FrontierEntry, NewArticle, PackedRawPage,
    PreviousVersion, Provenance, PutOutcome, RawPage, RemovalEvidence, Simhash, Validators,
};
pub use roles::{
    ArticleReader, ArticleSink, ArticleVersion, Change, ChangeKind, ChangeLog, Claim, Claims,
    Committed, ConsumerQueue, CrawlOutcome, CrawlStart, Frontier, FrontierAdds, FrontierLimits,
    GateAnswer, HostGate, HostPace, OpenedCrawl, PageMemory, PageResult, RevisitAnswer,
    RevisitCheck, RevisitResult, RevisitSchedule, ScheduleMemory, Ticket, VersionHistory,
};
pub use sled_store::{SledKv, SledStore};
pub use watch::WatchPolicy;

use crate::config::StoreConfig;

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
    /// Bytes the embedded database may use for its page cache (`store.cache_bytes`).
    pub cache_bytes: u64,
    /// The ladders new and revisited articles are scheduled by (`[watch]` and the
    /// sources; replaceable at run time through [`RevisitSchedule::set_policy`]).
    pub watch: WatchPolicy,
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
            cache_bytes: c.cache_bytes,
            watch: WatchPolicy::default(),
        }
    }
}

impl StoreOptions {
    /// The options of a whole configuration: `[store]`, and the revisit ladders of
    /// `[watch]` and the sources.
    pub fn for_config(config: &crate::config::Config) -> StoreOptions {
        StoreOptions {
            watch: config.watch_policy(),
            ..StoreOptions::from(&config.store)
        }
    }
}

/// One store's roles, each usable on its own (`Arc<dyn …>` for the role a caller plays).
#[derive(Clone)]
pub struct Backend {
    pub frontier: Arc<dyn Frontier>,
    pub pages: Arc<dyn PageMemory>,
    pub sink: Arc<dyn ArticleSink>,
    pub reader: Arc<dyn ArticleReader>,
    pub queue: Arc<dyn ConsumerQueue>,
    pub schedule: Arc<dyn ScheduleMemory>,
    pub versions: Arc<dyn VersionHistory>,
    pub changes: Arc<dyn ChangeLog>,
    pub revisits: Arc<dyn RevisitSchedule>,
    /// Names the store in messages ("database ./gleaner-data").
    pub label: String,
}

impl Backend {
    /// The roles of an embedded store.
    pub fn embedded<K: kv::Kv + 'static>(store: Embedded<K>) -> Backend {
        Backend {
            label: store.label.clone(),
            frontier: Arc::new(store.clone()),
            pages: Arc::new(store.clone()),
            sink: Arc::new(store.clone()),
            reader: Arc::new(store.clone()),
            queue: Arc::new(store.clone()),
            schedule: Arc::new(store.clone()),
            versions: Arc::new(store.clone()),
            changes: Arc::new(store.clone()),
            revisits: Arc::new(store),
        }
    }
}

impl std::fmt::Debug for Backend {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Backend")
            .field("label", &self.label)
            .finish_non_exhaustive()
    }
}
