//! Revisit crawls through the crawl engine, on the store's manual clock: what each kind of
//! answer becomes. A server error after the retries is no removal (the rung is tried
//! again soon), robots.txt forbidding a revisit skips it, a 451 removes, the same page
//! again is a check on its version; revisits add no links to any frontier.

mod support;

use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use chrono::Utc;
use gleaner::crawl::CrawlJob;
use gleaner::store::{
    ArticleId, ChangeKind, Embedded, ManualClock, MemoryStore, StoreOptions, WatchPolicy,
};
use support::{Site, article_html, crawl, html, index_html, job, robots, test_config, with_status};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn revisit_answers_become_checks_removals_and_retries_never_removals_by_mistake() {
    let changed = Arc::new(AtomicBool::new(false));
    let flag = Arc::clone(&changed);
    let site = Site::start("127.0.0.41", move |req| {
        let changed = flag.load(Ordering::SeqCst);
        match req.target {
            "/robots.txt" if changed => robots("User-agent: *\nDisallow: /news/b\n"),
            "/robots.txt" => robots("User-agent: *\nAllow: /\n"),
            "/" => html(index_html(&["/news/a", "/news/b", "/news/c", "/news/d"])),
            "/news/a" if changed => with_status(503, "busy"),
            "/news/c" if changed => with_status(451, "withheld"),
            "/news/a" => html(article_html("Story a", 1)),
            "/news/b" => html(article_html("Story b", 2)),
            "/news/c" => html(article_html("Story c", 3)),
            // Its page links elsewhere: a revisit must not follow.
            "/news/d" => html(format!(
                "{}<a href=\"/news/e\">more</a>",
                article_html("Story d", 4)
            )),
            _ => with_status(404, ""),
        }
    })
    .await;
    let now = Utc::now();
    let clock = Arc::new(ManualClock::new(now));
    let options = StoreOptions {
        watch: WatchPolicy::new(
            vec![Duration::from_secs(10), Duration::from_secs(100)],
            BTreeMap::new(),
        ),
        ..StoreOptions::default()
    };
    let store = Embedded::new(
        MemoryStore::new(options)
            .expect("store")
            .with_clock(clock.clone()),
    );
    let config = test_config();
    let mut first = job("s", vec![site.url("/")], &config);
    first.max_depth = 1;
    let summary = crawl(&config, &store, first.clone()).await;
    assert_eq!(summary.counters.stored, 4, "{:?}", summary.counters);
    let id = |name: &str| ArticleId::for_url(site.url(&format!("/news/{name}")).as_str());

    let mut revisits = CrawlJob {
        revisits: true,
        ..first.clone()
    };
    revisits.start = gleaner::store::CrawlStart::Resume;
    // Nothing is due yet: the revisit crawl fetches nothing.
    let early = crawl(&config, &store, revisits.clone()).await;
    assert_eq!(early.counters.pages_fetched, 0, "{:?}", early.counters);

    changed.store(true, Ordering::SeqCst);
    let before = site.hits().len();
    clock.set(now + chrono::Duration::seconds(12));
    let summary = crawl(&config, &store, revisits.clone()).await;
    let hits: Vec<String> = site.hits()[before..]
        .iter()
        .map(|h| h.target.clone())
        .collect();
    assert!(
        !hits.iter().any(|t| t == "/news/b"),
        "robots.txt forbids b: {hits:?}"
    );
    assert!(
        !hits.iter().any(|t| t == "/news/e" || t == "/"),
        "no links followed: {hits:?}"
    );
    assert_eq!(
        hits.iter().filter(|t| *t == "/news/a").count(),
        3,
        "503 tried 1 + 2 retries: {hits:?}"
    );
    assert_eq!(summary.counters.removed, 1, "{:?}", summary.counters);

    let changes = store.changes_since(0, None, 100).expect("changes");
    let kinds: Vec<(ArticleId, ChangeKind)> = changes.iter().map(|c| (c.id, c.kind)).collect();
    assert_eq!(
        kinds,
        vec![(id("c"), ChangeKind::Removed)],
        "only the 451 removes"
    );
    assert_eq!(changes[0].evidence.as_ref().map(|e| e.status), Some(451));
    assert!(
        store
            .get_article(id("a"))
            .expect("get")
            .expect("kept")
            .removed_at
            .is_none()
    );
    let checks = |name: &str| {
        store
            .versions(id(name))
            .expect("versions")
            .expect("known")
            .iter()
            .map(|v| v.revisits.len())
            .sum::<usize>()
    };
    assert_eq!((checks("a"), checks("b"), checks("d")), (0, 0, 1));

    // The 503 is retried on the same rung within seconds, not at the next rung (100 s).
    let retry = store.next_due("s").expect("next").expect("scheduled");
    assert!(
        retry <= now + chrono::Duration::seconds(12 + 5),
        "retry at {retry}, now {}",
        now + chrono::Duration::seconds(12)
    );
    changed.store(false, Ordering::SeqCst);
    clock.set(retry + chrono::Duration::seconds(1));
    crawl(&config, &store, revisits.clone()).await;
    assert_eq!(checks("a"), 1, "the retried revisit found it unchanged");
    assert_eq!(store.changes_since(0, None, 100).expect("changes").len(), 1);
}
