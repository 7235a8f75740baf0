//! `gleaner queue pop|ack|stats`: the consumer side of the article queue.

use std::io::{self, BufWriter, Write};

use anyhow::Context;
use chrono::Utc;
use gleaner::cli::{DataArgs, QueueAckArgs, QueueCommand, QueuePopArgs};
use gleaner::store::{AckOutcome, Store};

use super::{EXIT_FAILURE, EXIT_OK};

pub fn run(command: QueueCommand) -> anyhow::Result<u8> {
    match command {
        QueueCommand::Pop(args) => pop(args),
        QueueCommand::Ack(args) => ack(args),
        QueueCommand::Stats(args) => stats(&args.data),
    }
}

/// The local database, or the daemon's API while the daemon holds it.
fn open(data: &DataArgs) -> anyhow::Result<Box<dyn Store>> {
    super::remote::open_store_or_daemon(data)
}

fn pop(args: QueuePopArgs) -> anyhow::Result<u8> {
    let store = open(&args.data)?;
    let deliveries = store
        .pop(args.max, args.lease.get(), Utc::now())
        .context("leasing articles from the queue")?;
    store.flush().context("saving the leases")?;
    let stdout = io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    for delivery in &deliveries {
        serde_json::to_writer(&mut out, delivery).context("writing a delivery")?;
        out.write_all(b"\n").context("writing a delivery")?;
    }
    out.flush().context("writing deliveries")?;
    tracing::debug!(delivered = deliveries.len(), "queue pop");
    Ok(EXIT_OK)
}

fn ack(args: QueueAckArgs) -> anyhow::Result<u8> {
    let store = open(&args.data)?;
    let outcomes = store
        .ack(&args.tokens, Utc::now())
        .context("acknowledging deliveries")?;
    let stdout = io::stdout();
    let mut out = stdout.lock();
    let mut failed = 0;
    for (token, outcome) in args.tokens.iter().zip(&outcomes) {
        let line = serde_json::json!({ "token": token, "outcome": outcome });
        writeln!(out, "{line}").context("writing ack results")?;
        match outcome {
            AckOutcome::Acked => {}
            AckOutcome::Lapsed => {
                failed += 1;
                eprintln!(
                    "gleaner: token {token}: the lease had lapsed; the article is delivered again (nothing acknowledged)"
                );
            }
            AckOutcome::Unknown => {
                failed += 1;
                eprintln!(
                    "gleaner: token {token}: unknown or already acknowledged (nothing changed)"
                );
            }
        }
    }
    Ok(if failed == 0 { EXIT_OK } else { EXIT_FAILURE })
}

fn stats(data: &DataArgs) -> anyhow::Result<u8> {
    let store = open(data)?;
    let stats = store.stats(Utc::now()).context("reading queue counts")?;
    println!("{}", serde_json::to_string(&stats)?);
    Ok(EXIT_OK)
}
