//! [`KvStore`]: the store's rules, written once over any [`Kv`] backend.
//!
//! Every mutation runs under one mutex, reads what it needs, and writes one atomic
//! [`WriteBatch`] that includes the updated counters and, when the catalog changed, a
//! chunk of the catalog log. With a single writer and atomic batches, the database on disk
//! always moves from one consistent state to the next — the property the crash test checks
//! after SIGKILL. Readers take no part in that mutex: they read the catalog under its own
//! read lock, which a commit holds for writing only while it applies its batch.
//!
//! The operations themselves live next to what they operate on: `records.rs` (articles
//! and pages), `queue.rs`, `frontier.rs`; opening older databases in `migrate.rs`.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex, MutexGuard, RwLock, RwLockReadGuard, RwLockWriteGuard};

use super::watch::WatchPolicy;

use chrono::{DateTime, Utc};

use super::StoreOptions;
use super::catalog::{Catalog, Changes, Delta, FULL_CHUNK, LogState};
use super::clock::{Clock, SystemClock};
use super::codec::{self, CatalogChunkV1, Counters, DB_FORMAT, StoredRecord};
use super::error::{Result, StoreError};
use super::frontier::Frontiers;
use super::keys;
use super::kv::{Kv, Scan, WriteBatch};
use super::pages::{PAGE_FILE_BYTES, PageAppender};
use super::parallel::{Ahead, Eager};
use super::queue::{AckOutcome, Delivery, QueueChanges, QueueState, StoreStats};
use super::record::{ArticleId, ArticleRecord, NewArticle, PutOutcome, RawPage};
use super::roles::{Change, Committed, CrawlOutcome, PageResult, RevisitAnswer};
use super::rules::TextHashes;
use crate::extract::article::Article;

/// A [`Store`] over an ordered key-value backend (sled, or memory).
pub struct KvStore<K: Kv> {
    pub(crate) kv: K,
    pub(crate) options: StoreOptions,
    state: Mutex<State>,
    catalog: RwLock<Catalog>,
    /// The open crawls' frontiers. Taken after `state` when both are needed.
    pub(crate) frontiers: Mutex<Frontiers>,
    /// Where "now" comes from for leases and schedules.
    pub(crate) clock: Arc<dyn Clock>,
    /// The ladders articles are revisited on (see `revisits`).
    pub(crate) watch: RwLock<WatchPolicy>,
    /// Names the database in errors ("database /var/lib/gleaner").
    pub(crate) label: String,
}

impl<K: Kv> std::fmt::Debug for KvStore<K> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("KvStore")
            .field("label", &self.label)
            .field("options", &self.options)
            .finish_non_exhaustive()
    }
}

/// What the writer keeps in memory besides the catalog: counters (also persisted with
/// every batch), the queue (mirroring its keys) and the shape of the catalog log.
pub(crate) struct State {
    pub counters: Counters,
    pub queue: QueueState,
    pub log: LogState,
    /// The page file the last commit wrote raw pages to (see `pages`).
    pub pages_file: u32,
}

/// Writes of one operation (or of a whole [`Store::put_articles`] batch), applied
/// atomically by [`KvStore::commit`].
///
/// Until then nothing outside the transaction changes: reads of the operation go through
/// its writes first ([`KvStore::read_record`]) and catalog lookups through its pending
/// changes, so the 500th article of a batch sees the first 499 exactly
/// as if each had been committed.
pub(crate) struct Txn {
    /// Writes other than records.
    pub batch: WriteBatch,
    /// Records by seq: written (`Some`) or removed.
    records: BTreeMap<u64, Option<Arc<StoredRecord>>>,
    /// Where records are encoded as they are written, if not at commit.
    eager: Option<EagerRecords>,
    pub counters: Counters,
    pub catalog: Delta,
    pub queue: QueueChanges,
    /// Articles queued by this transaction; the first has queue seq `first_qseq`.
    enqueued: Vec<ArticleId>,
    first_qseq: u64,
    /// Changes logged by this transaction (their keys are in `batch`).
    pub changes: Vec<Change>,
    /// Raw pages this transaction writes, appended and synced before `batch` applies.
    pub pages: PageAppender,
}

impl Txn {
    pub fn new(state: &State, near_duplicate_distance: u32) -> Txn {
        Txn {
            batch: WriteBatch::default(),
            records: BTreeMap::new(),
            eager: None,
            counters: state.counters,
            catalog: Delta::new(near_duplicate_distance),
            queue: QueueChanges::default(),
            enqueued: Vec::new(),
            first_qseq: state.counters.last_qseq + 1,
            changes: Vec::new(),
            pages: PageAppender::new(state.pages_file, PAGE_FILE_BYTES),
        }
    }

    /// Encodes records on `encoder`'s helper as they are written, rather than all at
    /// commit: for a batch, the encoding then overlaps the decisions. A record written
    /// again is encoded again; the last encoding is the one committed.
    pub fn encode_eagerly(&mut self, encoder: RecordEncoder) {
        self.eager = Some(EagerRecords {
            encoder,
            jobs: HashMap::new(),
        });
    }

    /// Queues `article` under a new queue seq, which it returns.
    pub fn enqueue(&mut self, article: ArticleId) -> u64 {
        self.counters.last_qseq += 1;
        self.counters.pending += 1;
        self.enqueued.push(article);
        self.counters.last_qseq
    }

    /// Whether entry `qseq` waits for delivery, counting this transaction's new entries.
    pub fn is_pending(&self, state: &State, qseq: u64) -> bool {
        (self.first_qseq..=self.counters.last_qseq).contains(&qseq) || state.queue.is_pending(qseq)
    }

    fn is_empty(&self, state: &State) -> bool {
        self.batch.is_empty()
            && self.records.is_empty()
            && self.catalog.changes.is_empty()
            && self.queue.is_empty()
            && self.enqueued.is_empty()
            && self.counters == state.counters
    }
}

/// Encodes records on a helper thread.
pub(crate) type RecordEncoder = Eager<StoredRecord, Result<Vec<u8>>>;

/// The records of a transaction being encoded as they are written.
struct EagerRecords {
    encoder: RecordEncoder,
    /// The job encoding the latest version of the record at each seq.
    jobs: HashMap<u64, u64>,
}

impl<K: Kv> KvStore<K> {
    /// Opens the store on `kv`: checks the format (migrating a format-1 database),
    /// initialises an empty database, loads the counters and the queue, and rebuilds the
    /// catalog from its log.
    pub(crate) fn with_kv(kv: K, options: StoreOptions, label: String) -> Result<Self> {
        match kv.get(keys::META_FORMAT)? {
            Some(bytes) => {
                let found = <[u8; 4]>::try_from(bytes.as_slice())
                    .map(u32::from_le_bytes)
                    .map_err(|_| StoreError::Corrupt {
                        what: "database format marker",
                        key: keys::display(keys::META_FORMAT),
                        detail: format!("{} bytes", bytes.len()),
                    })?;
                match found {
                    DB_FORMAT => {}
                    1..=5 => {
                        if found <= 1 {
                            super::migrate::from_format1(&kv, &label)?;
                        }
                        if found <= 2 {
                            super::migrate::from_format2(&kv, &label)?;
                        }
                        if found <= 3 {
                            super::migrate::from_format3(&kv, &label)?;
                        }
                        if found <= 4 {
                            super::migrate::from_format4(&kv, &label, &options.watch)?;
                        }
                        super::migrate::from_format5(&kv, &label)?;
                    }
                    f if f > DB_FORMAT => {
                        return Err(StoreError::UnsupportedFormat {
                            what: label,
                            found,
                            supported: DB_FORMAT,
                        });
                    }
                    _ => {
                        return Err(StoreError::Corrupt {
                            what: "database format marker",
                            key: keys::display(keys::META_FORMAT),
                            detail: format!("format {found} never existed"),
                        });
                    }
                }
            }
            None => {
                let mut any = false;
                kv.scan(&[], None, &mut |_, _| {
                    any = true;
                    Ok(Scan::Stop)
                })?;
                if any {
                    return Err(StoreError::Corrupt {
                        what: "database",
                        key: keys::display(keys::META_FORMAT),
                        detail: format!("{label} has data but no gleaner format marker"),
                    });
                }
                let mut batch = WriteBatch::default();
                batch.put(keys::META_FORMAT.to_vec(), DB_FORMAT.to_le_bytes().to_vec());
                batch.put(
                    keys::META_COUNTERS.to_vec(),
                    codec::encode_counters(&Counters::default())?,
                );
                kv.apply(batch)?;
                kv.flush()?;
            }
        }
        // A migration interrupted after it switched the format may have left old keys.
        super::migrate::remove_format1_leftovers(&kv, &label)?;
        super::migrate::remove_format2_leftovers(&kv, &label)?;
        super::migrate::remove_format3_leftovers(&kv, &label)?;
        super::migrate::remove_format5_leftovers(&kv, &label)?;
        let url_hash = super::migrate::url_hash_keys(&kv)?;
        let next_file = super::frontier::tidy_files(&kv, &label)?;
        let pages_file = super::pages::last_file(kv.pages())?;

        let started = std::time::Instant::now();
        let mut counters = match kv.get(keys::META_COUNTERS)? {
            Some(bytes) => codec::decode_counters(&bytes, keys::META_COUNTERS)?,
            None => Counters::default(),
        };
        let (catalog, log) = replay_catalog(
            &kv,
            options.near_duplicate_distance,
            usize::try_from(counters.articles).unwrap_or(0),
        )?;
        // A compaction interrupted before its counters landed wrote chunks past
        // `last_chunk`; never hand out their seqs again.
        if let Some(&(last, _)) = log.chunks.last() {
            counters.last_chunk = counters.last_chunk.max(last);
        }
        let queue = QueueState::load(&kv)?;
        if let Some(last) = queue.last_lease_batch() {
            counters.last_lease = counters.last_lease.max(last);
        }
        tracing::debug!(
            database = %label,
            articles = counters.articles,
            catalogued = catalog.articles(),
            log_chunks = log.chunks.len(),
            pending = queue.pending(),
            index_mib = (catalog.memory_bytes() + queue.memory_bytes()) as f64 / (1 << 20) as f64,
            indexes_rebuilt_in = ?started.elapsed(),
            "store opened"
        );
        Ok(KvStore {
            kv,
            watch: RwLock::new(options.watch.clone()),
            options,
            state: Mutex::new(State {
                counters,
                queue,
                log,
                pages_file,
            }),
            catalog: RwLock::new(catalog),
            frontiers: Mutex::new(Frontiers::new(url_hash, next_file)),
            clock: Arc::new(SystemClock),
            label,
        })
    }

    /// The same store, reading "now" from `clock` (tests use a manual one).
    pub fn with_clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.clock = clock;
        self
    }

    /// The time by the store's clock.
    pub fn now(&self) -> DateTime<Utc> {
        self.clock.now()
    }

    pub(crate) fn lock(&self) -> MutexGuard<'_, State> {
        // Every mutation commits through one atomic batch before touching `State`, so a
        // panic elsewhere cannot leave the state half-updated.
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The catalog, for lookups. Never held while waiting for [`KvStore::lock`].
    pub(crate) fn catalog(&self) -> RwLockReadGuard<'_, Catalog> {
        // Changed only in `commit`, after its batch applied, in one step: a poisoned lock
        // still guards a consistent catalog.
        self.catalog.read().unwrap_or_else(|p| p.into_inner())
    }

    fn catalog_mut(&self) -> RwLockWriteGuard<'_, Catalog> {
        self.catalog.write().unwrap_or_else(|p| p.into_inner())
    }

    /// Heap bytes held by the in-memory indexes (catalog, queue and open frontiers),
    /// approximately.
    pub fn index_memory_bytes(&self) -> usize {
        let queue = self.lock().queue.memory_bytes();
        let frontiers = self.frontiers().memory_bytes();
        self.catalog().memory_bytes() + queue + frontiers
    }

    /// Applies a transaction: records, catalog log chunk, queue, counters together.
    pub(crate) fn commit(&self, state: &mut State, txn: Txn) -> Result<()> {
        if txn.is_empty(state) {
            return Ok(());
        }
        let Txn {
            mut batch,
            records,
            eager,
            mut counters,
            catalog,
            mut queue,
            enqueued,
            first_qseq,
            changes: _,
            mut pages,
        } = txn;
        let records: Vec<(u64, Option<Arc<StoredRecord>>)> = records.into_iter().collect();
        let encoded: Vec<Option<Result<Vec<u8>>>> = match &eager {
            Some(eager) => {
                let mut done = eager.encoder.finish();
                records
                    .iter()
                    .map(|(seq, record)| {
                        let record = record.as_deref()?;
                        let job = eager.jobs.get(seq).and_then(|job| done.remove(job));
                        Some(job.unwrap_or_else(|| codec::encode_record(record)))
                    })
                    .collect()
            }
            None => super::parallel::map(&records, |(_, record)| {
                record.as_deref().map(codec::encode_record)
            }),
        };
        for ((seq, _), value) in records.iter().zip(encoded) {
            match value.transpose()? {
                Some(bytes) => batch.put(keys::article(*seq), bytes),
                None => batch.remove(keys::article(*seq)),
            }
        }
        // Freeing a batch of records takes a while: the encoder's thread does it.
        match eager {
            Some(eager) => eager.encoder.discard(records),
            None => drop(records),
        }
        state.queue.enqueue(first_qseq, &enqueued, &mut queue);
        queue.write(&mut batch)?;
        let changes = catalog.changes;
        let log = if changes.is_empty() {
            None
        } else {
            Some(self.log_chunk(state, &changes, &mut counters, &mut batch)?)
        };
        if counters != state.counters {
            batch.put(
                keys::META_COUNTERS.to_vec(),
                codec::encode_counters(&counters)?,
            );
        }
        // The pages are durable before anything refers to them.
        pages.flush(self.kv.pages())?;
        state.pages_file = pages.file();
        let live = {
            // Readers see the catalog and the data change together.
            let mut catalog = self.catalog_mut();
            self.kv.apply(batch)?;
            catalog.apply(changes);
            catalog.len()
        };
        state.counters = counters;
        state.queue.apply(queue);
        if let Some(log) = log {
            state.log = log;
        }
        if state.log.needs_compaction(live) {
            // The commit stands either way; a failed compaction is retried after the next.
            if let Err(e) = self.compact_log(state) {
                tracing::warn!(database = %self.label, error = %e, "compacting the catalog log failed");
            }
        }
        Ok(())
    }

    /// Adds the chunk for `changes` to `batch`, merged with the chunks before it while
    /// they are of comparable size; returns the log as it will be.
    fn log_chunk(
        &self,
        state: &State,
        changes: &Changes,
        counters: &mut Counters,
        batch: &mut WriteBatch,
    ) -> Result<LogState> {
        let mut log = state.log.clone();
        let mut merged = changes.clone();
        while let Some(previous) = log.merge_candidate(merged.len()) {
            let key = keys::catalog_chunk(previous);
            let bytes = self.kv.get(&key)?.ok_or_else(|| StoreError::Corrupt {
                what: "catalog log",
                key: keys::display(&key),
                detail: "a chunk the log had at open is missing".to_string(),
            })?;
            let mut older = Changes::from_chunk(codec::decode(&bytes, "catalog chunk", &key)?);
            older.merge(merged);
            merged = older;
            batch.remove(key);
            log.pop();
        }
        counters.last_chunk += 1;
        batch.put(
            keys::catalog_chunk(counters.last_chunk),
            codec::encode(&merged.to_chunk())?,
        );
        log.push(counters.last_chunk, merged.len());
        Ok(log)
    }

    /// Rewrites the catalog log as a snapshot of the catalog (see `catalog`): the snapshot
    /// goes after the last chunk, then the old chunks are removed oldest first, so that
    /// whatever prefix of these batches survives a crash replays to the same catalog.
    ///
    /// `state.log` follows every batch as it lands, so that after a failure it still lists
    /// exactly the chunks on disk, oldest first, and the next compaction removes them all.
    fn compact_log(&self, state: &mut State) -> Result<()> {
        let started = std::time::Instant::now();
        let snapshot = self.catalog().snapshot(FULL_CHUNK);
        let old = state.log.chunks.len();
        let old_entries = state.log.entries;
        for group in snapshot.chunks(16) {
            let mut counters = state.counters;
            let mut batch = WriteBatch::default();
            let mut written = Vec::with_capacity(group.len());
            for changes in group {
                counters.last_chunk += 1;
                batch.put(
                    keys::catalog_chunk(counters.last_chunk),
                    codec::encode(&changes.to_chunk())?,
                );
                written.push((counters.last_chunk, changes.len()));
            }
            batch.put(
                keys::META_COUNTERS.to_vec(),
                codec::encode_counters(&counters)?,
            );
            self.kv.apply(batch)?;
            state.counters = counters;
            for (chunk, entries) in written {
                state.log.push(chunk, entries);
            }
        }
        let mut removed = 0;
        while removed < old {
            let group = (old - removed).min(1024);
            let mut batch = WriteBatch::default();
            for &(chunk, _) in &state.log.chunks[..group] {
                batch.remove(keys::catalog_chunk(chunk));
            }
            self.kv.apply(batch)?;
            state.log.remove_oldest(group);
            removed += group;
        }
        state.log.compactions += 1;
        tracing::info!(
            database = %self.label,
            old_chunks = old,
            old_entries,
            chunks = state.log.chunks.len(),
            entries = state.log.entries,
            elapsed = ?started.elapsed(),
            "compacted the catalog log"
        );
        Ok(())
    }

    /// The seq of `id`'s record, as `txn` (if any) would leave it.
    pub(crate) fn seq_of(&self, txn: Option<&Txn>, id: ArticleId) -> Option<u64> {
        self.catalog().seq(txn.map(|t| &t.catalog), id)
    }

    /// The stored record of `id`, as `txn` (if any) would leave it.
    pub(crate) fn read_record(
        &self,
        txn: Option<&Txn>,
        id: ArticleId,
    ) -> Result<Option<StoredRecord>> {
        let catalog = self.catalog();
        let Some(seq) = catalog.seq(txn.map(|t| &t.catalog), id) else {
            return Ok(None);
        };
        if let Some(pending) = txn.and_then(|t| t.records.get(&seq)) {
            return Ok(pending.as_deref().cloned());
        }
        // Read under the catalog lock: a concurrent commit cannot move the record between
        // the lookup and the read.
        let key = keys::article(seq);
        self.kv
            .get(&key)?
            .map(|bytes| codec::decode_record(&bytes, &key))
            .transpose()
    }

    /// Writes a record under its seq, and points the catalog there.
    pub(crate) fn write_record(&self, txn: &mut Txn, stored: StoredRecord) {
        let (id, seq) = (stored.record.id, stored.record.seq);
        if self.seq_of(Some(txn), id) != Some(seq) {
            txn.catalog.set_seq(id, seq);
        }
        let stored = Arc::new(stored);
        if let Some(eager) = &mut txn.eager {
            let job = eager.encoder.submit(Arc::clone(&stored));
            eager.jobs.insert(seq, job);
        }
        txn.records.insert(seq, Some(stored));
    }

    /// Removes the record at `seq` (it moves to a new one).
    pub(crate) fn remove_record(&self, txn: &mut Txn, seq: u64) {
        if let Some(eager) = &mut txn.eager {
            eager.jobs.remove(&seq);
        }
        txn.records.insert(seq, None);
    }
}

/// Replays the catalog log: the catalog and the shape of the log.
fn replay_catalog<K: Kv>(
    kv: &K,
    max_distance: u32,
    articles: usize,
) -> Result<(Catalog, LogState)> {
    let mut catalog = Catalog::new(max_distance);
    catalog.reserve(articles);
    let mut log = LogState::default();
    kv.scan_prefix(&[keys::CATALOG_LOG], &mut |key, value| {
        let chunk = keys::u64_at(key, 1).ok_or_else(|| StoreError::Corrupt {
            what: "catalog log",
            key: keys::display(key),
            detail: "the key has no chunk seq".to_string(),
        })?;
        let value = codec::decode::<CatalogChunkV1>(value, "catalog chunk", key)?;
        let entries = value.seqs.len() + value.texts.len() + value.urls.len() + value.near.len();
        log.push(chunk, entries);
        catalog.apply_chunk(value);
        Ok(Scan::Continue)
    })?;
    Ok((catalog, log))
}

/// The store's synchronous API: what the async roles (see `embedded`) run on tokio's
/// blocking pool, and what tests and tools call directly.
impl<K: Kv> KvStore<K> {
    /// Stores an article and returns what happened. Durable when it returns.
    pub fn put_article(&self, article: NewArticle) -> Result<PutOutcome> {
        super::rules::validate(&article)?;
        // Hashing needs no lock: done before taking it.
        let hashes = TextHashes::of(&article.article.text);
        let outcome = {
            let mut state = self.lock();
            let mut txn = Txn::new(&state, self.options.near_duplicate_distance);
            let outcome = self.upsert(&state, &mut txn, article, &hashes)?;
            self.commit(&mut state, txn)?;
            outcome
        };
        // Flushed outside the lock so concurrent writers share one fsync (group commit).
        self.kv.flush()?;
        Ok(outcome)
    }

    /// [`KvStore::put_article`] for many articles, in order, with one flush: the batch is
    /// durable when it returns. The batch is one atomic write: invalid input, a storage
    /// error or a crash stores all of it or none of it. Later articles see earlier ones
    /// (a reprint in the same batch is a duplicate of its original).
    pub fn put_articles(&self, batch: Vec<NewArticle>) -> Result<Vec<PutOutcome>> {
        let outcomes = std::thread::scope(|scope| {
            let (batch, hashes) = fingerprint_batch(scope, batch)?;
            self.store_batch(scope, batch, &hashes)
        })?;
        self.kv.flush()?;
        Ok(outcomes)
    }

    /// [`KvStore::put_articles`] for a stream of batches, the way to load many articles:
    /// each batch is prepared (fingerprinted) while the one before it is still being
    /// written. `stored` gets each batch's outcomes, in order, once that batch is durable.
    /// Each batch is atomic; an error stops the stream: the batches already passed to
    /// `stored` stay stored, the failing one and those after it are not stored.
    pub fn put_article_batches(
        &self,
        batches: &mut dyn Iterator<Item = Vec<NewArticle>>,
        stored: &mut dyn FnMut(Vec<PutOutcome>),
    ) -> Result<()> {
        std::thread::scope(|scope| {
            let mut next = batches.next().map(|b| fingerprint_batch(scope, b));
            while let Some(current) = next {
                let (batch, hashes) = current?;
                // The next batch is fingerprinted while this one is decided and written:
                // the cores stay busy while this thread alone talks to sled. Its own
                // errors wait until this batch is stored.
                next = batches.next().map(|b| fingerprint_batch(scope, b));
                let outcomes = self.store_batch(scope, batch, &hashes)?;
                drop(hashes);
                self.kv.flush()?;
                stored(outcomes);
            }
            Ok(())
        })
    }

    /// Commits a crawl batch: articles, 304s, validators, discovered URLs and completed
    /// claims, in one atomic write and one flush (see
    /// [`ArticleSink::commit`](super::roles::ArticleSink::commit)).
    pub fn commit_crawl(&self, mut outcomes: Vec<CrawlOutcome>) -> Result<Vec<Committed>> {
        for outcome in &outcomes {
            if let PageResult::Article(article) = &outcome.result {
                super::rules::validate(article)?;
            }
        }
        let texts: Vec<String> = outcomes
            .iter_mut()
            .filter_map(|o| match &mut o.result {
                PageResult::Article(a) => Some(std::mem::take(&mut a.article.text)),
                PageResult::Revisit(r) => match &mut r.answer {
                    RevisitAnswer::Page {
                        article: Some(a), ..
                    } => Some(std::mem::take(&mut a.article.text)),
                    _ => None,
                },
                _ => None,
            })
            .collect();
        let (committed, dead) = std::thread::scope(|scope| -> Result<_> {
            let articles = texts.len();
            let hashes: BatchHashes<'_> = Ahead::start(scope, texts, |text| TextHashes::of(text));
            let mut state = self.lock();
            let mut txn = Txn::new(&state, self.options.near_duplicate_distance);
            if super::parallel::worth_helpers(articles) {
                txn.encode_eagerly(Eager::start(scope, codec::encode_record));
            }
            let mut results = Vec::with_capacity(outcomes.len());
            let mut next_text = 0;
            for outcome in &mut outcomes {
                let logged = txn.changes.len();
                let article = match std::mem::replace(&mut outcome.result, PageResult::Nothing) {
                    PageResult::Article(mut article) => {
                        let i = next_text;
                        next_text += 1;
                        article.article.text.clone_from(&hashes.items()[i]);
                        Some(self.upsert(&state, &mut txn, *article, hashes.get(i))?)
                    }
                    PageResult::NotModified { url, at } => {
                        self.not_modified_in(&state, &mut txn, &url, at)?;
                        None
                    }
                    PageResult::Validators { url, validators } => {
                        self.validators_in(&mut txn, &url, &validators)?;
                        None
                    }
                    PageResult::Revisit(mut revisit) => {
                        let text = match &mut revisit.answer {
                            RevisitAnswer::Page {
                                article: Some(article),
                                ..
                            } => {
                                let i = next_text;
                                next_text += 1;
                                article.article.text.clone_from(&hashes.items()[i]);
                                Some(hashes.get(i))
                            }
                            _ => None,
                        };
                        self.revisit_in(&state, &mut txn, *revisit, text)?
                    }
                    PageResult::Nothing => None,
                };
                let changes = txn.changes[logged..].iter().map(|c| c.kind).collect();
                results.push((article, changes));
            }
            drop(hashes);
            let mut frontiers = self.frontiers();
            let (stage, adds) = self.stage_frontier(&mut frontiers, &outcomes, &mut txn.batch)?;
            self.commit(&mut state, txn)?;
            let dead = self.apply_frontier(&mut frontiers, stage);
            let committed = results
                .into_iter()
                .zip(adds)
                .map(|((article, changes), frontier)| Committed {
                    article,
                    frontier,
                    changes,
                })
                .collect();
            Ok((committed, dead))
        })?;
        // Flushed outside the locks: claims and other writers go on meanwhile.
        self.kv.flush()?;
        self.remove_dead_files(dead);
        Ok(committed)
    }

    pub fn get_article(&self, id: ArticleId) -> Result<Option<ArticleRecord>> {
        Ok(self.read_record(None, id)?.map(|s| s.record))
    }

    /// Records with `seq > after_seq`, in store order, optionally of one source, at most
    /// `limit`. Continue from the last record's `seq`.
    pub fn articles_since(
        &self,
        after_seq: u64,
        source: Option<&str>,
        limit: usize,
    ) -> Result<Vec<ArticleRecord>> {
        self.records_since(after_seq, source, limit)
    }

    /// The raw response kept for an article (with `store.keep_raw`).
    pub fn raw_page(&self, id: ArticleId) -> Result<Option<RawPage>> {
        self.read_raw(&keys::raw(id))
    }

    /// See [`ArticleSink::apply_reextraction`](super::roles::ArticleSink::apply_reextraction).
    pub fn apply_reextraction(
        &self,
        id: ArticleId,
        article: Article,
        extractor_version: &str,
    ) -> Result<Option<PutOutcome>> {
        let outcome = {
            let mut state = self.lock();
            self.reextracted(&mut state, id, article, extractor_version)?
        };
        self.kv.flush()?;
        Ok(outcome)
    }

    /// Leases up to `max` waiting articles, oldest first, for `lease` from `now`.
    pub fn pop(
        &self,
        max: usize,
        lease: std::time::Duration,
        now: DateTime<Utc>,
    ) -> Result<Vec<Delivery>> {
        self.pop_queue(max, lease, now)
    }

    /// Acknowledges deliveries by token at `now`; durable when it returns.
    pub fn ack(&self, tokens: &[String], now: DateTime<Utc>) -> Result<Vec<AckOutcome>> {
        let outcomes = self.ack_queue(tokens, now)?;
        self.kv.flush()?;
        Ok(outcomes)
    }

    pub fn stats(&self, now: DateTime<Utc>) -> Result<StoreStats> {
        self.queue_stats(now)
    }

    /// What the daemon stored about a source's crawls, opaque to the store.
    pub fn source_state(&self, source: &str) -> Result<Option<Vec<u8>>> {
        self.kv.get(&keys::source_state(source))
    }

    /// Replaces what the daemon keeps about a source; durable when it returns.
    pub fn set_source_state(&self, source: &str, state: &[u8]) -> Result<()> {
        let mut batch = WriteBatch::default();
        batch.put(keys::source_state(source), state.to_vec());
        self.kv.apply(batch)?;
        self.kv.flush()
    }

    /// Makes every earlier write durable.
    pub fn flush(&self) -> Result<()> {
        self.kv.flush()
    }
}

/// Fingerprints of a batch's texts, computed ahead on helper threads.
type BatchHashes<'scope> = Ahead<'scope, String, TextHashes>;

/// Validates a batch and starts fingerprinting it: the articles (without their texts,
/// which the helpers read) and the fingerprints to come. An invalid article fails the
/// whole batch before anything is written.
fn fingerprint_batch<'scope>(
    scope: &'scope std::thread::Scope<'scope, '_>,
    mut batch: Vec<NewArticle>,
) -> Result<(Vec<NewArticle>, BatchHashes<'scope>)> {
    for article in &batch {
        super::rules::validate(article)?;
    }
    let texts = batch
        .iter_mut()
        .map(|a| std::mem::take(&mut a.article.text))
        .collect();
    Ok((
        batch,
        Ahead::start(scope, texts, |text| TextHashes::of(text)),
    ))
}

impl<K: Kv> KvStore<K> {
    /// Decides and writes a batch whose texts `hashes` holds (not flushed): one transaction
    /// for the whole batch, so one atomic write (each sled batch costs a synchronous log
    /// write of its own, whatever its size). Articles are decided in order, each as soon as
    /// its fingerprint is ready, while the helpers fingerprint the ones after it and
    /// encode the records decided before it.
    fn store_batch<'scope>(
        &self,
        scope: &'scope std::thread::Scope<'scope, '_>,
        batch: Vec<NewArticle>,
        hashes: &BatchHashes<'scope>,
    ) -> Result<Vec<PutOutcome>> {
        let mut outcomes = Vec::with_capacity(batch.len());
        let mut state = self.lock();
        let mut txn = Txn::new(&state, self.options.near_duplicate_distance);
        if super::parallel::worth_helpers(outcomes.capacity()) {
            txn.encode_eagerly(Eager::start(scope, codec::encode_record));
        }
        for (i, mut article) in batch.into_iter().enumerate() {
            // The helpers may still read the other texts: this one gets a copy.
            article.article.text.clone_from(&hashes.items()[i]);
            outcomes.push(self.upsert(&state, &mut txn, article, hashes.get(i))?);
        }
        self.commit(&mut state, txn)?;
        Ok(outcomes)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::kv::{Dying, MemoryKv};
    use crate::store::record::{DiscoveredVia, Provenance};

    fn text(seed: u64, version: u64) -> String {
        let mut state = seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1;
        let mut words: Vec<String> = (0..40)
            .map(|_| {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                format!("w{}", state % 5000)
            })
            .collect();
        words.push(format!("version{version}"));
        words.join(" ")
    }

    fn article(i: u64, version: u64) -> NewArticle {
        let url = format!("https://site.example/{i}");
        NewArticle {
            provenance: Provenance {
                url: format!("{url}?from=feed"),
                final_url: url,
                source: "site".into(),
                discovered_from: None,
                discovered_via: DiscoveredVia::Feed,
                fetched_at: DateTime::from_timestamp(
                    1_790_000_000 + (i + version * 10_000) as i64,
                    0,
                )
                .unwrap_or_default(),
                http_status: 200,
                content_type: None,
                charset: None,
                etag: Some(format!("\"{i}-{version}\"")),
                last_modified: None,
                raw_sha256: "00".repeat(32),
                extractor_version: "test".into(),
                crawler_version: "test".into(),
            },
            article: Article {
                text: text(i, version),
                ..Article::default()
            },
            raw: None,
        }
    }

    fn with_raw(i: u64, version: u64, body: &str) -> NewArticle {
        NewArticle {
            raw: Some(
                crate::store::PackedRawPage::pack(&RawPage {
                    headers: vec![("content-type".into(), "text/html".into())],
                    body: body.as_bytes().to_vec(),
                })
                .expect("packs"),
            ),
            ..article(i, version)
        }
    }

    #[test]
    fn a_commit_cut_off_after_its_pages_leaves_only_garbage_nothing_reads() {
        let kv = MemoryKv::default();
        let options = StoreOptions {
            keep_raw: true,
            ..StoreOptions::default()
        };
        let body = |raw: Option<RawPage>| raw.map(|r| String::from_utf8(r.body).expect("utf-8"));
        let first = {
            let store = KvStore::with_kv(&kv, options.clone(), "t".into()).expect("opens");
            let id = store
                .put_article(with_raw(1, 0, "first"))
                .expect("put")
                .id();
            // A new version: the first raw page moves to version 1.
            store.put_article(with_raw(1, 1, "second")).expect("put");
            id
        };
        let size = kv.pages().size(1).expect("size");
        let lost = {
            let dying = Dying::new(&kv, 0);
            let store = KvStore::with_kv(&dying, options.clone(), "t".into())
                .expect("opening writes nothing");
            let err = store
                .put_article(with_raw(2, 0, "lost"))
                .expect_err("the batch is cut off");
            assert!(err.to_string().contains("simulated crash"), "{err}");
            crate::store::rules::article_id(&with_raw(2, 0, "lost"))
        };
        let garbage = kv.pages().size(1).expect("size") - size;
        assert!(
            garbage > 0,
            "the page was appended and synced before the batch"
        );
        let store = KvStore::with_kv(&kv, options, "t".into()).expect("reopens");
        assert_eq!(
            body(store.raw_page(first).expect("raw")).as_deref(),
            Some("second")
        );
        assert_eq!(
            body(store.version_raw(first, 1).expect("raw")).as_deref(),
            Some("first")
        );
        assert_eq!(store.get_article(lost).expect("get"), None);
        assert_eq!(store.raw_page(lost).expect("raw"), None);
        // The next commit writes after the garbage, and reads back what it wrote.
        store.put_article(with_raw(2, 0, "again")).expect("put");
        assert_eq!(
            body(store.raw_page(lost).expect("raw")).as_deref(),
            Some("again")
        );
        let at = super::super::pages::decode_ref(
            &kv.get(&keys::raw(lost)).expect("get").expect("kept"),
            b"R",
        )
        .expect("ref");
        assert_eq!((at.file, at.offset), (1, size + garbage));
    }

    #[test]
    fn the_catalog_log_stays_small_and_replays_to_the_same_catalog() {
        let kv = MemoryKv::default();
        let open = || KvStore::with_kv(&kv, StoreOptions::default(), "test".to_string());
        let store = open().expect("opens");
        const ARTICLES: u64 = 2000;
        for version in 0..4 {
            // Half as single puts (a chunk each, merged), half in batches.
            for i in 0..ARTICLES / 2 {
                store.put_article(article(i, version)).expect("put");
            }
            let batch: Vec<NewArticle> = (ARTICLES / 2..ARTICLES)
                .map(|i| article(i, version))
                .collect();
            for chunk in batch.chunks(100) {
                store.put_articles(chunk.to_vec()).expect("batch");
            }
        }
        let mut chunks = Vec::new();
        store
            .kv
            .scan_prefix(&[keys::CATALOG_LOG], &mut |key, _| {
                chunks.push(keys::u64_at(key, 1).expect("seq"));
                Ok(Scan::Continue)
            })
            .expect("scan");
        let live = store.catalog().len();
        {
            let state = store.lock();
            assert_eq!(
                chunks,
                state.log.chunks.iter().map(|c| c.0).collect::<Vec<_>>()
            );
            assert!(!state.log.needs_compaction(live));
            assert!(chunks.len() <= 12, "{} chunks", chunks.len());
            assert!(state.log.compactions >= 1, "never compacted");
        }
        let before = store.catalog().contents();
        drop(store);
        let reopened = open().expect("reopens");
        assert_eq!(reopened.catalog().contents(), before);
        // And it still deduplicates against what it replayed.
        let reprint = NewArticle {
            provenance: Provenance {
                url: "https://other.example/x".into(),
                final_url: "https://other.example/x".into(),
                ..article(0, 0).provenance
            },
            ..article(7, 3)
        };
        assert_eq!(
            reopened.put_article(reprint).expect("put"),
            PutOutcome::Duplicate {
                id: ArticleId::for_url("https://other.example/x"),
                of: ArticleId::for_url("https://site.example/7"),
            }
        );
        assert_eq!(
            reopened
                .validators("https://site.example/1500?from=feed")
                .expect("validators")
                .and_then(|v| v.etag),
            Some("\"1500-3\"".to_string())
        );
    }

    #[test]
    fn a_stream_of_batches_is_stored_like_one_call_per_batch() {
        // Batches of 100 with a reprint of article 5 (from batch 0) in batch 2, and an
        // update of article 150 (batch 1) in batch 3: each sees the batches before it.
        let batches = || -> Vec<Vec<NewArticle>> {
            let mut batches: Vec<Vec<NewArticle>> = (0..4)
                .map(|b| (b * 100..b * 100 + 100).map(|i| article(i, 0)).collect())
                .collect();
            batches[2][10] = NewArticle {
                provenance: Provenance {
                    url: "https://other.example/reprint".into(),
                    final_url: "https://other.example/reprint".into(),
                    ..article(0, 0).provenance
                },
                ..article(5, 0)
            };
            batches[3][20] = article(150, 1);
            batches
        };
        let streamed_kv = MemoryKv::default();
        let streamed =
            KvStore::with_kv(&streamed_kv, StoreOptions::default(), "s".into()).expect("opens");
        let mut reported = Vec::new();
        streamed
            .put_article_batches(&mut batches().into_iter(), &mut |outcomes| {
                reported.push(outcomes)
            })
            .expect("stream");
        let called_kv = MemoryKv::default();
        let called =
            KvStore::with_kv(&called_kv, StoreOptions::default(), "c".into()).expect("opens");
        let expected: Vec<Vec<PutOutcome>> = batches()
            .into_iter()
            .map(|b| called.put_articles(b).expect("batch"))
            .collect();
        assert_eq!(reported, expected);
        assert_eq!(
            reported[2][10],
            PutOutcome::Duplicate {
                id: ArticleId::for_url("https://other.example/reprint"),
                of: ArticleId::for_url("https://site.example/5"),
            }
        );
        assert!(matches!(
            reported[3][20],
            PutOutcome::Updated { version: 2, .. }
        ));
        // The same bytes, but for the URL hash keys each database draws for itself.
        let without_hash_keys = |kv: &MemoryKv| {
            let mut map = kv.to_map();
            map.remove(keys::META_URL_HASH);
            map
        };
        assert_eq!(
            without_hash_keys(&streamed_kv),
            without_hash_keys(&called_kv)
        );

        // An invalid article stops the stream at its batch: the batches before it are
        // stored and reported, it and the ones after it are not.
        let kv = MemoryKv::default();
        let store = KvStore::with_kv(&kv, StoreOptions::default(), "e".into()).expect("opens");
        let mut batches = batches();
        batches[2][50].article.text = " ".into();
        let mut reported = 0;
        let result = store.put_article_batches(&mut batches.into_iter(), &mut |outcomes| {
            reported += outcomes.len()
        });
        assert!(
            matches!(result, Err(StoreError::InvalidInput(_))),
            "{result:?}"
        );
        assert_eq!(reported, 200);
        assert_eq!(store.catalog().articles(), 200);
        assert!(
            store
                .get_article(ArticleId::for_url("https://site.example/250"))
                .expect("get")
                .is_none()
        );
    }

    #[test]
    fn a_compaction_interrupted_anywhere_replays_to_the_same_catalog() {
        let kv = MemoryKv::default();
        let expected = {
            let store =
                KvStore::with_kv(&kv, StoreOptions::default(), "test".into()).expect("opens");
            for version in 0..3 {
                for i in 0..300 {
                    store.put_article(article(i, version)).expect("put");
                }
            }
            store.catalog().contents()
        };
        let before = kv.to_map();
        let mut crashes = 0;
        for budget in 0.. {
            let kv = MemoryKv::from_map(before.clone());
            {
                let store = KvStore::with_kv(
                    Dying::new(&kv, budget),
                    StoreOptions::default(),
                    "test".into(),
                )
                .expect("opens");
                let mut state = store.lock();
                match store.compact_log(&mut state) {
                    Ok(()) => break,
                    Err(e) => assert!(e.to_string().contains("simulated crash"), "{e}"),
                }
                // The writer still knows exactly which chunks are on disk.
                let mut on_disk = Vec::new();
                kv.scan(
                    &[keys::CATALOG_LOG],
                    Some(&[keys::CATALOG_LOG + 1]),
                    &mut |key, _| {
                        on_disk.push(keys::u64_at(key, 1).expect("seq"));
                        Ok(Scan::Continue)
                    },
                )
                .expect("scan");
                let known: Vec<u64> = state.log.chunks.iter().map(|c| c.0).collect();
                assert_eq!(known, on_disk, "crash after {budget} batches");
            }
            crashes += 1;
            let reopened = KvStore::with_kv(&kv, StoreOptions::default(), "test".into())
                .unwrap_or_else(|e| panic!("reopen after crash at {budget}: {e}"));
            assert_eq!(
                reopened.catalog().contents(),
                expected,
                "crash after {budget} batches"
            );
            // And the next compaction finishes the job.
            let mut state = reopened.lock();
            reopened.compact_log(&mut state).expect("compacts");
            drop(state);
            assert_eq!(reopened.catalog().contents(), expected);
        }
        assert!(crashes >= 2, "{crashes} crash points");
    }
}
