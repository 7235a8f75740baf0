//! Spreading the per-article CPU work of a batch over the machine's cores.
//!
//! Once the key layout stopped making sled the bottleneck, most of an upsert's time went to
//! two pure computations: fingerprinting the text (normalising it, SHA-256, simhash) and
//! encoding the record (postcard, then zstd). Both are independent per article, so a batch
//! runs them on up to [`MAX_THREADS`] scoped threads; the dedup decisions and the sled
//! write stay on the caller's thread, in order. Fingerprints are computed [`Ahead`]: the
//! caller's thread takes each one as soon as it is ready and makes its dedup decision while
//! the helpers fingerprint the articles after it — or, for a stream of batches, the
//! articles of the next batch while this one is written. Records are encoded
//! [`Eager`]ly: each as soon as it is decided, on a helper, while the caller's thread
//! decides the next articles.

use std::num::NonZeroUsize;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Condvar, Mutex, OnceLock, PoisonError};
use std::thread::{Scope, ScopedJoinHandle};
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

/// Whether `items` items are worth a helper thread beside the caller's.
pub(crate) fn worth_helpers(items: usize) -> bool {
    threads_for(items) > 1
}

/// Threads worth using, the caller's included, for `items` items.
fn threads_for(items: usize) -> usize {
    std::thread::available_parallelism()
        .map_or(1, NonZeroUsize::get)
        .min(MAX_THREADS)
        .min(items / MIN_PER_THREAD)
        .max(1)
}

/// `f` of every item, computed ahead on helper threads and taken in order with
/// [`Ahead::get`].
///
/// The helpers start at once and run while the caller's thread does other work (deciding
/// the batch before, say); when the caller asks for a result that is not ready, it computes
/// an unclaimed item itself rather than wait. Serial work on the results thus overlaps the
/// parallel work instead of following it. The items live as long as the helpers need them
/// (shared, not borrowed), so a computation can outlast the code that started it: a batch
/// can be fingerprinted while the one before it is still being written.
pub(crate) struct Ahead<'scope, T, R> {
    shared: Arc<Shared<T, R>>,
    helpers: Vec<ScopedJoinHandle<'scope, ()>>,
}

struct Shared<T, R> {
    items: Vec<T>,
    f: fn(&T) -> R,
    slots: Vec<OnceLock<R>>,
    /// The first item no thread has claimed yet.
    next: AtomicUsize,
    lock: Mutex<()>,
    filled: Condvar,
}

impl<T, R> Shared<T, R> {
    /// Computes the first unclaimed item; `false` when none is left.
    fn work(&self) -> bool {
        let j = self.next.fetch_add(1, Ordering::Relaxed);
        let Some(item) = self.items.get(j) else {
            return false;
        };
        let _ = self.slots[j].set((self.f)(item));
        // Taking the lock orders this after the check of a consumer about to wait.
        drop(self.lock.lock().unwrap_or_else(PoisonError::into_inner));
        self.filled.notify_all();
        true
    }
}

impl<'scope, T: Send + Sync + 'scope, R: Send + Sync + 'scope> Ahead<'scope, T, R> {
    /// Starts computing `f` of `items` on as many helper threads as are worth it, beside
    /// the caller's thread (none for a few items: [`Ahead::get`] then computes them).
    pub fn start<'env>(scope: &'scope Scope<'scope, 'env>, items: Vec<T>, f: fn(&T) -> R) -> Self {
        let helpers = threads_for(items.len()) - 1;
        let shared = Arc::new(Shared {
            slots: (0..items.len()).map(|_| OnceLock::new()).collect(),
            items,
            f,
            next: AtomicUsize::new(0),
            lock: Mutex::new(()),
            filled: Condvar::new(),
        });
        let helpers = (0..helpers)
            .map(|_| {
                let shared = Arc::clone(&shared);
                scope.spawn(move || while shared.work() {})
            })
            .collect();
        Ahead { shared, helpers }
    }

    pub fn items(&self) -> &[T] {
        &self.shared.items
    }

    /// The result for item `i`, computed here if no helper has got to it.
    pub fn get(&self, i: usize) -> &R {
        let shared = &*self.shared;
        let slot = &shared.slots[i];
        loop {
            if let Some(value) = slot.get() {
                return value;
            }
            if shared.work() {
                continue;
            }
            // Every item is claimed and a helper is computing this one.
            let guard = shared.lock.lock().unwrap_or_else(PoisonError::into_inner);
            if slot.get().is_none() {
                let _ = shared
                    .filled
                    .wait_timeout(guard, Duration::from_millis(5))
                    .unwrap_or_else(PoisonError::into_inner);
            }
            if slot.get().is_none() && self.helpers.iter().all(|h| h.is_finished()) {
                // The helper that claimed it panicked (the scope re-raises that panic
                // when it ends); finish the item here rather than wait forever.
                let _ = slot.set((shared.f)(&shared.items[i]));
            }
        }
    }
}

impl<T, R> Drop for Ahead<'_, T, R> {
    /// Unclaimed items are not computed any more (after an error, say): the helpers stop at
    /// their next claim.
    fn drop(&mut self) {
        self.shared
            .next
            .store(self.shared.items.len(), Ordering::Relaxed);
    }
}

/// Items handed over one at a time and computed on a helper thread as they come, so that
/// the caller's serial work overlaps the computing; [`Eager::finish`] collects the results,
/// computing itself what the helper has not reached.
///
/// The helper stays until [`Eager::discard`] (or the drop): the caller can give it what
/// should be freed off its own thread.
pub(crate) struct Eager<T, R> {
    shared: Arc<EagerShared<T, R>>,
}

struct EagerShared<T, R> {
    f: fn(&T) -> R,
    state: Mutex<EagerState<T, R>>,
    changed: Condvar,
}

struct EagerState<T, R> {
    /// Jobs not started, oldest first, by job number.
    jobs: std::collections::VecDeque<(u64, Arc<T>)>,
    /// The job the helper is computing.
    running: Option<(u64, Arc<T>)>,
    results: std::collections::HashMap<u64, R>,
    next_job: u64,
    /// The helper may leave, dropping this first.
    released: Option<Box<dyn Send>>,
    helper_gone: bool,
}

impl<T: Send + Sync + 'static, R: Send + 'static> Eager<T, R> {
    pub fn start<'scope>(scope: &'scope Scope<'scope, '_>, f: fn(&T) -> R) -> Self {
        let shared = Arc::new(EagerShared {
            f,
            state: Mutex::new(EagerState {
                jobs: std::collections::VecDeque::new(),
                running: None,
                results: std::collections::HashMap::new(),
                next_job: 0,
                released: None,
                helper_gone: false,
            }),
            changed: Condvar::new(),
        });
        let helper = Arc::clone(&shared);
        scope.spawn(move || helper.help());
        Eager { shared }
    }

    /// Queues `item`; returns its job number, which [`Eager::finish`]'s results are keyed by.
    pub fn submit(&self, item: Arc<T>) -> u64 {
        let mut state = self.shared.lock();
        let job = state.next_job;
        state.next_job += 1;
        state.jobs.push_back((job, item));
        drop(state);
        self.shared.changed.notify_all();
        job
    }

    /// Every result by job number, once all are computed: the jobs the helper has not
    /// started are computed here, oldest first.
    pub fn finish(&self) -> std::collections::HashMap<u64, R> {
        let shared = &*self.shared;
        let mut state = shared.lock();
        loop {
            if let Some((job, item)) = state.jobs.pop_front() {
                drop(state);
                let result = (shared.f)(&item);
                state = shared.lock();
                state.results.insert(job, result);
                continue;
            }
            if state.running.is_none() {
                break;
            }
            if state.helper_gone {
                // The helper panicked on its job (the scope re-raises the panic when it
                // ends): compute the job here rather than wait forever.
                if let Some((job, item)) = state.running.take() {
                    state.jobs.push_back((job, item));
                }
                continue;
            }
            state = shared
                .changed
                .wait(state)
                .unwrap_or_else(PoisonError::into_inner);
        }
        std::mem::take(&mut state.results)
    }

    /// Lets the helper go, dropping `garbage` on its thread (`self`'s drop, right after,
    /// wakes it).
    pub fn discard(self, garbage: impl Send + 'static) {
        self.shared.lock().released = Some(Box::new(garbage));
    }
}

impl<T, R> EagerShared<T, R> {
    fn lock(&self) -> std::sync::MutexGuard<'_, EagerState<T, R>> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The helper thread: computes jobs as they come until released.
    fn help(&self) {
        /// Marks the helper gone however it leaves, a panic included.
        struct Gone<'a, T, R>(&'a EagerShared<T, R>);
        impl<T, R> Drop for Gone<'_, T, R> {
            fn drop(&mut self) {
                self.0.lock().helper_gone = true;
                self.0.changed.notify_all();
            }
        }
        let _gone = Gone(self);
        let mut state = self.lock();
        loop {
            if let Some(garbage) = state.released.take() {
                drop(state);
                drop(garbage);
                return;
            }
            if let Some((job, item)) = state.jobs.pop_front() {
                state.running = Some((job, Arc::clone(&item)));
                drop(state);
                let result = (self.f)(&item);
                drop(item);
                state = self.lock();
                state.running = None;
                state.results.insert(job, result);
                self.changed.notify_all();
                continue;
            }
            state = self
                .changed
                .wait(state)
                .unwrap_or_else(PoisonError::into_inner);
        }
    }
}

impl<T, R> Drop for Eager<T, R> {
    fn drop(&mut self) {
        let mut state = self.shared.lock();
        state.jobs.clear();
        if state.released.is_none() {
            state.released = Some(Box::new(()));
        }
        drop(state);
        self.shared.changed.notify_all();
    }
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
    fn ahead_gives_every_result_in_order_and_computations_overlap() {
        fn double(i: &usize) -> usize {
            i * 2
        }
        for n in [0, 1, 31, 64, 65, 1000] {
            let seen: Vec<usize> = std::thread::scope(|scope| {
                let ahead = super::Ahead::start(scope, (0..n).collect(), double);
                (0..n).map(|i| *ahead.get(i)).collect()
            });
            assert_eq!(seen, (0..n).map(|i| i * 2).collect::<Vec<_>>());
        }
        // The items are owned, not borrowed: a second computation can start while the
        // first is still being consumed, and go on after it is dropped.
        std::thread::scope(|scope| {
            let first = super::Ahead::start(scope, (0..500).collect(), double);
            let second = super::Ahead::start(scope, (500..1000).collect(), double);
            assert_eq!(*first.get(499), 998);
            assert_eq!(second.items().len(), 500);
            drop(first);
            assert_eq!(*second.get(0), 1000);
        });
    }

    #[test]
    fn eager_computes_every_job_once_collected() {
        fn square(i: &u64) -> u64 {
            i * i
        }
        for n in [0u64, 1, 7, 500] {
            std::thread::scope(|scope| {
                let eager = super::Eager::start(scope, square);
                let jobs: Vec<u64> = (0..n)
                    .map(|i| eager.submit(std::sync::Arc::new(i)))
                    .collect();
                let results = eager.finish();
                assert_eq!(results.len() as u64, n);
                for (i, job) in jobs.iter().enumerate() {
                    assert_eq!(results[job], (i * i) as u64);
                }
                eager.discard(vec![0u8; 16]);
            });
        }
        // Dropped without collecting: the helper leaves all the same.
        std::thread::scope(|scope| {
            let eager = super::Eager::start(scope, square);
            eager.submit(std::sync::Arc::new(3));
        });
    }
}
