//! `gleaner status`: the running daemon's sources at a glance.

use anyhow::Context;
use chrono::{DateTime, Utc};
use gleaner::cli::StatusArgs;
use gleaner::config::Config;
use gleaner::daemon::scheduler::SourceStatus;

use super::remote::{api_client, block_on};
use super::{EXIT_FAILURE, EXIT_OK};

pub fn status(args: StatusArgs) -> anyhow::Result<u8> {
    let config = args.config.as_deref().map(Config::load).transpose()?;
    let client = api_client(&args.api, config.as_ref())?;
    let (health, sources, stats) =
        block_on(async { tokio::join!(client.health(), client.sources(), client.stats()) })?;
    let sources = sources.context("asking the daemon for its sources")?;

    if args.json {
        let value = serde_json::json!({
            "health": health.as_ref().ok(),
            "sources": sources,
            "queue": stats.as_ref().ok(),
        });
        println!("{}", serde_json::to_string_pretty(&value)?);
    } else {
        print!("{}", render_table(&sources, Utc::now()));
        match &stats {
            Ok(s) => println!(
                "\nstore: {} articles ({} duplicates); queue: {} pending, {} leased, {} acked",
                s.articles, s.duplicates, s.pending, s.leased, s.acked
            ),
            Err(e) => println!("\nstore: unavailable ({e})"),
        }
        match &health {
            Ok(h) if h.status == "ok" => println!("daemon: healthy ({})", client.base()),
            Ok(h) => println!(
                "daemon: UNHEALTHY ({}): scheduler heartbeat {:.1}s old, store {}",
                client.base(),
                h.scheduler_heartbeat_age_seconds,
                h.store
            ),
            Err(e) => println!("daemon: health unknown ({e})"),
        }
    }
    let healthy = matches!(&health, Ok(h) if h.status == "ok");
    Ok(if healthy { EXIT_OK } else { EXIT_FAILURE })
}

/// The per-source table; figures are totals since the daemon started.
fn render_table(sources: &[SourceStatus], now: DateTime<Utc>) -> String {
    if sources.is_empty() {
        return "no sources configured\n".to_string();
    }
    let header = [
        "SOURCE",
        "STATE",
        "LAST CRAWL",
        "NEXT CRAWL",
        "PAGES",
        "ARTICLES",
        "ERRORS",
    ];
    let rows: Vec<[String; 7]> = sources
        .iter()
        .map(|s| {
            let last = match (s.last_crawl_finished, &s.last_failure) {
                (None, _) => "never".to_string(),
                (Some(t), None) => relative(t, now),
                (Some(t), Some(_)) => format!("{} (failed)", relative(t, now)),
            };
            let next = match s.state.as_str() {
                "crawling" => "running now".to_string(),
                _ => s.next_crawl.map_or("-".to_string(), |t| relative(t, now)),
            };
            [
                s.name.clone(),
                s.state.clone(),
                last,
                next,
                s.pages.to_string(),
                s.articles.to_string(),
                s.errors.to_string(),
            ]
        })
        .collect();
    let mut widths = header.map(str::len);
    for row in &rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let mut out = String::new();
    let mut line = |cells: [&str; 7]| {
        for (i, (cell, w)) in cells.iter().zip(widths).enumerate() {
            // Text left-aligned, numbers right-aligned.
            if i >= 4 {
                out.push_str(&format!("{cell:>w$}"));
            } else {
                out.push_str(&format!("{cell:<w$}"));
            }
            out.push_str(if i + 1 < cells.len() { "  " } else { "\n" });
        }
    };
    line(header);
    for row in &rows {
        line(row.each_ref().map(String::as_str));
    }
    for s in sources {
        if let Some(failure) = &s.last_failure {
            out.push_str(&format!("\n{}: last crawl failed: {failure}", s.name));
        }
    }
    if sources.iter().any(|s| s.last_failure.is_some()) {
        out.push('\n');
    }
    out
}

/// "3m ago", "in 2h 5m", "now": coarse enough to read at a glance.
fn relative(t: DateTime<Utc>, now: DateTime<Utc>) -> String {
    let delta = t.signed_duration_since(now);
    let secs = delta.num_seconds();
    if secs.abs() < 2 {
        return "now".to_string();
    }
    let span = coarse(secs.unsigned_abs());
    if secs < 0 {
        format!("{span} ago")
    } else {
        format!("in {span}")
    }
}

fn coarse(secs: u64) -> String {
    match secs {
        0..60 => format!("{secs}s"),
        60..3600 => format!("{}m", secs / 60),
        3600..86400 => match (secs % 3600) / 60 {
            0 => format!("{}h", secs / 3600),
            m => format!("{}h {m}m", secs / 3600),
        },
        _ => format!("{}d {}h", secs / 86400, (secs % 86400) / 3600),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn status(name: &str) -> SourceStatus {
        SourceStatus {
            name: name.to_string(),
            state: "scheduled".to_string(),
            recrawl_seconds: 3600,
            ..SourceStatus::default()
        }
    }

    #[test]
    fn relative_times_read_at_a_glance() {
        let now = Utc::now();
        assert_eq!(relative(now, now), "now");
        assert_eq!(
            relative(now - chrono::Duration::seconds(30), now),
            "30s ago"
        );
        assert_eq!(relative(now + chrono::Duration::minutes(48), now), "in 48m");
        assert_eq!(
            relative(now + chrono::Duration::minutes(125), now),
            "in 2h 5m"
        );
        assert_eq!(
            relative(now - chrono::Duration::hours(50), now),
            "2d 2h ago"
        );
    }

    #[test]
    fn table_aligns_columns_and_shows_failures() {
        let now = Utc::now();
        let mut a = status("news-az");
        a.last_crawl_finished = Some(now - chrono::Duration::minutes(12));
        a.next_crawl = Some(now + chrono::Duration::minutes(48));
        a.pages = 120;
        a.articles = 14;
        a.errors = 2;
        let mut b = status("hr-ngo");
        b.state = "crawling".to_string();
        b.last_failure = Some("store: disk full".to_string());
        b.last_crawl_finished = Some(now - chrono::Duration::hours(1));
        let table = render_table(&[a, b], now);
        let lines: Vec<&str> = table.lines().collect();
        assert!(lines[0].starts_with("SOURCE   STATE"), "{table}");
        assert!(
            lines[1].starts_with("news-az  scheduled  12m ago"),
            "{table}"
        );
        assert!(lines[1].contains("in 48m"), "{table}");
        assert!(lines[1].ends_with("120        14       2"), "{table}");
        assert!(
            lines[2].contains("1h ago (failed)") && lines[2].contains("running now"),
            "{table}"
        );
        assert!(
            table.contains("hr-ngo: last crawl failed: store: disk full"),
            "{table}"
        );
        assert_eq!(render_table(&[], now), "no sources configured\n");
    }
}
