//! Politeness: how often and how hard each host is asked, shared by every crawl.
//!
//! One [`Politeness`] lives per process. Each host has a next-allowed time: a request may
//! start only when it has passed; starting one pushes it forward by the host's delay,
//! `max(min_delay, Crawl-delay)` with Crawl-delay capped at `max_crawl_delay`, and
//! finishing one pushes it to at least the delay after the response, so the server never
//! sees two requests closer than the delay however long one took to start. Requests
//! to one host in flight are bounded by `per_host_concurrency`, requests overall by
//! `concurrency`. Because the state is per host and not per crawl, two sources on one site
//! share one budget and never double its rate.
//!
//! Failures push the next-allowed time further: `Retry-After` (seconds or HTTP date, capped
//! at `max_retry_after`) when the server gave one, otherwise exponential backoff with
//! jitter. After [`BREAKER_THRESHOLD`] consecutive failures the host is paused for
//! [`BREAKER_COOLDOWN`] (a circuit breaker), logged once rather than once per URL.
//!
//! Claims are non-blocking ([`Politeness::try_claim`]): the scheduler asks for a host that
//! is ready now instead of parking tasks that hold a concurrency slot while they sleep.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime};

use rand::Rng;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

use crate::config::CrawlerConfig;

/// Consecutive failed exchanges with a host before it is paused.
pub const BREAKER_THRESHOLD: u32 = 5;
/// How long a host whose breaker tripped is left alone.
pub const BREAKER_COOLDOWN: Duration = Duration::from_secs(300);
/// First backoff step after a failure without Retry-After; doubles per consecutive failure.
pub const BASE_BACKOFF: Duration = Duration::from_millis(500);

#[derive(Debug)]
struct HostState {
    next_allowed: Instant,
    crawl_delay: Option<Duration>,
    in_flight: usize,
    consecutive_failures: u32,
    paused_until: Option<Instant>,
}

impl HostState {
    fn new(now: Instant) -> Self {
        HostState {
            next_allowed: now,
            crawl_delay: None,
            in_flight: 0,
            consecutive_failures: 0,
            paused_until: None,
        }
    }
}

/// The answer to "may I send a request to this host now?".
#[derive(Debug)]
pub enum Claim {
    /// Yes: the slot is held until dropped.
    Ready(HostSlot),
    /// Not before this instant.
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

/// Per-host politeness state shared by every crawl in the process.
#[derive(Debug)]
pub struct Politeness {
    per_host: usize,
    max_crawl_delay: Duration,
    max_retry_after: Duration,
    hosts: Mutex<HashMap<String, HostState>>,
    global: Arc<Semaphore>,
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

    /// TEMPORARY (replaced by the governor version): waits for the host's next turn.
    pub async fn pace(&self) {
        let delay = self.politeness.delay(&self.host, self.min_delay);
        tokio::time::sleep(delay).await;
    }
}

impl Drop for HostSlot {
    fn drop(&mut self) {
        let mut hosts = self.politeness.lock();
        if let Some(state) = hosts.get_mut(&self.host) {
            state.in_flight = state.in_flight.saturating_sub(1);
            // Spacing also counts from the end of the exchange: a request that waited in a
            // busy scheduler or on a slow connection cannot make the next one arrive at the
            // server sooner than the delay after it.
            let delay = self
                .politeness
                .effective_delay(self.min_delay, state.crawl_delay);
            state.next_allowed = state.next_allowed.max(Instant::now() + delay);
        }
    }
}

impl Politeness {
    pub fn new(config: &CrawlerConfig) -> Arc<Self> {
        Arc::new(Politeness {
            per_host: config.per_host_concurrency.get(),
            max_crawl_delay: config.max_crawl_delay.get(),
            max_retry_after: config.max_retry_after.get(),
            hosts: Mutex::new(HashMap::new()),
            global: Arc::new(Semaphore::new(config.concurrency.get())),
        })
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, HostState>> {
        self.hosts.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The gap between two requests to `host` for a crawl whose own minimum is `min_delay`.
    pub fn delay(&self, host: &str, min_delay: Duration) -> Duration {
        let crawl_delay = self.lock().get(host).and_then(|s| s.crawl_delay);
        self.effective_delay(min_delay, crawl_delay)
    }

    fn effective_delay(&self, min_delay: Duration, crawl_delay: Option<Duration>) -> Duration {
        min_delay.max(crawl_delay.unwrap_or_default().min(self.max_crawl_delay))
    }

    /// Records the host's robots.txt Crawl-delay (None when it gives none).
    pub fn set_crawl_delay(&self, host: &str, crawl_delay: Option<Duration>) {
        let mut hosts = self.lock();
        let state = hosts
            .entry(host.to_string())
            .or_insert_with(|| HostState::new(Instant::now()));
        if let Some(d) = crawl_delay.filter(|d| *d > self.max_crawl_delay) {
            tracing::info!(%host, requested = ?d, cap = ?self.max_crawl_delay, "Crawl-delay above max_crawl_delay; capped");
        }
        state.crawl_delay = crawl_delay;
        // The robots.txt request itself counts: the next one waits the new delay after it.
        if let Some(delay) = crawl_delay {
            state.next_allowed = state
                .next_allowed
                .max(Instant::now() + delay.min(self.max_crawl_delay));
        }
    }

    /// Claims the right to start one request to `host` now. On success the host's
    /// next-allowed time moves forward by its delay.
    pub fn try_claim(self: &Arc<Self>, host: &str, min_delay: Duration) -> Claim {
        let now = Instant::now();
        let mut hosts = self.lock();
        let state = hosts
            .entry(host.to_string())
            .or_insert_with(|| HostState::new(now));
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
        if state.next_allowed > now {
            return Claim::WaitUntil(state.next_allowed);
        }
        let Ok(permit) = self.global.clone().try_acquire_owned() else {
            return Claim::Busy;
        };
        state.in_flight += 1;
        state.next_allowed = now + self.effective_delay(min_delay, state.crawl_delay);
        Claim::Ready(HostSlot {
            politeness: Arc::clone(self),
            host: host.to_string(),
            min_delay,
            _global: permit,
        })
    }

    /// Records how an exchange with `host` went; returns true when this call tripped the
    /// circuit breaker.
    pub fn record(&self, host: &str, outcome: Outcome) -> bool {
        let now = Instant::now();
        let mut hosts = self.lock();
        let state = hosts
            .entry(host.to_string())
            .or_insert_with(|| HostState::new(now));
        match outcome {
            Outcome::Success => {
                state.consecutive_failures = 0;
                false
            }
            Outcome::Throttled(Some(retry_after)) => {
                state.consecutive_failures += 1;
                let wait = retry_after.min(self.max_retry_after);
                state.next_allowed = state.next_allowed.max(now + wait);
                self.maybe_trip(host, state, now)
            }
            Outcome::Throttled(None) | Outcome::Failure => {
                state.consecutive_failures += 1;
                let wait = backoff(state.consecutive_failures, self.max_retry_after);
                state.next_allowed = state.next_allowed.max(now + wait);
                self.maybe_trip(host, state, now)
            }
        }
    }

    fn maybe_trip(&self, host: &str, state: &mut HostState, now: Instant) -> bool {
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

    /// Hosts whose next request is being held back right now (for progress displays).
    pub fn hosts_waiting(&self, among: impl IntoIterator<Item = impl AsRef<str>>) -> Vec<String> {
        let now = Instant::now();
        let hosts = self.lock();
        among
            .into_iter()
            .filter(|h| {
                hosts.get(h.as_ref()).is_some_and(|s| {
                    s.next_allowed > now || s.paused_until.is_some_and(|p| p > now)
                })
            })
            .map(|h| h.as_ref().to_string())
            .collect()
    }
}

/// Exponential backoff with jitter: BASE · 2^(n-1), scaled by a random 0.5–1.5, capped.
pub fn backoff(consecutive_failures: u32, cap: Duration) -> Duration {
    let exponent = consecutive_failures.saturating_sub(1).min(16);
    let base = BASE_BACKOFF.saturating_mul(1u32 << exponent);
    let jitter: f64 = rand::rng().random_range(0.5..1.5);
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
    use crate::config::{Dur, PositiveUsize};

    fn config() -> CrawlerConfig {
        CrawlerConfig {
            max_crawl_delay: Dur::from_secs(10),
            max_retry_after: Dur::from_secs(60),
            per_host_concurrency: PositiveUsize::new(1).expect("1"),
            ..CrawlerConfig::default()
        }
    }

    #[test]
    fn delay_is_min_delay_or_capped_crawl_delay() {
        let p = Politeness::new(&config());
        let min = Duration::from_millis(200);
        assert_eq!(p.delay("a", min), min);
        p.set_crawl_delay("a", Some(Duration::from_secs(3)));
        assert_eq!(p.delay("a", min), Duration::from_secs(3));
        p.set_crawl_delay("a", Some(Duration::from_secs(3600)));
        assert_eq!(p.delay("a", min), Duration::from_secs(10));
        p.set_crawl_delay("a", Some(Duration::from_millis(50)));
        assert_eq!(p.delay("a", min), min);
    }

    #[tokio::test]
    async fn claims_respect_delay_and_per_host_limit() {
        let p = Politeness::new(&config());
        let min = Duration::from_secs(5);
        let slot = match p.try_claim("a", min) {
            Claim::Ready(s) => s,
            other => panic!("first claim must succeed: {other:?}"),
        };
        assert!(matches!(p.try_claim("a", min), Claim::Busy));
        assert!(matches!(p.try_claim("b", min), Claim::Ready(_)));
        drop(slot);
        match p.try_claim("a", min) {
            Claim::WaitUntil(t) => assert!(t > Instant::now() + Duration::from_secs(4)),
            other => panic!("second claim must wait: {other:?}"),
        }
    }

    #[test]
    fn retry_after_and_breaker() {
        let p = Politeness::new(&config());
        p.record("a", Outcome::Throttled(Some(Duration::from_secs(3600))));
        match p.try_claim("a", Duration::ZERO) {
            Claim::WaitUntil(t) => {
                let wait = t - Instant::now();
                assert!(
                    wait > Duration::from_secs(59) && wait <= Duration::from_secs(60),
                    "{wait:?}"
                );
            }
            other => panic!("must wait: {other:?}"),
        }
        let mut tripped = 0;
        for _ in 0..10 {
            tripped += u32::from(p.record("b", Outcome::Failure));
        }
        assert_eq!(tripped, 1, "the breaker trips once");
        assert!(matches!(p.try_claim("b", Duration::ZERO), Claim::Paused(_)));
    }

    #[test]
    fn retry_after_formats() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000);
        assert_eq!(
            parse_retry_after(" 120 ", now),
            Some(Duration::from_secs(120))
        );
        let later = httpdate::fmt_http_date(now + Duration::from_secs(30));
        assert_eq!(
            parse_retry_after(&later, now),
            Some(Duration::from_secs(30))
        );
        let past = httpdate::fmt_http_date(now - Duration::from_secs(30));
        assert_eq!(parse_retry_after(&past, now), Some(Duration::ZERO));
        assert_eq!(parse_retry_after("soon", now), None);
    }

    #[test]
    fn backoff_grows_and_is_capped() {
        let cap = Duration::from_secs(10);
        let first = backoff(1, cap);
        assert!(first >= Duration::from_millis(250) && first <= Duration::from_millis(750));
        let fourth = backoff(4, cap);
        assert!(fourth >= Duration::from_secs(2) && fourth <= Duration::from_secs(6));
        assert_eq!(backoff(30, cap), cap);
    }
}
