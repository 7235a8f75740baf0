//! [`ArticleSink`] on PostgreSQL: a batch is one transaction, running the store's rules
//! ([`rules`]) over rows locked for it.
//!
//! Within the transaction each article is written as soon as it is decided, so the ones
//! after it find it (a reprint in the same batch is a duplicate of its original). Records
//! that move in store order (new, or new text) are written without a `seq`; the seqs are
//! allocated last, from one row locked until the commit, so that seqs are handed out in
//! commit order and `articles_since` never skips a record committed late with a lower seq.
//! That row is the one place where commits wait for each other, and only for the end of
//! the transaction.
//!
//! Statements go through a [`Pipeline`]: writes are deferred and sent with the next read,
//! so a new article costs three round trips (its record, its exact and its near
//! duplicates) whatever it writes, and a batch's frontier work a constant handful.

use std::collections::HashMap;

use async_trait::async_trait;
use deadpool_postgres::Transaction;

use super::super::error::{Result, StoreError};
use super::super::record::{ArticleId, ArticleRecord, NewArticle, PutOutcome, Validators};
use super::super::roles::{
    ArticleSink, Change, ChangeKind, Committed, CrawlOutcome, PageResult, RevisitAnswer,
};
use super::super::rules::{self, Reextraction, TextHashes};
use super::connect::PgError;
use super::pipeline::Pipeline;
use super::{Inner, PgStore, db_id, dedup, frontier};
use crate::extract::article::Article;

/// Pages kept per article: as the embedded store, the least recently seen URL goes first.
const MAX_PAGES: i64 = super::super::records::MAX_PAGES as i64;

/// One transaction's article work: the records it locked and wrote, and what moves.
pub(super) struct Articles<'a, 't> {
    /// The transaction's statements (writes deferred to the next read).
    pub pipe: Pipeline<'a, 't>,
    pub inner: &'a Inner,
    /// Records as this transaction has them (locked).
    pub(super) records: HashMap<i64, ArticleRecord>,
    /// Articles to put at the end of store order, in order (the last move counts).
    moved: Vec<i64>,
    pub articles: i64,
    pub duplicates: i64,
    /// Changes logged by this transaction, in order; their seqs are allocated last.
    pub changes: Vec<Change>,
}

impl<'a, 't> Articles<'a, 't> {
    pub fn new(tx: &'a Transaction<'t>, inner: &'a Inner) -> Self {
        Articles {
            pipe: Pipeline::new(tx),
            inner,
            records: HashMap::new(),
            moved: Vec::new(),
            articles: 0,
            duplicates: 0,
            changes: Vec::new(),
        }
    }

    /// Locks and reads the records of `ids` (in id order, so that two transactions lock
    /// the rows they share in the same order).
    pub async fn lock(&mut self, ids: &mut Vec<i64>) -> Result<(), PgError> {
        ids.sort_unstable();
        ids.dedup();
        ids.retain(|id| !self.records.contains_key(id));
        if ids.is_empty() {
            return Ok(());
        }
        let rows = self
            .pipe
            .query(
                "SELECT seq, record FROM gleaner.articles WHERE id = ANY($1)
                 ORDER BY id FOR UPDATE",
                params![ids.clone()],
            )
            .await?;
        for row in rows {
            let record = record_of(&row)?;
            self.records.insert(db_id(record.id), record);
        }
        Ok(())
    }

    /// The record of `id` as this transaction has it, locked.
    pub async fn get(&mut self, id: ArticleId) -> Result<Option<ArticleRecord>, PgError> {
        let key = db_id(id);
        if let Some(r) = self.records.get(&key) {
            return Ok(Some(r.clone()));
        }
        let row = self
            .pipe
            .query_opt(
                "SELECT seq, record FROM gleaner.articles WHERE id = $1 FOR UPDATE",
                params![key],
            )
            .await?;
        match row {
            Some(row) => {
                let record = record_of(&row)?;
                self.records.insert(key, record.clone());
                Ok(Some(record))
            }
            None => Ok(None),
        }
    }

    /// Writes `record`; `moved` takes it out of store order until the seqs are allocated.
    pub(super) async fn write(
        &mut self,
        record: ArticleRecord,
        moved: bool,
        near: bool,
    ) -> Result<(), PgError> {
        let key = db_id(record.id);
        let json = serde_json::to_value(&record)
            .map_err(|e| StoreError::backend("encoding an article record", e))?;
        let seq: Option<i64> = if moved || record.seq == 0 {
            None
        } else {
            Some(record.seq as i64)
        };
        let p = &record.provenance;
        self.pipe.defer(
            "INSERT INTO gleaner.articles (id, seq, source, final_url, fetched_at,
                     first_seen, last_seen, version, text_sha256, simhash, duplicate_of, near,
                     record)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
                 ON CONFLICT (id) DO UPDATE SET seq = excluded.seq, source = excluded.source,
                     final_url = excluded.final_url, fetched_at = excluded.fetched_at,
                     first_seen = excluded.first_seen, last_seen = excluded.last_seen,
                     version = excluded.version, text_sha256 = excluded.text_sha256,
                     simhash = excluded.simhash, duplicate_of = excluded.duplicate_of,
                     near = excluded.near, record = excluded.record",
            params![
                key,
                seq,
                p.source.clone(),
                p.final_url.clone(),
                p.fetched_at,
                record.first_seen,
                record.last_seen,
                record.version as i32,
                record.text_sha256.clone(),
                record.simhash.0 as i64,
                record.duplicate_of.map(db_id),
                near,
                json,
            ],
        );
        if moved {
            self.moved.retain(|m| *m != key);
            self.moved.push(key);
        }
        self.records.insert(key, record);
        Ok(())
    }

    /// Writes a record whose text and dedup state did not change.
    pub(super) async fn rewrite(&mut self, record: ArticleRecord) -> Result<(), PgError> {
        let key = db_id(record.id);
        let json = serde_json::to_value(&record)
            .map_err(|e| StoreError::backend("encoding an article record", e))?;
        self.pipe.defer(
            "UPDATE gleaner.articles SET last_seen = $2, record = $3, fetched_at = $4,
                 version = $5
             WHERE id = $1",
            params![
                key,
                record.last_seen,
                json,
                record.provenance.fetched_at,
                record.version as i32,
            ],
        );
        self.records.insert(key, record);
        Ok(())
    }

    /// The rules of an upsert (see `rules`), within this transaction.
    pub async fn upsert(
        &mut self,
        new: NewArticle,
        hashes: &TextHashes,
    ) -> Result<PutOutcome, PgError> {
        let id = rules::article_id(&new);
        let NewArticle {
            provenance,
            article,
            raw,
        } = new;
        let fetched_at = provenance.fetched_at;
        let page_urls = rules::page_urls(&provenance);
        let validators = rules::validators_of(&provenance);
        let (existing, mut lookups) = self.get_with_lookups(id, hashes).await?;
        let outcome = match existing {
            Some(mut record) if rules::same_text(&record, hashes) => {
                rules::seen_again(&mut record, &provenance);
                self.add_pages(id, &page_urls, &validators);
                if record.removed_at.is_some() {
                    // Found again where it had gone: restored, and consumers hear of it.
                    self.restore(record, fetched_at).await?;
                } else {
                    self.rewrite(record).await?;
                }
                PutOutcome::Unchanged { id }
            }
            Some(mut record) => {
                // Every replaced version is kept, with its raw page.
                self.archive_version(&record, true).await?;
                dedup::unindex(&mut self.pipe, id);
                let was_removed = record.removed_at.is_some();
                rules::new_version(&mut record, provenance, article);
                if was_removed {
                    self.log_change(&record, ChangeKind::Restored, fetched_at, None);
                }
                self.log_change(&record, ChangeKind::Edited, fetched_at, None);
                self.add_pages(id, &page_urls, &validators);
                self.replace_text(record, hashes, lookups.take()).await?
            }
            None => {
                let record = rules::new_record(id, provenance, article);
                self.articles += 1;
                self.watch_new(&record).await?;
                self.add_pages(id, &page_urls, &validators);
                rules::first_outcome(self.replace_text(record, hashes, lookups.take()).await?)
            }
        };
        if let (true, Some(raw), false) = (
            self.inner.options.keep_raw,
            raw,
            matches!(outcome, PutOutcome::Unchanged { .. }),
        ) {
            let bytes = raw.into_bytes();
            self.pipe.defer(
                "INSERT INTO gleaner.raw_pages (article, raw) VALUES ($1, $2)
                 ON CONFLICT (article) DO UPDATE SET raw = excluded.raw",
                params![db_id(id), bytes],
            );
        }
        Ok(outcome)
    }

    /// The record of `id` as [`get`](Self::get) has it; when it is not locked yet (a new
    /// article, as a rule), the dedup lookups for `hashes` go in the same exchange, since
    /// a new text needs them (see [`Lookups`]).
    async fn get_with_lookups(
        &mut self,
        id: ArticleId,
        hashes: &TextHashes,
    ) -> Result<(Option<ArticleRecord>, Option<Lookups>), PgError> {
        let key = db_id(id);
        if let Some(r) = self.records.get(&key) {
            return Ok((Some(r.clone()), None));
        }
        let mut reads = vec![(
            "SELECT seq, record FROM gleaner.articles WHERE id = $1 FOR UPDATE",
            params![key],
        )];
        reads.extend(self.lookup_reads(id, hashes));
        let mut answers = self.pipe.query_all(reads).await?.into_iter();
        let record = match answers.next().unwrap_or_default().first() {
            Some(row) => {
                let record = record_of(row)?;
                self.records.insert(key, record.clone());
                Some(record)
            }
            None => None,
        };
        Ok((record, Some(Lookups::of(answers, hashes))))
    }

    /// The dedup reads of a text with `hashes` for article `id`: the exact original, then
    /// (for a text long enough) the near-duplicate candidates.
    fn lookup_reads(&self, id: ArticleId, hashes: &TextHashes) -> Vec<dedup::Read> {
        let mut reads = vec![dedup::exact_original(id, hashes)];
        if hashes.near_eligible() {
            reads.push(dedup::near_candidates(
                &self.inner.blocks,
                self.inner.options.near_duplicate_distance,
                id,
                hashes.simhash,
            ));
        }
        reads
    }

    /// Gives `record` its new text: dedup decision, indexes, store order, queue.
    /// `lookups`: the dedup reads for this text if made already.
    async fn replace_text(
        &mut self,
        mut record: ArticleRecord,
        hashes: &TextHashes,
        lookups: Option<Lookups>,
    ) -> Result<PutOutcome, PgError> {
        let id = record.id;
        let mut original = self.find_original(id, hashes, lookups).await?;
        let settled = rules::settle_text(&mut record, hashes, original.as_mut());
        self.duplicates += settled.duplicates;
        if let Some(orig) = original {
            self.rewrite(orig).await?;
        }
        let near = settled.original && hashes.near_eligible();
        if near {
            dedup::index(&mut self.pipe, &self.inner.blocks, &record);
        }
        let queue = rules::queueable(&record, self.inner.options.queue_duplicates);
        self.write(record, true, near).await?;
        if queue {
            self.enqueue(id);
        }
        Ok(settled.outcome)
    }

    /// The original a text with `hashes` duplicates, locked, if any (never `id` itself).
    async fn find_original(
        &mut self,
        id: ArticleId,
        hashes: &TextHashes,
        lookups: Option<Lookups>,
    ) -> Result<Option<ArticleRecord>, PgError> {
        let lookups = match lookups {
            Some(l) => l,
            None => {
                let reads = self.lookup_reads(id, hashes);
                let answers = self.pipe.query_all(reads).await?;
                Lookups::of(answers.into_iter(), hashes)
            }
        };
        if let Some(orig) = lookups.exact {
            if let Some(record) = self.get(super::article_id(orig)).await? {
                if rules::is_exact_original(&record, id, hashes) {
                    return Ok(Some(record));
                }
            }
        }
        if hashes.near_eligible() {
            let candidates = lookups.near;
            let nearest = rules::nearest_original(
                hashes.simhash,
                id,
                self.inner.options.near_duplicate_distance,
                candidates,
            );
            if let Some(orig) = nearest {
                return self.get(orig).await;
            }
        }
        Ok(None)
    }

    /// Queues `id` unless an entry of it already waits.
    pub(super) fn enqueue(&mut self, id: ArticleId) {
        self.pipe.defer(
            "INSERT INTO gleaner.queue (article) VALUES ($1)
             ON CONFLICT (article) WHERE lease_expires IS NULL DO NOTHING",
            params![db_id(id)],
        );
    }

    /// Records that `urls` produced article `id` with these validators; an article keeps
    /// its [`MAX_PAGES`] most recently seen URLs.
    fn add_pages(&mut self, id: ArticleId, urls: &[String], validators: &Validators) {
        let key = db_id(id);
        for url in urls {
            self.pipe.defer(
                "INSERT INTO gleaner.pages (url, article, etag, last_modified, touched)
                 VALUES ($1, $2, $3, $4, nextval('gleaner.page_touch'))
                 ON CONFLICT (url) DO UPDATE SET article = excluded.article,
                     etag = excluded.etag, last_modified = excluded.last_modified,
                     touched = excluded.touched",
                params![
                    url.clone(),
                    key,
                    validators.etag.clone(),
                    validators.last_modified.clone()
                ],
            );
        }
        self.pipe.defer(
            "DELETE FROM gleaner.pages WHERE url IN (
                 SELECT url FROM gleaner.pages WHERE article = $1
                 ORDER BY touched DESC OFFSET $2)",
            params![key, MAX_PAGES],
        );
    }

    /// A 304 for `url` at `at`: the article it produced was seen again.
    pub async fn not_modified(
        &mut self,
        url: &str,
        at: chrono::DateTime<chrono::Utc>,
    ) -> Result<(), PgError> {
        let row = self
            .pipe
            .query_opt(
                "SELECT article FROM gleaner.pages WHERE url = $1 AND article IS NOT NULL",
                params![url.to_string()],
            )
            .await?;
        let Some(article) = row.map(|r| r.get::<_, i64>(0)) else {
            return Ok(());
        };
        if let Some(record) = self.get(super::article_id(article)).await? {
            self.seen_again(record, at).await?;
        }
        Ok(())
    }

    /// Validators of a page that is not an article (or not this time).
    pub fn validators(&mut self, url: &str, validators: &Validators) {
        self.pipe.defer(
            "INSERT INTO gleaner.pages (url, article, etag, last_modified, touched)
             VALUES ($1, NULL, $2, $3, nextval('gleaner.page_touch'))
             ON CONFLICT (url) DO UPDATE SET etag = excluded.etag,
                 last_modified = excluded.last_modified",
            params![
                url.to_string(),
                validators.etag.clone(),
                validators.last_modified.clone()
            ],
        );
    }

    /// A re-extraction of `id`'s stored page produced `article`.
    pub async fn reextracted(
        &mut self,
        id: ArticleId,
        article: Article,
        extractor_version: &str,
    ) -> Result<Option<PutOutcome>, PgError> {
        let Some(mut record) = self.get(id).await? else {
            return Ok(None);
        };
        let hashes = TextHashes::of(&article.text);
        if !rules::same_text(&record, &hashes) {
            // The same response, extracted anew: the old text is kept as a version, its
            // raw page stays the current one's.
            self.archive_version(&record, false).await?;
        }
        let outcome = match rules::reextract(&mut record, article, extractor_version, &hashes) {
            Reextraction::NewText => {
                dedup::unindex(&mut self.pipe, id);
                self.replace_text(record, &hashes, None).await?
            }
            Reextraction::Metadata => {
                let version = record.version;
                let queue = rules::queueable(&record, self.inner.options.queue_duplicates);
                let near = self.is_near_indexed(id).await?;
                self.write(record, true, near).await?;
                if queue {
                    self.enqueue(id);
                }
                PutOutcome::Updated { id, version }
            }
            Reextraction::Unchanged { write } => {
                if write {
                    self.rewrite(record).await?;
                }
                PutOutcome::Unchanged { id }
            }
        };
        Ok(Some(outcome))
    }

    pub(super) async fn is_near_indexed(&mut self, id: ArticleId) -> Result<bool, PgError> {
        let row = self
            .pipe
            .query_one(
                "SELECT near FROM gleaner.articles WHERE id = $1",
                params![db_id(id)],
            )
            .await?;
        Ok(row.get(0))
    }

    /// Counters, then store order: the seqs of the records that moved, allocated from the
    /// one row that orders commits; every deferred statement sent. Call last before
    /// committing.
    pub async fn finish(mut self) -> Result<(), PgError> {
        let shard = self.inner.shard;
        for (name, delta) in [("articles", self.articles), ("duplicates", self.duplicates)] {
            if delta != 0 {
                self.pipe
                    .defer(ADD_COUNTER, params![name.to_string(), shard, delta]);
            }
        }
        self.insert_changes().await?;
        if !self.moved.is_empty() {
            let n = self.moved.len() as i64;
            let last: i64 = self
                .pipe
                .query_one(
                    "UPDATE gleaner.sequences SET value = value + $1 WHERE name = 'article_seq'
                     RETURNING value",
                    params![n],
                )
                .await?
                .get(0);
            let seqs: Vec<i64> = (last - n + 1..=last).collect();
            self.pipe.defer(
                "UPDATE gleaner.articles a SET seq = u.seq
                 FROM unnest($1::bigint[], $2::bigint[]) AS u(id, seq) WHERE a.id = u.id",
                params![std::mem::take(&mut self.moved), seqs],
            );
        }
        self.pipe.flush().await
    }
}

/// The answers of the dedup reads for one text ([`Articles::lookup_reads`]).
///
/// A new article needs them, so they are sent with the read of its record: one round trip
/// where three were. What runs between that read and the decision in the statement order
/// of a one-at-a-time commit (the article's own revisit row, its pages, and for an edit
/// its archived version and its own bands, which both lookups exclude by `id`) cannot
/// change their answers, so the decision is the same.
struct Lookups {
    exact: Option<i64>,
    near: Vec<(
        ArticleId,
        super::super::record::Simhash,
        chrono::DateTime<chrono::Utc>,
    )>,
}

impl Lookups {
    fn of(
        mut answers: impl Iterator<Item = Vec<tokio_postgres::Row>>,
        hashes: &TextHashes,
    ) -> Self {
        let exact = dedup::exact_original_of(&answers.next().unwrap_or_default());
        let near = if hashes.near_eligible() {
            dedup::near_candidates_of(&answers.next().unwrap_or_default())
        } else {
            Vec::new()
        };
        Lookups { exact, near }
    }
}

/// Adds `$3` to counter `$1` (its shard `$2`).
const ADD_COUNTER: &str = "INSERT INTO gleaner.counters (name, shard, value) VALUES ($1, $2, $3)
     ON CONFLICT (name, shard) DO UPDATE SET value = gleaner.counters.value + excluded.value";

/// Adds `delta` to counter `name` (one of its shards).
pub(super) async fn add_counter(
    tx: &tokio_postgres::Transaction<'_>,
    name: &str,
    shard: i16,
    delta: i64,
) -> Result<(), PgError> {
    tx.execute(ADD_COUNTER, &[&name, &shard, &delta]).await?;
    Ok(())
}

/// The record of a row with columns `seq` and `record`.
pub(super) fn record_of(row: &tokio_postgres::Row) -> Result<ArticleRecord, PgError> {
    let seq: Option<i64> = row.try_get("seq")?;
    let json: serde_json::Value = row.try_get("record")?;
    let mut record: ArticleRecord =
        serde_json::from_value(json).map_err(|e| StoreError::Corrupt {
            what: "article record",
            key: "gleaner.articles.record".into(),
            detail: e.to_string(),
        })?;
    record.seq = seq.unwrap_or(0).max(0) as u64;
    Ok(record)
}

#[async_trait]
impl ArticleSink for PgStore {
    async fn commit(&self, mut batch: Vec<CrawlOutcome>) -> Result<Vec<Committed>> {
        for outcome in &batch {
            if let PageResult::Article(article) = &outcome.result {
                rules::validate(article)?;
            }
        }
        // Fingerprints before the transaction: no lock is held while hashing.
        let texts: Vec<String> = batch
            .iter()
            .filter_map(|o| match &o.result {
                PageResult::Article(a) => Some(a.article.text.clone()),
                PageResult::Revisit(r) => match &r.answer {
                    RevisitAnswer::Page {
                        article: Some(a), ..
                    } => Some(a.article.text.clone()),
                    _ => None,
                },
                _ => None,
            })
            .collect();
        let hashes: Vec<TextHashes> = if texts.len() > 8 {
            tokio::task::spawn_blocking(move || texts.iter().map(|t| TextHashes::of(t)).collect())
                .await
                .map_err(|e| StoreError::backend("fingerprinting a batch", e))?
        } else {
            texts.iter().map(|t| TextHashes::of(t)).collect()
        };
        let inner = &self.0;
        let limits = inner.limits_snapshot();
        let batch = &mut batch;
        retrying!(*inner, "committing a crawl batch", |client| {
            let tx = client.transaction().await?;
            let mut articles = Articles::new(&tx, inner);
            let mut ids: Vec<i64> = batch
                .iter()
                .filter_map(|o| match &o.result {
                    PageResult::Article(a) => Some(db_id(rules::article_id(a))),
                    _ => None,
                })
                .collect();
            articles.lock(&mut ids).await?;
            let mut results = Vec::with_capacity(batch.len());
            let mut next_hash = 0;
            for outcome in batch.iter() {
                let logged = articles.changes.len();
                let article = match &outcome.result {
                    PageResult::Article(a) => {
                        let h = &hashes[next_hash];
                        next_hash += 1;
                        Some(articles.upsert((**a).clone(), h).await?)
                    }
                    PageResult::NotModified { url, at } => {
                        articles.not_modified(url, *at).await?;
                        None
                    }
                    PageResult::Validators { url, validators } => {
                        articles.validators(url, validators);
                        None
                    }
                    PageResult::Revisit(revisit) => {
                        let h = match &revisit.answer {
                            RevisitAnswer::Page {
                                article: Some(_), ..
                            } => {
                                let h = &hashes[next_hash];
                                next_hash += 1;
                                Some(h)
                            }
                            _ => None,
                        };
                        articles.revisit((**revisit).clone(), h).await?
                    }
                    PageResult::Nothing => None,
                };
                let changes = articles.changes[logged..].iter().map(|c| c.kind).collect();
                results.push((article, changes));
            }
            let adds = frontier::stage_commit(&mut articles.pipe, batch, &limits).await?;
            articles.finish().await?;
            tx.commit().await?;
            Ok(results
                .into_iter()
                .zip(adds)
                .map(|((article, changes), frontier)| Committed {
                    article,
                    frontier,
                    changes,
                })
                .collect())
        })
    }

    fn keeps_raw_pages(&self) -> bool {
        self.0.options.keep_raw
    }

    async fn apply_reextraction(
        &self,
        id: ArticleId,
        article: Article,
        extractor_version: &str,
    ) -> Result<Option<PutOutcome>> {
        let inner = &self.0;
        retrying!(*inner, "storing a re-extraction", |client| {
            let tx = client.transaction().await?;
            let mut articles = Articles::new(&tx, inner);
            let outcome = articles
                .reextracted(id, article.clone(), extractor_version)
                .await?;
            articles.finish().await?;
            tx.commit().await?;
            Ok(outcome)
        })
    }
}
