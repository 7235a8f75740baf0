//! Frontier benchmark: millions of pending URLs over many hosts, on the embedded store.
//!
//! Pushes `URLS` distinct URLs spread over `HOSTS` hosts through the store writer's path
//! (commits of discovered URLs, `BATCH` per commit), then pushes them all again (every one
//! known: the seen-set's answer), then claims and completes a sample. Prints pushes/s,
//! peak RSS (VmHWM) and the data directory's size.
//!
//! `cargo run --release --example bench_frontier [-- URLS HOSTS BATCH]`
//! (defaults 10 000 000 URLs, 1000 hosts, 50 000 per commit).

use std::path::Path;
use std::time::{Duration, Instant};

use gleaner::store::{
    Claim, CrawlOutcome, CrawlStart, DiscoveredVia, FrontierEntry, FrontierLimits, GateAnswer,
    HostGate, PageResult, SledStore, StoreOptions,
};

// The `gleaner` binary's allocator and options: the frontier's pushes allocate and
// free millions of small strings, and glibc's malloc spent about a third of the push
// phase in its own bookkeeping, a cost the `gleaner` binary does not pay.
gleaner::install_jemalloc!();

const CRAWL: &str = "bench";

struct AnyHost;

impl HostGate for AnyHost {
    fn try_host(&mut self, _host: &str) -> GateAnswer {
        GateAnswer::Ready {
            spacing: Duration::ZERO,
        }
    }
}

fn status_kib(field: &str) -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with(field))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|kb| kb.parse().ok())
        })
        .unwrap_or(0)
}

fn dir_bytes(dir: &Path) -> u64 {
    let mut total = 0;
    if let Ok(entries) = std::fs::read_dir(dir) {
        for entry in entries.flatten() {
            let path = entry.path();
            total += if path.is_dir() {
                dir_bytes(&path)
            } else {
                entry.metadata().map_or(0, |m| m.len())
            };
        }
    }
    total
}

/// The `i`-th URL: host `i % hosts`, a news-like path.
fn entry(i: u64, hosts: u64) -> FrontierEntry {
    let host = format!("news{}.example", i % hosts);
    let n = i / hosts;
    FrontierEntry {
        url: format!(
            "https://{host}/2026/{:02}/{:02}/story-{n}-regional-council-budget.html",
            1 + n % 12,
            1 + n % 28
        ),
        host,
        depth: 1 + (n % 3) as u32,
        discovered_from: Some(format!(
            "https://news{}.example/section/{}",
            i % hosts,
            n / 50
        )),
        discovered_via: DiscoveredVia::Link,
        counter_chain: 0,
    }
}

fn push_all(store: &SledStore, urls: u64, hosts: u64, batch: u64) -> (f64, u64, u64) {
    let started = Instant::now();
    let (mut added, mut known) = (0u64, 0u64);
    let mut i = 0;
    while i < urls {
        let end = (i + batch).min(urls);
        let outcome = CrawlOutcome {
            crawl: CRAWL.into(),
            claim: None,
            visited: Vec::new(),
            result: PageResult::Nothing,
            discovered: (i..end).map(|k| entry(k, hosts)).collect(),
        };
        let committed = store.commit_crawl(vec![outcome]).expect("commit");
        added += u64::from(committed[0].frontier.added);
        known += u64::from(committed[0].frontier.known);
        i = end;
    }
    (urls as f64 / started.elapsed().as_secs_f64(), added, known)
}

fn main() {
    let mut args = std::env::args()
        .skip(1)
        .map(|a| a.parse::<u64>().expect("a number"));
    let urls = args.next().unwrap_or(10_000_000);
    let hosts = args.next().unwrap_or(1000);
    let batch = args.next().unwrap_or(50_000);
    // GLEANER_BENCH_DIR keeps the data directory there for inspection (it must not exist).
    let kept = std::env::var_os("GLEANER_BENCH_DIR").map(std::path::PathBuf::from);
    let temp = tempfile::tempdir().expect("tempdir");
    let dir = match &kept {
        Some(path) => {
            std::fs::create_dir(path).expect("GLEANER_BENCH_DIR is created");
            path.clone()
        }
        None => temp.path().to_path_buf(),
    };
    let store = SledStore::open(&dir, StoreOptions::default()).expect("store");
    let limits = FrontierLimits {
        max_pending_per_host: u64::MAX,
    };
    store
        .open_frontier(CRAWL, CrawlStart::NewCycle, limits)
        .expect("open");
    println!("frontier: {urls} URLs over {hosts} hosts, {batch} per commit");

    let (rate, added, _) = push_all(&store, urls, hosts, batch);
    assert_eq!(added, urls, "every URL is new");
    store.flush().expect("flush");
    println!(
        "  push (new):   {rate:>10.0} URLs/s; RSS {} MiB, peak {} MiB; data {:.0} MiB ({:.1} bytes/URL)",
        status_kib("VmRSS:") / 1024,
        status_kib("VmHWM:") / 1024,
        dir_bytes(&dir) as f64 / (1 << 20) as f64,
        dir_bytes(&dir) as f64 / urls as f64
    );

    let again = urls.min(2_000_000);
    let (rate, _, known) = push_all(&store, again, hosts, batch);
    assert_eq!(known, again, "every URL is known");
    println!("  push (known): {rate:>10.0} URLs/s over {again}");

    // Reopen: the crawl resumes from disk (seen-set chunks and host cursors).
    drop(store);
    let started = Instant::now();
    let store = SledStore::open(&dir, StoreOptions::default()).expect("reopen");
    let resumed = store
        .open_frontier(CRAWL, CrawlStart::Resume, limits)
        .expect("resume")
        .resumed;
    assert_eq!(resumed, urls);
    println!(
        "  resume:       {:.2} s; RSS {} MiB",
        started.elapsed().as_secs_f64(),
        status_kib("VmRSS:") / 1024
    );

    // Claim and complete a sample, a writer batch at a time.
    let sample = urls.min(200_000);
    let started = Instant::now();
    let mut done = 0u64;
    while done < sample {
        let claims: Vec<Claim> = store
            .claim_frontier(CRAWL, 512, &mut AnyHost)
            .expect("claim")
            .claims;
        assert!(!claims.is_empty());
        done += claims.len() as u64;
        let outcomes = claims
            .into_iter()
            .map(|c| CrawlOutcome {
                crawl: CRAWL.into(),
                claim: Some(c.ticket),
                visited: Vec::new(),
                result: PageResult::Nothing,
                discovered: Vec::new(),
            })
            .collect();
        store.commit_crawl(outcomes).expect("complete");
    }
    println!(
        "  claim+complete: {:>8.0} URLs/s over {done}; pending {}",
        done as f64 / started.elapsed().as_secs_f64(),
        store.frontier_pending(CRAWL).expect("pending")
    );
    println!(
        "  peak RSS {} MiB; data {:.0} MiB",
        status_kib("VmHWM:") / 1024,
        dir_bytes(&dir) as f64 / (1 << 20) as f64
    );
}
