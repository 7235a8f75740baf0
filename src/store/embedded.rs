//! The embedded backends (sled, memory) in their async roles.
//!
//! [`KvStore`]'s API is synchronous because sled is; here each role's call runs it on
//! tokio's blocking pool, so a commit's fsync or a cold read never stalls the tasks that
//! fetch pages. The frontier's claims run inline: they work in memory and read at most a
//! segment or two, and they call back into the caller's politeness gate, which cannot be
//! sent to another thread.

use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;

use super::engine::KvStore;
use super::error::{Result, StoreError};
use super::kv::Kv;
use super::queue::{AckOutcome, Delivery, StoreStats};
use super::record::{ArticleId, ArticleRecord, PutOutcome, RawPage, Validators};
use super::roles::{
    ArticleReader, ArticleSink, ArticleVersion, Change, ChangeLog, Claim, Claims, Committed,
    ConsumerQueue, CrawlOutcome, CrawlStart, Frontier, FrontierLimits, HostGate, OpenedCrawl,
    PageMemory, RevisitSchedule, ScheduleMemory, VersionHistory,
};
use super::watch::WatchPolicy;
use crate::extract::article::Article;
use chrono::{DateTime, Utc};

/// A shared handle to an embedded store, implementing every role.
pub struct Embedded<K: Kv>(pub Arc<KvStore<K>>);

impl<K: Kv> Clone for Embedded<K> {
    fn clone(&self) -> Self {
        Embedded(Arc::clone(&self.0))
    }
}

impl<K: Kv> std::ops::Deref for Embedded<K> {
    type Target = KvStore<K>;
    fn deref(&self) -> &KvStore<K> {
        &self.0
    }
}

impl<K: Kv + 'static> Embedded<K> {
    pub fn new(store: KvStore<K>) -> Self {
        Embedded(Arc::new(store))
    }

    /// Runs `f` on the store on tokio's blocking pool.
    async fn blocking<T: Send + 'static>(
        &self,
        during: &'static str,
        f: impl FnOnce(&KvStore<K>) -> Result<T> + Send + 'static,
    ) -> Result<T> {
        let store = Arc::clone(&self.0);
        tokio::task::spawn_blocking(move || f(&store))
            .await
            .map_err(|e| StoreError::backend(during, e))?
    }
}

#[async_trait]
impl<K: Kv + 'static> Frontier for Embedded<K> {
    async fn open_crawl(
        &self,
        crawl: &str,
        start: CrawlStart,
        limits: FrontierLimits,
    ) -> Result<OpenedCrawl> {
        let crawl = crawl.to_string();
        self.blocking("opening a crawl's frontier", move |s| {
            s.open_frontier(&crawl, start, limits)
        })
        .await
    }

    async fn claim(
        &self,
        crawl: &str,
        max: usize,
        gate: &mut (dyn HostGate + Send),
    ) -> Result<Claims> {
        self.0.claim_frontier(crawl, max, gate)
    }

    async fn release(&self, crawl: &str, claims: Vec<Claim>) -> Result<()> {
        self.0.release_frontier(crawl, claims)
    }

    async fn close_crawl(&self, crawl: &str) -> Result<()> {
        self.0.close_frontier(crawl);
        Ok(())
    }

    async fn pending(&self, crawl: &str) -> Result<u64> {
        let crawl = crawl.to_string();
        self.blocking("counting pending URLs", move |s| s.frontier_pending(&crawl))
            .await
    }
}

#[async_trait]
impl<K: Kv + 'static> PageMemory for Embedded<K> {
    async fn validators(&self, url: &str) -> Result<Option<Validators>> {
        let url = url.to_string();
        self.blocking("reading validators", move |s| s.validators(&url))
            .await
    }
}

#[async_trait]
impl<K: Kv + 'static> ArticleSink for Embedded<K> {
    async fn commit(&self, batch: Vec<CrawlOutcome>) -> Result<Vec<Committed>> {
        self.blocking("committing a crawl batch", move |s| s.commit_crawl(batch))
            .await
    }

    fn keeps_raw_pages(&self) -> bool {
        self.options.keep_raw
    }

    async fn apply_reextraction(
        &self,
        id: ArticleId,
        article: Article,
        extractor_version: &str,
    ) -> Result<Option<PutOutcome>> {
        let version = extractor_version.to_string();
        self.blocking("storing a re-extraction", move |s| {
            s.apply_reextraction(id, article, &version)
        })
        .await
    }
}

#[async_trait]
impl<K: Kv + 'static> ArticleReader for Embedded<K> {
    async fn article(&self, id: ArticleId) -> Result<Option<ArticleRecord>> {
        self.blocking("reading an article", move |s| s.get_article(id))
            .await
    }

    async fn articles_since(
        &self,
        after_seq: u64,
        source: Option<&str>,
        limit: usize,
    ) -> Result<Vec<ArticleRecord>> {
        let source = source.map(str::to_string);
        self.blocking("reading articles", move |s| {
            s.articles_since(after_seq, source.as_deref(), limit)
        })
        .await
    }

    async fn raw_page(&self, id: ArticleId) -> Result<Option<RawPage>> {
        self.blocking("reading a raw page", move |s| s.raw_page(id))
            .await
    }
}

#[async_trait]
impl<K: Kv + 'static> ConsumerQueue for Embedded<K> {
    async fn pop(&self, max: usize, lease: Duration) -> Result<Vec<Delivery>> {
        self.blocking("leasing queue entries", move |s| s.pop(max, lease, s.now()))
            .await
    }

    async fn ack(&self, tokens: &[String]) -> Result<Vec<AckOutcome>> {
        let tokens = tokens.to_vec();
        self.blocking("acknowledging deliveries", move |s| s.ack(&tokens, s.now()))
            .await
    }

    async fn stats(&self) -> Result<StoreStats> {
        self.blocking("counting the queue", move |s| s.stats(s.now()))
            .await
    }
}

#[async_trait]
impl<K: Kv + 'static> ScheduleMemory for Embedded<K> {
    async fn recall(&self, source: &str) -> Result<Option<Vec<u8>>> {
        let source = source.to_string();
        self.blocking("reading a source's schedule", move |s| {
            s.source_state(&source)
        })
        .await
    }

    async fn remember(&self, source: &str, state: &[u8]) -> Result<()> {
        let (source, state) = (source.to_string(), state.to_vec());
        self.blocking("storing a source's schedule", move |s| {
            s.set_source_state(&source, &state)
        })
        .await
    }
}

#[async_trait]
impl<K: Kv + 'static> VersionHistory for Embedded<K> {
    async fn versions(&self, id: ArticleId) -> Result<Option<Vec<ArticleVersion>>> {
        self.blocking("reading an article's versions", move |s| s.versions(id))
            .await
    }

    async fn version_raw(&self, id: ArticleId, version: u32) -> Result<Option<RawPage>> {
        self.blocking("reading a version's raw page", move |s| {
            s.version_raw(id, version)
        })
        .await
    }
}

#[async_trait]
impl<K: Kv + 'static> ChangeLog for Embedded<K> {
    async fn changes_since(
        &self,
        after_seq: u64,
        source: Option<&str>,
        limit: usize,
    ) -> Result<Vec<Change>> {
        let source = source.map(str::to_string);
        self.blocking("reading the change log", move |s| {
            s.changes_since(after_seq, source.as_deref(), limit)
        })
        .await
    }
}

#[async_trait]
impl<K: Kv + 'static> RevisitSchedule for Embedded<K> {
    async fn set_policy(&self, policy: WatchPolicy) -> Result<()> {
        self.0.set_watch_policy(policy);
        Ok(())
    }

    async fn enqueue_due(&self, source: &str, crawl: &str, max: usize) -> Result<u64> {
        let (source, crawl) = (source.to_string(), crawl.to_string());
        self.blocking("handing out due revisits", move |s| {
            s.enqueue_due(&source, &crawl, max)
        })
        .await
    }

    async fn next_due(&self, source: &str) -> Result<Option<DateTime<Utc>>> {
        let source = source.to_string();
        self.blocking("reading the revisit schedule", move |s| s.next_due(&source))
            .await
    }

    async fn count_due(&self, source: &str, cap: u64) -> Result<u64> {
        let source = source.to_string();
        self.blocking("counting due revisits", move |s| s.count_due(&source, cap))
            .await
    }
}
