//! Several `gleaner crawl` processes on one PostgreSQL database share one crawl: each URL
//! is fetched once, each host's min_delay holds across all of them, a node killed with
//! SIGKILL mid-crawl hands its hosts to the others once its lease lapses, and all the
//! survivors finish (exit 0) with every article stored once. Also: `--data postgres://…`
//! on the consumer commands, disjoint `queue pop`s from several processes, `migrate-store`,
//! and an unreachable database named without its password.

#[path = "common/postgres.rs"]
mod postgres;
mod support;

use std::collections::{HashMap, HashSet};
use std::path::Path;
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use gleaner::store::postgres::{PgSettings, PgStore};
use gleaner::store::{ArticleReader, StoreOptions};
use support::*;

const STORIES: usize = 16;
const MIN_DELAY: Duration = Duration::from_millis(120);

/// A site on `ip`: an index linking `STORIES` stories.
async fn news_site(ip: &str, seed: u64) -> Site {
    let paths: Vec<String> = (1..=STORIES).map(|i| format!("/story/{i}")).collect();
    let links: Vec<&str> = paths.iter().map(String::as_str).collect();
    let index = index_html(&links);
    Site::start_with(ip, Duration::from_millis(30), None, move |req| {
        match req.target {
            "/robots.txt" => robots("User-agent: *\nAllow: /\n"),
            "/" => html(index.clone()),
            t => match t
                .strip_prefix("/story/")
                .and_then(|n| n.parse::<u64>().ok())
            {
                Some(n) => html(article_html(&format!("Story {seed}-{n}"), seed * 1000 + n)),
                None => with_status(404, ""),
            },
        }
    })
    .await
}

fn write_config(dir: &Path, lease: &str) -> std::path::PathBuf {
    let path = dir.join("gleaner.toml");
    std::fs::write(
        &path,
        format!(
            "[crawler]\nmin_delay = \"{}ms\"\nallow_private_addresses = true\n\n[store]\nlease = \"{lease}\"\n",
            MIN_DELAY.as_millis()
        ),
    )
    .expect("config");
    path
}

fn gleaner() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_gleaner"));
    cmd.stdout(Stdio::piped()).stderr(Stdio::piped());
    cmd
}

fn crawl(seeds: &[String], config: &Path, data: &str) -> Command {
    let mut cmd = gleaner();
    cmd.arg("crawl");
    for seed in seeds {
        cmd.args(["--seed", seed]);
    }
    cmd.arg("--config").arg(config).args(["--data", data]);
    cmd
}

fn text(output: &Output) -> String {
    format!(
        "exit {:?}\nstdout:\n{}\nstderr:\n{}",
        output.status.code(),
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

fn stories_fetched(sites: &[Site]) -> usize {
    sites
        .iter()
        .map(|s| {
            s.targets()
                .iter()
                .filter(|t| t.starts_with("/story/"))
                .count()
        })
        .sum()
}

/// Waits for a child with a deadline (the test fails rather than hangs).
fn wait_output(child: Child, within: Duration) -> Output {
    let pid = child.id();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(child.wait_with_output());
    });
    match rx.recv_timeout(within) {
        Ok(output) => output.expect("wait"),
        Err(_) => {
            // SAFETY: kill on a pid of our own child.
            unsafe { libc::kill(pid as i32, libc::SIGKILL) };
            panic!("gleaner (pid {pid}) did not finish within {within:?}");
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn three_nodes_share_a_crawl_and_the_survivors_of_a_sigkill_finish_it() {
    let Some(server) =
        postgres::server("three_nodes_share_a_crawl_and_the_survivors_of_a_sigkill_finish_it")
    else {
        return;
    };
    let url = server.database("three_nodes");
    let sites = vec![
        news_site("127.0.0.61", 1).await,
        news_site("127.0.0.62", 2).await,
        news_site("127.0.0.63", 3).await,
    ];
    let seeds: Vec<String> = sites.iter().map(|s| s.url("/").to_string()).collect();
    let dir = tempfile::tempdir().expect("tempdir");
    let config = write_config(dir.path(), "2s");

    let mut nodes: Vec<Child> = (0..3)
        .map(|_| crawl(&seeds, &config, &url).spawn().expect("spawn gleaner"))
        .collect();
    // Kill one node mid-crawl, without warning.
    let deadline = Instant::now() + Duration::from_secs(60);
    while stories_fetched(&sites) < STORIES {
        assert!(Instant::now() < deadline, "the crawl made no progress");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let mut victim = nodes.remove(0);
    victim.kill().expect("SIGKILL");
    victim.wait().expect("reaped");
    let at_kill = stories_fetched(&sites);
    assert!(
        at_kill < 3 * STORIES,
        "the kill must come mid-crawl ({at_kill} stories fetched)"
    );

    let outputs: Vec<Output> = tokio::task::spawn_blocking(move || {
        nodes
            .into_iter()
            .map(|n| wait_output(n, Duration::from_secs(120)))
            .collect()
    })
    .await
    .expect("join");
    for output in &outputs {
        assert!(output.status.success(), "{}", text(output));
        // Each survivor did part of the work.
        let stdout = String::from_utf8_lossy(&output.stdout);
        let fetched: u64 = stdout
            .lines()
            .find_map(|l| l.trim().strip_prefix("fetched"))
            .and_then(|n| n.trim().parse().ok())
            .expect("a fetched count");
        assert!(fetched > 0, "{}", text(output));
        assert!(
            String::from_utf8_lossy(&output.stdout).contains("finished"),
            "{}",
            text(output)
        );
    }

    // Each story fetched once, beyond the requests the killed node had in flight (at most
    // one per host: a host's requests come from one node at a time, one at a time).
    let mut refetched = 0;
    for site in &sites {
        let mut counts: HashMap<String, usize> = HashMap::new();
        for t in site.targets() {
            *counts.entry(t).or_default() += 1;
        }
        for path in (1..=STORIES).map(|i| format!("/story/{i}")) {
            let n = counts.get(&path).copied().unwrap_or(0);
            assert!(n >= 1, "{path} never fetched on {}", site.addr);
            refetched += n - 1;
        }
        assert_eq!(counts.get("/").copied(), Some(1), "seed fetched once");
        // Politeness across nodes: the page requests to one host (robots.txt apart, which
        // each node reads for itself) are min_delay apart, whichever node sent them.
        let pages: Vec<Hit> = site
            .hits()
            .into_iter()
            .filter(|h| h.target != "/robots.txt")
            .collect();
        for gap in gaps(&pages) {
            assert!(
                gap >= MIN_DELAY.mul_f64(0.9),
                "requests to {} only {gap:?} apart (min_delay {MIN_DELAY:?})",
                site.addr
            );
        }
    }
    assert!(
        refetched <= sites.len(),
        "{refetched} stories fetched twice"
    );

    // Every article stored once.
    let store = PgStore::connect(&url, StoreOptions::default(), PgSettings::default())
        .await
        .expect("connects");
    let records = store.articles_since(0, None, 1000).await.expect("read");
    let urls: HashSet<&str> = records
        .iter()
        .map(|r| r.provenance.final_url.as_str())
        .collect();
    assert_eq!(records.len(), 3 * STORIES, "one record per story");
    assert_eq!(urls.len(), 3 * STORIES);
    assert!(
        records
            .iter()
            .all(|r| r.version == 1 && r.duplicate_of.is_none())
    );

    // Consumers on several processes: concurrent pops get disjoint deliveries.
    let pops: Vec<Child> = (0..3)
        .map(|_| {
            gleaner()
                .args(["queue", "pop", "--max", "20", "--data", &url])
                .spawn()
                .expect("spawn pop")
        })
        .collect();
    let mut delivered: Vec<String> = Vec::new();
    for pop in pops {
        let output = wait_output(pop, Duration::from_secs(60));
        assert!(output.status.success(), "{}", text(&output));
        for line in String::from_utf8_lossy(&output.stdout).lines() {
            let v: serde_json::Value = serde_json::from_str(line).expect("json");
            delivered.push(v["id"].as_str().expect("id").to_string());
        }
    }
    let unique: HashSet<&String> = delivered.iter().collect();
    assert_eq!(unique.len(), delivered.len(), "an article delivered twice");
    assert_eq!(delivered.len(), (3 * STORIES).min(60));
}

#[test]
fn an_unreachable_database_exits_1_naming_it_without_the_password() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("port")
        .port();
    let url = format!("postgres://gleaner:hunter2@127.0.0.1:{port}/corpus");
    for args in [
        vec!["crawl", "--seed", "http://127.0.0.1:9/", "--data", &url],
        vec!["queue", "stats", "--data", &url],
        vec!["export", "--data", &url],
    ] {
        let output = gleaner().args(&args).output().expect("run gleaner");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(1), "{args:?}: {}", text(&output));
        assert!(
            stderr.contains(&format!("postgres://gleaner:***@127.0.0.1:{port}/corpus")),
            "{args:?}: {stderr}"
        );
        assert!(!stderr.contains("hunter2"), "{args:?}: {stderr}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn migrate_store_copies_a_crawled_directory_into_postgres() {
    let Some(server) = postgres::server("migrate_store_copies_a_crawled_directory_into_postgres")
    else {
        return;
    };
    let url = server.database("migrate");
    let site = news_site("127.0.0.64", 4).await;
    let dir = tempfile::tempdir().expect("tempdir");
    let config = dir.path().join("gleaner.toml");
    std::fs::write(
        &config,
        "[crawler]\nmin_delay = \"10ms\"\nallow_private_addresses = true\n",
    )
    .expect("config");
    let data = dir.path().join("data");
    let data_arg = data.to_string_lossy().to_string();
    let crawled = crawl(&[site.url("/").to_string()], &config, &data_arg)
        .output()
        .expect("crawl");
    assert!(crawled.status.success(), "{}", text(&crawled));
    // A consumer took some deliveries before the move: their lease carries over.
    let popped = gleaner()
        .args(["queue", "pop", "--max", "3", "--data", &data_arg])
        .output()
        .expect("pop");
    assert!(popped.status.success(), "{}", text(&popped));

    let migrated = gleaner()
        .args(["migrate-store", "--from", &data_arg, "--to", &url])
        .output()
        .expect("migrate-store");
    assert!(migrated.status.success(), "{}", text(&migrated));
    let summary: serde_json::Value =
        serde_json::from_slice(&migrated.stdout).expect("summary json");
    assert_eq!(summary["articles"], STORIES as u64, "{summary}");

    // The same corpus, in the same order, from either store.
    let export = |data: &str| {
        let out = gleaner()
            .args(["export", "--data", data])
            .output()
            .expect("export");
        assert!(out.status.success(), "{}", text(&out));
        String::from_utf8(out.stdout).expect("utf-8")
    };
    let from_dir = export(&data_arg);
    let from_pg = export(&url);
    assert_eq!(from_dir.lines().count(), STORIES);
    assert_eq!(from_pg, from_dir);
    // The queue too: the leased deliveries stay leased, the rest wait.
    let stats = |data: &str| {
        let out = gleaner()
            .args(["queue", "stats", "--data", data])
            .output()
            .expect("stats");
        assert!(out.status.success(), "{}", text(&out));
        serde_json::from_slice::<serde_json::Value>(&out.stdout).expect("json")
    };
    assert_eq!(stats(&url), stats(&data_arg));
    // `history` and `changes` answer the same from either store.
    let first: serde_json::Value =
        serde_json::from_str(from_dir.lines().next().expect("a record")).expect("json");
    let id = first["id"].as_str().expect("an id").to_string();
    let ask = |args: &[&str], data: &str| {
        let out = gleaner()
            .args(args)
            .args(["--data", data])
            .output()
            .expect("run");
        assert!(out.status.success(), "{args:?}: {}", text(&out));
        String::from_utf8(out.stdout).expect("utf-8")
    };
    let history = ask(&["history", &id, "--json"], &url);
    assert!(
        history.contains(&id) && history.contains("\"version\""),
        "{history}"
    );
    assert_eq!(history, ask(&["history", &id, "--json"], &data_arg));
    assert_eq!(
        ask(&["changes", "--json"], &url),
        ask(&["changes", "--json"], &data_arg)
    );
    // Every copied article is watched: on the revisit schedule, none handed out yet.
    let db = url.rsplit('/').next().expect("db name");
    let watched = server
        .psql(
            db,
            "SELECT count(*) FILTER (WHERE queued_url IS NULL) || ',' || count(*)
             FROM gleaner.revisits",
        )
        .expect("psql");
    assert_eq!(watched, format!("{STORIES},{STORIES}"));
    // Copying again into a database that holds articles is refused.
    let again = gleaner()
        .args(["migrate-store", "--from", &data_arg, "--to", &url])
        .output()
        .expect("migrate-store");
    assert_eq!(again.status.code(), Some(1), "{}", text(&again));
    assert!(
        String::from_utf8_lossy(&again.stderr).contains("already holds"),
        "{}",
        text(&again)
    );
}
