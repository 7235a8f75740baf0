//! The ordered key-value interface the store's logic runs on.
//!
//! [`KvStore`](super::engine::KvStore) implements every rule (versions, dedup, queue,
//! frontier) once, on top of this; sled and an in-memory `BTreeMap` are the two backends.
//! Only what those rules need is here: point reads, ordered range scans, atomic batches and
//! a durability barrier; and, beside the keys, the append-only files where the frontier
//! keeps its bulk and the raw pages are kept (see `blobs`, `pages`).

use std::collections::BTreeMap;
use std::ops::Bound;
use std::sync::RwLock;

pub use super::blobs::BlobFiles;
use super::blobs::MemoryBlobs;
use super::error::Result;

/// One atomic group of writes, keyed so that a later write of a key replaces an earlier
/// one. While an operation (or a whole batch of upserts) builds it, it is also the overlay
/// its reads go through first ([`WriteBatch::get`]), so later steps see earlier ones.
#[derive(Debug, Default)]
pub struct WriteBatch {
    writes: BTreeMap<Vec<u8>, Option<Vec<u8>>>,
}

impl WriteBatch {
    pub fn put(&mut self, key: Vec<u8>, value: Vec<u8>) {
        self.writes.insert(key, Some(value));
    }
    /// Removes `key`: `None` is the removal marker.
    pub fn remove(&mut self, key: Vec<u8>) {
        self.writes.insert(key, None);
    }
    /// What this batch does to `key`: `None` when it does not touch it, `Some(None)` when it
    /// removes it, `Some(Some(value))` when it writes it.
    pub fn get(&self, key: &[u8]) -> Option<Option<&[u8]>> {
        self.writes.get(key).map(Option::as_deref)
    }
    pub fn is_empty(&self) -> bool {
        self.writes.is_empty()
    }
    pub fn len(&self) -> usize {
        self.writes.len()
    }
    /// The writes in key order; `None` removes the key.
    pub fn into_writes(self) -> impl Iterator<Item = (Vec<u8>, Option<Vec<u8>>)> {
        self.writes.into_iter()
    }
}

/// Called for each key and value of a scan, in key order. An error ends the scan and is
/// what [`Kv::scan`] returns, so a visitor that fails to decode a value can return it as is.
pub type Visitor<'a> = dyn FnMut(&[u8], &[u8]) -> Result<Scan> + 'a;

/// Whether a scan goes on.
pub enum Scan {
    Continue,
    Stop,
}

/// Most keys [`remove_range`] removes in one batch: bounded memory whatever the range.
const REMOVE_BATCH: usize = 4096;

/// Removes every key from `start` up to `end` (exclusive; to the last key when `None`)
/// in batches of at most [`REMOVE_BATCH`] keys, so that a range of any size goes in
/// bounded memory; returns how many. Each batch is atomic, the whole is not: after a
/// crash part of the range may be gone, so callers remove only what a rerun removes again.
pub fn remove_range<K: Kv + ?Sized>(kv: &K, start: &[u8], end: Option<&[u8]>) -> Result<usize> {
    let mut removed = 0;
    loop {
        let mut batch = WriteBatch::default();
        kv.scan(start, end, &mut |key, _| {
            batch.remove(key.to_vec());
            Ok(if batch.len() >= REMOVE_BATCH {
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

pub trait Kv: Send + Sync {
    fn get(&self, key: &[u8]) -> Result<Option<Vec<u8>>>;
    /// Visits keys in `[start, end)` (no end: to the last key) in ascending order; stops at
    /// the first error, from the backend or from `visit`, and returns it.
    fn scan(&self, start: &[u8], end: Option<&[u8]>, visit: &mut Visitor<'_>) -> Result<()>;
    /// Visits every key that starts with `prefix` (a one-byte tag, plus optional further
    /// prefix bytes), in ascending order.
    fn scan_prefix(&self, prefix: &[u8], visit: &mut Visitor<'_>) -> Result<()> {
        let end = super::keys::prefix_end(prefix);
        self.scan(prefix, end.as_deref(), visit)
    }
    /// Applies all writes or none, also across a crash.
    fn apply(&self, batch: WriteBatch) -> Result<()>;
    /// Returns once everything applied so far is durable.
    fn flush(&self) -> Result<()>;
    /// The frontier's blob files beside the keys.
    fn blobs(&self) -> &dyn BlobFiles;
    /// The raw pages' blob files beside the keys (see `pages`).
    fn pages(&self) -> &dyn BlobFiles;
}

/// A borrowed backend is a backend (tests open a store over a map they inspect later).
impl<K: Kv + ?Sized> Kv for &K {
    fn get(&self, key: &[u8]) -> Result<Option<Vec<u8>>> {
        (**self).get(key)
    }
    fn scan(&self, start: &[u8], end: Option<&[u8]>, visit: &mut Visitor<'_>) -> Result<()> {
        (**self).scan(start, end, visit)
    }
    fn apply(&self, batch: WriteBatch) -> Result<()> {
        (**self).apply(batch)
    }
    fn flush(&self) -> Result<()> {
        (**self).flush()
    }
    fn blobs(&self) -> &dyn BlobFiles {
        (**self).blobs()
    }
    fn pages(&self) -> &dyn BlobFiles {
        (**self).pages()
    }
}

/// A `BTreeMap` behind a lock: the backend of [`MemoryStore`](super::MemoryStore).
#[derive(Debug, Default)]
pub struct MemoryKv {
    map: RwLock<BTreeMap<Vec<u8>, Vec<u8>>>,
    blobs: MemoryBlobs,
    pages: MemoryBlobs,
}

impl MemoryKv {
    /// A backend holding `map`.
    pub fn from_map(map: BTreeMap<Vec<u8>, Vec<u8>>) -> MemoryKv {
        MemoryKv {
            map: RwLock::new(map),
            blobs: MemoryBlobs::default(),
            pages: MemoryBlobs::default(),
        }
    }

    /// A copy of everything it holds.
    pub fn to_map(&self) -> BTreeMap<Vec<u8>, Vec<u8>> {
        self.read().clone()
    }

    fn read(&self) -> std::sync::RwLockReadGuard<'_, BTreeMap<Vec<u8>, Vec<u8>>> {
        // A panic while holding the lock cannot leave the map half-updated (writes are
        // applied under one guard), so a poisoned lock is still consistent.
        self.map.read().unwrap_or_else(|p| p.into_inner())
    }
}

impl Kv for MemoryKv {
    fn get(&self, key: &[u8]) -> Result<Option<Vec<u8>>> {
        Ok(self.read().get(key).cloned())
    }

    fn scan(&self, start: &[u8], end: Option<&[u8]>, visit: &mut Visitor<'_>) -> Result<()> {
        let map = self.read();
        let upper = end.map_or(Bound::Unbounded, Bound::Excluded);
        for (k, v) in map.range::<[u8], _>((Bound::Included(start), upper)) {
            if let Scan::Stop = visit(k, v)? {
                break;
            }
        }
        Ok(())
    }

    fn apply(&self, batch: WriteBatch) -> Result<()> {
        let mut map = self.map.write().unwrap_or_else(|p| p.into_inner());
        for (key, value) in batch.into_writes() {
            match value {
                Some(v) => map.insert(key, v),
                None => map.remove(&key),
            };
        }
        Ok(())
    }

    fn flush(&self) -> Result<()> {
        Ok(())
    }

    fn blobs(&self) -> &dyn BlobFiles {
        &self.blobs
    }

    fn pages(&self) -> &dyn BlobFiles {
        &self.pages
    }
}

/// A backend that dies after `budget` batches: the next batch fails without being
/// applied, as a crash loses a batch. What survives is a prefix of the batches, each
/// whole: what sled guarantees after a crash. For tests of multi-batch operations.
#[cfg(test)]
pub(crate) struct Dying<'a> {
    inner: &'a MemoryKv,
    budget: std::sync::atomic::AtomicUsize,
}

#[cfg(test)]
impl Dying<'_> {
    pub fn new(inner: &MemoryKv, budget: usize) -> Dying<'_> {
        Dying {
            inner,
            budget: std::sync::atomic::AtomicUsize::new(budget),
        }
    }
}

#[cfg(test)]
impl Kv for Dying<'_> {
    fn get(&self, key: &[u8]) -> Result<Option<Vec<u8>>> {
        self.inner.get(key)
    }
    fn scan(&self, start: &[u8], end: Option<&[u8]>, visit: &mut Visitor<'_>) -> Result<()> {
        self.inner.scan(start, end, visit)
    }
    fn apply(&self, batch: WriteBatch) -> Result<()> {
        use std::sync::atomic::Ordering;
        let left = self.budget.load(Ordering::SeqCst);
        if left == 0 {
            return Err(super::StoreError::backend(
                "writing",
                std::io::Error::other("simulated crash"),
            ));
        }
        self.budget.store(left - 1, Ordering::SeqCst);
        self.inner.apply(batch)
    }
    fn flush(&self) -> Result<()> {
        self.inner.flush()
    }
    fn blobs(&self) -> &dyn BlobFiles {
        self.inner.blobs()
    }
    fn pages(&self) -> &dyn BlobFiles {
        self.inner.pages()
    }
}
