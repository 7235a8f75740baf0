//! A crawl's frontier files: which file a blob goes to, when a file is full, when it is
//! dead and when it is worth compacting.
//!
//! Each generation of a crawl appends to one file per [`FileKind`] at a time, until it
//! holds [`FILE_BYTES`]; the next blob of that kind starts a new file and the full one is
//! *retired*. Blobs die as the crawl goes on (parts when their segment is sealed, segments
//! when their host's queue moves past them, seen-set chunks when merged), so a retired
//! file either dies whole — it is then no longer listed, and deleted once that is durable
//! — or keeps a few live blobs, which are moved to the active file once less than half of
//! it is live (see `KvStore::compact_frontier_file`). What garbage the disk holds is so
//! bounded by about the live data plus two files per kind.

use std::collections::HashMap;

use super::blobs::{self, BlobFiles, BlobRef};
use super::segment::{CrawlMeta, FileKind, MetaFile};
use crate::store::error::{Result, StoreError};

/// A file takes blobs until it holds this many bytes (tests use smaller files).
pub const FILE_BYTES: u64 = 16 << 20;

/// Live bytes of each file: the bytes of the blobs the database refers to.
pub type Live = HashMap<u32, u64>;

/// Blobs of one commit, buffered per file, appended and synced by [`Appender::flush`]
/// before the batch that refers to them is applied.
pub struct Appender<'a> {
    blobs: &'a dyn BlobFiles,
    /// A file takes blobs until it holds this many bytes.
    file_bytes: u64,
    buffers: Vec<Buffer>,
}

struct Buffer {
    file: u32,
    /// Where the buffer goes in the file.
    start: u64,
    bytes: Vec<u8>,
}

impl<'a> Appender<'a> {
    pub fn new(blobs: &'a dyn BlobFiles, file_bytes: u64) -> Appender<'a> {
        Appender {
            blobs,
            file_bytes,
            buffers: Vec::new(),
        }
    }

    /// Where the next blob of `file` goes.
    fn end_of(&self, file: u32) -> Result<u64> {
        match self.buffers.iter().find(|b| b.file == file) {
            Some(b) => Ok(b.start + b.bytes.len() as u64),
            None => self.blobs.size(file),
        }
    }

    /// Buffers `bytes` as a blob of `kind` in the crawl's active file of that kind, or in a
    /// new file (numbered from `next_file`, listed in `meta`) when there is none or it is
    /// full. Returns where the blob will be once flushed.
    pub fn put(
        &mut self,
        meta: &mut CrawlMeta,
        next_file: &mut u32,
        kind: FileKind,
        bytes: &[u8],
    ) -> Result<BlobRef> {
        let len = u32::try_from(bytes.len()).map_err(|_| {
            StoreError::InvalidInput(format!("frontier blob of {} bytes", bytes.len()))
        })?;
        let active = match meta.active(kind) {
            Some(file) => {
                let end = self.end_of(file)?;
                (end < self.file_bytes).then_some((file, end))
            }
            None => None,
        };
        let (file, offset) = match active {
            Some(at) => at,
            None => {
                let file = *next_file;
                *next_file = next_file.checked_add(1).ok_or_else(|| {
                    StoreError::InvalidInput("no frontier file numbers left".into())
                })?;
                meta.files.push(MetaFile { id: file, kind });
                (file, self.blobs.size(file)?)
            }
        };
        let buffer = match self.buffers.iter_mut().position(|b| b.file == file) {
            Some(i) => &mut self.buffers[i],
            None => {
                self.buffers.push(Buffer {
                    file,
                    start: offset,
                    bytes: Vec::new(),
                });
                self.buffers.last_mut().expect("just pushed")
            }
        };
        buffer.bytes.extend_from_slice(bytes);
        Ok(BlobRef {
            file,
            offset,
            len,
            crc: crc32fast::hash(bytes),
        })
    }

    /// Bytes buffered.
    pub fn buffered(&self) -> usize {
        self.buffers.iter().map(|b| b.bytes.len()).sum()
    }

    /// Appends what is buffered and makes it durable.
    pub fn flush(&mut self) -> Result<()> {
        for buffer in &self.buffers {
            blobs::append_at(
                self.blobs,
                buffer.file,
                buffer.start,
                &buffer.bytes,
                "frontier file",
            )?;
        }
        for buffer in self.buffers.drain(..) {
            self.blobs.sync(buffer.file)?;
        }
        Ok(())
    }
}

/// Adds `delta` to the live bytes of `file`.
pub fn add_live(live: &mut HashMap<u32, i64>, file: u32, delta: i64) {
    *live.entry(file).or_default() += delta;
}

/// The live bytes of `file` once `delta` applies.
pub fn live_after(live: &Live, delta: &HashMap<u32, i64>, file: u32) -> u64 {
    let now = live.get(&file).copied().unwrap_or(0) as i64;
    (now + delta.get(&file).copied().unwrap_or(0)).max(0) as u64
}

/// The retired files of `meta` in which nothing lives: they are no longer listed, and
/// deleted once that is durable.
pub fn dead_files(meta: &CrawlMeta, live: impl Fn(u32) -> u64) -> Vec<u32> {
    meta.files
        .iter()
        .filter(|f| meta.is_retired(f.id) && live(f.id) == 0)
        .map(|f| f.id)
        .collect()
}

/// The retired file with the least live share, if one is less than half live and big
/// enough to be worth moving the rest out of (a sixteenth of a full file: smaller ones wait
/// until they die).
pub fn compaction_candidate(
    meta: &CrawlMeta,
    live: &Live,
    size: impl Fn(u32) -> u64,
    file_bytes: u64,
) -> Option<u32> {
    let min_bytes = file_bytes / 16;
    meta.files
        .iter()
        .filter(|f| meta.is_retired(f.id))
        .filter_map(|f| {
            let size = size(f.id);
            let live = live.get(&f.id).copied().unwrap_or(0);
            (size >= min_bytes && size > 0 && live * 2 < size).then_some((live * 1000 / size, f.id))
        })
        .min()
        .map(|(_, id)| id)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::frontier::blobs::{self, MemoryBlobs};

    fn file(id: u32, kind: FileKind) -> MetaFile {
        MetaFile { id, kind }
    }

    #[test]
    fn blobs_fill_a_file_then_the_next_and_land_where_announced() {
        let store = MemoryBlobs::default();
        let mut meta = CrawlMeta::default();
        let mut next = 7;
        let mut appender = Appender::new(&store, FILE_BYTES);
        let big = vec![1u8; (FILE_BYTES / 2) as usize];
        let a = appender
            .put(&mut meta, &mut next, FileKind::Sealed, &big)
            .expect("put");
        let b = appender
            .put(&mut meta, &mut next, FileKind::Parts, b"part")
            .expect("put");
        let c = appender
            .put(&mut meta, &mut next, FileKind::Sealed, &big)
            .expect("put");
        // The sealed file is full now: the next sealed blob starts file 9.
        let d = appender
            .put(&mut meta, &mut next, FileKind::Sealed, b"tail")
            .expect("put");
        assert_eq!((a.file, a.offset), (7, 0));
        assert_eq!((b.file, b.offset), (8, 0));
        assert_eq!((c.file, c.offset), (7, FILE_BYTES / 2));
        assert_eq!((d.file, d.offset), (9, 0));
        assert_eq!(next, 10);
        assert_eq!(
            meta.files,
            [
                file(7, FileKind::Sealed),
                file(8, FileKind::Parts),
                file(9, FileKind::Sealed)
            ]
        );
        assert!(meta.is_retired(7) && !meta.is_retired(8) && !meta.is_retired(9));
        assert!(
            store.list().expect("list").is_empty(),
            "nothing before flush"
        );
        appender.flush().expect("flush");
        assert_eq!(blobs::read(&store, &b).expect("read"), b"part");
        assert_eq!(blobs::read(&store, &d).expect("read"), b"tail");
        // A later commit continues where the files end.
        let mut appender = Appender::new(&store, FILE_BYTES);
        let e = appender
            .put(&mut meta, &mut next, FileKind::Parts, b"more")
            .expect("put");
        assert_eq!((e.file, e.offset), (8, 4));
        // Someone else wrote to the file meanwhile: the commit fails before its batch.
        store.append(8, b"stray").expect("append");
        assert!(matches!(appender.flush(), Err(StoreError::Corrupt { .. })));
    }

    #[test]
    fn retired_files_die_whole_or_are_compacted_when_mostly_dead() {
        let meta = CrawlMeta {
            files: vec![
                file(1, FileKind::Parts),
                file(2, FileKind::Sealed),
                file(3, FileKind::Parts),
                file(4, FileKind::Sealed),
                file(5, FileKind::Sealed),
                file(6, FileKind::Parts),
            ],
            ..CrawlMeta::default()
        };
        let mb = 1 << 20;
        // Table: live bytes per file → dead files, compaction candidate.
        let size = |_| 16 * mb;
        // (live bytes per file, dead files, compaction candidate)
        type Case<'a> = (&'a [(u32, u64)], &'a [u32], Option<u32>);
        let cases: &[Case] = &[
            // Dead files are also the emptiest (but go without compaction).
            (&[(1, 0), (2, 0), (6, 0)], &[1, 2, 3, 4], Some(1)),
            (
                &[(1, 9 * mb), (2, 3 * mb), (3, 7 * mb), (4, 16 * mb)],
                &[],
                Some(2),
            ),
            (
                &[(1, 9 * mb), (2, 8 * mb), (3, 8 * mb), (4, 1)],
                &[],
                Some(4),
            ),
            // The active files (5, 6) are never dead nor compacted.
            (
                &[(1, 9 * mb), (2, 9 * mb), (3, 9 * mb), (4, 9 * mb)],
                &[],
                None,
            ),
        ];
        for &(lives, dead, candidate) in cases {
            let live: Live = lives.iter().copied().collect();
            let got_dead = dead_files(&meta, |f| live.get(&f).copied().unwrap_or(0));
            assert_eq!(got_dead, dead, "{lives:?}");
            assert_eq!(
                compaction_candidate(&meta, &live, size, FILE_BYTES),
                candidate,
                "{lives:?}"
            );
        }
        // Small files wait until they die.
        let live: Live = [(1, 1), (2, 1), (3, 1), (4, 1)].into_iter().collect();
        assert_eq!(
            compaction_candidate(&meta, &live, |_| mb / 2, FILE_BYTES),
            None
        );
    }
}
