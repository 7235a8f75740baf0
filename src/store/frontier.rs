//! The persistent frontier: which URLs a source's current crawl cycle knows, and which of
//! them still wait to be fetched.
//!
//! Frontier writes are not flushed one by one (a crawl pushes far more links than it stores
//! articles); they become durable with the next article commit or sled's periodic flush,
//! within half a second. After a crash a resumed crawl may therefore fetch a few pages
//! again — which costs a request and yields `Unchanged` — but never loses a stored article.

use super::codec::{self, FrontierMarkV1};
use super::engine::{KvStore, Txn};
use super::error::{Result, StoreError};
use super::keys;
use super::kv::{Kv, Scan};
use super::record::FrontierEntry;

/// A page of a source's pending URLs; see [`Store::frontier_pending`](super::Store::frontier_pending).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PendingPage {
    /// In the order they were pushed.
    pub entries: Vec<FrontierEntry>,
    /// Pass as `after` to continue; the same `after` when the page is empty.
    pub next: u64,
}

/// Longest crawl key accepted: source names are ≤ 64 bytes, host names ≤ 253.
const MAX_SOURCE_LEN: usize = 1024;

fn check_source(source: &str) -> Result<()> {
    if source.is_empty() || source.len() > MAX_SOURCE_LEN {
        return Err(StoreError::InvalidInput(format!(
            "frontier source name must be 1-{MAX_SOURCE_LEN} bytes, got {}",
            source.len()
        )));
    }
    Ok(())
}

impl<K: Kv> KvStore<K> {
    pub(crate) fn push_frontier(&self, entry: &FrontierEntry) -> Result<bool> {
        check_source(&entry.source)?;
        let mut state = self.lock();
        let known_key = keys::frontier_known(&entry.source, &entry.url);
        if self.kv.get(&known_key)?.is_some() {
            return Ok(false);
        }
        let mut txn = Txn::new(&state, self.options.near_duplicate_distance);
        txn.counters.last_fseq += 1;
        let fseq = txn.counters.last_fseq;
        let mark = FrontierMarkV1 { fseq, done: false };
        txn.batch.put(known_key, codec::encode(&mark)?);
        txn.batch.put(
            keys::frontier_pending(&entry.source, fseq),
            codec::encode_frontier_entry(entry)?,
        );
        self.commit(&mut state, txn)?;
        Ok(true)
    }

    pub(crate) fn pending_frontier(
        &self,
        source: &str,
        after: u64,
        limit: usize,
    ) -> Result<PendingPage> {
        check_source(source)?;
        let mut page = PendingPage {
            entries: Vec::new(),
            next: after,
        };
        if limit == 0 {
            return Ok(page);
        }
        let prefix = keys::frontier_prefix(keys::FRONTIER_PENDING, source);
        let start = keys::frontier_pending(source, after.saturating_add(1));
        let end = keys::prefix_end(&prefix);
        self.kv.scan(&start, end.as_deref(), &mut |key, value| {
            let entry = codec::decode_frontier_entry(value, key)?;
            let fseq = keys::u64_at(key, key.len().saturating_sub(8)).ok_or_else(|| {
                StoreError::Corrupt {
                    what: "frontier entry",
                    key: keys::display(key),
                    detail: "the key has no position".to_string(),
                }
            })?;
            page.entries.push(entry);
            page.next = fseq;
            Ok(if page.entries.len() >= limit {
                Scan::Stop
            } else {
                Scan::Continue
            })
        })?;
        Ok(page)
    }

    pub(crate) fn count_pending_frontier(&self, source: &str) -> Result<u64> {
        check_source(source)?;
        let mut count = 0;
        let prefix = keys::frontier_prefix(keys::FRONTIER_PENDING, source);
        self.kv.scan_prefix(&prefix, &mut |_, _| {
            count += 1;
            Ok(Scan::Continue)
        })?;
        Ok(count)
    }

    pub(crate) fn mark_frontier_done(&self, source: &str, url: &str) -> Result<()> {
        check_source(source)?;
        let mut state = self.lock();
        let known_key = keys::frontier_known(source, url);
        let mut txn = Txn::new(&state, self.options.near_duplicate_distance);
        match self.kv.get(&known_key)? {
            Some(bytes) => {
                let mark: FrontierMarkV1 = codec::decode(&bytes, "frontier mark", &known_key)?;
                if mark.done {
                    return Ok(());
                }
                txn.batch.remove(keys::frontier_pending(source, mark.fseq));
                let done = FrontierMarkV1 { done: true, ..mark };
                txn.batch.put(known_key, codec::encode(&done)?);
            }
            None => {
                // Fetched without being pushed (a redirect target): remember it so the
                // cycle does not fetch it again.
                let done = FrontierMarkV1 {
                    fseq: 0,
                    done: true,
                };
                txn.batch.put(known_key, codec::encode(&done)?);
            }
        }
        self.commit(&mut state, txn)
    }

    pub(crate) fn clear_frontier(&self, source: &str) -> Result<()> {
        check_source(source)?;
        let mut state = self.lock();
        let mut txn = Txn::new(&state, self.options.near_duplicate_distance);
        for tag in [keys::FRONTIER_KNOWN, keys::FRONTIER_PENDING] {
            let prefix = keys::frontier_prefix(tag, source);
            self.kv.scan_prefix(&prefix, &mut |key, _| {
                txn.batch.remove(key.to_vec());
                Ok(Scan::Continue)
            })?;
        }
        self.commit(&mut state, txn)
    }
}
