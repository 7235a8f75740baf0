//! The embedded frontier: per-host queues of URLs on disk, a compact seen-set in memory.
//!
//! Each crawl (a source) has, per host, [`LANES`](host::LANES) priority lanes of segments
//! ([`host`], [`segment`]), and a seen-set of 64-bit URL hashes ([`seen`]). In memory the
//! frontier keeps, per open crawl: each host's cursors, a small window of its next entries
//! read from disk, the tickets it handed out, the ring of hosts that have something to
//! hand out, the seen-set and how many live bytes each of its files holds. So memory grows
//! with the number of hosts and by 8–16 bytes per URL the cycle knows, not with the URLs
//! pending: ten million pending URLs are segments on disk.
//!
//! On disk, the bulk — segments, the parts of open segments, seen-set chunks — is blobs in
//! append-only files beside the database ([`blobs`], [`files`]: sled could not hold it in
//! bounded memory and space, measured there). The database keeps small records: per crawl
//! its metadata (generation, totals, its files, the seen-set chunks' places), per host its
//! cursor, and per segment or part the place of its blob.
//!
//! Writes happen only in commits (`KvStore::commit_crawl`): discovered URLs, completed
//! claims and the crawl's totals go into the same atomic batch as the articles, so a URL is
//! done exactly when its outcome is durable, and a crawl killed at any moment resumes with
//! every URL whose outcome was not committed. A commit appends and syncs its blobs before
//! that batch, so a crash in between leaves only unreferenced bytes. Claims and releases
//! change only memory.
//!
//! A new cycle takes the next *generation* number in one small write; the previous
//! generation's keys are then removed in batches and its files deleted, and whatever a
//! crash leaves of them is removed the next time the crawl (keys) or the store (files) is
//! opened.

pub(crate) use super::blobs;
pub(crate) mod files;
pub(crate) mod host;
pub(crate) mod seen;
pub(crate) mod segment;

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet, VecDeque};
use std::sync::{Arc, MutexGuard};
use std::time::Duration;

use files::{Appender, Live};
use host::{Completed, Cursor, LANES, Pos, SEG_ENTRIES, lane_of, ticket_id, untangle};
use seen::{HashKeys, SeenSet};
use segment::{CrawlMeta, FileKind, SeenChunk, Segment};

use super::engine::KvStore;
use super::error::{Result, StoreError};
use super::keys;
use super::kv::{self, Kv, Scan, WriteBatch};
use super::record::FrontierEntry;
use super::roles::{
    Claim, Claims, CrawlOutcome, CrawlStart, FrontierAdds, FrontierLimits, GateAnswer, HostGate,
    OpenedCrawl, Ticket,
};

/// Entries read ahead per host: enough for a few claims without a disk read each.
const WINDOW: usize = 32;
/// Entries held in all windows of a crawl before idle hosts' windows are dropped.
const MAX_WINDOWED: usize = 64 * 1024;
/// Keys of sealed segments' parts removed per batch after a commit. sled copies a tree
/// node for every key a batch writes and can free none of them before the batch ends, so
/// a commit that seals the segments of thousands of lanes at once (every lane of a
/// uniform crawl fills at about the same commit) held all of those copies at once: at
/// 2 M URLs over 1000 hosts in commits of 50 000, 45 000 removals in one batch made a
/// 120 MiB spike in the heap (heaptrack on `examples/bench_frontier`). In batches of this
/// many the copies of one batch are freed before the next (`sled_store::collect_garbage`).
const STALE_BATCH: usize = 1024;
/// Bytes of blobs a compaction moves per batch.
const COMPACT_BATCH_BYTES: usize = 4 << 20;
/// Longest crawl name accepted: source names are ≤ 64 bytes, host names ≤ 253.
const MAX_CRAWL_LEN: usize = 1024;

fn check_crawl(crawl: &str) -> Result<()> {
    if crawl.is_empty() || crawl.len() > MAX_CRAWL_LEN {
        return Err(StoreError::InvalidInput(format!(
            "crawl name must be 1-{MAX_CRAWL_LEN} bytes, got {}",
            crawl.len()
        )));
    }
    Ok(())
}

/// The frontiers of the crawls open in this process.
pub(crate) struct Frontiers {
    url_hash: HashKeys,
    crawls: HashMap<String, CrawlFrontier>,
    /// The number the next new frontier file gets.
    next_file: u32,
    /// A file takes blobs until it holds this many bytes.
    file_bytes: u64,
}

impl Frontiers {
    pub fn new(url_hash: HashKeys, next_file: u32) -> Frontiers {
        Frontiers {
            url_hash,
            crawls: HashMap::new(),
            next_file,
            file_bytes: files::FILE_BYTES,
        }
    }

    /// Heap bytes held by open crawls, approximately.
    pub fn memory_bytes(&self) -> usize {
        self.crawls
            .values()
            .map(|c| c.seen.memory_bytes() + c.hosts.len() * 256 + c.windowed * 160)
            .sum()
    }
}

/// Removes the frontier files no crawl lists (left by a crash between a commit's blobs
/// and its batch, or between a file's retirement and its deletion); returns the number the
/// next new file gets. Called when the store opens, before any crawl writes.
pub(crate) fn tidy_files<K: Kv>(kv: &K, label: &str) -> Result<u32> {
    let mut listed = HashSet::new();
    kv.scan_prefix(&[keys::CRAWL], &mut |key, value| {
        let meta = segment::decode_meta(value, key)?;
        listed.extend(meta.files.iter().map(|f| f.id));
        Ok(Scan::Continue)
    })?;
    let present = kv.blobs().list()?;
    let next = present
        .iter()
        .chain(&listed)
        .max()
        .map_or(1, |&n| n.saturating_add(1));
    let mut removed = 0;
    for &file in present.iter().filter(|f| !listed.contains(f)) {
        kv.blobs().remove(file)?;
        removed += 1;
    }
    if removed > 0 {
        tracing::info!(database = %label, files = removed, "removed frontier files no crawl refers to");
    }
    Ok(next)
}

/// One open crawl.
struct CrawlFrontier {
    meta: CrawlMeta,
    limits: FrontierLimits,
    hosts: HashMap<Arc<str>, HostQueue>,
    /// Hosts that have entries not handed out, in turn order.
    ring: VecDeque<Arc<str>>,
    seen: SeenSet,
    /// Entries held in windows.
    windowed: usize,
    /// Live bytes of each of the crawl's files.
    live: Live,
}

/// Reads a segment of a lane (lane, segment number) with its key, `None` when missing.
type SegmentReader<'a> = dyn FnMut(usize, u64) -> Result<Option<(Segment, Vec<u8>)>> + 'a;

/// One host of an open crawl.
#[derive(Default)]
struct HostQueue {
    cursor: Cursor,
    /// Tickets handed out and neither completed nor released.
    out: BTreeSet<u64>,
    /// Next entries, read from disk, not handed out; released claims go to its front.
    window: VecDeque<(u64, FrontierEntry)>,
    /// Per lane, where reading ahead continues.
    load: [Pos; LANES],
    in_ring: bool,
}

impl HostQueue {
    /// Pending entries not handed out.
    fn unclaimed(&self) -> u64 {
        self.cursor.pending.saturating_sub(self.out.len() as u64)
    }

    /// Reads the next entries of the host's first lane that has any into the window.
    fn refill(&mut self, read: &mut SegmentReader<'_>, host: &str) -> Result<usize> {
        let mut loaded = 0;
        for lane in 0..LANES {
            let bounds = self.cursor.lanes[lane];
            let mut at = self.load[lane].max(bounds.head);
            while at < bounds.tail && self.window.len() < WINDOW {
                let Some((segment, key)) = read(lane, at.seg)? else {
                    return Err(StoreError::Corrupt {
                        what: "frontier segment",
                        key: format!("host {host}, lane {lane}, segment {}", at.seg),
                        detail: "missing although the host's cursor lists it".into(),
                    });
                };
                let end = if at.seg == bounds.tail.seg {
                    bounds.tail.off
                } else {
                    SEG_ENTRIES
                };
                let seg = at.seg;
                while at.seg == seg && at.off < end && self.window.len() < WINDOW {
                    let id = ticket_id(lane, at);
                    if !self.cursor.done_ahead.contains(&id) && !self.out.contains(&id) {
                        let entry = segment.entry(at.off as usize, host, &key)?;
                        self.window.push_back((id, entry));
                        loaded += 1;
                    }
                    at = at.next();
                }
                if at.off == end && at.seg == bounds.tail.seg {
                    break;
                }
            }
            self.load[lane] = at;
            if !self.window.is_empty() {
                break;
            }
        }
        Ok(loaded)
    }

    /// Forgets the window; reading resumes at the heads (entries out or done are skipped).
    fn drop_window(&mut self) -> usize {
        let n = self.window.len();
        self.window.clear();
        self.load = [Pos::default(); LANES];
        n
    }
}

/// What a commit does to one crawl's frontier, prepared before the batch is written and
/// applied to memory only once it is.
struct CrawlStage {
    meta: CrawlMeta,
    /// Cursors of the hosts touched, as they will be.
    cursors: HashMap<Arc<str>, Cursor>,
    new_seen: Vec<u64>,
    /// The same hashes as `new_seen`, to answer "known?" (a URL's hash needs no hasher).
    new_seen_set: SeenSet,
    /// Entries appended, by host, lane and segment (written in that order: see
    /// [`appends_in_order`]; a hash map because every discovered URL looks its
    /// segment up, and ordered keys would compare host names a dozen times for each).
    appends: HashMap<SegmentKey, Segment>,
    freed: Vec<(Arc<str>, usize, u64)>,
    completed: Vec<(Arc<str>, u64)>,
    /// Keys of the parts of segments this commit seals: removed after its batch.
    stale_parts: Vec<Vec<u8>>,
    /// Live bytes each file gains or loses.
    live: HashMap<u32, i64>,
    /// Files no longer listed: deleted once the commit is durable.
    dead: Vec<u32>,
}

/// A host's segment in a crawl: host, lane, segment number.
type SegmentKey = (Arc<str>, usize, u64);

/// A commit's frontier changes, crawl by crawl.
#[derive(Default)]
pub(crate) struct FrontierStage {
    crawls: BTreeMap<String, CrawlStage>,
}

/// Frontier files to delete once the commit that stopped listing them is durable.
#[must_use = "the files are deleted only after the commit is flushed"]
#[derive(Debug, Default)]
pub(crate) struct DeadFiles(Vec<u32>);

impl<K: Kv> KvStore<K> {
    pub(crate) fn frontiers(&self) -> MutexGuard<'_, Frontiers> {
        // Memory changes only after its batch is written, in one step: a poisoned lock
        // still guards a consistent frontier.
        self.frontiers.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Makes new frontier files fill at `bytes` (tests: small files retire and die soon).
    #[cfg(test)]
    pub(crate) fn set_frontier_file_bytes(&self, bytes: u64) {
        self.frontiers().file_bytes = bytes;
    }

    fn read_meta(&self, crawl: &str) -> Result<Option<CrawlMeta>> {
        let key = keys::crawl(crawl);
        self.kv
            .get(&key)?
            .map(|bytes| segment::decode_meta(&bytes, &key))
            .transpose()
    }

    pub fn open_frontier(
        &self,
        crawl: &str,
        start: CrawlStart,
        limits: FrontierLimits,
    ) -> Result<OpenedCrawl> {
        check_crawl(crawl)?;
        let mut frontiers = self.frontiers();
        frontiers.crawls.remove(crawl);
        let mut meta = self.read_meta(crawl)?.unwrap_or_default();
        let resume = start == CrawlStart::Resume && meta.pending > 0;
        if !resume {
            let previous = std::mem::take(&mut meta);
            meta.generation = previous.generation.wrapping_add(1);
            let mut batch = WriteBatch::default();
            batch.put(keys::crawl(crawl), segment::encode_meta(&meta)?);
            self.kv.apply(batch)?;
            // The old generation may only go once the switch away from it is durable.
            self.kv.flush()?;
            for file in &previous.files {
                self.kv.blobs().remove(file.id)?;
            }
        }
        self.remove_other_generations(crawl, meta.generation)?;
        let mut cf = CrawlFrontier {
            limits,
            hosts: HashMap::new(),
            ring: VecDeque::new(),
            seen: SeenSet::new(),
            windowed: 0,
            live: Live::new(),
            meta,
        };
        let generation = cf.meta.generation;
        if resume {
            let prefix = keys::crawl_prefix(keys::CRAWL_HOST, crawl, Some(generation));
            let mut pending = 0;
            self.kv.scan_prefix(&prefix, &mut |key, value| {
                let host =
                    keys::crawl_host_name(key, crawl).ok_or_else(|| StoreError::Corrupt {
                        what: "frontier host",
                        key: keys::display(key),
                        detail: "the key holds no host name".into(),
                    })?;
                let cursor = segment::decode_cursor(value, key)?;
                pending += cursor.pending;
                let host: Arc<str> = Arc::from(host);
                let in_ring = cursor.pending > 0;
                if in_ring {
                    cf.ring.push_back(Arc::clone(&host));
                }
                cf.hosts.insert(
                    host,
                    HostQueue {
                        cursor,
                        in_ring,
                        ..HostQueue::default()
                    },
                );
                Ok(Scan::Continue)
            })?;
            if pending != cf.meta.pending {
                tracing::warn!(database = %self.label, crawl, counted = pending, recorded = cf.meta.pending, "frontier totals disagree with its hosts; using the hosts'");
                cf.meta.pending = pending;
            }
            // Sized once for what the chunks hold (a chunk holds no more hashes than bytes,
            // whatever a damaged count says).
            let hashes: u64 = cf
                .meta
                .chunks
                .iter()
                .map(|c| c.hashes.min(u64::from(c.blob.len)))
                .sum();
            cf.seen = SeenSet::with_capacity(usize::try_from(hashes).unwrap_or(usize::MAX));
            for chunk in &cf.meta.chunks {
                let bytes = blobs::read(self.kv.blobs(), &chunk.blob)?;
                seen::decode_chunk(&bytes, &keys::crawl(crawl), |h| {
                    cf.seen.insert(h);
                })?;
            }
            let stale;
            (cf.live, stale) = self.live_bytes(crawl, &cf.meta, &cf.hosts)?;
            if !stale.is_empty() {
                tracing::debug!(database = %self.label, crawl, keys = stale.len(), "removing the parts of sealed frontier segments a crash left");
                self.remove_keys(stale)?;
            }
            tracing::debug!(database = %self.label, crawl, pending, hosts = cf.hosts.len(), seen = cf.seen.len(), files = cf.meta.files.len(), "frontier resumed");
        }
        let resumed = if resume { cf.meta.pending } else { 0 };
        frontiers.crawls.insert(crawl.to_string(), cf);
        if resume {
            // Files a crash left dead or mostly dead.
            self.tidy_crawl(&mut frontiers, crawl);
        }
        Ok(OpenedCrawl { resumed })
    }

    /// Calls `visit` with each key of the crawl's generation under `tag` (`CRAWL_SEGMENT`
    /// or `CRAWL_PART`) and the blob it points at.
    fn scan_refs(
        &self,
        crawl: &str,
        generation: u32,
        tag: u8,
        visit: &mut dyn FnMut(&[u8], blobs::BlobRef),
    ) -> Result<()> {
        let prefix = keys::crawl_prefix(tag, crawl, Some(generation));
        self.kv.scan_prefix(&prefix, &mut |key, value| {
            visit(key, segment::decode_ref(value, key)?);
            Ok(Scan::Continue)
        })
    }

    /// Live bytes of each of the crawl's files, from the references to them, and the keys
    /// of parts of sealed segments (stale: left by a crash after the commit that sealed
    /// them), which do not count.
    fn live_bytes(
        &self,
        crawl: &str,
        meta: &CrawlMeta,
        hosts: &HashMap<Arc<str>, HostQueue>,
    ) -> Result<(Live, Vec<Vec<u8>>)> {
        let mut live = Live::new();
        let mut stale = Vec::new();
        for tag in [keys::CRAWL_SEGMENT, keys::CRAWL_PART] {
            self.scan_refs(crawl, meta.generation, tag, &mut |key, at| {
                if tag == keys::CRAWL_PART {
                    let place = keys::crawl_part_place(key, crawl);
                    let cursor = place.and_then(|(host, _, _)| hosts.get(host).map(|h| &h.cursor));
                    if host::part_is_stale(cursor, place.map(|(_, lane, seg)| (lane, seg))) {
                        stale.push(key.to_vec());
                        return;
                    }
                }
                *live.entry(at.file).or_default() += u64::from(at.len);
            })?;
        }
        for chunk in &meta.chunks {
            *live.entry(chunk.blob.file).or_default() += u64::from(chunk.blob.len);
        }
        Ok((live, stale))
    }

    /// Removes the keys of `crawl` of every generation but `keep`.
    fn remove_other_generations(&self, crawl: &str, keep: u32) -> Result<()> {
        let mut removed = 0;
        for tag in [keys::CRAWL_HOST, keys::CRAWL_SEGMENT, keys::CRAWL_PART] {
            for (start, end) in keys::other_generation_ranges(tag, crawl, keep) {
                removed += kv::remove_range(&self.kv, &start, end.as_deref())?;
            }
        }
        if removed > 0 {
            tracing::debug!(database = %self.label, crawl, keys = removed, "removed the frontier of earlier cycles");
        }
        Ok(())
    }

    pub fn claim_frontier(
        &self,
        crawl: &str,
        max: usize,
        gate: &mut dyn HostGate,
    ) -> Result<Claims> {
        let mut claims = Vec::new();
        let mut wait: Option<Duration> = None;
        let exhausted;
        {
            let mut frontiers = self.frontiers();
            let cf = match frontiers.crawls.get_mut(crawl) {
                Some(cf) => cf,
                None => {
                    return Err(StoreError::InvalidInput(format!(
                        "crawl {crawl:?} is not open"
                    )));
                }
            };
            let generation = cf.meta.generation;
            let mut turns = cf.ring.len();
            while claims.len() < max && turns > 0 {
                turns -= 1;
                let Some(host) = cf.ring.pop_front() else {
                    break;
                };
                let Some(hq) = cf.hosts.get_mut(&host) else {
                    continue;
                };
                if hq.unclaimed() == 0 {
                    hq.in_ring = false;
                    continue;
                }
                match gate.try_host(&host) {
                    GateAnswer::Ready { .. } => {
                        if hq.window.is_empty() {
                            let tails = hq.cursor.lanes.map(|l| l.tail.seg);
                            let mut read = |lane: usize, seg: u64| {
                                self.read_segment(
                                    crawl,
                                    generation,
                                    &host,
                                    lane,
                                    seg,
                                    tails[lane] == seg,
                                )
                            };
                            cf.windowed += hq.refill(&mut read, &host)?;
                        }
                        match hq.window.pop_front() {
                            Some((id, entry)) => {
                                cf.windowed -= 1;
                                hq.out.insert(id);
                                claims.push(Claim {
                                    entry,
                                    ticket: Ticket {
                                        host: host.to_string(),
                                        id,
                                    },
                                    validators: None,
                                });
                            }
                            None => {
                                // The cursor counts entries the lanes do not hold: trust the
                                // lanes, so the crawl cannot spin on a host with nothing.
                                tracing::warn!(database = %self.label, crawl, %host, pending = hq.cursor.pending, out = hq.out.len(), "frontier host lists more pending URLs than its lanes hold");
                                let missing = hq.unclaimed();
                                hq.cursor.pending -= missing;
                                cf.meta.pending = cf.meta.pending.saturating_sub(missing);
                            }
                        }
                        if hq.unclaimed() > 0 {
                            cf.ring.push_back(host);
                        } else {
                            hq.in_ring = false;
                        }
                    }
                    GateAnswer::Wait(d) => {
                        wait = Some(wait.map_or(d, |w| w.min(d)));
                        cf.ring.push_back(host);
                    }
                    GateAnswer::Busy => cf.ring.push_back(host),
                }
            }
            if cf.windowed > MAX_WINDOWED {
                // Hosts read ahead but idle (waiting on politeness) give their windows up.
                for hq in cf.hosts.values_mut() {
                    if cf.windowed <= MAX_WINDOWED / 2 {
                        break;
                    }
                    cf.windowed -= hq.drop_window();
                }
            }
            exhausted = cf.ring.is_empty();
        }
        for claim in &mut claims {
            claim.validators = self.validators(&claim.entry.url)?;
        }
        Ok(Claims {
            claims,
            wait: if exhausted { None } else { wait },
            exhausted,
        })
    }

    pub fn release_frontier(&self, crawl: &str, released: Vec<Claim>) -> Result<()> {
        let mut frontiers = self.frontiers();
        let Some(cf) = frontiers.crawls.get_mut(crawl) else {
            // Closed (or reopened): its claims lapsed already.
            return Ok(());
        };
        for claim in released.into_iter().rev() {
            let host = host_key(cf, &claim.ticket.host);
            let Some(hq) = cf.hosts.get_mut(&host) else {
                continue;
            };
            let id = claim.ticket.id;
            if hq.out.remove(&id) && hq.cursor.is_pending(id) {
                hq.window.push_front((id, claim.entry));
                cf.windowed += 1;
                if !hq.in_ring {
                    hq.in_ring = true;
                    cf.ring.push_front(host);
                }
            }
        }
        Ok(())
    }

    /// A segment: the sealed one, or the parts of a lane's open segment joined.
    fn read_segment(
        &self,
        crawl: &str,
        generation: u32,
        host: &str,
        lane: usize,
        seg: u64,
        open: bool,
    ) -> Result<Option<(Segment, Vec<u8>)>> {
        if !open {
            let key = keys::crawl_segment(crawl, generation, host, lane as u8, seg);
            return match self.kv.get(&key)? {
                Some(value) => {
                    let at = segment::decode_ref(&value, &key)?;
                    let bytes = blobs::read(self.kv.blobs(), &at)?;
                    Ok(Some((Segment::decode(&bytes, &key)?, key)))
                }
                None => Ok(None),
            };
        }
        let prefix = keys::crawl_parts(crawl, generation, host, lane as u8, seg);
        let joined = self.read_parts(&prefix, &mut |_, _| {})?;
        Ok(joined.map(|j| (j, prefix)))
    }

    /// The parts under `prefix` (those of one open segment) joined in order; `each` is
    /// called with each part's key and place.
    fn read_parts(
        &self,
        prefix: &[u8],
        each: &mut dyn FnMut(&[u8], &blobs::BlobRef),
    ) -> Result<Option<Segment>> {
        let mut joined: Option<Segment> = None;
        self.kv.scan_prefix(prefix, &mut |key, value| {
            let at = segment::decode_ref(value, key)?;
            let part = Segment::decode(&blobs::read(self.kv.blobs(), &at)?, key)?;
            each(key, &at);
            match &mut joined {
                Some(j) => j.extend(&part),
                None => joined = Some(part),
            }
            Ok(Scan::Continue)
        })?;
        Ok(joined)
    }

    pub fn close_frontier(&self, crawl: &str) {
        self.frontiers().crawls.remove(crawl);
    }

    pub fn frontier_pending(&self, crawl: &str) -> Result<u64> {
        check_crawl(crawl)?;
        if let Some(cf) = self.frontiers().crawls.get(crawl) {
            return Ok(cf.meta.pending);
        }
        Ok(self.read_meta(crawl)?.map_or(0, |m| m.pending))
    }

    /// Prepares the frontier side of a commit: pushes, completions and visited URLs of
    /// `outcomes`, written into `batch`, their blobs appended and synced. Memory changes
    /// only in [`Self::apply_frontier`], after the batch is written.
    pub(crate) fn stage_frontier(
        &self,
        frontiers: &mut MutexGuard<'_, Frontiers>,
        outcomes: &[CrawlOutcome],
        batch: &mut WriteBatch,
    ) -> Result<(FrontierStage, Vec<FrontierAdds>)> {
        let mut stage = FrontierStage::default();
        let mut adds = Vec::with_capacity(outcomes.len());
        let url_hash = frontiers.url_hash;
        for outcome in outcomes {
            let mut add = FrontierAdds::default();
            if outcome.claim.is_none()
                && outcome.discovered.is_empty()
                && outcome.visited.is_empty()
            {
                adds.push(add);
                continue;
            }
            check_crawl(&outcome.crawl)?;
            let cf = frontiers.crawls.get_mut(&outcome.crawl).ok_or_else(|| {
                StoreError::InvalidInput(format!(
                    "commit to crawl {:?}, which is not open",
                    outcome.crawl
                ))
            })?;
            let cs = stage
                .crawls
                .entry(outcome.crawl.clone())
                .or_insert_with(|| CrawlStage {
                    meta: cf.meta.clone(),
                    cursors: HashMap::new(),
                    new_seen: Vec::new(),
                    new_seen_set: SeenSet::new(),
                    appends: HashMap::new(),
                    freed: Vec::new(),
                    completed: Vec::new(),
                    stale_parts: Vec::new(),
                    live: HashMap::new(),
                    dead: Vec::new(),
                });
            if let Some(ticket) = &outcome.claim {
                let host = host_key(cf, &ticket.host);
                let cursor = cs.cursor(cf, &host);
                match cursor.complete(ticket.id) {
                    Completed::Done { freed } => {
                        cs.meta.pending = cs.meta.pending.saturating_sub(1);
                        let (lane, _) = untangle(ticket.id);
                        cs.freed
                            .extend(freed.into_iter().map(|seg| (Arc::clone(&host), lane, seg)));
                    }
                    Completed::NotPending => {
                        tracing::debug!(crawl = %outcome.crawl, host = %ticket.host, ticket = ticket.id, "completion of a URL that is not pending");
                    }
                }
                cs.completed.push((host, ticket.id));
            }
            for url in &outcome.visited {
                let hash = url_hash.url(url);
                if !cf.seen.contains(hash) && cs.new_seen_set.insert(hash) {
                    cs.new_seen.push(hash);
                }
            }
            for entry in &outcome.discovered {
                let hash = url_hash.url(&entry.url);
                if cf.seen.contains(hash) || cs.new_seen_set.contains(hash) {
                    add.known += 1;
                    continue;
                }
                let host = host_key(cf, &entry.host);
                let limit = cf.limits.max_pending_per_host;
                let cursor = cs.cursor(cf, &host);
                if cursor.pending >= limit {
                    // Dropped: nothing written, nothing remembered but the count.
                    cursor.dropped += 1;
                    cs.meta.dropped += 1;
                    add.dropped += 1;
                    continue;
                }
                let lane = lane_of(entry);
                let at = cursor.append(lane);
                cs.appends
                    .entry((host, lane, at.seg))
                    .or_default()
                    .push(entry);
                cs.new_seen_set.insert(hash);
                cs.new_seen.push(hash);
                cs.meta.pending += 1;
                add.added += 1;
            }
            adds.push(add);
        }
        let Frontiers {
            crawls,
            next_file,
            file_bytes,
            ..
        } = &mut **frontiers;
        let mut appender = Appender::new(self.kv.blobs(), *file_bytes);
        for (crawl, cs) in &mut stage.crawls {
            let live = crawls.get(crawl).map(|cf| &cf.live);
            self.write_stage(crawl, cs, live, next_file, &mut appender, batch)?;
        }
        // The blobs are durable before the batch that refers to them is written.
        appender.flush()?;
        Ok((stage, adds))
    }

    /// Writes a crawl's staged changes into `batch` and its blobs into `appender`.
    fn write_stage(
        &self,
        crawl: &str,
        cs: &mut CrawlStage,
        live: Option<&Live>,
        next_file: &mut u32,
        appender: &mut Appender<'_>,
        batch: &mut WriteBatch,
    ) -> Result<()> {
        let generation = cs.meta.generation;
        for ((host, lane, seg), part) in appends_in_order(&cs.appends) {
            let lane8 = *lane as u8;
            // Where this commit's entries start: the lane's tail before them.
            let tail = cs.cursors[host].lanes[*lane].tail;
            let end = if tail.seg > *seg {
                SEG_ENTRIES
            } else {
                tail.off
            };
            let first = end - part.len() as u32;
            if end < SEG_ENTRIES {
                let at = appender.put(
                    &mut cs.meta,
                    next_file,
                    FileKind::Parts,
                    &part.encode(false)?,
                )?;
                files::add_live(&mut cs.live, at.file, i64::from(at.len));
                batch.put(
                    keys::crawl_part(crawl, generation, host, lane8, *seg, first),
                    segment::encode_ref(&at)?,
                );
                continue;
            }
            // Full: the earlier parts and these entries become one sealed segment. The
            // parts' keys go after the batch (see `STALE_BATCH`); until then, and after a
            // crash in between, they are parts of a lane's past segment, which nothing
            // reads and the next resume removes (`host::part_is_stale`).
            let prefix = keys::crawl_parts(crawl, generation, host, lane8, *seg);
            let stale = &mut cs.stale_parts;
            let mut sealed = self
                .read_parts(&prefix, &mut |key, at| {
                    files::add_live(&mut cs.live, at.file, -i64::from(at.len));
                    stale.push(key.to_vec());
                })?
                .unwrap_or_default();
            sealed.extend(part);
            if sealed.len() != SEG_ENTRIES as usize {
                return Err(StoreError::Corrupt {
                    what: "frontier segment",
                    key: keys::display(&prefix),
                    detail: format!("{} entries where {SEG_ENTRIES} were written", sealed.len()),
                });
            }
            let at = appender.put(
                &mut cs.meta,
                next_file,
                FileKind::Sealed,
                &sealed.encode(true)?,
            )?;
            files::add_live(&mut cs.live, at.file, i64::from(at.len));
            batch.put(
                keys::crawl_segment(crawl, generation, host, lane8, *seg),
                segment::encode_ref(&at)?,
            );
        }
        for (host, lane, seg) in &cs.freed {
            let key = keys::crawl_segment(crawl, generation, host, *lane as u8, *seg);
            match self.kv.get(&key)? {
                Some(value) => {
                    let at = segment::decode_ref(&value, &key)?;
                    files::add_live(&mut cs.live, at.file, -i64::from(at.len));
                    batch.remove(key);
                }
                None => {
                    tracing::warn!(database = %self.label, crawl, %host, lane, segment = seg, "a finished frontier segment was missing already");
                }
            }
        }
        for (host, cursor) in &cs.cursors {
            batch.put(
                keys::crawl_host(crawl, generation, host),
                segment::encode_cursor(cursor)?,
            );
        }
        if !cs.new_seen.is_empty() {
            let sizes: Vec<usize> = cs.meta.chunks.iter().map(|c| c.hashes as usize).collect();
            let merge = seen::chunks_to_merge(&sizes, cs.new_seen.len());
            let mut hashes = cs.new_seen.clone();
            for chunk in cs.meta.chunks.drain(sizes.len() - merge..) {
                let bytes = blobs::read(self.kv.blobs(), &chunk.blob)?;
                seen::decode_chunk(&bytes, &keys::crawl(crawl), |h| hashes.push(h))?;
                files::add_live(&mut cs.live, chunk.blob.file, -i64::from(chunk.blob.len));
            }
            let count = hashes.len() as u64;
            let at = appender.put(
                &mut cs.meta,
                next_file,
                FileKind::Sealed,
                &seen::encode_chunk(&mut hashes),
            )?;
            files::add_live(&mut cs.live, at.file, i64::from(at.len));
            cs.meta.chunks.push(SeenChunk {
                hashes: count,
                blob: at,
            });
        }
        // Files this commit leaves without a live blob are no longer listed.
        let empty = Live::new();
        let live = live.unwrap_or(&empty);
        cs.dead = files::dead_files(&cs.meta, |f| files::live_after(live, &cs.live, f));
        cs.meta.files.retain(|f| !cs.dead.contains(&f.id));
        batch.put(keys::crawl(crawl), segment::encode_meta(&cs.meta)?);
        Ok(())
    }

    /// Applies a stage to memory once its batch is written, then moves the live blobs out
    /// of mostly dead files. Returns the files to delete once the commit is durable.
    pub(crate) fn apply_frontier(
        &self,
        frontiers: &mut Frontiers,
        stage: FrontierStage,
    ) -> DeadFiles {
        let mut dead = DeadFiles::default();
        let mut touched = Vec::with_capacity(stage.crawls.len());
        let mut stale = Vec::new();
        for (crawl, cs) in stage.crawls {
            let Some(cf) = frontiers.crawls.get_mut(&crawl) else {
                continue;
            };
            for hash in cs.new_seen {
                cf.seen.insert(hash);
            }
            for (host, cursor) in cs.cursors {
                let hq = cf.hosts.entry(Arc::clone(&host)).or_default();
                hq.cursor = cursor;
            }
            for (host, id) in cs.completed {
                if let Some(hq) = cf.hosts.get_mut(&host) {
                    hq.out.remove(&id);
                    let before = hq.window.len();
                    hq.window.retain(|(w, _)| *w != id);
                    cf.windowed -= before - hq.window.len();
                }
            }
            // Hosts join the ring in name order, whatever the hash map's order.
            let mut hosts: Vec<Arc<str>> =
                cs.appends.into_keys().map(|(host, _, _)| host).collect();
            hosts.sort_unstable();
            hosts.dedup();
            for host in hosts {
                if let Some(hq) = cf.hosts.get_mut(&host) {
                    if !hq.in_ring && hq.unclaimed() > 0 {
                        hq.in_ring = true;
                        cf.ring.push_back(host);
                    }
                }
            }
            for (file, delta) in cs.live {
                let live = cf.live.entry(file).or_default();
                *live = (*live as i64 + delta).max(0) as u64;
            }
            for file in &cs.dead {
                cf.live.remove(file);
            }
            dead.0.extend(cs.dead);
            cf.meta = cs.meta;
            stale.extend(cs.stale_parts);
            touched.push(crawl);
        }
        if let Err(e) = self.remove_keys(stale) {
            // The commit stands; the next resume removes what is left.
            tracing::warn!(database = %self.label, error = %e, "removing the parts of sealed frontier segments failed");
        }
        for crawl in touched {
            self.tidy_crawl(frontiers, &crawl);
        }
        dead
    }

    /// Removes `keys` in batches of [`STALE_BATCH`].
    fn remove_keys(&self, keys: Vec<Vec<u8>>) -> Result<()> {
        let mut keys = keys.into_iter().peekable();
        while keys.peek().is_some() {
            let mut batch = WriteBatch::default();
            for key in keys.by_ref().take(STALE_BATCH) {
                batch.remove(key);
            }
            self.kv.apply(batch)?;
        }
        Ok(())
    }

    /// Deletes the files a commit stopped listing, once it is durable.
    pub(crate) fn remove_dead_files(&self, dead: DeadFiles) {
        for file in dead.0 {
            if let Err(e) = self.kv.blobs().remove(file) {
                // Unlisted, it is removed when the store next opens.
                tracing::warn!(database = %self.label, file, error = %e, "deleting a dead frontier file failed");
            }
        }
    }

    /// Retires the crawl's dead files and compacts mostly dead ones (a few per call).
    /// Failures are logged: the commit before stands, and the next one tries again.
    fn tidy_crawl(&self, frontiers: &mut Frontiers, crawl: &str) {
        for _ in 0..4 {
            let Some(cf) = frontiers.crawls.get(crawl) else {
                break;
            };
            let live_of = |f: u32| cf.live.get(&f).copied().unwrap_or(0);
            let candidate = files::dead_files(&cf.meta, live_of)
                .first()
                .copied()
                .or_else(|| {
                    files::compaction_candidate(
                        &cf.meta,
                        &cf.live,
                        |f| self.kv.blobs().size(f).unwrap_or(0),
                        frontiers.file_bytes,
                    )
                });
            let Some(file) = candidate else {
                break;
            };
            if let Err(e) = self.compact_frontier_file(frontiers, crawl, file) {
                tracing::warn!(database = %self.label, crawl, file, error = %e, "compacting a frontier file failed");
                break;
            }
        }
    }

    /// Moves the live blobs of a retired file to the active file of its kind, a bounded
    /// batch at a time (each batch switches the references of the blobs it moved, after
    /// they are durable), then stops listing the file and deletes it once that is durable.
    /// A crash in between leaves both files listed and every reference valid.
    fn compact_frontier_file(
        &self,
        frontiers: &mut Frontiers,
        crawl: &str,
        file: u32,
    ) -> Result<()> {
        let started = std::time::Instant::now();
        let Frontiers {
            crawls,
            next_file,
            file_bytes,
            ..
        } = frontiers;
        let Some(cf) = crawls.get_mut(crawl) else {
            return Ok(());
        };
        let Some(kind) = cf.meta.files.iter().find(|f| f.id == file).map(|f| f.kind) else {
            return Ok(());
        };
        let size = self.kv.blobs().size(file)?;
        let tag = match kind {
            FileKind::Parts => keys::CRAWL_PART,
            FileKind::Sealed => keys::CRAWL_SEGMENT,
        };
        let mut moves = Vec::new();
        self.scan_refs(crawl, cf.meta.generation, tag, &mut |key, at| {
            if at.file == file {
                moves.push((key.to_vec(), at));
            }
        })?;
        let mut moves = moves.into_iter().peekable();
        let mut chunks_moved = false;
        let mut moved = 0u64;
        loop {
            let mut meta = cf.meta.clone();
            let mut delta = HashMap::new();
            let mut appender = Appender::new(self.kv.blobs(), *file_bytes);
            let mut batch = WriteBatch::default();
            let mut shift =
                |meta: &mut CrawlMeta, old: &blobs::BlobRef| -> Result<blobs::BlobRef> {
                    let bytes = blobs::read(self.kv.blobs(), old)?;
                    let new = appender.put(meta, next_file, kind, &bytes)?;
                    files::add_live(&mut delta, old.file, -i64::from(old.len));
                    files::add_live(&mut delta, new.file, i64::from(new.len));
                    moved += u64::from(old.len);
                    Ok(new)
                };
            if !chunks_moved {
                for i in 0..meta.chunks.len() {
                    if meta.chunks[i].blob.file == file {
                        let old = meta.chunks[i].blob;
                        meta.chunks[i].blob = shift(&mut meta, &old)?;
                    }
                }
                chunks_moved = true;
            }
            let mut group = 0;
            while group < COMPACT_BATCH_BYTES {
                let Some((key, old)) = moves.next() else {
                    break;
                };
                let new = shift(&mut meta, &old)?;
                group += old.len as usize;
                batch.put(key, segment::encode_ref(&new)?);
            }
            let last = moves.peek().is_none();
            if last {
                meta.files.retain(|f| f.id != file);
            }
            appender.flush()?;
            batch.put(keys::crawl(crawl), segment::encode_meta(&meta)?);
            self.kv.apply(batch)?;
            for (f, d) in delta {
                let live = cf.live.entry(f).or_default();
                *live = (*live as i64 + d).max(0) as u64;
            }
            cf.meta = meta;
            if last {
                break;
            }
        }
        if let Some(left) = cf.live.remove(&file).filter(|&l| l > 0) {
            tracing::warn!(database = %self.label, crawl, file, left, "frontier file accounting disagreed with its references");
        }
        self.kv.flush()?;
        self.kv.blobs().remove(file)?;
        tracing::debug!(database = %self.label, crawl, file, size, moved, elapsed = ?started.elapsed(), "compacted a frontier file");
        Ok(())
    }
}

/// The shared name of `host` in a crawl (one allocation per host, not per URL).
fn host_key(cf: &CrawlFrontier, host: &str) -> Arc<str> {
    match cf.hosts.get_key_value(host) {
        Some((k, _)) => Arc::clone(k),
        None => Arc::from(host),
    }
}

/// A commit's appended segments by host, lane and segment: the order their parts are
/// written in, so that a commit's blobs do not depend on a hash map's order.
fn appends_in_order(appends: &HashMap<SegmentKey, Segment>) -> Vec<(&SegmentKey, &Segment)> {
    let mut appends: Vec<_> = appends.iter().collect();
    appends.sort_unstable_by(|a, b| a.0.cmp(b.0));
    appends
}

impl CrawlStage {
    /// The staged cursor of `host`, starting from the crawl's.
    fn cursor(&mut self, cf: &CrawlFrontier, host: &Arc<str>) -> &mut Cursor {
        self.cursors.entry(Arc::clone(host)).or_insert_with(|| {
            cf.hosts
                .get(host)
                .map(|h| h.cursor.clone())
                .unwrap_or_default()
        })
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;
    use crate::store::kv::MemoryKv;
    use crate::store::record::DiscoveredVia;
    use crate::store::roles::PageResult;
    use crate::store::{MemoryStore, StoreOptions};

    /// Lets every host go (or answers as scripted per host).
    #[derive(Default)]
    struct Gate {
        answers: HashMap<String, GateAnswer>,
        asked: Vec<String>,
    }

    impl HostGate for Gate {
        fn try_host(&mut self, host: &str) -> GateAnswer {
            self.asked.push(host.to_string());
            self.answers
                .get(host)
                .copied()
                .unwrap_or(GateAnswer::Ready {
                    spacing: Duration::ZERO,
                })
        }
    }

    fn entry(url: &str, depth: u32, via: DiscoveredVia) -> FrontierEntry {
        let parsed = url::Url::parse(url).expect("url");
        FrontierEntry {
            url: url.to_string(),
            host: parsed.host_str().expect("host").to_string(),
            depth,
            discovered_from: (depth > 0).then(|| "https://a.test/".to_string()),
            discovered_via: via,
            counter_chain: 0,
        }
    }

    fn link(url: &str, depth: u32) -> FrontierEntry {
        entry(url, depth, DiscoveredVia::Link)
    }

    fn push<K: Kv>(store: &KvStore<K>, crawl: &str, entries: Vec<FrontierEntry>) -> FrontierAdds {
        complete(store, crawl, None, entries)
    }

    fn complete<K: Kv>(
        store: &KvStore<K>,
        crawl: &str,
        claim: Option<&Claim>,
        discovered: Vec<FrontierEntry>,
    ) -> FrontierAdds {
        let committed = store
            .commit_crawl(vec![CrawlOutcome {
                crawl: crawl.to_string(),
                claim: claim.map(|c| c.ticket.clone()),
                visited: Vec::new(),
                result: PageResult::Nothing,
                discovered,
            }])
            .expect("commit");
        committed[0].frontier
    }

    fn claim_all<K: Kv>(store: &KvStore<K>, crawl: &str) -> Vec<Claim> {
        let mut all = Vec::new();
        loop {
            let claims = store
                .claim_frontier(crawl, 1000, &mut Gate::default())
                .expect("claim");
            if claims.claims.is_empty() {
                assert!(claims.exhausted);
                return all;
            }
            all.extend(claims.claims);
        }
    }

    fn urls(claims: &[Claim]) -> Vec<&str> {
        claims.iter().map(|c| c.entry.url.as_str()).collect()
    }

    fn open<K: Kv>(store: &KvStore<K>, crawl: &str, start: CrawlStart) -> u64 {
        store
            .open_frontier(crawl, start, FrontierLimits::default())
            .expect("open")
            .resumed
    }

    #[test]
    fn hosts_take_turns_seeds_first_then_breadth_first() {
        let store = MemoryStore::new(StoreOptions::default()).expect("store");
        open(&store, "s", CrawlStart::NewCycle);
        let adds = push(
            &store,
            "s",
            vec![
                link("https://a.test/deep", 2),
                link("https://a.test/one", 1),
                entry("https://a.test/", 0, DiscoveredVia::Seed),
                link("https://b.test/one", 1),
                link("https://a.test/one", 1),
                entry("https://a.test/feed-item", 0, DiscoveredVia::Feed),
            ],
        );
        assert_eq!(
            adds,
            FrontierAdds {
                added: 5,
                known: 1,
                dropped: 0
            }
        );
        // One claim call visits each host once: the head of each host's best lane.
        let mut gate = Gate::default();
        let first = store.claim_frontier("s", 10, &mut gate).expect("claim");
        assert_eq!(
            urls(&first.claims),
            ["https://a.test/", "https://b.test/one"]
        );
        assert!(!first.exhausted);
        let rest = claim_all(&store, "s");
        assert_eq!(
            urls(&rest),
            [
                "https://a.test/feed-item",
                "https://a.test/one",
                "https://a.test/deep"
            ]
        );
        assert_eq!(
            store.frontier_pending("s").expect("pending"),
            5,
            "claimed is still pending"
        );
        // A URL known to the cycle is never added again, even once done.
        complete(&store, "s", Some(&first.claims[0]), vec![]);
        assert_eq!(store.frontier_pending("s").expect("pending"), 4);
        assert_eq!(
            push(
                &store,
                "s",
                vec![entry("https://a.test/", 0, DiscoveredVia::Seed)]
            )
            .known,
            1
        );
    }

    #[test]
    fn the_gate_decides_which_hosts_go() {
        let store = MemoryStore::new(StoreOptions::default()).expect("store");
        open(&store, "s", CrawlStart::NewCycle);
        push(
            &store,
            "s",
            vec![
                link("https://a.test/1", 1),
                link("https://b.test/1", 1),
                link("https://c.test/1", 1),
            ],
        );
        let mut gate = Gate::default();
        gate.answers
            .insert("a.test".into(), GateAnswer::Wait(Duration::from_secs(3)));
        gate.answers.insert("b.test".into(), GateAnswer::Busy);
        gate.answers
            .insert("c.test".into(), GateAnswer::Wait(Duration::from_secs(1)));
        let claims = store.claim_frontier("s", 10, &mut gate).expect("claim");
        assert!(claims.claims.is_empty());
        assert_eq!(claims.wait, Some(Duration::from_secs(1)));
        assert!(!claims.exhausted);
        gate.answers.remove("b.test");
        let claims = store.claim_frontier("s", 10, &mut gate).expect("claim");
        assert_eq!(urls(&claims.claims), ["https://b.test/1"]);
        // `max` bounds a call.
        gate.answers.clear();
        let claims = store.claim_frontier("s", 1, &mut gate).expect("claim");
        assert_eq!(claims.claims.len(), 1);
    }

    #[test]
    fn a_resumed_crawl_has_exactly_what_was_not_completed() {
        let kv = MemoryKv::default();
        let open_store =
            || KvStore::with_kv(&kv, StoreOptions::default(), "test".into()).expect("store");
        let store = open_store();
        open(&store, "s", CrawlStart::NewCycle);
        // Three segments' worth on one host, so heads cross segment boundaries.
        let n = SEG_ENTRIES as usize * 2 + 10;
        push(
            &store,
            "s",
            (0..n)
                .map(|i| link(&format!("https://a.test/{i}"), 1))
                .collect(),
        );
        let mut claims = claim_all(&store, "s");
        assert_eq!(claims.len(), n);
        // Complete all but every seventh, out of order.
        claims.reverse();
        let mut expected = Vec::new();
        for (i, claim) in claims.iter().enumerate() {
            if i % 7 == 3 {
                expected.push(claim.entry.url.clone());
            } else {
                complete(&store, "s", Some(claim), vec![]);
            }
        }
        drop(store);
        let store = open_store();
        assert_eq!(open(&store, "s", CrawlStart::Resume), expected.len() as u64);
        let mut again: Vec<String> = urls(&claim_all(&store, "s"))
            .into_iter()
            .map(String::from)
            .collect();
        again.sort();
        expected.sort();
        assert_eq!(again, expected);
        // Whole segments that are done are gone from the database.
        let segments = kv
            .to_map()
            .keys()
            .filter(|k| k.first() == Some(&keys::CRAWL_SEGMENT))
            .count();
        assert!(segments <= 3, "{segments} segments");
        // And the seen-set came back: a done URL is still known.
        assert_eq!(
            push(&store, "s", vec![link("https://a.test/0", 1)]).known,
            1
        );
    }

    #[test]
    fn claims_lapse_with_the_crawl_and_released_ones_come_first() {
        let store = MemoryStore::new(StoreOptions::default()).expect("store");
        open(&store, "s", CrawlStart::NewCycle);
        push(
            &store,
            "s",
            (0..5)
                .map(|i| link(&format!("https://a.test/{i}"), 1))
                .collect(),
        );
        let first = store
            .claim_frontier("s", 1, &mut Gate::default())
            .expect("claim")
            .claims;
        let second = store
            .claim_frontier("s", 1, &mut Gate::default())
            .expect("claim")
            .claims;
        store
            .release_frontier("s", second.clone())
            .expect("release");
        let next = store
            .claim_frontier("s", 1, &mut Gate::default())
            .expect("claim")
            .claims;
        assert_eq!(urls(&next), urls(&second));
        // Closing the crawl lets claims lapse: reopening hands everything out again.
        store.close_frontier("s");
        assert_eq!(open(&store, "s", CrawlStart::Resume), 5);
        let all = claim_all(&store, "s");
        assert_eq!(all.len(), 5);
        assert_eq!(all[0].entry.url, first[0].entry.url);
    }

    #[test]
    fn a_host_with_too_many_pending_urls_drops_the_rest() {
        let store = MemoryStore::new(StoreOptions::default()).expect("store");
        store
            .open_frontier(
                "trap",
                CrawlStart::NewCycle,
                FrontierLimits {
                    max_pending_per_host: 100,
                },
            )
            .expect("open");
        let adds = push(
            &store,
            "trap",
            (0..250)
                .map(|i| link(&format!("https://endless.test/n/{i}"), 1))
                .chain([link("https://calm.test/1", 1)])
                .collect(),
        );
        assert_eq!((adds.added, adds.dropped), (101, 150));
        // Dropped URLs are not known: once the host's queue shrinks they can come back.
        let claims = claim_all(&store, "trap");
        let first = claims
            .iter()
            .find(|c| c.entry.host == "endless.test")
            .expect("one");
        complete(&store, "trap", Some(first), vec![]);
        let adds = push(&store, "trap", vec![link("https://endless.test/n/200", 1)]);
        assert_eq!(adds.added, 1);
    }

    #[test]
    fn a_new_cycle_forgets_the_old_one_and_its_keys() {
        let kv = MemoryKv::default();
        let store = KvStore::with_kv(&kv, StoreOptions::default(), "t".into()).expect("store");
        open(&store, "s", CrawlStart::NewCycle);
        push(
            &store,
            "s",
            (0..300)
                .map(|i| link(&format!("https://a.test/{i}"), 1))
                .collect(),
        );
        open(&store, "other", CrawlStart::NewCycle);
        push(&store, "other", vec![link("https://b.test/1", 1)]);
        assert_eq!(open(&store, "s", CrawlStart::NewCycle), 0);
        assert_eq!(store.frontier_pending("s").expect("pending"), 0);
        assert_eq!(
            push(&store, "s", vec![link("https://a.test/1", 1)]).added,
            1
        );
        let generations: std::collections::BTreeSet<u32> = kv
            .to_map()
            .keys()
            .filter(|k| {
                matches!(k.first(), Some(&keys::CRAWL_SEGMENT | &keys::CRAWL_PART))
                    && k.get(3..4) == Some(b"s")
            })
            .filter_map(|k| keys::crawl_generation(k, "s"))
            .collect();
        assert_eq!(generations.len(), 1, "only the current generation is left");
        // Another crawl is untouched.
        assert_eq!(store.frontier_pending("other").expect("pending"), 1);
        // Resume of a crawl with nothing pending starts a new cycle.
        let one = claim_all(&store, "s");
        complete(&store, "s", Some(&one[0]), vec![]);
        assert_eq!(open(&store, "s", CrawlStart::Resume), 0);
        assert_eq!(
            push(&store, "s", vec![link("https://a.test/1", 1)]).added,
            1
        );
    }

    #[test]
    fn many_hosts_keep_memory_bounded_by_windows() {
        let store = MemoryStore::new(StoreOptions::default()).expect("store");
        open(&store, "s", CrawlStart::NewCycle);
        let hosts = 3000;
        push(
            &store,
            "s",
            (0..hosts)
                .flat_map(|h| (0..40).map(move |i| link(&format!("https://h{h}.test/{i}"), 1)))
                .collect(),
        );
        // Claim one URL of every host: each loads a window of its next entries.
        let claims = store
            .claim_frontier("s", hosts, &mut Gate::default())
            .expect("claim");
        assert_eq!(claims.claims.len(), hosts);
        let frontiers = store.frontiers();
        let windowed = frontiers.crawls["s"].windowed;
        assert!(windowed <= MAX_WINDOWED, "{windowed} entries held");
        drop(frontiers);
        // Everything is still handed out exactly once.
        let rest = claim_all(&store, "s");
        assert_eq!(rest.len(), hosts * 40 - hosts);
        let mut all: Vec<&str> = urls(&rest);
        all.extend(urls(&claims.claims));
        all.sort();
        all.dedup();
        assert_eq!(all.len(), hosts * 40);
    }

    /// The files every crawl lists.
    fn listed_files<K: Kv>(kv: &K) -> BTreeSet<u32> {
        let mut listed = BTreeSet::new();
        kv.scan_prefix(&[keys::CRAWL], &mut |key, value| {
            let meta = segment::decode_meta(value, key)?;
            listed.extend(meta.files.iter().map(|f| f.id));
            Ok(Scan::Continue)
        })
        .expect("scan");
        listed
    }

    fn blob_bytes(kv: &MemoryKv) -> u64 {
        let blobs = kv.blobs();
        let files = blobs.list().expect("list");
        files.iter().map(|&f| blobs.size(f).expect("size")).sum()
    }

    /// Pushes `n` URLs over `hosts` hosts in commits of `per` URLs; each URL has a token
    /// that does not compress, as real URLs' slugs and ids.
    fn push_many<K: Kv>(store: &KvStore<K>, crawl: &str, n: usize, hosts: usize, per: usize) {
        let all: Vec<FrontierEntry> = (0..n)
            .map(|i| {
                let token = (i as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15);
                link(&format!("https://h{}.test/{token:x}/{i}", i % hosts), 1)
            })
            .collect();
        for group in all.chunks(per) {
            push(store, crawl, group.to_vec());
        }
    }

    #[test]
    fn files_die_or_are_compacted_and_the_disk_holds_about_what_lives() {
        let kv = MemoryKv::default();
        let open_store =
            || KvStore::with_kv(&kv, StoreOptions::default(), "test".into()).expect("store");
        let store = open_store();
        let file_bytes = 8 << 10;
        store.set_frontier_file_bytes(file_bytes);
        open(&store, "s", CrawlStart::NewCycle);
        push_many(&store, "s", 9000, 3, 300);
        let listed = listed_files(&kv);
        assert!(listed.len() > 10, "{} files", listed.len());
        assert_eq!(
            kv.blobs().list().expect("list"),
            Vec::from_iter(listed.clone())
        );
        let (before, full) = (listed, blob_bytes(&kv));
        // Complete URLs in claim order, host by host, so whole segments finish.
        let claims = claim_all(&store, "s");
        assert_eq!(claims.len(), 9000);
        let (done, left) = claims.split_at(7500);
        for group in done.chunks(25) {
            let outcomes = group
                .iter()
                .map(|c| CrawlOutcome {
                    crawl: "s".into(),
                    claim: Some(c.ticket.clone()),
                    visited: Vec::new(),
                    result: PageResult::Nothing,
                    discovered: Vec::new(),
                })
                .collect();
            store.commit_crawl(outcomes).expect("commit");
        }
        // What is listed is what is there; dead and mostly dead files went.
        let listed = listed_files(&kv);
        assert_eq!(
            kv.blobs().list().expect("list"),
            Vec::from_iter(listed.clone())
        );
        let gone = before.difference(&listed).count();
        assert!(
            gone * 2 > before.len(),
            "{gone} of {} files gone",
            before.len()
        );
        let cf_live: u64 = store.frontiers().crawls["s"].live.values().sum();
        let now = blob_bytes(&kv);
        assert!(now * 3 < full * 2, "{now} bytes of {full} left");
        // Garbage is bounded: retired files are at least half live, plus the active ones.
        assert!(
            now <= 2 * cf_live + 2 * 2 * file_bytes,
            "{now} on disk, {cf_live} live"
        );
        // The live-bytes account matches the references, as a reopen counts them.
        drop(store);
        let store = open_store();
        assert_eq!(open(&store, "s", CrawlStart::Resume), 1500);
        let counted: u64 = store.frontiers().crawls["s"].live.values().sum();
        assert_eq!(counted, cf_live);
        let mut again: Vec<String> = urls(&claim_all(&store, "s"))
            .into_iter()
            .map(String::from)
            .collect();
        let mut expected: Vec<String> = urls(left).into_iter().map(String::from).collect();
        again.sort();
        expected.sort();
        assert_eq!(again, expected);
        // A new cycle drops the old files once the switch is durable.
        assert_eq!(open(&store, "s", CrawlStart::NewCycle), 0);
        assert!(kv.blobs().list().expect("list").is_empty());
        assert!(listed_files(&kv).is_empty());
    }

    #[test]
    fn a_commit_cut_off_after_its_blobs_leaves_garbage_that_the_next_open_removes() {
        use crate::store::kv::Dying;
        // Every budget cuts the workload off at a different batch.
        for budget in (3..40).step_by(3) {
            let kv = MemoryKv::default();
            let mut expected: BTreeSet<String> = BTreeSet::new();
            {
                let dying = Dying::new(&kv, budget);
                let store =
                    KvStore::with_kv(&dying, StoreOptions::default(), "t".into()).expect("store");
                store.set_frontier_file_bytes(1 << 10);
                open(&store, "s", CrawlStart::NewCycle);
                'work: for round in 0..20 {
                    let batch: Vec<FrontierEntry> = (0..30)
                        .map(|i| link(&format!("https://h{}.test/{round}/{i}", i % 3), 1))
                        .collect();
                    let outcome = CrawlOutcome {
                        crawl: "s".into(),
                        claim: None,
                        visited: Vec::new(),
                        result: PageResult::Nothing,
                        discovered: batch.clone(),
                    };
                    if store.commit_crawl(vec![outcome]).is_err() {
                        break 'work;
                    }
                    expected.extend(batch.into_iter().map(|e| e.url));
                    let claims = store
                        .claim_frontier("s", 20, &mut Gate::default())
                        .expect("claim")
                        .claims;
                    for claim in claims {
                        let url = claim.entry.url.clone();
                        let outcome = CrawlOutcome {
                            crawl: "s".into(),
                            claim: Some(claim.ticket),
                            visited: Vec::new(),
                            result: PageResult::Nothing,
                            discovered: Vec::new(),
                        };
                        if store.commit_crawl(vec![outcome]).is_err() {
                            break 'work;
                        }
                        expected.remove(&url);
                    }
                }
            }
            // The next open removes the files nothing lists and resumes exactly.
            let store = KvStore::with_kv(&kv, StoreOptions::default(), "t".into()).expect("reopen");
            assert_eq!(
                kv.blobs().list().expect("list"),
                Vec::from_iter(listed_files(&kv)),
                "budget {budget}"
            );
            let resumed = open(&store, "s", CrawlStart::Resume);
            let again: BTreeSet<String> = urls(&claim_all(&store, "s"))
                .into_iter()
                .map(String::from)
                .collect();
            if expected.is_empty() {
                assert_eq!(resumed, 0, "budget {budget}");
            } else {
                assert_eq!(resumed, expected.len() as u64, "budget {budget}");
                assert_eq!(again, expected, "budget {budget}");
            }
        }
    }

    /// Keys of the crawl's parts of segment `seg` of lane `lane` of `host`.
    fn part_keys(kv: &MemoryKv, crawl: &str, host: &str, lane: u8, seg: u64) -> usize {
        let mut n = 0;
        for generation in 0..4 {
            let prefix = keys::crawl_parts(crawl, generation, host, lane, seg);
            kv.scan_prefix(&prefix, &mut |_, _| {
                n += 1;
                Ok(Scan::Continue)
            })
            .expect("scan");
        }
        n
    }

    #[test]
    fn a_sealing_commit_removes_its_parts_and_a_resume_removes_what_a_crash_left() {
        use crate::store::kv::Dying;
        let mut left_by_crash = 0;
        // Every budget cuts the workload off at a different batch: before, inside and
        // after the commit that seals the lane's first segment.
        // (Creating the database takes a few batches: budgets that cut it off are skipped.)
        for budget in 1..24 {
            let kv = MemoryKv::default();
            let mut expected = Vec::new();
            {
                let dying = Dying::new(&kv, budget);
                let Ok(store) = KvStore::with_kv(&dying, StoreOptions::default(), "t".into())
                else {
                    continue;
                };
                if store
                    .open_frontier("s", CrawlStart::NewCycle, FrontierLimits::default())
                    .is_ok()
                {
                    // Commits of 50 to one lane: the sixth fills segment 0 (5 parts).
                    for round in 0..8 {
                        let batch: Vec<FrontierEntry> = (0..50)
                            .map(|i| link(&format!("https://h.test/{round}/{i}"), 1))
                            .collect();
                        let outcome = CrawlOutcome {
                            crawl: "s".into(),
                            claim: None,
                            visited: Vec::new(),
                            result: PageResult::Nothing,
                            discovered: batch.clone(),
                        };
                        if store.commit_crawl(vec![outcome]).is_err() {
                            break;
                        }
                        expected.extend(batch.into_iter().map(|e| e.url));
                    }
                }
            }
            let sealed = expected.len() >= SEG_ENTRIES as usize;
            let stale = part_keys(&kv, "s", "h.test", 1, 0);
            if sealed && stale > 0 {
                left_by_crash += 1;
            }
            if expected.len() == 400 {
                assert_eq!(stale, 0, "an uncut sealing commit leaves no parts");
            }
            let store = KvStore::with_kv(&kv, StoreOptions::default(), "t".into()).expect("reopen");
            let resumed = open(&store, "s", CrawlStart::Resume);
            assert_eq!(resumed, expected.len() as u64, "budget {budget}");
            if sealed {
                assert_eq!(part_keys(&kv, "s", "h.test", 1, 0), 0, "budget {budget}");
            }
            // Everything is there once, in order, and the files' accounting agrees.
            assert_eq!(urls(&claim_all(&store, "s")), expected, "budget {budget}");
            let live: u64 = store.frontiers().crawls["s"].live.values().sum();
            let mut referred = 0u64;
            for tag in [keys::CRAWL_SEGMENT, keys::CRAWL_PART] {
                kv.scan_prefix(&[tag], &mut |key, value| {
                    referred += u64::from(segment::decode_ref(value, key)?.len);
                    Ok(Scan::Continue)
                })
                .expect("scan");
            }
            let chunks: u64 = store.frontiers().crawls["s"]
                .meta
                .chunks
                .iter()
                .map(|c| u64::from(c.blob.len))
                .sum();
            assert_eq!(live, referred + chunks, "budget {budget}");
        }
        assert!(
            left_by_crash > 0,
            "no budget cut a sealing commit after its batch"
        );
    }

    /// Checks the crash rules on every write: a batch refers only to synced blob bytes,
    /// and a file is deleted only when no applied batch lists it and the last durable
    /// state did not either.
    struct Audited<'a> {
        inner: &'a MemoryKv,
        audit: std::sync::Mutex<Audit>,
    }

    #[derive(Default)]
    struct Audit {
        appended: HashMap<u32, u64>,
        synced: HashMap<u32, u64>,
        /// Per crawl key, the files its metadata lists as applied, and as durable.
        listed: HashMap<Vec<u8>, Vec<u32>>,
        durable: HashMap<Vec<u8>, Vec<u32>>,
        removed: usize,
        refs_checked: usize,
        /// Segments whose blob moved (compaction).
        moved: usize,
    }

    impl Audit {
        fn check(&mut self, at: &blobs::BlobRef) {
            let synced = self.synced.get(&at.file).copied().unwrap_or(0);
            assert!(
                at.offset + u64::from(at.len) <= synced,
                "a batch refers to {at:?}, past the {synced} synced bytes"
            );
            self.refs_checked += 1;
        }
    }

    impl Audited<'_> {
        fn audit(&self) -> std::sync::MutexGuard<'_, Audit> {
            self.audit.lock().expect("audit")
        }
    }

    impl Kv for Audited<'_> {
        fn get(&self, key: &[u8]) -> Result<Option<Vec<u8>>> {
            self.inner.get(key)
        }
        fn scan(
            &self,
            start: &[u8],
            end: Option<&[u8]>,
            visit: &mut crate::store::kv::Visitor<'_>,
        ) -> Result<()> {
            self.inner.scan(start, end, visit)
        }
        fn apply(&self, batch: WriteBatch) -> Result<()> {
            let mut copy = WriteBatch::default();
            {
                let mut audit = self.audit();
                for (key, value) in batch.into_writes() {
                    if let Some(value) = &value {
                        match key.first() {
                            Some(&keys::CRAWL_SEGMENT | &keys::CRAWL_PART) => {
                                audit.check(&segment::decode_ref(value, &key).expect("ref"));
                                if self.inner.get(&key)?.is_some() {
                                    audit.moved += 1;
                                }
                            }
                            Some(&keys::CRAWL) => {
                                let meta = segment::decode_meta(value, &key).expect("meta");
                                for chunk in &meta.chunks {
                                    audit.check(&chunk.blob);
                                }
                                let files = meta.files.iter().map(|f| f.id).collect();
                                audit.listed.insert(key.clone(), files);
                            }
                            _ => {}
                        }
                    }
                    match value {
                        Some(v) => copy.put(key, v),
                        None => copy.remove(key),
                    }
                }
            }
            self.inner.apply(copy)
        }
        fn flush(&self) -> Result<()> {
            self.inner.flush()?;
            let mut audit = self.audit();
            audit.durable = audit.listed.clone();
            Ok(())
        }
        fn blobs(&self) -> &dyn blobs::BlobFiles {
            self
        }
        fn pages(&self) -> &dyn blobs::BlobFiles {
            self.inner.pages()
        }
    }

    impl blobs::BlobFiles for Audited<'_> {
        fn append(&self, file: u32, bytes: &[u8]) -> Result<u64> {
            let at = self.inner.blobs().append(file, bytes)?;
            self.audit().appended.insert(file, at + bytes.len() as u64);
            Ok(at)
        }
        fn sync(&self, file: u32) -> Result<()> {
            self.inner.blobs().sync(file)?;
            let mut audit = self.audit();
            let end = audit.appended.get(&file).copied().unwrap_or(0);
            audit.synced.insert(file, end);
            Ok(())
        }
        fn read_at(&self, file: u32, offset: u64, len: u32) -> Result<Vec<u8>> {
            self.inner.blobs().read_at(file, offset, len)
        }
        fn size(&self, file: u32) -> Result<u64> {
            self.inner.blobs().size(file)
        }
        fn remove(&self, file: u32) -> Result<()> {
            let mut audit = self.audit();
            for (state, lists) in [("applied", &audit.listed), ("durable", &audit.durable)] {
                assert!(
                    lists.values().all(|files| !files.contains(&file)),
                    "file {file} deleted while the {state} state lists it"
                );
            }
            audit.removed += 1;
            drop(audit);
            self.inner.blobs().remove(file)
        }
        fn list(&self) -> Result<Vec<u32>> {
            self.inner.blobs().list()
        }
    }

    #[test]
    fn blobs_are_synced_before_their_batch_and_files_deleted_after_theirs_is_durable() {
        let inner = MemoryKv::default();
        let kv = Audited {
            inner: &inner,
            audit: Default::default(),
        };
        let store = KvStore::with_kv(&kv, StoreOptions::default(), "t".into()).expect("store");
        store.set_frontier_file_bytes(4 << 10);
        open(&store, "s", CrawlStart::NewCycle);
        push_many(&store, "s", 3000, 5, 30);
        let claims = claim_all(&store, "s");
        // Every host but one finishes: the files, where the hosts' segments are mixed, are
        // left mostly dead, and compacted.
        for claim in &claims {
            if claim.entry.host != "h0.test" {
                complete(&store, "s", Some(claim), vec![]);
            }
        }
        store.close_frontier("s");
        assert_eq!(open(&store, "s", CrawlStart::Resume), 600);
        let left = claim_all(&store, "s");
        assert!(left.iter().all(|c| c.entry.host == "h0.test"));
        assert_eq!(left.len(), 600);
        open(&store, "s", CrawlStart::NewCycle);
        let audit = kv.audit();
        assert!(audit.removed > 10, "{} files removed", audit.removed);
        assert!(audit.moved > 0, "nothing was compacted");
        assert!(audit.refs_checked > 1000, "{} refs", audit.refs_checked);
    }
}
