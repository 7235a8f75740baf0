//! Exports: every record as JSON lines, or the raw pages and extractions as WARC.

use std::io::{self, Write};

use chrono::{DateTime, Utc};

use super::error::StoreError;
use super::record::ArticleRecord;
use super::roles::{ArticleReader, VersionHistory};
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
pub async fn for_each_record(
    store: &dyn ArticleReader,
    filter: &ExportFilter,
    mut visit: impl AsyncFnMut(&ArticleRecord) -> Result<(), ExportError>,
) -> Result<u64, ExportError> {
    let mut after = 0;
    let mut count = 0;
    loop {
        let page = store
            .articles_since(after, filter.source.as_deref(), PAGE)
            .await?;
        let Some(last) = page.last() else {
            return Ok(count);
        };
        after = last.seq;
        for record in page.iter().filter(|r| filter.accepts(r)) {
            visit(record).await?;
            count += 1;
        }
    }
}

/// A record with every version of its text, oldest first (`export --versions`).
#[derive(serde::Serialize)]
struct WithVersions<'a> {
    #[serde(flatten)]
    record: &'a ArticleRecord,
    versions: Vec<super::roles::ArticleVersion>,
}

/// Writes one JSON record per line (duplicates included, marked by `duplicate_of`); with
/// `versions`, each record carries `"versions"`: every version of its text, oldest first.
/// Returns the number of records written.
pub async fn export_jsonl(
    store: &dyn ArticleReader,
    versions: Option<&dyn VersionHistory>,
    filter: &ExportFilter,
    out: &mut dyn Write,
) -> Result<u64, ExportError> {
    let count = for_each_record(store, filter, async |record| {
        match versions {
            None => serde_json::to_writer(&mut *out, record).map_err(io::Error::other)?,
            Some(history) => {
                let versions = history.versions(record.id).await?.unwrap_or_default();
                serde_json::to_writer(&mut *out, &WithVersions { record, versions })
                    .map_err(io::Error::other)?;
            }
        }
        out.write_all(b"\n")?;
        Ok(())
    })
    .await?;
    out.flush()?;
    Ok(count)
}

/// Writes a WARC/1.1 file: a `warcinfo` record, then per article every fetched version
/// — a `response` record (when its raw page was kept) and a `metadata` record each, the
/// current one last — and a `revisit` record per revisit that found a version unchanged.
/// Returns the number of articles.
pub async fn export_warc(
    store: &dyn ArticleReader,
    history: &dyn VersionHistory,
    filter: &ExportFilter,
    out: &mut dyn Write,
    gzip: bool,
    filename: Option<&str>,
) -> Result<u64, ExportError> {
    let mut warc = WarcWriter::new(out, gzip);
    warc.write_warcinfo(filename, Utc::now())?;
    let count = for_each_record(store, filter, async |record| {
        let versions = history.versions(record.id).await?.unwrap_or_default();
        for version in &versions {
            let response = if version.version == record.version {
                let raw = store.raw_page(record.id).await?;
                warc.write_article(record, raw.as_ref())?
            } else {
                let raw = history.version_raw(record.id, version.version).await?;
                warc.write_version(record, version, raw.as_ref())?
            };
            for check in &version.revisits {
                warc.write_revisit(record, version, check, response.as_deref())?;
            }
        }
        if !versions.iter().any(|v| v.version == record.version) {
            let raw = store.raw_page(record.id).await?;
            warc.write_article(record, raw.as_ref())?;
        }
        Ok(())
    })
    .await?;
    warc.flush()?;
    Ok(count)
}
