//! The story a script-built page holds only in its framework's inline state: Next.js's
//! `__NEXT_DATA__` and React Server Component chunks (`self.__next_f.push([1,"…"])`), Nuxt's
//! `window.__NUXT__` and `__NUXT_DATA__`, Apollo and Redux caches (`window.__APOLLO_STATE__ =
//! {…}`, `JSON.parse("…")`), Angular's transfer state, Astro's island props, and any other
//! `application/json` island. Read only when the markup shows much less than a story.
//!
//! The body is found by its shape, not by its framework:
//! - a string of HTML with paragraphs (`bodyHtml`, `content`), or of plain paragraphs;
//! - an array of blocks (Editor.js, Sanity Portable Text, Contentful rich text, Strapi) whose
//!   text fields hold prose, each block read with its kind (heading, list item, quote);
//! - React element rows (`["$","p",null,{"children":…}]`);
//! - in a JavaScript object literal, a run of literals under a block's text key.
//!
//! A state often holds other stories too ("most read" with whole texts): a body under
//! another story's object is refused, and the page's title or its address's last segment
//! names its own. That object's date is the page's when the markup gives none.
//!
//! JSON is read by serde_json, whose recursion limit bounds a hostile nesting. JavaScript is
//! not JSON: its string literals are read by the small lexer here ([`string_literals`]),
//! because reading literals is all that is needed and a JavaScript parser would be a large
//! dependency for it. A literal that holds JSON (`JSON.parse("…")`, RSC chunks) is parsed in
//! turn. Every script, literal and walk is bounded in bytes or nodes.

use std::ops::Range;

use serde_json::{Map, Value};

use url::Url;

use super::author::normalise_space;
use super::dom::Dom;
use super::render::{Block, BlockKind};

/// Largest script (or attribute) read, in bytes; larger ones are passed over.
const MAX_SCRIPT_BYTES: usize = 4 << 20;
/// Most script bytes read on one page.
const MAX_TOTAL_BYTES: usize = 8 << 20;
/// Most JSON values visited on one page.
const MAX_VISITS: usize = 400_000;
/// Most `= {` assignments tried in one script.
const MAX_ASSIGNMENTS: usize = 16;
/// Most script between two literals of one run, in bytes (an image block's addresses and
/// caption may stand between two paragraphs).
const MAX_RUN_GAP_BYTES: usize = 2000;
/// Most other literals between two of one run.
const MAX_RUN_OTHER_LITERALS: usize = 12;
/// Keys of arrays whose items are blocks' texts.
const ITEM_KEYS: &[&str] = &["items", "paragraphs", "children", "content"];
/// Shortest literal worth decoding: a story's body is longer.
const MIN_LITERAL_BYTES: usize = 200;
/// Least text for a body, in characters.
const MIN_BODY_CHARS: usize = 200;
/// Least text for a block to read as a sentence, in characters.
const MIN_SENTENCE_CHARS: usize = 60;
/// Attributes that carry a component's state as JSON (Astro islands, Inertia, react-rails).
const STATE_ATTRIBUTES: &[&str] = &["props", "data-props", "data-page", "data-react-props"];
/// Shortest slug that names a story.
const MIN_SLUG_CHARS: usize = 8;
/// Keys whose string value names the object: the story's own title marks its body.
const TITLE_KEYS: &[&str] = &["title", "headline", "heading", "name"];
/// Keys under which a block holds its text, in the order they are read.
const TEXT_KEYS: &[&str] = &["text", "value", "html", "children", "content", "data"];
/// Keys whose string value is a story's address or slug.
const SLUG_KEYS: &[&str] = &[
    "slug",
    "url",
    "path",
    "_path",
    "href",
    "link",
    "permalink",
    "canonical",
    "canonicalUrl",
    "canonical_url",
    "uri",
    "pathname",
    "routePath",
    "fullUrl",
    "alias",
];
/// Keys of a story's publication date, most telling first.
const DATE_KEYS: &[&str] = &[
    "datePublished",
    "publishedAt",
    "published_at",
    "publishDate",
    "publish_date",
    "publishedDate",
    "published",
    "firstPublishedAt",
    "first_published_at",
    "pubDate",
    "date",
    "createdAt",
    "created_at",
];
/// Keys only a product has (a shop's item, not a story).
const PRODUCT_KEYS: &[&str] = &["price", "variants", "sku", "offers", "vendor"];
/// Keys that name a block's type.
const TYPE_KEYS: &[&str] = &["type", "_type", "nodeType", "blockType", "__typename"];

/// The longest story among the page's inline states: the one under the page's
/// `title` when there is one. Without a body, the date of the object the page's title or
/// address names.
pub fn state_story(dom: &Dom, title: Option<&str>, url: Option<&Url>) -> Option<StateStory> {
    let mut walk = Walk {
        title: title.map(words).filter(|t| !t.is_empty()),
        slug: url.and_then(slug),
        nested_json: 0,
        own_published: None,
        found: None,
        visits: 0,
    };
    let mut budget = MAX_TOTAL_BYTES;
    let mut rsc = String::new();
    for i in 0..dom.len() {
        let Some(el) = dom.element(i) else { continue };
        for (name, value) in el.attrs.iter() {
            if value.len() >= MIN_LITERAL_BYTES
                && value.len() <= MAX_SCRIPT_BYTES.min(budget)
                && STATE_ATTRIBUTES.contains(name)
                && value.trim_start().starts_with('{')
            {
                budget -= value.len();
                walk.attribute(name, value);
            }
        }
        if !el.is("script") || el.attr("src").is_some() {
            continue;
        }
        let kind = el.attr("type").map(|t| t.trim().to_ascii_lowercase());
        let json = match kind.as_deref() {
            Some("application/json") => true,
            None | Some("" | "text/javascript" | "application/javascript" | "module") => false,
            Some(_) => continue,
        };
        let bytes: usize = dom.texts(i).map(str::len).sum();
        if bytes > MAX_SCRIPT_BYTES.min(budget) {
            continue;
        }
        budget -= bytes;
        let source: String = dom.texts(i).collect();
        if json {
            walk.json(&source, None);
        } else if source.contains("__next_f") {
            // Server-component chunks, however short: one row can span several.
            string_literals(&source, 1, |_, raw| rsc.push_str(&decode_literal(raw)));
        } else if source.len() >= MIN_LITERAL_BYTES {
            walk.script(&source);
        }
    }
    walk.server_components(&rsc);
    match walk.found {
        Some(found) => Some(StateStory {
            blocks: found.blocks,
            headline: found.headline,
            published: found.published.or(walk.own_published),
        }),
        None => walk.own_published.map(|published| StateStory {
            blocks: Vec::new(),
            headline: None,
            published: Some(published),
        }),
    }
}

/// One page's search: the best body so far.
struct Walk {
    /// The page's title as lower-case words.
    title: Option<String>,
    /// The last segment of the page's path, when it names the story.
    slug: Option<String>,
    /// How many strings of JSON are being read inside one another.
    nested_json: usize,
    found: Option<Found>,
    /// The publication date of the first object found to be the page's story.
    own_published: Option<String>,
    visits: usize,
}

/// The nearest object above a value that names a story.
#[derive(Clone, Copy)]
struct Owner<'v> {
    /// The story is the page's own.
    ours: bool,
    /// Its title, when the page's address (not its title) showed it is the page's: the
    /// page's own title is then the site's, not the story's.
    headline: Option<&'v str>,
    /// Its publication date as written.
    published: Option<&'v str>,
}

struct Found {
    blocks: Vec<Block>,
    chars: usize,
    titled: bool,
    headline: Option<String>,
    published: Option<String>,
}

/// A story read from a page's inline state.
pub struct StateStory {
    /// Its body; empty when only its date was found.
    pub blocks: Vec<Block>,
    /// The story's title, when the page's address showed the story and its title did not.
    pub headline: Option<String>,
    /// The story's publication date as its state writes it.
    pub published: Option<String>,
}

impl Walk {
    /// A JSON document, as an island holds it (Angular escapes its quotes as `&q;`).
    fn json(&mut self, source: &str, owner: Option<Owner<'_>>) {
        let source = source.trim();
        let value = if source.contains("&q;") {
            serde_json::from_str::<Value>(&unescape_transfer_state(source))
        } else {
            serde_json::from_str::<Value>(source)
        };
        if let Ok(value) = value {
            self.value(&value, owner, 0);
        }
    }

    /// A component's state in an attribute. Astro wraps each of its island's values as
    /// `[type, value]`.
    fn attribute(&mut self, name: &str, source: &str) {
        match serde_json::from_str::<Value>(source) {
            Ok(value) if name == "props" => self.value(&unwrap_astro(value, 0), None, 0),
            Ok(value) => self.value(&value, None, 0),
            Err(_) => {}
        }
    }

    /// A script: the JSON assigned in it (`window.__STATE__ = {…}`), else its long string
    /// literals (a JavaScript object literal, `JSON.parse("…")`).
    fn script(&mut self, source: &str) {
        let (mut assigned, mut read_to) = (false, 0);
        for start in assignments(source).take(MAX_ASSIGNMENTS) {
            if start < read_to {
                // Inside a value already read.
                continue;
            }
            let mut values = serde_json::Deserializer::from_str(&source[start..]).into_iter();
            if let Some(Ok(value)) = values.next() {
                assigned = true;
                read_to = start + values.byte_offset();
                self.value(&value, None, 0);
            }
        }
        if assigned {
            return;
        }
        // Not JSON: its literals, each long one read alone, and runs of text literals close
        // together read as one story's paragraphs (an object literal of blocks: `{type:a,
        // text:"…"}`, the literal under a key that holds a block's text).
        let mut run = Run::default();
        string_literals(source, 1, |span, raw| {
            if raw.len() >= MIN_LITERAL_BYTES {
                self.string(&decode_literal(raw), None);
            }
            let place = place_of(source, span.start - 1);
            let holds_text = match place {
                Place::Key(key) => TEXT_KEYS.contains(&key) || key == "body",
                Place::FirstItem(key) => ITEM_KEYS.contains(&key),
                Place::NextItem => run.in_items,
                Place::Other => false,
            };
            let text = holds_text
                .then(|| clean_text(&decode_literal(raw)))
                .flatten()
                .filter(|text| is_texty(text));
            let Some(text) = text else {
                run.others += 1;
                run.in_items = false;
                return;
            };
            if span.start > run.end + MAX_RUN_GAP_BYTES || run.others > MAX_RUN_OTHER_LITERALS {
                self.run(std::mem::take(&mut run.texts));
            }
            run.texts.push(text);
            (run.end, run.others) = (span.end, 0);
            run.in_items = matches!(place, Place::FirstItem(_) | Place::NextItem);
        });
        self.run(run.texts);
    }

    /// A run of text literals, as paragraphs.
    fn run(&mut self, texts: Vec<String>) {
        if texts.len() >= 2 {
            let blocks = texts
                .into_iter()
                .map(|text| Block::plain(BlockKind::Paragraph, text))
                .collect();
            self.consider(blocks, None);
        }
    }

    /// React Server Component rows, `id:payload` each: JSON rows are walked, and text rows
    /// (`id:T<hex length>,<text>`) read as strings.
    fn server_components(&mut self, rows: &str) {
        let mut rest = rows;
        while !rest.is_empty() {
            let Some(colon) = rest.find(':') else { break };
            let (id, payload) = (&rest[..colon], &rest[colon + 1..]);
            if id.is_empty() || !id.bytes().all(|b| b.is_ascii_hexdigit()) {
                // Not at a row's start: go on at the next line.
                match rest.find('\n') {
                    Some(end) => rest = &rest[end + 1..],
                    None => break,
                }
                continue;
            }
            if let Some(text_row) = payload.strip_prefix('T')
                && let Some((length, text)) = text_row.split_once(',')
                && let Ok(length) = usize::from_str_radix(length, 16)
            {
                let end = super::chars::prefix_bytes(text, length).len();
                self.string(&text[..end], None);
                rest = &text[end..];
                continue;
            }
            let end = payload.find('\n').unwrap_or(payload.len());
            let row = &payload[..end];
            if row.starts_with('[') || row.starts_with('{') {
                self.json(row, None);
            }
            rest = payload.get(end + 1..).unwrap_or("");
        }
    }

    fn value<'v>(&mut self, value: &'v Value, owner: Option<Owner<'v>>, depth: usize) {
        self.visits += 1;
        if self.visits > MAX_VISITS || depth > 128 {
            return;
        }
        match value {
            Value::String(text) => self.string(text, owner),
            Value::Array(items) => {
                if let Some(blocks) = block_array(items) {
                    self.consider(blocks, owner);
                }
                if let Some((_, props)) = react_element(items)
                    && react_children(props)
                        .filter(|child| react_element(child).is_some_and(|(tag, _)| tag == "p"))
                        .count()
                        >= 2
                {
                    let mut blocks = Vec::new();
                    react_blocks(value, &mut blocks, 0);
                    self.consider(blocks, owner);
                }
                for item in items {
                    self.value(item, owner, depth + 1);
                }
            }
            Value::Object(object) => {
                let own = self.owner(object);
                if let Some(Owner {
                    ours: true,
                    published: Some(published),
                    ..
                }) = own
                {
                    self.own_published
                        .get_or_insert_with(|| published.to_owned());
                }
                let owner = own.or(owner);
                for item in object.values() {
                    self.value(item, owner, depth + 1);
                }
            }
            _ => {}
        }
    }

    /// A string that is a body: markup with paragraphs, or plain paragraphs.
    fn string(&mut self, text: &str, owner: Option<Owner<'_>>) {
        if text.len() < MIN_LITERAL_BYTES {
            return;
        }
        let trimmed = text.trim_start();
        if (trimmed.starts_with('{') || trimmed.starts_with('[')) && self.nested_json < 2 {
            // JSON kept as a string (Editor.js's output saved as it came).
            self.nested_json += 1;
            self.json(trimmed, owner);
            self.nested_json -= 1;
            return;
        }
        let lines = if has_block_markup(text) {
            let lines = super::markup_text(text);
            // Markup escaped twice (`&lt;p&gt;`) reads as markup once more.
            if has_block_markup(&lines) {
                super::markup_text(&lines)
            } else {
                lines
            }
        } else if text.contains('\n') {
            text.to_owned()
        } else {
            return;
        };
        let blocks: Vec<Block> = lines
            .split('\n')
            .filter_map(|line| text_block(line, false))
            .collect();
        if blocks.len() >= 2 {
            self.consider(blocks, owner);
        }
    }

    /// Whether an object names a story, and whether that story is the page's: its title is
    /// the page's, or one of its strings holds the page's slug.
    fn owner<'v>(&self, object: &'v Map<String, Value>) -> Option<Owner<'v>> {
        if self.title.is_none() && self.slug.is_none() {
            // Nothing to tell the page's story from another by.
            return None;
        }
        let title = own_title(object);
        let slugged = self.slug.as_deref().is_some_and(|slug| {
            SLUG_KEYS.iter().any(|key| {
                object
                    .get(*key)
                    .and_then(Value::as_str)
                    .is_some_and(|text| text.len() <= 400 && text.contains(slug))
            })
        });
        if title.is_none() && !slugged {
            return None;
        }
        let titled = match (&self.title, title) {
            (Some(ours), Some(title)) => same_title(ours, &words(title)),
            _ => false,
        };
        // A product's listing date is no publication (a shop's state names the product).
        let product = PRODUCT_KEYS.iter().any(|key| object.contains_key(*key));
        let published = DATE_KEYS
            .iter()
            .find_map(|key| object.get(*key)?.as_str())
            .filter(|_| !product);
        Some(Owner {
            ours: titled || slugged,
            headline: title.filter(|_| !titled),
            published,
        })
    }

    /// A body found under `owner`: kept when it is the best so far. A body under another
    /// story is not this page's.
    fn consider(&mut self, blocks: Vec<Block>, owner: Option<Owner<'_>>) {
        let chars: usize = blocks.iter().map(|b| b.text_len).sum();
        if chars < MIN_BODY_CHARS || !is_prose(&blocks) {
            return;
        }
        let titled = match owner {
            Some(Owner { ours: true, .. }) => true,
            Some(Owner { ours: false, .. }) => return,
            None => false,
        };
        let better = self
            .found
            .as_ref()
            .is_none_or(|best| (titled, chars) > (best.titled, best.chars));
        if better {
            self.found = Some(Found {
                blocks,
                chars,
                titled,
                headline: owner.and_then(|owner| owner.headline).map(str::to_owned),
                published: owner.and_then(|owner| owner.published).map(str::to_owned),
            });
        }
    }
}

/// A React element as a server component row writes it, `["$", tag, key, props]`: its tag
/// and props.
fn react_element(items: &[Value]) -> Option<(&str, &Map<String, Value>)> {
    match items {
        [
            Value::String(dollar),
            Value::String(tag),
            _,
            Value::Object(props),
        ] if dollar == "$" => Some((tag, props)),
        _ => None,
    }
}

/// A React element's children, as arrays of values (a lone child is one).
fn react_children(props: &Map<String, Value>) -> impl Iterator<Item = &[Value]> {
    let children = props.get("children").and_then(Value::as_array);
    let lone = children.filter(|items| react_element(items).is_some());
    let many = children.filter(|_| lone.is_none());
    lone.map(Vec::as_slice).into_iter().chain(
        many.into_iter()
            .flatten()
            .filter_map(|child| child.as_array().map(Vec::as_slice)),
    )
}

/// The blocks of a React element tree: paragraphs, headings, list items and quotes, read
/// as the page would render them; figures, asides and controls passed over.
fn react_blocks(node: &Value, out: &mut Vec<Block>, depth: usize) {
    let Some(items) = node.as_array() else { return };
    if depth > 64 {
        return;
    }
    let Some((tag, props)) = react_element(items) else {
        // A fragment: a list of children.
        for child in items {
            react_blocks(child, out, depth + 1);
        }
        return;
    };
    let kind = match tag {
        "p" => BlockKind::Paragraph,
        "li" => BlockKind::ListItem {
            ordered: false,
            number: 1,
            depth: 0,
        },
        "blockquote" => BlockKind::Quote,
        "h1" | "h2" | "h3" | "h4" | "h5" | "h6" => BlockKind::Heading(tag.as_bytes()[1] - b'0'),
        "figure" | "figcaption" | "aside" | "nav" | "header" | "footer" | "button" | "form"
        | "script" | "style" | "svg" | "img" => return,
        _ => {
            if let Some(children) = props.get("children") {
                react_blocks(children, out, depth + 1);
            }
            return;
        }
    };
    let mut text = String::new();
    react_text(props.get("children").unwrap_or(&Value::Null), &mut text, 0);
    if let Some(text) = clean_text(&text) {
        out.push(Block::plain(kind, text));
    }
}

/// The text of a React element's children.
fn react_text(node: &Value, out: &mut String, depth: usize) {
    if depth > 32 {
        return;
    }
    match node {
        Value::String(text) if !text.starts_with('$') => out.push_str(text),
        Value::Number(number) => out.push_str(&number.to_string()),
        Value::Array(items) => match react_element(items) {
            Some((_, props)) => react_text(
                props.get("children").unwrap_or(&Value::Null),
                out,
                depth + 1,
            ),
            None => items
                .iter()
                .for_each(|item| react_text(item, out, depth + 1)),
        },
        _ => {}
    }
}

/// Astro's island props with their `[type, value]` wrappers taken off (type 1 wraps an
/// array of wrapped values).
fn unwrap_astro(value: Value, depth: usize) -> Value {
    if depth > 64 {
        return Value::Null;
    }
    match value {
        Value::Array(mut items) if items.len() == 2 && items[0].is_u64() => {
            let inner = items.pop().unwrap_or(Value::Null);
            match inner {
                Value::Array(inner) if items[0] == 1 => Value::Array(
                    inner
                        .into_iter()
                        .map(|item| unwrap_astro(item, depth + 1))
                        .collect(),
                ),
                inner => unwrap_astro(inner, depth + 1),
            }
        }
        Value::Object(object) => Value::Object(
            object
                .into_iter()
                .map(|(key, value)| (key, unwrap_astro(value, depth + 1)))
                .collect(),
        ),
        other => other,
    }
}

/// Text literals close together, each under a key that holds a block's text: one story's
/// blocks in a JavaScript object literal.
#[derive(Default)]
struct Run {
    texts: Vec<String>,
    /// Where the last one ends.
    end: usize,
    /// Literals since the last one.
    others: usize,
    /// The last one is an item of an array of texts.
    in_items: bool,
}

/// Where a literal stands in an object literal.
enum Place<'s> {
    /// The value of a key: `text:"…"`, `"text":"…"`.
    Key(&'s str),
    /// The first item of an array under a key: `items:["…"`.
    FirstItem(&'s str),
    /// A later item of an array: `,"…"`.
    NextItem,
    Other,
}

/// Where the literal whose opening quote is at `quote` stands.
fn place_of(source: &str, quote: usize) -> Place<'_> {
    let before = source[..quote].trim_end();
    if before.ends_with(',') {
        return Place::NextItem;
    }
    if let Some(array) = before.strip_suffix('[') {
        return match key_at_end(array) {
            Some(key) => Place::FirstItem(key),
            None => Place::Other,
        };
    }
    match key_at_end(before) {
        Some(key) => Place::Key(key),
        None => Place::Other,
    }
}

/// The key of `key:` (or `"key":`) that ends `before`.
fn key_at_end(before: &str) -> Option<&str> {
    let before = before.trim_end().strip_suffix(':')?.trim_end();
    if let Some(quoted) = before.strip_suffix('"') {
        let start = quoted.rfind('"')?;
        return Some(&quoted[start + 1..]);
    }
    let start = before
        .rfind(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '$'))
        .map_or(0, |i| i + 1);
    Some(&before[start..]).filter(|key| !key.is_empty())
}

/// Whether a literal reads as text: words with spaces (or CJK letters), not a name, an
/// address or code.
fn is_texty(text: &str) -> bool {
    let Letters {
        letters,
        spaces,
        all,
    } = Letters::of(text);
    !text.starts_with("http")
        && letters >= 3
        && (letters + spaces) * 5 >= all * 4
        && (spaces >= 1 || !text.is_ascii())
}

/// The blocks of an array of rich-text blocks: at least two of its objects hold text.
fn block_array(items: &[Value]) -> Option<Vec<Block>> {
    let objects = items.iter().filter(|item| item.is_object()).count();
    if objects < 2 {
        // An array of paragraphs as plain strings.
        if items.len() >= 2 && items.iter().all(Value::is_string) {
            let blocks: Vec<Block> = items
                .iter()
                .filter_map(|item| text_block(item.as_str()?, true))
                .collect();
            return (blocks.len() >= 2).then_some(blocks);
        }
        return None;
    }
    // Most arrays of objects (menus, teasers, ads) hold too little text to be a story:
    // counted before any is copied.
    let mut text_bytes = 0;
    for item in items {
        text_bytes += inline_text_bytes(item, 0);
        if text_bytes >= MIN_BODY_CHARS {
            break;
        }
    }
    if text_bytes < MIN_BODY_CHARS {
        return None;
    }
    let mut blocks = Vec::new();
    for item in items {
        let Value::Object(block) = item else { continue };
        push_blocks(block, &mut blocks);
    }
    (blocks.len() >= 2).then_some(blocks)
}

/// One rich-text block as blocks: a list gives one per item.
fn push_blocks(block: &Map<String, Value>, out: &mut Vec<Block>) {
    let kind = block_type(block);
    if [
        "image", "img", "video", "embed", "gallery", "media", "advert", "code",
    ]
    .iter()
    .any(|skipped| kind.contains(skipped))
    {
        return;
    }
    if kind.contains("list") && !kind.contains("item") {
        let ordered = kind.contains("order") && !kind.contains("unorder")
            || ["style", "format"]
                .iter()
                .filter_map(|key| block.get(*key).or(block.get("data")?.get(*key)))
                .any(|style| style.as_str() == Some("ordered"));
        let items = block
            .get("data")
            .and_then(|data| data.get("items"))
            .or(block.get("items"))
            .or(block.get("children"))
            .or(block.get("content"));
        if let Some(Value::Array(items)) = items {
            for (n, item) in items.iter().enumerate() {
                let mut text = String::new();
                inline_text(item, &mut text, 0);
                let number = u32::try_from(n + 1).unwrap_or(u32::MAX);
                if let Some(text) = clean_text(&text) {
                    let kind = BlockKind::ListItem {
                        ordered,
                        number,
                        depth: 0,
                    };
                    out.push(Block::plain(kind, text));
                }
            }
        }
        return;
    }
    let mut text = String::new();
    for key in TEXT_KEYS {
        if let Some(value) = block.get(*key) {
            inline_text(value, &mut text, 0);
        }
    }
    let Some(text) = clean_text(&text) else {
        return;
    };
    let style = block.get("style").and_then(Value::as_str).unwrap_or("");
    let level = block
        .get("level")
        .or(block.get("data").and_then(|data| data.get("level")))
        .and_then(Value::as_u64);
    let kind = if let Some(n) = style
        .strip_prefix('h')
        .and_then(|n| n.parse::<u8>().ok())
        .filter(|n| (1..=6).contains(n))
    {
        BlockKind::Heading(n)
    } else if kind.contains("head") {
        let digit = kind.bytes().find(u8::is_ascii_digit).map(|d| d - b'0');
        let level = level.and_then(|l| u8::try_from(l).ok()).or(digit);
        BlockKind::Heading(level.filter(|l| (1..=6).contains(l)).unwrap_or(2))
    } else if kind.contains("quote") || style == "blockquote" {
        BlockKind::Quote
    } else if let Some(list) = block.get("listItem").and_then(Value::as_str) {
        BlockKind::ListItem {
            ordered: list == "number",
            number: 1,
            depth: 0,
        }
    } else {
        BlockKind::Paragraph
    };
    out.push(Block::plain(kind, text));
}

/// A block's type, lower-cased ("paragraph", "heading-2", "unordered-list").
fn block_type(block: &Map<String, Value>) -> String {
    TYPE_KEYS
        .iter()
        .find_map(|key| block.get(*key)?.as_str())
        .unwrap_or("")
        .to_ascii_lowercase()
}

/// The text of an inline run: strings joined as written (spans carry their own spaces).
fn inline_text(value: &Value, out: &mut String, depth: usize) {
    if depth > 16 {
        return;
    }
    match value {
        Value::String(text) => out.push_str(text),
        Value::Array(items) => {
            for item in items {
                inline_text(item, out, depth + 1);
            }
        }
        Value::Object(object) => {
            for key in TEXT_KEYS {
                if let Some(value) = object.get(*key) {
                    inline_text(value, out, depth + 1);
                }
            }
        }
        _ => {}
    }
}

/// How many bytes [`inline_text`] would read from a value under its text keys (lists'
/// items included).
fn inline_text_bytes(value: &Value, depth: usize) -> usize {
    if depth > 16 {
        return 0;
    }
    match value {
        Value::String(text) => text.len(),
        Value::Array(items) => items
            .iter()
            .map(|item| inline_text_bytes(item, depth + 1))
            .sum(),
        Value::Object(object) => TEXT_KEYS
            .iter()
            .chain(&["items"])
            .filter_map(|key| object.get(*key))
            .map(|value| inline_text_bytes(value, depth + 1))
            .sum(),
        _ => 0,
    }
}

/// A block's text with inline markup and entities read, and its spaces collapsed.
fn clean_text(text: &str) -> Option<String> {
    let text = if text.contains('<') || text.contains('&') {
        super::tokenizer::text_of_markup(text)
    } else {
        text.to_owned()
    };
    let text = normalise_space(&text);
    (!text.is_empty()).then_some(text)
}

/// A line of text as a block, Markdown's heading and list marks read; its inline markup
/// and entities read too when `inline_markup`.
fn text_block(line: &str, inline_markup: bool) -> Option<Block> {
    let line = if inline_markup {
        clean_text(line)?
    } else {
        normalise_space(line)
    };
    if line.is_empty() {
        return None;
    }
    let hashes = line.bytes().take_while(|&b| b == b'#').count();
    let (kind, text) = if (1..=6).contains(&hashes) && line[hashes..].starts_with(' ') {
        (BlockKind::Heading(hashes as u8), line[hashes..].trim())
    } else if let Some(item) = line.strip_prefix("- ").or(line.strip_prefix("* ")) {
        let kind = BlockKind::ListItem {
            ordered: false,
            number: 1,
            depth: 0,
        };
        (kind, item.trim())
    } else {
        (BlockKind::Paragraph, line.as_str())
    };
    let text = text.replace("**", "");
    Some(Block::plain(kind, text))
}

/// Whether the blocks read as a story: mostly sentences (not a menu's labels), and those
/// mostly letters and spaces (not code, addresses or markup left as text).
fn is_prose(blocks: &[Block]) -> bool {
    let (mut sentences, mut letters, mut spaces, mut all) = (0usize, 0, 0, 0);
    let mut sentence_chars = 0;
    for block in blocks {
        let Letters {
            letters: block_letters,
            spaces: block_spaces,
            all: block_all,
        } = Letters::of(&block.text);
        // CJK prose has few spaces: letters alone then carry it.
        if block_all >= MIN_SENTENCE_CHARS
            && !(block.text.contains('<') && block.text.contains('>'))
            && (block_letters + block_spaces) * 4 >= block_all * 3
            && (block_spaces * 20 >= block_all || block_letters * 5 >= block_all * 4)
        {
            sentences += 1;
            sentence_chars += block_all;
        }
        (letters, spaces, all) = (
            letters + block_letters,
            spaces + block_spaces,
            all + block_all,
        );
    }
    sentences >= 2 && sentence_chars * 2 >= all && (letters + spaces) * 4 >= all * 3
}

/// A text's letters, spaces and characters in all: how prose is told from labels, code
/// and addresses.
struct Letters {
    letters: usize,
    spaces: usize,
    all: usize,
}

impl Letters {
    fn of(text: &str) -> Letters {
        let mut counts = Letters {
            letters: 0,
            spaces: 0,
            all: 0,
        };
        for c in text.chars() {
            counts.all += 1;
            if c.is_alphabetic() {
                counts.letters += 1;
            } else if c == ' ' {
                counts.spaces += 1;
            }
        }
        counts
    }
}

/// Whether a string is markup with block elements.
fn has_block_markup(text: &str) -> bool {
    ["<p>", "<p ", "</p>", "<br", "<h2", "<li>", "<div"]
        .iter()
        .any(|tag| text.contains(tag))
}

/// The object's own title, when it has one.
fn own_title(object: &Map<String, Value>) -> Option<&str> {
    TITLE_KEYS
        .iter()
        .find_map(|key| object.get(*key)?.as_str())
        .filter(|title| !title.is_empty() && title.len() <= 400)
}

/// The last segment of a URL's path without its extension, when it is long enough to name
/// one story ("tram-line-to-reach-the-north", not "index" or "12").
fn slug(url: &Url) -> Option<String> {
    let last = url.path_segments()?.rfind(|segment| !segment.is_empty())?;
    let stem = last.split_once('.').map_or(last, |(stem, _)| stem);
    let stem = percent_encoding::percent_decode_str(stem)
        .decode_utf8()
        .ok()?;
    (stem.chars().count() >= MIN_SLUG_CHARS && stem.chars().any(char::is_alphabetic))
        .then(|| stem.into_owned())
}

/// A title as its words compared the way the title module compares them, joined by
/// single spaces.
fn words(title: &str) -> String {
    super::title::comparable_words(title)
        .collect::<Vec<_>>()
        .join(" ")
}

/// Whether two titles (as [`words`]) name one story: equal, or one holds the other and is
/// most of it (a tab adds the site's name).
fn same_title(a: &str, b: &str) -> bool {
    let (short, long) = if a.len() <= b.len() { (a, b) } else { (b, a) };
    !short.is_empty() && long.contains(short) && short.len() * 5 >= long.len() * 3
}

/// Angular's transfer state escapes the JSON it embeds: `&q;` for a quote and so on.
fn unescape_transfer_state(source: &str) -> String {
    source
        .replace("&q;", "\"")
        .replace("&s;", "'")
        .replace("&l;", "<")
        .replace("&g;", ">")
        .replace("&a;", "&")
}

/// Where JSON assigned in a script starts: the `{` or `[` after an `=`.
fn assignments(source: &str) -> impl Iterator<Item = usize> + '_ {
    source.match_indices('=').filter_map(|(at, _)| {
        let after = &source[at + 1..];
        let start = at + 1 + (after.len() - after.trim_start().len());
        matches!(source.as_bytes().get(start), Some(b'{' | b'[')).then_some(start)
    })
}

/// Calls `each` with every string literal of a script at least `min` bytes long, as
/// written (see [`decode_literal`]). Comments are passed over; a regular expression
/// holding a quote can throw the reading off, which costs only the literals after it.
fn string_literals<'s>(source: &'s str, min: usize, mut each: impl FnMut(Range<usize>, &'s str)) {
    let bytes = source.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            quote @ (b'"' | b'\'' | b'`') => {
                let start = i + 1;
                let mut end = start;
                while end < bytes.len() && bytes[end] != quote {
                    end += if bytes[end] == b'\\' { 2 } else { 1 };
                }
                let end = end.min(bytes.len());
                if end - start >= min {
                    each(start..end, &source[start..end]);
                }
                i = end + 1;
            }
            b'/' if bytes.get(i + 1) == Some(&b'/') => {
                i = source[i..].find('\n').map_or(bytes.len(), |n| i + n + 1);
            }
            b'/' if bytes.get(i + 1) == Some(&b'*') => {
                i = source[i + 2..]
                    .find("*/")
                    .map_or(bytes.len(), |n| i + n + 4);
            }
            _ => i += 1,
        }
    }
}

/// A JavaScript string literal's body with its escapes read.
fn decode_literal(body: &str) -> String {
    let mut out = String::with_capacity(body.len());
    let mut chars = body.chars();
    let mut high_surrogate: Option<u32> = None;
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        let Some(escaped) = chars.next() else { break };
        let code = match escaped {
            'n' => Some('\n' as u32),
            'r' | '\n' => None,
            't' => Some('\t' as u32),
            'b' | 'f' | 'v' | '0' => None,
            'x' => hex_code(&mut chars, 2),
            'u' => {
                if chars.clone().next() == Some('{') {
                    chars.next();
                    let digits: String = chars.by_ref().take_while(|&c| c != '}').collect();
                    u32::from_str_radix(&digits, 16).ok()
                } else {
                    hex_code(&mut chars, 4)
                }
            }
            other => Some(other as u32),
        };
        let Some(code) = code else { continue };
        match (high_surrogate.take(), code) {
            (None, 0xD800..=0xDBFF) => high_surrogate = Some(code),
            (Some(high), 0xDC00..=0xDFFF) => {
                let joined = 0x10000 + ((high - 0xD800) << 10) + (code - 0xDC00);
                out.extend(char::from_u32(joined));
            }
            (_, code) => out.extend(char::from_u32(code)),
        }
    }
    out
}

fn hex_code(chars: &mut std::str::Chars<'_>, digits: usize) -> Option<u32> {
    let hex: String = chars.by_ref().take(digits).collect();
    if hex.len() != digits {
        return None;
    }
    u32::from_str_radix(&hex, 16).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::extract::parse::Document;

    fn body(html: &str, title: Option<&str>) -> Option<String> {
        body_at(html, title, None)
    }

    fn body_at(html: &str, title: Option<&str>, url: Option<&str>) -> Option<String> {
        let document = Document::parse(html);
        let dom = Dom::new(&document);
        let url = url.map(|url| Url::parse(url).unwrap());
        let story = state_story(&dom, title, url.as_ref())?;
        Some(crate::extract::render::to_text(&story.blocks))
    }

    const FIRST: &str = "The council voted on Tuesday to extend the tram line to the northern \
                         districts, ending a decade of argument over its route and its cost.";
    const SECOND: &str = "Work starts next spring, and the first trams are due to run in 2028 if \
                          the contractors keep to the schedule agreed with the city.";

    fn page(script: &str) -> String {
        format!("<html><head></head><body><div id=app>Loading…</div>{script}</body></html>")
    }

    #[test]
    fn reads_next_data_with_an_html_body() {
        let json = serde_json::json!({"props": {"pageProps": {"post": {
            "title": "Tram line to reach the north",
            "bodyHtml": format!("<p>{FIRST}</p><h2>Cost</h2><p>{SECOND}</p>"),
        }}}});
        let html = page(&format!(
            "<script id=__NEXT_DATA__ type=application/json>{json}</script>"
        ));
        let text = body(&html, Some("Tram line to reach the north")).unwrap();
        assert_eq!(text, format!("{FIRST}\n\nCost\n\n{SECOND}"));
    }

    #[test]
    fn reads_block_arrays_of_each_shape() {
        let editor_js = serde_json::json!({"blocks": [
            {"type": "paragraph", "data": {"text": format!("{FIRST} <b>Really</b>&nbsp;so.")}},
            {"type": "header", "data": {"text": "What it costs", "level": 3}},
            {"type": "list", "data": {"style": "ordered", "items": ["One stop", "Two stops"]}},
            {"type": "image", "data": {"caption": "The tram depot at dawn"}},
            {"type": "paragraph", "data": {"text": SECOND}},
        ]});
        let portable_text = serde_json::json!([
            {"_type": "block", "style": "normal", "children": [
                {"_type": "span", "text": "The council voted "},
                {"_type": "span", "marks": ["strong"], "text": "on Tuesday"},
                {"_type": "span", "text": &FIRST[28..]}]},
            {"_type": "block", "style": "h2", "children": [{"_type": "span", "text": "What it costs"}]},
            {"_type": "block", "style": "normal", "listItem": "bullet",
             "children": [{"_type": "span", "text": "One stop"}]},
            {"_type": "block", "style": "normal", "children": [{"_type": "span", "text": SECOND}]},
        ]);
        let contentful = serde_json::json!({"nodeType": "document", "content": [
            {"nodeType": "paragraph", "data": {}, "content": [
                {"nodeType": "text", "value": FIRST, "marks": []}]},
            {"nodeType": "heading-2", "data": {}, "content": [
                {"nodeType": "text", "value": "What it costs", "marks": []}]},
            {"nodeType": "unordered-list", "data": {}, "content": [
                {"nodeType": "list-item", "content": [{"nodeType": "paragraph", "content": [
                    {"nodeType": "text", "value": "One stop"}]}]}]},
            {"nodeType": "paragraph", "data": {}, "content": [
                {"nodeType": "text", "value": SECOND, "marks": []}]},
        ]});
        for (shape, state, expected) in [
            (
                "Editor.js",
                editor_js,
                format!(
                    "{FIRST} Really so.\n\nWhat it costs\n\n- One stop\n- Two stops\n\n{SECOND}"
                ),
            ),
            (
                "Portable Text",
                portable_text,
                format!("{FIRST}\n\nWhat it costs\n\n- One stop\n\n{SECOND}"),
            ),
            (
                "Contentful",
                contentful,
                format!("{FIRST}\n\nWhat it costs\n\n- One stop\n\n{SECOND}"),
            ),
        ] {
            let html = page(&format!(
                "<script id=__NEXT_DATA__ type=application/json>{}</script>",
                serde_json::json!({"props": {"story": {"title": "Trams", "body": state}}})
            ));
            assert_eq!(
                body(&html, Some("Trams")).as_deref(),
                Some(&*expected),
                "{shape}"
            );
        }
    }

    #[test]
    fn the_story_under_the_pages_title_wins_over_a_longer_one() {
        let other = format!("<p>{SECOND} {SECOND}</p><p>{SECOND} {FIRST}</p><p>{FIRST}</p>");
        let json = serde_json::json!({
            "mostRead": [{"title": "Another story entirely", "slug": "another-story", "html": other}],
            "article": {"headline": "Tram line to reach the north", "slug": "tram-line-north",
                        "html": format!("<p>{FIRST}</p><p>{SECOND}</p>")},
        });
        let html = page(&format!(
            "<script>window.__INITIAL_STATE__ = {json};</script>"
        ));
        let ours = format!("{FIRST}\n\n{SECOND}");
        let text = body(&html, Some("Tram line to reach the north | City News"));
        assert_eq!(text.as_deref(), Some(&*ours));
        // A tab with only the site's name: the address's slug tells the story.
        let url = Some("https://news.example/city/tram-line-north/");
        assert_eq!(
            body_at(&html, Some("City News"), url).as_deref(),
            Some(&*ours)
        );
        // Neither tells it: another story is not taken for the page's.
        assert_eq!(body(&html, Some("City News")), None);
        // With nothing to go by, the longest wins.
        assert!(body(&html, None).unwrap().starts_with(SECOND));
    }

    #[test]
    fn reads_javascript_literals_json_parse_and_server_component_rows() {
        // Nuxt 2: an object literal, not JSON, with escaped markup in a string.
        let markup = format!(
            "\\u003Cp\\u003E{FIRST}\\u003C/p\\u003E\\u003Cp\\u003E{SECOND}\\u003C/p\\u003E"
        );
        let nuxt = format!(
            "<script>window.__NUXT__=(function(a){{return {{data:[{{title:\"Trams\",content:\"{markup}\"}}]}}}}(1));</script>"
        );
        // Redux: JSON inside a string.
        let state = serde_json::json!({"story": {"title": "Trams", "paragraphs": [FIRST, SECOND]}});
        let escaped = serde_json::to_string(&state.to_string()).unwrap();
        let redux = format!("<script>window.__PRELOADED_STATE__ = JSON.parse({escaped});</script>");
        // Next.js app router: one row split across two chunks.
        let row = format!(
            "4:[\"$\",\"$L3\",null,{}]\n",
            serde_json::json!({"post": {"title": "Trams", "content": [
                {"type": "paragraph", "text": FIRST}, {"type": "paragraph", "text": SECOND}]}})
        );
        let (head, tail) = row.split_at(40);
        let chunk = |s: &str| {
            format!(
                "<script>self.__next_f.push([1,{}])</script>",
                serde_json::to_string(s).unwrap()
            )
        };
        let rsc = format!("{}{}", chunk(head), chunk(tail));
        for (shape, script) in [("Nuxt 2", nuxt), ("JSON.parse", redux), ("RSC", rsc)] {
            let text = body(&page(&script), Some("Trams"));
            assert_eq!(text, Some(format!("{FIRST}\n\n{SECOND}")), "{shape}");
        }
    }

    #[test]
    fn reads_angular_transfer_state_and_island_props() {
        let json = serde_json::json!({"article": {"title": "Trams",
            "body": format!("<p>{FIRST}</p><p>{SECOND}</p>")}})
        .to_string()
        .replace('"', "&q;");
        let angular = format!("<script id=serverApp-state type=application/json>{json}</script>");
        let props = serde_json::json!({"body": [0, format!("<p>{FIRST}</p><p>{SECOND}</p>")]})
            .to_string()
            .replace('"', "&quot;");
        let astro = format!("<astro-island props=\"{props}\"></astro-island>");
        for script in [angular, astro] {
            let text = body(&page(&script), Some("Trams"));
            assert_eq!(text, Some(format!("{FIRST}\n\n{SECOND}")));
        }
    }

    #[test]
    fn passes_over_what_is_not_a_story() {
        let config = serde_json::json!({"menu": [{"text": "News"}, {"text": "Sport"}],
            "i18n": {"more": "Read more", "share": "Share"},
            "css": "body{margin:0;padding:0}.a{color:#333;font:12px/1.4 sans-serif}".repeat(8),
            "teasers": [{"title": "A", "lead": FIRST}, {"title": "B", "lead": SECOND}]});
        let html = page(&format!(
            "<script id=__NEXT_DATA__ type=application/json>{config}</script>\
             <script>var s = \"{}\"; // a comment's \"quote\n</script>",
            "x".repeat(300)
        ));
        assert_eq!(body(&html, Some("Trams")), None);
    }

    #[test]
    fn the_pages_story_gives_its_date_without_a_body() {
        let json = serde_json::json!({"news": {"item": {
            "title": "Tram line to reach the north", "publishedAt": "2023-11-20T14:20:00+05:00",
            "updatedAt": "2023-11-21T09:02:41+05:00"}},
            "feed": [{"title": "Another story", "publishedAt": "2023-11-22T10:12:00+05:00"}]});
        let html = page(&format!(
            "<script>window.__INITIAL_STATE__ = {json};</script>"
        ));
        let document = Document::parse(&html);
        let dom = Dom::new(&document);
        let story = state_story(&dom, Some("Tram line to reach the north"), None).unwrap();
        assert!(story.blocks.is_empty());
        assert_eq!(
            story.published.as_deref(),
            Some("2023-11-20T14:20:00+05:00")
        );
        // Another story's date is not the page's.
        assert!(state_story(&dom, Some("Something else"), None).is_none());
        // Nor is a product's listing date.
        let json = serde_json::json!({"product": {"title": "Sidamo beans, 1 kg",
            "published_at": "2019-03-02T10:00:00+01:00", "variants": [{"price": "12.90"}]}});
        let html = page(&format!("<script>var meta = {json};</script>"));
        let document = Document::parse(&html);
        let dom = Dom::new(&document);
        assert!(state_story(&dom, Some("Sidamo beans, 1 kg"), None).is_none());
    }

    #[test]
    fn decodes_literals() {
        assert_eq!(
            decode_literal(r"a\u003Cp\u003E\x41\'\n\u{1F600}\uD83D\uDE00"),
            "a<p>A'\n😀😀"
        );
        assert_eq!(decode_literal("broken \\u12"), "broken ");
        assert_eq!(decode_literal("ends \\"), "ends ");
    }

    #[test]
    fn hostile_state_is_bounded() {
        // Nesting far past serde_json's limit, and a huge run of '=' assignments.
        let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
        let html = page(&format!(
            "<script type=application/json>{deep}</script><script>{}</script>",
            "a={".repeat(50_000)
        ));
        assert_eq!(body(&html, None), None);
    }
}
