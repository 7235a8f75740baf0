//! What a crawl is asked to do, and what it reports when it ends.

use std::time::Duration;

use url::Url;

use super::seeds::{self, SeedReport};
use super::stats::CountersSnapshot;
use crate::config::{CrawlerConfig, HttpUrl, Pattern, SourceConfig};
use crate::store::CrawlStart;

/// One crawl: what to start from and how far to go.
#[derive(Debug, Clone)]
pub struct CrawlJob {
    /// Crawl key and provenance `source`: a config source name, or the seed's host.
    pub source: String,
    pub seeds: Vec<Url>,
    pub feeds: Vec<Url>,
    pub sitemaps: Vec<Url>,
    pub allow: Vec<Pattern>,
    pub deny: Vec<Pattern>,
    pub max_depth: u32,
    /// Page requests (redirect hops and retries included) this run may make.
    pub max_pages: u64,
    pub min_delay: Duration,
    /// Preferred language for multilingual pages.
    pub lang: Option<String>,
    pub start: CrawlStart,
    /// Fetch the source's watched articles whose revisit is due instead of following its
    /// seeds: a crawl of its own ([`CrawlJob::crawl_key`]) whose pages add no links.
    pub revisits: bool,
}

/// The crawl key of `source`'s revisits: a frontier apart from its recrawls, so that a
/// revisit is never held back by a cycle that saw the URL already. Source names cannot
/// hold `#` (config names are `[A-Za-z0-9._-]`, seed sources host names).
pub fn revisit_crawl_key(source: &str) -> String {
    format!("{source}#revisits")
}

impl CrawlJob {
    /// The frontier this crawl works on.
    pub fn crawl_key(&self) -> String {
        if self.revisits {
            revisit_crawl_key(&self.source)
        } else {
            self.source.clone()
        }
    }

    /// A job for the due revisits of a configured source: its scope, limits and pace.
    pub fn revisits_of(source: &SourceConfig, crawler: &CrawlerConfig) -> Self {
        CrawlJob {
            revisits: true,
            start: CrawlStart::Resume,
            ..CrawlJob::from_source(source, crawler)
        }
    }

    /// A job for a configured source.
    pub fn from_source(source: &SourceConfig, crawler: &CrawlerConfig) -> Self {
        let urls = |v: &[HttpUrl]| v.iter().map(|u| u.as_url().clone()).collect();
        CrawlJob {
            source: source.name.as_str().to_string(),
            seeds: urls(&source.seeds),
            feeds: urls(&source.feeds),
            sitemaps: urls(&source.sitemaps),
            allow: source.allow.clone(),
            deny: source.deny.clone(),
            max_depth: source.max_depth(crawler),
            max_pages: source.max_pages(crawler),
            min_delay: source.min_delay(crawler),
            lang: source.lang.clone(),
            start: CrawlStart::Resume,
            revisits: false,
        }
    }

    /// A job for `gleaner crawl --seed URL`: the source is named after the first seed's host.
    pub fn from_seeds(seeds: Vec<Url>, crawler: &CrawlerConfig) -> Self {
        let source = seeds
            .first()
            .and_then(|u| u.host_str())
            .unwrap_or("seeds")
            .to_string();
        CrawlJob {
            source,
            seeds,
            feeds: Vec::new(),
            sitemaps: Vec::new(),
            allow: Vec::new(),
            deny: Vec::new(),
            max_depth: crawler.max_depth,
            max_pages: crawler.max_pages,
            min_delay: crawler.min_delay.get(),
            lang: None,
            start: CrawlStart::Resume,
            revisits: false,
        }
    }

    /// The URLs a new cycle starts from: seeds, feeds, sitemaps.
    pub fn start_urls(&self) -> impl Iterator<Item = &Url> {
        self.seeds.iter().chain(&self.feeds).chain(&self.sitemaps)
    }
}

/// Why a crawl ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum StopReason {
    /// Nothing left to fetch (paused hosts aside).
    Finished,
    /// `max_pages` reached; the rest stays pending.
    MaxPages,
    /// Stopped from outside; the rest stays pending for the next run.
    Cancelled,
}

/// What one crawl did.
#[derive(Debug, Clone, serde::Serialize)]
pub struct CrawlSummary {
    pub source: String,
    pub stop: StopReason,
    /// URLs taken over from an interrupted earlier run.
    pub resumed: u64,
    /// URLs still pending in the frontier when the crawl ended.
    pub pending: u64,
    pub counters: CountersSnapshot,
    pub elapsed: Duration,
    /// Every start URL of the job (seeds, feeds, sitemaps) and what became of it.
    pub seeds: Vec<SeedReport>,
}

impl CrawlSummary {
    /// The crawl had seeds and reached none of them: it did nothing
    /// ([`seeds::reached_no_seed`]).
    pub fn reached_no_seed(&self) -> bool {
        seeds::reached_no_seed(&self.seeds)
    }
}

/// A crawl's state as seen by a progress display.
#[derive(Debug, Clone)]
pub struct Progress {
    pub counters: CountersSnapshot,
    /// URLs pending in the frontier (claimed ones included).
    pub queued: u64,
    pub in_flight: usize,
    /// Pages fetched whose outcome is not committed yet.
    pub uncommitted: usize,
    /// Hosts with pending work that politeness is holding back right now.
    pub hosts_waiting: Vec<String>,
    pub elapsed: Duration,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn jobs_from_sources_and_seeds() {
        let config: crate::config::Config = toml::from_str(
            "[crawler]\nmax_depth = 4\n[[source]]\nname = \"ngo\"\nseeds = [\"https://ngo.example/news/\"]\nfeeds = [\"https://ngo.example/rss\"]\nmax_pages = 50\nmin_delay = \"5s\"\nlang = \"ru\"\n",
        )
        .expect("config");
        let job = CrawlJob::from_source(&config.sources[0], &config.crawler);
        assert_eq!(job.source, "ngo");
        assert_eq!((job.max_depth, job.max_pages), (4, 50));
        assert_eq!(job.min_delay, Duration::from_secs(5));
        assert_eq!(job.feeds.len(), 1);
        assert_eq!(job.start_urls().count(), 2);
        assert_eq!(job.lang.as_deref(), Some("ru"));
        let job = CrawlJob::from_seeds(
            vec![Url::parse("https://www.news.example/a").expect("url")],
            &config.crawler,
        );
        assert_eq!(job.source, "www.news.example");
    }
}
