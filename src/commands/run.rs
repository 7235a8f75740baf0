//! `gleaner run`: the daemon, or with `--check` a config validation.

use anyhow::Context;
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
    if config.sources.is_empty() {
        tracing::warn!(
            config = %args.config.display(),
            "no [[source]] configured: the daemon will serve its API but crawl nothing until a reload adds sources"
        );
    }
    let runtime = super::crawl_runtime()?;
    runtime
        .block_on(gleaner::daemon::run(&args.config, config))
        .with_context(|| format!("running the daemon with {}", args.config.display()))?;
    Ok(EXIT_OK)
}
