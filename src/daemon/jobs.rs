//! Runs the scheduler's crawls on the process's one [`Crawler`].
//!
//! Every source crawls through the same crawler, so robots.txt caching and the politeness
//! budget of each host are shared: two sources on one site never double its rate.

use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, RwLock};

use crate::config::{CrawlerConfig, SourceConfig};
use crate::crawl::{CrawlJob, Crawler, StopReason};
use crate::store::CrawlStart;

use super::scheduler::{CrawlReport, SourceCrawler, StopToken};

/// [`SourceCrawler`] over the fetch crawler.
pub struct CrawlerJobs {
    crawler: Arc<Crawler>,
    /// Defaults for per-source settings (`max_depth`, `max_pages`, `min_delay`); replaced on
    /// reload so the next crawl of every source uses the new ones.
    defaults: RwLock<CrawlerConfig>,
}

impl CrawlerJobs {
    pub fn new(crawler: Arc<Crawler>, defaults: CrawlerConfig) -> Self {
        CrawlerJobs {
            crawler,
            defaults: RwLock::new(defaults),
        }
    }

    pub fn set_defaults(&self, defaults: CrawlerConfig) {
        match self.defaults.write() {
            Ok(mut d) => *d = defaults,
            Err(poisoned) => *poisoned.into_inner() = defaults,
        }
    }

    fn job(&self, source: &SourceConfig, resume: bool) -> CrawlJob {
        let defaults = match self.defaults.read() {
            Ok(d) => d,
            Err(poisoned) => poisoned.into_inner(),
        };
        let mut job = CrawlJob::from_source(source, &defaults);
        job.start = if resume {
            CrawlStart::Resume
        } else {
            CrawlStart::NewCycle
        };
        job
    }
}

impl SourceCrawler for CrawlerJobs {
    fn crawl(
        &self,
        source: Arc<SourceConfig>,
        resume: bool,
        mut stop: StopToken,
    ) -> Pin<Box<dyn Future<Output = CrawlReport> + Send + 'static>> {
        let job = self.job(&source, resume);
        let crawler = Arc::clone(&self.crawler);
        Box::pin(async move {
            match crawler
                .crawl(job, async move { stop.stopped().await })
                .await
            {
                Ok(summary) => {
                    let c = &summary.counters;
                    if summary.stop == StopReason::MaxPages {
                        tracing::info!(
                            source = %source.name,
                            pending = summary.pending,
                            "crawl reached max_pages; the next cycle starts from the seeds again"
                        );
                    }
                    CrawlReport {
                        pages: c.pages_fetched,
                        articles: c.stored + c.updated,
                        errors: c.errors_total(),
                        failure: None,
                    }
                }
                Err(e) => CrawlReport {
                    failure: Some(e.to_string()),
                    ..CrawlReport::default()
                },
            }
        })
    }
}
