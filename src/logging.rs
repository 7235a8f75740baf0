//! Logging set-up: human lines on a terminal, JSON lines for systemd's journal.

use tracing_subscriber::EnvFilter;
use tracing_subscriber::filter::ParseError;

use crate::cli::LogFormat;

/// The HTML parser's own log lines shown by default: errors only.
const QUIET_PARSER: &str = "html5ever=error";

/// Installs the global tracing subscriber, writing to stderr (stdout carries data).
///
/// The level comes from `level` (a level or a `RUST_LOG`-style directive), else `RUST_LOG`,
/// else `info`. The format is `format` when given, else JSON when systemd started us
/// (`JOURNAL_STREAM` is set), else human-readable.
pub fn init(level: Option<&str>, format: Option<LogFormat>) -> Result<(), LoggingError> {
    let directive = level
        .map(str::to_string)
        .or_else(|| std::env::var("RUST_LOG").ok())
        .unwrap_or_else(|| "info".to_string());
    let mut filter = EnvFilter::try_new(&directive).map_err(|e| LoggingError::Filter {
        filter: directive.clone(),
        reason: e.to_string(),
    })?;
    // html5ever logs its notes on a page's markup as warnings, one per token: "foster
    // parenting not implemented" (it is) for every word of text misplaced in a table. They
    // say nothing about gleaner's work and would bury its own warnings, so only its errors
    // are shown unless the directive names html5ever itself.
    if !directive.contains("html5ever") {
        filter = filter.add_directive(QUIET_PARSER.parse().map_err(|e: ParseError| {
            LoggingError::Filter {
                filter: QUIET_PARSER.to_string(),
                reason: e.to_string(),
            }
        })?);
    }
    let format = format.unwrap_or(if std::env::var_os("JOURNAL_STREAM").is_some() {
        LogFormat::Json
    } else {
        LogFormat::Human
    });
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    let result = match format {
        LogFormat::Json => builder
            .json()
            .flatten_event(true)
            .with_current_span(false)
            .try_init(),
        LogFormat::Human => builder.with_target(false).try_init(),
    };
    result.map_err(|e| LoggingError::Install(e.to_string()))
}

#[derive(Debug, thiserror::Error)]
pub enum LoggingError {
    #[error("invalid log level or filter {filter:?}: {reason}")]
    Filter { filter: String, reason: String },
    #[error("cannot install the logger: {0}")]
    Install(String),
}
