//! Hand-written pages modelled on the seed portals and on the chrome of regional portals
//! and NGO sites (informers, polls, typo prompts, calls to action, other stories'
//! headlines): the extracted text must equal the article exactly, and title, publication
//! date and language must be right.

#[path = "common/scoring.rs"]
mod scoring;

#[test]
fn fixtures_extract_exactly() {
    let results = scoring::run_fixtures().expect("fixtures readable");
    assert!(
        results.len() >= 27,
        "expected the twenty-seven hand-written fixtures, found {}",
        results.len()
    );
    let failures: Vec<String> = results
        .iter()
        .filter(|r| !r.diff.is_empty())
        .map(|r| format!("{}:\n  {}", r.name, r.diff.join("\n  ")))
        .collect();
    assert!(
        failures.is_empty(),
        "fixture mismatches:\n{}",
        failures.join("\n")
    );
}
