//! A cap on element nesting, applied to the HTML text before it is parsed.
//!
//! The HTML tree builder checks "has an element in scope" for many start tags (every `<div>`,
//! `<p>`, `<ul>`… closes an open `<p>` first), and that check walks the stack of open
//! elements. With N nested elements parsing costs O(N²): 100 000 nested `<div>`s (600 KB)
//! take minutes in html5ever, a denial of service for a crawler. Browsers cap the tree depth
//! (Chromium at 512) for the same reason. We do it on the text: start tags that would open
//! an element deeper than the cap are removed together with their end tags, so their content
//! is kept, attached to the deepest allowed ancestor. The pass is linear and returns the
//! input untouched (borrowed) when no page would be affected, which is every real page.

use std::borrow::Cow;
use std::collections::HashMap;

/// Deepest element nesting kept. Real pages stay far below 100; browsers cap at 512.
pub const MAX_NESTING: usize = 256;

/// Elements without content: they never nest.
const VOID: &[&str] = &[
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source",
    "track", "wbr", "keygen",
];

/// Elements whose end tag is optional and usually omitted: they would inflate the count of a
/// well-formed page, so they are neither counted nor removed.
const IMPLICITLY_CLOSED: &[&str] = &[
    "p", "li", "dt", "dd", "option", "optgroup", "tr", "td", "th", "tbody", "thead", "tfoot",
    "colgroup", "caption", "rb", "rt", "rp", "rtc", "html", "head", "body",
];

/// Elements whose content is text up to their end tag, not markup.
const RAW_TEXT: &[&str] = &[
    "script",
    "style",
    "textarea",
    "title",
    "xmp",
    "iframe",
    "noembed",
    "noframes",
    "plaintext",
];

/// Removes start tags nested deeper than `max_depth` (and their end tags).
pub fn limit_nesting(html: &str, max_depth: usize) -> Cow<'_, str> {
    let bytes = html.as_bytes();
    let mut depth = 0usize;
    let mut removed: Vec<(usize, usize)> = Vec::new();
    let mut pending_end_tags: HashMap<String, usize> = HashMap::new();
    let mut position = 0;
    while let Some(offset) = html[position..].find('<') {
        let start = position + offset;
        let rest = &bytes[start..];
        if rest.starts_with(b"<!--") {
            position = match html[start + 4..].find("-->") {
                Some(end) => start + 4 + end + 3,
                None => break,
            };
            continue;
        }
        if rest.starts_with(b"<!") || rest.starts_with(b"<?") {
            position = match html[start..].find('>') {
                Some(end) => start + end + 1,
                None => break,
            };
            continue;
        }
        let closing = rest.get(1) == Some(&b'/');
        let name_start = start + if closing { 2 } else { 1 };
        let name_end = bytes[name_start..]
            .iter()
            .position(|b| !b.is_ascii_alphanumeric() && *b != b'-')
            .map_or(bytes.len(), |n| name_start + n);
        if name_end == name_start || !bytes[name_start].is_ascii_alphabetic() {
            // "<" that starts no tag: text.
            position = start + 1;
            continue;
        }
        // Lower-cased on the stack: this runs for every tag of every page. No listed name is
        // longer than the buffer; a longer name is in no list.
        let name = &bytes[name_start..name_end];
        let mut buffer = [0u8; 16];
        let lower = buffer.get_mut(..name.len()).map_or("", |lower| {
            lower.copy_from_slice(name);
            lower.make_ascii_lowercase();
            std::str::from_utf8(lower).unwrap_or("")
        });
        let is = |list: &[&str]| !lower.is_empty() && list.contains(&lower);
        let Some(tag_end) = tag_end(bytes, name_end) else {
            break;
        };
        position = tag_end;
        let counted = !is(VOID) && !is(IMPLICITLY_CLOSED);
        if closing {
            let pending = if pending_end_tags.is_empty() {
                None
            } else {
                pending_end_tags
                    .get_mut(&html[name_start..name_end].to_ascii_lowercase())
                    .filter(|c| **c > 0)
            };
            if let Some(count) = pending {
                *count -= 1;
                removed.push((start, tag_end));
            } else if counted {
                depth = depth.saturating_sub(1);
            }
            continue;
        }
        let self_closing = bytes[..tag_end].ends_with(b"/>");
        if is(RAW_TEXT) {
            // Skip the content up to the matching end tag; the end tag itself is handled
            // (and uncounted) by the loop, so the raw element is not counted either.
            position = find_end_tag(html, tag_end, name).unwrap_or(bytes.len());
            if position < bytes.len() {
                // Consume the end tag here so it does not decrement the depth.
                position = tag_end_or_len(bytes, position + 2 + name.len());
            }
            continue;
        }
        if !counted || self_closing {
            continue;
        }
        if depth >= max_depth {
            removed.push((start, tag_end));
            *pending_end_tags
                .entry(html[name_start..name_end].to_ascii_lowercase())
                .or_default() += 1;
        } else {
            depth += 1;
        }
    }
    if removed.is_empty() {
        return Cow::Borrowed(html);
    }
    let mut out = String::with_capacity(html.len());
    let mut last = 0;
    for (start, end) in removed {
        out.push_str(&html[last..start]);
        last = end;
    }
    out.push_str(&html[last..]);
    Cow::Owned(out)
}

/// The position after the `>` that ends a tag whose name ends at `from`, skipping quoted
/// attribute values; `None` when the input ends first.
fn tag_end(bytes: &[u8], from: usize) -> Option<usize> {
    let mut quote: Option<u8> = None;
    for (i, &b) in bytes.iter().enumerate().skip(from) {
        match quote {
            Some(q) if b == q => quote = None,
            Some(_) => {}
            None if b == b'"' || b == b'\'' => quote = Some(b),
            None if b == b'>' => return Some(i + 1),
            None => {}
        }
    }
    None
}

fn tag_end_or_len(bytes: &[u8], from: usize) -> usize {
    bytes[from..]
        .iter()
        .position(|&b| b == b'>')
        .map_or(bytes.len(), |n| from + n + 1)
}

/// Where the first `</name` (ASCII case-insensitive) at or after `from` starts. Jumps from
/// `</` to `</` with the standard library's substring search rather than testing every byte:
/// scripts and styles are a good part of a page's bytes.
fn find_end_tag(html: &str, from: usize, name: &[u8]) -> Option<usize> {
    let mut at = from;
    while let Some(offset) = html.get(at..)?.find("</") {
        let start = at + offset;
        let after = &html.as_bytes()[start + 2..];
        if after.len() >= name.len() && after[..name.len()].eq_ignore_ascii_case(name) {
            return Some(start);
        }
        at = start + 2;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ordinary_pages_are_untouched() {
        let html = "<!DOCTYPE html><html><head><script>if (a<b) {}</script></head>\
            <body><div><p>One<p>Two<ul><li>x<li>y</ul><img src=a.png><br/></div>\
            <!-- <div><div> --></body></html>";
        assert!(matches!(limit_nesting(html, 3), Cow::Borrowed(_)));
    }

    #[test]
    fn excess_depth_is_flattened_keeping_text() {
        let html = "<div><div><div><div>deep</div>after</div></div></div>";
        assert_eq!(limit_nesting(html, 2), "<div><div>deepafter</div></div>");
    }

    #[test]
    fn unclosed_paragraphs_do_not_count() {
        let html = "<div>".to_owned() + &"<p>para".repeat(1000) + "</div>";
        assert!(matches!(limit_nesting(&html, 10), Cow::Borrowed(_)));
    }

    #[test]
    fn raw_text_and_attributes_are_not_markup() {
        let html = r#"<div title="<div><div>"><script>"<div><div><div>"</script><style>a>b{}</style>x</div>"#;
        assert!(matches!(limit_nesting(html, 1), Cow::Borrowed(_)));
    }

    #[test]
    fn hundred_thousand_levels_in_linear_time() {
        let depth = 100_000;
        let html = format!(
            "{}text{}",
            "<div class=x>".repeat(depth),
            "</div>".repeat(depth)
        );
        let out = limit_nesting(&html, MAX_NESTING);
        assert_eq!(out.matches("<div").count(), MAX_NESTING);
        assert_eq!(out.matches("</div>").count(), MAX_NESTING);
        assert!(out.contains("text"));
    }

    #[test]
    fn truncated_and_garbage_input() {
        for html in [
            "<",
            "<div",
            "<div class='x",
            "</",
            "<!--",
            "<script>",
            "<<<>>>",
            "< div>",
            "<1>",
        ] {
            let _ = limit_nesting(html, 1);
        }
        let html = "<div><div><div>".to_owned() + "\u{FFFD}é<";
        assert_eq!(limit_nesting(&html, 1), "<div>\u{FFFD}é<");
    }
}
