//! JSON-LD (`<script type="application/ld+json">`) as CMSs actually emit it.
//!
//! schema.org metadata is the most precise source for headline, authors and dates, and the
//! most often broken: several objects in one script, `@graph` wrappers, arrays of objects,
//! raw newlines and tabs inside strings, trailing commas, `<!-- -->` or `CDATA` wrappers,
//! objects nested as `mainEntity`. [`parse_objects`] repairs what can be repaired and returns
//! a flat list of the objects found; anything beyond repair is skipped, never an error.

use serde_json::{Map, Value};

/// Nodes in one script beyond this are ignored; real pages have a handful.
const MAX_OBJECTS: usize = 256;

/// Nesting depth followed into `@graph`, arrays and `mainEntity`.
const MAX_DEPTH: usize = 8;

/// Parses the text of one JSON-LD script into its objects, flattened: the members of
/// `@graph`, the elements of top-level arrays and `mainEntity`/`mainEntityOfPage` objects are
/// returned alongside their containers.
pub fn parse_objects(script: &str) -> Vec<Map<String, Value>> {
    let cleaned = unwrap_script(script);
    let mut values = parse_lenient(cleaned);
    if values.is_empty() {
        let repaired = repair(cleaned);
        values = parse_lenient(&repaired);
    }
    let mut objects = Vec::new();
    for value in values {
        flatten(value, 0, &mut objects);
    }
    objects
}

/// Strips the wrappers some templates put around the JSON.
fn unwrap_script(script: &str) -> &str {
    let mut text = script.trim();
    for (open, close) in [
        ("<!--", "-->"),
        ("<![CDATA[", "]]>"),
        ("//<![CDATA[", "//]]>"),
    ] {
        if let Some(rest) = text.strip_prefix(open) {
            text = rest.strip_suffix(close).unwrap_or(rest).trim();
        }
    }
    text.trim_end_matches(';').trim()
}

/// Parses one or more concatenated JSON values; stops at the first error, keeping what was
/// read before it.
fn parse_lenient(text: &str) -> Vec<Value> {
    serde_json::Deserializer::from_str(text)
        .into_iter::<Value>()
        .map_while(Result::ok)
        .take(MAX_OBJECTS)
        .collect()
}

/// Fixes the common defects: control characters inside strings (escaped) and trailing commas
/// before `}` or `]` (dropped). A single linear pass that tracks whether it is in a string.
fn repair(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 16);
    let mut in_string = false;
    let mut escaped = false;
    let mut pending_comma = false;
    for c in text.chars() {
        if in_string {
            if escaped {
                escaped = false;
                out.push(c);
                continue;
            }
            match c {
                '\\' => {
                    escaped = true;
                    out.push(c);
                }
                '"' => {
                    in_string = false;
                    out.push(c);
                }
                '\n' => out.push_str("\\n"),
                '\r' => out.push_str("\\r"),
                '\t' => out.push_str("\\t"),
                c if c.is_control() => {}
                c => out.push(c),
            }
            continue;
        }
        match c {
            ',' => {
                if pending_comma {
                    // Doubled commas: keep one.
                    continue;
                }
                pending_comma = true;
            }
            c if c.is_whitespace() => out.push(c),
            '}' | ']' => {
                pending_comma = false;
                out.push(c);
            }
            c => {
                if pending_comma {
                    out.push(',');
                    pending_comma = false;
                }
                if c == '"' {
                    in_string = true;
                }
                out.push(c);
            }
        }
    }
    out
}

fn flatten(value: Value, depth: usize, out: &mut Vec<Map<String, Value>>) {
    if depth > MAX_DEPTH || out.len() >= MAX_OBJECTS {
        return;
    }
    match value {
        Value::Array(items) => {
            for item in items {
                flatten(item, depth + 1, out);
            }
        }
        Value::Object(mut object) => {
            let graph = object.remove("@graph");
            let nested: Vec<Value> = ["mainEntity", "mainEntityOfPage"]
                .iter()
                .filter_map(|key| match object.get(*key) {
                    Some(value @ Value::Object(inner)) if inner.contains_key("@type") => {
                        Some(value.clone())
                    }
                    _ => None,
                })
                .collect();
            if object.contains_key("@type") {
                out.push(object);
            }
            if let Some(graph) = graph {
                flatten(graph, depth + 1, out);
            }
            for value in nested {
                flatten(value, depth + 1, out);
            }
        }
        _ => {}
    }
}

/// The `@type` of an object, as a list (it may be a string or an array of strings).
pub fn types(object: &Map<String, Value>) -> Vec<&str> {
    match object.get("@type") {
        Some(Value::String(kind)) => vec![kind.as_str()],
        Some(Value::Array(kinds)) => kinds.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    }
}

/// schema.org types that describe the article itself, not the site or a breadcrumb.
pub fn is_article_type(kind: &str) -> bool {
    let kind = kind.rsplit(['/', ':']).next().unwrap_or(kind);
    // schema.org has dozens of *Article and *Posting subtypes, and sites invent more.
    if kind.ends_with("Article") || kind.ends_with("Posting") {
        return true;
    }
    matches!(
        kind,
        "Article"
            | "NewsArticle"
            | "BlogPosting"
            | "LiveBlogPosting"
            | "Report"
            | "ReportageNews"
            | "AnalysisNewsArticle"
            | "OpinionNewsArticle"
            | "BackgroundNewsArticle"
            | "ReviewNewsArticle"
            | "AskPublicNewsArticle"
            | "SatiricalArticle"
            | "ScholarlyArticle"
            | "TechArticle"
            | "SocialMediaPosting"
            | "DiscussionForumPosting"
            | "Review"
            | "CreativeWork"
            | "PressRelease"
    )
}

/// A string value, or the `name` of an object value, or the first of an array — the shapes a
/// "text-like" property takes in the wild.
pub fn text_of(value: &Value) -> Option<String> {
    match value {
        Value::String(text) => Some(text.clone()),
        Value::Number(number) => Some(number.to_string()),
        Value::Object(object) => object.get("name").and_then(text_of),
        Value::Array(items) => items.iter().find_map(text_of),
        _ => None,
    }
}

/// All strings of a value that may be a string, an array of strings, or objects with `name`.
pub fn texts_of(value: &Value) -> Vec<String> {
    match value {
        Value::Array(items) => items.iter().flat_map(texts_of).collect(),
        other => text_of(other).into_iter().collect(),
    }
}

/// A URL-like property: a string, an object with `url` (or `@id`), or the first of an array.
pub fn url_of(value: &Value) -> Option<String> {
    match value {
        Value::String(url) => Some(url.clone()),
        Value::Object(object) => object
            .get("url")
            .or_else(|| object.get("contentUrl"))
            .or_else(|| object.get("@id"))
            .and_then(url_of),
        Value::Array(items) => items.iter().find_map(url_of),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(objects: &[Map<String, Value>]) -> Vec<String> {
        objects.iter().map(|o| types(o).join("+")).collect()
    }

    #[test]
    fn single_object() {
        let objects = parse_objects(
            r#"{"@context":"https://schema.org","@type":"NewsArticle","headline":"H"}"#,
        );
        assert_eq!(kinds(&objects), ["NewsArticle"]);
        assert_eq!(
            objects[0].get("headline").and_then(text_of).as_deref(),
            Some("H")
        );
    }

    #[test]
    fn graph_and_arrays_are_flattened() {
        let script = r#"[{"@type":"WebSite","name":"Site"},
            {"@context":"https://schema.org","@graph":[{"@type":"Organization"},{"@type":["Article","NewsArticle"]}]}]"#;
        assert_eq!(
            kinds(&parse_objects(script)),
            ["WebSite", "Organization", "Article+NewsArticle"]
        );
    }

    #[test]
    fn main_entity_is_found() {
        let script = r#"{"@type":"WebPage","mainEntity":{"@type":"Article","headline":"Inner"}}"#;
        assert_eq!(kinds(&parse_objects(script)), ["WebPage", "Article"]);
    }

    #[test]
    fn broken_json_is_repaired() {
        let script = "<!--\n{\"@type\":\"Article\",\n \"headline\":\"Line one\nline two\",\n \"author\":[{\"name\":\"A\"},],}\n-->";
        let objects = parse_objects(script);
        assert_eq!(kinds(&objects), ["Article"]);
        assert_eq!(
            objects[0].get("headline").and_then(text_of).as_deref(),
            Some("Line one\nline two")
        );
        assert_eq!(
            objects[0].get("author").map(texts_of),
            Some(vec!["A".to_owned()])
        );
    }

    #[test]
    fn concatenated_objects() {
        let script = r#"{"@type":"WebSite","name":"S"} {"@type":"Article","headline":"H"};"#;
        assert_eq!(kinds(&parse_objects(script)), ["WebSite", "Article"]);
    }

    #[test]
    fn garbage_gives_nothing() {
        for script in [
            "",
            "   ",
            "not json",
            "{",
            "[[[[",
            "{\"@type\":",
            "null",
            "42",
            "\"s\"",
        ] {
            assert!(parse_objects(script).is_empty(), "{script:?}");
        }
        let deep = "[".repeat(10_000) + &"]".repeat(10_000);
        assert!(parse_objects(&deep).is_empty());
    }

    #[test]
    fn value_shapes() {
        let value: Value =
            serde_json::from_str(r#"[{"@type":"Person","name":"A B"},"C D",{"@type":"Person"}]"#)
                .expect("valid json");
        assert_eq!(texts_of(&value), ["A B", "C D"]);
        let image: Value =
            serde_json::from_str(r#"{"@type":"ImageObject","url":"https://x/i.jpg"}"#)
                .expect("valid");
        assert_eq!(url_of(&image).as_deref(), Some("https://x/i.jpg"));
        assert!(is_article_type("NewsArticle"));
        assert!(is_article_type("http://schema.org/BlogPosting"));
        assert!(!is_article_type("WebSite"));
    }
}
