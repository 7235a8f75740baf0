//! Logging set-up: human lines on a terminal, JSON lines for systemd's journal.

use tracing_subscriber::EnvFilter;

use crate::cli::LogFormat;

/// Installs the global tracing subscriber, writing to stderr (stdout carries data).
///
/// The level comes from `level` (a level or a `RUST_LOG`-style directive), else `RUST_LOG`,
/// else `info`. The format is `format` when given, else JSON when systemd started us
/// (`JOURNAL_STREAM` is set), else human-readable.
pub fn init(level: Option<&str>, format: Option<LogFormat>) -> Result<(), LoggingError> {
    let filter = match level {
        Some(level) => EnvFilter::try_new(level).map_err(|e| LoggingError::Filter {
            filter: level.to_string(),
            reason: e.to_string(),
        })?,
        None => EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info")),
    };
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
