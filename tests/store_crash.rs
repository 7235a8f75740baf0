//! Durability, proven: a child process crawls into the store the way the crawl's writer
//! does (claims from the frontier; commits of articles with the completions of their
//! claims, one to a hundred at a time; claims given back; re-seen articles one by one, in
//! batches and in streams of batches; queue pops and acks) and reports each article it
//! committed and each ack that returned; it is SIGKILLed at random moments, 20 times. After
//! every kill the database must open, hold no half-written record, still hold every
//! reported article and keep every reported ack, and no URL whose commit was reported is
//! ever claimed again; finally the frontier resumes to completion and each article is
//! stored exactly once.

mod store_support;

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use gleaner::store::dedup::text_sha256;
use gleaner::store::{
    AckOutcome, ArticleId, CrawlOutcome, CrawlStart, DiscoveredVia, FrontierEntry, FrontierLimits,
    GateAnswer, HostGate, PageResult, SledStore, StoreOptions,
};
use rand::Rng;
use sha2::Digest;
use store_support::{at, new_article, story};

const SOURCE: &str = "crash";
const URLS: usize = 900;
const CHILD_DIR: &str = "GLEANER_CRASH_CHILD_DIR";
const CHILD_FINISH: &str = "GLEANER_CRASH_CHILD_FINISH";
/// Articles per batch when the child streams batches: above the size at which the store
/// encodes records on helper threads as they are decided.
const STREAM_BATCH: usize = 48;

fn url(i: usize) -> String {
    format!("https://crash.example/news/{i}")
}

fn text_of(url: &str) -> String {
    let n: u64 = url
        .rsplit('/')
        .next()
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    story(1000 + n, 150)
}

/// The crawling child. Runs only when spawned by the kill test (it sets the env var).
#[test]
#[ignore = "helper process spawned by sigkill_at_random_moments_loses_nothing"]
fn crash_child_helper() {
    let Some(dir) = std::env::var_os(CHILD_DIR) else {
        return;
    };
    let finish = std::env::var_os(CHILD_FINISH).is_some();
    let store = SledStore::open(Path::new(&dir), StoreOptions::default()).expect("child opens");
    let say = |line: String| {
        use std::io::Write;
        let mut out = std::io::stdout().lock();
        out.write_all(line.as_bytes()).expect("stdout");
        out.write_all(b"\n").expect("stdout");
        out.flush().expect("stdout");
    };
    say("\nOPEN".into());

    let opened = store
        .open_frontier(SOURCE, CrawlStart::Resume, FrontierLimits::default())
        .expect("open frontier");
    // Seed the frontier once, in one atomic commit: if nothing is pending and nothing was
    // stored, no seeding ever landed.
    if opened.resumed == 0 && store.stats(at(0)).expect("stats").articles == 0 {
        let seeds = (0..URLS)
            .map(|i| FrontierEntry {
                url: url(i),
                host: "crash.example".into(),
                depth: 1,
                discovered_from: Some("https://crash.example/".into()),
                discovered_via: DiscoveredVia::Link,
                counter_chain: 0,
            })
            .collect();
        store
            .commit_crawl(vec![CrawlOutcome {
                crawl: SOURCE.into(),
                claim: None,
                visited: Vec::new(),
                result: PageResult::Nothing,
                discovered: seeds,
            }])
            .expect("seed");
    }
    let mut n = 0u64;
    loop {
        // A batch of claims: 1 to 3, or two writer batches' worth now and then (the one
        // host gives one claim per call, as politeness would).
        let want = if n % 5 == 4 {
            2 * STREAM_BATCH
        } else {
            1 + (n as usize % 3)
        };
        let mut claims = Vec::new();
        while claims.len() < want {
            let got = store
                .claim_frontier(SOURCE, 1, &mut AnyHost)
                .expect("claim")
                .claims;
            if got.is_empty() {
                break;
            }
            claims.extend(got);
        }
        if claims.is_empty() {
            if finish {
                store.flush().expect("flush");
                say("DONE".into());
                return;
            }
            // Nothing left to crawl: keep re-seeing articles (single puts, batches and
            // streams) until killed.
            let i = (n as usize * 7) % URLS;
            let u = url(i);
            match n % 3 {
                0 => {
                    store
                        .put_article(new_article(&u, SOURCE, &text_of(&u), at(n as i64)))
                        .expect("re-put");
                }
                1 => {
                    store
                        .put_articles(vec![new_article(&u, SOURCE, &text_of(&u), at(n as i64))])
                        .expect("re-put batch");
                }
                _ => {
                    let mut batches = (0..2).map(|b| {
                        (0..STREAM_BATCH)
                            .map(|k| {
                                let u = url((i + b * STREAM_BATCH + k) % URLS);
                                new_article(&u, SOURCE, &text_of(&u), at(n as i64))
                            })
                            .collect()
                    });
                    store
                        .put_article_batches(&mut batches, &mut |_| {})
                        .expect("re-put stream");
                }
            }
        }
        for claim in &claims {
            say(format!("CLAIMED {}", claim.entry.url));
        }
        // Now and then a claim goes back unfinished (a retry): it stays pending.
        if n % 11 == 10 {
            if let Some(back) = claims.pop() {
                store.release_frontier(SOURCE, vec![back]).expect("release");
            }
        }
        // The writer's commits: the articles and the completions of their claims, one
        // atomic write per batch, reported only once durable.
        for batch in claims.chunks(STREAM_BATCH) {
            let outcomes = batch
                .iter()
                .map(|c| CrawlOutcome {
                    crawl: SOURCE.into(),
                    claim: Some(c.ticket.clone()),
                    visited: Vec::new(),
                    result: PageResult::Article(Box::new(new_article(
                        &c.entry.url,
                        SOURCE,
                        &text_of(&c.entry.url),
                        at(n as i64),
                    ))),
                    discovered: Vec::new(),
                })
                .collect();
            let committed = store.commit_crawl(outcomes).expect("commit");
            for (c, done) in batch.iter().zip(committed) {
                let id = done.article.expect("an article outcome").id();
                say(format!("STORED {id} {}", c.entry.url));
            }
        }
        n += 1;
        // Consume a little: pop two, ack the first (the second lapses later).
        let popped = store
            .pop(2, Duration::from_secs(3600), at(n as i64))
            .expect("pop");
        if let Some(first) = popped.first() {
            let token = first.delivery.token.clone();
            let outcome = store
                .ack(std::slice::from_ref(&token), at(n as i64))
                .expect("ack");
            if outcome == [AckOutcome::Acked] {
                say(format!("ACKED {} {}", first.record.id, token));
            }
        }
    }
}

/// A politeness gate that lets the host go.
struct AnyHost;

impl HostGate for AnyHost {
    fn try_host(&mut self, _host: &str) -> GateAnswer {
        GateAnswer::Ready {
            spacing: Duration::ZERO,
        }
    }
}

struct Reported {
    stored: BTreeMap<ArticleId, String>,
    acked: BTreeMap<ArticleId, String>,
    /// URLs whose commit was reported before this run started: never claimed again.
    committed_before: BTreeSet<String>,
}

/// Runs the child until killed after `kill_after` (or until it finishes when `None`).
fn run_child(dir: &Path, kill_after: Option<Duration>, reported: &mut Reported) -> bool {
    let mut command = Command::new(std::env::current_exe().expect("test binary"));
    command
        .args([
            "--exact",
            "crash_child_helper",
            "--ignored",
            "--nocapture",
            "--test-threads=1",
        ])
        .env(CHILD_DIR, dir)
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit());
    if kill_after.is_none() {
        command.env(CHILD_FINISH, "1");
    }
    let mut child = command.spawn().expect("child starts");
    let stdout = child.stdout.take().expect("piped");
    let lines = Arc::new(Mutex::new(Vec::<String>::new()));
    let opened = Arc::new(Mutex::new(None::<Instant>));
    let reader = {
        let lines = Arc::clone(&lines);
        let opened = Arc::clone(&opened);
        std::thread::spawn(move || {
            let mut reader = BufReader::new(stdout);
            let mut line = String::new();
            while reader.read_line(&mut line).unwrap_or(0) > 0 {
                // A line cut by the kill has no newline: it was never fully reported.
                if line.ends_with('\n') {
                    let l = line.trim_end().to_string();
                    // libtest may print "test crash_child_helper ... " on the same line.
                    if l.ends_with("OPEN") {
                        *opened.lock().expect("lock") = Some(Instant::now());
                    }
                    lines.lock().expect("lock").push(l);
                }
                line.clear();
            }
        })
    };
    let finished = match kill_after {
        Some(delay) => {
            // Measure the delay from the moment the child has the database open.
            let deadline = Instant::now() + Duration::from_secs(20);
            loop {
                if let Some(t) = *opened.lock().expect("lock") {
                    if t.elapsed() >= delay {
                        break;
                    }
                }
                if Instant::now() > deadline || child.try_wait().expect("wait").is_some() {
                    break;
                }
                std::thread::sleep(Duration::from_millis(2));
            }
            child.kill().expect("SIGKILL"); // std sends SIGKILL on Unix
            child.wait().expect("reaped");
            false
        }
        None => child.wait().expect("child ends").success(),
    };
    reader.join().expect("reader thread");
    for line in lines.lock().expect("lock").iter() {
        let mut parts = line.split(' ');
        match (parts.next(), parts.next(), parts.next()) {
            (Some("CLAIMED"), Some(u), None) => {
                assert!(
                    !reported.committed_before.contains(u),
                    "{u} was claimed again after its outcome was committed"
                );
            }
            (Some("STORED"), Some(id), Some(u)) => {
                reported
                    .stored
                    .insert(id.parse().expect("id"), u.to_string());
            }
            (Some("ACKED"), Some(id), Some(token)) => {
                reported
                    .acked
                    .insert(id.parse().expect("id"), token.to_string());
            }
            _ => {}
        }
    }
    reported
        .committed_before
        .extend(reported.stored.values().cloned());
    finished
}

/// Everything a reopened database must satisfy.
fn check(dir: &Path, reported: &Reported, round: usize) -> SledStore {
    let store = SledStore::open(dir, StoreOptions::default())
        .unwrap_or_else(|e| panic!("round {round}: database does not open after SIGKILL: {e}"));
    // Every record decodes and is whole: its text is what was written, its hash matches.
    let mut seen = BTreeSet::new();
    let mut after = 0;
    loop {
        let page = store
            .articles_since(after, None, 500)
            .unwrap_or_else(|e| panic!("round {round}: a record does not decode: {e}"));
        let Some(last) = page.last() else { break };
        after = last.seq;
        for r in page {
            assert!(seen.insert(r.id), "round {round}: {} listed twice", r.id);
            assert_eq!(
                r.article.text,
                text_of(&r.provenance.url),
                "round {round}: text of {}",
                r.id
            );
            assert_eq!(r.text_sha256, hex::encode(text_sha256(&r.article.text)));
            assert_eq!(r.id, ArticleId::for_url(&r.provenance.final_url));
            // Its raw page (kept by default) is whole: its blob was synced before the
            // batch that refers to it.
            let raw = store
                .raw_page(r.id)
                .unwrap_or_else(|e| panic!("round {round}: raw page of {}: {e}", r.id))
                .unwrap_or_else(|| panic!("round {round}: raw page of {} is missing", r.id));
            assert_eq!(
                hex::encode(sha2::Sha256::digest(&raw.body)),
                r.provenance.raw_sha256,
                "round {round}: raw page of {}",
                r.id
            );
        }
    }
    let stats = store.stats(at(0)).expect("stats");
    assert_eq!(
        stats.articles as usize,
        seen.len(),
        "round {round}: counters match the records"
    );
    for (id, u) in &reported.stored {
        assert!(
            seen.contains(id),
            "round {round}: reported-stored {id} ({u}) is missing"
        );
    }
    // Acked stays acked: its token matches nothing any more (a lease restored by the crash
    // would answer Lapsed or Acked).
    let tokens: Vec<String> = reported.acked.values().cloned().collect();
    let outcomes = store.ack(&tokens, at(0)).expect("ack");
    for ((id, token), outcome) in reported.acked.iter().zip(outcomes) {
        assert_eq!(
            outcome,
            AckOutcome::Unknown,
            "round {round}: acked {id} ({token}) came back"
        );
    }
    store
}

#[test]
fn sigkill_at_random_moments_loses_nothing() {
    let dir = tempfile::tempdir().expect("tempdir");
    let seed: u64 = rand::rng().random();
    eprintln!("kill-test seed {seed}");
    let mut rng = <rand::rngs::StdRng as rand::SeedableRng>::seed_from_u64(seed);
    let mut reported = Reported {
        stored: BTreeMap::new(),
        acked: BTreeMap::new(),
        committed_before: BTreeSet::new(),
    };
    let started = Instant::now();
    for round in 0..20 {
        let delay = Duration::from_millis(rng.random_range(5..250));
        let t = Instant::now();
        run_child(dir.path(), Some(delay), &mut reported);
        let ran = t.elapsed();
        drop(check(dir.path(), &reported, round));
        eprintln!(
            "round {round}: killed {delay:?} after open, child ran {ran:?}, checked in {:?}, {} stored so far",
            t.elapsed() - ran,
            reported.stored.len()
        );
    }
    eprintln!(
        "after 20 kills: {} articles reported stored, {} acks, {:?}",
        reported.stored.len(),
        reported.acked.len(),
        started.elapsed()
    );
    assert!(
        !reported.stored.is_empty(),
        "the child stored something before the kills"
    );

    // Resume to the end: the frontier finishes and each article is stored once.
    assert!(
        run_child(dir.path(), None, &mut reported),
        "child finishes the crawl"
    );
    let store = check(dir.path(), &reported, 20);
    assert_eq!(store.frontier_pending(SOURCE).expect("pending"), 0);
    let all = store.articles_since(0, None, 10 * URLS).expect("list");
    assert_eq!(all.len(), URLS, "each URL stored exactly once");
    let urls: BTreeSet<_> = all.iter().map(|r| r.provenance.url.clone()).collect();
    assert_eq!(urls.len(), URLS);

    // Nothing acknowledged is ever delivered again.
    let mut delivered: HashMap<ArticleId, usize> = HashMap::new();
    for d in store
        .pop(10 * URLS, Duration::from_secs(60), at(10_000_000))
        .expect("pop")
    {
        *delivered.entry(d.record.id).or_default() += 1;
    }
    for id in reported.acked.keys() {
        assert!(!delivered.contains_key(id), "acked {id} delivered again");
    }
    assert!(
        delivered.values().all(|&n| n == 1),
        "one queue entry per article"
    );
    let stats = store.stats(at(10_000_001)).expect("stats");
    assert_eq!(stats.pending, 0);
    assert_eq!(
        stats.leased + stats.acked,
        URLS as u64,
        "every article delivered or acked once"
    );
}
