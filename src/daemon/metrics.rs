//! `GET /metrics`: what the crawler, the store and the schedule look like, for Prometheus.
//!
//! Every name starts with `gleaner_`. Counters come from the crawler's [`StatsSnapshot`]
//! (process totals since start, plus per-source series labelled `source`), gauges from the
//! store's queue statistics and the scheduler's per-source status.

use std::collections::BTreeMap;
use std::time::Duration;

use crate::crawl::stats::{CountersSnapshot, StatsSnapshot};

use super::exposition::{Exposition, Kind};
use super::scheduler::SourceStatus;

/// A counter family read off a [`CountersSnapshot`]: name, help, accessor.
type CounterFamily = (&'static str, &'static str, fn(&CountersSnapshot) -> u64);

/// Queue and store figures, as far as the store could give them.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct QueueFigures {
    pub articles: u64,
    pub pending: u64,
    pub leased: u64,
    pub acked: u64,
    pub duplicates: u64,
}

/// Everything one scrape renders.
#[derive(Debug)]
pub struct MetricsInput<'a> {
    pub crawl: &'a StatsSnapshot,
    /// `None` when the store could not answer (reported as `gleaner_store_up 0`).
    pub queue: Option<QueueFigures>,
    pub sources: &'a [SourceStatus],
    /// Watched articles whose revisit is due now, per configured source (counted up to
    /// [`DUE_COUNT_CAP`]); sources the store could not count are left out.
    pub revisits_due: &'a BTreeMap<String, u64>,
    pub heartbeat_age: Duration,
    pub uptime: Duration,
}

/// Most due revisits counted per source and scrape: beyond it the gauge says "at least".
pub const DUE_COUNT_CAP: u64 = 100_000;

/// Renders the exposition text.
pub fn render(input: &MetricsInput<'_>) -> String {
    let mut e = Exposition::new();
    let total = &input.crawl.total;

    e.family(
        "gleaner_build_info",
        Kind::Gauge,
        "Always 1; the version label says which gleaner is running.",
    )
    .sample(
        "gleaner_build_info",
        &[("version", env!("CARGO_PKG_VERSION"))],
        1.0,
    );
    e.single(
        "gleaner_uptime_seconds",
        Kind::Gauge,
        "Seconds since the daemon started.",
        input.uptime.as_secs_f64(),
    );
    e.single(
        "gleaner_scheduler_heartbeat_age_seconds",
        Kind::Gauge,
        "Seconds since the scheduler loop last turned; /healthz fails when it grows stale.",
        input.heartbeat_age.as_secs_f64(),
    );

    e.family(
        "gleaner_fetches_total",
        Kind::Counter,
        "HTTP responses received (pages, robots.txt, feeds, sitemaps), by status class.",
    );
    for class in ["1xx", "2xx", "3xx", "4xx", "5xx"] {
        let n = total.responses.get(class).copied().unwrap_or(0);
        e.sample("gleaner_fetches_total", &[("class", class)], n as f64);
    }

    let counters: [CounterFamily; 10] = [
        (
            "gleaner_fetched_bytes_total",
            "Response body bytes received, after decompression.",
            |c| c.bytes,
        ),
        (
            "gleaner_pages_fetched_total",
            "Pages fetched with a response (robots.txt, feeds and sitemaps not included).",
            |c| c.pages_fetched,
        ),
        (
            "gleaner_robots_blocked_total",
            "URLs not fetched because robots.txt disallows them.",
            |c| c.robots_blocked,
        ),
        (
            "gleaner_not_article_total",
            "Pages the extractor judged not to be articles (used for discovery only).",
            |c| c.not_article,
        ),
        (
            "gleaner_articles_stored_total",
            "New articles stored.",
            |c| c.stored,
        ),
        (
            "gleaner_articles_updated_total",
            "Stored articles whose text changed on a recrawl (a new version).",
            |c| c.updated,
        ),
        (
            "gleaner_articles_unchanged_total",
            "Articles fetched again with the same text.",
            |c| c.unchanged,
        ),
        (
            "gleaner_duplicates_total",
            "Articles recognised as exact or near duplicates of a stored one.",
            |c| c.duplicates,
        ),
        (
            "gleaner_not_modified_total",
            "304 Not Modified answers to conditional GETs.",
            |c| c.not_modified,
        ),
        (
            "gleaner_memory_waits_total",
            "Pages whose body waited, unread, for room in crawler.body_budget_bytes.",
            |c| c.memory_waits,
        ),
    ];
    for (name, help, get) in counters {
        e.single(name, Kind::Counter, help, get(total) as f64);
    }
    e.single(
        "gleaner_memory_wait_seconds_total",
        Kind::Counter,
        "Time those pages waited for room, in all.",
        total.memory_wait_ms as f64 / 1000.0,
    );

    e.family(
        "gleaner_skipped_total",
        Kind::Counter,
        "Pages or links skipped, by reason.",
    );
    for (reason, n) in &total.skipped {
        e.sample("gleaner_skipped_total", &[("reason", reason)], *n as f64);
    }
    e.family(
        "gleaner_errors_total",
        Kind::Counter,
        "Fetch failures, by kind.",
    );
    for (kind, n) in &total.errors {
        e.sample("gleaner_errors_total", &[("kind", kind)], *n as f64);
    }

    let latency = &input.crawl.latency;
    e.family(
        "gleaner_fetch_duration_seconds",
        Kind::Histogram,
        "Time from sending a request to the end of its body.",
    )
    .histogram(
        "gleaner_fetch_duration_seconds",
        &[],
        &latency.buckets,
        latency.count,
        latency.sum_seconds,
    );

    render_queue(&mut e, input.queue);
    render_sources(&mut e, input);
    e.finish()
}

fn render_queue(e: &mut Exposition, queue: Option<QueueFigures>) {
    e.single(
        "gleaner_store_up",
        Kind::Gauge,
        "1 when the store answered this scrape, else 0.",
        if queue.is_some() { 1.0 } else { 0.0 },
    );
    let Some(q) = queue else {
        return;
    };
    e.single(
        "gleaner_store_articles",
        Kind::Gauge,
        "Article records in the store, duplicates included.",
        q.articles as f64,
    );
    e.single(
        "gleaner_store_duplicates",
        Kind::Gauge,
        "Stored records marked as duplicates of another article.",
        q.duplicates as f64,
    );
    e.family(
        "gleaner_queue_depth",
        Kind::Gauge,
        "Consumer queue entries: pending (never or no longer leased), leased (awaiting ack).",
    )
    .sample(
        "gleaner_queue_depth",
        &[("state", "pending")],
        q.pending as f64,
    )
    .sample(
        "gleaner_queue_depth",
        &[("state", "leased")],
        q.leased as f64,
    );
    e.single(
        "gleaner_queue_acked",
        Kind::Gauge,
        "Queue entries acknowledged by consumers.",
        q.acked as f64,
    );
}

fn render_sources(e: &mut Exposition, input: &MetricsInput<'_>) {
    let sources = &input.crawl.sources;
    e.family(
        "gleaner_source_last_success_timestamp_seconds",
        Kind::Gauge,
        "Unix time of the source's last page fetched successfully.",
    );
    for (name, c) in sources {
        if let Some(t) = c.last_success {
            e.sample(
                "gleaner_source_last_success_timestamp_seconds",
                &[("source", name)],
                t as f64,
            );
        }
    }
    let per_source: [CounterFamily; 6] = [
        (
            "gleaner_source_pages_fetched_total",
            "Pages fetched, per source.",
            |c| c.pages_fetched,
        ),
        (
            "gleaner_source_articles_stored_total",
            "New articles stored, per source.",
            |c| c.stored,
        ),
        (
            "gleaner_source_errors_total",
            "Fetch failures of any kind, per source.",
            CountersSnapshot::errors_total,
        ),
        (
            "gleaner_articles_edited_total",
            "Stored articles found with changed text (a new version kept), per source.",
            |c| c.edited,
        ),
        (
            "gleaner_articles_removed_total",
            "Watched articles a revisit found gone (404/410/451, a redirect to the front page, a page no longer holding them), per source.",
            |c| c.removed,
        ),
        (
            "gleaner_articles_restored_total",
            "Removed articles a revisit found again, per source.",
            |c| c.restored,
        ),
    ];
    for (metric, help, get) in per_source {
        e.family(metric, Kind::Counter, help);
        for (name, c) in sources {
            e.sample(metric, &[("source", name)], get(c) as f64);
        }
    }

    e.family(
        "gleaner_watched_articles_due",
        Kind::Gauge,
        "Watched articles whose revisit is due and not yet handed to a revisit crawl, per source (counted up to 100000).",
    );
    for (name, n) in input.revisits_due {
        e.sample(
            "gleaner_watched_articles_due",
            &[("source", name)],
            *n as f64,
        );
    }

    e.family(
        "gleaner_source_crawling",
        Kind::Gauge,
        "1 while a crawl of the source runs.",
    );
    for s in input.sources {
        let crawling = if s.state == "crawling" { 1.0 } else { 0.0 };
        e.sample("gleaner_source_crawling", &[("source", &s.name)], crawling);
    }
    e.family(
        "gleaner_source_last_crawl_finished_timestamp_seconds",
        Kind::Gauge,
        "Unix time the source's last crawl ended.",
    );
    for s in input.sources {
        if let Some(t) = s.last_crawl_finished {
            e.sample(
                "gleaner_source_last_crawl_finished_timestamp_seconds",
                &[("source", &s.name)],
                t.timestamp() as f64,
            );
        }
    }
    e.family(
        "gleaner_source_next_crawl_timestamp_seconds",
        Kind::Gauge,
        "Unix time the source's next crawl is due.",
    );
    for s in input.sources {
        if let Some(t) = s.next_crawl {
            e.sample(
                "gleaner_source_next_crawl_timestamp_seconds",
                &[("source", &s.name)],
                t.timestamp() as f64,
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::crawl::stats::{CrawlStats, Event, Tally};

    #[test]
    fn renders_crawler_store_and_schedule_figures() {
        let stats = CrawlStats::new();
        let tally = Tally::new(stats.clone(), "news-az");
        tally.response(200, 1500, Duration::from_millis(40), true);
        tally.response(304, 0, Duration::from_millis(5), true);
        tally.response(503, 20, Duration::from_millis(8), true);
        tally.event(Event::Stored);
        tally.event(Event::NotModified);
        tally.event(Event::RobotsBlocked);
        tally.event(Event::Error("timeout"));
        tally.event(Event::Changed(crate::store::ChangeKind::Edited));
        tally.events(Event::Changed(crate::store::ChangeKind::Removed), 2);
        tally.waited_for_memory(Duration::from_millis(1500));
        tally.waited_for_memory(Duration::from_millis(250));
        let snapshot = stats.snapshot();
        let due = BTreeMap::from([("news-az".to_string(), 7)]);
        let text = render(&MetricsInput {
            crawl: &snapshot,
            queue: Some(QueueFigures {
                articles: 4,
                pending: 3,
                leased: 1,
                acked: 0,
                duplicates: 1,
            }),
            sources: &[],
            revisits_due: &due,
            heartbeat_age: Duration::from_millis(200),
            uptime: Duration::from_secs(60),
        });
        for line in [
            "gleaner_fetches_total{class=\"2xx\"} 1\n",
            "gleaner_fetches_total{class=\"3xx\"} 1\n",
            "gleaner_fetches_total{class=\"5xx\"} 1\n",
            "gleaner_fetched_bytes_total 1520\n",
            "gleaner_articles_stored_total 1\n",
            "gleaner_not_modified_total 1\n",
            "gleaner_memory_waits_total 2\n",
            "gleaner_memory_wait_seconds_total 1.75\n",
            "gleaner_robots_blocked_total 1\n",
            "gleaner_errors_total{kind=\"timeout\"} 1\n",
            "gleaner_fetch_duration_seconds_bucket{le=\"0.01\"} 2\n",
            "gleaner_fetch_duration_seconds_bucket{le=\"+Inf\"} 3\n",
            "gleaner_fetch_duration_seconds_count 3\n",
            "gleaner_queue_depth{state=\"pending\"} 3\n",
            "gleaner_store_up 1\n",
            "gleaner_source_articles_stored_total{source=\"news-az\"} 1\n",
            "gleaner_source_errors_total{source=\"news-az\"} 1\n",
            "gleaner_articles_edited_total{source=\"news-az\"} 1\n",
            "gleaner_articles_removed_total{source=\"news-az\"} 2\n",
            "gleaner_articles_restored_total{source=\"news-az\"} 0\n",
            "gleaner_watched_articles_due{source=\"news-az\"} 7\n",
        ] {
            assert!(text.contains(line), "missing {line:?} in\n{text}");
        }
        assert!(
            text.contains("gleaner_source_last_success_timestamp_seconds{source=\"news-az\"} ")
        );
        // Every sample line belongs to a family announced with # TYPE, under the prefix.
        for line in text.lines().filter(|l| !l.starts_with('#')) {
            assert!(line.starts_with("gleaner_"), "{line}");
        }
    }

    #[test]
    fn store_down_is_visible_without_queue_figures() {
        let snapshot = CrawlStats::new().snapshot();
        let text = render(&MetricsInput {
            crawl: &snapshot,
            queue: None,
            sources: &[],
            revisits_due: &BTreeMap::new(),
            heartbeat_age: Duration::ZERO,
            uptime: Duration::ZERO,
        });
        assert!(text.contains("gleaner_store_up 0\n"), "{text}");
        assert!(!text.contains("gleaner_queue_depth{"), "{text}");
    }
}
