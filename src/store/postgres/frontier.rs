//! The shared frontier: many nodes, one crawl, each URL fetched once, each host polite.
//!
//! **Nodes.** A process becomes a node when it first opens a crawl: a `nodes` row with a
//! lease (`expires_at`) that a heartbeat task renews every quarter of `store.lease`. A node
//! whose heartbeat stops (killed, partitioned, paused) is dead once its lease passes.
//!
//! **Hosts.** Politeness is per host, across crawls and nodes: a `hosts` row holds the next
//! allowed fetch, the delay, Crawl-delay, holds and failures, and the node that works on the
//! host now (`owner`, `lease_expires`, renewed with the node's). Only the owner claims the
//! host's URLs, so requests to a host come from one node at a time and that node's own
//! politeness (governor pacing, in-flight limit, Retry-After, backoff, breaker) applies to
//! them all. A node takes a host that is free (no owner, or the owner's lease lapsed) and
//! whose next allowed fetch has come, and gives it back when it has nothing claimed there
//! and either the host has nothing pending or the node holds more than its share (hosts
//! with work ÷ live nodes of the crawl): it writes then when the next request may start
//! (from the gate's [`HostPace`]: spacing from the end of the last exchange, Retry-After,
//! backoff and breaker holds), and the next owner waits for it. Taking over a dead node's
//! host returns that node's claims there to the pending URLs.
//!
//! **Claims.** One transaction per [`Frontier::claim`] call: it gives back hosts as above,
//! then visits hosts with unclaimed URLs in turn (least recently visited first, rows locked
//! with `SKIP LOCKED` so that nodes claiming at once never wait for each other), asks the
//! gate for each, and for a `Ready` claims the host's next URL (lane, then order of
//! arrival) and sets the host's next allowed fetch `spacing` ahead.
//!
//! **Finished.** A crawl is finished when nothing is pending, claimed URLs included: a
//! node whose own claims are exhausted keeps waiting while others hold claims, which may
//! still add URLs or, if their node dies, come back.
//!
//! **Cycles.** `open_crawl` joins the cycle other live nodes are in, or resumes one with
//! URLs pending (`Resume`); otherwise it starts a new one (a new `generation`, every URL of
//! the old one forgotten). So nodes started together with the same seeds share one cycle.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::time::Duration;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use tokio::task::JoinHandle;
use tokio_postgres::Transaction;

use super::super::error::{Result, StoreError};
use super::super::frontier::host::lane_of;
use super::super::record::{DiscoveredVia, FrontierEntry, Validators};
use super::super::roles::{
    Claim, Claims, CrawlOutcome, CrawlStart, Frontier, FrontierAdds, FrontierLimits, GateAnswer,
    HostGate, HostPace, OpenedCrawl, Ticket,
};
use super::connect::PgError;
use super::pipeline::Pipeline;
use super::{Inner, PgStore, millis, url_key};

/// Longest crawl name accepted (as the embedded frontier).
const MAX_CRAWL_LEN: usize = 1024;
/// How often a node with nothing to claim looks again while others hold claims.
const POLL: Duration = Duration::from_millis(250);

/// This process as a crawling node.
pub(crate) struct Node {
    pub id: i64,
    pub heartbeat: JoinHandle<()>,
}

fn check_crawl(crawl: &str) -> Result<()> {
    if crawl.is_empty() || crawl.len() > MAX_CRAWL_LEN {
        return Err(StoreError::InvalidInput(format!(
            "crawl name must be 1-{MAX_CRAWL_LEN} bytes, got {}",
            crawl.len()
        )));
    }
    Ok(())
}

fn via_of(s: &str) -> DiscoveredVia {
    match s {
        "seed" => DiscoveredVia::Seed,
        "feed" => DiscoveredVia::Feed,
        "sitemap" => DiscoveredVia::Sitemap,
        "redirect" => DiscoveredVia::Redirect,
        "revisit" => DiscoveredVia::Revisit,
        _ => DiscoveredVia::Link,
    }
}

impl Inner {
    /// The crawls open here and their limits (for commits, which add URLs under them).
    pub fn limits_snapshot(&self) -> HashMap<String, FrontierLimits> {
        self.open.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }

    /// This node's id, if it has become one.
    pub async fn node_id(&self) -> Option<i64> {
        self.node.lock().await.as_ref().map(|n| n.id)
    }

    fn lease_ms(&self) -> f64 {
        millis(self.settings.lease)
    }
}

impl PgStore {
    /// This process's node id, registering it (and starting its heartbeat) the first time.
    async fn ensure_node(&self) -> Result<i64> {
        let mut node = self.0.node.lock().await;
        if let Some(n) = node.as_ref() {
            return Ok(n.id);
        }
        let id = (rand::random::<u64>() >> 1) as i64;
        let label = format!(
            "{} pid {}",
            std::env::var("HOSTNAME").unwrap_or_else(|_| "localhost".into()),
            std::process::id()
        );
        let lease = self.0.lease_ms();
        retrying!(*self.0, "registering this node", |client| {
            client
                .execute(
                    "DELETE FROM gleaner.nodes WHERE expires_at < clock_timestamp() - interval '1 day'",
                    &[],
                )
                .await?;
            client
                .execute(
                    "INSERT INTO gleaner.nodes (node, label, started_at, expires_at)
                     VALUES ($1, $2, clock_timestamp(),
                             clock_timestamp() + $3::float8 * interval '1 millisecond')
                     ON CONFLICT (node) DO UPDATE SET expires_at = excluded.expires_at",
                    &[&id, &label, &lease],
                )
                .await?;
            Ok(())
        })?;
        let weak = std::sync::Arc::downgrade(&self.0);
        let every = self.0.settings.lease / 4;
        let heartbeat = tokio::spawn(async move {
            loop {
                tokio::time::sleep(every).await;
                let Some(inner) = weak.upgrade() else {
                    return;
                };
                if let Err(e) = beat(&inner, id, &label).await {
                    tracing::warn!(database = %inner.shown, error = %e, "node heartbeat failed; its hosts lapse to other nodes if it keeps failing");
                }
            }
        });
        tracing::info!(database = %self.0.shown, node = id, lease = ?self.0.settings.lease, "joined as a crawling node");
        *node = Some(Node { id, heartbeat });
        Ok(id)
    }

    fn open_limits(&self, crawl: &str) -> Option<FrontierLimits> {
        self.0
            .open
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .get(crawl)
            .copied()
    }
}

/// Renews the node's lease and its hosts'.
async fn beat(inner: &Inner, id: i64, label: &str) -> std::result::Result<(), PgError> {
    let client = inner.pool.get().await?;
    let lease = inner.lease_ms();
    let renewed = client
        .execute(
            "UPDATE gleaner.nodes
             SET expires_at = clock_timestamp() + $2::float8 * interval '1 millisecond'
             WHERE node = $1",
            &[&id, &lease],
        )
        .await?;
    if renewed == 0 {
        client
            .execute(
                "INSERT INTO gleaner.nodes (node, label, started_at, expires_at)
                 VALUES ($1, $2, clock_timestamp(),
                         clock_timestamp() + $3::float8 * interval '1 millisecond')",
                &[&id, &label, &lease],
            )
            .await?;
    }
    client
        .execute(
            "UPDATE gleaner.hosts
             SET lease_expires = clock_timestamp() + $2::float8 * interval '1 millisecond'
             WHERE owner = $1",
            &[&id, &lease],
        )
        .await?;
    Ok(())
}

/// Gives `host` back: no owner, and its next allowed fetch no sooner than `pace` says (or
/// its delay from now, without one).
async fn give_back(
    tx: &Transaction<'_>,
    host: &str,
    pace: Option<HostPace>,
) -> std::result::Result<(), PgError> {
    let wait = pace.map(|p| millis(p.wait));
    let held = pace.and_then(|p| p.held).map(millis);
    let crawl_delay = pace
        .and_then(|p| p.crawl_delay)
        .map(|d| d.as_millis() as i64);
    let failures = pace.map(|p| p.failures as i32);
    tx.execute(
        "UPDATE gleaner.hosts SET owner = NULL, lease_expires = NULL,
             next_fetch_at = greatest(next_fetch_at, clock_timestamp()
                 + coalesce($2::float8, delay_ms::float8) * interval '1 millisecond'),
             held_until = CASE WHEN $3::float8 IS NULL THEN NULL
                 ELSE clock_timestamp() + $3::float8 * interval '1 millisecond' END,
             crawl_delay_ms = coalesce($4, crawl_delay_ms),
             failures = coalesce($5, failures)
         WHERE host = $1",
        &[&host, &wait, &held, &crawl_delay, &failures],
    )
    .await?;
    Ok(())
}

/// Subtracts from hosts' claimed counts (`(crawl, host)` → how many).
async fn unclaim_counts(
    tx: &Transaction<'_>,
    counts: BTreeMap<(String, String), i64>,
) -> std::result::Result<(), PgError> {
    if counts.is_empty() {
        return Ok(());
    }
    let (mut crawls, mut hosts, mut ns) = (Vec::new(), Vec::new(), Vec::new());
    for ((crawl, host), n) in counts {
        crawls.push(crawl);
        hosts.push(host);
        ns.push(n);
    }
    tx.execute(
        "UPDATE gleaner.frontier_hosts fh SET claimed = greatest(fh.claimed - u.n, 0)
         FROM unnest($1::text[], $2::text[], $3::bigint[]) AS u(crawl, host, n)
         WHERE fh.crawl = u.crawl AND fh.host = u.host",
        &[&crawls, &hosts, &ns],
    )
    .await?;
    Ok(())
}

/// Returns the claims of `node` matching the condition to the pending URLs.
async fn unclaim_where(
    tx: &Transaction<'_>,
    condition: &str,
    params: &[&(dyn tokio_postgres::types::ToSql + Sync)],
) -> std::result::Result<u64, PgError> {
    let rows = tx
        .query(
            &format!(
                "UPDATE gleaner.frontier SET claimed_by = NULL WHERE {condition}
                 RETURNING crawl, host"
            ),
            params,
        )
        .await?;
    let mut counts: BTreeMap<(String, String), i64> = BTreeMap::new();
    for row in &rows {
        *counts.entry((row.get(0), row.get(1))).or_default() += 1;
    }
    unclaim_counts(tx, counts).await?;
    Ok(rows.len() as u64)
}

#[async_trait]
impl Frontier for PgStore {
    async fn open_crawl(
        &self,
        crawl: &str,
        start: CrawlStart,
        limits: FrontierLimits,
    ) -> Result<OpenedCrawl> {
        check_crawl(crawl)?;
        let me = self.ensure_node().await?;
        let (joined, pending) = retrying!(*self.0, "opening a crawl's frontier", |client| {
            let tx = client.transaction().await?;
            tx.execute(
                "INSERT INTO gleaner.crawls (crawl, generation, cycle_started)
                 VALUES ($1, 0, clock_timestamp()) ON CONFLICT (crawl) DO NOTHING",
                &[&crawl],
            )
            .await?;
            tx.execute(
                "SELECT generation FROM gleaner.crawls WHERE crawl = $1 FOR UPDATE",
                &[&crawl],
            )
            .await?;
            let row = tx
                .query_one(
                    "SELECT
                       (SELECT count(*) FROM gleaner.crawl_nodes cn
                          JOIN gleaner.nodes n ON n.node = cn.node
                         WHERE cn.crawl = $1 AND cn.node <> $2
                           AND n.expires_at > clock_timestamp()),
                       (SELECT coalesce(sum(pending), 0)::bigint
                          FROM gleaner.frontier_hosts WHERE crawl = $1)",
                    &[&crawl, &me],
                )
                .await?;
            let (others, pending): (i64, i64) = (row.get(0), row.get(1));
            let join = others > 0 || (start == CrawlStart::Resume && pending > 0);
            if join {
                // Claims this node held from an earlier opening lapse.
                unclaim_where(&tx, "crawl = $1 AND claimed_by = $2", &[&crawl, &me]).await?;
            } else {
                tx.execute("DELETE FROM gleaner.frontier WHERE crawl = $1", &[&crawl])
                    .await?;
                tx.execute("DELETE FROM gleaner.seen WHERE crawl = $1", &[&crawl])
                    .await?;
                tx.execute(
                    "DELETE FROM gleaner.frontier_hosts WHERE crawl = $1",
                    &[&crawl],
                )
                .await?;
                tx.execute(
                    "DELETE FROM gleaner.crawl_nodes WHERE crawl = $1",
                    &[&crawl],
                )
                .await?;
                tx.execute(
                    "UPDATE gleaner.crawls SET generation = generation + 1,
                         cycle_started = clock_timestamp(), dropped = 0
                     WHERE crawl = $1",
                    &[&crawl],
                )
                .await?;
            }
            tx.execute(
                "INSERT INTO gleaner.crawl_nodes (crawl, node, joined_at)
                 VALUES ($1, $2, clock_timestamp()) ON CONFLICT DO NOTHING",
                &[&crawl, &me],
            )
            .await?;
            tx.commit().await?;
            Ok((join, pending))
        })?;
        self.0
            .open
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .insert(crawl.to_string(), limits);
        if joined {
            tracing::debug!(database = %self.0.shown, crawl, pending, "joined the crawl's current cycle");
        }
        Ok(OpenedCrawl {
            resumed: if joined { pending.max(0) as u64 } else { 0 },
        })
    }

    async fn claim(
        &self,
        crawl: &str,
        max: usize,
        gate: &mut (dyn HostGate + Send),
    ) -> Result<Claims> {
        if self.open_limits(crawl).is_none() {
            return Err(StoreError::InvalidInput(format!(
                "crawl {crawl:?} is not open"
            )));
        }
        let me = self.ensure_node().await?;
        let lease = self.0.lease_ms();
        let visit = (max.saturating_mul(2) + 16).min(10_000) as i64;
        retrying!(*self.0, "claiming URLs", |client| {
            let tx = client.transaction().await?;
            // The claim's writes go out with its next read (see `pipeline`); the helpers
            // that take `tx` directly run after a flush, so the order stays as issued.
            let mut pipe = Pipeline::new(&tx);
            let row = pipe
                .query_one(
                    "WITH t AS MATERIALIZED (SELECT clock_timestamp() AS now)
                     SELECT t.now,
                       (SELECT count(*) FROM gleaner.crawl_nodes cn
                          JOIN gleaner.nodes n ON n.node = cn.node
                         WHERE cn.crawl = $1 AND n.expires_at > t.now),
                       (SELECT count(*) FROM gleaner.frontier_hosts
                         WHERE crawl = $1 AND pending > 0),
                       (SELECT count(*) FROM gleaner.frontier_hosts fh
                          JOIN gleaner.hosts h ON h.host = fh.host
                         WHERE fh.crawl = $1 AND fh.pending > 0 AND h.owner = $2)
                     FROM t",
                    params![crawl.to_string(), me],
                )
                .await?;
            let now: DateTime<Utc> = row.get(0);
            let (live, active, mut mine): (i64, i64, i64) = (row.get(1), row.get(2), row.get(3));
            let share = (active + live.max(1) - 1) / live.max(1);

            // Hosts to give back: nothing claimed here, and nothing pending or more than
            // this node's share.
            let idle = pipe
                .query(
                    "SELECT h.host, fh.pending FROM gleaner.hosts h
                       JOIN gleaner.frontier_hosts fh ON fh.host = h.host AND fh.crawl = $1
                      WHERE h.owner = $2
                        AND NOT EXISTS (SELECT 1 FROM gleaner.frontier f
                                         WHERE f.claimed_by = $2 AND f.host = h.host)
                      ORDER BY fh.pending
                      FOR UPDATE OF h SKIP LOCKED",
                    params![crawl.to_string(), me],
                )
                .await?;
            for row in &idle {
                let (host, pending): (String, i64) = (row.get(0), row.get(1));
                let excess = mine > share;
                if pending == 0 || excess {
                    give_back(&tx, &host, gate.pace(&host)).await?;
                    if pending > 0 {
                        mine -= 1;
                    }
                }
            }

            let candidates = pipe
                .query(
                    "SELECT fh.host, h.owner, h.owner = $2 AS mine
                       FROM gleaner.frontier_hosts fh JOIN gleaner.hosts h ON h.host = fh.host
                      WHERE fh.crawl = $1
                        AND h.next_fetch_at <= $3
                        AND (((h.owner IS NULL OR h.owner = $2) AND fh.pending > fh.claimed)
                             -- A lapsed owner's claims come back with the host.
                             OR (h.lease_expires < $3 AND h.owner <> $2 AND fh.pending > 0))
                      ORDER BY fh.turn
                      LIMIT $4
                      FOR UPDATE OF fh, h SKIP LOCKED",
                    params![crawl.to_string(), me, now, visit],
                )
                .await?;
            let mut claims: Vec<Claim> = Vec::new();
            let mut wait: Option<Duration> = None;
            for row in &candidates {
                if claims.len() >= max {
                    break;
                }
                let host: String = row.get(0);
                let owner: Option<i64> = row.get(1);
                let owned: bool = row.get::<_, Option<bool>>(2).unwrap_or(false);
                if !owned && mine >= share.max(1) {
                    continue;
                }
                let answer = gate.try_host(&host);
                pipe.defer(
                    "UPDATE gleaner.frontier_hosts SET turn = nextval('gleaner.host_turn')
                     WHERE crawl = $1 AND host = $2",
                    params![crawl.to_string(), host.clone()],
                );
                let spacing = match answer {
                    GateAnswer::Ready { spacing } => spacing,
                    GateAnswer::Wait(d) => {
                        wait = Some(wait.map_or(d, |w| w.min(d)));
                        continue;
                    }
                    GateAnswer::Busy => continue,
                };
                if !owned {
                    if let Some(dead) = owner {
                        pipe.flush().await?;
                        let back =
                            unclaim_where(&tx, "claimed_by = $1 AND host = $2", &[&dead, &host])
                                .await?;
                        tracing::info!(%host, node = dead, returned = back, "took over a host from a node whose lease lapsed");
                    }
                    mine += 1;
                }
                let next = pipe
                    .query_opt(
                        "SELECT id, url, depth, discovered_from, via, counter_chain
                           FROM gleaner.frontier
                          WHERE crawl = $1 AND host = $2 AND claimed_by IS NULL
                          ORDER BY lane, id LIMIT 1
                          FOR UPDATE SKIP LOCKED",
                        params![crawl.to_string(), host.clone()],
                    )
                    .await?;
                let Some(next) = next else {
                    // The counts list more than the rows hold: trust the rows, so the
                    // crawl cannot spin on a host with nothing.
                    tracing::warn!(crawl, %host, "frontier host counts disagree with its URLs; recounting");
                    pipe.defer(
                        "UPDATE gleaner.frontier_hosts fh SET
                             pending = (SELECT count(*) FROM gleaner.frontier f
                                         WHERE f.crawl = fh.crawl AND f.host = fh.host),
                             claimed = (SELECT count(*) FROM gleaner.frontier f
                                         WHERE f.crawl = fh.crawl AND f.host = fh.host
                                           AND f.claimed_by IS NOT NULL)
                         WHERE crawl = $1 AND host = $2",
                        params![crawl.to_string(), host.clone()],
                    );
                    continue;
                };
                let id: i64 = next.get(0);
                pipe.defer(
                    "UPDATE gleaner.frontier SET claimed_by = $2 WHERE id = $1",
                    params![id, me],
                );
                pipe.defer(
                    "UPDATE gleaner.frontier_hosts SET claimed = claimed + 1
                     WHERE crawl = $1 AND host = $2",
                    params![crawl.to_string(), host.clone()],
                );
                let spacing_ms = millis(spacing);
                pipe.defer(
                    "UPDATE gleaner.hosts SET owner = $2,
                         lease_expires = $3::timestamptz + $4::float8 * interval '1 millisecond',
                         next_fetch_at = $3::timestamptz + $5::float8 * interval '1 millisecond',
                         delay_ms = $6
                     WHERE host = $1",
                    params![
                        host.clone(),
                        me,
                        now,
                        lease,
                        spacing_ms,
                        spacing.as_millis() as i64,
                    ],
                );
                let depth: i32 = next.get(2);
                let via: String = next.get(4);
                let chain: i32 = next.get(5);
                claims.push(Claim {
                    entry: FrontierEntry {
                        url: next.get(1),
                        host: host.clone(),
                        depth: depth.max(0) as u32,
                        discovered_from: next.get(3),
                        discovered_via: via_of(&via),
                        counter_chain: chain.max(0) as u32,
                    },
                    ticket: Ticket {
                        host,
                        id: id as u64,
                    },
                    validators: None,
                });
            }
            if !claims.is_empty() {
                let urls: Vec<String> = claims.iter().map(|c| c.entry.url.clone()).collect();
                let rows = pipe
                    .query(
                        "SELECT url, etag, last_modified FROM gleaner.pages WHERE url = ANY($1)",
                        params![urls],
                    )
                    .await?;
                let found: HashMap<String, Validators> = rows
                    .iter()
                    .map(|r| {
                        (
                            r.get(0),
                            Validators {
                                etag: r.get(1),
                                last_modified: r.get(2),
                            },
                        )
                    })
                    .collect();
                for claim in &mut claims {
                    claim.validators = found
                        .get(&claim.entry.url)
                        .cloned()
                        .filter(|v| !v.is_empty());
                }
                tx.commit().await?;
                return Ok(Claims {
                    claims,
                    wait,
                    exhausted: false,
                });
            }
            // Nothing handed out: finished when nothing is pending at all, else wait for
            // the soonest host (or poll while other nodes hold claims).
            let row = pipe
                .query_one(
                    "SELECT
                       (SELECT coalesce(sum(pending), 0)::bigint FROM gleaner.frontier_hosts
                         WHERE crawl = $1),
                       (SELECT min(greatest(h.next_fetch_at, $3::timestamptz)) FROM gleaner.frontier_hosts fh
                          JOIN gleaner.hosts h ON h.host = fh.host
                         WHERE fh.crawl = $1
                           AND (((h.owner IS NULL OR h.owner = $2) AND fh.pending > fh.claimed)
                                OR (h.lease_expires < $3 AND h.owner <> $2 AND fh.pending > 0)))",
                    params![crawl.to_string(), me, now],
                )
                .await?;
            tx.commit().await?;
            let pending: i64 = row.get(0);
            let soonest: Option<DateTime<Utc>> = row.get(1);
            if pending == 0 {
                return Ok(Claims {
                    claims,
                    wait: None,
                    exhausted: true,
                });
            }
            let until_soonest = soonest
                .and_then(|t| (t - now).to_std().ok())
                .unwrap_or(POLL);
            let wait = Some(
                wait.map_or(until_soonest, |w| w.min(until_soonest))
                    .min(POLL),
            );
            Ok(Claims {
                claims,
                wait,
                exhausted: false,
            })
        })
    }

    async fn release(&self, crawl: &str, claims: Vec<Claim>) -> Result<()> {
        if claims.is_empty() {
            return Ok(());
        }
        let Some(me) = self.0.node_id().await else {
            return Ok(());
        };
        let ids: Vec<i64> = claims.iter().map(|c| c.ticket.id as i64).collect();
        retrying!(*self.0, "releasing claims", |client| {
            let tx = client.transaction().await?;
            unclaim_where(
                &tx,
                "id = ANY($1) AND crawl = $2 AND claimed_by = $3",
                &[&ids, &crawl, &me],
            )
            .await?;
            tx.commit().await?;
            Ok(())
        })
    }

    async fn close_crawl(&self, crawl: &str) -> Result<()> {
        self.0
            .open
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .remove(crawl);
        let Some(me) = self.0.node_id().await else {
            return Ok(());
        };
        retrying!(*self.0, "closing a crawl", |client| {
            let tx = client.transaction().await?;
            unclaim_where(&tx, "crawl = $1 AND claimed_by = $2", &[&crawl, &me]).await?;
            let hosts = tx
                .query(
                    "SELECT h.host FROM gleaner.hosts h
                      WHERE h.owner = $1
                        AND NOT EXISTS (SELECT 1 FROM gleaner.frontier f
                                         WHERE f.claimed_by = $1 AND f.host = h.host)
                      FOR UPDATE OF h SKIP LOCKED",
                    &[&me],
                )
                .await?;
            for row in &hosts {
                let host: String = row.get(0);
                give_back(&tx, &host, None).await?;
            }
            tx.execute(
                "DELETE FROM gleaner.crawl_nodes WHERE crawl = $1 AND node = $2",
                &[&crawl, &me],
            )
            .await?;
            tx.commit().await?;
            Ok(())
        })
    }

    async fn pending(&self, crawl: &str) -> Result<u64> {
        check_crawl(crawl)?;
        let pending: i64 = retrying!(*self.0, "counting pending URLs", |client| {
            let row = client
                .query_one(
                    "SELECT coalesce(sum(pending), 0)::bigint FROM gleaner.frontier_hosts
                     WHERE crawl = $1",
                    &[&crawl],
                )
                .await?;
            Ok(row.get::<_, i64>(0))
        })?;
        Ok(pending.max(0) as u64)
    }
}

/// One host's queue as a commit changes it.
#[derive(Default)]
struct HostCount {
    pending: i64,
    claimed: i64,
    dropped: i64,
}

/// The frontier side of a commit, in its transaction: completed claims, visited URLs and
/// discovered URLs of `outcomes`, in order (a URL discovered twice in a batch is added
/// once; the cap counts the URLs the batch added before).
pub(super) async fn stage_commit(
    pipe: &mut Pipeline<'_, '_>,
    outcomes: &[CrawlOutcome],
    limits: &HashMap<String, FrontierLimits>,
) -> std::result::Result<Vec<FrontierAdds>, PgError> {
    let touches =
        |o: &CrawlOutcome| o.claim.is_some() || !o.discovered.is_empty() || !o.visited.is_empty();
    if !outcomes.iter().any(touches) {
        return Ok(vec![FrontierAdds::default(); outcomes.len()]);
    }
    for o in outcomes.iter().filter(|o| touches(o)) {
        check_crawl(&o.crawl)?;
    }
    // Every (crawl, host) the batch touches, locked in order.
    let mut keys: Vec<(String, String)> = Vec::new();
    for o in outcomes {
        if let Some(t) = &o.claim {
            keys.push((o.crawl.clone(), t.host.clone()));
        }
        for e in &o.discovered {
            keys.push((o.crawl.clone(), e.host.clone()));
        }
    }
    keys.sort();
    keys.dedup();
    let mut counts: HashMap<(String, String), HostCount> = HashMap::new();
    if !keys.is_empty() {
        let (crawls, hosts): (Vec<String>, Vec<String>) = keys.iter().cloned().unzip();
        let mut unique_hosts = hosts.clone();
        unique_hosts.sort();
        unique_hosts.dedup();
        pipe.defer(
            "INSERT INTO gleaner.hosts (host) SELECT unnest($1::text[]) ON CONFLICT DO NOTHING",
            params![unique_hosts],
        );
        pipe.defer(
            "INSERT INTO gleaner.frontier_hosts (crawl, host)
             SELECT * FROM unnest($1::text[], $2::text[]) ON CONFLICT DO NOTHING",
            params![crawls.clone(), hosts.clone()],
        );
        let rows = pipe
            .query(
                "SELECT fh.crawl, fh.host, fh.pending, fh.claimed FROM gleaner.frontier_hosts fh
                   JOIN unnest($1::text[], $2::text[]) AS k(crawl, host)
                     ON fh.crawl = k.crawl AND fh.host = k.host
                  ORDER BY fh.crawl, fh.host FOR UPDATE OF fh",
                params![crawls, hosts],
            )
            .await?;
        for row in &rows {
            counts.insert(
                (row.get(0), row.get(1)),
                HostCount {
                    pending: row.get(2),
                    claimed: row.get(3),
                    dropped: 0,
                },
            );
        }
    }
    // Completed claims: the URL rows go (a row already gone was completed elsewhere).
    let tickets: Vec<i64> = outcomes
        .iter()
        .filter_map(|o| o.claim.as_ref().map(|t| t.id as i64))
        .collect();
    let mut completed: HashMap<i64, (String, bool)> = HashMap::new();
    if !tickets.is_empty() {
        let rows = pipe
            .query(
                "DELETE FROM gleaner.frontier WHERE id = ANY($1)
                 RETURNING id, crawl, claimed_by IS NOT NULL",
                params![tickets],
            )
            .await?;
        for row in &rows {
            completed.insert(row.get(0), (row.get(1), row.get(2)));
        }
    }
    // What the cycle knew already.
    let mut by_crawl: BTreeMap<&str, Vec<i64>> = BTreeMap::new();
    for o in outcomes {
        let list = by_crawl.entry(o.crawl.as_str()).or_default();
        list.extend(o.visited.iter().map(|u| url_key(u)));
        list.extend(o.discovered.iter().map(|e| url_key(&e.url)));
    }
    let mut known: HashSet<(String, i64)> = HashSet::new();
    for (crawl, hashes) in &by_crawl {
        if hashes.is_empty() {
            continue;
        }
        let rows = pipe
            .query(
                "SELECT url_hash FROM gleaner.seen WHERE crawl = $1 AND url_hash = ANY($2)",
                params![crawl.to_string(), hashes.clone()],
            )
            .await?;
        for row in &rows {
            known.insert((crawl.to_string(), row.get(0)));
        }
    }
    // Decide, outcome by outcome.
    let mut adds = Vec::with_capacity(outcomes.len());
    let mut new_seen: Vec<(String, i64)> = Vec::new();
    // Entries to add: (outcome index, crawl, hash, entry).
    let mut to_add: Vec<(usize, String, i64, &FrontierEntry)> = Vec::new();
    let mut dropped_by_crawl: HashMap<String, i64> = HashMap::new();
    for (i, o) in outcomes.iter().enumerate() {
        let mut add = FrontierAdds::default();
        if let Some(t) = &o.claim {
            match completed.get(&(t.id as i64)) {
                Some((crawl, was_claimed)) if *crawl == o.crawl => {
                    if let Some(c) = counts.get_mut(&(o.crawl.clone(), t.host.clone())) {
                        c.pending -= 1;
                        if *was_claimed {
                            c.claimed -= 1;
                        }
                    }
                }
                _ => {
                    tracing::debug!(crawl = %o.crawl, host = %t.host, ticket = t.id, "completion of a URL that is not pending");
                }
            }
        }
        for url in &o.visited {
            let key = (o.crawl.clone(), url_key(url));
            if known.insert(key.clone()) {
                new_seen.push(key);
            }
        }
        let cap = limits
            .get(&o.crawl)
            .copied()
            .unwrap_or_default()
            .max_pending_per_host as i64;
        for entry in &o.discovered {
            let hash = url_key(&entry.url);
            let key = (o.crawl.clone(), hash);
            if known.contains(&key) {
                add.known += 1;
                continue;
            }
            let count = counts
                .entry((o.crawl.clone(), entry.host.clone()))
                .or_default();
            if count.pending >= cap {
                count.dropped += 1;
                *dropped_by_crawl.entry(o.crawl.clone()).or_default() += 1;
                add.dropped += 1;
                continue;
            }
            count.pending += 1;
            known.insert(key.clone());
            new_seen.push(key);
            to_add.push((i, o.crawl.clone(), hash, entry));
            add.added += 1;
        }
        adds.push(add);
    }
    // The seen-set: a URL another node added meanwhile is known after all.
    if !new_seen.is_empty() {
        new_seen.sort();
        let (crawls, hashes): (Vec<String>, Vec<i64>) = new_seen.into_iter().unzip();
        let rows = pipe
            .query(
                "INSERT INTO gleaner.seen (crawl, url_hash)
                 SELECT * FROM unnest($1::text[], $2::bigint[])
                 ON CONFLICT DO NOTHING RETURNING crawl, url_hash",
                params![crawls, hashes],
            )
            .await?;
        let inserted: HashSet<(String, i64)> = rows.iter().map(|r| (r.get(0), r.get(1))).collect();
        to_add.retain(|(i, crawl, hash, entry)| {
            if inserted.contains(&(crawl.clone(), *hash)) {
                return true;
            }
            adds[*i].added -= 1;
            adds[*i].known += 1;
            if let Some(c) = counts.get_mut(&(crawl.clone(), entry.host.clone())) {
                c.pending -= 1;
            }
            false
        });
    }
    if !to_add.is_empty() {
        let mut crawls = Vec::with_capacity(to_add.len());
        let mut hosts = Vec::with_capacity(to_add.len());
        let mut lanes = Vec::with_capacity(to_add.len());
        let mut urls = Vec::with_capacity(to_add.len());
        let mut depths = Vec::with_capacity(to_add.len());
        let mut froms = Vec::with_capacity(to_add.len());
        let mut vias = Vec::with_capacity(to_add.len());
        let mut chains = Vec::with_capacity(to_add.len());
        for (_, crawl, _, e) in &to_add {
            crawls.push(crawl.clone());
            hosts.push(e.host.clone());
            lanes.push(lane_of(e) as i16);
            urls.push(e.url.clone());
            depths.push(i32::try_from(e.depth).unwrap_or(i32::MAX));
            froms.push(e.discovered_from.clone());
            vias.push(e.discovered_via.as_str());
            chains.push(i32::try_from(e.counter_chain).unwrap_or(i32::MAX));
        }
        pipe.defer(
            "INSERT INTO gleaner.frontier
                 (crawl, host, lane, url, depth, discovered_from, via, counter_chain)
             SELECT * FROM unnest($1::text[], $2::text[], $3::smallint[], $4::text[],
                                  $5::integer[], $6::text[], $7::text[], $8::integer[])",
            params![crawls, hosts, lanes, urls, depths, froms, vias, chains],
        );
    }
    if !counts.is_empty() {
        let mut sorted: Vec<(&(String, String), &HostCount)> = counts.iter().collect();
        sorted.sort_by(|a, b| a.0.cmp(b.0));
        let crawls: Vec<String> = sorted.iter().map(|(k, _)| k.0.clone()).collect();
        let hosts: Vec<String> = sorted.iter().map(|(k, _)| k.1.clone()).collect();
        let pending: Vec<i64> = sorted.iter().map(|(_, c)| c.pending.max(0)).collect();
        let claimed: Vec<i64> = sorted.iter().map(|(_, c)| c.claimed.max(0)).collect();
        let dropped: Vec<i64> = sorted.iter().map(|(_, c)| c.dropped).collect();
        pipe.defer(
            "UPDATE gleaner.frontier_hosts fh SET pending = u.pending, claimed = u.claimed,
                 dropped = fh.dropped + u.dropped
             FROM unnest($1::text[], $2::text[], $3::bigint[], $4::bigint[], $5::bigint[])
                 AS u(crawl, host, pending, claimed, dropped)
             WHERE fh.crawl = u.crawl AND fh.host = u.host",
            params![crawls, hosts, pending, claimed, dropped],
        );
    }
    for (crawl, n) in dropped_by_crawl {
        pipe.defer(
            "UPDATE gleaner.crawls SET dropped = dropped + $2 WHERE crawl = $1",
            params![crawl, n],
        );
    }
    Ok(adds)
}
