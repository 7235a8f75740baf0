//! The command-line surface: every subcommand, flag, default and exit code.
//!
//! These types only describe arguments; the work is done in the binary's `commands`
//! module, so the library stays free of process concerns (exit codes, stdout).

use std::path::PathBuf;

use crate::store::StoreLocation;
use clap::{Args, Parser, Subcommand, ValueEnum};

pub const EXIT_CODES_HELP: &str = "\
Exit codes:
  0  success (gleaner crawl: a seed was reached; errors on the way are in the summary)
  1  runtime failure (network, store, I/O; gleaner crawl: no seed could be fetched)
  2  usage or configuration error
  3  input is not an article (gleaner extract)";

/// gleaner: a polite crawler daemon that collects clean, deduplicated, attributable news and
/// NGO articles.
#[derive(Debug, Parser)]
#[command(name = "gleaner", version, about, after_help = EXIT_CODES_HELP)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Args)]
pub struct GlobalArgs {
    /// Log level or filter (error, warn, info, debug, trace, or a RUST_LOG-style directive).
    /// Default: $RUST_LOG, else info.
    #[arg(long, global = true, value_name = "LEVEL")]
    pub log_level: Option<String>,
    /// Log format on stderr. Default: json when started by systemd ($JOURNAL_STREAM set),
    /// else human.
    #[arg(long, global = true, value_enum, value_name = "FORMAT")]
    pub log_format: Option<LogFormat>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LogFormat {
    /// Readable lines for a terminal.
    Human,
    /// One JSON object per line, for journald and log shippers.
    Json,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the daemon: crawl the config's sources on schedule, serve the HTTP API.
    #[command(after_help = EXIT_CODES_HELP)]
    Run(RunArgs),
    /// Show the running daemon's sources: last and next crawl, pages, articles, errors.
    #[command(after_help = EXIT_CODES_HELP)]
    Status(StatusArgs),
    /// Crawl from seed URLs once, politely, storing the articles found; rerun to resume.
    #[command(after_help = EXIT_CODES_HELP)]
    Crawl(CrawlArgs),
    /// Write stored articles as JSON lines or WARC.
    #[command(after_help = EXIT_CODES_HELP)]
    Export(ExportArgs),
    /// Consume articles: pop with a lease, acknowledge, or show counts.
    #[command(subcommand)]
    Queue(QueueCommand),
    /// Show every stored version of an article, oldest first; with --diff, what changed
    /// from one to the next, word by word.
    #[command(after_help = EXIT_CODES_HELP)]
    History(HistoryArgs),
    /// List edits, removals and restorations of stored articles, oldest first.
    #[command(after_help = EXIT_CODES_HELP)]
    Changes(ChangesArgs),
    /// Extract the article from saved pages (HTML, or gzip-compressed HTML).
    ///
    /// Each PATH is extracted on its own; `-` reads standard input. A page that holds no
    /// article is reported on stderr and the others go on; the exit code is then 3.
    #[command(after_help = EXIT_CODES_HELP)]
    Extract(ExtractArgs),
    /// Re-run the current extractor on stored raw pages; changed articles are updated and
    /// queued again.
    #[command(after_help = EXIT_CODES_HELP)]
    Reextract(ReextractArgs),
    /// Copy an embedded store (a data directory) into an empty PostgreSQL database:
    /// articles and versions, raw pages, validators, the queue with its leases, the
    /// schedule and each crawl's pending URLs. Stop gleaner on the directory first.
    #[command(name = "migrate-store", after_help = EXIT_CODES_HELP)]
    MigrateStore(MigrateStoreArgs),
}

#[derive(Debug, Args)]
pub struct CrawlArgs {
    /// Start page(s); the crawl stays on their registrable domains. Repeatable.
    #[arg(long = "seed", value_name = "URL", required = true, num_args = 1..)]
    pub seeds: Vec<crate::config::HttpUrl>,
    /// Configuration file (TOML) for the [crawler] and [store] settings. Default: built-in
    /// defaults.
    #[arg(long, short, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Database directory, or a PostgreSQL database (postgres://USER@HOST:PORT/DB) shared
    /// with other gleaner processes. Default: store.url or store.path from the config, else
    /// $STATE_DIRECTORY, else ./gleaner-data.
    #[arg(long, value_name = "DIR|URL")]
    pub data: Option<StoreLocation>,
    /// Page requests this run may make. Default: crawler.max_pages (10000).
    #[arg(long, value_name = "N")]
    pub max_pages: Option<u64>,
    /// Links followed away from a seed. Default: crawler.max_depth (3).
    #[arg(long, value_name = "N")]
    pub max_depth: Option<u32>,
}

/// `--data DIR`, shared by the commands that read the article store.
#[derive(Debug, Clone, Args)]
pub struct DataArgs {
    /// Data directory of the article store, or its PostgreSQL database
    /// (postgres://USER@HOST:PORT/DB). Default: ./gleaner-data.
    #[arg(long, value_name = "DIR|URL", default_value = crate::config::DEFAULT_STORE_PATH)]
    pub data: StoreLocation,
    /// Used when a running daemon holds the database: its API is asked instead.
    #[command(flatten)]
    pub api: ApiArgs,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ExportFormat {
    /// One JSON article record per line, all fields, duplicates marked by `duplicate_of`.
    Jsonl,
    /// WARC/1.1: per fetched version of each article a `response` record (its kept raw
    /// page) and a `metadata` record with the extraction, and a `revisit` record per
    /// revisit that found it unchanged. Gzipped per record when the output file name ends
    /// in `.gz`.
    Warc,
}

#[derive(Debug, Args)]
pub struct ExportArgs {
    #[command(flatten)]
    pub data: DataArgs,
    /// Output format. Default: jsonl.
    #[arg(long, value_enum, default_value = "jsonl")]
    pub format: ExportFormat,
    /// Only articles whose current version was fetched at or after this time (RFC 3339,
    /// e.g. 2026-11-01T00:00:00Z). Default: all.
    #[arg(long, value_name = "RFC3339", value_parser = parse_rfc3339)]
    pub since: Option<chrono::DateTime<chrono::Utc>>,
    /// Only articles of this source. Default: all sources.
    #[arg(long, value_name = "NAME")]
    pub source: Option<String>,
    /// Write here instead of stdout (replaced atomically when complete). Default: stdout.
    #[arg(long, short, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// JSON lines: each record also carries `versions`, every version of its text (title,
    /// text, fetched_at, hashes, validators, revisits), oldest first. WARC always holds
    /// every version.
    #[arg(long)]
    pub versions: bool,
}

#[derive(Debug, Args)]
pub struct HistoryArgs {
    #[command(flatten)]
    pub data: DataArgs,
    /// The article's id (16 hex digits, the `id` of its record). Exits 1 if unknown.
    #[arg(value_name = "ID")]
    pub id: crate::store::ArticleId,
    /// Show each version after the first as the words removed `[-…-]` and added `{+…+}`
    /// in the paragraphs that changed. Default: every version's full text.
    #[arg(long)]
    pub diff: bool,
    /// Print the record's removal and every version as JSON instead.
    #[arg(long, conflicts_with = "diff")]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct ChangesArgs {
    #[command(flatten)]
    pub data: DataArgs,
    /// Only changes seen at or after this time: RFC 3339 (2026-11-01T00:00:00Z), a date
    /// (2026-11-01, midnight UTC), or a duration back from now (90m, 2h, 7d).
    /// Default: all.
    #[arg(long, value_name = "TIME", value_parser = parse_since)]
    pub since: Option<Since>,
    /// Only changes of this source. Default: all sources.
    #[arg(long, value_name = "NAME")]
    pub source: Option<String>,
    /// One JSON object per change (`seq`, `id`, `url`, `source`, `kind`, `at`, `version`,
    /// `evidence` for removals) instead of a line of text.
    #[arg(long)]
    pub json: bool,
}

/// A `--since` bound: a point in time, or a span back from when the command runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Since {
    At(chrono::DateTime<chrono::Utc>),
    Ago(std::time::Duration),
}

impl Since {
    /// The point in time, with `now` for a span back.
    pub fn resolve(self, now: chrono::DateTime<chrono::Utc>) -> chrono::DateTime<chrono::Utc> {
        match self {
            Since::At(t) => t,
            Since::Ago(d) => chrono::Duration::from_std(d)
                .ok()
                .and_then(|d| now.checked_sub_signed(d))
                .unwrap_or(chrono::DateTime::<chrono::Utc>::MIN_UTC),
        }
    }
}

fn parse_since(s: &str) -> Result<Since, String> {
    let s = s.trim();
    if let Ok(t) = chrono::DateTime::parse_from_rfc3339(s) {
        return Ok(Since::At(t.with_timezone(&chrono::Utc)));
    }
    if let Ok(day) = chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d") {
        return Ok(Since::At(day.and_time(chrono::NaiveTime::MIN).and_utc()));
    }
    humantime::parse_duration(s).map(Since::Ago).map_err(|_| {
        format!(
            "{s:?} is not a time: write an RFC 3339 time (2026-11-01T00:00:00Z), a date \
             (2026-11-01) or a duration back from now (2h, 7d)"
        )
    })
}

#[derive(Debug, Subcommand)]
pub enum QueueCommand {
    /// Lease the oldest waiting articles and print them as JSON lines, each with
    /// `"delivery": {"token", "lease_expires"}`.
    #[command(after_help = EXIT_CODES_HELP)]
    Pop(QueuePopArgs),
    /// Acknowledge delivered articles by token; exits 1 if any token was unknown or its
    /// lease had lapsed (the others are still acknowledged).
    #[command(after_help = EXIT_CODES_HELP)]
    Ack(QueueAckArgs),
    /// Print queue counts as JSON: articles, pending, leased, acked, duplicates.
    #[command(after_help = EXIT_CODES_HELP)]
    Stats(QueueStatsArgs),
}

#[derive(Debug, Args)]
pub struct QueuePopArgs {
    #[command(flatten)]
    pub data: DataArgs,
    /// Most articles to deliver. Default: 10.
    #[arg(long, default_value_t = 10, value_name = "N")]
    pub max: usize,
    /// How long the consumer has to acknowledge before the articles are delivered again.
    /// Default: 60s.
    #[arg(long, default_value = "60s", value_name = "DURATION")]
    pub lease: crate::config::Dur,
}

#[derive(Debug, Args)]
pub struct QueueAckArgs {
    #[command(flatten)]
    pub data: DataArgs,
    /// Tokens from `queue pop` deliveries.
    #[arg(required = true, value_name = "TOKEN")]
    pub tokens: Vec<String>,
}

#[derive(Debug, Args)]
pub struct QueueStatsArgs {
    #[command(flatten)]
    pub data: DataArgs,
}

#[derive(Debug, Args)]
pub struct ReextractArgs {
    #[command(flatten)]
    pub data: DataArgs,
    /// Only articles of this source. Default: all sources.
    #[arg(long, value_name = "NAME")]
    pub source: Option<String>,
}

fn parse_rfc3339(s: &str) -> Result<chrono::DateTime<chrono::Utc>, String> {
    chrono::DateTime::parse_from_rfc3339(s.trim())
        .map(|t| t.with_timezone(&chrono::Utc))
        .map_err(|e| {
            format!("{s:?} is not an RFC 3339 time ({e}); write e.g. 2026-11-01T00:00:00Z")
        })
}

#[derive(Debug, Args)]
pub struct ExtractArgs {
    /// The page's URL: base for relative links, canonical and image URLs, dates in the path.
    #[arg(long, value_name = "URL")]
    pub url: Option<url::Url>,
    /// Language to keep from multilingual pages (qTranslate markers), e.g. `en`.
    #[arg(long, value_name = "CODE")]
    pub lang: Option<String>,
    /// When the page was fetched (RFC 3339, e.g. `2024-05-21T09:00:00+04:00`): relative
    /// dates ("2 hours ago", "Bu gün, 00:15") count back from it, and later dates are
    /// implausible. A crawl gives each page its fetch time; a saved page has none.
    #[arg(long, value_name = "RFC3339", value_parser = parse_rfc3339)]
    pub fetched_at: Option<chrono::DateTime<chrono::Utc>>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = ExtractFormat::Text)]
    pub format: ExtractFormat,
    /// Keep links in Markdown output.
    #[arg(long)]
    pub links: bool,
    /// Keep images in Markdown output.
    #[arg(long)]
    pub images: bool,
    /// Drop data tables from the output.
    #[arg(long)]
    pub no_tables: bool,
    /// Pages to extract; `-` is standard input.
    #[arg(value_name = "PATH", required = true)]
    pub paths: Vec<PathBuf>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ExtractFormat {
    /// The article text (with several inputs, each under a `==> PATH <==` header).
    Text,
    /// The title as a heading, then the body as Markdown.
    Markdown,
    /// A JSON object per input: pretty for one input, one per line for several.
    Json,
    /// One JSON object per line.
    Jsonl,
}

#[derive(Debug, Args)]
pub struct MigrateStoreArgs {
    /// Data directory of the embedded store to copy (not changed).
    #[arg(long, value_name = "DIR")]
    pub from: PathBuf,
    /// The PostgreSQL database to copy into (postgres://USER@HOST:PORT/DB); gleaner
    /// creates its schema there. It must hold no articles yet.
    #[arg(long, value_name = "URL")]
    pub to: String,
}

#[derive(Debug, Args)]
pub struct RunArgs {
    /// Configuration file (TOML).
    #[arg(long, short, value_name = "FILE")]
    pub config: PathBuf,
    /// Validate the configuration and exit: 0 when valid, 2 when not.
    #[arg(long)]
    pub check: bool,
}

/// How a command finds the running daemon's HTTP API.
#[derive(Debug, Clone, Args)]
pub struct ApiArgs {
    /// Base URL of the daemon's API, e.g. http://127.0.0.1:7878. Default: the
    /// `server.listen` address of --config (where the command takes one), else
    /// http://127.0.0.1:7878.
    #[arg(long, value_name = "URL", env = "GLEANER_SERVER")]
    pub server: Option<String>,
    /// Bearer token for the API. Default: `server.auth_token` of --config, else none.
    #[arg(
        long,
        value_name = "TOKEN",
        env = "GLEANER_TOKEN",
        hide_env_values = true
    )]
    pub token: Option<String>,
}

#[derive(Debug, Args)]
pub struct StatusArgs {
    /// The daemon's configuration file, to find its API address and token. Default: none.
    #[arg(long, short, value_name = "FILE")]
    pub config: Option<PathBuf>,
    #[command(flatten)]
    pub api: ApiArgs,
    /// Print the API's JSON instead of a table. Default: a table.
    #[arg(long)]
    pub json: bool,
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn cli_definition_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn since_takes_a_time_a_date_or_a_span_back() {
        let now = chrono::DateTime::parse_from_rfc3339("2026-12-03T12:00:00Z")
            .expect("time")
            .to_utc();
        let at = |s: &str| parse_since(s).map(|since| since.resolve(now).to_rfc3339());
        assert_eq!(
            at("2026-11-01T10:00:00+02:00").as_deref(),
            Ok("2026-11-01T08:00:00+00:00")
        );
        assert_eq!(at("2026-11-01").as_deref(), Ok("2026-11-01T00:00:00+00:00"));
        assert_eq!(at("2h").as_deref(), Ok("2026-12-03T10:00:00+00:00"));
        assert_eq!(at("7d").as_deref(), Ok("2026-11-26T12:00:00+00:00"));
        let err = parse_since("yesterday").expect_err("not a time");
        assert!(err.contains("RFC 3339"), "{err}");
    }
}
