//! The `gleaner` binary: parse arguments, set up logging, dispatch, map errors to exit codes.

mod commands;

use std::process::ExitCode;

use clap::Parser;
use gleaner::cli::Cli;

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
