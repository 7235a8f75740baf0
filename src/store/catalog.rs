//! The article catalog: the lookups an upsert needs, held in memory and rebuilt at open
//! from the catalog log.
//!
//! An upsert must find an article's record by id, the original that owns a text (exact
//! duplicates), the originals near a simhash (near duplicates) and the article a URL
//! produced. Format 1 kept each of these as keys scattered across the sled tree, one write
//! per index per article; on sled 0.34 those writes, not gleaner's own work, capped upserts
//! at about 10 000/s. Format 2 keeps them here, in memory, and makes them durable as a log.
//! Measured with a million articles: 172 MiB of tables (about half of it the simhash index,
//! which format 1 held in memory too), and the database opens in about 2 s, sled's recovery
//! included; format 1's open scanned one key per original, ~12 s for a million such keys.
//!
//! - every commit that changes the catalog appends one **chunk** (`x` keys) holding just
//!   what it changed (each key once, `None` for a removal), in the same atomic sled batch as
//!   the records it describes, so the log never disagrees with the records;
//! - replaying the chunks in order rebuilds the catalog (at open);
//! - consecutive chunks merge into one (later values win) while the newer ones are at
//!   least half the size of the one before, up to [`FULL_CHUNK`] entries: single puts do not
//!   leave a million tiny keys that sled would take seconds to scan (a scan costs ~11 µs
//!   per key but ~0.04 µs per entry inside a chunk);
//! - when the log holds more than twice the catalog's entries (records moved by new
//!   versions leave superseded entries behind), it is **compacted**: the whole catalog is
//!   written as new chunks after the last one, then the old chunks are removed, oldest
//!   first. Replaying any suffix of the old chunks and then the snapshot gives the snapshot,
//!   so a crash anywhere in between loses nothing.
//!
//! Texts are keyed by the first 64 bits of their SHA-256 (half the memory of the full
//! hash); a match is confirmed against the full hash in the original's record, so two
//! texts sharing those bits (about one pair in 10⁷ at a million articles) only lose the
//! exact check, and near-duplicate detection still compares them. URLs are keyed by
//! [`ArticleId::for_url`], the 64-bit hash that names articles, and only where the article
//! a URL produced is not the one its own hash names (a redirect source, a canonical URL
//! other than the one fetched); every hit is confirmed by the URL in the record's pages.

use super::codec::CatalogChunkV1;
use super::dedup::{NearIndex, NearMatch};
use super::idhash::IdMap;
use super::record::{ArticleId, Simhash};

/// Entries up to which consecutive log chunks are merged (a full chunk is ~150 KB).
pub const FULL_CHUNK: usize = 8192;

/// A map keyed by an already-uniform 64-bit hash.
pub(crate) type Prehashed<V> = IdMap<V>;

fn key(id: ArticleId) -> u64 {
    u64::from_be_bytes(id.to_bytes())
}

fn id(key: u64) -> ArticleId {
    ArticleId::from_bytes(key.to_be_bytes())
}

/// The catalog key of a text: the first 64 bits of its SHA-256.
pub fn text_key(sha256: &[u8; 32]) -> u64 {
    let mut prefix = [0u8; 8];
    prefix.copy_from_slice(&sha256[..8]);
    u64::from_be_bytes(prefix)
}

/// What some commits changed in the catalog: the content of one log chunk.
#[derive(Debug, Default, Clone, PartialEq)]
pub(crate) struct Changes {
    seqs: Prehashed<u64>,
    texts: Prehashed<Option<ArticleId>>,
    urls: Prehashed<Option<ArticleId>>,
    near: Prehashed<Option<(Simhash, i64)>>,
}

impl Changes {
    /// Keys changed (the size of the chunk).
    pub fn len(&self) -> usize {
        self.seqs.len() + self.texts.len() + self.urls.len() + self.near.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    pub fn set_seq(&mut self, article: ArticleId, seq: u64) {
        self.seqs.insert(key(article), seq);
    }

    pub fn claim_text(&mut self, text: u64, owner: ArticleId) {
        self.texts.insert(text, Some(owner));
    }

    pub fn release_text(&mut self, text: u64) {
        self.texts.insert(text, None);
    }

    /// Records that the URL with key `url_key` produced `article`.
    pub fn point_url(&mut self, url_key: ArticleId, article: ArticleId) {
        let value = (article != url_key).then_some(article);
        self.urls.insert(key(url_key), value);
    }

    pub fn set_near(&mut self, article: ArticleId, entry: Option<(Simhash, i64)>) {
        self.near.insert(key(article), entry);
    }

    /// These changes followed by `later`: what replaying both in order does.
    pub fn merge(&mut self, later: Changes) {
        self.seqs.extend(later.seqs);
        self.texts.extend(later.texts);
        self.urls.extend(later.urls);
        self.near.extend(later.near);
    }

    /// The chunk layout, sorted by key so that equal changes encode to equal bytes.
    pub fn to_chunk(&self) -> CatalogChunkV1 {
        fn sorted<V: Copy, W>(map: &Prehashed<V>, f: impl Fn(V) -> W) -> Vec<([u8; 8], W)> {
            let mut out: Vec<([u8; 8], W)> =
                map.iter().map(|(&k, &v)| (k.to_be_bytes(), f(v))).collect();
            out.sort_unstable_by_key(|entry| entry.0);
            out
        }
        CatalogChunkV1 {
            seqs: sorted(&self.seqs, |seq| seq),
            texts: sorted(&self.texts, |owner| owner.map(ArticleId::to_bytes)),
            urls: sorted(&self.urls, |article| article.map(ArticleId::to_bytes)),
            near: sorted(&self.near, |entry| entry.map(|(hash, rank)| (hash.0, rank))),
        }
    }

    pub fn from_chunk(chunk: CatalogChunkV1) -> Changes {
        fn map<W, V>(entries: Vec<([u8; 8], W)>, f: impl Fn(W) -> V) -> Prehashed<V> {
            let mut out = Prehashed::with_capacity_and_hasher(entries.len(), Default::default());
            out.extend(
                entries
                    .into_iter()
                    .map(|(k, v)| (u64::from_be_bytes(k), f(v))),
            );
            out
        }
        Changes {
            seqs: map(chunk.seqs, |seq| seq),
            texts: map(chunk.texts, |owner| owner.map(ArticleId::from_bytes)),
            urls: map(chunk.urls, |article| article.map(ArticleId::from_bytes)),
            near: map(chunk.near, |entry| {
                entry.map(|(hash, rank)| (Simhash(hash), rank))
            }),
        }
    }
}

/// The in-memory catalog.
#[derive(Debug)]
pub(crate) struct Catalog {
    /// Article id → seq of its record.
    seqs: Prehashed<u64>,
    /// Text key → the original that owns the text.
    texts: Prehashed<ArticleId>,
    /// URL key → the article the URL produced, where that is not the URL key itself.
    urls: Prehashed<ArticleId>,
    /// Simhashes of the originals long enough for near-duplicate detection.
    near: NearIndex,
}

impl Catalog {
    pub fn new(max_distance: u32) -> Catalog {
        Catalog {
            seqs: Prehashed::default(),
            texts: Prehashed::default(),
            urls: Prehashed::default(),
            near: NearIndex::new(max_distance),
        }
    }

    /// Room for `articles` articles without growing the tables again (at open).
    pub fn reserve(&mut self, articles: usize) {
        self.seqs.reserve(articles);
        self.texts.reserve(articles);
        self.near.reserve(articles);
    }

    /// Replays one chunk of the log (as [`Catalog::apply`] of its changes, without
    /// building them first).
    pub fn apply_chunk(&mut self, chunk: CatalogChunkV1) {
        for (article, seq) in chunk.seqs {
            self.seqs.insert(u64::from_be_bytes(article), seq);
        }
        for (text, owner) in chunk.texts {
            let text = u64::from_be_bytes(text);
            match owner {
                Some(owner) => self.texts.insert(text, ArticleId::from_bytes(owner)),
                None => self.texts.remove(&text),
            };
        }
        for (url, article) in chunk.urls {
            let url = u64::from_be_bytes(url);
            match article {
                Some(article) => self.urls.insert(url, ArticleId::from_bytes(article)),
                None => self.urls.remove(&url),
            };
        }
        for (article, entry) in chunk.near {
            let article = ArticleId::from_bytes(article);
            match entry {
                Some((hash, rank)) => self.near.insert(Simhash(hash), article, rank),
                None => self.near.remove(article),
            }
        }
    }

    pub fn apply(&mut self, changes: Changes) {
        self.seqs.extend(changes.seqs);
        for (text, owner) in changes.texts {
            match owner {
                Some(owner) => self.texts.insert(text, owner),
                None => self.texts.remove(&text),
            };
        }
        for (url, article) in changes.urls {
            match article {
                Some(article) => self.urls.insert(url, article),
                None => self.urls.remove(&url),
            };
        }
        for (article, entry) in changes.near {
            match entry {
                Some((hash, rank)) => self.near.insert(hash, id(article), rank),
                None => self.near.remove(id(article)),
            }
        }
    }

    /// Articles in the catalog.
    pub fn articles(&self) -> usize {
        self.seqs.len()
    }

    /// Keys in the catalog: what a snapshot of it holds.
    pub fn len(&self) -> usize {
        self.seqs.len() + self.texts.len() + self.urls.len() + self.near.len()
    }

    /// The seq of `article`'s record, as `delta` (if any) would leave it.
    pub fn seq(&self, delta: Option<&Delta>, article: ArticleId) -> Option<u64> {
        let k = key(article);
        delta
            .and_then(|d| d.changes.seqs.get(&k).copied())
            .or_else(|| self.seqs.get(&k).copied())
    }

    /// The original owning the text with this key.
    pub fn text_owner(&self, delta: Option<&Delta>, text: u64) -> Option<ArticleId> {
        match delta.and_then(|d| d.changes.texts.get(&text)) {
            Some(pending) => *pending,
            None => self.texts.get(&text).copied(),
        }
    }

    /// The article that `url_key` (a URL's [`ArticleId::for_url`]) should be looked up
    /// in: the one the URL last produced, else the one the key itself names.
    pub fn url_article(&self, delta: Option<&Delta>, url_key: ArticleId) -> ArticleId {
        let k = key(url_key);
        match delta.and_then(|d| d.changes.urls.get(&k)) {
            Some(pending) => pending.unwrap_or(url_key),
            None => self.urls.get(&k).copied().unwrap_or(url_key),
        }
    }

    /// The closest original within the near-duplicate distance of `hash`, other than
    /// `exclude`, as the index will be once `delta` is committed.
    pub fn nearest_original(
        &self,
        delta: &Delta,
        hash: Simhash,
        exclude: ArticleId,
    ) -> Option<ArticleId> {
        let committed: Option<NearMatch> = self.near.nearest_where(hash, |article| {
            article != exclude && !delta.changes.near.contains_key(&key(article))
        });
        let pending = delta
            .near_pending
            .nearest_where(hash, |article| article != exclude);
        committed.into_iter().chain(pending).min().map(|m| m.id)
    }

    /// The whole catalog as changes of at most `per_chunk` keys each: replayed on an empty
    /// catalog, or after any part of the log it was taken from, they give this catalog.
    pub fn snapshot(&self, per_chunk: usize) -> Vec<Changes> {
        let per_chunk = per_chunk.max(1);
        let mut chunks = vec![Changes::default()];
        let room = |chunks: &mut Vec<Changes>| {
            if chunks.last().is_some_and(|c| c.len() >= per_chunk) {
                chunks.push(Changes::default());
            }
            chunks.len() - 1
        };
        for (&k, &seq) in &self.seqs {
            let i = room(&mut chunks);
            chunks[i].seqs.insert(k, seq);
        }
        for (&k, &owner) in &self.texts {
            let i = room(&mut chunks);
            chunks[i].texts.insert(k, Some(owner));
        }
        for (&k, &article) in &self.urls {
            let i = room(&mut chunks);
            chunks[i].urls.insert(k, Some(article));
        }
        for (article, hash, rank) in self.near.iter() {
            let i = room(&mut chunks);
            chunks[i].near.insert(key(article), Some((hash, rank)));
        }
        chunks.retain(|c| !c.is_empty());
        chunks
    }

    /// Everything the catalog holds, sorted: for comparing two catalogs in tests.
    #[cfg(test)]
    pub fn contents(&self) -> String {
        let mut near: Vec<_> = self.near.iter().collect();
        near.sort_by_key(|e| e.0);
        let sorted = |m: &Prehashed<ArticleId>| {
            let mut v: Vec<_> = m.iter().map(|(k, a)| (*k, *a)).collect();
            v.sort();
            v
        };
        let mut seqs: Vec<_> = self.seqs.iter().map(|(k, s)| (*k, *s)).collect();
        seqs.sort();
        format!(
            "{seqs:?}\n{:?}\n{:?}\n{near:?}",
            sorted(&self.texts),
            sorted(&self.urls)
        )
    }

    /// Approximate heap bytes held (hash tables at their capacity).
    pub fn memory_bytes(&self) -> usize {
        fn table<V>(map: &Prehashed<V>) -> usize {
            // hashbrown: buckets are a power of two ≥ capacity × 8/7, one control byte each.
            let buckets = (map.capacity() * 8 / 7).next_power_of_two();
            buckets * (std::mem::size_of::<(u64, V)>() + 1)
        }
        table(&self.seqs) + table(&self.texts) + table(&self.urls) + self.near.memory_bytes()
    }
}

/// The catalog changes of one transaction, visible to its own lookups before the commit
/// (through [`Catalog::seq`] and the others taking a `delta`).
#[derive(Debug)]
pub(crate) struct Delta {
    pub changes: Changes,
    /// The originals near-indexed by this transaction, searchable before the commit.
    near_pending: NearIndex,
}

impl Delta {
    pub fn new(max_distance: u32) -> Delta {
        Delta {
            changes: Changes::default(),
            near_pending: NearIndex::new(max_distance),
        }
    }

    pub fn set_seq(&mut self, article: ArticleId, seq: u64) {
        self.changes.set_seq(article, seq);
    }

    pub fn claim_text(&mut self, text: u64, owner: ArticleId) {
        self.changes.claim_text(text, owner);
    }

    pub fn release_text(&mut self, text: u64) {
        self.changes.release_text(text);
    }

    /// Records that the URL with key `url_key` produced `article`.
    pub fn point_url(&mut self, url_key: ArticleId, article: ArticleId) {
        self.changes.point_url(url_key, article);
    }

    pub fn near_insert(&mut self, hash: Simhash, article: ArticleId, rank: i64) {
        self.changes.set_near(article, Some((hash, rank)));
        self.near_pending.insert(hash, article, rank);
    }

    pub fn near_remove(&mut self, article: ArticleId) {
        self.changes.set_near(article, None);
        self.near_pending.remove(article);
    }
}

/// The chunks of the catalog log, as the writer tracks them to merge and compact.
#[derive(Debug, Default, Clone)]
pub(crate) struct LogState {
    /// (chunk seq, keys in it), in log order.
    pub chunks: Vec<(u64, usize)>,
    /// Keys in all chunks.
    pub entries: usize,
    /// Compactions since the database was opened.
    pub compactions: u64,
}

impl LogState {
    pub fn push(&mut self, chunk: u64, entries: usize) {
        self.chunks.push((chunk, entries));
        self.entries += entries;
    }

    /// Forgets the `count` oldest chunks (removed from the database).
    pub fn remove_oldest(&mut self, count: usize) {
        let count = count.min(self.chunks.len());
        self.entries -= self.chunks.drain(..count).map(|(_, n)| n).sum::<usize>();
    }

    pub fn pop(&mut self) -> Option<(u64, usize)> {
        let last = self.chunks.pop()?;
        self.entries -= last.1;
        Some(last)
    }

    /// The chunk the next one should merge with: the last, if not full and at most twice
    /// the size of what is being appended. Merging only with a chunk of comparable size
    /// keeps the log at a few chunks per [`FULL_CHUNK`] and rewrites each key only
    /// O(log [`FULL_CHUNK`]) times.
    pub fn merge_candidate(&self, appending: usize) -> Option<u64> {
        self.chunks
            .last()
            .filter(|&&(_, n)| n < FULL_CHUNK && n <= 2 * appending)
            .map(|&(chunk, _)| chunk)
    }

    /// Whether the log has grown to more than twice what a snapshot of a catalog of `live`
    /// keys would hold.
    pub fn needs_compaction(&self, live: usize) -> bool {
        self.entries > 2 * live + FULL_CHUNK
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn a(n: u8) -> ArticleId {
        ArticleId::from_bytes([n; 8])
    }

    #[test]
    fn replaying_merged_chunks_equals_replaying_them_one_by_one() {
        let mut first = Delta::new(3);
        first.set_seq(a(1), 1);
        first.claim_text(10, a(1));
        first.near_insert(Simhash(0xff), a(1), 100);
        first.point_url(ArticleId::for_url("https://x/old"), a(1));
        let mut second = Delta::new(3);
        second.set_seq(a(1), 2);
        second.release_text(10);
        second.claim_text(11, a(1));
        second.near_remove(a(1));
        second.set_seq(a(2), 3);

        let mut one_by_one = Catalog::new(3);
        one_by_one.apply(first.changes.clone());
        one_by_one.apply(second.changes.clone());
        let mut merged = first.changes.clone();
        merged.merge(second.changes.clone());
        let mut at_once = Catalog::new(3);
        at_once.apply(Changes::from_chunk(merged.to_chunk()));

        for catalog in [&one_by_one, &at_once] {
            assert_eq!(catalog.seq(None, a(1)), Some(2));
            assert_eq!(catalog.seq(None, a(2)), Some(3));
            assert_eq!(catalog.text_owner(None, 10), None);
            assert_eq!(catalog.text_owner(None, 11), Some(a(1)));
            assert_eq!(catalog.near.len(), 0);
            assert_eq!(
                catalog.url_article(None, ArticleId::for_url("https://x/old")),
                a(1)
            );
        }
    }

    #[test]
    fn a_snapshot_after_any_suffix_of_the_log_gives_the_catalog() {
        let mut log = Vec::new();
        for n in 1..=20u8 {
            let mut d = Delta::new(3);
            d.set_seq(a(n % 7), u64::from(n));
            if n % 3 == 0 {
                d.claim_text(u64::from(n % 5), a(n % 7));
            } else {
                d.release_text(u64::from(n % 5));
            }
            if n % 2 == 0 {
                d.near_insert(Simhash(u64::from(n) << 20), a(n % 7), i64::from(n));
            } else {
                d.near_remove(a(n % 7));
            }
            log.push(d.changes);
        }
        let mut full = Catalog::new(3);
        for c in &log {
            full.apply(c.clone());
        }
        let snapshot = full.snapshot(4);
        assert!(snapshot.len() > 1, "split into chunks");
        for start in 0..=log.len() {
            let mut replayed = Catalog::new(3);
            for c in &log[start..] {
                replayed.apply(c.clone());
            }
            for c in &snapshot {
                replayed.apply(c.clone());
            }
            assert_eq!(replayed.seqs, full.seqs, "suffix from {start}");
            assert_eq!(replayed.texts, full.texts, "suffix from {start}");
            let mut near: Vec<_> = replayed.near.iter().collect();
            let mut expected: Vec<_> = full.near.iter().collect();
            near.sort_by_key(|e| e.0);
            expected.sort_by_key(|e| e.0);
            assert_eq!(near, expected, "suffix from {start}");
        }
    }

    #[test]
    fn urls_are_kept_only_where_they_name_another_article() {
        let mut d = Delta::new(3);
        let own = ArticleId::for_url("https://x/a");
        d.point_url(own, own);
        let redirect = ArticleId::for_url("https://x/short");
        d.point_url(redirect, own);
        let mut c = Catalog::new(3);
        c.apply(d.changes);
        assert_eq!(c.urls.len(), 1);
        assert_eq!(c.url_article(None, own), own);
        assert_eq!(c.url_article(None, redirect), own);
        // The short URL now produces the article it names itself: the exception goes.
        let mut d = Delta::new(3);
        d.point_url(redirect, redirect);
        assert_eq!(c.url_article(Some(&d), redirect), redirect);
        c.apply(d.changes);
        assert!(c.urls.is_empty());
    }

    #[test]
    fn merging_keeps_a_few_chunks_and_stops_at_full() {
        let mut log = LogState::default();
        let mut next = 0;
        for _ in 0..10_000 {
            let mut appending = 3;
            while log.merge_candidate(appending).is_some() {
                let (_, n) = log.pop().expect("candidate exists");
                appending += n;
            }
            next += 1;
            log.push(next, appending);
        }
        assert_eq!(log.entries, 30_000);
        assert!(log.chunks.len() <= 16, "{:?}", log.chunks);
        assert!(
            log.chunks.iter().filter(|c| c.1 >= FULL_CHUNK).count() >= 2,
            "{:?}",
            log.chunks
        );
    }
}
