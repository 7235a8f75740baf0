//! The store side of a crawl, without the web: how many URLs a store hands out (claims/s)
//! and how many crawl batches it commits (commits/s) with 1..N nodes working one crawl.
//!
//! ```text
//! cargo run --release --example bench_cluster_store -- --url postgres://gleaner@127.0.0.1:5432/bench --nodes 3
//! cargo run --release --example bench_cluster_store -- --sled /tmp/bench-sled
//! ```
//!
//! Each node is a separate store handle (its own connection pool and node id: what a
//! separate `gleaner crawl` process has) running the crawl's loop with nothing in between:
//! claim up to `--claim` URLs (a gate that lets every host go at once), then commit their
//! outcomes in batches of `--batch`, each outcome a distinct ~400-word article plus
//! `--links` newly discovered URLs, until the frontier is empty. The frontier starts with
//! `--hosts` seed pages; their links fill it up to `--pages` URLs in all.
//!
//! Printed: wall time, URLs claimed/s, commits/s (one commit = one batch = one
//! transaction), articles stored/s, and per node the time spent in claims and in commits.
//! `--url` needs a database of its own (the run starts a new cycle of crawl `bench` and adds
//! articles); `--sled DIR` runs the same loop on the embedded store in DIR (one node only:
//! sled is one process per database).

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use anyhow::Context;
use chrono::Utc;
use clap::Parser;
use gleaner::extract::article::Article;
use gleaner::store::postgres::{PgSettings, PgStore};
use gleaner::store::{
    Backend, CrawlOutcome, CrawlStart, DiscoveredVia, Embedded, FrontierEntry, FrontierLimits,
    GateAnswer, HostGate, NewArticle, PageResult, Provenance, SledStore, StoreOptions,
};

#[derive(Debug, Parser)]
struct Cli {
    /// A PostgreSQL database to run on.
    #[arg(long, conflicts_with = "sled")]
    url: Option<String>,
    /// An embedded store directory to run on instead (one node).
    #[arg(long)]
    sled: Option<std::path::PathBuf>,
    /// Nodes working the crawl at once.
    #[arg(long, default_value_t = 1)]
    nodes: usize,
    #[arg(long, default_value_t = 50)]
    hosts: usize,
    /// URLs in all (seeds included).
    #[arg(long, default_value_t = 10_000)]
    pages: usize,
    /// Links each page adds until `pages` is reached.
    #[arg(long, default_value_t = 20)]
    links: usize,
    /// Most URLs per claim.
    #[arg(long, default_value_t = 64)]
    claim: usize,
    /// Outcomes per commit.
    #[arg(long, default_value_t = 32)]
    batch: usize,
}

struct AllHosts;

impl HostGate for AllHosts {
    fn try_host(&mut self, _host: &str) -> GateAnswer {
        GateAnswer::Ready {
            spacing: Duration::ZERO,
        }
    }
}

fn entry(host: usize, page: usize, depth: u32) -> FrontierEntry {
    FrontierEntry {
        url: format!("http://host{host}.bench/page/{page}"),
        host: format!("host{host}.bench"),
        depth,
        discovered_from: None,
        discovered_via: if depth == 0 {
            DiscoveredVia::Seed
        } else {
            DiscoveredVia::Link
        },
        counter_chain: 0,
    }
}

/// A distinct ~400-word text for page `i` (xorshift words over a 4000-word vocabulary).
fn text(i: u64) -> String {
    let mut state = (i + 1).wrapping_mul(0x9e37_79b9_7f4a_7c15);
    let mut words = Vec::with_capacity(400);
    for _ in 0..400 {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        words.push(format!("w{}", state % 4000));
    }
    words.join(" ")
}

fn article(url: &str, i: u64) -> NewArticle {
    let text = text(i);
    NewArticle {
        provenance: Provenance {
            url: url.to_string(),
            final_url: url.to_string(),
            source: "bench".into(),
            discovered_from: None,
            discovered_via: DiscoveredVia::Link,
            fetched_at: Utc::now(),
            http_status: 200,
            content_type: Some("text/html".into()),
            charset: Some("utf-8".into()),
            etag: Some(format!("\"{i:x}\"")),
            last_modified: None,
            raw_sha256: format!("{i:064x}"),
            extractor_version: "bench".into(),
            crawler_version: "bench".into(),
        },
        article: Article {
            title: Some(format!("Story {i}")),
            text,
            lang: Some("en".into()),
            ..Article::default()
        },
        raw: None,
    }
}

#[derive(Default)]
struct Totals {
    claimed: AtomicU64,
    commits: AtomicU64,
    stored: AtomicU64,
    /// Next page number to hand out as a discovered link.
    next_page: AtomicU64,
}

async fn node(
    backend: Backend,
    cli: Arc<Cli>,
    totals: Arc<Totals>,
) -> anyhow::Result<(Duration, Duration)> {
    let (mut in_claims, mut in_commits) = (Duration::ZERO, Duration::ZERO);
    let limits = FrontierLimits::default();
    backend
        .frontier
        .open_crawl("bench", CrawlStart::Resume, limits)
        .await?;
    loop {
        let started = Instant::now();
        let claims = backend
            .frontier
            .claim("bench", cli.claim, &mut AllHosts)
            .await?;
        in_claims += started.elapsed();
        if claims.claims.is_empty() {
            if claims.exhausted {
                break;
            }
            tokio::time::sleep(claims.wait.unwrap_or(Duration::from_millis(5))).await;
            continue;
        }
        totals
            .claimed
            .fetch_add(claims.claims.len() as u64, Ordering::Relaxed);
        for chunk in claims.claims.chunks(cli.batch) {
            let outcomes: Vec<CrawlOutcome> = chunk
                .iter()
                .map(|c| {
                    let discovered = (0..cli.links)
                        .filter_map(|_| {
                            let p = totals.next_page.fetch_add(1, Ordering::Relaxed) as usize;
                            (p < cli.pages).then(|| entry(p % cli.hosts, p, c.entry.depth + 1))
                        })
                        .collect();
                    let i = c.ticket.id;
                    CrawlOutcome {
                        crawl: "bench".into(),
                        claim: Some(c.ticket.clone()),
                        visited: Vec::new(),
                        result: PageResult::Article(Box::new(article(&c.entry.url, i))),
                        discovered,
                    }
                })
                .collect();
            let started = Instant::now();
            let committed = backend.sink.commit(outcomes).await?;
            in_commits += started.elapsed();
            totals.commits.fetch_add(1, Ordering::Relaxed);
            totals.stored.fetch_add(
                committed.iter().filter(|c| c.article.is_some()).count() as u64,
                Ordering::Relaxed,
            );
        }
    }
    backend.frontier.close_crawl("bench").await?;
    Ok((in_claims, in_commits))
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let cli = Arc::new(Cli::parse());
    let mut backends = Vec::new();
    let label;
    if let Some(url) = &cli.url {
        for _ in 0..cli.nodes {
            let store = PgStore::connect(url, StoreOptions::default(), PgSettings::default())
                .await
                .context("connecting")?;
            backends.push(Backend::postgres(store));
        }
        label = format!("postgres, {} node(s)", cli.nodes);
    } else if let Some(dir) = &cli.sled {
        let store = SledStore::open(dir, StoreOptions::default()).context("opening sled")?;
        backends.push(Backend::embedded(Embedded::new(store)));
        label = "sled, 1 node".to_string();
    } else {
        anyhow::bail!("give --url postgres://… or --sled DIR");
    }
    // A new cycle with the seeds, one per host.
    let first = &backends[0];
    first
        .frontier
        .open_crawl("bench", CrawlStart::NewCycle, FrontierLimits::default())
        .await?;
    first
        .sink
        .commit(vec![CrawlOutcome {
            crawl: "bench".into(),
            claim: None,
            visited: Vec::new(),
            result: PageResult::Nothing,
            discovered: (0..cli.hosts).map(|h| entry(h, h, 0)).collect(),
        }])
        .await?;
    let totals = Arc::new(Totals::default());
    totals.next_page.store(cli.hosts as u64, Ordering::Relaxed);
    let started = Instant::now();
    let tasks: Vec<_> = backends
        .into_iter()
        .map(|b| tokio::spawn(node(b, Arc::clone(&cli), Arc::clone(&totals))))
        .collect();
    let mut per_node = Vec::new();
    for task in tasks {
        per_node.push(task.await.context("node task")??);
    }
    let wall = started.elapsed().as_secs_f64();
    let claimed = totals.claimed.load(Ordering::Relaxed);
    let commits = totals.commits.load(Ordering::Relaxed);
    let stored = totals.stored.load(Ordering::Relaxed);
    println!(
        "{label}: {claimed} URLs in {wall:.2}s: {:.0} claims/s, {:.0} commits/s ({:.1} outcomes each), {:.0} articles/s",
        claimed as f64 / wall,
        commits as f64 / wall,
        claimed as f64 / commits.max(1) as f64,
        stored as f64 / wall
    );
    for (i, (claims, commits)) in per_node.iter().enumerate() {
        println!(
            "  node {i}: {:.2}s in claims, {:.2}s in commits",
            claims.as_secs_f64(),
            commits.as_secs_f64()
        );
    }
    Ok(())
}
