//! `gleaner export`: stored articles as JSON lines or WARC, to stdout or a file.

use std::fs;
use std::io::{self, BufWriter, Write};
use std::path::Path;

use anyhow::Context;
use flate2::Compression;
use flate2::write::GzEncoder;
use gleaner::cli::{ExportArgs, ExportFormat};
use gleaner::store::export::{ExportFilter, export_jsonl, export_warc};
use gleaner::store::{ArticleReader, VersionHistory};

use super::EXIT_OK;
use super::remote::{block_on, open_consumer};

pub fn run(args: ExportArgs) -> anyhow::Result<u8> {
    block_on(async {
        // The local database, or the daemon's API while the daemon holds it.
        let consumer = open_consumer(&args.data).await?;
        let source = Source {
            reader: consumer.reader.as_ref(),
            history: consumer.versions.as_ref(),
            versions: args.versions,
        };
        let filter = ExportFilter {
            since: args.since,
            source: args.source.clone(),
        };
        let count = match &args.output {
            None => {
                let stdout = io::stdout();
                let mut out = BufWriter::new(stdout.lock());
                write_export(&source, &filter, args.format, &mut out, false, None).await?
            }
            Some(path) => write_to_file(&source, &filter, args.format, path).await?,
        };
        tracing::info!(articles = count, format = ?args.format, "export written");
        Ok(EXIT_OK)
    })?
}

/// Where an export reads from, and whether JSON lines carry every version.
struct Source<'a> {
    reader: &'a dyn ArticleReader,
    history: &'a dyn VersionHistory,
    versions: bool,
}

async fn write_export(
    store: &Source<'_>,
    filter: &ExportFilter,
    format: ExportFormat,
    out: &mut dyn Write,
    gzip: bool,
    filename: Option<&str>,
) -> anyhow::Result<u64> {
    let versions = store.versions.then_some(store.history);
    let count = match (format, gzip) {
        (ExportFormat::Jsonl, false) => export_jsonl(store.reader, versions, filter, out).await?,
        (ExportFormat::Jsonl, true) => {
            let mut gz = GzEncoder::new(out, Compression::default());
            let count = export_jsonl(store.reader, versions, filter, &mut gz).await?;
            gz.finish().context("finishing the gzip stream")?;
            count
        }
        (ExportFormat::Warc, gzip) => {
            export_warc(store.reader, store.history, filter, out, gzip, filename).await?
        }
    };
    Ok(count)
}

/// Writes next to `path` and renames when complete, so a reader never sees half an export
/// and a failed export leaves an earlier file intact.
async fn write_to_file(
    store: &Source<'_>,
    filter: &ExportFilter,
    format: ExportFormat,
    path: &Path,
) -> anyhow::Result<u64> {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .with_context(|| format!("{} is not a file name", path.display()))?;
    let gzip = name.ends_with(".gz");
    let tmp = path.with_file_name(format!(".{name}.partial"));
    let result = async {
        let file = fs::File::create(&tmp).with_context(|| format!("creating {}", tmp.display()))?;
        let mut out = BufWriter::new(file);
        let count = write_export(store, filter, format, &mut out, gzip, Some(&name)).await?;
        let file = out
            .into_inner()
            .map_err(|e| e.into_error())
            .with_context(|| format!("writing {}", tmp.display()))?;
        file.sync_all()
            .with_context(|| format!("syncing {}", tmp.display()))?;
        fs::rename(&tmp, path)
            .with_context(|| format!("renaming {} to {}", tmp.display(), path.display()))?;
        anyhow::Ok(count)
    }
    .await;
    if result.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    result
}
