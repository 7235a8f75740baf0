//! Reaching the data while the daemon holds the database.
//!
//! sled allows one process per database. Commands that read or change the store
//! (`gleaner queue …`, `gleaner export`) open it directly when they can; when the store
//! reports it is locked by another gleaner, they go through that daemon's HTTP API instead.
//! With neither reachable, the error says both: which database is held (and by whom), and
//! why the API could not be reached.

use std::future::Future;
use std::sync::Arc;

use anyhow::Context;
use gleaner::cli::{ApiArgs, DataArgs};
use gleaner::config::{Config, ServerConfig, StoreConfig};
use gleaner::daemon::client::{ApiClient, base_url_for};
use gleaner::daemon::remote_store::RemoteStore;
use gleaner::store::{
    ArticleReader, Backend, ChangeLog, ConsumerQueue, Embedded, OpenStore, SledStore,
    StoreLocation, StoreOptions, VersionHistory,
};

/// The API client for these arguments: `--server`/`--token` first, then the config's
/// `[server]` (listen address and token), then the defaults.
pub fn api_client(api: &ApiArgs, config: Option<&Config>) -> anyhow::Result<ApiClient> {
    let defaults = ServerConfig::default();
    let server = config.map_or(&defaults, |c| &c.server);
    let base = match &api.server {
        Some(url) => url.clone(),
        None => base_url_for(server.listen),
    };
    let token = api.token.clone().or_else(|| server.auth_token.clone());
    Ok(ApiClient::new(&base, token)?)
}

/// Runs one future to completion on a small runtime (the CLI is otherwise synchronous).
pub fn block_on<F: Future>(future: F) -> anyhow::Result<F::Output> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("starting the async runtime")?;
    Ok(runtime.block_on(future))
}

/// What a consumer command reads the corpus and the queue through.
pub struct Consumer {
    pub reader: Arc<dyn ArticleReader>,
    pub queue: Arc<dyn ConsumerQueue>,
    pub versions: Arc<dyn VersionHistory>,
    pub changes: Arc<dyn ChangeLog>,
}

/// Opens the database in `--data`, or, when another gleaner (the daemon) holds it, reaches
/// the data through that daemon's API (checked with `/healthz` first). With neither
/// reachable, the error says why for both.
pub async fn open_consumer(data: &DataArgs) -> anyhow::Result<Consumer> {
    let path = match &data.data {
        StoreLocation::Directory(path) => path.clone(),
        StoreLocation::Postgres(_) => {
            // A shared database: every process opens it, no daemon to go through.
            let store = OpenStore::open_existing(&data.data, &StoreConfig::default())
                .await
                .with_context(|| format!("opening the article store at {}", data.data))?;
            let backend = store.backend();
            return Ok(Consumer {
                reader: backend.reader,
                queue: backend.queue,
                versions: backend.versions,
                changes: backend.changes,
            });
        }
    };
    let opened = tokio::task::spawn_blocking(move || {
        SledStore::open_existing(&path, StoreOptions::default())
    })
    .await
    .context("opening the article store")?;
    let locked = match opened {
        Ok(store) => {
            let backend = Backend::embedded(Embedded::new(store));
            return Ok(Consumer {
                reader: backend.reader,
                queue: backend.queue,
                versions: backend.versions,
                changes: backend.changes,
            });
        }
        Err(e) if e.is_locked() => e,
        Err(e) => {
            return Err(anyhow::Error::new(e))
                .with_context(|| format!("opening the article store in {}", data.data));
        }
    };
    let remote = RemoteStore::new(api_client(&data.api, None)?);
    match remote.check().await {
        Ok(()) => {
            tracing::debug!(
                api = remote.base(),
                "database held by the daemon; using its API"
            );
            let remote = Arc::new(remote);
            Ok(Consumer {
                reader: remote.clone(),
                queue: remote.clone(),
                versions: remote.clone(),
                changes: remote,
            })
        }
        Err(api_error) => anyhow::bail!(
            "neither the database nor the daemon API is reachable: {locked}; and {api_error}"
        ),
    }
}
