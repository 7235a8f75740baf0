//! The `gleaner` binary: parse arguments, set up logging, dispatch, map errors to exit codes.

mod commands;

use std::process::ExitCode;

use clap::Parser;
use gleaner::cli::Cli;

// jemalloc instead of the system allocator: a long-running daemon must give back what a
// crawl round allocated. glibc's malloc kept freed memory in per-thread arenas (an idle
// daemon held 289 MiB live and 314 MiB freed); jemalloc's background thread returns dirty
// pages after `dirty_decay_ms` (see `gleaner::JEMALLOC_OPTIONS`).
gleaner::install_jemalloc!();

fn main() -> ExitCode {
    let cli = Cli::parse();
    if let Err(e) = gleaner::logging::init(cli.global.log_level.as_deref(), cli.global.log_format) {
        eprintln!("gleaner: {e}");
        return ExitCode::from(commands::EXIT_USAGE);
    }
    match commands::dispatch(cli.command) {
        Ok(code) => ExitCode::from(code),
        Err(e) => {
            let code = commands::exit_code_for(&e);
            eprintln!("gleaner: {e:#}");
            ExitCode::from(code)
        }
    }
}
