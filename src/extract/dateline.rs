//! The story's visible datelines: the dates printed around the headline and the body.
//!
//! Datelines sit next to the story: between the headline and the body or just above the
//! headline ("2 September 2024 14:12 · Politics"), in the first lines of the body
//! ("Karlsruhe, (12.11.2021)."), or right after it ("Datum: 19.11.2021"). Only short text
//! runs there are read — a date inside a sentence of prose is history, not the publication
//! date — and the sidebars and feeds further away never are. Each dateline keeps the label
//! in front of it ("Veröffentlicht am", "Updated", "Stand:", in the same line or the line
//! before) or the class of its element (`date-updated`, `entry-date published`), so that
//! [`super::date_choice`] can tell publication from modification.
//!
//! A `<time datetime>` inside a dateline lends its machine value when it names the day the
//! text shows, and a bare time in the next run ("6. November 2023" / "14:03 Uhr") is joined
//! to a date that has none.

use super::content::Selection;
use super::date_choice::{Dateline, Place};
use super::date_words::{
    Cue, class_says_modified, class_says_published, cue_of, cue_of_label_line,
};
use super::dates::{
    DateContext, DayOrder, FoundDate, dateline_without_a_date_shape, find_dates,
    parse_machine_date_in, parse_time, yearless_dateline,
};
use super::dom::{Dom, NodeKind};

/// Longest text run read as a dateline, in characters.
const MAX_DATELINE_CHARS: usize = 100;
/// Longest run taken for the label of the dateline after it ("Veröffentlicht am:").
const MAX_LABEL_CHARS: usize = 40;
/// How many nodes before the body are searched for its headline.
const HEADLINE_LOOKBACK: usize = 3_000;
/// How many nodes before the headline are read for a dateline above it.
const ABOVE_LOOKBACK: usize = 300;
/// How many nodes after the headline are read when the body does not follow it.
const BELOW_LOOKAHEAD: usize = 400;
/// How many short runs are read in each place.
const RUNS_BELOW: usize = 12;
const RUNS_ABOVE: usize = 8;
const RUNS_BODY: usize = 6;
const RUNS_AFTER: usize = 10;
/// `h1` elements considered as the headline.
const MAX_HEADLINES: usize = 32;
/// Ancestors whose class is read for a hint.
const CLASS_DEPTH: usize = 3;

/// A short text run: the joined text of a leaf block or a lone text node.
struct Run {
    text: String,
    /// The element (or text node) it was read from.
    node: usize,
    /// The `datetime` of a `<time>` in it.
    machine: Option<String>,
}

/// The datelines around the story, nearest the headline first: around the headline
/// (alternating below and above it, nearest first), then the body's first lines, then the
/// lines after the body. `title` is the page's headline as the metadata knows it, to find
/// its element.
pub fn find(
    dom: &Dom,
    selection: Option<&Selection>,
    title: Option<&str>,
    context: &DateContext,
) -> Vec<Dateline> {
    find_until(dom, selection, title, context, |_| false)
}

/// [`find`], stopping after the datelines around the headline when `enough` says they
/// settle the page's dates: the body's and the after-body lines are read only if needed.
pub fn find_until(
    dom: &Dom,
    selection: Option<&Selection>,
    title: Option<&str>,
    context: &DateContext,
    enough: impl Fn(&[Dateline]) -> bool,
) -> Vec<Dateline> {
    let context = DateContext {
        short_years: true,
        ..*context
    };
    let body = selection.and_then(|s| Some((*s.roots.first()?, *s.roots.last()?)));
    let headline = find_headline(dom, body.map(|(first, _)| first), title);
    let mut out = Vec::new();
    if let Some(headline) = headline {
        read_around_headline(dom, headline, title, &context, &mut out);
        // Templates print the headline twice, for narrow and wide screens, and the
        // dateline under one copy only: the other copies are read when this one has none.
        if out.is_empty() {
            for twin in headline_twins(dom, headline) {
                read_around_headline(dom, twin, title, &context, &mut out);
                if !out.is_empty() {
                    break;
                }
            }
        }
    }
    if enough(&out) {
        return out;
    }
    if let Some((first, last)) = body {
        if headline.is_none() {
            read_post_header(dom, first, &context, &mut out);
        }
        let headline_in_body = headline.is_some_and(|h| dom.contains(first, h));
        if !headline_in_body {
            let start = runs(dom, first, dom.nodes[last].end, RUNS_BODY);
            for k in 0..start.len() {
                push_dateline(dom, &start, k, Place::BodyStart, &context, &mut out);
            }
        }
        let paragraph_from = headline
            .map(|h| dom.nodes[h].end)
            .filter(|&h_end| (first..dom.nodes[last].end).contains(&h_end))
            .unwrap_or(first);
        out.extend(opening_dateline(
            dom,
            paragraph_from,
            dom.nodes[last].end,
            &context,
        ));
        let after_end = dom.nodes[last].end;
        // The story's own footer inside the selected root, which may enclose it whole
        // (an `<article>` ending in "4 марта 2019, 10:15" inside the selected `<main>`).
        // Without a headline to bound the story, the body's own roots do: a sign-off after
        // its last paragraph ("Posted by Alison Reid, Secretary, 14 February 2006").
        let end_runs = match headline {
            Some(headline) => story_end_runs(dom, headline, after_end),
            None => runs_after_last_prose(dom, first, after_end),
        };
        for k in 0..end_runs.len() {
            push_dateline(dom, &end_runs, k, Place::AfterBody, &context, &mut out);
        }
        // The lines after the body follow its last root: their reach is that root's
        // grandparent (a selection led by a standfirst in its own wrapper ends far later).
        let parent = dom.nodes[last].parent;
        let limit = if parent == usize::MAX {
            after_end
        } else {
            let grand = dom.nodes[parent].parent;
            if grand == usize::MAX {
                dom.nodes[parent].end
            } else {
                dom.nodes[grand].end
            }
        };
        let after = runs_after_body(dom, after_end, limit, RUNS_AFTER);
        for k in 0..after.len() {
            push_dateline(dom, &after, k, Place::AfterBody, &context, &mut out);
        }
    }
    out
}

/// How many levels above the body a post's header is looked for: a forum's post is a
/// table whose first row holds the date, the body a cell of a later row
/// (`table > tbody > tr > td`).
const POST_DEPTH: usize = 4;

/// The lines above the body in its post, when the page shows no headline to read around:
/// a forum's post header ("03-17-2019, 02:22 PM" in the row over the first post), whose
/// title is only in `<title>` and a breadcrumb.
/// Read as the body's first lines, so only a pure dateline counts, and never above the
/// post: the page's header and the thread's other posts are outside it.
fn read_post_header(dom: &Dom, first: usize, context: &DateContext, out: &mut Vec<Dateline>) {
    let mut post = first;
    for _ in 0..POST_DEPTH {
        let parent = dom.nodes[post].parent;
        if parent == usize::MAX || matches!(dom.tag(parent), "body" | "html" | "main" | "") {
            break;
        }
        post = parent;
    }
    if post == first {
        return;
    }
    let from = post.max(first.saturating_sub(ABOVE_LOOKBACK));
    read_above(dom, from, first, Place::BodyStart, context, out);
}

/// The datelines around `headline`, nearest first.
fn read_around_headline(
    dom: &Dom,
    headline: usize,
    title: Option<&str>,
    context: &DateContext,
    out: &mut Vec<Dateline>,
) {
    let container = headline_container(dom, headline);
    around_headline(dom, headline, container, title, context, out);
    // A badge or kicker before the headline ("Kostenlos bis 19:34 Uhr") made its parent
    // the container, and the dateline sits above that: the lines just above it are read.
    if out.is_empty() && container != headline {
        let wider = headline_container(dom, container);
        if wider != container {
            let start = wider.max(container.saturating_sub(ABOVE_LOOKBACK));
            read_above(dom, start, container, Place::Headline, context, out);
        }
    }
}

/// Most copies of the headline read for a dateline.
const MAX_TWINS: usize = 2;

/// Other copies of `headline`, in page order: headings of its level with the same text
/// (the narrow- and wide-screen copies of a template), and headings (`<h1>`–`<h3>`) that
/// hold every word of it and more — the visible headline of a page whose `<h1>` is a
/// hidden copy of the title in the page header, with the kicker and date inside it
/// (`<h2>Nachricht | <time>30.10.2021</time> «Wir waren …»</h2>`).
fn headline_twins(dom: &Dom, headline: usize) -> Vec<usize> {
    let tag = dom.tag(headline);
    let headline_text = text_of(dom, headline);
    let text = comparable(&headline_text);
    if text.is_empty() {
        return Vec::new();
    }
    let words = word_set(&headline_text);
    let mut headings = 0;
    let mut twins = Vec::new();
    for i in 0..dom.len() {
        if i == headline || dom.element(i).is_none() {
            continue;
        }
        let same_level = dom.tag(i) == tag;
        // A styled-title headline (`<div class="t-title">`) has every <div> as its level:
        // only a real heading is taken for a wider copy, never the page's wrapper.
        let is_heading = matches!(dom.tag(i), "h1" | "h2" | "h3");
        if !same_level && !is_heading {
            continue;
        }
        headings += 1;
        if headings > MAX_HEADLINES || twins.len() == MAX_TWINS {
            break;
        }
        let other = text_of(dom, i);
        let other_comparable = comparable(&other);
        let is_twin = if other_comparable == text {
            same_level
        } else {
            // A wider copy has more letters than the headline: most headings are shorter.
            is_heading && words.len() >= MIN_TWIN_WORDS && other_comparable.len() > text.len() && {
                let other = word_set(&other);
                other.len() > words.len() && words.iter().all(|w| other.binary_search(w).is_ok())
            }
        };
        if is_twin {
            twins.push(i);
        }
    }
    twins
}

/// Fewest words of a headline whose wider copies are looked for: a short one ("News")
/// is in many headings.
const MIN_TWIN_WORDS: usize = 3;

/// The datelines below and above `headline` (above it, from `above_start`), nearest first.
fn around_headline(
    dom: &Dom,
    headline: usize,
    above_start: usize,
    title: Option<&str>,
    context: &DateContext,
    out: &mut Vec<Dateline>,
) {
    // Below the headline: the lines up to the story's prose (a standfirst may come
    // first), wherever the content selection starts.
    let below_end = (dom.nodes[headline].end + BELOW_LOOKAHEAD).min(dom.len());
    let mut below = headline_runs(dom, headline, title);
    below.extend(join_split_dates(collect_runs(
        dom,
        dom.nodes[headline].end,
        below_end,
        RUNS_BELOW,
        &[],
        Some(PROSE_BLOCKS_BELOW),
    )));
    let above = runs_above(
        dom,
        above_start.max(headline.saturating_sub(ABOVE_LOOKBACK)),
        headline,
    );
    for k in 0..below.len().max(above.len()) {
        if k < below.len() {
            push_dateline(dom, &below, k, Place::Headline, context, out);
        }
        if k < above.len() {
            read_above_run(dom, &above, k, context, out);
        }
    }
}

/// The last [`RUNS_ABOVE`] runs in `from..to`, nearest to `to` first. (Split dates are
/// joined within those: joined first, the runs would reach further up.)
fn runs_above(dom: &Dom, from: usize, to: usize) -> Vec<Run> {
    let mut above = collect_runs(dom, from, to, usize::MAX, &[], None);
    let keep = above.len().saturating_sub(RUNS_ABOVE);
    above.drain(..keep);
    let mut above = join_split_dates(above);
    above.reverse();
    above
}

/// The datelines of the runs in `from..to`, above the headline, nearest first.
fn read_above(
    dom: &Dom,
    from: usize,
    to: usize,
    place: Place,
    context: &DateContext,
    out: &mut Vec<Dateline>,
) {
    let above = runs_above(dom, from, to);
    for k in 0..above.len() {
        let start = out.len();
        read_above_run(dom, &above, k, context, out);
        out[start..].iter_mut().for_each(|d| d.place = place);
    }
}

/// The datelines of run `k` of runs above the headline (nearest first): the run before a
/// date, its label, is the next one.
fn read_above_run(
    dom: &Dom,
    above: &[Run],
    k: usize,
    context: &DateContext,
    out: &mut Vec<Dateline>,
) {
    let label = above.get(k + 1).map(|r| r.text.as_str());
    out.extend(read_run(dom, &above[k], label, None, context));
}

/// Nodes read for the story's opening paragraphs (see [`OPENING_PARAGRAPHS`]).
const FIRST_PARAGRAPH_LOOKAHEAD: usize = 400;
/// Characters at the start of the first paragraph read for a dateline.
const OPENING_CHARS: usize = 80;
/// Words that open a sentence about an event on a date, not a dateline ("Am 31.10.2023
/// kam es …", "On 3 March the parliament …").
const EVENT_OPENERS: &[&str] = &[
    "am", "an", "on", "in", "im", "at", "by", "le", "la", "el", "en", "il", "w", "we", "во", "в",
    "у", "seit", "since", "bis", "until", "vom", "from", "ab", "bei", "nach", "after", "before",
    "vor", "zum", "um", "gegen", "desde", "hasta", "depuis", "jusqu", "dès", "до", "с", "від", "з",
    "od",
];

/// Paragraphs read for an opening dateline: the story's first, and the one after a
/// standfirst.
const OPENING_PARAGRAPHS: usize = 2;

/// The dateline that opens the story's first paragraph (or its second, after a
/// standfirst), as news agencies and press releases write it: "Karlsruhe, (12.11.2021).
/// Traditionell …", "(21. November 2022) Energieverbraucher …", "BERLIN, 3. März 2024 –
/// …", "AUSTIN, Texas, Feb. 7, 2022 /PRNewswire/ -- …". A place of up to three
/// capitalised words may come first; a sentence about an event on a date ("Am 31.10.2023
/// kam es …") is not a dateline.
fn opening_dateline(dom: &Dom, from: usize, to: usize, context: &DateContext) -> Option<Dateline> {
    let to = to.min(from + FIRST_PARAGRAPH_LOOKAHEAD);
    let mut start = from;
    for _ in 0..OPENING_PARAGRAPHS {
        let paragraph = first_prose_in(dom, start, to)?;
        if let Some(dateline) = paragraph_dateline(dom, paragraph, context) {
            return Some(dateline);
        }
        start = dom.nodes[paragraph].end;
    }
    None
}

/// The dateline at the start of `paragraph`, if it opens with one.
fn paragraph_dateline(dom: &Dom, paragraph: usize, context: &DateContext) -> Option<Dateline> {
    let text = text_of(dom, paragraph);
    let opening: String = text.chars().take(OPENING_CHARS).collect();
    let found = find_dates(&opening, context).next()?;
    let before = &opening[..found.start];
    let words: Vec<&str> = before
        .split(|c: char| !c.is_alphabetic())
        .filter(|w| !w.is_empty())
        .collect();
    let place_like = words.len() <= 3
        && words
            .iter()
            .all(|w| w.chars().next().is_some_and(char::is_uppercase))
        && words
            .first()
            .is_none_or(|w| !EVENT_OPENERS.contains(&w.to_lowercase().as_str()));
    // The dateline is set off from the sentence after it.
    let after = opening[found.end..].trim_start();
    let set_off = after.is_empty()
        || after.starts_with([')', '.', ',', ':', '-', '–', '—', '|', '/'])
        || before.trim_end().ends_with('(');
    (place_like && set_off).then_some(Dateline {
        date: found.date,
        cue: None,
        place: Place::BodyStart,
        pure: true,
        swapped: None,
    })
}

/// The first block of prose (a leaf block too long for a dateline) in `from..to`, passing
/// over scripts and `<noscript>` fallbacks, whose raw text is no prose.
fn first_prose_in(dom: &Dom, from: usize, to: usize) -> Option<usize> {
    let mut i = from;
    while i < to {
        if let Some(el) = dom.element(i) {
            if matches!(&*el.tag, "script" | "style" | "noscript" | "template") {
                i = dom.nodes[i].end;
                continue;
            }
            if is_leaf_block(dom, i) && more_non_space_chars_than(dom, i, MAX_DATELINE_CHARS) {
                return Some(i);
            }
        }
        i += 1;
    }
    None
}

/// The runs after the story's last paragraph, up to the end of the element that holds its
/// headline and its text, and before `to` (the end of the selected body, after which the
/// lines are read anyway). Only when the story has two paragraphs or more: the lines after
/// a single one were read below the headline.
fn story_end_runs(dom: &Dom, headline: usize, to: usize) -> Vec<Run> {
    let headline_end = dom.nodes[headline].end;
    let look_to = (headline_end + PROSE_LOOKAHEAD).min(dom.len());
    let Some(first) = first_prose_in(dom, headline_end, look_to) else {
        return Vec::new();
    };
    let Some(story) = dom.ancestors(headline).find(|&a| dom.contains(a, first)) else {
        return Vec::new();
    };
    if matches!(dom.tag(story), "body" | "html") {
        return Vec::new();
    }
    runs_after_last_prose(dom, first, dom.nodes[story].end.min(to))
}

/// The runs after the last paragraph of prose in `first..end`, when it is not `first`.
fn runs_after_last_prose(dom: &Dom, first: usize, end: usize) -> Vec<Run> {
    let last = last_prose_in(dom, first, end);
    if last == first {
        return Vec::new();
    }
    runs_after_body(dom, dom.nodes[last].end, end, RUNS_AFTER)
}

/// The last block of prose in `from..to` (`from` itself when there is no later one),
/// passing over what [`runs_after_body`] passes over: a list of teasers with long leads
/// is no part of the story.
fn last_prose_in(dom: &Dom, from: usize, to: usize) -> usize {
    let mut last = from;
    let mut i = from;
    while i < to {
        if let Some(el) = dom.element(i) {
            let tag = &*el.tag;
            if matches!(tag, "script" | "style" | "noscript" | "template" | "nav")
                || NOT_AFTER_BODY.contains(&tag)
            {
                i = dom.nodes[i].end;
                continue;
            }
            if tag == "p" || is_leaf_block(dom, i) {
                if more_non_space_chars_than(dom, i, MAX_DATELINE_CHARS) {
                    last = i;
                }
                i = dom.nodes[i].end;
                continue;
            }
        }
        i += 1;
    }
    last
}

/// Nodes of the story read for its first paragraph when its subheads are told apart from
/// its headline.
const PROSE_LOOKAHEAD: usize = 3_000;

/// The story's first paragraph, read from the start of the body's first root — unless that
/// root is the whole page, whose first long text may be a cookie notice above the headline.
/// Whether no paragraph stands before `heading` inside its parent.
fn opens_its_block(dom: &Dom, heading: usize) -> bool {
    let parent = dom.nodes[heading].parent;
    parent != usize::MAX && first_prose_in(dom, parent, heading).is_none()
}

fn first_prose_block(dom: &Dom, body_start: usize) -> Option<usize> {
    if matches!(dom.tag(body_start), "body" | "html") {
        return None;
    }
    let end = dom.nodes[body_start].end.min(body_start + PROSE_LOOKAHEAD);
    first_prose_in(dom, body_start, end.min(dom.len()))
}

/// Reads run `k` of `runs` (in document order: its label is run `k - 1`).
fn push_dateline(
    dom: &Dom,
    runs: &[Run],
    k: usize,
    place: Place,
    context: &DateContext,
    out: &mut Vec<Dateline>,
) {
    let label = k.checked_sub(1).map(|j| runs[j].text.as_str());
    let next = runs.get(k + 1).map(|r| r.text.as_str());
    for d in read_run(dom, &runs[k], label, next, context) {
        out.push(Dateline { place, ..d });
    }
}

/// Most datelines read from one run ("Published 2 May · Updated 3 May" has two).
const MAX_DATES_PER_RUN: usize = 3;

/// The datelines in one run. `label` is the run before it, `next` the run after it.
fn read_run(
    dom: &Dom,
    run: &Run,
    label: Option<&str>,
    next: Option<&str>,
    context: &DateContext,
) -> Vec<Dateline> {
    let machine = run
        .machine
        .as_deref()
        .and_then(|m| parse_machine_date_in(m, context));
    let other_order = DateContext {
        order: match context.order {
            DayOrder::DayFirst => DayOrder::MonthFirst,
            DayOrder::MonthFirst => DayOrder::DayFirst,
        },
        ..*context
    };
    // Each date with its label, its other reading, and, when it was read with a two-digit
    // year ("19.10.19"), the words beside it in its piece of the run: only a run that is a
    // dateline, or such a piece, makes it a date ("upgrade to 2.4.19" is a version).
    let mut found: Vec<(FoundDate, &str, Option<chrono::NaiveDate>, Option<usize>)> = Vec::new();
    let mut previous_end = 0;
    let mut words_in_dates = 0;
    for m in find_dates(&run.text, context).take(MAX_DATES_PER_RUN) {
        let written = &run.text[m.range()];
        let letters = words(written);
        // Only an all-numeric date with slashes or dashes has another reading: dots are
        // day first wherever they are written ("10.11.2021"), slashes are not ("6/5/2023").
        // Except on a page that declares US English: Engadget writes "11.03.17" month
        // first, a Kazakh site whose WordPress locale is `en_US` "12.01.2024" day first.
        let other_reading = written.contains(['/', '-'])
            || (context.order == DayOrder::MonthFirst && written.contains('.'));
        let swapped = if letters == 0 && other_reading {
            find_dates(written, &other_order)
                .next()
                .map(|other| other.date.date)
                .filter(|&other| other != m.date.date)
        } else {
            None
        };
        // A date is written with a four-digit year or a two-digit one: without a run of
        // four digits (Western or Arabic-Indic), its year had two.
        // The words beside such a date in its own piece of a line parted by bars or dots
        // ("02.04.04 | Отдел по делам ЖКХ и благоустройству"): a piece that is only the
        // date, or the date and a label, states it as a date.
        let short_year = (context.short_years && !has_four_digit_run(written)).then(|| {
            let piece_start = run.text[..m.start]
                .char_indices()
                .rev()
                .find(|&(_, c)| PIECE_SEPARATORS.contains(&c))
                .map_or(0, |(k, c)| k + c.len_utf8());
            let piece_end = run.text[m.end..]
                .find(PIECE_SEPARATORS)
                .map_or(run.text.len(), |k| m.end + k);
            words(&run.text[piece_start..m.start]) + words(&run.text[m.end..piece_end])
        });
        // Each date's label is the text between it and the date before it.
        found.push((
            m.date,
            &run.text[previous_end..m.start],
            swapped,
            short_year,
        ));
        previous_end = m.end;
        words_in_dates += letters;
    }
    if found.is_empty() {
        // A relative dateline ("vor 2 Stunden") is the whole run; else a bare <time>, or
        // an element a script was to write the date into.
        let unix =
            || unix_time_value(dom, run.node).and_then(|u| parse_machine_date_in(&u, context));
        let tooltip = || tooltip_date(dom, run.node, context);
        let yearless = || {
            context
                .url_month
                .and_then(|month| yearless_dateline(&run.text, month, context.reference))
        };
        // The date shapes were searched for above: only the other forms are left.
        // The tooltip's day is exact where a relative dateline counts back from the fetch.
        match tooltip()
            .or_else(|| dateline_without_a_date_shape(&run.text, context))
            .or(machine)
            .or_else(unix)
            .or_else(yearless)
        {
            Some(date) => found.push((date, "", None, None)),
            // Most runs hold no date: their classes and words are not read.
            None => return Vec::new(),
        }
    }
    let class = class_cue(dom, run.node);
    let single = found.len() == 1;
    let words_beside = words(&run.text).saturating_sub(words_in_dates);
    found
        .into_iter()
        .enumerate()
        .filter_map(|(n, (mut date, prefix, swapped, short_year))| {
            // The machine value of a <time> of the same day is more precise.
            if let Some(machine) = machine
                && machine.date == date.date
                && machine.has_time()
                && (machine.offset.is_some() || !date.has_time())
            {
                date = machine;
            }
            // "6. November 2023" and "14:03 Uhr" in runs of their own.
            if single
                && !date.has_time()
                && let Some((time, offset)) = next.and_then(bare_time)
            {
                date = FoundDate {
                    time: Some(time),
                    offset,
                    ..date
                };
            }
            let cue = cue_of(prefix)
                .or_else(|| {
                    (n == 0)
                        .then_some(label)
                        .flatten()
                        // A label line holds no date of its own.
                        .filter(|l| {
                            l.chars().count() <= MAX_LABEL_CHARS
                                && !l.chars().any(|c| c.is_ascii_digit())
                        })
                        .and_then(cue_of_label_line)
                })
                .or(if single { class } else { None });
            // A byline's names beside a date the markup wraps in `<time>` leave it a
            // dateline: the page states the date as such.
            let pure = words_beside <= MAX_WORDS_BESIDE
                || cue == Some(Cue::Published)
                || (single && (class == Some(Cue::Published) || machine.is_some()));
            // A two-digit year is read in a dateline, or in a piece of a line that is one.
            if !pure && short_year.is_some_and(|beside| beside > MAX_WORDS_BESIDE) {
                return None;
            }
            (cue != Some(Cue::Other)).then_some(Dateline {
                date,
                cue,
                place: Place::Headline,
                pure,
                swapped,
            })
        })
        .collect()
}

/// Whether `text` holds four digits in a row, in any script.
fn has_four_digit_run(text: &str) -> bool {
    let mut run = 0;
    text.chars().any(|c| {
        run = if c.is_numeric() { run + 1 } else { 0 };
        run == 4
    })
}

/// Most words beside the date in a pure dateline: a label, a name, a place
/// ("Por Ana Ruiz", "Hofheim am Taunus").
const MAX_WORDS_BESIDE: usize = 4;

/// What parts a dateline's pieces ("02.04.04 | Отдел ЖКХ", "Anna Berg · 12.03.2021").
const PIECE_SEPARATORS: [char; 3] = ['|', '·', '•'];

/// Words of two or more letters.
fn words(text: &str) -> usize {
    text.split(|c: char| !c.is_alphabetic())
        .filter(|w| w.chars().count() >= 2)
        .count()
}

/// A run that is only a time: "14:03 Uhr", "07:59 hs", "21:25".
fn bare_time(text: &str) -> Option<(chrono::NaiveTime, Option<chrono::FixedOffset>)> {
    let text = text.trim();
    let text = ["Uhr", "uhr", "hs", "h", "Hrs.", "hrs"]
        .iter()
        .find_map(|suffix| text.strip_suffix(suffix))
        .unwrap_or(text);
    parse_time(text.trim().trim_start_matches(['|', '-', '·', ',']).trim())
}

/// What the class of the run's element or its near ancestors says.
fn class_cue(dom: &Dom, node: usize) -> Option<Cue> {
    let mut element = Some(node);
    for _ in 0..=CLASS_DEPTH {
        let i = element?;
        if let Some(el) = dom.element(i) {
            if class_says_modified(&el.class_id) {
                return Some(Cue::Modified);
            }
            if class_says_published(&el.class_id) {
                return Some(Cue::Published);
            }
        }
        let parent = dom.nodes[i].parent;
        element = (parent != usize::MAX).then_some(parent);
    }
    None
}

/// How many levels above the headline its container is looked for.
const CONTAINER_DEPTH: usize = 3;

/// How many levels further a container is looked for when little text precedes the
/// headline there: Blogger prints the day over its posts (`div.date-outer > h2.date-header`,
/// then the post four levels down).
const FAR_CONTAINER_DEPTH: usize = 1;

/// Most non-space characters before the headline in a far container: one dateline.
const FAR_CONTAINER_TEXT: usize = 60;

/// Where the lines above the headline that belong to the story start: the headline's
/// parent, or a near ancestor when the headline opens its parent, or a little further
/// when only a line stands before it there; never the page's `<body>`, whose top lines
/// are the site's header ("Mittwoch, 9. Februar 2022").
fn headline_container(dom: &Dom, headline: usize) -> usize {
    let mut child = headline;
    for level in 0..CONTAINER_DEPTH + FAR_CONTAINER_DEPTH {
        let parent = dom.nodes[child].parent;
        if parent == usize::MAX || matches!(dom.tag(parent), "body" | "html" | "") {
            break;
        }
        let mut text_before = (parent + 1..headline).filter_map(|i| match &dom.nodes[i].kind {
            NodeKind::Text(t) => Some(t.chars().filter(|c| !c.is_whitespace()).count()),
            _ => None,
        });
        if level < CONTAINER_DEPTH {
            // Something with text before the headline inside this parent: the container.
            if text_before.any(|chars| chars > 0) {
                return parent;
            }
        } else {
            let mut chars = 0;
            let short = text_before.all(|n| {
                chars += n;
                chars <= FAR_CONTAINER_TEXT
            });
            if short && chars > 0 {
                return parent;
            }
        }
        child = parent;
    }
    headline
}

/// The heading of `candidates` most like the title (see [`title_likeness`]); of two equal
/// ones (a sticky header's copy and the story's), the later one still before the body.
fn best_heading(
    dom: &Dom,
    candidates: &[usize],
    title: &[String],
    before_body: impl Fn(usize) -> bool,
) -> Option<(usize, f64)> {
    candidates
        .iter()
        .map(|&i| (i, title_likeness(dom, i, title)))
        .filter(|&(_, likeness)| likeness >= MIN_TITLE_LIKENESS)
        .fold(None::<(usize, f64)>, |best, (i, likeness)| match best {
            Some((b, l)) if l > likeness || (l == likeness && !(before_body(i) && i > b)) => {
                Some((b, l))
            }
            _ => Some((i, likeness)),
        })
}

/// Likeness of an `<h1>` that makes it the headline without looking at other headings.
const CLEAR_TITLE_LIKENESS: f64 = 0.9;

/// Least share of words a heading and the title must have in common to be taken for the
/// same headline.
const MIN_TITLE_LIKENESS: f64 = 0.4;

/// Words (lower-case, letters and digits) of a text, at most 64.
fn word_set(text: &str) -> Vec<String> {
    let mut words: Vec<String> = text
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .take(64)
        .map(str::to_lowercase)
        .collect();
    words.sort();
    words.dedup();
    words
}

/// How much heading `i` is the title: the words they share, over the words of the longer
/// (so a one-word section heading is not the headline of a long title).
fn title_likeness(dom: &Dom, i: usize, title: &[String]) -> f64 {
    let heading = word_set(&dom.texts(i).take(64).collect::<String>());
    if heading.is_empty() || title.is_empty() {
        return 0.0;
    }
    let shared = heading
        .iter()
        .filter(|w| title.binary_search(w).is_ok())
        .count();
    shared as f64 / heading.len().max(title.len()) as f64
}

/// Letters and digits only, lower-case: headlines compared across markup differences.
fn comparable(text: &str) -> String {
    text.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

/// The element of the story's headline: the `<h1>` that matches the title, nearest before
/// the body; else the `<h1>`/`<h2>` nearest before the body; else the first `<h1>` in it.
fn find_headline(dom: &Dom, body_start: Option<usize>, title: Option<&str>) -> Option<usize> {
    // One pass over the page: its <h1>s, its <h2>s and <h3>s, and the <h1> or <h2> nearest
    // before the body (the tag test is on two bytes, since it runs on every node).
    let mut h1s: Vec<usize> = Vec::new();
    let mut lower: Vec<usize> = Vec::new();
    let mut nearest_before_body = None;
    let floor = body_start.map_or(0, |first| first.saturating_sub(HEADLINE_LOOKBACK));
    for i in 0..dom.len() {
        let Some(el) = dom.element(i) else {
            continue;
        };
        let level = match el.tag.as_bytes() {
            [b'h', level @ b'1'..=b'3'] => *level,
            _ => continue,
        };
        match level {
            b'1' if h1s.len() < MAX_HEADLINES => h1s.push(i),
            b'2' | b'3' if lower.len() < MAX_HEADLINES => lower.push(i),
            _ => {}
        }
        if let Some(first) = body_start
            && level != b'3'
            && (floor..first).contains(&i)
            && !dom.contains(i, first)
        {
            nearest_before_body = Some(i);
        }
    }
    // An <h2> or <h3> after the story's first paragraph is one of its subheads ("Fazit –
    // Firmenwagen: Leasen oder Finanzieren?" may share more words with the title than the
    // headline does), never the headline.
    let prose = body_start.and_then(|first| first_prose_block(dom, first));
    if let Some(prose) = prose {
        lower.retain(|&i| i < prose);
    }
    let title = title.map(word_set).filter(|t| !t.is_empty());
    let before_body = |i: usize| body_start.is_none_or(|b| i <= b || dom.contains(b, i));
    if let Some(h) = title
        .as_ref()
        .and_then(|title| heading_most_like(dom, &h1s, &lower, title, before_body))
    {
        return Some(h);
    }
    // No heading element shows the title: a page builder's or an old CMS's headline is a
    // `<div class="t-title">`, a `<td class="contentheading">`, always before its story's
    // first paragraph (after it, such elements title teasers and widgets), whether or not
    // the body's container holds it.
    let above_body = |i: usize| {
        body_start.is_none_or(|b| i < b || prose.is_some_and(|p| i < p && dom.contains(b, i)))
    };
    // The page's styled titles, found in one pass for both searches below.
    let styled: Vec<usize> = match &title {
        Some(_) => super::clean::styled_titles(dom)
            .take(MAX_HEADLINES)
            .collect(),
        None => Vec::new(),
    };
    if let Some((h, _)) = title.as_ref().and_then(|title| {
        let above = styled.iter().take_while(|&&i| above_body(i)).count();
        best_heading(dom, &styled[..above], title, above_body)
    }) {
        return Some(h);
    }
    // A styled title that is the title itself, with no paragraph before it in its own
    // block: a table layout's side column may put a module's paragraph (a hotline's appeal)
    // before the story's `<td class="contentheading">` in the page. One that follows a
    // paragraph in its block titles a teaser.
    if let Some(&h) = title.as_ref().and_then(|title| {
        styled.iter().find(|&&i| {
            title_likeness(dom, i, title) >= CLEAR_TITLE_LIKENESS && opens_its_block(dom, i)
        })
    }) {
        return Some(h);
    }
    if let Some(first) = body_start {
        if nearest_before_body.is_some() {
            return nearest_before_body;
        }
        if let Some(&h) = h1s.iter().find(|&&i| dom.contains(first, i)) {
            return Some(h);
        }
    }
    h1s.first().copied()
}

/// The heading most like the title, an <h1> on a tie: a site's logo is often the page's
/// <h1>, the story's headline an <h2> or <h3>. The <h2>s and <h3>s are only compared when no
/// <h1> is (nearly) the title.
fn heading_most_like(
    dom: &Dom,
    h1s: &[usize],
    lower: &[usize],
    title: &[String],
    before_body: impl Fn(usize) -> bool + Copy,
) -> Option<usize> {
    let best_h1 = best_heading(dom, h1s, title, before_body);
    if best_h1.is_some_and(|(_, likeness)| likeness >= CLEAR_TITLE_LIKENESS) {
        return best_h1.map(|(h, _)| h);
    }
    match (best_h1, best_heading(dom, lower, title, before_body)) {
        (Some((h1, l1)), Some((h2, l2))) => Some(if l2 > l1 { h2 } else { h1 }),
        (h1, h2) => h1.or(h2).map(|(h, _)| h),
    }
}

/// The page's heading that shows `title` (an `<h1>`, else an `<h2>` or `<h3>`), if one does:
/// where a story's own text starts when the scorer found none.
pub(crate) fn heading_showing(dom: &Dom, title: &str) -> Option<usize> {
    let title = word_set(title);
    if title.is_empty() {
        return None;
    }
    let (mut h1s, mut lower) = (Vec::new(), Vec::new());
    for i in 0..dom.len() {
        let Some(el) = dom.element(i) else {
            continue;
        };
        match el.tag.as_bytes() {
            b"h1" if h1s.len() < MAX_HEADLINES => h1s.push(i),
            b"h2" | b"h3" if lower.len() < MAX_HEADLINES => lower.push(i),
            _ => {}
        }
    }
    heading_most_like(dom, &h1s, &lower, &title, |_| true)
}

/// Short visible text runs in `from..to`, joined per element, at most `max` of them, a
/// date split over several joined into one.
fn runs(dom: &Dom, from: usize, to: usize, max: usize) -> Vec<Run> {
    join_split_dates(collect_runs(dom, from, to, max, &[], None))
}

/// Prose paragraphs passed below the headline before the reading stops: a standfirst may
/// sit between the headline and the dateline, the story's own text does not.
const PROSE_BLOCKS_BELOW: usize = 1;

/// The runs inside the headline element other than its title ("Headline <span>02.02.2022 •
/// Verband</span>"), or the whole headline when it is only a date.
fn headline_runs(dom: &Dom, headline: usize, title: Option<&str>) -> Vec<Run> {
    let inner = runs(dom, headline + 1, dom.nodes[headline].end, RUNS_BELOW);
    let title = title.map(comparable).unwrap_or_default();
    let whole = comparable(&text_of(dom, headline));
    inner
        .into_iter()
        .filter(|run| {
            let text = comparable(&run.text);
            // The title itself, and a headline that is one run, are not datelines; a
            // headline that is only a date is.
            text != title && (text != whole || whole.chars().all(|c| c.is_ascii_digit()))
        })
        .collect()
}

/// Elements passed over after the body: sidebars, link lists and comment threads hold
/// other stories' and readers' dates.
const NOT_AFTER_BODY: &[&str] = &["aside", "ul", "ol", "form", "table", "footer"];

/// [`runs`] after the body, passing over [`NOT_AFTER_BODY`].
fn runs_after_body(dom: &Dom, from: usize, to: usize, max: usize) -> Vec<Run> {
    join_split_dates(collect_runs(dom, from, to, max, NOT_AFTER_BODY, None))
}

/// [`runs`], passing over the elements named in `skip`, and stopping at the prose block
/// after `prose_limit` of them when it is given.
fn collect_runs(
    dom: &Dom,
    from: usize,
    to: usize,
    max: usize,
    skip: &[&str],
    prose_limit: Option<usize>,
) -> Vec<Run> {
    let mut out = Vec::new();
    let mut prose = 0;
    let mut aside_end = 0;
    let mut i = from;
    while i < to && out.len() < max {
        match &dom.nodes[i].kind {
            NodeKind::Element(el)
                if matches!(
                    &*el.tag,
                    "script"
                        | "style"
                        | "noscript"
                        | "template"
                        | "head"
                        | "select"
                        | "option"
                        | "nav"
                ) || (skip.contains(&&*el.tag) && !is_articles_footer(dom, i))
                    || (i < aside_end && matches!(&*el.tag, "ul" | "ol" | "table"))
                    || is_comment_thread(dom, i) =>
            {
                i = dom.nodes[i].end;
                continue;
            }
            // An <aside> by the headline is often the story's meta box ("June 5, 2019 by
            // …", the dateline beside the body); a sidebar's lists of other stories in it
            // are passed over.
            NodeKind::Element(el) if &*el.tag == "aside" => {
                aside_end = aside_end.max(dom.nodes[i].end)
            }
            NodeKind::Element(_) if is_leaf_block(dom, i) => {
                // A paragraph of the story is a leaf block too: it is passed over without
                // being joined when its letters alone are too many for a dateline.
                if more_non_space_chars_than(dom, i, MAX_DATELINE_CHARS) {
                    prose += 1;
                    if prose_limit.is_some_and(|limit| prose > limit) {
                        break;
                    }
                } else {
                    let machine = time_value(dom, i);
                    // A block of lines broken by `<br>` ("Press office<br>Baku, 5 May
                    // 2021") is a run per line, as a reader sees it; one holding a `<time>`
                    // stays whole, the run its value belongs to.
                    let lines = match machine {
                        None => lines_of(dom, i),
                        Some(_) => vec![text_of(dom, i)],
                    };
                    let empty_with_date = unix_time_value(dom, i).is_some();
                    for text in lines {
                        // An element a script was to write the date into is empty.
                        if (has_word_or_number(&text) || machine.is_some() || empty_with_date)
                            && text.chars().count() <= MAX_DATELINE_CHARS
                        {
                            out.push(Run {
                                text,
                                node: i,
                                machine: machine.clone(),
                            });
                        }
                    }
                }
                i = dom.nodes[i].end;
                continue;
            }
            NodeKind::Text(t) => {
                let t = t.trim();
                if has_word_or_number(t) && t.chars().count() <= MAX_DATELINE_CHARS {
                    out.push(Run {
                        text: t.split_whitespace().collect::<Vec<_>>().join(" "),
                        node: i,
                        machine: None,
                    });
                }
            }
            _ => {}
        }
        i += 1;
    }
    out
}

/// Whether element `i` is readers' comments, or one comment, by its class: their dates are
/// when readers wrote, later than the story, and on a page that states no date of its own
/// they were taken for it. A meta line whose class names comments (`date-comments`, the
/// story's date beside its "3 Kommentare" link) is no longer than a dateline and holds no
/// heading, and is read. A thread of one short comment under its heading ("Şərhlər (1)")
/// may be as short.
fn is_comment_thread(dom: &Dom, i: usize) -> bool {
    dom.element(i)
        .is_some_and(|el| super::clean::is_comments_by_class(el))
        && !is_leaf_block(dom, i)
        && (more_non_space_chars_than(dom, i, MAX_DATELINE_CHARS) || holds_heading(dom, i))
}

/// Nodes of an element searched for a heading.
const SECTION_SCAN_NODES: usize = 200;

/// Whether element `i` holds a heading within its first nodes.
fn holds_heading(dom: &Dom, i: usize) -> bool {
    let end = dom.nodes[i].end.min(i + 1 + SECTION_SCAN_NODES);
    (i + 1..end).any(|j| matches!(dom.tag(j), "h1" | "h2" | "h3" | "h4" | "h5" | "h6"))
}

/// How many ancestors of a `<footer>` are looked at for its `<article>`.
const FOOTER_ARTICLE_DEPTH: usize = 8;

/// Whether element `i` is the `<footer>` of an `<article>` (its byline, date and tags), not
/// the page's footer: HTML gives a footer to its nearest sectioning ancestor. A comment's
/// article and footer (WordPress writes both) are not the story's.
fn is_articles_footer(dom: &Dom, i: usize) -> bool {
    let is_comment = |n: usize| {
        dom.element(n)
            .is_some_and(|el| el.class_id.contains("comment"))
    };
    if dom.tag(i) != "footer" || is_comment(i) {
        return false;
    }
    let mut node = dom.nodes[i].parent;
    for _ in 0..FOOTER_ARTICLE_DEPTH {
        if node == usize::MAX {
            return false;
        }
        match dom.tag(node) {
            "article" => return !is_comment(node),
            "body" | "html" | "main" | "section" | "aside" | "nav" => return false,
            _ => node = dom.nodes[node].parent,
        }
    }
    false
}

/// Whether a run says anything: separators between a byline's parts ("," "|" "·") are not
/// runs, so that they do not use up the runs read around the headline.
fn has_word_or_number(text: &str) -> bool {
    text.chars().any(char::is_alphanumeric)
}

/// Most runs joined into one by [`join_split_dates`].
const MAX_SPLIT_PARTS: usize = 6;

/// Joins runs of a word each into one line when two or more of them hold digits: a date
/// some templates split over elements that are not inline ("Dodano:", "30", "kwietnia",
/// "2021", ",", "11:55"), which no single run holds.
fn join_split_dates(runs: Vec<Run>) -> Vec<Run> {
    fn flush(group: &mut Vec<Run>, out: &mut Vec<Run>) {
        let numeric = group
            .iter()
            .filter(|run| run.text.bytes().any(|b| b.is_ascii_digit()))
            .count();
        if group.len() >= 2 && numeric >= 2 {
            let text = group
                .iter()
                .map(|run| run.text.as_str())
                .collect::<Vec<_>>()
                .join(" ");
            let machine = group.iter().find_map(|run| run.machine.clone());
            let node = group[0].node;
            out.push(Run {
                text,
                node,
                machine,
            });
            group.clear();
        } else {
            out.append(group);
        }
    }
    let mut out = Vec::with_capacity(runs.len());
    let mut group = Vec::new();
    for run in runs {
        let tiny = run.text.chars().count() <= SPLIT_PART_CHARS;
        if !tiny || group.len() == MAX_SPLIT_PARTS {
            flush(&mut group, &mut out);
        }
        if tiny {
            group.push(run);
        } else {
            out.push(run);
        }
    }
    flush(&mut group, &mut out);
    out
}

/// The `datetime` (or `content`) of a `<time>` that is, or is inside, element `i`.
fn time_value(dom: &Dom, i: usize) -> Option<String> {
    (i..dom.nodes[i].end).find_map(|j| {
        let el = dom.element(j)?;
        (&*el.tag == "time")
            .then(|| el.attr("datetime").or_else(|| el.attr("content")))
            .flatten()
            .map(str::to_owned)
    })
}

/// Elements of a run searched for a `title` holding its date.
const TOOLTIP_SCAN_NODES: usize = 16;

/// Most words beside the date in a tooltip: a date with its weekday and a label.
const TOOLTIP_MAX_OTHER_WORDS: usize = 3;

/// The date in the tooltip of a run's element or an element in it, as themes title a
/// relative dateline ("vor 3 Tagen" titled "Montag, 14. November 2022, 08:05", "2 часа
/// назад" titled "17.11.2022 14:35"): a title that is a date and little else.
fn tooltip_date(dom: &Dom, i: usize, context: &DateContext) -> Option<FoundDate> {
    let end = dom.nodes[i].end.min(i + TOOLTIP_SCAN_NODES);
    (i..end).find_map(|j| {
        let title = dom.element(j)?.attr("title")?;
        // Links' titles are many and rarely hold a figure: those go before the search.
        if title.chars().count() > MAX_DATELINE_CHARS || !title.chars().any(char::is_numeric) {
            return None;
        }
        let found = find_dates(title, context).next()?;
        let beside = words(&title[..found.start]) + words(&title[found.end..]);
        (beside <= TOOLTIP_MAX_OTHER_WORDS).then_some(found.date)
    })
}

/// Attributes in which a dateline's element carries its instant as a Unix time, for the
/// script that writes the date into it: empty in the saved page.
const UNIX_TIME_ATTRS: &[&str] = &["data-timestamp", "data-time", "data-publish-time"];

/// The Unix time of an element `i` (or an element in it) whose text a script was to write.
/// It dates a run whose text shows no date; where the page shows its date, the date it
/// shows is read, and its local time keeps the page's zone, which a UTC instant would not.
fn unix_time_value(dom: &Dom, i: usize) -> Option<String> {
    (i..dom.nodes[i].end).find_map(|j| {
        let el = dom.element(j)?;
        UNIX_TIME_ATTRS
            .iter()
            .find_map(|name| el.attr(name).and_then(unix_time))
    })
}

/// A Unix time in seconds (ten digits) or milliseconds (thirteen), as an RFC 3339 instant
/// in UTC: the instant is exact, and no zone is assumed for it. Other figures are not one.
fn unix_time(value: &str) -> Option<String> {
    let value = value.trim();
    if !value.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let seconds: i64 = match value.len() {
        10 => value.parse().ok()?,
        13 => value.parse::<i64>().ok()? / 1000,
        _ => return None,
    };
    let instant = chrono::DateTime::from_timestamp(seconds, 0)?;
    Some(instant.to_rfc3339_opts(chrono::SecondsFormat::Secs, true))
}

/// An element with no element children of its own other than inline ones: a span
/// or div holding "2 September 2024, 14:12" possibly split over `<b>`/`<time>`. (A date
/// split over blocks, a badge's `<div>03</div><div>Mar</div><div>2021</div>`, is joined
/// from their runs by [`join_split_dates`].)
fn is_leaf_block(dom: &Dom, i: usize) -> bool {
    let end = dom.nodes[i].end;
    end - i <= 8
        && (i + 1..end).all(|j| match dom.element(j) {
            Some(el) => super::clean::is_inline(&el.tag),
            None => true,
        })
}

/// Longest part of a date split over blocks: a month's name ("September").
const SPLIT_PART_CHARS: usize = 9;

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

/// The lines of element `i`'s text, as its `<br>`s break it (whitespace collapsed, empty
/// lines left out); the whole text when it has no break, empty or not.
fn lines_of(dom: &Dom, i: usize) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    for j in i..dom.nodes[i].end {
        match &dom.nodes[j].kind {
            NodeKind::Text(t) => {
                line.push_str(t);
                line.push(' ');
            }
            NodeKind::Element(el) if &*el.tag == "br" => {
                let text = line.split_whitespace().collect::<Vec<_>>().join(" ");
                if !text.is_empty() {
                    lines.push(text);
                }
                line.clear();
            }
            _ => {}
        }
    }
    let text = line.split_whitespace().collect::<Vec<_>>().join(" ");
    if !text.is_empty() || lines.is_empty() {
        lines.push(text);
    }
    lines
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::extract::content;

    /// The datelines of a page as (date, cue, place), nearest first.
    fn datelines(html: &str, title: Option<&str>) -> Vec<(String, Option<Cue>, Place)> {
        Dom::parse_with(html, |dom| {
            let stats = content::compute(dom);
            let selection = content::select(dom, &stats);
            find(dom, selection.as_ref(), title, &DateContext::default())
                .into_iter()
                .map(|d| (d.date.format(), d.cue, d.place))
                .collect()
        })
    }

    fn first(html: &str) -> Option<(String, Option<Cue>, Place)> {
        datelines(html, None).into_iter().next()
    }

    const BODY: &str = "<p>The election commission approved the final count on Monday and \
        published turnout figures for every region of the country, officials said.</p>\
        <p>Observers reported queues at some polling stations but no serious incidents, \
        the monitoring mission said in its statement on Tuesday morning.</p>";

    fn page(header: &str, after: &str) -> String {
        format!(
            "<html><body><nav><a href=/>Home</a> <span>Mittwoch, 9. Februar 2022</span></nav>\
             <div class=main>{header}<div class=text>{BODY}</div>{after}</div>\
             <aside><ul><li><a href=/a>Other story</a> 1 March 2021</li></ul></aside></body></html>"
        )
    }

    #[test]
    fn a_styled_headline_inside_the_bodys_container_has_its_dateline() {
        // A table layout's headline cell sits in the container the story is selected from,
        // above its first paragraph: the line under it is the headline's dateline.
        let title = "Turnout confirmed in the north";
        let html = page(
            &format!("<div class=title>{title}</div><div>02.04.2004 | Department of housing</div>"),
            "",
        );
        assert_eq!(
            datelines(&html, Some(title)).first(),
            Some(&("2004-04-02".to_owned(), None, Place::Headline))
        );
        // After the first paragraph, an element styled so titles a teaser.
        let html = format!(
            "<html><body><div class=main><div class=text>{BODY}\
             <div class=title>{title}</div><div>02.04.2004 | Department of housing</div>\
             </div></div></body></html>"
        );
        assert!(
            datelines(&html, Some(title))
                .iter()
                .all(|(_, _, place)| *place != Place::Headline)
        );
    }

    #[test]
    fn a_unix_time_for_a_script_to_write_out() {
        for (attrs, want) in [
            (
                "data-timestamp=\"1551693600\"",
                Some("2019-03-04T10:00:00Z"),
            ),
            ("data-time=\"1551693600000\"", Some("2019-03-04T10:00:00Z")),
            // A clock time or a short figure is no Unix time.
            ("data-time=\"14:35\"", None),
            ("data-timestamp=\"20190304\"", None),
        ] {
            let html = page(
                &format!("<h1>Turnout confirmed</h1><span class=time {attrs}></span>"),
                "",
            );
            assert_eq!(first(&html).map(|d| d.0).as_deref(), want, "{attrs}");
        }
        // Where the page shows its date, the date it shows is read, not the UTC instant.
        let shown = page(
            "<h1>Turnout confirmed</h1><span class=time data-timestamp=\"1551693600\">\
             04.03.2019, 13:00</span>",
            "",
        );
        assert_eq!(first(&shown).map(|d| d.0).as_deref(), Some("2019-03-04"));
    }

    #[test]
    fn a_byline_with_a_time_element_is_a_dateline() {
        let pure = |byline: &str| {
            let html = page(
                &format!("<h1>Turnout confirmed</h1><div>{byline}</div>"),
                "",
            );
            Dom::parse_with(&html, |dom| {
                let stats = content::compute(dom);
                let selection = content::select(dom, &stats);
                find(dom, selection.as_ref(), None, &DateContext::default())
                    .first()
                    .map(|d| (d.date.date.to_string(), d.pure))
            })
        };
        let names = "Analitik qrup, Demokratik Seçkilər Təşəbbüsü";
        assert_eq!(
            pure(&format!(
                "<span>{names}</span> <time datetime=\"2020-02-10T20:30:00Z\">11.02.2020</time>"
            )),
            Some(("2020-02-11".to_owned(), true))
        );
        // The same words beside a date in plain text are a phrase that mentions it.
        assert_eq!(
            pure(&format!("<span>{names}</span> <span>11.02.2020</span>")),
            Some(("2020-02-11".to_owned(), false))
        );
    }

    #[test]
    fn a_two_digit_year_only_in_a_dateline() {
        let read = |line: &str| {
            let html = page(&format!("<h1>Turnout confirmed</h1><p>{line}</p>"), "");
            first(&html).map(|d| d.0)
        };
        assert_eq!(read("19.10.19, 14:35").as_deref(), Some("2019-10-19"));
        assert_eq!(read("Von Anna Berg, 2.4.19").as_deref(), Some("2019-04-02"));
        // A version in a line of other words is no date; a four-digit year still is.
        assert_eq!(read("Re: NFS locks hanging after upgrade to 2.4.19"), None);
        // A piece of its own in a line parted by bars is the line's date.
        assert_eq!(
            read("02.04.04 | Отдел по делам ЖКХ и благоустройству").as_deref(),
            Some("2004-04-02")
        );
        assert_eq!(
            read("Changelog | notes for the upgrade to 2.4.19 of the driver"),
            None
        );
        assert_eq!(
            read("Anna Berg · 12.03.21 · Отдел по делам ЖКХ и благоустройству").as_deref(),
            Some("2021-03-12")
        );
        assert_eq!(
            read("Re: NFS locks hanging after upgrade on 2.4.2019").as_deref(),
            Some("2019-04-02")
        );
        // A mail archive's header under the subject.
        assert_eq!(
            read("Thu Nov 14 23:41:07 PST 2002").as_deref(),
            Some("2002-11-14T23:41:07-08:00")
        );
    }

    #[test]
    fn a_forum_posts_header_without_a_headline() {
        let thread = |header: &str| {
            format!(
                "<html><body><div class=top>Wednesday, 9 February 2022 · Welcome, guest</div>\
                 <div id=posts><table class=post><tr><td class=thead>{header}</td>\
                 <td class=thead>#1</td></tr><tr><td class=author><a href=/u/1>Walt</a>\
                 <div>Senior Member</div><div>Posts: 3,412</div></td>\
                 <td class=message>{BODY}</td></tr></table></div></body></html>"
            )
        };
        let found = datelines(&thread("03-17-2019, 02:22 PM"), None);
        assert_eq!(
            found.first(),
            Some(&("2019-03-17".to_owned(), None, Place::BodyStart)),
            "{found:?}"
        );
        // Without it, the site's header above the post is not the post's date.
        assert_eq!(datelines(&thread("&nbsp;"), None), Vec::new());
    }

    #[test]
    fn below_and_above_the_headline() {
        let below = page(
            "<h1>Turnout confirmed</h1><div class=meta>8 February 2022, 14:12</div>",
            "",
        );
        assert_eq!(
            first(&below),
            Some(("2022-02-08".into(), None, Place::Headline))
        );
        let above = page(
            "<div class=kicker>Politics · 02.11.2021</div><h1>Turnout confirmed</h1>",
            "",
        );
        assert_eq!(
            first(&above),
            Some(("2021-11-02".into(), None, Place::Headline))
        );
        // A date badge of a block for each part is one line.
        let badge = page(
            "<div class=date><div>03</div><div>Mar</div><div>2021</div></div><h1>Turnout confirmed</h1>",
            "",
        );
        assert_eq!(
            first(&badge),
            Some(("2021-03-03".into(), None, Place::Headline))
        );
        // A date split over blocks of a word each.
        let split_over_blocks = page(
            "<h1>Turnout confirmed</h1><div class=meta><div>Dodano:</div><div>30</div>\
             <div>kwietnia</div><div>2021</div><div>,</div><div>11:55</div><div>93</div></div>",
            "",
        );
        assert_eq!(
            first(&split_over_blocks),
            Some(("2021-04-30".into(), Some(Cue::Published), Place::Headline))
        );
        // Above the headline's container, when a badge before the headline made its
        // parent the container.
        let badge_before = page(
            "<div class=info><span>18:34</span> <span>19.10.2019</span></div>\
             <div class=teaser><div class=crumb><span>Free until 19:34</span>\
             <h1>Turnout confirmed</h1></div></div>",
            "",
        );
        assert_eq!(
            first(&badge_before),
            Some(("2019-10-19".into(), None, Place::Headline))
        );
        // The time in the next run joins the date.
        let split = page(
            "<h1>Turnout confirmed</h1><div>6. November 2023</div><div>14:03 Uhr</div>",
            "",
        );
        let found = Dom::parse_with(&split, |dom| {
            let stats = content::compute(dom);
            let selection = content::select(dom, &stats);
            find(dom, selection.as_ref(), None, &DateContext::default())
        });
        assert_eq!(
            found[0].date.time,
            chrono::NaiveTime::from_hms_opt(14, 3, 0)
        );
    }

    #[test]
    fn the_day_a_blog_prints_over_its_posts() {
        // Blogger: the day's header, then the post four levels down with its title.
        let post = |day: &str| {
            format!(
                "<html><body><nav><a href=/>Home</a> <span>Mittwoch, 9. Februar 2022</span></nav>\
                 <div class=blog-posts><div class=date-outer>{day}<div class=date-posts>\
                 <div class=post-outer><div class=post><a name=1></a>\
                 <h3 class=post-title>Socken aus Resten stricken</h3>\
                 <div class=post-body>{BODY}</div></div></div></div></div></div></body></html>"
            )
        };
        let title = Some("Socken aus Resten stricken");
        let first = |html: &str| datelines(html, title).into_iter().next();
        let html = post("<h2 class=date-header><span>Sonntag, 17. November 2013</span></h2>");
        assert_eq!(
            first(&html).map(|d| (d.0, d.2)),
            Some(("2013-11-17".to_owned(), Place::Headline))
        );
        // So far up, more than a line before the post is a listing, not its dateline.
        let listing = post(
            "<table><tr><td>src</td><td>Fix the build on older compilers</td>\
             <td>15 April 2022</td></tr><tr><td>docs</td><td>Describe the options</td>\
             <td>30 September 2020</td></tr></table>",
        );
        assert_eq!(first(&listing), None);
    }

    #[test]
    fn separators_and_subheads_do_not_hide_the_dateline() {
        // The byline's separators are no runs: the date above the headline is within reach
        // past an author and four category links.
        let byline = page(
            "<div class=meta><span>By <a href=/a>Ann Lee</a></span> <span>5 March 2024</span> \
             <span>in <a href=/n>News</a>, <a href=/e>Elections</a>, <a href=/r>Regions</a>, \
             <a href=/x>Analysis</a></span> <span><a href=#c>4 Comments</a></span></div>\
             <h1>Turnout confirmed</h1>",
            "",
        );
        assert_eq!(
            first(&byline),
            Some(("2024-03-05".into(), None, Place::Headline))
        );
        // A subhead after the story's first paragraph that shares more words with the
        // title than the headline does is not the headline.
        let html = "<html><body><article><h1>Turnout confirmed</h1>\
             <div class=meta>8 February 2022</div><div class=text>\
             <p>The election commission approved the final count on Monday and published \
             turnout figures for every region of the country, officials said.</p>\
             <div class=row><div class=col><div class=block>\
             <h2>Conclusion: regional turnout figures and the final count</h2>\
             <p>Observers reported queues at some polling stations but no serious incidents, \
             the monitoring mission said in its statement on Tuesday morning.</p>\
             </div></div></div></div></article></body></html>";
        assert_eq!(
            datelines(html, Some("Regional turnout figures and the final count")).first(),
            Some(&("2022-02-08".into(), None, Place::Headline))
        );
        // A meta box in an <aside> under the headline is read; a sidebar's list is not.
        let meta_box = page(
            "<h1>Turnout confirmed</h1><aside class=post-author><time>June 5, 2019</time> \
             <em>by</em> <a href=/a>Ann Lee</a></aside>",
            "",
        );
        assert_eq!(
            first(&meta_box),
            Some(("2019-06-05".into(), None, Place::Headline))
        );
        let sidebar = page(
            "<h1>Turnout confirmed</h1><aside><h3>Latest</h3><ul><li><a href=/o>Other story\
             </a> <span>18.11.2021</span></li></ul></aside>",
            "",
        );
        assert_eq!(first(&sidebar), None);
        // The headline printed twice, for narrow and wide screens, the dateline under the
        // first copy only.
        let twins = "<html><body><div class=mobile><h1>Turnout confirmed</h1>\
             <div class=meta>4 May 2022</div></div><div class=ad>Advertisement</div>\
             <div class=wide><h1>Turnout confirmed</h1></div><div class=text>"
            .to_owned()
            + BODY
            + "</div></body></html>";
        assert_eq!(
            datelines(&twins, Some("Turnout confirmed")).first(),
            Some(&("2022-05-04".into(), None, Place::Headline))
        );
        // A hidden copy of the title in the page header is the <h1>; the visible headline
        // holds it with the kicker and the date.
        let menu = "<div><a href=/s>Section</a></div>".repeat(RUNS_BELOW);
        let header_copy = "<html><body><header><h1 class=aural>Turnout confirmed in the north\
             </h1><a href=/>Portal</a>"
            .to_owned()
            + &menu
            + "</header><main><h2><b>News | <time>30.10.2021</time></b> <strong>Turnout \
             confirmed in the north</strong></h2><div class=text>"
            + BODY
            + "</div></main></body></html>";
        assert_eq!(
            datelines(&header_copy, Some("Turnout confirmed in the north")).first(),
            Some(&("2021-10-30".into(), None, Place::Headline))
        );
        // A heading that lacks some of the title's words is no copy of it.
        let teaser = "<html><body><h1>Turnout confirmed in the north</h1><div class=text>"
            .to_owned()
            + BODY
            + "</div><h2>Turnout confirmed in the south after the recount <span>30.10.2021\
             </span></h2></body></html>";
        assert!(
            datelines(&teaser, Some("Turnout confirmed in the north"))
                .iter()
                .all(|(_, _, place)| *place != Place::Headline)
        );
        // A styled-title headline has every <div> as its level; the page's wrapper holds
        // its words and more but is no copy of it, and the teaser dates in it stay unread.
        let styled = "<html><body><div class=page><div class=t-title>Turnout confirmed in \
             the north</div><div class=text>"
            .to_owned()
            + BODY
            + "</div><div class=teaser><a href=/o>Other story</a> <span>18.11.2021</span>\
             </div></div></body></html>";
        assert!(
            datelines(&styled, Some("Turnout confirmed in the north"))
                .iter()
                .all(|(_, _, place)| *place != Place::Headline)
        );
        for (text, says) in [("5 March", true), (",", false), ("|", false), ("·", false)] {
            assert_eq!(has_word_or_number(text), says, "{text}");
        }
    }

    #[test]
    fn labels_and_classes_say_what_a_date_is() {
        let html = page(
            "<h1>Turnout confirmed</h1><div class=meta><div>Veröffentlicht am</div>\
             <div>19.10.2019 um 14:34 Uhr</div><div>Stand:</div><div>21.10.2019</div></div>",
            "",
        );
        let found = datelines(&html, None);
        assert_eq!(
            found[0],
            ("2019-10-19".into(), Some(Cue::Published), Place::Headline)
        );
        assert_eq!(
            found[1],
            ("2019-10-21".into(), Some(Cue::Modified), Place::Headline)
        );
        let html = page(
            "<h1>Turnout confirmed</h1><p>Yayınlanma: 12 Şubat 2024 · Güncelleme: 13 Şubat 2024</p>",
            "",
        );
        let found = datelines(&html, None);
        assert_eq!(found[0].1, Some(Cue::Published));
        assert_eq!(
            found[1],
            ("2024-02-13".into(), Some(Cue::Modified), Place::Headline)
        );
        let html = page(
            "<h1>Turnout confirmed</h1><span class=\"date-updated\">3 May 2022</span>",
            "",
        );
        assert_eq!(first(&html).and_then(|d| d.1), Some(Cue::Modified));
        // A print date is no dateline at all.
        let html = page(
            "<div>Wydrukowano: 11.05.2021</div><h1>Turnout confirmed</h1>",
            "",
        );
        assert_eq!(first(&html), None);
    }

    #[test]
    fn time_elements_lend_their_machine_value() {
        let html = page(
            "<h1>Turnout confirmed</h1><p>By Jane Doe, <time datetime=\"2019-12-09T19:00:49+01:00\">9 December 2019</time></p>",
            "",
        );
        assert_eq!(
            first(&html).map(|d| d.0).as_deref(),
            Some("2019-12-09T19:00:49+01:00")
        );
        // A machine value of another day does not replace what the reader sees.
        let html = page(
            "<h1>Turnout confirmed</h1><p><time datetime=\"2019-12-10T01:00:00Z\">9 December 2019</time></p>",
            "",
        );
        assert_eq!(first(&html).map(|d| d.0).as_deref(), Some("2019-12-09"));
    }

    #[test]
    fn after_a_body_of_several_roots_the_last_one_is_followed() {
        // The standfirst in its own wrapper leads the selection, the story follows in the
        // next column, and the author box after the story holds the date.
        let links: String = (0..6)
            .map(|i| format!("<li><a href=/r{i}>Another story of the week on the council</a></li>"))
            .collect();
        let html = format!(
            "<html><body><div class=page><div class=main><h1>Turnout confirmed</h1>\
             <div class=lead><h2><p>The commission approved the final count of the vote on \
             Monday, after three days of recounts in two districts.</p></h2></div>\
             <div class=column><article>{BODY}{BODY}</article><ul class=tags><li><a href=/t>\
             Elections</a></li></ul><div class=author><div>Author:</div><div>jd</div>\
             <div class=date-create>2021-05-12</div></div></div><div class=box><ul>{links}</ul>\
             </div></div><aside><ul><li><a href=/a>Other story</a> 1 March 2021</li></ul>\
             </aside></div></body></html>"
        );
        let roots = Dom::parse_with(&html, |dom| {
            let stats = content::compute(dom);
            content::select(dom, &stats).map_or(0, |s| s.roots.len())
        });
        assert!(roots > 1, "the test needs a selection of several roots");
        assert_eq!(
            first(&html),
            Some(("2021-05-12".into(), None, Place::AfterBody))
        );
    }

    #[test]
    fn a_relative_datelines_tooltip() {
        for (meta, day) in [
            (
                "<span class=posted title='Montag, 14. November 2022, 08:05'>vor 3 Tagen</span>",
                "2022-11-14",
            ),
            (
                "<div class=meta><abbr title='17.11.2022 14:35'>2 часа назад</abbr></div>",
                "2022-11-17",
            ),
        ] {
            let html = page(&format!("<h1>Turnout confirmed</h1>{meta}"), "");
            let found = first(&html).map(|(date, _, _)| date);
            assert_eq!(found.as_deref(), Some(day), "{meta}");
        }
        // A title that says more than a date is a link's or an image's.
        let html = page(
            "<h1>Turnout confirmed</h1><span title='Photos of the count in Ganja on \
             14 November 2022 by our reporters'>vor 3 Tagen</span>",
            "",
        );
        assert_eq!(first(&html), None);
    }

    #[test]
    fn a_signature_line_after_a_break() {
        // A press release signed by its office, the place and day on the next line: that
        // line is a dateline of its own, not words around a date.
        let signed = |signature: &str| {
            let html = page("<h1>Turnout confirmed</h1>", signature);
            Dom::parse_with(&html, |dom| {
                let stats = content::compute(dom);
                let selection = content::select(dom, &stats);
                find(dom, selection.as_ref(), None, &DateContext::default())
                    .first()
                    .map(|d| (d.date.format(), d.place, d.pure))
            })
        };
        assert_eq!(
            signed("<p><em>Birliyin mətbuat xidməti</em><br><em>Bakı, 5 may 2021-ci il</em></p>"),
            Some(("2021-05-05".into(), Place::AfterBody, true))
        );
        assert_eq!(
            signed("<p><em>Birliyin mətbuat xidməti Bakı, 5 may 2021-ci il</em></p>"),
            Some(("2021-05-05".into(), Place::AfterBody, false))
        );
    }

    #[test]
    fn after_the_body_and_the_matching_headline() {
        let html = page("<h1>Turnout confirmed</h1>", "<p>Datum: 19.11.2021</p>");
        assert_eq!(
            first(&html),
            Some(("2021-11-19".into(), Some(Cue::Published), Place::AfterBody))
        );
        // An article's <footer> is its meta; the page's footer and a comment's are not.
        let story = |footer: &str| {
            format!(
                "<html><body><article><h1>Turnout confirmed</h1><div class=text>{BODY}</div>\
                 {footer}</article><footer>Updated 1 January 2020</footer></body></html>"
            )
        };
        for (footer, expected) in [
            (
                "<footer class=entry-meta><time>December 26, 2019</time> by Ann</footer>",
                Some("2019-12-26"),
            ),
            ("", None),
            (
                "<article class=comment-body><footer class=comment-meta>24 November 2019</footer></article>",
                None,
            ),
            // A thread of readers' comments on a page that prints no date of its own.
            (
                "<section class=comments><h3>Comments</h3><div class=comment><span>Rosa M.</span>\
                 <span>11/02/2026 20:15</span><p>Totally agree, the bridge is dark at night \
                 and nobody has fixed the lamps since the storm in the autumn.</p></div>\
                 </section>",
                None,
            ),
            // A thread of one short comment under its heading.
            (
                "<div id=comments class=comment-list><h3>Şərhlər (1)</h3><div class=comment>\
                 <span>Nərmin</span> <span>14 aprel 2023, 21:10</span><p>Çox faydalı yazıdır!\
                 </p></div></div>",
                None,
            ),
            // A meta line whose class names the comments beside the story's date.
            (
                "<div class=date-comments><p>14 November 2019</p><p><a href=#c>3 comments</a></p></div>",
                Some("2019-11-14"),
            ),
        ] {
            assert_eq!(
                datelines(&story(footer), None)
                    .first()
                    .map(|d| d.0.clone())
                    .as_deref(),
                expected,
                "{footer}"
            );
        }
        // The headline is the <h1> that matches the title, not the site's logo.
        let html = format!(
            "<html><body><h1>Daily Portal</h1><div>1 January 2020</div>{}</body></html>",
            page(
                "<h1>Turnout confirmed in all regions</h1><div>8 February 2022</div>",
                ""
            )
        );
        assert_eq!(
            datelines(&html, Some("Turnout confirmed in all regions"))
                .first()
                .map(|d| d.0.clone())
                .as_deref(),
            Some("2022-02-08")
        );
    }

    #[test]
    fn the_story_may_close_with_its_dateline_inside_the_selected_root() {
        // The selected root is the page's <main>, which holds the whole story: the line
        // after its last paragraph is its footer, not text after the body.
        let story = |after_text: &str, after_story: &str| {
            format!(
                "<html><body><header><a href=/>Home</a></header><main><article>\
                 <h1>Turnout confirmed</h1>{BODY}{BODY}{after_text}</article>{after_story}</main>\
                 <footer>© 2024</footer></body></html>"
            )
        };
        let teasers = "<aside><ul><li><a href=/a>Other story</a> 1 March 2021</li></ul></aside>";
        for (after_text, after_story, expected) in [
            (
                "<div class=x>4 марта 2019, 10:15</div>",
                "",
                Some("2019-03-04"),
            ),
            (
                "<div class=x>4 марта 2019, 10:15</div>",
                teasers,
                Some("2019-03-04"),
            ),
            // A list of other stories inside the story's element is passed over.
            ("<ul><li>5 марта 2019</li></ul>", "", None),
            ("", teasers, None),
        ] {
            assert_eq!(
                first(&story(after_text, after_story)).map(|d| (d.0, d.2)),
                expected.map(|e| (e.to_string(), Place::AfterBody)),
                "{after_text} {after_story}"
            );
        }
        // A story of one paragraph: what follows it was read below the headline.
        let html = "<html><body><main><article><h1>Turnout confirmed</h1><p>The election \
            commission approved the final count on Monday and published turnout figures for \
            every region of the country.</p><div>4 March 2019</div></article></main></body></html>";
        assert_eq!(
            datelines(html, None)
                .iter()
                .filter(|d| d.0 == "2019-03-04")
                .count(),
            1
        );
    }

    #[test]
    fn the_first_paragraph_may_open_with_a_dateline() {
        let story = |opening: &str| {
            format!(
                "<html><body><h1>Turnout confirmed</h1><div class=text><p>{opening} The \
                 election commission approved the final count and published the turnout \
                 figures for every region of the country.</p>{BODY}</div></body></html>"
            )
        };
        let opening = |text: &str| {
            datelines(&story(text), None)
                .into_iter()
                .find(|d| d.2 == Place::BodyStart)
                .map(|d| d.0)
        };
        assert_eq!(
            opening("Karlsruhe, (12.11.2021).").as_deref(),
            Some("2021-11-12")
        );
        assert_eq!(
            opening("(21. November 2022)").as_deref(),
            Some("2022-11-21")
        );
        assert_eq!(
            opening("BERLIN, 3. März 2024 –").as_deref(),
            Some("2024-03-03")
        );
        assert_eq!(
            opening("Am 31.10.2023, gegen 23:40 Uhr, kam es zu einem Einbruch."),
            None
        );
        assert_eq!(opening("On 3 March 2024 the commission met."), None);
        assert_eq!(opening("The vote of 3 March 2024 was repeated."), None);
        // After a standfirst, the story's first paragraph opens with it; a third
        // paragraph is too far into the story.
        let after = |paragraphs: &[&str]| {
            let body: String = paragraphs
                .iter()
                .map(|p| format!("<p>{p} The commission approved the count and published figures for every region of the country.</p>"))
                .collect();
            let html = format!(
                "<html><body><h1>Turnout confirmed</h1><div class=text>{body}{BODY}</div></body></html>"
            );
            datelines(&html, None)
                .into_iter()
                .find(|d| d.2 == Place::BodyStart)
                .map(|d| d.0)
        };
        assert_eq!(
            after(&[
                "Turnout rose in every region, and the count was the fastest yet.",
                "AUSTIN, Texas, Feb. 7, 2022 /PRNewswire/ --"
            ])
            .as_deref(),
            Some("2022-02-07")
        );
        assert_eq!(
            after(&[
                "Turnout rose in every region, and the count was the fastest yet.",
                "Observers agreed that the count had been open and orderly.",
                "Ulm, 14. Februar 2023 –"
            ]),
            None
        );
    }

    #[test]
    fn prose_and_far_dates_are_not_datelines() {
        let html = page(
            "<h1>Turnout confirmed</h1><p>On 3 March 2020 the parliament had voted for a new \
             law on elections, which the commission now applies for the first time.</p>",
            "",
        );
        assert_eq!(first(&html), None);
        assert_eq!(datelines("", None), vec![]);
        // Nothing to anchor to: no datelines.
        assert_eq!(datelines("<p>8 February 2022</p>", None), vec![]);
        // No headline: the first lines of the story.
        let html =
            format!("<html><body><div class=text><p>8 February 2022</p>{BODY}</div></body></html>");
        assert_eq!(
            first(&html),
            Some(("2022-02-08".into(), None, Place::BodyStart))
        );
    }
}
