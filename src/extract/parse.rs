//! HTML text to gleaner's document: html5ever's tokenizer and tree builder, with a tree sink
//! of our own.
//!
//! scraper's `Html` (the usual html5ever sink) keeps everything a CSS engine may ask for:
//! every attribute as a qualified name with interned atoms, sorted per element, a lazily
//! built class set, an `ego_tree` node per node. The extractor then copied that tree into
//! its flat [`Dom`](super::dom::Dom) and read only a handful of attributes. This sink keeps
//! what gleaner reads and nothing else:
//!
//! * while parsing, a linked arena of nodes (html5ever moves nodes around: foster
//!   parenting, the adoption agency, reparenting), holding element names, the attributes
//!   in [`KEPT_ATTRS`] and text as html5ever's shared string slices, so most text is never
//!   copied;
//! * at the end, one walk in document order writes the [`Document`]: every string the
//!   extractor reads in one buffer (tag names, lower-cased class/id, attribute values,
//!   text) and a skeleton of nodes that point into it. The arena, and with it html5ever's
//!   copy of the page, is freed there.
//!
//! [`Dom::new`](super::dom::Dom::new) builds the flat tree the extractor sweeps from a
//! document without copying a string.
//!
//! The tokens between the tokenizer and the tree builder pass through the caps of
//! [`super::nesting`], which keep the tree builder linear on deeply nested input and the
//! tree within a budget of nodes proportional to the page.

use std::borrow::Cow;
use std::cell::{Ref, RefCell};
use std::collections::HashMap;
use std::sync::LazyLock;

use html5ever::interface::ElemName;
use html5ever::tendril::StrTendril;
use html5ever::tree_builder::{
    ElementFlags, NodeOrText, QuirksMode, TreeBuilder, TreeBuilderOpts, TreeSink,
};
use html5ever::{Attribute, LocalName, Namespace, QualName, local_name, ns};

use super::clean;
use super::nesting::{CountsNodes, NestingCap};
use super::tokenizer;

/// Attributes the extractor, the metadata reader and link discovery read. The rest (inline
/// event handlers, data blobs, SVG geometry) is dropped while parsing. Only attributes in no
/// namespace are kept: those are the ones HTML elements have, and the only ones anything
/// here asks for (SVG's `xlink:href` is not a link gleaner follows).
pub const KEPT_ATTRS: &[&str] = &[
    "class",
    "id",
    "href",
    "src",
    "data-src",
    "alt",
    "style",
    "hidden",
    "aria-hidden",
    // A disclosure's toggle: an FAQ's question in a `<button>` (see `content`).
    "aria-expanded",
    "role",
    "itemprop",
    "itemtype",
    "type",
    "rel",
    "colspan",
    "start",
    "size",
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
    "data-timestamp",
    "data-time",
    "data-publish-time",
    // A component's state, which may hold the story (see `script_state`).
    "props",
    "data-props",
    "data-page",
    "data-react-props",
];

/// A byte range of [`Document::text`].
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(super) struct Span {
    start: u32,
    len: u32,
}

/// A parsed page: the nodes in document order and the strings they point to.
#[derive(Debug, Default)]
pub struct Document {
    pub(super) text: String,
    pub(super) skeleton: Skeleton,
}

/// The nodes of a [`Document`], pointing into its text.
#[derive(Debug, Default)]
pub(super) struct Skeleton {
    pub(super) nodes: Vec<DocNode>,
    /// Attributes of all elements, element after element: name and value.
    pub(super) attrs: Vec<(&'static str, Span)>,
}

impl Span {
    /// The text of this span in `text`, the document's text.
    pub(super) fn of(self, text: &str) -> &str {
        let start = self.start as usize;
        text.get(start..start + self.len as usize).unwrap_or("")
    }
}

#[derive(Debug)]
pub(super) struct DocNode {
    /// Index of the parent; `usize::MAX` for the root.
    pub(super) parent: usize,
    /// One past the last node of the subtree.
    pub(super) end: usize,
    pub(super) kind: DocKind,
}

#[derive(Debug)]
pub(super) enum DocKind {
    Element(DocElement),
    Text(Span),
    /// Document root, comments, doctypes, processing instructions, template contents.
    Other,
}

#[derive(Debug)]
pub(super) struct DocElement {
    /// Local name, ASCII lower-cased.
    pub(super) tag: Span,
    /// `class` and `id`, lower-cased, joined by a space.
    pub(super) class_id: Span,
    /// `class` and `id` as written.
    pub(super) class: Option<Span>,
    pub(super) id: Option<Span>,
    pub(super) hints: clean::Hints,
    /// Range of [`Document::attrs`].
    pub(super) attrs: (usize, usize),
    /// In the SVG or MathML namespace.
    pub(super) foreign: bool,
}

impl Document {
    /// Parses `html` as a whole document, the way a browser does (html5ever, scripting
    /// enabled), with element nesting capped at [`super::nesting::MAX_NESTING`].
    pub fn parse(html: &str) -> Document {
        Document::parse_tendril(StrTendril::from(html))
    }

    /// Like [`Document::parse`], freeing `html` as soon as the parser has its own copy.
    pub fn parse_owned(html: String) -> Document {
        let tendril = StrTendril::from(html.as_str());
        drop(html);
        Document::parse_tendril(tendril)
    }

    fn parse_tendril(html: StrTendril) -> Document {
        let budget = super::nesting::node_budget(html.len());
        Document::parse_tendril_within(html, budget)
    }

    /// Parses `html` with at most about `max_nodes` nodes (see [`super::nesting`]).
    #[cfg(test)]
    pub(super) fn parse_with_node_budget(html: &str, max_nodes: usize) -> Document {
        Document::parse_tendril_within(StrTendril::from(html), max_nodes)
    }

    fn parse_tendril_within(html: StrTendril, max_nodes: usize) -> Document {
        let sink = Sink {
            source_len: html.len(),
            ..Sink::default()
        };
        let builder = TreeBuilder::new(sink, TreeBuilderOpts::default());
        let cap = NestingCap::with_limits(builder, super::nesting::MAX_NESTING, max_nodes);
        tokenizer::tokenize(html, &cap);
        cap.into_inner().sink.finish()
    }

    /// Parses `html` with html5ever's own tokenizer instead of gleaner's: the reference
    /// the tests compare [`Document::parse`] with.
    #[cfg(test)]
    pub(super) fn parse_with_html5ever_tokenizer(html: &str) -> Document {
        use html5ever::TokenizerResult;
        use html5ever::tokenizer::{BufferQueue, Tokenizer, TokenizerOpts};

        let sink = Sink {
            source_len: html.len(),
            ..Sink::default()
        };
        let builder = TreeBuilder::new(sink, TreeBuilderOpts::default());
        let tokenizer = Tokenizer::new(
            NestingCap::new(builder, html.len()),
            TokenizerOpts::default(),
        );
        let input = BufferQueue::default();
        input.push_back(StrTendril::from(html));
        // The tokenizer stops after each `</script>` so that a browser could run it.
        while let TokenizerResult::Script(_) = tokenizer.feed(&input) {}
        tokenizer.end();
        let Tokenizer { sink: cap, .. } = tokenizer;
        cap.into_inner().sink.finish()
    }

    pub(super) fn str(&self, span: Span) -> &str {
        span.of(&self.text)
    }
}

/// A node id in the arena: 32 bits, which halves the size of the links of every node (a
/// page never has four billion nodes: the tokenizer sees at most one per input byte).
type Id = u32;

const NONE: Id = u32::MAX;

/// The document node: always the first in the arena.
const ROOT: Id = 0;

struct ArenaNode {
    parent: Id,
    first_child: Id,
    last_child: Id,
    prev_sibling: Id,
    next_sibling: Id,
    data: NodeData,
}

enum NodeData {
    Document,
    /// Inline, not boxed: the tree builder asks for element names all the time (scope
    /// checks walk the stack of open elements), and a box is one more cache miss each.
    Element(ElementData),
    Text(StrTendril),
    Other,
}

struct ElementData {
    name: ElementName,
    attrs: Box<[(&'static str, StrTendril)]>,
    /// The document fragment holding a `<template>`'s contents, a child of the element (as
    /// scraper builds it).
    template_contents: Id,
}

/// The tree sink: an arena of linked nodes, turned into a [`Document`] at the end.
struct Sink {
    nodes: RefCell<Vec<ArenaNode>>,
    /// Length of the page, a good guess at the length of the document's strings.
    source_len: usize,
}

impl Default for Sink {
    fn default() -> Sink {
        Sink {
            nodes: RefCell::new(vec![ArenaNode::new(NodeData::Document)]),
            source_len: 0,
        }
    }
}

impl ArenaNode {
    fn new(data: NodeData) -> ArenaNode {
        ArenaNode {
            parent: NONE,
            first_child: NONE,
            last_child: NONE,
            prev_sibling: NONE,
            next_sibling: NONE,
            data,
        }
    }
}

/// An element's name: a [`QualName`] without the prefix, which elements never have.
#[derive(Debug)]
struct ElementName {
    ns: Namespace,
    local: LocalName,
}

/// The name of an element, borrowed from the arena, as html5ever's tree builder asks for it.
#[derive(Debug)]
struct NameRef<'a>(Ref<'a, ElementName>);

impl ElemName for NameRef<'_> {
    fn ns(&self) -> &Namespace {
        &self.0.ns
    }

    fn local_name(&self) -> &LocalName {
        &self.0.local
    }
}

/// What `elem_name` answers for a node that is not an element, which html5ever promises
/// never to ask about.
static NOT_AN_ELEMENT: LazyLock<ElementName> = LazyLock::new(|| ElementName {
    ns: ns!(html),
    local: local_name!(""),
});

/// Linked-tree operations on the arena. Ids always come from the tree builder, which got
/// them from this sink, so they are in bounds.
struct Arena<'a>(&'a mut Vec<ArenaNode>);

impl std::ops::Index<Id> for Arena<'_> {
    type Output = ArenaNode;

    fn index(&self, id: Id) -> &ArenaNode {
        &self.0[id as usize]
    }
}

impl std::ops::IndexMut<Id> for Arena<'_> {
    fn index_mut(&mut self, id: Id) -> &mut ArenaNode {
        &mut self.0[id as usize]
    }
}

impl Arena<'_> {
    fn push(&mut self, data: NodeData) -> Id {
        self.0.push(ArenaNode::new(data));
        Id::try_from(self.0.len() - 1).unwrap_or(NONE)
    }

    fn detach(&mut self, id: Id) {
        let node = &mut self[id];
        let (parent, prev, next) = (node.parent, node.prev_sibling, node.next_sibling);
        if parent == NONE {
            return;
        }
        node.parent = NONE;
        node.prev_sibling = NONE;
        node.next_sibling = NONE;
        if prev == NONE {
            self[parent].first_child = next;
        } else {
            self[prev].next_sibling = next;
        }
        if next == NONE {
            self[parent].last_child = prev;
        } else {
            self[next].prev_sibling = prev;
        }
    }

    fn append(&mut self, parent: Id, child: Id) {
        if parent == child {
            return;
        }
        self.detach(child);
        let last = self[parent].last_child;
        let node = &mut self[child];
        node.parent = parent;
        node.prev_sibling = last;
        if last == NONE {
            self[parent].first_child = child;
        } else {
            self[last].next_sibling = child;
        }
        self[parent].last_child = child;
    }

    fn insert_before(&mut self, sibling: Id, new: Id) {
        if sibling == new {
            return;
        }
        self.detach(new);
        let parent = self[sibling].parent;
        let prev = self[sibling].prev_sibling;
        let node = &mut self[new];
        node.parent = parent;
        node.prev_sibling = prev;
        node.next_sibling = sibling;
        self[sibling].prev_sibling = new;
        if prev == NONE {
            self[parent].first_child = new;
        } else {
            self[prev].next_sibling = new;
        }
    }

    /// The text node `id`, when it is one.
    fn text_mut(&mut self, id: Id) -> Option<&mut StrTendril> {
        match self.0.get_mut(id as usize).map(|n| &mut n.data) {
            Some(NodeData::Text(text)) => Some(text),
            _ => None,
        }
    }
}

impl Sink {
    fn arena(&self) -> std::cell::RefMut<'_, Vec<ArenaNode>> {
        self.nodes.borrow_mut()
    }
}

impl CountsNodes for Sink {
    fn nodes_made(&self) -> usize {
        self.nodes.borrow().len()
    }
}

/// The `'static` name of an attribute in [`KEPT_ATTRS`]. Names are interned atoms, so this is
/// mostly integer comparisons, not string comparisons.
fn kept_name(name: &LocalName) -> Option<&'static str> {
    Some(match *name {
        local_name!("class") => "class",
        local_name!("id") => "id",
        local_name!("href") => "href",
        local_name!("src") => "src",
        local_name!("alt") => "alt",
        local_name!("style") => "style",
        local_name!("hidden") => "hidden",
        local_name!("aria-hidden") => "aria-hidden",
        local_name!("role") => "role",
        local_name!("itemprop") => "itemprop",
        local_name!("itemtype") => "itemtype",
        local_name!("type") => "type",
        local_name!("rel") => "rel",
        local_name!("colspan") => "colspan",
        local_name!("start") => "start",
        local_name!("size") => "size",
        local_name!("title") => "title",
        local_name!("lang") => "lang",
        local_name!("xml:lang") => "xml:lang",
        local_name!("content") => "content",
        local_name!("value") => "value",
        local_name!("property") => "property",
        local_name!("name") => "name",
        local_name!("http-equiv") => "http-equiv",
        local_name!("datetime") => "datetime",
        // Not among html5ever's interned names.
        _ => match &**name {
            "data-src" => "data-src",
            "pubdate" => "pubdate",
            "data-timestamp" => "data-timestamp",
            "data-time" => "data-time",
            "data-publish-time" => "data-publish-time",
            "aria-expanded" => "aria-expanded",
            "props" => "props",
            "data-props" => "data-props",
            "data-page" => "data-page",
            "data-react-props" => "data-react-props",
            _ => return None,
        },
    })
}

/// The attributes kept of `attrs`, under their `'static` names.
fn kept_attrs(attrs: Vec<Attribute>) -> Vec<(&'static str, StrTendril)> {
    attrs
        .into_iter()
        .filter(|attr| attr.name.ns == ns!())
        .filter_map(|attr| Some((kept_name(&attr.name.local)?, attr.value)))
        .collect()
}

impl TreeSink for Sink {
    type Handle = Id;
    type Output = Document;
    type ElemName<'a> = NameRef<'a>;

    fn finish(self) -> Document {
        flatten(self.nodes.into_inner(), self.source_len)
    }

    fn parse_error(&self, _message: Cow<'static, str>) {}

    fn get_document(&self) -> Id {
        ROOT
    }

    fn elem_name<'a>(&'a self, target: &'a Id) -> NameRef<'a> {
        NameRef(Ref::map(self.nodes.borrow(), |nodes| {
            match nodes.get(*target as usize) {
                Some(ArenaNode {
                    data: NodeData::Element(element),
                    ..
                }) => &element.name,
                _ => &NOT_AN_ELEMENT,
            }
        }))
    }

    fn create_element(&self, name: QualName, attrs: Vec<Attribute>, flags: ElementFlags) -> Id {
        let mut arena = self.arena();
        let mut arena = Arena(&mut arena);
        let id = arena.push(NodeData::Element(ElementData {
            name: ElementName {
                ns: name.ns,
                local: name.local,
            },
            attrs: kept_attrs(attrs).into_boxed_slice(),
            template_contents: NONE,
        }));
        if flags.template {
            let contents = arena.push(NodeData::Other);
            arena.append(id, contents);
            if let NodeData::Element(element) = &mut arena[id].data {
                element.template_contents = contents;
            }
        }
        id
    }

    fn create_comment(&self, _text: StrTendril) -> Id {
        Arena(&mut self.arena()).push(NodeData::Other)
    }

    fn create_pi(&self, _target: StrTendril, _data: StrTendril) -> Id {
        Arena(&mut self.arena()).push(NodeData::Other)
    }

    fn append(&self, parent: &Id, child: NodeOrText<Id>) {
        let mut arena = self.arena();
        let mut arena = Arena(&mut arena);
        match child {
            NodeOrText::AppendNode(id) => arena.append(*parent, id),
            NodeOrText::AppendText(text) => {
                let last = arena[*parent].last_child;
                if let Some(previous) = arena.text_mut(last) {
                    previous.push_tendril(&text);
                } else {
                    let id = arena.push(NodeData::Text(text));
                    arena.append(*parent, id);
                }
            }
        }
    }

    fn append_based_on_parent_node(&self, element: &Id, previous: &Id, child: NodeOrText<Id>) {
        let has_parent = self.nodes.borrow()[*element as usize].parent != NONE;
        if has_parent {
            self.append_before_sibling(element, child);
        } else {
            self.append(previous, child);
        }
    }

    fn append_doctype_to_document(
        &self,
        _name: StrTendril,
        _public: StrTendril,
        _system: StrTendril,
    ) {
        let mut arena = self.arena();
        let mut arena = Arena(&mut arena);
        let id = arena.push(NodeData::Other);
        arena.append(ROOT, id);
    }

    fn get_template_contents(&self, target: &Id) -> Id {
        match &self.nodes.borrow()[*target as usize].data {
            NodeData::Element(element) if element.template_contents != NONE => {
                element.template_contents
            }
            _ => *target,
        }
    }

    fn same_node(&self, x: &Id, y: &Id) -> bool {
        x == y
    }

    fn set_quirks_mode(&self, _mode: QuirksMode) {}

    fn append_before_sibling(&self, sibling: &Id, new: NodeOrText<Id>) {
        let mut arena = self.arena();
        let mut arena = Arena(&mut arena);
        if let NodeOrText::AppendNode(id) = new {
            arena.detach(id);
        }
        if arena[*sibling].parent == NONE {
            return;
        }
        match new {
            NodeOrText::AppendNode(id) => arena.insert_before(*sibling, id),
            NodeOrText::AppendText(text) => {
                let prev = arena[*sibling].prev_sibling;
                if let Some(previous) = arena.text_mut(prev) {
                    previous.push_tendril(&text);
                } else {
                    let id = arena.push(NodeData::Text(text));
                    arena.insert_before(*sibling, id);
                }
            }
        }
    }

    fn add_attrs_if_missing(&self, target: &Id, attrs: Vec<Attribute>) {
        if let NodeData::Element(element) = &mut self.arena()[*target as usize].data {
            let mut merged = std::mem::take(&mut element.attrs).into_vec();
            for (name, value) in kept_attrs(attrs) {
                if !merged.iter().any(|(k, _)| *k == name) {
                    merged.push((name, value));
                }
            }
            element.attrs = merged.into_boxed_slice();
        }
    }

    fn remove_from_parent(&self, target: &Id) {
        Arena(&mut self.arena()).detach(*target);
    }

    fn reparent_children(&self, node: &Id, new_parent: &Id) {
        if node == new_parent {
            return;
        }
        let mut arena = self.arena();
        let mut arena = Arena(&mut arena);
        while arena[*node].first_child != NONE {
            let child = arena[*node].first_child;
            arena.append(*new_parent, child);
        }
    }
}

/// Writes the tree hanging from the arena's root into a [`Document`], in document order:
/// an iterative first-child / next-sibling walk, so depth costs no stack.
fn flatten(mut arena: Vec<ArenaNode>, text_len: usize) -> Document {
    // The arena grew by doubling; give its unused tail back before the document is built
    // beside it, where parsing needs the most memory. (Shrinking a large block is a
    // remap, not a copy.)
    arena.shrink_to_fit();
    let mut doc = Document {
        text: String::with_capacity(text_len),
        skeleton: Skeleton {
            nodes: Vec::with_capacity(arena.len()),
            attrs: Vec::new(),
        },
    };
    let mut names = Names::default();
    // Document indices of the open ancestors of the current node.
    let mut open: Vec<usize> = Vec::new();
    let mut cur = ROOT;
    loop {
        let index = doc.skeleton.nodes.len();
        let parent = open.last().copied().unwrap_or(usize::MAX);
        let data = std::mem::replace(&mut arena[cur as usize].data, NodeData::Other);
        let kind = match data {
            NodeData::Element(element) => DocKind::Element(doc.add_element(element, &mut names)),
            NodeData::Text(text) => DocKind::Text(doc.add_str(&text)),
            NodeData::Document | NodeData::Other => DocKind::Other,
        };
        doc.skeleton.nodes.push(DocNode {
            parent,
            end: index + 1,
            kind,
        });
        let node = &arena[cur as usize];
        if node.first_child != NONE {
            open.push(index);
            cur = node.first_child;
            continue;
        }
        // A leaf: climb until a next sibling exists, closing subtrees on the way.
        let mut node = cur;
        loop {
            if arena[node as usize].next_sibling != NONE {
                cur = arena[node as usize].next_sibling;
                break;
            }
            node = arena[node as usize].parent;
            match open.pop() {
                Some(closed) if node != NONE => {
                    doc.skeleton.nodes[closed].end = doc.skeleton.nodes.len()
                }
                _ => {
                    let len = doc.skeleton.nodes.len();
                    for closed in open.drain(..) {
                        doc.skeleton.nodes[closed].end = len;
                    }
                    if let Some(root) = doc.skeleton.nodes.first_mut() {
                        root.end = len;
                    }
                    doc.text.shrink_to_fit();
                    return doc;
                }
            }
        }
    }
}

impl Document {
    fn add_str(&mut self, s: &str) -> Span {
        let start = self.text.len();
        self.text.push_str(s);
        Span {
            start: u32::try_from(start).unwrap_or(u32::MAX),
            len: u32::try_from(s.len()).unwrap_or(0),
        }
    }

    fn add_element(&mut self, element: ElementData, names: &mut Names) -> DocElement {
        let tag = match names.tags.get(&element.name.local) {
            Some(span) => *span,
            None => {
                let span = self.add_str(&element.name.local.to_ascii_lowercase());
                names.tags.insert(element.name.local.clone(), span);
                span
            }
        };
        let mut class = None;
        let mut id = None;
        let first = self.skeleton.attrs.len();
        for (name, value) in &element.attrs {
            let span = self.add_str(value);
            match *name {
                "class" => class = Some(span),
                "id" => id = Some(span),
                _ => self.skeleton.attrs.push((name, span)),
            }
        }
        let (class_id, hints) = self.class_id(class, id, names);
        DocElement {
            tag,
            class_id,
            class,
            id,
            hints,
            attrs: (first, self.skeleton.attrs.len()),
            foreign: element.name.ns != ns!(html),
        }
    }

    /// `class` and `id` as the extractor compares them (lower-cased, joined by a space) and
    /// their class hints: written and worked out once per distinct pair on the page, since
    /// most elements repeat a few class names.
    fn class_id(
        &mut self,
        class: Option<Span>,
        id: Option<Span>,
        names: &mut Names,
    ) -> (Span, clean::Hints) {
        if class.is_none() && id.is_none() {
            return (
                Span::default(),
                *names
                    .no_class_hints
                    .get_or_insert_with(|| clean::class_hints("")),
            );
        }
        let key = &mut names.key;
        key.clear();
        key.push_str(class.map_or("", |c| self.str(c)));
        // Attribute values never hold NUL (the tokenizer replaces it), so it separates.
        key.push('\0');
        if let Some(id) = id {
            key.push('\0');
            key.push_str(self.str(id));
        }
        if let Some(known) = names.class_ids.get(key.as_str()) {
            return *known;
        }
        let lowered = &mut names.lowered;
        lowered.clear();
        match (class.map(|c| self.str(c)), id.map(|i| self.str(i))) {
            (Some(class), Some(id)) if !class.is_empty() => {
                push_lowercase(lowered, class);
                lowered.push(' ');
                push_lowercase(lowered, id);
            }
            (Some(only), None) | (_, Some(only)) => push_lowercase(lowered, only),
            (None, None) => {}
        }
        let known = (self.add_str(lowered), clean::class_hints(lowered));
        names.class_ids.insert(key.clone(), known);
        known
    }
}

/// What [`flatten`] has seen of a page's names: each tag name and each class/id pair is
/// written into the document once. Both maps are looked up once per element, with keys the
/// page chose: foldhash (already in the dependency graph through hashbrown) hashes them
/// several times faster than the standard library's SipHash, and a per-process random seed
/// keeps a hostile page from choosing colliding keys.
#[derive(Default)]
struct Names {
    tags: HashMap<LocalName, Span, foldhash::fast::RandomState>,
    /// Raw `class`, NUL, then NUL and `id` when there is one → lower-cased class_id, hints.
    class_ids: HashMap<String, (Span, clean::Hints), foldhash::fast::RandomState>,
    no_class_hints: Option<clean::Hints>,
    key: String,
    lowered: String,
}

/// Appends `text` lower-cased. ASCII text is copied whole and lower-cased in place, not
/// pushed a character at a time (this runs on every distinct class and id of a page).
fn push_lowercase(out: &mut String, text: &str) {
    if text.is_ascii() {
        let start = out.len();
        out.push_str(text);
        out[start..].make_ascii_lowercase();
    } else {
        out.push_str(&text.to_lowercase());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kept_names_are_the_listed_ones() {
        for name in KEPT_ATTRS {
            assert_eq!(kept_name(&LocalName::from(*name)), Some(*name));
        }
        for name in ["onclick", "data-srcset", "srcset", "xlink:href", ""] {
            assert_eq!(kept_name(&LocalName::from(name)), None, "{name}");
        }
    }

    #[test]
    fn strings_are_stored_once_per_distinct_class() {
        let html = "<ul>".to_owned() + &"<li class='Item Big'>x</li>".repeat(100) + "</ul>";
        let doc = Document::parse(&html);
        assert_eq!(doc.text.matches("item big").count(), 1);
        assert!(doc.text.len() < html.len());
    }
}
