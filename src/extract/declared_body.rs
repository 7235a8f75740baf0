//! Where the publisher says the story's text ends: schema.org microdata marks the body
//! of an article with `itemprop="articleBody"`. The container that balances the most
//! prose against chrome is often the whole `<article>`, which holds the headline and
//! standfirst before the body and the story's tail after it: the author's bio, the
//! print-edition line, the notice that comments are closed. The part before the body is
//! kept (its standfirst is the story's), the part after the declared body is dropped.
//!
//! The declaration is trusted only when the declared elements hold most of the container's
//! prose: a template that marks the lead paragraph alone as the body does not cut the
//! story after its first lines.

use super::clean;
use super::content::{Selection, Stats};
use super::dom::{Dom, NodeKind};

/// Least share of a root's prose that its declared body must hold to be taken for it.
const MIN_DECLARED_SHARE: f64 = 0.5;

/// Most nodes of a root scanned for its declared body.
const SCAN_NODES: usize = 20_000;

/// The outermost declared bodies strictly inside `root`, in document order.
fn declared_bodies(dom: &Dom, s: &Stats, root: usize) -> Vec<usize> {
    let mut bodies = Vec::new();
    let end = dom.nodes[root].end.min(root + SCAN_NODES);
    let mut i = root + 1;
    while i < end {
        if !s.junk[i] && dom.element(i).is_some_and(clean::declares_article_body) {
            bodies.push(i);
            i = dom.nodes[i].end;
            continue;
        }
        i += 1;
    }
    bodies
}

/// The selection with each root that holds a declared body ending where that body ends:
/// the root is replaced by what precedes the last declared body at every level down to
/// it, and that body.
pub fn end_at_declared_body(dom: &Dom, s: &Stats, selection: Selection) -> Selection {
    let mut roots = Vec::with_capacity(selection.roots.len());
    for &root in &selection.roots {
        let bodies = declared_bodies(dom, s, root);
        let Some(&last) = bodies.last() else {
            roots.push(root);
            continue;
        };
        let declared: u32 = bodies.iter().map(|&b| s.prose[b]).sum();
        let holds_most = s.prose[root] > 0
            && f64::from(declared) >= MIN_DECLARED_SHARE * f64::from(s.prose[root]);
        if !holds_most {
            roots.push(root);
            continue;
        }
        let mut level = root;
        while level != last {
            let mut next = None;
            for child in dom.children(level) {
                if dom.contains(child, last) {
                    next = Some(child);
                    break;
                }
                if matches!(dom.nodes[child].kind, NodeKind::Element(_)) {
                    roots.push(child);
                }
            }
            match next {
                Some(child) => level = child,
                None => break,
            }
        }
        roots.push(last);
    }
    Selection { roots, ..selection }
}

#[cfg(test)]
mod tests {
    use crate::extract::{ExtractOptions, extract};

    const PARAGRAPHS: &str = "<p>The appeals court ruled on Monday that residents who suffered \
        from wildfire smoke can sue the utility whose line sparked the blaze, even far away.</p>\
        <p>The ruling revived a class action brought by four thousand residents of the valley \
        against the power company, which said it would ask for a rehearing.</p>\
        <p>A lower court had dismissed the suit last year, finding that the utility could not \
        have foreseen that the smoke would drift so far or linger so long.</p>\
        <p>The company has already paid about a billion dollars to settle claims from people \
        whose homes and property burned, its latest annual report shows.</p>\
        <p>The case now returns to a district court, where a trial could begin as early as \
        next spring, lawyers for the residents said after the hearing.</p>";

    const TAIL: &str = "<div class=bottom><p>Maya Lindqvist covers federal courts and legal \
        affairs for the paper from San Francisco, and wrote about utilities before.</p>\
        <p>A version of this article appears in print on Aug. 15, 2023, Section A, Page 14 \
        of the New York edition with the headline: Court Opens Door to Smoke Suits.</p></div>";

    fn text_of(body: &str) -> String {
        let page = format!(
            "<html lang=en><head><title>Utilities can be sued over smoke</title></head><body>\
             <article><header><h1>Utilities can be sued over smoke</h1><p class=summary>The \
             ruling by a divided panel could expose power companies to a wave of claims from \
             people who lived far from the flames.</p></header>{body}{TAIL}</article>\
             <section class=related><h2>More news</h2><a href=/a>Another story</a></section>\
             </body></html>"
        );
        extract(page.as_bytes(), &ExtractOptions::default())
            .expect("article")
            .text
    }

    #[test]
    fn the_story_ends_with_its_declared_body() {
        let text = text_of(&format!(
            "<section itemprop=articleBody>{PARAGRAPHS}</section>"
        ));
        assert!(text.contains("sue the utility"), "{text}");
        assert!(text.contains("linger so long"), "{text}");
        // The standfirst before the body stays; the tail after it goes.
        assert!(text.contains("divided panel"), "{text}");
        assert!(!text.contains("covers federal courts"), "{text}");
        assert!(!text.contains("appears in print"), "{text}");
    }

    #[test]
    fn a_body_declared_in_parts_keeps_what_lies_between_them() {
        let (first, rest) = PARAGRAPHS.split_at(PARAGRAPHS.find("<p>The ruling").expect("p"));
        let text = text_of(&format!(
            "<div itemprop=articleBody>{first}</div><div class=ad-slot></div>\
             <p>Between the parts, the story goes on with a paragraph of its own about the \
             hearing that comes next spring.</p><div itemprop=articleBody>{rest}</div>"
        ));
        assert!(text.contains("hearing that comes next spring"), "{text}");
        assert!(text.contains("linger so long"), "{text}");
        assert!(!text.contains("covers federal courts"), "{text}");
    }

    #[test]
    fn a_declared_body_with_little_of_the_prose_cuts_nothing() {
        // The lead alone is marked as the body: the paragraphs after it are the story's.
        let (lead, rest) = PARAGRAPHS.split_at(PARAGRAPHS.find("<p>The ruling").expect("p"));
        let text = text_of(&format!("<div itemprop=articleBody>{lead}</div>{rest}"));
        assert!(text.contains("linger so long"), "{text}");
        assert!(text.contains("covers federal courts"), "{text}");
    }
}
