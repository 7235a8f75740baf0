//! The last resort for a page's date: a search of all its visible text for a labelled date.
//!
//! When neither the markup, nor the URL, nor a dateline by the story dates a page, the date
//! may still be written somewhere with a label that says what it is: a footer's "Stand:
//! 08.05.2019", a wiki's "last edited 2019-11-10", a fact box's "Datum" over "31.01.2022".
//! Unlabelled dates anywhere on a page are not searched for: on the dev pages they were
//! other stories', events' and readers' dates far more often than the page's own (a page
//! with no date is better reported without one than with a sidebar's). The first date
//! labelled as the publication wins, else the first labelled as a modification, which
//! [`super::date_choice`] then reports as both (see there).
//!
//! The label is the text just before the date in its text node, or, when the date opens
//! its node, the short text node before it ("Datum" / "31.01.2022"). Dates next to a copyright
//! sign or an access label ("abgerufen am") are never taken.
//!
//! The same walk over the text tells which way a page writes its numeric dates when it does
//! not declare it ([`page_writes_month_first`]).
//!
//! The search is bounded for any input: it reads at most [`MAX_SEARCH_BYTES`] of text and
//! looks at most at [`MAX_DATES`] dates, and the date regex runs in linear time.

use super::date_words::{Cue, FIRST_PUBLICATION_LABELS, SELF_REFERENCES, cue_of};
use super::dates::{DateContext, FoundDate, find_dates};
use std::sync::LazyLock;

use aho_corasick::AhoCorasick;
use regex::Regex;

use super::chars::{prefix_bytes, prefix_chars, tail_chars, tail_visible_chars};
use super::clean::is_inline;
use super::dom::{Dom, NodeKind};

/// Most text read, in bytes.
pub const MAX_SEARCH_BYTES: usize = 256 * 1024;
/// Most dates looked at.
pub const MAX_DATES: usize = 512;
/// Characters before a date read for its label.
const LABEL_CHARS: usize = 30;
/// Longest text node taken for the label of a date in the next node.
const MAX_LABEL_NODE_CHARS: usize = 40;

/// A labelled date found in the text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Labelled {
    pub date: FoundDate,
    pub cue: Cue,
}

/// Elements whose text is not the page's to read: scripts, styles, templates, the head and
/// form controls' options.
fn is_unread(tag: &str) -> bool {
    matches!(
        tag,
        "script" | "style" | "noscript" | "template" | "head" | "select" | "textarea"
    )
}

/// The page's labelled date (see the module documentation).
pub fn search(dom: &Dom, context: &DateContext) -> Option<Labelled> {
    let context = DateContext {
        short_years: false,
        ..*context
    };
    if dom.is_empty() {
        return None;
    }
    let mut budget = MAX_SEARCH_BYTES;
    let mut looked = 0;
    let mut first_modified: Option<Labelled> = None;
    // The last short text node seen, a candidate label for a date opening the next one.
    let mut previous_label: Option<&str> = None;
    let mut i = dom.body();
    let end = dom.nodes[i].end;
    while i < end && budget > 0 && looked < MAX_DATES {
        match &dom.nodes[i].kind {
            NodeKind::Element(el) if is_unread(&el.tag) => {
                i = dom.nodes[i].end;
                continue;
            }
            NodeKind::Text(text) if !text.trim().is_empty() => {
                let text = prefix_bytes(text, budget);
                budget -= text.len();
                for found in find_dates(text, &context) {
                    looked += 1;
                    let before = tail_visible_chars(&text[..found.start], LABEL_CHARS);
                    let opens_node = !before.chars().any(char::is_alphanumeric);
                    let cue = if opens_node {
                        previous_label.and_then(cue_of)
                    } else {
                        cue_of(before)
                    };
                    match cue {
                        Some(Cue::Published) => {
                            return Some(Labelled {
                                date: found.date,
                                cue: Cue::Published,
                            });
                        }
                        Some(Cue::Modified) if first_modified.is_none() => {
                            first_modified = Some(Labelled {
                                date: found.date,
                                cue: Cue::Modified,
                            });
                        }
                        _ => {}
                    }
                    if looked >= MAX_DATES {
                        break;
                    }
                }
                let trimmed = text.trim();
                previous_label = (trimmed.chars().count() <= MAX_LABEL_NODE_CHARS
                    && !trimmed.chars().any(|c| c.is_ascii_digit()))
                .then_some(trimmed);
            }
            _ => {}
        }
        i += 1;
    }
    first_modified
}

/// Longest block read as a first-publication statement, in characters: a note under the
/// story, or a paragraph that says it.
const MAX_NOTE_CHARS: usize = 600;
/// Characters after a first-publication label in which its date is looked for ("… on The
/// Conversation on 3 June 2024").
const NOTE_DATE_CHARS: usize = 100;
/// Characters after the date in which a label that wraps it closes ("… dərc olunub").
const NOTE_CLOSER_CHARS: usize = 30;
/// Most words between a first-publication label and its date.
const MAX_NOTE_GAP_WORDS: usize = 2;
/// Characters of the sentence before a label read for the page's word for itself.
const NOTE_SUBJECT_CHARS: usize = 60;

/// [`FIRST_PUBLICATION_LABELS`] as written in text: lower-case, and capitalised to open a
/// sentence ("Originally", "Впервые", "İlk dəfə"). Exact bytes, not ASCII case folding, so
/// that the automaton can skip ahead to the bytes its labels start with.
static FIRST_PUBLICATION_SEARCHER: LazyLock<AhoCorasick> = LazyLock::new(|| {
    AhoCorasick::new(FIRST_PUBLICATION_LABELS.iter().flat_map(|(label, _)| {
        let mut chars = label.chars();
        let capitalised: String = match chars.next() {
            Some('i') => format!("İ{}", chars.as_str()),
            Some(first) => first.to_uppercase().chain(chars).collect(),
            None => String::new(),
        };
        [(*label).to_string(), capitalised]
    }))
    .expect("first-publication labels build an automaton")
});

/// The same labels, lower-case only, for the block a statement is read from.
static FIRST_PUBLICATION_LOWER: LazyLock<AhoCorasick> = LazyLock::new(|| {
    AhoCorasick::new(FIRST_PUBLICATION_LABELS.iter().map(|(label, _)| label))
        .expect("first-publication labels build an automaton")
});

/// Nodes after the story's end read for a note under it.
const NOTE_AFTER_STORY_NODES: usize = 300;
/// Bytes of the story's text at its top and at its foot searched for a note: a note opens
/// or closes the story, and the search costs as much as the text it reads.
const NOTE_HEAD_BYTES: usize = 2 * 1024;
const NOTE_TAIL_BYTES: usize = 3 * 1024;

/// The day a page says it was first published: a statement such as "This essay was
/// originally published on 3 June 2014", "Впервые опубликовано 2 декабря 2019 года" or "Bu
/// məqalə ilk dəfə 8 may 2019-cu ildə dərc olunub", in a block of at most
/// [`MAX_NOTE_CHARS`] at the story's top or foot (the first [`NOTE_HEAD_BYTES`] and last
/// [`NOTE_TAIL_BYTES`] of the text of the subtrees `story` and of what follows each for
/// [`NOTE_AFTER_STORY_NODES`]; of the whole body without them), its label opening its sentence
/// or following the page's word for itself ([`SELF_REFERENCES`]), its date right after the
/// label: a copy that names the site that published it first keeps its own day. A
/// re-dated blog post, a resurfaced archive piece or a migrated story keeps its new day in
/// its markup and byline and the first one only there.
pub fn first_publication(
    dom: &Dom,
    story: Option<&[usize]>,
    context: &DateContext,
) -> Option<FoundDate> {
    if dom.is_empty() {
        return None;
    }
    let context = DateContext {
        short_years: false,
        ..*context
    };
    let body = dom.body();
    let body_end = dom.nodes[body].end;
    let scopes: Vec<std::ops::Range<usize>> = match story {
        Some(roots) if !roots.is_empty() => roots
            .iter()
            .map(|&root| root..(dom.nodes[root].end + NOTE_AFTER_STORY_NODES).min(body_end))
            .collect(),
        _ => std::iter::once(body..body_end).collect(),
    };
    // The story's text nodes, in order, with their sizes: a note stands at the story's
    // top or foot, so only the first and last stretches of its text are searched.
    let mut texts: Vec<(usize, usize)> = Vec::new();
    let mut next = 0;
    for scope in scopes {
        let mut i = scope.start.max(next);
        while i < scope.end {
            match &dom.nodes[i].kind {
                NodeKind::Element(el) if is_unread(&el.tag) => {
                    i = dom.nodes[i].end;
                    continue;
                }
                NodeKind::Text(text) if !text.trim().is_empty() => texts.push((i, text.len())),
                _ => {}
            }
            i += 1;
        }
        next = next.max(scope.end);
    }
    let total: usize = texts.iter().map(|&(_, len)| len).sum();
    let mut offset = 0;
    // The block last read, so that its other text nodes are not read again.
    let mut read_until = 0;
    for (i, len) in texts {
        let (start, end) = (offset, offset + len);
        offset = end;
        let in_reach = start < NOTE_HEAD_BYTES || end + NOTE_TAIL_BYTES > total;
        if i < read_until || !in_reach {
            continue;
        }
        let NodeKind::Text(text) = &dom.nodes[i].kind else {
            continue;
        };
        if FIRST_PUBLICATION_SEARCHER.is_match(prefix_bytes(text, MAX_SEARCH_BYTES)) {
            let block = dom
                .ancestors(i)
                .find(|&a| dom.element(a).is_some_and(|el| !is_inline(&el.tag)))
                .unwrap_or(i);
            if let Some(date) = note_date(dom, block, &context) {
                return Some(date);
            }
            read_until = dom.nodes[block].end;
        }
    }
    None
}

/// The first-publication date stated in block `block` (see [`first_publication`]).
fn note_date(dom: &Dom, block: usize, context: &DateContext) -> Option<FoundDate> {
    if dom.text_chars(block) > MAX_NOTE_CHARS {
        return None;
    }
    let joined: Vec<&str> = dom.texts(block).flat_map(str::split_whitespace).collect();
    // Turkish and Azerbaijani capital İ lower-cases to two characters elsewhere.
    let lower = joined.join(" ").replace('İ', "i").to_lowercase();
    for found_label in FIRST_PUBLICATION_LOWER.find_overlapping_iter(&lower) {
        let (_, closers) = FIRST_PUBLICATION_LABELS[found_label.pattern().as_usize()];
        let at = found_label.start();
        let before = &lower[..at];
        let sentence = before
            .rfind(['.', '!', '?', '(', '['])
            .map_or(before, |stop| &before[stop + 1..]);
        let sentence = tail_chars(sentence, NOTE_SUBJECT_CHARS);
        let speaks_of_itself = sentence.trim().is_empty()
            || sentence
                .split(|c: char| !c.is_alphanumeric())
                .any(|word| SELF_REFERENCES.contains(&word));
        if !speaks_of_itself {
            continue;
        }
        let after = prefix_chars(&lower[found_label.end()..], NOTE_DATE_CHARS);
        let Some(found) = find_dates(after, context).next() else {
            continue;
        };
        // The date follows its label ("on", "le", "am"): one after a place is the
        // day another site published the text ("Originally published at
        // www.example.com on November 18, 2011"), not this page's first day.
        let gap = after[..found.start].split_whitespace();
        if gap.clone().count() > MAX_NOTE_GAP_WORDS || gap.clone().any(|w| w.contains(['.', '/'])) {
            continue;
        }
        let closes = closers.is_empty() || {
            let rest = prefix_chars(&after[found.end..], NOTE_CLOSER_CHARS);
            closers.iter().any(|closer| rest.contains(closer))
        };
        if closes {
            return Some(found.date);
        }
    }
    None
}

/// Most text read for [`page_writes_month_first`], in bytes.
const ORDER_SEARCH_BYTES: usize = 64 * 1024;

/// An all-numeric date with slashes: two numbers and a year.
static SLASHED_DATE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?-u:\b)([0-9]{1,2})/([0-9]{1,2})/(?:19|20)[0-9]{2}(?-u:\b)")
        .expect("slashed date regex is valid")
});

/// Drupal's default "medium" date format, `D, m/d/Y - H:i` ("Wed, 08/02/2023 - 14:30"): an
/// English weekday's abbreviation, a slashed date, a spaced dash and a time. A site that
/// kept the default writes the month first; one that changed it rarely keeps the shape.
static DRUPAL_MEDIUM_DATE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?-u:\b)(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun), [0-9]{2}/[0-9]{2}/(?:19|20)[0-9]{2} - [0-9]{2}:[0-9]{2}(?-u:\b)",
    )
    .expect("Drupal date regex is valid")
});

/// Whether the page's own slashed dates show it writes the month first: at least one of
/// them can only be read so ("05/17/2015"), or is written in Drupal's default format
/// ([`DRUPAL_MEDIUM_DATE`]), and none only day first ("17/05/2015"). Reads at most
/// [`ORDER_SEARCH_BYTES`] of the body's text.
pub fn page_writes_month_first(dom: &Dom) -> bool {
    let mut budget = ORDER_SEARCH_BYTES;
    let (mut month_first, mut day_first) = (0, 0);
    let mut i = dom.body();
    let end = dom.nodes[i].end;
    while i < end && budget > 0 {
        if let Some(el) = dom.element(i)
            && matches!(&*el.tag, "script" | "style" | "noscript" | "template")
        {
            i = dom.nodes[i].end;
            continue;
        }
        if let NodeKind::Text(text) = &dom.nodes[i].kind {
            let text = prefix_bytes(text, budget);
            budget -= text.len();
            if text.contains('/') {
                for captures in SLASHED_DATE.captures_iter(text) {
                    let number = |k: usize| -> u32 {
                        captures
                            .get(k)
                            .and_then(|m| m.as_str().parse().ok())
                            .unwrap_or(0)
                    };
                    let (first, second) = (number(1), number(2));
                    if first > 12 && (1..=12).contains(&second) {
                        day_first += 1;
                    } else if second > 12 && second <= 31 && (1..=12).contains(&first) {
                        month_first += 1;
                    }
                }
                month_first += DRUPAL_MEDIUM_DATE.find_iter(text).count();
            }
        }
        i += 1;
    }
    month_first > 0 && day_first == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn searched(html: &str) -> Option<(String, Cue)> {
        Dom::parse_with(html, |dom| {
            search(dom, &DateContext::default()).map(|l| (l.date.format(), l.cue))
        })
    }

    #[test]
    fn labelled_dates_only() {
        let html = "<html><body><ul><li>Other story 3 March 2020</li><li>4 March 2020</li></ul>\
            <article><p>A story told on a long day of work.</p></article>\
            <footer>Stand: 08.05.2019</footer></body></html>";
        assert_eq!(searched(html), Some(("2019-05-08".into(), Cue::Modified)));
        // The label in the node before: "Datum" over "31.01.2022".
        let html = "<div><span>Datum</span><span>31.01.2022</span></div><p>Stand: 01.02.2022</p>";
        assert_eq!(searched(html), Some(("2022-01-31".into(), Cue::Published)));
        let html = "<p>page revision: 8, last edited: 17 Jun 2018 15:15</p>";
        assert_eq!(searched(html), Some(("2018-06-17".into(), Cue::Modified)));
        // Unlabelled dates are no evidence.
        assert_eq!(searched("<p>1 May 2020 and 2 May 2020</p>"), None);
        assert_eq!(searched("<p>Event: 1 May 2020</p>"), None);
    }

    #[test]
    fn the_day_a_page_says_it_was_first_published() {
        let first = |body: &str| {
            let html = format!(
                "<html><body><article><p>Text of the story as it stands today.</p>{body}\
                 </article></body></html>"
            );
            Dom::parse_with(&html, |dom| {
                first_publication(dom, None, &DateContext::default()).map(|d| d.format())
            })
        };
        for (body, day) in [
            (
                "<p><em>From the archive. This essay was originally published on 3 June 2014. \
                 We are resurfacing it this week.</em></p>",
                "2014-06-03",
            ),
            (
                "<p>Впервые опубликовано 2 декабря 2019 года.</p>",
                "2019-12-02",
            ),
            (
                "<p>Матеріал уперше опубліковано 24 червня 2016 року.</p>",
                "2016-06-24",
            ),
            (
                "<div class=note><p>Bu məqalə ilk dəfə 8 may 2019-cu ildə dərc olunub.</p></div>",
                "2019-05-08",
            ),
            // Split by inline markup.
            (
                "<p><em>Article publié initialement le <strong>2 février 2017</strong> et mis à \
                 jour.</em></p>",
                "2017-02-02",
            ),
            (
                "<p>Dieser Beitrag ist erstmals am 3. Juni 2014 erschienen.</p>",
                "2014-06-03",
            ),
        ] {
            assert_eq!(first(body).as_deref(), Some(day), "{body}");
        }
        for body in [
            // Another document's first publication, told in a story's sentence.
            "<p>The report, first published on 3 March 2021 by the agency, found delays.</p>",
            // The day another site published it.
            "<p>Originally published at www.example.com on November 18, 2011.</p>",
            "<p>This article was originally published in The Guardian on 3 June 2014.</p>",
            // "For the first time", not a publication.
            "<p>Lahıca ilk dəfə 12 may 2009-cu ildə getmişdim.</p>",
            "<p>Bu məqalə ilk dəfə 8 may 2019-cu ildə oxucuların görüşündə müzakirə edildi.</p>",
            // No day.
            "<p>This essay was first published in 2014.</p>",
        ] {
            assert_eq!(first(body), None, "{body}");
        }
    }

    #[test]
    fn the_order_a_page_writes_its_numbers_in() {
        let order = |html: &str| Dom::parse_with(html, page_writes_month_first);
        assert!(order(
            "<p>Posted 04/07/2015</p><ul><li>Easter Vigil 04/04/2015</li>\
             <li>Picnic 05/17/2015</li></ul>"
        ));
        // One date only a day first can be, and the page is not read month first.
        assert!(!order(
            "<p>Posted 04/07/2015</p><p>05/17/2015 and 17/05/2015</p>"
        ));
        // Drupal's default format is month first, unless the page shows otherwise.
        assert!(order(
            "<p>Submitted by admin on Wed, 08/02/2023 - 14:30</p>"
        ));
        assert!(!order(
            "<p>Wed, 08/02/2023 - 14:30</p><p>Sat, 25/02/2023 - 09:00</p>"
        ));
        assert!(!order(
            "<p>08/02/2023 - 14:30</p><p>Wed 08/02/2023, 14:30</p>"
        ));
        // Dates valid both ways, scripts, and figures that are no dates say nothing.
        assert!(!order(
            "<p>04/07/2015, 1/2/2020</p><script>var d = '05/17/2015';</script>\
             <p>Score 3/45/2015</p>"
        ));
    }

    #[test]
    fn copyright_and_access_dates_are_not_the_page_date() {
        let html = "<html><body><p>Copyright 01.01.2019</p><p>© 02.02.2019</p>\
            <p>Source, abgerufen am 21.09.2022</p></body></html>";
        assert_eq!(searched(html), None);
    }

    #[test]
    fn bounded_on_hostile_pages() {
        // Millions of digits and of date-like fragments: linear, and capped.
        let digits = format!("<p>{}</p>", "1".repeat(3_000_000));
        assert_eq!(searched(&digits), None);
        let dates = format!("<p>{}</p>", "1.1.2020 ".repeat(200_000));
        assert_eq!(searched(&dates), None);
        let labelled = format!("<p>{}</p>", "Stand: 1.1.2020 ".repeat(200_000));
        assert_eq!(
            searched(&labelled),
            Some(("2020-01-01".into(), Cue::Modified))
        );
        assert_eq!(searched("<p>no dates at all</p>"), None);
        assert_eq!(searched(""), None);
    }
}
