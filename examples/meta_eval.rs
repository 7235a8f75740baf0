//! Scores metadata extraction (title, byline, published date, language, site name) against
//! the `expected-metadata.json` files of the readability corpus.
//!
//! Usage: `cargo run --release --example meta_eval [-- --verbose]`
//!
//! The corpus is looked up as the eval harness does: `$GLEANER_CORPUS`, else
//! `../shared/corpus` relative to the crate. The expected values are Readability.js's, which
//! keeps site suffixes in some titles ("How to Build a Terrarium | eHow") and takes bylines
//! verbatim from the page ("by Lucas Nolan22 Dec 2016651"); the "loose" columns forgive those
//! differences so the two can be told apart. Language is detected from the text of
//! `expected.html.gz` (the article as Readability extracts it) with the page's declared
//! language as fallback, which is how the extractor uses `detect_language`.

#[path = "../tests/common/scoring.rs"]
mod scoring;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use gleaner::extract::author::{clean_author, parse_byline};
use gleaner::extract::decode::maybe_gunzip;
use gleaner::extract::lang::detect_language;
use gleaner::extract::metadata::extract_metadata;
use gleaner::extract::{ExtractOptions, ParsedPage};
use scraper::Html;
use serde_json::Value;

const MAX_PAGE: usize = 64 << 20;

#[derive(Default)]
struct Score {
    total: usize,
    exact: usize,
    loose: usize,
}

impl Score {
    fn add(&mut self, exact: bool, loose: bool) {
        self.total += 1;
        self.exact += usize::from(exact);
        self.loose += usize::from(exact || loose);
    }

    fn row(&self, name: &str) {
        let pct = |n: usize| {
            if self.total == 0 {
                0.0
            } else {
                100.0 * n as f64 / self.total as f64
            }
        };
        println!(
            "{name:<10} {:>4} pages   exact {:>5.1} %   loose {:>5.1} %",
            self.total,
            pct(self.exact),
            pct(self.loose)
        );
    }
}

fn comparable(text: &str) -> String {
    text.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

fn spaces(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn read_gz(path: &Path) -> Result<Vec<u8>, String> {
    let bytes = fs::read(path).map_err(|e| format!("reading {}: {e}", path.display()))?;
    maybe_gunzip(&bytes, MAX_PAGE)
        .map(|b| b.into_owned())
        .map_err(|e| format!("decompressing {}: {e}", path.display()))
}

fn main() -> ExitCode {
    let verbose = std::env::args().any(|a| a == "--verbose" || a == "-v");
    let corpus = match scoring::corpus_dir() {
        Ok(dir) => dir,
        Err(e) => {
            eprintln!("meta_eval: {e}");
            return ExitCode::from(2);
        }
    };
    let dir = corpus.join("readability");
    let mut pages: Vec<PathBuf> = match fs::read_dir(&dir) {
        Ok(entries) => entries.filter_map(|e| e.ok()).map(|e| e.path()).collect(),
        Err(error) => {
            eprintln!("meta_eval: cannot list {}: {error}", dir.display());
            return ExitCode::from(2);
        }
    };
    pages.sort();

    let (mut title, mut byline, mut date, mut lang, mut site) = (
        Score::default(),
        Score::default(),
        Score::default(),
        Score::default(),
        Score::default(),
    );
    for page in &pages {
        let name = page
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let expected: Value = match fs::read_to_string(page.join("expected-metadata.json"))
            .map_err(|e| e.to_string())
            .and_then(|text| serde_json::from_str(&text).map_err(|e| e.to_string()))
        {
            Ok(value) => value,
            Err(error) => {
                eprintln!("{name}: skipped, no readable expected-metadata.json: {error}");
                continue;
            }
        };
        let source = match read_gz(&page.join("source.html.gz")) {
            Ok(bytes) => bytes,
            Err(error) => {
                eprintln!("{name}: skipped: {error}");
                continue;
            }
        };
        let parsed = ParsedPage::parse(&source, &ExtractOptions::default());
        let meta = extract_metadata(&parsed.dom(), None, None);
        let field = |key: &str| expected.get(key).and_then(Value::as_str).map(str::to_owned);

        // Title: every page has an expected title (possibly empty).
        let want = spaces(&field("title").unwrap_or_default());
        let got = spaces(meta.title.as_deref().unwrap_or_default());
        let exact = want == got;
        let loose = !got.is_empty()
            && (comparable(&want).starts_with(&comparable(&got))
                || comparable(&got).starts_with(&comparable(&want)));
        title.add(exact, loose);
        if verbose && !exact {
            println!(
                "{name:<28} title  want {want:?}\n{:<28}        got  {got:?}",
                ""
            );
        }

        if let Some(want) = field("byline").filter(|b| !b.trim().is_empty()) {
            let want_name = parse_byline(&want)
                .or_else(|| clean_author(&want))
                .unwrap_or_else(|| want.clone());
            let got = meta.authors.join(", ");
            let exact = comparable(&want_name) == comparable(&got);
            let loose = !got.is_empty()
                && (comparable(&want).contains(&comparable(&got))
                    || comparable(&got).contains(&comparable(&want_name)));
            byline.add(exact, loose);
            if verbose && !exact {
                println!(
                    "{name:<28} byline want {want:?}\n{:<28}        got  {got:?}",
                    ""
                );
            }
        }

        if let Some(want) = field("publishedTime") {
            let got = meta.published.clone().unwrap_or_default();
            let exact = want.get(..10) == got.get(..10);
            date.add(exact, false);
            if verbose && !exact {
                println!(
                    "{name:<28} date   want {want:?}\n{:<28}        got  {got:?}",
                    ""
                );
            }
        }

        if let Some(want) = field("lang") {
            let text = read_gz(&page.join("expected.html.gz"))
                .map(|bytes| {
                    let article = Html::parse_document(&String::from_utf8_lossy(&bytes));
                    article.root_element().text().collect::<Vec<_>>().join(" ")
                })
                .unwrap_or_default();
            let got = detect_language(&text, meta.declared_lang.as_deref()).unwrap_or_default();
            let want_code = want
                .split(['-', '_'])
                .next()
                .unwrap_or_default()
                .to_lowercase();
            let exact = want_code == got;
            lang.add(exact, false);
            if verbose && !exact {
                println!(
                    "{name:<28} lang   want {want:?} got {got:?} (declared {:?})",
                    meta.declared_lang
                );
            }
        }

        if let Some(want) = field("siteName") {
            let got = meta.site_name.clone().unwrap_or_default();
            let exact = spaces(&want) == spaces(&got);
            site.add(exact, comparable(&want) == comparable(&got));
            if verbose && !exact {
                println!("{name:<28} site   want {want:?} got {got:?}");
            }
        }
    }
    println!("readability metadata, {} pages", pages.len());
    title.row("title");
    byline.row("byline");
    date.row("published");
    lang.row("lang");
    site.row("site_name");
    ExitCode::SUCCESS
}
