//! The consumer queue: at-least-once delivery with leases.
//!
//! An article is queued when it is new or its text changed (duplicates only with
//! `store.queue_duplicates`). `pop` leases the oldest entries for a while and hands out a
//! token per delivery; `ack` with that token removes the entry for good. A lease that
//! lapses puts the entry back at its original place in line, so it is delivered again, and
//! its old token is refused. Pops are not flushed (a pop lost in a crash only means the
//! article is delivered again); acks are, so an acknowledged article is never redelivered.
//!
//! A token is 32 hex digits: the entry's queue sequence number and a random nonce, so an
//! ack finds its lease with one lookup and a guessed or stale token matches nothing.
//!
//! Storage (format 2) is by groups, not by entry, so that a batch of upserts, a `pop` or an
//! `ack` writes a few keys whatever its size: waiting entries are **runs** of consecutive
//! queue seqs (`Q` keys, at most [`RUN_MAX`] entries each; a pop takes the front of the
//! first runs and rewrites the rest of the last one it touches), and the entries one pop
//! leased are one **lease batch** (`L` key), shrunk as they are acked and removed when
//! empty or lapsed. Entries go back in line at their own queue seq, so a run never
//! overlaps another and the runs in key order are the queue in order. [`QueueState`]
//! mirrors both in memory (8 bytes per waiting entry, ~40 per leased one).

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::time::Duration;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::codec::{self, LeaseBatchV1, QueueRunV1, StoredRecord};
use super::engine::{KvStore, State, Txn};
use super::error::{Result, StoreError};
use super::keys;
use super::kv::{Kv, Scan, WriteBatch};
use super::record::{ArticleId, ArticleRecord};

/// One delivered article: the record plus how to acknowledge it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Delivery {
    #[serde(flatten)]
    pub record: ArticleRecord,
    pub delivery: DeliveryLease,
}

/// The `"delivery"` object of a popped record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeliveryLease {
    /// Pass to `ack` once the article is safely processed.
    pub token: String,
    /// After this moment the token is refused and the article is delivered again.
    pub lease_expires: DateTime<Utc>,
}

/// What became of one acknowledged token.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AckOutcome {
    /// Acknowledged: this delivery is done and will not be repeated.
    Acked,
    /// The lease had lapsed: the article is (or will be) delivered again under a new token.
    Lapsed,
    /// Not a token of this queue, or already acknowledged.
    Unknown,
}

/// Counts for `gleaner queue stats`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct StoreStats {
    /// Stored article records, duplicates included.
    pub articles: u64,
    /// Queue entries waiting for delivery (including lapsed leases).
    pub pending: u64,
    /// Delivered entries whose lease is still running.
    pub leased: u64,
    /// Deliveries acknowledged, ever.
    pub acked: u64,
    /// Records stored as duplicates of another article.
    pub duplicates: u64,
}

/// A queue entry as [`QueueState::entries`] lists it: `(qseq, article, lease)`, the lease
/// being the nonce and expiry (ms) of a leased entry.
pub type QueueEntry = (u64, ArticleId, Option<(u64, u64)>);

/// A token for queue entry `qseq`.
pub(crate) fn token(qseq: u64, nonce: u64) -> String {
    format!("{qseq:016x}{nonce:016x}")
}

pub(crate) fn parse_token(token: &str) -> Option<(u64, u64)> {
    let token = token.trim();
    if token.len() != 32 || !token.is_ascii() {
        return None;
    }
    let qseq = u64::from_str_radix(&token[..16], 16).ok()?;
    let nonce = u64::from_str_radix(&token[16..], 16).ok()?;
    Some((qseq, nonce))
}

fn epoch_ms(t: DateTime<Utc>) -> u64 {
    u64::try_from(t.timestamp_millis()).unwrap_or(0)
}

/// Most entries in one run: a pop that takes part of a run rewrites the rest of it.
pub const RUN_MAX: usize = 256;

/// One leased entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Leased {
    pub qseq: u64,
    pub nonce: u64,
    pub article: ArticleId,
}

/// The entries of one pop not acked yet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct LeaseBatch {
    pub expires_ms: u64,
    pub entries: Vec<Leased>,
}

impl LeaseBatch {
    fn encode(&self) -> Result<Vec<u8>> {
        codec::encode(&LeaseBatchV1 {
            expires_ms: self.expires_ms,
            entries: self
                .entries
                .iter()
                .map(|e| (e.qseq, e.nonce, e.article.to_bytes()))
                .collect(),
        })
    }

    fn decode(bytes: &[u8], key: &[u8]) -> Result<LeaseBatch> {
        let v: LeaseBatchV1 = codec::decode(bytes, "lease batch", key)?;
        Ok(LeaseBatch {
            expires_ms: v.expires_ms,
            entries: v
                .entries
                .into_iter()
                .map(|(qseq, nonce, article)| Leased {
                    qseq,
                    nonce,
                    article: ArticleId::from_bytes(article),
                })
                .collect(),
        })
    }
}

/// The queue as the writer holds it, mirroring the `Q` and `L` keys.
#[derive(Debug, Default)]
pub(crate) struct QueueState {
    /// Waiting entries: runs by the queue seq of their first entry.
    runs: BTreeMap<u64, Vec<ArticleId>>,
    /// Lease batches by batch seq.
    leases: BTreeMap<u64, LeaseBatch>,
    /// Leased queue seq → its batch.
    leased: HashMap<u64, u64>,
    /// (expiry ms, batch seq) of every batch, soonest first.
    expiries: BTreeSet<(u64, u64)>,
}

/// Changes to the queue's keys: runs and lease batches written (`Some`) or removed.
#[derive(Debug, Default)]
pub(crate) struct QueueChanges {
    runs: BTreeMap<u64, Option<Vec<ArticleId>>>,
    leases: BTreeMap<u64, Option<LeaseBatch>>,
}

impl QueueChanges {
    pub fn is_empty(&self) -> bool {
        self.runs.is_empty() && self.leases.is_empty()
    }

    pub fn put_run(&mut self, first: u64, articles: Vec<ArticleId>) {
        self.runs.insert(first, Some(articles));
    }

    /// Writes `entries`, given in ascending queue-seq order, as runs: consecutive seqs share
    /// a run of at most [`RUN_MAX`] entries. Returns how many runs it wrote.
    pub fn put_entries(&mut self, entries: impl IntoIterator<Item = (u64, ArticleId)>) -> usize {
        let mut runs = 0;
        let mut run: Option<(u64, Vec<ArticleId>)> = None;
        for (qseq, article) in entries {
            match &mut run {
                Some((first, articles))
                    if *first + articles.len() as u64 == qseq && articles.len() < RUN_MAX =>
                {
                    articles.push(article)
                }
                _ => {
                    if let Some((first, articles)) = run.replace((qseq, vec![article])) {
                        self.put_run(first, articles);
                        runs += 1;
                    }
                }
            }
        }
        if let Some((first, articles)) = run {
            self.put_run(first, articles);
            runs += 1;
        }
        runs
    }

    pub fn put_lease_batch(&mut self, batch: u64, lease: LeaseBatch) {
        self.leases.insert(batch, Some(lease));
    }

    /// Adds the keys to `batch`.
    pub fn write(&self, batch: &mut WriteBatch) -> Result<()> {
        for (&first, run) in &self.runs {
            match run {
                Some(articles) => {
                    let value = QueueRunV1 {
                        articles: articles.iter().map(|a| a.to_bytes()).collect(),
                    };
                    batch.put(keys::queue_run(first), codec::encode(&value)?);
                }
                None => batch.remove(keys::queue_run(first)),
            }
        }
        for (&seq, lease) in &self.leases {
            match lease {
                Some(lease) => batch.put(keys::lease_batch(seq), lease.encode()?),
                None => batch.remove(keys::lease_batch(seq)),
            }
        }
        Ok(())
    }
}

impl QueueState {
    /// Reads the runs and lease batches.
    pub fn load<K: Kv>(kv: &K) -> Result<QueueState> {
        let mut queue = QueueState::default();
        kv.scan_prefix(&[keys::QUEUE_RUN], &mut |key, value| {
            let first = keys::u64_at(key, 1)
                .ok_or_else(|| corrupt("queue run", key, "the key has no queue seq"))?;
            let run: QueueRunV1 = codec::decode(value, "queue run", key)?;
            let articles = run
                .articles
                .into_iter()
                .map(ArticleId::from_bytes)
                .collect();
            queue.runs.insert(first, articles);
            Ok(Scan::Continue)
        })?;
        kv.scan_prefix(&[keys::LEASE_BATCH], &mut |key, value| {
            let seq = keys::u64_at(key, 1)
                .ok_or_else(|| corrupt("lease batch", key, "the key has no batch seq"))?;
            queue.insert_lease(seq, LeaseBatch::decode(value, key)?);
            Ok(Scan::Continue)
        })?;
        Ok(queue)
    }

    /// Whether entry `qseq` waits for delivery.
    pub fn is_pending(&self, qseq: u64) -> bool {
        self.runs
            .range(..=qseq)
            .next_back()
            .is_some_and(|(&first, run)| qseq - first < run.len() as u64)
    }

    /// The newest lease batch still held.
    pub fn last_lease_batch(&self) -> Option<u64> {
        self.leases.last_key_value().map(|(&seq, _)| seq)
    }

    /// Waiting entries (a count over the runs).
    pub fn pending(&self) -> u64 {
        self.runs.values().map(|r| r.len() as u64).sum()
    }

    /// Leased entries whose lease runs past `now_ms`.
    pub fn running_leases(&self, now_ms: u64) -> u64 {
        self.expiries
            .range((now_ms.saturating_add(1), 0)..)
            .filter_map(|(_, seq)| self.leases.get(seq))
            .map(|b| b.entries.len() as u64)
            .sum()
    }

    /// Adds the entries `first..` (fresh queue seqs, after every existing one) to the
    /// queue: topping up the last run when they continue it, then in new runs.
    pub fn enqueue(&self, first: u64, articles: &[ArticleId], changes: &mut QueueChanges) {
        if articles.is_empty() {
            return;
        }
        let mut rest = articles;
        let mut next = first;
        if let Some((&tail_first, tail)) = self.runs.last_key_value() {
            if tail_first + tail.len() as u64 == first && tail.len() < RUN_MAX {
                let take = (RUN_MAX - tail.len()).min(rest.len());
                let mut topped = Vec::with_capacity(tail.len() + take);
                topped.extend_from_slice(tail);
                topped.extend_from_slice(&rest[..take]);
                changes.put_run(tail_first, topped);
                rest = &rest[take..];
                next += take as u64;
            }
        }
        for run in rest.chunks(RUN_MAX) {
            changes.put_run(next, run.to_vec());
            next += run.len() as u64;
        }
    }

    /// Takes up to `max` waiting entries, oldest first: removes them from their runs.
    fn take_front(&self, max: usize, changes: &mut QueueChanges) -> Vec<(u64, ArticleId)> {
        let mut taken = Vec::new();
        for (&first, run) in &self.runs {
            let want = max - taken.len();
            if want == 0 {
                break;
            }
            let take = want.min(run.len());
            taken.extend((first..).zip(run[..take].iter().copied()));
            changes.runs.insert(first, None);
            if take < run.len() {
                changes.put_run(first + take as u64, run[take..].to_vec());
            }
        }
        taken
    }

    fn insert_lease(&mut self, seq: u64, lease: LeaseBatch) {
        self.remove_lease(seq);
        for e in &lease.entries {
            self.leased.insert(e.qseq, seq);
        }
        self.expiries.insert((lease.expires_ms, seq));
        self.leases.insert(seq, lease);
    }

    fn remove_lease(&mut self, seq: u64) {
        if let Some(old) = self.leases.remove(&seq) {
            for e in &old.entries {
                if self.leased.get(&e.qseq) == Some(&seq) {
                    self.leased.remove(&e.qseq);
                }
            }
            self.expiries.remove(&(old.expires_ms, seq));
        }
    }

    /// Applies committed changes.
    pub fn apply(&mut self, changes: QueueChanges) {
        for (first, run) in changes.runs {
            match run {
                Some(articles) => self.runs.insert(first, articles),
                None => self.runs.remove(&first),
            };
        }
        for (seq, lease) in changes.leases {
            match lease {
                Some(lease) => self.insert_lease(seq, lease),
                None => self.remove_lease(seq),
            }
        }
    }

    /// Every entry, in queue order: `(qseq, article, lease)` with the lease's nonce and
    /// expiry (ms) for a leased entry (for copying the queue to another store).
    pub fn entries(&self) -> Vec<QueueEntry> {
        let mut out: Vec<QueueEntry> = self
            .runs
            .iter()
            .flat_map(|(&first, run)| (first..).zip(run.iter().map(|&a| (a, None))))
            .map(|(q, (a, l))| (q, a, l))
            .collect();
        for batch in self.leases.values() {
            out.extend(
                batch
                    .entries
                    .iter()
                    .map(|e| (e.qseq, e.article, Some((e.nonce, batch.expires_ms)))),
            );
        }
        out.sort_by_key(|e| e.0);
        out
    }

    /// Approximate heap bytes held.
    pub fn memory_bytes(&self) -> usize {
        let runs: usize = self.runs.values().map(|r| r.capacity() * 8 + 48).sum();
        let leases: usize = self
            .leases
            .values()
            .map(|b| b.entries.capacity() * std::mem::size_of::<Leased>() + 64)
            .sum();
        runs + leases + self.leased.capacity() * 17 + self.expiries.len() * 24
    }
}

fn corrupt(what: &'static str, key: &[u8], detail: &str) -> StoreError {
    StoreError::Corrupt {
        what,
        key: keys::display(key),
        detail: detail.to_string(),
    }
}

impl<K: Kv> KvStore<K> {
    /// Queues `stored` for delivery unless an entry of it is already waiting.
    pub(crate) fn enqueue(&self, state: &State, txn: &mut Txn, stored: &mut StoredRecord) {
        if let Some(q) = stored.queued {
            if txn.is_pending(state, q) {
                return;
            }
        }
        stored.queued = Some(txn.enqueue(stored.record.id));
    }

    pub(crate) fn pop_queue(
        &self,
        max: usize,
        lease: Duration,
        now: DateTime<Utc>,
    ) -> Result<Vec<Delivery>> {
        let mut state = self.lock();
        let now_ms = epoch_ms(now);

        // 1. Lapsed leases go back in line, at their original place, in the order format 1
        //    reclaimed them: by expiry, then queue seq.
        let mut lapsed: Vec<(u64, u64, Leased)> = Vec::new();
        for &(expires_ms, seq) in state.queue.expiries.range(..=(now_ms, u64::MAX)) {
            if let Some(batch) = state.queue.leases.get(&seq) {
                lapsed.extend(batch.entries.iter().map(|e| (expires_ms, seq, *e)));
            }
        }
        if !lapsed.is_empty() {
            lapsed.sort_by_key(|&(expires_ms, _, e)| (expires_ms, e.qseq));
            let mut txn = Txn::new(&state, self.options.near_duplicate_distance);
            let mut back: BTreeMap<u64, ArticleId> = BTreeMap::new();
            for (_, seq, entry) in lapsed {
                txn.queue.leases.insert(seq, None);
                txn.counters.leased = txn.counters.leased.saturating_sub(1);
                // If the article changed meanwhile and already waits under a newer entry,
                // one delivery of the latest version is enough.
                let newer_waiting = match self.read_record(Some(&txn), entry.article)? {
                    Some(stored) => match stored.queued {
                        Some(q) if q != entry.qseq => {
                            state.queue.is_pending(q) || back.contains_key(&q)
                        }
                        _ => false,
                    },
                    None => true,
                };
                if !newer_waiting {
                    back.insert(entry.qseq, entry.article);
                    txn.counters.pending += 1;
                }
            }
            // Consecutive entries go back as one run.
            txn.queue.put_entries(back);
            self.commit(&mut state, txn)?;
        }

        // 2. Lease the oldest waiting entries.
        let lease = chrono::Duration::from_std(lease).unwrap_or(chrono::Duration::MAX);
        let expires = now
            .checked_add_signed(lease)
            .unwrap_or(DateTime::<Utc>::MAX_UTC);
        let expires_ms = epoch_ms(expires);
        let mut txn = Txn::new(&state, self.options.near_duplicate_distance);
        let waiting = state.queue.take_front(max, &mut txn.queue);
        let mut deliveries = Vec::with_capacity(waiting.len());
        let mut leased = Vec::with_capacity(waiting.len());
        for (qseq, article) in waiting {
            txn.counters.pending = txn.counters.pending.saturating_sub(1);
            let Some(stored) = self.read_record(None, article)? else {
                continue;
            };
            let nonce = rand::random::<u64>();
            leased.push(Leased {
                qseq,
                nonce,
                article,
            });
            txn.counters.leased += 1;
            deliveries.push(Delivery {
                record: stored.record,
                delivery: DeliveryLease {
                    token: token(qseq, nonce),
                    // What the store enforces: millisecond precision.
                    lease_expires: DateTime::from_timestamp_millis(expires_ms as i64)
                        .unwrap_or(expires),
                },
            });
        }
        if !leased.is_empty() {
            txn.counters.last_lease += 1;
            txn.queue.put_lease_batch(
                txn.counters.last_lease,
                LeaseBatch {
                    expires_ms,
                    entries: leased,
                },
            );
        }
        self.commit(&mut state, txn)?;
        Ok(deliveries)
    }

    pub(crate) fn ack_queue(
        &self,
        tokens: &[String],
        now: DateTime<Utc>,
    ) -> Result<Vec<AckOutcome>> {
        let mut state = self.lock();
        let now_ms = epoch_ms(now);
        let mut txn = Txn::new(&state, self.options.near_duplicate_distance);
        let mut outcomes = Vec::with_capacity(tokens.len());
        let mut acked_now = HashSet::new();
        // The batches this call shrinks, as they will be written.
        let mut shrunk: BTreeMap<u64, LeaseBatch> = BTreeMap::new();
        for token in tokens {
            let Some((qseq, nonce)) = parse_token(token) else {
                outcomes.push(AckOutcome::Unknown);
                continue;
            };
            let lease = state.queue.leased.get(&qseq).and_then(|&seq| {
                let batch = state.queue.leases.get(&seq)?;
                let entry = batch.entries.iter().find(|e| e.qseq == qseq)?;
                Some((seq, batch, *entry))
            });
            let outcome = match lease {
                Some((seq, batch, entry)) => {
                    // Another nonce: lapsed and redelivered under a newer token.
                    if entry.nonce != nonce || batch.expires_ms <= now_ms {
                        AckOutcome::Lapsed
                    } else if !acked_now.insert(qseq) {
                        AckOutcome::Unknown
                    } else {
                        shrunk
                            .entry(seq)
                            .or_insert_with(|| batch.clone())
                            .entries
                            .retain(|e| e.qseq != qseq);
                        txn.counters.leased = txn.counters.leased.saturating_sub(1);
                        txn.counters.acked += 1;
                        AckOutcome::Acked
                    }
                }
                None if state.queue.is_pending(qseq) => AckOutcome::Lapsed,
                None => AckOutcome::Unknown,
            };
            outcomes.push(outcome);
        }
        for (seq, batch) in shrunk {
            if batch.entries.is_empty() {
                txn.queue.leases.insert(seq, None);
            } else {
                txn.queue.put_lease_batch(seq, batch);
            }
        }
        self.commit(&mut state, txn)?;
        Ok(outcomes)
    }

    pub(crate) fn queue_stats(&self, now: DateTime<Utc>) -> Result<StoreStats> {
        let state = self.lock();
        let counters = state.counters;
        let running = state
            .queue
            .running_leases(epoch_ms(now))
            .min(counters.leased);
        drop(state);
        Ok(StoreStats {
            articles: counters.articles,
            pending: counters.pending + (counters.leased - running),
            leased: running,
            acked: counters.acked,
            duplicates: counters.duplicates,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_round_trip_and_reject_garbage() {
        let t = token(42, 0xdead_beef);
        assert_eq!(parse_token(&t), Some((42, 0xdead_beef)));
        assert_eq!(parse_token("nope"), None);
        assert_eq!(parse_token(&"z".repeat(32)), None);
        assert_eq!(parse_token(&"é".repeat(16)), None);
    }

    #[test]
    fn entries_go_back_as_runs_of_consecutive_seqs() {
        let id = |n: u64| ArticleId::from_bytes(n.to_be_bytes());
        let mut changes = QueueChanges::default();
        let gap = 10 + RUN_MAX as u64;
        let entries: Vec<(u64, ArticleId)> = [1, 2, 3, 7, 8]
            .into_iter()
            .chain(10..gap + 1)
            .map(|q| (q, id(q)))
            .collect();
        assert_eq!(changes.put_entries(entries), 4);
        let runs: Vec<(u64, usize)> = changes
            .runs
            .iter()
            .map(|(&first, run)| (first, run.as_ref().map_or(0, Vec::len)))
            .collect();
        assert_eq!(runs, [(1, 3), (7, 2), (10, RUN_MAX), (gap, 1)]);
        assert_eq!(changes.runs[&7].as_deref(), Some(&[id(7), id(8)][..]));
        assert_eq!(QueueChanges::default().put_entries([]), 0);
    }
}
