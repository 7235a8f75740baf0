//! The threads a crawler parses pages on: as many as there are cores, its own.
//!
//! Parsing and extracting a page uses the extractor's regexes, and each regex keeps a
//! cache (its lazy DFA, up to megabytes) per thread that runs it. On tokio's blocking
//! pool a parse lands on whichever of its few dozen threads is idle (the store's calls
//! run there too), so over a crawl every one of them grew its own caches: 35 MiB of the
//! heap at the peak of `bench_crawl_sites web` (heaptrack). Here a page is parsed on one
//! of a fixed few threads, which keep the caches warm for the next page.
//!
//! The caller still waits on the blocking pool ([`Parsers::run`] blocks), so tokio knows
//! work is under way (its paused test clock does not jump past a parse), while the
//! memory a parse builds lives on these threads.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::mpsc;
use std::sync::{Arc, Mutex};

type Job = Box<dyn FnOnce() + Send>;

/// A fixed set of parsing threads; they end when it is dropped (its channel closes).
pub(crate) struct Parsers {
    jobs: mpsc::Sender<Job>,
}

impl Parsers {
    /// Starts `threads` parsing threads (at least one).
    pub fn start(threads: usize) -> Parsers {
        let (tx, rx) = mpsc::channel::<Job>();
        let rx = Arc::new(Mutex::new(rx));
        for i in 0..threads.max(1) {
            let rx = Arc::clone(&rx);
            let spawned = std::thread::Builder::new()
                .name(format!("gleaner-parse-{i}"))
                .spawn(move || {
                    loop {
                        // The lock is held only while waiting for the next job.
                        let job = match rx.lock() {
                            Ok(rx) => rx.recv(),
                            Err(poisoned) => poisoned.into_inner().recv(),
                        };
                        match job {
                            Ok(job) => job(),
                            Err(_) => break,
                        }
                    }
                });
            if let Err(error) = spawned {
                tracing::error!(%error, "cannot start a parsing thread");
            }
        }
        Parsers { jobs: tx }
    }

    /// Runs `work` on a parsing thread and waits for it (blocking: call it from the
    /// blocking pool). A panic in `work` is an error here, not a lost thread.
    pub fn run<T: Send + 'static>(
        &self,
        work: impl FnOnce() -> T + Send + 'static,
    ) -> Result<T, String> {
        let (tx, rx) = mpsc::sync_channel(1);
        let job: Job = Box::new(move || {
            let result = catch_unwind(AssertUnwindSafe(work));
            // The caller may be gone (its crawl was stopped): nothing to hand over then.
            let _ = tx.send(result);
        });
        if self.jobs.send(job).is_err() {
            return Err("the parsing threads stopped".into());
        }
        match rx.recv() {
            Ok(Ok(value)) => Ok(value),
            Ok(Err(_)) => Err("parsing a page panicked".into()),
            Err(_) => Err("the parsing threads stopped".into()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn work_runs_on_the_few_parsing_threads_and_a_panic_is_an_error() {
        let parsers = Parsers::start(2);
        let mut names: Vec<String> = (0..8)
            .map(|_| {
                parsers
                    .run(|| std::thread::current().name().unwrap_or("").to_string())
                    .expect("runs")
            })
            .collect();
        names.sort();
        names.dedup();
        assert!(!names.is_empty() && names.len() <= 2, "{names:?}");
        assert!(
            names.iter().all(|n| n.starts_with("gleaner-parse-")),
            "{names:?}"
        );
        assert_eq!(parsers.run(|| 6 * 7), Ok(42));
        assert!(parsers.run(|| -> u32 { panic!("a hostile page") }).is_err());
        // The threads outlive a panic.
        assert_eq!(parsers.run(|| 1), Ok(1));
    }
}
