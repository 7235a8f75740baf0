//! Spreading the per-article CPU work of a batch over the machine's cores.
//!
//! Once the key layout stopped making sled the bottleneck, most of an upsert's time went to
//! two pure computations: fingerprinting the text (normalising it, SHA-256, simhash) and
//! encoding the record (postcard, then zstd). Both are independent per article, so a batch
//! runs them on up to [`MAX_THREADS`] scoped threads; the dedup decisions and the sled
//! write stay on the caller's thread, in order.

use std::num::NonZeroUsize;

/// Threads used at most, the caller's included.
const MAX_THREADS: usize = 4;

/// Below this many items a thread costs more than it saves.
const MIN_PER_THREAD: usize = 32;

/// `f` applied to every item, in order, on several threads when there are enough items.
pub(crate) fn map<T: Sync, R: Send>(items: &[T], f: impl Fn(&T) -> R + Sync) -> Vec<R> {
    let threads = std::thread::available_parallelism()
        .map_or(1, NonZeroUsize::get)
        .min(MAX_THREADS)
        .min(items.len() / MIN_PER_THREAD)
        .max(1);
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
}
