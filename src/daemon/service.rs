//! Start-up, the signal loop and shutdown of `gleaner run`; see the [module docs](super).

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use tokio::net::TcpListener;
use tokio::signal::unix::{SignalKind, signal};

use crate::config::{Config, ConfigError, CrawlerConfig};
use crate::crawl::{CrawlError, CrawlStore, Crawler};
use crate::store::{Backend, OpenStore, StoreError, StoreLocation};

use super::api::{self, ApiState};
use super::jobs::CrawlerJobs;
use super::notify::Notifier;
use super::scheduler::{RememberedSource, ScheduleMemory, Scheduler, SchedulerHandle};

/// How often `STATUS=` is refreshed with live counts.
const STATUS_INTERVAL: Duration = Duration::from_secs(10);
/// How long open API connections get to finish once shutdown reaches the API.
const API_DRAIN_TIMEOUT: Duration = Duration::from_secs(5);

/// Why the daemon could not start or had to stop.
#[derive(Debug, thiserror::Error)]
pub enum DaemonError {
    #[error("cannot open the store at {location}: {source}")]
    Store {
        /// The directory, or the database URL without its password.
        location: String,
        #[source]
        source: StoreError,
    },
    #[error("cannot start the crawler: {0}")]
    Crawler(#[from] CrawlError),
    #[error("cannot listen on {addr} (server.listen): {source}")]
    Listen {
        addr: std::net::SocketAddr,
        #[source]
        source: std::io::Error,
    },
    #[error("cannot install a handler for {signal}: {source}")]
    Signal {
        signal: &'static str,
        #[source]
        source: std::io::Error,
    },
    #[error("the API server failed: {0}")]
    Api(#[source] std::io::Error),
    #[error("the scheduler stopped unexpectedly")]
    SchedulerStopped,
    #[error("flushing the store at shutdown failed: {0}")]
    Flush(#[source] StoreError),
    #[error("a background task failed: {0}")]
    Task(String),
}

/// Runs the daemon with `config` (read from `config_path`, which SIGHUP reads again) until
/// SIGTERM or SIGINT. Returns `Ok` after a clean stop.
pub async fn run(config_path: &Path, config: Config) -> Result<(), DaemonError> {
    let notifier = Notifier::from_env();
    let location = StoreLocation::from_config(&config.store);
    let opened = OpenStore::open_for(&location, &config)
        .await
        .map_err(|source| DaemonError::Store {
            location: location.to_string(),
            source,
        })?;
    let store = opened.backend();
    tracing::info!(store = %location, "store open");

    let crawler = Crawler::new(&config.crawler, CrawlStore::from(&store))?;
    let jobs = Arc::new(CrawlerJobs::new(
        Arc::clone(&crawler),
        Arc::clone(&store.revisits),
        config.crawler.clone(),
    ));

    let listen = config.server.listen;
    let listener = TcpListener::bind(listen)
        .await
        .map_err(|source| DaemonError::Listen {
            addr: listen,
            source,
        })?;
    let bound = listener.local_addr().unwrap_or(listen);

    // Signals are installed before READY=1 so a reload or stop sent right after start-up
    // is never lost to the default action (which for SIGHUP would kill the process).
    let mut sigterm = install(SignalKind::terminate(), "SIGTERM")?;
    let mut sigint = install(SignalKind::interrupt(), "SIGINT")?;
    let mut sighup = install(SignalKind::hangup(), "SIGHUP")?;

    let (scheduler, handle) =
        Scheduler::new(Arc::clone(&jobs), config.sources.clone(), notifier.clone());
    let scheduler = scheduler.with_memory(Arc::new(StoredSchedule(Arc::clone(&store.schedule))));
    let mut scheduler_task = tokio::spawn(scheduler.run());

    let state = ApiState::new(
        store.clone(),
        handle.clone(),
        crawler.stats(),
        config.server.auth_token.clone(),
    );
    let (api_stop_tx, api_stop_rx) = tokio::sync::oneshot::channel::<()>();
    let mut api_task = tokio::spawn(async move {
        axum::serve(listener, api::router(state))
            .with_graceful_shutdown(async move {
                let _ = api_stop_rx.await;
            })
            .await
    });

    tracing::info!(
        listen = %bound,
        sources = config.sources.len(),
        auth = config.server.auth_token.is_some(),
        "gleaner daemon ready"
    );
    notifier.ready(&status_line(&handle, &store).await);

    let mut config = config;
    let mut status_timer = tokio::time::interval(STATUS_INTERVAL);
    status_timer.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let stop_signal = loop {
        tokio::select! {
            _ = sigterm.recv() => break "SIGTERM",
            _ = sigint.recv() => break "SIGINT",
            _ = sighup.recv() => {
                notifier.reloading();
                reload(config_path, &mut config, &handle, &jobs, &store).await;
                notifier.ready(&status_line(&handle, &store).await);
            }
            _ = status_timer.tick() => notifier.status(&status_line(&handle, &store).await),
            result = &mut api_task => {
                notifier.stopping("API server failed");
                return Err(match result {
                    Ok(Ok(())) => DaemonError::Task("the API server stopped unexpectedly".into()),
                    Ok(Err(e)) => DaemonError::Api(e),
                    Err(e) => DaemonError::Task(e.to_string()),
                });
            }
            _ = &mut scheduler_task => {
                notifier.stopping("scheduler stopped unexpectedly");
                return Err(DaemonError::SchedulerStopped);
            }
        }
    };

    let deadline = config.server.shutdown_timeout.get();
    tracing::info!(
        signal = stop_signal,
        deadline_ms = deadline.as_millis() as u64,
        "shutting down: no new crawls, waiting for running ones"
    );
    notifier.stopping("stopping: finishing crawls");
    tokio::select! {
        result = handle.shutdown(deadline) => match result {
            Ok(summary) => tracing::info!(
                finished = summary.finished,
                abandoned = summary.abandoned,
                "crawls stopped"
            ),
            Err(e) => tracing::warn!(error = %e, "scheduler was already gone at shutdown"),
        },
        _ = sigterm.recv() => tracing::warn!("second SIGTERM: not waiting for crawls any longer"),
        _ = sigint.recv() => tracing::warn!("second SIGINT: not waiting for crawls any longer"),
    }
    scheduler_task.abort();

    let _ = api_stop_tx.send(());
    match tokio::time::timeout(API_DRAIN_TIMEOUT, &mut api_task).await {
        Ok(Ok(Ok(()))) => {}
        Ok(Ok(Err(e))) => tracing::warn!(error = %e, "API server ended with an error"),
        Ok(Err(e)) => tracing::warn!(error = %e, "API server task failed"),
        Err(_) => {
            tracing::warn!("API connections still open after the drain timeout; closing them");
            api_task.abort();
        }
    }

    // Every commit was durable when it returned; what is left to make durable is the
    // queue's leases (never flushed on their own). The embedded store flushes as the
    // last handle goes.
    drop(jobs);
    drop(crawler);
    drop(store);
    opened.flush().await.map_err(DaemonError::Flush)?;
    tracing::info!("store flushed; gleaner daemon stopped");
    Ok(())
}

fn install(
    kind: SignalKind,
    name: &'static str,
) -> Result<tokio::signal::unix::Signal, DaemonError> {
    signal(kind).map_err(|source| DaemonError::Signal {
        signal: name,
        source,
    })
}

/// Re-reads the config; applies what can change at run time, keeps the rest.
async fn reload(
    config_path: &Path,
    current: &mut Config,
    scheduler: &SchedulerHandle,
    jobs: &CrawlerJobs,
    store: &Backend,
) {
    tracing::info!(config = %config_path.display(), "SIGHUP: reloading configuration");
    let new = match load_config(config_path).await {
        Ok(new) => new,
        Err(e) => {
            tracing::error!(
                error = %e,
                "new configuration is invalid; still running on the previous one"
            );
            return;
        }
    };
    for section in sections_needing_restart(current, &new) {
        tracing::warn!(
            section,
            "changes to [{section}] take effect after a restart; keeping the running values"
        );
    }
    jobs.set_defaults(new.crawler.clone());
    // The revisit ladders ([watch] and the sources') apply to what is scheduled next.
    if let Err(error) = store.revisits.set_policy(new.watch_policy()).await {
        tracing::error!(%error, "cannot apply the new revisit ladders");
    }
    match scheduler.reload(new.sources.clone()).await {
        Ok(summary) => tracing::info!(
            added = ?summary.added,
            removed = ?summary.removed,
            changed = ?summary.changed,
            sources = new.sources.len(),
            "configuration reloaded"
        ),
        Err(e) => {
            tracing::error!(error = %e, "cannot apply the new sources");
            return;
        }
    }
    // Keep the parts that need a restart as they run, so a later reload compares against
    // what is really in effect.
    current.crawler = with_source_defaults(&current.crawler, &new.crawler);
    current.sources = new.sources;
    current.watch = new.watch;
}

/// Reads the config file off the async workers (it is small, but the disk may not be).
async fn load_config(path: &Path) -> Result<Config, ConfigError> {
    let owned = path.to_path_buf();
    match tokio::task::spawn_blocking(move || Config::load(&owned)).await {
        Ok(result) => result,
        Err(e) => Err(ConfigError::Read {
            path: path.to_path_buf(),
            source: std::io::Error::other(e.to_string()),
        }),
    }
}

/// Which sections of `new` differ from `old` in ways a reload cannot apply.
fn sections_needing_restart(old: &Config, new: &Config) -> Vec<&'static str> {
    let mut sections = Vec::new();
    if json(&old.server) != json(&new.server) {
        sections.push("server");
    }
    if json(&old.store) != json(&new.store) {
        sections.push("store");
    }
    let defaults = CrawlerConfig::default();
    if json(&with_source_defaults(&old.crawler, &defaults))
        != json(&with_source_defaults(&new.crawler, &defaults))
    {
        sections.push("crawler");
    }
    sections
}

fn json<T: serde::Serialize>(value: &T) -> Option<serde_json::Value> {
    serde_json::to_value(value).ok()
}

/// `running` with the per-source defaults (`max_depth`, `max_pages`, `min_delay`) of
/// `from`. Those apply to the next crawl after a reload; the other `[crawler]` keys
/// configure the shared HTTP client and politeness and need a restart.
fn with_source_defaults(running: &CrawlerConfig, from: &CrawlerConfig) -> CrawlerConfig {
    CrawlerConfig {
        max_depth: from.max_depth,
        max_pages: from.max_pages,
        min_delay: from.min_delay,
        ..running.clone()
    }
}

/// One line for `systemctl status`: sources, crawls running, store counts.
async fn status_line(scheduler: &SchedulerHandle, store: &Backend) -> String {
    let statuses = scheduler.statuses();
    let crawling = statuses.iter().filter(|s| s.state == "crawling").count();
    let counts = match store.queue.stats().await {
        Ok(s) => format!(
            "{} articles, {} pending, {} leased",
            s.articles, s.pending, s.leased
        ),
        _ => "store not answering".to_string(),
    };
    format!(
        "{} source{} ({} crawling); {}",
        statuses.len(),
        if statuses.len() == 1 { "" } else { "s" },
        crawling,
        counts
    )
}

/// The schedule kept in the article store (as JSON, so the store need not know its type),
/// so that a restart neither recrawls every source at once nor forgets an interrupted crawl.
/// A state that cannot be read is logged and forgotten: the source is then crawled soon,
/// which is what a daemon without memory does anyway.
struct StoredSchedule(Arc<dyn crate::store::ScheduleMemory>);

#[async_trait::async_trait]
impl ScheduleMemory for StoredSchedule {
    async fn recall(&self, source: &str) -> Option<RememberedSource> {
        let bytes = match self.0.recall(source).await {
            Ok(bytes) => bytes?,
            Err(e) => {
                tracing::warn!(source, error = %e, "cannot read the remembered schedule; crawling soon");
                return None;
            }
        };
        match serde_json::from_slice(&bytes) {
            Ok(remembered) => Some(remembered),
            Err(e) => {
                tracing::warn!(source, error = %e, "the remembered schedule is unreadable (written by another version?); crawling soon");
                None
            }
        }
    }

    async fn remember(&self, remembered: &RememberedSource) {
        let source = remembered.config.name.as_str();
        let written = match serde_json::to_vec(remembered) {
            Ok(bytes) => self
                .0
                .remember(source, &bytes)
                .await
                .map_err(|e| e.to_string()),
            Err(e) => Err(e.to_string()),
        };
        if let Err(error) = written {
            tracing::warn!(source, %error, "cannot remember the schedule; a restart will crawl this source soon");
        }
    }
}
