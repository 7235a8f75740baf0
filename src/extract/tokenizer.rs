//! The HTML tokenizer (WHATWG HTML §13.2.5), feeding html5ever's tree builder.
//!
//! html5ever's own tokenizer reads a page one character at a time through a queue of string
//! buffers, copying every tag name, attribute and text run into a growing buffer. On news
//! pages that was over half of all extraction time: about 1 ms of a 2.8 ms median page,
//! whatever came after it. This tokenizer has the whole decoded page in memory and works on
//! its bytes: text, attribute values and raw text are found with `memchr`, text runs are
//! handed on as slices of the page (no copy), and attributes that neither gleaner nor the
//! tree builder reads are skipped without being decoded or allocated.
//!
//! It implements the same state machine, so the tree builder receives what html5ever's
//! tokenizer would give it for the attributes kept, and builds the same tree: character
//! references (named, with the attribute-value exception; numeric, with the C1 table),
//! CR/LF normalisation, NUL handling per state, comments with their abrupt and nested
//! endings, DOCTYPEs (which decide quirks mode), CDATA in foreign content, and the RCDATA,
//! RAWTEXT, script data (with its escaped and double-escaped states) and PLAINTEXT states
//! the tree builder switches it to. What it leaves out changes no tree: parse-error tokens
//! (the sink ignores them), comment text (the sink keeps no comment text), and the attributes
//! outside [`KEPT_ATTRS`] and [`TREE_BUILDER_ATTRS`]. A test compares the trees of both
//! tokenizers on hand-written edge cases and on generated tag soup, and the corpus test on
//! every page of the evaluation corpus.

use std::sync::LazyLock;

use html5ever::data::{C1_REPLACEMENTS, NAMED_ENTITIES};
use html5ever::tendril::StrTendril;
use html5ever::tokenizer::states::RawKind;
use html5ever::tokenizer::{Doctype, Tag, TagKind, Token, TokenSink, TokenSinkResult};
use html5ever::{Attribute, LocalName, QualName, ns};
use memchr::{memchr, memchr2, memchr3};

use super::parse::KEPT_ATTRS;

/// Attributes the tree builder itself reads: `type` (hidden inputs in tables), `color`,
/// `face` and `size` (a `<font>` leaving SVG/MathML), `encoding` (MathML's
/// `annotation-xml`), `shadowrootmode` (declarative shadow roots).
const TREE_BUILDER_ATTRS: &[&str] = &[
    "type",
    "color",
    "face",
    "size",
    "encoding",
    "shadowrootmode",
];

/// Where the tokenizer is: the states the tree builder can switch it to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    Data,
    RcData,
    RawText,
    ScriptData,
    PlainText,
}

/// Tokenizes `html` (a whole page) into `sink`, then ends it.
pub(super) fn tokenize<S: TokenSink>(html: StrTendril, sink: &S) {
    let html = normalize_newlines(html);
    // A byte order mark is not content (html5ever's `discard_bom`).
    let start = if html.starts_with('\u{feff}') { 3 } else { 0 };
    let mut tokenizer = Tokenizer {
        sink,
        input: &html,
        bytes: html.as_bytes(),
        pos: start,
        state: State::Data,
        last_start_tag: None,
        text: Text::None,
    };
    tokenizer.run();
    sink.end();
}

/// The text of a string of markup, as HTML's data state reads it: character references
/// decoded, tags dropped, the contents of `<script>`, `<style>` and `<template>` left out.
/// For metadata strings (a JSON-LD headline, a double-escaped description): one pass of
/// this tokenizer, linear in the input, where a fragment parse built a tree of whatever
/// markup the string held, in time quadratic in its nesting.
pub(super) fn text_of_markup(markup: &str) -> String {
    let sink = TextSink::default();
    tokenize(StrTendril::from(markup), &sink);
    sink.text.into_inner()
}

/// Collects the text a [`text_of_markup`] string shows.
#[derive(Default)]
struct TextSink {
    text: std::cell::RefCell<String>,
    /// The element whose contents are not text to show, while inside one.
    hidden: std::cell::RefCell<Option<LocalName>>,
}

impl TokenSink for TextSink {
    type Handle = ();

    fn process_token(&self, token: Token, _line: u64) -> TokenSinkResult<()> {
        match token {
            Token::CharacterTokens(text) if self.hidden.borrow().is_none() => {
                self.text.borrow_mut().push_str(&text);
            }
            Token::TagToken(tag) => {
                let name = &*tag.name;
                match tag.kind {
                    TagKind::StartTag if !tag.self_closing => {
                        let raw = match name {
                            "script" => Some(RawKind::ScriptData),
                            "style" | "xmp" | "iframe" | "noembed" | "noframes" => {
                                Some(RawKind::Rawtext)
                            }
                            "title" | "textarea" => Some(RawKind::Rcdata),
                            _ => None,
                        };
                        if matches!(name, "script" | "style" | "template") {
                            self.hidden.borrow_mut().get_or_insert(tag.name.clone());
                        }
                        if let Some(kind) = raw {
                            return TokenSinkResult::RawData(kind);
                        }
                    }
                    TagKind::EndTag => {
                        let mut hidden = self.hidden.borrow_mut();
                        if hidden.as_ref() == Some(&tag.name) {
                            *hidden = None;
                        }
                    }
                    TagKind::StartTag => {}
                }
            }
            _ => {}
        }
        TokenSinkResult::Continue
    }
}

/// CR LF and lone CR become LF, as the input stream preprocessing does.
fn normalize_newlines(html: StrTendril) -> StrTendril {
    if memchr(b'\r', html.as_bytes()).is_none() {
        return html;
    }
    let mut out = String::with_capacity(html.len());
    let mut rest: &str = &html;
    while let Some(i) = memchr(b'\r', rest.as_bytes()) {
        out.push_str(&rest[..i]);
        out.push('\n');
        rest = &rest[i + 1..];
        if let Some(after) = rest.strip_prefix('\n') {
            rest = after;
        }
    }
    out.push_str(rest);
    StrTendril::from(out)
}

/// Text waiting to be emitted: a range of the input while it is one, owned once decoded
/// characters are mixed in.
enum Text {
    None,
    Range(usize, usize),
    Owned(String),
}

struct Tokenizer<'a, S> {
    sink: &'a S,
    input: &'a StrTendril,
    bytes: &'a [u8],
    pos: usize,
    state: State,
    /// Name of the last start tag emitted: what ends RCDATA, RAWTEXT and script data.
    last_start_tag: Option<LocalName>,
    text: Text,
}

fn is_space(b: u8) -> bool {
    matches!(b, b'\t' | b'\n' | 0x0c | b' ')
}

/// Whether `b` ends a tag name: a space, `/` or `>`.
fn ends_tag_name(b: u8) -> bool {
    is_space(b) || b == b'/' || b == b'>'
}

/// At `start`, the ASCII letters of a possible `script` tag name in escaped script data:
/// whether they spell `script` and are followed by a space, `/` or `>` (which is then
/// consumed), and the index to go on from.
fn script_word(bytes: &[u8], start: usize) -> (bool, usize) {
    let mut end = start;
    while end < bytes.len() && bytes[end].is_ascii_alphabetic() {
        end += 1;
    }
    match bytes.get(end) {
        Some(&b) if ends_tag_name(b) => {
            (bytes[start..end].eq_ignore_ascii_case(b"script"), end + 1)
        }
        _ => (false, end),
    }
}

/// What the tree builder answered to a token, as the state to go on in.
fn next_state<H>(result: TokenSinkResult<H>, current: State) -> State {
    match result {
        TokenSinkResult::Continue => current,
        TokenSinkResult::Script(_) => State::Data,
        TokenSinkResult::Plaintext => State::PlainText,
        TokenSinkResult::RawData(RawKind::Rcdata) => State::RcData,
        TokenSinkResult::RawData(RawKind::Rawtext) => State::RawText,
        TokenSinkResult::RawData(RawKind::ScriptData | RawKind::ScriptDataEscaped(_)) => {
            State::ScriptData
        }
    }
}

/// A decoded character reference: one or two characters.
type CharRef = (char, Option<char>);

impl<S: TokenSink> Tokenizer<'_, S> {
    fn run(&mut self) {
        while self.pos < self.bytes.len() {
            match self.state {
                State::Data => self.data(),
                State::RcData => self.raw_text(true),
                State::RawText => self.raw_text(false),
                State::ScriptData => self.script_data(),
                State::PlainText => {
                    self.push_raw_text(self.pos, self.bytes.len());
                    self.pos = self.bytes.len();
                }
            }
        }
        self.flush_text();
        let _ = self.sink.process_token(Token::EOFToken, 1);
    }

    // ---- text ----------------------------------------------------------------------------

    fn push_range(&mut self, start: usize, end: usize) {
        if start >= end {
            return;
        }
        match &mut self.text {
            Text::None => self.text = Text::Range(start, end),
            Text::Range(_, e) if *e == start => *e = end,
            Text::Range(s, e) => {
                let mut owned = String::with_capacity(*e - *s + end - start + 16);
                owned.push_str(&self.input[*s..*e]);
                owned.push_str(&self.input[start..end]);
                self.text = Text::Owned(owned);
            }
            Text::Owned(owned) => owned.push_str(&self.input[start..end]),
        }
    }

    fn owned_text(&mut self) -> &mut String {
        if let Text::Range(s, e) = self.text {
            self.text = Text::Owned(self.input[s..e].to_string());
        } else if let Text::None = self.text {
            self.text = Text::Owned(String::new());
        }
        match &mut self.text {
            Text::Owned(owned) => owned,
            // Both other cases were just replaced.
            _ => unreachable!("text is owned here"),
        }
    }

    fn push_char_ref(&mut self, (first, second): CharRef) {
        let text = self.owned_text();
        text.push(first);
        if let Some(second) = second {
            text.push(second);
        }
    }

    /// Text of a raw-text state: NUL becomes U+FFFD.
    fn push_raw_text(&mut self, start: usize, end: usize) {
        self.push_text_around_nul(start, end, |t| t.owned_text().push('\u{fffd}'));
    }

    /// Text of a CDATA section: NUL is passed on as its own token, which the tree builder
    /// replaces or drops depending on where it is (as html5ever's tokenizer does).
    fn push_cdata_text(&mut self, start: usize, end: usize) {
        self.push_text_around_nul(start, end, |t| t.emit(Token::NullCharacterToken));
    }

    /// Text from `start` to `end`, with `at_nul` standing in for each NUL.
    fn push_text_around_nul(&mut self, start: usize, end: usize, at_nul: fn(&mut Self)) {
        let mut at = start;
        while let Some(i) = memchr(0, &self.bytes[at..end]) {
            self.push_range(at, at + i);
            at_nul(self);
            at += i + 1;
        }
        self.push_range(at, end);
    }

    fn flush_text(&mut self) {
        let tendril = match std::mem::replace(&mut self.text, Text::None) {
            Text::None => return,
            Text::Range(s, e) => {
                let (offset, length) = (u32::try_from(s), u32::try_from(e - s));
                match (offset, length) {
                    (Ok(offset), Ok(length)) => self
                        .input
                        .try_subtendril(offset, length)
                        .unwrap_or_else(|_| StrTendril::from_slice(&self.input[s..e])),
                    _ => StrTendril::from_slice(&self.input[s..e]),
                }
            }
            Text::Owned(owned) => StrTendril::from(owned),
        };
        let result = self.sink.process_token(Token::CharacterTokens(tendril), 1);
        self.state = next_state(result, self.state);
    }

    fn emit(&mut self, token: Token) {
        self.flush_text();
        let result = self.sink.process_token(token, 1);
        self.state = next_state(result, self.state);
    }

    // ---- data state ----------------------------------------------------------------------

    fn data(&mut self) {
        let len = self.bytes.len();
        while self.pos < len && self.state == State::Data {
            let at = self.pos;
            let Some(i) = memchr3(b'<', b'&', 0, &self.bytes[at..]) else {
                self.push_range(at, len);
                self.pos = len;
                return;
            };
            self.push_range(at, at + i);
            self.pos = at + i;
            match self.bytes[self.pos] {
                b'&' => {
                    self.pos += 1;
                    match char_ref(self.bytes, self.pos, false) {
                        Some((decoded, end)) => {
                            self.push_char_ref(decoded);
                            self.pos = end;
                        }
                        None => self.push_range(self.pos - 1, self.pos),
                    }
                }
                0 => {
                    self.pos += 1;
                    self.emit(Token::NullCharacterToken);
                }
                _ => self.tag_open(),
            }
        }
    }

    /// At a `<` in the data state.
    fn tag_open(&mut self) {
        let lt = self.pos;
        match self.bytes.get(lt + 1) {
            Some(b'!') => self.markup_declaration(lt + 2),
            Some(b'/') => match self.bytes.get(lt + 2) {
                Some(c) if c.is_ascii_alphabetic() => self.tag(lt + 2, TagKind::EndTag),
                // `</>` is dropped.
                Some(b'>') => self.pos = lt + 3,
                Some(_) => self.bogus_comment(lt + 2),
                None => {
                    self.push_range(lt, lt + 2);
                    self.pos = lt + 2;
                }
            },
            Some(c) if c.is_ascii_alphabetic() => self.tag(lt + 1, TagKind::StartTag),
            Some(b'?') => self.bogus_comment(lt + 1),
            _ => {
                self.push_range(lt, lt + 1);
                self.pos = lt + 1;
            }
        }
    }

    // ---- tags ----------------------------------------------------------------------------

    /// A tag whose name starts at `start`. Emits it and moves past it; a tag cut off by the
    /// end of the page is dropped.
    fn tag(&mut self, start: usize, kind: TagKind) {
        let bytes = self.bytes;
        let len = bytes.len();
        let mut i = start;
        while i < len && !ends_tag_name(bytes[i]) {
            i += 1;
        }
        let name = local_name(&self.input[start..i]);
        let mut attrs: Vec<Attribute> = Vec::new();
        let mut self_closing = false;
        let keep_attrs = kind == TagKind::StartTag;
        loop {
            // Before attribute name.
            while i < len && is_space(bytes[i]) {
                i += 1;
            }
            let Some(&c) = bytes.get(i) else {
                return self.eof_in_tag();
            };
            if c == b'/' {
                // Self-closing start tag: only `/>` counts; anything else is a parse error
                // and is read again as the start of an attribute.
                i += 1;
                match bytes.get(i) {
                    None => return self.eof_in_tag(),
                    Some(b'>') => {
                        self_closing = true;
                        i += 1;
                        break;
                    }
                    Some(_) => continue,
                }
            }
            if c == b'>' {
                i += 1;
                break;
            }
            // Attribute name: the first character is part of it whatever it is (`=` too).
            let name_start = i;
            i += 1;
            while i < len && !ends_tag_name(bytes[i]) && bytes[i] != b'=' {
                i += 1;
            }
            let attr_name = &self.input[name_start..i];
            // After attribute name.
            while i < len && is_space(bytes[i]) {
                i += 1;
            }
            let kept = if keep_attrs {
                kept_attr(attr_name)
            } else {
                None
            };
            let kept = kept.filter(|name| !attrs.iter().any(|a| &*a.name.local == *name));
            if bytes.get(i) != Some(&b'=') {
                // No value: `/`, `>`, the end, or the next attribute's name.
                if let Some(name) = kept {
                    attrs.push(attribute(name, StrTendril::new()));
                }
                if i >= len {
                    return self.eof_in_tag();
                }
                continue;
            }
            i += 1;
            // Before attribute value.
            while i < len && is_space(bytes[i]) {
                i += 1;
            }
            let Some(&c) = bytes.get(i) else {
                return self.eof_in_tag();
            };
            let (value_start, value_end, next) = match c {
                b'"' | b'\'' => match memchr(c, &bytes[i + 1..]) {
                    Some(j) => (i + 1, i + 1 + j, i + 2 + j),
                    None => return self.eof_in_tag(),
                },
                // Missing value: the tag ends here.
                b'>' => (i, i, i),
                _ => {
                    let mut j = i;
                    while j < len && !is_space(bytes[j]) && bytes[j] != b'>' {
                        j += 1;
                    }
                    if j >= len {
                        return self.eof_in_tag();
                    }
                    (i, j, j)
                }
            };
            if let Some(name) = kept {
                let value = self.attribute_value(value_start, value_end);
                attrs.push(attribute(name, value));
            }
            i = next;
        }
        self.pos = i;
        if kind == TagKind::StartTag {
            self.last_start_tag = Some(name.clone());
        }
        // A tag ends any raw text; the tree builder's answer may start another.
        self.state = State::Data;
        self.emit(Token::TagToken(Tag {
            kind,
            name,
            self_closing,
            attrs,
        }));
    }

    fn eof_in_tag(&mut self) {
        self.pos = self.bytes.len();
    }

    /// An attribute's value, character references decoded and NUL replaced.
    fn attribute_value(&self, start: usize, end: usize) -> StrTendril {
        let slice = &self.bytes[start..end];
        if memchr2(b'&', 0, slice).is_none() {
            return StrTendril::from_slice(&self.input[start..end]);
        }
        let mut out = String::with_capacity(end - start);
        let mut at = start;
        while let Some(k) = memchr2(b'&', 0, &self.bytes[at..end]) {
            let found = at + k;
            out.push_str(&self.input[at..found]);
            if self.bytes[found] == 0 {
                out.push('\u{fffd}');
                at = found + 1;
                continue;
            }
            // A reference never runs past the value's end: its characters are never quotes,
            // spaces or `>`.
            match char_ref(&self.bytes[..end], found + 1, true) {
                Some(((first, second), after)) => {
                    out.push(first);
                    if let Some(second) = second {
                        out.push(second);
                    }
                    at = after;
                }
                None => {
                    out.push('&');
                    at = found + 1;
                }
            }
        }
        out.push_str(&self.input[at..end]);
        StrTendril::from(out)
    }

    // ---- comments, DOCTYPE, CDATA --------------------------------------------------------

    /// After `<!`.
    fn markup_declaration(&mut self, at: usize) {
        let rest = &self.bytes[at..];
        if rest.starts_with(b"--") {
            self.comment(at + 2);
        } else if rest.len() >= 7 && rest[..7].eq_ignore_ascii_case(b"doctype") {
            self.doctype(at + 7);
        } else if rest.starts_with(b"[CDATA[")
            && self
                .sink
                .adjusted_current_node_present_but_not_in_html_namespace()
        {
            self.cdata(at + 7);
        } else {
            self.bogus_comment(at);
        }
    }

    /// A comment whose text starts at `start` (after `<!--`): it ends at the first `-->` or
    /// `--!>`, or right away as `<!-->` and `<!--->`.
    fn comment(&mut self, start: usize) {
        let rest = &self.bytes[start..];
        let end = if rest.starts_with(b">") {
            start + 1
        } else if rest.starts_with(b"->") {
            start + 2
        } else {
            let mut from = start;
            loop {
                let Some(k) = memchr(b'-', &self.bytes[from..]) else {
                    break self.bytes.len();
                };
                let dash = from + k;
                let after = &self.bytes[dash..];
                if after.starts_with(b"-->") {
                    break dash + 3;
                }
                if after.starts_with(b"--!>") {
                    break dash + 4;
                }
                from = dash + 1;
            }
        };
        self.pos = end;
        self.emit(Token::CommentToken(StrTendril::new()));
    }

    /// A bogus comment (`<?…>`, `<!x…>`, `</ …>`) from `start` up to the next `>`.
    fn bogus_comment(&mut self, start: usize) {
        self.pos = match memchr(b'>', &self.bytes[start..]) {
            Some(k) => start + k + 1,
            None => self.bytes.len(),
        };
        self.emit(Token::CommentToken(StrTendril::new()));
    }

    /// A CDATA section in foreign content: its text, up to `]]>`.
    fn cdata(&mut self, start: usize) {
        let end = memchr::memmem::find(&self.bytes[start..], b"]]>").map(|k| start + k);
        match end {
            Some(end) => {
                self.push_cdata_text(start, end);
                self.pos = end + 3;
            }
            None => {
                self.push_cdata_text(start, self.bytes.len());
                self.pos = self.bytes.len();
            }
        }
    }

    /// A DOCTYPE after `<!DOCTYPE`: name and identifiers decide the document's quirks mode.
    fn doctype(&mut self, start: usize) {
        let (doctype, end) = parse_doctype(&self.input[..], start);
        self.pos = end;
        self.emit(Token::DoctypeToken(doctype));
    }

    // ---- raw text states -----------------------------------------------------------------

    /// RCDATA (`<title>`, `<textarea>`: character references decoded) or RAWTEXT
    /// (`<style>`, `<noscript>`, `<iframe>`…): text up to the end tag of the element.
    fn raw_text(&mut self, references: bool) {
        let len = self.bytes.len();
        loop {
            let at = self.pos;
            let found = if references {
                memchr2(b'<', b'&', &self.bytes[at..])
            } else {
                memchr(b'<', &self.bytes[at..])
            };
            let Some(k) = found else {
                self.push_raw_text(at, len);
                self.pos = len;
                return;
            };
            let hit = at + k;
            self.push_raw_text(at, hit);
            if self.bytes[hit] == b'&' {
                match char_ref(self.bytes, hit + 1, false) {
                    Some((decoded, end)) => {
                        self.push_char_ref(decoded);
                        self.pos = end;
                    }
                    None => {
                        self.push_range(hit, hit + 1);
                        self.pos = hit + 1;
                    }
                }
                continue;
            }
            if self.is_appropriate_end_tag(hit) {
                self.tag(hit + 2, TagKind::EndTag);
                return;
            }
            self.push_range(hit, hit + 1);
            self.pos = hit + 1;
        }
    }

    /// Whether `</name` at `lt` closes the element the raw text is in: the last start tag's
    /// name, in any case, followed by a space, `/` or `>`.
    fn is_appropriate_end_tag(&self, lt: usize) -> bool {
        let Some(name) = &self.last_start_tag else {
            return false;
        };
        let name = name.as_bytes();
        let start = lt + 2;
        let end = start + name.len();
        self.bytes.get(lt + 1) == Some(&b'/')
            && self
                .bytes
                .get(start..end)
                .is_some_and(|candidate| candidate.eq_ignore_ascii_case(name))
            && self.bytes.get(end).is_some_and(|&b| ends_tag_name(b))
    }

    /// Script data: text up to `</script>`, minding the escaped (`<!--`) and double-escaped
    /// (`<!--<script>`) states in which the end tag is not one.
    fn script_data(&mut self) {
        let start = self.pos;
        let end = self.script_end(start);
        self.push_raw_text(start, end);
        if end < self.bytes.len() {
            self.tag(end + 2, TagKind::EndTag);
        } else {
            self.pos = end;
        }
    }

    /// Where the script starting at `start` ends: the `<` of its end tag, or the end of
    /// the page.
    fn script_end(&self, start: usize) -> usize {
        #[derive(Clone, Copy, PartialEq)]
        enum Escape {
            None,
            Escaped,
            EscapedDash,
            EscapedDashDash,
            Double,
            DoubleDash,
            DoubleDashDash,
        }
        let bytes = self.bytes;
        let len = bytes.len();
        let mut state = Escape::None;
        let mut i = start;
        while i < len {
            if state == Escape::None {
                let Some(k) = memchr(b'<', &bytes[i..]) else {
                    return len;
                };
                let lt = i + k;
                match bytes.get(lt + 1) {
                    Some(b'/') if self.is_appropriate_end_tag(lt) => return lt,
                    Some(b'/') => i = lt + 2,
                    Some(b'!') if bytes[lt + 2..].starts_with(b"--") => {
                        state = Escape::EscapedDashDash;
                        i = lt + 4;
                    }
                    Some(b'!') => i = lt + 2,
                    _ => i = lt + 1,
                }
                continue;
            }
            let c = bytes[i];
            let double = matches!(
                state,
                Escape::Double | Escape::DoubleDash | Escape::DoubleDashDash
            );
            match c {
                b'-' => {
                    state = match state {
                        Escape::Escaped => Escape::EscapedDash,
                        Escape::EscapedDash | Escape::EscapedDashDash => Escape::EscapedDashDash,
                        Escape::Double => Escape::DoubleDash,
                        _ => Escape::DoubleDashDash,
                    };
                    i += 1;
                }
                b'>' if matches!(state, Escape::EscapedDashDash | Escape::DoubleDashDash) => {
                    state = Escape::None;
                    i += 1;
                }
                b'<' if !double => {
                    state = Escape::Escaped;
                    match bytes.get(i + 1) {
                        Some(b'/') if self.is_appropriate_end_tag(i) => return i,
                        Some(b'/') => i += 2,
                        Some(b) if b.is_ascii_alphabetic() => {
                            // Double escape start: `<script` followed by a space, `/` or `>`.
                            let (script, next) = script_word(bytes, i + 1);
                            if script {
                                state = Escape::Double;
                            }
                            i = next;
                        }
                        _ => i += 1,
                    }
                }
                b'<' => {
                    state = Escape::Double;
                    if bytes.get(i + 1) == Some(&b'/') {
                        // Double escape end: `</script` followed by a space, `/` or `>`.
                        let (script, next) = script_word(bytes, i + 2);
                        if script {
                            state = Escape::Escaped;
                        }
                        i = next;
                    } else {
                        i += 1;
                    }
                }
                _ => {
                    state = if double {
                        Escape::Double
                    } else {
                        Escape::Escaped
                    };
                    i += 1;
                }
            }
        }
        len
    }
}

/// A tag name as html5ever names it: ASCII lower-cased, NUL as U+FFFD.
fn local_name(raw: &str) -> LocalName {
    if raw.bytes().any(|b| b.is_ascii_uppercase() || b == 0) {
        LocalName::from(fold_name(raw))
    } else {
        LocalName::from(raw)
    }
}

fn fold_name(raw: &str) -> String {
    raw.chars()
        .map(|c| {
            if c == '\0' {
                '\u{fffd}'
            } else {
                c.to_ascii_lowercase()
            }
        })
        .collect()
}

/// Longest name in [`KEPT_ATTRS`] and [`TREE_BUILDER_ATTRS`], in bytes.
const MAX_KEPT_ATTR_LEN: usize = {
    let mut max = 0;
    let mut i = 0;
    while i < KEPT_ATTRS.len() {
        if KEPT_ATTRS[i].len() > max {
            max = KEPT_ATTRS[i].len();
        }
        i += 1;
    }
    let mut i = 0;
    while i < TREE_BUILDER_ATTRS.len() {
        if TREE_BUILDER_ATTRS[i].len() > max {
            max = TREE_BUILDER_ATTRS[i].len();
        }
        i += 1;
    }
    max
};

/// [`KEPT_ATTRS`] then [`TREE_BUILDER_ATTRS`], in that order, by length: every attribute of
/// every start tag is looked up, and comparing it only with the names of its length takes
/// a fraction of the time of a pass over both lists.
static KEPT_ATTRS_BY_LEN: LazyLock<[Vec<&'static str>; MAX_KEPT_ATTR_LEN + 1]> =
    LazyLock::new(|| {
        let mut by_len: [Vec<&'static str>; MAX_KEPT_ATTR_LEN + 1] = Default::default();
        for &name in KEPT_ATTRS.iter().chain(TREE_BUILDER_ATTRS) {
            by_len[name.len()].push(name);
        }
        by_len
    });

/// The name under which an attribute is kept, when it is one gleaner or the tree builder
/// reads.
fn kept_attr(raw: &str) -> Option<&'static str> {
    KEPT_ATTRS_BY_LEN
        .get(raw.len())?
        .iter()
        .find(|name| name.eq_ignore_ascii_case(raw))
        .copied()
}

fn attribute(name: &'static str, value: StrTendril) -> Attribute {
    Attribute {
        name: QualName::new(None, ns!(), LocalName::from(name)),
        value,
    }
}

/// Decodes the character reference whose name starts at `start` (after `&`): the
/// characters and the index after the reference, or `None` when the `&` is literal.
fn char_ref(bytes: &[u8], start: usize, in_attribute: bool) -> Option<(CharRef, usize)> {
    match bytes.get(start)? {
        b'#' => numeric_char_ref(bytes, start + 1),
        c if c.is_ascii_alphanumeric() => named_char_ref(bytes, start, in_attribute),
        _ => None,
    }
}

fn numeric_char_ref(bytes: &[u8], start: usize) -> Option<(CharRef, usize)> {
    let (base, digits_start) = match bytes.get(start) {
        Some(b'x' | b'X') => (16, start + 1),
        _ => (10, start),
    };
    let mut value: u32 = 0;
    let mut i = digits_start;
    while let Some(digit) = bytes.get(i).and_then(|&b| char::from(b).to_digit(base)) {
        value = value.saturating_mul(base).saturating_add(digit);
        i += 1;
    }
    if i == digits_start {
        return None;
    }
    if bytes.get(i) == Some(&b';') {
        i += 1;
    }
    let c = match value {
        0 | 0xD800..=0xDFFF => '\u{fffd}',
        0x80..=0x9F => C1_REPLACEMENTS[(value - 0x80) as usize]
            .unwrap_or_else(|| char::from_u32(value).unwrap_or('\u{fffd}')),
        _ => char::from_u32(value).unwrap_or('\u{fffd}'),
    };
    Some(((c, None), i))
}

/// The longest entity name at `start`. In an attribute value, a name without its `;`
/// followed by `=` or a letter or digit is left as written (`?a=1&copy=2` is a URL).
fn named_char_ref(bytes: &[u8], start: usize, in_attribute: bool) -> Option<(CharRef, usize)> {
    let mut matched: Option<((u32, u32), usize)> = None;
    let mut end = start;
    // Every prefix of an entity name is in the table (with (0, 0) when it is not a name
    // itself), so the longest match is found by extending one byte at a time.
    while let Some(&b) = bytes.get(end) {
        if !b.is_ascii() {
            break;
        }
        let candidate = std::str::from_utf8(&bytes[start..=end]).ok()?;
        match NAMED_ENTITIES.get(candidate) {
            Some(&chars) => {
                end += 1;
                if chars.0 != 0 {
                    matched = Some((chars, end));
                }
            }
            None => break,
        }
    }
    let ((first, second), after) = matched?;
    if in_attribute && bytes[after - 1] != b';' {
        let next = bytes.get(after).copied();
        if next.is_some_and(|b| b == b'=' || b.is_ascii_alphanumeric()) {
            return None;
        }
    }
    let first = char::from_u32(first)?;
    let second = if second == 0 {
        None
    } else {
        Some(char::from_u32(second)?)
    };
    Some(((first, second), after))
}

/// Parses a DOCTYPE from `start` (after `<!DOCTYPE`) as the DOCTYPE states do; returns it
/// and the index after it.
fn parse_doctype(input: &str, start: usize) -> (Doctype, usize) {
    let bytes = input.as_bytes();
    let len = bytes.len();
    let mut doctype = Doctype::default();
    let mut i = start;
    let skip_spaces = |i: &mut usize| {
        while *i < len && is_space(bytes[*i]) {
            *i += 1;
        }
    };
    let quirks = |mut doctype: Doctype, at: usize| {
        doctype.force_quirks = true;
        (doctype, at)
    };
    skip_spaces(&mut i);
    // Before DOCTYPE name.
    match bytes.get(i) {
        None => return quirks(doctype, len),
        Some(b'>') => return quirks(doctype, i + 1),
        Some(_) => {}
    }
    let name_start = i;
    while i < len && !is_space(bytes[i]) && bytes[i] != b'>' {
        i += 1;
    }
    doctype.name = Some(StrTendril::from(fold_name(&input[name_start..i])));
    // After DOCTYPE name.
    skip_spaces(&mut i);
    match bytes.get(i) {
        None => return quirks(doctype, len),
        Some(b'>') => return (doctype, i + 1),
        Some(_) => {}
    }
    let keyword = bytes.get(i..i + 6);
    let public = keyword.is_some_and(|k| k.eq_ignore_ascii_case(b"public"));
    let system = keyword.is_some_and(|k| k.eq_ignore_ascii_case(b"system"));
    if !public && !system {
        return bogus_doctype(quirks(doctype, i).0, bytes, i);
    }
    i += 6;
    // After the keyword: an identifier in quotes (a missing space is only an error).
    skip_spaces(&mut i);
    let Some(id) = quoted(input, &mut i) else {
        return match bytes.get(i) {
            None => quirks(doctype, len),
            Some(b'>') => quirks(doctype, i + 1),
            Some(_) => bogus_doctype(quirks(doctype, i).0, bytes, i),
        };
    };
    let id = match id {
        Ok(id) => id,
        // The identifier ran into `>` or the end.
        Err(partial) => {
            if public {
                doctype.public_id = Some(partial);
            } else {
                doctype.system_id = Some(partial);
            }
            return quirks(doctype, i);
        }
    };
    if system {
        doctype.system_id = Some(id);
        return after_system_id(doctype, bytes, i);
    }
    doctype.public_id = Some(id);
    // After the public identifier: an optional system identifier.
    skip_spaces(&mut i);
    match quoted(input, &mut i) {
        None => match bytes.get(i) {
            None => quirks(doctype, len),
            Some(b'>') => (doctype, i + 1),
            Some(_) => bogus_doctype(quirks(doctype, i).0, bytes, i),
        },
        Some(Ok(id)) => {
            doctype.system_id = Some(id);
            after_system_id(doctype, bytes, i)
        }
        Some(Err(partial)) => {
            doctype.system_id = Some(partial);
            quirks(doctype, i)
        }
    }
}

/// A quoted DOCTYPE identifier at `*i`: `None` when there is no quote; `Err` with what was
/// read when `>` or the end comes before the closing quote (which forces quirks mode; `*i`
/// is then past the `>`).
fn quoted(input: &str, i: &mut usize) -> Option<Result<StrTendril, StrTendril>> {
    let bytes = input.as_bytes();
    let quote = *bytes.get(*i).filter(|&&b| b == b'"' || b == b'\'')?;
    let start = *i + 1;
    let mut j = start;
    while j < bytes.len() && bytes[j] != quote && bytes[j] != b'>' {
        j += 1;
    }
    let text = StrTendril::from(input[start..j].replace('\0', "\u{fffd}"));
    match bytes.get(j) {
        Some(&b) if b == quote => {
            *i = j + 1;
            Some(Ok(text))
        }
        Some(_) => {
            *i = j + 1;
            Some(Err(text))
        }
        None => {
            *i = j;
            Some(Err(text))
        }
    }
}

fn after_system_id(doctype: Doctype, bytes: &[u8], mut i: usize) -> (Doctype, usize) {
    while i < bytes.len() && is_space(bytes[i]) {
        i += 1;
    }
    match bytes.get(i) {
        None => (
            Doctype {
                force_quirks: true,
                ..doctype
            },
            bytes.len(),
        ),
        Some(b'>') => (doctype, i + 1),
        // Junk after the system identifier is an error but does not force quirks mode.
        Some(_) => bogus_doctype(doctype, bytes, i),
    }
}

/// The rest of a malformed DOCTYPE, up to `>`.
fn bogus_doctype(doctype: Doctype, bytes: &[u8], i: usize) -> (Doctype, usize) {
    let end = memchr(b'>', &bytes[i..]).map_or(bytes.len(), |k| i + k + 1);
    (doctype, end)
}

#[cfg(test)]
mod tests {
    use super::super::parse::{DocKind, Document};

    /// A document's tree, one node per line, indented by depth.
    fn outline(doc: &Document) -> Vec<String> {
        let nodes = &doc.skeleton.nodes;
        let mut depth = vec![0usize; nodes.len()];
        let mut lines = Vec::new();
        for (i, node) in nodes.iter().enumerate() {
            if node.parent != usize::MAX {
                depth[i] = depth[node.parent] + 1;
            }
            let what = match &node.kind {
                DocKind::Element(el) => {
                    let attrs: Vec<String> = doc.skeleton.attrs[el.attrs.0..el.attrs.1]
                        .iter()
                        .map(|(name, value)| format!("{name}={:?}", doc.str(*value)))
                        .collect();
                    format!(
                        "<{}{}> class_id={:?} foreign={} end={} {}",
                        doc.str(el.tag),
                        if el.foreign { " (foreign)" } else { "" },
                        doc.str(el.class_id),
                        el.foreign,
                        node.end,
                        attrs.join(" ")
                    )
                }
                DocKind::Text(span) => format!("{:?}", doc.str(*span)),
                DocKind::Other => format!("(other) end={}", node.end),
            };
            lines.push(format!("{}{what}", "  ".repeat(depth[i])));
        }
        lines
    }

    #[test]
    fn text_of_markup_decodes_references_and_drops_tags() {
        use super::text_of_markup;
        assert_eq!(text_of_markup("Tom &amp; Jerry &#8217;s"), "Tom & Jerry ’s");
        assert_eq!(text_of_markup("Tom &amp;amp; Jerry"), "Tom &amp; Jerry");
        assert_eq!(
            text_of_markup("a <b>bold</b> word, a < b"),
            "a bold word, a < b"
        );
        assert_eq!(
            text_of_markup("x<script>if (a < b) { y = '<i>'; }</script><style>p{}</style>y"),
            "xy"
        );
        assert_eq!(text_of_markup("<title>A &amp; B</title>"), "A & B");
        assert_eq!(text_of_markup("&notanentity; &copy"), "¬anentity; ©");
        let deep = format!(
            "{}deep &amp; text{}",
            "<div>".repeat(100_000),
            "</div>".repeat(100_000)
        );
        assert_eq!(text_of_markup(&deep), "deep & text");
    }

    /// Whether both tokenizers give `html` the same tree; on a difference, the two trees
    /// around the first node that differs.
    pub(super) fn compare_trees(html: &str) -> Result<(), String> {
        let ours = outline(&Document::parse(html));
        let reference = outline(&Document::parse_with_html5ever_tokenizer(html));
        if ours == reference {
            return Ok(());
        }
        let first = ours
            .iter()
            .zip(&reference)
            .position(|(a, b)| a != b)
            .unwrap_or(ours.len().min(reference.len()));
        let around = |tree: &[String]| {
            let from = first.saturating_sub(8).min(tree.len());
            tree[from..(first + 8).min(tree.len())].join("\n")
        };
        Err(format!(
            "trees differ at node {first}\n--- gleaner:\n{}\n--- html5ever:\n{}",
            around(&ours),
            around(&reference)
        ))
    }

    fn assert_same_tree(html: &str) {
        if let Err(difference) = compare_trees(html) {
            panic!("{html:?}: {difference}");
        }
    }

    /// The cases where tokenizers go wrong: every state's exits, in the order of the spec.
    const EDGE_CASES: &[&str] = &[
        "",
        "plain text",
        "\u{feff}<p>after a byte order mark",
        "<p>a\r\nb\rc\n\rd</p><textarea>\r\nx</textarea><pre>\r\ny</pre>",
        "<p>a\0b</p><title>t\0</title><script>s\0</script><style>\0</style>",
        "<p>&amp; &amp &AMP; &notit; &notin; &noti; &copy2 &#65; &#x41; &#X41 &#; &#x; &#xZ &#0; &#128; &#x9F; &#xD800; &#1114112; &#99999999999; &#65</p>",
        "<a href='?a=1&copy=2&amp;b=3&copy;&lang=4&lang;x' title=\"&quot;q&quot\" alt=&gt>x</a>",
        "<a href=\"&\" title='&#' class=&#x>y</a>",
        "<div class=a class=b CLASS=c id=one ID=two>dup</div>",
        "<DIV Class='Upper'>x</DIV><Span>y</sPaN>",
        "<p/><br/><img src=a/><div/>text<span / >z</span>",
        "<div a=b/c d='e'f=\"g\"h>x</div><p x= y>z</p><p x =>w</p><p x=>v</p>",
        "<p =a>x</p><p \"a'=b>y</p><p a<b=c>z</p><p `a=`b>w</p>",
        "<a b c d>x</a><a/b/c>y</a><a//>z</a>",
        "<p>unterminated <div class=\"x",
        "<p>unterminated <div",
        "<p>unterminated </div",
        "<p>unterminated <",
        "<p>unterminated </",
        "<p>unterminated &am",
        "< p>not a tag</ p>< /p><>x</>y</ >z<3 a<b",
        "<?xml version=\"1.0\"?><p>x</p><!x y><p>z</p><!>",
        "<!--c--><!----><!---><!--><!-- a -- b --><!-- --!><p>after</p>",
        "<!-- <!-- nested --> <!--a--!>b<!--c--->d<!--e-- >f-->g<!---x-->h",
        "<!-- unterminated comment <p>x</p>",
        "<!--",
        "<!DOCTYPE html><p>x",
        "<!doctype HTML PUBLIC \"-//W3C//DTD HTML 4.01 Transitional//EN\"><p>x<table><tr><td>y</table>",
        "<!DOCTYPE html PUBLIC \"-//W3C//DTD XHTML 1.0 Strict//EN\" \"http://www.w3.org/TR/xhtml1/DTD/xhtml1-strict.dtd\"><p><table>",
        "<!DOCTYPE html SYSTEM 'about:legacy-compat'><p><table>",
        "<!DOCTYPE><p><table>",
        "<!DOCTYPE html PUBLIC><p><table>",
        "<!DOCTYPE html PUBLIC \"unterminated><p><table>",
        "<!DOCTYPE html bogus><p><table>",
        "<!DOCTYPE html PUBLIC 'a' 'b' junk><p><table>",
        "<!DOCTYPEhtml><p><table>",
        "<!DOCTYPE",
        "<title>a <b> &amp; </title x> c</title>d",
        "<title>a</titlex></title>",
        "<textarea>x</TEXTAREA >y",
        "<style>a</b> </style  foo=bar>c",
        "<xmp><p>&amp;</xmp><iframe><b></iframe><noembed><i></noembed><noframes><u></noframes><noscript><s></noscript>",
        "<plaintext><p>&amp;</plaintext>",
        "<script>a</scrip>b</script >c",
        "<script>if (a<b && c>d) x='</div>';</script>e",
        "<script><!-- x </script>y",
        "<script><!--<script>x</script>y</script>z",
        "<script><!--<script>x</script>y-->z</script>w",
        "<script><!--<script>x--></script>y",
        "<script><!--<scriptx>a</script>b",
        "<script><!--<script/>a</script >b</script>c",
        "<script><!-- a --->b</script>c",
        "<script><!- x --></script>y",
        "<script><!--- -- --><script>",
        "<script>unterminated",
        "<script><!--unterminated",
        "<script></script",
        "<svg><![CDATA[x<y]]><path d=1 /><circle/></svg><p><![CDATA[not in html]]></p>",
        "<math><mi>x</mi><annotation-xml encoding=\"text/html\"><p>y</p></annotation-xml></math>",
        "<svg><font color=red>out</font></svg><svg><font>in</font></svg>",
        "<table><tr><td>a</td></tr><input type=hidden><input type=text>b</table>",
        "<table>  text <tr> <td>x</td> </tr></table>",
        "<select><option>a<option>b</select><template><p>t</p></template>",
        "<p>a<b>b<i>c</b>d</i>e</p><a href=x><div>f</a>g</div>",
        "<html lang=en><head><meta charset=utf-8></head><body class=x><html id=y><body id=z>",
        "<frameset><frame></frameset>",
        "<p>a<![CDATA[b]]>c</p>",
        "<ul><li>a<li>b</ul><dl><dt>c<dd>d</dl>",
        "é<é>ü</ü><p é=ü>ß</p>",
    ];

    #[test]
    fn trees_match_html5evers_tokenizer_on_edge_cases() {
        for html in EDGE_CASES {
            assert_same_tree(html);
        }
    }

    /// Pieces of markup, tricky ones included, that the generated documents are made of.
    const PIECES: &[&str] = &[
        "<",
        "</",
        ">",
        "/",
        "=",
        "\"",
        "'",
        " ",
        "\n",
        "\r",
        "\r\n",
        "\0",
        "&",
        "&amp;",
        "&amp",
        "&notin",
        "&#",
        "&#x4",
        "1",
        ";",
        "-",
        "--",
        "!",
        "?",
        "x",
        "é",
        "text ",
        "<!--",
        "-->",
        "--!>",
        "<!-",
        "<!DOCTYPE html>",
        "<!doctype",
        " PUBLIC \"",
        "<![CDATA[",
        "]]>",
        "<p>",
        "</p>",
        "<div class=a>",
        "<DIV ID='b'>",
        "</div>",
        "<span title=\"",
        "<a href=",
        "</a>",
        "<b>",
        "</b>",
        "<i>",
        "</i>",
        "<table>",
        "<tr>",
        "<td>",
        "</td>",
        "</table>",
        "<ul>",
        "<li>",
        "<script>",
        "</script>",
        "</script",
        "<script",
        "<style>",
        "</style>",
        "<title>",
        "</title>",
        "<textarea>",
        "</textarea>",
        "<xmp>",
        "<noscript>",
        "</noscript>",
        "<plaintext>",
        "<svg>",
        "</svg>",
        "<path/>",
        "<math>",
        "<font color=red>",
        "<select>",
        "<option>",
        "<template>",
        "</template>",
        "<input type=hidden>",
        "<br/>",
        "<img src=x>",
        "<html>",
        "<body>",
        "<head>",
        "<frameset>",
        "<h1>",
        "<pre>",
        "<form>",
    ];

    #[test]
    fn trees_match_html5evers_tokenizer_on_generated_tag_soup() {
        // A fixed xorshift sequence: the same documents on every run.
        let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
        let mut next = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        for _ in 0..4000 {
            let count = 1 + next() % 40;
            let html: String = (0..count)
                .map(|_| PIECES[(next() % PIECES.len() as u64) as usize])
                .collect();
            assert_same_tree(&html);
        }
    }
}

/// The integration tests' rule for what lives outside the repository (skip, or fail when
/// `.ci/run` makes it mandatory), shared so the corpus test below follows it too.
#[cfg(test)]
#[path = "../../tests/common/external.rs"]
mod external;

#[cfg(test)]
mod corpus_tests {
    use std::path::{Path, PathBuf};

    use super::super::decode::{decode_html, maybe_gunzip};
    use super::super::parse::Document;
    use super::external;
    use super::tests::compare_trees;

    /// The evaluation corpus's pages (`GLEANER_CORPUS`, else `../shared/corpus` beside the
    /// crate), or `None` after reporting why they cannot be read.
    fn corpus_pages(test: &str) -> Option<Vec<PathBuf>> {
        let dir = std::env::var_os("GLEANER_CORPUS").map_or_else(
            || Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus"),
            PathBuf::from,
        );
        let mut pages = Vec::new();
        let html_dir = dir.join("trafilatura-dev/html");
        let entries = match std::fs::read_dir(&html_dir) {
            Ok(entries) => entries,
            Err(e) => {
                let reason = format!(
                    "evaluation corpus not found at {} ({e}); set GLEANER_CORPUS=/path/to/corpus",
                    html_dir.display()
                );
                external::skip(external::REQUIRE_CORPUS, test, &reason);
                return None;
            }
        };
        pages.extend(entries.filter_map(|e| Some(e.ok()?.path())));
        if let Ok(entries) = std::fs::read_dir(dir.join("readability")) {
            pages.extend(entries.filter_map(|e| Some(e.ok()?.path().join("source.html.gz"))));
        }
        pages.sort();
        Some(pages)
    }

    /// The node budget never touches a real page: every corpus page makes less than three
    /// quarters of what its size allows.
    #[test]
    fn corpus_pages_stay_far_below_the_node_budget() {
        let Some(pages) = corpus_pages("corpus_pages_stay_far_below_the_node_budget") else {
            return;
        };
        assert!(pages.len() > 600, "only {} corpus pages found", pages.len());
        for path in pages {
            let raw = std::fs::read(&path).expect("corpus page reads");
            let bytes = maybe_gunzip(&raw, 64 << 20).expect("corpus page decompresses");
            let html = decode_html(&bytes, None).html;
            let nodes = Document::parse(&html).skeleton.nodes.len();
            let budget = super::super::nesting::node_budget(html.len());
            assert!(
                nodes * 4 < budget * 3,
                "{}: {nodes} nodes of a budget of {budget}",
                path.display()
            );
        }
    }

    /// Every corpus page gives the same tree with either tokenizer.
    #[test]
    fn trees_match_html5evers_tokenizer_on_the_corpus() {
        let Some(pages) = corpus_pages("trees_match_html5evers_tokenizer_on_the_corpus") else {
            return;
        };
        assert!(pages.len() > 600, "only {} corpus pages found", pages.len());
        for path in pages {
            let raw = std::fs::read(&path).expect("corpus page reads");
            let bytes = maybe_gunzip(&raw, 64 << 20).expect("corpus page decompresses");
            if let Err(difference) = compare_trees(&decode_html(&bytes, None).html) {
                panic!("{}: {difference}", path.display());
            }
        }
    }
}
