//! Publication-date accuracy of the extractor on hand-labelled pages.
//!
//! ```text
//! cargo run --release --example date_eval [-- --corpus DIR] [--errors] [--tsv FILE]
//! ```
//! Scores the labelled trafilatura-dev pages (`tests/dates/trafilatura_dev_labels.json`),
//! both halves apart (even and odd index among all ids sorted, as `examples/eval.rs` splits
//! them), the readability pages that state a `publishedTime`, the hand-made fixtures of
//! `tests/dates/fixtures/`, and the labelled dev pages once more without their date markup
//! and URL (JSON-LD, `<meta>`, `datetime` and like attributes removed): the visible-date
//! reader alone on real layouts, as on the many small sites that state no date for machines. Reported: accuracy (exact day), the share of pages with a date
//! that got none, the share that got a wrong day (or a date where the page has none), and
//! the same per detected language and per source of the date.
//! `--errors` lists every page that is not right; `--tsv FILE` writes one line per page
//! (set, id, expected, got, source, verdict) to compare two runs; `--explain ID` prints the
//! date evidence of one trafilatura-dev page (or readability folder, or a saved page given
//! by its path, at the URL `--url` gives) and what was chosen; with `--markup-free`, of the page as the markup-free set
//! reads it (its date markup removed, no URL).
//!
//! The corpus is looked up as the other harnesses do: `--corpus`, `$GLEANER_CORPUS`, else
//! `../shared/corpus` relative to the crate. Without it, only the fixtures are scored and
//! the output says why. The same scoring backs the CI floor in `tests/date_gate.rs`.

#[path = "../tests/common/date_scoring.rs"]
mod date_scoring;
#[path = "../tests/common/scoring.rs"]
mod scoring;

use std::path::PathBuf;
use std::process::ExitCode;

use date_scoring::{DateReport, Tally, Verdict};

fn row(set: &str, tally: &Tally) {
    println!(
        "| {set} | {} | {:.3} | {:.3} | {:.3} | {} / {} / {} |",
        tally.pages,
        tally.accuracy(),
        tally.no_date_rate(),
        tally.wrong_date_rate(),
        tally.missing,
        tally.wrong,
        tally.spurious
    );
}

fn header(first: &str) {
    println!("| {first} | pages | accuracy | no date | wrong date | missing / wrong / spurious |");
    println!("|---|---:|---:|---:|---:|---:|");
}

fn breakdown(title: &str, report: &DateReport, key: impl Fn(&date_scoring::DateOutcome) -> String) {
    println!();
    header(title);
    for (name, tally) in report.by(key) {
        row(&name, &tally);
    }
}

fn errors(set: &str, report: &DateReport) {
    for outcome in report
        .outcomes
        .iter()
        .filter(|o| o.verdict != Verdict::Right)
    {
        println!(
            "{set:<12} {:<28} {:<8} want {:<10} got {:<26} {:<9} from {}",
            outcome.id,
            outcome.lang,
            outcome.expected.as_deref().unwrap_or("-"),
            outcome.got.as_deref().unwrap_or("-"),
            outcome.verdict.name(),
            outcome.source
        );
    }
}

fn main() -> ExitCode {
    let mut corpus: Option<PathBuf> = None;
    let mut list_errors = false;
    let mut tsv: Option<PathBuf> = None;
    let mut explain: Vec<String> = Vec::new();
    let mut markup_free = false;
    let mut page_url: Option<String> = None;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--corpus" => corpus = args.next().map(PathBuf::from),
            "--errors" => list_errors = true,
            "--tsv" => tsv = args.next().map(PathBuf::from),
            "--explain" => explain.extend(args.next()),
            "--markup-free" => markup_free = true,
            "--url" => page_url = args.next(),
            "-h" | "--help" => {
                println!(
                    "usage: date_eval [--corpus DIR] [--errors] [--tsv FILE] [--markup-free] [--explain ID|PATH]... [--url URL]"
                );
                return ExitCode::SUCCESS;
            }
            other => {
                eprintln!("date_eval: unknown argument {other:?} (try --help)");
                return ExitCode::from(2);
            }
        }
    }

    let fixtures = match date_scoring::run_date_fixtures() {
        Ok(f) => f,
        Err(e) => {
            eprintln!("date_eval: fixtures: {e}");
            return ExitCode::FAILURE;
        }
    };
    let passed = fixtures.iter().filter(|f| f.diff.is_empty()).count();
    println!("hand-made date fixtures: {passed}/{} exact", fixtures.len());
    for fixture in fixtures.iter().filter(|f| !f.diff.is_empty()) {
        println!("  {}: {}", fixture.name, fixture.diff.join("; "));
    }

    let corpus = match corpus.map(Ok).unwrap_or_else(scoring::corpus_dir) {
        Ok(c) => c,
        Err(msg) => {
            println!("corpus sets skipped: {msg}");
            return ExitCode::SUCCESS;
        }
    };
    if !explain.is_empty() {
        for id in &explain {
            if let Err(e) = explain_page(&corpus, id, markup_free, page_url.as_deref()) {
                eprintln!("date_eval: {id}: {e}");
            }
        }
        return ExitCode::SUCCESS;
    }
    let dev = match date_scoring::score_dev(&corpus) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("date_eval: trafilatura-dev: {e}");
            return ExitCode::FAILURE;
        }
    };
    let visible =
        match date_scoring::score_dev_served(&corpus, date_scoring::Served::WithoutDateMarkup) {
            Ok(r) => r,
            Err(e) => {
                eprintln!("date_eval: trafilatura-dev without date markup: {e}");
                return ExitCode::FAILURE;
            }
        };
    let read = match date_scoring::score_readability(&corpus) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("date_eval: readability: {e}");
            return ExitCode::FAILURE;
        }
    };

    println!();
    header("set");
    row("trafilatura-dev labelled", &dev.tally());
    row("trafilatura-dev even", &dev.half(0));
    row("trafilatura-dev odd", &dev.half(1));
    row("readability publishedTime", &read.tally());
    row(
        "trafilatura-dev, date markup and URL removed",
        &visible.tally(),
    );
    row("the same, even", &visible.half(0));
    row("the same, odd", &visible.half(1));
    println!(
        "\nmedian ms/page: trafilatura-dev {:.2}, readability {:.2}",
        scoring::median_ms(&dev.times),
        scoring::median_ms(&read.times)
    );
    breakdown("trafilatura-dev by language", &dev, |o| o.lang.clone());
    breakdown("trafilatura-dev by source", &dev, |o| o.source.clone());
    breakdown("readability by source", &read, |o| o.source.clone());

    if list_errors {
        println!();
        errors("dev", &dev);
        errors("readability", &read);
        errors("dev without date markup", &visible);
    }
    if let Some(file) = &tsv {
        let mut lines = String::new();
        for (set, report) in [
            ("dev", &dev),
            ("readability", &read),
            ("dev-without-date-markup", &visible),
        ] {
            for o in &report.outcomes {
                lines.push_str(&format!(
                    "{set}\t{}\t{}\t{}\t{}\t{}\n",
                    o.id,
                    o.expected.as_deref().unwrap_or("-"),
                    o.got.as_deref().unwrap_or("-"),
                    o.source,
                    o.verdict.name()
                ));
            }
        }
        if let Err(e) = std::fs::write(file, lines) {
            eprintln!("date_eval: writing {}: {e}", file.display());
            return ExitCode::FAILURE;
        }
    }
    ExitCode::SUCCESS
}

/// Prints the date evidence of one page and the choice made from it.
fn explain_page(
    corpus: &std::path::Path,
    id: &str,
    markup_free: bool,
    page_url: Option<&str>,
) -> Result<(), String> {
    use gleaner::extract::date_choice::{choose, evidence_for_page};
    use gleaner::extract::{ExtractOptions, ParsedPage, content, metadata};

    let file = std::path::Path::new(id);
    let (bytes, url) = if file.is_file() {
        // A saved page of one's own (a probe, a page with its markup removed), at the URL
        // `--url` gives, if any.
        (scoring::read_maybe_gz(file)?, page_url.map(str::to_owned))
    } else {
        let dev = corpus.join("trafilatura-dev");
        let annotations: serde_json::Value = serde_json::from_slice(
            &std::fs::read(dev.join("annotations.json")).map_err(|e| e.to_string())?,
        )
        .map_err(|e| e.to_string())?;
        match annotations.get(id) {
            Some(entry) => (
                scoring::read_maybe_gz(&dev.join(entry["file"].as_str().unwrap_or_default()))?,
                entry["url"].as_str().map(str::to_owned),
            ),
            None => (
                scoring::read_maybe_gz(
                    &corpus.join("readability").join(id).join("source.html.gz"),
                )?,
                Some(format!("http://fakehost/{id}/")),
            ),
        }
    };
    let (bytes, url) = if markup_free {
        (date_scoring::without_date_markup(&bytes), None)
    } else {
        (bytes, url)
    };
    let opts = ExtractOptions {
        url: url.as_deref().and_then(|u| url::Url::parse(u).ok()),
        ..ExtractOptions::default()
    };
    let parsed = ParsedPage::parse(&bytes, &opts);
    let dom = parsed.dom();
    let meta = metadata::extract_metadata(&dom, opts.url.as_ref(), None);
    let stats = content::compute(&dom);
    let selection = content::select(&dom, &stats);
    let evidence = evidence_for_page(&dom, &meta, selection.as_ref(), meta.title.as_deref(), None);
    println!("== {id} {}", url.unwrap_or_default());
    println!("   title {:?}, day order {:?}", meta.title, meta.day_order);
    for m in &evidence.markup {
        println!(
            "   markup   {:<28} {:?} {:?} {}",
            m.date.format(),
            m.role,
            m.strength,
            m.source.name()
        );
    }
    println!(
        "   url      {:?} month {:?}",
        evidence.url.map(|d| d.format()),
        evidence.url_month
    );
    for d in &evidence.datelines {
        println!(
            "   dateline {:<28} {:?} {:?}",
            d.date.format(),
            d.cue,
            d.place
        );
    }
    let chosen = choose(&evidence, || None);
    println!(
        "   chosen   published {:?} from {:?}, modified {:?}",
        chosen.published.map(|d| d.format()),
        chosen.published_source.map(|s| s.name()),
        chosen.modified.map(|d| d.format())
    );
    Ok(())
}
