//! Evaluation harness: scores the extractor on the corpora and the hand fixtures.
//!
//! ```text
//! cargo run --release --example eval [-- --corpus DIR] [--worst N] [--halves] [--pages FILE]
//! ```
//! `--worst N` also lists the N weakest pages of each set with what went wrong.
//! `--halves` scores the even and odd trafilatura-dev pages (by sorted id) apart: develop
//! on one half, check a change holds on the other, so a gain is not memorised.
//! `--pages FILE` writes per-page counts (id, tp, fn, fp, tn) to compare two runs.
//! The same scoring backs the CI gate in `tests/eval_gate.rs`.

#[path = "../tests/common/scoring.rs"]
mod scoring;

use std::path::PathBuf;
use std::process::ExitCode;

fn main() -> ExitCode {
    let mut corpus: Option<PathBuf> = None;
    let mut worst = 0usize;
    let mut halves = false;
    let mut pages_file: Option<PathBuf> = None;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--corpus" => corpus = args.next().map(PathBuf::from),
            "--worst" => worst = args.next().and_then(|n| n.parse().ok()).unwrap_or(10),
            "--halves" => halves = true,
            "--pages" => pages_file = args.next().map(PathBuf::from),
            "-h" | "--help" => {
                println!("usage: eval [--corpus DIR] [--worst N] [--halves] [--pages FILE]");
                return ExitCode::SUCCESS;
            }
            other => {
                eprintln!("eval: unknown argument {other:?} (try --help)");
                return ExitCode::from(2);
            }
        }
    }
    let corpus = match corpus.map(Ok).unwrap_or_else(scoring::corpus_dir) {
        Ok(c) => c,
        Err(msg) => {
            eprintln!("eval: {msg}");
            return ExitCode::from(2);
        }
    };

    let traf = match scoring::score_trafilatura(&corpus) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("eval: trafilatura-dev: {e}");
            return ExitCode::FAILURE;
        }
    };
    let read = match scoring::score_readability(&corpus) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("eval: readability: {e}");
            return ExitCode::FAILURE;
        }
    };
    let fixtures = scoring::run_fixtures().unwrap_or_else(|e| {
        eprintln!("eval: fixtures: {e}");
        Vec::new()
    });
    let (snips, snip_pages) = scoring::run_snippet_fixtures().unwrap_or_else(|e| {
        eprintln!("eval: snippet fixtures: {e}");
        Default::default()
    });

    println!("| set | pages | metric | value |");
    println!("|---|---:|---|---:|");
    println!(
        "| trafilatura-dev | {} | precision / recall / F1 | {:.3} / {:.3} / {:.3} |",
        traf.pages,
        traf.precision(),
        traf.recall(),
        traf.f1()
    );
    println!(
        "| trafilatura-dev | {} | tp fn fp tn / no article | {} {} {} {} / {} |",
        traf.pages, traf.tp, traf.fn_, traf.fp, traf.tn, traf.errors
    );
    println!(
        "| trafilatura-dev | {} | median ms/page | {:.2} |",
        traf.pages,
        scoring::median_ms(&traf.times)
    );
    if halves {
        for (name, parity) in [("even", 0), ("odd", 1)] {
            let (mut tp, mut fn_, mut fp) = (0u32, 0u32, 0u32);
            for page in traf.per_page.iter().skip(parity).step_by(2) {
                tp += page.tp;
                fn_ += page.fn_;
                fp += page.fp;
            }
            let p = f64::from(tp) / f64::from((tp + fp).max(1));
            let r = f64::from(tp) / f64::from((tp + fn_).max(1));
            let f1 = if p + r == 0.0 {
                0.0
            } else {
                2.0 * p * r / (p + r)
            };
            println!(
                "| trafilatura-dev {name} | {} | precision / recall / F1 | {p:.3} / {r:.3} / {f1:.3} |",
                traf.per_page.iter().skip(parity).step_by(2).count()
            );
        }
    }
    if let Some(file) = &pages_file {
        let lines: String = traf
            .per_page
            .iter()
            .map(|p| format!("{}\t{}\t{}\t{}\t{}\n", p.id, p.tp, p.fn_, p.fp, p.tn))
            .collect();
        if let Err(e) = std::fs::write(file, lines) {
            eprintln!("eval: writing {}: {e}", file.display());
            return ExitCode::FAILURE;
        }
    }
    let (lang, lang_pages) = read.lang_accuracy();
    println!(
        "| readability | {} | title exact | {:.1}% |",
        read.pages.len(),
        read.title_exact() * 100.0
    );
    println!(
        "| readability | {lang_pages} | lang accuracy | {:.1}% |",
        lang * 100.0
    );
    println!(
        "| readability | {} | body shingle F1 median / mean | {:.3} / {:.3} |",
        read.pages.len(),
        read.body_f1_median(),
        read.body_f1_mean()
    );
    println!(
        "| readability | {} | median ms/page | {:.2} |",
        read.pages.len(),
        scoring::median_ms(&read.times)
    );
    let exact = fixtures
        .iter()
        .filter(|f| f.text_ok && f.title_ok && f.date_ok && f.lang_ok)
        .count();
    println!(
        "| fixtures | {} | all fields exact | {exact}/{} |",
        fixtures.len(),
        fixtures.len()
    );
    let meta_ok = snip_pages
        .iter()
        .filter(|f| f.title_ok && f.date_ok && f.lang_ok)
        .count();
    println!(
        "| snippet fixtures | {} | precision / recall / F1 | {:.3} / {:.3} / {:.3} |",
        snips.pages,
        snips.precision(),
        snips.recall(),
        snips.f1()
    );
    println!(
        "| snippet fixtures | {} | title, date and language right | {meta_ok}/{} |",
        snips.pages,
        snip_pages.len()
    );

    if worst > 0 {
        let mut pages = traf.per_page.clone();
        pages.sort_by_key(|p| std::cmp::Reverse(p.fn_ + p.fp));
        println!("\nworst trafilatura-dev pages:");
        for p in pages.iter().take(worst) {
            println!(
                "{} fn={} fp={} {}",
                p.id,
                p.fn_,
                p.fp,
                p.error.as_deref().unwrap_or("")
            );
            for m in p.missing.iter().take(3) {
                println!("    missing: {}", truncate(m));
            }
            for l in p.leaked.iter().take(3) {
                println!("    leaked:  {}", truncate(l));
            }
        }
        let mut rpages = read.pages.clone();
        rpages.sort_by(|a, b| a.body_f1.total_cmp(&b.body_f1));
        println!("\nworst readability pages:");
        for p in rpages.iter().take(worst) {
            println!(
                "{} body_f1={:.3} {}",
                p.name,
                p.body_f1,
                p.error.as_deref().unwrap_or("")
            );
        }
        println!("\nreadability title misses:");
        for p in read.pages.iter().filter(|p| !p.title_ok) {
            println!(
                "{}: expected {:?} got {:?}",
                p.name, p.expected_title, p.got_title
            );
        }
        for f in &snip_pages {
            let s = &f.score;
            if s.missing.is_empty() && s.leaked.is_empty() && f.meta_diff.is_empty() {
                continue;
            }
            println!("\nsnippet fixture {} fn={} fp={}:", s.id, s.fn_, s.fp);
            for d in &f.meta_diff {
                println!("  {d}");
            }
            for m in &s.missing {
                println!("    missing: {}", truncate(m));
            }
            for l in &s.leaked {
                println!("    leaked:  {}", truncate(l));
            }
        }
        for f in fixtures.iter().filter(|f| !f.diff.is_empty()) {
            println!("\nfixture {}:", f.name);
            for d in &f.diff {
                println!("  {d}");
            }
        }
    }
    ExitCode::SUCCESS
}

fn truncate(s: &str) -> String {
    let t: String = s.chars().take(100).collect();
    if t.len() < s.len() {
        format!("{t}…")
    } else {
        t
    }
}
