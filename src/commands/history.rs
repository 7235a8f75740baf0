//! `gleaner history ID [--diff]` and `gleaner changes`: what became of stored articles —
//! every version of one, and the log of edits, removals and restorations.
//!
//! Both read the local database, or the daemon's API while the daemon holds it. The diff
//! is word by word within the paragraphs that changed (`[-removed-]{+added+}`, as
//! `git diff --word-diff=plain` writes it), with one unchanged paragraph of context, so a
//! corrected figure in a long article shows as one short line; `similar` computes it.

use std::io::{self, BufWriter, Write};

use anyhow::Context;
use chrono::{DateTime, SecondsFormat, Utc};
use gleaner::cli::{ChangesArgs, HistoryArgs};
use gleaner::store::{ArticleRecord, ArticleVersion, Change, ChangeKind};
use similar::{ChangeTag, TextDiff};

use super::remote::{block_on, open_consumer};
use super::{EXIT_FAILURE, EXIT_OK};

/// Changes read per request while paging through the log.
const CHANGES_PAGE: usize = 1000;

pub fn history(args: HistoryArgs) -> anyhow::Result<u8> {
    block_on(async {
        let id = args.id;
        let store = open_consumer(&args.data).await?;
        let record = store
            .reader
            .article(id)
            .await
            .with_context(|| format!("reading article {id}"))?;
        let versions = store
            .versions
            .versions(id)
            .await
            .with_context(|| format!("reading the versions of article {id}"))?;
        let (Some(record), Some(versions)) = (record, versions) else {
            eprintln!("gleaner: no article {id}");
            return Ok(EXIT_FAILURE);
        };
        let stdout = io::stdout();
        let mut out = BufWriter::new(stdout.lock());
        if args.json {
            let value = serde_json::json!({
                "id": record.id,
                "url": record.provenance.final_url,
                "source": record.provenance.source,
                "removed_at": record.removed_at,
                "removal": record.removal,
                "versions": versions,
            });
            serde_json::to_writer_pretty(&mut out, &value).context("writing the history")?;
            out.write_all(b"\n").context("writing the history")?;
        } else {
            out.write_all(render_history(&record, &versions, args.diff).as_bytes())
                .context("writing the history")?;
        }
        out.flush().context("writing the history")?;
        Ok(EXIT_OK)
    })?
}

pub fn changes(args: ChangesArgs) -> anyhow::Result<u8> {
    block_on(async {
        let store = open_consumer(&args.data).await?;
        let since = args.since.map(|s| s.resolve(Utc::now()));
        let stdout = io::stdout();
        let mut out = BufWriter::new(stdout.lock());
        let mut after = 0;
        loop {
            let page = store
                .changes
                .changes_since(after, args.source.as_deref(), CHANGES_PAGE)
                .await
                .context("reading the change log")?;
            let Some(last) = page.last() else { break };
            after = last.seq;
            for change in page.iter().filter(|c| since.is_none_or(|t| c.at >= t)) {
                if args.json {
                    serde_json::to_writer(&mut out, change).context("writing a change")?;
                    out.write_all(b"\n").context("writing a change")?;
                } else {
                    writeln!(out, "{}", render_change(change)).context("writing a change")?;
                }
            }
        }
        out.flush().context("writing changes")?;
        Ok(EXIT_OK)
    })?
}

fn time(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Secs, true)
}

/// One line per change: when, what, which version, source, id and URL (and, for a
/// removal, what the revisit saw).
fn render_change(c: &Change) -> String {
    let mut line = format!(
        "{}  {:<8}  v{:<3} {}  {}  {}",
        time(c.at),
        c.kind.as_str(),
        c.version,
        c.source,
        c.id,
        c.url
    );
    if let (ChangeKind::Removed, Some(e)) = (c.kind, &c.evidence) {
        if e.final_url == c.url {
            line.push_str(&format!("  ({})", e.status));
        } else {
            line.push_str(&format!("  ({} at {})", e.status, e.final_url));
        }
    }
    line
}

/// The article, then each version: its header and full text, or with `diff` the first
/// in full and each later one as the changes from the one before.
fn render_history(record: &ArticleRecord, versions: &[ArticleVersion], diff: bool) -> String {
    let mut out = format!(
        "article {}  {}\nsource {}, first seen {}, {} version{}\n",
        record.id,
        record.provenance.final_url,
        record.provenance.source,
        time(record.first_seen),
        versions.len(),
        if versions.len() == 1 { "" } else { "s" }
    );
    if let Some(removed) = record.removed_at {
        out.push_str(&format!("REMOVED {}", time(removed)));
        if let Some(e) = &record.removal {
            out.push_str(&format!(": {} at {}", e.status, e.final_url));
        }
        out.push('\n');
    }
    let mut previous: Option<&ArticleVersion> = None;
    for v in versions {
        out.push_str(&format!(
            "\n=== version {}  fetched {}  {}\n",
            v.version,
            time(v.fetched_at),
            v.title.as_deref().unwrap_or("(no title)")
        ));
        if !v.revisits.is_empty() {
            let last = v.revisits.last().map(|r| time(r.at)).unwrap_or_default();
            out.push_str(&format!(
                "    seen unchanged by {} revisit{}, last {last}\n",
                v.revisits.len(),
                if v.revisits.len() == 1 { "" } else { "s" }
            ));
        }
        let text = v.text.as_deref();
        match (diff, previous.and_then(|p| p.text.as_deref()), text) {
            (_, _, None) => out.push_str("(text not kept: replaced before versions were kept)\n"),
            (true, Some(old), Some(new)) => out.push_str(&word_diff(old, new)),
            (_, _, Some(text)) => {
                out.push_str(text);
                out.push('\n');
            }
        }
        previous = Some(v);
    }
    out
}

/// The changes from `old` to `new`: each changed run of paragraphs (with one unchanged
/// paragraph around it) under a `@@ paragraph N @@` header; a paragraph removed or added
/// whole is marked whole, one rewritten shows the words removed as `[-…-]` and added as
/// `{+…+}` (neighbouring changed words as one run). Identical texts give a line saying so.
fn word_diff(old: &str, new: &str) -> String {
    let paragraphs = TextDiff::from_lines(old, new);
    let groups = paragraphs.grouped_ops(1);
    if groups.is_empty() {
        return "(text unchanged)\n".to_string();
    }
    let old_lines: Vec<&str> = old.split_inclusive('\n').collect();
    let new_lines: Vec<&str> = new.split_inclusive('\n').collect();
    let lines = |all: &[&str], range: std::ops::Range<usize>| -> String {
        all.get(range).unwrap_or_default().concat()
    };
    let mut out = String::new();
    for group in groups {
        let Some(first) = group.first() else {
            continue;
        };
        out.push_str(&format!(
            "@@ paragraph {} @@\n",
            first.new_range().start + 1
        ));
        for op in &group {
            let before = lines(&old_lines, op.old_range());
            let after = lines(&new_lines, op.new_range());
            match op.tag() {
                similar::DiffTag::Equal => out.push_str(&after),
                similar::DiffTag::Delete => mark(&mut out, "[-", &before, "-]"),
                similar::DiffTag::Insert => mark(&mut out, "{+", &after, "+}"),
                similar::DiffTag::Replace => inline_words(&mut out, &before, &after),
            }
            if !out.ends_with('\n') {
                out.push('\n');
            }
        }
    }
    out
}

/// The word-level diff of a rewritten passage. Patience alignment anchors on words both
/// sides have once, so common filler (spaces, "the") does not interleave the two texts;
/// white space between two changes joins them into one run.
fn inline_words(out: &mut String, before: &str, after: &str) {
    let words = TextDiff::configure()
        .algorithm(similar::Algorithm::Patience)
        .diff_words(before, after);
    let (mut removed, mut added, mut gap) = (String::new(), String::new(), String::new());
    let flush = |out: &mut String, removed: &mut String, added: &mut String, gap: &mut String| {
        mark(out, "[-", removed, "-]");
        mark(out, "{+", added, "+}");
        out.push_str(gap);
        removed.clear();
        added.clear();
        gap.clear();
    };
    for change in words.iter_all_changes() {
        let value = change.value();
        match change.tag() {
            ChangeTag::Equal
                if value.trim().is_empty() && !(removed.is_empty() && added.is_empty()) =>
            {
                gap.push_str(value);
            }
            ChangeTag::Equal => {
                flush(out, &mut removed, &mut added, &mut gap);
                out.push_str(value);
            }
            ChangeTag::Delete | ChangeTag::Insert => {
                for side in [&mut removed, &mut added] {
                    if !side.is_empty() {
                        side.push_str(&gap);
                    }
                }
                gap.clear();
                if change.tag() == ChangeTag::Delete {
                    removed.push_str(value);
                } else {
                    added.push_str(value);
                }
            }
        }
    }
    flush(out, &mut removed, &mut added, &mut gap);
}

/// Appends `value` between `open` and `close`, keeping surrounding white space outside
/// the markers so they hug the words.
fn mark(out: &mut String, open: &str, value: &str, close: &str) {
    let trimmed = value.trim();
    if trimmed.is_empty() {
        out.push_str(value);
        return;
    }
    let lead = &value[..value.len() - value.trim_start().len()];
    let trail = &value[value.trim_end().len()..];
    out.push_str(lead);
    out.push_str(open);
    out.push_str(trimmed);
    out.push_str(close);
    out.push_str(trail);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_corrected_figure_shows_as_one_short_change_in_its_paragraph() {
        let old = "Polls opened at eight.\nTurnout was 38 percent, the commission said.\nObservers noted queues.\nCounting ended at midnight.\n";
        let new = "Polls opened at eight.\nTurnout was 41 percent, the commission said.\nObservers noted queues.\nCounting ended at midnight.\n";
        let diff = word_diff(old, new);
        assert_eq!(
            diff,
            "@@ paragraph 1 @@\nPolls opened at eight.\nTurnout was [-38-]{+41+} percent, the commission said.\nObservers noted queues.\n"
        );
    }

    #[test]
    fn a_removed_paragraph_and_an_added_sentence_are_marked() {
        let old = "One.\nThe arrest of the activist was confirmed.\nTwo.\n";
        let new = "One.\nTwo. Officials declined to comment.\n";
        let diff = word_diff(old, new);
        assert_eq!(
            diff,
            "@@ paragraph 1 @@\nOne.\n[-The arrest of the activist was confirmed.-]\nTwo. {+Officials declined to comment.+}\n"
        );
        assert_eq!(word_diff(old, old), "(text unchanged)\n");
    }

    #[test]
    fn removals_show_their_evidence_and_where_the_url_led() {
        let change = Change {
            seq: 3,
            id: "0011223344556677".parse().expect("id"),
            url: "https://site.example/news/1".into(),
            source: "site".into(),
            kind: ChangeKind::Removed,
            at: DateTime::from_timestamp(1_800_000_000, 0).expect("time"),
            version: 1,
            evidence: Some(gleaner::store::RemovalEvidence {
                status: 200,
                final_url: "https://site.example/".into(),
            }),
        };
        let line = render_change(&change);
        assert!(line.starts_with("2027-01-15T08:00:00Z  removed "), "{line}");
        assert!(line.ends_with("(200 at https://site.example/)"), "{line}");
    }
}
