//! Main-content detection: which part of the page is the article.
//!
//! Three linear sweeps over the flattened tree:
//! 1. text statistics per subtree (length, link text, commas, paragraph counts),
//! 2. boilerplate marking, inherited from ancestors (tags, roles, hidden, class hints —
//!    the latter not on wrappers that hold most of the page),
//! 3. paragraph scores (length, commas, link density) credited to the paragraph's
//!    container and, decaying, to its ancestors — the container that gathers the most
//!    well-formed prose wins, readability-style.
//!
//! The winner is then widened: to a common ancestor when several strong candidates
//! sit side by side (a story split into blocks), to a parent that scores higher, and to
//! siblings that continue the article.

use super::clean::{self, CommentBlocks};
use super::dom::{Dom, Element, NO_PARENT, NodeKind};

/// Paragraphs shorter than this (in characters) carry no score.
const MIN_PARAGRAPH_CHARS: usize = 25;
/// List items shorter than this carry no score (menus and labels are short).
const MIN_LIST_ITEM_CHARS: u32 = 80;
/// How much a character of non-prose text (links, labels) costs against prose when
/// widening the article container.
const CHROME_PENALTY: f64 = 2.0;
/// What a character of a short list item without links (an ingredient, a feature of a
/// holiday home) is worth against prose when widening: half as much. Such lists sit beside
/// the prose of recipes and product pages as part of them; menus and teaser lists carry
/// links and pay the chrome penalty instead.
const LIST_CREDIT: f64 = 0.5;
/// Shortest link text taken for a headline in teaser detection.
const TEASER_MIN_HEADLINE: u32 = 15;
/// Boxes named for donations are dropped only below this much prose: a heading and a
/// paragraph or two of pitch, not a story about giving.
const APPEAL_MAX_PROSE: u32 = 600;
/// Elements with an ambiguous chrome class are dropped only below this much prose.
const WEAK_JUNK_MAX_PROSE: u32 = 200;
/// Text runs at least this long count as prose when finding wrappers.
const PROSE_RUN_CHARS: u32 = 40;

/// Per-node statistics, all indexed by node id.
pub struct Stats {
    /// Visible text characters in the subtree, whitespace runs counted once.
    pub text: Vec<u32>,
    /// Characters of that text inside links.
    pub link: Vec<u32>,
    /// Commas (all scripts) in the subtree.
    pub commas: Vec<u32>,
    /// Text directly in this element or its inline descendants (not in nested blocks).
    pub inline_text: Vec<u32>,
    pub inline_link: Vec<u32>,
    pub inline_commas: Vec<u32>,
    /// Paragraph-like descendants (including self).
    pub paragraphs: Vec<u32>,
    pub images: Vec<u32>,
    pub list_items: Vec<u32>,
    pub inputs: Vec<u32>,
    pub headings: Vec<u32>,
    /// Removed from the output (the node or an ancestor is boilerplate).
    pub junk: Vec<bool>,
    /// Readability class weight of each element.
    pub weight: Vec<i32>,
    /// Accumulated content score.
    pub score: Vec<f64>,
    /// Length of the longest link text in the subtree (a headline link is long).
    pub longest_link: Vec<u32>,
    /// Prose characters in the subtree: text of paragraphs that are not mostly links.
    pub prose: Vec<u32>,
    /// Characters of short list items without links in the subtree: ingredient, feature
    /// and fact lists, which are too short to be prose but are not chrome either.
    pub list_text: Vec<u32>,
    /// Inside the header of an article (a `<header>` within an `<article>` or `<main>` that
    /// holds the headline or paragraphs of prose): kept with the story for its standfirst;
    /// the bare text beside the headline (a byline, a date) is not. Its headline, kicker
    /// and dateline go as they go anywhere else (the title is not repeated, datelines at
    /// the edges go): dropping every short block in it also dropped short standfirsts.
    pub article_header: Vec<bool>,
    /// Teasers dropped as the items of lists of stories ([`mark_teasers`]).
    pub list_teasers: u32,
    /// The first [`MAX_TEASER_LISTS`] of those lists: the element holding each, and the
    /// text of its teasers.
    pub teaser_lists: Vec<(usize, u32)>,
}

/// Most lists of teasers remembered on a page.
pub const MAX_TEASER_LISTS: usize = 32;

impl Stats {
    pub fn link_density(&self, i: usize) -> f64 {
        if self.text[i] == 0 {
            0.0
        } else {
            f64::from(self.link[i]) / f64::from(self.text[i])
        }
    }
}

/// Collapsed length of a text run: non-space characters plus one per whitespace run; and
/// its commas (all scripts). Zero-width spaces and BOMs count as whitespace.
///
/// Every text node of a page goes through here: ASCII characters are classified by a
/// byte comparison rather than the Unicode tables, and the counting has no branches,
/// since where the spaces fall between words is unpredictable (twice as fast on English
/// text as the plain `if`s, and no slower on Cyrillic).
pub fn text_len(s: &str) -> (u32, u32) {
    let mut len = 0u32;
    let mut commas = 0u32;
    let mut in_space = true;
    for c in s.chars() {
        let (space, comma) = if c.is_ascii() {
            // The ASCII characters `char::is_whitespace` accepts: tab to carriage return
            // (with vertical tab and form feed) and space.
            (matches!(c, '\t'..='\r' | ' '), c == ',')
        } else {
            (
                c.is_whitespace() || c == '\u{200b}' || c == '\u{feff}',
                matches!(c, '،' | '，' | '、'),
            )
        };
        // Every character counts but a space right after a space: a run of whitespace
        // counts once.
        len += u32::from(!(space & in_space));
        commas += u32::from(comma);
        in_space = space;
    }
    (len, commas)
}

/// Whether `tag` is a heading, `<h1>` to `<h6>`.
pub(super) fn is_heading(tag: &str) -> bool {
    matches!(tag, "h1" | "h2" | "h3" | "h4" | "h5" | "h6")
}

/// Elements that are page chrome but rarely hold the main text: removed only when
/// they are not the wrapper of most of the page (ASP.NET wraps pages in a `<form>`,
/// some themes the whole body in a `<header>`-classed div, a few the story in `<aside>`).
fn is_wrapper_sensitive_junk(tag: &str) -> bool {
    matches!(tag, "form" | "header" | "aside")
}

/// The statistics of a page whose comment-named blocks are readers' comments.
pub fn compute(dom: &Dom) -> Stats {
    compute_where(dom, CommentBlocks::Chrome)
}

/// The statistics of a page, with its comment-named blocks chrome or its content as
/// `comments` says.
pub fn compute_where(dom: &Dom, comments: CommentBlocks) -> Stats {
    let n = dom.len();
    let mut s = Stats {
        text: vec![0; n],
        link: vec![0; n],
        commas: vec![0; n],
        inline_text: vec![0; n],
        inline_link: vec![0; n],
        inline_commas: vec![0; n],
        paragraphs: vec![0; n],
        images: vec![0; n],
        list_items: vec![0; n],
        inputs: vec![0; n],
        headings: vec![0; n],
        junk: vec![false; n],
        weight: vec![0; n],
        score: vec![0.0; n],
        prose: vec![0; n],
        list_text: vec![0; n],
        longest_link: vec![0; n],
        article_header: vec![false; n],
        list_teasers: 0,
        teaser_lists: Vec::new(),
    };

    // Pass 1: raw text per subtree with only the unconditional removals, to know
    // which elements wrap most of the page.
    let mut hard = vec![false; n];
    for i in 0..n {
        let p = dom.nodes[i].parent;
        let inherited = p != NO_PARENT && hard[p];
        // A button inside a heading is an accordion's toggle, and its text the heading's:
        // an FAQ's question (`<h3><button>Wer ist zuständig?</button></h3>`); so is a
        // toggle (`aria-expanded`) that asks a question.
        hard[i] = inherited
            || dom.element(i).is_some_and(|el| {
                clean::is_junk_by_tag(el)
                    && !(&*el.tag == "button"
                        && ((p != NO_PARENT && is_heading(dom.tag(p)))
                            || (el.attr("aria-expanded").is_some() && asks_a_question(dom, i))))
            });
    }
    // "Prose": text runs long enough to be sentences, outside links — what a
    // wrapper of the article holds most of, and a comment box or menu does not.
    let mut raw = vec![0u32; n];
    let mut in_link = vec![false; n];
    for i in 0..n {
        let p = dom.nodes[i].parent;
        in_link[i] = (p != NO_PARENT && in_link[p]) || dom.is_link(i);
    }
    // Length and commas of every text node that may be kept, measured once here for
    // pass 3 as well (nodes that pass 3 keeps are never `hard`).
    let mut run_len = vec![(0u32, 0u32); n];
    for i in (0..n).rev() {
        if hard[i] {
            continue;
        }
        if let NodeKind::Text(t) = &dom.nodes[i].kind {
            run_len[i] = text_len(t);
            let len = run_len[i].0;
            if !in_link[i] && len >= PROSE_RUN_CHARS {
                raw[i] = len;
            }
        }
        let p = dom.nodes[i].parent;
        if p != NO_PARENT {
            raw[p] = raw[p].saturating_add(raw[i]);
        }
    }
    let body = dom.body();
    let page_text = f64::from(raw[body].max(1));

    // Pass 2: boilerplate, top-down.
    let mut in_story = vec![false; n];
    for i in 0..n {
        let p = dom.nodes[i].parent;
        if p != NO_PARENT && s.junk[p] {
            s.junk[i] = true;
            continue;
        }
        if p != NO_PARENT {
            in_story[i] = in_story[p] || matches!(dom.tag(p), "article" | "main");
            s.article_header[i] = s.article_header[p];
        }
        let Some(el) = dom.element(i) else {
            // Bare text beside the headline is a byline or a date.
            if p != NO_PARENT && s.article_header[p] && dom.tag(p) == "header" {
                s.junk[i] = true;
            }
            continue;
        };
        s.weight[i] = clean::class_weight(el, comments);
        if hard[i] {
            s.junk[i] = true;
            continue;
        }
        if &*el.tag == "header"
            && in_story[i]
            && !clean::is_junk_by_class_where(el, comments)
            && (holds_headline(dom, i) || raw[i] >= WEAK_JUNK_MAX_PROSE)
        {
            s.article_header[i] = true;
            continue;
        }
        if &*el.tag == "header"
            && in_story[i]
            && !clean::is_junk_by_class_where(el, comments)
            && holds_subheading(dom, i)
        {
            // The head of a section or an accordion panel inside the story: its heading
            // is the section's title.
            continue;
        }
        let share = f64::from(raw[i]) / page_text;
        let wrapper = share >= 0.5
            || matches!(&*el.tag, "html" | "body" | "main" | "article")
            || clean::declares_article_body(el);
        if wrapper {
            continue;
        }
        // Not a wrapper of most of the page's prose: forms, headers and chrome by role or
        // class go.
        if is_wrapper_sensitive_junk(&el.tag)
            || clean::is_junk_by_role(el)
            || clean::is_junk_by_class_where(el, comments)
            || clean::is_dialog_by_class(el)
            || (!clean::is_inline(&el.tag)
                && ((raw[i] < WEAK_JUNK_MAX_PROSE && clean::is_weak_junk_by_class(el))
                    || (raw[i] < APPEAL_MAX_PROSE && clean::is_appeal_by_class(el))))
        {
            s.junk[i] = true;
        }
    }

    // Pass 3: statistics bottom-up over the kept nodes.
    for i in (0..n).rev() {
        if s.junk[i] {
            continue;
        }
        let node = &dom.nodes[i];
        let inline = match &node.kind {
            NodeKind::Text(_) => {
                let (len, commas) = run_len[i];
                s.text[i] = len;
                s.commas[i] = commas;
                s.inline_text[i] = len;
                s.inline_commas[i] = commas;
                if in_link[i] {
                    s.link[i] = len;
                    s.inline_link[i] = len;
                }
                true
            }
            NodeKind::Element(el) => {
                let tag = &*el.tag;
                match tag {
                    "img" | "picture" => s.images[i] += 1,
                    "li" | "dt" | "dd" => s.list_items[i] += 1,
                    "input" | "textarea" | "select" => s.inputs[i] += 1,
                    _ if is_heading(tag) => s.headings[i] += 1,
                    _ => {}
                }
                let inline = clean::is_inline(tag);
                if !inline && s.inline_text[i] >= MIN_PARAGRAPH_CHARS as u32 {
                    s.paragraphs[i] += 1;
                }
                inline
            }
            NodeKind::Other => false,
        };
        if dom.is_link(i) {
            s.longest_link[i] = s.text[i];
        }
        let p = node.parent;
        if p == NO_PARENT {
            continue;
        }
        s.longest_link[p] = s.longest_link[p].max(s.longest_link[i]);
        s.text[p] += s.text[i];
        s.link[p] += s.link[i];
        s.commas[p] += s.commas[i];
        s.paragraphs[p] += s.paragraphs[i];
        s.images[p] += s.images[i];
        s.list_items[p] += s.list_items[i];
        s.inputs[p] += s.inputs[i];
        s.headings[p] += s.headings[i];
        if inline {
            s.inline_text[p] += s.inline_text[i];
            s.inline_link[p] += s.inline_link[i];
            s.inline_commas[p] += s.inline_commas[i];
        }
    }

    mark_teasers(dom, &mut s);
    mark_player_boxes(dom, &mut s);

    // Pass 4: paragraph scores credited to containers.
    for i in 0..n {
        if s.junk[i] {
            continue;
        }
        let Some(el) = dom.element(i) else { continue };
        let tag = &*el.tag;
        if clean::is_inline(tag) || is_heading(tag) || matches!(tag, "dt" | "dd" | "a") {
            continue;
        }
        let len = s.inline_text[i];
        if tag == "li"
            && s.inline_link[i] == 0
            && len < MIN_LIST_ITEM_CHARS
            && s.weight[i] >= 0
            && dom.nodes[i].parent != NO_PARENT
            && s.weight[dom.nodes[i].parent] >= 0
        {
            s.list_text[i] = len;
        }
        // A list item counts when it is a sentence or more, not a menu entry or a label:
        // some posts are nothing but a list of such items.
        let min_len = if tag == "li" {
            MIN_LIST_ITEM_CHARS
        } else {
            MIN_PARAGRAPH_CHARS as u32
        };
        if len < min_len {
            continue;
        }
        let link_density = f64::from(s.inline_link[i]) / f64::from(len);
        if link_density > 0.5 {
            continue;
        }
        s.prose[i] = len - s.inline_link[i];
        let base = (1.0 + f64::from(s.inline_commas[i]) + (f64::from(len) / 100.0).min(3.0))
            * (1.0 - link_density);
        // A container holding its own text (a table cell with <br>-separated
        // paragraphs, a div of bare text) is a candidate itself.
        if !matches!(tag, "p" | "li") {
            s.score[i] += base;
        }
        let mut ancestor = dom.nodes[i].parent;
        let mut level = 1;
        while ancestor != NO_PARENT && level <= 5 {
            if s.junk[ancestor] {
                break;
            }
            let divider = match level {
                1 => 1.0,
                2 => 2.0,
                l => f64::from(l) * 3.0,
            };
            s.score[ancestor] += base / divider;
            ancestor = dom.nodes[ancestor].parent;
            level += 1;
        }
    }
    for i in (1..n).rev() {
        let p = dom.nodes[i].parent;
        if p != NO_PARENT && !s.junk[i] {
            s.prose[p] += s.prose[i];
            s.list_text[p] += s.list_text[i];
        }
    }
    s
}

/// Longest question read on a toggle, in nodes: a few spans around its words.
const QUESTION_TOGGLE_NODES: usize = 16;

/// Whether the text of element `i` (a few nodes at most) ends with a question mark.
pub(super) fn asks_a_question(dom: &Dom, i: usize) -> bool {
    let end = dom.nodes[i].end;
    if end - i > QUESTION_TOGGLE_NODES {
        return false;
    }
    (i..end)
        .rev()
        .find_map(|j| match &dom.nodes[j].kind {
            NodeKind::Text(t) if !t.trim_end().is_empty() => Some(t.trim_end()),
            _ => None,
        })
        .is_some_and(|t| t.ends_with(['?', '？', '؟']))
}

/// Most nodes searched for a headline inside a `<header>`.
const HEADER_SCAN_NODES: usize = 2_000;

/// Whether a header holds an `<h1>` or `<h2>` (within its first nodes): the header of an
/// article rather than a page banner.
fn holds_headline(dom: &Dom, header: usize) -> bool {
    let end = dom.nodes[header].end.min(header + HEADER_SCAN_NODES);
    (header + 1..end).any(|j| matches!(dom.tag(j), "h1" | "h2"))
}

/// Whether a header holds an `<h3>`–`<h6>` (within its first nodes): the head of a
/// section or an accordion panel.
fn holds_subheading(dom: &Dom, header: usize) -> bool {
    let end = dom.nodes[header].end.min(header + HEADER_SCAN_NODES);
    (header + 1..end).any(|j| matches!(dom.tag(j), "h3" | "h4" | "h5" | "h6"))
}

/// Marks teaser lists as boilerplate: three or more sibling blocks of the same kind
/// (tag and class), each led by a headline link with some text beside it — a feed of
/// other stories after the article, a "more news" strip, an index page. Their lead
/// paragraphs read like prose, so link density alone does not catch them.
fn mark_teasers(dom: &Dom, s: &mut Stats) {
    let n = dom.len();
    // (signature, qualifying children, all children) per parent, reused.
    let mut groups: Vec<(&str, &str, usize, usize)> = Vec::new();
    for p in 0..n {
        if s.junk[p] || dom.element(p).is_none() {
            continue;
        }
        groups.clear();
        for c in dom.children(p) {
            let Some(el) = dom.element(c) else { continue };
            if !matches!(&*el.tag, "div" | "li" | "article" | "section" | "dl") {
                continue;
            }
            // Items already dropped by their class count as teasers of the group.
            let qualifies = s.junk[c]
                || s.longest_link[c] >= TEASER_MIN_HEADLINE
                    && u64::from(s.link[c]) * 100 >= u64::from(s.text[c]) * 15
                    && s.paragraphs[c] <= 3
                    && s.text[c] > s.link[c];
            let key = (&*el.tag, item_kind(&el.tag, &el.class_id));
            match groups.iter_mut().find(|g| (g.0, g.1) == key) {
                Some(g) => {
                    g.2 += usize::from(qualifies);
                    g.3 += 1;
                }
                None => groups.push((key.0, key.1, usize::from(qualifies), 1)),
            }
        }
        let teaser_groups: Vec<(&str, &str)> = groups
            .iter()
            .filter(|g| g.2 >= 3 && g.2 * 3 >= g.3 * 2)
            .map(|g| (g.0, g.1))
            .collect();
        if teaser_groups.is_empty() {
            continue;
        }
        let mut list_text = 0u32;
        for c in dom.children(p) {
            let Some(el) = dom.element(c) else { continue };
            if teaser_groups.contains(&(&*el.tag, item_kind(&el.tag, &el.class_id))) {
                s.list_teasers = s.list_teasers.saturating_add(1);
                list_text = list_text.saturating_add(s.text[c]);
                for j in c..dom.nodes[c].end {
                    s.junk[j] = true;
                }
            }
        }
        if s.teaser_lists.len() < MAX_TEASER_LISTS {
            s.teaser_lists.push((p, list_text));
        }
    }
}

/// Most text of a player's box: a clip's title, its duration and a show's name.
const PLAYER_BOX_MAX_CHARS: u32 = 200;

/// Levels climbed from a player to the box that holds its text.
const PLAYER_BOX_LEVELS: usize = 4;

/// Nodes of a player's box searched for the player.
const PLAYER_BOX_SCAN_NODES: usize = 64;

/// Marks the boxes of video and audio players embedded in a story as boilerplate: the
/// player (a `<video>` or `<audio>`, or an element named for a player, a play button, a
/// video or audio)
/// beside a line that is only the clip's duration ("1:06", "12:41") and its title ("Watch:
/// Riders describe long waits…"). The title is another piece's, not the story's; a
/// duration tells a player's box from a photo's caption.
fn mark_player_boxes(dom: &Dom, s: &mut Stats) {
    // From each duration up: durations are rare, elements named for a video many.
    for i in 0..dom.len() {
        let NodeKind::Text(text) = &dom.nodes[i].kind else {
            continue;
        };
        if !is_duration(text.trim()) || s.junk[i] {
            continue;
        }
        let Some(holder) = dom
            .ancestors(i)
            .take(PLAYER_BOX_LEVELS)
            .find(|&a| dom.element(a).is_some_and(|el| !clean::is_inline(&el.tag)))
        else {
            continue;
        };
        // The box that holds the line and the player, within a few levels of the line.
        let Some(player_box) = dom
            .ancestors(holder)
            .take(PLAYER_BOX_LEVELS)
            .take_while(|&a| s.text[a] <= PLAYER_BOX_MAX_CHARS)
            .find(|&a| holds_a_player(dom, s, a))
        else {
            continue;
        };
        if !s.junk[player_box] {
            for j in player_box..dom.nodes[player_box].end {
                s.junk[j] = true;
            }
        }
    }
}

/// Whether element `i` holds a player within its first nodes: a `<video>` or `<audio>`, or
/// an element without text named for a player, a play button, a video or audio.
fn holds_a_player(dom: &Dom, s: &Stats, i: usize) -> bool {
    let end = dom.nodes[i].end.min(i + PLAYER_BOX_SCAN_NODES);
    (i..end).any(|j| {
        dom.element(j).is_some_and(|el| {
            matches!(&*el.tag, "video" | "audio")
                || (s.text[j] == 0
                    && ["play", "video", "audio"]
                        .iter()
                        .any(|word| el.class_id.contains(word)))
        })
    })
}

/// Whether `text` is a clip's duration: minutes and seconds, or hours, minutes and seconds.
fn is_duration(text: &str) -> bool {
    // Most text nodes are turned away by their length or first byte, unsplit.
    if !(4..=8).contains(&text.len()) || !text.as_bytes()[0].is_ascii_digit() {
        return false;
    }
    let mut parts = text.split(':');
    let lead = parts.next().unwrap_or("");
    let mut rest = 0;
    for part in parts {
        if part.len() != 2 || !part.bytes().all(|b| b.is_ascii_digit()) {
            return false;
        }
        rest += 1;
    }
    (1..=2).contains(&rest) && lead.len() <= 2 && lead.bytes().all(|b| b.is_ascii_digit())
}

/// The kind of item an element is, for grouping a list's items: its class and id names,
/// and a lone name without its trailing number. The blocks of a list with no class differ
/// only in their ids (uCoz's `entryID1187`, `entryID1186`). Nothing more is dropped:
/// grouping by the first class alone joins an Elementor story's paragraphs into one "list",
/// and a forum's posts, whose ids are numbered beside their classes, are not teasers.
fn item_kind<'a>(tag: &str, class_id: &'a str) -> &'a str {
    // A list's items numbered by id are its notes (Wikipedia's `cite_note-12`): they stay
    // apart.
    if tag == "li" || class_id.contains(' ') {
        return class_id;
    }
    class_id.trim_end_matches(|c: char| c.is_ascii_digit() || c == '-' || c == '_')
}

/// Prose (and half of the link-free list items) minus a share of everything else (links,
/// labels, headline lists): the container that balances the most article text against the
/// least chrome.
fn prose_balance(s: &Stats, i: usize) -> f64 {
    let prose = f64::from(s.prose[i]);
    let lists = f64::from(s.list_text[i]);
    let other = f64::from(s.text[i].saturating_sub(s.prose[i] + s.list_text[i]));
    prose + LIST_CREDIT * lists - CHROME_PENALTY * other
}

/// Initial score of a candidate by its tag, as in Readability.
fn tag_bonus(tag: &str) -> f64 {
    match tag {
        "div" | "article" | "section" | "main" => 5.0,
        "pre" | "td" | "blockquote" => 3.0,
        "address" | "ol" | "ul" | "dl" | "dd" | "dt" | "li" | "form" => -3.0,
        "h1" | "h2" | "h3" | "h4" | "h5" | "h6" | "th" => -5.0,
        _ => 0.0,
    }
}

/// Final candidate score: accumulated score plus tag and class hints, scaled down
/// by link density.
pub fn candidate_score(dom: &Dom, s: &Stats, i: usize) -> f64 {
    if s.score[i] <= 0.0 {
        return 0.0;
    }
    // Class hints scale the text evidence instead of adding to it: a `*-content`
    // class on a box with one short line must not beat a container of prose.
    let hint = match s.weight[i] {
        w if w >= 25 => 1.25,
        w if w > 0 => 1.1,
        0 => 1.0,
        w if w > -25 => 0.85,
        _ => 0.5,
    };
    (s.score[i] + tag_bonus(dom.tag(i)).min(s.score[i])) * hint * (1.0 - s.link_density(i))
}

/// The chosen article: one container, or several sibling blocks in order.
#[derive(Debug, Clone)]
pub struct Selection {
    /// Roots of the subtrees that make up the article, in document order.
    pub roots: Vec<usize>,
    /// Score of the winning candidate.
    pub score: f64,
}

pub fn select(dom: &Dom, s: &Stats) -> Option<Selection> {
    let body = dom.body();
    let n = dom.len();
    let mut finals = vec![0.0f64; n];
    let mut best: Option<usize> = None;
    let mut top: Vec<usize> = Vec::new();
    for i in 0..n {
        if s.junk[i] || dom.element(i).is_none() || s.score[i] <= 0.0 {
            continue;
        }
        let tag = dom.tag(i);
        if tag == "html" {
            continue;
        }
        finals[i] = candidate_score(dom, s, i);
        if best.is_none_or(|b| finals[i] > finals[b]) {
            best = Some(i);
        }
        top.push(i);
    }
    let mut best = best?;
    let best_score = finals[best];
    top.sort_by(|a, b| finals[*b].total_cmp(&finals[*a]));
    top.truncate(5);

    // Several strong candidates side by side: take their common ancestor.
    let strong: Vec<usize> = top
        .iter()
        .copied()
        .filter(|&c| {
            c != best
                && finals[c] >= 0.75 * best_score
                && !dom.contains(c, best)
                && !dom.contains(best, c)
        })
        .collect();
    if strong.len() >= 2 {
        let mut ancestor = dom.nodes[best].parent;
        while ancestor != NO_PARENT && ancestor != body {
            let covered = strong
                .iter()
                .filter(|&&c| dom.contains(ancestor, c))
                .count();
            if covered >= 2 {
                best = ancestor;
                break;
            }
            ancestor = dom.nodes[ancestor].parent;
        }
    }

    // Climb to a parent that scores higher (the article split into sub-blocks).
    let threshold = finals[best] / 3.0;
    let mut last = finals[best];
    let mut parent = dom.nodes[best].parent;
    while parent != NO_PARENT && parent != body {
        if s.score[parent] <= 0.0 {
            parent = dom.nodes[parent].parent;
            continue;
        }
        let ps = finals[parent];
        if ps < threshold {
            break;
        }
        if ps > last {
            best = parent;
            break;
        }
        last = ps;
        parent = dom.nodes[parent].parent;
    }
    // A lone child says nothing about its parent: widen through single-child wrappers.
    loop {
        let p = dom.nodes[best].parent;
        if p == NO_PARENT || p == body || s.junk[p] {
            break;
        }
        let element_children = dom
            .children(p)
            .filter(|&c| dom.element(c).is_some() && !s.junk[c])
            .count();
        if element_children != 1 {
            break;
        }
        best = p;
    }

    // Paragraphs nested in per-paragraph wrappers credit their common container too
    // little: widen to the ancestor with the best prose balance.
    let mut widest = best;
    let mut balance = prose_balance(s, best);
    let mut ancestor = dom.nodes[best].parent;
    while ancestor != NO_PARENT && !s.junk[ancestor] && dom.tag(ancestor) != "html" {
        // A table layout's row holds the side columns beside the story's cell: their boxes'
        // sentences would pay for the widening.
        if is_layout_row_of(dom, s, ancestor, widest) {
            break;
        }
        let b = prose_balance(s, ancestor);
        if b > balance {
            balance = b;
            widest = ancestor;
        }
        ancestor = dom.nodes[ancestor].parent;
    }
    best = widest;

    let top_score = finals[best].max(best_score);
    let mut roots = Vec::new();
    let parent = dom.nodes[best].parent;
    if parent == NO_PARENT {
        roots.push(best);
    } else {
        let sibling_threshold = (top_score * 0.2).max(10.0);
        let best_class = dom.element(best).map(|e| e.class_id);
        for c in dom.children(parent) {
            if c == best {
                roots.push(c);
                continue;
            }
            if s.junk[c] || dom.element(c).is_none() {
                continue;
            }
            let mut bonus = 0.0;
            if let (Some(bc), Some(el)) = (&best_class, dom.element(c))
                && !bc.is_empty()
                && el.class_id == *bc
            {
                bonus = top_score * 0.2;
            }
            let score = candidate_score(dom, s, c);
            let keep = if score > 0.0 && score + bonus >= sibling_threshold {
                true
            } else if dom.tag(c) == "p" {
                let len = s.text[c];
                let ld = s.link_density(c);
                (len > 80 && ld < 0.25) || (len > 0 && ld == 0.0 && ends_sentence(dom, c))
            } else {
                false
            };
            if keep {
                roots.push(c);
            }
        }
    }
    if roots == [best]
        && let Some(posts) = thread_posts(dom, s, best)
    {
        roots = posts;
    }
    let mut leads = roots
        .first()
        .map_or_else(Vec::new, |&first| leads_before(dom, s, first));
    leads.extend(roots);
    Some(Selection {
        roots: leads,
        score: top_score,
    })
}

/// Share of a layout row's prose, in percent, that its story cell holds.
const STORY_CELL_SHARE: u64 = 80;

/// Share of the row's prose, in percent, that a story cell holds when it also holds more
/// than [`STORY_CELL_LEAD`] times the prose of every other cell.
const LEADING_STORY_CELL_SHARE: u64 = 50;

/// How many times the prose of any other cell of its row the story cell holds, at least,
/// when it holds under [`STORY_CELL_SHARE`] of the row.
const STORY_CELL_LEAD: u64 = 2;

/// Whether `row` is a table layout's row whose cell holding `story` is the story's column:
/// a `<tr>` of several cells, the story's with most of the row's prose, the others the
/// site's side columns (boxes of a line or two each). Side columns of `<br>`-separated
/// items (a community calendar, classified ads) read as a run of text each, as prose: a
/// story cell between two of them holds far more than either, if not four fifths of all.
fn is_layout_row_of(dom: &Dom, s: &Stats, row: usize, story: usize) -> bool {
    if dom.tag(row) != "tr" {
        return false;
    }
    let Some(cell) = dom.children(row).find(|&c| dom.contains(c, story)) else {
        return false;
    };
    let cells_with_text = dom
        .children(row)
        .filter(|&c| matches!(dom.tag(c), "td" | "th") && s.text[c] > 0)
        .count();
    let story_prose = u64::from(s.prose[cell]);
    let row_prose = u64::from(s.prose[row]);
    let leads_every_other_cell = || {
        dom.children(row)
            .filter(|&c| c != cell)
            .all(|c| u64::from(s.prose[c]) * STORY_CELL_LEAD < story_prose)
    };
    cells_with_text >= 2
        && (story_prose * 100 >= row_prose * STORY_CELL_SHARE
            || (story_prose * 100 >= row_prose * LEADING_STORY_CELL_SHARE
                && leads_every_other_cell()))
}

/// How many levels above the chosen block a forum's post is looked for.
const POST_DEPTH: usize = 6;
/// Most posts of a thread taken: a hostile page of a million costs no more.
const MAX_THREAD_POSTS: usize = 500;
/// Most children of a post's element searched for the next step down to its message.
const MAX_PATH_CHILDREN: usize = 64;
/// Fewest digits of a post's number in its class or id (`post_2210381`, `p48213`).
const POST_NUMBER_DIGITS: usize = 3;

/// The posts of a forum thread, when the chosen block is the text of one of them: an
/// ancestor numbered like a post (`div#post_2210381`, `table#post48213`) among siblings
/// named the same but for the number is one post of a thread, and each sibling's block at
/// the same place (`td.t_f`, `div.postbody`) is a reply. Replies are short, so the sibling
/// pass, which asks of each a score like the article's, leaves them out. Only blocks with
/// text of their own are taken, in page order; none when no other post has one. A numbered
/// ancestor alone under its parent (Discuz's `table#pid…` in `div#post_…`) is one level of
/// the post, and the search goes on above it.
fn thread_posts(dom: &Dom, s: &Stats, best: usize) -> Option<Vec<usize>> {
    // The class and id of a post without its number, if it has one.
    let numbered = |i: usize| -> Option<String> {
        let el = dom.element(i)?;
        let digits = el
            .class_id
            .split(|c: char| !c.is_ascii_digit())
            .map(str::len)
            .max()?;
        (digits >= POST_NUMBER_DIGITS).then(|| without_numbers(&el.class_id).collect())
    };
    let mut post = best;
    for _ in 0..POST_DEPTH {
        post = dom.nodes[post].parent;
        if post == NO_PARENT || s.junk[post] {
            return None;
        }
        let Some(name) = numbered(post) else {
            continue;
        };
        let thread = dom.nodes[post].parent;
        if thread == NO_PARENT {
            return None;
        }
        let path = path_between(dom, post, best);
        let mut blocks = Vec::new();
        for sibling in dom.children(thread).take(MAX_THREAD_POSTS) {
            if sibling == post {
                blocks.push(best);
            } else if !s.junk[sibling]
                && numbered(sibling).as_deref() == Some(name.as_str())
                && let Some(block) = follow_path(dom, sibling, &path)
                && !s.junk[block]
                && s.text[block] > 0
            {
                blocks.push(block);
            }
        }
        if blocks.len() > 1 {
            return Some(blocks);
        }
    }
    None
}

/// The steps from `ancestor` down to `node`: each element's tag and class and id with
/// the numbers taken out (a post's parts are numbered after it).
fn path_between(dom: &Dom, ancestor: usize, node: usize) -> Vec<(String, String)> {
    let mut steps = Vec::new();
    let mut i = node;
    while i != ancestor && i != NO_PARENT {
        if let Some(el) = dom.element(i) {
            steps.push((el.tag.to_string(), without_numbers(&el.class_id).collect()));
        }
        i = dom.nodes[i].parent;
    }
    steps.reverse();
    steps
}

/// The node below `ancestor` reached by `path`, taking at each step the first child with
/// the step's tag and (numberless) class and id.
fn follow_path(dom: &Dom, ancestor: usize, path: &[(String, String)]) -> Option<usize> {
    let mut at = ancestor;
    for (tag, name) in path {
        at = dom.children(at).take(MAX_PATH_CHILDREN).find(|&c| {
            dom.element(c).is_some_and(|el| {
                &*el.tag == tag.as_str() && without_numbers(&el.class_id).eq(name.chars())
            })
        })?;
    }
    Some(at)
}

/// A class and id without their figures: the parts of one post are named like those of
/// another but for its number (`postmessage_2210381`).
fn without_numbers(class_id: &str) -> impl Iterator<Item = char> + '_ {
    class_id.chars().filter(|c| !c.is_ascii_digit())
}

/// How many nodes before the article are searched for its headline and lead.
const LEAD_LOOKBACK: usize = 400;
/// Shortest standfirst taken from between the headline and the body.
const MIN_LEAD_CHARS: u32 = 60;

/// Shortest standfirst taken when its class or id names it one (`subtitle`, `dek`,
/// `standfirst`, `lead`): a subtitle is often a short line without a full stop.
const MIN_NAMED_LEAD_CHARS: u32 = 30;

/// Parts of class and id names that name a standfirst or a subtitle (`SubTitulo`,
/// `mh-subheading`, `article__dek`, `c-standfirst`, `lead-text`, `entry-summary`).
const STANDFIRST_CLASS_WORDS: &[&str] = &[
    "subtitle",
    "subtitulo",
    "subheading",
    "subheadline",
    "subhead",
    "sub-title",
    "sub_title",
    "dek",
    "standfirst",
    "lead",
    "summary",
    "intro",
    "excerpt",
];

/// Whether the class or id of `el` names a standfirst.
fn is_named_standfirst(el: &Element<'_>) -> bool {
    STANDFIRST_CLASS_WORDS
        .iter()
        .any(|word| el.class_id.contains(word))
}

/// The standfirst: prose between the article's headline and its body, which many
/// layouts put in the header block beside the `<h1>` rather than in the body container.
fn leads_before(dom: &Dom, s: &Stats, first: usize) -> Vec<usize> {
    let floor = first.saturating_sub(LEAD_LOOKBACK);
    let Some(h1) = (floor..first).rev().find(|&i| {
        dom.tag(i) == "h1" && !dom.contains(i, first) && (!s.junk[i] || s.article_header[i])
    }) else {
        return Vec::new();
    };
    let mut leads = Vec::new();
    let mut i = dom.nodes[h1].end;
    while i < first {
        if s.junk[i] {
            i = dom.nodes[i].end;
            continue;
        }
        if dom.contains(i, first) {
            i += 1;
            continue;
        }
        let Some(el) = dom.element(i) else {
            i += 1;
            continue;
        };
        if matches!(&*el.tag, "figure" | "figcaption" | "table" | "ul" | "ol") {
            i = dom.nodes[i].end;
            continue;
        }
        let len = s.inline_text[i];
        let min_len = if is_named_standfirst(el) {
            MIN_NAMED_LEAD_CHARS
        } else {
            MIN_LEAD_CHARS
        };
        if !clean::is_inline(&el.tag)
            && len >= min_len
            && u64::from(s.inline_link[i]) * 5 < u64::from(len)
            && !clean::is_small_junk_by_class(el)
        {
            leads.push(i);
            i = dom.nodes[i].end;
            continue;
        }
        i += 1;
    }
    leads
}

fn ends_sentence(dom: &Dom, i: usize) -> bool {
    let end = dom.nodes[i].end;
    for j in (i..end).rev() {
        if let NodeKind::Text(t) = &dom.nodes[j].kind {
            let t = t.trim_end();
            if t.is_empty() {
                continue;
            }
            return t.ends_with(['.', '!', '?', '…', '。']);
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::is_duration;
    use crate::extract::{ExtractOptions, extract};

    #[test]
    fn durations() {
        for text in ["1:06", "12:41", "1:02:03", "0:59"] {
            assert!(is_duration(text), "{text}");
        }
        for text in [
            "",
            "1:6",
            "123:45",
            "12:345",
            "a:bc",
            "12",
            "1:02:03:04",
            ":30",
        ] {
            assert!(!is_duration(text), "{text}");
        }
    }

    /// What `text_len` computes, written the plain way: one decoded character at a time.
    fn text_len_by_chars(s: &str) -> (u32, u32) {
        let mut len = 0u32;
        let mut commas = 0u32;
        let mut in_space = true;
        for c in s.chars() {
            if c.is_whitespace() || c == '\u{200b}' || c == '\u{feff}' {
                if !in_space {
                    len += 1;
                    in_space = true;
                }
            } else {
                len += 1;
                in_space = false;
                if matches!(c, ',' | '،' | '，' | '、') {
                    commas += 1;
                }
            }
        }
        (len, commas)
    }

    #[test]
    fn a_forum_thread_is_its_posts() {
        // Each post: a numbered wrapper, the poster's cell, the message cell.
        let post = |n: u32, message: &str| {
            format!(
                "<div id=post_{n}><table id=pid{n} class=plhin><tr>\
                 <td class=pls><div class=authi><a href=/u/{n}>member{n}</a></div><p>Posts: 12</p></td>\
                 <td class=plc><div class=pi>#{n}</div><div class=pct><div class=t_f id=postmessage_{n}>{message}</div></div></td>\
                 </tr></table></div>"
            )
        };
        let opening = "We drove the high road over the pass last summer in a small car. The \
            surface was good most of the way, the hairpins were narrow and the descent long, \
            and petrol stations are rare after the second village, so fill the tank early. \
            We stayed two nights in the valley and the guesthouse owners were very kind.";
        let html = format!(
            "<html><body><nav><a href=/>Forum</a> <a href=/travel>Travel</a></nav>\
             <div class=postlist>{}{}{}</div><div class=ft><a href=/help>Help</a></div></body></html>",
            post(2210381, opening),
            post(
                2210402,
                "Is the road over the pass good for a small car right now?"
            ),
            post(
                2210415,
                "Only the bends are narrow; brake early on the way down."
            ),
        );
        let text = extract(html.as_bytes(), &ExtractOptions::default())
            .expect("a thread")
            .text;
        assert!(text.starts_with("We drove the high road"), "{text}");
        assert!(text.contains("good for a small car right now?"), "{text}");
        assert!(text.ends_with("brake early on the way down."), "{text}");
        // The posters' cells are not the replies.
        assert!(!text.contains("Posts: 12"), "{text}");
        // Without numbers, blocks that look alike are not a thread's posts.
        let unnumbered = html
            .replace("id=post_", "data-n=")
            .replace("id=pid", "data-p=");
        let text = extract(unnumbered.as_bytes(), &ExtractOptions::default())
            .expect("the opening post")
            .text;
        assert!(!text.contains("good for a small car right now?"), "{text}");
    }

    /// A thread of four posts as Invision Community prints it: every post's text in a
    /// `div#comment-…_wrap`, the page declaring a forum posting when `declared`.
    fn invision_thread(declared: bool) -> String {
        let declaration = if declared {
            r#"<script type="application/ld+json">{"@context":"http://schema.org",
               "@type":"DiscussionForumPosting","headline":"Timing belt at 238,000 km",
               "datePublished":"2022-02-14T17:22:05+0000"}</script>"#
        } else {
            ""
        };
        let post = |n: u32, message: &str| {
            format!(
                "<article id=elComment_{n} class='cPost ipsBox ipsComment ipsComment_parent'>\
                 <aside class=ipsComment_author><h3><a href=/u/{n}>member{n}</a></h3>\
                 <p>Posts: 1,204</p></aside><div id=comment-{n}_wrap class=ipsComment_content>\
                 <div data-role=commentContent class=ipsType_richText><p>{message}</p></div>\
                 </div></article>"
            )
        };
        format!(
            "<html><head><title>Timing belt at 238,000 km - Garage Forum</title>{declaration}\
             </head><body><nav><a href=/>Forums</a> <a href=/cars>Cars</a></nav>\
             <h1>Timing belt at 238,000 km</h1><div id=comments class=cTopic>{}{}{}{}</div>\
             <form action=/reply method=post><h2>Join the conversation</h2><p>You can post \
             now and register later. If you have an account, sign in now to post with your \
             account.</p><textarea name=content></textarea></form></body></html>",
            post(
                412230,
                "Hi, my car has done 238,000 km and the previous owner said the timing belt \
                 was changed at 150,000 km, but there are no papers. Should I change it now \
                 or can I keep driving for a while? It runs smoothly and nothing knocks."
            ),
            post(
                412233,
                "Without papers, assume it was never done and change it this month."
            ),
            post(
                412236,
                "Always the full kit: belt, tensioner, idlers and the water pump together."
            ),
            post(
                412240,
                "Thanks all, it is booked in for Friday and I will report back."
            ),
        )
    }

    #[test]
    fn a_declared_threads_posts_named_comments_are_its_text() {
        let html = invision_thread(true);
        let text = extract(html.as_bytes(), &ExtractOptions::default())
            .expect("a thread")
            .text;
        assert!(text.starts_with("Hi, my car has done 238,000 km"), "{text}");
        assert!(text.contains("assume it was never done"), "{text}");
        assert!(text.ends_with("I will report back."), "{text}");
        assert!(!text.contains("Posts: 1,204"), "{text}");
        // Undeclared, blocks named comments are readers' comments under something else.
        let html = invision_thread(false);
        let text = extract(html.as_bytes(), &ExtractOptions::default()).map(|a| a.text);
        assert!(
            !text
                .as_deref()
                .is_ok_and(|t| t.contains("assume it was never done")),
            "{text:?}"
        );
    }

    #[test]
    fn a_short_reply_under_its_linked_subject_stays() {
        // phpBB: each post opens with its linked subject, "Re: " and the thread's title,
        // which outweighs the words of a short reply.
        let post = |n: u32, subject: &str, message: &str| {
            format!(
                "<div id=p{n} class='post bg{}'><div class=inner><dl class=postprofile>\
                 <dt><a href=/u/{n}>member{n}</a></dt><dd>Posts: 5412</dd></dl>\
                 <div class=postbody><div id=post_content{n}><h3>\
                 <a href='./viewtopic.php?p={n}#p{n}'>{subject}</a></h3><p class=author>by \
                 <a href=/u/{n}>member{n}</a> » Sun 7 Nov 2021 20:05</p>\
                 <div class=content>{message}</div></div></div></div></div>",
                n % 2 + 1
            )
        };
        let title = "A leak under the sink after changing the trap";
        let reply = format!("Re: {title}");
        let html = format!(
            "<html><head><title>{title}</title></head><body><h2>{title}</h2>\
             <div class=topic>{}{}{}</div></body></html>",
            post(
                88123,
                title,
                "Hello all, yesterday I changed the trap under the kitchen sink because the \
                 old one was full of scale. Since then a small drip comes from the nut at the \
                 top, even after I tightened it by hand and then a quarter turn with pliers."
            ),
            post(
                88127,
                &reply,
                "Did you put the cone washer in the right way round?"
            ),
            post(
                88131,
                &reply,
                "It was upside down! Turned over, the nut no longer leaks, thanks to everyone \
                 who answered; I will mark the topic solved."
            ),
        );
        let text = extract(html.as_bytes(), &ExtractOptions::default())
            .expect("a thread")
            .text;
        assert!(
            text.contains("cone washer in the right way round?"),
            "{text}"
        );
        assert!(text.contains("It was upside down!"), "{text}");
        assert!(!text.contains("Re: "), "{text}");
    }

    #[test]
    fn a_table_layouts_side_column_stays_out_of_the_story() {
        let paragraph = "<p>The last of the ewes lambed this morning, a big old Swaledale who \
            had kept us waiting for nearly a week and then produced twins in the ten minutes \
            it took me to fetch the tea.</p>";
        let html = format!(
            "<html><body><table><tr><td width=160><table class=box><tr><td class=boxtitle>\
             Shop</td></tr><tr><td>Fleeces and lamb boxes available to order - ring Jean on \
             01539 623 111</td></tr></table></td><td width=619><table><tr><td>\
             <p class=title>Lambing is over at last</p>{}</td></tr></table></td></tr>\
             <tr><td colspan=2>Please do not copy our photos without asking</td></tr>\
             </table></body></html>",
            paragraph.repeat(5)
        );
        let text = text_of(&html);
        assert!(text.contains("fetch the tea."), "{text}");
        assert!(!text.contains("Fleeces and lamb boxes"), "{text}");
        assert!(!text.contains("do not copy our photos"), "{text}");
    }

    #[test]
    fn an_faq_folded_into_toggles_and_regions_is_read() {
        let intro = "<p>Orders paid before two in the afternoon on a working day leave our \
            warehouse the same day and usually arrive within one or two days.</p>";
        let item = |n: usize, question: &str| {
            format!(
                "<li><button type=button aria-expanded=false aria-controls=a{n}><span>Q</span>\
                 <span>{question}</span></button><div id=a{n} role=region aria-hidden=true>\
                 <p>Answer {n}: returns are free within seven days of delivery, and we collect \
                 the parcel from your door at a time you choose.</p></div></li>"
            )
        };
        let html = format!(
            "<html><body><header><button aria-expanded=false aria-controls=menu>Menu</button>\
             <nav id=menu hidden><a href=/>Home</a></nav></header><main><h1>Delivery and \
             returns</h1>{}<ul class=faq>{}{}</ul></main></body></html>",
            intro.repeat(2),
            item(1, "When will my order arrive?"),
            item(2, "Who pays for a return?")
        );
        let text = text_of(&html);
        assert!(text.contains("When will my order arrive?"), "{text}");
        assert!(text.contains("Answer 2: returns are free"), "{text}");
        // A toggle that asks nothing is a button still.
        assert!(!text.contains("Menu"), "{text}");
    }

    #[test]
    fn a_joomla_modules_list_beside_the_story_stays_out() {
        let paragraph = "<p>Villagers have raised more than sixty thousand pounds in under a \
            year to buy their community centre from the county council, which had planned \
            to sell it.</p>";
        let events: String = (1..=3)
            .map(|n| format!("<li>Choir concert number {n}, Friday at 7pm, Market Hall</li>"))
            .collect();
        let html = format!(
            "<html><body><div id=contentarea><div id=wrapper2><div id=main>\
             <h2 class=contentheading>Village buys its hall</h2>{}</div></div>\
             <div id=right><div class=moduletable><h3>What's On</h3><ul>{events}</ul></div>\
             </div></div></body></html>",
            paragraph.repeat(6)
        );
        let text = text_of(&html);
        assert!(text.contains("planned to sell it."), "{text}");
        assert!(!text.contains("Choir concert"), "{text}");
    }

    #[test]
    fn side_columns_of_br_separated_items_stay_out_of_the_story() {
        let paragraph = "<p>The mill's remaining workers were called into the cafeteria at the \
            end of the first shift and told that production would move to another plant, \
            a decision made far from the valley.</p>";
        let items = |label: &str| {
            (1..=9)
                .map(|n| format!("{label} {n} - a notice of the week at the town hall 6 p.m."))
                .collect::<Vec<_>>()
                .join("<br><br>")
        };
        let html = format!(
            "<html><body><table><tr><td width=150><font size=1><b>CALENDAR</b><br><br>{}\
             </font></td><td width=460><table><tr><td><b>Mill to close</b>{}</td></tr>\
             </table></td><td width=150><font size=1><b>CLASSIFIEDS</b><br><br>{}</font>\
             </td></tr><tr><td colspan=3>Send your news tips to the editor, and your \
             letters, by Thursday noon.</td></tr></table></body></html>",
            items("Mar."),
            paragraph.repeat(8),
            items("FOR SALE:")
        );
        let text = text_of(&html);
        assert!(text.contains("far from the valley."), "{text}");
        assert!(!text.contains("notice of the week"), "{text}");
        assert!(!text.contains("news tips"), "{text}");
    }

    #[test]
    fn text_len_agrees_with_the_char_by_char_definition() {
        // Every ASCII character, and non-ASCII ones of each width: Unicode spaces
        // (NEL, NBSP, en quad, ideographic), zero-width space and BOM, the commas of
        // other scripts, letters and an emoji.
        let mut chars: Vec<char> = (0u8..128).map(char::from).collect();
        chars.extend([
            '\u{85}', '\u{a0}', '\u{2000}', '\u{2028}', '\u{3000}', '\u{200b}', '\u{200c}',
            '\u{feff}', '،', '，', '、', 'é', 'ж', 'ə', '中', '🗳',
        ]);
        for &c in &chars {
            for text in [
                c.to_string(),
                format!("a{c}b"),
                format!("{c}{c}x{c}"),
                format!("ж {c} ,{c}"),
            ] {
                assert_eq!(super::text_len(&text), text_len_by_chars(&text), "{text:?}");
            }
        }
        let mixed = "  Выборы, 2024 \u{a0}\u{a0}— turnout，low\u{200b}\u{200b}x\t\n 🗳 ،  ";
        assert_eq!(super::text_len(mixed), text_len_by_chars(mixed));
        assert_eq!(super::text_len(mixed), (33, 3));
    }

    fn text_of(page: &str) -> String {
        extract(page.as_bytes(), &ExtractOptions::default())
            .expect("article")
            .text
    }

    #[test]
    fn an_faqs_questions_in_accordion_toggles_stay() {
        let item = |question: &str, answer: &str| {
            format!(
                "<div class=accordion-item><h3 class=accordion-header><button \
                 class='accordion-button collapsed' type=button><span \
                 class=accordion-title>{question}</span></button></h3>\
                 <div class='accordion-collapse collapse'><div class=accordion-body>\
                 <p>{answer}</p></div></div></div>"
            )
        };
        let page = format!(
            "<html><body><header class=site-header><a href=/>Stadtwerke</a></header>\
             <main><h1>Häufige Fragen zum Hausanschluss</h1><div class=accordion>{}{}</div>\
             </main><form><button type=submit>Suchen</button></form></body></html>",
            item(
                "Wer ist für den Hausanschluss zuständig?",
                "Für die Herstellung, Änderung und Trennung von Hausanschlüssen ist die \
                 Netzbetreiberin zuständig, die Leitung bis zum Hausanschlusskasten gehört ihr."
            ),
            item(
                "Wie beantrage ich einen neuen Hausanschluss?",
                "Den Antrag stellen Sie am einfachsten über das Online-Portal, mit einem \
                 amtlichen Lageplan und den Leistungsangaben Ihres Installateurs."
            ),
        );
        let text = text_of(&page);
        assert!(
            text.contains("Wer ist für den Hausanschluss zuständig?"),
            "{text}"
        );
        assert!(
            text.contains("Wie beantrage ich einen neuen Hausanschluss?"),
            "{text}"
        );
        assert!(text.contains("über das Online-Portal"), "{text}");
        assert!(!text.contains("Suchen"), "{text}");
    }

    #[test]
    fn link_free_list_beside_the_steps_belongs_to_the_recipe() {
        let step =
            "Stir the flour, the sugar and the butter in a bowl, then add the eggs one by one.";
        let steps = (1..=6)
            .map(|k| format!("<p>Step {k}: {step}</p>"))
            .collect::<String>();
        let page = format!(
            "<html lang=en><body><nav><a href=/>Home</a> <a href=/cakes>Cakes</a></nav>\
            <div class=recipe><div class=col><h2>Ingredients</h2><ul>\
            <li>250 g flour</li><li>125 g sugar</li><li>125 g butter</li><li>4 eggs</li>\
            <li>1 pinch of salt</li><li>2 tsp baking powder</li></ul></div>\
            <div class=col>{steps}</div></div>\
            <div class=more><a href=/a>Another cake recipe for the weekend</a></div></body></html>"
        );
        let text = text_of(&page);
        assert!(text.contains("- 250 g flour"), "{text}");
        assert!(text.contains("Step 6:"), "{text}");
        assert!(!text.contains("Another cake"), "{text}");

        // The same list made of links is a menu beside the story, not part of it.
        let menu = page
            .replace("<li>", "<li><a href=/x>")
            .replace("</li>", "</a></li>");
        let text = text_of(&menu);
        assert!(!text.contains("250 g flour"), "{text}");
        assert!(text.contains("Step 6:"), "{text}");
    }

    #[test]
    fn dialogs_shown_on_demand_are_chrome_and_glossary_pop_ups_are_words() {
        // Steps in divs give their container half of each step's score; a contact flyout
        // of two paragraphs at the end of the page scored higher and was taken instead.
        let step = "Milch erwärmen und darin die Butter zerlassen, dann Mehl mit Hefe in einer \
                    Rührschüssel sorgfältig vermischen.";
        let steps = (1..=5)
            .map(|k| format!("<div class=step><div class=copy>{k}. {step}</div></div>"))
            .collect::<String>();
        let flyout = "<div class=contactflyout><div class=contactflyout-modal>\
            <div class=content><div class=info>\
            <p>Gerne beantwortet unser Verbraucherservice Ihre Fragen rund um unsere Produkte, \
            Rezepte und Inhaltsstoffe. Wir sind auch Ihr Ansprechpartner bei Reklamationen, \
            Rundgängen, Seminaren und Vorführungen. Wir freuen uns auf Ihren Anruf, Ihre \
            E-Mail, Ihren Brief.</p><p>Wir sind erreichbar: Montag bis Freitag, 9 bis 12 Uhr, \
            Montag bis Donnerstag, 13 bis 16 Uhr, Samstag, 9 bis 15 Uhr.</p>\
            </div></div></div></div>";
        let page = format!(
            "<html lang=de><body><div class=app><div class=preparation>{steps}</div></div>\
             {flyout}</body></html>"
        );
        let text = text_of(&page);
        assert!(text.contains("5. Milch erwärmen"), "{text}");
        assert!(!text.contains("Verbraucherservice"), "{text}");

        // A pop-up on a word of the story (a glossary entry) is part of its sentence.
        let glossary = "<html lang=de><body><article><p>Der Wein wird ausschließlich aus \
            <span class=modal_lexicon><a href=/lexikon/zinfandel>Zinfandel</a></span> \
            gewonnen, der in den kühleren Lagen des Tals wächst, und reift ein halbes Jahr \
            im Stahltank, bevor er gefüllt wird.</p></article></body></html>";
        let text = text_of(glossary);
        assert!(text.contains("aus Zinfandel gewonnen"), "{text}");
    }

    #[test]
    fn comment_section_is_cut_below_the_story_not_at_a_counter_above_it() {
        let story = "<p>Turnout in the capital was lower than at any election since 1995, \
            officials said on Monday, and observers reported long queues.</p>"
            .repeat(6);
        let comment = "<p>I waited two hours at my polling station and nobody explained why, \
            which is not how an election should be run in a capital city.</p>";
        let page = format!(
            "<html lang=en><body><article><h1>Turnout low</h1><p>3 comments</p>{story}\
            <h3>3 Comments</h3>{comment}{comment}{comment}<p>Leave a comment:</p>\
            </article></body></html>"
        );
        let text = text_of(&page);
        assert!(text.starts_with("3 comments"), "{text}");
        assert!(text.ends_with("observers reported long queues."), "{text}");
    }

    #[test]
    fn standfirst_set_as_a_heading_is_kept_empty_section_headings_go() {
        let lead = "Turnout in the capital was the lowest since 1995, and observers who \
            watched the count say the figures the commission published on Monday do not add up.";
        let answer = "<p>Queues formed early at most polling stations in the centre, \
            and several closed before everyone in them had voted, the observers said.</p>";
        let page = format!(
            "<html lang=en><body><article><h1>Turnout low</h1><h2><em>{lead}</em></h2>\
            <h2>What did the observers see?</h2>{answer}{answer}<h2>Related</h2>\
            </article></body></html>"
        );
        let text = text_of(&page);
        assert!(text.starts_with("Turnout in the capital"), "{text}");
        assert!(text.contains("What did the observers see?"), "{text}");
        assert!(!text.contains("Related"), "{text}");
    }

    #[test]
    fn a_short_subtitle_beside_the_headline_is_kept_when_its_class_names_it() {
        let body: String = (1..=6)
            .map(|n| {
                format!(
                    "<p>Police searched newsroom {n} without a warrant, seized equipment and \
                     questioned staff for hours, according to lawyers and relatives.</p>"
                )
            })
            .collect();
        let page = |class: &str| {
            format!(
                "<html lang=en><body><main><article><div class=hero>\
                 <h1>Free the journalists</h1>\
                 <p class={class}>Politically motivated charges should be dropped</p>\
                 <div class=meta>March 4, 2024</div></div>\
                 <div class=body>{body}</div></article></main></body></html>"
            )
        };
        let text = text_of(&page("article__dek"));
        assert!(text.starts_with("Politically motivated charges"), "{text}");
        // A short line under the headline with no such name is the site's, or a kicker.
        let text = text_of(&page("note"));
        assert!(!text.contains("Politically motivated"), "{text}");
    }

    #[test]
    fn a_lead_photos_caption_named_in_one_word_is_not_a_standfirst() {
        let body: String = (1..=6)
            .map(|n| {
                format!(
                    "<p>Freight rates on route {n} sank to their lowest in three years as \
                     newly built vessels swamped a market already weakened by the holiday.</p>"
                )
            })
            .collect();
        let caption = "A bulk carrier is unloaded at a port in Qingdao, Shandong province, in \
                       this file photo.";
        let page = |lead: &str| {
            format!(
                "<html lang=en><body><main><div class=story>\
                 <h1>Asian dry bulk rates slump as new ships flood market</h1>\
                 {lead}<div class=text>{body}</div></div></main></body></html>"
            )
        };
        let photo = format!(
            "<div class=focus><div class=picture><img src=/ship.jpg></div>\
             <div class=imageCaption>{caption}</div></div>"
        );
        let text = text_of(&page(&photo));
        assert!(!text.contains("bulk carrier is unloaded"), "{text}");
        assert!(text.starts_with("Freight rates on route 1"), "{text}");
        // A standfirst beside the picture, in a block of its own, is still one.
        let dek = "Owners say the glut of new ships will last well into next year.";
        let text = text_of(&page(&format!(
            "<div class=intro><img src=/ship.jpg><p>{dek}</p></div>"
        )));
        assert!(text.starts_with("Owners say the glut"), "{text}");
    }

    #[test]
    fn contact_label_below_a_short_story_cuts_what_follows() {
        let story = "<p>Turnout in the capital was lower than at any election since 1995, \
            officials said on Monday, and observers reported long queues at several polling \
            stations in the centre.</p><p>Some of them closed before everyone in the queue \
            had voted, the mission said, and it asked the commission to publish the figures \
            of every station.</p>";
        let page = format!(
            "<html lang=de><body><article><h1>Turnout low</h1>{story}<p>Kontakt:</p>\
            <p>Jan Koch, Telefon 040 49 07 11, jan.koch@example.org</p>\
            <h3>Klimaneutrale Unternehmen</h3>\
            <p>Was Unternehmen für die Einstufung als klimaneutral brauchen.</p>\
            </article></body></html>"
        );
        let text = text_of(&page);
        assert!(text.ends_with("the figures of every station."), "{text}");
    }

    #[test]
    fn banner_left_open_around_the_page_does_not_hide_the_story() {
        let story = "<p>Turnout in the capital was lower than at any election since 1995, \
            officials said on Monday, and observers reported long queues.</p>\
            <p>Some polling stations closed before everyone in the queue had voted, the \
            mission said, and it asked the commission to publish every station's figures.</p>";
        // The template never closes its banner, so the parser puts the page inside it.
        let page = format!(
            "<html lang=en><body><header role=banner><a href=/>Logo</a>\
            <div role=navigation><a href=/news>News</a></div>\
            <main><article><h1>Turnout low</h1>{story}</article></main>\
            <div role=complementary><p>Subscribe to our newsletter for the latest news \
            from the capital and the regions.</p></div></body></html>"
        );
        let text = text_of(&page);
        assert!(text.starts_with("Turnout in the capital"), "{text}");
        assert!(text.ends_with("every station's figures."), "{text}");
    }

    #[test]
    fn datelines_above_and_below_the_story_are_not_text() {
        let page = "<html lang=pl><body><article><h1>Frekwencja</h1>\
            <p>opublikowano: 7 kwietnia 2021</p>\
            <p>Frekwencja w stolicy była najniższa od 1995 roku, poinformowali urzędnicy \
            w poniedziałek, a obserwatorzy zgłosili długie kolejki.</p>\
            <p>Niektóre lokale zamknięto, zanim wszyscy zdążyli zagłosować, podała misja \
            obserwacyjna w swoim raporcie.</p><p>08.04.2021 12:30</p></article></body></html>";
        let text = text_of(page);
        assert!(text.starts_with("Frekwencja w stolicy"), "{text}");
        assert!(text.ends_with("w swoim raporcie."), "{text}");
    }

    #[test]
    fn notes_to_the_reader_above_the_story_are_not_text() {
        let story = "<p>Turnout in the capital was lower than at any election since 1995, \
            officials said on Monday, and observers reported long queues.</p>\
            <p>Some polling stations closed before everyone in the queue had voted, the \
            mission said, and it asked the commission to publish every station's figures.</p>";
        for note in [
            "Submit your letter to the editor via this form.",
            "*Advertising. This post contains affiliate links.",
        ] {
            let page = format!(
                "<html lang=en><body><article><h1>Turnout low</h1><p>{note}</p>{story}\
                </article></body></html>"
            );
            let text = text_of(&page);
            assert!(text.starts_with("Turnout in the capital"), "{text}");
        }
    }

    #[test]
    fn block_editor_headings_stay_in_the_story() {
        let part = "<p>Turnout in the capital was lower than at any election since 1995, \
            officials said on Monday, and observers reported long queues.</p>";
        let page = format!(
            "<html lang=en><body><article><h1>Turnout low</h1>{part}\
            <h2 class=\"wp-block-heading\">What the observers saw</h2>{}</article></body></html>",
            part.replace("Turnout", "Attendance")
        );
        let text = text_of(&page);
        assert!(text.contains("\n\nWhat the observers saw\n\n"), "{text}");
    }

    #[test]
    fn accordion_panel_heads_stay_in_the_story() {
        let story = "<p>Turnout in the capital was lower than at any election since 1995, \
            officials said on Monday, and observers reported long queues.</p>";
        let page = format!(
            "<html lang=en><body><article><h1>Turnout low</h1>{story}<ul class=accordion>\
            <li><header><h3>Why were the queues so long?</h3></header><div>Several polling \
            stations opened late, and some had too few ballot papers for the voters.</div>\
            </li></ul></article></body></html>"
        );
        let text = text_of(&page);
        assert!(text.contains("Why were the queues so long?"), "{text}");
    }

    #[test]
    fn appeals_to_subscribe_among_the_last_blocks_go() {
        let page = "<html lang=en><body><article><h1>Turnout low</h1>\
            <p>Turnout in the capital was lower than at any election since 1995, officials \
            said on Monday, and observers reported long queues.</p>\
            <p>Some polling stations closed before everyone in the queue had voted, the \
            mission said, and it asked the commission to publish every station's figures.</p>\
            <p>The commission has not answered the request so far.</p>\
            <p>Subscribe to our weekly newsletter to follow the count.</p>\
            <p>Reporting by Jane Doe in the capital.</p></article></body></html>";
        let text = text_of(page);
        assert!(!text.contains("Subscribe"), "{text}");
        assert!(
            text.ends_with("Reporting by Jane Doe in the capital."),
            "{text}"
        );
    }
}
