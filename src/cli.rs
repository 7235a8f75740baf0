//! The command-line surface: every subcommand, flag, default and exit code.
//!
//! These types only describe arguments; the work is done in the binary's `commands`
//! module, so the library stays free of process concerns (exit codes, stdout).

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

pub const EXIT_CODES_HELP: &str = "\
Exit codes:
  0  success
  1  runtime failure (network, store, I/O)
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
    /// Crawl from seed URLs once, politely, storing the articles found; rerun to resume.
    #[command(after_help = EXIT_CODES_HELP)]
    Crawl(CrawlArgs),
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
    /// Database directory. Default: store.path from the config, else $STATE_DIRECTORY,
    /// else ./gleaner-data.
    #[arg(long, value_name = "DIR")]
    pub data: Option<PathBuf>,
    /// Page requests this run may make. Default: crawler.max_pages (10000).
    #[arg(long, value_name = "N")]
    pub max_pages: Option<u64>,
    /// Links followed away from a seed. Default: crawler.max_depth (3).
    #[arg(long, value_name = "N")]
    pub max_depth: Option<u32>,
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

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn cli_definition_is_consistent() {
        Cli::command().debug_assert();
    }
}
