//! The seen-set of a crawl cycle: every URL it added to its frontier, as 64-bit hashes.
//!
//! A crawl of a large site meets each URL hundreds of times (every page links the same
//! menus) and millions of distinct URLs; the set answers "known?" for each link without
//! touching the disk and costs 8 bytes per URL plus the table's slack. It is an
//! open-addressing table of `u64` in 64 shards, each of which grows on its own by a
//! quarter, at staggered moments: growing never needs twice the whole table, and the
//! tables stay 70-87 % full (about 10 bytes a URL) instead of 44-87 % when they double.
//! (std's `HashSet<u64>` costs 9 bytes a slot at up to 87.5 % load and doubles all at once;
//! a URL's hash is already uniform, so no hasher is needed.)
//!
//! Durably, a cycle's hashes are chunks of sorted, delta-encoded hashes written with the
//! commits that added them (see [`encode_chunk`]), merged as they accumulate; reopening a
//! crawl reads them back.
//!
//! The hashes are SipHash-1-3 of the URL under keys drawn once per database, so they are
//! stable across runs but cannot be predicted by a site trying to make its URLs collide.
//! At 64 bits, a crawl of ten million URLs has a chance of about 3 in a million that two
//! of its URLs collide at all (the second would not be fetched).

use std::hash::Hasher;

use serde::{Deserialize, Serialize};
use siphasher::sip::SipHasher13;

use crate::store::error::{Result, StoreError};

/// Keys of the URL hash, drawn when the database is created.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct HashKeys(pub u64, pub u64);

impl HashKeys {
    pub fn random() -> HashKeys {
        HashKeys(rand::random(), rand::random())
    }

    /// The hash of a URL (never 0, which marks an empty slot).
    pub fn url(&self, url: &str) -> u64 {
        let mut hasher = SipHasher13::new_with_keys(self.0, self.1);
        hasher.write(url.as_bytes());
        hasher.finish().max(1)
    }
}

const SHARD_BITS: u32 = 6;
const SHARDS: usize = 1 << SHARD_BITS;
/// A shard grows when it is this full (in 1/8): 7/8 keeps probes short with linear
/// probing on uniform keys while wasting little.
const MAX_LOAD_EIGHTHS: usize = 7;
/// Slots of a shard's first table.
const FIRST_SLOTS: f64 = 64.0;
/// Each table of a shard is this much larger than the one before.
///
/// Tables that doubled were 44-87 % full, 60 % at ten million URLs (128 MiB of slots for
/// 76 MiB of hashes, `examples/bench_frontier`); steps of a quarter keep them 70-87 %
/// full, 10.2 bytes a URL on average, for four rehashes of each hash instead of one
/// (a rehash is a few nanoseconds, a push a few microseconds).
const GROWTH: f64 = 1.25;

/// Slots of shard `shard`'s table at `step`: the steps of shard `s` are offset by `s/64`
/// of a step, so the shards, which fill at the same pace because the hashes are uniform,
/// grow one after another and the whole set grows by about 0.4 % at a time instead of by
/// a quarter at once.
fn slots_at(shard: usize, step: u8) -> usize {
    let exponent = f64::from(step) + shard as f64 / SHARDS as f64;
    (FIRST_SLOTS * GROWTH.powf(exponent)) as usize
}

/// Whether a table of `slots` slots holds `len` hashes within the load limit.
fn fits(len: usize, slots: usize) -> bool {
    len * 8 <= slots * MAX_LOAD_EIGHTHS
}

/// A set of non-zero `u64` hashes.
#[derive(Debug, Default)]
pub struct SeenSet {
    shards: Vec<Shard>,
    len: usize,
}

#[derive(Debug, Default, Clone)]
struct Shard {
    /// Open addressing with linear probing; 0 is an empty slot. A hash's home slot is its
    /// high bits scaled to the table's size (any size, not only a power of two).
    slots: Vec<u64>,
    len: usize,
    /// The step of the table's size (see [`slots_at`]) the next growth takes.
    step: u8,
}

impl Shard {
    /// The slot holding `hash`, or the empty slot where it would go. The table has a slot
    /// free (its load is below 1).
    fn find(&self, hash: u64) -> usize {
        let n = self.slots.len();
        // The low bits chose the shard; the high ones choose the slot.
        let mut i = ((u128::from(hash) * n as u128) >> 64) as usize;
        loop {
            let slot = self.slots[i];
            if slot == hash || slot == 0 {
                return i;
            }
            i += 1;
            if i == n {
                i = 0;
            }
        }
    }

    /// Moves the hashes to the smallest table of the shard's next steps that holds `len`.
    fn grow_to_hold(&mut self, shard: usize, len: usize) {
        let mut slots = slots_at(shard, self.step);
        self.step += 1;
        while !fits(len, slots) {
            slots = slots_at(shard, self.step);
            self.step += 1;
        }
        let old = std::mem::replace(&mut self.slots, vec![0; slots]);
        // Home slots grow with the hash, so the old table's order is nearly the new
        // table's: the writes below go mostly forward.
        for hash in old.into_iter().filter(|&h| h != 0) {
            let i = self.find(hash);
            self.slots[i] = hash;
        }
    }
}

impl SeenSet {
    pub fn new() -> SeenSet {
        SeenSet {
            shards: vec![Shard::default(); SHARDS],
            len: 0,
        }
    }

    /// An empty set sized for `expected` hashes (a crawl's seen-set read back from its
    /// chunks), so that filling it moves no hash.
    pub fn with_capacity(expected: usize) -> SeenSet {
        let mut set = SeenSet::new();
        let per_shard = expected / SHARDS;
        // A shard's share varies by about its square root: room for four of those.
        let room = per_shard + 4 * per_shard.isqrt() + 1;
        if expected > 0 {
            for (s, shard) in set.shards.iter_mut().enumerate() {
                shard.grow_to_hold(s, room);
            }
        }
        set
    }

    fn shard(&self, hash: u64) -> usize {
        hash as usize & (SHARDS - 1)
    }

    pub fn contains(&self, hash: u64) -> bool {
        let shard = &self.shards[self.shard(hash)];
        !shard.slots.is_empty() && shard.slots[shard.find(hash)] == hash
    }

    /// Adds `hash`; false when it was there already.
    pub fn insert(&mut self, hash: u64) -> bool {
        debug_assert_ne!(hash, 0, "0 marks an empty slot");
        let s = self.shard(hash);
        let shard = &mut self.shards[s];
        if !fits(shard.len + 1, shard.slots.len()) {
            shard.grow_to_hold(s, shard.len + 1);
        }
        let i = shard.find(hash);
        if shard.slots[i] == hash {
            return false;
        }
        shard.slots[i] = hash;
        shard.len += 1;
        self.len += 1;
        true
    }

    pub fn len(&self) -> usize {
        self.len
    }

    /// Heap bytes held.
    pub fn memory_bytes(&self) -> usize {
        self.shards.iter().map(|s| s.slots.len() * 8).sum()
    }
}

/// Hashes in a chunk before merging stops making chunks bigger: large enough that ten
/// million URLs are a dozen chunks, small enough that one is a modest sled value.
pub const MAX_CHUNK: usize = 1 << 20;

/// Encodes hashes as a chunk: sorted, each as the varint of its difference from the one
/// before. Uniform 64-bit hashes of n URLs differ by about 2^64 / n, so a chunk costs
/// about 8 - log256(n) bytes a hash (6 bytes at ten million).
pub fn encode_chunk(hashes: &mut [u64]) -> Vec<u8> {
    hashes.sort_unstable();
    let mut out = Vec::with_capacity(hashes.len() * 7 + 8);
    put_varint(&mut out, hashes.len() as u64);
    let mut previous = 0u64;
    for &h in hashes.iter() {
        put_varint(&mut out, h.wrapping_sub(previous));
        previous = h;
    }
    out
}

/// Decodes a chunk written by [`encode_chunk`], calling `each` for every hash.
pub fn decode_chunk(bytes: &[u8], key: &[u8], mut each: impl FnMut(u64)) -> Result<usize> {
    let corrupt = |detail: &str| StoreError::Corrupt {
        what: "frontier seen-set chunk",
        key: crate::store::keys::display(key),
        detail: detail.to_string(),
    };
    let mut at = 0;
    let count = get_varint(bytes, &mut at).ok_or_else(|| corrupt("no count"))?;
    let mut previous = 0u64;
    for _ in 0..count {
        let delta = get_varint(bytes, &mut at).ok_or_else(|| corrupt("truncated"))?;
        previous = previous.wrapping_add(delta);
        each(previous);
    }
    if at != bytes.len() {
        return Err(corrupt("trailing bytes"));
    }
    usize::try_from(count).map_err(|_| corrupt("count too large"))
}

fn put_varint(out: &mut Vec<u8>, mut n: u64) {
    while n >= 0x80 {
        out.push((n as u8) | 0x80);
        n >>= 7;
    }
    out.push(n as u8);
}

fn get_varint(bytes: &[u8], at: &mut usize) -> Option<u64> {
    let mut n = 0u64;
    for shift in (0..64).step_by(7) {
        let byte = *bytes.get(*at)?;
        *at += 1;
        n |= u64::from(byte & 0x7f) << shift;
        if byte & 0x80 == 0 {
            return Some(n);
        }
    }
    None
}

/// Which of the last chunks a new chunk of `new` hashes absorbs: a chunk no larger than
/// what it would be merged with is merged (like carries in a binary counter), so chunks
/// shrink from oldest to newest, there are O(log n) of them, and each hash is rewritten
/// O(log n) times. Returns how many of the trailing chunks (sizes in `chunks`, oldest
/// first) to merge with it.
pub fn chunks_to_merge(chunks: &[usize], new: usize) -> usize {
    let mut merged = new;
    let mut taken = 0;
    for &size in chunks.iter().rev() {
        if size > merged || size + merged > MAX_CHUNK {
            break;
        }
        merged += size;
        taken += 1;
    }
    taken
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_set_answers_like_a_hash_set_through_growth() {
        let mut set = SeenSet::new();
        let mut reference = std::collections::HashSet::new();
        let mut x = 0x1234_5678_9abc_def1u64;
        for i in 0..200_000u64 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            // Re-insert some earlier values too.
            let h = if i % 5 == 0 { (i / 5).max(1) } else { x.max(1) };
            assert_eq!(set.insert(h), reference.insert(h), "insert {h}");
        }
        assert_eq!(set.len(), reference.len());
        for &h in &reference {
            assert!(set.contains(h));
        }
        assert!(!set.contains(0xdead_beef_0000_0001) || reference.contains(&0xdead_beef_0000_0001));
        // 8 bytes a hash over a load of at least 7/8 / 1.25 = 70 %, plus a shard's share
        // of random variation.
        assert!(set.memory_bytes() <= reference.len() * 8 * 10 / 7 + SHARDS * 1024);
    }

    fn xorshift(x: &mut u64) -> u64 {
        *x ^= *x << 13;
        *x ^= *x >> 7;
        *x ^= *x << 17;
        (*x).max(1)
    }

    #[test]
    fn the_set_grows_in_small_steps_and_stays_mostly_full() {
        let mut set = SeenSet::new();
        let mut x = 0x0bad_cafe_1234_5678u64;
        let mut members = Vec::new();
        let mut previous = set.memory_bytes();
        for i in 1..=400_000usize {
            let h = xorshift(&mut x);
            assert!(set.insert(h));
            members.push(h);
            let now = set.memory_bytes();
            if i >= 50_000 {
                // One shard's table at a time, a quarter larger: under 1 % of the set.
                assert!(now - previous <= now / 100, "{previous} -> {now} at {i}");
                // Tables between 70 % and 87.5 % full, give or take the shards' spread.
                let load = i as f64 * 8.0 / now as f64;
                assert!((0.66..=0.875).contains(&load), "load {load:.3} at {i}");
            }
            previous = now;
        }
        // Membership stays exact across every resize.
        assert!(members.iter().all(|&h| set.contains(h)));
        assert!(members.iter().all(|&h| !set.insert(h)));
        let mut y = 0x7777_1111_2222_3333u64;
        let strangers = (0..100_000).map(|_| xorshift(&mut y));
        assert_eq!(strangers.filter(|&h| set.contains(h)).count(), 0);
    }

    #[test]
    fn a_set_read_back_from_its_chunks_is_sized_once_and_answers_the_same() {
        let mut x = 42u64;
        let mut hashes: Vec<u64> = (0..150_000).map(|_| xorshift(&mut x)).collect();
        let mut original = SeenSet::new();
        for &h in &hashes {
            original.insert(h);
        }
        // Two chunks, as a crawl writes them; read back into a set sized for both.
        let (a, b) = hashes.split_at_mut(100_000);
        let chunks = [encode_chunk(a), encode_chunk(b)];
        let mut back = SeenSet::with_capacity(150_000);
        let sized = back.memory_bytes();
        for chunk in &chunks {
            decode_chunk(chunk, b"k", |h| {
                back.insert(h);
            })
            .expect("decodes");
        }
        assert_eq!(
            back.memory_bytes(),
            sized,
            "no table grew while reading back"
        );
        assert!(sized <= 150_000 * 8 * 10 / 7 + SHARDS * 1024);
        assert_eq!(back.len(), original.len());
        assert!(hashes.iter().all(|&h| back.contains(h)));
        let mut y = 9u64;
        for _ in 0..50_000 {
            let h = xorshift(&mut y);
            assert_eq!(back.contains(h), original.contains(h));
        }
        assert_eq!(SeenSet::with_capacity(0).memory_bytes(), 0);
    }

    #[test]
    fn url_hashes_depend_on_the_keys_and_are_never_zero() {
        let a = HashKeys(1, 2);
        let b = HashKeys(3, 4);
        assert_eq!(a.url("https://x.test/"), a.url("https://x.test/"));
        assert_ne!(a.url("https://x.test/"), b.url("https://x.test/"));
        assert_ne!(a.url("https://x.test/"), a.url("https://x.test/a"));
        assert_ne!(a.url(""), 0);
    }

    #[test]
    fn chunks_round_trip_and_reject_damage() {
        let mut hashes: Vec<u64> = vec![u64::MAX, 1, 77, 1 << 40, 5];
        let bytes = encode_chunk(&mut hashes);
        let mut back = Vec::new();
        assert_eq!(
            decode_chunk(&bytes, b"k", |h| back.push(h)).expect("decodes"),
            5
        );
        assert_eq!(back, [1, 5, 77, 1 << 40, u64::MAX]);
        assert!(decode_chunk(&bytes[..bytes.len() - 1], b"k", |_| {}).is_err());
        let mut longer = bytes.clone();
        longer.push(0);
        assert!(decode_chunk(&longer, b"k", |_| {}).is_err());
        assert_eq!(
            decode_chunk(&encode_chunk(&mut []), b"k", |_| {}).expect("empty"),
            0
        );
    }

    #[test]
    fn merging_keeps_chunks_few_and_bounded() {
        // Table: existing chunk sizes (oldest first), new chunk → chunks merged.
        let cases: &[(&[usize], usize, usize)] = &[
            (&[], 10, 0),
            (&[10], 10, 1),
            (&[40, 10], 10, 1),
            (&[40, 20], 10, 0),
            (&[20, 10], 10, 2),
            (&[100], 10, 0),
            (&[MAX_CHUNK - 5], 10, 0),
        ];
        for &(chunks, new, expected) in cases {
            assert_eq!(chunks_to_merge(chunks, new), expected, "{chunks:?} + {new}");
        }
        // Simulated: 10 000 commits of 100 hashes stay in O(log) chunks.
        let mut chunks: Vec<usize> = Vec::new();
        for _ in 0..10_000 {
            let take = chunks_to_merge(&chunks, 100);
            let merged: usize = chunks.drain(chunks.len() - take..).sum::<usize>() + 100;
            chunks.push(merged);
        }
        assert!(chunks.len() <= 20, "{} chunks", chunks.len());
        assert_eq!(chunks.iter().sum::<usize>(), 1_000_000);
    }
}
