//! The PostgreSQL backend when the server goes away mid-crawl: operations wait for it and
//! run again as a whole, so nothing committed is lost and nothing is committed twice.
//!
//! A binary of its own: it stops and starts the throwaway server this binary started, which
//! tests sharing that server would trip over.

#[path = "common/postgres.rs"]
mod postgres;
mod store_support;

use std::sync::Arc;
use std::time::Duration;

use gleaner::store::postgres::{PgSettings, PgStore};
use gleaner::store::{
    ArticleReader, ArticleSink, ConsumerQueue, CrawlOutcome, NewArticle, PageResult, PutOutcome,
    StoreOptions,
};
use store_support::{at, new_article, story};

fn article_outcome(new: NewArticle) -> CrawlOutcome {
    CrawlOutcome {
        crawl: new.provenance.source.clone(),
        claim: None,
        visited: Vec::new(),
        result: PageResult::Article(Box::new(new)),
        discovered: Vec::new(),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_commit_survives_the_server_going_away_and_lands_once() {
    let Some(server) =
        postgres::own_server("a_commit_survives_the_server_going_away_and_lands_once")
    else {
        return;
    };
    let url = server.database("restart");
    let store = Arc::new(
        PgStore::connect(&url, StoreOptions::default(), PgSettings::default())
            .await
            .expect("connects"),
    );
    store
        .commit(vec![article_outcome(new_article(
            "https://a.example/before",
            "a",
            &story(7, 120),
            at(1),
        ))])
        .await
        .expect("commit");
    let restarter = {
        let server = server.clone();
        std::thread::spawn(move || server.restart(Duration::from_secs(2)))
    };
    // Commits while the server is down wait for it and then land, each once.
    let mut outcomes = Vec::new();
    for i in 0..20 {
        let committed = store
            .commit(vec![article_outcome(new_article(
                &format!("https://a.example/during/{i}"),
                "a",
                &story(100 + i, 120),
                at(10 + i as i64),
            ))])
            .await
            .expect("a commit waits out the outage");
        outcomes.push(committed[0].article);
        tokio::time::sleep(Duration::from_millis(150)).await;
    }
    restarter.join().expect("restart");
    // A commit whose answer was lost with the connection runs again and finds its own
    // write: unchanged, never a second article.
    assert!(
        outcomes.iter().all(|o| matches!(
            o,
            Some(PutOutcome::New { .. } | PutOutcome::Unchanged { .. })
        )),
        "{outcomes:?}"
    );
    let records = store.articles_since(0, None, 100).await.expect("read");
    assert_eq!(records.len(), 21);
    let stats = store.stats().await.expect("stats");
    assert_eq!((stats.articles, stats.pending), (21, 21));
}
