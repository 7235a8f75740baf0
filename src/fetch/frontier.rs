//! The frontier of one crawl: per-host queues in memory, persisted through the store.
//!
//! The store's frontier is the durable truth (which URLs this cycle knows, which are still
//! pending), so a crawl killed at any point resumes with what it had not finished. The
//! in-memory part only orders the work: one queue per host, visited round-robin, so a
//! site with ten thousand links cannot starve the others, and each host is asked through
//! [`Politeness`] whether it may be contacted now.
//!
//! Memory stays bounded however many URLs a site or sitemap offers: at most
//! [`MAX_QUEUED_IN_MEMORY`] tasks are held; further URLs are only recorded in the store
//! (pending) and read back when the in-memory queues run dry.

use std::collections::{HashMap, HashSet, VecDeque};
use std::sync::Arc;
use std::time::Instant;

use url::Url;

use super::normalize::host_key;
use super::politeness::{Claim, HostSlot, Politeness};
use crate::store::{FrontierEntry, Store, StoreError};

/// Tasks held in memory per crawl (a few hundred bytes each); the rest wait in the store.
pub const MAX_QUEUED_IN_MEMORY: usize = 100_000;
/// Pending entries read from the store at a time when the queues are refilled.
const PENDING_PAGE: usize = 1024;

/// One unit of work: a frontier entry, and the in-memory state of its fetch.
#[derive(Debug, Clone)]
pub struct Task {
    /// The entry as persisted; `entry.url` is the URL as discovered.
    pub entry: FrontierEntry,
    /// The URL to request now: `entry.url`, or a redirect target on the way from it.
    pub url: Url,
    /// Failed attempts so far.
    pub attempt: u32,
    /// URLs already requested on the way here (redirect hops), oldest first.
    pub hops: Vec<String>,
    /// Links in a row that only incremented a number (trap detection).
    pub counter_chain: u32,
}

impl Task {
    pub fn new(entry: FrontierEntry, url: Url, counter_chain: u32) -> Self {
        Task {
            entry,
            url,
            attempt: 0,
            hops: Vec::new(),
            counter_chain,
        }
    }

    pub fn host(&self) -> String {
        host_key(&self.url)
    }
}

/// What [`Frontier::next`] found.
pub enum Next {
    /// A task whose host may be contacted now, with the slot that allows it.
    Ready(Task, HostSlot),
    /// A task that needs no request (decided by the caller's filter).
    Settled(Task),
    /// Nothing is ready; the earliest host becomes ready at this instant (if known).
    Wait(Option<Instant>),
    /// No queued work at all.
    Empty,
}

/// What the caller's filter says about a task before a slot is claimed for it.
pub enum Filter {
    /// Needs a request.
    Fetch,
    /// Can be settled without a request (e.g. robots.txt already forbids it).
    Settle,
}

/// Per-host queues for one crawl.
pub struct Frontier {
    store: Arc<dyn Store>,
    source: String,
    queues: HashMap<String, VecDeque<Task>>,
    /// Hosts with queued tasks, in round-robin order.
    ring: VecDeque<String>,
    queued: usize,
    /// Hosts whose circuit breaker opened during this crawl, with the tasks dropped.
    paused: HashMap<String, usize>,
    /// Most tasks held in memory.
    capacity: usize,
    /// Pending URLs exist in the store that are not in memory.
    spilled: bool,
    /// URLs (as discovered and as requested) of tasks handed out and not yet settled.
    in_flight: HashSet<String>,
}

impl Frontier {
    pub fn new(store: Arc<dyn Store>, source: &str) -> Self {
        Frontier::with_capacity(store, source, MAX_QUEUED_IN_MEMORY)
    }

    /// A frontier holding at most `capacity` tasks in memory.
    pub fn with_capacity(store: Arc<dyn Store>, source: &str, capacity: usize) -> Self {
        Frontier {
            store,
            source: source.to_string(),
            queues: HashMap::new(),
            ring: VecDeque::new(),
            queued: 0,
            paused: HashMap::new(),
            capacity: capacity.max(1),
            spilled: false,
            in_flight: HashSet::new(),
        }
    }

    /// True when the in-memory queues are empty but the store holds more pending URLs.
    pub fn needs_reload(&self) -> bool {
        self.queued == 0 && self.spilled
    }

    pub fn queued(&self) -> usize {
        self.queued
    }

    /// Hosts that have queued work.
    pub fn hosts(&self) -> impl Iterator<Item = &String> {
        self.ring.iter()
    }

    /// Tasks dropped from hosts paused by their circuit breaker (left pending in the store).
    pub fn paused_tasks(&self) -> usize {
        self.paused.values().sum()
    }

    /// Enqueues the store's pending entries (an interrupted crawl, or URLs that did not fit
    /// in memory), except those in flight. Returns how many.
    pub fn load_pending(&mut self) -> Result<usize, StoreError> {
        self.spilled = false;
        let mut loaded = 0;
        let mut after = 0;
        'pages: loop {
            let page = self
                .store
                .frontier_pending(&self.source, after, PENDING_PAGE)?;
            if page.entries.is_empty() {
                break;
            }
            after = page.next;
            for entry in page.entries {
                if self.in_flight.contains(&entry.url) {
                    continue;
                }
                if self.queued >= self.capacity {
                    self.spilled = true;
                    break 'pages;
                }
                match Url::parse(&entry.url) {
                    Ok(url) => {
                        let task = Task::new(entry, url, 0);
                        if let Some(n) = self.paused.get_mut(&task.host()) {
                            *n += 1;
                            continue;
                        }
                        self.enqueue_back(task);
                        loaded += 1;
                    }
                    Err(e) => {
                        tracing::warn!(url = %entry.url, error = %e, "dropping unparsable pending URL");
                        self.store.frontier_done(&self.source, &entry.url)?;
                    }
                }
            }
        }
        Ok(loaded)
    }

    /// Starts a new cycle: the store forgets this source's known and pending URLs.
    pub fn new_cycle(&mut self) -> Result<(), StoreError> {
        self.store.frontier_new_cycle(&self.source)
    }

    /// Adds a newly discovered URL unless this cycle already knows it. Returns whether it
    /// was new.
    pub fn add(
        &mut self,
        entry: FrontierEntry,
        url: Url,
        counter_chain: u32,
    ) -> Result<bool, StoreError> {
        if !self.store.frontier_push(&entry)? {
            return Ok(false);
        }
        let task = Task::new(entry, url, counter_chain);
        if self.paused.contains_key(&task.host()) {
            *self.paused.entry(task.host()).or_default() += 1;
        } else if self.queued >= self.capacity {
            // Known and pending in the store; read back when memory has room.
            self.spilled = true;
        } else {
            self.enqueue_back(task);
        }
        Ok(true)
    }

    /// Puts a task back at the head of its host's queue (a retry, a redirect hop, or a
    /// page waiting for its robots.txt).
    pub fn requeue(&mut self, task: Task) {
        self.in_flight.remove(&task.entry.url);
        self.in_flight.remove(task.url.as_str());
        let host = task.host();
        if let Some(n) = self.paused.get_mut(&host) {
            *n += 1;
            return;
        }
        let queue = self.queues.entry(host.clone()).or_default();
        if queue.is_empty() {
            self.ring.push_back(host);
        }
        queue.push_front(task);
        self.queued += 1;
    }

    fn enqueue_back(&mut self, task: Task) {
        let host = task.host();
        let queue = self.queues.entry(host.clone()).or_default();
        if queue.is_empty() {
            self.ring.push_back(host);
        }
        queue.push_back(task);
        self.queued += 1;
    }

    /// Marks a URL finished for this cycle.
    pub fn done(&mut self, url: &str) -> Result<(), StoreError> {
        self.in_flight.remove(url);
        self.store.frontier_done(&self.source, url)
    }

    fn hand_out(&mut self, task: &Task) {
        self.in_flight.insert(task.entry.url.clone());
        self.in_flight.insert(task.url.to_string());
    }

    /// Finds the next task whose host may be contacted now, visiting hosts round-robin.
    pub fn next(
        &mut self,
        politeness: &Arc<Politeness>,
        min_delay: std::time::Duration,
        mut filter: impl FnMut(&Task) -> Filter,
    ) -> Next {
        let mut earliest: Option<Instant> = None;
        for _ in 0..self.ring.len() {
            let Some(host) = self.ring.pop_front() else {
                break;
            };
            let Some(queue) = self.queues.get_mut(&host) else {
                continue;
            };
            let Some(front) = queue.front() else {
                self.queues.remove(&host);
                continue;
            };
            if let Filter::Settle = filter(front) {
                let task = queue.pop_front();
                self.after_pop(host);
                if let Some(task) = task {
                    self.hand_out(&task);
                    return Next::Settled(task);
                }
                continue;
            }
            match politeness.try_claim(&host, min_delay) {
                Claim::Ready(slot) => {
                    let task = queue.pop_front();
                    self.after_pop(host);
                    if let Some(task) = task {
                        self.hand_out(&task);
                        return Next::Ready(task, slot);
                    }
                }
                Claim::WaitUntil(t) => {
                    let t = t.into_std();
                    earliest = Some(earliest.map_or(t, |e| e.min(t)));
                    self.ring.push_back(host);
                }
                Claim::Busy => self.ring.push_back(host),
                Claim::Paused(_) => {
                    let dropped = self.queues.remove(&host).map_or(0, |q| q.len());
                    self.queued -= dropped;
                    tracing::warn!(%host, dropped, "host paused by its circuit breaker: its URLs stay pending for the next run");
                    self.paused.insert(host, dropped);
                }
            }
        }
        if self.queued == 0 && !self.spilled {
            Next::Empty
        } else if self.queued == 0 {
            Next::Wait(None)
        } else {
            Next::Wait(earliest)
        }
    }

    fn after_pop(&mut self, host: String) {
        self.queued -= 1;
        if self.queues.get(&host).is_some_and(|q| !q.is_empty()) {
            self.ring.push_back(host);
        } else {
            self.queues.remove(&host);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::{CrawlerConfig, Dur};
    use crate::store::{DiscoveredVia, MemoryStore, StoreOptions};
    use std::time::Duration;

    fn entry(url: &str) -> (FrontierEntry, Url) {
        let parsed = Url::parse(url).expect("url");
        (
            FrontierEntry {
                url: url.to_string(),
                depth: 1,
                discovered_from: None,
                discovered_via: DiscoveredVia::Link,
                source: "s".into(),
            },
            parsed,
        )
    }

    fn frontier() -> (Frontier, Arc<dyn Store>) {
        let store: Arc<dyn Store> =
            Arc::new(MemoryStore::new(StoreOptions::default()).expect("store"));
        (Frontier::new(Arc::clone(&store), "s"), store)
    }

    #[test]
    fn hosts_take_turns_and_urls_are_known_once() {
        let (mut f, _) = frontier();
        for url in [
            "http://a.test/1",
            "http://a.test/2",
            "http://b.test/1",
            "http://a.test/1",
        ] {
            let (e, u) = entry(url);
            f.add(e, u, 0).expect("add");
        }
        assert_eq!(f.queued(), 3, "the repeated URL is not queued again");
        let politeness = Politeness::new(&CrawlerConfig {
            min_delay: Dur::from(Duration::ZERO),
            ..CrawlerConfig::default()
        });
        let mut order = Vec::new();
        while let Next::Ready(task, slot) = f.next(&politeness, Duration::ZERO, |_| Filter::Fetch) {
            order.push(task.url.to_string());
            drop(slot);
        }
        assert_eq!(
            order,
            ["http://a.test/1", "http://b.test/1", "http://a.test/2"]
        );
        assert!(matches!(
            f.next(&politeness, Duration::ZERO, |_| Filter::Fetch),
            Next::Empty
        ));
    }

    #[test]
    fn pending_entries_survive_for_resume() {
        let (mut f, store) = frontier();
        for url in ["http://a.test/1", "http://a.test/2"] {
            let (e, u) = entry(url);
            f.add(e, u, 0).expect("add");
        }
        f.done("http://a.test/1").expect("done");
        drop(f);
        let mut resumed = Frontier::new(store, "s");
        assert_eq!(resumed.load_pending().expect("load"), 1);
        let politeness = Politeness::new(&CrawlerConfig::default());
        match resumed.next(&politeness, Duration::ZERO, |_| Filter::Fetch) {
            Next::Ready(task, _) => assert_eq!(task.url.as_str(), "http://a.test/2"),
            _ => panic!("the pending URL is ready"),
        }
    }

    #[test]
    fn a_busy_host_waits_and_a_settled_task_needs_no_slot() {
        let (mut f, _) = frontier();
        let (e, u) = entry("http://a.test/1");
        f.add(e, u, 0).expect("add");
        let (e, u) = entry("http://a.test/2");
        f.add(e, u, 0).expect("add");
        let politeness = Politeness::new(&CrawlerConfig::default());
        let delay = Duration::from_secs(60);
        let _slot = match f.next(&politeness, delay, |_| Filter::Fetch) {
            Next::Ready(_, slot) => slot,
            _ => panic!("first is ready"),
        };
        assert!(matches!(
            f.next(&politeness, delay, |_| Filter::Fetch),
            Next::Wait(_)
        ));
        assert!(matches!(
            f.next(&politeness, delay, |_| Filter::Settle),
            Next::Settled(_)
        ));
        assert_eq!(f.queued(), 0);
    }
}

#[cfg(test)]
mod capacity_tests {
    use super::*;
    use crate::config::{CrawlerConfig, Dur};
    use crate::store::{DiscoveredVia, MemoryStore, StoreOptions};
    use std::time::Duration;

    #[test]
    fn resume_reads_the_store_a_page_at_a_time_up_to_capacity() {
        let store: Arc<dyn Store> =
            Arc::new(MemoryStore::new(StoreOptions::default()).expect("store"));
        let total = PENDING_PAGE * 2 + 500;
        for i in 0..total {
            let entry = FrontierEntry {
                url: format!("http://h{}.test/{i}", i % 7),
                depth: 1,
                discovered_from: None,
                discovered_via: DiscoveredVia::Link,
                source: "s".into(),
            };
            assert!(store.frontier_push(&entry).expect("push"));
        }
        let capacity = PENDING_PAGE * 2 + 100;
        let mut f = Frontier::with_capacity(Arc::clone(&store), "s", capacity);
        assert_eq!(
            f.load_pending().expect("load"),
            capacity,
            "three pages read"
        );
        assert_eq!(f.queued(), capacity);

        let mut all = Frontier::with_capacity(store, "s", total + 1);
        assert_eq!(all.load_pending().expect("load"), total, "every page read");
        assert!(!all.needs_reload());
    }

    #[test]
    fn urls_beyond_capacity_wait_in_the_store() {
        let store: Arc<dyn Store> =
            Arc::new(MemoryStore::new(StoreOptions::default()).expect("store"));
        let mut f = Frontier::with_capacity(Arc::clone(&store), "s", 3);
        for i in 0..10 {
            let url = format!("http://h{i}.test/");
            let entry = FrontierEntry {
                url: url.clone(),
                depth: 0,
                discovered_from: None,
                discovered_via: DiscoveredVia::Seed,
                source: "s".into(),
            };
            assert!(
                f.add(entry, Url::parse(&url).expect("url"), 0)
                    .expect("add")
            );
        }
        assert_eq!(f.queued(), 3, "memory holds the capacity only");
        let politeness = Politeness::new(&CrawlerConfig {
            min_delay: Dur::from(Duration::ZERO),
            ..CrawlerConfig::default()
        });
        let mut fetched = Vec::new();
        loop {
            if f.needs_reload() {
                f.load_pending().expect("reload");
            }
            match f.next(&politeness, Duration::ZERO, |_| Filter::Fetch) {
                Next::Ready(task, _slot) => {
                    fetched.push(task.url.to_string());
                    f.done(&task.entry.url).expect("done");
                }
                Next::Empty => break,
                other => panic!("unexpected {}", matches!(other, Next::Wait(_))),
            }
            assert!(f.queued() <= 3);
        }
        fetched.sort();
        fetched.dedup();
        assert_eq!(fetched.len(), 10, "every URL fetched once: {fetched:?}");
    }
}
