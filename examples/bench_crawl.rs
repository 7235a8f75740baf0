//! Crawl benchmark: a local web of 50 hosts × 200 pages on 127.0.0.x addresses.
//!
//! 1. Throughput: `min_delay = 0`, every page fetched, extracted and stored (in memory);
//!    prints pages/s and the process RSS as the frontier grows.
//! 2. Politeness: `min_delay` > 0, and how close each host's achieved request rate comes
//!    to the bound `1 / min_delay` (median over hosts).
//!
//! Run with optimisations: `cargo run --release --example bench_crawl [-- ROUNDS]`.
//! At 100 ms × 50 hosts the politeness bound (500 requests/s) is as fast as two cores
//! fetch and extract, so that row measures the machine as much as the scheduler.
//! Each scenario runs ROUNDS times (default 3); medians are quoted.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::http::header;
use axum::response::{IntoResponse, Response};
use gleaner::config::{CrawlerConfig, Dur, PositiveUsize};
use gleaner::crawl::{CrawlJob, CrawlStore, Crawler};
use gleaner::store::{Backend, CrawlStart, Embedded, MemoryStore, StoreOptions};
use url::Url;

/// The test web's page generator, shared with the crawl tests.
#[path = "../tests/support/mod.rs"]
mod support;

const HOSTS: usize = 50;
const PAGES: usize = 200;

/// A realistic article page: navigation, the story (6 paragraphs), related links, footer.
fn article(host: usize, page: usize) -> String {
    let body: String = support::story_paragraphs(host as u64 * 1_000_003 + page as u64, 6, 60)
        .iter()
        .map(|p| format!("<p>{p}.</p>\n"))
        .collect();
    // Links onward: the next pages on this host, so the frontier grows as the crawl goes.
    let related: String = (1..=5)
        .map(|k| {
            let target = (page + k * 7) % PAGES;
            format!("<li><a href=\"/news/{target}\">Related story {target}</a></li>")
        })
        .collect();
    format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Story {page} from host {host}</title>\
         <link rel=\"canonical\" href=\"/news/{page}\"></head><body>\
         <header><nav><a href=\"/\">Home</a> <a href=\"/news/0\">News</a> <a href=\"/about\">About</a></nav></header>\
         <main><article><h1>Story {page} from host {host}</h1><p class=\"byline\">By Staff Reporter</p>{body}</article>\
         <aside><h2>Related</h2><ul>{related}</ul></aside></main>\
         <footer><p>© Regional News. Phone +1 555 0100.</p></footer></body></html>"
    )
}

fn index(page_count: usize) -> String {
    let links: String = (0..page_count.min(20))
        .map(|p| format!("<li><a href=\"/news/{p}\">Headline {p}</a></li>"))
        .collect();
    format!(
        "<!doctype html><html><head><title>Home</title></head><body><ul>{links}</ul></body></html>"
    )
}

/// Arrival times per host, for the politeness scenario.
type Arrivals = Arc<Mutex<Vec<Vec<Instant>>>>;

async fn start_hosts(arrivals: Arrivals) -> Vec<Url> {
    let mut seeds = Vec::new();
    for h in 0..HOSTS {
        let ip = format!("127.0.0.{}", 100 + h);
        let listener = tokio::net::TcpListener::bind((ip.as_str(), 0))
            .await
            .expect("bind 127.0.0.x (Linux routes all of 127/8 to loopback)");
        let addr = listener.local_addr().expect("addr");
        let arrivals = Arc::clone(&arrivals);
        let app = axum::Router::new().fallback(move |uri: axum::http::Uri| {
            let arrivals = Arc::clone(&arrivals);
            async move {
                if let Ok(mut a) = arrivals.lock() {
                    a[h].push(Instant::now());
                }
                let path = uri.path();
                let html = |s: String| -> Response {
                    ([(header::CONTENT_TYPE, "text/html; charset=utf-8")], s).into_response()
                };
                if path == "/robots.txt" {
                    return (
                        [(header::CONTENT_TYPE, "text/plain")],
                        "User-agent: *\nAllow: /\n",
                    )
                        .into_response();
                }
                if path == "/" {
                    return html(index(PAGES));
                }
                match path
                    .strip_prefix("/news/")
                    .and_then(|n| n.parse::<usize>().ok())
                {
                    Some(n) if n < PAGES => html(article(h, n)),
                    _ => (axum::http::StatusCode::NOT_FOUND, "").into_response(),
                }
            }
        });
        tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        seeds.push(Url::parse(&format!("http://{addr}/")).expect("seed"));
    }
    seeds
}

fn rss_mib() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmRSS:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|kb| kb.parse::<f64>().ok())
        })
        .map_or(0.0, |kb| kb / 1024.0)
}

fn config(min_delay: Duration) -> CrawlerConfig {
    CrawlerConfig {
        allow_private_addresses: true,
        min_delay: Dur::from(min_delay),
        max_depth: 50,
        max_pages: 1_000_000,
        concurrency: PositiveUsize::new(64).expect("64"),
        ..CrawlerConfig::default()
    }
}

/// A crawler storing into memory without raw pages, so the figures are the crawler's.
fn crawler_on_memory(config: &CrawlerConfig) -> Arc<Crawler> {
    let store = Embedded::new(
        MemoryStore::new(StoreOptions {
            keep_raw: false,
            ..StoreOptions::default()
        })
        .expect("store"),
    );
    Crawler::new(config, CrawlStore::from(&Backend::embedded(store))).expect("crawler")
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(|a, b| a.total_cmp(b));
    v[v.len() / 2]
}

async fn throughput_round(seeds: &[Url]) -> (f64, u64, Vec<(usize, f64)>) {
    let config = config(Duration::ZERO);
    let crawler = crawler_on_memory(&config);
    let mut job = CrawlJob::from_seeds(seeds.to_vec(), &config);
    job.source = "bench".into();
    job.start = CrawlStart::NewCycle;
    let mut rss_samples = Vec::new();
    let started = Instant::now();
    let summary = crawler
        .crawl_with_progress(job, std::future::pending(), |p| {
            rss_samples.push((
                p.counters.pages_fetched as usize + p.queued as usize,
                rss_mib(),
            ));
        })
        .await
        .expect("crawl");
    let elapsed = started.elapsed().as_secs_f64();
    let fetched = summary.counters.pages_fetched;
    assert_eq!(
        summary.counters.stored + summary.counters.duplicates,
        (HOSTS * PAGES) as u64,
        "{:?}",
        summary.counters
    );
    (
        fetched as f64 / elapsed,
        summary.counters.stored,
        rss_samples,
    )
}

async fn politeness_round(
    seeds: &[Url],
    arrivals: &Arrivals,
    delay: Duration,
    pages_per_host: u64,
) -> (f64, f64) {
    for a in arrivals.lock().expect("arrivals").iter_mut() {
        a.clear();
    }
    let config = config(delay);
    let crawler = crawler_on_memory(&config);
    let mut job = CrawlJob::from_seeds(seeds.to_vec(), &config);
    job.source = "polite".into();
    job.start = CrawlStart::NewCycle;
    job.max_pages = pages_per_host * HOSTS as u64;
    let started = Instant::now();
    crawler
        .crawl(job, std::future::pending())
        .await
        .expect("crawl");
    let elapsed = started.elapsed().as_secs_f64();
    let bound = 1.0 / delay.as_secs_f64();
    let arrivals = arrivals.lock().expect("arrivals");
    let rates: Vec<f64> = arrivals
        .iter()
        .filter(|a| a.len() >= 2)
        .map(|a| {
            let span = a[a.len() - 1].duration_since(a[0]).as_secs_f64();
            (a.len() - 1) as f64 / span
        })
        .collect();
    let min_gap = arrivals
        .iter()
        .flat_map(|a| a.windows(2).map(|w| w[1].duration_since(w[0])))
        .min()
        .unwrap_or_default();
    let total: usize = arrivals.iter().map(Vec::len).sum();
    println!(
        "  delay {:>4} ms: {total} requests in {elapsed:.2} s; per-host rate median {:.3}/s vs bound {bound:.3}/s ({:.1} %); smallest gap {:.1} ms",
        delay.as_millis(),
        median(rates.clone()),
        100.0 * median(rates.clone()) / bound,
        min_gap.as_secs_f64() * 1000.0
    );
    (median(rates), bound)
}

#[tokio::main]
async fn main() {
    let rounds: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(3);
    let arrivals: Arrivals = Arc::new(Mutex::new(vec![Vec::new(); HOSTS]));
    let seeds = start_hosts(Arc::clone(&arrivals)).await;
    println!(
        "local web: {HOSTS} hosts × {PAGES} pages (127.0.0.100–{}), {rounds} rounds",
        100 + HOSTS - 1
    );

    println!("throughput, min_delay = 0 (fetch + extract + store in memory):");
    let mut rates = Vec::new();
    for round in 1..=rounds {
        let (rate, stored, rss) = throughput_round(&seeds).await;
        let marks: Vec<String> = [0.1, 0.5, 1.0]
            .iter()
            .filter_map(|f| {
                rss.get(((rss.len() as f64 * f) as usize).min(rss.len().saturating_sub(1)))
            })
            .map(|(known, mib)| format!("{mib:.0} MiB @ {known} URLs"))
            .collect();
        println!(
            "  round {round}: {rate:.0} pages/s, {stored} articles stored; RSS {}",
            marks.join(", ")
        );
        rates.push(rate);
    }
    println!("  median: {:.0} pages/s", median(rates));

    println!("politeness, per_host_concurrency = 1, 20 pages per host:");
    let mut ratios = Vec::new();
    for delay_ms in [100u64, 250, 500] {
        let (rate, bound) =
            politeness_round(&seeds, &arrivals, Duration::from_millis(delay_ms), 20).await;
        ratios.push(rate / bound);
    }
    println!(
        "  achieved / bound: {}",
        ratios
            .iter()
            .map(|r| format!("{:.1} %", r * 100.0))
            .collect::<Vec<_>>()
            .join(", ")
    );
}
