//! The store's side of watching articles: the revisit schedule on the store's clock,
//! revisits handed to a crawl's frontier once, their outcomes judged and recorded with
//! their next rung, versions and the change log.

mod store_support;

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use gleaner::store::{
    ArticleId, ChangeKind, CrawlOutcome, CrawlStart, DiscoveredVia, FrontierLimits, GateAnswer,
    HostGate, ManualClock, MemoryStore, PageResult, RevisitAnswer, RevisitResult, StoreOptions,
    Validators, WatchPolicy,
};
use store_support::{at, new_article, story};

const SOURCE: &str = "site";
const CRAWL: &str = "revisit/site";

struct AnyHost;

impl HostGate for AnyHost {
    fn try_host(&mut self, _host: &str) -> GateAnswer {
        GateAnswer::Ready {
            spacing: Duration::ZERO,
        }
    }
}

fn secs(list: &[u64]) -> Vec<Duration> {
    list.iter().map(|s| Duration::from_secs(*s)).collect()
}

fn url(name: &str) -> String {
    format!("https://site.example/news/{name}")
}

/// A store whose articles of `site` are revisited 10, 20 and 40 s after their first
/// sighting, on a clock the test moves.
fn store() -> (MemoryStore, Arc<ManualClock>) {
    let clock = Arc::new(ManualClock::new(at(0)));
    let options = StoreOptions {
        watch: WatchPolicy::new(
            secs(&[3600]),
            BTreeMap::from([(SOURCE.to_string(), secs(&[10, 20, 40]))]),
        ),
        ..StoreOptions::default()
    };
    let store = MemoryStore::new(options)
        .expect("store")
        .with_clock(clock.clone());
    store
        .open_frontier(CRAWL, CrawlStart::Resume, FrontierLimits::default())
        .expect("open the revisit crawl");
    (store, clock)
}

/// Hands out what is due and claims it: watched URL → its claim.
/// Like a revisit crawl's run, it opens the revisit crawl first when nothing is pending:
/// that starts a new cycle, so a URL revisited in an earlier run is new to it again.
fn take_due(store: &MemoryStore) -> BTreeMap<String, gleaner::store::Claim> {
    if store.frontier_pending(CRAWL).expect("pending") == 0 {
        store
            .open_frontier(CRAWL, CrawlStart::Resume, FrontierLimits::default())
            .expect("open the revisit crawl");
    }
    let added = store.enqueue_due(SOURCE, CRAWL, 100).expect("enqueue");
    // The frontier hands out one URL per host per turn of its ring: claim until empty.
    let mut claims = Vec::new();
    loop {
        let more = store
            .claim_frontier(CRAWL, 100, &mut AnyHost)
            .expect("claim")
            .claims;
        if more.is_empty() {
            break;
        }
        claims.extend(more);
    }
    assert_eq!(
        claims.len() as u64,
        added,
        "every revisit handed out is claimable"
    );
    claims
        .into_iter()
        .map(|c| {
            assert_eq!(c.entry.discovered_via, DiscoveredVia::Revisit);
            assert_eq!(
                c.entry.discovered_from.as_deref(),
                Some(c.entry.url.as_str())
            );
            (c.entry.url.clone(), c)
        })
        .collect()
}

fn outcome(claim: &gleaner::store::Claim, secs: i64, answer: RevisitAnswer) -> CrawlOutcome {
    CrawlOutcome {
        crawl: CRAWL.into(),
        claim: Some(claim.ticket.clone()),
        visited: Vec::new(),
        result: PageResult::Revisit(Box::new(RevisitResult {
            source: SOURCE.into(),
            watched_url: claim.entry.url.clone(),
            at: at(secs),
            answer,
        })),
        discovered: Vec::new(),
    }
}

fn page(name: &str, text: &str, secs: i64) -> RevisitAnswer {
    let article = new_article(&url(name), SOURCE, text, at(secs));
    RevisitAnswer::Page {
        status: 200,
        final_url: url(name),
        validators: Validators::default(),
        article: Some(Box::new(article)),
    }
}

#[test]
fn revisits_record_edits_removals_and_restorations_once() {
    let (store, clock) = store();
    let texts: BTreeMap<&str, String> = ["edited", "gone", "front", "same"]
        .into_iter()
        .zip(1..)
        .map(|(name, seed)| (name, story(seed, 160)))
        .collect();
    let mut ids = BTreeMap::new();
    for (name, text) in &texts {
        let outcome = store
            .put_article(new_article(&url(name), SOURCE, text, at(0)))
            .expect("put");
        ids.insert(*name, outcome.id());
    }
    // A source with the default ladder is watched too, an hour on.
    store
        .put_article(new_article(
            "https://other.example/1",
            "other",
            &story(9, 160),
            at(0),
        ))
        .expect("put");

    // Nothing is due before the first rung; then all four, spread within a second.
    let first = store
        .next_due(SOURCE)
        .expect("next due")
        .expect("scheduled");
    assert!(first >= at(10) && first <= at(11), "{first}");
    assert!(store.next_due("other").expect("next").expect("scheduled") >= at(3600));
    clock.set(at(5));
    assert!(take_due(&store).is_empty());
    assert_eq!(store.count_due(SOURCE, 100).expect("count"), 0);
    clock.set(at(12));
    assert_eq!(store.count_due(SOURCE, 100).expect("count"), 4);
    let claims = take_due(&store);
    assert_eq!(claims.len(), 4);
    // Handed out once: nothing more is due while they are out.
    assert!(take_due(&store).is_empty());
    assert_eq!(store.count_due(SOURCE, 100).expect("count"), 0);

    let edited_text = format!(
        "{} Correction: the turnout was 41 percent.",
        texts["edited"]
    );
    let committed = store
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
                    status: 410,
                    final_url: url("gone"),
                },
            ),
            outcome(
                &claims[&url("front")],
                12,
                RevisitAnswer::Page {
                    status: 200,
                    final_url: "https://site.example/".into(),
                    article: None,
                    validators: Validators::default(),
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
    let kinds: Vec<Vec<ChangeKind>> = committed.iter().map(|c| c.changes.clone()).collect();
    assert_eq!(
        kinds,
        vec![
            vec![ChangeKind::Edited],
            vec![ChangeKind::Removed],
            vec![ChangeKind::Removed],
            vec![]
        ]
    );
    let changes = store.changes_since(0, None, 100).expect("changes");
    let summary: Vec<(ArticleId, ChangeKind, u32)> =
        changes.iter().map(|c| (c.id, c.kind, c.version)).collect();
    assert_eq!(
        summary,
        vec![
            (ids["edited"], ChangeKind::Edited, 2),
            (ids["gone"], ChangeKind::Removed, 1),
            (ids["front"], ChangeKind::Removed, 1),
        ]
    );
    let evidence = changes[1].evidence.clone().expect("evidence");
    assert_eq!(
        (evidence.status, evidence.final_url.as_str()),
        (410, url("gone").as_str())
    );
    assert_eq!(
        changes[2].evidence.as_ref().map(|e| e.final_url.as_str()),
        Some("https://site.example/")
    );
    assert_eq!(store.changes_since(2, None, 100).expect("changes").len(), 1);
    assert_eq!(
        store
            .changes_since(0, Some("other"), 100)
            .expect("changes")
            .len(),
        0
    );

    // Both texts of the edited article, in order; the raw page of each.
    let versions = store
        .versions(ids["edited"])
        .expect("versions")
        .expect("known");
    let kept: Vec<(u32, Option<&str>)> = versions
        .iter()
        .map(|v| (v.version, v.text.as_deref()))
        .collect();
    assert_eq!(
        kept,
        vec![
            (1, Some(texts["edited"].as_str())),
            (2, Some(edited_text.as_str()))
        ]
    );
    assert_eq!(versions[0].fetched_at, at(0));
    assert_eq!(versions[1].fetched_at, at(12));
    let raw1 = store
        .version_raw(ids["edited"], 1)
        .expect("raw")
        .expect("kept");
    let raw2 = store
        .version_raw(ids["edited"], 2)
        .expect("raw")
        .expect("kept");
    assert!(String::from_utf8_lossy(&raw1.body).contains(&texts["edited"][..40]));
    assert!(String::from_utf8_lossy(&raw2.body).contains("Correction"));

    // The removed ones keep their record and text, marked with the evidence.
    let gone = store.get_article(ids["gone"]).expect("get").expect("kept");
    assert_eq!(gone.removed_at, Some(at(12)));
    assert_eq!(gone.removal.map(|e| e.status), Some(410));
    assert_eq!(gone.article.text, texts["gone"]);
    // The unchanged one: no change, a revisit check on its version.
    let same = store
        .versions(ids["same"])
        .expect("versions")
        .expect("known");
    assert_eq!(same.len(), 1);
    assert_eq!(same[0].revisits.len(), 1);
    assert_eq!(
        (same[0].revisits[0].at, same[0].revisits[0].status),
        (at(12), 304)
    );
    assert!(
        store
            .get_article(ids["same"])
            .expect("get")
            .expect("kept")
            .removed_at
            .is_none()
    );

    // The next rung, 20 s after the first sighting, for all four.
    let next = store.next_due(SOURCE).expect("next").expect("scheduled");
    assert!(next >= at(20) && next <= at(21), "{next}");
    clock.set(at(22));
    let claims = take_due(&store);
    assert_eq!(claims.len(), 4);
    let committed = store
        .commit_crawl(vec![
            // Back with its old text: restored.
            outcome(&claims[&url("gone")], 22, page("gone", &texts["gone"], 22)),
            // Still gone: nothing new.
            outcome(
                &claims[&url("front")],
                22,
                RevisitAnswer::Status {
                    status: 404,
                    final_url: url("front"),
                },
            ),
            // A timeout is no removal: tried again soon, on the same rung.
            outcome(
                &claims[&url("edited")],
                22,
                RevisitAnswer::Failed {
                    kind: "timeout".into(),
                },
            ),
            // Not looked at (robots.txt): on to the next rung.
            outcome(
                &claims[&url("same")],
                22,
                RevisitAnswer::Unchecked {
                    reason: "robots".into(),
                },
            ),
        ])
        .expect("commit");
    assert_eq!(committed[0].changes, vec![ChangeKind::Restored]);
    assert!(committed[1..].iter().all(|c| c.changes.is_empty()));
    let changes = store.changes_since(3, None, 100).expect("changes");
    assert_eq!(changes.len(), 1);
    assert_eq!(
        (changes[0].id, changes[0].kind),
        (ids["gone"], ChangeKind::Restored)
    );
    let back = store.get_article(ids["gone"]).expect("get").expect("kept");
    assert_eq!(
        (back.removed_at, back.removal, back.version),
        (None, None, 1)
    );
    assert!(
        store
            .get_article(ids["front"])
            .expect("get")
            .expect("kept")
            .removed_at
            == Some(at(12))
    );

    // The timed-out one is due again within seconds; the others at their last rung.
    let retry = store.next_due(SOURCE).expect("next").expect("scheduled");
    assert!(retry > at(22) && retry <= at(24), "{retry}");
    clock.set(at(25));
    let claims = take_due(&store);
    assert_eq!(
        claims.keys().cloned().collect::<Vec<_>>(),
        vec![url("edited")]
    );
    let edited_again = format!("{edited_text} A second correction.");
    store
        .commit_crawl(vec![outcome(
            &claims[&url("edited")],
            25,
            page("edited", &edited_again, 25),
        )])
        .expect("commit");
    let versions = store
        .versions(ids["edited"])
        .expect("versions")
        .expect("known");
    assert_eq!(versions.len(), 3);
    assert_eq!(versions[2].text.as_deref(), Some(edited_again.as_str()));

    // The last rung (40 s), then the ladder is over.
    clock.set(at(45));
    let claims = take_due(&store);
    assert_eq!(claims.len(), 4);
    let outcomes = claims
        .values()
        .map(|c| {
            outcome(
                c,
                45,
                RevisitAnswer::Status {
                    status: 503,
                    final_url: c.entry.url.clone(),
                },
            )
        })
        .collect();
    store.commit_crawl(outcomes).expect("commit");
    // A 503 retries the last rung, up to its attempts; then nothing is left.
    for round in 0..5 {
        let Some(next) = store.next_due(SOURCE).expect("next") else {
            assert!(round >= 2, "gave up after {round} more tries");
            break;
        };
        clock.set(next + chrono::Duration::seconds(1));
        let outcomes = take_due(&store)
            .values()
            .map(|c| {
                outcome(
                    c,
                    50,
                    RevisitAnswer::Failed {
                        kind: "http_5xx".into(),
                    },
                )
            })
            .collect();
        store.commit_crawl(outcomes).expect("commit");
    }
    assert_eq!(
        store.next_due(SOURCE).expect("next"),
        None,
        "the ladder is over"
    );
    // Two edits, two removals, one restoration; the failures and the unchanged ones log
    // nothing.
    let kinds: Vec<(ArticleId, ChangeKind)> = store
        .changes_since(0, None, 100)
        .expect("changes")
        .iter()
        .map(|c| (c.id, c.kind))
        .collect();
    assert_eq!(
        kinds,
        vec![
            (ids["edited"], ChangeKind::Edited),
            (ids["gone"], ChangeKind::Removed),
            (ids["front"], ChangeKind::Removed),
            (ids["gone"], ChangeKind::Restored),
            (ids["edited"], ChangeKind::Edited),
        ]
    );
}

#[test]
fn the_policy_decides_who_is_watched_and_can_change_at_run_time() {
    let (store, clock) = store();
    store.set_watch_policy(WatchPolicy::new(
        secs(&[10]),
        BTreeMap::from([("quiet".to_string(), Vec::new())]),
    ));
    store
        .put_article(new_article(&url("a"), SOURCE, &story(1, 160), at(0)))
        .expect("put");
    store
        .put_article(new_article(
            "https://quiet.example/1",
            "quiet",
            &story(2, 160),
            at(0),
        ))
        .expect("put");
    assert!(store.next_due(SOURCE).expect("next").is_some());
    assert_eq!(store.next_due("quiet").expect("next"), None, "not watched");
    // Watching stops for the source: its due revisit is dropped when it comes due.
    store.set_watch_policy(WatchPolicy::off());
    clock.set(at(30));
    assert!(take_due(&store).is_empty());
    assert_eq!(store.next_due(SOURCE).expect("next"), None);
}

#[test]
fn a_revisit_that_lands_on_another_article_stores_it_and_judges_the_watched_one() {
    let (store, clock) = store();
    let watched = store
        .put_article(new_article(&url("old"), SOURCE, &story(1, 160), at(0)))
        .expect("put")
        .id();
    clock.set(at(12));
    let claims = take_due(&store);
    // Redirected to another story (a different text at another URL): the watched one is
    // removed, the other is stored as an article of its own.
    let mut other = new_article(&url("lead-story"), SOURCE, &story(7, 160), at(12));
    other.provenance.url = url("old");
    store
        .commit_crawl(vec![outcome(
            &claims[&url("old")],
            12,
            RevisitAnswer::Page {
                status: 200,
                final_url: url("lead-story"),
                validators: Validators::default(),
                article: Some(Box::new(other)),
            },
        )])
        .expect("commit");
    let record = store.get_article(watched).expect("get").expect("kept");
    assert_eq!(record.removal.map(|e| e.final_url), Some(url("lead-story")));
    let lead = store
        .get_article(ArticleId::for_url(&url("lead-story")))
        .expect("get")
        .expect("stored");
    assert_eq!(lead.provenance.discovered_via, DiscoveredVia::Link);
    assert_eq!(store.changes_since(0, None, 10).expect("changes").len(), 1);
}
