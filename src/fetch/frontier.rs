//! The frontier of one crawl: per-host queues in memory, persisted through the store.
//!
//! The store's frontier is the durable truth (which URLs this cycle knows, which are still
//! pending), so a crawl killed at any point resumes with what it had not finished. The
//! in-memory part only orders the work: one queue per host, visited round-robin, so a
//! site with ten thousand links cannot starve the others, and each host is asked through
//! [`Politeness`] whether it may be contacted now.

use std::collections::{HashMap, VecDeque};
use std::sync::Arc;
use std::time::Instant;

use url::Url;

use super::normalize::host_key;
use super::politeness::{Claim, HostSlot, Politeness};
use crate::store::{FrontierEntry, Store, StoreError};

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
}

impl Frontier {
    pub fn new(store: Arc<dyn Store>, source: &str) -> Self {
        Frontier {
            store,
            source: source.to_string(),
            queues: HashMap::new(),
            ring: VecDeque::new(),
            queued: 0,
            paused: HashMap::new(),
        }
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

    /// Enqueues the store's pending entries (an interrupted crawl). Returns how many.
    pub fn load_pending(&mut self) -> Result<usize, StoreError> {
        let pending = self.store.frontier_pending(&self.source)?;
        let mut loaded = 0;
        for entry in pending {
            match Url::parse(&entry.url) {
                Ok(url) => {
                    self.enqueue_back(Task::new(entry, url, 0));
                    loaded += 1;
                }
                Err(e) => {
                    tracing::warn!(url = %entry.url, error = %e, "dropping unparsable pending URL");
                    self.store.frontier_done(&self.source, &entry.url)?;
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
        } else {
            self.enqueue_back(task);
        }
        Ok(true)
    }

    /// Puts a task back at the head of its host's queue (a retry, a redirect hop, or a
    /// page waiting for its robots.txt).
    pub fn requeue(&mut self, task: Task) {
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
    pub fn done(&self, url: &str) -> Result<(), StoreError> {
        self.store.frontier_done(&self.source, url)
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
                    return Next::Settled(task);
                }
                continue;
            }
            match politeness.try_claim(&host, min_delay) {
                Claim::Ready(slot) => {
                    let task = queue.pop_front();
                    self.after_pop(host);
                    if let Some(task) = task {
                        return Next::Ready(task, slot);
                    }
                }
                Claim::WaitUntil(t) => {
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
        if self.queued == 0 {
            Next::Empty
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
