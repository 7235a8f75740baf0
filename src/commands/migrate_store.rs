//! `gleaner migrate-store --from DIR --to postgres://…`: an embedded store copied into a
//! PostgreSQL database, so that several gleaner processes can go on from it.
//!
//! The copy itself is `store::postgres::import_embedded`; this is its edge: open both
//! stores, say what was copied (one JSON line) and what does not carry over.

use std::sync::Arc;

use anyhow::Context;
use gleaner::cli::MigrateStoreArgs;
use gleaner::config::StoreConfig;
use gleaner::store::postgres::{PgSettings, PgStore, import_embedded, is_postgres_url, redact};
use gleaner::store::{SledStore, StoreOptions};

use super::EXIT_OK;
use super::remote::block_on;

pub fn run(args: MigrateStoreArgs) -> anyhow::Result<u8> {
    if !is_postgres_url(&args.to) {
        anyhow::bail!(
            "--to must be a PostgreSQL URL (postgres://USER@HOST:PORT/DB), got {}",
            redact(&args.to)
        );
    }
    // The source's own options (dedup distance, raw pages) are in its records; the
    // target's dedup index is built for the default distance, as `store.url` would.
    let options = StoreOptions::from(&StoreConfig::default());
    let from = SledStore::open_existing(&args.from, options.clone())
        .with_context(|| format!("opening the store in {}", args.from.display()))?;
    let from = Arc::new(from);
    let summary = block_on(async {
        let to = PgStore::connect(&args.to, options, PgSettings::default())
            .await
            .with_context(|| format!("opening the database {}", redact(&args.to)))?;
        tracing::info!(from = %args.from.display(), to = %to.shown_url(), "copying the store");
        import_embedded(from, &to)
            .await
            .with_context(|| format!("copying {} into {}", args.from.display(), to.shown_url()))
    })??;
    println!("{}", serde_json::to_string(&summary)?);
    Ok(EXIT_OK)
}
