//! Spreading the per-article CPU work of a batch over the machine's cores.
//!
//! Once the key layout stopped making sled the bottleneck, most of an upsert's time went to
//! two pure computations: fingerprinting the text (normalising it, SHA-256, simhash) and
//! encoding the record (postcard, then zstd). Both are independent per article, so a batch
//! runs them on up to [`MAX_THREADS`] scoped threads; the dedup decisions and the sled
//! write stay on the caller's thread, in order. Fingerprints are [`pipeline`]d: the
//! caller's thread takes each one as soon as it is ready and makes its dedup decision while
//! the helpers fingerprint the articles after it.

use std::num::NonZeroUsize;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Condvar, Mutex, OnceLock, PoisonError};
use std::time::Duration;

/// Threads used at most, the caller's included.
const MAX_THREADS: usize = 4;

/// Below this many items a thread costs more than it saves.
const MIN_PER_THREAD: usize = 32;

/// `f` applied to every item, in order, on several threads when there are enough items.
pub(crate) fn map<T: Sync, R: Send>(items: &[T], f: impl Fn(&T) -> R + Sync) -> Vec<R> {
    let threads = threads_for(items.len());
    if threads == 1 {
        return items.iter().map(f).collect();
    }
    let per_thread = items.len().div_ceil(threads);
    let f = &f;
    std::thread::scope(|scope| {
        let mut parts = items.chunks(per_thread);
        let mine = parts.next().unwrap_or(&[]);
        let others: Vec<_> = parts
            .map(|part| scope.spawn(move || part.iter().map(f).collect::<Vec<R>>()))
            .collect();
        let mut out: Vec<R> = mine.iter().map(f).collect();
        out.reserve(items.len() - out.len());
        for handle in others {
            match handle.join() {
                Ok(part) => out.extend(part),
                // A panic in `f` is a bug; carry it to the caller as the serial code would.
                Err(panic) => std::panic::resume_unwind(panic),
            }
        }
        out
    })
}

/// Threads worth using, the caller's included, for `items` items.
fn threads_for(items: usize) -> usize {
    std::thread::available_parallelism()
        .map_or(1, NonZeroUsize::get)
        .min(MAX_THREADS)
        .min(items / MIN_PER_THREAD)
        .max(1)
}

/// Computes `f` of every item on helper threads while the caller's thread hands the
/// results to `consume`, in order, each as soon as it is ready; when the next one is not,
/// the caller computes an unclaimed item itself rather than wait. Serial work on the
/// results thus overlaps the parallel work instead of following it. The first error of
/// `consume` stops everything and is returned.
pub(crate) fn pipeline<T: Sync, R: Send + Sync, E>(
    items: &[T],
    f: impl Fn(&T) -> R + Sync,
    mut consume: impl FnMut(usize, &R) -> Result<(), E>,
) -> Result<(), E> {
    let helpers = threads_for(items.len()) - 1;
    if helpers == 0 {
        for (i, item) in items.iter().enumerate() {
            consume(i, &f(item))?;
        }
        return Ok(());
    }
    let slots: Vec<OnceLock<R>> = (0..items.len()).map(|_| OnceLock::new()).collect();
    let next = AtomicUsize::new(0);
    let (lock, filled) = (Mutex::new(()), Condvar::new());
    // Computes the first unclaimed item; `false` when none is left.
    let work = || {
        let j = next.fetch_add(1, Ordering::Relaxed);
        let Some(item) = items.get(j) else {
            return false;
        };
        let _ = slots[j].set(f(item));
        // Taking the lock orders this after the check of a consumer about to wait.
        drop(lock.lock().unwrap_or_else(PoisonError::into_inner));
        filled.notify_all();
        true
    };
    std::thread::scope(|scope| {
        let handles: Vec<_> = (0..helpers)
            .map(|_| scope.spawn(|| while work() {}))
            .collect();
        let mut result = Ok(());
        for (i, slot) in slots.iter().enumerate() {
            let value = loop {
                if let Some(value) = slot.get() {
                    break value;
                }
                if work() {
                    continue;
                }
                // Every item is claimed and a helper is computing this one.
                let guard = lock.lock().unwrap_or_else(PoisonError::into_inner);
                if slot.get().is_none() {
                    let _ = filled
                        .wait_timeout(guard, Duration::from_millis(5))
                        .unwrap_or_else(PoisonError::into_inner);
                }
                if slot.get().is_none() && handles.iter().all(|h| h.is_finished()) {
                    // The helper that claimed it panicked (the scope re-raises that panic
                    // when it ends); finish the item here rather than wait forever.
                    let _ = slot.set(f(&items[i]));
                }
            };
            if let Err(e) = consume(i, value) {
                result = Err(e);
                break;
            }
        }
        // After an error the helpers stop at their next claim.
        next.store(items.len(), Ordering::Relaxed);
        result
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn results_keep_the_order_of_the_items() {
        for n in [0, 1, 31, 64, 65, 1000] {
            let items: Vec<usize> = (0..n).collect();
            assert_eq!(
                super::map(&items, |i| i * 2),
                items.iter().map(|i| i * 2).collect::<Vec<_>>()
            );
        }
    }

    #[test]
    fn pipeline_consumes_every_result_in_order_and_stops_at_an_error() {
        for n in [0, 1, 31, 64, 65, 1000] {
            let items: Vec<usize> = (0..n).collect();
            let mut seen = Vec::new();
            let done: Result<(), ()> = super::pipeline(
                &items,
                |i| i * 2,
                |at, &r| {
                    assert_eq!(r, at * 2);
                    seen.push(r);
                    Ok(())
                },
            );
            assert_eq!(done, Ok(()));
            assert_eq!(seen, items.iter().map(|i| i * 2).collect::<Vec<_>>());
        }
        let items: Vec<usize> = (0..1000).collect();
        let mut consumed = 0;
        let done = super::pipeline(
            &items,
            |i| *i,
            |_, &r| {
                consumed += 1;
                if r == 100 { Err("stop") } else { Ok(()) }
            },
        );
        assert_eq!((done, consumed), (Err("stop"), 101));
    }
}
