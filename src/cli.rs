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
    /// Show the running daemon's sources: last and next crawl, pages, articles, errors.
    #[command(after_help = EXIT_CODES_HELP)]
    Status(StatusArgs),
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
    /// `server.listen` address of --config, else http://127.0.0.1:7878.
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
}
