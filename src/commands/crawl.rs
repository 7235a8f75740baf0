//! `gleaner crawl --seed URL…`: one polite crawl from seed URLs into the local store.
//!
//! Runs without a config file (built-in defaults, store in `./gleaner-data`). On a terminal
//! a progress bar shows what is happening; otherwise a log line every few seconds. Ctrl-C
//! stops cleanly: in-flight requests are abandoned and their URLs stay pending, so running
//! the same command again resumes where this one stopped.
//!
//! Exit code: 1 when no seed could be fetched (each seed's reason on stderr), so scripts and
//! timers can tell a crawl that reached nothing from one that ran and met some errors (0,
//! with the errors in the summary).

use std::io::IsTerminal;
use std::time::{Duration, Instant};

use anyhow::Context;
use gleaner::cli::CrawlArgs;
use gleaner::config::Config;
use gleaner::crawl::seeds::SeedOutcome;
use gleaner::crawl::{CrawlJob, CrawlStore, CrawlSummary, Crawler, Progress, StopReason, by_count};
use gleaner::store::{OpenStore, StoreLocation};
use indicatif::{ProgressBar, ProgressStyle};

use super::{EXIT_FAILURE, EXIT_OK};

/// Without a terminal, a progress log line this often.
const LOG_EVERY: Duration = Duration::from_secs(5);

pub fn crawl(args: CrawlArgs) -> anyhow::Result<u8> {
    let mut config = match &args.config {
        Some(path) => Config::load(path)?,
        None => Config::default(),
    };
    if let Some(n) = args.max_pages {
        config.crawler.max_pages = n;
    }
    if let Some(n) = args.max_depth {
        config.crawler.max_depth = n;
    }
    if let Some(location) = &args.data {
        location.apply_to(&mut config.store);
    }
    let location = StoreLocation::from_config(&config.store);

    let runtime = super::crawl_runtime()?;
    let store = runtime
        .block_on(OpenStore::open(&location, &config.store))
        .with_context(|| format!("opening the store {}", describe(&location)))?;
    let backend = store.backend();
    let seeds = args.seeds.iter().map(|s| s.as_url().clone()).collect();
    let job = CrawlJob::from_seeds(seeds, &config.crawler);
    let summary = runtime.block_on(async {
        let crawler = Crawler::new(&config.crawler, CrawlStore::from(&backend))
            .context("setting up the crawler")?;
        tracing::info!(source = %job.source, data = %location, "crawl started");
        let stop = async {
            if tokio::signal::ctrl_c().await.is_err() {
                // No signal handling available: never stop from outside.
                std::future::pending::<()>().await;
            }
        };
        let mut display = Display::new();
        let summary = crawler
            .crawl_with_progress(job, stop, |p| display.update(p))
            .await
            .context("crawling")?;
        display.finish();
        anyhow::Ok(summary)
    })?;
    drop(backend);
    runtime
        .block_on(store.flush())
        .context("flushing the store")?;
    drop(store);
    print_summary(&summary);
    if summary.reached_no_seed() {
        for seed in &summary.seeds {
            if let SeedOutcome::Unreachable(reason) = &seed.outcome {
                eprintln!("gleaner: {}: {reason}", seed.url);
            }
        }
        eprintln!("gleaner: no seed could be fetched: nothing was crawled");
        return Ok(EXIT_FAILURE);
    }
    Ok(EXIT_OK)
}

/// "in DIR" or "at URL" (password hidden), for messages.
pub fn describe(location: &StoreLocation) -> String {
    match location {
        StoreLocation::Directory(_) => format!("in {location}"),
        StoreLocation::Postgres(_) => format!("at {location}"),
    }
}

/// A progress bar on a terminal, periodic log lines otherwise.
struct Display {
    bar: Option<ProgressBar>,
    last_log: Instant,
}

impl Display {
    fn new() -> Self {
        let bar = std::io::stderr().is_terminal().then(|| {
            let bar = ProgressBar::new_spinner();
            bar.set_style(
                ProgressStyle::with_template("{spinner} {elapsed_precise} {msg}")
                    .unwrap_or_else(|_| ProgressStyle::default_spinner()),
            );
            bar.enable_steady_tick(Duration::from_millis(200));
            bar
        });
        Display {
            bar,
            last_log: Instant::now(),
        }
    }

    fn update(&mut self, p: &Progress) {
        let c = &p.counters;
        let line = format!(
            "fetched {} · stored {} · queued {} · in flight {} · skipped {} · errors {}",
            c.pages_fetched,
            c.stored,
            p.queued,
            p.in_flight,
            c.skipped_total() + c.not_article + c.robots_blocked,
            c.errors_total(),
        );
        let waiting = match p.hosts_waiting.len() {
            0 => String::new(),
            n if n <= 3 => format!(" · waiting on politeness: {}", p.hosts_waiting.join(", ")),
            n => format!(
                " · waiting on politeness: {}, … ({n} hosts)",
                p.hosts_waiting[..3].join(", ")
            ),
        };
        match &self.bar {
            Some(bar) => bar.set_message(format!("{line}{waiting}")),
            None if self.last_log.elapsed() >= LOG_EVERY => {
                self.last_log = Instant::now();
                tracing::info!(
                    fetched = c.pages_fetched,
                    stored = c.stored,
                    queued = p.queued,
                    in_flight = p.in_flight,
                    errors = c.errors_total(),
                    hosts_waiting = p.hosts_waiting.len(),
                    "crawl progress"
                );
            }
            None => {}
        }
    }

    fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}

fn print_summary(s: &CrawlSummary) {
    let c = &s.counters;
    let how = match s.stop {
        StopReason::Finished => "finished",
        StopReason::MaxPages => "stopped at max_pages",
        StopReason::Cancelled => "interrupted (run again to resume)",
    };
    println!(
        "crawl of {} {how} in {:.1}s",
        s.source,
        s.elapsed.as_secs_f64()
    );
    if s.resumed > 0 {
        println!("  resumed        {} URLs from the previous run", s.resumed);
    }
    println!("  fetched        {}", c.pages_fetched);
    println!(
        "  stored         {} new, {} updated, {} unchanged, {} duplicates",
        c.stored, c.updated, c.unchanged, c.duplicates
    );
    println!("  not modified   {}", c.not_modified);
    println!("  not article    {}", c.not_article);
    println!("  robots-blocked {}", c.robots_blocked);
    if c.memory_waits > 0 {
        println!(
            "  waited         {} pages for memory, {:.1}s in all (crawler.body_budget_bytes)",
            c.memory_waits,
            c.memory_wait_ms as f64 / 1000.0
        );
    }
    let list = |m| {
        let items = by_count(m);
        if items.is_empty() {
            "0".to_string()
        } else {
            items
                .iter()
                .map(|(k, v)| format!("{k} {v}"))
                .collect::<Vec<_>>()
                .join(", ")
        }
    };
    println!("  skipped        {}", list(&c.skipped));
    println!("  errors         {}", list(&c.errors));
    for seed in &s.seeds {
        match &seed.outcome {
            SeedOutcome::Reached => {}
            SeedOutcome::Disallowed => {
                println!("  seed {}: disallowed by robots.txt", seed.url);
            }
            SeedOutcome::Unreachable(reason) => {
                println!("  seed {}: unreachable: {reason}", seed.url);
            }
            // Stopped before it, or resumed after it: "pending" above says so.
            SeedOutcome::NotTried => {}
        }
    }
    if s.pending > 0 {
        println!(
            "  pending        {} URLs (run again to continue)",
            s.pending
        );
    }
}
