//! Politeness: how often and how hard each host is asked, shared by every crawl.
//!
//! One [`Politeness`] lives per process. Because the state is per host and not per crawl,
//! two sources on one site share one budget and never double its rate.
//!
//! **What governor does.** Each host has a `governor` rate limiter of burst 1 whose period is
//! the host's delay, `max(min_delay, Crawl-delay)` with Crawl-delay capped at
//! `max_crawl_delay` (no limiter when that delay is zero): it spaces the starts of requests
//! to the host, and is rebuilt when the delay changes (a Crawl-delay becomes known, or a
//! crawl with another `min_delay` asks). The optional global cap
//! (`crawler.max_requests_per_second`) is one more limiter, shared by every host, that
//! spaces all request starts evenly. Limiters run on [`TokioClock`], governor's clock over
//! `tokio::time::Instant`, so pacing follows paused tokio time in tests and is the clock
//! the scheduler sleeps on.
//!
//! **What is hand-written on top, and why.** governor has no Retry-After, no backoff and no
//! circuit breaker, and it cannot move a limiter's next slot to an arbitrary instant:
//! - failures hold the host until a later instant: `Retry-After` (seconds or HTTP date,
//!   capped at `max_retry_after`) when the server gave one, else exponential backoff with
//!   jitter ([`backoff`]); after [`BREAKER_THRESHOLD`] consecutive failures the host is
//!   paused for [`BREAKER_COOLDOWN`] (a circuit breaker), logged once rather than per URL;
//! - [`Politeness::not_before`] holds a host the same way, for a shared frontier that
//!   carries a host's next-allowed time between nodes ([`Politeness::pacing`] reads it);
//! - spacing also counts from the *end* of an exchange: when a request finishes, the host's
//!   limiter restarts its period then, so the server never sees two requests closer than
//!   the delay however long one took. A burst-1 limiter that would allow a request now
//!   behaves exactly like a new one, which is how a period is restarted and how a slot
//!   taken by a claim that then fails (global concurrency or rate) is given back;
//! - requests in flight are bounded per host (`per_host_concurrency`) and overall
//!   (`concurrency`, a semaphore): a rate limiter bounds starts, not what is outstanding.
//!
//! Claims are non-blocking ([`Politeness::try_claim`]): the scheduler asks which host may go
//! now instead of parking tasks that hold a concurrency slot while they sleep.
//!
//! Memory is bounded: the state of hosts left alone for a while (nothing in flight, no hold
//! or pause pending, idle longer than their delay, no failure streak or Crawl-delay still
//! worth remembering) is dropped whenever the table has doubled since the last sweep.

use std::collections::HashMap;
use std::ops::Add;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, SystemTime};

use governor::clock::{Clock, Reference};
use governor::middleware::NoOpMiddleware;
use governor::nanos::Nanos;
use governor::state::{InMemoryState, NotKeyed};
use governor::{Quota, RateLimiter};
use rand::Rng;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use tokio::time::Instant;

use crate::config::CrawlerConfig;

/// Consecutive failed exchanges with a host before it is paused.
pub const BREAKER_THRESHOLD: u32 = 5;
/// How long a host whose breaker tripped is left alone.
pub const BREAKER_COOLDOWN: Duration = Duration::from_secs(300);
/// First backoff step after a failure without Retry-After; doubles per consecutive failure.
pub const BASE_BACKOFF: Duration = Duration::from_millis(500);
/// The host table is never swept below this size (sweeping a small table gains nothing).
pub const MIN_SWEEP_HOSTS: usize = 4096;

/// governor's [`Clock`] over tokio's time (`tokio::time::Instant`), which tests can pause
/// and advance.
#[derive(Debug, Clone, Copy, Default)]
pub struct TokioClock;

/// A [`TokioClock`] reading; governor needs `Add<Nanos>` on it, hence the wrapper.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct TokioInstant(pub Instant);

impl Add<Nanos> for TokioInstant {
    type Output = Self;
    fn add(self, other: Nanos) -> Self {
        TokioInstant(self.0 + Duration::from(other))
    }
}

impl Reference for TokioInstant {
    fn duration_since(&self, earlier: Self) -> Nanos {
        self.0.saturating_duration_since(earlier.0).into()
    }
    fn saturating_sub(&self, duration: Nanos) -> Self {
        self.0
            .checked_sub(duration.into())
            .map_or(*self, TokioInstant)
    }
}

impl Clock for TokioClock {
    type Instant = TokioInstant;
    fn now(&self) -> TokioInstant {
        TokioInstant(Instant::now())
    }
}

/// One request start per period, no burst, on tokio time.
type Limiter = RateLimiter<NotKeyed, InMemoryState, TokioClock, NoOpMiddleware<TokioInstant>>;

/// A limiter letting one request start per `period`; `None` when the period is zero.
fn limiter(period: Duration) -> Option<Limiter> {
    Quota::with_period(period).map(|quota| RateLimiter::direct_with_clock(quota, TokioClock))
}

/// Spacing of request starts to one host: a burst-1 governor limiter of the host's delay.
struct Pacer {
    period: Duration,
    limiter: Option<Limiter>,
}

impl std::fmt::Debug for Pacer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Pacer")
            .field("period", &self.period)
            .finish()
    }
}

impl Pacer {
    fn new(period: Duration) -> Self {
        Pacer {
            period,
            limiter: limiter(period),
        }
    }

    /// Takes the host's slot if it is free now, else says when it will be.
    fn take(&self) -> Result<(), Instant> {
        match &self.limiter {
            None => Ok(()),
            Some(l) => l
                .check()
                .map_err(|not_until| not_until.earliest_possible().0),
        }
    }

    /// Undoes a [`take`](Self::take) that succeeded just now. A burst-1 limiter that
    /// allowed a cell at `now` has its theoretical arrival time at or before `now`, and from
    /// then on decides exactly like a fresh one: replacing it is the undo.
    fn give_back(&mut self) {
        self.limiter = limiter(self.period);
    }

    /// When the next slot is free; `None` when it is free now.
    fn next_free(&mut self) -> Option<Instant> {
        match self.take() {
            Ok(()) => {
                self.give_back();
                None
            }
            Err(at) => Some(at),
        }
    }

    /// Restarts the period now: the next slot is one period from now. Every slot taken so far
    /// was taken at or before now, so this never brings the next slot forward.
    fn restart(&mut self) {
        self.limiter = limiter(self.period);
        let _ = self.take();
    }

    /// Rebuilds the limiter for a new period. The old limiter's pending slot, if any, is
    /// returned so that the caller keeps honouring it.
    fn set_period(&mut self, period: Duration) -> Option<Instant> {
        if period == self.period {
            return None;
        }
        let pending = self.next_free();
        *self = Pacer::new(period);
        pending
    }
}

#[derive(Debug)]
struct HostState {
    pacer: Pacer,
    /// The `min_delay` of the crawl that last asked (a Crawl-delay is combined with it).
    min_delay: Duration,
    crawl_delay: Option<Duration>,
    /// A floor under the next start that governor cannot express: Retry-After, backoff, a
    /// seeded not-before, or the previous limiter's pending slot when the delay changed.
    held_until: Option<Instant>,
    in_flight: usize,
    consecutive_failures: u32,
    paused_until: Option<Instant>,
    /// Last claim, release, outcome or Crawl-delay update.
    last_active: Instant,
}

impl HostState {
    fn new(now: Instant) -> Self {
        HostState {
            pacer: Pacer::new(Duration::ZERO),
            min_delay: Duration::ZERO,
            crawl_delay: None,
            held_until: None,
            in_flight: 0,
            consecutive_failures: 0,
            paused_until: None,
            last_active: now,
        }
    }

    fn hold(&mut self, until: Instant) {
        self.held_until = Some(self.held_until.map_or(until, |h| h.max(until)));
    }

    /// The instant the next request may start: pacing, hold and pause together.
    fn next_allowed(&mut self, now: Instant) -> Instant {
        [self.pacer.next_free(), self.held_until, self.paused_until]
            .into_iter()
            .flatten()
            .fold(now, Instant::max)
    }
}

/// A host's pacing state, for writing back to a shared frontier (see
/// [`Politeness::pacing`] and [`Politeness::not_before`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HostPacing {
    /// When the next request may start (now, when it may start now): the limiter's next
    /// slot, any hold and the breaker's pause together.
    pub next_allowed: Instant,
    /// Until when Retry-After, backoff or a seeded not-before holds the host.
    pub held_until: Option<Instant>,
    /// Consecutive failed exchanges: the next backoff step, and how close the breaker is.
    pub consecutive_failures: u32,
    /// Until when the circuit breaker pauses the host.
    pub paused_until: Option<Instant>,
    /// The robots.txt Crawl-delay as the host gave it (capped only when applied).
    pub crawl_delay: Option<Duration>,
    /// The delay its limiter currently spaces requests by.
    pub delay: Duration,
}

/// The answer to "may I send a request to this host now?".
#[derive(Debug)]
pub enum Claim {
    /// Yes: the slot is held until dropped.
    Ready(HostSlot),
    /// Not before this instant (the host's pacing or hold, or the global rate cap).
    WaitUntil(Instant),
    /// The host's (or the process's) concurrency is used up; try when a request ends.
    Busy,
    /// The circuit breaker is open until then.
    Paused(Instant),
}

/// The outcome of one exchange, as far as politeness cares.
#[derive(Debug, Clone, Copy)]
pub enum Outcome {
    Success,
    /// 429/503, optionally with the delay the server asked for.
    Throttled(Option<Duration>),
    /// 5xx or a network error.
    Failure,
}

#[derive(Debug)]
struct Hosts {
    map: HashMap<String, HostState>,
    /// Sweep idle hosts when the table reaches this size.
    sweep_at: usize,
}

/// Per-host politeness state shared by every crawl in the process.
pub struct Politeness {
    per_host: usize,
    max_crawl_delay: Duration,
    max_retry_after: Duration,
    /// How long a host's Crawl-delay is remembered after its last request: as long as the
    /// robots.txt it came from may be trusted without fetching it again (which would
    /// record it again).
    crawl_delay_memory: Duration,
    hosts: Mutex<Hosts>,
    global: Arc<Semaphore>,
    global_rate: Option<Limiter>,
}

impl std::fmt::Debug for Politeness {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Politeness")
            .field("per_host", &self.per_host)
            .field("max_crawl_delay", &self.max_crawl_delay)
            .field("max_retry_after", &self.max_retry_after)
            .field("global_rate", &self.global_rate.is_some())
            // Never wait for the lock here: a slot may be printed while it is held.
            .field("hosts", &self.hosts.try_lock().map(|h| h.map.len()).ok())
            .finish()
    }
}

/// Permission to send requests to one host; releases its concurrency when dropped.
#[derive(Debug)]
pub struct HostSlot {
    politeness: Arc<Politeness>,
    host: String,
    min_delay: Duration,
    _global: OwnedSemaphorePermit,
}

impl HostSlot {
    pub fn host(&self) -> &str {
        &self.host
    }

    /// Waits until the host may get another request from this slot's holder (a page after
    /// its robots.txt, a redirect hop), and takes that turn: the same pacing, hold and
    /// overall cap as a claim, without giving up the slot in between.
    pub async fn pace(&self) {
        loop {
            let wait = self.politeness.next_turn(&self.host, self.min_delay);
            match wait {
                None => return,
                Some(at) => tokio::time::sleep_until(at).await,
            }
        }
    }
}

impl Drop for HostSlot {
    fn drop(&mut self) {
        let now = Instant::now();
        let politeness = &self.politeness;
        let mut hosts = politeness.lock();
        if let Some(state) = hosts.map.get_mut(&self.host) {
            state.in_flight = state.in_flight.saturating_sub(1);
            state.last_active = now;
            // Spacing also counts from the end of the exchange: a request that waited in a
            // busy scheduler or on a slow connection cannot make the next one arrive at the
            // server sooner than the delay after it.
            politeness.apply_delay(state, self.min_delay);
            state.pacer.restart();
        }
    }
}

impl Politeness {
    pub fn new(config: &CrawlerConfig) -> Arc<Self> {
        Arc::new(Politeness {
            per_host: config.per_host_concurrency.get(),
            max_crawl_delay: config.max_crawl_delay.get(),
            max_retry_after: config.max_retry_after.get(),
            crawl_delay_memory: config.robots_cache_ttl.get(),
            hosts: Mutex::new(Hosts {
                map: HashMap::new(),
                sweep_at: MIN_SWEEP_HOSTS,
            }),
            global: Arc::new(Semaphore::new(config.concurrency.get())),
            global_rate: config
                .max_requests_per_second
                .and_then(|rate| limiter(rate.period())),
        })
    }

    fn lock(&self) -> MutexGuard<'_, Hosts> {
        self.hosts.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The state of `host`, created if new. Creating one may first sweep idle hosts.
    fn state<'a>(&self, hosts: &'a mut Hosts, host: &str, now: Instant) -> &'a mut HostState {
        if !hosts.map.contains_key(host) {
            if hosts.map.len() >= hosts.sweep_at {
                self.sweep(hosts, now);
            }
            hosts.map.insert(host.to_string(), HostState::new(now));
        }
        hosts.map.get_mut(host).expect("inserted above")
    }

    fn sweep(&self, hosts: &mut Hosts, now: Instant) -> usize {
        let before = hosts.map.len();
        hosts.map.retain(|_, state| !self.forgettable(state, now));
        hosts.sweep_at = MIN_SWEEP_HOSTS.max(hosts.map.len().saturating_mul(2));
        let evicted = before - hosts.map.len();
        if evicted > 0 {
            tracing::debug!(
                evicted,
                kept = hosts.map.len(),
                "idle hosts' politeness state dropped"
            );
        }
        evicted
    }

    /// Whether dropping `state` loses nothing: a host seen again later starts afresh and is
    /// asked no sooner than this state would have allowed.
    fn forgettable(&self, state: &HostState, now: Instant) -> bool {
        let idle = now.saturating_duration_since(state.last_active);
        let over = |t: Option<Instant>| t.is_none_or(|t| t <= now);
        state.in_flight == 0
            && over(state.paused_until)
            && over(state.held_until)
            // Every slot was taken at or before the last activity: the limiter is free.
            && idle > state.pacer.period
            // A failure streak counts towards the breaker while the streak is recent.
            && (state.consecutive_failures == 0 || idle >= BREAKER_COOLDOWN)
            // A Crawl-delay is recorded only when robots.txt is fetched again.
            && (state.crawl_delay.is_none() || idle >= self.crawl_delay_memory)
    }

    /// Drops the state of hosts left alone long enough that it no longer matters (see the
    /// module doc); returns how many. Also done automatically as the table grows.
    pub fn evict_idle(&self) -> usize {
        let mut hosts = self.lock();
        self.sweep(&mut hosts, Instant::now())
    }

    /// Hosts whose state is kept right now.
    pub fn tracked_hosts(&self) -> usize {
        self.lock().map.len()
    }

    /// The gap between two requests to `host` for a crawl whose own minimum is `min_delay`.
    pub fn delay(&self, host: &str, min_delay: Duration) -> Duration {
        let crawl_delay = self.lock().map.get(host).and_then(|s| s.crawl_delay);
        effective_delay(min_delay, crawl_delay, self.max_crawl_delay)
    }

    /// Makes the host's limiter space requests by its current delay for `min_delay`.
    fn apply_delay(&self, state: &mut HostState, min_delay: Duration) {
        state.min_delay = min_delay;
        let delay = effective_delay(min_delay, state.crawl_delay, self.max_crawl_delay);
        if let Some(pending) = state.pacer.set_period(delay) {
            state.hold(pending);
        }
    }

    /// Records the host's robots.txt Crawl-delay (None when it gives none).
    pub fn set_crawl_delay(&self, host: &str, crawl_delay: Option<Duration>) {
        let now = Instant::now();
        let mut hosts = self.lock();
        let state = self.state(&mut hosts, host, now);
        if state.crawl_delay != crawl_delay
            && let Some(d) = crawl_delay.filter(|d| *d > self.max_crawl_delay)
        {
            tracing::info!(%host, requested = ?d, cap = ?self.max_crawl_delay, "Crawl-delay above max_crawl_delay; capped");
        }
        state.crawl_delay = crawl_delay;
        state.last_active = now;
        let min_delay = state.min_delay;
        self.apply_delay(state, min_delay);
        // The robots.txt request itself counts: the next one waits the new delay after it.
        if crawl_delay.is_some() {
            state.pacer.restart();
        }
    }

    /// Holds `host` until `instant` at least: the next request to it starts no sooner. A
    /// shared frontier seeds a host's next-allowed time this way (see [`Self::pacing`]).
    pub fn not_before(&self, host: &str, instant: Instant) {
        let now = Instant::now();
        let mut hosts = self.lock();
        let state = self.state(&mut hosts, host, now);
        if instant > now {
            state.hold(instant);
        }
    }

    /// The pacing state of `host`, or `None` when nothing is kept about it (a host never
    /// asked about, or forgotten: it may be asked now).
    pub fn pacing(&self, host: &str) -> Option<HostPacing> {
        let now = Instant::now();
        let mut hosts = self.lock();
        let state = hosts.map.get_mut(host)?;
        Some(HostPacing {
            next_allowed: state.next_allowed(now),
            held_until: state.held_until.filter(|t| *t > now),
            consecutive_failures: state.consecutive_failures,
            paused_until: state.paused_until.filter(|t| *t > now),
            crawl_delay: state.crawl_delay,
            delay: state.pacer.period,
        })
    }

    /// Claims the right to start one request to `host` now. On success the host's limiter
    /// takes its slot, so the next start waits the host's delay.
    pub fn try_claim(self: &Arc<Self>, host: &str, min_delay: Duration) -> Claim {
        let now = Instant::now();
        let mut hosts = self.lock();
        let state = self.state(&mut hosts, host, now);
        state.last_active = now;
        if let Some(until) = state.paused_until {
            if until > now {
                return Claim::Paused(until);
            }
            state.paused_until = None;
            state.consecutive_failures = 0;
        }
        if state.in_flight >= self.per_host {
            return Claim::Busy;
        }
        self.apply_delay(state, min_delay);
        if let Some(until) = state.held_until {
            if until > now {
                return Claim::WaitUntil(until);
            }
            state.held_until = None;
        }
        if let Err(at) = state.pacer.take() {
            return Claim::WaitUntil(at);
        }
        let Ok(permit) = self.global.clone().try_acquire_owned() else {
            state.pacer.give_back();
            return Claim::Busy;
        };
        if let Some(Err(not_until)) = self.global_rate.as_ref().map(|l| l.check()) {
            state.pacer.give_back();
            return Claim::WaitUntil(not_until.earliest_possible().0);
        }
        state.in_flight += 1;
        Claim::Ready(HostSlot {
            politeness: Arc::clone(self),
            host: host.to_string(),
            min_delay,
            _global: permit,
        })
    }

    /// Takes the next turn of a host whose slot the caller holds: `None` when taken, else
    /// when to ask again.
    fn next_turn(&self, host: &str, min_delay: Duration) -> Option<Instant> {
        let now = Instant::now();
        let mut hosts = self.lock();
        let state = self.state(&mut hosts, host, now);
        state.last_active = now;
        self.apply_delay(state, min_delay);
        if let Some(until) = state.held_until {
            if until > now {
                return Some(until);
            }
            state.held_until = None;
        }
        if let Err(at) = state.pacer.take() {
            return Some(at);
        }
        if let Some(Err(not_until)) = self.global_rate.as_ref().map(|l| l.check()) {
            state.pacer.give_back();
            return Some(not_until.earliest_possible().0);
        }
        None
    }

    /// Records how an exchange with `host` went; returns true when this call tripped the
    /// circuit breaker.
    pub fn record(&self, host: &str, outcome: Outcome) -> bool {
        let now = Instant::now();
        let mut hosts = self.lock();
        let state = self.state(&mut hosts, host, now);
        state.last_active = now;
        match outcome {
            Outcome::Success => {
                state.consecutive_failures = 0;
                false
            }
            Outcome::Throttled(Some(retry_after)) => {
                state.consecutive_failures += 1;
                state.hold(now + retry_after.min(self.max_retry_after));
                trip_breaker(host, state, now)
            }
            Outcome::Throttled(None) | Outcome::Failure => {
                state.consecutive_failures += 1;
                state.hold(now + backoff(state.consecutive_failures, self.max_retry_after));
                trip_breaker(host, state, now)
            }
        }
    }

    /// Hosts whose next request is being held back right now (for progress displays).
    pub fn hosts_waiting(&self, among: impl IntoIterator<Item = impl AsRef<str>>) -> Vec<String> {
        let now = Instant::now();
        let mut hosts = self.lock();
        among
            .into_iter()
            .filter(|h| {
                hosts
                    .map
                    .get_mut(h.as_ref())
                    .is_some_and(|s| s.next_allowed(now) > now)
            })
            .map(|h| h.as_ref().to_string())
            .collect()
    }
}

/// `max(min_delay, Crawl-delay)`, the Crawl-delay capped at `max_crawl_delay`.
pub fn effective_delay(
    min_delay: Duration,
    crawl_delay: Option<Duration>,
    max_crawl_delay: Duration,
) -> Duration {
    min_delay.max(crawl_delay.unwrap_or_default().min(max_crawl_delay))
}

/// Opens the breaker after [`BREAKER_THRESHOLD`] consecutive failures; true when this
/// failure did.
fn trip_breaker(host: &str, state: &mut HostState, now: Instant) -> bool {
    if state.consecutive_failures >= BREAKER_THRESHOLD && state.paused_until.is_none() {
        state.paused_until = Some(now + BREAKER_COOLDOWN);
        tracing::warn!(
            %host,
            failures = state.consecutive_failures,
            pause = ?BREAKER_COOLDOWN,
            "host keeps failing: circuit breaker open, host paused"
        );
        return true;
    }
    false
}

/// Exponential backoff with jitter: BASE · 2^(n-1), scaled by a random 0.5–1.5, capped.
pub fn backoff(consecutive_failures: u32, cap: Duration) -> Duration {
    backoff_with_jitter(
        consecutive_failures,
        cap,
        rand::rng().random_range(0.5..1.5),
    )
}

/// [`backoff`] for a given jitter factor (0.5–1.5).
pub fn backoff_with_jitter(consecutive_failures: u32, cap: Duration, jitter: f64) -> Duration {
    let exponent = consecutive_failures.saturating_sub(1).min(16);
    let base = BASE_BACKOFF.saturating_mul(1u32 << exponent);
    base.mul_f64(jitter).min(cap)
}

/// Parses `Retry-After`: delay-seconds or an HTTP date (RFC 9110 §10.2.3).
pub fn parse_retry_after(value: &str, now: SystemTime) -> Option<Duration> {
    let value = value.trim();
    if let Ok(secs) = value.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    let when = httpdate::parse_http_date(value).ok()?;
    Some(when.duration_since(now).unwrap_or(Duration::ZERO))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::{Dur, PositiveUsize, RequestRate};
    use tokio::time::advance;

    const MS: Duration = Duration::from_millis(1);
    const SEC: Duration = Duration::from_secs(1);

    fn config() -> CrawlerConfig {
        CrawlerConfig {
            max_crawl_delay: Dur::from_secs(10),
            max_retry_after: Dur::from_secs(60),
            per_host_concurrency: PositiveUsize::new(1).expect("1"),
            robots_cache_ttl: Dur::from_secs(3600),
            ..CrawlerConfig::default()
        }
    }

    fn ready(claim: Claim) -> HostSlot {
        match claim {
            Claim::Ready(slot) => slot,
            other => panic!("expected Ready, got {other:?}"),
        }
    }

    fn wait_until(claim: Claim) -> Instant {
        match claim {
            Claim::WaitUntil(t) => t,
            other => panic!("expected WaitUntil, got {other:?}"),
        }
    }

    #[test]
    fn effective_delay_table() {
        let cap = 10 * SEC;
        for (min_delay, crawl_delay, expected) in [
            (200 * MS, None, 200 * MS),
            (200 * MS, Some(3 * SEC), 3 * SEC),
            (200 * MS, Some(3600 * SEC), cap),
            (200 * MS, Some(50 * MS), 200 * MS),
            (Duration::ZERO, None, Duration::ZERO),
            (Duration::ZERO, Some(Duration::ZERO), Duration::ZERO),
            (20 * SEC, Some(3600 * SEC), 20 * SEC),
        ] {
            assert_eq!(
                effective_delay(min_delay, crawl_delay, cap),
                expected,
                "{min_delay:?} {crawl_delay:?}"
            );
        }
    }

    #[test]
    fn retry_after_table() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000);
        let later = httpdate::fmt_http_date(now + Duration::from_secs(30));
        let past = httpdate::fmt_http_date(now - Duration::from_secs(30));
        for (value, expected) in [
            (" 120 ", Some(Duration::from_secs(120))),
            ("0", Some(Duration::ZERO)),
            (later.as_str(), Some(Duration::from_secs(30))),
            (past.as_str(), Some(Duration::ZERO)),
            ("soon", None),
            ("-5", None),
            ("1.5", None),
            ("", None),
        ] {
            assert_eq!(parse_retry_after(value, now), expected, "{value:?}");
        }
    }

    #[test]
    fn backoff_table() {
        let cap = 10 * SEC;
        for (failures, jitter, expected) in [
            (1, 1.0, 500 * MS),
            (1, 0.5, 250 * MS),
            (1, 1.5, 750 * MS),
            (2, 1.0, SEC),
            (4, 0.5, 2 * SEC),
            (4, 1.5, 6 * SEC),
            (5, 1.5, cap),
            (30, 0.5, cap),
            (0, 1.0, 500 * MS),
        ] {
            assert_eq!(
                backoff_with_jitter(failures, cap, jitter),
                expected,
                "{failures} × {jitter}"
            );
        }
        for _ in 0..100 {
            let b = backoff(3, cap);
            assert!((SEC..=3 * SEC).contains(&b), "{b:?}");
        }
    }

    #[tokio::test(start_paused = true)]
    async fn pacing_follows_paused_time_exactly() {
        let p = Politeness::new(&config());
        let delay = 5 * SEC;
        let t0 = Instant::now();
        drop(ready(p.try_claim("a", delay)));
        assert_eq!(wait_until(p.try_claim("a", delay)), t0 + delay);
        advance(delay - Duration::from_nanos(1)).await;
        assert_eq!(wait_until(p.try_claim("a", delay)), t0 + delay);
        advance(Duration::from_nanos(1)).await;
        let slot = ready(p.try_claim("a", delay));
        // One in flight per host; other hosts are independent.
        assert!(matches!(p.try_claim("a", delay), Claim::Busy));
        drop(ready(p.try_claim("b", delay)));
        // Spacing counts from the end of the exchange too.
        advance(3 * SEC).await;
        let ended = Instant::now();
        drop(slot);
        assert_eq!(wait_until(p.try_claim("a", delay)), ended + delay);
    }

    #[tokio::test(start_paused = true)]
    async fn limiter_spaces_starts_even_with_concurrency_to_spare() {
        let p = Politeness::new(&CrawlerConfig {
            per_host_concurrency: PositiveUsize::new(3).expect("3"),
            ..config()
        });
        let t0 = Instant::now();
        let _first = ready(p.try_claim("a", SEC));
        assert_eq!(wait_until(p.try_claim("a", SEC)), t0 + SEC);
        advance(SEC).await;
        let _second = ready(p.try_claim("a", SEC));
        assert_eq!(wait_until(p.try_claim("a", SEC)), t0 + 2 * SEC);
    }

    #[tokio::test(start_paused = true)]
    async fn zero_delay_means_no_pacing() {
        let p = Politeness::new(&config());
        for _ in 0..100 {
            drop(ready(p.try_claim("a", Duration::ZERO)));
        }
        assert_eq!(p.delay("a", Duration::ZERO), Duration::ZERO);
    }

    #[tokio::test(start_paused = true)]
    async fn crawl_delay_rebuilds_the_limiter() {
        let p = Politeness::new(&config());
        let min = 200 * MS;
        drop(ready(p.try_claim("a", min)));
        advance(SEC).await;
        // Known after the robots.txt request: the next request waits it after that one.
        let t = Instant::now();
        p.set_crawl_delay("a", Some(3 * SEC));
        assert_eq!(p.delay("a", min), 3 * SEC);
        assert_eq!(wait_until(p.try_claim("a", min)), t + 3 * SEC);
        advance(3 * SEC).await;
        let t = Instant::now();
        drop(ready(p.try_claim("a", min)));
        assert_eq!(wait_until(p.try_claim("a", min)), t + 3 * SEC);
        // Capped at max_crawl_delay.
        p.set_crawl_delay("a", Some(3600 * SEC));
        assert_eq!(p.delay("a", min), 10 * SEC);
        assert_eq!(p.pacing("a").expect("known").delay, 10 * SEC);
        // Below min_delay: min_delay applies.
        p.set_crawl_delay("a", Some(50 * MS));
        assert_eq!(p.delay("a", min), min);
    }

    #[tokio::test(start_paused = true)]
    async fn a_shorter_delay_keeps_the_pending_slot() {
        // Two crawls with different min_delay on one host share its budget.
        let p = Politeness::new(&config());
        let t0 = Instant::now();
        drop(ready(p.try_claim("a", 5 * SEC)));
        assert_eq!(wait_until(p.try_claim("a", SEC)), t0 + 5 * SEC);
        advance(5 * SEC).await;
        let t1 = Instant::now();
        drop(ready(p.try_claim("a", SEC)));
        assert_eq!(wait_until(p.try_claim("a", SEC)), t1 + SEC);
    }

    #[tokio::test(start_paused = true)]
    async fn retry_after_holds_and_is_capped() {
        let p = Politeness::new(&config());
        let t0 = Instant::now();
        p.record("a", Outcome::Throttled(Some(3600 * SEC)));
        assert_eq!(wait_until(p.try_claim("a", Duration::ZERO)), t0 + 60 * SEC);
        p.record("b", Outcome::Throttled(Some(2 * SEC)));
        assert_eq!(wait_until(p.try_claim("b", Duration::ZERO)), t0 + 2 * SEC);
        advance(2 * SEC).await;
        drop(ready(p.try_claim("b", Duration::ZERO)));
    }

    #[tokio::test(start_paused = true)]
    async fn backoff_steps_then_breaker() {
        let p = Politeness::new(&config());
        for failure in 1..=BREAKER_THRESHOLD {
            let now = Instant::now();
            let tripped = p.record("a", Outcome::Failure);
            assert_eq!(tripped, failure == BREAKER_THRESHOLD, "failure {failure}");
            let step = BASE_BACKOFF * (1 << (failure - 1));
            if failure < BREAKER_THRESHOLD {
                let wait = wait_until(p.try_claim("a", Duration::ZERO)) - now;
                assert!(
                    wait >= step / 2 && wait <= step * 3 / 2,
                    "failure {failure}: {wait:?}"
                );
                advance(wait).await;
            }
        }
        let opened = Instant::now();
        assert!(
            matches!(p.try_claim("a", Duration::ZERO), Claim::Paused(t) if t == opened + BREAKER_COOLDOWN)
        );
        // It trips once, however many failures follow.
        for _ in 0..5 {
            assert!(!p.record("a", Outcome::Failure));
        }
        advance(BREAKER_COOLDOWN).await;
        let pacing = p.pacing("a").expect("known");
        assert_eq!(pacing.paused_until, None);
        // The hold of the failures after the breaker opened may still run.
        let resume = pacing.next_allowed;
        advance(resume - Instant::now()).await;
        drop(ready(p.try_claim("a", Duration::ZERO)));
        assert_eq!(p.pacing("a").expect("known").consecutive_failures, 0);
        // A success ends a streak.
        p.record("b", Outcome::Failure);
        p.record("b", Outcome::Success);
        assert_eq!(p.pacing("b").expect("known").consecutive_failures, 0);
    }

    #[tokio::test(start_paused = true)]
    async fn global_concurrency_gives_the_host_slot_back() {
        let p = Politeness::new(&CrawlerConfig {
            concurrency: PositiveUsize::new(2).expect("2"),
            ..config()
        });
        let a = ready(p.try_claim("a", SEC));
        let _b = ready(p.try_claim("b", SEC));
        assert!(matches!(p.try_claim("c", SEC), Claim::Busy));
        drop(a);
        // c's pacing was not spent by the refused claim: it goes at once.
        drop(ready(p.try_claim("c", SEC)));
    }

    #[tokio::test(start_paused = true)]
    async fn global_rate_cap_spaces_every_start() {
        let p = Politeness::new(&CrawlerConfig {
            max_requests_per_second: RequestRate::new(4.0),
            ..config()
        });
        let t0 = Instant::now();
        drop(ready(p.try_claim("a", Duration::ZERO)));
        assert_eq!(wait_until(p.try_claim("b", SEC)), t0 + 250 * MS);
        advance(250 * MS).await;
        // b's own pacing was given back when the cap refused it.
        drop(ready(p.try_claim("b", SEC)));
        assert_eq!(wait_until(p.try_claim("c", SEC)), t0 + 500 * MS);
        advance(250 * MS).await;
        let mut started = 1;
        for host in ["c", "d", "e", "f"] {
            match p.try_claim(host, Duration::ZERO) {
                Claim::Ready(_) => started += 1,
                Claim::WaitUntil(_) => {}
                other => panic!("{other:?}"),
            }
        }
        assert_eq!(started, 2, "one start per 250 ms over all hosts");
    }

    #[tokio::test(start_paused = true)]
    async fn not_before_seeds_and_pacing_reads_back() {
        let p = Politeness::new(&config());
        let t0 = Instant::now();
        assert_eq!(p.pacing("a"), None);
        p.not_before("a", t0 + 7 * SEC);
        assert_eq!(wait_until(p.try_claim("a", SEC)), t0 + 7 * SEC);
        let pacing = p.pacing("a").expect("known");
        assert_eq!(pacing.next_allowed, t0 + 7 * SEC);
        assert_eq!(pacing.held_until, Some(t0 + 7 * SEC));
        // A seed in the past changes nothing.
        p.not_before("a", t0);
        advance(7 * SEC).await;
        p.set_crawl_delay("a", Some(2 * SEC));
        advance(2 * SEC).await;
        let t1 = Instant::now();
        drop(ready(p.try_claim("a", SEC)));
        p.record("a", Outcome::Success);
        let pacing = p.pacing("a").expect("known");
        assert_eq!(
            pacing,
            HostPacing {
                next_allowed: t1 + 2 * SEC,
                held_until: None,
                consecutive_failures: 0,
                paused_until: None,
                crawl_delay: Some(2 * SEC),
                delay: 2 * SEC,
            }
        );
        // What one node reads, another seeds: it waits the same instant.
        let other = Politeness::new(&config());
        other.not_before("a", pacing.next_allowed);
        assert_eq!(wait_until(other.try_claim("a", SEC)), t1 + 2 * SEC);
        // Waiting hosts are reported as such.
        assert_eq!(p.hosts_waiting(["a", "b"]), ["a"]);
        advance(2 * SEC).await;
        assert!(p.hosts_waiting(["a", "b"]).is_empty());
    }

    #[tokio::test(start_paused = true)]
    async fn idle_hosts_are_forgotten_and_busy_ones_kept() {
        let p = Politeness::new(&config());
        for i in 0..1000 {
            drop(ready(p.try_claim(&format!("idle{i}"), SEC)));
        }
        let _in_flight = ready(p.try_claim("in-flight", SEC));
        p.record("throttled", Outcome::Throttled(Some(30 * SEC)));
        for _ in 0..BREAKER_THRESHOLD {
            p.record("paused", Outcome::Failure);
        }
        p.record("failing", Outcome::Failure);
        p.set_crawl_delay("crawl-delay", Some(2 * SEC));
        p.not_before("seeded", Instant::now() + 20 * SEC);
        assert_eq!(p.tracked_hosts(), 1006);
        // Still within their delay: nothing goes.
        assert_eq!(p.evict_idle(), 0);
        advance(3 * SEC).await;
        assert_eq!(p.evict_idle(), 1000);
        let kept = |p: &Politeness| {
            let mut hosts: Vec<String> = p.lock().map.keys().cloned().collect();
            hosts.sort();
            hosts
        };
        assert_eq!(
            kept(&p),
            [
                "crawl-delay",
                "failing",
                "in-flight",
                "paused",
                "seeded",
                "throttled"
            ]
        );
        advance(30 * SEC).await;
        p.evict_idle();
        // A throttled host keeps its failure streak for the breaker.
        assert_eq!(
            kept(&p),
            ["crawl-delay", "failing", "in-flight", "paused", "throttled"]
        );
        advance(BREAKER_COOLDOWN).await;
        p.evict_idle();
        assert_eq!(kept(&p), ["crawl-delay", "in-flight"]);
        // A Crawl-delay is kept as long as the robots.txt it came from is trusted.
        advance(3600 * SEC).await;
        p.evict_idle();
        assert_eq!(kept(&p), ["in-flight"]);
    }

    #[tokio::test(start_paused = true)]
    async fn host_table_stays_bounded_over_many_hosts() {
        let p = Politeness::new(&config());
        let mut peak = 0;
        for i in 0..100_000 {
            drop(ready(p.try_claim(&format!("h{i}.example"), SEC)));
            if i % 1000 == 999 {
                advance(SEC + MS).await;
            }
            peak = peak.max(p.tracked_hosts());
        }
        // Swept whenever the table doubles: about twice the hosts active within a delay.
        assert!(peak <= 2 * MIN_SWEEP_HOSTS, "peak {peak}");
    }
}
