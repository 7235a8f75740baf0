//! Article records on the sled store: versions, last_seen, dedup, pages, re-extraction,
//! format versions and the one-process lock.

mod store_support;

use std::time::Duration;

use gleaner::store::dedup::simhash;
use gleaner::store::reextract::reextract;
use gleaner::store::{
    ArticleId, CrawlStart, FrontierLimits, GateAnswer, HostGate, PutOutcome, SledStore, StoreError,
    StoreOptions, Validators,
};
use store_support::{at, new_article, story};

fn open(dir: &std::path::Path) -> SledStore {
    SledStore::open(dir, StoreOptions::default()).expect("store opens")
}

#[test]
fn recrawl_updates_last_seen_and_changed_text_is_a_new_version_queued_again() {
    let dir = tempfile::tempdir().expect("tempdir");
    let text = story(1, 400);
    let url = "https://wire.example/2026/11/talks";
    let id = {
        let store = open(dir.path());
        let id = match store
            .put_article(new_article(url, "wire", &text, at(0)))
            .expect("put")
        {
            PutOutcome::New { id } => id,
            other => panic!("expected New, got {other:?}"),
        };
        // Deliver and acknowledge the first version.
        let popped = store.pop(10, Duration::from_secs(60), at(10)).expect("pop");
        assert_eq!(popped.len(), 1);
        let token = popped[0].delivery.token.clone();
        assert_eq!(
            store.ack(&[token], at(11)).expect("ack"),
            [gleaner::store::AckOutcome::Acked]
        );

        // Same text an hour later, reflowed: last_seen only, nothing queued.
        let reflowed = text.replace("\n\n", "\n");
        assert_eq!(
            store
                .put_article(new_article(url, "wire", &reflowed, at(3600)))
                .expect("put"),
            PutOutcome::Unchanged { id }
        );
        let record = store.get_article(id).expect("get").expect("stored");
        assert_eq!(record.version, 1);
        assert_eq!(record.first_seen, at(0));
        assert_eq!(record.last_seen, at(3600));
        assert_eq!(store.stats(at(3601)).expect("stats").pending, 0);
        id
    };

    // Reopen: changed text bumps the version, keeps the old hash and queues again.
    let store = open(dir.path());
    let old = store.get_article(id).expect("get").expect("stored");
    let changed = format!("{text}\n\nUpdate: the ministry later denied the report.");
    assert_eq!(
        store
            .put_article(new_article(url, "wire", &changed, at(7200)))
            .expect("put"),
        PutOutcome::Updated { id, version: 2 }
    );
    let record = store.get_article(id).expect("get").expect("stored");
    assert_eq!(record.version, 2);
    assert_eq!(record.first_seen, at(0));
    assert_eq!(record.last_seen, at(7200));
    assert_eq!(record.previous_versions.len(), 1);
    assert_eq!(record.previous_versions[0].version, 1);
    assert_eq!(record.previous_versions[0].text_sha256, old.text_sha256);
    assert_ne!(record.text_sha256, old.text_sha256);
    assert!(
        record.seq > old.seq,
        "a new version moves to the end of store order"
    );
    assert!(record.article.text.ends_with("denied the report."));

    let stats = store.stats(at(7201)).expect("stats");
    assert_eq!((stats.articles, stats.pending, stats.acked), (1, 1, 1));
    let again = store
        .pop(10, Duration::from_secs(60), at(7202))
        .expect("pop");
    assert_eq!(again.len(), 1);
    assert_eq!(again[0].record.version, 2);
}

#[test]
fn reprints_are_duplicates_across_sources_and_the_original_lists_them() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = open(dir.path());
    let text = story(7, 800);
    let original = store
        .put_article(new_article(
            "https://wire.example/story-1",
            "wire",
            &text,
            at(0),
        ))
        .expect("put");
    let PutOutcome::New { id: original_id } = original else {
        panic!("expected New, got {original:?}")
    };

    // An aggregator reprints it word for word, with its own layout and typography
    // (like an aggregator page around a wire story): exact duplicate.
    let reprint = format!(
        "  {}  ",
        text.replace(". ", ".  ").replace('\n', " ").to_uppercase()
    );
    let exact = store
        .put_article(new_article(
            "https://aggregator.example/news/123",
            "aggregator",
            &reprint,
            at(60),
        ))
        .expect("put");
    let PutOutcome::Duplicate { id: exact_id, of } = exact else {
        panic!("expected an exact duplicate, got {exact:?}")
    };
    assert_eq!(of, original_id);

    // A regional site corrects one word: near duplicate by simhash.
    let edited = text.replacen("ministry", "government", 1);
    let (a, _) = simhash(&text);
    let (b, _) = simhash(&edited);
    assert!(
        a.distance(b) <= 3,
        "precondition: a one-word correction in an 800-word story is within distance 3 (got {})",
        a.distance(b)
    );
    let near = store
        .put_article(new_article(
            "https://regional.example/a/9",
            "regional",
            &edited,
            at(120),
        ))
        .expect("put");
    let PutOutcome::Duplicate { id: near_id, of } = near else {
        panic!("expected a near duplicate, got {near:?}")
    };
    assert_eq!(of, original_id);

    // Another story is not a duplicate.
    let other = store
        .put_article(new_article(
            "https://regional.example/a/10",
            "regional",
            &story(8, 800),
            at(180),
        ))
        .expect("put");
    assert!(matches!(other, PutOutcome::New { .. }), "{other:?}");

    let original = store
        .get_article(original_id)
        .expect("get")
        .expect("stored");
    let sightings: Vec<_> = original
        .also_seen_at
        .iter()
        .map(|s| (s.id, s.url.as_str(), s.source.as_str(), s.seen_at))
        .collect();
    assert_eq!(
        sightings,
        [
            (
                exact_id,
                "https://aggregator.example/news/123",
                "aggregator",
                at(60)
            ),
            (near_id, "https://regional.example/a/9", "regional", at(120)),
        ]
    );
    for id in [exact_id, near_id] {
        let dup = store.get_article(id).expect("get").expect("stored");
        assert_eq!(dup.duplicate_of, Some(original_id));
    }

    // One pending article per story; duplicates stored but not queued.
    let stats = store.stats(at(200)).expect("stats");
    assert_eq!((stats.articles, stats.pending, stats.duplicates), (4, 2, 2));
    let popped = store
        .pop(10, Duration::from_secs(60), at(201))
        .expect("pop");
    let ids: Vec<ArticleId> = popped.iter().map(|d| d.record.id).collect();
    assert_eq!(ids.len(), 2);
    assert!(ids.contains(&original_id) && !ids.contains(&exact_id) && !ids.contains(&near_id));
}

#[test]
fn dedup_settings_are_honoured() {
    let text = story(7, 800);
    let edited = text.replacen("ministry", "government", 1);

    // Distance 0: the corrected reprint is its own article.
    let dir = tempfile::tempdir().expect("tempdir");
    let strict = StoreOptions {
        near_duplicate_distance: 0,
        ..StoreOptions::default()
    };
    let store = SledStore::open(dir.path(), strict).expect("opens");
    store
        .put_article(new_article("https://wire.example/1", "wire", &text, at(0)))
        .expect("put");
    let outcome = store
        .put_article(new_article(
            "https://regional.example/1",
            "regional",
            &edited,
            at(1),
        ))
        .expect("put");
    assert!(matches!(outcome, PutOutcome::New { .. }), "{outcome:?}");
    drop(store);

    // queue_duplicates: duplicates are delivered too.
    let dir = tempfile::tempdir().expect("tempdir");
    let queue_all = StoreOptions {
        queue_duplicates: true,
        ..StoreOptions::default()
    };
    let store = SledStore::open(dir.path(), queue_all).expect("opens");
    store
        .put_article(new_article("https://wire.example/1", "wire", &text, at(0)))
        .expect("put");
    let outcome = store
        .put_article(new_article(
            "https://regional.example/1",
            "regional",
            &text,
            at(1),
        ))
        .expect("put");
    assert!(
        matches!(outcome, PutOutcome::Duplicate { .. }),
        "{outcome:?}"
    );
    let stats = store.stats(at(2)).expect("stats");
    assert_eq!((stats.pending, stats.duplicates), (2, 1));
}

#[test]
fn the_same_article_through_another_source_is_one_record_seen_twice() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = open(dir.path());
    let text = story(3, 300);
    let url = "https://ngo.example/statement";
    let id = store
        .put_article(new_article(url, "ngo", &text, at(0)))
        .expect("put")
        .id();
    let mut via_feed = new_article(url, "ngo-feed", &text, at(50));
    via_feed.provenance.url = "https://ngo.example/statement?from=rss".into();
    assert_eq!(
        store.put_article(via_feed).expect("put"),
        PutOutcome::Unchanged { id }
    );
    let record = store.get_article(id).expect("get").expect("stored");
    assert_eq!(
        record.provenance.source, "ngo",
        "the first sighting stays the provenance"
    );
    assert_eq!(record.also_seen_at.len(), 1);
    assert_eq!(record.also_seen_at[0].source, "ngo-feed");
    assert_eq!(record.last_seen, at(50));
    assert_eq!(store.stats(at(51)).expect("stats").articles, 1);
}

#[test]
fn validators_and_not_modified_follow_the_url() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = open(dir.path());
    let mut article = new_article("https://a.example/x", "a", &story(4, 200), at(0));
    article.provenance.final_url = "https://a.example/x/".into();
    let etag = article.provenance.etag.clone();
    let id = store.put_article(article).expect("put").id();
    for url in ["https://a.example/x", "https://a.example/x/"] {
        let v = store.validators(url).expect("validators").expect("known");
        assert_eq!(v.etag, etag);
        assert_eq!(
            v.last_modified.as_deref(),
            Some("Mon, 23 Nov 2026 10:00:00 GMT")
        );
    }
    assert_eq!(
        store
            .validators("https://a.example/other")
            .expect("validators"),
        None
    );

    assert_eq!(
        store
            .record_not_modified("https://a.example/x", at(500))
            .expect("304"),
        Some(id)
    );
    let record = store.get_article(id).expect("get").expect("stored");
    assert_eq!((record.last_seen, record.version), (at(500), 1));
    assert_eq!(
        store
            .record_not_modified("https://a.example/unknown", at(600))
            .expect("304"),
        None
    );

    // A section page that is not an article keeps its validators too.
    let section = Validators {
        etag: Some("\"s1\"".into()),
        last_modified: None,
    };
    store
        .set_validators("https://a.example/news/", &section)
        .expect("set");
    assert_eq!(
        store
            .validators("https://a.example/news/")
            .expect("validators"),
        Some(section)
    );
}

/// Page states (which article a URL produced, and the validators of its latest response)
/// follow each URL, whatever article id its canonical URL gives, across reopening.
#[test]
fn page_states_follow_urls_through_redirects_canonicals_and_moves() {
    let dir = tempfile::tempdir().expect("tempdir");
    let validators = |etag: &str| Validators {
        etag: Some(format!("\"{etag}\"")),
        last_modified: None,
    };
    let fetched = |url: &str, final_url: &str, canonical: Option<&str>, seed: u64, etag: &str| {
        let mut a = new_article(url, "site", &story(seed, 200), at(seed as i64));
        a.provenance.final_url = final_url.to_string();
        a.provenance.etag = Some(format!("\"{etag}\""));
        a.provenance.last_modified = None;
        a.article.canonical_url = canonical.map(str::to_string);
        a
    };
    let (redirected, moved) = {
        let store = open(dir.path());
        // Through a redirect: both URLs get the final response's validators.
        let redirected = store
            .put_article(fetched(
                "https://s.example/r/1",
                "https://s.example/news/1",
                None,
                1,
                "r1",
            ))
            .expect("put")
            .id();
        // A canonical URL other than the one fetched names the article; the fetched URL
        // keeps the page state, the canonical one (never fetched) has none.
        store
            .put_article(fetched(
                "https://s.example/news/2?utm=feed",
                "https://s.example/news/2?utm=feed",
                Some("https://s.example/news/2"),
                2,
                "c2",
            ))
            .expect("put");
        // A URL whose canonical changes moves to the article its new canonical names.
        store
            .put_article(fetched(
                "https://s.example/live",
                "https://s.example/live",
                Some("https://s.example/live/day-1"),
                3,
                "d1",
            ))
            .expect("put");
        let moved = store
            .put_article(fetched(
                "https://s.example/live",
                "https://s.example/live",
                Some("https://s.example/live/day-2"),
                4,
                "d2",
            ))
            .expect("put")
            .id();
        assert_eq!(moved, ArticleId::for_url("https://s.example/live/day-2"));
        // Validators set for an article's URL replace the response's, until the next fetch.
        store
            .set_validators("https://s.example/news/1", &validators("manual"))
            .expect("set");
        (redirected, moved)
    };
    let store = open(dir.path());
    let page = |url: &str| store.validators(url).expect("validators");
    assert_eq!(page("https://s.example/r/1"), Some(validators("r1")));
    assert_eq!(page("https://s.example/news/1"), Some(validators("manual")));
    assert_eq!(
        page("https://s.example/news/2?utm=feed"),
        Some(validators("c2"))
    );
    assert_eq!(page("https://s.example/news/2"), None);
    assert_eq!(page("https://s.example/live"), Some(validators("d2")));
    let not_modified = |url: &str| store.record_not_modified(url, at(900)).expect("304");
    assert_eq!(not_modified("https://s.example/r/1"), Some(redirected));
    assert_eq!(not_modified("https://s.example/live"), Some(moved));
    assert_eq!(not_modified("https://s.example/news/2"), None);
    store
        .put_article(fetched(
            "https://s.example/r/1",
            "https://s.example/news/1",
            None,
            1,
            "r1b",
        ))
        .expect("put");
    assert_eq!(page("https://s.example/news/1"), Some(validators("r1b")));

    // An article reached through more URLs than a record keeps forgets the oldest.
    let text = story(9, 200);
    for i in 0..70 {
        let mut a = new_article(&format!("https://s.example/a?s={i}"), "site", &text, at(i));
        a.article.canonical_url = Some("https://s.example/a".into());
        store.put_article(a).expect("put");
    }
    assert_eq!(page("https://s.example/a?s=0"), None);
    assert_eq!(
        store
            .record_not_modified("https://s.example/a?s=0", at(999))
            .expect("304"),
        None
    );
    assert!(page("https://s.example/a?s=69").is_some());
    assert!(page("https://s.example/a?s=6").is_some());
    assert_eq!(
        store
            .record_not_modified("https://s.example/a?s=6", at(999))
            .expect("304"),
        Some(ArticleId::for_url("https://s.example/a"))
    );
}

#[test]
fn reextraction_updates_changed_records_and_queues_them() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = open(dir.path());
    let texts = [
        story(11, 300),
        story(12, 300),
        story(13, 300),
        story(14, 300),
    ];
    let mut ids = Vec::new();
    for (i, text) in texts.iter().enumerate() {
        let url = format!("https://site.example/{i}");
        ids.push(
            store
                .put_article(new_article(&url, "site", text, at(i as i64)))
                .expect("put")
                .id(),
        );
    }
    // A fourth article from another source is not touched with --source site2.
    let popped = store.pop(10, Duration::from_secs(60), at(10)).expect("pop");
    let tokens: Vec<String> = popped.iter().map(|d| d.delivery.token.clone()).collect();
    store.ack(&tokens, at(11)).expect("ack");

    let store = gleaner::store::Embedded::new(store);
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let reextracting = reextract(
        &store,
        &store,
        Some("site"),
        "test-extractor/2",
        |record, raw| {
            assert!(String::from_utf8_lossy(&raw.body).contains("<article>"));
            let mut article = record.article.clone();
            match record.provenance.url.as_str() {
                "https://site.example/0" => {
                    article.text.push_str(" A sentence the old extractor lost.")
                }
                "https://site.example/1" => article.author = Some("Jane Roe".into()),
                "https://site.example/2" => return Err("no paragraph of text found".into()),
                _ => {}
            }
            Ok(article)
        },
    );
    let summary = runtime.block_on(reextracting).expect("reextract");
    assert_eq!(summary.examined, 4);
    assert_eq!(
        (summary.updated, summary.unchanged, summary.rejected),
        (2, 1, 1)
    );

    let r0 = store.get_article(ids[0]).expect("get").expect("stored");
    assert_eq!(r0.version, 2);
    assert_eq!(r0.provenance.extractor_version, "test-extractor/2");
    let r1 = store.get_article(ids[1]).expect("get").expect("stored");
    assert_eq!(
        (r1.version, r1.article.author.as_deref()),
        (1, Some("Jane Roe"))
    );
    let r2 = store.get_article(ids[2]).expect("get").expect("stored");
    assert_eq!(
        r2.provenance.extractor_version, "test-extractor/1",
        "rejected: kept as is"
    );
    let r3 = store.get_article(ids[3]).expect("get").expect("stored");
    assert_eq!(r3.provenance.extractor_version, "test-extractor/2");

    let again = store.pop(10, Duration::from_secs(60), at(20)).expect("pop");
    let mut queued: Vec<ArticleId> = again.iter().map(|d| d.record.id).collect();
    queued.sort();
    let mut expected = vec![ids[0], ids[1]];
    expected.sort();
    assert_eq!(queued, expected);
}

#[test]
fn raw_pages_are_kept_only_when_configured() {
    let dir = tempfile::tempdir().expect("tempdir");
    let no_raw = StoreOptions {
        keep_raw: false,
        ..StoreOptions::default()
    };
    let store = SledStore::open(dir.path(), no_raw).expect("opens");
    let id = store
        .put_article(new_article(
            "https://a.example/1",
            "a",
            &story(1, 100),
            at(0),
        ))
        .expect("put")
        .id();
    assert_eq!(store.raw_page(id).expect("raw"), None);
    drop(store);

    let dir = tempfile::tempdir().expect("tempdir");
    let store = open(dir.path());
    let article = new_article("https://a.example/1", "a", &story(1, 100), at(0));
    let raw = article
        .raw
        .as_ref()
        .map(|p| p.unpack("raw page").expect("unpacks"));
    let id = store.put_article(article).expect("put").id();
    assert_eq!(store.raw_page(id).expect("raw"), raw);
}

#[test]
fn a_database_from_a_newer_gleaner_is_refused_not_misread() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (id, seq) = {
        let store = open(dir.path());
        let id = store
            .put_article(new_article(
                "https://a.example/1",
                "a",
                &story(1, 100),
                at(0),
            ))
            .expect("put")
            .id();
        (id, store.get_article(id).expect("get").expect("stored").seq)
    };
    // Tamper as a future gleaner would: a newer value format in one record.
    {
        let db = open_raw_sled(&dir.path().join("sled"));
        let tree = db.open_tree("gleaner").expect("tree");
        let mut key = vec![b'a'];
        key.extend_from_slice(&seq.to_be_bytes());
        let mut value = tree
            .get(&key)
            .expect("get")
            .expect("record present")
            .to_vec();
        // One layout version past the one this build writes for records.
        value[0] += 1;
        tree.insert(&key, value).expect("insert");
        db.flush().expect("flush");
    }
    {
        let store = open(dir.path());
        match store.get_article(id) {
            Err(e @ StoreError::UnsupportedFormat { .. }) => {
                assert!(e.to_string().contains("newer gleaner"), "{e}");
            }
            other => panic!("expected UnsupportedFormat, got {other:?}"),
        }
    }
    // And a newer database layout is refused at open.
    {
        let db = open_raw_sled(&dir.path().join("sled"));
        let tree = db.open_tree("gleaner").expect("tree");
        tree.insert(b"\0format", &99u32.to_le_bytes())
            .expect("insert");
        db.flush().expect("flush");
    }
    match SledStore::open(dir.path(), StoreOptions::default()) {
        Err(StoreError::UnsupportedFormat { found, .. }) => assert_eq!(found, 99),
        other => panic!("expected UnsupportedFormat, got {:?}", other.map(|_| ())),
    }
}

#[test]
fn a_second_opener_is_told_who_holds_the_database() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = open(dir.path());
    store
        .put_article(new_article(
            "https://a.example/1",
            "a",
            &story(1, 100),
            at(0),
        ))
        .expect("put");

    match SledStore::open(dir.path(), StoreOptions::default()) {
        Err(e @ StoreError::Locked { .. }) => {
            let StoreError::Locked { pid, .. } = &e else {
                unreachable!()
            };
            assert_eq!(*pid, Some(std::process::id()));
            let message = e.to_string();
            assert!(
                message.contains("in use by another gleaner process"),
                "{message}"
            );
            assert!(message.contains("HTTP API"), "{message}");
            assert!(e.is_locked());
        }
        other => panic!("expected Locked, got {:?}", other.map(|_| ())),
    }

    // The CLI says so too, and exits 1.
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_gleaner"))
        .args(["queue", "stats", "--data"])
        .arg(dir.path())
        .output()
        .expect("gleaner runs");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains(&format!(
            "in use by another gleaner process (pid {})",
            std::process::id()
        )),
        "{stderr}"
    );

    // Released on drop: the next opener gets in.
    drop(store);
    let store = open(dir.path());
    assert_eq!(store.stats(at(1)).expect("stats").articles, 1);
}

/// Opens the database with sled directly, as a future gleaner would. sled's flusher thread
/// may hold the file lock for a moment after the store above is dropped, so wait for it.
fn open_raw_sled(path: &std::path::Path) -> sled::Db {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
    loop {
        match sled::open(path) {
            Ok(db) => return db,
            Err(_) if std::time::Instant::now() < deadline => {
                std::thread::sleep(std::time::Duration::from_millis(20));
            }
            Err(e) => panic!("raw sled open failed: {e}"),
        }
    }
}

/// A database written by gleaner's format 1 (`tests/fixtures/store-format1`, made by the
/// program in its README) opens under this build, is migrated, and answers exactly as the
/// format-1 store did: the same records, counters, page states, queue order and tokens, the
/// same dedup decisions against its originals, the same frontier and daemon state.
#[test]
fn a_format_1_database_is_migrated_and_loses_nothing() {
    use gleaner::store::codec::{self, LeaseV1, PageStateV1, QueueItemV1};
    use gleaner::store::{AckOutcome, StoreStats};

    let fixture =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/store-format1");
    let dir = tempfile::tempdir().expect("tempdir");
    copy_dir(&fixture.join("sled"), &dir.path().join("sled"));
    let expected: serde_json::Value = serde_json::from_slice(
        &std::fs::read(fixture.join("expected.json")).expect("expected.json"),
    )
    .expect("json");

    // What format 1 holds, read from its own keys before anything migrates them.
    let mut pages: Vec<(String, PageStateV1)> = Vec::new();
    let mut waiting: Vec<(u64, ArticleId)> = Vec::new();
    let mut leases: Vec<(u64, LeaseV1)> = Vec::new();
    {
        let db = open_raw_sled(&dir.path().join("sled"));
        let tree = db.open_tree("gleaner").expect("tree");
        assert_eq!(
            tree.get(b"\0format")
                .expect("get")
                .expect("marker")
                .as_ref(),
            1u32.to_le_bytes()
        );
        for item in tree.iter() {
            let (key, value) = item.expect("scan");
            let u64_at = |at: usize| u64::from_be_bytes(key[at..at + 8].try_into().expect("8"));
            match key[0] {
                b'u' => pages.push((
                    String::from_utf8(key[1..].to_vec()).expect("url"),
                    codec::decode(&value, "page", &key).expect("page state"),
                )),
                b'q' => {
                    let item: QueueItemV1 = codec::decode(&value, "q", &key).expect("entry");
                    waiting.push((u64_at(1), ArticleId::from_bytes(item.article)));
                }
                b'l' => leases.push((u64_at(1), codec::decode(&value, "l", &key).expect("lease"))),
                _ => {}
            }
        }
        drop(tree);
        db.flush().expect("flush");
    }
    assert!(pages.len() >= 8 && waiting.len() == 4 && leases.len() == 2);

    let store = open(dir.path());
    // Records: byte for byte the JSON format 1 exported, plus the fields watching added
    // since (none of these articles was found removed).
    let exported: Vec<String> = store
        .articles_since(0, None, 1000)
        .expect("export")
        .iter()
        .map(|r| {
            let json = serde_json::to_string(r).expect("json");
            let old = json
                .strip_suffix(",\"removed_at\":null,\"removal\":null}")
                .unwrap_or_else(|| panic!("not marked removed: {json}"));
            format!("{old}}}")
        })
        .collect();
    let before = std::fs::read_to_string(fixture.join("articles.jsonl")).expect("jsonl");
    assert_eq!(exported, before.lines().collect::<Vec<_>>());
    let stats: StoreStats =
        serde_json::from_value(expected["stats_at_1003"].clone()).expect("stats");
    assert_eq!(store.stats(at(1003)).expect("stats"), stats);

    // Page states: every URL format 1 knew answers with its validators.
    for (url, state) in &pages {
        let known = Validators {
            etag: state.etag.clone(),
            last_modified: state.last_modified.clone(),
        };
        let answer = store.validators(url).expect("validators");
        assert_eq!(answer, (!known.is_empty()).then_some(known), "{url}");
    }

    // Tokens handed out by format 1: acked stays acked, the year-long lease can be acked,
    // the one-minute lease has lapsed.
    let token = |name: &str| expected[name].as_str().expect("token").to_string();
    assert_eq!(
        store
            .ack(
                &[
                    token("leased_token"),
                    token("acked_token"),
                    token("lapsing_token")
                ],
                at(2000)
            )
            .expect("ack"),
        [AckOutcome::Acked, AckOutcome::Unknown, AckOutcome::Lapsed]
    );
    // The waiting entries in their order, the lapsed one back at its place in line.
    let lapsing: ArticleId = expected["lapsing_id"]
        .as_str()
        .expect("id")
        .parse()
        .expect("id");
    let lapsing_qseq = leases
        .iter()
        .find(|(_, l)| ArticleId::from_bytes(l.article) == lapsing)
        .expect("lease of the lapsing entry")
        .0;
    waiting.push((lapsing_qseq, lapsing));
    waiting.sort();
    let delivered: Vec<ArticleId> = store
        .pop(100, Duration::from_secs(60), at(2001))
        .expect("pop")
        .iter()
        .map(|d| d.record.id)
        .collect();
    assert_eq!(delivered, waiting.iter().map(|w| w.1).collect::<Vec<_>>());

    // Dedup against the migrated originals: exact (a text too short for near-duplicate
    // detection, so only the text index can catch it) and near.
    let records = store.articles_since(0, None, 1000).expect("records");
    let wire = records
        .iter()
        .find(|r| r.provenance.url == "https://wire.example/news/1")
        .expect("wire story");
    let short = records
        .iter()
        .find(|r| r.provenance.url == "https://d.example/short")
        .expect("short story");
    let exact = store
        .put_article(new_article(
            "https://e.example/1",
            "e",
            &short.article.text,
            at(3000),
        ))
        .expect("put");
    assert!(
        matches!(exact, PutOutcome::Duplicate { of, .. } if of == short.id),
        "{exact:?}"
    );
    let near_text = format!(
        "{} Reprinted with permission of the agency.",
        wire.article.text
    );
    let near = store
        .put_article(new_article(
            "https://e.example/2",
            "e",
            &near_text,
            at(3001),
        ))
        .expect("put");
    assert!(
        matches!(near, PutOutcome::Duplicate { of, .. } if of == wire.id),
        "{near:?}"
    );

    // A 304 for a URL format 1 recorded finds its article.
    for (url, state) in &pages {
        if let Some(article) = state.article {
            assert_eq!(
                store.record_not_modified(url, at(4000)).expect("304"),
                Some(ArticleId::from_bytes(article)),
                "{url}"
            );
        }
    }

    // The frontier resumes where it stopped (through formats 2 and 3); the daemon's state
    // is kept.
    let resumed = store
        .open_frontier("wire", CrawlStart::Resume, FrontierLimits::default())
        .expect("frontier");
    assert_eq!(resumed.resumed, 3);
    // One host: one URL per claim call, as politeness would have it.
    let mut claimed = Vec::new();
    loop {
        let claims = store
            .claim_frontier("wire", 10, &mut AnyHost)
            .expect("claims");
        if claims.claims.is_empty() {
            break;
        }
        claimed.extend(claims.claims);
    }
    let urls: Vec<&str> = claimed.iter().map(|c| c.entry.url.as_str()).collect();
    assert_eq!(
        urls,
        [
            "https://wire.example/news/10",
            "https://wire.example/news/12",
            "https://wire.example/news/13"
        ]
    );
    assert_eq!(
        store.source_state("wire").expect("state").as_deref(),
        Some(&b"opaque schedule state"[..])
    );
    assert!(store.raw_page(wire.id).expect("raw").is_some());
    drop(store);

    // Migrated once: the current format on disk, no format-1 index keys, format-2
    // frontier keys or format-3 seen-set keys left.
    {
        let db = open_raw_sled(&dir.path().join("sled"));
        let tree = db.open_tree("gleaner").expect("tree");
        assert_eq!(
            tree.get(b"\0format")
                .expect("get")
                .expect("marker")
                .as_ref(),
            codec::DB_FORMAT.to_le_bytes()
        );
        for tag in [b'i', b't', b'h', b'q', b'l', b'e', b'f', b'p', b'V'] {
            assert_eq!(
                tree.scan_prefix([tag]).count(),
                0,
                "tag {}",
                char::from(tag)
            );
        }
    }
    let store = open(dir.path());
    assert_eq!(store.stats(at(5000)).expect("stats").articles, 11);
}

/// A politeness gate that lets every host go.
struct AnyHost;

impl HostGate for AnyHost {
    fn try_host(&mut self, _host: &str) -> GateAnswer {
        GateAnswer::Ready {
            spacing: Duration::ZERO,
        }
    }
}

fn copy_dir(from: &std::path::Path, to: &std::path::Path) {
    std::fs::create_dir_all(to).expect("mkdir");
    for entry in std::fs::read_dir(from).expect("read fixture") {
        let entry = entry.expect("entry");
        let target = to.join(entry.file_name());
        if entry.file_type().expect("type").is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).expect("copy");
        }
    }
}
