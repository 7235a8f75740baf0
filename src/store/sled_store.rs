//! [`SledStore`]: the on-disk store, on sled 0.34.
//!
//! Layout of a data directory:
//!
//! ```text
//! gleaner-data/
//!   sled/        the sled database (one tree, `gleaner`, laid out as in `keys`)
//!   frontier/    append-only files of the crawls' frontiers (`blobs`)
//!   pages/       append-only files of the raw pages kept (`pages`)
//!   owner.pid    pid of the process holding it (see `lock`)
//! ```
//!
//! Durability: sled writes to an in-memory log buffer; [`Kv::flush`] (sled's `flush`)
//! writes and fsyncs it. sled also flushes in the background every 500 ms. Because every
//! store operation is one atomic sled batch, what survives a crash is always a prefix of
//! the operations, each complete. The two that take several batches, migrating a format-1
//! database and compacting the catalog log, order them so that every prefix is a
//! consistent database too.

use std::path::{Path, PathBuf};

use super::StoreOptions;
use super::blobs::{BlobFiles, FileBlobs};
use super::engine::KvStore;
use super::error::{Result, StoreError};
use super::kv::{Kv, Scan, Visitor, WriteBatch};
use super::lock;
use crate::config::StoreConfig;

const TREE: &str = "gleaner";

/// The sled backend of [`KvStore`].
pub struct SledKv {
    db: sled::Db,
    tree: sled::Tree,
    blobs: FileBlobs,
    pages: FileBlobs,
    dir: PathBuf,
}

/// The on-disk [`Store`](super::Store).
pub type SledStore = KvStore<SledKv>;

impl KvStore<SledKv> {
    /// Opens (creating if needed) the database in directory `dir`.
    ///
    /// Fails with [`StoreError::Locked`] when another process holds it, and with
    /// [`StoreError::UnsupportedFormat`] when a newer gleaner wrote it.
    pub fn open(dir: &Path, options: StoreOptions) -> Result<SledStore> {
        std::fs::create_dir_all(dir).map_err(|e| StoreError::Open {
            path: dir.to_path_buf(),
            detail: format!("cannot create the directory: {e}"),
        })?;
        let db = open_sled(dir, options.cache_bytes).map_err(|e| {
            if lock::is_lock_conflict(&e) {
                StoreError::Locked {
                    path: dir.to_path_buf(),
                    pid: lock::current_owner(dir),
                }
            } else {
                StoreError::Open {
                    path: dir.to_path_buf(),
                    detail: e.to_string(),
                }
            }
        })?;
        lock::record_owner(dir)?;
        let tree = db
            .open_tree(TREE)
            .map_err(|e| StoreError::backend("opening the article tree", e))?;
        let kv = SledKv {
            db,
            tree,
            blobs: FileBlobs::new(dir.join("frontier")),
            pages: FileBlobs::new(dir.join("pages")),
            dir: dir.to_path_buf(),
        };
        KvStore::with_kv(kv, options, format!("database {}", dir.display()))
    }

    /// Opens an existing database; fails with [`StoreError::Missing`] instead of creating
    /// one (for commands that read or consume, where a mistyped `--data` should say so).
    pub fn open_existing(dir: &Path, options: StoreOptions) -> Result<SledStore> {
        if !dir.join("sled").join("conf").is_file() {
            return Err(StoreError::Missing {
                path: dir.to_path_buf(),
            });
        }
        SledStore::open(dir, options)
    }

    /// Opens the database configured by `[store]`.
    pub fn open_config(config: &StoreConfig) -> Result<SledStore> {
        SledStore::open(&config.resolved_path(), StoreOptions::from(config))
    }

    /// Bytes the database occupies on disk: sled's files, the frontier's and the pages'.
    pub fn size_on_disk(&self) -> Result<u64> {
        let mut total = self
            .kv
            .db
            .size_on_disk()
            .map_err(|e| StoreError::backend("measuring the database", e))?;
        for files in [&self.kv.blobs, &self.kv.pages] {
            for file in files.list()? {
                total += files.size(file)?;
            }
        }
        Ok(total)
    }

    /// The data directory.
    pub fn dir(&self) -> &Path {
        &self.kv.dir
    }
}

impl Kv for SledKv {
    fn get(&self, key: &[u8]) -> Result<Option<Vec<u8>>> {
        self.tree
            .get(key)
            .map(|v| v.map(|v| v.to_vec()))
            .map_err(|e| StoreError::backend("reading", e))
    }

    fn scan(&self, start: &[u8], end: Option<&[u8]>, visit: &mut Visitor<'_>) -> Result<()> {
        let iter = match end {
            Some(end) => self.tree.range(start..end),
            None => self.tree.range(start..),
        };
        for item in iter {
            let (key, value) = item.map_err(|e| StoreError::backend("scanning", e))?;
            if let Scan::Stop = visit(&key, &value)? {
                break;
            }
        }
        Ok(())
    }

    fn apply(&self, batch: WriteBatch) -> Result<()> {
        let writes = batch.len();
        let mut sled_batch = sled::Batch::default();
        for (key, value) in batch.into_writes() {
            match value {
                Some(v) => sled_batch.insert(key, v),
                None => sled_batch.remove(key),
            }
        }
        let applied = self
            .tree
            .apply_batch(sled_batch)
            .map_err(|e| StoreError::backend("writing", e));
        collect_garbage(writes);
        applied
    }

    fn flush(&self) -> Result<()> {
        self.db
            .flush()
            .map(|_| ())
            .map_err(|e| StoreError::backend("flushing to disk", e))
    }

    fn blobs(&self) -> &dyn BlobFiles {
        &self.blobs
    }

    fn pages(&self) -> &dyn BlobFiles {
        &self.pages
    }
}

impl Drop for SledKv {
    fn drop(&mut self) {
        // sled flushes on drop too, but silently; a failure here is worth a log line.
        if let Err(e) = self.db.flush() {
            tracing::error!(database = %self.dir.display(), error = %e, "final flush failed");
        }
    }
}

/// Frees what sled retired while applying a batch of `writes` keys.
///
/// sled 0.34 copies a tree node for every key it writes and hands the old copy to
/// crossbeam-epoch's global collector, which frees at most 8 bags of 64 objects per
/// collection and collects on every 128th pin. A batch pins once and retires a node per
/// key, so a store that writes batches of thousands of keys retires far faster than the
/// collector frees: the backlog grew without bound (heaptrack on `bench_frontier`, 2 M
/// URLs: 165 MiB of the 209 MiB heap peak were node copies retired by `apply_batch`).
/// Flushing this thread's bag and collecting about once per 128 keys written (a node
/// copy, its page and their log bookkeeping per key, 512 objects per collection) keeps
/// the backlog at about one batch; the first rounds advance the epoch so that the batch's
/// own garbage expires.
fn collect_garbage(writes: usize) {
    for _ in 0..writes / 128 + 4 {
        crossbeam_epoch::pin().flush();
    }
}

/// Opens sled, waiting briefly when the lock is held by this very process.
///
/// sled's flusher thread keeps the database file (and so its `flock`) open for a moment
/// after the last handle is dropped; a reopen in the same process (a test, a reload) would
/// otherwise fail with a lock conflict against itself. Another process's lock fails at once.
/// The page cache is `cache_bytes` (`store.cache_bytes`); sled's own default, 1 GiB, is a
/// lot for a crawler sharing a small server.
fn open_sled(dir: &Path, cache_bytes: u64) -> std::result::Result<sled::Db, sled::Error> {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
    loop {
        let result = sled::Config::new()
            .path(dir.join("sled"))
            .cache_capacity(cache_bytes)
            .open();
        match result {
            Err(e)
                if lock::is_lock_conflict(&e)
                    && lock::current_owner(dir) == Some(std::process::id())
                    && std::time::Instant::now() < deadline =>
            {
                std::thread::sleep(std::time::Duration::from_millis(20));
            }
            other => return other,
        }
    }
}
