//! [`ArticleReader`] and [`PageMemory`] on PostgreSQL: plain indexed reads.

use async_trait::async_trait;

use super::super::codec;
use super::super::error::Result;
use super::super::record::{ArticleId, ArticleRecord, RawPage, Validators};
use super::super::roles::{ArticleReader, PageMemory};
use super::sink::record_of;
use super::{PgStore, db_id};

#[async_trait]
impl ArticleReader for PgStore {
    async fn article(&self, id: ArticleId) -> Result<Option<ArticleRecord>> {
        retrying!(*self.0, "reading an article", |client| {
            let row = client
                .query_opt(
                    "SELECT seq, record FROM gleaner.articles WHERE id = $1 AND seq IS NOT NULL",
                    &[&db_id(id)],
                )
                .await?;
            Ok(match row {
                Some(row) => Some(record_of(&row)?),
                None => None,
            })
        })
    }

    async fn articles_since(
        &self,
        after_seq: u64,
        source: Option<&str>,
        limit: usize,
    ) -> Result<Vec<ArticleRecord>> {
        if limit == 0 {
            return Ok(Vec::new());
        }
        let after = i64::try_from(after_seq).unwrap_or(i64::MAX);
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        retrying!(*self.0, "reading articles", |client| {
            let rows = match source {
                Some(source) => {
                    client
                        .query(
                            "SELECT seq, record FROM gleaner.articles
                             WHERE source = $1 AND seq > $2 ORDER BY seq LIMIT $3",
                            &[&source, &after, &limit],
                        )
                        .await?
                }
                None => {
                    client
                        .query(
                            "SELECT seq, record FROM gleaner.articles
                             WHERE seq > $1 ORDER BY seq LIMIT $2",
                            &[&after, &limit],
                        )
                        .await?
                }
            };
            rows.iter().map(record_of).collect()
        })
    }

    async fn raw_page(&self, id: ArticleId) -> Result<Option<RawPage>> {
        let bytes: Option<Vec<u8>> = retrying!(*self.0, "reading a raw page", |client| {
            let row = client
                .query_opt(
                    "SELECT raw FROM gleaner.raw_pages WHERE article = $1",
                    &[&db_id(id)],
                )
                .await?;
            Ok(row.map(|r| r.get::<_, Vec<u8>>(0)))
        })?;
        bytes
            .map(|b| codec::decode_raw(&b, format!("raw page {id}").as_bytes()))
            .transpose()
    }
}

#[async_trait]
impl PageMemory for PgStore {
    async fn validators(&self, url: &str) -> Result<Option<Validators>> {
        retrying!(*self.0, "reading validators", |client| {
            let row = client
                .query_opt(
                    "SELECT etag, last_modified FROM gleaner.pages WHERE url = $1",
                    &[&url],
                )
                .await?;
            Ok(row
                .map(|r| Validators {
                    etag: r.get(0),
                    last_modified: r.get(1),
                })
                .filter(|v| !v.is_empty()))
        })
    }
}
