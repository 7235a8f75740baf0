//! `gleaner queue pop|ack|stats`: the consumer side of the article queue.

use std::io::{self, BufWriter, Write};

use anyhow::Context;
use gleaner::cli::{DataArgs, QueueAckArgs, QueueCommand, QueuePopArgs};
use gleaner::store::AckOutcome;

use super::remote::{Consumer, block_on, open_consumer};
use super::{EXIT_FAILURE, EXIT_OK};

pub fn run(command: QueueCommand) -> anyhow::Result<u8> {
    block_on(async {
        match command {
            QueueCommand::Pop(args) => pop(args).await,
            QueueCommand::Ack(args) => ack(args).await,
            QueueCommand::Stats(args) => stats(&args.data).await,
        }
    })?
}

/// The local database, or the daemon's API while the daemon holds it.
async fn open(data: &DataArgs) -> anyhow::Result<Consumer> {
    open_consumer(data).await
}

async fn pop(args: QueuePopArgs) -> anyhow::Result<u8> {
    let store = open(&args.data).await?;
    let deliveries = store
        .queue
        .pop(args.max, args.lease.get())
        .await
        .context("leasing articles from the queue")?;
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

async fn ack(args: QueueAckArgs) -> anyhow::Result<u8> {
    let store = open(&args.data).await?;
    let outcomes = store
        .queue
        .ack(&args.tokens)
        .await
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

async fn stats(data: &DataArgs) -> anyhow::Result<u8> {
    let store = open(data).await?;
    let stats = store.queue.stats().await.context("reading queue counts")?;
    println!("{}", serde_json::to_string(&stats)?);
    Ok(EXIT_OK)
}
