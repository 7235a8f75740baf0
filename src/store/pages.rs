//! Raw pages (with `store.keep_raw`): blobs in append-only files beside the database,
//! `<data>/pages/<n>.blob`, with only their place ([`BlobRef`]) under the `R` and `B` keys.
//!
//! Raw pages are by far the largest values the store writes (about 30 KB each once
//! compressed, against a few hundred bytes for everything else an article costs), and
//! sled 0.34 keeps values it was given to write in memory far beyond its cache size, as
//! measured for the frontier (see [`blobs`](super::blobs)). With raw pages as sled values,
//! a crawl of 10 000 pages (`bench_crawl_sites web`) peaked at 701 MiB RSS, 266 MiB with
//! `store.keep_raw = false`; a daemon of 200 sources sat idle at 363 MiB, 99 MiB without
//! them. Here they cost the process the bytes of one commit's pages, until they are synced.
//!
//! The crash rule is the frontier's: a commit appends its pages and syncs the file before
//! the batch that refers to them is applied ([`KvStore::commit`]), so a reference that
//! is durable always reaches durable bytes, and what a crash cuts off — appended but never
//! referred to — is garbage that nothing reads. One file takes pages until it holds
//! [`PAGE_FILE_BYTES`]; the next commit starts the next file. Files are never rewritten.
//!
//! Nothing deletes a raw page: articles are never deleted, a new version moves the raw
//! page of the one it replaces to that version's `B` key (the reference moves, the bytes
//! stay live), a re-extraction keeps the raw page it read, and a revisit that finds the
//! same text writes none. So there is no live-byte accounting and no compaction here; the
//! only dead bytes are those of commits a crash or an error cut off after their append (at
//! most one commit's pages each time). Should something come to delete raw pages, it must
//! bring that accounting with it (as `frontier::files` does for the frontier).

use super::blobs::{self, BlobFiles, BlobRef};
use super::codec;
use super::engine::{KvStore, Txn};
use super::error::{Result, StoreError};
use super::kv::Kv;
use super::record::{PackedRawPage, RawPage};

/// A page file takes the pages of further commits until it holds this many bytes.
pub const PAGE_FILE_BYTES: u64 = 64 << 20;

/// The pages of one transaction, buffered, appended and synced by
/// [`PageAppender::flush`] before the batch that refers to them is applied.
#[derive(Debug)]
pub(crate) struct PageAppender {
    /// The file the pages go to.
    file: u32,
    /// Where the buffer goes in the file, once the first page is put.
    start: Option<u64>,
    bytes: Vec<u8>,
    file_bytes: u64,
}

impl PageAppender {
    /// Pages for `file` (the last one written), or for the next once it holds `file_bytes`.
    pub fn new(file: u32, file_bytes: u64) -> PageAppender {
        PageAppender {
            file,
            start: None,
            bytes: Vec::new(),
            file_bytes,
        }
    }

    /// The file this transaction writes to (the last one written once it is committed).
    pub fn file(&self) -> u32 {
        self.file
    }

    /// Buffers `blob`; returns where it will be once flushed.
    pub fn put(&mut self, files: &dyn BlobFiles, blob: &[u8]) -> Result<BlobRef> {
        let len = u32::try_from(blob.len())
            .map_err(|_| StoreError::InvalidInput(format!("raw page of {} bytes", blob.len())))?;
        let start = match self.start {
            Some(start) => start,
            None => {
                let mut size = files.size(self.file)?;
                if size >= self.file_bytes {
                    self.file = self.file.checked_add(1).ok_or_else(|| {
                        StoreError::InvalidInput("no page file numbers left".into())
                    })?;
                    size = files.size(self.file)?;
                }
                self.start = Some(size);
                size
            }
        };
        let offset = start + self.bytes.len() as u64;
        self.bytes.extend_from_slice(blob);
        Ok(BlobRef {
            file: self.file,
            offset,
            len,
            crc: crc32fast::hash(blob),
        })
    }

    /// Appends what is buffered and makes it durable.
    pub fn flush(&mut self, files: &dyn BlobFiles) -> Result<()> {
        let Some(start) = self.start.take() else {
            return Ok(());
        };
        blobs::append_at(files, self.file, start, &self.bytes, "page file")?;
        files.sync(self.file)?;
        self.bytes.clear();
        Ok(())
    }
}

/// The page file the next pages go to: the last there is (or 1 when there is none).
pub(crate) fn last_file(files: &dyn BlobFiles) -> Result<u32> {
    Ok(files.list()?.last().copied().unwrap_or(1))
}

pub(crate) fn encode_ref(at: &BlobRef) -> Result<Vec<u8>> {
    codec::encode(at)
}

pub(crate) fn decode_ref(bytes: &[u8], key: &[u8]) -> Result<BlobRef> {
    codec::decode(bytes, "raw page reference", key)
}

/// Reads the raw page that the value `reference` of `key` points to.
pub(crate) fn read(files: &dyn BlobFiles, key: &[u8], reference: &[u8]) -> Result<RawPage> {
    let at = decode_ref(reference, key)?;
    let bytes = blobs::read_checked(files, &at, "raw page")?;
    codec::decode_raw(&bytes, key)
}

impl<K: Kv> KvStore<K> {
    /// Puts `raw` under `key` within `txn`: the page into the transaction's page buffer,
    /// its place into the batch.
    pub(crate) fn stage_raw(&self, txn: &mut Txn, key: Vec<u8>, raw: &PackedRawPage) -> Result<()> {
        let at = txn.pages.put(self.kv.pages(), raw.as_bytes())?;
        txn.batch.put(key, encode_ref(&at)?);
        Ok(())
    }

    /// The raw page stored under `key`, if any.
    pub(crate) fn read_raw(&self, key: &[u8]) -> Result<Option<RawPage>> {
        self.kv
            .get(key)?
            .map(|reference| read(self.kv.pages(), key, &reference))
            .transpose()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::blobs::MemoryBlobs;

    #[test]
    fn pages_land_where_announced_and_a_full_file_gives_way_to_the_next() {
        let files = MemoryBlobs::default();
        assert_eq!(last_file(&files).expect("list"), 1);
        let mut first = PageAppender::new(1, 10);
        let a = first.put(&files, b"hello").expect("put");
        let b = first.put(&files, b" world").expect("put");
        assert_eq!((a.file, a.offset, b.file, b.offset), (1, 0, 1, 5));
        assert!(
            files.list().expect("list").is_empty(),
            "nothing before flush"
        );
        first.flush(&files).expect("flush");
        assert_eq!(
            blobs::read_checked(&files, &b, "t").expect("read"),
            b" world"
        );
        // File 1 holds 11 bytes, past the 10 it takes: the next commit starts file 2, and
        // keeps to it even past the limit.
        let mut next = PageAppender::new(first.file(), 10);
        let c = next.put(&files, b"0123456789").expect("put");
        let d = next.put(&files, b"x").expect("put");
        assert_eq!((c.file, c.offset, d.file, d.offset), (2, 0, 2, 10));
        next.flush(&files).expect("flush");
        assert_eq!(last_file(&files).expect("list"), 2);
        // An empty transaction appends nothing and creates no file.
        PageAppender::new(2, 10).flush(&files).expect("flush");
        assert_eq!(files.list().expect("list"), [1, 2]);
        // Someone else wrote to the file meanwhile: the commit fails before its batch.
        let mut late = PageAppender::new(3, 10);
        late.put(&files, b"mine").expect("put");
        files.append(3, b"stray").expect("append");
        assert!(matches!(
            late.flush(&files),
            Err(StoreError::Corrupt { .. })
        ));
    }

    #[test]
    fn a_damaged_page_is_a_clear_error() {
        let files = MemoryBlobs::default();
        let raw = RawPage {
            headers: vec![("content-type".into(), "text/html".into())],
            body: b"<p>page</p>".to_vec(),
        };
        let mut pages = PageAppender::new(1, PAGE_FILE_BYTES);
        let at = pages
            .put(&files, &codec::encode_raw(&raw).expect("encodes"))
            .expect("put");
        pages.flush(&files).expect("flush");
        let reference = encode_ref(&at).expect("encodes");
        assert_eq!(read(&files, b"Rk", &reference).expect("reads"), raw);
        // One flipped bit in the file.
        let mut bytes = files.read_at(1, 0, at.len).expect("read");
        bytes[at.len as usize / 2] ^= 1;
        files.remove(1).expect("remove");
        files.append(1, &bytes).expect("append");
        let err = read(&files, b"Rk", &reference).expect_err("damaged");
        assert!(
            matches!(
                err,
                StoreError::Corrupt {
                    what: "raw page",
                    ..
                }
            ),
            "{err}"
        );
        // A reference past the end of its file (the file was cut short).
        let past = encode_ref(&BlobRef {
            offset: 1 << 20,
            ..at
        })
        .expect("encodes");
        assert!(read(&files, b"Rk", &past).is_err());
        // A reference that is not one (cut short).
        assert!(matches!(
            read(&files, b"Rk", &reference[..reference.len() - 2]),
            Err(StoreError::Corrupt { .. })
        ));
    }
}
