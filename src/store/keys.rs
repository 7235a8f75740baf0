//! Key layout: one ordered keyspace, partitioned by a one-byte tag.
//!
//! Numbers in keys are big-endian so that byte order is numeric order: a prefix scan over
//! `ARTICLE` walks articles in store order, over `QUEUE` the queue oldest first, over
//! `LEASE_EXPIRY` leases soonest-expiring first. Everything lives in one sled tree because
//! sled batches are atomic within a tree: one article upsert (record, indexes, queue entry,
//! counters) lands completely or not at all.
//!
//! Records are keyed by their sequence number, not their id: new and changed records are
//! appended at the end of the keyspace, so sled rewrites only its last node instead of
//! nodes all over a tree of kilobyte-sized values (random-id keys made every upsert dirty
//! a random node: 20 times slower, twice the size). The id index holds only 8-byte values.
//!
//! | tag | key                                   | value                       |
//! |-----|---------------------------------------|-----------------------------|
//! | `\0`| `format`, `counters`                  | database format, counters   |
//! | `a` | seq (8)                               | article record, store order |
//! | `i` | article id (8)                        | seq (8) of its record       |
//! | `u` | URL bytes                             | page state (validators, id) |
//! | `t` | text SHA-256 (32)                     | id of the original          |
//! | `h` | simhash (8) + id (8)                  | first_seen µs (originals)   |
//! | `r` | article id (8)                        | raw page (zstd)             |
//! | `q` | queue seq (8)                         | pending queue entry         |
//! | `l` | queue seq (8)                         | lease of a delivered entry  |
//! | `e` | lease expiry, ms since epoch (8) + queue seq (8) | —                |
//! | `f` | source length (2) + source + URL      | frontier mark               |
//! | `p` | source length (2) + source + frontier seq (8) | frontier entry      |
//! | `s` | source name                           | the daemon's schedule state (opaque) |

use super::record::ArticleId;

pub const META_FORMAT: &[u8] = b"\0format";
pub const META_COUNTERS: &[u8] = b"\0counters";

pub const ARTICLE: u8 = b'a';
pub const ARTICLE_ID: u8 = b'i';
pub const PAGE: u8 = b'u';
pub const TEXT_HASH: u8 = b't';
pub const SIMHASH: u8 = b'h';
pub const RAW: u8 = b'r';
pub const QUEUE: u8 = b'q';
pub const LEASE: u8 = b'l';
pub const LEASE_EXPIRY: u8 = b'e';
pub const FRONTIER_KNOWN: u8 = b'f';
pub const FRONTIER_PENDING: u8 = b'p';
pub const SOURCE_STATE: u8 = b's';

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

pub fn article_id(id: ArticleId) -> Vec<u8> {
    tagged(ARTICLE_ID, &[&id.to_bytes()])
}

pub fn page(url: &str) -> Vec<u8> {
    tagged(PAGE, &[url.as_bytes()])
}

pub fn text_hash(sha256: &[u8; 32]) -> Vec<u8> {
    tagged(TEXT_HASH, &[sha256])
}

pub fn simhash(hash: u64, id: ArticleId) -> Vec<u8> {
    tagged(SIMHASH, &[&hash.to_be_bytes(), &id.to_bytes()])
}

pub fn source_state(source: &str) -> Vec<u8> {
    tagged(SOURCE_STATE, &[source.as_bytes()])
}

pub fn raw(id: ArticleId) -> Vec<u8> {
    tagged(RAW, &[&id.to_bytes()])
}

pub fn queue(qseq: u64) -> Vec<u8> {
    tagged(QUEUE, &[&qseq.to_be_bytes()])
}

pub fn lease(qseq: u64) -> Vec<u8> {
    tagged(LEASE, &[&qseq.to_be_bytes()])
}

pub fn lease_expiry(expires_ms: u64, qseq: u64) -> Vec<u8> {
    tagged(
        LEASE_EXPIRY,
        &[&expires_ms.to_be_bytes(), &qseq.to_be_bytes()],
    )
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
        assert!(queue(1) < queue(1 << 40));
        assert!(lease_expiry(10, 99) < lease_expiry(11, 0));
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
