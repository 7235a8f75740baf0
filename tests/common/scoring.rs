//! Scoring of the extractor against the evaluation corpora, shared by
//! `examples/eval.rs` (prints a table) and `tests/eval_gate.rs` (fails under floors).
//!
//! Kept out of `src/extract/` because it reads files; the extractor stays I/O-free.
//! Scoring rules follow the corpus README:
//! * trafilatura-dev: whitespace-collapsed snippet containment, tp/fn/fp/tn summed
//!   over all pages (micro-averaged), P/R/F1 from the sums;
//! * readability: exact whitespace-normalised title, primary language subtag where
//!   the expected metadata has one, and word 4-gram shingle F1 of the body text
//!   against the text of `expected.html`, summarised by the median.

#![allow(dead_code)]

use std::collections::HashSet;
use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use gleaner::extract::{ExtractOptions, extract};

/// Where the corpus is: `GLEANER_CORPUS`, else `<manifest>/../shared/corpus`.
/// The error is one sentence saying what was tried and how to point elsewhere.
pub fn corpus_dir() -> Result<PathBuf, String> {
    let (dir, how) = match std::env::var_os("GLEANER_CORPUS") {
        Some(d) => (PathBuf::from(d), "from GLEANER_CORPUS"),
        None => (
            Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus"),
            "the default location",
        ),
    };
    if dir.join("trafilatura-dev/annotations.json").is_file() && dir.join("readability").is_dir() {
        Ok(dir)
    } else {
        Err(format!(
            "evaluation corpus not found at {} ({how}): expected trafilatura-dev/annotations.json \
             and readability/ there; set GLEANER_CORPUS=/path/to/corpus",
            dir.display()
        ))
    }
}

/// Reads a file, gunzipping it when it starts with the gzip magic bytes.
pub fn read_maybe_gz(path: &Path) -> Result<Vec<u8>, String> {
    let raw = fs::read(path).map_err(|e| format!("reading {}: {e}", path.display()))?;
    if raw.starts_with(&[0x1f, 0x8b]) {
        let mut out = Vec::new();
        flate2::read::GzDecoder::new(&raw[..])
            .read_to_end(&mut out)
            .map_err(|e| format!("gunzipping {}: {e}", path.display()))?;
        Ok(out)
    } else {
        Ok(raw)
    }
}

fn collapse(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn median(v: &mut [f64]) -> f64 {
    if v.is_empty() {
        return 0.0;
    }
    v.sort_by(f64::total_cmp);
    let m = v.len() / 2;
    if v.len() % 2 == 0 {
        (v[m - 1] + v[m]) / 2.0
    } else {
        v[m]
    }
}

#[derive(Debug, Default, Clone)]
pub struct PageScore {
    pub id: String,
    pub tp: u32,
    pub fn_: u32,
    pub fp: u32,
    pub tn: u32,
    pub missing: Vec<String>,
    pub leaked: Vec<String>,
    pub error: Option<String>,
}

#[derive(Debug, Default)]
pub struct SnippetReport {
    pub pages: usize,
    pub tp: u32,
    pub fn_: u32,
    pub fp: u32,
    pub tn: u32,
    pub errors: usize,
    pub per_page: Vec<PageScore>,
    pub times: Vec<Duration>,
}

impl PageScore {
    /// Counts the `with` snippets found in `text` and the `without` snippets kept out.
    fn check(&mut self, text: &str, with: Vec<String>, without: Vec<String>) {
        for s in with {
            if text.contains(&s) {
                self.tp += 1;
            } else {
                self.fn_ += 1;
                self.missing.push(s);
            }
        }
        for s in without {
            if text.contains(&s) {
                self.fp += 1;
                self.leaked.push(s);
            } else {
                self.tn += 1;
            }
        }
    }
}

impl SnippetReport {
    /// Adds a scored page to the totals.
    fn add(&mut self, page: PageScore) {
        self.tp += page.tp;
        self.fn_ += page.fn_;
        self.fp += page.fp;
        self.tn += page.tn;
        self.pages += 1;
        self.per_page.push(page);
    }

    pub fn precision(&self) -> f64 {
        f64::from(self.tp) / f64::from((self.tp + self.fp).max(1))
    }
    pub fn recall(&self) -> f64 {
        f64::from(self.tp) / f64::from((self.tp + self.fn_).max(1))
    }
    pub fn f1(&self) -> f64 {
        let (p, r) = (self.precision(), self.recall());
        if p + r == 0.0 {
            0.0
        } else {
            2.0 * p * r / (p + r)
        }
    }
}

/// Scores the trafilatura-dev set.
pub fn score_trafilatura(corpus: &Path) -> Result<SnippetReport, String> {
    let dir = corpus.join("trafilatura-dev");
    let annotations = fs::read_to_string(dir.join("annotations.json"))
        .map_err(|e| format!("reading annotations.json: {e}"))?;
    let annotations: serde_json::Value =
        serde_json::from_str(&annotations).map_err(|e| format!("parsing annotations.json: {e}"))?;
    let entries = annotations
        .as_object()
        .ok_or("annotations.json is not an object")?;
    let mut ids: Vec<&String> = entries.keys().collect();
    ids.sort();
    let mut report = SnippetReport::default();
    for id in ids {
        let entry = &entries[id];
        let file = entry["file"].as_str().ok_or("annotation without file")?;
        let bytes = read_maybe_gz(&dir.join(file))?;
        let opts = ExtractOptions {
            url: entry["url"].as_str().and_then(|u| url::Url::parse(u).ok()),
            ..ExtractOptions::default()
        };
        let start = Instant::now();
        let result = extract(&bytes, &opts);
        report.times.push(start.elapsed());
        let mut page = PageScore {
            id: id.clone(),
            ..PageScore::default()
        };
        let text = match result {
            Ok(a) => collapse(&a.text),
            Err(e) => {
                page.error = Some(e.to_string());
                report.errors += 1;
                String::new()
            }
        };
        let snippets = |key: &str| -> Vec<String> {
            entry[key]
                .as_array()
                .map(|a| {
                    a.iter()
                        .filter_map(|s| s.as_str())
                        .map(collapse)
                        .filter(|s| !s.is_empty())
                        .collect()
                })
                .unwrap_or_default()
        };
        page.check(&text, snippets("with"), snippets("without"));
        report.add(page);
    }
    Ok(report)
}

#[derive(Debug, Default, Clone)]
pub struct ReadabilityPage {
    pub name: String,
    pub title_ok: bool,
    pub expected_title: String,
    pub got_title: String,
    /// `None` when the expected metadata has no language.
    pub lang_ok: Option<bool>,
    pub body_f1: f64,
    pub error: Option<String>,
}

#[derive(Debug, Default)]
pub struct ReadabilityReport {
    pub pages: Vec<ReadabilityPage>,
    pub times: Vec<Duration>,
}

impl ReadabilityReport {
    pub fn title_exact(&self) -> f64 {
        let ok = self.pages.iter().filter(|p| p.title_ok).count();
        ok as f64 / self.pages.len().max(1) as f64
    }
    /// Share of pages with an expected language that got it right, and their count.
    pub fn lang_accuracy(&self) -> (f64, usize) {
        let with: Vec<bool> = self.pages.iter().filter_map(|p| p.lang_ok).collect();
        let ok = with.iter().filter(|&&b| b).count();
        (ok as f64 / with.len().max(1) as f64, with.len())
    }
    pub fn body_f1_median(&self) -> f64 {
        let mut v: Vec<f64> = self.pages.iter().map(|p| p.body_f1).collect();
        median(&mut v)
    }
    pub fn body_f1_mean(&self) -> f64 {
        self.pages.iter().map(|p| p.body_f1).sum::<f64>() / self.pages.len().max(1) as f64
    }
}

fn shingles(text: &str) -> HashSet<Vec<String>> {
    let words: Vec<String> = text
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect();
    if words.len() < 4 {
        return std::iter::once(words).filter(|w| !w.is_empty()).collect();
    }
    words.windows(4).map(<[String]>::to_vec).collect()
}

/// Word 4-gram shingle F1 between two texts.
pub fn shingle_f1(got: &str, expected: &str) -> f64 {
    let a = shingles(got);
    let b = shingles(expected);
    if a.is_empty() && b.is_empty() {
        return 1.0;
    }
    if a.is_empty() || b.is_empty() {
        return 0.0;
    }
    let common = a.intersection(&b).count() as f64;
    2.0 * common / (a.len() + b.len()) as f64
}

fn primary_subtag(lang: &str) -> String {
    lang.split(['-', '_'])
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase()
}

/// Scores Mozilla Readability's test pages.
pub fn score_readability(corpus: &Path) -> Result<ReadabilityReport, String> {
    let dir = corpus.join("readability");
    let mut names: Vec<PathBuf> = fs::read_dir(&dir)
        .map_err(|e| format!("listing {}: {e}", dir.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.join("source.html.gz").is_file())
        .collect();
    names.sort();
    let mut report = ReadabilityReport::default();
    for page_dir in names {
        let name = page_dir
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let source = read_maybe_gz(&page_dir.join("source.html.gz"))?;
        let expected_html = read_maybe_gz(&page_dir.join("expected.html.gz"))?;
        let meta: serde_json::Value = serde_json::from_slice(
            &fs::read(page_dir.join("expected-metadata.json"))
                .map_err(|e| format!("reading metadata of {name}: {e}"))?,
        )
        .map_err(|e| format!("parsing metadata of {name}: {e}"))?;
        let expected_text = {
            let doc = scraper::Html::parse_document(&String::from_utf8_lossy(&expected_html));
            doc.root_element().text().collect::<Vec<_>>().join(" ")
        };
        let expected_title = collapse(meta["title"].as_str().unwrap_or(""));
        let expected_lang = meta["lang"].as_str().map(primary_subtag);
        let opts = ExtractOptions {
            url: Some(
                url::Url::parse(&format!("http://fakehost/{name}/"))
                    .map_err(|e| format!("page url for {name}: {e}"))?,
            ),
            ..ExtractOptions::default()
        };
        let start = Instant::now();
        let result = extract(&source, &opts);
        report.times.push(start.elapsed());
        let mut page = ReadabilityPage {
            name,
            expected_title: expected_title.clone(),
            ..ReadabilityPage::default()
        };
        match result {
            Ok(article) => {
                let got_title = collapse(article.title.as_deref().unwrap_or(""));
                page.title_ok = got_title == expected_title;
                page.got_title = got_title;
                page.lang_ok = expected_lang
                    .as_ref()
                    .map(|l| article.lang.as_deref().map(primary_subtag).as_ref() == Some(l));
                page.body_f1 = shingle_f1(&article.text, &expected_text);
            }
            Err(e) => {
                page.lang_ok = expected_lang.as_ref().map(|_| false);
                page.title_ok = false;
                page.body_f1 = 0.0;
                page.error = Some(e.to_string());
            }
        }
        report.pages.push(page);
    }
    Ok(report)
}

/// A hand-written fixture: `NAME.html` with `NAME.json` (options and expected
/// metadata) and `NAME.txt` (the exact expected text).
#[derive(Debug)]
pub struct FixtureResult {
    pub name: String,
    pub text_ok: bool,
    pub title_ok: bool,
    pub date_ok: bool,
    pub lang_ok: bool,
    pub diff: Vec<String>,
}

pub fn fixtures_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

/// A hand-made fixture page: `NAME.html` with its spec `NAME.json`.
pub struct FixturePage {
    pub name: String,
    /// The `.html` file; its siblings (`.txt`, …) share its stem.
    pub path: PathBuf,
    pub spec: serde_json::Value,
    pub bytes: Vec<u8>,
}

/// Every `*.html` of `dir` with its `*.json` spec, sorted by name.
pub fn fixture_pages(dir: &Path) -> Result<Vec<FixturePage>, String> {
    let mut htmls: Vec<PathBuf> = fs::read_dir(dir)
        .map_err(|e| format!("listing {}: {e}", dir.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "html"))
        .collect();
    htmls.sort();
    htmls
        .into_iter()
        .map(|path| {
            let name = path
                .file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_default();
            let spec = serde_json::from_slice(
                &fs::read(path.with_extension("json")).map_err(|e| format!("{name}.json: {e}"))?,
            )
            .map_err(|e| format!("{name}.json: {e}"))?;
            let bytes = fs::read(&path).map_err(|e| format!("{name}.html: {e}"))?;
            Ok(FixturePage {
                name,
                path,
                spec,
                bytes,
            })
        })
        .collect()
}

/// The extraction options a fixture's spec may name: `url`, `content_type`,
/// `preferred_lang`, `reference_time` (RFC 3339).
pub fn spec_options(spec: &serde_json::Value) -> ExtractOptions {
    ExtractOptions {
        url: spec["url"].as_str().and_then(|u| url::Url::parse(u).ok()),
        content_type: spec["content_type"].as_str().map(String::from),
        preferred_lang: spec["preferred_lang"].as_str().map(String::from),
        reference_time: spec["reference_time"]
            .as_str()
            .and_then(|t| chrono::DateTime::parse_from_rfc3339(t).ok())
            .map(|t| t.with_timezone(&chrono::Utc)),
        ..ExtractOptions::default()
    }
}

/// Compares the article's title, date and language with the spec's; returns whether each
/// matched and adds "field: expected …, got …" to `diff` for each that did not.
fn check_meta(
    spec: &serde_json::Value,
    article: &gleaner::extract::Article,
    diff: &mut Vec<String>,
) -> (bool, bool, bool) {
    let mut check = |field: &str, got: Option<&str>| {
        let want = spec[field].as_str();
        if want != got {
            diff.push(format!("{field}: expected {want:?}, got {got:?}"));
        }
        want == got
    };
    (
        check("title", article.title.as_deref()),
        check("published", article.published.as_deref()),
        check("lang", article.lang.as_deref()),
    )
}

pub fn run_fixtures() -> Result<Vec<FixtureResult>, String> {
    let mut out = Vec::new();
    for FixturePage {
        name,
        path,
        spec,
        bytes,
    } in fixture_pages(&fixtures_dir())?
    {
        let expected_text = fs::read_to_string(path.with_extension("txt"))
            .map_err(|e| format!("{name}.txt: {e}"))?;
        let mut diff = Vec::new();
        let (text_ok, title_ok, date_ok, lang_ok) = match extract(&bytes, &spec_options(&spec)) {
            Ok(a) => {
                let text_ok = a.text == expected_text.trim_end_matches('\n');
                if !text_ok {
                    diff.push(format!(
                        "text differs:\n--- expected\n{}\n--- got\n{}",
                        expected_text.trim_end(),
                        a.text
                    ));
                }
                let (title_ok, date_ok, lang_ok) = check_meta(&spec, &a, &mut diff);
                (text_ok, title_ok, date_ok, lang_ok)
            }
            Err(e) => {
                diff.push(format!("extraction failed: {e}"));
                (false, false, false, false)
            }
        };
        out.push(FixtureResult {
            name,
            text_ok,
            title_ok,
            date_ok,
            lang_ok,
            diff,
        });
    }
    Ok(out)
}

pub fn median_ms(times: &[Duration]) -> f64 {
    let mut v: Vec<f64> = times.iter().map(|d| d.as_secs_f64() * 1000.0).collect();
    median(&mut v)
}

/// A hand-written snippet fixture: `snippets/NAME.html` with `snippets/NAME.json` holding
/// the options, the expected title, date and language, and `with` / `without` snippets
/// scored as trafilatura-dev's are (whitespace-collapsed containment). Unlike the exact
/// fixtures these tolerate what the snippets leave open, so they can be written for the
/// chrome and the closing lines of a page without fixing every byte of its text.
#[derive(Debug, Default)]
pub struct SnippetFixture {
    pub score: PageScore,
    pub title_ok: bool,
    pub date_ok: bool,
    pub lang_ok: bool,
    /// Title, date and language mismatches, as "field: expected …, got …".
    pub meta_diff: Vec<String>,
}

pub fn snippet_fixtures_dir() -> PathBuf {
    fixtures_dir().join("snippets")
}

/// Scores every fixture of [`snippet_fixtures_dir`], sorted by name; the report's sums
/// are over all of them.
pub fn run_snippet_fixtures() -> Result<(SnippetReport, Vec<SnippetFixture>), String> {
    let mut report = SnippetReport::default();
    let mut out = Vec::new();
    for FixturePage {
        name, spec, bytes, ..
    } in fixture_pages(&snippet_fixtures_dir())?
    {
        let mut fixture = SnippetFixture {
            score: PageScore {
                id: name.clone(),
                ..PageScore::default()
            },
            ..SnippetFixture::default()
        };
        let start = Instant::now();
        let result = extract(&bytes, &spec_options(&spec));
        report.times.push(start.elapsed());
        let text = match result {
            Ok(a) => {
                (fixture.title_ok, fixture.date_ok, fixture.lang_ok) =
                    check_meta(&spec, &a, &mut fixture.meta_diff);
                collapse(&a.text)
            }
            Err(e) => {
                fixture.score.error = Some(e.to_string());
                report.errors += 1;
                String::new()
            }
        };
        let snippets = |key: &str| -> Result<Vec<String>, String> {
            let list = spec[key]
                .as_array()
                .ok_or_else(|| format!("{name}.json: no {key:?} list"))?;
            Ok(list
                .iter()
                .filter_map(|s| s.as_str())
                .map(collapse)
                .collect())
        };
        fixture
            .score
            .check(&text, snippets("with")?, snippets("without")?);
        report.add(fixture.score.clone());
        out.push(fixture);
    }
    Ok((report, out))
}
