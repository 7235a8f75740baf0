//! Watching articles on PostgreSQL: the scenarios of `store_watch.rs` (the embedded store)
//! run through the roles of a [`PgStore`], plus what only a shared database has: two nodes
//! handing out due revisits at once hand each out once, and the schema migration that adds
//! the watch tables to a version-1 database.
//!
//! The server comes from `tests/common/postgres.rs`; without PostgreSQL installed the tests
//! skip and say so (CI makes them mandatory).

#[path = "common/postgres.rs"]
mod postgres;
mod store_support;
#[path = "common/watch_scenarios.rs"]
mod watch_scenarios;

use std::collections::{BTreeMap, HashSet};
use std::sync::Arc;

use gleaner::store::postgres::{PgSettings, PgStore};
use gleaner::store::{
    Backend, ChangeKind, CrawlStart, FrontierLimits, ManualClock, RevisitAnswer, StoreOptions,
};
use store_support::{at, new_article, story};
use watch_scenarios::{
    AnyHost, CRAWL, SOURCE, changes, claim_all, next_due, outcome, page, policy, put, take_due, url,
};

/// A store on database `url` whose articles of `site` are revisited 10, 20 and 40 s after
/// their first sighting, on a clock the test moves; the revisit crawl open.
async fn store_at(url: &str, clock: Arc<ManualClock>) -> Backend {
    let options = StoreOptions {
        watch: policy(),
        ..StoreOptions::default()
    };
    let pg = PgStore::connect_with_clock(url, options, PgSettings::default(), clock)
        .await
        .expect("connects");
    let backend = Backend::postgres(pg);
    backend
        .frontier
        .open_crawl(CRAWL, CrawlStart::Resume, FrontierLimits::default())
        .await
        .expect("open the revisit crawl");
    backend
}

async fn store(server: &postgres::Server, test: &str) -> (Backend, Arc<ManualClock>) {
    let clock = Arc::new(ManualClock::new(at(0)));
    (store_at(&server.database(test), clock.clone()).await, clock)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn revisits_record_edits_removals_and_restorations_once() {
    let Some(server) = postgres::server("revisits_record_edits_removals_and_restorations_once")
    else {
        return;
    };
    let (store, clock) = store(&server, "watch_scenario").await;
    watch_scenarios::revisits_record_edits_removals_and_restorations_once(&store, &clock).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_policy_decides_who_is_watched_and_can_change_at_run_time() {
    let Some(server) =
        postgres::server("the_policy_decides_who_is_watched_and_can_change_at_run_time")
    else {
        return;
    };
    let (store, clock) = store(&server, "watch_policy").await;
    watch_scenarios::the_policy_decides_who_is_watched_and_can_change_at_run_time(&store, &clock)
        .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_revisit_that_lands_on_another_article_stores_it_and_judges_the_watched_one() {
    let Some(server) = postgres::server(
        "a_revisit_that_lands_on_another_article_stores_it_and_judges_the_watched_one",
    ) else {
        return;
    };
    let (store, clock) = store(&server, "watch_moved").await;
    watch_scenarios::a_revisit_that_lands_on_another_article_stores_it_and_judges_the_watched_one(
        &store, &clock,
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_nodes_handing_out_due_revisits_at_once_hand_each_out_once() {
    let Some(server) =
        postgres::server("two_nodes_handing_out_due_revisits_at_once_hand_each_out_once")
    else {
        return;
    };
    let db = server.database("watch_nodes");
    let clock = Arc::new(ManualClock::new(at(0)));
    let one = store_at(&db, clock.clone()).await;
    let two = store_at(&db, clock.clone()).await;
    for n in 0..40 {
        put(&one, &url(&format!("n{n}")), SOURCE, &story(n, 120), 0).await;
    }
    clock.set(at(12));
    assert_eq!(
        one.revisits.count_due(SOURCE, 100).await.expect("count"),
        40
    );
    let (a, b) = tokio::join!(
        one.revisits.enqueue_due(SOURCE, CRAWL, 25),
        two.revisits.enqueue_due(SOURCE, CRAWL, 25)
    );
    let (a, b) = (a.expect("enqueue"), b.expect("enqueue"));
    let (c, d) = tokio::join!(
        one.revisits.enqueue_due(SOURCE, CRAWL, 25),
        two.revisits.enqueue_due(SOURCE, CRAWL, 25)
    );
    let (c, d) = (c.expect("enqueue"), d.expect("enqueue"));
    assert_eq!(a + b + c + d, 40, "{a} {b} {c} {d}");
    assert_eq!(one.frontier.pending(CRAWL).await.expect("pending"), 40);
    assert_eq!(one.revisits.count_due(SOURCE, 100).await.expect("count"), 0);
    let claims = claim_all(&one, 40).await;
    let urls: HashSet<&str> = claims.iter().map(|c| c.entry.url.as_str()).collect();
    assert_eq!((claims.len(), urls.len()), (40, 40));
}

#[tokio::test]
async fn a_version_one_database_gains_the_watch_tables() {
    let Some(server) = postgres::server("a_version_one_database_gains_the_watch_tables") else {
        return;
    };
    let db_url = server.database("watch_migration");
    let db = db_url.rsplit('/').next().expect("db name").to_string();
    let clock = Arc::new(ManualClock::new(at(0)));
    let before = store_at(&db_url, clock.clone()).await;
    let old = put(&before, &url("old"), SOURCE, &story(3, 160), 0).await;
    drop(before);
    // Back to what a gleaner without watching left: schema version 1, the article stored
    // but never scheduled.
    server
        .psql(
            &db,
            "DROP TABLE gleaner.versions, gleaner.revisit_checks, gleaner.changes,
                 gleaner.revisits;
             DELETE FROM gleaner.sequences WHERE name = 'change_seq';
             DELETE FROM gleaner.schema_migrations WHERE version = 2;",
        )
        .expect("psql");
    // Opened again 30 s on: rungs 10 s and 20 s were missed, so the last of them is due at
    // once (as the embedded store's migration does).
    clock.set(at(30));
    let store = store_at(&db_url, clock.clone()).await;
    let versions = server
        .psql(
            &db,
            "SELECT string_agg(version::text, ',' ORDER BY version) FROM gleaner.schema_migrations",
        )
        .expect("psql");
    assert_eq!(versions, "1,2");
    let due = next_due(&store).await.expect("the old article is watched");
    assert!(due >= at(20) && due <= at(30), "{due}");
    assert_eq!(
        store.revisits.count_due(SOURCE, 10).await.expect("count"),
        1
    );
    let claims = take_due(&store).await;
    assert!(claims.contains_key(&url("old")));
    let versions = store.versions.versions(old).await.expect("versions");
    assert_eq!(versions.map(|v| v.len()), Some(1));
    // A new article is scheduled as it is stored.
    put(&store, &url("new"), SOURCE, &story(4, 160), 30).await;
    let rows = server
        .psql(&db, "SELECT count(*) FROM gleaner.revisits")
        .expect("psql");
    assert_eq!(rows, "2");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn migrate_store_carries_versions_checks_and_the_change_log_over() {
    let Some(server) =
        postgres::server("migrate_store_carries_versions_checks_and_the_change_log_over")
    else {
        return;
    };
    // An embedded store that watched three articles: one edited, one removed, one
    // unchanged (a 304).
    let clock = Arc::new(ManualClock::new(at(0)));
    let options = StoreOptions {
        watch: policy(),
        ..StoreOptions::default()
    };
    let embedded = Arc::new(
        gleaner::store::MemoryStore::new(options.clone())
            .expect("store")
            .with_clock(clock.clone()),
    );
    let mut ids = BTreeMap::new();
    for (name, seed) in [("edited", 1), ("gone", 2), ("same", 3)] {
        let put = embedded
            .put_article(new_article(&url(name), SOURCE, &story(seed, 160), at(0)))
            .expect("put");
        ids.insert(name, put.id());
    }
    embedded
        .open_frontier(CRAWL, CrawlStart::Resume, FrontierLimits::default())
        .expect("open");
    clock.set(at(12));
    assert_eq!(embedded.enqueue_due(SOURCE, CRAWL, 10).expect("enqueue"), 3);
    let mut claims = BTreeMap::new();
    for _ in 0..10 {
        for c in embedded
            .claim_frontier(CRAWL, 10, &mut AnyHost)
            .expect("claim")
            .claims
        {
            claims.insert(c.entry.url.clone(), c);
        }
    }
    let edited_text = format!("{} Correction appended.", story(1, 160));
    embedded
        .commit_crawl(vec![
            outcome(
                &claims[&url("edited")],
                12,
                page("edited", &edited_text, 12),
            ),
            outcome(
                &claims[&url("gone")],
                12,
                RevisitAnswer::Status {
                    status: 404,
                    final_url: url("gone"),
                },
            ),
            outcome(
                &claims[&url("same")],
                12,
                RevisitAnswer::NotModified {
                    final_url: url("same"),
                },
            ),
        ])
        .expect("commit");
    embedded.close_frontier(CRAWL);

    let pg = PgStore::connect_with_clock(
        &server.database("watch_import"),
        options,
        PgSettings::default(),
        clock.clone(),
    )
    .await
    .expect("connects");
    let summary = gleaner::store::postgres::import_embedded(embedded.clone(), &pg)
        .await
        .expect("import");
    assert_eq!(
        (summary.versions, summary.revisit_checks, summary.changes),
        (1, 1, 2),
        "{summary:?}"
    );
    let backend = Backend::postgres(pg);
    for id in ids.values() {
        assert_eq!(
            backend.versions.versions(*id).await.expect("versions"),
            embedded.versions(*id).expect("versions"),
            "{id}"
        );
    }
    let raw = backend
        .versions
        .version_raw(ids["edited"], 1)
        .await
        .expect("raw")
        .expect("kept");
    assert_eq!(
        Some(raw),
        embedded.version_raw(ids["edited"], 1).expect("raw")
    );
    assert_eq!(
        changes(&backend, 0, None).await,
        embedded.changes_since(0, None, 100).expect("changes")
    );
    // The log goes on after the copied entries; each article is watched again.
    assert!(next_due(&backend).await.is_some());
    put(
        &backend,
        &url("edited"),
        SOURCE,
        "A third text entirely.",
        30,
    )
    .await;
    let log = changes(&backend, 2, None).await;
    assert_eq!(
        log.iter().map(|c| (c.seq, c.kind)).collect::<Vec<_>>(),
        vec![(3, ChangeKind::Edited)]
    );
}
