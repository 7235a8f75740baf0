//! `gleaner crawl` as a user runs it: killed mid-crawl, run again, it resumes; Ctrl-C stops
//! cleanly with a summary; every article ends up in the store exactly once.

mod support;

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use gleaner::store::{SledStore, StoreOptions};
use support::*;

const PAGES: usize = 30;

async fn news_site(ip: &str) -> Site {
    let paths: Vec<String> = (1..=PAGES).map(|i| format!("/story/{i}")).collect();
    let links: Vec<&str> = paths.iter().map(String::as_str).collect();
    let index = index_html(&links);
    Site::start(ip, move |req| match req.target {
        "/robots.txt" => robots("User-agent: *\nAllow: /\n"),
        "/" => html(index.clone()),
        t => match t
            .strip_prefix("/story/")
            .and_then(|n| n.parse::<u64>().ok())
        {
            Some(n) => html(article_html(&format!("Story {n}"), 7000 + n)),
            None => with_status(404, ""),
        },
    })
    .await
}

fn write_config(dir: &std::path::Path) -> std::path::PathBuf {
    let path = dir.join("gleaner.toml");
    std::fs::write(
        &path,
        "[crawler]\nmin_delay = \"60ms\"\nallow_private_addresses = true\n",
    )
    .expect("config");
    path
}

fn gleaner_crawl(seed: &str, config: &std::path::Path, data: &std::path::Path) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_gleaner"));
    cmd.args(["crawl", "--seed", seed, "--config"])
        .arg(config)
        .arg("--data")
        .arg(data)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    cmd
}

async fn wait_for_stories(site: &Site, n: usize) {
    let deadline = Instant::now() + Duration::from_secs(20);
    while site
        .targets()
        .iter()
        .filter(|t| t.starts_with("/story/"))
        .count()
        < n
    {
        assert!(
            Instant::now() < deadline,
            "crawl made no progress: {:?}",
            site.targets()
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

fn check_store(data: &std::path::Path) {
    let store = SledStore::open(data, StoreOptions::default()).expect("store reopens");
    let records = store.articles_since(0, None, 1000).expect("articles");
    let mut urls: Vec<&str> = records
        .iter()
        .map(|r| r.provenance.final_url.as_str())
        .collect();
    urls.sort();
    urls.dedup();
    assert_eq!(urls.len(), PAGES, "every story stored");
    assert_eq!(records.len(), PAGES, "each story stored once");
    assert!(
        records
            .iter()
            .all(|r| r.duplicate_of.is_none() && r.version == 1)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn killed_crawl_resumes_where_it_stopped() {
    let site = news_site("127.0.0.30").await;
    let dir = tempfile::tempdir().expect("tempdir");
    let config = write_config(dir.path());
    let data = dir.path().join("data");
    let seed = site.url("/").to_string();

    let mut first = gleaner_crawl(&seed, &config, &data)
        .spawn()
        .expect("spawn gleaner");
    wait_for_stories(&site, 10).await;
    // Let the store's periodic flush see some of the work, then kill without warning.
    tokio::time::sleep(Duration::from_millis(600)).await;
    first.kill().expect("SIGKILL");
    first.wait().expect("reaped");
    let before = site
        .targets()
        .iter()
        .filter(|t| t.starts_with("/story/"))
        .count();
    assert!(
        before < PAGES,
        "the first run must be interrupted, it fetched {before}"
    );

    let second = gleaner_crawl(&seed, &config, &data)
        .output()
        .expect("run gleaner");
    let stdout = String::from_utf8_lossy(&second.stdout);
    assert!(
        second.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&second.stderr)
    );
    assert!(stdout.contains("resumed"), "{stdout}");
    assert!(stdout.contains("finished"), "{stdout}");

    // Resumed, not restarted: the seed page was not fetched again, and no story more than
    // twice (once for a request cut off by the kill).
    assert_eq!(site.count("/"), 1, "{:?}", site.targets());
    let story_fetches = site
        .targets()
        .iter()
        .filter(|t| t.starts_with("/story/"))
        .count();
    assert!(
        story_fetches <= PAGES + 3,
        "{story_fetches} fetches for {PAGES} stories"
    );
    for i in 1..=PAGES {
        let n = site.count(&format!("/story/{i}"));
        assert!((1..=2).contains(&n), "/story/{i} fetched {n} times");
    }
    check_store(&data);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ctrl_c_stops_cleanly_and_a_rerun_completes() {
    let site = news_site("127.0.0.31").await;
    let dir = tempfile::tempdir().expect("tempdir");
    let config = write_config(dir.path());
    let data = dir.path().join("data");
    let seed = site.url("/").to_string();

    let first = gleaner_crawl(&seed, &config, &data)
        .spawn()
        .expect("spawn gleaner");
    wait_for_stories(&site, 5).await;
    let status = Command::new("kill")
        .args(["-INT", &first.id().to_string()])
        .status()
        .expect("kill -INT");
    assert!(status.success());
    let out = first.wait_with_output().expect("gleaner exits");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "exit {:?}: {stdout}", out.status);
    assert!(stdout.contains("interrupted"), "{stdout}");
    assert!(stdout.contains("pending"), "{stdout}");

    let second = gleaner_crawl(&seed, &config, &data)
        .output()
        .expect("run gleaner");
    assert!(second.status.success());
    let stdout = String::from_utf8_lossy(&second.stdout);
    assert!(stdout.contains("resumed"), "{stdout}");
    check_store(&data);
}
