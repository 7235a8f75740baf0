//! A budget of response-body bytes held in memory at once, over every crawl of a process.
//!
//! A crawl bounds how many pages it holds (its claims in hand), not how large they are. On
//! ordinary pages that is enough, but hosts that serve a large page in step (the bench web's
//! 50 hosts each serve the same 1.6 MB page in the same second; a network of sites shares
//! its templates) fill every claim with one: about 100 MiB of bodies waiting for two parsing
//! threads, the whole of `bench_crawl_sites web`'s peak above its usual 110-140 MiB.
//!
//! The budget is taken once a response's headers are in and before its body is read, so a
//! response that does not fit waits unread — its bytes stay in the socket and the server's
//! buffers — until room is given back. A crawl gives back a body's share when the page is
//! parsed, but for the packed raw page it still carries (a half to a fifth of the body),
//! which it holds until the store writer has committed it: a writer batch of large pages
//! is as much memory as the bodies were. A body's share is the length it announces, or an
//! estimate when it is compressed or announces none; as more arrives the share grows by
//! what is free at that moment, without waiting, so a fetch never waits for the budget while
//! it holds a share of it (no two fetches can wait on each other), and a body larger than the
//! whole budget is let in alone. Shares are counted in KiB on tokio's semaphore, which
//! serves waiters in order, so a large body is not overtaken for ever by small ones; what
//! this module adds to it (growing without waiting, shrinking to the packed page, how long a
//! body waited) is a few lines, not a case for another crate.

use std::sync::Arc;

use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use tokio::time::{Duration, Instant};

/// The share a body announces no length for: about an ordinary page, decoded.
pub const UNKNOWN_LENGTH_ESTIMATE: u64 = 128 << 10;

/// How much larger than its compressed length a page's decoded body is taken to be (HTML
/// compresses four to eight times).
pub const COMPRESSION_ESTIMATE: u64 = 5;

/// Bytes of response bodies held at once.
#[derive(Debug)]
pub struct BodyBudget {
    permits: Arc<Semaphore>,
    /// The whole budget, in KiB.
    total: u32,
}

/// A body's share of the [`BodyBudget`]; given back when dropped.
#[derive(Debug)]
pub struct BodyShare {
    permit: Option<OwnedSemaphorePermit>,
    permits: Arc<Semaphore>,
    total: u32,
    /// How long the body waited for it, when it had to.
    waited: Option<Duration>,
}

impl BodyBudget {
    /// A budget of `bytes` (at least 1 KiB).
    pub fn new(bytes: u64) -> BodyBudget {
        let total = kib(bytes).max(1);
        BodyBudget {
            permits: Arc::new(Semaphore::new(total as usize)),
            total,
        }
    }

    /// Waits, in turn, until `bytes` fit (the whole budget for a larger body), and takes
    /// them.
    pub async fn take(&self, bytes: u64) -> BodyShare {
        let want = kib(bytes).clamp(1, self.total);
        let (permit, waited) = match Arc::clone(&self.permits).try_acquire_many_owned(want) {
            Ok(permit) => (Some(permit), None),
            Err(_) => {
                let started = Instant::now();
                // The semaphore is never closed; should it be, the body goes unaccounted
                // rather than never.
                let permit = Arc::clone(&self.permits)
                    .acquire_many_owned(want)
                    .await
                    .ok();
                (permit, Some(started.elapsed()))
            }
        };
        BodyShare {
            permit,
            permits: Arc::clone(&self.permits),
            total: self.total,
            waited,
        }
    }

    /// Bytes of the budget held now.
    pub fn held_bytes(&self) -> u64 {
        let free = self.permits.available_permits().min(self.total as usize) as u64;
        (u64::from(self.total) - free) << 10
    }
}

impl BodyShare {
    /// Grows the share towards `bytes` by what the budget has free now, without waiting.
    pub fn grow_to(&mut self, bytes: u64) {
        let held = self.bytes() >> 10;
        let want = u64::from(kib(bytes).min(self.total));
        if want <= held {
            return;
        }
        let extra = u32::try_from(want - held).unwrap_or(u32::MAX);
        let free = u32::try_from(self.permits.available_permits()).unwrap_or(u32::MAX);
        if free == 0 {
            return;
        }
        let Ok(more) = Arc::clone(&self.permits).try_acquire_many_owned(extra.min(free)) else {
            return;
        };
        match &mut self.permit {
            Some(permit) => permit.merge(more),
            None => self.permit = Some(more),
        }
    }

    /// Gives back all but `bytes` of the share (a page packed smaller than it arrived).
    pub fn shrink_to(&mut self, bytes: u64) {
        let keep = kib(bytes) as usize;
        let Some(permit) = self.permit.as_mut() else {
            return;
        };
        let held = permit.num_permits();
        if keep == 0 {
            self.permit = None;
        } else if keep < held {
            drop(permit.split(held - keep));
        }
    }

    /// How long the body waited for its share, when there was no room at once.
    pub fn waited(&self) -> Option<Duration> {
        self.waited
    }

    /// Bytes this share holds.
    pub fn bytes(&self) -> u64 {
        self.permit.as_ref().map_or(0, |p| p.num_permits() as u64) << 10
    }
}

/// The share to take for a body before reading it: none for an answer that has no body
/// (1xx, 204, 304: a 304 announces no length, and must not wait for room it will not use),
/// else the announced length of an uncompressed body, five times that of a compressed one,
/// [`UNKNOWN_LENGTH_ESTIMATE`] without one; never more than the body cap.
pub fn expected_body_bytes(
    status: u16,
    announced: Option<u64>,
    compressed: bool,
    cap: u64,
) -> Option<u64> {
    if status < 200 || status == 204 || status == 304 {
        return None;
    }
    let expected = match announced {
        Some(n) if compressed => n.saturating_mul(COMPRESSION_ESTIMATE),
        Some(n) => n,
        None => UNKNOWN_LENGTH_ESTIMATE,
    };
    Some(expected.min(cap))
}

/// `bytes` in KiB, rounded up, within `u32`.
fn kib(bytes: u64) -> u32 {
    u32::try_from(bytes.div_ceil(1024)).unwrap_or(u32::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bodys_expected_size() {
        let cases = [
            // (status, announced, compressed, cap, expected)
            (200, Some(200_000), false, 10 << 20, Some(200_000)),
            (200, Some(40_000), true, 10 << 20, Some(200_000)),
            (200, None, false, 10 << 20, Some(UNKNOWN_LENGTH_ESTIMATE)),
            (200, None, true, 10 << 20, Some(UNKNOWN_LENGTH_ESTIMATE)),
            // Never more than the cap, whatever a server announces.
            (200, Some(u64::MAX), false, 10 << 20, Some(10 << 20)),
            (200, Some(u64::MAX), true, 10 << 20, Some(10 << 20)),
            (200, None, false, 4096, Some(4096)),
            (200, Some(0), false, 10 << 20, Some(0)),
            // Redirects and errors have bodies, if small ones.
            (301, Some(162), false, 10 << 20, Some(162)),
            (404, None, false, 10 << 20, Some(UNKNOWN_LENGTH_ESTIMATE)),
            // Answers without a body take no share.
            (304, None, false, 10 << 20, None),
            (204, None, false, 10 << 20, None),
            (100, None, false, 10 << 20, None),
        ];
        for (status, announced, compressed, cap, expected) in cases {
            assert_eq!(
                expected_body_bytes(status, announced, compressed, cap),
                expected,
                "{status} {announced:?} {compressed} {cap}"
            );
        }
    }

    #[tokio::test(start_paused = true)]
    async fn a_body_that_does_not_fit_waits_until_room_is_given_back() {
        let budget = BodyBudget::new(1 << 20);
        let first = budget.take(600 << 10).await;
        assert_eq!(first.waited(), None, "room at once");
        assert_eq!(budget.held_bytes(), 600 << 10);
        let mut second = Box::pin(budget.take(600 << 10));
        assert!(
            futures_util::poll!(second.as_mut()).is_pending(),
            "600 KiB more do not fit in 1 MiB"
        );
        tokio::time::sleep(Duration::from_millis(250)).await;
        drop(first);
        let second = second.await;
        assert_eq!(second.bytes(), 600 << 10);
        assert_eq!(second.waited(), Some(Duration::from_millis(250)));
        assert_eq!(budget.held_bytes(), 600 << 10);
        drop(second);
        assert_eq!(budget.held_bytes(), 0);
    }

    #[tokio::test(start_paused = true)]
    async fn waiters_are_served_in_turn_and_a_larger_body_is_not_overtaken() {
        let budget = BodyBudget::new(1 << 20);
        let small = budget.take(512 << 10).await;
        let mut large = Box::pin(budget.take(1 << 20));
        assert!(futures_util::poll!(large.as_mut()).is_pending());
        // Room for this one now, but the large body asked first.
        let mut later = Box::pin(budget.take(256 << 10));
        assert!(futures_util::poll!(later.as_mut()).is_pending());
        drop(small);
        let large = large.await;
        assert!(futures_util::poll!(later.as_mut()).is_pending());
        drop(large);
        assert_eq!(later.await.bytes(), 256 << 10);
    }

    #[tokio::test(start_paused = true)]
    async fn a_body_larger_than_the_budget_is_let_in_alone() {
        let budget = BodyBudget::new(1 << 20);
        let huge = budget.take(8 << 20).await;
        assert_eq!(huge.bytes(), 1 << 20, "the whole budget, no more");
        let mut next = Box::pin(budget.take(1));
        assert!(futures_util::poll!(next.as_mut()).is_pending());
        drop(huge);
        assert_eq!(next.await.bytes(), 1024);
    }

    #[tokio::test(start_paused = true)]
    async fn a_share_shrinks_to_what_is_still_held() {
        let budget = BodyBudget::new(1 << 20);
        let mut share = budget.take(600 << 10).await;
        share.shrink_to(100_000);
        assert_eq!(share.bytes(), 98 << 10, "rounded up to whole KiB");
        assert_eq!(budget.held_bytes(), 98 << 10);
        // Larger than what is held: nothing changes.
        share.shrink_to(1 << 20);
        assert_eq!(share.bytes(), 98 << 10);
        share.shrink_to(0);
        assert_eq!(share.bytes(), 0);
        assert_eq!(budget.held_bytes(), 0);
        drop(share);
        assert_eq!(budget.held_bytes(), 0);
    }

    #[tokio::test(start_paused = true)]
    async fn a_share_grows_by_what_is_free_without_waiting() {
        let budget = BodyBudget::new(1 << 20);
        let mut share = budget.take(128 << 10).await;
        share.grow_to(300 << 10);
        assert_eq!(share.bytes(), 300 << 10);
        // Smaller than what is held: nothing changes.
        share.grow_to(10);
        assert_eq!(share.bytes(), 300 << 10);
        let other = budget.take(600 << 10).await;
        // 124 KiB are free; the share takes them and goes on.
        share.grow_to(900 << 10);
        assert_eq!(share.bytes(), 424 << 10);
        assert_eq!(budget.held_bytes(), 1 << 20);
        // Nothing free: it grows by nothing, and does not wait.
        share.grow_to(1 << 30);
        assert_eq!(share.bytes(), 424 << 10);
        drop(other);
        drop(share);
        assert_eq!(budget.held_bytes(), 0);
    }
}
