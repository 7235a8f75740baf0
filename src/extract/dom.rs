//! A compact, index-based copy of the parsed page.
//!
//! html5ever gives us a linked tree; the content scorer wants flat arrays it can
//! sweep over. Nodes are stored in document (pre-)order, so the subtree of node `i`
//! is exactly the range `i..end[i]` and every child comes after its parent. That turns
//! "sum over the subtree" into one reverse sweep and "inherit from the ancestors" into
//! one forward sweep — linear time, no recursion, no stack to overflow on pages nested
//! 100 000 levels deep.
//!
//! The copy borrows names, attribute values and text from the parsed document instead of
//! copying them: one allocation per page instead of several per node, and half the memory
//! on pages that are mostly text or links.

use std::borrow::Cow;

use scraper::{Html, Node as HtmlNode};

use super::clean;

/// Sentinel parent index of the root.
pub const NO_PARENT: usize = usize::MAX;

/// One node of the flattened tree.
#[derive(Debug)]
pub struct Node<'a> {
    pub parent: usize,
    /// One past the last node of this node's subtree.
    pub end: usize,
    pub kind: NodeKind<'a>,
}

#[derive(Debug)]
pub enum NodeKind<'a> {
    Element(Element<'a>),
    Text(&'a str),
    /// Document root, comments, doctypes, processing instructions.
    Other,
}

/// The parts of an element the extractor looks at.
#[derive(Debug)]
pub struct Element<'a> {
    /// Lower-case local name.
    pub tag: Cow<'a, str>,
    /// `class` and `id` values, lower-cased, joined by a space.
    pub class_id: Cow<'a, str>,
    pub attrs: Vec<(&'a str, &'a str)>,
    /// Which of [`clean`]'s class/id hint lists the names in `class_id` hit, one bit per
    /// list: worked out once here, asked several times per element.
    pub hints: u8,
}

impl Element<'_> {
    pub fn attr(&self, name: &str) -> Option<&str> {
        self.attrs.iter().find(|(k, _)| *k == name).map(|(_, v)| *v)
    }

    pub fn is(&self, tag: &str) -> bool {
        &*self.tag == tag
    }
}

/// The flattened page.
#[derive(Debug)]
pub struct Dom<'a> {
    pub nodes: Vec<Node<'a>>,
    /// Elements in the SVG or MathML namespace, in order.
    foreign: Vec<usize>,
    /// The `class` and `id` attributes as written, of the elements that have either, in
    /// order: `class_id` is lower-cased and joined, and the byline test reads them apart.
    class_attrs: Vec<(usize, Option<&'a str>, Option<&'a str>)>,
}

/// Attributes the extractor, the metadata reader and link discovery read; everything else
/// (inline event handlers, data blobs, SVG geometry) is dropped to keep the copy small.
/// Only attributes in no namespace are kept: those are the ones HTML elements have, and the
/// only ones anything here asks for (SVG's `xlink:href` is not a link gleaner follows).
pub const KEPT_ATTRS: &[&str] = &[
    "href",
    "src",
    "data-src",
    "alt",
    "style",
    "hidden",
    "aria-hidden",
    "role",
    "itemprop",
    "itemtype",
    "type",
    "rel",
    "colspan",
    "start",
    "title",
    "lang",
    "xml:lang",
    "content",
    "value",
    "property",
    "name",
    "http-equiv",
    "datetime",
    "pubdate",
];

impl<'a> Dom<'a> {
    /// Flattens `html` iteratively (first-child / next-sibling / parent walk).
    pub fn from_html(html: &'a Html) -> Dom<'a> {
        let mut nodes: Vec<Node<'a>> = Vec::with_capacity(html.tree.values().len());
        // Stack of indices of open elements, parallel to the walk.
        let mut open: Vec<usize> = Vec::new();
        let mut foreign = Vec::new();
        let mut class_attrs = Vec::new();
        let mut cur = html.tree.root();
        loop {
            let index = nodes.len();
            let parent = open.last().copied().unwrap_or(NO_PARENT);
            let kind = match cur.value() {
                HtmlNode::Element(el) => {
                    let mut class = None;
                    let mut id = None;
                    let mut attrs = Vec::new();
                    for (name, v) in &el.attrs {
                        if !name.ns.is_empty() {
                            continue;
                        }
                        match &*name.local {
                            "class" => class = Some(&**v),
                            "id" => id = Some(&**v),
                            k => {
                                if let Some(k) = KEPT_ATTRS.iter().find(|kept| **kept == k) {
                                    attrs.push((*k, &**v));
                                }
                            }
                        }
                    }
                    if &*el.name.ns != "http://www.w3.org/1999/xhtml" {
                        foreign.push(index);
                    }
                    if class.is_some() || id.is_some() {
                        class_attrs.push((index, class, id));
                    }
                    let class_id = match (class, id) {
                        (Some(class), Some(id)) if !class.is_empty() => {
                            Cow::Owned(format!("{class} {id}"))
                        }
                        (Some(only), None) | (_, Some(only)) => Cow::Borrowed(only),
                        (None, None) => Cow::Borrowed(""),
                    };
                    let class_id = lowercase(class_id);
                    NodeKind::Element(Element {
                        tag: ascii_lowercase(el.name()),
                        hints: clean::class_hints(&class_id),
                        class_id,
                        attrs,
                    })
                }
                HtmlNode::Text(t) => NodeKind::Text(t),
                _ => NodeKind::Other,
            };
            nodes.push(Node {
                parent,
                end: index + 1,
                kind,
            });
            if let Some(child) = cur.first_child() {
                open.push(index);
                cur = child;
                continue;
            }
            // Leaf: climb until a next sibling exists, closing subtrees on the way.
            let mut node = cur;
            loop {
                if let Some(sibling) = node.next_sibling() {
                    cur = sibling;
                    break;
                }
                match node.parent() {
                    Some(p) => {
                        if let Some(closed) = open.pop() {
                            nodes[closed].end = nodes.len();
                        }
                        node = p;
                    }
                    None => {
                        // Back at the root: close whatever is still open (the root itself).
                        let len = nodes.len();
                        for closed in open.drain(..) {
                            nodes[closed].end = len;
                        }
                        return Dom {
                            nodes,
                            foreign,
                            class_attrs,
                        };
                    }
                }
            }
        }
    }

    pub fn element(&self, i: usize) -> Option<&Element<'a>> {
        match &self.nodes[i].kind {
            NodeKind::Element(e) => Some(e),
            _ => None,
        }
    }

    pub fn tag(&self, i: usize) -> &str {
        self.element(i).map_or("", |e| &e.tag)
    }

    pub fn len(&self) -> usize {
        self.nodes.len()
    }

    pub fn is_empty(&self) -> bool {
        self.nodes.is_empty()
    }

    /// A hyperlink: `<a href>`. Named anchors (`<a name>`), often left unclosed around
    /// whole sections of old pages, are not links.
    pub fn is_link(&self, i: usize) -> bool {
        self.element(i)
            .is_some_and(|e| e.is("a") && e.attr("href").is_some())
    }

    /// Direct children of `i`, in order.
    pub fn children(&self, i: usize) -> Children<'_> {
        Children {
            dom: self,
            next: i + 1,
            end: self.nodes[i].end,
        }
    }

    /// The `<body>` element, or the root when there is none.
    pub fn body(&self) -> usize {
        (0..self.nodes.len())
            .find(|&i| self.tag(i) == "body")
            .unwrap_or(0)
    }

    /// Whether `ancestor` contains `node` (or is it).
    pub fn contains(&self, ancestor: usize, node: usize) -> bool {
        node >= ancestor && node < self.nodes[ancestor].end
    }

    /// The document element (`<html>`): the first element child of the root.
    pub fn root_element(&self) -> Option<usize> {
        if self.nodes.is_empty() {
            return None;
        }
        self.children(0).find(|&i| self.element(i).is_some())
    }

    /// Whether element `i` is in the HTML namespace (not SVG or MathML).
    pub fn in_html_namespace(&self, i: usize) -> bool {
        self.element(i).is_some() && self.foreign.binary_search(&i).is_err()
    }

    /// The `class` and `id` attributes of element `i` as written.
    pub fn class_and_id(&self, i: usize) -> (Option<&'a str>, Option<&'a str>) {
        match self
            .class_attrs
            .binary_search_by_key(&i, |(node, _, _)| *node)
        {
            Ok(k) => (self.class_attrs[k].1, self.class_attrs[k].2),
            Err(_) => (None, None),
        }
    }

    /// The text nodes of the subtree of `i`, in order.
    pub fn texts(&self, i: usize) -> impl Iterator<Item = &'a str> + '_ {
        self.nodes[i..self.nodes[i].end]
            .iter()
            .filter_map(|node| match node.kind {
                NodeKind::Text(text) => Some(text),
                _ => None,
            })
    }

    /// The ancestors of `i`, nearest first, not `i` itself.
    pub fn ancestors(&self, i: usize) -> impl Iterator<Item = usize> + '_ {
        let parent = |p: usize| Some(self.nodes.get(p)?.parent).filter(|&p| p != NO_PARENT);
        std::iter::successors(parent(i), move |&p| parent(p))
    }
}

/// `name` with ASCII letters lower-cased, borrowed when it already is (HTML tag names
/// always are; SVG's `foreignObject` is not).
fn ascii_lowercase(name: &str) -> Cow<'_, str> {
    if name.bytes().any(|b| b.is_ascii_uppercase()) {
        Cow::Owned(name.to_ascii_lowercase())
    } else {
        Cow::Borrowed(name)
    }
}

/// `text` lower-cased, borrowed when it already is.
fn lowercase(text: Cow<'_, str>) -> Cow<'_, str> {
    let is_lower = if text.is_ascii() {
        !text.bytes().any(|b| b.is_ascii_uppercase())
    } else {
        text.chars()
            .all(|c| c.to_lowercase().eq(std::iter::once(c)))
    };
    if is_lower {
        text
    } else {
        Cow::Owned(text.to_lowercase())
    }
}

pub struct Children<'a> {
    dom: &'a Dom<'a>,
    next: usize,
    end: usize,
}

impl Iterator for Children<'_> {
    type Item = usize;
    fn next(&mut self) -> Option<usize> {
        if self.next >= self.end {
            return None;
        }
        let i = self.next;
        self.next = self.dom.nodes[i].end;
        Some(i)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn preorder_ranges_cover_subtrees() {
        let html = Html::parse_document("<div id=A><p>x<b>y</b></p><p>z</p></div>");
        let dom = Dom::from_html(&html);
        let div = (0..dom.len()).find(|&i| dom.tag(i) == "div").unwrap();
        let kids: Vec<_> = dom.children(div).collect();
        assert_eq!(kids.len(), 2);
        assert_eq!(dom.tag(kids[0]), "p");
        assert_eq!(dom.nodes[div].end, dom.nodes[kids[1]].end);
        assert_eq!(dom.element(div).unwrap().class_id.as_ref(), "a");
        assert_eq!(
            dom.nodes[0].end,
            dom.len(),
            "the root spans the whole document"
        );
        for (i, n) in dom.nodes.iter().enumerate() {
            if n.parent != NO_PARENT {
                assert!(dom.contains(n.parent, i));
            }
        }
    }

    #[test]
    fn deep_nesting_does_not_overflow() {
        // html5ever's scope checks make parsing itself quadratic in nesting depth, so the
        // unit test stays at a depth a debug build parses quickly; the flattening is
        // iterative and does not care about depth.
        let depth = 20_000;
        let src = format!("{}x{}", "<div>".repeat(depth), "</div>".repeat(depth));
        let html = Html::parse_document(&src);
        let dom = Dom::from_html(&html);
        assert!(dom.len() > 10);
    }
}
