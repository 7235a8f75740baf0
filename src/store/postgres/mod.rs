//! The PostgreSQL backend: several gleaner nodes share one crawl and one corpus.
//!
//! [`PgStore`] plays every role of [`roles`](super::roles), each as statements in
//! PostgreSQL transactions, so that any number of processes (on any number of machines) can
//! use one database at once:
//!
//! - the article rules are the embedded store's own ([`rules`](super::rules)), run over rows
//!   locked in the commit's transaction (`sink`); exact duplicates are a unique index over
//!   originals' text hashes, near duplicates an index scan over simhash bands (`dedup`);
//! - the frontier is shared (`frontier`): a node claims a host's next URL and the host's
//!   politeness slot in one transaction (`FOR UPDATE SKIP LOCKED`), holds the hosts it
//!   works on under a lease that its heartbeat renews, and gives each host back with the
//!   time its next request may start; a node that dies stops renewing, and once its lease
//!   lapses the others take its hosts and its claims;
//! - the queue (`queue`) leases rows with `SKIP LOCKED`, so concurrent pops get disjoint
//!   deliveries;
//! - the schedule (`schedule`) is one row per source, shared by every daemon;
//! - watching (`watch`): every replaced version, the change log and the revisit schedule,
//!   judged by the embedded store's rules ([`watch`](super::watch)) in the commit's
//!   transaction; due revisits go to a crawl's shared frontier in one transaction.
//!
//! Every operation is one transaction; one that fails because the connection broke is run
//! again as a whole once the server answers ([`connect::Retry`]): nothing committed is lost,
//! and running again what may already have committed changes nothing (the rules are
//! idempotent for the same fetch).

#[macro_use]
mod macros;
#[macro_use]
mod pipeline;
pub mod connect;
mod dedup;
mod frontier;
mod import;
mod queue;
mod reader;
mod schedule;
pub mod schema;
mod sink;
mod watch;

use std::collections::HashMap;
use std::sync::{Arc, Mutex, RwLock};
use std::time::Duration;

use deadpool_postgres::Pool;

use super::clock::{Clock, SystemClock};
use super::error::{Result, StoreError};
use super::roles::FrontierLimits;
use super::{Backend, StoreOptions};

pub use connect::{is_postgres_url, redact};
pub use import::{ImportSummary, import_embedded};

/// Settings of a PostgreSQL store besides the behaviour shared with the embedded one.
#[derive(Debug, Clone)]
pub struct PgSettings {
    /// How long the hosts and claims of a node outlive its last heartbeat (`store.lease`):
    /// after a crash, the other nodes wait this long before taking its work over.
    pub lease: Duration,
    /// Connections this process keeps at most.
    pub pool_size: usize,
    /// How long an operation keeps retrying while the server is unreachable.
    pub retry: connect::RetryPolicy,
}

impl Default for PgSettings {
    fn default() -> Self {
        PgSettings {
            lease: Duration::from_secs(30),
            pool_size: 16,
            retry: connect::RetryPolicy::default(),
        }
    }
}

/// A handle to a gleaner database on a PostgreSQL server; cheap to clone.
#[derive(Clone)]
pub struct PgStore(pub(crate) Arc<Inner>);

pub(crate) struct Inner {
    pub pool: Pool,
    pub options: StoreOptions,
    pub settings: PgSettings,
    pub clock: Arc<dyn Clock>,
    /// The URL with its password hidden.
    pub shown: String,
    /// Names the store in messages ("database postgres://…").
    pub label: String,
    /// The simhash bands of the near-duplicate index, for `options.near_duplicate_distance`.
    pub blocks: Vec<(u32, u64)>,
    /// Counter rows this process adds to (spread so that writers do not queue on one).
    pub shard: i16,
    /// This process as a crawling node, once it opened a crawl.
    pub node: tokio::sync::Mutex<Option<frontier::Node>>,
    /// Crawls open in this process and their limits.
    pub open: Mutex<HashMap<String, FrontierLimits>>,
    /// The ladders articles are scheduled by (`options.watch`, replaceable at run time).
    pub watch: RwLock<super::WatchPolicy>,
}

impl Drop for Inner {
    fn drop(&mut self) {
        if let Ok(mut node) = self.node.try_lock() {
            if let Some(node) = node.take() {
                node.heartbeat.abort();
            }
        }
    }
}

impl std::fmt::Debug for PgStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PgStore")
            .field("database", &self.0.shown)
            .finish_non_exhaustive()
    }
}

impl PgStore {
    /// Connects to the database at `url`, creating or migrating its schema.
    ///
    /// Fails with [`StoreError::Unreachable`] (the URL shown without its password) when the
    /// server cannot be reached, and with [`StoreError::UnsupportedFormat`] when a newer
    /// gleaner wrote the schema.
    pub async fn connect(url: &str, options: StoreOptions, settings: PgSettings) -> Result<Self> {
        Self::connect_with_clock(url, options, settings, Arc::new(SystemClock)).await
    }

    /// [`PgStore::connect`], reading "now" (queue leases, articles' times) from `clock`.
    pub async fn connect_with_clock(
        url: &str,
        options: StoreOptions,
        settings: PgSettings,
        clock: Arc<dyn Clock>,
    ) -> Result<Self> {
        let shown = redact(url);
        let pool = connect::pool(url, settings.pool_size.max(2))?;
        let mut client = pool.get().await.map_err(|e| StoreError::Unreachable {
            url: shown.clone(),
            detail: connect::PgError::from(e).to_string(),
        })?;
        schema::migrate(&mut client, &shown, &options.watch, clock.now())
            .await
            .map_err(|e| match e {
                connect::PgError::Store(e) => e,
                other => StoreError::backend("creating or migrating the schema", other),
            })?;
        let blocks = super::dedup::blocks(options.near_duplicate_distance);
        dedup::ensure_bands(
            &mut client,
            &blocks,
            options.near_duplicate_distance,
            &shown,
        )
        .await
        .map_err(|e| StoreError::backend("indexing near-duplicate bands", e))?;
        drop(client);
        tracing::debug!(database = %shown, "PostgreSQL store open");
        Ok(PgStore(Arc::new(Inner {
            pool,
            settings,
            clock,
            label: format!("database {shown}"),
            shown,
            blocks,
            shard: (rand::random::<u16>() % COUNTER_SHARDS) as i16,
            node: tokio::sync::Mutex::new(None),
            open: Mutex::new(HashMap::new()),
            watch: RwLock::new(options.watch.clone()),
            options,
        })))
    }

    /// The URL, password hidden.
    pub fn shown_url(&self) -> &str {
        &self.0.shown
    }

    /// Names the store in messages.
    pub fn label(&self) -> &str {
        &self.0.label
    }
}

/// Rows each counter is spread over.
const COUNTER_SHARDS: u16 = 16;

impl Backend {
    /// The roles of a PostgreSQL store.
    pub fn postgres(store: PgStore) -> Backend {
        Backend {
            label: store.0.label.clone(),
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

/// An article id as the database keeps it: the same 8 bytes, as a signed 64-bit number.
pub(crate) fn db_id(id: super::ArticleId) -> i64 {
    i64::from_be_bytes(id.to_bytes())
}

pub(crate) fn article_id(db: i64) -> super::ArticleId {
    super::ArticleId::from_bytes(db.to_be_bytes())
}

/// The 64-bit key of a URL in the seen-set and elsewhere (as [`ArticleId::for_url`]).
pub(crate) fn url_key(url: &str) -> i64 {
    db_id(super::ArticleId::for_url(url))
}

pub(crate) fn millis(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}
