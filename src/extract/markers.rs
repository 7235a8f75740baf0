//! qTranslate(-X) language markers: one language out of a multilingual WordPress page.
//!
//! The qTranslate family of WordPress plugins stores every language of a post in one string
//! and relies on PHP to pick one when rendering. When that step is skipped (feeds, caches,
//! misconfigured themes, titles in `<title>` or `og:title`) the raw markers reach the page:
//!
//! * `[:en]English[:ru]Русский[:]` — qTranslate-X, closed by `[:]` (the closer may be missing);
//! * `{:en}English{:ru}Русский{:}` — the same with braces, used where brackets are special;
//! * `<!--:en-->English<!--:--><!--:ru-->Русский<!--:-->` — old qTranslate, each part closed.
//!
//! [`select_language`] keeps one language's part of every such group and removes every
//! marker, including stray closers, so none can leak into extracted text. It runs in one
//! linear pass and returns the input unchanged (borrowed) when there are no markers.

use std::borrow::Cow;
use std::ops::Range;
use std::sync::LazyLock;

use regex::Regex;

/// One marker. Capture groups 1–3 hold the language of an opening bracket, brace or comment
/// marker; a match without a language is a closer.
static MARKER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"\[:([A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{2,8})?)?\]|\{:([A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{2,8})?)?\}|<!--:([A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{2,8})?)?-->",
    )
    .expect("marker regex is valid")
});

/// The `lang` attribute of the `<html>` element.
static HTML_LANG: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"(?i)<html\b[^>]*?[\s"']lang\s*=\s*["']?([A-Za-z]{2,3})\b"#)
        .expect("html lang regex is valid")
});

/// How far into the page `<html lang>` is looked for (a doctype, comments and a BOM-less
/// preamble can precede it, but not by much).
const HTML_LANG_SEARCH_LIMIT: usize = 64 * 1024;

/// Keeps one language of every qTranslate marker group in `html` and removes all markers.
///
/// The language kept is `preferred` when given (compared by primary subtag, so `en-GB` selects
/// `[:en]`), else the language the page declares in `<html lang>`. A group that lacks that
/// language (or has only an empty part for it) yields the declared language's part, else its
/// first non-empty part, so text is never lost because a translation is missing.
pub fn select_language<'a>(html: &'a str, preferred: Option<&str>) -> Cow<'a, str> {
    if !has_opener(html) {
        return Cow::Borrowed(html);
    }
    let wanted = [
        preferred.map(primary_subtag),
        declared_html_lang(html).map(primary_subtag),
    ];
    let mut selector = Selector {
        html,
        out: String::with_capacity(html.len()),
        group: Vec::new(),
        open_part: None,
        awaiting_comment_part: false,
        wanted,
    };
    let mut last = 0;
    for captures in MARKER.captures_iter(html) {
        let Some(whole) = captures.get(0) else {
            continue;
        };
        let between = last..whole.start();
        last = whole.end();
        let comment_opener = captures.get(3);
        let lang = captures
            .get(1)
            .or_else(|| captures.get(2))
            .or(comment_opener)
            .map(|m| m.as_str());
        let is_comment = whole.as_str().starts_with('<');

        // Text before this marker: part of the open part (taken by range later), the
        // whitespace between two parts of an old-style group (dropped), or page text.
        if selector.open_part.is_none() {
            let continues_group = selector.awaiting_comment_part
                && comment_opener.is_some()
                && html[between.clone()].trim().is_empty();
            if !continues_group {
                selector.flush_group();
                selector.out.push_str(&html[between]);
            }
        }
        match lang {
            Some(lang) => {
                if selector.repeats(lang) {
                    // A language the group has already: a new field starts, and the open
                    // part was never closed (a theme appended " | Site" and `</title>` to
                    // it). It ends where its markup does; the rest is page text.
                    selector.close_unclosed_part(whole.start());
                } else {
                    selector.close_part(whole.start());
                }
                selector.awaiting_comment_part = false;
                selector.open_part = Some((lang, whole.end()));
            }
            None if is_comment => {
                let had_part = selector.close_part(whole.start());
                if had_part {
                    selector.awaiting_comment_part = true;
                } else {
                    selector.flush_group();
                }
            }
            None => {
                selector.close_part(whole.start());
                selector.flush_group();
            }
        }
    }
    // A part left open (qTranslate-X allows omitting the final `[:]`) runs to the end of
    // its markup.
    if selector.open_part.is_some() {
        selector.close_unclosed_part(html.len());
    } else {
        selector.flush_group();
        selector.out.push_str(&html[last..]);
    }
    Cow::Owned(selector.out)
}

/// Whether `html` opens a language part with a two-letter code (`[:en]`, `{:ru}`,
/// `<!--:az-->`, `[:pt-br]`). Closers alone are no qTranslate page: `[:]` is a Python slice
/// (`tablero[:]` in a code block) or an emoticon, and three letters are more often a slice's
/// bound (`text[:end]`) than a language, which qTranslate names by ISO 639-1 codes.
fn has_opener(html: &str) -> bool {
    MARKER.captures_iter(html).any(|captures| {
        (1..=3).filter_map(|group| captures.get(group)).any(|lang| {
            let code = lang.as_str().split(['-', '_']).next().unwrap_or("");
            code.len() == 2
        })
    })
}

/// State of the single pass in [`select_language`].
struct Selector<'a> {
    html: &'a str,
    out: String,
    /// Parts of the current group: language and byte range of the part's text.
    group: Vec<(&'a str, Range<usize>)>,
    /// The part being read: its language and where its text starts.
    open_part: Option<(&'a str, usize)>,
    /// An old-style comment part was just closed; another may follow.
    awaiting_comment_part: bool,
    /// Languages to look for, in order: the preferred one, then the page's declared one.
    wanted: [Option<String>; 2],
}

impl Selector<'_> {
    /// Ends the open part, if any, at `end`; returns whether there was one.
    fn close_part(&mut self, end: usize) -> bool {
        match self.open_part.take() {
            Some((lang, start)) => {
                self.group.push((lang, start..end));
                true
            }
            None => false,
        }
    }

    /// Whether the group being read has a part in `lang` already.
    fn repeats(&self, lang: &str) -> bool {
        self.open_part.is_some_and(|(open, _)| open == lang)
            || self.group.iter().any(|(part, _)| *part == lang)
    }

    /// Ends the open part, left unclosed before `limit`, where its markup ends (see
    /// [`unclosed_part_end`]), writes its group, and then the page text up to `limit`.
    fn close_unclosed_part(&mut self, limit: usize) {
        let end = match self.open_part {
            Some((_, start)) => unclosed_part_end(self.html, start, limit),
            None => limit,
        };
        self.close_part(end);
        self.flush_group();
        self.out.push_str(&self.html[end..limit]);
    }

    /// Writes the chosen part of the current group to the output.
    fn flush_group(&mut self) {
        self.awaiting_comment_part = false;
        if self.group.is_empty() {
            return;
        }
        let html = self.html;
        let non_blank = |range: &Range<usize>| !html[range.clone()].trim().is_empty();
        let chosen = self
            .wanted
            .iter()
            .flatten()
            .find_map(|wanted| {
                self.group
                    .iter()
                    .find(|(lang, range)| primary_subtag(lang) == *wanted && non_blank(range))
            })
            .or_else(|| self.group.iter().find(|(_, range)| non_blank(range)))
            .or_else(|| self.group.first())
            .map(|(_, range)| range.clone());
        if let Some(range) = chosen {
            self.out.push_str(&html[range]);
        }
        self.group.clear();
    }
}

/// Where a part left unclosed ends: at the first end tag of an element it did not open
/// (`</title>` after "[:ru]Заголовок | Site"), else at `limit`. A part's own markup
/// (`<p>…</p>`) stays in it.
fn unclosed_part_end(html: &str, start: usize, limit: usize) -> usize {
    let part = &html[start..limit];
    let mut open: Vec<&str> = Vec::new();
    for (at, _) in part.match_indices('<') {
        let tag = &part[at + 1..];
        let closing = tag.starts_with('/');
        let name = tag.trim_start_matches('/');
        let name_len = name
            .find(|c: char| !c.is_ascii_alphanumeric())
            .unwrap_or(name.len());
        let name = &name[..name_len];
        if name.is_empty() {
            continue;
        }
        if !closing {
            if !VOID_ELEMENTS
                .iter()
                .any(|void| void.eq_ignore_ascii_case(name))
            {
                open.push(name);
            }
            continue;
        }
        match open
            .iter()
            .rposition(|opened| opened.eq_ignore_ascii_case(name))
        {
            Some(opened) => open.truncate(opened),
            None => return start + at,
        }
    }
    limit
}

/// Elements that have no end tag.
const VOID_ELEMENTS: &[&str] = &[
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track",
    "wbr",
];

/// The primary language subtag, lower-cased: `en-GB` → `en`, `pt_BR` → `pt`.
fn primary_subtag(tag: &str) -> String {
    tag.trim()
        .split(['-', '_'])
        .next()
        .unwrap_or_default()
        .to_ascii_lowercase()
}

/// The language declared by `<html lang>`, if any.
fn declared_html_lang(html: &str) -> Option<&str> {
    let mut end = html.len().min(HTML_LANG_SEARCH_LIMIT);
    while !html.is_char_boundary(end) {
        end -= 1;
    }
    HTML_LANG
        .captures(&html[..end])
        .and_then(|captures| captures.get(1))
        .map(|m| m.as_str())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn select(html: &str, preferred: Option<&str>) -> String {
        select_language(html, preferred).into_owned()
    }

    #[test]
    fn no_markers_borrows_input() {
        let html = "<p>Plain [text] with {braces} and <!-- comments --></p>";
        assert!(matches!(
            select_language(html, Some("en")),
            Cow::Borrowed(_)
        ));
        assert!(matches!(select_language("", None), Cow::Borrowed("")));
    }

    #[test]
    fn bracket_markers_pick_preferred() {
        let html = "<h1>[:en]Appeal[:ru]Обращение[:]</h1><p>[:en]Text[:ru]Текст[:]</p>";
        assert_eq!(select(html, Some("ru")), "<h1>Обращение</h1><p>Текст</p>");
        assert_eq!(select(html, Some("en")), "<h1>Appeal</h1><p>Text</p>");
        assert_eq!(select(html, Some("en-GB")), "<h1>Appeal</h1><p>Text</p>");
        assert_eq!(
            select(html, Some("RU_ru")),
            "<h1>Обращение</h1><p>Текст</p>"
        );
    }

    #[test]
    fn default_is_declared_html_lang_then_first_part() {
        let body = "<p>[:en]Text[:az]Mətn[:ru]Текст[:]</p>";
        let declared = format!("<!DOCTYPE html><html dir=\"ltr\" lang=\"az-AZ\"><body>{body}");
        assert_eq!(
            select(&declared, None),
            "<!DOCTYPE html><html dir=\"ltr\" lang=\"az-AZ\"><body><p>Mətn</p>"
        );
        let undeclared = format!("<html><body>{body}");
        assert_eq!(select(&undeclared, None), "<html><body><p>Text</p>");
        // Preferred language absent: the declared one, then the first.
        assert_eq!(
            select(&declared, Some("de")),
            "<!DOCTYPE html><html dir=\"ltr\" lang=\"az-AZ\"><body><p>Mətn</p>"
        );
        assert_eq!(select(&undeclared, Some("de")), "<html><body><p>Text</p>");
    }

    #[test]
    fn single_language_block_with_other_preferred_keeps_text() {
        // Seed 004's shape: the post exists only in English.
        let html = "<h1>[:en]Civil society appeal[:]</h1><p>tərəfindən Gozetci</p>";
        assert_eq!(
            select(html, Some("az")),
            "<h1>Civil society appeal</h1><p>tərəfindən Gozetci</p>"
        );
    }

    #[test]
    fn empty_preferred_part_falls_back_to_text() {
        let html = "[:en][:ru]Только по-русски[:]";
        assert_eq!(select(html, Some("en")), "Только по-русски");
    }

    #[test]
    fn unclosed_group_runs_to_end() {
        assert_eq!(
            select("<title>[:en]Hello[:ru]Привет", Some("en")),
            "<title>Hello"
        );
        assert_eq!(
            select("<title>[:en]Hello[:ru]Привет", Some("ru")),
            "<title>Привет"
        );
    }

    #[test]
    fn an_unclosed_group_ends_where_its_markup_does() {
        // The theme appended the site's name and closed the title; the next field's group
        // starts with a language the title's had.
        let html = "<title>[:az]Icmal[:en]Digest[:ru]Обзор | Site</title></head><body>\
                    <h2>[:az]Monitorinq[:en]Monitoring[:]</h2><p>Mətn</p>";
        assert_eq!(
            select(html, Some("az")),
            "<title>Icmal</title></head><body><h2>Monitorinq</h2><p>Mətn</p>"
        );
        assert_eq!(
            select(html, Some("ru")),
            "<title>Обзор | Site</title></head><body><h2>Monitorinq</h2><p>Mətn</p>"
        );
        // Left open at the end: the part's own markup stays in it, the page's does not.
        let html = "<div class=entry>[:en]<p>One</p>[:ru]<p>Раз</p></div><footer>F</footer>";
        assert_eq!(
            select(html, Some("en")),
            "<div class=entry><p>One</p></div><footer>F</footer>"
        );
    }

    #[test]
    fn brace_markers() {
        let html = r#"<meta property="og:title" content="{:en}Report{:ru}Отчёт{:}">"#;
        assert_eq!(
            select(html, Some("ru")),
            r#"<meta property="og:title" content="Отчёт">"#
        );
    }

    #[test]
    fn comment_markers() {
        let html = "<h1><!--:en-->Report<!--:--> <!--:ru-->Отчёт<!--:--></h1> tail";
        assert_eq!(select(html, Some("ru")), "<h1>Отчёт</h1> tail");
        assert_eq!(select(html, Some("en")), "<h1>Report</h1> tail");
        assert_eq!(select(html, None), "<h1>Report</h1> tail");
    }

    #[test]
    fn consecutive_comment_groups_are_separate_when_text_intervenes() {
        let html =
            "<!--:en-->A<!--:--><!--:ru-->А<!--:-->, then <!--:en-->B<!--:--><!--:ru-->Б<!--:-->";
        assert_eq!(select(html, Some("ru")), "А, then Б");
    }

    #[test]
    fn slices_in_code_are_not_markers() {
        for html in [
            "<pre><code>tablero_copia = tablero[:]\ncopia = [fila[:] for fila in tablero]</code></pre>",
            "<pre>head = text[:end]; rest = text[end:]; all = text[:]</pre>",
        ] {
            assert_eq!(select(html, None), html);
        }
    }

    #[test]
    fn stray_and_mixed_markers_never_leak() {
        let html = "a[:]b{:}c<!--:-->d[:en]e{:ru}f[:]g[:xx]";
        let out = select(html, Some("ru"));
        assert!(!MARKER.is_match(&out), "{out}");
        assert_eq!(out, "abcdfg");
    }

    #[test]
    fn many_groups_in_linear_time() {
        let unit = "<p>[:en]English paragraph.[:ru]Русский абзац.[:]</p>\n";
        let html = unit.repeat(100_000);
        let out = select(&html, Some("ru"));
        assert_eq!(out, "<p>Русский абзац.</p>\n".repeat(100_000));
        // A hundred thousand unclosed groups: each repeated language starts the next.
        let parts = "[:en]e[:ru]r".repeat(100_000);
        let out = select(&parts, Some("ru"));
        assert_eq!(out, "r".repeat(100_000));
    }

    #[test]
    fn marker_lookalikes_are_kept() {
        let html = "[:en]JSON {:} is a closer but {\"a\":1} and [:-)] and [: en] are text";
        // On a page with a language part, `{:}` is a real closer and goes; the rest is not
        // marker syntax. Without one, a closer is text too.
        assert_eq!(
            select(html, None),
            "JSON  is a closer but {\"a\":1} and [:-)] and [: en] are text"
        );
        assert_eq!(select(&html[5..], None), &html[5..]);
    }

    #[test]
    fn html_lang_detection() {
        assert_eq!(declared_html_lang("<html lang=ru>"), Some("ru"));
        assert_eq!(
            declared_html_lang("<HTML xmlns=\"x\" xml:lang=\"en\" LANG='de-DE'>"),
            Some("de")
        );
        assert_eq!(declared_html_lang("<html><body lang=ru>"), None);
        assert_eq!(declared_html_lang("<htmlfoo lang=ru>"), None);
    }
}
