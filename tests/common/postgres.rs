//! A PostgreSQL server for tests: one throwaway cluster per test binary, one fresh database
//! per test.
//!
//! The server is, in order: the one `$GLEANER_TEST_POSTGRES` names (an admin URL such as
//! `postgres://postgres@127.0.0.1:5432/postgres`, for a server someone else runs); else a
//! cluster this process creates with the installed PostgreSQL (`initdb` in a temporary
//! directory, run as the `postgres` user when the tests run as root, on a free loopback
//! port, without fsync: the tests are about gleaner's logic, not the disk), stopped when
//! the test binary exits and its directory removed by the next run. Without either, tests
//! that need it skip with the reason ([`skip`](super::external::skip)), unless
//! `GLEANER_REQUIRE_POSTGRES` is set (as `.ci/run` does), which makes them fail.

#![allow(dead_code)]

use std::io::Write as _;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

#[path = "external.rs"]
mod external;

/// Set (to anything but `0` or empty) to make tests that need PostgreSQL fail when no server
/// can be had.
pub const REQUIRE_POSTGRES: &str = "GLEANER_REQUIRE_POSTGRES";
/// An admin URL of a server to use instead of starting one.
pub const TEST_SERVER: &str = "GLEANER_TEST_POSTGRES";

/// A server the tests can create databases on.
#[derive(Debug, Clone)]
pub struct Server {
    /// `postgres://USER@HOST:PORT` (no database).
    pub base: String,
    /// Where the server's own data and log are, when this process started it.
    pub dir: Option<PathBuf>,
}

impl Server {
    /// The URL of a new, empty database named after `test` (unique per call).
    pub fn database(&self, test: &str) -> String {
        static NEXT: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
        let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let clean: String = test
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() {
                    c.to_ascii_lowercase()
                } else {
                    '_'
                }
            })
            .take(40)
            .collect();
        let name = format!("t{}_{n}_{clean}", std::process::id());
        let status = self
            .psql("postgres", &format!("CREATE DATABASE \"{name}\""))
            .unwrap_or_else(|e| panic!("creating database {name}: {e}"));
        assert!(status.is_empty() || !status.contains("ERROR"), "{status}");
        format!("{}/{name}", self.base)
    }

    /// Runs SQL on database `db` with psql; returns its output (tuples only).
    pub fn psql(&self, db: &str, sql: &str) -> Result<String, String> {
        let url = format!("{}/{db}", self.base);
        let out = Command::new(psql_binary())
            .args([
                "-X",
                "-q",
                "-t",
                "-A",
                "-v",
                "ON_ERROR_STOP=1",
                &url,
                "-c",
                sql,
            ])
            .output()
            .map_err(|e| format!("running psql: {e}"))?;
        if !out.status.success() {
            return Err(String::from_utf8_lossy(&out.stderr).into_owned());
        }
        Ok(String::from_utf8_lossy(&out.stdout).trim().to_string())
    }

    /// Stops and starts the server this process runs (for tests of a lost connection):
    /// down for `down`, then up again on the same port.
    pub fn restart(&self, down: Duration) {
        let dir = self.dir.as_ref().expect("a server this process started");
        let data = dir.join("data");
        let ctl = bin_dir().expect("postgres binaries").join("pg_ctl");
        let stop = as_owner(
            Command::new(&ctl)
                .args(["stop", "-m", "fast", "-w", "-D"])
                .arg(&data),
        )
        .output()
        .expect("pg_ctl stop");
        assert!(
            stop.status.success(),
            "{}",
            String::from_utf8_lossy(&stop.stderr)
        );
        std::thread::sleep(down);
        CLUSTER
            .get()
            .and_then(|c| c.as_ref().ok())
            .map(|c| c.start_postmaster())
            .expect("the cluster")
            .expect("postgres starts again");
    }
}

/// The server, or `None` after saying why the calling test skips.
pub fn server(test: &str) -> Option<Server> {
    if let Ok(url) = std::env::var(TEST_SERVER) {
        if !url.is_empty() {
            let base = url.trim_end_matches('/');
            let base = match base.rsplit_once('/') {
                Some((b, _)) if b.contains("://") && b.len() > "postgres://".len() => b,
                _ => base,
            };
            return Some(Server {
                base: base.to_string(),
                dir: None,
            });
        }
    }
    own_server(test)
}

/// A throwaway server this test binary starts (never `$GLEANER_TEST_POSTGRES`'s: for tests
/// that stop and start it), or `None` after saying why the calling test skips.
pub fn own_server(test: &str) -> Option<Server> {
    match CLUSTER.get_or_init(Cluster::start) {
        Ok(cluster) => Some(Server {
            base: format!("postgres://gleaner@127.0.0.1:{}", cluster.port),
            dir: Some(cluster.dir.clone()),
        }),
        Err(reason) => {
            external::skip(REQUIRE_POSTGRES, test, reason);
            None
        }
    }
}

static CLUSTER: OnceLock<Result<Cluster, String>> = OnceLock::new();

struct Cluster {
    dir: PathBuf,
    port: u16,
}

/// Where the installed PostgreSQL's server binaries are.
fn bin_dir() -> Option<PathBuf> {
    let has = |d: &Path| d.join("initdb").is_file() && d.join("postgres").is_file();
    if let Ok(out) = Command::new("pg_config").arg("--bindir").output() {
        let dir = PathBuf::from(String::from_utf8_lossy(&out.stdout).trim());
        if has(&dir) {
            return Some(dir);
        }
    }
    let mut versions: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.path().join("bin"))
        .filter(|d| has(d))
        .collect();
    versions.sort();
    versions.pop()
}

fn psql_binary() -> PathBuf {
    bin_dir()
        .map(|d| d.join("psql"))
        .filter(|p| p.is_file())
        .unwrap_or_else(|| PathBuf::from("psql"))
}

/// uid and gid of the `postgres` user, when running as root (initdb refuses root).
fn owner() -> Option<(u32, u32)> {
    // SAFETY: getuid has no preconditions.
    if unsafe { libc::getuid() } != 0 {
        return None;
    }
    let out = Command::new("id").args(["-u", "postgres"]).output().ok()?;
    let uid = String::from_utf8_lossy(&out.stdout).trim().parse().ok()?;
    let out = Command::new("id").args(["-g", "postgres"]).output().ok()?;
    let gid = String::from_utf8_lossy(&out.stdout).trim().parse().ok()?;
    Some((uid, gid))
}

/// `command`, run as the `postgres` user when this process is root.
fn as_owner(command: &mut Command) -> &mut Command {
    use std::os::unix::process::CommandExt;
    if let Some((uid, gid)) = owner() {
        command.uid(uid).gid(gid);
    }
    command
}

/// Root of this machine's test clusters; each lives in a directory named after the pid of
/// the test binary that made it.
fn clusters_root() -> PathBuf {
    std::env::temp_dir().join("gleaner-pg-tests")
}

impl Cluster {
    fn start() -> Result<Cluster, String> {
        let bin = bin_dir().ok_or(
            "no PostgreSQL server installed (initdb and postgres not found; apt-get install postgresql)",
        )?;
        if unsafe { libc::getuid() } == 0 && owner().is_none() {
            return Err(
                "running as root and there is no postgres user to run the server as".into(),
            );
        }
        let root = clusters_root();
        remove_stale(&root);
        let dir = root.join(std::process::id().to_string());
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).map_err(|e| format!("creating {}: {e}", dir.display()))?;
        if let Some((uid, gid)) = owner() {
            // The server's user must own the directory (and reach it).
            std::os::unix::fs::chown(&dir, Some(uid), Some(gid))
                .map_err(|e| format!("chown {}: {e}", dir.display()))?;
            let _ = Command::new("chmod").arg("755").arg(&root).status();
        }
        let data = dir.join("data");
        let init = as_owner(
            Command::new(bin.join("initdb"))
                .args([
                    "-U",
                    "gleaner",
                    "--auth=trust",
                    "-E",
                    "UTF8",
                    "--no-sync",
                    "-D",
                ])
                .arg(&data),
        )
        .env("LC_ALL", "C")
        .output()
        .map_err(|e| format!("running initdb: {e}"))?;
        if !init.status.success() {
            return Err(format!(
                "initdb failed: {}",
                String::from_utf8_lossy(&init.stderr)
            ));
        }
        let port = TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .map(|a| a.port())
            .map_err(|e| format!("finding a free port: {e}"))?;
        let cluster = Cluster { dir, port };
        cluster.start_postmaster()?;
        Ok(cluster)
    }

    /// Starts the server and waits until it accepts connections. It is stopped when this
    /// process ends: a thread that lives as long as the process starts it, with a
    /// parent-death signal.
    fn start_postmaster(&self) -> Result<(), String> {
        let bin = bin_dir().ok_or("postgres binaries vanished")?;
        let pg_isready = bin.join("pg_isready");
        let data = self.dir.join("data");
        let log = self.dir.join("server.log");
        let port = self.port;
        let dir = self.dir.clone();
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            use std::os::unix::process::CommandExt;
            let log_file = match std::fs::File::create(&log) {
                Ok(f) => f,
                Err(e) => {
                    let _ = tx.send(Err(format!("creating {}: {e}", log.display())));
                    return;
                }
            };
            let err_file = log_file.try_clone().ok();
            let mut command = Command::new(bin.join("postgres"));
            command
                .arg("-D")
                .arg(&data)
                .args(["-p", &port.to_string(), "-k"])
                .arg(&dir)
                .args([
                    "-c",
                    "listen_addresses=127.0.0.1",
                    "-c",
                    "fsync=off",
                    "-c",
                    "synchronous_commit=off",
                    "-c",
                    "full_page_writes=off",
                    "-c",
                    "max_connections=200",
                    "-c",
                    "shared_buffers=64MB",
                ])
                .stdin(Stdio::null())
                .stdout(log_file)
                .stderr(err_file.map(Stdio::from).unwrap_or_else(Stdio::null));
            let owner = owner();
            // SAFETY: only async-signal-safe calls between fork and exec.
            unsafe {
                command.pre_exec(move || {
                    if let Some((uid, gid)) = owner {
                        if libc::setgid(gid) != 0 || libc::setuid(uid) != 0 {
                            return Err(std::io::Error::last_os_error());
                        }
                    }
                    // A fast shutdown when the thread that started it (alive as long as
                    // the test binary) goes.
                    libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGINT);
                    Ok(())
                });
            }
            match command.spawn() {
                Ok(mut child) => {
                    let _ = tx.send(Ok(()));
                    let _ = child.wait();
                    // Keep this thread (the server's parent) alive until the process ends,
                    // even if the server was stopped for a restart.
                    loop {
                        std::thread::park();
                    }
                }
                Err(e) => {
                    let _ = tx.send(Err(format!("starting postgres: {e}")));
                }
            }
        });
        rx.recv()
            .map_err(|_| "the server thread ended".to_string())??;
        let started = Instant::now();
        loop {
            let ready = Command::new(&pg_isready)
                .args(["-q", "-h", "127.0.0.1", "-p", &port.to_string()])
                .status()
                .map(|s| s.success())
                .unwrap_or(false);
            if ready {
                return Ok(());
            }
            if started.elapsed() > Duration::from_secs(60) {
                let log = std::fs::read_to_string(self.dir.join("server.log")).unwrap_or_default();
                return Err(format!("postgres did not start within 60 s: {log}"));
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }
}

/// Removes the clusters of test binaries that are no longer running.
fn remove_stale(root: &Path) {
    for entry in std::fs::read_dir(root).into_iter().flatten().flatten() {
        let Some(pid) = entry
            .file_name()
            .to_str()
            .and_then(|n| n.parse::<i32>().ok())
        else {
            continue;
        };
        // SAFETY: kill with signal 0 only checks whether the process exists.
        let alive = unsafe { libc::kill(pid, 0) } == 0;
        if !alive {
            let _ = std::fs::remove_dir_all(entry.path());
        }
    }
}

/// For tests that print what they measured.
pub fn note(line: &str) {
    let _ = writeln!(std::io::stderr(), "{line}");
}
