//! Keeps the README and docs/ navigable and the README's set-up honest: every relative link
//! resolves, every document in docs/ is reachable from the README, the README's test
//! command is the one CI runs, and the exit-code table in docs/cli.md has the rows of
//! `gleaner --help` (each row's behaviour is held by the tests of its command).

use std::path::{Path, PathBuf};

fn manifest_path(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(rel)
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The README and every Markdown file in docs/.
fn documents() -> Vec<PathBuf> {
    let mut docs: Vec<PathBuf> = std::fs::read_dir(manifest_path("docs"))
        .expect("docs/ readable")
        .map(|e| e.expect("docs/ entry").path())
        .filter(|p| p.extension().is_some_and(|x| x == "md"))
        .collect();
    docs.sort();
    docs.insert(0, manifest_path("README.md"));
    docs
}

/// Targets of inline Markdown links `[text](target)` outside code blocks.
fn link_targets(markdown: &str) -> Vec<String> {
    let mut targets = Vec::new();
    let mut in_code = false;
    for line in markdown.lines() {
        if line.trim_start().starts_with("```") {
            in_code = !in_code;
            continue;
        }
        if in_code {
            continue;
        }
        let mut rest = line;
        while let Some(at) = rest.find("](") {
            let after = &rest[at + 2..];
            let Some(end) = after.find(')') else { break };
            targets.push(after[..end].to_string());
            rest = &after[end..];
        }
    }
    targets
}

fn is_local(target: &str) -> bool {
    !(target.contains("://") || target.starts_with('#') || target.starts_with("mailto:"))
}

#[test]
fn relative_links_resolve() {
    let mut broken = Vec::new();
    for doc in documents() {
        let dir = doc.parent().expect("a document has a folder");
        for target in link_targets(&read(&doc)) {
            if !is_local(&target) {
                continue;
            }
            let file = target.split('#').next().unwrap_or_default();
            if !dir.join(file).exists() {
                broken.push(format!("{}: {target}", doc.display()));
            }
        }
    }
    assert!(broken.is_empty(), "broken links:\n{}", broken.join("\n"));
}

#[test]
fn every_document_in_docs_is_linked_from_the_readme() {
    let linked: Vec<String> = link_targets(&read(&manifest_path("README.md")));
    let orphans: Vec<String> = documents()
        .iter()
        .skip(1)
        .map(|p| {
            format!(
                "docs/{}",
                p.file_name().expect("file name").to_string_lossy()
            )
        })
        .filter(|d| {
            !linked
                .iter()
                .any(|l| l.split('#').next() == Some(d.as_str()))
        })
        .collect();
    assert!(orphans.is_empty(), "not linked from README.md: {orphans:?}");
}

#[test]
fn the_readme_test_command_is_the_one_ci_runs() {
    let readme = read(&manifest_path("README.md"));
    let setup = readme
        .split("## Set-up on a fresh machine")
        .nth(1)
        .expect("README has a set-up section");
    let block = setup
        .split("```sh")
        .nth(1)
        .and_then(|b| b.split("```").next())
        .expect("the set-up section has a sh block");
    let commands: Vec<&str> = block
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .collect();
    assert_eq!(commands.len(), 2, "two set-up commands: {commands:?}");
    assert!(
        commands[0].contains(" crawl --seed "),
        "the first runs the main job, a crawl: {commands:?}"
    );
    let test_command = commands[1];
    let ci = read(&manifest_path(".ci/run"));
    assert!(
        ci.lines().any(|l| l.trim() == test_command),
        ".ci/run does not run the README's test command `{test_command}`"
    );
}

#[test]
fn the_exit_code_table_has_the_rows_of_the_help() {
    let doc = read(&manifest_path("docs/cli.md"));
    let table = doc
        .split("## Exit codes")
        .nth(1)
        .expect("docs/cli.md has an Exit codes section");
    let documented: Vec<u8> = table
        .lines()
        .skip_while(|l| !l.starts_with('|'))
        .take_while(|l| l.starts_with('|'))
        .filter_map(|l| l.trim_matches('|').split('|').next()?.trim().parse().ok())
        .collect();
    let help: Vec<u8> = gleaner::cli::EXIT_CODES_HELP
        .lines()
        .skip(1)
        .filter_map(|l| l.split_whitespace().next()?.parse().ok())
        .collect();
    assert_eq!(
        documented, help,
        "docs/cli.md and --help list different exit codes"
    );
    assert_eq!(help, [0, 1, 2, 3]);
}
