//! Quality gate for publication dates: the hand-made date fixtures must all pass (always),
//! and date accuracy on the hand-labelled corpus pages must not drop below its pinned floor
//! (when the corpus is present). Floors are what the extractor achieves minus a small
//! margin; raise them as accuracy improves, never lower them silently.
//!
//! The corpus is found through `GLEANER_CORPUS` or at `../shared/corpus`; without it the
//! corpus tests say they skipped and why, and pass (CI makes them mandatory). `cargo run
//! --release --example date_eval` prints the full table with per-language and per-source
//! breakdowns.

#[path = "common/date_scoring.rs"]
mod date_scoring;
#[path = "common/external.rs"]
mod external;
#[path = "common/scoring.rs"]
mod scoring;

use chrono::{Datelike, NaiveDate};

/// Labelled trafilatura-dev pages: accuracy (exact day) over all, and over each half.
const DEV_ACCURACY_FLOOR: f64 = 0.960;
const DEV_HALF_ACCURACY_FLOOR: f64 = 0.955;
/// Readability pages with a `publishedTime`.
const READABILITY_ACCURACY_FLOOR: f64 = 0.96;

/// The corpus, or `None` after saying why the test is skipped (a failure when `.ci/run`
/// makes the corpus mandatory, see `tests/common/external.rs`).
fn corpus(test: &str) -> Option<std::path::PathBuf> {
    match scoring::corpus_dir() {
        Ok(dir) => Some(dir),
        Err(msg) => {
            external::skip(external::REQUIRE_CORPUS, test, &msg);
            None
        }
    }
}

#[test]
fn hand_made_date_fixtures_hold() {
    let outcomes = date_scoring::run_date_fixtures().expect("date fixtures readable");
    assert!(
        outcomes.len() >= 94,
        "expected the hand-made date fixtures in {}, found {}",
        date_scoring::fixtures_dir().display(),
        outcomes.len()
    );
    let failures: Vec<String> = outcomes
        .iter()
        .filter(|o| !o.diff.is_empty())
        .map(|o| format!("{}: {}", o.name, o.diff.join("; ")))
        .collect();
    assert!(
        failures.is_empty(),
        "date fixture mismatches:\n{}",
        failures.join("\n")
    );
}

#[test]
fn labels_are_well_formed() {
    let labels = date_scoring::dev_labels().expect("labels readable");
    assert!(labels.len() >= 300, "{} labels", labels.len());
    for (id, day) in &labels {
        assert!(
            id.len() == 16 && id.bytes().all(|b| b.is_ascii_hexdigit()),
            "page id {id:?}"
        );
        if let Some(day) = day {
            let date = NaiveDate::parse_from_str(day, "%Y-%m-%d")
                .unwrap_or_else(|e| panic!("{id}: {day:?}: {e}"));
            assert!(date.year() >= 1995, "{id}: {day} is before 1995");
        }
    }
}

#[test]
fn labelled_dev_dates_hold() {
    let Some(corpus) = corpus("labelled_dev_dates_hold") else {
        return;
    };
    let report = date_scoring::score_dev(&corpus).unwrap_or_else(|e| panic!("{e}"));
    let all = report.tally();
    let (even, odd) = (report.half(0), report.half(1));
    eprintln!(
        "dates, trafilatura-dev: accuracy {:.3} (even {:.3}, odd {:.3}) over {} pages; \
         no date {:.3}, wrong date {:.3}",
        all.accuracy(),
        even.accuracy(),
        odd.accuracy(),
        all.pages,
        all.no_date_rate(),
        all.wrong_date_rate()
    );
    assert!(
        all.accuracy() >= DEV_ACCURACY_FLOOR,
        "date accuracy {:.4} below floor {DEV_ACCURACY_FLOOR}",
        all.accuracy()
    );
    for (name, half) in [("even", even), ("odd", odd)] {
        assert!(
            half.accuracy() >= DEV_HALF_ACCURACY_FLOOR,
            "date accuracy on the {name} half {:.4} below floor {DEV_HALF_ACCURACY_FLOOR}",
            half.accuracy()
        );
    }
}

#[test]
fn readability_dates_hold() {
    let Some(corpus) = corpus("readability_dates_hold") else {
        return;
    };
    let report = date_scoring::score_readability(&corpus).unwrap_or_else(|e| panic!("{e}"));
    let all = report.tally();
    eprintln!(
        "dates, readability: accuracy {:.3} over {} pages with publishedTime",
        all.accuracy(),
        all.pages
    );
    assert!(
        all.pages >= 30,
        "{} readability pages with a date",
        all.pages
    );
    assert!(
        all.accuracy() >= READABILITY_ACCURACY_FLOOR,
        "readability date accuracy {:.4} below floor {READABILITY_ACCURACY_FLOOR}",
        all.accuracy()
    );
}
