//! `gleaner run` as systemd runs it: the real binary in a temp dir, crawling sites this test
//! serves on 127.0.0.1, talking to a NOTIFY_SOCKET the test binds, steered by signals.
//!
//! One lifecycle per test keeps the file fast: start-up and READY=1, watchdog pings,
//! articles through the API, conditional GET on recrawl, metrics, `gleaner status`,
//! `gleaner queue` through the API while the daemon holds the database, SIGHUP adding a
//! source, SIGHUP with a broken config, SIGTERM, and the store reopened afterwards.

use std::cell::Cell;
use std::fs::File;
use std::net::SocketAddr;
use std::os::unix::net::UnixDatagram;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::Router;
use axum::extract::{Path as UrlPath, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use gleaner::store::{SledStore, StoreOptions};

/// Upper bound for anything the daemon should do "soon".
const PATIENCE: Duration = Duration::from_secs(30);

// ---------------------------------------------------------------------------------------
// A small news site: an index page linking to `articles` article pages, each with an ETag
// and Last-Modified, answering conditional GETs with 304. Every request is recorded.

#[derive(Debug, Clone)]
struct Seen {
    path: String,
    if_none_match: Option<String>,
    if_modified_since: Option<String>,
    status: u16,
}

struct SiteState {
    name: &'static str,
    articles: usize,
    seen: Mutex<Vec<Seen>>,
}

struct Site {
    addr: SocketAddr,
    state: Arc<SiteState>,
}

impl Site {
    async fn start(name: &'static str, articles: usize) -> Site {
        let state = Arc::new(SiteState {
            name,
            articles,
            seen: Mutex::new(Vec::new()),
        });
        let app = Router::new()
            .route("/robots.txt", get(robots))
            .route("/", get(index))
            .route("/news/{n}", get(story))
            .with_state(Arc::clone(&state));
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind site");
        let addr = listener.local_addr().expect("site addr");
        tokio::spawn(async move { axum::serve(listener, app).await });
        Site { addr, state }
    }

    fn url(&self) -> String {
        format!("http://{}/", self.addr)
    }

    fn seen(&self) -> Vec<Seen> {
        self.state.seen.lock().expect("lock").clone()
    }
}

fn record(state: &SiteState, path: &str, headers: &HeaderMap, status: StatusCode) {
    let get = |name: header::HeaderName| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string)
    };
    state.seen.lock().expect("lock").push(Seen {
        path: path.to_string(),
        if_none_match: get(header::IF_NONE_MATCH),
        if_modified_since: get(header::IF_MODIFIED_SINCE),
        status: status.as_u16(),
    });
}

async fn robots(State(state): State<Arc<SiteState>>, headers: HeaderMap) -> &'static str {
    record(&state, "/robots.txt", &headers, StatusCode::OK);
    "User-agent: *\nAllow: /\n"
}

async fn index(State(state): State<Arc<SiteState>>, headers: HeaderMap) -> Response {
    record(&state, "/", &headers, StatusCode::OK);
    let links: String = (1..=state.articles)
        .map(|n| format!("<li><a href=\"/news/{n}\">Story {n}</a></li>"))
        .collect();
    let html = format!(
        "<!doctype html><html><head><title>{} news</title></head><body><h1>Latest</h1><ul>{links}</ul></body></html>",
        state.name
    );
    ([(header::CONTENT_TYPE, "text/html; charset=utf-8")], html).into_response()
}

async fn story(
    State(state): State<Arc<SiteState>>,
    UrlPath(n): UrlPath<usize>,
    headers: HeaderMap,
) -> Response {
    let path = format!("/news/{n}");
    if n == 0 || n > state.articles {
        record(&state, &path, &headers, StatusCode::NOT_FOUND);
        return StatusCode::NOT_FOUND.into_response();
    }
    let etag = format!("\"{}-{n}-v1\"", state.name);
    let last_modified = "Fri, 20 Nov 2026 10:00:00 GMT";
    if headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v == etag)
    {
        record(&state, &path, &headers, StatusCode::NOT_MODIFIED);
        return (StatusCode::NOT_MODIFIED, [(header::ETAG, etag)]).into_response();
    }
    record(&state, &path, &headers, StatusCode::OK);
    let paragraphs: String = (0..6)
        .map(|p| format!("<p>{}</p>", prose(state.name, n, p)))
        .collect();
    let html = format!(
        "<!doctype html><html lang=\"en\"><head><title>{title}</title>\
         <meta property=\"og:type\" content=\"article\">\
         <meta property=\"article:published_time\" content=\"2026-11-20T10:00:00Z\">\
         </head><body><nav><a href=\"/\">Home</a></nav><article><h1>{title}</h1>\
         <p class=\"byline\">By Staff Reporter</p>{paragraphs}</article>\
         <footer>Contact us</footer></body></html>",
        title = format_args!("{} story number {n} about regional affairs", state.name)
    );
    (
        [
            (header::CONTENT_TYPE, "text/html; charset=utf-8".to_string()),
            (header::ETAG, etag),
            (header::LAST_MODIFIED, last_modified.to_string()),
        ],
        html,
    )
        .into_response()
}

/// A paragraph of English-looking text, different for every site, story and paragraph,
/// so no two stories are (near) duplicates of each other.
fn prose(site: &str, story: usize, paragraph: usize) -> String {
    const WORDS: [&str; 48] = [
        "the",
        "election",
        "observers",
        "reported",
        "that",
        "district",
        "commission",
        "members",
        "counted",
        "ballots",
        "late",
        "into",
        "night",
        "while",
        "journalists",
        "waited",
        "outside",
        "regional",
        "court",
        "ruled",
        "on",
        "appeal",
        "from",
        "villages",
        "near",
        "mountain",
        "river",
        "where",
        "teachers",
        "said",
        "schools",
        "remained",
        "closed",
        "after",
        "winter",
        "storms",
        "damaged",
        "roads",
        "and",
        "bridges",
        "local",
        "officials",
        "promised",
        "repairs",
        "before",
        "spring",
        "harvest",
        "market",
    ];
    let mut x: u64 = site.bytes().fold(1469598103934665603, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(1099511628211)
    }) ^ ((story as u64) << 20)
        ^ (paragraph as u64);
    let mut words = Vec::new();
    for _ in 0..70 {
        x = x
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        words.push(WORDS[(x >> 33) as usize % WORDS.len()]);
    }
    let mut text = words.join(" ");
    if let Some(first) = text.get(..1) {
        text = first.to_uppercase() + &text[1..];
    }
    text + "."
}

// ---------------------------------------------------------------------------------------
// The notify socket: every datagram the daemon sends, in order.

struct NotifySocket {
    path: PathBuf,
    messages: Arc<Mutex<Vec<String>>>,
    stop: Arc<AtomicBool>,
}

impl NotifySocket {
    fn bind(dir: &Path) -> NotifySocket {
        let path = dir.join("notify.sock");
        let socket = UnixDatagram::bind(&path).expect("bind notify socket");
        socket
            .set_read_timeout(Some(Duration::from_millis(100)))
            .expect("read timeout");
        let messages = Arc::new(Mutex::new(Vec::new()));
        let stop = Arc::new(AtomicBool::new(false));
        let (sink, stopped) = (Arc::clone(&messages), Arc::clone(&stop));
        std::thread::spawn(move || {
            let mut buf = vec![0u8; 4096];
            while !stopped.load(Ordering::Relaxed) {
                if let Ok(n) = socket.recv(&mut buf) {
                    let text = String::from_utf8_lossy(&buf[..n]).into_owned();
                    sink.lock().expect("lock").push(text);
                }
            }
        });
        NotifySocket {
            path,
            messages,
            stop,
        }
    }

    fn messages(&self) -> Vec<String> {
        self.messages.lock().expect("lock").clone()
    }

    /// Index of the first message at or after `from` containing `line` as a whole line.
    fn find(&self, line: &str, from: usize) -> Option<usize> {
        self.messages()
            .iter()
            .enumerate()
            .skip(from)
            .find(|(_, m)| m.lines().any(|l| l == line))
            .map(|(i, _)| i)
    }

    async fn wait_for(&self, line: &str, from: usize) -> usize {
        eventually(
            Duration::from_millis(20),
            async || self.find(line, from),
            || {
                format!(
                    "no {line:?} after message {from}; got {:#?}",
                    self.messages()
                )
            },
        )
        .await
    }
}

impl Drop for NotifySocket {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
    }
}

// ---------------------------------------------------------------------------------------
// The daemon process.

struct Daemon {
    child: Child,
    log: PathBuf,
}

impl Daemon {
    fn start(config: &Path, notify: &NotifySocket, dir: &Path) -> Daemon {
        let log = dir.join("daemon.log");
        let child = Command::new(env!("CARGO_BIN_EXE_gleaner"))
            .args([
                "--log-level",
                "info",
                "--log-format",
                "json",
                "run",
                "--config",
            ])
            .arg(config)
            .env("NOTIFY_SOCKET", &notify.path)
            .env("WATCHDOG_USEC", "400000")
            .env_remove("WATCHDOG_PID")
            .env_remove("RUST_LOG")
            .env_remove("STATE_DIRECTORY")
            .env_remove("GLEANER_SERVER")
            .env_remove("GLEANER_TOKEN")
            .current_dir(dir)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(File::create(&log).expect("log file"))
            .spawn()
            .expect("start gleaner run");
        Daemon { child, log }
    }

    fn signal(&self, name: &str) {
        let status = Command::new("kill")
            .arg(format!("-{name}"))
            .arg(self.child.id().to_string())
            .status()
            .expect("kill runs");
        assert!(status.success(), "kill -{name} failed");
    }

    fn log(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    async fn wait_exit(&mut self) -> std::process::ExitStatus {
        let log = self.log.clone();
        let child = &mut self.child;
        eventually(
            Duration::from_millis(50),
            async || child.try_wait().expect("try_wait"),
            || {
                let log = std::fs::read_to_string(&log).unwrap_or_default();
                format!("daemon did not exit; log:\n{log}")
            },
        )
        .await
    }
}

impl Drop for Daemon {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

/// Polls `probe` every `every` until it returns `Some`, and fails the test with `why()`
/// (which sees the latest state, e.g. the daemon's log) after [`PATIENCE`].
async fn eventually<T>(
    every: Duration,
    mut probe: impl AsyncFnMut() -> Option<T>,
    why: impl Fn() -> String,
) -> T {
    let give_up = Instant::now() + PATIENCE;
    loop {
        if let Some(found) = probe().await {
            return found;
        }
        assert!(Instant::now() < give_up, "{}", why());
        tokio::time::sleep(every).await;
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("free port")
        .port()
}

fn source_toml(name: &str, site: &Site, recrawl: &str) -> String {
    format!(
        "[[source]]\nname = \"{name}\"\nseeds = [\"{url}\"]\nallow = [\"^http://127\\\\.0\\\\.0\\\\.1:{port}/\"]\nrecrawl = \"{recrawl}\"\nmax_depth = 2\n\n",
        url = site.url(),
        port = site.addr.port()
    )
}

fn config_toml(data: &Path, listen: u16, sources: &str) -> String {
    format!(
        "[crawler]\nallow_private_addresses = true\nmin_delay = \"0s\"\nrequest_timeout = \"5s\"\nconnect_timeout = \"2s\"\nmax_retries = 0\n\n[store]\npath = \"{}\"\n\n[server]\nlisten = \"127.0.0.1:{listen}\"\nshutdown_timeout = \"3s\"\n\n{sources}",
        data.display()
    )
}

async fn get_json(url: &str) -> (u16, serde_json::Value) {
    let response = reqwest::get(url).await.expect("API answers");
    let status = response.status().as_u16();
    let body = response.bytes().await.expect("body");
    (
        status,
        serde_json::from_slice(&body).unwrap_or(serde_json::Value::Null),
    )
}

/// The API's articles of `source` (all of them: the test's sites are small).
async fn articles(api: &str, source: &str) -> Vec<serde_json::Value> {
    let (status, body) = get_json(&format!("{api}/api/articles?source={source}&limit=1000")).await;
    assert_eq!(status, 200, "{body}");
    body["articles"].as_array().cloned().unwrap_or_default()
}

async fn wait_articles(
    api: &str,
    source: &str,
    count: usize,
    daemon: &Daemon,
) -> Vec<serde_json::Value> {
    let last_count = Cell::new(0);
    eventually(
        Duration::from_millis(100),
        async || {
            let found = articles(api, source).await;
            last_count.set(found.len());
            (found.len() >= count).then_some(found)
        },
        || {
            format!(
                "{source}: {} of {count} articles; log:\n{}",
                last_count.get(),
                daemon.log()
            )
        },
    )
    .await
}

fn gleaner(args: &[&str], dir: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_gleaner"))
        .args(args)
        .current_dir(dir)
        .env_remove("RUST_LOG")
        .env_remove("GLEANER_SERVER")
        .env_remove("GLEANER_TOKEN")
        .output()
        .expect("gleaner runs")
}

/// Runs gleaner and fails the test, showing its output, unless it exits 0.
fn gleaner_ok(args: &[&str], dir: &Path) -> Output {
    let out = gleaner(args, dir);
    assert_eq!(
        out.status.code(),
        Some(0),
        "gleaner {args:?}\nstdout: {}\nstderr: {}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

fn metric(text: &str, series: &str) -> Option<f64> {
    text.lines()
        .find_map(|l| l.strip_prefix(series)?.strip_prefix(' ')?.parse().ok())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn daemon_lifecycle_under_a_service_manager() {
    let dir = tempfile::tempdir().expect("tempdir");
    let alpha = Site::start("alpha", 3).await;
    let beta = Site::start("beta", 2).await;
    let data = dir.path().join("data");
    let port = free_port();
    let api = format!("http://127.0.0.1:{port}");
    let config = dir.path().join("gleaner.toml");
    std::fs::write(
        &config,
        config_toml(&data, port, &source_toml("alpha", &alpha, "3s")),
    )
    .expect("write config");

    let notify = NotifySocket::bind(dir.path());
    let mut daemon = Daemon::start(&config, &notify, dir.path());

    // READY=1 once the store is open and the API listens; then watchdog pings.
    let ready = notify.wait_for("READY=1", 0).await;
    let ready_message = notify.messages()[ready].clone();
    assert!(
        ready_message
            .lines()
            .any(|l| l.starts_with("STATUS=1 source (")),
        "READY=1 without a status line: {ready_message:?}"
    );
    let (status, health) = get_json(&format!("{api}/healthz")).await;
    assert_eq!(status, 200, "{health}");
    assert_eq!(health["status"], "ok");
    let first_ping = notify.wait_for("WATCHDOG=1", ready).await;
    notify.wait_for("WATCHDOG=1", first_ping + 1).await;

    // Articles arrive through the API, with provenance.
    let found = wait_articles(&api, "alpha", 3, &daemon).await;
    assert_eq!(
        found.len(),
        3,
        "exactly the three stories, not the index page"
    );
    for a in &found {
        assert_eq!(a["source"], "alpha");
        let url = a["url"].as_str().expect("url");
        assert!(url.starts_with(&format!("{}news/", alpha.url())), "{url}");
        assert!(a["text"].as_str().is_some_and(|t| t.len() > 500), "{a}");
        assert_eq!(a["http_status"], 200);
        assert_eq!(a["version"], 1);
    }

    // Recrawl (every 3 s) asks conditionally and a 304 costs nothing more.
    eventually(
        Duration::from_millis(100),
        async || {
            alpha
                .seen()
                .iter()
                .filter(|s| s.path.starts_with("/news/"))
                .any(|s| s.status == 304)
                .then_some(())
        },
        || format!("no conditional recrawl; log:\n{}", daemon.log()),
    )
    .await;
    // Let the cycle finish its other stories.
    tokio::time::sleep(Duration::from_millis(500)).await;
    let seen = alpha.seen();
    for n in 1..=3 {
        let path = format!("/news/{n}");
        let visits: Vec<&Seen> = seen.iter().filter(|s| s.path == path).collect();
        assert_eq!(visits[0].status, 200, "{path} first fetched in full");
        assert!(
            visits[0].if_none_match.is_none(),
            "{path}: nothing to validate yet"
        );
        for later in &visits[1..] {
            assert_eq!(
                later.if_none_match.as_deref(),
                Some(format!("\"alpha-{n}-v1\"").as_str()),
                "{path}: recrawl without If-None-Match: {later:?}"
            );
            assert_eq!(
                later.if_modified_since.as_deref(),
                Some("Fri, 20 Nov 2026 10:00:00 GMT"),
                "{path}: recrawl without If-Modified-Since"
            );
            assert_eq!(
                later.status, 304,
                "{path}: unchanged page refetched in full"
            );
        }
    }
    let after_recrawl = articles(&api, "alpha").await;
    assert_eq!(after_recrawl.len(), 3, "a 304 adds no record");
    assert!(after_recrawl.iter().all(|a| a["version"] == 1));

    // Metrics.
    let text = reqwest::get(format!("{api}/metrics"))
        .await
        .expect("metrics")
        .text()
        .await
        .expect("metrics body");
    assert_eq!(
        metric(&text, "gleaner_articles_stored_total"),
        Some(3.0),
        "{text}"
    );
    assert!(
        metric(&text, "gleaner_fetches_total{class=\"2xx\"}").is_some_and(|n| n >= 5.0),
        "{text}"
    );
    assert!(
        metric(&text, "gleaner_not_modified_total").is_some_and(|n| n >= 1.0),
        "{text}"
    );
    assert_eq!(
        metric(&text, "gleaner_queue_depth{state=\"pending\"}"),
        Some(3.0),
        "{text}"
    );
    assert!(
        metric(
            &text,
            "gleaner_source_last_success_timestamp_seconds{source=\"alpha\"}"
        )
        .is_some_and(|t| t > 1.7e9),
        "{text}"
    );
    assert!(
        text.contains("gleaner_fetch_duration_seconds_bucket{le=\"+Inf\"}"),
        "{text}"
    );

    // `gleaner status` reads the API; `gleaner queue stats` finds the database locked by the
    // daemon and goes through the API too.
    let out = gleaner_ok(
        &["status", "--config", config.to_str().expect("utf-8")],
        dir.path(),
    );
    let table = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(table.starts_with("SOURCE"), "{table}");
    assert!(table.lines().any(|l| l.starts_with("alpha ")), "{table}");
    assert!(table.contains("daemon: healthy"), "{table}");

    let out = gleaner_ok(
        &[
            "queue",
            "stats",
            "--data",
            data.to_str().expect("utf-8"),
            "--server",
            &api,
        ],
        dir.path(),
    );
    let stats: serde_json::Value = serde_json::from_slice(&out.stdout).expect("stats JSON");
    assert_eq!(stats["articles"], 3, "{stats}");
    assert_eq!(stats["pending"], 3, "{stats}");

    let data_arg = data.to_str().expect("utf-8");
    let out = gleaner_ok(
        &[
            "queue", "pop", "--max", "1", "--lease", "5m", "--data", data_arg, "--server", &api,
        ],
        dir.path(),
    );
    let lines: Vec<serde_json::Value> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).expect("JSONL delivery"))
        .collect();
    assert_eq!(lines.len(), 1);
    assert_eq!(lines[0]["source"], "alpha");
    let token = lines[0]["delivery"]["token"]
        .as_str()
        .expect("token")
        .to_string();
    gleaner_ok(
        &["queue", "ack", "--data", data_arg, "--server", &api, &token],
        dir.path(),
    );
    let out = gleaner(
        &["queue", "ack", "--data", data_arg, "--server", &api, &token],
        dir.path(),
    );
    assert_eq!(out.status.code(), Some(1), "acking twice is refused");

    let out = gleaner_ok(
        &["export", "--data", data_arg, "--server", &api],
        dir.path(),
    );
    let exported: Vec<serde_json::Value> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).expect("JSONL record"))
        .collect();
    assert_eq!(exported.len(), 3);
    assert!(exported.iter().all(|r| r["source"] == "alpha"));
    let warc = dir.path().join("alpha.warc");
    gleaner_ok(
        &[
            "export",
            "--format",
            "warc",
            "--output",
            warc.to_str().expect("utf-8"),
            "--data",
            data_arg,
            "--server",
            &api,
        ],
        dir.path(),
    );
    let warc = String::from_utf8_lossy(&std::fs::read(&warc).expect("WARC written")).into_owned();
    assert_eq!(
        warc.matches("WARC-Type: response").count(),
        3,
        "raw pages came through the API"
    );

    // SIGHUP adding a source: RELOADING=1 … READY=1, then it is crawled.
    std::fs::write(
        &config,
        config_toml(
            &data,
            port,
            &(source_toml("alpha", &alpha, "3s") + &source_toml("beta", &beta, "1h")),
        ),
    )
    .expect("rewrite config");
    let before = notify.messages().len();
    daemon.signal("HUP");
    let reloading = notify.wait_for("RELOADING=1", before).await;
    let reloading_message = &notify.messages()[reloading];
    assert!(
        reloading_message
            .lines()
            .any(|l| l.starts_with("MONOTONIC_USEC=")),
        "{reloading_message:?}"
    );
    notify.wait_for("READY=1", reloading).await;
    let found = wait_articles(&api, "beta", 2, &daemon).await;
    assert!(found.iter().all(|a| a["source"] == "beta"));
    let (_, sources) = get_json(&format!("{api}/api/sources")).await;
    let names: Vec<&str> = sources["sources"]
        .as_array()
        .expect("sources")
        .iter()
        .filter_map(|s| s["name"].as_str())
        .collect();
    assert_eq!(names, vec!["alpha", "beta"]);

    // SIGHUP with a broken config: refused with the reason, still healthy, same sources.
    std::fs::write(&config, "[crawler]\nconcurency = 3\n").expect("break config");
    let before = notify.messages().len();
    daemon.signal("HUP");
    let reloading = notify.wait_for("RELOADING=1", before).await;
    notify.wait_for("READY=1", reloading).await;
    eventually(
        Duration::from_millis(50),
        async || {
            daemon
                .log()
                .contains("still running on the previous one")
                .then_some(())
        },
        || format!("no refusal logged:\n{}", daemon.log()),
    )
    .await;
    assert!(
        daemon.log().contains("crawler.concurency"),
        "reason not logged:\n{}",
        daemon.log()
    );
    let (status, health) = get_json(&format!("{api}/healthz")).await;
    assert_eq!(status, 200, "{health}");
    let (_, sources) = get_json(&format!("{api}/api/sources")).await;
    assert_eq!(sources["sources"].as_array().map(Vec::len), Some(2));
    let pings_before = notify.messages().len();
    notify.wait_for("WATCHDOG=1", pings_before).await;

    // SIGTERM: STOPPING=1, exit 0.
    let before = notify.messages().len();
    daemon.signal("TERM");
    notify.wait_for("STOPPING=1", before).await;
    let status = daemon.wait_exit().await;
    assert_eq!(status.code(), Some(0), "log:\n{}", daemon.log());
    let log = daemon.log();
    for line in log.lines().filter(|l| !l.trim().is_empty()) {
        let event: serde_json::Value = serde_json::from_str(line)
            .unwrap_or_else(|e| panic!("log line is not JSON ({e}): {line}"));
        assert!(
            event["level"].is_string() && event["message"].is_string(),
            "{line}"
        );
    }
    assert!(log.contains("gleaner daemon stopped"), "{log}");

    // The store reopens with everything in it.
    let store = SledStore::open_existing(&data, StoreOptions::default()).expect("store reopens");
    let records = store.articles_since(0, None, 1000).expect("records");
    assert_eq!(records.len(), 5, "3 alpha + 2 beta");
    assert_eq!(
        records
            .iter()
            .filter(|r| r.provenance.source == "alpha")
            .count(),
        3
    );
    assert_eq!(
        records
            .iter()
            .filter(|r| r.provenance.source == "beta")
            .count(),
        2
    );
    let stats = store.stats(chrono::Utc::now()).expect("stats");
    assert_eq!(
        (stats.articles, stats.pending, stats.acked),
        (5, 4, 1),
        "the ack made through the API is durable"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn locked_database_without_a_reachable_api_says_both() {
    let dir = tempfile::tempdir().expect("tempdir");
    let data = dir.path().join("data");
    // This test process holds the database, as a daemon would.
    let _held = SledStore::open(&data, StoreOptions::default()).expect("open store");
    let nobody = format!("http://127.0.0.1:{}", free_port());
    let out = gleaner(
        &[
            "queue",
            "stats",
            "--data",
            data.to_str().expect("utf-8"),
            "--server",
            &nobody,
        ],
        dir.path(),
    );
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("in use by another gleaner process"), "{err}");
    assert!(
        err.contains(&format!("daemon API at {nobody}/ is not reachable")),
        "{err}"
    );
}

/// A page that never finishes: the server holds the request open for a minute.
async fn stall(State(seen): State<Arc<Mutex<Vec<Instant>>>>) -> &'static str {
    seen.lock().expect("lock").push(Instant::now());
    tokio::time::sleep(Duration::from_secs(60)).await;
    "too late"
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigterm_abandons_a_stuck_fetch_within_the_shutdown_deadline() {
    let dir = tempfile::tempdir().expect("tempdir");
    let arrivals = Arc::new(Mutex::new(Vec::new()));
    let app = Router::new()
        .route("/robots.txt", get(|| async { "User-agent: *\nAllow: /\n" }))
        .route("/", get(stall))
        .with_state(Arc::clone(&arrivals));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    tokio::spawn(async move { axum::serve(listener, app).await });

    let data = dir.path().join("data");
    let port = free_port();
    let source = format!(
        "[[source]]\nname = \"stuck\"\nseeds = [\"http://{addr}/\"]\nallow = [\"^http://127\\\\.0\\\\.0\\\\.1:{}/\"]\n",
        addr.port()
    );
    // A request timeout far beyond the shutdown deadline: only the deadline can end it.
    let config_text = config_toml(&data, port, &source)
        .replace("request_timeout = \"5s\"", "request_timeout = \"120s\"")
        .replace("shutdown_timeout = \"3s\"", "shutdown_timeout = \"2s\"");
    let config = dir.path().join("gleaner.toml");
    std::fs::write(&config, config_text).expect("write config");

    let notify = NotifySocket::bind(dir.path());
    let mut daemon = Daemon::start(&config, &notify, dir.path());
    notify.wait_for("READY=1", 0).await;
    eventually(
        Duration::from_millis(50),
        async || (!arrivals.lock().expect("lock").is_empty()).then_some(()),
        || format!("page never requested; log:\n{}", daemon.log()),
    )
    .await;

    let before = notify.messages().len();
    let sent = Instant::now();
    daemon.signal("TERM");
    notify.wait_for("STOPPING=1", before).await;
    let status = daemon.wait_exit().await;
    let took = sent.elapsed();
    assert_eq!(status.code(), Some(0), "log:\n{}", daemon.log());
    assert!(
        took < Duration::from_secs(10),
        "stop took {took:?} with a 2 s deadline; log:\n{}",
        daemon.log()
    );
    // The stuck URL stays pending for the next start; the store is intact.
    let store = SledStore::open_existing(&data, StoreOptions::default()).expect("store reopens");
    assert_eq!(store.stats(chrono::Utc::now()).expect("stats").articles, 0);
    assert_eq!(store.frontier_pending("stuck").expect("frontier"), 1);
    store
        .open_frontier(
            "stuck",
            gleaner::store::CrawlStart::Resume,
            gleaner::store::FrontierLimits::default(),
        )
        .expect("resume");
    let pending = store
        .claim_frontier("stuck", 10, &mut AnyHost)
        .expect("claim")
        .claims;
    assert!(
        pending
            .iter()
            .any(|c| c.entry.url == format!("http://{addr}/")),
        "abandoned URL not kept pending: {pending:?}"
    );
}

/// A politeness gate that lets every host go.
struct AnyHost;

impl gleaner::store::HostGate for AnyHost {
    fn try_host(&mut self, _host: &str) -> gleaner::store::GateAnswer {
        gleaner::store::GateAnswer::Ready {
            spacing: Duration::ZERO,
        }
    }
}

#[test]
fn status_without_a_daemon_says_where_it_looked() {
    let dir = tempfile::tempdir().expect("tempdir");
    let nobody = format!("http://127.0.0.1:{}", free_port());
    let out = gleaner(&["status", "--server", &nobody], dir.path());
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains(&format!("daemon API at {nobody}/ is not reachable")),
        "{err}"
    );
}
