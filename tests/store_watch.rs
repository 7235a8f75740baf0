//! The store's side of watching articles on the embedded store (in memory and on sled):
//! the revisit schedule on the store's clock, revisits handed to a crawl's frontier once,
//! their outcomes judged and recorded with their next rung, versions and the change log.
//! The scenarios are `common/watch_scenarios.rs`, which PostgreSQL runs too.

mod store_support;
#[path = "common/watch_scenarios.rs"]
mod watch_scenarios;

use std::sync::Arc;

use gleaner::store::{
    Backend, CrawlStart, Embedded, FrontierLimits, ManualClock, MemoryStore, SledStore,
    StoreOptions,
};
use store_support::at;
use watch_scenarios::{CRAWL, policy};

fn options() -> StoreOptions {
    StoreOptions {
        watch: policy(),
        ..StoreOptions::default()
    }
}

/// The revisit crawl opened on `backend`.
async fn opened(backend: Backend) -> Backend {
    backend
        .frontier
        .open_crawl(CRAWL, CrawlStart::Resume, FrontierLimits::default())
        .await
        .expect("open the revisit crawl");
    backend
}

/// An in-memory store on a clock the test moves.
async fn memory() -> (Backend, Arc<ManualClock>) {
    let clock = Arc::new(ManualClock::new(at(0)));
    let store = MemoryStore::new(options())
        .expect("store")
        .with_clock(clock.clone());
    (opened(Backend::embedded(Embedded::new(store))).await, clock)
}

/// A sled store in `dir` on a clock the test moves.
async fn sled(dir: &tempfile::TempDir) -> (Backend, Arc<ManualClock>) {
    let clock = Arc::new(ManualClock::new(at(0)));
    let store = SledStore::open(dir.path(), options())
        .expect("store")
        .with_clock(clock.clone());
    (opened(Backend::embedded(Embedded::new(store))).await, clock)
}

#[tokio::test]
async fn revisits_record_edits_removals_and_restorations_once() {
    let (store, clock) = memory().await;
    watch_scenarios::revisits_record_edits_removals_and_restorations_once(&store, &clock).await;
    let dir = tempfile::tempdir().expect("tempdir");
    let (store, clock) = sled(&dir).await;
    watch_scenarios::revisits_record_edits_removals_and_restorations_once(&store, &clock).await;
}

#[tokio::test]
async fn the_policy_decides_who_is_watched_and_can_change_at_run_time() {
    let (store, clock) = memory().await;
    watch_scenarios::the_policy_decides_who_is_watched_and_can_change_at_run_time(&store, &clock)
        .await;
}

#[tokio::test]
async fn a_revisit_that_lands_on_another_article_stores_it_and_judges_the_watched_one() {
    let (store, clock) = memory().await;
    watch_scenarios::a_revisit_that_lands_on_another_article_stores_it_and_judges_the_watched_one(
        &store, &clock,
    )
    .await;
}
