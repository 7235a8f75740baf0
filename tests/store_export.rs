//! Exports: JSONL round trip through the CLI, and WARC read back by an independent reader
//! (warcio, from a Python that has it: `$GLEANER_WARCIO_PYTHON`, else `python3`). The test
//! installs nothing: without warcio it says it was skipped, unless `GLEANER_REQUIRE_WARCIO`
//! is set; `.ci/run` installs warcio in a virtualenv and sets both.

#[path = "common/external.rs"]
mod external;
mod store_support;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use gleaner::store::{ArticleRecord, PutOutcome, SledStore, StoreOptions};
use store_support::{at, new_article, story};

/// A database with two sources, a duplicate, and one article without a raw page.
fn populate(dir: &Path) -> Vec<ArticleRecord> {
    let store = SledStore::open(dir, StoreOptions::default()).expect("store opens");
    let wire = story(21, 500);
    store
        .put_article(new_article("https://wire.example/a", "wire", &wire, at(0)))
        .expect("put");
    let dup = store
        .put_article(new_article(
            "https://agg.example/x?id=1",
            "agg",
            &wire,
            at(100),
        ))
        .expect("put");
    assert!(matches!(dup, PutOutcome::Duplicate { .. }));
    store
        .put_article(new_article(
            "https://agg.example/y",
            "agg",
            &story(22, 300),
            at(200),
        ))
        .expect("put");
    let mut no_raw = new_article(
        "https://wire.example/b",
        "wire",
        "Привет, мир! Ünïcode \"quotes\" and\ttabs.\n\nSecond paragraph.",
        at(300),
    );
    no_raw.raw = None;
    store.put_article(no_raw).expect("put");
    store.articles_since(0, None, 100).expect("list")
}

fn gleaner(args: &[&str], data: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_gleaner"))
        .args(args)
        .arg("--data")
        .arg(data)
        .output()
        .expect("gleaner runs")
}

fn parse_jsonl(bytes: &[u8]) -> Vec<ArticleRecord> {
    String::from_utf8_lossy(bytes)
        .lines()
        .map(|l| serde_json::from_str(l).expect("each line is an article record"))
        .collect()
}

#[test]
fn jsonl_export_round_trips_every_field() {
    let dir = tempfile::tempdir().expect("tempdir");
    let stored = populate(dir.path());
    assert_eq!(stored.len(), 4);

    let out = gleaner(&["export", "--format", "jsonl"], dir.path());
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let exported = parse_jsonl(&out.stdout);
    assert_eq!(
        exported, stored,
        "JSON lines read back into identical records"
    );
    assert_eq!(
        exported.iter().filter(|r| r.duplicate_of.is_some()).count(),
        1
    );

    // Field names are a contract: spot-check the raw JSON.
    let first: serde_json::Value = serde_json::from_str(
        String::from_utf8_lossy(&out.stdout)
            .lines()
            .next()
            .expect("a line"),
    )
    .expect("JSON");
    for key in [
        "id",
        "url",
        "final_url",
        "canonical_url",
        "source",
        "discovered_from",
        "discovered_via",
        "fetched_at",
        "http_status",
        "content_type",
        "charset",
        "etag",
        "last_modified",
        "raw_sha256",
        "text_sha256",
        "extractor_version",
        "crawler_version",
        "first_seen",
        "last_seen",
        "version",
        "duplicate_of",
        "also_seen_at",
        "title",
        "text",
    ] {
        assert!(first.get(key).is_some(), "missing field {key}: {first}");
    }
    assert_eq!(first["discovered_via"], "link");

    // Filters.
    let out = gleaner(&["export", "--source", "agg"], dir.path());
    let agg = parse_jsonl(&out.stdout);
    assert_eq!(agg.len(), 2);
    assert!(agg.iter().all(|r| r.provenance.source == "agg"));
    let since = at(150).to_rfc3339();
    let out = gleaner(&["export", "--since", &since], dir.path());
    let recent = parse_jsonl(&out.stdout);
    assert_eq!(recent.len(), 2);
    assert!(recent.iter().all(|r| r.provenance.fetched_at >= at(150)));
    let out = gleaner(&["export", "--since", "yesterday"], dir.path());
    assert_eq!(out.status.code(), Some(2), "a bad time is a usage error");

    // --output writes the same, atomically (no partial file left behind).
    let file = dir.path().join("out.jsonl");
    let out = gleaner(
        &["export", "--output", file.to_str().expect("utf-8 path")],
        dir.path(),
    );
    assert!(out.status.success());
    assert_eq!(parse_jsonl(&std::fs::read(&file).expect("written")), stored);
    assert!(!dir.path().join(".out.jsonl.partial").exists());
}

/// Names the Python interpreter that has warcio.
const WARCIO_PYTHON: &str = "GLEANER_WARCIO_PYTHON";

/// A Python that can import warcio: `$GLEANER_WARCIO_PYTHON`, else `python3` on the PATH;
/// `Err` says what was tried.
fn warcio_python() -> Result<PathBuf, String> {
    let (python, how) = match std::env::var_os(WARCIO_PYTHON) {
        Some(p) => (PathBuf::from(p), WARCIO_PYTHON),
        None => (PathBuf::from("python3"), "the PATH"),
    };
    match Command::new(&python).args(["-c", "import warcio"]).output() {
        Ok(out) if out.status.success() => Ok(python),
        Ok(out) => Err(format!(
            "{} (from {how}) cannot import warcio: {}; set {WARCIO_PYTHON}=/path/to/python with warcio installed",
            python.display(),
            String::from_utf8_lossy(&out.stderr)
                .trim()
                .lines()
                .last()
                .unwrap_or("")
        )),
        Err(e) => Err(format!(
            "{} (from {how}) does not run ({e}); set {WARCIO_PYTHON}=/path/to/python with warcio installed",
            python.display()
        )),
    }
}

const READER: &str = r#"
import hashlib, json, sys
from warcio.archiveiterator import ArchiveIterator
out = []
with open(sys.argv[1], 'rb') as f:
    for rec in ArchiveIterator(f, check_digests='raise'):
        item = {'type': rec.rec_type, 'uri': rec.rec_headers.get_header('WARC-Target-URI'),
                'date': rec.rec_headers.get_header('WARC-Date'),
                'concurrent_to': rec.rec_headers.get_header('WARC-Concurrent-To'),
                'record_id': rec.rec_headers.get_header('WARC-Record-ID'),
                'refers_to': rec.rec_headers.get_header('WARC-Refers-To'),
                'profile': rec.rec_headers.get_header('WARC-Profile')}
        payload = rec.content_stream().read()
        if rec.rec_type == 'response':
            item['status'] = rec.http_headers.get_statuscode()
            item['content_type'] = rec.http_headers.get_header('Content-Type')
            item['payload_sha256'] = hashlib.sha256(payload).hexdigest()
        elif rec.rec_type == 'metadata':
            item['json'] = json.loads(payload)
        out.append(item)
print(json.dumps(out))
"#;

fn read_warc(python: &Path, file: &Path) -> Vec<serde_json::Value> {
    let output = Command::new(python)
        .args(["-c", READER])
        .arg(file)
        .output()
        .expect("python runs");
    assert!(
        output.status.success(),
        "warcio could not read {}: {}",
        file.display(),
        String::from_utf8_lossy(&output.stderr)
    );
    let check = Command::new(python)
        .args(["-m", "warcio.cli", "check", "-v"])
        .arg(file)
        .output()
        .expect("warcio check runs");
    assert!(
        check.status.success(),
        "warcio check failed: {}{}",
        String::from_utf8_lossy(&check.stdout),
        String::from_utf8_lossy(&check.stderr)
    );
    serde_json::from_slice(&output.stdout).expect("reader prints JSON")
}

#[test]
fn warc_export_is_read_back_by_warcio() {
    let python = match warcio_python() {
        Ok(python) => python,
        Err(reason) => {
            let test = "warc_export_is_read_back_by_warcio";
            external::skip(external::REQUIRE_WARCIO, test, &reason);
            return;
        }
    };
    let dir = tempfile::tempdir().expect("tempdir");
    let stored = populate(dir.path());

    for name in ["articles.warc", "articles.warc.gz"] {
        let file = dir.path().join(name);
        let out = gleaner(
            &[
                "export",
                "--format",
                "warc",
                "--output",
                file.to_str().expect("utf-8 path"),
            ],
            dir.path(),
        );
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let records = read_warc(&python, &file);

        let types: Vec<&str> = records
            .iter()
            .map(|r| r["type"].as_str().unwrap_or(""))
            .collect();
        // warcinfo, then response+metadata for the three raw pages, metadata alone for the
        // article stored without one.
        assert_eq!(
            types,
            [
                "warcinfo", "response", "metadata", "response", "metadata", "response", "metadata",
                "metadata"
            ],
            "{name}"
        );
        let store = SledStore::open(dir.path(), StoreOptions::default()).expect("opens");
        let metadata: Vec<&serde_json::Value> =
            records.iter().filter(|r| r["type"] == "metadata").collect();
        for (meta, record) in metadata.iter().zip(&stored) {
            let back: ArticleRecord =
                serde_json::from_value(meta["json"].clone()).expect("metadata is a record");
            assert_eq!(&back, record);
            assert_eq!(meta["uri"], record.provenance.final_url.as_str());
        }
        for pair in records.windows(2) {
            if pair[0]["type"] == "response" {
                let meta = &pair[1];
                assert_eq!(meta["concurrent_to"], pair[0]["record_id"]);
                let back: ArticleRecord =
                    serde_json::from_value(meta["json"].clone()).expect("record");
                let raw = store.raw_page(back.id).expect("raw").expect("kept");
                assert_eq!(
                    pair[0]["payload_sha256"],
                    back.provenance.raw_sha256.as_str()
                );
                assert_eq!(
                    pair[0]["payload_sha256"].as_str(),
                    Some(hex::encode(sha2::Sha256::digest(&raw.body)).as_str())
                );
                assert_eq!(pair[0]["status"], "200");
                assert_eq!(pair[0]["content_type"], "text/html; charset=utf-8");
                assert_eq!(
                    pair[0]["date"],
                    back.provenance
                        .fetched_at
                        .format("%Y-%m-%dT%H:%M:%SZ")
                        .to_string()
                );
            }
        }

        if name == "articles.warc" {
            // The digests are really checked: a changed byte in a body fails warcio check.
            let mut bytes = std::fs::read(&file).expect("read");
            let at = bytes
                .windows(9)
                .position(|w| w == b"<article>")
                .expect("a body in the file");
            bytes[at + 1] = b'A';
            let tampered = dir.path().join("tampered.warc");
            std::fs::write(&tampered, bytes).expect("write");
            let check = Command::new(&python)
                .args(["-m", "warcio.cli", "check"])
                .arg(&tampered)
                .output()
                .expect("warcio check runs");
            assert!(
                !check.status.success(),
                "warcio check accepted a tampered body"
            );
        }
    }
}

use sha2::Digest as _;

/// A database whose article was edited once (two versions, each with its raw page) and
/// revisited twice: unchanged (304) after the edit. Returns the article's id.
fn populate_history(dir: &Path) -> gleaner::store::ArticleId {
    use gleaner::store::{
        CrawlOutcome, CrawlStart, FrontierLimits, GateAnswer, HostGate, ManualClock, PageResult,
        RevisitAnswer, RevisitResult, WatchPolicy,
    };
    struct AnyHost;
    impl HostGate for AnyHost {
        fn try_host(&mut self, _host: &str) -> GateAnswer {
            GateAnswer::Ready {
                spacing: std::time::Duration::ZERO,
            }
        }
    }
    let clock = std::sync::Arc::new(ManualClock::new(at(0)));
    let options = StoreOptions {
        watch: WatchPolicy::new(
            vec![
                std::time::Duration::from_secs(10),
                std::time::Duration::from_secs(20),
            ],
            Default::default(),
        ),
        ..StoreOptions::default()
    };
    let store = SledStore::open(dir, options)
        .expect("store opens")
        .with_clock(clock.clone());
    let url = "https://ngo.example/news/turnout";
    let first = story(31, 300);
    let id = store
        .put_article(new_article(url, "ngo", &first, at(0)))
        .expect("put")
        .id();
    store
        .put_article(new_article(
            url,
            "ngo",
            &format!("{first} Correction: turnout was 41 percent."),
            at(5),
        ))
        .expect("put the edit");
    for secs in [12, 22] {
        clock.set(at(secs));
        store
            .open_frontier(
                "ngo#revisits",
                CrawlStart::Resume,
                FrontierLimits::default(),
            )
            .expect("open");
        assert_eq!(
            store.enqueue_due("ngo", "ngo#revisits", 10).expect("due"),
            1
        );
        let claim = store
            .claim_frontier("ngo#revisits", 10, &mut AnyHost)
            .expect("claim")
            .claims
            .pop()
            .expect("the revisit");
        store
            .commit_crawl(vec![CrawlOutcome {
                crawl: "ngo#revisits".into(),
                claim: Some(claim.ticket),
                visited: Vec::new(),
                result: PageResult::Revisit(Box::new(RevisitResult {
                    source: "ngo".into(),
                    watched_url: url.into(),
                    at: at(secs),
                    answer: RevisitAnswer::NotModified {
                        final_url: url.into(),
                    },
                })),
                discovered: Vec::new(),
            }])
            .expect("commit");
    }
    id
}

#[test]
fn exports_hold_every_version_and_its_revisits() {
    let dir = tempfile::tempdir().expect("tempdir");
    let id = populate_history(dir.path());

    let out = gleaner(&["export", "--versions"], dir.path());
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let line: serde_json::Value = serde_json::from_slice(&out.stdout).expect("one record");
    assert_eq!(line["id"], id.to_string());
    let versions = line["versions"].as_array().expect("versions");
    assert_eq!(versions.len(), 2);
    assert!(
        !versions[0]["text"]
            .as_str()
            .expect("text")
            .contains("Correction")
    );
    assert!(
        versions[1]["text"]
            .as_str()
            .expect("text")
            .contains("Correction")
    );
    assert_eq!(versions[1]["revisits"].as_array().map(Vec::len), Some(2));
    let plain = gleaner(&["export"], dir.path());
    let plain: serde_json::Value = serde_json::from_slice(&plain.stdout).expect("one record");
    assert!(
        plain.get("versions").is_none(),
        "--versions only when asked"
    );

    let python = match warcio_python() {
        Ok(python) => python,
        Err(reason) => {
            let test = "exports_hold_every_version_and_its_revisits";
            external::skip(external::REQUIRE_WARCIO, test, &reason);
            return;
        }
    };
    let file = dir.path().join("history.warc.gz");
    let out = gleaner(
        &[
            "export",
            "--format",
            "warc",
            "--output",
            file.to_str().expect("utf-8 path"),
        ],
        dir.path(),
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let records = read_warc(&python, &file);
    let types: Vec<&str> = records
        .iter()
        .map(|r| r["type"].as_str().unwrap_or(""))
        .collect();
    assert_eq!(
        types,
        [
            "warcinfo", "response", "metadata", "response", "metadata", "revisit", "revisit"
        ]
    );
    // The first version's capture holds its own page and text; the second the current
    // record; the revisits refer to the second's response.
    assert!(
        !records[2]["json"]["text"]
            .as_str()
            .expect("text")
            .contains("Correction")
    );
    assert_eq!(records[2]["json"]["version"], 1);
    assert_eq!(records[4]["json"]["version"], 2);
    assert_ne!(records[1]["payload_sha256"], records[3]["payload_sha256"]);
    for revisit in &records[5..] {
        assert_eq!(revisit["refers_to"], records[3]["record_id"]);
        assert_eq!(
            revisit["profile"],
            "http://netpreserve.org/warc/1.1/revisit/server-not-modified"
        );
    }
    assert_eq!(records[5]["date"], "2026-09-21T14:13:32Z");
}
