//! Runs the scheduler's crawls on the process's one [`Crawler`].
//!
//! Every source crawls through the same crawler, so robots.txt caching and the politeness
//! budget of each host are shared: two sources on one site never double its rate.

use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, RwLock};

use chrono::{DateTime, Utc};

use crate::config::{CrawlerConfig, SourceConfig};
use crate::crawl::{CrawlJob, CrawlSummary, Crawler, StopReason};
use crate::store::{CrawlStart, RevisitSchedule};

use super::scheduler::{CrawlReport, SourceCrawler, StopToken};

/// [`SourceCrawler`] over the fetch crawler.
pub struct CrawlerJobs {
    crawler: Arc<Crawler>,
    /// The store's revisit schedule: when each source's next revisit is due.
    revisits: Arc<dyn RevisitSchedule>,
    /// Defaults for per-source settings (`max_depth`, `max_pages`, `min_delay`); replaced on
    /// reload so the next crawl of every source uses the new ones.
    defaults: RwLock<CrawlerConfig>,
}

impl CrawlerJobs {
    pub fn new(
        crawler: Arc<Crawler>,
        revisits: Arc<dyn RevisitSchedule>,
        defaults: CrawlerConfig,
    ) -> Self {
        CrawlerJobs {
            crawler,
            revisits,
            defaults: RwLock::new(defaults),
        }
    }

    pub fn set_defaults(&self, defaults: CrawlerConfig) {
        match self.defaults.write() {
            Ok(mut d) => *d = defaults,
            Err(poisoned) => *poisoned.into_inner() = defaults,
        }
    }

    fn defaults(&self) -> CrawlerConfig {
        match self.defaults.read() {
            Ok(d) => d.clone(),
            Err(poisoned) => poisoned.into_inner().clone(),
        }
    }

    fn job(&self, source: &SourceConfig, resume: bool) -> CrawlJob {
        let defaults = self.defaults();
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
                    if summary.stop == StopReason::MaxPages {
                        tracing::info!(
                            source = %source.name,
                            pending = summary.pending,
                            "crawl reached max_pages; the next cycle starts from the seeds again"
                        );
                    }
                    report(&summary)
                }
                Err(e) => CrawlReport {
                    failure: Some(e.to_string()),
                    ..CrawlReport::default()
                },
            }
        })
    }

    fn revisit(
        &self,
        source: Arc<SourceConfig>,
        mut stop: StopToken,
    ) -> Pin<Box<dyn Future<Output = CrawlReport> + Send + 'static>> {
        let job = CrawlJob::revisits_of(&source, &self.defaults());
        let crawler = Arc::clone(&self.crawler);
        Box::pin(async move {
            match crawler
                .crawl(job, async move { stop.stopped().await })
                .await
            {
                Ok(summary) => report(&summary),
                Err(e) => CrawlReport {
                    failure: Some(e.to_string()),
                    ..CrawlReport::default()
                },
            }
        })
    }

    fn next_revisit(
        &self,
        source: &str,
    ) -> Pin<Box<dyn Future<Output = Option<DateTime<Utc>>> + Send + 'static>> {
        let revisits = Arc::clone(&self.revisits);
        let source = source.to_string();
        Box::pin(async move {
            match revisits.next_due(&source).await {
                Ok(due) => due,
                Err(error) => {
                    tracing::warn!(%source, %error, "cannot read the revisit schedule");
                    None
                }
            }
        })
    }
}

fn report(summary: &CrawlSummary) -> CrawlReport {
    let c = &summary.counters;
    CrawlReport {
        pages: c.pages_fetched,
        articles: c.stored + c.updated,
        errors: c.errors_total(),
        failure: None,
    }
}
