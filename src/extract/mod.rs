//! Extraction: bytes of a page in, the article alone out.
//!
//! [`extract`] is a pure, synchronous function: no I/O, no clock, no global state.
//! The pipeline is decode → language markers → parse → metadata → main content →
//! render. Each step lives in its own module:
//!
//! * [`dom`] flattens the parsed tree into arrays so every later pass is a linear sweep,
//! * [`clean`] knows what page chrome looks like (tags, roles, hidden, class hints),
//! * [`content`] scores containers by text statistics and picks the article,
//! * [`render`] turns the article's subtrees into text or Markdown,
//! * `tidy` clears what the rendered blocks still hold around the story, and `chrome` the
//!   portal widgets among them (rates, weather, polls, typo prompts, other headlines).

pub mod article;
pub mod author;
mod chars;
mod chrome;
pub mod clean;
pub mod content;
pub mod date_choice;
pub mod date_search;
pub mod date_words;
pub mod dateline;
pub mod dates;
mod declared_body;
pub mod decode;
pub mod dom;
pub mod jsonld;
pub mod lang;
pub mod links;
pub mod markers;
pub mod metadata;
pub mod nesting;
pub mod parse;
pub mod render;
mod script_state;
mod site_page;
mod stories;
mod tidy;
mod title;
mod tokenizer;

use std::borrow::Cow;

use chrono::{DateTime, Utc};
use url::Url;

pub use article::Article;
use render::{Block, BlockKind, RenderOptions};

/// Inputs besides the bytes: where the page came from and what to keep.
#[derive(Debug, Clone)]
pub struct ExtractOptions {
    /// The page's URL: base for relative links, canonical URL and images; dates in its path.
    pub url: Option<Url>,
    /// The HTTP `Content-Type` header, for its charset.
    pub content_type: Option<String>,
    /// Language to keep from multilingual (qTranslate) pages; default: the page's
    /// declared language, else the first part.
    pub preferred_lang: Option<String>,
    /// "Now" for the no-future-dates rule. The extractor never reads the clock;
    /// without it, dates are only checked against 1995 (`dates::MIN_YEAR`).
    pub reference_time: Option<DateTime<Utc>>,
    /// Keep data tables (rendered as rows).
    pub keep_tables: bool,
    /// Keep images in Markdown output.
    pub keep_images: bool,
    /// Keep links in Markdown output.
    pub keep_links: bool,
}

impl Default for ExtractOptions {
    fn default() -> Self {
        ExtractOptions {
            url: None,
            content_type: None,
            preferred_lang: None,
            reference_time: None,
            keep_tables: true,
            keep_images: false,
            keep_links: false,
        }
    }
}

/// Why a page yielded no article.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ExtractError {
    #[error("empty input")]
    Empty,
    #[error("input is not HTML text: {reason}")]
    NotHtml { reason: String },
    #[error("not an article: {reason}")]
    NotArticle { reason: String },
}

/// An article with its Markdown rendering.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Extraction {
    pub article: Article,
    /// The body as Markdown (headings, lists, quotes, tables; links and images when asked).
    pub markdown: String,
    /// The article's dates as found, with where each came from.
    pub dates: date_choice::PublicationDates,
}

/// Least text an article may have, in characters.
const MIN_ARTICLE_CHARS: usize = 80;
/// Markup that shows less text than this may hold its story in a script's state only.
const STATE_LOOKUP_BELOW_CHARS: usize = 1000;

/// Recorded as `extractor_version` in every article's provenance, by the crawler and by
/// `gleaner reextract`; changes with the gleaner release that carries the extractor, so
/// re-extraction can tell which records an older one produced.
pub const EXTRACTOR_VERSION: &str = concat!("gleaner-extract/", env!("CARGO_PKG_VERSION"));

/// Extracts the article of a page.
pub fn extract(html: &[u8], opts: &ExtractOptions) -> Result<Article, ExtractError> {
    extract_full(html, opts).map(|e| e.article)
}

/// Like [`extract`], also returning the Markdown rendering of the body.
pub fn extract_full(html: &[u8], opts: &ExtractOptions) -> Result<Extraction, ExtractError> {
    if html.iter().all(u8::is_ascii_whitespace) {
        return Err(ExtractError::Empty);
    }
    let decoded = decode::decode_html(html, opts.content_type.as_deref());
    check_text(&decoded.html)?;
    let parse::Document { text, skeleton } = parse_source(decoded.html, opts);
    let dom = dom::Dom::from_parts(&text, &skeleton);
    // The flat tree has all the extractor reads; memory peaks after this point.
    drop(skeleton);
    extract_dom(&dom, opts)
}

/// A page decoded and parsed the way the extractor reads it, for callers that need the
/// document as well as the article: the crawler reads links from it, then extracts from it
/// with [`extract_parsed`], parsing each page once.
pub struct ParsedPage {
    document: parse::Document,
    encoding: &'static str,
    /// Why the bytes are not an HTML page, when they are not; found before parsing.
    rejected: Option<ExtractError>,
}

impl ParsedPage {
    /// Decodes and parses `html` exactly as [`extract`] does (charset from the options'
    /// Content-Type, the page or detection; the options' language of qTranslate markers;
    /// nesting capped). Empty or binary input still yields a document, so that whatever
    /// links it has can be read; extracting from it gives the error [`extract`] gives.
    pub fn parse(html: &[u8], opts: &ExtractOptions) -> ParsedPage {
        let decoded = decode::decode_html(html, opts.content_type.as_deref());
        let rejected = if html.iter().all(u8::is_ascii_whitespace) {
            Some(ExtractError::Empty)
        } else {
            check_text(&decoded.html).err()
        };
        ParsedPage {
            document: parse_source(decoded.html, opts),
            encoding: decoded.encoding,
            rejected,
        }
    }

    /// The parsed page as the extractor's flat tree. Build it once per page and hand the
    /// same tree to link discovery and [`extract_parsed`]: building it is about 5 % of an
    /// extraction.
    pub fn dom(&self) -> PageTree<'_> {
        PageTree {
            dom: dom::Dom::new(&self.document),
            rejected: self.rejected.as_ref(),
        }
    }

    /// The WHATWG name of the encoding the page was decoded with, e.g. `"windows-1251"`.
    pub fn encoding(&self) -> &'static str {
        self.encoding
    }
}

/// The flat tree of a [`ParsedPage`] ([`ParsedPage::dom`]). It reads as a [`dom::Dom`] and
/// also remembers whether the page was rejected before parsing, so [`extract_parsed`] can
/// take it alone.
pub struct PageTree<'a> {
    dom: dom::Dom<'a>,
    rejected: Option<&'a ExtractError>,
}

impl<'a> std::ops::Deref for PageTree<'a> {
    type Target = dom::Dom<'a>;

    fn deref(&self) -> &dom::Dom<'a> {
        &self.dom
    }
}

/// Extracts the article from the tree of a page parsed with [`ParsedPage::parse`]; `opts`
/// should be the options it was parsed with. Gives the same result as [`extract_full`] on
/// the same bytes.
pub fn extract_parsed(
    tree: &PageTree<'_>,
    opts: &ExtractOptions,
) -> Result<Extraction, ExtractError> {
    if let Some(rejected) = tree.rejected {
        return Err(rejected.clone());
    }
    extract_dom(&tree.dom, opts)
}

/// What a crawler needs from one page, from one parse: the article (or why the page is
/// none) and what the page links to.
#[derive(Debug)]
pub struct CrawledPage {
    pub article: Result<Article, ExtractError>,
    pub links: links::PageLinks,
    /// The WHATWG name of the encoding the page was decoded with.
    pub encoding: &'static str,
}

/// Parses `html` once and reads both the article and the page's links from it (links
/// resolve against `url`; `product` is the crawler's robots product token for `<meta>`
/// directives). The article is what [`extract`] gives for the same bytes and options.
pub fn crawl_page(
    html: &[u8],
    opts: &ExtractOptions,
    url: &url::Url,
    product: &str,
) -> CrawledPage {
    let page = ParsedPage::parse(html, opts);
    let tree = page.dom();
    let links = links::page_links(&tree, url, product);
    let article = extract_parsed(&tree, opts).map(|e| e.article);
    CrawledPage {
        article,
        links,
        encoding: page.encoding(),
    }
}

/// Language markers resolved, then parsed (with nesting capped, see [`nesting`]). A decoded
/// copy of the page is freed as soon as the parser has its own; a page borrowed from the
/// input bytes is parsed from there, without a copy of its own.
fn parse_source(decoded: Cow<'_, str>, opts: &ExtractOptions) -> parse::Document {
    let selected = match markers::select_language(&decoded, opts.preferred_lang.as_deref()) {
        Cow::Owned(selected) => Some(selected),
        Cow::Borrowed(_) => None,
    };
    match (selected, decoded) {
        (Some(selected), decoded) => {
            drop(decoded);
            parse::Document::parse_owned(selected)
        }
        (None, Cow::Owned(decoded)) => parse::Document::parse_owned(decoded),
        (None, Cow::Borrowed(decoded)) => parse::Document::parse(decoded),
    }
}

fn extract_dom(dom: &dom::Dom, opts: &ExtractOptions) -> Result<Extraction, ExtractError> {
    let meta = metadata::extract_metadata(dom, opts.url.as_ref(), opts.reference_time);

    if let Some(kind) = list_named_by_body_class(dom) {
        return Err(ExtractError::NotArticle {
            reason: format!("a list of stories (the page's classes say {kind})"),
        });
    }
    let comments = if meta.declares_thread {
        clean::CommentBlocks::Posts
    } else {
        clean::CommentBlocks::Chrome
    };
    let stats = content::compute_where(dom, comments);
    // The story's selection and the text's clean-up look for the declared title; the
    // article is given the reader's headline, and its datelines are looked for under it.
    let selection = content::select(dom, &stats).map(|sel| {
        let (title, canonical) = (
            meta.declared_title.as_deref(),
            meta.canonical_url.as_deref(),
        );
        let story = stories::keep_page_story(dom, &stats, sel, title, opts.url.as_ref(), canonical);
        declared_body::end_at_declared_body(dom, &stats, story)
    });
    let render_opts = RenderOptions {
        tables: opts.keep_tables,
        images: opts.keep_images,
        links: opts.keep_links,
        base: opts.url.as_ref(),
    };
    let mut blocks = selection
        .as_ref()
        .map(|sel| render::render(dom, &stats, &sel.roots, render_opts))
        .unwrap_or_default();
    let mut replaced_by_declared_text = false;
    let mut one_teaser_of_a_list = selection
        .as_ref()
        .is_some_and(|sel| is_one_teaser_of_a_list(dom, &stats, sel, opts.url.as_ref()));
    let declared_title = meta
        .declared_title
        .clone()
        .or_else(|| first_heading(dom, &stats));
    let mut title = meta.title.clone().or_else(|| declared_title.clone());
    tidy::tidy_blocks(&mut blocks, declared_title.as_deref());
    // Script-rendered pages carry the story only in their JSON-LD: use it when the
    // markup yields much less.
    if let Some(body) = jsonld_article_body(dom)
        && shows_much_less(&blocks, &body)
    {
        blocks = body;
        one_teaser_of_a_list = false;
        replaced_by_declared_text = true;
    }
    // Others hold it only in their framework's state (`__NEXT_DATA__`, `__NUXT__`, …),
    // read only when the markup shows less than a story.
    let read_state =
        || script_state::state_story(dom, declared_title.as_deref(), opts.url.as_ref());
    // Read at most once a page: here for a page showing little, below for an undated one.
    let state_read = text_chars(&blocks) < STATE_LOOKUP_BELOW_CHARS;
    let mut state = if state_read { read_state() } else { None };
    if let Some(story) = state.as_mut()
        && !story.blocks.is_empty()
        && shows_much_less(&blocks, &story.blocks)
    {
        blocks = std::mem::take(&mut story.blocks);
        one_teaser_of_a_list = false;
        replaced_by_declared_text = true;
        // The page's address showed the story, its title did not: the tab is the site's.
        if story.headline.is_some() {
            title.clone_from(&story.headline);
        }
    }
    let mut dates = date_choice::for_page(
        dom,
        &meta,
        selection.as_ref(),
        title.as_deref(),
        opts.reference_time,
    );
    // A script-built page may date its story only in its state ("вчера в 14:20" shown).
    if dates.published.is_none()
        && let Some(published) =
            if state_read { state } else { read_state() }.and_then(|story| story.published)
        && let Some(date) = dates::parse_machine_date(&published, opts.reference_time)
    {
        dates.published = Some(date);
        dates.published_source = Some(date_choice::DateSource::ScriptState);
    }
    let standing = match (
        title.is_some() && dates.published.is_some() && !dates.one_of_a_list,
        meta.declares_article,
    ) {
        (false, _) => Standing::Unvouched,
        (true, false) => Standing::DatedHeadline,
        (true, true) => Standing::DeclaredArticle,
    };
    if !replaced_by_declared_text
        && let Some(sel) = &selection
        && is_a_list_under_its_name(dom, &stats, sel, &blocks, title.as_deref())
    {
        return Err(ExtractError::NotArticle {
            reason: "a list of stories (its text is the list's description)".to_owned(),
        });
    }
    if one_teaser_of_a_list {
        return Err(ExtractError::NotArticle {
            reason: "a list of stories (its text is one teaser of several)".to_owned(),
        });
    }
    // The declared title, or the headline the page shows (a consent page served at a
    // story's address keeps the site's name in its tab).
    for title in [declared_title.as_deref(), title.as_deref()]
        .into_iter()
        .flatten()
    {
        if let Some(kind) = site_page::site_page(title, &blocks) {
            return Err(ExtractError::NotArticle {
                reason: format!("{} ({title})", kind.describe()),
            });
        }
    }
    let blocks = match judge(&blocks, standing) {
        Ok(()) => with_photo_story_captions(dom, &stats, blocks),
        Err(not_article) => noscript_body(dom, render_opts, declared_title.as_deref())
            .or_else(|| {
                headline_body(
                    dom,
                    &stats,
                    render_opts,
                    declared_title.as_deref(),
                    standing,
                )
            })
            .or_else(|| gallery_body(dom, &stats, standing))
            .ok_or(not_article)?,
    };

    let text = render::to_text(&blocks);
    let markdown = render::to_markdown(&blocks);
    // The language detector needs tables of its own: the page's scoring data goes first, so
    // the two are never held at once.
    drop((blocks, selection, stats));
    let lang = lang::detect_language(&text, meta.declared_lang.as_deref());
    let author = (!meta.authors.is_empty()).then(|| meta.authors.join(", "));
    Ok(Extraction {
        article: Article {
            title,
            author,
            published: dates.published.map(|d| d.format()),
            modified: dates.modified.map(|d| d.format()),
            lang,
            site_name: meta.site_name,
            description: meta.description,
            canonical_url: meta.canonical_url,
            categories: meta.categories,
            image: meta.image,
            text,
        },
        markdown,
        dates,
    })
}

/// The characters of the text in `blocks`.
fn text_chars(blocks: &[Block]) -> usize {
    blocks.iter().map(|b| b.text_len).sum()
}

/// Whether the markup's text shows much less than a `body` read elsewhere (a JSON-LD
/// `articleBody`, a script's state): under two fifths of it, or under a story's least. A
/// stale or truncated copy then never wins over a page that shows its story.
fn shows_much_less(rendered: &[Block], body: &[Block]) -> bool {
    text_chars(rendered) < MIN_ARTICLE_CHARS.max(text_chars(body) * 2 / 5)
}

/// Rejects binary data: text has few control characters. Counted in one pass over the
/// first 4096 characters, without collecting them (the collected sample cost about 1 % of
/// an extraction over the dev corpus).
fn check_text(source: &str) -> Result<(), ExtractError> {
    let (mut sampled, mut control) = (0usize, 0usize);
    for c in source.chars().take(4096) {
        sampled += 1;
        if (c.is_control() && !c.is_whitespace()) || c == '\u{fffd}' {
            control += 1;
        }
    }
    if sampled > 0 && control * 10 > sampled {
        return Err(ExtractError::NotHtml {
            reason: format!(
                "{control} of the first {sampled} characters are control or undecodable bytes"
            ),
        });
    }
    Ok(())
}

/// The longest JSON-LD `articleBody` on the page, as paragraph blocks.
fn jsonld_article_body(dom: &dom::Dom) -> Option<Vec<Block>> {
    let mut best: Option<String> = None;
    // `script[type="application/ld+json"]`, matched as CSS does: the type's case is ignored
    // on HTML elements (not on SVG ones), and not trimmed.
    let scripts = (0..dom.len()).filter(|&i| {
        dom.element(i).is_some_and(|e| {
            e.is("script")
                && e.attr("type").is_some_and(|t| {
                    if dom.in_html_namespace(i) {
                        t.eq_ignore_ascii_case("application/ld+json")
                    } else {
                        t == "application/ld+json"
                    }
                })
        })
    });
    for script in scripts {
        let source: String = dom.texts(script).collect();
        for object in jsonld::parse_objects(&source) {
            if let Some(body) = object.get("articleBody").and_then(|v| v.as_str())
                && best.as_ref().is_none_or(|b| body.len() > b.len())
            {
                best = Some(body.to_string());
            }
        }
    }
    let body = best?;
    // Some CMSs put markup in articleBody: read it as text either way, parsed the way the
    // page is (nesting capped), a line break at each block element.
    let text = if body.contains('<') {
        markup_text(&body)
    } else {
        body
    };
    let blocks: Vec<Block> = text
        .split('\n')
        .map(|line| line.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|line| !line.is_empty())
        .map(|line| Block::plain(BlockKind::Paragraph, line))
        .collect();
    (!blocks.is_empty()).then_some(blocks)
}

/// The text of a string of markup, parsed as a page is (through the nesting cap, so a
/// hostile string is read in linear time), with a line break at each block element and
/// without what scripts, styles, templates and `<noscript>`s hold.
fn markup_text(markup: &str) -> String {
    let document = parse::Document::parse(markup);
    let dom = dom::Dom::new(&document);
    let mut out = String::with_capacity(markup.len());
    let mut i = 0;
    while i < dom.len() {
        match &dom.nodes[i].kind {
            dom::NodeKind::Text(text) => out.push_str(text),
            dom::NodeKind::Element(el)
                if matches!(&*el.tag, "script" | "style" | "template" | "noscript") =>
            {
                i = dom.nodes[i].end;
                continue;
            }
            dom::NodeKind::Element(el) if !clean::is_inline(&el.tag) => out.push('\n'),
            _ => {}
        }
        i += 1;
    }
    out
}

/// Least markup in a `<noscript>` worth reading as the page's story, in bytes.
const MIN_NOSCRIPT_BYTES: usize = 500;

/// The story a page shows readers without JavaScript, when its markup has none for the
/// others: some themes (Blogger's, for one) put the post only in a template that a script
/// fills in, with a `<noscript>` copy beside it. Parsed as browsers parse, with scripting
/// on, a `<noscript>` is raw text; the longest one is parsed here as a page of its own and
/// read the same way. Only when the page has no article otherwise, so that a `<noscript>`
/// copy of a story already on the page is never read twice.
fn noscript_body(
    dom: &dom::Dom,
    opts: RenderOptions<'_>,
    title: Option<&str>,
) -> Option<Vec<Block>> {
    let source = (0..dom.len())
        .filter(|&i| dom.tag(i) == "noscript")
        .map(|i| dom.texts(i).collect::<String>())
        .max_by_key(String::len)
        .filter(|source| source.len() >= MIN_NOSCRIPT_BYTES)?;
    let document = parse::Document::parse(&source);
    drop(source);
    let inner = dom::Dom::new(&document);
    let stats = content::compute(&inner);
    let selection = content::select(&inner, &stats)?;
    let mut blocks = render::render(&inner, &stats, &selection.roots, opts);
    tidy::tidy_blocks(&mut blocks, title);
    judge(&blocks, Standing::Unvouched).ok()?;
    Some(blocks)
}

/// Most levels above the headline climbed to find the story's container.
const HEADLINE_BODY_DEPTH: usize = 4;

/// Most headings the container of a story found from its headline may hold besides it: a
/// list's sub-headings; a section page's teasers have one each.
const HEADLINE_BODY_HEADINGS: u32 = 3;

/// The text under the headline, when the scorer found no story: an article whose body is a
/// list or a table (a polling stations' timetable, the results by station), which give the
/// scorer no paragraph. The nearest container of the heading that shows the title and
/// holds text of its own is read as a story is, and taken when it is not mostly links and
/// holds few other headings (a section page's heading stands above teasers) and passes the
/// same judgement as any story.
fn headline_body(
    dom: &dom::Dom,
    stats: &content::Stats,
    opts: RenderOptions<'_>,
    title: Option<&str>,
    standing: Standing,
) -> Option<Vec<Block>> {
    let headline = dateline::heading_showing(dom, title?)?;
    if stats.junk[headline] {
        return None;
    }
    let own_text = |i: usize| stats.text[i].saturating_sub(stats.text[headline]) as usize;
    let mut container = headline;
    for _ in 0..HEADLINE_BODY_DEPTH {
        let parent = dom.nodes[container].parent;
        if parent == usize::MAX || stats.junk[parent] || matches!(dom.tag(parent), "body" | "html")
        {
            break;
        }
        container = parent;
        if own_text(container) >= MIN_BRIEF_CHARS {
            break;
        }
    }
    if own_text(container) < MIN_BRIEF_CHARS
        || stats.link[container] * 3 >= stats.text[container]
        || stats.headings[container] > 1 + HEADLINE_BODY_HEADINGS
    {
        return None;
    }
    let mut blocks = render::render(dom, stats, &[container], opts);
    tidy::tidy_blocks(&mut blocks, title);
    judge(&blocks, standing).ok()?;
    Some(blocks)
}

/// Fewest captions of a photo story.
const MIN_GALLERY_CAPTIONS: usize = 3;
/// Most `<figcaption>`s read for one: a hostile page of many costs no more than one pass.
const MAX_GALLERY_CAPTIONS: usize = 200;

/// The captions of a photo story ("In pictures: election day"), when the page has no
/// article otherwise. Captions are dropped from stories, where they describe an image
/// beside the text; a gallery's captions are its text. Taken only when there are several
/// ([`story_captions`]) together as long as an article must be; or, on a dated item (a
/// photo of the day), when one of them is what [`judge`] asks of a short story of that
/// standing: a brief's sentence under a dated headline, a describing line when the
/// publisher declares an article.
fn gallery_body(dom: &dom::Dom, stats: &content::Stats, standing: Standing) -> Option<Vec<Block>> {
    let captions = story_captions(dom, stats);
    let chars: usize = captions.iter().map(|b| b.text_len).sum();
    let gallery = captions.len() >= MIN_GALLERY_CAPTIONS && chars >= MIN_ARTICLE_CHARS;
    let item = standing != Standing::Unvouched && judge(&captions, standing).is_ok();
    (gallery || item).then_some(captions)
}

/// Most text of a photo story's introduction, in characters: a few sentences over the
/// pictures, not a story the pictures illustrate.
const PHOTO_STORY_INTRO_MAX_CHARS: usize = 600;

/// Captions that make a photo story of a short text by their number alone: a report of
/// this many pictures is told by them once they hold as much text as the introduction.
const PHOTO_STORY_MANY_CAPTIONS: usize = 5;

/// A photo story's introduction followed by its captions, when the captions tell the story:
/// the text is an introduction's few sentences ([`PHOTO_STORY_INTRO_MAX_CHARS`]), and the
/// captions are several and hold at least twice its text, or are many
/// ([`PHOTO_STORY_MANY_CAPTIONS`]) and hold as much. A story with photographs has more text
/// than its captions; otherwise `blocks` as they are.
fn with_photo_story_captions(
    dom: &dom::Dom,
    stats: &content::Stats,
    mut blocks: Vec<Block>,
) -> Vec<Block> {
    let intro: usize = blocks.iter().map(|b| b.text_len).sum();
    if intro > PHOTO_STORY_INTRO_MAX_CHARS {
        return blocks;
    }
    let captions = story_captions(dom, stats);
    let chars: usize = captions.iter().map(|b| b.text_len).sum();
    let floor = intro.max(MIN_ARTICLE_CHARS);
    let tells_the_story = (captions.len() >= MIN_GALLERY_CAPTIONS && chars >= 2 * floor)
        || (captions.len() >= PHOTO_STORY_MANY_CAPTIONS && chars >= floor);
    if tells_the_story {
        let new: Vec<Block> = captions
            .into_iter()
            .filter(|c| blocks.iter().all(|b| b.text != c.text))
            .collect();
        blocks.extend(new);
    }
    blocks
}

/// The page's figure captions that may tell a story, in order: outside the page's chrome,
/// not mostly links (a teaser card's caption is a headline), not a photo credit, each once.
/// A caption is a `<figcaption>`, or a block named for one (a photo report's `<div
/// class="photo-report__caption">` under each picture, as CMS templates build galleries).
/// At most [`MAX_GALLERY_CAPTIONS`] are read.
fn story_captions(dom: &dom::Dom, stats: &content::Stats) -> Vec<Block> {
    let mut captions: Vec<Block> = Vec::new();
    let mut seen = 0;
    let mut i = 0;
    while i < dom.len() && seen < MAX_GALLERY_CAPTIONS {
        let is_caption = dom.element(i).is_some_and(|el| {
            &*el.tag == "figcaption"
                || (matches!(&*el.tag, "div" | "p")
                    && clean::words(&el.class_id).any(|word| word == "caption"))
        });
        if !is_caption {
            i += 1;
            continue;
        }
        seen += 1;
        let end = dom.nodes[i].end;
        // Junk passes down the tree: the parent is junk when any ancestor is chrome.
        let parent = dom.nodes[i].parent;
        let in_chrome = parent != usize::MAX && stats.junk[parent];
        let text = author::normalise_space(&dom.texts(i).collect::<Vec<_>>().join(" "));
        let link_text = dom.link_chars(i);
        if !in_chrome
            && !text.is_empty()
            && link_text * 2 < text.chars().count()
            && !clean::is_photo_credit(&text)
            && captions.iter().all(|c| c.text != text)
        {
            captions.push(Block::plain(BlockKind::Paragraph, text));
        }
        i = end;
    }
    captions
}

/// The first `<h1>` with text, when the metadata has no title.
fn first_heading(dom: &dom::Dom, stats: &content::Stats) -> Option<String> {
    let h1 = (0..dom.len()).find(|&i| dom.tag(i) == "h1" && !stats.junk[i] && stats.text[i] > 0)?;
    let text: String = (h1..dom.nodes[h1].end)
        .filter_map(|j| match &dom.nodes[j].kind {
            dom::NodeKind::Text(t) => Some(*t),
            _ => None,
        })
        .collect::<Vec<_>>()
        .join(" ");
    let t = text.split_whitespace().collect::<Vec<_>>().join(" ");
    (!t.is_empty()).then_some(t)
}

/// Least text of a news brief: a page with a headline and a publication date is an article
/// when it holds one sentence of this length ("Мост через Вятку закроют для грузовиков с 15
/// февраля."), where a page without them needs [`MIN_ARTICLE_CHARS`].
const MIN_BRIEF_CHARS: usize = 30;

/// Fewest words of a brief's sentence.
const MIN_BRIEF_WORDS: usize = 5;

/// Whether `block` is a sentence a brief may consist of: a paragraph of a few words that
/// ends like a sentence (a link roll's "via example.org" or a label does not).
fn is_brief_sentence(block: &Block) -> bool {
    let text = block.text.trim_end();
    matches!(block.kind, BlockKind::Paragraph)
        && block.text_len >= MIN_BRIEF_CHARS
        && block.link_chars * 2 < block.text.chars().count()
        && text.ends_with(['.', '!', '?', '…', '»', '"', '”'])
        && text.split_whitespace().nth(MIN_BRIEF_WORDS - 1).is_some()
}

/// Fewest words of the line that describes a video or photo item.
const MIN_ITEM_WORDS: usize = 3;

/// Whether `block` is a line describing an item ("Встреча прошла в Баку" under a video): a
/// paragraph of a few words, not mostly links, and without a date: a short line with one is
/// the byline and date every post has ("Verfasst von: … | 31. Dezember 2008").
fn is_item_line(block: &Block) -> bool {
    matches!(block.kind, BlockKind::Paragraph)
        && block.link_chars * 2 < block.text.chars().count()
        && dates::parse_dateline(&block.text, None).is_none()
        && block
            .text
            .split_whitespace()
            .filter(|w| w.chars().any(char::is_alphabetic))
            .nth(MIN_ITEM_WORDS - 1)
            .is_some()
}

/// The kinds of list WordPress names beside `archive` in a list page's `<body>` classes.
const ARCHIVE_KINDS: &[&str] = &["tag", "category", "author", "date", "post-type-archive"];

/// What list the page's `<body>` classes say it is, when they say so the way WordPress
/// (and the themes and builders on it) writes them on every page: `archive` beside the
/// list's kind (`archive tag tag-portugal`, `archive category category-14`) or
/// `search-results`. A post is `single`, a page `page`; an archive's posts are set out
/// like a story's teasers, with classes of their own each, so no list of teasers is seen.
fn list_named_by_body_class(dom: &dom::Dom) -> Option<&'static str> {
    let body = dom.element(dom.body()).filter(|el| &*el.tag == "body")?;
    let names = || body.class_id.split_ascii_whitespace();
    if names().any(|name| name == "search-results") {
        return Some("search results");
    }
    if names().any(|name| name == "archive") {
        return ARCHIVE_KINDS
            .iter()
            .find(|kind| names().any(|name| name == **kind))
            .map(|_| "an archive");
    }
    None
}

/// Fewest teasers of other stories dropped as lists ([`content::Stats::list_teasers`]) on
/// a page whose selection is one more teaser.
const MIN_LIST_TEASERS: u32 = 3;

/// Nodes of a teaser card searched for its headline's link.
const TEASER_LINK_SCAN_NODES: usize = 64;

/// Whether the selection is one teaser of a list of stories: a card (a linked headline over
/// a standfirst, [`render::is_teaser_card`]) whose link leads to another page, on a page
/// whose other teasers were dropped as lists. A section front's lead story and a tag
/// page's first post are such; a story's own headline links, if anywhere, to the story.
/// Asked only when the page's address is known, which a crawl always knows.
fn is_one_teaser_of_a_list(
    dom: &dom::Dom,
    stats: &content::Stats,
    selection: &content::Selection,
    page_url: Option<&Url>,
) -> bool {
    let (Some(page_url), [root]) = (page_url, selection.roots.as_slice()) else {
        return false;
    };
    if stats.list_teasers < MIN_LIST_TEASERS {
        return false;
    }
    let parent = dom.nodes[*root].parent;
    let Some(card) = [*root, parent].into_iter().find(|&i| {
        i != dom::NO_PARENT && dom.element(i).is_some() && render::is_teaser_card(dom, stats, i)
    }) else {
        return false;
    };
    let end = dom.nodes[card].end.min(card + TEASER_LINK_SCAN_NODES);
    (card..end)
        .filter_map(|j| dom.element(j))
        .filter(|el| &*el.tag == "a")
        .find_map(|el| el.attr("href"))
        .and_then(|href| page_url.join(href.trim()).ok())
        .is_some_and(|target| !stories::same_page(&target, page_url))
}

/// Most text of a list's description taken for no story: a tag's or a section's line, a
/// search's count.
const LIST_DESCRIPTION_MAX_CHARS: usize = 300;

/// Most words of a list's name: "Wildfire", "Publications", "Portugal Archives".
const LIST_NAME_MAX_WORDS: usize = 3;

/// Whether the selection is the description at the head of a list of stories (a tag's,
/// a section's or a search's): a short text under a headline of a few words (the list's
/// name, not a story's headline), followed in its own container by a list of teasers
/// with more text than it. A brief over a feed of other news has a headline of its own.
fn is_a_list_under_its_name(
    dom: &dom::Dom,
    stats: &content::Stats,
    selection: &content::Selection,
    blocks: &[Block],
    title: Option<&str>,
) -> bool {
    let [root] = selection.roots.as_slice() else {
        return false;
    };
    let chars: usize = blocks.iter().map(|b| b.text_len).sum();
    if stats.teaser_lists.is_empty()
        || chars > LIST_DESCRIPTION_MAX_CHARS
        || title.is_none_or(|t| t.split_whitespace().nth(LIST_NAME_MAX_WORDS).is_some())
    {
        return false;
    }
    // The list follows the description inside the description's parent or grandparent.
    let root_end = dom.nodes[*root].end;
    let parent = dom.nodes[*root].parent;
    let Some(parent_node) = dom.nodes.get(parent) else {
        return false;
    };
    let container = if parent_node.parent == dom::NO_PARENT {
        parent
    } else {
        parent_node.parent
    };
    let container_end = dom.nodes[container].end;
    stats
        .teaser_lists
        .iter()
        .any(|&(list, text)| list >= root_end && list < container_end && text as usize >= 2 * chars)
}

/// What besides its text vouches for a page as a story, weakest first.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Standing {
    /// Nothing: the text alone must be as long as an article's.
    Unvouched,
    /// A title and a publication date, as a news brief of a sentence or two has.
    DatedHeadline,
    /// Those, and the publisher's markup calls the page an article: a video or photo item
    /// whose text is a line describing it.
    DeclaredArticle,
}

/// Decides whether what is left is an article: as long as one, or short with a standing
/// that vouches for it (a brief's sentence under a dated headline; a line under the dated
/// headline of a page its publisher declares an article).
fn judge(blocks: &[Block], standing: Standing) -> Result<(), ExtractError> {
    let chars: usize = blocks.iter().map(|b| b.text_len).sum();
    // Looked for only when the text is short: most pages are long enough without it.
    let vouched = || match standing {
        Standing::Unvouched => false,
        Standing::DatedHeadline => blocks.iter().any(is_brief_sentence),
        Standing::DeclaredArticle => blocks.iter().any(is_item_line),
    };
    if chars < MIN_ARTICLE_CHARS && !vouched() {
        return Err(ExtractError::NotArticle {
            reason: format!("too little text ({chars} characters)"),
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const PAGE: &str = "<html lang=en><head><title>Turnout low - Site</title></head><body>\
        <nav><a href=/>Home</a></nav><article><h1>Turnout low</h1>\
        <p>Turnout in the capital was lower than at any election since 1995, officials said on Monday.</p>\
        <p>Observers reported queues at some polling stations, but no serious incidents, the mission said.</p>\
        </article><a href=/next>Next</a></body></html>";

    /// A Blogger-like post: the story in a template for a script and in a `<noscript>`.
    fn noscript_page(noscript: &str, body: &str) -> String {
        format!(
            "<html lang=en><head><title>Safer browsing</title></head><body>\
             <div class=header><h1>Security Blog</h1><p>The latest news and insights.</p></div>\
             <div class=post><div class=post-body>\
             <script type='text/template'>{noscript}</script><noscript>{noscript}</noscript>\
             </div></div>{body}<div class=sidebar><a href=/a>Archive</a></div></body></html>"
        )
    }

    #[test]
    fn linked_phrases_wrapped_in_spans_stay_in_their_paragraph() {
        // Editors that paste from word processors wrap every run in a span: a linked
        // phrase then has a span of link density 1 inside or around its link.
        let phrase = [
            r#"<a href="/2016/12/15/labels/"><span style="font-weight: 400;">fake news</span></a>"#,
            r#"<span class="hl"><a href="/2016/12/15/labels/">fake news</a></span>"#,
            r#"<span><a href="/2016/12/15/labels/"><span>fake news</span></a></span>"#,
            r#"<a href="/2016/12/15/labels/">fake news</a>"#,
        ];
        for phrase in phrase {
            let page = format!(
                "<html lang=en><head><title>Fact checkers</title></head><body><article>\
                 <h1>Fact checkers</h1><p><span>The writer, soon in charge of labelling </span>\
                 {phrase}<span> alongside two other outlets, retweeted an article about the \
                 protest at the theatre.</span></p>\
                 <p>The tweet was deleted a day later, and the outlet said it had asked its \
                 writers to keep their opinions off their accounts.</p>\
                 <div class=related><span><a href=/a>Another story of the day</a></span>\
                 <span><a href=/b>And one more story from the archive</a></span></div>\
                 </article></body></html>"
            );
            let article = extract(page.as_bytes(), &ExtractOptions::default()).expect("article");
            assert!(
                article
                    .text
                    .contains("labelling fake news alongside two other outlets"),
                "{phrase}: {}",
                article.text
            );
            // Spans that are a block's whole text are still judged by their links.
            assert!(!article.text.contains("Another story"), "{}", article.text);
        }
    }

    #[test]
    fn a_table_layouts_ticker_stays_out_of_the_story() {
        let page = "<html lang=az><head><title>Qubada yeni məktəb açılıb</title></head><body>\
             <table><tr><td colspan=2><marquee><b>XƏBƏR LENTİ:</b> 10:42 Xaçmazda fındıq \
             tədarükü başa çatıb &bull; 10:05 Qusarda məktəbə yeni idman zalı tikilir</marquee>\
             </td></tr><tr><td class=orta><h1>Qubada yeni məktəb açılıb</h1>\
             <p>Quba rayonunun Talabı kəndində 360 şagird yerlik yeni məktəb binası istifadəyə \
             verilib. Binada 24 sinif otağı, kitabxana və idman zalı var.</p>\
             <p>Rayon təhsil şöbəsinin müdiri bildirib ki, məktəbin tikintisi iki il çəkib və \
             dövlət büdcəsindən maliyyələşdirilib. Dərslər sentyabrdan yeni binada keçiriləcək.</p>\
             <p>Kənd sakinləri uzun illərdir ki, köhnə binanın təmirini gözləyirdilər.</p>\
             </td></tr></table></body></html>";
        let article = extract(page.as_bytes(), &ExtractOptions::default()).expect("article");
        assert!(
            article.text.contains("360 şagird yerlik"),
            "{}",
            article.text
        );
        assert!(
            !article.text.contains("fındıq tədarükü"),
            "{}",
            article.text
        );
    }

    #[test]
    fn teasers_told_apart_only_by_numbered_ids_are_a_list() {
        // uCoz prints each story of a news list in a `<div id="entryID…">` with no class:
        // the page is the list, not an article.
        let entry = |n: u32, title: &str, lead: &str| {
            format!(
                "<div id=entryID{n}><table class=eBlock><tr><td><div class=eTitle>\
                 <a href=/news/{n}>{title}</a></div><div class=eMessage>{lead}</div>\
                 <div class=eDetails>Просмотров: 287 | Дата: 17.07.2023</div>\
                 </td></tr></table></div>"
            )
        };
        let page = format!(
            "<html lang=ru><head><title>Новости - Котельнич</title></head><body>\
             <div id=content><h1>Новости</h1>{}{}{}{}</div></body></html>",
            entry(
                1187,
                "В Котельниче завершили ремонт дороги",
                "Работы велись на участке от улицы Ленина до железнодорожного переезда \
                 протяженностью около 900 метров."
            ),
            entry(
                1186,
                "В городском парке установят новую детскую площадку",
                "Площадку с горками, качелями и песочницей смонтируют до конца августа \
                 за счет средств областного бюджета."
            ),
            entry(
                1185,
                "На реке спасли двух рыбаков",
                "Лодка перевернулась из-за сильного ветра. Мужчин вытащили из воды \
                 сотрудники МЧС и местные жители."
            ),
            entry(
                1184,
                "Баня на улице Свердлова закроется на ремонт",
                "Баня не будет работать с 17 по 30 июля. Жителей просят учесть изменения."
            ),
        );
        let result = extract(page.as_bytes(), &ExtractOptions::default());
        assert!(
            matches!(result, Err(ExtractError::NotArticle { .. })),
            "{result:?}"
        );
    }

    /// A list of `n` teasers of other stories, each a linked headline over a standfirst.
    fn teaser_list(n: usize) -> String {
        (0..n)
            .map(|i| {
                format!(
                    "<div class=news-item><h3><a href=/society/story-{i}/>Council votes on \
                     the new bus route number {i}</a></h3><p>The route would link the \
                     eastern districts with the hospital from next month.</p></div>"
                )
            })
            .collect()
    }

    fn with_url(url: &str) -> ExtractOptions {
        ExtractOptions {
            url: Some(Url::parse(url).expect("test URL")),
            ..ExtractOptions::default()
        }
    }

    #[test]
    fn a_section_front_whose_text_is_its_lead_teaser_is_no_article() {
        let page = |href: &str, name: &str| {
            format!(
                "<html lang=en><head><title>{name} - City News</title></head><body><main>\
                 <h1>{name}</h1><article class=lead-news><a href={href}><img src=/a.jpg></a>\
                 <div class=lead-news__body><h2><a href={href}>Hot water to be switched off \
                 in two districts for pipe tests</a></h2><p>From 26 May to 8 June homes in \
                 the two districts will have no hot water. The heating company published the \
                 schedule and will update it every week.</p></div></article>\
                 <div class=news-list>{}</div></main></body></html>",
                teaser_list(5)
            )
        };
        let url = "https://news.example/society/";
        let lead = "/society/hot-water/";
        let result = extract(
            page(lead, "News of the city's society").as_bytes(),
            &with_url(url),
        );
        assert!(
            matches!(&result, Err(ExtractError::NotArticle { reason }) if reason.contains("teaser")),
            "{result:?}"
        );
        // A post whose headline links to itself (a blog's permalink) stays a story.
        let own = "https://news.example/society/hot-water/";
        let headline = "Hot water to be switched off in two districts for pipe tests";
        let story = extract(page(own, headline).as_bytes(), &with_url(own));
        assert!(story.is_ok(), "{story:?}");
        // Without the page's address nothing tells where the headline leads.
        let unknown = extract(page(lead, headline).as_bytes(), &ExtractOptions::default());
        assert!(unknown.is_ok(), "{unknown:?}");
    }

    #[test]
    fn a_tag_page_whose_text_is_its_description_is_no_article() {
        let page = |headline: &str| {
            format!(
                "<html lang=en><head><title>{headline} - Valley News</title>\
                 <meta property=og:site_name content='Valley News'></head><body>\
                 <main><div class=page-above><h1>{headline}</h1><div class=description>\
                 Latest news, evacuation updates and analysis about the wildfires in the \
                 county and the foothills above it.</div></div><div class=page-content>{}</div></main></body></html>",
                teaser_list(5)
            )
        };
        let opts = with_url("https://news.example/tag/wildfire/");
        let result = extract(page("Wildfire").as_bytes(), &opts);
        assert!(
            matches!(&result, Err(ExtractError::NotArticle { reason }) if reason.contains("list")),
            "{result:?}"
        );
        // A brief under a headline of its own, over a feed of other news, is a story.
        let brief = extract(
            page("Evacuation lifted in three villages near the river").as_bytes(),
            &opts,
        );
        assert!(brief.is_ok(), "{brief:?}");
    }

    #[test]
    fn a_wordpress_archive_or_search_page_is_no_article() {
        let page = |classes: &str| {
            format!(
                "<html lang=en><head><title>Portugal Archives - Two Slow Backpacks</title>\
                 </head><body class='{classes}'><main><h1>Tag: Portugal</h1>\
                 <p>Everything we have written about Portugal: walking the Rota Vicentina and \
                 the Portuguese Camino, eating our way through Porto, and the trains.</p>\
                 <article class='post-1844 post type-post category-walks tag-portugal'>\
                 <h2><a href=/rota/>Walking the Rota Vicentina</a></h2><p>Ten days on the \
                 fishermen's trail from Porto Covo to Odeceixe.</p></article></main>\
                 </body></html>"
            )
        };
        for classes in [
            "archive tag tag-portugal tag-23 wp-custom-logo",
            "archive category category-travel category-5",
            "search search-results et_fixed_nav",
        ] {
            let result = extract(page(classes).as_bytes(), &ExtractOptions::default());
            assert!(
                matches!(&result, Err(ExtractError::NotArticle { reason }) if reason.contains("list")),
                "{classes}: {result:?}"
            );
        }
        // A post, a page, and "archive" alone (a newspaper's archived story).
        for classes in [
            "post-template-default single single-post postid-64457 tag-portugal",
            "page-template-default page page-id-7950",
            "archive article-page",
        ] {
            let result = extract(page(classes).as_bytes(), &ExtractOptions::default());
            assert!(result.is_ok(), "{classes}: {result:?}");
        }
    }

    #[test]
    fn a_players_box_inside_the_story_goes_with_its_clips_title() {
        let paragraph = |n: u32| {
            format!(
                "<p>Paragraph {n} of the story: paramedics treated dozens of people for \
                 heat-related illness across the state on Monday, officials said.</p>"
            )
        };
        let page = |player: &str| {
            format!(
                "<html lang=en><head><title>Heat forces speed limits</title></head><body>\
                 <article><h1>Heat forces speed limits</h1>{}{}{player}{}</article>\
                 </body></html>",
                paragraph(1),
                paragraph(2),
                paragraph(3)
            )
        };
        for player in [
            "<div data-testid=video-player><div><video preload=none></video></div>\
             <div><h3>Western suburbs bake as heatwave hits</h3><span>1:06</span></div></div>",
            "<div class=b-video-player><div class=c-video><div class=powa></div></div>\
             <div class=meta><h2>Watch: Western suburbs bake as heatwave hits</h2>\
             <span>12:41</span></div></div>",
            "<figure class=audio-placeholder><button class=play-button></button><div>\
             <span>Morning Radio</span><span>8:12</span><span>Western suburbs bake as \
             heatwave hits</span></div></figure>",
        ] {
            let article =
                extract(page(player).as_bytes(), &ExtractOptions::default()).expect("article");
            assert!(article.text.contains("Paragraph 3"), "{}", article.text);
            assert!(
                !article.text.contains("Western suburbs"),
                "{player}: {}",
                article.text
            );
        }
        // A time of day in a box without a player is not a clip's duration.
        let event = "<div class=box><h3>Western suburbs bake as heatwave hits</h3>\
                     <span>14:30</span></div>";
        let article = extract(page(event).as_bytes(), &ExtractOptions::default()).expect("article");
        assert!(article.text.contains("Western suburbs"), "{}", article.text);
    }

    #[test]
    fn teasers_of_other_stories_inside_the_story_container_are_left_out() {
        let body = "<p>The commission counted the last ballots on Sunday night, three days \
             after the polls closed, and published the results for every district.</p>\
             <p>Observers said the count was slow but orderly, and that they had seen no \
             ballots added or removed at the stations they visited.</p>\
             <p>The opposition said it would challenge the results in two districts where \
             turnout was higher than the number of registered voters.</p>";
        let teaser = |title: &str, standfirst: &str| {
            format!(
                "<div class=block><h4><strong>Opinion</strong> <a href=/opinion/{title}>{title} \
                 and what it means</a></h4><a href=/opinion/{title}><img src=/t.jpg></a>\
                 <p class=standfirst>{standfirst}</p></div>"
            )
        };
        let page = format!(
            "<html lang=en><head><title>Count ends</title></head><body><div class=story>\
             <h1>Count ends</h1><div class=body>{body}</div><div class=group><h2>Other columns</h2>\
             {}{}</div>\
             <div class=section><h3><a href=/districts>The two districts</a></h3>\
             <p>In the first district, 104 percent of registered voters cast a ballot, the \
             commission's own figures show, against 61 percent nationally.</p>\
             <p>In the second, the count was stopped twice after observers were asked to \
             leave the room, the mission said in its statement on Monday.</p></div>\
             </div></body></html>",
            teaser(
                "Lasting legacy",
                "A prime minister controversially installed, soundly elected and re-elected."
            ),
            teaser(
                "Wave of stupidity",
                "How is it that absurd ideas capture people's imagination so easily?"
            ),
        );
        let article = extract(page.as_bytes(), &ExtractOptions::default()).expect("article");
        assert!(
            article.text.contains("published the results"),
            "{}",
            article.text
        );
        assert!(
            !article.text.contains("controversially installed"),
            "{}",
            article.text
        );
        assert!(!article.text.contains("absurd ideas"), "{}", article.text);
        // A section of the story under a linked heading holds prose, and stays.
        assert!(article.text.contains("104 percent"), "{}", article.text);
        assert!(article.text.contains("stopped twice"), "{}", article.text);
    }

    #[test]
    fn linked_headings_over_sections_of_the_story_stay() {
        let review = |name: &str| {
            format!(
                "<h3><a href=https://shop.example/{name}>“{name}” ($20)</a></h3>\
                 <div class=embed><iframe src=https://video.example/{name}></iframe></div>\
                 <p>{name} is a rhythm game that is also a gorgeous, unsettling and totally \
                 captivating assault on the senses. With simple controls and a plain premise, \
                 click the button in time with the music as you barrel down a neon highway, \
                 it is one of the rare games that works as well in and out of the headset. \
                 Play it there; it is marvelous.</p>"
            )
        };
        let page = |body: &str| {
            format!(
                "<html lang=en><head><title>The best games so far</title></head><body>\
                 <article><h1>The best games so far</h1>{body}</article></body></html>"
            )
        };
        let intro = "<p>We have put together this list of the games worth considering this \
                     autumn, from cult hits to new releases, each tried for a week.</p>";
        let list = page(&format!("{intro}{}{}", review("Thumper"), review("Rez")));
        let article = extract(list.as_bytes(), &ExtractOptions::default()).expect("article");
        assert!(article.text.contains("“Thumper” ($20)"), "{}", article.text);
        assert!(article.text.contains("“Rez” ($20)"), "{}", article.text);

        // Another story's linked headline over its short standfirst is a teaser.
        let teaser = page(&format!(
            "{intro}{}<h3><a href=/news/other>Observers leave the count early</a></h3>\
             <p>The mission said its staff were asked to leave the room twice.</p>",
            review("Thumper")
        ));
        let article = extract(teaser.as_bytes(), &ExtractOptions::default()).expect("article");
        assert!(article.text.contains("“Thumper” ($20)"), "{}", article.text);
        assert!(
            !article.text.contains("Observers leave the count"),
            "{}",
            article.text
        );

        // Another story's headline links within the site, even over a long standfirst.
        let long_lead = list.replace("https://shop.example/Rez", "/news/rez");
        let article = extract(long_lead.as_bytes(), &ExtractOptions::default()).expect("article");
        assert!(article.text.contains("“Thumper” ($20)"), "{}", article.text);
        assert!(!article.text.contains("“Rez” ($20)"), "{}", article.text);
        let on_site = ExtractOptions {
            url: url::Url::parse("https://shop.example/best-games").ok(),
            ..ExtractOptions::default()
        };
        let article = extract(list.as_bytes(), &on_site).expect("article");
        assert!(
            !article.text.contains("“Thumper” ($20)"),
            "{}",
            article.text
        );

        // A download link under the headline, with no paragraph before it, heads nothing.
        let download =
            page(&review("Thumper").replace("“Thumper” ($20)</a>", "MP3 download</a> (01:00 h)"));
        let article = extract(download.as_bytes(), &ExtractOptions::default()).expect("article");
        assert!(!article.text.contains("MP3 download"), "{}", article.text);
        assert!(article.text.contains("rhythm game"), "{}", article.text);
    }

    #[test]
    fn a_labelled_box_of_teasers_inside_the_story_goes_with_their_standfirsts() {
        let teaser = |n: u32, lead: &str| {
            format!("<h4><a href=/news/{n}>Другая новость района номер {n}</a></h4><p>{lead}</p>")
        };
        let page = |label: &str, teasers: &str| {
            format!(
                "<html lang=ru><head><title>Встреча жителей с администрацией</title></head><body>                 <article><h1>Встреча жителей с администрацией</h1>                 <p>Сегодня в центре города прошла встреча жителей с представителями районной                  администрации. Обсуждали ремонт дорог, освещение дворов и работу транспорта.</p>                 <p>По словам участников, большинство обращений касалось состояния тротуаров                  после зимы. Администрация пообещала подготовить план работ до конца месяца.</p>                 {label}{teasers}                 <p>Отдельно участники встречи говорили о маршрутах автобусов: вечером интервалы                  движения доходят до сорока минут, и жителям окраин приходится идти пешком.</p>                 <p>В администрации ответили, что перевозчик получит новые автобусы летом, и                  тогда интервалы сократятся вдвое. Следующая встреча назначена на май.</p>                 <p>Жители попросили провести её вечером, чтобы могли прийти работающие люди, и                  администрация согласилась.</p></article></body></html>"
            )
        };
        let two = format!(
            "{}{}",
            teaser(1, "Комиссия осмотрит дома до конца недели."),
            teaser(2, "Работы начнутся в апреле и займут месяц.")
        );
        let boxed = page("<h3>Читайте также</h3>", &two);
        let article = extract(boxed.as_bytes(), &ExtractOptions::default()).expect("article");
        assert!(!article.text.contains("Читайте также"), "{}", article.text);
        assert!(
            !article.text.contains("Комиссия осмотрит"),
            "{}",
            article.text
        );
        assert!(
            !article.text.contains("Работы начнутся"),
            "{}",
            article.text
        );
        assert!(
            article.text.contains("маршрутах автобусов"),
            "{}",
            article.text
        );
        assert!(
            article.text.contains("администрация согласилась"),
            "{}",
            article.text
        );

        // Without the label the standfirsts stay: a list of the site's own pages, each
        // linked from its heading, is as likely.
        let unlabelled = page("", &two);
        let article = extract(unlabelled.as_bytes(), &ExtractOptions::default()).expect("article");
        assert!(
            article.text.contains("Комиссия осмотрит"),
            "{}",
            article.text
        );

        // A box of one link over the story going on: the paragraph stays.
        let one = page(
            "<p>Читайте также:</p>",
            &teaser(
                1,
                "Жители также спросили о сроках ремонта школы, и им ответили, что он начнётся летом.",
            ),
        );
        let article = extract(one.as_bytes(), &ExtractOptions::default()).expect("article");
        assert!(
            article.text.contains("сроках ремонта школы"),
            "{}",
            article.text
        );
    }

    #[test]
    fn an_appeal_to_give_inside_the_story_goes_in_any_language() {
        let page = |class: &str| {
            format!(
                "<html lang=uk><head><title>Як документують свідчення</title></head><body>\
                 <article><h1>Як документують свідчення</h1>\
                 <p>Мобільна група працює в селах області з весни, записуючи свідчення людей, \
                 які пережили окупацію, і передає їх до прокуратури.</p>\
                 <p>Кожне свідчення записується за згодою, ми пояснюємо, де воно зберігатиметься \
                 і хто матиме до нього доступ.</p>\
                 <div class='{class}'><h3>Підтримайте нашу роботу</h3><p>Один виїзд мобільної \
                 групи коштує близько 4 500 гривень.</p><a href=/donate>Зробити внесок</a></div>\
                 <p>Частина справ уже дійшла до суду, і торік суд послався на свідчення, які \
                 записала наша група, у вироку щодо катувань.</p></article></body></html>"
            )
        };
        let text = |class: &str| {
            extract(page(class).as_bytes(), &ExtractOptions::default())
                .expect("article")
                .text
        };
        for class in ["svd-support", "dg-epic", "kg-cta-card"] {
            let text = text(class);
            assert!(!text.contains("Підтримайте"), "{class}: {text}");
            assert!(!text.contains("виїзд мобільної"), "{class}: {text}");
            assert!(text.contains("дійшла до суду"), "{class}: {text}");
        }
        // An unnamed box is the story's, as far as its class tells.
        assert!(text("box").contains("виїзд мобільної"));
    }

    #[test]
    fn the_next_storys_teaser_under_the_story_goes() {
        let page = |next_heading: &str| {
            format!(
                "<html lang=az><head><title>Bakıda yeni velosiped zolaqları</title></head><body>\
                 <main><div class=wrap><article><h1>Bakıda yeni velosiped zolaqları</h1>\
                 <p>Paytaxtın mərkəzində ilk velosiped zolaqları bu həftə istifadəyə verilir, \
                 layihənin birinci mərhələsi 12 kilometri əhatə edir.</p>\
                 <p>İkinci mərhələdə, 2026-cı ilin sonunadək şəbəkənin uzunluğunun 45 \
                 kilometrə çatdırılması və Bakı bulvarı ilə birləşdirilməsi planlaşdırılır.</p>\
                 <p>Mütəxəssislər layihəni müsbət qiymətləndirsələr də, sürücülərin zolaqlarda \
                 park etməsinin qarşısının alınmasının vacib olduğunu deyirlər.</p></article>\
                 <section class=xb-next><div>Növbəti xəbər</div>{next_heading}\
                 <div>15 aprel 2025, 13:55</div><div><p>Taksi operatorları üçün vahid tarif \
                 qaydalarının layihəsi hazırlanır, qiymət artımı 50 faizlə məhdudlaşdırılacaq.</p>\
                 <p>Sənədin may ayında ictimai müzakirəyə çıxarılması gözlənilir, sürücülər \
                 assosiasiyası layihəni dəstəkləyir.</p></div></section></div></main></body></html>"
            )
        };
        let text = |html: String| {
            extract(html.as_bytes(), &ExtractOptions::default())
                .expect("article")
                .text
        };
        let teaser = text(page(
            "<h2><a href=/az/iqtisadiyyat/taksi-2041861>Bakıda taksi tarifləri ilə bağlı \
             yeni qaydalar</a></h2>",
        ));
        assert!(teaser.contains("park etməsinin"), "{teaser}");
        assert!(!teaser.contains("vahid tarif"), "{teaser}");
        assert!(!teaser.contains("ictimai müzakirəyə"), "{teaser}");
    }

    #[test]
    fn the_next_story_an_endless_page_printed_after_a_divider_goes() {
        // The divider's label stands before the next story's box; the box holds its date,
        // its linked headline in a block named for a title, and its text.
        let page = |divider: &str| {
            format!(
                "<html lang=az><head><title>Avtobuslarda kartla ödəniş</title></head><body>\
                 <div class=endless><div class=article><h1>Avtobuslarda kartla ödəniş</h1>\
                 <div class=article__body><p>Bakı avtobuslarında gediş haqqını bank kartı ilə \
                 ödəmək mümkün olacaq, agentlik yeni validatorları quraşdırıb.</p>\
                 <p>Sistem ilk mərhələdə mərkəzi küçələrdən keçən marşrutlarda tətbiq edilir, il \
                 ərzində bütün marşrutlar yeni sistemə keçəcək.</p><p>Agentlik sərnişinlərdən \
                 BakıKart-ı da özləri ilə götürmələrini xahiş edir.</p></div></div>\
                 <div class=divider>{divider}</div><div class=\"article article--next\">\
                 <div class=article__meta>08:47 21.01.2025</div><div class=article__title><a \
                 href=/az/20250121/sabah-qar.html>Sabah Bakıda qar yağacaq</a></div>\
                 <div class=article__body><p>Yanvarın 22-də Bakıda hava şəraitinin kəskin \
                 dəyişəcəyi gözlənilir, axşam yağışın qara keçəcəyi ehtimalı var.</p>\
                 <p>Sürücülərə yollarda diqqətli olmaları tövsiyə olunur.</p></div></div>\
                 </div></body></html>"
            )
        };
        let text = |html: String| {
            extract(html.as_bytes(), &ExtractOptions::default())
                .expect("article")
                .text
        };
        let story = text(page("Növbəti material"));
        assert!(story.contains("BakıKart-ı"), "{story}");
        assert!(!story.contains("qara keçəcəyi"), "{story}");
        assert!(!story.contains("Növbəti material"), "{story}");
        // A divider that says something else leaves the box to the story.
        let story = text(page("Foto"));
        assert!(story.contains("qara keçəcəyi"), "{story}");
    }

    fn portal_page(main: &str) -> String {
        format!(
            "<html lang=ru><head><title>График работы участков | Портал</title></head><body>\
             <nav><a href=/>Главная</a> <a href=/politics>Политика</a></nav>\
             <main>{main}</main><footer>© 2024 Портал</footer></body></html>"
        )
    }

    #[test]
    fn a_story_that_is_a_list_is_read_from_its_headline() {
        let page = portal_page(
            "<article><h1>График работы участков</h1><div class=date>10.03.2024</div><ul>\
             <li>Участки открываются в 8:00</li><li>Участки закрываются в 19:00</li>\
             <li>Паспорт обязателен</li><li>Голосование на дому по заявке</li></ul></article>",
        );
        let article = extract(page.as_bytes(), &ExtractOptions::default()).expect("an article");
        assert_eq!(
            article.text,
            "- Участки открываются в 8:00\n- Участки закрываются в 19:00\n\
             - Паспорт обязателен\n- Голосование на дому по заявке"
        );
        assert_eq!(article.published.as_deref(), Some("2024-03-10"));

        let page = portal_page(
            "<article><h1>График работы участков</h1><div class=date>12.03.2024</div><table>\
             <tr><th>Участок</th><th>Явка</th><th>Победитель</th></tr>\
             <tr><td>№ 1</td><td>41%</td><td>Иванов</td></tr>\
             <tr><td>№ 2</td><td>38%</td><td>Петров</td></tr>\
             <tr><td>№ 3</td><td>45%</td><td>Сидоров</td></tr></table></article>",
        );
        let article = extract(page.as_bytes(), &ExtractOptions::default()).expect("an article");
        assert!(
            article
                .text
                .starts_with("Участок | Явка | Победитель\n№ 1 | 41% | Иванов"),
            "{}",
            article.text
        );
    }

    #[test]
    fn a_section_page_under_the_headline_stays_not_an_article() {
        let links: String = (0..12)
            .map(|i| format!("<li><a href=/n{i}>Участок номер {i} открылся вовремя</a></li>"))
            .collect();
        let teasers: String = (0..6)
            .map(|i| format!("<div><h3><a href=/n{i}>Новость {i}</a></h3><div>Описание новости {i}</div></div>"))
            .collect();
        for main in [
            format!("<h1>График работы участков</h1><ul>{links}</ul>"),
            format!("<h1>График работы участков</h1>{teasers}"),
        ] {
            let page = portal_page(&main);
            let result = extract(page.as_bytes(), &ExtractOptions::default());
            assert!(
                matches!(result, Err(ExtractError::NotArticle { .. })),
                "{main}: {result:?}"
            );
        }
    }

    #[test]
    fn a_sites_error_page_is_no_article() {
        let page = |title: &str, text: &str| {
            format!(
                "<html lang=ru><head><title>{title} - Вечерний Заречинск</title></head><body>\
                 <nav><a href=/>Главная</a> <a href=/news>Новости</a></nav><main><h1>{title}</h1>\
                 <p>{text}</p></main><aside><ul><li><a href=/n/1>Мост через Вятку закроют \
                 для грузовиков с 15 февраля</a></li></ul></aside></body></html>"
            )
        };
        let apology = "Возможно, она была удалена или перемещена, либо в адресе допущена \
            ошибка. Попробуйте начать с главной страницы сайта или воспользуйтесь поиском.";
        for title in ["Страница не найдена", "404 – Page not found", "Error 404"]
        {
            let result = extract(page(title, apology).as_bytes(), &ExtractOptions::default());
            assert!(
                matches!(&result, Err(ExtractError::NotArticle { reason }) if reason.contains("error page")),
                "{title}: {result:?}"
            );
        }
        // A story about such pages has a headline of its own, or much more text.
        let story = "Сайт городской администрации три дня отвечал посетителям ошибкой, \
            сообщили в мэрии. Причиной стал сбой при переносе сервера в новый центр обработки \
            данных, работу восстановили в пятницу вечером. "
            .repeat(4);
        for (title, text) in [
            ("Почему сайт мэрии показывал «Страница не найдена»", apology),
            ("Страница не найдена", story.as_str()),
        ] {
            assert!(
                extract(page(title, text).as_bytes(), &ExtractOptions::default()).is_ok(),
                "{title}"
            );
        }
    }

    #[test]
    fn a_dated_item_its_publisher_declares_an_article_may_be_a_line() {
        let video = |head: &str, line: &str| {
            format!(
                "<html lang=ru><head>{head}<title>Президент провел встречу с делегацией</title>\
                 </head><body><nav><a href=/>Главная</a> <a href=/video>Видео</a></nav><main>\
                 <article><h1>Президент провел встречу с делегацией</h1>\
                 <div class=date>12.03.2024, 14:05</div><iframe src=/embed/1></iframe>\
                 <p>{line}</p></article></main></body></html>"
            )
        };
        let declared = "<meta property=og:type content=article>";
        let article = extract(
            video(declared, "Встреча прошла в Баку").as_bytes(),
            &ExtractOptions::default(),
        )
        .expect("a declared, dated item");
        assert_eq!(article.text, "Встреча прошла в Баку");
        assert_eq!(article.published.as_deref(), Some("2024-03-12"));
        // A photo of the day: its one caption is the line.
        let photo = video(declared, "").replace(
            "<iframe src=/embed/1></iframe>",
            "<figure><img src=/1.jpg><figcaption>Снег на улицах столицы в пятницу</figcaption></figure>",
        );
        let article =
            extract(photo.as_bytes(), &ExtractOptions::default()).expect("a declared photo item");
        assert_eq!(article.text, "Снег на улицах столицы в пятницу");
        // Undeclared under its dated headline, its caption must be a brief's sentence.
        let sentence =
            "Утром в субботу Ботанический сад укрыло мокрым снегом, кусты укрыли лапником.";
        let photo = |caption: &str| {
            video("", "").replace(
                "<iframe src=/embed/1></iframe>",
                &format!("<figure><img src=/1.jpg><figcaption>{caption}</figcaption></figure>"),
            )
        };
        let article = extract(photo(sentence).as_bytes(), &ExtractOptions::default())
            .expect("a dated photo item");
        assert_eq!(article.text, sentence);
        let line = photo("Снег на улицах столицы в пятницу");
        assert!(extract(line.as_bytes(), &ExtractOptions::default()).is_err());
        // Undeclared, or with only a byline and date under the headline, it is no article.
        for (head, line) in [
            ("", "Встреча прошла в Баку"),
            (declared, "Автор: Иван Петров, 12 марта 2024"),
            (declared, "Видео"),
        ] {
            let result = extract(video(head, line).as_bytes(), &ExtractOptions::default());
            assert!(
                matches!(result, Err(ExtractError::NotArticle { .. })),
                "{head} {line}: {result:?}"
            );
        }
    }

    fn gallery_page(figures: &str) -> String {
        format!(
            "<html lang=en><head><title>In pictures: election day | Monitor</title></head><body>\
             <nav><a href=/>Home</a> <a href=/photo>Photo</a></nav>\
             <article><h1>In pictures: election day</h1>{figures}</article>\
             <aside><figure><img src=/x.jpg><figcaption>Readers' favourite: spring in the \
             mountains, a week of sunshine</figcaption></figure></aside>\
             <footer>© 2024 Monitor</footer></body></html>"
        )
    }

    #[test]
    fn a_photo_story_with_an_introduction_keeps_its_captions() {
        let captions = [
            "Rəna xala 62 yaşındadır və 40 ildən çoxdur ki, barama açır. Qaynar suya atılan \
             baramalardan o, bir neçə saniyəyə nazik sap tapıb çəkməyə başlayır.",
            "Bir kəlağayı üçün təxminən 500 barama lazımdır. Açılmış xam ipək çiləyə sarınır \
             və bir neçə gün kölgədə qurudulur.",
            "Boyaqxanada rənglər hələ də təbii üsulla alınır: qırmızı rəng boyaqotunun \
             kökündən, sarı rəng zəfərandan, qara rəng isə qoz qabığından hazırlanır.",
            "Taxta qəliblər armud ağacından oyulur. Hər naxış üçün ayrıca qəlib lazımdır və \
             ustalar onları nəsildən-nəslə ötürür.",
        ];
        let figures: String = captions
            .iter()
            .map(|c| format!("<figure><img src=/1.jpg><figcaption>{c}</figcaption></figure>"))
            .collect();
        let page = |intro: &str| {
            format!(
                "<html lang=az><head><title>Şəkinin son kəlağayı ustaları</title></head><body>\
                 <nav><a href=/>Ana səhifə</a></nav><article><h1>Şəkinin son kəlağayı \
                 ustaları</h1>{intro}{figures}</article><footer>© 2024</footer></body></html>"
            )
        };
        let text = |html: String| {
            extract(html.as_bytes(), &ExtractOptions::default())
                .expect("article")
                .text
        };
        let intro = "<p>Şəki kəlağayısı yüz illərdir Azərbaycan qadınlarının geyiminin bir \
                     hissəsidir. Bu gün onu əl ilə hazırlayan ustaların sayı bir neçə ailəyə \
                     qədər azalıb.</p>";
        let story = text(page(intro));
        assert!(story.starts_with("Şəki kəlağayısı"), "{story}");
        assert!(story.contains("40 ildən çoxdur"), "{story}");
        assert!(story.contains("armud ağacından"), "{story}");
        // A story the photographs illustrate has more text than their captions.
        let long: String = (1..=5)
            .map(|n| intro.replace("</p>", &format!(" Bu, {n}-ci hissədir.</p>")))
            .collect();
        let story = text(page(&long));
        assert!(!story.contains("40 ildən çoxdur"), "{story}");
        // A template's gallery: each picture's caption in a block named for one.
        let items: String = captions
            .iter()
            .map(|c| {
                format!(
                    "<div class=photo-report__item><a href=/1.jpg><img src=/1.jpg></a>\
                     <div class=photo-report__caption>{c}</div></div>"
                )
            })
            .collect();
        let story = text(page(intro).replace(&figures, &items));
        assert!(story.contains("40 ildən çoxdur"), "{story}");
        assert!(story.contains("armud ağacından"), "{story}");
    }

    #[test]
    fn many_captions_tell_a_photo_story_once_they_hold_as_much_as_its_text() {
        let captions = [
            "Праздник открыли шествием районных делегаций по главной аллее",
            "На подворье Лаишевского района гостей угощали горячим чак-чаком",
            "Финал борьбы корэш: батыр праздника укладывает соперника на лопатки",
            "Бой мешками на бревне — одно из самых зрелищных состязаний дня",
            "Юные наездники выводят лошадей на старт скачек у трибуны",
            "Праздник завершился концертом и общим хороводом у сцены",
        ];
        let page = |count: usize| {
            let figures: String = captions[..count]
                .iter()
                .map(|c| format!("<figure><img src=/1.jpg><figcaption>{c}</figcaption></figure>"))
                .collect();
            format!(
                "<html lang=ru><head><title>Сабантуй в Казани</title></head><body><article>\
                 <h1>Сабантуй в Казани</h1><p>В субботу в Казани прошёл главный летний \
                 праздник республики, куда за день пришли около шестидесяти тысяч человек.</p>\
                 <p>Мы собрали самые яркие моменты праздника в фоторепортаже нашего \
                 фотографа.</p>{figures}</article></body></html>"
            )
        };
        let text = |html: String| {
            extract(html.as_bytes(), &ExtractOptions::default())
                .expect("article")
                .text
        };
        let story = text(page(6));
        assert!(story.contains("горячим чак-чаком"), "{story}");
        assert!(story.contains("общим хороводом"), "{story}");
        // Three captions holding less than twice the text illustrate it.
        let story = text(page(3));
        assert!(!story.contains("горячим чак-чаком"), "{story}");
    }

    #[test]
    fn a_photo_story_is_its_captions() {
        let figures = [
            "Voters queue outside a polling station in the capital early on Sunday.",
            "An observer checks the seals on a ballot box.",
            "Counting begins after polls close at 8 p.m.",
            "Counting begins after polls close at 8 p.m.",
        ]
        .map(|c| format!("<figure><img src=/1.jpg><figcaption>{c}</figcaption></figure>"))
        .concat();
        let article = extract(
            gallery_page(&figures).as_bytes(),
            &ExtractOptions::default(),
        )
        .expect("article");
        assert_eq!(
            article.text,
            "Voters queue outside a polling station in the capital early on Sunday.\n\n\
             An observer checks the seals on a ballot box.\n\n\
             Counting begins after polls close at 8 p.m."
        );
        // Teaser cards: captions that are links are other stories' headlines.
        let teasers = [
            "Observers report queues in the capital",
            "The commission publishes turnout",
            "Counting ends in the mountain villages",
        ]
        .map(|c| {
            format!("<figure><img src=/1.jpg><figcaption><a href=/s>{c}</a></figcaption></figure>")
        })
        .concat();
        assert!(
            extract(
                gallery_page(&teasers).as_bytes(),
                &ExtractOptions::default()
            )
            .is_err()
        );
    }

    #[test]
    fn a_story_only_in_noscript_is_read_from_there() {
        let story = "<p>Over the past few years we have seen threats on the web becoming \
             increasingly sophisticated, and phishing sites rotate domains very quickly.</p>\
             <p>That is why today we are announcing an enhanced protection mode for users \
             who want a more advanced level of security while browsing the web.</p>\
             <p>It checks pages and downloads against the newest lists of dangerous sites, \
             and warns before a password is typed into a page known to steal them.</p>\
             <p>Turning it on gives faster and more proactive protection against attacks.</p>";
        let page = noscript_page(story, "");
        let article = extract(page.as_bytes(), &ExtractOptions::default()).expect("article");
        assert!(
            article
                .text
                .starts_with("Over the past few years we have seen threats"),
            "{}",
            article.text
        );
        assert!(
            article.text.ends_with("against attacks."),
            "{}",
            article.text
        );
        assert!(!article.text.contains("latest news"), "{}", article.text);
        assert_eq!(article.title.as_deref(), Some("Safer browsing"));
        assert_eq!(article.lang.as_deref(), Some("en"));
        // The crawler's path gives the same.
        let opts = ExtractOptions::default();
        let parsed = ParsedPage::parse(page.as_bytes(), &opts);
        assert_eq!(
            extract_parsed(&parsed.dom(), &opts).map(|e| e.article),
            Ok(article)
        );
    }

    #[test]
    fn a_dated_brief_of_one_sentence_is_an_article() {
        let page = |date: &str, line: &str| {
            format!(
                "<html lang=ru><head><title>Мост закроют для грузовиков</title>{date}</head><body>\
                 <div class=m><a href=/>Главная</a> <a href=/n>Лента</a></div>\
                 <div class=c><h1>Мост закроют для грузовиков</h1><p>{line}</p></div>\
                 <div class=f><a href=/1>Цены на топливо выросли</a></div></body></html>"
            )
        };
        let date = "<meta property='article:published_time' content='2025-02-12T10:40:00+03:00'>";
        let sentence = "Мост через Вятку закроют для грузовиков с 15 февраля.";
        let article = extract(page(date, sentence).as_bytes(), &ExtractOptions::default())
            .expect("a dated brief is an article");
        assert_eq!(article.text, sentence);
        assert_eq!(
            article.published.as_deref(),
            Some("2025-02-12T10:40:00+03:00")
        );
        // Without its date, or with a label in place of a sentence, it is too little.
        for (date, line) in [("", sentence), (date, "Мост через Вятку: все новости")]
        {
            assert!(matches!(
                extract(page(date, line).as_bytes(), &ExtractOptions::default()),
                Err(ExtractError::NotArticle { .. })
            ));
        }
    }

    #[test]
    fn noscript_is_read_only_when_the_page_has_no_story_of_its_own() {
        let copy = "<p>A copy of the story for readers without scripts, long enough to count \
             as prose if it were read, which it must not be, since the page has its own.</p>"
            .repeat(3);
        let own = "<article><p>The story itself, as the page shows it to every reader, with \
             enough words in it to be an article of its own, and then some more words.</p>\
             <p>A second paragraph of the story, also long enough to be read as prose.</p></article>";
        let article = extract(
            noscript_page(&copy, own).as_bytes(),
            &ExtractOptions::default(),
        )
        .expect("article");
        assert!(
            article.text.starts_with("The story itself"),
            "{}",
            article.text
        );
        assert!(
            !article.text.contains("A copy of the story"),
            "{}",
            article.text
        );
        // A notice to enable JavaScript is no story.
        let notice = format!(
            "<p>Please enable JavaScript to view this site.</p>{}",
            " ".repeat(600)
        );
        assert!(matches!(
            extract(
                noscript_page(&notice, "").as_bytes(),
                &ExtractOptions::default()
            ),
            Err(ExtractError::NotArticle { .. })
        ));
    }

    #[test]
    fn parsing_once_gives_what_extract_gives() {
        let opts = ExtractOptions::default();
        let page = ParsedPage::parse(PAGE.as_bytes(), &opts);
        assert_eq!(page.encoding(), "UTF-8");
        let dom = page.dom();
        let links = (0..dom.len()).filter(|&i| dom.is_link(i)).count();
        assert_eq!(links, 2);
        assert_eq!(
            extract_parsed(&dom, &opts),
            extract_full(PAGE.as_bytes(), &opts)
        );
        assert!(extract_parsed(&dom, &opts).is_ok());
    }

    #[test]
    fn emphasised_end_notes_go_emphasised_story_text_stays() {
        let page = "<html lang=en><body><article><h1>Turnout low</h1>\
            <p><em>Officials blamed the weather for the lowest turnout since 1995.</em></p>\
            <p>Turnout in the capital was lower than at any election since 1995, officials said on Monday.</p>\
            <p><strong>Observers said queues formed early at some polling stations.</strong></p>\
            <p>Observers reported queues at some polling stations, but no serious incidents, the mission said.</p>\
            <p><i>This article was originally published by the Election Monitor.</i></p>\
            <p><b>Jane Doe</b> <b>is a reporter at the Election Monitor.</b></p>\
            </article></body></html>";
        let text = extract(page.as_bytes(), &ExtractOptions::default())
            .expect("article")
            .text;
        assert!(text.starts_with("Officials blamed the weather"), "{text}");
        assert!(
            text.contains("Observers said queues formed early"),
            "{text}"
        );
        assert!(
            text.ends_with("no serious incidents, the mission said."),
            "{text}"
        );

        // The same note set in plain type is the author's own closing line: kept.
        let plain = page
            .replace("<i>This", "This")
            .replace("Monitor.</i>", "Monitor.");
        let text = extract(plain.as_bytes(), &ExtractOptions::default())
            .expect("article")
            .text;
        assert!(text.contains("originally published"), "{text}");
        assert!(!text.contains("Jane Doe"), "{text}");
    }

    #[test]
    fn parsed_empty_and_binary_input_give_extract_errors() {
        let opts = ExtractOptions::default();
        for input in [&b" \n "[..], &[0u8, 1, 2, 3, 0xff, 0xfe, 7, 8][..]] {
            let page = ParsedPage::parse(input, &opts);
            let parsed = extract_parsed(&page.dom(), &opts);
            assert!(parsed.is_err());
            assert_eq!(parsed, extract_full(input, &opts));
        }
    }

    #[test]
    fn a_dotted_date_on_a_us_english_page_is_read_by_the_markup() {
        let page = |markup: &str, shown: &str| {
            format!(
                "<html lang=en-US><head><title>Smog returns to the city</title>\
                 <script type=application/ld+json>{{\"@type\":\"NewsArticle\",\
                 \"headline\":\"Smog returns to the city\",\"datePublished\":\"{markup}\"}}\
                 </script></head><body><article><h1>Smog returns to the city</h1>\
                 <div class=meta><time class=entry-date>{shown}</time></div>\
                 <p>{}</p></article></body></html>",
                "Air quality fell to very unhealthy levels on Friday as temperatures dropped \
                 and thousands of homes lit coal stoves, the monitoring service said. "
                    .repeat(3)
            )
        };
        // A site outside the US whose template declares US English writes the day first;
        // Engadget writes the month first. The markup's day settles which.
        for (markup, shown, published) in [
            (
                "2024-01-12T14:20:00+06:00",
                "12.01.2024",
                "2024-01-12T14:20:00+06:00",
            ),
            ("2017-11-03", "11.03.17", "2017-11-03"),
        ] {
            let article = extract(page(markup, shown).as_bytes(), &ExtractOptions::default())
                .expect("an article");
            assert_eq!(article.published.as_deref(), Some(published), "{shown}");
        }
    }

    #[test]
    fn markup_in_a_json_ld_body_is_read_as_text_by_blocks() {
        let body = "<p>First <b>bold</b> line.</p><script>var x = '<p>';</script>\
            <div><div>Second &amp; last</div></div><noscript>No script</noscript>";
        assert_eq!(
            markup_text(body).trim(),
            "First bold line.\n\nSecond & last"
        );
        let page = format!(
            "<html><head><script type=\"application/ld+json\">{{\"@type\":\"NewsArticle\",\
             \"articleBody\":\"{}\"}}</script></head><body><div id=app></div></body></html>",
            "<p>Turnout in the capital was the lowest since 1995, officials said.</p>\
             <p>Observers reported queues at some polling stations, the mission said.</p>"
        );
        let text = extract(page.as_bytes(), &ExtractOptions::default())
            .expect("article")
            .text;
        assert_eq!(
            text,
            "Turnout in the capital was the lowest since 1995, officials said.\n\n\
             Observers reported queues at some polling stations, the mission said."
        );
    }
}
