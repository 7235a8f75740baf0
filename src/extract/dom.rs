//! The flat tree the extractor sweeps.
//!
//! Nodes are stored in document (pre-)order, so the subtree of node `i` is exactly the
//! range `i..end[i]` and every child comes after its parent. That turns "sum over the
//! subtree" into one reverse sweep and "inherit from the ancestors" into one forward
//! sweep — linear time, no recursion, no stack to overflow on pages nested 100 000 levels
//! deep.
//!
//! A [`Dom`] borrows names, attribute values and text from the [`Document`] the parser
//! wrote ([`super::parse`]) instead of copying them: one allocation per page, plus one per
//! element that has attributes.

use super::parse::{DocKind, Document, Skeleton};

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

/// The parts of an element the extractor looks at. Every node of a page has one of these
/// in its [`Node`], so it is kept small: borrowed names, a boxed slice of attributes (no
/// allocation when there are none).
#[derive(Debug)]
pub struct Element<'a> {
    /// Lower-case local name.
    pub tag: Name<'a>,
    /// `class` and `id` values, lower-cased, joined by a space.
    pub class_id: Name<'a>,
    pub attrs: Box<[(&'a str, &'a str)]>,
    /// Which of [`clean`]'s class/id hint lists the names in `class_id` hit, one bit per
    /// list: worked out once here, asked several times per element.
    pub hints: super::clean::Hints,
}

/// A string of the document, read as a `str` (`&*el.tag`, `el.class_id.contains(…)`): the
/// two words a `&str` takes, where the `Cow<str>` it replaced took three, for the same code
/// at its readers.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Name<'a>(pub &'a str);

impl std::ops::Deref for Name<'_> {
    type Target = str;

    fn deref(&self) -> &str {
        self.0
    }
}

impl AsRef<str> for Name<'_> {
    fn as_ref(&self) -> &str {
        self.0
    }
}

impl<'a> From<&'a str> for Name<'a> {
    fn from(text: &'a str) -> Name<'a> {
        Name(text)
    }
}

impl std::fmt::Debug for Name<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

impl std::fmt::Display for Name<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
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

impl<'a> Dom<'a> {
    /// The flat tree of a parsed document, borrowing its strings.
    pub fn new(doc: &'a Document) -> Dom<'a> {
        Dom::from_parts(&doc.text, &doc.skeleton)
    }

    /// The flat tree of a document's nodes, borrowing the document's text: the nodes can be
    /// freed once it is built.
    pub(super) fn from_parts(text: &'a str, skeleton: &Skeleton) -> Dom<'a> {
        let mut foreign = Vec::new();
        let mut class_attrs = Vec::new();
        let nodes = skeleton
            .nodes
            .iter()
            .enumerate()
            .map(|(i, node)| {
                let kind = match &node.kind {
                    DocKind::Element(el) => {
                        if el.foreign {
                            foreign.push(i);
                        }
                        if el.class.is_some() || el.id.is_some() {
                            class_attrs.push((
                                i,
                                el.class.map(|c| c.of(text)),
                                el.id.map(|c| c.of(text)),
                            ));
                        }
                        let (first, last) = el.attrs;
                        NodeKind::Element(Element {
                            tag: Name(el.tag.of(text)),
                            class_id: Name(el.class_id.of(text)),
                            attrs: skeleton
                                .attrs
                                .get(first..last)
                                .unwrap_or_default()
                                .iter()
                                .map(|(name, value)| (*name, value.of(text)))
                                .collect(),
                            hints: el.hints,
                        })
                    }
                    DocKind::Text(span) => NodeKind::Text(span.of(text)),
                    DocKind::Other => NodeKind::Other,
                };
                Node {
                    parent: node.parent,
                    end: node.end,
                    kind,
                }
            })
            .collect();
        Dom {
            nodes,
            foreign,
            class_attrs,
        }
    }

    /// Parses `html` as the extractor does and hands its flat tree to `f`: for tests and
    /// tools that keep no [`Document`] of their own.
    pub fn parse_with<T>(html: &str, f: impl FnOnce(&Dom<'_>) -> T) -> T {
        let doc = Document::parse(html);
        f(&Dom::new(&doc))
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

    /// The node before `i` under the same parent: the node just before it in document
    /// order, or the ancestor of that node that is `i`'s sibling.
    pub fn previous_sibling(&self, i: usize) -> Option<usize> {
        let parent = self.nodes[i].parent;
        let mut at = i.checked_sub(1)?;
        loop {
            if at == parent || at == NO_PARENT {
                return None;
            }
            if self.nodes[at].parent == parent {
                return Some(at);
            }
            at = self.nodes[at].parent;
        }
    }

    /// The node after `i` under the same parent.
    pub fn next_sibling(&self, i: usize) -> Option<usize> {
        let next = self.nodes[i].end;
        (next < self.nodes.len() && self.nodes[next].parent == self.nodes[i].parent).then_some(next)
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

    /// Characters of the subtree's text, each text node trimmed: what the page shows, read
    /// from the tree (for elements that cleaning has already marked, whose statistics are
    /// not kept).
    pub fn text_chars(&self, i: usize) -> usize {
        self.texts(i).map(|t| t.trim().chars().count()).sum()
    }

    /// Characters of the subtree's text inside links, counted as [`Dom::text_chars`].
    pub fn link_chars(&self, i: usize) -> usize {
        (i..self.nodes[i].end)
            .filter(|&j| self.is_link(j))
            .map(|j| self.text_chars(j))
            .sum()
    }

    /// The ancestors of `i`, nearest first, not `i` itself.
    pub fn ancestors(&self, i: usize) -> impl Iterator<Item = usize> + '_ {
        let parent = |p: usize| Some(self.nodes.get(p)?.parent).filter(|&p| p != NO_PARENT);
        std::iter::successors(parent(i), move |&p| parent(p))
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
    use std::collections::BTreeSet;

    use scraper::{Html, Node as HtmlNode};

    use super::*;

    #[test]
    fn siblings_are_found_past_the_subtrees_between() {
        let html = "<html><body><div id=box><p id=a>one <b>two</b></p><h3 id=h>head</h3>\
                    <div id=c><span>three</span></div></div></body></html>";
        Dom::parse_with(html, |dom| {
            let id = |name: &str| {
                (0..dom.len())
                    .find(|&i| dom.class_and_id(i).1 == Some(name))
                    .expect(name)
            };
            let (first, heading, last) = (id("a"), id("h"), id("c"));
            assert_eq!(dom.previous_sibling(heading), Some(first));
            assert_eq!(dom.next_sibling(heading), Some(last));
            assert_eq!(dom.previous_sibling(last), Some(heading));
            assert_eq!(dom.previous_sibling(first), None);
            assert_eq!(dom.next_sibling(last), None);
        });
    }

    /// The attributes the flat tree kept when it was copied from scraper's tree.
    const OLD_KEPT_ATTRS: &[&str] = &[
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
    ];

    /// One node as the extractor sees it, comparable between two trees.
    #[derive(Debug, PartialEq)]
    enum Flat {
        Element {
            tag: String,
            class_id: String,
            hints: crate::extract::clean::Hints,
            attrs: BTreeSet<(String, String)>,
        },
        Text(String),
        Other,
    }

    /// The flat tree scraper's `Html` used to be copied into: the reference the sink must
    /// reproduce. Attributes are compared on HTML elements only (scraper kept SVG's
    /// namespaced ones under their local names; nothing reads those).
    fn from_scraper(html: &Html) -> Vec<(usize, usize, Flat)> {
        let mut out: Vec<(usize, usize, Flat)> = Vec::new();
        let mut open: Vec<usize> = Vec::new();
        let mut cur = html.tree.root();
        loop {
            let index = out.len();
            let parent = open.last().copied().unwrap_or(NO_PARENT);
            let flat = match cur.value() {
                HtmlNode::Element(el) => {
                    let mut class = None;
                    let mut id = None;
                    let mut attrs = BTreeSet::new();
                    for (k, v) in el.attrs() {
                        match k {
                            "class" => class = Some(v),
                            "id" => id = Some(v),
                            _ if OLD_KEPT_ATTRS.contains(&k)
                                && &*el.name.ns == "http://www.w3.org/1999/xhtml" =>
                            {
                                attrs.insert((k.to_owned(), v.to_owned()));
                            }
                            _ => {}
                        }
                    }
                    let class_id = match (class, id) {
                        (Some(class), Some(id)) if !class.is_empty() => format!("{class} {id}"),
                        (Some(only), None) | (_, Some(only)) => only.to_owned(),
                        (None, None) => String::new(),
                    }
                    .to_lowercase();
                    Flat::Element {
                        tag: el.name().to_ascii_lowercase(),
                        hints: super::super::clean::class_hints(&class_id),
                        class_id,
                        attrs,
                    }
                }
                HtmlNode::Text(t) => Flat::Text(t.to_string()),
                _ => Flat::Other,
            };
            out.push((parent, index + 1, flat));
            if let Some(child) = cur.first_child() {
                open.push(index);
                cur = child;
                continue;
            }
            let mut node = cur;
            loop {
                if let Some(sibling) = node.next_sibling() {
                    cur = sibling;
                    break;
                }
                match node.parent() {
                    Some(p) => {
                        if let Some(closed) = open.pop() {
                            out[closed].1 = out.len();
                        }
                        node = p;
                    }
                    None => {
                        let len = out.len();
                        for closed in open.drain(..) {
                            out[closed].1 = len;
                        }
                        return out;
                    }
                }
            }
        }
    }

    fn flat(dom: &Dom) -> Vec<(usize, usize, Flat)> {
        dom.nodes
            .iter()
            .enumerate()
            .map(|(i, node)| {
                let flat = match &node.kind {
                    NodeKind::Element(el) => Flat::Element {
                        tag: el.tag.to_string(),
                        class_id: el.class_id.to_string(),
                        hints: el.hints,
                        attrs: el
                            .attrs
                            .iter()
                            .filter(|(k, _)| OLD_KEPT_ATTRS.contains(k) && dom.in_html_namespace(i))
                            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                            .collect(),
                    },
                    NodeKind::Text(t) => Flat::Text((*t).to_owned()),
                    NodeKind::Other => Flat::Other,
                };
                (node.parent, node.end, flat)
            })
            .collect()
    }

    /// The sink builds the tree scraper builds, node for node, on the parts of HTML where
    /// tree building is more than appending: tables (foster parenting), misnested
    /// formatting (the adoption agency), templates, foreign content, repeated `<html>` and
    /// `<body>` tags, raw text, entities and text runs that merge.
    #[test]
    fn same_tree_as_scraper() {
        let cases = [
            "<div id=A class='Main Story'><p>x<b>y</b></p><p>z</p></div>",
            "<table><tr><td>x</td></tr>a<tr><td>y</td>b<b>c</b>d</table>e",
            "<table>a<b x=1>b<p>c</table>",
            "<a href=/1><p>one</a>two<p>three</p>",
            "<b><i>x</b>y</i>z<b><p>q</b>r",
            "<p><b class=Q><i><u>x<div>y</b>z</div>w</p>",
            "<html lang=en><body class=a><p>x</p><html lang=ru data-x=1 class=b><body id=B hidden>",
            "<template><p class=t>in</p><td>cell</td></template><p>after</p>",
            "<svg viewBox='0 0 1 1'><title>Share</title><a href=/s xlink:href=/x>s</a>\
             <foreignObject><p class=F>html</p><title>T</title></foreignObject><div>out</div>",
            "<math><mi>x</mi><annotation-xml encoding='text/html'><p>y</p></annotation-xml></math>",
            "<noscript><p>no</p></noscript><script>if (a<b) document.write('<p>')</script>\
             <style>p{}</style><textarea><b>t</b></textarea><title>A &amp; B</title>",
            "a<!--c-->b&nbsp;c&amp;d&#x41;\u{0}e\r\nf",
            "<frameset><frame src=a></frameset>",
            "<select><option>a<option class=O>b</select><form><form><input name=x></form>",
            "<ul><li class='Nav ΣΑΣ'>one<li id=X class=''>two</ul><dl><dt>a<dd>b</dl>",
            "<DIV CLASS=Up ID=Id STYLE='display:none'><IMG SRC=a.png ALT=A></DIV>",
            "<p>unclosed <i>italic <b>bold<p>next",
            "<table><caption>c</caption><colgroup><col></colgroup><tbody><tr><th>h</th></tr></tbody><tfoot></table>",
            "<plaintext><p>all text",
            "",
            "<<<>>>\u{0}<meta content><script type=application/ld+json>{{{</script><title></title>",
        ];
        for html in cases {
            let reference = from_scraper(&Html::parse_document(html));
            let ours = Dom::parse_with(html, flat);
            assert_eq!(ours, reference, "{html}");
        }
    }

    #[test]
    fn preorder_ranges_cover_subtrees() {
        Dom::parse_with("<div id=A><p>x<b>y</b></p><p>z</p></div>", |dom| {
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
            assert_eq!(dom.texts(div).collect::<String>(), "xyz");
            let b = (0..dom.len()).find(|&i| dom.tag(i) == "b").unwrap();
            let ancestors: Vec<&str> = dom.ancestors(b).map(|a| dom.tag(a)).collect();
            assert_eq!(ancestors, ["p", "div", "body", "html", ""]);
            assert_eq!(dom.root_element().map(|r| dom.tag(r)), Some("html"));
        });
    }

    #[test]
    fn svg_and_mathml_are_not_html() {
        Dom::parse_with("<svg><title>x</title></svg><title>y</title>", |dom| {
            let titles: Vec<bool> = (0..dom.len())
                .filter(|&i| dom.tag(i) == "title")
                .map(|i| dom.in_html_namespace(i))
                .collect();
            assert_eq!(titles, [false, true]);
        });
    }

    #[test]
    fn deep_nesting_is_capped_and_does_not_overflow() {
        let depth = 100_000;
        let src = format!("{}x{}", "<div>".repeat(depth), "</div>".repeat(depth));
        Dom::parse_with(&src, |dom| {
            let text = (0..dom.len())
                .find(|&i| matches!(dom.nodes[i].kind, NodeKind::Text("x")))
                .expect("the text survives");
            let divs = dom.ancestors(text).filter(|&a| dom.tag(a) == "div").count();
            assert_eq!(divs, super::super::nesting::MAX_NESTING);
        });
    }
}
