//! Re-extraction: run the current extractor over stored raw pages and update what changed.
//!
//! [`reextract`] takes the extractor as a parameter so the rules here are testable with a
//! fake one; [`reextract_with_current`] is what `gleaner reextract` and the daemon's
//! `POST /api/reextract` run: the current extractor, fed the inputs the page had when it
//! was fetched ([`extract_stored`]).

use super::error::Result;
use super::record::{ArticleId, ArticleRecord, PutOutcome, RawPage};
use super::roles::{ArticleReader, ArticleSink};
use crate::extract::article::Article;
use crate::extract::{self, EXTRACTOR_VERSION, ExtractOptions};

/// What a re-extraction run did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ReextractSummary {
    /// Articles looked at.
    pub examined: u64,
    /// Same output as stored.
    pub unchanged: u64,
    /// Text or metadata changed: record updated and queued again.
    pub updated: u64,
    /// New text turned out to duplicate another article.
    pub duplicates: u64,
    /// No raw page kept (stored with `keep_raw = false`): skipped.
    pub without_raw: u64,
    /// The extractor now rejects the page; the stored record is kept as it was.
    pub rejected: u64,
}

/// Re-extracts every article (of `source`, if given) that has a raw page with the current
/// extractor ([`EXTRACTOR_VERSION`]).
pub async fn reextract_with_current(
    reader: &dyn ArticleReader,
    sink: &dyn ArticleSink,
    source: Option<&str>,
) -> Result<ReextractSummary> {
    reextract(reader, sink, source, EXTRACTOR_VERSION, extract_stored).await
}

/// Runs the current extractor on a stored raw page with the inputs it had when the page was
/// fetched: its final URL, its Content-Type (the kept header, else the recorded type and
/// charset), the language chosen then (so a multilingual page keeps its language) and the
/// fetch time as the reference for "not in the future".
pub fn extract_stored(
    record: &ArticleRecord,
    raw: &RawPage,
) -> std::result::Result<Article, String> {
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
        preferred_lang: record.article.lang.clone(),
        reference_time: Some(p.fetched_at),
        ..ExtractOptions::default()
    };
    extract::extract(&raw.body, &options).map_err(|e| e.to_string())
}

/// Re-extracts every article (of `source`, if given) that has a raw page.
///
/// `extract` gets the stored record (for its URL, content type and fetch time) and raw
/// page, and returns the new article or why the page is not one. Articles are visited in
/// the store order at the start; records updated during the run are not visited twice.
pub async fn reextract(
    store: &dyn ArticleReader,
    sink: &dyn ArticleSink,
    source: Option<&str>,
    extractor_version: &str,
    mut extract: impl FnMut(&ArticleRecord, &RawPage) -> std::result::Result<Article, String>,
) -> Result<ReextractSummary> {
    let mut ids: Vec<ArticleId> = Vec::new();
    let mut after = 0;
    loop {
        let page = store.articles_since(after, source, 1024).await?;
        let Some(last) = page.last() else { break };
        after = last.seq;
        ids.extend(page.iter().map(|r| r.id));
    }
    let mut summary = ReextractSummary::default();
    for id in ids {
        let Some(record) = store.article(id).await? else {
            continue;
        };
        summary.examined += 1;
        let Some(raw) = store.raw_page(id).await? else {
            summary.without_raw += 1;
            continue;
        };
        let article = match extract(&record, &raw) {
            Ok(article) => article,
            Err(reason) => {
                tracing::warn!(url = %record.provenance.final_url, id = %id, %reason,
                    "the current extractor rejects this stored page; keeping the stored record");
                summary.rejected += 1;
                continue;
            }
        };
        match sink
            .apply_reextraction(id, article, extractor_version)
            .await?
        {
            Some(PutOutcome::Unchanged { .. }) | None => summary.unchanged += 1,
            Some(PutOutcome::Duplicate { of, .. }) => {
                tracing::info!(url = %record.provenance.final_url, id = %id, duplicate_of = %of,
                    "re-extracted text duplicates another article");
                summary.duplicates += 1;
            }
            Some(outcome @ (PutOutcome::Updated { .. } | PutOutcome::New { .. })) => {
                tracing::info!(url = %record.provenance.final_url, id = %id, ?outcome,
                    "re-extraction changed the article");
                summary.updated += 1;
            }
        }
    }
    Ok(summary)
}
