//! The stored values of the frontier: segments of entries, host cursors, crawl metadata.
//!
//! Segments (sealed ones and parts) and seen-set chunks are blobs in the frontier's files
//! (see [`blobs`](super::blobs)); their keys hold a [`BlobRef`] to them.
//!
//! A segment holds up to [`SEG_ENTRIES`](super::host::SEG_ENTRIES) entries of one host's
//! lane. Its host is in its key, and the pages the entries were found on are written once
//! per segment (a page's links are pushed together, so most entries of a segment share a
//! few `discovered_from` URLs). A lane's open segment is stored as *parts*, one per commit
//! that appended to it, each holding only what that commit added: rewriting the whole open
//! segment on every commit wrote each entry a hundred times over and kept the database
//! busy with garbage. Once full, the parts are merged into one sealed segment, compressed
//! harder, which URLs of one host reward (about 15–25 bytes an entry).

use std::collections::{BTreeSet, HashMap};

use serde::{Deserialize, Serialize};

use super::blobs::BlobRef;
use super::host::{Cursor, LANES, Lane, Pos};
use crate::store::codec::{self, Packing};
use crate::store::error::{Result, StoreError};
use crate::store::record::FrontierEntry;

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
struct SegmentV1 {
    /// Pages the entries were found on; an entry's `from` is an index + 1 (0: none).
    froms: Vec<String>,
    /// url, depth, discovered_via code, from, counter chain.
    entries: Vec<(String, u32, u8, u32, u32)>,
}

/// A segment being read or appended to.
#[derive(Debug, Clone, Default)]
pub struct Segment {
    value: SegmentV1,
    from_index: HashMap<String, u32>,
}

impl Segment {
    pub fn len(&self) -> usize {
        self.value.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.value.entries.is_empty()
    }

    pub fn push(&mut self, entry: &FrontierEntry) {
        let from = match &entry.discovered_from {
            None => 0,
            Some(url) => match self.from_index.get(url) {
                Some(&i) => i,
                None => {
                    self.value.froms.push(url.clone());
                    let i = self.value.froms.len() as u32;
                    self.from_index.insert(url.clone(), i);
                    i
                }
            },
        };
        self.value.entries.push((
            entry.url.clone(),
            entry.depth,
            codec::via_code(entry.discovered_via),
            from,
            entry.counter_chain,
        ));
    }

    /// Appends the entries of `other` (the next part of the same segment).
    pub fn extend(&mut self, other: &Segment) {
        for i in 0..other.len() {
            let (url, depth, via, from, chain) = &other.value.entries[i];
            let from = match *from {
                0 => None,
                f => other.value.froms.get(f as usize - 1).cloned(),
            };
            let from = match from {
                None => 0,
                Some(url) => match self.from_index.get(&url) {
                    Some(&i) => i,
                    None => {
                        self.value.froms.push(url.clone());
                        let i = self.value.froms.len() as u32;
                        self.from_index.insert(url, i);
                        i
                    }
                },
            };
            self.value
                .entries
                .push((url.clone(), *depth, *via, from, *chain));
        }
    }

    pub fn encode(&self, sealed: bool) -> Result<Vec<u8>> {
        let packing = if sealed {
            Packing::Dense
        } else {
            Packing::Plain
        };
        codec::encode_with(codec::VALUE_FORMAT, &self.value, packing)
    }

    pub fn decode(bytes: &[u8], key: &[u8]) -> Result<Segment> {
        let value: SegmentV1 = codec::decode(bytes, "frontier segment", key)?;
        let from_index = value
            .froms
            .iter()
            .enumerate()
            .map(|(i, url)| (url.clone(), i as u32 + 1))
            .collect();
        Ok(Segment { value, from_index })
    }

    /// The entry at `offset`, with its host filled in.
    pub fn entry(&self, offset: usize, host: &str, key: &[u8]) -> Result<FrontierEntry> {
        let corrupt = |detail: String| StoreError::Corrupt {
            what: "frontier segment",
            key: crate::store::keys::display(key),
            detail,
        };
        let (url, depth, via, from, chain) = self
            .value
            .entries
            .get(offset)
            .ok_or_else(|| corrupt(format!("no entry at offset {offset}")))?;
        let discovered_from = match *from {
            0 => None,
            i => Some(
                self.value
                    .froms
                    .get(i as usize - 1)
                    .ok_or_else(|| corrupt(format!("no page {i}")))?
                    .clone(),
            ),
        };
        Ok(FrontierEntry {
            url: url.clone(),
            host: host.to_string(),
            depth: *depth,
            discovered_from,
            discovered_via: codec::via_from_code(*via)
                .ok_or_else(|| corrupt(format!("unknown discovered_via code {via}")))?,
            counter_chain: *chain,
        })
    }
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
struct CursorV1 {
    /// Per lane: head segment, head offset, tail segment, tail offset.
    lanes: Vec<(u64, u32, u64, u32)>,
    pending: u64,
    dropped: u64,
    done_ahead: Vec<u64>,
}

pub fn encode_cursor(cursor: &Cursor) -> Result<Vec<u8>> {
    codec::encode(&CursorV1 {
        lanes: cursor
            .lanes
            .iter()
            .map(|l| (l.head.seg, l.head.off, l.tail.seg, l.tail.off))
            .collect(),
        pending: cursor.pending,
        dropped: cursor.dropped,
        done_ahead: cursor.done_ahead.iter().copied().collect(),
    })
}

pub fn decode_cursor(bytes: &[u8], key: &[u8]) -> Result<Cursor> {
    let v: CursorV1 = codec::decode(bytes, "frontier host", key)?;
    if v.lanes.len() != LANES {
        return Err(StoreError::Corrupt {
            what: "frontier host",
            key: crate::store::keys::display(key),
            detail: format!("{} lanes, expected {LANES}", v.lanes.len()),
        });
    }
    let mut lanes = [Lane::default(); LANES];
    for (lane, (hs, ho, ts, to)) in lanes.iter_mut().zip(v.lanes) {
        *lane = Lane {
            head: Pos { seg: hs, off: ho },
            tail: Pos { seg: ts, off: to },
        };
    }
    Ok(Cursor {
        lanes,
        pending: v.pending,
        dropped: v.dropped,
        done_ahead: v.done_ahead.into_iter().collect::<BTreeSet<u64>>(),
    })
}

/// What a frontier file holds: short-lived parts of open segments, or what stays until
/// its host's queue or the cycle moves on (sealed segments, seen-set chunks). Kept apart,
/// the parts' files die whole soon after they fill, and the others are not rewritten
/// because parts around them died.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum FileKind {
    Parts,
    Sealed,
}

/// A file of a crawl's generation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct MetaFile {
    pub id: u32,
    pub kind: FileKind,
}

/// A chunk of the seen-set.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct SeenChunk {
    pub hashes: u64,
    pub blob: BlobRef,
}

/// What is kept per crawl besides its hosts.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CrawlMeta {
    /// The crawl's keys carry this number; a new cycle takes the next one, and keys of
    /// other generations are leftovers to remove.
    pub generation: u32,
    /// The seen-set chunks, oldest first.
    pub chunks: Vec<SeenChunk>,
    /// Pending URLs over all hosts.
    pub pending: u64,
    /// URLs dropped by the per-host cap over all hosts, this cycle.
    pub dropped: u64,
    /// The files of this generation, oldest first; the last of each kind is the one
    /// blobs of that kind are appended to.
    pub files: Vec<MetaFile>,
}

impl CrawlMeta {
    /// The file blobs of `kind` are appended to, if any.
    pub fn active(&self, kind: FileKind) -> Option<u32> {
        self.files
            .iter()
            .rev()
            .find(|f| f.kind == kind)
            .map(|f| f.id)
    }

    /// Whether `file` is one of the crawl's files but not one appended to.
    pub fn is_retired(&self, file: u32) -> bool {
        self.files
            .iter()
            .any(|f| f.id == file && self.active(f.kind) != Some(file))
    }
}

pub fn encode_meta(meta: &CrawlMeta) -> Result<Vec<u8>> {
    codec::encode(meta)
}

pub fn decode_meta(bytes: &[u8], key: &[u8]) -> Result<CrawlMeta> {
    codec::decode(bytes, "frontier crawl", key)
}

/// The value of a key that points at a blob (a sealed segment, a part).
pub fn encode_ref(at: &BlobRef) -> Result<Vec<u8>> {
    codec::encode(at)
}

pub fn decode_ref(bytes: &[u8], key: &[u8]) -> Result<BlobRef> {
    codec::decode(bytes, "frontier blob reference", key)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::record::DiscoveredVia;

    #[test]
    fn segments_round_trip_with_shared_pages() {
        let mut segment = Segment::default();
        let entries: Vec<FrontierEntry> = (0..200)
            .map(|i| FrontierEntry {
                url: format!("https://news.example/2026/12/story-{i}.html"),
                host: "news.example".into(),
                depth: 2,
                discovered_from: (i % 3 != 0).then(|| format!("https://news.example/p/{}", i % 2)),
                discovered_via: DiscoveredVia::Link,
                counter_chain: i % 4,
            })
            .collect();
        for e in &entries {
            segment.push(e);
        }
        for sealed in [false, true] {
            let bytes = segment.encode(sealed).expect("encodes");
            let back = Segment::decode(&bytes, b"k").expect("decodes");
            for (i, e) in entries.iter().enumerate() {
                assert_eq!(&back.entry(i, "news.example", b"k").expect("entry"), e);
            }
            assert!(back.entry(200, "news.example", b"k").is_err());
            if sealed {
                assert!(bytes.len() < 200 * 20, "{} bytes sealed", bytes.len());
            }
        }
        // Appending after decoding keeps sharing the page table.
        let mut back = Segment::decode(&segment.encode(false).expect("e"), b"k").expect("d");
        back.push(&entries[1]);
        assert_eq!(back.value.froms.len(), 2);
    }

    #[test]
    fn cursors_round_trip() {
        let mut cursor = Cursor::default();
        for _ in 0..300 {
            cursor.append(3);
        }
        cursor.append(0);
        cursor.dropped = 7;
        cursor.done_ahead.insert(42);
        let bytes = encode_cursor(&cursor).expect("encodes");
        assert_eq!(decode_cursor(&bytes, b"k").expect("decodes"), cursor);
    }
}
