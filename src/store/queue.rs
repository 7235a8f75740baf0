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

use std::time::Duration;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::codec::{self, LeaseV1, QueueItemV1, StoredRecord};
use super::engine::{KvStore, Txn};
use super::error::Result;
use super::keys;
use super::kv::{Kv, Scan};
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

/// A token for queue entry `qseq`.
fn token(qseq: u64, nonce: u64) -> String {
    format!("{qseq:016x}{nonce:016x}")
}

fn parse_token(token: &str) -> Option<(u64, u64)> {
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

impl<K: Kv> KvStore<K> {
    /// Queues `stored` for delivery unless an entry of it is already waiting.
    pub(crate) fn enqueue(&self, txn: &mut Txn, stored: &mut StoredRecord) -> Result<()> {
        if let Some(q) = stored.queued {
            if self.get(Some(txn), &keys::queue(q))?.is_some() {
                return Ok(());
            }
        }
        txn.counters.last_qseq += 1;
        let qseq = txn.counters.last_qseq;
        let item = QueueItemV1 {
            article: stored.record.id.to_bytes(),
        };
        txn.batch.put(keys::queue(qseq), codec::encode(&item)?);
        txn.counters.pending += 1;
        stored.queued = Some(qseq);
        Ok(())
    }

    pub(crate) fn pop_queue(
        &self,
        max: usize,
        lease: Duration,
        now: DateTime<Utc>,
    ) -> Result<Vec<Delivery>> {
        let mut state = self.lock();
        let now_ms = epoch_ms(now);

        // 1. Lapsed leases go back in line, at their original place.
        let mut lapsed = Vec::new();
        let start = [keys::LEASE_EXPIRY];
        let end = keys::lease_expiry(now_ms.saturating_add(1), 0);
        self.kv.scan(&start, Some(&end), &mut |key, _| {
            if let Some(qseq) = keys::u64_at(key, 9) {
                lapsed.push((key.to_vec(), qseq));
            }
            Ok(Scan::Continue)
        })?;
        if !lapsed.is_empty() {
            let mut txn = Txn::new(&state);
            for (expiry_key, qseq) in lapsed {
                txn.batch.remove(expiry_key);
                let lease_key = keys::lease(qseq);
                let Some(bytes) = self.kv.get(&lease_key)? else {
                    continue;
                };
                let lease: LeaseV1 = codec::decode(&bytes, "lease", &lease_key)?;
                txn.batch.remove(lease_key);
                txn.counters.leased = txn.counters.leased.saturating_sub(1);
                // If the article changed meanwhile and already waits under a newer entry,
                // one delivery of the latest version is enough.
                let id = ArticleId::from_bytes(lease.article);
                let newer_waiting = match self.read_record(Some(&txn), id)? {
                    Some(stored) => match stored.queued {
                        Some(q) if q != qseq => self.get(Some(&txn), &keys::queue(q))?.is_some(),
                        _ => false,
                    },
                    None => true,
                };
                if !newer_waiting {
                    let item = QueueItemV1 {
                        article: lease.article,
                    };
                    txn.batch.put(keys::queue(qseq), codec::encode(&item)?);
                    txn.counters.pending += 1;
                }
            }
            self.commit(&mut state, txn)?;
        }

        // 2. Lease the oldest waiting entries.
        let mut waiting = Vec::new();
        if max > 0 {
            let mut error = None;
            self.scan_prefix(&[keys::QUEUE], &mut |key, value| {
                if let Some(qseq) = keys::u64_at(key, 1) {
                    match codec::decode::<QueueItemV1>(value, "queue entry", key) {
                        Ok(item) => waiting.push((qseq, item)),
                        Err(e) => {
                            error = Some(e);
                            return Ok(Scan::Stop);
                        }
                    }
                }
                Ok(if waiting.len() >= max {
                    Scan::Stop
                } else {
                    Scan::Continue
                })
            })?;
            if let Some(e) = error {
                return Err(e);
            }
        }
        let lease = chrono::Duration::from_std(lease).unwrap_or(chrono::Duration::MAX);
        let expires = now
            .checked_add_signed(lease)
            .unwrap_or(DateTime::<Utc>::MAX_UTC);
        let expires_ms = epoch_ms(expires);
        let mut txn = Txn::new(&state);
        let mut deliveries = Vec::with_capacity(waiting.len());
        for (qseq, item) in waiting {
            txn.batch.remove(keys::queue(qseq));
            txn.counters.pending = txn.counters.pending.saturating_sub(1);
            let Some(stored) = self.read_record(Some(&txn), ArticleId::from_bytes(item.article))?
            else {
                continue;
            };
            let nonce = rand::random::<u64>();
            let lease = LeaseV1 {
                article: item.article,
                nonce,
                expires_ms,
            };
            txn.batch.put(keys::lease(qseq), codec::encode(&lease)?);
            txn.batch
                .put(keys::lease_expiry(expires_ms, qseq), Vec::new());
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
        let mut txn = Txn::new(&state);
        let mut outcomes = Vec::with_capacity(tokens.len());
        let mut acked_now = std::collections::HashSet::new();
        for token in tokens {
            let Some((qseq, nonce)) = parse_token(token) else {
                outcomes.push(AckOutcome::Unknown);
                continue;
            };
            let lease_key = keys::lease(qseq);
            let outcome = match self.kv.get(&lease_key)? {
                Some(bytes) => {
                    let lease: LeaseV1 = codec::decode(&bytes, "lease", &lease_key)?;
                    // Another nonce: lapsed and redelivered under a newer token.
                    if lease.nonce != nonce || lease.expires_ms <= now_ms {
                        AckOutcome::Lapsed
                    } else if !acked_now.insert(qseq) {
                        AckOutcome::Unknown
                    } else {
                        txn.batch.remove(lease_key);
                        txn.batch.remove(keys::lease_expiry(lease.expires_ms, qseq));
                        txn.counters.leased = txn.counters.leased.saturating_sub(1);
                        txn.counters.acked += 1;
                        AckOutcome::Acked
                    }
                }
                None if self.kv.get(&keys::queue(qseq))?.is_some() => AckOutcome::Lapsed,
                None => AckOutcome::Unknown,
            };
            outcomes.push(outcome);
        }
        self.commit(&mut state, txn)?;
        Ok(outcomes)
    }

    pub(crate) fn queue_stats(&self, now: DateTime<Utc>) -> Result<StoreStats> {
        // Held during the scan so counters and leases are read at one point in time.
        let state = self.lock();
        let counters = state.counters;
        let mut running = 0u64;
        let start = keys::lease_expiry(epoch_ms(now).saturating_add(1), 0);
        let end = keys::prefix_end(&[keys::LEASE_EXPIRY]);
        self.kv.scan(&start, end.as_deref(), &mut |_, _| {
            running += 1;
            Ok(Scan::Continue)
        })?;
        drop(state);
        let running = running.min(counters.leased);
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
}
