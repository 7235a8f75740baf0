//! Key layout (database format 6): one ordered keyspace, partitioned by a one-byte tag.
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
//! | `R` | article id (8)                        | where its raw page (zstd) is in the page files |
//! | `Q` | queue seq (8) of the run's first entry | run of waiting queue entries |
//! | `L` | lease batch seq (8)                   | entries leased by one pop, not yet acked |
//! | `C` | crawl length (2) + crawl              | a crawl's frontier: generation, totals, its files, where its seen-set chunks are |
//! | `F` | crawl length (2) + crawl + generation (4) + host | a host's queue cursors (see `frontier::host`) |
//! | `G` | crawl + generation + host length (2) + host + lane (1) + segment (8) | where a full (sealed) segment of a host's lane is |
//! | `P` | as `G` + first offset (4)             | where the entries one commit appended to a lane's open segment are |
//! | `s` | source name                           | the daemon's schedule state (opaque) |
//! | `v` | article id (8) + version (4)          | a version a later one replaced (text, title, hashes, validators) |
//! | `B` | article id (8) + version (4)          | where the raw page of such a version is |
//! | `k` | article id (8) + time (8)             | a revisit that found the article unchanged |
//! | `c` | change seq (8)                        | the change log: edits, removals, restorations |
//! | `W` | source length (2) + source + due time (8) + article id (8) | a watched article's next revisit: rung, attempts |
//! | `w` | source length (2) + source + URL      | a revisit handed to the source's revisit crawl and not yet done |
//!
//! Format 5 added the last six (see `watch`): an edit writes one `v` key (and `B` with the
//! raw page's place), a new article one `W` key; `migrate` places the articles of a format-3
//! database on the revisit schedule.
//!
//! Raw pages themselves are blobs in their own append-only files beside the database
//! (`pages`); `R` and `B` say where. Format 5 (migrated at open by `migrate`) kept them as
//! the values of `r` and `b`.
//!
//! The frontier's segments, parts and seen-set chunks themselves are blobs in files beside
//! the database (`blobs`); `C`, `G` and `P` say where.
//!
//! Format 3 (migrated at open by `migrate`) kept the segments and parts themselves as the
//! values of `G` and `P`, and the seen-set chunks under `V` (crawl + generation + chunk (8)).
//! Format 2 (migrated at open by `migrate`) kept the frontier as one key per URL: `f`
//! (source + URL → known, done) and `p` (source + frontier seq → pending entry).
//! Format 1 (migrated at open by `migrate`) also had `i` (id → seq), `t` (text hash →
//! original), `h` (simhash + id → rank), `q` (one key per waiting entry), `l` (one key per
//! lease) and `e` (lease expiry + queue seq); its `u` keys held the page state of every
//! URL, article or not.

use super::record::ArticleId;

pub const META_FORMAT: &[u8] = b"\0format";
pub const META_COUNTERS: &[u8] = b"\0counters";
/// The keys of the frontier's URL hash (see `frontier::seen`).
pub const META_URL_HASH: &[u8] = b"\0url-hash";

pub const ARTICLE: u8 = b'a';
pub const CATALOG_LOG: u8 = b'x';
pub const PAGE: u8 = b'u';
pub const RAW: u8 = b'R';
pub const QUEUE_RUN: u8 = b'Q';
pub const LEASE_BATCH: u8 = b'L';
pub const CRAWL: u8 = b'C';
pub const CRAWL_HOST: u8 = b'F';
pub const CRAWL_SEGMENT: u8 = b'G';
pub const CRAWL_PART: u8 = b'P';
pub const SOURCE_STATE: u8 = b's';
pub const VERSION: u8 = b'v';
pub const VERSION_RAW: u8 = b'B';
pub const REVISIT_CHECK: u8 = b'k';
pub const CHANGE: u8 = b'c';
pub const WATCH_DUE: u8 = b'W';
pub const WATCH_QUEUED: u8 = b'w';

/// Format 5's keys that format 6 no longer has: raw pages as values.
pub mod format5 {
    /// `r` + article id (8) → the raw page (zstd) of the current version.
    pub const RAW: u8 = b'r';
    /// `b` + article id (8) + version (4) → the raw page of a replaced version.
    pub const VERSION_RAW: u8 = b'b';
    pub const TAGS: [u8; 2] = [RAW, VERSION_RAW];
}

/// Format 3's keys that format 4 no longer has: the seen-set chunks.
pub mod format3 {
    /// `V` + crawl + generation + chunk (8) → a chunk of the crawl's seen-set (format 4
    /// keeps the chunks in the frontier's files).
    pub const CRAWL_SEEN: u8 = b'V';

    /// A chunk of a crawl's seen-set.
    pub fn crawl_seen(crawl: &str, generation: u32, chunk: u64) -> Vec<u8> {
        let mut key = super::crawl_prefix(CRAWL_SEEN, crawl, Some(generation));
        key.extend_from_slice(&chunk.to_be_bytes());
        key
    }
}

/// Tags of database format 2 that format 3 no longer has: its frontier.
pub mod format2 {
    pub const FRONTIER_KNOWN: u8 = b'f';
    pub const FRONTIER_PENDING: u8 = b'p';
    pub const TAGS: [u8; 2] = [FRONTIER_KNOWN, FRONTIER_PENDING];
}

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

/// A version of `id` that a later one replaced.
pub fn version(id: ArticleId, version: u32) -> Vec<u8> {
    tagged(VERSION, &[&id.to_bytes(), &version.to_be_bytes()])
}

/// The raw page of a replaced version.
pub fn version_raw(id: ArticleId, version: u32) -> Vec<u8> {
    tagged(VERSION_RAW, &[&id.to_bytes(), &version.to_be_bytes()])
}

/// A revisit of `id` at `at_micros` that found it unchanged.
pub fn revisit_check(id: ArticleId, at_micros: i64) -> Vec<u8> {
    tagged(
        REVISIT_CHECK,
        &[&id.to_bytes(), &sortable(at_micros).to_be_bytes()],
    )
}

/// The time (micros) of a [`revisit_check`] key.
pub fn revisit_check_at(key: &[u8]) -> Option<i64> {
    u64_at(key, 9).map(unsortable)
}

/// Prefix of the keys of one article under `tag` (`VERSION`, `VERSION_RAW`, `REVISIT_CHECK`).
pub fn of_article(tag: u8, id: ArticleId) -> Vec<u8> {
    tagged(tag, &[&id.to_bytes()])
}

pub fn change(seq: u64) -> Vec<u8> {
    tagged(CHANGE, &[&seq.to_be_bytes()])
}

/// Prefix of a source's keys under `tag` (`WATCH_DUE`, `WATCH_QUEUED`).
pub fn watch_prefix(tag: u8, source: &str) -> Vec<u8> {
    let mut key = vec![tag];
    crawl_name(&mut key, source);
    key
}

/// A watched article's next revisit, in order of its due time (micros since the epoch).
pub fn watch_due(source: &str, due_micros: i64, id: ArticleId) -> Vec<u8> {
    let mut key = watch_prefix(WATCH_DUE, source);
    key.extend_from_slice(&sortable(due_micros).to_be_bytes());
    key.extend_from_slice(&id.to_bytes());
    key
}

/// The due time and article of a [`watch_due`] key of `source`.
pub fn watch_due_parts(key: &[u8], source: &str) -> Option<(i64, ArticleId)> {
    let at = 3 + source.len();
    let due = u64_at(key, at)?;
    Some((unsortable(due), id_at(key, at + 8)?))
}

/// A revisit of `url` handed to `source`'s revisit crawl.
pub fn watch_queued(source: &str, url: &str) -> Vec<u8> {
    let mut key = watch_prefix(WATCH_QUEUED, source);
    key.extend_from_slice(url.as_bytes());
    key
}

/// A signed time as an unsigned number in the same order (the sign bit flipped).
fn sortable(micros: i64) -> u64 {
    (micros as u64) ^ (1 << 63)
}

fn unsortable(bits: u64) -> i64 {
    (bits ^ (1 << 63)) as i64
}

/// A crawl's name, length-prefixed so that crawl `ab` never matches keys of `abc`.
fn crawl_name(key: &mut Vec<u8>, crawl: &str) {
    // Crawl names are short (config names ≤ 64 bytes, host names ≤ 253); the length is
    // checked by the caller, so truncation cannot happen here.
    let len = u16::try_from(crawl.len()).unwrap_or(u16::MAX);
    key.extend_from_slice(&len.to_be_bytes());
    key.extend_from_slice(crawl.as_bytes());
}

/// The metadata of a crawl's frontier.
pub fn crawl(crawl: &str) -> Vec<u8> {
    let mut key = vec![CRAWL];
    crawl_name(&mut key, crawl);
    key
}

/// Prefix of a crawl's keys under `tag` (`CRAWL_HOST`, `CRAWL_SEGMENT`, `CRAWL_PART`), of
/// one generation, or of all generations when `generation` is `None`.
pub fn crawl_prefix(tag: u8, crawl: &str, generation: Option<u32>) -> Vec<u8> {
    let mut key = vec![tag];
    crawl_name(&mut key, crawl);
    if let Some(g) = generation {
        key.extend_from_slice(&g.to_be_bytes());
    }
    key
}

/// The two key ranges under `tag` of `crawl` that hold every generation but `keep`:
/// the generations before it and those after it, as `(start, end)` for a scan.
pub fn other_generation_ranges(tag: u8, crawl: &str, keep: u32) -> [(Vec<u8>, Option<Vec<u8>>); 2] {
    let all = crawl_prefix(tag, crawl, None);
    let kept = crawl_prefix(tag, crawl, Some(keep));
    [
        (all.clone(), Some(kept.clone())),
        (
            prefix_end(&kept).unwrap_or_else(|| all.clone()),
            prefix_end(&all),
        ),
    ]
}

/// The generation of a key under [`crawl_prefix`]`(tag, crawl, None)`.
pub fn crawl_generation(key: &[u8], crawl: &str) -> Option<u32> {
    let at = 3 + crawl.len();
    Some(u32::from_be_bytes(key.get(at..at + 4)?.try_into().ok()?))
}

/// A host's cursor in a crawl.
pub fn crawl_host(crawl: &str, generation: u32, host: &str) -> Vec<u8> {
    let mut key = crawl_prefix(CRAWL_HOST, crawl, Some(generation));
    key.extend_from_slice(host.as_bytes());
    key
}

/// The host name of a [`crawl_host`] key.
pub fn crawl_host_name<'k>(key: &'k [u8], crawl: &str) -> Option<&'k str> {
    std::str::from_utf8(key.get(3 + crawl.len() + 4..)?).ok()
}

/// A segment of a host's lane.
pub fn crawl_segment(crawl: &str, generation: u32, host: &str, lane: u8, seg: u64) -> Vec<u8> {
    let mut key = crawl_prefix(CRAWL_SEGMENT, crawl, Some(generation));
    let len = u16::try_from(host.len()).unwrap_or(u16::MAX);
    key.extend_from_slice(&len.to_be_bytes());
    key.extend_from_slice(host.as_bytes());
    key.push(lane);
    key.extend_from_slice(&seg.to_be_bytes());
    key
}

/// Prefix of the parts of a lane's open segment.
pub fn crawl_parts(crawl: &str, generation: u32, host: &str, lane: u8, seg: u64) -> Vec<u8> {
    let mut key = crawl_segment(crawl, generation, host, lane, seg);
    key[0] = CRAWL_PART;
    key
}

/// Entries appended to a lane's open segment by one commit, from offset `first`.
pub fn crawl_part(
    crawl: &str,
    generation: u32,
    host: &str,
    lane: u8,
    seg: u64,
    first: u32,
) -> Vec<u8> {
    let mut key = crawl_parts(crawl, generation, host, lane, seg);
    key.extend_from_slice(&first.to_be_bytes());
    key
}

/// Host, lane and segment of a [`crawl_part`] key of `crawl`.
pub fn crawl_part_place<'k>(key: &'k [u8], crawl: &str) -> Option<(&'k str, u8, u64)> {
    let at = 3 + crawl.len() + 4;
    let len = usize::from(u16::from_be_bytes(key.get(at..at + 2)?.try_into().ok()?));
    let host = std::str::from_utf8(key.get(at + 2..at + 2 + len)?).ok()?;
    let lane = *key.get(at + 2 + len)?;
    let seg = u64_at(key, at + 3 + len)?;
    (key.len() == at + 3 + len + 8 + 4).then_some((host, lane, seg))
}

/// Format 2's frontier keys of one source, for migration.
pub fn format2_prefix(tag: u8, source: &str) -> Vec<u8> {
    let mut key = vec![tag];
    crawl_name(&mut key, source);
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
    fn crawl_prefixes_do_not_overlap_between_crawls_or_generations() {
        let ab = crawl_prefix(CRAWL_HOST, "ab", None);
        assert!(!crawl_host("abc", 1, "x.test").starts_with(&ab));
        let g1 = crawl_prefix(CRAWL_SEGMENT, "ab", Some(1));
        assert!(!crawl_segment("ab", 2, "x.test", 0, 0).starts_with(&g1));
        assert!(crawl_segment("ab", 1, "x.test", 0, 0).starts_with(&g1));
        let key = crawl_host("ab", 7, "x.test:8080");
        assert_eq!(crawl_generation(&key, "ab"), Some(7));
        assert_eq!(crawl_host_name(&key, "ab"), Some("x.test:8080"));
        let part = crawl_part("ab", 7, "x.test:8080", 3, 1 << 33, 17);
        assert_eq!(
            crawl_part_place(&part, "ab"),
            Some(("x.test:8080", 3, 1 << 33))
        );
        assert_eq!(crawl_part_place(&part[..part.len() - 1], "ab"), None);
        assert_eq!(
            crawl_part_place(&crawl_parts("ab", 7, "h", 0, 0), "ab"),
            None
        );
        // Segment order within a lane is numeric.
        assert!(crawl_segment("ab", 1, "h", 3, 255) < crawl_segment("ab", 1, "h", 3, 256));
    }

    #[test]
    fn watch_keys_order_by_due_time_within_a_source() {
        let id = ArticleId::for_url("https://a.example/1");
        let early = watch_due("src", -5, id);
        let later = watch_due("src", 1_800_000_000_000_000, id);
        assert!(early < later);
        assert!(later < watch_due("src", 1_800_000_000_000_001, id));
        assert!(early.starts_with(&watch_prefix(WATCH_DUE, "src")));
        assert!(!watch_due("srcx", 0, id).starts_with(&watch_prefix(WATCH_DUE, "src")));
        assert_eq!(
            watch_due_parts(&later, "src"),
            Some((1_800_000_000_000_000, id))
        );
        assert_eq!(watch_due_parts(&early, "src"), Some((-5, id)));
        assert!(version(id, 2) < version(id, 10));
        assert!(revisit_check(id, 5) < revisit_check(id, 6));
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
