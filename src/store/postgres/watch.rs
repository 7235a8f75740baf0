//! Watching stored articles on PostgreSQL: every replaced version (`versions`), the
//! revisits that found an article unchanged (`revisit_checks`), the change log (`changes`)
//! and the revisit schedule (`revisits`, one row per watched article).
//!
//! The rules are the embedded store's ([`watch`](super::super::watch) for when and what a
//! revisit's answer means, [`rules`](super::super::rules) for the article itself), run in
//! the transaction of the commit like the rest of an article's work:
//!
//! - an article is placed on its source's ladder in the commit that stores it;
//! - [`RevisitSchedule::enqueue_due`] takes due rows (`FOR UPDATE SKIP LOCKED`, so two
//!   daemons never hand out the same revisit), adds their URLs to the crawl's shared
//!   frontier and marks them handed out (`queued_url`), in one transaction;
//! - the commit of a [`PageResult::Revisit`](super::super::roles::PageResult::Revisit)
//!   finds the row by source and URL, judges the answer ([`watch::verdict`]), records the
//!   verdict (a new version, a removal, a restoration, a check) and moves the row to the
//!   next rung, or deletes it when the ladder is over.
//!
//! A crash anywhere leaves each watched article due, handed out (its URL pending in the
//! shared frontier) or judged and scheduled again, never two of these.

use std::collections::HashSet;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use tokio_postgres::Transaction;

use super::super::codec;
use super::super::error::{Result, StoreError};
use super::super::record::{
    ArticleId, ArticleRecord, DiscoveredVia, FrontierEntry, PutOutcome, RawPage, RemovalEvidence,
    host_key,
};
use super::super::roles::{
    ArticleReader, ArticleVersion, Change, ChangeKind, ChangeLog, CrawlOutcome, PageResult,
    RevisitAnswer, RevisitCheck, RevisitResult, RevisitSchedule, VersionHistory,
};
use super::super::rules::{self, TextHashes};
use super::super::watch::{self, Followup, WatchPolicy};
use super::connect::PgError;
use super::sink::Articles;
use super::{Inner, PgStore, article_id, db_id, frontier};

impl Inner {
    fn ladder(&self, source: &str) -> Vec<std::time::Duration> {
        self.watch
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .ladder(source)
            .to_vec()
    }
}

fn json<T: serde::Serialize>(value: &T, what: &'static str) -> Result<serde_json::Value, PgError> {
    serde_json::to_value(value).map_err(|e| PgError::Store(StoreError::backend(what, e)))
}

fn kind_of(s: &str) -> Option<ChangeKind> {
    Some(match s {
        "edited" => ChangeKind::Edited,
        "removed" => ChangeKind::Removed,
        "restored" => ChangeKind::Restored,
        _ => return None,
    })
}

fn micros(d: std::time::Duration) -> chrono::Duration {
    chrono::Duration::from_std(d).unwrap_or(chrono::Duration::MAX)
}

impl Articles<'_, '_> {
    /// Keeps the version `record` has now (before a later fetch or re-extraction replaces
    /// it); with `moved_raw`, its raw page moves with it (a new response replaces it).
    pub async fn archive_version(
        &mut self,
        record: &ArticleRecord,
        moved_raw: bool,
    ) -> Result<(), PgError> {
        let key = db_id(record.id);
        let version = record.version as i32;
        let data = json(
            &codec::current_version(record),
            "encoding an article version",
        )?;
        self.tx
            .execute(
                "INSERT INTO gleaner.versions (article, version, data) VALUES ($1, $2, $3)
                 ON CONFLICT (article, version) DO UPDATE SET data = excluded.data",
                &[&key, &version, &data],
            )
            .await?;
        if moved_raw {
            self.tx
                .execute(
                    "UPDATE gleaner.versions v SET raw = r.raw FROM gleaner.raw_pages r
                     WHERE v.article = $1 AND v.version = $2 AND r.article = $1",
                    &[&key, &version],
                )
                .await?;
            self.tx
                .execute("DELETE FROM gleaner.raw_pages WHERE article = $1", &[&key])
                .await?;
        }
        Ok(())
    }

    /// Logs a change of `record` (as it is after the change); its seq is allocated when
    /// the transaction finishes.
    pub fn log_change(
        &mut self,
        record: &ArticleRecord,
        kind: ChangeKind,
        at: DateTime<Utc>,
        evidence: Option<RemovalEvidence>,
    ) {
        let change = Change {
            seq: 0,
            id: record.id,
            url: record.provenance.final_url.clone(),
            source: record.provenance.source.clone(),
            kind,
            at,
            version: record.version,
            evidence,
        };
        tracing::info!(
            id = %change.id,
            url = %change.url,
            source = %change.source,
            version = change.version,
            kind = kind.as_str(),
            "article {}", kind.as_str()
        );
        self.changes.push(change);
    }

    /// Writes the changes this transaction logged, their seqs taken from the one row that
    /// orders them (locked until the commit, so the log follows commit order).
    pub async fn insert_changes(&mut self) -> Result<(), PgError> {
        if self.changes.is_empty() {
            return Ok(());
        }
        let n = self.changes.len() as i64;
        let last: i64 = self
            .tx
            .query_one(
                "UPDATE gleaner.sequences SET value = value + $1 WHERE name = 'change_seq'
                 RETURNING value",
                &[&n],
            )
            .await?
            .get(0);
        for (i, change) in self.changes.iter_mut().enumerate() {
            let seq = last - n + 1 + i as i64;
            change.seq = seq as u64;
            let evidence = change
                .evidence
                .as_ref()
                .map(|e| json(e, "encoding removal evidence"))
                .transpose()?;
            self.tx
                .execute(
                    "INSERT INTO gleaner.changes (seq, id, url, source, kind, at, version,
                         evidence)
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
                    &[
                        &seq,
                        &db_id(change.id),
                        &change.url,
                        &change.source,
                        &change.kind.as_str(),
                        &change.at,
                        &(change.version as i32),
                        &evidence,
                    ],
                )
                .await?;
        }
        Ok(())
    }

    /// Moves `record` to the end of store order and queues it again (a removal or a
    /// restoration is news to consumers).
    async fn write_moved(&mut self, record: ArticleRecord) -> Result<(), PgError> {
        let id = record.id;
        let near = self.is_near_indexed(id).await?;
        let queue = rules::queueable(&record, self.inner.options.queue_duplicates);
        self.write(record, true, near).await?;
        if queue {
            self.enqueue(id).await?;
        }
        Ok(())
    }

    /// A removed article found again at `at`: restored, logged, queued.
    pub async fn restore(
        &mut self,
        mut record: ArticleRecord,
        at: DateTime<Utc>,
    ) -> Result<(), PgError> {
        record.removed_at = None;
        record.removal = None;
        self.log_change(&record, ChangeKind::Restored, at, None);
        self.write_moved(record).await
    }

    /// A revisit found `record` gone at `at`.
    async fn mark_removed(
        &mut self,
        mut record: ArticleRecord,
        at: DateTime<Utc>,
        evidence: RemovalEvidence,
    ) -> Result<(), PgError> {
        record.removed_at = Some(at);
        record.removal = Some(evidence.clone());
        self.log_change(&record, ChangeKind::Removed, at, Some(evidence));
        self.write_moved(record).await
    }

    /// `record` answered as it was (a 304) at `at`: `last_seen`, and a restoration if it
    /// had been marked removed.
    pub async fn seen_again(
        &mut self,
        mut record: ArticleRecord,
        at: DateTime<Utc>,
    ) -> Result<(), PgError> {
        if record.removed_at.is_some() {
            record.last_seen = record.last_seen.max(at);
            self.restore(record, at).await
        } else if rules::not_modified(&mut record, at) {
            self.rewrite(record).await
        } else {
            Ok(())
        }
    }

    /// A revisit found version `version` of `id` unchanged at `at` (200 or 304).
    async fn note_check(
        &mut self,
        id: ArticleId,
        version: u32,
        at: DateTime<Utc>,
        status: u16,
    ) -> Result<(), PgError> {
        self.tx
            .execute(
                "INSERT INTO gleaner.revisit_checks (article, at, version, status)
                 VALUES ($1, $2, $3, $4)
                 ON CONFLICT (article, at) DO UPDATE SET version = excluded.version,
                     status = excluded.status",
                &[&db_id(id), &at, &(version as i32), &(status as i16)],
            )
            .await?;
        Ok(())
    }

    /// Places the new article `record` on its source's ladder.
    pub async fn watch_new(&mut self, record: &ArticleRecord) -> Result<(), PgError> {
        let source = &record.provenance.source;
        let ladder = self.inner.ladder(source);
        let Some(visit) =
            watch::first_visit(&ladder, record.id, record.first_seen, record.first_seen)
        else {
            return Ok(());
        };
        self.tx
            .execute(
                "INSERT INTO gleaner.revisits (article, source, due, rung, attempts)
                 VALUES ($1, $2, $3, $4, 0) ON CONFLICT (article) DO NOTHING",
                &[&db_id(record.id), source, &visit.due, &(visit.rung as i32)],
            )
            .await?;
        Ok(())
    }

    /// A revisit's outcome (`hashes`: of the page's article text, if any): the page's
    /// article stored as any other, the verdict on the watched article recorded, its next
    /// revisit scheduled. Returns what became of the page's article.
    pub async fn revisit(
        &mut self,
        result: RevisitResult,
        hashes: Option<&TextHashes>,
    ) -> Result<Option<PutOutcome>, PgError> {
        let RevisitResult {
            source,
            watched_url,
            at,
            answer,
        } = result;
        let row = self
            .tx
            .query_opt(
                "SELECT article, rung, attempts FROM gleaner.revisits
                 WHERE source = $1 AND queued_url = $2 FOR UPDATE",
                &[&source, &watched_url],
            )
            .await?;
        let queued = row.map(|r| {
            (
                r.get::<_, i64>(0),
                r.get::<_, i32>(1).max(0) as u32,
                r.get::<_, i32>(2).max(0) as u32,
            )
        });
        let watched = match queued {
            Some((article, rung, attempts)) => self
                .get(article_id(article))
                .await?
                .map(|record| (rung, attempts, record)),
            None => None,
        };
        let Some((rung, attempts, watched)) = watched else {
            // Not (or no longer) a revisit the schedule knows: the page counts as any page.
            tracing::debug!(url = %watched_url, source, "outcome of a revisit that is not handed out");
            if let Some((article, _, _)) = queued {
                self.tx
                    .execute(
                        "DELETE FROM gleaner.revisits WHERE article = $1",
                        &[&article],
                    )
                    .await?;
            }
            return match answer {
                RevisitAnswer::Page {
                    article: Some(article),
                    ..
                } => match hashes {
                    Some(hashes) => Ok(Some(self.upsert(*article, hashes).await?)),
                    None => Ok(None),
                },
                RevisitAnswer::NotModified { final_url } => {
                    self.not_modified(&final_url, at).await?;
                    Ok(None)
                }
                _ => Ok(None),
            };
        };
        let id = watched.id;
        let was_removed = watched.removed_at.is_some();
        let max_distance = self.inner.options.near_duplicate_distance;

        // What the revisit saw, and the evidence should it be a removal.
        let (seen, final_url, status, moved) =
            rules::revisit_seen(&answer, hashes, &watched, max_distance);
        let verdict = watch::verdict(seen, final_url.as_deref(), &watched_url, was_removed);

        // The page's article is stored as any other (for this article: the new version,
        // the restoration), unless it is this article judged gone.
        let mut outcome = None;
        match answer {
            RevisitAnswer::Page {
                article: Some(article),
                ..
            } => {
                if let (Some(hashes), true) = (hashes, watch::stores_page(seen, moved, verdict)) {
                    outcome = Some(self.upsert(*article, hashes).await?);
                }
            }
            RevisitAnswer::Failed { kind } => {
                tracing::info!(url = %watched_url, source, %kind, rung, "revisit got no answer; trying again later");
            }
            RevisitAnswer::Unchecked { reason } => {
                tracing::info!(url = %watched_url, source, %reason, "revisit not made");
            }
            _ => {}
        }
        let current = self.get(id).await?;
        match (watch::followup(verdict, seen, moved), current) {
            (Followup::MarkRemoved, Some(record)) => {
                let evidence = RemovalEvidence {
                    status,
                    final_url: final_url.unwrap_or_else(|| watched_url.clone()),
                };
                self.mark_removed(record, at, evidence).await?;
            }
            (Followup::SeenAgain { check }, Some(record)) => {
                let version = record.version;
                self.seen_again(record, at).await?;
                if check {
                    self.note_check(id, version, at, status).await?;
                }
            }
            (Followup::Check, Some(record)) => {
                self.note_check(id, record.version, at, status).await?;
            }
            _ => {}
        }

        // The next revisit.
        let ladder = self.inner.ladder(&source);
        let now = self.inner.clock.now();
        let next = watch::after_revisit(
            verdict,
            &ladder,
            rung,
            attempts,
            id,
            watched.first_seen,
            now,
        );
        match next {
            Some(watch::Scheduled {
                rung,
                attempts,
                due,
            }) => {
                self.tx
                    .execute(
                        "UPDATE gleaner.revisits SET due = $2, rung = $3, attempts = $4,
                             queued_url = NULL, queued_at = NULL
                         WHERE article = $1",
                        &[&db_id(id), &due, &(rung as i32), &(attempts as i32)],
                    )
                    .await?;
            }
            None => {
                self.tx
                    .execute(
                        "DELETE FROM gleaner.revisits WHERE article = $1",
                        &[&db_id(id)],
                    )
                    .await?;
            }
        }
        Ok(outcome)
    }
}

/// Places every article that has no revisit scheduled on its source's ladder as of `now`
/// ([`watch::first_visit`]: a rung missed already is due at once). For articles stored
/// before the database had a schedule (the version 2 migration) and ones copied in by
/// `migrate-store`. Returns how many were scheduled.
pub(super) async fn schedule_unwatched(
    tx: &Transaction<'_>,
    policy: &WatchPolicy,
    now: DateTime<Utc>,
) -> Result<u64, PgError> {
    let rows = tx
        .query(
            "SELECT a.id, a.source, a.first_seen FROM gleaner.articles a
             WHERE NOT EXISTS (SELECT 1 FROM gleaner.revisits r WHERE r.article = a.id)",
            &[],
        )
        .await?;
    let (mut ids, mut sources, mut dues, mut rungs) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for row in rows {
        let key: i64 = row.get(0);
        let source: String = row.get(1);
        let first_seen: DateTime<Utc> = row.get(2);
        if let Some(visit) =
            watch::first_visit(policy.ladder(&source), article_id(key), first_seen, now)
        {
            ids.push(key);
            sources.push(source);
            dues.push(visit.due);
            rungs.push(visit.rung as i32);
        }
    }
    if ids.is_empty() {
        return Ok(0);
    }
    let n = tx
        .execute(
            "INSERT INTO gleaner.revisits (article, source, due, rung, attempts)
             SELECT a, s, d, r, 0
             FROM unnest($1::bigint[], $2::text[], $3::timestamptz[], $4::integer[])
                 AS u(a, s, d, r)
             ON CONFLICT (article) DO NOTHING",
            &[&ids, &sources, &dues, &rungs],
        )
        .await?;
    Ok(n)
}

/// A due revisit about to be handed out.
struct Handout {
    article: i64,
    url: String,
    /// Handed out a day ago and never back: renewed, not moved off the due list.
    lapsed: bool,
}

/// An outcome that only adds `entry` to `crawl`'s frontier.
fn handout_outcome(crawl: &str, url: String, host: String) -> CrawlOutcome {
    CrawlOutcome {
        crawl: crawl.to_string(),
        claim: None,
        visited: Vec::new(),
        result: PageResult::Nothing,
        discovered: vec![FrontierEntry {
            discovered_from: Some(url.clone()),
            url,
            host,
            depth: 0,
            discovered_via: DiscoveredVia::Revisit,
            counter_chain: 0,
        }],
    }
}

#[async_trait]
impl RevisitSchedule for PgStore {
    async fn set_policy(&self, policy: WatchPolicy) -> Result<()> {
        *self.0.watch.write().unwrap_or_else(|p| p.into_inner()) = policy;
        Ok(())
    }

    async fn enqueue_due(&self, source: &str, crawl: &str, max: usize) -> Result<u64> {
        if max == 0 {
            return Ok(0);
        }
        let inner = &self.0;
        let limits = inner.limits_snapshot();
        let max_rows = i64::try_from(max).unwrap_or(i64::MAX);
        retrying!(*inner, "handing out due revisits", |client| {
            let now = inner.clock.now();
            let ladder = inner.ladder(source);
            let lapsed_before = now - micros(watch::QUEUED_LAPSE);
            let tx = client.transaction().await?;
            let due = tx
                .query(
                    "SELECT r.article, r.rung, a.final_url FROM gleaner.revisits r
                     LEFT JOIN gleaner.articles a ON a.id = r.article
                     WHERE r.source = $1 AND r.queued_url IS NULL AND r.due <= $2
                     ORDER BY r.due, r.article LIMIT $3
                     FOR UPDATE OF r SKIP LOCKED",
                    &[&source, &now, &max_rows],
                )
                .await?;
            let room = max_rows - due.len() as i64;
            let lapsed = if room > 0 {
                tx.query(
                    "SELECT article, queued_url FROM gleaner.revisits
                     WHERE source = $1 AND queued_url IS NOT NULL AND queued_at <= $2
                     ORDER BY queued_at, article LIMIT $3
                     FOR UPDATE SKIP LOCKED",
                    &[&source, &lapsed_before, &room],
                )
                .await?
            } else {
                Vec::new()
            };

            let mut outcomes = Vec::new();
            let mut handouts = Vec::new();
            let mut urls = HashSet::new();
            let mut gone = Vec::new();
            for row in due {
                let article: i64 = row.get(0);
                let rung = row.get::<_, i32>(1).max(0) as usize;
                let url: Option<String> = row.get(2);
                // Its source is no longer watched (or not this far), or it is gone.
                let Some(url) = url.filter(|_| rung < ladder.len()) else {
                    gone.push(article);
                    continue;
                };
                let Some(host) = host_key(&url) else {
                    tracing::warn!(%url, "a watched article's URL has no host: no longer revisited");
                    gone.push(article);
                    continue;
                };
                // The same URL handed out already (for this article or another one that
                // ended there): this one waits for the next call.
                if !urls.insert(url.clone()) {
                    continue;
                }
                let out = tx
                    .query_opt(
                        "SELECT 1 FROM gleaner.revisits WHERE source = $1 AND queued_url = $2",
                        &[&source, &url],
                    )
                    .await?;
                if out.is_some() {
                    continue;
                }
                outcomes.push(handout_outcome(crawl, url.clone(), host));
                handouts.push(Handout {
                    article,
                    url,
                    lapsed: false,
                });
            }
            for row in lapsed {
                let article: i64 = row.get(0);
                let url: String = row.get(1);
                let Some(host) = host_key(&url) else {
                    continue;
                };
                if !urls.insert(url.clone()) {
                    continue;
                }
                tracing::info!(%url, source, "a revisit handed out a day ago never came back: handing it out again");
                outcomes.push(handout_outcome(crawl, url.clone(), host));
                handouts.push(Handout {
                    article,
                    url,
                    lapsed: true,
                });
            }
            if !gone.is_empty() {
                tx.execute(
                    "DELETE FROM gleaner.revisits WHERE article = ANY($1)",
                    &[&gone],
                )
                .await?;
            }
            let adds = frontier::stage_commit(&tx, &outcomes, &limits).await?;
            let mut added = 0u64;
            for (handout, add) in handouts.iter().zip(adds) {
                // Not added: the crawl's cycle knows the URL already, or its host has as
                // many pending as it may. A due revisit stays due for the next call (a
                // new cycle); a lapsed one is still out (renewed).
                if add.added == 0 && !handout.lapsed {
                    continue;
                }
                tx.execute(
                    "UPDATE gleaner.revisits SET queued_url = $2, queued_at = $3
                     WHERE article = $1",
                    &[&handout.article, &handout.url, &now],
                )
                .await?;
                added += u64::from(add.added);
            }
            tx.commit().await?;
            Ok(added)
        })
    }

    async fn next_due(&self, source: &str) -> Result<Option<DateTime<Utc>>> {
        let lapse_ms = super::millis(watch::QUEUED_LAPSE);
        retrying!(*self.0, "reading the next revisit", |client| {
            let row = client
                .query_one(
                    "SELECT least(
                         min(due) FILTER (WHERE queued_url IS NULL),
                         min(queued_at) FILTER (WHERE queued_url IS NOT NULL)
                             + $2::float8 * interval '1 millisecond')
                     FROM gleaner.revisits WHERE source = $1",
                    &[&source, &lapse_ms],
                )
                .await?;
            Ok(row.get::<_, Option<DateTime<Utc>>>(0))
        })
    }

    async fn count_due(&self, source: &str, cap: u64) -> Result<u64> {
        let now = self.0.clock.now();
        let cap = i64::try_from(cap).unwrap_or(i64::MAX);
        retrying!(*self.0, "counting due revisits", |client| {
            let row = client
                .query_one(
                    "SELECT count(*) FROM (SELECT 1 FROM gleaner.revisits
                         WHERE source = $1 AND queued_url IS NULL AND due <= $2
                         LIMIT $3) due",
                    &[&source, &now, &cap],
                )
                .await?;
            Ok(row.get::<_, i64>(0).max(0) as u64)
        })
    }
}

#[async_trait]
impl VersionHistory for PgStore {
    async fn versions(&self, id: ArticleId) -> Result<Option<Vec<ArticleVersion>>> {
        let Some(record) = self.article(id).await? else {
            return Ok(None);
        };
        let key = db_id(id);
        let (rows, checks) = retrying!(*self.0, "reading an article's versions", |client| {
            let rows = client
                .query(
                    "SELECT version, data FROM gleaner.versions WHERE article = $1",
                    &[&key],
                )
                .await?;
            let checks = client
                .query(
                    "SELECT at, version, status FROM gleaner.revisit_checks
                     WHERE article = $1 ORDER BY at",
                    &[&key],
                )
                .await?;
            Ok((rows, checks))
        })?;
        let mut kept: Vec<ArticleVersion> = Vec::with_capacity(rows.len() + 1);
        for row in rows {
            let data: serde_json::Value = row.get(1);
            let version: ArticleVersion =
                serde_json::from_value(data).map_err(|e| StoreError::Corrupt {
                    what: "article version",
                    key: format!("gleaner.versions {id} {}", row.get::<_, i32>(0)),
                    detail: e.to_string(),
                })?;
            kept.push(version);
        }
        let checks = checks.iter().map(|row| {
            let at: DateTime<Utc> = row.get(0);
            let version = row.get::<_, i32>(1).max(0) as u32;
            let status = row.get::<_, i16>(2).max(0) as u16;
            (version, RevisitCheck { at, status })
        });
        let versions = rules::version_history(&record, kept, checks);
        Ok(Some(versions))
    }

    async fn version_raw(&self, id: ArticleId, version: u32) -> Result<Option<RawPage>> {
        let Some(record) = self.article(id).await? else {
            return Ok(None);
        };
        if version == record.version {
            return self.raw_page(id).await;
        }
        let key = db_id(id);
        let v = version as i32;
        let row = retrying!(*self.0, "reading a version's raw page", |client| {
            Ok(client
                .query_opt(
                    "SELECT raw, data->>'raw_sha256' FROM gleaner.versions
                     WHERE article = $1 AND version = $2",
                    &[&key, &v],
                )
                .await?)
        })?;
        let Some(row) = row else {
            return Ok(None);
        };
        if let Some(bytes) = row.get::<_, Option<Vec<u8>>>(0) {
            return codec::decode_raw(&bytes, format!("raw page {id} v{version}").as_bytes())
                .map(Some);
        }
        // Re-extracted from the same response: its raw page is the current one's.
        let raw_sha256: Option<String> = row.get(1);
        if raw_sha256.as_deref() == Some(record.provenance.raw_sha256.as_str()) {
            return self.raw_page(id).await;
        }
        Ok(None)
    }
}

#[async_trait]
impl ChangeLog for PgStore {
    async fn changes_since(
        &self,
        after_seq: u64,
        source: Option<&str>,
        limit: usize,
    ) -> Result<Vec<Change>> {
        if limit == 0 {
            return Ok(Vec::new());
        }
        let after = i64::try_from(after_seq).unwrap_or(i64::MAX);
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        let rows = retrying!(*self.0, "reading the change log", |client| {
            Ok(client
                .query(
                    "SELECT seq, id, url, source, kind, at, version, evidence
                     FROM gleaner.changes
                     WHERE seq > $1 AND ($2::text IS NULL OR source = $2)
                     ORDER BY seq LIMIT $3",
                    &[&after, &source, &limit],
                )
                .await?)
        })?;
        let mut out = Vec::with_capacity(rows.len());
        for row in rows {
            let seq: i64 = row.get(0);
            let kind: String = row.get(4);
            let kind = kind_of(&kind).ok_or_else(|| StoreError::Corrupt {
                what: "change log entry",
                key: format!("gleaner.changes {seq}"),
                detail: format!("unknown kind {kind:?}"),
            })?;
            let evidence = row
                .get::<_, Option<serde_json::Value>>(7)
                .map(serde_json::from_value::<RemovalEvidence>)
                .transpose()
                .map_err(|e| StoreError::Corrupt {
                    what: "change log entry",
                    key: format!("gleaner.changes {seq}"),
                    detail: e.to_string(),
                })?;
            out.push(Change {
                seq: seq.max(0) as u64,
                id: article_id(row.get(1)),
                url: row.get(2),
                source: row.get(3),
                kind,
                at: row.get(5),
                version: row.get::<_, i32>(6).max(0) as u32,
                evidence,
            });
        }
        Ok(out)
    }
}
