//! `gleaner crawl` as a user runs it: killed mid-crawl, run again, it resumes; Ctrl-C stops
//! cleanly with a summary; every article ends up in the store exactly once. Its exit code
//! tells a crawl that reached no seed (1, a reason per seed on stderr) from one that
//! fetched something and met errors on the way (0, the errors in the summary).

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

/// A loopback address and port where nothing listens: connecting is refused at once.
fn closed_port(ip: &str) -> String {
    let listener = std::net::TcpListener::bind((ip, 0)).expect("bind a free port");
    let port = listener.local_addr().expect("local address").port();
    drop(listener);
    format!("http://{ip}:{port}/")
}

fn config_with(dir: &std::path::Path, crawler: &str) -> std::path::PathBuf {
    let path = dir.join("gleaner.toml");
    std::fs::write(
        &path,
        format!("[crawler]\nmin_delay = \"0s\"\nallow_private_addresses = true\n{crawler}"),
    )
    .expect("config");
    path
}

/// Runs `gleaner crawl` with every seed; returns the exit code, stdout and stderr.
fn crawl_seeds(
    seeds: &[String],
    config: &std::path::Path,
    data: &std::path::Path,
) -> (i32, String, String) {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_gleaner"));
    cmd.args(["--log-level", "warn", "crawl", "--config"])
        .arg(config)
        .arg("--data")
        .arg(data);
    for seed in seeds {
        cmd.args(["--seed", seed]);
    }
    let out = cmd.output().expect("run gleaner");
    (
        out.status.code().expect("exited"),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// The stderr line that gives `seed`'s reason.
fn reason_line<'a>(stderr: &'a str, seed: &str) -> &'a str {
    let prefix = format!("gleaner: {seed}: ");
    let lines: Vec<&str> = stderr.lines().filter(|l| l.starts_with(&prefix)).collect();
    assert_eq!(lines.len(), 1, "one reason line for {seed} in:\n{stderr}");
    lines[0]
}

#[test]
fn a_crawl_whose_seed_refuses_connections_exits_1_with_the_reason() {
    let dir = tempfile::tempdir().expect("tempdir");
    // Without robots.txt the page request itself meets the refusal (and is retried once).
    let config = config_with(dir.path(), "respect_robots = false\nmax_retries = 1\n");
    let seed = closed_port("127.0.0.32");
    let (code, stdout, stderr) = crawl_seeds(
        std::slice::from_ref(&seed),
        &config,
        &dir.path().join("data"),
    );
    assert_eq!(code, 1, "stdout:\n{stdout}\nstderr:\n{stderr}");
    let line = reason_line(&stderr, &seed);
    assert!(line.contains("connection failed"), "{line}");
    assert!(line.to_lowercase().contains("refused"), "{line}");
    assert!(
        stderr
            .lines()
            .any(|l| l.starts_with("gleaner: no seed could be fetched")),
        "{stderr}"
    );
    assert!(stdout.contains("errors         connect 1"), "{stdout}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_crawl_whose_every_robots_txt_is_unreachable_exits_1() {
    let failing = Site::start("127.0.0.33", |req| match req.target {
        "/robots.txt" => with_status(500, "down for maintenance"),
        _ => html(article_html("Never fetched", 1)),
    })
    .await;
    let failing_seed = failing.url("/").to_string();
    let closed_seed = closed_port("127.0.0.34");
    let dir = tempfile::tempdir().expect("tempdir");
    let config = config_with(dir.path(), "");
    let data = dir.path().join("data");
    let seeds = vec![failing_seed.clone(), closed_seed.clone()];
    let (code, stdout, stderr) =
        tokio::task::spawn_blocking(move || crawl_seeds(&seeds, &config, &data))
            .await
            .expect("crawl ran");
    assert_eq!(code, 1, "stdout:\n{stdout}\nstderr:\n{stderr}");
    let line = reason_line(&stderr, &failing_seed);
    assert!(
        line.ends_with(": robots.txt unreachable: HTTP 500"),
        "{line}"
    );
    let line = reason_line(&stderr, &closed_seed);
    assert!(
        line.contains(": robots.txt unreachable: connection failed"),
        "{line}"
    );
    assert!(
        stderr.contains("gleaner: no seed could be fetched"),
        "{stderr}"
    );
    // RFC 9309: an unreachable robots.txt disallows everything; the page was never asked for.
    assert_eq!(failing.targets(), ["/robots.txt"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_crawl_that_fetched_something_exits_0_and_reports_its_errors() {
    let site = Site::start("127.0.0.35", |req| match req.target {
        "/robots.txt" => robots("User-agent: *\nAllow: /\n"),
        "/" => html(index_html(&["/story/1", "/gone"])),
        "/story/1" => html(article_html("The one story", 35)),
        _ => with_status(404, "not found"),
    })
    .await;
    let seed = site.url("/").to_string();
    let closed_seed = closed_port("127.0.0.36");
    let dir = tempfile::tempdir().expect("tempdir");
    let config = config_with(dir.path(), "");
    let data = dir.path().join("data");
    let seeds = vec![seed.clone(), closed_seed.clone()];
    let crawl_data = data.clone();
    let (code, stdout, stderr) =
        tokio::task::spawn_blocking(move || crawl_seeds(&seeds, &config, &crawl_data))
            .await
            .expect("crawl ran");
    assert_eq!(code, 0, "stdout:\n{stdout}\nstderr:\n{stderr}");
    assert!(stdout.contains("stored         1 new"), "{stdout}");
    assert!(stdout.contains("http_404 1"), "{stdout}");
    assert!(
        stdout.contains(&format!(
            "seed {closed_seed}: unreachable: robots.txt unreachable"
        )),
        "the seed that was not reached is named in the summary:\n{stdout}"
    );
    assert!(!stderr.contains("no seed could be fetched"), "{stderr}");
    assert_eq!(site.count("/gone"), 1);
    let store = SledStore::open(&data, StoreOptions::default()).expect("store reopens");
    let records = store.articles_since(0, None, 10).expect("articles");
    assert_eq!(records.len(), 1);
    assert_eq!(
        records[0].provenance.final_url,
        site.url("/story/1").as_str()
    );
}
