//! `gleaner extract`: run the extractor over saved pages and print the articles.

use std::io::{self, Read, Write};
use std::path::Path;

use anyhow::Context;
use gleaner::cli::{ExtractArgs, ExtractFormat};
use gleaner::extract::decode::maybe_gunzip;
use gleaner::extract::{Article, ExtractError, ExtractOptions, extract_full};
use serde::Serialize;

use super::{EXIT_FAILURE, EXIT_NOT_ARTICLE, EXIT_OK};

/// Largest input read, compressed or not: far above any real page, low enough that a
/// stray binary or a gzip bomb cannot exhaust memory.
const MAX_INPUT_BYTES: usize = 64 * 1024 * 1024;

/// The JSON record: exactly these fields, in this order (an acceptance-test contract).
#[derive(Serialize)]
struct Record<'a> {
    path: &'a str,
    url: Option<&'a str>,
    #[serde(flatten)]
    article: &'a Article,
}

pub fn run(args: ExtractArgs) -> anyhow::Result<u8> {
    let opts = ExtractOptions {
        url: args.url.clone(),
        preferred_lang: args.lang.clone(),
        reference_time: args.fetched_at,
        keep_tables: !args.no_tables,
        keep_images: args.images,
        keep_links: args.links,
        ..ExtractOptions::default()
    };
    let several = args.paths.len() > 1;
    let stdout = io::stdout();
    let mut out = io::BufWriter::new(stdout.lock());
    let mut failed = false;
    let mut not_article = false;
    for (n, path) in args.paths.iter().enumerate() {
        let label = path.to_string_lossy();
        let bytes = match read_input(path) {
            Ok(b) => b,
            Err(e) => {
                eprintln!("gleaner: {label}: {e:#}");
                failed = true;
                continue;
            }
        };
        let extraction = match extract_full(&bytes, &opts) {
            Ok(x) => x,
            Err(e) => {
                tracing::debug!(path = %label, error = %e, "no article extracted");
                eprintln!("gleaner: {label}: {e}");
                match e {
                    ExtractError::NotArticle { .. }
                    | ExtractError::Empty
                    | ExtractError::NotHtml { .. } => not_article = true,
                }
                continue;
            }
        };
        let article = &extraction.article;
        let record = Record {
            path: &label,
            url: opts.url.as_ref().map(url::Url::as_str),
            article,
        };
        let written = match args.format {
            ExtractFormat::Text => {
                if several {
                    if n > 0 {
                        writeln!(out)?;
                    }
                    writeln!(out, "==> {label} <==")?;
                }
                writeln!(out, "{}", article.text)
            }
            ExtractFormat::Markdown => {
                if several && n > 0 {
                    writeln!(out, "\n---\n")?;
                }
                if let Some(title) = &article.title {
                    writeln!(out, "# {title}\n")?;
                }
                writeln!(out, "{}", extraction.markdown)
            }
            ExtractFormat::Json if !several => {
                serde_json::to_writer_pretty(&mut out, &record)?;
                writeln!(out)
            }
            ExtractFormat::Json | ExtractFormat::Jsonl => {
                serde_json::to_writer(&mut out, &record)?;
                writeln!(out)
            }
        };
        written.context("writing to standard output")?;
    }
    out.flush().context("writing to standard output")?;
    Ok(if failed {
        EXIT_FAILURE
    } else if not_article {
        EXIT_NOT_ARTICLE
    } else {
        EXIT_OK
    })
}

/// Reads a file (or stdin for `-`), gunzipping it when it starts with the gzip magic.
fn read_input(path: &Path) -> anyhow::Result<Vec<u8>> {
    let mut raw = Vec::new();
    let limit = u64::try_from(MAX_INPUT_BYTES).unwrap_or(u64::MAX) + 1;
    if path == Path::new("-") {
        io::stdin()
            .lock()
            .take(limit)
            .read_to_end(&mut raw)
            .context("reading standard input")?;
    } else {
        std::fs::File::open(path)
            .and_then(|f| f.take(limit).read_to_end(&mut raw))
            .with_context(|| format!("reading {}", path.display()))?;
    }
    if raw.len() > MAX_INPUT_BYTES {
        anyhow::bail!("input larger than {MAX_INPUT_BYTES} bytes");
    }
    let bytes = maybe_gunzip(&raw, MAX_INPUT_BYTES).context("decompressing gzip input")?;
    Ok(bytes.into_owned())
}
