//! Append-only blob files, beside the key-value database: the frontier's bulk and the raw
//! pages.
//!
//! The frontier's bulk — sealed segments, the parts of open segments, the seen-set's
//! chunks — is written once, read a few times and then dropped whole: a segment once its
//! host's queue moves past it, a part once its segment is sealed, a chunk once merged into
//! a bigger one. Stored as sled values, this cost far more than the data (measured with
//! `examples/bench_frontier`, 2 cores, sled 0.34 with a 32 MiB cache): at 10 M URLs over
//! 1000 hosts, 123 MB of live values (53 MB of segments, 68 MB of seen-set chunks) took
//! 872 MB on disk, and the process peaked at 1.2 GB RSS; at 2 M URLs heaptrack put 270 MB
//! of the 650 MB heap peak in sled's deserialized pages and 86 MB in its write buffers,
//! both far beyond the cache size. sled keeps what it was given to write in memory and
//! its log keeps the garbage of removed values until it rewrites whole segments of it;
//! pushes ran at 36–52 k URLs/s. Nothing in sled's API changes either; this module is what
//! replaces it for the bulk: plain files that are only ever appended to, read at known
//! offsets and deleted whole. Raw pages (`pages`), the largest values by far, are kept
//! the same way, in files of their own, for the same reason (measured there).
//!
//! A blob is addressed by a [`BlobRef`] (file, offset, length and CRC-32 of its bytes),
//! which lives in the key-value database. The rule that keeps this crash-safe: a commit
//! appends its blobs and makes them durable ([`BlobFiles::sync`]) *before* it applies the
//! batch that refers to them. After a crash, bytes no durable reference points to are
//! garbage and nothing more: a torn or lost append only ever affects bytes no reference
//! reached. Frontier files are listed by the crawl that owns them (`CrawlMeta::files`); a
//! file no crawl lists is removed when the store opens, and a file is deleted only after
//! the batch that stopped listing it is durable.
//!
//! [`FileBlobs`] keeps the files in a directory (`<data>/frontier/`, `<data>/pages/`);
//! [`MemoryBlobs`] keeps them in memory for the [`MemoryStore`](crate::store::MemoryStore),
//! so both run the same code.

use std::collections::{BTreeMap, HashMap};
use std::fs::{File, OpenOptions};
use std::os::unix::fs::FileExt;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, RwLock};

use serde::{Deserialize, Serialize};

use crate::store::error::{Result, StoreError};

/// Where a blob is: its file, offset and length, and the CRC-32 of its bytes (checked on
/// every read, so a damaged file is reported rather than misread).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct BlobRef {
    pub file: u32,
    pub offset: u64,
    pub len: u32,
    pub crc: u32,
}

/// Append-only numbered files.
pub trait BlobFiles: Send + Sync {
    /// Appends `bytes` to `file` (created when missing); returns the offset they start at.
    /// Durable only once [`BlobFiles::sync`] returns.
    fn append(&self, file: u32, bytes: &[u8]) -> Result<u64>;
    /// Makes what was appended to `file`, and the file itself, durable.
    fn sync(&self, file: u32) -> Result<()>;
    /// Reads `len` bytes at `offset` of `file`.
    fn read_at(&self, file: u32, offset: u64, len: u32) -> Result<Vec<u8>>;
    /// The size of `file` (0 when it does not exist).
    fn size(&self, file: u32) -> Result<u64>;
    /// Deletes `file`; a missing file is no error.
    fn remove(&self, file: u32) -> Result<()>;
    /// The files there are.
    fn list(&self) -> Result<Vec<u32>>;
}

/// Reads the frontier blob at `at`, checking its length and CRC.
pub fn read(blobs: &dyn BlobFiles, at: &BlobRef) -> Result<Vec<u8>> {
    read_checked(blobs, at, "frontier blob")
}

/// Reads the blob at `at` (`what` it holds, for errors), checking its length and CRC.
pub fn read_checked(blobs: &dyn BlobFiles, at: &BlobRef, what: &'static str) -> Result<Vec<u8>> {
    let bytes = blobs.read_at(at.file, at.offset, at.len)?;
    if crc32fast::hash(&bytes) != at.crc {
        return Err(StoreError::Corrupt {
            what,
            key: format!("file {}, offset {}, {} bytes", at.file, at.offset, at.len),
            detail: "the checksum does not match".into(),
        });
    }
    Ok(bytes)
}

/// Appends `bytes` to `file`, where they were announced to start: a commit hands out
/// [`BlobRef`]s before it writes, so an end of file elsewhere (another writer) is
/// corruption, reported as such rather than referred to. Durable only once synced.
pub fn append_at(
    blobs: &dyn BlobFiles,
    file: u32,
    start: u64,
    bytes: &[u8],
    what: &'static str,
) -> Result<()> {
    let at = blobs.append(file, bytes)?;
    if at != start {
        return Err(StoreError::Corrupt {
            what,
            key: format!("file {file}"),
            detail: format!(
                "{at} bytes long where {start} were expected: written by another process?"
            ),
        });
    }
    Ok(())
}

/// Files in a directory, named `<number>.blob`.
#[derive(Debug)]
pub struct FileBlobs {
    dir: PathBuf,
    /// Open files and their sizes. Few: a crawl appends to one or two and reads a few.
    open: Mutex<HashMap<u32, Arc<Open>>>,
    /// A file was created since the directory was last synced.
    dir_dirty: Mutex<bool>,
}

#[derive(Debug)]
struct Open {
    file: File,
    size: Mutex<u64>,
}

/// Open files kept beyond this are closed (they reopen on their next use).
const MAX_OPEN: usize = 64;

impl FileBlobs {
    /// Files in `dir` (created on the first append).
    pub fn new(dir: PathBuf) -> FileBlobs {
        FileBlobs {
            dir,
            open: Mutex::new(HashMap::new()),
            dir_dirty: Mutex::new(false),
        }
    }

    fn path(&self, file: u32) -> PathBuf {
        self.dir.join(format!("{file}.blob"))
    }

    fn io(&self, doing: &'static str, file: u32, e: std::io::Error) -> StoreError {
        StoreError::backend(
            doing,
            std::io::Error::new(e.kind(), format!("{}: {e}", self.path(file).display())),
        )
    }

    /// The open file `file`; `create` creates it when missing, else a missing file is an
    /// error.
    fn get(&self, file: u32, create: bool) -> Result<Arc<Open>> {
        let mut open = self.open.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(f) = open.get(&file) {
            return Ok(Arc::clone(f));
        }
        if create {
            std::fs::create_dir_all(&self.dir).map_err(|e| self.io("creating", file, e))?;
        }
        let path = self.path(file);
        let existed = path.exists();
        let handle = OpenOptions::new()
            .read(true)
            .write(true)
            .create(create)
            .truncate(false)
            .open(&path)
            .map_err(|e| self.io("opening", file, e))?;
        let size = handle
            .metadata()
            .map_err(|e| self.io("measuring", file, e))?
            .len();
        if !existed {
            *self.dir_dirty.lock().unwrap_or_else(|p| p.into_inner()) = true;
        }
        if open.len() >= MAX_OPEN {
            open.retain(|_, f| Arc::strong_count(f) > 1);
        }
        let f = Arc::new(Open {
            file: handle,
            size: Mutex::new(size),
        });
        open.insert(file, Arc::clone(&f));
        Ok(f)
    }
}

impl BlobFiles for FileBlobs {
    fn append(&self, file: u32, bytes: &[u8]) -> Result<u64> {
        let f = self.get(file, true)?;
        let mut size = f.size.lock().unwrap_or_else(|p| p.into_inner());
        let at = *size;
        f.file
            .write_all_at(bytes, at)
            .map_err(|e| self.io("appending to", file, e))?;
        *size += bytes.len() as u64;
        Ok(at)
    }

    fn sync(&self, file: u32) -> Result<()> {
        let f = self.get(file, false)?;
        f.file
            .sync_data()
            .map_err(|e| self.io("syncing", file, e))?;
        let mut dirty = self.dir_dirty.lock().unwrap_or_else(|p| p.into_inner());
        if *dirty {
            // A new file's name must be durable before anything refers to it.
            File::open(&self.dir)
                .and_then(|d| d.sync_all())
                .map_err(|e| self.io("syncing the directory of", file, e))?;
            *dirty = false;
        }
        Ok(())
    }

    fn read_at(&self, file: u32, offset: u64, len: u32) -> Result<Vec<u8>> {
        let f = self.get(file, false)?;
        let mut bytes = vec![0; len as usize];
        f.file
            .read_exact_at(&mut bytes, offset)
            .map_err(|e| self.io("reading", file, e))?;
        Ok(bytes)
    }

    fn size(&self, file: u32) -> Result<u64> {
        match self.get(file, false) {
            Ok(f) => Ok(*f.size.lock().unwrap_or_else(|p| p.into_inner())),
            Err(_) if !self.path(file).exists() => Ok(0),
            Err(e) => Err(e),
        }
    }

    fn remove(&self, file: u32) -> Result<()> {
        self.open
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .remove(&file);
        match std::fs::remove_file(self.path(file)) {
            Ok(()) => Ok(()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
            Err(e) => Err(self.io("deleting", file, e)),
        }
    }

    fn list(&self) -> Result<Vec<u32>> {
        list_dir(&self.dir)
    }
}

fn list_dir(dir: &Path) -> Result<Vec<u32>> {
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(StoreError::backend("listing blob files", e)),
    };
    let mut files = Vec::new();
    for entry in entries {
        let entry = entry.map_err(|e| StoreError::backend("listing blob files", e))?;
        let name = entry.file_name();
        let number = name
            .to_str()
            .and_then(|n| n.strip_suffix(".blob"))
            .and_then(|n| n.parse().ok());
        if let Some(n) = number {
            files.push(n);
        }
    }
    files.sort_unstable();
    Ok(files)
}

/// The files in memory, for the in-memory store.
#[derive(Debug, Default)]
pub struct MemoryBlobs {
    files: RwLock<BTreeMap<u32, Vec<u8>>>,
}

impl MemoryBlobs {
    fn files(&self) -> std::sync::RwLockWriteGuard<'_, BTreeMap<u32, Vec<u8>>> {
        // Every change is one step under the guard: a poisoned lock is still consistent.
        self.files.write().unwrap_or_else(|p| p.into_inner())
    }
}

impl BlobFiles for MemoryBlobs {
    fn append(&self, file: u32, bytes: &[u8]) -> Result<u64> {
        let mut files = self.files();
        let f = files.entry(file).or_default();
        let at = f.len() as u64;
        f.extend_from_slice(bytes);
        Ok(at)
    }

    fn sync(&self, file: u32) -> Result<()> {
        if self.files().contains_key(&file) {
            Ok(())
        } else {
            Err(missing(file))
        }
    }

    fn read_at(&self, file: u32, offset: u64, len: u32) -> Result<Vec<u8>> {
        let files = self.files();
        let f = files.get(&file).ok_or_else(|| missing(file))?;
        usize::try_from(offset)
            .ok()
            .and_then(|start| f.get(start..start.checked_add(len as usize)?))
            .map(<[u8]>::to_vec)
            .ok_or_else(|| {
                StoreError::backend(
                    "reading",
                    std::io::Error::new(
                        std::io::ErrorKind::UnexpectedEof,
                        format!("blob file {file}: {len} bytes at {offset} past its end"),
                    ),
                )
            })
    }

    fn size(&self, file: u32) -> Result<u64> {
        Ok(self.files().get(&file).map_or(0, |f| f.len() as u64))
    }

    fn remove(&self, file: u32) -> Result<()> {
        self.files().remove(&file);
        Ok(())
    }

    fn list(&self) -> Result<Vec<u32>> {
        Ok(self.files().keys().copied().collect())
    }
}

fn missing(file: u32) -> StoreError {
    StoreError::backend(
        "reading",
        std::io::Error::new(
            std::io::ErrorKind::NotFound,
            format!("blob file {file} does not exist"),
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn exercise(blobs: &dyn BlobFiles) {
        assert_eq!(blobs.list().expect("list"), Vec::<u32>::new());
        assert_eq!(blobs.size(3).expect("size"), 0);
        assert!(blobs.read_at(3, 0, 1).is_err());
        assert_eq!(blobs.append(3, b"hello").expect("append"), 0);
        assert_eq!(blobs.append(3, b" world").expect("append"), 5);
        assert_eq!(blobs.append(10, b"x").expect("append"), 0);
        blobs.sync(3).expect("sync");
        blobs.sync(10).expect("sync");
        assert_eq!(blobs.list().expect("list"), [3, 10]);
        assert_eq!(blobs.size(3).expect("size"), 11);
        assert_eq!(blobs.read_at(3, 6, 5).expect("read"), b"world");
        assert!(blobs.read_at(3, 8, 5).is_err(), "past the end");
        let at = BlobRef {
            file: 3,
            offset: 6,
            len: 5,
            crc: crc32fast::hash(b"world"),
        };
        assert_eq!(read(blobs, &at).expect("read"), b"world");
        let damaged = BlobRef {
            crc: at.crc ^ 1,
            ..at
        };
        assert!(matches!(
            read(blobs, &damaged),
            Err(StoreError::Corrupt { .. })
        ));
        blobs.remove(3).expect("remove");
        blobs.remove(3).expect("removing twice is fine");
        assert_eq!(blobs.list().expect("list"), [10]);
        assert!(blobs.read_at(3, 0, 1).is_err());
    }

    #[test]
    fn files_and_memory_behave_alike() {
        exercise(&MemoryBlobs::default());
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("frontier");
        exercise(&FileBlobs::new(path.clone()));
        // Another handle sees what was written, sizes included; stray names are ignored.
        std::fs::write(path.join("notes.txt"), b"x").expect("write");
        let again = FileBlobs::new(path);
        assert_eq!(again.list().expect("list"), [10]);
        assert_eq!(again.size(10).expect("size"), 1);
        assert_eq!(again.append(10, b"y").expect("append"), 1);
    }
}
