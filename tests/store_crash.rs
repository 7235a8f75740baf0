//! Durability, proven: a child process crawls into the store (frontier; upserts one by one,
//! in batches and in streams of batches; queue pops and acks) and reports each article it
//! stored and each ack that returned; it is SIGKILLed at random moments, 20 times. After every kill the database must open, hold
//! no half-written record, still hold every reported article and keep every reported ack;
//! finally the frontier resumes to completion and each article is stored exactly once.

mod store_support;

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use gleaner::store::dedup::text_sha256;
use gleaner::store::{
    AckOutcome, ArticleId, DiscoveredVia, FrontierEntry, SledStore, Store, StoreOptions,
};
use rand::Rng;
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

    // Seed the frontier once (pushes of known URLs are refused, so this is idempotent).
    for i in 0..URLS {
        store
            .frontier_push(&FrontierEntry {
                url: url(i),
                depth: 1,
                discovered_from: Some("https://crash.example/".into()),
                discovered_via: DiscoveredVia::Link,
                source: SOURCE.into(),
            })
            .expect("push");
    }
    let mut n = 0u64;
    loop {
        let pending = store
            .frontier_pending(SOURCE, 0, usize::MAX)
            .expect("pending")
            .entries;
        if pending.is_empty() {
            if finish {
                store.flush().expect("flush");
                say("DONE".into());
                return;
            }
            // Nothing left to crawl: keep consuming and re-seeing until killed.
            let i = (n as usize * 7) % URLS;
            let u = url(i);
            store
                .put_article(new_article(&u, SOURCE, &text_of(&u), at(n as i64)))
                .expect("re-put");
        }
        let mut rest: &[FrontierEntry] = &pending;
        while !rest.is_empty() {
            let take = if n % 5 == 4 && rest.len() >= 2 * STREAM_BATCH {
                2 * STREAM_BATCH
            } else {
                rest.len().min(3)
            };
            let (chunk, after) = rest.split_at(take);
            rest = after;
            if chunk.len() > 3 {
                // A stream of two batches, big enough for records to be encoded on helper
                // threads while the next batch is fingerprinted: each reported only once
                // its batch is durable.
                let mut batches = chunk.chunks(STREAM_BATCH).map(|c| {
                    c.iter()
                        .map(|e| new_article(&e.url, SOURCE, &text_of(&e.url), at(n as i64)))
                        .collect()
                });
                let mut reported = 0;
                store
                    .put_article_batches(&mut batches, &mut |outcomes| {
                        for (e, o) in chunk[reported..].iter().zip(&outcomes) {
                            say(format!("STORED {} {}", o.id(), e.url));
                        }
                        reported += outcomes.len();
                    })
                    .expect("put stream");
            } else if chunk.len() == 3 && n % 2 == 0 {
                let batch = chunk
                    .iter()
                    .map(|e| new_article(&e.url, SOURCE, &text_of(&e.url), at(n as i64)))
                    .collect();
                let outcomes = store.put_articles(batch).expect("put batch");
                for (e, o) in chunk.iter().zip(outcomes) {
                    say(format!("STORED {} {}", o.id(), e.url));
                }
            } else {
                for e in chunk {
                    let o = store
                        .put_article(new_article(&e.url, SOURCE, &text_of(&e.url), at(n as i64)))
                        .expect("put");
                    say(format!("STORED {} {}", o.id(), e.url));
                }
            }
            for e in chunk {
                store.frontier_done(SOURCE, &e.url).expect("done");
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
}

struct Reported {
    stored: BTreeMap<ArticleId, String>,
    acked: BTreeMap<ArticleId, String>,
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
    assert_eq!(store.frontier_pending_count(SOURCE).expect("pending"), 0);
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
