//! The scenarios of watching articles, through the store's roles: run on the embedded
//! store by `store_watch.rs` and on PostgreSQL by `store_postgres_watch.rs`, so both
//! backends are held to the same behaviour.
//!
//! Each scenario takes a [`Backend`] built with [`policy`] on a [`ManualClock`] at
//! `at(0)`, the revisit crawl [`CRAWL`] open.

#![allow(dead_code)]

use std::collections::{BTreeMap, HashSet};
use std::time::Duration;

use gleaner::store::{
    ArticleId, Backend, ChangeKind, Claim, CrawlOutcome, CrawlStart, DiscoveredVia, FrontierLimits,
    GateAnswer, HostGate, ManualClock, PageResult, RevisitAnswer, RevisitResult, Validators,
    WatchPolicy,
};

use super::store_support::{at, new_article, story};

pub const SOURCE: &str = "site";
pub const CRAWL: &str = "revisit/site";

pub struct AnyHost;

impl HostGate for AnyHost {
    fn try_host(&mut self, _host: &str) -> GateAnswer {
        GateAnswer::Ready {
            spacing: Duration::ZERO,
        }
    }
}

pub fn secs(list: &[u64]) -> Vec<Duration> {
    list.iter().map(|s| Duration::from_secs(*s)).collect()
}

pub fn url(name: &str) -> String {
    format!("https://site.example/news/{name}")
}

/// Articles of `site` revisited 10, 20 and 40 s after their first sighting; others hourly.
pub fn policy() -> WatchPolicy {
    WatchPolicy::new(
        secs(&[3600]),
        BTreeMap::from([(SOURCE.to_string(), secs(&[10, 20, 40]))]),
    )
}

pub async fn put(store: &Backend, url: &str, source: &str, text: &str, secs: i64) -> ArticleId {
    let new = new_article(url, source, text, at(secs));
    let committed = store
        .sink
        .commit(vec![CrawlOutcome {
            crawl: source.into(),
            claim: None,
            visited: Vec::new(),
            result: PageResult::Article(Box::new(new)),
            discovered: Vec::new(),
        }])
        .await
        .expect("commit");
    committed[0].article.expect("an article").id()
}

/// Claims everything pending in the revisit crawl (the shared frontier hands a host's URLs
/// out over several calls).
pub async fn claim_all(store: &Backend, expected: u64) -> Vec<Claim> {
    let mut claims = Vec::new();
    for _ in 0..200 {
        if claims.len() as u64 >= expected {
            break;
        }
        let more = store
            .frontier
            .claim(CRAWL, 100, &mut AnyHost)
            .await
            .expect("claim")
            .claims;
        if more.is_empty() {
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        claims.extend(more);
    }
    claims
}

/// Hands out what is due and claims it: watched URL → its claim. Like a revisit crawl's
/// run, it opens the revisit crawl first when nothing is pending (a new cycle).
pub async fn take_due(store: &Backend) -> BTreeMap<String, Claim> {
    if store.frontier.pending(CRAWL).await.expect("pending") == 0 {
        store
            .frontier
            .open_crawl(CRAWL, CrawlStart::Resume, FrontierLimits::default())
            .await
            .expect("open the revisit crawl");
    }
    let added = store
        .revisits
        .enqueue_due(SOURCE, CRAWL, 100)
        .await
        .expect("enqueue");
    let claims = claim_all(store, added).await;
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

pub fn outcome(claim: &Claim, secs: i64, answer: RevisitAnswer) -> CrawlOutcome {
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

pub fn page(name: &str, text: &str, secs: i64) -> RevisitAnswer {
    let article = new_article(&url(name), SOURCE, text, at(secs));
    RevisitAnswer::Page {
        status: 200,
        final_url: url(name),
        validators: Validators::default(),
        article: Some(Box::new(article)),
    }
}

pub async fn changes(
    store: &Backend,
    after: u64,
    source: Option<&str>,
) -> Vec<gleaner::store::Change> {
    store
        .changes
        .changes_since(after, source, 100)
        .await
        .expect("changes")
}

pub async fn next_due(store: &Backend) -> Option<chrono::DateTime<chrono::Utc>> {
    store.revisits.next_due(SOURCE).await.expect("next due")
}

/// Revisits record an edit, a removal by status, a removal by redirect to the front
/// page, an unchanged article, a restoration, retries and the end of the ladder, each once.
pub async fn revisits_record_edits_removals_and_restorations_once(
    store: &Backend,
    clock: &ManualClock,
) {
    let texts: BTreeMap<&str, String> = ["edited", "gone", "front", "same"]
        .into_iter()
        .zip(1..)
        .map(|(name, seed)| (name, story(seed, 160)))
        .collect();
    let mut ids = BTreeMap::new();
    for (name, text) in &texts {
        ids.insert(*name, put(store, &url(name), SOURCE, text, 0).await);
    }
    // A source with the default ladder is watched too, an hour on.
    put(store, "https://other.example/1", "other", &story(9, 160), 0).await;

    // Nothing is due before the first rung; then all four, spread within a second.
    let first = next_due(store).await.expect("scheduled");
    assert!(first >= at(10) && first <= at(11), "{first}");
    let other = store.revisits.next_due("other").await.expect("next");
    assert!(other.expect("scheduled") >= at(3600));
    clock.set(at(5));
    assert!(take_due(store).await.is_empty());
    assert_eq!(
        store.revisits.count_due(SOURCE, 100).await.expect("count"),
        0
    );
    clock.set(at(12));
    assert_eq!(
        store.revisits.count_due(SOURCE, 100).await.expect("count"),
        4
    );
    assert_eq!(store.revisits.count_due(SOURCE, 3).await.expect("count"), 3);
    let claims = take_due(store).await;
    assert_eq!(claims.len(), 4);
    // Handed out once: nothing more is due while they are out.
    assert!(take_due(store).await.is_empty());
    assert_eq!(
        store.revisits.count_due(SOURCE, 100).await.expect("count"),
        0
    );

    let edited_text = format!(
        "{} Correction: the turnout was 41 percent.",
        texts["edited"]
    );
    let committed = store
        .sink
        .commit(vec![
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
        .await
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
    let log = changes(store, 0, None).await;
    let summary: Vec<(ArticleId, ChangeKind, u32)> =
        log.iter().map(|c| (c.id, c.kind, c.version)).collect();
    assert_eq!(
        summary,
        vec![
            (ids["edited"], ChangeKind::Edited, 2),
            (ids["gone"], ChangeKind::Removed, 1),
            (ids["front"], ChangeKind::Removed, 1),
        ]
    );
    assert_eq!(
        log.iter().map(|c| c.seq).collect::<Vec<_>>(),
        vec![1, 2, 3],
        "the log's seqs follow commit order"
    );
    let evidence = log[1].evidence.clone().expect("evidence");
    assert_eq!(
        (evidence.status, evidence.final_url.as_str()),
        (410, url("gone").as_str())
    );
    assert_eq!(
        log[2].evidence.as_ref().map(|e| e.final_url.as_str()),
        Some("https://site.example/")
    );
    assert_eq!(changes(store, 2, None).await.len(), 1);
    assert_eq!(changes(store, 0, Some("other")).await.len(), 0);

    // Both texts of the edited article, in order; the raw page of each.
    let versions = store
        .versions
        .versions(ids["edited"])
        .await
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
        .versions
        .version_raw(ids["edited"], 1)
        .await
        .expect("raw")
        .expect("kept");
    let raw2 = store
        .versions
        .version_raw(ids["edited"], 2)
        .await
        .expect("raw")
        .expect("kept");
    assert!(String::from_utf8_lossy(&raw1.body).contains(&texts["edited"][..40]));
    assert!(String::from_utf8_lossy(&raw2.body).contains("Correction"));

    // The removed ones keep their record and text, marked with the evidence.
    let gone = store
        .reader
        .article(ids["gone"])
        .await
        .expect("get")
        .expect("kept");
    assert_eq!(gone.removed_at, Some(at(12)));
    assert_eq!(gone.removal.map(|e| e.status), Some(410));
    assert_eq!(gone.article.text, texts["gone"]);
    // The unchanged one: no change, a revisit check on its version.
    let same = store
        .versions
        .versions(ids["same"])
        .await
        .expect("versions")
        .expect("known");
    assert_eq!(same.len(), 1);
    assert_eq!(same[0].revisits.len(), 1);
    assert_eq!(
        (same[0].revisits[0].at, same[0].revisits[0].status),
        (at(12), 304)
    );
    let same_record = store.reader.article(ids["same"]).await.expect("get");
    assert!(same_record.expect("kept").removed_at.is_none());

    // The next rung, 20 s after the first sighting, for all four.
    let next = next_due(store).await.expect("scheduled");
    assert!(next >= at(20) && next <= at(21), "{next}");
    clock.set(at(22));
    let claims = take_due(store).await;
    assert_eq!(claims.len(), 4);
    let committed = store
        .sink
        .commit(vec![
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
        .await
        .expect("commit");
    assert_eq!(committed[0].changes, vec![ChangeKind::Restored]);
    assert!(committed[1..].iter().all(|c| c.changes.is_empty()));
    let log = changes(store, 3, None).await;
    assert_eq!(log.len(), 1);
    assert_eq!(
        (log[0].id, log[0].kind),
        (ids["gone"], ChangeKind::Restored)
    );
    let back = store
        .reader
        .article(ids["gone"])
        .await
        .expect("get")
        .expect("kept");
    assert_eq!(
        (back.removed_at, back.removal, back.version),
        (None, None, 1)
    );
    let front = store.reader.article(ids["front"]).await.expect("get");
    assert_eq!(front.expect("kept").removed_at, Some(at(12)));

    // The timed-out one is due again within seconds; the others at their last rung.
    let retry = next_due(store).await.expect("scheduled");
    assert!(retry > at(22) && retry <= at(24), "{retry}");
    clock.set(at(25));
    let claims = take_due(store).await;
    assert_eq!(
        claims.keys().cloned().collect::<Vec<_>>(),
        vec![url("edited")]
    );
    let edited_again = format!("{edited_text} A second correction.");
    store
        .sink
        .commit(vec![outcome(
            &claims[&url("edited")],
            25,
            page("edited", &edited_again, 25),
        )])
        .await
        .expect("commit");
    let versions = store
        .versions
        .versions(ids["edited"])
        .await
        .expect("versions")
        .expect("known");
    assert_eq!(versions.len(), 3);
    assert_eq!(versions[2].text.as_deref(), Some(edited_again.as_str()));

    // The last rung (40 s), then the ladder is over.
    clock.set(at(45));
    let claims = take_due(store).await;
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
    store.sink.commit(outcomes).await.expect("commit");
    // A 503 retries the last rung, up to its attempts; then nothing is left.
    for round in 0..5 {
        let Some(next) = next_due(store).await else {
            assert!(round >= 2, "gave up after {round} more tries");
            break;
        };
        clock.set(next + chrono::Duration::seconds(1));
        let outcomes = take_due(store)
            .await
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
        store.sink.commit(outcomes).await.expect("commit");
    }
    assert_eq!(next_due(store).await, None, "the ladder is over");
    // Two edits, two removals, one restoration; the failures and the unchanged ones log
    // nothing.
    let kinds: Vec<(ArticleId, ChangeKind)> = changes(store, 0, None)
        .await
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

/// Sources without a ladder are not watched; turning watching off drops due revisits.
pub async fn the_policy_decides_who_is_watched_and_can_change_at_run_time(
    store: &Backend,
    clock: &ManualClock,
) {
    store
        .revisits
        .set_policy(WatchPolicy::new(
            secs(&[10]),
            BTreeMap::from([("quiet".to_string(), Vec::new())]),
        ))
        .await
        .expect("policy");
    put(store, &url("a"), SOURCE, &story(1, 160), 0).await;
    put(store, "https://quiet.example/1", "quiet", &story(2, 160), 0).await;
    assert!(next_due(store).await.is_some());
    let quiet = store.revisits.next_due("quiet").await.expect("next");
    assert_eq!(quiet, None, "not watched");
    // Watching stops for the source: its due revisit is dropped when it comes due.
    store
        .revisits
        .set_policy(WatchPolicy::off())
        .await
        .expect("policy");
    clock.set(at(30));
    assert!(take_due(store).await.is_empty());
    assert_eq!(next_due(store).await, None);
}

/// A revisit redirected to another story stores that story and removes the watched one.
pub async fn a_revisit_that_lands_on_another_article_stores_it_and_judges_the_watched_one(
    store: &Backend,
    clock: &ManualClock,
) {
    let watched = put(store, &url("old"), SOURCE, &story(1, 160), 0).await;
    clock.set(at(12));
    let claims = take_due(store).await;
    // Redirected to another story (a different text at another URL): the watched one is
    // removed, the other is stored as an article of its own.
    let mut other = new_article(&url("lead-story"), SOURCE, &story(7, 160), at(12));
    other.provenance.url = url("old");
    store
        .sink
        .commit(vec![outcome(
            &claims[&url("old")],
            12,
            RevisitAnswer::Page {
                status: 200,
                final_url: url("lead-story"),
                validators: Validators::default(),
                article: Some(Box::new(other)),
            },
        )])
        .await
        .expect("commit");
    let record = store
        .reader
        .article(watched)
        .await
        .expect("get")
        .expect("kept");
    assert_eq!(record.removal.map(|e| e.final_url), Some(url("lead-story")));
    let lead = store
        .reader
        .article(ArticleId::for_url(&url("lead-story")))
        .await
        .expect("get")
        .expect("stored");
    assert_eq!(lead.provenance.discovered_via, DiscoveredVia::Link);
    assert_eq!(changes(store, 0, None).await.len(), 1);
    // The new article is on the ladder of its own.
    clock.set(at(40));
    let due: HashSet<String> = take_due(store).await.into_keys().collect();
    assert!(due.contains(&url("lead-story")), "{due:?}");
}
