//! The consumer queue: leases, lapse and redelivery, ack semantics, and the CLI.

mod store_support;

use std::path::Path;
use std::process::{Command, Output};
use std::time::Duration;

use gleaner::store::{AckOutcome, ArticleId, SledStore, StoreOptions, StoreStats};
use store_support::{at, new_article, story};

fn open(dir: &Path) -> SledStore {
    SledStore::open(dir, StoreOptions::default()).expect("store opens")
}

fn fill(store: &SledStore, n: usize) -> Vec<ArticleId> {
    (0..n)
        .map(|i| {
            let url = format!("https://site.example/{i}");
            store
                .put_article(new_article(
                    &url,
                    "site",
                    &story(100 + i as u64, 120),
                    at(i as i64),
                ))
                .expect("put")
                .id()
        })
        .collect()
}

const LEASE: Duration = Duration::from_secs(30);

#[test]
fn lapsed_leases_are_delivered_again_in_order_and_acked_ones_never() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = open(dir.path());
    let ids = fill(&store, 3);

    let first = store.pop(2, LEASE, at(100)).expect("pop");
    let got: Vec<_> = first.iter().map(|d| d.record.id).collect();
    assert_eq!(got, ids[..2], "oldest first");
    assert_eq!(first[0].delivery.lease_expires, at(130));
    assert_eq!(
        store.stats(at(101)).expect("stats"),
        StoreStats {
            articles: 3,
            pending: 1,
            leased: 2,
            acked: 0,
            duplicates: 0
        }
    );

    // While leased, only the third is available.
    let second = store.pop(10, LEASE, at(110)).expect("pop");
    assert_eq!(
        second.iter().map(|d| d.record.id).collect::<Vec<_>>(),
        [ids[2]]
    );
    assert!(store.pop(10, LEASE, at(120)).expect("pop").is_empty());

    // Ack the third in time; let the first two lapse.
    let t3 = second[0].delivery.token.clone();
    assert_eq!(
        store.ack(std::slice::from_ref(&t3), at(125)).expect("ack"),
        [AckOutcome::Acked]
    );
    // A lapsed lease counts as pending again even before anyone pops.
    assert_eq!(
        store.stats(at(131)).expect("stats"),
        StoreStats {
            articles: 3,
            pending: 2,
            leased: 0,
            acked: 1,
            duplicates: 0
        }
    );
    // The lapsed token is refused (no harm), before and after redelivery.
    let stale = first[0].delivery.token.clone();
    assert_eq!(
        store
            .ack(std::slice::from_ref(&stale), at(131))
            .expect("ack"),
        [AckOutcome::Lapsed]
    );

    let redelivered = store.pop(10, LEASE, at(140)).expect("pop");
    assert_eq!(
        redelivered.iter().map(|d| d.record.id).collect::<Vec<_>>(),
        ids[..2]
    );
    assert_ne!(
        redelivered[0].delivery.token, stale,
        "a new token per delivery"
    );
    assert_eq!(
        store
            .ack(std::slice::from_ref(&stale), at(141))
            .expect("ack"),
        [AckOutcome::Lapsed]
    );

    let tokens: Vec<String> = redelivered
        .iter()
        .map(|d| d.delivery.token.clone())
        .collect();
    let mut with_junk = tokens.clone();
    with_junk.push("0123456789abcdef0123456789abcdef".into());
    with_junk.push("not a token".into());
    with_junk.push(t3.clone());
    assert_eq!(
        store.ack(&with_junk, at(150)).expect("ack"),
        [
            AckOutcome::Acked,
            AckOutcome::Acked,
            AckOutcome::Unknown,
            AckOutcome::Unknown,
            AckOutcome::Unknown, // already acknowledged
        ]
    );
    // Acking twice in one call counts once.
    assert_eq!(
        store
            .ack(&[tokens[0].clone(), tokens[0].clone()], at(151))
            .expect("ack"),
        [AckOutcome::Unknown, AckOutcome::Unknown]
    );

    // Nothing is ever delivered again, however late.
    assert!(store.pop(10, LEASE, at(100_000)).expect("pop").is_empty());
    assert_eq!(
        store.stats(at(100_000)).expect("stats"),
        StoreStats {
            articles: 3,
            pending: 0,
            leased: 0,
            acked: 3,
            duplicates: 0
        }
    );
}

#[test]
fn acks_survive_reopening_and_leases_survive_too() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (acked, leased) = {
        let store = open(dir.path());
        fill(&store, 3);
        let popped = store.pop(2, LEASE, at(100)).expect("pop");
        store
            .ack(&[popped[0].delivery.token.clone()], at(101))
            .expect("ack");
        (popped[0].record.id, popped[1].delivery.token.clone())
    };
    let store = open(dir.path());
    let stats = store.stats(at(102)).expect("stats");
    assert_eq!((stats.pending, stats.leased, stats.acked), (1, 1, 1));
    assert_eq!(
        store.ack(&[leased], at(103)).expect("ack"),
        [AckOutcome::Acked]
    );
    let rest = store.pop(10, LEASE, at(10_000)).expect("pop");
    assert_eq!(rest.len(), 1);
    assert_ne!(rest[0].record.id, acked);
}

#[test]
fn an_article_changed_while_leased_is_delivered_once_more_not_twice() {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = open(dir.path());
    let text = story(5, 200);
    let url = "https://site.example/live";
    store
        .put_article(new_article(url, "site", &text, at(0)))
        .expect("put");
    let first = store.pop(1, LEASE, at(10)).expect("pop");
    assert_eq!(first.len(), 1);
    // Updated while the consumer holds version 1.
    let changed = format!("{text} Updated with a new paragraph.");
    store
        .put_article(new_article(url, "site", &changed, at(20)))
        .expect("put");
    // Version 1's lease lapses; version 2 is waiting: one delivery, of version 2.
    let next = store.pop(10, LEASE, at(100)).expect("pop");
    assert_eq!(next.len(), 1);
    assert_eq!(next[0].record.version, 2);
    // Not acked: redelivered once more (still a single entry), then gone once acked.
    let last = store.pop(10, LEASE, at(1000)).expect("pop");
    assert_eq!(last.len(), 1);
    assert_eq!(
        store
            .ack(&[last[0].delivery.token.clone()], at(1001))
            .expect("ack"),
        [AckOutcome::Acked]
    );
    assert!(store.pop(10, LEASE, at(5000)).expect("pop").is_empty());
}

fn gleaner(args: &[&str], data: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_gleaner"))
        .args(args)
        .arg("--data")
        .arg(data)
        .output()
        .expect("gleaner runs")
}

#[test]
fn cli_pop_ack_and_stats() {
    let dir = tempfile::tempdir().expect("tempdir");
    let ids = {
        let store = open(dir.path());
        fill(&store, 3)
    };

    let out = gleaner(
        &["queue", "pop", "--max", "2", "--lease", "10m"],
        dir.path(),
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let lines: Vec<serde_json::Value> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).expect("each line is JSON"))
        .collect();
    assert_eq!(lines.len(), 2);
    assert_eq!(lines[0]["id"], ids[0].to_string());
    assert_eq!(lines[0]["source"], "site");
    assert!(lines[0]["text"].as_str().is_some_and(|t| !t.is_empty()));
    let token = lines[0]["delivery"]["token"]
        .as_str()
        .expect("token")
        .to_string();
    let expires = lines[0]["delivery"]["lease_expires"]
        .as_str()
        .expect("lease_expires");
    let expires = chrono::DateTime::parse_from_rfc3339(expires).expect("RFC 3339");
    let left = expires.with_timezone(&chrono::Utc) - chrono::Utc::now();
    assert!(left > chrono::Duration::minutes(9) && left <= chrono::Duration::minutes(10));

    let out = gleaner(&["queue", "stats"], dir.path());
    let stats: serde_json::Value = serde_json::from_slice(&out.stdout).expect("stats JSON");
    assert_eq!(
        stats,
        serde_json::json!({"articles": 3, "pending": 1, "leased": 2, "acked": 0, "duplicates": 0})
    );

    // One good token, one bogus: the good one is acked, the command says so and exits 1.
    let out = gleaner(
        &["queue", "ack", &token, "ffffffffffffffffffffffffffffffff"],
        dir.path(),
    );
    assert_eq!(out.status.code(), Some(1));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("\"outcome\":\"acked\""), "{stdout}");
    assert!(stdout.contains("\"outcome\":\"unknown\""), "{stdout}");
    assert!(String::from_utf8_lossy(&out.stderr).contains("unknown or already acknowledged"));

    let out = gleaner(&["queue", "ack", &token], dir.path());
    assert_eq!(out.status.code(), Some(1), "acking twice is refused");

    let out = gleaner(&["queue", "stats"], dir.path());
    let stats: serde_json::Value = serde_json::from_slice(&out.stdout).expect("stats JSON");
    assert_eq!(stats["acked"], 1);
    assert_eq!(stats["leased"], 1);

    // Missing database: says so, exit 1, creates nothing.
    let missing = dir.path().join("nope");
    let out = gleaner(&["queue", "stats"], &missing);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no gleaner database"));
    assert!(!missing.exists());
}
