//! Command implementations: the binary's edge, where library errors become `anyhow`
//! errors with context, and outcomes become exit codes.

mod crawl;
mod export;
mod extract;
mod history;
mod migrate_store;
mod queue;
mod reextract;
mod remote;
mod run;
mod status;

use anyhow::Context;
use gleaner::cli::Command;
use gleaner::config::ConfigError;

pub const EXIT_OK: u8 = 0;
pub const EXIT_FAILURE: u8 = 1;
pub const EXIT_USAGE: u8 = 2;
/// `gleaner extract`: the input is not an article.
pub const EXIT_NOT_ARTICLE: u8 = 3;

/// Runs one command; `Ok` carries the exit code for outcomes that are not errors.
pub fn dispatch(command: Command) -> anyhow::Result<u8> {
    match command {
        Command::Run(args) => run::run(args),
        Command::Status(args) => status::status(args),
        Command::Crawl(args) => crawl::crawl(args),
        Command::Export(args) => export::run(args),
        Command::Queue(command) => queue::run(command),
        Command::History(args) => history::history(args),
        Command::Changes(args) => history::changes(args),
        Command::Extract(args) => extract::run(args),
        Command::Reextract(args) => reextract::run(args),
        Command::MigrateStore(args) => migrate_store::run(args),
    }
}

/// Configuration and usage problems exit 2; everything else is a runtime failure.
pub fn exit_code_for(error: &anyhow::Error) -> u8 {
    if error.chain().any(|e| e.is::<ConfigError>()) {
        EXIT_USAGE
    } else {
        EXIT_FAILURE
    }
}

/// The multi-threaded runtime a crawl or the daemon runs on, its blocking pool sized by
/// [`gleaner::crawl::decide::blocking_threads`].
fn crawl_runtime() -> anyhow::Result<tokio::runtime::Runtime> {
    let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .thread_name("gleaner")
        .max_blocking_threads(gleaner::crawl::decide::blocking_threads(cores))
        .build()
        .context("starting the async runtime")
}
