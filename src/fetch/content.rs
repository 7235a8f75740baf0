//! What a response is: HTML, a feed, a sitemap, or something else.

/// What a response body is, from its Content-Type, sniffed when that is missing or vague.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ContentKind {
    Html,
    Feed,
    Sitemap,
    /// Anything else, with the media type for the skip reason.
    Other(String),
}

/// How far into a body sniffing looks.
const SNIFF_BYTES: usize = 1024;

/// Classifies a body. `media_type` is the Content-Type without parameters.
pub fn classify(media_type: Option<&str>, body: &[u8]) -> ContentKind {
    match media_type {
        Some("text/html" | "application/xhtml+xml") => ContentKind::Html,
        Some("application/rss+xml" | "application/atom+xml" | "application/feed+json") => {
            ContentKind::Feed
        }
        Some(
            "application/xml"
            | "text/xml"
            | "application/gzip"
            | "application/x-gzip"
            | "application/octet-stream"
            | "text/plain",
        )
        | None => sniff(body)
            .unwrap_or_else(|| ContentKind::Other(media_type.unwrap_or("unknown").to_string())),
        Some(other) => ContentKind::Other(other.to_string()),
    }
}

/// Recognises HTML, feeds and sitemaps by their first bytes.
fn sniff(body: &[u8]) -> Option<ContentKind> {
    if body.starts_with(&[0x1f, 0x8b]) {
        // Gzip outside Content-Encoding: sitemaps are the one such thing we read.
        return Some(ContentKind::Sitemap);
    }
    let head = &body[..body.len().min(SNIFF_BYTES)];
    let head = String::from_utf8_lossy(head).to_ascii_lowercase();
    let head = head.trim_start_matches('\u{feff}').trim_start();
    if head.starts_with("<!doctype html")
        || [
            "<html", "<head", "<body", "<title", "<meta", "<p>", "<div", "<script", "<!--",
        ]
        .iter()
        .any(|tag| head.starts_with(tag))
    {
        return Some(ContentKind::Html);
    }
    if head.starts_with("<?xml") || head.starts_with('<') {
        if head.contains("<urlset") || head.contains("<sitemapindex") {
            return Some(ContentKind::Sitemap);
        }
        if head.contains("<rss") || head.contains("<feed") || head.contains("<rdf:rdf") {
            return Some(ContentKind::Feed);
        }
        if head.contains("<html") {
            return Some(ContentKind::Html);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classifies_by_type_then_sniffs() {
        assert_eq!(classify(Some("text/html"), b""), ContentKind::Html);
        assert_eq!(
            classify(None, b"  <!DOCTYPE html><html>"),
            ContentKind::Html
        );
        assert_eq!(
            classify(Some("application/xml"), b"<?xml version=\"1.0\"?><urlset>"),
            ContentKind::Sitemap
        );
        assert_eq!(
            classify(None, b"<?xml version=\"1.0\"?><rss>"),
            ContentKind::Feed
        );
        assert_eq!(
            classify(Some("application/pdf"), b"%PDF-1.4"),
            ContentKind::Other("application/pdf".into())
        );
        assert_eq!(
            classify(None, b"\x89PNG\r\n"),
            ContentKind::Other("unknown".into())
        );
    }
}
