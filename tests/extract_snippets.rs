//! Hand-written pages built like the regional portals and NGO sites gleaner crawls
//! (Bitrix, DLE, WordPress and custom news CMSs; NGO statements and press releases), in
//! Russian, Azerbaijani and English, each with the portal chrome of issue 15 placed where
//! these sites put it — informers, polls, typo prompts, calls to action, a story's print,
//! rating, share and language links, and other stories' headlines inside the story's
//! container, between its paragraphs, after its last line or in sidebars marked up like
//! articles — and with closing lines that look
//! like chrome (signatures, lists of demands or signatories, "Ends.", a one-line update);
//! and a German forum thread whose short replies are its text and whose posters' panels,
//! signatures and board statistics are chrome.
//!
//! Scored like trafilatura-dev: `with` snippets must be in the text, `without` snippets
//! must not. Every title, date and language must be right, and every snippet scored
//! right: the pages are few, so one leak or one lost line is a real regression.

#[path = "common/scoring.rs"]
mod scoring;

#[test]
fn snippet_fixtures_score_fully() {
    let (report, fixtures) = scoring::run_snippet_fixtures().expect("snippet fixtures readable");
    assert!(
        fixtures.len() >= 70,
        "expected at least 70 snippet fixtures, found {}",
        fixtures.len()
    );
    let mut problems = Vec::new();
    for f in &fixtures {
        let s = &f.score;
        eprintln!(
            "{:<36} tp {:>2} fn {:>2} fp {:>2} tn {:>2}",
            s.id, s.tp, s.fn_, s.fp, s.tn
        );
        let mut lines: Vec<String> = f.meta_diff.clone();
        lines.extend(s.error.iter().map(|e| format!("extraction failed: {e}")));
        lines.extend(s.missing.iter().map(|m| format!("missing: {m}")));
        lines.extend(s.leaked.iter().map(|l| format!("leaked: {l}")));
        if !lines.is_empty() {
            problems.push(format!("{}:\n  {}", s.id, lines.join("\n  ")));
        }
    }
    eprintln!(
        "snippet fixtures: P {:.3} R {:.3} F1 {:.3} over {} pages",
        report.precision(),
        report.recall(),
        report.f1(),
        report.pages
    );
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
