//! Opening a database written by an older gleaner: format 1 → format 2.
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

use super::catalog::{Catalog, Changes, FULL_CHUNK, text_key};
use super::codec::{self, Counters, DB_FORMAT, LeaseV1, QueueItemV1};
use super::error::{Result, StoreError};
use super::keys::{self, format1};
use super::kv::{Kv, Scan, WriteBatch};
use super::queue::{LeaseBatch, Leased, QueueChanges};
use super::record::{ArticleId, Simhash};

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
    batch.put(keys::META_FORMAT.to_vec(), DB_FORMAT.to_le_bytes().to_vec());
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

/// Called with each key and value of a format-1 index.
type EntryVisitor<'a> = dyn FnMut(&[u8], &[u8]) -> Result<()> + 'a;

/// Visits every key under `tag`, in order.
fn scan_tag<K: Kv>(kv: &K, tag: u8, visit: &mut EntryVisitor<'_>) -> Result<()> {
    kv.scan_prefix(&[tag], &mut |key, value| {
        visit(key, value)?;
        Ok(Scan::Continue)
    })
}

/// Removes every key under `tag`, a bounded batch at a time; returns how many.
fn remove_tag<K: Kv>(kv: &K, tag: u8) -> Result<usize> {
    let start = [tag];
    let end = keys::prefix_end(&start);
    let mut removed = 0;
    loop {
        let mut batch = WriteBatch::default();
        kv.scan(&start, end.as_deref(), &mut |key, _| {
            batch.remove(key.to_vec());
            Ok(if batch.len() >= DELETE_BATCH {
                Scan::Stop
            } else {
                Scan::Continue
            })
        })?;
        if batch.is_empty() {
            return Ok(removed);
        }
        removed += batch.len();
        kv.apply(batch)?;
    }
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
            kv.to_map()
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
            let switched = crashed.get(keys::META_FORMAT) == reference.get(keys::META_FORMAT);
            // Before the switch the database is format 1, untouched but for new tags.
            if !switched {
                for (key, value) in &format1 {
                    assert_eq!(crashed.get(key), Some(value), "budget {budget}");
                }
            }
            drop(open(&kv).unwrap_or_else(|e| panic!("reopen after crash at {budget}: {e}")));
            assert_eq!(kv.to_map(), reference, "crash after {budget} batches");
        }
        assert!(interrupted >= 6, "the migration took {interrupted} batches");
    }
}
