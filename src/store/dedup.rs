//! Duplicate detection: exact (same normalised text) and near (simhash within a few bits).
//!
//! Exact duplicates are found through the catalog's index of text hashes. Near
//! duplicates use a 64-bit simhash over word 3-shingles, the classic technique for finding
//! reprints that differ by a dateline, a byline or a trailing sentence. Finding all stored
//! hashes within Hamming distance *k* uses the pigeonhole trick (Manku et al., WWW 2007):
//! cut the 64 bits into *k + 1* blocks; two hashes within distance *k* agree exactly on at
//! least one block, so candidates come from *k + 1* exact-match tables held in memory (in
//! the catalog, rebuilt from its log when the database opens).
//!
//! What the default distance of 3 catches, measured on a ~790-word wire story: a credit
//! line appended (distance 1), the agency name dropped from the first sentence (3), one
//! word changed anywhere (≤ 3 in 92 % of positions, median 2). It misses the headline
//! repeated at the top of the text (5) or the last paragraph cut (5): simhash sees
//! similarity, not containment, and on 64 bits each changed shingle in ~800 moves ~0.4
//! bits. Raising `store.near_duplicate_distance` to 6–8 catches those; unrelated texts sit
//! around 32 bits apart, so false matches stay rare well beyond that.

use sha2::{Digest, Sha256};

use super::idhash::IdMap;
use super::record::{ArticleId, Simhash};

/// Words per shingle. Three catches reordered sentences and changed words without making
/// every text that shares common phrases look alike.
const SHINGLE_WORDS: usize = 3;

// `Normalised::simhash` keeps one hash state per open shingle: written for three words.
const _: () = assert!(SHINGLE_WORDS == 3);

/// Texts with fewer words than this are only compared exactly: a simhash of a handful of
/// shingles flips most of its bits when one word changes, and matches by chance too easily.
pub const MIN_WORDS_FOR_NEAR: usize = 12;

/// The text as hashed for exact duplicates: its words, lower-cased, separated by single
/// spaces. Layout (line breaks, blank lines between paragraphs, double spaces), punctuation
/// and typography (curly or straight quotes, dashes) differ between a story and its reprint
/// without making it another text, so they do not count; words, numbers and their order do.
pub fn normalise_text(text: &str) -> String {
    let bytes = Normalised::of(text).text;
    // Always valid: only ASCII bytes and whole encoded characters were copied.
    String::from_utf8(bytes).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
}

/// SHA-256 of [`normalise_text`]`(text)`.
pub fn text_sha256(text: &str) -> [u8; 32] {
    Sha256::digest(Normalised::of(text).text).into()
}

/// Both hashes of a text, normalising it once: `(text_sha256, simhash, words)`.
pub fn fingerprint(text: &str) -> ([u8; 32], Simhash, usize) {
    let normalised = Normalised::of(text);
    (
        Sha256::digest(&normalised.text).into(),
        normalised.simhash(),
        normalised.starts.len(),
    )
}

/// Simhash of the text's word 3-shingles, and the number of words it saw.
pub fn simhash(text: &str) -> (Simhash, usize) {
    let normalised = Normalised::of(text);
    (normalised.simhash(), normalised.starts.len())
}

/// A text as [`normalise_text`] defines it, with where each word starts.
///
/// One buffer instead of a `String` per word: fingerprinting runs on every upsert, and the
/// per-word allocations were most of its cost. A shingle is then a plain slice of the
/// buffer (its words and the single spaces between them).
struct Normalised {
    /// UTF-8: ASCII bytes and whole lower-cased characters only.
    text: Vec<u8>,
    starts: Vec<usize>,
}

/// For each ASCII byte: its lower case if it is a letter or digit, else 0.
const ASCII_WORD_BYTE: [u8; 128] = {
    let mut table = [0u8; 128];
    let mut b = 0;
    while b < 128 {
        let byte = b as u8;
        if byte.is_ascii_alphanumeric() {
            table[b] = byte.to_ascii_lowercase();
        }
        b += 1;
    }
    table
};

impl Normalised {
    /// Words are maximal runs of letters and digits, lower-cased exactly as
    /// `str::to_lowercase` does (including its word-final sigma rule).
    ///
    /// Works on bytes, in one pass: an ASCII byte is classified and lower-cased by a table
    /// and copied on its own; only non-ASCII characters are decoded, and a word holding
    /// any is lower-cased again as a whole at its end (most text in most sources is ASCII,
    /// and even Cyrillic text has ASCII spaces and punctuation between its words).
    fn of(text: &str) -> Normalised {
        let bytes = text.as_bytes();
        let mut out = Normalised {
            text: Vec::with_capacity(text.len()),
            // About one word per six bytes of prose; a guess, not a bound.
            starts: Vec::with_capacity(text.len() / 6),
        };
        // The word being copied: where it starts in `text`, and whether it is all ASCII.
        let mut word: Option<(usize, bool)> = None;
        let mut i = 0;
        while i < bytes.len() {
            let b = bytes[i];
            let (is_word_char, len) = if b.is_ascii() {
                let lower = ASCII_WORD_BYTE[usize::from(b)];
                if lower != 0 {
                    if word.is_none() {
                        out.start_word();
                        word = Some((i, true));
                    }
                    out.text.push(lower);
                    i += 1;
                    continue;
                }
                (false, 1)
            } else {
                let c = text[i..]
                    .chars()
                    .next()
                    .unwrap_or(char::REPLACEMENT_CHARACTER);
                (c.is_alphanumeric(), c.len_utf8())
            };
            if is_word_char {
                match &mut word {
                    Some((_, ascii)) => *ascii = false,
                    None => {
                        out.start_word();
                        word = Some((i, false));
                    }
                }
            } else if let Some((from, ascii)) = word.take() {
                if !ascii {
                    out.relower_last_word(&text[from..i]);
                }
            }
            i += len;
        }
        if let Some((from, false)) = word {
            out.relower_last_word(&text[from..]);
        }
        out
    }

    fn start_word(&mut self) {
        if !self.text.is_empty() {
            self.text.push(b' ');
        }
        self.starts.push(self.text.len());
    }

    /// Replaces the last word (copied with only its ASCII bytes) by `word` lower-cased.
    fn relower_last_word(&mut self, word: &str) {
        let from = self.starts.last().copied().unwrap_or(0);
        self.text.truncate(from);
        if word.contains('Σ') {
            // Only capital sigma lower-cases by context; leave it to the standard library.
            self.text.extend_from_slice(word.to_lowercase().as_bytes());
        } else {
            let mut buf = [0u8; 4];
            for c in word.chars().flat_map(char::to_lowercase) {
                self.text
                    .extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
            }
        }
    }

    /// The bytes of words `first..end` with the spaces between them.
    fn span(&self, first: usize, end: usize) -> &[u8] {
        let from = self.starts[first];
        let to = self
            .starts
            .get(end)
            .map_or(self.text.len(), |&next| next - 1);
        &self.text[from..to]
    }

    fn simhash(&self) -> Simhash {
        let words = self.starts.len();
        let mut ones = BitCounts::new();
        if words < SHINGLE_WORDS {
            if words > 0 {
                ones.add(hash_shingle(self.span(0, words)));
            }
        } else {
            // Every byte belongs to up to three shingles (the ones starting at its word
            // and at the two before). Hashing them side by side, one byte at a time,
            // gives the processor three independent multiplication chains instead of
            // one: FNV-1a is a chain of dependent multiplications, slow by latency.
            let bytes = &self.text;
            // States of the shingles starting two words back, one back, and here.
            let (mut back2, mut back1) = (FNV_OFFSET, FNV_OFFSET);
            for (k, &from) in self.starts.iter().enumerate() {
                let to = self.starts.get(k + 1).map_or(bytes.len(), |&next| next - 1);
                let mut here = FNV_OFFSET;
                if k > 0 {
                    // The space before this word, in the two shingles already open.
                    back2 = fnv1a_step(back2, b' ');
                    back1 = fnv1a_step(back1, b' ');
                }
                for &b in &bytes[from..to] {
                    back2 = fnv1a_step(back2, b);
                    back1 = fnv1a_step(back1, b);
                    here = fnv1a_step(here, b);
                }
                if k + 1 >= SHINGLE_WORDS {
                    ones.add(finish_shingle(back2));
                }
                (back2, back1) = (back1, here);
            }
        }
        ones.majority()
    }
}

/// How often each of the 64 bits was set over the shingle hashes added: the simhash has a
/// bit set where more than half of them did (the weight +1 per set bit, -1 per clear bit
/// of the textbook formulation, summed, is positive).
///
/// Counting 64 bits one by one was the most expensive part of fingerprinting; here each
/// byte of a hash is spread by a table into eight one-byte counters packed in a `u64`, so
/// one addition counts eight bits. The byte counters are moved into `u32`s before they
/// can overflow.
struct BitCounts {
    lanes: [u64; 8],
    in_lanes: u32,
    counts: [u64; 64],
    added: u64,
}

/// `SPREAD[b]` has byte `j` set to bit `j` of `b`.
const SPREAD: [u64; 256] = {
    let mut table = [0u64; 256];
    let mut b = 0;
    while b < 256 {
        let mut j = 0;
        while j < 8 {
            table[b] |= ((b as u64 >> j) & 1) << (8 * j);
            j += 1;
        }
        b += 1;
    }
    table
};

impl BitCounts {
    fn new() -> BitCounts {
        BitCounts {
            lanes: [0; 8],
            in_lanes: 0,
            counts: [0; 64],
            added: 0,
        }
    }

    fn add(&mut self, hash: u64) {
        for (i, lane) in self.lanes.iter_mut().enumerate() {
            *lane += SPREAD[(hash >> (8 * i)) as u8 as usize];
        }
        self.added += 1;
        self.in_lanes += 1;
        if self.in_lanes == u32::from(u8::MAX) {
            self.drain();
        }
    }

    fn drain(&mut self) {
        for (i, lane) in self.lanes.iter_mut().enumerate() {
            for j in 0..8 {
                self.counts[8 * i + j] += u64::from((*lane >> (8 * j)) as u8);
            }
            *lane = 0;
        }
        self.in_lanes = 0;
    }

    fn majority(mut self) -> Simhash {
        self.drain();
        let mut hash = 0u64;
        for (bit, &count) in self.counts.iter().enumerate() {
            if count.saturating_mul(2) > self.added {
                hash |= 1 << bit;
            }
        }
        Simhash(hash)
    }
}

const FNV_OFFSET: u64 = 0xcbf2_9ce4_8422_2325;

/// FNV-1a over a shingle's bytes (words joined by single spaces), then a SplitMix64
/// finaliser so that similar shingles spread over all 64 bits. Hand-written so the hash
/// never changes under us: simhashes are stored.
fn hash_shingle(bytes: &[u8]) -> u64 {
    finish_shingle(fnv1a(FNV_OFFSET, bytes))
}

/// FNV-1a of `bytes`, continuing from state `h`.
fn fnv1a(h: u64, bytes: &[u8]) -> u64 {
    bytes.iter().fold(h, |h, &b| fnv1a_step(h, b))
}

#[inline(always)]
fn fnv1a_step(h: u64, byte: u8) -> u64 {
    (h ^ u64::from(byte)).wrapping_mul(0x0000_0100_0000_01b3)
}

/// The SplitMix64 finaliser applied to a shingle's FNV-1a state.
fn finish_shingle(mut h: u64) -> u64 {
    h = (h ^ (h >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    h = (h ^ (h >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    h ^ (h >> 31)
}

/// In-memory index of the simhashes of original (non-duplicate) articles.
#[derive(Debug)]
pub struct NearIndex {
    max_distance: u32,
    /// (shift, mask) of each block; empty when there are too many blocks to be useful, in
    /// which case lookups scan every entry.
    blocks: Vec<(u32, u64)>,
    /// Tables per block: block value → positions in `entries`.
    tables: Vec<IdMap<Vec<u32>>>,
    entries: Vec<Option<Entry>>,
    /// Article id (as a number) → position in `entries`.
    positions: IdMap<u32>,
}

#[derive(Debug, Clone, Copy)]
struct Entry {
    hash: u64,
    id: ArticleId,
    /// Tie-break between equally close originals: the earlier first sighting wins.
    rank: i64,
}

/// Above this many blocks each block is too short to narrow anything down.
const MAX_BLOCKS: u32 = 16;

/// The blocks (shift, mask) that hashes within `max_distance` of each other share at
/// least one of (pigeonhole): `max_distance + 1` of them, as even as possible; none when
/// there would be more than [`MAX_BLOCKS`], and every hash must then be compared.
pub(crate) fn blocks(max_distance: u32) -> Vec<(u32, u64)> {
    let count = max_distance.saturating_add(1);
    let mut blocks = Vec::new();
    if count <= MAX_BLOCKS {
        let mut shift = 0;
        for i in 0..count {
            // Spread 64 bits as evenly as possible: the first 64 % count blocks get
            // one extra bit.
            let width = 64 / count + u32::from(i < 64 % count);
            let mask = if width == 64 {
                u64::MAX
            } else {
                (1u64 << width) - 1
            };
            blocks.push((shift, mask));
            shift += width;
        }
    }
    blocks
}

impl NearIndex {
    pub fn new(max_distance: u32) -> NearIndex {
        let blocks = blocks(max_distance);
        NearIndex {
            max_distance,
            tables: vec![IdMap::default(); blocks.len()],
            blocks,
            entries: Vec::new(),
            positions: IdMap::default(),
        }
    }

    pub fn max_distance(&self) -> u32 {
        self.max_distance
    }

    pub fn len(&self) -> usize {
        self.positions.len()
    }

    pub fn is_empty(&self) -> bool {
        self.positions.is_empty()
    }

    /// Every indexed original: (id, simhash, rank).
    pub fn iter(&self) -> impl Iterator<Item = (ArticleId, Simhash, i64)> + '_ {
        self.entries
            .iter()
            .flatten()
            .map(|e| (e.id, Simhash(e.hash), e.rank))
    }

    /// Approximate heap bytes held.
    pub fn memory_bytes(&self) -> usize {
        let table =
            |buckets: usize, entry: usize| (buckets * 8 / 7).next_power_of_two() * (entry + 1);
        let lists: usize = self
            .tables
            .iter()
            .map(|t| {
                table(t.capacity(), std::mem::size_of::<(u64, Vec<u32>)>())
                    + t.values().map(|l| l.capacity() * 4).sum::<usize>()
            })
            .sum();
        self.entries.capacity() * std::mem::size_of::<Option<Entry>>()
            + table(self.positions.capacity(), std::mem::size_of::<(u64, u32)>())
            + lists
    }

    /// Room for `originals` more without growing (at open).
    pub fn reserve(&mut self, originals: usize) {
        self.entries.reserve(originals);
        self.positions.reserve(originals);
    }

    pub fn insert(&mut self, hash: Simhash, id: ArticleId, rank: i64) {
        self.remove(id);
        let Ok(pos) = u32::try_from(self.entries.len()) else {
            // Four billion originals: stop indexing rather than wrap around.
            tracing::warn!("near-duplicate index full; new articles are only deduplicated exactly");
            return;
        };
        self.entries.push(Some(Entry {
            hash: hash.0,
            id,
            rank,
        }));
        self.positions.insert(id_key(id), pos);
        for (table, &(shift, mask)) in self.tables.iter_mut().zip(&self.blocks) {
            table.entry(hash.0 >> shift & mask).or_default().push(pos);
        }
    }

    pub fn remove(&mut self, id: ArticleId) {
        let Some(pos) = self.positions.remove(&id_key(id)) else {
            return;
        };
        if let Some(Some(entry)) = self.entries.get(pos as usize).copied() {
            for (table, &(shift, mask)) in self.tables.iter_mut().zip(&self.blocks) {
                let key = entry.hash >> shift & mask;
                if let Some(list) = table.get_mut(&key) {
                    list.retain(|&p| p != pos);
                    if list.is_empty() {
                        table.remove(&key);
                    }
                }
            }
            self.entries[pos as usize] = None;
        }
    }

    /// The closest indexed original within the distance, other than `exclude`.
    pub fn nearest(&self, hash: Simhash, exclude: ArticleId) -> Option<(ArticleId, u32)> {
        self.nearest_where(hash, |id| id != exclude)
            .map(|m| (m.id, m.distance))
    }

    /// The best match within the distance among the originals `keep` accepts: the closest,
    /// then the earliest seen, then the lowest id (so that the choice never depends on
    /// insertion order, and matches from two indexes compare with `min`).
    pub fn nearest_where(
        &self,
        hash: Simhash,
        keep: impl Fn(ArticleId) -> bool,
    ) -> Option<NearMatch> {
        let mut best: Option<NearMatch> = None;
        let mut consider = |entry: &Entry| {
            let distance = (entry.hash ^ hash.0).count_ones();
            if distance > self.max_distance || !keep(entry.id) {
                return;
            }
            let candidate = NearMatch {
                distance,
                rank: entry.rank,
                id: entry.id,
            };
            if best.is_none_or(|b| candidate < b) {
                best = Some(candidate);
            }
        };
        if self.blocks.is_empty() {
            self.entries.iter().flatten().for_each(&mut consider);
        } else {
            for (table, &(shift, mask)) in self.tables.iter().zip(&self.blocks) {
                if let Some(list) = table.get(&(hash.0 >> shift & mask)) {
                    for &pos in list {
                        if let Some(Some(entry)) = self.entries.get(pos as usize) {
                            consider(entry);
                        }
                    }
                }
            }
        }
        best
    }
}

fn id_key(id: ArticleId) -> u64 {
    u64::from_be_bytes(id.to_bytes())
}

/// A near-duplicate candidate; ordered best first (field order matters for `Ord`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct NearMatch {
    pub distance: u32,
    /// First sighting, µs since the epoch: the earlier original wins a tie.
    pub rank: i64,
    pub id: ArticleId,
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A wire story of typical length (~330 words); reprints add datelines and credits.
    pub(crate) const STORY: &str = "The foreign ministers of both countries met in Geneva on \
        Tuesday to discuss the draft peace agreement, according to a statement released after \
        the talks. The parties agreed to continue consultations at the level of working groups \
        and to meet again before the end of the year.

        Observers noted that the tone of the meeting was constructive, although several \
        questions, including border delimitation and the opening of transport links, remain \
        unresolved. Both delegations thanked the Swiss government for hosting the talks and \
        for its support of the process over the past two years.

        According to the statement, the ministers discussed the return of detained persons, \
        the exchange of information on missing people and the removal of mines from \
        agricultural land near the former line of contact. Experts from both sides will meet \
        next month to prepare maps of the areas concerned and to agree on a schedule of work.

        The head of one delegation told journalists after the meeting that the agreement was \
        closer than ever, but warned that the remaining issues were the most difficult ones. \
        He said that public opinion in both countries had to be prepared for compromises and \
        that civil society organisations had an important role to play in this work.

        International mediators welcomed the meeting and called on the parties to refrain \
        from statements that could undermine trust. The European Union and the United States \
        said they were ready to support the implementation of any agreement, including through \
        funding for the reconstruction of roads, railways and border crossings.

        The next round of talks is expected to take place in Vienna in December. The date \
        will be announced after consultations between the foreign ministries, the statement \
        said. Analysts said that a framework document could be signed early next year if the \
        working groups manage to settle the questions of delimitation and transport.";

    #[test]
    fn normalisation_ignores_layout_case_and_punctuation_only() {
        assert_eq!(normalise_text("  A\n\nb,\t «c»  "), "a b c");
        assert_eq!(
            text_sha256("He said: \"yes\" -- twice.\n\nThen left."),
            text_sha256("He said: “Yes” — twice. Then left.")
        );
        assert_ne!(text_sha256("a b"), text_sha256("b a"));
        assert_ne!(text_sha256("6,319 stations"), text_sha256("6,318 stations"));
    }

    #[test]
    fn reprint_with_dateline_is_near_and_other_story_is_far() {
        let (a, words) = simhash(STORY);
        assert!(words > 50);
        // A reprint that fixed one word and re-wrapped the lines.
        let reprint = STORY.replace("Tuesday", "Wednesday").replace(". ", ".\n");
        let (b, _) = simhash(&reprint);
        assert!(a.distance(b) <= 6, "distance {}", a.distance(b));
        let other = "Heavy rain caused flooding in several districts of the capital on \
            Monday night, the emergency ministry said, adding that rescuers evacuated dozens \
            of residents and that traffic on two main roads was suspended until the morning.";
        let (c, _) = simhash(other);
        assert!(a.distance(c) > 10, "distance {}", a.distance(c));
    }

    #[test]
    fn fingerprint_agrees_with_the_separate_hashes() {
        let (sha, sim, words) = fingerprint(STORY);
        assert_eq!(sha, text_sha256(STORY));
        assert_eq!((sim, words), simhash(STORY));
    }

    #[test]
    fn simhash_is_case_and_punctuation_insensitive_and_stable() {
        let (a, _) = simhash("Hello, World! This is it.");
        let (b, _) = simhash("hello world this is it");
        assert_eq!(a, b);
        // Stored hashes must never change between builds.
        assert_eq!(simhash("").0, Simhash(0));
        assert_eq!(hash_shingle(b"a b"), hash_shingle(b"a b"));
    }

    /// The word-per-`String` implementation the stored hashes were first computed with.
    mod reference {
        use super::super::*;

        fn words(text: &str) -> Vec<String> {
            text.split(|c: char| !c.is_alphanumeric())
                .filter(|w| !w.is_empty())
                .map(str::to_lowercase)
                .collect()
        }

        fn hash_words(words: &[String]) -> u64 {
            let mut h: u64 = 0xcbf2_9ce4_8422_2325;
            for (i, word) in words.iter().enumerate() {
                if i > 0 {
                    h ^= 0x20;
                    h = h.wrapping_mul(0x0000_0100_0000_01b3);
                }
                for &b in word.as_bytes() {
                    h ^= u64::from(b);
                    h = h.wrapping_mul(0x0000_0100_0000_01b3);
                }
            }
            h = (h ^ (h >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
            h = (h ^ (h >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
            h ^ (h >> 31)
        }

        pub fn simhash(text: &str) -> Simhash {
            let words = words(text);
            let mut weights = [0i64; 64];
            let mut add = |h: u64| {
                for (bit, weight) in weights.iter_mut().enumerate() {
                    if h >> bit & 1 == 1 {
                        *weight += 1;
                    } else {
                        *weight -= 1;
                    }
                }
            };
            if words.len() < SHINGLE_WORDS {
                if !words.is_empty() {
                    add(hash_words(&words));
                }
            } else {
                for shingle in words.windows(SHINGLE_WORDS) {
                    add(hash_words(shingle));
                }
            }
            let mut hash = 0u64;
            for (bit, weight) in weights.iter().enumerate() {
                if *weight > 0 {
                    hash |= 1 << bit;
                }
            }
            Simhash(hash)
        }

        pub fn normalise_text(text: &str) -> String {
            words(text).join(" ")
        }
    }

    #[test]
    fn hashes_equal_the_original_implementation() {
        let texts = [
            String::new(),
            "one".into(),
            "One, two!".into(),
            "  leading and trailing  ".into(),
            STORY.into(),
            STORY.repeat(5),
            "Выборы в Баку: наблюдатели ОБСЕ сообщили о НАРУШЕНИЯХ на 12 участках.".into(),
            "Azərbaycan İnsan Hüquqları Mərkəzi ŞƏHƏR seçkiləri haqqında hesabat yayıb.".into(),
            "ΟΔΟΣ ΣΟΦΟΚΛΕΟΥΣ: ο Σωκράτης ΈΦΥΓΕ. ΣΣ Σ".into(),
            "ǅemal ǈubljana ﬁnal ß ẞ İstanbul K ΐ".into(),
            "a—b–c «d» \"e\" 1,000.5 x2 ① ²".into(),
            // Words mixing scripts, non-ASCII separators, combining marks, emoji.
            "abcДЕФ ghi\u{a0}JKL\u{2009}mno e\u{301}te 1\u{fe0f}\u{20e3} x🙂y Ǆ".into(),
            "ΣΑΣ abcΣ Σabc. ΣΣ\u{a0}Σ word ".repeat(3),
            "Trailing-space word list, four five six seven eight nine ten !".into(),
        ];
        for text in &texts {
            assert_eq!(
                normalise_text(text),
                reference::normalise_text(text),
                "{text:?}"
            );
            assert_eq!(simhash(text).0, reference::simhash(text), "{text:?}");
            let (sha, sim, words) = fingerprint(text);
            assert_eq!(sha, text_sha256(text));
            assert_eq!(sim, reference::simhash(text));
            assert_eq!(
                words,
                reference::normalise_text(text)
                    .split(' ')
                    .filter(|w| !w.is_empty())
                    .count()
            );
        }
    }

    #[test]
    fn hashes_equal_the_original_implementation_on_mixed_fragments() {
        // Pieces that meet at every kind of boundary: ASCII and non-ASCII letters inside
        // one word, non-ASCII separators, context-dependent sigma, combining marks.
        const PIECES: &[&str] = &[
            "Word",
            "x",
            "42",
            " ",
            ", ",
            ".\n\n",
            "\u{a0}",
            "—",
            "Выборы",
            "ЖЖ",
            "Σ",
            "ΟΔΟΣ",
            "şəhər",
            "İ",
            "e\u{301}",
            "ß",
            "🙂",
            "'",
            "ǅ",
            "-",
            "ABC",
            "\t",
            "١٢",
        ];
        let mut state = 0x2545_f491_4f6c_dd1du64;
        for _ in 0..300 {
            let mut text = String::new();
            for _ in 0..(state % 60) {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                text.push_str(PIECES[(state % PIECES.len() as u64) as usize]);
            }
            assert_eq!(
                normalise_text(&text),
                reference::normalise_text(&text),
                "{text:?}"
            );
            assert_eq!(simhash(&text).0, reference::simhash(&text), "{text:?}");
        }
    }

    #[test]
    fn index_finds_within_distance_only() {
        for max in [0, 1, 3, 7, 20, 63] {
            let mut index = NearIndex::new(max);
            let base = 0x0123_4567_89ab_cdefu64;
            let a = ArticleId::for_url("a");
            index.insert(Simhash(base), a, 0);
            let me = ArticleId::for_url("me");
            // Flip bits spread across blocks.
            let mut probe = base;
            for i in 0..max.min(64) {
                probe ^= 1 << ((i * 37) % 64);
            }
            assert_eq!(
                index.nearest(Simhash(probe), me).map(|(id, _)| id),
                Some(a),
                "max {max}"
            );
            if max < 63 {
                let far = probe ^ (1 << ((max * 37 + 11) % 64)) ^ !0u64;
                if Simhash(far).distance(Simhash(base)) > max {
                    assert_eq!(index.nearest(Simhash(far), me), None, "max {max}");
                }
            }
            assert_eq!(index.nearest(Simhash(base), a), None, "excludes itself");
            index.remove(a);
            assert_eq!(index.nearest(Simhash(base), me), None);
            assert!(index.is_empty());
        }
    }

    #[test]
    fn nearest_prefers_closer_then_earlier() {
        let mut index = NearIndex::new(3);
        let (early, late, close) = (
            ArticleId::for_url("early"),
            ArticleId::for_url("late"),
            ArticleId::for_url("close"),
        );
        index.insert(Simhash(0b11), late, 20);
        index.insert(Simhash(0b11), early, 10);
        let me = ArticleId::for_url("me");
        assert_eq!(index.nearest(Simhash(0), me), Some((early, 2)));
        index.insert(Simhash(0b1), close, 30);
        assert_eq!(index.nearest(Simhash(0), me), Some((close, 1)));
    }
}
