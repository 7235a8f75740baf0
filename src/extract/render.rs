//! Turning the selected subtrees into blocks, and blocks into text or Markdown.
//!
//! Rendering also finishes the cleaning inside the article: elements that are
//! boilerplate by their own statistics (link-heavy lists, small datelines, image
//! strips) are skipped here, relative to the chosen container, so the decision can
//! use what the container looks like.

use url::Url;

use super::clean;
use super::content::{self, Stats};
use super::dom::{Dom, NodeKind};

/// What a block of output is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BlockKind {
    Paragraph,
    Heading(u8),
    ListItem {
        ordered: bool,
        number: u32,
        depth: u8,
    },
    Quote,
    Pre,
    /// A row of a data table; `header` for the first row.
    TableRow {
        header: bool,
    },
}

/// One block of article output.
#[derive(Debug, Clone)]
pub struct Block {
    pub kind: BlockKind,
    /// Plain text.
    pub text: String,
    /// Markdown inline text (links and images when asked for).
    pub markdown: String,
    /// Characters of `text` that were link text.
    pub link_chars: usize,
    /// Every word of `text` sat inside `<em>`, `<i>`, `<strong>` or `<b>`: an italic
    /// editor's note or a bold author bio rather than the story's own prose.
    pub emphasised: bool,
    /// Cells for table rows (plain, markdown).
    pub cells: Vec<(String, String)>,
    /// Length of `text` as the scorer counts it ([`content::text_len`]): measured once
    /// when the block is built, since the passes that tidy the blocks ask for it often.
    pub text_len: usize,
    /// The block came right after a heading that conditional cleaning dropped for its
    /// links: another story's headline, and this block maybe its standfirst. Nothing else
    /// stood between them.
    pub under_linked_heading: bool,
}

impl Block {
    /// A block of `kind` with its text and Markdown; no link text, not emphasised, no cells.
    pub fn new(kind: BlockKind, text: String, markdown: String) -> Block {
        Block {
            kind,
            text_len: content::text_len(&text).0 as usize,
            text,
            markdown,
            link_chars: 0,
            emphasised: false,
            cells: Vec::new(),
            under_linked_heading: false,
        }
    }

    /// A block of `kind` whose Markdown is its text: a line read from a string, not from
    /// markup with links or emphasis.
    pub fn plain(kind: BlockKind, text: String) -> Block {
        Block::new(kind, text.clone(), text)
    }
}

/// What to keep while rendering.
#[derive(Debug, Clone, Copy)]
pub struct RenderOptions<'a> {
    pub tables: bool,
    pub images: bool,
    pub links: bool,
    pub base: Option<&'a Url>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Ctx {
    Heading(u8),
    ListItem,
    Quote,
    Pre,
    List {
        ordered: bool,
    },
    DataTable,
    Row,
    Cell,
    Link {
        md_start: usize,
        node: usize,
    },
    /// `<em>`, `<i>`, `<strong>`, `<b>`: counted, not rendered differently.
    Emphasis,
    Plain,
}

struct Renderer<'a> {
    dom: &'a Dom<'a>,
    stats: &'a Stats,
    opts: RenderOptions<'a>,
    blocks: Vec<Block>,
    text: String,
    md: String,
    /// Runs of link text in `text`: the byte where each starts and its characters. Their
    /// sum is the block's link text; a block split at blank lines (`<br><br>`) gives each
    /// paragraph the runs that start in it.
    link_runs: Vec<(usize, usize)>,
    /// Characters of `text` pushed inside emphasis, and in all.
    emphasis_chars: usize,
    word_chars: usize,
    pending_space: bool,
    /// Open elements: (subtree end, context).
    stack: Vec<(usize, Ctx)>,
    /// Item counters of open lists.
    list_numbers: Vec<u32>,
    row: Vec<(String, String)>,
    rows_in_table: usize,
    /// Prose of the subtree being rendered.
    root_prose: u32,
    /// A heading was just dropped for its links, with no text pending before it: the next
    /// block is marked [`Block::under_linked_heading`].
    after_linked_heading: bool,
}

/// Renders the selection's subtrees into blocks.
pub fn render(dom: &Dom, stats: &Stats, roots: &[usize], opts: RenderOptions<'_>) -> Vec<Block> {
    let mut r = Renderer {
        dom,
        stats,
        opts,
        blocks: Vec::new(),
        text: String::new(),
        md: String::new(),
        link_runs: Vec::new(),
        emphasis_chars: 0,
        word_chars: 0,
        pending_space: false,
        stack: Vec::new(),
        list_numbers: Vec::new(),
        row: Vec::new(),
        rows_in_table: 0,
        root_prose: 0,
        after_linked_heading: false,
    };
    for &root in roots {
        r.render_subtree(root);
        r.flush();
    }
    r.blocks
}

fn is_block(tag: &str) -> bool {
    !clean::is_inline(tag)
}

/// Most nodes of a short line looked through for a choice to tick.
const CHOICE_SCAN_NODES: usize = 12;

/// Whether the short line at `i` holds a radio button or a check box: an answer of a
/// reader poll ("Каждый день", "Bəli"). Such lines are kept for [`super::chrome`], which
/// removes the poll only when it sees the poll whole; without its answers a poll's
/// question would read as the story's own.
fn holds_choice(dom: &Dom, i: usize) -> bool {
    let end = dom.nodes[i].end.min(i + 1 + CHOICE_SCAN_NODES);
    (i + 1..end).any(|j| {
        dom.element(j).is_some_and(|el| {
            &*el.tag == "input"
                && el.attr("type").is_some_and(|t| {
                    t.eq_ignore_ascii_case("radio") || t.eq_ignore_ascii_case("checkbox")
                })
        })
    })
}

/// Whether `i` sits in a paragraph's flow: its nearest ancestor that is not inline (a
/// link, a span, emphasis) is a `<p>`.
fn in_paragraph(dom: &Dom, i: usize) -> bool {
    dom.ancestors(i)
        .find(|&a| !clean::is_inline(dom.tag(a)))
        .is_some_and(|a| dom.tag(a) == "p")
}

/// Nodes at the start of a box looked at for a teaser's heading.
const TEASER_SCAN_NODES: usize = 24;

/// Nodes at the start of a forum post looked at for its subject: the poster's panel
/// (name, rank, count of posts, date joined) may come first.
const REPLY_SUBJECT_SCAN_NODES: usize = 64;

/// Longest text of a teaser besides its heading, in characters.
const TEASER_MAX_CHARS: u32 = 300;

/// A teaser of another story left inside the story's container: a small box that opens
/// with a heading made (mostly) of one link, and holds at most one paragraph, its
/// standfirst ("more from the section" cards, a column's other pieces). A section of the
/// story under a heading holds prose, not one short paragraph under a link.
pub(super) fn is_teaser_card(dom: &Dom, s: &Stats, i: usize) -> bool {
    if s.headings[i] != 1 {
        return false;
    }
    let end = dom.nodes[i].end.min(i + 1 + TEASER_SCAN_NODES);
    let Some(h) = (i + 1..end).find(|&j| heading_level(dom.tag(j)).is_some()) else {
        return false;
    };
    let heading = s.text[h];
    let text_before_heading =
        (i + 1..h).any(|j| matches!(dom.nodes[j].kind, NodeKind::Text(t) if !t.trim().is_empty()));
    // A long heading counts as a paragraph of its own.
    s.paragraphs[i] - s.paragraphs[h] <= 1
        && heading > 0
        && s.link[h] * 10 >= heading * 6
        && s.text[i] - heading <= TEASER_MAX_CHARS
        && !text_before_heading
        && !is_reply_post(dom, h)
}

/// Whether heading `h` is a forum reply's linked subject ("Re: …"): its box is a short
/// post of the thread, not a teaser card.
fn is_reply_post(dom: &Dom, h: usize) -> bool {
    let mut subject = String::new();
    for text in dom.texts(h) {
        subject.push_str(text);
        if subject.trim_start().chars().nth(7).is_some() {
            break;
        }
    }
    clean::is_reply_subject(&subject)
}

/// Most text of the teaser of a neighbouring story, in characters: its label, headline,
/// date and a standfirst of a few paragraphs.
const NEIGHBOUR_TEASER_MAX_CHARS: u32 = 1_500;

/// Whether element `i` is the teaser of the story before or after this one that templates
/// print under it: a label alone ("Növbəti xəbər", "Next article") over the other story's
/// linked headline (a heading, or a block named for a title), and its date and standfirst
/// paragraphs. The label decides, so the standfirst may be as long as a few paragraphs,
/// more than a card's. An endless-scroll page prints the label as a divider before the next
/// story's whole box ("Növbəti material", then `div.article--next` with its headline and
/// text); there the label stands alone before the box.
fn is_neighbour_teaser(dom: &Dom, s: &Stats, i: usize) -> bool {
    if s.text[i] > NEIGHBOUR_TEASER_MAX_CHARS {
        return false;
    }
    // Asked at most once, whichever test needs it first.
    let divided = std::cell::OnceCell::new();
    let after_divider = || {
        *divided.get_or_init(|| {
            divider_before(dom, s, i).is_some_and(|d| {
                let text: Vec<&str> = dom.texts(d).map(str::trim).collect();
                clean::is_neighbour_label(&text.join(" "))
            })
        })
    };
    if s.headings[i] == 0 && !after_divider() {
        return false;
    }
    let end = dom.nodes[i].end.min(i + 1 + TEASER_SCAN_NODES);
    let Some(h) = (i + 1..end).find(|&j| {
        heading_level(dom.tag(j)).is_some()
            || dom
                .element(j)
                .is_some_and(|el| !clean::is_inline(&el.tag) && clean::is_title_by_class(el))
    }) else {
        return false;
    };
    // Read from the tree: cleaning may have marked a title block as a small label.
    let heading = dom.text_chars(h);
    if heading == 0 || dom.link_chars(h) * 10 < heading * 6 {
        return false;
    }
    let label: String = (i + 1..h)
        .filter_map(|j| match &dom.nodes[j].kind {
            NodeKind::Text(t) => Some(t.trim()),
            _ => None,
        })
        .collect::<Vec<_>>()
        .join(" ");
    (!label.is_empty() && clean::is_neighbour_label(&label)) || after_divider()
}

/// Longest text of a divider's label, in characters.
const DIVIDER_MAX_CHARS: u32 = 40;

/// Most nodes of a divider: an element or two around its label.
const DIVIDER_MAX_NODES: usize = 6;

/// The element right before `i` under the same parent, past white space, when it is a
/// few nodes around a short text and no link or heading: a divider's label. Cleaning may
/// have marked it already (a class named "next"), so its text is read from the tree.
fn divider_before(dom: &Dom, s: &Stats, i: usize) -> Option<usize> {
    let mut at = dom.previous_sibling(i);
    while let Some(j) = at {
        if dom.element(j).is_some() {
            let end = dom.nodes[j].end;
            let shows_a_label = end - j <= DIVIDER_MAX_NODES
                && (j..end).all(|k| !dom.is_link(k) && heading_level(dom.tag(k)).is_none())
                && (1..=DIVIDER_MAX_CHARS as usize).contains(&dom.text_chars(j));
            return shows_a_label.then_some(j);
        }
        if s.text[j] > 0 {
            return None;
        }
        at = dom.previous_sibling(j);
    }
    None
}

/// Most link text in a heading, as a share of its text, that conditional cleaning keeps
/// without asking whether it heads a section of the story.
const HEADING_LINK_DENSITY_MAX: f64 = 0.33;

/// Shortest paragraph that makes a linked heading the head of a section of the story.
const SECTION_MIN_CHARS: u32 = TEASER_MAX_CHARS;

/// Sibling blocks without text (embeds, images) passed over on either side of a linked
/// heading: bounds the walk when a wall of headings stands in one container.
const SECTION_SIBLINGS_PASSED: usize = 4;

/// Whether heading `h`, made mostly of a link, heads a section of the story: its link
/// leads off the site, and the sibling blocks that show text on either side of it (a few
/// embeds and images between are passed over) are paragraphs, the one before not mostly
/// links and the one after prose longer than any teaser's standfirst ("“Thumper” ($20)"
/// linked to the game, then its review, after the one before). Another story's linked
/// headline links within the site and stands over a short standfirst or nothing, and a
/// download link under the headline has no paragraph before it.
fn heads_a_section(dom: &Dom, s: &Stats, h: usize, base: Option<&Url>) -> bool {
    let shows_text = |j: usize| dom.element(j).is_some() && s.text[j] > 0;
    let nearest_with_text = |step: &dyn Fn(usize) -> Option<usize>| {
        let mut at = h;
        let mut passed = 0;
        loop {
            at = step(at)?;
            if shows_text(at) {
                return Some(at);
            }
            if dom.element(at).is_some() {
                passed += 1;
                if passed > SECTION_SIBLINGS_PASSED {
                    return None;
                }
            }
        }
    };
    let before = nearest_with_text(&|j| dom.previous_sibling(j));
    let after = nearest_with_text(&|j| dom.next_sibling(j));
    before.is_some_and(|j| dom.tag(j) == "p" && s.link[j] * 2 <= s.text[j])
        && after.is_some_and(|j| {
            dom.tag(j) == "p" && s.text[j] > SECTION_MIN_CHARS && s.link[j] * 5 < s.text[j]
        })
        // Last: it parses an address, the tests above only read the statistics.
        && links_off_site(dom, h, base)
}

/// Nodes of a heading searched for its link.
const HEADING_LINK_SCAN_NODES: usize = 16;

/// Whether the first link in heading `h` leads off the site: an absolute address on
/// another host than the page's (any host when the page's address is unknown). A review
/// list's entries link to what they review; another story's headline links within the
/// site, usually by a relative address.
fn links_off_site(dom: &Dom, h: usize, base: Option<&Url>) -> bool {
    let end = dom.nodes[h].end.min(h + 1 + HEADING_LINK_SCAN_NODES);
    let Some(href) = (h + 1..end).find_map(|j| {
        dom.element(j)
            .filter(|e| e.is("a"))
            .and_then(|e| e.attr("href"))
    }) else {
        return false;
    };
    let Ok(target) = Url::parse(href.trim()) else {
        // Relative: on this site.
        return false;
    };
    matches!(target.scheme(), "http" | "https")
        && base.is_none_or(|base| target.host_str() != base.host_str())
}

fn heading_level(tag: &str) -> Option<u8> {
    match tag {
        "h1" => Some(1),
        "h2" => Some(2),
        "h3" => Some(3),
        "h4" => Some(4),
        "h5" => Some(5),
        "h6" => Some(6),
        _ => None,
    }
}

impl Renderer<'_> {
    fn render_subtree(&mut self, root: usize) {
        self.root_prose = self.stats.prose[root];
        let end = self.dom.nodes[root].end;
        let mut i = root;
        while i < end {
            self.close_until(i);
            if self.stats.junk[i] || (i != root && self.skip(i)) {
                if !self.stats.junk[i] {
                    self.note_dropped_heading(i);
                }
                i = self.dom.nodes[i].end;
                continue;
            }
            match &self.dom.nodes[i].kind {
                NodeKind::Text(t) => self.push_text(t),
                NodeKind::Element(_) => self.open(i),
                NodeKind::Other => {}
            }
            i += 1;
        }
        self.close_until(usize::MAX);
    }

    /// Remembers that `i`, skipped by conditional cleaning, was a heading made mostly of
    /// links, when no text waits to be stored before it (text before the heading would
    /// otherwise carry the mark into the block after it). A forum reply's linked subject
    /// heads a post of the thread, not a teaser.
    fn note_dropped_heading(&mut self, i: usize) {
        if heading_level(self.dom.tag(i)).is_some()
            && self.stats.link_density(i) > HEADING_LINK_DENSITY_MAX
            && self.text.trim().is_empty()
            && !is_reply_post(self.dom, i)
        {
            self.after_linked_heading = true;
        }
    }

    /// Closes every open element whose subtree ends at or before `i`.
    fn close_until(&mut self, i: usize) {
        while let Some(&(end, ctx)) = self.stack.last() {
            if end > i {
                break;
            }
            // Closed while still on the stack, so the flushed block knows its context.
            self.close(ctx);
            self.stack.pop();
        }
    }

    fn in_ctx(&self, f: impl Fn(&Ctx) -> bool) -> bool {
        self.stack.iter().any(|(_, c)| f(c))
    }

    fn in_pre(&self) -> bool {
        self.in_ctx(|c| *c == Ctx::Pre)
    }

    /// Whether inline element `i` holds most of the text of the heading it sits in: a
    /// heading's own words in a span named for them (MediaWiki's `<h2><span
    /// class="mw-headline">`), not a box's label. A kicker's span before the headline
    /// ("Corona-Pandemie" in `<h1><span class="kicker">`) holds less.
    fn holds_its_headings_text(&self, i: usize, tag: &str) -> bool {
        let parent = self.dom.nodes[i].parent;
        clean::is_inline(tag)
            && heading_level(self.dom.tag(parent)).is_some()
            && self.stats.text[i] * 2 > self.stats.text[parent]
    }

    /// Conditional cleaning inside the article, after Readability's `_cleanConditionally`.
    fn skip(&self, i: usize) -> bool {
        let Some(el) = self.dom.element(i) else {
            return false;
        };
        let s = self.stats;
        let tag = &*el.tag;
        let text = s.text[i];
        let ld = s.link_density(i);
        if clean::is_small_junk_by_class(el)
            && text < 200
            && s.paragraphs[i] <= 1
            && !self.holds_its_headings_text(i, tag)
            && !heads_prose_between(self.dom, s, i)
            && !asks_what_follows(self.dom, s, i)
        {
            return true;
        }
        if heading_level(tag).is_some() {
            return s.weight[i] < 0
                || (ld > HEADING_LINK_DENSITY_MAX
                    && !heads_a_section(self.dom, s, i, self.opts.base));
        }
        // The teaser of the next story may hold as much prose as a short story's part,
        // but its label says what it is.
        if matches!(tag, "div" | "section" | "aside" | "footer" | "nav")
            && is_neighbour_teaser(self.dom, s, i)
        {
            return true;
        }
        // A block holding a good part of the article's prose is the article, whatever
        // link lists sit inside it; those are judged on their own further down.
        if u64::from(s.prose[i]) * 10 >= u64::from(self.root_prose) * 3 && s.prose[i] > 0 {
            return false;
        }
        match tag {
            "p" => text > 0 && ld > 0.5,
            // A span in a paragraph is part of its sentences: a linked phrase wrapped in a
            // span (or a span wrapped in a link) has a link density of 1 by construction,
            // and the paragraph is judged whole by the rule above.
            "span" if in_paragraph(self.dom, i) => false,
            "div" | "section" | "ul" | "ol" | "dl" | "table" | "form" | "aside" | "header"
            | "figure" | "center" | "article" | "main" | "li" | "span" => {
                if s.commas[i] >= 10 && ld < 0.25 {
                    return false;
                }
                let weight = s.weight[i];
                let is_list = matches!(tag, "ul" | "ol" | "dl");
                if s.images[i] > 1 && s.paragraphs[i] * 2 < s.images[i] && text < 200 {
                    return true;
                }
                let link_heavy = |ld: f64| (weight < 25 && ld > 0.33) || (weight >= 25 && ld > 0.5);
                if link_heavy(ld) && link_heavy(self.link_density_besides_reply_subject(i)) {
                    return true;
                }
                if tag != "span" && is_teaser_card(self.dom, s, i) {
                    return true;
                }
                if !is_list && tag != "li" && is_form_box(self.dom, s, i) {
                    return true;
                }
                if !is_list
                    && tag != "li"
                    && tag != "span"
                    && text > 0
                    && text < 25
                    && s.images[i] == 0
                    && s.headings[i] == 0
                    && !ends_with_sentence(self.dom, i)
                    && !holds_choice(self.dom, i)
                    && !heads_prose_between(self.dom, s, i)
                {
                    return true;
                }
                false
            }
            _ => false,
        }
    }

    /// The link density of block `i` without the forum reply's linked subject that heads
    /// it ("Re: …", see [`is_reply_post`]): in a short post, that link may outweigh the
    /// post's words.
    fn link_density_besides_reply_subject(&self, i: usize) -> f64 {
        let (dom, s) = (self.dom, self.stats);
        if s.headings[i] != 1 {
            return s.link_density(i);
        }
        let end = dom.nodes[i].end.min(i + 1 + REPLY_SUBJECT_SCAN_NODES);
        match (i + 1..end).find(|&j| heading_level(dom.tag(j)).is_some()) {
            Some(h) if is_reply_post(dom, h) => {
                let text = s.text[i] - s.text[h];
                let link = s.link[i].saturating_sub(s.link[h]);
                if text == 0 {
                    0.0
                } else {
                    f64::from(link) / f64::from(text)
                }
            }
            _ => s.link_density(i),
        }
    }

    fn is_data_table(&self, i: usize) -> bool {
        // A layout table holds blocks of prose or other tables; a data table holds cells.
        let end = self.dom.nodes[i].end;
        for j in i + 1..end {
            let tag = self.dom.tag(j);
            if tag == "table" {
                return false;
            }
            if matches!(
                tag,
                "p" | "div" | "ul" | "ol" | "blockquote" | "h1" | "h2" | "h3"
            ) && self.stats.text[j] > 150
            {
                return false;
            }
            if matches!(tag, "td" | "th") && self.stats.text[j] > 400 {
                return false;
            }
        }
        true
    }

    fn open(&mut self, i: usize) {
        let dom = self.dom;
        let Some(el) = dom.element(i) else { return };
        let tag = &*el.tag;
        let end = dom.nodes[i].end;
        let in_table = self.in_ctx(|c| *c == Ctx::DataTable);
        if tag == "br" {
            self.newline();
            return;
        }
        if tag == "img" {
            if self.opts.images {
                let src = el.attr("src").or_else(|| el.attr("data-src"));
                if let Some(src) = src.and_then(|s| self.resolve(s)) {
                    let alt = el.attr("alt").unwrap_or("").trim().replace(['[', ']'], "");
                    self.space_if_pending();
                    self.md.push_str(&format!("![{alt}]({src})"));
                }
            }
            return;
        }
        if tag == "hr" {
            self.flush();
            return;
        }
        if dom.is_link(i) {
            self.space_if_pending();
            let md_start = self.md.len();
            self.stack.push((end, Ctx::Link { md_start, node: i }));
            return;
        }
        if in_table && matches!(tag, "tr" | "td" | "th") {
            match tag {
                "tr" => {
                    self.row.clear();
                    self.stack.push((end, Ctx::Row));
                }
                _ => {
                    self.text.clear();
                    self.md.clear();
                    self.pending_space = false;
                    self.stack.push((end, Ctx::Cell));
                }
            }
            return;
        }
        if !is_block(tag) {
            if matches!(tag, "em" | "i" | "strong" | "b") {
                self.stack.push((end, Ctx::Emphasis));
            }
            return;
        }
        if in_table && self.in_ctx(|c| *c == Ctx::Cell) {
            // Blocks inside a data cell stay in the cell.
            self.pending_space = true;
            return;
        }
        self.flush();
        let ctx = if let Some(level) = heading_level(tag) {
            Ctx::Heading(level)
        } else {
            match tag {
                "li" | "dt" | "dd" => {
                    if let Some(n) = self.list_numbers.last_mut() {
                        *n += 1;
                    }
                    Ctx::ListItem
                }
                "ul" | "ol" | "dl" => {
                    self.list_numbers.push(
                        el.attr("start")
                            .and_then(|s| s.trim().parse::<u32>().ok())
                            .map_or(0, |s| s.saturating_sub(1)),
                    );
                    Ctx::List {
                        ordered: tag == "ol",
                    }
                }
                "blockquote" => Ctx::Quote,
                "pre" => Ctx::Pre,
                "table" if self.opts.tables && self.is_data_table(i) => {
                    self.rows_in_table = 0;
                    Ctx::DataTable
                }
                _ => Ctx::Plain,
            }
        };
        if ctx == Ctx::DataTable || tag != "table" || self.opts.tables || !self.is_data_table(i) {
            self.stack.push((end, ctx));
        } else {
            // Data tables are not wanted: skip by pushing a context that swallows text.
            self.stack.push((end, Ctx::Plain));
        }
    }

    fn close(&mut self, ctx: Ctx) {
        match ctx {
            Ctx::Link { md_start, node } => {
                let href = self
                    .dom
                    .element(node)
                    .and_then(|e| e.attr("href"))
                    .and_then(|h| self.resolve(h));
                if self.opts.links
                    && md_start <= self.md.len()
                    && self.md.is_char_boundary(md_start)
                    && let Some(href) = href
                {
                    let inner = self.md[md_start..].trim().to_string();
                    if !inner.is_empty() {
                        self.md.truncate(md_start);
                        self.md.push_str(&format!("[{inner}]({href})"));
                    }
                }
            }
            Ctx::Cell => {
                let text = normalize_inline(&self.text);
                let md = normalize_inline(&self.md).replace('|', "\\|");
                self.row.push((text, md));
                self.text.clear();
                self.md.clear();
                self.link_runs.clear();
                self.emphasis_chars = 0;
                self.word_chars = 0;
            }
            Ctx::Row => {
                let cells = std::mem::take(&mut self.row);
                if cells.iter().any(|(t, _)| !t.is_empty()) {
                    let text = cells
                        .iter()
                        .map(|(t, _)| t.as_str())
                        .collect::<Vec<_>>()
                        .join(" | ");
                    let kind = BlockKind::TableRow {
                        header: self.rows_in_table == 0,
                    };
                    self.after_linked_heading = false;
                    self.blocks.push(Block {
                        cells,
                        ..Block::plain(kind, text)
                    });
                    self.rows_in_table += 1;
                }
            }
            Ctx::DataTable => {
                self.flush();
            }
            Ctx::Emphasis => {}
            Ctx::List { .. } => {
                self.flush();
                self.list_numbers.pop();
            }
            _ => self.flush(),
        }
    }

    fn resolve(&self, href: &str) -> Option<String> {
        let href = href.trim();
        if href.is_empty() || href.starts_with("javascript:") || href.starts_with('#') {
            return None;
        }
        match self.opts.base {
            Some(base) => base.join(href).ok().map(|u| u.to_string()),
            None => Url::parse(href)
                .ok()
                .map(|u| u.to_string())
                .or_else(|| Some(href.to_string())),
        }
    }

    fn space_if_pending(&mut self) {
        if self.pending_space {
            if !self.text.is_empty() && !self.text.ends_with(['\n', ' ']) {
                self.text.push(' ');
            }
            if !self.md.is_empty() && !self.md.ends_with(['\n', ' ']) {
                self.md.push(' ');
            }
            self.pending_space = false;
        }
    }

    fn newline(&mut self) {
        if self.in_ctx(|c| *c == Ctx::Cell) {
            self.pending_space = true;
            return;
        }
        self.text.push('\n');
        self.md.push('\n');
        self.pending_space = false;
    }

    fn push_text(&mut self, raw: &str) {
        let in_link = self.in_ctx(|c| matches!(c, Ctx::Link { .. }));
        let in_emphasis = self.in_ctx(|c| *c == Ctx::Emphasis);
        if self.in_pre() {
            self.text.push_str(raw);
            self.md.push_str(raw);
            return;
        }
        if raw.contains('\u{ad}') {
            // Soft hyphens are taken out of the words they sit in: word by word.
            self.push_words(raw, in_link, in_emphasis);
            return;
        }
        let start = skip_separators(raw, 0);
        if start > 0 || raw.is_empty() {
            self.pending_space = true;
        }
        if start < raw.len() {
            self.space_if_pending();
            let mark = self.text.len();
            push_collapsed(raw.get(start..).unwrap_or_default(), &mut self.text);
            let added = self.text.get(mark..).unwrap_or_default();
            // The words' characters: every byte that starts one, but the spaces between.
            let chars = added
                .bytes()
                .filter(|&b| (b & 0xC0) != 0x80 && b != b' ')
                .count();
            self.md.push_str(added);
            self.count_word_chars(mark, chars, in_link, in_emphasis);
        }
        if raw.ends_with(|c: char| c.is_whitespace() || is_invisible_space(c)) {
            self.pending_space = true;
        }
    }

    /// What [`Renderer::push_text`] does, one word at a time.
    fn push_words(&mut self, raw: &str, in_link: bool, in_emphasis: bool) {
        for (k, word) in words(raw).enumerate() {
            if word.is_empty() {
                if k == 0 {
                    self.pending_space = true;
                }
                continue;
            }
            if k > 0 {
                self.pending_space = true;
            }
            self.space_if_pending();
            let at = self.text.len();
            let chars = self.push_word(word);
            self.count_word_chars(at, chars, in_link, in_emphasis);
        }
        if raw.ends_with(|c: char| c.is_whitespace() || is_invisible_space(c)) {
            self.pending_space = true;
        }
    }

    /// Counts `chars` characters of words pushed at byte `at` of the text.
    fn count_word_chars(&mut self, at: usize, chars: usize, in_link: bool, in_emphasis: bool) {
        if in_link && chars > 0 {
            self.link_runs.push((at, chars));
        }
        if in_emphasis {
            self.emphasis_chars += chars;
        }
        self.word_chars += chars;
    }

    /// Appends `word` to the text and the Markdown without its zero-width characters (soft
    /// hyphens; the others split words, but the joiners, which stay); returns the number of
    /// characters appended.
    fn push_word(&mut self, word: &str) -> usize {
        // Zero-width characters are all outside ASCII, and most words have none.
        if word.is_ascii() {
            self.text.push_str(word);
            self.md.push_str(word);
            return word.len();
        }
        if !word.contains(is_zero_width) {
            self.text.push_str(word);
            self.md.push_str(word);
            return word.chars().count();
        }
        let mut chars = 0;
        for c in word.chars().filter(|c| !is_zero_width(*c)) {
            self.text.push(c);
            self.md.push(c);
            chars += 1;
        }
        chars
    }

    /// Ends the current paragraph and stores it as a block of the current context.
    fn flush(&mut self) {
        let link_chars = self.link_runs.iter().map(|&(_, chars)| chars).sum();
        let emphasis_chars = std::mem::take(&mut self.emphasis_chars);
        let word_chars = std::mem::take(&mut self.word_chars);
        // Pre text is pushed raw, uncounted: never called emphasised.
        let emphasised = word_chars > 0 && emphasis_chars == word_chars;
        self.pending_space = false;
        if !self.in_ctx(|c| *c == Ctx::Cell) {
            self.store_blocks(link_chars, emphasised);
        }
        // The buffers are cleared, not dropped: they keep their capacity for the next
        // paragraph instead of growing again from nothing.
        self.text.clear();
        self.md.clear();
        self.link_runs.clear();
    }

    /// Stores the text and Markdown gathered since the last block as blocks of the current
    /// context.
    fn store_blocks(&mut self, link_chars: usize, emphasised: bool) {
        let kind = self.current_kind();
        if self.in_pre() {
            let text = self.text.trim_matches('\n');
            if !text.trim().is_empty() {
                let text = text.to_string();
                let md = self.md.trim_matches('\n').to_string();
                self.after_linked_heading = false;
                self.blocks.push(Block {
                    link_chars,
                    ..Block::new(kind, text, md)
                });
            }
            return;
        }
        // Blank lines from <br><br> split a block into paragraphs.
        let texts = split_paragraphs(&self.text);
        let mds = split_paragraphs(&self.md);
        let mds = if texts.len() == mds.len() {
            mds
        } else {
            texts.clone()
        };
        let count = texts.len();
        // Each paragraph's link text, from the runs that start inside it.
        let link_shares: Vec<usize> = if count == 1 {
            vec![link_chars]
        } else {
            let spans = paragraph_spans(&self.text);
            if spans.len() == count {
                link_chars_per_span(&spans, &self.link_runs)
            } else {
                vec![0; count]
            }
        };
        for ((t, m), link_chars) in texts.into_iter().zip(mds).zip(link_shares) {
            let (t, m) = if has_joiner(&t) {
                (drop_stray_joiners(&t), drop_stray_joiners(&m))
            } else {
                (t, m)
            };
            if t.is_empty() {
                continue;
            }
            // Rendered text has no whitespace but single spaces and line breaks between
            // words, so its length as the scorer counts it is its number of characters.
            let text_len = t.chars().count();
            debug_assert_eq!(text_len, content::text_len(&t).0 as usize, "{t:?}");
            self.blocks.push(Block {
                kind: kind.clone(),
                text: t,
                markdown: m,
                link_chars,
                emphasised,
                cells: Vec::new(),
                text_len,
                under_linked_heading: std::mem::take(&mut self.after_linked_heading),
            });
        }
    }

    fn current_kind(&self) -> BlockKind {
        let mut depth = 0u8;
        let mut in_item = false;
        let mut ordered = false;
        for (_, c) in self.stack.iter().rev() {
            match c {
                Ctx::Heading(l) if !in_item => return BlockKind::Heading(*l),
                Ctx::Pre => return BlockKind::Pre,
                Ctx::ListItem => in_item = true,
                Ctx::List { ordered: o } => {
                    if in_item && depth == 0 {
                        ordered = *o;
                    }
                    depth = depth.saturating_add(1);
                }
                _ => {}
            }
        }
        if in_item {
            return BlockKind::ListItem {
                ordered,
                number: self.list_numbers.last().copied().unwrap_or(1).max(1),
                depth: depth.saturating_sub(1),
            };
        }
        if self.in_ctx(|c| *c == Ctx::Quote) {
            return BlockKind::Quote;
        }
        BlockKind::Paragraph
    }
}

/// `raw` split at whitespace and invisible spaces, empty pieces included (as `str::split`
/// gives them). Text is mostly ASCII: its bytes are tested directly, and only a non-ASCII
/// character is decoded.
fn words(raw: &str) -> impl Iterator<Item = &str> {
    let bytes = raw.as_bytes();
    let mut start = 0;
    let mut done = false;
    std::iter::from_fn(move || {
        if done {
            return None;
        }
        let mut i = start;
        while i < bytes.len() {
            let b = bytes[i];
            let (separator, width) = if b.is_ascii() {
                // char::is_whitespace on ASCII: the ASCII whitespace plus vertical tab.
                (b.is_ascii_whitespace() || b == 0x0b, 1)
            } else {
                let c = raw[i..].chars().next().unwrap_or(' ');
                (c.is_whitespace() || is_invisible_space(c), c.len_utf8())
            };
            if separator {
                let word = &raw[start..i];
                start = i + width;
                return Some(word);
            }
            i += width;
        }
        done = true;
        Some(&raw[start..])
    })
}

/// Appends the words of `raw`, which starts with a word and has no soft hyphen, to `out`
/// with one space between them: what pushing them one by one gives. Text is mostly words
/// with single spaces between them, so it is copied in runs, and only where a run of
/// separators is not one ASCII space between two words is it cut.
fn push_collapsed(raw: &str, out: &mut String) {
    let bytes = raw.as_bytes();
    let mut run = 0;
    let mut i = 0;
    loop {
        i = next_possible_cut(bytes, i);
        if i >= bytes.len() {
            break;
        }
        match SEPARATOR_CLASS[usize::from(bytes[i])] {
            SEPARATOR_SPACE if i + 1 < bytes.len() && separator_len(raw, i + 1) == 0 => {
                i += 1;
                continue;
            }
            SEPARATOR_MAYBE if separator_len(raw, i) == 0 => {
                i += 1;
                continue;
            }
            _ => {}
        }
        out.push_str(raw.get(run..i).unwrap_or_default());
        let next = skip_separators(raw, i);
        if next < bytes.len() {
            out.push(' ');
        }
        run = next;
        i = next;
    }
    out.push_str(raw.get(run..).unwrap_or_default());
}

/// The first position from `from` where [`push_collapsed`] may have to cut: ASCII
/// whitespace other than a space, a lead byte of [`SEPARATOR_MAYBE`], or a space that is
/// followed by one of these, by another space, or by nothing. Words and single spaces are
/// passed over 32 bytes at a time, with tests the compiler turns into vector code.
fn next_possible_cut(bytes: &[u8], from: usize) -> usize {
    const CHUNK: usize = 32;
    let maybe = |b: u8| (b == 0xC2) | (b == 0xE1) | (b == 0xE2) | (b == 0xE3) | (b == 0xEF);
    let other_whitespace = |b: u8| b.wrapping_sub(b'\t') < 5;
    let cut = |b: u8, next: u8| {
        other_whitespace(b)
            | maybe(b)
            | ((b == b' ') & ((next == b' ') | other_whitespace(next) | maybe(next)))
    };
    let mut i = from;
    // Each chunk looks one byte past its end, at what follows its last byte.
    while let Some(window) = bytes.get(i..i + CHUNK + 1) {
        let mut any = false;
        for k in 0..CHUNK {
            any |= cut(window[k], window[k + 1]);
        }
        if any {
            break;
        }
        i += CHUNK;
    }
    while i < bytes.len() {
        match bytes.get(i + 1) {
            Some(&next) if !cut(bytes[i], next) => i += 1,
            // A space at the end is cut: nothing follows it.
            None if bytes[i] != b' ' && !cut(bytes[i], b'x') => i += 1,
            _ => return i,
        }
    }
    bytes.len()
}

/// A byte that starts no separator: an ASCII character that is not whitespace, a UTF-8
/// continuation byte, or the lead byte of a character that is neither whitespace nor an
/// invisible space.
const SEPARATOR_NEVER: u8 = 0;
/// The ASCII space.
const SEPARATOR_SPACE: u8 = 1;
/// The rest of ASCII whitespace: tab, line feed, vertical tab, form feed, carriage return.
const SEPARATOR_ASCII: u8 = 2;
/// The lead byte of U+0085 and U+00A0 (0xC2), U+1680 (0xE1), U+2000–U+2060 (0xE2), U+3000
/// (0xE3) and U+FEFF (0xEF), and of other characters: decoded to tell.
const SEPARATOR_MAYBE: u8 = 3;

static SEPARATOR_CLASS: [u8; 256] = {
    let mut table = [SEPARATOR_NEVER; 256];
    let mut b = b'\t';
    while b <= b'\r' {
        table[b as usize] = SEPARATOR_ASCII;
        b += 1;
    }
    table[b' ' as usize] = SEPARATOR_SPACE;
    table[0xC2] = SEPARATOR_MAYBE;
    table[0xE1] = SEPARATOR_MAYBE;
    table[0xE2] = SEPARATOR_MAYBE;
    table[0xE3] = SEPARATOR_MAYBE;
    table[0xEF] = SEPARATOR_MAYBE;
    table
};

/// Byte length of the separator (whitespace or an invisible space) at `raw[i..]`; 0 when
/// there is none.
fn separator_len(raw: &str, i: usize) -> usize {
    match raw.as_bytes().get(i) {
        None => 0,
        Some(&b) if b.is_ascii() => usize::from(b.is_ascii_whitespace() || b == 0x0b),
        Some(_) => raw
            .get(i..)
            .and_then(|rest| rest.chars().next())
            .filter(|&c| c.is_whitespace() || is_invisible_space(c))
            .map_or(0, char::len_utf8),
    }
}

/// The end of the run of separators at `raw[i..]`.
fn skip_separators(raw: &str, mut i: usize) -> usize {
    loop {
        match separator_len(raw, i) {
            0 => return i,
            n => i += n,
        }
    }
}

fn is_zero_width(c: char) -> bool {
    matches!(c, '\u{200b}' | '\u{2060}' | '\u{feff}' | '\u{ad}')
}

/// The zero-width joiners, ZWNJ and ZWJ, are letters' business, not spacing: Persian writes
/// "می‌ایستند" with a non-joiner inside the word (a space there is a spelling error), Indic
/// scripts and emoji sequences use the joiner. They stay inside words; one beside a space,
/// at a line's edge or alone (a skeleton placeholder's only text) is dropped
/// ([`drop_stray_joiners`]).
pub(crate) fn is_joiner(c: char) -> bool {
    matches!(c, '\u{200c}' | '\u{200d}')
}

/// Whether `text` holds a joiner: two searches for a byte (the joiners' last), which cost
/// less than decoding every block's characters.
fn has_joiner(text: &str) -> bool {
    text.contains('\u{200c}') || text.contains('\u{200d}')
}

/// `text` without the joiners that do not sit between two visible characters, and
/// without the spaces such a joiner stood between.
pub(crate) fn drop_stray_joiners(text: &str) -> String {
    let visible = |c: Option<char>| c.is_some_and(|c| !c.is_whitespace() && !is_joiner(c));
    let mut kept = String::with_capacity(text.len());
    let mut previous = None;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if !is_joiner(c) || (visible(previous) && visible(chars.peek().copied())) {
            kept.push(c);
        }
        previous = Some(c);
    }
    kept.split('\n')
        .map(|line| {
            line.split(' ')
                .filter(|w| !w.is_empty())
                .collect::<Vec<_>>()
                .join(" ")
        })
        .filter(|line| !line.is_empty())
        .collect::<Vec<_>>()
        .join("\n")
}

fn is_invisible_space(c: char) -> bool {
    matches!(c, '\u{a0}' | '\u{2007}' | '\u{202f}') || is_zero_width(c) && c != '\u{ad}'
}

fn normalize_inline(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Splits on blank lines; trims every line and drops empty ones.
/// The byte ranges of the paragraphs [`split_paragraphs`] gives, in order: runs of lines
/// with text between blank lines, each from its first line's first byte to its last
/// line's end.
fn paragraph_spans(s: &str) -> Vec<std::ops::Range<usize>> {
    let mut spans = Vec::new();
    let mut current: Option<std::ops::Range<usize>> = None;
    let mut at = 0;
    for line in s.split('\n') {
        let range = at..at + line.len();
        at = range.end + 1;
        if line.trim().is_empty() {
            spans.extend(current.take());
        } else {
            current = Some(current.map_or(range.clone(), |c| c.start..range.end));
        }
    }
    spans.extend(current);
    spans
}

/// The link characters of each span: the runs (start byte, characters) that start inside
/// it. Spans and runs are both in text order, so one pass over each gives every share: a
/// body of a hundred thousand `<br><br>` paragraphs and links costs no more than its size.
fn link_chars_per_span(spans: &[std::ops::Range<usize>], runs: &[(usize, usize)]) -> Vec<usize> {
    let mut shares = vec![0; spans.len()];
    let mut span = 0;
    for &(at, chars) in runs {
        while span < spans.len() && spans[span].end <= at {
            span += 1;
        }
        match spans.get(span) {
            Some(s) if s.contains(&at) => shares[span] += chars,
            Some(_) => {}
            None => break,
        }
    }
    shares
}

fn split_paragraphs(s: &str) -> Vec<String> {
    if !s.contains('\n') {
        // One line, as most paragraphs are: the loop below would give it trimmed.
        let line = s.trim();
        return if line.is_empty() {
            Vec::new()
        } else {
            vec![line.to_string()]
        };
    }
    let mut out = Vec::new();
    let mut cur: Vec<&str> = Vec::new();
    for line in s.split('\n') {
        let line = line.trim();
        if line.is_empty() {
            if !cur.is_empty() {
                out.push(cur.join("\n"));
                cur.clear();
            }
        } else {
            cur.push(line);
        }
    }
    if !cur.is_empty() {
        out.push(cur.join("\n"));
    }
    out
}

/// Most text of a form's box besides the form: a heading and a line asking for an address.
const FORM_BOX_MAX_CHARS: u32 = 200;
/// Nodes of a box looked through for its form.
const FORM_BOX_SCAN_NODES: usize = 64;

/// Whether block `i` is the box of a form: a subscription, contact or comment form with the
/// line that asks for it ("Оставьте e-mail, и мы напишем, когда понадобится ваша помощь",
/// "E-poçtunuzu qeyd edin"). Cleaning drops the form; the prompt beside it, at most a
/// heading and a line, would stay. A story's paragraphs do not share a small box with a
/// form.
fn is_form_box(dom: &Dom, s: &Stats, i: usize) -> bool {
    s.text[i] > 0
        && s.text[i] <= FORM_BOX_MAX_CHARS
        && s.paragraphs[i] <= 2
        && (i + 1..dom.nodes[i].end.min(i + FORM_BOX_SCAN_NODES)).any(|j| dom.tag(j) == "form")
}

/// Fewest and most characters of a subheading set as a plain block.
const SUBHEADING_CHARS: std::ops::RangeInclusive<u32> = 8..=80;
/// Most nodes of a subheading's wrapper: a line and the elements around it.
const SUBHEADING_WRAPPER_NODES: usize = 48;
/// Least prose of each block around a subheading set as a plain block.
const SUBHEADING_NEIGHBOUR_PROSE: u32 = 80;

/// Whether the short block at `i` is a subheading set as a plain block: page builders
/// (Tilda's `t-title` records, a `<div>` typed into a WYSIWYG editor) write "Чего мы
/// требуем" as a `<div>` between the story's paragraphs; block editors (Notion's
/// `notion-header-block`) wrap a real heading in a block named like a header or title,
/// which cleaning takes for a small label. A few words, no link, image or second heading,
/// not a sentence, and the block's wrapper (climbing through wrappers that hold
/// only its text, and no picture, map or player: a caption's does) has prose right before
/// it and right after it. The small labels and short divs
/// that cleaning drops elsewhere stand beside a headline, under a picture or at a box's
/// top, not between two paragraphs; widget labels that do ("Advertisement") go in tidy.
fn heads_prose_between(dom: &Dom, s: &Stats, i: usize) -> bool {
    if !SUBHEADING_CHARS.contains(&s.text[i])
        || s.link[i] > 0
        || s.images[i] > 0
        || s.headings[i] > 1
        || ends_with_sentence(dom, i)
    {
        return false;
    }
    let wrapper = own_box(dom, s, i);
    // A caption's wrapper holds its picture, map or player.
    let end = dom.nodes[wrapper]
        .end
        .min(wrapper + SUBHEADING_WRAPPER_NODES);
    if dom.nodes[wrapper].end > end
        || (wrapper..end).any(|j| {
            matches!(
                dom.tag(j),
                "img" | "picture" | "figure" | "iframe" | "video" | "audio" | "object" | "embed"
            )
        })
    {
        return false;
    }
    prose_beside(dom, s, wrapper, &|j| dom.previous_sibling(j))
        && prose_beside(dom, s, wrapper, &|j| dom.next_sibling(j))
}

/// Whether the block right before (after, as `step` goes) `wrapper` is prose: its sibling,
/// past empty separators and spacers (WPBakery's `vc_separator` between a text column and
/// a heading's). A form's field there makes the line beside it the form's (a captcha's
/// "What is the first letter of …?").
fn prose_beside(
    dom: &Dom,
    s: &Stats,
    wrapper: usize,
    step: &dyn Fn(usize) -> Option<usize>,
) -> bool {
    let mut at = step(wrapper);
    while let Some(j) = at {
        if let Some(el) = dom.element(j) {
            if s.text[j] > 0 || s.images[j] > 0 {
                return !s.junk[j] && s.prose[j] + s.list_text[j] >= SUBHEADING_NEIGHBOUR_PROSE;
            }
            if matches!(&*el.tag, "input" | "select" | "textarea" | "button") {
                return false;
            }
        } else if s.text[j] > 0 {
            return false;
        }
        at = step(j);
    }
    false
}

/// The outermost element around `i` that holds no text but `i`'s: climbing through
/// wrappers that hold only its text.
fn own_box(dom: &Dom, s: &Stats, i: usize) -> usize {
    let mut wrapper = i;
    loop {
        let parent = dom.nodes[wrapper].parent;
        if parent >= dom.len() || s.text[parent] != s.text[i] {
            return wrapper;
        }
        wrapper = parent;
    }
}

/// Whether the short element at `i` is a question that the prose right after it answers:
/// an FAQ's question in an accordion's title bar (Elementor's `elementor-tab-title` and
/// its `elementor-accordion-title` link), which cleaning takes for a small label by its
/// class. A label is
/// no question, and a teaser's title is followed by its link's lead, not by an answer in
/// its own block.
fn asks_what_follows(dom: &Dom, s: &Stats, i: usize) -> bool {
    if !SUBHEADING_CHARS.contains(&s.text[i])
        || s.link[i] * 2 > s.text[i]
        || s.images[i] > 0
        || dom.tag(i) == "label"
        || !super::content::asks_a_question(dom, i)
    {
        return false;
    }
    // The answer comes next, after the question's own box (the title bar around a linked
    // question).
    prose_beside(dom, s, own_box(dom, s, i), &|j| dom.next_sibling(j))
}

fn ends_with_sentence(dom: &Dom, i: usize) -> bool {
    let end = dom.nodes[i].end;
    for j in (i..end).rev() {
        if let NodeKind::Text(t) = &dom.nodes[j].kind {
            let t = t.trim_end();
            if t.is_empty() {
                continue;
            }
            return t.ends_with(['.', '!', '?', '…', '。', ':']);
        }
    }
    false
}

/// What stands between two consecutive blocks: list items and table body rows stay on
/// adjacent lines, everything else is separated by a blank line. Shared by both renderings
/// so text and Markdown agree on paragraph boundaries.
fn separator(prev: &BlockKind, next: &BlockKind) -> &'static str {
    let tight = matches!(
        (prev, next),
        (BlockKind::ListItem { .. }, BlockKind::ListItem { .. })
            | (
                BlockKind::TableRow { .. },
                BlockKind::TableRow { header: false }
            )
    );
    if tight { "\n" } else { "\n\n" }
}

/// Plain-text rendering: blank line between paragraphs, `- item` lists, rows one per line.
/// Room for the blocks' texts and the blank lines between them, so that a long article's
/// output is not copied over and over as it grows; list and heading marks may still add a
/// little.
fn output_capacity(blocks: &[Block], len: impl Fn(&Block) -> usize) -> usize {
    blocks.iter().map(|b| len(b) + 2).sum()
}

pub fn to_text(blocks: &[Block]) -> String {
    let mut out = String::with_capacity(output_capacity(blocks, |b| b.text.len()));
    let mut prev: Option<&BlockKind> = None;
    for b in blocks {
        if let Some(p) = prev {
            out.push_str(separator(p, &b.kind));
        }
        match &b.kind {
            BlockKind::ListItem { depth, .. } => {
                out.push_str(&"  ".repeat(usize::from(*depth)));
                out.push_str("- ");
                out.push_str(&b.text);
            }
            _ => out.push_str(&b.text),
        }
        prev = Some(&b.kind);
    }
    out
}

/// Markdown rendering: headings, lists, quotes, code blocks, tables.
pub fn to_markdown(blocks: &[Block]) -> String {
    let mut out = String::with_capacity(output_capacity(blocks, |b| b.markdown.len()));
    let mut prev: Option<&BlockKind> = None;
    for b in blocks {
        if let Some(p) = prev {
            out.push_str(separator(p, &b.kind));
        }
        match &b.kind {
            BlockKind::Heading(level) => {
                out.push_str(&"#".repeat(usize::from(*level)));
                out.push(' ');
                out.push_str(&b.markdown.replace('\n', " "));
            }
            BlockKind::ListItem {
                ordered,
                number,
                depth,
            } => {
                out.push_str(&"  ".repeat(usize::from(*depth)));
                if *ordered {
                    out.push_str(&format!("{number}. "));
                } else {
                    out.push_str("- ");
                }
                out.push_str(&b.markdown.replace('\n', " "));
            }
            BlockKind::Quote => {
                let quoted: Vec<String> = b.markdown.lines().map(|l| format!("> {l}")).collect();
                out.push_str(&quoted.join("\n"));
            }
            BlockKind::Pre => {
                out.push_str("```\n");
                out.push_str(&b.text);
                out.push_str("\n```");
            }
            BlockKind::TableRow { header } => {
                let cells: Vec<&str> = b.cells.iter().map(|(_, m)| m.as_str()).collect();
                out.push_str("| ");
                out.push_str(&cells.join(" | "));
                out.push_str(" |");
                if *header {
                    out.push_str("\n|");
                    out.push_str(&" --- |".repeat(cells.len()));
                }
            }
            BlockKind::Paragraph => out.push_str(&b.markdown),
        }
        prev = Some(&b.kind);
    }
    out
}

#[cfg(test)]
mod tests {
    /// The text `extract` gives for `body`, a story long enough to be one.
    fn extracted(body: &str) -> String {
        let story = "Это длинный абзац о событиях недели, написанный для проверки вывода текста. "
            .repeat(4);
        let html = format!("<html><body><article><p>{story}</p>{body}</article></body></html>");
        crate::extract::extract(html.as_bytes(), &crate::extract::ExtractOptions::default())
            .expect("an article")
            .text
    }

    #[test]
    fn a_headings_text_in_a_span_named_for_it_stays() {
        let story = "Второй абзац тоже достаточно длинный, чтобы статья оставалась статьёй.";
        // MediaWiki's section heading, with its edit link.
        let text = extracted(&format!(
            "<h2><span class=\"mw-headline\" id=\"Tools\">Что понадобится</span><span \
             class=\"mw-editsection\">[<a href=\"/w?action=edit\">edit</a>]</span></h2><p>{story}</p>"
        ));
        assert!(text.contains("\n\nЧто понадобится\n\n"), "{text:?}");
        // A kicker's span holds less than the heading: it goes, the headline stays.
        let text = extracted(&format!(
            "<h2><span class=\"kicker\">Выборы</span> Комиссия подвела итоги голосования в \
             районе</h2><p>{story}</p>"
        ));
        assert!(!text.contains("Выборы"), "{text:?}");
        assert!(text.contains("Комиссия подвела итоги"), "{text:?}");
    }

    #[test]
    fn an_faqs_questions_stay_over_their_answers() {
        let story = "Purgar los radiadores es una tarea sencilla que cualquiera puede hacer en \
                     casa con una llave y un trapo, y mejora mucho la calefacción.";
        let answer = "Lo normal es hacerlo una vez al año, al principio de la temporada de \
                      calefacción, y cada vez que se oigan ruidos de agua.";
        // Elementor's accordion: the question is a link named for a title, in a title bar
        // named for one, and its answer a region after the bar.
        let item = |n: usize, question: &str| {
            format!(
                "<div class=\"elementor-accordion-item\"><div id=\"t{n}\" \
                 class=\"elementor-tab-title\" role=\"button\" aria-controls=\"c{n}\" \
                 aria-expanded=\"false\"><span class=\"elementor-accordion-icon\" \
                 aria-hidden=\"true\"></span><a class=\"elementor-accordion-title\" \
                 tabindex=\"0\">{question}</a></div><div id=\"c{n}\" \
                 class=\"elementor-tab-content\" role=\"region\"><p>{answer} ({n})</p></div>\
                 </div>"
            )
        };
        let text = extracted(&format!(
            "<p>{story}</p><p>{story}</p><div class=\"elementor-accordion\">{}{}</div>",
            item(1, "¿Cada cuánto hay que purgar los radiadores?"),
            item(2, "¿Se puede purgar con la caldera encendida?")
        ));
        assert!(
            text.contains("¿Cada cuánto hay que purgar los radiadores?\n\nLo normal"),
            "{text:?}"
        );
        assert!(
            text.contains("¿Se puede purgar con la caldera encendida?"),
            "{text:?}"
        );
        // A form's question over its field (a captcha) is the form's, whatever prose
        // follows the field.
        let text = extracted(&format!(
            "<p>{story}</p><div><div class=\"field-title\">¿Cuál es la primera letra de la \
             palabra radiador?</div><input name=c><div class=\"note\"><p>{answer}</p></div>\
             </div>"
        ));
        assert!(text.contains(answer), "{text:?}");
        assert!(!text.contains("primera letra"), "{text:?}");
    }

    #[test]
    fn a_subheading_set_as_a_plain_block_between_paragraphs_stays() {
        let story = "Второй абзац тоже достаточно длинный, чтобы статья оставалась статьёй, и \
                     рассказывает о суде.";
        let third = "Третий абзац рассказывает, что можно сделать прямо сейчас, и тоже \
                     достаточно длинный.";
        // A page builder's record of a title between two records of text, and a bare div.
        for subheading in [
            "<div class=\"t-rec\"><div class=\"t030\"><div class=\"t-container\"><div \
             class=\"t030__title t-title t-title_xs\">Чего мы требуем</div></div></div></div>",
            "<div>Чего мы требуем</div>",
            // A block editor's heading block, named like a header, around the heading.
            "<div class=\"editor-header-block\"><div><h2>Чего мы требуем</h2></div></div>",
            // A page builder's heading element after an empty separator.
            "<div class=\"vc_separator\"><span class=\"vc_sep_line\"></span></div><div \
             class=\"vc_custom_heading\"><h2>Чего мы требуем</h2></div>",
        ] {
            let text = extracted(&format!(
                "<div class=\"t-rec\"><div class=\"t-text\"><p>{story}</p></div></div>\
                 {subheading}<div class=\"t-rec\"><div class=\"t-text\"><p>{third}</p></div></div>"
            ));
            assert!(text.contains("\n\nЧего мы требуем\n\n"), "{text:?}");
        }
        // Not between prose: a label over a list of links, a line at the story's end.
        let text = extracted(&format!(
            "<p>{story}</p><div>Читайте также</div><ul><li><a href=/a>Первая новость \
             недели</a></li><li><a href=/b>Вторая новость недели</a></li></ul>"
        ));
        assert!(!text.contains("Читайте также"), "{text:?}");
        let text = extracted(&format!("<p>{story}</p><div>Фоторепортаж</div>"));
        assert!(!text.contains("Фоторепортаж"), "{text:?}");
        // A caption, whose wrapper holds its picture or map, and a link.
        for caption in [
            "<div><img src=/1.jpg><div class=\"credit\">Фото пресс-службы</div></div>",
            "<div><iframe src=/map></iframe><p class=\"caption\">Карта объезда моста</p></div>",
            "<div><a href=/more>Все новости района</a></div>",
        ] {
            let text = extracted(&format!("<p>{story}</p>{caption}<p>{third}</p>"));
            assert!(text.contains(third), "{text:?}");
            for line in ["Фото пресс-службы", "Карта объезда", "Все новости"]
            {
                assert!(!text.contains(line), "{text:?}");
            }
        }
    }

    #[test]
    fn a_forms_box_goes_with_its_prompt() {
        let story = "Второй абзац тоже достаточно длинный, чтобы статья оставалась статьёй, и \
                     рассказывает о суде.";
        let text = extracted(&format!(
            "<p>{story}</p><div class=t678><div class=t678__title>Не пропустите новые \
             кампании</div><div class=t678__descr>Оставьте e-mail, и мы напишем, когда \
             понадобится ваша помощь.</div><form action=/subscribe><input type=email \
             name=email><button>Подписаться</button></form></div>"
        ));
        assert!(text.contains("рассказывает о суде"), "{text:?}");
        assert!(!text.contains("Оставьте e-mail"), "{text:?}");
        assert!(!text.contains("Не пропустите"), "{text:?}");
        // A box without a form keeps its line.
        let text = extracted(&format!(
            "<p>{story}</p><div><div>Адвокат намерен обжаловать приговор в апелляционном \
             суде.</div></div>"
        ));
        assert!(text.contains("обжаловать приговор"), "{text:?}");
    }

    #[test]
    fn joiners_stay_inside_words_and_go_elsewhere() {
        // Persian's non-joiner inside a word, an emoji's joiner, a joiner beside a space
        // and at a paragraph's edges, and a placeholder with nothing but a non-joiner.
        let text = extracted(
            "<p>خانواده\u{200c}ها ساعت\u{200c}ها در صف آب می\u{200c}ایستند</p>\
             <p>Struktur 💁🏻\u{200d}♀️ und \u{200c} mehr\u{200d}</p>\
             <p><span>\u{200c}</span></p><p>\u{200d}Ende</p>",
        );
        let paragraphs: Vec<&str> = text.split("\n\n").skip(1).collect();
        assert_eq!(
            paragraphs,
            [
                "خانواده\u{200c}ها ساعت\u{200c}ها در صف آب می\u{200c}ایستند",
                "Struktur 💁🏻\u{200d}♀️ und mehr",
                "Ende"
            ],
            "{text:?}"
        );
        assert_eq!(super::drop_stray_joiners("\u{200c}\n\u{200d}"), "");
        assert_eq!(super::drop_stray_joiners("a\u{200c}\u{200c}b"), "ab");
    }

    #[test]
    fn link_runs_are_shared_out_to_the_spans_they_start_in() {
        let spans = [0..10, 12..20, 25..30];
        // Runs in each span, between two spans and after the last.
        let runs = [
            (0, 3),
            (4, 2),
            (11, 5),
            (12, 1),
            (19, 4),
            (22, 9),
            (29, 1),
            (31, 7),
        ];
        assert_eq!(super::link_chars_per_span(&spans, &runs), [5, 5, 1]);
        assert_eq!(super::link_chars_per_span(&spans, &[]), [0, 0, 0]);
        assert!(super::link_chars_per_span(&[], &runs).is_empty());
    }

    /// The spans cover the paragraphs `split_paragraphs` gives: each span's lines, trimmed
    /// and joined, are that paragraph.
    #[test]
    fn paragraph_spans_match_the_split_paragraphs() {
        for text in [
            "",
            "one line",
            "  padded  ",
            "first\n\nsecond",
            "first\n \n\nsecond\nsame\n\n",
            "\n\n lead\n  \ntail  \n",
            "Абзац\n\n Oxşar xəbər: başlıq \n\nson",
        ] {
            let spans = super::paragraph_spans(text);
            let from_spans: Vec<String> = spans
                .iter()
                .map(|span| {
                    text[span.clone()]
                        .split('\n')
                        .map(str::trim)
                        .collect::<Vec<_>>()
                        .join("\n")
                })
                .collect();
            assert_eq!(from_spans, super::split_paragraphs(text), "{text:?}");
        }
    }

    #[test]
    fn words_split_like_str_split_on_whitespace_and_invisible_spaces() {
        let texts = [
            "",
            " ",
            "a",
            "  two  spaces ",
            "tab\tnew\nline\r\x0bvt\x0cff",
            "nbsp\u{a0}thin\u{202f}zw\u{200b}soft\u{ad}hyphen",
            "ideographic\u{3000}space\u{2028}line\u{85}next",
            "Grüße, мир — 世界 ",
        ];
        for text in texts {
            let expected: Vec<&str> = text
                .split(|c: char| c.is_whitespace() || super::is_invisible_space(c))
                .collect();
            assert_eq!(super::words(text).collect::<Vec<_>>(), expected, "{text:?}");
        }
    }

    /// Copying runs of text gives what pushing word by word gives: every separator, alone,
    /// doubled and beside a lone space, at the start, middle and end.
    #[test]
    fn collapsed_runs_are_the_words_joined_by_one_space() {
        let pieces = [
            "a", "Вы", "—", "’", "中", "🗳", " ", "  ", "\t", "\n", "\r\n", "\x0b", "\x0c",
            "\u{85}", "\u{a0}", "\u{1680}", "\u{2003}", "\u{2007}", "\u{200b}", "\u{200c}",
            "\u{200d}", "\u{2028}", "\u{202f}", "\u{205f}", "\u{2060}", "\u{3000}", "\u{feff}",
            "\u{e9}", "\u{3001}",
        ];
        let mut state = 0x9e37_79b9_7f4a_7c15_u64;
        let mut texts: Vec<String> = Vec::new();
        for &p in &pieces {
            for &q in &pieces {
                texts.push(format!("x{p}y{q}{q}z {p} w"));
                texts.push(format!("{p}{q}word{q} {p}"));
            }
        }
        for len in 0..300 {
            texts.push(
                (0..len)
                    .map(|_| {
                        state ^= state << 13;
                        state ^= state >> 7;
                        state ^= state << 17;
                        pieces[(state % pieces.len() as u64) as usize]
                    })
                    .collect(),
            );
        }
        for text in &texts {
            let expected = super::words(text)
                .filter(|w| !w.is_empty())
                .collect::<Vec<_>>()
                .join(" ");
            let start = super::skip_separators(text, 0);
            let mut out = String::new();
            super::push_collapsed(&text[start..], &mut out);
            assert_eq!(out, expected, "{text:?}");
        }
    }
}
