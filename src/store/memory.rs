//! [`MemoryStore`]: the store's full behaviour without a disk.
//!
//! Used by crawler and daemon tests, and as the reference a future distributed backend is
//! compared against. It runs the very same rules as [`SledStore`](super::SledStore) over a
//! `BTreeMap`, so what a test observes here is what the database does.

use super::StoreOptions;
use super::engine::KvStore;
use super::error::Result;
use super::kv::MemoryKv;

/// An in-memory store (see [`Embedded`](super::Embedded) for its async roles).
pub type MemoryStore = KvStore<MemoryKv>;

impl KvStore<MemoryKv> {
    /// An empty in-memory store.
    pub fn new(options: StoreOptions) -> Result<MemoryStore> {
        KvStore::with_kv(MemoryKv::default(), options, "in-memory store".to_string())
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use chrono::{DateTime, TimeZone, Utc};

    use super::*;
    use crate::extract::article::Article;
    use crate::store::{AckOutcome, DiscoveredVia, NewArticle, Provenance, PutOutcome, RawPage};

    fn at(secs: i64) -> DateTime<Utc> {
        Utc.timestamp_opt(1_790_000_000 + secs, 0)
            .single()
            .expect("valid time")
    }

    fn article(url: &str, source: &str, text: &str, when: DateTime<Utc>) -> NewArticle {
        NewArticle {
            provenance: Provenance {
                url: url.to_string(),
                final_url: url.to_string(),
                source: source.to_string(),
                discovered_from: None,
                discovered_via: DiscoveredVia::Link,
                fetched_at: when,
                http_status: 200,
                content_type: Some("text/html".into()),
                charset: Some("utf-8".into()),
                etag: Some("\"v1\"".into()),
                last_modified: None,
                raw_sha256: "00".repeat(32),
                extractor_version: "test".into(),
                crawler_version: "test".into(),
            },
            article: Article {
                title: Some("Title".into()),
                text: text.to_string(),
                ..Article::default()
            },
            raw: Some(
                crate::store::PackedRawPage::pack(&RawPage {
                    headers: vec![("Content-Type".into(), "text/html".into())],
                    body: b"<html>...</html>".to_vec(),
                })
                .expect("packs"),
            ),
        }
    }

    const TEXT: &str = "Officials from the two ministries met on Monday to review progress on \
        the road reconstruction programme, which covers forty kilometres of highway between \
        the two regional centres and is due to be finished next autumn.";

    #[test]
    fn versions_dedup_and_queue_follow_the_rules() {
        let store = MemoryStore::new(StoreOptions::default()).expect("opens");
        let a = article("https://a.example/1", "a", TEXT, at(0));
        let id = match store.put_article(a.clone()).expect("put") {
            PutOutcome::New { id } => id,
            other => panic!("{other:?}"),
        };
        // Same text again: last_seen only.
        let mut again = a.clone();
        again.provenance.fetched_at = at(60);
        assert_eq!(
            store.put_article(again).expect("put"),
            PutOutcome::Unchanged { id }
        );
        let rec = store.get_article(id).expect("get").expect("present");
        assert_eq!(
            (rec.version, rec.first_seen, rec.last_seen),
            (1, at(0), at(60))
        );
        // Reprint elsewhere: duplicate, not queued, original lists it.
        let reprint = article("https://b.example/x", "b", &format!("{TEXT}\n\n"), at(90));
        let dup = store.put_article(reprint).expect("put");
        assert!(
            matches!(dup, PutOutcome::Duplicate { of, .. } if of == id),
            "{dup:?}"
        );
        let rec = store.get_article(id).expect("get").expect("present");
        assert_eq!(rec.also_seen_at.len(), 1);
        assert_eq!(rec.also_seen_at[0].source, "b");

        let stats = store.stats(at(100)).expect("stats");
        assert_eq!((stats.articles, stats.pending, stats.duplicates), (2, 1, 1));

        // Pop, let the lease lapse, pop again, ack.
        let first = store
            .pop(10, Duration::from_secs(30), at(100))
            .expect("pop");
        assert_eq!(first.len(), 1);
        assert!(
            store
                .pop(10, Duration::from_secs(30), at(110))
                .expect("pop")
                .is_empty()
        );
        let second = store
            .pop(10, Duration::from_secs(30), at(131))
            .expect("pop");
        assert_eq!(second.len(), 1);
        let tokens = vec![
            first[0].delivery.token.clone(),
            second[0].delivery.token.clone(),
            "garbage".to_string(),
        ];
        assert_eq!(
            store.ack(&tokens, at(140)).expect("ack"),
            [AckOutcome::Lapsed, AckOutcome::Acked, AckOutcome::Unknown]
        );
        assert!(
            store
                .pop(10, Duration::from_secs(30), at(1000))
                .expect("pop")
                .is_empty()
        );

        // Changed text: new version, queued again.
        let mut changed = a;
        changed.article.text = format!("{TEXT} Update: the contract was signed on Friday.");
        changed.provenance.fetched_at = at(200);
        assert_eq!(
            store.put_article(changed).expect("put"),
            PutOutcome::Updated { id, version: 2 }
        );
        let rec = store.get_article(id).expect("get").expect("present");
        assert_eq!(rec.previous_versions.len(), 1);
        assert_eq!(store.stats(at(201)).expect("stats").pending, 1);
        assert!(store.raw_page(id).expect("raw").is_some());
    }

    #[test]
    fn a_batch_sees_its_own_earlier_articles() {
        let store = MemoryStore::new(StoreOptions {
            near_duplicate_distance: 8,
            ..StoreOptions::default()
        })
        .expect("opens");
        let original = article("https://a.example/1", "a", TEXT, at(0));
        let (a, _) = crate::store::dedup::simhash(TEXT);
        let (b, _) = crate::store::dedup::simhash(&format!("{TEXT} (Reuters)"));
        assert!(
            a.distance(b) <= 8,
            "the near reprint is near: {}",
            a.distance(b)
        );
        // Exact reprint, near reprint, and the original recrawled with changed text, all in
        // the batch that stores the original.
        let exact = article("https://b.example/1", "b", &format!("{TEXT}\n"), at(1));
        let near = article(
            "https://c.example/1",
            "c",
            &format!("{TEXT} (Reuters)"),
            at(2),
        );
        let mut changed = original.clone();
        changed.article.text = format!("{TEXT} The tender was announced on Friday.");
        changed.provenance.fetched_at = at(3);
        let outcomes = store
            .put_articles(vec![original, exact, near, changed])
            .expect("batch");
        let id = outcomes[0].id();
        assert_eq!(outcomes[0], PutOutcome::New { id });
        assert!(
            matches!(outcomes[1], PutOutcome::Duplicate { of, .. } if of == id),
            "{outcomes:?}"
        );
        assert!(
            matches!(outcomes[2], PutOutcome::Duplicate { of, .. } if of == id),
            "{outcomes:?}"
        );
        assert_eq!(outcomes[3], PutOutcome::Updated { id, version: 2 });
        let rec = store.get_article(id).expect("get").expect("present");
        assert_eq!(rec.version, 2);
        assert_eq!(rec.also_seen_at.len(), 2, "{:?}", rec.also_seen_at);
        assert_eq!(rec.previous_versions.len(), 1);
        let stats = store.stats(at(10)).expect("stats");
        assert_eq!((stats.articles, stats.pending, stats.duplicates), (3, 1, 2));
        // The batch's index changes were committed: a later single put finds the original.
        let later = article("https://d.example/1", "d", &rec.article.text, at(20));
        assert!(matches!(
            store.put_article(later).expect("put"),
            PutOutcome::Duplicate { of, .. } if of == id
        ));
    }

    #[test]
    fn input_that_is_not_an_article_is_refused_and_nothing_is_stored() {
        let store = MemoryStore::new(StoreOptions::default()).expect("opens");
        let empty = article("https://a.example/1", "a", " \n\n ", at(0));
        assert!(matches!(
            store.put_article(empty),
            Err(crate::store::StoreError::InvalidInput(_))
        ));
        let mut bad_hash = article("https://a.example/2", "a", TEXT, at(0));
        bad_hash.provenance.raw_sha256 = "not hex".into();
        assert!(matches!(
            store.put_article(bad_hash),
            Err(crate::store::StoreError::InvalidInput(_))
        ));
        let mut no_source = article("https://a.example/3", "a", TEXT, at(0));
        no_source.provenance.source = String::new();
        assert!(store.put_article(no_source).is_err());
        assert_eq!(store.stats(at(1)).expect("stats").articles, 0);
        // One bad article in a batch: nothing of the batch is stored.
        let good = article("https://a.example/4", "a", TEXT, at(0));
        let bad = article("https://a.example/5", "a", "", at(0));
        assert!(store.put_articles(vec![good, bad]).is_err());
        assert_eq!(store.stats(at(1)).expect("stats").articles, 0);
    }
}
