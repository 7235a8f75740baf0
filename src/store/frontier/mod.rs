//! The embedded frontier: per-host queues of URLs on disk, a compact seen-set in memory.
//!
//! Each crawl (a source) has, per host, [`LANES`](host::LANES) priority lanes of segments
//! stored in the same database as the articles ([`host`], [`segment`]), and a seen-set of
//! 64-bit URL hashes ([`seen`]). In memory the frontier keeps, per open crawl: each host's
//! cursors, a small window of its next entries read from disk, the tickets it handed out,
//! the ring of hosts that have something to hand out, and the seen-set. So memory grows
//! with the number of hosts and by 8–10 bytes per URL the cycle knows, not with the URLs
//! pending: ten million pending URLs are segments on disk.
//!
//! Writes happen only in commits (`KvStore::commit_crawl`): discovered URLs, completed
//! claims and the crawl's totals go into the same atomic batch as the articles, so a URL is
//! done exactly when its outcome is durable, and a crawl killed at any moment resumes with
//! every URL whose outcome was not committed. Claims and releases change only memory.
//!
//! A new cycle takes the next *generation* number in one small write; the previous
//! generation's keys are then removed in batches, and whatever a crash leaves of them is
//! removed the next time the crawl is opened.

pub(crate) mod host;
pub(crate) mod seen;
pub(crate) mod segment;

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet, VecDeque};
use std::sync::{Arc, MutexGuard};
use std::time::Duration;

use host::{Completed, Cursor, LANES, Pos, SEG_ENTRIES, lane_of, ticket_id, untangle};
use seen::{HashKeys, SeenSet};
use segment::{CrawlMeta, Segment};

use super::engine::KvStore;
use super::error::{Result, StoreError};
use super::keys;
use super::kv::{Kv, Scan, WriteBatch};
use super::record::FrontierEntry;
use super::roles::{
    Claim, Claims, CrawlOutcome, CrawlStart, FrontierAdds, FrontierLimits, GateAnswer, HostGate,
    OpenedCrawl, Ticket,
};

/// Entries read ahead per host: enough for a few claims without a disk read each.
const WINDOW: usize = 32;
/// Entries held in all windows of a crawl before idle hosts' windows are dropped.
const MAX_WINDOWED: usize = 64 * 1024;
/// Keys removed per batch when a generation is cleared.
const DELETE_BATCH: usize = 4096;
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
}

impl Frontiers {
    pub fn new(url_hash: HashKeys) -> Frontiers {
        Frontiers {
            url_hash,
            crawls: HashMap::new(),
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
    new_seen_set: HashSet<u64>,
    /// Entries appended, by host, lane and segment.
    appends: BTreeMap<(Arc<str>, usize, u64), Vec<FrontierEntry>>,
    freed: Vec<(Arc<str>, usize, u64)>,
    completed: Vec<(Arc<str>, u64)>,
}

/// A commit's frontier changes, crawl by crawl.
#[derive(Default)]
pub(crate) struct FrontierStage {
    crawls: BTreeMap<String, CrawlStage>,
}

impl<K: Kv> KvStore<K> {
    pub(crate) fn frontiers(&self) -> MutexGuard<'_, Frontiers> {
        // Memory changes only after its batch is written, in one step: a poisoned lock
        // still guards a consistent frontier.
        self.frontiers.lock().unwrap_or_else(|p| p.into_inner())
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
            let previous = meta.generation;
            meta = CrawlMeta {
                generation: previous.wrapping_add(1),
                ..CrawlMeta::default()
            };
            let mut batch = WriteBatch::default();
            batch.put(keys::crawl(crawl), segment::encode_meta(&meta)?);
            self.kv.apply(batch)?;
            // The old generation may only go once the switch away from it is durable.
            self.kv.flush()?;
        }
        self.remove_other_generations(crawl, meta.generation)?;
        let mut cf = CrawlFrontier {
            limits,
            hosts: HashMap::new(),
            ring: VecDeque::new(),
            seen: SeenSet::new(),
            windowed: 0,
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
            for &(chunk, _) in &cf.meta.chunks {
                let key = keys::crawl_seen(crawl, generation, chunk);
                let bytes = self.kv.get(&key)?.ok_or_else(|| StoreError::Corrupt {
                    what: "frontier seen-set",
                    key: keys::display(&key),
                    detail: "a chunk the crawl lists is missing".into(),
                })?;
                seen::decode_chunk(&bytes, &key, |h| {
                    cf.seen.insert(h);
                })?;
            }
            tracing::debug!(database = %self.label, crawl, pending, hosts = cf.hosts.len(), seen = cf.seen.len(), "frontier resumed");
        }
        let resumed = if resume { cf.meta.pending } else { 0 };
        frontiers.crawls.insert(crawl.to_string(), cf);
        Ok(OpenedCrawl { resumed })
    }

    /// Removes the keys of `crawl` of every generation but `keep`.
    fn remove_other_generations(&self, crawl: &str, keep: u32) -> Result<()> {
        let mut removed = 0;
        for tag in [
            keys::CRAWL_HOST,
            keys::CRAWL_SEGMENT,
            keys::CRAWL_PART,
            keys::CRAWL_SEEN,
        ] {
            let all = keys::crawl_prefix(tag, crawl, None);
            let kept = keys::crawl_prefix(tag, crawl, Some(keep));
            let ranges = [
                (all.clone(), Some(kept.clone())),
                (
                    keys::prefix_end(&kept).unwrap_or_else(|| all.clone()),
                    keys::prefix_end(&all),
                ),
            ];
            for (start, end) in ranges {
                loop {
                    let mut batch = WriteBatch::default();
                    self.kv.scan(&start, end.as_deref(), &mut |key, _| {
                        batch.remove(key.to_vec());
                        Ok(if batch.len() >= DELETE_BATCH {
                            Scan::Stop
                        } else {
                            Scan::Continue
                        })
                    })?;
                    if batch.is_empty() {
                        break;
                    }
                    removed += batch.len();
                    self.kv.apply(batch)?;
                }
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
                Some(bytes) => Ok(Some((Segment::decode(&bytes, &key)?, key))),
                None => Ok(None),
            };
        }
        let prefix = keys::crawl_parts(crawl, generation, host, lane as u8, seg);
        let mut joined: Option<Segment> = None;
        self.kv.scan_prefix(&prefix, &mut |key, value| {
            let part = Segment::decode(value, key)?;
            match &mut joined {
                Some(j) => j.extend(&part),
                None => joined = Some(part),
            }
            Ok(Scan::Continue)
        })?;
        Ok(joined.map(|j| (j, prefix)))
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
    /// `outcomes`, written into `batch`. Memory changes only in [`Self::apply_frontier`],
    /// after the batch is written.
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
                    new_seen_set: HashSet::new(),
                    appends: BTreeMap::new(),
                    freed: Vec::new(),
                    completed: Vec::new(),
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
                if cf.seen.contains(hash) || cs.new_seen_set.contains(&hash) {
                    add.known += 1;
                    continue;
                }
                let host = host_key(cf, &entry.host);
                let limit = cf.limits.max_pending_per_host;
                let cursor = cs.cursor(cf, &host);
                if cursor.pending >= limit {
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
                    .push(entry.clone());
                cs.new_seen_set.insert(hash);
                cs.new_seen.push(hash);
                cs.meta.pending += 1;
                add.added += 1;
            }
            adds.push(add);
        }
        for (crawl, cs) in &mut stage.crawls {
            self.write_stage(crawl, cs, batch)?;
        }
        Ok((stage, adds))
    }

    /// Writes a crawl's staged changes into `batch`.
    fn write_stage(&self, crawl: &str, cs: &mut CrawlStage, batch: &mut WriteBatch) -> Result<()> {
        let generation = cs.meta.generation;
        for ((host, lane, seg), entries) in &cs.appends {
            let lane8 = *lane as u8;
            let mut part = Segment::default();
            for entry in entries {
                part.push(entry);
            }
            // Where this commit's entries start: the lane's tail before them.
            let tail = cs.cursors[host].lanes[*lane].tail;
            let end = if tail.seg > *seg {
                SEG_ENTRIES
            } else {
                tail.off
            };
            let first = end - entries.len() as u32;
            if end < SEG_ENTRIES {
                batch.put(
                    keys::crawl_part(crawl, generation, host, lane8, *seg, first),
                    part.encode(false)?,
                );
                continue;
            }
            // Full: the earlier parts and these entries become one sealed segment.
            let prefix = keys::crawl_parts(crawl, generation, host, lane8, *seg);
            let mut sealed: Option<Segment> = None;
            self.kv.scan_prefix(&prefix, &mut |key, value| {
                let earlier = Segment::decode(value, key)?;
                match &mut sealed {
                    Some(s) => s.extend(&earlier),
                    None => sealed = Some(earlier),
                }
                batch.remove(key.to_vec());
                Ok(Scan::Continue)
            })?;
            let mut sealed = sealed.unwrap_or_default();
            sealed.extend(&part);
            if sealed.len() != SEG_ENTRIES as usize {
                return Err(StoreError::Corrupt {
                    what: "frontier segment",
                    key: keys::display(&prefix),
                    detail: format!("{} entries where {SEG_ENTRIES} were written", sealed.len()),
                });
            }
            batch.put(
                keys::crawl_segment(crawl, generation, host, lane8, *seg),
                sealed.encode(true)?,
            );
        }
        for (host, lane, seg) in &cs.freed {
            batch.remove(keys::crawl_segment(
                crawl,
                generation,
                host,
                *lane as u8,
                *seg,
            ));
        }
        for (host, cursor) in &cs.cursors {
            batch.put(
                keys::crawl_host(crawl, generation, host),
                segment::encode_cursor(cursor)?,
            );
        }
        if !cs.new_seen.is_empty() {
            let sizes: Vec<usize> = cs.meta.chunks.iter().map(|&(_, n)| n as usize).collect();
            let merge = seen::chunks_to_merge(&sizes, cs.new_seen.len());
            let mut hashes = cs.new_seen.clone();
            for (chunk, _) in cs.meta.chunks.drain(sizes.len() - merge..) {
                let key = keys::crawl_seen(crawl, generation, chunk);
                let bytes = self.kv.get(&key)?.ok_or_else(|| StoreError::Corrupt {
                    what: "frontier seen-set",
                    key: keys::display(&key),
                    detail: "a chunk the crawl lists is missing".into(),
                })?;
                seen::decode_chunk(&bytes, &key, |h| hashes.push(h))?;
                batch.remove(key);
            }
            cs.meta.last_chunk += 1;
            let count = hashes.len() as u64;
            batch.put(
                keys::crawl_seen(crawl, generation, cs.meta.last_chunk),
                seen::encode_chunk(&mut hashes),
            );
            cs.meta.chunks.push((cs.meta.last_chunk, count));
        }
        batch.put(keys::crawl(crawl), segment::encode_meta(&cs.meta)?);
        Ok(())
    }

    /// Applies a stage to memory once its batch is written.
    pub(crate) fn apply_frontier(frontiers: &mut Frontiers, stage: FrontierStage) {
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
            for ((host, _, _), _) in cs.appends {
                if let Some(hq) = cf.hosts.get_mut(&host) {
                    if !hq.in_ring && hq.unclaimed() > 0 {
                        hq.in_ring = true;
                        cf.ring.push_back(host);
                    }
                }
            }
            cf.meta = cs.meta;
        }
    }
}

/// The shared name of `host` in a crawl (one allocation per host, not per URL).
fn host_key(cf: &CrawlFrontier, host: &str) -> Arc<str> {
    match cf.hosts.get_key_value(host) {
        Some((k, _)) => Arc::clone(k),
        None => Arc::from(host),
    }
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
}
