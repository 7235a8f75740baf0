//! The article's own visible dateline, when the metadata has no date.
//!
//! Datelines sit next to the story: between the headline and the body, in the first
//! lines of the body, or right after it ("2 September 2024 14:12 · Politics"). Only
//! short text runs there are read — a date inside a sentence of prose is history,
//! not the publication date — and the sidebars and feeds further away never are.

use chrono::{DateTime, Utc};

use super::content::{Selection, Stats};
use super::dates::{FoundDate, parse_dateline};
use super::dom::{Dom, NodeKind};

/// Longest text run read as a dateline, in characters.
const MAX_DATELINE_CHARS: usize = 100;
/// How many nodes before the article are searched for its headline.
const HEADLINE_LOOKBACK: usize = 3_000;
/// How many short text runs are read in each region.
const MAX_RUNS: usize = 12;

/// Finds the dateline around `selection`: headline-to-body first, then right after
/// the body, then the body's first short lines.
pub fn find_near(
    dom: &Dom,
    stats: &Stats,
    selection: &Selection,
    reference: Option<DateTime<Utc>>,
) -> Option<FoundDate> {
    let first = *selection.roots.first()?;
    let last = *selection.roots.last()?;
    let _ = stats;

    // Between the nearest preceding headline (or the parent's start) and the body.
    let lookback_floor = first.saturating_sub(HEADLINE_LOOKBACK);
    let headline = (lookback_floor..first)
        .rev()
        .find(|&i| matches!(dom.tag(i), "h1" | "h2") && !dom.contains(i, first));
    let parent = dom.nodes[first].parent;
    let before_start = headline.unwrap_or(if parent == usize::MAX { first } else { parent });
    let before = runs(dom, before_start, first);

    // After the body, within the same parent (and the parent's parent's next nodes).
    let after_end = dom.nodes[last].end;
    let after_limit = if parent == usize::MAX {
        after_end
    } else {
        let grand = dom.nodes[parent].parent;
        if grand == usize::MAX {
            dom.nodes[parent].end
        } else {
            dom.nodes[grand].end
        }
    };
    let after = runs(dom, after_end, after_limit);

    let inside = runs(dom, first, dom.nodes[first].end);

    [before, after, inside]
        .into_iter()
        .flatten()
        .find_map(|text| parse_dateline(&text, reference))
}

/// Short visible text runs in `from..to`, joined per element, at most [`MAX_RUNS`].
fn runs(dom: &Dom, from: usize, to: usize) -> Vec<String> {
    let mut out = Vec::new();
    let mut i = from;
    while i < to && out.len() < MAX_RUNS {
        match &dom.nodes[i].kind {
            NodeKind::Element(el)
                if matches!(
                    &*el.tag,
                    "script" | "style" | "noscript" | "template" | "head"
                ) =>
            {
                i = dom.nodes[i].end;
                continue;
            }
            NodeKind::Element(_) if is_leaf_block(dom, i) => {
                // A paragraph of the story is a leaf block too: it is passed over without
                // being joined when its letters alone are too many for a dateline.
                if more_non_space_chars_than(dom, i, MAX_DATELINE_CHARS) {
                    i = dom.nodes[i].end;
                    continue;
                }
                let text = text_of(dom, i);
                if !text.is_empty() && text.chars().count() <= MAX_DATELINE_CHARS {
                    out.push(text);
                }
                i = dom.nodes[i].end;
                continue;
            }
            NodeKind::Text(t) => {
                let t = t.trim();
                if !t.is_empty() && t.chars().count() <= MAX_DATELINE_CHARS {
                    out.push(t.to_string());
                }
            }
            _ => {}
        }
        i += 1;
    }
    out
}

/// An element with no element children of its own other than inline ones: a span
/// or div holding "2 September 2024, 14:12" possibly split over `<b>`/`<time>`.
fn is_leaf_block(dom: &Dom, i: usize) -> bool {
    let end = dom.nodes[i].end;
    end - i <= 8
        && (i + 1..end).all(|j| match dom.element(j) {
            Some(el) => super::clean::is_inline(&el.tag),
            None => true,
        })
}

/// Whether the text of element `i` has more than `n` characters that are not whitespace:
/// then its text joined by [`text_of`] has more than `n` characters.
fn more_non_space_chars_than(dom: &Dom, i: usize, n: usize) -> bool {
    let mut count = 0;
    for j in i..dom.nodes[i].end {
        if let NodeKind::Text(t) = &dom.nodes[j].kind {
            count += t
                .chars()
                .filter(|c| !c.is_whitespace())
                .take(n + 1 - count)
                .count();
            if count > n {
                return true;
            }
        }
    }
    false
}

fn text_of(dom: &Dom, i: usize) -> String {
    let mut s = String::new();
    for j in i..dom.nodes[i].end {
        if let NodeKind::Text(t) = &dom.nodes[j].kind {
            s.push_str(t);
            s.push(' ');
        }
    }
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}
