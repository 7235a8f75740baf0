//! The daemon's store, reached over its HTTP API: what `gleaner queue …` and
//! `gleaner export` use while the daemon holds the database.
//!
//! It implements the [`Store`] trait for the operations a consumer needs (reading
//! articles in store order and their raw pages, the queue's pop/ack/stats), so those
//! commands run the same code whichever way they reach the data. The crawler's operations
//! (frontier, writes, re-extraction) are not offered by the API; asking for them is an
//! error that says so. The calls block on a private single-threaded runtime, so use this from
//! synchronous code only (the CLI), never from inside an async task.

use std::future::Future;
use std::time::Duration;

use chrono::{DateTime, Utc};

use crate::extract::article::Article;
use crate::store::{
    AckOutcome, ArticleId, ArticleRecord, Delivery, FrontierEntry, NewArticle, PendingPage,
    PutOutcome, RawPage, Result, Store, StoreError, StoreStats, Validators,
};

use super::api::{MAX_ARTICLES_LIMIT, MAX_POP_MAX};
use super::client::{ApiClient, ClientError};

/// A [`Store`] that forwards to a running daemon.
pub struct RemoteStore {
    client: ApiClient,
    runtime: tokio::runtime::Runtime,
}

impl RemoteStore {
    pub fn new(client: ApiClient) -> std::io::Result<RemoteStore> {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()?;
        Ok(RemoteStore { client, runtime })
    }

    /// The daemon's API address, for messages.
    pub fn base(&self) -> &str {
        self.client.base()
    }

    /// Checks that the daemon answers `/healthz` (healthy or not: its data is reachable).
    pub fn check(&self) -> std::result::Result<(), ClientError> {
        self.runtime.block_on(self.client.health()).map(|_| ())
    }

    fn call<T>(
        &self,
        during: &'static str,
        future: impl Future<Output = std::result::Result<T, ClientError>>,
    ) -> Result<T> {
        self.runtime
            .block_on(future)
            .map_err(|e| StoreError::Backend {
                during,
                source: Box::new(e),
            })
    }

    fn unavailable<T>(&self, what: &'static str) -> Result<T> {
        Err(StoreError::Backend {
            during: what,
            source: format!(
                "not available through the daemon API at {}; stop the daemon to use the database directly",
                self.client.base()
            )
            .into(),
        })
    }
}

impl Store for RemoteStore {
    fn frontier_push(&self, _entry: &FrontierEntry) -> Result<bool> {
        self.unavailable("adding to the frontier")
    }
    fn frontier_pending(&self, _source: &str, _after: u64, _limit: usize) -> Result<PendingPage> {
        self.unavailable("reading the frontier")
    }
    fn frontier_pending_count(&self, _source: &str) -> Result<u64> {
        self.unavailable("reading the frontier")
    }
    fn frontier_done(&self, _source: &str, _url: &str) -> Result<()> {
        self.unavailable("updating the frontier")
    }
    fn frontier_new_cycle(&self, _source: &str) -> Result<()> {
        self.unavailable("starting a crawl cycle")
    }
    fn validators(&self, _url: &str) -> Result<Option<Validators>> {
        self.unavailable("reading validators")
    }
    fn set_validators(&self, _url: &str, _validators: &Validators) -> Result<()> {
        self.unavailable("storing validators")
    }
    fn record_not_modified(
        &self,
        _url: &str,
        _seen_at: DateTime<Utc>,
    ) -> Result<Option<ArticleId>> {
        self.unavailable("recording a 304")
    }
    fn put_article(&self, _article: NewArticle) -> Result<PutOutcome> {
        self.unavailable("storing an article")
    }
    fn put_articles(&self, _batch: Vec<NewArticle>) -> Result<Vec<PutOutcome>> {
        self.unavailable("storing articles")
    }
    fn get_article(&self, id: ArticleId) -> Result<Option<ArticleRecord>> {
        self.call(
            "reading an article through the daemon API",
            self.client.article(id),
        )
    }

    fn articles_since(
        &self,
        after_seq: u64,
        source: Option<&str>,
        limit: usize,
    ) -> Result<Vec<ArticleRecord>> {
        let limit = limit.clamp(1, MAX_ARTICLES_LIMIT);
        let page = self.call(
            "reading articles through the daemon API",
            self.client.articles(after_seq, source, limit),
        )?;
        Ok(page.articles)
    }

    fn raw_page(&self, id: ArticleId) -> Result<Option<RawPage>> {
        self.call(
            "reading a raw page through the daemon API",
            self.client.raw_page(id),
        )
    }

    fn apply_reextraction(
        &self,
        _id: ArticleId,
        _article: Article,
        _extractor_version: &str,
    ) -> Result<Option<PutOutcome>> {
        self.unavailable("re-extracting articles")
    }

    fn pop(&self, max: usize, lease: Duration, _now: DateTime<Utc>) -> Result<Vec<Delivery>> {
        // The daemon leases by its own clock; `now` is for the local store's tests.
        self.call(
            "leasing articles through the daemon API",
            self.client.pop(max.clamp(1, MAX_POP_MAX), lease),
        )
    }

    fn ack(&self, tokens: &[String], _now: DateTime<Utc>) -> Result<Vec<AckOutcome>> {
        let mut outcomes = Vec::with_capacity(tokens.len());
        for chunk in tokens.chunks(MAX_POP_MAX) {
            let results = self.call(
                "acknowledging through the daemon API",
                self.client.ack(chunk),
            )?;
            outcomes.extend(results.into_iter().map(|r| r.outcome));
        }
        Ok(outcomes)
    }

    fn stats(&self, _now: DateTime<Utc>) -> Result<StoreStats> {
        self.call(
            "reading queue counts through the daemon API",
            self.client.stats(),
        )
    }

    fn flush(&self) -> Result<()> {
        // The daemon makes its own writes durable (acks before it answers).
        Ok(())
    }

    fn source_state(&self, _source: &str) -> Result<Option<Vec<u8>>> {
        self.unavailable("reading the schedule")
    }

    fn set_source_state(&self, _source: &str, _state: &[u8]) -> Result<()> {
        self.unavailable("changing the schedule")
    }
}
