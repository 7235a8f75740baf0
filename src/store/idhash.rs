//! Hash maps keyed by a `u64` that needs no SipHash: article ids and text hashes (already
//! uniformly distributed) and simhash blocks (small numbers).
//!
//! The in-memory indexes hold millions of such keys and are rebuilt at every open; with
//! the standard library's DoS-resistant SipHash, hashing was a visible share of an upsert
//! and of the rebuild. None of these keys can be chosen by an attacker to collide: ids and
//! text keys are SHA-256 prefixes, and simhash blocks are bounded to 2^16 values per table.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

/// Multiplies the key by a large odd constant (Fibonacci hashing): one instruction, and
/// every key bit reaches the high bits the hash table uses to tell keys apart.
#[derive(Debug, Default, Clone, Copy)]
pub(crate) struct IdHasher(u64);

impl Hasher for IdHasher {
    fn finish(&self) -> u64 {
        self.0.wrapping_mul(0x9e37_79b9_7f4a_7c15)
    }
    fn write(&mut self, bytes: &[u8]) {
        // Only `write_u64` is used by the maps below; FNV-1a keeps anything else correct.
        for &b in bytes {
            self.0 = (self.0 ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3);
        }
    }
    fn write_u64(&mut self, n: u64) {
        self.0 = n;
    }
}

/// A map keyed by a `u64` hashed with [`IdHasher`].
pub(crate) type IdMap<V> = HashMap<u64, V, BuildHasherDefault<IdHasher>>;
