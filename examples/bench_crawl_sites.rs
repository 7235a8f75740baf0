//! Crawl benchmarks on the loopback webs of `../shared/bench`, driving the real `gleaner`
//! binary as a child process, so the same harness measures any two builds side by side.
//!
//! ```text
//! cargo build --release
//! cargo run --release --example bench_crawl_sites -- web            # 50 hosts × 200 pages (nginx)
//! cargo run --release --example bench_crawl_sites -- endless        # 4 endless hosts, 8000 pages
//! cargo run --release --example bench_crawl_sites -- daemon         # `gleaner run`, 200 sources, idle
//! cargo run --release --example bench_crawl_sites -- peer-web       # Scrapy + trafilatura, same web
//! cargo run --release --example bench_crawl_sites -- peer-endless   # the same on the endless site
//! ```
//!
//! Common flags: `--gleaner PATH` (default `$CARGO_TARGET_DIR/release/gleaner`, else
//! `target/release/gleaner`), `--runs N` (default 3; medians and ranges are printed),
//! `--max-pages N`, `--data DIR|URL` (the crawl's store instead of a fresh directory per run,
//! e.g. a `postgres://` URL), `--shared DIR` (or `$GLEANER_SHARED`; default `../shared`), `--cache DIR` (default
//! `$GLEANER_BENCH_CACHE`, else `/tmp/gleaner-bench`: the generated web, about 1.3 GB, and
//! the peer's virtualenv live there and are reused), and `--set KEY=VALUE` (repeatable) to
//! add or change a key of the config file the harness writes, e.g. `--set
//! store.cache_bytes=67108864`; `source.KEY=VALUE` sets a key on every `[[source]]` of the
//! daemon scenario. VALUE is read as TOML, and as a string when it is not valid TOML.
//!
//! What is measured, for the gleaner process (or the peer's whole process tree):
//! - wall time from spawn to exit, and CPU seconds (user + system, from `wait4`);
//! - peak RSS two ways: the kernel's high-water mark at exit (`ru_maxrss` from `wait4`, the
//!   same figure as `VmHWM` in `/proc/PID/status` just before the exit), and the largest
//!   `VmRSS` polled every 50 ms (summed over the process tree for the peer); at the polled
//!   peak, `/proc/PID/smaps_rollup` splits it into anonymous and file-backed memory;
//! - pages fetched and articles stored (from gleaner's summary, or the peer's stats),
//!   pages/s and stored/s over the wall time;
//! - the size of the data directory after the run (allocated blocks, as `du` counts);
//! - the 1-minute load average before and after each run: the machine is shared, so a
//!   figure means little without it.
//!
//! Scenarios (the rows of issue 13's table):
//! - `web`: `make_site.py` writes an nginx web of 50 hosts (127.0.1.1 …) × 200 distinct
//!   real pages (generated once into the cache); `gleaner crawl` with one seed per host,
//!   concurrency 64, one request per host, no delay.
//! - `endless`: `trap_site.py` on 127.0.2.1–4 (every page links 500 new pages); `gleaner
//!   crawl` with 4 seeds, concurrency 16, one request per host, no delay, max_pages 8000;
//!   first prints the hosts' own pace (see `--trap-nodelay`).
//! - `daemon`: `gleaner run` with 200 sources on the bench web (4 single-seed sources per
//!   host, 30 pages each, min_delay 100 ms, recrawl 1 h); waits until every source has
//!   finished its first crawl (polling `/api/sources`), then samples RSS while idle
//!   (`--idle SECONDS`, default 60), then stops the daemon with SIGTERM.
//! - `peer-web`, `peer-endless`: `bench/peer/spider.py`, a Scrapy spider that runs
//!   `trafilatura.extract` on every page, with the same limits; Scrapy and trafilatura are
//!   installed from PyPI into a virtualenv in the cache (`bench/peer/requirements.txt`).
//!
//! Every child (nginx, the Python servers, gleaner, scrapy) runs in its own process group
//! and is stopped when the harness ends, also on an error, Ctrl-C or SIGTERM; each also gets
//! SIGTERM from the kernel should the harness itself be killed (`PR_SET_PDEATHSIG`).
//!
//! Exit status: 0 when every run succeeded, 1 when one failed, 2 when a prerequisite is
//! missing (`../shared/bench`, `../shared/corpus`, nginx that cannot be installed, the
//! gleaner binary).

use std::collections::BTreeMap;
use std::fs;
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::os::unix::fs::MetadataExt;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use clap::{Args, Parser, Subcommand};

const PAGES_PER_HOST: u64 = 200;
const TRAP_HOSTS: usize = 4;
const SAMPLE_EVERY: Duration = Duration::from_millis(50);
const MIB: f64 = 1024.0 * 1024.0;

#[derive(Debug, Parser)]
#[command(about = "Crawl benchmarks on the loopback webs of ../shared/bench")]
struct Cli {
    #[command(subcommand)]
    scenario: Scenario,
    #[command(flatten)]
    common: Common,
}

#[derive(Debug, Subcommand)]
enum Scenario {
    /// `gleaner crawl` on the nginx bench web (50 hosts × 200 pages).
    Web,
    /// `gleaner crawl` on 4 endless hosts.
    Endless,
    /// `gleaner run` with 200 sources on the bench web, then idle.
    Daemon {
        /// Seconds to sample the idle daemon after its first round.
        #[arg(long, default_value_t = 60)]
        idle: u64,
    },
    /// Scrapy + trafilatura on the bench web.
    PeerWeb,
    /// Scrapy + trafilatura on the endless hosts.
    PeerEndless,
}

#[derive(Debug, Args)]
struct Common {
    /// The gleaner binary to measure. Default: $CARGO_TARGET_DIR/release/gleaner, else
    /// target/release/gleaner.
    #[arg(long, global = true, value_name = "PATH")]
    gleaner: Option<PathBuf>,
    /// Runs of the scenario; medians and ranges are printed.
    #[arg(long, global = true, default_value_t = 3)]
    runs: usize,
    /// Page budget of each crawl. Default: 12000 (web), 8000 (endless).
    #[arg(long, global = true, value_name = "N")]
    max_pages: Option<u64>,
    /// The store every crawl run writes to, passed as `gleaner crawl --data` instead of a
    /// fresh directory per run: a `postgres://…` URL measures the PostgreSQL backend (give
    /// an empty database; with several runs, use `--runs 1` per database).
    #[arg(long, global = true, value_name = "DIR|URL")]
    data: Option<String>,
    /// Hosts of the bench web, 127.0.1.1 to 127.0.1.N (the issue's figures use 50).
    #[arg(long, global = true, default_value_t = 50,
          value_parser = clap::value_parser!(u32).range(1..=254))]
    hosts: u32,
    /// The evaluation data folder holding bench/ and corpus/. Default: ../shared beside
    /// the repository.
    #[arg(long, global = true, value_name = "DIR", env = "GLEANER_SHARED")]
    shared: Option<PathBuf>,
    /// Where the generated web, the peer's virtualenv and the runs' data go. Default:
    /// $GLEANER_BENCH_CACHE, else /tmp/gleaner-bench.
    #[arg(long, global = true, value_name = "DIR")]
    cache: Option<PathBuf>,
    /// Port of the bench web (nginx) on 127.0.1.x.
    #[arg(long, global = true, default_value_t = 8091)]
    web_port: u16,
    /// Port of the endless hosts on 127.0.2.1–4.
    #[arg(long, global = true, default_value_t = 8092)]
    trap_port: u16,
    /// Run the endless hosts with TCP_NODELAY on their connections. `trap_site.py` writes
    /// a response's headers and body separately, so Nagle's algorithm and the client's
    /// delayed ACK stall each response on a kept-alive connection by about 40 ms; with one
    /// request per host that, not the crawler, bounds the wall. The script is run
    /// unchanged, through a prelude that sets the option on each accepted connection.
    #[arg(long, global = true)]
    trap_nodelay: bool,
    /// Add or change a key of the generated config, e.g. `crawler.concurrency=32`;
    /// `source.KEY=VALUE` applies to every [[source]] (daemon). Repeatable.
    #[arg(long = "set", global = true, value_name = "KEY=VALUE")]
    set: Vec<String>,
    /// Keep each run's data directory (or the peer's output) instead of deleting it;
    /// logs and configs are always kept in CACHE/runs.
    #[arg(long, global = true)]
    keep: bool,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    install_signal_handler();
    let result = run(cli);
    stop_children();
    match result {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::from(1),
        Err(e) => {
            eprintln!("bench_crawl_sites: {e:#}");
            match e.downcast_ref::<Missing>() {
                Some(_) => ExitCode::from(2),
                None => ExitCode::from(1),
            }
        }
    }
}

/// A prerequisite that is absent: reported, exit status 2.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
struct Missing(String);

struct Env {
    common: Common,
    gleaner: PathBuf,
    shared: PathBuf,
    cache: PathBuf,
}

fn run(cli: Cli) -> anyhow::Result<bool> {
    let Cli { scenario, common } = cli;
    let shared = common
        .shared
        .clone()
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared"));
    for needed in ["bench/make_site.py", "bench/trap_site.py"] {
        if !shared.join(needed).is_file() {
            return Err(Missing(format!(
                "{} is absent: the benchmark webs come from ../shared/bench (or --shared DIR)",
                shared.join(needed).display()
            ))
            .into());
        }
    }
    if matches!(
        scenario,
        Scenario::Web | Scenario::Daemon { .. } | Scenario::PeerWeb
    ) && !shared
        .join("corpus/trafilatura-dev/annotations.json")
        .is_file()
    {
        return Err(Missing(format!(
            "{} is absent: the bench web is made of the dev corpus's pages",
            shared.join("corpus/trafilatura-dev").display()
        ))
        .into());
    }
    let cache = common
        .cache
        .clone()
        .or_else(|| std::env::var_os("GLEANER_BENCH_CACHE").map(PathBuf::from))
        .unwrap_or_else(|| PathBuf::from("/tmp/gleaner-bench"));
    fs::create_dir_all(&cache).with_context(|| format!("creating {}", cache.display()))?;
    let gleaner = common.gleaner.clone().unwrap_or_else(|| {
        std::env::var_os("CARGO_TARGET_DIR")
            .map(PathBuf::from)
            .unwrap_or_else(|| PathBuf::from("target"))
            .join("release/gleaner")
    });
    let peer = matches!(scenario, Scenario::PeerWeb | Scenario::PeerEndless);
    if !peer && !gleaner.is_file() {
        return Err(Missing(format!(
            "no gleaner binary at {} (build it with `cargo build --release`, or pass --gleaner PATH)",
            gleaner.display()
        ))
        .into());
    }
    let env = Env {
        common,
        gleaner: fs::canonicalize(&gleaner).unwrap_or(gleaner),
        shared,
        cache,
    };
    println!(
        "machine: {} cores, load {}; cache {}",
        std::thread::available_parallelism().map_or(0, |n| n.get()),
        load_average(),
        env.cache.display()
    );
    if !peer {
        println!(
            "gleaner: {} ({})",
            env.gleaner.display(),
            command_line(&env.gleaner, &["--version"])
        );
    }
    let runs = match scenario {
        Scenario::Web => web(&env)?,
        Scenario::Endless => endless(&env)?,
        Scenario::Daemon { idle } => daemon(&env, Duration::from_secs(idle))?,
        Scenario::PeerWeb => peer_web(&env)?,
        Scenario::PeerEndless => peer_endless(&env)?,
    };
    print_summary(&runs);
    Ok(runs.iter().all(|r| r.ok))
}

// ---------------------------------------------------------------------------------------
// Scenarios

/// One run's figures, in the order they are printed.
struct RunFigures {
    ok: bool,
    figures: Vec<(&'static str, f64)>,
    load: (f64, f64),
}

fn web(env: &Env) -> anyhow::Result<Vec<RunFigures>> {
    let web = ensure_web(env)?;
    let _nginx = start_nginx(env, &web)?;
    let hosts = env.common.hosts;
    let max_pages = env.common.max_pages.unwrap_or(12_000);
    let mut config = crawl_config(64, max_pages);
    apply_sets(&mut config, &env.common.set)?;
    let seeds: Vec<String> = (1..=hosts)
        .map(|h| format!("http://127.0.1.{h}:{}/", env.common.web_port))
        .collect();
    let mut runs = Vec::new();
    for n in 1..=env.common.runs {
        let run = crawl_run(env, "web", n, &config, &seeds)?;
        let s = &run.summary;
        let articles = u64::from(hosts) * PAGES_PER_HOST;
        // Every host's index page is fetched too, and is not an article.
        println!(
            "  check: stored {} of {articles} article pages ({:.1} %); fetched {} of {} pages \
             (the article pages and one index page per host); errors: {}",
            s.stored,
            s.stored as f64 * 100.0 / articles as f64,
            s.fetched,
            articles + u64::from(hosts),
            s.errors
        );
        runs.push(run.figures);
    }
    Ok(runs)
}

fn endless(env: &Env) -> anyhow::Result<Vec<RunFigures>> {
    let _servers = start_trap_hosts(env)?;
    let max_pages = env.common.max_pages.unwrap_or(8_000);
    print_server_floor(env, max_pages)?;
    let mut config = crawl_config(16, max_pages);
    apply_sets(&mut config, &env.common.set)?;
    let seeds: Vec<String> = (1..=TRAP_HOSTS)
        .map(|h| format!("http://127.0.2.{h}:{}/", env.common.trap_port))
        .collect();
    let mut runs = Vec::new();
    for n in 1..=env.common.runs {
        runs.push(crawl_run(env, "endless", n, &config, &seeds)?.figures);
    }
    Ok(runs)
}

/// The `[crawler]` settings every crawl scenario shares; the rest are gleaner's defaults.
fn crawl_config(concurrency: i64, max_pages: u64) -> toml::Table {
    let mut crawler = toml::Table::new();
    crawler.insert("concurrency".into(), concurrency.into());
    crawler.insert("per_host_concurrency".into(), 1.into());
    crawler.insert("min_delay".into(), "0s".into());
    crawler.insert("max_depth".into(), 1000.into());
    crawler.insert("max_pages".into(), (max_pages as i64).into());
    crawler.insert("allow_private_addresses".into(), true.into());
    let mut config = toml::Table::new();
    config.insert("crawler".into(), crawler.into());
    config
}

struct CrawlRun {
    figures: RunFigures,
    summary: Summary,
}

/// One `gleaner crawl` into a fresh data directory, measured.
fn crawl_run(
    env: &Env,
    name: &str,
    n: usize,
    config: &toml::Table,
    seeds: &[String],
) -> anyhow::Result<CrawlRun> {
    let dir = fresh_dir(&env.cache.join(format!("runs/{name}-{n}")))?;
    let config_path = dir.join("gleaner.toml");
    fs::write(&config_path, toml::to_string(config)?)?;
    if n == 1 {
        println!(
            "config {}:\n{}",
            config_path.display(),
            indent(&toml::to_string(config)?)
        );
    }
    let data = dir.join("data");
    let mut cmd = Command::new(&env.gleaner);
    cmd.arg("crawl")
        .arg("--config")
        .arg(&config_path)
        .arg("--data");
    match &env.common.data {
        Some(location) => cmd.arg(location),
        None => cmd.arg(&data),
    };
    for seed in seeds {
        cmd.arg("--seed").arg(seed);
    }
    let load_before = load1();
    let out = measure(cmd, &dir.join("gleaner.log"), false)?;
    let load_after = load1();
    let summary = Summary::parse(&out.stdout);
    let data_bytes = dir_size(&data);
    let wall = out.wall.as_secs_f64();
    println!(
        "{name} run {n}: {} · wall {wall:.1} s · fetched {} ({:.0}/s) · stored {} ({:.0}/s) · \
         pending {} · peak RSS {:.0} MiB (VmHWM; polled {:.0}{}) · CPU {:.1} s · data {:.0} MiB \
         · load {load_before:.1}→{load_after:.1}",
        out.status,
        summary.fetched,
        summary.fetched as f64 / wall,
        summary.stored,
        summary.stored as f64 / wall,
        summary.pending,
        out.max_rss_kb as f64 / 1024.0,
        out.sampled.peak_kb as f64 / 1024.0,
        out.sampled.rollup_note(),
        out.cpu.as_secs_f64(),
        data_bytes as f64 / MIB,
    );
    println!("  rss timeline (s → MiB): {}", out.sampled.timeline_note());
    println!(
        "  gleaner's summary:\n{}",
        indent(indent(out.stdout.trim_end()).as_str())
    );
    if let Some(done) = progress_log_note(&dir.join("gleaner.log"), out.wall) {
        println!("  {done}");
    }
    if !out.ok {
        println!("  gleaner's stderr: {}", dir.join("gleaner.log").display());
    }
    if !env.common.keep && out.ok {
        fs::remove_dir_all(&data).ok();
    }
    Ok(CrawlRun {
        figures: RunFigures {
            ok: out.ok,
            figures: vec![
                ("pages/s (fetched / wall)", summary.fetched as f64 / wall),
                ("stored/s", summary.stored as f64 / wall),
                ("wall s", wall),
                ("pages fetched", summary.fetched as f64),
                ("articles stored", summary.stored as f64),
                ("peak RSS MiB (VmHWM)", out.max_rss_kb as f64 / 1024.0),
                ("peak RSS MiB (polled)", out.sampled.peak_kb as f64 / 1024.0),
                ("CPU s", out.cpu.as_secs_f64()),
                (
                    "CPU ms per page fetched",
                    out.cpu.as_secs_f64() * 1000.0 / summary.fetched as f64,
                ),
                ("data dir MiB", data_bytes as f64 / MIB),
            ],
            load: (load_before, load_after),
        },
        summary,
    })
}

fn daemon(env: &Env, idle: Duration) -> anyhow::Result<Vec<RunFigures>> {
    let web = ensure_web(env)?;
    let _nginx = start_nginx(env, &web)?;
    let mut runs = Vec::new();
    for n in 1..=env.common.runs {
        runs.push(daemon_run(env, n, idle)?);
    }
    Ok(runs)
}

fn daemon_config(env: &Env, listen: SocketAddr) -> anyhow::Result<toml::Table> {
    let mut config = crawl_config(64, 30);
    if let Some(toml::Value::Table(crawler)) = config.get_mut("crawler") {
        crawler.insert("min_delay".into(), "100ms".into());
    }
    let mut server = toml::Table::new();
    server.insert("listen".into(), listen.to_string().into());
    config.insert("server".into(), server.into());
    let mut sources = Vec::new();
    for h in 1..=env.common.hosts {
        for k in 0..4 {
            let mut source = toml::Table::new();
            source.insert("name".into(), format!("host{h}-seed{k}").into());
            let seed = format!(
                "http://127.0.1.{h}:{}/a/{}.html",
                env.common.web_port,
                k * PAGES_PER_HOST / 4
            );
            source.insert("seeds".into(), toml::Value::Array(vec![seed.into()]));
            source.insert("max_pages".into(), 30.into());
            source.insert("recrawl".into(), "1h".into());
            sources.push(toml::Value::Table(source));
        }
    }
    config.insert("source".into(), toml::Value::Array(sources));
    apply_sets(&mut config, &env.common.set)?;
    Ok(config)
}

fn daemon_run(env: &Env, n: usize, idle: Duration) -> anyhow::Result<RunFigures> {
    let dir = fresh_dir(&env.cache.join(format!("runs/daemon-{n}")))?;
    let listen = free_port()?;
    let mut config = daemon_config(env, listen)?;
    let data = dir.join("data");
    let store = config
        .entry("store")
        .or_insert_with(|| toml::Value::Table(toml::Table::new()));
    if let toml::Value::Table(store) = store {
        store.insert("path".into(), data.display().to_string().into());
    }
    let config_path = dir.join("gleaner.toml");
    let text = toml::to_string(&config)?;
    fs::write(&config_path, &text)?;
    if n == 1 {
        let head: String = text.lines().take(24).collect::<Vec<_>>().join("\n");
        println!(
            "config {} (first lines):\n{}",
            config_path.display(),
            indent(&head)
        );
    }
    let mut cmd = Command::new(&env.gleaner);
    cmd.arg("run").arg("--config").arg(&config_path);
    let load_before = load1();
    let running = Running::start(cmd, &dir.join("gleaner.log"), false, "gleaner run")?;
    let sources = config
        .get("source")
        .and_then(|s| s.as_array())
        .map_or(0, Vec::len);
    // The first round: until every source has finished one crawl.
    let round_deadline = Instant::now() + Duration::from_secs(1800);
    let (round, pages, articles) = loop {
        if let Some(status) = running.exited() {
            bail!(
                "gleaner run exited ({status}) before its first round ended; see {}",
                dir.join("gleaner.log").display()
            );
        }
        if Instant::now() > round_deadline {
            bail!("the first round did not end within 30 minutes");
        }
        if let Ok(statuses) = api_sources(listen) {
            let done = statuses
                .iter()
                .filter(|s| s["crawls"].as_u64().unwrap_or(0) >= 1)
                .count();
            if statuses.len() == sources && done == sources {
                let sum = |key: &str| {
                    statuses
                        .iter()
                        .map(|s| s[key].as_u64().unwrap_or(0))
                        .sum::<u64>()
                };
                break (running.started.elapsed(), sum("pages"), sum("articles"));
            }
        }
        std::thread::sleep(Duration::from_millis(250));
    };
    let rss_after_round = running.sampler.current_kb();
    let peak_in_round = running.sampler.state().peak_kb;
    let cpu_before = proc_cpu(running.pid);
    let idle_start = Instant::now();
    let mut idle_samples = Vec::new();
    while idle_start.elapsed() < idle {
        std::thread::sleep(Duration::from_secs(1));
        idle_samples.push(running.sampler.current_kb() as f64 / 1024.0);
    }
    let idle_cpu = proc_cpu(running.pid)
        .zip(cpu_before)
        .map(|(a, b)| (a - b).as_secs_f64() / idle_start.elapsed().as_secs_f64() * 100.0);
    let rollup = smaps_rollup(running.pid);
    let stop_at = Instant::now();
    signal_group(running.pid, libc::SIGTERM);
    let out = running.wait()?;
    let shutdown = stop_at.elapsed();
    let load_after = load1();
    let idle_median = median(&idle_samples);
    let idle_last = idle_samples.last().copied().unwrap_or(0.0);
    let data_bytes = dir_size(&data);
    println!(
        "daemon run {n}: first round {:.1} s ({pages} pages, {articles} articles over {sources} \
         sources) · RSS after the round {:.0} MiB · idle {:.0} s: median {idle_median:.0} MiB, \
         last {idle_last:.0} MiB{} · CPU while idle {} · peak RSS {:.0} MiB (VmHWM; polled {:.0}, \
         during the round {:.0}) · data {:.0} MiB · SIGTERM to exit {:.1} s ({}) · load \
         {load_before:.1}→{load_after:.1}",
        round.as_secs_f64(),
        rss_after_round as f64 / 1024.0,
        idle.as_secs_f64(),
        rollup.map(|r| r.note()).unwrap_or_default(),
        idle_cpu.map_or("n/a".to_string(), |c| format!("{c:.1} %")),
        out.max_rss_kb as f64 / 1024.0,
        out.sampled.peak_kb as f64 / 1024.0,
        peak_in_round as f64 / 1024.0,
        data_bytes as f64 / MIB,
        shutdown.as_secs_f64(),
        out.status,
    );
    println!("  rss timeline (s → MiB): {}", out.sampled.timeline_note());
    if !env.common.keep && out.ok {
        fs::remove_dir_all(&data).ok();
    }
    Ok(RunFigures {
        ok: out.ok,
        figures: vec![
            ("first round s", round.as_secs_f64()),
            ("first round pages", pages as f64),
            ("first round pages/s", pages as f64 / round.as_secs_f64()),
            ("RSS MiB after the round", rss_after_round as f64 / 1024.0),
            ("idle RSS MiB (median)", idle_median),
            ("idle RSS MiB (last)", idle_last),
            ("idle CPU %", idle_cpu.unwrap_or(f64::NAN)),
            ("peak RSS MiB (VmHWM)", out.max_rss_kb as f64 / 1024.0),
            ("data dir MiB", data_bytes as f64 / MIB),
        ],
        load: (load_before, load_after),
    })
}

fn peer_web(env: &Env) -> anyhow::Result<Vec<RunFigures>> {
    let web = ensure_web(env)?;
    let _nginx = start_nginx(env, &web)?;
    let seeds: Vec<String> = (1..=env.common.hosts)
        .map(|h| format!("http://127.0.1.{h}:{}/", env.common.web_port))
        .collect();
    let max_pages = env.common.max_pages.unwrap_or(12_000);
    let venv = ensure_peer_venv(env)?;
    let mut runs = Vec::new();
    for n in 1..=env.common.runs {
        let (figures, stored) = peer_run(env, &venv, "peer-web", n, &seeds, 64, max_pages)?;
        println!(
            "  check: trafilatura extracted {stored} of {} article pages",
            u64::from(env.common.hosts) * PAGES_PER_HOST
        );
        runs.push(figures);
    }
    Ok(runs)
}

fn peer_endless(env: &Env) -> anyhow::Result<Vec<RunFigures>> {
    let _servers = start_trap_hosts(env)?;
    let seeds: Vec<String> = (1..=TRAP_HOSTS)
        .map(|h| format!("http://127.0.2.{h}:{}/", env.common.trap_port))
        .collect();
    let max_pages = env.common.max_pages.unwrap_or(8_000);
    let venv = ensure_peer_venv(env)?;
    let mut runs = Vec::new();
    for n in 1..=env.common.runs {
        runs.push(peer_run(env, &venv, "peer-endless", n, &seeds, 16, max_pages)?.0);
    }
    Ok(runs)
}

/// One run of the Scrapy + trafilatura spider; returns the figures and the articles written.
fn peer_run(
    env: &Env,
    venv: &Path,
    name: &str,
    n: usize,
    seeds: &[String],
    concurrency: u32,
    max_pages: u64,
) -> anyhow::Result<(RunFigures, u64)> {
    let dir = fresh_dir(&env.cache.join(format!("runs/{name}-{n}")))?;
    let articles = dir.join("articles.jsonl");
    let stats = dir.join("stats.json");
    let mut cmd = Command::new(venv.join("bin/scrapy"));
    cmd.current_dir(&dir)
        .arg("runspider")
        .arg(peer_dir().join("spider.py"))
        .arg("-a")
        .arg(format!("seeds={}", seeds.join(",")))
        .arg("-a")
        .arg(format!("out={}", articles.display()))
        .arg("-a")
        .arg(format!("stats={}", stats.display()))
        .arg("-s")
        .arg(format!("CONCURRENT_REQUESTS={concurrency}"))
        .arg("-s")
        .arg(format!("CLOSESPIDER_PAGECOUNT={max_pages}"));
    let load_before = load1();
    let out = measure(cmd, &dir.join("scrapy.log"), true)?;
    let load_after = load1();
    let stats: serde_json::Value = fs::read_to_string(&stats)
        .ok()
        .and_then(|s| serde_json::from_str(&s).ok())
        .unwrap_or_default();
    // Pages, as gleaner counts them: robots.txt responses apart.
    let fetched = stats["response_received_count"]
        .as_u64()
        .unwrap_or(0)
        .saturating_sub(stats["robotstxt/response_count"].as_u64().unwrap_or(0));
    let stored = fs::read_to_string(&articles)
        .map(|s| s.lines().count() as u64)
        .unwrap_or(0);
    let pending = stats["scheduler/enqueued"]
        .as_u64()
        .unwrap_or(0)
        .saturating_sub(stats["scheduler/dequeued"].as_u64().unwrap_or(0));
    let output_bytes = dir_size(&articles);
    let wall = out.wall.as_secs_f64();
    println!(
        "{name} run {n}: {} · wall {wall:.1} s · fetched {fetched} ({:.0}/s) · extracted \
         {stored} ({:.0}/s) · left in the queue {pending} · peak RSS {:.0} MiB (process tree, \
         polled; VmHWM of the largest process {:.0}{}) · CPU {:.1} s · output {:.0} MiB · \
         load {load_before:.1}→{load_after:.1}",
        out.status,
        fetched as f64 / wall,
        stored as f64 / wall,
        out.sampled.peak_kb as f64 / 1024.0,
        out.max_rss_kb as f64 / 1024.0,
        out.sampled.rollup_note(),
        out.cpu.as_secs_f64(),
        output_bytes as f64 / MIB,
    );
    println!("  rss timeline (s → MiB): {}", out.sampled.timeline_note());
    if !out.ok {
        println!("  scrapy's log: {}", dir.join("scrapy.log").display());
    }
    if !env.common.keep && out.ok {
        fs::remove_file(&articles).ok();
    }
    let figures = RunFigures {
        ok: out.ok,
        figures: vec![
            ("pages/s (fetched / wall)", fetched as f64 / wall),
            ("stored/s", stored as f64 / wall),
            ("wall s", wall),
            ("pages fetched", fetched as f64),
            ("articles stored", stored as f64),
            (
                "peak RSS MiB (tree, polled)",
                out.sampled.peak_kb as f64 / 1024.0,
            ),
            ("peak RSS MiB (VmHWM)", out.max_rss_kb as f64 / 1024.0),
            ("CPU s", out.cpu.as_secs_f64()),
            (
                "CPU ms per page fetched",
                out.cpu.as_secs_f64() * 1000.0 / fetched as f64,
            ),
            ("output MiB", output_bytes as f64 / MIB),
        ],
        load: (load_before, load_after),
    };
    Ok((figures, stored))
}

fn peer_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("bench/peer")
}

/// A virtualenv in the cache with the peer's pinned requirements, made once.
fn ensure_peer_venv(env: &Env) -> anyhow::Result<PathBuf> {
    let requirements = fs::read_to_string(peer_dir().join("requirements.txt"))
        .context("reading bench/peer/requirements.txt")?;
    let venv = env.cache.join("peer-venv");
    let marker = venv.join(".gleaner-bench-requirements");
    if fs::read_to_string(&marker).ok().as_deref() == Some(requirements.as_str()) {
        return Ok(venv);
    }
    println!(
        "installing the peer (Scrapy, trafilatura) into {}",
        venv.display()
    );
    if !venv.join("bin/pip").is_file() {
        let status = Command::new("python3")
            .arg("-m")
            .arg("venv")
            .arg(&venv)
            .status()
            .context("running python3 -m venv")?;
        if !status.success() {
            return Err(Missing(format!(
                "python3 -m venv {} failed ({status})",
                venv.display()
            ))
            .into());
        }
    }
    let status = Command::new(venv.join("bin/pip"))
        .arg("install")
        .arg("--quiet")
        .arg("-r")
        .arg(peer_dir().join("requirements.txt"))
        .status()
        .context("running pip")?;
    if !status.success() {
        return Err(Missing(format!("pip could not install the peer ({status})")).into());
    }
    fs::write(&marker, requirements)?;
    Ok(venv)
}

// ---------------------------------------------------------------------------------------
// The webs

/// The nginx bench web in the cache, generated by make_site.py unless already complete.
fn ensure_web(env: &Env) -> anyhow::Result<PathBuf> {
    let (hosts, port) = (env.common.hosts, env.common.web_port);
    let web = env.cache.join(format!("web-{hosts}x200-p{port}"));
    let marker = web.join(".complete");
    if marker.is_file() {
        return Ok(web);
    }
    if web.exists() {
        fs::remove_dir_all(&web).with_context(|| format!("removing {}", web.display()))?;
    }
    println!(
        "generating the bench web ({hosts} hosts × 200 pages, ~{} MB) into {}",
        26 * hosts,
        web.display()
    );
    let started = Instant::now();
    let status = Command::new("python3")
        .arg(env.shared.join("bench/make_site.py"))
        .arg(&web)
        .arg(port.to_string())
        .arg(hosts.to_string())
        .status()
        .context("running python3 make_site.py")?;
    if !status.success() {
        bail!("make_site.py failed ({status})");
    }
    fs::write(
        &marker,
        format!("make_site.py {hosts} hosts, port {port}\n"),
    )?;
    println!("  generated in {:.0} s", started.elapsed().as_secs_f64());
    Ok(web)
}

/// Finds nginx, installing it with apt-get when it is absent.
fn nginx_binary() -> anyhow::Result<PathBuf> {
    let find = || {
        ["/usr/sbin/nginx", "/usr/local/sbin/nginx", "/usr/bin/nginx"]
            .iter()
            .map(PathBuf::from)
            .find(|p| p.is_file())
    };
    if let Some(found) = find() {
        return Ok(found);
    }
    println!("nginx is absent: installing it with apt-get");
    let install = || {
        Command::new("apt-get")
            .args(["install", "-y", "-q", "nginx"])
            .env("DEBIAN_FRONTEND", "noninteractive")
            .status()
            .is_ok_and(|s| s.success())
    };
    let updated = || {
        Command::new("apt-get")
            .args(["update", "-q"])
            .status()
            .is_ok_and(|s| s.success())
    };
    let installed = install() || (updated() && install());
    if !installed {
        return Err(Missing("nginx is absent and `apt-get install nginx` failed".into()).into());
    }
    find().ok_or_else(|| Missing("nginx installed but not found in /usr/sbin".into()).into())
}

/// A child process group stopped when dropped.
struct Server {
    pid: i32,
    name: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        stop_child(self.pid, &self.name);
    }
}

fn start_nginx(env: &Env, web: &Path) -> anyhow::Result<Server> {
    let nginx = nginx_binary()?;
    let hosts = env.common.hosts;
    let port = env.common.web_port;
    let first = SocketAddr::from(([127, 0, 1, 1], port));
    if TcpStream::connect_timeout(&first, Duration::from_millis(200)).is_ok() {
        bail!("something already listens on {first}: another benchmark? (or pass --web-port)");
    }
    let mut cmd = Command::new(nginx);
    cmd.arg("-c")
        .arg(web.join("nginx.conf"))
        .arg("-e")
        .arg(web.join("error.log"))
        .arg("-g")
        .arg("daemon off;")
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    let pid = spawn(&mut cmd, "nginx")?;
    let server = Server {
        pid,
        name: "nginx".into(),
    };
    let last = SocketAddr::from(([127, 0, 1, hosts as u8], port));
    wait_listening(&[first, last], pid, "nginx", &web.join("error.log"))?;
    Ok(server)
}

fn start_trap_hosts(env: &Env) -> anyhow::Result<Vec<Server>> {
    let port = env.common.trap_port;
    let mut servers = Vec::new();
    let mut addrs = Vec::new();
    for h in 1..=TRAP_HOSTS as u8 {
        let addr = SocketAddr::from(([127, 0, 2, h], port));
        if TcpStream::connect_timeout(&addr, Duration::from_millis(200)).is_ok() {
            bail!("something already listens on {addr} (pass --trap-port)");
        }
        let script = env.shared.join("bench/trap_site.py");
        let mut cmd = Command::new("python3");
        if env.common.trap_nodelay {
            cmd.arg("-c").arg(TRAP_NODELAY_PRELUDE).arg(&script);
        } else {
            cmd.arg(&script);
        }
        cmd.arg(addr.ip().to_string())
            .arg(port.to_string())
            .stdout(Stdio::null());
        let name = format!("trap_site.py {addr}");
        let pid = spawn(&mut cmd, &name)?;
        servers.push(Server { pid, name });
        addrs.push(addr);
    }
    for (addr, server) in addrs.iter().zip(&servers) {
        wait_listening(&[*addr], server.pid, &server.name, Path::new("(stderr)"))?;
    }
    Ok(servers)
}

/// Runs the script named by `sys.argv[1]` with TCP_NODELAY set on every connection its
/// `socketserver` server accepts (see `--trap-nodelay`).
const TRAP_NODELAY_PRELUDE: &str = r#"
import runpy, socket, socketserver, sys
accept = socketserver.TCPServer.get_request
def get_request(self):
    conn, addr = accept(self)
    conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return conn, addr
socketserver.TCPServer.get_request = get_request
sys.argv = sys.argv[1:]
runpy.run_path(sys.argv[0], run_name="__main__")
"#;

/// Times the first endless host on one kept-alive connection, a request at a time, as a
/// crawler with one request per host talks to it, and prints the wall that pace allows:
/// `max_pages` responses spread over the hosts, the server's floor under any crawler.
fn print_server_floor(env: &Env, max_pages: u64) -> anyhow::Result<()> {
    const PROBES: u32 = 40;
    let addr = SocketAddr::from(([127, 0, 2, 1], env.common.trap_port));
    let mut stream = TcpStream::connect_timeout(&addr, Duration::from_secs(2))
        .with_context(|| format!("connecting to {addr} to time it"))?;
    stream.set_read_timeout(Some(Duration::from_secs(5)))?;
    // As HTTP clients do (hyper among them): a request goes out in one write, at once.
    stream.set_nodelay(true)?;
    let started = Instant::now();
    for i in 0..PROBES {
        let request = format!(
            "GET /n/probe{i:x} HTTP/1.1\r\nHost: 127.0.2.1\r\nConnection: keep-alive\r\n\r\n"
        );
        stream.write_all(request.as_bytes())?;
        read_http_response(&mut stream).with_context(|| format!("reading a response of {addr}"))?;
    }
    let per_response = started.elapsed() / PROBES;
    let floor = per_response.as_secs_f64() * max_pages as f64 / TRAP_HOSTS as f64;
    println!(
        "endless hosts: {:.1} ms per response on one kept-alive connection{}; {max_pages} pages at one request per host take about {floor:.0} s at that pace",
        per_response.as_secs_f64() * 1000.0,
        if env.common.trap_nodelay {
            " (TCP_NODELAY)"
        } else {
            ""
        },
    );
    Ok(())
}

/// Reads one HTTP/1.1 response with a Content-Length body.
fn read_http_response(stream: &mut TcpStream) -> anyhow::Result<()> {
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") {
        if stream.read(&mut byte)? == 0 {
            bail!("connection closed inside the headers");
        }
        head.push(byte[0]);
    }
    let head = String::from_utf8_lossy(&head);
    let length: usize = head
        .lines()
        .find_map(|l| {
            let (name, value) = l.split_once(':')?;
            name.eq_ignore_ascii_case("content-length")
                .then(|| value.trim().parse().ok())
                .flatten()
        })
        .context("no Content-Length")?;
    let mut body = vec![0u8; length];
    stream.read_exact(&mut body)?;
    Ok(())
}

fn wait_listening(addrs: &[SocketAddr], pid: i32, name: &str, log: &Path) -> anyhow::Result<()> {
    let deadline = Instant::now() + Duration::from_secs(15);
    for addr in addrs {
        while TcpStream::connect_timeout(addr, Duration::from_millis(200)).is_err() {
            if !alive(pid) {
                bail!(
                    "{name} exited before listening on {addr}; see {}",
                    log.display()
                );
            }
            if Instant::now() > deadline {
                bail!("{name} does not listen on {addr} after 15 s");
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------
// Config

/// Applies `KEY=VALUE` settings: `table.key=value` on the config, `source.key=value` on
/// every `[[source]]`.
fn apply_sets(config: &mut toml::Table, sets: &[String]) -> anyhow::Result<()> {
    for set in sets {
        let (key, value) = set
            .split_once('=')
            .with_context(|| format!("--set {set:?}: expected KEY=VALUE"))?;
        let value: toml::Value = toml::from_str::<toml::Table>(&format!("v = {value}"))
            .ok()
            .and_then(|mut t| t.remove("v"))
            .unwrap_or_else(|| toml::Value::String(value.to_string()));
        let path: Vec<&str> = key.trim().split('.').collect();
        if path.first() == Some(&"source") && path.len() == 2 {
            let Some(toml::Value::Array(sources)) = config.get_mut("source") else {
                bail!("--set {set:?}: this scenario's config has no [[source]]");
            };
            for source in sources.iter_mut().filter_map(toml::Value::as_table_mut) {
                source.insert(path[1].to_string(), value.clone());
            }
            continue;
        }
        let (last, tables) = path.split_last().context("--set with an empty key")?;
        let mut table = &mut *config;
        for name in tables {
            table = table
                .entry(name.to_string())
                .or_insert_with(|| toml::Value::Table(toml::Table::new()))
                .as_table_mut()
                .with_context(|| format!("--set {set:?}: {name} is not a table"))?;
        }
        table.insert(last.to_string(), value);
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------
// Measuring a child

/// What `gleaner crawl` printed.
#[derive(Debug, Default)]
struct Summary {
    fetched: u64,
    /// New articles (updated, unchanged and duplicates apart).
    stored: u64,
    pending: u64,
    errors: String,
}

impl Summary {
    fn parse(stdout: &str) -> Summary {
        let mut s = Summary::default();
        let number = |text: &str| -> u64 {
            text.split(|c: char| !c.is_ascii_digit())
                .find(|w| !w.is_empty())
                .and_then(|w| w.parse().ok())
                .unwrap_or(0)
        };
        for line in stdout.lines().map(str::trim_start) {
            if let Some(rest) = line.strip_prefix("fetched") {
                s.fetched = number(rest);
            } else if let Some(rest) = line.strip_prefix("stored") {
                s.stored = number(rest);
            } else if let Some(rest) = line.strip_prefix("pending") {
                s.pending = number(rest);
            } else if let Some(rest) = line.strip_prefix("errors") {
                s.errors = rest.trim().to_string();
            }
        }
        s
    }
}

/// A finished child.
struct Finished {
    ok: bool,
    status: String,
    wall: Duration,
    cpu: Duration,
    /// The kernel's RSS high-water mark of the process (`ru_maxrss`, kB): `VmHWM` at exit.
    max_rss_kb: u64,
    sampled: SamplerState,
    stdout: String,
}

/// A running child with its RSS sampler.
struct Running {
    pid: i32,
    name: String,
    started: Instant,
    sampler: Sampler,
    stdout: Option<JoinHandle<String>>,
    reaped: bool,
}

impl Running {
    fn start(mut cmd: Command, log: &Path, tree: bool, name: &str) -> anyhow::Result<Running> {
        let stderr =
            fs::File::create(log).with_context(|| format!("creating {}", log.display()))?;
        cmd.stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(stderr);
        let started = Instant::now();
        let mut child = spawn_child(&mut cmd, name)?;
        let pid = child.id() as i32;
        let stdout = child.stdout.take().map(|mut out| {
            std::thread::spawn(move || {
                let mut text = String::new();
                out.read_to_string(&mut text).ok();
                text
            })
        });
        // The std handle is not waited: `wait4` below reaps the child to get its rusage.
        drop(child);
        Ok(Running {
            pid,
            name: name.to_string(),
            started,
            sampler: Sampler::start(pid, tree, started),
            stdout,
            reaped: false,
        })
    }

    /// The exit status, if the child has exited (without reaping it).
    fn exited(&self) -> Option<String> {
        let mut info: libc::siginfo_t = unsafe { std::mem::zeroed() };
        // SAFETY: waitid with WNOWAIT only inspects the child; `info` is a valid buffer.
        let r = unsafe {
            libc::waitid(
                libc::P_PID,
                self.pid as libc::id_t,
                &mut info,
                libc::WEXITED | libc::WNOHANG | libc::WNOWAIT,
            )
        };
        // SAFETY: si_pid is set by waitid when a child changed state.
        (r == 0 && unsafe { info.si_pid() } == self.pid).then(|| "exited".to_string())
    }

    fn wait(mut self) -> anyhow::Result<Finished> {
        let mut status = 0;
        // SAFETY: plain FFI; `usage` is a valid out-parameter.
        let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
        loop {
            let r = unsafe { libc::wait4(self.pid, &mut status, 0, &mut usage) };
            if r == self.pid {
                break;
            }
            let err = std::io::Error::last_os_error();
            if err.kind() != std::io::ErrorKind::Interrupted {
                return Err(err).context(format!("waiting for {}", self.name));
            }
        }
        self.reaped = true;
        forget_child(self.pid);
        let wall = self.started.elapsed();
        let sampled = self.sampler.stop();
        let stdout = self
            .stdout
            .take()
            .and_then(|h| h.join().ok())
            .unwrap_or_default();
        let (ok, status) = if libc::WIFEXITED(status) {
            let code = libc::WEXITSTATUS(status);
            (code == 0, format!("exit {code}"))
        } else if libc::WIFSIGNALED(status) {
            let sig = libc::WTERMSIG(status);
            (false, format!("killed by signal {sig}"))
        } else {
            (false, format!("wait status {status}"))
        };
        let tv = |t: libc::timeval| Duration::new(t.tv_sec as u64, t.tv_usec as u32 * 1000);
        Ok(Finished {
            ok,
            status,
            wall,
            cpu: tv(usage.ru_utime) + tv(usage.ru_stime),
            max_rss_kb: usage.ru_maxrss as u64,
            sampled,
            stdout,
        })
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        if !self.reaped {
            stop_child(self.pid, &self.name);
        }
    }
}

/// Runs a command to its end under the RSS sampler.
fn measure(cmd: Command, log: &Path, tree: bool) -> anyhow::Result<Finished> {
    let name = cmd.get_program().to_string_lossy().into_owned();
    Running::start(cmd, log, tree, &name)?.wait()
}

#[derive(Debug, Default, Clone)]
struct SamplerState {
    current_kb: u64,
    /// Largest VmRSS seen (summed over the tree in tree mode).
    peak_kb: u64,
    /// `smaps_rollup` of the root process near the polled peak.
    rollup_at_peak: Option<Rollup>,
    /// (seconds since start, RSS kB), one a second.
    timeline: Vec<(f64, u64)>,
}

impl SamplerState {
    fn rollup_note(&self) -> String {
        self.rollup_at_peak
            .map(|r| format!("; at the polled peak{}", r.note()))
            .unwrap_or_default()
    }

    /// About ten points of the RSS curve.
    fn timeline_note(&self) -> String {
        let step = (self.timeline.len() / 10).max(1);
        let mut points: Vec<String> = self
            .timeline
            .iter()
            .step_by(step)
            .map(|(t, kb)| format!("{t:.0}→{:.0}", *kb as f64 / 1024.0))
            .collect();
        if let Some((t, kb)) = self.timeline.last() {
            points.push(format!("{t:.0}→{:.0}", *kb as f64 / 1024.0));
        }
        points.dedup();
        points.join(" ")
    }
}

struct Sampler {
    state: Arc<Mutex<SamplerState>>,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl Sampler {
    fn start(pid: i32, tree: bool, started: Instant) -> Sampler {
        let state = Arc::new(Mutex::new(SamplerState::default()));
        let stop = Arc::new(AtomicBool::new(false));
        let thread = {
            let (state, stop) = (Arc::clone(&state), Arc::clone(&stop));
            std::thread::spawn(move || {
                let mut next_timeline = Duration::ZERO;
                let mut rollup_kb = 0;
                while !stop.load(Ordering::Relaxed) {
                    let pids = if tree { descendants(pid) } else { vec![pid] };
                    let rss: u64 = pids.iter().filter_map(|&p| status_kb(p, "VmRSS:")).sum();
                    // Near a new peak, see what the memory is (smaps_rollup walks the page
                    // tables, so only when the peak has grown by 16 MiB since the last look).
                    let rollup = (rss > rollup_kb + 16 * 1024)
                        .then(|| smaps_rollup(pid))
                        .flatten();
                    let mut s = state.lock().unwrap_or_else(|e| e.into_inner());
                    if rss > 0 {
                        s.current_kb = rss;
                    }
                    if rss > s.peak_kb {
                        s.peak_kb = rss;
                    }
                    if let Some(r) = rollup {
                        rollup_kb = rss;
                        s.rollup_at_peak = Some(r);
                    }
                    let elapsed = started.elapsed();
                    if elapsed >= next_timeline && rss > 0 {
                        s.timeline.push((elapsed.as_secs_f64(), rss));
                        next_timeline = elapsed + Duration::from_secs(1);
                    }
                    drop(s);
                    std::thread::sleep(SAMPLE_EVERY);
                }
            })
        };
        Sampler {
            state,
            stop,
            thread: Some(thread),
        }
    }

    fn state(&self) -> SamplerState {
        self.state.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }

    fn current_kb(&self) -> u64 {
        self.state().current_kb
    }

    fn stop(&mut self) -> SamplerState {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(t) = self.thread.take() {
            t.join().ok();
        }
        self.state()
    }
}

/// A field of `/proc/PID/status` in kB.
fn status_kb(pid: i32, field: &str) -> Option<u64> {
    let status = fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    kb_field(&status, field)
}

fn kb_field(text: &str, field: &str) -> Option<u64> {
    text.lines()
        .find_map(|l| l.strip_prefix(field))
        .and_then(|v| v.split_whitespace().next())
        .and_then(|v| v.parse().ok())
}

/// Resident memory by kind, from `/proc/PID/smaps_rollup` (kB).
#[derive(Debug, Clone, Copy)]
struct Rollup {
    rss: u64,
    anonymous: u64,
}

impl Rollup {
    fn note(&self) -> String {
        format!(
            ": {:.0} MiB anonymous, {:.0} MiB file-backed",
            self.anonymous as f64 / 1024.0,
            self.rss.saturating_sub(self.anonymous) as f64 / 1024.0
        )
    }
}

fn smaps_rollup(pid: i32) -> Option<Rollup> {
    let text = fs::read_to_string(format!("/proc/{pid}/smaps_rollup")).ok()?;
    Some(Rollup {
        rss: kb_field(&text, "Rss:")?,
        anonymous: kb_field(&text, "Anonymous:")?,
    })
}

/// The process and all its descendants.
fn descendants(root: i32) -> Vec<i32> {
    let mut all = vec![root];
    let mut i = 0;
    while i < all.len() {
        let pid = all[i];
        if let Ok(tasks) = fs::read_dir(format!("/proc/{pid}/task")) {
            for task in tasks.flatten() {
                if let Ok(children) = fs::read_to_string(task.path().join("children")) {
                    all.extend(
                        children
                            .split_whitespace()
                            .filter_map(|c| c.parse::<i32>().ok()),
                    );
                }
            }
        }
        i += 1;
    }
    all.sort_unstable();
    all.dedup();
    all
}

/// User + system CPU time of a live process.
fn proc_cpu(pid: i32) -> Option<Duration> {
    let stat = fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // Fields after the command name, which may hold spaces: state is field 3.
    let rest = &stat[stat.rfind(')')? + 2..];
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let ticks: u64 = fields.get(11)?.parse::<u64>().ok()? + fields.get(12)?.parse::<u64>().ok()?;
    // SAFETY: sysconf has no preconditions.
    let hz = unsafe { libc::sysconf(libc::_SC_CLK_TCK) }.max(1) as u64;
    Some(Duration::from_millis(ticks * 1000 / hz))
}

/// What today's `gleaner crawl` progress log lines (one per 5 s, `key=value` fields) tell:
/// when the fetched count stopped growing, and the largest in-flight and queued counts.
/// Another engine's log may have other lines; then this says nothing.
fn progress_log_note(log: &Path, wall: Duration) -> Option<String> {
    let text = strip_ansi(&fs::read_to_string(log).ok()?);
    let time = |line: &str| {
        line.split_whitespace()
            .next()
            .and_then(|t| chrono::DateTime::parse_from_rfc3339(t).ok())
    };
    let field = |line: &str, key: &str| -> Option<u64> {
        let at = line.find(&format!(" {key}="))? + key.len() + 2;
        line[at..]
            .split(|c: char| !c.is_ascii_digit())
            .next()?
            .parse()
            .ok()
    };
    let started = text
        .lines()
        .find(|l| l.contains("crawl started"))
        .and_then(time)?;
    let progress: Vec<&str> = text
        .lines()
        .filter(|l| l.contains("crawl progress"))
        .collect();
    let last = field(progress.last()?, "fetched")?;
    let reached = progress
        .iter()
        .find(|l| field(l, "fetched") == Some(last))
        .and_then(|l| time(l))?;
    let max = |key: &str| progress.iter().filter_map(|l| field(l, key)).max();
    let show = |v: Option<u64>| v.map_or("n/a".to_string(), |v| v.to_string());
    Some(format!(
        "progress log: fetched {last} by {:.0} s after the crawl started (first line with that \
         count; lines every 5 s), exit at {:.0} s; max in_flight {}, max queued {}",
        (reached - started).num_milliseconds() as f64 / 1000.0,
        wall.as_secs_f64(),
        show(max("in_flight")),
        show(max("queued")),
    ))
}

// ---------------------------------------------------------------------------------------
// Child processes: spawned in their own group, stopped on every way out

static CHILDREN: Mutex<Vec<(i32, String)>> = Mutex::new(Vec::new());

fn spawn_child(cmd: &mut Command, name: &str) -> anyhow::Result<std::process::Child> {
    cmd.process_group(0);
    // SAFETY: prctl is async-signal-safe; the closure allocates nothing.
    unsafe {
        cmd.pre_exec(|| {
            libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGTERM);
            Ok(())
        });
    }
    let child = cmd
        .spawn()
        .with_context(|| format!("starting {name} ({:?})", cmd.get_program()))?;
    CHILDREN
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .push((child.id() as i32, name.to_string()));
    Ok(child)
}

fn spawn(cmd: &mut Command, name: &str) -> anyhow::Result<i32> {
    Ok(spawn_child(cmd, name)?.id() as i32)
}

fn forget_child(pid: i32) {
    CHILDREN
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .retain(|(p, _)| *p != pid);
}

fn signal_group(pid: i32, signal: i32) {
    // SAFETY: plain FFI; a negative pid names the child's own process group.
    unsafe {
        libc::kill(-pid, signal);
    }
}

fn alive(pid: i32) -> bool {
    let mut status = 0;
    // SAFETY: plain FFI.
    let r = unsafe { libc::waitpid(pid, &mut status, libc::WNOHANG) };
    r == 0
}

/// SIGTERM to the child's group, SIGKILL after 10 s, reaped.
fn stop_child(pid: i32, name: &str) {
    let registered = CHILDREN
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .iter()
        .any(|(p, _)| *p == pid);
    if !registered {
        return;
    }
    signal_group(pid, libc::SIGTERM);
    let deadline = Instant::now() + Duration::from_secs(10);
    while alive(pid) {
        if Instant::now() > deadline {
            eprintln!("{name} ignored SIGTERM for 10 s: killing it");
            signal_group(pid, libc::SIGKILL);
            let mut status = 0;
            // SAFETY: plain FFI.
            unsafe { libc::waitpid(pid, &mut status, 0) };
            break;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    // Whatever else is left in its group (nginx workers, say).
    signal_group(pid, libc::SIGKILL);
    forget_child(pid);
}

fn stop_children() {
    let children: Vec<(i32, String)> = CHILDREN.lock().unwrap_or_else(|e| e.into_inner()).clone();
    for (pid, name) in children.iter().rev() {
        stop_child(*pid, name);
    }
}

/// Ctrl-C or SIGTERM: stop every child, then exit 130.
fn install_signal_handler() {
    std::thread::spawn(|| {
        let Ok(runtime) = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
        else {
            return;
        };
        runtime.block_on(async {
            let Ok(mut term) =
                tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
            else {
                return;
            };
            tokio::select! {
                _ = tokio::signal::ctrl_c() => {}
                _ = term.recv() => {}
            }
        });
        eprintln!("bench_crawl_sites: interrupted; stopping the child processes");
        stop_children();
        std::process::exit(130);
    });
}

// ---------------------------------------------------------------------------------------
// Small helpers

fn fresh_dir(dir: &Path) -> anyhow::Result<PathBuf> {
    if dir.exists() {
        fs::remove_dir_all(dir).with_context(|| format!("removing {}", dir.display()))?;
    }
    fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    Ok(dir.to_path_buf())
}

/// Allocated bytes under a directory, as `du` counts them.
fn dir_size(path: &Path) -> u64 {
    let Ok(meta) = fs::symlink_metadata(path) else {
        return 0;
    };
    if !meta.is_dir() {
        return meta.blocks() * 512;
    }
    fs::read_dir(path)
        .map(|entries| entries.flatten().map(|e| dir_size(&e.path())).sum())
        .unwrap_or(0)
}

/// Text without the terminal colour codes of gleaner's human log format.
fn strip_ansi(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' {
            // ESC [ parameters final-letter
            for c in chars.by_ref() {
                if c.is_ascii_alphabetic() {
                    break;
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}

fn load_average() -> String {
    fs::read_to_string("/proc/loadavg")
        .map(|l| l.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_default()
}

fn load1() -> f64 {
    load_average()
        .split_whitespace()
        .next()
        .and_then(|l| l.parse().ok())
        .unwrap_or(f64::NAN)
}

fn free_port() -> anyhow::Result<SocketAddr> {
    let listener = TcpListener::bind("127.0.0.1:0").context("finding a free port")?;
    Ok(listener.local_addr()?)
}

/// `GET /api/sources` of the daemon: its `sources` array.
fn api_sources(listen: SocketAddr) -> anyhow::Result<Vec<serde_json::Value>> {
    let mut stream = TcpStream::connect_timeout(&listen, Duration::from_secs(2))?;
    stream.set_read_timeout(Some(Duration::from_secs(10)))?;
    write!(
        stream,
        "GET /api/sources HTTP/1.0\r\nHost: {listen}\r\nConnection: close\r\n\r\n"
    )?;
    let mut response = String::new();
    stream.read_to_string(&mut response)?;
    let body = response
        .split_once("\r\n\r\n")
        .map(|(_, b)| b)
        .context("no HTTP body")?;
    let value: serde_json::Value = serde_json::from_str(body)?;
    Ok(value["sources"].as_array().cloned().unwrap_or_default())
}

fn command_line(program: &Path, args: &[&str]) -> String {
    Command::new(program)
        .args(args)
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
        .unwrap_or_default()
}

fn indent(text: &str) -> String {
    text.lines()
        .map(|l| format!("    {l}"))
        .collect::<Vec<_>>()
        .join("\n")
}

fn median(values: &[f64]) -> f64 {
    let mut v: Vec<f64> = values.iter().copied().filter(|x| !x.is_nan()).collect();
    if v.is_empty() {
        return f64::NAN;
    }
    v.sort_by(f64::total_cmp);
    let mid = v.len() / 2;
    if v.len() % 2 == 1 {
        v[mid]
    } else {
        (v[mid - 1] + v[mid]) / 2.0
    }
}

/// The figures of all runs: median and range of each, as a markdown table.
fn print_summary(runs: &[RunFigures]) {
    if runs.is_empty() {
        return;
    }
    let mut by_name: BTreeMap<usize, (&str, Vec<f64>)> = BTreeMap::new();
    for run in runs {
        for (i, (name, value)) in run.figures.iter().enumerate() {
            by_name
                .entry(i)
                .or_insert((name, Vec::new()))
                .1
                .push(*value);
        }
    }
    let loads: Vec<f64> = runs.iter().flat_map(|r| [r.load.0, r.load.1]).collect();
    let lo = loads.iter().copied().fold(f64::INFINITY, f64::min);
    let hi = loads.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    println!(
        "\n{} run(s){}, 1-min load {lo:.1}–{hi:.1} (before/after each run)\n",
        runs.len(),
        if runs.iter().all(|r| r.ok) {
            ""
        } else {
            ", SOME FAILED"
        }
    );
    println!("| measure | median | range |");
    println!("|---|---|---|");
    for (name, values) in by_name.values() {
        let finite: Vec<f64> = values.iter().copied().filter(|v| v.is_finite()).collect();
        let min = finite.iter().copied().fold(f64::INFINITY, f64::min);
        let max = finite.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        let fmt = |v: f64| {
            if !v.is_finite() {
                "n/a".to_string()
            } else if v.abs() >= 100.0 {
                format!("{v:.0}")
            } else {
                format!("{v:.1}")
            }
        };
        println!(
            "| {name} | {} | {}–{} |",
            fmt(median(values)),
            fmt(min),
            fmt(max)
        );
    }
}
