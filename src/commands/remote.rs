//! Reaching the data while the daemon holds the database.
//!
//! sled allows one process per database. Commands that read or change the store
//! (`gleaner queue …`, `gleaner export`) open it directly when they can; when the store
//! reports it is locked by another gleaner, they go through that daemon's HTTP API instead.
//! With neither reachable, the error says both: which database is held (and by whom), and
//! why the API could not be reached.

use std::future::Future;

use anyhow::Context;
use gleaner::cli::ApiArgs;
use gleaner::config::{Config, ServerConfig};
use gleaner::daemon::client::{ApiClient, base_url_for};

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
