//! Scoring of publication dates, shared by `examples/date_eval.rs` (prints a table) and
//! `tests/date_gate.rs` (fails under floors).
//!
//! Ground truth:
//! * `tests/dates/trafilatura_dev_labels.json`: hand labels for pages of the
//!   trafilatura-dev corpus, `{page id: "YYYY-MM-DD" | null}`, null meaning the page has no
//!   publication date. Labelled from what a reader takes as the date (the dateline under the
//!   headline; the page's own metadata when the visible page shows none or agrees); the
//!   pages themselves stay in the corpus, only ids and dates are in the repository.
//! * readability: `publishedTime` of `expected-metadata.json`, where present; its first ten
//!   characters are the day the page states.
//! * `tests/dates/fixtures/`: hand-made pages (`NAME.html` + `NAME.json` with `url`,
//!   `reference_time`, `published`, optionally `modified`), which need no corpus.
//!
//! A page is right when the day of the extracted `published` equals the label (or both are
//! absent). The halves are those of `examples/eval.rs`: the parity of a page's index among
//! all trafilatura-dev ids sorted, so a date change is checked on the half it was not tuned on.

#![allow(dead_code)]

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use gleaner::extract::{ExtractOptions, extract_full};

use super::scoring::{FixturePage, fixture_pages, read_maybe_gz, spec_options};

/// How an extracted date compares with the label.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Verdict {
    /// The same day, or no date where the page has none.
    Right,
    /// The page has a date; none was extracted (or the page was not read as an article).
    Missing,
    /// A different day.
    Wrong,
    /// A date where the page has none.
    Spurious,
}

impl Verdict {
    pub fn name(self) -> &'static str {
        match self {
            Verdict::Right => "right",
            Verdict::Missing => "missing",
            Verdict::Wrong => "wrong",
            Verdict::Spurious => "spurious",
        }
    }
}

#[derive(Debug, Clone)]
pub struct DateOutcome {
    pub id: String,
    /// Index among all pages of the set, sorted by id (for the halves).
    pub index: usize,
    pub lang: String,
    pub expected: Option<String>,
    /// `published` as extracted.
    pub got: Option<String>,
    /// Where the extracted date came from (`DateSource` name), when one was found.
    pub source: String,
    pub verdict: Verdict,
}

#[derive(Debug, Default)]
pub struct DateReport {
    pub outcomes: Vec<DateOutcome>,
    pub times: Vec<Duration>,
}

/// Counts of a group of outcomes.
#[derive(Debug, Default, Clone, Copy)]
pub struct Tally {
    pub pages: usize,
    pub right: usize,
    pub missing: usize,
    pub wrong: usize,
    pub spurious: usize,
}

impl Tally {
    pub fn of<'a>(outcomes: impl IntoIterator<Item = &'a DateOutcome>) -> Tally {
        let mut tally = Tally::default();
        for outcome in outcomes {
            tally.pages += 1;
            match outcome.verdict {
                Verdict::Right => tally.right += 1,
                Verdict::Missing => tally.missing += 1,
                Verdict::Wrong => tally.wrong += 1,
                Verdict::Spurious => tally.spurious += 1,
            }
        }
        tally
    }

    fn share(&self, n: usize) -> f64 {
        n as f64 / self.pages.max(1) as f64
    }
    pub fn accuracy(&self) -> f64 {
        self.share(self.right)
    }
    /// Pages with a date that got none.
    pub fn no_date_rate(&self) -> f64 {
        self.share(self.missing)
    }
    /// Pages that got a day that is not theirs (a wrong day, or a date on a page without one).
    pub fn wrong_date_rate(&self) -> f64 {
        self.share(self.wrong + self.spurious)
    }
}

impl DateReport {
    pub fn tally(&self) -> Tally {
        Tally::of(&self.outcomes)
    }
    /// The even (0) or odd (1) half.
    pub fn half(&self, parity: usize) -> Tally {
        Tally::of(self.outcomes.iter().filter(|o| o.index % 2 == parity))
    }
    /// Tallies grouped by a key of each outcome, largest group first.
    pub fn by(&self, key: impl Fn(&DateOutcome) -> String) -> Vec<(String, Tally)> {
        let mut groups: BTreeMap<String, Vec<&DateOutcome>> = BTreeMap::new();
        for outcome in &self.outcomes {
            groups.entry(key(outcome)).or_default().push(outcome);
        }
        let mut rows: Vec<(String, Tally)> = groups
            .into_iter()
            .map(|(name, outcomes)| (name, Tally::of(outcomes)))
            .collect();
        rows.sort_by(|a, b| b.1.pages.cmp(&a.1.pages).then_with(|| a.0.cmp(&b.0)));
        rows
    }
}

fn day(date: &str) -> Option<&str> {
    date.get(..10)
}

pub fn verdict(expected: Option<&str>, got: Option<&str>) -> Verdict {
    match (expected.and_then(day), got.and_then(day)) {
        (None, None) => Verdict::Right,
        (Some(_), None) => Verdict::Missing,
        (None, Some(_)) => Verdict::Spurious,
        (Some(want), Some(have)) if want == have => Verdict::Right,
        (Some(_), Some(_)) => Verdict::Wrong,
    }
}

pub fn labels_path() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/dates/trafilatura_dev_labels.json")
}

/// The hand labels: page id to day, `None` for pages without a date.
pub fn dev_labels() -> Result<BTreeMap<String, Option<String>>, String> {
    let path = labels_path();
    let text = fs::read_to_string(&path).map_err(|e| format!("reading {}: {e}", path.display()))?;
    serde_json::from_str(&text).map_err(|e| format!("parsing {}: {e}", path.display()))
}

/// Extracts one page and judges its date.
fn judge(
    id: String,
    index: usize,
    bytes: &[u8],
    opts: &ExtractOptions,
    expected: Option<String>,
    times: &mut Vec<Duration>,
) -> DateOutcome {
    let start = Instant::now();
    let result = extract_full(bytes, opts);
    times.push(start.elapsed());
    let (got, lang, source) = match result {
        Ok(extraction) => (
            extraction.article.published,
            extraction.article.lang.unwrap_or_else(|| "?".into()),
            extraction
                .dates
                .published_source
                .map_or("none", |s| s.name())
                .to_owned(),
        ),
        Err(_) => (None, "?".into(), "not an article".into()),
    };
    let verdict = verdict(expected.as_deref(), got.as_deref());
    DateOutcome {
        id,
        index,
        lang,
        expected,
        got,
        source,
        verdict,
    }
}

/// How the dev pages are given to the extractor.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Served {
    /// As saved, with their URL.
    AsIs,
    /// Without the dates stated for machines and without a URL (see
    /// [`without_date_markup`]): what the visible-date reader finds on real layouts, as on
    /// the many small sites that state no date in their markup.
    WithoutDateMarkup,
}

/// JSON-LD blocks, `<meta>` tags but the charset, canonical links, and `datetime`,
/// `content`, `title`, `itemprop` and `pubdate` attributes.
static DATE_MARKUP: std::sync::LazyLock<[regex::bytes::Regex; 4]> =
    std::sync::LazyLock::new(|| {
        [
            r#"(?is)<script[^>]*ld\+json[^>]*>.*?</script>"#,
            r#"(?is)<meta\b[^>]*>|<link\b[^>]*canonical[^>]*>"#,
            r#"(?is)\s(?:datetime|content|title|itemprop)\s*=\s*(?:"[^"]*"|'[^']*')"#,
            r#"(?i)\spubdate\b"#,
        ]
        .map(|pattern| regex::bytes::Regex::new(pattern).expect("date markup pattern"))
    });

/// The page without the dates it states for machines (see [`DATE_MARKUP`]), its charset
/// kept: what is left is what a reader sees.
pub fn without_date_markup(page: &[u8]) -> Vec<u8> {
    let mut out = page.to_vec();
    for (n, pattern) in DATE_MARKUP.iter().enumerate() {
        out = pattern
            .replace_all(&out, |captures: &regex::bytes::Captures| {
                let whole = &captures[0];
                let is_charset = n == 1
                    && whole.len() < 200
                    && whole
                        .to_ascii_lowercase()
                        .windows(7)
                        .any(|w| w == b"charset");
                if is_charset {
                    whole.to_vec()
                } else {
                    b" ".to_vec()
                }
            })
            .into_owned();
    }
    out
}

/// Scores the labelled trafilatura-dev pages.
pub fn score_dev(corpus: &Path) -> Result<DateReport, String> {
    score_dev_served(corpus, Served::AsIs)
}

/// Scores the labelled trafilatura-dev pages, given as `served` says.
pub fn score_dev_served(corpus: &Path, served: Served) -> Result<DateReport, String> {
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
    let labels = dev_labels()?;
    let mut report = DateReport::default();
    for (index, id) in ids.into_iter().enumerate() {
        let Some(expected) = labels.get(id) else {
            continue;
        };
        let entry = &entries[id];
        let file = entry["file"].as_str().ok_or("annotation without file")?;
        let mut bytes = read_maybe_gz(&dir.join(file))?;
        let mut opts = ExtractOptions {
            url: entry["url"].as_str().and_then(|u| url::Url::parse(u).ok()),
            ..ExtractOptions::default()
        };
        if served == Served::WithoutDateMarkup {
            bytes = without_date_markup(&bytes);
            opts.url = None;
        }
        let outcome = judge(
            id.clone(),
            index,
            &bytes,
            &opts,
            expected.clone(),
            &mut report.times,
        );
        report.outcomes.push(outcome);
    }
    let missing: Vec<&String> = labels
        .keys()
        .filter(|id| !entries.contains_key(*id))
        .collect();
    if !missing.is_empty() {
        return Err(format!(
            "{} labelled pages are not in the corpus (first: {})",
            missing.len(),
            missing[0]
        ));
    }
    Ok(report)
}

/// Scores the readability pages that state a `publishedTime`.
pub fn score_readability(corpus: &Path) -> Result<DateReport, String> {
    let dir = corpus.join("readability");
    let mut names: Vec<PathBuf> = fs::read_dir(&dir)
        .map_err(|e| format!("listing {}: {e}", dir.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.join("source.html.gz").is_file())
        .collect();
    names.sort();
    let mut report = DateReport::default();
    for (index, page_dir) in names.into_iter().enumerate() {
        let name = page_dir
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let meta: serde_json::Value = serde_json::from_slice(
            &fs::read(page_dir.join("expected-metadata.json"))
                .map_err(|e| format!("reading metadata of {name}: {e}"))?,
        )
        .map_err(|e| format!("parsing metadata of {name}: {e}"))?;
        let Some(expected) = meta["publishedTime"].as_str().and_then(day) else {
            continue;
        };
        let source = read_maybe_gz(&page_dir.join("source.html.gz"))?;
        let opts = ExtractOptions {
            url: Some(
                url::Url::parse(&format!("http://fakehost/{name}/"))
                    .map_err(|e| format!("page url for {name}: {e}"))?,
            ),
            ..ExtractOptions::default()
        };
        let outcome = judge(
            name,
            index,
            &source,
            &opts,
            Some(expected.to_owned()),
            &mut report.times,
        );
        report.outcomes.push(outcome);
    }
    Ok(report)
}

pub fn fixtures_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/dates/fixtures")
}

/// One hand-made date fixture and what the extractor gave.
#[derive(Debug)]
pub struct FixtureOutcome {
    pub name: String,
    /// Mismatches, empty when the fixture passes.
    pub diff: Vec<String>,
}

/// Runs the hand-made fixtures: `published` (and `modified` when the spec has the key) must
/// equal the spec exactly, format included.
pub fn run_date_fixtures() -> Result<Vec<FixtureOutcome>, String> {
    let mut out = Vec::new();
    for FixturePage {
        name, spec, bytes, ..
    } in fixture_pages(&fixtures_dir())?
    {
        let mut diff = Vec::new();
        match extract_full(&bytes, &spec_options(&spec)) {
            Ok(extraction) => {
                let article = extraction.article;
                let want = spec["published"].as_str();
                if article.published.as_deref() != want {
                    diff.push(format!(
                        "published: expected {want:?}, got {:?} (from {})",
                        article.published,
                        extraction
                            .dates
                            .published_source
                            .map_or("none", |s| s.name())
                    ));
                }
                if let Some(want) = spec.get("modified") {
                    let want = want.as_str();
                    if article.modified.as_deref() != want {
                        diff.push(format!(
                            "modified: expected {want:?}, got {:?}",
                            article.modified
                        ));
                    }
                }
            }
            Err(e) => diff.push(format!("extraction failed: {e}")),
        }
        out.push(FixtureOutcome { name, diff });
    }
    Ok(out)
}
