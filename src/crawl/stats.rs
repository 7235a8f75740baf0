//! Counters of what the crawler did: the daemon's Prometheus metrics and `crawl`'s summary.
//!
//! Everything is an atomic or a short-lived lock, so recording costs nothing next to a
//! fetch. [`CrawlStats`] holds process totals and per-source counters; each crawl run also
//! keeps its own [`Counters`] for its summary. [`Tally`] records into all three at once.

use std::collections::{BTreeMap, HashMap};
use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde::Serialize;

use crate::store::ChangeKind;

/// Upper bounds (seconds) of the fetch-latency histogram buckets; +Inf is implicit.
pub const LATENCY_BUCKETS: [f64; 11] =
    [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0];

/// Counters for one scope: the process, a source, or a crawl run.
#[derive(Debug, Default)]
pub struct Counters {
    /// Responses by status class: index 0 = 1xx … 4 = 5xx.
    responses: [AtomicU64; 5],
    /// Response body bytes received (decompressed).
    bytes: AtomicU64,
    /// Pages (not robots.txt, feeds or sitemaps) fetched with a response.
    pages_fetched: AtomicU64,
    robots_blocked: AtomicU64,
    not_article: AtomicU64,
    stored: AtomicU64,
    updated: AtomicU64,
    unchanged: AtomicU64,
    duplicates: AtomicU64,
    not_modified: AtomicU64,
    edited: AtomicU64,
    removed: AtomicU64,
    restored: AtomicU64,
    /// Pages whose body waited, unread, for room in the body budget, and for how long.
    memory_waits: AtomicU64,
    memory_wait_ms: AtomicU64,
    /// Unix seconds of the last page fetched successfully; 0 = never.
    last_success: AtomicI64,
    skipped: Mutex<BTreeMap<&'static str, u64>>,
    errors: Mutex<BTreeMap<&'static str, u64>>,
}

/// A copy of [`Counters`] at one moment.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct CountersSnapshot {
    /// Responses by status class ("1xx" … "5xx").
    pub responses: BTreeMap<String, u64>,
    pub bytes: u64,
    pub pages_fetched: u64,
    pub robots_blocked: u64,
    pub not_article: u64,
    /// New articles stored.
    pub stored: u64,
    /// Stored articles whose text changed.
    pub updated: u64,
    /// Articles fetched again with the same text.
    pub unchanged: u64,
    pub duplicates: u64,
    /// 304 answers to conditional GETs.
    pub not_modified: u64,
    /// Stored articles whose text a later fetch found changed (a new version, logged).
    pub edited: u64,
    /// Watched articles a revisit found gone.
    pub removed: u64,
    /// Removed articles found again.
    pub restored: u64,
    /// Pages whose body waited, unread, for room in `crawler.body_budget_bytes`.
    pub memory_waits: u64,
    /// Milliseconds those pages waited, in all.
    pub memory_wait_ms: u64,
    /// Unix seconds of the last successful page fetch.
    pub last_success: Option<i64>,
    /// Pages or links skipped, by reason (`content_type`, `too_large`, `noindex`, …).
    pub skipped: BTreeMap<String, u64>,
    /// Failures by kind (`timeout`, `connect`, `http_5xx`, …).
    pub errors: BTreeMap<String, u64>,
}

impl CountersSnapshot {
    pub fn errors_total(&self) -> u64 {
        self.errors.values().sum()
    }
    pub fn skipped_total(&self) -> u64 {
        self.skipped.values().sum()
    }
}

fn bump(map: &Mutex<BTreeMap<&'static str, u64>>, key: &'static str, n: u64) {
    let mut map = map.lock().unwrap_or_else(|e| e.into_inner());
    *map.entry(key).or_insert(0) += n;
}

fn copy(map: &Mutex<BTreeMap<&'static str, u64>>) -> BTreeMap<String, u64> {
    map.lock()
        .unwrap_or_else(|e| e.into_inner())
        .iter()
        .map(|(k, v)| ((*k).to_string(), *v))
        .collect()
}

impl Counters {
    pub fn snapshot(&self) -> CountersSnapshot {
        let load = |a: &AtomicU64| a.load(Ordering::Relaxed);
        let responses = self
            .responses
            .iter()
            .enumerate()
            .filter(|(_, n)| load(n) > 0)
            .map(|(i, n)| (format!("{}xx", i + 1), load(n)))
            .collect();
        let last = self.last_success.load(Ordering::Relaxed);
        CountersSnapshot {
            responses,
            bytes: load(&self.bytes),
            pages_fetched: load(&self.pages_fetched),
            robots_blocked: load(&self.robots_blocked),
            not_article: load(&self.not_article),
            stored: load(&self.stored),
            updated: load(&self.updated),
            unchanged: load(&self.unchanged),
            duplicates: load(&self.duplicates),
            not_modified: load(&self.not_modified),
            edited: load(&self.edited),
            removed: load(&self.removed),
            restored: load(&self.restored),
            memory_waits: load(&self.memory_waits),
            memory_wait_ms: load(&self.memory_wait_ms),
            last_success: (last > 0).then_some(last),
            skipped: copy(&self.skipped),
            errors: copy(&self.errors),
        }
    }

    fn response(&self, status: u16, bytes: usize) {
        if let Some(slot) = (status / 100)
            .checked_sub(1)
            .and_then(|i| self.responses.get(usize::from(i)))
        {
            slot.fetch_add(1, Ordering::Relaxed);
        }
        self.bytes.fetch_add(bytes as u64, Ordering::Relaxed);
    }
}

/// A cumulative latency histogram in Prometheus' shape.
#[derive(Debug, Default)]
pub struct Histogram {
    buckets: [AtomicU64; LATENCY_BUCKETS.len()],
    count: AtomicU64,
    sum_micros: AtomicU64,
}

/// A copy of a [`Histogram`]: cumulative counts per upper bound.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct HistogramSnapshot {
    /// `(upper bound in seconds, observations ≤ bound)`, cumulative.
    pub buckets: Vec<(f64, u64)>,
    pub count: u64,
    pub sum_seconds: f64,
}

impl Histogram {
    pub fn observe(&self, d: Duration) {
        let secs = d.as_secs_f64();
        if let Some(i) = LATENCY_BUCKETS.iter().position(|b| secs <= *b) {
            self.buckets[i].fetch_add(1, Ordering::Relaxed);
        }
        self.count.fetch_add(1, Ordering::Relaxed);
        self.sum_micros.fetch_add(
            u64::try_from(d.as_micros()).unwrap_or(u64::MAX),
            Ordering::Relaxed,
        );
    }

    pub fn snapshot(&self) -> HistogramSnapshot {
        let mut cumulative = 0;
        let buckets = LATENCY_BUCKETS
            .iter()
            .zip(&self.buckets)
            .map(|(bound, n)| {
                cumulative += n.load(Ordering::Relaxed);
                (*bound, cumulative)
            })
            .collect();
        HistogramSnapshot {
            buckets,
            count: self.count.load(Ordering::Relaxed),
            sum_seconds: self.sum_micros.load(Ordering::Relaxed) as f64 / 1e6,
        }
    }
}

/// Process-wide crawler statistics: totals, per source, and fetch latency.
#[derive(Debug, Default)]
pub struct CrawlStats {
    total: Counters,
    latency: Histogram,
    sources: Mutex<HashMap<String, Arc<Counters>>>,
}

/// Everything in [`CrawlStats`] at one moment.
#[derive(Debug, Clone, Serialize)]
pub struct StatsSnapshot {
    pub total: CountersSnapshot,
    pub latency: HistogramSnapshot,
    pub sources: BTreeMap<String, CountersSnapshot>,
}

impl CrawlStats {
    pub fn new() -> Arc<Self> {
        Arc::new(CrawlStats::default())
    }

    /// The counters of one source, created on first use.
    pub fn source(&self, name: &str) -> Arc<Counters> {
        let mut sources = self.sources.lock().unwrap_or_else(|e| e.into_inner());
        sources.entry(name.to_string()).or_default().clone()
    }

    pub fn snapshot(&self) -> StatsSnapshot {
        let sources = self
            .sources
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .iter()
            .map(|(k, v)| (k.clone(), v.snapshot()))
            .collect();
        StatsSnapshot {
            total: self.total.snapshot(),
            latency: self.latency.snapshot(),
            sources,
        }
    }
}

/// What a page led to, for counting.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Event {
    RobotsBlocked,
    NotArticle,
    Stored,
    Updated,
    Unchanged,
    Duplicate,
    NotModified,
    /// A change the store logged: an edit, a removal, a restoration.
    Changed(ChangeKind),
    /// A page or link skipped, with the reason.
    Skipped(&'static str),
    /// A failure, with its kind.
    Error(&'static str),
}

/// Records into the process totals, a source's counters and a run's counters at once.
#[derive(Debug, Clone)]
pub struct Tally {
    stats: Arc<CrawlStats>,
    source: Arc<Counters>,
    run: Arc<Counters>,
}

impl Tally {
    pub fn new(stats: Arc<CrawlStats>, source: &str) -> Self {
        let source = stats.source(source);
        Tally {
            stats,
            source,
            run: Arc::new(Counters::default()),
        }
    }

    fn each(&self) -> [&Counters; 3] {
        [&self.stats.total, &self.source, &self.run]
    }

    /// One HTTP exchange completed with `status`; `page` when it was a page (not robots,
    /// feed or sitemap).
    pub fn response(&self, status: u16, bytes: usize, latency: Duration, page: bool) {
        self.stats.latency.observe(latency);
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX));
        for c in self.each() {
            c.response(status, bytes);
            if page {
                c.pages_fetched.fetch_add(1, Ordering::Relaxed);
                if (200..400).contains(&status) {
                    c.last_success.store(now, Ordering::Relaxed);
                }
            }
        }
    }

    pub fn event(&self, event: Event) {
        self.events(event, 1);
    }

    /// A page's body waited `waited` for room in the body budget before it was read.
    pub fn waited_for_memory(&self, waited: Duration) {
        let ms = u64::try_from(waited.as_millis()).unwrap_or(u64::MAX);
        for c in self.each() {
            c.memory_waits.fetch_add(1, Ordering::Relaxed);
            c.memory_wait_ms.fetch_add(ms, Ordering::Relaxed);
        }
    }

    /// Records `n` occurrences of `event`.
    pub fn events(&self, event: Event, n: u64) {
        if n == 0 {
            return;
        }
        for c in self.each() {
            let counter = match event {
                Event::RobotsBlocked => &c.robots_blocked,
                Event::NotArticle => &c.not_article,
                Event::Stored => &c.stored,
                Event::Updated => &c.updated,
                Event::Unchanged => &c.unchanged,
                Event::Duplicate => &c.duplicates,
                Event::NotModified => &c.not_modified,
                Event::Changed(ChangeKind::Edited) => &c.edited,
                Event::Changed(ChangeKind::Removed) => &c.removed,
                Event::Changed(ChangeKind::Restored) => &c.restored,
                Event::Skipped(reason) => {
                    bump(&c.skipped, reason, n);
                    continue;
                }
                Event::Error(kind) => {
                    bump(&c.errors, kind, n);
                    continue;
                }
            };
            counter.fetch_add(n, Ordering::Relaxed);
        }
    }

    /// This run's counters so far.
    pub fn run(&self) -> CountersSnapshot {
        self.run.snapshot()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tally_records_everywhere() {
        let stats = CrawlStats::new();
        let a = Tally::new(stats.clone(), "a");
        let b = Tally::new(stats.clone(), "b");
        a.response(200, 100, Duration::from_millis(30), true);
        a.response(503, 10, Duration::from_millis(3), true);
        b.response(404, 1, Duration::from_secs(60), false);
        a.event(Event::Stored);
        b.event(Event::Error("timeout"));
        b.event(Event::Skipped("content_type"));
        let s = stats.snapshot();
        assert_eq!(s.total.bytes, 111);
        assert_eq!(s.total.responses.get("2xx"), Some(&1));
        assert_eq!(s.total.responses.get("5xx"), Some(&1));
        assert_eq!(s.total.pages_fetched, 2);
        assert_eq!(s.sources["a"].stored, 1);
        assert_eq!(s.sources["b"].stored, 0);
        assert_eq!(s.sources["b"].errors.get("timeout"), Some(&1));
        assert!(s.sources["a"].last_success.is_some());
        assert!(s.sources["b"].last_success.is_none());
        assert_eq!(a.run().stored, 1);
        assert_eq!(b.run().skipped_total(), 1);
        assert_eq!(s.latency.count, 3);
        assert_eq!(s.latency.buckets[0], (0.01, 1));
        assert_eq!(
            s.latency.buckets.last().map(|b| b.1),
            Some(2),
            "60 s lands in +Inf only"
        );
    }
}
