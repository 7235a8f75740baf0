//! `gleaner run`: the daemon, or with `--check` a config validation.

use gleaner::cli::RunArgs;
use gleaner::config::Config;

use super::EXIT_OK;

pub fn run(args: RunArgs) -> anyhow::Result<u8> {
    let config = Config::load(&args.config)?;
    if args.check {
        println!(
            "{}: valid ({} source{})",
            args.config.display(),
            config.sources.len(),
            if config.sources.len() == 1 { "" } else { "s" }
        );
        return Ok(EXIT_OK);
    }
    anyhow::bail!("the daemon is not part of this build yet; use --check to validate the config")
}
