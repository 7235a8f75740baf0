//! The daemon's store, reached over its HTTP API: what `gleaner queue …` and
//! `gleaner export` use while the daemon holds the database.
//!
//! It plays the roles a consumer needs, completely: an [`ArticleReader`] (records in store
//! order and their raw pages), the [`ConsumerQueue`] (pop, ack, stats), the
//! [`VersionHistory`] and the [`ChangeLog`], so those commands
//! run the same code whichever way they reach the data. The crawler's roles are not
//! offered by the API, and this type does not pretend to play them.

use std::time::Duration;

use async_trait::async_trait;

use crate::store::{
    AckOutcome, ArticleId, ArticleReader, ArticleRecord, ArticleVersion, Change, ChangeLog,
    ConsumerQueue, Delivery, RawPage, Result, StoreError, StoreStats, VersionHistory,
};

use super::api::{MAX_ARTICLES_LIMIT, MAX_POP_MAX};
use super::client::{ApiClient, ClientError};

/// The consumer roles of a running daemon.
pub struct RemoteStore {
    client: ApiClient,
}

impl RemoteStore {
    pub fn new(client: ApiClient) -> RemoteStore {
        RemoteStore { client }
    }

    /// The daemon's API address, for messages.
    pub fn base(&self) -> &str {
        self.client.base()
    }

    /// Checks that the daemon answers `/healthz` (healthy or not: its data is reachable).
    pub async fn check(&self) -> std::result::Result<(), ClientError> {
        self.client.health().await.map(|_| ())
    }
}

fn remote(during: &'static str) -> impl FnOnce(ClientError) -> StoreError {
    move |e| StoreError::Backend {
        during,
        source: Box::new(e),
    }
}

#[async_trait]
impl ArticleReader for RemoteStore {
    async fn article(&self, id: ArticleId) -> Result<Option<ArticleRecord>> {
        self.client
            .article(id)
            .await
            .map_err(remote("reading an article through the daemon API"))
    }

    async fn articles_since(
        &self,
        after_seq: u64,
        source: Option<&str>,
        limit: usize,
    ) -> Result<Vec<ArticleRecord>> {
        let limit = limit.clamp(1, MAX_ARTICLES_LIMIT);
        let page = self
            .client
            .articles(after_seq, source, limit)
            .await
            .map_err(remote("reading articles through the daemon API"))?;
        Ok(page.articles)
    }

    async fn raw_page(&self, id: ArticleId) -> Result<Option<RawPage>> {
        self.client
            .raw_page(id)
            .await
            .map_err(remote("reading a raw page through the daemon API"))
    }
}

#[async_trait]
impl ConsumerQueue for RemoteStore {
    async fn pop(&self, max: usize, lease: Duration) -> Result<Vec<Delivery>> {
        // The daemon leases by its own clock.
        self.client
            .pop(max.clamp(1, MAX_POP_MAX), lease)
            .await
            .map_err(remote("leasing articles through the daemon API"))
    }

    async fn ack(&self, tokens: &[String]) -> Result<Vec<AckOutcome>> {
        let mut outcomes = Vec::with_capacity(tokens.len());
        for chunk in tokens.chunks(MAX_POP_MAX) {
            let results = self
                .client
                .ack(chunk)
                .await
                .map_err(remote("acknowledging through the daemon API"))?;
            outcomes.extend(results.into_iter().map(|r| r.outcome));
        }
        Ok(outcomes)
    }

    async fn stats(&self) -> Result<StoreStats> {
        self.client
            .stats()
            .await
            .map_err(remote("reading queue counts through the daemon API"))
    }
}

#[async_trait]
impl VersionHistory for RemoteStore {
    async fn versions(&self, id: ArticleId) -> Result<Option<Vec<ArticleVersion>>> {
        self.client.versions(id).await.map_err(remote(
            "reading an article's versions through the daemon API",
        ))
    }

    async fn version_raw(&self, id: ArticleId, version: u32) -> Result<Option<RawPage>> {
        self.client.version_raw(id, version).await.map_err(remote(
            "reading a version's raw page through the daemon API",
        ))
    }
}

#[async_trait]
impl ChangeLog for RemoteStore {
    async fn changes_since(
        &self,
        after_seq: u64,
        source: Option<&str>,
        limit: usize,
    ) -> Result<Vec<Change>> {
        let limit = limit.clamp(1, MAX_ARTICLES_LIMIT);
        let page = self
            .client
            .changes(after_seq, source, limit)
            .await
            .map_err(remote("reading the change log through the daemon API"))?;
        Ok(page.changes)
    }
}
