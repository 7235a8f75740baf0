//! [`ConsumerQueue`] on PostgreSQL: the embedded queue's semantics, one row per entry.
//!
//! An entry waits while `lease_expires` is null or past; `pop` leases the oldest waiting
//! entries with `FOR UPDATE SKIP LOCKED`, so consumers on any node popping at once get
//! disjoint deliveries. A lapsed entry waits again at its own place in line (its old token
//! is refused as lapsed), unless its article was queued again meanwhile: one delivery of the
//! latest version is enough. Tokens are the embedded store's (queue seq and a random
//! nonce), so a token names its row.

use std::collections::{HashMap, HashSet};
use std::time::Duration;

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use super::super::error::Result;
use super::super::queue::{AckOutcome, Delivery, DeliveryLease, StoreStats, parse_token, token};
use super::super::roles::ConsumerQueue;
use super::PgStore;
use super::sink::{add_counter, record_of};

/// The lease's end, as the store enforces it: millisecond precision (as the embedded one).
fn lease_end(now: DateTime<Utc>, lease: Duration) -> DateTime<Utc> {
    let lease = chrono::Duration::from_std(lease).unwrap_or(chrono::Duration::MAX);
    let expires = now
        .checked_add_signed(lease)
        .unwrap_or(DateTime::<Utc>::MAX_UTC);
    DateTime::from_timestamp_millis(expires.timestamp_millis()).unwrap_or(expires)
}

#[async_trait]
impl ConsumerQueue for PgStore {
    async fn pop(&self, max: usize, lease: Duration) -> Result<Vec<Delivery>> {
        if max == 0 {
            return Ok(Vec::new());
        }
        let now = self.0.clock.now();
        let expires = lease_end(now, lease);
        let max = i64::try_from(max).unwrap_or(i64::MAX);
        retrying!(*self.0, "leasing queue entries", |client| {
            let tx = client.transaction().await?;
            // Lapsed entries whose article waits again under a newer entry, or is gone.
            tx.execute(
                "DELETE FROM gleaner.queue q
                 WHERE q.lease_expires <= $1
                   AND (EXISTS (SELECT 1 FROM gleaner.queue n
                                WHERE n.article = q.article AND n.qseq > q.qseq
                                  AND (n.lease_expires IS NULL OR n.lease_expires <= $1))
                        OR NOT EXISTS (SELECT 1 FROM gleaner.articles a WHERE a.id = q.article))",
                &[&now],
            )
            .await?;
            let rows = tx
                .query(
                    "SELECT qseq, article FROM gleaner.queue
                     WHERE lease_expires IS NULL OR lease_expires <= $1
                     ORDER BY qseq LIMIT $2 FOR UPDATE SKIP LOCKED",
                    &[&now, &max],
                )
                .await?;
            let taken: Vec<(i64, i64)> = rows.iter().map(|r| (r.get(0), r.get(1))).collect();
            if taken.is_empty() {
                tx.commit().await?;
                return Ok(Vec::new());
            }
            let qseqs: Vec<i64> = taken.iter().map(|t| t.0).collect();
            let nonces: Vec<i64> = taken.iter().map(|_| rand::random::<i64>()).collect();
            tx.execute(
                "UPDATE gleaner.queue q SET nonce = u.nonce, lease_expires = $3
                 FROM unnest($1::bigint[], $2::bigint[]) AS u(qseq, nonce)
                 WHERE q.qseq = u.qseq",
                &[&qseqs, &nonces, &expires],
            )
            .await?;
            let ids: Vec<i64> = taken.iter().map(|t| t.1).collect();
            let records = tx
                .query(
                    "SELECT id, seq, record FROM gleaner.articles WHERE id = ANY($1)",
                    &[&ids],
                )
                .await?;
            let mut by_id = HashMap::with_capacity(records.len());
            for row in &records {
                by_id.insert(row.get::<_, i64>("id"), record_of(row)?);
            }
            let deliveries = taken
                .iter()
                .zip(&nonces)
                .filter_map(|(&(qseq, article), &nonce)| {
                    let record = by_id.get(&article)?.clone();
                    Some(Delivery {
                        record,
                        delivery: DeliveryLease {
                            token: token(qseq as u64, nonce as u64),
                            lease_expires: expires,
                        },
                    })
                })
                .collect();
            tx.commit().await?;
            Ok(deliveries)
        })
    }

    async fn ack(&self, tokens: &[String]) -> Result<Vec<AckOutcome>> {
        let now = self.0.clock.now();
        let parsed: Vec<Option<(u64, u64)>> = tokens.iter().map(|t| parse_token(t)).collect();
        let qseqs: Vec<i64> = parsed.iter().flatten().map(|&(q, _)| q as i64).collect();
        let shard = self.0.shard;
        retrying!(*self.0, "acknowledging deliveries", |client| {
            let tx = client.transaction().await?;
            let rows = tx
                .query(
                    "SELECT qseq, nonce, lease_expires FROM gleaner.queue WHERE qseq = ANY($1)
                     ORDER BY qseq FOR UPDATE",
                    &[&qseqs],
                )
                .await?;
            let leases: HashMap<i64, (Option<i64>, Option<DateTime<Utc>>)> = rows
                .iter()
                .map(|r| (r.get(0), (r.get(1), r.get(2))))
                .collect();
            let mut acked: Vec<i64> = Vec::new();
            let mut done = HashSet::new();
            let outcomes: Vec<AckOutcome> = parsed
                .iter()
                .map(|token| {
                    let Some((qseq, nonce)) = token else {
                        return AckOutcome::Unknown;
                    };
                    let qseq = *qseq as i64;
                    match leases.get(&qseq) {
                        None => AckOutcome::Unknown,
                        Some((Some(n), Some(expires))) if *n as u64 == *nonce && *expires > now => {
                            if done.insert(qseq) {
                                acked.push(qseq);
                                AckOutcome::Acked
                            } else {
                                AckOutcome::Unknown
                            }
                        }
                        // Waiting (again), or leased under another token: delivered anew.
                        Some(_) => AckOutcome::Lapsed,
                    }
                })
                .collect();
            if !acked.is_empty() {
                tx.execute("DELETE FROM gleaner.queue WHERE qseq = ANY($1)", &[&acked])
                    .await?;
                add_counter(&tx, "acked", shard, acked.len() as i64).await?;
            }
            tx.commit().await?;
            Ok(outcomes)
        })
    }

    async fn stats(&self) -> Result<StoreStats> {
        let now = self.0.clock.now();
        retrying!(*self.0, "counting the queue", |client| {
            let row = client
                .query_one(
                    "SELECT
                       (SELECT coalesce(sum(value), 0)::bigint FROM gleaner.counters WHERE name = 'articles'),
                       (SELECT count(*) FROM gleaner.queue
                         WHERE lease_expires IS NULL OR lease_expires <= $1),
                       (SELECT count(*) FROM gleaner.queue WHERE lease_expires > $1),
                       (SELECT coalesce(sum(value), 0)::bigint FROM gleaner.counters WHERE name = 'acked'),
                       (SELECT coalesce(sum(value), 0)::bigint FROM gleaner.counters WHERE name = 'duplicates')",
                    &[&now],
                )
                .await?;
            let n = |i: usize| u64::try_from(row.get::<_, i64>(i)).unwrap_or(0);
            Ok(StoreStats {
                articles: n(0),
                pending: n(1),
                leased: n(2),
                acked: n(3),
                duplicates: n(4),
            })
        })
    }
}
