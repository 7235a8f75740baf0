//! `gleaner reextract`: run the current extractor over the raw pages kept in the store.
//!
//! Opens the database directly when it can; while the daemon holds it, the daemon runs the
//! re-extraction (`POST /api/reextract`) and this command waits for its summary.

use anyhow::Context;
use gleaner::cli::ReextractArgs;
use gleaner::config::StoreConfig;
use gleaner::daemon::client::ClientError;
use gleaner::store::reextract::{ReextractSummary, reextract_with_current};
use gleaner::store::{Backend, Embedded, OpenStore, SledStore, StoreLocation, StoreOptions};

use super::EXIT_OK;
use super::remote::{api_client, block_on};

pub fn run(args: ReextractArgs) -> anyhow::Result<u8> {
    let data = &args.data;
    let path = match &data.data {
        StoreLocation::Directory(path) => path.clone(),
        StoreLocation::Postgres(_) => {
            let summary = block_on(async {
                let store = OpenStore::open_existing(&data.data, &StoreConfig::default())
                    .await
                    .with_context(|| format!("opening the article store at {}", data.data))?;
                let backend = store.backend();
                reextract_with_current(
                    backend.reader.as_ref(),
                    backend.sink.as_ref(),
                    args.source.as_deref(),
                )
                .await
                .context("re-extracting stored pages")
            })??;
            return report(&summary);
        }
    };
    let summary = match SledStore::open_existing(&path, StoreOptions::default()) {
        Ok(store) => {
            let store = Backend::embedded(Embedded::new(store));
            block_on(reextract_with_current(
                store.reader.as_ref(),
                store.sink.as_ref(),
                args.source.as_deref(),
            ))?
            .context("re-extracting stored pages")?
        }
        Err(locked) if locked.is_locked() => {
            let client = api_client(&data.api, None)?;
            tracing::info!(
                api = client.base(),
                "database held by the daemon; it runs the re-extraction"
            );
            block_on(client.reextract(args.source.as_deref()))?.map_err(|api_error| {
                match api_error {
                    ClientError::Unreachable { .. } => anyhow::anyhow!(
                        "neither the database nor the daemon API is reachable: {locked}; and {api_error}"
                    ),
                    other => anyhow::Error::new(other)
                        .context("re-extracting stored pages through the daemon API"),
                }
            })?
        }
        Err(e) => {
            return Err(anyhow::Error::new(e))
                .with_context(|| format!("opening the article store in {}", path.display()));
        }
    };
    report(&summary)
}

fn report(summary: &ReextractSummary) -> anyhow::Result<u8> {
    println!("{}", serde_json::to_string(summary)?);
    if summary.without_raw > 0 {
        tracing::warn!(
            articles = summary.without_raw,
            "articles without a kept raw page were skipped (stored with store.keep_raw = false)"
        );
    }
    Ok(EXIT_OK)
}
