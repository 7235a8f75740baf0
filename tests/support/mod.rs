//! Test web: servers on loopback addresses (127.x.y.z, each a separate host), recording
//! every request they see, and helpers to build crawlers against them.
#![allow(dead_code)]

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use gleaner::config::{CrawlerConfig, Dur, PositiveUsize};
use gleaner::crawl::{CrawlJob, CrawlStore, CrawlSummary, Crawler};
use gleaner::store::kv::MemoryKv;
use gleaner::store::{ArticleRecord, Backend, CrawlStart, Embedded, MemoryStore, StoreOptions};
use url::Url;

/// One request as the server saw it.
#[derive(Debug, Clone)]
pub struct Hit {
    /// Path and query.
    pub target: String,
    pub at: Instant,
    pub headers: HeaderMap,
}

/// What a handler gets: the request target, its headers, and how many times this exact
/// target was requested before (0 on the first request).
pub struct Req<'a> {
    pub target: &'a str,
    pub headers: &'a HeaderMap,
    pub seen_before: usize,
}

pub type Handler = Arc<dyn Fn(&Req<'_>) -> Response + Send + Sync>;

/// In-flight counting shared by several servers (for overall concurrency checks).
#[derive(Default)]
pub struct Group {
    in_flight: AtomicUsize,
    max_in_flight: AtomicUsize,
}

impl Group {
    pub fn max_in_flight(&self) -> usize {
        self.max_in_flight.load(Ordering::SeqCst)
    }
}

struct ServerState {
    handler: Handler,
    latency: Duration,
    group: Option<Arc<Group>>,
    hits: Mutex<Vec<Hit>>,
    in_flight: AtomicUsize,
    max_in_flight: AtomicUsize,
}

/// A running test server.
#[derive(Clone)]
pub struct Site {
    pub addr: SocketAddr,
    state: Arc<ServerState>,
}

impl Site {
    /// Starts a server on `ip` (e.g. "127.0.0.2") with a random port.
    pub async fn start(
        ip: &str,
        handler: impl Fn(&Req<'_>) -> Response + Send + Sync + 'static,
    ) -> Site {
        Site::start_with(ip, Duration::from_millis(5), None, handler).await
    }

    /// Like [`Site::start`], taking `latency` per response and counting in-flight requests
    /// in `group` too.
    pub async fn start_with(
        ip: &str,
        latency: Duration,
        group: Option<Arc<Group>>,
        handler: impl Fn(&Req<'_>) -> Response + Send + Sync + 'static,
    ) -> Site {
        let listener = tokio::net::TcpListener::bind((ip, 0))
            .await
            .expect("bind test server");
        let addr = listener.local_addr().expect("local addr");
        let state = Arc::new(ServerState {
            handler: Arc::new(handler),
            latency,
            group,
            hits: Mutex::new(Vec::new()),
            in_flight: AtomicUsize::new(0),
            max_in_flight: AtomicUsize::new(0),
        });
        let app = axum::Router::new()
            .fallback(serve)
            .with_state(Arc::clone(&state));
        tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        Site { addr, state }
    }

    pub fn url(&self, path: &str) -> Url {
        Url::parse(&format!("http://{}{}", self.addr, path)).expect("test url")
    }

    pub fn hits(&self) -> Vec<Hit> {
        self.state.hits.lock().expect("hits").clone()
    }

    /// Request targets in arrival order.
    pub fn targets(&self) -> Vec<String> {
        self.hits().into_iter().map(|h| h.target).collect()
    }

    pub fn count(&self, target: &str) -> usize {
        self.hits().iter().filter(|h| h.target == target).count()
    }

    /// Most requests this server had in flight at once.
    pub fn max_in_flight(&self) -> usize {
        self.state.max_in_flight.load(Ordering::SeqCst)
    }
}

struct InFlight<'a>(&'a ServerState);
impl Drop for InFlight<'_> {
    fn drop(&mut self) {
        self.0.in_flight.fetch_sub(1, Ordering::SeqCst);
        if let Some(g) = &self.0.group {
            g.in_flight.fetch_sub(1, Ordering::SeqCst);
        }
    }
}

async fn serve(State(state): State<Arc<ServerState>>, request: Request) -> Response {
    let now = state.in_flight.fetch_add(1, Ordering::SeqCst) + 1;
    state.max_in_flight.fetch_max(now, Ordering::SeqCst);
    if let Some(g) = &state.group {
        let now = g.in_flight.fetch_add(1, Ordering::SeqCst) + 1;
        g.max_in_flight.fetch_max(now, Ordering::SeqCst);
    }
    let _guard = InFlight(&state);
    let target = request
        .uri()
        .path_and_query()
        .map(|p| p.as_str().to_string())
        .unwrap_or_else(|| "/".into());
    let headers = request.headers().clone();
    let seen_before = {
        let mut hits = state.hits.lock().expect("hits");
        let n = hits.iter().filter(|h| h.target == target).count();
        hits.push(Hit {
            target: target.clone(),
            at: Instant::now(),
            headers: headers.clone(),
        });
        n
    };
    // Let concurrent requests overlap measurably.
    tokio::time::sleep(state.latency).await;
    (state.handler)(&Req {
        target: &target,
        headers: &headers,
        seen_before,
    })
}

pub fn html(body: impl Into<String>) -> Response {
    (
        [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
        body.into(),
    )
        .into_response()
}

pub fn with_status(status: u16, body: &str) -> Response {
    let status = StatusCode::from_u16(status).expect("status");
    (
        status,
        [(header::CONTENT_TYPE, "text/plain")],
        body.to_string(),
    )
        .into_response()
}

pub fn redirect(status: u16, location: &str) -> Response {
    let status = StatusCode::from_u16(status).expect("status");
    let mut r = status.into_response();
    r.headers_mut().insert(
        header::LOCATION,
        HeaderValue::from_str(location).expect("location"),
    );
    r
}

pub fn robots(text: &str) -> Response {
    ([(header::CONTENT_TYPE, "text/plain")], text.to_string()).into_response()
}

pub fn body_response(content_type: &str, body: Body) -> Response {
    let mut r = Response::new(body);
    r.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_str(content_type).expect("ct"),
    );
    r
}

const WORDS: &[&str] = &[
    "election",
    "observers",
    "reported",
    "ministry",
    "regional",
    "council",
    "budget",
    "water",
    "school",
    "bridge",
    "farmers",
    "court",
    "hearing",
    "journalists",
    "protest",
    "villages",
    "hospital",
    "teachers",
    "salaries",
    "drought",
    "harvest",
    "railway",
    "airport",
    "border",
    "customs",
    "museum",
    "festival",
    "theatre",
    "volunteers",
    "charity",
    "refugees",
    "housing",
    "energy",
    "pipeline",
    "tariffs",
    "exports",
    "wheat",
    "cotton",
    "parliament",
    "deputies",
];

/// `count` paragraphs of `words` news words each, picked by a generator seeded with `seed`:
/// deterministic, and different seeds give texts far apart (never near-duplicates).
pub fn story_paragraphs(seed: u64, count: usize, words: usize) -> Vec<String> {
    let step = |x: u64| {
        x.wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407)
    };
    let mut x = step(seed);
    (0..count)
        .map(|_| {
            (0..words)
                .map(|_| {
                    x = step(x);
                    WORDS[((x >> 33) % WORDS.len() as u64) as usize]
                })
                .collect::<Vec<_>>()
                .join(" ")
        })
        .collect()
}

/// An article page whose text is unique to `seed` (so no two are near-duplicates).
pub fn article_html(title: &str, seed: u64) -> String {
    let paragraphs: String = story_paragraphs(seed, 4, 45)
        .iter()
        .map(|p| format!("<p>The {p} {seed}.</p>\n"))
        .collect();
    format!(
        "<!doctype html><html lang=\"en\"><head><title>{title}</title></head><body>\
         <nav><a href=\"/\">Home</a></nav><article><h1>{title}</h1>{paragraphs}</article></body></html>"
    )
}

/// A page of links only: not an article.
pub fn index_html(links: &[&str]) -> String {
    let items: String = links
        .iter()
        .map(|l| format!("<li><a href=\"{l}\">{l}</a></li>"))
        .collect();
    format!(
        "<!doctype html><html><head><title>Index</title></head><body><ul>{items}</ul></body></html>"
    )
}

/// A crawler config for loopback tests: private addresses allowed, short delays.
pub fn test_config() -> CrawlerConfig {
    CrawlerConfig {
        allow_private_addresses: true,
        min_delay: Dur::from(Duration::ZERO),
        request_timeout: Dur::from(Duration::from_secs(3)),
        connect_timeout: Dur::from(Duration::from_secs(1)),
        max_retries: 2,
        max_retry_after: Dur::from(Duration::from_secs(5)),
        concurrency: PositiveUsize::new(8).expect("8"),
        max_depth: 5,
        ..CrawlerConfig::default()
    }
}

/// The store the crawl tests use: the embedded engine over memory, with its roles.
pub type TestStore = Embedded<MemoryKv>;

pub fn memory_store() -> TestStore {
    Embedded::new(MemoryStore::new(StoreOptions::default()).expect("memory store"))
}

/// The crawl roles of a test store.
pub fn crawl_store(store: &TestStore) -> CrawlStore {
    CrawlStore::from(&Backend::embedded(store.clone()))
}

pub fn job(source: &str, seeds: Vec<Url>, config: &CrawlerConfig) -> CrawlJob {
    let mut job = CrawlJob::from_seeds(seeds, config);
    job.source = source.to_string();
    job.start = CrawlStart::NewCycle;
    job
}

pub async fn crawl(config: &CrawlerConfig, store: &TestStore, job: CrawlJob) -> CrawlSummary {
    let crawler = Crawler::new(config, crawl_store(store)).expect("crawler");
    crawler
        .crawl(job, std::future::pending::<()>())
        .await
        .expect("crawl runs")
}

pub fn articles(store: &TestStore) -> Vec<ArticleRecord> {
    store.articles_since(0, None, 10_000).expect("articles")
}

/// Articles by final URL path.
pub fn by_path(store: &TestStore) -> HashMap<String, ArticleRecord> {
    articles(store)
        .into_iter()
        .map(|a| {
            let path = Url::parse(&a.provenance.final_url)
                .expect("final url")
                .path()
                .to_string();
            (path, a)
        })
        .collect()
}

/// Gaps between consecutive requests whose target satisfies `filter`.
pub fn gaps(hits: &[Hit]) -> Vec<Duration> {
    hits.windows(2)
        .map(|w| w[1].at.duration_since(w[0].at))
        .collect()
}
