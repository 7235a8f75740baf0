//! `gleaner migrate-store`: an embedded (sled) store copied into a PostgreSQL database.
//!
//! The embedded store is read item by item ([`KvStore::dump`](super::super::engine::KvStore))
//! on a blocking thread and written in batches of one transaction each. Records keep their
//! ids and seqs (store order, and so consumers' `articles_since` positions), queue entries
//! their queue seqs and leases (tokens handed out before the copy stay valid), pages their
//! validators; each crawl's pending URLs become its frontier, with the URLs of the source's
//! stored articles marked seen. The target must hold no articles yet: a copy is not a merge.
//!
//! Watching carries over too: the versions later fetches replaced (raw pages included), the
//! revisits that found a version unchanged and the change log (its seqs kept). The revisit
//! schedule starts afresh: each copied article is placed on its source's ladder at the
//! first rung still ahead of it (a missed one due at once).
//!
//! What does not carry over: the embedded seen-set is a keyed hash of URLs that cannot be
//! turned back into URLs, so URLs a migrated cycle had already fetched without storing an
//! article (section pages, errors) may be fetched again when that cycle resumes.

use std::collections::{BTreeMap, HashSet};

use tokio::sync::mpsc;

use super::super::codec;
use super::super::dump::DumpItem;
use super::super::engine::KvStore;
use super::super::error::{Result, StoreError};
use super::super::frontier::host::lane_of;
use super::super::kv::Kv;
use super::super::rules::TextHashes;
use super::pipeline::Pipeline;
use super::sink::add_counter;
use super::{PgStore, db_id, dedup, url_key};

/// What a migration copied.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct ImportSummary {
    pub articles: u64,
    pub duplicates: u64,
    pub pages: u64,
    pub raw_pages: u64,
    pub queued: u64,
    pub acked: u64,
    pub schedules: u64,
    pub crawls: u64,
    pub pending_urls: u64,
    /// Replaced versions kept (their texts), and revisits that found a version unchanged.
    pub versions: u64,
    pub revisit_checks: u64,
    /// Change log entries (their seqs kept).
    pub changes: u64,
}

/// Items written per transaction.
const BATCH: usize = 500;

/// Copies everything `from` holds into `to` (which must have no articles yet).
pub async fn import_embedded<K: Kv + Send + Sync + 'static>(
    from: std::sync::Arc<KvStore<K>>,
    to: &PgStore,
) -> Result<ImportSummary> {
    let inner = &to.0;
    let existing: i64 = retrying!(*inner, "checking the target is empty", |client| {
        Ok(client
            .query_one("SELECT count(*) FROM gleaner.articles", &[])
            .await?
            .get::<_, i64>(0))
    })?;
    if existing > 0 {
        return Err(StoreError::InvalidInput(format!(
            "{} already holds {existing} articles; migrate-store copies into an empty gleaner database only",
            inner.label
        )));
    }
    let (tx, mut rx) = mpsc::channel::<Vec<DumpItem>>(4);
    let reader = tokio::task::spawn_blocking(move || {
        let mut batch = Vec::with_capacity(BATCH);
        from.dump(&mut |item| {
            batch.push(item);
            if batch.len() >= BATCH {
                let full = std::mem::replace(&mut batch, Vec::with_capacity(BATCH));
                tx.blocking_send(full)
                    .map_err(|_| StoreError::InvalidInput("the copy was abandoned".into()))?;
            }
            Ok(())
        })?;
        if !batch.is_empty() {
            let _ = tx.blocking_send(batch);
        }
        Ok::<(), StoreError>(())
    });
    let mut summary = ImportSummary::default();
    // Article URLs per source: marked seen in that source's migrated crawl.
    let mut urls_by_source: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut max_seq: i64 = 0;
    let mut max_qseq: i64 = 0;
    let mut max_change: i64 = 0;
    let mut stored: HashSet<i64> = HashSet::new();
    while let Some(items) = rx.recv().await {
        for item in &items {
            match item {
                DumpItem::Record { record, pages } => {
                    max_seq = max_seq.max(record.seq as i64);
                    stored.insert(db_id(record.id));
                    let list = urls_by_source
                        .entry(record.provenance.source.clone())
                        .or_default();
                    list.extend(pages.iter().map(|(u, _)| u.clone()));
                }
                DumpItem::Queued { qseq, .. } => max_qseq = max_qseq.max(*qseq as i64),
                DumpItem::Change(c) => max_change = max_change.max(c.seq as i64),
                _ => {}
            }
        }
        write_batch(to, &items, &urls_by_source, &stored, &mut summary).await?;
    }
    reader
        .await
        .map_err(|e| StoreError::backend("reading the embedded store", e))??;
    retrying!(*inner, "finishing the copy", |client| {
        let tx = client.transaction().await?;
        tx.execute(
            "UPDATE gleaner.sequences SET value = greatest(value, $1) WHERE name = 'article_seq'",
            &[&max_seq],
        )
        .await?;
        tx.execute(
            "UPDATE gleaner.sequences SET value = greatest(value, $1) WHERE name = 'change_seq'",
            &[&max_change],
        )
        .await?;
        // The copied articles are watched from now on, each from the first rung still
        // ahead of it.
        let policy = inner
            .watch
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .clone();
        super::watch::schedule_unwatched(&tx, &policy, inner.clock.now()).await?;
        if max_qseq > 0 {
            tx.execute(
                "SELECT setval('gleaner.queue_qseq_seq', greatest($1, (SELECT last_value FROM gleaner.queue_qseq_seq)))",
                &[&max_qseq],
            )
            .await?;
        }
        tx.commit().await?;
        Ok(())
    })?;
    Ok(summary)
}

async fn write_batch(
    to: &PgStore,
    items: &[DumpItem],
    urls_by_source: &BTreeMap<String, Vec<String>>,
    stored: &HashSet<i64>,
    summary: &mut ImportSummary,
) -> Result<()> {
    let inner = &to.0;
    let blocks = &inner.blocks;
    let shard = inner.shard;
    let counted = retrying!(*inner, "copying into PostgreSQL", |client| {
        let tx = client.transaction().await?;
        let mut s = ImportSummary::default();
        for item in items {
            match item {
                DumpItem::Record { record, pages } => {
                    let hashes = TextHashes::of(&record.article.text);
                    let near = record.duplicate_of.is_none() && hashes.near_eligible();
                    let json = serde_json::to_value(&**record)
                        .map_err(|e| StoreError::backend("encoding an article record", e))?;
                    let p = &record.provenance;
                    tx.execute(
                        "INSERT INTO gleaner.articles (id, seq, source, final_url, fetched_at,
                             first_seen, last_seen, version, text_sha256, simhash, duplicate_of,
                             near, record)
                         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)",
                        &[
                            &db_id(record.id),
                            &(record.seq as i64),
                            &p.source,
                            &p.final_url,
                            &p.fetched_at,
                            &record.first_seen,
                            &record.last_seen,
                            &(record.version as i32),
                            &record.text_sha256,
                            &(record.simhash.0 as i64),
                            &record.duplicate_of.map(db_id),
                            &near,
                            &json,
                        ],
                    )
                    .await?;
                    if near {
                        let mut pipe = Pipeline::new(&tx);
                        dedup::index(&mut pipe, blocks, record);
                        pipe.flush().await?;
                    }
                    for (url, v) in pages {
                        tx.execute(
                            "INSERT INTO gleaner.pages (url, article, etag, last_modified, touched)
                             VALUES ($1, $2, $3, $4, nextval('gleaner.page_touch'))
                             ON CONFLICT (url) DO UPDATE SET article = excluded.article,
                                 etag = excluded.etag, last_modified = excluded.last_modified,
                                 touched = excluded.touched",
                            &[url, &db_id(record.id), &v.etag, &v.last_modified],
                        )
                        .await?;
                        s.pages += 1;
                    }
                    s.articles += 1;
                    if record.duplicate_of.is_some() {
                        s.duplicates += 1;
                    }
                }
                DumpItem::Page {
                    url,
                    validators,
                    article,
                } => {
                    let article = article.map(db_id).filter(|a| stored.contains(a));
                    tx.execute(
                        "INSERT INTO gleaner.pages (url, article, etag, last_modified, touched)
                         VALUES ($1, $2, $3, $4, nextval('gleaner.page_touch'))
                         ON CONFLICT (url) DO NOTHING",
                        &[url, &article, &validators.etag, &validators.last_modified],
                    )
                    .await?;
                    s.pages += 1;
                }
                DumpItem::Raw { id, raw } => {
                    let bytes = codec::encode_raw(raw)?;
                    tx.execute(
                        "INSERT INTO gleaner.raw_pages (article, raw) VALUES ($1, $2)
                         ON CONFLICT (article) DO UPDATE SET raw = excluded.raw",
                        &[&db_id(*id), &bytes],
                    )
                    .await?;
                    s.raw_pages += 1;
                }
                DumpItem::Queued {
                    qseq,
                    article,
                    lease,
                } => {
                    let (nonce, expires) = match lease {
                        Some((n, at)) => (Some(*n as i64), Some(*at)),
                        None => (None, None),
                    };
                    tx.execute(
                        "INSERT INTO gleaner.queue (qseq, article, nonce, lease_expires)
                         VALUES ($1, $2, $3, $4)",
                        &[&(*qseq as i64), &db_id(*article), &nonce, &expires],
                    )
                    .await?;
                    s.queued += 1;
                }
                DumpItem::Acked(n) => {
                    add_counter(&tx, "acked", shard, *n as i64).await?;
                    s.acked += n;
                }
                DumpItem::Schedule { source, state } => {
                    tx.execute(
                        "INSERT INTO gleaner.schedule (source, state, updated_at)
                         VALUES ($1, $2, now())
                         ON CONFLICT (source) DO UPDATE SET state = excluded.state",
                        &[source, state],
                    )
                    .await?;
                    s.schedules += 1;
                }
                DumpItem::Versions { id, versions, raws } => {
                    let article = db_id(*id);
                    let current = versions.iter().map(|v| v.version).max().unwrap_or(0);
                    for v in versions {
                        let number = v.version as i32;
                        // The current version is the record; one known only by its hash
                        // is rebuilt from the record's previous versions.
                        if v.version < current && v.text.is_some() {
                            let mut kept = v.clone();
                            kept.revisits.clear();
                            let data = serde_json::to_value(&kept).map_err(|e| {
                                StoreError::backend("encoding an article version", e)
                            })?;
                            let raw = raws
                                .iter()
                                .find(|(n, _)| *n == v.version)
                                .map(|(_, raw)| codec::encode_raw(raw))
                                .transpose()?;
                            tx.execute(
                                "INSERT INTO gleaner.versions (article, version, data, raw)
                                 VALUES ($1, $2, $3, $4)",
                                &[&article, &number, &data, &raw],
                            )
                            .await?;
                            s.versions += 1;
                        }
                        for check in &v.revisits {
                            tx.execute(
                                "INSERT INTO gleaner.revisit_checks (article, at, version, status)
                                 VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING",
                                &[&article, &check.at, &number, &(check.status as i16)],
                            )
                            .await?;
                            s.revisit_checks += 1;
                        }
                    }
                }
                DumpItem::Change(c) => {
                    let evidence = c
                        .evidence
                        .as_ref()
                        .map(serde_json::to_value)
                        .transpose()
                        .map_err(|e| StoreError::backend("encoding removal evidence", e))?;
                    tx.execute(
                        "INSERT INTO gleaner.changes (seq, id, url, source, kind, at, version,
                             evidence)
                         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
                        &[
                            &(c.seq as i64),
                            &db_id(c.id),
                            &c.url,
                            &c.source,
                            &c.kind.as_str(),
                            &c.at,
                            &(c.version as i32),
                            &evidence,
                        ],
                    )
                    .await?;
                    s.changes += 1;
                }
                DumpItem::Frontier { crawl, entries } => {
                    tx.execute(
                        "INSERT INTO gleaner.crawls (crawl, generation, cycle_started)
                         VALUES ($1, 1, now()) ON CONFLICT (crawl) DO NOTHING",
                        &[crawl],
                    )
                    .await?;
                    let mut per_host: BTreeMap<&str, i64> = BTreeMap::new();
                    for e in entries {
                        tx.execute(
                            "INSERT INTO gleaner.frontier
                                 (crawl, host, lane, url, depth, discovered_from, via,
                                  counter_chain)
                             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
                            &[
                                crawl,
                                &e.host,
                                &(lane_of(e) as i16),
                                &e.url,
                                &(e.depth.min(i32::MAX as u32) as i32),
                                &e.discovered_from,
                                &e.discovered_via.as_str(),
                                &(e.counter_chain.min(i32::MAX as u32) as i32),
                            ],
                        )
                        .await?;
                        *per_host.entry(e.host.as_str()).or_default() += 1;
                    }
                    for (host, n) in per_host {
                        tx.execute(
                            "INSERT INTO gleaner.hosts (host) VALUES ($1) ON CONFLICT DO NOTHING",
                            &[&host],
                        )
                        .await?;
                        tx.execute(
                            "INSERT INTO gleaner.frontier_hosts (crawl, host, pending)
                             VALUES ($1, $2, $3)
                             ON CONFLICT (crawl, host) DO UPDATE
                                 SET pending = gleaner.frontier_hosts.pending + excluded.pending",
                            &[crawl, &host, &n],
                        )
                        .await?;
                    }
                    let mut seen: Vec<i64> = entries.iter().map(|e| url_key(&e.url)).collect();
                    if let Some(urls) = urls_by_source.get(crawl) {
                        seen.extend(urls.iter().map(|u| url_key(u)));
                    }
                    seen.sort_unstable();
                    seen.dedup();
                    tx.execute(
                        "INSERT INTO gleaner.seen (crawl, url_hash)
                         SELECT $1, unnest($2::bigint[]) ON CONFLICT DO NOTHING",
                        &[crawl, &seen],
                    )
                    .await?;
                    s.crawls += 1;
                    s.pending_urls += entries.len() as u64;
                }
            }
        }
        if s.articles > 0 {
            add_counter(&tx, "articles", shard, s.articles as i64).await?;
        }
        if s.duplicates > 0 {
            add_counter(&tx, "duplicates", shard, s.duplicates as i64).await?;
        }
        tx.commit().await?;
        Ok(s)
    })?;
    summary.articles += counted.articles;
    summary.duplicates += counted.duplicates;
    summary.pages += counted.pages;
    summary.raw_pages += counted.raw_pages;
    summary.queued += counted.queued;
    summary.acked += counted.acked;
    summary.schedules += counted.schedules;
    summary.crawls += counted.crawls;
    summary.pending_urls += counted.pending_urls;
    summary.versions += counted.versions;
    summary.revisit_checks += counted.revisit_checks;
    summary.changes += counted.changes;
    Ok(())
}
