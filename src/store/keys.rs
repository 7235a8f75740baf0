//! Key layout (database format 2): one ordered keyspace, partitioned by a one-byte tag.
//!
//! Numbers in keys are big-endian so that byte order is numeric order: a prefix scan over
//! `ARTICLE` walks articles in store order, over `QUEUE_RUN` the queue oldest first, over
//! `CATALOG_LOG` the log in the order it was written. Everything lives in one sled tree
//! because sled batches are atomic within a tree: one commit (records, catalog log chunk,
//! queue run, counters) lands completely or not at all.
//!
//! What an article upsert writes is kept to one key per article plus a few per commit,
//! because each key costs sled about as much as the gleaner work of an upsert (measured on
//! sled 0.34: one record key in order ~22 µs, any further key per article 10–40 µs, more
//! when scattered). Records are therefore keyed by sequence number, so that new and changed
//! records are appended at the end of the keyspace; the indexes that format 1 kept as keys
//! scattered across the tree (id → seq, text hash → original, simhash → original, URL →
//! page state, one key per queue entry) are now:
//!
//! - the **catalog** (id → seq, text hash → original, simhashes, URL → article), held in
//!   memory and rebuilt at open from the catalog log: one chunk per commit with what the
//!   commit changed, merged as it grows (see `catalog`);
//! - the **pages** of an article (its URLs and their validators), inside its record;
//! - the **queue** as runs of consecutive entries and lease batches, one key per commit,
//!   per `pop` and per lease batch, rather than one to three keys per entry.
//!
//! | tag | key                                   | value                       |
//! |-----|---------------------------------------|-----------------------------|
//! | `\0`| `format`, `counters`                  | database format, counters   |
//! | `a` | seq (8)                               | article record with its pages, store order |
//! | `x` | chunk seq (8)                         | catalog log chunk           |
//! | `u` | URL bytes                             | page state of a page that is not (or, from format 1, not yet) in a record's pages |
//! | `r` | article id (8)                        | raw page (zstd)             |
//! | `Q` | queue seq (8) of the run's first entry | run of waiting queue entries |
//! | `L` | lease batch seq (8)                   | entries leased by one pop, not yet acked |
//! | `f` | source length (2) + source + URL      | frontier mark               |
//! | `p` | source length (2) + source + frontier seq (8) | frontier entry      |
//! | `s` | source name                           | the daemon's schedule state (opaque) |
//!
//! Format 1 (migrated at open by `migrate`) also had `i` (id → seq), `t` (text hash →
//! original), `h` (simhash + id → rank), `q` (one key per waiting entry), `l` (one key per
//! lease) and `e` (lease expiry + queue seq); its `u` keys held the page state of every
//! URL, article or not.

use super::record::ArticleId;

pub const META_FORMAT: &[u8] = b"\0format";
pub const META_COUNTERS: &[u8] = b"\0counters";

pub const ARTICLE: u8 = b'a';
pub const CATALOG_LOG: u8 = b'x';
pub const PAGE: u8 = b'u';
pub const RAW: u8 = b'r';
pub const QUEUE_RUN: u8 = b'Q';
pub const LEASE_BATCH: u8 = b'L';
pub const FRONTIER_KNOWN: u8 = b'f';
pub const FRONTIER_PENDING: u8 = b'p';
pub const SOURCE_STATE: u8 = b's';

/// Tags of database format 1 that format 2 no longer has.
pub mod format1 {
    pub const ARTICLE_ID: u8 = b'i';
    pub const TEXT_HASH: u8 = b't';
    pub const SIMHASH: u8 = b'h';
    pub const QUEUE: u8 = b'q';
    pub const LEASE: u8 = b'l';
    pub const LEASE_EXPIRY: u8 = b'e';
    /// Every tag format 2 dropped.
    pub const TAGS: [u8; 6] = [ARTICLE_ID, TEXT_HASH, SIMHASH, QUEUE, LEASE, LEASE_EXPIRY];
}

fn tagged(tag: u8, parts: &[&[u8]]) -> Vec<u8> {
    let len = 1 + parts.iter().map(|p| p.len()).sum::<usize>();
    let mut key = Vec::with_capacity(len);
    key.push(tag);
    for part in parts {
        key.extend_from_slice(part);
    }
    key
}

pub fn article(seq: u64) -> Vec<u8> {
    tagged(ARTICLE, &[&seq.to_be_bytes()])
}

pub fn catalog_chunk(chunk: u64) -> Vec<u8> {
    tagged(CATALOG_LOG, &[&chunk.to_be_bytes()])
}

pub fn page(url: &str) -> Vec<u8> {
    tagged(PAGE, &[url.as_bytes()])
}

pub fn source_state(source: &str) -> Vec<u8> {
    tagged(SOURCE_STATE, &[source.as_bytes()])
}

pub fn raw(id: ArticleId) -> Vec<u8> {
    tagged(RAW, &[&id.to_bytes()])
}

pub fn queue_run(first_qseq: u64) -> Vec<u8> {
    tagged(QUEUE_RUN, &[&first_qseq.to_be_bytes()])
}

pub fn lease_batch(batch: u64) -> Vec<u8> {
    tagged(LEASE_BATCH, &[&batch.to_be_bytes()])
}

/// Prefix of everything one source owns under a frontier tag. The length prefix keeps
/// source `ab` from matching keys of source `abc`.
pub fn frontier_prefix(tag: u8, source: &str) -> Vec<u8> {
    // Source names are short (config names ≤ 64, host names ≤ 253); the length is checked
    // by the caller, so truncation cannot happen here.
    let len = u16::try_from(source.len()).unwrap_or(u16::MAX);
    tagged(tag, &[&len.to_be_bytes(), source.as_bytes()])
}

pub fn frontier_known(source: &str, url: &str) -> Vec<u8> {
    let mut key = frontier_prefix(FRONTIER_KNOWN, source);
    key.extend_from_slice(url.as_bytes());
    key
}

pub fn frontier_pending(source: &str, fseq: u64) -> Vec<u8> {
    let mut key = frontier_prefix(FRONTIER_PENDING, source);
    key.extend_from_slice(&fseq.to_be_bytes());
    key
}

/// Reads a big-endian u64 at `offset` of a key, if the key is long enough.
pub fn u64_at(key: &[u8], offset: usize) -> Option<u64> {
    let bytes: [u8; 8] = key.get(offset..offset + 8)?.try_into().ok()?;
    Some(u64::from_be_bytes(bytes))
}

/// Reads an article id at `offset` of a key or value.
pub fn id_at(bytes: &[u8], offset: usize) -> Option<ArticleId> {
    let id: [u8; 8] = bytes.get(offset..offset + 8)?.try_into().ok()?;
    Some(ArticleId::from_bytes(id))
}

/// The smallest key greater than every key starting with `prefix` (None: no upper bound).
pub fn prefix_end(prefix: &[u8]) -> Option<Vec<u8>> {
    let mut end = prefix.to_vec();
    while let Some(last) = end.pop() {
        if last < u8::MAX {
            end.push(last + 1);
            return Some(end);
        }
    }
    None
}

/// A key for error messages: printable bytes as-is, others escaped.
pub fn display(key: &[u8]) -> String {
    key.escape_ascii().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numeric_order_is_byte_order() {
        assert!(article(255) < article(256));
        assert!(queue_run(1) < queue_run(1 << 40));
        assert!(catalog_chunk(9) < catalog_chunk(10));
    }

    #[test]
    fn frontier_prefixes_do_not_overlap_between_sources() {
        let ab = frontier_prefix(FRONTIER_KNOWN, "ab");
        let abc_key = frontier_known("abc", "https://x/");
        assert!(!abc_key.starts_with(&ab));
    }

    #[test]
    fn prefix_end_bounds_the_prefix() {
        assert_eq!(prefix_end(b"a"), Some(b"b".to_vec()));
        assert_eq!(prefix_end(&[b'a', 0xff]), Some(b"b".to_vec()));
        assert_eq!(prefix_end(&[0xff, 0xff]), None);
        assert_eq!(u64_at(&article(42), 1), Some(42));
        assert_eq!(u64_at(b"o", 1), None);
    }
}
