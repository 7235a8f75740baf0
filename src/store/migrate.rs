//! Opening a database written by an older gleaner: format 1 → 2 → 3 → 4 → 5 → 6, one
//! step at a time, each crash-safe on its own.
//!
//! Formats 3 and 4 changed only the frontier (see [`from_format2`], [`from_format3`]),
//! format 5 added versions and revisits (see [`from_format4`]), format 6 moved raw pages
//! into files of their own (see [`from_format5`]); what follows describes
//! the step from format 1 to 2.
//!
//! Format 1 kept one key per article in each of its indexes (`i` id → seq, `t` text hash →
//! original, `h` simhash → original) and one to three per queue entry (`q`, `l`, `e`).
//! Format 2 keeps the catalog log, queue runs and lease batches instead (see `keys`).
//! Everything else keeps its keys and values: records of layout 1 are read as they are,
//! and the page states of format 1 stay under their `u` keys, where page lookups still
//! find them until the article is stored again with its pages.
//!
//! What format 1 did is carried over exactly: the originals it indexed by simhash (all of
//! them, as it reloaded `h` at open) stay near-duplicate candidates, with their rank; the
//! waiting entries keep their queue seqs and order; every lease keeps its expiry and nonce,
//! so tokens handed out before the upgrade can still be acknowledged.
//!
//! Crash safety: the migration first writes only keys that format 1 does not have, then
//! switches the format marker and the counters in one atomic batch and flushes, and only
//! then removes the format-1 keys. Interrupted before the switch, the database is still a
//! whole format-1 database; the next open removes the new keys it finds and starts over.
//! Interrupted after it, the database is a whole format-2 database with leftovers, which
//! every open removes ([`remove_format1_leftovers`]). No state in between loses data or
//! can be misread.

use std::collections::BTreeMap;
use std::time::Instant;

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use super::catalog::{Catalog, Changes, FULL_CHUNK, text_key};
use super::codec::{self, Counters, LeaseV1, QueueItemV1};
use super::error::{Result, StoreError};
use super::frontier::files::{Appender, FILE_BYTES};
use super::frontier::host::{Cursor, SEG_ENTRIES, lane_of};
use super::frontier::seen::{self, HashKeys};
use super::frontier::segment::{self, CrawlMeta, FileKind, SeenChunk, Segment};
use super::keys::{self, format1, format2, format3, format5};
use super::kv::{self, Kv, Scan, WriteBatch};
use super::pages::{self, PAGE_FILE_BYTES, PageAppender};
use super::queue::{LeaseBatch, Leased, QueueChanges};
use super::record::{ArticleId, FrontierEntry, Simhash, host_key};
use super::watch::{self, WatchPolicy};

/// Keys removed per batch when clearing a tag: bounded memory whatever the database size.
const DELETE_BATCH: usize = 4096;

/// Migrates a format-1 database in place (see the module docs).
pub(crate) fn from_format1<K: Kv>(kv: &K, label: &str) -> Result<()> {
    let started = Instant::now();
    let counters = match kv.get(keys::META_COUNTERS)? {
        Some(bytes) => codec::decode_counters(&bytes, keys::META_COUNTERS)?,
        None => Counters::default(),
    };
    tracing::info!(
        database = %label,
        articles = counters.articles,
        pending = counters.pending,
        leased = counters.leased,
        "migrating the database from format 1 to format 2"
    );

    // What an interrupted run of this migration wrote: format 1 has none of these tags.
    for tag in [keys::CATALOG_LOG, keys::QUEUE_RUN, keys::LEASE_BATCH] {
        let removed = remove_tag(kv, tag)?;
        if removed > 0 {
            tracing::info!(database = %label, keys = removed, tag = %char::from(tag), "removed keys of an interrupted migration");
        }
    }

    // 1. The catalog, from the three index tags, written as a snapshot.
    let mut changes = Changes::default();
    scan_tag(kv, format1::ARTICLE_ID, &mut |key, value| {
        let id = keys::id_at(key, 1).ok_or_else(|| corrupt("article id index", key))?;
        let seq = keys::u64_at(value, 0).ok_or_else(|| corrupt("article id index", key))?;
        changes.set_seq(id, seq);
        Ok(())
    })?;
    scan_tag(kv, format1::TEXT_HASH, &mut |key, value| {
        let sha: [u8; 32] = key
            .get(1..33)
            .and_then(|s| s.try_into().ok())
            .ok_or_else(|| corrupt("text hash index", key))?;
        let owner = keys::id_at(value, 0).ok_or_else(|| corrupt("text hash index", key))?;
        changes.claim_text(text_key(&sha), owner);
        Ok(())
    })?;
    scan_tag(kv, format1::SIMHASH, &mut |key, value| {
        let hash = keys::u64_at(key, 1);
        let id = keys::id_at(key, 9);
        let rank = <[u8; 8]>::try_from(value).map(i64::from_le_bytes);
        match (hash, id, rank) {
            (Some(hash), Some(id), Ok(rank)) => changes.set_near(id, Some((Simhash(hash), rank))),
            // Format 1 skipped these at open too.
            _ => {
                tracing::warn!(key = %keys::display(key), "ignoring malformed simhash index entry")
            }
        }
        Ok(())
    })?;
    let mut catalog = Catalog::new(64);
    catalog.apply(changes);
    let articles = catalog.articles();
    let mut chunk = 0u64;
    for group in catalog.snapshot(FULL_CHUNK).chunks(16) {
        let mut batch = WriteBatch::default();
        for changes in group {
            chunk += 1;
            batch.put(
                keys::catalog_chunk(chunk),
                codec::encode(&changes.to_chunk())?,
            );
        }
        kv.apply(batch)?;
    }
    drop(catalog);

    // 2. Waiting entries as runs of consecutive queue seqs.
    let mut waiting = Vec::new();
    scan_tag(kv, format1::QUEUE, &mut |key, value| {
        let qseq = keys::u64_at(key, 1).ok_or_else(|| corrupt("queue entry", key))?;
        let item: QueueItemV1 = codec::decode(value, "queue entry", key)?;
        waiting.push((qseq, ArticleId::from_bytes(item.article)));
        Ok(())
    })?;
    let mut queue = QueueChanges::default();
    let runs = queue.put_entries(waiting);

    // 3. Leases, one batch per expiry (one per pop that made them).
    let mut by_expiry: BTreeMap<u64, Vec<Leased>> = BTreeMap::new();
    scan_tag(kv, format1::LEASE, &mut |key, value| {
        let qseq = keys::u64_at(key, 1).ok_or_else(|| corrupt("lease", key))?;
        let lease: LeaseV1 = codec::decode(value, "lease", key)?;
        by_expiry.entry(lease.expires_ms).or_default().push(Leased {
            qseq,
            nonce: lease.nonce,
            article: ArticleId::from_bytes(lease.article),
        });
        Ok(())
    })?;
    let mut lease_batches = 0u64;
    for (expires_ms, entries) in by_expiry {
        lease_batches += 1;
        queue.put_lease_batch(
            lease_batches,
            LeaseBatch {
                expires_ms,
                entries,
            },
        );
    }
    let mut batch = WriteBatch::default();
    queue.write(&mut batch)?;
    kv.apply(batch)?;

    // 4. The switch: format 2 from here on, with counters that know the new sequences.
    let counters = Counters {
        last_chunk: chunk,
        last_lease: lease_batches,
        ..counters
    };
    let mut batch = WriteBatch::default();
    batch.put(keys::META_FORMAT.to_vec(), 2u32.to_le_bytes().to_vec());
    batch.put(
        keys::META_COUNTERS.to_vec(),
        codec::encode_counters(&counters)?,
    );
    kv.apply(batch)?;
    kv.flush()?;

    // 5. The old keys.
    let mut removed = 0;
    for tag in format1::TAGS {
        removed += remove_tag(kv, tag)?;
    }
    kv.flush()?;
    tracing::info!(
        database = %label,
        articles,
        catalog_chunks = chunk,
        queue_runs = runs,
        lease_batches,
        format1_keys_removed = removed,
        elapsed = ?started.elapsed(),
        "migrated the database to format 2"
    );
    Ok(())
}

/// Removes format-1 index keys that a migration interrupted after its switch left behind.
pub(crate) fn remove_format1_leftovers<K: Kv>(kv: &K, label: &str) -> Result<()> {
    let mut removed = 0;
    for tag in format1::TAGS {
        removed += remove_tag(kv, tag)?;
    }
    if removed > 0 {
        kv.flush()?;
        tracing::info!(
            database = %label,
            keys = removed,
            "removed format-1 index keys left by an interrupted migration"
        );
    }
    Ok(())
}

/// The keys of the frontier's URL hash: read, or drawn and stored when the database has
/// none yet.
pub(crate) fn url_hash_keys<K: Kv>(kv: &K) -> Result<HashKeys> {
    if let Some(bytes) = kv.get(keys::META_URL_HASH)? {
        return codec::decode(&bytes, "URL hash keys", keys::META_URL_HASH);
    }
    let keys = HashKeys::random();
    let mut batch = WriteBatch::default();
    batch.put(keys::META_URL_HASH.to_vec(), codec::encode(&keys)?);
    kv.apply(batch)?;
    kv.flush()?;
    Ok(keys)
}

/// Migrates a format-2 database to format 3, whose frontier is per-host lanes of segments
/// and a seen-set instead of one key per URL.
///
/// Every source's pending entries keep their order (oldest first within each host and
/// lane) and every URL its cycle knew, pending or done, stays known, so an interrupted
/// crawl resumes exactly where it stood. Crash safety as for format 1: the new frontier is
/// written under tags format 2 does not have, then the format switches in one batch, then
/// the old keys go; an interrupted run is undone by the next open and started again.
pub(crate) fn from_format2<K: Kv>(kv: &K, label: &str) -> Result<()> {
    let started = Instant::now();
    tracing::info!(database = %label, "migrating the database from format 2 to format 3 (frontier)");
    for tag in [
        keys::CRAWL,
        keys::CRAWL_HOST,
        keys::CRAWL_SEGMENT,
        keys::CRAWL_PART,
        format3::CRAWL_SEEN,
    ] {
        let removed = remove_tag(kv, tag)?;
        if removed > 0 {
            tracing::info!(database = %label, keys = removed, tag = %char::from(tag), "removed keys of an interrupted migration");
        }
    }
    let url_hash = url_hash_keys(kv)?;

    // Pending entries, source by source, in the order they were pushed.
    let mut sources: Vec<String> = Vec::new();
    scan_tag(kv, format2::FRONTIER_PENDING, &mut |key, value| {
        let entry = codec::decode_frontier_entry_v1(value, key)?;
        if sources.last() != Some(&entry.source) {
            sources.push(entry.source.clone());
        }
        Ok(())
    })?;
    scan_tag(kv, format2::FRONTIER_KNOWN, &mut |key, _| {
        if let Some(source) = named(key) {
            if !sources.iter().any(|s| s == source) {
                sources.push(source.to_string());
            }
        }
        Ok(())
    })?;
    let (mut pending_total, mut known_total) = (0u64, 0u64);
    for source in &sources {
        let (pending, known) = migrate_frontier(kv, source, &url_hash)?;
        pending_total += pending;
        known_total += known;
    }

    // The switch.
    let mut batch = WriteBatch::default();
    batch.put(keys::META_FORMAT.to_vec(), 3u32.to_le_bytes().to_vec());
    kv.apply(batch)?;
    kv.flush()?;
    let mut removed = 0;
    for tag in format2::TAGS {
        removed += remove_tag(kv, tag)?;
    }
    kv.flush()?;
    tracing::info!(
        database = %label,
        sources = sources.len(),
        pending = pending_total,
        known = known_total,
        format2_keys_removed = removed,
        elapsed = ?started.elapsed(),
        "migrated the database to format 3"
    );
    Ok(())
}

/// The name after the tag of a key (the source of a format-2 frontier key, the crawl of a
/// `C` key).
fn named(key: &[u8]) -> Option<&str> {
    let len = u16::from_be_bytes(key.get(1..3)?.try_into().ok()?) as usize;
    std::str::from_utf8(key.get(3..3 + len)?).ok()
}

/// Writes one source's format-2 frontier as a format-3 crawl of generation 1; returns its
/// pending and known URL counts.
fn migrate_frontier<K: Kv>(kv: &K, source: &str, url_hash: &HashKeys) -> Result<(u64, u64)> {
    const GENERATION: u32 = 1;
    let mut cursors: HashMap<String, Cursor> = HashMap::new();
    let mut open: HashMap<(String, usize), Segment> = HashMap::new();
    let mut batch = WriteBatch::default();
    let mut meta = CrawlMetaV3 {
        generation: GENERATION,
        ..CrawlMetaV3::default()
    };
    let prefix = keys::format2_prefix(format2::FRONTIER_PENDING, source);
    kv.scan_prefix(&prefix, &mut |key, value| {
        let v1 = codec::decode_frontier_entry_v1(value, key)?;
        let Some(via) = codec::via_from_code(v1.discovered_via) else {
            return Err(corrupt("frontier entry", key));
        };
        let Some(host) = host_key(&v1.url) else {
            tracing::warn!(url = %v1.url, "dropping an unparsable pending URL while migrating");
            return Ok(Scan::Continue);
        };
        let entry = FrontierEntry {
            url: v1.url,
            host: host.clone(),
            depth: v1.depth,
            discovered_from: v1.discovered_from,
            discovered_via: via,
            counter_chain: 0,
        };
        let lane = lane_of(&entry);
        let cursor = cursors.entry(host.clone()).or_default();
        let at = cursor.append(lane);
        meta.pending += 1;
        let segment = open.entry((host.clone(), lane)).or_default();
        segment.push(&entry);
        if at.off + 1 == SEG_ENTRIES {
            let sealed = std::mem::take(segment);
            batch.put(
                keys::crawl_segment(source, GENERATION, &host, lane as u8, at.seg),
                sealed.encode(true)?,
            );
        }
        apply_when_full(kv, &mut batch)?;
        Ok(Scan::Continue)
    })?;
    for ((host, lane), segment) in open {
        if segment.is_empty() {
            continue;
        }
        let tail = cursors[&host].lanes[lane].tail;
        batch.put(
            keys::crawl_part(source, GENERATION, &host, lane as u8, tail.seg, 0),
            segment.encode(false)?,
        );
    }
    for (host, cursor) in &cursors {
        batch.put(
            keys::crawl_host(source, GENERATION, host),
            segment::encode_cursor(cursor)?,
        );
    }
    kv.apply(std::mem::take(&mut batch))?;

    // Every URL the cycle knew, as seen-set chunks.
    let mut known = 0u64;
    let mut hashes = Vec::new();
    let prefix = keys::format2_prefix(format2::FRONTIER_KNOWN, source);
    let url_at = prefix.len();
    let mut chunks = Vec::new();
    kv.scan_prefix(&prefix, &mut |key, _| {
        if let Ok(url) = std::str::from_utf8(&key[url_at..]) {
            hashes.push(url_hash.url(url));
            known += 1;
        }
        if hashes.len() >= seen::MAX_CHUNK {
            chunks.push(std::mem::take(&mut hashes));
        }
        Ok(Scan::Continue)
    })?;
    chunks.push(hashes);
    for mut chunk in chunks.into_iter().filter(|c| !c.is_empty()) {
        meta.last_chunk += 1;
        meta.chunks.push((meta.last_chunk, chunk.len() as u64));
        let mut batch = WriteBatch::default();
        batch.put(
            format3::crawl_seen(source, GENERATION, meta.last_chunk),
            seen::encode_chunk(&mut chunk),
        );
        kv.apply(batch)?;
    }
    let mut batch = WriteBatch::default();
    batch.put(keys::crawl(source), codec::encode(&meta)?);
    kv.apply(batch)?;
    Ok((meta.pending, known))
}

/// Migrates a format-4 database to format 5, which keeps replaced versions, the change
/// log and the revisit schedule (see `watch`).
///
/// Nothing of format 4 changes: records of layout 2 and counters of layout 2 are read as
/// they are (no removal mark, no change yet), and no version was kept before. What the
/// step adds is the schedule: every article still within its source's ladder (by
/// `policy`, counted from its first sighting) gets its next revisit, the last rung it
/// missed due at once. Crash safety as for the steps before: the `W` keys are written
/// first (format 4 has none; an interrupted run's are removed and written again), then
/// the format switches in one batch.
pub(crate) fn from_format4<K: Kv>(kv: &K, label: &str, policy: &WatchPolicy) -> Result<()> {
    let started = Instant::now();
    tracing::info!(database = %label, "migrating the database from format 4 to format 5 (versions and revisits)");
    for tag in [keys::WATCH_DUE, keys::WATCH_QUEUED] {
        let removed = remove_tag(kv, tag)?;
        if removed > 0 {
            tracing::info!(database = %label, keys = removed, tag = %char::from(tag), "removed keys of an interrupted migration");
        }
    }
    let now = chrono::Utc::now();
    let (mut articles, mut watched) = (0u64, 0u64);
    let mut batch = WriteBatch::default();
    kv.scan_prefix(&[keys::ARTICLE], &mut |key, value| {
        let record = codec::decode_record(value, key)?.record;
        articles += 1;
        let source = &record.provenance.source;
        if let Some(visit) =
            watch::first_visit(policy.ladder(source), record.id, record.first_seen, now)
        {
            watched += 1;
            let entry = codec::WatchDueV1 {
                rung: visit.rung,
                attempts: 0,
            };
            batch.put(
                keys::watch_due(source, codec::to_micros(visit.due), record.id),
                codec::encode(&entry)?,
            );
        }
        apply_when_full(kv, &mut batch)?;
        Ok(Scan::Continue)
    })?;
    kv.apply(batch)?;

    // The switch.
    let mut batch = WriteBatch::default();
    batch.put(keys::META_FORMAT.to_vec(), 5u32.to_le_bytes().to_vec());
    kv.apply(batch)?;
    kv.flush()?;
    tracing::info!(
        database = %label,
        articles,
        watched,
        elapsed = ?started.elapsed(),
        "migrated the database to format 5"
    );
    Ok(())
}

/// A crawl's metadata in format 3: its seen-set chunks were `V` keys.
#[derive(Debug, Default, Serialize, Deserialize)]
struct CrawlMetaV3 {
    generation: u32,
    /// Seq and number of hashes of each chunk, oldest first.
    chunks: Vec<(u64, u64)>,
    last_chunk: u64,
    pending: u64,
    dropped: u64,
}

/// Values copied per batch when a crawl moves to format 4: bounded memory whatever its size.
const COPY_BATCH_BYTES: usize = 4 << 20;

/// Migrates a format-3 database to format 4, whose frontier keeps its segments, parts and
/// seen-set chunks as blobs in files beside the database (see `blobs`) instead of
/// as values.
///
/// Each crawl is copied to its next generation: its host cursors as they are, its sealed
/// segments, parts and seen-set chunks appended to new files (their bytes unchanged) with
/// keys that say where. Nothing of format 3 is touched until the switch: one batch writes
/// every crawl's format-4 metadata (listing its files) with the format marker, after the
/// blobs of each crawl were synced and the keys referring to them written. Interrupted
/// before the switch, the database is a whole format-3 database plus keys of generations
/// its crawls do not have and files nothing lists; the next open removes both and starts
/// over. After the switch, the old generation's keys are removed; what a crash leaves of
/// them is removed when the crawl is next opened, and the `V` keys at every open
/// ([`remove_format3_leftovers`]).
pub(crate) fn from_format3<K: Kv>(kv: &K, label: &str) -> Result<()> {
    let started = Instant::now();
    tracing::info!(database = %label, "migrating the database from format 3 to format 4 (frontier files)");
    // Format 3 has no frontier files: any there are an interrupted run's.
    for file in kv.blobs().list()? {
        kv.blobs().remove(file)?;
    }
    let mut crawls: Vec<(String, CrawlMetaV3)> = Vec::new();
    kv.scan_prefix(&[keys::CRAWL], &mut |key, value| {
        let crawl = named(key).ok_or_else(|| corrupt3("frontier crawl", key))?;
        let meta: CrawlMetaV3 = codec::decode(value, "frontier crawl", key)?;
        crawls.push((crawl.to_string(), meta));
        Ok(Scan::Continue)
    })?;
    let mut next_file = 1;
    let mut metas = Vec::with_capacity(crawls.len());
    let (mut segments, mut parts) = (0u64, 0u64);
    for (crawl, old) in &crawls {
        // What an interrupted run wrote: keys of another generation.
        let removed = remove_generations(kv, crawl, old.generation, true)?;
        if removed > 0 {
            tracing::info!(database = %label, crawl, keys = removed, "removed keys of an interrupted migration");
        }
        let generation = old.generation.wrapping_add(1);
        let mut meta = CrawlMeta {
            generation,
            pending: old.pending,
            dropped: old.dropped,
            ..CrawlMeta::default()
        };
        copy_generation(kv, crawl, old.generation, &mut meta, &mut next_file, None)?;
        segments += copy_generation(
            kv,
            crawl,
            old.generation,
            &mut meta,
            &mut next_file,
            Some(FileKind::Sealed),
        )?;
        parts += copy_generation(
            kv,
            crawl,
            old.generation,
            &mut meta,
            &mut next_file,
            Some(FileKind::Parts),
        )?;
        let mut appender = Appender::new(kv.blobs(), FILE_BYTES);
        for &(chunk, hashes) in &old.chunks {
            let key = format3::crawl_seen(crawl, old.generation, chunk);
            let bytes = kv.get(&key)?.ok_or_else(|| StoreError::Corrupt {
                what: "frontier seen-set",
                key: keys::display(&key),
                detail: "a chunk the crawl lists is missing".into(),
            })?;
            let blob = appender.put(&mut meta, &mut next_file, FileKind::Sealed, &bytes)?;
            meta.chunks.push(SeenChunk { hashes, blob });
            if appender.buffered() >= COPY_BATCH_BYTES {
                appender.flush()?;
            }
        }
        appender.flush()?;
        metas.push((crawl, old.generation, meta));
    }

    // The switch: every crawl's format-4 metadata, listing its files, and the marker.
    let mut batch = WriteBatch::default();
    for (crawl, _, meta) in &metas {
        batch.put(keys::crawl(crawl), segment::encode_meta(meta)?);
    }
    batch.put(keys::META_FORMAT.to_vec(), 4u32.to_le_bytes().to_vec());
    kv.apply(batch)?;
    kv.flush()?;
    // The old generations first: `V` keys left mean this was interrupted.
    let mut removed = 0;
    for (crawl, _, meta) in &metas {
        removed += remove_generations(kv, crawl, meta.generation, false)?;
    }
    removed += remove_tag(kv, format3::CRAWL_SEEN)?;
    kv.flush()?;
    tracing::info!(
        database = %label,
        crawls = metas.len(),
        segments,
        parts,
        files = next_file - 1,
        format3_keys_removed = removed,
        elapsed = ?started.elapsed(),
        "migrated the database to format 4"
    );
    Ok(())
}

/// Removes the keys of `crawl` under the frontier's tags (with `V` too when `seen`) of
/// every generation but `keep`; returns how many.
fn remove_generations<K: Kv>(kv: &K, crawl: &str, keep: u32, seen: bool) -> Result<usize> {
    let mut tags = vec![keys::CRAWL_HOST, keys::CRAWL_SEGMENT, keys::CRAWL_PART];
    if seen {
        tags.push(format3::CRAWL_SEEN);
    }
    let mut removed = 0;
    for tag in tags {
        for (start, end) in keys::other_generation_ranges(tag, crawl, keep) {
            removed += kv::remove_range(kv, &start, end.as_deref())?;
        }
    }
    Ok(removed)
}

/// Copies the keys of `crawl`'s generation `from` under one tag to `meta.generation`: host
/// cursors as they are (`kind` `None`), sealed segments or parts (`kind` says which) as
/// blobs appended to the crawl's files, each batch's blobs synced before the batch that
/// refers to them. Returns how many keys were copied.
fn copy_generation<K: Kv>(
    kv: &K,
    crawl: &str,
    from: u32,
    meta: &mut CrawlMeta,
    next_file: &mut u32,
    kind: Option<FileKind>,
) -> Result<u64> {
    let tag = match kind {
        None => keys::CRAWL_HOST,
        Some(FileKind::Sealed) => keys::CRAWL_SEGMENT,
        Some(FileKind::Parts) => keys::CRAWL_PART,
    };
    let prefix = keys::crawl_prefix(tag, crawl, Some(from));
    let end = keys::prefix_end(&prefix);
    let generation_at = prefix.len() - 4;
    let to = meta.generation.to_be_bytes();
    let mut start = prefix.clone();
    let mut copied = 0u64;
    loop {
        // One bounded page at a time, written outside the scan.
        let mut page: Vec<(Vec<u8>, Vec<u8>)> = Vec::new();
        let mut bytes = 0;
        kv.scan(&start, end.as_deref(), &mut |key, value| {
            page.push((key.to_vec(), value.to_vec()));
            bytes += key.len() + value.len();
            Ok(if bytes >= COPY_BATCH_BYTES || page.len() >= DELETE_BATCH {
                Scan::Stop
            } else {
                Scan::Continue
            })
        })?;
        let Some((last, _)) = page.last() else {
            return Ok(copied);
        };
        start = last.clone();
        start.push(0);
        let mut appender = Appender::new(kv.blobs(), FILE_BYTES);
        let mut batch = WriteBatch::default();
        for (mut key, value) in page {
            key[generation_at..generation_at + 4].copy_from_slice(&to);
            let value = match kind {
                None => value,
                Some(kind) => {
                    let blob = appender.put(meta, next_file, kind, &value)?;
                    segment::encode_ref(&blob)?
                }
            };
            batch.put(key, value);
            copied += 1;
        }
        appender.flush()?;
        kv.apply(batch)?;
    }
}

/// Removes what a migration to format 4 interrupted after its switch left: the crawls'
/// old generations (removed before the `V` keys, so `V` keys say whether any are left),
/// then the format-3 seen-set keys.
pub(crate) fn remove_format3_leftovers<K: Kv>(kv: &K, label: &str) -> Result<()> {
    let mut any = false;
    kv.scan_prefix(&[format3::CRAWL_SEEN], &mut |_, _| {
        any = true;
        Ok(Scan::Stop)
    })?;
    if !any {
        return Ok(());
    }
    let mut crawls = Vec::new();
    kv.scan_prefix(&[keys::CRAWL], &mut |key, value| {
        let crawl = named(key).ok_or_else(|| corrupt3("frontier crawl", key))?;
        crawls.push((
            crawl.to_string(),
            segment::decode_meta(value, key)?.generation,
        ));
        Ok(Scan::Continue)
    })?;
    let mut removed = 0;
    for (crawl, generation) in &crawls {
        removed += remove_generations(kv, crawl, *generation, false)?;
    }
    removed += remove_tag(kv, format3::CRAWL_SEEN)?;
    if removed > 0 {
        kv.flush()?;
        tracing::info!(database = %label, keys = removed, "removed format-3 frontier keys left by an interrupted migration");
    }
    Ok(())
}

fn corrupt3(what: &'static str, key: &[u8]) -> StoreError {
    StoreError::Corrupt {
        what,
        key: keys::display(key),
        detail: "malformed format-3 key".to_string(),
    }
}

/// Removes format-2 frontier keys that a migration interrupted after its switch left.
pub(crate) fn remove_format2_leftovers<K: Kv>(kv: &K, label: &str) -> Result<()> {
    let mut removed = 0;
    for tag in format2::TAGS {
        removed += remove_tag(kv, tag)?;
    }
    if removed > 0 {
        kv.flush()?;
        tracing::info!(database = %label, keys = removed, "removed format-2 frontier keys left by an interrupted migration");
    }
    Ok(())
}

/// Migrates a format-5 database to format 6, which keeps raw pages in files of their own
/// beside the database (see `pages`) instead of as the values of `r` and `b` keys.
///
/// Each raw page's bytes are appended unchanged to the page files, synced, and then its
/// place written under the format-6 key (`R` for `r`, `B` for `b`), a bounded batch at a
/// time. Nothing of format 5 is touched until the switch (the format marker), so an
/// interrupted run leaves a whole format-5 database plus `R`/`B` keys and page bytes; the
/// next run keeps every `R`/`B` key that points to a copy of what its format-5 key holds
/// (same length and CRC, checked on the bytes in hand) and copies the others, so it
/// resumes rather than starting over. Bytes an interrupted batch appended but never
/// referred to stay in the files as garbage nothing reads. After the switch the format-5
/// keys are removed; what a crash leaves of them is removed at every open
/// ([`remove_format5_leftovers`]).
pub(crate) fn from_format5<K: Kv>(kv: &K, label: &str) -> Result<()> {
    let started = Instant::now();
    tracing::info!(database = %label, "migrating the database from format 5 to format 6 (page files)");
    let mut file = pages::last_file(kv.pages())?;
    let (mut copied, mut kept, mut bytes_copied) = (0u64, 0u64, 0u64);
    for (old, new) in [
        (format5::RAW, keys::RAW),
        (format5::VERSION_RAW, keys::VERSION_RAW),
    ] {
        let end = keys::prefix_end(&[old]);
        let mut start = vec![old];
        loop {
            // One bounded page at a time, written outside the scan.
            let mut page: Vec<(Vec<u8>, Vec<u8>)> = Vec::new();
            let mut bytes = 0;
            kv.scan(&start, end.as_deref(), &mut |key, value| {
                page.push((key.to_vec(), value.to_vec()));
                bytes += key.len() + value.len();
                Ok(if bytes >= COPY_BATCH_BYTES || page.len() >= DELETE_BATCH {
                    Scan::Stop
                } else {
                    Scan::Continue
                })
            })?;
            let Some((last, _)) = page.last() else {
                break;
            };
            start = last.clone();
            start.push(0);
            let mut appender = PageAppender::new(file, PAGE_FILE_BYTES);
            let mut batch = WriteBatch::default();
            for (key, value) in page {
                let mut new_key = key;
                new_key[0] = new;
                if let Some(done) = kv.get(&new_key)? {
                    let at = pages::decode_ref(&done, &new_key)?;
                    if at.len as usize == value.len() && at.crc == crc32fast::hash(&value) {
                        kept += 1;
                        continue;
                    }
                }
                let at = appender.put(kv.pages(), &value)?;
                batch.put(new_key, pages::encode_ref(&at)?);
                copied += 1;
                bytes_copied += value.len() as u64;
            }
            appender.flush(kv.pages())?;
            file = appender.file();
            if !batch.is_empty() {
                kv.apply(batch)?;
            }
        }
    }
    // The switch.
    let mut batch = WriteBatch::default();
    batch.put(keys::META_FORMAT.to_vec(), 6u32.to_le_bytes().to_vec());
    kv.apply(batch)?;
    kv.flush()?;
    let removed = remove_format5_keys(kv)?;
    kv.flush()?;
    tracing::info!(
        database = %label,
        raw_pages = copied + kept,
        copied_by_an_earlier_run = kept,
        mib = bytes_copied as f64 / (1 << 20) as f64,
        format5_keys_removed = removed,
        elapsed = ?started.elapsed(),
        "migrated the database to format 6"
    );
    Ok(())
}

/// Removes the format-5 raw page keys that a migration interrupted after its switch left.
pub(crate) fn remove_format5_leftovers<K: Kv>(kv: &K, label: &str) -> Result<()> {
    let removed = remove_format5_keys(kv)?;
    if removed > 0 {
        kv.flush()?;
        tracing::info!(database = %label, keys = removed, "removed format-5 raw page keys left by an interrupted migration");
    }
    Ok(())
}

/// Removes the format-5 raw page keys (`r`, `b`); returns how many.
fn remove_format5_keys<K: Kv>(kv: &K) -> Result<usize> {
    let mut removed = 0;
    for tag in format5::TAGS {
        removed += remove_tag(kv, tag)?;
    }
    Ok(removed)
}

/// Called with each key and value of a format-1 index.
type EntryVisitor<'a> = dyn FnMut(&[u8], &[u8]) -> Result<()> + 'a;

/// Visits every key under `tag`, in order.
fn scan_tag<K: Kv>(kv: &K, tag: u8, visit: &mut EntryVisitor<'_>) -> Result<()> {
    kv.scan_prefix(&[tag], &mut |key, value| {
        visit(key, value)?;
        Ok(Scan::Continue)
    })
}

/// Applies `batch` once it holds [`DELETE_BATCH`] writes, so that a migration step that
/// writes as it scans holds a bounded batch. An error ends the scan it is called from.
fn apply_when_full<K: Kv>(kv: &K, batch: &mut WriteBatch) -> Result<()> {
    if batch.len() >= DELETE_BATCH {
        kv.apply(std::mem::take(batch))?;
    }
    Ok(())
}

/// Removes every key under `tag`, a bounded batch at a time; returns how many.
fn remove_tag<K: Kv>(kv: &K, tag: u8) -> Result<usize> {
    kv::remove_range(kv, &[tag], keys::prefix_end(&[tag]).as_deref())
}

fn corrupt(what: &'static str, key: &[u8]) -> StoreError {
    StoreError::Corrupt {
        what,
        key: keys::display(key),
        detail: "malformed format-1 entry".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;
    use crate::store::StoreOptions;
    use crate::store::blobs;
    use crate::store::codec::DB_FORMAT;
    use crate::store::engine::KvStore;
    use crate::store::kv::{Dying, MemoryKv};

    /// The format-1 fixture database, key by key.
    fn format1_fixture() -> BTreeMap<Vec<u8>, Vec<u8>> {
        let fixture = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/store-format1/sled");
        let dir = tempfile::tempdir().expect("tempdir");
        for file in ["conf", "db"] {
            std::fs::copy(fixture.join(file), dir.path().join(file)).expect("copy fixture");
        }
        let db = sled::open(dir.path()).expect("fixture opens");
        let tree = db.open_tree("gleaner").expect("tree");
        tree.iter()
            .map(|item| {
                let (k, v) = item.expect("read");
                (k.to_vec(), v.to_vec())
            })
            .collect()
    }

    fn open(kv: impl Kv) -> Result<KvStore<impl Kv>> {
        KvStore::with_kv(kv, StoreOptions::default(), "test database".to_string())
    }

    /// What `kv` holds, with each raw page's place replaced by the page's bytes: two runs
    /// of a migration may place pages differently (an interrupted run leaves garbage
    /// before them).
    fn contents(kv: &MemoryKv) -> BTreeMap<Vec<u8>, Vec<u8>> {
        let mut map = kv.to_map();
        for (key, value) in map.iter_mut() {
            if matches!(key.first(), Some(&keys::RAW | &keys::VERSION_RAW)) {
                let at = pages::decode_ref(value, key).expect("raw page reference");
                *value = blobs::read_checked(kv.pages(), &at, "raw page").expect("raw page");
            }
        }
        map
    }

    /// A database without what depends on the URL hash keys it drew (the keys, and the
    /// checksums and sizes of the seen-set chunks): two runs of a migration draw different
    /// ones.
    fn comparable(mut map: BTreeMap<Vec<u8>, Vec<u8>>) -> BTreeMap<Vec<u8>, Vec<u8>> {
        map.remove(keys::META_URL_HASH);
        for (key, value) in map.iter_mut() {
            if key.first() == Some(&keys::CRAWL) {
                let mut meta = segment::decode_meta(value, key).expect("crawl meta");
                for chunk in &mut meta.chunks {
                    (chunk.blob.crc, chunk.blob.len) = (0, 0);
                }
                *value = segment::encode_meta(&meta).expect("encodes");
            }
        }
        map
    }

    #[test]
    fn a_migration_interrupted_anywhere_is_finished_by_the_next_open() {
        let format1 = format1_fixture();
        assert_eq!(
            format1.get(keys::META_FORMAT).map(Vec::as_slice),
            Some(&1u32.to_le_bytes()[..])
        );
        let reference = {
            let kv = MemoryKv::from_map(format1.clone());
            drop(open(&kv).expect("uninterrupted migration"));
            contents(&kv)
        };
        assert_eq!(
            reference.get(keys::META_FORMAT).map(Vec::as_slice),
            Some(&DB_FORMAT.to_le_bytes()[..])
        );
        let mut interrupted = 0;
        for budget in 0.. {
            let kv = MemoryKv::from_map(format1.clone());
            match open(Dying::new(&kv, budget)) {
                Ok(_) => break,
                Err(e) => assert!(e.to_string().contains("simulated crash"), "{e}"),
            }
            interrupted += 1;
            let crashed = kv.to_map();
            let switched = crashed.get(keys::META_FORMAT) != format1.get(keys::META_FORMAT);
            // Before the switch the database is format 1, untouched but for new tags.
            if !switched {
                for (key, value) in &format1 {
                    assert_eq!(crashed.get(key), Some(value), "budget {budget}");
                }
            }
            drop(open(&kv).unwrap_or_else(|e| panic!("reopen after crash at {budget}: {e}")));
            assert_eq!(
                comparable(contents(&kv)),
                comparable(reference.clone()),
                "crash after {budget} batches"
            );
        }
        assert!(interrupted >= 6, "the migration took {interrupted} batches");
    }

    /// The blob files beside `kv`, number → bytes.
    fn blob_files(kv: &MemoryKv) -> BTreeMap<u32, Vec<u8>> {
        let blobs = kv.blobs();
        blobs
            .list()
            .expect("list")
            .into_iter()
            .map(|f| {
                let size = blobs.size(f).expect("size") as u32;
                (f, blobs.read_at(f, 0, size).expect("read"))
            })
            .collect()
    }

    #[test]
    fn format3_frontiers_move_to_files_and_an_interrupted_move_is_redone() {
        // A format-3 database: the fixture migrated two steps.
        let format3 = {
            let kv = MemoryKv::from_map(format1_fixture());
            from_format1(&kv, "t").expect("1 to 2");
            from_format2(&kv, "t").expect("2 to 3");
            kv.to_map()
        };
        assert_eq!(
            format3.get(keys::META_FORMAT).map(Vec::as_slice),
            Some(&3u32.to_le_bytes()[..])
        );
        let tagged = |map: &BTreeMap<Vec<u8>, Vec<u8>>, tag: u8| {
            map.iter()
                .filter(|(k, _)| k.first() == Some(&tag))
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect::<Vec<_>>()
        };
        let old_parts = tagged(&format3, keys::CRAWL_PART);
        assert!(!old_parts.is_empty() && !tagged(&format3, format3::CRAWL_SEEN).is_empty());

        let kv = MemoryKv::from_map(format3.clone());
        drop(open(&kv).expect("uninterrupted migration"));
        let (reference, reference_files) = (contents(&kv), blob_files(&kv));
        assert_eq!(
            reference.get(keys::META_FORMAT).map(Vec::as_slice),
            Some(&DB_FORMAT.to_le_bytes()[..])
        );
        assert!(tagged(&reference, format3::CRAWL_SEEN).is_empty());
        // Each part's bytes are now a blob, under the next generation's key.
        let new_parts = tagged(&reference, keys::CRAWL_PART);
        assert_eq!(new_parts.len(), old_parts.len());
        for ((old_key, old_bytes), (new_key, value)) in old_parts.iter().zip(&new_parts) {
            assert_eq!(old_key.len(), new_key.len());
            let at = segment::decode_ref(value, new_key).expect("ref");
            assert_eq!(&blobs::read(kv.blobs(), &at).expect("blob"), old_bytes);
        }
        let mut seen = 0;
        for (key, value) in tagged(&reference, keys::CRAWL) {
            let meta = segment::decode_meta(&value, &key).expect("meta");
            for chunk in &meta.chunks {
                blobs::read(kv.blobs(), &chunk.blob).expect("seen-set chunk");
                seen += chunk.hashes;
            }
            let listed: Vec<u32> = meta.files.iter().map(|f| f.id).collect();
            assert_eq!(listed, Vec::from_iter(reference_files.keys().copied()));
        }
        assert!(seen > 0);

        let mut interrupted = 0;
        for budget in 0.. {
            let kv = MemoryKv::from_map(format3.clone());
            match open(Dying::new(&kv, budget)) {
                Ok(_) => break,
                Err(e) => assert!(e.to_string().contains("simulated crash"), "{e}"),
            }
            interrupted += 1;
            let crashed = kv.to_map();
            if crashed.get(keys::META_FORMAT) == format3.get(keys::META_FORMAT) {
                // Before the switch every format-3 key is as it was.
                for (key, value) in &format3 {
                    assert_eq!(crashed.get(key), Some(value), "budget {budget}");
                }
            }
            drop(open(&kv).unwrap_or_else(|e| panic!("reopen after crash at {budget}: {e}")));
            assert_eq!(contents(&kv), reference, "crash after {budget} batches");
            assert_eq!(
                blob_files(&kv),
                reference_files,
                "crash after {budget} batches"
            );
        }
        assert!(interrupted >= 4, "the migration took {interrupted} batches");
    }

    /// A raw page of format 5 that does not compress: `kib` KiB from `seed`.
    fn incompressible_page(seed: u64, kib: usize) -> Vec<u8> {
        let mut state = seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1;
        let body = (0..kib * 1024)
            .map(|_| {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                state as u8
            })
            .collect();
        let raw = crate::store::RawPage {
            headers: vec![("content-type".into(), format!("text/html; seed={seed}"))],
            body,
        };
        codec::encode_raw(&raw).expect("encodes")
    }

    #[test]
    fn format5_raw_pages_move_to_page_files_and_an_interrupted_move_resumes() {
        // A format-5 database: the fixture migrated four steps, with raw pages of current
        // versions (`r`) and replaced ones (`b`), more than one copy batch of each.
        let format5 = {
            let kv = MemoryKv::from_map(format1_fixture());
            from_format1(&kv, "t").expect("1 to 2");
            from_format2(&kv, "t").expect("2 to 3");
            from_format3(&kv, "t").expect("3 to 4");
            from_format4(&kv, "t", &WatchPolicy::default()).expect("4 to 5");
            let mut batch = WriteBatch::default();
            for i in 0..6u64 {
                let mut key = vec![format5::RAW];
                key.extend_from_slice(&(i * 977).to_be_bytes());
                batch.put(key.clone(), incompressible_page(i, 1536));
                key[0] = format5::VERSION_RAW;
                key.extend_from_slice(&1u32.to_be_bytes());
                batch.put(key, incompressible_page(100 + i, 1536));
            }
            kv.apply(batch).expect("raw pages");
            kv.to_map()
        };
        assert_eq!(
            format5.get(keys::META_FORMAT).map(Vec::as_slice),
            Some(&5u32.to_le_bytes()[..])
        );
        let old_raw: BTreeMap<Vec<u8>, Vec<u8>> = format5
            .iter()
            .filter(|(k, _)| matches!(k.first(), Some(&format5::RAW | &format5::VERSION_RAW)))
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        assert!(old_raw.len() >= 12);

        let kv = MemoryKv::from_map(format5.clone());
        let store = open(&kv).expect("uninterrupted migration");
        let reference = contents(&kv);
        assert_eq!(
            reference.get(keys::META_FORMAT).map(Vec::as_slice),
            Some(&DB_FORMAT.to_le_bytes()[..])
        );
        // Every raw page is under its format-6 key, its bytes unchanged, and nothing is
        // left under the old keys.
        for (key, bytes) in &old_raw {
            let mut new_key = key.clone();
            new_key[0] = if key[0] == format5::RAW {
                keys::RAW
            } else {
                keys::VERSION_RAW
            };
            assert_eq!(reference.get(&new_key), Some(bytes));
            assert!(!reference.contains_key(key));
            // Small references in the database; pages in the files.
            assert!(kv.to_map()[&new_key].len() < 64);
        }
        let id = ArticleId::from_bytes(977u64.to_be_bytes());
        let raw = store.raw_page(id).expect("reads").expect("kept");
        assert_eq!(raw.headers[0].1, "text/html; seed=1");
        drop(store);

        let mut interrupted = 0;
        for budget in 0.. {
            let kv = MemoryKv::from_map(format5.clone());
            match open(Dying::new(&kv, budget)) {
                Ok(_) => break,
                Err(e) => assert!(e.to_string().contains("simulated crash"), "{e}"),
            }
            interrupted += 1;
            let crashed = kv.to_map();
            if crashed.get(keys::META_FORMAT) == format5.get(keys::META_FORMAT) {
                // Before the switch every format-5 key is as it was.
                for (key, value) in &format5 {
                    assert_eq!(crashed.get(key), Some(value), "budget {budget}");
                }
            }
            drop(open(&kv).unwrap_or_else(|e| panic!("reopen after crash at {budget}: {e}")));
            assert_eq!(contents(&kv), reference, "crash after {budget} batches");
        }
        assert!(interrupted >= 5, "the migration took {interrupted} batches");

        // Interrupted, then a format-5 gleaner wrote a page anew before the next open: the
        // copy that no longer matches is made again.
        let kv = MemoryKv::from_map(format5.clone());
        assert!(open(Dying::new(&kv, 2)).is_err());
        let mut first = vec![format5::RAW];
        first.extend_from_slice(&0u64.to_be_bytes());
        let mut batch = WriteBatch::default();
        batch.put(first.clone(), incompressible_page(7, 3));
        kv.apply(batch).expect("a format-5 write");
        drop(open(&kv).expect("resumes"));
        first[0] = keys::RAW;
        assert_eq!(contents(&kv).get(&first), Some(&incompressible_page(7, 3)));
    }
}
