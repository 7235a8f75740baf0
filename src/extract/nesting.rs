//! A cap on element nesting, applied to the tokens between html5ever's tokenizer and its
//! tree builder.
//!
//! The HTML tree builder checks "has an element in scope" for many start tags (every `<div>`,
//! `<p>`, `<ul>`… closes an open `<p>` first), and that check walks the stack of open
//! elements. With N nested elements parsing costs O(N²): 100 000 nested `<div>`s (600 KB)
//! take minutes in html5ever, a denial of service for a crawler. Browsers cap the tree depth
//! (Chromium at 512) for the same reason. We drop start tags that would open an element
//! deeper than the cap, together with their end tags, so their content is kept, attached to
//! the deepest allowed ancestor. The filter is linear and leaves every real page untouched.
//!
//! It sits between tokenizer and tree builder, not on the text: there the tokenizer has
//! already decided what is markup (a `<div>` inside a script, a comment, a `<noscript>` or an
//! attribute value is not), and no second pass over the page is needed.
//!
//! Depth is not what the tags say it is: an end tag may close many elements or none (a stray
//! `</section>`), and `<div/>` opens a `<div>` like `<div>` does. Counting start and end tags
//! let 100 000 `<div/>`s or `<div></section>` pairs through, minutes of parsing again. So
//! the cap keeps an upper bound instead, the tree builder's open elements when they were
//! last counted plus every start tag since, and counts them again only when the bound
//! reaches the cap: on a real page once every couple of hundred start tags, at a cost of
//! its depth.
//!
//! The same filter caps how many nodes a page may make. Tags are not nodes: each `<p>` can
//! reopen a dozen formatting elements that the one before it closed (the tree builder's
//! "reconstruct the active formatting elements"), so 200 KB of `<p>x` made 700 000 nodes
//! and 125 MB of tree; 1M `<br>` made 180 MB. Every node costs the extractor about 200
//! bytes of working memory, so once the sink has made [`BASE_NODES`] plus one node per
//! [`BYTES_PER_NODE`] bytes of the page, the cap passes only text: tags, comments and
//! doctypes are dropped (the text they wrap is kept, in the element that was open), and
//! what scripts, styles and the like hold is dropped with them. Peak memory is then
//! bounded by a multiple of the input, whatever markup it is made of.

use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::marker::PhantomData;

use html5ever::tokenizer::states::RawKind;
use html5ever::tokenizer::{Tag, TagKind, Token, TokenSink, TokenSinkResult};
use html5ever::tree_builder::{Tracer, TreeBuilder, TreeSink};
use html5ever::{LocalName, local_name};

/// Deepest element nesting kept. Real pages stay far below 100; browsers cap at 512.
pub const MAX_NESTING: usize = 256;

/// Nodes any page may make, whatever its size.
pub const BASE_NODES: usize = 10_000;

/// Beyond [`BASE_NODES`], one node per this many bytes of the page. The densest page of the
/// evaluation corpus has a node per 13 bytes (25 523 nodes in 331 KB) and uses 59 % of its
/// allowance; the median page spends about 40 bytes per node.
pub const BYTES_PER_NODE: usize = 10;

/// Most nodes a page of `len` bytes may make.
pub fn node_budget(len: usize) -> usize {
    BASE_NODES + len / BYTES_PER_NODE
}

/// What the cap needs to know of the sink it feeds.
pub trait OpenElements {
    /// At least the number of elements the sink holds open, counted now.
    fn open_elements(&self) -> usize;
    /// The nodes the sink has made so far.
    fn nodes_made(&self) -> usize;
}

/// A tree sink that counts the nodes it makes.
pub trait CountsNodes {
    fn nodes_made(&self) -> usize;
}

impl<Handle, Sink> OpenElements for TreeBuilder<Handle, Sink>
where
    Handle: Clone,
    Sink: TreeSink<Handle = Handle> + CountsNodes,
{
    fn nodes_made(&self) -> usize {
        self.sink.nodes_made()
    }

    /// Every handle the tree builder holds: the open elements, the active formatting
    /// elements (which it may reopen), the document and the head and form pointers.
    fn open_elements(&self) -> usize {
        struct Count<H>(Cell<usize>, PhantomData<H>);
        impl<H> Tracer for Count<H> {
            type Handle = H;
            fn trace_handle(&self, _: &H) {
                self.0.set(self.0.get() + 1);
            }
        }
        let count = Count(Cell::new(0), PhantomData);
        self.trace_handles(&count);
        count.0.get()
    }
}

/// Whether start tags named `name` count towards the depth. Not counted:
/// * void elements, which never nest;
/// * elements whose end tag is optional and usually omitted (`p`, `li`, `td`…): they would
///   inflate the count of a well-formed page, so they are neither counted nor removed;
/// * elements whose content is text up to their end tag, not markup (`script`, `title`…).
///
/// Names are interned atoms, so this is a few integer comparisons per tag.
fn counted(name: &LocalName) -> bool {
    !matches!(
        *name,
        // Void.
        local_name!("area")
            | local_name!("base")
            | local_name!("br")
            | local_name!("col")
            | local_name!("embed")
            | local_name!("hr")
            | local_name!("img")
            | local_name!("input")
            | local_name!("link")
            | local_name!("meta")
            | local_name!("param")
            | local_name!("source")
            | local_name!("track")
            | local_name!("wbr")
            | local_name!("keygen")
            // Implicitly closed.
            | local_name!("p")
            | local_name!("li")
            | local_name!("dt")
            | local_name!("dd")
            | local_name!("option")
            | local_name!("optgroup")
            | local_name!("tr")
            | local_name!("td")
            | local_name!("th")
            | local_name!("tbody")
            | local_name!("thead")
            | local_name!("tfoot")
            | local_name!("colgroup")
            | local_name!("caption")
            | local_name!("rb")
            | local_name!("rt")
            | local_name!("rp")
            | local_name!("rtc")
            | local_name!("html")
            | local_name!("head")
            | local_name!("body")
            // Raw text.
            | local_name!("script")
            | local_name!("style")
            | local_name!("textarea")
            | local_name!("title")
            | local_name!("xmp")
            | local_name!("iframe")
            | local_name!("noembed")
            | local_name!("noframes")
            | local_name!("plaintext")
    )
}

/// Elements whose content is raw text a reader does not see. Once the node budget is spent,
/// their start tags still switch the tokenizer to raw text (so a script is not read as
/// markup and text), and the text is dropped with the tags.
fn hidden_raw_text(name: &LocalName) -> Option<RawKind> {
    match *name {
        local_name!("script") => Some(RawKind::ScriptData),
        local_name!("style")
        | local_name!("noscript")
        | local_name!("iframe")
        | local_name!("noembed")
        | local_name!("noframes") => Some(RawKind::Rawtext),
        _ => None,
    }
}

/// A token sink that passes tokens on to `inner`, minus start tags nested deeper than
/// [`MAX_NESTING`] and their end tags, and minus everything but text once `inner` has made
/// its budget of nodes.
pub struct NestingCap<S> {
    inner: S,
    max_depth: usize,
    max_nodes: usize,
    /// Past the node budget, inside a dropped element of [`hidden_raw_text`]: its name.
    swallowing: RefCell<Option<LocalName>>,
    /// At least the number of elements `inner` holds open: what it held when last counted,
    /// plus the counted start tags passed since.
    open_bound: Cell<usize>,
    /// End tags still to drop, by name: one per start tag dropped.
    pending_end_tags: RefCell<HashMap<LocalName, usize>>,
}

impl<S> NestingCap<S> {
    /// The cap for a page of `len` bytes.
    pub fn new(inner: S, len: usize) -> NestingCap<S> {
        NestingCap::with_limits(inner, MAX_NESTING, node_budget(len))
    }

    pub fn with_limits(inner: S, max_depth: usize, max_nodes: usize) -> NestingCap<S> {
        NestingCap {
            inner,
            max_depth,
            max_nodes,
            swallowing: RefCell::new(None),
            open_bound: Cell::new(0),
            pending_end_tags: RefCell::new(HashMap::new()),
        }
    }

    pub fn into_inner(self) -> S {
        self.inner
    }
}

impl<S: TokenSink + OpenElements> NestingCap<S> {
    /// Whether `tag` is dropped.
    fn drops(&self, tag: &Tag) -> bool {
        match tag.kind {
            TagKind::EndTag => {
                let mut pending = self.pending_end_tags.borrow_mut();
                if !pending.is_empty()
                    && let Some(count) = pending.get_mut(&tag.name).filter(|c| **c > 0)
                {
                    *count -= 1;
                    return true;
                }
                false
            }
            TagKind::StartTag => {
                if !counted(&tag.name) {
                    return false;
                }
                if self.open_bound.get() >= self.max_depth {
                    self.open_bound.set(self.inner.open_elements());
                    if self.open_bound.get() >= self.max_depth {
                        // `<div/>` opens a `<div>` that the next `</div>` closes: that end
                        // tag goes with it. In SVG or MathML it is closed at once.
                        let foreign = self
                            .inner
                            .adjusted_current_node_present_but_not_in_html_namespace();
                        if !(tag.self_closing && foreign) {
                            *self
                                .pending_end_tags
                                .borrow_mut()
                                .entry(tag.name.clone())
                                .or_default() += 1;
                        }
                        return true;
                    }
                }
                self.open_bound.set(self.open_bound.get() + 1);
                false
            }
        }
    }
}

impl<S: TokenSink + OpenElements> NestingCap<S> {
    /// Past the node budget: only text passes. What a dropped script or style holds is
    /// dropped up to its end tag.
    fn over_budget(&self, token: &Token) -> Option<TokenSinkResult<S::Handle>> {
        let mut swallowing = self.swallowing.borrow_mut();
        if let Some(name) = swallowing.as_ref() {
            if let Token::TagToken(tag) = token
                && tag.kind == TagKind::EndTag
                && tag.name == *name
            {
                *swallowing = None;
            }
            return Some(TokenSinkResult::Continue);
        }
        if self.inner.nodes_made() < self.max_nodes {
            return None;
        }
        match token {
            Token::CharacterTokens(_) | Token::NullCharacterToken | Token::EOFToken => None,
            Token::TagToken(tag) if tag.kind == TagKind::StartTag && !tag.self_closing => {
                Some(match hidden_raw_text(&tag.name) {
                    Some(kind) => {
                        *swallowing = Some(tag.name.clone());
                        TokenSinkResult::RawData(kind)
                    }
                    None => TokenSinkResult::Continue,
                })
            }
            _ => Some(TokenSinkResult::Continue),
        }
    }
}

impl<S: TokenSink + OpenElements> TokenSink for NestingCap<S> {
    type Handle = S::Handle;

    fn process_token(&self, token: Token, line_number: u64) -> TokenSinkResult<S::Handle> {
        if let Some(result) = self.over_budget(&token) {
            return result;
        }
        if let Token::TagToken(tag) = &token
            && self.drops(tag)
        {
            return TokenSinkResult::Continue;
        }
        self.inner.process_token(token, line_number)
    }

    fn end(&self) {
        self.inner.end();
    }

    fn adjusted_current_node_present_but_not_in_html_namespace(&self) -> bool {
        self.inner
            .adjusted_current_node_present_but_not_in_html_namespace()
    }
}

#[cfg(test)]
mod tests {
    use std::cell::RefCell;

    use html5ever::tendril::StrTendril;
    use html5ever::tokenizer::{BufferQueue, Tokenizer, TokenizerOpts};

    use super::*;

    /// Records the tags that pass the cap, as `<name>` and `</name>`, and keeps a stack of
    /// the elements they open, closed by name as a tree builder would (no implied ends).
    #[derive(Default)]
    struct Tags(RefCell<Vec<String>>, RefCell<Vec<LocalName>>);

    impl TokenSink for Tags {
        type Handle = ();
        fn process_token(&self, token: Token, _line: u64) -> TokenSinkResult<()> {
            if let Token::TagToken(tag) = token {
                let slash = if tag.kind == TagKind::EndTag { "/" } else { "" };
                self.0.borrow_mut().push(format!("<{slash}{}>", tag.name));
                let mut open = self.1.borrow_mut();
                match tag.kind {
                    TagKind::StartTag if counted(&tag.name) => open.push(tag.name),
                    TagKind::StartTag => {}
                    TagKind::EndTag => {
                        if let Some(k) = open.iter().rposition(|n| *n == tag.name) {
                            open.truncate(k);
                        }
                    }
                }
            }
            TokenSinkResult::Continue
        }
    }

    impl OpenElements for Tags {
        fn open_elements(&self) -> usize {
            self.1.borrow().len()
        }

        /// Every tag passed counts as a node.
        fn nodes_made(&self) -> usize {
            self.0.borrow().len()
        }
    }

    fn passed(html: &str, max_depth: usize) -> String {
        passed_within(html, max_depth, usize::MAX)
    }

    fn passed_within(html: &str, max_depth: usize, max_nodes: usize) -> String {
        let tokenizer = Tokenizer::new(
            NestingCap::with_limits(Tags::default(), max_depth, max_nodes),
            TokenizerOpts::default(),
        );
        let input = BufferQueue::default();
        input.push_back(StrTendril::from(html));
        let _ = tokenizer.feed(&input);
        tokenizer.end();
        tokenizer.sink.into_inner().0.into_inner().concat()
    }

    #[test]
    fn ordinary_pages_are_untouched() {
        let html = "<!DOCTYPE html><html><head></head>\
            <body><div><p>One<p>Two<ul><li>x<li>y</ul><img src=a.png><br/></div>\
            <!-- <div><div> --></body></html>";
        assert_eq!(
            passed(html, 3),
            "<html><head></head><body><div><p><p><ul><li><li></ul><img><br></div></body></html>"
        );
    }

    #[test]
    fn excess_depth_is_dropped_with_its_end_tags() {
        let html = "<div><div><div><div>deep</div>after</div></div></div>";
        assert_eq!(passed(html, 2), "<div><div></div></div>");
    }

    #[test]
    fn unclosed_paragraphs_do_not_count() {
        let html = "<div>".to_owned() + &"<p>para".repeat(1000) + "<span>x</span></div>";
        assert!(passed(&html, 2).contains("<span></span>"));
    }

    #[test]
    fn self_closing_divs_count_and_go_with_the_end_tag_that_closes_them() {
        let html = "<div><div/><div/>x</div></div>";
        // At depth 2 the second `<div/>` is dropped with the `</div>` that would close it.
        assert_eq!(passed(html, 2), "<div><div></div>");
    }

    #[test]
    fn stray_end_tags_do_not_lower_the_depth() {
        let html = "<div></section><div></section><div></section>";
        assert_eq!(passed(html, 2), "<div></section><div></section></section>");
    }

    /// Depth of the deepest element of a parsed document.
    fn max_depth(doc: &crate::extract::parse::Document) -> usize {
        let dom = crate::extract::dom::Dom::new(doc);
        let mut depth = vec![0usize; dom.len()];
        for i in 0..dom.len() {
            let p = dom.nodes[i].parent;
            if p != crate::extract::dom::NO_PARENT {
                depth[i] = depth[p] + 1;
            }
        }
        depth.into_iter().max().unwrap_or(0)
    }

    /// Through the real tree builder: what the tags say is not the depth, and the cap still
    /// holds (each of these took minutes in html5ever before it did).
    #[test]
    fn tree_depth_stays_capped_whatever_the_tags_say() {
        for (unit, closing) in [
            ("<div class=x>", "</div>"),
            ("<div/>", ""),
            ("<div></section>", ""),
            ("<span><b id=x></div>", ""),
            ("<svg><g/><g>", ""),
        ] {
            let html = format!("<p>{}text{}", unit.repeat(50_000), closing.repeat(50_000));
            let doc = crate::extract::parse::Document::parse(&html);
            let depth = max_depth(&doc);
            assert!(depth <= 2 * MAX_NESTING, "{unit}: depth {depth}");
            assert!(depth >= MAX_NESTING / 2, "{unit}: depth {depth}");
        }
    }

    #[test]
    fn past_the_node_budget_only_text_passes() {
        let html = "<p>a<br><b>b</b><script>var c = '<i>';</script><!-- d --><p>e</p>";
        assert_eq!(passed_within(html, MAX_NESTING, 2), "<p><br>");
        // Through the tree builder: the text is kept, the script's is not.
        let parse = |budget: usize| {
            let doc = crate::extract::parse::Document::parse_with_node_budget(html, budget);
            let dom = crate::extract::dom::Dom::new(&doc);
            let text: String = dom.texts(0).collect();
            (dom.len(), text)
        };
        let (all, text) = parse(usize::MAX);
        assert_eq!(text, "abvar c = '<i>';e");
        let (capped, text) = parse(6);
        assert!(capped < all, "{capped} nodes of {all}");
        assert_eq!(text, "abe");
    }

    #[test]
    fn hundred_thousand_levels() {
        let depth = 100_000;
        let html = format!(
            "{}text{}",
            "<div class=x>".repeat(depth),
            "</div>".repeat(depth)
        );
        let out = passed(&html, MAX_NESTING);
        assert_eq!(out.matches("<div>").count(), MAX_NESTING);
        assert_eq!(out.matches("</div>").count(), MAX_NESTING);
    }
}
