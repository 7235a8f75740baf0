//! Exports: every record as JSON lines, or the raw pages and extractions as WARC.

use std::io::{self, Write};

use chrono::{DateTime, Utc};

use super::Store;
use super::error::StoreError;
use super::record::ArticleRecord;
use super::warc::WarcWriter;

/// Which records an export includes.
#[derive(Debug, Clone, Default)]
pub struct ExportFilter {
    /// Only records whose current version was fetched at or after this time.
    pub since: Option<DateTime<Utc>>,
    /// Only records of this source.
    pub source: Option<String>,
}

impl ExportFilter {
    fn accepts(&self, record: &ArticleRecord) -> bool {
        self.since.is_none_or(|t| record.provenance.fetched_at >= t)
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("cannot write the export: {0}")]
    Io(#[from] io::Error),
}

/// Records read from the store per step: bounds memory whatever the database size.
const PAGE: usize = 256;

/// Calls `visit` for every record the filter accepts, in store order.
pub fn for_each_record(
    store: &dyn Store,
    filter: &ExportFilter,
    mut visit: impl FnMut(&ArticleRecord) -> Result<(), ExportError>,
) -> Result<u64, ExportError> {
    let mut after = 0;
    let mut count = 0;
    loop {
        let page = store.articles_since(after, filter.source.as_deref(), PAGE)?;
        let Some(last) = page.last() else {
            return Ok(count);
        };
        after = last.seq;
        for record in page.iter().filter(|r| filter.accepts(r)) {
            visit(record)?;
            count += 1;
        }
    }
}

/// Writes one JSON record per line (duplicates included, marked by `duplicate_of`).
/// Returns the number of records written.
pub fn export_jsonl(
    store: &dyn Store,
    filter: &ExportFilter,
    out: &mut dyn Write,
) -> Result<u64, ExportError> {
    let count = for_each_record(store, filter, |record| {
        serde_json::to_writer(&mut *out, record).map_err(io::Error::other)?;
        out.write_all(b"\n")?;
        Ok(())
    })?;
    out.flush()?;
    Ok(count)
}

/// Writes a WARC/1.1 file: a `warcinfo` record, then per article a `response` record (when
/// its raw page was kept) and a `metadata` record. Returns the number of articles.
pub fn export_warc(
    store: &dyn Store,
    filter: &ExportFilter,
    out: &mut dyn Write,
    gzip: bool,
    filename: Option<&str>,
) -> Result<u64, ExportError> {
    let mut warc = WarcWriter::new(out, gzip);
    warc.write_warcinfo(filename, Utc::now())?;
    let count = for_each_record(store, filter, |record| {
        let raw = store.raw_page(record.id)?;
        warc.write_article(record, raw.as_ref())?;
        Ok(())
    })?;
    warc.flush()?;
    Ok(count)
}
