//! `gleaner reextract`: run the current extractor over the raw pages kept in the store.

use anyhow::Context;
use gleaner::cli::ReextractArgs;
use gleaner::extract::{self, EXTRACTOR_VERSION, ExtractOptions};
use gleaner::store::reextract::reextract;
use gleaner::store::{ArticleRecord, RawPage, SledStore, StoreOptions};

use super::EXIT_OK;

pub fn run(args: ReextractArgs) -> anyhow::Result<u8> {
    let store = SledStore::open_existing(&args.data.data, StoreOptions::default())
        .with_context(|| format!("opening the article store in {}", args.data.data.display()))?;
    let summary = reextract(
        &store,
        args.source.as_deref(),
        EXTRACTOR_VERSION,
        extract_stored,
    )
    .context("re-extracting stored pages")?;
    println!("{}", serde_json::to_string(&summary)?);
    if summary.without_raw > 0 {
        tracing::warn!(
            articles = summary.without_raw,
            "articles without a kept raw page were skipped (stored with store.keep_raw = false)"
        );
    }
    Ok(EXIT_OK)
}

/// The extractor's inputs, as they were when the page was fetched.
fn extract_stored(
    record: &ArticleRecord,
    raw: &RawPage,
) -> Result<gleaner::extract::Article, String> {
    let p = &record.provenance;
    let content_type = raw
        .headers
        .iter()
        .find(|(name, _)| name.eq_ignore_ascii_case("content-type"))
        .map(|(_, value)| value.clone())
        .or_else(|| match (&p.content_type, &p.charset) {
            (Some(t), Some(c)) => Some(format!("{t}; charset={c}")),
            (t, _) => t.clone(),
        });
    let options = ExtractOptions {
        url: url::Url::parse(&p.final_url).ok(),
        content_type,
        // Keep the language chosen at crawl time on multilingual pages.
        preferred_lang: record.article.lang.clone(),
        reference_time: Some(p.fetched_at),
        ..ExtractOptions::default()
    };
    extract::extract(&raw.body, &options).map_err(|e| e.to_string())
}
