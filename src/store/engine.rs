//! [`KvStore`]: the store's rules, written once over any [`Kv`] backend.
//!
//! Every mutation runs under one mutex, reads what it needs, and writes one atomic
//! [`WriteBatch`] that includes the updated counters. With a single writer and atomic
//! batches, the database on disk always moves from one consistent state to the next — the
//! property the crash test checks after SIGKILL. Reads (export, lookups) take no lock.
//!
//! The operations themselves live next to what they operate on: `records.rs` (articles
//! and pages), `queue.rs`, `frontier.rs`.

use std::collections::HashMap;
use std::sync::{Mutex, MutexGuard};

use chrono::{DateTime, Utc};

use super::codec::{self, CountersV1, DB_FORMAT, StoredRecord};
use super::dedup::NearIndex;
use super::error::{Result, StoreError};
use super::keys;
use super::kv::{Kv, Scan, Visitor, WriteBatch};
use super::queue::{AckOutcome, Delivery, StoreStats};
use super::record::{
    ArticleId, ArticleRecord, FrontierEntry, NewArticle, PutOutcome, RawPage, Simhash, Validators,
};
use super::{PendingPage, Store, StoreOptions};
use crate::extract::article::Article;

/// A [`Store`] over an ordered key-value backend (sled, or memory).
pub struct KvStore<K: Kv> {
    pub(crate) kv: K,
    pub(crate) options: StoreOptions,
    state: Mutex<State>,
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

/// What the writer keeps in memory: counters (also persisted with every batch) and the
/// near-duplicate index (rebuilt from the `h` keys at open).
pub(crate) struct State {
    pub counters: CountersV1,
    pub near: NearIndex,
}

/// Writes of one operation (or of a whole [`Store::put_articles`] batch), applied
/// atomically by [`KvStore::commit`].
///
/// Until then nothing outside the transaction changes: reads of the operation go through
/// its writes first ([`KvStore::get`], [`KvStore::read_record`]) and near-duplicate
/// lookups through its pending index changes ([`KvStore::nearest_original`]), so the
/// 500th article of a batch sees the first 499 exactly as if each had been committed.
pub(crate) struct Txn {
    pub batch: WriteBatch,
    pub counters: CountersV1,
    /// Near-index changes by article: `Some` = (re)indexed with this hash and rank,
    /// `None` = removed. Applied to [`State::near`] on commit.
    near_changes: HashMap<ArticleId, Option<(Simhash, i64)>>,
    /// The originals indexed by this transaction, searchable before the commit.
    near_pending: NearIndex,
}

impl Txn {
    pub fn new(state: &State) -> Txn {
        Txn {
            batch: WriteBatch::default(),
            counters: state.counters,
            near_changes: HashMap::new(),
            near_pending: NearIndex::new(state.near.max_distance()),
        }
    }
    pub fn near_insert(&mut self, hash: Simhash, id: ArticleId, rank: i64) {
        self.near_changes.insert(id, Some((hash, rank)));
        self.near_pending.insert(hash, id, rank);
    }
    pub fn near_remove(&mut self, id: ArticleId) {
        self.near_changes.insert(id, None);
        self.near_pending.remove(id);
    }
}

impl<K: Kv> KvStore<K> {
    /// Opens the store on `kv`: checks the format, initialises an empty database, loads the
    /// counters and rebuilds the near-duplicate index.
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
                if found > DB_FORMAT {
                    return Err(StoreError::UnsupportedFormat {
                        what: label,
                        found,
                        supported: DB_FORMAT,
                    });
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
                    codec::encode(&CountersV1::default())?,
                );
                kv.apply(batch)?;
                kv.flush()?;
            }
        }
        let counters = match kv.get(keys::META_COUNTERS)? {
            Some(bytes) => codec::decode(&bytes, "counters", keys::META_COUNTERS)?,
            None => CountersV1::default(),
        };
        let mut near = NearIndex::new(options.near_duplicate_distance);
        let start = [keys::SIMHASH];
        let end = keys::prefix_end(&start);
        kv.scan(&start, end.as_deref(), &mut |key, value| {
            let hash = keys::u64_at(key, 1);
            let id = keys::id_at(key, 9);
            let rank = <[u8; 8]>::try_from(value).map(i64::from_le_bytes);
            match (hash, id, rank) {
                (Some(hash), Some(id), Ok(rank)) => near.insert(Simhash(hash), id, rank),
                _ => tracing::warn!(key = %keys::display(key), "ignoring malformed simhash index entry"),
            }
            Ok(Scan::Continue)
        })?;
        tracing::debug!(database = %label, articles = counters.articles, originals = near.len(), "store opened");
        Ok(KvStore {
            kv,
            options,
            state: Mutex::new(State { counters, near }),
            label,
        })
    }

    pub(crate) fn lock(&self) -> MutexGuard<'_, State> {
        // Every mutation commits through one atomic batch before touching `State`, so a
        // panic elsewhere cannot leave the state half-updated.
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Applies a transaction: data, counters and index changes together.
    pub(crate) fn commit(&self, state: &mut State, mut txn: Txn) -> Result<()> {
        if txn.batch.is_empty() {
            return Ok(());
        }
        if txn.counters != state.counters {
            txn.batch
                .put(keys::META_COUNTERS.to_vec(), codec::encode(&txn.counters)?);
        }
        self.kv.apply(txn.batch)?;
        state.counters = txn.counters;
        for (id, change) in txn.near_changes {
            match change {
                Some((hash, rank)) => state.near.insert(hash, id, rank),
                None => state.near.remove(id),
            }
        }
        Ok(())
    }

    /// Reads `key` as `txn` would leave it: its own writes first, then the database.
    pub(crate) fn get(&self, txn: Option<&Txn>, key: &[u8]) -> Result<Option<Vec<u8>>> {
        match txn.and_then(|t| t.batch.get(key)) {
            Some(pending) => Ok(pending.map(<[u8]>::to_vec)),
            None => self.kv.get(key),
        }
    }

    /// The closest original within the near-duplicate distance of `hash`, other than
    /// `exclude`, as the index will be once `txn` is committed.
    pub(crate) fn nearest_original(
        &self,
        state: &State,
        txn: &Txn,
        hash: Simhash,
        exclude: ArticleId,
    ) -> Option<ArticleId> {
        let committed = state.near.nearest_where(hash, |id| {
            id != exclude && !txn.near_changes.contains_key(&id)
        });
        let pending = txn.near_pending.nearest_where(hash, |id| id != exclude);
        committed.into_iter().chain(pending).min().map(|m| m.id)
    }

    /// The stored record of `id`, as `txn` (if any) would leave it.
    pub(crate) fn read_record(
        &self,
        txn: Option<&Txn>,
        id: ArticleId,
    ) -> Result<Option<StoredRecord>> {
        let Some(seq) = self.get(txn, &keys::article_id(id))? else {
            return Ok(None);
        };
        let seq = keys::u64_at(&seq, 0).ok_or_else(|| StoreError::Corrupt {
            what: "article id index",
            key: keys::display(&keys::article_id(id)),
            detail: format!("{} bytes instead of 8", seq.len()),
        })?;
        let key = keys::article(seq);
        self.get(txn, &key)?
            .map(|bytes| codec::decode_record(&bytes, &key))
            .transpose()
    }

    /// Writes a record under its seq, and the id index pointing there.
    pub(crate) fn write_record(&self, txn: &mut Txn, stored: &StoredRecord) -> Result<()> {
        let r = &stored.record;
        txn.batch
            .put(keys::article(r.seq), codec::encode_record(stored)?);
        txn.batch
            .put(keys::article_id(r.id), r.seq.to_be_bytes().to_vec());
        Ok(())
    }

    /// Scans the keys under a one-byte tag (plus optional further prefix bytes).
    pub(crate) fn scan_prefix(&self, prefix: &[u8], visit: &mut Visitor<'_>) -> Result<()> {
        let end = keys::prefix_end(prefix);
        self.kv.scan(prefix, end.as_deref(), visit)
    }
}

impl<K: Kv> Store for KvStore<K> {
    fn frontier_push(&self, entry: &FrontierEntry) -> Result<bool> {
        self.push_frontier(entry)
    }
    fn frontier_pending(&self, source: &str, after: u64, limit: usize) -> Result<PendingPage> {
        self.pending_frontier(source, after, limit)
    }
    fn frontier_pending_count(&self, source: &str) -> Result<u64> {
        self.count_pending_frontier(source)
    }
    fn frontier_done(&self, source: &str, url: &str) -> Result<()> {
        self.mark_frontier_done(source, url)
    }
    fn frontier_new_cycle(&self, source: &str) -> Result<()> {
        self.clear_frontier(source)
    }
    fn validators(&self, url: &str) -> Result<Option<Validators>> {
        self.page_validators(url)
    }
    fn set_validators(&self, url: &str, validators: &Validators) -> Result<()> {
        self.store_validators(url, validators)
    }
    fn record_not_modified(&self, url: &str, seen_at: DateTime<Utc>) -> Result<Option<ArticleId>> {
        self.not_modified(url, seen_at)
    }
    fn put_article(&self, article: NewArticle) -> Result<PutOutcome> {
        super::records::validate(&article)?;
        let outcome = {
            let mut state = self.lock();
            let mut txn = Txn::new(&state);
            let outcome = self.upsert(&state, &mut txn, article)?;
            self.commit(&mut state, txn)?;
            outcome
        };
        // Flushed outside the lock so concurrent writers share one fsync (group commit).
        self.kv.flush()?;
        Ok(outcome)
    }
    fn put_articles(&self, batch: Vec<NewArticle>) -> Result<Vec<PutOutcome>> {
        // An invalid article fails the whole batch before anything is written.
        for article in &batch {
            super::records::validate(article)?;
        }
        // One transaction for the whole batch: one atomic write (each sled batch costs a
        // synchronous log write of its own, whatever its size) and one flush.
        let mut outcomes = Vec::with_capacity(batch.len());
        {
            let mut state = self.lock();
            let mut txn = Txn::new(&state);
            for article in batch {
                outcomes.push(self.upsert(&state, &mut txn, article)?);
            }
            self.commit(&mut state, txn)?;
        }
        self.kv.flush()?;
        Ok(outcomes)
    }
    fn get_article(&self, id: ArticleId) -> Result<Option<ArticleRecord>> {
        Ok(self.read_record(None, id)?.map(|s| s.record))
    }
    fn articles_since(
        &self,
        after_seq: u64,
        source: Option<&str>,
        limit: usize,
    ) -> Result<Vec<ArticleRecord>> {
        self.records_since(after_seq, source, limit)
    }
    fn raw_page(&self, id: ArticleId) -> Result<Option<RawPage>> {
        let key = keys::raw(id);
        self.kv
            .get(&key)?
            .map(|bytes| codec::decode_raw(&bytes, &key))
            .transpose()
    }
    fn apply_reextraction(
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
    fn pop(
        &self,
        max: usize,
        lease: std::time::Duration,
        now: DateTime<Utc>,
    ) -> Result<Vec<Delivery>> {
        self.pop_queue(max, lease, now)
    }
    fn ack(&self, tokens: &[String], now: DateTime<Utc>) -> Result<Vec<AckOutcome>> {
        let outcomes = self.ack_queue(tokens, now)?;
        self.kv.flush()?;
        Ok(outcomes)
    }
    fn stats(&self, now: DateTime<Utc>) -> Result<StoreStats> {
        self.queue_stats(now)
    }
    fn source_state(&self, source: &str) -> Result<Option<Vec<u8>>> {
        self.kv.get(&keys::source_state(source))
    }

    fn set_source_state(&self, source: &str, state: &[u8]) -> Result<()> {
        let mut batch = WriteBatch::default();
        batch.put(keys::source_state(source), state.to_vec());
        self.kv.apply(batch)
    }

    fn flush(&self) -> Result<()> {
        self.kv.flush()
    }
}
