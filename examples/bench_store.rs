//! Store benchmark: article upserts/s, queue pop+ack/s, and database size against the
//! JSON size of the same records (raw pages off, as the size target is stated).
//!
//! ```text
//! cargo run --release --example bench_store [-- ARTICLES [RUNS [BATCH]]]
//! cargo run --release --example bench_store -- scale ARTICLES [REOPENS]
//! cargo run --release --example bench_store -- upserts [ARTICLES [BATCH [stream|calls]]]
//! cargo run --release --example bench_store -- parts [ARTICLES]
//! ```
//!
//! Defaults: 50 000 articles of ~2.5 KB text (400 words), 5 runs, batches of 500 (one flush
//! per batch). Each run uses a fresh database in a temporary directory; medians are
//! printed last.
//!
//! `scale` fills one database with ARTICLES (a million, say) and then opens it REOPENS
//! times (default 3), each in a fresh process, reporting the median open time, the
//! in-memory indexes' size and the process's resident memory after the open.
//!
//! Upserts go through `KvStore::put_article_batches`, the way to load many articles: each
//! batch is fingerprinted while the one before it is written.
//!
//! `upserts` times the batched upserts alone (one run, nothing else measured), for
//! profilers: its figures are the same as the first line of a full run's. With `calls` it
//! times one `put_articles` call per batch instead, where nothing overlaps between batches.
//!
//! `parts` times, on one thread, the two pure computations of an upsert (fingerprinting
//! the text, encoding the record) in CPU time, median of 5 passes: nearly independent of
//! the machine's load.
//!
//! Each run also measures sled alone, with no gleaner code, doing the writes of each
//! database format in the same batches with the same flushes: the ceiling a key layout has
//! on this machine.
//!
//! - Format 1: per article, one record and one queue entry at increasing keys and four
//!   index entries at random places (id, URL, text hash, simhash).
//! - Format 2 (today's): per article, one record at an increasing key; per batch, one
//!   catalog log chunk of 3 entries per article, one queue run and the counters.

use std::path::Path;
use std::time::{Duration, Instant};

use chrono::{TimeZone, Utc};
use gleaner::extract::article::Article;
use gleaner::store::{DiscoveredVia, NewArticle, Provenance, SledStore, StoreOptions};
use sha2::{Digest, Sha256};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mode: Vec<String> = std::env::args().skip(1).take(4).collect();
    match mode.first().map(String::as_str) {
        Some("scale") => {
            let articles = mode
                .get(1)
                .map(|a| a.parse())
                .transpose()?
                .unwrap_or(1_000_000);
            let reopens = mode.get(2).map(|a| a.parse()).transpose()?.unwrap_or(3);
            return scale(articles, reopens);
        }
        Some("open") => return open_once(Path::new(mode.get(1).ok_or("open DIR")?)),
        Some("parts") => {
            let articles = mode
                .get(1)
                .map(|a| a.parse())
                .transpose()?
                .unwrap_or(20_000);
            return parts(articles);
        }
        Some("upserts") => {
            let articles = mode
                .get(1)
                .map(|a| a.parse())
                .transpose()?
                .unwrap_or(50_000);
            let batch = mode.get(2).map(|a| a.parse()).transpose()?.unwrap_or(500);
            let calls = match mode.get(3).map(String::as_str) {
                None | Some("stream") => false,
                Some("calls") => true,
                Some(other) => {
                    return Err(format!("upserts: {other:?} is not stream or calls").into());
                }
            };
            return upserts_only(articles, batch, calls);
        }
        _ => {}
    }
    let mut args = std::env::args().skip(1);
    let articles: usize = args
        .next()
        .map(|a| a.parse())
        .transpose()?
        .unwrap_or(50_000);
    let runs: usize = args.next().map(|a| a.parse()).transpose()?.unwrap_or(5);
    let batch: usize = args.next().map(|a| a.parse()).transpose()?.unwrap_or(500);

    // The machine is shared: figures mean little without the load they were taken under.
    println!("load average before: {}", load_average());
    let mut upserts = Vec::new();
    let mut singles = Vec::new();
    let mut pop_acks = Vec::new();
    let mut opens = Vec::new();
    let mut ratios = Vec::new();
    let mut ceilings = Vec::new();
    let mut ceilings2 = Vec::new();
    let (mut ceiling_cpus, mut ceiling2_cpus) = (Vec::new(), Vec::new());
    let (mut upsert_cpus, mut pop_ack_cpus) = (Vec::new(), Vec::new());
    for run in 1..=runs {
        let dir = tempfile::tempdir()?;
        let r = bench_once(dir.path(), articles, batch)?;
        let raw_dir = tempfile::tempdir()?;
        let (ceiling, ceiling_cpu) = sled_ceiling(raw_dir.path(), articles, batch, r.record_bytes)?;
        let raw_dir = tempfile::tempdir()?;
        let (ceiling2, ceiling2_cpu) =
            sled_ceiling_format2(raw_dir.path(), articles, batch, r.record_bytes)?;
        println!(
            "run {run}: {:>8.0} upserts/s (batches of {batch}; CPU {:.0} us each), {:>6.0} single durable puts/s, {:>8.0} pop+ack/s (CPU {:.0} us each), open {:.0} ms, db {:.1} MB vs JSON {:.1} MB = {:.2}x",
            r.upserts_per_s,
            r.upsert_cpu_us,
            r.single_puts_per_s,
            r.pop_ack_per_s,
            r.pop_ack_cpu_us,
            r.open_ms,
            r.db_bytes as f64 / 1e6,
            r.json_bytes as f64 / 1e6,
            r.db_bytes as f64 / r.json_bytes as f64
        );
        println!(
            "    sled alone ({} B records), format-1 writes: {ceiling:>8.0} articles/s (CPU {ceiling_cpu:.0} us each), format-2 writes: {ceiling2:>8.0} articles/s (CPU {ceiling2_cpu:.0} us each)",
            r.record_bytes
        );
        println!("    load average: {}", load_average());
        ceilings.push(ceiling);
        ceilings2.push(ceiling2);
        ceiling_cpus.push(ceiling_cpu);
        ceiling2_cpus.push(ceiling2_cpu);
        upsert_cpus.push(r.upsert_cpu_us);
        pop_ack_cpus.push(r.pop_ack_cpu_us);
        upserts.push(r.upserts_per_s);
        singles.push(r.single_puts_per_s);
        pop_acks.push(r.pop_ack_per_s);
        opens.push(r.open_ms);
        ratios.push(r.db_bytes as f64 / r.json_bytes as f64);
    }
    println!(
        "median of {runs} runs, {articles} articles: {:.0} upserts/s, {:.0} single durable puts/s, {:.0} pop+ack/s, open {:.0} ms, db/JSON size {:.2}x",
        median(&mut upserts),
        median(&mut singles),
        median(&mut pop_acks),
        median(&mut opens),
        median(&mut ratios)
    );
    println!(
        "CPU per article (all threads): upsert {:.0} us, pop+ack {:.0} us",
        median(&mut upsert_cpus),
        median(&mut pop_ack_cpus)
    );
    println!(
        "sled alone, format-1 writes: {:.0} articles/s (CPU {:.0} us each), format-2 writes: {:.0} articles/s (CPU {:.0} us each) (medians)",
        median(&mut ceilings),
        median(&mut ceiling_cpus),
        median(&mut ceilings2),
        median(&mut ceiling2_cpus)
    );
    println!("load average after: {}", load_average());
    Ok(())
}

/// Fills a database with `n` articles, then times opening it in fresh processes.
fn scale(n: usize, reopens: usize) -> Result<(), Box<dyn std::error::Error>> {
    println!("load average before: {}", load_average());
    let dir = tempfile::tempdir()?;
    let data = dir.path().join("db");
    let options = StoreOptions {
        keep_raw: false,
        ..StoreOptions::default()
    };
    let started = Instant::now();
    {
        let store = SledStore::open(&data, options)?;
        let mut next = 0;
        while next < n {
            let end = (next + 1000).min(n);
            store.put_articles((next..end).map(article).collect())?;
            next = end;
            if next % 100_000 == 0 {
                println!(
                    "  {next} articles stored, {:.0} s, load {}",
                    started.elapsed().as_secs_f64(),
                    load_average()
                );
            }
        }
        store.flush()?;
    }
    println!(
        "filled {n} articles in {:.0} s; database {:.0} MB",
        started.elapsed().as_secs_f64(),
        dir_size(&data.join("sled"))? as f64 / 1e6
    );
    let mut opens = Vec::new();
    let mut indexes = Vec::new();
    let mut rss = Vec::new();
    for round in 1..=reopens {
        let output = std::process::Command::new(std::env::current_exe()?)
            .args(["open".as_ref(), data.as_os_str()])
            .output()?;
        let line = String::from_utf8_lossy(&output.stdout).trim().to_string();
        let figures: Vec<f64> = line
            .split_whitespace()
            .map(|f| f.parse())
            .collect::<Result<_, _>>()
            .map_err(|e| {
                format!(
                    "child said {line:?} ({e}); {}",
                    String::from_utf8_lossy(&output.stderr)
                )
            })?;
        let [open_ms, index_mib, rss_mib] = figures[..] else {
            return Err(format!("child said {line:?}").into());
        };
        println!(
            "reopen {round}: open {open_ms:.0} ms, in-memory indexes {index_mib:.1} MiB, resident {rss_mib:.0} MiB, load {}",
            load_average()
        );
        // The store's own debug line says how long its part (after sled's) took.
        for line in String::from_utf8_lossy(&output.stderr).lines() {
            if line.contains("store opened") {
                println!("    {}", line.trim());
            }
        }
        opens.push(open_ms);
        indexes.push(index_mib);
        rss.push(rss_mib);
    }
    println!(
        "median of {reopens} reopens with {n} articles: open {:.0} ms, in-memory indexes {:.1} MiB, resident {:.0} MiB",
        median(&mut opens),
        median(&mut indexes),
        median(&mut rss)
    );
    println!("load average after: {}", load_average());
    Ok(())
}

/// Batched upserts into a fresh database, and nothing else.
fn upserts_only(n: usize, batch: usize, calls: bool) -> Result<(), Box<dyn std::error::Error>> {
    println!("load average before: {}", load_average());
    let dir = tempfile::tempdir()?;
    let store = SledStore::open(&dir.path().join("db"), StoreOptions::default())?;
    let inputs = (0..n).map(article).collect();
    let writer_cpu = thread_cpu_seconds();
    let (per_s, cpu_us) = timed_upserts(&store, inputs, batch, calls)?;
    let writer_us = (thread_cpu_seconds() - writer_cpu) * 1e6 / n.max(1) as f64;
    let how = if calls {
        "one call per batch"
    } else {
        "streamed"
    };
    println!(
        "{per_s:.0} upserts/s (batches of {batch}, {how}; CPU {cpu_us:.1} us each, {writer_us:.1} us on the writing thread), {n} articles"
    );
    println!("load average after: {}", load_average());
    Ok(())
}

/// Single-thread µs per article of fingerprinting and of encoding the record.
fn parts(n: usize) -> Result<(), Box<dyn std::error::Error>> {
    use gleaner::store::codec::{StoredRecord, encode_record};
    use gleaner::store::{ArticleId, ArticleRecord, dedup};
    println!("load average before: {}", load_average());
    let inputs: Vec<NewArticle> = (0..n).map(article).collect();
    let records: Vec<StoredRecord> = inputs
        .iter()
        .map(|a| {
            let (sha, simhash, _) = dedup::fingerprint(&a.article.text);
            StoredRecord {
                record: ArticleRecord {
                    id: ArticleId::for_url(&a.provenance.final_url),
                    seq: 1,
                    provenance: a.provenance.clone(),
                    article: a.article.clone(),
                    text_sha256: hex::encode(sha),
                    simhash,
                    first_seen: a.provenance.fetched_at,
                    last_seen: a.provenance.fetched_at,
                    version: 1,
                    previous_versions: Vec::new(),
                    duplicate_of: None,
                    also_seen_at: Vec::new(),
                    removed_at: None,
                    removal: None,
                },
                queued: Some(1),
                pages: Vec::new(),
            }
        })
        .collect();
    let (mut fingerprints, mut encodes) = (Vec::new(), Vec::new());
    let mut encoded_bytes = 0;
    for _ in 0..5 {
        // CPU time, not wall time: on a shared machine the process is not always running.
        let cpu = cpu_seconds();
        let mut sink = 0u64;
        for a in &inputs {
            sink ^= dedup::fingerprint(&a.article.text).1.0;
        }
        std::hint::black_box(sink);
        fingerprints.push((cpu_seconds() - cpu) * 1e6 / n as f64);
        let cpu = cpu_seconds();
        encoded_bytes = 0;
        for r in &records {
            encoded_bytes += encode_record(r)?.len();
        }
        encodes.push((cpu_seconds() - cpu) * 1e6 / n as f64);
    }
    println!(
        "one thread, CPU per article: fingerprint {:.2} us, encode {:.2} us ({} B encoded, text {} B)",
        median(&mut fingerprints),
        median(&mut encodes),
        encoded_bytes / n.max(1),
        inputs.iter().map(|a| a.article.text.len()).sum::<usize>() / n.max(1)
    );
    println!("load average after: {}", load_average());
    Ok(())
}

/// Upserts `inputs` in batches of `batch`, streamed through `put_article_batches` or, with
/// `calls`, one `put_articles` call per batch: articles per second and CPU µs per article.
fn timed_upserts(
    store: &SledStore,
    inputs: Vec<NewArticle>,
    batch: usize,
    calls: bool,
) -> Result<(f64, f64), Box<dyn std::error::Error>> {
    let n = inputs.len();
    let started = Instant::now();
    let cpu = cpu_seconds();
    let mut pending = inputs.into_iter().peekable();
    let mut batches = std::iter::from_fn(|| {
        pending.peek()?;
        Some(
            pending
                .by_ref()
                .take(batch.max(1))
                .collect::<Vec<NewArticle>>(),
        )
    });
    let mut stored = 0;
    if calls {
        for chunk in batches {
            stored += store.put_articles(chunk)?.len();
        }
    } else {
        store.put_article_batches(&mut batches, &mut |outcomes| stored += outcomes.len())?;
    }
    let elapsed = started.elapsed().as_secs_f64();
    let cpu = cpu_seconds() - cpu;
    assert_eq!(stored, n, "every article reported stored");
    Ok((n as f64 / elapsed, cpu * 1e6 / n.max(1) as f64))
}

/// The child of `scale`: opens the database once and prints open ms, index MiB, RSS MiB.
fn open_once(data: &Path) -> Result<(), Box<dyn std::error::Error>> {
    tracing_subscriber::fmt()
        .with_env_filter("gleaner::store=debug")
        .with_writer(std::io::stderr)
        .with_ansi(false)
        .init();
    let started = Instant::now();
    let store = SledStore::open(data, StoreOptions::default())?;
    let open_ms = started.elapsed().as_secs_f64() * 1e3;
    let index_mib = store.index_memory_bytes() as f64 / (1 << 20) as f64;
    let status = std::fs::read_to_string("/proc/self/status")?;
    let rss_kib: f64 = status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.split_whitespace().next())
        .and_then(|v| v.parse().ok())
        .unwrap_or(f64::NAN);
    println!("{open_ms} {index_mib} {}", rss_kib / 1024.0);
    Ok(())
}

/// sled's own speed for the writes one upsert makes (see the module docs).
fn sled_ceiling(
    dir: &Path,
    n: usize,
    batch: usize,
    record_bytes: usize,
) -> Result<(f64, f64), Box<dyn std::error::Error>> {
    let db = sled::Config::new().path(dir).open()?;
    let record = vec![0x5a_u8; record_bytes];
    let started = Instant::now();
    let cpu = cpu_seconds();
    let mut seq = 0u64;
    for _ in 0..n.div_ceil(batch.max(1)) {
        let mut writes = sled::Batch::default();
        for _ in 0..batch.max(1) {
            seq += 1;
            let scattered = seq.wrapping_mul(0x9E37_79B9_7F4A_7C15).to_be_bytes();
            writes.insert([&[b'a'][..], &seq.to_be_bytes()].concat(), record.clone());
            writes.insert([&[b'q'][..], &seq.to_be_bytes()].concat(), vec![0u8; 16]);
            for tag in [b'i', b'u', b't', b'h'] {
                writes.insert(
                    [&[tag][..], &scattered[..]].concat(),
                    seq.to_be_bytes().to_vec(),
                );
            }
        }
        db.apply_batch(writes)?;
        db.flush()?;
    }
    Ok((
        seq as f64 / started.elapsed().as_secs_f64(),
        (cpu_seconds() - cpu) * 1e6 / seq as f64,
    ))
}

/// sled's own speed for the writes format 2 makes (see the module docs).
fn sled_ceiling_format2(
    dir: &Path,
    n: usize,
    batch: usize,
    record_bytes: usize,
) -> Result<(f64, f64), Box<dyn std::error::Error>> {
    let db = sled::Config::new().path(dir).open()?;
    let record = vec![0x5a_u8; record_bytes];
    let batch = batch.max(1);
    let started = Instant::now();
    let cpu = cpu_seconds();
    let mut seq = 0u64;
    for chunk in 1..=n.div_ceil(batch) as u64 {
        let mut writes = sled::Batch::default();
        for _ in 0..batch {
            seq += 1;
            writes.insert([&[b'a'][..], &seq.to_be_bytes()].concat(), record.clone());
        }
        // A catalog chunk holds ~20 incompressible bytes per entry, 3 entries per article.
        let catalog: Vec<u8> = (0..batch * 60)
            .map(|i| {
                (i as u64 ^ seq)
                    .wrapping_mul(0x9E37_79B9_7F4A_7C15)
                    .to_be_bytes()[0]
            })
            .collect();
        writes.insert([&[b'x'][..], &chunk.to_be_bytes()].concat(), catalog);
        writes.insert(
            [&[b'Q'][..], &chunk.to_be_bytes()].concat(),
            vec![7u8; batch * 8],
        );
        writes.insert(&b"\0counters"[..], vec![1u8; 40]);
        db.apply_batch(writes)?;
        db.flush()?;
    }
    Ok((
        seq as f64 / started.elapsed().as_secs_f64(),
        (cpu_seconds() - cpu) * 1e6 / seq as f64,
    ))
}

struct RunResult {
    /// Mean size of one record as JSON compressed with zstd -3, close to what the store
    /// keeps per record.
    record_bytes: usize,
    upserts_per_s: f64,
    single_puts_per_s: f64,
    pop_ack_per_s: f64,
    /// CPU time (all threads) per upserted / delivered article.
    upsert_cpu_us: f64,
    pop_ack_cpu_us: f64,
    /// Opening the database holding the articles (sled's recovery plus index rebuild).
    open_ms: f64,
    db_bytes: u64,
    json_bytes: u64,
}

fn bench_once(dir: &Path, n: usize, batch: usize) -> Result<RunResult, Box<dyn std::error::Error>> {
    let options = StoreOptions {
        keep_raw: false,
        ..StoreOptions::default()
    };
    let data = dir.join("db");
    let store = SledStore::open(&data, options.clone())?;
    let inputs: Vec<NewArticle> = (0..n).map(article).collect();

    let (upserts_per_s, upsert_cpu_us) = timed_upserts(&store, inputs, batch, false)?;

    // Single durable puts (one flush each), the crawler's path: a small sample.
    let sample = 200.min(n);
    let started = Instant::now();
    for i in 0..sample {
        store.put_article(article(n + i))?;
    }
    let single_time = started.elapsed();

    // Size: JSON of every record vs the database on disk, after a flush.
    let mut json_bytes = 0u64;
    let mut packed_bytes = 0u64;
    let mut records = 0u64;
    let mut after = 0;
    loop {
        let page = store.articles_since(after, None, 1000)?;
        let Some(last) = page.last() else { break };
        after = last.seq;
        for record in &page {
            let json = serde_json::to_vec(record)?;
            json_bytes += json.len() as u64 + 1;
            packed_bytes += zstd::bulk::compress(&json, 3)?.len() as u64;
            records += 1;
        }
    }
    store.flush()?;
    drop(store);
    // Reopen so sled has settled its files, then measure what is on disk. The reopen is
    // timed: it includes rebuilding the in-memory indexes.
    let started = Instant::now();
    let store = SledStore::open(&data, options)?;
    let open_time = started.elapsed();
    let db_bytes = dir_size(&data.join("sled"))?;

    let now = Utc::now();
    let started = Instant::now();
    let cpu = cpu_seconds();
    let mut delivered = 0usize;
    loop {
        let deliveries = store.pop(batch, Duration::from_secs(60), now)?;
        if deliveries.is_empty() {
            break;
        }
        let tokens: Vec<String> = deliveries
            .iter()
            .map(|d| d.delivery.token.clone())
            .collect();
        store.ack(&tokens, now)?;
        delivered += deliveries.len();
    }
    let pop_time = started.elapsed();
    let pop_cpu = cpu_seconds() - cpu;
    assert_eq!(delivered, n + sample, "every article delivered once");

    store.flush()?;
    let db_bytes_drained = dir_size(&data.join("sled"))?;
    let zstd_ratio = {
        // Each record alone, as the store compresses them.
        let (mut plain, mut packed) = (0usize, 0usize);
        for record in store.articles_since(0, None, 1000)? {
            let json = serde_json::to_vec(&record)?;
            plain += json.len();
            packed += zstd::bulk::compress(&json, 3)?.len();
        }
        plain as f64 / packed.max(1) as f64
    };
    println!(
        "    (each JSON record alone compresses {zstd_ratio:.1}x with zstd -3; db after draining the queue: {:.1} MB)",
        db_bytes_drained as f64 / 1e6
    );

    Ok(RunResult {
        record_bytes: (packed_bytes / records.max(1)) as usize,
        upserts_per_s,
        single_puts_per_s: sample as f64 / single_time.as_secs_f64(),
        pop_ack_per_s: delivered as f64 / pop_time.as_secs_f64(),
        upsert_cpu_us,
        pop_ack_cpu_us: pop_cpu * 1e6 / delivered.max(1) as f64,
        open_ms: open_time.as_secs_f64() * 1e3,
        db_bytes,
        json_bytes,
    })
}

/// CPU seconds this process has used so far, all threads (exited ones included): a cost
/// that, unlike throughput, barely depends on what else the machine runs.
fn cpu_seconds() -> f64 {
    stat_cpu_seconds("/proc/self/stat")
}

/// CPU seconds the calling thread has used so far: the serial part of the upserts, done on
/// the thread that calls the store.
fn thread_cpu_seconds() -> f64 {
    stat_cpu_seconds("/proc/thread-self/stat")
}

/// User plus system time from a `/proc/…/stat` file, in seconds.
fn stat_cpu_seconds(path: &str) -> f64 {
    let Ok(stat) = std::fs::read_to_string(path) else {
        return f64::NAN;
    };
    // Fields after the command name: state is field 3, utime 14, stime 15 (in ticks).
    let fields: Vec<&str> = stat
        .rsplit_once(')')
        .map_or("", |(_, rest)| rest)
        .split_whitespace()
        .collect();
    let ticks = |i: usize| fields.get(i).and_then(|f| f.parse::<f64>().ok());
    match (ticks(11), ticks(12)) {
        // The kernel's USER_HZ is 100 on Linux.
        (Some(user), Some(system)) => (user + system) / 100.0,
        _ => f64::NAN,
    }
}

/// The 1, 5 and 15 minute load averages, as `uptime` shows them ("?" where unavailable).
fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .ok()
        .map(|s| s.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_else(|| "?".to_string())
}

fn dir_size(path: &Path) -> std::io::Result<u64> {
    let mut total = 0;
    for entry in std::fs::read_dir(path)? {
        let entry = entry?;
        let meta = entry.metadata()?;
        total += if meta.is_dir() {
            dir_size(&entry.path())?
        } else {
            meta.len()
        };
    }
    Ok(total)
}

fn median(values: &mut [f64]) -> f64 {
    values.sort_by(|a, b| a.total_cmp(b));
    values[values.len() / 2]
}

/// A word of a synthetic 8 000-word vocabulary, built from syllables.
fn vocabulary_word(rank: u64) -> String {
    const SYLLABLES: &[&str] = &[
        "ka", "ro", "mi", "sen", "tal", "ve", "dor", "an", "pri", "lu", "gem", "so", "ha", "bek",
        "ti", "nar", "os", "qu", "el", "zan", "mo", "ri", "pas", "ul", "den", "fi", "gor", "ya",
        "lem", "cho", "ab", "ist",
    ];
    let mut n = rank;
    let mut word = String::new();
    loop {
        word.push_str(SYLLABLES[(n % SYLLABLES.len() as u64) as usize]);
        n /= SYLLABLES.len() as u64;
        if n == 0 {
            break;
        }
    }
    word
}

/// A distinct ~400-word article with realistic provenance. Word frequencies follow a
/// Zipf-like law over 8 000 words, so the text compresses about as well as real prose
/// (the size figure would flatter the store if the text were more repetitive).
fn article(i: usize) -> NewArticle {
    let mut state = (i as u64 + 1).wrapping_mul(0x9e37_79b9_7f4a_7c15);
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    let mut text = String::with_capacity(3000);
    for w in 0..400 {
        let u = (next() >> 11) as f64 / (1u64 << 53) as f64;
        let rank = (8000f64.powf(u) as u64).saturating_sub(1);
        if w > 0 {
            text.push_str(if w % 60 == 0 {
                ".\n\n"
            } else if w % 13 == 0 {
                ", "
            } else {
                " "
            });
        }
        text.push_str(&vocabulary_word(rank));
    }
    text.push('.');
    let url = format!("https://news{}.example/2026/11/23/story-{i}.html", i % 50);
    let fetched_at = Utc
        .timestamp_opt(1_790_000_000 + i as i64, 0)
        .single()
        .expect("time");
    NewArticle {
        provenance: Provenance {
            url: url.clone(),
            final_url: url.clone(),
            source: format!("news{}", i % 50),
            discovered_from: Some(format!("https://news{}.example/", i % 50)),
            discovered_via: DiscoveredVia::Link,
            fetched_at,
            http_status: 200,
            content_type: Some("text/html".into()),
            charset: Some("utf-8".into()),
            etag: Some(format!("\"{i:x}-5f3a\"")),
            last_modified: Some("Mon, 23 Nov 2026 10:00:00 GMT".into()),
            raw_sha256: hex::encode(Sha256::digest(text.as_bytes())),
            extractor_version: "gleaner-extract/0.1.0".into(),
            crawler_version: "gleaner/0.1.0".into(),
        },
        article: Article {
            title: Some(format!("Observers report violations in district {i}")),
            author: Some("Staff correspondent".into()),
            published: Some("2026-11-23T09:30:00+04:00".into()),
            modified: None,
            lang: Some("en".into()),
            site_name: Some(format!("News {}", i % 50)),
            description: Some("Observers reported violations at polling stations.".into()),
            canonical_url: Some(url),
            categories: vec!["Politics".into()],
            image: Some(format!("https://news{}.example/img/{i}.jpg", i % 50)),
            text,
        },
        raw: None,
    }
}
