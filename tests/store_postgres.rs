//! The PostgreSQL backend against a real server: every role behaves as the embedded
//! store's, several handles on one database act as cooperating nodes, the schema is
//! versioned, and an unreachable server is named without its password.
//!
//! The server comes from `tests/common/postgres.rs`: the one `.ci/run` starts, else a
//! throwaway cluster this binary starts; without PostgreSQL installed the tests skip and
//! say so (CI makes them mandatory).

#[path = "common/postgres.rs"]
mod postgres;
mod store_support;

use std::collections::HashSet;
use std::time::Duration;

use gleaner::store::postgres::{PgSettings, PgStore};
use gleaner::store::{
    AckOutcome, ArticleSink, Backend, Claim, CrawlOutcome, CrawlStart, DiscoveredVia, Embedded,
    Frontier, FrontierEntry, FrontierLimits, GateAnswer, HostGate, MemoryStore, NewArticle,
    PageResult, PutOutcome, ScheduleMemory, StoreError, StoreOptions,
};
use store_support::{at, new_article, story};

async fn connect(url: &str) -> PgStore {
    PgStore::connect(url, StoreOptions::default(), PgSettings::default())
        .await
        .expect("connects")
}

async fn connect_with_lease(url: &str, lease: Duration) -> PgStore {
    let settings = PgSettings {
        lease,
        ..PgSettings::default()
    };
    PgStore::connect(url, StoreOptions::default(), settings)
        .await
        .expect("connects")
}

fn article_outcome(new: NewArticle) -> CrawlOutcome {
    CrawlOutcome {
        crawl: new.provenance.source.clone(),
        claim: None,
        visited: Vec::new(),
        result: PageResult::Article(Box::new(new)),
        discovered: Vec::new(),
    }
}

/// A free loopback port nothing listens on.
fn closed_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    listener.local_addr().expect("addr").port()
}

#[tokio::test]
async fn an_unreachable_database_is_named_without_its_password() {
    let url = format!(
        "postgres://gleaner:s3cret@127.0.0.1:{}/corpus",
        closed_port()
    );
    let err = PgStore::connect(&url, StoreOptions::default(), PgSettings::default())
        .await
        .expect_err("nothing listens there");
    assert!(matches!(err, StoreError::Unreachable { .. }), "{err:?}");
    let message = err.to_string();
    assert!(
        message.contains("postgres://gleaner:***@127.0.0.1:"),
        "{message}"
    );
    assert!(!message.contains("s3cret"), "{message}");
}

#[tokio::test]
async fn the_schema_is_created_once_and_a_newer_one_is_refused() {
    let Some(server) = postgres::server("the_schema_is_created_once_and_a_newer_one_is_refused")
    else {
        return;
    };
    let url = server.database("schema");
    let db = url.rsplit('/').next().expect("db name").to_string();
    let (a, b) = tokio::join!(connect(&url), connect(&url));
    drop((a, b));
    let versions = server
        .psql(
            &db,
            "SELECT string_agg(version::text, ',') FROM gleaner.schema_migrations",
        )
        .expect("psql");
    assert_eq!(versions, "1,2", "nodes starting together migrate once");
    server
        .psql(
            &db,
            "INSERT INTO gleaner.schema_migrations (version, description, applied_by)
             VALUES (99, 'from the future', 'gleaner 99')",
        )
        .expect("psql");
    let err = PgStore::connect(&url, StoreOptions::default(), PgSettings::default())
        .await
        .expect_err("a newer schema is refused");
    let message = err.to_string();
    assert!(
        matches!(err, StoreError::UnsupportedFormat { .. }),
        "{err:?}"
    );
    assert!(message.contains("99") && message.contains(&db), "{message}");
}

/// What a store made of the same batches, in a form two backends can be compared by.
#[derive(Debug, PartialEq)]
struct Observed {
    outcomes: Vec<Option<PutOutcome>>,
    /// Store order: (id, version, duplicate_of).
    order: Vec<(String, u32, Option<String>)>,
    articles: u64,
    duplicates: u64,
    pending: u64,
    validators: Option<String>,
    raw_kept: bool,
}

async fn run_article_scenario(backend: &Backend) -> Observed {
    let a_text = story(1, 200);
    let near_text = {
        // The same story with a few words changed: a near duplicate.
        let mut words: Vec<String> = a_text.split(' ').map(str::to_string).collect();
        words[100] = "changed".into();
        words.join(" ")
    };
    let batches = vec![
        vec![
            new_article("https://a.example/1", "a", &a_text, at(1)),
            // The same text under another URL, in the same batch: an exact duplicate.
            new_article("https://b.example/reprint", "b", &a_text, at(2)),
            new_article("https://c.example/near", "c", &near_text, at(3)),
            new_article("https://a.example/2", "a", &story(2, 150), at(4)),
        ],
        vec![
            // Seen again, same text.
            new_article("https://a.example/1", "a", &a_text, at(10)),
            // New text: a second version.
            new_article("https://a.example/2", "a", &story(3, 150), at(11)),
        ],
    ];
    let mut outcomes = Vec::new();
    for batch in batches {
        let committed = backend
            .sink
            .commit(batch.into_iter().map(article_outcome).collect())
            .await
            .expect("commit");
        outcomes.extend(committed.into_iter().map(|c| c.article));
    }
    let records = backend
        .reader
        .articles_since(0, None, 100)
        .await
        .expect("articles_since");
    let order = records
        .iter()
        .map(|r| {
            (
                r.id.to_string(),
                r.version,
                r.duplicate_of.map(|d| d.to_string()),
            )
        })
        .collect();
    let stats = backend.queue.stats().await.expect("stats");
    let validators = backend
        .pages
        .validators("https://a.example/2")
        .await
        .expect("validators")
        .and_then(|v| v.etag);
    let first = records.first().expect("a record").id;
    let raw_kept = backend.reader.raw_page(first).await.expect("raw").is_some();
    Observed {
        outcomes,
        order,
        articles: stats.articles,
        duplicates: stats.duplicates,
        pending: stats.pending,
        validators,
        raw_kept,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn articles_dedup_and_the_queue_behave_as_in_the_embedded_store() {
    let Some(server) =
        postgres::server("articles_dedup_and_the_queue_behave_as_in_the_embedded_store")
    else {
        return;
    };
    let options = StoreOptions {
        keep_raw: true,
        ..StoreOptions::default()
    };
    let memory = Backend::embedded(Embedded::new(
        MemoryStore::new(options.clone()).expect("memory store"),
    ));
    let pg = PgStore::connect(&server.database("articles"), options, PgSettings::default())
        .await
        .expect("connects");
    let pg_backend = Backend::postgres(pg.clone());
    let expected = run_article_scenario(&memory).await;
    let got = run_article_scenario(&pg_backend).await;
    assert_eq!(got, expected);
    // The scenario is not trivial: it met each kind of outcome.
    let kinds: HashSet<&str> = expected
        .outcomes
        .iter()
        .flatten()
        .map(|o| match o {
            PutOutcome::New { .. } => "new",
            PutOutcome::Unchanged { .. } => "unchanged",
            PutOutcome::Updated { .. } => "updated",
            PutOutcome::Duplicate { .. } => "duplicate",
        })
        .collect();
    assert_eq!(kinds.len(), 4, "{:?}", expected.outcomes);
    assert_eq!(expected.duplicates, 2, "one exact and one near duplicate");

    // Two consumers popping at once (two handles: two nodes) get disjoint deliveries.
    let other = Backend::postgres(
        PgStore::connect(
            pg.shown_url(),
            StoreOptions::default(),
            PgSettings::default(),
        )
        .await
        .expect("second node"),
    );
    let lease = Duration::from_secs(60);
    let (one, two) = tokio::join!(pg_backend.queue.pop(1, lease), other.queue.pop(10, lease));
    let (one, two) = (one.expect("pop"), two.expect("pop"));
    let ids_one: HashSet<_> = one.iter().map(|d| d.record.id).collect();
    let ids_two: HashSet<_> = two.iter().map(|d| d.record.id).collect();
    assert!(ids_one.is_disjoint(&ids_two), "{ids_one:?} {ids_two:?}");
    assert_eq!(
        (ids_one.len() + ids_two.len()) as u64,
        expected.pending,
        "every waiting entry delivered once"
    );
    let tokens: Vec<String> = one
        .iter()
        .chain(&two)
        .map(|d| d.delivery.token.clone())
        .collect();
    let acks = other.queue.ack(&tokens).await.expect("ack");
    assert!(acks.iter().all(|a| *a == AckOutcome::Acked), "{acks:?}");
    let again = pg_backend.queue.ack(&tokens[..1]).await.expect("ack");
    assert_eq!(again, vec![AckOutcome::Unknown]);
    let stats = pg_backend.queue.stats().await.expect("stats");
    assert_eq!((stats.pending, stats.leased), (0, 0));
    assert_eq!(stats.acked, tokens.len() as u64);
}

#[tokio::test]
async fn the_schedule_is_shared_by_every_node() {
    let Some(server) = postgres::server("the_schedule_is_shared_by_every_node") else {
        return;
    };
    let url = server.database("schedule");
    let (a, b) = tokio::join!(connect(&url), connect(&url));
    assert_eq!(a.recall("news").await.expect("recall"), None);
    a.remember("news", b"state one").await.expect("remember");
    assert_eq!(
        b.recall("news").await.expect("recall").as_deref(),
        Some(&b"state one"[..])
    );
    b.remember("news", b"state two").await.expect("remember");
    assert_eq!(
        a.recall("news").await.expect("recall").as_deref(),
        Some(&b"state two"[..])
    );
}

/// A gate that lets every host go at once, with this spacing.
struct Spacing(Duration);

impl HostGate for Spacing {
    fn try_host(&mut self, _host: &str) -> GateAnswer {
        GateAnswer::Ready { spacing: self.0 }
    }
}

fn entry(url: &str, depth: u32) -> FrontierEntry {
    let parsed = url::Url::parse(url).expect("url");
    FrontierEntry {
        url: url.to_string(),
        host: parsed.host_str().expect("host").to_string(),
        depth,
        discovered_from: None,
        discovered_via: if depth == 0 {
            DiscoveredVia::Seed
        } else {
            DiscoveredVia::Link
        },
        counter_chain: 0,
    }
}

fn seeds(crawl: &str, hosts: usize, per_host: usize) -> CrawlOutcome {
    let discovered = (0..hosts)
        .flat_map(|h| (0..per_host).map(move |p| entry(&format!("http://h{h}.test/{p}"), 0)))
        .collect();
    CrawlOutcome {
        crawl: crawl.to_string(),
        claim: None,
        visited: Vec::new(),
        result: PageResult::Nothing,
        discovered,
    }
}

fn done(crawl: &str, claim: &Claim) -> CrawlOutcome {
    CrawlOutcome {
        crawl: crawl.to_string(),
        claim: Some(claim.ticket.clone()),
        visited: Vec::new(),
        result: PageResult::Nothing,
        discovered: Vec::new(),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn nodes_claim_disjoint_urls_and_a_hosts_spacing_holds_across_them() {
    let Some(server) =
        postgres::server("nodes_claim_disjoint_urls_and_a_hosts_spacing_holds_across_them")
    else {
        return;
    };
    let url = server.database("frontier");
    let (a, b) = tokio::join!(connect(&url), connect(&url));
    let limits = FrontierLimits::default();
    a.open_crawl("news", CrawlStart::NewCycle, limits)
        .await
        .expect("open");
    a.commit(vec![seeds("news", 4, 3)]).await.expect("seeds");
    // The second node joins the cycle the first is in.
    let opened = b
        .open_crawl("news", CrawlStart::NewCycle, limits)
        .await
        .expect("open");
    assert_eq!(opened.resumed, 12);

    let spacing = Duration::from_secs(2);
    let claims_a = a
        .claim("news", 10, &mut Spacing(spacing))
        .await
        .expect("claim");
    let claims_b = b
        .claim("news", 10, &mut Spacing(spacing))
        .await
        .expect("claim");
    // Each node takes its share of the hosts, one URL each (the spacing holds the rest).
    let hosts_a: HashSet<String> = claims_a
        .claims
        .iter()
        .map(|c| c.ticket.host.clone())
        .collect();
    let hosts_b: HashSet<String> = claims_b
        .claims
        .iter()
        .map(|c| c.ticket.host.clone())
        .collect();
    assert_eq!(claims_a.claims.len(), 2, "{:?}", claims_a.claims);
    assert_eq!(claims_b.claims.len(), 2, "{:?}", claims_b.claims);
    assert!(hosts_a.is_disjoint(&hosts_b), "{hosts_a:?} {hosts_b:?}");
    // Asked again at once, neither node may go to any host: the spacing holds across both.
    let again_a = a
        .claim("news", 10, &mut Spacing(spacing))
        .await
        .expect("claim");
    let again_b = b
        .claim("news", 10, &mut Spacing(spacing))
        .await
        .expect("claim");
    assert!(again_a.claims.is_empty() && again_b.claims.is_empty());
    assert!(!again_a.exhausted && again_a.wait.is_some());

    // Work it all off with no spacing: every URL is handed out exactly once.
    let mut fetched: Vec<String> = claims_a
        .claims
        .iter()
        .chain(&claims_b.claims)
        .map(|c| c.entry.url.clone())
        .collect();
    let mut outstanding: Vec<(bool, Claim)> = claims_a
        .claims
        .into_iter()
        .map(|c| (true, c))
        .chain(claims_b.claims.into_iter().map(|c| (false, c)))
        .collect();
    let deadline = std::time::Instant::now() + Duration::from_secs(60);
    loop {
        for (on_a, claim) in outstanding.drain(..) {
            let node = if on_a { &a } else { &b };
            node.commit(vec![done("news", &claim)])
                .await
                .expect("complete");
        }
        let (mut gate_a, mut gate_b) = (Spacing(Duration::ZERO), Spacing(Duration::ZERO));
        let (ca, cb) = tokio::join!(
            a.claim("news", 10, &mut gate_a),
            b.claim("news", 10, &mut gate_b)
        );
        let (ca, cb) = (ca.expect("claim"), cb.expect("claim"));
        if ca.exhausted && cb.exhausted {
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "the crawl never finished"
        );
        fetched.extend(
            ca.claims
                .iter()
                .chain(&cb.claims)
                .map(|c| c.entry.url.clone()),
        );
        outstanding.extend(ca.claims.into_iter().map(|c| (true, c)));
        outstanding.extend(cb.claims.into_iter().map(|c| (false, c)));
        if outstanding.is_empty() {
            // Hosts wait out their earlier spacing.
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }
    let unique: HashSet<&String> = fetched.iter().collect();
    assert_eq!(unique.len(), fetched.len(), "a URL was handed out twice");
    assert_eq!(fetched.len(), 12);
    assert_eq!(a.pending("news").await.expect("pending"), 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_dead_nodes_hosts_and_claims_go_to_the_others_once_its_lease_lapses() {
    let Some(server) =
        postgres::server("a_dead_nodes_hosts_and_claims_go_to_the_others_once_its_lease_lapses")
    else {
        return;
    };
    let url = server.database("lease");
    let lease = Duration::from_millis(1500);
    let doomed = connect_with_lease(&url, lease).await;
    let survivor = connect_with_lease(&url, lease).await;
    let limits = FrontierLimits::default();
    doomed
        .open_crawl("news", CrawlStart::NewCycle, limits)
        .await
        .expect("open");
    doomed
        .commit(vec![seeds("news", 1, 3)])
        .await
        .expect("seeds");
    // One URL of the host per claim (one politeness slot per visit).
    let mut taken = Vec::new();
    for _ in 0..3 {
        let claims = doomed
            .claim("news", 10, &mut Spacing(Duration::ZERO))
            .await
            .expect("claim");
        assert_eq!(claims.claims.len(), 1, "{:?}", claims.claims);
        taken.extend(claims.claims);
    }
    survivor
        .open_crawl("news", CrawlStart::Resume, limits)
        .await
        .expect("open");
    // The node dies: its heartbeat stops with it, nothing is given back.
    drop(doomed);
    let now = survivor
        .claim("news", 10, &mut Spacing(Duration::ZERO))
        .await
        .expect("claim");
    assert!(
        now.claims.is_empty(),
        "the host is still leased: {:?}",
        now.claims
    );
    assert!(!now.exhausted, "claimed URLs are still pending");
    tokio::time::sleep(lease + Duration::from_millis(500)).await;
    let mut later = Vec::new();
    for _ in 0..3 {
        let claims = survivor
            .claim("news", 10, &mut Spacing(Duration::ZERO))
            .await
            .expect("claim");
        later.extend(claims.claims);
    }
    let back: HashSet<String> = later.iter().map(|c| c.entry.url.clone()).collect();
    let lost: HashSet<String> = taken.iter().map(|c| c.entry.url.clone()).collect();
    assert_eq!(back, lost, "the dead node's claims came back");
    survivor
        .commit(later.iter().map(|c| done("news", c)).collect())
        .await
        .expect("complete");
    let end = survivor
        .claim("news", 10, &mut Spacing(Duration::ZERO))
        .await
        .expect("claim");
    assert!(end.exhausted);
}
